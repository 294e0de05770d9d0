/**
 * @file sim.h
 * @brief Time stepper: waveforms, and the simulation of a whole network under applied
 *        voltages or currents (CVODE BDF/Adams with an analytic Jacobian-vector product, or
 *        fixed-step explicit Euler / exact-exponential steps), filament events, recording to
 *        callbacks and CSV, checkpoint and restart. See docs/simulation.md.
 *
 * One pass per right-hand-side evaluation: states -> conductances (batched model calls) ->
 * Kirchhoff solve -> edge voltages and currents -> state derivatives (batched model calls).
 *
 * Threads: a waveform or a simulation is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_SIM_H
#define MEMNET_SIM_H

#include <memnet/graph.h>
#include <memnet/kirchhoff.h>
#include <memnet/models.h>

MN_BEGIN_DECLS

/* ============================================================================ waveforms */

/**
 * @brief A scalar function of time (a voltage in V or a current in A), with the list of its
 *        breakpoints (times where it or its slope jumps), so an integrator can stop exactly
 *        on pulse edges. Opaque; immutable once made.
 *
 * At a jump the value is the right limit (the new level): a pulse of width w starting at t0
 * is high on [t0, t0 + w). Simulations integrate each stretch between breakpoints with the
 * limits from inside the stretch, so pulse edges are exact.
 */
typedef struct mn_waveform mn_waveform;

/** @brief User waveform: value at time t (s). Must be finite. */
typedef double (*mn_waveform_fn)(double t, void *user_data);

/** @brief Constant value. @return #MN_OK, #MN_ERR_RANGE (not finite), #MN_ERR_NOMEM. */
MN_API mn_status mn_waveform_new_dc(mn_waveform **out, mn_context *ctx, double value);

/**
 * @brief Square pulse train: `low` until `delay`, then `count` pulses (0: for ever) of value
 *        `high` lasting `width`, one every `period`, `low` between and after them.
 *
 * Pulse k (0-based) is high on [delay + k period, delay + k period + width); its edges are
 * breakpoints. O(1) memory and O(1) per value.
 * @param[out] out the waveform (free with mn_waveform_free()); NULL on failure.
 * @param[in] ctx context for errors and memory.
 * @param[in] high value during a pulse (V or A), finite.
 * @param[in] low value before, between and after the pulses (V or A), finite.
 * @param[in] width pulse length (s), > 0.
 * @param[in] period time from the start of one pulse to the next (s), >= width.
 * @param[in] count number of pulses, >= 0 (0: an endless train).
 * @param[in] delay start of the first pulse (s), finite.
 * @return #MN_OK, #MN_ERR_RANGE naming the bad value, #MN_ERR_INVALID (ctx NULL),
 *         #MN_ERR_NOMEM.
 */
MN_API mn_status mn_waveform_new_pulse(mn_waveform **out, mn_context *ctx, double high,
                                       double low, double width, double period, int64_t count,
                                       double delay);

/**
 * @brief Triangle wave: `low` until `delay`, then `count` periods (0: for ever), each rising
 *        linearly from `low` to `high` in `rise` seconds and falling back in period - rise
 *        (a sawtooth with rise = period; a symmetric triangle with rise = period/2), `low` after.
 * @return #MN_OK, #MN_ERR_RANGE (period <= 0, rise outside (0, period], non-finite value).
 */
MN_API mn_status mn_waveform_new_triangle(mn_waveform **out, mn_context *ctx, double low,
                                          double high, double period, double rise, int64_t count,
                                          double delay);

/**
 * @brief Ramp: v0 until t0, linear to v1 at t1, v1 after. @return #MN_OK, #MN_ERR_RANGE
 *        (t1 <= t0, non-finite value).
 */
MN_API mn_status mn_waveform_new_ramp(mn_waveform **out, mn_context *ctx, double v0, double v1,
                                      double t0, double t1);

/**
 * @brief Sine: offset + amplitude sin(2 pi f (t - delay) + phase) for t >= delay, and the value
 *        at t = delay, offset + amplitude sin(phase), before it (a breakpoint at delay).
 * @param[out] out the waveform (free with mn_waveform_free()); NULL on failure.
 * @param[in] ctx context for errors and memory.
 * @param[in] amplitude amplitude (V or A), finite (may be negative).
 * @param[in] frequency f in Hz, > 0.
 * @param[in] phase phase at t = delay, in radians, finite.
 * @param[in] offset constant added (V or A), finite.
 * @param[in] delay start time of the oscillation (s), finite.
 * @return #MN_OK, #MN_ERR_RANGE naming the bad value, #MN_ERR_INVALID (ctx NULL),
 *         #MN_ERR_NOMEM.
 */
MN_API mn_status mn_waveform_new_sine(mn_waveform **out, mn_context *ctx, double amplitude,
                                      double frequency, double phase, double offset, double delay);

/**
 * @brief Piecewise linear through (t[i], v[i]), i < n (n >= 1), held constant outside.
 *        Times must not decrease; two points at the same time make a jump (value = the later
 *        point from that time on). Arrays are copied. O(n) memory, O(log n) per value.
 * @return #MN_OK, #MN_ERR_INVALID (n = 0), #MN_ERR_RANGE (non-finite value or decreasing
 *         time; the message names the index and the value).
 */
MN_API mn_status mn_waveform_new_pwl(mn_waveform **out, mn_context *ctx, const double *t,
                                     const double *v, size_t n);

/**
 * @brief Piecewise linear from a CSV/text file: two numbers per line "t,v" (comma, space or
 *        tab separated), `#` comments and one optional non-numeric header line ignored.
 * @return #MN_OK, #MN_ERR_IO (cannot open: names the file), #MN_ERR_PARSE (names the line),
 *         or the codes of mn_waveform_new_pwl().
 */
MN_API mn_status mn_waveform_new_pwl_file(mn_waveform **out, mn_context *ctx, const char *path);

/**
 * @brief Weighted sum sum_i w_i term_i(t) (terms are copied; weights NULL means all 1).
 *        Breakpoints are the union of the terms' breakpoints.
 */
MN_API mn_status mn_waveform_new_sum(mn_waveform **out, mn_context *ctx,
                                     const mn_waveform *const *terms, const double *weights,
                                     size_t n);

/**
 * @brief User callback waveform. `breakpoints` (n values, copied, sorted by the library) are
 *        the times where fn jumps or kinks; the integrator stops and restarts there.
 *        `user_data` must stay valid while the waveform (or a copy of it) is used.
 */
MN_API mn_status mn_waveform_new_callback(mn_waveform **out, mn_context *ctx, mn_waveform_fn fn,
                                          void *user_data, const double *breakpoints, size_t n);

/**
 * @brief Parse a waveform specification (the CLI's `--waveform`; docs/simulation.md):
 *  - `dc:V`
 *  - `pwl:t0:v0,t1:v1,...` (piecewise linear)
 *  - `pwlfile:PATH` (piecewise linear from a file, see mn_waveform_new_pwl_file())
 *  - `pulse:HIGH:WIDTH:PERIOD[:COUNT[:DELAY[:LOW]]]` (square pulses; COUNT 0 = for ever)
 *  - `tri:LOW:HIGH:PERIOD[:COUNT[:DELAY[:RISE]]]` (triangle; RISE defaults to PERIOD/2)
 *  - `ramp:V0:V1:T0:T1`
 *  - `sine:AMPLITUDE:FREQUENCY[:OFFSET[:PHASE[:DELAY]]]`
 *  - `step:V0:V1:T` (V0 before T, V1 from T on)
 *  - sums: `SPEC+SPEC+...` (e.g. `dc:0.1+pulse:2:1:10`)
 * @return #MN_OK or #MN_ERR_PARSE / #MN_ERR_RANGE with a message quoting the bad part.
 */
MN_API mn_status mn_waveform_parse(mn_waveform **out, mn_context *ctx, const char *spec);

/** @brief Deep copy. */
MN_API mn_status mn_waveform_copy(mn_waveform **out, const mn_waveform *w);

/** @brief Free a waveform; NULL does nothing. */
MN_API void mn_waveform_free(mn_waveform *w);

/** @brief Value at time t (right limit at a jump). */
MN_API double mn_waveform_value(const mn_waveform *w, double t);

/** @brief Left limit lim_{s -> t-} value(s) (differs from mn_waveform_value() only at jumps). */
MN_API double mn_waveform_value_left(const mn_waveform *w, double t);

/**
 * @brief First breakpoint strictly after t, or +INFINITY if none. O(1) for periodic forms,
 *        O(log n) for piecewise linear.
 */
MN_API double mn_waveform_next_breakpoint(const mn_waveform *w, double t);

/* ============================================================================ simulation */

/** @brief A simulation of a network in time. Opaque. */
typedef struct mn_sim mn_sim;

/** @brief Integrators (mn_sim_set_integrator()). */
typedef enum mn_sim_integrator {
    MN_SIM_BDF = 0,   /**< CVODE BDF orders 1-5 with the Newton iteration of mn_sim_set_newton()
                           (default) */
    MN_SIM_ADAMS = 1, /**< CVODE Adams-Moulton (non-stiff), same Newton iteration */
    MN_SIM_EULER = 2, /**< fixed-step explicit Euler x += dt f(x, V(t)) */
    MN_SIM_EXACT = 3  /**< fixed-step exact update at constant V over the step (model exact_step,
                           e.g. 003 eq 9 for miranda; Euler for models without one) */
} mn_sim_integrator;

/** @brief Newton iterations of the implicit integrators (mn_sim_set_newton()). */
typedef enum mn_sim_newton {
    MN_SIM_NEWTON_AUTO = 0,   /**< #MN_SIM_NEWTON_BLOCKS, or #MN_SIM_NEWTON_KRYLOV for a network
                                   with event functions (the filament model), whose events'
                                   timing follows the Newton iterates (default) */
    MN_SIM_NEWTON_BLOCKS = 1, /**< modified Newton on the per-junction blocks of the Jacobian
                                   (each junction's own dynamics at fixed edge voltage): no
                                   Kirchhoff solve beyond the right-hand sides */
    MN_SIM_NEWTON_KRYLOV = 2  /**< exact Newton: GMRES preconditioned by the same blocks, with
                                   analytic Jacobian-vector products (each one Kirchhoff
                                   sensitivity solve) */
} mn_sim_newton;

/** @brief Kind of an event in the event log. */
typedef enum mn_sim_event_kind {
    MN_SIM_EVENT_FORM = 0,   /**< the edge's conductance jumped up (filament formed) */
    MN_SIM_EVENT_BREAK = 1,  /**< the edge's conductance jumped down (filament broke) */
    MN_SIM_EVENT_OTHER = 2   /**< an event function fired without changing the conductance */
} mn_sim_event_kind;

/**
 * @brief Create a simulation of `net` (borrowed: it must outlive the simulation; its models
 *        and parameters must not change meanwhile). Every edge needs a model. The states
 *        start at the models' defaults at t = 0; no electrode yet.
 * @return #MN_OK, #MN_ERR_INVALID (an edge without model; the message names it), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_sim_new(mn_sim **out, mn_network *net);

/** @brief Free a simulation (closes its CSV files); NULL does nothing. */
MN_API void mn_sim_free(mn_sim *sim);

/**
 * @brief Add a voltage-controlled electrode: the nodes are held at waveform(t) volts
 *        (NULL: 0 V, a ground). The waveform is copied.
 *
 * Must be called before the first mn_sim_run() / mn_sim_step(). The nodes of one electrode
 * are all at the same potential (an ideal contact).
 * @param[in,out] sim the simulation.
 * @param[in] nodes n node ids of the network, 0 <= id < node count (copied).
 * @param[in] n number of nodes, >= 1.
 * @param[in] w the electrode's voltage waveform in V (copied; the caller keeps its own), or
 *            NULL for a ground at 0 V.
 * @param[out] id electrode index 0, 1, ... (may be NULL).
 * @return #MN_OK, #MN_ERR_RANGE (bad node id: named), #MN_ERR_INVALID (empty set, node in
 *         another electrode), #MN_ERR_STATE (the run has started: electrodes are fixed then).
 */
MN_API mn_status mn_sim_add_electrode(mn_sim *sim, const mn_index *nodes, size_t n,
                                      const mn_waveform *w, size_t *id);

/** @brief Add an electrode from a named node set of the graph ("left"). */
MN_API mn_status mn_sim_add_electrode_set(mn_sim *sim, const char *set_name, const mn_waveform *w,
                                          size_t *id);

/**
 * @brief Current-controlled source (000 eqs 5-6): inject waveform(t) amperes at the nodes
 *        `from` and take it out at `to` (spread equally). Without a voltage electrode, a node
 *        of `to` is the ground. At most one current source.
 */
MN_API mn_status mn_sim_set_current_source(mn_sim *sim, const mn_index *from, size_t nfrom,
                                           const mn_index *to, size_t nto, const mn_waveform *w);

/** @brief Series EMF S_e (V) of every edge (edge-count values, copied), NULL for none. */
MN_API mn_status mn_sim_set_emf(mn_sim *sim, const double *emf);

/**
 * @brief Make electrode `id` current-controlled: its nodes stay at one common potential (a
 *        metal contact), solved at every evaluation so that the net current from the electrode
 *        into the network is amps(t) (A); its voltage waveform is no longer used. amps = NULL
 *        means 0 A at all times: the electrode floats (an open contact).
 *
 * The electrode currents are affine in the electrode potentials, so the potentials of the k
 * current-controlled or floating electrodes cost k + 2 Kirchhoff solves with one factorisation
 * per evaluation (docs/simulation.md). At least one electrode must hold a potential at every
 * time (checked when the run starts: #MN_ERR_INVALID naming the electrode and the time); not
 * combinable with mn_sim_set_current_source() or mn_sim_set_emf() (#MN_ERR_INVALID at the run).
 * mn_sim_applied_voltage() reports the solved potential, mn_sim_electrode_current() the
 * current (amps(t) to round-off).
 * @param[in,out] sim the simulation, before its first run.
 * @param[in] id an electrode of mn_sim_add_electrode().
 * @param[in] amps the current waveform in A (copied), or NULL for 0 A.
 * @return #MN_OK, #MN_ERR_RANGE (no such electrode), #MN_ERR_STATE (the run has started),
 *         #MN_ERR_NOMEM, #MN_ERR_INVALID (NULL sim).
 */
MN_API mn_status mn_sim_set_electrode_current(mn_sim *sim, size_t id, const mn_waveform *amps);

/**
 * @brief Let electrode `id` float (open: no current, its potential solved as for a
 *        current-controlled electrode at 0 A) during the time intervals (t1, t2): `intervals`
 *        holds n pairs t1 < t2 in increasing order, not overlapping (t2 = INFINITY: to the end).
 *        Between the intervals the electrode follows its waveform (voltage, or current after
 *        mn_sim_set_electrode_current()). The switching times are breakpoints of the
 *        integration. Replaces earlier intervals of the electrode; n = 0 removes them.
 * @param[in,out] sim the simulation, before its first run.
 * @param[in] id an electrode of mn_sim_add_electrode().
 * @param[in] intervals 2 n times in s (copied); may be NULL when n = 0.
 * @param[in] n number of intervals.
 * @return #MN_OK, #MN_ERR_RANGE (no such electrode; an interval not t1 < t2, not finite at
 *         its start, or out of order: the message names it), #MN_ERR_STATE (the run has
 *         started), #MN_ERR_NOMEM, #MN_ERR_INVALID (NULL).
 */
MN_API mn_status mn_sim_set_electrode_floating(mn_sim *sim, size_t id, const double *intervals, size_t n);

/** @brief Number of electrodes (voltage-controlled). */
MN_API size_t mn_sim_electrode_count(const mn_sim *sim);

/* ------------------------------------------------------------------ options */

/** @brief Choose the integrator (default #MN_SIM_BDF). Takes effect at the next run call. */
MN_API mn_status mn_sim_set_integrator(mn_sim *sim, mn_sim_integrator integrator);

/**
 * @brief Choose the Newton iteration of the BDF and Adams integrators (default
 *        #MN_SIM_NEWTON_AUTO). Takes effect at the next run call.
 *
 * Both converge to the same corrector and leave CVODE's error test unchanged; they differ in
 * the iterates and the cost. The block iteration leaves out the coupling of the junctions
 * through the network in the Newton systems and needs no sensitivity solve; the Krylov
 * iteration includes it, at one Kirchhoff sensitivity solve per GMRES iteration. Choose
 * #MN_SIM_NEWTON_KRYLOV when the statistics show many Newton convergence failures
 * (#MN_SIM_STAT_NEWTON_FAILS) on a strongly coupled network (docs/simulation.md, "The Newton
 * iteration").
 *
 * Checkpoints save the mode (mn_sim_checkpoint_save()) and a resumed run takes it from the file
 * unless this function was called on the resuming simulation: an explicit choice is kept (and
 * a different saved mode is reported as a #MN_LOG_WARNING to the context's log).
 * @return #MN_OK, #MN_ERR_RANGE (not one of the values of #mn_sim_newton: the message names
 *         it), #MN_ERR_INVALID (NULL).
 */
MN_API mn_status mn_sim_set_newton(mn_sim *sim, mn_sim_newton newton);

/**
 * @brief Tolerances of CVODE: relative rtol in (0, 1) (default 1e-6) and absolute atol > 0 on
 *        every state (default 1e-9). @return #MN_OK or #MN_ERR_RANGE naming the value.
 */
MN_API mn_status mn_sim_set_tolerances(mn_sim *sim, double rtol, double atol);

/** @brief Step of the fixed-step integrators (s, > 0; default 1e-3). */
MN_API mn_status mn_sim_set_fixed_step(mn_sim *sim, double dt);

/** @brief Largest CVODE step (s; 0 = no limit, the default). */
MN_API mn_status mn_sim_set_max_step(mn_sim *sim, double hmax);

/** @brief Largest number of CVODE steps between two outputs (default 10^7). */
MN_API mn_status mn_sim_set_max_steps(mn_sim *sim, int64_t n);

/**
 * @brief Track the energy delivered by the sources and the energy dissipated in the edges as
 *        two extra integrated quantities (E_src = int sum_k phi_k I_k dt, E_edges = int sum_e
 *        I_e V_e dt); by Tellegen's theorem they agree. Off by default; reset to 0 when
 *        switched on. Read with mn_sim_energy().
 */
MN_API mn_status mn_sim_set_energy_tracking(mn_sim *sim, int on);

/** @brief The simulation's Kirchhoff solver (borrowed), e.g. to choose its ordering or
 *         strategy. The simulation keeps the solver's default, #MN_KIRCHHOFF_AUTO, whose choices
 *         (PCG on the last factor or a refactorisation) come from operation counts, not timings:
 *         runs are reproducible and a checkpoint restart is bit for bit (the solver refactorises
 *         at each checkpoint). #MN_KIRCHHOFF_REFACTOR (one refactorisation per right-hand side)
 *         keeps both guarantees as well; forced #MN_KIRCHHOFF_PCG or #MN_KIRCHHOFF_UPDATE work
 *         but a restart need not repeat their factors. */
MN_API mn_kirchhoff *mn_sim_kirchhoff(mn_sim *sim);

/* ------------------------------------------------------------------ initial state */

/** @brief Set every state to the model defaults, at time t0. Restarts the integrator. */
MN_API mn_status mn_sim_init_default(mn_sim *sim, double t0);

/**
 * @brief Set every state of every edge to `value` at time t0.
 * @return #MN_OK, #MN_ERR_RANGE (value not finite or outside an edge's state bounds: named).
 */
MN_API mn_status mn_sim_init_uniform(mn_sim *sim, double t0, double value);

/**
 * @brief Independent uniform random states in [lo, hi] (clamped to each model's bounds),
 *        reproducible from `seed` (stream 0 of the memnet RNG, edge order).
 */
MN_API mn_status mn_sim_init_random(mn_sim *sim, double t0, double lo, double hi, uint64_t seed);

/** @brief Set all states (state-count values, edge order, see mn_network_state_offsets()). */
MN_API mn_status mn_sim_init_states(mn_sim *sim, double t0, const double *x);

/* ------------------------------------------------------------------ recording */

/**
 * @brief Sample every dt seconds from t_first on (t_first, t_first + dt, ...). Replaces any
 *        sample times. dt > 0.
 */
MN_API mn_status mn_sim_set_sample_interval(mn_sim *sim, double t_first, double dt);

/** @brief Sample at the given increasing times (copied). */
MN_API mn_status mn_sim_set_sample_times(mn_sim *sim, const double *t, size_t n);

/** @brief Record these edges' states in every sample (copied; replaces an earlier list). */
MN_API mn_status mn_sim_record_edges(mn_sim *sim, const mn_index *edges, size_t n);

/**
 * @brief Called at every sample with the simulation positioned at the sample time (read it
 *        with the getters below). Return nonzero to stop the run (#MN_ERR_CANCELLED).
 */
typedef int (*mn_sim_sample_fn)(const mn_sim *sim, void *user_data);
/** @brief Install the sample callback (NULL removes it). */
MN_API mn_status mn_sim_set_sample_callback(mn_sim *sim, mn_sim_sample_fn fn, void *user_data);

/**
 * @brief Stream samples to a CSV file (header line, then one row per sample): `t`, then per
 *        electrode k `V<k>` (applied potential) and `I<k>` (current into the network), with a
 *        current source `J,Vsrc` (injected current, mean potential difference from - to), with
 *        two electrodes `G` = I0 / (V0 - V1) (G_eff), then `mean_<state>` for each state name of the
 *        first model, then `x<e>` (or `x<e>_<j>`) for the recorded edges, and with energy
 *        tracking `E_src,E_edges`. With comment lines `# key=value` from `header` first (may be
 *        NULL). NULL path closes the file. Values with 17 significant digits.
 */
MN_API mn_status mn_sim_record_csv(mn_sim *sim, const char *path, const char *header);

/**
 * @brief Full snapshots (states, conductances, edge V and I; node potentials) at the given
 *        times, each written to `<prefix><k>-edges.csv` and `<prefix><k>-nodes.csv` (k = 0, 1,
 *        ...) and/or passed to `fn` (may be NULL).
 */
MN_API mn_status mn_sim_set_snapshots(mn_sim *sim, const double *t, size_t n, const char *prefix,
                                      mn_sim_sample_fn fn, void *user_data);

/** @brief Called after every accepted integrator step. Nonzero stops the run. */
MN_API mn_status mn_sim_set_step_callback(mn_sim *sim, mn_sim_sample_fn fn, void *user_data);

/** @brief Progress callback: t now, t_end of the run. Nonzero stops the run (cancellation). */
typedef int (*mn_sim_progress_fn)(double t, double t_end, void *user_data);
/** @brief Install the progress callback, called at most every `every` steps (>= 1). */
MN_API mn_status mn_sim_set_progress_callback(mn_sim *sim, mn_sim_progress_fn fn, int64_t every,
                                              void *user_data);

/** @brief Event callback: an edge switched at time t. Nonzero stops the run. */
typedef int (*mn_sim_event_fn)(double t, mn_index edge, mn_sim_event_kind kind, void *user_data);
/** @brief Install the event callback (NULL removes it). */
MN_API mn_status mn_sim_set_event_callback(mn_sim *sim, mn_sim_event_fn fn, void *user_data);

/** @brief Stream the event log to a CSV file `t,edge,kind` (NULL closes it). */
MN_API mn_status mn_sim_record_events_csv(mn_sim *sim, const char *path);

/* ------------------------------------------------------------------ running */

/**
 * @brief Integrate up to t_end (> the present time), taking samples, snapshots and events on
 *        the way. CVODE stops exactly at t_end (a stop time) and continues from there on the
 *        next call without a restart; it also stops and restarts at every breakpoint of the
 *        sources. Cost: one Kirchhoff solve per right-hand side and one sensitivity solve per
 *        Jacobian-vector product (see mn_sim_stat_get()).
 * @return #MN_OK, #MN_ERR_CANCELLED (a callback asked to stop: the state is at the time it
 *         stopped, all output so far is kept, and a later call continues from there),
 *         #MN_ERR_RANGE (t_end not after the present time, or not finite), #MN_ERR_STATE (no
 *         electrode or current source), #MN_ERR_SOLVER / #MN_ERR_CONVERGENCE (CVODE failure:
 *         the message has CVODE's flag, time and reason), or an error of a model or of the
 *         Kirchhoff solve.
 */
MN_API mn_status mn_sim_run(mn_sim *sim, double t_end);

/**
 * @brief One integrator step (one CVODE internal step or one fixed step), not beyond t_max;
 *        samples, snapshots and events on the way are taken.
 *
 * The step ends at t_max at the latest (t_max is a stop time for CVODE, as t_end for
 * mn_sim_run()); a breakpoint of the sources also ends it. Repeated calls with the same
 * t_max advance to it step by step.
 * @param[in,out] sim the simulation (electrodes or a current source set).
 * @param[in] t_max latest time the step may reach (s), finite and after the present time.
 * @param[out] t_reached time after the step (may be NULL; set also on failure).
 * @return #MN_OK, and the codes of mn_sim_run(): #MN_ERR_RANGE (t_max not after the present
 *         time, or not finite), #MN_ERR_STATE (no electrode or current source),
 *         #MN_ERR_CANCELLED, #MN_ERR_SOLVER / #MN_ERR_CONVERGENCE, or an error of a model or
 *         of the Kirchhoff solve.
 */
MN_API mn_status mn_sim_step(mn_sim *sim, double t_max, double *t_reached);

/**
 * @brief Restart the integrator at the present time (CVodeReInit: order 1, history dropped).
 *        The run from here is exactly the one a restart from a checkpoint saved now gives.
 */
MN_API mn_status mn_sim_restart(mn_sim *sim);

/* ------------------------------------------------------------------ state queries */

/** @brief Present time (s). */
MN_API double mn_sim_time(const mn_sim *sim);
/** @brief Present states (state-count values). Borrowed; valid until the next call. */
MN_API const double *mn_sim_states(const mn_sim *sim);
/** @brief Edge conductances at the present time (S). Borrowed. */
MN_API const double *mn_sim_conductances(const mn_sim *sim);
/** @brief Edge voltages V_e at the present time (V). Borrowed. */
MN_API const double *mn_sim_edge_voltages(const mn_sim *sim);
/** @brief Edge currents I_e at the present time (A). Borrowed. */
MN_API const double *mn_sim_edge_currents(const mn_sim *sim);
/** @brief Node potentials at the present time (V). Borrowed. */
MN_API const double *mn_sim_potentials(const mn_sim *sim);
/** @brief Applied potential (V) of electrode id at the present time (NaN for a bad id). */
MN_API double mn_sim_applied_voltage(const mn_sim *sim, size_t id);
/** @brief Current (A) from electrode id into the network at the present time (NaN if bad id).
 *         For the current source, id = mn_sim_electrode_count() gives its applied current. */
MN_API double mn_sim_electrode_current(const mn_sim *sim, size_t id);
/** @brief Two-terminal G_eff = I_0 / (V_0 - V_1) (S) at the present time; NaN unless there are
 *         two electrodes and V_0 != V_1. */
MN_API double mn_sim_effective_conductance(const mn_sim *sim);
/** @brief Mean over the edges of state j of their model (edges whose model has fewer states
 *         are skipped; NaN if none). */
MN_API double mn_sim_mean_state(const mn_sim *sim, size_t j);
/** @brief Energies (J) since tracking was switched on (see mn_sim_set_energy_tracking()). */
MN_API mn_status mn_sim_energy(const mn_sim *sim, double *e_source, double *e_edges);

/** @brief Number of events since creation. */
MN_API size_t mn_sim_event_count(const mn_sim *sim);
/**
 * @brief Event i of the in-memory log (the most recent 10^6 are kept; older ones are only in
 *        the callback/CSV stream). @return #MN_OK or #MN_ERR_RANGE (no longer / not kept).
 */
MN_API mn_status mn_sim_event(const mn_sim *sim, size_t i, double *t, mn_index *edge,
                              mn_sim_event_kind *kind);

/** @brief Integrator statistics. */
typedef enum mn_sim_stat {
    MN_SIM_STAT_STEPS = 0,          /**< integrator steps */
    MN_SIM_STAT_RHS = 1,            /**< right-hand-side evaluations (each one Kirchhoff solve) */
    MN_SIM_STAT_JV = 2,             /**< Jacobian-vector products (each one sensitivity solve;
                                         none with the default Newton iteration, which solves
                                         with the per-junction blocks alone) */
    MN_SIM_STAT_LIN_ITERS = 3,      /**< linear iterations of the Newton systems: block solves
                                         (the default) or GMRES iterations */
    MN_SIM_STAT_NEWTON_ITERS = 4,   /**< Newton iterations */
    MN_SIM_STAT_PREC_SETUPS = 5,    /**< preconditioner setups */
    MN_SIM_STAT_ERR_FAILS = 6,      /**< error-test failures */
    MN_SIM_STAT_ROOT_EVALS = 7,     /**< event-function evaluations */
    MN_SIM_STAT_EVENTS = 8,         /**< events applied */
    MN_SIM_STAT_RESTARTS = 9,       /**< integrator (re)initialisations */
    MN_SIM_STAT_SOLVES = 10,        /**< Kirchhoff solves of every kind */
    MN_SIM_STAT_REFACTORS = 11,     /**< numeric refactorisations of the simulation's Kirchhoff
                                         solver (mn_sim_kirchhoff()); per step ideally about
                                         RHS / STEPS: outputs do not refactorise */
    MN_SIM_STAT_CG_ITERS = 12,      /**< PCG iterations of that solver (outputs are solved by
                                         PCG on the present factor) */
    MN_SIM_STAT_OUTPUT_SOLVES = 13, /**< Kirchhoff solves at sample and snapshot times */
    MN_SIM_STAT_NS_FACTORISE = 14,  /**< wall time in numeric factorisations (ns) */
    MN_SIM_STAT_NS_SOLVE = 15,      /**< wall time in solves with the factor: right-hand sides,
                                         Jacobian-vector sensitivities, PCG's preconditioner (ns) */
    MN_SIM_STAT_NS_MODEL = 16,      /**< wall time in the junction models: conductances, rates,
                                         partial derivatives (ns) */
    MN_SIM_STAT_NS_CVODE = 17,      /**< wall time inside CVODE outside memnet's callbacks: its
                                         vector work and own logic (ns) */
    MN_SIM_STAT_NS_OUTPUT = 18,     /**< wall time producing samples and snapshots, their
                                         Kirchhoff solves, files and callbacks included (ns) */
    MN_SIM_STAT_NS_RUN = 19,        /**< wall time in mn_sim_run() and mn_sim_step() (ns); the
                                         rest of it beside the parts above is the Kirchhoff
                                         refill, V and I, and the stepper's own work */
    MN_SIM_STAT_UNSTABLE_STEPS = 20, /**< explicit Euler steps (#MN_SIM_EULER, and the states
                                         without an exact update under #MN_SIM_EXACT) that were
                                         above the stability limit 2/|lambda| estimated from
                                         the junction rates, or carried a state past a bound at
                                         which its rate points back inside; the clamp to the
                                         state bounds hides such an instability, so a nonzero
                                         count means the result is not to be trusted: use a
                                         smaller step (mn_sim_stable_step()) or #MN_SIM_BDF */
    MN_SIM_STAT_NEWTON_FAILS = 21   /**< Newton iterations that did not converge (CVODE then
                                         retries the step with a smaller one); many of them with
                                         #MN_SIM_NEWTON_BLOCKS suggest #MN_SIM_NEWTON_KRYLOV */
} mn_sim_stat;
/** @brief One statistic accumulated since creation (0 for an unknown one). */
MN_API uint64_t mn_sim_stat_get(const mn_sim *sim, mn_sim_stat which);

/**
 * @brief Explicit Euler's stability limit estimated from the junction rates: the smallest
 *        2/|lambda| over the fixed steps taken so far, lambda the most negative diagonal entry
 *        of a junction's own Jacobian at fixed edge voltage (docs/simulation.md). A fixed step
 *        above it is counted in #MN_SIM_STAT_UNSTABLE_STEPS.
 * @param[in] sim the simulation.
 * @return the limit (s); INFINITY if no step has been checked (a CVODE run, or no decaying
 *         state); NaN for a NULL simulation.
 */
MN_API double mn_sim_stable_step(const mn_sim *sim);

/* ------------------------------------------------------------------ checkpoints */

/**
 * @brief Write the complete simulation state to a file: time, states, energies, event count,
 *        the position in the sample/snapshot schedules, options (integrator, Newton
 *        iteration); and restart the integrator
 *        here (mn_sim_restart()), so the run that continues after saving and a run resumed
 *        from the file are the same, bit for bit (with the default Kirchhoff strategy, AUTO, or
 *        REFACTOR; both runs refactorise at the saved time).
 * @return #MN_OK, #MN_ERR_IO (names the file).
 */
MN_API mn_status mn_sim_checkpoint_save(mn_sim *sim, const char *path);

/**
 * @brief Resume from a checkpoint: `sim` must be set up like the saved one (same network
 *        size, electrodes, waveforms, tolerances; sample times and outputs as desired). Checks
 *        the network's edge/state counts and the electrode count; the integrator and energy
 *        tracking are taken from the file, and so is the Newton iteration unless
 *        mn_sim_set_newton() was called on `sim` (then that choice is kept; if the file's
 *        differs, a #MN_LOG_WARNING naming both goes to the context's log and the run is not
 *        the saved run's bit-for-bit continuation). A file without a Newton field (written
 *        before it existed, or by a run with #MN_SIM_NEWTON_AUTO) means #MN_SIM_NEWTON_AUTO.
 *        Samples and snapshots at times up to the saved time are skipped (the saving run
 *        wrote them).
 * @return #MN_OK, #MN_ERR_IO, #MN_ERR_PARSE (not a memnet checkpoint, or corrupt, or an
 *         unknown Newton iteration id: the message names it),
 *         #MN_ERR_INVALID (does not match this simulation; the message says what).
 */
MN_API mn_status mn_sim_checkpoint_load(mn_sim *sim, const char *path);

MN_END_DECLS

#endif /* MEMNET_SIM_H */
