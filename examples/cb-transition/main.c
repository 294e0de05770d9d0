/*
 * The Caravelli-Barucca transition (002 Fig. 5, 004 Fig. 5): n linear memristors with decay
 * (002 eq. 1, model strukov_cb), each in a loop with its source S and R_ref, coupled through
 * R_int (002 Fig. 1), built by the generator and simulated junction by junction with the
 * generic stepper from random initial memories in [0, 1]. For every S the asymptotic mean
 * memory <w(t = inf)> is compared with the mean-field theory:
 *   alpha = -1: the Curie-Weiss mean field psi(S) of 002 eq. 17 (exact for alpha < 0);
 *   alpha = +1: rule (16) of 002 with the mean-field fixed point (chi -> chi - rho).
 *
 *   usage: cb-transition [N [S_MAX [STEPS]]]       (defaults n = 100, S in [-50, 50], 11 values)
 *
 * Parameters of 002 Fig. 5: R_on = R_ref = R_int = 100 Ohm, R_off = 16 kOhm, gamma = 1 V s.
 * Build: cc -std=c11 main.c $(pkg-config --cflags --libs memnet) -lm -o cb-transition
 * Output: comment lines, then CSV S,w_sim_minus,psi,w_sim_plus,rule16.
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define R_ON 100.0
#define R_OFF 16000.0
#define R_REF 100.0
#define R_INT 100.0
#define GAMMA 1.0

static int report(mn_context *ctx, mn_status st)
{
    fprintf(stderr, "cb-transition: %s: %s\n", mn_status_name(st), mn_context_last_error(ctx));
    return 1;
}

/* <w> after t_end of the circuit with n memristors, every source S, decay alpha. */
static int simulate(mn_context *ctx, long n, double S, double alpha, double *w_mean)
{
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_model *mem = NULL, *res = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_status st;
    int rc = 1;
    if ((st = mn_gen_new(&gen, ctx)) || (st = mn_gen_set_int(gen, MN_GEN_CB_N, n)) ||
        (st = mn_gen_set_real(gen, MN_GEN_R_INT, R_INT)) ||
        (st = mn_gen_set_real(gen, MN_GEN_R_REF, R_REF)) ||
        (st = mn_gen_set_real(gen, MN_GEN_SOURCE, S)) || (st = mn_gen_cb(&g, gen)))
        goto fail;
    /* memristors: edges 0..n-1; the rest are resistors R_ref and R_int (value column 1 = G) */
    if ((st = mn_model_new(&mem, ctx, "strukov_cb")) || (st = mn_model_set(mem, "Ron", R_ON)) ||
        (st = mn_model_set(mem, "Roff", R_OFF)) || (st = mn_model_set(mem, "alpha", alpha)) ||
        (st = mn_model_set(mem, "gamma", GAMMA)) || (st = mn_model_new(&res, ctx, "resistor")) ||
        (st = mn_network_new(&net, g)))
        goto fail;
    size_t n_mem, n_res;
    const mn_index *mem_edges = mn_gen_memristor_edges(gen, &n_mem);
    const double *G_res;
    const mn_index *res_edges = mn_gen_resistor_edges(gen, &G_res, &n_res);
    if ((st = mn_network_assign(net, mem, mem_edges, n_mem, NULL)) ||
        (st = mn_network_assign(net, res, res_edges, n_res, NULL)))
        goto fail;
    for (size_t i = 0; i < n_res; i++)
        if ((st = mn_network_set_edge_param(net, res_edges[i], "G", G_res[i]))) goto fail;
    /* the sources are series EMFs of the memristor edges; node set "ground" holds 0 V */
    if ((st = mn_sim_new(&sim, net)) || (st = mn_sim_add_electrode_set(sim, "ground", NULL, NULL)) ||
        (st = mn_sim_set_emf(sim, mn_gen_edge_emf(gen))) ||
        (st = mn_sim_set_tolerances(sim, 1e-8, 1e-10)) ||
        (st = mn_sim_init_random(sim, 0.0, 0.0, 1.0, 7)) ||
        (st = mn_sim_run(sim, 50.0 / fabs(alpha))))
        goto fail;
    const double *x = mn_sim_states(sim);
    const size_t *off = mn_network_state_offsets(net);
    double sum = 0;
    for (size_t i = 0; i < n_mem; i++) sum += x[off[mem_edges[i]]];
    *w_mean = sum / (double)n_mem;
    rc = 0;
    goto done;
fail:
    report(ctx, st);
done:
    mn_sim_free(sim);
    mn_network_free(net);
    mn_model_free(mem);
    mn_model_free(res);
    mn_graph_free(g);
    mn_gen_free(gen);
    return rc;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100;
    double s_max = argc > 2 ? atof(argv[2]) : 50.0;
    long steps = argc > 3 ? atol(argv[3]) : 11;
    if (n < 1 || !(s_max > 0) || steps < 2) {
        fprintf(stderr, "usage: cb-transition [N >= 1 [S_MAX > 0 [STEPS >= 2]]]\n");
        return 2;
    }
    mn_context *ctx = NULL;
    mn_meanfield_cb *minus = NULL, *plus = NULL;
    mn_status st;
    int rc = 1;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    if ((st = mn_meanfield_cb_new(&minus, ctx, (size_t)n, R_ON, R_OFF, R_REF, R_INT, -1.0, GAMMA)) ||
        (st = mn_meanfield_cb_new(&plus, ctx, (size_t)n, R_ON, R_OFF, R_REF, R_INT, 1.0, GAMMA))) {
        rc = report(ctx, st);
        goto done;
    }
    double xi, chi, rho;
    mn_meanfield_cb_coefficients(plus, &xi, &chi, &rho);
    printf("# memnet_version=%s\n# n=%ld R_on=%g R_off=%g R_ref=%g R_int=%g gamma=%g "
           "init=random[0,1] seed=7\n# xi=%g chi=%g rho=%g S_c(alpha=+1)=%g\n",
           mn_version_string(), n, R_ON, R_OFF, R_REF, R_INT, GAMMA, xi, chi, rho,
           mn_meanfield_cb_critical_voltage(plus));
    printf("S,w_sim_minus,psi,w_sim_plus,rule16\n");
    for (long i = 0; i < steps; i++) {
        double S = -s_max + 2.0 * s_max * (double)i / (double)(steps - 1);
        double w_minus, w_plus, w_inf;
        if (simulate(ctx, n, S, -1.0, &w_minus) || simulate(ctx, n, S, 1.0, &w_plus)) goto done;
        if ((st = mn_meanfield_cb_rule16(plus, S, 0.0, 1.0, 1, NULL, &w_inf))) {
            rc = report(ctx, st);
            goto done;
        }
        printf("%g,%.6f,%.6f,%.6f,%.6f\n", S, w_minus, mn_meanfield_cb_psi(minus, S), w_plus,
               w_inf);
    }
    rc = 0;
done:
    mn_meanfield_cb_free(minus);
    mn_meanfield_cb_free(plus);
    mn_context_free(ctx);
    return rc;
}
