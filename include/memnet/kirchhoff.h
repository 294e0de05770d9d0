/**
 * @file kirchhoff.h
 * @brief Kirchhoff solver: nodal analysis L phi = b with L = B G B^T on a graph, Dirichlet
 *        electrodes, current injection, series EMF per edge; CHOLMOD factorisation analysed
 *        once per topology and refactorised, updated (rank-k) or used as a CG preconditioner
 *        when conductances change. See docs/kirchhoff.md and 000 eqs 5-6, 20-24.
 *
 * Sign conventions: edge e = (u -> v), V_e = phi_u - phi_v (V), I_e = G_e (V_e + S_e) (A)
 * flows from u to v. Kirchhoff's current law at every free node i:
 * sum_e B_ie I_e = j_i (B_ue = +1, B_ve = -1; j the injected current). The current of an
 * electrode is the total current leaving the electrode's nodes into the network through edges
 * with one end outside it (positive for a source at higher potential).
 *
 * The unknowns are the potentials of the free nodes: all nodes except electrode nodes (held at
 * their electrode's potential) and, with no electrode, the injection ground. Nodes of a
 * component that touches no held node, or that is joined to one only through zero
 * conductances, have no defined potential ("floating"): they are excluded from the solve
 * (their rows are decoupled exactly, no regularisation), listed by
 * mn_kirchhoff_floating_nodes(), their potential is reported as 0 and every edge touching one
 * has V_e = 0 and I_e = 0 (a floating part carries no current; the Laplacian of the rest stays
 * exactly conservative).
 *
 * Conductances may span 1e-90 .. 10 S. When the ratio of the largest to the smallest positive
 * conductance exceeds 1e12 (or CHOLMOD meets a pivot lost to cancellation), the factorisation
 * switches to a cancellation-free elimination of the grounded Laplacian (every pivot is the
 * positive sum of its grounding and off-diagonal magnitudes), so weakly held clusters keep
 * their potential to round-off; the update strategy then falls back to refactorisation.
 * Potentials are accurate to round-off relative to the largest electrode potential; the current
 * of an edge is G_e (phi_u - phi_v), resolved to about G_e * 1e-16 * max|phi|.
 *
 * Cost: one symbolic analysis (METIS) per topology and electrode configuration, O(m) refill,
 * then a numeric factorisation, a rank-k update or a few PCG iterations per solve.
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
    MN_KIRCHHOFF_AUTO = 0,      /**< chosen per call by a deterministic cost model (operation
                                     counts of the analysis, not timings: the same inputs give
                                     the same choices); docs/kirchhoff.md */
    MN_KIRCHHOFF_REFACTOR = 1,  /**< numeric refactorisation + solve */
    MN_KIRCHHOFF_UPDATE = 2,    /**< rank-k update/downdate of the factor for the changed edges */
    MN_KIRCHHOFF_PCG = 3        /**< CG preconditioned by the last factor, warm-started */
} mn_kirchhoff_strategy;

/** @brief Fill-reducing ordering used by the symbolic analysis. */
typedef enum mn_kirchhoff_ordering {
    MN_ORDERING_DEFAULT = 0,  /**< by the expected number of factorisations: AMD for a solver
                                   of its own (a one-shot solve: the analysis dominates), METIS
                                   for the time stepper's solver (mn_sim_kirchhoff(), which
                                   refactorises at every step; AMD if METIS is missing) */
    MN_ORDERING_AMD = 1,
    MN_ORDERING_METIS = 2
} mn_kirchhoff_ordering;

/**
 * @brief Create a solver for graph `g` (borrowed; must outlive the solver and keep its nodes
 *        and edges: adding edges afterwards makes the next solve fail with #MN_ERR_STATE).
 *        The solver allocates from the graph's context and reports errors there.
 * @param[out] out the solver; NULL on failure.
 * @param[in] g the network (at least one node).
 * @return #MN_OK, #MN_ERR_INVALID (NULL, no nodes), #MN_ERR_RANGE (more than 2^31 - 3 nodes
 *         or edges), #MN_ERR_NOMEM, #MN_ERR_SOLVER (CHOLMOD could not start). O(n + m).
 */
MN_API mn_status mn_kirchhoff_new(mn_kirchhoff **out, mn_graph *g);

/** @brief Free a solver; NULL does nothing. */
MN_API void mn_kirchhoff_free(mn_kirchhoff *k);

/**
 * @brief Add a Dirichlet electrode: a node set held at one potential (initially 0 V).
 *        Changes the unknowns: the next solve redoes the symbolic analysis.
 * @param[in,out] k the solver; NULL gives #MN_ERR_INVALID (no message: no context).
 * @param[in] nodes node ids (at least one; none listed twice; no node may belong to another
 *            electrode). Copied.
 * @param[in] n number of nodes.
 * @param[out] id electrode index (0, 1, ... in order of addition), may be NULL.
 * @return #MN_OK, #MN_ERR_INVALID (NULL or empty set, a node listed twice or already in
 *         another electrode: the message names the node), #MN_ERR_RANGE (node id out of range),
 *         #MN_ERR_NOMEM. O(n_nodes).
 */
MN_API mn_status mn_kirchhoff_add_electrode(mn_kirchhoff *k, const mn_index *nodes, size_t n,
                                            size_t *id);

/** @brief Number of electrodes (0 for NULL). */
MN_API size_t mn_kirchhoff_electrode_count(const mn_kirchhoff *k);

/**
 * @brief Set the potential (V) of electrode `id`. Cheap: only the right-hand side changes,
 *        the next solve reuses the factor.
 * @return #MN_OK, #MN_ERR_RANGE (no such electrode, non-finite volts).
 */
MN_API mn_status mn_kirchhoff_set_potential(mn_kirchhoff *k, size_t id, double volts);

/**
 * @brief Current injection (000 eqs 5-6): inject +amps at node set `from` and -amps at node
 *        set `to` (spread equally over each set's nodes: amps/nfrom per node). Replaces any
 *        earlier injection; amps = 0 switches it off. Current injected into an electrode node
 *        goes straight into the electrode. With no Dirichlet electrode, the first node of `to`
 *        is the ground (held at 0 V); changing the ground redoes the analysis.
 *        A solve fails with #MN_ERR_SINGULAR if an injection node is floating.
 * @return #MN_OK, #MN_ERR_INVALID (NULL or empty set, a node in both sets: named),
 *         #MN_ERR_RANGE (node id out of range, non-finite amps), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_kirchhoff_set_injection(mn_kirchhoff *k, const mn_index *from, size_t nfrom,
                                            const mn_index *to, size_t nto, double amps);

/**
 * @brief Series EMF S_e (V) on each edge (edge-count values, copied), or NULL for none.
 *        Enters the right-hand side only (I_e = G_e (V_e + S_e)); no refactorisation.
 * @return #MN_OK, #MN_ERR_RANGE (non-finite value: the message names the edge), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_kirchhoff_set_emf(mn_kirchhoff *k, const double *emf);

/**
 * @brief New conductances (S), edge-count values, each finite and >= 0 (copied).
 *        O(m): records which edges changed; the matrix is refilled through the edge ->
 *        matrix-entry map and factorised (or updated) in mn_kirchhoff_solve(). A conductance
 *        going to or from 0 triggers a new floating-node detection (O(n + m)).
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE naming the first bad edge and value
 *         (negative, NaN, infinite; nothing is changed then), #MN_ERR_STATE (graph gained
 *         edges), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_kirchhoff_set_conductances(mn_kirchhoff *k, const double *G);

/**
 * @brief Change the conductances of `n` edges only (for filament switching: the rank-k update
 *        path). Values finite and >= 0 (S). O(n); the next solve updates the factor with
 *        cholmod_updown (one rank-1 column per changed edge) when the strategy or the cost
 *        model says so. An edge may be listed more than once (the last value wins).
 * @return #MN_OK, #MN_ERR_INVALID (NULL arrays), #MN_ERR_STATE (no earlier
 *         mn_kirchhoff_set_conductances()), #MN_ERR_RANGE (edge id out of range or bad value,
 *         named; nothing is changed then).
 */
MN_API mn_status mn_kirchhoff_update_conductances(mn_kirchhoff *k, const mn_index *edges,
                                                  const double *G, size_t n);

/**
 * @brief Choose the strategy (default #MN_KIRCHHOFF_AUTO). A forced strategy is used whenever
 *        it can be: the first solve, a new floating set or the cancellation-free mode always
 *        refactorise; a forced #MN_KIRCHHOFF_PCG that does not converge in 200 iterations with
 *        a stale factor refactorises instead. See docs/kirchhoff.md for the AUTO cost model.
 * @return #MN_OK, #MN_ERR_RANGE (unknown value).
 */
MN_API mn_status mn_kirchhoff_set_strategy(mn_kirchhoff *k, mn_kirchhoff_strategy s);

/**
 * @brief Choose the fill-reducing ordering. A change redoes the analysis at the next solve.
 *        #MN_ORDERING_DEFAULT is AMD for a solver made with mn_kirchhoff_new() and METIS for
 *        a simulation's solver (falls back to AMD if CHOLMOD lacks METIS); set
 *        #MN_ORDERING_METIS for a solver of your own that refactorises more than about 20
 *        times (docs/kirchhoff.md).
 * @return #MN_OK, #MN_ERR_RANGE (unknown value).
 */
MN_API mn_status mn_kirchhoff_set_ordering(mn_kirchhoff *k, mn_kirchhoff_ordering o);

/**
 * @brief Relative residual tolerance ||b - A x||_2 / ||b||_2 of the PCG path (default 1e-12),
 *        checked on the true residual.
 * @return #MN_OK, #MN_ERR_RANGE (not in (0, 1)).
 */
MN_API mn_status mn_kirchhoff_set_cg_tolerance(mn_kirchhoff *k, double rtol);

/**
 * @brief Solve for the present conductances, electrode potentials, injection and EMF.
 *        Analyses (first call, new electrodes/ordering), detects floating nodes when needed,
 *        refills the matrix in O(m), then refactorises, updates or iterates as the strategy
 *        says, and computes potentials, edge voltages and currents and electrode currents.
 * @return #MN_OK, #MN_ERR_STATE (no conductances set, graph changed), #MN_ERR_SINGULAR
 *         (nothing to hold the potential: no electrode and no injection; or an injection node
 *         is floating: named), #MN_ERR_CONVERGENCE (forced PCG failed with a current factor),
 *         #MN_ERR_SOLVER, #MN_ERR_NOMEM, #MN_ERR_RANGE (factor beyond int indices).
 *         On failure the results of the previous solve are kept but no longer valid.
 */
MN_API mn_status mn_kirchhoff_solve(mn_kirchhoff *k);

/**
 * @brief Node potentials (V) of the last solve, node-count values. Borrowed; the pointer stays
 *        valid for the solver's life and the values are overwritten by the next solve (zeros
 *        before the first). Electrode nodes hold their electrode's potential, the injection
 *        ground 0; floating nodes (no defined potential) hold 0 and are listed by
 *        mn_kirchhoff_floating_nodes(). NULL for a NULL solver.
 */
MN_API const double *mn_kirchhoff_potentials(const mn_kirchhoff *k);

/** @brief Edge voltages V_e = phi_u - phi_v (V) of the last solve (edge-count values);
 *         0 on edges touching a floating node. Borrowed, as mn_kirchhoff_potentials(). */
MN_API const double *mn_kirchhoff_edge_voltages(const mn_kirchhoff *k);

/** @brief Edge currents I_e = G_e (V_e + S_e) (A, from u to v) of the last solve;
 *         0 on edges touching a floating node. Borrowed, as mn_kirchhoff_potentials(). */
MN_API const double *mn_kirchhoff_edge_currents(const mn_kirchhoff *k);

/**
 * @brief Current (A) leaving electrode `id` into the network at the last solve: the sum of
 *        I_e over edges leaving its node set minus those entering it (edges inside the set do
 *        not count). The currents of all electrodes plus the injected current sum to 0.
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE (no such electrode), #MN_ERR_STATE
 *         (no successful solve since the last change).
 */
MN_API mn_status mn_kirchhoff_electrode_current(const mn_kirchhoff *k, size_t id, double *amps);

/**
 * @brief Two-terminal effective conductance G_eff = I / V (S) between electrodes a and b for
 *        the present conductances: a at 1 V, b at 0 V, no injection, no EMF; every other
 *        electrode is open, i.e. stays an equipotential metal contact carrying zero net
 *        current (as in a two-probe measurement with the other pads disconnected).
 *        Computed by superposition with the solver's factor: one solve per electrode other
 *        than b gives the terminal conductance matrix Y (currents into the grounded electrodes
 *        as sums of terms of one sign, diagonal by charge conservation), the open electrodes
 *        are eliminated from Y (Kron reduction), G_eff = Y_aa. With two electrodes this is
 *        1 / R between them, 000 eq. (24). Refactorises if the factor is stale. Does not
 *        change the stored results of the last solve.
 * @param[in,out] k the solver with conductances set (not const: it may redo the symbolic
 *            analysis and the factorisation; its electrode potentials are not touched).
 * @param[in] a electrode index of the driven terminal (held at 1 V).
 * @param[in] b electrode index of the grounded terminal (0 V), different from a.
 * @param[out] G_eff the conductance (S); NaN on failure (left untouched if G_eff or k is
 *            NULL, which gives #MN_ERR_INVALID).
 * @return #MN_OK, #MN_ERR_INVALID (NULL, a == b), #MN_ERR_RANGE (no such electrode), and the
 *         errors of mn_kirchhoff_solve(). Cost: (electrodes - 1) solves + O(m) each.
 */
MN_API mn_status mn_kirchhoff_effective_conductance(mn_kirchhoff *k, size_t a, size_t b,
                                                    double *G_eff);

/** @brief Number of floating nodes (no defined potential) at the last solve (0 before). */
MN_API size_t mn_kirchhoff_floating_count(const mn_kirchhoff *k);

/** @brief Their ids in increasing order (floating-count values). Borrowed; overwritten by
 *         the next solve; NULL before the first solve. */
MN_API const mn_index *mn_kirchhoff_floating_nodes(const mn_kirchhoff *k);

/** @brief Counters of a solver, read with mn_kirchhoff_stat_get(). New counters are appended. */
typedef enum mn_kirchhoff_stat {
    MN_KIRCHHOFF_STAT_ANALYSES = 0,     /**< symbolic analyses (fill-reducing ordering) */
    MN_KIRCHHOFF_STAT_REFACTORS = 1,    /**< numeric refactorisations */
    MN_KIRCHHOFF_STAT_UPDATES = 2,      /**< rank-k updates (one per solve that updated the
                                             factor) */
    MN_KIRCHHOFF_STAT_CG_SOLVES = 3,    /**< preconditioned CG solves */
    MN_KIRCHHOFF_STAT_CG_ITERATIONS = 4 /**< preconditioned CG iterations, summed */
} mn_kirchhoff_stat;

/**
 * @brief One counter accumulated since the solver was created (replaces 0.1's
 *        mn_kirchhoff_stats(), whose five out-parameters could not grow).
 * @param[in] k the solver (NULL gives 0).
 * @param[in] which an ::mn_kirchhoff_stat (an unknown one gives 0).
 * @return the counter. O(1).
 */
MN_API uint64_t mn_kirchhoff_stat_get(const mn_kirchhoff *k, mn_kirchhoff_stat which);

MN_END_DECLS

#endif /* MEMNET_KIRCHHOFF_H */
