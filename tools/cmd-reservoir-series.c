/* memnet reservoir: the time-series tasks: sine to square and to double frequency,
 * Mackey-Glass prediction, NARMA-10, short-term memory capacity (cmd-reservoir.h). */
#include "cmd-reservoir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* washout w and training rows ntr of n steps: 0, or a usage error (2) naming the options
 * (checked before the network is built) */
static int split_rows(const char *cmd, const opts *o, size_t n, size_t *w, size_t *ntr)
{
    *w = (size_t)o->washout;
    *ntr = *w < n ? (size_t)floor(o->train * (double)(n - *w)) : 0;
    if (*w + 10 >= n || *ntr < (size_t)(2 * o->folds) || n - *w - *ntr < 2)
        return cli_usage_error(cmd, "--steps %zu, --washout %zu, --train %g leave %zu training and %zu "
                                    "test steps (need >= %ld and >= 2, and 10 steps after the washout)",
                               n, *w, o->train, *ntr, *w + *ntr < n ? n - *w - *ntr : 0, 2 * o->folds);
    return 0;
}

/* the reservoir with every input electrode driven by its scale times u (n steps): *F the
 * features (n x p, malloc'ed), *R the raw baseline features (u and --delays copies); returns
 * 0, 1 or 2 with the rig built (free it with res_rig_free) */
static int drive_scalar(const char *cmd, const opts *o, rig *r, const double *u, size_t n, double **F,
                        double **R)
{
    int rc = res_build_rig(cmd, o, 1, r);
    if (rc) return rc;
    res_print_rig(o, r);
    double *U = malloc(n * r->n_in * sizeof *U);
    if (!U) return cli_error(cmd, "out of memory");
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < r->n_in; j++) U[k * r->n_in + j] = u[k];
    rc = res_drive(cmd, r, U, n, F);
    free(U);
    if (rc) return rc;
    if (!(*R = res_raw_features(u, n, 1, (size_t)o->delays))) return cli_error(cmd, "out of memory");
    return 0;
}

/* --out rows of a regression task */
typedef struct regression_rows {
    const double *u, *y, *pr, *pb;
    size_t w, ntr;
} regression_rows;

static int regression_row(FILE *f, size_t k, const void *data)
{
    const regression_rows *d = data;
    return fprintf(f, "%zu,%s,%.9g,%.9g,%.9g,%.9g\n", k, res_split_name(k, d->w, d->ntr), d->u[k], d->y[k],
                   d->pr[k], d->pb[k]);
}

/* a regression task: u (n scalar inputs), y (n targets) */
static int run_regression(const char *cmd, const opts *o, const double *u, const double *y, size_t n)
{
    rig r;
    memset(&r, 0, sizeof r);
    double *F = NULL, *R = NULL, *pr = malloc(n * sizeof *pr), *pb = malloc(n * sizeof *pb);
    size_t w, ntr;
    int rc = split_rows(cmd, o, n, &w, &ntr);
    if (!rc && (!pr || !pb)) rc = cli_error(cmd, "out of memory");
    if (!rc) rc = drive_scalar(cmd, o, &r, u, n, &F, &R);
    if (rc) goto done;
    rc = 1;
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\n", w, ntr, n - w - ntr);
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    double s_res, s_base, l_res, l_base, c0 = res_cpu_now(), w0 = res_wall_now();
    if (res_regress(cmd, r.ctx, o->folds, F, n, p, y, w, ntr, pr, &s_res, &l_res)) goto done;
    if (res_regress(cmd, r.ctx, o->folds, R, n, D + 1, y, w, ntr, pb, &s_base, &l_base)) goto done;
    cli_out("score_name=nmse\nscore=%.6g\nbaseline=%.6g\nnrmse=%.6g\nbaseline_nrmse=%.6g\n", s_res,
            s_base, sqrt(s_res), sqrt(s_base));
    cli_out("lambda=%.3g\nbaseline_lambda=%.3g\n", l_res, l_base);
    res_print_readout_times(c0, w0);
    regression_rows rows = { u, y, pr, pb, w, ntr };
    rc = res_write_out(cmd, o, s_res, s_base, "step,set,u,target,reservoir,baseline", n, regression_row, &rows);
done:
    free(F);
    free(R);
    free(pr);
    free(pb);
    res_rig_free(&r);
    return rc;
}

/* ------------------------------------------------------------------ tasks */

int res_task_sine(const char *cmd, const opts *o, int doubled)
{
    size_t n = (size_t)o->steps;
    double *u = malloc(n * sizeof *u), *y = malloc(n * sizeof *y);
    if (!u || !y) {
        free(u);
        free(y);
        return cli_error(cmd, "out of memory");
    }
    double w = 2 * RES_PI / (double)o->period;
    for (size_t k = 0; k < n; k++) {
        u[k] = sin(w * (double)k);
        y[k] = doubled ? sin(2 * w * (double)k) : (u[k] >= 0 ? 1.0 : -1.0);
    }
    /* a sample exactly at a zero crossing: sign(sin) of k*pi in floating point is noise */
    if (!doubled)
        for (size_t k = 0; k < n; k++)
            if (fabs(u[k]) < 1e-12) y[k] = (fmod(w * (double)k, 2 * RES_PI) < RES_PI) ? 1.0 : -1.0;
    int rc = run_regression(cmd, o, u, y, n);
    free(u);
    free(y);
    return rc;
}

/* Mackey-Glass dx/dt = 0.2 x(t-17) / (1 + x(t-17)^10) - 0.1 x, RK4 with step 0.1 and the
 * delayed value linearly interpolated on that grid; x = 1.2 on [-17, 0]; 1000 time units of
 * transient dropped; sampled every `sample` time units; the input is the series mapped to
 * [-1, 1] by (x - 0.9) / 0.5 (the attractor lies in about [0.4, 1.4]); target u(k + h). */
int res_task_mackey_glass(const char *cmd, const opts *o)
{
    size_t n = (size_t)o->steps, h = (size_t)o->horizon;
    double dt = 0.1, tau = 17.0;
    size_t per = (size_t)llround(o->mg_sample / dt), lag = (size_t)llround(tau / dt);
    size_t skip = (size_t)llround(1000.0 / dt);
    size_t total = skip + (n + h) * per + 1;
    double *x = malloc((total + lag + 1) * sizeof *x), *u = malloc((n + h) * sizeof *u);
    double *y = malloc(n * sizeof *y);
    if (!x || !u || !y) {
        free(x);
        free(u);
        free(y);
        return cli_error(cmd, "out of memory");
    }
    for (size_t i = 0; i <= lag; i++) x[i] = 1.2;
#define MG_F(xv, xd) (0.2 * (xd) / (1.0 + pow((xd), 10.0)) - 0.1 * (xv))
    for (size_t i = lag; i < total + lag; i++) {
        double xd0 = x[i - lag], xd1 = x[i - lag + 1], xdh = 0.5 * (xd0 + xd1);
        double k1 = MG_F(x[i], xd0);
        double k2 = MG_F(x[i] + 0.5 * dt * k1, xdh);
        double k3 = MG_F(x[i] + 0.5 * dt * k2, xdh);
        double k4 = MG_F(x[i] + dt * k3, xd1);
        x[i + 1] = x[i] + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
#undef MG_F
    for (size_t k = 0; k < n + h; k++) u[k] = (x[lag + skip + k * per] - 0.9) / 0.5;
    for (size_t k = 0; k < n; k++) y[k] = u[k + h];
    cli_out("horizon=%zu\nmg_sample=%.17g\n", h, o->mg_sample);
    int rc = run_regression(cmd, o, u, y, n);
    free(x);
    free(u);
    free(y);
    return rc;
}

/* NARMA-10 (Atiya and Parlos 2000): y(t+1) = 0.3 y(t) + 0.05 y(t) sum_{i=0}^{9} y(t-i)
 * + 1.5 u(t-9) u(t) + 0.1, u i.i.d. uniform in [0, 0.5]; the reservoir input is 4u - 1 in
 * [-1, 1]; the readout at step t predicts y(t+1). */
int res_task_narma(const char *cmd, const opts *o)
{
    size_t n = (size_t)o->steps;
    double *u = malloc(n * sizeof *u), *y = calloc(n + 1, sizeof *y), *in = malloc(n * sizeof *in);
    mn_context *ctx = NULL;
    mn_rng *rng = NULL;
    if (!u || !y || !in || cli_context_new(&ctx) || mn_rng_new(&rng, ctx, o->task_seed, 7)) {
        free(u);
        free(y);
        free(in);
        mn_context_free(ctx);
        return cli_error(cmd, "out of memory");
    }
    for (size_t t = 0; t < n; t++) u[t] = 0.5 * mn_rng_uniform(rng);
    for (size_t t = 0; t < n; t++) {
        double s = 0;
        for (size_t i = 0; i < 10 && i <= t; i++) s += y[t - i];
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * s + 1.5 * (t >= 9 ? u[t - 9] : 0.0) * u[t] + 0.1;
    }
    for (size_t t = 0; t < n; t++) in[t] = 4 * u[t] - 1;
    mn_rng_free(rng);
    mn_context_free(ctx);
    int rc = run_regression(cmd, o, in, y + 1, n);
    free(u);
    free(y);
    free(in);
    return rc;
}

/* --out rows of the memory task */
typedef struct memory_rows {
    const double *mc, *mb;
} memory_rows;

static int memory_row(FILE *f, size_t k, const void *data)
{
    const memory_rows *d = data;
    return fprintf(f, "%zu,%.9g,%.9g\n", k, d->mc[k], d->mb[k]);
}

/* short-term memory capacity of i.i.d. input in [-1, 1] (Jaeger 2002; mn_readout_memory_capacity) */
int res_task_memory(const char *cmd, const opts *o)
{
    size_t n = (size_t)o->steps, kmax = (size_t)o->kmax, w, ntr;
    rig r;
    memset(&r, 0, sizeof r);
    double *u = malloc(n * sizeof *u), *F = NULL, *R = NULL;
    double *mc = malloc((kmax + 1) * sizeof *mc), *mb = malloc((kmax + 1) * sizeof *mb);
    mn_context *ctx = NULL;
    mn_rng *rng = NULL;
    mn_readout *rd = NULL;
    int rc = 0;
    if ((size_t)o->washout < kmax)
        rc = cli_usage_error(cmd, "--washout %ld must be >= --kmax %zu", o->washout, kmax);
    if (!rc) rc = split_rows(cmd, o, n, &w, &ntr);
    if (!rc && (!u || !mc || !mb || cli_context_new(&ctx) || mn_rng_new(&rng, ctx, o->task_seed, 11)))
        rc = cli_error(cmd, "out of memory");
    if (rc) goto done;
    for (size_t t = 0; t < n; t++) u[t] = 2 * mn_rng_uniform(rng) - 1;
    if ((rc = drive_scalar(cmd, o, &r, u, n, &F, &R))) goto done;
    rc = 1;
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\n", w, ntr, n - w - ntr);
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    double total, btotal, c0 = res_cpu_now(), w0 = res_wall_now();
    if (!(rd = res_new_readout(cmd, r.ctx, o->folds))) goto done;
    mn_status st = mn_readout_memory_capacity(mc, &total, rd, F, n, p, u, kmax, w, ntr);
    if (!st) st = mn_readout_memory_capacity(mb, &btotal, rd, R, n, D + 1, u, kmax, w, ntr);
    if (st) {
        cli_fail(cmd, r.ctx, st);
        goto done;
    }
    cli_out("kmax=%zu\n", kmax);
    cli_out("score_name=memory_capacity\nscore=%.6g\nbaseline=%.6g\nmc0=%.6g\nbaseline_mc0=%.6g\n",
            total, btotal, mc[0], mb[0]);
    res_print_readout_times(c0, w0);
    memory_rows rows = { mc, mb };
    rc = res_write_out(cmd, o, total, btotal, "delay,reservoir,baseline", kmax + 1, memory_row, &rows);
done:
    mn_readout_free(rd);
    mn_rng_free(rng);
    mn_context_free(ctx);
    free(u);
    free(F);
    free(R);
    free(mc);
    free(mb);
    res_rig_free(&r);
    return rc;
}
