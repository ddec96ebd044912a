/*
 * supplyrisk.c — module entry: magic block, settings, version.
 */
#include "supplyrisk.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

SUPPLYRISK_MODULE_MAGIC;

char	   *supplyrisk_methodology = NULL;
static bool supplyrisk_maintenance = false;
static int	supplyrisk_min_cell_size = 3;

void		_PG_init(void);

uint64
HashSecret(void)
{
	static uint64 secret;
	static bool drawn = false;

	if (!drawn)
	{
		if (!pg_strong_random(&secret, sizeof(secret)))
			elog(ERROR, "could not draw the hash secret from pg_strong_random");
		drawn = true;
	}
	return secret;
}

void
_PG_init(void)
{
	DefineCustomStringVariable("supplyrisk.methodology",
							   "Methodology the supplyrisk views score suppliers with.",
							   "Name of a row of supplyrisk.methodology; default is the shipped one.",
							   &supplyrisk_methodology,
							   "default",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	/*
	 * The switch that lets an upgrade script change shipped reference rows
	 * (protect_shipped): superuser-only. A value a non-superuser set as a
	 * placeholder before the library was loaded is discarded when it is.
	 */
	DefineCustomBoolVariable("supplyrisk.maintenance",
							 "Lets extension scripts change the shipped reference rows.",
							 "Set by upgrade scripts; superusers only.",
							 &supplyrisk_maintenance,
							 false,
							 PGC_SUSET,
							 GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);
	/*
	 * Statistical disclosure control: counts over member states a role may not
	 * see are shown only from this many units up. Superuser-only, so a scoped
	 * role cannot lower it for itself.
	 */
	DefineCustomIntVariable("supplyrisk.min_cell_size",
							"Smallest count shown to a scoped role in figures over other member states' rows.",
							"Cells counting 1 to min_cell_size - 1 member states or entities are NULL (measure_progress, review_report).",
							&supplyrisk_min_cell_size,
							3, 1, 1000,
							PGC_SUSET,
							0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("supplyrisk");
}

/* min_cell_size(): supplyrisk.min_cell_size, the library loaded first */
PG_FUNCTION_INFO_V1(supplyrisk_min_cell_size_fn);
Datum
supplyrisk_min_cell_size_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(supplyrisk_min_cell_size);
}

/* maintenance_mode(): supplyrisk.maintenance, read after the library (and the setting) is loaded */
PG_FUNCTION_INFO_V1(supplyrisk_maintenance_mode);
Datum
supplyrisk_maintenance_mode(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(supplyrisk_maintenance);
}

PG_FUNCTION_INFO_V1(supplyrisk_version);
Datum
supplyrisk_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(SUPPLYRISK_VERSION));
}

MemoryContext
AggContextOrError(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggcxt;
}

void
BufFromBytea(StringInfo buf, bytea *b)
{
	buf->data = VARDATA_ANY(b);
	buf->len = VARSIZE_ANY_EXHDR(b);
	buf->maxlen = buf->len;
	buf->cursor = 0;
}

void
SerialStateError(const char *state, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized %s state: %s", state, msg)));
}

int
SearchInt64(const int64 *a, int n, int64 key)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (a[mid] == key)
			return mid;
		if (a[mid] < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}
