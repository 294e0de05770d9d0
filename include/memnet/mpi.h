/**
 * @file mpi.h
 * @brief Distributed Kirchhoff solves on PETSc + hypre (libmemnet-mpi, `-Dmpi=enabled`).
 *
 * This header belongs to the separate library libmemnet-mpi (pkg-config `memnet-mpi`); it
 * includes `<mpi.h>`. libmemnet itself stays free of MPI: memnet.h does not include this file.
 *
 * The model is the one of kirchhoff.h, distributed over the ranks of an MPI communicator:
 * edge e = (u -> v), V_e = phi_u - phi_v, I_e = G_e (V_e + S_e); electrodes are node sets held
 * at a potential; Kirchhoff's current law holds at every free node (000 eqs 5-6). Floating
 * nodes (no path of positive conductance to an electrode) are decoupled exactly, report
 * potential 0 and V = I = 0 on their edges, as in the serial solver.
 *
 * Distribution. Every rank passes the edges it owns, with global node ids (0 .. n-1). Edges
 * never move: edge-count arrays (conductances, EMF, V, I) are per rank, in the order the rank
 * added its edges. Nodes (the rows of the Laplacian) are partitioned by
 * mn_mpi_graph_partition(): in blocks of node ids, along a space-filling curve through the
 * node coordinates, or by PT-Scotch; each a function of the graph and the rank count only (the
 * same owners in every call and process). A rank sees its owned nodes and the ghost
 * nodes its edges touch ("local nodes", mn_mpi_graph_local_nodes()); node-count arrays are over
 * the local nodes. For little communication, add each edge on a rank that owns one of its ends
 * (the distributed generators do).
 *
 * The linear system is solved by PETSc's CG preconditioned by hypre's BoomerAMG (changeable
 * through a PETSc options string, e.g. MUMPS's direct solver). Strategies mirror the serial
 * solver's: a new AMG setup per solve, CG on the last hierarchy warm-started from the last
 * potentials, or AUTO, which reuses the hierarchy until the extra iterations it costs add up to
 * one setup (memnet's refactorisation rule with the setup as the refactorisation cost, both
 * counted in CG iterations, never measured times: the same data give the same choices).
 *
 * Accuracy. The iteration stops at a relative residual ||b - A x|| / ||b|| of 1e-12 (settable).
 * Conductance contrasts beyond 1e12 (max / min positive conductance) are refused with
 * #MN_ERR_RANGE: there only the serial solver's cancellation-free elimination stays exact
 * (measured: BoomerAMG-CG breaks down, MUMPS returns inf at tunnel gaps of 1e-90 S).
 *
 * Collective calls (marked) must be made by every rank of the communicator in the same order;
 * they return the same status on every rank (a rank whose own arguments were fine reports
 * "another rank failed" with that rank's status).
 *
 * Threads: as in core.h, one thread per object; MPI must be initialised (mn_mpi_init()).
 */
#ifndef MEMNET_MPI_H
#define MEMNET_MPI_H

#include <memnet/core.h>
#include <memnet/models.h>
#include <memnet/sim.h>
#include <mpi.h>

MN_BEGIN_DECLS

/**
 * @brief Initialise MPI (if the program has not) and PETSc (if not yet), with PETSc's error
 *        printing and signal handlers off. Call once before any other mn_mpi_ function; a
 *        second call does nothing. Collective over MPI_COMM_WORLD.
 * @return #MN_OK or #MN_ERR_SOLVER (MPI or PETSc failed to start).
 */
MN_API mn_status mn_mpi_init(void);

/**
 * @brief Finalise what mn_mpi_init() started (PETSc, and MPI if mn_mpi_init() initialised it).
 *        Free every mn_mpi object first. Collective.
 * @return #MN_OK or #MN_ERR_SOLVER.
 */
MN_API mn_status mn_mpi_finalize(void);

/** @brief A graph whose edges are distributed over the ranks of a communicator. Opaque. */
typedef struct mn_mpi_graph mn_mpi_graph;

/** @brief How the nodes (rows) are distributed over the ranks. */
typedef enum mn_mpi_partition {
    MN_MPI_PARTITION_BLOCK = 0,   /**< contiguous blocks of node ids, equal counts */
    MN_MPI_PARTITION_SFC = 1,     /**< Morton (Z-order) curve through the node coordinates,
                                       equal counts; needs the coordinates of every node */
    MN_MPI_PARTITION_PTSCOTCH = 2 /**< PT-Scotch graph partitioning (fewest cut edges), a
                                       function of the graph and the rank count only;
                                       #MN_ERR_UNSUPPORTED if built without PT-Scotch */
} mn_mpi_partition;

/**
 * @brief Create an empty distributed graph of n_nodes nodes (global ids 0 .. n_nodes-1).
 *        Collective. The communicator is borrowed (duplicated internally).
 * @param[out] out the graph; NULL on failure.
 * @param[in] ctx context for allocations and error messages (one per rank).
 * @param[in] comm the communicator.
 * @param[in] n_nodes global node count, 1 .. 2^31 - 1, the same on every rank.
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE (count, or counts differ between
 *         ranks), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_new(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm,
                                  size_t n_nodes);

/**
 * @brief Free a graph (after every solver on it); NULL does nothing. Not collective.
 * @param[in] g the graph (owned; invalid afterwards).
 */
MN_API void mn_mpi_graph_free(mn_mpi_graph *g);

/**
 * @brief Add edges owned by this rank (u[i] -> v[i], global node ids). Local call, before
 *        mn_mpi_graph_partition(). The edges get local ids in the order of addition.
 * @param[in,out] g the graph.
 * @param[in] u tail node ids (n values, copied).
 * @param[in] v head node ids (n values, copied).
 * @param[in] n number of edges (0 does nothing).
 * @return #MN_OK, #MN_ERR_INVALID (NULL arrays with n > 0), #MN_ERR_RANGE (a node id out of
 *         range, naming it), #MN_ERR_STATE (graph already partitioned), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_add_edges(mn_mpi_graph *g, const mn_index *u, const mn_index *v,
                                        size_t n);

/**
 * @brief Give coordinates (x, y, z; metres or any unit; z = 0 in 2-D) of nodes this rank
 *        knows. Local call; any rank may give any node; a node given twice keeps one of the
 *        values. Used by #MN_MPI_PARTITION_SFC.
 * @param[in,out] g the graph.
 * @param[in] nodes global node ids (n values, copied).
 * @param[in] xyz 3 values per node (finite, copied).
 * @param[in] n number of nodes.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (id or non-finite value), #MN_ERR_STATE
 *         (already partitioned), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_set_coordinates(mn_mpi_graph *g, const mn_index *nodes,
                                              const double *xyz, size_t n);

/**
 * @brief Add this rank's part of a named node set (the set is the union over ranks). Local
 *        call; may be repeated to add more nodes to the same name.
 * @param[in,out] g the graph.
 * @param[in] name set name (copied; at most 63 bytes).
 * @param[in] nodes global node ids (copied; may be NULL if n is 0).
 * @param[in] n number of nodes (may be 0).
 * @return #MN_OK, #MN_ERR_INVALID (NULL/empty/long name), #MN_ERR_RANGE (id), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_add_node_set(mn_mpi_graph *g, const char *name,
                                           const mn_index *nodes, size_t n);

/**
 * @brief Partition the nodes over the ranks and build the local node lists. Collective; once
 *        per graph (the first solver does #MN_MPI_PARTITION_BLOCK if it was not called).
 * @param[in,out] g the graph.
 * @param[in] method the partition method.
 * @return #MN_OK, #MN_ERR_RANGE (unknown method), #MN_ERR_STATE (called twice; SFC with a node
 *         lacking coordinates, naming it), #MN_ERR_UNSUPPORTED (PT-Scotch missing, or a
 *         graph beyond its index range, naming the sizes), #MN_ERR_SOLVER (PETSc or
 *         PT-Scotch), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_partition(mn_mpi_graph *g, mn_mpi_partition method);

/**
 * @brief Give the lengths (tunnel gaps L or D of 003 eqs 1-6, in the geometry's unit) of this
 *        rank's edges, for models that need them (hillock, filament). Local call, after this
 *        rank's last mn_mpi_graph_add_edges(); edges added later have no length.
 * @param[in,out] g the graph.
 * @param[in] length one value per edge of this rank (finite, > 0; copied).
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE (a bad value, naming the edge),
 *         #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_graph_set_edge_lengths(mn_mpi_graph *g, const double *length);

/**
 * @brief Global index of this rank's first edge: edges are numbered rank-major (rank 0's edges
 *        in the order of addition, then rank 1's, ...), the numbering of the event log and of
 *        recorded edges. Local call after mn_mpi_graph_partition().
 * @param[in] g the graph.
 * @return the offset, or -1 for NULL or before partitioning.
 */
MN_API int64_t mn_mpi_graph_edge_offset(const mn_mpi_graph *g);

/** @brief Number of edges over all ranks; -1 for NULL or before partitioning.
 *  @param[in] g the graph. */
MN_API int64_t mn_mpi_graph_global_edge_count(const mn_mpi_graph *g);

/** @brief Number of edges added on this rank. @param[in] g the graph (NULL gives 0). */
MN_API size_t mn_mpi_graph_edge_count(const mn_mpi_graph *g);

/** @brief Tail node ids (global) of this rank's edges, in the order of addition; borrowed,
 *         valid until edges are added. @param[in] g the graph (NULL gives NULL). */
MN_API const mn_index *mn_mpi_graph_edge_u(const mn_mpi_graph *g);

/** @brief Head node ids (global) of this rank's edges; as mn_mpi_graph_edge_u().
 *  @param[in] g the graph (NULL gives NULL). */
MN_API const mn_index *mn_mpi_graph_edge_v(const mn_mpi_graph *g);

/**
 * @brief This rank's part of a named node set (global ids; borrowed, valid until the set
 *        grows). Local call.
 * @param[in] g the graph.
 * @param[in] name the set name.
 * @param[out] n number of ids (0 if this rank has no such set; may be NULL).
 * @return the ids, or NULL if this rank has no part of a set of that name.
 */
MN_API const mn_index *mn_mpi_graph_node_set(const mn_mpi_graph *g, const char *name, size_t *n);

/** @brief Number of nodes owned by this rank (0 before partitioning).
 *  @param[in] g the graph (NULL gives 0). */
MN_API size_t mn_mpi_graph_owned_node_count(const mn_mpi_graph *g);

/** @brief Number of local nodes: owned, then ghosts (0 before partitioning).
 *  @param[in] g the graph (NULL gives 0). */
MN_API size_t mn_mpi_graph_local_node_count(const mn_mpi_graph *g);

/**
 * @brief Global ids of the local nodes (owned first, then ghosts), borrowed, valid while the
 *        graph lives; NULL before partitioning. Node-count arrays of the solver use this order.
 * @param[in] g the graph.
 */
MN_API const mn_index *mn_mpi_graph_local_nodes(const mn_mpi_graph *g);

/**
 * @brief Generate a 2-D nanowire (stick) network distributed over the ranks: n_wires sticks
 *        of the given length, centres uniform in the side x side square, angles uniform; a
 *        junction wherever two sticks cross. Wire i's geometry depends on (seed, i) only, so
 *        the network is the same for any number of ranks. Rank r owns the wires whose centre
 *        lies in its slab x in [side r / P, side (r+1) / P), looks one wire length beyond it
 *        (halo), adds the junctions (i, j), i < j, of its wires i, the wire centres as node
 *        coordinates and the node sets "left" / "right" (wires reaching within margin of
 *        x = 0 / x = side). Node ids are wire ids. Collective. O(n_wires) per rank to find the
 *        slab's wires, O(owned wires) for the junctions.
 * @param[out] out the graph (not yet partitioned); NULL on failure.
 * @param[in] ctx context for allocations and messages.
 * @param[in] comm the communicator.
 * @param[in] n_wires number of wires (1 .. 2^31 - 1).
 * @param[in] side square side (any length unit, the wire length's).
 * @param[in] length wire length, 0 < length < side.
 * @param[in] margin electrode margin, 0 <= margin < side / 2.
 * @param[in] seed random seed.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (a bad size, named), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_gen_sticks(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm,
                                   size_t n_wires, double side, double length, double margin,
                                   uint64_t seed);

/** @brief A distributed Kirchhoff solver bound to a distributed graph. Opaque. */
typedef struct mn_mpi_kirchhoff mn_mpi_kirchhoff;

/** @brief How new conductances are turned into a solution. */
typedef enum mn_mpi_strategy {
    MN_MPI_AUTO = 0,  /**< reuse the AMG hierarchy while cheaper than a new setup (ski rental) */
    MN_MPI_SETUP = 1, /**< new AMG setup for every solve, CG from zero */
    MN_MPI_REUSE = 2  /**< CG on the last hierarchy, warm-started from the last potentials
                           (a setup only for the first solve or when the floating set changes) */
} mn_mpi_strategy;

/** @brief Statistics of a distributed solver (mn_mpi_kirchhoff_stat_get()). */
typedef enum mn_mpi_kirchhoff_stat {
    MN_MPI_KIRCHHOFF_STAT_SOLVES = 0,          /**< successful solves */
    MN_MPI_KIRCHHOFF_STAT_SETUPS = 1,          /**< AMG setups (or factorisations) */
    MN_MPI_KIRCHHOFF_STAT_ITERATIONS = 2,      /**< Krylov iterations, all solves */
    MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS = 3, /**< iterations of the last solve */
    MN_MPI_KIRCHHOFF_STAT_LAST_RESIDUAL = 4,   /**< ||b - A x|| / ||b|| of the last solve */
    MN_MPI_KIRCHHOFF_STAT_LAST_SETUP_SECONDS = 5, /**< wall time of the last setup */
    MN_MPI_KIRCHHOFF_STAT_LAST_SOLVE_SECONDS = 6, /**< wall time of the last solve call */
    MN_MPI_KIRCHHOFF_STAT_LAST_REUSED = 7,     /**< 1 if the last solve reused a hierarchy */
    MN_MPI_KIRCHHOFF_STAT_UNKNOWNS = 8,        /**< global rows of the system */
    MN_MPI_KIRCHHOFF_STAT_FLOATING = 9         /**< global count of floating nodes */
} mn_mpi_kirchhoff_stat;

/**
 * @brief Create a solver on graph g (borrowed; partitions it by blocks if not yet done).
 *        Collective. Default: AUTO, relative residual 1e-12, "-ksp_type cg -pc_type hypre
 *        -pc_hypre_type boomeramg -pc_hypre_boomeramg_coarsen_type HMIS
 *        -pc_hypre_boomeramg_interp_type ext+i -pc_hypre_boomeramg_P_max 4
 *        -pc_hypre_boomeramg_relax_type_down SOR/Jacobi
 *        -pc_hypre_boomeramg_relax_type_up backward-SOR/Jacobi".
 * @param[out] out the solver; NULL on failure.
 * @param[in,out] g the distributed graph (borrowed; must outlive the solver).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM, #MN_ERR_SOLVER (PETSc not initialised: call
 *         mn_mpi_init()) or the status of mn_mpi_graph_partition().
 */
MN_API mn_status mn_mpi_kirchhoff_new(mn_mpi_kirchhoff **out, mn_mpi_graph *g);

/** @brief Free a solver; NULL does nothing. Collective (PETSc objects).
 *  @param[in] k the solver (owned; invalid afterwards). */
MN_API void mn_mpi_kirchhoff_free(mn_mpi_kirchhoff *k);

/**
 * @brief Add an electrode: the union over ranks of the nodes each rank passes (n may be 0 on
 *        some ranks), held at 0 V until mn_mpi_kirchhoff_set_potential(). Collective.
 * @param[in,out] k the solver.
 * @param[in] nodes this rank's global node ids (copied; may be NULL if n is 0).
 * @param[in] n number of nodes on this rank (may be 0).
 * @param[out] id electrode index (0, 1, ...; may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID (empty union; a node already in another electrode, naming
 *         it), #MN_ERR_RANGE (node id), #MN_ERR_NOMEM, #MN_ERR_SOLVER.
 */
MN_API mn_status mn_mpi_kirchhoff_add_electrode(mn_mpi_kirchhoff *k, const mn_index *nodes,
                                                size_t n, size_t *id);

/**
 * @brief Add an electrode from a named node set of the graph. Collective.
 * @param[in,out] k the solver.
 * @param[in] name the set name given to mn_mpi_graph_add_node_set() (on any rank).
 * @param[out] id electrode index (may be NULL).
 * @return as mn_mpi_kirchhoff_add_electrode(), #MN_ERR_NOT_FOUND (no rank has the name).
 */
MN_API mn_status mn_mpi_kirchhoff_add_electrode_set(mn_mpi_kirchhoff *k, const char *name,
                                                    size_t *id);

/**
 * @brief Set the potential (V) of electrode id; the same value on every rank. Local call.
 * @param[in,out] k the solver.
 * @param[in] id electrode index.
 * @param[in] volts potential (V), finite.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (bad id or non-finite).
 */
MN_API mn_status mn_mpi_kirchhoff_set_potential(mn_mpi_kirchhoff *k, size_t id, double volts);

/**
 * @brief Series EMF S_e (V) of this rank's edges (edge-count values, copied); NULL removes it.
 * @param[in,out] k the solver.
 * @param[in] emf one value per edge of this rank, or NULL.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (non-finite, naming the edge), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_kirchhoff_set_emf(mn_mpi_kirchhoff *k, const double *emf);

/**
 * @brief Conductances G_e (S) of this rank's edges (edge-count values, copied). Local call.
 * @param[in,out] k the solver.
 * @param[in] G one value per edge of this rank, finite and >= 0.
 * @return #MN_OK, #MN_ERR_INVALID (NULL), #MN_ERR_RANGE (negative or non-finite, naming the
 *         edge), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_kirchhoff_set_conductances(mn_mpi_kirchhoff *k, const double *G);

/**
 * @brief Set the strategy (the same on every rank).
 * @param[in,out] k the solver.
 * @param[in] s the strategy.
 * @return #MN_OK, #MN_ERR_INVALID (NULL) or #MN_ERR_RANGE (unknown value).
 */
MN_API mn_status mn_mpi_kirchhoff_set_strategy(mn_mpi_kirchhoff *k, mn_mpi_strategy s);

/**
 * @brief Relative residual ||b - A x|| / ||b|| at which the iteration stops (the same on
 *        every rank).
 * @param[in,out] k the solver.
 * @param[in] rtol in (0, 1); default 1e-12.
 * @return #MN_OK, #MN_ERR_INVALID (NULL) or #MN_ERR_RANGE.
 */
MN_API mn_status mn_mpi_kirchhoff_set_tolerance(mn_mpi_kirchhoff *k, double rtol);

/**
 * @brief PETSc options for this solver's KSP and PC, applied after the defaults, e.g.
 *        "-pc_hypre_boomeramg_strong_threshold 0.5" or "-ksp_type preonly -pc_type lu
 *        -pc_factor_mat_solver_type mumps". Copied; NULL restores the defaults. Takes effect at
 *        the next setup. Collective.
 * @param[in,out] k the solver.
 * @param[in] options PETSc command-line style options, or NULL.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_PARSE (PETSc rejected the string), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_kirchhoff_set_petsc_options(mn_mpi_kirchhoff *k, const char *options);

/**
 * @brief Solve for the present conductances, potentials and EMF. Collective.
 * @param[in,out] k the solver.
 * @return #MN_OK, #MN_ERR_STATE (no conductances), #MN_ERR_SINGULAR (no electrode),
 *         #MN_ERR_RANGE (conductance contrast above 1e12: use the serial solver),
 *         #MN_ERR_CONVERGENCE, #MN_ERR_SOLVER, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_kirchhoff_solve(mn_mpi_kirchhoff *k);

/**
 * @brief Potentials (V) of the local nodes (owned then ghost, see mn_mpi_graph_local_nodes());
 *        borrowed; NULL unless the last solve succeeded and nothing changed since.
 * @param[in] k the solver.
 */
MN_API const double *mn_mpi_kirchhoff_potentials(const mn_mpi_kirchhoff *k);

/** @brief Edge voltages V_e (V) of this rank's edges; borrowed; NULL as for the potentials.
 *  @param[in] k the solver. */
MN_API const double *mn_mpi_kirchhoff_edge_voltages(const mn_mpi_kirchhoff *k);

/** @brief Edge currents I_e (A) of this rank's edges; borrowed; NULL as for the potentials.
 *  @param[in] k the solver. */
MN_API const double *mn_mpi_kirchhoff_edge_currents(const mn_mpi_kirchhoff *k);

/**
 * @brief Current (A) leaving electrode id into the network, summed over ranks (the same on
 *        every rank). Local call after a solve.
 * @param[in] k the solver.
 * @param[in] id electrode index.
 * @param[out] amps the current (A).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (id), #MN_ERR_STATE (no solve since a change).
 */
MN_API mn_status mn_mpi_kirchhoff_electrode_current(const mn_mpi_kirchhoff *k, size_t id,
                                                    double *amps);

/**
 * @brief Effective conductance (S) between electrodes a and b with the other electrodes open,
 *        from the terminal admittance matrix (one solve per electrode other than b) reduced over
 *        ranks, as mn_kirchhoff_effective_conductance(). Ignores the EMF. Collective.
 * @param[in,out] k the solver (its potentials stay those of the last solve).
 * @param[in] a first electrode.
 * @param[in] b second electrode (held at 0 V).
 * @param[out] G_eff siemens; NaN on failure.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE, or the statuses of a solve.
 */
MN_API mn_status mn_mpi_kirchhoff_effective_conductance(mn_mpi_kirchhoff *k, size_t a,
                                                        size_t b, double *G_eff);

/** @brief 1 for each local node that was floating at the last solve (borrowed; NULL before
 *         the first solve). @param[in] k the solver. */
MN_API const unsigned char *mn_mpi_kirchhoff_floating_mask(const mn_mpi_kirchhoff *k);

/**
 * @brief A statistic (the same on every rank).
 * @param[in] k the solver.
 * @param[in] stat which one.
 * @return its value; NaN for NULL or an unknown stat.
 */
MN_API double mn_mpi_kirchhoff_stat_get(const mn_mpi_kirchhoff *k, mn_mpi_kirchhoff_stat stat);

/** @brief A distributed simulation: the junctions (edges) of each rank integrated by CVODE on
 *         an MPI+X vector, the network solved by a distributed Kirchhoff solver. Opaque. */
typedef struct mn_mpi_sim mn_mpi_sim;

/** @brief Statistics of a distributed simulation (mn_mpi_sim_stat_get()). */
typedef enum mn_mpi_sim_stat {
    MN_MPI_SIM_STAT_STEPS = 0,            /**< CVODE steps, all segments */
    MN_MPI_SIM_STAT_RHS = 1,              /**< right-hand sides (distributed solves) */
    MN_MPI_SIM_STAT_LINEAR_ITERATIONS = 2, /**< SPGMR iterations, all segments */
    MN_MPI_SIM_STAT_EVENTS = 3,           /**< events (all ranks) */
    MN_MPI_SIM_STAT_ROOT_EVALS = 4,       /**< evaluations of the global root function */
    MN_MPI_SIM_STAT_JV = 5                /**< right-hand sides inside Jacobian-vector products */
} mn_mpi_sim_stat;

/**
 * @brief Create a simulation on solver k (borrowed; its electrodes are the simulation's, its
 *        conductances are set by the simulation). Every edge of every rank gets `model`
 *        (000 eqs 1-4 for miranda). CVODE BDF + SPGMR, tolerances 1e-6 / 1e-9 as mn_sim.
 *        Collective.
 * @param[out] out the simulation; NULL on failure.
 * @param[in,out] k the distributed solver with its electrodes added.
 * @param[in] model the model of every junction (parameters copied).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM, or the status of the network set-up.
 */
MN_API mn_status mn_mpi_sim_new(mn_mpi_sim **out, mn_mpi_kirchhoff *k, const mn_model *model);

/** @brief Free a simulation; NULL does nothing. @param[in] s the simulation (owned). */
MN_API void mn_mpi_sim_free(mn_mpi_sim *s);

/**
 * @brief Voltage waveform (V) of an electrode (copied; NULL: 0 V). The same on every rank.
 * @param[in,out] s the simulation.
 * @param[in] electrode electrode index of the solver.
 * @param[in] w the waveform, or NULL.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (bad electrode), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_sim_set_waveform(mn_mpi_sim *s, size_t electrode, const mn_waveform *w);

/**
 * @brief CVODE tolerances (relative in (0, 1), absolute > 0 on every state). Same on every rank.
 * @param[in,out] s the simulation.
 * @param[in] rtol relative tolerance.
 * @param[in] atol absolute tolerance.
 * @return #MN_OK, #MN_ERR_INVALID or #MN_ERR_RANGE.
 */
MN_API mn_status mn_mpi_sim_set_tolerances(mn_mpi_sim *s, double rtol, double atol);

/** @brief How the Jacobian-vector products of CVODE's Newton-Krylov iteration are formed
 *         (mn_mpi_sim_set_jv_method()). */
typedef enum mn_mpi_jv_method {
    MN_MPI_JV_DIFFERENCE = 0, /**< CVODE's difference quotient: a right-hand side each
                                   (conductances, matrix assembly, solve warm-started from the
                                   present potentials) (default) */
    MN_MPI_JV_ANALYTIC = 1    /**< the model partials and one sensitivity solve from zero on
                                   the present matrix and hierarchy, as the serial stepper */
} mn_mpi_jv_method;

/**
 * @brief Choose how Jacobian-vector products are formed. The analytic product is
 *        J v = f_x v + f_V dV + f_I dI with dG = G_x v, dV from one CG solve of the
 *        differentiated Kirchhoff equations on the matrix and AMG hierarchy of the present
 *        right-hand side (no assembly, no setup), dI = dG (V + S) + G dV (000 eqs 1-6),
 *        solved to the Jv tolerance (mn_mpi_sim_set_jv_tolerance(); unset: 1e-6). Both give
 *        the same trajectory to the integration tolerance; per step they cost about the same
 *        (docs/scaling.md): the analytic product saves the right-hand side's assembly but its
 *        solve starts from zero where the difference quotient's starts from the present
 *        potentials. The same on every rank.
 * @param[in,out] s the simulation.
 * @param[in] method #MN_MPI_JV_DIFFERENCE (default) or #MN_MPI_JV_ANALYTIC.
 * @return #MN_OK, #MN_ERR_INVALID or #MN_ERR_RANGE (unknown method).
 */
MN_API mn_status mn_mpi_sim_set_jv_method(mn_mpi_sim *s, mn_mpi_jv_method method);

/**
 * @brief Inexact Newton-Krylov: the relative residual of the Kirchhoff solves inside CVODE's
 *        Jacobian-vector products (the sensitivity solves of the analytic product, or the
 *        right-hand sides of difference quotients), solved on the present hierarchy
 *        (no new AMG setup), while right-hand sides keep the solver's tolerance
 *        (mn_mpi_kirchhoff_set_tolerance(), default 1e-12). A Jv only steers the Newton
 *        direction: a difference quotient's solve needs the accuracy of CVODE's perturbation,
 *        a fraction of the integration tolerance; an analytic product's only the relative
 *        accuracy of the product. 0 (the default) solves difference quotients like right-hand
 *        sides and analytic products to 1e-6. The same on every rank.
 * @param[in,out] s the simulation.
 * @param[in] rtol relative residual in [0, 1), e.g. 1e-2 of the integration rtol.
 * @return #MN_OK, #MN_ERR_INVALID or #MN_ERR_RANGE.
 */
MN_API mn_status mn_mpi_sim_set_jv_tolerance(mn_mpi_sim *s, double rtol);

/**
 * @brief Start at time t0 (s) with the models' default initial states. Collective.
 * @param[in,out] s the simulation.
 * @param[in] t0 start time (finite).
 * @return #MN_OK, #MN_ERR_RANGE, #MN_ERR_SOLVER, or the status of the first solve.
 */
MN_API mn_status mn_mpi_sim_init_default(mn_mpi_sim *s, double t0);

/**
 * @brief Integrate to t_end (s); potentials, V, I and electrode currents of the solver then
 *        belong to t_end. Collective.
 * @param[in,out] s the simulation.
 * @param[in] t_end end time, >= the present time.
 * @return #MN_OK, #MN_ERR_STATE (not initialised), #MN_ERR_RANGE, #MN_ERR_SOLVER (CVODE),
 *         or the status of a distributed solve.
 */
MN_API mn_status mn_mpi_sim_run(mn_mpi_sim *s, double t_end);

/** @brief Present time (s); NaN for NULL. @param[in] s the simulation. */
MN_API double mn_mpi_sim_time(const mn_mpi_sim *s);

/** @brief Number of states of this rank's junctions. @param[in] s the simulation. */
MN_API size_t mn_mpi_sim_state_count(const mn_mpi_sim *s);

/** @brief States of this rank's junctions (borrowed; edge-major as mn_network).
 *  @param[in] s the simulation. */
MN_API const double *mn_mpi_sim_states(const mn_mpi_sim *s);

/** @brief Current (A) leaving electrode id at the present time (reduced over ranks); NaN on
 *         misuse. @param[in] s the simulation. @param[in] id electrode index. */
MN_API double mn_mpi_sim_electrode_current(const mn_mpi_sim *s, size_t id);

/** @brief A statistic (the same on every rank); NaN for NULL or an unknown one.
 *  @param[in] s the simulation. @param[in] stat which one. */
MN_API double mn_mpi_sim_stat_get(const mn_mpi_sim *s, mn_mpi_sim_stat stat);

/** @brief Applied potential (V) of electrode id at the present time (its waveform's value);
 *         NaN on misuse. @param[in] s the simulation. @param[in] id electrode index. */
MN_API double mn_mpi_sim_applied_voltage(const mn_mpi_sim *s, size_t id);

/**
 * @brief Number of events (filament formations and breakings, 003 eqs 1-3) since the start,
 *        over all ranks (the same on every rank).
 * @param[in] s the simulation (NULL gives 0).
 */
MN_API size_t mn_mpi_sim_event_count(const mn_mpi_sim *s);

/**
 * @brief Event i of the log (0 = first; the last 10^6 are kept, on every rank). Events are
 *        found by one global root function: the largest event function of all junctions of all
 *        ranks (each model's events fire when their function crosses 0 upwards), so every rank
 *        stops at the same time; the junctions whose functions are >= 0 there fire. Events of
 *        one time are logged in increasing global edge id (mn_mpi_graph_edge_offset()).
 * @param[in] s the simulation.
 * @param[in] i event index.
 * @param[out] t time (s) (may be NULL).
 * @param[out] edge global edge id (may be NULL).
 * @param[out] kind formation, breaking or other (may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (not in the log).
 */
MN_API mn_status mn_mpi_sim_event(const mn_mpi_sim *s, size_t i, double *t, int64_t *edge,
                                  mn_sim_event_kind *kind);

/**
 * @brief Write the event log to a CSV file (`t,edge,kind`, global edge ids) as events happen,
 *        as mn_sim_record_events_csv(). Rank 0 writes; other ranks' path is ignored.
 *        Collective. NULL closes the file.
 * @param[in,out] s the simulation.
 * @param[in] path file path on rank 0, or NULL.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_IO (on every rank if rank 0 failed).
 */
MN_API mn_status mn_mpi_sim_record_events_csv(mn_mpi_sim *s, const char *path);

/**
 * @brief Sample every dt seconds from t_first on (as mn_sim_set_sample_interval()): at each
 *        sample time the network is solved and the CSV row and sample callback are produced.
 *        The same values on every rank.
 * @param[in,out] s the simulation.
 * @param[in] t_first first sample time (s), finite.
 * @param[in] dt interval (s), > 0.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE.
 */
MN_API mn_status mn_mpi_sim_set_sample_interval(mn_mpi_sim *s, double t_first, double dt);

/**
 * @brief Record the states of these edges (global ids, the same list on every rank) in the CSV
 *        (columns `x<e>` or `x<e>_<j>`), gathered to rank 0 at every sample.
 * @param[in,out] s the simulation.
 * @param[in] edges global edge ids (copied).
 * @param[in] n number of edges (0 records none).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (an id not in the network), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_mpi_sim_record_edges(mn_mpi_sim *s, const int64_t *edges, size_t n);

/**
 * @brief Write the samples to a CSV file on rank 0, in the columns of mn_sim_record_csv():
 *        `t`, `V<k>,I<k>` per electrode, `G` (I0 / (V0 - V1)) with two electrodes,
 *        `mean_<state>` (means over all junctions), the recorded edges. Every header line is
 *        written as a `# ` comment first. Collective; NULL closes the file.
 * @param[in,out] s the simulation.
 * @param[in] path file path on rank 0, or NULL.
 * @param[in] header comment lines (may be NULL).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_IO (on every rank if rank 0 failed).
 */
MN_API mn_status mn_mpi_sim_record_csv(mn_mpi_sim *s, const char *path, const char *header);

/** @brief Called on every rank at every sample (after the CSV row); nonzero stops the run
 *         with #MN_ERR_CANCELLED (the ranks must agree). */
typedef int (*mn_mpi_sim_sample_fn)(const mn_mpi_sim *s, void *user_data);

/**
 * @brief Set the sample callback (NULL: none).
 * @param[in,out] s the simulation.
 * @param[in] fn the callback.
 * @param[in] user_data passed to fn.
 * @return #MN_OK or #MN_ERR_INVALID.
 */
MN_API mn_status mn_mpi_sim_set_sample_callback(mn_mpi_sim *s, mn_mpi_sim_sample_fn fn,
                                                void *user_data);

/**
 * @brief Write a snapshot of the present time: one binary file per rank,
 *        `<prefix>.rank<r>.bin` (this rank's edges: global id, u, v, states, G, V, I; its owned
 *        nodes: id, potential; little-endian, layout in docs/scaling.md), and the manifest
 *        `<prefix>.manifest` (text, rank 0: time, ranks, counts, each file's size and
 *        checksum). Collective.
 * @param[in,out] s the simulation.
 * @param[in] prefix path prefix (the same on every rank).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_STATE (not initialised), #MN_ERR_IO.
 */
MN_API mn_status mn_mpi_sim_snapshot_save(mn_mpi_sim *s, const char *prefix);

/**
 * @brief Save a checkpoint: the complete state (time, every junction state, the event count)
 *        as one binary file per rank, `<prefix>.rank<r>.ckpt`, plus the manifest
 *        `<prefix>.manifest`; each file written to a temporary name, synced and renamed.
 *        Saving restarts the integrator at the saved time and drops the solver's hierarchy and
 *        warm start, exactly as a resumed run starts, so the saving run and a run resumed from
 *        the checkpoint continue bit for bit alike on the same number of ranks (with any
 *        strategy: AUTO decides by iteration counts, not by measured times).
 *        Collective.
 * @param[in,out] s the simulation.
 * @param[in] prefix path prefix (the same on every rank).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_STATE (not initialised), #MN_ERR_IO.
 */
MN_API mn_status mn_mpi_sim_checkpoint_save(mn_mpi_sim *s, const char *prefix);

/**
 * @brief Resume from a checkpoint written by mn_mpi_sim_checkpoint_save() on the same number
 *        of ranks with the same network distribution (checked: ranks, each rank's edge and
 *        state counts, checksums), into a simulation set up the same way. Replaces
 *        mn_mpi_sim_init_default(). Collective.
 * @param[in,out] s the simulation.
 * @param[in] prefix path prefix given to the save.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_IO (missing/short file), #MN_ERR_PARSE (bad
 *         manifest, magic or checksum), #MN_ERR_RANGE (counts or rank count differ, a state
 *         outside its bounds), or the status of the first solve.
 */
MN_API mn_status mn_mpi_sim_checkpoint_load(mn_mpi_sim *s, const char *prefix);

MN_END_DECLS

#endif /* MEMNET_MPI_H */
