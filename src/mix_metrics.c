/*
 * mix_metrics.c — metrics and what-ifs on supply_mix values:
 * total, key_count, hhi (with or without base), cr, effective_suppliers,
 * entropy (plain and normalised), gini, share (one key or an array, bigint
 * or text), top_shares, without, merge_keys and concentration_level.
 *
 * Shares are fractions of the mix total. Sums are compensated, so results do
 * not depend on the order of keys beyond a few ulp. An empty mix gives NULL
 * for every share-based metric; total is 0 and key_count 0.
 */
#include "postgres.h"

#include "miscadmin.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "kahan.h"
#include "mix.h"
#include "mix_metrics.h"
#include "supplyrisk.h"

double
WeightsTotal(const double *w, int64 n)
{
	KahanSum	s = {0, 0};
	int64		i;

	for (i = 0; i < n; i++)
		KahanSumAdd(&s, w[i]);
	return KahanValue(s.hi, s.lo);
}

/*
 * HHI = 10000 * sum(w_i^2) / base^2. The weights are first scaled by a power
 * of two (exact) so that the largest is in [0.5, 1): no overflow or underflow
 * whatever their magnitude. Squares are split exactly with fma() and summed
 * with compensation, so integer weights, for instance, give the exact HHI.
 */
double
WeightsHhi(const double *w, int64 n, double base)
{
	KahanSum	s = {0, 0};
	double		wmax = 0,
				b,
				bb;
	int			e;
	int64		i;

	for (i = 0; i < n; i++)
		if (w[i] > wmax)
			wmax = w[i];
	if (n == 0 || wmax <= 0)
		return 0;
	(void) frexp(wmax, &e);
	for (i = 0; i < n; i++)
	{
		double		x = ldexp(w[i], -e);
		double		p = x * x;

		KahanSumAdd(&s, p);
		s.lo += fma(x, x, -p);
	}
	b = ldexp(base, -e);
	bb = b * b;
	/* (hi + lo) / (bb + bb_err) in double-double: exact when the sum of squares equals base^2 */
	{
		double		bberr = fma(b, b, -bb);
		double		q = s.hi / bb;
		double		r = fma(-q, bb, s.hi) + s.lo - q * bberr;

		return 10000.0 * (q + r / bb);
	}
}

static int
CmpDoubleDesc(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x < y) - (x > y);
}

static int
CmpDoubleAsc(const void *a, const void *b)
{
	return -CmpDoubleDesc(a, b);
}

static double *
SortedWeights(SupplyMix *m, bool descending)
{
	double	   *w = palloc_extended(sizeof(double) * Max(m->nkeys, 1), MCXT_ALLOC_HUGE);

	memcpy(w, MixWeights(m), sizeof(double) * m->nkeys);
	qsort(w, m->nkeys, sizeof(double), descending ? CmpDoubleDesc : CmpDoubleAsc);
	return w;
}

static double
MixTotal(SupplyMix *m)
{
	return WeightsTotal(MixWeights(m), m->nkeys);
}

static void
CheckK(int32 k)
{
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at least 1, got %d", k)));
}

PG_FUNCTION_INFO_V1(supply_mix_total);
Datum
supply_mix_total(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(MixTotal(PG_GETARG_SUPPLY_MIX(0)));
}

PG_FUNCTION_INFO_V1(supply_mix_key_count);
Datum
supply_mix_key_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_SUPPLY_MIX(0)->nkeys);
}

PG_FUNCTION_INFO_V1(supply_mix_key_type);
Datum
supply_mix_key_type(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(MixKindName(PG_GETARG_SUPPLY_MIX(0)->kind)));
}

PG_FUNCTION_INFO_V1(supply_mix_hhi);
Datum
supply_mix_hhi(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(WeightsHhi(MixWeights(m), m->nkeys, MixTotal(m)));
}

/*
 * HHI with shares w / base, for listings whose shares do not cover the whole
 * market (the rest counts as atomised). base must be finite and at least the
 * mix total, so that no share exceeds 100%.
 */
PG_FUNCTION_INFO_V1(supply_mix_hhi_base);
Datum
supply_mix_hhi_base(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	double		base = PG_GETARG_FLOAT8(1);
	double		total;

	if (isnan(base) || isinf(base) || base <= 0)
	{
		char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(base, buf);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hhi base must be positive and finite, got \"%s\"", buf)));
	}
	if (m->nkeys == 0)
		PG_RETURN_NULL();
	total = MixTotal(m);
	if (base < total)
	{
		char		b1[DOUBLE_SHORTEST_DECIMAL_LEN],
					b2[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(base, b1);
		double_to_shortest_decimal_buf(total, b2);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hhi base \"%s\" is smaller than the mix total \"%s\"", b1, b2),
				 errdetail("Shares would exceed 100%%.")));
	}
	PG_RETURN_FLOAT8(WeightsHhi(MixWeights(m), m->nkeys, base));
}

PG_FUNCTION_INFO_V1(supply_mix_cr);
Datum
supply_mix_cr(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int32		k = PG_GETARG_INT32(1);
	double	   *w;
	double		top;

	CheckK(k);
	if (m->nkeys == 0)
		PG_RETURN_NULL();
	if (k >= m->nkeys)
		PG_RETURN_FLOAT8(1.0);
	w = SortedWeights(m, true);
	top = WeightsTotal(w, k);
	PG_RETURN_FLOAT8(top / MixTotal(m));
}

PG_FUNCTION_INFO_V1(supply_mix_effective_suppliers);
Datum
supply_mix_effective_suppliers(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(10000.0 / WeightsHhi(MixWeights(m), m->nkeys, MixTotal(m)));
}

static double
MixEntropy(SupplyMix *m)
{
	double	   *w = MixWeights(m);
	double		total = MixTotal(m);
	KahanSum	s = {0, 0};
	int			i;

	for (i = 0; i < m->nkeys; i++)
	{
		double		p = w[i] / total;

		CHECK_FOR_INTERRUPTS();
		if (p > 0)
			KahanSumAdd(&s, -p * log(p));
	}
	return Max(KahanValue(s.hi, s.lo), 0.0);
}

PG_FUNCTION_INFO_V1(supply_mix_entropy);
Datum
supply_mix_entropy(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(MixEntropy(m));
}

/* entropy / ln N (0 for a single key); normalized = false is plain entropy */
PG_FUNCTION_INFO_V1(supply_mix_entropy_normalized);
Datum
supply_mix_entropy_normalized(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	bool		normalized = PG_GETARG_BOOL(1);
	double		h;

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	h = MixEntropy(m);
	if (!normalized)
		PG_RETURN_FLOAT8(h);
	if (m->nkeys == 1)
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(Min(h / log((double) m->nkeys), 1.0));
}

/*
 * Gini over the N keys present: sum_i sum_j |w_i - w_j| / (2 N^2 mean),
 * computed from the ascending order as 2 sum_i i w_(i) / (N W) - (N + 1) / N.
 */
PG_FUNCTION_INFO_V1(supply_mix_gini);
Datum
supply_mix_gini(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	double	   *w;
	KahanSum	s = {0, 0};
	double		n = m->nkeys,
				total,
				g;
	int			i;

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	w = SortedWeights(m, false);
	total = WeightsTotal(w, m->nkeys);
	for (i = 0; i < m->nkeys; i++)
		KahanSumAdd(&s, (double) (i + 1) * (w[i] / total));
	g = 2.0 * KahanValue(s.hi, s.lo) / n - (n + 1.0) / n;
	PG_RETURN_FLOAT8(Max(g, 0.0));
}

/* ---------------------------------------------------------------------------
 * Key look-up
 * ------------------------------------------------------------------------- */
static inline int
FindInt8(SupplyMix *m, int64 key)
{
	return SearchInt64(MixInt8Keys(m), m->nkeys, key);
}

static int
FindText(SupplyMix *m, const char *key, int len)
{
	int			lo = 0,
				hi = m->nkeys - 1;
	MixEntry	probe;

	probe.tkey = key;
	probe.tlen = len;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		MixEntry	e;
		int			c;

		e.tkey = MixTextKey(m, mid, &e.tlen);
		c = MixCompareEntries(MIX_KIND_TEXT, &e, &probe);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* the mix must be of the kind of the keys asked about (the empty mix fits all) */
static void
CheckKeyKind(SupplyMix *m, int kind, const char *fn)
{
	if (m->kind != MIX_KIND_EMPTY && m->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s key given for a %s-keyed supply_mix", fn, MixKindName(kind), MixKindName(m->kind)),
				 errhint("Cast the key to the mix's key type.")));
}

/*
 * Indexes of the mix keys named by an array (NULL elements ignored, each key
 * counted once); returns how many.
 */
static int
FindArrayKeys(SupplyMix *m, ArrayType *arr, int kind, int **idx, const char *fn)
{
	Oid			elemtype = kind == MIX_KIND_INT8 ? INT8OID : TEXTOID;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i,
				n = 0;
	bool	   *seen;

	CheckKeyKind(m, kind, fn);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: keys must be a one-dimensional array", fn)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &elems, &nulls, &nelems);
	*idx = palloc(sizeof(int) * Max(nelems, 1));
	if (m->nkeys == 0)
		return 0;
	seen = palloc0(sizeof(bool) * m->nkeys);
	for (i = 0; i < nelems; i++)
	{
		int			j;

		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			continue;
		if (kind == MIX_KIND_INT8)
			j = FindInt8(m, DatumGetInt64(elems[i]));
		else
		{
			text	   *t = DatumGetTextPP(elems[i]);

			j = FindText(m, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
		if (j >= 0 && !seen[j])
		{
			seen[j] = true;
			(*idx)[n++] = j;
		}
	}
	return n;
}

static Datum
ShareOfIndexes(SupplyMix *m, int *idx, int n)
{
	double	   *w = MixWeights(m);
	KahanSum	s = {0, 0};
	int			i;

	for (i = 0; i < n; i++)
		KahanSumAdd(&s, w[idx[i]]);
	return Float8GetDatum(KahanValue(s.hi, s.lo) / MixTotal(m));
}

PG_FUNCTION_INFO_V1(supply_mix_share_int8);
Datum
supply_mix_share_int8(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int			j;

	CheckKeyKind(m, MIX_KIND_INT8, "share");
	if (m->nkeys == 0)
		PG_RETURN_NULL();
	j = FindInt8(m, PG_GETARG_INT64(1));
	return ShareOfIndexes(m, &j, j >= 0 ? 1 : 0);
}

PG_FUNCTION_INFO_V1(supply_mix_share_text);
Datum
supply_mix_share_text(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	text	   *t = PG_GETARG_TEXT_PP(1);
	int			j;

	CheckKeyKind(m, MIX_KIND_TEXT, "share");
	if (m->nkeys == 0)
		PG_RETURN_NULL();
	j = FindText(m, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	return ShareOfIndexes(m, &j, j >= 0 ? 1 : 0);
}

static Datum
ShareArray(FunctionCallInfo fcinfo, int kind)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int		   *idx;
	int			n = FindArrayKeys(m, PG_GETARG_ARRAYTYPE_P(1), kind, &idx, "share");

	if (m->nkeys == 0)
		PG_RETURN_NULL();
	return ShareOfIndexes(m, idx, n);
}

PG_FUNCTION_INFO_V1(supply_mix_share_int8_array);
Datum
supply_mix_share_int8_array(PG_FUNCTION_ARGS)
{
	return ShareArray(fcinfo, MIX_KIND_INT8);
}

PG_FUNCTION_INFO_V1(supply_mix_share_text_array);
Datum
supply_mix_share_text_array(PG_FUNCTION_ARGS)
{
	return ShareArray(fcinfo, MIX_KIND_TEXT);
}

/* ---------------------------------------------------------------------------
 * top_shares(mix, k): the k heaviest keys, by weight descending and key
 * ascending among equal weights.
 * ------------------------------------------------------------------------- */
typedef struct RankedKey
{
	double		w;
	int			i;
} RankedKey;

static int
CmpRanked(const void *a, const void *b)
{
	const RankedKey *x = a,
			   *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

PG_FUNCTION_INFO_V1(supply_mix_top_shares);
Datum
supply_mix_top_shares(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int32		k = PG_GETARG_INT32(1);
	double	   *w = MixWeights(m);
	double		total;
	RankedKey  *r;
	int			i,
				n;

	CheckK(k);
	InitMaterializedSRF(fcinfo, 0);
	if (m->nkeys == 0)
		return (Datum) 0;
	total = MixTotal(m);
	r = palloc_extended(sizeof(RankedKey) * m->nkeys, MCXT_ALLOC_HUGE);
	for (i = 0; i < m->nkeys; i++)
	{
		CHECK_FOR_INTERRUPTS();
		r[i].w = w[i];
		r[i].i = i;
	}
	qsort(r, m->nkeys, sizeof(RankedKey), CmpRanked);
	n = Min(k, m->nkeys);
	for (i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum(i + 1);
		if (m->kind == MIX_KIND_INT8)
		{
			char		buf[MAXINT8LEN + 1];

			pg_lltoa(MixInt8Keys(m)[r[i].i], buf);
			values[1] = CStringGetTextDatum(buf);
		}
		else
		{
			int			len;
			const char *key = MixTextKey(m, r[i].i, &len);

			values[1] = PointerGetDatum(cstring_to_text_with_len(key, len));
		}
		values[2] = Float8GetDatum(r[i].w);
		values[3] = Float8GetDatum(r[i].w / total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* each(mix): every key and weight, in key order (like hstore's each) */
PG_FUNCTION_INFO_V1(supply_mix_each);
Datum
supply_mix_each(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	double	   *w = MixWeights(m);
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < m->nkeys; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		CHECK_FOR_INTERRUPTS();
		if (m->kind == MIX_KIND_INT8)
		{
			char		buf[MAXINT8LEN + 1];

			pg_lltoa(MixInt8Keys(m)[i], buf);
			values[0] = CStringGetTextDatum(buf);
		}
		else
		{
			int			len;
			const char *key = MixTextKey(m, i, &len);

			values[0] = PointerGetDatum(cstring_to_text_with_len(key, len));
		}
		values[1] = Float8GetDatum(w[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------------
 * What-ifs
 * ------------------------------------------------------------------------- */

/* entries of the mix, optionally leaving out the keys flagged in drop[] */
static MixEntry *
MixToEntries(SupplyMix *m, const bool *drop, int *n)
{
	MixEntry   *e = palloc_extended(sizeof(MixEntry) * Max(m->nkeys + 1, 1), MCXT_ALLOC_HUGE);
	double	   *w = MixWeights(m);
	int			i,
				k = 0;

	for (i = 0; i < m->nkeys; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (drop && drop[i])
			continue;
		if (m->kind == MIX_KIND_INT8)
			e[k].ikey = MixInt8Keys(m)[i];
		else
			e[k].tkey = MixTextKey(m, i, &e[k].tlen);
		e[k].weight = w[i];
		e[k].lo = 0;
		k++;
	}
	*n = k;
	return e;
}

/* without(mix, keys[]): phase-out; the remaining shares renormalise */
static Datum
Without(FunctionCallInfo fcinfo, int kind)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int		   *idx;
	int			n = FindArrayKeys(m, PG_GETARG_ARRAYTYPE_P(1), kind, &idx, "without");
	bool	   *drop;
	MixEntry   *e;
	int			i,
				k;

	if (n == 0)
		PG_RETURN_SUPPLY_MIX(m);
	drop = palloc0(sizeof(bool) * m->nkeys);
	for (i = 0; i < n; i++)
		drop[idx[i]] = true;
	e = MixToEntries(m, drop, &k);
	PG_RETURN_SUPPLY_MIX(MixBuild(m->kind, e, k, true));
}

PG_FUNCTION_INFO_V1(supply_mix_without_int8);
Datum
supply_mix_without_int8(PG_FUNCTION_ARGS)
{
	return Without(fcinfo, MIX_KIND_INT8);
}

PG_FUNCTION_INFO_V1(supply_mix_without_text);
Datum
supply_mix_without_text(PG_FUNCTION_ARGS)
{
	return Without(fcinfo, MIX_KIND_TEXT);
}

/*
 * merge_keys(mix, keys[], into_key): the weights of keys (and of into_key,
 * if present) become one key into_key — an acquisition or common control.
 * Keys not in the mix are ignored; if none of them is, the mix is unchanged.
 */
static Datum
MergeKeys(FunctionCallInfo fcinfo, int kind)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	int		   *idx;
	int			n = FindArrayKeys(m, PG_GETARG_ARRAYTYPE_P(1), kind, &idx, "merge_keys");
	bool	   *drop;
	MixEntry   *e;
	MixEntry	into;
	KahanSum	s = {0, 0};
	double	   *w = MixWeights(m);
	int			i,
				k,
				j;

	if (n == 0)
		PG_RETURN_SUPPLY_MIX(m);
	memset(&into, 0, sizeof(into));
	if (kind == MIX_KIND_INT8)
	{
		into.ikey = PG_GETARG_INT64(2);
		j = FindInt8(m, into.ikey);
	}
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(2);

		into.tkey = VARDATA_ANY(t);
		into.tlen = VARSIZE_ANY_EXHDR(t);
		if (memchr(into.tkey, '\0', into.tlen) != NULL)
			elog(ERROR, "text key contains a NUL byte");
		j = FindText(m, into.tkey, into.tlen);
	}
	drop = palloc0(sizeof(bool) * m->nkeys);
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		drop[idx[i]] = true;
		KahanSumAdd(&s, w[idx[i]]);
	}
	if (j >= 0 && !drop[j])
	{
		drop[j] = true;
		KahanSumAdd(&s, w[j]);
	}
	into.weight = KahanValue(s.hi, s.lo);
	if (isinf(into.weight))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("merged supply_mix weight overflows double precision")));
	e = MixToEntries(m, drop, &k);
	e[k++] = into;
	PG_RETURN_SUPPLY_MIX(MixBuild(m->kind, e, k, false));
}

PG_FUNCTION_INFO_V1(supply_mix_merge_keys_int8);
Datum
supply_mix_merge_keys_int8(PG_FUNCTION_ARGS)
{
	return MergeKeys(fcinfo, MIX_KIND_INT8);
}

PG_FUNCTION_INFO_V1(supply_mix_merge_keys_text);
Datum
supply_mix_merge_keys_text(PG_FUNCTION_ARGS)
{
	return MergeKeys(fcinfo, MIX_KIND_TEXT);
}

/* ---------------------------------------------------------------------------
 * The concentration bands of each guideline, written once: concentration_level
 * reads them, concentration_bands returns them (the report charts draw them).
 *   eu2004: HHI < 1000 low; 1000 <= HHI <= 2000 moderate; HHI > 2000 high
 *   us2010: < 1500 unconcentrated; 1500 <= HHI <= 2500 moderately
 *           concentrated; > 2500 highly concentrated
 *   us2023: <= 1800 not highly concentrated; > 1800 highly concentrated
 * ------------------------------------------------------------------------- */
typedef struct ConcentrationBand
{
	const char *guideline;
	const char *level;
	double		from;			/* HHI from ... */
	double		to;				/* ... to */
	bool		from_included;
	bool		to_included;
} ConcentrationBand;

static const ConcentrationBand ConcentrationBands[] = {
	{"eu2004", "low", 0, 1000, true, false},
	{"eu2004", "moderate", 1000, 2000, true, true},
	{"eu2004", "high", 2000, 10000, false, true},
	{"us2010", "unconcentrated", 0, 1500, true, false},
	{"us2010", "moderately concentrated", 1500, 2500, true, true},
	{"us2010", "highly concentrated", 2500, 10000, false, true},
	{"us2023", "not highly concentrated", 0, 1800, true, true},
	{"us2023", "highly concentrated", 1800, 10000, false, true},
};
#define N_CONCENTRATION_BANDS lengthof(ConcentrationBands)

/* the guideline's bands: *first and their number (an unknown guideline is an error) */
static int
GuidelineBands(const char *g, int *first)
{
	int			n = 0;

	for (int i = 0; i < (int) N_CONCENTRATION_BANDS; i++)
		if (strcmp(ConcentrationBands[i].guideline, g) == 0)
		{
			if (n++ == 0)
				*first = i;
		}
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown concentration guideline \"%s\"", g),
				 errhint("Use eu2004, us2010 or us2023.")));
	return n;
}

/* concentration_level(hhi, guideline) */
PG_FUNCTION_INFO_V1(supply_mix_concentration_level);
Datum
supply_mix_concentration_level(PG_FUNCTION_ARGS)
{
	double		h = PG_GETARG_FLOAT8(0);
	char	   *g = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			first = 0,
				n;
	const ConcentrationBand *b;

	if (isnan(h) || h < 0 || h > 10000.0 * (1 + 1e-9))
	{
		char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(h, buf);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("hhi must be between 0 and 10000, got \"%s\"", buf)));
	}
	n = GuidelineBands(g, &first);
	/* the first band that reaches h; the last takes what rounding put above 10000 */
	b = &ConcentrationBands[first + n - 1];
	for (int i = first; i < first + n; i++)
		if (h < ConcentrationBands[i].to || (h == ConcentrationBands[i].to && ConcentrationBands[i].to_included))
		{
			b = &ConcentrationBands[i];
			break;
		}
	PG_RETURN_TEXT_P(cstring_to_text(b->level));
}

/* concentration_bands(guideline): the bands, lowest first */
PG_FUNCTION_INFO_V1(supply_mix_concentration_bands);
Datum
supply_mix_concentration_bands(PG_FUNCTION_ARGS)
{
	FuncCallContext *fc;
	int		   *range;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	desc;

		fc = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(fc->multi_call_memory_ctx);
		range = palloc(sizeof(int));
		fc->max_calls = GuidelineBands(text_to_cstring(PG_GETARG_TEXT_PP(0)), range);
		fc->user_fctx = range;
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "concentration_bands: the result type is not a row type");
		fc->tuple_desc = BlessTupleDesc(desc);
		MemoryContextSwitchTo(old);
	}
	fc = SRF_PERCALL_SETUP();
	range = (int *) fc->user_fctx;
	if (fc->call_cntr < fc->max_calls)
	{
		const ConcentrationBand *b = &ConcentrationBands[*range + fc->call_cntr];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int32GetDatum((int32) fc->call_cntr + 1);
		values[1] = CStringGetTextDatum(b->level);
		values[2] = Float8GetDatum(b->from);
		values[3] = Float8GetDatum(b->to);
		values[4] = BoolGetDatum(b->from_included);
		values[5] = BoolGetDatum(b->to_included);
		SRF_RETURN_NEXT(fc, HeapTupleGetDatum(heap_form_tuple(fc->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(fc);
}
