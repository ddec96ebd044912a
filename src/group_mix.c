/*
 * group_mix.c — the two per-entity steps of entity_deep_exposure that ran as SQL joins
 * over every key of every entity's mixes (2.2M rows at 1M supply rows; 4.5 of the 8 s
 * the deep rows took in a full refresh):
 *
 *   supply_mix_by_group(mix)  a mix over suppliers regrouped over their supplier groups
 *                             (ultimate controllers, supplyrisk.supplier_group_map, read
 *                             once per query as the caller); keys of no known supplier
 *                             are dropped, as the join dropped them. Weights of one group
 *                             are added with compensation, in key order.
 *   hidden_reliance_top(deep, direct, k)
 *                             the k largest hidden reliances: per key of the deep mix, its
 *                             deep weight less its direct weight, kept when that is more
 *                             than 1e-12 of the direct total, largest first (ties: the
 *                             lower key), as a mix (in key order; its weights are the
 *                             hidden weights, so weight / total(direct) is the hidden share).
 */
#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "mix.h"
#include "mix_metrics.h"
#include "supplyrisk.h"

typedef struct GroupMap
{
	int			n;
	int64	   *supplier;		/* sorted */
	int64	   *group;			/* the group of supplier[i] */
} GroupMap;

static int
CmpPair(const void *a, const void *b)
{
	int64		x = ((const int64 *) a)[0],
				y = ((const int64 *) b)[0];

	return (x > y) - (x < y);
}

/* the supplier -> group map, loaded once per query into the function's memory */
static GroupMap *
GroupMapGet(FunctionCallInfo fcinfo)
{
	GroupMap   *gm = (GroupMap *) fcinfo->flinfo->fn_extra;
	MemoryContext old;
	int64	   *pairs;
	uint64		i;

	if (gm != NULL)
		return gm;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT supplier_id, group_id FROM supplyrisk.supplier_group_map", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading supplier_group_map failed");
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	gm = palloc0(sizeof(GroupMap));
	gm->n = (int) SPI_processed;
	pairs = palloc_extended(sizeof(int64) * 2 * (Size) Max(gm->n, 1), MCXT_ALLOC_HUGE);
	gm->supplier = palloc_extended(sizeof(int64) * (Size) Max(gm->n, 1), MCXT_ALLOC_HUGE);
	gm->group = palloc_extended(sizeof(int64) * (Size) Max(gm->n, 1), MCXT_ALLOC_HUGE);
	MemoryContextSwitchTo(old);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		n1, n2;

		CHECK_FOR_INTERRUPTS();
		pairs[2 * i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &n1));
		pairs[2 * i + 1] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &n2));
		if (n1 || n2)
			elog(ERROR, "supplier_group_map returned a NULL id");
	}
	qsort(pairs, gm->n, sizeof(int64) * 2, CmpPair);
	for (i = 0; i < (uint64) gm->n; i++)
	{
		gm->supplier[i] = pairs[2 * i];
		gm->group[i] = pairs[2 * i + 1];
	}
	pfree(pairs);
	SPI_finish();
	fcinfo->flinfo->fn_extra = gm;
	return gm;
}

static int
GroupOf(const GroupMap *gm, int64 supplier, int64 *group)
{
	int			lo = 0,
				hi = gm->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (gm->supplier[mid] == supplier)
		{
			*group = gm->group[mid];
			return 1;
		}
		if (gm->supplier[mid] < supplier)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* by group, then by the supplier's position in the mix (lo holds it): a fixed summation order */
static int
CmpGroupThenPosition(const void *a, const void *b)
{
	const MixEntry *x = a, *y = b;

	if (x->ikey != y->ikey)
		return (x->ikey > y->ikey) - (x->ikey < y->ikey);
	return (x->lo > y->lo) - (x->lo < y->lo);
}

PG_FUNCTION_INFO_V1(supply_mix_by_group);
Datum
supply_mix_by_group(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	GroupMap   *gm;
	MixEntry   *e;
	double	   *w;
	int64	   *keys;
	int			i, n = 0;

	if (m->kind == MIX_KIND_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("supply_mix_by_group needs a mix keyed by supplier id (bigint), got a text-keyed mix")));
	if (m->nkeys == 0)
		PG_RETURN_SUPPLY_MIX(m);
	gm = GroupMapGet(fcinfo);
	w = MixWeights(m);
	keys = MixInt8Keys(m);
	e = palloc_extended(sizeof(MixEntry) * (Size) m->nkeys, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < m->nkeys; i++)
	{
		int64		g;

		CHECK_FOR_INTERRUPTS();
		if (GroupOf(gm, keys[i], &g))
		{
			e[n].ikey = g;
			e[n++].weight = w[i];
		}
	}
	for (i = 0; i < n; i++)
		e[i].lo = (double) i;	/* the supplier's position: within a group, add in key order */
	qsort(e, n, sizeof(MixEntry), CmpGroupThenPosition);
	PG_RETURN_SUPPLY_MIX(MixBuild(MIX_KIND_INT8, e, (int) MixSumEqualInt8Keys(e, n), true));
}

typedef struct Hidden
{
	int64		key;
	double		w;
} Hidden;

static int
CmpHidden(const void *a, const void *b)
{
	const Hidden *x = a, *y = b;

	if (x->w != y->w)
		return (x->w < y->w) ? 1 : -1;	/* largest first */
	return (x->key > y->key) - (x->key < y->key);
}

PG_FUNCTION_INFO_V1(hidden_reliance_top);
Datum
hidden_reliance_top(PG_FUNCTION_ARGS)
{
	SupplyMix  *deep = PG_GETARG_SUPPLY_MIX(0);
	SupplyMix  *direct = PG_GETARG_SUPPLY_MIX(1);
	int32		k = PG_GETARG_INT32(2);
	double		total;
	Hidden	   *h;
	MixEntry   *e;
	int64	   *dk, *ck;
	double	   *dw, *cw;
	int			i, j = 0, n = 0;

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must not be negative, got %d", k)));
	if ((deep->nkeys > 0 && deep->kind != MIX_KIND_INT8) || (direct->nkeys > 0 && direct->kind != MIX_KIND_INT8))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hidden_reliance_top needs mixes keyed by supplier group id (bigint)")));
	total = WeightsTotal(MixWeights(direct), direct->nkeys);
	if (deep->nkeys == 0 || k == 0 || !(total > 0))
		PG_RETURN_SUPPLY_MIX(MixEmpty());
	dk = MixInt8Keys(deep);
	dw = MixWeights(deep);
	ck = direct->nkeys > 0 ? MixInt8Keys(direct) : NULL;
	cw = direct->nkeys > 0 ? MixWeights(direct) : NULL;
	h = palloc(sizeof(Hidden) * (Size) deep->nkeys);
	for (i = 0; i < deep->nkeys; i++)	/* both in key order: one merge */
	{
		double		hw = dw[i];

		CHECK_FOR_INTERRUPTS();
		while (j < direct->nkeys && ck[j] < dk[i])
			j++;
		if (j < direct->nkeys && ck[j] == dk[i])
			hw -= cw[j];
		if (hw / total > 1e-12)
		{
			h[n].key = dk[i];
			h[n++].w = hw;
		}
	}
	qsort(h, n, sizeof(Hidden), CmpHidden);
	n = Min(n, k);
	e = palloc0(sizeof(MixEntry) * (Size) Max(n, 1));
	for (i = 0; i < n; i++)
	{
		e[i].ikey = h[i].key;
		e[i].weight = h[i].w;
	}
	PG_RETURN_SUPPLY_MIX(MixBuild(MIX_KIND_INT8, e, n, false));
}
