/* Crossings of straight wire segments: the junctions of a nanowire network, shared by the random
 * stick generator (nanowire.c) and measured wires (segments.c).
 * Neighbour search on a uniform grid; each crossing pair is tested in the lowest cell shared
 * by the two wires' cell ranges, so it is found exactly once. */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>

static int cmp_junction(const void *pa, const void *pb)
{
    const mn__junction *a = pa, *b = pb;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    if (a->b != b->b) return a->b < b->b ? -1 : 1;
    return 0;
}

static inline int64_t cell_of(double x, double x0, double inv, int64_t n)
{
    double f = floor((x - x0) * inv);
    if (f < 0) return 0;
    if (f >= (double)n) return n - 1;
    return (int64_t)f;
}

mn_status mn__wire_crossings(mn_context *ctx, size_t n, const double *x0, const double *y0,
                             const double *x1, const double *y1, const double *len,
                             int count_only, mn__junction **out, size_t *n_out)
{
    mn_status st = MN_OK;
    int64_t *cstart = NULL, *cx0 = NULL, *cy0 = NULL, *cx1 = NULL, *cy1 = NULL;
    mn_index *clist = NULL;
    mn__junction *J = NULL;
    size_t nJ = 0, capJ = 0;
    if (out) *out = NULL;
    *n_out = 0;
    if (n == 0) return MN_OK;

    /* ---- grid */
    double xmin = x0[0], xmax = x0[0], ymin = y0[0], ymax = y0[0], lsum = 0;
    for (size_t i = 0; i < n; i++) {
        double a[2] = { x0[i], x1[i] }, b[2] = { y0[i], y1[i] };
        for (int k = 0; k < 2; k++) {
            if (a[k] < xmin) xmin = a[k];
            if (a[k] > xmax) xmax = a[k];
            if (b[k] < ymin) ymin = b[k];
            if (b[k] > ymax) ymax = b[k];
        }
        lsum += len[i];
    }
    double cs = lsum / (double)n;
    double ext_x = xmax - xmin, ext_y = ymax - ymin;
    if (!(cs > 0) || !isfinite(cs)) cs = 1;
    /* at most about 2 cells per wire */
    while ((ext_x / cs + 1) * (ext_y / cs + 1) > 2.0 * (double)n + 16) cs *= 1.5;
    int64_t ncx = (int64_t)(ext_x / cs) + 1, ncy = (int64_t)(ext_y / cs) + 1;
    double inv = 1.0 / cs;
    size_t ncell = (size_t)(ncx * ncy);
    cstart = mn__calloc_or_err(ctx, ncell + 1, sizeof(int64_t), "wire grid");
    cx0 = mn__malloc_or_err(ctx, n, sizeof(int64_t), "wire grid");
    cy0 = mn__malloc_or_err(ctx, n, sizeof(int64_t), "wire grid");
    cx1 = mn__malloc_or_err(ctx, n, sizeof(int64_t), "wire grid");
    cy1 = mn__malloc_or_err(ctx, n, sizeof(int64_t), "wire grid");
    if (!cstart || !cx0 || !cy0 || !cx1 || !cy1) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < n; i++) {
        cx0[i] = cell_of(fmin(x0[i], x1[i]), xmin, inv, ncx);
        cx1[i] = cell_of(fmax(x0[i], x1[i]), xmin, inv, ncx);
        cy0[i] = cell_of(fmin(y0[i], y1[i]), ymin, inv, ncy);
        cy1[i] = cell_of(fmax(y0[i], y1[i]), ymin, inv, ncy);
        for (int64_t cy = cy0[i]; cy <= cy1[i]; cy++)
            for (int64_t cx = cx0[i]; cx <= cx1[i]; cx++) cstart[cy * ncx + cx + 1]++;
    }
    for (size_t c = 0; c < ncell; c++) cstart[c + 1] += cstart[c];
    clist = mn__malloc_or_err(ctx, (size_t)cstart[ncell] + 1, sizeof(mn_index), "wire grid");
    if (!clist) MN__FAIL(MN_ERR_NOMEM);
    {
        /* fill with a moving cursor, then shift the offsets back */
        for (size_t i = 0; i < n; i++)
            for (int64_t cy = cy0[i]; cy <= cy1[i]; cy++)
                for (int64_t cx = cx0[i]; cx <= cx1[i]; cx++)
                    clist[cstart[cy * ncx + cx]++] = (mn_index)i;
        for (size_t c = ncell; c > 0; c--) cstart[c] = cstart[c - 1];
        cstart[0] = 0;
    }

    /* ---- crossings */
    for (int64_t cy = 0; cy < ncy; cy++)
        for (int64_t cx = 0; cx < ncx; cx++) {
            size_t c = (size_t)(cy * ncx + cx);
            for (int64_t p = cstart[c]; p < cstart[c + 1]; p++) {
                mn_index a = clist[p];
                double ax = x0[a], ay = y0[a], rx = x1[a] - ax, ry = y1[a] - ay;
                double axl = fmin(ax, x1[a]), axh = fmax(ax, x1[a]);
                double ayl = fmin(ay, y1[a]), ayh = fmax(ay, y1[a]);
                for (int64_t q = p + 1; q < cstart[c + 1]; q++) {
                    mn_index b = clist[q];
                    /* count the pair only in the lowest shared cell */
                    int64_t sx = cx0[a] > cx0[b] ? cx0[a] : cx0[b];
                    int64_t sy = cy0[a] > cy0[b] ? cy0[a] : cy0[b];
                    if (sx != cx || sy != cy) continue;
                    if (fmax(x0[b], x1[b]) < axl || fmin(x0[b], x1[b]) > axh ||
                        fmax(y0[b], y1[b]) < ayl || fmin(y0[b], y1[b]) > ayh)
                        continue;
                    double sxv = x1[b] - x0[b], syv = y1[b] - y0[b];
                    double den = rx * syv - ry * sxv;
                    if (den == 0) continue; /* parallel */
                    double qx = x0[b] - ax, qy = y0[b] - ay;
                    double t = (qx * syv - qy * sxv) / den;
                    double u = (qx * ry - qy * rx) / den;
                    if (t < 0 || t > 1 || u < 0 || u > 1) continue;
                    if (nJ >= (size_t)INT32_MAX)
                        MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                                           "nanowires: more than 2^31-1 junctions"));
                    if (count_only) {
                        nJ++;
                        continue;
                    }
                    if (nJ == capJ) {
                        size_t nc = capJ ? 2 * capJ : 1024;
                        mn__junction *nj = mn__realloc_array(ctx, J, nc, sizeof *J);
                        if (!nj) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM,
                                                    "out of memory for %zu junctions", nc));
                        J = nj;
                        capJ = nc;
                    }
                    mn__junction *j = &J[nJ++];
                    j->a = a < b ? a : b;
                    j->b = a < b ? b : a;
                    j->ta = a < b ? t : u;
                    j->tb = a < b ? u : t;
                    j->x = ax + t * rx;
                    j->y = ay + t * ry;
                }
            }
        }
    if (nJ > 1 && !count_only) qsort(J, nJ, sizeof *J, cmp_junction);
    *n_out = nJ;
    if (out) {
        *out = J;
        J = NULL;
    }
cleanup:
    mn__free(ctx, cstart);
    mn__free(ctx, clist);
    mn__free(ctx, cx0);
    mn__free(ctx, cy0);
    mn__free(ctx, cx1);
    mn__free(ctx, cy1);
    mn__free(ctx, J);
    return st;
}
