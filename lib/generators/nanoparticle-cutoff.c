/* Neighbour rule "cutoff": a tunnel gap between every two groups with particles closer than
 * a cutoff edge to edge (memnet's rule before issue 15; MN_GEN_NEIGHBOURS_CUTOFF). */
#include "nanoparticle-private.h"

#include <math.h>

mn_status mn__np_gap_push(mn_context *ctx, mn__np_gap **cand, size_t *n, size_t *cap,
                          const double *px, const double *py, const mn_index *group,
                          mn_index i, mn_index j)
{
    const double r = MN__NP_R;
    if (*n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 4096;
        mn__np_gap *a = mn__realloc_array(ctx, *cand, ncap, sizeof **cand);
        if (!a) return mn__error(ctx, MN_ERR_NOMEM, "out of memory for %zu gap candidates", ncap);
        *cand = a;
        *cap = ncap;
    }
    double dx = px[j] - px[i], dy = py[j] - py[i], d2 = dx * dx + dy * dy;
    /* edge-to-edge distance d - 1, computed without cancellation */
    double gap = (d2 - 4 * r * r) / (sqrt(d2) + 2 * r);
    mn__np_gap *k = &(*cand)[(*n)++];
    if (group[i] < group[j]) *k = (mn__np_gap){ group[i], group[j], gap, i, j };
    else *k = (mn__np_gap){ group[j], group[i], gap, j, i };
    return MN_OK;
}

mn_status mn__np_gaps_cutoff(mn_context *ctx, const mn__np_grid *grid, const double *px,
                             const double *py, size_t np, const mn_index *group, double cutoff,
                             mn__np_gap **cand, size_t *n)
{
    const double r = MN__NP_R;
    const double dmax = 2 * r + cutoff, dmax2 = dmax * dmax;
    size_t cap = 0;
    *cand = NULL;
    *n = 0;
    for (size_t i = 0; i < np; i++) {
        int64_t cx = mn__np_cell_x(grid, px[i]), cy = mn__np_cell_y(grid, py[i]);
        for (int64_t yy = cy - 1; yy <= cy + 1; yy++) {
            if (yy < 0 || yy >= grid->ncy) continue;
            for (int64_t xx = cx - 1; xx <= cx + 1; xx++) {
                if (xx < 0 || xx >= grid->ncx) continue;
                size_t c = (size_t)(yy * grid->ncx + xx);
                for (int64_t q = grid->start[c]; q < grid->start[c + 1]; q++) {
                    mn_index j = grid->list[q];
                    if ((size_t)j <= i || group[i] == group[j]) continue;
                    double dx = px[j] - px[i], dy = py[j] - py[i];
                    if (dx * dx + dy * dy >= dmax2) continue;
                    mn_status st = mn__np_gap_push(ctx, cand, n, &cap, px, py, group, (mn_index)i, j);
                    if (st != MN_OK) {
                        mn__free(ctx, *cand);
                        *cand = NULL;
                        *n = 0;
                        return st;
                    }
                }
            }
        }
    }
    return MN_OK;
}
