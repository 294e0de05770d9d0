/* Deterministic graphs: square lattice, ladder, series chain, complete graph, and the
 * Caravelli-Barucca circuit (002 Fig. 1, eqs. 3-5). */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

/* Node sets of a deterministic graph from the electrodes added (regions: nodes whose
 * position lies in the region; ids: node ids), or from the given defaults. */
static mn_status point_sets(mn_gen *gen, size_t nn, const double *x, const double *y,
                            const mn__gen_electrode *el, size_t n_el, mn_index **sets,
                            size_t *set_n)
{
    mn_context *ctx = gen->ctx;
    for (size_t e = 0; e < n_el; e++) {
        size_t cap = el[e].type == MN__EL_IDS ? el[e].n : nn;
        sets[e] = mn__malloc_or_err(ctx, cap ? cap : 1, sizeof(mn_index), "electrodes");
        if (!sets[e]) return MN_ERR_NOMEM;
        set_n[e] = 0;
        if (el[e].type == MN__EL_IDS) {
            for (size_t k = 0; k < el[e].n; k++) {
                if ((uint64_t)el[e].ids[k] >= nn)
                    return mn__error(ctx, MN_ERR_INVALID,
                                     "electrode %s: node id %lld is not in [0, %zu)", el[e].name,
                                     (long long)el[e].ids[k], nn);
                sets[e][set_n[e]++] = (mn_index)el[e].ids[k];
            }
        } else {
            for (size_t i = 0; i < nn; i++)
                if (mn__disc_touches(&el[e], x[i], y[i], 0.0)) sets[e][set_n[e]++] = (mn_index)i;
        }
    }
    return MN_OK;
}

mn_status mn_gen_lattice(mn_graph **out, mn_gen *gen)
{
    if (!out || !gen) return MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    mn_status st = MN_OK;
    const int kind = (int)gen->ival[MN_GEN_LATTICE];
    const double a = gen->real[MN_GEN_SPACING];
    int64_t nx_ = gen->ival[MN_GEN_NX], ny_ = gen->ival[MN_GEN_NY];
    if (kind == MN_GEN_LATTICE_LADDER) ny_ = 2;
    double nn_d, m_d;
    switch (kind) {
    case MN_GEN_LATTICE_SQUARE:
    case MN_GEN_LATTICE_LADDER:
        nn_d = (double)nx_ * (double)ny_;
        m_d = (double)(nx_ - 1) * (double)ny_ + (double)nx_ * (double)(ny_ - 1);
        break;
    case MN_GEN_LATTICE_CHAIN:
        nn_d = (double)nx_ + 1;
        m_d = (double)nx_;
        break;
    case MN_GEN_LATTICE_COMPLETE:
        if (nx_ < 2)
            return mn__error(ctx, MN_ERR_RANGE, "complete graph: %lld nodes, need >= 2",
                             (long long)nx_);
        nn_d = (double)nx_;
        m_d = (double)nx_ * (double)(nx_ - 1) / 2;
        break;
    default:
        return mn__error(ctx, MN_ERR_INVALID, "lattice kind %d is unknown", kind);
    }
    if (nn_d > (double)INT32_MAX || m_d > (double)INT32_MAX)
        return mn__error(ctx, MN_ERR_RANGE,
                         "lattice: %.0f nodes and %.0f edges exceed the limit 2^31-1", nn_d, m_d);
    size_t nn = (size_t)nn_d, m = (size_t)m_d, mc = m ? m : 1;
    double *x = NULL, *y = NULL, *len = NULL;
    mn_index *u = NULL, *v = NULL;
    mn_index **sets = NULL;
    size_t *set_n = NULL, n_el = 0;
    mn_graph *g = NULL;
    x = mn__malloc_or_err(ctx, nn, sizeof(double), "lattice");
    y = mn__malloc_or_err(ctx, nn, sizeof(double), "lattice");
    u = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "lattice");
    v = mn__malloc_or_err(ctx, mc, sizeof(mn_index), "lattice");
    len = mn__malloc_or_err(ctx, mc, sizeof(double), "lattice");
    if (!x || !y || !u || !v || !len) MN__FAIL(MN_ERR_NOMEM);
    size_t k = 0;
    double W = 0, H = 0;
    if (kind == MN_GEN_LATTICE_SQUARE || kind == MN_GEN_LATTICE_LADDER) {
        for (int64_t j = 0; j < ny_; j++)
            for (int64_t i = 0; i < nx_; i++) {
                size_t id = (size_t)(j * nx_ + i);
                x[id] = (double)i * a;
                y[id] = (double)j * a;
                if (i + 1 < nx_) {
                    u[k] = (mn_index)id;
                    v[k++] = (mn_index)(id + 1);
                }
                if (j + 1 < ny_) {
                    u[k] = (mn_index)id;
                    v[k++] = (mn_index)(id + (size_t)nx_);
                }
            }
        W = (double)(nx_ - 1) * a;
        H = (double)(ny_ - 1) * a;
    } else if (kind == MN_GEN_LATTICE_CHAIN) {
        for (size_t i = 0; i < nn; i++) {
            x[i] = (double)i * a;
            y[i] = 0;
        }
        for (size_t i = 0; i < m; i++) {
            u[k] = (mn_index)i;
            v[k++] = (mn_index)(i + 1);
        }
        W = (double)m * a;
    } else {
        /* nodes on a circle with neighbouring nodes a apart, node 0 leftmost */
        double R = a / (2 * sin(PI / (double)nn));
        for (size_t i = 0; i < nn; i++) {
            double th = PI - 2 * PI * (double)i / (double)nn;
            x[i] = R + R * cos(th);
            y[i] = R + R * sin(th);
        }
        for (size_t i = 0; i < nn; i++)
            for (size_t j = i + 1; j < nn; j++) {
                u[k] = (mn_index)i;
                v[k++] = (mn_index)j;
            }
        W = H = 2 * R;
    }
    for (size_t e = 0; e < m; e++) {
        double dx = x[v[e]] - x[u[e]], dy = y[v[e]] - y[u[e]];
        len[e] = gen->gap_set ? gen->real[MN_GEN_JUNCTION_GAP] : sqrt(dx * dx + dy * dy);
    }
    MN__TRY(mn__gen_build(&g, ctx, nn, m, u, v, len, NULL, NULL, x, y, 0, NULL));

    /* electrodes */
    const mn__gen_electrode *el;
    mn__gen_electrode defaults[2];
    n_el = gen->n_el ? gen->n_el : 2;
    sets = mn__calloc_or_err(ctx, n_el, sizeof *sets, "electrodes");
    set_n = mn__calloc_or_err(ctx, n_el, sizeof *set_n, "electrodes");
    if (!sets || !set_n) MN__FAIL(MN_ERR_NOMEM);
    if (gen->n_el) {
        el = gen->el;
        MN__TRY(point_sets(gen, nn, x, y, el, n_el, sets, set_n));
    } else {
        mn__gen_electrodes(gen, W, H, defaults, &el);
        for (int s = 0; s < 2; s++) {
            sets[s] = mn__malloc_or_err(ctx, nn, sizeof(mn_index), "electrodes");
            if (!sets[s]) MN__FAIL(MN_ERR_NOMEM);
        }
        if (kind == MN_GEN_LATTICE_SQUARE || kind == MN_GEN_LATTICE_LADDER) {
            for (int64_t j = 0; j < ny_; j++) {
                sets[0][set_n[0]++] = (mn_index)(j * nx_);
                sets[1][set_n[1]++] = (mn_index)(j * nx_ + nx_ - 1);
            }
        } else {
            sets[0][set_n[0]++] = 0;
            sets[1][set_n[1]++] = (mn_index)(nn - 1);
        }
    }
    {
        mn_graph *gg = g, *res = NULL;
        g = NULL;
        MN__TRY(mn__gen_finish(gen, &res, gg, el, n_el, sets, set_n, 0, nn));
        *out = res;
    }
cleanup:
    if (st != MN_OK) mn__gen_reset_results(gen);
    mn__free(ctx, x);
    mn__free(ctx, y);
    mn__free(ctx, u);
    mn__free(ctx, v);
    mn__free(ctx, len);
    for (size_t e = 0; sets && e < n_el; e++) mn__free(ctx, sets[e]);
    mn__free(ctx, sets);
    mn__free(ctx, set_n);
    mn_graph_free(g);
    return st;
}

mn_status mn_gen_cb(mn_graph **out, mn_gen *gen)
{
    if (!out || !gen) return MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    mn_status st = MN_OK;
    const int64_t n = gen->ival[MN_GEN_CB_N];
    const double Rint = gen->real[MN_GEN_R_INT], Rref = gen->real[MN_GEN_R_REF];
    if (gen->cb_S && gen->n_cb_S != (size_t)n)
        return mn__error(ctx, MN_ERR_INVALID,
                         "circuit: %zu per-branch sources given for n = %lld branches",
                         gen->n_cb_S, (long long)n);
    /* R_int = 0 (002 eq. 11's limit): the mesh resistors are short circuits, b_k = a_{k+1};
     * the circuit keeps n nodes and the 2n branch edges */
    const int shorted = Rint == 0;
    if (shorted && n < 2)
        return mn__error(ctx, MN_ERR_RANGE, "circuit: R_int = 0 with n = %lld branch: the "
                         "shorted mesh makes the branch a self-loop; use n >= 2",
                         (long long)n);
    size_t nb = (size_t)n, nn = shorted ? nb : 2 * nb, m = shorted ? 2 * nb : 3 * nb;
    double *x = NULL, *y = NULL, *len = NULL, *col = NULL;
    mn_index *u = NULL, *v = NULL;
    mn_index **sets = NULL;
    size_t *set_n = NULL, n_el = 0;
    mn_graph *g = NULL;
    x = mn__malloc_or_err(ctx, nn, sizeof(double), "circuit");
    y = mn__malloc_or_err(ctx, nn, sizeof(double), "circuit");
    u = mn__malloc_or_err(ctx, m, sizeof(mn_index), "circuit");
    v = mn__malloc_or_err(ctx, m, sizeof(mn_index), "circuit");
    len = mn__malloc_or_err(ctx, m, sizeof(double), "circuit");
    col = mn__malloc_or_err(ctx, 3 * m, sizeof(double), "circuit");
    if (!x || !y || !u || !v || !len || !col) MN__FAIL(MN_ERR_NOMEM);
    double *kind = col, *G = col + m, *S = col + 2 * m;
    const double R = (double)nb; /* drawing radius */
    for (size_t i = 0; i < nn; i++) {
        double th = PI - 2 * PI * (double)i / (double)nn;
        x[i] = R * cos(th);
        y[i] = R * sin(th);
    }
    for (size_t k = 0; k < nb; k++) {
        mn_index ak = (mn_index)(2 * k), bk = (mn_index)(2 * k + 1);
        mn_index anext = (mn_index)(2 * ((k + 1) % nb));
        if (shorted) {
            ak = (mn_index)k;
            bk = anext = (mn_index)((k + 1) % nb);
        }
        /* memristor k with its series source (002 eq. 4) */
        u[k] = ak;
        v[k] = bk;
        kind[k] = MN_GEN_EDGE_MEMRISTOR;
        G[k] = NAN;
        S[k] = gen->cb_S ? gen->cb_S[k] : gen->real[MN_GEN_SOURCE];
        /* R_ref in parallel with branch k: carries i_0 - i_k from a_k to b_k (002 eq. 3) */
        u[nb + k] = ak;
        v[nb + k] = bk;
        kind[nb + k] = MN_GEN_EDGE_RESISTOR;
        G[nb + k] = 1.0 / Rref;
        S[nb + k] = 0;
        /* R_int on the central mesh: carries i_0 from b_k to a_{k+1} */
        if (shorted) continue;
        u[2 * nb + k] = bk;
        v[2 * nb + k] = anext;
        kind[2 * nb + k] = MN_GEN_EDGE_RESISTOR;
        G[2 * nb + k] = 1.0 / Rint;
        S[2 * nb + k] = 0;
    }
    for (size_t e = 0; e < m; e++) {
        double dx = x[v[e]] - x[u[e]], dy = y[v[e]] - y[u[e]];
        len[e] = sqrt(dx * dx + dy * dy);
    }
    const double *cols[3] = { kind, G, S };
    MN__TRY(mn__gen_build(&g, ctx, nn, m, u, v, len, NULL, NULL, x, y, 3, cols));
    mn_index ground = 0;
    MN__TRY(mn_graph_set_node_set(g, "ground", &ground, 1));
    n_el = gen->n_el;
    if (n_el) {
        sets = mn__calloc_or_err(ctx, n_el, sizeof *sets, "electrodes");
        set_n = mn__calloc_or_err(ctx, n_el, sizeof *set_n, "electrodes");
        if (!sets || !set_n) MN__FAIL(MN_ERR_NOMEM);
        MN__TRY(point_sets(gen, nn, x, y, gen->el, n_el, sets, set_n));
    }
    {
        mn_graph *gg = g, *res = NULL;
        g = NULL;
        MN__TRY(mn__gen_finish(gen, &res, gg, gen->el, n_el, sets, set_n, 0, nn));
        *out = res;
    }
cleanup:
    if (st != MN_OK) mn__gen_reset_results(gen);
    mn__free(ctx, x);
    mn__free(ctx, y);
    mn__free(ctx, u);
    mn__free(ctx, v);
    mn__free(ctx, len);
    mn__free(ctx, col);
    for (size_t e = 0; sets && e < n_el; e++) mn__free(ctx, sets[e]);
    mn__free(ctx, sets);
    mn__free(ctx, set_n);
    mn_graph_free(g);
    return st;
}
