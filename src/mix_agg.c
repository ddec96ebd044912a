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
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "kahan.h"
#include "mix.h"
#include "mix_metrics.h"
#include "supplyrisk.h"

#define STATE_INITIAL_CAP	8
/* beyond this many slots the arrays move into a context of their own */
#define STATE_OWN_CXT_CAP	1024
/* below this many slots a state doubles when it grows, above it grows by a quarter */
#define STATE_DOUBLE_CAP	65536
#define ARENA_BLOCK			(64 * 1024)
/* the first arena block of a state; each next one doubles, up to ARENA_BLOCK */
#define ARENA_FIRST_BLOCK	256
#define STATE_SERIAL_VERSION 2
/* rows of a bigint state buffered before insertion, once it has this many slots */
#define PENDING_MAX			32
#define PENDING_MIN_CAP		4096

/*
 * The aggregate state: a hash table from key to a compensated sum of weights.
 *
 * Open addressing with linear probing over one array of slots, each holding
 * the key and its compensated sum together, so that one probe touches one
 * slot (one cache line, or two for the slots that straddle one): bigint slots
 * are 20 bytes (key 8, sum 8, compensation 4), text slots 28 (sum 8, hash 4,
 * compensation 4, length 4, pointer 8) plus the key bytes in an arena. A slot
 * is empty when its sum is 0 (weights are positive). The hash is mapped onto
 * [0, cap) by a multiply-shift, so cap can be any size; the table grows when
 * more than 4/5 full: it doubles up to 65,536 slots (1.3 MB for bigint keys),
 * then grows by a quarter, so a large state is always 64% to 80% full: 25 to
 * 31.25 bytes per bigint key, 35 to 43.75 (plus the key bytes) per text key.
 *
 * Every state hashes with a seed of its own, derived from a secret of the
 * process (HashSecret, drawn from pg_strong_random), and text keys are hashed
 * with that secret too: keys chosen to collide under an unseeded hash (hash
 * flooding: they would all land on one probe run) spread like any others.
 * Hashes never leave the process (a deserialized state hashes its keys
 * again), so workers with other secrets merge correctly. Merging walks the source's slots
 * in slot order, i.e. in the order of the source's hashes; with one hash for
 * all states those keys would arrive in the destination's slot order too, and
 * while the destination is smaller they pile up into ever longer probe runs
 * (quadratic). With independent seeds the keys arrive in random order, and the
 * destination is sized for the larger of the two states before the merge; an
 * empty destination copies the source's slots as they are. Merging is linear
 * in keys whatever the sizes. Probe counts are kept for DEBUG2 (StateReport).
 *
 * Once a bigint state outgrows the caches (PENDING_MIN_CAP slots), the rows
 * it is given are buffered, PENDING_MAX at a time, and inserted together: the
 * home slots of the whole batch are computed and prefetched first, so that
 * their cache misses overlap instead of following one another (one row per
 * call leaves nothing else to overlap with). Everything that reads the state
 * settles the buffer first (StateSettle); the sums are the same, added in the
 * same order per key.
 */
typedef struct MixSlotInt8
{
	int64		key;
	double		hi;				/* sum; 0 = empty slot */
	float		lo;				/* compensation term */
} pg_attribute_packed() MixSlotInt8;

typedef struct MixSlotText
{
	double		hi;				/* sum; 0 = empty slot */
	uint32		hash;
	float		lo;
	int32		len;
	char	   *key;
} pg_attribute_packed() MixSlotText;

StaticAssertDecl(sizeof(MixSlotInt8) == 20, "bigint slots are 20 bytes");
StaticAssertDecl(sizeof(MixSlotText) == 28, "text slots are 28 bytes");

typedef struct MixState
{
	int			kind;			/* MIX_KIND_EMPTY until the first row */
	int64		nkeys;
	uint64		cap;
	uint64		seed;			/* this state's hash seed */
	MemoryContext cxt;			/* the slots live here */
	bool		own_cxt;		/* cxt is our child of the aggregate context */
	MixSlotInt8 *islots;
	MixSlotText *tslots;
	char	   *arena;			/* text key bytes */
	Size		arena_left;
	Size		arena_next;		/* size of the next arena block (0: the first) */
	uint64		lookups;		/* for DEBUG2: lookups and the probe steps they took */
	uint64		steps;
	int			npending;		/* bigint rows buffered, not yet in the slots */
	struct PendingInt8 *pending;	/* PENDING_MAX of them; NULL while small */
} MixState;

/* a bigint key and a compensated sum to add to it */
typedef struct PendingInt8
{
	int64		key;
	double		hi;
	double		lo;
} PendingInt8;

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

static inline Size
SlotSize(int kind)
{
	return kind == MIX_KIND_INT8 ? sizeof(MixSlotInt8) : sizeof(MixSlotText);
}

/* capacity that holds n keys at most 4/5 full */
static inline uint64
CapFor(int64 n)
{
	return Max((uint64) STATE_INITIAL_CAP, (uint64) n + (uint64) n / 4 + 1);
}

static void
StateAllocSlots(MixState *s, uint64 cap)
{
	if (cap > (uint64) MaxAllocHugeSize / SlotSize(s->kind))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("supply_mix aggregate state cannot grow beyond %lld keys", (long long) s->nkeys)));
	if (!s->own_cxt && cap > STATE_OWN_CXT_CAP)
	{
		s->cxt = AllocSetContextCreate(s->cxt, "supply_mix state", ALLOCSET_DEFAULT_SIZES);
		s->own_cxt = true;
	}
	s->cap = cap;
	if (s->kind == MIX_KIND_INT8)
		s->islots = MemoryContextAllocExtended(s->cxt, sizeof(MixSlotInt8) * cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	else
		s->tslots = MemoryContextAllocExtended(s->cxt, sizeof(MixSlotText) * cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static MixState *
StateCreate(MemoryContext aggcxt)
{
	static uint64 created = 0;
	MixState   *s = MemoryContextAllocZero(aggcxt, sizeof(MixState));

	s->kind = MIX_KIND_EMPTY;
	s->cxt = aggcxt;
	/* independent per state, also across the processes of a parallel query */
	s->seed = HashInt64((int64) (HashSecret() ^ ++created));
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
	StateAllocSlots(s, STATE_INITIAL_CAP);
}

static inline uint64
HomeInt8(const MixState *s, int64 key)
{
	return SlotIndex(HashInt64(key ^ (int64) s->seed), s->cap);
}

static inline uint64
HomeText(const MixState *s, uint32 hash)
{
	return SlotIndex(HashInt64((int64) (hash ^ s->seed)), s->cap);
}

/* slot holding the key, or the empty slot where it goes (linear probing from home i) */
static inline uint64
FindSlotInt8From(MixState *s, int64 key, uint64 i)
{
	uint64		steps = 0;

	while (s->islots[i].hi != 0 && s->islots[i].key != key)
	{
		steps++;
		if (++i == s->cap)
			i = 0;
	}
	s->lookups++;
	s->steps += steps;
	return i;
}

static inline uint64
FindSlotInt8(MixState *s, int64 key)
{
	return FindSlotInt8From(s, key, HomeInt8(s, key));
}

static inline uint64
FindSlotText(MixState *s, const char *key, int len, uint32 hash)
{
	uint64		i = HomeText(s, hash),
				steps = 0;
	MixSlotText *t;

	for (t = &s->tslots[i]; t->hi != 0 && !(t->hash == hash && t->len == len && memcmp(t->key, key, len) == 0);
		 t = &s->tslots[i])
	{
		steps++;
		if (++i == s->cap)
			i = 0;
	}
	s->lookups++;
	s->steps += steps;
	return i;
}

/*
 * Add (x, xlo) to the compensated sum (*hi, *lo). The compensation term is
 * kept as a float: it only holds the rounding error of the sum, so 24 bits
 * of it are plenty. Should it exceed the float range (sums above ~1e54) it is
 * folded into hi and compensation stops for that key.
 */
static inline void
SumAdd(double *phi, float *plo, double x, double xlo)
{
	double		hi = *phi,
				lo = *plo;

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
	*phi = hi;
	*plo = (float) lo;
}

/* add (x, xlo) to the sum of a slot of either kind (packed: no pointers to its fields) */
#define SlotSumAdd(slot, x, xlo) \
	do { \
		double		sum_ = (slot)->hi; \
		float		comp_ = (slot)->lo; \
		SumAdd(&sum_, &comp_, (x), (xlo)); \
		(slot)->hi = sum_; \
		(slot)->lo = comp_; \
	} while (0)

/* more than 4/5 full after one more key */
static inline bool
StateFull(MixState *s, int64 more)
{
	return (uint64) (s->nkeys + more) * 5 > s->cap * 4;
}

/* re-insert every slot into a table of newcap slots (same seed) */
static void
StateResize(MixState *s, uint64 newcap)
{
	uint64		oldcap = s->cap,
				i;
	MixSlotInt8 *oi = s->islots;
	MixSlotText *ot = s->tslots;

	StateAllocSlots(s, newcap);
	if (s->kind == MIX_KIND_INT8 && s->pending == NULL && newcap >= PENDING_MIN_CAP)
		s->pending = MemoryContextAlloc(s->cxt, sizeof(PendingInt8) * PENDING_MAX);
	for (i = 0; i < oldcap; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (s->kind == MIX_KIND_INT8)
		{
			double		hi = oi[i].hi;

			if (hi != 0)
				s->islots[FindSlotInt8(s, oi[i].key)] = oi[i];
		}
		else
		{
			double		hi = ot[i].hi;

			if (hi != 0)
				s->tslots[FindSlotText(s, ot[i].key, ot[i].len, ot[i].hash)] = ot[i];
		}
	}
	if (oi)
		pfree(oi);
	if (ot)
		pfree(ot);
}

/*
 * The next capacity: doubling while the state is small (below STATE_DOUBLE_CAP
 * slots, 1.3 MB for bigint keys: few resizes, and little memory either way),
 * then by a quarter, which keeps large states 64% to 80% full (25 to 31.25
 * bytes per bigint key).
 */
static inline uint64
NextCap(uint64 cap)
{
	return cap < STATE_DOUBLE_CAP ? cap * 2 : cap + cap / 4;
}

static void
StateGrow(MixState *s)
{
	StateResize(s, NextCap(s->cap));
}

/* make room for n keys in all before they are added (no growth on the way) */
static void
StateReserve(MixState *s, int64 n)
{
	if (s->kind != MIX_KIND_EMPTY && (uint64) n * 5 > s->cap * 4)
		StateResize(s, CapFor(n));
}

/* add (hi, lo) to the bigint key whose home slot is home (room for it is there) */
static inline void
SlotAddInt8(MixState *s, int64 key, uint64 home, double hi, double lo)
{
	MixSlotInt8 *slot = &s->islots[FindSlotInt8From(s, key, home)];

	if (slot->hi == 0)
	{
		slot->key = key;
		s->nkeys++;
	}
	SlotSumAdd(slot, hi, lo);
}

/* add (hi, lo) to a bigint key */
static inline void
StateAddInt8(MixState *s, int64 key, double hi, double lo)
{
	if (unlikely(StateFull(s, 1)))
		StateGrow(s);
	SlotAddInt8(s, key, HomeInt8(s, key), hi, lo);
}

/*
 * Add n (at most PENDING_MAX) bigint sums at once: room for all of them first,
 * then every home slot prefetched, then the inserts, so that the cache misses
 * of the batch overlap. unique: a key that is already there is an error (the
 * keys of a serialized state).
 */
static void
StateAddBatchInt8(MixState *s, const PendingInt8 *b, int n, bool unique)
{
	uint64		home[PENDING_MAX];
	int			i;

	Assert(n <= PENDING_MAX);
	if (StateFull(s, n))
	{
		uint64		cap = s->cap;

		while ((uint64) (s->nkeys + n) * 5 > cap * 4)
			cap = NextCap(cap);
		StateResize(s, cap);
	}
	for (i = 0; i < n; i++)
	{
		home[i] = HomeInt8(s, b[i].key);
		__builtin_prefetch(&s->islots[home[i]], 1);
		__builtin_prefetch((char *) &s->islots[home[i]] + sizeof(MixSlotInt8) - 1, 1);
	}
	for (i = 0; i < n; i++)
	{
		int64		before = s->nkeys;

		SlotAddInt8(s, b[i].key, home[i], b[i].hi, b[i].lo);
		if (unique && s->nkeys == before)
			SerialStateError("supply_mix aggregate", "duplicate key");
	}
}

/* insert the buffered rows */
static void
StateSettle(MixState *s)
{
	int			n = s->npending;

	if (n == 0)
		return;
	s->npending = 0;
	StateAddBatchInt8(s, s->pending, n, false);
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
			/*
			 * Blocks grow from ARENA_FIRST_BLOCK: a state of a few country
			 * codes does not hold 64 kB (thousands of small states, as the
			 * grouping sets of a refresh make, would spill to disk).
			 */
			Size		sz = s->arena_next ? s->arena_next : ARENA_FIRST_BLOCK;

			while (sz < (Size) len)
				sz *= 2;
			s->arena = MemoryContextAlloc(s->cxt, sz);
			s->arena_left = sz;
			s->arena_next = Min(sz * 2, (Size) ARENA_BLOCK);
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
	MixSlotText *slot;

	if (unlikely(StateFull(s, 1)))
		StateGrow(s);
	slot = &s->tslots[FindSlotText(s, key, len, hash)];
	if (slot->hi == 0)
	{
		slot->hash = hash;
		slot->len = len;
		slot->key = ArenaCopy(s, key, len);
		s->nkeys++;
	}
	SlotSumAdd(slot, hi, lo);
}

static inline uint32
HashText(const char *key, int len)
{
	return (uint32) hash_bytes_extended((const unsigned char *) key, len, HashSecret());
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
	if (s->pending != NULL)
	{
		s->pending[s->npending].key = PG_GETARG_INT64(1);
		s->pending[s->npending].hi = w;
		s->pending[s->npending].lo = 0;
		if (++s->npending == PENDING_MAX)
			StateSettle(s);
	}
	else
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
	StateSettle(s);
	/* the union has at least as many keys as the larger of the two */
	StateReserve(s, Max(s->nkeys, (int64) m->nkeys));
	w = MixWeights(m);
	for (i = 0; i < m->nkeys; i++)
	{
		CHECK_FOR_INTERRUPTS();
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

/* an empty dst takes a copy of src's slots as they are (and its seed) */
static void
StateCopyInto(MixState *dst, MixState *src)
{
	uint64		i;

	dst->kind = src->kind;
	dst->seed = src->seed;
	StateAllocSlots(dst, src->cap);
	if (src->kind == MIX_KIND_INT8)
		memcpy(dst->islots, src->islots, sizeof(MixSlotInt8) * src->cap);
	else
	{
		memcpy(dst->tslots, src->tslots, sizeof(MixSlotText) * src->cap);
		for (i = 0; i < src->cap; i++)
			if (dst->tslots[i].hi != 0)
				dst->tslots[i].key = ArenaCopy(dst, src->tslots[i].key, src->tslots[i].len);
	}
	dst->nkeys = src->nkeys;
}

/* src's buffered rows, added to dst (src itself is left as it is) */
static void
StateMergePending(MixState *dst, const MixState *src)
{
	if (src->npending > 0)
		StateAddBatchInt8(dst, src->pending, src->npending, false);
}

/* merge every key of src into dst (text keys are copied into dst's arena) */
static void
StateMergeInto(MixState *dst, MixState *src)
{
	uint64		i;

	if (src->kind == MIX_KIND_EMPTY)
		return;
	if (dst->kind == MIX_KIND_EMPTY)
	{
		StateCopyInto(dst, src);
		StateMergePending(dst, src);
		return;
	}
	StateSetKind(dst, src->kind);
	StateSettle(dst);
	StateReserve(dst, Max(dst->nkeys, src->nkeys));
	if (src->kind == MIX_KIND_INT8)
	{
		PendingInt8 batch[PENDING_MAX];
		int			n = 0;

		for (i = 0; i < src->cap; i++)
		{
			MixSlotInt8 *t = &src->islots[i];

			CHECK_FOR_INTERRUPTS();
			if (t->hi == 0)
				continue;
			batch[n].key = t->key;
			batch[n].hi = t->hi;
			batch[n].lo = t->lo;
			if (++n == PENDING_MAX)
			{
				StateAddBatchInt8(dst, batch, n, false);
				n = 0;
			}
		}
		if (n > 0)
			StateAddBatchInt8(dst, batch, n, false);
	}
	else
	{
		for (i = 0; i < src->cap; i++)
		{
			MixSlotText *t = &src->tslots[i];

			CHECK_FOR_INTERRUPTS();
			if (t->hi != 0)
				StateAddText(dst, t->key, t->len, t->hash, t->hi, t->lo);
		}
	}
	StateMergePending(dst, src);
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
		a = StateCreate(aggcxt);	/* copy b: its memory is not ours, nor to change */
	StateMergeInto(a, b);
	PG_RETURN_POINTER(a);
}

/* the key and weight parts of slot i, if used */
static inline bool
StateSlot(const MixState *s, uint64 i, MixEntry *e, double *hi, double *lo)
{
	if (s->kind == MIX_KIND_INT8)
	{
		const MixSlotInt8 *t = &s->islots[i];

		if (t->hi == 0)
			return false;
		e->ikey = t->key;
		*hi = t->hi;
		*lo = t->lo;
	}
	else
	{
		const MixSlotText *t = &s->tslots[i];

		if (t->hi == 0)
			return false;
		e->tkey = t->key;
		e->tlen = t->len;
		*hi = t->hi;
		*lo = t->lo;
	}
	return true;
}

/* the state's keys as entries sorted by key, weight = hi + lo */
static MixEntry *
StateEntries(MixState *s)
{
	MixEntry   *e = palloc_extended(sizeof(MixEntry) * Max(s->nkeys, 1), MCXT_ALLOC_HUGE);
	int64		n = 0;
	uint64		i;
	double		hi,
				lo;

	MixCheckKeyCount(s->nkeys);
	for (i = 0; i < s->cap; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!StateSlot(s, i, &e[n], &hi, &lo))
			continue;
		e[n].weight = KahanValue(hi, lo);
		e[n].lo = 0;
		n++;
	}
	MixSortEntries(s->kind, e, (int) n);
	return e;
}

/* DEBUG2: the size of a state and its probe lengths, for benchmarks and tests */
static void
StateReport(MixState *s)
{
	if (s != NULL && s->nkeys > 0 && message_level_is_interesting(DEBUG2))
	{
		Size		bytes = s->own_cxt ? MemoryContextMemAllocated(s->cxt, true)
			: (Size) s->cap * SlotSize(s->kind);

		elog(DEBUG2, "supply_mix state: %lld keys in %llu slots, %zu bytes (%.1f bytes per key), %.3f probe steps per lookup over %llu lookups",
			 (long long) s->nkeys, (unsigned long long) s->cap, bytes, (double) bytes / s->nkeys,
			 s->lookups > 0 ? (double) s->steps / s->lookups : 0.0, (unsigned long long) s->lookups);
	}
}

static SupplyMix *
StateToMix(MixState *s)
{
	if (s != NULL)
		StateSettle(s);
	StateReport(s);
	if (s == NULL || s->kind == MIX_KIND_EMPTY)
		return MixEmpty();
	return MixBuild(s->kind, StateEntries(s), (int) s->nkeys, true);
}

static double *
MixStateWeights(MixState *s, int64 *n)
{
	double	   *w = palloc_extended(sizeof(double) * Max(s->nkeys, 1), MCXT_ALLOC_HUGE);
	uint64		i;
	int64		k = 0;
	MixEntry	e;
	double		hi,
				lo;

	for (i = 0; i < s->cap; i++)
		if (StateSlot(s, i, &e, &hi, &lo))
			w[k++] = KahanValue(hi, lo);
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

	if (s == NULL)
		PG_RETURN_NULL();
	StateSettle(s);
	if (s->nkeys == 0)
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
 *   per key: int64 key | (int32 length, bytes), float8 hi, float8 lo.
 * Version 2 (written): the keys in slot order, each once, no sort needed.
 * Version 1 (still read): the keys strictly increasing.
 * deserialize checks it as strictly as supply_mix_recv: a key twice, a weight
 * that is not positive and finite, a bad length or trailing bytes are 22P03.
 * ------------------------------------------------------------------------- */
PG_FUNCTION_INFO_V1(supply_mix_agg_serialize);
Datum
supply_mix_agg_serialize(PG_FUNCTION_ARGS)
{
	MixState   *s = (MixState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	uint64		i;
	MixEntry	e;
	double		hi,
				lo;

	AggContextOrError(fcinfo, "supply_mix_agg_serialize");
	StateSettle(s);
	MixCheckKeyCount(s->nkeys);
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, 8 + (int) Min((uint64) s->nkeys * (s->kind == MIX_KIND_INT8 ? 24 : 28),
										  (uint64) MaxAllocSize / 2));
	pq_sendbyte(&buf, STATE_SERIAL_VERSION);
	pq_sendbyte(&buf, s->kind);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, (int32) s->nkeys);
	for (i = 0; i < s->cap && s->nkeys > 0; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!StateSlot(s, i, &e, &hi, &lo))
			continue;
		if (s->kind == MIX_KIND_INT8)
			pq_sendint64(&buf, e.ikey);
		else
		{
			pq_sendint32(&buf, e.tlen);
			pq_sendbytes(&buf, e.tkey, e.tlen);
		}
		pq_sendfloat8(&buf, hi);
		pq_sendfloat8(&buf, lo);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static inline void
CheckStateWeight(double hi, double lo)
{
	/* the pair and its sum: positive and finite (hi = 1, lo = -1 would be a weight of 0) */
	if (!(hi > 0) || isinf(hi) || isnan(lo) || isinf(lo) || fabs(lo) > hi || !(hi + lo > 0) || isinf(hi + lo))
		SerialStateError("supply_mix aggregate", "invalid weight");
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
	PendingInt8 batch[PENDING_MAX];
	int			nbatch = 0;

	BufFromBytea(&buf, b);
	if (buf.len < 8)
		SerialStateError("supply_mix aggregate", "truncated header");
	version = pq_getmsgbyte(&buf);
	kind = pq_getmsgbyte(&buf);
	if (version != 1 && version != STATE_SERIAL_VERSION)
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
	{
		StateSetKind(s, kind);
		StateReserve(s, n);
	}
	for (i = 0; i < n; i++)
	{
		double		hi,
					lo;

		CHECK_FOR_INTERRUPTS();
		if (kind == MIX_KIND_INT8)
		{
			int64		k;

			if (buf.len - buf.cursor < 24)
				SerialStateError("supply_mix aggregate", "truncated key");
			k = pq_getmsgint64(&buf);
			if (version == 1 && i > 0 && k <= prevint)
				SerialStateError("supply_mix aggregate", "keys are not strictly increasing");
			prevint = k;
			hi = pq_getmsgfloat8(&buf);
			lo = pq_getmsgfloat8(&buf);
			CheckStateWeight(hi, lo);
			batch[nbatch].key = k;
			batch[nbatch].hi = hi;
			batch[nbatch].lo = lo;
			if (++nbatch == PENDING_MAX)
			{
				StateAddBatchInt8(s, batch, nbatch, true);
				nbatch = 0;
			}
		}
		else
		{
			int			len;
			const char *k;
			int64		before = s->nkeys;

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
			if (version == 1 && i > 0)
			{
				int			c = memcmp(prevkey, k, Min(prevlen, len));

				if (c > 0 || (c == 0 && prevlen >= len))
					SerialStateError("supply_mix aggregate", "keys are not strictly increasing");
			}
			prevkey = k;
			prevlen = len;
			hi = pq_getmsgfloat8(&buf);
			lo = pq_getmsgfloat8(&buf);
			CheckStateWeight(hi, lo);
			StateAddText(s, k, len, HashText(k, len), hi, lo);
			if (s->nkeys == before)
				SerialStateError("supply_mix aggregate", "duplicate key");
		}
	}
	if (nbatch > 0)
		StateAddBatchInt8(s, batch, nbatch, true);
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
 * supply_mix_to_state(supply_mix): the mix as a serialized aggregate state (the
 * version-2 format above, each weight as hi with lo 0): the inverse of
 * supply_mix_from_state, so stored mixes and states convert both ways.
 */
PG_FUNCTION_INFO_V1(supply_mix_to_state);
Datum
supply_mix_to_state(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STATE_SERIAL_VERSION);
	pq_sendbyte(&buf, m->nkeys == 0 ? MIX_KIND_EMPTY : m->kind);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, m->nkeys);
	MixSendEntries(&buf, m, true);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
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
