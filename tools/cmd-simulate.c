/* memnet simulate: time evolution of a network under an applied waveform (public API only).
 * The parts of the command live in cmd-simulate-*.c (cmd-simulate.h lists them). */
#include "cmd-simulate.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void simulate_cmd_free(simulate_cmd *c)
{
    if (c->out) fclose(c->out);
    mn_h5_recorder_close(c->h5); /* after an error: the samples so far are kept */
    if (c->ev) fclose(c->ev);
    mn_sim_free(c->sim);
    mn_waveform_free(c->w);
    simulate_electrodes_free(c); /* its waveforms belong to the context: before it goes */
    mn_network_free(c->net);
    for (size_t j = 0; j < c->mix.k; j++) mn_model_free(c->mix.models[j]);
    free(c->r.mix_sum), free(c->r.mix_base);
    mn_graph_free(c->g);
    mn_context_free(c->ctx);
    free(c->src), free(c->drn), free(c->rec), free(c->init_vals), free(c->snap_t);
}

/* the run statistics on stdout (key=value, or JSON with --json) */
static void report(const simulate_cmd *c, const simulate_opts *o, int cancelled, struct timespec t0,
                   struct timespec t1)
{
    mn_sim *sim = c->sim;
    mn_network *net = c->net;
    cli_print_version_kv(stdout);
    cli_out_str("status", "%s", cancelled ? "interrupted" : "complete");
    cli_out("t_reached=%.17g\n", mn_sim_time(sim));
    cli_out("seed=%llu\n", o->seed);
    cli_out("wall_seconds=%.6g\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    static const char *names[] = { "steps", "rhs_evals", "jv_evals", "linear_iters", "newton_iters",
                                   "prec_setups", "err_test_fails", "root_evals", "events",
                                   "restarts", "kirchhoff_solves" };
    for (int k = 0; k < 11; k++) cli_out("%s=%llu\n", names[k], (unsigned long long)mn_sim_stat_get(sim, (mn_sim_stat)k));
    uint64_t rf, up, cg, cgi;
    rf = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_REFACTORS);
    up = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_UPDATES);
    cg = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_CG_SOLVES);
    cgi = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_CG_ITERATIONS);
    cli_out("refactorisations=%llu\nupdates=%llu\ncg_solves=%llu\ncg_iterations=%llu\n", (unsigned long long)rf,
           (unsigned long long)up, (unsigned long long)cg, (unsigned long long)cgi);
    /* per step, and where the wall time went (mn_sim_stat_get) */
    uint64_t steps = mn_sim_stat_get(sim, MN_SIM_STAT_STEPS);
    cli_out("output_solves=%llu\n", (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_OUTPUT_SOLVES));
    cli_out("unstable_steps=%llu\n", (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_UNSTABLE_STEPS));
    cli_out("newton_fails=%llu\n", (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_NEWTON_FAILS));
    if (isfinite(mn_sim_stable_step(sim))) cli_out("stable_step_estimate=%.6g\n", mn_sim_stable_step(sim));
    cli_out("refactorisations_per_step=%.4g\n", steps ? (double)rf / (double)steps : 0.0);
    static const struct { const char *key; mn_sim_stat which; } parts[] = {
        { "time_factorise_seconds", MN_SIM_STAT_NS_FACTORISE }, { "time_solve_seconds", MN_SIM_STAT_NS_SOLVE },
        { "time_model_seconds", MN_SIM_STAT_NS_MODEL }, { "time_cvode_seconds", MN_SIM_STAT_NS_CVODE },
        { "time_output_seconds", MN_SIM_STAT_NS_OUTPUT }, { "time_run_seconds", MN_SIM_STAT_NS_RUN } };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        cli_out("%s=%.6g\n", parts[k].key, 1e-9 * (double)mn_sim_stat_get(sim, parts[k].which));
    if (o->mix_text) { /* edges per model of the mix */
        const mn_index *em = mn_network_edge_models(net);
        for (size_t j = 0; j < mn_network_model_count(net); j++) {
            size_t n = 0;
            for (size_t e = 0; e < mn_graph_edge_count(c->g); e++) n += (size_t)em[e] == j;
            cli_out("mix.%s.edges=%zu\n", mn_network_model_ops(net, j)->name, n);
        }
    }
    cli_out_str("out", "%s", o->out_path);
}

int mn_cli_simulate(int argc, char **argv)
{
    simulate_opts o;
    simulate_cmd c;
    memset(&c, 0, sizeof c);
    int rc = simulate_parse(&o, &c.mix, argc, argv);
    if (rc) return rc < 0 ? 0 : rc;

    /* ------------------------------------------------------------ set up */
    rc = 1;
    mn_status st;
    if ((st = cli_context_new(&c.ctx))) {
        cli_error(CMD, "cannot create a context: %s", mn_status_str(st));
        goto done;
    }
    if ((st = mn_context_set_threads(c.ctx, (size_t)o.threads))) {
        cli_fail(CMD, c.ctx, st);
        rc = 2;
        goto done;
    }
    int nrc = simulate_network_setup(&c, &o);
    if (nrc) {
        rc = nrc; /* 2 for a usage error found there (an unknown model) */
        goto done;
    }
    int erc = simulate_electrodes_setup(&c, &o);
    if (erc) {
        rc = erc;
        goto done;
    }
    if (simulate_solver_setup(&c, &o) || simulate_initial_states(&c, &o) || simulate_recording_setup(&c, &o) ||
        simulate_restart(&c, &o))
        goto done;
    if (!(o.t_end > mn_sim_time(c.sim))) {
        cli_error(CMD, "--t-end: %g must be after the start time %g", o.t_end, mn_sim_time(c.sim));
        rc = 2;
        goto done;
    }

    /* ------------------------------------------------------------ output */
    if ((o.hdf5 ? simulate_h5_open(&c, &o, argc, argv) : simulate_output_open(&c, &o, argc, argv)) ||
        simulate_events_open(&c, &o))
        goto done;

    /* ------------------------------------------------------------ run */
    int cancelled = 0;
    struct timespec t0, t1;
    if (simulate_run_to_end(&c, &o, &cancelled, &t0, &t1)) goto done;
    if (simulate_output_close(&c, &o)) goto done;
    report(&c, &o, cancelled, t0, t1);
    uint64_t unstable = mn_sim_stat_get(c.sim, MN_SIM_STAT_UNSTABLE_STEPS);
    if (unstable) { /* explicit Euler above its stability limit: the clamp hid it (sim_stability.c) */
        double lim = mn_sim_stable_step(c.sim);
        fprintf(stderr, "memnet simulate: warning: %llu of %llu explicit Euler steps were unstable "
                        "(above the stability limit estimated from the junction rates, or carrying a "
                        "state past a bound where its rate points back); the clamp to the state "
                        "bounds hides this and the results are not to be trusted: ",
                (unsigned long long)unstable, (unsigned long long)mn_sim_stat_get(c.sim, MN_SIM_STAT_STEPS));
        if (isfinite(lim))
            fprintf(stderr, "--dt %g is above the limit %.3g; use --dt below %.3g or --integrator bdf\n",
                    o.dt, lim, 0.5 * lim);
        else
            fprintf(stderr, "use a smaller --dt than %g or --integrator bdf\n", o.dt);
    }
    /* the event log is closed here so that a write error (full disk) is reported */
    if (simulate_events_close(&c, &o)) goto done;
    if (cancelled) {
        int sig = simulate_interrupt_signal();
        fprintf(stderr, "memnet simulate: interrupted by %s at t = %g; %s keeps the samples so far%s\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT", mn_sim_time(c.sim), o.out_path,
                o.cp_path ? ", the checkpoint was written" : "");
        rc = 128 + (sig ? sig : SIGINT);
    } else {
        rc = 0;
    }
done:
    simulate_cmd_free(&c);
    simulate_opts_free(&o);
    return rc;
}
