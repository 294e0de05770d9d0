/*
 * A user-defined memristor model for memnet: a threshold memristor with a linear window.
 * Not built into the library: it is written against the public API only (memnet/memnet.h).
 */
#ifndef THRESHOLD_MODEL_H
#define THRESHOLD_MODEL_H

#include <memnet/memnet.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The "threshold" model. State x in [0, 1]; G = Goff + (Gon - Goff) x;
 *   dx/dt = k (u - Vth) (1 - x)   for u >  Vth   (SET towards x = 1)
 *   dx/dt = k (u + Vth) x         for u < -Vth   (RESET towards x = 0)
 *   dx/dt = 0                     otherwise,
 * with u = V (bipolar) or |V| (unipolar = 1). Linear in x, so the state after dt at constant
 * V is exact: x(dt) = 1 - (1 - x) exp(-k (u - Vth) dt) for u > Vth and
 * x(dt) = x exp(k (u + Vth) dt) for u < -Vth.
 */
const mn_model_ops *threshold_model_ops(void);

#ifdef __cplusplus
}
#endif

#endif
