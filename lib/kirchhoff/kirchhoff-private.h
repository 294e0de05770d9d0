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
 * tolerance, as in the solve.
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
} mn__kirchhoff_info;

/* Fill `info` (never fails for a non-NULL k; info may not be NULL). */
void mn__kirchhoff_info_get(const mn_kirchhoff *k, mn__kirchhoff_info *info);

/* The conductances currently set (edge-count values, borrowed) or NULL if none was set. */
const double *mn__kirchhoff_conductances(const mn_kirchhoff *k);

/* The series EMF currently set (edge-count values, borrowed) or NULL if none. */
const double *mn__kirchhoff_emf(const mn_kirchhoff *k);

/* 1 if node `i` was floating at the last solve (mask of node-count bytes, borrowed;
 * NULL before the first solve). */
const unsigned char *mn__kirchhoff_floating_mask(const mn_kirchhoff *k);

/* Electrode node set (borrowed) of electrode `id`; NULL and *n = 0 for a bad id. */
const mn_index *mn__kirchhoff_electrode_nodes(const mn_kirchhoff *k, size_t id, size_t *n);

#endif /* MEMNET_KIRCHHOFF_PRIVATE_H */
