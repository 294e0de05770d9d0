/*
 * The Kirchhoff solves inside the integrator (issue 16): PCG warm starts extrapolated in time
 * (lib/kirchhoff/warmstart.c) and the step tolerance of the integrator's solves
 * (mn__sim_solve_tolerances), against references that do not take them:
 * - along a smooth path of conductances G(t), a solver told the times of its solves gives the
 *   same potentials as a refactorised (direct) solve, to the PCG tolerance, with fewer PCG
 *   iterations than the same solver warm-started from its last solution; an output solve
 *   between two times (interpolation) likewise, and it leaves the history alone; a source
 *   scaled by a factor starts from the scaled solution (no iteration needed);
 * - the 000 pulse protocol and three stiffer cases (the hillock tunnel gap, the tunnel switch,
 *   miranda at a conductance contrast of 1e6) with the default solves against runs that
 *   refactorise at every right-hand side: the sampled current within 1e-5 (ten times rtol) of
 *   max |I| (the first three agree to 1e-12; the tunnel switch's step sequence differs from
 *   REFACTOR's at the integration error, 4e-6, with PCG to 1e-12 as well); a step tolerance of
 *   1e-2 fails that comparison in all four, so the test can fail.
 */
#include "../mn-test.h"
#include "kirchhoff/kirchhoff-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

typedef struct net {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    const mn_index *l, *r;
    size_t nl, nr;
} net;

/* a random stick network (wires sticks in a 6.3 x 6.3 square), `model` with one parameter set */
static void make_net(net *n, int wires, const char *model, const char *par, double val)
{
    n->g = mn_test_sticks(ctx, wires, 6.3, 3);
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "left", &n->l, &n->nl));
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "right", &n->r, &n->nr));
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, model));
    if (par) MN_ASSERT_OK(ctx, mn_model_set(n->model, par, val));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
}

static void free_net(net *n)
{
    mn_network_free(n->net);
    mn_model_free(n->model);
    mn_graph_free(n->g);
}

/* ------------------------------------------------------------------ the warm start */

/* conductances at time t: a smooth drift of every edge, phases spread over the edges */
static void path_G(double *G, size_t m, double t)
{
    for (size_t e = 0; e < m; e++) {
        double ph = 0.7 * (double)e;
        G[e] = 1e-3 + 0.5 * (1.0 + sin(ph)) * (1.0 + 0.4 * sin(0.3 * t + ph));
    }
}

static double max_rel(const double *a, const double *b, size_t n)
{
    double sc = 0.0, d = 0.0;
    for (size_t i = 0; i < n; i++) sc = fmax(sc, fabs(b[i]));
    for (size_t i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]));
    return sc > 0 ? d / sc : d;
}

static uint64_t cg_its(const mn_kirchhoff *k)
{
    return mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
}

START_TEST(test_warm_start_path)
{
    net n;
    make_net(&n, 500, "miranda", NULL, 0.0);
    size_t m = mn_graph_edge_count(n.g), nn = mn_graph_node_count(n.g);
    double *G = malloc(m * sizeof *G), *ph = malloc(nn * sizeof *ph);
    /* w: told the times; p: plain warm start (last solution); f: refactorises every solve */
    mn_kirchhoff *w, *p, *f;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&w, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&p, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&f, n.g));
    mn_kirchhoff *all[3] = { w, p, f };
    for (int i = 0; i < 3; i++) {
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(all[i], n.l, n.nl, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(all[i], n.r, n.nr, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(all[i], 0, 2.0));
        /* PCG on the first factor throughout (REFACTOR for the reference) */
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(
                              all[i], i == 2 ? MN_KIRCHHOFF_REFACTOR : MN_KIRCHHOFF_PCG));
    }
    double h = 0.25, err = 0.0;
    uint64_t iw = 0, ip = 0;
    for (int j = 0; j <= 12; j++) {
        double t = h * j * (1.0 + 0.1 * j); /* uneven steps */
        path_G(G, m, t);
        mn__kirchhoff_set_time(w, t);
        for (int i = 0; i < 3; i++) {
            uint64_t i0 = cg_its(all[i]);
            MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(all[i], G));
            MN_ASSERT_OK(ctx, mn_kirchhoff_solve(all[i]));
            if (j >= 3 && i == 0) iw += cg_its(w) - i0; /* from the quadratic on */
            if (j >= 3 && i == 1) ip += cg_its(p) - i0;
        }
        const double *ref = mn_kirchhoff_potentials(f);
        err = fmax(err, max_rel(mn_kirchhoff_potentials(w), ref, nn));
        ck_assert_msg(max_rel(mn_kirchhoff_potentials(p), ref, nn) < 1e-9, "plain PCG at t = %g",
                      t);
    }
    printf("warm start along G(t): %llu PCG iterations extrapolated, %llu from the last solution; "
           "potentials within %.2g of direct solves\n",
           (unsigned long long)iw, (unsigned long long)ip, err);
    ck_assert_msg(err < 1e-9, "extrapolated warm start: potentials off by %g", err);
    ck_assert_uint_lt(iw, ip);

    /* an output solve between the last two times: interpolated, correct, history untouched */
    double tl = h * 12 * 2.2, tp = h * 11 * 2.1, to = 0.5 * (tl + tp);
    path_G(G, m, to);
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(f, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(f));
    memcpy(ph, mn_kirchhoff_potentials(f), nn * sizeof *ph);
    uint64_t io[2];
    for (int i = 0; i < 2; i++) {
        mn__kirchhoff_set_time(all[i], to);
        mn__kirchhoff_set_output_solves(all[i], 1);
        uint64_t i0 = cg_its(all[i]);
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(all[i], G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(all[i]));
        io[i] = cg_its(all[i]) - i0;
        mn__kirchhoff_set_output_solves(all[i], 0);
        double e = max_rel(mn_kirchhoff_potentials(all[i]), ph, nn);
        ck_assert_msg(e < 1e-9, "output solve %d: %g", i, e);
    }
    printf("output solve between two times: %llu iterations interpolated, %llu from the last "
           "solution\n", (unsigned long long)io[0], (unsigned long long)io[1]);
    ck_assert_uint_lt(io[0], io[1]);

    /* the next step after the output: the same iterations as a solver that took no output */
    mn_kirchhoff *w2;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&w2, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(w2, n.l, n.nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(w2, n.r, n.nr, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(w2, 0, 2.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(w2, MN_KIRCHHOFF_PCG));
    for (int j = 0; j <= 12; j++) {
        double t = h * j * (1.0 + 0.1 * j);
        path_G(G, m, t);
        mn__kirchhoff_set_time(w2, t);
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(w2, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(w2));
    }
    double tn = h * 13 * 2.3;
    path_G(G, m, tn);
    mn_kirchhoff *pair[2] = { w, w2 };
    uint64_t in[2];
    for (int i = 0; i < 2; i++) {
        mn__kirchhoff_set_time(pair[i], tn);
        uint64_t i0 = cg_its(pair[i]);
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(pair[i], G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(pair[i]));
        in[i] = cg_its(pair[i]) - i0;
    }
    ck_assert_uint_eq(in[0], in[1]);
    ck_assert(memcmp(mn_kirchhoff_potentials(w), mn_kirchhoff_potentials(w2),
                     nn * sizeof(double)) == 0);

    /* a scaled source at the same conductances (a pulse edge 2 V -> 0.1 V): the scaled solution
     * is the answer, so PCG stops at its first residual check */
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(w, 0, 0.1));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(f, 0, 0.1));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(f, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(f));
    mn__kirchhoff_set_time(w, tn);
    uint64_t i0 = cg_its(w);
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(w));
    ck_assert_uint_le(cg_its(w) - i0, 1);
    double es = max_rel(mn_kirchhoff_potentials(w), mn_kirchhoff_potentials(f), nn);
    ck_assert_msg(es < 1e-9, "scaled source: %g", es);

    for (int i = 0; i < 3; i++) mn_kirchhoff_free(all[i]);
    mn_kirchhoff_free(w2);
    free(G), free(ph);
    free_net(&n);
}
END_TEST

/* ------------------------------------------------------------------ the step tolerance */

typedef mn_test_trace trace;

/* the protocol `wave` to t_end, samples every 0.5 s; mode 0: default, 1: REFACTOR, 2: the
 * integrator's solves to the relative residual `tol` */
static void run(net *n, const char *wave, double t_end, int mode, double tol, trace *tr,
                uint64_t *cgi)
{
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, wave));
    mn_sim *s;
    MN_ASSERT_OK(ctx, mn_sim_new(&s, n->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->l, n->nl, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->r, n->nr, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(s, 0.0, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(s, 1e-6, 1e-9));
    mn_kirchhoff *k = mn_sim_kirchhoff(s);
    if (mode == 1) MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR));
    if (mode == 2) mn__kirchhoff_set_step_tolerance(k, tol);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, mn_test_trace_cb, tr));
    MN_ASSERT_OK(ctx, mn_sim_run(s, t_end));
    *cgi = cg_its(k);
    mn_sim_free(s);
    mn_waveform_free(w);
}

static const struct {
    const char *what, *model, *par;
    double val;
    const char *wave;
    double t_end;
} cases[] = {
    { "000 protocol, miranda", "miranda", "G_min", 1e-3, "dc:0.1+pulse:1.9:20:1e9:1", 30.0 },
    { "miranda, contrast 1e6", "miranda", "G_min", 1e-6, "dc:0.1+pulse:1.9:20:1e9:1", 30.0 },
    { "hillock tunnel gap", "hillock", NULL, 0.0, "dc:0.1+pulse:1.9:20:1e9:1", 30.0 },
    { "tunnel switch", "tunnel_switch", NULL, 0.0, "dc:0.1+pulse:1.9:20:1e9:1", 30.0 },
};

START_TEST(test_step_tolerance_against_refactor)
{
    int c = _i;
    net n;
    make_net(&n, 300, cases[c].model, cases[c].par, cases[c].val);
    static trace d, r, l;
    memset(&d, 0, sizeof d), memset(&r, 0, sizeof r), memset(&l, 0, sizeof l);
    uint64_t id, ir, il;
    run(&n, cases[c].wave, cases[c].t_end, 0, 0, &d, &id);
    run(&n, cases[c].wave, cases[c].t_end, 1, 0, &r, &ir);
    run(&n, cases[c].wave, cases[c].t_end, 2, 1e-2, &l, &il);
    double range, dd = mn_test_trace_diff(&d, &r, &range), dl = mn_test_trace_diff(&l, &r, &range);
    printf("%s: %zu samples, max/min |I| %.3g; default solves within %.2g of REFACTOR (%llu PCG "
           "iterations), step tolerance 1e-2: %.2g (%llu)\n",
           cases[c].what, r.n, range, dd, (unsigned long long)id, dl, (unsigned long long)il);
    ck_assert_uint_eq(r.n, 61);
    ck_assert_msg(dd < 1e-5, "%s: default solves off REFACTOR by %g", cases[c].what, dd);
    ck_assert_msg(dl > 1e-5, "%s: a step tolerance of 1e-2 passes (%g)", cases[c].what, dl);
    free_net(&n);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("sim-solves");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_warm_start_path);
    tcase_add_loop_test(tc, test_step_tolerance_against_refactor, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
