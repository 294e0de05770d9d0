/*
 * Internal API of the time stepper (lib/sim) for other modules of memnet.
 * Not installed; not part of the ABI.
 */
#ifndef MEMNET_SIM_PRIVATE_H
#define MEMNET_SIM_PRIVATE_H

#include <memnet/sim.h>
#include "core/core-private.h"

#include <stdint.h>
#include <stdio.h>

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
/* Give the SUNDIALS serial vector nv (an N_Vector whose content is memnet's, mn__nv_content in
 * lib/sim/sim-cvode.h) memnet's kernels for its operations (what CVODE's vectors use); clones
 * made afterwards inherit them. */
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
/* Newton's linear solver in CVODE runs: MN__SIM_NEWTON_BLOCKS the per-junction blocks of the
 * preconditioner alone, a modified Newton iteration without Jacobian-vector products;
 * MN__SIM_NEWTON_GMRES SPGMR preconditioned by the same blocks, with exact Jacobian-vector
 * products (one sensitivity solve each); MN__SIM_NEWTON_AUTO (the default) the blocks, SPGMR
 * for a network with event functions (the filament model: its events' timing followed the
 * Newton iterates, docs/simulation.md "The Newton iteration"). Takes effect at the next step
 * (the integrator is made anew). */
enum { MN__SIM_NEWTON_AUTO = 0, MN__SIM_NEWTON_BLOCKS = 1, MN__SIM_NEWTON_GMRES = 2 };
void mn__sim_set_newton(mn_sim *s, int mode);
/* The Newton mode in use, MN__SIM_NEWTON_* (the value of mn_sim_set_newton's enum). */
int mn__sim_newton(const mn_sim *s);
/* The name of a Newton mode ("auto", "blocks", "krylov"; "unknown" for another value), as the
 * command line's --newton, the CSV header's newton= and the HDF5 attribute "newton" spell it. */
const char *mn__sim_newton_name(int mode);
/* Whether energy tracking is on. */
int mn__sim_energy_tracking(const mn_sim *s);
/* The current source's injected current (A) and mean potential difference from - to (V) at the
 * present time; returns 0 (values untouched) without a current source. */
int mn__sim_current_source_values(const mn_sim *s, double *amps, double *volts);

/* Shared by mn_sim and mn_mpi_sim (lib/sim/sim_samplegrid.c): check a sample grid t_first +
 * k dt (#MN_ERR_RANGE with a message for a non-finite start, dt <= 0 or a present time t more
 * than 2^53 intervals on) and give in *k the index of its first sample at or after t. */
mn_status mn__sample_grid_start(mn_context *ctx, double t, double t_first, double dt,
                                uint64_t *k);

/* The event log shared by mn_sim and mn_mpi_sim (lib/sim/sim_eventlog.c). Records live in a
 * ring of the newest `keep`, of the caller's type (`size` bytes); n counts the events of the
 * run, those before `first` happened before a checkpoint restore and are not in the ring. */
/* Room for event number n: grows *ring (capacity *cap records) on demand, *pos = its slot.
 * #MN_ERR_NOMEM with a message. */
mn_status mn__event_ring_reserve(mn_context *ctx, void **ring, size_t *cap, size_t size,
                                 size_t keep, uint64_t n, uint64_t first, size_t *pos);
/* *pos = the slot of event i; #MN_ERR_RANGE with a message if the ring does not hold it. */
mn_status mn__event_ring_find(mn_context *ctx, size_t keep, uint64_t n, uint64_t first, size_t i,
                              size_t *pos);
/* One line "t,edge,kind" of an event CSV in the C locale; #MN_ERR_IO if the write failed. */
mn_status mn__event_csv_write(mn_context *ctx, FILE *f, double t, int64_t edge, int kind);
/* Close *f (if open; *f = NULL), reporting an earlier write error or a failed close. */
mn_status mn__event_csv_close(mn_context *ctx, FILE **f);
/* Open path for writing with the header line. */
mn_status mn__event_csv_open(mn_context *ctx, FILE **f, const char *path);

#endif
