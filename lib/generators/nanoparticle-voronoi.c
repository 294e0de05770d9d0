/* Neighbour rule "voronoi" (MN_GEN_NEIGHBOURS_VORONOI, issue 15 item 9): two groups are
 * joined by a tunnel gap when their Voronoi cells, clipped to the deposition box, share a
 * boundary of positive length. A group's cell is the union of its particles' cells (for
 * equal discs the Voronoi diagram of the centres is the diagram of the discs), so the groups
 * are adjacent exactly when two of their particles are Delaunay neighbours whose Voronoi edge
 * crosses the box. The gap length is the smallest edge-to-edge distance over those particle
 * pairs. No length scale is chosen: a gap exists where no third particle lies between.
 *
 * Method: each particle's cell is computed by clipping the box with the bisector half-planes
 * of the particles around it, taken ring by ring of grid cells outward; the search stops once
 * the unvisited particles are farther than twice the cell's radius (they cannot cut it).
 * Each edge of the final polygon is labelled with the particle whose bisector made it.
 * Expected O(1) particles per cell for a uniform deposition, O(n) in all. */
#include "nanoparticle-private.h"

#include <math.h>

typedef struct poly {
    double *x, *y; /* vertices relative to the particle */
    mn_index *lab; /* edge k (vertex k -> k + 1): the particle that cut it, or -1 (box) */
    size_t n, cap;
} poly;

static int poly_reserve(mn_context *ctx, poly *P, size_t n)
{
    if (n <= P->cap) return 0;
    size_t cap = P->cap ? P->cap : 16;
    while (cap < n) cap *= 2;
    double *x = mn__realloc_array(ctx, P->x, cap, sizeof(double));
    if (x) P->x = x;
    double *y = x ? mn__realloc_array(ctx, P->y, cap, sizeof(double)) : NULL;
    if (y) P->y = y;
    mn_index *l = y ? mn__realloc_array(ctx, P->lab, cap, sizeof(mn_index)) : NULL;
    if (l) P->lab = l;
    if (!l) return -1;
    P->cap = cap;
    return 0;
}

/* Clip polygon A by the half-plane p . d <= c (the side of the particle at the origin of the
 * bisector with a particle at d, c = |d|^2 / 2) into B; the new edge gets label j. */
static void clip(const poly *A, poly *B, double dx, double dy, double c, mn_index j)
{
    size_t n = A->n, m = 0;
    for (size_t k = 0; k < n; k++) {
        size_t k1 = k + 1 == n ? 0 : k + 1;
        double ax = A->x[k], ay = A->y[k], bx = A->x[k1], by = A->y[k1];
        double sa = ax * dx + ay * dy - c, sb = bx * dx + by * dy - c;
        if (sa <= 0) {
            B->x[m] = ax;
            B->y[m] = ay;
            B->lab[m++] = A->lab[k];
            if (sb > 0) {
                double t = sa / (sa - sb);
                B->x[m] = ax + t * (bx - ax);
                B->y[m] = ay + t * (by - ay);
                B->lab[m++] = j;
            }
        } else if (sb <= 0) {
            double t = sa / (sa - sb);
            B->x[m] = ax + t * (bx - ax);
            B->y[m] = ay + t * (by - ay);
            B->lab[m++] = A->lab[k];
        }
    }
    B->n = m;
}

mn_status mn__np_gaps_voronoi(mn_context *ctx, const mn__np_grid *grid, const double *px,
                              const double *py, size_t np, const mn_index *group, double W,
                              double H, mn__np_gap **cand, size_t *n)
{
    mn_status st = MN_OK;
    poly A = { 0 }, B = { 0 };
    size_t cap = 0;
    *cand = NULL;
    *n = 0;
    /* a shared edge shorter than this (pd) is a round-off artefact of four nearly cocircular
     * centres, not a boundary: both neighbour choices are then the same Delaunay graph up to
     * a flip, and the pair is dropped */
    const double min_edge = 1e-9;
    const double csx = 1.0 / grid->icx, csy = 1.0 / grid->icy, cs = csx < csy ? csx : csy;
    if (poly_reserve(ctx, &A, 16) || poly_reserve(ctx, &B, 16)) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < np; i++) {
        const double xi = px[i], yi = py[i];
        /* the box, relative to the particle, counter-clockwise */
        A.n = 4;
        A.x[0] = -xi, A.y[0] = -yi, A.x[1] = W - xi, A.y[1] = -yi;
        A.x[2] = W - xi, A.y[2] = H - yi, A.x[3] = -xi, A.y[3] = H - yi;
        A.lab[0] = A.lab[1] = A.lab[2] = A.lab[3] = -1;
        const int64_t cx = mn__np_cell_x(grid, xi), cy = mn__np_cell_y(grid, yi);
        const int64_t kmax = grid->ncx > grid->ncy ? grid->ncx : grid->ncy;
        for (int64_t k = 0; k <= kmax; k++) {
            /* unvisited particles are at least (k - 1) cs away: they cannot cut a cell whose
             * vertices are all within (k - 1) cs / 2 */
            if (k >= 2) {
                double r2 = 0;
                for (size_t v = 0; v < A.n; v++) {
                    double q = A.x[v] * A.x[v] + A.y[v] * A.y[v];
                    if (q > r2) r2 = q;
                }
                double reach = 0.5 * (double)(k - 1) * cs;
                if (r2 <= reach * reach) break;
            }
            for (int64_t yy = cy - k; yy <= cy + k; yy++) {
                if (yy < 0 || yy >= grid->ncy) continue;
                int edge_row = (yy == cy - k || yy == cy + k);
                for (int64_t xx = cx - k; xx <= cx + k; xx += edge_row ? 1 : 2 * k) {
                    if (xx >= 0 && xx < grid->ncx) {
                        size_t c = (size_t)(yy * grid->ncx + xx);
                        for (int64_t q = grid->start[c]; q < grid->start[c + 1]; q++) {
                            mn_index j = grid->list[q];
                            if ((size_t)j == i) continue;
                            double dx = px[j] - xi, dy = py[j] - yi;
                            double c2 = 0.5 * (dx * dx + dy * dy);
                            if (c2 == 0) continue; /* coincident centres: one site */
                            if (poly_reserve(ctx, &B, A.n + 1)) MN__FAIL(MN_ERR_NOMEM);
                            clip(&A, &B, dx, dy, c2, j);
                            poly t = A;
                            A = B;
                            B = t;
                        }
                    }
                    if (k == 0) break;
                }
            }
        }
        for (size_t v = 0; v < A.n; v++) {
            mn_index j = A.lab[v];
            if (j < 0 || (size_t)j < i || group[j] == group[i]) continue; /* each pair once */
            size_t v1 = v + 1 == A.n ? 0 : v + 1;
            double ex = A.x[v1] - A.x[v], ey = A.y[v1] - A.y[v];
            if (ex * ex + ey * ey <= min_edge * min_edge) continue;
            MN__TRY(mn__np_gap_push(ctx, cand, n, &cap, px, py, group, (mn_index)i, j));
        }
    }
cleanup:
    mn__free(ctx, A.x);
    mn__free(ctx, A.y);
    mn__free(ctx, A.lab);
    mn__free(ctx, B.x);
    mn__free(ctx, B.y);
    mn__free(ctx, B.lab);
    if (st != MN_OK) {
        mn__free(ctx, *cand);
        *cand = NULL;
        *n = 0;
    }
    return st;
}
