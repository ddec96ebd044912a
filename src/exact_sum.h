/*
 * exact_sum.h — the exact (correctly rounded) float8 sum of exact_sum.c, for
 * other C code that sums weights (reweight.c).
 */
#ifndef SUPPLYRISK_EXACT_SUM_H
#define SUPPLYRISK_EXACT_SUM_H

#include "postgres.h"

#define EXACT_SUM_INLINE_PARTIALS 16

typedef struct ExactSum
{
	int64		count;			/* non-NULL inputs */
	int			n;				/* partials in use */
	int			cap;			/* room in p */
	bool		any_special;	/* an infinite or NaN input was seen */
	double		special;		/* their IEEE sum */
	double	   *p;				/* the partials, increasing magnitude: inl or,
								 * once grown, a chunk of the state's context */
	double		inl[EXACT_SUM_INLINE_PARTIALS];
} ExactSum;

/* a new empty sum allocated in cxt (its partials grow there) */
extern ExactSum *ExactSumNew(MemoryContext cxt);
/* add one value (infinite and NaN values are summed apart) */
extern void ExactSumAdd(ExactSum *s, double x);
/* the sum, correctly rounded */
extern double ExactSumValue(const ExactSum *s);

#endif
