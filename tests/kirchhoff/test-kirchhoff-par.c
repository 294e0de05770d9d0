/* The parallel Kirchhoff kernels (lib/kirchhoff/treesplit.c, supersolve.c, assemble.c, pcg.c,
 * sensitivity.c) with 1, 2 and 3 threads against dense references: the triangular solves against
 * the serial kernel and A x = b, the product with A against a dense product, the refill of A
 * against the test's own assembly (equal bits), the sensitivities against the linearised current
 * law, whole solves (refactorised
 * and PCG) against a dense solve of the Kirchhoff equations; on a square lattice, a random
 * geometric (stick-like) network, a path, a complete graph (one dense supernode: no split,
 * the serial fallback) and a network with a floating component and isolated nodes. The same
 * thread count twice gives bitwise equal potentials. */
#include "mn-test.h"

#include "kirchhoff/kirchhoff-impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rs = 77;
static double urand(void) { return mn_test_urand(&rs); }

typedef struct net {
    const char *name;
    int n, m, cap;
    mn_index *u, *v;
    double *G;
    mn_index left[128], right[128];
    size_t nl, nr;
    int expect_split; /* with 2 threads: 1 a split must exist, 0 none may, -1 either */
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

static void lattice(net *t, int x0, int nx, int ny) /* nodes x0 .. x0 + nx ny - 1 */
{
    for (int y = 0; y < ny; y++)
        for (int x = 0; x < nx; x++) {
            int i = x0 + y * nx + x;
            if (x + 1 < nx) add_edge(t, i, i + 1, 0.1 + urand());
            if (y + 1 < ny) add_edge(t, i, i + nx, 0.1 + urand());
        }
}

static void make(net *t, int kind)
{
    memset(t, 0, sizeof *t);
    t->expect_split = -1;
    if (kind == 0) { /* square lattice, electrodes on the left and right columns */
        int nx = 70, ny = 70;
        t->name = "lattice";
        t->n = nx * ny;
        lattice(t, 0, nx, ny);
        for (int y = 0; y < ny; y++) {
            t->left[t->nl++] = y * nx;
            t->right[t->nr++] = y * nx + nx - 1;
        }
        t->expect_split = 1;
    } else if (kind == 1) { /* random geometric: points in the unit square, near pairs joined */
        int n = 4000;
        double *px = malloc((size_t)n * 2 * sizeof *px), r = 0.03;
        for (int i = 0; i < 2 * n; i++) px[i] = urand();
        t->name = "sticks";
        t->n = n;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double dx = px[2 * i] - px[2 * j], dy = px[2 * i + 1] - px[2 * j + 1];
                if (dx * dx + dy * dy < r * r) add_edge(t, i, j, pow(10.0, -3.0 * urand()));
            }
        for (int i = 0; i < n && (t->nl < 128 || t->nr < 128); i++) {
            if (px[2 * i] < 0.05 && t->nl < 128) t->left[t->nl++] = i;
            if (px[2 * i] > 0.95 && t->nr < 128) t->right[t->nr++] = i;
        }
        free(px);
    } else if (kind == 2) { /* a path */
        int n = 400;
        t->name = "path";
        t->n = n;
        for (int i = 0; i + 1 < n; i++) add_edge(t, i, i + 1, 0.5 + urand());
        t->left[t->nl++] = 0;
        t->right[t->nr++] = n - 1;
    } else if (kind == 3) { /* complete graph: one dense supernode, no split */
        int n = 100;
        t->name = "complete";
        t->n = n;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) add_edge(t, i, j, 0.5 + urand());
        t->left[t->nl++] = 0;
        t->right[t->nr++] = n - 1;
        t->expect_split = 0;
    } else { /* a held lattice, a floating one (no electrode), isolated nodes, zero bridges */
        int nx = 80, ny = 60, a = nx * ny;
        t->name = "floating";
        t->n = 2 * a + 10;
        lattice(t, 0, nx, ny);
        lattice(t, a, nx, ny);
        for (int i = 0; i < 5; i++) add_edge(t, i * 7, a + i * 11, 0.0); /* zero bridges */
        for (int y = 0; y < ny; y++) {
            t->left[t->nl++] = y * nx;
            t->right[t->nr++] = y * nx + nx - 1;
        }
        for (int i = 2 * a; i < t->n; i++) add_edge(t, i, i - 2 * a, 0.0); /* hanging */
        t->expect_split = 1;
    }
}

static void free_net(net *t)
{
    free(t->u);
    free(t->v);
    free(t->G);
}

/* Reference: left at 1 V, right at 0 V, nodes without a positive path to an electrode float
 * at 0 V, Kirchhoff's current law at every other node. Below 2000 nodes a dense solve gives
 * phi and the potentials are compared to `tol` (V); above, phi is checked in place: held and
 * floating nodes exactly, and the current balance of every free node to `tol` relative to
 * sum_e G_e (|phi_u| + |phi_v|) over its edges (the backward error of the solve). */
static void check_ref(const net *t, const double *phi_in, double tol, int threads)
{
    int n = t->n;
    int *held = malloc((size_t)n * sizeof *held), *reach = calloc((size_t)n, sizeof *reach);
    int *row = malloc((size_t)n * sizeof *row);
    for (int i = 0; i < n; i++) held[i] = -1;
    for (size_t i = 0; i < t->nl; i++) held[t->left[i]] = 1;
    for (size_t i = 0; i < t->nr; i++) held[t->right[i]] = 0;
    for (int i = 0; i < n; i++) reach[i] = held[i] >= 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int e = 0; e < t->m; e++)
            if (t->G[e] > 0.0 && reach[t->u[e]] != reach[t->v[e]]) {
                reach[t->u[e]] = reach[t->v[e]] = 1;
                changed = 1;
            }
    }
    for (int i = 0; i < n; i++) {
        if (held[i] >= 0) ck_assert(phi_in[i] == (double)held[i]);
        else if (!reach[i]) ck_assert_msg(phi_in[i] == 0.0, "%s: floating node %d", t->name, i);
    }
    if (n >= 2000) {
        double *bal = calloc((size_t)n, sizeof *bal), *scale = calloc((size_t)n, sizeof *scale);
        for (int e = 0; e < t->m; e++) {
            int a = t->u[e], c = t->v[e];
            double f = t->G[e] * (phi_in[a] - phi_in[c]);
            double s = t->G[e] * (fabs(phi_in[a]) + fabs(phi_in[c]));
            bal[a] += f;
            bal[c] -= f;
            scale[a] += s;
            scale[c] += s;
        }
        for (int i = 0; i < n; i++)
            if (held[i] < 0 && reach[i])
                ck_assert_msg(fabs(bal[i]) <= tol * scale[i] + 1e-300,
                              "%s, %d threads: node %d balance %g of %g", t->name, threads, i,
                              bal[i], scale[i]);
        free(bal);
        free(scale);
        free(held);
        free(reach);
        free(row);
        return;
    }
    int nr = 0;
    for (int i = 0; i < n; i++) row[i] = reach[i] && held[i] < 0 ? nr++ : -1;
    double *A = calloc((size_t)nr * (size_t)nr, sizeof *A), *b = calloc((size_t)nr + 1, sizeof *b);
    double *phi = malloc((size_t)n * sizeof *phi);
    for (int i = 0; i < n; i++) phi[i] = held[i] > 0 ? 1.0 : 0.0;
    for (int e = 0; e < t->m; e++) {
        int a = t->u[e], c = t->v[e], ra = row[a], rc = row[c];
        double g = t->G[e];
        if (ra >= 0) {
            A[(size_t)ra * nr + ra] += g;
            if (rc >= 0) A[(size_t)ra * nr + rc] -= g;
            else b[ra] += g * phi[c];
        }
        if (rc >= 0) {
            A[(size_t)rc * nr + rc] += g;
            if (ra >= 0) A[(size_t)rc * nr + ra] -= g;
            else b[rc] += g * phi[a];
        }
    }
    ck_assert_int_eq(mn_test_dense_solve(A, b, nr), 0);
    for (int i = 0; i < n; i++)
        if (row[i] >= 0) phi[i] = b[row[i]];
    for (int i = 0; i < n; i++)
        ck_assert_msg(fabs(phi[i] - phi_in[i]) <= tol, "%s, %d threads: node %d: %.17g vs %.17g",
                      t->name, threads, i, phi_in[i], phi[i]);
    free(phi);
    free(held);
    free(reach);
    free(row);
    free(A);
    free(b);
}

static double maxdiff(const double *a, const double *b, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]));
    return d;
}

/* a solver on t with `threads` threads; ctx_out receives its own context */
static mn_kirchhoff *solver(const net *t, int threads, mn_context **ctx_out, mn_graph **g_out)
{
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    ck_assert_int_eq(mn_context_set_threads(ctx, (size_t)threads), MN_OK);
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)t->n, (size_t)t->m, t->u, t->v));
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_ordering(k, MN_ORDERING_METIS));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, t->left, t->nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, t->right, t->nr, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 1, 0.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, t->G));
    *ctx_out = ctx;
    *g_out = g;
    return k;
}

/* the kernels on k's present factor and matrix against the serial kernel and dense products */
static void check_kernels(mn_kirchhoff *k, const net *t, int threads)
{
    size_t nf = k->nf;
    const mn__kh_split *sp = mn__kh_split_get(k);
    if (threads == 1) ck_assert_ptr_null(sp);
    if (threads > 1 && t->expect_split == 1)
        ck_assert_msg(sp && sp->nthreads == threads, "%s: no split for %d threads", t->name,
                      threads);
    if (t->expect_split == 0) {
        ck_assert_msg(k->L->is_super, "%s: not supernodal", t->name);
        ck_assert_msg(sp == NULL, "%s: a split where none pays", t->name);
    }
    if (!k->L->is_super) return;
    double *b = malloc(nf * sizeof *b), *x1 = malloc(nf * sizeof *x1);
    double *x2 = malloc(nf * sizeof *x2), *y = malloc(nf * sizeof *y);
    double *w = malloc((k->L->maxesize + 1) * sizeof *w);
    for (size_t i = 0; i < nf; i++) b[i] = urand() - 0.5;
    memcpy(x1, b, nf * sizeof *b);
    mn__kh_super_solve(k->L, x1, w);
    if (sp) {
        memcpy(x2, b, nf * sizeof *b);
        mn__kh_super_solve_par(k->ctx, sp, k->L, x2, w);
        double sc = 0.0;
        for (size_t i = 0; i < nf; i++) sc = fmax(sc, fabs(x1[i]));
        ck_assert_msg(maxdiff(x1, x2, nf) <= 1e-12 * sc, "%s, %d threads: solve differs by %g",
                      t->name, threads, maxdiff(x1, x2, nf) / sc);
    } else {
        memcpy(x2, x1, nf * sizeof *x1);
    }
    /* A x = b (A from its stored triangle, mirrored, summed in long double) */
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    long double *ref = calloc(nf, sizeof *ref);
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            size_t i = (size_t)Ai[p];
            ref[i] += (long double)Ax[p] * x2[j];
            if (i != j) ref[j] += (long double)Ax[p] * x2[i];
        }
    double rr = 0.0, bb = 0.0;
    for (size_t i = 0; i < nf; i++) {
        rr = fmax(rr, fabs((double)(ref[i] - b[i])));
        bb = fmax(bb, fabs(b[i]));
    }
    ck_assert_msg(rr <= 1e-10 * bb, "%s: residual of the solve %g", t->name, rr / bb);
    /* the product with A (parallel when a split exists) against the dense one */
    mn__kh_spmv(k, x2, y);
    double ys = 0.0, yd = 0.0;
    for (size_t i = 0; i < nf; i++) {
        ys = fmax(ys, fabs((double)ref[i]));
        yd = fmax(yd, fabs(y[i] - (double)ref[i]));
    }
    ck_assert_msg(yd <= 1e-12 * ys, "%s, %d threads: product differs by %g", t->name, threads,
                  yd / ys);
    free(ref);
    free(b);
    free(x1);
    free(x2);
    free(y);
    free(w);
}

/* A's stored values against the test's own assembly from the edge list: for every edge in
 * ascending order, + G at the diagonals of its row ends and - G at the entry joining two rows
 * (found by scanning the column), then the identity rows of floating nodes. The refill
 * (assemble.c, by entries, on the pool) makes the same sums in the same order: equal bits. */
static void check_refill(mn_kirchhoff *k, const net *t, int threads)
{
    mn__kh_ensure_A(k);
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    int lower = k->A->stype < 0;
    size_t nf = k->nf, nnz = (size_t)Ap[nf];
    double *ref = calloc(nnz + 1, sizeof *ref);
    for (int e = 0; e < t->m; e++) {
        int ra = k->role[t->u[e]], rb = k->role[t->v[e]];
        if (ra == rb) continue;
        int r[2] = {ra, rb};
        for (int q = 0; q < 2; q++) {
            if (r[q] < 0) continue;
            int p = Ap[r[q]];
            while (Ai[p] != r[q]) p++;
            ref[p] += t->G[e];
        }
        if (ra >= 0 && rb >= 0) {
            int lo = ra < rb ? ra : rb, hi = ra < rb ? rb : ra;
            int col = lower ? lo : hi, row = lower ? hi : lo;
            int p = Ap[col];
            while (Ai[p] != row) p++;
            ref[p] -= t->G[e];
        }
    }
    for (size_t c = 0; c < nf; c++)
        for (int p = Ap[c]; p < Ap[c + 1]; p++) {
            int fc = k->floating[k->row_node[c]], fr = k->floating[k->row_node[Ai[p]]];
            if ((size_t)Ai[p] == c && fc) ref[p] = 1.0;
            else if ((size_t)Ai[p] != c && (fc || fr)) ref[p] = 0.0;
        }
    for (size_t p = 0; p < nnz; p++)
        ck_assert_msg(ref[p] == Ax[p], "%s, %d threads: A entry %zu %.17g, assembled %.17g",
                      t->name, threads, p, Ax[p], ref[p]);
    free(ref);
}

/* The sensitivity dV to a random dG (on the pool: right-hand side by rows, dV by edges; the
 * solve with the factor or PCG from zero) against the linearised current law: at every free
 * node that does not float, sum over its edges of dG (V) + G dV = 0, to tol relative to the
 * largest sum of the magnitudes of the terms at any node (the solve's error is relative to the
 * whole system: a node that carries almost no current, 1e-17 of the scale, cannot be held to
 * its own sum; valgrind's run found one at 1e-2 of its own sum, 1e-17 of the system's) */
static void check_sensitivity(mn_kirchhoff *k, const net *t, int threads, double tol)
{
    size_t m = (size_t)t->m;
    double *dG = calloc(m + 1, sizeof *dG), *dV = calloc(m + 1, sizeof *dV);
    for (size_t e = 0; e < m; e++) dG[e] = (urand() - 0.5) * t->G[e];
    MN_ASSERT_OK(k->ctx, mn__kirchhoff_sensitivity(k, dG, dV));
    const double *V = mn_kirchhoff_edge_voltages(k), *G = k->G;
    double *bal = calloc((size_t)t->n, sizeof *bal), *sc = calloc((size_t)t->n, sizeof *sc);
    for (size_t e = 0; e < m; e++) {
        int a = t->u[e], c = t->v[e];
        if (k->floating[a] || k->floating[c]) continue;
        double f = dG[e] * V[e] + G[e] * dV[e];
        double s = fabs(dG[e] * V[e]) + fabs(G[e] * dV[e]);
        bal[a] += f, bal[c] -= f;
        sc[a] += s, sc[c] += s;
    }
    double scmax = 0.0;
    for (int i = 0; i < t->n; i++)
        if (k->role[i] >= 0 && !k->floating[i] && sc[i] > scmax) scmax = sc[i];
    ck_assert_msg(scmax > 0.0, "%s: no current through the free nodes", t->name);
    for (int i = 0; i < t->n; i++)
        if (k->role[i] >= 0 && !k->floating[i])
            ck_assert_msg(fabs(bal[i]) <= tol * scmax,
                          "%s, %d threads: sensitivity balance at node %d: %g (its terms %g, "
                          "largest node's %g)", t->name, threads, i, bal[i], sc[i], scmax);
    free(bal);
    free(sc);
    free(dG);
    free(dV);
}

START_TEST(test_parallel_kernels)
{
    int kind = _i;
    net t;
    make(&t, kind);
    double *first[4] = {NULL, NULL, NULL, NULL};
    for (int threads = 1; threads <= 3; threads++)
        for (int rep = 0; rep < 2; rep++) {
            mn_context *ctx;
            mn_graph *g;
            net tt = t; /* conductances are perturbed below: a copy of the array */
            tt.G = malloc((size_t)t.m * sizeof *tt.G);
            memcpy(tt.G, t.G, (size_t)t.m * sizeof *tt.G);
            mn_kirchhoff *k = solver(&tt, threads, &ctx, &g);
            MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
            const double *phi = mn_kirchhoff_potentials(k);
            if (rep == 0) check_ref(&tt, phi, 1e-12, threads);
            check_kernels(k, &t, threads);
            check_refill(k, &tt, threads);
            check_sensitivity(k, &tt, threads, 1e-9); /* with the factor */
            /* PCG on the stale factor after a 1% perturbation, against a dense solve; the
             * tolerance is the residual's (1e-13) times a bound of the condition number */
            for (int e = 0; e < t.m; e++) tt.G[e] *= 1.0 + 0.01 * sin(0.37 * e);
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_cg_tolerance(k, 1e-13));
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_PCG));
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, tt.G));
            MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
            ck_assert_uint_gt(mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS), 0);
            phi = mn_kirchhoff_potentials(k);
            if (rep == 0) check_ref(&tt, phi, 1e-9, threads);
            check_refill(k, &tt, threads);
            /* PCG from zero on the stale factor, to the tolerance 1e-13 */
            check_sensitivity(k, &tt, threads, 1e-8);
            /* determinism: the same thread count gives the same bits */
            if (rep == 0) {
                first[threads] = malloc((size_t)t.n * sizeof *first[threads]);
                memcpy(first[threads], phi, (size_t)t.n * sizeof *phi);
            } else {
                ck_assert_msg(memcmp(first[threads], phi, (size_t)t.n * sizeof *phi) == 0,
                              "%s, %d threads: two runs differ", t.name, threads);
            }
            free(tt.G);
            mn_kirchhoff_free(k);
            mn_graph_free(g);
            mn_context_free(ctx);
        }
    for (int i = 0; i < 4; i++) free(first[i]);
    free_net(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kirchhoff-par");
    TCase *tc = tcase_create("kernels");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_parallel_kernels, 0, 5);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
