/**
 * @file sim.h
 * @brief Time stepper: CVODE-driven simulation of whole networks, waveforms, events, recording, checkpoints.
 *
 * Threads: objects are used by one thread at a time (see core.h).
 */
#ifndef MEMNET_SIM_H
#define MEMNET_SIM_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

MN_END_DECLS

#endif /* MEMNET_SIM_H */
