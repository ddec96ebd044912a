#!/usr/bin/env python3
"""The comparisons of test/reference.sh: REFERENCE.md against the extension's catalogue, and
REFERENCE.md's SQLSTATE table against the codes the sources raise. The convention these
checks enforce is written at the top of test/reference.sh.

  reference_check.py objects   REFERENCE.md DIR TOP  (DIR: the catalogue lists test/reference.sh writes;
                                                     TOP: the checkout, for the sources' quoted values)
  reference_check.py sqlstates REFERENCE.md TOP ERRCODES_H ERRCODES_TXT

Prints one line per comparison, "NAME<TAB>COUNT<TAB>OFFENDER<TAB>OFFENDER...", offenders
sorted; COUNT 0 is a pass. Lines starting with "#" are notes."""
import glob
import os
import re
import sys

IDENT = r"[a-z_][a-z0-9_]*"
# the name a backticked span opens with: `name`, `name(args)`, `name → t`, `supplyrisk.name`
LEAD = re.compile(r"^\s*(supplyrisk\.)?([A-Za-z_][A-Za-z0-9_]*)(.?)")
# table kinds whose first cells name objects, and the kind words that introduce one in prose
OBJECT_TABLES = {"object", "table", "function", "aggregate", "setting", "view", "type", "procedure"}
KIND_WORD = re.compile(r"\b(tables?|views?|aggregates?|types?|procedures?|sequences?|functions?|"
                       r"columns?|settings?)\s+`([^`]+)`", re.I)
# PostgreSQL's own words REFERENCE.md backticks (no supplyrisk object): not claims
POSTGRES_WORDS = {"pg_dump", "pg_restore", "pg_temp", "pg_cron", "pg_prove", "postgres_fdw",
                  "security_invoker", "security_definer", "search_path", "client_min_messages",
                  "async_capable", "pg_stat_statements", "shared_preload_libraries"}


def read_reference(path):
    """Blocks of REFERENCE.md outside code fences: a heading, a table row (one line) or a
    paragraph (lines joined), each with its section number, its spans, and for a row the
    first cell of its table's header and its own first cell."""
    blocks, para, fence, section, header, start = [], [], False, 0, None, 0

    def add(kind, text, first=None, at=None):
        blocks.append({"kind": kind, "text": text, "section": section, "header": header,
                       "first": first, "line": at or lineno, "spans": re.findall(r"`([^`]+)`", text)})

    def flush():
        if para:
            add("para", " ".join(para), at=start)
            para.clear()

    for lineno, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line.startswith("```"):
            flush()
            fence = not fence
            continue
        if fence:
            continue
        if line.startswith("#"):
            flush()
            section += 1
            header = None
            add("heading", line)
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = cells[0].lower()
                add("header", line)
            elif not re.fullmatch(r"[-: |]+", line):
                add("row", line, cells[0])
        else:
            if not line.strip():
                header = None
                flush()
            else:
                if not para:
                    start = lineno
                para.append(line)
    flush()
    return blocks


def lead(span):
    """(qualified, name) of the identifier a span opens with; None for a pattern
    (`sector_<code>`, `pg_temp.x_*`) or a span that opens with no identifier."""
    m = LEAD.match(span)
    if not m or (m.group(3) and m.group(3) in "<*"):
        return None
    return (m.group(1) is not None, m.group(2))


def top_level(cell):
    """A table cell without its parenthesised asides (outside backticks): in
    "type `t` (`a`, `b`)" the spans `a`, `b` are values, not objects."""
    spans = re.findall(r"`[^`]*`", cell)
    text = re.sub(r"`[^`]*`", lambda m, c=iter(range(len(spans))): f"\x00{next(c)}\x00", cell)
    while True:
        t = re.sub(r"\([^()]*\)", "", text)
        if t == text:
            break
        text = t
    return re.sub(r"\x00([0-9]+)\x00", lambda m: spans[int(m.group(1))], text)


def brief(comment):
    """The start of a COMMENT, for a line saying what to document."""
    return (comment[:77] + "...") if len(comment) > 80 else (comment or "no COMMENT")


def tsv(path, ncol):
    rows = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line:
            rows.append((line.split("\t") + [""] * ncol)[:ncol])
    return rows


def words(path):
    return {l.strip() for l in open(path, encoding="utf-8") if l.strip()}


def emit(name, offenders):
    """offenders: names, or (name, where) pairs: one offender per name, with where it was
    first found and how often"""
    seen = {}
    for o in offenders:
        n, where = o if isinstance(o, tuple) else (o, None)
        first, k = seen.get(n, (where, 0))
        seen[n] = (first, k + 1)
    out = [n + (f" ({w}{'' if k == 1 else f'; {k} mentions'})" if w else "") for n, (w, k) in sorted(seen.items())]
    print("\t".join([name, str(len(out))] + out))


SQL_TOKEN = re.compile(r"('(?:[^']|'')*')|(--[^\n]*)|(/\*.*?\*/)", re.S)


def sql_masked(src):
    """SQL with comments blanked and each string literal replaced by 'S<n>'; and the strings."""
    strings = []

    def repl(m):
        if m.group(1):
            strings.append(m.group(1)[1:-1].replace("''", "'"))
            return f"'S{len(strings) - 1}'"
        return " "
    return SQL_TOKEN.sub(repl, src), strings


def source_values(top):
    """The values the sources write as whole string literals ('high_risk_supplier', the items
    of '{a,b}'), SQL and C: words REFERENCE.md backticks as values, not as objects."""
    vals = set()
    for path in glob.glob(os.path.join(top, "sql", "src", "**", "*.sql"), recursive=True):
        for s in sql_masked(open(path, encoding="utf-8").read())[1]:
            for item in (s[1:-1].split(",") if s.startswith("{") and s.endswith("}") else [s]):
                if re.fullmatch(IDENT, item.strip()):
                    vals.add(item.strip())
    for path in glob.glob(os.path.join(top, "src", "*.c")):
        vals.update(m for m in re.findall(r'"(' + IDENT + r')"', open(path, encoding="utf-8").read()))
    return vals


def objects(ref_path, d, top):
    blocks = read_reference(ref_path)
    objs, about = {}, {}                        # name -> kinds; name -> its COMMENT (the first)
    for kind, name, comment in tsv(os.path.join(d, "objects.tsv"), 3):
        objs.setdefault(name, set()).add(kind)
        about.setdefault(name, comment)
    cols, col_about = {}, {}                    # relation -> [columns]; "rel.col" -> its COMMENT
    for rel, col, comment in tsv(os.path.join(d, "columns.tsv"), 3):
        cols.setdefault(rel, []).append(col)
        col_about[f"{rel}.{col}"] = comment
    fields = words(os.path.join(d, "fields.txt"))      # arguments, OUT columns, type fields, enum labels
    others = words(os.path.join(d, "others.txt"))      # the schema's indexes, triggers, policies, constraints
    builtin = words(os.path.join(d, "builtins.txt"))   # pg_catalog functions and types
    literals = source_values(top)                      # quoted values of the SQL and C sources
    gucs = words(os.path.join(d, "settings.txt"))      # supplyrisk.* settings
    column_names = {c for cs in cols.values() for c in cs} | fields
    exists = set(objs) | column_names | others | builtin

    print(f"# REFERENCE.md: {len(blocks)} blocks, {sum(len(b['spans']) for b in blocks)} backticked spans; "
          f"catalogue: {len(objs)} object names, {sum(len(c) for c in cols.values())} columns, {len(gucs)} settings")

    # --- forward: every object has an entry (its name opens a backticked span)
    named, named_q = set(), set()
    for b in blocks:
        for s in b["spans"]:
            l = lead(s)
            if l:
                named.add(l[1])
            m = re.match(r"^\s*(supplyrisk\.[a-z_][a-z0-9_.]*)", s)
            if m:
                named_q.add(m.group(1))
    def missing(kinds):
        return [(n, f"{'/'.join(sorted(k))}: {brief(about[n])}") for n, k in objs.items() if k & kinds and n not in named]
    emit("every function, procedure and aggregate has an entry", missing({"function", "procedure", "aggregate", "window function"}))
    emit("every type has an entry", missing({"type"}))
    emit("every table, view and sequence has an entry", missing({"table", "view", "sequence", "materialized view", "foreign table"}))
    emit("every setting has an entry", [g for g in gucs if g not in named_q])

    # --- forward: every column is in its relation's entry: the table rows and paragraphs whose
    # spans name the relation, the sections whose heading or first paragraph names it, or `rel.col`
    names_in = [set(x[1] for x in map(lead, b["spans"]) if x) for b in blocks]
    first_para = {}
    for i, b in enumerate(blocks):
        if b["kind"] == "para" and b["section"] not in first_para:
            first_para[b["section"]] = i
    entry = {}
    for rel in cols:
        texts = []
        for i, b in enumerate(blocks):
            if rel not in names_in[i]:
                continue
            if b["kind"] in ("row", "para"):
                texts.append(b["text"])
            if b["kind"] == "heading" or (b["kind"] == "para" and first_para.get(b["section"]) == i):
                texts.extend(x["text"] for x in blocks if x["section"] == b["section"])
        entry[rel] = " ".join(texts)
    qualified = {s.strip() for b in blocks for s in b["spans"]}
    off = []
    for rel, cs in cols.items():
        for c in cs:
            if not re.search(r"(?<![A-Za-z0-9_])" + re.escape(c) + r"(?![A-Za-z0-9_])", entry[rel]) \
                    and f"{rel}.{c}" not in qualified and f"supplyrisk.{rel}.{c}" not in qualified:
                off.append((f"{rel}.{c}", brief(col_about[f"{rel}.{c}"])))
    emit("every column of a table or view is in its object's entry", off)

    # --- removed objects: the section headed "Removed objects" lists what a released version had
    # and an upgrade drops; its names are checked here, not as claims of existing objects
    removed_sections = {b["section"] for b in blocks if b["kind"] == "heading" and re.match(r"#+\s+Removed objects", b["text"])}
    removed = {}
    for b in blocks:
        if b["section"] in removed_sections and b["kind"] == "row":
            for s in re.findall(r"`([^`]+)`", b["first"] or ""):
                l = lead(s)
                if l and not l[0]:
                    removed.setdefault(l[1], f"line {b['line']}")
    released_text = ""
    md5 = os.path.join(top, "sql", "released.md5")
    for line in (open(md5, encoding="utf-8") if os.path.exists(md5) else []):
        if line.split():
            released_text += open(os.path.join(top, "sql", line.split()[1]), encoding="utf-8").read()
    dropped = {}
    for path in sorted(glob.glob(os.path.join(top, "sql", "migrations", "*.sql"))):
        for m in re.finditer(r"\bDROP\s+(FUNCTION|PROCEDURE|AGGREGATE|VIEW|TABLE|TYPE|SEQUENCE)\s+(?:IF\s+EXISTS\s+)?@extschema@\.(" + IDENT + r")",
                             sql_masked(open(path, encoding="utf-8").read())[0]):
            dropped.setdefault(m.group(2), os.path.basename(path))
    emit("every object an upgrade drops and does not create again is in 'Removed objects'",
         [(n, f"dropped by {w}") for n, w in dropped.items() if n not in objs and n not in removed])
    emit("every object in 'Removed objects' was released and is gone",
         [(n, f"{w}: {'still exists' if n in objs else 'in no released script'}") for n, w in removed.items()
          if n in objs or not re.search(r"@extschema@\." + re.escape(n) + r"\b", released_text)])

    # --- reverse: every name REFERENCE.md claims as an object exists
    dead, dead_cols = [], []
    for b in blocks:
        if b["section"] in removed_sections:
            continue
        after_kind = {m.group(2) for m in KIND_WORD.finditer(b["text"])}
        for s in b["spans"]:
            l = lead(s)
            # R1: call-shaped, anywhere in a span: name(...)  (not after another schema's "x.")
            for m in re.finditer(r"(?<![A-Za-z0-9_.])(" + IDENT + r")\(", s):
                if m.group(1) not in exists:
                    dead.append((m.group(1), f"line {b['line']}: `{s[:40]}`"))
            # R2: schema-qualified: supplyrisk.name
            for m in re.finditer(r"(?<![A-Za-z0-9_])supplyrisk\.(" + IDENT + r")", s):
                if m.group(1) not in objs and f"supplyrisk.{m.group(1)}" not in gucs:
                    dead.append((f"supplyrisk.{m.group(1)}", f"line {b['line']}: `{s[:40]}`"))
            # R3: a bare identifier that looks like one of ours (has an underscore) and is no
            # object, column, argument, index, PostgreSQL name or quoted value of the sources
            if l and not l[0] and s not in after_kind and "_" in l[1] and not l[1].startswith("_") and l[1] == l[1].lower():
                rest = s.strip()[len(l[1]):]
                if rest[:1] not in ("(",) and l[1] not in exists and l[1] not in literals and l[1] not in POSTGRES_WORDS:
                    dead.append((l[1], f"line {b['line']}: `{s[:40]}`"))
        # R4: the first cell of an object table: every span names an object (a setting table: a setting)
        if b["kind"] == "row" and b["header"] in OBJECT_TABLES:
            for m in re.finditer(r"(\w*)\s*`([^`]+)`", top_level(b["first"])):
                s, l = m.group(2), lead(m.group(2))
                if not l or re.fullmatch(r"columns?|settings?", m.group(1)):
                    continue                   # (column `x`, setting `x`: below)
                if b["header"] == "setting":
                    if s.strip() not in gucs:
                        dead.append((s.strip(), f"line {b['line']}: first cell of a 'setting' table"))
                elif not l[0] and l[1] not in objs and l[1] not in builtin:
                    dead.append((l[1], f"line {b['line']}: first cell of a '{b['header']}' table"))
        # R5: the first cell of a column table: every word is a column
        if b["kind"] == "row" and b["header"] == "column":
            for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"`[^`]*`", "", b["first"])):
                if w not in column_names:
                    dead_cols.append((w, f"line {b['line']}: first cell of a 'column' table"))
        # R6: a kind word and a span: table `x`, view `x`, column `x`, setting `x`, ...
        for m in KIND_WORD.finditer(b["text"]):
            l = lead(m.group(2))
            if not l:
                continue
            word = m.group(1).lower()
            if word.startswith("column"):
                if l[1] not in column_names:
                    dead_cols.append((l[1], f"line {b['line']}: {word} `{m.group(2)[:30]}`"))
            elif word.startswith("setting"):
                if m.group(2).strip() not in gucs:
                    dead.append((m.group(2).strip(), f"line {b['line']}: setting `{m.group(2)[:30]}`"))
            elif l[1] not in objs and l[1] not in builtin and not l[0]:
                dead.append((l[1], f"line {b['line']}: {word} `{m.group(2)[:30]}`"))
    emit("every object and setting REFERENCE.md names exists", dead)
    emit("every column REFERENCE.md names exists", dead_cols)


RAISE_LEVELS = {"debug", "log", "info", "notice", "warning", "exception"}


def call_text(src, start):
    """The text of a parenthesised call starting at the '(' at or after start."""
    i = src.index("(", start)
    depth, q = 0, None
    for j in range(i, len(src)):
        ch = src[j]
        if q:
            if ch == "\\":
                continue
            if ch == q and src[j - 1] != "\\":
                q = None
        elif ch in "\"'":
            q = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return src[i:j + 1]
    return src[i:]


def sqlstates(ref_path, top, errcodes_h, errcodes_txt):
    macro, names = {}, {}
    for m in re.finditer(r"#define\s+(ERRCODE_[A-Z0-9_]+)\s+MAKE_SQLSTATE\('(.)',\s*'(.)',\s*'(.)',\s*'(.)',\s*'(.)'\)",
                         open(errcodes_h).read()):
        macro[m.group(1)] = "".join(m.group(i) for i in range(2, 7))
    for line in open(errcodes_txt):
        f = line.split()
        if len(f) == 4 and re.fullmatch(r"[0-9A-Z]{5}", f[0]):
            names.setdefault(f[3], f[0])   # (PL/pgSQL takes the first of a name listed twice)
    raised, notes, elogs = {}, [], {}  # code -> places; notes; file -> elog(ERROR) count

    def add(code, where):
        raised.setdefault(code, set()).add(where)

    # C: errcode(ERRCODE_...) within ereport(ERROR|FATAL|PANIC, ...); elog(ERROR) is XX000
    for path in sorted(glob.glob(os.path.join(top, "src", "*.[ch]"))):
        src = open(path, encoding="utf-8").read()
        rel = os.path.relpath(path, top)
        for m in re.finditer(r"\bereport\s*\(\s*([A-Z0-9]+)", src):
            if m.group(1) not in ("ERROR", "FATAL", "PANIC"):
                continue
            for e in re.finditer(r"\berrcode\s*\(\s*([A-Za-z0-9_]+)\s*\)", call_text(src, m.start())):
                if e.group(1) in macro:
                    add(macro[e.group(1)], rel)
                else:
                    notes.append(f"{rel}: errcode({e.group(1)}) not resolved")
        for e in re.finditer(r"\berrcode\s*\(\s*([A-Za-z0-9_]+)\s*\)", src):
            if e.group(1) not in macro:
                notes.append(f"{rel}: errcode({e.group(1)}) not resolved")
        n = len(re.findall(r"\belog\s*\(\s*ERROR\b", src))
        if n:
            elogs[os.path.basename(rel)] = n
    # SQL: RAISE statements (to the next ';'; string literals masked, comments dropped)
    for path in sorted(glob.glob(os.path.join(top, "sql", "src", "**", "*.sql"), recursive=True)):
        src, strings = sql_masked(open(path, encoding="utf-8").read())
        rel = os.path.relpath(path, top)
        lit = lambda t: strings[int(t[2:-1])] if re.fullmatch(r"'S[0-9]+'", t) else None
        for m in re.finditer(r"\bRAISE\b([^;]*);", src, re.I):
            stmt = m.group(1).strip()
            if not stmt:
                continue                       # RAISE; re-raises the error being handled
            w = re.match(r"([A-Za-z_]+)\b", stmt)
            level = w.group(1).lower() if w else ""
            if level in RAISE_LEVELS and level != "exception":
                continue                       # a notice or a warning
            body = stmt[w.end():].strip() if level == "exception" else stmt
            c = re.search(r"\bERRCODE\s*=\s*('S[0-9]+'|[A-Za-z_][A-Za-z0-9_]*)", body, re.I)
            if c and lit(c.group(1)) is not None:
                v = lit(c.group(1))
                code = v if re.fullmatch(r"[0-9A-Z]{5}", v) else names.get(v)
                if code:
                    add(code, rel)
                else:
                    notes.append(f"{rel}: ERRCODE '{v}' is no SQLSTATE or condition name")
            elif c:
                notes.append(f"{rel}: RAISE ... USING ERRCODE = {c.group(1)} passes on a caught error's SQLSTATE")
            elif re.match(r"SQLSTATE\s+'S[0-9]+'", body, re.I):
                add(lit(re.match(r"SQLSTATE\s+('S[0-9]+')", body, re.I).group(1)), rel)
            elif re.match(r"[a-z_]+\b", body) and re.match(r"[a-z_]+", body).group(0) in names:
                add(names[re.match(r"[a-z_]+", body).group(0)], rel)
            else:
                add("P0001", rel)              # RAISE EXCEPTION 'text' without a code: raise_exception
    # REFERENCE.md: the table of the section whose heading says SQLSTATE
    table, marked, in_section = {}, set(), False
    for b in read_reference(ref_path):
        if b["kind"] == "heading":
            in_section = "SQLSTATE" in b["text"]
        elif in_section and b["kind"] == "row":
            for code in re.findall(r"\b(?=[0-9A-Z]*[0-9])[0-9A-Z]{5}\b", b["first"]):
                table.setdefault(code, 0)
                table[code] += 1
                if "(PostgreSQL)" in b["first"]:
                    marked.add(code)
    for n in dict.fromkeys(notes):
        print("# " + n)
    if elogs:
        print(f"# not counted: {sum(elogs.values())} elog(ERROR), XX000 for what cannot happen "
              f"({', '.join(f'{k} {v}' for k, v in sorted(elogs.items()))})")
    print(f"# SQLSTATEs raised: {len(raised)} ({' '.join(sorted(raised))}); REFERENCE.md's table: {len(table)} "
          f"({' '.join(sorted(table))}), {len(marked)} marked (PostgreSQL)")
    emit("the SQLSTATE table lists the extension's codes", [f"{c} ({', '.join(sorted(raised[c]))})" for c in raised if c not in table])
    emit("the SQLSTATE table's codes are raised (or marked (PostgreSQL))", [c for c in table if c not in raised and c not in marked])
    emit("the SQLSTATE table is not empty", [] if len(table) >= 5 else ["(fewer than 5 codes)"])


if __name__ == "__main__":
    if sys.argv[1] == "objects":
        objects(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "sqlstates":
        sqlstates(*sys.argv[2:6])
    else:
        sys.exit("usage: reference_check.py objects|sqlstates ...")
