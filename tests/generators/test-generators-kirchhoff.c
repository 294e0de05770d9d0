/* The Caravelli-Barucca circuit through the generic Kirchhoff solver: the memristor currents
 * equal the closed forms 002 eq. (34) and eq. (22) to 1e-12 relative for random w, and the
 * R_int resistors carry the central mesh current i_0 of 002 eq. (3). Built when the kirchhoff
 * module is present. */
#include "../mn-test.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

START_TEST(test_cb_kirchhoff_vs_eq22_eq34)
{
    const double Ron = 100, Roff = 16000; /* 002 Fig. 3 */
    const int sizes[] = { 1, 3, 10, 100, 1000 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 77, 0));
    /* t = 5..9: R_int = 0, the shorted mesh (002 eq. 11's limit; issue 15 item 4) */
    for (int t = 0; t < 10; t++) {
        const int n = sizes[t % 5];
        double Rint = 10 + 1000 * mn_rng_uniform(rng), Rref = 10 + 3000 * mn_rng_uniform(rng);
        if (t >= 5) Rint = 0;
        if (t == 5) { /* n = 1: the branch would be a self-loop */
            mn_gen *gen;
            mn_graph *g = NULL;
            MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
            MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_INT, 0));
            MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_CB_N, 1));
            MN_ASSERT_ERR(ctx, mn_gen_cb(&g, gen), MN_ERR_RANGE, "R_int = 0 with n = 1");
            ck_assert(g == NULL);
            mn_gen_free(gen);
            continue;
        }
        double *S = malloc((size_t)n * sizeof *S), *R = malloc((size_t)n * sizeof *R);
        for (int k = 0; k < n; k++) {
            double w = mn_rng_uniform(rng);
            R[k] = Ron * (1 - w) + Roff * w; /* 002 eq. 1 */
            S[k] = 30 * mn_rng_uniform(rng) - 10;
        }
        mn_gen *gen;
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_CB_N, n));
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_INT, Rint));
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_REF, Rref));
        MN_ASSERT_OK(ctx, mn_gen_set_cb_sources(gen, S, (size_t)n));
        MN_ASSERT_OK(ctx, mn_gen_cb(&g, gen));
        size_t m = mn_graph_edge_count(g), nmem, nres;
        ck_assert_uint_eq(m, (size_t)(Rint == 0 ? 2 * n : 3 * n));
        ck_assert_uint_eq(mn_graph_node_count(g), (size_t)(Rint == 0 ? n : 2 * n));
        const mn_index *mem = mn_gen_memristor_edges(gen, &nmem);
        const double *rG;
        const mn_index *res = mn_gen_resistor_edges(gen, &rG, &nres);
        double *G = malloc(m * sizeof *G);
        for (size_t k = 0; k < nmem; k++) G[mem[k]] = 1 / R[k];
        for (size_t k = 0; k < nres; k++) G[res[k]] = rG[k];
        const mn_index *ground;
        size_t ng;
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, "ground", &ground, &ng));
        mn_kirchhoff *kh = NULL;
        MN_ASSERT_OK(ctx, mn_kirchhoff_new(&kh, g));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(kh, ground, ng, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_emf(kh, mn_gen_edge_emf(gen)));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(kh, G));
        MN_ASSERT_OK(ctx, mn_kirchhoff_solve(kh));
        const double *I = mn_kirchhoff_edge_currents(kh);
        /* closed forms (Sherman-Morrison for the rank-one parts) */
        double c = Rref * Rref / (n * (Rint + Rref)), s1 = 0, s2 = 0, sm = 0;
        for (int k = 0; k < n; k++) {
            s1 += S[k] / (Rref + R[k]);
            s2 += 1 / (Rref + R[k]);
            sm += Rref / (Rref + R[k]) * Rref / (Rref + Rint);
        }
        double scale = 0, sum_i = 0;
        double *i34 = malloc((size_t)n * sizeof *i34), *i22 = malloc((size_t)n * sizeof *i22);
        for (int k = 0; k < n; k++) {
            double mk = Rref / (Rref + R[k]) * Rref / (Rref + Rint);
            i34[k] = S[k] / (Rref + R[k]) + c / (Rref + R[k]) * s1 / (1 - c * s2); /* eq. 34 */
            i22[k] = S[k] / (Rref + R[k]) + mk * (s1 / n) / (1 - sm / n);        /* eq. 22 */
            scale = fmax(scale, fabs(i34[k]));
            sum_i += i34[k];
        }
        for (int k = 0; k < n; k++) {
            ck_assert_msg(fabs(I[k] - i34[k]) <= 1e-12 * scale, "n=%d k=%d: %.17g vs eq34 %.17g",
                          n, k, I[k], i34[k]);
            ck_assert_msg(fabs(I[k] - i22[k]) <= 1e-12 * scale, "n=%d k=%d: %.17g vs eq22 %.17g",
                          n, k, I[k], i22[k]);
        }
        /* eq. 3: i_0 = R_ref sum_k i_k / (n (R_int + R_ref)) in every R_int; R_ref: i_0 - i_k */
        double i0 = Rref * sum_i / (n * (Rint + Rref));
        for (int k = 0; k < n; k++) {
            if (Rint > 0) MN_ASSERT_ABS(I[2 * n + k], i0, 1e-12 * scale);
            MN_ASSERT_ABS(I[n + k], i0 - i34[k], 1e-12 * scale);
        }
        free(S);
        free(R);
        free(G);
        free(i34);
        free(i22);
        mn_kirchhoff_free(kh);
        mn_graph_free(g);
        mn_gen_free(gen);
    }
    mn_rng_free(rng);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generators-kirchhoff");
    TCase *tc = tcase_create("cb");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cb_kirchhoff_vs_eq22_eq34);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
