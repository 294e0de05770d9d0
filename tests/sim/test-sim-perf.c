/*
 * The performance paths of the time stepper against references that do not take them:
 * - the thread setting of the context (mn_context_set_threads): range, getter, OpenBLAS's
 *   count set inside memnet's calls and restored after them;
 * - outputs solved by PCG on the present factor (lib/sim/sim_output.c) against a fresh solver
 *   that refactorises at the sampled state, and the count of refactorisations that saves;
 * - the per-run statistics (MN_SIM_STAT_REFACTORS ...) against the solver's own counters.
 */
#define _GNU_SOURCE
#include "../mn-test.h"
#include "core/core-private.h"
#include "kirchhoff/kirchhoff-private.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

START_TEST(test_threads_setting)
{
    ck_assert_uint_eq(mn_context_threads(ctx), 0); /* automatic by default */
    ck_assert_uint_eq(mn_context_threads(NULL), 0);
    ck_assert_int_eq(mn_context_set_threads(NULL, 1), MN_ERR_INVALID);
    MN_ASSERT_ERR(ctx, mn_context_set_threads(ctx, 5000), MN_ERR_RANGE, "5000");
    ck_assert_uint_eq(mn_context_threads(ctx), 0); /* unchanged by the refused call */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 3));
    ck_assert_uint_eq(mn_context_threads(ctx), 3);
    if (!mn__blas_threads_available()) return; /* not OpenBLAS: nothing is set */
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    ck_assert(get && set);
    set(2);
    /* an explicit count is set inside and the caller's restored after */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 1));
    int prev = mn__blas_threads_begin(ctx, 1e15);
    ck_assert_int_eq(get(), 1);
    mn__blas_threads_end(prev);
    ck_assert_int_eq(get(), 2);
    /* automatic: one thread below the crossover, the BLAS's default above it */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 0));
    ck_assert_int_eq(mn__blas_threads_for(ctx, 1e6), 1);
    ck_assert_int_ge(mn__blas_threads_for(ctx, 1e300), 1);
    prev = mn__blas_threads_begin(ctx, 1e6);
    ck_assert_int_eq(get(), 1);
    mn__blas_threads_end(prev);
    ck_assert_int_eq(get(), 2);
}
END_TEST

/* a random stick network of about 2000 junctions with miranda junctions (G_min 1e-3 S) */
typedef struct net {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    const mn_index *l, *r;
    size_t nl, nr;
} net;

static void make_net(net *n)
{
    mn_gen *gen;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 3));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 500));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 6.3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 6.3));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&n->g, gen));
    mn_gen_free(gen);
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "left", &n->l, &n->nl));
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "right", &n->r, &n->nr));
    ck_assert_uint_gt(mn_graph_edge_count(n->g), 500);
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(n->model, "G_min", 1e-3));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
}

static void free_net(net *n)
{
    mn_network_free(n->net);
    mn_model_free(n->model);
    mn_graph_free(n->g);
}

static mn_sim *make_sim(net *n, const mn_waveform *w)
{
    mn_sim *s;
    MN_ASSERT_OK(ctx, mn_sim_new(&s, n->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->l, n->nl, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->r, n->nr, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(s, 0.0, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(s, 1e-6, 1e-9));
    return s;
}

/* at every sample: the reference solver refactorises at the sampled (clamped) states */
typedef struct check {
    net *n;
    mn_kirchhoff *ref;
    double *G;
    double max_rel_I, max_rel_phi;
    size_t samples;
} check;

static int sample_cb(const mn_sim *s, void *u)
{
    check *c = u;
    size_t m = mn_graph_edge_count(c->n->g), nn = mn_graph_node_count(c->n->g);
    const double *x = mn_sim_states(s);
    for (size_t e = 0; e < m; e++) c->G[e] = 1e-3 + (1.0 - 1e-3) * x[e]; /* 000 eq 1 */
    mn_kirchhoff_set_potential(c->ref, 0, mn_sim_applied_voltage(s, 0));
    mn_kirchhoff_set_conductances(c->ref, c->G);
    ck_assert_int_eq(mn_kirchhoff_solve(c->ref), MN_OK);
    double Iref, I = mn_sim_electrode_current(s, 0);
    mn_kirchhoff_electrode_current(c->ref, 0, &Iref);
    double d = fabs(I - Iref) / fabs(Iref);
    if (d > c->max_rel_I) c->max_rel_I = d;
    const double *p = mn_sim_potentials(s), *pr = mn_kirchhoff_potentials(c->ref);
    double v = mn_sim_applied_voltage(s, 0);
    for (size_t i = 0; i < nn; i++) {
        double di = fabs(p[i] - pr[i]) / v;
        if (di > c->max_rel_phi) c->max_rel_phi = di;
    }
    c->samples++;
    return 0;
}

START_TEST(test_samples_without_refactorisation)
{
    net n;
    make_net(&n);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:20:1e9:1"));
    size_t m = mn_graph_edge_count(n.g);
    check c = { &n, NULL, malloc(m * sizeof(double)), 0, 0, 0 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&c.ref, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(c.ref, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(c.ref, n.l, n.nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(c.ref, n.r, n.nr, NULL));

    mn_sim *s = make_sim(&n, w);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, sample_cb, &c));
    MN_ASSERT_OK(ctx, mn_sim_run(s, 30.0));
    ck_assert_uint_eq(c.samples, 61);
    /* each sample within the CG tolerance's reach of the refactorised solution */
    printf("samples: current within %.3g, potentials within %.3g of the refactorised solve\n",
           c.max_rel_I, c.max_rel_phi);
    ck_assert_msg(c.max_rel_I < 1e-9, "sample current off by %g", c.max_rel_I);
    ck_assert_msg(c.max_rel_phi < 1e-9, "sample potential off by %g", c.max_rel_phi);
    /* the samples cost no refactorisation: one per right-hand side (at most), PCG at the
       samples (the first sample, before any factor, and those at restarts may refactorise) */
    mn_kirchhoff *k = mn_sim_kirchhoff(s);
    uint64_t rf = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
    uint64_t rhs = mn_sim_stat_get(s, MN_SIM_STAT_RHS);
    uint64_t cg = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES);
    ck_assert_uint_le(rf, rhs + 1);
    ck_assert_uint_ge(cg, 55);
    /* the run statistics: the solver's counters, the output solves, a time split that adds up */
    ck_assert_uint_eq(mn_sim_stat_get(s, MN_SIM_STAT_REFACTORS), rf);
    ck_assert_uint_eq(mn_sim_stat_get(s, MN_SIM_STAT_CG_ITERS),
                      mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS));
    uint64_t outs = mn_sim_stat_get(s, MN_SIM_STAT_OUTPUT_SOLVES);
    ck_assert_uint_ge(outs, 55);
    ck_assert_uint_le(outs, 61);
    uint64_t run = mn_sim_stat_get(s, MN_SIM_STAT_NS_RUN), sum = 0;
    for (int q = MN_SIM_STAT_NS_FACTORISE; q <= MN_SIM_STAT_NS_OUTPUT; q++) {
        uint64_t v = mn_sim_stat_get(s, (mn_sim_stat)q);
        ck_assert_msg(v > 0 && v <= run, "time part %d: %llu ns of %llu", q, (unsigned long long)v,
                      (unsigned long long)run);
        /* the output time contains the output solves: count the disjoint parts only */
        if (q != MN_SIM_STAT_NS_OUTPUT) sum += v;
    }
    ck_assert_uint_le(sum, run);
    ck_assert_uint_eq(mn_sim_stat_get(s, (mn_sim_stat)99), 0);
    mn_sim_free(s);

    mn_kirchhoff_free(c.ref);
    free(c.G);
    mn_waveform_free(w);
    free_net(&n);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("sim-perf");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_setting);
    tcase_add_test(tc, test_samples_without_refactorisation);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
