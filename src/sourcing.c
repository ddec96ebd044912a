/*
 * sourcing.c — aggregate sourcing(entity bigint, source bigint) returning
 * (entities bigint, single_sourced bigint): the number of distinct entities
 * in the rows and how many of them have exactly one distinct source (e.g.
 * one supplier group for an ICT function). One pass, no sort, parallel safe.
 * Rows with a NULL entity or source are skipped.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "miscadmin.h"
#include "supplyrisk.h"

#define SOURCING_SERIAL_VERSION 1
#define SOURCING_INITIAL_CAP 8

/*
 * Open addressing (linear probing, power-of-two capacity, at most 3/4 full)
 * from entity id to its first source, with a flag once a second distinct
 * source was seen. One 24-byte slot per entity (entity, source, flags), so a
 * probe touches one slot. Each state hashes with a seed of its own, so that
 * merging one state into another (combine, deserialize: the source's slot
 * order) does not feed keys in the destination's slot order, which would pile
 * them into long probe runs; the destination is sized before a merge.
 */
typedef struct SourcingSlot
{
	int64		entity;
	int64		source;
	bool		used;
	bool		many;
} SourcingSlot;

typedef struct SourcingState
{
	MemoryContext cxt;			/* where the slots live */
	int64		n;				/* entities */
	int64		cap;
	uint64		seed;
	SourcingSlot *slots;
} SourcingState;

static void
SourcingAlloc(SourcingState *s, int64 cap)
{
	s->cap = cap;
	s->slots = MemoryContextAllocExtended(s->cxt, sizeof(SourcingSlot) * cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static SourcingState *
SourcingCreate(MemoryContext cxt)
{
	static uint64 created = 0;
	SourcingState *s = MemoryContextAllocZero(cxt, sizeof(SourcingState));

	s->cxt = cxt;
	s->seed = HashInt64((int64) (HashSecret() ^ ++created));
	SourcingAlloc(s, SOURCING_INITIAL_CAP);
	return s;
}

static void SourcingAdd(SourcingState *s, int64 entity, int64 source, bool many);

/* re-insert every entity into cap slots */
static void
SourcingResize(SourcingState *s, int64 cap)
{
	SourcingSlot *old = s->slots;
	int64		oldcap = s->cap,
				i;

	SourcingAlloc(s, cap);
	s->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			SourcingAdd(s, old[i].entity, old[i].source, old[i].many);
	pfree(old);
}

/* room for n entities in all, before they are added */
static void
SourcingReserve(SourcingState *s, int64 n)
{
	int64		cap = s->cap;

	while (n * 4 > cap * 3)
		cap *= 2;
	if (cap != s->cap)
		SourcingResize(s, cap);
}

static void
SourcingAdd(SourcingState *s, int64 entity, int64 source, bool many)
{
	uint64		mask,
				i;
	SourcingSlot *t;

	if (unlikely((s->n + 1) * 4 > s->cap * 3))
		SourcingResize(s, s->cap * 2);
	mask = s->cap - 1;
	i = HashInt64(entity ^ (int64) s->seed) & mask;
	while (s->slots[i].used && s->slots[i].entity != entity)
		i = (i + 1) & mask;
	t = &s->slots[i];
	if (!t->used)
	{
		t->used = true;
		t->entity = entity;
		t->source = source;
		t->many = many;
		s->n++;
	}
	else if (many || t->source != source)
		t->many = true;
}

PG_FUNCTION_INFO_V1(sourcing_trans);
Datum
sourcing_trans(PG_FUNCTION_ARGS)
{
	SourcingState *s = PG_ARGISNULL(0) ? SourcingCreate(AggContextOrError(fcinfo, "sourcing_trans"))
		: (SourcingState *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
		SourcingAdd(s, PG_GETARG_INT64(1), PG_GETARG_INT64(2), false);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(sourcing_combine);
Datum
sourcing_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggContextOrError(fcinfo, "sourcing_combine");
	SourcingState *a = PG_ARGISNULL(0) ? NULL : (SourcingState *) PG_GETARG_POINTER(0);
	SourcingState *b = PG_ARGISNULL(1) ? NULL : (SourcingState *) PG_GETARG_POINTER(1);
	int64		i;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = SourcingCreate(cxt);
	SourcingReserve(a, Max(a->n, b->n));
	for (i = 0; i < b->cap; i++)
		if (b->slots[i].used)
			SourcingAdd(a, b->slots[i].entity, b->slots[i].source, b->slots[i].many);
	PG_RETURN_POINTER(a);
}

/* version 1, int64 n, then n times (int64 entity, int64 source, uint8 many) */
PG_FUNCTION_INFO_V1(sourcing_serialize);
Datum
sourcing_serialize(PG_FUNCTION_ARGS)
{
	SourcingState *s = (SourcingState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int64		i;

	AggContextOrError(fcinfo, "sourcing_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SOURCING_SERIAL_VERSION);
	pq_sendint64(&buf, s->n);
	for (i = 0; i < s->cap; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!s->slots[i].used)
			continue;
		pq_sendint64(&buf, s->slots[i].entity);
		pq_sendint64(&buf, s->slots[i].source);
		pq_sendbyte(&buf, s->slots[i].many ? 1 : 0);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(sourcing_deserialize);
Datum
sourcing_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggContextOrError(fcinfo, "sourcing_deserialize");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	SourcingState *s;
	int64		n,
				i;

	BufFromBytea(&buf, b);
	if (buf.len < 9 || pq_getmsgbyte(&buf) != SOURCING_SERIAL_VERSION)
		SerialStateError("sourcing", "unsupported version");
	n = pq_getmsgint64(&buf);
	if (n < 0 || n * 17 != buf.len - buf.cursor)
		SerialStateError("sourcing", "entry count does not fit the data");
	s = SourcingCreate(cxt);
	SourcingReserve(s, n);
	for (i = 0; i < n; i++)
	{
		int64		e = pq_getmsgint64(&buf);
		int64		src = pq_getmsgint64(&buf);
		int			many = pq_getmsgbyte(&buf);

		CHECK_FOR_INTERRUPTS();
		if (many != 0 && many != 1)
			SerialStateError("sourcing", "bad flag");
		SourcingAdd(s, e, src, many == 1);
	}
	if (s->n != n)
		SerialStateError("sourcing", "duplicate entity");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(sourcing_final);
Datum
sourcing_final(PG_FUNCTION_ARGS)
{
	SourcingState *s = PG_ARGISNULL(0) ? NULL : (SourcingState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	int64		single = 0,
				i;

	if (s != NULL)
		for (i = 0; i < s->cap; i++)
			if (s->slots[i].used && !s->slots[i].many)
				single++;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "sourcing_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum(s ? s->n : 0);
	values[1] = Int64GetDatum(single);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
