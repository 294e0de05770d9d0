/*
 * Internal API of the time stepper (lib/sim) for other modules of memnet.
 * Not installed; not part of the ABI.
 */
#ifndef MEMNET_SIM_PRIVATE_H
#define MEMNET_SIM_PRIVATE_H

#include <memnet/sim.h>
#include "core/core-private.h"

/* Value of a waveform at t: the right limit at a jump (left = 0) or the left limit (left = 1). */
double mn__waveform_eval(const mn_waveform *w, double t, int left);

#endif
