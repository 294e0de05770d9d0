/**
 * @file analysis.h
 * @brief Analysis of recorded series: events, inter-event intervals, power-law fits, autocorrelation, avalanches.
 *
 * Threads: objects are used by one thread at a time (see core.h).
 */
#ifndef MEMNET_ANALYSIS_H
#define MEMNET_ANALYSIS_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

MN_END_DECLS

#endif /* MEMNET_ANALYSIS_H */
