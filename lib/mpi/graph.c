/* libmemnet-mpi: the distributed graph (edges per rank, coordinates, named node sets). */
#include "mpi-private.h"

#include <math.h>
#include <string.h>

mn_status mn_mpi_graph_new(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm, size_t n_nodes)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    /* agree on the node count first (collective even on bad input) */
    unsigned long long mine = (unsigned long long)n_nodes, lo = mine, hi = mine;
    if (MPI_Allreduce(&mine, &lo, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm) != MPI_SUCCESS ||
        MPI_Allreduce(&mine, &hi, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm) != MPI_SUCCESS)
        return mn__error(ctx, MN_ERR_SOLVER, "MPI_Allreduce failed");
    if (lo != hi)
        return mn__error(ctx, MN_ERR_RANGE, "node counts differ between ranks (%llu .. %llu)",
                         lo, hi);
    if (n_nodes == 0 || n_nodes > (size_t)INT32_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "node count %zu must be in 1 .. 2^31 - 1", n_nodes);
    if (sizeof(PetscInt) < 8 && n_nodes > (size_t)PETSC_MAX_INT / 8)
        return mn__error(ctx, MN_ERR_RANGE,
                         "%zu nodes need the 64-bit-index PETSc build (-Dpetsc64=true)", n_nodes);
    mn_mpi_graph *g = mn__calloc_or_err(ctx, 1, sizeof *g, "distributed graph");
    if (!g) return mn__mpi_agree(ctx, comm, MN_ERR_NOMEM);
    g->ctx = ctx;
    g->comm = MPI_COMM_NULL;
    g->N = (PetscInt)n_nodes;
    if (MPI_Comm_dup(comm, &g->comm) != MPI_SUCCESS) {
        mn__free(ctx, g);
        return mn__error(ctx, MN_ERR_SOLVER, "MPI_Comm_dup failed");
    }
    MPI_Comm_rank(g->comm, &g->rank);
    MPI_Comm_size(g->comm, &g->size);
    *out = g;
    return st;
}

void mn_mpi_graph_free(mn_mpi_graph *g)
{
    if (!g) return;
    mn_context *c = g->ctx;
    mn__free(c, g->eu);
    mn__free(c, g->ev);
    mn__free(c, g->elen);
    mn__free(c, g->cnode);
    mn__free(c, g->cxyz);
    for (size_t i = 0; i < g->n_sets; i++) mn__free(c, g->sets[i].nodes);
    mn__free(c, g->sets);
    if (g->ao) AODestroy(&g->ao);
    mn__free(c, g->local_nodes);
    mn__free(c, g->local_rows);
    mn__free(c, g->lu);
    mn__free(c, g->lv);
    if (g->comm != MPI_COMM_NULL) MPI_Comm_free(&g->comm);
    mn__free(c, g);
}

/* grow an array of elements of `size` bytes to hold `need` */
static int grow(mn_context *ctx, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 1;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *q = mn__realloc_array(ctx, *p, c, size);
    if (!q) return 0;
    *p = q;
    *cap = c;
    return 1;
}

static mn_status check_ids(mn_mpi_graph *g, const mn_index *ids, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0 || (PetscInt)ids[i] >= g->N)
            return mn__error(g->ctx, MN_ERR_RANGE, "%s: node %ld out of range (0..%ld)", what,
                             (long)ids[i], (long)g->N - 1);
    return MN_OK;
}

mn_status mn_mpi_graph_add_edges(mn_mpi_graph *g, const mn_index *u, const mn_index *v,
                                 size_t n)
{
    if (!g) return MN_ERR_INVALID;
    if (n == 0) return MN_OK;
    if (!u || !v) return mn__error(g->ctx, MN_ERR_INVALID, "add_edges: NULL array");
    if (g->partitioned)
        return mn__error(g->ctx, MN_ERR_STATE, "add_edges: the graph is already partitioned");
    mn_status st;
    if ((st = check_ids(g, u, n, "edge")) != MN_OK || (st = check_ids(g, v, n, "edge")) != MN_OK)
        return st;
    if (g->m + n > (size_t)INT32_MAX)
        return mn__error(g->ctx, MN_ERR_RANGE, "more than 2^31 - 1 edges on one rank");
    size_t cap = g->cap_m;
    if (!grow(g->ctx, (void **)&g->eu, &cap, g->m + n, sizeof *g->eu))
        return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory (edges)");
    cap = g->cap_m;
    if (!grow(g->ctx, (void **)&g->ev, &cap, g->m + n, sizeof *g->ev))
        return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory (edges)");
    g->cap_m = cap;
    memcpy(g->eu + g->m, u, n * sizeof *u);
    memcpy(g->ev + g->m, v, n * sizeof *v);
    g->m += n;
    return MN_OK;
}

mn_status mn_mpi_graph_set_coordinates(mn_mpi_graph *g, const mn_index *nodes,
                                       const double *xyz, size_t n)
{
    if (!g) return MN_ERR_INVALID;
    if (n == 0) return MN_OK;
    if (!nodes || !xyz) return mn__error(g->ctx, MN_ERR_INVALID, "coordinates: NULL array");
    if (g->partitioned)
        return mn__error(g->ctx, MN_ERR_STATE, "coordinates: the graph is already partitioned");
    mn_status st = check_ids(g, nodes, n, "coordinates");
    if (st != MN_OK) return st;
    for (size_t i = 0; i < 3 * n; i++)
        if (!isfinite(xyz[i]))
            return mn__error(g->ctx, MN_ERR_RANGE, "coordinates of node %ld: %g is not finite",
                             (long)nodes[i / 3], xyz[i]);
    if (!grow(g->ctx, (void **)&g->cnode, &g->cap_c, g->nc + n, sizeof *g->cnode) ||
        !grow(g->ctx, (void **)&g->cxyz, &g->cap_cx, 3 * (g->nc + n), sizeof *g->cxyz))
        return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory (coordinates)");
    memcpy(g->cnode + g->nc, nodes, n * sizeof *nodes);
    memcpy(g->cxyz + 3 * g->nc, xyz, 3 * n * sizeof *xyz);
    g->nc += n;
    return MN_OK;
}

mn_status mn_mpi_graph_add_node_set(mn_mpi_graph *g, const char *name, const mn_index *nodes,
                                    size_t n)
{
    if (!g) return MN_ERR_INVALID;
    if (!name || !name[0] || strlen(name) >= MN__MPI_NAME_MAX)
        return mn__error(g->ctx, MN_ERR_INVALID, "node set name must have 1 .. %d bytes",
                         MN__MPI_NAME_MAX - 1);
    if (n > 0 && !nodes) return mn__error(g->ctx, MN_ERR_INVALID, "node set: NULL array");
    mn_status st = check_ids(g, nodes, n, "node set");
    if (st != MN_OK) return st;
    mn__mpi_set *s = NULL;
    for (size_t i = 0; i < g->n_sets; i++)
        if (!strcmp(g->sets[i].name, name)) s = &g->sets[i];
    if (!s) {
        if (!grow(g->ctx, (void **)&g->sets, &g->cap_sets, g->n_sets + 1, sizeof *g->sets))
            return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory (node sets)");
        s = &g->sets[g->n_sets++];
        memset(s, 0, sizeof *s);
        memcpy(s->name, name, strlen(name) + 1);
    }
    if (!grow(g->ctx, (void **)&s->nodes, &s->cap, s->n + n, sizeof *s->nodes))
        return mn__error(g->ctx, MN_ERR_NOMEM, "out of memory (node set %s)", name);
    if (n) memcpy(s->nodes + s->n, nodes, n * sizeof *nodes);
    s->n += n;
    return MN_OK;
}

mn_status mn_mpi_graph_set_edge_lengths(mn_mpi_graph *g, const double *length)
{
    if (!g) return MN_ERR_INVALID;
    if (!length && g->m) return mn__error(g->ctx, MN_ERR_INVALID, "edge lengths: NULL array");
    for (size_t e = 0; e < g->m; e++)
        if (!(length[e] > 0.0) || !isfinite(length[e]))
            return mn__error(g->ctx, MN_ERR_RANGE, "edge %zu: length %g must be finite and > 0",
                             e, length[e]);
    double *c = mn__malloc_or_err(g->ctx, g->m ? g->m : 1, sizeof *c, "edge lengths");
    if (!c) return MN_ERR_NOMEM;
    if (g->m) memcpy(c, length, g->m * sizeof *c);
    mn__free(g->ctx, g->elen);
    g->elen = c;
    g->n_elen = g->m;
    return MN_OK;
}

int64_t mn_mpi_graph_edge_offset(const mn_mpi_graph *g)
{
    return g && g->partitioned ? g->eoff : -1;
}

int64_t mn_mpi_graph_global_edge_count(const mn_mpi_graph *g)
{
    return g && g->partitioned ? g->m_global : -1;
}

size_t mn_mpi_graph_edge_count(const mn_mpi_graph *g) { return g ? g->m : 0; }
const mn_index *mn_mpi_graph_edge_u(const mn_mpi_graph *g) { return g ? g->eu : NULL; }
const mn_index *mn_mpi_graph_edge_v(const mn_mpi_graph *g) { return g ? g->ev : NULL; }

const mn_index *mn_mpi_graph_node_set(const mn_mpi_graph *g, const char *name, size_t *n)
{
    if (n) *n = 0;
    if (!g || !name) return NULL;
    for (size_t i = 0; i < g->n_sets; i++)
        if (!strcmp(g->sets[i].name, name)) {
            if (n) *n = g->sets[i].n;
            return g->sets[i].nodes;
        }
    return NULL;
}
size_t mn_mpi_graph_owned_node_count(const mn_mpi_graph *g)
{
    return g && g->partitioned ? (size_t)(g->rend - g->rstart) : 0;
}
size_t mn_mpi_graph_local_node_count(const mn_mpi_graph *g)
{
    return g && g->partitioned ? g->n_local : 0;
}
const mn_index *mn_mpi_graph_local_nodes(const mn_mpi_graph *g)
{
    return g && g->partitioned ? g->local_nodes : NULL;
}

mn_status mn__mpi_graph_to_rows(mn_mpi_graph *g, PetscInt *ids, size_t n)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    if (!g->ao) return MN_OK; /* block partition: rows are the node ids */
    MN__PETSC(AOApplicationToPetsc(g->ao, (PetscInt)n, ids));
cleanup:
    return st;
}
