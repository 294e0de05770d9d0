/*
 * Kirchhoff solver: grounded weighted Laplacian on the free nodes, factorised by CHOLMOD.
 *
 * Unknowns: the potentials of the free nodes (not in an electrode, not the injection ground).
 * KCL at a free node i: sum_e B_ie G_e (V_e + S_e) = j_i, i.e. (B G B^T) phi = j - B G S,
 * with the Dirichlet columns moved to the right-hand side. The matrix pattern holds every edge
 * between free nodes (also zero conductances) so that the symbolic analysis depends only on
 * the topology and the electrode configuration. Floating nodes (no path of positive
 * conductance to a Dirichlet node) get an identity row: the pattern is unchanged, they are
 * decoupled exactly (their couplings are zero conductances), and they hold 0.
 *
 * Strategies: numeric refactorisation (supernodal LL'), rank-k update/downdate of a simplicial
 * LDL' copy (cholmod_updown; the update columns are permuted by the fill-reducing ordering),
 * PCG preconditioned by the last factor and warm-started from the last solution.
 *
 * CHOLMOD int version: indices are int; the 10^7-junction target (about 1.7e6 unknowns,
 * nnz(L) of order 1e8 on 2-D stick networks) fits in int and saves 1/3 of the index memory.
 * An analysis whose factor would exceed INT_MAX entries fails with MN_ERR_RANGE.
 */
#include "kirchhoff-private.h"

#include "core/core-private.h"
#include "graph/graph-private.h"

#include <cholmod.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define MN__UPD_CHUNK 8
/* above this max/min conductance ratio the cancellation-free elimination is used */
#define MN__GTH_RATIO 1e12

typedef struct mn__electrode {
    mn_index *nodes;
    size_t n;
    double volts;
} mn__electrode;

struct mn_kirchhoff {
    mn_context *ctx;
    mn_graph *g;
    size_t n, m;             /* nodes, edges at creation */
    /* configuration */
    mn__electrode *el;
    size_t n_el, cap_el;
    mn_index *inj_from, *inj_to;
    size_t n_from, n_to;
    double inj_amps;
    int have_inj;
    double *emf;             /* m or NULL */
    double *G;               /* m or NULL (not set) */
    double *G_fac;           /* conductances the factor represents (m) */
    mn_kirchhoff_strategy strategy;
    mn_kirchhoff_ordering ordering;
    int ordering_used;
    double cg_rtol;
    /* structure (valid when !need_analyse) */
    int need_analyse;
    int *role;               /* node -> row (>= 0), or -1 - electrode id, or INT_MIN ground */
    mn_index *row_node;      /* row -> node */
    size_t nf;               /* rows */
    int *emap;               /* edge -> index into Ax of the off-diagonal entry, -1 if none */
    int *dpos;               /* row -> index into Ax of the diagonal */
    int *eda, *edb;          /* edge -> index into Ax of the diagonal of its u / v end, -1 if
                              * that end is not a row (refill without role look-ups) */
    int *egr;                /* edge -> row grounded through it (other end held), else -1 */
    mn_index *inc_off;       /* electrode incidence: per electrode, list of (edge, sign) */
    mn_index *inc_edge;
    signed char *inc_sign;
    /* floating nodes */
    unsigned char *floating; /* n */
    mn_index *floating_list;
    size_t n_floating;
    int floating_dirty;      /* a conductance crossed zero, or first solve */
    int floating_changed;    /* floating set differs from the factor's */
    int *uf;                 /* union-find workspace (n) */
    /* changed edges since the factor (for updates) */
    mn_index *chg;
    size_t n_chg, cap_chg;
    int chg_overflow;
    unsigned char *chg_mark; /* m */
    int values_dirty;        /* G changed since A was filled (refilled lazily: ensure_A) */
    int g_changed;           /* G changed since the last prepare() */
    double gmax_est, gmin_est; /* bounds of the positive conductances (conservative) */
    /* CHOLMOD */
    cholmod_common cm;
    int cm_started;
    cholmod_sparse *A;
    cholmod_factor *L, *Lsym;
    cholmod_sparse *C;       /* update columns, nf x 8 */
    cholmod_dense *B, *X, *Y, *E, *Xs, *Bs;
    int *ipos;               /* row -> position in the factor (inverse permutation) */
    /* cancellation-free LDL' (GTH elimination) for extreme conductance ratios */
    int gth;                 /* use it (ratio above MN__GTH_RATIO, or CHOLMOD lost a pivot) */
    int gth_forced;          /* CHOLMOD reported a non-positive pivot for this topology */
    double *ground;          /* row -> conductance to held nodes (exact positive sum) */
    int *pap, *pai, *pamap;  /* lower triangle of P A P^T by columns, map into A->x */
    int *gw_head, *gw_link, *gw_pos;
    double *gw_x, *gw_s;
    int L_is_gth;            /* L holds the GTH pattern (simplicial LDL', packed) */
    double g_ratio;          /* max / min positive conductance of the last refill */
    int fac_valid;           /* L is a factor of some SPD matrix of this pattern */
    int fac_current;         /* ... of the present A */
    int have_x;              /* X holds a previous solution (warm start) */
    double *r, *z, *p, *q;   /* PCG work (nf) */
    /* results */
    double *phi, *V, *I, *el_cur;
    int solved;              /* results valid for the present conductances */
    /* statistics, cost model */
    uint64_t n_analyse, n_refactor, n_update, n_cg, n_cg_it;
    int last_strategy, last_cg_it;
    double last_resid, last_secs;
    double t_fac, t_solve, t_upd, t_conv, t_spmv;
    double t_analyse; /* wall time of the last symbolic analysis (s) */
    /* scratch reused across calls so that solves and sensitivities allocate nothing per step */
    double *volts_buf;       /* electrode potentials (n_el) */
    size_t volts_cap;
    double *dphi_buf;        /* sensitivity solution (nf) */
    size_t dphi_cap;
    int pcg_ok;              /* last PCG try converged within its bound */
    int pcg_cooldown;
    int last_pcg_it;
    int fac_solves;          /* solves with the present numeric factor */
    /* AUTO's refactorisation rule for slowly drifting conductances (ski rental): the PCG
     * iterations beyond the fewest seen since the last refactorisation are what the stale
     * factor costs; once their accumulated cost exceeds one refactorisation, refactorise */
    double pcg_excess;       /* seconds of excess iterations since the last refactorisation */
    int pcg_base[2];         /* fewest iterations since then: [0] warm-started, [1] from zero */
};

/* ------------------------------------------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static mn_status chol_err(mn_kirchhoff *k, const char *what)
{
    if (k->cm.status == CHOLMOD_OUT_OF_MEMORY)
        return mn__error(k->ctx, MN_ERR_NOMEM, "CHOLMOD out of memory in %s", what);
    if (k->cm.status == CHOLMOD_TOO_LARGE)
        return mn__error(k->ctx, MN_ERR_RANGE, "CHOLMOD: problem too large for int indices in %s",
                         what);
    return mn__error(k->ctx, MN_ERR_SOLVER, "CHOLMOD failed in %s (status %d)", what,
                     k->cm.status);
}

static void free_structure(mn_kirchhoff *k)
{
    mn_context *c = k->ctx;
    if (k->cm_started) {
        cholmod_free_sparse(&k->A, &k->cm);
        cholmod_free_factor(&k->L, &k->cm);
        cholmod_free_factor(&k->Lsym, &k->cm);
        cholmod_free_sparse(&k->C, &k->cm);
        cholmod_free_dense(&k->B, &k->cm);
        cholmod_free_dense(&k->X, &k->cm);
        cholmod_free_dense(&k->Y, &k->cm);
        cholmod_free_dense(&k->E, &k->cm);
        cholmod_free_dense(&k->Xs, &k->cm);
        cholmod_free_dense(&k->Bs, &k->cm);
    }
    mn__free(c, k->row_node);
    mn__free(c, k->emap);
    mn__free(c, k->dpos);
    mn__free(c, k->eda);
    mn__free(c, k->edb);
    mn__free(c, k->egr);
    k->eda = k->edb = k->egr = NULL;
    mn__free(c, k->ipos);
    mn__free(c, k->inc_off);
    mn__free(c, k->inc_edge);
    mn__free(c, k->inc_sign);
    mn__free(c, k->ground);
    mn__free(c, k->pap);
    mn__free(c, k->pai);
    mn__free(c, k->pamap);
    mn__free(c, k->gw_head);
    mn__free(c, k->gw_link);
    mn__free(c, k->gw_pos);
    mn__free(c, k->gw_x);
    mn__free(c, k->gw_s);
    k->ground = k->gw_x = k->gw_s = NULL;
    k->L_is_gth = 0;
    k->pap = k->pai = k->pamap = k->gw_head = k->gw_link = k->gw_pos = NULL;
    k->gth = k->gth_forced = 0;
    mn__free(c, k->r);
    mn__free(c, k->z);
    mn__free(c, k->p);
    mn__free(c, k->q);
    k->row_node = NULL;
    k->emap = k->dpos = k->ipos = NULL;
    k->inc_off = k->inc_edge = NULL;
    k->inc_sign = NULL;
    k->r = k->z = k->p = k->q = NULL;
    k->nf = 0;
    k->fac_valid = k->fac_current = k->have_x = 0;
    k->solved = 0;
    k->need_analyse = 1;
    k->floating_dirty = 1;
}

void mn_kirchhoff_free(mn_kirchhoff *k)
{
    if (!k) return;
    mn_context *c = k->ctx;
    free_structure(k);
    if (k->cm_started) cholmod_finish(&k->cm);
    for (size_t i = 0; i < k->n_el; i++) mn__free(c, k->el[i].nodes);
    mn__free(c, k->el);
    mn__free(c, k->inj_from);
    mn__free(c, k->inj_to);
    mn__free(c, k->emf);
    mn__free(c, k->G);
    mn__free(c, k->G_fac);
    mn__free(c, k->role);
    mn__free(c, k->floating);
    mn__free(c, k->floating_list);
    mn__free(c, k->uf);
    mn__free(c, k->chg);
    mn__free(c, k->chg_mark);
    mn__free(c, k->phi);
    mn__free(c, k->V);
    mn__free(c, k->I);
    mn__free(c, k->el_cur);
    mn__free(c, k->volts_buf);
    mn__free(c, k->dphi_buf);
    mn__free(c, k);
}

/* Scratch array of at least n doubles, grown (never shrunk) and kept in the solver. */
static double *scratch(mn_kirchhoff *k, double **buf, size_t *cap, size_t n, const char *what)
{
    if (n == 0) n = 1;
    if (*cap < n) {
        double *b = mn__realloc_array(k->ctx, *buf, n, sizeof **buf);
        if (!b) {
            mn__error(k->ctx, MN_ERR_NOMEM, "out of memory allocating %s (%zu doubles)", what, n);
            return NULL;
        }
        *buf = b;
        *cap = n;
    }
    return *buf;
}

/* The numeric factor was just computed or updated: no solves on it yet, and PCG's account of
 * the stale factor's cost (pcg_account) starts again. */
static void new_factor(mn_kirchhoff *k)
{
    k->fac_solves = 0;
    k->pcg_excess = 0.0;
    k->pcg_base[0] = k->pcg_base[1] = -1;
}

mn_status mn_kirchhoff_new(mn_kirchhoff **out, mn_graph *g)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = g->ctx;
    mn_status st = MN_OK;
    mn_kirchhoff *k = mn__calloc_or_err(ctx, 1, sizeof *k, "Kirchhoff solver");
    if (!k) return MN_ERR_NOMEM;
    k->ctx = ctx;
    k->g = g;
    k->n = g->n_nodes;
    k->m = g->n_edges;
    k->strategy = MN_KIRCHHOFF_AUTO;
    k->ordering = MN_ORDERING_DEFAULT;
    k->ordering_used = -1;
    k->cg_rtol = 1e-12;
    k->need_analyse = 1;
    k->floating_dirty = 1;
    k->last_strategy = MN_KIRCHHOFF_REFACTOR;
    k->last_resid = NAN;
    k->pcg_ok = 1;
    new_factor(k);
    if (k->n == 0) MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "graph has no nodes"));
    if (k->n > (size_t)INT_MAX - 2 || k->m > (size_t)INT_MAX - 2)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "graph too large (%zu nodes, %zu edges)", k->n,
                           k->m));
    size_t mm = k->m ? k->m : 1;
#define ALLOC(ptr, cnt, what)                                                                   \
    do {                                                                                        \
        (ptr) = mn__calloc_or_err(ctx, (cnt), sizeof *(ptr), what);                             \
        if (!(ptr)) MN__FAIL(MN_ERR_NOMEM);                                                     \
    } while (0)
    ALLOC(k->role, k->n, "node roles");
    ALLOC(k->floating, k->n, "floating mask");
    ALLOC(k->floating_list, k->n, "floating list");
    ALLOC(k->uf, k->n, "union-find");
    ALLOC(k->chg_mark, mm, "changed-edge marks");
    ALLOC(k->phi, k->n, "potentials");
    ALLOC(k->V, mm, "edge voltages");
    ALLOC(k->I, mm, "edge currents");
    ALLOC(k->G_fac, mm, "factor conductances");
    k->cap_chg = 64;
    ALLOC(k->chg, k->cap_chg, "changed edges");
    if (!cholmod_start(&k->cm)) MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "cholmod_start failed"));
    k->cm_started = 1;
    k->cm.print = 0;
    k->cm.error_handler = NULL;
    for (size_t i = 0; i < k->n; i++) k->role[i] = 0;
    *out = k;
    return MN_OK;
cleanup:
    mn_kirchhoff_free(k);
    return st;
}

/* ------------------------------------------------------------------ configuration */

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
    free_structure(k);
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
    if (ground_changed) free_structure(k);
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

static void clear_changed(mn_kirchhoff *k)
{
    if (k->chg_overflow)
        memset(k->chg_mark, 0, k->m);
    else
        for (size_t i = 0; i < k->n_chg; i++) k->chg_mark[k->chg[i]] = 0;
    k->n_chg = 0;
    k->chg_overflow = 0;
}

static mn_status check_g(mn_kirchhoff *k, size_t e, double v)
{
    if (!(v >= 0.0) || !isfinite(v))
        return mn__error(k->ctx, MN_ERR_RANGE,
                         "edge %zu: conductance %g must be finite and >= 0", e, v);
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
        bad |= !(v >= 0.0 && v <= DBL_MAX);
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
        free_structure(k);
    }
    return MN_OK;
}

mn_status mn_kirchhoff_set_cg_tolerance(mn_kirchhoff *k, double rtol)
{
    if (!k) return MN_ERR_INVALID;
    if (!(rtol > 0.0) || !(rtol < 1.0))
        return mn__error(k->ctx, MN_ERR_RANGE, "CG tolerance %g must be in (0, 1)", rtol);
    k->cg_rtol = rtol;
    return MN_OK;
}

/* ------------------------------------------------------------------ structure */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int find_in(const int *Ai, int lo, int hi, int r)
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (Ai[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Pattern of the grounded Laplacian on the rows (every edge between two different rows, also
 * of zero conductance: the analysis depends on the topology only) with the maps the refill
 * needs (diagonal positions, edge -> entry). lower: store the lower triangle (stype -1), else
 * the upper (stype 1). Values are zeroed. */
static mn_status build_pattern(mn_kirchhoff *k, int lower)
{
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    size_t nf = k->nf, m = k->m, nfa = nf ? nf : 1;
    cholmod_free_sparse(&k->A, &k->cm);
    int *cnt = mn__calloc_or_err(ctx, nf + 1, sizeof *cnt, "workspace");
    if (!cnt) return MN_ERR_NOMEM;
    size_t nz = nf;
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        cnt[(ru > rv) != lower ? ru : rv]++;
        nz++;
    }
    if (nz > (size_t)INT_MAX) {
        mn__free(ctx, cnt);
        return mn__error(ctx, MN_ERR_RANGE, "matrix too large");
    }
    k->A = cholmod_allocate_sparse(nfa, nfa, nz ? nz : 1, 1, 1, lower ? -1 : 1, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->A) {
        mn__free(ctx, cnt);
        return chol_err(k, "allocate");
    }
    int *Ap = k->A->p, *Ai = k->A->i;
    Ap[0] = 0;
    for (size_t j = 0; j < nf; j++) Ap[j + 1] = Ap[j] + cnt[j] + 1;
    for (size_t j = 0; j < nf; j++) cnt[j] = Ap[j];
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        int hi = ru > rv ? ru : rv, lo = ru > rv ? rv : ru;
        if (lower)
            Ai[cnt[lo]++] = hi;
        else
            Ai[cnt[hi]++] = lo;
    }
    for (size_t j = 0; j < nf; j++) Ai[cnt[j]++] = (int)j;
    /* sort and deduplicate each column, compacting in place */
    int w = 0;
    for (size_t j = 0; j < nf; j++) {
        int s = Ap[j], t = Ap[j + 1];
        qsort(Ai + s, (size_t)(t - s), sizeof(int), cmp_int);
        int start = w;
        for (int p = s; p < t; p++)
            if (p == s || Ai[p] != Ai[p - 1]) Ai[w++] = Ai[p];
        Ap[j] = start;
        /* the diagonal is the first row of a lower column, the last of an upper one */
        k->dpos[j] = lower ? start : w - 1;
    }
    Ap[nf] = w;
    mn__free(ctx, cnt);
    double *Ax = k->A->x;
    for (int p = 0; p < w; p++) Ax[p] = 0.0;
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        k->eda[e] = ru >= 0 && ru != rv ? k->dpos[ru] : -1;
        k->edb[e] = rv >= 0 && ru != rv ? k->dpos[rv] : -1;
        k->egr[e] = ru == rv ? -1 : ru >= 0 && rv < 0 ? ru : rv >= 0 && ru < 0 ? rv : -1;
        if (ru < 0 || rv < 0 || ru == rv) {
            k->emap[e] = -1;
            continue;
        }
        int hi = ru > rv ? ru : rv, lo = ru > rv ? rv : ru;
        int c = lower ? lo : hi, r = lower ? hi : lo;
        k->emap[e] = find_in(Ai, Ap[c], Ap[c + 1], r);
    }
    return MN_OK;
}

static mn_status analyse(mn_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    size_t n = k->n, m = k->m;
    int *cnt = NULL;
    free_structure(k);
    /* roles */
    for (size_t i = 0; i < n; i++) k->role[i] = 0;
    for (size_t a = 0; a < k->n_el; a++)
        for (size_t i = 0; i < k->el[a].n; i++) k->role[k->el[a].nodes[i]] = -1 - (int)a;
    if (k->n_el == 0 && k->have_inj) k->role[k->inj_to[0]] = INT_MIN;
    size_t nf = 0;
    for (size_t i = 0; i < n; i++)
        if (k->role[i] == 0) k->role[i] = (int)nf++;
        else if (k->role[i] > 0) k->role[i] = (int)nf++;
    /* (role 0 was "free"; the loop above renumbers; electrodes are negative) */
    k->nf = nf;
    size_t nfa = nf ? nf : 1;
    ALLOC(k->row_node, nfa, "row map");
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
    ALLOC(k->emap, m ? m : 1, "edge map");
    ALLOC(k->dpos, nfa, "diagonal map");
    ALLOC(k->ipos, nfa, "inverse permutation");
    ALLOC(k->ground, nfa, "grounding");
    ALLOC(k->r, nfa, "CG work");
    ALLOC(k->z, nfa, "CG work");
    ALLOC(k->p, nfa, "CG work");
    ALLOC(k->q, nfa, "CG work");
    /* electrode incidence lists */
    ALLOC(k->inc_off, k->n_el + 1, "electrode incidence");
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru == rv) continue;
        if (ru < 0 && ru != INT_MIN) k->inc_off[-1 - ru + 1]++;
        if (rv < 0 && rv != INT_MIN) k->inc_off[-1 - rv + 1]++;
    }
    for (size_t a = 0; a < k->n_el; a++) k->inc_off[a + 1] += k->inc_off[a];
    size_t ninc = (size_t)k->inc_off[k->n_el];
    ALLOC(k->inc_edge, ninc ? ninc : 1, "electrode incidence");
    ALLOC(k->inc_sign, ninc ? ninc : 1, "electrode incidence");
    ALLOC(cnt, k->n_el + 1, "workspace");
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru == rv) continue;
        if (ru < 0 && ru != INT_MIN) {
            int a = -1 - ru;
            k->inc_edge[k->inc_off[a] + cnt[a]] = (mn_index)e;
            k->inc_sign[k->inc_off[a] + cnt[a]++] = 1;
        }
        if (rv < 0 && rv != INT_MIN) {
            int a = -1 - rv;
            k->inc_edge[k->inc_off[a] + cnt[a]] = (mn_index)e;
            k->inc_sign[k->inc_off[a] + cnt[a]++] = -1;
        }
    }
    mn__free(ctx, cnt);
    cnt = NULL;
    ALLOC(k->eda, m ? m : 1, "edge map");
    ALLOC(k->edb, m ? m : 1, "edge map");
    ALLOC(k->egr, m ? m : 1, "edge map");
    if ((st = build_pattern(k, 0)) != MN_OK) goto cleanup;
    /* dense workspaces */
    k->B = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->X = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->Bs = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->C = cholmod_allocate_sparse(nfa, MN__UPD_CHUNK, 2 * MN__UPD_CHUNK, 1, 1, 0, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->B || !k->X || !k->Bs || !k->C) MN__FAIL(chol_err(k, "allocate"));
    if (nf > 0) {
        /* symbolic analysis with the ordering set explicitly */
        int use_metis = k->ordering != MN_ORDERING_AMD;
        k->cm.nmethods = 1;
        k->cm.method[0].ordering = use_metis ? CHOLMOD_METIS : CHOLMOD_AMD;
        k->cm.postorder = 1;
        k->cm.supernodal = CHOLMOD_AUTO;
        int omp = mn__serial_begin();
        k->Lsym = cholmod_analyze(k->A, &k->cm);
        if (!k->Lsym && use_metis && k->ordering == MN_ORDERING_DEFAULT) {
            k->cm.method[0].ordering = CHOLMOD_AMD; /* METIS not compiled in */
            use_metis = 0;
            k->Lsym = cholmod_analyze(k->A, &k->cm);
        }
        mn__serial_end(omp);
        if (!k->Lsym) MN__FAIL(chol_err(k, "analyse"));
        k->ordering_used = use_metis ? MN_ORDERING_METIS : MN_ORDERING_AMD;
        if (k->cm.lnz > (double)INT_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "factor would have %.3g nonzeros (> INT_MAX)", k->cm.lnz));
        /* Rows are renumbered by the (postordered) fill-reducing permutation and the matrix is
         * rebuilt in that order, in the triangle CHOLMOD factorises without a transpose (lower
         * for supernodal, upper for simplicial: cholmod_factorize otherwise forms P A P' by one
         * or two transposes on every call, 35% of a refactorisation at 1e3 junctions). The
         * symbolic factor describes the columns of the factor, i.e. the rows in this new
         * numbering, so it stays valid with an identity permutation: its Perm is reset and its
         * ordering marked natural (no second analysis, which cost 14 s at 1e7 junctions). */
        int super = k->Lsym->is_super;
        int *Perm = k->Lsym->Perm;
        for (size_t i = 0; i < nf; i++) k->ipos[Perm[i]] = (int)i;
        for (size_t i = 0; i < n; i++)
            if (k->role[i] >= 0) k->role[i] = k->ipos[k->role[i]];
        for (size_t i = 0; i < n; i++)
            if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
        if ((st = build_pattern(k, super)) != MN_OK) goto cleanup;
        for (size_t i = 0; i < nf; i++) Perm[i] = k->ipos[i] = (int)i;
        k->Lsym->ordering = CHOLMOD_NATURAL;
        k->L = cholmod_copy_factor(k->Lsym, &k->cm);
        if (!k->L) MN__FAIL(chol_err(k, "copy factor"));
    }
    k->n_analyse++;
    k->need_analyse = 0;
    k->values_dirty = 1;
    k->floating_dirty = 1;
    k->fac_valid = k->fac_current = 0;
    return MN_OK;
cleanup:
    mn__free(ctx, cnt);
    free_structure(k);
    return st;
}
#undef ALLOC

/* ------------------------------------------------------------------ floating nodes */

static int uf_find(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

/* Components through positive conductances; a component is held if it contains a node that
 * is not a row (electrode or ground). Returns 1 if the floating set changed. */
static int detect_floating(mn_kirchhoff *k)
{
    int *p = k->uf;
    size_t n = k->n;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    for (size_t i = 0; i < n; i++) p[i] = (int)i;
    for (size_t e = 0; e < k->m; e++) {
        if (!(k->G[e] > 0.0)) continue;
        int a = uf_find(p, eu[e]), b = uf_find(p, ev[e]);
        if (a != b) p[a > b ? a : b] = a > b ? b : a;
    }
    /* held roots: mark with a flag array reuse: use floating_list as scratch */
    unsigned char *held = (unsigned char *)k->floating_list; /* n*4 bytes >= n */
    memset(held, 0, n);
    for (size_t i = 0; i < n; i++)
        if (k->role[i] < 0) held[uf_find(p, (int)i)] = 1;
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char f = (unsigned char)(k->role[i] >= 0 && !held[uf_find(p, (int)i)]);
        if (f != k->floating[i]) changed = 1;
        k->floating[i] = f;
    }
    size_t nfl = 0;
    for (size_t i = 0; i < n; i++)
        if (k->floating[i]) k->floating_list[nfl++] = (mn_index)i;
    k->n_floating = nfl;
    return changed;
}

/* ------------------------------------------------------------------ numerics */

static void refill(mn_kirchhoff *k)
{
    double *Ax = k->A->x;
    int *Ap = k->A->p;
    size_t nnz = (size_t)Ap[k->nf];
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const double *G = k->G;
    memset(Ax, 0, nnz * sizeof *Ax);
    memset(k->ground, 0, (k->nf ? k->nf : 1) * sizeof *k->ground);
    double gmax = 0.0, gmin = INFINITY;
    const int *eda = k->eda, *edb = k->edb, *emap = k->emap, *egr = k->egr;
    double *ground = k->ground;
    for (size_t e = 0; e < k->m; e++) {
        double ge = G[e];
        int a = eda[e], b = edb[e], o = emap[e];
        if (a >= 0) Ax[a] += ge;
        if (b >= 0) Ax[b] += ge;
        if (o >= 0)
            Ax[o] -= ge;
        else if (egr[e] >= 0)
            ground[egr[e]] += ge;
        if (a >= 0 || b >= 0) { /* edges inside one electrode do not count */
            gmax = ge > gmax ? ge : gmax;
            gmin = ge > 0.0 && ge < gmin ? ge : gmin;
        }
    }
    k->g_ratio = gmax > 0.0 ? gmax / gmin : 1.0;
    for (size_t f = 0; f < k->n_floating; f++) {
        int r = k->role[k->floating_list[f]];
        Ax[k->dpos[r]] = 1.0;
        k->ground[r] = 1.0;
    }
    if (k->n_floating)
        for (size_t e = 0; e < k->m; e++)
            if (k->emap[e] >= 0 && (k->floating[eu[e]] || k->floating[ev[e]])) Ax[k->emap[e]] = 0.0;
    k->values_dirty = 0;
}

static void ensure_A(mn_kirchhoff *k)
{
    if (k->values_dirty) refill(k);
}

static double ratio_est(const mn_kirchhoff *k)
{
    return k->gmax_est > 0.0 ? k->gmax_est / k->gmin_est : 1.0;
}

/* y = A x, A symmetric, one triangle stored (either) */
static void spmv(const mn_kirchhoff *k, const double *x, double *y)
{
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    size_t nf = k->nf;
    memset(y, 0, nf * sizeof *y);
    for (size_t j = 0; j < nf; j++) {
        double xj = x[j], s = 0.0;
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int i = Ai[p];
            double a = Ax[p];
            if ((size_t)i == j) {
                s += a * xj;
            } else {
                y[i] += a * xj;
                s += a * x[i];
            }
        }
        y[j] += s;
    }
}

static double norm2(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

/*
 * Cancellation-free LDL' of the grounded Laplacian (GTH-style elimination): the off-diagonal
 * entries of every Schur complement are sums of terms of one sign, the grounding (conductance
 * to held nodes) of the remaining nodes is propagated as a positive sum, and each pivot is
 * computed as grounding + sum |off-diagonals| instead of by subtraction. This keeps full
 * relative accuracy when conductances inside a component differ by more than 1e16 (a cluster
 * of 10 S junctions held through a 1e-90 S tunnel gap), where the ordinary Cholesky pivot
 * 10 + 1e-90 - 10 rounds to 0. Left-looking simplicial on the pattern of CHOLMOD's simplicial
 * LDL' factor (same permutation), so cholmod_solve2 and the PCG path use it unchanged.
 */
static mn_status gth_setup(mn_kirchhoff *k)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf;
    if (k->pap && k->L_is_gth) return MN_OK;
    /* simplicial pattern: factorise a dummy SPD matrix of the same pattern */
    double *Ax = k->A->x;
    int *Ap = k->A->p, *Ai = k->A->i;
    size_t nnz = (size_t)Ap[nf];
    double *save = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof *save, "GTH setup");
    if (!save) return MN_ERR_NOMEM;
    memcpy(save, Ax, nnz * sizeof *Ax);
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) Ax[p] = (size_t)Ai[p] == j ? (double)(nf + 1) : -1e-3;
    cholmod_free_factor(&k->L, &k->cm);
    k->L = cholmod_copy_factor(k->Lsym, &k->cm);
    int omp = mn__serial_begin();
    int ok = k->L && cholmod_factorize(k->A, k->L, &k->cm) &&
             cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm);
    mn__serial_end(omp);
    memcpy(Ax, save, nnz * sizeof *Ax);
    mn__free(ctx, save);
    if (!ok) return chol_err(k, "GTH pattern");
    k->L_is_gth = 1;
    if (k->pap) return MN_OK;
    /* lower triangle of P A P^T by columns */
    size_t nfa = nf ? nf : 1;
    k->pap = mn__calloc_or_err(ctx, nf + 1, sizeof(int), "GTH");
    k->pai = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof(int), "GTH");
    k->pamap = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof(int), "GTH");
    k->gw_head = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_link = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_pos = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_x = mn__calloc_or_err(ctx, nfa, sizeof(double), "GTH");
    k->gw_s = mn__calloc_or_err(ctx, nfa, sizeof(double), "GTH");
    if (!k->pap || !k->pai || !k->pamap || !k->gw_head || !k->gw_link || !k->gw_pos || !k->gw_x ||
        !k->gw_s)
        return MN_ERR_NOMEM;
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int a = k->ipos[Ai[p]], b = k->ipos[j];
            k->pap[(a < b ? a : b) + 1]++;
        }
    for (size_t j = 0; j < nf; j++) k->pap[j + 1] += k->pap[j];
    int *fill = k->gw_pos;
    for (size_t j = 0; j < nf; j++) fill[j] = k->pap[j];
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int a = k->ipos[Ai[p]], b = k->ipos[j];
            int c = a < b ? a : b, r = a < b ? b : a;
            k->pai[fill[c]] = r;
            k->pamap[fill[c]++] = p;
        }
    return MN_OK;
}

static mn_status gth_factor(mn_kirchhoff *k)
{
    mn_status st = gth_setup(k);
    if (st != MN_OK) return st;
    cholmod_factor *L = k->L;
    const int *Lp = L->p, *Li = L->i, *Lnz = L->nz;
    double *Lx = L->x;
    const double *Ax = k->A->x;
    const int *Perm = L->Perm;
    int nf = (int)k->nf;
    int *head = k->gw_head, *link = k->gw_link, *pos = k->gw_pos;
    double *x = k->gw_x, *sp = k->gw_s;
    for (int j = 0; j < nf; j++) head[j] = -1;
    for (int j = 0; j < nf; j++) {
        int p0 = Lp[j], p1 = Lp[j] + Lnz[j];
        for (int q = p0; q < p1; q++) x[Li[q]] = 0.0;
        for (int q = k->pap[j]; q < k->pap[j + 1]; q++)
            if (k->pai[q] != j) x[k->pai[q]] += Ax[k->pamap[q]];
        double sg = k->ground[Perm[j]];
        for (int c = head[j]; c != -1;) {
            int nextc = link[c];
            int p = pos[c], pe = Lp[c] + Lnz[c];
            double f = Lx[p] * Lx[Lp[c]]; /* l_jc d_c <= 0 */
            for (int q = p + 1; q < pe; q++) x[Li[q]] -= Lx[q] * f;
            sg += fabs(Lx[p]) * sp[c];
            pos[c] = p + 1;
            if (p + 1 < pe) {
                int i = Li[p + 1];
                link[c] = head[i];
                head[i] = c;
            }
            c = nextc;
        }
        double off = 0.0;
        for (int q = p0 + 1; q < p1; q++) off += fabs(x[Li[q]]);
        double d = sg + off;
        if (!(d > 0.0) || !isfinite(d)) {
            k->fac_valid = k->fac_current = 0;
            return mn__error(k->ctx, MN_ERR_SINGULAR,
                             "zero pivot at node %ld in the exact elimination (conductances "
                             "underflow)",
                             (long)k->row_node[Perm[j]]);
        }
        sp[j] = sg;
        Lx[p0] = d;
        for (int q = p0 + 1; q < p1; q++) Lx[q] = x[Li[q]] / d;
        pos[j] = p0 + 1;
        if (p0 + 1 < p1) {
            int i = Li[p0 + 1];
            link[j] = head[i];
            head[i] = j;
        }
    }
    return MN_OK;
}

/* Make L a factor of supernodal/simplicial symbolic form ready for cholmod_factorize. */
static mn_status refactor(mn_kirchhoff *k)
{
    ensure_A(k);
    k->gth = k->gth_forced || k->g_ratio > MN__GTH_RATIO;
    if (k->gth) {
        double t0 = now();
        mn_status st = gth_factor(k);
        if (st != MN_OK) return st;
        double t = now() - t0;
        k->t_fac = k->t_fac > 0 ? 0.5 * (k->t_fac + t) : t;
        memcpy(k->G_fac, k->G, k->m * sizeof *k->G);
        clear_changed(k);
        k->fac_valid = k->fac_current = 1;
        k->floating_changed = 0;
        k->n_refactor++;
        new_factor(k);
        return MN_OK;
    }
    if (!k->L->is_super && k->Lsym->is_super) {
        double t0 = now();
        cholmod_free_factor(&k->L, &k->cm);
        k->L = cholmod_copy_factor(k->Lsym, &k->cm);
        if (!k->L) return chol_err(k, "copy factor");
        (void)t0;
    }
    double t0 = now();
    k->L_is_gth = 0;
    int omp = mn__serial_begin(); /* CHOLMOD's OpenMP team costs more than it gains */
    int fok = cholmod_factorize(k->A, k->L, &k->cm);
    mn__serial_end(omp);
    if (!fok) return chol_err(k, "factorize");
    double t = now() - t0;
    if (k->cm.status == CHOLMOD_NOT_POSDEF || k->L->minor < k->L->n) {
        /* a pivot lost to cancellation (conductance ratio beyond double precision inside a
         * component): switch this topology to the cancellation-free elimination */
        k->fac_valid = k->fac_current = 0;
        k->gth_forced = 1;
        k->cm.status = CHOLMOD_OK;
        return refactor(k);
    }
    k->t_fac = k->t_fac > 0 ? 0.5 * (k->t_fac + t) : t;
    memcpy(k->G_fac, k->G, k->m * sizeof *k->G);
    clear_changed(k);
    k->fac_valid = k->fac_current = 1;
    k->floating_changed = 0;
    k->n_refactor++;
    new_factor(k);
    return MN_OK;
}

/* x = A_fac^{-1} b using the factor (B, X cholmod dense of nf) */
static mn_status fsolve(mn_kirchhoff *k, cholmod_dense *b, cholmod_dense **x)
{
    if (k->L->is_super && k->fac_solves >= 2) {
        /* A third solve on the same factor (PCG iterations): convert it to simplicial LDL'
         * once. CHOLMOD's supernodal solve with one right-hand side calls BLAS-2 per
         * supernode, which on stick networks (small supernodes) is 2.5-5x slower than the
         * simplicial solve; the conversion costs about one supernodal solve (1e5 junctions:
         * 3 ms against 5 ms per supernodal and 0.9 ms per simplicial solve), and the next
         * refactorisation has to start again from a copy of the supernodal symbolic factor.
         * The time stepper's usual two solves per factor (f, then one Jv sensitivity) gain
         * nothing from it, so two solves stay supernodal. */
        double tc = now();
        if (!cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm))
            return chol_err(k, "change_factor");
        k->t_conv = now() - tc;
    }
    k->fac_solves++;
    double t0 = now();
    if (!cholmod_solve2(CHOLMOD_A, k->L, b, NULL, x, NULL, &k->Y, &k->E, &k->cm))
        return chol_err(k, "solve");
    double t = now() - t0;
    k->t_solve = k->t_solve > 0 ? 0.8 * k->t_solve + 0.2 * t : t;
    return MN_OK;
}

/* Rank-k update/downdate of the factor from G_fac to G on the changed edges. */
typedef struct mn__updcol {
    int lo, hi;   /* positions in the factor (hi = -1 for an edge to a held node) */
    double s;     /* sqrt(|dG|) */
} mn__updcol;

static int cmp_updcol(const void *a, const void *b)
{
    const mn__updcol *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

static mn_status update_factor(mn_kirchhoff *k)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    cholmod_sparse *C = k->C;
    int *Cp = C->p, *Ci = C->i;
    double *Cx = C->x;
    double t0 = now();
    k->L_is_gth = 0;
    if (k->L->is_super) {
        /* simplicial LDL' for cholmod_updown */
        double tc = now();
        if (!cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm))
            return chol_err(k, "change_factor");
        k->t_conv = now() - tc;
    }
    mn__updcol *cols = mn__malloc_or_err(k->ctx, k->n_chg ? k->n_chg : 1, sizeof *cols,
                                         "update columns");
    if (!cols) return MN_ERR_NOMEM;
    size_t ncols = 0;
    for (int pass = 0; pass < 2; pass++) { /* 0: updates (dG > 0), 1: downdates */
        size_t nc = 0;
        for (size_t c = 0; c < k->n_chg; c++) {
            size_t e = (size_t)k->chg[c];
            double d = k->G[e] - k->G_fac[e];
            int ru = k->role[eu[e]], rv = k->role[ev[e]];
            if (d == 0.0 || ru == rv || (ru < 0 && rv < 0)) continue;
            if (k->floating[eu[e]] || k->floating[ev[e]]) continue; /* identity rows */
            if ((pass == 0) != (d > 0.0)) continue;
            int pu = ru >= 0 ? k->ipos[ru] : -1, pv = rv >= 0 ? k->ipos[rv] : -1;
            mn__updcol col;
            col.s = sqrt(fabs(d));
            if (pu >= 0 && pv >= 0) {
                col.lo = pu < pv ? pu : pv;
                col.hi = pu < pv ? pv : pu;
            } else {
                col.lo = pu >= 0 ? pu : pv;
                col.hi = -1;
            }
            cols[nc++] = col;
        }
        /* columns close in the (postordered) factor share most of their etree paths:
         * chunks of neighbours make each rank-8 call cheaper */
        qsort(cols, nc, sizeof *cols, cmp_updcol);
        for (size_t c0 = 0; c0 < nc; c0 += MN__UPD_CHUNK) {
            size_t kc = nc - c0 < MN__UPD_CHUNK ? nc - c0 : MN__UPD_CHUNK;
            Cp[0] = 0;
            for (size_t j = 0; j < kc; j++) {
                const mn__updcol *col = &cols[c0 + j];
                int q = Cp[j];
                Ci[q] = col->lo;
                Cx[q] = col->s;
                if (col->hi >= 0) {
                    Ci[q + 1] = col->hi;
                    Cx[q + 1] = -col->s;
                    Cp[j + 1] = q + 2;
                } else {
                    Cp[j + 1] = q + 1;
                }
            }
            C->ncol = kc;
            if (!cholmod_updown(pass == 0, C, k->L, &k->cm)) {
                C->ncol = MN__UPD_CHUNK;
                mn__free(k->ctx, cols);
                return chol_err(k, "updown");
            }
            ncols += kc;
        }
    }
    mn__free(k->ctx, cols);
    C->ncol = MN__UPD_CHUNK;
    /* a downdate may have destroyed positive definiteness: check D */
    const int *Lp = k->L->p;
    const double *Lx = k->L->x;
    for (size_t j = 0; j < k->nf; j++) {
        double d = Lx[Lp[j]];
        if (!(d > 0.0) || !isfinite(d)) return MN_ERR_SINGULAR; /* caller refactorises */
    }
    double t = now() - t0;
    if (ncols > 0) {
        double per = t / (double)ncols;
        k->t_upd = k->t_upd > 0 ? 0.8 * k->t_upd + 0.2 * per : per;
    }
    for (size_t c = 0; c < k->n_chg; c++) k->G_fac[k->chg[c]] = k->G[k->chg[c]];
    clear_changed(k);
    k->fac_current = 1;
    k->n_update++;
    new_factor(k);
    return MN_OK;
}

/* PCG on A x = b (b in k->Bs, x in/out in k->Xs... we use arrays) preconditioned by the factor.
 * Returns MN_OK, or MN_ERR_CONVERGENCE if maxit was reached. */
static mn_status pcg(mn_kirchhoff *k, const double *b, double *x, int maxit, int *iters,
                     double *relres)
{
    size_t nf = k->nf;
    double *r = k->r, *z = k->z, *p = k->p, *q = k->q;
    double bn = norm2(b, nf);
    ensure_A(k);
    *iters = 0;
    if (bn == 0.0) {
        memset(x, 0, nf * sizeof *x);
        *relres = 0.0;
        return MN_OK;
    }
    double t0 = now();
    spmv(k, x, q);
    k->t_spmv = now() - t0;
    for (size_t i = 0; i < nf; i++) r[i] = b[i] - q[i];
    double rn = norm2(r, nf);
    if (rn <= k->cg_rtol * bn) {
        *relres = rn / bn;
        return MN_OK;
    }
    double *bsx = k->Bs->x;
    mn_status st;
    memcpy(bsx, r, nf * sizeof *r);
    if ((st = fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
    memcpy(z, k->Xs->x, nf * sizeof *z);
    memcpy(p, z, nf * sizeof *p);
    double rz = 0.0;
    for (size_t i = 0; i < nf; i++) rz += r[i] * z[i];
    for (int it = 1; it <= maxit; it++) {
        spmv(k, p, q);
        double pq = 0.0;
        for (size_t i = 0; i < nf; i++) pq += p[i] * q[i];
        if (!(pq > 0.0)) break;
        double alpha = rz / pq;
        for (size_t i = 0; i < nf; i++) {
            x[i] += alpha * p[i];
            r[i] -= alpha * q[i];
        }
        *iters = it;
        rn = norm2(r, nf);
        if (rn <= k->cg_rtol * bn) {
            /* confirm with the true residual */
            spmv(k, x, q);
            for (size_t i = 0; i < nf; i++) r[i] = b[i] - q[i];
            rn = norm2(r, nf);
            if (rn <= k->cg_rtol * bn) {
                *relres = rn / bn;
                return MN_OK;
            }
        }
        memcpy(bsx, r, nf * sizeof *r);
        if ((st = fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
        memcpy(z, k->Xs->x, nf * sizeof *z);
        double rz1 = 0.0;
        for (size_t i = 0; i < nf; i++) rz1 += r[i] * z[i];
        double beta = rz1 / rz;
        rz = rz1;
        for (size_t i = 0; i < nf; i++) p[i] = z[i] + beta * p[i];
    }
    *relres = rn / bn;
    return MN_ERR_CONVERGENCE;
}

static void pcg_account(mn_kirchhoff *k, int kind, int it)
{
    if (k->pcg_base[kind] < 0 || it < k->pcg_base[kind]) k->pcg_base[kind] = it;
    double iter_cost = k->t_solve + 2.0 * k->t_spmv;
    k->pcg_excess += (double)(it - k->pcg_base[kind]) * iter_cost;
}

/* Bring the factor to the state required by `s` and solve A x = b (b in k->B, x in k->X).
 * For PCG, x must hold the warm start. */
static mn_status solve_system(mn_kirchhoff *k, mn_kirchhoff_strategy s, int *used)
{
    mn_status st;
    size_t nf = k->nf;
    if (nf == 0) {
        *used = MN_KIRCHHOFF_REFACTOR;
        return MN_OK;
    }
    k->last_cg_it = 0;
    k->last_resid = NAN;
    if (!k->fac_valid || k->floating_changed) s = MN_KIRCHHOFF_REFACTOR;
    if (k->fac_current && s != MN_KIRCHHOFF_REFACTOR) s = MN_KIRCHHOFF_UPDATE; /* plain solve */
    if (s == MN_KIRCHHOFF_UPDATE && !k->fac_current) {
        if (k->chg_overflow || k->gth || ratio_est(k) > MN__GTH_RATIO) {
            s = MN_KIRCHHOFF_REFACTOR;
        } else {
            st = update_factor(k);
            if (st == MN_ERR_SINGULAR) {
                s = MN_KIRCHHOFF_REFACTOR; /* downdate lost definiteness */
            } else if (st != MN_OK) {
                return st;
            }
        }
    }
    if (s == MN_KIRCHHOFF_PCG) {
        int it = 0;
        double rr = 0.0;
        int maxit = 200;
        if (k->strategy == MN_KIRCHHOFF_AUTO && k->t_solve > 0) {
            double iter_cost = k->t_solve + 2.0 * k->t_spmv;
            double bound = iter_cost > 0 ? k->t_fac / iter_cost : 200.0;
            maxit = bound < 1.0 ? 1 : bound > 200.0 ? 200 : (int)bound;
        }
        if (!k->have_x) memset(k->X->x, 0, nf * sizeof(double));
        st = pcg(k, k->B->x, k->X->x, maxit, &it, &rr);
        k->n_cg++;
        k->n_cg_it += (uint64_t)it;
        k->last_cg_it = it;
        k->last_pcg_it = it;
        k->last_resid = rr;
        pcg_account(k, 0, it);
        if (st == MN_OK) {
            *used = MN_KIRCHHOFF_PCG;
            k->pcg_ok = 1;
            return MN_OK;
        }
        if (st != MN_ERR_CONVERGENCE) return st;
        k->pcg_ok = 0;
        k->pcg_cooldown = 8;
        if (k->strategy == MN_KIRCHHOFF_PCG && k->fac_current)
            return mn__error(k->ctx, MN_ERR_CONVERGENCE,
                             "PCG: relative residual %.3g after %d iterations (tolerance %.3g)",
                             rr, it, k->cg_rtol);
        s = MN_KIRCHHOFF_REFACTOR; /* iterations exceeded the cost bound */
    }
    if (s == MN_KIRCHHOFF_REFACTOR && !k->fac_current) {
        if ((st = refactor(k)) != MN_OK) return st;
    } else if (s == MN_KIRCHHOFF_REFACTOR && k->floating_changed) {
        if ((st = refactor(k)) != MN_OK) return st;
    }
    if ((st = fsolve(k, k->B, &k->X)) != MN_OK) return st;
    *used = s;
    return MN_OK;
}

/* Choose a strategy for the present change. */
static mn_kirchhoff_strategy choose(mn_kirchhoff *k)
{
    if (k->strategy != MN_KIRCHHOFF_AUTO) return k->strategy;
    if (!k->fac_valid || k->floating_changed || k->t_fac <= 0) return MN_KIRCHHOFF_REFACTOR;
    if (k->fac_current) return MN_KIRCHHOFF_UPDATE; /* nothing changed: plain solve */
    if (!k->chg_overflow && !k->gth) {
        /* calibration: measure one update on the actual matrix the first time a small change
         * comes along (at most 1% of the unknowns, or 64 edges) */
        size_t small = k->nf / 100 > 64 ? k->nf / 100 : 64;
        if (k->t_upd <= 0 && k->n_chg <= small) return MN_KIRCHHOFF_UPDATE;
        double tu = k->t_upd > 0 ? k->t_upd : 2.0 * k->t_solve;
        double conv = k->L->is_super ? (k->t_conv > 0 ? k->t_conv : 0.2 * k->t_fac) : 0.0;
        if ((double)k->n_chg * tu + conv < k->t_fac) return MN_KIRCHHOFF_UPDATE;
    }
    if (k->pcg_cooldown > 0) {
        k->pcg_cooldown--;
        return MN_KIRCHHOFF_REFACTOR;
    }
    if (!k->have_x) return MN_KIRCHHOFF_REFACTOR;
    if (k->pcg_excess > k->t_fac) return MN_KIRCHHOFF_REFACTOR; /* the stale factor cost one */
    /* PCG if the last try converged in fewer iterations than a refactorisation costs */
    double iter_cost = k->t_solve + 2.0 * k->t_spmv;
    if (k->pcg_ok && (double)(k->last_pcg_it + 1) * iter_cost < k->t_fac) return MN_KIRCHHOFF_PCG;
    return MN_KIRCHHOFF_REFACTOR;
}

static void build_rhs(mn_kirchhoff *k, double *b, int with_sources, const double *el_volts)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const double *G = k->G;
    memset(b, 0, k->nf * sizeof *b);
    /* Dirichlet columns: only the edges of the electrode incidence lists contribute (the
     * ground of a pure-injection problem is at 0 V) */
    for (size_t a = 0; a < k->n_el; a++) {
        double va = el_volts[a];
        if (va == 0.0) continue;
        for (mn_index p = k->inc_off[a]; p < k->inc_off[a + 1]; p++) {
            size_t e = (size_t)k->inc_edge[p];
            int r = k->role[k->inc_sign[p] > 0 ? ev[e] : eu[e]];
            if (r >= 0) b[r] += G[e] * va;
        }
    }
    if (with_sources && k->emf)
        for (size_t e = 0; e < k->m; e++) {
            int ru = k->role[eu[e]], rv = k->role[ev[e]];
            if (ru == rv) continue;
            double s = G[e] * k->emf[e];
            if (ru >= 0) b[ru] -= s;
            if (rv >= 0) b[rv] += s;
        }
    if (with_sources && k->have_inj) {
        double jf = k->inj_amps / (double)k->n_from, jt = k->inj_amps / (double)k->n_to;
        for (size_t i = 0; i < k->n_from; i++) {
            int r = k->role[k->inj_from[i]];
            if (r >= 0) b[r] += jf;
        }
        for (size_t i = 0; i < k->n_to; i++) {
            int r = k->role[k->inj_to[i]];
            if (r >= 0) b[r] -= jt;
        }
    }
    for (size_t f = 0; f < k->n_floating; f++) b[k->role[k->floating_list[f]]] = 0.0;
}

/* potentials from x into phi, then V, I, electrode currents */
static void postprocess(mn_kirchhoff *k, const double *x, const double *el_volts, double *phi,
                        double *V, double *I, double *elc, int with_emf)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    for (size_t i = 0; i < k->n; i++) {
        int r = k->role[i];
        phi[i] = r >= 0 ? (k->floating[i] ? 0.0 : x[r]) : (r == INT_MIN ? 0.0 : el_volts[-1 - r]);
    }
    const double *G = k->G, *emf = with_emf ? k->emf : NULL;
    if (k->n_floating || emf) {
        for (size_t e = 0; e < k->m; e++) {
            mn_index u = eu[e], v = ev[e];
            if (k->floating[u] || k->floating[v]) {
                V[e] = 0.0;
                I[e] = 0.0;
                continue;
            }
            double d = phi[u] - phi[v];
            V[e] = d;
            I[e] = G[e] * (d + (emf ? emf[e] : 0.0));
        }
    } else {
        for (size_t e = 0; e < k->m; e++) {
            double d = phi[eu[e]] - phi[ev[e]];
            V[e] = d;
            I[e] = G[e] * d;
        }
    }
    for (size_t a = 0; a < k->n_el; a++) {
        double s = 0.0;
        for (mn_index p = k->inc_off[a]; p < k->inc_off[a + 1]; p++)
            s += (double)k->inc_sign[p] * I[k->inc_edge[p]];
        elc[a] = s;
    }
}

static mn_status prepare(mn_kirchhoff *k)
{
    mn_status st;
    if (!k->G)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "no conductances: call mn_kirchhoff_set_conductances first");
    if (k->g->n_edges != k->m || k->g->n_nodes != k->n)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "graph changed (%zu nodes, %zu edges) since the solver was created "
                         "(%zu, %zu)",
                         k->g->n_nodes, k->g->n_edges, k->n, k->m);
    if (k->n_el == 0 && !k->have_inj)
        return mn__error(k->ctx, MN_ERR_SINGULAR,
                         "no electrode and no current injection: the potential is undefined");
    if (k->need_analyse) {
        double t0 = now();
        if ((st = analyse(k)) != MN_OK) return st;
        k->t_analyse = now() - t0;
    }
    if (k->floating_dirty) {
        if (detect_floating(k)) {
            k->floating_changed = 1;
            k->values_dirty = 1;
        }
        k->floating_dirty = 0;
    }
    if (k->have_inj) {
        for (size_t i = 0; i < k->n_from; i++)
            if (k->floating[k->inj_from[i]] && k->inj_amps != 0.0)
                return mn__error(k->ctx, MN_ERR_SINGULAR,
                                 "injection node %ld is in a component with no path of "
                                 "positive conductance to the sink or an electrode",
                                 (long)k->inj_from[i]);
        for (size_t i = 0; i < k->n_to; i++)
            if (k->floating[k->inj_to[i]] && k->inj_amps != 0.0)
                return mn__error(k->ctx, MN_ERR_SINGULAR,
                                 "injection node %ld is in a component with no path of "
                                 "positive conductance to an electrode",
                                 (long)k->inj_to[i]);
    }
    if (k->values_dirty || k->g_changed) {
        /* the matrix itself is refilled lazily (ensure_A): the update path never needs it */
        if (k->fac_valid && !k->floating_changed && k->n_chg == 0 && !k->chg_overflow)
            k->fac_current = 1;
        else
            k->fac_current = 0;
        k->g_changed = 0;
    }
    return MN_OK;
}

mn_status mn_kirchhoff_solve(mn_kirchhoff *k)
{
    if (!k) return MN_ERR_INVALID;
    double t0 = now();
    mn_status st = prepare(k);
    if (st != MN_OK) return st;
    double *volts = NULL;
    if (k->n_el) {
        volts = scratch(k, &k->volts_buf, &k->volts_cap, k->n_el, "electrode potentials");
        if (!volts) return MN_ERR_NOMEM;
        for (size_t a = 0; a < k->n_el; a++) volts[a] = k->el[a].volts;
    }
    mn_kirchhoff_strategy s = choose(k);
    build_rhs(k, k->B->x, 1, volts);
    int used = MN_KIRCHHOFF_REFACTOR;
    k->solved = 0;
    st = solve_system(k, s, &used);
    if (st != MN_OK) return st;
    k->have_x = 1;
    postprocess(k, k->X->x, volts, k->phi, k->V, k->I, k->el_cur, 1);
    k->last_strategy = used;
    k->solved = 1;
    k->last_secs = now() - t0;
    return MN_OK;
}

const double *mn_kirchhoff_potentials(const mn_kirchhoff *k) { return k ? k->phi : NULL; }
const double *mn_kirchhoff_edge_voltages(const mn_kirchhoff *k) { return k ? k->V : NULL; }
const double *mn_kirchhoff_edge_currents(const mn_kirchhoff *k) { return k ? k->I : NULL; }

mn_status mn_kirchhoff_electrode_current(const mn_kirchhoff *k, size_t id, double *amps)
{
    if (!k || !amps) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "no solve since the last change");
    *amps = k->el_cur[id];
    return MN_OK;
}

size_t mn_kirchhoff_floating_count(const mn_kirchhoff *k) { return k ? k->n_floating : 0; }
const mn_index *mn_kirchhoff_floating_nodes(const mn_kirchhoff *k)
{
    return k && !k->need_analyse ? k->floating_list : NULL;
}

void mn_kirchhoff_stats(const mn_kirchhoff *k, uint64_t *analyses, uint64_t *refactors,
                        uint64_t *updates, uint64_t *cg_solves, uint64_t *cg_iterations)
{
    if (analyses) *analyses = k ? k->n_analyse : 0;
    if (refactors) *refactors = k ? k->n_refactor : 0;
    if (updates) *updates = k ? k->n_update : 0;
    if (cg_solves) *cg_solves = k ? k->n_cg : 0;
    if (cg_iterations) *cg_iterations = k ? k->n_cg_it : 0;
}

/* ------------------------------------------------------------------ G_eff */

/* Solve with the present factor/strategy for an rhs already in k->B; result in x (nf). */
static mn_status aux_solve(mn_kirchhoff *k, double *x)
{
    mn_status st;
    size_t nf = k->nf;
    if (nf == 0) return MN_OK;
    if (k->fac_current) {
        if ((st = fsolve(k, k->B, &k->Xs)) != MN_OK) return st;
        memcpy(x, k->Xs->x, nf * sizeof *x);
        return MN_OK;
    }
    int it;
    double rr;
    memset(x, 0, nf * sizeof *x);
    st = pcg(k, k->B->x, x, 1000, &it, &rr);
    k->n_cg++;
    k->n_cg_it += (uint64_t)it;
    pcg_account(k, 1, it);
    if (st == MN_ERR_CONVERGENCE)
        return mn__error(k->ctx, MN_ERR_CONVERGENCE,
                         "PCG: relative residual %.3g after %d iterations", rr, it);
    return st;
}

mn_status mn_kirchhoff_effective_conductance(mn_kirchhoff *k, size_t a, size_t b, double *G_eff)
{
    if (!k || !G_eff) return MN_ERR_INVALID;
    *G_eff = NAN;
    if (a >= k->n_el || b >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         a >= k->n_el ? a : b, k->n_el);
    if (a == b)
        return mn__error(k->ctx, MN_ERR_INVALID, "G_eff needs two different electrodes (%zu)", a);
    mn_status st = prepare(k);
    if (st != MN_OK) return st;
    if (k->nf > 0 && (!k->fac_valid || k->floating_changed || !k->fac_current)) {
        if ((st = refactor(k)) != MN_OK) return st;
    }
    size_t E = k->n_el, nf = k->nf;
    /* terminal admittance matrix Y (E x E) by superposition, columns c != b */
    double *Y = mn__calloc_or_err(k->ctx, E * E, sizeof *Y, "G_eff workspace");
    double *volts = mn__calloc_or_err(k->ctx, E, sizeof *volts, "G_eff workspace");
    double *x = mn__calloc_or_err(k->ctx, nf ? nf : 1, sizeof *x, "G_eff workspace");
    double *phi = mn__malloc_or_err(k->ctx, k->n, sizeof *phi, "G_eff workspace");
    double *V = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *V, "G_eff workspace");
    double *I = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *I, "G_eff workspace");
    double *cur = mn__calloc_or_err(k->ctx, E, sizeof *cur, "G_eff workspace");
    size_t *o = mn__calloc_or_err(k->ctx, E, sizeof *o, "G_eff workspace");
    double *M = mn__calloc_or_err(k->ctx, E * E, sizeof *M, "G_eff workspace");
    if (!Y || !volts || !x || !phi || !V || !I || !cur || !o || !M) MN__FAIL(MN_ERR_NOMEM);
    for (size_t c = 0; c < E; c++) {
        if (c == b) continue;
        memset(volts, 0, E * sizeof *volts);
        volts[c] = 1.0;
        build_rhs(k, k->B->x, 0, volts);
        MN__TRY(aux_solve(k, x));
        postprocess(k, x, volts, phi, V, I, cur, 0);
        /* Y[d][c] = -(current into electrode d at 0 V) = -sum G_e phi_other: a sum of terms of
         * one sign (phi >= 0 here), free of the cancellation of phi_u - phi_v when conductances
         * span many decades; Y[c][c] = -sum_d Y[d][c] (charge conservation). */
        double diag = 0.0;
        for (size_t d = 0; d < E; d++) {
            if (d == c) continue;
            double into = 0.0;
            for (mn_index p = k->inc_off[d]; p < k->inc_off[d + 1]; p++) {
                mn_index e = k->inc_edge[p];
                mn_index other = k->inc_sign[p] > 0 ? k->g->v[e] : k->g->u[e];
                into += k->G[e] * phi[other];
            }
            Y[d * E + c] = -into;
            diag += into;
        }
        Y[c * E + c] = diag;
    }
    /* other electrodes open: zero net current, equipotential. Eliminate them (Kron). */
    size_t no = 0;
    for (size_t c = 0; c < E; c++)
        if (c != a && c != b && Y[c * E + c] > 0.0) o[no++] = c; /* isolated ones carry nothing */
    double Ga = Y[a * E + a];
    if (no > 0) {
        /* solve Y_OO z = Y_Oa, then Ga -= Y_aO z */
        double *rhs = cur; /* reuse (size E >= no) */
        for (size_t i = 0; i < no; i++) {
            rhs[i] = Y[o[i] * E + a];
            for (size_t j = 0; j < no; j++) M[i * no + j] = Y[o[i] * E + o[j]];
        }
        for (size_t c = 0; c < no; c++) { /* Gaussian elimination, SPD: no pivoting needed */
            double piv = M[c * no + c];
            if (!(piv > 0.0)) MN__FAIL(mn__error(k->ctx, MN_ERR_SINGULAR, "G_eff: singular "
                                                 "terminal matrix"));
            for (size_t r = c + 1; r < no; r++) {
                double f = M[r * no + c] / piv;
                for (size_t j = c; j < no; j++) M[r * no + j] -= f * M[c * no + j];
                rhs[r] -= f * rhs[c];
            }
        }
        for (size_t c = no; c-- > 0;) {
            double s = rhs[c];
            for (size_t j = c + 1; j < no; j++) s -= M[c * no + j] * rhs[j];
            rhs[c] = s / M[c * no + c];
        }
        for (size_t i = 0; i < no; i++) Ga -= Y[a * E + o[i]] * rhs[i];
    }
    *G_eff = Ga;
cleanup:
    mn__free(k->ctx, Y);
    mn__free(k->ctx, volts);
    mn__free(k->ctx, x);
    mn__free(k->ctx, phi);
    mn__free(k->ctx, V);
    mn__free(k->ctx, I);
    mn__free(k->ctx, cur);
    mn__free(k->ctx, o);
    mn__free(k->ctx, M);
    return st;
}

/* ------------------------------------------------------------------ internal API */

mn_status mn__kirchhoff_sensitivity(mn_kirchhoff *k, const double *dG, double *dV)
{
    if (!k || !dG || !dV) return MN_ERR_INVALID;
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "sensitivity: no solve since the last change");
    const mn_index *eu = k->g->u, *ev = k->g->v;
    for (size_t e = 0; e < k->m; e++)
        if (!isfinite(dG[e]))
            return mn__error(k->ctx, MN_ERR_RANGE, "sensitivity: edge %zu: dG %g not finite", e,
                             dG[e]);
    size_t nf = k->nf;
    double *b = k->B->x;
    memset(b, 0, (nf ? nf : 1) * sizeof *b);
    for (size_t e = 0; e < k->m; e++) {
        mn_index u = eu[e], v = ev[e];
        if (dG[e] == 0.0 || u == v || k->floating[u] || k->floating[v]) continue;
        double f = dG[e] * (k->V[e] + (k->emf ? k->emf[e] : 0.0));
        int ru = k->role[u], rv = k->role[v];
        if (ru >= 0) b[ru] -= f;
        if (rv >= 0) b[rv] += f;
    }
    double *dphi = scratch(k, &k->dphi_buf, &k->dphi_cap, nf, "sensitivity");
    if (!dphi) return MN_ERR_NOMEM;
    mn_status st = aux_solve(k, dphi); /* writes all nf values */
    if (st != MN_OK) return st;
    for (size_t e = 0; e < k->m; e++) {
        mn_index u = eu[e], v = ev[e];
        if (k->floating[u] || k->floating[v]) {
            dV[e] = 0.0;
            continue;
        }
        int ru = k->role[u], rv = k->role[v];
        dV[e] = (ru >= 0 ? dphi[ru] : 0.0) - (rv >= 0 ? dphi[rv] : 0.0);
    }
    return MN_OK;
}

mn_status mn__kirchhoff_electrode_current_sensitivity(mn_kirchhoff *k, const double *dG,
                                                      const double *dV, size_t id, double *dI)
{
    if (!k || !dG || !dI) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "sensitivity: no solve since the last change");
    double *own = NULL;
    if (!dV) {
        own = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *own, "sensitivity");
        if (!own) return MN_ERR_NOMEM;
        mn_status st = mn__kirchhoff_sensitivity(k, dG, own);
        if (st != MN_OK) {
            mn__free(k->ctx, own);
            return st;
        }
        dV = own;
    }
    double s = 0.0;
    for (mn_index p = k->inc_off[id]; p < k->inc_off[id + 1]; p++) {
        mn_index e = k->inc_edge[p];
        if (k->floating[k->g->u[e]] || k->floating[k->g->v[e]]) continue;
        double d = dG[e] * (k->V[e] + (k->emf ? k->emf[e] : 0.0)) + k->G[e] * dV[e];
        s += (double)k->inc_sign[p] * d;
    }
    *dI = s;
    mn__free(k->ctx, own);
    return MN_OK;
}

void mn__kirchhoff_info_get(const mn_kirchhoff *k, mn__kirchhoff_info *info)
{
    memset(info, 0, sizeof *info);
    info->n_nodes = k->n;
    info->n_edges = k->m;
    info->n_free = k->nf >= k->n_floating ? k->nf - k->n_floating : 0;
    info->n_floating = k->n_floating;
    info->factor_nnz = k->L && k->fac_valid ? (size_t)k->cm.lnz : 0;
    info->ordering_used = k->ordering_used;
    info->last_strategy = k->last_strategy;
    info->last_cg_iterations = k->last_cg_it;
    info->last_residual = k->last_resid;
    info->last_solve_seconds = k->last_secs;
    info->t_refactor = k->t_fac;
    info->t_analyse = k->t_analyse;
    info->t_solve = k->t_solve;
    info->t_update_rank1 = k->t_upd;
    info->exact_elimination = k->gth;
}

const double *mn__kirchhoff_conductances(const mn_kirchhoff *k) { return k->G; }
const double *mn__kirchhoff_emf(const mn_kirchhoff *k) { return k->emf; }
const unsigned char *mn__kirchhoff_floating_mask(const mn_kirchhoff *k)
{
    return k->need_analyse ? NULL : k->floating;
}
const mn_index *mn__kirchhoff_electrode_nodes(const mn_kirchhoff *k, size_t id, size_t *n)
{
    if (id >= k->n_el) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = k->el[id].n;
    return k->el[id].nodes;
}
