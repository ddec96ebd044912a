/*
 * mix_agg.h — aggregate state of supply_mix_agg and hhi: a hash table from
 * key to a compensated sum of weights.
 */
#ifndef SUPPLYRISK_MIX_AGG_H
#define SUPPLYRISK_MIX_AGG_H

#include "postgres.h"
#include "mix.h"

/*
 * Open addressing with linear probing over arrays of any capacity (the hash
 * is mapped onto [0, cap) by a multiply-shift), grown by a quarter when more
 * than 4/5 full, so always between 64% and 80% full. Slot i is empty when
 * hi[i] == 0 (weights are positive, so a used slot never has a zero sum).
 * Per slot: bigint key 8 + sum 8 + compensation 4 = 20 bytes, i.e. 25 to
 * 31.25 bytes per distinct key. Text keys: hash 4 + length 4 + pointer 8 +
 * sum 8 + compensation 4 = 28 bytes a slot, plus the key bytes in an arena.
 */
typedef struct MixState
{
	int			kind;			/* MIX_KIND_EMPTY until the first row */
	int64		nkeys;
	uint64		cap;
	MemoryContext cxt;			/* the arrays live here */
	bool		own_cxt;		/* cxt is our child of the aggregate context */
	double	   *hi;				/* sums; 0 = empty slot */
	float	   *lo;				/* compensation terms */
	int64	   *ikeys;			/* bigint keys */
	uint32	   *hashes;			/* text keys */
	int32	   *tlens;
	char	  **tkeys;
	char	   *arena;			/* text key bytes */
	Size		arena_left;
} MixState;


#endif
