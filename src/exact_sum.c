/*
 * exact_sum.c — exact_sum(float8): the float8 nearest to the exact sum of its
 * inputs (correctly rounded), whatever their order.
 *
 * The state is Shewchuk's list of non-overlapping partials (the algorithm of
 * Python's math.fsum): their exact sum is at every step the exact sum of the
 * inputs, so adding rows in any order, or merging states built from any split
 * of the rows, gives the same partials' sum and the same rounded result. That
 * is what lets a hashed aggregate, a parallel plan and a merge of stored
 * states agree to the last bit without sorting their inputs.
 *
 * Partials are non-overlapping and ordered by magnitude; each is a nonzero
 * multiple of 2^-1074 below 2^1024 and holds bit positions no other holds, so
 * there are at most 2098 of them. Usually there are one to three (they live in
 * the state itself); inputs spread over many orders of magnitude can need
 * dozens or hundreds (seen: more than 48 for 20,000 inputs between 1e-33 and
 * 1e30), and the list then grows in the aggregate's memory context. Infinite and NaN
 * inputs are summed apart (inf + -inf is NaN, as for sum); a finite sum that
 * overflows is an error (22003), as it is for float8 addition.
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "supplyrisk.h"
#include "exact_sum.h"

#define EXACT_SUM_MAX_PARTIALS	2098	/* the bound above */
#define EXACT_SUM_SERIAL_VERSION 1


/* room for one more partial (in the memory context the state lives in) */
static void
ExactSumGrow(ExactSum *s)
{
	int			cap = Min(s->cap * 4, EXACT_SUM_MAX_PARTIALS);
	double	   *p;

	if (unlikely(s->n >= EXACT_SUM_MAX_PARTIALS))
		elog(ERROR, "exact_sum: more than %d partials", EXACT_SUM_MAX_PARTIALS);
	p = MemoryContextAlloc(GetMemoryChunkContext(s), cap * sizeof(double));
	memcpy(p, s->p, s->n * sizeof(double));
	if (s->p != s->inl)
		pfree(s->p);
	s->p = p;
	s->cap = cap;
}

static void
ExactSumOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range: overflow"),
			 errdetail("The exact sum of the inputs is beyond the range of float8.")));
}

/* add a finite x to the partials, keeping them exact and non-overlapping */
static void
ExactSumAddFinite(ExactSum *s, double x)
{
	int			i = 0;

	for (int j = 0; j < s->n; j++)
	{
		double		y = s->p[j];
		double		hi,
					lo;

		if (fabs(x) < fabs(y))
		{
			double		t = x;

			x = y;
			y = t;
		}
		hi = x + y;
		if (unlikely(isinf(hi)))
			ExactSumOverflow();
		lo = y - (hi - x);
		if (lo != 0.0)
			s->p[i++] = lo;
		x = hi;
	}
	/* (zeros are dropped: the partials stay nonzero, in increasing magnitude) */
	if (x != 0.0)
	{
		if (unlikely(i >= s->cap))
		{
			s->n = i;
			ExactSumGrow(s);
		}
		s->p[i++] = x;
	}
	s->n = i;
}

void
ExactSumAdd(ExactSum *s, double x)
{
	s->count++;
	if (unlikely(isinf(x) || isnan(x)))
	{
		s->special = s->any_special ? s->special + x : x;
		s->any_special = true;
		return;
	}
	ExactSumAddFinite(s, x);
}

/* the partials' exact sum, correctly rounded (round half to even) */
double
ExactSumValue(const ExactSum *s)
{
	int			n = s->n;
	double		hi = 0.0,
				lo = 0.0;

	if (s->any_special)
		return s->special;
	if (n == 0)
		return 0.0;
	hi = s->p[--n];
	while (n > 0)
	{
		double		x = hi,
					y = s->p[--n];

		hi = x + y;
		lo = y - (hi - x);
		if (lo != 0.0)
			break;
	}
	/*
	 * hi + lo is exact here; when lo is half an ulp of hi and the partials
	 * below go the same way, the rounding of hi + lo went the wrong way
	 */
	if (n > 0 && ((lo < 0.0 && s->p[n - 1] < 0.0) || (lo > 0.0 && s->p[n - 1] > 0.0)))
	{
		double		y = lo * 2.0;
		double		x = hi + y;

		if (y == x - hi)
			hi = x;
	}
	return hi;
}

ExactSum *
ExactSumNew(MemoryContext cxt)
{
	ExactSum   *s = (ExactSum *) MemoryContextAllocZero(cxt, sizeof(ExactSum));

	s->p = s->inl;
	s->cap = EXACT_SUM_INLINE_PARTIALS;
	return s;
}

PG_FUNCTION_INFO_V1(exact_sum_trans);
Datum
exact_sum_trans(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggContextOrError(fcinfo, "exact_sum_trans");
	ExactSum   *s = PG_ARGISNULL(0) ? NULL : (ExactSum *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	if (s == NULL)
		s = ExactSumNew(cxt);
	ExactSumAdd(s, PG_GETARG_FLOAT8(1));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(exact_sum_combine);
Datum
exact_sum_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggContextOrError(fcinfo, "exact_sum_combine");
	ExactSum   *a = PG_ARGISNULL(0) ? NULL : (ExactSum *) PG_GETARG_POINTER(0);
	ExactSum   *b = PG_ARGISNULL(1) ? NULL : (ExactSum *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = ExactSumNew(cxt);
		a->count = b->count;
		a->any_special = b->any_special;
		a->special = b->special;
		for (int j = 0; j < b->n; j++)
			ExactSumAddFinite(a, b->p[j]);
		PG_RETURN_POINTER(a);
	}
	a->count += b->count;
	if (b->any_special)
	{
		a->special = a->any_special ? a->special + b->special : b->special;
		a->any_special = true;
	}
	/* the other's partials, added exactly: the exact sum of both */
	for (int j = 0; j < b->n; j++)
		ExactSumAddFinite(a, b->p[j]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(exact_sum_final);
Datum
exact_sum_final(PG_FUNCTION_ARGS)
{
	ExactSum   *s = PG_ARGISNULL(0) ? NULL : (ExactSum *) PG_GETARG_POINTER(0);

	if (s == NULL || s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ExactSumValue(s));
}

PG_FUNCTION_INFO_V1(exact_sum_serialize);
Datum
exact_sum_serialize(PG_FUNCTION_ARGS)
{
	ExactSum   *s = (ExactSum *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, EXACT_SUM_SERIAL_VERSION);
	pq_sendint64(&buf, s->count);
	pq_sendbyte(&buf, s->any_special ? 1 : 0);
	pq_sendfloat8(&buf, s->special);
	pq_sendint32(&buf, s->n);
	for (int j = 0; j < s->n; j++)
		pq_sendfloat8(&buf, s->p[j]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* a serialized state, validated: 22P03 for one that does not check out */
static ExactSum *
ExactSumDeserialize(bytea *bytes, MemoryContext cxt)
{
	StringInfoData buf;
	ExactSum   *s;
	int			version;
	int			special;

	BufFromBytea(&buf, bytes);
	if (buf.len < 1 + 8 + 1 + 8 + 4)
		SerialStateError("exact_sum", "it is shorter than its header");
	version = pq_getmsgbyte(&buf);
	if (version != EXACT_SUM_SERIAL_VERSION)
		SerialStateError("exact_sum", psprintf("its format version is %d, not %d", version, EXACT_SUM_SERIAL_VERSION));
	s = ExactSumNew(cxt);
	s->count = pq_getmsgint64(&buf);
	special = pq_getmsgbyte(&buf);
	s->special = pq_getmsgfloat8(&buf);
	s->n = pq_getmsgint(&buf, 4);
	if (s->count < 0)
		SerialStateError("exact_sum", "its input count is negative");
	if (special != 0 && special != 1)
		SerialStateError("exact_sum", "its special-value flag is neither 0 nor 1");
	s->any_special = (special == 1);
	if (s->n < 0 || s->n > EXACT_SUM_MAX_PARTIALS || buf.len - buf.cursor != s->n * 8)
		SerialStateError("exact_sum", "its number of partials does not match its length");
	if (s->n > s->cap)
	{
		s->p = MemoryContextAlloc(cxt, s->n * sizeof(double));
		s->cap = s->n;
	}
	for (int j = 0; j < s->n; j++)
	{
		s->p[j] = pq_getmsgfloat8(&buf);
		if (!isfinite(s->p[j]) || s->p[j] == 0.0)
			SerialStateError("exact_sum", "a partial sum is zero or not finite");
		if (j > 0 && !(fabs(s->p[j]) > fabs(s->p[j - 1])))
			SerialStateError("exact_sum", "its partial sums are not in increasing magnitude");
	}
	if (s->count == 0 && (s->n > 0 || s->any_special))
		SerialStateError("exact_sum", "it has sums but no inputs");
	pq_getmsgend(&buf);
	return s;
}

PG_FUNCTION_INFO_V1(exact_sum_deserialize);
Datum
exact_sum_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = AggContextOrError(fcinfo, "exact_sum_deserialize");

	PG_RETURN_POINTER(ExactSumDeserialize(PG_GETARG_BYTEA_PP(0), cxt));
}

/* exact_sum_from_state(bytea): the value of a serialized state (NULL: no inputs) */
PG_FUNCTION_INFO_V1(exact_sum_from_state);
Datum
exact_sum_from_state(PG_FUNCTION_ARGS)
{
	ExactSum   *s = ExactSumDeserialize(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ExactSumValue(s));
}
