/* A nanowire reservoir through the library API (docs/reservoir.md): a random nanowire network
 * with 5 input and 3 output disc electrodes, miranda junctions, an i.i.d. input held for one
 * task step at a time, and the short-term memory capacity of the electrode currents against
 * that of the raw input.
 *
 *   reservoir-memory [WIRES [STEPS]]      (defaults 1000 wires, 1500 steps)
 *
 * Electrode discs of radius 0.4 on sides of length sqrt(WIRES / 10): with much fewer wires one
 * wire (length 1) may touch two neighbouring inputs, which mn_sim refuses (`memnet reservoir`
 * gives such a wire to the first electrode instead). */
#include <math.h>
#include <memnet/memnet.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(expr)                                                                             \
    do {                                                                                        \
        mn_status st_ = (expr);                                                                 \
        if (st_ != MN_OK) {                                                                     \
            fprintf(stderr, "%s: %s\n", #expr, mn_context_last_error(ctx));                     \
            return 1;                                                                           \
        }                                                                                       \
    } while (0)

int main(int argc, char **argv)
{
    long wires = argc > 1 ? atol(argv[1]) : 1000;
    size_t n = argc > 2 ? (size_t)atol(argv[2]) : 1500, kmax = 20, washout = 100;
    if (wires < 10 || n < 400) {
        fprintf(stderr, "usage: reservoir-memory [WIRES >= 10 [STEPS >= 400]]\n");
        return 2;
    }
    mn_context *ctx;
    if (mn_context_new(&ctx)) return 1;

    /* network: wires in a square box of side sqrt(N / 10) (10 wires per unit area, about
       1.8 times the stick percolation density), electrodes on the left and right sides */
    double side = sqrt((double)wires / 10.0);
    mn_gen *gen;
    mn_graph *g;
    CHECK(mn_gen_new(&gen, ctx));
    CHECK(mn_gen_set_int(gen, MN_GEN_WIRES, wires));
    CHECK(mn_gen_set_real(gen, MN_GEN_WIDTH, side));
    CHECK(mn_gen_set_real(gen, MN_GEN_HEIGHT, side));
    char name[16];
    for (int k = 0; k < 5; k++) {
        snprintf(name, sizeof name, "in%d", k);
        CHECK(mn_gen_add_electrode_disc(gen, name, 0, (k + 0.5) * side / 5, 0.4));
    }
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "out%d", k);
        CHECK(mn_gen_add_electrode_disc(gen, name, side, (k + 0.5) * side / 3, 0.4));
    }
    CHECK(mn_gen_nanowires(&g, gen));
    mn_gen_free(gen);

    mn_model *miranda;
    mn_network *net;
    CHECK(mn_model_new(&miranda, ctx, "miranda"));
    CHECK(mn_network_new(&net, g));
    CHECK(mn_network_assign(net, miranda, NULL, 0, NULL));
    mn_model_free(miranda);

    /* reservoir: input k at 1 V + s_k u(t) with alternating signs, outputs grounded */
    mn_reservoir *res;
    CHECK(mn_reservoir_new(&res, net));
    for (int k = 0; k < 5; k++) {
        snprintf(name, sizeof name, "in%d", k);
        CHECK(mn_reservoir_add_input_set(res, name, 1.0, (k % 2 ? -1.0 : 1.0) * (1.0 + 0.25 * k)));
    }
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "out%d", k);
        CHECK(mn_reservoir_add_output_set(res, name));
    }
    CHECK(mn_reservoir_set_real(res, MN_RESERVOIR_STEP, 1.0));
    size_t p = mn_reservoir_feature_count(res);

    mn_rng *rng;
    CHECK(mn_rng_new(&rng, ctx, 1, 0));
    double *u = malloc(n * sizeof *u), *U = malloc(n * 5 * sizeof *U), *F = malloc(n * p * sizeof *F);
    double *mc = malloc((kmax + 1) * sizeof *mc), total, raw;
    if (!u || !U || !F || !mc) return 1;
    for (size_t t = 0; t < n; t++) {
        u[t] = 2 * mn_rng_uniform(rng) - 1;
        for (int k = 0; k < 5; k++) U[t * 5 + k] = u[t];
    }
    CHECK(mn_reservoir_run(F, res, U, n));

    mn_readout *rd;
    CHECK(mn_readout_new(&rd, ctx));
    size_t ntrain = (n - washout) * 7 / 10;
    CHECK(mn_readout_memory_capacity(mc, &total, rd, F, n, p, u, kmax, washout, ntrain));
    printf("nodes=%zu junctions=%zu features=%zu\n", mn_graph_node_count(g),
           mn_graph_edge_count(g), p);
    for (size_t k = 0; k <= 5; k++) printf("MC_%zu=%.4f\n", k, mc[k]);
    CHECK(mn_readout_memory_capacity(mc, &raw, rd, u, n, 1, u, kmax, washout, ntrain));
    printf("memory_capacity=%.4f\nraw_input_memory_capacity=%.4f\n", total, raw);

    mn_readout_free(rd);
    mn_rng_free(rng);
    free(u);
    free(U);
    free(F);
    free(mc);
    mn_reservoir_free(res);
    mn_network_free(net);
    mn_graph_free(g);
    mn_context_free(ctx);
    return 0;
}
