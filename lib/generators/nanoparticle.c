/* Percolating nanoparticle networks (003 secs. 1.1 and 5.1): the generator. Deposition
 * (nanoparticle-deposit.c), groups of overlapping discs (nanoparticle-groups.c) and the
 * neighbour rule (nanoparticle-cutoff.c or nanoparticle-voronoi.c) give gap candidates; here the smallest gap per pair
 * of groups becomes an edge, and the electrodes are found. */
#include "nanoparticle-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_cand(const void *pa, const void *pb)
{
    const mn__np_gap *a = pa, *b = pb;
    if (a->ga != b->ga) return a->ga < b->ga ? -1 : 1;
    if (a->gb != b->gb) return a->gb < b->gb ? -1 : 1;
    if (a->gap != b->gap) return a->gap < b->gap ? -1 : 1;
    if (a->i != b->i) return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : (a->j > b->j);
}

mn_status mn_gen_nanoparticles(mn_graph **out, mn_gen *gen)
{
    if (!out || !gen) return MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    mn_status st = MN_OK;
    const double W = gen->real[MN_GEN_WIDTH], H = gen->real[MN_GEN_HEIGHT];
    const double p = gen->real[MN_GEN_COVERAGE], cutoff = gen->real[MN_GEN_GAP_CUTOFF];
    const double h = gen->real[MN_GEN_RESOLUTION];
    const double r = MN__NP_R;
    if (!(p > 0 && p < 1))
        return mn__error(ctx, MN_ERR_RANGE, "nanoparticles: coverage %g is not in (0, 1)", p);

    double *px = NULL, *py = NULL, *nx = NULL, *ny = NULL, *elen = NULL, *ex = NULL, *ey = NULL;
    mn_index *group = NULL, *eu = NULL, *ev = NULL, *gsize = NULL, *pnode = NULL;
    mn__np_gap *cand = NULL;
    mn__np_grid grid = { 0 };
    mn_index **sets = NULL;
    size_t *set_n = NULL;
    mn_graph *g = NULL;
    size_t np = 0, nc = 0, n_el = 0;
    mn__gen_electrode defaults[2];
    const mn__gen_electrode *el = NULL;

    MN__TRY(mn__np_deposit(ctx, (uint64_t)gen->ival[MN_GEN_SEED], W, H, p, h, &px, &py, &np,
                           &gen->coverage));

    /* grid of cell size 1 (grouping) or 1 + cutoff (every pair closer than the cutoff edge to
     * edge is in the same or an adjacent cell) */
    const int voronoi = gen->ival[MN_GEN_NEIGHBOURS] == MN_GEN_NEIGHBOURS_VORONOI;
    MN__TRY(mn__np_grid_build(&grid, ctx, px, py, np, W, H, 2 * r + (voronoi ? 0 : cutoff)));
    group = mn__malloc_or_err(ctx, np, sizeof(mn_index), "groups");
    if (!group) MN__FAIL(MN_ERR_NOMEM);
    mn_index ngroups = 0;
    MN__TRY(mn__np_group(ctx, &grid, px, py, np, group, &ngroups));
    if (voronoi) MN__TRY(mn__np_gaps_voronoi(ctx, &grid, px, py, np, group, W, H, &cand, &nc));
    else MN__TRY(mn__np_gaps_cutoff(ctx, &grid, px, py, np, group, cutoff, &cand, &nc));
    mn__np_grid_free(&grid, ctx);

    /* smallest gap per group pair */
    if (nc > 1) qsort(cand, nc, sizeof *cand, cmp_cand);
    size_t m = 0;
    for (size_t k = 0; k < nc; k++)
        if (k == 0 || cand[k].ga != cand[k - 1].ga || cand[k].gb != cand[k - 1].gb) cand[m++] = cand[k];
    size_t mc = m ? m : 1;
    eu = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "gaps");
    ev = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "gaps");
    elen = mn__malloc_or_err(ctx, mc, sizeof(double), "gaps");
    ex = mn__malloc_or_err(ctx, mc, sizeof(double), "gaps");
    ey = mn__malloc_or_err(ctx, mc, sizeof(double), "gaps");
    nx = mn__calloc_or_err(ctx, (size_t)ngroups + 1, sizeof(double), "groups");
    ny = mn__calloc_or_err(ctx, (size_t)ngroups + 1, sizeof(double), "groups");
    gsize = mn__calloc_or_err(ctx, (size_t)ngroups + 1, sizeof(mn_index), "groups");
    if (!eu || !ev || !elen || !ex || !ey || !nx || !ny || !gsize) MN__FAIL(MN_ERR_NOMEM);
    for (size_t k = 0; k < m; k++) {
        const mn__np_gap *c = &cand[k];
        double dx = px[c->j] - px[c->i], dy = py[c->j] - py[c->i], d = sqrt(dx * dx + dy * dy);
        double s = (r + 0.5 * c->gap) / d;
        eu[k] = c->ga;
        ev[k] = c->gb;
        elen[k] = c->gap;
        ex[k] = px[c->i] + s * dx;
        ey[k] = py[c->i] + s * dy;
    }
    mn__free(ctx, cand);
    cand = NULL;
    for (size_t i = 0; i < np; i++) {
        nx[group[i]] += px[i];
        ny[group[i]] += py[i];
        gsize[group[i]]++;
    }
    for (mn_index a = 0; a < ngroups; a++) {
        nx[a] /= gsize[a];
        ny[a] /= gsize[a];
    }
    MN__TRY(mn__gen_build(&g, ctx, (size_t)ngroups, m, eu, ev, elen, ex, ey, nx, ny, 0, NULL));

    /* ---- electrodes: groups with a particle touching the region, or given particles */
    n_el = mn__gen_electrodes(gen, W, H, defaults, &el);
    sets = mn__calloc_or_err(ctx, n_el, sizeof *sets, "electrodes");
    set_n = mn__calloc_or_err(ctx, n_el, sizeof *set_n, "electrodes");
    if (!sets || !set_n) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < n_el; e++) {
        unsigned char *seen = mn__calloc_or_err(ctx, (size_t)ngroups + 1, 1, "electrodes");
        size_t cap = 64;
        sets[e] = mn__malloc_or_err(ctx, cap, sizeof(mn_index), "electrodes");
        if (!seen || !sets[e]) {
            mn__free(ctx, seen);
            MN__FAIL(MN_ERR_NOMEM);
        }
        size_t cnt = el[e].type == MN__EL_IDS ? el[e].n : np;
        for (size_t k = 0; k < cnt; k++) {
            size_t i;
            if (el[e].type == MN__EL_IDS) {
                if ((uint64_t)el[e].ids[k] >= np) {
                    mn__free(ctx, seen);
                    MN__FAIL(mn__error(ctx, MN_ERR_INVALID,
                                       "electrode %s: particle id %lld is not in [0, %zu)",
                                       el[e].name, (long long)el[e].ids[k], np));
                }
                i = (size_t)el[e].ids[k];
            } else {
                i = k;
                if (!mn__disc_touches(&el[e], px[i], py[i], r)) continue;
            }
            if (seen[group[i]]) continue;
            seen[group[i]] = 1;
            if (set_n[e] == cap) {
                cap *= 2;
                mn_index *ns = mn__realloc_array(ctx, sets[e], cap, sizeof(mn_index));
                if (!ns) {
                    mn__free(ctx, seen);
                    MN__FAIL(MN_ERR_NOMEM);
                }
                sets[e] = ns;
            }
            sets[e][set_n[e]++] = group[i];
        }
        mn__free(ctx, seen);
    }
    {
        mn_graph *res = NULL, *gg = g;
        g = NULL;
        int extract = gen->ival[MN_GEN_KEEP] == MN_GEN_KEEP_ELECTRODES;
        MN__TRY(mn__gen_finish(gen, &res, gg, el, n_el, sets, set_n, extract, (size_t)ngroups));
        *out = res;
    }
    pnode = mn__malloc_or_err(ctx, np, sizeof(mn_index), "particles");
    if (!pnode) {
        mn_graph_free(*out);
        *out = NULL;
        MN__FAIL(MN_ERR_NOMEM);
    }
    for (size_t i = 0; i < np; i++) pnode[i] = gen->node_map[group[i]];
    gen->px = px;
    gen->py = py;
    gen->pnode = pnode;
    gen->n_part = np;
    px = py = NULL;
    pnode = NULL;
cleanup:
    if (st != MN_OK) mn__gen_reset_results(gen);
    mn__free(ctx, px);
    mn__free(ctx, py);
    mn__free(ctx, nx);
    mn__free(ctx, ny);
    mn__free(ctx, elen);
    mn__free(ctx, ex);
    mn__free(ctx, ey);
    mn__free(ctx, group);
    mn__free(ctx, eu);
    mn__free(ctx, ev);
    mn__free(ctx, gsize);
    mn__free(ctx, pnode);
    mn__free(ctx, cand);
    mn__np_grid_free(&grid, ctx);
    for (size_t e = 0; sets && e < n_el; e++) mn__free(ctx, sets[e]);
    mn__free(ctx, sets);
    mn__free(ctx, set_n);
    mn_graph_free(g);
    return st;
}
