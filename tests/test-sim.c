/* Time stepper: waveforms (values and breakpoints against their formulas), spec parser, bad
 * input. The network tests are in tests/sim/test-sim-net.c. */
#include "mn-test.h"
#include "sim/sim-private.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* reference square pulse: independent formula */
static double pulse_ref(double t, double hi, double lo, double w, double P, long n, double d)
{
    if (t < d) return lo;
    double k = floor((t - d) / P);
    if (n > 0 && k >= n) return lo;
    return (t - d - k * P) < w ? hi : lo;
}

START_TEST(test_waveform_values)
{
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.25));
    ck_assert(mn_waveform_value(w, -3) == 0.25 && mn_waveform_value(w, 1e9) == 0.25);
    ck_assert(isinf(mn_waveform_next_breakpoint(w, 0)));
    mn_waveform_free(w);

    /* pulse: 2 V for 0.3 s every 1 s, 3 pulses, delay 0.5, low 0.1 */
    MN_ASSERT_OK(ctx, mn_waveform_new_pulse(&w, ctx, 2.0, 0.1, 0.3, 1.0, 3, 0.5));
    for (double t = -1; t < 6; t += 0.0137)
        MN_ASSERT_ABS(mn_waveform_value(w, t), pulse_ref(t, 2.0, 0.1, 0.3, 1.0, 3, 0.5), 0);
    /* edges: right limit is the new level, left limit the old one */
    ck_assert(mn_waveform_value(w, 0.5) == 2.0 && mn_waveform_value_left(w, 0.5) == 0.1);
    ck_assert(mn_waveform_value(w, 0.8) == 0.1 && mn_waveform_value_left(w, 0.8) == 2.0);
    /* breakpoints: 0.5, 0.8, 1.5, 1.8, 2.5, 2.8, then none */
    double expect[] = { 0.5, 0.8, 1.5, 1.8, 2.5, 2.8 };
    double t = -1;
    for (int i = 0; i < 6; i++) {
        t = mn_waveform_next_breakpoint(w, t);
        MN_ASSERT_ABS(t, expect[i], 1e-15);
    }
    ck_assert(isinf(mn_waveform_next_breakpoint(w, t)));
    mn_waveform_free(w);

    /* triangle 0 -> 1 -> 0 with period 2, symmetric */
    MN_ASSERT_OK(ctx, mn_waveform_new_triangle(&w, ctx, 0.0, 1.0, 2.0, 1.0, 0, 0.0));
    for (double s = 0; s < 10; s += 0.173) {
        double ph = fmod(s, 2.0);
        double ref = ph < 1 ? ph : 2 - ph;
        MN_ASSERT_ABS(mn_waveform_value(w, s), ref, 1e-14);
    }
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0.0), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 1.0), 2.0, 1e-15);
    mn_waveform_free(w);

    /* ramp */
    MN_ASSERT_OK(ctx, mn_waveform_new_ramp(&w, ctx, 1.0, 3.0, 2.0, 4.0));
    MN_ASSERT_ABS(mn_waveform_value(w, 0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 3), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 9), 3.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 2.5), 4.0, 0);
    mn_waveform_free(w);

    /* sine */
    MN_ASSERT_OK(ctx, mn_waveform_new_sine(&w, ctx, 0.5, 3.0, 0.25, 0.1, 0.0));
    for (double s = 0; s < 2; s += 0.0371)
        MN_ASSERT_ABS(mn_waveform_value(w, s), 0.1 + 0.5 * sin(2 * 3.14159265358979323846 * 3 * s + 0.25),
                      1e-14);
    mn_waveform_free(w);

    /* pwl with a jump at t = 1 */
    double tt[] = { 0, 1, 1, 3 }, vv[] = { 0, 2, 5, 1 };
    MN_ASSERT_OK(ctx, mn_waveform_new_pwl(&w, ctx, tt, vv, 4));
    MN_ASSERT_ABS(mn_waveform_value(w, -1), 0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 0.5), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value_left(w, 1.0), 2.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 1.0), 5.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 2.0), 3.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 7.0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 1), 3.0, 0);

    /* sum: pwl + 2 * dc */
    mn_waveform *d = NULL, *sum = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&d, ctx, 0.5));
    const mn_waveform *terms[] = { w, d };
    double wts[] = { 1.0, 2.0 };
    MN_ASSERT_OK(ctx, mn_waveform_new_sum(&sum, ctx, terms, wts, 2));
    mn_waveform_free(w);
    mn_waveform_free(d); /* the sum holds copies */
    MN_ASSERT_ABS(mn_waveform_value(sum, 0.5), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(sum, 0.5), 1.0, 0);
    mn_waveform_free(sum);
}
END_TEST

static double cb_fn(double t, void *u) { return *(double *)u * t * t; }

START_TEST(test_waveform_callback_and_file)
{
    double k = 3.0;
    double bp[] = { 2.0, 1.0 };
    mn_waveform *w = NULL, *c = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_callback(&w, ctx, cb_fn, &k, bp, 2));
    MN_ASSERT_ABS(mn_waveform_value(w, 2.0), 12.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0.0), 1.0, 0); /* sorted */
    MN_ASSERT_OK(ctx, mn_waveform_copy(&c, w));
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(c, 1.0), 2.0, 0);
    mn_waveform_free(w);
    mn_waveform_free(c);

    const char *path = mn_test_tmpfile("sim-pwl.csv");
    FILE *f = fopen(path, "w");
    fputs("t,V\n# comment\n0,0\n1.5, 3\n2\t1\n", f);
    fclose(f);
    MN_ASSERT_OK(ctx, mn_waveform_new_pwl_file(&w, ctx, path));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.75), 1.5, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 1.75), 2.0, 1e-15);
    mn_waveform_free(w);
    f = fopen(path, "w");
    fputs("0,0\n1,x\n", f);
    fclose(f);
    MN_ASSERT_ERR(ctx, mn_waveform_new_pwl_file(&w, ctx, path), MN_ERR_PARSE, "line 2");
    ck_assert_ptr_null(w);
    MN_ASSERT_ERR(ctx, mn_waveform_new_pwl_file(&w, ctx, "/nonexistent/x.csv"), MN_ERR_IO,
                  "/nonexistent/x.csv");
}
END_TEST

START_TEST(test_waveform_parse)
{
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:1.5"));
    MN_ASSERT_ABS(mn_waveform_value(w, 3), 1.5, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pwl:0:0,1:2,3:2"));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.5), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 2.5), 2.0, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pulse:2:0.3:1:3:0.5:0.1"));
    for (double t = -1; t < 6; t += 0.0137)
        MN_ASSERT_ABS(mn_waveform_value(w, t), pulse_ref(t, 2.0, 0.1, 0.3, 1.0, 3, 0.5), 0);
    mn_waveform_free(w);
    /* the 000 Fig. 2a protocol: 2 V for 100 s, then 0.1 V (a sum with an exponent 1e+2) */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:1e+2:1e3:1"));
    MN_ASSERT_ABS(mn_waveform_value(w, 50), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 150), 0.1, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0), 100.0, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "step:0.1:2:5"));
    ck_assert(mn_waveform_value(w, 4.9) == 0.1 && mn_waveform_value(w, 5) == 2.0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "sine:1:2:0.5"));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.125), 1.5, 1e-15);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "tri:0:1:2"));
    MN_ASSERT_ABS(mn_waveform_value(w, 1.5), 0.5, 1e-15);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "ramp:0:1:0:4"));
    MN_ASSERT_ABS(mn_waveform_value(w, 1), 0.25, 1e-15);
    mn_waveform_free(w);

    /* bad specs: the message quotes the bad part */
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "dc:abc"), MN_ERR_PARSE, "\"abc\"");
    ck_assert_ptr_null(w);
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "square:1"), MN_ERR_PARSE, "\"square\"");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pulse:1:2"), MN_ERR_PARSE, "too few");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pulse:1:-2:3"), MN_ERR_RANGE, "-2");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pwl:0:1,2"), MN_ERR_PARSE, "too few");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pwl:1:1,0:2"), MN_ERR_RANGE, "before");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "dc:nan"), MN_ERR_PARSE, "nan");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, ""), MN_ERR_PARSE, "empty");
    MN_ASSERT_ERR(ctx, mn_waveform_new_dc(&w, ctx, NAN), MN_ERR_RANGE, "nan");
    MN_ASSERT_ERR(ctx, mn_waveform_new_sine(&w, ctx, 1, 0, 0, 0, 0), MN_ERR_RANGE, "frequency 0");
    ck_assert_ptr_null(w);
}
END_TEST


/* ================================================================ networks */

typedef struct built {
    mn_graph *g;
    mn_network *net;
    mn_model *model;
    mn_sim *sim;
} built;

/* graph from edge arrays, every edge with model `name`, parameters "k=v" */
static void build(built *b, size_t nn, size_t m, const mn_index *u, const mn_index *v,
                  const char *name, const char *const *sets, size_t nsets)
{
    memset(b, 0, sizeof *b);
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b->g, ctx, nn, m, u, v));
    MN_ASSERT_OK(ctx, mn_model_new(&b->model, ctx, name));
    for (size_t i = 0; i < nsets; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(b->model, sets[i]));
    MN_ASSERT_OK(ctx, mn_network_new(&b->net, b->g));
    MN_ASSERT_OK(ctx, mn_network_assign(b->net, b->model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&b->sim, b->net));
}

static void unbuild(built *b)
{
    mn_sim_free(b->sim);
    mn_network_free(b->net);
    mn_model_free(b->model);
    mn_graph_free(b->g);
}

/* two electrodes: node a at waveform w, node c grounded */
static void two_terminal(built *b, mn_index a, mn_index c, const mn_waveform *w)
{
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(b->sim, &a, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(b->sim, &c, 1, NULL, NULL));
}

/* miranda parameters used below (003 Table 1 rates, Gmin > 0 so the graph stays connected) */
static const char *const mir_sets[] = { "kP0=5e-4", "kD0=5e-2", "etaP=10", "etaD=10", "Gmin=1e-2",
                                        "Gmax=1", "unipolar=1" };
#define KP0 5e-4
#define KD0 5e-2
#define ETA 10.0
#define GMIN 1e-2
#define GMAX 1.0

/* 003 eq 9: g after dt at constant |V| */
static double mir_exact(double g0, double V, double dt)
{
    double kP = KP0 * exp(ETA * fabs(V)), kD = KD0 * exp(-ETA * fabs(V));
    double ginf = kP / (kP + kD);
    return ginf + (g0 - ginf) * exp(-(kP + kD) * dt);
}
static double mir_G(double g) { return GMIN + (GMAX - GMIN) * g; }

typedef struct series {
    size_t ns; /* states of the network (x1 = state 1 if there is one) */
    size_t n, cap;
    double *t, *V, *I, *x0, *x1;
} series;

static void series_push(series *s, double t, double V, double I, double x0, double x1)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->t = realloc(s->t, s->cap * sizeof(double));
        s->V = realloc(s->V, s->cap * sizeof(double));
        s->I = realloc(s->I, s->cap * sizeof(double));
        s->x0 = realloc(s->x0, s->cap * sizeof(double));
        s->x1 = realloc(s->x1, s->cap * sizeof(double));
    }
    s->t[s->n] = t;
    s->V[s->n] = V;
    s->I[s->n] = I;
    s->x0[s->n] = x0;
    s->x1[s->n] = x1;
    s->n++;
}
static void series_free(series *s)
{
    free(s->t), free(s->V), free(s->I), free(s->x0), free(s->x1);
    size_t ns = s->ns;
    memset(s, 0, sizeof *s);
    s->ns = ns;
}

static int record_cb(const mn_sim *sim, void *u)
{
    series *s = u;
    const double *x = mn_sim_states(sim);
    series_push(s, mn_sim_time(sim), mn_sim_applied_voltage(sim, 0), mn_sim_electrode_current(sim, 0),
                s->ns > 0 ? x[0] : NAN, s->ns > 1 ? x[1] : NAN);
    return 0;
}

/* one junction at constant V: g(t) and I(t) = G(g) V against 003 eq 9 */
START_TEST(test_one_edge_closed_form)
{
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    build(&b, 2, 1, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.3));
    two_terminal(&b, 0, 1, w);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.05));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    series r = { .ns = 1 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 2.0));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 100.0));
    ck_assert_uint_eq(r.n, 51);
    for (size_t i = 0; i < r.n; i++) {
        double g = mir_exact(0.05, 0.3, r.t[i]);
        MN_ASSERT_ABS(r.t[i], 2.0 * (double)i, 1e-12);
        MN_ASSERT_REL(r.x0[i], g, 1e-8);
        MN_ASSERT_REL(r.I[i], mir_G(g) * 0.3, 1e-8);
    }
    MN_ASSERT_REL(mn_sim_effective_conductance(b.sim), mir_G(mir_exact(0.05, 0.3, 100.0)), 1e-8);
    /* Newton on the preconditioner's blocks alone (the default): exact here, one junction
       between fixed potentials has no coupling through the network; no Jacobian-vector product */
    ck_assert_uint_gt(mn_sim_stat_get(b.sim, MN_SIM_STAT_NEWTON_ITERS), 0);
    ck_assert_uint_eq(mn_sim_stat_get(b.sim, MN_SIM_STAT_JV), 0);
    series_free(&r);
    unbuild(&b);
}
END_TEST

/* square pulses: the closed form piece by piece, edges exact (no smearing across the edge) */
START_TEST(test_one_edge_pulses)
{
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    build(&b, 2, 1, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    /* 0.5 V for 3 s every 7 s from t = 1, 0.05 V otherwise */
    MN_ASSERT_OK(ctx, mn_waveform_new_pulse(&w, ctx, 0.5, 0.05, 3.0, 7.0, 0, 1.0));
    two_terminal(&b, 0, 1, w);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.2));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    series r = { .ns = 1 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 30.0));
    /* reference: exact update between the pulse edges */
    double g = 0.2, tr = 0.0;
    for (size_t i = 0; i < r.n; i++) {
        while (tr < r.t[i]) {
            double nb = mn_waveform_next_breakpoint(w, tr);
            double tn = nb < r.t[i] ? nb : r.t[i];
            g = mir_exact(g, mn_waveform_value(w, tr), tn - tr);
            tr = tn;
        }
        MN_ASSERT_REL(r.x0[i], g, 1e-8);
        MN_ASSERT_REL(r.I[i], mir_G(g) * mn_waveform_value(w, r.t[i]), 1e-8);
    }
    mn_waveform_free(w);
    series_free(&r);
    unbuild(&b);
}
END_TEST

/* two equal junctions in series see V/2 each, in parallel V each: closed forms */
START_TEST(test_series_parallel)
{
    for (int par = 0; par < 2; par++) {
        built b;
        mn_index us[] = { 0, 1 }, vs[] = { 1, 2 };
        mn_index up[] = { 0, 0 }, vp[] = { 1, 1 };
        build(&b, par ? 2 : 3, 2, par ? up : us, par ? vp : vs, "miranda", mir_sets, 7);
        mn_waveform *w;
        MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.6));
        two_terminal(&b, 0, par ? 1 : 2, w);
        mn_waveform_free(w);
        MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.1));
        MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
        series r = { .ns = 2 };
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 1.0));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
        MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 40.0));
        for (size_t i = 0; i < r.n; i++) {
            double Ve = par ? 0.6 : 0.3;
            double g = mir_exact(0.1, Ve, r.t[i]);
            double Geff = par ? 2 * mir_G(g) : mir_G(g) / 2;
            MN_ASSERT_REL(r.x0[i], g, 1e-8);
            MN_ASSERT_REL(r.x1[i], g, 1e-8);
            MN_ASSERT_REL(r.I[i], Geff * 0.6, 1e-8);
        }
        series_free(&r);
        unbuild(&b);
    }
}
END_TEST

/* series of two different junctions: independent RK4 of the 2-state ODE with V1 = V G2/(G1+G2) */
static void series_rhs(const double *g, double V, double *f)
{
    double G1 = mir_G(g[0]), G2 = mir_G(g[1]);
    double V1 = V * G2 / (G1 + G2), V2 = V - V1;
    double Vs[2] = { V1, V2 };
    for (int i = 0; i < 2; i++) {
        double kP = KP0 * exp(ETA * fabs(Vs[i])), kD = KD0 * exp(-ETA * fabs(Vs[i]));
        f[i] = kP * (1 - g[i]) - kD * g[i];
    }
}

START_TEST(test_series_unequal_rk4)
{
    built b;
    mn_index u[] = { 0, 1 }, v[] = { 1, 2 };
    build(&b, 3, 2, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.8));
    two_terminal(&b, 0, 2, w);
    mn_waveform_free(w);
    double x0[2] = { 0.02, 0.4 };
    MN_ASSERT_OK(ctx, mn_sim_init_states(b.sim, 0.0, x0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    series r = { .ns = 2 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 5.0));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 60.0));
    double g[2] = { 0.02, 0.4 }, h = 1e-3;
    long step = 0;
    for (size_t i = 0; i < r.n; i++) {
        while ((double)step * h < r.t[i] - 0.5 * h) {
            double k1[2], k2[2], k3[2], k4[2], y[2];
            series_rhs(g, 0.8, k1);
            for (int j = 0; j < 2; j++) y[j] = g[j] + 0.5 * h * k1[j];
            series_rhs(y, 0.8, k2);
            for (int j = 0; j < 2; j++) y[j] = g[j] + 0.5 * h * k2[j];
            series_rhs(y, 0.8, k3);
            for (int j = 0; j < 2; j++) y[j] = g[j] + h * k3[j];
            series_rhs(y, 0.8, k4);
            for (int j = 0; j < 2; j++) g[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            step++;
        }
        MN_ASSERT_REL(r.x0[i], g[0], 1e-8);
        MN_ASSERT_REL(r.x1[i], g[1], 1e-8);
        double G1 = mir_G(g[0]), G2 = mir_G(g[1]);
        MN_ASSERT_REL(r.I[i], 0.8 * G1 * G2 / (G1 + G2), 1e-7);
    }
    series_free(&r);
    unbuild(&b);
}
END_TEST

/* a small coupled network: a 2x3 ladder with a diagonal */
static built ladder(int integrator, double dt, double rtol)
{
    built b;
    mn_index u[] = { 0, 1, 0, 2, 3, 2, 4, 1, 1 }, v[] = { 1, 3, 2, 3, 5, 4, 5, 2, 4 };
    build(&b, 6, 9, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_pulse(&w, ctx, 0.9, 0.1, 4.0, 10.0, 0, 0.5));
    two_terminal(&b, 0, 5, w);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_random(b.sim, 0.0, 0.0, 0.3, 42));
    MN_ASSERT_OK(ctx, mn_sim_set_integrator(b.sim, integrator));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, rtol, rtol * 1e-3));
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(b.sim, dt));
    return b;
}

static double max_rel_diff(const series *a, const series *c)
{
    ck_assert_uint_eq(a->n, c->n);
    double m = 0;
    for (size_t i = 0; i < a->n; i++) {
        ck_assert(a->t[i] == c->t[i]);
        double d = fabs(a->I[i] - c->I[i]) / fabs(c->I[i]);
        if (d > m) m = d;
    }
    return m;
}

static void run_series(built *b, double t_end, double dt_out, series *r)
{
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b->sim, 0.0, dt_out));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b->sim, record_cb, r));
    MN_ASSERT_OK(ctx, mn_sim_run(b->sim, t_end));
}

/* Independent reference for the ladder: classical RK4 (h = 1e-3, the pulse edges fall on
 * step boundaries) of the 9 miranda rates (003 eq. 9 rates with |V|) with the edge voltages
 * from a dense Kirchhoff solve (mn_test_dense_solve) of the four free nodes at each stage;
 * returns the source current at the sample times of `at` (independent of lib/sim). */
static const mn_index LAD_U[9] = { 0, 1, 0, 2, 3, 2, 4, 1, 1 }, LAD_V[9] = { 1, 3, 2, 3, 5, 4, 5, 2, 4 };

static double ladder_V(double t) { return pulse_ref(t, 0.9, 0.1, 4.0, 10.0, 0, 0.5); }

static double ladder_solve(const double *g, double Vs, double *ve)
{
    double A[16] = { 0 }, rhs[4] = { 0 }, phi[6] = { Vs, 0, 0, 0, 0, 0 };
    for (int e = 0; e < 9; e++) {
        int a = (int)LAD_U[e], c = (int)LAD_V[e];
        double G = mir_G(g[e]);
        int fa = a >= 1 && a <= 4, fc = c >= 1 && c <= 4;
        if (fa) A[(a - 1) * 4 + a - 1] += G;
        if (fc) A[(c - 1) * 4 + c - 1] += G;
        if (fa && fc) A[(a - 1) * 4 + c - 1] -= G, A[(c - 1) * 4 + a - 1] -= G;
        if (fa && c == 0) rhs[a - 1] += G * Vs;
        if (fc && a == 0) rhs[c - 1] += G * Vs;
    }
    ck_assert_int_eq(mn_test_dense_solve(A, rhs, 4), 0);
    for (int k = 0; k < 4; k++) phi[k + 1] = rhs[k];
    double I = 0;
    for (int e = 0; e < 9; e++) {
        ve[e] = phi[LAD_U[e]] - phi[LAD_V[e]];
        if (LAD_U[e] == 0) I += mir_G(g[e]) * ve[e];
    }
    return I;
}

static void ladder_rhs(const double *g, double Vs, double *f)
{
    double ve[9];
    ladder_solve(g, Vs, ve);
    for (int e = 0; e < 9; e++) {
        double kP = KP0 * exp(ETA * fabs(ve[e])), kD = KD0 * exp(-ETA * fabs(ve[e]));
        f[e] = kP * (1 - g[e]) - kD * g[e];
    }
}

static void ladder_rk4(const double *x_init, const series *at, series *out)
{
    double g[9], h = 1e-3, ve[9];
    memcpy(g, x_init, sizeof g);
    long step = 0;
    for (size_t i = 0; i < at->n; i++) {
        while ((double)step * h < at->t[i] - 0.5 * h) {
            double Vs = ladder_V(((double)step + 0.5) * h); /* constant within the step */
            double k1[9], k2[9], k3[9], k4[9], y[9];
            ladder_rhs(g, Vs, k1);
            for (int j = 0; j < 9; j++) y[j] = g[j] + 0.5 * h * k1[j];
            ladder_rhs(y, Vs, k2);
            for (int j = 0; j < 9; j++) y[j] = g[j] + 0.5 * h * k2[j];
            ladder_rhs(y, Vs, k3);
            for (int j = 0; j < 9; j++) y[j] = g[j] + h * k3[j];
            ladder_rhs(y, Vs, k4);
            for (int j = 0; j < 9; j++) g[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            step++;
        }
        double Vt = ladder_V(at->t[i]);
        series_push(out, at->t[i], Vt, ladder_solve(g, Vt, ve), g[0], g[1]);
    }
}

START_TEST(test_tolerance_and_exact_step_convergence)
{
    series bdf = { .ns = 2 }, ref = { .ns = 2 }, loose = { .ns = 2 };
    built b = ladder(MN_SIM_BDF, 1, 1e-10);
    double x_init[9];
    ck_assert_uint_eq(mn_network_state_count(b.net), 9);
    memcpy(x_init, mn_sim_states(b.sim), sizeof x_init); /* the random initial states (input) */
    run_series(&b, 20.0, 0.5, &bdf);
    unbuild(&b);
    /* the reference is the independent RK4 of the ladder, not another lib/sim run */
    ladder_rk4(x_init, &bdf, &ref);
    ck_assert_uint_eq(ref.n, 41);
    for (size_t i = 0; i < ref.n; i++) {
        MN_ASSERT_REL(bdf.x0[i], ref.x0[i], 1e-7);
        MN_ASSERT_REL(bdf.x1[i], ref.x1[i], 1e-7);
    }
    double d = max_rel_diff(&bdf, &ref);
    printf("ladder vs RK4: BDF rtol 1e-10 %g\n", d);
    ck_assert_msg(d < 1e-8, "BDF rtol 1e-10 vs RK4: max relative difference %g", d);
    b = ladder(MN_SIM_BDF, 1, 1e-8);
    run_series(&b, 20.0, 0.5, &loose);
    unbuild(&b);
    double dl = max_rel_diff(&loose, &ref);
    printf("ladder vs RK4: BDF rtol 1e-8 %g\n", dl);
    ck_assert_msg(dl < 1e-6, "BDF rtol 1e-8 vs RK4: max relative difference %g", dl);
    /* second check: the tightened tolerance is closer to the truth, and the two runs differ */
    ck_assert_msg(d <= dl, "rtol 1e-10 (%g) not closer to RK4 than rtol 1e-8 (%g)", d, dl);
    d = max_rel_diff(&loose, &bdf);
    ck_assert_msg(d < 1e-5 && d > 0, "rtol 1e-8 vs 1e-10: max relative difference %g", d);
    series_free(&bdf);
    /* Adams agrees with RK4 too */
    series ad = { .ns = 2 };
    b = ladder(MN_SIM_ADAMS, 1, 1e-10);
    run_series(&b, 20.0, 0.5, &ad);
    unbuild(&b);
    d = max_rel_diff(&ad, &ref);
    printf("ladder vs RK4: Adams rtol 1e-10 %g\n", d);
    ck_assert_msg(d < 1e-8, "Adams vs RK4: %g", d);
    series_free(&ad);

    /* fixed-step exact-exponential: first order against the RK4 reference, error -> 0 as dt -> 0 */
    double err[3], dts[3] = { 0.05, 0.025, 0.0125 };
    for (int k = 0; k < 3; k++) {
        series fx = { .ns = 2 };
        b = ladder(MN_SIM_EXACT, dts[k], 1e-10);
        run_series(&b, 20.0, 0.5, &fx);
        unbuild(&b);
        err[k] = max_rel_diff(&fx, &ref);
        series_free(&fx);
    }
    for (int k = 0; k < 2; k++) {
        double order = log(err[k] / err[k + 1]) / log(2.0);
        ck_assert_msg(order > 0.85 && order < 1.2, "observed order %g (errors %g %g)", order, err[k],
                      err[k + 1]);
    }
    printf("ladder vs RK4: exact-step errors %g %g %g\n", err[0], err[1], err[2]);
    ck_assert_msg(err[2] < 1e-2, "exact step error %g", err[2]);
    /* explicit Euler converges as well */
    series eu = { .ns = 2 };
    b = ladder(MN_SIM_EULER, 0.0125, 1e-10);
    run_series(&b, 20.0, 0.5, &eu);
    unbuild(&b);
    d = max_rel_diff(&eu, &ref);
    ck_assert_msg(d < 0.05, "Euler dt 0.0125: %g", d);
    series_free(&eu);
    series_free(&ref);
    series_free(&loose);
}
END_TEST

/* mn_sim_set_newton: both Newton iterations of BDF and Adams agree with the independent RK4
 * of the ladder at the accuracy of rtol 1e-8; the block iteration (and AUTO's choice for this
 * network without event functions) makes no Jacobian-vector product, the Krylov one does; an
 * unknown value is refused by name */
START_TEST(test_newton_choices)
{
    series ref = { .ns = 2 };
    built b = ladder(MN_SIM_BDF, 1, 1e-8);
    double x_init[9];
    memcpy(x_init, mn_sim_states(b.sim), sizeof x_init);
    MN_ASSERT_ERR(ctx, mn_sim_set_newton(b.sim, (mn_sim_newton)7), MN_ERR_RANGE, "Newton iteration 7");
    unbuild(&b);
    static const int integ[2] = { MN_SIM_BDF, MN_SIM_ADAMS };
    static const mn_sim_newton newton[3] = { MN_SIM_NEWTON_BLOCKS, MN_SIM_NEWTON_KRYLOV,
                                             MN_SIM_NEWTON_AUTO };
    static const char *const name[3] = { "blocks", "krylov", "auto" };
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++) {
            series r = { .ns = 2 };
            b = ladder(integ[i], 1, 1e-8);
            MN_ASSERT_OK(ctx, mn_sim_set_newton(b.sim, newton[k]));
            run_series(&b, 20.0, 0.5, &r);
            if (!ref.n) ladder_rk4(x_init, &r, &ref);
            double d = max_rel_diff(&r, &ref);
            uint64_t jv = mn_sim_stat_get(b.sim, MN_SIM_STAT_JV);
            uint64_t nit = mn_sim_stat_get(b.sim, MN_SIM_STAT_NEWTON_ITERS);
            uint64_t nf = mn_sim_stat_get(b.sim, MN_SIM_STAT_NEWTON_FAILS);
            printf("ladder vs RK4, %s, Newton %s: %g (%llu Newton iterations, %llu failed, %llu Jv)\n",
                   i ? "Adams" : "BDF", name[k], d, (unsigned long long)nit,
                   (unsigned long long)nf, (unsigned long long)jv);
            ck_assert_msg(d < 1e-6, "rtol 1e-8 vs RK4: max relative difference %g", d);
            ck_assert_uint_gt(nit, 0);
            ck_assert_uint_le(nf, nit);
            if (newton[k] == MN_SIM_NEWTON_KRYLOV) ck_assert_uint_gt(jv, 0);
            else ck_assert_uint_eq(jv, 0);
            unbuild(&b);
            series_free(&r);
        }
    series_free(&ref);
}
END_TEST

/* Tellegen: the energy delivered by the source equals the energy dissipated in the edges;
 * and it equals the quadrature of the sampled source power */
typedef struct pw { double t0, p0, sum; int have; } pw;
static int power_cb(const mn_sim *sim, void *u)
{
    pw *q = u;
    double p = mn_sim_applied_voltage(sim, 0) * mn_sim_electrode_current(sim, 0);
    double t = mn_sim_time(sim);
    if (q->have) q->sum += 0.5 * (p + q->p0) * (t - q->t0);
    q->t0 = t, q->p0 = p, q->have = 1;
    return 0;
}

START_TEST(test_energy_tellegen)
{
    built b = ladder(MN_SIM_BDF, 1, 1e-10);
    /* a smooth drive so the trapezoid rule on samples is a fair reference */
    mn_sim_free(b.sim);
    MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_sine(&w, ctx, 0.4, 0.05, 0.0, 0.5, 0.0));
    two_terminal(&b, 0, 5, w);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_random(b.sim, 0.0, 0.0, 0.3, 7));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    MN_ASSERT_OK(ctx, mn_sim_set_energy_tracking(b.sim, 1));
    pw q = { 0 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.01));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, power_cb, &q));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 20.0));
    double es, ee;
    MN_ASSERT_OK(ctx, mn_sim_energy(b.sim, &es, &ee));
    ck_assert(es > 0);
    MN_ASSERT_REL(es, ee, 1e-9);
    MN_ASSERT_REL(q.sum, es, 1e-5);
    unbuild(&b);
}
END_TEST

/* checkpoint: the run that saves and continues equals a run resumed from the file, bit for bit */
static int bits_cb(const mn_sim *sim, void *u)
{
    series *s = u;
    const double *x = mn_sim_states(sim);
    series_push(s, mn_sim_time(sim), x[3], mn_sim_electrode_current(sim, 0), x[0], x[8]);
    return 0;
}

START_TEST(test_checkpoint_bitwise)
{
    const char *path = mn_test_tmpfile("sim-checkpoint.txt");
    /* BDF and the exact step, each with the default Kirchhoff strategy (AUTO) and REFACTOR */
    for (int run = 0; run < 4; run++) {
        int integ = run / 2 ? 3 : 0, refactor = run % 2;
        series a = { 0 }, c = { 0 };
        built b = ladder(integ, 0.01, 1e-8);
        if (refactor)
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(mn_sim_kirchhoff(b.sim), MN_KIRCHHOFF_REFACTOR));
        MN_ASSERT_OK(ctx, mn_sim_set_energy_tracking(b.sim, 1));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.25));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, bits_cb, &a));
        MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 7.3));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(b.sim, path));
        MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 25.0));
        double ea, eb;
        MN_ASSERT_OK(ctx, mn_sim_energy(b.sim, &ea, NULL));
        unbuild(&b);

        b = ladder(integ, 0.01, 1e-8);
        if (refactor)
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(mn_sim_kirchhoff(b.sim), MN_KIRCHHOFF_REFACTOR));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.25));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, bits_cb, &c));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(b.sim, path));
        MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 25.0));
        MN_ASSERT_OK(ctx, mn_sim_energy(b.sim, &eb, NULL));
        unbuild(&b);
        /* c holds the samples after 7.3 */
        size_t off = a.n - c.n;
        ck_assert_uint_eq(c.n, 71);
        ck_assert(a.t[off - 1] <= 7.3 && c.t[0] > 7.3);
        for (size_t i = 0; i < c.n; i++) {
            ck_assert(a.t[off + i] == c.t[i]);
            ck_assert_msg(memcmp(&a.I[off + i], &c.I[i], sizeof(double)) == 0 &&
                              memcmp(&a.x0[off + i], &c.x0[i], sizeof(double)) == 0 &&
                              memcmp(&a.x1[off + i], &c.x1[i], sizeof(double)) == 0 &&
                              memcmp(&a.V[off + i], &c.V[i], sizeof(double)) == 0,
                          "integrator %d (refactor %d) sample %zu at t = %g differs: I %.17g vs %.17g", integ, refactor, i,
                          c.t[i], a.I[off + i], c.I[i]);
        }
        ck_assert(memcmp(&ea, &eb, sizeof ea) == 0);
        series_free(&a);
        series_free(&c);
    }
    /* a checkpoint of another network is refused, naming the sizes */
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    build(&b, 2, 1, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.3));
    two_terminal(&b, 0, 1, w);
    mn_waveform_free(w);
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(b.sim, path), MN_ERR_INVALID, "9 edges");
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(b.sim, "/nonexistent/cp"), MN_ERR_IO, "/nonexistent/cp");
    unbuild(&b);
}
END_TEST

/* filament (003 eqs 2-3) at constant V on one edge: formation and breaking times in closed form */
typedef struct evrec { size_t n; double t[64]; int kind[64]; } evrec;
static int ev_cb(double t, mn_index e, mn_sim_event_kind k, void *u)
{
    evrec *r = u;
    if (r->n < 64) r->t[r->n] = t, r->kind[r->n] = k, r->n++;
    return 0;
}

START_TEST(test_filament_events)
{
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    const char *sets[] = { "ET=10", "IT=0.01", "Gon=10", "alpha=1", "beta=200", "rd=1e-3", "rw=0.1",
                           "w0=1" };
    memset(&b, 0, sizeof b);
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b.g, ctx, 2, 1, u, v));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(b.g, 0, 0.05));
    MN_ASSERT_OK(ctx, mn_model_new(&b.model, ctx, "filament"));
    for (int i = 0; i < 8; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(b.model, sets[i]));
    MN_ASSERT_OK(ctx, mn_network_new(&b.net, b.g));
    MN_ASSERT_OK(ctx, mn_network_assign(b.net, b.model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.0));
    two_terminal(&b, 0, 1, w);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_default(b.sim, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-12));
    evrec ev = { 0 };
    MN_ASSERT_OK(ctx, mn_sim_set_event_callback(b.sim, ev_cb, &ev));
    series r = { .ns = 3 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.05));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 10.0));
    /* closed forms: growth u = L - d, du/dt = -rd (V/u - ET): T_form = (1/rd) [-L/ET - V/ET^2
     * ln(1 - ET L / V)]; thinning at I = Gon V: T_break = w0 / (rw (Gon V - IT)) */
    double L = 0.05, V = 1.0, ET = 10, rd = 1e-3;
    double Tf = (-L / ET - V / (ET * ET) * log(1 - ET * L / V)) / rd;
    double Tb = 1.0 / (0.1 * (10 * V - 0.01));
    double expect = 0;
    ck_assert_uint_eq(ev.n, (size_t)(2 * floor(10.0 / (Tf + Tb)) + (fmod(10.0, Tf + Tb) > Tf)));
    ck_assert_uint_eq(mn_sim_event_count(b.sim), ev.n);
    for (size_t i = 0; i < ev.n; i++) {
        expect += (i % 2 == 0) ? Tf : Tb;
        MN_ASSERT_REL(ev.t[i], expect, 1e-6);
        ck_assert_int_eq(ev.kind[i], i % 2 == 0 ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK);
        double te;
        mn_index e;
        mn_sim_event_kind k;
        MN_ASSERT_OK(ctx, mn_sim_event(b.sim, i, &te, &e, &k));
        ck_assert(te == ev.t[i] && e == 0 && (int)k == ev.kind[i]);
    }
    /* every jump of the recorded current has an event between the samples, and every event a jump */
    size_t jumps = 0, k = 0;
    for (size_t i = 1; i < r.n; i++) {
        double ratio = r.I[i] / r.I[i - 1];
        int jump = ratio > 8 || ratio < 1.0 / 8;
        size_t nev = 0;
        while (k < ev.n && ev.t[k] <= r.t[i]) {
            if (ev.t[k] > r.t[i - 1]) nev++;
            k++;
        }
        ck_assert_msg(jump == (nev > 0), "samples %g-%g: current %g -> %g, %zu events", r.t[i - 1],
                      r.t[i], r.I[i - 1], r.I[i], nev);
        jumps += (size_t)jump;
    }
    ck_assert_uint_eq(jumps, ev.n);
    series_free(&r);
    mn_sim_free(b.sim);

    /* the exact fixed step checks the event functions after every step: the events come at the
     * end of the step that crosses; Euler on the singular growth (rate ~ 1/(L - d)) is first order,
     * so each interval between events agrees with its closed form to ~10 steps; electrodes given
     * by name */
    mn_index n0 = 0, n1 = 1;
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(b.g, "left", &n0, 1));
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(b.g, "right", &n1, 1));
    MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(b.sim, "left", w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(b.sim, "right", NULL, NULL));
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_set_integrator(b.sim, MN_SIM_EXACT));
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(b.sim, 1e-4));
    evrec ev2 = { 0 };
    MN_ASSERT_OK(ctx, mn_sim_set_event_callback(b.sim, ev_cb, &ev2));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 6.0));
    ck_assert_uint_eq(ev2.n, 4);
    for (size_t i = 0; i < ev2.n; i++) {
        double dur = ev2.t[i] - (i ? ev2.t[i - 1] : 0.0), want = (i % 2 == 0) ? Tf : Tb;
        ck_assert_msg(fabs(dur - want) < 1e-3, "fixed-step event %zu: interval %.9g, closed form %.9g",
                      i, dur, want);
        ck_assert_int_eq(ev2.kind[i], i % 2 == 0 ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK);
    }
    unbuild(&b);
}
END_TEST


/* Regression (issue 6, bugs 1-2): the growth rate rd (|V|/(L - d) - ET) of an open filament
 * diverges at contact, so no integrator can step across d = L; formation events used to be lost
 * (or CVODE failed) depending on the steps CVODE happened to take, which depend on t_end. */
typedef struct evlog { size_t n, cap; double *t; mn_index *e; int *kind; } evlog;
static int evlog_cb(double t, mn_index e, mn_sim_event_kind k, void *u)
{
    evlog *r = u;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->t = realloc(r->t, r->cap * sizeof *r->t);
        r->e = realloc(r->e, r->cap * sizeof *r->e);
        r->kind = realloc(r->kind, r->cap * sizeof *r->kind);
    }
    r->t[r->n] = t, r->e[r->n] = e, r->kind[r->n] = (int)k, r->n++;
    return 0;
}
static void evlog_free(evlog *r) { free(r->t), free(r->e), free(r->kind), memset(r, 0, sizeof *r); }

/* one gap L = 0.5 pd at 6 V, rd = 1 (the tester's case): events at the closed-form times of
 * 003 eqs 2-3 over ~22 cycles, whatever t_end (and when the run is split in pieces) */
START_TEST(test_filament_events_t_end)
{
    const double L = 0.5, V = 6.0, ET = 10, IT = 0.01, Gon = 10, rd = 1.0, rw = 0.1, w0 = 1;
    /* closed forms (docs/models.md): u = L - d, du/dt = -rd (V/u - ET) from u = L to contact;
     * then dw/dt = -rw (Gon V - IT) from w0 to 0 */
    double Tf = (-L / ET - V / (ET * ET) * log(1 - ET * L / V)) / rd;
    double Tb = w0 / (rw * (Gon * V - IT));
    const double ends[] = { 2.0, 3.0, 5.0, 5.0 };
    for (int run = 0; run < 8; run++) {
        /* runs 0-3: memnet's default tolerances (rtol 1e-6: the formation times, which integrate
         * a singular rate, are then good to ~5e-5); runs 4-7: rtol 1e-10 (1e-6) */
        int tight = run >= 4;
        built b;
        mn_index u[] = { 0 }, v[] = { 1 };
        memset(&b, 0, sizeof b);
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b.g, ctx, 2, 1, u, v));
        MN_ASSERT_OK(ctx, mn_graph_set_edge_length(b.g, 0, L));
        MN_ASSERT_OK(ctx, mn_model_new(&b.model, ctx, "filament"));
        MN_ASSERT_OK(ctx, mn_model_set(b.model, "rd", rd));
        MN_ASSERT_OK(ctx, mn_model_set(b.model, "rw", rw));
        MN_ASSERT_OK(ctx, mn_network_new(&b.net, b.g));
        MN_ASSERT_OK(ctx, mn_network_assign(b.net, b.model, NULL, 0, NULL));
        MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
        mn_waveform *w;
        MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, V));
        two_terminal(&b, 0, 1, w);
        mn_waveform_free(w);
        if (tight) MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-14));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.1));
        evlog ev = { 0 };
        MN_ASSERT_OK(ctx, mn_sim_set_event_callback(b.sim, evlog_cb, &ev));
        double t_end = ends[run % 4];
        if (run % 4 == 3) { /* in pieces: stop times at 0.05 (just before the first formation), 1.3 */
            MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 0.05));
            MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 1.3));
        }
        MN_ASSERT_OK(ctx, mn_sim_run(b.sim, t_end));
        size_t expect_n = 0;
        for (double t = 0;; expect_n++) {
            t += expect_n % 2 == 0 ? Tf : Tb;
            if (t > t_end) break;
        }
        ck_assert_msg(ev.n == expect_n, "t_end %g (run %d): %zu events, closed form %zu", t_end,
                      run, ev.n, expect_n);
        ck_assert_uint_eq(mn_sim_event_count(b.sim), expect_n);
        double expect = 0;
        for (size_t i = 0; i < ev.n; i++) {
            expect += i % 2 == 0 ? Tf : Tb;
            ck_assert_msg(fabs(ev.t[i] - expect) <= (tight ? 1e-6 : 1e-4) * expect,
                          "t_end %g (run %d): event %zu at %.12g, closed form %.12g", t_end, run, i,
                          ev.t[i], expect);
            ck_assert_int_eq(ev.kind[i], i % 2 == 0 ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK);
            ck_assert_int_eq(ev.e[i], 0);
        }
        /* the state at the end follows the cycle: open with d > 0 or bridged */
        const double *x = mn_sim_states(b.sim);
        ck_assert(x[2] == (ev.n % 2 ? 1.0 : 0.0));
        ck_assert(x[0] >= 0 && x[0] <= L && x[1] >= 0 && x[1] <= w0);
        evlog_free(&ev);
        unbuild(&b);
    }
}
END_TEST

typedef struct gsamp { size_t m, n, cap; double *t, *G, *bridged; const size_t *off; } gsamp;
static int gsamp_cb(const mn_sim *sim, void *u)
{
    gsamp *r = u;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->t = realloc(r->t, r->cap * sizeof *r->t);
        r->G = realloc(r->G, r->cap * r->m * sizeof *r->G);
        r->bridged = realloc(r->bridged, r->cap * r->m * sizeof *r->bridged);
    }
    const double *G = mn_sim_conductances(sim), *x = mn_sim_states(sim);
    r->t[r->n] = mn_sim_time(sim);
    for (size_t e = 0; e < r->m; e++) {
        r->G[r->n * r->m + e] = G[e];
        /* filament edges have 3 states (d, w, bridged); miranda 1 */
        r->bridged[r->n * r->m + e] = r->off[e + 1] - r->off[e] == 3 ? x[r->off[e] + 2] : -1;
    }
    r->n++;
    return 0;
}

/* a nanoparticle network (003 sec. 5.1) with 3 of 4 gaps Type A (filament) and 1 of 4 Type C
 * (miranda), and with every gap Type A, under 3 V DC: runs to t_end = 10 and 20 and one split at
 * 7.05 give the same event log (edge, kind; times within the tolerances) over [0, 10]; every event is
 * the conductance jump it claims (formation: up to Gon; breaking: down), and no event is missed
 * between samples (an edge's bridged flag changes between two samples exactly when it has an
 * odd number of events between them). */
START_TEST(test_filament_network_t_end)
{
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 16));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 16));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 1));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    mn_gen_free(gen);
    size_t m = mn_graph_edge_count(g);
    mn_model *fa, *mc;
    MN_ASSERT_OK(ctx, mn_model_new(&fa, ctx, "filament"));
    /* the regime this test was written for (memnet's Type A defaults before issue 15): fast
     * growth, slow thinning, the open-gap G following the growing filament */
    MN_ASSERT_OK(ctx, mn_model_set(fa, "rd", 1e-3));
    MN_ASSERT_OK(ctx, mn_model_set(fa, "rw", 0.1));
    MN_ASSERT_OK(ctx, mn_model_set_text(fa, "tunnel", "remaining"));
    MN_ASSERT_OK(ctx, mn_model_new(&mc, ctx, "miranda"));
    for (int i = 0; i < 7; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(mc, mir_sets[i]));
    mn_index *ea = malloc(m * sizeof *ea), *ec = malloc(m * sizeof *ec);
    const double ends[] = { 10.0, 20.0, 20.0 }, tc = 10.0;
    for (int mix = 0; mix < 2; mix++) {
        size_t na = 0, nc = 0;
        for (size_t e = 0; e < m; e++) {
            if (mix && e % 4 == 3) ec[nc++] = (mn_index)e;
            else ea[na++] = (mn_index)e;
        }
        evlog logs[3] = { { 0 } };
        for (int run = 0; run < 3; run++) {
            mn_network *net;
            mn_sim *sim;
            MN_ASSERT_OK(ctx, mn_network_new(&net, g));
            MN_ASSERT_OK(ctx, mn_network_assign(net, fa, ea, na, NULL));
            if (nc) MN_ASSERT_OK(ctx, mn_network_assign(net, mc, ec, nc, NULL));
            MN_ASSERT_OK(ctx, mn_sim_new(&sim, net));
            mn_waveform *w;
            MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 3.0));
            MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(sim, "left", w, NULL));
            MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(sim, "right", NULL, NULL));
            mn_waveform_free(w);
            /* memnet's default tolerances (rtol 1e-6, atol 1e-9): the failures were there */
            MN_ASSERT_OK(ctx, mn_sim_set_event_callback(sim, evlog_cb, &logs[run]));
            gsamp smp = { .m = m, .off = mn_network_state_offsets(net) };
            MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(sim, 0.0, 0.02));
            MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(sim, gsamp_cb, &smp));
            if (run == 2) MN_ASSERT_OK(ctx, mn_sim_run(sim, 7.05));
            MN_ASSERT_OK(ctx, mn_sim_run(sim, ends[run]));
            evlog *L = &logs[run];
            ck_assert_msg(L->n >= 40, "mix %d run %d: only %zu events", mix, run, L->n);
            /* events against the sampled conductances and bridged flags */
            size_t k = 0;
            for (size_t i = 1; i < smp.n; i++) {
                size_t k0 = k;
                while (k < L->n && L->t[k] <= smp.t[i]) k++;
                for (size_t e = 0; e < m; e++) {
                    double b0 = smp.bridged[(i - 1) * m + e], b1 = smp.bridged[i * m + e];
                    double G1 = smp.G[i * m + e];
                    size_t cnt = 0;
                    int last = -1;
                    for (size_t j = k0; j < k; j++)
                        if ((size_t)L->e[j] == e) cnt++, last = L->kind[j];
                    if (b0 < 0) {
                        ck_assert_uint_eq(cnt, 0); /* Type C: no events */
                        continue;
                    }
                    ck_assert_msg((b0 != b1) == (cnt % 2 == 1),
                                  "run %d edge %zu: bridged %g -> %g between t = %g and %g with %zu events",
                                  run, e, b0, b1, smp.t[i - 1], smp.t[i], cnt);
                    if (cnt) ck_assert_int_eq(last, b1 > 0.5 ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK);
                    /* a bridged gap conducts Gon = 10 S (003 sec. 5.2), an open one alpha exp(-beta (L - d)) <= alpha */
                    if (b1 > 0.5) MN_ASSERT_REL(G1, 10.0, 1e-15);
                    else ck_assert(G1 <= 1.0);
                }
            }
            ck_assert_uint_eq(k, L->n);
            free(smp.t), free(smp.G), free(smp.bridged);
            mn_sim_free(sim);
            mn_network_free(net);
        }
        /* the same log over the common interval [0, tc], whatever t_end */
        for (int run = 1; run < 3; run++) {
            size_t n0 = 0, n1 = 0;
            while (n0 < logs[0].n && logs[0].t[n0] < tc - 1e-3) n0++;
            while (n1 < logs[run].n && logs[run].t[n1] < tc - 1e-3) n1++;
            ck_assert_msg(n0 == n1, "mix %d: t_end %g: %zu events before %g, run %d: %zu", mix, ends[0],
                          n0, tc, run, n1);
            /* per edge: the same kinds in the same order at the same times (to the tolerances;
             * events of different edges closer than that may swap places in the global log) */
            for (size_t e = 0; e < m; e++) {
                size_t i = 0, j = 0;
                for (;;) {
                    while (i < n0 && (size_t)logs[0].e[i] != e) i++;
                    while (j < n1 && (size_t)logs[run].e[j] != e) j++;
                    ck_assert_msg((i < n0) == (j < n1), "mix %d run %d edge %zu: event counts differ",
                                  mix, run, e);
                    if (i == n0) break;
                    ck_assert_int_eq(logs[0].kind[i], logs[run].kind[j]);
                    ck_assert_msg(fabs(logs[0].t[i] - logs[run].t[j]) <= 1e-3,
                                  "mix %d run %d edge %zu: event at %.9g vs %.9g", mix, run, e,
                                  logs[0].t[i], logs[run].t[j]);
                    i++, j++;
                }
            }
        }
        for (int run = 0; run < 3; run++) evlog_free(&logs[run]);
    }
    free(ea), free(ec);
    mn_model_free(fa);
    mn_model_free(mc);
    mn_graph_free(g);
}
END_TEST

/* the analytic Jacobian-vector product against a central finite difference of the RHS,
 * for miranda (bipolar, with a series EMF) and hillock, with the energy rows */
START_TEST(test_jv_finite_difference)
{
    for (int which = 0; which < 2; which++) {
        built b;
        mn_index u[] = { 0, 1, 0, 2, 3, 2, 4, 1, 1 }, v[] = { 1, 3, 2, 3, 5, 4, 5, 2, 4 };
        const char *mset[] = { "unipolar=0", "Gmin=0.05" };
        memset(&b, 0, sizeof b);
        MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b.g, ctx, 6, 9, u, v));
        double len[9];
        for (int e = 0; e < 9; e++) len[e] = 0.8 + 0.05 * e;
        MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(b.g, len));
        MN_ASSERT_OK(ctx, mn_model_new(&b.model, ctx, which ? "hillock" : "miranda"));
        if (!which)
            for (int i = 0; i < 2; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(b.model, mset[i]));
        MN_ASSERT_OK(ctx, mn_network_new(&b.net, b.g));
        MN_ASSERT_OK(ctx, mn_network_assign(b.net, b.model, NULL, 0, NULL));
        MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
        mn_waveform *w;
        MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, which ? 2.0 : 0.7));
        two_terminal(&b, 0, 5, w);
        mn_waveform_free(w);
        double emf[9] = { 0.1, -0.05, 0, 0.2, 0, 0, -0.1, 0.03, 0 };
        if (!which) MN_ASSERT_OK(ctx, mn_sim_set_emf(b.sim, emf));
        MN_ASSERT_OK(ctx, mn_sim_set_energy_tracking(b.sim, 1));
        size_t nx = mn__sim_value_count(b.sim), ns = nx - 2;
        ck_assert_uint_eq(ns, 9);
        double x[11], vv[11], xp[11], xm[11], fp[11], fm[11], Jv[11];
        mn__rng_state r;
        mn__rng_seed(&r, 3, 1);
        double hi = which ? 0.3 : 1.0; /* hillock z < D/2 */
        for (size_t i = 0; i < ns; i++) {
            x[i] = (0.1 + 0.8 * mn__rng_uniform(&r)) * hi;
            vv[i] = mn__rng_uniform(&r) - 0.5;
        }
        x[9] = x[10] = 0;
        vv[9] = vv[10] = 0;
        MN_ASSERT_OK(ctx, mn__sim_jtimes(b.sim, 0.0, x, vv, Jv));
        double h = 1e-6 * hi, nrm = 0, err = 0;
        for (size_t i = 0; i < nx; i++) xp[i] = x[i] + h * vv[i], xm[i] = x[i] - h * vv[i];
        MN_ASSERT_OK(ctx, mn__sim_rhs(b.sim, 0.0, xp, fp));
        MN_ASSERT_OK(ctx, mn__sim_rhs(b.sim, 0.0, xm, fm));
        for (size_t i = 0; i < nx; i++) {
            double fd = (fp[i] - fm[i]) / (2 * h);
            nrm = fmax(nrm, fabs(fd));
            err = fmax(err, fabs(fd - Jv[i]));
        }
        ck_assert(nrm > 0);
        ck_assert_msg(err <= 1e-6 * nrm, "%s: |Jv - FD| = %g, |FD| = %g", which ? "hillock" : "miranda",
                      err, nrm);
        unbuild(&b);
    }
}
END_TEST


/* current-controlled source on one junction: V = J / G(g), RK4 of the scalar ODE as reference */
static double cc_rhs(double g, double J)
{
    double V = J / mir_G(g);
    double kP = KP0 * exp(ETA * fabs(V)), kD = KD0 * exp(-ETA * fabs(V));
    return kP * (1 - g) - kD * g;
}

START_TEST(test_current_source)
{
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    build(&b, 2, 1, u, v, "miranda", mir_sets, 7);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.02));
    mn_index a = 0, c = 1;
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(b.sim, &c, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_set_current_source(b.sim, &a, 1, &c, 1, w));
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.01));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    double g = 0.01, h = 2e-5; /* the ODE is stiff near g = 0.01 (|lambda| ~ 5e3 /s) */
    for (int k = 1; k <= 4; k++) {
        double t_end = 5.0 * k, t_now = mn_sim_time(b.sim);
        /* step by step with mn_sim_step */
        while (t_now < t_end) MN_ASSERT_OK(ctx, mn_sim_step(b.sim, t_end, &t_now));
        ck_assert(t_now == t_end);
        for (int i = 0; i < 250000; i++) {
            double k1 = cc_rhs(g, 0.02), k2 = cc_rhs(g + 0.5 * h * k1, 0.02);
            double k3 = cc_rhs(g + 0.5 * h * k2, 0.02), k4 = cc_rhs(g + h * k3, 0.02);
            g += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        MN_ASSERT_REL(mn_sim_states(b.sim)[0], g, 1e-8);
        /* the potential of node 0 is J / G */
        MN_ASSERT_REL(mn_sim_potentials(b.sim)[0], 0.02 / mir_G(g), 1e-8);
        MN_ASSERT_REL(mn_sim_edge_currents(b.sim)[0], 0.02, 1e-12);
        MN_ASSERT_ABS(mn_sim_electrode_current(b.sim, 1), 0.02, 0);
    }
    ck_assert(g > 0.05); /* the junction did move */
    unbuild(&b);
}
END_TEST

/* snapshots: files agree with the getters; V_e = phi_u - phi_v, I_e = G_e V_e, KCL at free nodes */
static int snap_cb(const mn_sim *sim, void *u)
{
    *(double *)u = mn_sim_time(sim);
    return 0;
}

START_TEST(test_snapshots)
{
    built b = ladder(MN_SIM_BDF, 1, 1e-8);
    const char *prefix = mn_test_tmpfile("sim-snap-");
    double ts[] = { 3.0, 6.0 }, seen = -1;
    MN_ASSERT_OK(ctx, mn_sim_set_snapshots(b.sim, ts, 2, prefix, snap_cb, &seen));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 3.5));
    ck_assert(seen == 3.0);
    char path[4096];
    snprintf(path, sizeof path, "%s0-nodes.csv", prefix);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    double phi[6];
    ck_assert(fgets(line, sizeof line, f) && strncmp(line, "# t=3", 5) == 0);
    ck_assert(fgets(line, sizeof line, f));
    for (int i = 0; i < 6; i++) {
        int id;
        ck_assert(fgets(line, sizeof line, f) && sscanf(line, "%d,%lf", &id, &phi[i]) == 2 && id == i);
    }
    fclose(f);
    MN_ASSERT_ABS(phi[5], 0.0, 0);
    snprintf(path, sizeof path, "%s0-edges.csv", prefix);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert(fgets(line, sizeof line, f) && fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "edge,u,v,x0,G,V,I\n");
    double net_out[6] = { 0 };
    for (int e = 0; e < 9; e++) {
        int id, uu, vv;
        double x, G, V, I;
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_int_eq(sscanf(line, "%d,%d,%d,%lf,%lf,%lf,%lf", &id, &uu, &vv, &x, &G, &V, &I), 7);
        MN_ASSERT_REL(G, mir_G(x), 1e-14);
        MN_ASSERT_ABS(V, phi[uu] - phi[vv], 1e-14);
        MN_ASSERT_REL(I, G * V, 1e-14);
        net_out[uu] += I;
        net_out[vv] -= I;
    }
    fclose(f);
    for (int i = 1; i < 5; i++) MN_ASSERT_ABS(net_out[i], 0.0, 1e-13); /* KCL */
    unbuild(&b);
}
END_TEST


/* hillock (003 eqs 4-6): two junctions of different gaps in series against RK4 of the 2-state
 * ODE; one junction driven past its bound stays at z_max = D/2 (003 eq 6) */
static const char *const hi_sets[] = { "mu=0.05", "kappa=0.5", "alpha=1", "beta=10", "T=1",
                                       "zmax_frac=0.5", "unipolar=1" };
static double hi_rate(double z, double D, double V, double mu)
{
    return mu * fabs(V) / (D - z) - 0.5 * z;
}

static built hillock_net(size_t nn, size_t m, const mn_index *u, const mn_index *v, const double *D,
                         double mu)
{
    built b;
    memset(&b, 0, sizeof b);
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b.g, ctx, nn, m, u, v));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(b.g, D));
    MN_ASSERT_OK(ctx, mn_model_new(&b.model, ctx, "hillock"));
    for (int i = 0; i < 7; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(b.model, hi_sets[i]));
    MN_ASSERT_OK(ctx, mn_model_set(b.model, "mu", mu));
    MN_ASSERT_OK(ctx, mn_network_new(&b.net, b.g));
    MN_ASSERT_OK(ctx, mn_network_assign(b.net, b.model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
    return b;
}

START_TEST(test_hillock)
{
    mn_index u[] = { 0, 1 }, v[] = { 1, 2 };
    double D[] = { 0.8, 1.0 };
    built b = hillock_net(3, 2, u, v, D, 0.05);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.0));
    two_terminal(&b, 0, 2, w);
    double z0[2] = { 0.0, 0.05 };
    MN_ASSERT_OK(ctx, mn_sim_init_states(b.sim, 0.0, z0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    series r = { .ns = 2 };
    run_series(&b, 10.0, 1.0, &r);
    double z[2] = { 0.0, 0.05 }, h = 1e-4;
    long step = 0;
    for (size_t i = 0; i < r.n; i++) {
        while ((double)step * h < r.t[i] - 0.5 * h) {
            double k[4][2], y[2];
            for (int st = 0; st < 4; st++) {
                double c = st == 0 ? 0 : st == 3 ? 1 : 0.5;
                for (int j = 0; j < 2; j++) y[j] = z[j] + (st ? c * h * k[st - 1][j] : 0);
                double G1 = exp(-10 * (D[0] - y[0])), G2 = exp(-10 * (D[1] - y[1]));
                double V1 = G2 / (G1 + G2);
                k[st][0] = hi_rate(y[0], D[0], V1, 0.05);
                k[st][1] = hi_rate(y[1], D[1], 1.0 - V1, 0.05);
            }
            for (int j = 0; j < 2; j++) z[j] += h / 6 * (k[0][j] + 2 * k[1][j] + 2 * k[2][j] + k[3][j]);
            step++;
        }
        MN_ASSERT_REL(r.x0[i], z[0], 1e-8);
        MN_ASSERT_REL(r.x1[i], z[1], 1e-8);
        double G1 = exp(-10 * (D[0] - z[0])), G2 = exp(-10 * (D[1] - z[1]));
        MN_ASSERT_REL(r.I[i], G1 * G2 / (G1 + G2), 1e-8);
    }
    ck_assert(fabs(z[1] - 0.05) > 0.02); /* it moved */
    series_free(&r);
    unbuild(&b);

    /* past the bound: mu V / kappa = 0.4 > D^2 / 4, so z reaches D/2 = 0.3 and stays */
    mn_index u1[] = { 0 }, v1[] = { 1 };
    double D1[] = { 0.6 };
    b = hillock_net(2, 1, u1, v1, D1, 0.2);
    two_terminal(&b, 0, 1, w);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    series r1 = { .ns = 1 };
    run_series(&b, 5.0, 0.05, &r1);
    double zz = 0, hh = 1e-5, t_hit = -1;
    step = 0;
    for (size_t i = 0; i < r1.n; i++) {
        while (t_hit < 0 && (double)step * hh < r1.t[i] - 0.5 * hh) {
            double k1 = hi_rate(zz, 0.6, 1, 0.2), k2 = hi_rate(zz + 0.5 * hh * k1, 0.6, 1, 0.2);
            double k3 = hi_rate(zz + 0.5 * hh * k2, 0.6, 1, 0.2), k4 = hi_rate(zz + hh * k3, 0.6, 1, 0.2);
            zz += hh / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            step++;
            if (zz >= 0.3) t_hit = (double)step * hh;
        }
        if (t_hit < 0 || r1.t[i] < t_hit - 0.01) {
            MN_ASSERT_REL(r1.x0[i], zz, 1e-7);
        } else if (r1.t[i] > t_hit + 0.01) {
            MN_ASSERT_ABS(r1.x0[i], 0.3, 1e-12);
            MN_ASSERT_REL(r1.I[i], exp(-10 * 0.3), 1e-12);
        }
    }
    ck_assert(t_hit > 0.1 && t_hit < 4.0);
    series_free(&r1);
    unbuild(&b);
}
END_TEST


/* a network without states (fixed resistors) still samples the sources: G_eff of the
 * symmetric bridge is 1 S (two paths of two 1 S resistors; the bridge carries nothing) */
START_TEST(test_no_states)
{
    built b;
    mn_index u[] = { 0, 0, 1, 1, 2 }, v[] = { 1, 2, 2, 3, 3 };
    const char *sets[] = { "G=1" };
    build(&b, 4, 5, u, v, "resistor", sets, 1);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_sine(&w, ctx, 1.0, 0.3, 0.2, 0.5, 0.0));
    two_terminal(&b, 0, 3, w);
    series r = { .ns = 0 };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 0.25));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, record_cb, &r));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 5.0));
    ck_assert_uint_eq(r.n, 21);
    for (size_t i = 0; i < r.n; i++) {
        MN_ASSERT_ABS(r.V[i], mn_waveform_value(w, r.t[i]), 1e-15);
        MN_ASSERT_ABS(r.I[i], r.V[i], 1e-14);
    }
    mn_waveform_free(w);
    series_free(&r);
    unbuild(&b);
}
END_TEST


/* a mixed network: a miranda junction in series with a 0.05 S resistor (no state); the junction
 * sees V Gr / (Gr + G(g)); a scalar ODE integrated by RK4 as reference */
static double mixed_rhs(double g)
{
    double G = mir_G(g), Vj = 1.2 * 0.05 / (0.05 + G);
    double kP = KP0 * exp(ETA * Vj), kD = KD0 * exp(-ETA * Vj);
    return kP * (1 - g) - kD * g;
}

START_TEST(test_mixed_models)
{
    built b;
    memset(&b, 0, sizeof b);
    mn_index u[] = { 0, 1 }, v[] = { 1, 2 };
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&b.g, ctx, 3, 2, u, v));
    mn_model *res = NULL;
    MN_ASSERT_OK(ctx, mn_model_new(&b.model, ctx, "miranda"));
    for (int i = 0; i < 7; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(b.model, mir_sets[i]));
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    MN_ASSERT_OK(ctx, mn_model_set(res, "G", 0.05));
    MN_ASSERT_OK(ctx, mn_network_new(&b.net, b.g));
    mn_index e0 = 0, e1 = 1;
    MN_ASSERT_OK(ctx, mn_network_assign(b.net, res, &e0, 1, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(b.net, b.model, &e1, 1, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&b.sim, b.net));
    mn_model_free(res);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.2));
    two_terminal(&b, 0, 2, w);
    mn_waveform_free(w);
    ck_assert_uint_eq(mn_network_state_count(b.net), 1);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(b.sim, 0.0, 0.02));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(b.sim, 1e-10, 1e-13));
    MN_ASSERT_OK(ctx, mn_sim_set_energy_tracking(b.sim, 1));
    series r = { .ns = 1 };
    run_series(&b, 30.0, 3.0, &r);
    double g = 0.02, h = 1e-4;
    long step = 0;
    for (size_t i = 0; i < r.n; i++) {
        while ((double)step * h < r.t[i] - 0.5 * h) {
            double k1 = mixed_rhs(g), k2 = mixed_rhs(g + 0.5 * h * k1);
            double k3 = mixed_rhs(g + 0.5 * h * k2), k4 = mixed_rhs(g + h * k3);
            g += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            step++;
        }
        MN_ASSERT_REL(r.x0[i], g, 1e-8);
        MN_ASSERT_REL(r.I[i], 1.2 * 0.05 * mir_G(g) / (0.05 + mir_G(g)), 1e-8);
    }
    ck_assert(g > 0.1);
    double es, ee;
    MN_ASSERT_OK(ctx, mn_sim_energy(b.sim, &es, &ee));
    MN_ASSERT_REL(es, ee, 1e-9);
    series_free(&r);
    unbuild(&b);
}
END_TEST

/* bad input: every message names the bad value */
START_TEST(test_bad_input)
{
    built b;
    mn_index u[] = { 0 }, v[] = { 1 };
    build(&b, 2, 1, u, v, "miranda", mir_sets, 7);
    mn_index bad = 7, ok = 0;
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.3));
    MN_ASSERT_ERR(ctx, mn_sim_add_electrode(b.sim, &bad, 1, w, NULL), MN_ERR_RANGE, "node 7");
    MN_ASSERT_ERR(ctx, mn_sim_add_electrode_set(b.sim, "left", w, NULL), MN_ERR_NOT_FOUND, "\"left\"");
    MN_ASSERT_ERR(ctx, mn_sim_run(b.sim, 1.0), MN_ERR_STATE, "no electrode");
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(b.sim, &ok, 1, w, NULL));
    mn_waveform_free(w);
    ok = 1;
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(b.sim, &ok, 1, NULL, NULL));
    MN_ASSERT_ERR(ctx, mn_sim_init_uniform(b.sim, 0, 1.5), MN_ERR_RANGE, "1.5");
    MN_ASSERT_ERR(ctx, mn_sim_init_uniform(b.sim, 0, NAN), MN_ERR_RANGE, "nan");
    double xn = NAN;
    MN_ASSERT_ERR(ctx, mn_sim_init_states(b.sim, 0, &xn), MN_ERR_RANGE, "edge 0");
    MN_ASSERT_ERR(ctx, mn_sim_set_tolerances(b.sim, NAN, 1e-9), MN_ERR_RANGE, "rtol nan");
    MN_ASSERT_ERR(ctx, mn_sim_set_tolerances(b.sim, 1e-6, -1), MN_ERR_RANGE, "atol -1");
    MN_ASSERT_ERR(ctx, mn_sim_set_fixed_step(b.sim, 0), MN_ERR_RANGE, "step 0");
    MN_ASSERT_ERR(ctx, mn_sim_set_integrator(b.sim, (mn_sim_integrator)9), MN_ERR_RANGE, "9");
    MN_ASSERT_ERR(ctx, mn_sim_set_sample_interval(b.sim, 0, -2), MN_ERR_RANGE, "-2");
    double st[] = { 1, 0.5 };
    MN_ASSERT_ERR(ctx, mn_sim_set_sample_times(b.sim, st, 2), MN_ERR_RANGE, "0.5");
    mn_index re = 3;
    MN_ASSERT_ERR(ctx, mn_sim_record_edges(b.sim, &re, 1), MN_ERR_RANGE, "edge 3");
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 1.0));
    MN_ASSERT_ERR(ctx, mn_sim_run(b.sim, 0.5), MN_ERR_RANGE, "end time 0.5");
    MN_ASSERT_ERR(ctx, mn_sim_run(b.sim, NAN), MN_ERR_RANGE, "nan");
    MN_ASSERT_ERR(ctx, mn_sim_record_csv(b.sim, "/nonexistent/out.csv", NULL), MN_ERR_IO,
                  "/nonexistent/out.csv");
    MN_ASSERT_ERR(ctx, mn_sim_energy(b.sim, NULL, NULL), MN_ERR_STATE, "energy tracking");
    MN_ASSERT_ERR(ctx, mn_sim_event(b.sim, 0, NULL, NULL, NULL), MN_ERR_RANGE, "event 0");
    mn_index z = 0;
    MN_ASSERT_ERR(ctx, mn_sim_add_electrode(b.sim, &z, 1, NULL, NULL), MN_ERR_STATE, "started");
    /* a NaN parameter is refused by the model, naming it */
    MN_ASSERT_ERR(ctx, mn_model_set(b.model, "kP0", NAN), MN_ERR_RANGE, "kP0");
    unbuild(&b);
}
END_TEST

/* cancellation from the progress callback keeps what was computed */
static int cancel_cb(double t, double t_end, void *u)
{
    (void)t_end;
    return t > *(double *)u;
}

static int stop_at_third(const mn_sim *sim, void *u)
{
    (void)sim;
    return ++*(int *)u == 3;
}

START_TEST(test_cancel_and_csv)
{
    built b = ladder(MN_SIM_BDF, 1, 1e-8);
    const char *path = mn_test_tmpfile("sim-out.csv");
    mn_index rec[] = { 2, 4 };
    MN_ASSERT_OK(ctx, mn_sim_record_edges(b.sim, rec, 2));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(b.sim, 0.0, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_record_csv(b.sim, path, "model=miranda\nseed=42"));
    double stop = 5.5;
    MN_ASSERT_OK(ctx, mn_sim_set_progress_callback(b.sim, cancel_cb, 1, &stop));
    MN_ASSERT_ERR(ctx, mn_sim_run(b.sim, 20.0), MN_ERR_CANCELLED, "cancelled");
    double tc = mn_sim_time(b.sim);
    ck_assert(tc > 5.5 && tc < 20);
    int rows_at_cancel = (int)floor(tc) + 1;
    /* a sample callback that stops the run in the middle of CVODE's step, then resume */
    MN_ASSERT_OK(ctx, mn_sim_set_progress_callback(b.sim, NULL, 1, NULL));
    int calls = 0;
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, stop_at_third, &calls));
    MN_ASSERT_ERR(ctx, mn_sim_run(b.sim, 20.0), MN_ERR_CANCELLED, "sample callback");
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(b.sim, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 20.0));
    MN_ASSERT_OK(ctx, mn_sim_record_csv(b.sim, NULL, NULL));
    FILE *f = fopen(path, "r");
    char line[1024];
    ck_assert(fgets(line, sizeof line, f) && strcmp(line, "# model=miranda\n") == 0);
    ck_assert(fgets(line, sizeof line, f) && strcmp(line, "# seed=42\n") == 0);
    ck_assert(fgets(line, sizeof line, f) && strcmp(line, "t,V0,I0,V1,I1,G,mean_g,x2,x4\n") == 0);
    int rows = 0;
    double t, V0, I0, V1, I1, G, tprev = -1;
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &t, &V0, &I0, &V1, &I1, &G), 6);
        MN_ASSERT_ABS(t, tprev + 1.0, 1e-12); /* every sample once, in order */
        tprev = t;
        MN_ASSERT_REL(G, I0 / (V0 - V1), 1e-15);
        MN_ASSERT_REL(I1, -I0, 1e-9); /* what goes in comes out */
        rows++;
    }
    fclose(f);
    ck_assert_int_gt(rows_at_cancel, 5);
    ck_assert_int_eq(rows, 21);
    unbuild(&b);
}
END_TEST

Suite *sim_suite(void);
Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("waveforms");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_waveform_values);
    tcase_add_test(tc, test_waveform_callback_and_file);
    tcase_add_test(tc, test_waveform_parse);
    suite_add_tcase(s, tc);
    tc = tcase_create("networks");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_one_edge_closed_form);
    tcase_add_test(tc, test_one_edge_pulses);
    tcase_add_test(tc, test_series_parallel);
    tcase_add_test(tc, test_series_unequal_rk4);
    tcase_add_test(tc, test_tolerance_and_exact_step_convergence);
    tcase_add_test(tc, test_newton_choices);
    tcase_add_test(tc, test_energy_tellegen);
    tcase_add_test(tc, test_checkpoint_bitwise);
    tcase_add_test(tc, test_filament_events);
    tcase_add_test(tc, test_filament_events_t_end);
    tcase_add_test(tc, test_filament_network_t_end);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_jv_finite_difference);
    tcase_add_test(tc, test_current_source);
    tcase_add_test(tc, test_snapshots);
    tcase_add_test(tc, test_hillock);
    tcase_add_test(tc, test_no_states);
    tcase_add_test(tc, test_mixed_models);
    tcase_add_test(tc, test_cancel_and_csv);
    suite_add_tcase(s, tc);
    return s;
}

#ifndef MN_SIM_NO_MAIN
int main(void) { return mn_test_run(sim_suite()); }
#endif
