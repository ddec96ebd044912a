/*
 * supplyrisk.h — shared declarations of the supplyrisk extension.
 */
#ifndef SUPPLYRISK_H
#define SUPPLYRISK_H

#include "postgres.h"

#define SUPPLYRISK_VERSION "0.1.0"

/* supplyrisk.methodology: the methodology the views score with */
extern char *supplyrisk_methodology;

#endif
