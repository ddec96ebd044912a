/*
 * constraint.c — check constraints whose errors say what to fix.
 *
 * A plain CHECK constraint fails with "new row for relation ... violates check
 * constraint ...": it neither names the value nor the values allowed. The
 * constraints a loader can hit are written instead as
 *
 *   CONSTRAINT c CHECK (supplyrisk.constraint_check(<condition>, <value>,
 *                        'c', '<column>', '<rule, as a sentence>'))
 *
 * constraint_check returns its condition (so NULL passes, as in any CHECK), and
 * when the condition is false raises 23514 (check_violation) itself, naming the
 * column, the value and the rule, with the constraint's name in the error's
 * constraint field. The value is only converted to text on failure: the cost
 * per row is one function call.
 */
#include "supplyrisk.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(supplyrisk_constraint_check);
Datum
supplyrisk_constraint_check(PG_FUNCTION_ARGS)
{
	char	   *value = "NULL";
	char	   *constraint;
	char	   *column;
	char	   *rule;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_GETARG_BOOL(0))
		PG_RETURN_BOOL(true);

	if (!PG_ARGISNULL(1))
	{
		Oid			typ = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			out;
		bool		varlena;

		if (!OidIsValid(typ))
			elog(ERROR, "constraint_check: cannot determine the type of the value");
		getTypeOutputInfo(typ, &out, &varlena);
		value = OidOutputFunctionCall(out, PG_GETARG_DATUM(1));
	}
	constraint = PG_ARGISNULL(2) ? "?" : text_to_cstring(PG_GETARG_TEXT_PP(2));
	column = PG_ARGISNULL(3) ? "value" : text_to_cstring(PG_GETARG_TEXT_PP(3));
	rule = PG_ARGISNULL(4) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(4));

	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s \"%s\" is not allowed", column, value),
			 errdetail("%s", rule),
			 errhint("Correct the row (check constraint \"%s\").", constraint),
			 err_generic_string(PG_DIAG_CONSTRAINT_NAME, constraint)));
	PG_RETURN_NULL();			/* not reached */
}
