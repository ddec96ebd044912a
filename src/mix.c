/*
 * mix.c — the supply_mix type: construction, validation, text and binary
 * I/O, equality, merge (+) and jsonb casts.
 */
#include "postgres.h"

#include "miscadmin.h"

#include <errno.h>
#include <math.h>

#include "common/shortest_dec.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "kahan.h"
#include "mix.h"
#include "supplyrisk.h"

const char *
MixKindName(int kind)
{
	switch (kind)
	{
		case MIX_KIND_INT8:
			return "bigint";
		case MIX_KIND_TEXT:
			return "text";
		default:
			return "empty";
	}
}

/* weights must be positive and finite; the message names the value */
void
MixCheckWeight(double w, const char *what)
{
	if (isnan(w) || isinf(w) || w <= 0)
	{
		char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(w, buf);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("supply_mix weight must be positive and finite, got \"%s\"", buf),
				 errdetail("The offending weight is in %s.", what)));
	}
}

void
MixCheckKeyCount(int64 n)
{
	if (n > MIX_MAX_KEYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("supply_mix cannot hold %lld keys", (long long) n),
				 errdetail("A supply_mix holds at most %d keys.", MIX_MAX_KEYS)));
}

static inline int
TextKeyCmp(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

int
MixCompareEntries(int kind, const MixEntry *a, const MixEntry *b)
{
	if (kind == MIX_KIND_INT8)
		return (a->ikey > b->ikey) - (a->ikey < b->ikey);
	return TextKeyCmp(a->tkey, a->tlen, b->tkey, b->tlen);
}

static int
CmpInt8Entries(const void *a, const void *b)
{
	return MixCompareEntries(MIX_KIND_INT8, a, b);
}

static int
CmpTextEntries(const void *a, const void *b)
{
	return MixCompareEntries(MIX_KIND_TEXT, a, b);
}

void
MixSortEntries(int kind, MixEntry *entries, int n)
{
	if (n > 1)
		qsort(entries, n, sizeof(MixEntry),
			  kind == MIX_KIND_INT8 ? CmpInt8Entries : CmpTextEntries);
}

/*
 * Bigint-keyed entries sorted by key: the weights of equal keys added up (compensated, in the
 * entries' order) into the first n' entries, sums that are not positive (products underflowing
 * to 0) left out; returns n'. What a builder does before MixBuild(..., sorted = true).
 */
int64
MixSumEqualInt8Keys(MixEntry *e, int64 n)
{
	int64		i = 0,
				k = 0;

	while (i < n)
	{
		KahanSum	sum = {0, 0};
		int64		key = e[i].ikey;

		CHECK_FOR_INTERRUPTS();
		while (i < n && e[i].ikey == key)
			KahanSumAdd(&sum, e[i++].weight);
		e[k].ikey = key;
		e[k].weight = KahanValue(sum.hi, sum.lo);
		if (e[k].weight > 0)
			k++;
	}
	return k;
}

SupplyMix *
MixEmpty(void)
{
	SupplyMix  *m = palloc0(MIX_HDRSZ);

	SET_VARSIZE(m, MIX_HDRSZ);
	m->version = MIX_VERSION;
	m->kind = MIX_KIND_EMPTY;
	return m;
}

/*
 * Build a mix from entries with distinct keys; sorts them unless told they
 * are sorted already. Weights must have been checked by the caller.
 */
SupplyMix *
MixBuild(int kind, MixEntry *entries, int n, bool sorted)
{
	SupplyMix  *m;
	Size		size;
	Size		textlen = 0;
	int			i;

	if (n == 0)
		return MixEmpty();
	MixCheckKeyCount(n);
	if (!sorted)
		MixSortEntries(kind, entries, n);

	if (kind == MIX_KIND_INT8)
		size = MIX_HDRSZ + (sizeof(int64) + sizeof(double)) * (Size) n;
	else
	{
		for (i = 0; i < n; i++)
			textlen += entries[i].tlen;
		size = MIX_HDRSZ + sizeof(double) * (Size) n + sizeof(uint32) * ((Size) n + 1) + textlen;
		if (textlen > PG_UINT32_MAX)
			size = MaxAllocSize + 1;
	}
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("supply_mix of %d keys would need %zu bytes", n, size),
				 errdetail("A supply_mix value is limited to %zu bytes.", (Size) MaxAllocSize)));

	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->version = MIX_VERSION;
	m->kind = kind;
	m->nkeys = n;
	{
		double	   *w = MixWeights(m);

		for (i = 0; i < n; i++)
			w[i] = entries[i].weight;
	}
	if (kind == MIX_KIND_INT8)
	{
		int64	   *k = MixInt8Keys(m);

		for (i = 0; i < n; i++)
			k[i] = entries[i].ikey;
	}
	else
	{
		uint32	   *off = MixOffsets(m);
		char	   *bytes = MixTextBytes(m);
		uint32		pos = 0;

		for (i = 0; i < n; i++)
		{
			off[i] = pos;
			memcpy(bytes + pos, entries[i].tkey, entries[i].tlen);
			pos += entries[i].tlen;
		}
		off[n] = pos;
	}
	return m;
}

/*
 * Detoast a supply_mix argument and check its header and size: a value that
 * fails here was not made by supplyrisk's input functions (corruption).
 */
SupplyMix *
MixFromDatum(Datum d)
{
	SupplyMix  *m = (SupplyMix *) PG_DETOAST_DATUM(d);
	Size		size = VARSIZE(m);
	bool		ok;

	ok = size >= MIX_HDRSZ && m->version == MIX_VERSION && m->flags == 0 &&
		m->reserved == 0 && m->nkeys >= 0 && m->nkeys <= MIX_MAX_KEYS;
	if (ok)
	{
		switch (m->kind)
		{
			case MIX_KIND_EMPTY:
				ok = m->nkeys == 0 && size == MIX_HDRSZ;
				break;
			case MIX_KIND_INT8:
				ok = m->nkeys > 0 &&
					size == MIX_HDRSZ + (sizeof(int64) + sizeof(double)) * (Size) m->nkeys;
				break;
			case MIX_KIND_TEXT:
				ok = m->nkeys > 0 &&
					size >= MIX_HDRSZ + (sizeof(double) + sizeof(uint32)) * (Size) m->nkeys + sizeof(uint32) &&
					size == (Size) (MixTextBytes(m) - (char *) m) + MixOffsets(m)[m->nkeys];
				break;
			default:
				ok = false;
		}
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt supply_mix value (version %d, kind %d, %d keys, %zu bytes)",
						m->version, m->kind, m->nkeys, size)));
	return m;
}

/* ---------------------------------------------------------------------------
 * Text input
 *   {}                         the empty mix
 *   {k:w,...}                  bigint keys
 *   {"k":w,...}                text keys (JSON string syntax and escapes)
 * Whitespace is allowed around tokens; duplicate keys are refused.
 * ------------------------------------------------------------------------- */

typedef struct MixParser
{
	const char *input;			/* whole input, for messages */
	const char *p;
	StringInfoData keybuf;		/* decoded text keys, back to back */
} MixParser;

pg_noreturn static void
MixSyntaxError(MixParser *ps, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type supply_mix: \"%s\"", ps->input),
			 errdetail("%s at character %d.", what, (int) (ps->p - ps->input) + 1)));
}

static void
SkipSpace(MixParser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int64
ParseInt8Key(MixParser *ps)
{
	const char *start = ps->p;
	bool		neg = false;
	int64		v = 0;

	if (*ps->p == '-' || *ps->p == '+')
		neg = (*ps->p++ == '-');
	if (!isdigit((unsigned char) *ps->p))
		MixSyntaxError(ps, "Expected a bigint key or a quoted text key");
	while (isdigit((unsigned char) *ps->p))
	{
		int			d = *ps->p++ - '0';

		/* accumulate negatively so that the minimum bigint parses */
		if (pg_mul_s64_overflow(v, 10, &v) || pg_sub_s64_overflow(v, d, &v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("supply_mix key \"%.*s\" is out of range for type bigint",
							(int) strspn(start, "+-0123456789"), start)));
	}
	if (!neg)
	{
		if (v == PG_INT64_MIN)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("supply_mix key \"%.*s\" is out of range for type bigint",
							(int) (ps->p - start), start)));
		v = -v;
	}
	return v;
}

static int
HexValue(MixParser *ps, char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	MixSyntaxError(ps, "Invalid \\u escape");
}

static pg_wchar
ParseHex4(MixParser *ps)
{
	pg_wchar	c = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		if (ps->p[i] == '\0')
			MixSyntaxError(ps, "Unterminated \\u escape");
		c = (c << 4) | HexValue(ps, ps->p[i]);
	}
	ps->p += 4;
	return c;
}

/* parse a JSON string at ps->p (opening quote); appends the decoded bytes */
static void
ParseTextKey(MixParser *ps, int *start, int *len)
{
	StringInfo	buf = &ps->keybuf;

	*start = buf->len;
	ps->p++;					/* opening quote */
	for (;;)
	{
		char		c = *ps->p;

		CHECK_FOR_INTERRUPTS();
		if (c == '\0')
			MixSyntaxError(ps, "Unterminated quoted key");
		if (c == '"')
		{
			ps->p++;
			break;
		}
		if ((unsigned char) c < 0x20)
			MixSyntaxError(ps, "Control character in quoted key (use a \\u escape)");
		if (c != '\\')
		{
			appendStringInfoChar(buf, c);
			ps->p++;
			continue;
		}
		ps->p++;
		c = *ps->p++;
		switch (c)
		{
			case '"':
			case '\\':
			case '/':
				appendStringInfoChar(buf, c);
				break;
			case 'b':
				appendStringInfoChar(buf, '\b');
				break;
			case 'f':
				appendStringInfoChar(buf, '\f');
				break;
			case 'n':
				appendStringInfoChar(buf, '\n');
				break;
			case 'r':
				appendStringInfoChar(buf, '\r');
				break;
			case 't':
				appendStringInfoChar(buf, '\t');
				break;
			case 'u':
				{
					pg_wchar	cp = ParseHex4(ps);
					char		utf8[MAX_UNICODE_EQUIVALENT_STRING + 1];

					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						pg_wchar	lo;

						if (ps->p[0] != '\\' || ps->p[1] != 'u')
							MixSyntaxError(ps, "Unpaired Unicode high surrogate");
						ps->p += 2;
						lo = ParseHex4(ps);
						if (lo < 0xDC00 || lo > 0xDFFF)
							MixSyntaxError(ps, "Invalid Unicode low surrogate");
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					else if (cp >= 0xDC00 && cp <= 0xDFFF)
						MixSyntaxError(ps, "Unpaired Unicode low surrogate");
					if (cp == 0)
						MixSyntaxError(ps, "\\u0000 is not allowed in a text key");
					pg_unicode_to_server(cp, (unsigned char *) utf8);
					appendStringInfoString(buf, utf8);
					break;
				}
			default:
				ps->p--;
				MixSyntaxError(ps, "Invalid escape in quoted key");
		}
	}
	*len = buf->len - *start;
}

static double
ParseWeight(MixParser *ps)
{
	const char *start = ps->p;
	char	   *end;
	double		w;
	char	   *tok;

	/* the words strtod would take: refuse them with a precise error */
	if (pg_strncasecmp(ps->p, "nan", 3) == 0 || pg_strncasecmp(ps->p, "inf", 3) == 0 ||
		pg_strncasecmp(ps->p, "-inf", 4) == 0 || pg_strncasecmp(ps->p, "+inf", 4) == 0)
	{
		int			n = (int) strspn(ps->p, "+-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("supply_mix weight must be positive and finite, got \"%.*s\"", n, ps->p)));
	}
	/* JSON number grammar: -?digits(.digits)?([eE][+-]?digits)? (a leading + is allowed) */
	if (*ps->p == '-' || *ps->p == '+')
		ps->p++;
	if (!isdigit((unsigned char) *ps->p))
		MixSyntaxError(ps, "Expected a weight");
	while (isdigit((unsigned char) *ps->p))
		ps->p++;
	if (*ps->p == '.')
	{
		ps->p++;
		if (!isdigit((unsigned char) *ps->p))
			MixSyntaxError(ps, "Expected digits after the decimal point");
		while (isdigit((unsigned char) *ps->p))
			ps->p++;
	}
	if (*ps->p == 'e' || *ps->p == 'E')
	{
		ps->p++;
		if (*ps->p == '-' || *ps->p == '+')
			ps->p++;
		if (!isdigit((unsigned char) *ps->p))
			MixSyntaxError(ps, "Expected digits in the exponent");
		while (isdigit((unsigned char) *ps->p))
			ps->p++;
	}
	if (isalnum((unsigned char) *ps->p) || *ps->p == '.')
		MixSyntaxError(ps, "Invalid weight");
	tok = pnstrdup(start, ps->p - start);
	errno = 0;
	w = strtod(tok, &end);
	if (errno == ERANGE && isinf(w))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("supply_mix weight \"%s\" is out of range for type double precision", tok)));
	if (w <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("supply_mix weight must be positive and finite, got \"%s\"", tok)));
	pfree(tok);
	return w;
}

static SupplyMix *
MixParse(const char *str)
{
	MixParser	ps;
	MixEntry   *entries = NULL;
	int		   *keystart = NULL;
	int			n = 0,
				cap = 0;
	int			kind = MIX_KIND_EMPTY;
	int			i;

	ps.input = str;
	ps.p = str;
	initStringInfo(&ps.keybuf);

	SkipSpace(&ps);
	if (*ps.p != '{')
		MixSyntaxError(&ps, "Expected \"{\"");
	ps.p++;
	SkipSpace(&ps);
	if (*ps.p != '}')
	{
		for (;;)
		{
			int			thiskind;

			CHECK_FOR_INTERRUPTS();
			if (n == cap)
			{
				cap = cap ? cap * 2 : 16;
				MixCheckKeyCount(cap / 2);
				entries = entries ? repalloc_huge(entries, sizeof(MixEntry) * cap) : palloc_extended(sizeof(MixEntry) * cap, MCXT_ALLOC_HUGE);
				keystart = keystart ? repalloc_huge(keystart, sizeof(int) * cap) : palloc_extended(sizeof(int) * cap, MCXT_ALLOC_HUGE);
			}
			SkipSpace(&ps);
			if (*ps.p == '"')
			{
				thiskind = MIX_KIND_TEXT;
				ParseTextKey(&ps, &keystart[n], &entries[n].tlen);
			}
			else
			{
				thiskind = MIX_KIND_INT8;
				entries[n].ikey = ParseInt8Key(&ps);
			}
			if (kind != MIX_KIND_EMPTY && kind != thiskind)
				MixSyntaxError(&ps, "A supply_mix cannot mix bigint and text keys");
			kind = thiskind;
			SkipSpace(&ps);
			if (*ps.p != ':')
				MixSyntaxError(&ps, "Expected \":\" after a key");
			ps.p++;
			SkipSpace(&ps);
			entries[n].weight = ParseWeight(&ps);
			n++;
			SkipSpace(&ps);
			if (*ps.p == ',')
			{
				ps.p++;
				continue;
			}
			if (*ps.p == '}')
				break;
			MixSyntaxError(&ps, "Expected \",\" or \"}\"");
		}
	}
	ps.p++;
	SkipSpace(&ps);
	if (*ps.p != '\0')
		MixSyntaxError(&ps, "Unexpected characters after \"}\"");

	if (kind == MIX_KIND_TEXT)
	{
		/* the key buffer may have moved while growing: resolve pointers now */
		for (i = 0; i < n; i++)
			entries[i].tkey = ps.keybuf.data + keystart[i];
		pg_verifymbstr(ps.keybuf.data, ps.keybuf.len, false);
	}
	MixSortEntries(kind, entries, n);
	for (i = 1; i < n; i++)
	{
		if (MixCompareEntries(kind, &entries[i - 1], &entries[i]) == 0)
		{
			if (kind == MIX_KIND_INT8)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("duplicate key \"%lld\" in supply_mix input", (long long) entries[i].ikey),
						 errhint("Give each key once; add the weights yourself if they are to be summed.")));
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("duplicate key \"%.*s\" in supply_mix input", entries[i].tlen, entries[i].tkey),
						 errhint("Give each key once; add the weights yourself if they are to be summed.")));
		}
	}
	return MixBuild(kind, entries, n, true);
}

PG_FUNCTION_INFO_V1(supply_mix_in);
Datum
supply_mix_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_SUPPLY_MIX(MixParse(PG_GETARG_CSTRING(0)));
}

static void
AppendWeight(StringInfo buf, double w)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(w, tmp);
	appendStringInfoString(buf, tmp);
}

/* JSON-style quoting: " and \ escaped, control characters as \u00XX */
static void
AppendQuotedKey(StringInfo buf, const char *s, int len)
{
	int			i;

	appendStringInfoChar(buf, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, c);
		}
		else if (c < 0x20)
			appendStringInfo(buf, "\\u%04x", c);
		else
			appendStringInfoChar(buf, c);
	}
	appendStringInfoChar(buf, '"');
}

/* appends {k:w,...}; json = true quotes bigint keys too and puts a space after ':' */
static void
MixAppendText(StringInfo buf, SupplyMix *m, bool json)
{
	double	   *w = MixWeights(m);
	int			i;

	appendStringInfoChar(buf, '{');
	for (i = 0; i < m->nkeys; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			appendStringInfoString(buf, json ? ", " : ",");
		if (m->kind == MIX_KIND_INT8)
			appendStringInfo(buf, json ? "\"" INT64_FORMAT "\"" : INT64_FORMAT, MixInt8Keys(m)[i]);
		else
		{
			int			len;
			const char *k = MixTextKey(m, i, &len);

			AppendQuotedKey(buf, k, len);
		}
		appendStringInfoString(buf, json ? ": " : ":");
		AppendWeight(buf, w[i]);
	}
	appendStringInfoChar(buf, '}');
}

PG_FUNCTION_INFO_V1(supply_mix_out);
Datum
supply_mix_out(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	StringInfoData buf;

	initStringInfo(&buf);
	MixAppendText(&buf, m, false);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------------------------------------------------------------------------
 * Binary I/O
 *   uint8 version, uint8 kind, int16 flags (0), int32 nkeys,
 *   then per key: int64 key | (int32 length, bytes), float8 weight.
 * recv checks everything: version, kind, flags, counts against the bytes
 * present, strictly increasing keys, weights, text encoding, trailing bytes.
 * ------------------------------------------------------------------------- */

pg_noreturn static void
MixBinaryError(const char *msg, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary supply_mix: %s", msg),
			 detail ? errdetail("%s", detail) : 0));
}

static void
NeedBytes(StringInfo buf, int n)
{
	if (n < 0 || buf->len - buf->cursor < n)
		MixBinaryError("truncated value", NULL);
}

/* the binary form in buf (send's format), fully validated */
static SupplyMix *
MixRecv(StringInfo buf)
{
	int			version,
				kind,
				flags,
				n,
				i;
	MixEntry   *entries;

	NeedBytes(buf, 8);
	version = pq_getmsgbyte(buf);
	kind = pq_getmsgbyte(buf);
	flags = pq_getmsgint(buf, 2);
	n = pq_getmsgint(buf, 4);
	if (version != MIX_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary supply_mix: unsupported format version %d", version),
				 errdetail("This server reads format version %d.", MIX_VERSION)));
	if (flags != 0)
		MixBinaryError("reserved flags are set", NULL);
	if (kind != MIX_KIND_EMPTY && kind != MIX_KIND_INT8 && kind != MIX_KIND_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary supply_mix: unknown key kind %d", kind)));
	if (n < 0 || (kind == MIX_KIND_EMPTY) != (n == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary supply_mix: key count %d does not fit key kind %s", n, MixKindName(kind))));
	MixCheckKeyCount(n);
	/* each key needs at least 12 bytes: refuse counts the message cannot hold */
	if ((int64) n * 12 > buf->len - buf->cursor)
		MixBinaryError("truncated value", "The key count exceeds the bytes present.");

	entries = palloc_extended(sizeof(MixEntry) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (kind == MIX_KIND_INT8)
		{
			NeedBytes(buf, 8);
			entries[i].ikey = pq_getmsgint64(buf);
		}
		else
		{
			int			len;

			NeedBytes(buf, 4);
			len = pq_getmsgint(buf, 4);
			NeedBytes(buf, len);
			entries[i].tkey = pq_getmsgbytes(buf, len);
			entries[i].tlen = len;
			if (memchr(entries[i].tkey, '\0', len) != NULL)
				MixBinaryError("text key contains a NUL byte", NULL);
			if (!pg_verifymbstr(entries[i].tkey, len, true))
				MixBinaryError("text key is not valid in the server encoding", NULL);
		}
		NeedBytes(buf, 8);
		entries[i].weight = pq_getmsgfloat8(buf);
		if (isnan(entries[i].weight) || isinf(entries[i].weight) || entries[i].weight <= 0)
			MixCheckWeight(entries[i].weight, "binary supply_mix input");
		if (i > 0 && MixCompareEntries(kind, &entries[i - 1], &entries[i]) >= 0)
			MixBinaryError("keys are not strictly increasing", "Binary supply_mix keys are sorted and distinct.");
	}
	if (buf->cursor != buf->len)
		MixBinaryError("trailing bytes after the last key", NULL);
	return MixBuild(kind, entries, n, true);
}

PG_FUNCTION_INFO_V1(supply_mix_recv);
Datum
supply_mix_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_SUPPLY_MIX(MixRecv((StringInfo) PG_GETARG_POINTER(0)));
}

/*
 * supply_mix_from_binary(bytea): the binary form (as supply_mix_send writes it,
 * and COPY BINARY carries it) back to a mix, validated exactly as recv does.
 */
PG_FUNCTION_INFO_V1(supply_mix_from_binary);
Datum
supply_mix_from_binary(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	BufFromBytea(&buf, PG_GETARG_BYTEA_PP(0));
	PG_RETURN_SUPPLY_MIX(MixRecv(&buf));
}

PG_FUNCTION_INFO_V1(supply_mix_send);
Datum
supply_mix_send(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, MIX_VERSION);
	pq_sendbyte(&buf, m->kind);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, m->nkeys);
	MixSendEntries(&buf, m, false);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Each key and its weight, in the mix's order, as the binary form and the
 * serialized aggregate state write them: an int64 key, or an int32 length and
 * the bytes; the weight as float8; with_compensation: then a float8 0 (a
 * state's compensation term).
 */
void
MixSendEntries(StringInfo buf, SupplyMix *m, bool with_compensation)
{
	double	   *w = MixWeights(m);
	int			i;

	for (i = 0; i < m->nkeys; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (m->kind == MIX_KIND_INT8)
			pq_sendint64(buf, MixInt8Keys(m)[i]);
		else
		{
			int			len;
			const char *k = MixTextKey(m, i, &len);

			pq_sendint32(buf, len);
			pq_sendbytes(buf, k, len);
		}
		pq_sendfloat8(buf, w[i]);
		if (with_compensation)
			pq_sendfloat8(buf, 0.0);
	}
}

/* ---------------------------------------------------------------------------
 * Equality: same kind, keys and weights (bitwise: the layout is canonical)
 * ------------------------------------------------------------------------- */
static bool
MixEqual(SupplyMix *a, SupplyMix *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

PG_FUNCTION_INFO_V1(supply_mix_eq);
Datum
supply_mix_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(MixEqual(PG_GETARG_SUPPLY_MIX(0), PG_GETARG_SUPPLY_MIX(1)));
}

PG_FUNCTION_INFO_V1(supply_mix_ne);
Datum
supply_mix_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!MixEqual(PG_GETARG_SUPPLY_MIX(0), PG_GETARG_SUPPLY_MIX(1)));
}

/* ---------------------------------------------------------------------------
 * Merge: the weights of equal keys are added. Both mixes must have the same
 * key kind (the empty mix goes with either).
 * ------------------------------------------------------------------------- */
void
MixCheckSameKind(SupplyMix *a, SupplyMix *b)
{
	if (a->kind != MIX_KIND_EMPTY && b->kind != MIX_KIND_EMPTY && a->kind != b->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a %s-keyed supply_mix with a %s-keyed supply_mix",
						MixKindName(a->kind), MixKindName(b->kind)),
				 errhint("Key suppliers by bigint id or by text, not both.")));
}

SupplyMix *
MixMerge(SupplyMix *a, SupplyMix *b)
{
	int			kind;
	int			i = 0,
				j = 0,
				n = 0;
	MixEntry   *e;
	double	   *wa,
			   *wb;
	MixEntry	x,
				y;

	MixCheckSameKind(a, b);
	if (a->kind == MIX_KIND_EMPTY)
		return b;
	if (b->kind == MIX_KIND_EMPTY)
		return a;
	kind = a->kind;
	wa = MixWeights(a);
	wb = MixWeights(b);
	e = palloc_extended(sizeof(MixEntry) * ((Size) a->nkeys + b->nkeys), MCXT_ALLOC_HUGE);
	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	while (i < a->nkeys || j < b->nkeys)
	{
		int			c;

		CHECK_FOR_INTERRUPTS();
		if (i < a->nkeys)
		{
			if (kind == MIX_KIND_INT8)
				x.ikey = MixInt8Keys(a)[i];
			else
				x.tkey = MixTextKey(a, i, &x.tlen);
		}
		if (j < b->nkeys)
		{
			if (kind == MIX_KIND_INT8)
				y.ikey = MixInt8Keys(b)[j];
			else
				y.tkey = MixTextKey(b, j, &y.tlen);
		}
		if (i >= a->nkeys)
			c = 1;
		else if (j >= b->nkeys)
			c = -1;
		else
			c = MixCompareEntries(kind, &x, &y);
		if (c < 0)
		{
			e[n] = x;
			e[n++].weight = wa[i++];
		}
		else if (c > 0)
		{
			e[n] = y;
			e[n++].weight = wb[j++];
		}
		else
		{
			e[n] = x;
			e[n].weight = wa[i++] + wb[j++];
			if (isinf(e[n].weight))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("supply_mix weight overflows double precision when merging")));
			n++;
		}
	}
	return MixBuild(kind, e, n, true);
}

PG_FUNCTION_INFO_V1(supply_mix_add);
Datum
supply_mix_add(PG_FUNCTION_ARGS)
{
	PG_RETURN_SUPPLY_MIX(MixMerge(PG_GETARG_SUPPLY_MIX(0), PG_GETARG_SUPPLY_MIX(1)));
}

/* ---------------------------------------------------------------------------
 * jsonb casts.
 *   supply_mix -> jsonb: an object of key: weight ({"17": 2.5}); bigint keys
 *   become strings, as JSON keys must be.
 *   jsonb -> supply_mix: an object whose values are positive finite numbers;
 *   if every key is a canonical bigint literal ("17", "-3", not "017" or
 *   "+3") the mix is bigint-keyed, otherwise text-keyed.
 * ------------------------------------------------------------------------- */
PG_FUNCTION_INFO_V1(supply_mix_to_jsonb);
Datum
supply_mix_to_jsonb(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	StringInfoData buf;

	initStringInfo(&buf);
	MixAppendText(&buf, m, true);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

static bool
IsCanonicalInt8(const char *s, int len, int64 *v)
{
	int			i = 0;
	char	   *tmp;
	char	   *end;

	if (len == 0 || len > 20)
		return false;
	if (s[0] == '-')
		i = 1;
	if (i == len || (s[i] == '0' && len > i + 1) || (s[i] == '0' && i == 1))
		return false;
	for (; i < len; i++)
		if (!isdigit((unsigned char) s[i]))
			return false;
	tmp = pnstrdup(s, len);
	errno = 0;
	*v = strtoll(tmp, &end, 10);
	pfree(tmp);
	return errno == 0;
}

PG_FUNCTION_INFO_V1(supply_mix_from_jsonb);
Datum
supply_mix_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	MixEntry   *e;
	int			n = 0,
				cap,
				i;
	bool		allint = true;
	int			kind;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot cast jsonb to supply_mix: not an object"),
				 errhint("Use an object of key: weight, e.g. {\"DE\": 3, \"FR\": 1}.")));
	cap = Max(JB_ROOT_COUNT(jb), 1);
	MixCheckKeyCount(cap);
	e = palloc_extended(sizeof(MixEntry) * cap, MCXT_ALLOC_HUGE);
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY)
		{
			Assert(n < cap);
			e[n].tkey = v.val.string.val;
			e[n].tlen = v.val.string.len;
			if (memchr(e[n].tkey, '\0', e[n].tlen) != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("cannot cast jsonb to supply_mix: key contains a NUL character")));
			if (allint && !IsCanonicalInt8(e[n].tkey, e[n].tlen, &e[n].ikey))
				allint = false;
		}
		else if (tok == WJB_VALUE)
		{
			if (v.type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("cannot cast jsonb to supply_mix: the weight of key \"%.*s\" is not a number",
								e[n].tlen, e[n].tkey)));
			{
				char	   *num = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));

				errno = 0;
				e[n].weight = strtod(num, NULL);
				if (errno == ERANGE && isinf(e[n].weight))
					ereport(ERROR,
							(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
							 errmsg("supply_mix weight of key \"%.*s\" is out of range for type double precision",
									e[n].tlen, e[n].tkey)));
				if (isnan(e[n].weight) || isinf(e[n].weight) || e[n].weight <= 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("supply_mix weight of key \"%.*s\" must be positive and finite, got \"%.40s%s\"",
									e[n].tlen, e[n].tkey, num, strlen(num) > 40 ? "..." : "")));
				pfree(num);
			}
			n++;
		}
	}
	kind = n == 0 ? MIX_KIND_EMPTY : (allint ? MIX_KIND_INT8 : MIX_KIND_TEXT);
	MixSortEntries(kind, e, n);
	for (i = 1; i < n; i++)
		if (MixCompareEntries(kind, &e[i - 1], &e[i]) == 0)	/* jsonb keys are unique */
			elog(ERROR, "duplicate key in jsonb object");
	PG_RETURN_SUPPLY_MIX(MixBuild(kind, e, n, true));
}
