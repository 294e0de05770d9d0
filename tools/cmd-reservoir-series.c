/* memnet reservoir: the time-series tasks: sine to square and to double frequency,
 * Mackey-Glass prediction, NARMA-10, short-term memory capacity (cmd-reservoir.h). */
#include "cmd-reservoir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* a regression task: u (n scalar inputs), y (n targets) */
static int run_regression(const char *cmd, const opts *o, const double *u, const double *y, size_t n)
{
    rig r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    double *F = NULL, *R = NULL, *U = NULL, *pr = NULL, *pb = NULL;
    FILE *f = NULL;
    int brc = res_build_rig(cmd, o, 1, &r);
    if (brc) {
        rc = brc;
        goto done;
    }
    res_print_rig(o, &r);
    size_t w = (size_t)o->washout;
    if (w + 10 >= n) {
        rc = cli_usage_error(cmd, "--washout %ld leaves too few of the %zu steps", o->washout, n);
        goto done;
    }
    size_t ntr = (size_t)floor(o->train * (double)(n - w));
    if (ntr < (size_t)(2 * o->folds) || n - w - ntr < 2) {
        rc = cli_usage_error(cmd, "--train %g: %zu training and %zu test steps", o->train, ntr,
                             n - w - ntr);
        goto done;
    }
    U = malloc(n * r.n_in * sizeof *U);
    pr = malloc(n * sizeof *pr);
    pb = malloc(n * sizeof *pb);
    if (!U || !pr || !pb) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < r.n_in; j++) U[k * r.n_in + j] = u[k];
    if (res_drive(cmd, &r, U, n, &F)) goto done;
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    if (!(R = res_raw_features(u, n, 1, D))) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    double s_res, s_base, l_res, l_base, c0 = res_cpu_now(), w0 = res_wall_now();
    if (res_regress(cmd, r.ctx, o->folds, F, n, p, y, w, ntr, pr, &s_res, &l_res)) goto done;
    if (res_regress(cmd, r.ctx, o->folds, R, n, D + 1, y, w, ntr, pb, &s_base, &l_base)) goto done;
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\n", w, ntr, n - w - ntr);
    cli_out("score_name=nmse\nscore=%.6g\nbaseline=%.6g\nnrmse=%.6g\nbaseline_nrmse=%.6g\n", s_res,
            s_base, sqrt(s_res), sqrt(s_base));
    cli_out("lambda=%.3g\nbaseline_lambda=%.3g\nreadout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n",
            l_res, l_base, res_cpu_now() - c0, res_wall_now() - w0);
    if (o->out) {
        if (!(f = res_open_out(cmd, o))) goto done;
        cli_write_provenance(f, "task=%s\nscore=%.6g\nbaseline=%.6g\n", o->task, s_res, s_base);
        fprintf(f, "step,set,u,target,reservoir,baseline\n");
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%zu,%s,%.9g,%.9g,%.9g,%.9g\n", k, res_split_name(k, w, ntr), u[k], y[k], pr[k],
                    pb[k]);
        FILE *ff = f;
        f = NULL;
        if (res_close_out(cmd, o, ff)) goto done;
    }
    rc = 0;
done:
    if (f) fclose(f);
    free(F);
    free(R);
    free(U);
    free(pr);
    free(pb);
    mn_context *ctx = r.ctx;
    res_rig_free(&r);
    mn_context_free(ctx);
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

int res_task_memory(const char *cmd, const opts *o)
{
    size_t n = (size_t)o->steps, kmax = (size_t)o->kmax, w = (size_t)o->washout;
    rig r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    double *u = malloc(n * sizeof *u), *U = NULL, *F = NULL, *R = NULL;
    double *mc = malloc((kmax + 1) * sizeof *mc), *mb = malloc((kmax + 1) * sizeof *mb);
    mn_rng *rng = NULL;
    mn_readout *rd = NULL;
    FILE *f = NULL;
    if (!u || !mc || !mb) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    if (w < kmax) {
        rc = cli_usage_error(cmd, "--washout %zu must be >= --kmax %zu", w, kmax);
        goto done;
    }
    int brc = res_build_rig(cmd, o, 1, &r);
    if (brc) {
        rc = brc;
        goto done;
    }
    res_print_rig(o, &r);
    if (mn_rng_new(&rng, r.ctx, o->task_seed, 11)) goto done;
    for (size_t t = 0; t < n; t++) u[t] = 2 * mn_rng_uniform(rng) - 1;
    size_t ntr = (size_t)floor(o->train * (double)(n - w));
    if (n <= w || ntr < (size_t)(2 * o->folds) || n - w - ntr < 2) {
        rc = cli_usage_error(cmd, "--steps %zu, --washout %zu, --train %g leave too few rows", n, w,
                             o->train);
        goto done;
    }
    U = malloc(n * r.n_in * sizeof *U);
    if (!U) goto done;
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < r.n_in; j++) U[k * r.n_in + j] = u[k];
    if (res_drive(cmd, &r, U, n, &F)) goto done;
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    if (!(R = res_raw_features(u, n, 1, D))) goto done;
    double total, btotal, c0 = res_cpu_now(), w0 = res_wall_now();
    if (!(rd = res_new_readout(cmd, r.ctx, o->folds))) goto done;
    mn_status st = mn_readout_memory_capacity(mc, &total, rd, F, n, p, u, kmax, w, ntr);
    if (!st) st = mn_readout_memory_capacity(mb, &btotal, rd, R, n, D + 1, u, kmax, w, ntr);
    if (st) {
        cli_fail(cmd, r.ctx, st);
        goto done;
    }
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\nkmax=%zu\n", w, ntr, n - w - ntr, kmax);
    cli_out("score_name=memory_capacity\nscore=%.6g\nbaseline=%.6g\nmc0=%.6g\nbaseline_mc0=%.6g\n",
            total, btotal, mc[0], mb[0]);
    cli_out("readout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n", res_cpu_now() - c0, res_wall_now() - w0);
    if (o->out) {
        if (!(f = res_open_out(cmd, o))) goto done;
        cli_write_provenance(f, "task=memory\nscore=%.6g\nbaseline=%.6g\n", total, btotal);
        fprintf(f, "delay,reservoir,baseline\n");
        for (size_t k = 0; k <= kmax; k++) fprintf(f, "%zu,%.9g,%.9g\n", k, mc[k], mb[k]);
        FILE *ff = f;
        f = NULL;
        if (res_close_out(cmd, o, ff)) goto done;
    }
    rc = 0;
done:
    if (f) fclose(f);
    mn_readout_free(rd);
    mn_rng_free(rng);
    free(u);
    free(U);
    free(F);
    free(R);
    free(mc);
    free(mb);
    mn_context *ctx = r.ctx;
    res_rig_free(&r);
    mn_context_free(ctx);
    return rc;
}
