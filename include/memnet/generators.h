/**
 * @file generators.h
 * @brief Network generators: random nanowire sticks, percolating nanoparticle deposition,
 *        lattices, the Caravelli-Barucca circuit, electrodes.
 *
 * A generator handle (::mn_gen) holds the options (typed setters keyed by ::mn_gen_option,
 * so new options never change the ABI) and the electrodes; each generate call returns a new
 * ::mn_graph and keeps, in the handle, the extras of the last run (wire and particle
 * geometry, index maps, coverage reached, which edges are memristors).
 *
 * Every random network is reproducible: the same seed gives the same network, bit for bit,
 * on every platform (memnet's own RNG, one stream per use: 0 positions, 1 orientations,
 * 2 lengths). See docs/generators.md for the models, units and defaults.
 *
 * Electrodes are named node sets of the returned graph (mn_graph_node_set()). Without
 * explicit electrodes the random generators and lattices define "left" and "right": the
 * objects that touch the left (x = 0) and right (x = W) sides of the box (strips of width
 * #MN_GEN_PAD_WIDTH, 0 by default: the side lines themselves).
 *
 * Threads: a generator is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_GENERATORS_H
#define MEMNET_GENERATORS_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

/** @brief Generator options and the extras of the last run. Opaque. */
typedef struct mn_gen mn_gen;

/**
 * @brief Options, set with mn_gen_set_real() or mn_gen_set_int() as marked.
 *
 * Lengths are in the unit of the geometry (nanowires: any unit, e.g. um; nanoparticles:
 * particle diameters, pd); resistances in ohm, voltages in V.
 */
typedef enum mn_gen_option {
    MN_GEN_SEED = 0,           /**< int: RNG seed (default 1) */
    MN_GEN_WIDTH = 1,          /**< real: box width W > 0 (default 10) */
    MN_GEN_HEIGHT = 2,         /**< real: box height H > 0 (default 10) */
    MN_GEN_WIRES = 3,          /**< int: number of wires N >= 1 (or set #MN_GEN_DENSITY) */
    MN_GEN_DENSITY = 4,        /**< real: wires per unit area; N = round(density W H); 0 = use N */
    MN_GEN_LENGTH = 5,         /**< real: mean wire length > 0 (default 1) */
    MN_GEN_LENGTH_SD = 6,      /**< real: standard deviation of the length >= 0 (default 0) */
    MN_GEN_LENGTH_DIST = 7,    /**< int: an ::mn_gen_length_dist (default fixed) */
    MN_GEN_ORIENTATION = 8,    /**< int: an ::mn_gen_orientation (default uniform) */
    MN_GEN_ANGLE = 9,          /**< real: preferred angle (rad, from the x axis; default 0) */
    MN_GEN_ANGLE_SD = 10,      /**< real: spread of the angle (rad, >= 0; default 0.5) */
    MN_GEN_JUNCTION_GAP = 11,  /**< real: gap D stored as the length of junction edges of
                                    nanowires and of lattice edges (default 0.002 for
                                    nanowires; lattices: the geometric length if unset) */
    MN_GEN_MULTINODE = 12,     /**< int 0/1: split wires into resistive segments (default 0) */
    MN_GEN_WIRE_RESISTANCE = 13, /**< real: wire resistance per unit length (ohm/unit, > 0;
                                      default 1) for the multi-node representation */
    MN_GEN_KEEP = 14,          /**< int: an ::mn_gen_keep (default #MN_GEN_KEEP_ELECTRODES) */
    MN_GEN_PAD_WIDTH = 15,     /**< real: width of the default left/right pads (>= 0, default 0) */
    MN_GEN_COVERAGE = 16,      /**< real: target surface coverage p in (0, 1) (default 0.65) */
    MN_GEN_GAP_CUTOFF = 17,    /**< real: largest tunnel gap kept (pd, > 0; default 1) */
    MN_GEN_RESOLUTION = 18,    /**< real: raster cell for measuring coverage (pd; default 1/16) */
    MN_GEN_LATTICE = 19,       /**< int: an ::mn_gen_lattice_kind (default square) */
    MN_GEN_NX = 20,            /**< int: lattice columns / ladder rungs / chain edges /
                                    complete-graph nodes (>= 1; default 4) */
    MN_GEN_NY = 21,            /**< int: square-lattice rows (>= 1; default 4) */
    MN_GEN_SPACING = 22,       /**< real: lattice spacing > 0 (default 1) */
    MN_GEN_CB_N = 23,          /**< int: number n of memristor branches (>= 1; default 10) */
    MN_GEN_R_INT = 24,         /**< real: R_int (ohm, >= 0; default 100, 002 Fig. 3; 0 is the
                                    short-circuited mesh of 002 eq. 11's limit, see mn_gen_cb()) */
    MN_GEN_R_REF = 25,         /**< real: R_ref (ohm, > 0; default 100, 002 Fig. 3) */
    MN_GEN_SOURCE = 26         /**< real: series EMF S_k of every branch (V; default 20) */
} mn_gen_option;

/** @brief Wire length distribution (given the mean #MN_GEN_LENGTH and #MN_GEN_LENGTH_SD). */
typedef enum mn_gen_length_dist {
    MN_GEN_LENGTH_FIXED = 0,     /**< every wire has the mean length (sd must be 0) */
    MN_GEN_LENGTH_NORMAL = 1,    /**< normal, truncated to positive lengths (redrawn) */
    MN_GEN_LENGTH_LOGNORMAL = 2, /**< lognormal with the given mean and sd */
    MN_GEN_LENGTH_GAMMA = 3      /**< gamma with shape (mean/sd)^2 and scale sd^2/mean */
} mn_gen_length_dist;

/** @brief Wire orientation. */
typedef enum mn_gen_orientation {
    MN_GEN_ORIENT_UNIFORM = 0,  /**< angle uniform in [0, pi) */
    MN_GEN_ORIENT_NORMAL = 1    /**< angle normal about #MN_GEN_ANGLE with sd #MN_GEN_ANGLE_SD */
} mn_gen_orientation;

/** @brief Which part of a random network is returned. */
typedef enum mn_gen_keep {
    MN_GEN_KEEP_ALL = 0,        /**< every wire / group, including isolated ones */
    MN_GEN_KEEP_ELECTRODES = 1  /**< only the components that touch an electrode */
} mn_gen_keep;

/** @brief Lattice kinds for mn_gen_lattice(). */
typedef enum mn_gen_lattice_kind {
    MN_GEN_LATTICE_SQUARE = 0,   /**< NX x NY square grid; left/right = first/last column */
    MN_GEN_LATTICE_LADDER = 1,   /**< 2 x NX ladder (NX rungs); left/right = end rungs */
    MN_GEN_LATTICE_CHAIN = 2,    /**< NX edges in series; left/right = the two ends */
    MN_GEN_LATTICE_COMPLETE = 3  /**< complete graph on NX >= 2 nodes; left = {0},
                                      right = {NX-1} */
} mn_gen_lattice_kind;

/** @brief Edge kinds (value column 0 of multi-node nanowire and circuit graphs). */
typedef enum mn_gen_edge_kind {
    MN_GEN_EDGE_MEMRISTOR = 0,  /**< a junction / memristor: give it a memristor model */
    MN_GEN_EDGE_RESISTOR = 1    /**< a fixed resistor (wire segment, R_int, R_ref) */
} mn_gen_edge_kind;

/**
 * @brief Create a generator with default options and no electrodes.
 * @param[out] out the generator; NULL on failure.
 * @param[in] ctx owning context.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_new(mn_gen **out, mn_context *ctx);

/** @brief Free a generator (and the extras of its last run); NULL does nothing. */
MN_API void mn_gen_free(mn_gen *gen);

/**
 * @brief Set a real option.
 * @return #MN_OK; #MN_ERR_INVALID (unknown option or an integer option); #MN_ERR_RANGE
 *         (value outside the option's range, e.g. a width <= 0 or a coverage outside (0, 1):
 *         the message names the option and the value).
 */
MN_API mn_status mn_gen_set_real(mn_gen *gen, mn_gen_option opt, double value);

/** @brief Set an integer option (see mn_gen_set_real() for the return codes). */
MN_API mn_status mn_gen_set_int(mn_gen *gen, mn_gen_option opt, int64_t value);

/** @brief Read a real option. @return #MN_OK or #MN_ERR_INVALID. */
MN_API mn_status mn_gen_get_real(const mn_gen *gen, mn_gen_option opt, double *value);

/** @brief Read an integer option. @return #MN_OK or #MN_ERR_INVALID. */
MN_API mn_status mn_gen_get_int(const mn_gen *gen, mn_gen_option opt, int64_t *value);

/**
 * @brief Per-branch series EMFs S_1..S_n of the Caravelli-Barucca circuit (V, copied);
 *        they replace #MN_GEN_SOURCE. n must equal #MN_GEN_CB_N at generation time.
 *        NULL (or n = 0) returns to the single value #MN_GEN_SOURCE.
 * @return #MN_OK, #MN_ERR_RANGE (a non-finite value), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_set_cb_sources(mn_gen *gen, const double *S, size_t n);

/**
 * @brief Add an electrode: the objects (wires, particle groups, lattice nodes) that touch
 *        the rectangle [x0, x1] x [y0, y1] (zero width or height allowed: a line).
 *
 * Once any electrode is added, the default "left"/"right" pads are not made.
 * @param[in,out] gen the generator; the electrode is kept for every later run until
 *            mn_gen_clear_electrodes(). NULL gives #MN_ERR_INVALID (no message: no context).
 * @param[in] name node-set name (non-empty, no white space, '#' or ','); unique. Copied.
 * @param[in] x0 smallest x of the rectangle (length unit of the geometry, see
 *            #mn_gen_option; the box is [0, W] x [0, H], but the rectangle may reach outside).
 * @param[in] y0 smallest y.
 * @param[in] x1 largest x, >= x0.
 * @param[in] y1 largest y, >= y0.
 * @return #MN_OK, #MN_ERR_INVALID (bad or duplicate name), #MN_ERR_RANGE (x1 < x0, y1 < y0 or
 *         a non-finite value), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_add_electrode_rect(mn_gen *gen, const char *name, double x0, double y0,
                                           double x1, double y1);

/**
 * @brief Add an electrode: the objects that touch the disc of centre (cx, cy), radius r >= 0.
 * @return as mn_gen_add_electrode_rect().
 */
MN_API mn_status mn_gen_add_electrode_disc(mn_gen *gen, const char *name, double cx, double cy,
                                           double r);

/**
 * @brief Add an electrode made of given objects: wire ids (nanowires), particle ids
 *        (nanoparticles: their groups) or node ids (lattices, circuit), in generation order.
 * @return as mn_gen_add_electrode_rect(); ids are checked at generation time.
 */
MN_API mn_status mn_gen_add_electrode_ids(mn_gen *gen, const char *name, const mn_index *ids,
                                          size_t n);

/** @brief Remove every electrode (the default pads come back). */
MN_API void mn_gen_clear_electrodes(mn_gen *gen);

/**
 * @brief Random nanowire (stick) network, junction-dominated (000 Fig. 1): N sticks with
 *        uniform centres in [0, W] x [0, H], lengths and orientations as set; one node per
 *        wire at its centre, one edge per intersection (edge position = crossing point,
 *        edge length = #MN_GEN_JUNCTION_GAP).
 *
 * With #MN_GEN_MULTINODE = 1 every wire becomes a chain of nodes (one per junction and per
 * electrode contact point, at their positions) joined by resistive segments (edge length =
 * segment length, conductance 1 / (#MN_GEN_WIRE_RESISTANCE x length)); junction edges join
 * the two wires' nodes at each crossing. Such graphs carry value columns
 * 0: ::mn_gen_edge_kind, 1: resistor conductance G (S; NaN on memristor edges), 2: EMF (0).
 *
 * Wires are not clipped to the box: a crossing may lie outside it. Neighbour search uses a
 * uniform grid of cell size about the mean length: O(N + junctions) expected time.
 * With #MN_GEN_KEEP_ELECTRODES only the components that touch an electrode are returned;
 * mn_graph_node_origin() maps nodes back to wire ids (multi-node: see mn_gen_node_wire()).
 * @param[out] out the graph; NULL on failure.
 * @param[in,out] gen the options; receives the wire geometry (mn_gen_wires()).
 * @return #MN_OK; #MN_ERR_RANGE (no wire count, bad sizes: the message names the value);
 *         #MN_ERR_INVALID (an electrode that touches no wire, an id out of range, sd > 0 with
 *         the fixed distribution); #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_nanowires(mn_graph **out, mn_gen *gen);

/**
 * @brief Nanowire network from measured wires: straight segments given by their end points
 *        (e.g. from an SEM image segmentation) become a network exactly as the random sticks
 *        of mn_gen_nanowires() do: one node per wire at its middle, one edge per crossing
 *        (edge position = crossing point, edge length = #MN_GEN_JUNCTION_GAP), or with
 *        #MN_GEN_MULTINODE = 1 wires split into resistive segments (value columns as there).
 *
 * Uses the generator's electrode options: the electrodes added (by rectangle, disc or wire
 * id = segment index), else the default "left"/"right" pads on the sides x = 0 and x = W of
 * the box [0, #MN_GEN_WIDTH] x [0, #MN_GEN_HEIGHT] (width #MN_GEN_PAD_WIDTH): set the width
 * and height to the image frame the coordinates refer to. #MN_GEN_KEEP,
 * #MN_GEN_JUNCTION_GAP, #MN_GEN_MULTINODE and #MN_GEN_WIRE_RESISTANCE apply as for random
 * wires; the random options (seed, count, lengths, angles) are ignored. Parallel segments do
 * not cross (an overlap of collinear segments is not a junction); segments that touch at an
 * end point do. The wires are kept as given (mn_gen_wires(), in input order).
 *
 * Expected time O(n + junctions) (the crossings are counted, then stored).
 * @param[out] out the graph; NULL on failure.
 * @param[in,out] gen the options and electrodes; receives the wires (mn_gen_wires()).
 * @param[in] xy 4 n values: segment i runs from (xy[4i], xy[4i+1]) to (xy[4i+2], xy[4i+3]),
 *            in the length unit of the geometry. Copied.
 * @param[in] n number of segments, 1 to 2^31-1.
 * @return #MN_OK; #MN_ERR_RANGE (n = 0, a non-finite coordinate, more than 2^31-1 junctions;
 *         the message names the segment and value); #MN_ERR_INVALID (NULL argument, a
 *         zero-length segment, an electrode that touches no wire or names a wire id >= n);
 *         #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_segments(mn_graph **out, mn_gen *gen, const double *xy, size_t n);

/**
 * @brief mn_gen_segments() with the segments read from a text file (docs/file-formats.md,
 *        "Wire segments"): one segment per line `x1,y1,x2,y2` (commas or blanks between the
 *        values), '#' starts a comment, blank lines are skipped; an optional header line
 *        (first field not a number) names the columns x0,y0,x1,y1 (the `--wires-out` file of
 *        `memnet generate nanowire`, other columns ignored) or x1,y1,x2,y2, or has exactly 4
 *        columns. Read in the C locale whatever the process locale; the buffers grow with the
 *        lines read, nothing is sized from a declared count.
 * @param[out] out the graph; NULL on failure.
 * @param[in,out] gen as for mn_gen_segments().
 * @param[in] path the file.
 * @return as mn_gen_segments(), and #MN_ERR_IO (cannot open or read), #MN_ERR_PARSE (a line
 *         without the expected number of values, a value that is not a number, a NUL byte, no
 *         segment at all; the message gives the line number and the value), #MN_ERR_RANGE (a
 *         non-finite value), #MN_ERR_INVALID (a zero-length segment, with its line).
 */
MN_API mn_status mn_gen_segments_file(mn_graph **out, mn_gen *gen, const char *path);

/**
 * @brief Percolating nanoparticle network (003 secs. 1.1 and 5.1): unit-diameter discs
 *        (1 pd) with uniform random centres in [0, W] x [0, H], deposited one by one until
 *        the covered fraction of the box reaches #MN_GEN_COVERAGE; discs that overlap or
 *        touch (centre distance <= 1) form conducting groups, one node each (at the mean of
 *        its particle centres). Two groups are joined by a tunnel gap when two of their
 *        particles are closer than #MN_GEN_GAP_CUTOFF edge to edge; the edge length is the
 *        smallest edge-to-edge distance between their particles (the gap L of 003 eq. 1) and
 *        the edge position the middle of that gap.
 *
 * Coverage is measured on a raster of cell #MN_GEN_RESOLUTION (cell centres inside a disc);
 * the value reached is mn_gen_coverage(). Expected time O(particles / resolution^2 + gaps).
 * @param[out] out the graph; NULL on failure.
 * @param[in,out] gen the options; receives the particles (mn_gen_particles()).
 * @return #MN_OK, #MN_ERR_RANGE (bad sizes or coverage), #MN_ERR_INVALID (an electrode that
 *         touches no particle), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_nanoparticles(mn_graph **out, mn_gen *gen);

/**
 * @brief Deterministic lattice (#MN_GEN_LATTICE): square grid, ladder, series chain or
 *        complete graph, with node coordinates, spacing #MN_GEN_SPACING and electrodes
 *        "left"/"right" (or the electrodes added, by region or node id).
 * @return #MN_OK, #MN_ERR_RANGE (bad sizes), #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_lattice(mn_graph **out, mn_gen *gen);

/**
 * @brief The Caravelli-Barucca circuit (002 Fig. 1, eqs. 3-5; 004 Fig. 1): n memristor
 *        branches, each with its series source S_k, in parallel with R_ref, on a central
 *        mesh that also holds n resistors R_int.
 *
 * Nodes: a_k = 2k, b_k = 2k + 1 (k = 0..n-1) on a ring. Edges, in this order:
 * edge k (0..n-1) = memristor k, a_k -> b_k, with series EMF S_k (I = G (V + S), so S_k
 * drives the mesh current i_k of 002 eq. 4 from a_k to b_k through the memristor);
 * edge n + k = R_ref of branch k, a_k -> b_k; edge 2n + k = R_int, b_k -> a_{k+1}.
 * With R_int = 0 (a valid limit of 002 eq. 11) the mesh resistors are short circuits: b_k and
 * a_{k+1} are one node, so the circuit has n nodes (node k = a_k) and 2n edges (memristor k and
 * R_ref k, both a_k -> a_{k+1 mod n}; no R_int edges); this needs n >= 2.
 * The Kirchhoff solution with memristor conductance 1/R(w_k) gives memristor currents equal
 * to 002 eq. 22 / eq. 34. Node set "ground" = {0} fixes the potential.
 * Value columns: 0 ::mn_gen_edge_kind, 1 resistor conductance (S; NaN on memristors),
 * 2 series EMF (V). Give memristor edges the `strukov_cb` model and the rest `resistor`.
 * @return #MN_OK, #MN_ERR_RANGE (n, R_int or R_ref; n = 1 with R_int = 0), #MN_ERR_INVALID (wrong number of
 *         per-branch sources), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_gen_cb(mn_graph **out, mn_gen *gen);

/* ------------------------------------------------------------- extras of the last run */

/**
 * @brief Wires of the last mn_gen_nanowires() or mn_gen_segments() run (all N, in generation
 *        or input order): end points
 *        (x0, y0) - (x1, y1). Borrowed; any pointer may be NULL.
 * @return the number of wires (0 if the last run was not a nanowire run).
 */
MN_API size_t mn_gen_wires(const mn_gen *gen, const double **x0, const double **y0,
                           const double **x1, const double **y1);

/**
 * @brief For the last run: the returned graph's node id of each object (wire or particle
 *        group before extraction; -1 if dropped), or for multi-node nanowires NULL.
 *        Borrowed: valid until the next generator run or mn_gen_free().
 * @param[in] gen the generator (NULL gives NULL and *n = 0).
 * @param[out] n number of entries, 0 when the result is NULL (may be NULL).
 */
MN_API const mn_index *mn_gen_node_map(const mn_gen *gen, size_t *n);

/**
 * @brief Multi-node nanowires: the wire id of each node of the returned graph. Borrowed;
 *        NULL for other runs.
 */
MN_API const mn_index *mn_gen_node_wire(const mn_gen *gen);

/**
 * @brief Particles of the last mn_gen_nanoparticles() run: centres and the returned graph's
 *        node (group) of each particle (-1 if dropped). Borrowed; any pointer may be NULL.
 * @return the number of particles.
 */
MN_API size_t mn_gen_particles(const mn_gen *gen, const double **x, const double **y,
                               const mn_index **node);

/** @brief Coverage reached by the last nanoparticle run (raster measure), NaN otherwise. */
MN_API double mn_gen_coverage(const mn_gen *gen);

/**
 * @brief Memristor edges of the last run's graph (all edges for nanowire junction-only,
 *        nanoparticle and lattice graphs): edge ids in increasing order, the edges not marked
 *        #MN_GEN_EDGE_RESISTOR. Borrowed: valid until the next generator run or mn_gen_free().
 * @param[in] gen the generator (NULL, before the first run or after a failed run: the
 *            result is NULL and *n = 0).
 * @param[out] n their number (may be NULL).
 */
MN_API const mn_index *mn_gen_memristor_edges(const mn_gen *gen, size_t *n);

/**
 * @brief Resistor edges of the last run's graph and their conductances (S). Borrowed; NULL
 *        and n = 0 when there are none.
 */
MN_API const mn_index *mn_gen_resistor_edges(const mn_gen *gen, const double **G, size_t *n);

/**
 * @brief Series EMF (V) of every edge of the last run's graph (edge-count values), or NULL
 *        when no edge has one. Borrowed; pass it to mn_kirchhoff_set_emf().
 */
MN_API const double *mn_gen_edge_emf(const mn_gen *gen);

MN_END_DECLS

#endif /* MEMNET_GENERATORS_H */
