/*
 * Explicit Euler's stability check (lib/sim/sim_stability.c, issue 14): one miranda junction
 * between two electrodes with voltage-independent rates (eta_p = eta_d = 0), so that
 * dg/dt = k_p (1 - g) - k_d g has the single rate lambda = -(k_p + k_d) and Euler's iteration
 * g_{n+1} = g_n + h (k_p - (k_p + k_d) g_n) is known in closed form:
 *  - h above 2/|lambda|: every step is counted as unstable, the estimated limit is 2/|lambda|,
 *    and the clamped result is far from the true equilibrium (what the check is for);
 *  - h in (1/|lambda|, 2/|lambda|) from g = 0 towards g* near 1: the first step overshoots the
 *    bound 1 (exactly one flagged step), later ones converge;
 *  - h well below the limit: no step is flagged and the states equal Euler's closed form;
 *  - BDF runs are not checked (count 0, limit INFINITY);
 *  - the exact-exponential update (MN_SIM_EXACT) is stable at any step: not flagged.
 */
#include "../mn-test.h"

#include <math.h>
#include <stdlib.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

typedef struct one {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    mn_sim *sim;
    mn_waveform *w;
} one;

static void one_make(one *o, double kp, double kd, mn_sim_integrator integ, double h, double g0)
{
    mn_index u = 0, v = 1, a = 0, b = 1;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&o->g, ctx, 2, 1, &u, &v));
    MN_ASSERT_OK(ctx, mn_model_new(&o->model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(o->model, "k_p", kp));
    MN_ASSERT_OK(ctx, mn_model_set(o->model, "k_d", kd));
    MN_ASSERT_OK(ctx, mn_model_set(o->model, "eta_p", 0));
    MN_ASSERT_OK(ctx, mn_model_set(o->model, "eta_d", 0));
    MN_ASSERT_OK(ctx, mn_network_new(&o->net, o->g));
    MN_ASSERT_OK(ctx, mn_network_assign(o->net, o->model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&o->sim, o->net));
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&o->w, ctx, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(o->sim, &a, 1, o->w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(o->sim, &b, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_set_integrator(o->sim, integ));
    if (integ == MN_SIM_EULER || integ == MN_SIM_EXACT) MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(o->sim, h));
    MN_ASSERT_OK(ctx, mn_sim_init_states(o->sim, 0.0, &g0));
}

static void one_free(one *o)
{
    mn_sim_free(o->sim);
    mn_waveform_free(o->w);
    mn_network_free(o->net);
    mn_model_free(o->model);
    mn_graph_free(o->g);
}

/* Euler's iteration with the clamp to [0, 1], n steps */
static double euler_closed(double kp, double kd, double h, double g, int n)
{
    for (int k = 0; k < n; k++) {
        g += h * (kp - (kp + kd) * g);
        g = g < 0 ? 0 : g > 1 ? 1 : g;
    }
    return g;
}

START_TEST(test_unstable_flagged)
{
    /* lambda = -200, limit 0.01; h = 0.025: g bounces 0 -> 1 -> 0 ... (|1 + h lambda| = 4) */
    one o;
    one_make(&o, 100, 100, MN_SIM_EULER, 0.025, 0.2);
    MN_ASSERT_OK(ctx, mn_sim_run(o.sim, 1.0));
    uint64_t steps = mn_sim_stat_get(o.sim, MN_SIM_STAT_STEPS);
    ck_assert_uint_eq(steps, 40);
    ck_assert_uint_eq(mn_sim_stat_get(o.sim, MN_SIM_STAT_UNSTABLE_STEPS), steps);
    MN_ASSERT_REL(mn_sim_stable_step(o.sim), 2.0 / 200.0, 1e-14);
    /* the clamped result sits on a bound, far from the equilibrium 0.5 that BDF finds */
    double g = mn_sim_states(o.sim)[0];
    MN_ASSERT_ABS(g, euler_closed(100, 100, 0.025, 0.2, 40), 1e-15);
    ck_assert(g == 0.0 || g == 1.0);
    one_free(&o);

    one b;
    one_make(&b, 100, 100, MN_SIM_BDF, 0, 0.2);
    MN_ASSERT_OK(ctx, mn_sim_run(b.sim, 1.0));
    MN_ASSERT_ABS(mn_sim_states(b.sim)[0], 0.5 + (0.2 - 0.5) * exp(-200.0), 1e-6);
    ck_assert_uint_eq(mn_sim_stat_get(b.sim, MN_SIM_STAT_UNSTABLE_STEPS), 0);
    ck_assert(isinf(mn_sim_stable_step(b.sim)));
    one_free(&b);
    ck_assert(isnan(mn_sim_stable_step(NULL)));
}
END_TEST

START_TEST(test_overshoot_flagged)
{
    /* k_p = 199, k_d = 1: lambda = -200, g* = 0.995; h = 0.008 (h |lambda| = 1.6, below the
     * limit 2): from g = 0 the first step goes to 1.592, clamped at 1, where the rate -1
     * points back inside; afterwards |g - g*| shrinks by 0.6 per step and stays below 1 */
    one o;
    one_make(&o, 199, 1, MN_SIM_EULER, 0.008, 0.0);
    MN_ASSERT_OK(ctx, mn_sim_run(o.sim, 0.4));
    ck_assert_uint_eq(mn_sim_stat_get(o.sim, MN_SIM_STAT_STEPS), 50);
    ck_assert_uint_eq(mn_sim_stat_get(o.sim, MN_SIM_STAT_UNSTABLE_STEPS), 1);
    MN_ASSERT_ABS(mn_sim_states(o.sim)[0], euler_closed(199, 1, 0.008, 0.0, 50), 1e-14);
    one_free(&o);
}
END_TEST

START_TEST(test_stable_not_flagged)
{
    /* h = 0.002 (h |lambda| = 0.4): monotone decay, nothing flagged, Euler's closed form */
    one o;
    one_make(&o, 100, 100, MN_SIM_EULER, 0.002, 0.2);
    MN_ASSERT_OK(ctx, mn_sim_run(o.sim, 0.5));
    ck_assert_uint_eq(mn_sim_stat_get(o.sim, MN_SIM_STAT_STEPS), 250);
    ck_assert_uint_eq(mn_sim_stat_get(o.sim, MN_SIM_STAT_UNSTABLE_STEPS), 0);
    MN_ASSERT_REL(mn_sim_stable_step(o.sim), 0.01, 1e-14);
    /* g_n = g* + (g0 - g*) (1 + h lambda)^n */
    MN_ASSERT_ABS(mn_sim_states(o.sim)[0], 0.5 + (0.2 - 0.5) * pow(0.6, 250), 1e-14);
    one_free(&o);
    /* the exact-exponential update is stable at any step */
    one x;
    one_make(&x, 100, 100, MN_SIM_EXACT, 0.025, 0.2);
    MN_ASSERT_OK(ctx, mn_sim_run(x.sim, 1.0));
    ck_assert_uint_eq(mn_sim_stat_get(x.sim, MN_SIM_STAT_UNSTABLE_STEPS), 0);
    MN_ASSERT_ABS(mn_sim_states(x.sim)[0], 0.5 + (0.2 - 0.5) * exp(-200.0), 1e-12);
    one_free(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sim-stability");
    TCase *tc = tcase_create("euler");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unstable_flagged);
    tcase_add_test(tc, test_overshoot_flagged);
    tcase_add_test(tc, test_stable_not_flagged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(suite()); }
