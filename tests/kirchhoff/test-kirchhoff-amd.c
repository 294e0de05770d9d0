/* The AMD analysis of one-shot solves (lib/kirchhoff/analyse.c: the row graph built from the
 * edge list, cholmod_amd on it, the matrix built once in the final numbering) against a dense
 * reference solve of the same Kirchhoff equations and against CHOLMOD's own analysis (the METIS
 * path, which goes through cholmod_analyze and the rebuild), on random networks with parallel
 * edges, floating parts (isolated clusters, zero-conductance bridges), EMFs, three electrodes
 * and current injection. */
#include "mn-test.h"

#include "kirchhoff/kirchhoff-private.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static uint64_t rs = 2026;
static double urand(void) { return mn_test_urand(&rs); }
static int irand(int n) { return (int)(urand() * n) % n; }

typedef struct net {
    int n, m;
    mn_index *u, *v;
    double *G, *emf;
    int nel;
    mn_index *el[3];
    size_t nen[3];
    double volts[3];
} net;

/* A random network: nodes on a line with local random edges (a band of width w, so that the
 * orderings have something to do), some parallel edges, a hub, a cluster of nodes joined only among
 * themselves (floating), and a few nodes hanging on zero conductances (floating too). */
static void make_net(net *t, int n, int w, int with_emf)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    int cap = 4 * n + 128;
    t->u = malloc((size_t)cap * sizeof *t->u);
    t->v = malloc((size_t)cap * sizeof *t->v);
    t->G = malloc((size_t)cap * sizeof *t->G);
    t->emf = malloc((size_t)cap * sizeof *t->emf);
    int core = n - 20; /* nodes core..core+9: isolated cluster; core+10..n-1: zero bridges */
    for (int i = 0; i < core; i++)
        for (int r = 0; r < 3 && t->m < cap - 40; r++) {
            int j = i + 1 + irand(w);
            if (j >= core) continue;
            t->u[t->m] = i;
            t->v[t->m] = j;
            t->G[t->m] = 0.5 + 1.5 * urand();
            t->m++;
            if (urand() < 0.05) { /* a parallel edge */
                t->u[t->m] = j;
                t->v[t->m] = i;
                t->G[t->m] = 0.5 + urand();
                t->m++;
            }
        }
    /* a hub joined to 40 random core nodes: matrix columns longer than the few entries of
     * the others (the edge maps search those by bisection) */
    for (int r = 0, hub = core / 3; r < 40; r++) {
        int j = irand(core);
        if (j == hub) continue;
        t->u[t->m] = hub;
        t->v[t->m] = j;
        t->G[t->m++] = 0.5 + urand();
    }
    for (int i = core; i < core + 9; i++) { /* the isolated cluster: a path */
        t->u[t->m] = i;
        t->v[t->m] = i + 1;
        t->G[t->m++] = 1.0 + urand();
    }
    for (int i = core + 10; i < n; i++) { /* hanging on zero conductances */
        t->u[t->m] = i;
        t->v[t->m] = irand(core);
        t->G[t->m++] = 0.0;
    }
    for (int e = 0; e < t->m; e++) t->emf[e] = with_emf ? 0.3 * (urand() - 0.5) : 0.0;
    /* electrodes: the first four nodes, four nodes in the middle, the last four of the core */
    t->nel = 3;
    static const double vv[3] = { 1.0, 0.0, 0.37 };
    for (int a = 0; a < 3; a++) {
        t->el[a] = malloc(4 * sizeof(mn_index));
        t->nen[a] = 4;
        int base = a == 0 ? 0 : a == 1 ? core - 4 : core / 2;
        for (int i = 0; i < 4; i++) t->el[a][i] = base + i;
        t->volts[a] = vv[a];
    }
}

static void free_net(net *t)
{
    free(t->u);
    free(t->v);
    free(t->G);
    free(t->emf);
    for (int a = 0; a < t->nel; a++) free(t->el[a]);
}

/* Dense reference: held nodes at their electrode's potential (or, with `open` >= 0, electrode
 * `open` as one free node whose current sums to zero); nodes without a positive-conductance path
 * to a held node are floating (potential 0, left out). Returns the potentials in phi (n). */
static void dense_ref(const net *t, int open, const double *volts, double *phi, int *floating)
{
    int n = t->n;
    int *held = malloc((size_t)n * sizeof *held); /* electrode id or -1 */
    for (int i = 0; i < n; i++) held[i] = -1;
    for (int a = 0; a < t->nel; a++)
        for (size_t i = 0; i < t->nen[a]; i++) held[t->el[a][i]] = a;
    /* super-node index: an open electrode's nodes share one unknown */
    int *rep = malloc((size_t)n * sizeof *rep);
    for (int i = 0; i < n; i++) rep[i] = i;
    if (open >= 0)
        for (size_t i = 0; i < t->nen[open]; i++) rep[t->el[open][i]] = t->el[open][0];
    /* floating: flood from held (non-open) nodes over positive edges, in super-node terms */
    int *reach = calloc((size_t)n, sizeof *reach);
    for (int i = 0; i < n; i++)
        if (held[i] >= 0 && held[i] != open) reach[rep[i]] = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int e = 0; e < t->m; e++) {
            if (!(t->G[e] > 0.0)) continue;
            int a = rep[t->u[e]], b = rep[t->v[e]];
            if (reach[a] != reach[b]) {
                reach[a] = reach[b] = 1;
                changed = 1;
            }
        }
    }
    int *row = malloc((size_t)n * sizeof *row);
    int nr = 0;
    for (int i = 0; i < n; i++) {
        row[i] = -1;
        if (rep[i] == i && reach[i] && (held[i] < 0 || held[i] == open)) row[i] = nr++;
    }
    double *A = calloc((size_t)nr * (size_t)nr, sizeof *A), *b = calloc((size_t)nr + 1, sizeof *b);
    for (int i = 0; i < n; i++) phi[i] = 0.0;
    for (int i = 0; i < n; i++)
        if (held[i] >= 0 && held[i] != open) phi[i] = volts[held[i]];
    for (int e = 0; e < t->m; e++) {
        int a = rep[t->u[e]], c = rep[t->v[e]];
        if (a == c) continue;
        double g = t->G[e], s = g * t->emf[e]; /* current u -> v: g (phi_u - phi_v + emf) */
        int ra = row[a], rc = row[c];
        if (ra >= 0) {
            A[ra * nr + ra] += g;
            b[ra] -= s;
            if (rc >= 0) A[ra * nr + rc] -= g;
            else b[ra] += g * phi[c];
        }
        if (rc >= 0) {
            A[rc * nr + rc] += g;
            b[rc] += s;
            if (ra >= 0) A[rc * nr + ra] -= g;
            else b[rc] += g * phi[a];
        }
    }
    ck_assert_int_eq(mn_test_dense_solve(A, b, nr), 0);
    for (int i = 0; i < n; i++) {
        floating[i] = !reach[rep[i]];
        if (row[rep[i]] >= 0) phi[i] = b[row[rep[i]]];
    }
    free(held);
    free(rep);
    free(reach);
    free(row);
    free(A);
    free(b);
}

static mn_kirchhoff *solver(mn_graph *g, const net *t, mn_kirchhoff_ordering ord, int nel)
{
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_ordering(k, ord));
    for (int a = 0; a < nel; a++) {
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, t->el[a], t->nen[a], NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, (size_t)a, t->volts[a]));
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, t->G));
    return k;
}

/* scale of the potentials: the largest electrode potential, 1 V */
#define TOL 1e-12

START_TEST(test_amd_against_dense_and_cholmod)
{
    static const int sizes[] = { 60, 300, 800 };
    for (int trial = 0; trial < 6; trial++) {
        net t;
        int n = sizes[trial % 3], with_emf = trial >= 3;
        make_net(&t, n, trial % 2 ? 5 : 40, with_emf);
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)t.m, t.u, t.v));
        mn_kirchhoff *ka = solver(g, &t, MN_ORDERING_DEFAULT, 3); /* one-shot: AMD */
        mn_kirchhoff *km = solver(g, &t, MN_ORDERING_METIS, 3);
        if (with_emf) {
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_emf(ka, t.emf));
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_emf(km, t.emf));
        }
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(ka));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(km));
        mn__kirchhoff_info info;
        mn__kirchhoff_info_get(ka, &info);
        ck_assert_int_eq(info.ordering_used, MN_ORDERING_AMD);
        mn__kirchhoff_info_get(km, &info);
        ck_assert_int_eq(info.ordering_used, MN_ORDERING_METIS);
        double *phi = malloc((size_t)n * sizeof *phi);
        int *fl = malloc((size_t)n * sizeof *fl);
        dense_ref(&t, -1, t.volts, phi, fl);
        const double *pa = mn_kirchhoff_potentials(ka), *pm = mn_kirchhoff_potentials(km);
        size_t nfl = 0;
        for (int i = 0; i < n; i++) nfl += (size_t)fl[i];
        ck_assert_uint_eq(mn_kirchhoff_floating_count(ka), nfl);
        ck_assert_uint_eq(mn_kirchhoff_floating_count(km), nfl);
        ck_assert_uint_ge(nfl, 20); /* the cluster and the hanging nodes */
        for (int i = 0; i < n; i++) {
            MN_ASSERT_ABS(pa[i], phi[i], TOL);
            MN_ASSERT_ABS(pa[i], pm[i], TOL);
        }
        /* currents: KCL through the reference potentials, edge by edge */
        const double *Ia = mn_kirchhoff_edge_currents(ka);
        for (int e = 0; e < t.m; e++) {
            if (fl[t.u[e]] || fl[t.v[e]]) continue;
            double ref = t.G[e] * (phi[t.u[e]] - phi[t.v[e]] + t.emf[e]);
            MN_ASSERT_ABS(Ia[e], ref, TOL);
        }
        /* G_eff between electrodes 0 and 1 with electrode 2 open, without EMF: the dense
         * reference with 1 V / 0 V and electrode 2 as one free node */
        if (!with_emf) {
            double ga = 0.0, gm = 0.0;
            MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(ka, 0, 1, &ga));
            MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(km, 0, 1, &gm));
            const double unit[3] = { 1.0, 0.0, 0.0 };
            dense_ref(&t, 2, unit, phi, fl);
            double into = 0.0; /* current into electrode 1 from outside it */
            for (int e = 0; e < t.m; e++) {
                int a1 = 0, b1 = 0;
                for (int i = 0; i < 4; i++) {
                    a1 |= t.u[e] == t.el[1][i];
                    b1 |= t.v[e] == t.el[1][i];
                }
                if (a1 && !b1) into += t.G[e] * phi[t.v[e]];
                if (b1 && !a1) into += t.G[e] * phi[t.u[e]];
            }
            MN_ASSERT_REL(ga, into, TOL);
            MN_ASSERT_REL(ga, gm, TOL);
        }
        free(phi);
        free(fl);
        mn_kirchhoff_free(ka);
        mn_kirchhoff_free(km);
        mn_graph_free(g);
        free_net(&t);
    }
}
END_TEST

/* Current injection with no electrode (the ground is the first sink node), and a network whose
 * free nodes touch only electrodes (an empty row graph), and one with no free node at all. */
START_TEST(test_amd_injection_and_degenerate)
{
    net t;
    int n = 400;
    make_net(&t, n, 12, 0);
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)t.m, t.u, t.v));
    mn_kirchhoff *ka = solver(g, &t, MN_ORDERING_AMD, 0);
    mn_kirchhoff *km = solver(g, &t, MN_ORDERING_METIS, 0);
    mn_index from[2] = { 3, 7 }, to[1] = { 200 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_injection(ka, from, 2, to, 1, 1e-3));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_injection(km, from, 2, to, 1, 1e-3));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(ka));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(km));
    const double *pa = mn_kirchhoff_potentials(ka), *pm = mn_kirchhoff_potentials(km);
    double scale = 0.0;
    for (int i = 0; i < n; i++) scale = fabs(pm[i]) > scale ? fabs(pm[i]) : scale;
    ck_assert(scale > 0.0);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(pa[i], pm[i], TOL * scale);
    /* KCL at every non-injection, non-floating node with the AMD potentials */
    double *net_in = calloc((size_t)n, sizeof *net_in);
    const double *Ia = mn_kirchhoff_edge_currents(ka);
    for (int e = 0; e < t.m; e++) {
        net_in[t.u[e]] -= Ia[e];
        net_in[t.v[e]] += Ia[e];
    }
    for (int i = 0; i < n; i++)
        if (i != 3 && i != 7 && i != 200) MN_ASSERT_ABS(net_in[i], 0.0, 1e-15);
    MN_ASSERT_ABS(net_in[3] + net_in[7], -1e-3, 1e-15);
    free(net_in);
    mn_kirchhoff_free(ka);
    mn_kirchhoff_free(km);
    mn_graph_free(g);
    free_net(&t);

    /* a star: free nodes 2..9 each joined to electrode nodes 0 and 1 only */
    mn_index su[16], sv[16];
    double sg[16];
    for (int i = 0; i < 8; i++) {
        su[2 * i] = 2 + i;
        sv[2 * i] = 0;
        su[2 * i + 1] = 2 + i;
        sv[2 * i + 1] = 1;
        sg[2 * i] = 1.0 + i;
        sg[2 * i + 1] = 2.0;
    }
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 10, 16, su, sv));
    mn_kirchhoff *k = NULL;
    mn_index e0 = 0, e1 = 1;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &e0, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &e1, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, sg));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    double geff = 0.0, want = 0.0;
    for (int i = 0; i < 8; i++) { /* node 2+i: divider g0 / (g0 + g1), series conductance */
        MN_ASSERT_REL(mn_kirchhoff_potentials(k)[2 + i], sg[2 * i] / (sg[2 * i] + 2.0), TOL);
        want += sg[2 * i] * 2.0 / (sg[2 * i] + 2.0);
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &geff));
    MN_ASSERT_REL(geff, want, TOL);
    /* G_eff from the last solve (two electrodes, no sources) at another voltage, and with the
     * electrodes the other way round (then a unit solve of its own) */
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 2.5));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &geff));
    MN_ASSERT_REL(geff, want, TOL);
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 1, 0, &geff));
    MN_ASSERT_REL(geff, want, TOL);
    mn_kirchhoff_free(k);
    /* every node in an electrode: nothing to solve, the edge current is G (V0 - V1) */
    mn_index a2[5] = { 0, 2, 3, 4, 5 }, b2[5] = { 1, 6, 7, 8, 9 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, a2, 5, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, b2, 5, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 2.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, sg));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_REL(mn_kirchhoff_edge_currents(k)[1], 2.0 * 2.0, TOL); /* 2 -> 1 */
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kirchhoff-amd");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_amd_against_dense_and_cholmod);
    tcase_add_test(tc, test_amd_injection_and_degenerate);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
