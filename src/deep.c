/*
 * deep.c — deep_mix(mix, max_depth, function_code, min_share): a supplier mix
 * propagated through supplyrisk.supplier_dependency to every tier.
 *
 * Semantics. A dependency (s, t, share) says that `share` of s's delivery
 * relies on t. The reliance of an origin supplier s on a supplier t is
 *
 *   r(s, t) = min(1, sum over simple paths s -> ... -> t of at most max_depth
 *                     edges of the product of the shares along the path)
 *
 * Simple paths visit no supplier twice, so cycles never inflate reliance; two
 * routes to the same supplier (a diamond) add up, capped at 1. Paths whose
 * product falls below min_share are pruned (they, and every extension of
 * them, are dropped). With function_code given, dependencies recorded for
 * that function or for all functions (NULL) apply; without it, every
 * dependency applies. When several rows link the same pair, the largest share
 * counts.
 *
 * The deep weight of t is w_t + sum over s != t of w_s * r(s, t): the amount
 * of the entity's supply that relies on t at some tier (its own direct supply
 * counting fully). It never exceeds the mix total. The graph is loaded once
 * per query and member state (a member state that owns no edge shares the
 * EU-wide graph); the reliance of each origin is computed once and memoised.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "deep.h"
#include "mix.h"
#include "supplyrisk.h"

#define DEEP_MAX_DEPTH		32
/* edge visits allowed for one origin before giving up (54000) */
#define DEEP_WORK_LIMIT		(50 * 1000 * 1000)
/* memoised reliance entries kept per query; beyond, reliance is recomputed */
#define DEEP_MEMO_LIMIT		(5 * 1000 * 1000)

static inline int
FindNode(const DepGraph *g, int64 id)
{
	return SearchInt64(g->ids, g->n, id);
}

static int
CmpInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return (x > y) - (x < y);
}

typedef struct Edge
{
	int64		s;
	int64		t;
	double		share;
} Edge;

static int
CmpEdge(const void *a, const void *b)
{
	const Edge *x = a,
			   *y = b;

	if (x->s != y->s)
		return (x->s > y->s) - (x->s < y->s);
	return (x->t > y->t) - (x->t < y->t);
}

/*
 * Load the dependencies with a plain scan (batches of a cursor), then sort
 * and deduplicate in C (the largest share of a pair counts) and build CSR.
 */
static DepGraph *
DepGraphLoad(const char *function, const char *member_state, int max_depth, double min_share, MemoryContext mcxt)
{
	DepGraph   *g;
	MemoryContext old;
	Portal		portal;
	Edge	   *edges;
	int64		nedges = 0,
				cap = 1024,
				i,
				k;
	int64	   *all;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	char		nulls[2];

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = function ? CStringGetTextDatum(function) : (Datum) 0;
	args[1] = member_state ? CStringGetTextDatum(member_state) : (Datum) 0;
	nulls[0] = function ? ' ' : 'n';
	nulls[1] = member_state ? ' ' : 'n';
	portal = SPI_cursor_open_with_args(NULL,
									   "SELECT supplier_id, depends_on_supplier_id, share FROM supplyrisk.supplier_dependency "
									   "WHERE ($1 IS NULL OR function_code IS NULL OR function_code OPERATOR(pg_catalog.=) $1) "
									   "AND (member_state IS NULL OR member_state OPERATOR(pg_catalog.=) $2)",
									   2, argtypes, args, nulls, true, 0);
	old = MemoryContextSwitchTo(mcxt);
	edges = palloc_extended(sizeof(Edge) * cap, MCXT_ALLOC_HUGE);
	MemoryContextSwitchTo(old);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, 50000);
		if (SPI_processed == 0)
			break;
		if (nedges + (int64) SPI_processed > cap)
		{
			while (nedges + (int64) SPI_processed > cap)
				cap *= 2;
			if (cap > INT_MAX / 2)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("deep_mix handles at most %d dependencies", INT_MAX / 2)));
			edges = repalloc_huge(edges, sizeof(Edge) * cap);
		}
		for (i = 0; i < (int64) SPI_processed; i++)
		{
			HeapTuple	t = SPI_tuptable->vals[i];
			TupleDesc	d = SPI_tuptable->tupdesc;
			bool		isnull;

			CHECK_FOR_INTERRUPTS();
			edges[nedges].s = DatumGetInt64(SPI_getbinval(t, d, 1, &isnull));
			edges[nedges].t = DatumGetInt64(SPI_getbinval(t, d, 2, &isnull));
			edges[nedges].share = DatumGetFloat8(SPI_getbinval(t, d, 3, &isnull));
			nedges++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_finish();

	/* sort by (source, target); a pair recorded several times keeps its largest share */
	qsort(edges, nedges, sizeof(Edge), CmpEdge);
	for (i = 0, k = 0; i < nedges; i++)
	{
		if (k > 0 && edges[k - 1].s == edges[i].s && edges[k - 1].t == edges[i].t)
			edges[k - 1].share = Max(edges[k - 1].share, edges[i].share);
		else
			edges[k++] = edges[i];
	}
	nedges = k;

	old = MemoryContextSwitchTo(mcxt);
	g = palloc0(sizeof(DepGraph));
	g->function = function ? pstrdup(function) : NULL;
	g->member_state = member_state ? pstrdup(member_state) : NULL;
	g->max_depth = max_depth;
	g->min_share = min_share;
	/* nodes: every supplier at either end */
	all = palloc_extended(sizeof(int64) * Max(2 * nedges, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < nedges; i++)
	{
		all[2 * i] = edges[i].s;
		all[2 * i + 1] = edges[i].t;
	}
	qsort(all, 2 * nedges, sizeof(int64), CmpInt64);
	for (i = 0, k = 0; i < 2 * nedges; i++)
		if (k == 0 || all[k - 1] != all[i])
			all[k++] = all[i];
	g->n = (int) k;
	g->ids = all;
	g->off = palloc0(sizeof(int) * (g->n + 1));
	g->dst = palloc_extended(sizeof(int) * Max(nedges, 1), MCXT_ALLOC_HUGE);
	g->share = palloc_extended(sizeof(double) * Max(nedges, 1), MCXT_ALLOC_HUGE);
	for (i = 0, k = -1; i < nedges; i++)
	{
		if (i == 0 || edges[i].s != edges[i - 1].s)
			k = FindNode(g, edges[i].s);
		g->dst[i] = FindNode(g, edges[i].t);
		g->share[i] = edges[i].share;
		g->off[k + 1]++;
	}
	for (i = 0; i < g->n; i++)
		g->off[i + 1] += g->off[i];
	pfree(edges);
	g->memo = palloc0(sizeof(Reliance *) * Max(g->n, 1));
	g->acc = palloc0(sizeof(double) * Max(g->n, 1));
	g->onpath = palloc0(sizeof(bool) * Max(g->n, 1));
	g->touched = palloc(sizeof(int) * Max(g->n, 1));
	MemoryContextSwitchTo(old);
	return g;
}

static inline bool
SameKey(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* whether member_state owns any dependency (of the function) */
static bool
MemberStateOwnsEdges(const char *function, const char *member_state)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	char		nulls[2];
	bool		owns;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = function ? CStringGetTextDatum(function) : (Datum) 0;
	args[1] = CStringGetTextDatum(member_state);
	nulls[0] = function ? ' ' : 'n';
	nulls[1] = ' ';
	if (SPI_execute_with_args("SELECT 1 FROM supplyrisk.supplier_dependency "
							  "WHERE member_state OPERATOR(pg_catalog.=) $2 "
							  "AND ($1 IS NULL OR function_code IS NULL OR function_code OPERATOR(pg_catalog.=) $1) LIMIT 1",
							  2, argtypes, args, nulls, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed");
	owns = SPI_processed > 0;
	SPI_finish();
	return owns;
}

static DepGraph *
DepGraphGet(FunctionCallInfo fcinfo, const char *function, const char *member_state, int max_depth, double min_share)
{
	DepGraph   *g;

	for (g = (DepGraph *) fcinfo->flinfo->fn_extra; g != NULL; g = g->next)
		if (g->max_depth == max_depth && g->min_share == min_share &&
			SameKey(g->function, function) && SameKey(g->member_state, member_state))
			return g->alias ? g->alias : g;
	if (member_state && !MemberStateOwnsEdges(function, member_state))
	{
		/* the EU-wide graph, shared: one copy, however many member states ask */
		DepGraph   *eu = DepGraphGet(fcinfo, function, NULL, max_depth, min_share);

		g = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DepGraph));
		g->function = eu->function;
		g->member_state = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, member_state);
		g->max_depth = max_depth;
		g->min_share = min_share;
		g->alias = eu;
	}
	else
		g = DepGraphLoad(function, member_state, max_depth, min_share, fcinfo->flinfo->fn_mcxt);
	g->next = (DepGraph *) fcinfo->flinfo->fn_extra;
	fcinfo->flinfo->fn_extra = g;
	return g->alias ? g->alias : g;
}

typedef struct Walk
{
	DepGraph   *g;
	int			ntouched;
	int64		work;
	int64		origin_id;
} Walk;

/* depth-first over simple paths from the node u, carrying the path product */
static void
WalkFrom(Walk *w, int u, double mass, int depth)
{
	DepGraph   *g = w->g;
	int			e;

	check_stack_depth();
	for (e = g->off[u]; e < g->off[u + 1]; e++)
	{
		int			t = g->dst[e];
		double		x = mass * g->share[e];

		CHECK_FOR_INTERRUPTS();
		if (g->onpath[t] || x < g->min_share)
			continue;
		if (++w->work > DEEP_WORK_LIMIT)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("deep_mix: the dependency graph below supplier " INT64_FORMAT " has too many paths", w->origin_id),
					 errhint("Raise min_share or lower max_depth.")));
		if (g->acc[t] == 0)
			g->touched[w->ntouched++] = t;
		g->acc[t] += x;
		if (depth + 1 < g->max_depth)
		{
			g->onpath[t] = true;
			WalkFrom(w, t, x, depth + 1);
			g->onpath[t] = false;
		}
	}
}

static Reliance *
ComputeReliance(DepGraph *g, int origin, MemoryContext mcxt)
{
	Walk		w;
	Reliance   *r;
	int			i;

	w.g = g;
	w.ntouched = 0;
	w.work = 0;
	w.origin_id = g->ids[origin];
	g->onpath[origin] = true;
	PG_TRY();
	{
		WalkFrom(&w, origin, 1.0, 0);
	}
	PG_FINALLY();
	{
		g->onpath[origin] = false;
	}
	PG_END_TRY();

	r = MemoryContextAlloc(mcxt, sizeof(Reliance));
	r->n = w.ntouched;
	r->node = MemoryContextAlloc(mcxt, sizeof(int) * Max(r->n, 1));
	r->r = MemoryContextAlloc(mcxt, sizeof(double) * Max(r->n, 1));
	for (i = 0; i < w.ntouched; i++)
	{
		int			t = g->touched[i];

		r->node[i] = t;
		r->r[i] = Min(g->acc[t], 1.0);
		g->acc[t] = 0;
	}
	return r;
}

static int
CmpEntryKey(const void *a, const void *b)
{
	return MixCompareEntries(MIX_KIND_INT8, a, b);
}

PG_FUNCTION_INFO_V1(supply_mix_deep);
Datum
supply_mix_deep(PG_FUNCTION_ARGS)
{
	SupplyMix  *m;
	int32		max_depth;
	char	   *function = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	double		min_share = PG_GETARG_FLOAT8(3);
	char	   *member_state = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	DepGraph   *g;
	MixEntry   *e;
	int64		n = 0,
				cap,
				i,
				k;
	double	   *w;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	m = PG_GETARG_SUPPLY_MIX(0);
	max_depth = PG_GETARG_INT32(1);
	if (max_depth < 1 || max_depth > DEEP_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_depth must be between 1 and %d, got %d", DEEP_MAX_DEPTH, max_depth)));
	if (!(min_share > 0 && min_share <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_share must be in (0, 1], got %g", min_share)));
	if (m->kind == MIX_KIND_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deep_mix needs a mix keyed by supplier id (bigint), got a text-keyed mix")));
	if (m->nkeys == 0)
		PG_RETURN_SUPPLY_MIX(m);

	g = DepGraphGet(fcinfo, function, member_state, max_depth, min_share);
	w = MixWeights(m);
	cap = m->nkeys * 4 + 16;
	e = palloc_extended(sizeof(MixEntry) * cap, MCXT_ALLOC_HUGE);
	for (i = 0; i < m->nkeys; i++)
	{
		int64		s = MixInt8Keys(m)[i];
		int			node = FindNode(g, s);
		Reliance   *r = NULL;
		int			j;

		if (n + 1 > cap)
		{
			cap *= 2;
			e = repalloc_huge(e, sizeof(MixEntry) * cap);
		}
		e[n].ikey = s;
		e[n++].weight = w[i];
		if (node < 0)
			continue;
		r = g->memo[node];
		if (r == NULL)
		{
			bool		keep = g->memo_entries < DEEP_MEMO_LIMIT;

			r = ComputeReliance(g, node, keep ? fcinfo->flinfo->fn_mcxt : CurrentMemoryContext);
			if (keep)
			{
				g->memo[node] = r;
				g->memo_entries += r->n;
			}
		}
		if (n + r->n > cap)
		{
			cap = (n + r->n) * 2;
			e = repalloc_huge(e, sizeof(MixEntry) * cap);
		}
		for (j = 0; j < r->n; j++)
		{
			e[n].ikey = g->ids[r->node[j]];
			e[n++].weight = w[i] * r->r[j];
		}
	}
	/* sort by key and add up the weights of each key */
	qsort(e, n, sizeof(MixEntry), CmpEntryKey);
	k = MixSumEqualInt8Keys(e, n);	/* (products may underflow to 0: left out) */
	PG_RETURN_SUPPLY_MIX(MixBuild(MIX_KIND_INT8, e, (int) k, true));
}
