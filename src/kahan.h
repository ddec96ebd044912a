/*
 * kahan.h — compensated (Neumaier) summation.
 *
 * A KahanSum carries a running sum and the rounding error lost so far; the
 * value is hi + lo. Adding n positive terms this way has a relative error of
 * about 2 ulp independent of n and of the order of the terms, which is what
 * lets serial, parallel and merged aggregates agree.
 */
#ifndef SUPPLYRISK_KAHAN_H
#define SUPPLYRISK_KAHAN_H

#include <math.h>

typedef struct KahanSum
{
	double		hi;
	double		lo;
} KahanSum;

static inline void
KahanAdd(double *hi, double *lo, double x)
{
	double		t = *hi + x;

	if (fabs(*hi) >= fabs(x))
		*lo += (*hi - t) + x;
	else
		*lo += (x - t) + *hi;
	*hi = t;
}

static inline void
KahanSumAdd(KahanSum *s, double x)
{
	KahanAdd(&s->hi, &s->lo, x);
}

/* add another compensated sum (both parts) */
static inline void
KahanSumMerge(KahanSum *s, double hi, double lo)
{
	KahanAdd(&s->hi, &s->lo, hi);
	s->lo += lo;
}

static inline double
KahanValue(double hi, double lo)
{
	return hi + lo;
}

#endif
