/* Internal layout of mn_graph, shared by the modules that build or read graphs. */
#ifndef MEMNET_GRAPH_PRIVATE_H
#define MEMNET_GRAPH_PRIVATE_H

#include <memnet/graph.h>
#include "core/core-private.h"

typedef struct mn__node_set {
    char *name;
    mn_index *nodes;
    size_t n;
} mn__node_set;

struct mn_graph {
    mn_context *ctx;
    size_t n_nodes, n_edges, cap_edges;
    mn_index *u, *v;          /* edge endpoints */
    double *nx, *ny;          /* node coordinates (n_nodes) or NULL */
    double *len;              /* edge lengths (cap_edges) or NULL */
    double *ex, *ey;          /* junction positions or NULL */
    size_t n_cols;
    double **cols;            /* value columns, each cap_edges */
    mn__node_set *sets;
    size_t n_sets;
    mn_index *node_origin, *edge_origin; /* set by extraction */
    /* caches, invalidated on change */
    int64_t *adj_off;
    mn_index *adj_nbr, *adj_edge;
    mn_index *comp;
    size_t n_comp;
};

/* Drop the cached adjacency and components (call after any structural change). */
void mn__graph_invalidate(mn_graph *g);
/* Grow edge storage to hold at least `cap` edges. */
mn_status mn__graph_reserve_edges(mn_graph *g, size_t cap);
/* strtod's result and end pointer, bit for bit, with a fast locale-free path for plain
 * decimals (numparse.c); call it under the C locale like strtod. */
double mn__graph_strtod(const char *s, char **end);
/* The run-time check of mn__graph_strtod's fast path (once per file is enough: it depends on
 * the machine, not on the data), and mn__graph_strtod with its result given. */
int mn__graph_fast_decimal_ok(void);
double mn__graph_strtod_fast(const char *s, char **end, int fast_ok);

#endif
