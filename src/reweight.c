/*
 * reweight.c — supply_mix_risk_sums(mix, supplier_ids, high_risk, risk_score,
 * unassessed): the risk-dependent sums of a rollup row from the supply weight
 * of each supplier in it, without the supply rows.
 *
 * refresh() keeps, per member-state and function rollup row, a supply_mix
 * keyed by supplier id (sector_rollup.supplier_mix). When only suppliers'
 * risk changed (an assessment, a designation, its end), the row's high-risk
 * weight, risk-weighted weight and unassessed weight are derived again from
 * that mix and the suppliers' stored scores (supplier_rollup) as evaluated
 * for the row's member state, passed here as arrays sorted by supplier id.
 * Cost: one binary search per supplier of the row. The sums are exact
 * (exact_sum.h), so the result depends on no order; it differs from the sum
 * over the supply rows only by the rounding of each supplier's weight in the
 * mix (relative 1e-15), and is 0 exactly when no supplier of the row counts.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "supplyrisk.h"
#include "mix.h"
#include "exact_sum.h"

/* a one-dimensional array argument without NULLs (NULLs allowed: nulls_ok), as Datums */
static int
RiskArray(ArrayType *arr, Oid elemtype, const char *name, bool nulls_ok, Datum **elems, bool **nulls)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n,
				i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("supply_mix_risk_sums: %s must be a one-dimensional array", name)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, elems, nulls, &n);
	if (!nulls_ok)
		for (i = 0; i < n; i++)
			if ((*nulls)[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("supply_mix_risk_sums: %s has a NULL at position %d", name, i + 1),
						 errdetail("Only risk_score may be NULL (a supplier without a score adds nothing to the risk-weighted weight).")));
	return n;
}

PG_FUNCTION_INFO_V1(supply_mix_risk_sums);
Datum
supply_mix_risk_sums(PG_FUNCTION_ARGS)
{
	SupplyMix  *m = PG_GETARG_SUPPLY_MIX(0);
	Datum	   *ids,
			   *hr,
			   *score,
			   *un;
	bool	   *idnull,
			   *hrnull,
			   *scorenull,
			   *unnull;
	int			n,
				i;
	int64	   *sorted;
	ExactSum   *hw = ExactSumNew(CurrentMemoryContext),
			   *rw = ExactSumNew(CurrentMemoryContext),
			   *uw = ExactSumNew(CurrentMemoryContext);
	Datum		out[3];

	n = RiskArray(PG_GETARG_ARRAYTYPE_P(1), INT8OID, "supplier_ids", false, &ids, &idnull);
	if (RiskArray(PG_GETARG_ARRAYTYPE_P(2), BOOLOID, "high_risk", false, &hr, &hrnull) != n ||
		RiskArray(PG_GETARG_ARRAYTYPE_P(3), FLOAT8OID, "risk_score", true, &score, &scorenull) != n ||
		RiskArray(PG_GETARG_ARRAYTYPE_P(4), BOOLOID, "unassessed", false, &un, &unnull) != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("supply_mix_risk_sums: supplier_ids, high_risk, risk_score and unassessed must have the same length %d", n)));
	sorted = palloc(sizeof(int64) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		sorted[i] = DatumGetInt64(ids[i]);
		if (i > 0 && sorted[i] <= sorted[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("supply_mix_risk_sums: supplier_ids must be strictly increasing, not \"" INT64_FORMAT "\" after \"" INT64_FORMAT "\"",
							sorted[i], sorted[i - 1])));
	}
	if (m->kind == MIX_KIND_TEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("supply_mix_risk_sums: the mix has text keys"),
				 errhint("Pass a mix keyed by supplier id (bigint keys).")));
	for (i = 0; i < m->nkeys; i++)
	{
		int64		key = MixInt8Keys(m)[i];
		double		w = MixWeights(m)[i];
		int			j = SearchInt64(sorted, n, key);

		CHECK_FOR_INTERRUPTS();
		if (j < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("supply_mix_risk_sums: supplier \"" INT64_FORMAT "\" of the mix is not among supplier_ids", key),
					 errdetail("Every supplier of the mix needs its risk.")));
		if (DatumGetBool(hr[j]))
			ExactSumAdd(hw, w);
		if (!scorenull[j])
			ExactSumAdd(rw, w * DatumGetFloat8(score[j]));
		if (DatumGetBool(un[j]))
			ExactSumAdd(uw, w);
	}
	out[0] = Float8GetDatum(ExactSumValue(hw));
	out[1] = Float8GetDatum(ExactSumValue(rw));
	out[2] = Float8GetDatum(ExactSumValue(uw));
	PG_RETURN_ARRAYTYPE_P(construct_array(out, 3, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
