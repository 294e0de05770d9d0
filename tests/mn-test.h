/* Helpers shared by the Check suites. */
#ifndef MEMNET_TEST_H
#define MEMNET_TEST_H

#include <check.h>
#include <math.h>
#include <memnet/memnet.h>
#include <stdint.h>
#include <stdio.h>

/* |a - b| <= tol * max(|b|, floor): relative comparison with an absolute floor. */
#define MN_ASSERT_REL(a, b, tol)                                                                \
    do {                                                                                        \
        double a_ = (a), b_ = (b), t_ = (tol);                                                  \
        double s_ = fabs(b_) > 1e-300 ? fabs(b_) : 1.0;                                         \
        ck_assert_msg(isfinite(a_) && fabs(a_ - b_) <= t_ * s_,                                 \
                      "%s = %.17g, expected %s = %.17g (rel err %.3g > %.3g)", #a, a_, #b, b_,  \
                      fabs(a_ - b_) / s_, t_);                                                  \
    } while (0)

#define MN_ASSERT_ABS(a, b, tol)                                                                \
    do {                                                                                        \
        double a_ = (a), b_ = (b), t_ = (tol);                                                  \
        ck_assert_msg(isfinite(a_) && fabs(a_ - b_) <= t_, "%s = %.17g, expected %.17g (+- %g)", \
                      #a, a_, b_, t_);                                                          \
    } while (0)

#define MN_ASSERT_OK(ctx, expr)                                                                 \
    do {                                                                                        \
        mn_status st_ = (expr);                                                                 \
        ck_assert_msg(st_ == MN_OK, "%s failed: %s: %s", #expr, mn_status_name(st_),           \
                      mn_context_last_error(ctx));                                              \
    } while (0)

/* expect a given error code and a message containing `needle` */
#define MN_ASSERT_ERR(ctx, expr, code, needle)                                                  \
    do {                                                                                        \
        mn_status st_ = (expr);                                                                 \
        ck_assert_msg(st_ == (code), "%s returned %s, expected %s (%s)", #expr,                 \
                      mn_status_name(st_), mn_status_name(code), mn_context_last_error(ctx));  \
        ck_assert_msg(strstr(mn_context_last_error(ctx), (needle)) != NULL,                    \
                      "message \"%s\" does not mention \"%s\"", mn_context_last_error(ctx),    \
                      (needle));                                                                \
    } while (0)

/* The next number in [0, 1) of the splitmix64 sequence whose state is *state: reproducible
 * test inputs from a generator independent of memnet's own (lib/core/rng.c). */
static inline double mn_test_urand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* An nx x ny square lattice of 1 S edges solved between its first and last column (electrodes
 * at 1 V and 0 V) on a solver of ctx, its G_eff checked against the closed form ny / (nx - 1)
 * to 1e-12; everything made is freed again. */
void mn_test_grid_geff(mn_context *ctx, size_t nx, size_t ny);

/* A random stick network (mn_gen_nanowires: `wires` sticks in a side x side square, seed) with
 * its "left" and "right" node sets. */
mn_graph *mn_test_sticks(mn_context *ctx, int wires, double side, uint64_t seed);

/* The first electrode's current at the samples of a run (at most 256): mn_test_trace_cb as the
 * sample callback, its user data an mn_test_trace. */
typedef struct mn_test_trace {
    size_t n;
    double t[256], I[256];
} mn_test_trace;
int mn_test_trace_cb(const mn_sim *s, void *u);

/* max |a - b| / max |b| over the samples of two traces (the same sample times asserted); with
 * range, *range = max |I| / min |I| of b (the dynamics the difference is measured over) */
double mn_test_trace_diff(const mn_test_trace *a, const mn_test_trace *b, double *range);

/* Run a suite (CK_NORMAL output); returns the process exit status. */
int mn_test_run(Suite *s);

/* Dense symmetric solve A x = b (n x n, row major, A overwritten): Gaussian elimination with
 * partial pivoting. Independent reference for tests. Returns 0 on success. */
int mn_test_dense_solve(double *A, double *b, int n);

/* A temporary file name under the build directory or /tmp (static buffer). */
const char *mn_test_tmpfile(const char *name);

#endif
