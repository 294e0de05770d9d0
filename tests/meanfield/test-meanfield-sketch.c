/* The leverage sketch (MN_MEANFIELD_DIAG_SKETCH; lib/meanfield/sketch.c, ldl.c) against the
 * exact selected inversion (MN_MEANFIELD_DIAG_SELINV, CHOLMOD): the exact part and the own
 * factorisation to round-off, the class means of the effective medium within their stated
 * standard errors on random networks, and the predicted G(t). */
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

/* the demo's nanowire network (scripts/demo-run): length 1, 10.4 wires per unit area; `aspect`
 * stretches the box (width/height) */
static mn_graph *nanowires(long wires, int64_t seed, double aspect)
{
    double side = sqrt((double)wires / 10.4);
    mn_gen *gen;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, wires));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, side * sqrt(aspect)));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, side / sqrt(aspect)));
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

START_TEST(test_exact_part_and_factor)
{
    /* 5000 wires: the budget gives only part of the edges an exact value. Omega_N1 and Omega->
     * (one solve with the own LDL') equal CHOLMOD's to round-off; edges reported exact (standard
     * error 0) equal the selected inversion; the estimated rest has a positive error */
    mn_graph *g = nanowires(5000, 3, 1);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_meanfield_projector *ex, *sk;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&ex, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&sk, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0.5, 1));
    MN_ASSERT_REL(mn_meanfield_projector_omega_n1(sk), mn_meanfield_projector_omega_n1(ex), 1e-12);
    ck_assert_uint_eq(mn_meanfield_projector_probes(sk), 8);
    size_t m = mn_graph_edge_count(g), n_exact = 0, n_est = 0;
    const double *oe = mn_meanfield_projector_omega_vec(ex), *os = mn_meanfield_projector_omega_vec(sk);
    const double *de = mn_meanfield_projector_diag(ex), *ds = mn_meanfield_projector_diag(sk);
    const double *err = mn_meanfield_projector_diag_error(sk);
    double omax = 0;
    for (size_t i = 0; i < m; i++) omax = fmax(omax, fabs(oe[i]));
    for (size_t i = 0; i < m; i++) {
        ck_assert(fabs(os[i] - oe[i]) <= 1e-11 * omax);
        if (oe[i] == 0 && de[i] == 0) { /* outside the circuit */
            ck_assert(ds[i] == 0);
            continue;
        }
        if (err[i] == 0) {
            n_exact++;
            ck_assert_msg(fabs(ds[i] - de[i]) <= 1e-10, "edge %zu: %.15g vs %.15g", i, ds[i], de[i]);
        } else {
            n_est++;
            ck_assert(err[i] > 0 && isfinite(ds[i]));
        }
    }
    printf("5000 wires: %zu exact, %zu estimated leverage scores\n", n_exact, n_est);
    ck_assert(n_exact >= 50);
    ck_assert(n_est > n_exact);
    /* the edges of largest |Omega->_i| are among the exact ones: none of the 50 largest is
     * estimated (edges whose probes agree exactly, e.g. dead ends, are exact too) */
    size_t above = 0;
    double max_est = 0;
    for (size_t i = 0; i < m; i++)
        if (err[i] > 0) max_est = fmax(max_est, fabs(oe[i]));
    for (size_t i = 0; i < m; i++) above += fabs(oe[i]) > max_est;
    ck_assert(above >= 50);
    /* Tr(Omega~^2) from the diagonal equals the exact trace (Foster's sum, kept by the rescale) */
    double t2 = 0;
    for (size_t i = 0; i < m; i++) t2 += ds[i] - os[i] * os[i];
    MN_ASSERT_REL(t2, mn_meanfield_projector_trace2(ex), 1e-9);
    /* same seed: the same numbers; another seed: others */
    mn_meanfield_projector *s2, *s3;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&s2, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0.5, 1));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&s3, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0.5, 2));
    ck_assert(memcmp(mn_meanfield_projector_diag(s2), ds, m * sizeof(double)) == 0);
    ck_assert(memcmp(mn_meanfield_projector_diag(s3), ds, m * sizeof(double)) != 0);
    mn_meanfield_projector_free(s2);
    mn_meanfield_projector_free(s3);
    mn_meanfield_projector_free(ex);
    mn_meanfield_projector_free(sk);
    mn_graph_free(g);
}
END_TEST

/* the effective medium's classes from a projector */
static mn_meanfield_ema *reduction(mn_meanfield_projector *p)
{
    mn_model *j;
    MN_ASSERT_OK(ctx, mn_model_new(&j, ctx, "miranda"));
    mn_meanfield_model *jm;
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&jm, ctx, j, 1, NULL, 0, 1));
    mn_meanfield_ema *e;
    MN_ASSERT_OK(ctx, mn_meanfield_ema_new(&e, p, jm));
    mn_meanfield_model_free(jm);
    mn_model_free(j);
    return e;
}

START_TEST(test_class_means)
{
    /* Random networks of several sizes, shapes and seeds, 8 probes: every class mean of R_i
     * (weights a_i^2) within 4.5 of its standard errors of the exact one, the standard error
     * computed from the per-edge errors as if independent (what the sketch states), and the
     * weighted rms of the relative class errors below 6 %. The classes are formed here as in
     * lib/meanfield/ema.c (64 bins of |a_i|) from the exact a_i, which both projectors share.
     * Measured: largest |error| 2.8 standard errors over 200 classes, rms 4.2 %. */
    const long wires[] = { 3000, 6000, 4000, 8000 };
    const double aspect[] = { 1, 1, 3, 0.5 };
    double zmax = 0, rel2 = 0, relw = 0;
    size_t nclasses = 0;
    for (int c = 0; c < 4; c++) {
        mn_graph *g = nanowires(wires[c], 11 + c, aspect[c]);
        const mn_index *s, *d;
        size_t ns, nd;
        sets(g, &s, &ns, &d, &nd);
        mn_meanfield_projector *ex, *sk;
        MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&ex, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SELINV, 0, 0));
        MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&sk, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0.5, 7 + c));
        size_t m = mn_graph_edge_count(g);
        double W = mn_meanfield_projector_omega_n1(ex), amax = 0;
        const double *ov = mn_meanfield_projector_omega_vec(ex), *de = mn_meanfield_projector_diag(ex),
                     *ds = mn_meanfield_projector_diag(sk), *err = mn_meanfield_projector_diag_error(sk);
        for (size_t i = 0; i < m; i++) amax = fmax(amax, fabs(ov[i] / W));
        enum { B = 64 };
        double sw[B] = { 0 }, se[B] = { 0 }, ss[B] = { 0 }, sv[B] = { 0 };
        for (size_t i = 0; i < m; i++) {
            double a = fabs(ov[i] / W);
            if (!(a > 1e-12 * amax)) continue;
            size_t b = (size_t)(a / amax * B);
            if (b >= B) b = B - 1;
            double w = a * a;
            sw[b] += w;
            se[b] += w * (de[i] - ov[i] * ov[i] / W); /* R_i (docs/meanfield.md) */
            ss[b] += w * (ds[i] - ov[i] * ov[i] / W);
            sv[b] += w * w * err[i] * err[i];
        }
        for (int b = 0; b < B; b++) {
            if (sw[b] == 0) continue;
            double re = se[b] / sw[b], rs = ss[b] / sw[b], sd = sqrt(sv[b]) / sw[b];
            double z = fabs(rs - re) / (sd + 1e-13);
            zmax = fmax(zmax, z);
            ck_assert_msg(fabs(rs - re) <= 4.5 * sd + 1e-10,
                          "%ld wires, class %d: R %.6g, exact %.6g, standard error %.3g", wires[c], b,
                          rs, re, sd);
            rel2 += sw[b] * pow((rs - re) / re, 2);
            relw += sw[b];
            nclasses++;
        }
        /* and the reduction's own classes see the same means (mn_meanfield_ema_class) */
        mn_meanfield_ema *ee = reduction(ex), *es = reduction(sk);
        ck_assert_uint_eq(mn_meanfield_ema_class_count(ee), mn_meanfield_ema_class_count(es));
        for (size_t k = 0; k < mn_meanfield_ema_class_count(ee); k++) {
            double ae, as, we, ws;
            MN_ASSERT_OK(ctx, mn_meanfield_ema_class(ee, k, &ae, NULL, &we, NULL));
            MN_ASSERT_OK(ctx, mn_meanfield_ema_class(es, k, &as, NULL, &ws, NULL));
            MN_ASSERT_REL(as, ae, 1e-10);
            MN_ASSERT_REL(ws, we, 1e-10);
        }
        mn_meanfield_ema_free(ee);
        mn_meanfield_ema_free(es);
        mn_meanfield_projector_free(ex);
        mn_meanfield_projector_free(sk);
        mn_graph_free(g);
    }
    double rms = sqrt(rel2 / relw);
    printf("class means of R over %zu classes: largest |error|/standard error %.2f, weighted "
           "relative rms %.4f\n", nclasses, zmax, rms);
    ck_assert(rms < 0.06);
}
END_TEST

START_TEST(test_prediction)
{
    /* G(t) of the reduction under 000's pulse with the sketch against the exact selected
     * inversion: within 0.2 % (relative rms; the accuracy budget of docs/meanfield.md) */
    const long wires[] = { 600, 3000 };
    for (int c = 0; c < 2; c++) {
        mn_graph *g = nanowires(wires[c], 1, 1);
        const mn_index *s, *d;
        size_t ns, nd;
        sets(g, &s, &ns, &d, &nd);
        mn_waveform *w;
        MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pwl:0:2,100:2,100:0.1,200:0.1"));
        double t[201], V[201], Ge[201], Gs[201];
        for (int i = 0; i < 201; i++) t[i] = i, V[i] = mn_waveform_value(w, t[i]);
        mn_meanfield_projector *ex, *sk;
        MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&ex, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SELINV, 0, 0));
        MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&sk, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0.5, 1));
        mn_meanfield_ema *ee = reduction(ex), *es = reduction(sk);
        MN_ASSERT_OK(ctx, mn_meanfield_ema_integrate_sampled(ee, t, V, 201, 0, Ge, NULL));
        MN_ASSERT_OK(ctx, mn_meanfield_ema_integrate_sampled(es, t, V, 201, 0, Gs, NULL));
        double r = 0;
        for (int i = 0; i < 201; i++) r += pow((Gs[i] - Ge[i]) / Ge[i], 2);
        r = sqrt(r / 201);
        printf("%ld wires: G(t) with the sketch vs exact: relative rms %.2e\n", wires[c], r);
        ck_assert(r < 2e-3);
        /* <g> from the sketch within 4 of its stated standard errors of the exact one */
        size_t m = mn_graph_edge_count(g);
        double *gs = malloc(m * sizeof *gs), gme, gms, gerr;
        for (size_t i = 0; i < m; i++) gs[i] = (double)((i * 2654435761u) % 1000) / 999.0;
        MN_ASSERT_OK(ctx, mn_meanfield_projector_g_mean(ex, gs, &gme, NULL));
        MN_ASSERT_OK(ctx, mn_meanfield_projector_g_mean(sk, gs, &gms, &gerr));
        ck_assert(fabs(gms - gme) <= 4 * gerr + 1e-12);
        free(gs);
        mn_meanfield_ema_free(ee);
        mn_meanfield_ema_free(es);
        mn_meanfield_projector_free(ex);
        mn_meanfield_projector_free(sk);
        mn_waveform_free(w);
        mn_graph_free(g);
    }
}
END_TEST

START_TEST(test_bad_input)
{
    mn_graph *g = nanowires(100, 1, 1);
    const mn_index *s, *d;
    size_t ns, nd;
    sets(g, &s, &ns, &d, &nd);
    mn_meanfield_projector *p = NULL;
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 0, 1),
                  MN_ERR_RANGE, "sketch tolerance 0");
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 1.5, 1),
                  MN_ERR_RANGE, "sketch tolerance 1.5");
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, (mn_meanfield_diag_method)5, 0.5, 1),
                  MN_ERR_INVALID, "diag method 5");
    ck_assert_ptr_null(p);
    /* a small network: every leverage score exact, no probe noise */
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SKETCH, 1, 1));
    mn_meanfield_projector *ex;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&ex, g, s, ns, d, nd, MN_MEANFIELD_DIAG_DENSE, 0, 0));
    size_t m = mn_graph_edge_count(g);
    for (size_t i = 0; i < m; i++) {
        ck_assert(mn_meanfield_projector_diag_error(p)[i] == 0);
        ck_assert(fabs(mn_meanfield_projector_diag(p)[i] - mn_meanfield_projector_diag(ex)[i]) < 1e-12);
    }
    mn_meanfield_projector_free(ex);
    mn_meanfield_projector_free(p);
    mn_graph_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meanfield-sketch");
    TCase *tc = tcase_create("sketch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_exact_part_and_factor);
    tcase_add_test(tc, test_class_means);
    tcase_add_test(tc, test_prediction);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
