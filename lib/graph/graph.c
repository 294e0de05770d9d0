/* Graph module: nodes, edges, attributes, node sets, adjacency, components, extraction. */
#include "graph-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MN__MAX_INDEX ((size_t)INT32_MAX)

void mn__graph_invalidate(mn_graph *g)
{
    mn_context *ctx = g->ctx;
    mn__free(ctx, g->adj_off);
    mn__free(ctx, g->adj_nbr);
    mn__free(ctx, g->adj_edge);
    mn__free(ctx, g->comp);
    g->adj_off = NULL;
    g->adj_nbr = g->adj_edge = g->comp = NULL;
    g->n_comp = 0;
}

mn_status mn_graph_new(mn_graph **out, mn_context *ctx, size_t n_nodes)
{
    if (!out || !ctx) return mn__error(ctx, MN_ERR_INVALID, "mn_graph_new: NULL argument");
    *out = NULL;
    if (n_nodes > MN__MAX_INDEX)
        return mn__error(ctx, MN_ERR_RANGE, "node count %zu exceeds the limit %zu", n_nodes,
                         MN__MAX_INDEX);
    mn_graph *g = mn__calloc_or_err(ctx, 1, sizeof *g, "graph");
    if (!g) return MN_ERR_NOMEM;
    g->ctx = ctx;
    g->n_nodes = n_nodes;
    *out = g;
    return MN_OK;
}

static void free_sets(mn_graph *g)
{
    for (size_t i = 0; i < g->n_sets; i++) {
        mn__free(g->ctx, g->sets[i].name);
        mn__free(g->ctx, g->sets[i].nodes);
    }
    mn__free(g->ctx, g->sets);
    g->sets = NULL;
    g->n_sets = 0;
}

void mn_graph_free(mn_graph *g)
{
    if (!g) return;
    mn_context *ctx = g->ctx;
    mn__graph_invalidate(g);
    mn__free(ctx, g->u);
    mn__free(ctx, g->v);
    mn__free(ctx, g->nx);
    mn__free(ctx, g->ny);
    mn__free(ctx, g->len);
    mn__free(ctx, g->ex);
    mn__free(ctx, g->ey);
    for (size_t k = 0; k < g->n_cols; k++) mn__free(ctx, g->cols[k]);
    mn__free(ctx, g->cols);
    free_sets(g);
    mn__free(ctx, g->node_origin);
    mn__free(ctx, g->edge_origin);
    mn__free(ctx, g);
}

mn_context *mn_graph_context(const mn_graph *g) { return g ? g->ctx : NULL; }
size_t mn_graph_node_count(const mn_graph *g) { return g ? g->n_nodes : 0; }
size_t mn_graph_edge_count(const mn_graph *g) { return g ? g->n_edges : 0; }
const mn_index *mn_graph_edge_u(const mn_graph *g) { return g ? g->u : NULL; }
const mn_index *mn_graph_edge_v(const mn_graph *g) { return g ? g->v : NULL; }
const double *mn_graph_node_x(const mn_graph *g) { return g ? g->nx : NULL; }
const double *mn_graph_node_y(const mn_graph *g) { return g ? g->ny : NULL; }
const double *mn_graph_edge_lengths(const mn_graph *g) { return g ? g->len : NULL; }
const double *mn_graph_edge_x(const mn_graph *g) { return g ? g->ex : NULL; }
const double *mn_graph_edge_y(const mn_graph *g) { return g ? g->ey : NULL; }
size_t mn_graph_edge_column_count(const mn_graph *g) { return g ? g->n_cols : 0; }
const double *mn_graph_edge_column(const mn_graph *g, size_t k)
{
    return (g && k < g->n_cols) ? g->cols[k] : NULL;
}
const mn_index *mn_graph_node_origin(const mn_graph *g) { return g ? g->node_origin : NULL; }
const mn_index *mn_graph_edge_origin(const mn_graph *g) { return g ? g->edge_origin : NULL; }

static mn_status grow_double(mn_context *ctx, double **p, size_t old_n, size_t cap)
{
    if (!*p) return MN_OK;
    double *q = mn__realloc_array(ctx, *p, cap, sizeof(double));
    if (!q) return mn__error(ctx, MN_ERR_NOMEM, "out of memory growing edge attributes to %zu", cap);
    for (size_t i = old_n; i < cap; i++) q[i] = NAN;
    *p = q;
    return MN_OK;
}

mn_status mn__graph_reserve_edges(mn_graph *g, size_t cap)
{
    if (cap <= g->cap_edges) return MN_OK;
    mn_context *ctx = g->ctx;
    mn_index *nu = mn__realloc_array(ctx, g->u, cap, sizeof(mn_index));
    if (!nu) return mn__error(ctx, MN_ERR_NOMEM, "out of memory for %zu edges", cap);
    g->u = nu;
    mn_index *nv = mn__realloc_array(ctx, g->v, cap, sizeof(mn_index));
    if (!nv) return mn__error(ctx, MN_ERR_NOMEM, "out of memory for %zu edges", cap);
    g->v = nv;
    mn_status st;
    if ((st = grow_double(ctx, &g->len, g->cap_edges, cap))) return st;
    if ((st = grow_double(ctx, &g->ex, g->cap_edges, cap))) return st;
    if ((st = grow_double(ctx, &g->ey, g->cap_edges, cap))) return st;
    for (size_t k = 0; k < g->n_cols; k++)
        if ((st = grow_double(ctx, &g->cols[k], g->cap_edges, cap))) return st;
    g->cap_edges = cap;
    return MN_OK;
}

static mn_status check_edge(mn_context *ctx, size_t n_nodes, size_t e, int64_t u, int64_t v)
{
    if (u < 0 || v < 0)
        return mn__error(ctx, MN_ERR_RANGE, "edge %zu: node id %lld is negative", e,
                         (long long)(u < 0 ? u : v));
    if ((uint64_t)u >= n_nodes || (uint64_t)v >= n_nodes)
        return mn__error(ctx, MN_ERR_RANGE, "edge %zu: node id %lld is beyond the node count %zu",
                         e, (long long)((uint64_t)u >= n_nodes ? u : v), n_nodes);
    if (u == v)
        return mn__error(ctx, MN_ERR_INVALID, "edge %zu: self-loop %lld -> %lld is not allowed", e,
                         (long long)u, (long long)v);
    return MN_OK;
}

mn_status mn_graph_add_edge(mn_graph *g, mn_index u, mn_index v, mn_index *edge)
{
    if (!g) return MN_ERR_INVALID;
    mn_status st = check_edge(g->ctx, g->n_nodes, g->n_edges, u, v);
    if (st) return st;
    if (g->n_edges >= MN__MAX_INDEX)
        return mn__error(g->ctx, MN_ERR_RANGE, "edge count exceeds the limit %zu", MN__MAX_INDEX);
    if (g->n_edges == g->cap_edges) {
        size_t cap = g->cap_edges ? 2 * g->cap_edges : 16;
        if (cap > MN__MAX_INDEX) cap = MN__MAX_INDEX;
        if ((st = mn__graph_reserve_edges(g, cap))) return st;
    }
    size_t e = g->n_edges++;
    g->u[e] = (mn_index)u;
    g->v[e] = (mn_index)v;
    mn__graph_invalidate(g);
    if (edge) *edge = (mn_index)e;
    return MN_OK;
}

mn_status mn_graph_new_from_edges(mn_graph **out, mn_context *ctx, size_t n_nodes, size_t n_edges,
                                  const mn_index *u, const mn_index *v)
{
    mn_status st;
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_graph_new_from_edges: out is NULL");
    *out = NULL;
    if (n_edges && (!u || !v))
        return mn__error(ctx, MN_ERR_INVALID, "mn_graph_new_from_edges: NULL edge array");
    if (n_edges > MN__MAX_INDEX)
        return mn__error(ctx, MN_ERR_RANGE, "edge count %zu exceeds the limit %zu", n_edges,
                         MN__MAX_INDEX);
    for (size_t e = 0; e < n_edges; e++)
        if ((st = check_edge(ctx, n_nodes, e, u[e], v[e]))) return st;
    mn_graph *g = NULL;
    if ((st = mn_graph_new(&g, ctx, n_nodes))) return st;
    if ((st = mn__graph_reserve_edges(g, n_edges ? n_edges : 1))) {
        mn_graph_free(g);
        return st;
    }
    for (size_t e = 0; e < n_edges; e++) {
        g->u[e] = (mn_index)u[e];
        g->v[e] = (mn_index)v[e];
    }
    g->n_edges = n_edges;
    *out = g;
    return MN_OK;
}

mn_status mn_graph_add_nodes(mn_graph *g, size_t count, mn_index *first)
{
    if (!g) return MN_ERR_INVALID;
    if (count > MN__MAX_INDEX - g->n_nodes)
        return mn__error(g->ctx, MN_ERR_RANGE, "node count %zu + %zu exceeds the limit %zu",
                         g->n_nodes, count, MN__MAX_INDEX);
    size_t n = g->n_nodes + count;
    if (g->nx) {
        double *x = mn__realloc_array(g->ctx, g->nx, n, sizeof(double));
        if (!x) return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory for %zu nodes", n);
        g->nx = x;
        double *y = mn__realloc_array(g->ctx, g->ny, n, sizeof(double));
        if (!y) return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory for %zu nodes", n);
        g->ny = y;
        for (size_t i = g->n_nodes; i < n; i++) g->nx[i] = g->ny[i] = NAN;
    }
    if (first) *first = (mn_index)g->n_nodes;
    g->n_nodes = n;
    mn__graph_invalidate(g);
    return MN_OK;
}

static mn_status copy_array(mn_context *ctx, double **dst, const double *src, size_t n, size_t cap,
                            const char *what)
{
    double *d = *dst;
    if (!d) {
        d = mn__malloc_or_err(ctx, cap ? cap : 1, sizeof(double), what);
        if (!d) return MN_ERR_NOMEM;
        for (size_t i = n; i < cap; i++) d[i] = NAN;
    }
    if (n) memcpy(d, src, n * sizeof(double));
    *dst = d;
    return MN_OK;
}

mn_status mn_graph_set_node_coords(mn_graph *g, const double *x, const double *y)
{
    if (!g) return MN_ERR_INVALID;
    if (!x || !y) return mn__error(g->ctx, MN_ERR_INVALID, "node coordinates: NULL array");
    for (size_t i = 0; i < g->n_nodes; i++)
        if (!mn__isfinite(x[i]) || !mn__isfinite(y[i]))
            return mn__error(g->ctx, MN_ERR_INVALID, "node %zu: coordinates (%g, %g) not finite",
                             i, x[i], y[i]);
    mn_status st;
    if ((st = copy_array(g->ctx, &g->nx, x, g->n_nodes, g->n_nodes, "node x"))) return st;
    return copy_array(g->ctx, &g->ny, y, g->n_nodes, g->n_nodes, "node y");
}

mn_status mn_graph_set_edge_lengths(mn_graph *g, const double *length)
{
    if (!g) return MN_ERR_INVALID;
    if (!length) return mn__error(g->ctx, MN_ERR_INVALID, "edge lengths: NULL array");
    for (size_t e = 0; e < g->n_edges; e++)
        if (!(mn__isfinite(length[e]) && length[e] > 0))
            return mn__error(g->ctx, MN_ERR_RANGE, "edge %zu: length %g must be finite and > 0", e,
                             length[e]);
    return copy_array(g->ctx, &g->len, length, g->n_edges, g->cap_edges, "edge lengths");
}

mn_status mn_graph_set_edge_length(mn_graph *g, mn_index edge, double length)
{
    if (!g) return MN_ERR_INVALID;
    if (edge < 0 || (size_t)edge >= g->n_edges)
        return mn__error(g->ctx, MN_ERR_RANGE, "edge %ld does not exist (%zu edges)", (long)edge,
                         g->n_edges);
    if (!(mn__isfinite(length) && length > 0))
        return mn__error(g->ctx, MN_ERR_RANGE, "edge %ld: length %g must be finite and > 0",
                         (long)edge, length);
    if (!g->len) {
        mn_status st = copy_array(g->ctx, &g->len, NULL, 0, g->cap_edges, "edge lengths");
        if (st) return st;
    }
    g->len[edge] = length;
    return MN_OK;
}

mn_status mn_graph_set_edge_positions(mn_graph *g, const double *x, const double *y)
{
    if (!g) return MN_ERR_INVALID;
    if (!x || !y) return mn__error(g->ctx, MN_ERR_INVALID, "edge positions: NULL array");
    mn_status st;
    if ((st = copy_array(g->ctx, &g->ex, x, g->n_edges, g->cap_edges, "edge x"))) return st;
    return copy_array(g->ctx, &g->ey, y, g->n_edges, g->cap_edges, "edge y");
}

mn_status mn_graph_add_edge_column(mn_graph *g, const double *values)
{
    if (!g) return MN_ERR_INVALID;
    if (!values && g->n_edges) return mn__error(g->ctx, MN_ERR_INVALID, "edge column: NULL array");
    double **cols = mn__realloc_array(g->ctx, g->cols, g->n_cols + 1, sizeof(double *));
    if (!cols) return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory adding an edge column");
    g->cols = cols;
    cols[g->n_cols] = NULL;
    mn_status st = copy_array(g->ctx, &cols[g->n_cols], values, g->n_edges, g->cap_edges,
                              "edge column");
    if (st) return st;
    g->n_cols++;
    return MN_OK;
}

/* ---------------------------------------------------------------- node sets */

mn_status mn_graph_set_node_set(mn_graph *g, const char *name, const mn_index *nodes, size_t n)
{
    if (!g) return MN_ERR_INVALID;
    if (!name || !*name) return mn__error(g->ctx, MN_ERR_INVALID, "node set: empty name");
    for (const char *c = name; *c; c++)
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '#' || *c == ',')
            return mn__error(g->ctx, MN_ERR_INVALID,
                             "node set name \"%s\" must not contain white space, '#' or ','",
                             name);
    if (n && !nodes) return mn__error(g->ctx, MN_ERR_INVALID, "node set %s: NULL ids", name);
    for (size_t i = 0; i < n; i++)
        if (nodes[i] < 0 || (size_t)nodes[i] >= g->n_nodes)
            return mn__error(g->ctx, MN_ERR_RANGE,
                             "node set %s: node id %ld is not in [0, %zu)", name, (long)nodes[i],
                             g->n_nodes);
    /* copy without duplicates, order kept */
    mn_index *copy = mn__malloc_or_err(g->ctx, n ? n : 1, sizeof(mn_index), "node set");
    unsigned char *seen = mn__calloc_or_err(g->ctx, g->n_nodes ? g->n_nodes : 1, 1, "node set");
    if (!copy || !seen) {
        mn__free(g->ctx, copy);
        mn__free(g->ctx, seen);
        return MN_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!seen[nodes[i]]) {
            seen[nodes[i]] = 1;
            copy[k++] = nodes[i];
        }
    mn__free(g->ctx, seen);
    for (size_t i = 0; i < g->n_sets; i++)
        if (strcmp(g->sets[i].name, name) == 0) {
            mn__free(g->ctx, g->sets[i].nodes);
            g->sets[i].nodes = copy;
            g->sets[i].n = k;
            return MN_OK;
        }
    mn__node_set *sets = mn__realloc_array(g->ctx, g->sets, g->n_sets + 1, sizeof *sets);
    char *nm = mn__strdup(g->ctx, name);
    if (!sets || !nm) {
        if (sets) g->sets = sets;
        mn__free(g->ctx, nm);
        mn__free(g->ctx, copy);
        return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory adding node set %s", name);
    }
    g->sets = sets;
    sets[g->n_sets].name = nm;
    sets[g->n_sets].nodes = copy;
    sets[g->n_sets].n = k;
    g->n_sets++;
    return MN_OK;
}

mn_status mn_graph_node_set(const mn_graph *g, const char *name, const mn_index **nodes, size_t *n)
{
    if (nodes) *nodes = NULL;
    if (n) *n = 0;
    if (!g || !name) return MN_ERR_INVALID;
    for (size_t i = 0; i < g->n_sets; i++)
        if (strcmp(g->sets[i].name, name) == 0) {
            if (nodes) *nodes = g->sets[i].nodes;
            if (n) *n = g->sets[i].n;
            return MN_OK;
        }
    return mn__error(g->ctx, MN_ERR_NOT_FOUND, "graph has no node set named \"%s\"", name);
}

size_t mn_graph_node_set_count(const mn_graph *g) { return g ? g->n_sets : 0; }

const char *mn_graph_node_set_name(const mn_graph *g, size_t i)
{
    return (g && i < g->n_sets) ? g->sets[i].name : NULL;
}

/* ---------------------------------------------------------------- structure */

mn_status mn_graph_adjacency(mn_graph *g, const int64_t **off, const mn_index **nbr,
                             const mn_index **edge)
{
    if (off) *off = NULL;
    if (nbr) *nbr = NULL;
    if (edge) *edge = NULL;
    if (!g) return MN_ERR_INVALID;
    if (!g->adj_off) {
        mn_context *ctx = g->ctx;
        size_t n = g->n_nodes, m = g->n_edges;
        int64_t *o = mn__calloc_or_err(ctx, n + 1, sizeof(int64_t), "adjacency");
        mn_index *nb = mn__malloc_or_err(ctx, 2 * m + 1, sizeof(mn_index), "adjacency");
        mn_index *ed = mn__malloc_or_err(ctx, 2 * m + 1, sizeof(mn_index), "adjacency");
        if (!o || !nb || !ed) {
            mn__free(ctx, o);
            mn__free(ctx, nb);
            mn__free(ctx, ed);
            return MN_ERR_NOMEM;
        }
        for (size_t e = 0; e < m; e++) {
            o[g->u[e] + 1]++;
            o[g->v[e] + 1]++;
        }
        for (size_t i = 0; i < n; i++) o[i + 1] += o[i];
        /* fill in edge order so that each node's list is sorted by edge id */
        int64_t *pos = mn__malloc_or_err(ctx, n + 1, sizeof(int64_t), "adjacency");
        if (!pos) {
            mn__free(ctx, o);
            mn__free(ctx, nb);
            mn__free(ctx, ed);
            return MN_ERR_NOMEM;
        }
        memcpy(pos, o, (n + 1) * sizeof(int64_t));
        for (size_t e = 0; e < m; e++) {
            mn_index a = g->u[e], b = g->v[e];
            nb[pos[a]] = b;
            ed[pos[a]++] = (mn_index)e;
            nb[pos[b]] = a;
            ed[pos[b]++] = (mn_index)e;
        }
        mn__free(ctx, pos);
        g->adj_off = o;
        g->adj_nbr = nb;
        g->adj_edge = ed;
    }
    if (off) *off = g->adj_off;
    if (nbr) *nbr = g->adj_nbr;
    if (edge) *edge = g->adj_edge;
    return MN_OK;
}

mn_status mn_graph_components(mn_graph *g, const mn_index **labels, size_t *count)
{
    if (labels) *labels = NULL;
    if (count) *count = 0;
    if (!g) return MN_ERR_INVALID;
    if (!g->comp) {
        mn_status st;
        const int64_t *off;
        const mn_index *nbr;
        if ((st = mn_graph_adjacency(g, &off, &nbr, NULL))) return st;
        size_t n = g->n_nodes;
        mn_index *c = mn__malloc_or_err(g->ctx, n ? n : 1, sizeof(mn_index), "components");
        mn_index *stack = mn__malloc_or_err(g->ctx, n ? n : 1, sizeof(mn_index), "components");
        if (!c || !stack) {
            mn__free(g->ctx, c);
            mn__free(g->ctx, stack);
            return MN_ERR_NOMEM;
        }
        for (size_t i = 0; i < n; i++) c[i] = -1;
        mn_index nc = 0;
        for (size_t s = 0; s < n; s++) {
            if (c[s] >= 0) continue;
            size_t top = 0;
            stack[top++] = (mn_index)s;
            c[s] = nc;
            while (top) {
                mn_index a = stack[--top];
                for (int64_t k = off[a]; k < off[a + 1]; k++) {
                    mn_index b = nbr[k];
                    if (c[b] < 0) {
                        c[b] = nc;
                        stack[top++] = b;
                    }
                }
            }
            nc++;
        }
        mn__free(g->ctx, stack);
        g->comp = c;
        g->n_comp = (size_t)nc;
    }
    if (labels) *labels = g->comp;
    if (count) *count = g->n_comp;
    return MN_OK;
}

static mn_status check_nodes(const mn_graph *g, const mn_index *ids, size_t n, const char *what)
{
    if (n && !ids) return mn__error(g->ctx, MN_ERR_INVALID, "%s: NULL node array", what);
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0 || (size_t)ids[i] >= g->n_nodes)
            return mn__error(g->ctx, MN_ERR_RANGE, "%s: node id %ld is not in [0, %zu)", what,
                             (long)ids[i], g->n_nodes);
    return MN_OK;
}

mn_status mn_graph_connected(mn_graph *g, const mn_index *a, size_t na, const mn_index *b,
                             size_t nb, int *connected)
{
    if (!g || !connected) return MN_ERR_INVALID;
    mn_status st;
    if ((st = check_nodes(g, a, na, "connected (set a)"))) return st;
    if ((st = check_nodes(g, b, nb, "connected (set b)"))) return st;
    const mn_index *lab;
    size_t nc;
    if ((st = mn_graph_components(g, &lab, &nc))) return st;
    unsigned char *mark = mn__calloc_or_err(g->ctx, nc ? nc : 1, 1, "connectivity");
    if (!mark) return MN_ERR_NOMEM;
    for (size_t i = 0; i < na; i++) mark[lab[a[i]]] = 1;
    *connected = 0;
    for (size_t i = 0; i < nb; i++)
        if (mark[lab[b[i]]]) *connected = 1;
    mn__free(g->ctx, mark);
    return MN_OK;
}

static mn_status dup_double(mn_context *ctx, double **dst, const double *src, size_t n)
{
    *dst = NULL;
    if (!src) return MN_OK;
    *dst = mn__malloc_or_err(ctx, n ? n : 1, sizeof(double), "graph copy");
    if (!*dst) return MN_ERR_NOMEM;
    if (n) memcpy(*dst, src, n * sizeof(double));
    return MN_OK;
}

mn_status mn_graph_copy(mn_graph **out, const mn_graph *g)
{
    if (!out || !g) return MN_ERR_INVALID;
    *out = NULL;
    mn_status st;
    mn_graph *c = NULL;
    if ((st = mn_graph_new(&c, g->ctx, g->n_nodes))) return st;
    MN__TRY(mn__graph_reserve_edges(c, g->n_edges ? g->n_edges : 1));
    if (g->n_edges) {
        memcpy(c->u, g->u, g->n_edges * sizeof(mn_index));
        memcpy(c->v, g->v, g->n_edges * sizeof(mn_index));
    }
    c->n_edges = g->n_edges;
    MN__TRY(dup_double(g->ctx, &c->nx, g->nx, g->n_nodes));
    MN__TRY(dup_double(g->ctx, &c->ny, g->ny, g->n_nodes));
    if (g->len) MN__TRY(copy_array(g->ctx, &c->len, g->len, g->n_edges, c->cap_edges, "copy"));
    if (g->ex) MN__TRY(copy_array(g->ctx, &c->ex, g->ex, g->n_edges, c->cap_edges, "copy"));
    if (g->ey) MN__TRY(copy_array(g->ctx, &c->ey, g->ey, g->n_edges, c->cap_edges, "copy"));
    for (size_t k = 0; k < g->n_cols; k++) MN__TRY(mn_graph_add_edge_column(c, g->cols[k]));
    for (size_t i = 0; i < g->n_sets; i++)
        MN__TRY(mn_graph_set_node_set(c, g->sets[i].name, g->sets[i].nodes, g->sets[i].n));
    if (g->node_origin) {
        c->node_origin = mn__malloc_or_err(g->ctx, g->n_nodes + 1, sizeof(mn_index), "copy");
        if (!c->node_origin) MN__FAIL(MN_ERR_NOMEM);
        memcpy(c->node_origin, g->node_origin, g->n_nodes * sizeof(mn_index));
    }
    if (g->edge_origin) {
        c->edge_origin = mn__malloc_or_err(g->ctx, g->n_edges + 1, sizeof(mn_index), "copy");
        if (!c->edge_origin) MN__FAIL(MN_ERR_NOMEM);
        memcpy(c->edge_origin, g->edge_origin, g->n_edges * sizeof(mn_index));
    }
    *out = c;
    return MN_OK;
cleanup:
    mn_graph_free(c);
    return st;
}

mn_status mn_graph_extract_components(mn_graph **out, mn_graph *g, const mn_index *seeds,
                                      size_t n_seeds, mn_index *node_map, mn_index *edge_map)
{
    if (!out || !g) return MN_ERR_INVALID;
    *out = NULL;
    mn_status st;
    mn_context *ctx = g->ctx;
    if (n_seeds == 0)
        return mn__error(ctx, MN_ERR_INVALID, "extract components: no seed nodes given");
    if ((st = check_nodes(g, seeds, n_seeds, "extract components"))) return st;
    const mn_index *lab;
    size_t nc;
    if ((st = mn_graph_components(g, &lab, &nc))) return st;
    mn_graph *s = NULL;
    unsigned char *keep = NULL;
    mn_index *nmap = NULL;
    double *tmp = NULL;
    keep = mn__calloc_or_err(ctx, nc ? nc : 1, 1, "extraction");
    nmap = mn__malloc_or_err(ctx, g->n_nodes + 1, sizeof(mn_index), "extraction");
    if (!keep || !nmap) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < n_seeds; i++) keep[lab[seeds[i]]] = 1;
    size_t nn = 0, ne = 0;
    for (size_t i = 0; i < g->n_nodes; i++) nmap[i] = keep[lab[i]] ? (mn_index)nn++ : -1;
    for (size_t e = 0; e < g->n_edges; e++) ne += keep[lab[g->u[e]]];
    MN__TRY(mn_graph_new(&s, ctx, nn));
    MN__TRY(mn__graph_reserve_edges(s, ne ? ne : 1));
    s->node_origin = mn__malloc_or_err(ctx, nn + 1, sizeof(mn_index), "extraction");
    s->edge_origin = mn__malloc_or_err(ctx, ne + 1, sizeof(mn_index), "extraction");
    if (!s->node_origin || !s->edge_origin) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < g->n_nodes; i++)
        if (nmap[i] >= 0) s->node_origin[nmap[i]] = (mn_index)i;
    if (g->nx) {
        s->nx = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "extraction");
        s->ny = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "extraction");
        if (!s->nx || !s->ny) MN__FAIL(MN_ERR_NOMEM);
        for (size_t i = 0; i < nn; i++) {
            s->nx[i] = g->nx[s->node_origin[i]];
            s->ny[i] = g->ny[s->node_origin[i]];
        }
    }
    size_t k = 0;
    for (size_t e = 0; e < g->n_edges; e++) {
        if (edge_map) edge_map[e] = -1;
        if (!keep[lab[g->u[e]]]) continue;
        s->u[k] = nmap[g->u[e]];
        s->v[k] = nmap[g->v[e]];
        s->edge_origin[k] = (mn_index)e;
        if (edge_map) edge_map[e] = (mn_index)k;
        k++;
    }
    s->n_edges = ne;
    /* edge attributes */
    double *const *src[3] = { &g->len, &g->ex, &g->ey };
    double **dst[3] = { &s->len, &s->ex, &s->ey };
    for (int a = 0; a < 3; a++) {
        if (!*src[a]) continue;
        *dst[a] = mn__malloc_or_err(ctx, s->cap_edges, sizeof(double), "extraction");
        if (!*dst[a]) MN__FAIL(MN_ERR_NOMEM);
        for (size_t j = 0; j < ne; j++) (*dst[a])[j] = (*src[a])[s->edge_origin[j]];
    }
    if (g->n_cols) {
        tmp = mn__malloc_or_err(ctx, ne + 1, sizeof(double), "extraction");
        if (!tmp) MN__FAIL(MN_ERR_NOMEM);
        for (size_t c = 0; c < g->n_cols; c++) {
            for (size_t j = 0; j < ne; j++) tmp[j] = g->cols[c][s->edge_origin[j]];
            MN__TRY(mn_graph_add_edge_column(s, tmp));
        }
    }
    /* node sets, restricted to kept nodes */
    for (size_t i = 0; i < g->n_sets; i++) {
        mn__node_set *set = &g->sets[i];
        mn_index *ids = mn__malloc_or_err(ctx, set->n + 1, sizeof(mn_index), "extraction");
        if (!ids) MN__FAIL(MN_ERR_NOMEM);
        size_t m = 0;
        for (size_t j = 0; j < set->n; j++)
            if (nmap[set->nodes[j]] >= 0) ids[m++] = nmap[set->nodes[j]];
        st = mn_graph_set_node_set(s, set->name, ids, m);
        mn__free(ctx, ids);
        if (st) goto cleanup;
    }
    if (node_map) memcpy(node_map, nmap, g->n_nodes * sizeof(mn_index));
    mn__free(ctx, keep);
    mn__free(ctx, nmap);
    mn__free(ctx, tmp);
    *out = s;
    return MN_OK;
cleanup:
    mn__free(ctx, keep);
    mn__free(ctx, nmap);
    mn__free(ctx, tmp);
    mn_graph_free(s);
    return st;
}
