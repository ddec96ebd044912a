/*
 * risk.c — supplier risk scoring in C.
 *
 * The aggregate risk_profile_agg(methodology, factor_code, score, assessed_on,
 * recorded_at, assessment_id) runs over the assessments of one supplier that
 * are valid at a date. It keeps, per factor, the latest one (by assessed_on,
 * then recorded_at, then assessment_id), so no sort of the assessment history
 * is needed, and returns the profile:
 *
 *   dimension score = 100 * (sum w_f (s_f/4)^p / sum w_f)^(1/p)
 *   risk_score      = 100 * (sum W_d (D_d/100)^p / sum W_d)^(1/p)
 *
 * a weighted power mean over the factors of a dimension, then over the two
 * dimensions. A factor without a valid assessment counts at the methodology's
 * unknown_score and does not count towards coverage, the share of the
 * effective factor weight (W_d / sum W * w_f / sum_d w) actually assessed.
 * top_factors lists the assessed factors with the largest contribution
 * W_d/sum W * w_f/sum_d w * (s_f/4)^p, at most top_factor_count of them;
 * above_hrv_threshold tells whether the non-technical score reaches the
 * methodology's HRV threshold.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "risk.h"
#include "supplyrisk.h"

/* ---------------------------------------------------------------------------
 * Methodology configuration, loaded once per query and methodology
 * ------------------------------------------------------------------------- */
typedef struct RiskConfigCache
{
	RiskConfig *cfg;
	struct RiskConfigCache *next;
} RiskConfigCache;

static RiskConfig *
RiskConfigLoad(const char *name, MemoryContext mcxt)
{
	RiskConfig *cfg;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	MemoryContext old;
	int			i;
	bool		isnull;

	args[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT power_mean_p, technical_weight, non_technical_weight, unknown_score, "
							  "band_medium, band_high, band_critical, top_factor_count, hrv_threshold, "
	/* a 0.1.0 schema has no min_coverage: then nothing is unassessed, as in 0.1.0 */
							  "COALESCE((pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'min_coverage')::pg_catalog.float8, 0) "
							  "FROM supplyrisk.methodology m WHERE m.name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "cannot read supplyrisk.methodology");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown methodology \"%s\"", name),
				 errhint("See supplyrisk.methodology for the methodologies defined; the shipped one is \"default\".")));

	old = MemoryContextSwitchTo(mcxt);
	cfg = palloc0(sizeof(RiskConfig));
	cfg->name = pstrdup(name);
	cfg->p = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	cfg->dim_weight[0] = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	cfg->dim_weight[1] = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	cfg->unknown_score = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
	cfg->band_medium = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5, &isnull));
	cfg->band_high = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6, &isnull));
	cfg->band_critical = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7, &isnull));
	cfg->top_k = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 8, &isnull));
	cfg->hrv_threshold = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 9, &isnull));
	cfg->min_coverage = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 10, &isnull));
	MemoryContextSwitchTo(old);

	if (SPI_execute_with_args("SELECT f.code, f.dimension OPERATOR(pg_catalog.=) 'technical', "
							  "COALESCE(w.weight, 0::float8) "
							  "FROM supplyrisk.risk_factor f LEFT JOIN supplyrisk.methodology_weight w "
							  "ON w.factor_code OPERATOR(pg_catalog.=) f.code AND w.methodology OPERATOR(pg_catalog.=) $1 "
							  "ORDER BY f.code COLLATE \"C\"",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cannot read supplyrisk.risk_factor");
	if (SPI_processed > RISK_MAX_FACTORS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("supplyrisk scores at most %d risk factors, the catalogue has %llu",
						RISK_MAX_FACTORS, (unsigned long long) SPI_processed)));
	old = MemoryContextSwitchTo(mcxt);
	cfg->nfactors = (int) SPI_processed;
	cfg->codes = palloc0(sizeof(char *) * Max(cfg->nfactors, 1));
	cfg->dim = palloc0(sizeof(int) * Max(cfg->nfactors, 1));
	cfg->weight = palloc0(sizeof(double) * Max(cfg->nfactors, 1));
	for (i = 0; i < cfg->nfactors; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;

		cfg->codes[i] = TextDatumGetCString(SPI_getbinval(t, d, 1, &isnull));
		cfg->dim[i] = DatumGetBool(SPI_getbinval(t, d, 2, &isnull)) ? 0 : 1;
		cfg->weight[i] = DatumGetFloat8(SPI_getbinval(t, d, 3, &isnull));
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	{
		double		sum[2] = {0, 0};
		static const char *const dimname[2] = {"technical", "non-technical"};
		int			d;

		for (i = 0; i < cfg->nfactors; i++)
			sum[cfg->dim[i]] += cfg->weight[i];
		for (d = 0; d < 2; d++)
			if (cfg->dim_weight[d] > 0 && !(sum[d] > 0))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("methodology \"%s\" gives the %s dimension weight %g but no %s factor any weight",
								name, dimname[d], cfg->dim_weight[d], dimname[d]),
						 errhint("Add rows to supplyrisk.methodology_weight, or set the dimension weight to 0.")));
	}
	return cfg;
}

/* the configuration of a methodology, cached in the calling function's fn_extra */
static RiskConfig *
RiskConfigGet(FunctionCallInfo fcinfo, const char *name)
{
	RiskConfigCache *c;

	for (c = (RiskConfigCache *) fcinfo->flinfo->fn_extra; c != NULL; c = c->next)
		if (strcmp(c->cfg->name, name) == 0)
			return c->cfg;
	c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(RiskConfigCache));
	c->cfg = RiskConfigLoad(name, fcinfo->flinfo->fn_mcxt);
	c->next = (RiskConfigCache *) fcinfo->flinfo->fn_extra;
	fcinfo->flinfo->fn_extra = c;
	return c->cfg;
}

static int
RiskFactorIndex(const RiskConfig *cfg, const char *code, int len)
{
	int			lo = 0,
				hi = cfg->nfactors - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strncmp(cfg->codes[mid], code, len);

		if (c == 0 && cfg->codes[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* ---------------------------------------------------------------------------
 * The computation
 * ------------------------------------------------------------------------- */
typedef struct Contribution
{
	double		c;
	int			f;
	const char *code;
} Contribution;

static int
CmpContribution(const void *a, const void *b)
{
	const Contribution *x = a,
			   *y = b;

	if (x->c != y->c)
		return x->c > y->c ? -1 : 1;
	return strcmp(x->code, y->code);
}

void
RiskCompute(const RiskConfig *cfg, const RiskFactorSlot *slots, RiskResult *r)
{
	double		num[2] = {0, 0},
				den[2] = {0, 0},
				wsum = 0,
				rnum = 0,
				covered = 0,
				total = 0;
	double		p = cfg->p;
	int			f,
				d,
				n = 0;
	Contribution *contrib;

	for (f = 0; f < cfg->nfactors; f++)
	{
		double		w = cfg->weight[f];
		double		s = slots[f].present ? slots[f].score : cfg->unknown_score;

		if (w <= 0)
			continue;
		num[cfg->dim[f]] += w * pow(s / 4.0, p);
		den[cfg->dim[f]] += w;
	}
	for (d = 0; d < 2; d++)
	{
		r->dim_null[d] = !(den[d] > 0);
		r->dim_score[d] = r->dim_null[d] ? 0 : 100.0 * pow(num[d] / den[d], 1.0 / p);
		if (!r->dim_null[d] && cfg->dim_weight[d] > 0)
		{
			wsum += cfg->dim_weight[d];
			rnum += cfg->dim_weight[d] * pow(r->dim_score[d] / 100.0, p);
		}
	}
	r->risk_null = !(wsum > 0);
	r->risk_score = r->risk_null ? 0 : 100.0 * pow(rnum / wsum, 1.0 / p);
	/* keep scores within 0..100 despite rounding in pow() */
	for (d = 0; d < 2; d++)
		r->dim_score[d] = Min(Max(r->dim_score[d], 0.0), 100.0);
	r->risk_score = Min(Max(r->risk_score, 0.0), 100.0);

	if (r->risk_null)
		r->level = NULL;
	else if (r->risk_score < cfg->band_medium)
		r->level = "low";
	else if (r->risk_score < cfg->band_high)
		r->level = "medium";
	else if (r->risk_score < cfg->band_critical)
		r->level = "high";
	else
		r->level = "critical";

	/* coverage and contributions with the effective weight of each factor */
	contrib = palloc(sizeof(Contribution) * Max(cfg->nfactors, 1));
	for (f = 0; f < cfg->nfactors; f++)
	{
		double		ew;

		d = cfg->dim[f];
		if (cfg->weight[f] <= 0 || r->risk_null || r->dim_null[d] || cfg->dim_weight[d] <= 0)
			continue;
		ew = cfg->dim_weight[d] / wsum * cfg->weight[f] / den[d];
		total += ew;
		if (!slots[f].present)
			continue;
		covered += ew;
		if (slots[f].score > 0)
		{
			contrib[n].c = ew * pow(slots[f].score / 4.0, p);
			contrib[n].f = f;
			contrib[n].code = cfg->codes[f];
			n++;
		}
	}
	r->coverage = total > 0 ? Min(covered / total, 1.0) : 0;
	/* too little is known: unknown is not the same as high risk (the score is still shown) */
	if (r->level != NULL && r->coverage < cfg->min_coverage - 1e-12)
		r->level = "unassessed";
	qsort(contrib, n, sizeof(Contribution), CmpContribution);
	r->ntop = Min(n, cfg->top_k);
	r->top = palloc(sizeof(int) * Max(r->ntop, 1));
	for (f = 0; f < r->ntop; f++)
		r->top[f] = contrib[f].f;
	pfree(contrib);
}

/* ---------------------------------------------------------------------------
 * The aggregate
 * ------------------------------------------------------------------------- */
#define RISK_NAME_LEN 64		/* methodology names are at most 63 bytes */
#define RISK_SERIAL_VERSION 1

typedef struct RiskState
{
	char		methodology[RISK_NAME_LEN];
	int			nfactors;
	RiskFactorSlot slots[FLEXIBLE_ARRAY_MEMBER];
} RiskState;

static RiskState *
RiskStateCreate(MemoryContext aggcxt, const char *name, int nfactors)
{
	RiskState  *s = MemoryContextAllocZero(aggcxt, offsetof(RiskState, slots) + sizeof(RiskFactorSlot) * nfactors);

	strlcpy(s->methodology, name, RISK_NAME_LEN);
	s->nfactors = nfactors;
	return s;
}

/* is (b) a later assessment than (a)? */
static inline bool
RiskLater(const RiskFactorSlot *a, const RiskFactorSlot *b)
{
	if (!a->present)
		return true;
	if (b->assessed_on != a->assessed_on)
		return b->assessed_on > a->assessed_on;
	if (b->recorded_at != a->recorded_at)
		return b->recorded_at > a->recorded_at;
	return b->assessment_id > a->assessment_id;
}

PG_FUNCTION_INFO_V1(risk_profile_trans);
Datum
risk_profile_trans(PG_FUNCTION_ARGS)
{
	RiskState  *s = PG_ARGISNULL(0) ? NULL : (RiskState *) PG_GETARG_POINTER(0);
	RiskFactorSlot cand;
	text	   *code;
	int			f;

	if (s == NULL)
	{
		char	   *name;
		RiskConfig *cfg;

		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("methodology must not be NULL")));
		name = text_to_cstring(PG_GETARG_TEXT_PP(1));
		cfg = RiskConfigGet(fcinfo, name);
		s = RiskStateCreate(AggContextOrError(fcinfo, "risk_profile_trans"), name, cfg->nfactors);
	}
	/* a supplier without assessments still gets a (fully unknown) profile */
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_POINTER(s);

	code = PG_GETARG_TEXT_PP(2);
	f = RiskFactorIndex(RiskConfigGet(fcinfo, s->methodology), VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code));
	if (f < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown risk factor \"%s\"", text_to_cstring(code))));
	cand.score = PG_GETARG_FLOAT8(3);
	if (!(cand.score >= 0 && cand.score <= 4))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("risk factor score must be between 0 and 4, got %g", cand.score)));
	cand.assessed_on = PG_GETARG_DATEADT(4);
	cand.recorded_at = PG_ARGISNULL(5) ? DT_NOBEGIN : PG_GETARG_TIMESTAMPTZ(5);
	cand.assessment_id = PG_ARGISNULL(6) ? PG_INT64_MIN : PG_GETARG_INT64(6);
	cand.present = true;
	if (RiskLater(&s->slots[f], &cand))
		s->slots[f] = cand;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(risk_profile_combine);
Datum
risk_profile_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContextOrError(fcinfo, "risk_profile_combine");
	RiskState  *a = PG_ARGISNULL(0) ? NULL : (RiskState *) PG_GETARG_POINTER(0);
	RiskState  *b = PG_ARGISNULL(1) ? NULL : (RiskState *) PG_GETARG_POINTER(1);
	int			f;

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
	{
		a = RiskStateCreate(aggcxt, b->methodology, b->nfactors);
		memcpy(a->slots, b->slots, sizeof(RiskFactorSlot) * b->nfactors);
		PG_RETURN_POINTER(a);
	}
	if (strcmp(a->methodology, b->methodology) != 0 || a->nfactors != b->nfactors)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine risk profiles of methodologies \"%s\" and \"%s\"",
						a->methodology, b->methodology)));
	for (f = 0; f < a->nfactors; f++)
		if (b->slots[f].present && RiskLater(&a->slots[f], &b->slots[f]))
			a->slots[f] = b->slots[f];
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(risk_profile_serialize);
Datum
risk_profile_serialize(PG_FUNCTION_ARGS)
{
	RiskState  *s = (RiskState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			f;

	AggContextOrError(fcinfo, "risk_profile_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RISK_SERIAL_VERSION);
	pq_sendstring(&buf, s->methodology);
	pq_sendint32(&buf, s->nfactors);
	for (f = 0; f < s->nfactors; f++)
	{
		pq_sendbyte(&buf, s->slots[f].present ? 1 : 0);
		if (!s->slots[f].present)
			continue;
		pq_sendfloat8(&buf, s->slots[f].score);
		pq_sendint32(&buf, s->slots[f].assessed_on);
		pq_sendint64(&buf, s->slots[f].recorded_at);
		pq_sendint64(&buf, s->slots[f].assessment_id);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(risk_profile_deserialize);
Datum
risk_profile_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = AggContextOrError(fcinfo, "risk_profile_deserialize");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	const char *name;
	int			n,
				f;
	RiskState  *s;

	BufFromBytea(&buf, b);
	if (buf.len < 1 || pq_getmsgbyte(&buf) != RISK_SERIAL_VERSION)
		SerialStateError("risk_profile", "unsupported version");
	if (memchr(buf.data + buf.cursor, '\0', buf.len - buf.cursor) == NULL)
		SerialStateError("risk_profile", "truncated methodology name");
	name = pq_getmsgstring(&buf);
	if (strlen(name) >= RISK_NAME_LEN)
		SerialStateError("risk_profile", "methodology name too long");
	if (buf.len - buf.cursor < 4)
		SerialStateError("risk_profile", "truncated");
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || n > RISK_MAX_FACTORS)
		SerialStateError("risk_profile", "bad factor count");
	s = RiskStateCreate(aggcxt, name, n);
	for (f = 0; f < n; f++)
	{
		int			present;

		if (buf.len - buf.cursor < 1)
			SerialStateError("risk_profile", "truncated");
		present = pq_getmsgbyte(&buf);
		if (present == 0)
			continue;
		if (present != 1 || buf.len - buf.cursor < 28)
			SerialStateError("risk_profile", "bad factor slot");
		s->slots[f].present = true;
		s->slots[f].score = pq_getmsgfloat8(&buf);
		if (!(s->slots[f].score >= 0 && s->slots[f].score <= 4))
			SerialStateError("risk_profile", "score out of range");
		s->slots[f].assessed_on = pq_getmsgint(&buf, 4);
		s->slots[f].recorded_at = pq_getmsgint64(&buf);
		s->slots[f].assessment_id = pq_getmsgint64(&buf);
	}
	if (buf.cursor != buf.len)
		SerialStateError("risk_profile", "trailing bytes");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(risk_profile_final);
Datum
risk_profile_final(PG_FUNCTION_ARGS)
{
	RiskState  *s = PG_ARGISNULL(0) ? NULL : (RiskState *) PG_GETARG_POINTER(0);
	RiskConfig *cfg;
	RiskResult	r;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	Datum	   *top;
	int			i;

	if (s == NULL)
		PG_RETURN_NULL();
	cfg = RiskConfigGet(fcinfo, s->methodology);
	if (cfg->nfactors != s->nfactors)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the risk factor catalogue changed while scoring")));
	RiskCompute(cfg, s->slots, &r);

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "risk_profile_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Float8GetDatum(r.dim_score[0]);
	nulls[0] = r.dim_null[0];
	values[1] = Float8GetDatum(r.dim_score[1]);
	nulls[1] = r.dim_null[1];
	values[2] = Float8GetDatum(r.risk_score);
	nulls[2] = r.risk_null;
	if (r.level)
		values[3] = CStringGetTextDatum(r.level);
	else
		nulls[3] = true;
	values[4] = Float8GetDatum(r.coverage);
	top = palloc(sizeof(Datum) * Max(r.ntop, 1));
	for (i = 0; i < r.ntop; i++)
		top[i] = CStringGetTextDatum(cfg->codes[r.top[i]]);
	values[5] = PointerGetDatum(construct_array(top, r.ntop, TEXTOID, -1, false, TYPALIGN_INT));
	values[6] = BoolGetDatum(!r.dim_null[1] && r.dim_score[1] >= cfg->hrv_threshold);
	nulls[6] = r.dim_null[1];
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
