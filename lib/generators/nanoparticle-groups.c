/* The particle grid and the groups of overlapping particles (003 sec. 5.1: "overlapping
 * disks form conducting nanoparticle groups"). */
#include "nanoparticle-private.h"

mn_status mn__np_grid_build(mn__np_grid *g, mn_context *ctx, const double *px, const double *py,
                            size_t np, double W, double H, double cell)
{
    g->start = NULL;
    g->list = NULL;
    int64_t ncx = (int64_t)(W / cell), ncy = (int64_t)(H / cell);
    if (ncx < 1) ncx = 1;
    if (ncy < 1) ncy = 1;
    while ((double)ncx * (double)ncy > 4.0 * (double)np + 16) {
        ncx = (ncx + 1) / 2;
        ncy = (ncy + 1) / 2;
    }
    g->ncx = ncx;
    g->ncy = ncy;
    g->icx = (double)ncx / W; /* cells at least `cell` wide */
    g->icy = (double)ncy / H;
    size_t ncell = (size_t)(ncx * ncy);
    g->start = mn__calloc_or_err(ctx, ncell + 1, sizeof(int64_t), "particle grid");
    g->list = mn__malloc_or_err(ctx, np ? np : 1, sizeof(mn_index), "particle grid");
    if (!g->start || !g->list) {
        mn__np_grid_free(g, ctx);
        return MN_ERR_NOMEM;
    }
    int64_t *cs = g->start;
    for (size_t i = 0; i < np; i++) cs[mn__np_cell_y(g, py[i]) * ncx + mn__np_cell_x(g, px[i]) + 1]++;
    for (size_t c = 0; c < ncell; c++) cs[c + 1] += cs[c];
    for (size_t i = 0; i < np; i++)
        g->list[cs[mn__np_cell_y(g, py[i]) * ncx + mn__np_cell_x(g, px[i])]++] = (mn_index)i;
    for (size_t c = ncell; c > 0; c--) cs[c] = cs[c - 1];
    cs[0] = 0;
    return MN_OK;
}

void mn__np_grid_free(mn__np_grid *g, mn_context *ctx)
{
    mn__free(ctx, g->start);
    mn__free(ctx, g->list);
    g->start = NULL;
    g->list = NULL;
}

static mn_index uf_find(mn_index *p, mn_index x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

mn_status mn__np_group(mn_context *ctx, const mn__np_grid *grid, const double *px,
                       const double *py, size_t np, mn_index *group, mn_index *ngroups)
{
    const double r = MN__NP_R;
    mn_index *parent = mn__malloc_or_err(ctx, np ? np : 1, sizeof(mn_index), "groups");
    if (!parent) return MN_ERR_NOMEM;
    for (size_t i = 0; i < np; i++) parent[i] = (mn_index)i;
    /* union overlapping or touching discs */
    for (size_t i = 0; i < np; i++) {
        int64_t cx = mn__np_cell_x(grid, px[i]), cy = mn__np_cell_y(grid, py[i]);
        for (int64_t yy = cy - 1; yy <= cy + 1; yy++) {
            if (yy < 0 || yy >= grid->ncy) continue;
            for (int64_t xx = cx - 1; xx <= cx + 1; xx++) {
                if (xx < 0 || xx >= grid->ncx) continue;
                size_t c = (size_t)(yy * grid->ncx + xx);
                for (int64_t q = grid->start[c]; q < grid->start[c + 1]; q++) {
                    mn_index j = grid->list[q];
                    if ((size_t)j <= i) continue;
                    double dx = px[j] - px[i], dy = py[j] - py[i];
                    if (dx * dx + dy * dy > 4 * r * r) continue;
                    mn_index a = uf_find(parent, (mn_index)i), b = uf_find(parent, j);
                    if (a != b) {
                        if (a < b) parent[b] = a;
                        else parent[a] = b;
                    }
                }
            }
        }
    }
    /* groups numbered in order of their lowest particle id */
    mn_index ng = 0;
    for (size_t i = 0; i < np; i++) {
        mn_index root = uf_find(parent, (mn_index)i);
        if ((size_t)root == i) group[i] = ng++;
        else group[i] = group[root];
    }
    *ngroups = ng;
    mn__free(ctx, parent);
    return MN_OK;
}
