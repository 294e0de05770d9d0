/* memnet reservoir: reservoir-computing tasks on a memristive network (docs/reservoir.md).
 * The network is generated here (nanowires with k input and k output disc electrodes) or
 * loaded with named node sets; the task's input drives the input electrodes through
 * mn_reservoir_run(); a ridge readout (mn_readout_*) is trained on the features and, as the
 * baseline, on the raw inputs. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef MN_CLI_HAVE_ZLIB
#include <zlib.h>
#endif

#define RES_PI 3.14159265358979323846
#define DIGITS_DEFAULT "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"

static const char *usage =
    "usage: memnet reservoir TASK [options]\n"
    "\n"
    "TASK: sine-square | sine-double | mackey-glass | narma10 | memory | digits\n"
    "  sine-square   sine input, target the square wave sign(sin) (NMSE)\n"
    "  sine-double   sine input, target the sine of double frequency (NMSE)\n"
    "  mackey-glass  Mackey-Glass series (tau 17), predict HORIZON steps ahead (NMSE)\n"
    "  narma10       NARMA-10 from i.i.d. input in [0, 0.5] (NMSE)\n"
    "  memory        short-term memory capacity of i.i.d. input in [-1, 1] (MC)\n"
    "  digits        8x8 handwritten digits, 5 pixels per step (accuracy)\n"
    "\n"
    "network (generated unless --network is given):\n"
    "  --wires N            nanowires (default 3000); --density D wires per unit area\n"
    "                       (default 10: box side sqrt(N/D)); --width W --height H instead\n"
    "  --seed K             network seed (default 1)\n"
    "  --n-inputs K         input electrodes, discs on the left side (default 5)\n"
    "  --n-outputs K        grounded output electrodes on the right side (default 3)\n"
    "  --n-probes K         probe nodes (nearest nodes to points on the middle line; default 0)\n"
    "  --electrode-radius R disc radius (default 0.5, in wire lengths)\n"
    "  --network FILE       a native network file instead, with --inputs SET,SET,...\n"
    "                       --outputs SET,... [--probes SET,...] (node-set names)\n"
    "  --model NAME         memristor model (default miranda); --set P=V its parameters\n"
    "drive:\n"
    "  --step DT            task step (s, default 1); --substeps K fixed steps per task step\n"
    "                       (default 4)\n"
    "  --amplitude A        input scale (V, default 2); --bias B input offset (V, default 1)\n"
    "  --mask-seed K        signs and sizes of the per-electrode input scales of scalar tasks\n"
    "  --delays D           delayed copies of the features, and of the raw baseline inputs\n"
    "                       (default 0)\n"
    "  --no-input-currents  leave the input electrode currents out of the features\n"
    "task:\n"
    "  --steps N            task length (defaults: 1000 waveforms, 2000 others)\n"
    "  --period P           sine period in steps (default 20)\n"
    "  --horizon H          Mackey-Glass prediction horizon in samples (default 1);\n"
    "                       --mg-sample S time units per sample (default 1)\n"
    "  --kmax K             largest memory delay (default 30)\n"
    "  --digits FILE        digits CSV (64 pixels 0..16 and the label per line; .gz read\n"
    "                       directly; default scikit-learn's copy), --limit N digits\n"
    "  --rest K             steps at input 0 between two digits (default 1)\n"
    "readout:\n"
    "  --washout N          steps dropped at the start (default 100; digits: 0)\n"
    "  --train F            training fraction of the remaining steps (default 0.7)\n"
    "  --folds K            k-fold cross-validation of lambda (default 5)\n"
    "  --task-seed K        seed of the task's random input / digit order (default 1)\n"
    "output:\n"
    "  --out FILE.csv       per-step (per-digit, per-delay) targets and predictions\n"
    "\n"
    "Prints key=value lines: the task, the network, score (reservoir) and baseline (the same\n"
    "readout on the raw inputs), the chosen lambdas, run times (wall and CPU). Exit status:\n"
    "0 ok, 1 run error, 2 usage error.\n";

typedef struct opts {
    const char *task;
    long wires, n_in, n_out, n_probe;
    double density, width, height, radius;
    unsigned long long seed, mask_seed, task_seed;
    const char *network, *inputs, *outputs, *probes, *model;
    const char *sets[64];
    int nsets;
    double step, amplitude, bias;
    long substeps, delays;
    int input_currents;
    long steps, period, horizon, kmax, limit, rest, washout, folds;
    double mg_sample, train;
    const char *digits, *out;
} opts;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ the reservoir */

typedef struct rig {
    mn_context *ctx;
    mn_graph *g;
    mn_network *net;
    mn_reservoir *res;
    size_t n_in, n_out, n_probe;
    unsigned char *used; /* nodes already in an electrode */
    size_t shared;       /* nodes left out of a later electrode because an earlier one has them */
    mn_index *tmp;
} rig;

/* the nodes of set `name` not yet in an electrode (an object touching two electrode discs
 * belongs to the first); *n = 0 when none is left */
static int electrode_nodes(const char *cmd, rig *r, const char *name, mn_index **out, size_t *n)
{
    const mn_index *set;
    size_t k, m = 0;
    if (mn_graph_node_set(r->g, name, &set, &k) != MN_OK)
        return cli_usage_error(cmd, "the network has no node set \"%s\"", name);
    size_t nn = mn_graph_node_count(r->g);
    if (!r->used && !(r->used = calloc(nn ? nn : 1, 1))) return cli_error(cmd, "out of memory");
    free(r->tmp);
    if (!(r->tmp = malloc((k ? k : 1) * sizeof *r->tmp))) return cli_error(cmd, "out of memory");
    for (size_t i = 0; i < k; i++) {
        if (r->used[set[i]]) {
            r->shared++;
            continue;
        }
        r->used[set[i]] = 1;
        r->tmp[m++] = set[i];
    }
    if (m == 0)
        return cli_error(cmd, "electrode \"%s\": all its %zu nodes belong to earlier electrodes "
                              "(use a smaller --electrode-radius or fewer electrodes)", name, k);
    *out = r->tmp;
    *n = m;
    return 0;
}

static void rig_free(rig *r)
{
    free(r->used);
    free(r->tmp);
    mn_reservoir_free(r->res);
    mn_network_free(r->net);
    mn_graph_free(r->g);
    memset(r, 0, sizeof *r);
}

/* split "a,b,c" into at most cap names (pointers into a copy kept in *buf) */
static size_t split_names(const char *text, char **buf, const char **names, size_t cap)
{
    *buf = malloc(strlen(text) + 1);
    if (!*buf) return 0;
    strcpy(*buf, text);
    size_t n = 0;
    for (char *p = *buf; p && *p && n < cap;) {
        names[n++] = p;
        p = strchr(p, ',');
        if (p) *p++ = '\0';
    }
    return n;
}

static int build_network(const char *cmd, const opts *o, rig *r)
{
    mn_context *ctx = r->ctx;
    mn_status st;
    if (o->network) {
        if ((st = mn_graph_load(&r->g, ctx, o->network))) return cli_fail(cmd, ctx, st);
        return 0;
    }
    mn_gen *gen = NULL;
    if ((st = mn_gen_new(&gen, ctx))) return cli_fail(cmd, ctx, st);
    double W = o->width, H = o->height;
    if (!(W > 0)) W = H = sqrt((double)o->wires / o->density);
    char name[32];
    st = mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)o->seed);
    if (!st) st = mn_gen_set_int(gen, MN_GEN_WIRES, o->wires);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_WIDTH, W);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_HEIGHT, H);
    for (long k = 0; !st && k < o->n_in; k++) {
        snprintf(name, sizeof name, "in%ld", k);
        st = mn_gen_add_electrode_disc(gen, name, 0.0, ((double)k + 0.5) * H / (double)o->n_in,
                                       o->radius);
    }
    for (long k = 0; !st && k < o->n_out; k++) {
        snprintf(name, sizeof name, "out%ld", k);
        st = mn_gen_add_electrode_disc(gen, name, W, ((double)k + 0.5) * H / (double)o->n_out,
                                       o->radius);
    }
    if (!st) st = mn_gen_nanowires(&r->g, gen);
    mn_gen_free(gen);
    if (st) return cli_fail(cmd, ctx, st);
    /* probes: the node nearest to each point of the vertical middle line */
    for (long k = 0; k < o->n_probe; k++) {
        double px = W / 2, py = ((double)k + 0.5) * H / (double)o->n_probe, best = INFINITY;
        const double *x = mn_graph_node_x(r->g), *y = mn_graph_node_y(r->g);
        mn_index node = -1;
        for (size_t i = 0; i < mn_graph_node_count(r->g); i++) {
            double d = (x[i] - px) * (x[i] - px) + (y[i] - py) * (y[i] - py);
            if (d < best) {
                best = d;
                node = (mn_index)i;
            }
        }
        snprintf(name, sizeof name, "probe%ld", k);
        if (node < 0 || (st = mn_graph_set_node_set(r->g, name, &node, 1)))
            return cli_fail(cmd, ctx, st ? st : MN_ERR_INTERNAL);
    }
    return 0;
}

static int build_rig(const char *cmd, const opts *o, int scalar, rig *r)
{
    mn_status st;
    if (cli_context_new(&r->ctx)) return cli_error(cmd, "out of memory");
    mn_context *ctx = r->ctx;
    if (build_network(cmd, o, r)) return 1;
    mn_model *model = NULL;
    if ((st = mn_model_new(&model, ctx, o->model))) {
        cli_fail(cmd, ctx, st);
        return st == MN_ERR_NOT_FOUND ? 2 : 1; /* an unknown model name is a usage error */
    }
    for (int k = 0; k < o->nsets; k++) {
        const char *eq = strchr(o->sets[k], '=');
        char pname[64];
        if (!eq || eq == o->sets[k] || (size_t)(eq - o->sets[k]) >= sizeof pname) {
            mn_model_free(model);
            return cli_usage_error(cmd, "--set \"%s\": expected NAME=VALUE", o->sets[k]);
        }
        memcpy(pname, o->sets[k], (size_t)(eq - o->sets[k]));
        pname[eq - o->sets[k]] = 0;
        if ((st = mn_model_set_text(model, pname, eq + 1))) {
            mn_model_free(model);
            return cli_fail(cmd, ctx, st);
        }
    }
    st = mn_network_new(&r->net, r->g);
    if (!st) st = mn_network_assign(r->net, model, NULL, 0, NULL);
    mn_model_free(model);
    if (!st) st = mn_reservoir_new(&r->res, r->net);
    if (st) return cli_fail(cmd, ctx, st);
    const char *names[256];
    char *buf = NULL;
    size_t n;
    /* inputs */
    if (o->network) {
        n = split_names(o->inputs, &buf, names, 256);
    } else {
        n = (size_t)o->n_in;
    }
    /* input scales of a scalar task: amplitude * (+-1) * (0.5 + 0.5 U), sign and U from the
     * memnet RNG (mask seed, stream 5); of the digits: the amplitude */
    mn_rng *mask = NULL;
    if ((st = mn_rng_new(&mask, ctx, o->mask_seed, 5))) {
        free(buf);
        return cli_fail(cmd, ctx, st);
    }
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "in%zu", k);
        double sign = (mn_rng_u64(mask) & 1) ? -1.0 : 1.0;
        double scale = scalar ? o->amplitude * sign * (0.5 + 0.5 * mn_rng_uniform(mask)) : o->amplitude;
        mn_index *nodes;
        size_t nnodes;
        int erc = electrode_nodes(cmd, r, o->network ? names[k] : name, &nodes, &nnodes);
        if (erc) {
            free(buf);
            mn_rng_free(mask);
            return erc;
        }
        st = mn_reservoir_add_input(r->res, nodes, nnodes, o->bias, scale);
        if (st) {
            free(buf);
            mn_rng_free(mask);
            return cli_fail(cmd, ctx, st);
        }
    }
    mn_rng_free(mask);
    r->n_in = n;
    free(buf);
    buf = NULL;
    n = o->network ? split_names(o->outputs, &buf, names, 256) : (size_t)o->n_out;
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "out%zu", k);
        mn_index *nodes;
        size_t nnodes;
        int erc = electrode_nodes(cmd, r, o->network ? names[k] : name, &nodes, &nnodes);
        if (erc) {
            free(buf);
            return erc;
        }
        if ((st = mn_reservoir_add_output(r->res, nodes, nnodes))) {
            free(buf);
            return cli_fail(cmd, ctx, st);
        }
    }
    r->n_out = n;
    free(buf);
    buf = NULL;
    n = o->network ? (o->probes ? split_names(o->probes, &buf, names, 256) : 0) : (size_t)o->n_probe;
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "probe%zu", k);
        if ((st = mn_reservoir_add_probe_set(r->res, o->network ? names[k] : name))) {
            free(buf);
            cli_fail(cmd, ctx, st);
            return st == MN_ERR_NOT_FOUND ? 2 : 1; /* a node-set name the network lacks */
        }
    }
    r->n_probe = n;
    free(buf);
    st = mn_reservoir_set_real(r->res, MN_RESERVOIR_STEP, o->step);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_SUBSTEPS, o->substeps);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_DELAYS, o->delays);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_INPUT_CURRENTS, o->input_currents);
    if (st) return cli_fail(cmd, ctx, st);
    return 0;
}

static void print_rig(const opts *o, const rig *r)
{
    cli_out_str("task", "%s", o->task);
    cli_out("nodes=%zu\nedges=%zu\n", mn_graph_node_count(r->g), mn_graph_edge_count(r->g));
    if (!o->network) cli_out("wires=%ld\nseed=%llu\n", o->wires, o->seed);
    cli_out("inputs=%zu\noutputs=%zu\nprobes=%zu\nshared_electrode_nodes=%zu\n", r->n_in, r->n_out,
            r->n_probe, r->shared);
    cli_out("features=%zu\ndelays=%ld\nstep=%.17g\nsubsteps=%ld\namplitude=%.17g\nbias=%.17g\n",
            mn_reservoir_feature_count(r->res), o->delays, o->step, o->substeps, o->amplitude,
            o->bias);
    cli_out_str("model", "%s", o->model);
}

/* run the reservoir on u (n x n_in): features (n x p), malloc'ed; prints the run times */
static int drive(const char *cmd, rig *r, const double *u, size_t n, double **F)
{
    size_t p = mn_reservoir_feature_count(r->res);
    *F = malloc(n * p * sizeof **F);
    if (!*F) return cli_error(cmd, "out of memory (%zu x %zu features)", n, p);
    double w0 = wall_now(), c0 = cpu_now();
    cli_sigint_install(1);
    mn_status st = mn_reservoir_run(*F, r->res, u, n);
    cli_sigint_restore();
    double w1 = wall_now(), c1 = cpu_now();
    if (st) return cli_fail(cmd, r->ctx, st);
    cli_out("reservoir_steps=%zu\nreservoir_wall_seconds=%.3f\nreservoir_cpu_seconds=%.3f\n", n,
            w1 - w0, c1 - c0);
    cli_out("kirchhoff_solves=%llu\n",
            (unsigned long long)mn_sim_stat_get(mn_reservoir_sim(r->res), MN_SIM_STAT_SOLVES));
    return 0;
}

/* raw baseline features: the inputs and D delayed copies (zeros before the start) */
static double *raw_features(const double *u, size_t n, size_t q, size_t D)
{
    double *R = calloc(n * q * (D + 1), sizeof *R);
    if (!R) return NULL;
    for (size_t k = 0; k < n; k++)
        for (size_t d = 0; d <= D && d <= k; d++)
            memcpy(R + k * q * (D + 1) + d * q, u + (k - d) * q, q * sizeof *R);
    return R;
}

static mn_readout *new_readout(const char *cmd, mn_context *ctx, long folds)
{
    mn_readout *rd = NULL;
    mn_status st = mn_readout_new(&rd, ctx);
    if (!st) st = mn_readout_set_int(rd, MN_READOUT_FOLDS, folds);
    if (st) {
        cli_fail(cmd, ctx, st);
        mn_readout_free(rd);
        return NULL;
    }
    return rd;
}

/* fit on rows [w, w + ntr), predict every row, NMSE on the rows after; returns 0/1 */
static int regress(const char *cmd, mn_context *ctx, long folds, const double *X, size_t n,
                   size_t p, const double *y, size_t w, size_t ntr, double *pred, double *nmse,
                   double *lambda)
{
    mn_readout *rd = new_readout(cmd, ctx, folds);
    if (!rd) return 1;
    mn_status st = mn_readout_fit(rd, X + w * p, ntr, p, y + w, 1);
    if (!st) st = mn_readout_predict(pred, rd, X, n);
    if (!st) st = mn_readout_nmse(nmse, y + w + ntr, pred + w + ntr, n - w - ntr);
    *lambda = mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0);
    mn_readout_free(rd);
    if (st) return cli_fail(cmd, ctx, st);
    return 0;
}

static FILE *open_out(const char *cmd, const opts *o)
{
    if (!o->out) return NULL;
    FILE *f = fopen(o->out, "w");
    if (!f) cli_error(cmd, "cannot open %s: %s", o->out, strerror(errno));
    return f;
}

static int close_out(const char *cmd, const opts *o, FILE *f)
{
    if (!f) return 0;
    int bad = ferror(f);
    if (fclose(f) || bad) return cli_error(cmd, "writing %s failed", o->out);
    cli_out_str("out", "%s", o->out);
    return 0;
}

static const char *split_name(size_t k, size_t w, size_t ntr)
{
    return k < w ? "washout" : k < w + ntr ? "train" : "test";
}

/* a regression task: u (n scalar inputs), y (n targets) */
static int run_regression(const char *cmd, const opts *o, const double *u, const double *y, size_t n)
{
    rig r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    double *F = NULL, *R = NULL, *U = NULL, *pr = NULL, *pb = NULL;
    FILE *f = NULL;
    int brc = build_rig(cmd, o, 1, &r);
    if (brc) {
        rc = brc;
        goto done;
    }
    print_rig(o, &r);
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
    if (drive(cmd, &r, U, n, &F)) goto done;
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    if (!(R = raw_features(u, n, 1, D))) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    double s_res, s_base, l_res, l_base, c0 = cpu_now(), w0 = wall_now();
    if (regress(cmd, r.ctx, o->folds, F, n, p, y, w, ntr, pr, &s_res, &l_res)) goto done;
    if (regress(cmd, r.ctx, o->folds, R, n, D + 1, y, w, ntr, pb, &s_base, &l_base)) goto done;
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\n", w, ntr, n - w - ntr);
    cli_out("score_name=nmse\nscore=%.6g\nbaseline=%.6g\nnrmse=%.6g\nbaseline_nrmse=%.6g\n", s_res,
            s_base, sqrt(s_res), sqrt(s_base));
    cli_out("lambda=%.3g\nbaseline_lambda=%.3g\nreadout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n",
            l_res, l_base, cpu_now() - c0, wall_now() - w0);
    if (o->out) {
        if (!(f = open_out(cmd, o))) goto done;
        cli_write_provenance(f, "task=%s\nscore=%.6g\nbaseline=%.6g\n", o->task, s_res, s_base);
        fprintf(f, "step,set,u,target,reservoir,baseline\n");
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%zu,%s,%.9g,%.9g,%.9g,%.9g\n", k, split_name(k, w, ntr), u[k], y[k], pr[k],
                    pb[k]);
        FILE *ff = f;
        f = NULL;
        if (close_out(cmd, o, ff)) goto done;
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
    rig_free(&r);
    mn_context_free(ctx);
    return rc;
}

/* ------------------------------------------------------------------ tasks */

static int task_sine(const char *cmd, const opts *o, int doubled)
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
static int task_mackey_glass(const char *cmd, const opts *o)
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
static int task_narma(const char *cmd, const opts *o)
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

static int task_memory(const char *cmd, const opts *o)
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
    int brc = build_rig(cmd, o, 1, &r);
    if (brc) {
        rc = brc;
        goto done;
    }
    print_rig(o, &r);
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
    if (drive(cmd, &r, U, n, &F)) goto done;
    size_t p = mn_reservoir_feature_count(r.res), D = (size_t)o->delays;
    if (!(R = raw_features(u, n, 1, D))) goto done;
    double total, btotal, c0 = cpu_now(), w0 = wall_now();
    if (!(rd = new_readout(cmd, r.ctx, o->folds))) goto done;
    mn_status st = mn_readout_memory_capacity(mc, &total, rd, F, n, p, u, kmax, w, ntr);
    if (!st) st = mn_readout_memory_capacity(mb, &btotal, rd, R, n, D + 1, u, kmax, w, ntr);
    if (st) {
        cli_fail(cmd, r.ctx, st);
        goto done;
    }
    cli_out("washout=%zu\ntrain_steps=%zu\ntest_steps=%zu\nkmax=%zu\n", w, ntr, n - w - ntr, kmax);
    cli_out("score_name=memory_capacity\nscore=%.6g\nbaseline=%.6g\nmc0=%.6g\nbaseline_mc0=%.6g\n",
            total, btotal, mc[0], mb[0]);
    cli_out("readout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n", cpu_now() - c0, wall_now() - w0);
    if (o->out) {
        if (!(f = open_out(cmd, o))) goto done;
        cli_write_provenance(f, "task=memory\nscore=%.6g\nbaseline=%.6g\n", total, btotal);
        fprintf(f, "delay,reservoir,baseline\n");
        for (size_t k = 0; k <= kmax; k++) fprintf(f, "%zu,%.9g,%.9g\n", k, mc[k], mb[k]);
        FILE *ff = f;
        f = NULL;
        if (close_out(cmd, o, ff)) goto done;
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
    rig_free(&r);
    mn_context_free(ctx);
    return rc;
}

/* ------------------------------------------------------------------ digits */

/* 65 numbers per line: 64 pixels then the label; grows as data is seen */
static int read_digits(const char *cmd, const char *path, double **pix, int32_t **lab, size_t *n)
{
    size_t cap = 0, k = 0;
    double *P = NULL;
    int32_t *L = NULL;
    char line[4096];
#ifdef MN_CLI_HAVE_ZLIB
    gzFile gz = gzopen(path, "rb");
    if (!gz) return cli_error(cmd, "--digits %s: cannot open (%s)", path, strerror(errno));
#define NEXT_LINE() gzgets(gz, line, sizeof line)
#else
    FILE *fp = fopen(path, "r");
    if (!fp) return cli_error(cmd, "--digits %s: cannot open (%s)", path, strerror(errno));
    if (strlen(path) > 3 && !strcmp(path + strlen(path) - 3, ".gz")) {
        fclose(fp);
        return cli_error(cmd, "--digits %s: this memnet was built without zlib: give the "
                              "uncompressed CSV", path);
    }
#define NEXT_LINE() fgets(line, sizeof line, fp)
#endif
    size_t lineno = 0;
    int rc = 0;
    while (NEXT_LINE()) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || !*s) continue;
        if (k == cap) {
            size_t nc = cap ? 2 * cap : 256;
            double *np = realloc(P, nc * 64 * sizeof *P);
            if (np) P = np;
            int32_t *nl = realloc(L, nc * sizeof *L);
            if (nl) L = nl;
            if (!np || !nl) {
                rc = cli_error(cmd, "out of memory");
                break;
            }
            cap = nc;
        }
        for (int j = 0; j < 65 && !rc; j++) {
            char *end;
            errno = 0;
            double v = strtod(s, &end);
            if (end == s || errno || !isfinite(v) || v < 0 || (j < 64 && v > 16) ||
                (j == 64 && (v > 9 || v != floor(v))))
                rc = cli_error(cmd, "--digits %s line %zu: value %d is not a pixel 0..16 / a label "
                                    "0..9", path, lineno, j + 1);
            else if (j < 64) P[k * 64 + (size_t)j] = v / 16.0;
            else L[k] = (int32_t)v;
            s = end;
            while (*s == ' ' || *s == ',' || *s == '\t') s++;
        }
        if (rc) break;
        k++;
    }
#ifdef MN_CLI_HAVE_ZLIB
    gzclose(gz);
#else
    fclose(fp);
#endif
#undef NEXT_LINE
    if (!rc && k < 20) rc = cli_error(cmd, "--digits %s: %zu digits, need at least 20", path, k);
    if (rc) {
        free(P);
        free(L);
        return 1;
    }
    *pix = P;
    *lab = L;
    *n = k;
    return 0;
}

static int task_digits(const char *cmd, const opts *o)
{
    rig r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    double *pix = NULL, *U = NULL, *F = NULL, *X = NULL, *Xr = NULL;
    int32_t *lab = NULL, *pr = NULL, *pb = NULL;
    size_t *order = NULL;
    mn_rng *rng = NULL;
    mn_readout *rd = NULL;
    FILE *f = NULL;
    size_t n = 0;
    if (read_digits(cmd, o->digits, &pix, &lab, &n)) return 1;
    if (o->limit > 0 && (size_t)o->limit < n) n = (size_t)o->limit;
    int brc = build_rig(cmd, o, 0, &r);
    if (brc) {
        rc = brc;
        goto done;
    }
    print_rig(o, &r);
    size_t q = r.n_in, chunks = (64 + q - 1) / q, rest = (size_t)o->rest, per = chunks + rest;
    size_t B = mn_reservoir_feature_count(r.res) / ((size_t)o->delays + 1);
    /* presentation order: shuffled by the task seed (Fisher-Yates) */
    order = malloc(n * sizeof *order);
    U = calloc(n * per * q, sizeof *U);
    pr = malloc(n * sizeof *pr);
    pb = malloc(n * sizeof *pb);
    int32_t *lo = malloc(n * sizeof *lo);
    if (!order || !U || !pr || !pb || !lo || mn_rng_new(&rng, r.ctx, o->task_seed, 13)) {
        free(lo);
        cli_error(cmd, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)mn_rng_below(rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        lo[i] = lab[order[i]];
        for (size_t px = 0; px < 64; px++) U[(i * per + px / q) * q + px % q] = pix[order[i] * 64 + px];
    }
    if (drive(cmd, &r, U, n * per, &F)) {
        free(lo);
        goto done;
    }
    /* per digit: the base features of its `chunks` steps (delays are not needed: every step
     * of the digit is already in the vector) */
    size_t P = mn_reservoir_feature_count(r.res), pd = chunks * B;
    X = malloc(n * pd * sizeof *X);
    Xr = malloc(n * 64 * sizeof *Xr);
    if (!X || !Xr) {
        free(lo);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < chunks; c++)
            memcpy(X + i * pd + c * B, F + (i * per + c) * P, B * sizeof *X);
        memcpy(Xr + i * 64, pix + order[i] * 64, 64 * sizeof *Xr);
    }
    size_t ntr = (size_t)floor(o->train * (double)n);
    if (ntr < (size_t)(2 * o->folds) || n - ntr < 1) {
        free(lo);
        rc = cli_usage_error(cmd, "--train %g leaves %zu training and %zu test digits", o->train, ntr,
                             n - ntr);
        goto done;
    }
    double acc, bacc, c0 = cpu_now(), w0 = wall_now();
    if (!(rd = new_readout(cmd, r.ctx, o->folds))) {
        free(lo);
        goto done;
    }
    mn_status st = mn_readout_fit_classes(rd, X, ntr, pd, lo, 10);
    if (!st) st = mn_readout_classify(pr, rd, X, n);
    if (!st) st = mn_readout_accuracy(&acc, lo + ntr, pr + ntr, n - ntr);
    double lam = mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0);
    double cva = mn_readout_stat_get(rd, MN_READOUT_STAT_CV_ACCURACY, 0);
    if (!st) st = mn_readout_fit_classes(rd, Xr, ntr, 64, lo, 10);
    if (!st) st = mn_readout_classify(pb, rd, Xr, n);
    if (!st) st = mn_readout_accuracy(&bacc, lo + ntr, pb + ntr, n - ntr);
    if (st) {
        free(lo);
        cli_fail(cmd, r.ctx, st);
        goto done;
    }
    cli_out("digits=%zu\nsteps_per_digit=%zu\nrest_steps=%zu\ntrain_digits=%zu\ntest_digits=%zu\n",
            n, chunks, rest, ntr, n - ntr);
    cli_out("readout_features=%zu\nbaseline_features=64\n", pd);
    cli_out("score_name=accuracy\nscore=%.6g\nbaseline=%.6g\nlambda=%.3g\ncv_accuracy=%.6g\n"
            "baseline_lambda=%.3g\nbaseline_cv_accuracy=%.6g\n",
            acc, bacc, lam, cva, mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0),
            mn_readout_stat_get(rd, MN_READOUT_STAT_CV_ACCURACY, 0));
    cli_out("readout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n", cpu_now() - c0, wall_now() - w0);
    if (o->out) {
        if (!(f = open_out(cmd, o))) {
            free(lo);
            goto done;
        }
        cli_write_provenance(f, "task=digits\nscore=%.6g\nbaseline=%.6g\n", acc, bacc);
        fprintf(f, "index,digit,set,label,reservoir,baseline\n");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%zu,%zu,%s,%d,%d,%d\n", i, order[i], i < ntr ? "train" : "test", (int)lo[i],
                    (int)pr[i], (int)pb[i]);
        FILE *ff = f;
        f = NULL;
        if (close_out(cmd, o, ff)) {
            free(lo);
            goto done;
        }
    }
    free(lo);
    rc = 0;
done:
    if (f) fclose(f);
    mn_readout_free(rd);
    mn_rng_free(rng);
    free(pix);
    free(lab);
    free(order);
    free(U);
    free(F);
    free(X);
    free(Xr);
    free(pr);
    free(pb);
    mn_context *ctx = r.ctx;
    rig_free(&r);
    mn_context_free(ctx);
    return rc;
}

/* ------------------------------------------------------------------ options */

static int parse_long_min(const char *cmd, const char *opt, const char *text, long lo, long *out)
{
    if (cli_parse_long(cmd, opt, text, out)) return 2;
    if (*out < lo) return cli_usage_error(cmd, "%s %s: must be >= %ld", opt, text, lo);
    return 0;
}

static int parse_pos(const char *cmd, const char *opt, const char *text, double *out)
{
    if (cli_parse_double(cmd, opt, text, out)) return 2;
    if (!(*out > 0) || !isfinite(*out))
        return cli_usage_error(cmd, "%s %s: must be a finite number > 0", opt, text);
    return 0;
}

int mn_cli_reservoir(int argc, char **argv)
{
    const char *cmd = "reservoir";
    opts o;
    memset(&o, 0, sizeof o);
    o.wires = 3000;
    o.density = 10;
    o.radius = 0.5;
    o.seed = 1;
    o.mask_seed = 1;
    o.task_seed = 1;
    o.n_in = 5;
    o.n_out = 3;
    o.model = "miranda";
    o.step = 1;
    o.substeps = 4;
    o.amplitude = 2;
    o.bias = 1;
    o.input_currents = 1;
    o.period = 20;
    o.horizon = 1;
    o.kmax = 30;
    o.rest = 1;
    o.washout = -1;
    o.folds = 5;
    o.mg_sample = 1;
    o.train = 0.7;
    o.digits = DIGITS_DEFAULT;
    o.steps = -1;
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *v;
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if (a[0] != '-') {
            if (o.task) return cli_usage_error(cmd, "two tasks given: \"%s\" and \"%s\"", o.task, a);
            o.task = a;
            continue;
        }
        if (cli_flag(a, "--no-input-currents")) {
            o.input_currents = 0;
            continue;
        }
#define LONGOPT(name, var, lo)                                                                  \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if ((rc = parse_long_min(cmd, name, v, lo, &var))) return rc;                           \
        continue;                                                                               \
    }
#define POSOPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if ((rc = parse_pos(cmd, name, v, &var))) return rc;                                    \
        continue;                                                                               \
    }
#define U64OPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        if (cli_parse_u64(cmd, name, v, &var)) return 2;                                        \
        continue;                                                                               \
    }
#define STROPT(name, var)                                                                       \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        var = v;                                                                                \
        continue;                                                                               \
    }
        LONGOPT("--wires", o.wires, 1)
        POSOPT("--density", o.density)
        POSOPT("--width", o.width)
        POSOPT("--height", o.height)
        U64OPT("--seed", o.seed)
        LONGOPT("--n-inputs", o.n_in, 1)
        LONGOPT("--n-outputs", o.n_out, 0)
        LONGOPT("--n-probes", o.n_probe, 0)
        POSOPT("--electrode-radius", o.radius)
        STROPT("--network", o.network)
        STROPT("--inputs", o.inputs)
        STROPT("--outputs", o.outputs)
        STROPT("--probes", o.probes)
        STROPT("--model", o.model)
        POSOPT("--step", o.step)
        LONGOPT("--substeps", o.substeps, 1)
        U64OPT("--mask-seed", o.mask_seed)
        LONGOPT("--delays", o.delays, 0)
        LONGOPT("--steps", o.steps, 20)
        LONGOPT("--period", o.period, 2)
        LONGOPT("--horizon", o.horizon, 0)
        POSOPT("--mg-sample", o.mg_sample)
        LONGOPT("--kmax", o.kmax, 0)
        STROPT("--digits", o.digits)
        LONGOPT("--limit", o.limit, 20)
        LONGOPT("--rest", o.rest, 0)
        LONGOPT("--washout", o.washout, 0)
        LONGOPT("--folds", o.folds, 2)
        U64OPT("--task-seed", o.task_seed)
        STROPT("--out", o.out)
        if ((v = cli_opt_value(argc, argv, &i, "--amplitude")) != NULL) {
            if (cli_parse_double(cmd, "--amplitude", v, &o.amplitude) || !isfinite(o.amplitude))
                return cli_usage_error(cmd, "--amplitude %s: must be a finite number", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--bias")) != NULL) {
            if (cli_parse_double(cmd, "--bias", v, &o.bias) || !isfinite(o.bias))
                return cli_usage_error(cmd, "--bias %s: must be a finite number", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--train")) != NULL) {
            if (cli_parse_double(cmd, "--train", v, &o.train) || !(o.train > 0 && o.train < 1))
                return cli_usage_error(cmd, "--train %s: must be a fraction in (0, 1)", v);
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--set")) != NULL) {
            if (o.nsets == (int)(sizeof o.sets / sizeof o.sets[0]))
                return cli_usage_error(cmd, "too many --set options");
            o.sets[o.nsets++] = v;
            continue;
        }
#undef LONGOPT
#undef POSOPT
#undef U64OPT
#undef STROPT
        return cli_usage_error(cmd, "unknown option \"%s\" (see memnet reservoir --help)", a);
    }
    if (!o.task) return cli_usage_error(cmd, "a TASK is required (see memnet reservoir --help)");
    if (o.network && (!o.inputs || !o.outputs))
        return cli_usage_error(cmd, "--network needs --inputs SET,... and --outputs SET,...");
    if (!o.network && (o.inputs || o.outputs || o.probes))
        return cli_usage_error(cmd, "--inputs/--outputs/--probes name sets of a --network file");
    if ((o.width > 0) != (o.height > 0))
        return cli_usage_error(cmd, "give both --width and --height (or neither)");
    if (!o.network && o.n_out + o.n_probe == 0)
        return cli_usage_error(cmd, "--n-outputs 0 and --n-probes 0: nothing to read out");
    int digits = !strcmp(o.task, "digits");
    if (o.washout < 0) o.washout = digits ? 0 : 100;
    if (o.steps < 0) o.steps = !strncmp(o.task, "sine-", 5) ? 1000 : 2000;
    if (!strcmp(o.task, "memory") && o.washout < o.kmax)
        return cli_usage_error(cmd, "--washout %ld must be >= --kmax %ld", o.washout, o.kmax);
    if (!strcmp(o.task, "sine-square")) return task_sine(cmd, &o, 0);
    if (!strcmp(o.task, "sine-double")) return task_sine(cmd, &o, 1);
    if (!strcmp(o.task, "mackey-glass")) return task_mackey_glass(cmd, &o);
    if (!strcmp(o.task, "narma10")) return task_narma(cmd, &o);
    if (!strcmp(o.task, "memory")) return task_memory(cmd, &o);
    if (digits) return task_digits(cmd, &o);
    return cli_usage_error(cmd, "unknown task \"%s\" (sine-square, sine-double, mackey-glass, "
                                "narma10, memory, digits)", o.task);
}
