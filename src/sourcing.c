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

#include "sourcing.h"
#include "supplyrisk.h"

#define SOURCING_SERIAL_VERSION 1

static void
SourcingAlloc(SourcingState *s, int64 cap)
{
	MemoryContext cxt = s->cxt;

	s->cap = cap;
	s->entity = MemoryContextAllocExtended(cxt, sizeof(int64) * cap, MCXT_ALLOC_HUGE);
	s->source = MemoryContextAllocExtended(cxt, sizeof(int64) * cap, MCXT_ALLOC_HUGE);
	s->used = MemoryContextAllocExtended(cxt, sizeof(bool) * cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s->many = MemoryContextAllocExtended(cxt, sizeof(bool) * cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static SourcingState *
SourcingCreate(MemoryContext cxt)
{
	SourcingState *s = MemoryContextAllocZero(cxt, sizeof(SourcingState));

	s->cxt = cxt;
	SourcingAlloc(s, 8);
	return s;
}

static void SourcingAdd(SourcingState *s, int64 entity, int64 source, bool many);

static void
SourcingGrow(SourcingState *s)
{
	SourcingState old = *s;
	int64		i;

	SourcingAlloc(s, old.cap * 2);
	s->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.used[i])
			SourcingAdd(s, old.entity[i], old.source[i], old.many[i]);
	pfree(old.entity);
	pfree(old.source);
	pfree(old.used);
	pfree(old.many);
}

static void
SourcingAdd(SourcingState *s, int64 entity, int64 source, bool many)
{
	uint64		mask,
				i;

	if (unlikely((s->n + 1) * 4 > s->cap * 3))
		SourcingGrow(s);
	mask = s->cap - 1;
	i = HashInt64(entity) & mask;
	while (s->used[i] && s->entity[i] != entity)
		i = (i + 1) & mask;
	if (!s->used[i])
	{
		s->used[i] = true;
		s->entity[i] = entity;
		s->source[i] = source;
		s->many[i] = many;
		s->n++;
	}
	else if (many || s->source[i] != source)
		s->many[i] = true;
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
	for (i = 0; i < b->cap; i++)
		if (b->used[i])
			SourcingAdd(a, b->entity[i], b->source[i], b->many[i]);
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
		if (!s->used[i])
			continue;
		pq_sendint64(&buf, s->entity[i]);
		pq_sendint64(&buf, s->source[i]);
		pq_sendbyte(&buf, s->many[i] ? 1 : 0);
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
	for (i = 0; i < n; i++)
	{
		int64		e = pq_getmsgint64(&buf);
		int64		src = pq_getmsgint64(&buf);
		int			many = pq_getmsgbyte(&buf);

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
			if (s->used[i] && !s->many[i])
				single++;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "sourcing_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum(s ? s->n : 0);
	values[1] = Int64GetDatum(single);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
