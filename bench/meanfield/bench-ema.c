/* The effective-medium reduction against the full simulation, 000's parameter-free reduction
 * and a fit, on 000's pulse protocol (issue 15 item 11; docs/meanfield.md).
 *
 * usage: [BENCH_REPEATS=3] bench-ema pulse [WIRES...]   (default 600 3000 20000)
 *        bench-ema scaling [WIRES...]   (default 500 1000 2000 5000 10000 20000 35000)
 *
 * pulse: for each size, the demo's network (scripts/demo-run: sticks of length 1 at 10.4 wires
 * per unit area in a square box, seed 1, electrodes "left" and "right"), miranda junctions
 * with lib/models' defaults, 2 V for 100 s then a 0.1 V read to 200 s, samples every second,
 * all junctions starting at g = 0. The full simulation is lib/sim with the settings of
 * `memnet simulate` (CVODE BDF, rtol 1e-6, atol 1e-9). Prints one row per size: junctions,
 * relative rms of G(t) against the simulation for 000's reduction (000 eqs. 25-28,
 * mn_meanfield_model_from_junction, voltage drive), the effective-medium reduction
 * (mn_meanfield_ema_*; with the default leverage sketch and with the exact selected inversion)
 * and the fit (mn_meanfield_fit_run as in the demo), and the CPU and wall seconds of the
 * simulation (its default Kirchhoff strategy, and REFACTOR) and of the reduction (its projector
 * included), and their ratios.
 *
 * scaling: N <|Omega->|> / sqrt(N) and N <|Omega->|> (001 eq. B20 assumes Omega->_i ~ c/N)
 * over network sizes, N the junctions in the circuit, and the log-log slope of <|Omega->|>
 * against N.
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench-util.h"

#define NS 201

static double cpu(void) { return (double)clock() / CLOCKS_PER_SEC; }

static void die(mn_context *ctx, const char *what)
{
    fprintf(stderr, "bench-ema: %s: %s\n", what, mn_context_last_error(ctx));
    exit(1);
}

/* the demo's network: side sqrt(wires / 10.4), length 1, seed 1 */
static mn_graph *network(mn_context *ctx, long wires)
{
    double side = sqrt((double)wires / 10.4);
    mn_gen *gen;
    mn_graph *g;
    if (mn_gen_new(&gen, ctx) || mn_gen_set_int(gen, MN_GEN_WIRES, wires) ||
        mn_gen_set_real(gen, MN_GEN_WIDTH, side) || mn_gen_set_real(gen, MN_GEN_HEIGHT, side) ||
        mn_gen_set_real(gen, MN_GEN_LENGTH, 1) || mn_gen_set_int(gen, MN_GEN_SEED, 1) ||
        mn_gen_nanowires(&g, gen))
        die(ctx, "generate");
    mn_gen_free(gen);
    return g;
}

typedef struct {
    double G[NS];
    int n;
} trace;

static int record(const mn_sim *sim, void *ud)
{
    trace *tr = ud;
    if (tr->n < NS) tr->G[tr->n++] = mn_sim_effective_conductance(sim);
    return 0;
}

static double rel_rms(const double *a, const double *ref, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += pow((a[i] - ref[i]) / ref[i], 2);
    return sqrt(s / n);
}

static void electrodes(mn_context *ctx, mn_graph *g, const mn_index **s, size_t *ns,
                       const mn_index **d, size_t *nd)
{
    if (mn_graph_node_set(g, "left", s, ns) || mn_graph_node_set(g, "right", d, nd))
        die(ctx, "electrodes");
}

static void pulse(mn_context *ctx, long wires, int repeats)
{
    mn_graph *g = network(ctx, wires);
    const mn_index *s, *d;
    size_t ns, nd;
    electrodes(ctx, g, &s, &ns, &d, &nd);
    const char *spec = "pwl:0:2,100:2,100:0.1,200:0.1"; /* scripts/demo-run */
    mn_waveform *w;
    if (mn_waveform_parse(&w, ctx, spec)) die(ctx, "waveform");
    double t[NS], V[NS];
    for (int i = 0; i < NS; i++) {
        t[i] = i;
        V[i] = mn_waveform_value(w, t[i]); /* held over [t_i, t_i+1): exact for this protocol */
    }
    mn_model *j;
    if (mn_model_new(&j, ctx, "miranda")) die(ctx, "model");

    /* 1. the full simulation (memnet simulate's settings), `repeats` times for the medians */
    static trace sim, sim_refac;
    double cs[16], ws[16], csa[16], c0, w0;
    uint64_t sim_steps = 0;
    for (int r = 0; r < 2 * repeats; r++) {
        int refac = r >= repeats; /* the second set with the Kirchhoff strategy REFACTOR (the
                                     default up to the deterministic AUTO) */
        trace *tr = refac ? &sim_refac : &sim;
        memset(tr, 0, sizeof *tr);
        c0 = cpu(), w0 = now();
        mn_network *net;
        mn_sim *S;
        if (mn_network_new(&net, g) || mn_network_assign(net, j, NULL, 0, NULL) ||
            mn_sim_new(&S, net) ||
            (refac && mn_kirchhoff_set_strategy(mn_sim_kirchhoff(S), MN_KIRCHHOFF_REFACTOR)) ||
            mn_sim_add_electrode(S, s, ns, w, NULL) ||
            mn_sim_add_electrode(S, d, nd, NULL, NULL) || mn_sim_set_tolerances(S, 1e-6, 1e-9) ||
            mn_sim_init_uniform(S, 0, 0) || mn_sim_set_sample_interval(S, 0, 1) ||
            mn_sim_set_sample_callback(S, record, tr) || mn_sim_run(S, 200))
            die(ctx, "simulation");
        if (refac) csa[r - repeats] = cpu() - c0;
        else cs[r] = cpu() - c0, ws[r] = now() - w0;
        if (tr->n != NS) {
            fprintf(stderr, "bench-ema: %d samples\n", tr->n);
            exit(1);
        }
        if (!refac) sim_steps = mn_sim_stat_get(S, MN_SIM_STAT_STEPS);
        mn_sim_free(S);
        mn_network_free(net);
    }
    double c_sim = median(cs, (size_t)repeats), w_sim = median(ws, (size_t)repeats),
           c_sim_refac = median(csa, (size_t)repeats);

    /* for scale: one Kirchhoff solve of the network from scratch (analysis, factorisation,
     * solve; unit conductances), what a single `memnet solve` does (median) */
    double ck[16];
    size_t m = mn_graph_edge_count(g);
    double *ones = malloc(m * sizeof *ones);
    for (size_t i = 0; i < m; i++) ones[i] = 1;
    for (int r = 0; r < repeats; r++) {
        c0 = cpu();
        mn_kirchhoff *kk;
        size_t e1, e2;
        if (mn_kirchhoff_new(&kk, g) || mn_kirchhoff_add_electrode(kk, s, ns, &e1) ||
            mn_kirchhoff_add_electrode(kk, d, nd, &e2) || mn_kirchhoff_set_potential(kk, e1, 1) ||
            mn_kirchhoff_set_conductances(kk, ones) || mn_kirchhoff_solve(kk))
            die(ctx, "kirchhoff");
        ck[r] = cpu() - c0;
        mn_kirchhoff_free(kk);
    }
    double c_kirch = median(ck, (size_t)repeats);
    free(ones);

    /* 2. the effective-medium reduction: projector, classes, integration; with the default
     *    leverage sketch (MN_MEANFIELD_DIAG_SKETCH, tol 0.5: 8 probes, seed 1) and with the
     *    exact selected inversion; the same number of repeats (medians), alternating */
    double Gema[NS], Gex[NS], ce[16], we[16], cp[16], cx[16], cpx[16];
    size_t K = 0;
    uint64_t steps = 0;
    mn_meanfield_projector *p = NULL;
    for (int r = 0; r < 2 * repeats; r++) {
        int exact = r % 2;
        mn_meanfield_projector_free(p);
        c0 = cpu(), w0 = now();
        if (mn_meanfield_projector_new(&p, g, s, ns, d, nd,
                                       exact ? MN_MEANFIELD_DIAG_SELINV : MN_MEANFIELD_DIAG_SKETCH,
                                       0.5, 1))
            die(ctx, "projector");
        double c_p = cpu() - c0;
        mn_meanfield_model *jm;
        mn_meanfield_ema *e;
        if (mn_meanfield_model_from_junction(&jm, ctx, j, 1, NULL, 0, 1) ||
            mn_meanfield_ema_new(&e, p, jm) ||
            mn_meanfield_ema_integrate_sampled(e, t, V, NS, 0, exact ? Gex : Gema, NULL))
            die(ctx, "effective medium");
        if (exact) cx[r / 2] = cpu() - c0, cpx[r / 2] = c_p;
        else ce[r / 2] = cpu() - c0, we[r / 2] = now() - w0, cp[r / 2] = c_p;
        if (!exact) K = mn_meanfield_ema_class_count(e);
        if (!exact) steps = mn_meanfield_ema_stat_get(e, MN_MEANFIELD_EMA_STAT_STEPS);
        mn_meanfield_ema_free(e);
        mn_meanfield_model_free(jm);
    }
    double c_ema = median(ce, (size_t)repeats), w_ema = median(we, (size_t)repeats),
           c_proj = median(cp, (size_t)repeats), c_ex = median(cx, (size_t)repeats),
           c_pex = median(cpx, (size_t)repeats);

    /* 3. 000's reduction (000 eqs. 25-28: the one-junction model with <|Omega->|>) */
    double G000[NS];
    mn_meanfield_model *m0;
    if (mn_meanfield_model_from_junction(&m0, ctx, j, 1, p, 0, 1) ||
        mn_meanfield_model_integrate_sampled(m0, t, V, NS, 0, NULL, G000))
        die(ctx, "000 reduction");
    mn_meanfield_model_free(m0);
    size_t junctions = mn_graph_edge_count(g) - mn_meanfield_projector_outside_count(p);
    mn_meanfield_projector_free(p);

    /* 4. the fit of the demo: k_p, k_d, eta_p, eta_d, chi free, G_min = G(0), relative */
    mn_meanfield_model *mf;
    mn_meanfield_fit *fit;
    const char *names[5] = { "k_p", "k_d", "eta_p", "eta_d", "chi" };
    double rms_fit = NAN, w_fit = now();
    if (mn_meanfield_model_new(&mf, ctx, MN_MEANFIELD_MIRANDA) ||
        mn_meanfield_model_set(mf, "G_min", sim.G[0]))
        die(ctx, "fit model");
    if (mn_meanfield_fit_run(&fit, mf, t, V, sim.G, NS, names, 5, 1) == MN_OK) {
        rms_fit = rel_rms(mn_meanfield_fit_curve(fit), sim.G, NS);
        mn_meanfield_fit_free(fit);
    }
    w_fit = now() - w_fit;
    mn_meanfield_model_free(mf);

    printf("%6ld %9zu %8.4f %8.4f %8.4f %8.4f %8.3f %8.3f %8.3f %8.4f %8.4f %8.4f %8.4f %8.4f "
           "%8.2f%% %8.2f%% %8.2f%% %8.4f %4zu %5llu %6llu %7.1f\n",
           wires, junctions, rel_rms(G000, sim.G, NS), rel_rms(Gema, sim.G, NS),
           rel_rms(Gex, sim.G, NS), rms_fit, c_sim, w_sim, c_sim_refac, c_ema, c_proj, w_ema, c_ex,
           c_pex, 100 * c_ema / c_sim, 100 * c_ema / c_sim_refac, 100 * c_ex / c_sim, c_kirch, K,
           (unsigned long long)steps, (unsigned long long)sim_steps, w_fit);
    fflush(stdout);
    mn_waveform_free(w);
    mn_model_free(j);
    mn_graph_free(g);
}

static void scaling(mn_context *ctx, const long *wires, int n)
{
    printf("# N = junctions in the circuit, <|Omega->|> = mean |Omega->_i| over them (000 eq. 21)\n");
    printf("%7s %9s %12s %16s %12s\n", "wires", "N", "<|Omega->|>", "N<|O->|>/sqrt(N)", "N<|O->|>");
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < n; k++) {
        mn_graph *g = network(ctx, wires[k]);
        const mn_index *s, *d;
        size_t ns, nd;
        electrodes(ctx, g, &s, &ns, &d, &nd);
        mn_meanfield_projector *p;
        if (mn_meanfield_projector_new(&p, g, s, ns, d, nd, MN_MEANFIELD_DIAG_SELINV, 0.1, 1))
            die(ctx, "projector");
        double N = (double)(mn_graph_edge_count(g) - mn_meanfield_projector_outside_count(p));
        double om = mn_meanfield_projector_omega_mean(p);
        printf("%7ld %9.0f %12.6g %16.4f %12.4f\n", wires[k], N, om, N * om / sqrt(N), N * om);
        double x = log(N), y = log(om);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        mn_meanfield_projector_free(p);
        mn_graph_free(g);
    }
    printf("slope d log<|Omega->|> / d log N = %.4f (001 B20's c/N: -1; a square 2-D sheet: -1/2)\n",
           (n * sxy - sx * sy) / (n * sxx - sx * sx));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "pulse";
    long sizes[64];
    int n = 0;
    for (int i = 2; i < argc && n < 64; i++) sizes[n++] = atol(argv[i]);
    mn_context *ctx;
    if (mn_context_new(&ctx)) return 1;
    if (!strcmp(mode, "scaling")) {
        static const long def[] = { 500, 1000, 2000, 5000, 10000, 20000, 35000 };
        if (!n) memcpy(sizes, def, sizeof def), n = 7;
        scaling(ctx, sizes, n);
    } else if (!strcmp(mode, "pulse")) {
        static const long def[] = { 600, 3000, 20000 };
        if (!n) memcpy(sizes, def, sizeof def), n = 3;
        printf("# 000's pulse: 2 V for 100 s, 0.1 V read to 200 s, miranda defaults, demo networks\n");
        printf("# rms: relative rms of G(t) against the full simulation (201 samples)\n");
        printf("# rms_ema: the effective medium with the leverage sketch (default), rms_exact: with\n"
               "# the exact selected inversion; cpu, wall in s; sim: the simulation with its default\n"
               "# Kirchhoff strategy (AUTO), sim_refac: with REFACTOR; ema_cpu includes proj_cpu (its projector), exact_cpu\n"
               "# includes xproj_cpu; ratios of CPU times: ema/sim, ema/sim_refac, exact/sim;\n"
               "# kirch_cpu: one Kirchhoff solve from scratch for scale; K classes, steps of the\n"
               "# reduction and of CVODE\n");
        printf("%6s %9s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s %9s %9s %8s %4s %5s %6s %7s\n",
               "wires", "junctions", "rms_000", "rms_ema", "rms_exct", "rms_fit", "sim_cpu",
               "sim_wall", "sim_refc", "ema_cpu", "proj_cpu", "ema_wall", "exct_cpu", "xproj",
               "ema/sim", "ema/refc", "exct/sim", "kirchcpu", "K", "steps", "simstp", "fit_wall");
        const char *rep = getenv("BENCH_REPEATS");
        int repeats = rep ? atoi(rep) : 3;
        if (repeats < 1 || repeats > 16) repeats = 3;
        printf("# medians of %d runs (BENCH_REPEATS)\n", repeats);
        for (int i = 0; i < n; i++) pulse(ctx, sizes[i], repeats);
    } else {
        fprintf(stderr, "usage: bench-ema pulse|scaling [WIRES...]\n");
        return 2;
    }
    mn_context_free(ctx);
    return 0;
}
