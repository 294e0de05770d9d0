/**
 * @file kirchhoff.h
 * @brief Kirchhoff solver: nodal analysis L phi = b with L = B G B^T on a graph, Dirichlet
 *        electrodes, current injection, series EMF per edge; CHOLMOD factorisation analysed
 *        once per topology and refactorised, updated (rank-k) or used as a CG preconditioner
 *        when conductances change. See docs/kirchhoff.md and 000 eqs 5-6, 20-24.
 *
 * Sign conventions: edge e = (u -> v), V_e = phi_u - phi_v, I_e = G_e (V_e + S_e) flows from
 * u to v. The current of an electrode is the total current leaving the electrode's nodes into
 * the network (positive for a source at higher potential).
 *
 * Nodes of a component that touches no Dirichlet node, or that is joined to one only through
 * zero conductances, have no defined potential: they are excluded from the solve and reported
 * by mn_kirchhoff_floating_count(); their potential is reported as NaN... see
 * mn_kirchhoff_potentials() for what the arrays hold there.
 *
 * Threads: a solver is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_KIRCHHOFF_H
#define MEMNET_KIRCHHOFF_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

/** @brief A Kirchhoff solver bound to a graph and an electrode configuration. Opaque. */
typedef struct mn_kirchhoff mn_kirchhoff;

/** @brief How a new set of conductances is turned into a solution. */
typedef enum mn_kirchhoff_strategy {
    MN_KIRCHHOFF_AUTO = 0,      /**< chosen per call by the calibrated cost model */
    MN_KIRCHHOFF_REFACTOR = 1,  /**< numeric refactorisation + solve */
    MN_KIRCHHOFF_UPDATE = 2,    /**< rank-k update/downdate of the factor for the changed edges */
    MN_KIRCHHOFF_PCG = 3        /**< CG preconditioned by the last factor, warm-started */
} mn_kirchhoff_strategy;

/** @brief Fill-reducing ordering used by the symbolic analysis. */
typedef enum mn_kirchhoff_ordering {
    MN_ORDERING_DEFAULT = 0,  /**< METIS when available, else AMD */
    MN_ORDERING_AMD = 1,
    MN_ORDERING_METIS = 2
} mn_kirchhoff_ordering;

/**
 * @brief Create a solver for graph `g` (borrowed; must outlive the solver and keep its edges).
 * @param[out] out the solver; NULL on failure.
 */
MN_API mn_status mn_kirchhoff_new(mn_kirchhoff **out, mn_graph *g);

/** @brief Free a solver; NULL does nothing. */
MN_API void mn_kirchhoff_free(mn_kirchhoff *k);

/**
 * @brief Add a Dirichlet electrode: a node set held at one potential (initially 0 V).
 * @param[in] nodes node ids (at least one; no node may belong to another electrode).
 * @param[out] id electrode index (0, 1, ...), may be NULL.
 * @return #MN_OK, #MN_ERR_INVALID (empty set, overlap with another electrode: the message names
 *         the node), #MN_ERR_RANGE (bad id).
 */
MN_API mn_status mn_kirchhoff_add_electrode(mn_kirchhoff *k, const mn_index *nodes, size_t n,
                                            size_t *id);

/** @brief Number of electrodes. */
MN_API size_t mn_kirchhoff_electrode_count(const mn_kirchhoff *k);

/** @brief Set the potential (V) of electrode `id`. Cheap: no refactorisation. */
MN_API mn_status mn_kirchhoff_set_potential(mn_kirchhoff *k, size_t id, double volts);

/**
 * @brief Current injection (000 eqs 5-6): inject +j at node set `from` and -j at node set `to`
 *        (spread equally over each set's nodes). Replaces any earlier injection. With no
 *        Dirichlet electrode, one node of `to` is the ground (0 V).
 */
MN_API mn_status mn_kirchhoff_set_injection(mn_kirchhoff *k, const mn_index *from, size_t nfrom,
                                            const mn_index *to, size_t nto, double amps);

/** @brief Series EMF S_e (V) on each edge (edge-count values, copied), or NULL for none. */
MN_API mn_status mn_kirchhoff_set_emf(mn_kirchhoff *k, const double *emf);

/**
 * @brief New conductances (S), edge-count values, each finite and >= 0 (copied).
 *        O(m) refill of the matrix; the factorisation happens in mn_kirchhoff_solve().
 * @return #MN_OK or #MN_ERR_RANGE naming the first bad edge and value.
 */
MN_API mn_status mn_kirchhoff_set_conductances(mn_kirchhoff *k, const double *G);

/**
 * @brief Change the conductances of `n` edges only (for filament switching: the rank-k update
 *        path). Values finite and >= 0.
 */
MN_API mn_status mn_kirchhoff_update_conductances(mn_kirchhoff *k, const mn_index *edges,
                                                  const double *G, size_t n);

/** @brief Choose the strategy (default #MN_KIRCHHOFF_AUTO). */
MN_API mn_status mn_kirchhoff_set_strategy(mn_kirchhoff *k, mn_kirchhoff_strategy s);

/** @brief Choose the ordering; takes effect at the next analysis. */
MN_API mn_status mn_kirchhoff_set_ordering(mn_kirchhoff *k, mn_kirchhoff_ordering o);

/** @brief Relative residual tolerance of the CG path (default 1e-12). */
MN_API mn_status mn_kirchhoff_set_cg_tolerance(mn_kirchhoff *k, double rtol);

/**
 * @brief Solve for the present conductances, electrode potentials, injection and EMF.
 * @return #MN_OK, #MN_ERR_STATE (no conductances set), #MN_ERR_SINGULAR (nothing to hold the
 *         potential: no electrode and no injection ground), #MN_ERR_SOLVER.
 */
MN_API mn_status mn_kirchhoff_solve(mn_kirchhoff *k);

/**
 * @brief Node potentials (V) of the last solve, node-count values. Borrowed; valid until the
 *        next solve. Floating nodes (no defined potential) hold 0 and are listed by
 *        mn_kirchhoff_floating_nodes().
 */
MN_API const double *mn_kirchhoff_potentials(const mn_kirchhoff *k);

/** @brief Edge voltages V_e = phi_u - phi_v of the last solve (edge-count values). Borrowed. */
MN_API const double *mn_kirchhoff_edge_voltages(const mn_kirchhoff *k);

/** @brief Edge currents I_e = G_e (V_e + S_e) of the last solve. Borrowed. */
MN_API const double *mn_kirchhoff_edge_currents(const mn_kirchhoff *k);

/** @brief Current (A) leaving electrode `id` into the network, from the last solve. */
MN_API mn_status mn_kirchhoff_electrode_current(const mn_kirchhoff *k, size_t id, double *amps);

/**
 * @brief Two-terminal effective conductance G_eff = I / V between electrodes a and b for the
 *        present conductances (a at 1 V, b at 0 V, other electrodes floating... see docs).
 *        Does not change the stored potentials of the last solve.
 */
MN_API mn_status mn_kirchhoff_effective_conductance(mn_kirchhoff *k, size_t a, size_t b,
                                                    double *G_eff);

/** @brief Number of floating nodes (no defined potential) at the last solve. */
MN_API size_t mn_kirchhoff_floating_count(const mn_kirchhoff *k);

/** @brief Their ids (floating-count values). Borrowed. */
MN_API const mn_index *mn_kirchhoff_floating_nodes(const mn_kirchhoff *k);

/** @brief Counters since creation: analyses, refactorisations, updates, CG solves, CG
 *         iterations. Any pointer may be NULL. */
MN_API void mn_kirchhoff_stats(const mn_kirchhoff *k, uint64_t *analyses, uint64_t *refactors,
                               uint64_t *updates, uint64_t *cg_solves, uint64_t *cg_iterations);

MN_END_DECLS

#endif /* MEMNET_KIRCHHOFF_H */
