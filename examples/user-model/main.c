/*
 * A user-defined memristor model in a memnet network: the "threshold" model of
 * threshold-model.c, driven by a triangular voltage sweep on one junction and then used in a
 * mixed network with a built-in model.
 *
 * Build against an installed memnet:
 *   cc -std=c11 main.c threshold-model.c $(pkg-config --cflags --libs memnet) -lm -o user-model
 * Output: columns t V I G (a pinched hysteresis loop), then a summary of the mixed network.
 */
#include "threshold-model.h"

#include <math.h>
#include <stdio.h>

static int fail(mn_context *ctx, mn_status st)
{
    fprintf(stderr, "user-model: %s (%s)\n", mn_context_last_error(ctx), mn_status_name(st));
    return 1;
}

#define TRY(expr)                                                                              \
    do {                                                                                       \
        mn_status st_ = (expr);                                                                \
        if (st_ != MN_OK) {                                                                    \
            rc = fail(ctx, st_);                                                               \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

int main(void)
{
    int rc = 0;
    mn_context *ctx = NULL;
    mn_model *thr = NULL, *mir = NULL;
    mn_graph *one = NULL, *ring = NULL;
    mn_network *net1 = NULL, *net = NULL;
    if (mn_context_new(&ctx) != MN_OK) return 1;

    /* the user model is a first-class model: parameters by name, with range checks */
    TRY(mn_model_new_custom(&thr, ctx, threshold_model_ops()));
    TRY(mn_model_set_assignment(thr, "Vth=0.4"));
    TRY(mn_model_set(thr, "k", 20.0));

    /* one junction between nodes 0 and 1 */
    mn_index u0[] = { 0 }, v0[] = { 1 };
    TRY(mn_graph_new_from_edges(&one, ctx, 2, 1, u0, v0));
    TRY(mn_network_new(&net1, one));
    TRY(mn_network_assign(net1, thr, NULL, 0, NULL));
    double x, G, V, I, r;
    TRY(mn_network_initial_state(net1, &x));

    /* triangular sweep 0 -> 1 V -> -1 V -> 0, period 4 s, explicit midpoint steps */
    const double A = 1.0, P = 4.0, dt = 1e-3;
    printf("# t V I G\n");
    for (long n = 0; n <= (long)(P / dt + 0.5); n++) {
        double t = n * dt, ph = fmod(t, P) / P;
        V = ph < 0.25 ? 4 * A * ph : ph < 0.75 ? A * (2 - 4 * ph) : A * (4 * ph - 4);
        TRY(mn_network_conductances(net1, &x, &G));
        I = G * V;
        if (n % 200 == 0) printf("%.3f %.4f %.6e %.6e\n", t, V, I, G);
        TRY(mn_network_rates(net1, &x, &V, &I, &r));
        double xm = x + 0.5 * dt * r, Im;
        TRY(mn_network_conductances(net1, &xm, &G));
        Im = G * V;
        TRY(mn_network_rates(net1, &xm, &V, &Im, &r));
        x += dt * r;
        x = x < 0 ? 0 : x > 1 ? 1 : x;
    }

    /* a ring of 8 junctions, 75% threshold and 25% built-in miranda, reproducible from a seed */
    mn_index u[8], v[8];
    for (int e = 0; e < 8; e++) u[e] = e, v[e] = (e + 1) % 8;
    TRY(mn_graph_new_from_edges(&ring, ctx, 8, 8, u, v));
    TRY(mn_network_new(&net, ring));
    TRY(mn_model_new(&mir, ctx, "miranda"));
    const mn_model *models[] = { thr, mir };
    const double frac[] = { 75, 25 };
    TRY(mn_network_assign_fractions(net, models, frac, 2, 42));
    const mn_index *which = mn_network_edge_models(net);
    printf("# ring: models per edge:");
    for (int e = 0; e < 8; e++) printf(" %s", mn_network_model_ops(net, (size_t)which[e])->name);
    printf("\n# ring: %zu states\n", mn_network_state_count(net));

done:
    mn_network_free(net);
    mn_network_free(net1);
    mn_graph_free(ring);
    mn_graph_free(one);
    mn_model_free(mir);
    mn_model_free(thr);
    mn_context_free(ctx);
    return rc;
}
