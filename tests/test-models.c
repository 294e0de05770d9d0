/*
 * Models: registry, parameters, the versioned ops table, networks (assignment by edges,
 * fractions and callback, per-edge overrides, variability, layout) and the grouped
 * gather/scatter evaluation against per-edge evaluation through the ops table.
 * The per-model conformance suite is tests/models/conformance.c.
 */
#include "mn-test.h"
#include "models/models-private.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* a path graph 0 - 1 - ... - m with edge lengths 0.05 (1 + (e mod 5) / 10) */
static mn_graph *path_graph(size_t m, int lengths)
{
    mn_graph *g;
    mn_index *u = malloc((m + 1) * sizeof *u), *v = malloc((m + 1) * sizeof *v);
    for (size_t e = 0; e < m; e++) u[e] = (mn_index)e, v[e] = (mn_index)e + 1;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, m + 1, m, u, v));
    free(u);
    free(v);
    if (lengths)
        for (size_t e = 0; e < m; e++)
            MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, (mn_index)e, 0.05 * (1 + (double)(e % 5) / 10)));
    return g;
}

START_TEST(test_registry)
{
    const char *names[] = { "miranda", "hillock", "strukov_hp", "strukov_cb", "filament", "resistor",
                            "atomic_switch", "tunnel_switch", "vteam" };
    ck_assert_uint_eq(mn_model_builtin_count(), 9);
    for (size_t i = 0; i < 9; i++) {
        const mn_model_ops *o = mn_model_find(names[i]);
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->name, names[i]);
        ck_assert_ptr_eq(mn_model_builtin(i), o);
        ck_assert_uint_eq(o->struct_size, sizeof(mn_model_ops));
        ck_assert_ptr_nonnull(o->conductance);
        /* every memristive model takes unipolar */
        int has_uni = 0;
        for (size_t p = 0; p < o->n_params; p++) has_uni |= !strcmp(o->params[p].name, "unipolar");
        ck_assert_int_eq(has_uni, strcmp(names[i], "resistor") != 0);
    }
    ck_assert_ptr_null(mn_model_builtin(9));
    ck_assert_ptr_null(mn_model_find("nope"));
    ck_assert_ptr_null(mn_model_find(NULL));
    /* the parameter names of the issue */
    const char *mi[] = { "k_p", "k_d", "eta_p", "eta_d", "G_min", "G_max", "unipolar" };
    const char *hi[] = { "mu", "kappa", "alpha", "beta", "T", "g_max", "unipolar" };
    const char *hp[] = { "Ron", "Roff", "k", "tau", "window", "p" };
    const char *cb[] = { "Ron", "Roff", "alpha", "gamma" };
    const char *fi[] = { "ET", "IT", "Gon", "alpha", "beta", "rd", "rw", "w0" };
    mn_model *m;
    double v;
    struct { const char *model; const char **p; size_t n; } want[] = {
        { "miranda", mi, 7 }, { "hillock", hi, 7 }, { "strukov_hp", hp, 6 },
        { "strukov_cb", cb, 4 }, { "filament", fi, 8 },
    };
    for (size_t i = 0; i < 5; i++) {
        MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, want[i].model));
        for (size_t p = 0; p < want[i].n; p++) MN_ASSERT_OK(ctx, mn_model_get(m, want[i].p[p], &v));
        mn_model_free(m);
    }
    /* the canonical names are listed; the spellings of 003 Table 1 are aliases of the same
       parameter (lib/core/param-names.c), shared with the mean-field models */
    {
        const mn_model_ops *o = mn_model_find("miranda");
        for (size_t p = 0; p < 7; p++) ck_assert_str_eq(o->params[p].name, mi[p]);
        const char *alias[] = { "kP0", "kD0", "etaP", "etaD", "Gmin", "Gmax" };
        MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "miranda"));
        for (size_t p = 0; p < 6; p++) {
            double a, b;
            MN_ASSERT_OK(ctx, mn_model_set(m, alias[p], 0.25 + (double)p / 8));
            MN_ASSERT_OK(ctx, mn_model_get(m, mi[p], &a));
            MN_ASSERT_OK(ctx, mn_model_get(m, alias[p], &b));
            ck_assert(a == 0.25 + (double)p / 8 && b == a);
        }
        /* an out-of-range value names both spellings */
        MN_ASSERT_ERR(ctx, mn_model_set(m, "kP0", -1), MN_ERR_RANGE, "k_p (alias kP0)");
        mn_model_free(m);
        MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "hillock"));
        MN_ASSERT_OK(ctx, mn_model_set(m, "zmax_frac", 0.25));
        MN_ASSERT_OK(ctx, mn_model_get(m, "g_max", &v)); ck_assert(v == 0.25);
        MN_ASSERT_ERR(ctx, mn_model_get(m, "kP0", &v), MN_ERR_NOT_FOUND, "kP0");
        mn_model_free(m);
    }
    /* defaults from 003 Table 1 and sec. 5.2 */
    MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "kP0", &v)); ck_assert(v == 5e-4);
    MN_ASSERT_OK(ctx, mn_model_get(m, "kD0", &v)); ck_assert(v == 5e-2);
    MN_ASSERT_OK(ctx, mn_model_get(m, "etaP", &v)); ck_assert(v == 10);
    MN_ASSERT_OK(ctx, mn_model_get(m, "Gmax", &v)); ck_assert(v == 1);
    MN_ASSERT_OK(ctx, mn_model_get(m, "Gmin", &v)); ck_assert(v > 0); /* not 0: see docs */
    mn_model_free(m);
    MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "hillock"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "mu", &v)); ck_assert(v == 3.46e-5);
    MN_ASSERT_OK(ctx, mn_model_get(m, "kappa", &v)); ck_assert(v == 3.8e-2);
    MN_ASSERT_OK(ctx, mn_model_get(m, "alpha", &v)); ck_assert(v == 10);
    MN_ASSERT_OK(ctx, mn_model_get(m, "T", &v)); ck_assert(v == 20);
    MN_ASSERT_OK(ctx, mn_model_get(m, "zmax_frac", &v)); ck_assert(v == 0.5);
    mn_model_free(m);
    MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "filament"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "ET", &v)); ck_assert(v == 10);
    MN_ASSERT_OK(ctx, mn_model_get(m, "IT", &v)); ck_assert(v == 0.01);
    MN_ASSERT_OK(ctx, mn_model_get(m, "Gon", &v)); ck_assert(v == 10);
    MN_ASSERT_OK(ctx, mn_model_get(m, "beta", &v)); ck_assert(v == 200);
    mn_model_free(m);
    MN_ASSERT_ERR(ctx, mn_model_new(&m, ctx, "memristorX"), MN_ERR_NOT_FOUND, "memristorX");
    ck_assert_ptr_null(m);
    ck_assert(strstr(mn_context_last_error(ctx), "miranda") != NULL); /* lists the known ones */
    mn_model_free(NULL);
}
END_TEST

START_TEST(test_parameters_text_and_choices)
{
    mn_model *m;
    double v;
    MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "strukov_hp"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "window", &v));
    ck_assert(v == 1.0); /* joglekar */
    MN_ASSERT_OK(ctx, mn_model_set_assignment(m, "window=biolek"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "window", &v));
    ck_assert(v == 2.0);
    MN_ASSERT_OK(ctx, mn_model_set_text(m, "window", "prodromakis"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "window", &v));
    ck_assert(v == 3.0);
    MN_ASSERT_OK(ctx, mn_model_set_text(m, "window", "0"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "window", &v));
    ck_assert(v == 0.0);
    MN_ASSERT_ERR(ctx, mn_model_set_assignment(m, "window=hanning"), MN_ERR_PARSE, "hanning");
    ck_assert(strstr(mn_context_last_error(ctx), "joglekar") != NULL);
    MN_ASSERT_OK(ctx, mn_model_set_assignment(m, "tau=inf"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "tau", &v));
    ck_assert(isinf(v));
    MN_ASSERT_OK(ctx, mn_model_set_assignment(m, "Ron=2.5e2"));
    MN_ASSERT_OK(ctx, mn_model_get(m, "Ron", &v));
    ck_assert(v == 250.0);
    MN_ASSERT_ERR(ctx, mn_model_set_assignment(m, "=3"), MN_ERR_PARSE, "=3");
    MN_ASSERT_ERR(ctx, mn_model_set_assignment(m, "Ron="), MN_ERR_PARSE, "Ron");
    MN_ASSERT_ERR(ctx, mn_model_set(m, "unipolar", 2), MN_ERR_RANGE, "unipolar");
    MN_ASSERT_ERR(ctx, mn_model_set(m, "Ron", -5), MN_ERR_RANGE, "-5");
    MN_ASSERT_ERR(ctx, mn_model_get(m, "Rn", &v), MN_ERR_NOT_FOUND, "Rn");
    mn_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ the versioned ops table */

static int lin_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = MN_PARAM(b, 0, i) * (1 + x[i]);
    return 0;
}
static int lin_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                    double *r)
{
    for (size_t i = 0; i < b->n; i++) r[i] = V[i] - x[i];
    return 0;
}
static int bogus_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                         const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) J[i] = 12345.0; /* wrong on purpose: must never be used */
    return 0;
}
static int fail_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                     double *r)
{
    return 7;
}

START_TEST(test_custom_ops_versioning)
{
    static const mn_param_info par[1] = {
        { sizeof(mn_param_info), "G0", "S", "base conductance", MN_PARAM_REAL, 2.0, 0.0, 10.0, NULL },
    };
    mn_model_ops ops = MN_MODEL_OPS_INIT;
    ops.name = "lin";
    ops.n_states = 1;
    ops.n_params = 1;
    ops.params = par;
    ops.conductance = lin_G;
    ops.rate = lin_rate;
    ops.rate_dx = bogus_rate_dx;
    /* an old caller that only knew the table up to `rate`: the rest must read as zero */
    ops.struct_size = offsetof(mn_model_ops, rate_dx);
    mn_model *m;
    MN_ASSERT_OK(ctx, mn_model_new_custom(&m, ctx, &ops));
    const mn_model_ops *c = mn_model_ops_of(m);
    ck_assert_uint_eq(c->struct_size, sizeof(mn_model_ops));
    ck_assert_ptr_null(c->rate_dx);
    ck_assert_ptr_null(c->exact_step);
    ck_assert_ptr_nonnull(c->rate);
    ck_assert_ptr_ne(c->params, par); /* the library's own copy */
    /* the library's finite-difference fallback gives d(V - x)/dx = -1, not the bogus value */
    mn_graph *g = path_graph(3, 0);
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    double x[3] = { 0.1, 0.5, -0.2 }, V[3] = { 1, 2, 3 }, I[3] = { 0 }, J[3], dV[3], dI[3], dG[3];
    MN_ASSERT_OK(ctx, mn__network_derivatives(net, x, V, I, J, dV, dI, dG));
    for (int e = 0; e < 3; e++) {
        MN_ASSERT_REL(J[e], -1.0, 1e-9);
        MN_ASSERT_REL(dV[e], 1.0, 1e-9);
        MN_ASSERT_ABS(dI[e], 0.0, 1e-12);
        MN_ASSERT_REL(dG[e], 2.0, 1e-9);
    }
    /* no exact step: flagged for the caller */
    unsigned char he[3] = { 9, 9, 9 };
    double x0[3] = { 0.1, 0.5, -0.2 };
    MN_ASSERT_OK(ctx, mn__network_exact_step(net, x0, V, 0.5, he));
    ck_assert(he[0] == 0 && he[1] == 0 && he[2] == 0);
    ck_assert(x0[1] == 0.5);
    ck_assert_int_eq(mn__network_all_exact(net), 0);
    mn_network_free(net);
    mn_model_free(m);

    /* a failing callback is reported with the model name */
    ops.struct_size = sizeof ops;
    ops.rate_dx = NULL;
    ops.rate = fail_rate;
    MN_ASSERT_OK(ctx, mn_model_new_custom(&m, ctx, &ops));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    double r[3];
    MN_ASSERT_ERR(ctx, mn_network_rates(net, x, V, I, r), MN_ERR_SOLVER, "lin");
    mn_network_free(net);
    mn_model_free(m);

    /* bad tables */
    mn_model_ops bad = ops;
    bad.conductance = NULL;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "conductance");
    ck_assert_ptr_null(m);
    bad = ops;
    bad.struct_size = 8;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "struct_size");
    bad = ops;
    bad.rate = NULL;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "rate");
    bad = ops;
    bad.name = NULL;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "name");
    bad = ops;
    bad.flags = MN_MODEL_HAS_EVENTS;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "event");
    static const mn_param_info badpar[1] = {
        { sizeof(mn_param_info), "G0", "S", "", MN_PARAM_REAL, 20.0, 0.0, 10.0, NULL },
    };
    bad = ops;
    bad.params = badpar;
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, &bad), MN_ERR_INVALID, "G0");
    MN_ASSERT_ERR(ctx, mn_model_new_custom(&m, ctx, NULL), MN_ERR_INVALID, "NULL");
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ model data */

typedef struct lin_data {
    double twice;
    int *destroyed;
} lin_data;

static int destroyed_count;

static void *lin_create(const double *params, void *user_data)
{
    if (params[0] > 5.0) return NULL; /* refuse, to test the error path */
    lin_data *d = malloc(sizeof *d);
    d->twice = 2.0 * params[0];
    d->destroyed = user_data;
    return d;
}

static void lin_destroy(void *data, void *user_data)
{
    (void)user_data;
    lin_data *d = data;
    (*d->destroyed)++;
    free(d);
}

static int data_G(const mn_model_batch *b, const double *x, double *G)
{
    const lin_data *d = b->model_data;
    for (size_t i = 0; i < b->n; i++) G[i] = d->twice + x[i];
    return 0;
}

START_TEST(test_model_data)
{
    static const mn_param_info par[1] = {
        { sizeof(mn_param_info), "G0", "S", "base", MN_PARAM_REAL, 1.5, 0.0, 10.0, NULL },
    };
    mn_model_ops ops = MN_MODEL_OPS_INIT;
    ops.name = "withdata";
    ops.n_states = 1;
    ops.n_params = 1;
    ops.params = par;
    ops.conductance = data_G;
    ops.rate = lin_rate;
    ops.create = lin_create;
    ops.destroy = lin_destroy;
    ops.user_data = &destroyed_count;
    destroyed_count = 0;
    mn_model *m;
    MN_ASSERT_OK(ctx, mn_model_new_custom(&m, ctx, &ops));
    mn_graph *g = path_graph(4, 0);
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    double x[4] = { 0, 0.25, 0.5, 1 }, G[4];
    MN_ASSERT_OK(ctx, mn_network_conductances(net, x, G));
    for (int e = 0; e < 4; e++) ck_assert(G[e] == 3.0 + x[e]);
    mn_network_free(net);
    ck_assert_int_eq(destroyed_count, 1);
    /* create() failing is an error naming the model */
    MN_ASSERT_OK(ctx, mn_model_set(m, "G0", 7.0));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    MN_ASSERT_ERR(ctx, mn_network_conductances(net, x, G), MN_ERR_INVALID, "withdata");
    mn_network_free(net);
    ck_assert_int_eq(destroyed_count, 1);
    mn_model_free(m);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ FD fallback, 2 states */

/* dx0/dt = a x0 x1 + V^2, dx1/dt = -x0^2 + I x1; G = 1 + x0^2 + 3 x1 (no derivatives given) */
static int two_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = 1 + x[2 * i] * x[2 * i] + 3 * x[2 * i + 1];
    return 0;
}
static int two_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                    double *r)
{
    for (size_t i = 0; i < b->n; i++) {
        double a = MN_PARAM(b, 0, i), x0 = x[2 * i], x1 = x[2 * i + 1];
        r[2 * i] = a * x0 * x1 + V[i] * V[i];
        r[2 * i + 1] = -x0 * x0 + I[i] * x1;
    }
    return 0;
}

START_TEST(test_fd_fallback_two_states)
{
    static const mn_param_info par[1] = {
        { sizeof(mn_param_info), "a", "1/s", "coupling", MN_PARAM_REAL, 0.5, -10.0, 10.0, NULL },
    };
    static const char *const sn[] = { "x0", "x1" };
    mn_model_ops ops = MN_MODEL_OPS_INIT;
    ops.name = "two";
    ops.n_states = 2;
    ops.state_names = sn;
    ops.n_params = 1;
    ops.params = par;
    ops.conductance = two_G;
    ops.rate = two_rate;
    mn_model *two, *res;
    MN_ASSERT_OK(ctx, mn_model_new_custom(&two, ctx, &ops));
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    const size_t m = 9;
    mn_graph *g = path_graph(m, 0);
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, two, NULL, 0, NULL));
    mn_index r3[] = { 1, 4, 7 }; /* interleave resistors: the 2-state group is gathered */
    MN_ASSERT_OK(ctx, mn_network_assign(net, res, r3, 3, NULL));
    MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, 5, "a", -2.0));
    size_t ns = mn_network_state_count(net);
    ck_assert_uint_eq(ns, 12);
    ck_assert_uint_eq(mn__network_jac_count(net), 24);
    const size_t *off = mn_network_state_offsets(net), *joff = mn__network_jac_offsets(net);
    double x[12], V[9], I[9], J[24], dV[12], dI[12], dG[12];
    for (size_t i = 0; i < 12; i++) x[i] = 0.3 + 0.1 * (double)i;
    for (size_t e = 0; e < m; e++) V[e] = 0.5 - 0.2 * (double)e, I[e] = 0.1 * (double)e;
    MN_ASSERT_OK(ctx, mn__network_derivatives(net, x, V, I, J, dV, dI, dG));
    for (size_t e = 0; e < m; e++) {
        if (e % 3 == 1) {
            ck_assert_uint_eq(off[e + 1] - off[e], 0);
            continue;
        }
        double a = e == 5 ? -2.0 : 0.5, x0 = x[off[e]], x1 = x[off[e] + 1];
        const double *Jb = J + joff[e];
        MN_ASSERT_REL(Jb[0], a * x1, 1e-8);      /* d r0 / d x0 */
        MN_ASSERT_REL(Jb[1], a * x0, 1e-8);      /* d r0 / d x1 */
        MN_ASSERT_REL(Jb[2], -2 * x0, 1e-8);     /* d r1 / d x0 */
        MN_ASSERT_REL(Jb[3], I[e], 1e-8);        /* d r1 / d x1 */
        MN_ASSERT_REL(dV[off[e]], 2 * V[e], 1e-8);
        MN_ASSERT_ABS(dV[off[e] + 1], 0.0, 1e-12);
        MN_ASSERT_ABS(dI[off[e]], 0.0, 1e-12);
        MN_ASSERT_REL(dI[off[e] + 1], x1, 1e-8);
        MN_ASSERT_REL(dG[off[e]], 2 * x0, 1e-8);
        MN_ASSERT_REL(dG[off[e] + 1], 3.0, 1e-8);
    }
    mn_network_free(net);
    mn_model_free(two);
    mn_model_free(res);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ no-copy fast path */

static const double *probe_x;
static size_t probe_n;

static int probe_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *r)
{
    probe_x = x;
    probe_n = b->n;
    for (size_t i = 0; i < b->n; i++) r[i] = -x[i];
    return 0;
}

static int lin_G_noparam(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = 1 + x[i];
    return 0;
}
static int probe_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                         const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) J[i] = -1;
    return 0;
}
static int probe_zero(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *o)
{
    for (size_t i = 0; i < b->n; i++) o[i] = 0;
    return 0;
}
static int probe_dG(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) d[i] = 1;
    return 0;
}

static size_t n_alloc;
static void *count_malloc(size_t n, void *ud) { (void)ud; n_alloc++; return malloc(n); }
static void *count_realloc(void *p, size_t n, void *ud) { (void)ud; n_alloc++; return realloc(p, n); }
static void count_free(void *p, void *ud) { (void)ud; free(p); }

START_TEST(test_single_model_no_copy)
{
    mn_allocator al = MN_ALLOCATOR_INIT;
    al.malloc_fn = count_malloc;
    al.realloc_fn = count_realloc;
    al.free_fn = count_free;
    mn_context *c2;
    ck_assert_int_eq(mn_context_new_with_allocator(&c2, &al), MN_OK);
    mn_model_ops ops = MN_MODEL_OPS_INIT;
    ops.name = "probe";
    ops.n_states = 1;
    ops.conductance = lin_G_noparam;
    ops.rate = probe_rate;
    ops.rate_dx = probe_rate_dx;
    ops.rate_dV = probe_zero;
    ops.rate_dI = probe_zero;
    ops.conductance_dx = probe_dG;
    mn_model *pm, *mi;
    MN_ASSERT_OK(c2, mn_model_new_custom(&pm, c2, &ops));
    MN_ASSERT_OK(c2, mn_model_new(&mi, c2, "miranda"));
    const size_t m = 1000;
    mn_index *u = malloc(m * sizeof *u), *v = malloc(m * sizeof *v);
    for (size_t e = 0; e < m; e++) u[e] = (mn_index)e, v[e] = (mn_index)e + 1;
    mn_graph *g;
    MN_ASSERT_OK(c2, mn_graph_new_from_edges(&g, c2, m + 1, m, u, v));
    mn_network *net;
    MN_ASSERT_OK(c2, mn_network_new(&net, g));
    MN_ASSERT_OK(c2, mn_network_assign(net, pm, NULL, 0, NULL));
    MN_ASSERT_OK(c2, mn__network_prepare(net));
    double *x = calloc(m, sizeof *x), *V = calloc(m, sizeof *V), *I = calloc(m, sizeof *I),
           *r = calloc(m, sizeof *r), *G = calloc(m, sizeof *G), *J = calloc(m, sizeof *J),
           *d1 = calloc(m, sizeof *d1), *d2 = calloc(m, sizeof *d2), *d3 = calloc(m, sizeof *d3);
    size_t before = n_alloc;
    MN_ASSERT_OK(c2, mn_network_conductances(net, x, G));
    MN_ASSERT_OK(c2, mn_network_rates(net, x, V, I, r));
    MN_ASSERT_OK(c2, mn__network_derivatives(net, x, V, I, J, d1, d2, d3));
    ck_assert_uint_eq(n_alloc, before);  /* nothing allocated: no gather buffers */
    ck_assert_ptr_eq(probe_x, x);        /* the model saw the caller's array itself */
    ck_assert_uint_eq(probe_n, m);       /* in one batched call */
    /* the same model on alternate edges is gathered (copies), once allocated then reused */
    mn_index *odd = malloc(m / 2 * sizeof *odd);
    for (size_t i = 0; i < m / 2; i++) odd[i] = (mn_index)(2 * i + 1);
    MN_ASSERT_OK(c2, mn_network_assign(net, mi, odd, m / 2, NULL));
    size_t ns = mn_network_state_count(net);
    ck_assert_uint_eq(ns, m);
    MN_ASSERT_OK(c2, mn_network_rates(net, x, V, I, r));
    ck_assert_ptr_ne(probe_x, x);
    ck_assert_uint_eq(probe_n, m / 2);
    before = n_alloc;
    MN_ASSERT_OK(c2, mn_network_rates(net, x, V, I, r));
    MN_ASSERT_OK(c2, mn_network_conductances(net, x, G));
    ck_assert_uint_eq(n_alloc, before);
    free(odd);
    free(u), free(v), free(x), free(V), free(I), free(r), free(G), free(J), free(d1), free(d2), free(d3);
    mn_network_free(net);
    mn_model_free(pm);
    mn_model_free(mi);
    mn_graph_free(g);
    mn_context_free(c2);
}
END_TEST

/* ------------------------------------------------------------------ assignment */

START_TEST(test_assign_fractions_exact_and_reproducible)
{
    const size_t m = 1000;
    mn_graph *g = path_graph(m, 1);
    mn_model *a, *b, *c;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "filament"));
    MN_ASSERT_OK(ctx, mn_model_new(&b, ctx, "hillock"));
    MN_ASSERT_OK(ctx, mn_model_new(&c, ctx, "miranda"));
    const mn_model *ab[] = { a, b };
    const double f75[] = { 75, 25 };
    mn_network *n1, *n2, *n3;
    MN_ASSERT_OK(ctx, mn_network_new(&n1, g));
    MN_ASSERT_OK(ctx, mn_network_new(&n2, g));
    MN_ASSERT_OK(ctx, mn_network_new(&n3, g));
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n1, ab, f75, 2, 2024));
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n2, ab, f75, 2, 2024));
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n3, ab, f75, 2, 2025));
    const mn_index *e1 = mn_network_edge_models(n1), *e2 = mn_network_edge_models(n2),
                   *e3 = mn_network_edge_models(n3);
    size_t cnt[2] = { 0, 0 }, differ = 0;
    double mean_idx = 0;
    for (size_t e = 0; e < m; e++) {
        ck_assert(e1[e] == 0 || e1[e] == 1);
        cnt[e1[e]]++;
        ck_assert_int_eq(e1[e], e2[e]);
        differ += e1[e] != e3[e];
        if (e1[e] == 1) mean_idx += (double)e;
    }
    ck_assert_uint_eq(cnt[0], 750);
    ck_assert_uint_eq(cnt[1], 250);
    ck_assert_uint_gt(differ, 100); /* another seed, another draw (expected 375) */
    /* the 250 B edges are a uniform sample: mean index (m-1)/2, sd sqrt((m^2-1)/12 (m-n)/(n(m-1))) */
    mean_idx /= 250;
    double sd = sqrt((double)(m * m - 1) / 12.0 * (double)(m - 250) / (250.0 * (double)(m - 1)));
    ck_assert_msg(fabs(mean_idx - (m - 1) / 2.0) < 4 * sd, "mean index %g", mean_idx);
    ck_assert_uint_eq(mn_network_model_count(n1), 2);
    ck_assert_str_eq(mn_network_model_ops(n1, 0)->name, "filament");
    ck_assert_uint_eq(mn__network_model_edge_count(n1, 0), 750);
    /* layout: filament has 3 states, hillock 1 */
    ck_assert_uint_eq(mn_network_state_count(n1), 750 * 3 + 250);
    const size_t *off = mn_network_state_offsets(n1);
    for (size_t e = 0; e < m; e++) ck_assert_uint_eq(off[e + 1] - off[e], e1[e] == 0 ? 3 : 1);
    ck_assert_uint_eq(mn__network_event_count(n1), 750 * 2);
    ck_assert_uint_eq(mn__network_jac_count(n1), 750 * 9 + 250);

    /* three models, rounding: 101 edges at 0.2/0.3/0.5 -> 20, 30, 51 */
    mn_graph *g2 = path_graph(101, 1);
    mn_network *n4;
    MN_ASSERT_OK(ctx, mn_network_new(&n4, g2));
    const mn_model *abc[] = { a, b, c };
    const double f3[] = { 0.2, 0.3, 0.5 };
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n4, abc, f3, 3, 1));
    size_t c3[3] = { 0 };
    for (size_t e = 0; e < 101; e++) c3[mn_network_edge_models(n4)[e]]++;
    ck_assert(c3[0] == 20 && c3[1] == 30 && c3[2] == 51);
    /* bad fractions */
    const double fbad[] = { 0.5, -0.1 }, fnan[] = { NAN, 1 }, fzero[] = { 0, 0 };
    MN_ASSERT_ERR(ctx, mn_network_assign_fractions(n4, ab, fbad, 2, 1), MN_ERR_RANGE, "-0.1");
    MN_ASSERT_ERR(ctx, mn_network_assign_fractions(n4, ab, fnan, 2, 1), MN_ERR_RANGE, "nan");
    MN_ASSERT_ERR(ctx, mn_network_assign_fractions(n4, ab, fzero, 2, 1), MN_ERR_RANGE, "sum");
    MN_ASSERT_ERR(ctx, mn_network_assign_fractions(n4, ab, f75, 0, 1), MN_ERR_INVALID, "k = 0");
    mn_network_free(n4);
    mn_graph_free(g2);
    mn_network_free(n1);
    mn_network_free(n2);
    mn_network_free(n3);
    mn_model_free(a);
    mn_model_free(b);
    mn_model_free(c);
    mn_graph_free(g);
}
END_TEST

static size_t choose_by_parity(mn_index e, const mn_graph *g, void *ud)
{
    (void)g;
    return (size_t)e % *(size_t *)ud;
}

static size_t choose_bad(mn_index e, const mn_graph *g, void *ud) { return e == 3 ? 5 : 0; }

START_TEST(test_assign_by_and_edges)
{
    mn_graph *g = path_graph(10, 0);
    mn_model *a, *b;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_new(&b, ctx, "resistor"));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    ck_assert_ptr_eq(mn_network_graph(net), g);
    /* preparing with unassigned edges names the first */
    mn_index some[] = { 0, 1 };
    size_t k;
    MN_ASSERT_OK(ctx, mn_network_assign(net, a, some, 2, &k));
    ck_assert_uint_eq(k, 0);
    MN_ASSERT_ERR(ctx, mn__network_prepare(net), MN_ERR_STATE, "edge 2");
    double x[10], G[10];
    MN_ASSERT_ERR(ctx, mn_network_conductances(net, x, G), MN_ERR_STATE, "edge 2");
    mn_index badid[] = { 4, 10 };
    MN_ASSERT_ERR(ctx, mn_network_assign(net, a, badid, 2, NULL), MN_ERR_RANGE, "10");
    const mn_model *ab[] = { a, b };
    size_t two = 2;
    MN_ASSERT_OK(ctx, mn_network_assign_by(net, ab, 2, choose_by_parity, &two));
    for (size_t e = 0; e < 10; e++)
        ck_assert_str_eq(mn_network_model_ops(net, (size_t)mn_network_edge_models(net)[e])->name,
                         e % 2 ? "resistor" : "miranda");
    ck_assert_uint_eq(mn_network_model_count(net), 2); /* the same miranda was reused */
    ck_assert_uint_eq(mn_network_state_count(net), 5);
    MN_ASSERT_ERR(ctx, mn_network_assign_by(net, ab, 2, choose_bad, NULL), MN_ERR_RANGE, "edge 3");
    /* a model changed after assignment does not affect the network (parameters copied) */
    MN_ASSERT_OK(ctx, mn_model_set(a, "Gmax", 3.0));
    double xs[5] = { 1, 1, 1, 1, 1 };
    MN_ASSERT_OK(ctx, mn_network_conductances(net, xs, G));
    ck_assert(G[0] == 1.0 && G[1] == 1.0); /* Gmax 1 and the resistor's G = 1 */
    mn_network_free(net);
    mn_model_free(a);
    mn_model_free(b);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_needs_length)
{
    mn_graph *g = path_graph(4, 0);
    mn_model *h;
    MN_ASSERT_OK(ctx, mn_model_new(&h, ctx, "hillock"));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, h, NULL, 0, NULL));
    MN_ASSERT_ERR(ctx, mn__network_prepare(net), MN_ERR_STATE, "edge 0");
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 0, 0.1));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 1, 0.1));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 3, 0.1));
    MN_ASSERT_ERR(ctx, mn__network_prepare(net), MN_ERR_STATE, "edge 2");
    ck_assert(strstr(mn_context_last_error(ctx), "nan") != NULL);
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 2, 0.2));
    MN_ASSERT_OK(ctx, mn__network_prepare(net));
    double lo[4], hi[4];
    MN_ASSERT_OK(ctx, mn__network_bounds(net, lo, hi));
    ck_assert(lo[2] == 0.0 && hi[2] == 0.1 && hi[0] == 0.05); /* 003 eq 6: D/2 */
    /* lengths changed later are read after mn_network_refresh(), also by a gathered group */
    mn_model *res;
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    mn_index e1[] = { 1 };
    MN_ASSERT_OK(ctx, mn_network_assign(net, res, e1, 1, NULL)); /* hillock on 0, 2, 3 */
    double z[3] = { 0.01, 0.01, 0.01 }, G[4];
    MN_ASSERT_OK(ctx, mn_network_conductances(net, z, G));
    MN_ASSERT_REL(G[2], 10.0 * exp(-200.0 * (0.2 - 0.01)), 1e-14);
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 2, 0.15));
    mn_network_refresh(net);
    MN_ASSERT_OK(ctx, mn_network_conductances(net, z, G));
    MN_ASSERT_REL(G[2], 10.0 * exp(-200.0 * (0.15 - 0.01)), 1e-14);
    MN_ASSERT_OK(ctx, mn__network_bounds(net, lo, hi));
    ck_assert(mn_network_state_offsets(net)[2] == 1 && hi[1] == 0.075); /* edge 1 has no state */
    mn_model_free(res);
    /* the miranda validate callback: Gmax < Gmin */
    mn_model *mi;
    MN_ASSERT_OK(ctx, mn_model_new(&mi, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_network_assign(net, mi, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, 1, "Gmax", 0.001));
    MN_ASSERT_ERR(ctx, mn__network_prepare(net), MN_ERR_INVALID, "edge 1");
    mn_network_free(net);
    mn_model_free(h);
    mn_model_free(mi);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ overrides, variability */

START_TEST(test_edge_override)
{
    mn_graph *g = path_graph(6, 0);
    mn_model *a;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "miranda"));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, a, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, 3, "Gmax", 2.0));
    MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, 4, "kP0", 1e-2));
    MN_ASSERT_ERR(ctx, mn_network_set_edge_param(net, 3, "Gmax", -1.0), MN_ERR_RANGE, "edge 3");
    MN_ASSERT_ERR(ctx, mn_network_set_edge_param(net, 3, "Gmaxx", 1.0), MN_ERR_NOT_FOUND, "Gmaxx");
    MN_ASSERT_ERR(ctx, mn_network_set_edge_param(net, 6, "Gmax", 1.0), MN_ERR_RANGE, "6");
    MN_ASSERT_ERR(ctx, mn_network_set_edge_param(net, 2, "Gmax", NAN), MN_ERR_RANGE, "nan");
    double v;
    MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, 3, "Gmax", &v));
    ck_assert(v == 2.0);
    MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, 2, "Gmax", &v));
    ck_assert(v == 1.0);
    double x[6] = { 0.5, 0.5, 0.5, 0.5, 0.5, 0.5 }, G[6], V[6] = { 0, 0, 0, 0, 0, 0 }, I[6] = { 0 }, r[6];
    MN_ASSERT_OK(ctx, mn_network_conductances(net, x, G));
    for (int e = 0; e < 6; e++)
        MN_ASSERT_REL(G[e], 0.01 + ((e == 3 ? 2.0 : 1.0) - 0.01) * 0.5, 1e-15);
    MN_ASSERT_OK(ctx, mn_network_rates(net, x, V, I, r));
    for (int e = 0; e < 6; e++) /* at V = 0: kP0 (1 - g) - kD0 g */
        MN_ASSERT_REL(r[e], (e == 4 ? 1e-2 : 5e-4) * 0.5 - 5e-2 * 0.5, 1e-14);
    /* reassigning an edge to another model drops its overrides */
    mn_model *res;
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    mn_index e3[] = { 3 };
    MN_ASSERT_OK(ctx, mn_network_assign(net, res, e3, 1, NULL));
    MN_ASSERT_ERR(ctx, mn_network_get_edge_param(net, 3, "Gmax", &v), MN_ERR_NOT_FOUND, "Gmax");
    MN_ASSERT_OK(ctx, mn_network_assign(net, a, e3, 1, NULL));
    MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, 3, "Gmax", &v));
    ck_assert(v == 1.0);
    mn_network_free(net);
    mn_model_free(a);
    mn_model_free(res);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_variability_lognormal)
{
    const size_t m = 20000;
    const double sigma = 0.4;
    mn_graph *g = path_graph(m, 0);
    mn_model *a, *r;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_new(&r, ctx, "resistor"));
    mn_network *n1, *n2;
    MN_ASSERT_OK(ctx, mn_network_new(&n1, g));
    MN_ASSERT_OK(ctx, mn_network_new(&n2, g));
    const mn_model *ar[] = { a, r };
    const double f[] = { 0.9, 0.1 };
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n1, ar, f, 2, 5));
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(n2, ar, f, 2, 5));
    MN_ASSERT_OK(ctx, mn_network_vary_param(n1, 0, "kP0", sigma, 77));
    MN_ASSERT_OK(ctx, mn_network_vary_param(n2, 0, "kP0", sigma, 77));
    double sum = 0, sumlog = 0, sumlog2 = 0;
    size_t n = 0;
    for (size_t e = 0; e < m; e++) {
        double v1, v2;
        if (mn_network_edge_models(n1)[e] != 0) {
            MN_ASSERT_ERR(ctx, mn_network_get_edge_param(n1, (mn_index)e, "kP0", &v1), MN_ERR_NOT_FOUND, "kP0");
            continue;
        }
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(n1, (mn_index)e, "kP0", &v1));
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(n2, (mn_index)e, "kP0", &v2));
        ck_assert(v1 == v2); /* reproducible from the seed */
        double fct = v1 / 5e-4;
        sum += fct;
        sumlog += log(fct);
        sumlog2 += log(fct) * log(fct);
        n++;
    }
    ck_assert_uint_eq(n, 18000);
    double mean = sum / n, mlog = sumlog / n, vlog = sumlog2 / n - mlog * mlog;
    /* lognormal exp(sigma Z - sigma^2/2): mean 1, sd sqrt(exp(sigma^2) - 1) */
    double se = sqrt(exp(sigma * sigma) - 1) / sqrt((double)n);
    ck_assert_msg(fabs(mean - 1.0) < 4 * se, "mean factor %g (se %g)", mean, se);
    ck_assert_msg(fabs(mlog + sigma * sigma / 2) < 4 * sigma / sqrt((double)n), "mean log %g", mlog);
    ck_assert_msg(fabs(sqrt(vlog) - sigma) < 4 * sigma / sqrt(2.0 * n), "sd log %g", sqrt(vlog));
    /* the varied values are used by the evaluation */
    size_t ns = mn_network_state_count(n1);
    double *x = calloc(ns, sizeof *x), *V = calloc(m, sizeof *V), *I = calloc(m, sizeof *I),
           *rt = calloc(ns, sizeof *rt);
    MN_ASSERT_OK(ctx, mn_network_rates(n1, x, V, I, rt));
    const size_t *off = mn_network_state_offsets(n1);
    for (size_t e = 0; e < m; e++) {
        if (mn_network_edge_models(n1)[e] != 0) continue;
        double v;
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(n1, (mn_index)e, "kP0", &v));
        ck_assert(rt[off[e]] == v); /* g = 0, V = 0: rate = kP0 */
    }
    /* bad input */
    MN_ASSERT_ERR(ctx, mn_network_vary_param(n1, 0, "unipolar", 0.1, 1), MN_ERR_INVALID, "unipolar");
    MN_ASSERT_ERR(ctx, mn_network_vary_param(n1, 0, "kP0", -0.1, 1), MN_ERR_RANGE, "-0.1");
    MN_ASSERT_ERR(ctx, mn_network_vary_param(n1, 9, "kP0", 0.1, 1), MN_ERR_RANGE, "9");
    MN_ASSERT_ERR(ctx, mn_network_vary_param(n1, 0, "xx", 0.1, 1), MN_ERR_NOT_FOUND, "xx");
    /* values are clamped into the range: Gmin in [0, ...] stays >= 0 for any sigma */
    MN_ASSERT_OK(ctx, mn_network_vary_param(n1, 1, "G", 3.0, 3));
    free(x), free(V), free(I), free(rt);
    mn_network_free(n1);
    mn_network_free(n2);
    mn_model_free(a);
    mn_model_free(r);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ gather/scatter */

/* reference: call the model's ops on a one-edge batch built here from the public getters */
typedef struct ref_batch {
    mn_model_batch b;
    double vals[32];
    const double *pp[32];
    size_t ps[32];
    mn_index id;
    double len;
} ref_batch;

static const mn_model_ops *ref_batch_make(mn_network *net, mn_graph *g, size_t e, ref_batch *rb)
{
    const mn_model_ops *o = mn_network_model_ops(net, (size_t)mn_network_edge_models(net)[e]);
    for (size_t p = 0; p < o->n_params; p++) {
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, (mn_index)e, o->params[p].name, &rb->vals[p]));
        rb->pp[p] = &rb->vals[p];
        rb->ps[p] = 0;
    }
    rb->id = (mn_index)e;
    rb->len = mn_graph_edge_lengths(g) ? mn_graph_edge_lengths(g)[e] : NAN;
    rb->b.struct_size = sizeof rb->b;
    rb->b.n = 1;
    rb->b.edge = &rb->id;
    rb->b.param = rb->pp;
    rb->b.param_stride = rb->ps;
    rb->b.length = &rb->len;
    rb->b.model_data = NULL;
    return o;
}

START_TEST(test_gather_scatter_equals_per_edge)
{
    const size_t m = 300;
    mn_graph *g = path_graph(m, 1);
    const char *names[] = { "miranda", "hillock", "filament", "strukov_hp", "strukov_cb", "resistor" };
    mn_model *mods[6];
    for (int i = 0; i < 6; i++) MN_ASSERT_OK(ctx, mn_model_new(&mods[i], ctx, names[i]));
    MN_ASSERT_OK(ctx, mn_model_set_assignment(mods[3], "window=biolek"));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    const double f[] = { 3, 2, 2, 1, 1, 1 };
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(net, (const mn_model *const *)mods, f, 6, 11));
    /* per-edge overrides and variability on top */
    for (size_t e = 0; e < m; e += 7) {
        const mn_model_ops *o = mn_network_model_ops(net, (size_t)mn_network_edge_models(net)[e]);
        const char *pn = o->params[0].name;
        double v;
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, (mn_index)e, pn, &v));
        MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, (mn_index)e, pn, v * 1.5));
    }
    MN_ASSERT_OK(ctx, mn_network_vary_param(net, 1, "mu", 0.3, 9));
    size_t ns = mn_network_state_count(net), nj = mn__network_jac_count(net),
           ne = mn__network_event_count(net);
    const size_t *off = mn_network_state_offsets(net), *joff = mn__network_jac_offsets(net),
                 *eoff = mn__network_event_offsets(net);
    double *x = calloc(ns, sizeof *x), *lo = calloc(ns, sizeof *lo), *hi = calloc(ns, sizeof *hi),
           *G = calloc(m, sizeof *G), *V = calloc(m, sizeof *V), *I = calloc(m, sizeof *I),
           *r = calloc(ns, sizeof *r), *J = calloc(nj, sizeof *J), *dV = calloc(ns, sizeof *dV),
           *dI = calloc(ns, sizeof *dI), *dG = calloc(ns, sizeof *dG), *ev = calloc(ne, sizeof *ev);
    MN_ASSERT_OK(ctx, mn_network_initial_state(net, x));
    MN_ASSERT_OK(ctx, mn__network_bounds(net, lo, hi));
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 5, 0));
    for (size_t i = 0; i < ns; i++) x[i] = lo[i] + (hi[i] - lo[i]) * (0.1 + 0.8 * mn_rng_uniform(rng));
    for (size_t e = 0; e < m; e++) V[e] = 2 * mn_rng_uniform(rng) - 1;
    MN_ASSERT_OK(ctx, mn_network_conductances(net, x, G));
    for (size_t e = 0; e < m; e++) I[e] = G[e] * V[e];
    MN_ASSERT_OK(ctx, mn_network_rates(net, x, V, I, r));
    MN_ASSERT_OK(ctx, mn__network_derivatives(net, x, V, I, J, dV, dI, dG));
    MN_ASSERT_OK(ctx, mn__network_event_fn(net, x, V, I, ev));
    for (size_t e = 0; e < m; e++) {
        ref_batch rb;
        const mn_model_ops *o = ref_batch_make(net, g, e, &rb);
        size_t k = o->n_states;
        ck_assert_uint_eq(off[e + 1] - off[e], k);
        double Gr, rr[3], Jr[9], dVr[3], dIr[3], dGr[3], lor[3], hir[3], evr[2], xr[3] = { 0, 0, 0 };
        ck_assert_int_eq(o->conductance(&rb.b, x + off[e], &Gr), 0);
        ck_assert_msg(G[e] == Gr, "edge %zu (%s): G %g vs %g", e, o->name, G[e], Gr);
        if (o->initial_state) ck_assert_int_eq(o->initial_state(&rb.b, xr), 0);
        if (!k) continue;
        ck_assert_int_eq(o->rate(&rb.b, x + off[e], V + e, I + e, rr), 0);
        ck_assert_int_eq(o->rate_dx(&rb.b, x + off[e], V + e, I + e, Jr), 0);
        ck_assert_int_eq(o->rate_dV(&rb.b, x + off[e], V + e, I + e, dVr), 0);
        ck_assert_int_eq(o->rate_dI(&rb.b, x + off[e], V + e, I + e, dIr), 0);
        ck_assert_int_eq(o->conductance_dx(&rb.b, x + off[e], dGr), 0);
        ck_assert_int_eq(o->state_bounds(&rb.b, lor, hir), 0);
        for (size_t s = 0; s < k; s++) {
            ck_assert_msg(r[off[e] + s] == rr[s], "edge %zu (%s) rate", e, o->name);
            ck_assert(dV[off[e] + s] == dVr[s] && dI[off[e] + s] == dIr[s]);
            ck_assert(dG[off[e] + s] == dGr[s]);
            ck_assert(lo[off[e] + s] == lor[s] && hi[off[e] + s] == hir[s]);
            for (size_t t = 0; t < k; t++) ck_assert(J[joff[e] + s * k + t] == Jr[s * k + t]);
        }
        ck_assert_uint_eq(joff[e + 1] - joff[e], k * k);
        if (o->n_events) {
            ck_assert_uint_eq(eoff[e + 1] - eoff[e], o->n_events);
            ck_assert_int_eq(o->event_fn(&rb.b, x + off[e], V + e, I + e, evr), 0);
            for (size_t j = 0; j < o->n_events; j++) ck_assert(ev[eoff[e] + j] == evr[j]);
        }
    }
    /* exact step: miranda edges exact (003 eq 9, checked here in closed form), others flagged */
    unsigned char *he = calloc(m, 1);
    double *x2 = malloc(ns * sizeof *x2);
    memcpy(x2, x, ns * sizeof *x2);
    MN_ASSERT_OK(ctx, mn__network_exact_step(net, x2, V, 0.7, he));
    ck_assert_int_eq(mn__network_all_exact(net), -1);
    for (size_t e = 0; e < m; e++) {
        ref_batch rb;
        const mn_model_ops *o = ref_batch_make(net, g, e, &rb);
        int is_m = !strcmp(o->name, "miranda");
        ck_assert_int_eq(he[e], is_m || o->n_states == 0);
        if (is_m) {
            double u = fabs(V[e]);
            double kP = rb.vals[0] * exp(rb.vals[2] * u), kD = rb.vals[1] * exp(-rb.vals[3] * u);
            double gs = kP / (kP + kD);
            MN_ASSERT_REL(x2[off[e]], gs + (x[off[e]] - gs) * exp(-(kP + kD) * 0.7), 1e-13);
        } else {
            for (size_t s = 0; s < o->n_states; s++) ck_assert(x2[off[e] + s] == x[off[e] + s]);
        }
    }
    /* events: bridge every open filament whose d is set to L; the jumped list and G jump */
    int *fired = calloc(ne, sizeof *fired);
    size_t nfil = 0;
    for (size_t e = 0; e < m; e++) {
        if (eoff[e + 1] == eoff[e]) continue;
        x[off[e] + 2] = 0.0;                             /* open */
        if (e % 2 == 0) {
            x[off[e]] = mn_graph_edge_lengths(g)[e];     /* d = L */
            nfil++;
        }
    }
    MN_ASSERT_OK(ctx, mn__network_event_fn(net, x, V, I, ev));
    for (size_t j = 0; j < ne; j++) fired[j] = ev[j] >= 0;
    mn_index *jumped = calloc(m, sizeof *jumped);
    double *Go = calloc(m, sizeof *Go), *Gn = calloc(m, sizeof *Gn);
    size_t njmp = 0;
    MN_ASSERT_OK(ctx, mn__network_event_apply(net, fired, x, jumped, &njmp, Go, Gn));
    ck_assert_uint_eq(njmp, nfil);
    for (size_t i = 0; i < njmp; i++) {
        size_t e = (size_t)jumped[i];
        ck_assert(e % 2 == 0 && (i == 0 || jumped[i] > jumped[i - 1]));
        double alpha, beta, gon;
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, jumped[i], "alpha", &alpha));
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, jumped[i], "beta", &beta));
        MN_ASSERT_OK(ctx, mn_network_get_edge_param(net, jumped[i], "Gon", &gon));
        /* tunnel = full (the default): alpha exp(-beta L), 003 eq 1 */
        MN_ASSERT_REL(Go[i], alpha * exp(-beta * mn_graph_edge_lengths(g)[e]), 1e-14);
        ck_assert(Gn[i] == gon);
        ck_assert(x[off[e] + 2] == 1.0);
        double Gs;
        MN_ASSERT_OK(ctx, mn__network_conductances_subset(net, x, &jumped[i], 1, &Gs));
        ck_assert(Gs == gon);
    }
    free(jumped), free(Go), free(Gn), free(fired), free(he), free(x2);
    free(x), free(lo), free(hi), free(G), free(V), free(I), free(r), free(J), free(dV), free(dI);
    free(dG), free(ev);
    mn_rng_free(rng);
    mn_network_free(net);
    for (int i = 0; i < 6; i++) mn_model_free(mods[i]);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_contiguous_vs_gathered)
{
    /* the same miranda model on blocks [0, 50) and [50, 100) (contiguous: in place) vs
     * interleaved (gathered): identical results */
    const size_t m = 100;
    mn_graph *g = path_graph(m, 0);
    mn_model *a, *b;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_new(&b, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(b, "etaP", 7.0));
    mn_network *n1, *n2;
    MN_ASSERT_OK(ctx, mn_network_new(&n1, g));
    MN_ASSERT_OK(ctx, mn_network_new(&n2, g));
    mn_index blk[50], odd[50], even[50];
    for (int i = 0; i < 50; i++) blk[i] = 50 + i, odd[i] = 2 * i + 1, even[i] = 2 * i;
    MN_ASSERT_OK(ctx, mn_network_assign(n1, a, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(n1, b, blk, 50, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(n2, a, even, 50, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(n2, b, odd, 50, NULL));
    double x[100], V[100], I[100], r1[100], r2[100];
    for (size_t e = 0; e < m; e++) x[e] = 0.01 * (double)e, V[e] = 0.02 * (double)e - 1, I[e] = 0;
    MN_ASSERT_OK(ctx, mn_network_rates(n1, x, V, I, r1));
    MN_ASSERT_OK(ctx, mn_network_rates(n2, x, V, I, r2));
    for (size_t e = 0; e < m; e++) {
        double eta = (e >= 50) ? 7.0 : 10.0, eta2 = (e % 2) ? 7.0 : 10.0, u = fabs(V[e]);
        MN_ASSERT_REL(r1[e], 5e-4 * exp(eta * u) * (1 - x[e]) - 5e-2 * exp(-10 * u) * x[e], 1e-13);
        MN_ASSERT_REL(r2[e], 5e-4 * exp(eta2 * u) * (1 - x[e]) - 5e-2 * exp(-10 * u) * x[e], 1e-13);
    }
    size_t cl;
    x[3] = 1.5;
    x[4] = -0.5;
    MN_ASSERT_OK(ctx, mn__network_clamp(n2, x, &cl));
    ck_assert_uint_eq(cl, 2);
    ck_assert(x[3] == 1.0 && x[4] == 0.0);
    x[5] = NAN;
    MN_ASSERT_ERR(ctx, mn__network_clamp(n2, x, &cl), MN_ERR_RANGE, "edge 5");
    mn_network_free(n1);
    mn_network_free(n2);
    mn_model_free(a);
    mn_model_free(b);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_graph_changed)
{
    mn_graph *g = path_graph(3, 0);
    mn_model *a;
    MN_ASSERT_OK(ctx, mn_model_new(&a, ctx, "resistor"));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, a, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_graph_add_edge(g, 0, 3, NULL));
    MN_ASSERT_ERR(ctx, mn__network_prepare(net), MN_ERR_STATE, "4 edges");
    MN_ASSERT_ERR(ctx, mn_network_new(NULL, g), MN_ERR_INVALID, "NULL");
    mn_network_free(net);
    mn_network_free(NULL);
    mn_model_free(a);
    mn_graph_free(g);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_parameters_text_and_choices);
    tcase_add_test(tc, test_custom_ops_versioning);
    tcase_add_test(tc, test_model_data);
    tcase_add_test(tc, test_fd_fallback_two_states);
    tcase_add_test(tc, test_single_model_no_copy);
    tcase_add_test(tc, test_assign_fractions_exact_and_reproducible);
    tcase_add_test(tc, test_assign_by_and_edges);
    tcase_add_test(tc, test_needs_length);
    tcase_add_test(tc, test_edge_override);
    tcase_add_test(tc, test_variability_lognormal);
    tcase_add_test(tc, test_gather_scatter_equals_per_edge);
    tcase_add_test(tc, test_contiguous_vs_gathered);
    tcase_add_test(tc, test_graph_changed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(suite()); }
