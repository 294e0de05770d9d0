/* Random nanowire (stick) networks: junction-dominated and multi-node representations.
 * Neighbour search on a uniform grid; each crossing pair is tested in the lowest cell shared
 * by the two wires' cell ranges, so it is found exactly once. */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct junction {
    mn_index a, b;   /* wire ids, a < b */
    double ta, tb;   /* parameters along the wires */
    double x, y;     /* crossing point */
} junction;

typedef struct wire_event {
    double t;
    int64_t ref; /* >= 0: junction index * 2 + side; < 0: -(electrode index) - 1 */
} wire_event;

static int cmp_junction(const void *pa, const void *pb)
{
    const junction *a = pa, *b = pb;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    if (a->b != b->b) return a->b < b->b ? -1 : 1;
    return 0;
}

static int cmp_event(const void *pa, const void *pb)
{
    const wire_event *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->ref < b->ref ? -1 : (a->ref > b->ref);
}

static double draw_length(mn__rng_state *r, int dist, double mean, double sd)
{
    switch (dist) {
    case MN_GEN_LENGTH_NORMAL: {
        double x;
        do x = mean + sd * mn__rng_normal(r);
        while (!(x > 0));
        return x;
    }
    case MN_GEN_LENGTH_LOGNORMAL: {
        double s2 = log1p((sd / mean) * (sd / mean));
        return exp(log(mean) - 0.5 * s2 + sqrt(s2) * mn__rng_normal(r));
    }
    case MN_GEN_LENGTH_GAMMA: {
        double k = (mean / sd) * (mean / sd), theta = sd * sd / mean;
        double x;
        do x = theta * mn__gen_gamma(r, k);
        while (!(x > 0));
        return x;
    }
    default:
        return mean;
    }
}

static inline int64_t cell_of(double x, double x0, double inv, int64_t n)
{
    double f = floor((x - x0) * inv);
    if (f < 0) return 0;
    if (f >= (double)n) return n - 1;
    return (int64_t)f;
}

mn_status mn_gen_nanowires(mn_graph **out, mn_gen *gen)
{
    if (!out || !gen) return MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    mn_status st = MN_OK;
    const double W = gen->real[MN_GEN_WIDTH], H = gen->real[MN_GEN_HEIGHT];
    const double Lm = gen->real[MN_GEN_LENGTH], Lsd = gen->real[MN_GEN_LENGTH_SD];
    const int dist = (int)gen->ival[MN_GEN_LENGTH_DIST];
    const int multinode = (int)gen->ival[MN_GEN_MULTINODE];
    const double gap = gen->real[MN_GEN_JUNCTION_GAP];
    const double rho_w = gen->real[MN_GEN_WIRE_RESISTANCE];
    int64_t N = gen->ival[MN_GEN_WIRES];
    if (gen->real[MN_GEN_DENSITY] > 0) {
        double n = floor(gen->real[MN_GEN_DENSITY] * W * H + 0.5);
        if (n < 1 || n > 2147483647.0)
            return mn__error(ctx, MN_ERR_RANGE,
                             "nanowires: density %g x area %g gives %.0f wires (need 1 .. 2^31-1)",
                             gen->real[MN_GEN_DENSITY], W * H, n);
        N = (int64_t)n;
    }
    if (N < 1)
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanowires: wire count %lld must be >= 1 (set MN_GEN_WIRES or "
                         "MN_GEN_DENSITY)", (long long)N);
    if (dist == MN_GEN_LENGTH_FIXED && Lsd > 0)
        return mn__error(ctx, MN_ERR_INVALID,
                         "nanowires: length sd %g given with the fixed length distribution "
                         "(choose normal, lognormal or gamma)", Lsd);
    if (dist != MN_GEN_LENGTH_FIXED && !(Lsd > 0))
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanowires: length sd %g must be > 0 for a random length distribution",
                         Lsd);
    mn__gen_electrode defaults[2];
    const mn__gen_electrode *el;
    size_t n_el = mn__gen_electrodes(gen, W, H, defaults, &el);
    for (size_t i = 0; i < n_el; i++)
        for (size_t j = 0; el[i].type == MN__EL_IDS && j < el[i].n; j++)
            if (el[i].ids[j] >= N)
                return mn__error(ctx, MN_ERR_INVALID,
                                 "electrode %s: wire id %lld is not in [0, %lld)", el[i].name,
                                 (long long)el[i].ids[j], (long long)N);

    size_t n = (size_t)N;
    double *x0 = NULL, *y0 = NULL, *x1 = NULL, *y1 = NULL, *len = NULL;
    int64_t *cstart = NULL, *cx0 = NULL, *cy0 = NULL, *cx1 = NULL, *cy1 = NULL;
    mn_index *clist = NULL;
    junction *J = NULL;
    size_t nJ = 0, capJ = 0;
    mn_index **sets = NULL;
    size_t *set_n = NULL;
    double **set_t = NULL;
    mn_graph *g = NULL;
    int64_t *ev_off = NULL;
    wire_event *ev = NULL;
    mn_index *jnode = NULL, *cnode = NULL, *node_wire = NULL;
    double *nx = NULL, *ny = NULL, *col = NULL, *elen = NULL, *ex = NULL, *ey = NULL;
    mn_index *eu = NULL, *evv = NULL;
    int64_t *cur = NULL;

    x0 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    y0 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    x1 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    y1 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    len = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    if (!x0 || !y0 || !x1 || !y1 || !len) MN__FAIL(MN_ERR_NOMEM);
    {
        uint64_t seed = (uint64_t)gen->ival[MN_GEN_SEED];
        mn__rng_state rp, ro, rl;
        mn__rng_seed(&rp, seed, 0);
        mn__rng_seed(&ro, seed, 1);
        mn__rng_seed(&rl, seed, 2);
        const int orient = (int)gen->ival[MN_GEN_ORIENTATION];
        const double a0 = gen->real[MN_GEN_ANGLE], asd = gen->real[MN_GEN_ANGLE_SD];
        const double pi = 3.14159265358979323846;
        for (size_t i = 0; i < n; i++) {
            double cx = W * mn__rng_uniform(&rp), cy = H * mn__rng_uniform(&rp);
            double th = orient == MN_GEN_ORIENT_NORMAL ? a0 + asd * mn__rng_normal(&ro)
                                                       : pi * mn__rng_uniform(&ro);
            double L = draw_length(&rl, dist, Lm, Lsd);
            double hx = 0.5 * L * cos(th), hy = 0.5 * L * sin(th);
            x0[i] = cx - hx;
            y0[i] = cy - hy;
            x1[i] = cx + hx;
            y1[i] = cy + hy;
            len[i] = L;
        }
    }

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
    {
        /* Expected junction count before any is stored (issue 14: 10^6 wires in a 1 x 1 box
         * grew to 5.2 GB before failing): two sticks of lengths a, b with uniform centres in an
         * area A and isotropic directions cross with probability 2ab/(pi A) (Buffon), so
         * E = (sum L)^2 / (pi A) minus the self terms; aligned wires (normal orientation with
         * sd s) cross less, by E|sin(dtheta)| / (2/pi) <= s sqrt(pi) (small s). Refused when
         * it is twice the edge limit (the estimate ignores the boundary). */
        double area = fmax(ext_x, cs) * fmax(ext_y, cs);
        double expect = (lsum * lsum - lsum * cs) / (3.14159265358979323846 * area);
        if (gen->ival[MN_GEN_ORIENTATION] == MN_GEN_ORIENT_NORMAL)
            expect *= fmin(1.0, gen->real[MN_GEN_ANGLE_SD] * 1.7724538509055159);
        if (expect > 2.0 * (double)INT32_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "nanowires: %zu wires of mean length %g in %g x %g make about %.3g "
                               "junctions, beyond the edge limit 2^31-1", n, cs, W, H, expect));
    }
    if (cs <= 0) cs = 1;
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
                    if (nJ == capJ) {
                        size_t nc = capJ ? 2 * capJ : 1024;
                        junction *nj = mn__realloc_array(ctx, J, nc, sizeof *J);
                        if (!nj) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM,
                                                    "out of memory for %zu junctions", nc));
                        J = nj;
                        capJ = nc;
                    }
                    junction *j = &J[nJ++];
                    j->a = a < b ? a : b;
                    j->b = a < b ? b : a;
                    j->ta = a < b ? t : u;
                    j->tb = a < b ? u : t;
                    j->x = ax + t * rx;
                    j->y = ay + t * ry;
                }
            }
        }
    if (nJ > (size_t)INT32_MAX)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "nanowires: %zu junctions exceed 2^31-1", nJ));
    if (nJ > 1) qsort(J, nJ, sizeof *J, cmp_junction);
    mn__free(ctx, cstart);
    mn__free(ctx, clist);
    cstart = NULL;
    clist = NULL;

    /* ---- electrodes: wires touching each region (with the contact parameter) */
    sets = mn__calloc_or_err(ctx, n_el, sizeof *sets, "electrodes");
    set_t = mn__calloc_or_err(ctx, n_el, sizeof *set_t, "electrodes");
    set_n = mn__calloc_or_err(ctx, n_el, sizeof *set_n, "electrodes");
    if (!sets || !set_t || !set_n) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < n_el; e++) {
        size_t cap = el[e].type == MN__EL_IDS ? el[e].n : 64;
        sets[e] = mn__malloc_or_err(ctx, cap, sizeof(mn_index), "electrodes");
        set_t[e] = mn__malloc_or_err(ctx, cap, sizeof(double), "electrodes");
        if (!sets[e] || !set_t[e]) MN__FAIL(MN_ERR_NOMEM);
        if (el[e].type == MN__EL_IDS) {
            for (size_t k = 0; k < el[e].n; k++) {
                sets[e][k] = (mn_index)el[e].ids[k];
                set_t[e][k] = 0.5;
            }
            set_n[e] = el[e].n;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            double t;
            if (!mn__seg_touches(&el[e], x0[i], y0[i], x1[i], y1[i], &t)) continue;
            if (set_n[e] == cap) {
                cap *= 2;
                mn_index *ns = mn__realloc_array(ctx, sets[e], cap, sizeof(mn_index));
                if (!ns) MN__FAIL(MN_ERR_NOMEM);
                sets[e] = ns;
                double *nt = mn__realloc_array(ctx, set_t[e], cap, sizeof(double));
                if (!nt) MN__FAIL(MN_ERR_NOMEM);
                set_t[e] = nt;
            }
            sets[e][set_n[e]] = (mn_index)i;
            set_t[e][set_n[e]++] = t;
        }
    }

    /* ---- graph */
    size_t n_obj = 0;
    if (!multinode) {
        size_t m = nJ ? nJ : 1;
        eu = mn__malloc_or_err(ctx, m, sizeof(mn_index), "edges");
        evv = mn__malloc_or_err(ctx, m, sizeof(mn_index), "edges");
        elen = mn__malloc_or_err(ctx, m, sizeof(double), "edges");
        ex = mn__malloc_or_err(ctx, m, sizeof(double), "edges");
        ey = mn__malloc_or_err(ctx, m, sizeof(double), "edges");
        nx = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
        ny = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
        if (!eu || !evv || !elen || !ex || !ey || !nx || !ny) MN__FAIL(MN_ERR_NOMEM);
        for (size_t i = 0; i < n; i++) {
            nx[i] = 0.5 * (x0[i] + x1[i]);
            ny[i] = 0.5 * (y0[i] + y1[i]);
        }
        for (size_t k = 0; k < nJ; k++) {
            eu[k] = J[k].a;
            evv[k] = J[k].b;
            elen[k] = gap;
            ex[k] = J[k].x;
            ey[k] = J[k].y;
        }
        MN__TRY(mn__gen_build(&g, ctx, n, nJ, eu, evv, elen, ex, ey, nx, ny, 0, NULL));
        n_obj = n;
    } else {
        /* events per wire: both ends of every junction, every electrode contact */
        ev_off = mn__calloc_or_err(ctx, n + 1, sizeof(int64_t), "wire events");
        if (!ev_off) MN__FAIL(MN_ERR_NOMEM);
        for (size_t k = 0; k < nJ; k++) {
            ev_off[J[k].a + 1]++;
            ev_off[J[k].b + 1]++;
        }
        for (size_t e = 0; e < n_el; e++)
            for (size_t k = 0; k < set_n[e]; k++) ev_off[sets[e][k] + 1]++;
        for (size_t i = 0; i < n; i++) ev_off[i + 1] += ev_off[i];
        size_t nev = (size_t)ev_off[n];
        ev = mn__malloc_or_err(ctx, nev + 1, sizeof *ev, "wire events");
        cur = mn__malloc_or_err(ctx, n + 1, sizeof(int64_t), "wire events");
        if (!ev || !cur) MN__FAIL(MN_ERR_NOMEM);
        memcpy(cur, ev_off, (n + 1) * sizeof(int64_t));
        for (size_t k = 0; k < nJ; k++) {
            ev[cur[J[k].a]++] = (wire_event){ J[k].ta, (int64_t)k * 2 };
            ev[cur[J[k].b]++] = (wire_event){ J[k].tb, (int64_t)k * 2 + 1 };
        }
        /* contact events: ref = -(index into the flattened contact list) - 1 */
        size_t ncontact = 0;
        for (size_t e = 0; e < n_el; e++) ncontact += set_n[e];
        cnode = mn__malloc_or_err(ctx, ncontact + 1, sizeof(mn_index), "contacts");
        jnode = mn__malloc_or_err(ctx, 2 * nJ + 1, sizeof(mn_index), "junction nodes");
        if (!cnode || !jnode) MN__FAIL(MN_ERR_NOMEM);
        {
            size_t c = 0;
            for (size_t e = 0; e < n_el; e++)
                for (size_t k = 0; k < set_n[e]; k++, c++)
                    ev[cur[sets[e][k]]++] = (wire_event){ set_t[e][k], -(int64_t)c - 1 };
        }
        /* nodes: distinct parameters along each wire */
        size_t nn = 0, nseg = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t s = ev_off[i], t = ev_off[i + 1];
            if (t - s > 1) qsort(ev + s, (size_t)(t - s), sizeof *ev, cmp_event);
            for (int64_t p = s; p < t; p++)
                if (p == s || ev[p].t != ev[p - 1].t) {
                    if (p != s) nseg++;
                    nn++;
                }
        }
        if (nn > (size_t)INT32_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "nanowires: %zu nodes exceed 2^31-1", nn));
        size_t m = nJ + nseg, mc = m ? m : 1;
        nx = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "nodes");
        ny = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "nodes");
        node_wire = mn__malloc_or_err(ctx, nn + 1, sizeof(mn_index), "nodes");
        eu = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "edges");
        evv = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "edges");
        elen = mn__malloc_or_err(ctx, mc, sizeof(double), "edges");
        ex = mn__malloc_or_err(ctx, mc, sizeof(double), "edges");
        ey = mn__malloc_or_err(ctx, mc, sizeof(double), "edges");
        col = mn__malloc_or_err(ctx, 3 * mc, sizeof(double), "edge columns");
        if (!nx || !ny || !node_wire || !eu || !evv || !elen || !ex || !ey || !col)
            MN__FAIL(MN_ERR_NOMEM);
        double *ckind = col, *cG = col + mc, *cS = col + 2 * mc;
        size_t node = 0, seg = nJ;
        for (size_t i = 0; i < n; i++) {
            int64_t s = ev_off[i], t = ev_off[i + 1];
            for (int64_t p = s; p < t; p++) {
                if (p == s || ev[p].t != ev[p - 1].t) {
                    nx[node] = x0[i] + ev[p].t * (x1[i] - x0[i]);
                    ny[node] = y0[i] + ev[p].t * (y1[i] - y0[i]);
                    node_wire[node] = (mn_index)i;
                    if (p != s) {
                        double sl = (ev[p].t - ev[p - 1].t) * len[i];
                        if (!(sl > 0)) sl = 1e-300;
                        eu[seg] = (mn_index)(node - 1);
                        evv[seg] = (mn_index)node;
                        elen[seg] = sl;
                        ex[seg] = 0.5 * (nx[node] + nx[node - 1]);
                        ey[seg] = 0.5 * (ny[node] + ny[node - 1]);
                        ckind[seg] = MN_GEN_EDGE_RESISTOR;
                        cG[seg] = 1.0 / (rho_w * sl);
                        cS[seg] = 0;
                        seg++;
                    }
                    node++;
                }
                if (ev[p].ref >= 0) jnode[ev[p].ref] = (mn_index)(node - 1);
                else cnode[-ev[p].ref - 1] = (mn_index)(node - 1);
            }
        }
        for (size_t k = 0; k < nJ; k++) {
            eu[k] = jnode[2 * k];
            evv[k] = jnode[2 * k + 1];
            elen[k] = gap;
            ex[k] = J[k].x;
            ey[k] = J[k].y;
            ckind[k] = MN_GEN_EDGE_MEMRISTOR;
            cG[k] = NAN;
            cS[k] = 0;
        }
        const double *cols[3] = { ckind, cG, cS };
        MN__TRY(mn__gen_build(&g, ctx, nn, m, eu, evv, elen, ex, ey, nx, ny, 3, cols));
        /* electrode sets become contact nodes */
        size_t c = 0;
        for (size_t e = 0; e < n_el; e++)
            for (size_t k = 0; k < set_n[e]; k++) sets[e][k] = cnode[c++];
    }
    {
        mn_graph *res = NULL;
        int extract = gen->ival[MN_GEN_KEEP] == MN_GEN_KEEP_ELECTRODES;
        mn_graph *gg = g;
        g = NULL;
        MN__TRY(mn__gen_finish(gen, &res, gg, el, n_el, sets, set_n, extract, n_obj));
        if (multinode) {
            const mn_index *orig = mn_graph_node_origin(res);
            size_t nn = mn_graph_node_count(res);
            if (orig)
                for (size_t i = 0; i < nn; i++) node_wire[i] = node_wire[orig[i]];
            gen->node_wire = node_wire;
            node_wire = NULL;
        }
        *out = res;
    }
    gen->wx0 = x0;
    gen->wy0 = y0;
    gen->wx1 = x1;
    gen->wy1 = y1;
    gen->n_wires = n;
    x0 = y0 = x1 = y1 = NULL;
cleanup:
    if (st != MN_OK) mn__gen_reset_results(gen);
    mn__free(ctx, x0);
    mn__free(ctx, y0);
    mn__free(ctx, x1);
    mn__free(ctx, y1);
    mn__free(ctx, len);
    mn__free(ctx, cstart);
    mn__free(ctx, clist);
    mn__free(ctx, cx0);
    mn__free(ctx, cy0);
    mn__free(ctx, cx1);
    mn__free(ctx, cy1);
    mn__free(ctx, J);
    for (size_t e = 0; sets && e < n_el; e++) mn__free(ctx, sets[e]);
    for (size_t e = 0; set_t && e < n_el; e++) mn__free(ctx, set_t[e]);
    mn__free(ctx, sets);
    mn__free(ctx, set_t);
    mn__free(ctx, set_n);
    mn__free(ctx, ev_off);
    mn__free(ctx, ev);
    mn__free(ctx, jnode);
    mn__free(ctx, cnode);
    mn__free(ctx, node_wire);
    mn__free(ctx, nx);
    mn__free(ctx, ny);
    mn__free(ctx, col);
    mn__free(ctx, elen);
    mn__free(ctx, ex);
    mn__free(ctx, ey);
    mn__free(ctx, eu);
    mn__free(ctx, evv);
    mn__free(ctx, cur);
    mn_graph_free(g);
    return st;
}
