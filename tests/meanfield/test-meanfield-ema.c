/* The effective-medium reduction (mn_meanfield_ema_*; issue 15 item 11): the closure against
 * exact Kirchhoff solves in its exact limits (uniform network, junctions in parallel, long
 * series chains, first order in the disorder), the dynamics against the closed-form solution
 * of a network of identical chains, and the prediction of G(t) against the full simulation of
 * a 600-wire nanowire network under 000's pulse protocol. */
#include "mn-test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* the demo's nanowire network (scripts/demo-run): length 1, 10.4 wires per unit area */
static mn_graph *nanowires(long wires, int64_t seed)
{
    double side = sqrt((double)wires / 10.4);
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, wires));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, side));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, side));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, seed));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    mn_gen_free(gen);
    return g;
}

static void sets(mn_graph *g, const mn_index **s, size_t *ns, const mn_index **d, size_t *nd)
{
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", s, ns));
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "right", d, nd));
}

/* a reduction of graph g between node sets s and d, for a miranda junction (lib/models
 * defaults unless changed) */
static mn_meanfield_ema *reduction(mn_graph *g, const mn_index *s, size_t ns, const mn_index *d,
                                   size_t nd, mn_model *j)
{
    mn_meanfield_projector *p;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_AUTO, 0.1, 1));
    mn_meanfield_model *jm;
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&jm, ctx, j, 1, NULL, 0, 1));
    mn_meanfield_ema *e;
    MN_ASSERT_OK(ctx, mn_meanfield_ema_new(&e, p, jm));
    mn_meanfield_model_free(jm);
    mn_meanfield_projector_free(p);
    return e;
}

static mn_model *miranda(void)
{
    mn_model *j;
    MN_ASSERT_OK(ctx, mn_model_new(&j, ctx, "miranda"));
    return j;
}

/* -------------------------------------------------------------- the closure's limits */

START_TEST(test_closure_uniform)
{
    /* equal conductances: the medium is the network itself (exact), and the class weights sum
     * to sum_i a_i^2 = G_eff of the unit network (Tellegen: the power of the unit network) */
    mn_graph *g = nanowires(300, 2);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_model *j = miranda();
    mn_meanfield_ema *e = reduction(g, s, ns, d, nd, j);
    size_t m = mn_graph_edge_count(g);
    double *G = malloc(m * sizeof *G), Gex, Gema, Gm, one;
    for (size_t i = 0; i < m; i++) G[i] = 0.37;
    MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, s, ns, d, nd, G, &Gex));
    MN_ASSERT_OK(ctx, mn_meanfield_ema_conductance(e, G, &Gema, &Gm));
    MN_ASSERT_REL(Gema, Gex, 1e-10);
    MN_ASSERT_REL(Gm, 0.37, 1e-12);
    for (size_t i = 0; i < m; i++) G[i] = 1;
    MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, s, ns, d, nd, G, &one));
    for (int K = 0; K < 3; K++) {
        MN_ASSERT_OK(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_CLASSES, K == 0 ? 0 : K == 1 ? 7 : 64));
        double wsum = 0, R;
        size_t cnt = 0, c;
        for (size_t k = 0; k < mn_meanfield_ema_class_count(e); k++) {
            double a, w;
            MN_ASSERT_OK(ctx, mn_meanfield_ema_class(e, k, &a, &R, &w, &c));
            ck_assert(R >= 0 && R <= 1 && c > 0 && w > 0);
            wsum += w;
            cnt += c;
        }
        MN_ASSERT_REL(wsum, one, 1e-10);
        ck_assert(cnt <= m);
        if (K == 1) ck_assert(mn_meanfield_ema_class_count(e) <= 7);
        if (K == 0) ck_assert_uint_eq(mn_meanfield_ema_class_count(e), cnt);
    }
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    free(G);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_closure_parallel)
{
    /* k junctions each joining the source to the drain: R_i = 0, a_i = 1, G_m = mean(G) and
     * G_eff = sum G, exactly */
    enum { k = 50 };
    mn_index u[k], v[k], s[k], d[k];
    for (int i = 0; i < k; i++) u[i] = s[i] = i, v[i] = d[i] = k + i;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 2 * k, k, u, v));
    mn_model *j = miranda();
    mn_meanfield_ema *e = reduction(g, s, k, d, k, j);
    double G[k], sum = 0, Gema;
    for (int i = 0; i < k; i++) sum += G[i] = 0.1 + 0.2 * i * i;
    MN_ASSERT_OK(ctx, mn_meanfield_ema_conductance(e, G, &Gema, NULL));
    MN_ASSERT_REL(Gema, sum, 1e-12);
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    mn_graph_free(g);
}
END_TEST

/* relative error of the closure on a chain of n junctions with conductances 1 + 2 x,
 * x uniform in [0, 1) (exact: 1/sum 1/G) */
static double chain_error(int n)
{
    mn_index *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), s = 0, d = n;
    for (int i = 0; i < n; i++) u[i] = i, v[i] = i + 1;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n + 1, (size_t)n, u, v));
    mn_model *j = miranda();
    mn_meanfield_ema *e = reduction(g, &s, 1, &d, 1, j);
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 11, 0));
    double *G = malloc(n * sizeof *G), rs = 0, Gema;
    for (int i = 0; i < n; i++) rs += 1 / (G[i] = 1 + 2 * mn_rng_uniform(rng));
    MN_ASSERT_OK(ctx, mn_meanfield_ema_conductance(e, G, &Gema, NULL));
    double err = fabs(Gema * rs - 1);
    mn_rng_free(rng);
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    free(G);
    free(u);
    free(v);
    mn_graph_free(g);
    return err;
}

START_TEST(test_closure_series)
{
    /* a chain of n: R_i = (n - 1)/n, a_i = 1/n; the closure tends to the harmonic mean (the
     * exact series conductance) with an error of order 1/n */
    double e10 = chain_error(10), e100 = chain_error(100), e1000 = chain_error(1000);
    printf("series chain: relative error %.3g (n = 10), %.3g (100), %.3g (1000)\n", e10, e100, e1000);
    ck_assert(e10 < 0.05);
    ck_assert(e100 < e10 / 5);
    ck_assert(e1000 < e100 / 5);
    ck_assert(e1000 < 1e-3);
}
END_TEST

START_TEST(test_closure_first_order)
{
    /* G_i = 1 + eps x_i: the closure is exact to first order in eps (its error is O(eps^2)),
     * against the exact nodal solve of the nanowire network */
    mn_graph *g = nanowires(300, 3);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_model *j = miranda();
    mn_meanfield_ema *e = reduction(g, s, ns, d, nd, j);
    size_t m = mn_graph_edge_count(g);
    double *G = malloc(m * sizeof *G), *x = malloc(m * sizeof *x), err[3], eps[3] = { 1e-1, 1e-2, 1e-3 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 5, 0));
    for (size_t i = 0; i < m; i++) x[i] = 2 * mn_rng_uniform(rng) - 1;
    for (int k = 0; k < 3; k++) {
        double Gex, Gema, G1;
        for (size_t i = 0; i < m; i++) G[i] = 1 + eps[k] * x[i];
        MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, s, ns, d, nd, G, &Gex));
        MN_ASSERT_OK(ctx, mn_meanfield_ema_conductance(e, G, &Gema, NULL));
        for (size_t i = 0; i < m; i++) G[i] = 1;
        MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, s, ns, d, nd, G, &G1));
        err[k] = fabs(Gema - Gex) / fabs(Gex - G1); /* relative to the first-order change */
        printf("first order: eps %g: |G_ema - G_exact| / |G_exact - G(eps = 0)| = %.3g\n", eps[k], err[k]);
    }
    ck_assert(err[1] < 0.02);
    ck_assert(err[2] < err[1] / 5); /* the error is of higher order than the change itself */
    mn_rng_free(rng);
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    free(G);
    free(x);
    mn_graph_free(g);
}
END_TEST

/* -------------------------------------------------------------- the dynamics */

typedef struct {
    double G[512];
    int n;
} trace;

static int record(const mn_sim *sim, void *ud)
{
    trace *tr = ud;
    if (tr->n < 512) tr->G[tr->n++] = mn_sim_effective_conductance(sim);
    return 0;
}

/* the full simulation (memnet simulate's settings) of graph g under V(t) sampled at t */
static void simulate(mn_graph *g, mn_model *j, const mn_index *s, size_t ns, const mn_index *d,
                     size_t nd, mn_waveform *w, double t_end, double dt, double rtol, trace *tr)
{
    mn_network *net;
    mn_sim *sim;
    memset(tr, 0, sizeof *tr);
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, j, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&sim, net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, s, ns, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, d, nd, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(sim, rtol, rtol * 1e-3));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(sim, 0, 0));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(sim, 0, dt));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(sim, record, tr));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, t_end));
    mn_sim_free(sim);
    mn_network_free(net);
}

START_TEST(test_dynamics_identical_chains)
{
    /* 8 x 8 lattice between its left and right columns: every row is a chain of 7 identical
     * junctions and the rungs carry no current, so each junction sees V/7 and
     * G_eff = 8 G(g)/7 with g(t) piecewise exponential (003 eq. 9): one class, integrated
     * exactly. Checked against that closed form and against the full simulation. */
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 8));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NY, 8));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    mn_gen_free(gen);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_model *j = miranda();
    const double Gmin = 1e-3, Gmax = 0.1, kp = 1e-3, kd = 5e-2, eta = 3;
    MN_ASSERT_OK(ctx, mn_model_set(j, "Gmin", Gmin));
    MN_ASSERT_OK(ctx, mn_model_set(j, "Gmax", Gmax));
    MN_ASSERT_OK(ctx, mn_model_set(j, "etaP", eta));
    MN_ASSERT_OK(ctx, mn_model_set(j, "etaD", eta));
    MN_ASSERT_OK(ctx, mn_model_set(j, "kP0", kp));
    mn_meanfield_ema *e = reduction(g, s, ns, d, nd, j);
    ck_assert_uint_eq(mn_meanfield_ema_class_count(e), 1);
    double a, R;
    MN_ASSERT_OK(ctx, mn_meanfield_ema_class(e, 0, &a, &R, NULL, NULL));
    MN_ASSERT_REL(a, 1.0 / 7, 1e-12);
    /* the rest of its chain (6 in series) in parallel with the paths through the rungs, which
     * carry no current in the uniform state but do in the junction's Thevenin equivalent */
    ck_assert(R > 0 && R < 6.0 / 7);
    double t[201], V[201], G[201], gm[201], gx = 0;
    for (int i = 0; i < 201; i++) t[i] = i, V[i] = i < 100 ? 2 : 0.1;
    MN_ASSERT_OK(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 201, 0, G, gm));
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pwl:0:2,100:2,100:0.1,200:0.1"));
    static trace sim;
    simulate(g, j, s, ns, d, nd, w, 200, 1, 1e-9, &sim);
    ck_assert_int_eq(sim.n, 201);
    double worst = 0, worst_sim = 0;
    for (int i = 0; i < 201; i++) {
        if (i) { /* 003 eq. 9 over [t_{i-1}, t_i] at v = V/7 */
            double u = V[i - 1] / 7, P = kp * exp(eta * u), D = kd * exp(-eta * u);
            gx = P / (P + D) + (gx - P / (P + D)) * exp(-(P + D));
        }
        double Gx = 8 * (Gmin + (Gmax - Gmin) * gx) / 7;
        worst = fmax(worst, fabs(G[i] / Gx - 1));
        worst_sim = fmax(worst_sim, fabs(G[i] / sim.G[i] - 1));
    }
    printf("identical chains: max relative error %.3g (closed form), %.3g (full simulation)\n",
           worst, worst_sim);
    ck_assert(worst < 1e-9);
    ck_assert(worst_sim < 1e-5);
    mn_waveform_free(w);
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    mn_graph_free(g);
}
END_TEST

static double rel_rms(const double *a, const double *ref, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += pow((a[i] - ref[i]) / ref[i], 2);
    return sqrt(s / n);
}

START_TEST(test_prediction_against_simulation)
{
    /* 000's pulse protocol (2 V for 100 s, 0.1 V read to 200 s) on the demo's 600-wire
     * network with lib/models' miranda defaults: the full simulation is the reference */
    mn_graph *g = nanowires(600, 1);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_model *j = miranda();
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pwl:0:2,100:2,100:0.1,200:0.1"));
    static trace sim;
    simulate(g, j, s, ns, d, nd, w, 200, 1, 1e-6, &sim);
    ck_assert_int_eq(sim.n, 201);
    double t[201], V[201], G[201], G0[201], Gj[201];
    for (int i = 0; i < 201; i++) t[i] = i, V[i] = mn_waveform_value(w, t[i]);
    mn_meanfield_ema *e = reduction(g, s, ns, d, nd, j);
    MN_ASSERT_OK(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 201, 0, G, NULL));
    MN_ASSERT_REL(G[0], sim.G[0], 1e-9); /* the uniform state is exact */
    /* one class per junction: the closure without grouping */
    MN_ASSERT_OK(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_CLASSES, 0));
    MN_ASSERT_OK(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 201, 0, Gj, NULL));
    /* 000's reduction (000 eqs. 25-28, voltage drive) on the same network */
    mn_meanfield_projector *p;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_AUTO, 0.1, 1));
    mn_meanfield_model *m0;
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&m0, ctx, j, 1, p, 0, 1));
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate_sampled(m0, t, V, 201, 0, NULL, G0));
    double r = rel_rms(G, sim.G, 201), rj = rel_rms(Gj, sim.G, 201), r0 = rel_rms(G0, sim.G, 201);
    printf("600 wires, 000's pulse: relative rms of G(t): effective medium %.4f (per junction "
           "%.4f), 000's reduction %.4f\n", r, rj, r0);
    ck_assert(r < 0.08);   /* measured 0.067 */
    ck_assert(rj < 0.08);
    ck_assert(fabs(r - rj) < 0.01);
    ck_assert(r0 > 0.3);   /* measured 0.45: 000's reduction underestimates the response */
    mn_meanfield_model_free(m0);
    mn_meanfield_projector_free(p);
    mn_meanfield_ema_free(e);
    mn_waveform_free(w);
    mn_model_free(j);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_bad_input)
{
    mn_graph *g = nanowires(100, 1);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_model *j = miranda();
    mn_meanfield_ema *e = reduction(g, s, ns, d, nd, j), *none = NULL;
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_CLASSES, -1), MN_ERR_RANGE, "classes = -1");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_CLASSES, 2.5), MN_ERR_RANGE, "classes = 2.5");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_RTOL, 0), MN_ERR_RANGE, "rtol = 0");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_ATOL, NAN), MN_ERR_RANGE, "atol = nan");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_set(e, (mn_meanfield_ema_option)99, 1), MN_ERR_INVALID, "option 99");
    ck_assert_int_eq(mn_meanfield_ema_set(NULL, MN_MEANFIELD_EMA_RTOL, 1e-3), MN_ERR_INVALID);
    double t[3] = { 0, 1, 2 }, V[3] = { 1, 1, 1 }, G[3];
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 3, 1.5, G, NULL), MN_ERR_RANGE,
                  "initial state 1.5");
    V[1] = NAN;
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 3, 0, G, NULL), MN_ERR_RANGE,
                  "voltage nan");
    V[1] = 1, t[2] = 0.5;
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 3, 0, G, NULL), MN_ERR_RANGE,
                  "time 0.5");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_integrate_sampled(e, t, V, 0, 0, G, NULL), MN_ERR_INVALID,
                  "no samples");
    size_t m = mn_graph_edge_count(g);
    double *Ge = malloc(m * sizeof *Ge), out;
    for (size_t i = 0; i < m; i++) Ge[i] = 1;
    const double *ov;
    mn_meanfield_projector *p;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_AUTO, 0.1, 1));
    ov = mn_meanfield_projector_omega_vec(p);
    size_t bad = 0;
    while (bad < m && ov[bad] == 0) bad++;
    Ge[bad] = -2;
    char msg[64];
    snprintf(msg, sizeof msg, "edge %zu: conductance -2", bad);
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_conductance(e, Ge, &out, NULL), MN_ERR_RANGE, msg);
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_class(e, 100000, NULL, NULL, NULL, NULL), MN_ERR_RANGE,
                  "class 100000");
    MN_ASSERT_ERR(ctx, mn_meanfield_ema_new(&none, p, NULL), MN_ERR_INVALID, "NULL");
    ck_assert_ptr_null(none);
    ck_assert_uint_eq(mn_meanfield_ema_stat_get(NULL, MN_MEANFIELD_EMA_STAT_STEPS), 0);
    ck_assert_uint_eq(mn_meanfield_ema_class_count(NULL), 0);
    mn_meanfield_ema_free(NULL);
    mn_meanfield_projector_free(p);
    free(Ge);
    mn_meanfield_ema_free(e);
    mn_model_free(j);
    mn_graph_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meanfield-ema");
    TCase *tc = tcase_create("ema");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_closure_uniform);
    tcase_add_test(tc, test_closure_parallel);
    tcase_add_test(tc, test_closure_series);
    tcase_add_test(tc, test_closure_first_order);
    tcase_add_test(tc, test_dynamics_identical_chains);
    tcase_add_test(tc, test_prediction_against_simulation);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
