/* Kirchhoff solver: configuration (electrodes, injection, EMF, conductances and their change
 * list for rank-k updates, strategy, ordering, CG tolerance). */
#include "kirchhoff-impl.h"

#include <float.h>
#include <math.h>
#include <string.h>

static int electrode_of(const mn_kirchhoff *k, mn_index node)
{
    for (size_t a = 0; a < k->n_el; a++)
        for (size_t i = 0; i < k->el[a].n; i++)
            if (k->el[a].nodes[i] == node) return (int)a;
    return -1;
}

static mn_status check_nodes(mn_kirchhoff *k, const mn_index *nodes, size_t n, const char *what)
{
    if (n == 0) return mn__error(k->ctx, MN_ERR_INVALID, "%s: empty node set", what);
    if (!nodes) return mn__error(k->ctx, MN_ERR_INVALID, "%s: NULL node array", what);
    for (size_t i = 0; i < n; i++)
        if (nodes[i] < 0 || (size_t)nodes[i] >= k->n)
            return mn__error(k->ctx, MN_ERR_RANGE, "%s: node %ld out of range (0..%zu)", what,
                             (long)nodes[i], k->n - 1);
    return MN_OK;
}

mn_status mn_kirchhoff_add_electrode(mn_kirchhoff *k, const mn_index *nodes, size_t n,
                                     size_t *id)
{
    if (!k) return MN_ERR_INVALID;
    mn_status st = check_nodes(k, nodes, n, "electrode");
    if (st != MN_OK) return st;
    /* overlap with another electrode or inside the set itself */
    unsigned char *mark = mn__calloc_or_err(k->ctx, k->n, 1, "electrode marks");
    if (!mark) return MN_ERR_NOMEM;
    for (size_t a = 0; a < k->n_el; a++)
        for (size_t i = 0; i < k->el[a].n; i++) mark[k->el[a].nodes[i]] = (unsigned char)1;
    for (size_t i = 0; i < n; i++) {
        if (mark[nodes[i]] == 1) {
            int a = electrode_of(k, nodes[i]);
            mn__free(k->ctx, mark);
            return mn__error(k->ctx, MN_ERR_INVALID,
                             "electrode: node %ld already belongs to electrode %d",
                             (long)nodes[i], a);
        }
        if (mark[nodes[i]] == 2) {
            mn__free(k->ctx, mark);
            return mn__error(k->ctx, MN_ERR_INVALID, "electrode: node %ld listed twice",
                             (long)nodes[i]);
        }
        mark[nodes[i]] = 2;
    }
    mn__free(k->ctx, mark);
    if (k->n_el == k->cap_el) {
        size_t cap = k->cap_el ? 2 * k->cap_el : 4;
        mn__electrode *el = mn__realloc_array(k->ctx, k->el, cap, sizeof *el);
        if (!el) return mn__error(k->ctx, MN_ERR_NOMEM, "out of memory (electrodes)");
        k->el = el;
        k->cap_el = cap;
    }
    mn_index *copy = mn__malloc_or_err(k->ctx, n, sizeof *copy, "electrode nodes");
    if (!copy) return MN_ERR_NOMEM;
    memcpy(copy, nodes, n * sizeof *copy);
    double *cur = mn__realloc_array(k->ctx, k->el_cur, k->n_el + 1, sizeof *cur);
    if (!cur) {
        mn__free(k->ctx, copy);
        return mn__error(k->ctx, MN_ERR_NOMEM, "out of memory (electrode currents)");
    }
    k->el_cur = cur;
    k->el_cur[k->n_el] = 0.0;
    k->el[k->n_el].nodes = copy;
    k->el[k->n_el].n = n;
    k->el[k->n_el].volts = 0.0;
    if (id) *id = k->n_el;
    k->n_el++;
    mn__kh_free_structure(k);
    return MN_OK;
}

size_t mn_kirchhoff_electrode_count(const mn_kirchhoff *k) { return k ? k->n_el : 0; }

mn_status mn_kirchhoff_set_potential(mn_kirchhoff *k, size_t id, double volts)
{
    if (!k) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!isfinite(volts))
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu: potential %g is not finite", id,
                         volts);
    k->el[id].volts = volts;
    k->solved = 0;
    return MN_OK;
}

mn_status mn_kirchhoff_set_injection(mn_kirchhoff *k, const mn_index *from, size_t nfrom,
                                     const mn_index *to, size_t nto, double amps)
{
    if (!k) return MN_ERR_INVALID;
    mn_status st;
    if ((st = check_nodes(k, from, nfrom, "injection source")) != MN_OK) return st;
    if ((st = check_nodes(k, to, nto, "injection sink")) != MN_OK) return st;
    if (!isfinite(amps))
        return mn__error(k->ctx, MN_ERR_RANGE, "injection current %g is not finite", amps);
    for (size_t i = 0; i < nfrom; i++)
        for (size_t j = 0; j < nto; j++)
            if (from[i] == to[j])
                return mn__error(k->ctx, MN_ERR_INVALID,
                                 "injection: node %ld is in both the source and the sink",
                                 (long)from[i]);
    mn_index *f = mn__malloc_or_err(k->ctx, nfrom, sizeof *f, "injection nodes");
    mn_index *t = mn__malloc_or_err(k->ctx, nto, sizeof *t, "injection nodes");
    if (!f || !t) {
        mn__free(k->ctx, f);
        mn__free(k->ctx, t);
        return MN_ERR_NOMEM;
    }
    memcpy(f, from, nfrom * sizeof *f);
    memcpy(t, to, nto * sizeof *t);
    int ground_changed = k->n_el == 0 && (!k->have_inj || k->inj_to[0] != to[0]);
    mn__free(k->ctx, k->inj_from);
    mn__free(k->ctx, k->inj_to);
    k->inj_from = f;
    k->inj_to = t;
    k->n_from = nfrom;
    k->n_to = nto;
    k->inj_amps = amps;
    k->have_inj = 1;
    if (ground_changed) mn__kh_free_structure(k);
    k->solved = 0;
    return MN_OK;
}

mn_status mn_kirchhoff_set_emf(mn_kirchhoff *k, const double *emf)
{
    if (!k) return MN_ERR_INVALID;
    if (!emf) {
        mn__free(k->ctx, k->emf);
        k->emf = NULL;
        k->solved = 0;
        return MN_OK;
    }
    for (size_t e = 0; e < k->m; e++)
        if (!isfinite(emf[e]))
            return mn__error(k->ctx, MN_ERR_RANGE, "edge %zu: EMF %g is not finite", e, emf[e]);
    if (!k->emf) {
        k->emf = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *k->emf, "EMF");
        if (!k->emf) return MN_ERR_NOMEM;
    }
    memcpy(k->emf, emf, k->m * sizeof *emf);
    k->solved = 0;
    return MN_OK;
}

static void mark_changed(mn_kirchhoff *k, size_t e)
{
    if (k->chg_mark[e]) return;
    k->chg_mark[e] = 1;
    if (k->chg_overflow) return;
    if (k->n_chg == k->cap_chg) {
        size_t cap = 2 * k->cap_chg;
        if (cap > k->m / 4 + 64) {
            k->chg_overflow = 1;
            return;
        }
        mn_index *c = mn__realloc_array(k->ctx, k->chg, cap, sizeof *c);
        if (!c) {
            k->chg_overflow = 1;
            return;
        }
        k->chg = c;
        k->cap_chg = cap;
    }
    k->chg[k->n_chg++] = (mn_index)e;
}

void mn__kh_clear_changed(mn_kirchhoff *k)
{
    if (k->chg_overflow)
        memset(k->chg_mark, 0, k->m);
    else
        for (size_t i = 0; i < k->n_chg; i++) k->chg_mark[k->chg[i]] = 0;
    k->n_chg = 0;
    k->chg_overflow = 0;
}

/* Largest conductance: the solve forms sums of conductances at a node and products of two of
 * them (elimination, Kron reduction), which must stay finite; sqrt(DBL_MAX) ~ 1.3e154. Two
 * 1e308 S edges in series printed G_eff = 0 beside a current of 1e308 (issue 14). */
#define MN__KH_G_MAX 1e150

static mn_status check_g(mn_kirchhoff *k, size_t e, double v)
{
    if (!(v >= 0.0) || !isfinite(v))
        return mn__error(k->ctx, MN_ERR_RANGE,
                         "edge %zu: conductance %g must be finite and >= 0", e, v);
    if (v > MN__KH_G_MAX)
        return mn__error(k->ctx, MN_ERR_RANGE,
                         "edge %zu: conductance %g S exceeds the limit %g S (sums and products "
                         "of conductances would overflow)", e, v, MN__KH_G_MAX);
    return MN_OK;
}

mn_status mn_kirchhoff_set_conductances(mn_kirchhoff *k, const double *G)
{
    if (!k) return MN_ERR_INVALID;
    if (!G) return mn__error(k->ctx, MN_ERR_INVALID, "conductances: NULL array");
    if (k->g->n_edges != k->m)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "graph now has %zu edges, the solver was created for %zu",
                         k->g->n_edges, k->m);
    /* one pass validates and takes the range of the positive values (branch-free, so that
     * this O(m) pass stays small against a 10-us factorisation at 1e3 junctions); nothing is
     * stored before the whole array is known to be valid */
    size_t m = k->m;
    double gmax = 0.0, gmin = INFINITY;
    int bad = 0, zc = 0, diff = 0;
    const double *Gold = k->G ? k->G : G; /* first call: compared with itself */
    for (size_t e = 0; e < m; e++) {
        double v = G[e];
        bad |= !(v >= 0.0 && v <= MN__KH_G_MAX);
        zc |= (Gold[e] == 0.0) != (v == 0.0);
        diff |= Gold[e] != v;
        gmax = v > gmax ? v : gmax;
        gmin = v > 0.0 && v < gmin ? v : gmin;
    }
    if (bad)
        for (size_t e = 0; e < m; e++) {
            mn_status st = check_g(k, e, G[e]);
            if (st != MN_OK) return st;
        }
    k->gmax_est = gmax;
    k->gmin_est = gmin;
    if (!k->G) {
        k->G = mn__malloc_or_err(k->ctx, m ? m : 1, sizeof *k->G, "conductances");
        if (!k->G) return MN_ERR_NOMEM;
        memcpy(k->G, G, m * sizeof *G);
        k->floating_dirty = 1;
    } else {
        /* changed edges are listed for rank-k updates (only the AUTO and UPDATE strategies
         * use them) until the list overflows (a quarter of the edges) */
        size_t e = 0;
        if (!diff) e = m; /* nothing changed */
        else if (k->strategy == MN_KIRCHHOFF_REFACTOR || k->strategy == MN_KIRCHHOFF_PCG)
            k->chg_overflow = 1;
        for (; e < m && !k->chg_overflow; e++) {
            double o = k->G[e], v = G[e];
            if (o == v) continue;
            k->G[e] = v;
            mark_changed(k, e);
        }
        if (e < m) memcpy(k->G + e, G + e, (m - e) * sizeof *G);
        if (zc) k->floating_dirty = 1;
    }
    k->values_dirty = 1;
    k->g_changed = 1;
    k->solved = 0;
    return MN_OK;
}

mn_status mn_kirchhoff_update_conductances(mn_kirchhoff *k, const mn_index *edges,
                                           const double *G, size_t n)
{
    if (!k) return MN_ERR_INVALID;
    if (n == 0) return MN_OK;
    if (!edges || !G) return mn__error(k->ctx, MN_ERR_INVALID, "update: NULL array");
    if (!k->G)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "update: set all conductances with mn_kirchhoff_set_conductances first");
    for (size_t i = 0; i < n; i++) {
        if (edges[i] < 0 || (size_t)edges[i] >= k->m)
            return mn__error(k->ctx, MN_ERR_RANGE, "update: edge %ld out of range (0..%zu)",
                             (long)edges[i], k->m ? k->m - 1 : 0);
        mn_status st = check_g(k, (size_t)edges[i], G[i]);
        if (st != MN_OK) return st;
    }
    for (size_t i = 0; i < n; i++) {
        size_t e = (size_t)edges[i];
        double o = k->G[e], v = G[i];
        if (o == v) continue;
        if ((o == 0.0) != (v == 0.0)) k->floating_dirty = 1;
        k->G[e] = v;
        mark_changed(k, e);
        if (v > 0.0) {
            if (v > k->gmax_est) k->gmax_est = v;
            if (v < k->gmin_est) k->gmin_est = v;
        }
    }
    k->values_dirty = 1;
    k->g_changed = 1;
    k->solved = 0;
    return MN_OK;
}

mn_status mn_kirchhoff_set_strategy(mn_kirchhoff *k, mn_kirchhoff_strategy s)
{
    if (!k) return MN_ERR_INVALID;
    if (s != MN_KIRCHHOFF_AUTO && s != MN_KIRCHHOFF_REFACTOR && s != MN_KIRCHHOFF_UPDATE &&
        s != MN_KIRCHHOFF_PCG)
        return mn__error(k->ctx, MN_ERR_RANGE, "unknown strategy %d", (int)s);
    k->strategy = s;
    return MN_OK;
}

mn_status mn_kirchhoff_set_ordering(mn_kirchhoff *k, mn_kirchhoff_ordering o)
{
    if (!k) return MN_ERR_INVALID;
    if (o != MN_ORDERING_DEFAULT && o != MN_ORDERING_AMD && o != MN_ORDERING_METIS)
        return mn__error(k->ctx, MN_ERR_RANGE, "unknown ordering %d", (int)o);
    if (o != k->ordering) {
        k->ordering = o;
        mn__kh_free_structure(k);
    }
    return MN_OK;
}

mn_kirchhoff_strategy mn__kirchhoff_strategy(const mn_kirchhoff *k)
{
    return k ? k->strategy : MN_KIRCHHOFF_AUTO;
}

void mn__kirchhoff_expect_refactorisations(mn_kirchhoff *k, int many)
{
    if (!k || k->expect_many == !!many) return;
    k->expect_many = !!many;
    if (k->ordering == MN_ORDERING_DEFAULT) mn__kh_free_structure(k);
}

mn_status mn_kirchhoff_set_cg_tolerance(mn_kirchhoff *k, double rtol)
{
    if (!k) return MN_ERR_INVALID;
    if (!(rtol > 0.0) || !(rtol < 1.0))
        return mn__error(k->ctx, MN_ERR_RANGE, "CG tolerance %g must be in (0, 1)", rtol);
    k->cg_rtol = rtol;
    return MN_OK;
}
