/*
 * risk.h — supplier risk scoring: methodology configuration and the
 * risk_profile aggregate.
 */
#ifndef SUPPLYRISK_RISK_H
#define SUPPLYRISK_RISK_H

#include "postgres.h"

#define RISK_MAX_FACTORS 256

/* one methodology, as loaded from supplyrisk.methodology(_weight) */
typedef struct RiskConfig
{
	char	   *name;
	double		p;				/* power-mean exponent */
	double		dim_weight[2];	/* [0] technical, [1] non-technical */
	double		unknown_score;
	double		band_medium,
				band_high,
				band_critical;
	int			top_k;
	double		hrv_threshold;
	double		min_coverage;	/* below it the level is "unassessed" */
	int			nfactors;		/* sorted by code */
	char	  **codes;
	int		   *dim;			/* 0 technical, 1 non-technical */
	double	   *weight;
} RiskConfig;

/* latest valid assessment of one factor */
typedef struct RiskFactorSlot
{
	double		score;
	int32		assessed_on;	/* DateADT */
	bool		present;
	int64		recorded_at;	/* TimestampTz */
	int64		assessment_id;
} RiskFactorSlot;

typedef struct RiskResult
{
	double		dim_score[2];
	bool		dim_null[2];
	double		risk_score;
	bool		risk_null;
	double		coverage;
	const char *level;
	int			ntop;
	int		   *top;			/* factor indexes */
} RiskResult;

extern void RiskCompute(const RiskConfig *cfg, const RiskFactorSlot *slots, RiskResult *r);

#endif
