/*
 * bom_walk.c — bom_cdx_walk(doc jsonb): every component and service of a
 * CycloneDX document, nested ones at any depth, in one pass (issue 27.7).
 *
 * The walk reads the document's binary containers in place: a nested array or
 * object is reached as a pointer into the document (jbvBinary), never copied.
 * Each component is returned with its own keys only: its nested `components`
 * and `services` arrays are left out, each of their elements being a row of
 * its own. So the work and the output are linear in the document's size and
 * the length of the paths, however deep the nesting: a chain of 1,000 nested
 * components copies each component once, where extracting each one with its
 * subtree (what a recursive CTE over jsonb does) copies a chain's tail again
 * at every level.
 *
 * Rows: path ("components[3].components[0]", "services[1]"), kind ("component"
 * or "service", by the array it stands in), component (the element: an object
 * without its nested arrays; an element that is not an object as it is, so
 * that the caller can refuse it by its path). The document's top-level
 * `components` and `services` arrays start the walk; a `components` or
 * `services` key whose value is not an array is not walked.
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "supplyrisk.h"

typedef struct WalkOut
{
	ReturnSetInfo *rsinfo;
	StringInfoData path;
} WalkOut;

static const char *const ChildKeys[2] = {"components", "services"};

static void WalkArray(WalkOut *out, JsonbContainer *array, const char *key);

/* a JsonbValue's container, when it is a nested array or object */
static inline JsonbContainer *
BinaryOf(JsonbValue *v)
{
	return v->type == jbvBinary ? v->val.binary.data : NULL;
}

/* the component (an object container) without its nested arrays, as a jsonb */
static Jsonb *
StripChildren(JsonbContainer *obj)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbParseState *state = NULL;
	JsonbValue	v;
	JsonbValue *res = NULL;
	JsonbIteratorToken tok;
	bool		skip = false;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY)
		{
			skip = (v.val.string.len == 10 && memcmp(v.val.string.val, "components", 10) == 0) ||
				(v.val.string.len == 8 && memcmp(v.val.string.val, "services", 8) == 0);
			if (skip)
				continue;
		}
		else if (tok == WJB_VALUE && skip)
		{
			skip = false;
			continue;
		}
		res = pushJsonbValue(&state, tok, tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	return JsonbValueToJsonb(res);
}

/* one element of a components/services array at out->path */
static void
WalkElement(WalkOut *out, JsonbValue *elem, const char *kind)
{
	JsonbContainer *c = BinaryOf(elem);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			k;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	values[0] = CStringGetTextDatum(out->path.data);
	values[1] = CStringGetTextDatum(kind);
	if (c != NULL && JsonContainerIsObject(c))
		values[2] = JsonbPGetDatum(StripChildren(c));
	else
		values[2] = JsonbPGetDatum(JsonbValueToJsonb(elem));
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);

	if (c == NULL || !JsonContainerIsObject(c))
		return;
	for (k = 0; k < 2; k++)
	{
		JsonbValue	vbuf;
		JsonbValue *child = getKeyJsonValueFromContainer(c, ChildKeys[k], strlen(ChildKeys[k]), &vbuf);
		JsonbContainer *arr = child ? BinaryOf(child) : NULL;

		if (arr != NULL && JsonContainerIsArray(arr) && !JsonContainerIsScalar(arr))
			WalkArray(out, arr, ChildKeys[k]);
	}
}

/* every element of an array found under key, at out->path (restored on return) */
static void
WalkArray(WalkOut *out, JsonbContainer *array, const char *key)
{
	int			base = out->path.len;
	uint32		n = JsonContainerSize(array),
				i;
	const char *kind = strcmp(key, "services") == 0 ? "service" : "component";

	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(array, i);

		out->path.len = base;
		out->path.data[base] = '\0';
		appendStringInfo(&out->path, "%s%s[%u]", base > 0 ? "." : "", key, i);
		WalkElement(out, elem, kind);
		pfree(elem);
	}
	out->path.len = base;
	out->path.data[base] = '\0';
}

PG_FUNCTION_INFO_V1(bom_cdx_walk);
Datum
bom_cdx_walk(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_GETARG_JSONB_P(0);
	WalkOut		out;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	out.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	initStringInfo(&out.path);
	if (!JB_ROOT_IS_OBJECT(doc))
		return (Datum) 0;
	for (k = 0; k < 2; k++)
	{
		JsonbValue	vbuf;
		JsonbValue *top = getKeyJsonValueFromContainer(&doc->root, ChildKeys[k], strlen(ChildKeys[k]), &vbuf);
		JsonbContainer *arr = top ? BinaryOf(top) : NULL;

		if (arr != NULL && JsonContainerIsArray(arr) && !JsonContainerIsScalar(arr))
			WalkArray(&out, arr, ChildKeys[k]);
	}
	return (Datum) 0;
}
