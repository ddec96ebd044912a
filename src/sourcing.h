/*
 * sourcing.h — the sourcing aggregate: how many entities a set of supply
 * rows covers, and how many of them rely on a single source.
 */
#ifndef SUPPLYRISK_SOURCING_H
#define SUPPLYRISK_SOURCING_H

#include "postgres.h"

/*
 * Open addressing (linear probing, power-of-two capacity, at most 3/4 full)
 * from entity id to its source id, or SOURCING_MANY once a second distinct
 * source was seen. 18 bytes a slot.
 */
typedef struct SourcingState
{
	MemoryContext cxt;			/* where the arrays live */
	int64		n;				/* entities */
	int64		cap;
	int64	   *entity;
	int64	   *source;
	bool	   *used;
	bool	   *many;
} SourcingState;

#endif
