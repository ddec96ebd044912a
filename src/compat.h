/*
 * compat.h — what differs between the PostgreSQL major versions supplyrisk
 * builds against (15 to 18), in one place, keyed on PG_VERSION_NUM. Included
 * by supplyrisk.h right after postgres.h.
 */
#ifndef SUPPLYRISK_COMPAT_H
#define SUPPLYRISK_COMPAT_H

#include "postgres.h"

/* 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY_EXHDR, ...) out of postgres.h */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 18 replaced the trailing pg_attribute_noreturn() by pg_noreturn, written
 * before the declaration; before 18 the attribute works in that place too.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* 18 records the library's name and version (pg_get_loaded_modules()) */
#if PG_VERSION_NUM >= 180000
#define SUPPLYRISK_MODULE_MAGIC PG_MODULE_MAGIC_EXT(.name = "supplyrisk", .version = SUPPLYRISK_VERSION)
#else
#define SUPPLYRISK_MODULE_MAGIC PG_MODULE_MAGIC
#endif

#endif
