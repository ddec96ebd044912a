/*
 * mix_agg.c — aggregates over (key, weight) rows: supply_mix_agg and hhi
 * (bigint and text keys), with combine, serialize and deserialize so that
 * PostgreSQL can run them in parallel.
 *
 * Rows with a NULL key or a NULL weight are skipped; a NaN, infinite, zero
 * or negative weight is an error (22023), as is mixing bigint and text keys.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "kahan.h"
#include "mix.h"
#include "mix_agg.h"
#include "mix_metrics.h"
#include "supplyrisk.h"

#define STATE_INITIAL_CAP	8
/* beyond this many slots the arrays move into a context of their own */
#define STATE_OWN_CXT_CAP	1024
#define ARENA_BLOCK			(64 * 1024)
#define STATE_SERIAL_VERSION 1

/* map a 64-bit hash onto [0, cap) without division (any cap, not only powers of two) */
static inline uint64
SlotIndex(uint64 h, uint64 cap)
{
#ifdef HAVE_INT128
	return (uint64) (((uint128) h * cap) >> 64);
#else
	return h % cap;
#endif
}

static void *
StateAlloc(MixState *s, Size size)
{
	return MemoryContextAllocExtended(s->cxt, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static void
StateAllocArrays(MixState *s, uint64 cap)
{
	s->cap = cap;
	s->hi = StateAlloc(s, sizeof(double) * cap);
	s->lo = StateAlloc(s, sizeof(float) * cap);
	if (s->kind == MIX_KIND_INT8)
		s->ikeys = StateAlloc(s, sizeof(int64) * cap);
	else
	{
		s->hashes = StateAlloc(s, sizeof(uint32) * cap);
		s->tlens = StateAlloc(s, sizeof(int32) * cap);
		s->tkeys = StateAlloc(s, sizeof(char *) * cap);
	}
}

static MixState *
StateCreate(MemoryContext aggcxt)
{
	MixState   *s = MemoryContextAllocZero(aggcxt, sizeof(MixState));

	s->kind = MIX_KIND_EMPTY;
	s->cxt = aggcxt;
	return s;
}

static void
StateSetKind(MixState *s, int kind)
{
	if (s->kind == kind)
		return;
	if (s->kind != MIX_KIND_EMPTY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine %s keys with %s keys in one supply_mix",
						MixKindName(s->kind), MixKindName(kind)),
				 errhint("Key suppliers by bigint id or by text, not both.")));
	s->kind = kind;
	StateAllocArrays(s, STATE_INITIAL_CAP);
}

/* slot holding the key, or the empty slot where it goes (linear probing) */
static inline uint64
FindSlotInt8(MixState *s, int64 key)
{
	uint64		i = SlotIndex(HashInt64(key), s->cap);

	while (s->hi[i] != 0 && s->ikeys[i] != key)
		if (++i == s->cap)
			i = 0;
	return i;
}

static inline uint64
FindSlotText(MixState *s, const char *key, int len, uint32 hash)
{
	uint64		i = SlotIndex(HashInt64(hash), s->cap);

	while (s->hi[i] != 0 &&
		   !(s->hashes[i] == hash && s->tlens[i] == len && memcmp(s->tkeys[i], key, len) == 0))
		if (++i == s->cap)
			i = 0;
	return i;
}

/*
 * Add (x, xlo) to the compensated sum in slot i. The compensation term is
 * kept as a float: it only holds the rounding error of the sum, so 24 bits
 * of it are plenty. Should it exceed the float range (sums above ~1e54) it is
 * folded into hi and compensation stops for that key.
 */
static inline void
SlotAdd(MixState *s, uint64 i, double x, double xlo)
{
	double		hi = s->hi[i],
				lo = s->lo[i];

	KahanAdd(&hi, &lo, x);
	lo += xlo;
	if (unlikely(isinf(hi)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("supply_mix weight of a key overflows double precision")));
	if (unlikely(fabs(lo) > FLT_MAX))
	{
		hi += lo;
		lo = 0;
	}
	s->hi[i] = hi;
	s->lo[i] = (float) lo;
}

/* grow by 1/4 when more than 4/5 full: between 64% and 80% full, 20 bytes a slot */
static inline bool
StateFull(MixState *s)
{
	return (uint64) (s->nkeys + 1) * 5 > s->cap * 4;
}

static void
StateGrow(MixState *s)
{
	uint64		oldcap = s->cap,
				newcap = oldcap + Max(oldcap / 4, 1),
				i;
	double	   *ohi = s->hi;
	float	   *olo = s->lo;
	int64	   *oik = s->ikeys;
	uint32	   *oh = s->hashes;
	int32	   *otl = s->tlens;
	char	  **otk = s->tkeys;

	if (newcap > (uint64) MaxAllocHugeSize / sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("supply_mix aggregate state cannot grow beyond %lld keys", (long long) s->nkeys)));
	if (!s->own_cxt && newcap > STATE_OWN_CXT_CAP)
	{
		s->cxt = AllocSetContextCreate(s->cxt, "supply_mix state", ALLOCSET_DEFAULT_SIZES);
		s->own_cxt = true;
	}
	StateAllocArrays(s, newcap);
	for (i = 0; i < oldcap; i++)
	{
		uint64		j;

		if (ohi[i] == 0)
			continue;
		if (s->kind == MIX_KIND_INT8)
		{
			j = FindSlotInt8(s, oik[i]);
			s->ikeys[j] = oik[i];
		}
		else
		{
			j = FindSlotText(s, otk[i], otl[i], oh[i]);
			s->hashes[j] = oh[i];
			s->tlens[j] = otl[i];
			s->tkeys[j] = otk[i];
		}
		s->hi[j] = ohi[i];
		s->lo[j] = olo[i];
	}
	pfree(ohi);
	pfree(olo);
	if (oik)
		pfree(oik);
	if (oh)
	{
		pfree(oh);
		pfree(otl);
		pfree(otk);
	}
}

/* add (hi, lo) to a bigint key */
static inline void
StateAddInt8(MixState *s, int64 key, double hi, double lo)
{
	uint64		i;

	if (unlikely(StateFull(s)))
		StateGrow(s);
	i = FindSlotInt8(s, key);
	if (s->hi[i] == 0)
	{
		s->ikeys[i] = key;
		s->nkeys++;
	}
	SlotAdd(s, i, hi, lo);
}

static char *
ArenaCopy(MixState *s, const char *key, int len)
{
	char	   *p;

	if (len > ARENA_BLOCK / 4)
		p = MemoryContextAlloc(s->cxt, len);
	else
	{
		if (s->arena_left < (Size) len)
		{
			s->arena = MemoryContextAlloc(s->cxt, ARENA_BLOCK);
			s->arena_left = ARENA_BLOCK;
		}
		p = s->arena;
		s->arena += len;
		s->arena_left -= len;
	}
	memcpy(p, key, len);
	return p;
}

/* add (hi, lo) to a text key; its bytes are copied into the state when new */
static inline void
StateAddText(MixState *s, const char *key, int len, uint32 hash, double hi, double lo)
{
	uint64		i;

	if (unlikely(StateFull(s)))
		StateGrow(s);
	i = FindSlotText(s, key, len, hash);
	if (s->hi[i] == 0)
	{
		s->hashes[i] = hash;
		s->tlens[i] = len;
		s->tkeys[i] = ArenaCopy(s, key, len);
		s->nkeys++;
	}
	SlotAdd(s, i, hi, lo);
}

static inline uint32
HashText(const char *key, int len)
{
	return hash_bytes((const unsigned char *) key, len);
}

static inline double
ArgWeight(FunctionCallInfo fcinfo, bool *skip)
{
	double		w;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		*skip = true;
		return 0;
	}
	*skip = false;
	w = PG_GETARG_FLOAT8(2);
	if (unlikely(isnan(w) || isinf(w) || w <= 0))
		MixCheckWeight(w, "an aggregated row");
	return w;
}

PG_FUNCTION_INFO_V1(supply_mix_agg_trans_int8);
Datum
supply_mix_agg_trans_int8(PG_FUNCTION_ARGS)
{
	MixState   *s = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);
	bool		skip;
	double		w = ArgWeight(fcinfo, &skip);

	if (s == NULL)				/* first row: the only call that needs the context */
		s = StateCreate(AggContextOrError(fcinfo, "supply_mix_agg_trans"));
	if (skip)
		PG_RETURN_POINTER(s);
	if (unlikely(s->kind != MIX_KIND_INT8))
		StateSetKind(s, MIX_KIND_INT8);
	StateAddInt8(s, PG_GETARG_INT64(1), w, 0);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(supply_mix_agg_trans_text);
Datum
supply_mix_agg_trans_text(PG_FUNCTION_ARGS)
{
	MixState   *s = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);
	bool		skip;
	double		w = ArgWeight(fcinfo, &skip);
	text	   *key;

	if (s == NULL)				/* first row: the only call that needs the context */
		s = StateCreate(AggContextOrError(fcinfo, "supply_mix_agg_trans"));
	if (skip)
		PG_RETURN_POINTER(s);
	if (unlikely(s->kind != MIX_KIND_TEXT))
		StateSetKind(s, MIX_KIND_TEXT);
	key = PG_GETARG_TEXT_PP(1);
	StateAddText(s, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key),
				 HashText(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)), w, 0);
	PG_RETURN_POINTER(s);
}

/* supply_mix_union: every key of a stored mix is added to the state */
PG_FUNCTION_INFO_V1(supply_mix_union_trans);
Datum
supply_mix_union_trans(PG_FUNCTION_ARGS)
{
	MixState   *s = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);
	SupplyMix  *m;
	double	   *w;
	int			i;

	if (s == NULL)
		s = StateCreate(AggContextOrError(fcinfo, "supply_mix_union_trans"));
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(s);
	m = PG_GETARG_SUPPLY_MIX(1);
	if (m->kind == MIX_KIND_EMPTY)
		PG_RETURN_POINTER(s);
	StateSetKind(s, m->kind);
	w = MixWeights(m);
	for (i = 0; i < m->nkeys; i++)
	{
		if (m->kind == MIX_KIND_INT8)
			StateAddInt8(s, MixInt8Keys(m)[i], w[i], 0);
		else
		{
			int			len;
			const char *k = MixTextKey(m, i, &len);

			StateAddText(s, k, len, HashText(k, len), w[i], 0);
		}
	}
	PG_RETURN_POINTER(s);
}

/* merge every key of src into dst (text keys are copied into dst's arena) */
static void
StateMergeInto(MixState *dst, MixState *src)
{
	uint64		i;

	if (src->kind == MIX_KIND_EMPTY)
		return;
	StateSetKind(dst, src->kind);
	for (i = 0; i < src->cap; i++)
	{
		if (src->hi[i] == 0)
			continue;
		if (src->kind == MIX_KIND_INT8)
			StateAddInt8(dst, src->ikeys[i], src->hi[i], src->lo[i]);
		else
			StateAddText(dst, src->tkeys[i], src->tlens[i], src->hashes[i], src->hi[i], src->lo[i]);
	}
}

PG_FUNCTION_INFO_V1(supply_mix_agg_combine);
Datum
supply_mix_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContextOrError(fcinfo, "supply_mix_agg_combine");
	MixState   *a = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);
	MixState   *b = PG_ARGISNULL(1) ? NULL : (MixState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = StateCreate(aggcxt);	/* copy b: its memory is not ours */
	StateMergeInto(a, b);
	PG_RETURN_POINTER(a);
}

/*
 * The state's keys as entries sorted by key. split: weight = hi and lo kept
 * apart (serialize); otherwise weight = hi + lo.
 */
static MixEntry *
StateEntries(MixState *s, bool split)
{
	MixEntry   *e = palloc_extended(sizeof(MixEntry) * Max(s->nkeys, 1), MCXT_ALLOC_HUGE);
	int64		n = 0;
	uint64		i;

	MixCheckKeyCount(s->nkeys);
	for (i = 0; i < s->cap; i++)
	{
		if (s->hi[i] == 0)
			continue;
		if (s->kind == MIX_KIND_INT8)
			e[n].ikey = s->ikeys[i];
		else
		{
			e[n].tkey = s->tkeys[i];
			e[n].tlen = s->tlens[i];
		}
		e[n].weight = split ? s->hi[i] : KahanValue(s->hi[i], s->lo[i]);
		e[n].lo = split ? s->lo[i] : 0;
		n++;
	}
	MixSortEntries(s->kind, e, (int) n);
	return e;
}

/* DEBUG2: the size of a state, for benchmarks and tuning */
static void
StateReport(MixState *s)
{
	if (s != NULL && s->nkeys > 0 && message_level_is_interesting(DEBUG2))
	{
		Size		bytes = s->own_cxt ? MemoryContextMemAllocated(s->cxt, true)
			: (Size) s->cap * (s->kind == MIX_KIND_INT8 ? 20 : 28);

		elog(DEBUG2, "supply_mix state: %lld keys in %llu slots, %zu bytes (%.1f bytes per key)",
			 (long long) s->nkeys, (unsigned long long) s->cap, bytes, (double) bytes / s->nkeys);
	}
}

static SupplyMix *
StateToMix(MixState *s)
{
	StateReport(s);
	if (s == NULL || s->kind == MIX_KIND_EMPTY)
		return MixEmpty();
	return MixBuild(s->kind, StateEntries(s, false), (int) s->nkeys, true);
}

static double *
MixStateWeights(MixState *s, int64 *n)
{
	double	   *w = palloc_extended(sizeof(double) * Max(s->nkeys, 1), MCXT_ALLOC_HUGE);
	uint64		i;
	int64		k = 0;

	for (i = 0; i < s->cap; i++)
		if (s->hi[i] != 0)
			w[k++] = KahanValue(s->hi[i], s->lo[i]);
	*n = k;
	return w;
}

PG_FUNCTION_INFO_V1(supply_mix_agg_final);
Datum
supply_mix_agg_final(PG_FUNCTION_ARGS)
{
	MixState   *s = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);

	PG_RETURN_SUPPLY_MIX(StateToMix(s));
}

PG_FUNCTION_INFO_V1(supply_mix_hhi_final);
Datum
supply_mix_hhi_final(PG_FUNCTION_ARGS)
{
	MixState   *s = PG_ARGISNULL(0) ? NULL : (MixState *) PG_GETARG_POINTER(0);
	double	   *w;
	int64		n;
	double		h;

	if (s == NULL || s->nkeys == 0)
		PG_RETURN_NULL();
	StateReport(s);
	w = MixStateWeights(s, &n);
	h = WeightsHhi(w, n, WeightsTotal(w, n));
	pfree(w);
	PG_RETURN_FLOAT8(h);
}

/* ---------------------------------------------------------------------------
 * Serialized state (for parallel workers):
 *   uint8 version, uint8 kind, int16 reserved (0), int32 nkeys,
 *   per key, strictly increasing: int64 key | (int32 length, bytes),
 *   float8 hi, float8 lo.
 * deserialize checks it as strictly as supply_mix_recv.
 * ------------------------------------------------------------------------- */
PG_FUNCTION_INFO_V1(supply_mix_agg_serialize);
Datum
supply_mix_agg_serialize(PG_FUNCTION_ARGS)
{
	MixState   *s = (MixState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	MixEntry   *e = NULL;
	int64		i;

	AggContextOrError(fcinfo, "supply_mix_agg_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STATE_SERIAL_VERSION);
	pq_sendbyte(&buf, s->kind);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, (int32) s->nkeys);
	if (s->nkeys > 0)
		e = StateEntries(s, true);
	for (i = 0; i < s->nkeys; i++)
	{
		if (s->kind == MIX_KIND_INT8)
			pq_sendint64(&buf, e[i].ikey);
		else
		{
			pq_sendint32(&buf, e[i].tlen);
			pq_sendbytes(&buf, e[i].tkey, e[i].tlen);
		}
		pq_sendfloat8(&buf, e[i].weight);
		pq_sendfloat8(&buf, e[i].lo);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static MixState *
StateDeserialize(bytea *b, MemoryContext aggcxt)
{
	StringInfoData buf;
	MixState   *s;
	int			version,
				kind,
				n,
				i;
	const char *prevkey = NULL;
	int			prevlen = 0;
	int64		prevint = 0;

	BufFromBytea(&buf, b);
	if (buf.len < 8)
		SerialStateError("supply_mix aggregate", "truncated header");
	version = pq_getmsgbyte(&buf);
	kind = pq_getmsgbyte(&buf);
	if (version != STATE_SERIAL_VERSION)
		SerialStateError("supply_mix aggregate", "unsupported version");
	if (pq_getmsgint(&buf, 2) != 0)
		SerialStateError("supply_mix aggregate", "reserved field is set");
	n = pq_getmsgint(&buf, 4);
	if (kind != MIX_KIND_EMPTY && kind != MIX_KIND_INT8 && kind != MIX_KIND_TEXT)
		SerialStateError("supply_mix aggregate", "unknown key kind");
	if (n < 0 || (kind == MIX_KIND_EMPTY && n != 0) || (int64) n * 20 > buf.len - buf.cursor)
		SerialStateError("supply_mix aggregate", "key count does not fit the data");
	MixCheckKeyCount(n);

	s = StateCreate(aggcxt);
	if (kind != MIX_KIND_EMPTY)
		StateSetKind(s, kind);
	for (i = 0; i < n; i++)
	{
		double		hi,
					lo;

		if (kind == MIX_KIND_INT8)
		{
			int64		k;

			if (buf.len - buf.cursor < 24)
				SerialStateError("supply_mix aggregate", "truncated key");
			k = pq_getmsgint64(&buf);
			if (i > 0 && k <= prevint)
				SerialStateError("supply_mix aggregate", "keys are not strictly increasing");
			prevint = k;
			hi = pq_getmsgfloat8(&buf);
			lo = pq_getmsgfloat8(&buf);
			if (!(hi > 0) || isinf(hi) || isnan(lo) || isinf(lo) || fabs(lo) > hi)
				SerialStateError("supply_mix aggregate", "invalid weight");
			StateAddInt8(s, k, hi, lo);
		}
		else
		{
			int			len;
			const char *k;

			if (buf.len - buf.cursor < 4)
				SerialStateError("supply_mix aggregate", "truncated key");
			len = pq_getmsgint(&buf, 4);
			if (len < 0 || (int64) buf.len - buf.cursor < (int64) len + 16)
				SerialStateError("supply_mix aggregate", "truncated key");
			k = pq_getmsgbytes(&buf, len);
			if (memchr(k, '\0', len) != NULL)
				SerialStateError("supply_mix aggregate", "text key contains a NUL byte");
			if (!pg_verifymbstr(k, len, true))
				SerialStateError("supply_mix aggregate", "text key is not valid in the server encoding");
			if (i > 0)
			{
				int			c = memcmp(prevkey, k, Min(prevlen, len));

				if (c > 0 || (c == 0 && prevlen >= len))
					SerialStateError("supply_mix aggregate", "keys are not strictly increasing");
			}
			prevkey = k;
			prevlen = len;
			hi = pq_getmsgfloat8(&buf);
			lo = pq_getmsgfloat8(&buf);
			if (!(hi > 0) || isinf(hi) || isnan(lo) || isinf(lo) || fabs(lo) > hi)
				SerialStateError("supply_mix aggregate", "invalid weight");
			StateAddText(s, k, len, HashText(k, len), hi, lo);
		}
	}
	if (buf.cursor != buf.len)
		SerialStateError("supply_mix aggregate", "trailing bytes");
	return s;
}

PG_FUNCTION_INFO_V1(supply_mix_agg_deserialize);
Datum
supply_mix_agg_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContextOrError(fcinfo, "supply_mix_agg_deserialize");

	PG_RETURN_POINTER(StateDeserialize(PG_GETARG_BYTEA_PP(0), aggcxt));
}

/*
 * supply_mix_from_state(bytea): a serialized aggregate state as a mix, checked
 * exactly as the deserialize function checks what parallel workers send.
 */
PG_FUNCTION_INFO_V1(supply_mix_from_state);
Datum
supply_mix_from_state(PG_FUNCTION_ARGS)
{
	PG_RETURN_SUPPLY_MIX(StateToMix(StateDeserialize(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext)));
}
