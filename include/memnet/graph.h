/**
 * @file graph.h
 * @brief Graphs of junctions: nodes (wires, particle groups, circuit nodes) and edges
 *        (junctions), with optional geometry, named node sets (electrodes) and file I/O.
 *
 * Every edge has an orientation u -> v; the edge index is stable for the life of the graph
 * and is the index of the junction's state in simulations. Parallel edges are legal (two
 * junctions between the same pair of wires); self-loops are not.
 *
 * Threads: a graph is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_GRAPH_H
#define MEMNET_GRAPH_H

#include <memnet/core.h>

MN_BEGIN_DECLS

/** @brief A graph. Opaque; create with mn_graph_new(), free with mn_graph_free(). */
typedef struct mn_graph mn_graph;

/**
 * @brief Create a graph with `n_nodes` nodes and no edges.
 * @param[out] out the graph; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] n_nodes number of nodes (may be 0; nodes can be added later).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (more than 2^31-1 nodes), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_graph_new(mn_graph **out, mn_context *ctx, size_t n_nodes);

/**
 * @brief Create a graph from edge arrays: edge e joins u[e] -> v[e].
 *
 * O(n_nodes + n_edges).
 * @param[out] out the graph; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] n_nodes number of nodes; every id must be in [0, n_nodes).
 * @param[in] n_edges number of edges.
 * @param[in] u first endpoints (n_edges values; may be NULL if n_edges is 0).
 * @param[in] v second endpoints.
 * @return #MN_OK; #MN_ERR_RANGE for a negative or too large id, #MN_ERR_INVALID for a
 *         self-loop (the message names the edge and the ids), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_graph_new_from_edges(mn_graph **out, mn_context *ctx, size_t n_nodes,
                                         size_t n_edges, const mn_index *u, const mn_index *v);

/** @brief Free a graph; NULL does nothing. */
MN_API void mn_graph_free(mn_graph *g);

/**
 * @brief Deep copy of a graph (edges, geometry, columns, node sets).
 * @param[out] out the copy; NULL on failure.
 * @param[in] g the graph.
 */
MN_API mn_status mn_graph_copy(mn_graph **out, const mn_graph *g);

/** @brief The context that owns the graph. */
MN_API mn_context *mn_graph_context(const mn_graph *g);

/**
 * @brief Append `count` nodes.
 * @param[in,out] g the graph.
 * @param[in] count how many.
 * @param[out] first index of the first new node (may be NULL).
 */
MN_API mn_status mn_graph_add_nodes(mn_graph *g, size_t count, mn_index *first);

/**
 * @brief Append one edge u -> v. Amortised O(1).
 *
 * If the graph already has edge lengths, positions or value columns, the new edge gets NaN
 * there ("not given"); models that need a value report an error naming such an edge.
 * @param[in,out] g the graph.
 * @param[in] u,v endpoints, in [0, node count), u != v.
 * @param[out] edge index of the new edge (may be NULL).
 * @return #MN_OK, #MN_ERR_RANGE (bad id), #MN_ERR_INVALID (self-loop), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_graph_add_edge(mn_graph *g, mn_index u, mn_index v, mn_index *edge);

/** @brief Number of nodes. */
MN_API size_t mn_graph_node_count(const mn_graph *g);

/** @brief Number of edges. */
MN_API size_t mn_graph_edge_count(const mn_graph *g);

/** @brief First endpoints u of all edges (borrowed; valid until the graph changes). */
MN_API const mn_index *mn_graph_edge_u(const mn_graph *g);

/** @brief Second endpoints v of all edges (borrowed; valid until the graph changes). */
MN_API const mn_index *mn_graph_edge_v(const mn_graph *g);

/* ---------------------------------------------------------------- geometry / attributes */

/**
 * @brief Set node coordinates (both arrays of node-count values, copied).
 * @return #MN_OK, #MN_ERR_INVALID (NULL array or a non-finite value; message names the node).
 */
MN_API mn_status mn_graph_set_node_coords(mn_graph *g, const double *x, const double *y);

/** @brief Node x coordinates, or NULL if the graph has none. Borrowed. */
MN_API const double *mn_graph_node_x(const mn_graph *g);

/** @brief Node y coordinates, or NULL if the graph has none. Borrowed. */
MN_API const double *mn_graph_node_y(const mn_graph *g);

/**
 * @brief Set all edge lengths (tunnel gap D or L of 003 eqs 1-6, in the geometry's unit).
 * @param[in,out] g the graph.
 * @param[in] length edge-count values, each finite and > 0 (copied).
 * @return #MN_OK or #MN_ERR_RANGE naming the first bad edge and value.
 */
MN_API mn_status mn_graph_set_edge_lengths(mn_graph *g, const double *length);

/**
 * @brief Set one edge's length (creating the length array, NaN elsewhere, if needed).
 * @return #MN_OK, #MN_ERR_RANGE (bad edge or a value that is not finite and > 0).
 */
MN_API mn_status mn_graph_set_edge_length(mn_graph *g, mn_index edge, double length);

/** @brief Edge lengths, or NULL if none were set. NaN marks an edge with no length. */
MN_API const double *mn_graph_edge_lengths(const mn_graph *g);

/**
 * @brief Set junction positions (x, y of each edge, e.g. where two sticks cross; copied).
 */
MN_API mn_status mn_graph_set_edge_positions(mn_graph *g, const double *x, const double *y);

/** @brief Junction x positions, or NULL. Borrowed. */
MN_API const double *mn_graph_edge_x(const mn_graph *g);

/** @brief Junction y positions, or NULL. Borrowed. */
MN_API const double *mn_graph_edge_y(const mn_graph *g);

/**
 * @brief Number of extra numeric value columns per edge (from an edge-list file's columns
 *        after u and v, or added with mn_graph_add_edge_column()).
 */
MN_API size_t mn_graph_edge_column_count(const mn_graph *g);

/**
 * @brief Value column k (0-based: column 0 is the file's third column). Borrowed; NULL if
 *        k is out of range.
 */
MN_API const double *mn_graph_edge_column(const mn_graph *g, size_t k);

/**
 * @brief Append a value column (edge-count values, copied).
 */
MN_API mn_status mn_graph_add_edge_column(mn_graph *g, const double *values);

/* ---------------------------------------------------------------- node sets (electrodes) */

/**
 * @brief Define (or replace) a named node set, e.g. an electrode.
 * @param[in,out] g the graph.
 * @param[in] name non-empty name without white space ("left", "right", "out3").
 * @param[in] nodes node ids (copied; duplicates removed, order kept).
 * @param[in] n number of ids (0 allowed: an empty set, which solvers reject).
 * @return #MN_OK, #MN_ERR_INVALID (bad name), #MN_ERR_RANGE (bad id).
 */
MN_API mn_status mn_graph_set_node_set(mn_graph *g, const char *name, const mn_index *nodes,
                                       size_t n);

/**
 * @brief Look a node set up by name.
 * @param[in] g the graph.
 * @param[in] name the set's name.
 * @param[out] nodes borrowed ids.
 * @param[out] n their count.
 * @return #MN_OK or #MN_ERR_NOT_FOUND.
 */
MN_API mn_status mn_graph_node_set(const mn_graph *g, const char *name, const mn_index **nodes,
                                   size_t *n);

/** @brief Number of named node sets. */
MN_API size_t mn_graph_node_set_count(const mn_graph *g);

/** @brief Name of node set i (in order of definition), or NULL if out of range. */
MN_API const char *mn_graph_node_set_name(const mn_graph *g, size_t i);

/* ---------------------------------------------------------------- structure */

/**
 * @brief Compressed adjacency (CSR), built once and cached until the graph changes.
 *
 * The neighbours of node i are nbr[off[i] .. off[i+1]-1], reached through edges
 * edge[off[i] .. off[i+1]-1]; the degree of i is off[i+1] - off[i]. O(n + m) the first time.
 * @param[in] g the graph.
 * @param[out] off node-count + 1 offsets (may be NULL).
 * @param[out] nbr 2 * edge-count neighbour ids (may be NULL).
 * @param[out] edge 2 * edge-count edge ids (may be NULL).
 */
MN_API mn_status mn_graph_adjacency(mn_graph *g, const int64_t **off, const mn_index **nbr,
                                    const mn_index **edge);

/**
 * @brief Connected components, cached until the graph changes. O(n + m).
 * @param[in,out] g the graph (the cache is built on first use).
 * @param[out] labels node-count labels in [0, count), numbered by lowest node id. Borrowed.
 * @param[out] count number of components.
 */
MN_API mn_status mn_graph_components(mn_graph *g, const mn_index **labels, size_t *count);

/**
 * @brief New graph made of the components that contain at least one of the seed nodes.
 *
 * Node and edge order are kept. Geometry, value columns and node sets come along (node
 * sets lose the nodes that were dropped).
 * @param[out] out the subgraph; NULL on failure.
 * @param[in] g the graph.
 * @param[in] seeds seed node ids.
 * @param[in] n_seeds their number (> 0).
 * @param[out] node_map node-count entries: new id of each old node, -1 if dropped (may be NULL).
 * @param[out] edge_map edge-count entries: new id of each old edge, -1 if dropped (may be NULL).
 */
MN_API mn_status mn_graph_extract_components(mn_graph **out, mn_graph *g, const mn_index *seeds,
                                             size_t n_seeds, mn_index *node_map,
                                             mn_index *edge_map);

/**
 * @brief For a graph made by mn_graph_extract_components(): the old id of each node (new ->
 *        old), or NULL for other graphs. Borrowed.
 */
MN_API const mn_index *mn_graph_node_origin(const mn_graph *g);

/** @brief Likewise for edges (new -> old), or NULL. Borrowed. */
MN_API const mn_index *mn_graph_edge_origin(const mn_graph *g);

/**
 * @brief Whether a path joins some node of set a to some node of set b. O(n + m).
 * @param[in,out] g the graph (components are cached).
 * @param[in] a,na the first node set and its size.
 * @param[in] b,nb the second node set and its size.
 * @param[out] connected 1 if so, 0 if not.
 */
MN_API mn_status mn_graph_connected(mn_graph *g, const mn_index *a, size_t na, const mn_index *b,
                                    size_t nb, int *connected);

/* ---------------------------------------------------------------- files */

/**
 * @brief Read a plain edge list: one edge per line `u v [value ...]`, 0-based ids, white
 *        space separated, `#` starts a comment, blank lines ignored.
 *
 * All lines must have the same number of values; they become the graph's value columns.
 * @param[out] out the graph; NULL on failure.
 * @param[in] ctx owning context.
 * @param[in] path file name.
 * @param[in] n_nodes declared node count, or 0 for largest id + 1.
 * @param[in] length_column 0 for none, or K >= 1: the K-th value after u and v is the edge
 *            length (must be finite and > 0).
 * @return #MN_OK, #MN_ERR_IO (cannot open), #MN_ERR_PARSE (malformed line: the message names
 *         the line and text), #MN_ERR_RANGE (negative id, id beyond n_nodes, bad length),
 *         #MN_ERR_INVALID (self-loop), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_graph_read_edgelist(mn_graph **out, mn_context *ctx, const char *path,
                                        size_t n_nodes, size_t length_column);

/**
 * @brief Write a plain edge list `u v [length]` (the length column if the graph has lengths),
 *        with a `#` header line, values printed with 17 significant digits.
 */
MN_API mn_status mn_graph_write_edgelist(const mn_graph *g, const char *path);

/**
 * @brief Write the native network file (format in docs/file-formats.md): nodes with
 *        coordinates, edges with length, position and value columns, and node sets.
 */
MN_API mn_status mn_graph_save(const mn_graph *g, const char *path);

/**
 * @brief Read a native network file written by mn_graph_save(). Round trips exactly.
 */
MN_API mn_status mn_graph_load(mn_graph **out, mn_context *ctx, const char *path);

/** Optional parts of a native network file, for mn_graph_load_parts(). */
typedef enum mn_graph_part {
    MN_GRAPH_PART_COORDS = 1,    /**< node coordinates (mn_graph_node_x(), mn_graph_node_y()) */
    MN_GRAPH_PART_LENGTHS = 2,   /**< edge lengths (mn_graph_edge_lengths()) */
    MN_GRAPH_PART_POSITIONS = 4, /**< edge positions (mn_graph_edge_x(), mn_graph_edge_y()) */
    MN_GRAPH_PART_COLUMNS = 8,   /**< value columns (mn_graph_edge_column()) */
    MN_GRAPH_PART_ALL = 15       /**< everything: mn_graph_load() */
} mn_graph_part;

/**
 * @brief Read a native network file keeping only some of its optional parts.
 *
 * The nodes, edges and node sets are read as by mn_graph_load(); of the node coordinates, edge
 * lengths, edge positions and value columns only those in @p parts (an OR of mn_graph_part
 * values) are kept, the others are left out of the graph as if the file had none. Values of a
 * part left out are still checked to be numbers (a file that mn_graph_load() rejects for a
 * malformed number is rejected here too, with the same message), but not converted, so their
 * range checks (finite coordinates, positive lengths) do not apply. For a program that needs
 * the topology only (a one-shot solve): the numbers of the coordinates and positions are most
 * of a generated network's file. MN_GRAPH_PART_ALL gives mn_graph_load()'s result.
 */
MN_API mn_status mn_graph_load_parts(mn_graph **out, mn_context *ctx, const char *path,
                                     unsigned parts);

MN_END_DECLS

#endif /* MEMNET_GRAPH_H */
