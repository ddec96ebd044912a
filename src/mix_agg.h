/*
 * mix_agg.h — aggregate state of supply_mix_agg and hhi: a hash table from
 * key to a compensated sum of weights.
 */
#ifndef SUPPLYRISK_MIX_AGG_H
#define SUPPLYRISK_MIX_AGG_H

#include "postgres.h"
#include "mix.h"

/*
 * Open addressing with linear probing, power-of-two capacity, load at most
 * 3/4. Slot i is empty when hi[i] == 0 (weights are positive, so a used slot
 * never has a zero sum). Per slot: bigint key 8 + hi 8 + lo 8 bytes; text
 * keys add hash 4 + length 4 + pointer 8 and the key bytes in an arena.
 */
typedef struct MixState
{
	int			kind;			/* MIX_KIND_EMPTY until the first row */
	int64		nkeys;
	uint64		cap;
	MemoryContext cxt;			/* the arrays live here */
	bool		own_cxt;		/* cxt is our child of the aggregate context */
	double	   *hi;
	double	   *lo;
	int64	   *ikeys;			/* bigint keys */
	uint32	   *hashes;			/* text keys */
	int32	   *tlens;
	char	  **tkeys;
	char	   *arena;			/* text key bytes */
	Size		arena_left;
} MixState;

extern double *MixStateWeights(MixState *s, int64 *n);

#endif
