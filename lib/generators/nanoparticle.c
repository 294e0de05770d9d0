/* Percolating nanoparticle networks (003 secs. 1.1 and 5.1): random deposition of
 * unit-diameter discs until a surface coverage, overlapping discs form groups, tunnel gaps
 * join neighbouring groups. */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct gap_cand {
    mn_index ga, gb; /* groups, ga < gb */
    double gap;
    mn_index i, j;   /* particles (i in ga, j in gb) */
} gap_cand;

static int cmp_cand(const void *pa, const void *pb)
{
    const gap_cand *a = pa, *b = pb;
    if (a->ga != b->ga) return a->ga < b->ga ? -1 : 1;
    if (a->gb != b->gb) return a->gb < b->gb ? -1 : 1;
    if (a->gap != b->gap) return a->gap < b->gap ? -1 : 1;
    if (a->i != b->i) return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : (a->j > b->j);
}

static mn_index uf_find(mn_index *p, mn_index x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
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
    const double r = 0.5; /* unit diameter: lengths in particle diameters (pd) */
    if (!(p > 0 && p < 1))
        return mn__error(ctx, MN_ERR_RANGE, "nanoparticles: coverage %g is not in (0, 1)", p);
    double nrx_d = ceil(W / h), nry_d = ceil(H / h);
    if (nrx_d * nry_d > 1.6e10)
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanoparticles: a %g x %g pd box at resolution %g needs %.3g raster "
                         "cells (limit 1.6e10): raise MN_GEN_RESOLUTION", W, H, h,
                         nrx_d * nry_d);
    const int64_t nrx = (int64_t)nrx_d, nry = (int64_t)nry_d;
    const double hx = W / (double)nrx, hy = H / (double)nry;
    const uint64_t T = (uint64_t)nrx * (uint64_t)nry;
    const uint64_t target = (uint64_t)ceil(p * (double)T);

    uint64_t *bits = NULL;
    double *px = NULL, *py = NULL, *nx = NULL, *ny = NULL, *elen = NULL, *ex = NULL, *ey = NULL;
    mn_index *parent = NULL, *group = NULL, *clist = NULL, *eu = NULL, *ev = NULL,
             *gsize = NULL, *pnode = NULL;
    int64_t *cstart = NULL;
    gap_cand *cand = NULL;
    mn_index **sets = NULL;
    size_t *set_n = NULL;
    mn_graph *g = NULL;
    size_t np = 0, capp = 0, nc = 0, capc = 0, n_el = 0;
    mn__gen_electrode defaults[2];
    const mn__gen_electrode *el = NULL;

    bits = mn__calloc_or_err(ctx, (size_t)((T + 63) / 64), sizeof(uint64_t), "coverage raster");
    if (!bits) MN__FAIL(MN_ERR_NOMEM);

    /* ---- deposition */
    {
        mn__rng_state rp;
        mn__rng_seed(&rp, (uint64_t)gen->ival[MN_GEN_SEED], 0);
        uint64_t covered = 0;
        while (covered < target) {
            if (np == capp) {
                size_t ncap = capp ? 2 * capp : 4096;
                if (ncap > (size_t)INT32_MAX) ncap = (size_t)INT32_MAX;
                if (np == ncap)
                    MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                                       "nanoparticles: more than 2^31-1 particles"));
                double *a = mn__realloc_array(ctx, px, ncap, sizeof(double));
                if (!a) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory for particles"));
                px = a;
                a = mn__realloc_array(ctx, py, ncap, sizeof(double));
                if (!a) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory for particles"));
                py = a;
                capp = ncap;
            }
            double cx = W * mn__rng_uniform(&rp), cy = H * mn__rng_uniform(&rp);
            px[np] = cx;
            py[np] = cy;
            np++;
            /* raster cells whose centre ((i + 1/2) hx, (j + 1/2) hy) lies in the disc */
            int64_t j0 = (int64_t)ceil((cy - r) / hy - 0.5), j1 = (int64_t)floor((cy + r) / hy - 0.5);
            if (j0 < 0) j0 = 0;
            if (j1 > nry - 1) j1 = nry - 1;
            for (int64_t j = j0; j <= j1; j++) {
                double dy = (j + 0.5) * hy - cy, w2 = r * r - dy * dy;
                if (w2 < 0) continue;
                double w = sqrt(w2);
                int64_t i0 = (int64_t)ceil((cx - w) / hx - 0.5), i1 = (int64_t)floor((cx + w) / hx - 0.5);
                if (i0 < 0) i0 = 0;
                if (i1 > nrx - 1) i1 = nrx - 1;
                for (int64_t i = i0; i <= i1; i++) {
                    double dx = (i + 0.5) * hx - cx;
                    if (dx * dx + dy * dy > r * r) continue;
                    uint64_t c = (uint64_t)j * (uint64_t)nrx + (uint64_t)i;
                    uint64_t m = UINT64_C(1) << (c & 63);
                    if (!(bits[c >> 6] & m)) {
                        bits[c >> 6] |= m;
                        covered++;
                    }
                }
            }
        }
        gen->coverage = (double)covered / (double)T;
    }
    mn__free(ctx, bits);
    bits = NULL;

    /* ---- spatial grid of cell size 1 + cutoff (every pair closer than that edge to edge
     *      is in the same or an adjacent cell) */
    const double cs = 2 * r + cutoff;
    int64_t ncx = (int64_t)(W / cs), ncy = (int64_t)(H / cs);
    if (ncx < 1) ncx = 1;
    if (ncy < 1) ncy = 1;
    while ((double)ncx * (double)ncy > 4.0 * (double)np + 16) {
        ncx = (ncx + 1) / 2;
        ncy = (ncy + 1) / 2;
    }
    const double icx = (double)ncx / W, icy = (double)ncy / H; /* cells at least cs wide */
    size_t ncell = (size_t)(ncx * ncy);
    cstart = mn__calloc_or_err(ctx, ncell + 1, sizeof(int64_t), "particle grid");
    clist = mn__malloc_or_err(ctx, np, sizeof(mn_index), "particle grid");
    group = mn__malloc_or_err(ctx, np, sizeof(mn_index), "groups");
    parent = mn__malloc_or_err(ctx, np, sizeof(mn_index), "groups");
    if (!cstart || !clist || !group || !parent) MN__FAIL(MN_ERR_NOMEM);
#define CELL_X(x) ((int64_t)((x) * icx) < ncx ? (int64_t)((x) * icx) : ncx - 1)
#define CELL_Y(y) ((int64_t)((y) * icy) < ncy ? (int64_t)((y) * icy) : ncy - 1)
    for (size_t i = 0; i < np; i++) cstart[CELL_Y(py[i]) * ncx + CELL_X(px[i]) + 1]++;
    for (size_t c = 0; c < ncell; c++) cstart[c + 1] += cstart[c];
    for (size_t i = 0; i < np; i++) clist[cstart[CELL_Y(py[i]) * ncx + CELL_X(px[i])]++] = (mn_index)i;
    for (size_t c = ncell; c > 0; c--) cstart[c] = cstart[c - 1];
    cstart[0] = 0;
    for (size_t i = 0; i < np; i++) parent[i] = (mn_index)i;

    /* pass 0: union overlapping or touching discs; pass 1: gap candidates */
    const double dmax = 2 * r + cutoff, dmax2 = dmax * dmax;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < np; i++) {
            int64_t cx = CELL_X(px[i]), cy = CELL_Y(py[i]);
            for (int64_t yy = cy - 1; yy <= cy + 1; yy++) {
                if (yy < 0 || yy >= ncy) continue;
                for (int64_t xx = cx - 1; xx <= cx + 1; xx++) {
                    if (xx < 0 || xx >= ncx) continue;
                    size_t c = (size_t)(yy * ncx + xx);
                    for (int64_t q = cstart[c]; q < cstart[c + 1]; q++) {
                        mn_index j = clist[q];
                        if ((size_t)j <= i) continue;
                        double dx = px[j] - px[i], dy = py[j] - py[i], d2 = dx * dx + dy * dy;
                        if (pass == 0) {
                            if (d2 <= 4 * r * r) {
                                mn_index a = uf_find(parent, (mn_index)i), b = uf_find(parent, j);
                                if (a != b) {
                                    if (a < b) parent[b] = a;
                                    else parent[a] = b;
                                }
                            }
                            continue;
                        }
                        if (d2 >= dmax2 || group[i] == group[j]) continue;
                        /* edge-to-edge distance d - 1, computed without cancellation */
                        double gap = (d2 - 4 * r * r) / (sqrt(d2) + 2 * r);
                        if (nc == capc) {
                            size_t ncap = capc ? 2 * capc : 4096;
                            gap_cand *a = mn__realloc_array(ctx, cand, ncap, sizeof *cand);
                            if (!a) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM,
                                                       "out of memory for %zu gap candidates",
                                                       ncap));
                            cand = a;
                            capc = ncap;
                        }
                        gap_cand *k = &cand[nc++];
                        if (group[i] < group[j]) {
                            *k = (gap_cand){ group[i], group[j], gap, (mn_index)i, j };
                        } else {
                            *k = (gap_cand){ group[j], group[i], gap, j, (mn_index)i };
                        }
                    }
                }
            }
        }
        if (pass == 0) {
            /* groups numbered in order of their lowest particle id */
            mn_index ng = 0;
            for (size_t i = 0; i < np; i++) {
                mn_index root = uf_find(parent, (mn_index)i);
                if ((size_t)root == i) group[i] = ng++;
                else group[i] = group[root];
            }
        }
    }
    mn_index ngroups = 0;
    for (size_t i = 0; i < np; i++)
        if (group[i] + 1 > ngroups) ngroups = group[i] + 1;
    mn__free(ctx, parent);
    parent = NULL;
    mn__free(ctx, cstart);
    mn__free(ctx, clist);
    cstart = NULL;
    clist = NULL;
#undef CELL_X
#undef CELL_Y

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
        const gap_cand *c = &cand[k];
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
    mn__free(ctx, bits);
    mn__free(ctx, px);
    mn__free(ctx, py);
    mn__free(ctx, nx);
    mn__free(ctx, ny);
    mn__free(ctx, elen);
    mn__free(ctx, ex);
    mn__free(ctx, ey);
    mn__free(ctx, parent);
    mn__free(ctx, group);
    mn__free(ctx, clist);
    mn__free(ctx, eu);
    mn__free(ctx, ev);
    mn__free(ctx, gsize);
    mn__free(ctx, pnode);
    mn__free(ctx, cstart);
    mn__free(ctx, cand);
    for (size_t e = 0; sets && e < n_el; e++) mn__free(ctx, sets[e]);
    mn__free(ctx, sets);
    mn__free(ctx, set_n);
    mn_graph_free(g);
    return st;
}
