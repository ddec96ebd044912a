/*
 * mix_metrics.h — concentration metrics over an array of positive weights.
 */
#ifndef SUPPLYRISK_MIX_METRICS_H
#define SUPPLYRISK_MIX_METRICS_H

#include "postgres.h"

/* compensated sum of the weights */
extern double WeightsTotal(const double *w, int64 n);
/* HHI on the 0..10000 scale with shares w/base */
extern double WeightsHhi(const double *w, int64 n, double base);

#endif
