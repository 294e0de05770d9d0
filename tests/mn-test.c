#include "mn-test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mn_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int mn_test_dense_solve(double *A, double *b, int n)
{
    for (int k = 0; k < n; k++) {
        int p = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(A[i * n + k]) > fabs(A[p * n + k])) p = i;
        if (A[p * n + k] == 0.0) return -1;
        if (p != k) {
            for (int j = 0; j < n; j++) {
                double t = A[k * n + j];
                A[k * n + j] = A[p * n + j];
                A[p * n + j] = t;
            }
            double t = b[k];
            b[k] = b[p];
            b[p] = t;
        }
        for (int i = k + 1; i < n; i++) {
            double f = A[i * n + k] / A[k * n + k];
            if (f == 0.0) continue;
            for (int j = k; j < n; j++) A[i * n + j] -= f * A[k * n + j];
            b[i] -= f * b[k];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = b[i];
        for (int j = i + 1; j < n; j++) s -= A[i * n + j] * b[j];
        b[i] = s / A[i * n + i];
    }
    return 0;
}

/* the lattice of mn_test_grid_geff: node y nx + x, per node its edge to the right, then the one
 * up; its left and right columns as node lists of ny each (malloc'ed) */
static mn_graph *grid(mn_context *ctx, size_t nx, size_t ny, mn_index **left, mn_index **right)
{
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, nx * ny));
    for (size_t y = 0; y < ny; y++)
        for (size_t x = 0; x < nx; x++) {
            mn_index i = (mn_index)(y * nx + x);
            if (x + 1 < nx) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, i, i + 1, NULL));
            if (y + 1 < ny) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, i, i + (mn_index)nx, NULL));
        }
    *left = malloc(ny * sizeof **left);
    *right = malloc(ny * sizeof **right);
    ck_assert_ptr_nonnull(*left);
    ck_assert_ptr_nonnull(*right);
    for (size_t y = 0; y < ny; y++) {
        (*left)[y] = (mn_index)(y * nx);
        (*right)[y] = (mn_index)(y * nx + nx - 1);
    }
    return g;
}

void mn_test_grid_geff(mn_context *ctx, size_t nx, size_t ny)
{
    mn_index *left, *right;
    mn_graph *g = grid(ctx, nx, ny, &left, &right);
    size_t m = mn_graph_edge_count(g);
    double *G = malloc(m * sizeof *G);
    ck_assert_ptr_nonnull(G);
    for (size_t e = 0; e < m; e++) G[e] = 1.0;
    mn_kirchhoff *k = NULL;
    double geff = 0;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, left, ny, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, right, ny, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &geff));
    MN_ASSERT_REL(geff, (double)ny / (double)(nx - 1), 1e-12);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    free(left);
    free(right);
    free(G);
}

mn_graph *mn_test_sticks(mn_context *ctx, int wires, double side, uint64_t seed)
{
    mn_gen *gen;
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)seed));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, wires));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, side));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, side));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    mn_gen_free(gen);
    return g;
}

int mn_test_trace_cb(const mn_sim *s, void *u)
{
    mn_test_trace *r = u;
    if (r->n < 256) {
        r->t[r->n] = mn_sim_time(s);
        r->I[r->n] = mn_sim_electrode_current(s, 0);
        r->n++;
    }
    return 0;
}

double mn_test_trace_diff(const mn_test_trace *a, const mn_test_trace *b, double *range)
{
    ck_assert_uint_eq(a->n, b->n);
    double sc = 0.0, lo = INFINITY, d = 0.0;
    for (size_t i = 0; i < b->n; i++) {
        ck_assert(a->t[i] == b->t[i]);
        sc = fmax(sc, fabs(b->I[i]));
        lo = fmin(lo, fabs(b->I[i]));
        d = fmax(d, fabs(a->I[i] - b->I[i]));
    }
    if (range) *range = lo > 0 ? sc / lo : INFINITY;
    return d / sc;
}

const char *mn_test_tmpfile(const char *name)
{
    static char bufs[8][4096];
    static int next;
    char *buf = bufs[next++ % 8];
    const char *dir = getenv("MEMNET_BUILD_ROOT");
    if (!dir) dir = "/tmp";
    snprintf(buf, sizeof bufs[0], "%s/test-tmp-%ld-%s", dir, (long)getpid(), name);
    return buf;
}
