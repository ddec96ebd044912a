/*
 * supplyrisk.h — shared declarations of the supplyrisk extension.
 */
#ifndef SUPPLYRISK_H
#define SUPPLYRISK_H

#include "postgres.h"

#include "compat.h"

#ifndef SUPPLYRISK_VERSION
#error "SUPPLYRISK_VERSION comes from EXTVERSION in the Makefile"
#endif

#include "fmgr.h"
#include "lib/stringinfo.h"

/* supplyrisk.methodology: the methodology the views score with */
extern char *supplyrisk_methodology;

/* murmur3 finalizer: a well-mixed 64-bit hash of a bigint key */
static inline uint64
HashInt64(int64 k)
{
	uint64		h = (uint64) k;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/*
 * A secret of this process, drawn from pg_strong_random on first use: the seed
 * of every hash table the aggregates build (and of text-key hashes), so that
 * nobody can choose keys that collide in them (hash flooding).
 */
extern uint64 HashSecret(void);

/* the aggregate's memory context; elog if not called as an aggregate */
extern MemoryContext AggContextOrError(FunctionCallInfo fcinfo, const char *fn);
/* a read-only StringInfo over a bytea's bytes (for deserialize functions) */
extern void BufFromBytea(StringInfo buf, bytea *b);
/* 22P03 for a serialized aggregate state that does not check out */
pg_noreturn extern void SerialStateError(const char *state, const char *msg);
/* index of key in a sorted array, or -1 */
extern int	SearchInt64(const int64 *a, int n, int64 key);

#endif
