/*
 * The simulation on more than one thread (the context's pool: CVODE's vector kernels, the
 * split model batches, the preconditioner's per-edge loops, the Kirchhoff kernels): a 000
 * pulse on a random stick network of about 24 000 junctions (large enough for every split to
 * happen) run with 1, 2 and 3 threads. Each thread count must give the same bits when run
 * twice (restarts and checkpoints rely on it); 2 and 3 threads must agree with 1 to the
 * integration tolerance; and the run's final current must agree with a direct solve at its
 * final states (Kirchhoff's law at the sampled state, an independent reference).
 */
#include "../mn-test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

typedef struct result {
    double *x;   /* final states */
    size_t m;
    double I;    /* final electrode current */
    double Iref; /* the same from a direct solve at the final states */
} result;

/* the run on `threads` threads in a context of its own (the test's context only reports) */
static result run(int threads)
{
    mn_context *c;
    ck_assert_int_eq(mn_context_new(&c), MN_OK);
    MN_ASSERT_OK(c, mn_context_set_threads(c, (size_t)threads));
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(c, mn_gen_new(&gen, c));
    MN_ASSERT_OK(c, mn_gen_set_int(gen, MN_GEN_SEED, 11));
    MN_ASSERT_OK(c, mn_gen_set_int(gen, MN_GEN_WIRES, 6008));
    MN_ASSERT_OK(c, mn_gen_set_real(gen, MN_GEN_WIDTH, 21.8));
    MN_ASSERT_OK(c, mn_gen_set_real(gen, MN_GEN_HEIGHT, 21.8));
    MN_ASSERT_OK(c, mn_gen_nanowires(&g, gen));
    mn_gen_free(gen);
    const mn_index *l, *r;
    size_t nl, nr;
    MN_ASSERT_OK(c, mn_graph_node_set(g, "left", &l, &nl));
    MN_ASSERT_OK(c, mn_graph_node_set(g, "right", &r, &nr));
    size_t m = mn_graph_edge_count(g);
    ck_assert_uint_gt(m, 20000);
    mn_model *model;
    mn_network *net;
    mn_sim *s;
    mn_waveform *w;
    MN_ASSERT_OK(c, mn_model_new(&model, c, "miranda"));
    MN_ASSERT_OK(c, mn_model_set(model, "G_min", 1e-3));
    MN_ASSERT_OK(c, mn_network_new(&net, g));
    MN_ASSERT_OK(c, mn_network_assign(net, model, NULL, 0, NULL));
    MN_ASSERT_OK(c, mn_sim_new(&s, net));
    MN_ASSERT_OK(c, mn_waveform_parse(&w, c, "dc:0.1+pulse:1.9:1:1e9:1:0"));
    MN_ASSERT_OK(c, mn_sim_add_electrode(s, l, nl, w, NULL));
    MN_ASSERT_OK(c, mn_sim_add_electrode(s, r, nr, NULL, NULL));
    MN_ASSERT_OK(c, mn_sim_init_uniform(s, 0.0, 0.0));
    MN_ASSERT_OK(c, mn_sim_set_tolerances(s, 1e-6, 1e-9));
    MN_ASSERT_OK(c, mn_sim_run(s, 1.5));
    result res = { malloc(m * sizeof(double)), m, mn_sim_electrode_current(s, 0), 0 };
    memcpy(res.x, mn_sim_states(s), m * sizeof(double));
    /* the current at the final states by a direct solve (000 eq 1: G = G_min + (1 - G_min) g) */
    mn_kirchhoff *k;
    double *G = malloc(m * sizeof *G);
    for (size_t e = 0; e < m; e++) G[e] = 1e-3 + (1.0 - 1e-3) * res.x[e];
    MN_ASSERT_OK(c, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(c, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(c, mn_kirchhoff_add_electrode(k, l, nl, NULL));
    MN_ASSERT_OK(c, mn_kirchhoff_add_electrode(k, r, nr, NULL));
    MN_ASSERT_OK(c, mn_kirchhoff_set_potential(k, 0, mn_sim_applied_voltage(s, 0)));
    MN_ASSERT_OK(c, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(c, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(c, mn_kirchhoff_electrode_current(k, 0, &res.Iref));
    mn_kirchhoff_free(k);
    free(G);
    mn_sim_free(s);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(model);
    mn_graph_free(g);
    mn_context_free(c);
    return res;
}

START_TEST(test_threads_agree)
{
    result one = run(1);
    MN_ASSERT_REL(one.I, one.Iref, 1e-6);
    for (int t = 2; t <= 3; t++) {
        result a = run(t), b = run(t);
        ck_assert_uint_eq(a.m, one.m);
        ck_assert_msg(memcmp(a.x, b.x, a.m * sizeof(double)) == 0 && a.I == b.I,
                      "%d threads: two runs differ", t);
        MN_ASSERT_REL(a.I, a.Iref, 1e-6);
        /* the same trajectory to the integration tolerance (rtol 1e-6 per step, ~30 steps) */
        double dmax = 0;
        for (size_t e = 0; e < a.m; e++) dmax = fmax(dmax, fabs(a.x[e] - one.x[e]));
        if (getenv("MN_TEST_VERBOSE")) printf("%d threads: max state difference %g, I %.17g vs %.17g\n", t, dmax, a.I, one.I);
        ck_assert_msg(dmax < 1e-4, "%d threads: states differ from one thread by %g", t, dmax);
        MN_ASSERT_REL(a.I, one.I, 1e-5);
        free(a.x), free(b.x);
    }
    free(one.x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim-threads");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_threads_agree);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
