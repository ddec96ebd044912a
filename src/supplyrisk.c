/*
 * supplyrisk.c — module entry: magic block, settings, version.
 */
#include "supplyrisk.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

char	   *supplyrisk_methodology = NULL;

void		_PG_init(void);

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
	MarkGUCPrefixReserved("supplyrisk");
}

PG_FUNCTION_INFO_V1(supplyrisk_version);
Datum
supplyrisk_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(SUPPLYRISK_VERSION));
}
