/*
 * The nanowire pulse experiment of 000 Fig. 2a, from C: a random Ag nanowire network (wires are
 * nodes, junctions are edges, 000 Fig. 1) with rate-balance junctions (miranda, 000 eqs. 1-4)
 * gets 2 V for 100 s, then a 0.1 V read until 200 s; every junction is simulated, and the
 * mean-field one-junction model (000 eqs. 7-10) is fitted to the network's G(t).
 *
 *   usage: nanowire-pulse [WIRES [SEED [OUT.csv]]]      (defaults 3000 wires, seed 1)
 *
 * Build against an installed memnet:
 *   cc -std=c11 main.c $(pkg-config --cflags --libs memnet) -lm -o nanowire-pulse
 * Prints key=value lines (network size, G at the protocol's corners, fitted parameters with
 * their 1-sigma errors, rms of the relative residuals); OUT.csv gets t,V,G,G_fit.
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define T_PULSE 100.0 /* s at 2 V */
#define T_END 200.0   /* s; 0.1 V read after the pulse */
#define NS 201        /* samples, one per second */

typedef struct record {
    size_t n;
    double t[NS], V[NS], G[NS];
} record;

/* sample callback: the simulation is positioned at the sample time */
static int on_sample(const mn_sim *sim, void *user_data)
{
    record *r = user_data;
    if (r->n < NS) {
        r->t[r->n] = mn_sim_time(sim);
        r->V[r->n] = mn_sim_applied_voltage(sim, 0);
        r->G[r->n] = mn_sim_effective_conductance(sim);
        r->n++;
    }
    return 0;
}

#define TRY(expr)                                                                              \
    do {                                                                                       \
        mn_status st_ = (expr);                                                                \
        if (st_ != MN_OK) {                                                                    \
            fprintf(stderr, "nanowire-pulse: %s: %s\n", mn_status_name(st_),                  \
                    mn_context_last_error(ctx));                                               \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

int main(int argc, char **argv)
{
    long wires = argc > 1 ? atol(argv[1]) : 3000;
    long seed = argc > 2 ? atol(argv[2]) : 1;
    const char *csv = argc > 3 ? argv[3] : NULL;
    if (wires < 10 || seed < 0) {
        fprintf(stderr, "usage: nanowire-pulse [WIRES >= 10 [SEED [OUT.csv]]]\n");
        return 2;
    }
    int rc = 1;
    mn_context *ctx = NULL;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_model *junction = NULL;
    mn_network *net = NULL;
    mn_waveform *drive = NULL;
    mn_sim *sim = NULL;
    mn_meanfield_model *mf = NULL;
    mn_meanfield_fit *fit = NULL;
    record *rec = calloc(1, sizeof *rec);
    if (!rec || mn_context_new(&ctx) != MN_OK) return 1;

    /* 1. sticks of length 1 at 10.4 wires per unit area (about twice the percolation density) */
    double side = sqrt((double)wires / 10.4);
    TRY(mn_gen_new(&gen, ctx));
    TRY(mn_gen_set_int(gen, MN_GEN_WIRES, wires));
    TRY(mn_gen_set_real(gen, MN_GEN_WIDTH, side));
    TRY(mn_gen_set_real(gen, MN_GEN_HEIGHT, side));
    TRY(mn_gen_set_int(gen, MN_GEN_SEED, seed));
    TRY(mn_gen_nanowires(&g, gen)); /* electrodes "left" and "right": wires touching the sides */

    /* 2. every junction a miranda memristor with its defaults (003 Table 1) */
    TRY(mn_model_new(&junction, ctx, "miranda"));
    TRY(mn_network_new(&net, g));
    TRY(mn_network_assign(net, junction, NULL, 0, NULL));

    /* 3. the protocol: 2 V until 100 s, then 0.1 V (000 Fig. 2a); right electrode grounded */
    const double pt[] = {0.0, T_PULSE, T_PULSE, T_END}, pv[] = {2.0, 2.0, 0.1, 0.1};
    TRY(mn_waveform_new_pwl(&drive, ctx, pt, pv, 4));
    TRY(mn_sim_new(&sim, net));
    TRY(mn_sim_add_electrode_set(sim, "left", drive, NULL));
    TRY(mn_sim_add_electrode_set(sim, "right", NULL, NULL));
    TRY(mn_sim_init_uniform(sim, 0.0, 0.0)); /* all junctions in the low state g = 0 */
    TRY(mn_sim_set_sample_interval(sim, 0.0, 1.0));
    TRY(mn_sim_set_sample_callback(sim, on_sample, rec));
    TRY(mn_sim_run(sim, T_END));

    /* 4. mean-field fit: G_min = G(0) (all g = 0); chi, rates and activation voltages fitted */
    TRY(mn_meanfield_model_new(&mf, ctx, MN_MEANFIELD_MIRANDA));
    TRY(mn_meanfield_model_set(mf, "G_min", rec->G[0]));
    const char *free_params[] = {"k_p", "k_d", "eta_p", "eta_d", "chi"};
    TRY(mn_meanfield_fit_run(&fit, mf, rec->t, rec->V, rec->G, rec->n, free_params, 5, 1));

    printf("memnet_version=%s\nwires=%ld\nseed=%ld\nnodes=%zu\njunctions=%zu\n",
           mn_version_string(), wires, seed, mn_graph_node_count(g), mn_graph_edge_count(g));
    printf("G_start=%.6g\nG_end_of_pulse=%.6g\nG_end=%.6g\n", rec->G[0], rec->G[(size_t)T_PULSE - 1],
           rec->G[rec->n - 1]);
    printf("G_min=%.6g\n", rec->G[0]);
    for (size_t i = 0; i < mn_meanfield_fit_param_count(fit); i++) {
        const char *name;
        double value, sigma;
        TRY(mn_meanfield_fit_param(fit, i, &name, &value, &sigma));
        printf("%s=%.6g\n%s_sigma=%.3g\n", name, value, name, sigma);
    }
    double rms;
    mn_meanfield_fit_stats(fit, &rms, NULL, NULL, NULL, NULL);
    printf("rms_relative=%.6g\n", rms);

    if (csv) {
        FILE *f = fopen(csv, "w");
        if (!f) {
            fprintf(stderr, "nanowire-pulse: cannot write %s\n", csv);
            goto done;
        }
        const double *Gfit = mn_meanfield_fit_curve(fit);
        fprintf(f, "# memnet_version=%s wires=%ld seed=%ld\nt,V,G,G_fit\n", mn_version_string(),
                wires, seed);
        for (size_t i = 0; i < rec->n; i++)
            fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", rec->t[i], rec->V[i], rec->G[i], Gfit[i]);
        fclose(f);
    }
    rc = 0;
done:
    mn_meanfield_fit_free(fit);
    mn_meanfield_model_free(mf);
    mn_sim_free(sim);
    mn_waveform_free(drive);
    mn_network_free(net);
    mn_model_free(junction);
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    free(rec);
    return rc;
}
