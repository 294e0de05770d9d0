/*
 * libmemnet-mpi: distributed 2-D nanowire (stick) networks.
 *
 * Wire i (0 .. n-1) has its centre uniform in the L x L square and its angle uniform in
 * [0, pi), drawn from a counter-based generator keyed by (seed, i) only, so the network is the
 * same for any number of ranks. Rank r owns the wires whose centre lies in the slab
 * x in [L r / P, L (r + 1) / P) and looks at the wires of the slab widened by one wire length
 * on each side (the halo: no wire farther away can touch an owned one). A junction (i, j),
 * i < j, is added by the owner of wire i, so each one exists once. Node ids are wire ids; the
 * wire centres are the node coordinates (for the space-filling-curve partition). Every rank
 * draws all n centres to find its slab's wires: O(n) arithmetic per rank, about 0.3 s per
 * 1e8 wires, no communication.
 */
#include "mpi-private.h"

#include <math.h>
#include <string.h>

/* splitmix64 of a key: independent uniform doubles per (seed, wire, draw) */
static double hash_uniform(uint64_t seed, uint64_t id, uint64_t k)
{
    uint64_t z = seed ^ (id * 0x9e3779b97f4a7c15ULL) ^ (k * 0xd1b54a32d192ed03ULL);
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static void wire(uint64_t seed, uint64_t id, double L, double len, double *c)
{
    double cx = hash_uniform(seed, id, 0) * L, cy = hash_uniform(seed, id, 1) * L;
    double th = hash_uniform(seed, id, 2) * 3.14159265358979323846;
    c[0] = cx - 0.5 * len * cos(th);
    c[1] = cy - 0.5 * len * sin(th);
    c[2] = cx + 0.5 * len * cos(th);
    c[3] = cy + 0.5 * len * sin(th);
}

static int orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    double d = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return (d > 0) - (d < 0);
}

static int cross(const double *a, const double *b)
{
    return orient(a[0], a[1], a[2], a[3], b[0], b[1]) * orient(a[0], a[1], a[2], a[3], b[2], b[3]) <
               0 &&
           orient(b[0], b[1], b[2], b[3], a[0], a[1]) * orient(b[0], b[1], b[2], b[3], a[2], a[3]) <
               0;
}

mn_status mn_mpi_gen_sticks(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm, size_t n_wires,
                            double side, double length, double margin, uint64_t seed)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    if (!(side > 0 && isfinite(side)) || !(length > 0 && length < side) ||
        !(margin >= 0 && margin < 0.5 * side))
        st = mn__error(ctx, MN_ERR_RANGE,
                       "sticks: side %g, length %g, margin %g (need 0 < length < side, "
                       "0 <= margin < side/2)",
                       side, length, margin);
    if ((st = mn__mpi_agree(ctx, comm, st)) != MN_OK) return st;
    mn_mpi_graph *g = NULL;
    if ((st = mn_mpi_graph_new(&g, ctx, comm, n_wires)) != MN_OK) return st;
    int P = g->size, r = g->rank;
    double x0 = side * r / P, x1 = side * (r + 1) / P;
    /* the wires of the widened slab, bucketed in cells of one wire length */
    size_t nh = 0, cap = 1024, m = 0, ecap = 1024, no = 0, nl = 0, nr = 0;
    uint64_t *ids = mn__malloc_or_err(ctx, cap, sizeof *ids, "sticks");
    double *geo = mn__malloc_or_err(ctx, 4 * cap, sizeof *geo, "sticks");
    int *cellof = NULL, *head = NULL, *next = NULL;
    mn_index *eu = NULL, *ev = NULL, *own = NULL, *lset = NULL, *rset = NULL;
    double *xyz = NULL;
    if (!ids || !geo) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "sticks: out of memory"));
    for (uint64_t i = 0; i < n_wires; i++) {
        double cx = hash_uniform(seed, i, 0) * side;
        if (cx < x0 - length || cx >= x1 + length) continue;
        if (nh == cap) {
            cap *= 2;
            uint64_t *a = mn__realloc_array(ctx, ids, cap, sizeof *ids);
            double *b = a ? mn__realloc_array(ctx, geo, 4 * cap, sizeof *geo) : NULL;
            if (a) ids = a;
            if (b) geo = b;
            if (!a || !b) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "sticks: out of memory"));
        }
        ids[nh] = i;
        wire(seed, i, side, length, geo + 4 * nh);
        nh++;
    }
    double wx0 = x0 - length;
    int ncx = (int)ceil((x1 - x0 + 2 * length) / length) + 1, ncy = (int)ceil(side / length) + 1;
    size_t ncell = (size_t)ncx * (size_t)ncy;
    head = mn__malloc_or_err(ctx, ncell, sizeof *head, "sticks");
    next = mn__malloc_or_err(ctx, (nh + 1), sizeof *next, "sticks");
    cellof = mn__malloc_or_err(ctx, (nh + 1), sizeof *cellof, "sticks");
    if (!head || !next || !cellof) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "sticks: out of memory"));
    for (size_t c = 0; c < ncell; c++) head[c] = -1;
    for (size_t h = 0; h < nh; h++) {
        const double *w = geo + 4 * h;
        int cx = (int)((0.5 * (w[0] + w[2]) - wx0) / length), cy = (int)(0.5 * (w[1] + w[3]) / length);
        cx = cx < 0 ? 0 : cx >= ncx ? ncx - 1 : cx;
        cy = cy < 0 ? 0 : cy >= ncy ? ncy - 1 : cy;
        cellof[h] = cy * ncx + cx;
        next[h] = head[cellof[h]];
        head[cellof[h]] = (int)h;
    }
    eu = mn__malloc_or_err(ctx, ecap, sizeof *eu, "sticks");
    ev = mn__malloc_or_err(ctx, ecap, sizeof *ev, "sticks");
    own = mn__malloc_or_err(ctx, (nh + 1), sizeof *own, "sticks");
    lset = mn__malloc_or_err(ctx, (nh + 1), sizeof *lset, "sticks");
    rset = mn__malloc_or_err(ctx, (nh + 1), sizeof *rset, "sticks");
    xyz = mn__malloc_or_err(ctx, 3 * (nh + 1), sizeof *xyz, "sticks");
    if (!eu || !ev || !own || !lset || !rset || !xyz)
        MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "sticks: out of memory"));
    for (size_t h = 0; h < nh; h++) {
        const double *a = geo + 4 * h;
        double cxa = 0.5 * (a[0] + a[2]);
        if (cxa < x0 || cxa >= x1) continue; /* not owned */
        own[no] = (mn_index)ids[h];
        xyz[3 * no] = cxa;
        xyz[3 * no + 1] = 0.5 * (a[1] + a[3]);
        xyz[3 * no + 2] = 0.0;
        no++;
        double xmin = a[0] < a[2] ? a[0] : a[2], xmax = a[0] < a[2] ? a[2] : a[0];
        if (xmin < margin) lset[nl++] = (mn_index)ids[h];
        if (xmax > side - margin) rset[nr++] = (mn_index)ids[h];
        int cx = cellof[h] % ncx, cy = cellof[h] / ncx;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int ox = cx + dx, oy = cy + dy;
                if (ox < 0 || oy < 0 || ox >= ncx || oy >= ncy) continue;
                for (int q = head[oy * ncx + ox]; q >= 0; q = next[q]) {
                    if (ids[q] <= ids[h] || !cross(a, geo + 4 * q)) continue;
                    if (m == ecap) {
                        ecap *= 2;
                        mn_index *a2 = mn__realloc_array(ctx, eu, ecap, sizeof *eu);
                        mn_index *b2 = a2 ? mn__realloc_array(ctx, ev, ecap, sizeof *ev) : NULL;
                        if (a2) eu = a2;
                        if (b2) ev = b2;
                        if (!a2 || !b2)
                            MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "sticks: out of memory"));
                    }
                    eu[m] = (mn_index)ids[h];
                    ev[m++] = (mn_index)ids[q];
                }
            }
    }
cleanup:
    st = mn__mpi_agree(ctx, comm, st);
    if (st == MN_OK) st = mn_mpi_graph_add_edges(g, eu, ev, m);
    if (st == MN_OK) st = mn_mpi_graph_set_coordinates(g, own, xyz, no);
    if (st == MN_OK) st = mn_mpi_graph_add_node_set(g, "left", lset, nl);
    if (st == MN_OK) st = mn_mpi_graph_add_node_set(g, "right", rset, nr);
    st = mn__mpi_agree(ctx, comm, st);
    mn__free(ctx, ids);
    mn__free(ctx, geo);
    mn__free(ctx, head);
    mn__free(ctx, next);
    mn__free(ctx, cellof);
    mn__free(ctx, eu);
    mn__free(ctx, ev);
    mn__free(ctx, own);
    mn__free(ctx, lset);
    mn__free(ctx, rset);
    mn__free(ctx, xyz);
    if (st != MN_OK) {
        mn_mpi_graph_free(g);
        return st;
    }
    *out = g;
    return MN_OK;
}
