/**
 * @file meanfield.h
 * @brief Mean-field reduction: projector quantities, effective one-junction models, potentials,
 *        fitting, Caravelli-Barucca theory. See docs/meanfield.md.
 *
 * Three parts:
 * - **Projector quantities** (000 sec. 5, 001 A): for a graph and a source/drain pair, the
 *   projector Omega = B~^T (B~ B~^T)^+ B~ of the graph augmented by the source edge (unit
 *   weights): Omega_{N+1}, the vector Omega-> (its last column), Tr(Omega~), Tr(Omega~^2),
 *   diag(Omega) (edge leverage scores), the mean-field state \<g\> (000 eq. (25)) and the
 *   mean-field effective conductance (000 eq. (26)). ::mn_meanfield_projector.
 * - **Effective one-junction models** (000 eqs. (7)-(10), (15), (30)-(31)): a whole network
 *   reduced to one state \<g\>; time integration, the effective potential V(\<g\>) = -int d\<g\>/dt
 *   (000 eq. (11)), its equilibria and their stability, the order of the transition
 *   (000 eqs. (16)-(19)), voltage sweeps, least-squares fits to measured G(t).
 *   ::mn_meanfield_model, ::mn_meanfield_fit.
 * - **Caravelli-Barucca circuit** (002/004): fixed points, critical voltage, Lyapunov
 *   functional, Curie-Weiss mean field, rule (16), susceptibility, and the circuit's exact
 *   equations of motion (002 eq. (34)). ::mn_meanfield_cb.
 *
 * Units: SI (V, S, s) unless stated.
 *
 * Threads: an object is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_MEANFIELD_H
#define MEMNET_MEANFIELD_H

#include <memnet/graph.h>
#include <memnet/models.h>

MN_BEGIN_DECLS

/* ===================================================================================== */
/* Effective one-junction models                                                         */
/* ===================================================================================== */

/** @brief Which effective one-junction model. */
typedef enum mn_meanfield_kind {
    /**
     * Rate balance, 000 eqs. (7)-(10): G = G_min (1 + chi g),
     * dg/dt = k_p e^{eta_p u} (1 - g) - k_d e^{-eta_d u} g with u = v / (1 + chi g)
     * (u = |v| / (1 + chi g) in both exponents when `unipolar` is 1, as in 001 eq. (B20)).
     * `drive` 0 (default): the current-limited source of 000/001 (G_{N+1} -> 0), whose junction
     * voltage is renormalised by 1 + chi g (000 eq. (28)); `drive` 1: a voltage source, u = v
     * (the exact uniform-state junction voltage of a voltage-driven network has no
     * renormalisation). Parameters: G_min [S], chi [1], k_p [1/s], k_d [1/s], eta_p [1/V],
     * eta_d [1/V], unipolar [0/1], drive [0/1]. State g in [0, 1].
     */
    MN_MEANFIELD_MIRANDA = 0,
    /**
     * Hillock / nanoparticle, 000 eqs. (30)-(31) (001 eqs. (C64)-(C65)):
     * dg/dt = mu v / ((1 - g)(1 + chi f(g))) - kappa g, G = G_min (1 + chi f(g)),
     * f(x) = exp(-a (1 - x)) - 1. Parameters: G_min [S], chi [1], a [1], mu [1/(V s)]
     * (q_eff = mu v), kappa [1/s], g_max [1] (state in [0, g_max], g_max < 1; default 0.99,
     * as 000 Fig. 3; 0.5 is the hillock limit z_max = D/2 of 003 eq. (6), see
     * mn_meanfield_model_set_preset()), drive [0/1] (1: voltage source, the factor
     * 1/(1 + chi f(g)) is dropped; see miranda).
     */
    MN_MEANFIELD_HILLOCK = 1,
    /**
     * Linear (Strukov) memristor network, 000 eq. (15): R = R_off (1 - chi x), G = 1/R,
     * dx/dt = -alpha x + k v / (1 - chi x), so V(x) = alpha x^2/2 + (k v/chi) log(1 - chi x).
     * Parameters: R_off [Ohm], chi [1] (0 <= chi < 1), alpha [1/s], k [1/(V s)].
     * State x in [0, 1].
     */
    MN_MEANFIELD_LINEAR = 2
} mn_meanfield_kind;

/** @brief An effective one-junction model with its parameter values. Opaque. */
typedef struct mn_meanfield_model mn_meanfield_model;

/**
 * @brief Applied voltage V(t) in volts.
 * @param[in] t time (s).
 * @param[in] user_data as given with the callback.
 */
typedef double (*mn_meanfield_voltage_fn)(double t, void *user_data);

/**
 * @brief Create a model with default parameters.
 *
 * Defaults: miranda from 003 Table 1 (k_p = 5e-4 /s, k_d = 5e-2 /s, eta_p = eta_d = 10 /V)
 * with G_min = 1e-3 S, chi = 100 (the magnitudes quoted in 001 after eq. (B23)); hillock
 * as 000 Fig. 3 (#MN_MEANFIELD_PRESET_000): G_min = 1 S, chi = 1, a = 1, mu = 1, kappa = 1,
 * g_max = 0.99 (first-order transition, fold at v = 0.1611); linear R_off = 1.6e4 Ohm,
 * chi = 0.9, alpha = 1, k = 1.
 * @param[out] out the model; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] kind the model.
 * @return #MN_OK, #MN_ERR_INVALID (NULL argument, unknown kind), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_meanfield_model_new(mn_meanfield_model **out, mn_context *ctx,
                                        mn_meanfield_kind kind);

/**
 * @brief Create a model by name: "miranda", "hillock" or "linear".
 * @return as mn_meanfield_model_new(); #MN_ERR_NOT_FOUND for an unknown name.
 * @param[out] out the model; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] name the model's name.
 */
MN_API mn_status mn_meanfield_model_new_by_name(mn_meanfield_model **out, mn_context *ctx,
                                                const char *name);

/**
 * @brief Deep copy. @param[out] out the copy; NULL on failure.
 * @param[in] m the model to copy.
 * @return #MN_OK, #MN_ERR_INVALID (NULL argument), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_meanfield_model_copy(mn_meanfield_model **out, const mn_meanfield_model *m);

/**
 * @brief Free a model; NULL does nothing.
 * @param[in] m the model (may be NULL).
 */
MN_API void mn_meanfield_model_free(mn_meanfield_model *m);

/**
 * @brief The model's kind.
 * @param[in] m the model.
 * @return an ::mn_meanfield_kind, or -1 if m is NULL.
 */
MN_API mn_meanfield_kind mn_meanfield_model_kind(const mn_meanfield_model *m);

/**
 * @brief The model's name ("miranda", ...); a static string.
 * @param[in] m the model.
 * @return the name, or NULL if m is NULL.
 */
MN_API const char *mn_meanfield_model_name(const mn_meanfield_model *m);

/**
 * @brief Number of parameters.
 * @param[in] m the model (NULL gives 0).
 * @return the number of parameters.
 */
MN_API size_t mn_meanfield_model_param_count(const mn_meanfield_model *m);

/**
 * @brief Name of parameter i (static string), or NULL if out of range.
 * @param[in] m the model.
 * @param[in] i parameter index.
 * @return the name.
 */
MN_API const char *mn_meanfield_model_param_name(const mn_meanfield_model *m, size_t i);

/**
 * @brief Set a parameter by name. Each value is checked (finite; G_min, R_off, rates > 0;
 *        chi in its range; g_max in (0, 1); unipolar 0 or 1).
 * @return #MN_OK, #MN_ERR_NOT_FOUND (no such parameter), #MN_ERR_RANGE (bad value; the
 *         message names parameter and value).
 * @param[in,out] m the model.
 * @param[in] name parameter name (see mn_meanfield_model_param_name()).
 * @param[in] value new value (units in ::mn_meanfield_kind).
 */
MN_API mn_status mn_meanfield_model_set(mn_meanfield_model *m, const char *name, double value);

/**
 * @brief Read a parameter by name. @return #MN_OK or #MN_ERR_NOT_FOUND.
 * @param[in] m the model.
 * @param[in] name parameter name.
 * @param[out] value its value.
 */
MN_API mn_status mn_meanfield_model_get(const mn_meanfield_model *m, const char *name,
                                        double *value);

/**
 * @brief Allowed state range [lo, hi] (0..1, or 0..g_max for hillock).
 * @param[in] m the model.
 * @param[out] lo,hi the range ends (may be NULL).
 */
MN_API void mn_meanfield_model_state_range(const mn_meanfield_model *m, double *lo, double *hi);

/**
 * @brief Right-hand side d\<g\>/dt at state g and applied voltage v (the formula of the model,
 *        not clamped at the range ends). O(1).
 * @return #MN_OK, #MN_ERR_RANGE (g outside the range or v not finite).
 * @param[in] m the model.
 * @param[in] g state.
 * @param[in] v applied voltage (V).
 * @param[out] dgdt the rate (1/s).
 */
MN_API mn_status mn_meanfield_model_rate(const mn_meanfield_model *m, double g, double v,
                                         double *dgdt);

/**
 * @brief Effective conductance G(g) in S (000 eqs. (7), (31); 1/R for linear).
 * @param[in] m the model.
 * @param[in] g state inside the range.
 * @param[out] G the conductance (S).
 * @return #MN_OK, #MN_ERR_RANGE (g outside the range).
 */
MN_API mn_status mn_meanfield_model_conductance(const mn_meanfield_model *m, double g,
                                                double *G);

/**
 * @brief Inverse of mn_meanfield_model_conductance(): the state with conductance G, clamped
 *        into the state range. @return #MN_OK or #MN_ERR_RANGE (G not finite and > 0).
 * @param[in] m the model.
 * @param[in] G conductance (S).
 * @param[out] g the state.
 */
MN_API mn_status mn_meanfield_model_state_of(const mn_meanfield_model *m, double G, double *g);

/**
 * @brief Relative and absolute tolerances of the time integration (default 1e-8, 1e-12).
 *        The integrator is the exponential Rosenbrock method exprb32 (order 3, embedded
 *        order-2 error estimate; Hochbruck, Ostermann, Schweitzer 2009) with step control: it
 *        uses the analytic d(rate)/dg, is exact when the rate is linear in g (miranda with
 *        drive 1 or chi 0 under constant V) and stays stable and cheap however stiff the rate
 *        (fast relaxations cost a few steps). The state is held inside its range (a boundary
 *        is a wall).
 * @param[in,out] m the model.
 * @param[in] rtol relative tolerance in (0, 1).
 * @param[in] atol absolute tolerance > 0.
 * @return #MN_OK, #MN_ERR_RANGE (naming the bad value).
 */
MN_API mn_status mn_meanfield_model_set_tolerances(mn_meanfield_model *m, double rtol,
                                                   double atol);

/**
 * @brief Integrate d\<g\>/dt under a voltage waveform and record g and G at given times.
 * @param[in] m the model.
 * @param[in] V the waveform V(t) in volts (called many times; must be deterministic).
 *            Discontinuities are handled by step rejection; give the jump times as sample
 *            times for best accuracy.
 * @param[in] user_data passed to V.
 * @param[in] g0 state at t[0] (inside the range).
 * @param[in] t n sample times, non-decreasing.
 * @param[in] n number of samples (>= 1).
 * @param[out] g n states (may be NULL).
 * @param[out] G n conductances (may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (g0 outside the range, decreasing times,
 *         non-finite voltage: the message names the time), #MN_ERR_CONVERGENCE (step size
 *         underflow).
 */
MN_API mn_status mn_meanfield_model_integrate(mn_meanfield_model *m, mn_meanfield_voltage_fn V,
                                              void *user_data, double g0, const double *t,
                                              size_t n, double *g, double *G);

/**
 * @brief Integrate under a sampled protocol: V[i] is held from t[i] to t[i+1] (zero-order
 *        hold, as a lab source steps its output). Same outputs as mn_meanfield_model_integrate().
 * @param[in] m the model.
 * @param[in] t n sample times, non-decreasing.
 * @param[in] V n voltages (V).
 * @param[in] n number of samples (>= 1).
 * @param[in] g0 state at t[0].
 * @param[out] g n states (may be NULL).
 * @param[out] G n conductances (may be NULL).
 * @return as mn_meanfield_model_integrate().
 */
MN_API mn_status mn_meanfield_model_integrate_sampled(mn_meanfield_model *m, const double *t,
                                                      const double *V, size_t n, double g0,
                                                      double *g, double *G);

/**
 * @brief Turn a model holding the parameters of ONE microscopic junction into the effective
 *        model of a network of such junctions between a source and a drain.
 *
 * miranda (001 eqs. (B17)-(B23), 000 eqs. (26)-(28)): G_min <- G_min (1 - W)/W,
 * eta_{p,d} <- eta_{p,d} G_s \<|Omega->|\> / (G_min (1 - W)) (drive 0), or
 * eta_{p,d} <- eta_{p,d} \<|Omega->|\> / W (drive 1, voltage source); chi, k_p, k_d unchanged.
 * hillock (001 eqs. (C53), (C62)-(C65)): the junction G = G_min (1 + chi f(g)) keeps chi and a;
 * G_min <- G_min (1 - W)/W, mu <- mu G_s \<|Omega->|\> / (G_min (1 - W)) (drive 0) or
 * mu <- mu \<|Omega->|\> / W (drive 1).
 * linear (000 eq. (15) with the exact uniform-state voltage drops V |Omega->_i| / W):
 * R_off <- R_off W / (1 - W), k <- k \<|Omega->|\> / W.
 * Here W = Omega_{N+1} and \<|Omega->|\> = mean |Omega->_i| (see mn_meanfield_projector_omega_mean()).
 * With drive 0, miranda and hillock assume the source of 000/001: an EMF v behind a series
 * conductance G_s small against the network (G_{N+1} -> 0 in 000 eq. (20)); linear and
 * drive 1 assume a voltage source (G_source is then ignored).
 * @param[in,out] m the model.
 * @param[in] omega_n1 Omega_{N+1}, in (0, 1).
 * @param[in] omega_mean \<|Omega->|\>, > 0.
 * @param[in] G_source G_s in S (> 0; ignored for a voltage source).
 * @return #MN_OK, #MN_ERR_RANGE (naming the bad value).
 */
MN_API mn_status mn_meanfield_model_renormalise(mn_meanfield_model *m, double omega_n1,
                                                double omega_mean, double G_source);

/* ------------------------------------------------------------------- potential */

/**
 * @brief Effective potential V_v(g) = -int_{lo}^{g} d\<g\>/dt dg' at fixed voltage v
 *        (000 eq. (11)); V(lo) = 0, in units of [state]^2/s.
 *
 * miranda: exact closed form through the exponential integral (001 eqs. (B24)-(B25)), in a
 * scaled form (e^{-x} Ei(x) and its asymptotic series, the exponents carried separately)
 * that stays finite and accurate (~1e-13 relative) wherever the value fits in a double
 * (default parameters: up to about 72.9 V);
 * linear: exact (000 eq. (15)); hillock: adaptive Gauss-Kronrod quadrature (relative
 * accuracy 1e-12). Use mn_meanfield_potential_quadrature() for quadrature on any model.
 * @param[in] g n states inside the range. @param[out] V n values.
 * @return #MN_OK, #MN_ERR_RANGE (a state outside the range, v not finite, or |V| beyond the
 *         double range: the message names v and g; the values before it are written).
 * @param[in] m the model.
 * @param[in] v voltage (V).
 * @param[in] n number of states.
 */
MN_API mn_status mn_meanfield_potential(const mn_meanfield_model *m, double v, const double *g,
                                        size_t n, double *V);

/**
 * @brief As mn_meanfield_potential() but always by numerical quadrature.
 * @param[in] m the model.
 * @param[in] v voltage (V).
 * @param[in] g n states inside the range.
 * @param[in] n number of states.
 * @param[out] V n values.
 * @return as mn_meanfield_potential().
 */
MN_API mn_status mn_meanfield_potential_quadrature(const mn_meanfield_model *m, double v,
                                                   const double *g, size_t n, double *V);

/** @brief Stability of an equilibrium. */
typedef enum mn_meanfield_stability {
    MN_MEANFIELD_STABLE = 0,   /**< d(rate)/dg < 0 (a minimum of V), or a wall pushed into */
    MN_MEANFIELD_UNSTABLE = 1, /**< d(rate)/dg > 0 (a maximum of V) */
    MN_MEANFIELD_MARGINAL = 2  /**< d(rate)/dg = 0 within round-off (a fold) */
} mn_meanfield_stability;

/**
 * @brief Equilibria of d\<g\>/dt at voltage v (000 eq. (12) for miranda): the interior roots
 *        of the rate (bracketed on a grid of 4096 cells, refined by bisection/secant to
 *        round-off) and the range ends when the flow pushes into them, in increasing g.
 * @param[out] g_eq up to `cap` states.
 * @param[out] stability up to `cap` values (::mn_meanfield_stability; may be NULL).
 * @param[in] cap capacity of the arrays.
 * @param[out] count number of equilibria found (may exceed cap: only cap are written).
 * @return #MN_OK, #MN_ERR_RANGE (v not finite).
 * @param[in] m the model.
 * @param[in] v voltage (V).
 */
MN_API mn_status mn_meanfield_equilibria(const mn_meanfield_model *m, double v, double *g_eq,
                                         int *stability, size_t cap, size_t *count);

/** @brief Order of the conductance transition (000 sec. 3). */
typedef enum mn_meanfield_order {
    MN_MEANFIELD_CONTINUOUS = 0,  /**< one stable equilibrium for every voltage (Q~ convex) */
    MN_MEANFIELD_FIRST_ORDER = 1  /**< bistability between two fold voltages (Q~ not convex) */
} mn_meanfield_order;

/**
 * @brief Classify the transition over [v_lo, v_hi] and locate it.
 *
 * Every interior equilibrium satisfies rate(g, v) = 0; since the rate is monotone in v for
 * these models, this defines the equilibrium voltage v*(g) (000 eqs. (17)-(18): with
 * s = log(1 + P(r)), v*(g) = Q~(s)/(a s), so Q~ convex <=> v* monotone). v* is computed on a
 * grid of the state range; the transition is continuous when v* is monotone and first order
 * when it has folds. Returned: the threshold v_th where the stable equilibrium crosses the
 * middle of the state range (continuous), or the two fold (spinodal) voltages v_1 <= v_2
 * (first order; v_th is then the Maxwell voltage where both minima of V have equal depth).
 * @param[out] order an ::mn_meanfield_order.
 * @param[out] v_th threshold (NaN if none in [v_lo, v_hi]).
 * @param[out] v_fold1,v_fold2 fold voltages (NaN for a continuous transition). May be NULL.
 * @return #MN_OK, #MN_ERR_RANGE (bad voltage range).
 * @param[in] m the model.
 * @param[in] v_lo,v_hi the voltage range searched (V).
 */
MN_API mn_status mn_meanfield_transition(const mn_meanfield_model *m, double v_lo, double v_hi,
                                         int *order, double *v_th, double *v_fold1,
                                         double *v_fold2);

/**
 * @brief Phase diagram: the stable equilibrium reached by following the sweep v[0], v[1], ...
 *        starting from state g_start (quasi-static sweep: at each voltage the state relaxes
 *        to the stable equilibrium of its basin, so hysteresis shows for a first-order
 *        transition, 000 Fig. 2b/2c and Fig. 4).
 * @param[out] g_eq n states. @param[out] G_eq n conductances (may be NULL).
 * @param[in] m the model.
 * @param[in] v n voltages, in sweep order (V).
 * @param[in] n number of voltages.
 * @param[in] g_start initial state (inside the range).
 * @return #MN_OK, #MN_ERR_INVALID (NULL array), #MN_ERR_RANGE (g_start outside the range, a voltage not finite).
 */
MN_API mn_status mn_meanfield_sweep(const mn_meanfield_model *m, const double *v, size_t n,
                                    double g_start, double *g_eq, double *G_eq);

/* ------------------------------------------------------------------- fitting */

/** @brief Result of a least-squares fit of an effective model to G(t). Opaque. */
typedef struct mn_meanfield_fit mn_meanfield_fit;

/** @brief Options of mn_meanfield_fit_run(), set per model by mn_meanfield_model_set_fit_option(). */
typedef enum mn_meanfield_fit_option {
    /** Budget of model integrations over the whole fit (default 3000; >= 10). */
    MN_MEANFIELD_FIT_MAX_EVALUATIONS = 0,
    /** Wall-clock budget in seconds (default 60; > 0). */
    MN_MEANFIELD_FIT_MAX_SECONDS = 1,
    /** 1 (default): also try starting values estimated from the data (initial and plateau G,
        rise and decay time constants) and start from whichever of them and the model's
        current values fits better; 0: start from the model's values only. */
    MN_MEANFIELD_FIT_AUTO_START = 2,
    /** 1 (default): parameters the data do not determine (relative 1-sigma above 100 %, or a
        singular J^T J) are held at their starting value one at a time, most degenerate
        first, and the others refitted; they are reported by mn_meanfield_fit_param_fixed().
        0: fit every listed parameter (uncertainties may then be infinite). */
    MN_MEANFIELD_FIT_AUTO_FIX = 3
} mn_meanfield_fit_option;

/**
 * @brief Set a fit option (a typed setter keyed by ::mn_meanfield_fit_option; the value is
 *        kept with the model and copied by mn_meanfield_model_copy()).
 * @param[in,out] m the model.
 * @param[in] option an ::mn_meanfield_fit_option.
 * @param[in] value its value (counts and switches as whole numbers).
 * @return #MN_OK, #MN_ERR_INVALID (unknown option), #MN_ERR_RANGE (bad value, named).
 */
MN_API mn_status mn_meanfield_model_set_fit_option(mn_meanfield_model *m,
                                                   mn_meanfield_fit_option option,
                                                   double value);

/** @brief How a fit ended (mn_meanfield_fit_status()). */
typedef enum mn_meanfield_fit_status_code {
    MN_MEANFIELD_FIT_CONVERGED = 0,       /**< Levenberg-Marquardt met its tolerance */
    MN_MEANFIELD_FIT_EVALUATION_LIMIT = 1, /**< stopped by #MN_MEANFIELD_FIT_MAX_EVALUATIONS */
    MN_MEANFIELD_FIT_TIME_LIMIT = 2       /**< stopped by #MN_MEANFIELD_FIT_MAX_SECONDS */
} mn_meanfield_fit_status_code;

/**
 * @brief Fit model parameters to a measured G(t) under a known sampled V(t).
 *
 * Minimises sum_i (G_model(t_i) - G_i)^2 (or the relative residuals) by Levenberg-Marquardt
 * (cminpack lmdif), with G_model from mn_meanfield_model_integrate_sampled() (zero-order hold;
 * an exponential integrator, so stiff trial parameters cost no more than others).
 * Parameters that must be positive, and others whose starting value is positive (except
 * eta_p, eta_d), are fitted in log space. The pseudo-parameter "g0" (initial state) may be
 * listed; otherwise g0 is the state whose conductance is G[0] for the starting parameters,
 * held fixed during the fit (recomputing it at every trial would make G_min and g0 trade
 * off exactly, a singular Jacobian).
 *
 * Robustness (see ::mn_meanfield_fit_option): starting values are also estimated from the
 * data (miranda: G_min = G[0] with g0 = 0, and the rise and decay time constants and plateaus
 * of the two longest constant-voltage segments, solved for k_p, k_d, eta_p, eta_d with the
 * pulse plateau at g = 1/2); the number of model integrations and the wall time are bounded;
 * parameters the data do not determine are held at their starting value and reported by
 * mn_meanfield_fit_param_fixed(). When the budget runs out before convergence the best fit
 * found is returned with #MN_OK and mn_meanfield_fit_status() says why (check it).
 *
 * Uncertainties: covariance s^2 (J^T J)^{-1} of the fitted (not held) parameters with
 * s^2 = SSR/(n - p), J by central differences at the optimum, propagated to the natural
 * parameters (sigma_p = p sigma_{log p}); held parameters have sigma 0 and zero covariance.
 * The model holds the fitted values afterwards.
 * @param[out] out the result; NULL on failure.
 * @param[in,out] m the model (initial guesses in; fitted values out).
 * @param[in] t,V,G n samples (times increasing; G > 0).
 * @param[in] n number of samples (> number of free parameters).
 * @param[in] names free parameter names (a subset of the model's, plus "g0"); NULL (with
 *            n_free 0) for the default set: miranda G_min, chi, k_p, k_d, eta_p, eta_d;
 *            hillock G_min, chi, mu, kappa; linear R_off, chi, alpha, k.
 * @param[in] n_free their number (1..8; 0 with names NULL).
 * @param[in] relative 0: absolute residuals; 1: relative residuals (G_model - G_i)/G_i.
 * @return #MN_OK (also when a budget stopped the fit: see mn_meanfield_fit_status()),
 *         #MN_ERR_INVALID, #MN_ERR_NOT_FOUND (unknown parameter name), #MN_ERR_RANGE (bad
 *         data: the message names the sample; or the model cannot be integrated at any
 *         starting point), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_meanfield_fit_run(mn_meanfield_fit **out, mn_meanfield_model *m,
                                      const double *t, const double *V, const double *G,
                                      size_t n, const char *const *names, size_t n_free,
                                      int relative);

/**
 * @brief Free a fit result; NULL does nothing.
 * @param[in] f the fit (may be NULL).
 */
MN_API void mn_meanfield_fit_free(mn_meanfield_fit *f);

/**
 * @brief How the fit ended: an ::mn_meanfield_fit_status_code.
 * @param[in] f the fit.
 * @param[out] message a sentence saying what happened and which parameters were held
 *             (borrowed, valid while f lives); may be NULL.
 * @return the status code (#MN_MEANFIELD_FIT_CONVERGED for a NULL fit).
 */
MN_API mn_meanfield_fit_status_code mn_meanfield_fit_status(const mn_meanfield_fit *f,
                                                           const char **message);

/**
 * @brief Whether fitted parameter i was held at its starting value because the data do not
 *        determine it (#MN_MEANFIELD_FIT_AUTO_FIX).
 * @param[in] f the fit. @param[in] i parameter index (< mn_meanfield_fit_param_count()).
 * @return 1 if held, 0 if fitted or out of range.
 */
MN_API int mn_meanfield_fit_param_fixed(const mn_meanfield_fit *f, size_t i);

/**
 * @brief Number of fitted parameters.
 * @param[in] f the fit (NULL gives 0).
 * @return the number of listed parameters (fitted and held).
 */
MN_API size_t mn_meanfield_fit_param_count(const mn_meanfield_fit *f);

/**
 * @brief Fitted parameter i: its name (borrowed), value and standard uncertainty (1 sigma).
 * @return #MN_OK or #MN_ERR_RANGE (i out of range).
 * @param[in] f the fit.
 * @param[in] i parameter index.
 * @param[out] name its name (may be NULL).
 * @param[out] value fitted (or held) value (may be NULL).
 * @param[out] sigma 1-sigma uncertainty; 0 for a held parameter (may be NULL).
 */
MN_API mn_status mn_meanfield_fit_param(const mn_meanfield_fit *f, size_t i, const char **name,
                                        double *value, double *sigma);

/**
 * @brief Covariance of the natural parameters (n_free x n_free, row major). Borrowed.
 * @param[in] f the fit.
 * @return n_free x n_free values (NULL for a NULL fit).
 */
MN_API const double *mn_meanfield_fit_covariance(const mn_meanfield_fit *f);

/**
 * @brief Residuals G_model(t_i) - G_i (n values, absolute even for relative fits). Borrowed.
 * @param[in] f the fit.
 * @return n values (NULL for a NULL fit).
 */
MN_API const double *mn_meanfield_fit_residuals(const mn_meanfield_fit *f);

/**
 * @brief Fitted curve G_model(t_i) (n values). Borrowed.
 * @param[in] f the fit.
 * @return n values (NULL for a NULL fit).
 */
MN_API const double *mn_meanfield_fit_curve(const mn_meanfield_fit *f);

/**
 * @brief Fit statistics. Any pointer may be NULL.
 * @param[out] rms root mean square of the (weighted) residuals.
 * @param[out] chi2 weighted sum of squares at the optimum.
 * @param[out] dof n - p.
 * @param[out] nfev number of model integrations.
 * @param[out] g0 initial state used.
 * @param[in] f the fit.
 */
MN_API void mn_meanfield_fit_stats(const mn_meanfield_fit *f, double *rms, double *chi2,
                                   size_t *dof, size_t *nfev, double *g0);

/* ===================================================================================== */
/* Caravelli-Barucca circuit (002, 004)                                                   */
/* ===================================================================================== */

/** @brief The n-memristor circuit of 002 Fig. 1 with its parameters. Opaque. */
typedef struct mn_meanfield_cb mn_meanfield_cb;

/**
 * @brief Create the circuit: n memristors R(w) = R_on (1 - w) + R_off w, dw/dt = alpha w -
 *        (R_on/gamma) i (002 eq. (1)), each in a loop with R_ref, joined by R_int (002 eqs. (3)-(5)).
 * @param[in] n number of memristors (>= 1).
 * @param[in] R_on,R_off resistances (Ohm), 0 < R_on < R_off.
 * @param[in] R_ref,R_int control resistances (Ohm), >= 0, R_int + R_ref > 0.
 * @param[in] alpha decay rate (1/s), non-zero.
 * @param[in] gamma time-voltage constant (V s), > 0.
 * @return #MN_OK, #MN_ERR_RANGE (the message names the bad value), #MN_ERR_NOMEM.
 * @param[out] out the circuit; NULL on failure.
 * @param[in] ctx owning context.
 */
MN_API mn_status mn_meanfield_cb_new(mn_meanfield_cb **out, mn_context *ctx, size_t n,
                                     double R_on, double R_off, double R_ref, double R_int,
                                     double alpha, double gamma);

/**
 * @brief Free; NULL does nothing.
 * @param[in] cb the circuit (may be NULL).
 */
MN_API void mn_meanfield_cb_free(mn_meanfield_cb *cb);

/**
 * @brief Number of memristors.
 * @param[in] cb the circuit.
 * @return n.
 */
MN_API size_t mn_meanfield_cb_size(const mn_meanfield_cb *cb);

/**
 * @brief The dimensionless coefficients of 002 eq. (10): xi = (R_off - R_on)/R_on,
 *        chi = (R_on + R_ref)/R_on, rho = R_ref^2 / (R_on (R_int + R_ref)). Any may be NULL.
 * @param[in] cb the circuit.
 * @param[out] xi,chi,rho the coefficients (each may be NULL).
 */
MN_API void mn_meanfield_cb_coefficients(const mn_meanfield_cb *cb, double *xi, double *chi,
                                         double *rho);

/**
 * @brief Critical voltage S_c of 002 eq. (11) (V).
 * @param[in] cb the circuit.
 * @return S_c in V.
 */
MN_API double mn_meanfield_cb_critical_voltage(const mn_meanfield_cb *cb);

/**
 * @brief Homogeneous fixed points w_+ >= w_- of xi w^2 + c w = S/(alpha gamma) (002 eq. (14)),
 *        with c = chi - rho (interacting: w_k = \<w\> in eq. (10)) or c = chi with rho = 0
 *        (the non-interacting estimate, eq. (13)). Not clamped to [0, 1].
 * @return #MN_OK, #MN_ERR_NOT_FOUND (no real root: both outputs NaN).
 * @param[in] cb the circuit.
 * @param[in] S applied voltage (V).
 * @param[in] interacting 1: c = chi - rho; 0: c = chi (eq. (13)).
 * @param[out] w_plus,w_minus the two roots.
 */
MN_API mn_status mn_meanfield_cb_fixed_point(const mn_meanfield_cb *cb, double S, int interacting,
                                             double *w_plus, double *w_minus);

/**
 * @brief Heterogeneous fixed point of 002 eq. (10) for per-memristor voltages S_k: each w_k is
 *        the upper root of xi w_k^2 + chi w_k = S_k/(alpha gamma) + rho \<w\>, with \<w\> solved
 *        self-consistently (a monotone scalar equation, bisection + secant). Not clamped.
 * @param[in] S n voltages. @param[out] w n states.
 * @return #MN_OK, #MN_ERR_NOT_FOUND (no real fixed point), #MN_ERR_INVALID.
 * @param[in] cb the circuit.
 */
MN_API mn_status mn_meanfield_cb_fixed_points(const mn_meanfield_cb *cb, const double *S,
                                              double *w);

/**
 * @brief Residuals of 002 eq. (10): r_k = xi w_k^2 + chi w_k - rho \<w\> - S_k/(alpha gamma).
 * @param[in] w,S n values (S may be NULL with `S_all` used for every k).
 * @param[out] r n residuals.
 * @param[in] cb the circuit.
 * @param[in] S_all the voltage used when S is NULL (V).
 * @return #MN_OK, #MN_ERR_INVALID (NULL array).
 */
MN_API mn_status mn_meanfield_cb_residuals(const mn_meanfield_cb *cb, const double *w,
                                           const double *S, double S_all, double *r);

/**
 * @brief Lyapunov functional H(w) of 002 eq. (15) (004 eq. (13)), in the form whose gradient
 *        is exactly the fixed-point equation (002 eqs. (47), (49), (51)):
 *        H = sum_k E(w_k) - (rho/(2n)) (sum_k w_k)^2 - sum_k S_k w_k/(alpha gamma),
 *        E(w) = xi w^3/3 + chi w^2/2. Along the dynamics dH/dt = (1/alpha) ||dw/dt||_Q^2
 *        (002 eqs. (52)-(55)): H decreases for alpha < 0, -H for alpha > 0. (The printed
 *        eq. (15) has rho/(2n) sum w_k^2 - (rho/n) sum_{i,j} w_i w_j, whose gradient is
 *        -2 rho \<w\> + O(1/n), not the -rho \<w\> that eq. (51) uses; see docs/meanfield.md.)
 * @param[in] w,S n values (S may be NULL: S_all everywhere).
 * @param[in] cb the circuit.
 * @param[in] S_all the voltage used when S is NULL (V).
 * @param[out] H the functional.
 * @return #MN_OK, #MN_ERR_INVALID (NULL array).
 */
MN_API mn_status mn_meanfield_cb_lyapunov(const mn_meanfield_cb *cb, const double *w,
                                          const double *S, double S_all, double *H);

/**
 * @brief Curie-Weiss mean field psi of 002 eq. (17)/(62): psi = argsup_{w in [0,1]}
 *        ((rho psi + S/(alpha gamma)) w - E(w)), solved self-consistently (unique since
 *        chi > rho); equal to the homogeneous fixed point with chi -> chi - rho, clamped to
 *        [0, 1]. For alpha < 0 this is the asymptotic \<w\> from any initial state.
 * @param[in] cb the circuit.
 * @param[in] S applied voltage (V).
 * @return psi in [0, 1].
 */
MN_API double mn_meanfield_cb_psi(const mn_meanfield_cb *cb, double S);

/**
 * @brief Rule (16) of 002 for alpha > 0: memristors starting above the unstable fixed point
 *        w* go to 1, below to 0. For initial states uniform on [lo, hi]:
 *        <w(inf)> = P(w_in > w*) = clamp((hi - w*)/(hi - lo), 0, 1).
 * @param[in] interacting use w* with chi -> chi - rho (mean field) or rho = 0 (eq. (13)).
 * @param[out] w_star the fixed point used (may be NULL). @param[out] w_inf predicted <w(inf)>.
 * @return #MN_OK, #MN_ERR_RANGE (lo >= hi).
 * @param[in] cb the circuit.
 * @param[in] S applied voltage (V).
 * @param[in] lo,hi range of the uniform initial states.
 */
MN_API mn_status mn_meanfield_cb_rule16(const mn_meanfield_cb *cb, double S, double lo, double hi,
                                        int interacting, double *w_star, double *w_inf);

/**
 * @brief Asymptotic susceptibility d w / d S at time t, 002 eq. (12)/(45):
 *        R_on / (2 gamma sqrt(alpha (R_off - R_on))) e^{-alpha t} (alpha > 0), in 1/V.
 * @param[in] cb the circuit.
 * @param[in] t time (s).
 * @return the susceptibility (1/V).
 */
MN_API double mn_meanfield_cb_susceptibility(const mn_meanfield_cb *cb, double t);

/**
 * @brief The circuit's exact equations of motion (002 eq. (34)), O(n) by Sherman-Morrison:
 *        dw/dt = alpha w - (R_on/gamma) A^{-1} S, A = diag(R_ref + R(w)) - R_ref^2/(n(R_int +
 *        R_ref)) J; also the loop currents i = A^{-1} S.
 * @param[in] w n states. @param[in] S n voltages (NULL: S_all everywhere).
 * @param[out] dwdt n derivatives (may be NULL). @param[out] i n currents (may be NULL).
 * @param[in] cb the circuit.
 * @param[in] S_all the voltage used when S is NULL (V).
 * @return #MN_OK, #MN_ERR_INVALID (NULL array).
 */
MN_API mn_status mn_meanfield_cb_rhs(const mn_meanfield_cb *cb, const double *w, const double *S,
                                     double S_all, double *dwdt, double *i);

/**
 * @brief Integrate eq. (34) from w (in/out) over [0, t_end] with classical RK4, step dt,
 *        states clamped to [0, 1] after each step (a memristor at a bound stays there while
 *        pushed outward). Records H (see mn_meanfield_cb_lyapunov()) at every step if
 *        H_trace is given (floor(t_end/dt) + 1 values).
 * @return #MN_OK, #MN_ERR_RANGE (dt or t_end not > 0, too many steps), #MN_ERR_NOMEM.
 * @param[in] cb the circuit.
 * @param[in,out] w n states.
 * @param[in] S n voltages (NULL: S_all everywhere).
 * @param[in] S_all the voltage used when S is NULL (V).
 * @param[in] t_end end time (s).
 * @param[in] dt step (s).
 * @param[out] H_trace H at every step (may be NULL).
 */
MN_API mn_status mn_meanfield_cb_integrate(const mn_meanfield_cb *cb, double *w, const double *S,
                                           double S_all, double t_end, double dt,
                                           double *H_trace);

/* ===================================================================================== */
/* Projector quantities (000 sec. 5, 001 A)                                               */
/* ===================================================================================== */

/** @brief How diag(Omega) (edge leverage scores) is computed. */
typedef enum mn_meanfield_diag_method {
    MN_MEANFIELD_DIAG_AUTO = 0,     /**< dense up to 1000 nodes, else selected inversion */
    MN_MEANFIELD_DIAG_DENSE = 1,    /**< dense inverse of the grounded Laplacian, O(n^3) */
    MN_MEANFIELD_DIAG_SELINV = 2,   /**< exact: selected inversion (Takahashi equations) of the
                                         sparse LDL^T factor (CHOLMOD simplicial) */
    MN_MEANFIELD_DIAG_RANDOM = 3,   /**< randomised: Johnson-Lindenstrauss random projections
                                         (Spielman-Srivastava), one solve per probe, probes
                                         added until the estimated standard error of \<g\> and
                                         of the leverage sum is below the tolerance */
    MN_MEANFIELD_DIAG_SKETCH = 4    /**< estimate for sums over many edges (the effective
                                         medium's class means): a fixed number of random
                                         projections, ceil(2/tol^2) rounded up to a multiple of
                                         8 (tol = the relative standard error of one edge's
                                         leverage score; 0.5: 8 probes), and the exact value
                                         for the edges of largest |Omega->_i| within a work
                                         budget of nnz(L) or 2^18 factor entries, whichever
                                         is larger (sparse solves along the elimination tree;
                                         every edge of a small network), the estimated part
                                         rescaled to Foster's exact sum; per-edge standard
                                         errors (0 where exact). AMD and an own LDL' instead of
                                         CHOLMOD's factor: the cheapest method at scale */
} mn_meanfield_diag_method;

/** @brief Projector quantities of a graph with a source and a drain node set. Opaque. */
typedef struct mn_meanfield_projector mn_meanfield_projector;

/**
 * @brief Compute Omega_{N+1}, Omega-> (one Laplacian solve), traces, and diag(Omega).
 *
 * Each of the source and drain node sets is treated as one node (an electrode); edges inside a
 * set carry no current. The component(s) that join source and drain are used; edges
 * elsewhere are outside the circuit and get Omega_ii = Omega->_i = 0 (reported by
 * mn_meanfield_projector_outside_count()). Unit weights (000 eq. (20)).
 * Complexity: one sparse Cholesky factorisation (CHOLMOD) + the diag method.
 * @param[out] out the result; NULL on failure.
 * @param[in] g the graph (borrowed during the call only).
 * @param[in] source,drain node sets (disjoint, non-empty).
 * @param[in] method an ::mn_meanfield_diag_method.
 * @param[in] tol relative tolerance of the randomised method (e.g. 0.01); for the sketch the
 *            relative standard error of one estimated edge, in (0, 1] (0.5: 8 probes);
 *            ignored otherwise.
 * @param[in] seed RNG seed of the randomised method.
 * @return #MN_OK, #MN_ERR_INVALID (empty or overlapping sets), #MN_ERR_RANGE (bad node id),
 *         #MN_ERR_SINGULAR (source and drain not connected), #MN_ERR_SOLVER, #MN_ERR_NOMEM.
 * @param[in] n_source,n_drain sizes of the sets.
 */
MN_API mn_status mn_meanfield_projector_new(mn_meanfield_projector **out, mn_graph *g,
                                            const mn_index *source, size_t n_source,
                                            const mn_index *drain, size_t n_drain,
                                            mn_meanfield_diag_method method, double tol,
                                            uint64_t seed);

/**
 * @brief Free; NULL does nothing.
 * @param[in] p the projector (may be NULL).
 */
MN_API void mn_meanfield_projector_free(mn_meanfield_projector *p);

/**
 * @brief Omega_{N+1} = R/(1 + R), R the unit-weight resistance between source and drain.
 * @param[in] p the projector.
 * @return Omega_{N+1}.
 */
MN_API double mn_meanfield_projector_omega_n1(const mn_meanfield_projector *p);

/**
 * @brief Omega-> (edge-count values; sign follows the edge orientation). Borrowed.
 * @param[in] p the projector.
 * @return edge-count values.
 */
MN_API const double *mn_meanfield_projector_omega_vec(const mn_meanfield_projector *p);

/**
 * @brief diag(Omega) restricted to the graph's edges (edge-count values). Borrowed.
 * @param[in] p the projector.
 * @return edge-count values.
 */
MN_API const double *mn_meanfield_projector_diag(const mn_meanfield_projector *p);

/**
 * @brief Standard error of each diag entry (randomised method; zeros for exact methods).
 *        Borrowed.
 * @param[in] p the projector.
 * @return edge-count values.
 */
MN_API const double *mn_meanfield_projector_diag_error(const mn_meanfield_projector *p);

/**
 * @brief Tr(Omega~) = rank(B~) - Omega_{N+1} (exact, from the graph's rank).
 * @param[in] p the projector.
 * @return the trace.
 */
MN_API double mn_meanfield_projector_trace(const mn_meanfield_projector *p);

/**
 * @brief Tr(Omega~^2) = Tr(Omega~) - Omega_{N+1} (1 - Omega_{N+1}) (001 eqs. (A49)-(A51)).
 * @param[in] p the projector.
 * @return the trace.
 */
MN_API double mn_meanfield_projector_trace2(const mn_meanfield_projector *p);

/**
 * @brief \<|Omega->|\> = (1/N) sum_i |Omega->_i| over the circuit's N edges.
 * @param[in] p the projector.
 * @return the mean.
 */
MN_API double mn_meanfield_projector_omega_mean(const mn_meanfield_projector *p);

/**
 * @brief Number of edges outside the circuit (other components, inside an electrode).
 * @param[in] p the projector.
 * @return the count.
 */
MN_API size_t mn_meanfield_projector_outside_count(const mn_meanfield_projector *p);

/**
 * @brief Number of probes used by the randomised method (0 otherwise).
 * @param[in] p the projector.
 * @return the number of probes.
 */
MN_API size_t mn_meanfield_projector_probes(const mn_meanfield_projector *p);

/**
 * @brief Mean-field state \<g\> = Tr(Omega~^2 g)/Tr(Omega~^2) (000 eq. (25)), with
 *        (Omega~^2)_ii = Omega_ii - (Omega->_i)^2.
 * @param[in] g edge-count states.
 * @param[out] g_mean \<g\>. @param[out] g_err its standard error (randomised method; for
 *             #MN_MEANFIELD_DIAG_SKETCH from the per-edge errors taken as independent), may be NULL.
 * @param[in] p the projector.
 * @return #MN_OK, #MN_ERR_INVALID (NULL argument).
 */
MN_API mn_status mn_meanfield_projector_g_mean(const mn_meanfield_projector *p, const double *g,
                                               double *g_mean, double *g_err);

/**
 * @brief Mean-field effective conductance (000 eq. (26)):
 *        G_eff = (1 - Omega_{N+1})/Omega_{N+1} G_min (1 + chi \<g\>).
 * @param[in] p the projector.
 * @param[in] g edge-count states.
 * @param[in] G_min conductance scale (S).
 * @param[in] chi the model's chi.
 * @param[out] G_eff the conductance (S).
 * @return #MN_OK, #MN_ERR_INVALID (NULL argument).
 */
MN_API mn_status mn_meanfield_projector_g_eff(const mn_meanfield_projector *p, const double *g,
                                              double G_min, double chi, double *G_eff);

/**
 * @brief mn_meanfield_model_renormalise() with the projector's Omega_{N+1} and \<|Omega->|\>: the
 *        effective model of the projector's network for a junction model m (in place).
 * @return as mn_meanfield_model_renormalise().
 * @param[in,out] m the model (one junction in, the network's effective model out).
 * @param[in] p the network's projector.
 * @param[in] G_source series conductance of the source (S; drive 0).
 */
MN_API mn_status mn_meanfield_model_renormalise_projector(mn_meanfield_model *m,
                                                          const mn_meanfield_projector *p,
                                                          double G_source);

/**
 * @brief The effective one-junction model of a network of identical microscopic junctions.
 *
 * Maps the junction's parameters (lib/models names) onto an effective model, then, if a
 * projector is given, renormalises it with the network's quantities
 * (mn_meanfield_model_renormalise_projector()):
 * - `miranda` -> MIRANDA: G_min = Gmin, chi = (Gmax - Gmin)/Gmin (000 eq. 1), k_p = kP0,
 *   k_d = kD0, eta_p = etaP, eta_d = etaD, unipolar.
 * - `hillock` -> HILLOCK (001 eqs. C1-C4, C57): with g = z/D, G = alpha e^{-beta D (1-g)} =
 *   G_min (1 + f(g)): G_min = alpha, chi = 1, a = beta D, mu = mu/(T D^2), kappa = kappa/T,
 *   g_max = zmax_frac. The effective model is driven by the signed voltage.
 * - `strukov_hp` (window none) -> LINEAR (000 eq. 15): R = Roff (1 - chi x) with
 *   chi = (Roff - Ron)/Roff, k = k/Roff, alpha = 1/tau.
 * @param[out] out the model; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] junction the microscopic model instance.
 * @param[in] gap the junction gap D (hillock only; e.g. the mean gap of the network).
 * @param[in] p the network's projector, or NULL for the single junction.
 * @param[in] G_source series conductance of the source (S), for drive 0.
 * @param[in] drive 0: current-limited source of 000/001; 1: voltage source.
 * @return #MN_OK, #MN_ERR_UNSUPPORTED (another model, or a window), #MN_ERR_RANGE (Gmin = 0,
 *         a gap <= 0, bad network quantities), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_meanfield_model_from_junction(mn_meanfield_model **out, mn_context *ctx,
                                                  const mn_model *junction, double gap,
                                                  const mn_meanfield_projector *p,
                                                  double G_source, int drive);

/**
 * @brief Exact two-terminal effective conductance between the source and drain node sets for
 *        edge conductances G (a sparse nodal solve with CHOLMOD: drain grounded, unit current
 *        injected at the source, G_eff = 1/phi_source). The exact counterpart of 000 eq. (26)
 *        and of Corollary 2 (000 eq. (24)). Node sets are electrodes (contracted); nodes not
 *        joined to the drain through positive conductances are excluded.
 * @param[in] G edge-count conductances (S), finite and >= 0.
 * @param[out] G_eff in S (0 if no conducting path joins source and drain).
 * @return #MN_OK, #MN_ERR_RANGE (bad node id or conductance: the message names it),
 *         #MN_ERR_INVALID, #MN_ERR_SOLVER, #MN_ERR_NOMEM.
 * @param[in] g the graph.
 * @param[in] source,drain node sets.
 * @param[in] n_source,n_drain their sizes.
 */
MN_API mn_status mn_meanfield_effective_conductance(mn_graph *g, const mn_index *source,
                                                    size_t n_source, const mn_index *drain,
                                                    size_t n_drain, const double *G,
                                                    double *G_eff);

/**
 * @brief Parameter sets of the hillock model where the papers differ (docs/meanfield.md).
 */
typedef enum mn_meanfield_preset {
    /** 000 Fig. 3 (the default): kappa = a = 1, chi = mu = 1, G_min = 1 S, g_max = 0.99. The
     *  equilibrium curve v*(g) = g (1 - g) e^{-(1 - g)} has its maximum 0.1611 at
     *  g = (sqrt 5 - 1)/2 inside the range: a first-order transition (000 Fig. 3). */
    MN_MEANFIELD_PRESET_000 = 0,
    /** 003: the hillock height limited to half the gap, 003 eq. (6) (g_max = 0.5), and
     *  a = beta D = 10 (003 Table 1's beta = 200 /pd on a 0.05 pd gap); chi = mu = kappa = 1,
     *  G_min = 1 S. With g_max = 1/2 the transition is continuous. */
    MN_MEANFIELD_PRESET_003 = 1
} mn_meanfield_preset;

/**
 * @brief Set the hillock parameters G_min, chi, a, mu, kappa and g_max to a preset (drive is
 *        kept). O(1).
 * @param[in,out] m a hillock model.
 * @param[in] preset ::mn_meanfield_preset.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, unknown preset); #MN_ERR_UNSUPPORTED (not a hillock
 *         model). On failure the parameters are unchanged.
 */
MN_API mn_status mn_meanfield_model_set_preset(mn_meanfield_model *m, mn_meanfield_preset preset);

/* ===================================================================================== */
/* Heterogeneous effective-medium reduction (predicts G(t) without a fit)                */
/* ===================================================================================== */

/**
 * @brief A network of identical junctions reduced to classes of junctions coupled through one
 *        effective medium. Opaque. See docs/meanfield.md, "Effective-medium reduction".
 *
 * Built from one projector of the network (unit weights) and the parameters of one
 * microscopic junction. Each junction i is described by two numbers of the initial, uniform
 * network, both from the projector: its voltage per applied volt a_i = Omega->_i/Omega_{N+1}
 * (exact for a uniform state under a voltage source) and the resistance R_i of the unit
 * network seen between its ends with the electrodes shorted (the voltage source is a short
 * for the junction's Thevenin equivalent), R_i = Omega_ii - (Omega->_i)^2/Omega_{N+1}.
 * The network at a later time is replaced by a uniform medium of conductance G_m in which each
 * junction is embedded alone (single-bond effective-medium theory, Kirkpatrick, Rev. Mod.
 * Phys. 45 (1973) 574, here with the network's own a_i, R_i instead of a lattice's):
 *
 *   junction voltage   v_i = V a_i G_m / ((1 - R_i) G_m + R_i G_i),
 *   self-consistency   sum_i a_i^2 (G_i - G_m) / ((1 - R_i) G_m + R_i G_i) = 0,
 *   network            G_eff = G_m (1 - Omega_{N+1})/Omega_{N+1}.
 *
 * The self-consistency sets to zero the sum of the exact single-junction corrections to G_eff
 * (Sherman-Morrison: replacing one junction of the medium by G_i changes G_eff by
 * a_i^2 (G_i - G_m) G_m/((1 - R_i) G_m + R_i G_i)); it has one root in [min G_i, max G_i]. It
 * is exact for a uniform network, for junctions in parallel between the electrodes
 * (R_i = 0: G_m is the mean), to first order in the spread of the G_i, and for a series chain
 * as its length grows (G_m tends to the harmonic mean). The junctions are grouped into classes
 * of equal a_i (#MN_MEANFIELD_EMA_CLASSES bins; R_i is averaged in a class with weight
 * a_i^2), and each class carries one state g_k obeying the junction's own rate at v_k. No
 * parameter is fitted.
 *
 * Cost: the projector (one sparse factorisation, and diag(Omega) by the selected inversion or,
 * cheaper and enough for the class means, #MN_MEANFIELD_DIAG_SKETCH: about 1 % of a full
 * simulation at 20000 wires, docs/meanfield.md), O(edges) to form the classes, then
 * O(classes) per step of the time integration.
 * Drive: a voltage source between the electrodes (as mn_sim / `memnet simulate`); the initial
 * state must be uniform. Threads: one thread at a time (see core.h).
 */
typedef struct mn_meanfield_ema mn_meanfield_ema;

/** @brief Options of an ::mn_meanfield_ema (mn_meanfield_ema_set()). */
typedef enum mn_meanfield_ema_option {
    /** Number of classes (equal-width bins of a_i over its range; empty bins are dropped),
     *  >= 1, default 64; 0: one class per junction (the closure without grouping). Bins are
     *  over |a_i| for a unipolar miranda junction (its rate depends on |v| only), over the
     *  signed a_i otherwise. */
    MN_MEANFIELD_EMA_CLASSES = 0,
    /** Relative tolerance of the time integration, in (0, 1) (default 1e-4: G(t) within
     *  about 1e-5 of the converged solution on 000's pulse, far below the closure's error). */
    MN_MEANFIELD_EMA_RTOL = 1,
    /** Absolute tolerance of the states, > 0 (default 1e-7). */
    MN_MEANFIELD_EMA_ATOL = 2
} mn_meanfield_ema_option;

/**
 * @brief Build the reduction of a network from its projector and one junction.
 * @param[out] out the reduction; NULL on failure.
 * @param[in] p projector of the network (any ::mn_meanfield_diag_method; the exact ones give
 *            the R_i exactly). Only read; it may be freed after this call.
 * @param[in] junction the parameters of ONE microscopic junction (not renormalised), e.g. from
 *            mn_meanfield_model_from_junction() with a NULL projector; copied. Its `drive`
 *            is ignored (the junction sees its own voltage v_i).
 * @return #MN_OK, #MN_ERR_INVALID (NULL argument), #MN_ERR_RANGE (a projector without a
 *         circuit), #MN_ERR_NOMEM.
 * Complexity: O(edges).
 */
MN_API mn_status mn_meanfield_ema_new(mn_meanfield_ema **out, const mn_meanfield_projector *p,
                                      const mn_meanfield_model *junction);

/**
 * @brief Free a reduction; NULL does nothing.
 * @param[in] e the reduction (may be NULL).
 */
MN_API void mn_meanfield_ema_free(mn_meanfield_ema *e);

/**
 * @brief Set an option (::mn_meanfield_ema_option). Changing the number of classes regroups
 *        the junctions (O(edges)).
 * @param[in,out] e the reduction.
 * @param[in] option the option.
 * @param[in] value its value (an integer for #MN_MEANFIELD_EMA_CLASSES).
 * @return #MN_OK, #MN_ERR_INVALID (NULL, unknown option), #MN_ERR_RANGE (bad value, named in
 *         the message), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_meanfield_ema_set(mn_meanfield_ema *e, mn_meanfield_ema_option option,
                                      double value);

/**
 * @brief Number of classes in use (junctions with a_i = 0 form one more class, driven by
 *        no voltage, which is not counted here).
 * @param[in] e the reduction (NULL gives 0).
 * @return the number of classes.
 */
MN_API size_t mn_meanfield_ema_class_count(const mn_meanfield_ema *e);

/**
 * @brief One class: its voltage per applied volt a_k, resistance R_k (weighted means), weight
 *        W_k = sum a_i^2 and number of junctions.
 * @param[in] e the reduction.
 * @param[in] k class index, < mn_meanfield_ema_class_count().
 * @param[out] a,R,weight,count the values (each may be NULL).
 * @return #MN_OK, #MN_ERR_RANGE (k out of range).
 */
MN_API mn_status mn_meanfield_ema_class(const mn_meanfield_ema *e, size_t k, double *a,
                                        double *R, double *weight, size_t *count);

/**
 * @brief The closure alone, junction by junction: the effective-medium G_eff of the network
 *        for given junction conductances (no classes, no dynamics).
 * @param[in] e the reduction.
 * @param[in] G conductance of every edge of the graph (S, > 0; edges outside the circuit
 *            are ignored).
 * @param[out] G_eff G_m (1 - Omega_{N+1})/Omega_{N+1} (S).
 * @param[out] G_m the medium's conductance (S; may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE (a conductance not finite and > 0,
 *         named with its edge).
 * Complexity: O(edges) per Newton iteration (a few).
 */
MN_API mn_status mn_meanfield_ema_conductance(mn_meanfield_ema *e, const double *G,
                                              double *G_eff, double *G_m);

/**
 * @brief Predict the network's response to a sampled voltage protocol: V[i] is applied
 *        between source and drain from t[i] to t[i+1] (zero-order hold, as
 *        mn_meanfield_model_integrate_sampled()), every junction starts at state g0.
 *
 * Each class state obeys the junction's rate at its voltage v_k, with G_m solved from the
 * self-consistency at every evaluation. Time stepping: exponential Euler with the class's own
 * relaxation rate (d rate/d g, including the drop of v_k as G_k grows), corrected to second
 * order (Cox-Matthews ETD2), step size from their difference; exact for a miranda junction
 * in a uniform network.
 * @param[in,out] e the reduction (statistics are updated).
 * @param[in] t n sample times, non-decreasing (s).
 * @param[in] V n voltages (V).
 * @param[in] n number of samples (>= 1).
 * @param[in] g0 initial state of every junction (inside the junction's range).
 * @param[out] G n effective conductances (S; may be NULL).
 * @param[out] g_mean n mean states over all edges of the graph (may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (g0 outside the range, decreasing times,
 *         non-finite voltage: named), #MN_ERR_CONVERGENCE (step size underflow).
 */
MN_API mn_status mn_meanfield_ema_integrate_sampled(mn_meanfield_ema *e, const double *t,
                                                    const double *V, size_t n, double g0,
                                                    double *G, double *g_mean);

/** @brief Counters of an ::mn_meanfield_ema (mn_meanfield_ema_stat_get()). */
typedef enum mn_meanfield_ema_stat {
    MN_MEANFIELD_EMA_STAT_STEPS = 0,      /**< accepted integration steps, summed over calls */
    MN_MEANFIELD_EMA_STAT_REJECTED = 1,   /**< rejected steps */
    MN_MEANFIELD_EMA_STAT_MEDIUM_SOLVES = 2 /**< self-consistency solves (rate evaluations) */
} mn_meanfield_ema_stat;

/**
 * @brief Read a counter.
 * @param[in] e the reduction.
 * @param[in] which an ::mn_meanfield_ema_stat.
 * @return its value; 0 for NULL or an unknown counter.
 */
MN_API uint64_t mn_meanfield_ema_stat_get(const mn_meanfield_ema *e, mn_meanfield_ema_stat which);

MN_END_DECLS

#endif /* MEMNET_MEANFIELD_H */
