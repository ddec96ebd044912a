-- Real data in, 2/n: registers (spreadsheets of suppliers, entities, supply, ...) loaded
-- row by row with every refusal reported: import_rows. No duplicate loads silently: a supply
-- row that repeats one in force (or another line) is refused, summed or skipped as the caller
-- says, and a supplier row without id that names an existing supplier is matched to it.

-- The existing supplier an organisation is: by global id, else by canonical name (org_alias,
-- normalize_org_name), the lowest id when several share it. What import_rows and import_bom
-- match with (through the index on normalize_org_name(name)).
CREATE OR REPLACE FUNCTION @extschema@.supplier_match(name text, global_id text DEFAULT NULL,
                                                      OUT supplier_id bigint, OUT matched_by text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.supplier_id, x.matched_by FROM (
    SELECT p.supplier_id, 'global_id' AS matched_by, 1 AS rank FROM @extschema@.supplier p
    WHERE $2 IS NOT NULL AND p.global_id OPERATOR(pg_catalog.=) $2
    UNION ALL
    SELECT p.supplier_id, 'canonical name', 2 FROM @extschema@.supplier p
    CROSS JOIN (SELECT @extschema@.canonical_org_name($1) AS c) n
    WHERE $1 IS NOT NULL
      AND @extschema@.normalize_org_name(p.name) IN (SELECT @extschema@.normalize_org_name(n.c)
                                                     UNION SELECT a.alias FROM @extschema@.org_alias a WHERE a.canonical OPERATOR(pg_catalog.=) n.c)
      AND @extschema@.canonical_org_name(p.name) OPERATOR(pg_catalog.=) n.c
      AND ($2 IS NULL OR p.global_id IS NULL)  -- two different global ids are two organisations
  ) x ORDER BY x.rank, x.supplier_id LIMIT 1
$$;
COMMENT ON FUNCTION @extschema@.supplier_match(text, text) IS
  'The existing supplier an organisation is (supplier_id, matched_by): the one with this global_id, else the one whose canonical name (canonical_org_name: org_alias, else normalize_org_name) is this name''s and whose global_id is not a different one (the lowest id when several); no row when none. What import_rows and import_bom match organisations with.';

-- The reason of a foreign-key refusal, with what the value may be: the allowed values of a
-- small reference table, those sharing the value's prefix (before the first '.'), or the table.
CREATE OR REPLACE FUNCTION @extschema@.import_fk_reason(tab text, con text, value text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  reftab regclass; refcol text; col text; n bigint; vals text;
BEGIN
  SELECT k.confrelid::regclass, a.attname, b.attname INTO reftab, refcol, col
  FROM pg_constraint k
  JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.confrelid AND a.attnum OPERATOR(pg_catalog.=) k.confkey[1]
  JOIN pg_attribute b ON b.attrelid OPERATOR(pg_catalog.=) k.conrelid AND b.attnum OPERATOR(pg_catalog.=) k.conkey[1]
  WHERE k.conrelid OPERATOR(pg_catalog.=) format('@extschema@.%I', tab)::regclass AND k.conname OPERATOR(pg_catalog.=) con AND k.contype OPERATOR(pg_catalog.=) 'f';
  IF reftab IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT count(*) FROM %s', reftab) INTO n;
  IF n OPERATOR(pg_catalog.<=) 30 THEN
    EXECUTE format('SELECT string_agg(x::text, '', '' ORDER BY x::text) FROM (SELECT %I AS x FROM %s) t', refcol, reftab) INTO vals;
  ELSIF value LIKE '%.%' THEN
    EXECUTE format('SELECT string_agg(x::text, '', '' ORDER BY x::text) FROM (SELECT %I AS x FROM %s WHERE %I::text LIKE $1 LIMIT 30) t', refcol, reftab, refcol)
      INTO vals USING split_part(value, '.', 1) OPERATOR(pg_catalog.||) '.%';
  END IF;
  RETURN format('unknown %s "%s": it is not a %s of %s', col, value, refcol, reftab)
      OPERATOR(pg_catalog.||) CASE WHEN vals IS NOT NULL AND n OPERATOR(pg_catalog.<=) 30 THEN format(' (one of: %s)', vals)
                                   WHEN vals IS NOT NULL THEN format(' (%s has, with that prefix: %s)', reftab, vals)
                                   ELSE format(' (%s lists the %s values)', reftab, n) END;
END $$;
COMMENT ON FUNCTION @extschema@.import_fk_reason(text, text, text) IS
  'Internal: the reason import_rows gives for a foreign-key refusal: the value, the table it must be in, and the allowed values (every one for a table of at most 30 rows, else those sharing the value''s prefix before the first ".", else the number of rows of the table to look in).';

CREATE OR REPLACE FUNCTION @extschema@.import_rows(target regclass, rows jsonb, partial boolean DEFAULT false,
                                                   line_key text DEFAULT NULL, on_duplicate text DEFAULT 'refuse')
RETURNS TABLE (line integer, column_name text, sqlstate text, reason text, outcome text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  allowed text[] := ARRAY['entity', 'supplier', 'supply', 'supplier_dependency', 'assessment', 'designation',
                          'org_alias', 'methodology', 'methodology_weight'];
  tab text;
  cols text[];
  r record;
  obj jsonb;
  ln integer;
  keys text[];
  unknown text[];
  n integer := 0;
  loaded integer := 0;
  st text; msg text; det text; con text; col text; hint text;
  refused jsonb := '[]';
  noted jsonb := '[]';   -- matched, merged and skipped rows
  lines jsonb := '{}';   -- supply_id -> line, of the supply rows this import inserted
  m record;
  s @extschema@.supply;
  d @extschema@.supply;
  same boolean;
  where_d text;
BEGIN
  IF target IS NULL OR rows IS NULL OR on_duplicate IS NULL THEN
    RAISE EXCEPTION 'target, rows and on_duplicate must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT c.relname INTO tab FROM pg_class c
  WHERE c.oid OPERATOR(pg_catalog.=) target AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::regnamespace;
  IF tab IS NULL OR NOT tab OPERATOR(pg_catalog.=) ANY (allowed) THEN
    RAISE EXCEPTION 'cannot import rows into %', target USING ERRCODE = 'invalid_parameter_value',
      HINT = format('import_rows loads the tables %s of schema @extschema@.', array_to_string(allowed, ', '));
  END IF;
  IF jsonb_typeof(rows) OPERATOR(pg_catalog.<>) 'array' THEN
    RAISE EXCEPTION 'rows must be a JSON array of objects, not a JSON %', jsonb_typeof(rows) USING ERRCODE = 'invalid_parameter_value',
      HINT = 'One object per row, e.g. [{"name": "Example GmbH", "hq_country": "DE"}]; from a CSV: jsonb_agg(to_jsonb(staging)).';
  END IF;
  IF NOT on_duplicate OPERATOR(pg_catalog.=) ANY (ARRAY['refuse', 'sum', 'skip']) THEN
    RAISE EXCEPTION 'unknown on_duplicate "%"', on_duplicate USING ERRCODE = 'invalid_parameter_value',
      HINT = 'on_duplicate is refuse (the default: a repeated supply row is refused), sum (its weight is added to the row it repeats) or skip (it is left out).';
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
  FROM pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) target AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
  IF line_key OPERATOR(pg_catalog.=) ANY (cols) THEN
    RAISE EXCEPTION 'line_key "%" is a column of %', line_key, tab USING ERRCODE = 'invalid_parameter_value',
      HINT = 'line_key names the key of each row that holds its line number (e.g. ln); it must not be one of the table''s columns.';
  END IF;

  BEGIN  -- every row below; undone as a whole when something is refused and partial is false
    FOR r IN SELECT e AS obj, o::integer AS pos FROM jsonb_array_elements(rows) WITH ORDINALITY x(e, o)
             ORDER BY CASE WHEN line_key IS NOT NULL AND jsonb_typeof(e) OPERATOR(pg_catalog.=) 'object'
                                AND (e OPERATOR(pg_catalog.->>) line_key) ~ '^\s*[0-9]{1,9}\s*$'
                           THEN (e OPERATOR(pg_catalog.->>) line_key)::integer END NULLS FIRST, o LOOP  -- in line order: a repeat is the later line
      n := n OPERATOR(pg_catalog.+) 1;
      obj := r.obj;
      ln := r.pos;
      IF jsonb_typeof(obj) OPERATOR(pg_catalog.<>) 'object' THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', NULL,
                     'sqlstate', '22023', 'reason', format('the row is a JSON %s, not an object', jsonb_typeof(obj))));
        CONTINUE;
      END IF;
      IF line_key IS NOT NULL THEN
        IF (obj OPERATOR(pg_catalog.->>) line_key) !~ '^\s*[0-9]{1,9}\s*$' OR obj OPERATOR(pg_catalog.->>) line_key IS NULL THEN
          refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', line_key,
                       'sqlstate', '22023', 'reason', format('the row''s %s is %s, not a line number (the row is element %s of the array)',
                                                             line_key, COALESCE((obj OPERATOR(pg_catalog.->) line_key)::text, 'missing'), ln)));
          CONTINUE;
        END IF;
        ln := (obj OPERATOR(pg_catalog.->>) line_key)::integer;
        obj := obj OPERATOR(pg_catalog.-) line_key;
      END IF;
      SELECT array_agg(k ORDER BY k) INTO keys FROM jsonb_object_keys(obj) k;
      SELECT array_agg(k ORDER BY k) INTO unknown FROM unnest(keys) k WHERE NOT k OPERATOR(pg_catalog.=) ANY (cols);
      IF unknown IS NOT NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', unknown[1],
                     'sqlstate', '42703', 'reason', format('%s has no column %s', tab, array_to_string(unknown, ', '))));
        CONTINUE;
      END IF;
      IF keys IS NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', NULL,
                     'sqlstate', '22023', 'reason', 'the row has no column'));
        CONTINUE;
      END IF;
      -- a supplier without id that is an existing one (global id, canonical name): matched, not created again
      IF tab OPERATOR(pg_catalog.=) 'supplier' AND (obj OPERATOR(pg_catalog.->>) 'supplier_id') IS NULL
         AND jsonb_typeof(obj OPERATOR(pg_catalog.->) 'name') OPERATOR(pg_catalog.=) 'string' THEN
        SELECT x.supplier_id, x.matched_by, p.name INTO m
        FROM @extschema@.supplier_match(obj OPERATOR(pg_catalog.->>) 'name', obj OPERATOR(pg_catalog.->>) 'global_id') x
        JOIN @extschema@.supplier p ON p.supplier_id OPERATOR(pg_catalog.=) x.supplier_id;
        IF m.supplier_id IS NOT NULL THEN
          noted := noted OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column',
                     CASE WHEN m.matched_by OPERATOR(pg_catalog.=) 'global_id' THEN 'global_id' ELSE 'name' END, 'outcome', 'matched',
                     'reason', format('matched supplier %s "%s" by %s: no supplier created, its columns unchanged', m.supplier_id, m.name, m.matched_by)));
          CONTINUE;
        END IF;
      END IF;
      BEGIN
        IF tab OPERATOR(pg_catalog.=) 'supply' THEN
          EXECUTE format('INSERT INTO @extschema@.supply (%s) SELECT %s FROM jsonb_populate_record(NULL::@extschema@.supply, $1) t RETURNING *',
                         (SELECT string_agg(quote_ident(k), ', ') FROM unnest(keys) k),
                         (SELECT string_agg('t.' || quote_ident(k), ', ') FROM unnest(keys) k))
            INTO s USING obj;
          -- the row it repeats: another of this import, or one in force over an overlapping validity
          SELECT x.* INTO d FROM @extschema@.supply x
          WHERE x.entity_id OPERATOR(pg_catalog.=) s.entity_id AND x.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
            AND x.function_code OPERATOR(pg_catalog.=) s.function_code AND x.supply_id OPERATOR(pg_catalog.<>) s.supply_id
            AND x.valid_from OPERATOR(pg_catalog.<) COALESCE(s.valid_to, 'infinity'::date)
            AND s.valid_from OPERATOR(pg_catalog.<) COALESCE(x.valid_to, 'infinity'::date)
          ORDER BY (x.valid_from OPERATOR(pg_catalog.=) s.valid_from AND x.valid_to IS NOT DISTINCT FROM s.valid_to AND x.basis OPERATOR(pg_catalog.=) s.basis) DESC,
                   x.supply_id
          LIMIT 1;
          IF d.supply_id IS NULL THEN
            lines := lines OPERATOR(pg_catalog.||) jsonb_build_object(s.supply_id::text, ln);
          ELSE
            same := d.valid_from OPERATOR(pg_catalog.=) s.valid_from AND d.valid_to IS NOT DISTINCT FROM s.valid_to AND d.basis OPERATOR(pg_catalog.=) s.basis;
            where_d := CASE WHEN lines ? d.supply_id::text THEN format('line %s of this import', lines OPERATOR(pg_catalog.->>) d.supply_id::text)
                            ELSE format('supply row %s', d.supply_id) END;
            IF on_duplicate OPERATOR(pg_catalog.=) 'refuse' OR (on_duplicate OPERATOR(pg_catalog.=) 'sum' AND NOT same) THEN
              RAISE EXCEPTION 'duplicate supply: entity %, supplier %, function % is already supplied by %', s.entity_id, s.supplier_id, s.function_code, where_d
                USING ERRCODE = 'unique_violation',
                DETAIL = format('That row (weight %s, %s, valid %s to %s) and this one (weight %s, %s, valid %s to %s) overlap: loading both would count the supply twice.',
                                d.weight, d.basis, d.valid_from, COALESCE(d.valid_to::text, 'open-ended'),
                                s.weight, s.basis, s.valid_from, COALESCE(s.valid_to::text, 'open-ended')),
                HINT = CASE WHEN same THEN 'Leave the row out, pass on_duplicate => ''sum'' to add its weight to the row it repeats, or on_duplicate => ''skip'' to leave repeated rows out.'
                            ELSE 'End the row in force first (UPDATE supplyrisk.supply SET valid_to = ...), or give this row a validity that does not overlap it; on_duplicate => ''sum'' adds weights of rows of the same basis and validity only.' END;
            END IF;
            DELETE FROM @extschema@.supply x WHERE x.supply_id OPERATOR(pg_catalog.=) s.supply_id;
            IF on_duplicate OPERATOR(pg_catalog.=) 'sum' THEN
              UPDATE @extschema@.supply x SET weight = x.weight OPERATOR(pg_catalog.+) s.weight WHERE x.supply_id OPERATOR(pg_catalog.=) d.supply_id;
              noted := noted OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', 'weight', 'outcome', 'merged',
                         'reason', format('weight %s added to %s (now %s)', s.weight, where_d, d.weight OPERATOR(pg_catalog.+) s.weight)));
            ELSE
              noted := noted OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln, 'column', NULL, 'outcome', 'skipped',
                         'reason', format('repeats %s (weight %s; this row''s: %s): left out', where_d, d.weight, s.weight)));
            END IF;
            CONTINUE;
          END IF;
        ELSE
          EXECUTE format('INSERT INTO @extschema@.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::@extschema@.%I, $1) t',
                         tab, (SELECT string_agg(quote_ident(k), ', ') FROM unnest(keys) k),
                         (SELECT string_agg('t.' || quote_ident(k), ', ') FROM unnest(keys) k), tab)
            USING obj;
        END IF;
        loaded := loaded OPERATOR(pg_catalog.+) 1;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                con = CONSTRAINT_NAME, col = COLUMN_NAME, hint = PG_EXCEPTION_HINT;
        IF col IS NULL OR col OPERATOR(pg_catalog.=) '' THEN  -- the constraint's columns, else the value that did not convert
          SELECT string_agg(a.attname::text, ', ' ORDER BY a.attnum) INTO col
          FROM pg_constraint k JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (k.conkey)
          WHERE k.conrelid OPERATOR(pg_catalog.=) target AND k.conname OPERATOR(pg_catalog.=) con;
        END IF;
        IF (col IS NULL OR col OPERATOR(pg_catalog.=) '') AND st LIKE '22%' THEN
          SELECT k INTO col FROM unnest(keys) k
          WHERE NOT @extschema@.import_value_converts(tab, k, obj OPERATOR(pg_catalog.->) k) LIMIT 1;
        END IF;
        IF st OPERATOR(pg_catalog.=) '23503' AND col IS NOT NULL AND col NOT LIKE '%,%' THEN  -- say what the value may be
          msg := COALESCE(@extschema@.import_fk_reason(tab, con, obj OPERATOR(pg_catalog.->>) col), msg);
          det := NULL;
        ELSIF st OPERATOR(pg_catalog.=) '23505' AND hint IS NOT NULL AND hint OPERATOR(pg_catalog.<>) '' THEN
          det := det OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) hint;
        END IF;
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', ln,
                     'column', NULLIF(col, ''), 'sqlstate', st,
                     'reason', msg OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(det, '') OPERATOR(pg_catalog.||) ')', '')));
      END;
    END LOOP;
    IF jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial THEN
      RAISE EXCEPTION USING ERRCODE = 'SR001';  -- undo every row of this import
    END IF;
  EXCEPTION WHEN SQLSTATE 'SR001' THEN
    loaded := 0;
    noted := '[]';  -- undone with the rest
  END;
  RAISE NOTICE 'import_rows: % rows for %: % created, % matched to existing suppliers, % merged, % skipped, % refused%', n, tab, loaded,
    (SELECT count(*) FROM jsonb_array_elements(noted) x WHERE x OPERATOR(pg_catalog.->>) 'outcome' OPERATOR(pg_catalog.=) 'matched'),
    (SELECT count(*) FROM jsonb_array_elements(noted) x WHERE x OPERATOR(pg_catalog.->>) 'outcome' OPERATOR(pg_catalog.=) 'merged'),
    (SELECT count(*) FROM jsonb_array_elements(noted) x WHERE x OPERATOR(pg_catalog.->>) 'outcome' OPERATOR(pg_catalog.=) 'skipped'),
    jsonb_array_length(refused),
    CASE WHEN jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial
         THEN ' (nothing loaded: pass partial => true to load the valid rows)' ELSE '' END;
  RETURN QUERY
  SELECT (x OPERATOR(pg_catalog.->>) 'line')::integer, x OPERATOR(pg_catalog.->>) 'column',
         x OPERATOR(pg_catalog.->>) 'sqlstate', x OPERATOR(pg_catalog.->>) 'reason', COALESCE(x OPERATOR(pg_catalog.->>) 'outcome', 'refused')
  FROM jsonb_array_elements(refused OPERATOR(pg_catalog.||) noted) x
  ORDER BY 1, 5;
END $$;
COMMENT ON FUNCTION @extschema@.import_rows(regclass, jsonb, boolean, text, text) IS
  'Loads rows (a JSON array of objects, one key per column) into one of the loader tables, with the tables'' own rules; returns every row not loaded as given, with its line (its line_key value, else its position in the array), column, SQLSTATE, reason and outcome: refused, matched (a supplier without id that is an existing supplier by global_id or canonical name: not created again), merged or skipped (a supply row repeating one of the import or one in force, under on_duplicate sum or skip; refused with 23505 by default). Nothing is loaded when a row is refused, unless partial is true.';

CREATE OR REPLACE FUNCTION @extschema@.import_value_converts(tab text, col text, value jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  EXECUTE format('SELECT (jsonb_populate_record(NULL::@extschema@.%I, jsonb_build_object(%L, $1))).%I', tab, col, col) USING value;
  RETURN true;
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END $$;
COMMENT ON FUNCTION @extschema@.import_value_converts(text, text, jsonb) IS
  'Internal: whether a JSON value converts to the type of a column of a loader table (import_rows names the column of a conversion error with it).';
