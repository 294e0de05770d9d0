/*
 * bench-spiking: time steps of a spiking percolating nanoparticle network with 25% memristors
 * (003: 200 x 200 pd, p = 0.65, A:C = 75:25 at 3 V, fixed time steps as in 003's 500 000-step
 * runs) and split the cost per step into its parts (docs/performance.md, "Spiking networks").
 *
 * usage: bench-spiking [SIZE [STEPS [REPEATS [TYPES]]]]   (defaults 200 10000 3 A:C)
 *
 * For each repeat, two runs of STEPS fixed steps (dt = 0.01 s, the exact-exponential update of
 * 003 eq 9 for Type C, Euler for the filaments and hillocks), interleaved: the simulation's
 * default Kirchhoff strategy (REFACTOR: a numeric refactorisation whenever conductances change)
 * and AUTO (the solver's cost model may take rank-k updates at filament events). Then, at the
 * final state of the last run, the parts of one step are timed separately (medians of 50):
 *   refactor  mn_kirchhoff_set_conductances (all edges) + mn_kirchhoff_solve
 *   update2   mn_kirchhoff_update_conductances of 2 filament edges + solve, strategy UPDATE
 *             (what one filament event costs if the factor can be updated)
 *   models    mn_network_conductances + mn_network_rates (every junction's G and dx/dt)
 * and the per-step time is compared with refactorisations/step x refactor + models.
 * Prints key=value lines; all times in milliseconds.
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench-util.h"

#define CHECK(expr)                                                                            \
    do {                                                                                       \
        mn_status st_ = (expr);                                                                \
        if (st_ != MN_OK) {                                                                    \
            fprintf(stderr, "bench-spiking: %s: %s\n", #expr, mn_context_last_error(ctx));     \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

typedef struct runstat {
    double seconds;
    uint64_t steps, solves, refactors, updates, events;
} runstat;

static mn_context *ctx;

static runstat run_once(mn_network *net, long steps, double V, mn_kirchhoff_strategy strat,
                        mn_sim **keep)
{
    mn_sim *sim;
    mn_waveform *w;
    runstat r;
    double dt = 0.01;
    CHECK(mn_sim_new(&sim, net));
    CHECK(mn_waveform_new_dc(&w, ctx, V));
    CHECK(mn_sim_add_electrode_set(sim, "left", w, NULL));
    CHECK(mn_sim_add_electrode_set(sim, "right", NULL, NULL));
    mn_waveform_free(w);
    CHECK(mn_sim_set_integrator(sim, MN_SIM_EXACT));
    CHECK(mn_sim_set_fixed_step(sim, dt));
    CHECK(mn_kirchhoff_set_strategy(mn_sim_kirchhoff(sim), strat));
    CHECK(mn_sim_init_default(sim, 0.0));
    double t0 = now();
    CHECK(mn_sim_run(sim, (double)steps * dt));
    r.seconds = now() - t0;
    r.steps = mn_sim_stat_get(sim, MN_SIM_STAT_STEPS);
    r.solves = mn_sim_stat_get(sim, MN_SIM_STAT_SOLVES);
    r.events = mn_sim_stat_get(sim, MN_SIM_STAT_EVENTS);
    r.refactors = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_REFACTORS);
    r.updates = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_UPDATES);
    if (keep) *keep = sim;
    else mn_sim_free(sim);
    return r;
}

int main(int argc, char **argv)
{
    double size = argc > 1 ? atof(argv[1]) : 200;
    long steps = argc > 2 ? atol(argv[2]) : 10000;
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    const char *types = argc > 4 ? argv[4] : "A:C";
    if (!(size > 2) || steps < 1 || repeats < 1 ||
        (strcmp(types, "A") && strcmp(types, "A:B") && strcmp(types, "A:C"))) {
        fprintf(stderr, "usage: bench-spiking [SIZE > 2 [STEPS >= 1 [REPEATS >= 1 [A|A:B|A:C]]]]\n");
        return 2;
    }
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_gen *gen;
    mn_graph *g;
    CHECK(mn_gen_new(&gen, ctx));
    CHECK(mn_gen_set_int(gen, MN_GEN_SEED, 1));
    CHECK(mn_gen_set_real(gen, MN_GEN_WIDTH, size));
    CHECK(mn_gen_set_real(gen, MN_GEN_HEIGHT, size));
    CHECK(mn_gen_set_real(gen, MN_GEN_COVERAGE, 0.65));
    CHECK(mn_gen_nanoparticles(&g, gen));
    size_t ne = mn_graph_edge_count(g);
    mn_model *mA, *mX = NULL;
    mn_network *net;
    CHECK(mn_model_new(&mA, ctx, "filament"));
    CHECK(mn_model_set(mA, "rd", 1e-4)); /* as examples/spiking-experiments (docs/spiking.md) */
    CHECK(mn_model_set(mA, "rw", 100.0));
    CHECK(mn_network_new(&net, g));
    double V = 2.0;
    if (strcmp(types, "A")) {
        CHECK(mn_model_new(&mX, ctx, strcmp(types, "A:B") ? "miranda" : "hillock"));
        if (!strcmp(types, "A:C")) CHECK(mn_model_set(mX, "Gmin", 0.0));
        const mn_model *ms[2] = { mA, mX };
        double fr[2] = { 75, 25 };
        CHECK(mn_network_assign_fractions(net, ms, fr, 2, 1));
        V = 3.0;
    } else {
        CHECK(mn_network_assign(net, mA, NULL, 0, NULL));
    }
    printf("network=%gx%g pd, p=0.65, %s%s, %g V\nnodes=%zu\nedges=%zu\nsteps=%ld\nrepeats=%d\n",
           size, size, types, strcmp(types, "A") ? " = 75:25" : "", V, mn_graph_node_count(g), ne,
           steps, repeats);

    double *tr = malloc((size_t)repeats * sizeof *tr), *ta = malloc((size_t)repeats * sizeof *ta);
    runstat sr = { 0 }, sa = { 0 };
    mn_sim *last = NULL;
    for (int k = 0; k < repeats; k++) {
        sr = run_once(net, steps, V, MN_KIRCHHOFF_REFACTOR, NULL);
        tr[k] = sr.seconds;
        if (last) mn_sim_free(last);
        sa = run_once(net, steps, V, MN_KIRCHHOFF_AUTO, &last);
        ta[k] = sa.seconds;
    }
    double ms_r = 1e3 * median(tr, (size_t)repeats) / (double)steps;
    double ms_a = 1e3 * median(ta, (size_t)repeats) / (double)steps;
    printf("refactor_strategy.ms_per_step=%.4g\nrefactor_strategy.seconds_per_1e5_steps=%.4g\n", ms_r,
           ms_r * 100);
    printf("refactor_strategy.solves_per_step=%.3g\nrefactor_strategy.refactors_per_step=%.3g\n"
           "refactor_strategy.updates_per_step=%.3g\nevents_per_step=%.3g\n",
           (double)sr.solves / steps, (double)sr.refactors / steps, (double)sr.updates / steps,
           (double)sr.events / steps);
    printf("auto_strategy.ms_per_step=%.4g\nauto_strategy.refactors_per_step=%.3g\n"
           "auto_strategy.updates_per_step=%.3g\nratio_auto_to_refactor=%.3f\n",
           ms_a, (double)sa.refactors / steps, (double)sa.updates / steps, ms_a / ms_r);

    /* parts of a step at the final state */
    const double *G = mn_sim_conductances(last);
    const double *x = mn_sim_states(last);
    double *Gp = malloc(ne * sizeof *Gp), *Gm = malloc(ne * sizeof *Gm);
    double *Vv = malloc(ne * sizeof *Vv), *Iv = malloc(ne * sizeof *Iv);
    size_t ns = mn_network_state_count(net);
    double *dx = malloc((ns ? ns : 1) * sizeof *dx);
    memcpy(Vv, mn_sim_edge_voltages(last), ne * sizeof *Vv);
    memcpy(Iv, mn_sim_edge_currents(last), ne * sizeof *Iv);
    double Gmax = 0, Gmin = INFINITY;
    for (size_t e = 0; e < ne; e++) {
        if (G[e] > Gmax) Gmax = G[e];
        if (G[e] > 0 && G[e] < Gmin) Gmin = G[e];
    }
    printf("conductance_range=%.3g..%.3g S (ratio %.3g)\n", Gmin, Gmax, Gmax / Gmin);
    mn_kirchhoff *kf;
    CHECK(mn_kirchhoff_new(&kf, g));
    const mn_index *L, *R;
    size_t nL, nR;
    CHECK(mn_graph_node_set(g, "left", &L, &nL));
    CHECK(mn_graph_node_set(g, "right", &R, &nR));
    CHECK(mn_kirchhoff_add_electrode(kf, L, nL, NULL));
    CHECK(mn_kirchhoff_add_electrode(kf, R, nR, NULL));
    CHECK(mn_kirchhoff_set_potential(kf, 0, V));
    CHECK(mn_kirchhoff_set_strategy(kf, MN_KIRCHHOFF_REFACTOR));
    enum { R_REPS = 50 };
    double t_ref[R_REPS], t_up[R_REPS], t_mod[R_REPS];
    for (int k = 0; k < R_REPS; k++) {
        /* all conductances change a little, as every memristor and growing gap does per step */
        for (size_t e = 0; e < ne; e++) Gp[e] = G[e] * (1 + 1e-6 * (double)((k + e) % 7));
        double t0 = now();
        CHECK(mn_kirchhoff_set_conductances(kf, Gp));
        CHECK(mn_kirchhoff_solve(kf));
        t_ref[k] = now() - t0;
    }
    /* two filament edges toggled (one event each way), strategy UPDATE */
    const mn_index *em = mn_network_edge_models(net);
    mn_index ev_e[2] = { -1, -1 };
    size_t found = 0;
    for (size_t e = 0; e < ne && found < 2; e++)
        if (!strcmp(mn_network_model_ops(net, (size_t)em[e])->name, "filament") && fabs(Vv[e]) > 0)
            ev_e[found++] = (mn_index)e;
    uint64_t up0, up1, rf0, rf1;
    CHECK(mn_kirchhoff_set_strategy(kf, MN_KIRCHHOFF_UPDATE));
    CHECK(mn_kirchhoff_set_conductances(kf, G));
    CHECK(mn_kirchhoff_solve(kf));
    rf0 = mn_kirchhoff_stat_get(kf, MN_KIRCHHOFF_STAT_REFACTORS);
    up0 = mn_kirchhoff_stat_get(kf, MN_KIRCHHOFF_STAT_UPDATES);
    for (int k = 0; k < R_REPS; k++) {
        double gv[2];
        for (size_t j = 0; j < found; j++) gv[j] = (k % 2 == 0) ? 10.0 : G[ev_e[j]];
        double t0 = now();
        CHECK(mn_kirchhoff_update_conductances(kf, ev_e, gv, found));
        CHECK(mn_kirchhoff_solve(kf));
        t_up[k] = now() - t0;
    }
    rf1 = mn_kirchhoff_stat_get(kf, MN_KIRCHHOFF_STAT_REFACTORS);
    up1 = mn_kirchhoff_stat_get(kf, MN_KIRCHHOFF_STAT_UPDATES);
    for (int k = 0; k < R_REPS; k++) {
        double t0 = now();
        CHECK(mn_network_conductances(net, x, Gm));
        CHECK(mn_network_rates(net, x, Vv, Iv, dx));
        t_mod[k] = now() - t0;
    }
    double m_ref = 1e3 * median(t_ref, R_REPS), m_up = 1e3 * median(t_up, R_REPS);
    double m_mod = 1e3 * median(t_mod, R_REPS);
    double rps = (double)sr.refactors / steps;
    printf("part.refactor_solve_ms=%.4g\npart.update2_solve_ms=%.4g\n"
           "part.update2_took_updates=%llu/%d\npart.update2_took_refactors=%llu/%d\n"
           "part.models_ms=%.4g\n",
           m_ref, m_up, (unsigned long long)(up1 - up0), R_REPS,
           (unsigned long long)(rf1 - rf0), R_REPS, m_mod);
    double expl = rps * m_ref + m_mod;
    printf("step_share.kirchhoff=%.2f\nstep_share.models=%.2f\nstep_share.rest=%.2f\n",
           rps * m_ref / ms_r, m_mod / ms_r, 1 - expl / ms_r);
    free(tr), free(ta), free(Gp), free(Gm), free(Vv), free(Iv), free(dx);
    mn_kirchhoff_free(kf);
    mn_sim_free(last);
    mn_network_free(net);
    mn_model_free(mA);
    mn_model_free(mX);
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return 0;
}
