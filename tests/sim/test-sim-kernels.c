/*
 * The N_Vector kernels CVODE's vectors get in lib/sim (mn__sim_vector_kernels) against the
 * reference: SUNDIALS' own serial vector operations (and, for the fused operations, the
 * fallback SUNDIALS runs when a vector has none: one scale and one linear sum per vector).
 * Elementwise operations must agree bit for bit, for the special coefficients the serial
 * vector treats apart (1, -1, a = b, a = -b), for in-place calls (z = x, z = y) and for lengths
 * that leave a tail after the two-element SSE2 steps; the two reductions (dot product, WRMS
 * norm) sum in another order and must agree to rounding.
 *
 * Every test runs with the kernels on one, two and three threads of the context's pool (the
 * count forced in the vectors' content, whatever the pool's crossover): the elementwise results
 * must be the serial vector's bits for every count; the reductions are checked against a
 * long-double sum, two and three threads against one to 1e-14, and a split sum against the
 * one-thread sums of the pool's blocks (mn__pool_block) added in block order (the documented
 * combination, bit for bit).
 */
#include "../mn-test.h"
#include "sim/sim-cvode.h"

#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>

static SUNContext sctx;
static mn_context *ctx;
static int nthreads = 1; /* threads of the kernel vectors made by pair_z */

static void setup(void)
{
    ck_assert_int_eq(SUNContext_Create(NULL, &sctx), 0);
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    ck_assert_int_eq(mn_context_set_threads(ctx, 3), MN_OK);
}
static void teardown(void)
{
    SUNContext_Free(&sctx);
    mn_context_free(ctx);
}

/* tails after the SSE2 steps, and with three threads blocks of 0, 8 and 9 values (n = 17;
 * mn__pool_block rounds the boundaries down to multiples of 8), n = 24: exact thirds */
static const size_t lengths[] = { 1, 2, 3, 4, 5, 7, 17, 24, 56, 1001, 4099 };
#define NLEN (sizeof lengths / sizeof lengths[0])

/* a plain serial vector and one with memnet's kernels, both filled with the same values
 * (signs mixed; with zeros = 1 about every fifth one +0 or -0; seed picks the sequence) */
static void pair_z(size_t n, unsigned seed, int zeros, N_Vector *ref, N_Vector *ker)
{
    *ref = N_VNew_Serial((sunindextype)n, sctx);
    N_Vector k = mn__sim_nv_detached(sctx, n, ctx, nthreads);
    ck_assert_ptr_nonnull(k);
    *ker = N_VClone(k); /* a clone, as CVODE's vectors are */
    N_VDestroy(k);
    double *a = N_VGetArrayPointer(*ref), *b = N_VGetArrayPointer(*ker);
    unsigned r = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        double v = 0.1 + (double)(r >> 8) / (double)(1u << 24);
        a[i] = b[i] = (r & 1) ? -v * 3.7 : v;
        if (zeros && (r >> 4) % 5 == 0) a[i] = b[i] = (r & 2) ? -0.0 : 0.0;
    }
}

static void pair(size_t n, unsigned seed, N_Vector *ref, N_Vector *ker) { pair_z(n, seed, 0, ref, ker); }

static void same_bits(N_Vector a, N_Vector b, const char *what)
{
    size_t n = (size_t)N_VGetLength(a);
    ck_assert_msg(memcmp(N_VGetArrayPointer(a), N_VGetArrayPointer(b), n * sizeof(double)) == 0,
                  "%s (n = %zu, %d threads): results differ from the serial vector", what, n,
                  nthreads);
}

START_TEST(test_linearsum_scale_bitwise)
{
    nthreads = 1 + _i;
    const double co[][2] = { { 1, 1 },   { 1, -1 },   { -1, 1 }, { -1, -1 }, { 2.5, 2.5 },
                             { 2.5, -2.5 }, { 0.3, 1 }, { 1, 0.3 }, { -1, 0.3 }, { 0.3, -1 },
                             { 0.3, 0.7 }, { 0, 1 } };
    for (size_t l = 0; l < NLEN; l++)
        for (size_t c = 0; c < sizeof co / sizeof co[0]; c++)
            for (int mode = 0; mode < 4; mode++) { /* z distinct, z = x, z = y; y = x */
                N_Vector xr, xk, yr, yk, zr, zk;
                pair_z(lengths[l], 1, 1, &xr, &xk);
                pair_z(lengths[l], 2, 1, &yr, &yk);
                pair(lengths[l], 3, &zr, &zk);
                N_Vector tr = mode == 0 || mode == 3 ? zr : mode == 1 ? xr : yr;
                N_Vector tk = mode == 0 || mode == 3 ? zk : mode == 1 ? xk : yk;
                /* y = x: exact cancellation for a = -b, the sign of the zeros matters */
                N_VLinearSum_Serial(co[c][0], xr, co[c][1], mode == 3 ? xr : yr, tr);
                N_VLinearSum(co[c][0], xk, co[c][1], mode == 3 ? xk : yk, tk);
                char what[96];
                snprintf(what, sizeof what, "linear sum %g x + %g y, mode %d", co[c][0], co[c][1], mode);
                same_bits(tr, tk, what);
                /* scale with the first coefficient, in place and not */
                N_VScale_Serial(co[c][0], tr, mode == 2 ? tr : zr);
                N_VScale(co[c][0], tk, mode == 2 ? tk : zk);
                same_bits(mode == 2 ? tr : zr, mode == 2 ? tk : zk, "scale");
                N_Vector v[] = { xr, xk, yr, yk, zr, zk };
                for (int i = 0; i < 6; i++) N_VDestroy(v[i]);
            }
}
END_TEST

START_TEST(test_elementwise_bitwise)
{
    nthreads = 1 + _i;
    for (size_t l = 0; l < NLEN; l++) {
        N_Vector xr, xk, yr, yk, zr, zk;
        pair(lengths[l], 4, &xr, &xk);
        pair(lengths[l], 5, &yr, &yk);
        pair(lengths[l], 6, &zr, &zk);
        N_VProd_Serial(xr, yr, zr), N_VProd(xk, yk, zk), same_bits(zr, zk, "prod");
        N_VDiv_Serial(xr, yr, zr), N_VDiv(xk, yk, zk), same_bits(zr, zk, "div");
        N_VAbs_Serial(xr, zr), N_VAbs(xk, zk), same_bits(zr, zk, "abs");
        N_VInv_Serial(xr, zr), N_VInv(xk, zk), same_bits(zr, zk, "inv");
        N_VAddConst_Serial(xr, -0.7, zr), N_VAddConst(xk, -0.7, zk), same_bits(zr, zk, "addconst");
        N_VConst_Serial(1.25, zr), N_VConst(1.25, zk), same_bits(zr, zk, "const");
        N_VCompare_Serial(1.0, xr, zr), N_VCompare(1.0, xk, zk), same_bits(zr, zk, "compare");
        ck_assert_int_eq(N_VInvTest_Serial(yr, zr), N_VInvTest(yk, zk));
        same_bits(zr, zk, "invtest");
        N_VDiv_Serial(xr, yr, xr), N_VDiv(xk, yk, xk), same_bits(xr, xk, "div in place");
        ck_assert(N_VMin_Serial(xr) == N_VMin(xk));
        ck_assert(N_VMaxNorm_Serial(xr) == N_VMaxNorm(xk));
        /* the reductions: another order of summation */
        /* rounding of a sum of n terms: at most ~n eps sum_i |x_i y_i| either way */
        double mag = 0;
        const double *xa = N_VGetArrayPointer(xr), *ya = N_VGetArrayPointer(yr);
        for (size_t i = 0; i < lengths[l]; i++) mag += fabs(xa[i] * ya[i]);
        MN_ASSERT_ABS(N_VDotProd(xk, yk), N_VDotProd_Serial(xr, yr), (double)lengths[l] * 2.3e-16 * mag);
        N_VAbs_Serial(yr, yr), N_VAbs(yk, yk);
        MN_ASSERT_REL(N_VWrmsNorm(xk, yk), N_VWrmsNorm_Serial(xr, yr), 1e-14);
        MN_ASSERT_REL(N_VWrmsNormMask(xk, yk, zk), N_VWrmsNormMask_Serial(xr, yr, zr), 1e-14);
        N_Vector v[] = { xr, xk, yr, yk, zr, zk };
        for (int i = 0; i < 6; i++) N_VDestroy(v[i]);
    }
}
END_TEST

START_TEST(test_fused_bitwise)
{
    nthreads = 1 + _i;
    double c[6] = { 1, -1, 0.3, 1, -2.5, 0.7 };
    for (size_t l = 0; l < NLEN; l++)
        for (int nvec = 1; nvec <= 6; nvec++)
            for (int mode = 0; mode < 3; mode++) { /* z distinct, z = X_0, z = X_last */
                if (mode == 2 && nvec < 2) continue;
                N_Vector Xr[6], Xk[6], zr, zk;
                for (int k = 0; k < nvec; k++) pair(lengths[l], 10 + (unsigned)k, &Xr[k], &Xk[k]);
                pair(lengths[l], 20, &zr, &zk);
                N_Vector tr = mode == 0 ? zr : mode == 1 ? Xr[0] : Xr[nvec - 1];
                N_Vector tk = mode == 0 ? zk : mode == 1 ? Xk[0] : Xk[nvec - 1];
                for (int first = 0; first < 2; first++) {
                    c[0] = first ? 1.0 : -0.4;
                    /* SUNDIALS' fallback with the serial operations */
                    N_VScale_Serial(c[0], Xr[0], tr);
                    for (int k = 1; k < nvec; k++) N_VLinearSum_Serial(c[k], Xr[k], 1.0, tr, tr);
                    ck_assert_int_eq(N_VLinearCombination(nvec, c, Xk, tk), 0);
                    char what[64];
                    snprintf(what, sizeof what, "linear combination of %d, mode %d", nvec, mode);
                    same_bits(tr, tk, what);
                }
                /* scale-add: Z_k = c_k x + Y_k with Z = Y (in place), x = X_0, Y = X_1.. */
                if (nvec >= 2) {
                    int ny = nvec - 1;
                    for (int k = 0; k < ny; k++) N_VLinearSum_Serial(c[k], Xr[0], 1.0, Xr[k + 1], Xr[k + 1]);
                    ck_assert_int_eq(N_VScaleAddMulti(ny, c, Xk[0], Xk + 1, Xk + 1), 0);
                    for (int k = 1; k < nvec; k++) same_bits(Xr[k], Xk[k], "scale-add multi");
                    /* and with x one of the outputs: the per-vector passes */
                    for (int k = 0; k < ny; k++) N_VLinearSum_Serial(c[k], Xr[1], 1.0, Xr[k], Xr[k + 1]);
                    N_Vector Yk[6];
                    for (int k = 0; k < ny; k++) Yk[k] = Xk[k];
                    ck_assert_int_eq(N_VScaleAddMulti(ny, c, Xk[1], Yk, Xk + 1), 0);
                    for (int k = 1; k < nvec; k++) same_bits(Xr[k], Xk[k], "scale-add multi, x = Z_0");
                }
                for (int k = 0; k < nvec; k++) N_VDestroy(Xr[k]), N_VDestroy(Xk[k]);
                N_VDestroy(zr), N_VDestroy(zk);
            }
}
END_TEST

/* the dot product of n values in long double (64-bit mantissa: exact enough to judge rounding
 * of ~1e-16 relative) */
static long double ldot(const double *x, const double *y, size_t n)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++) s += (long double)x[i] * (long double)y[i];
    return s;
}

/* dot product and WRMS norm with 2 and 3 threads: against long double, against one thread,
 * twice the same bits, and equal to the one-thread sums of the ranges added in range order */
START_TEST(test_reductions_threads)
{
    int nt = 2 + _i;
    const size_t ns[] = { 56, 1001, 4099, 100003 };
    for (size_t l = 0; l < sizeof ns / sizeof ns[0]; l++) {
        size_t n = ns[l];
        N_Vector xr, x1, yr, y1, xt, yt;
        nthreads = 1;
        pair(n, 31, &xr, &x1);
        pair(n, 32, &yr, &y1);
        N_VDestroy(xr), N_VDestroy(yr);
        nthreads = nt;
        pair(n, 31, &xr, &xt);
        pair(n, 32, &yr, &yt);
        const double *x = N_VGetArrayPointer(xr), *y = N_VGetArrayPointer(yr);
        double d1 = N_VDotProd(x1, y1), dt = N_VDotProd(xt, yt);
        long double ref = ldot(x, y, n), mag = 0;
        for (size_t i = 0; i < n; i++) mag += fabsl((long double)x[i] * y[i]);
        /* rounding of a sum of n terms in any order: at most ~n eps sum |x_i y_i| (generous) */
        MN_ASSERT_ABS(dt, (double)ref, (double)n * 2.3e-16 * (double)mag);
        MN_ASSERT_ABS(d1, (double)ref, (double)n * 2.3e-16 * (double)mag);
        MN_ASSERT_REL(dt, d1, 1e-14);
        ck_assert_msg(N_VDotProd(xt, yt) == dt, "dot product with %d threads not reproducible", nt);
        /* the ranges: sums of one thread each, added in order */
        double comb = 0;
        for (int t = 0; t < nt; t++) {
            size_t a, b;
            mn__pool_block(n, t, nt, &a, &b);
            N_Vector u = mn__sim_nv_detached(sctx, b - a, NULL, 0);
            N_Vector w = mn__sim_nv_detached(sctx, b - a, NULL, 0);
            memcpy(N_VGetArrayPointer(u), x + a, (b - a) * sizeof(double));
            memcpy(N_VGetArrayPointer(w), y + a, (b - a) * sizeof(double));
            double p = N_VDotProd(u, w);
            comb = t ? comb + p : p;
            N_VDestroy(u), N_VDestroy(w);
        }
        ck_assert_msg(comb == dt, "dot product with %d threads (n = %zu): %.17g, the ranges' "
                      "sums in order %.17g", nt, n, dt, comb);
        /* one thread: the kernel without a context (the calling thread only), bit for bit */
        N_Vector u0 = mn__sim_nv_detached(sctx, n, NULL, 0), w0 = mn__sim_nv_detached(sctx, n, NULL, 0);
        memcpy(N_VGetArrayPointer(u0), x, n * sizeof(double));
        memcpy(N_VGetArrayPointer(w0), y, n * sizeof(double));
        ck_assert(N_VDotProd(u0, w0) == d1);
        N_VDestroy(u0), N_VDestroy(w0);
        /* WRMS norm: weights |y| */
        N_VAbs_Serial(yr, yr), N_VAbs(y1, y1), N_VAbs(yt, yt);
        long double ws = 0;
        for (size_t i = 0; i < n; i++) {
            long double p = (long double)x[i] * (long double)N_VGetArrayPointer(yr)[i];
            ws += p * p;
        }
        double wref = (double)sqrtl(ws / (long double)n);
        double w1 = N_VWrmsNorm(x1, y1), wt = N_VWrmsNorm(xt, yt);
        MN_ASSERT_REL(wt, wref, 1e-14);
        MN_ASSERT_REL(w1, wref, 1e-14);
        MN_ASSERT_REL(wt, w1, 1e-14);
        ck_assert_msg(N_VWrmsNorm(xt, yt) == wt, "WRMS norm with %d threads not reproducible", nt);
        N_Vector v[] = { xr, x1, yr, y1, xt, yt };
        for (int i = 0; i < 6; i++) N_VDestroy(v[i]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim-kernels");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_linearsum_scale_bitwise, 0, 3);
    tcase_add_loop_test(tc, test_elementwise_bitwise, 0, 3);
    tcase_add_loop_test(tc, test_fused_bitwise, 0, 3);
    tcase_add_loop_test(tc, test_reductions_threads, 0, 2);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
