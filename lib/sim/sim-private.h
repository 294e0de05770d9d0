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

/* An observer of a simulation's outputs inside the library (lib/h5's recorder). Called with
 * the simulation at the output time: `sample` after the CSV row and before the sample callback,
 * `snapshot` (k = snapshot index) after the snapshot files and before the snapshot callback,
 * `event` after the event CSV line and before the event callback; a nonzero status stops the run
 * with it. `gone` is called by mn_sim_free() so the observer drops its pointer to the simulation.
 * Every member may be NULL. One observer per simulation. */
typedef struct mn__sim_observer {
    mn_status (*sample)(mn_sim *s, void *user);
    mn_status (*snapshot)(mn_sim *s, size_t k, void *user);
    mn_status (*event)(mn_sim *s, double t, mn_index edge, mn_sim_event_kind kind, void *user);
    void (*gone)(void *user);
    void *user;
} mn__sim_observer;
/* Attach (copied) or, with NULL, detach the observer. #MN_ERR_STATE (message) if another
 * observer is attached. */
mn_status mn__sim_set_observer(mn_sim *s, const mn__sim_observer *obs);
/* The simulation's context and network. */
mn_context *mn__sim_context(const mn_sim *s);
mn_network *mn__sim_network(const mn_sim *s);
/* Solver settings (for provenance): integrator, rtol, atol, fixed step, largest step. */
void mn__sim_solver_settings(const mn_sim *s, mn_sim_integrator *integrator, double *rtol,
                             double *atol, double *dt_fixed, double *hmax);
/* Whether energy tracking is on. */
int mn__sim_energy_tracking(const mn_sim *s);
/* The current source's injected current (A) and mean potential difference from - to (V) at the
 * present time; returns 0 (values untouched) without a current source. */
int mn__sim_current_source_values(const mn_sim *s, double *amps, double *volts);

#endif
