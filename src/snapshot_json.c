/*
 * snapshot_json.c — metrics_delta(jsonb, jsonb): the metrics column of trend and
 * function_trend. Every key of two snapshots' metrics objects as
 * {"from": .., "to": .., "delta": ..}: from and to are the two values (JSON null
 * where an object has no such key), delta is to - from in float8 when both are
 * numbers, else null. The result is byte for byte what the SQL definition
 *
 *   SELECT jsonb_object_agg(k, jsonb_build_object('from', $1 -> k, 'to', $2 -> k,
 *          'delta', CASE WHEN both numbers THEN ($2 ->> k)::float8 - ($1 ->> k)::float8 END))
 *   FROM jsonb_object_keys($1 || $2) k
 *
 * gives (the numbers go through float8 as there: text in, shortest exact text out;
 * NULL for two empty objects),
 * at a tenth of its cost: a trend compares some hundreds of rows of some thirty
 * keys on every dashboard read.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "supplyrisk.h"

PG_FUNCTION_INFO_V1(metrics_delta);

/* the float8 a JSON number reads as, through its text (as "->> ::float8" reads it) */
static double
JsonbNumberToFloat8(JsonbValue *v)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));

	return DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(s)));
}

/* a float8 as jsonb_build_object stores it: its shortest exact text as a number, or a string (NaN, Infinity) */
static void
Float8ToJsonbValue(double d, JsonbValue *out)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(d)));

	if (isnan(d) || isinf(d))
	{
		out->type = jbvString;
		out->val.string.val = s;
		out->val.string.len = strlen(s);
	}
	else
	{
		out->type = jbvNumeric;
		out->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
															   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	}
}

static void
PushKeyString(JsonbParseState **st, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &k);
}

/* the value of key in an object, or NULL */
static JsonbValue *
ObjectValue(Jsonb *j, JsonbValue *key, JsonbValue *buf)
{
	return getKeyJsonValueFromContainer(&j->root, key->val.string.val, key->val.string.len, buf);
}

/* one key: {"from": a, "to": b, "delta": b - a} */
static void
PushKeyDelta(JsonbParseState **st, Jsonb *a, Jsonb *b, JsonbValue *key)
{
	JsonbValue	abuf, bbuf, nullv, delta;
	JsonbValue *av = ObjectValue(a, key, &abuf);
	JsonbValue *bv = ObjectValue(b, key, &bbuf);

	nullv.type = jbvNull;
	pushJsonbValue(st, WJB_KEY, key);
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushKeyString(st, "from");
	pushJsonbValue(st, WJB_VALUE, av ? av : &nullv);
	PushKeyString(st, "to");
	pushJsonbValue(st, WJB_VALUE, bv ? bv : &nullv);
	PushKeyString(st, "delta");
	if (av && bv && av->type == jbvNumeric && bv->type == jbvNumeric)
	{
		Float8ToJsonbValue(JsonbNumberToFloat8(bv) - JsonbNumberToFloat8(av), &delta);
		pushJsonbValue(st, WJB_VALUE, &delta);
	}
	else
		pushJsonbValue(st, WJB_VALUE, &nullv);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

Datum
metrics_delta(PG_FUNCTION_ARGS)
{
	Jsonb	   *a = PG_GETARG_JSONB_P(0);
	Jsonb	   *b = PG_GETARG_JSONB_P(1);
	JsonbParseState *st = NULL;
	JsonbValue *res;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	JsonbValue	buf;
	int			pass;

	if (!JB_ROOT_IS_OBJECT(a) || !JB_ROOT_IS_OBJECT(b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("metrics_delta needs two JSON objects, not a JSON %s and a JSON %s",
						JB_ROOT_IS_OBJECT(a) ? "object" : JB_ROOT_IS_SCALAR(a) ? "scalar" : "array",
						JB_ROOT_IS_OBJECT(b) ? "object" : JB_ROOT_IS_SCALAR(b) ? "scalar" : "array"),
				 errhint("Pass the metrics of two snapshot rows (metric_snapshot.metrics, function_snapshot.metrics).")));

	if (JB_ROOT_COUNT(a) == 0 && JB_ROOT_COUNT(b) == 0)
		PG_RETURN_NULL();		/* no key: NULL, as jsonb_object_agg over no row */
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	/* the keys of a, then those of b that a does not have */
	for (pass = 0; pass < 2; pass++)
	{
		it = JsonbIteratorInit(pass == 0 ? &a->root : &b->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			CHECK_FOR_INTERRUPTS();
			if (tok != WJB_KEY)
				continue;
			if (pass == 1 && ObjectValue(a, &v, &buf) != NULL)
				continue;
			PushKeyDelta(&st, a, b, &v);
		}
	}
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}
