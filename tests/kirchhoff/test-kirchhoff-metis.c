/* memnet's own METIS ordering (lib/kirchhoff/ordering_metis.c, analyse.c: METIS_NodeND on the
 * row graph, the elimination tree postordered, the matrix built once) against a dense solve of
 * the Kirchhoff equations and against the path through cholmod_analyze with CHOLMOD's METIS (the
 * fallback for builds without metis.h): potentials, KCL, fill within a few percent of
 * CHOLMOD's; the same analysis twice gives the same permutation and bitwise equal potentials;
 * the split-off top level with its parts ordered on one thread and on two gives the same
 * permutation; malformed METIS option strings are refused. */
#include "mn-test.h"

#include "kirchhoff/kirchhoff-impl.h"
#include "kirchhoff/ordering.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static uint64_t rs = 4711;
static double urand(void) { return mn_test_urand(&rs); }

typedef struct net {
    int n, m, cap;
    mn_index *u, *v;
    double *G;
    mn_index left[64], right[64];
    size_t nl, nr;
} net;

static void add_edge(net *t, int a, int b, double g)
{
    if (t->m == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->u = realloc(t->u, (size_t)t->cap * sizeof *t->u);
        t->v = realloc(t->v, (size_t)t->cap * sizeof *t->v);
        t->G = realloc(t->G, (size_t)t->cap * sizeof *t->G);
        ck_assert(t->u && t->v && t->G);
    }
    t->u[t->m] = a;
    t->v[t->m] = b;
    t->G[t->m++] = g;
}

/* Random geometric network (stick-like: points in the unit square joined within radius r),
 * nodes numbered at random positions, some parallel edges; electrodes: the nodes with x < 0.05
 * (at most 64) and x > 0.95. A few zero-conductance edges and a floating pair (joined only to
 * each other) when `floating`. */
static void make_geo(net *t, int n, double r, int floating)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    for (int i = 0; i < n; i++) x[i] = urand(), y[i] = urand();
    int last = floating ? n - 2 : n;
    for (int i = 0; i < last; i++)
        for (int j = i + 1; j < last; j++) {
            double dx = x[i] - x[j], dy = y[i] - y[j];
            if (dx * dx + dy * dy < r * r) {
                add_edge(t, i, j, 0.2 + urand());
                if (urand() < 0.03) add_edge(t, j, i, 0.1 + urand());
            }
        }
    if (floating) {
        add_edge(t, n - 2, n - 1, 1.0);
        add_edge(t, n - 2, 3, 0.0);
    }
    for (int i = 0; i < last; i++) {
        if (x[i] < 0.05 && t->nl < 64) t->left[t->nl++] = i;
        if (x[i] > 0.95 && t->nr < 64) t->right[t->nr++] = i;
    }
    ck_assert(t->nl > 0 && t->nr > 0);
    free(x);
    free(y);
}

static void free_net(net *t)
{
    free(t->u);
    free(t->v);
    free(t->G);
}

/* Dense reference: left at 1 V, right at 0 V; nodes without a positive path to an electrode
 * are floating (potential 0). */
static void dense_ref(const net *t, double *phi)
{
    int n = t->n;
    int *held = calloc((size_t)n, sizeof *held), *row = malloc((size_t)n * sizeof *row);
    int *reach = calloc((size_t)n, sizeof *reach);
    for (size_t i = 0; i < t->nl; i++) held[t->left[i]] = 1;
    for (size_t i = 0; i < t->nr; i++) held[t->right[i]] = 2;
    for (int i = 0; i < n; i++) reach[i] = held[i] != 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int e = 0; e < t->m; e++)
            if (t->G[e] > 0.0 && reach[t->u[e]] != reach[t->v[e]]) {
                reach[t->u[e]] = reach[t->v[e]] = 1;
                changed = 1;
            }
    }
    int nr = 0;
    for (int i = 0; i < n; i++) row[i] = !held[i] && reach[i] ? nr++ : -1;
    double *A = calloc((size_t)nr * (size_t)nr, sizeof *A), *b = calloc((size_t)nr + 1, sizeof *b);
    for (int i = 0; i < n; i++) phi[i] = held[i] == 1 ? 1.0 : 0.0;
    for (int e = 0; e < t->m; e++) {
        int a = t->u[e], c = t->v[e];
        double g = t->G[e];
        if (a == c) continue;
        int ra = row[a], rc = row[c];
        if (ra >= 0) {
            A[ra * nr + ra] += g;
            if (rc >= 0) A[ra * nr + rc] -= g;
            else b[ra] += g * phi[c];
        }
        if (rc >= 0) {
            A[rc * nr + rc] += g;
            if (ra >= 0) A[rc * nr + ra] -= g;
            else b[rc] += g * phi[a];
        }
    }
    ck_assert_int_eq(mn_test_dense_solve(A, b, nr), 0);
    for (int i = 0; i < n; i++)
        if (row[i] >= 0) phi[i] = b[row[i]];
    free(held);
    free(row);
    free(reach);
    free(A);
    free(b);
}

/* a solver with the METIS ordering; via_cholmod: through cholmod_analyze (the old path) */
static mn_kirchhoff *solver(mn_graph *g, const net *t, int via_cholmod)
{
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_ordering(k, MN_ORDERING_METIS));
    k->metis_via_cholmod = via_cholmod;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, t->left, t->nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, t->right, t->nr, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, t->G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    mn__kirchhoff_info info;
    mn__kirchhoff_info_get(k, &info);
    ck_assert_int_eq(info.ordering_used, MN_ORDERING_METIS);
    return k;
}

/* KCL at every node that is neither in an electrode nor floating */
static void check_kcl(const net *t, const mn_kirchhoff *k, double tol)
{
    const double *I = mn_kirchhoff_edge_currents(k);
    double *in = calloc((size_t)t->n, sizeof *in);
    int *el = calloc((size_t)t->n, sizeof *el);
    for (size_t i = 0; i < t->nl; i++) el[t->left[i]] = 1;
    for (size_t i = 0; i < t->nr; i++) el[t->right[i]] = 1;
    for (int e = 0; e < t->m; e++) {
        in[t->u[e]] -= I[e];
        in[t->v[e]] += I[e];
    }
    for (int i = 0; i < t->n; i++)
        if (!el[i]) MN_ASSERT_ABS(in[i], 0.0, tol);
    free(in);
    free(el);
}

#define TOL 1e-12

START_TEST(test_metis_against_dense_and_cholmod)
{
    static const int sizes[] = { 40, 300, 900 };
    for (int trial = 0; trial < 6; trial++) {
        net t;
        int n = sizes[trial % 3];
        make_geo(&t, n, 2.2 / sqrt((double)n), trial >= 3);
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)t.m, t.u, t.v));
        mn_kirchhoff *kn = solver(g, &t, 0), *kc = solver(g, &t, 1);
        ck_assert_double_gt(kn->t_order, 0.0); /* memnet's own METIS call ran */
        ck_assert_double_eq(kc->t_order, 0.0); /* CHOLMOD's */
        double *phi = malloc((size_t)n * sizeof *phi);
        dense_ref(&t, phi);
        const double *pn = mn_kirchhoff_potentials(kn), *pc = mn_kirchhoff_potentials(kc);
        for (int i = 0; i < n; i++) {
            MN_ASSERT_ABS(pn[i], phi[i], TOL);
            MN_ASSERT_ABS(pc[i], phi[i], TOL);
        }
        double gn = 0.0, gc = 0.0;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(kn, 0, 1, &gn));
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(kc, 0, 1, &gc));
        MN_ASSERT_REL(gn, gc, TOL);
        check_kcl(&t, kn, 1e-12);
        free(phi);
        mn_kirchhoff_free(kn);
        mn_kirchhoff_free(kc);
        mn_graph_free(g);
        free_net(&t);
    }
}
END_TEST

/* A medium network (1.2e4 nodes, beyond a dense solve): the two paths agree to 1e-12, KCL
 * holds, the fill and flops of memnet's call are within 5% of CHOLMOD's METIS (the same METIS
 * on a differently numbered graph), and repeating the analysis gives the same permutation and
 * bitwise equal potentials. */
START_TEST(test_metis_medium_fill_and_determinism)
{
    net t;
    int n = 12000;
    /* geometric graph on a grid of cells: the O(n^2) pair loop of make_geo is too slow here */
    memset(&t, 0, sizeof t);
    t.n = n;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    for (int i = 0; i < n; i++) x[i] = urand(), y[i] = urand();
    double r = 2.2 / sqrt((double)n);
    int nc = (int)(1.0 / r);
    int *head = malloc((size_t)nc * (size_t)nc * sizeof *head), *next = malloc((size_t)n * sizeof *next);
    for (int c = 0; c < nc * nc; c++) head[c] = -1;
    for (int i = 0; i < n; i++) {
        int cx = (int)(x[i] * nc), cy = (int)(y[i] * nc);
        cx = cx >= nc ? nc - 1 : cx;
        cy = cy >= nc ? nc - 1 : cy;
        next[i] = head[cy * nc + cx];
        head[cy * nc + cx] = i;
    }
    for (int i = 0; i < n; i++) {
        int cx = (int)(x[i] * nc), cy = (int)(y[i] * nc);
        cx = cx >= nc ? nc - 1 : cx;
        cy = cy >= nc ? nc - 1 : cy;
        for (int ox = -1; ox <= 1; ox++)
            for (int oy = -1; oy <= 1; oy++) {
                int a = cx + ox, b = cy + oy;
                if (a < 0 || b < 0 || a >= nc || b >= nc) continue;
                for (int j = head[b * nc + a]; j >= 0; j = next[j]) {
                    double dx = x[i] - x[j], dy = y[i] - y[j];
                    if (j > i && dx * dx + dy * dy < r * r) add_edge(&t, i, j, 0.2 + urand());
                }
            }
        if (x[i] < 0.01 && t.nl < 64) t.left[t.nl++] = i;
        if (x[i] > 0.99 && t.nr < 64) t.right[t.nr++] = i;
    }
    free(x);
    free(y);
    free(head);
    free(next);
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)t.m, t.u, t.v));
    mn_kirchhoff *kn = solver(g, &t, 0), *kc = solver(g, &t, 1), *k2 = solver(g, &t, 0);
    ck_assert_uint_gt(kn->nf, 10000);
    const double *pn = mn_kirchhoff_potentials(kn), *pc = mn_kirchhoff_potentials(kc);
    const double *p2 = mn_kirchhoff_potentials(k2);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(pn[i], pc[i], TOL);
    check_kcl(&t, kn, 1e-12);
    ck_assert_double_le(kn->cm.lnz, 1.05 * kc->cm.lnz);
    ck_assert_double_le(kn->flops, 1.05 * kc->flops);
    ck_assert_uint_eq(kn->nf, k2->nf);
    ck_assert_int_eq(memcmp(kn->row_node, k2->row_node, kn->nf * sizeof *kn->row_node), 0);
    ck_assert_int_eq(memcmp(pn, p2, (size_t)n * sizeof *pn), 0);
    /* the top level split off (ordering_metis.c, from 2e5 rows by default: lowered here), its
     * parts ordered on one thread and on two (private copies of libmetis): the same permutation
     * both times, the same potentials to 1e-12, fill within 5% of CHOLMOD's METIS */
    mn__kh_metis_split_min_set(1000);
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 1));
    mn_kirchhoff *s1 = solver(g, &t, 0);
    ck_assert_int_eq(s1->order_threads, 1);
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 2));
    mn_kirchhoff *s2 = solver(g, &t, 0), *s3 = solver(g, &t, 0);
    mn__kh_metis_split_min_set(0);
#if defined(MN_HAVE_METIS) && defined(__GLIBC__)
    ck_assert_int_eq(s2->order_threads, 2);
#endif
    ck_assert_int_eq(memcmp(s1->row_node, s2->row_node, s1->nf * sizeof *s1->row_node), 0);
    ck_assert_int_eq(memcmp(s1->row_node, s3->row_node, s1->nf * sizeof *s1->row_node), 0);
    ck_assert_int_ne(memcmp(s1->row_node, kn->row_node, s1->nf * sizeof *s1->row_node), 0);
    const double *ps = mn_kirchhoff_potentials(s2);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(ps[i], pc[i], TOL);
    check_kcl(&t, s2, 1e-12);
    ck_assert_double_le(s2->cm.lnz, 1.05 * kc->cm.lnz);
    ck_assert_double_le(s2->flops, 1.05 * kc->flops);
    mn_kirchhoff_free(s1);
    mn_kirchhoff_free(s2);
    mn_kirchhoff_free(s3);
    mn_kirchhoff_free(kn);
    mn_kirchhoff_free(kc);
    mn_kirchhoff_free(k2);
    mn_graph_free(g);
    free_net(&t);
}
END_TEST

START_TEST(test_metis_options_parse)
{
#ifdef MN_HAVE_METIS
    ck_assert_int_eq(mn__kh_metis_options_set("niter=3,nseps=2"), 0);
    ck_assert_int_eq(mn__kh_metis_options_set(""), 0);
    ck_assert_int_eq(mn__kh_metis_options_set(NULL), 0);
#endif
    ck_assert_int_eq(mn__kh_metis_options_set("niter"), -1);
    ck_assert_int_eq(mn__kh_metis_options_set("bogus=1"), -1);
    ck_assert_int_eq(mn__kh_metis_options_set("niter=x"), -1);
    ck_assert_int_eq(mn__kh_metis_options_set("niter=3;"), -1);
    mn__kh_metis_options_set(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kirchhoff-metis");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_metis_against_dense_and_cholmod);
    tcase_add_test(tc, test_metis_medium_fill_and_determinism);
    tcase_add_test(tc, test_metis_options_parse);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
