/*
 * CVODE's Newton iteration with the preconditioner's per-junction blocks alone (the default,
 * lib/sim/sim_blockls.c: a modified Newton iteration without Jacobian-vector products) against
 * the exact Newton iteration (SPGMR with analytic Jacobian-vector products,
 * mn__sim_set_newton), on the 000 pulse protocol and the stiffer cases of
 * test-sim-solves (miranda at a contrast of 1e6, the hillock tunnel gap, the tunnel switch) and
 * on a small dense random network, where the coupling through the network that the blocks leave
 * out is strongest:
 * - at rtol 1e-6 the sampled current within 1e-5 (ten times rtol) of max |I| of an exact Newton
 *   run at rtol 1e-9 (the reference; the exact Newton run at rtol 1e-6 is within 2.1e-5 of it
 *   on the tunnel switch, the blocks within 1.6e-6); a run at rtol 1e-2 misses that in every
 *   case, so the comparison can fail;
 * - no Jacobian-vector product, at most one block solve per Newton iteration (CVODE skips the
 *   solve for a negligible residual), fewer Kirchhoff solves, and at most 20 % more steps and
 *   error-test failures (plus 3) than the exact Newton run at the same rtol.
 * The default (MN__SIM_NEWTON_AUTO) is the blocks for these networks (no event functions):
 * test-sim.c's one-junction closed form checks that it makes no Jacobian-vector product.
 */
#include "../mn-test.h"
#include "sim/sim-private.h"

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
    mn_index ends[4]; /* the dense network's electrodes: nodes 0, 1 and 38, 39 */
} net;

static void attach(net *n, const char *model, const char *par, double val)
{
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, model));
    if (par) MN_ASSERT_OK(ctx, mn_model_set(n->model, par, val));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
}

/* a random stick network (wires sticks in a 6.3 x 6.3 square), as in test-sim-solves */
static void make_sticks(net *n, int wires, const char *model, const char *par, double val)
{
    n->g = mn_test_sticks(ctx, wires, 6.3, 3);
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "left", &n->l, &n->nl));
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "right", &n->r, &n->nr));
    attach(n, model, par, val);
}

/* 120 distinct random edges on 40 nodes (mean degree 6), electrodes {0, 1} and {38, 39} */
static void make_dense(net *n, const char *model)
{
    enum { NN = 40, M = 120 };
    mn_index u[M], v[M];
    unsigned char used[NN][NN];
    memset(used, 0, sizeof used);
    uint64_t x = 88172645463325252u;
    size_t m = 0;
    while (m < M) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int a = (int)(x % NN), b = (int)((x >> 20) % NN);
        if (a == b || used[a][b]) continue;
        used[a][b] = used[b][a] = 1;
        u[m] = a, v[m] = b, m++;
    }
    /* a path 0-1-...-39 as well, so that every node is connected */
    mn_index uu[M + NN], vv[M + NN];
    size_t mm = 0;
    for (size_t e = 0; e < M; e++) uu[mm] = u[e], vv[mm] = v[e], mm++;
    for (int i = 0; i + 1 < NN; i++)
        if (!used[i][i + 1]) uu[mm] = i, vv[mm] = i + 1, mm++;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&n->g, ctx, NN, mm, uu, vv));
    n->ends[0] = 0, n->ends[1] = 1, n->ends[2] = 38, n->ends[3] = 39;
    n->l = n->ends, n->nl = 2, n->r = n->ends + 2, n->nr = 2;
    attach(n, model, NULL, 0.0);
}

static void free_net(net *n)
{
    mn_network_free(n->net);
    mn_model_free(n->model);
    mn_graph_free(n->g);
}

typedef struct trace {
    mn_test_trace s; /* the samples */
    uint64_t steps, jv, lin, newton, errfails, solves;
} trace;

/* the protocol to t_end, samples every 0.5 s; gmres: the exact Newton iteration */
static void run(net *n, const char *wave, double t_end, int gmres, double rtol, trace *tr)
{
    memset(tr, 0, sizeof *tr);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, wave));
    mn_sim *s;
    MN_ASSERT_OK(ctx, mn_sim_new(&s, n->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->l, n->nl, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->r, n->nr, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(s, 0.0, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(s, rtol, 1e-9));
    mn__sim_set_newton(s, gmres ? MN__SIM_NEWTON_GMRES : MN__SIM_NEWTON_BLOCKS);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, mn_test_trace_cb, &tr->s));
    MN_ASSERT_OK(ctx, mn_sim_run(s, t_end));
    tr->steps = mn_sim_stat_get(s, MN_SIM_STAT_STEPS);
    tr->jv = mn_sim_stat_get(s, MN_SIM_STAT_JV);
    tr->lin = mn_sim_stat_get(s, MN_SIM_STAT_LIN_ITERS);
    tr->newton = mn_sim_stat_get(s, MN_SIM_STAT_NEWTON_ITERS);
    tr->errfails = mn_sim_stat_get(s, MN_SIM_STAT_ERR_FAILS);
    tr->solves = mn_sim_stat_get(s, MN_SIM_STAT_SOLVES);
    mn_sim_free(s);
    mn_waveform_free(w);
}

static const struct {
    const char *what, *model, *par;
    double val;
    int dense;
} cases[] = {
    { "000 protocol, miranda", "miranda", "G_min", 1e-3, 0 },
    { "miranda, contrast 1e6", "miranda", "G_min", 1e-6, 0 },
    { "hillock tunnel gap", "hillock", NULL, 0.0, 0 },
    { "tunnel switch", "tunnel_switch", NULL, 0.0, 0 },
    { "dense network, miranda", "miranda", NULL, 0.0, 1 },
    { "dense network, tunnel switch", "tunnel_switch", NULL, 0.0, 1 },
};

START_TEST(test_blocks_against_exact_newton)
{
    int c = _i;
    const char *wave = "dc:0.1+pulse:1.9:20:1e9:1";
    net n;
    if (cases[c].dense) make_dense(&n, cases[c].model);
    else make_sticks(&n, 300, cases[c].model, cases[c].par, cases[c].val);
    static trace b, g, loose, ref;
    run(&n, wave, 30.0, 0, 1e-6, &b);
    run(&n, wave, 30.0, 1, 1e-6, &g);
    run(&n, wave, 30.0, 0, 1e-2, &loose);
    run(&n, wave, 30.0, 1, 1e-9, &ref);
    double d = mn_test_trace_diff(&b.s, &ref.s, NULL), dg = mn_test_trace_diff(&g.s, &ref.s, NULL),
           dl = mn_test_trace_diff(&loose.s, &ref.s, NULL);
    printf("%s: against exact Newton at rtol 1e-9, blocks within %.2g, exact Newton %.2g, blocks "
           "at rtol 1e-2 %.2g; blocks / exact Newton at rtol 1e-6: steps %llu / %llu, Newton "
           "%llu / %llu, error-test failures %llu / %llu, Jv %llu / %llu, Kirchhoff solves %llu / "
           "%llu\n",
           cases[c].what, d, dg, dl, (unsigned long long)b.steps, (unsigned long long)g.steps,
           (unsigned long long)b.newton, (unsigned long long)g.newton,
           (unsigned long long)b.errfails, (unsigned long long)g.errfails,
           (unsigned long long)b.jv, (unsigned long long)g.jv, (unsigned long long)b.solves,
           (unsigned long long)g.solves);
    fflush(stdout);
    ck_assert_uint_eq(g.s.n, 61);
    ck_assert_msg(d < 1e-5, "%s: blocks off the reference by %g", cases[c].what, d);
    ck_assert_msg(dl > 1e-5, "%s: rtol 1e-2 passes (%g)", cases[c].what, dl);
    ck_assert_uint_eq(b.jv, 0);
    ck_assert_uint_gt(g.jv, 0);
    ck_assert_uint_le(b.lin, b.newton);
    ck_assert_uint_lt(b.solves, g.solves);
    ck_assert_uint_le(b.steps, g.steps + g.steps / 5 + 3);
    ck_assert_uint_le(b.errfails, g.errfails + g.errfails / 5 + 3);
    free_net(&n);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("sim-newton");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_blocks_against_exact_newton, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
