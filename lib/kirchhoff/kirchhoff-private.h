/*
 * Internal API of the Kirchhoff solver for other modules of memnet (the time stepper in
 * lib/sim, mean field). Not installed; not part of the ABI. Names mn__kirchhoff_*.
 *
 * Conventions as in include/memnet/kirchhoff.h: edge e = (u -> v), V_e = phi_u - phi_v,
 * I_e = G_e (V_e + S_e). "Last solve" means the last successful mn_kirchhoff_solve().
 * Every function here returns MN_ERR_STATE (with a message) when there was no successful
 * solve since the conductances/topology last changed, where that matters (documented).
 */
#ifndef MEMNET_KIRCHHOFF_PRIVATE_H
#define MEMNET_KIRCHHOFF_PRIVATE_H

#include <memnet/kirchhoff.h>

/*
 * First-order change of the edge voltages for a perturbation of the edge conductances.
 *
 * Holding the electrode potentials, the injected current and the series EMF fixed, a change
 * G -> G + dG of the edge conductances changes the node potentials by dphi, where
 *     L_ff dphi_f = -B_f (dG o (V + S)),   dphi = 0 on Dirichlet (and ground) nodes,
 * (KCL at the free nodes differentiated; o is the element-wise product), and the edge voltages
 * by dV_e = dphi_u - dphi_v. Together with dI_e = dG_e (V_e + S_e) + G_e dV_e this gives the
 * exact Jacobian-vector product of the edge currents with respect to the conductances.
 *
 * Cost: one O(m) right-hand side and one triangular solve pair with the factor of the last
 * solve (no refactorisation). If the last solve used the PCG strategy (so the factor belongs to
 * older conductances) the system is solved by PCG preconditioned by that factor to the CG
 * tolerance, as in the solve, or to the looser sensitivity tolerance if one was set
 * (mn__kirchhoff_set_sensitivity_tolerance).
 * Floating nodes (see mn_kirchhoff_floating_nodes) get dphi = 0; an edge touching one gets
 * dV = 0.
 *
 * [in]  dG  edge-count values (S), finite (any sign).
 * [out] dV  edge-count values (V). May not alias dG.
 * Returns MN_OK, MN_ERR_INVALID (NULL), MN_ERR_RANGE (non-finite dG, naming the edge),
 * MN_ERR_STATE (no valid last solve), MN_ERR_SOLVER.
 * Uses a work buffer inside k: not reentrant (one thread per solver, as always).
 */
mn_status mn__kirchhoff_sensitivity(mn_kirchhoff *k, const double *dG, double *dV);

/*
 * First-order change of the current leaving electrode `id` into the network:
 *     dI = sum_{e = (u,v), u in electrode, v not} (dG_e (V_e + S_e) + G_e dV_e)
 *        - sum_{e = (u,v), v in electrode, u not} (dG_e (V_e + S_e) + G_e dV_e)
 * (edges with both ends in the electrode carry no net current out of it).
 * dV is the output of mn__kirchhoff_sensitivity() for the same dG (may be NULL: then it is
 * computed here, one extra solve). O(edges incident to the electrode) when dV is given.
 * [out] dI amps.
 * Returns MN_OK, MN_ERR_INVALID (NULL dG or dI), MN_ERR_RANGE (bad id),
 * MN_ERR_STATE (no valid last solve).
 */
mn_status mn__kirchhoff_electrode_current_sensitivity(mn_kirchhoff *k, const double *dG,
                                                      const double *dV, size_t id, double *dI);

/*
 * Tell the solver whether many refactorisations will follow (the time stepper: one per
 * right-hand side). It decides MN_ORDERING_DEFAULT: METIS if so (its factor is 1.04-1.3x
 * smaller on stick networks, its analysis 4-5x slower: it pays after 20-25 refactorisations
 * at 1e5-1e6 junctions, docs/performance.md), AMD if not (the default of a solver: a one-shot
 * solve). A change redoes the analysis at the next solve when the ordering is DEFAULT.
 */
void mn__kirchhoff_expect_refactorisations(mn_kirchhoff *k, int many);

/* The strategy set with mn_kirchhoff_set_strategy (AUTO for a NULL solver). */
mn_kirchhoff_strategy mn__kirchhoff_strategy(const mn_kirchhoff *k);

/* Statistics of the solver, for the stepper's counters and logs. Any pointer may be NULL. */
typedef struct mn__kirchhoff_info {
    size_t n_nodes;          /* graph nodes */
    size_t n_edges;          /* graph edges */
    size_t n_free;           /* unknowns of the last solve (free, non-floating nodes) */
    size_t n_floating;       /* floating nodes at the last solve */
    size_t factor_nnz;       /* nonzeros of L (0 before the first factorisation) */
    int ordering_used;       /* mn_kirchhoff_ordering actually used by the last analysis */
    int last_strategy;       /* mn_kirchhoff_strategy that brought the factor up to date in
                                the last solve (never AUTO; UPDATE also for a plain solve
                                with an unchanged factor, PCG if it iterated) */
    int last_cg_iterations;  /* CG iterations of the last solve (0 if it was direct) */
    double last_residual;    /* relative residual ||b - A x|| / ||b|| of the last solve
                                (computed for PCG; NaN for direct solves) */
    double last_solve_seconds; /* wall time of the last mn_kirchhoff_solve() */
    double t_refactor, t_solve, t_update_rank1; /* calibrated costs (s); 0 if not measured */
    int exact_elimination;   /* 1 if the factor is the cancellation-free (GTH) elimination,
                                used when conductances span more than 1e12 */
    double t_analyse;        /* wall time of the last symbolic analysis (s); 0 before it */
    double factor_flops;     /* floating-point operations of one numeric factorisation
                                (CHOLMOD's count at the analysis; 0 before it) */
    double total_factor_seconds; /* wall time in numeric factorisations since creation */
    double total_solve_seconds;  /* wall time in solves with the factor (direct, PCG's
                                    preconditioner, sensitivities) since creation */
    int supernodal;          /* 1 if the present numeric factor is supernodal LL' (solved in
                                place by supersolve.c), 0 if simplicial or none */
    double cost_refactor;    /* AUTO's deterministic costs (costmodel.c), in factorisation
                                flops: one refactorisation, one PCG iteration, one rank-1 update
                                column; 0 before the first analysis */
    double cost_iteration;
    double cost_update_column;
} mn__kirchhoff_info;

/* Fill `info` (never fails for a non-NULL k; info may not be NULL). */
void mn__kirchhoff_info_get(const mn_kirchhoff *k, mn__kirchhoff_info *info);

/* Forget everything AUTO has learnt since the last refactorisation: the next solve
 * refactorises, the refactorisation rule starts afresh and no warm start is kept. A solver
 * after this call and a new solver given the same inputs then make the same choices and the
 * same numbers, bit for bit (the simulation calls it at checkpoints: lib/sim/checkpoint.c). */
void mn__kirchhoff_forget(mn_kirchhoff *k);

/* Relative residual to which sensitivity solves on a stale factor iterate, when looser than the
 * CG tolerance (0, the default: the CG tolerance). The time stepper's Jacobian-vector products
 * need far less than the 1e-12 of its right-hand sides: GMRES solves the Newton systems only
 * to a few digits, and an inexact Jacobian changes the Newton iterates, not the solution. */
void mn__kirchhoff_set_sensitivity_tolerance(mn_kirchhoff *k, double rtol);

/* Relative residual to which a simulation's solves (the integrator's right-hand sides and the
 * output solves) iterate on a stale factor, when looser than the CG tolerance (0, the default:
 * the CG tolerance). The simulation derives it from its integration tolerance
 * (docs/simulation.md). */
void mn__kirchhoff_set_step_tolerance(mn_kirchhoff *k, double rtol);

/* The time of the next solve (the simulation's t). A solver told the times of its solves keeps
 * the solutions of the last two distinct times and warm-starts PCG from their linear
 * extrapolation (interpolation for an output solve between them): lib/kirchhoff/warmstart.c.
 * Only the starting point changes, not the tolerance the solve reaches; a solver never told a
 * time warm-starts from the last solution. */
void mn__kirchhoff_set_time(mn_kirchhoff *k, double t);

/* While `on`, solves are output solves (the simulation's samples and snapshots, at states
 * between the integrator's): under AUTO they iterate (PCG) on the present factor, at most one
 * refactorisation's worth of iterations (else they refactorise), leave the refactorisation
 * rule's account alone and keep the warm start of the integrator's solves, so that when outputs
 * are taken does not change the integrator's choices. Other strategies are not affected. */
void mn__kirchhoff_set_output_solves(mn_kirchhoff *k, int on);

/* Measured CPU costs of the operations AUTO's cost model counts (costmodel.c), for
 * bench/kirchhoff/bench-costrates: seconds per operation counted, medians of `reps` (1..32)
 * repetitions on the present matrix. Needs a solved system with a supernodal factor; leaves a
 * factor of the same conductances. */
typedef struct mn__kh_rates {
    double fac;      /* s per flop of a numeric factorisation */
    double solve;    /* s per nonzero of L, forward + backward solve */
    double spmv;     /* s per stored nonzero of A, one product */
    double vec;      /* s per unknown, PCG's vector work of one iteration */
    double upd;      /* s per nonzero of L per rank-1 update column */
    double conv;     /* s per nonzero of L, supernodal -> simplicial conversion */
    double flops, lnz, nnz_a, nf; /* the counts */
    double model_fac, model_iter; /* the model's costs (factorisation flops) */
} mn__kh_rates;
mn_status mn__kirchhoff_cost_rates(mn_kirchhoff *k, int reps, mn__kh_rates *out);

/* The conductances currently set (edge-count values, borrowed) or NULL if none was set. */
const double *mn__kirchhoff_conductances(const mn_kirchhoff *k);

/* The series EMF currently set (edge-count values, borrowed) or NULL if none. */
const double *mn__kirchhoff_emf(const mn_kirchhoff *k);

/* 1 if node `i` was floating at the last solve (mask of node-count bytes, borrowed;
 * NULL before the first solve). */
const unsigned char *mn__kirchhoff_floating_mask(const mn_kirchhoff *k);

/* Electrode node set (borrowed) of electrode `id`; NULL and *n = 0 for a bad id. */
const mn_index *mn__kirchhoff_electrode_nodes(const mn_kirchhoff *k, size_t id, size_t *n);

/* ------------------------------------------------------------------ backend seam
 *
 * The Kirchhoff solver is a driver (configuration, floating nodes, the strategy rule, the
 * results) over a backend that owns the linear system. Two backends exist: the serial CHOLMOD
 * one in lib/kirchhoff (direct factor, rank-k updates, PCG on a stale factor) and the
 * distributed PETSc one in lib/mpi (CG preconditioned by a BoomerAMG hierarchy). Both use the
 * strategy rule and the result kernels below, so neither copies them.
 */

/* Largest conductance contrast (max / min positive conductance of the edges with a free end)
 * an ordinary factorisation or an iterative solver is trusted with. Beyond it the serial
 * solver switches to its cancellation-free elimination and the distributed one refuses. */
#define MN__KH_CONTRAST_MAX 1e12

/* Operations of a backend on its own right-hand side and solution buffers. `self` is the
 * backend's state. `update` may be NULL (no cheaper way than `setup` to follow a change). */
typedef struct mn__kh_ops {
    const char *name;
    /* symbolic part for the present topology and electrode configuration */
    mn_status (*analyse)(void *self);
    /* numeric setup for the present conductances: refactorisation (CHOLMOD) or a new AMG
     * hierarchy (PETSc); its wall time is the cost the strategy rule compares against */
    mn_status (*setup)(void *self);
    /* bring the last setup up to date with a cheaper incremental change; MN_ERR_SINGULAR
     * means "do a full setup instead" */
    mn_status (*update)(void *self);
    /* x = A^{-1} b with a setup that represents the present matrix */
    mn_status (*solve)(void *self);
    /* reuse: iterate on the present matrix preconditioned by the last (stale) setup, warm
     * started from x, at most maxit iterations. MN_ERR_CONVERGENCE if maxit was reached. */
    mn_status (*reuse)(void *self, int maxit, int *iters, double *relres);
} mn__kh_ops;

/*
 * AUTO's refactorisation rule (ski rental) for slowly drifting conductances. After a setup
 * (refactorisation or AMG setup, cost t_setup seconds) the system is solved iteratively on the
 * stale setup as long as that is cheaper: the iterations beyond the fewest seen since the last
 * setup are what the stale setup costs; once their accumulated cost exceeds one setup, set up
 * anew. A failed reuse (iteration bound reached) blocks reuse for the next 8 solves.
 */
typedef struct mn__kh_rule {
    double excess; /* seconds of excess iterations since the last setup */
    int base[2];   /* fewest iterations since then: [0] warm-started, [1] from zero */
    int last_it;   /* iterations of the last reuse */
    int ok;        /* the last reuse converged within its bound */
    int cooldown;  /* solves left before reuse is tried again */
} mn__kh_rule;

/* Initial state (reuse allowed, no history). */
void mn__kh_rule_init(mn__kh_rule *r);
/* A new setup was made: the account of the stale setup's cost starts again, and the next
 * reuse is predicted by the fewest warm-started iterations the previous setup needed. */
void mn__kh_rule_reset(mn__kh_rule *r);
/* Count `iters` iterations of kind 0 (warm-started solve) or 1 (solve from zero) at
 * `iter_cost` seconds each. */
void mn__kh_rule_account(mn__kh_rule *r, int kind, int iters, double iter_cost);
/* Outcome of a reuse attempt of the solve (iterations, converged or not). */
void mn__kh_rule_outcome(mn__kh_rule *r, int iters, int converged);
/* Iteration bound of a reuse under AUTO: the number of iterations that cost one setup,
 * clamped to [1, cap] (cap if iter_cost is 0). */
int mn__kh_rule_maxit(double t_setup, double iter_cost, int cap);
/* 1: reuse the last setup (iterate), 0: set up anew. have_x: a previous solution exists for
 * the warm start. Consumes one solve of a cooldown. */
int mn__kh_rule_reuse(mn__kh_rule *r, double t_setup, double iter_cost, int have_x);

/* ------------------------------------------------------------------ result kernels
 * Shared by both backends; node indices are whatever indexing phi uses (global for the serial
 * solver, local owned + ghost for the distributed one). */

/* Edge voltages V_e = phi_u - phi_v and currents I_e = G_e (V_e + S_e) of m edges (emf may be
 * NULL; floating may be NULL: edges touching a floating node get V = I = 0). */
void mn__kh_edge_results(size_t m, const mn_index *eu, const mn_index *ev, const double *phi,
                         const double *G, const double *emf, const unsigned char *floating,
                         double *V, double *I);

/* Electrode incidence: per electrode a list of (edge, sign), sign +1 if the edge leaves the
 * electrode (u inside), -1 if it enters (v inside); off has n_el + 1 entries. */
typedef struct mn__kh_incidence {
    size_t n_el;
    const mn_index *off, *edge;
    const signed char *sign;
} mn__kh_incidence;

/* Current leaving each electrode into the network: elc[a] = sum sign I_e. */
void mn__kh_electrode_currents(const mn__kh_incidence *inc, const double *I, double *elc);

/* Current into electrode d from the network when every electrode is at 0 V except the driven
 * ones whose potentials are in phi: sum_e G_e phi_other (a sum of terms of one sign). */
double mn__kh_terminal_inflow(const mn__kh_incidence *inc, size_t d, const mn_index *eu,
                              const mn_index *ev, const double *G, const double *phi);

/* G_eff between electrodes a and b from the terminal admittance matrix Y (E x E, row-major;
 * only columns c != b are used), the other electrodes open (zero net current, eliminated by a
 * Kron reduction; electrodes with Y_cc = 0 carry nothing and are skipped). work: E*E + 2E
 * doubles, iwork: E entries. Returns MN_OK or MN_ERR_SINGULAR (singular terminal matrix). */
mn_status mn__kh_geff_kron(const double *Y, size_t E, size_t a, size_t b, double *work,
                           size_t *iwork, double *G_eff);

#endif /* MEMNET_KIRCHHOFF_PRIVATE_H */
