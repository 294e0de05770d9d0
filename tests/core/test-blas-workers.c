/*
 * mn_blas_stop_workers (lib/core/threads.c) against the process's own accounting. OpenBLAS's
 * worker threads, made busy by a threaded dgemm (after which an idle worker spins for about
 * 0.1 s), must be gone afterwards (/proc/self/task lists the main thread only) and the process
 * must use no CPU time while it sleeps 0.3 s (getrusage, which also counts threads that have
 * ended). memnet's own single-threaded factorisations must not start the workers again (only
 * the count setter does, so they must not call it); a factorisation with two threads does, and
 * leaves the count at 1. Every solve is checked against the closed form of a uniform grid
 * between two bus bars (rows in parallel, each a series of cols - 1 junctions), the dgemm
 * against the product of constant matrices.
 *
 * The thread count is the check that cannot pass while the workers live, whatever the load
 * (a spinning worker shows its CPU time only when it gets a core); the CPU bound holds with no
 * worker whatever the load, since the sleeping main thread is then the only one. Skipped
 * (exit 77) when the BLAS is not OpenBLAS or has no worker threads of its own.
 */
#define _GNU_SOURCE
#include "../mn-test.h"
#include "core/core-private.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef void (*set_fn)(int);
typedef int (*get_fn)(void);
typedef void (*dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                         const double *, const double *, const int *, const double *,
                         const int *, const double *, double *, const int *);
static set_fn ob_set;
static get_fn ob_get;
static dgemm_fn dgemm;

/* threads of this process (-1: /proc/self/task cannot be listed) */
static int task_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* user + system CPU seconds of the whole process, ended threads included */
static double process_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* CPU seconds the process uses while its main thread sleeps 0.3 s */
static double idle_cpu(void)
{
    double c0 = process_cpu();
    struct timespec ts = { 0, 300000000L };
    while (nanosleep(&ts, &ts) != 0) continue;
    return process_cpu() - c0;
}

#define IDLE_CPU_MAX 0.02 /* s: a worker that spins gets far more when it has a core */

/* a threaded dgemm on 2 threads (n = 256: above OpenBLAS's threading threshold), checked */
static void threaded_dgemm(void)
{
    const int n = 256;
    double *a = malloc((size_t)n * n * sizeof *a), *c = malloc((size_t)n * n * sizeof *c);
    ck_assert(a && c);
    for (int i = 0; i < n * n; i++) a[i] = 0.5, c[i] = 0;
    const double one = 1, zero = 0;
    ob_set(2);
    dgemm("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
    for (int i = 0; i < n * n; i += 997) MN_ASSERT_REL(c[i], 0.25 * n, 1e-15);
    free(a);
    free(c);
}

/* |I| through the left bus bar of a rows x cols grid of 1 S junctions at 1 V, and the
 * closed form rows / (cols - 1) */
static void grid_solve(mn_context *ctx, size_t threads)
{
    const size_t rows = 40, cols = 40;
    mn_graph *g = NULL;
    mn_kirchhoff *k = NULL;
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, threads));
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, rows * cols));
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            mn_index v = (mn_index)(r * cols + c);
            if (c + 1 < cols) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, v, v + 1, NULL));
            if (r + 1 < rows) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, v, v + (mn_index)cols, NULL));
        }
    mn_index left[40], right[40];
    for (size_t r = 0; r < rows; r++) {
        left[r] = (mn_index)(r * cols);
        right[r] = (mn_index)(r * cols + cols - 1);
    }
    size_t m = mn_graph_edge_count(g), el, er;
    double *G = malloc(m * sizeof *G);
    ck_assert(G != NULL);
    for (size_t e = 0; e < m; e++) G[e] = 1.0;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, left, rows, &el));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, right, rows, &er));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, el, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, er, 0.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    double amps = 0;
    MN_ASSERT_OK(ctx, mn_kirchhoff_electrode_current(k, el, &amps));
    MN_ASSERT_REL(fabs(amps), (double)rows / (double)(cols - 1), 1e-10);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    free(G);
}

START_TEST(test_stop_ends_spinning_workers)
{
    threaded_dgemm(); /* the worker has just finished a job: it spins now */
    ck_assert_int_ge(task_count(), 2);
    ck_assert_int_eq(mn_blas_stop_workers(), MN_OK);
    ck_assert_int_eq(ob_get(), 1);
    ck_assert_int_eq(task_count(), 1);
    double cpu = idle_cpu();
    ck_assert_msg(cpu < IDLE_CPU_MAX, "%.3f s of CPU time while idle (bound %.3f s)", cpu,
                  IDLE_CPU_MAX);
    ck_assert_int_eq(mn_blas_stop_workers(), MN_OK); /* again: nothing left to end */
    ck_assert_int_eq(task_count(), 1);
}
END_TEST

START_TEST(test_single_thread_factorisations_leave_them_ended)
{
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    threaded_dgemm();
    ck_assert_int_eq(mn_blas_stop_workers(), MN_OK);
    /* explicit one thread, then automatic (one thread at this size) */
    for (size_t threads = 1, pass = 0; pass < 2; pass++, threads = 0) {
        grid_solve(ctx, threads);
        ck_assert_int_eq(ob_get(), 1);
        ck_assert_msg(task_count() == 1, "setting %zu: %d threads after the solve", threads,
                      task_count());
        double cpu = idle_cpu();
        ck_assert_msg(cpu < IDLE_CPU_MAX, "setting %zu: %.3f s of CPU time while idle", threads,
                      cpu);
    }
    mn_context_free(ctx);
}
END_TEST

START_TEST(test_two_threads_start_them_again)
{
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    ob_set(2);
    /* automatic above the crossover: OpenBLAS's default, kept across the stop */
    int before = mn__blas_threads_for(ctx, 1e300);
    ck_assert_int_eq(mn_blas_stop_workers(), MN_OK);
    ck_assert_int_eq(mn__blas_threads_for(ctx, 1e300), before);
    grid_solve(ctx, 2); /* memnet sets 2, which starts the workers, and 1 again after */
    ck_assert_int_eq(ob_get(), 1);
    ck_assert_int_ge(task_count(), 2);
    threaded_dgemm(); /* and the program's own threaded calls still work */
    ck_assert_int_eq(mn_blas_stop_workers(), MN_OK);
    ck_assert_int_eq(task_count(), 1);
    mn_context_free(ctx);
}
END_TEST

int main(void)
{
    ob_set = (set_fn)dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    ob_get = (get_fn)dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    dgemm = (dgemm_fn)dlsym(RTLD_DEFAULT, "dgemm_");
    if (!ob_set || !ob_get || !dgemm || !dlsym(RTLD_DEFAULT, "blas_thread_shutdown_")) {
        printf("SKIP: the BLAS is not OpenBLAS: mn_blas_stop_workers has nothing to end\n");
        return 77;
    }
    /* a build without worker threads of its own (OpenMP's, or a serial one) */
    if (task_count() < 1) {
        printf("SKIP: /proc/self/task cannot be listed: the threads cannot be counted\n");
        return 77;
    }
    ob_set(2);
    if (task_count() < 2) {
        printf("SKIP: OpenBLAS runs no worker threads of its own (not the pthreads build)\n");
        return 77;
    }
    Suite *s = suite_create("blas-workers");
    TCase *tc = tcase_create("blas-workers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_stop_ends_spinning_workers);
    tcase_add_test(tc, test_single_thread_factorisations_leave_them_ended);
    tcase_add_test(tc, test_two_threads_start_them_again);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
