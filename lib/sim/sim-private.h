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

typedef struct mn_sim mn_sim;
/* The right-hand side f(t, x) as the integrators see it (x and f: the integrated values, i.e.
 * the states plus the two energies with energy tracking), with the right limit of the sources. */
mn_status mn__sim_rhs(mn_sim *s, double t, const double *x, double *f);
/* The analytic Jacobian-vector product J(t, x) v used by CVODE (same layout). */
mn_status mn__sim_jtimes(mn_sim *s, double t, const double *x, const double *v, double *Jv);
/* Number of integrated values (states + 2 with energy tracking). */
size_t mn__sim_value_count(const mn_sim *s);
/* Give the SUNDIALS serial vector nv (an N_Vector) memnet's kernels for its operations (what
 * CVODE's vectors use); clones made afterwards inherit them. */
void mn__sim_vector_kernels(void *nv);

#endif
