/* Reservoir driver: features of a resistor lattice against a dense nodal solve written here;
 * one miranda junction against the closed-form update of 003 eq. 9 (exact integrator and
 * CVODE); delayed copies; bad input. */
#include "../mn-test.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

/* an NX x NY square lattice with edge conductances 1 + (e mod 3) (resistor model) */
static void lattice(mn_graph **g, mn_network **net, int nx, int ny)
{
    mn_gen *gen;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_SQUARE));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, nx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NY, ny));
    MN_ASSERT_OK(ctx, mn_gen_lattice(g, gen));
    mn_gen_free(gen);
    mn_model *res;
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    MN_ASSERT_OK(ctx, mn_network_new(net, *g));
    MN_ASSERT_OK(ctx, mn_network_assign(*net, res, NULL, 0, NULL));
    mn_model_free(res);
    for (size_t e = 0; e < mn_graph_edge_count(*g); e++)
        MN_ASSERT_OK(ctx, mn_network_set_edge_param(*net, (mn_index)e, "G", 1.0 + (double)(e % 3)));
}

/* dense nodal solve: potentials phi (nn) with the given Dirichlet nodes/values */
static void dense_phi(const mn_graph *g, const double *Ge, const int *fixed, const double *val,
                      double *phi)
{
    size_t nn = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
    int *idx = malloc(nn * sizeof *idx), nf = 0;
    for (size_t i = 0; i < nn; i++) idx[i] = fixed[i] ? -1 : nf++;
    double *A = calloc((size_t)nf * (size_t)nf, sizeof *A), *b = calloc((size_t)nf, sizeof *b);
    for (size_t e = 0; e < m; e++) {
        int a = u[e], c = v[e];
        int ia = idx[a], ic = idx[c];
        if (ia >= 0) A[ia * nf + ia] += Ge[e];
        if (ic >= 0) A[ic * nf + ic] += Ge[e];
        if (ia >= 0 && ic >= 0) {
            A[ia * nf + ic] -= Ge[e];
            A[ic * nf + ia] -= Ge[e];
        }
        if (ia >= 0 && ic < 0) b[ia] += Ge[e] * val[c];
        if (ic >= 0 && ia < 0) b[ic] += Ge[e] * val[a];
    }
    ck_assert_int_eq(mn_test_dense_solve(A, b, nf), 0);
    for (size_t i = 0; i < nn; i++) phi[i] = fixed[i] ? val[i] : b[idx[i]];
    free(idx);
    free(A);
    free(b);
}

START_TEST(test_resistor_lattice_features)
{
    mn_graph *g;
    mn_network *net;
    lattice(&g, &net, 4, 3);
    size_t nn = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    mn_reservoir *res;
    MN_ASSERT_OK(ctx, mn_reservoir_new(&res, net));
    mn_index in0[] = { 0 }, in1[] = { 2, 3 }, out0[] = { 11 }, pr0[] = { 5 }, pr1[] = { 6, 9 };
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(res, in0, 1, 0.1, 0.5));
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(res, in1, 2, -0.2, 1.0));
    MN_ASSERT_OK(ctx, mn_reservoir_add_output(res, out0, 1));
    MN_ASSERT_OK(ctx, mn_reservoir_add_probe(res, pr0, 1));
    MN_ASSERT_OK(ctx, mn_reservoir_add_probe(res, pr1, 2));
    MN_ASSERT_OK(ctx, mn_reservoir_set_int(res, MN_RESERVOIR_DELAYS, 2));
    MN_ASSERT_OK(ctx, mn_reservoir_set_real(res, MN_RESERVOIR_STEP, 0.25));
    ck_assert_uint_eq(mn_reservoir_feature_count(res), 15);
    ck_assert_str_eq(mn_reservoir_feature_name(res, 1), "Iin1");
    ck_assert_str_eq(mn_reservoir_feature_name(res, 2), "Iout0");
    ck_assert_str_eq(mn_reservoir_feature_name(res, 9), "P1@1");
    ck_assert_ptr_null(mn_reservoir_feature_name(res, 15));
    size_t n = 6;
    double u[12], F[6 * 15];
    for (size_t k = 0; k < 2 * n; k++) u[k] = sin(1.0 + (double)k);
    MN_ASSERT_OK(ctx, mn_reservoir_run(F, res, u, 4));
    MN_ASSERT_OK(ctx, mn_reservoir_run(F + 4 * 15, res, u + 8, 2)); /* runs continue */
    ck_assert_double_eq(mn_sim_time(mn_reservoir_sim(res)), 1.5);
    double Ge[17], *phi = malloc(nn * sizeof *phi), *val = calloc(nn, sizeof *val);
    int *fixed = calloc(nn, sizeof *fixed);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    ck_assert_uint_eq(m, 17);
    for (size_t e = 0; e < m; e++) Ge[e] = 1.0 + (double)(e % 3);
    fixed[0] = fixed[2] = fixed[3] = fixed[11] = 1;
    for (size_t k = 0; k < n; k++) {
        val[0] = 0.1 + 0.5 * u[2 * k];
        val[2] = val[3] = -0.2 + u[2 * k + 1];
        val[11] = 0;
        dense_phi(g, Ge, fixed, val, phi);
        double I[3] = { 0, 0, 0 };
        for (size_t e = 0; e < m; e++) {
            double ie = Ge[e] * (phi[eu[e]] - phi[ev[e]]);
            for (int s = 0; s < 2; s++) {
                mn_index node = s ? ev[e] : eu[e];
                double out = s ? -ie : ie; /* leaving `node` into the network */
                if (node == 0) I[0] += out;
                if (node == 2 || node == 3) I[1] += out;
                if (node == 11) I[2] += out;
            }
        }
        const double *row = F + k * 15;
        for (int j = 0; j < 3; j++) MN_ASSERT_ABS(row[j], I[j], 1e-12);
        MN_ASSERT_ABS(row[3], phi[5], 1e-12);
        MN_ASSERT_ABS(row[4], (phi[6] + phi[9]) / 2, 1e-12);
        /* delayed copies: the previous rows' first block, zeros before the first step */
        for (size_t d = 1; d <= 2; d++)
            for (size_t j = 0; j < 5; j++) {
                double ref = k >= d ? F[(k - d) * 15 + j] : 0.0;
                ck_assert_double_eq(row[d * 5 + j], ref);
            }
    }
    /* the same with input currents left out */
    mn_reservoir *r2;
    MN_ASSERT_OK(ctx, mn_reservoir_new(&r2, net));
    MN_ASSERT_OK(ctx, mn_reservoir_set_int(r2, MN_RESERVOIR_INPUT_CURRENTS, 0));
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(r2, in0, 1, 0.1, 0.5));
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(r2, in1, 2, -0.2, 1.0));
    MN_ASSERT_OK(ctx, mn_reservoir_add_output(r2, out0, 1));
    ck_assert_uint_eq(mn_reservoir_feature_count(r2), 1);
    double f1[6];
    MN_ASSERT_OK(ctx, mn_reservoir_run(f1, r2, u, 6));
    for (size_t k = 0; k < n; k++) MN_ASSERT_ABS(f1[k], F[k * 15 + 2], 1e-12);
    mn_reservoir_free(r2);
    free(phi);
    free(val);
    free(fixed);
    mn_reservoir_free(res);
    mn_network_free(net);
    mn_graph_free(g);
}
END_TEST

/* one miranda junction (chain of one edge) between an input and an output: the edge voltage
 * is the applied one, so g follows 003 eq. 9 exactly over each held step:
 * g <- g* + (g - g*) exp(-(kP + kD) dt), kP = kP0 e^(etaP |V|), kD = kD0 e^(-etaD |V|);
 * the output current is -(Gmin + (Gmax - Gmin) g) V. */
static void single_junction(int integrator)
{
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_CHAIN));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 1));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    mn_gen_free(gen);
    ck_assert_uint_eq(mn_graph_edge_count(g), 1);
    mn_model *mi;
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_model_new(&mi, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, mi, NULL, 0, NULL));
    mn_model_free(mi);
    mn_reservoir *res;
    MN_ASSERT_OK(ctx, mn_reservoir_new(&res, net));
    mn_sim *sim = mn_reservoir_sim(res);
    if (integrator >= 0) {
        MN_ASSERT_OK(ctx, mn_sim_set_integrator(sim, (mn_sim_integrator)integrator));
        MN_ASSERT_OK(ctx, mn_sim_set_tolerances(sim, 1e-10, 1e-12));
    }
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(sim, 0.0, 0.2));
    int u0 = mn_graph_edge_u(g)[0] == 0;
    mn_index a[] = { 0 }, b[] = { 1 };
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(res, u0 ? a : b, 1, 0.05, 0.3));
    MN_ASSERT_OK(ctx, mn_reservoir_add_output(res, u0 ? b : a, 1));
    MN_ASSERT_OK(ctx, mn_reservoir_set_real(res, MN_RESERVOIR_STEP, 0.5));
    MN_ASSERT_OK(ctx, mn_reservoir_set_int(res, MN_RESERVOIR_SUBSTEPS, 3));
    size_t n = 40;
    double u[40], F[80];
    for (size_t k = 0; k < n; k++) u[k] = sin(0.7 * (double)k) + (k % 5 == 0 ? 0.8 : 0.0);
    MN_ASSERT_OK(ctx, mn_reservoir_run(F, res, u, n));
    double gs = 0.2;
    for (size_t k = 0; k < n; k++) {
        double V = 0.05 + 0.3 * u[k], av = fabs(V);
        double kP = 5e-4 * exp(10 * av), kD = 5e-2 * exp(-10 * av), K = kP + kD;
        gs = kP / K + (gs - kP / K) * exp(-K * 0.5);
        double I = (1e-2 + (1.0 - 1e-2) * gs) * V;
        double tol = integrator < 0 || integrator == MN_SIM_EXACT ? 1e-12 : 1e-7;
        MN_ASSERT_ABS(F[2 * k + 0], I, tol * fabs(I) + 1e-15);
        MN_ASSERT_ABS(F[2 * k + 1], -I, tol * fabs(I) + 1e-15);
    }
    mn_reservoir_free(res);
    mn_network_free(net);
    mn_graph_free(g);
}

START_TEST(test_single_junction_exact) { single_junction(-1); }
END_TEST

START_TEST(test_single_junction_bdf) { single_junction(MN_SIM_BDF); }
END_TEST

START_TEST(test_bad_input)
{
    mn_graph *g;
    mn_network *net;
    lattice(&g, &net, 3, 3);
    mn_reservoir *res;
    MN_ASSERT_OK(ctx, mn_reservoir_new(&res, net));
    mn_index a[] = { 0 }, b[] = { 8 }, bad[] = { 9 };
    double u[2] = { 0, 1 }, f[8];
    MN_ASSERT_ERR(ctx, mn_reservoir_run(f, res, u, 1), MN_ERR_INVALID, "need an input");
    MN_ASSERT_ERR(ctx, mn_reservoir_add_input(res, bad, 1, 0, 1), MN_ERR_RANGE, "node 9");
    MN_ASSERT_ERR(ctx, mn_reservoir_add_input(res, a, 1, NAN, 1), MN_ERR_RANGE, "bias");
    MN_ASSERT_ERR(ctx, mn_reservoir_add_input_set(res, "nowhere", 0, 1), MN_ERR_NOT_FOUND, "nowhere");
    MN_ASSERT_OK(ctx, mn_reservoir_add_input(res, a, 1, 0, 1));
    MN_ASSERT_OK(ctx, mn_reservoir_add_output_set(res, "right"));
    MN_ASSERT_ERR(ctx, mn_reservoir_add_input(res, b, 1, 0, 1), MN_ERR_STATE, "before the outputs");
    MN_ASSERT_ERR(ctx, mn_reservoir_set_real(res, MN_RESERVOIR_STEP, -1), MN_ERR_RANGE, "step -1");
    MN_ASSERT_ERR(ctx, mn_reservoir_set_int(res, MN_RESERVOIR_SUBSTEPS, 0), MN_ERR_RANGE, "substeps = 0");
    u[1] = INFINITY;
    MN_ASSERT_ERR(ctx, mn_reservoir_run(f, res, u, 2), MN_ERR_RANGE, "input 0 of step 1");
    u[1] = 1;
    MN_ASSERT_OK(ctx, mn_reservoir_run(f, res, u, 2));
    MN_ASSERT_ERR(ctx, mn_reservoir_set_int(res, MN_RESERVOIR_DELAYS, 1), MN_ERR_STATE, "fixed");
    MN_ASSERT_ERR(ctx, mn_reservoir_add_probe(res, a, 1), MN_ERR_STATE, "fixed");
    mn_reservoir_free(res);
    mn_reservoir_free(NULL);
    mn_network_free(net);
    mn_graph_free(g);
}
END_TEST

static Suite *reservoir_suite(void)
{
    Suite *s = suite_create("reservoir");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_resistor_lattice_features);
    tcase_add_test(tc, test_single_junction_exact);
    tcase_add_test(tc, test_single_junction_bdf);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(reservoir_suite()); }
