/*
 * bench-models: time of the models' part of one right-hand-side evaluation (conductances
 * G(x) and rates dx/dt) per junction, for
 *   baseline   a hand-written loop computing miranda's G and rate (003 eqs 7-10), no vtable;
 *   single     a one-model miranda network (in-place fast path through the ops table);
 *   mixed      two miranda parameter sets assigned 50:50 at random (gather/scatter path);
 *   jacobian   the derivatives (rate_dx, rate_dV, rate_dI, dG/dx) of the single network, and
 *              of a model without analytic derivatives (finite-difference fallback).
 * Prints medians over repeats in ns per junction and ratios against the baseline.
 * usage: bench-models [edges (default 1000000)] [repeats (default 15)]
 */
#include <memnet/memnet.h>
#include "models/models-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench-util.h"

#define CHECK(expr)                                                                            \
    do {                                                                                       \
        mn_status s_ = (expr);                                                                 \
        if (s_ != MN_OK) {                                                                     \
            fprintf(stderr, "%s: %s\n", #expr, mn_context_last_error(ctx));                    \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)

/* a model with only conductance and rate: derivatives come from the FD fallback */
static int fd_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = 0.01 + 0.99 * x[i];
    return 0;
}
static int fd_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *r)
{
    for (size_t i = 0; i < b->n; i++) {
        double v = fabs(V[i]);
        r[i] = 5e-4 * exp(10 * v) * (1 - x[i]) - 5e-2 * exp(-10 * v) * x[i];
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t m = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
    int R = argc > 2 ? atoi(argv[2]) : 15;
    if (R < 1 || R > 1000) R = 15;
    mn_context *ctx;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_index *u = malloc(m * sizeof *u), *v = malloc(m * sizeof *v);
    double *len = malloc(m * sizeof *len);
    for (size_t e = 0; e < m; e++) u[e] = (mn_index)e, v[e] = (mn_index)e + 1, len[e] = 0.05 + 1e-8 * (double)(e % 1000);
    mn_graph *g;
    CHECK(mn_graph_new_from_edges(&g, ctx, m + 1, m, u, v));
    CHECK(mn_graph_set_edge_lengths(g, len));
    mn_model *mi, *hi, *fd;
    CHECK(mn_model_new(&mi, ctx, "miranda"));
    CHECK(mn_model_new(&hi, ctx, "miranda"));
    CHECK(mn_model_set(hi, "etaP", 9.0)); /* a second miranda: isolates the gather/scatter cost */
    mn_model_ops fops = MN_MODEL_OPS_INIT;
    fops.name = "miranda_fd";
    fops.n_states = 1;
    fops.conductance = fd_G;
    fops.rate = fd_rate;
    CHECK(mn_model_new_custom(&fd, ctx, &fops));
    mn_network *n1, *n2, *n3;
    CHECK(mn_network_new(&n1, g));
    CHECK(mn_network_new(&n2, g));
    CHECK(mn_network_new(&n3, g));
    CHECK(mn_network_assign(n1, mi, NULL, 0, NULL));
    const mn_model *mh[] = { mi, hi };
    const double f[] = { 0.5, 0.5 };
    CHECK(mn_network_assign_fractions(n2, mh, f, 2, 1));
    CHECK(mn_network_assign(n3, fd, NULL, 0, NULL));
    double *x = malloc(m * sizeof *x), *V = malloc(m * sizeof *V), *I = malloc(m * sizeof *I),
           *G = malloc(m * sizeof *G), *r = malloc(m * sizeof *r), *J = malloc(m * sizeof *J),
           *dV = malloc(m * sizeof *dV), *dI = malloc(m * sizeof *dI), *dG = malloc(m * sizeof *dG);
    for (size_t e = 0; e < m; e++) x[e] = 0.02 * (double)(e % 50) / 50.0, V[e] = 0.3 * sin((double)e), I[e] = 0.1 * V[e];
    CHECK(mn__network_prepare(n1));
    CHECK(mn__network_prepare(n2));
    CHECK(mn__network_prepare(n3));
    /* the five measurements are interleaved in every repeat, so a load change on the shared
     * machine hits all of them alike; ratios are medians of per-repeat ratios */
    double *t = malloc(5 * (size_t)R * sizeof *t), *q = malloc((size_t)R * sizeof *q), sink = 0;
    for (int k = 0; k < R; k++) {
        double t0 = now();
        for (size_t e = 0; e < m; e++) { /* baseline: miranda's arithmetic written inline */
            double vv = fabs(V[e]);
            G[e] = 0.01 + 0.99 * x[e];
            double kP = 5e-4 * exp(10 * vv), kD = 5e-2 * exp(-10 * vv);
            r[e] = kP * (1 - x[e]) - kD * x[e];
        }
        sink += r[m / 2];
        double t1 = now();
        CHECK(mn__network_conductances(n1, x, G));
        CHECK(mn__network_rates(n1, x, V, I, r));
        sink += r[m / 3];
        double t2 = now();
        CHECK(mn__network_conductances(n2, x, G));
        CHECK(mn__network_rates(n2, x, V, I, r));
        sink += r[m / 3];
        double t3 = now();
        CHECK(mn__network_derivatives(n1, x, V, I, J, dV, dI, dG));
        sink += J[m / 3];
        double t4 = now();
        CHECK(mn__network_derivatives(n3, x, V, I, J, dV, dI, dG));
        sink += J[m / 3];
        double t5 = now();
        t[0 * R + k] = t1 - t0;
        t[1 * R + k] = t2 - t1;
        t[2 * R + k] = t3 - t2;
        t[3 * R + k] = t4 - t3;
        t[4 * R + k] = t5 - t4;
    }
    double med[5], rat[5];
    for (int c = 0; c < 5; c++) {
        for (int k = 0; k < R; k++) q[k] = t[c * R + k] / t[k];
        rat[c] = median(q, R);
    }
    for (int c = 0; c < 5; c++) med[c] = median(t + c * R, R);
    double tb = med[0], ts = med[1], tm = med[2], tj = med[3], tf = med[4];
    double s = 1e9 / (double)m;
    printf("edges=%zu repeats=%d (median ns per junction)\n", m, R);
    printf("baseline_inline_G_rate   %8.2f ns  ratio 1.00\n", tb * s);
    printf("single_model_G_rate      %8.2f ns  ratio %.2f\n", ts * s, rat[1]);
    printf("mixed_50_50_G_rate       %8.2f ns  ratio %.2f\n", tm * s, rat[2]);
    printf("derivatives_analytic     %8.2f ns  ratio %.2f\n", tj * s, rat[3]);
    printf("derivatives_fd_fallback  %8.2f ns  ratio %.2f\n", tf * s, rat[4]);
    fprintf(stderr, "(checksum %g)\n", sink);
    mn_network_free(n1), mn_network_free(n2), mn_network_free(n3);
    mn_model_free(mi), mn_model_free(hi), mn_model_free(fd);
    mn_graph_free(g);
    free(u), free(v), free(len), free(x), free(V), free(I), free(G), free(r), free(J), free(dV);
    free(dI), free(dG), free(t), free(q);
    mn_context_free(ctx);
    return 0;
}
