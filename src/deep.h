/*
 * deep.h — tier-n propagation of a supply mix through supplier_dependency.
 */
#ifndef SUPPLYRISK_DEEP_H
#define SUPPLYRISK_DEEP_H

#include "postgres.h"

/* reliance of one origin supplier on the suppliers below it */
typedef struct Reliance
{
	int			n;
	int		   *node;			/* graph node indexes */
	double	   *r;				/* reliance in (0, 1] */
} Reliance;

/* the dependency graph in CSR form, loaded once per query and parameters */
typedef struct DepGraph
{
	char	   *function;		/* NULL: every dependency */
	char	   *member_state;	/* NULL: EU-wide edges only; X: EU-wide and X's */
	struct DepGraph *alias;		/* a member state owning no edges: the EU-wide graph */
	int			max_depth;
	double		min_share;
	int			n;				/* nodes */
	int64	   *ids;			/* sorted supplier ids */
	int		   *off;			/* n + 1 offsets into dst/share */
	int		   *dst;
	double	   *share;
	Reliance  **memo;			/* per origin node; NULL until computed */
	int64		memo_entries;
	double	   *acc;			/* scratch, n */
	bool	   *onpath;			/* scratch, n */
	int		   *touched;		/* scratch, n */
	struct DepGraph *next;
} DepGraph;

#endif
