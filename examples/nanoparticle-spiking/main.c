/*
 * Spiking in a percolating nanoparticle network (003 Fig. 5): unit discs deposited to surface
 * coverage 0.65 (003 secs. 1.1, 5.1) form groups joined by tunnel gaps. Two networks on the
 * same film:
 *   (a) every gap a Type A spiking filament (003 eqs. 1-3, model filament) at 2 V DC;
 *   (b) A:B = 75:25, a quarter of the gaps replaced by Type B hillock memristors
 *       (003 eqs. 4-6, model hillock) at 3 V DC, as in 003 Fig. 5c-d.
 * Each filament forms (a conductance jump up) and breaks (down): these are the spikes of the
 * network current. For each network the program prints the number of switching events, the
 * event rate, the inter-event intervals (003 sec. 2.5) and the current range.
 *
 *   usage: nanoparticle-spiking [SIDE [T_END [OUT_PREFIX]]]   (defaults 40 pd, 30 s; 003 uses larger films)
 *
 * With OUT_PREFIX it writes OUT_PREFIX-a.csv and OUT_PREFIX-b.csv (t,I) and the event logs
 * OUT_PREFIX-a-events.csv, OUT_PREFIX-b-events.csv (t,edge,kind), which `memnet analyze` reads.
 * Build: cc -std=c11 main.c $(pkg-config --cflags --libs memnet) -lm -o nanoparticle-spiking
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct trace {
    size_t n, cap;
    double *t, *I;
    size_t forms, breaks;
} trace;

static int on_sample(const mn_sim *sim, void *user_data)
{
    trace *tr = user_data;
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? 2 * tr->cap : 1024;
        double *t = realloc(tr->t, cap * sizeof *t);
        if (!t) return 1;
        tr->t = t;
        double *I = realloc(tr->I, cap * sizeof *I);
        if (!I) return 1;
        tr->I = I;
        tr->cap = cap;
    }
    tr->t[tr->n] = mn_sim_time(sim);
    tr->I[tr->n] = mn_sim_electrode_current(sim, 0);
    tr->n++;
    return 0;
}

static int on_event(double t, mn_index edge, mn_sim_event_kind kind, void *user_data)
{
    trace *tr = user_data;
    (void)t;
    (void)edge;
    if (kind == MN_SIM_EVENT_FORM) tr->forms++;
    if (kind == MN_SIM_EVENT_BREAK) tr->breaks++;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Simulate one network and print its summary with the given label. */
static int run(mn_context *ctx, mn_graph *g, double frac_b, double volts, double t_end,
               const char *label, const char *prefix)
{
    int rc = 1;
    mn_status st = MN_OK;
    mn_model *a = NULL, *b = NULL;
    mn_network *net = NULL;
    mn_waveform *dc = NULL;
    mn_sim *sim = NULL;
    double *times = NULL, *iei = NULL;
    trace tr = {0};
    char path[1024];

    if ((st = mn_model_new(&a, ctx, "filament")) || (st = mn_model_new(&b, ctx, "hillock")) ||
        (st = mn_network_new(&net, g)))
        goto fail;
    if (frac_b > 0) {
        const mn_model *models[2] = {a, b};
        const double fractions[2] = {1.0 - frac_b, frac_b};
        if ((st = mn_network_assign_fractions(net, models, fractions, 2, 3))) goto fail;
    } else if ((st = mn_network_assign(net, a, NULL, 0, NULL))) {
        goto fail;
    }
    if ((st = mn_waveform_new_dc(&dc, ctx, volts)) || (st = mn_sim_new(&sim, net)) ||
        (st = mn_sim_add_electrode_set(sim, "left", dc, NULL)) ||
        (st = mn_sim_add_electrode_set(sim, "right", NULL, NULL)) ||
        (st = mn_sim_set_sample_interval(sim, 0.0, 0.1)) ||
        (st = mn_sim_set_sample_callback(sim, on_sample, &tr)) ||
        (st = mn_sim_set_event_callback(sim, on_event, &tr)))
        goto fail;
    if (prefix) {
        snprintf(path, sizeof path, "%s-%s.csv", prefix, label);
        if ((st = mn_sim_record_csv(sim, path, "example=nanoparticle-spiking"))) goto fail;
        snprintf(path, sizeof path, "%s-%s-events.csv", prefix, label);
        if ((st = mn_sim_record_events_csv(sim, path))) goto fail;
    }
    if ((st = mn_sim_run(sim, t_end))) goto fail;

    /* the event log: times of every formation and breaking, and their intervals */
    size_t ne = mn_sim_event_count(sim);
    times = malloc((ne + 1) * sizeof *times);
    iei = malloc((ne + 1) * sizeof *iei);
    if (!times || !iei) goto fail;
    for (size_t i = 0; i < ne; i++) {
        mn_index e;
        mn_sim_event_kind k;
        if ((st = mn_sim_event(sim, i, &times[i], &e, &k))) goto fail;
    }
    double mean_iei = NAN, median_iei = NAN, cv = NAN;
    if (ne >= 3) {
        if ((st = mn_analysis_intervals(iei, ctx, times, ne))) goto fail;
        double s = 0, s2 = 0;
        for (size_t i = 0; i + 1 < ne; i++) s += iei[i];
        mean_iei = s / (double)(ne - 1);
        for (size_t i = 0; i + 1 < ne; i++) s2 += (iei[i] - mean_iei) * (iei[i] - mean_iei);
        cv = sqrt(s2 / (double)(ne - 1)) / mean_iei;
        qsort(iei, ne - 1, sizeof *iei, cmp_double);
        median_iei = iei[(ne - 1) / 2];
    }
    double imin = INFINITY, imax = -INFINITY;
    for (size_t i = 1; i < tr.n; i++) { /* skip t = 0 */
        if (tr.I[i] < imin) imin = tr.I[i];
        if (tr.I[i] > imax) imax = tr.I[i];
    }
    printf("%s.voltage=%g\n%s.fraction_type_B=%g\n%s.events=%zu\n%s.formations=%zu\n"
           "%s.breakings=%zu\n%s.event_rate=%.17g\n%s.iei_mean=%.17g\n%s.iei_median=%.17g\n"
           "%s.iei_cv=%.4g\n%s.current_min=%.6g\n%s.current_max=%.6g\n%s.samples=%zu\n",
           label, volts, label, frac_b, label, ne, label, tr.forms, label, tr.breaks, label,
           (double)ne / t_end, label, mean_iei, label, median_iei, label, cv, label, imin, label,
           imax, label, tr.n);
    rc = 0;
    goto done;
fail:
    if (st) fprintf(stderr, "nanoparticle-spiking: %s: %s\n", mn_status_name(st),
                    mn_context_last_error(ctx));
    else fprintf(stderr, "nanoparticle-spiking: out of memory\n");
done:
    free(times);
    free(iei);
    free(tr.t);
    free(tr.I);
    mn_sim_free(sim);
    mn_waveform_free(dc);
    mn_network_free(net);
    mn_model_free(a);
    mn_model_free(b);
    return rc;
}

int main(int argc, char **argv)
{
    double side = argc > 1 ? atof(argv[1]) : 40.0;
    double t_end = argc > 2 ? atof(argv[2]) : 30.0;
    const char *prefix = argc > 3 ? argv[3] : NULL;
    if (!(side >= 10) || !(t_end > 0)) {
        fprintf(stderr, "usage: nanoparticle-spiking [SIDE >= 10 [T_END > 0 [OUT_PREFIX]]]\n");
        return 2;
    }
    mn_context *ctx = NULL;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_status st;
    int rc = 1;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    /* the film: SIDE x SIDE particle diameters at coverage 0.65 (003 sec. 5.1) */
    if ((st = mn_gen_new(&gen, ctx)) || (st = mn_gen_set_real(gen, MN_GEN_WIDTH, side)) ||
        (st = mn_gen_set_real(gen, MN_GEN_HEIGHT, side)) ||
        (st = mn_gen_set_real(gen, MN_GEN_COVERAGE, 0.65)) ||
        (st = mn_gen_set_int(gen, MN_GEN_SEED, 1)) || (st = mn_gen_nanoparticles(&g, gen))) {
        fprintf(stderr, "nanoparticle-spiking: %s: %s\n", mn_status_name(st),
                mn_context_last_error(ctx));
        goto done;
    }
    printf("memnet_version=%s\nside=%g\nt_end=%g\nseed=1\ncoverage=%.4f\ngroups=%zu\ngaps=%zu\n",
           mn_version_string(), side, t_end, mn_gen_coverage(gen), mn_graph_node_count(g),
           mn_graph_edge_count(g));
    if (run(ctx, g, 0.0, 2.0, t_end, "a", prefix) || run(ctx, g, 0.25, 3.0, t_end, "b", prefix))
        goto done;
    rc = 0;
done:
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return rc;
}
