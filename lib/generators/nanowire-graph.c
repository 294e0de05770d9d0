/* The graph of a set of wires and their crossings: electrode contacts, the junction-only
 * representation (one node per wire) or the multi-node one (wires split into resistive
 * segments), shared by the random stick generator and measured wires. */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct wire_event {
    double t;
    int64_t ref; /* >= 0: junction index * 2 + side; < 0: -(electrode index) - 1 */
} wire_event;

static int cmp_event(const void *pa, const void *pb)
{
    const wire_event *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->ref < b->ref ? -1 : (a->ref > b->ref);
}

mn_status mn__wires_graph(mn_graph **out, mn_gen *gen, size_t n, double **px0, double **py0,
                          double **px1, double **py1, const double *len, const mn__junction *J,
                          size_t nJ, const mn__gen_electrode *el, size_t n_el)
{
    mn_context *ctx = gen->ctx;
    mn_status st = MN_OK;
    const double *x0 = *px0, *y0 = *py0, *x1 = *px1, *y1 = *py1;
    const int multinode = (int)gen->ival[MN_GEN_MULTINODE];
    const double gap = gen->real[MN_GEN_JUNCTION_GAP];
    const double rho_w = gen->real[MN_GEN_WIRE_RESISTANCE];
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
    *out = NULL;

    for (size_t i = 0; i < n_el; i++)
        for (size_t j = 0; el[i].type == MN__EL_IDS && j < el[i].n; j++)
            if (el[i].ids[j] >= (mn_index)n || el[i].ids[j] < 0)
                return mn__error(ctx, MN_ERR_INVALID,
                                 "electrode %s: wire id %lld is not in [0, %zu)", el[i].name,
                                 (long long)el[i].ids[j], n);

    /* ---- electrodes: wires touching each region (with the contact parameter) */
    sets = mn__calloc_or_err(ctx, n_el, sizeof *sets, "electrodes");
    set_t = mn__calloc_or_err(ctx, n_el, sizeof *set_t, "electrodes");
    set_n = mn__calloc_or_err(ctx, n_el, sizeof *set_n, "electrodes");
    if (!sets || !set_t || !set_n) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < n_el; e++) {
        size_t cap = el[e].type == MN__EL_IDS ? el[e].n : 64;
        sets[e] = mn__malloc_or_err(ctx, cap ? cap : 1, sizeof(mn_index), "electrodes");
        set_t[e] = mn__malloc_or_err(ctx, cap ? cap : 1, sizeof(double), "electrodes");
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
    gen->wx0 = *px0;
    gen->wy0 = *py0;
    gen->wx1 = *px1;
    gen->wy1 = *py1;
    gen->n_wires = n;
    *px0 = *py0 = *px1 = *py1 = NULL;
cleanup:
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
