/* Readout: ridge regression against the normal equations solved here by Gaussian elimination
 * (mn_test_dense_solve), the k-fold curve against a brute-force recomputation, the chosen
 * lambda against the Bayes-optimal value of a planted linear model, one-vs-rest
 * classification, and memory capacity against closed forms (a delay line; one linear unit
 * x(t) = a x(t-1) + u(t), MC_k = a^(2k) (1 - a^2)). */
#include "../mn-test.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static mn_rng *rng;

static void setup(void)
{
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    const char *e = getenv("MN_TEST_SEED_OFFSET");
    ck_assert_int_eq(mn_rng_new(&rng, ctx, 17 + (e ? strtoull(e, NULL, 10) : 0), 0), MN_OK);
}
static void teardown(void)
{
    mn_rng_free(rng);
    mn_context_free(ctx);
}

/* Independent ridge on rows [0,n) except [vlo,vhi): standardise (population sd), solve
 * (Z^T Z + nt lambda I) w = Z^T (y - ybar) by elimination, return raw-unit weights W (p x m)
 * and intercepts b (m). std = 0: only centre. */
static void ref_ridge(const double *X, size_t n, size_t p, const double *Y, size_t m, size_t vlo,
                      size_t vhi, double lambda, int std, double *W, double *b)
{
    size_t nt = n - (vhi - vlo);
    double *mu = calloc(p, sizeof *mu), *sd = calloc(p, sizeof *sd), *ym = calloc(m, sizeof *ym);
    double *A = calloc(p * p, sizeof *A), *rhs = calloc(p, sizeof *rhs);
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t j = 0; j < p; j++) mu[j] += X[i * p + j] / (double)nt;
        for (size_t o = 0; o < m; o++) ym[o] += Y[i * m + o] / (double)nt;
    }
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t j = 0; j < p; j++) sd[j] += pow(X[i * p + j] - mu[j], 2) / (double)nt;
    }
    for (size_t j = 0; j < p; j++) sd[j] = std ? sqrt(sd[j]) : 1.0;
    for (size_t o = 0; o < m; o++) {
        memset(A, 0, p * p * sizeof *A);
        memset(rhs, 0, p * sizeof *rhs);
        for (size_t i = 0; i < n; i++) {
            if (i >= vlo && i < vhi) continue;
            for (size_t a = 0; a < p; a++) {
                double za = (X[i * p + a] - mu[a]) / sd[a];
                rhs[a] += za * (Y[i * m + o] - ym[o]);
                for (size_t c = 0; c < p; c++) A[a * p + c] += za * (X[i * p + c] - mu[c]) / sd[c];
            }
        }
        for (size_t a = 0; a < p; a++) A[a * p + a] += (double)nt * lambda;
        ck_assert_int_eq(mn_test_dense_solve(A, rhs, (int)p), 0);
        b[o] = ym[o];
        for (size_t j = 0; j < p; j++) {
            W[j * m + o] = rhs[j] / sd[j];
            b[o] -= mu[j] * W[j * m + o];
        }
    }
    free(mu);
    free(sd);
    free(ym);
    free(A);
    free(rhs);
}

/* correlated features of very different scales and offsets, targets linear + noise */
static void synth(double *X, size_t n, size_t p, double *Y, size_t m, double noise)
{
    for (size_t i = 0; i < n; i++) {
        double common = mn_rng_normal(rng);
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = (double)(j + 1) * 10.0 + pow(10.0, (double)j - 2.0) *
                           (mn_rng_normal(rng) + 0.5 * common);
        for (size_t o = 0; o < m; o++) {
            double y = 0.3 * (double)o;
            for (size_t j = 0; j < p; j++)
                y += sin((double)(j + 3 * o)) * X[i * p + j] / pow(10.0, (double)j - 2.0);
            Y[i * m + o] = y + noise * mn_rng_normal(rng);
        }
    }
}

START_TEST(test_ridge_normal_equations)
{
    size_t n = 300, p = 6, m = 2;
    double *X = malloc(n * p * sizeof *X), *Y = malloc(n * m * sizeof *Y);
    double Wr[12], br[2];
    synth(X, n, p, Y, m, 0.5);
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    const double lambdas[] = { 0.0, 1e-3, 0.1, 2.0 };
    for (int std = 0; std <= 1; std++) {
        MN_ASSERT_OK(ctx, mn_readout_set_int(r, MN_READOUT_STANDARDIZE, std));
        for (size_t q = 0; q < 4; q++) {
            if (!std && q == 3) continue; /* unstandardised with a huge penalty: all ~0 */
            MN_ASSERT_OK(ctx, mn_readout_set_lambdas(r, &lambdas[q], 1));
            MN_ASSERT_OK(ctx, mn_readout_fit(r, X, n, p, Y, m));
            ref_ridge(X, n, p, Y, m, 0, 0, lambdas[q], std, Wr, br);
            const double *W, *b;
            MN_ASSERT_OK(ctx, mn_readout_weights(r, &W, &b));
            for (size_t k = 0; k < p * m; k++) {
                double scale = fabs(Wr[k]) + 1e-6 * pow(10.0, 2.0 - (double)(k / m));
                ck_assert_msg(fabs(W[k] - Wr[k]) <= 1e-7 * scale,
                              "std %d lambda %g: W[%zu] = %.12g, normal equations %.12g", std,
                              lambdas[q], k, W[k], Wr[k]);
            }
            for (size_t o = 0; o < m; o++) MN_ASSERT_REL(b[o], br[o], 1e-7);
            ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_RANK, 0), (double)p);
            ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, 1), lambdas[q]);
            /* the prediction is b + X W */
            double y[2];
            MN_ASSERT_OK(ctx, mn_readout_predict(y, r, X + 7 * p, 1));
            for (size_t o = 0; o < m; o++) {
                double ref = br[o];
                for (size_t j = 0; j < p; j++) ref += X[7 * p + j] * Wr[j * m + o];
                MN_ASSERT_REL(y[o], ref, 1e-9);
            }
        }
    }
    mn_readout_free(r);
    free(X);
    free(Y);
}
END_TEST

/* a duplicated and a constant column: the pseudo-inverse (lambda = 0) splits the weight
 * equally between the duplicates and gives the constant none; predictions equal OLS on the
 * reduced design */
START_TEST(test_ridge_rank_deficient)
{
    size_t n = 120, p = 4;
    double *X = malloc(n * p * sizeof *X), *Y = malloc(n * sizeof *Y);
    double *Xr = malloc(n * 2 * sizeof *Xr);
    for (size_t i = 0; i < n; i++) {
        double a = mn_rng_normal(rng), c = mn_rng_normal(rng);
        X[i * p + 0] = a;
        X[i * p + 1] = a;
        X[i * p + 2] = 3.0;
        X[i * p + 3] = c;
        Xr[i * 2 + 0] = a;
        Xr[i * 2 + 1] = c;
        Y[i] = 2.0 * a - c + 0.1 * mn_rng_normal(rng);
    }
    double W2[2], b2[1];
    ref_ridge(Xr, n, 2, Y, 1, 0, 0, 0.0, 1, W2, b2);
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    double zero = 0;
    MN_ASSERT_OK(ctx, mn_readout_set_lambdas(r, &zero, 1));
    MN_ASSERT_OK(ctx, mn_readout_fit(r, X, n, p, Y, 1));
    const double *W, *b;
    MN_ASSERT_OK(ctx, mn_readout_weights(r, &W, &b));
    MN_ASSERT_REL(W[0], W2[0] / 2, 1e-8);
    MN_ASSERT_REL(W[1], W2[0] / 2, 1e-8);
    ck_assert_double_eq(W[2], 0.0);
    MN_ASSERT_REL(W[3], W2[1], 1e-8);
    MN_ASSERT_REL(b[0], b2[0], 1e-8);
    ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_RANK, 0), 2.0);
    mn_readout_free(r);
    free(X);
    free(Y);
    free(Xr);
}
END_TEST

/* the cross-validation curve recomputed by brute force: contiguous folds, a ridge per fold
 * from the normal equations, mean validation squared error per lambda */
START_TEST(test_kfold_curve_brute_force)
{
    size_t n = 203, p = 5, m = 2, k = 4;
    double *X = malloc(n * p * sizeof *X), *Y = malloc(n * m * sizeof *Y);
    synth(X, n, p, Y, m, 3.0);
    double grid[9];
    for (int g = 0; g < 9; g++) grid[g] = pow(10.0, -6.0 + g);
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    MN_ASSERT_OK(ctx, mn_readout_set_lambdas(r, grid, 9));
    MN_ASSERT_OK(ctx, mn_readout_set_int(r, MN_READOUT_FOLDS, (int64_t)k));
    MN_ASSERT_OK(ctx, mn_readout_fit(r, X, n, p, Y, m));
    double ref[2][9] = { { 0 } }, W[10], b[2];
    for (int g = 0; g < 9; g++)
        for (size_t f = 0; f < k; f++) {
            size_t lo = f * n / k, hi = (f + 1) * n / k;
            ref_ridge(X, n, p, Y, m, lo, hi, grid[g], 1, W, b);
            for (size_t i = lo; i < hi; i++)
                for (size_t o = 0; o < m; o++) {
                    double y = b[o];
                    for (size_t j = 0; j < p; j++) y += X[i * p + j] * W[j * m + o];
                    ref[o][g] += pow(Y[i * m + o] - y, 2) / (double)n;
                }
        }
    for (size_t o = 0; o < m; o++) {
        const double *c = mn_readout_cv_curve(r, o);
        ck_assert_ptr_nonnull(c);
        int best = 0;
        for (int g = 0; g < 9; g++) {
            MN_ASSERT_REL(c[g], ref[o][g], 1e-8);
            if (ref[o][g] < ref[o][best]) best = g;
        }
        ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, o), grid[best]);
        MN_ASSERT_REL(mn_readout_stat_get(r, MN_READOUT_STAT_CV_MSE, o), ref[o][best], 1e-8);
    }
    mn_readout_free(r);
    free(X);
    free(Y);
}
END_TEST

/* Planted Gaussian model y = X w + e, w ~ N(0, tau^2 I), e ~ N(0, sigma^2), X ~ N(0, 1): the
 * posterior mean is ridge with sum-form penalty sigma^2/tau^2, i.e. lambda* = sigma^2 /
 * (n_fold tau^2) in memnet's mean form. Over 24 data sets the geometric mean of the CV choice
 * lies within a factor 2 of lambda* (the CV risk curve is flat near its minimum; a factor 10
 * away the excess risk is large). */
START_TEST(test_kfold_known_optimum)
{
    size_t n = 250, p = 30, k = 5, reps = 24;
    double sigma = 1.0, tau = 0.15;
    double nf = (double)n * (double)(k - 1) / (double)k;
    double opt = sigma * sigma / (nf * tau * tau);
    double grid[41];
    for (int g = 0; g < 41; g++) grid[g] = opt * pow(10.0, -2.0 + 0.1 * g);
    double *X = malloc(n * p * sizeof *X), *Y = malloc(n * sizeof *Y), w[30];
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    MN_ASSERT_OK(ctx, mn_readout_set_lambdas(r, grid, 41));
    MN_ASSERT_OK(ctx, mn_readout_set_int(r, MN_READOUT_STANDARDIZE, 0));
    double slog = 0;
    for (size_t rep = 0; rep < reps; rep++) {
        for (size_t j = 0; j < p; j++) w[j] = tau * mn_rng_normal(rng);
        for (size_t i = 0; i < n; i++) {
            double y = sigma * mn_rng_normal(rng);
            for (size_t j = 0; j < p; j++) {
                X[i * p + j] = mn_rng_normal(rng);
                y += X[i * p + j] * w[j];
            }
            Y[i] = y;
        }
        MN_ASSERT_OK(ctx, mn_readout_fit(r, X, n, p, Y, 1));
        slog += log10(mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, 0) / opt);
    }
    slog /= (double)reps;
    ck_assert_msg(fabs(slog) < log10(2.0), "mean log10(lambda_cv / lambda*) = %g", slog);
    mn_readout_free(r);
    free(X);
    free(Y);
}
END_TEST

/* three Gaussian blobs: accuracy 1 on well separated ones; the classifier's weights are the
 * ridge solution for one-hot targets at the chosen lambda */
START_TEST(test_classes_one_vs_rest)
{
    size_t n = 240, p = 3, C = 3;
    double *X = malloc(n * p * sizeof *X), *Y = calloc(n * C, sizeof *Y);
    int32_t *lab = malloc(n * sizeof *lab), *pred = malloc(n * sizeof *pred);
    for (size_t i = 0; i < n; i++) {
        lab[i] = (int32_t)(i % C);
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = (j == (size_t)lab[i] ? 6.0 : 0.0) + mn_rng_normal(rng);
        Y[i * C + (size_t)lab[i]] = 1;
    }
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    MN_ASSERT_OK(ctx, mn_readout_fit_classes(r, X, n, p, lab, C));
    MN_ASSERT_OK(ctx, mn_readout_classify(pred, r, X, n));
    double acc;
    MN_ASSERT_OK(ctx, mn_readout_accuracy(&acc, lab, pred, n));
    ck_assert_double_eq(acc, 1.0);
    ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_CV_ACCURACY, 0), 1.0);
    double lam = mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, 0), Wr[9], br[3];
    ck_assert_double_eq(mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, 2), lam);
    ref_ridge(X, n, p, Y, C, 0, 0, lam, 1, Wr, br);
    const double *W, *b;
    MN_ASSERT_OK(ctx, mn_readout_weights(r, &W, &b));
    for (size_t q = 0; q < p * C; q++) MN_ASSERT_ABS(W[q], Wr[q], 1e-9);
    /* overlapping blobs: accuracy between chance and 1, argmax of b + X W */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) X[i * p + j] = (j == (size_t)lab[i] ? 1.0 : 0.0) + mn_rng_normal(rng);
    MN_ASSERT_OK(ctx, mn_readout_fit_classes(r, X, n, p, lab, C));
    MN_ASSERT_OK(ctx, mn_readout_classify(pred, r, X, n));
    MN_ASSERT_OK(ctx, mn_readout_weights(r, &W, &b));
    for (size_t i = 0; i < n; i++) {
        size_t best = 0;
        double sbest = -INFINITY;
        for (size_t c = 0; c < C; c++) {
            double s = b[c];
            for (size_t j = 0; j < p; j++) s += X[i * p + j] * W[j * C + c];
            if (s > sbest) {
                sbest = s;
                best = c;
            }
        }
        ck_assert_int_eq(pred[i], (int32_t)best);
    }
    MN_ASSERT_OK(ctx, mn_readout_accuracy(&acc, lab, pred, n));
    ck_assert(acc > 0.45 && acc < 0.95);
    mn_readout_free(r);
    free(X);
    free(Y);
    free(lab);
    free(pred);
}
END_TEST

/* delay line: features u(t), ..., u(t-4): MC_k = 1 for k <= 4 and ~0 after */
START_TEST(test_memory_capacity_delay_line)
{
    size_t n = 3000, N = 5, kmax = 8;
    double *u = malloc(n * sizeof *u), *X = malloc(n * N * sizeof *X), mc[9], total;
    for (size_t t = 0; t < n; t++) u[t] = mn_rng_uniform(rng) - 0.5;
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < N; i++) X[t * N + i] = t >= i ? u[t - i] : 0;
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    MN_ASSERT_OK(ctx, mn_readout_memory_capacity(mc, &total, r, X, n, N, u, kmax, 20, 2000));
    for (size_t k = 0; k <= kmax; k++) {
        if (k < N) ck_assert_msg(mc[k] > 0.999, "MC_%zu = %g", k, mc[k]);
        else ck_assert_msg(mc[k] < 0.01, "MC_%zu = %g", k, mc[k]);
    }
    ck_assert(total > 3.99 && total < 4.05);
    mn_readout_free(r);
    free(u);
    free(X);
}
END_TEST

/* one linear unit x(t) = a x(t-1) + u(t), i.i.d. u: corr^2(x(t), u(t-k)) = a^(2k) (1 - a^2);
 * finite-sample error of r^2 on 20000 test rows ~ 0.01 */
START_TEST(test_memory_capacity_linear_unit)
{
    size_t n = 30000, kmax = 10;
    double a = 0.8, x = 0, mc[11], total;
    double *u = malloc(n * sizeof *u), *X = malloc(n * sizeof *X);
    for (size_t t = 0; t < n; t++) {
        u[t] = 2 * mn_rng_uniform(rng) - 1;
        x = a * x + u[t];
        X[t] = x;
    }
    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    MN_ASSERT_OK(ctx, mn_readout_memory_capacity(mc, &total, r, X, n, 1, u, kmax, 100, 9900));
    double sum = 0;
    for (size_t k = 0; k <= kmax; k++) {
        double ref = pow(a, 2.0 * (double)k) * (1 - a * a);
        MN_ASSERT_ABS(mc[k], ref, 0.015);
        if (k) sum += ref;
    }
    MN_ASSERT_ABS(total, sum, 0.04);
    mn_readout_free(r);
    free(u);
    free(X);
}
END_TEST

START_TEST(test_scores_and_bad_input)
{
    double y[4] = { 1, 2, 3, 4 }, yh[4] = { 1, 2, 3, 5 }, v;
    MN_ASSERT_OK(ctx, mn_readout_nmse(&v, y, yh, 4));
    MN_ASSERT_REL(v, 1.0 / 5.0, 1e-15);
    double c[3] = { 2, 2, 2 };
    ck_assert_int_eq(mn_readout_nmse(&v, c, c, 3), MN_ERR_RANGE);
    int32_t t[4] = { 0, 1, 2, 1 }, pr[4] = { 0, 1, 1, 1 };
    MN_ASSERT_OK(ctx, mn_readout_accuracy(&v, t, pr, 4));
    ck_assert_double_eq(v, 0.75);

    mn_readout *r;
    MN_ASSERT_OK(ctx, mn_readout_new(&r, ctx));
    double X[40], Y[20];
    for (int i = 0; i < 40; i++) X[i] = i % 7;
    for (int i = 0; i < 20; i++) Y[i] = i;
    MN_ASSERT_ERR(ctx, mn_readout_predict(Y, r, X, 1), MN_ERR_STATE, "before a fit");
    MN_ASSERT_ERR(ctx, mn_readout_set_int(r, MN_READOUT_FOLDS, 1), MN_ERR_RANGE, "folds = 1");
    double bad[2] = { 1, -1 };
    MN_ASSERT_ERR(ctx, mn_readout_set_lambdas(r, bad, 2), MN_ERR_RANGE, "lambda 1 = -1");
    MN_ASSERT_ERR(ctx, mn_readout_fit(r, X, 8, 2, Y, 1), MN_ERR_RANGE, "need at least 10");
    X[13] = NAN;
    MN_ASSERT_ERR(ctx, mn_readout_fit(r, X, 20, 2, Y, 1), MN_ERR_RANGE, "feature 1 of row 6");
    X[13] = 1;
    int32_t lab[20] = { 0 };
    lab[5] = 3;
    MN_ASSERT_ERR(ctx, mn_readout_fit_classes(r, X, 20, 2, lab, 3), MN_ERR_RANGE, "label 3 of row 5");
    MN_ASSERT_OK(ctx, mn_readout_fit(r, X, 20, 2, Y, 1));
    MN_ASSERT_ERR(ctx, mn_readout_classify(lab, r, X, 2), MN_ERR_STATE, "fit_classes");
    ck_assert(isnan(mn_readout_stat_get(r, MN_READOUT_STAT_LAMBDA, 1)));
    double mc[3];
    MN_ASSERT_ERR(ctx, mn_readout_memory_capacity(mc, NULL, r, X, 20, 2, Y, 2, 1, 10),
                  MN_ERR_RANGE, "washout 1");
    mn_readout_free(r);
    mn_readout_free(NULL);
}
END_TEST

static Suite *readout_suite(void)
{
    Suite *s = suite_create("readout");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_ridge_normal_equations);
    tcase_add_test(tc, test_ridge_rank_deficient);
    tcase_add_test(tc, test_kfold_curve_brute_force);
    tcase_add_test(tc, test_kfold_known_optimum);
    tcase_add_test(tc, test_classes_one_vs_rest);
    tcase_add_test(tc, test_memory_capacity_delay_line);
    tcase_add_test(tc, test_memory_capacity_linear_unit);
    tcase_add_test(tc, test_scores_and_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(readout_suite()); }
