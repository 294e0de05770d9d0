/*
 * The Kuncic group's junctions (atomic_switch, tunnel_switch) and VTEAM against their closed
 * forms, written here from the papers (docs/models.md), and a network run checked against the
 * closed form of lambda(t):
 *  - atomic switch: dlambda/dt = (|V| - V_set) sgn V, 0, -b (V_reset - |V|) sgn lambda at chosen
 *    V; lambda(t) linear at constant V (the exact step); G = G_on / G_off on either side of
 *    lambda_crit;
 *  - tunnel switch: Simmons' constants C0, J1 within 1% of their values from e, m_e, h; G from
 *    the gap s at chosen lambda; G = G_on + G_off at lambda_crit, ~G_off at lambda = 0;
 *  - VTEAM: the state rate at chosen v (and i for TEAM), with and without the window; G(w);
 *  - two atomic switches in series under a DC source, integrated by CVODE: both lambdas equal
 *    (V/2 - V_set) t, both currents equal G_off V/2 (current conservation), until the switch.
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

typedef struct one {
    mn_model *m;
    mn_graph *g;
    mn_network *net;
} one;

static one make_one(const char *name, const char *const *sets)
{
    one o = { 0 };
    MN_ASSERT_OK(ctx, mn_model_new(&o.m, ctx, name));
    for (int i = 0; sets && sets[i]; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(o.m, sets[i]));
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&o.g, ctx, 2, 1, (mn_index[]){ 0 }, (mn_index[]){ 1 }));
    MN_ASSERT_OK(ctx, mn_network_new(&o.net, o.g));
    MN_ASSERT_OK(ctx, mn_network_assign(o.net, o.m, NULL, 0, NULL));
    return o;
}

static void free_one(one *o)
{
    mn_network_free(o->net);
    mn_graph_free(o->g);
    mn_model_free(o->m);
}

static double rate(one *o, double x, double V, double I)
{
    double r;
    MN_ASSERT_OK(ctx, mn_network_rates(o->net, &x, &V, &I, &r));
    return r;
}

static double cond(one *o, double x)
{
    double G;
    MN_ASSERT_OK(ctx, mn_network_conductances(o->net, &x, &G));
    return G;
}

START_TEST(test_atomic_switch)
{
    const char *sets[] = { "V_set=0.02", "V_reset=0.004", "b=3", NULL };
    one o = make_one("atomic_switch", sets);
    const double Vset = 0.02, Vres = 0.004, b = 3, lc = 1e-2;
    /* Hochstetter et al. 2021: the three regimes */
    const double Vs[] = { 0.5, -0.5, 0.021, -0.03, 0.01, -0.019, 0.003, -0.001, 0.0 };
    const double lams[] = { 0.0123, -0.004, 0.0005 };
    for (int i = 0; i < 9; i++)
        for (int k = 0; k < 3; k++) {
            double V = Vs[i], lam = lams[k], a = fabs(V), want;
            if (a > Vset) want = (a - Vset) * (V > 0 ? 1 : -1);
            else if (a < Vres) want = -b * (Vres - a) * (lam > 0 ? 1 : -1);
            else want = 0.0;
            MN_ASSERT_REL(rate(&o, lam, V, 0.0), want, 1e-14);
        }
    /* lambda(t) = lambda0 + (|V| - V_set) sgn(V) t at constant V, through the exact step,
     * until the bound lambda_max = 0.015 */
    double x = 0.0, V = 0.07;
    unsigned char he;
    for (int s = 1; s <= 5; s++) {
        MN_ASSERT_OK(ctx, mn__network_exact_step(o.net, &x, &V, 0.05, &he));
        ck_assert_int_eq(he, 1);
        MN_ASSERT_REL(x, fmin(0.05 * s * (0.07 - Vset), 0.015), 1e-13);
    }
    /* decay below V_reset: linear at rate b (V_reset - |V|) down to 0 */
    x = 0.012, V = 0.001;
    MN_ASSERT_OK(ctx, mn__network_exact_step(o.net, &x, &V, 0.2, &he));
    MN_ASSERT_REL(x, 0.012 - b * (Vres - 0.001) * 0.2, 1e-13);
    MN_ASSERT_OK(ctx, mn__network_exact_step(o.net, &x, &V, 10.0, &he));
    ck_assert(fabs(x) < 1e-12);
    /* binary conductance */
    const double Gon = 7.748091729e-5, Goff = 7.748091729e-8;
    MN_ASSERT_REL(cond(&o, 0.0), Goff, 1e-15);
    MN_ASSERT_REL(cond(&o, 0.99 * lc), Goff, 1e-15);
    MN_ASSERT_REL(cond(&o, -0.99 * lc), Goff, 1e-15);
    MN_ASSERT_REL(cond(&o, 1.01 * lc), Gon, 1e-15);
    MN_ASSERT_REL(cond(&o, -1.2 * lc), Gon, 1e-15);
    free_one(&o);
}
END_TEST

START_TEST(test_tunnel_switch)
{
    /* Simmons' low-voltage constants from e, m_e, h (CODATA): C0 = 4 pi sqrt(2 m e)/h per nm and
     * V^1/2, J1 = (3/2) sqrt(2 m e) (e/h)^2 in A/(nm V^3/2); the code's values are within 1% */
    const double e = 1.602176634e-19, me = 9.1093837015e-31, h = 6.62607015e-34;
    double C0 = 4 * 3.14159265358979323846 * sqrt(2 * me * e) / h * 1e-9;
    double J1 = 1.5 * sqrt(2 * me * e) * (e / h) * (e / h) * 1e-9;
    ck_assert_msg(fabs(C0 - 10.19) < 0.01 * C0, "C0 %g", C0);
    ck_assert_msg(fabs(J1 - 4.71307e-5) < 0.01 * J1, "J1 %g", J1);
    one o = make_one("tunnel_switch", NULL);
    const double lc = 1e-2, smax = 5, phi = 0.81, A = 0.17, Gon = 7.748091729e-5,
                 Goff = 7.748091729e-8;
    const double lams[] = { 0.0, 0.005, -0.008, 0.0095, -0.0099, 0.01, 0.014 };
    double prev = 0;
    for (int k = 0; k < 7; k++) {
        double lam = lams[k], s = fmax(0.0, smax * (lc - fabs(lam)) / lc);
        double Rt = s / (A * 4.71307e-5 * sqrt(phi)) * exp(10.19 * s * sqrt(phi));
        double want = 1.0 / (Rt + 1.0 / Gon) + Goff;
        MN_ASSERT_REL(cond(&o, lam), want, 1e-13);
        ck_assert(cond(&o, lam) >= prev * (1 - 1e-15) || fabs(lam) < fabs(lams[k - 1]));
        prev = cond(&o, lam);
    }
    MN_ASSERT_REL(cond(&o, lc), Gon + Goff, 1e-15);
    MN_ASSERT_REL(cond(&o, 0.0), Goff, 1e-12); /* R_t(5 nm) ~ 1e25 ohm */
    /* the same filament law as the atomic switch */
    MN_ASSERT_REL(rate(&o, 0.003, -0.3, 0.0), -(0.3 - 0.01), 1e-14);
    MN_ASSERT_REL(rate(&o, 0.003, 0.002, 0.0), -10 * (0.005 - 0.002), 1e-14);
    free_one(&o);
}
END_TEST

START_TEST(test_vteam)
{
    /* Kvatinsky et al. 2015 eq. (1) with the reference values: k_off 5e-4 m/s, k_on -10 m/s,
     * alpha_off 1, alpha_on 3, v_off 0.02 V, v_on -0.2 V; linear R(w) with R_on 50, R_off 1e3 */
    one o = make_one("vteam", NULL);
    const double w = 1e-9;
    MN_ASSERT_REL(rate(&o, w, 0.05, 0.0), 5e-4 * (0.05 / 0.02 - 1), 1e-14);
    MN_ASSERT_REL(rate(&o, w, -0.5, 0.0), -10 * pow(-0.5 / -0.2 - 1, 3), 1e-14);
    ck_assert(rate(&o, w, 0.019, 0.0) == 0.0 && rate(&o, w, -0.19, 0.0) == 0.0);
    ck_assert(rate(&o, w, 0.0, 1.0) == 0.0); /* voltage-controlled: I does not matter */
    MN_ASSERT_REL(cond(&o, w), 1.0 / (50 + 950 * (w / 3e-9)), 1e-14);
    free_one(&o);
    /* the TEAM window and the exponential I-V */
    const char *sets[] = { "window=kvatinsky", "iv=exponential", "w_c=2e-10", NULL };
    o = make_one("vteam", sets);
    double foff = exp(-exp((w - 3e-9) / 2e-10)), fon = exp(-exp(-(w - 0.0) / 2e-10));
    MN_ASSERT_REL(rate(&o, w, 0.1, 0.0), 5e-4 * 4 * foff, 1e-13);
    MN_ASSERT_REL(rate(&o, w, -0.3, 0.0), -10 * pow(0.5, 3) * fon, 1e-13);
    MN_ASSERT_REL(cond(&o, w), 1.0 / (50 * exp(log(20.0) * w / 3e-9)), 1e-14);
    free_one(&o);
    /* TEAM (current-controlled): thresholds i_on, i_off */
    const char *team[] = { "control=current", "i_off=2e-3", "i_on=-1e-3", NULL };
    o = make_one("vteam", team);
    MN_ASSERT_REL(rate(&o, w, 0.0, 5e-3), 5e-4 * (5e-3 / 2e-3 - 1), 1e-14);
    MN_ASSERT_REL(rate(&o, w, 0.0, -4e-3), -10 * pow(3.0, 3), 1e-14);
    ck_assert(rate(&o, w, 1.0, 1e-3) == 0.0);
    free_one(&o);
}
END_TEST

START_TEST(test_network_two_switches)
{
    /* two atomic switches in series between 0.1 V and ground: by symmetry each carries 0.05 V,
     * so lambda = (0.05 - V_set) t = 0.04 t for both (closed form) until lambda_crit = 0.01 at
     * t = 0.25 s; the currents are equal (KCL at the middle node) and equal G_off 0.05 V */
    mn_model *m;
    mn_graph *g;
    mn_network *net;
    mn_sim *sim;
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, "atomic_switch"));
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 3, 2, (mn_index[]){ 0, 1 }, (mn_index[]){ 1, 2 }));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&sim, net));
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.1));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, (mn_index[]){ 0 }, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, (mn_index[]){ 2 }, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(sim, 1e-10, 1e-14));
    const double ts[] = { 0.05, 0.1, 0.2, 0.24 };
    for (int k = 0; k < 4; k++) {
        MN_ASSERT_OK(ctx, mn_sim_run(sim, ts[k]));
        const double *x = mn_sim_states(sim), *I = mn_sim_edge_currents(sim);
        MN_ASSERT_REL(x[0], 0.04 * ts[k], 1e-6);
        MN_ASSERT_REL(x[1], 0.04 * ts[k], 1e-6);
        MN_ASSERT_REL(I[0], I[1], 1e-12);
        MN_ASSERT_REL(I[0], 7.748091729e-8 * 0.05, 1e-9);
    }
    mn_waveform_free(w);
    mn_sim_free(sim);
    mn_network_free(net);
    mn_graph_free(g);
    mn_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("models-closed-forms");
    TCase *tc = tcase_create("closed-forms");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_atomic_switch);
    tcase_add_test(tc, test_tunnel_switch);
    tcase_add_test(tc, test_vteam);
    tcase_add_test(tc, test_network_two_switches);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
