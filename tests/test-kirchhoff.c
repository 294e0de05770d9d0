/* Kirchhoff solver: against dense reference solves, closed forms (series, parallel, lattice,
 * Wheatstone bridge), conservation (KCL), the exact projector identities of 000/001, finite
 * differences (sensitivities), fresh factorisations (updates, PCG), bad input. */
#include "mn-test.h"

#include "kirchhoff/kirchhoff-private.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* small independent RNG for the tests (splitmix64) */
static uint64_t rs = 12345;
static double urand(void) { return mn_test_urand(&rs); }
static int irand(int n) { return (int)(urand() * n); }

/* connected random graph: random tree plus extra edges (parallel edges allowed) */
static mn_graph *random_graph(int n, int extra, mn_index *u, mn_index *v)
{
    int m = 0;
    for (int i = 1; i < n; i++) {
        u[m] = irand(i);
        v[m] = i;
        if (urand() < 0.5) {
            mn_index t = u[m];
            u[m] = v[m];
            v[m] = t;
        }
        m++;
    }
    for (int k = 0; k < extra; k++) {
        int a = irand(n), b = irand(n);
        if (a == b) b = (a + 1) % n;
        u[m] = a;
        v[m] = b;
        m++;
    }
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)m, u, v));
    return g;
}

/*
 * Dense reference: nodes contracted by `grp` (grp[i] = -1 free, else electrode id),
 * fixed potentials for electrodes in `fixed` (NaN = open electrode: equipotential, zero net
 * current), injection j (per node, length n), EMF S (or NULL). Returns the potentials phi (n).
 */
static void dense_ref(int n, int m, const mn_index *u, const mn_index *v, const double *G,
                      const double *S, const int *grp, int ngrp, const double *fixed,
                      const double *inj, double *phi)
{
    /* super-node index: electrodes first (0..ngrp-1), then free nodes */
    int *sid = malloc(sizeof(int) * (size_t)n);
    int ns = ngrp;
    for (int i = 0; i < n; i++) sid[i] = grp[i] >= 0 ? grp[i] : ns++;
    double *L = calloc((size_t)ns * (size_t)ns, sizeof(double));
    double *b = calloc((size_t)ns, sizeof(double));
    for (int e = 0; e < m; e++) {
        int a = sid[u[e]], c = sid[v[e]];
        double s = S ? S[e] : 0.0;
        /* KCL: sum G (phi_u - phi_v + S) out of u = inj_u */
        b[a] -= G[e] * s;
        b[c] += G[e] * s;
        if (a == c) continue;
        L[a * ns + a] += G[e];
        L[c * ns + c] += G[e];
        L[a * ns + c] -= G[e];
        L[c * ns + a] -= G[e];
    }
    for (int i = 0; i < n; i++) b[sid[i]] += inj ? inj[i] : 0.0;
    /* unknowns: all super nodes except fixed electrodes */
    int *map = malloc(sizeof(int) * (size_t)ns);
    int nu = 0;
    for (int s = 0; s < ns; s++) map[s] = (s < ngrp && !isnan(fixed[s])) ? -1 : nu++;
    double *A = calloc((size_t)nu * (size_t)nu + 1, sizeof(double));
    double *r = calloc((size_t)nu + 1, sizeof(double));
    for (int s = 0; s < ns; s++) {
        if (map[s] < 0) continue;
        r[map[s]] = b[s];
        for (int t = 0; t < ns; t++) {
            if (map[t] >= 0)
                A[map[s] * nu + map[t]] = L[s * ns + t];
            else
                r[map[s]] -= L[s * ns + t] * fixed[t];
        }
    }
    ck_assert_int_eq(mn_test_dense_solve(A, r, nu), 0);
    for (int i = 0; i < n; i++) {
        int s = sid[i];
        phi[i] = map[s] < 0 ? fixed[s] : r[map[s]];
    }
    free(sid);
    free(L);
    free(b);
    free(map);
    free(A);
    free(r);
}

static double maxabs(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(x[i]) > s) s = fabs(x[i]);
    return s;
}

/* KCL at every free node, from the edge currents alone */
static void check_kcl(const mn_graph *g, const double *I, const int *grp, const double *inj,
                      double tol)
{
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
    double *net = calloc(n, sizeof(double));
    for (size_t e = 0; e < m; e++) {
        net[u[e]] += I[e];
        net[v[e]] -= I[e];
    }
    double scale = maxabs(I, m);
    for (size_t i = 0; i < n; i++) {
        if (grp && grp[i] >= 0) continue;
        double d = net[i] - (inj ? inj[i] : 0.0);
        ck_assert_msg(fabs(d) <= tol * scale, "KCL at node %zu: %g (scale %g)", i, d, scale);
    }
    free(net);
}

/* ------------------------------------------------------------------ dense comparisons */

START_TEST(test_random_graphs_vs_dense)
{
    for (int rep = 0; rep < 12; rep++) {
        int n = 8 + irand(60), extra = n + irand(2 * n);
        mn_index u[400], v[400];
        mn_graph *g = random_graph(n, extra, u, v);
        int m = (int)mn_graph_edge_count(g);
        double G[400], S[400];
        for (int e = 0; e < m; e++) {
            G[e] = exp(log(1e-3) + urand() * log(1e6)); /* 1e-3 .. 1e3 */
            S[e] = rep % 3 == 0 ? urand() - 0.5 : 0.0;
        }
        if (rep % 4 == 1) G[irand(m)] = 0.0; /* may cut off a floating part */
        if (rep % 4 == 3) G[irand(m)] = 1e-13; /* ratio 1e16: the cancellation-free path */
        /* three electrodes of 1-3 nodes */
        int grp[80];
        for (int i = 0; i < n; i++) grp[i] = -1;
        mn_kirchhoff *k = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, (mn_kirchhoff_strategy)(rep % 4)));
        double fixed[3] = { 1.5, -0.25, 0.7 };
        for (int a = 0; a < 3; a++) {
            mn_index nodes[3];
            int cnt = 1 + irand(3), got = 0;
            for (int t = 0; t < 20 && got < cnt; t++) {
                int x = irand(n);
                if (grp[x] >= 0) continue;
                grp[x] = a;
                nodes[got++] = x;
            }
            size_t id;
            MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, nodes, (size_t)got, &id));
            ck_assert_uint_eq(id, (size_t)a);
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, id, fixed[a]));
        }
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_emf(k, rep % 3 == 0 ? S : NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        double phi[80];
        dense_ref(n, m, u, v, G, rep % 3 == 0 ? S : NULL, grp, 3, fixed, NULL, phi);
        const double *p = mn_kirchhoff_potentials(k);
        /* floating nodes (a zero-conductance bridge) hold 0 and are excluded */
        size_t nfl = mn_kirchhoff_floating_count(k);
        const mn_index *fl = mn_kirchhoff_floating_nodes(k);
        unsigned char isfl[80] = { 0 };
        for (size_t i = 0; i < nfl; i++) isfl[fl[i]] = 1;
        double sc = maxabs(phi, (size_t)n);
        for (int i = 0; i < n; i++) {
            if (isfl[i]) {
                ck_assert(p[i] == 0.0);
                continue;
            }
            MN_ASSERT_ABS(p[i], phi[i], 1e-10 * sc);
        }
        const double *I = mn_kirchhoff_edge_currents(k), *V = mn_kirchhoff_edge_voltages(k);
        for (int e = 0; e < m; e++) {
            if (isfl[u[e]] || isfl[v[e]]) continue;
            MN_ASSERT_ABS(V[e], phi[u[e]] - phi[v[e]], 1e-10 * sc);
            MN_ASSERT_ABS(I[e], G[e] * (V[e] + (rep % 3 == 0 ? S[e] : 0.0)), 1e-14 * maxabs(I, m));
        }
        check_kcl(g, I, grp, NULL, 1e-12);
        /* electrode currents from the reference potentials */
        for (int a = 0; a < 3; a++) {
            double ref = 0;
            for (int e = 0; e < m; e++) {
                double ie = G[e] * (phi[u[e]] - phi[v[e]] + (rep % 3 == 0 ? S[e] : 0.0));
                if (grp[u[e]] == a && grp[v[e]] != a) ref += ie;
                if (grp[v[e]] == a && grp[u[e]] != a) ref -= ie;
            }
            double got;
            MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, (size_t)a, &got));
            MN_ASSERT_ABS(got, ref, 1e-10 * maxabs(I, m) + 1e-300);
        }
        /* charge conservation: what leaves the electrodes comes back to them */
        double tot = 0;
        for (int a = 0; a < 3; a++) {
            double ia;
            MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, (size_t)a, &ia));
            tot += ia;
        }
        MN_ASSERT_ABS(tot, 0.0, 1e-12 * maxabs(I, m));
        /* G_eff between 0 and 1 with electrode 2 open (equipotential, zero net current) */
        double Geff;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Geff));
        double fx[3] = { 1.0, 0.0, NAN };
        dense_ref(n, m, u, v, G, NULL, grp, 3, fx, NULL, phi);
        double ref = 0;
        for (int e = 0; e < m; e++) {
            double ie = G[e] * (phi[u[e]] - phi[v[e]]);
            if (grp[u[e]] == 0 && grp[v[e]] != 0) ref += ie;
            if (grp[v[e]] == 0 && grp[u[e]] != 0) ref -= ie;
        }
        MN_ASSERT_REL(Geff, ref, 1e-10);
        /* the stored solution is untouched by G_eff */
        ck_assert(mn_kirchhoff_potentials(k) == p);
        mn__kirchhoff_info info;
        mn__kirchhoff_info_get(k, &info);
        ck_assert_int_eq(info.exact_elimination, rep % 4 == 3);
        double again;
        MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, 0, &again));
        mn_kirchhoff_free(k);
        mn_graph_free(g);
    }
}
END_TEST

START_TEST(test_injection_no_electrode)
{
    mn_index u[300], v[300];
    int n = 40;
    mn_graph *g = random_graph(n, 80, u, v);
    int m = (int)mn_graph_edge_count(g);
    double G[300];
    for (int e = 0; e < m; e++) G[e] = 0.1 + urand();
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index from[] = { 3, 5 }, to[] = { 10, 11, 12 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_ERR(ctx, mn_kirchhoff_solve(k), MN_ERR_SINGULAR, "no electrode");
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_injection(k, from, 2, to, 3, 2e-3));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    /* reference: node 10 (first of `to`) grounded */
    int grp[40];
    for (int i = 0; i < n; i++) grp[i] = -1;
    grp[10] = 0;
    double fixed[1] = { 0.0 }, inj[40] = { 0 }, phi[40];
    inj[3] = inj[5] = 1e-3;
    inj[10] = inj[11] = inj[12] = -2e-3 / 3;
    dense_ref(n, m, u, v, G, NULL, grp, 1, fixed, inj, phi);
    const double *p = mn_kirchhoff_potentials(k);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10 * maxabs(phi, n));
    for (int i = 0; i < n; i++) grp[i] = -1;
    check_kcl(g, mn_kirchhoff_edge_currents(k), grp, inj, 1e-12);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ closed forms */

START_TEST(test_series_parallel_lattice)
{
    /* series chain 0-1-...-n with random G: G_eff = 1 / sum 1/G */
    {
        int n = 30;
        mn_index u[30], v[30];
        double G[30], rs_ = 0;
        for (int e = 0; e < n; e++) {
            u[e] = e;
            v[e] = e + 1;
            G[e] = 0.01 + urand();
            rs_ += 1 / G[e];
        }
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n + 1, (size_t)n, u, v));
        mn_kirchhoff *k = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        mn_index a = 0, b = (mn_index)n;
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        double Ge;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
        MN_ASSERT_REL(Ge, 1 / rs_, 1e-12);
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 2.0));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        const double *I = mn_kirchhoff_edge_currents(k);
        for (int e = 0; e < n; e++) MN_ASSERT_REL(I[e], 2.0 / rs_, 1e-12);
        double ia, ib;
        MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, 0, &ia));
        MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, 1, &ib));
        MN_ASSERT_REL(ia, 2.0 / rs_, 1e-12);
        MN_ASSERT_REL(ib, -2.0 / rs_, 1e-12);
        mn_kirchhoff_free(k);
        mn_graph_free(g);
    }
    /* parallel: 20 edges between nodes 0 and 1 */
    {
        mn_index u[20], v[20];
        double G[20], sum = 0;
        for (int e = 0; e < 20; e++) {
            u[e] = e % 2;
            v[e] = 1 - e % 2; /* both orientations */
            G[e] = urand();
            sum += G[e];
        }
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 2, 20, u, v));
        mn_kirchhoff *k = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        mn_index a = 0, b = 1;
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        double Ge;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
        MN_ASSERT_REL(Ge, sum, 1e-14);
        mn_kirchhoff_free(k);
        mn_graph_free(g);
    }
    /* Lx x Ly lattice, left column at 1 V, right column at 0 V, uniform G:
     * G_eff = Ly G / (Lx - 1) and no current in vertical bonds */
    {
        int Lx = 12, Ly = 7, n = Lx * Ly;
        mn_index u[400], v[400];
        int m = 0;
        for (int y = 0; y < Ly; y++)
            for (int x = 0; x < Lx; x++) {
                if (x + 1 < Lx) u[m] = y * Lx + x, v[m++] = y * Lx + x + 1;
                if (y + 1 < Ly) u[m] = y * Lx + x, v[m++] = (y + 1) * Lx + x;
            }
        double G[400];
        for (int e = 0; e < m; e++) G[e] = 0.37;
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)m, u, v));
        mn_kirchhoff *k = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        mn_index left[7], right[7];
        for (int y = 0; y < Ly; y++) left[y] = y * Lx, right[y] = y * Lx + Lx - 1;
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, left, 7, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, right, 7, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        double Ge;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
        MN_ASSERT_REL(Ge, Ly * 0.37 / (Lx - 1), 1e-12);
        const double *p = mn_kirchhoff_potentials(k);
        for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], 1.0 - (double)(i % Lx) / (Lx - 1), 1e-12);
        mn_kirchhoff_free(k);
        mn_graph_free(g);
    }
}
END_TEST

START_TEST(test_wheatstone)
{
    /* nodes: 0 = top (source), 3 = bottom (drain), 1, 2 the bridge nodes;
     * R1: 0-1, R2: 0-2, R3: 1-3, R4: 2-3, R5: 1-2 (bridge) */
    mn_index u[] = { 0, 0, 1, 2, 1 }, v[] = { 1, 2, 3, 3, 2 };
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 4, 5, u, v));
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index a = 0, b = 3;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
    double R[5] = { 10, 20, 30, 40, 50 };
    double G[5];
    for (int e = 0; e < 5; e++) G[e] = 1 / R[e];
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    double Ge;
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
    /* closed form (star-mesh / determinant formula) for the bridge resistance */
    double R1 = R[0], R2 = R[1], R3 = R[2], R4 = R[3], R5 = R[4];
    double num = R1 * R2 * (R3 + R4) + R3 * R4 * (R1 + R2) + R5 * (R1 + R3) * (R2 + R4);
    double den = R5 * (R1 + R2 + R3 + R4) + (R1 + R2) * (R3 + R4);
    MN_ASSERT_REL(1 / Ge, num / den, 1e-12);
    /* balanced bridge R1/R3 = R2/R4: no current in R5 */
    double Rb[5] = { 10, 20, 30, 60, 50 };
    for (int e = 0; e < 5; e++) G[e] = 1 / Rb[e];
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    const double *I = mn_kirchhoff_edge_currents(k);
    MN_ASSERT_ABS(I[4], 0.0, 1e-15);
    MN_ASSERT_REL(I[0], 1.0 / 40, 1e-13);
    MN_ASSERT_REL(I[1], 1.0 / 80, 1e-13);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ projector identities */

START_TEST(test_projector_identities)
{
    for (int rep = 0; rep < 4; rep++) {
        int n = 6 + irand(10);
        mn_index u[100], v[100];
        mn_graph *g = random_graph(n, n + irand(n), u, v);
        int N = (int)mn_graph_edge_count(g), N1 = N + 1;
        int n1 = 0, n2 = n - 1;
        /* B~ : n x (N+1), extra edge N = (n1 -> n2); reduced: drop node n-1 ... use rows
         * 0..n-2 (rank n-1 for a connected graph) */
        int nr = n - 1;
        double *B = calloc((size_t)nr * N1, sizeof(double));
        for (int e = 0; e < N1; e++) {
            int a = e < N ? (int)u[e] : n1, b = e < N ? (int)v[e] : n2;
            if (a < nr) B[a * N1 + e] += 1;
            if (b < nr) B[b * N1 + e] -= 1;
        }
        /* Omega = B^T (B B^T)^{-1} B by dense solves, column by column */
        double *Om = calloc((size_t)N1 * N1, sizeof(double));
        double *BBt = malloc(sizeof(double) * nr * nr), *col = malloc(sizeof(double) * nr);
        for (int c = 0; c < N1; c++) {
            for (int i = 0; i < nr; i++)
                for (int j = 0; j < nr; j++) {
                    double s = 0;
                    for (int e = 0; e < N1; e++) s += B[i * N1 + e] * B[j * N1 + e];
                    BBt[i * nr + j] = s;
                }
            for (int i = 0; i < nr; i++) col[i] = B[i * N1 + c];
            ck_assert_int_eq(mn_test_dense_solve(BBt, col, nr), 0);
            for (int r = 0; r < N1; r++) {
                double s = 0;
                for (int i = 0; i < nr; i++) s += B[i * N1 + r] * col[i];
                Om[r * N1 + c] = s;
            }
        }
        /* Omega^2 = Omega */
        for (int i = 0; i < N1; i++)
            for (int j = 0; j < N1; j++) {
                double s = 0;
                for (int l = 0; l < N1; l++) s += Om[i * N1 + l] * Om[l * N1 + j];
                MN_ASSERT_ABS(s, Om[i * N1 + j], 1e-12);
            }
        /* blocks (000 eq 21): Omt = Om[0..N-1][0..N-1], ov = Om[0..N-1][N], ON = Om[N][N] */
        double ON = Om[N * N1 + N];
        double ov2 = 0;
        for (int i = 0; i < N; i++) ov2 += Om[i * N1 + N] * Om[i * N1 + N];
        MN_ASSERT_ABS(ov2, ON * (1 - ON), 1e-12); /* 001 A51 */
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int l = 0; l < N; l++) s += Om[i * N1 + l] * Om[l * N1 + N];
            MN_ASSERT_ABS(s, (1 - ON) * Om[i * N1 + N], 1e-12); /* 001 A50 */
            for (int j = 0; j < N; j++) {
                double s2 = 0;
                for (int l = 0; l < N; l++) s2 += Om[i * N1 + l] * Om[l * N1 + j];
                MN_ASSERT_ABS(s2, Om[i * N1 + j] - Om[i * N1 + N] * Om[j * N1 + N], 1e-12); /* A49 */
            }
        }
        /* junction conductances G = Gmin (1 + chi g), 000 eq 1 */
        double Gmin = 0.05, chi = 20;
        double gg[100], G[100];
        for (int e = 0; e < N; e++) {
            gg[e] = urand();
            G[e] = Gmin * (1 + chi * gg[e]);
        }
        /* M = I + chi Omt g; rho = ON - chi ov^T g M^{-1} ov (000 eq 22) */
        double *M = malloc(sizeof(double) * N * N), *y = malloc(sizeof(double) * N);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) M[i * N + j] = (i == j) + chi * Om[i * N1 + j] * gg[j];
            y[i] = Om[i * N1 + N];
        }
        ck_assert_int_eq(mn_test_dense_solve(M, y, N), 0); /* y = M^{-1} ov */
        double rho = ON;
        for (int i = 0; i < N; i++) rho -= chi * Om[i * N1 + N] * gg[i] * y[i];
        double Geff_th = Gmin * (1 - rho) / rho; /* 000 eq 24 with G_{N+1} -> 0 */
        mn_kirchhoff *k = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        mn_index a = (mn_index)n1, b = (mn_index)n2;
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        double Ge;
        MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
        MN_ASSERT_REL(Ge, Geff_th, 1e-10);
        mn_kirchhoff_free(k);
        /* Corollary 1 (000 eq 23) with j = G_{N+1} v_{N+1}: a current j injected at n1 and
         * taken out at n2 gives dv = j / (Gmin (1 - rho)) M^{-1} ov, edge orientation of B */
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
        double j = 1e-3;
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_injection(k, &a, 1, &b, 1, j));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        const double *V = mn_kirchhoff_edge_voltages(k);
        double vs = maxabs(V, (size_t)N);
        for (int e = 0; e < N; e++)
            MN_ASSERT_ABS(V[e], j / (Gmin * (1 - rho)) * y[e], 1e-10 * vs);
        mn_kirchhoff_free(k);
        free(B);
        free(Om);
        free(BBt);
        free(col);
        free(M);
        free(y);
        mn_graph_free(g);
    }
}
END_TEST

/* ------------------------------------------------------------------ strategies */

START_TEST(test_rank1_updates_vs_fresh)
{
    mn_index u[1200], v[1200];
    int n = 300;
    mn_graph *g = random_graph(n, 600, u, v);
    int m = (int)mn_graph_edge_count(g);
    double *G = malloc(sizeof(double) * m);
    for (int e = 0; e < m; e++) G[e] = 0.1 + urand();
    mn_kirchhoff *k = NULL, *f = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index l[] = { 0, 1, 2 }, r[] = { 297, 298, 299 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, l, 3, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, r, 3, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_UPDATE));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    for (int it = 0; it < 1000; it++) {
        mn_index e = (mn_index)irand(m);
        double gnew = urand() < 0.5 ? G[e] * (0.05 + 0.9 * urand()) : G[e] * (1 + 10 * urand());
        if (gnew < 1e-3) gnew = 1e-3;
        G[e] = gnew;
        MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(k, &e, &gnew, 1));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    }
    uint64_t nref, nupd;
    nref = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
    nupd = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
    ck_assert_uint_eq(nref, 1);
    ck_assert_uint_eq(nupd, 1000);
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&f, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(f, l, 3, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(f, r, 3, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(f, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(f, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(f, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(f));
    const double *pk = mn_kirchhoff_potentials(k), *pf = mn_kirchhoff_potentials(f);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(pk[i], pf[i], 1e-12);
    const double *Ik = mn_kirchhoff_edge_currents(k), *If = mn_kirchhoff_edge_currents(f);
    double sc = maxabs(If, (size_t)m);
    for (int e = 0; e < m; e++) MN_ASSERT_ABS(Ik[e], If[e], 1e-12 * sc);
    /* a multi-edge rank-k update (both directions) agrees too */
    mn_index es[20];
    double gs[20];
    for (int i = 0; i < 20; i++) {
        es[i] = (mn_index)irand(m);
        gs[i] = urand() < 0.5 ? 1e-3 : 5.0;
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(k, es, gs, 20));
    MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(f, es, gs, 20));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(f));
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(pk[i], pf[i], 1e-12);
    mn_kirchhoff_free(k);
    mn_kirchhoff_free(f);
    free(G);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_pcg_and_auto)
{
    mn_index u[2000], v[2000];
    int n = 250;
    mn_graph *g = random_graph(n, 600, u, v);
    int m = (int)mn_graph_edge_count(g);
    double *G = malloc(sizeof(double) * m);
    for (int e = 0; e < m; e++) G[e] = 0.1 + urand();
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index l = 0, r = 249;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &l, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &r, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_PCG));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_cg_tolerance(k, 1e-11));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k)); /* first solve factorises */
    int grp[250];
    for (int i = 0; i < n; i++) grp[i] = -1;
    grp[0] = 0;
    grp[249] = 1;
    double fixed[2] = { 1.0, 0.0 };
    double *phi = malloc(sizeof(double) * n);
    for (int step = 0; step < 5; step++) {
        for (int e = 0; e < m; e++) G[e] *= 1 + 0.02 * (urand() - 0.5); /* slow drift */
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        mn__kirchhoff_info info;
        mn__kirchhoff_info_get(k, &info);
        ck_assert_int_eq(info.last_strategy, MN_KIRCHHOFF_PCG);
        ck_assert_int_gt(info.last_cg_iterations, 0);
        ck_assert(info.last_residual <= 1e-11);
        /* independent check of the residual: dense solve */
        dense_ref(n, m, u, v, G, NULL, grp, 2, fixed, NULL, phi);
        const double *p = mn_kirchhoff_potentials(k);
        for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-9);
        check_kcl(g, mn_kirchhoff_edge_currents(k), grp, NULL, 1e-9);
    }
    uint64_t ncg, nit, nref;
    nref = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
    ncg = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES);
    nit = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
    ck_assert_uint_eq(ncg, 5);
    ck_assert_uint_ge(nit, ncg); /* every PCG solve takes at least one iteration */
    ck_assert_uint_eq(mn_kirchhoff_stat_get(k, (mn_kirchhoff_stat)99), 0); /* unknown: 0 */
    ck_assert_uint_eq(mn_kirchhoff_stat_get(NULL, MN_KIRCHHOFF_STAT_CG_SOLVES), 0);
    ck_assert_uint_eq(nref, 1);
    /* AUTO: a few changed edges -> update; everything changed a lot -> refactor or PCG,
     * always the right answer */
    /* after the PCG steps the factor is stale in every edge: refactorise once, so that the
     * next single-edge change can be an update */
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR));
    for (int e = 0; e < m; e++) G[e] *= 1.001;
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_AUTO));
    for (int step = 0; step < 6; step++) {
        if (step % 2 == 0) {
            mn_index e = (mn_index)irand(m);
            double gv = urand();
            G[e] = gv;
            MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(k, &e, &gv, 1));
        } else {
            for (int e = 0; e < m; e++) G[e] = 0.1 + urand();
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        }
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        mn__kirchhoff_info inf;
        mn__kirchhoff_info_get(k, &inf);
        if (step == 0) /* the first small change calibrates the update cost: an update */
            ck_assert_int_eq(inf.last_strategy, MN_KIRCHHOFF_UPDATE);
        if (step % 2 == 1) /* everything changed by O(1): never an update */
            ck_assert_int_ne(inf.last_strategy, MN_KIRCHHOFF_UPDATE);
        dense_ref(n, m, u, v, G, NULL, grp, 2, fixed, NULL, phi);
        const double *p = mn_kirchhoff_potentials(k);
        for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10);
    }
    uint64_t nupd;
    nupd = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
    ck_assert_uint_ge(nupd, 1);
    /* AMD and METIS agree */
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_ordering(k, MN_ORDERING_AMD));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    mn__kirchhoff_info info;
    mn__kirchhoff_info_get(k, &info);
    ck_assert_int_eq(info.ordering_used, MN_ORDERING_AMD);
    const double *p = mn_kirchhoff_potentials(k);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10);
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_ordering(k, MN_ORDERING_METIS));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    mn__kirchhoff_info_get(k, &info);
    ck_assert_int_eq(info.ordering_used, MN_ORDERING_METIS);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10);
    free(phi);
    free(G);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* A factor large enough to be supernodal (a random graph fills in): the in-place supernodal
 * solves (direct, sensitivity, PCG preconditioner on a stale factor) against dense solves. */
START_TEST(test_supernodal_solves)
{
    enum { N = 500, EXTRA = 1500 };
    static mn_index u[N + EXTRA], v[N + EXTRA];
    mn_graph *g = random_graph(N, EXTRA, u, v);
    int m = (int)mn_graph_edge_count(g);
    double *G = malloc(sizeof(double) * m), *phi = malloc(sizeof(double) * N);
    for (int e = 0; e < m; e++) G[e] = 0.01 + urand();
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index l[2] = { 0, 1 }, r = N - 1;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, l, 2, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &r, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 2.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 1, -0.5));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR));
    int grp[N];
    for (int i = 0; i < N; i++) grp[i] = -1;
    grp[0] = grp[1] = 0;
    grp[N - 1] = 1;
    double fixed[2] = { 2.0, -0.5 };
    for (int step = 0; step < 6; step++) {
        /* steps 0-2 refactorise, 3-5 iterate (PCG) on the factor of step 2 */
        if (step == 3) MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_PCG));
        for (int e = 0; e < m; e++) G[e] *= 1 + (step < 3 ? 0.5 : 0.05) * (urand() - 0.5);
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        mn__kirchhoff_info info;
        mn__kirchhoff_info_get(k, &info);
        ck_assert_int_eq(info.supernodal, 1); /* stays supernodal through PCG */
        ck_assert_int_eq(info.last_strategy, step < 3 ? MN_KIRCHHOFF_REFACTOR : MN_KIRCHHOFF_PCG);
        dense_ref(N, m, u, v, G, NULL, grp, 2, fixed, NULL, phi);
        const double *p = mn_kirchhoff_potentials(k);
        for (int i = 0; i < N; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10);
        check_kcl(g, mn_kirchhoff_edge_currents(k), grp, NULL, 1e-10);
    }
    ck_assert_uint_eq(mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS), 3);
    ck_assert_uint_ge(mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS), 3);
    /* sensitivity dV = d(V)/dG . dG against a central finite difference of the solve */
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    double *dG = malloc(sizeof(double) * m), *dV = malloc(sizeof(double) * m);
    double *Vp = malloc(sizeof(double) * m), *Vm = malloc(sizeof(double) * m);
    for (int e = 0; e < m; e++) dG[e] = G[e] * (urand() - 0.5);
    MN_ASSERT_OK(ctx, mn__kirchhoff_sensitivity(k, dG, dV));
    const double h = 1e-6;
    for (int sgn = -1; sgn <= 1; sgn += 2) {
        double *Gh = malloc(sizeof(double) * m);
        for (int e = 0; e < m; e++) Gh[e] = G[e] + sgn * h * dG[e];
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, Gh));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        memcpy(sgn < 0 ? Vm : Vp, mn_kirchhoff_edge_voltages(k), sizeof(double) * m);
        free(Gh);
    }
    double sc = maxabs(dV, (size_t)m);
    for (int e = 0; e < m; e++) MN_ASSERT_ABS(dV[e], (Vp[e] - Vm[e]) / (2 * h), 1e-6 * sc);
    free(dG), free(dV), free(Vp), free(Vm);
    free(phi);
    free(G);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* Concurrent contexts (issue 14): each thread builds its own context, graph and solver from
 * the same edge list, analyses with METIS and solves, many times; every potential must equal,
 * bit for bit, that of a serial run. METIS's random generator is process-wide, so without
 * memnet's lock around the ordering the draws of the threads interleave and the orderings,
 * hence the last digits, differ between runs. */
enum { CC_SIDE = 60, CC_THREADS = 3, CC_REPS = 12 };
typedef struct {
    const mn_index *u, *v;
    int n, m;
    const double *G;
    const double *ref; /* NULL: fill out */
    double *out;
    int mismatches, failures;
} cc_job;

static void *cc_worker(void *arg)
{
    cc_job *j = arg;
    for (int rep = 0; rep < (j->ref ? CC_REPS : 1); rep++) {
        mn_context *c = NULL;
        mn_graph *g = NULL;
        mn_kirchhoff *k = NULL;
        mn_index l = 0, r = (mn_index)(j->n - 1);
        if (mn_context_new(&c) || mn_graph_new_from_edges(&g, c, (size_t)j->n, (size_t)j->m, j->u, j->v) ||
            mn_kirchhoff_new(&k, g) || mn_kirchhoff_set_ordering(k, MN_ORDERING_METIS) ||
            mn_kirchhoff_add_electrode(k, &l, 1, NULL) || mn_kirchhoff_add_electrode(k, &r, 1, NULL) ||
            mn_kirchhoff_set_potential(k, 0, 1.0) || mn_kirchhoff_set_conductances(k, j->G) ||
            mn_kirchhoff_solve(k)) {
            j->failures++;
        } else {
            const double *p = mn_kirchhoff_potentials(k);
            if (!j->ref) memcpy(j->out, p, sizeof(double) * (size_t)j->n);
            else if (memcmp(j->ref, p, sizeof(double) * (size_t)j->n)) j->mismatches++;
        }
        mn_kirchhoff_free(k);
        mn_graph_free(g);
        mn_context_free(c);
    }
    return NULL;
}

START_TEST(test_concurrent_contexts_bitwise)
{
    /* a square lattice with random diagonals: METIS's choices matter for its ordering */
    int n = CC_SIDE * CC_SIDE, m = 0;
    mn_index *u = malloc(sizeof(mn_index) * 3 * (size_t)n), *v = malloc(sizeof(mn_index) * 3 * (size_t)n);
    for (int y = 0; y < CC_SIDE; y++)
        for (int x = 0; x < CC_SIDE; x++) {
            int i = y * CC_SIDE + x;
            if (x + 1 < CC_SIDE) u[m] = i, v[m++] = i + 1;
            if (y + 1 < CC_SIDE) u[m] = i, v[m++] = i + CC_SIDE;
            if (x + 1 < CC_SIDE && y + 1 < CC_SIDE && urand() < 0.5) u[m] = i, v[m++] = i + CC_SIDE + 1;
        }
    double *G = malloc(sizeof(double) * (size_t)m);
    for (int e = 0; e < m; e++) G[e] = 1e-3 + urand();
    double *ref = malloc(sizeof(double) * (size_t)n);
    cc_job serial = { u, v, n, m, G, NULL, ref, 0, 0 };
    cc_worker(&serial);
    ck_assert_int_eq(serial.failures, 0);
    /* the serial reference against a dense solve: it is a solution, not just a repeatable one */
    int grp[CC_SIDE * CC_SIDE];
    for (int i = 0; i < n; i++) grp[i] = -1;
    grp[0] = 0;
    grp[n - 1] = 1;
    double fixed[2] = { 1.0, 0.0 }, *phi = malloc(sizeof(double) * (size_t)n);
    dense_ref(n, m, u, v, G, NULL, grp, 2, fixed, NULL, phi);
    for (int i = 0; i < n; i++) MN_ASSERT_ABS(ref[i], phi[i], 1e-10);
    pthread_t th[CC_THREADS];
    cc_job jobs[CC_THREADS];
    for (int t = 0; t < CC_THREADS; t++) {
        jobs[t] = (cc_job){ u, v, n, m, G, ref, NULL, 0, 0 };
        ck_assert_int_eq(pthread_create(&th[t], NULL, cc_worker, &jobs[t]), 0);
    }
    for (int t = 0; t < CC_THREADS; t++) {
        ck_assert_int_eq(pthread_join(th[t], NULL), 0);
        ck_assert_int_eq(jobs[t].failures, 0);
        ck_assert_msg(jobs[t].mismatches == 0, "thread %d: %d of %d runs differ from the serial run",
                      t, jobs[t].mismatches, CC_REPS);
    }
    free(u), free(v), free(G), free(ref), free(phi);
}
END_TEST

/* ------------------------------------------------------------------ floating, range */

START_TEST(test_floating_components)
{
    /* 0-1-2-3 main chain (electrodes 0 and 3); 4-5 isolated pair; 6 joined to 2 by a zero
     * conductance only, 7 joined to 6; 8 isolated node */
    mn_index u[] = { 0, 1, 2, 4, 2, 6 }, v[] = { 1, 2, 3, 5, 6, 7 };
    double G[] = { 1, 2, 4, 3, 0, 5 };
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 9, 6, u, v));
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index a = 0, b = 3;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    ck_assert_uint_eq(mn_kirchhoff_floating_count(k), 5);
    const mn_index *fl = mn_kirchhoff_floating_nodes(k);
    mn_index expect[] = { 4, 5, 6, 7, 8 };
    for (int i = 0; i < 5; i++) ck_assert_int_eq(fl[i], expect[i]);
    const double *p = mn_kirchhoff_potentials(k), *I = mn_kirchhoff_edge_currents(k);
    double rs_ = 1.0 + 0.5 + 0.25;
    MN_ASSERT_REL(p[1], 1 - 1 / rs_, 1e-14);
    MN_ASSERT_REL(p[2], 0.25 / rs_, 1e-14);
    for (int i = 4; i < 9; i++) ck_assert(p[i] == 0.0);
    ck_assert(I[3] == 0.0 && I[4] == 0.0 && I[5] == 0.0);
    /* giving the zero bridge a conductance joins 6 and 7: they take node 2's potential */
    mn_index e4 = 4;
    double g4 = 1e-90;
    MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(k, &e4, &g4, 1));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    ck_assert_uint_eq(mn_kirchhoff_floating_count(k), 3);
    MN_ASSERT_REL(p[6], p[2], 1e-14);
    MN_ASSERT_REL(p[7], p[2], 1e-14);
    /* an injection into a floating component is an error naming the node */
    mn_index s4 = 4, s1 = 1;
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_injection(k, &s4, 1, &s1, 1, 1e-3));
    MN_ASSERT_ERR(ctx, mn_kirchhoff_solve(k), MN_ERR_SINGULAR, "node 4");
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_conductance_range)
{
    /* series chain with conductances spread over 1e-90..10: G_eff = 1/sum(1/G), and the current
     * is the same in every edge (relative 1e-12) */
    int n = 40;
    mn_index u[40], v[40];
    double G[40], rsum = 0;
    for (int e = 0; e < n; e++) {
        u[e] = e;
        v[e] = e + 1;
        G[e] = pow(10.0, -90.0 + 91.0 * urand());
        rsum += 1 / G[e];
    }
    G[7] = 1e-90;
    rsum = 0;
    for (int e = 0; e < n; e++) rsum += 1 / G[e];
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n + 1, (size_t)n, u, v));
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index a = 0, b = (mn_index)n;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    /* the potentials are exact to round-off; an edge current G_e (phi_u - phi_v) is resolved
     * to G_e eps |phi| (potential formulation), so: the weakest edge, which carries the whole
     * voltage, to 1e-12, every edge to its resolution */
    const double *I = mn_kirchhoff_edge_currents(k);
    MN_ASSERT_REL(I[7], 1 / rsum, 1e-12);
    for (int e = 0; e < n; e++) MN_ASSERT_ABS(I[e], 1 / rsum, 1e-12 / rsum + 4e-16 * G[e]);
    const double *ph = mn_kirchhoff_potentials(k);
    {
        double tail = 0.0; /* phi_i = (sum_{e >= i} 1/G_e) / rsum, all positive terms */
        for (int i = n; i >= 0; i--) {
            MN_ASSERT_REL(ph[i], tail / rsum, 1e-12);
            if (i > 0) tail += 1 / G[i - 1];
        }
    }
    double Ge;
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge));
    MN_ASSERT_REL(Ge, 1 / rsum, 1e-12);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    /* parallel branches of 1e-90 and 10 S between the electrodes */
    mn_index pu[] = { 0, 0, 1, 2 }, pv[] = { 1, 2, 3, 3 };
    double pg[] = { 10, 1e-90, 10, 1e-90 };
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 4, 4, pu, pv));
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    a = 0;
    b = 3;
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &a, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, &b, 1, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, pg));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    I = mn_kirchhoff_edge_currents(k);
    MN_ASSERT_REL(I[0], 5.0, 1e-14);
    MN_ASSERT_REL(I[1], 0.5e-90, 1e-14);
    MN_ASSERT_REL(I[3], 0.5e-90, 1e-14);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ sensitivities */

START_TEST(test_sensitivity_vs_finite_difference)
{
    mn_index u[300], v[300];
    int n = 50;
    mn_graph *g = random_graph(n, 90, u, v);
    int m = (int)mn_graph_edge_count(g);
    double G[300], S[300], dG[300], dV[300], Gp[300], Vp[300], Vm[300];
    for (int e = 0; e < m; e++) {
        G[e] = 0.2 + urand();
        S[e] = 0.1 * (urand() - 0.5);
        dG[e] = urand() - 0.5;
    }
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index l[] = { 0, 1 }, r[] = { 48, 49 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, l, 2, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, r, 2, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 0.8));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_emf(k, S));
    double Ip, Im, dI;
    double h = 1e-5;
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR)); /* exact FD solves */
    for (int sgn = 0; sgn < 2; sgn++) {
        for (int e = 0; e < m; e++) Gp[e] = G[e] + (sgn ? -h : h) * dG[e];
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, Gp));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        memcpy(sgn ? Vm : Vp, mn_kirchhoff_edge_voltages(k), sizeof(double) * m);
        MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, 0, sgn ? &Im : &Ip));
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_AUTO));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_ERR(ctx, mn__kirchhoff_sensitivity(k, dG, dV), MN_ERR_STATE, "no solve");
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn__kirchhoff_sensitivity(k, dG, dV));
    double sc = maxabs(dV, (size_t)m);
    for (int e = 0; e < m; e++) MN_ASSERT_ABS(dV[e], (Vp[e] - Vm[e]) / (2 * h), 1e-6 * sc);
    MN_ASSERT_OK(ctx, mn__kirchhoff_electrode_current_sensitivity(k, dG, dV, 0, &dI));
    MN_ASSERT_REL(dI, (Ip - Im) / (2 * h), 1e-6);
    double dI2;
    MN_ASSERT_OK(ctx, mn__kirchhoff_electrode_current_sensitivity(k, dG, NULL, 0, &dI2));
    MN_ASSERT_REL(dI2, dI, 1e-13);
    /* the Jacobian-vector product of the currents: dI_e = dG_e (V_e+S_e) + G_e dV_e */
    const double *V = mn_kirchhoff_edge_voltages(k);
    for (int e = 0; e < m; e++) {
        double jv = dG[e] * (V[e] + S[e]) + G[e] * dV[e];
        double fd = ((Gp[e] + 2 * h * dG[e]) * (Vp[e] + S[e]) - Gp[e] * (Vm[e] + S[e])) / (2 * h);
        MN_ASSERT_ABS(jv, fd, 1e-6 * (fabs(fd) + 1e-3));
    }
    mn__kirchhoff_info info;
    mn__kirchhoff_info_get(k, &info);
    ck_assert_uint_eq(info.n_edges, (size_t)m);
    ck_assert_uint_eq(info.n_free, (size_t)n - 4);
    ck_assert_uint_gt(info.factor_nnz, 0);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST


/* ------------------------------------------------------------------ state machine stress */

/* Random sequence of single-edge updates (also to and from 0), whole-array changes, electrode
 * potential changes and strategy switches; after every solve the potentials are compared with a
 * dense solve in which the floating nodes (found here by an independent union-find over the
 * positive conductances) are pinned, which changes nothing for the rest. */
START_TEST(test_random_operation_sequences)
{
    mn_index u[300], v[300];
    int n = 40;
    mn_graph *g = random_graph(n, 50, u, v);
    int m = (int)mn_graph_edge_count(g);
    double G[300];
    for (int e = 0; e < m; e++) G[e] = 0.1 + urand();
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index a[] = { 0, 1 }, b[] = { 38, 39 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, a, 2, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, b, 2, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    double fixed[2 + 40];
    fixed[0] = 1.0;
    fixed[1] = 0.0;
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    int grp[40], par[40];
    double phi[40];
    for (int it = 0; it < 400; it++) {
        double r = urand();
        if (r < 0.6) {
            mn_index e = (mn_index)irand(m);
            double gv = urand() < 0.3 ? 0.0 : 0.05 + urand();
            G[e] = gv;
            MN_ASSERT_OK(ctx, mn_kirchhoff_update_conductances(k, &e, &gv, 1));
        } else if (r < 0.75) {
            for (int e = 0; e < m; e++)
                if (G[e] > 0) G[e] *= 1 + 0.01 * (urand() - 0.5);
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
        } else if (r < 0.85) {
            fixed[0] = 2 * urand() - 1;
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, fixed[0]));
        } else {
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, (mn_kirchhoff_strategy)irand(4)));
        }
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
        /* independent floating detection */
        for (int i = 0; i < n; i++) par[i] = i;
        for (int e = 0; e < m; e++)
            if (G[e] > 0) {
                int x = (int)u[e], y = (int)v[e];
                while (par[x] != x) x = par[x];
                while (par[y] != y) y = par[y];
                if (x != y) par[x] = y;
            }
        unsigned char held[40] = { 0 };
        for (int i = 0; i < n; i++) {
            int x = i;
            while (par[x] != x) x = par[x];
            if (i <= 1 || i >= 38) held[x] = 1;
        }
        int ng = 2, nfl = 0;
        for (int i = 0; i < n; i++) {
            int x = i;
            while (par[x] != x) x = par[x];
            grp[i] = i <= 1 ? 0 : i >= 38 ? 1 : held[x] ? -1 : ng;
            if (grp[i] >= 2) {
                fixed[ng++] = 0.0; /* pinned floating node */
                nfl++;
            }
        }
        ck_assert_uint_eq(mn_kirchhoff_floating_count(k), (size_t)nfl);
        dense_ref(n, m, u, v, G, NULL, grp, ng, fixed, NULL, phi);
        const double *p = mn_kirchhoff_potentials(k);
        for (int i = 0; i < n; i++) MN_ASSERT_ABS(p[i], phi[i], 1e-10);
        check_kcl(g, mn_kirchhoff_edge_currents(k), grp, NULL, 1e-10);
    }
    uint64_t nan_, nref, nupd;
    nan_ = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_ANALYSES);
    nref = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
    nupd = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
    ck_assert_uint_eq(nan_, 1);
    ck_assert_uint_gt(nupd, 0);
    ck_assert_uint_gt(nref, 1);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ bad input */

START_TEST(test_bad_input)
{
    mn_index u[] = { 0, 1, 2 }, v[] = { 1, 2, 3 };
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 4, 3, u, v));
    mn_kirchhoff *k = (mn_kirchhoff *)&ctx;
    ck_assert_int_eq(mn_kirchhoff_new(&k, NULL), MN_ERR_INVALID);
    ck_assert_ptr_null(k);
    ck_assert_int_eq(mn_kirchhoff_new(NULL, g), MN_ERR_INVALID);
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    mn_index a[] = { 0 }, ab[] = { 3, 0 }, bad[] = { 7 }, dup[] = { 2, 2 };
    MN_ASSERT_ERR(ctx, mn_kirchhoff_add_electrode(k, a, 0, NULL), MN_ERR_INVALID, "empty");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_add_electrode(k, NULL, 1, NULL), MN_ERR_INVALID, "NULL");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_add_electrode(k, bad, 1, NULL), MN_ERR_RANGE, "node 7");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_add_electrode(k, dup, 2, NULL), MN_ERR_INVALID, "node 2");
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, a, 1, NULL));
    MN_ASSERT_ERR(ctx, mn_kirchhoff_add_electrode(k, ab, 2, NULL), MN_ERR_INVALID, "node 0");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_potential(k, 5, 1.0), MN_ERR_RANGE, "electrode 5");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_potential(k, 0, NAN), MN_ERR_RANGE, "nan");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_solve(k), MN_ERR_STATE, "no conductances");
    double Gneg[] = { 1, -0.5, 1 }, Gnan[] = { 1, 1, NAN }, Ginf[] = { INFINITY, 1, 1 };
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_conductances(k, Gneg), MN_ERR_RANGE, "edge 1");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_conductances(k, Gnan), MN_ERR_RANGE, "edge 2");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_conductances(k, Ginf), MN_ERR_RANGE, "edge 0");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_conductances(k, NULL), MN_ERR_INVALID, "NULL");
    mn_index e9 = 9, e1 = 1;
    double one = 1.0, mneg = -1.0;
    MN_ASSERT_ERR(ctx, mn_kirchhoff_update_conductances(k, &e1, &one, 1), MN_ERR_STATE,
                  "set all conductances");
    double G[] = { 1, 1, 1 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_ERR(ctx, mn_kirchhoff_update_conductances(k, &e9, &one, 1), MN_ERR_RANGE, "edge 9");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_update_conductances(k, &e1, &mneg, 1), MN_ERR_RANGE,
                  "edge 1");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_update_conductances(k, NULL, &one, 1), MN_ERR_INVALID, "NULL");
    double Snan[] = { 0, NAN, 0 };
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_emf(k, Snan), MN_ERR_RANGE, "edge 1");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_strategy(k, (mn_kirchhoff_strategy)9), MN_ERR_RANGE, "9");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_ordering(k, (mn_kirchhoff_ordering)9), MN_ERR_RANGE, "9");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_cg_tolerance(k, 0.0), MN_ERR_RANGE, "0");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_cg_tolerance(k, NAN), MN_ERR_RANGE, "nan");
    mn_index s[] = { 1 }, t[] = { 1 };
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_injection(k, s, 1, t, 1, 1.0), MN_ERR_INVALID, "node 1");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_injection(k, s, 0, t, 1, 1.0), MN_ERR_INVALID, "empty");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_set_injection(k, s, 1, a, 1, NAN), MN_ERR_RANGE, "nan");
    double Ge;
    MN_ASSERT_ERR(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &Ge), MN_ERR_RANGE,
                  "electrode 1");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_effective_conductance(k, 0, 0, &Ge), MN_ERR_INVALID,
                  "two different");
    double amps;
    MN_ASSERT_ERR(ctx, mn_kirchhoff_electrode_current(k, 3, &amps), MN_ERR_RANGE, "electrode 3");
    MN_ASSERT_ERR(ctx, mn_kirchhoff_electrode_current(k, 0, &amps), MN_ERR_STATE, "no solve");
    /* one electrode only: everything is held at its potential */
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, 0, &amps));
    MN_ASSERT_ABS(amps, 0.0, 0.0);
    ck_assert_int_eq(mn_kirchhoff_solve(NULL), MN_ERR_INVALID);
    mn_kirchhoff_free(k);
    mn_kirchhoff_free(NULL);
    mn_graph_free(g);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kirchhoff");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_random_graphs_vs_dense);
    tcase_add_test(tc, test_injection_no_electrode);
    tcase_add_test(tc, test_series_parallel_lattice);
    tcase_add_test(tc, test_wheatstone);
    tcase_add_test(tc, test_projector_identities);
    tcase_add_test(tc, test_rank1_updates_vs_fresh);
    tcase_add_test(tc, test_pcg_and_auto);
    tcase_add_test(tc, test_supernodal_solves);
    tcase_add_test(tc, test_concurrent_contexts_bitwise);
    tcase_add_test(tc, test_floating_components);
    tcase_add_test(tc, test_conductance_range);
    tcase_add_test(tc, test_sensitivity_vs_finite_difference);
    tcase_add_test(tc, test_random_operation_sequences);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(suite()); }
