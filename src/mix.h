/*
 * mix.h — the supply_mix type: a distribution of positive weight over keys.
 *
 * On-disk / in-memory layout (varlena, 8-byte aligned, all padding zero):
 *
 *   int32  vl_len_
 *   uint8  version     MIX_VERSION (1)
 *   uint8  kind        MIX_KIND_EMPTY, MIX_KIND_INT8 or MIX_KIND_TEXT
 *   uint16 flags       reserved, 0
 *   int32  nkeys       0 exactly when kind is MIX_KIND_EMPTY
 *   uint32 reserved    0 (pads the header to 16 bytes)
 *   bigint keys:  int64 keys[nkeys]; float8 weights[nkeys]
 *   text keys:    float8 weights[nkeys]; uint32 offsets[nkeys + 1]; char bytes[]
 *
 * Keys are strictly increasing: bigint keys numerically, text keys bytewise
 * (memcmp, shorter first on a common prefix), so the layout is canonical and
 * two equal mixes are equal byte for byte. Weights are positive and finite.
 * Text keys are valid in the server encoding and contain no NUL.
 */
#ifndef SUPPLYRISK_MIX_H
#define SUPPLYRISK_MIX_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

#define MIX_VERSION		1
#define MIX_KIND_EMPTY	0
#define MIX_KIND_INT8	1
#define MIX_KIND_TEXT	2

typedef struct SupplyMix
{
	int32		vl_len_;
	uint8		version;
	uint8		kind;
	uint16		flags;
	int32		nkeys;
	uint32		reserved;
} SupplyMix;

#define MIX_HDRSZ			((Size) sizeof(SupplyMix))
/* keeps every mix below MaxAllocSize whatever its kind */
#define MIX_MAX_KEYS		(50 * 1000 * 1000)

static inline double *
MixWeights(SupplyMix *m)
{
	if (m->kind == MIX_KIND_INT8)
		return (double *) ((char *) m + MIX_HDRSZ + sizeof(int64) * m->nkeys);
	return (double *) ((char *) m + MIX_HDRSZ);
}

static inline int64 *
MixInt8Keys(SupplyMix *m)
{
	return (int64 *) ((char *) m + MIX_HDRSZ);
}

static inline uint32 *
MixOffsets(SupplyMix *m)
{
	return (uint32 *) ((char *) m + MIX_HDRSZ + sizeof(double) * m->nkeys);
}

static inline char *
MixTextBytes(SupplyMix *m)
{
	return (char *) (MixOffsets(m) + m->nkeys + 1);
}

static inline const char *
MixTextKey(SupplyMix *m, int i, int *len)
{
	uint32	   *off = MixOffsets(m);

	*len = (int) (off[i + 1] - off[i]);
	return MixTextBytes(m) + off[i];
}

/* a key and its weight, as collected by builders */
typedef struct MixEntry
{
	int64		ikey;			/* bigint key */
	const char *tkey;			/* text key (not NUL-terminated) */
	int			tlen;
	double		weight;
	double		lo;				/* compensation term (aggregate states only) */
} MixEntry;

extern SupplyMix *MixFromDatum(Datum d);
extern SupplyMix *MixBuild(int kind, MixEntry *entries, int n, bool sorted);
extern SupplyMix *MixEmpty(void);
extern SupplyMix *MixMerge(SupplyMix *a, SupplyMix *b);
extern int	MixCompareEntries(int kind, const MixEntry *a, const MixEntry *b);
extern void MixSortEntries(int kind, MixEntry *entries, int n);
extern int64 MixSumEqualInt8Keys(MixEntry *e, int64 n);
extern void MixCheckWeight(double w, const char *what);
extern void MixCheckKeyCount(int64 n);
extern void MixCheckSameKind(SupplyMix *a, SupplyMix *b);
extern const char *MixKindName(int kind);
extern void MixSendEntries(StringInfo buf, SupplyMix *m, bool with_compensation);

#define PG_GETARG_SUPPLY_MIX(n)	MixFromDatum(PG_GETARG_DATUM(n))
#define PG_RETURN_SUPPLY_MIX(m)	PG_RETURN_POINTER(m)

#endif
