/* memnet cb: the Caravelli-Barucca circuit (002/004). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(MN_CLI_HAVE_SIMULATE) && defined(MN_CLI_HAVE_GENERATE)
#define CB_HAVE_SIM 1
/* The circuit as a generic network (generator mn_gen_cb, models strukov_cb + resistor) stepped
 * by the generic stepper (lib/sim, CVODE): mean final w of the memristors. */
static int cb_progress(double t, double t_end, void *user)
{
    (void)user;
    cli_progress("cb: w_sim", t_end > 0 ? t / t_end : 1.0);
    return cli_interrupted(); /* nonzero stops the run: Ctrl-C */
}

static int cb_generic(mn_context *ctx, long n, double Ron, double Roff, double Rref, double Rint,
                      double alpha, double gamma, double S, const char *init,
                      unsigned long long seed, double t_end, double *w_mean)
{
    int rc = 1;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_network *net = NULL;
    mn_model *mem = NULL, *res = NULL;
    mn_sim *sim = NULL;
    mn_index *ids = NULL;
    mn_status st;
    if ((st = mn_gen_new(&gen, ctx)) || (st = mn_gen_set_int(gen, MN_GEN_CB_N, n)) ||
        (st = mn_gen_set_real(gen, MN_GEN_R_INT, Rint)) ||
        (st = mn_gen_set_real(gen, MN_GEN_R_REF, Rref)) ||
        (st = mn_gen_set_real(gen, MN_GEN_SOURCE, S)) || (st = mn_gen_cb(&g, gen)) ||
        (st = mn_network_new(&net, g)) || (st = mn_model_new(&mem, ctx, "strukov_cb")) ||
        (st = mn_model_set(mem, "Ron", Ron)) || (st = mn_model_set(mem, "Roff", Roff)) ||
        (st = mn_model_set(mem, "alpha", alpha)) || (st = mn_model_set(mem, "gamma", gamma)) ||
        (st = mn_model_new(&res, ctx, "resistor"))) {
        rc = cli_fail("cb", ctx, st);
        goto done;
    }
    size_t m = mn_graph_edge_count(g);
    ids = malloc(sizeof(mn_index) * m);
    if (!ids) {
        cli_error("cb", "out of memory");
        goto done;
    }
    for (size_t e = 0; e < m; e++) ids[e] = (mn_index)e;
    const double *Gcol = mn_graph_edge_column(g, 1), *emf = mn_graph_edge_column(g, 2);
    if ((st = mn_network_assign(net, mem, ids, (size_t)n, NULL)) ||
        (st = mn_network_assign(net, res, ids + n, m - (size_t)n, NULL))) {
        rc = cli_fail("cb", ctx, st);
        goto done;
    }
    for (size_t e = (size_t)n; e < m; e++)
        if ((st = mn_network_set_edge_param(net, (mn_index)e, "G", Gcol[e]))) {
            rc = cli_fail("cb", ctx, st);
            goto done;
        }
    if ((st = mn_sim_new(&sim, net)) || (st = mn_sim_add_electrode_set(sim, "ground", NULL, NULL)) ||
        (st = mn_sim_set_emf(sim, emf)) || (st = mn_sim_set_tolerances(sim, 1e-8, 1e-10)) ||
        (st = mn_sim_set_progress_callback(sim, cb_progress, 1, NULL))) {
        rc = cli_fail("cb", ctx, st);
        goto done;
    }
    if (!strcmp(init, "random")) st = mn_sim_init_random(sim, 0, 0, 1, seed);
    else st = mn_sim_init_uniform(sim, 0, !strcmp(init, "off") ? 1.0 : 0.0);
    if (st || (st = mn_sim_run(sim, t_end))) {
        cli_progress_done();
        if (st == MN_ERR_CANCELLED || cli_interrupted()) {
            cli_error("cb", "interrupted at t = %.6g of %.6g: w_sim not computed", mn_sim_time(sim),
                      t_end);
            rc = CLI_EXIT_INTERRUPTED;
        } else
            rc = cli_fail("cb", ctx, st);
        goto done;
    }
    cli_progress_done();
    const double *x = mn_sim_states(sim);
    const size_t *off = mn_network_state_offsets(net);
    double sum = 0;
    for (long k = 0; k < n; k++) sum += x[off[k]];
    *w_mean = sum / (double)n;
    rc = 0;
done:
    free(ids);
    mn_sim_free(sim);
    mn_model_free(mem);
    mn_model_free(res);
    mn_network_free(net);
    mn_graph_free(g);
    mn_gen_free(gen);
    return rc;
}
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet cb --n N --Ron R --Roff R --Rref R --Rint R --alpha A --gamma G --S S\n"
            "                 [--init random|on|off] [--seed K] [--t-end T] [--dt DT] [--quiet]\n"
            "\n"
            "The n-memristor circuit of Caravelli and Barucca (002 Fig. 1): critical voltage S_c\n"
            "(002 eq. 11), coefficients xi, chi, rho (eq. 10), homogeneous fixed point w_star\n"
            "(eq. 14 with chi -> chi - rho), Curie-Weiss mean field psi_mf (eq. 17), the\n"
            "rule-(16) prediction for random initial states, and the mean final w of the circuit\n"
            "integrated from its exact equations of motion (eq. 34, RK4 with step --dt).\n"
            "\n"
            "  --n N          number of memristors (>= 1)\n"
            "  --Ron, --Roff  memristor resistances (Ohm), 0 < Ron < Roff\n"
            "  --Rref, --Rint control resistances (Ohm)\n"
            "  --alpha A      decay rate (1/s), non-zero;  --gamma G  (V s), > 0\n"
            "  --S S          applied voltage of every loop (V)\n"
            "  --init MODE    initial states: off (w = 1, default), on (w = 0), random (uniform)\n"
            "  --seed K       seed for --init random (default 1)\n"
            "  --t-end T      integration time (default 50/|alpha|);  --dt DT  step (default 0.01/|alpha|)\n"
            "\n"
            "  --quiet        no progress bar (drawn only when stderr is a terminal)\n"
            "\n"
            "Prints key=value lines (--json: one JSON object): every input (n, Ron, Roff, Rref,\n"
            "Rint, alpha, gamma, S, init, seed, t_end, dt; seed matters only for --init random),\n"
            "then S_c, xi, chi, rho, w_star, psi_mf, rule16_w_inf,\n"
            "susceptibility_eq12_formula (002 eq. 12 at t_end, alpha > 0: a formula derived at a\n"
            "fixed integration constant, not a property of this run; susceptibility_t_end is the\n"
            "same value under its old name), sensitivity_sim (d<w>/dS of this run: central\n"
            "difference of w_sim_eq34 in S with step sensitivity_dS, from the same initial\n"
            "state; at a fixed initial state it grows like e^{+alpha t} for alpha > 0), w_sim\n"
            "(the mean final w of the circuit built by the generator and simulated by the\n"
            "generic network stepper, when this build has them), w_sim_eq34 (the same circuit\n"
            "integrated from its closed-form equations of motion, 002 eq. 34), H_start, H_end.\n"
            "Ctrl-C stops the run: the values computed so far are printed, exit status 130.\n");
}

int mn_cli_cb(int argc, char **argv)
{
    long n = -1;
    double Ron = NAN, Roff = NAN, Rref = NAN, Rint = NAN, alpha = NAN, gamma = NAN, S = NAN;
    double t_end = NAN, dt = NAN;
    const char *init = "off";
    unsigned long long seed = 1;
    int quiet = 0;
    struct {
        const char *name;
        double *dst;
    } reals[] = { { "--Ron", &Ron },     { "--Roff", &Roff },   { "--Rref", &Rref },
                  { "--Rint", &Rint },   { "--alpha", &alpha }, { "--gamma", &gamma },
                  { "--S", &S },         { "--t-end", &t_end }, { "--dt", &dt } };
    for (int i = 1; i < argc; i++) {
        const char *v;
        int done = 0;
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        for (size_t k = 0; k < sizeof reals / sizeof reals[0] && !done; k++)
            if ((v = cli_opt_value(argc, argv, &i, reals[k].name))) {
                if (cli_parse_double("cb", reals[k].name, v, reals[k].dst)) return 2;
                done = 1;
            }
        if (done) continue;
        if (cli_flag(argv[i], "--quiet")) {
            quiet = 1;
            continue;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--n"))) {
            if (cli_parse_long("cb", "--n", v, &n)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--init"))) {
            if (strcmp(v, "random") && strcmp(v, "on") && strcmp(v, "off"))
                return cli_error("cb", "--init: \"%s\" is not random, on or off", v), 2;
            init = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--seed"))) {
            if (cli_parse_u64("cb", "--seed", v, &seed)) return 2;
        } else
            return cli_error("cb", "unknown option \"%s\" (see --help)", argv[i]), 2;
    }
    const char *missing = n < 0 ? "--n" : isnan(Ron) ? "--Ron" : isnan(Roff) ? "--Roff"
                          : isnan(Rref) ? "--Rref" : isnan(Rint) ? "--Rint"
                          : isnan(alpha) ? "--alpha" : isnan(gamma) ? "--gamma"
                          : isnan(S) ? "--S" : NULL;
    if (missing) return cli_error("cb", "%s is required (see --help)", missing), 2;
    if (n < 1) return cli_error("cb", "--n %ld must be >= 1", n), 2;
    if (isnan(t_end)) t_end = 50 / fabs(alpha);
    if (isnan(dt)) dt = 0.01 / fabs(alpha);
    mn_context *ctx;
    if (cli_context_new(&ctx)) return cli_error("cb", "out of memory");
    int rc = 1;
    mn_meanfield_cb *cb = NULL;
    double *w = NULL, *w0 = NULL;
    mn_rng *rng = NULL;
    mn_status st = mn_meanfield_cb_new(&cb, ctx, (size_t)n, Ron, Roff, Rref, Rint, alpha, gamma);
    if (st) {
        rc = cli_fail("cb", ctx, st);
        goto done;
    }
    w = malloc(sizeof(double) * (size_t)n);
    if (!w) {
        cli_error("cb", "out of memory");
        goto done;
    }
    if (!strcmp(init, "random")) {
        if ((st = mn_rng_new(&rng, ctx, seed, 0))) {
            rc = cli_fail("cb", ctx, st);
            goto done;
        }
        for (long k = 0; k < n; k++) w[k] = mn_rng_uniform(rng);
    } else
        for (long k = 0; k < n; k++) w[k] = !strcmp(init, "off") ? 1.0 : 0.0;
    double xi, chi, rho, wp, wm, winf, H0, H1;
    mn_meanfield_cb_coefficients(cb, &xi, &chi, &rho);
    int have_fp = mn_meanfield_cb_fixed_point(cb, S, 1, &wp, &wm) == MN_OK;
    mn_meanfield_cb_rule16(cb, S, 0, 1, 1, NULL, &winf);
    mn_meanfield_cb_lyapunov(cb, w, NULL, S, &H0);
    /* every input first (provenance), then the closed forms, then the integrations: an
     * interrupted run keeps what was computed */
    cli_print_version_kv(stdout);
    cli_out("n=%ld\nRon=%.17g\nRoff=%.17g\nRref=%.17g\nRint=%.17g\nalpha=%.17g\ngamma=%.17g\n",
            n, Ron, Roff, Rref, Rint, alpha, gamma);
    cli_out("S=%.17g\ninit=%s\nseed=%llu\nt_end=%.17g\ndt=%.17g\n", S, init, seed, t_end, dt);
    cli_out("S_c=%.17g\n", mn_meanfield_cb_critical_voltage(cb));
    cli_out("xi=%.17g\nchi=%.17g\nrho=%.17g\n", xi, chi, rho);
    if (have_fp) cli_out("w_star=%.17g\n", wp);
    else cli_out("w_star=nan\n");
    cli_out("psi_mf=%.17g\n", mn_meanfield_cb_psi(cb, S));
    cli_out("rule16_w_inf=%.17g\n", winf);
    /* 002 eq. 12 is derived at a fixed integration constant, not at a fixed initial state:
     * it is a formula, not a property of this run (issue 15 item 7); the run's own dw/dS is
     * measured below (sensitivity_sim) */
    double chi_formula = alpha > 0 ? mn_meanfield_cb_susceptibility(cb, t_end) : NAN;
    cli_out("susceptibility_eq12_formula=%.17g\n", chi_formula);
    cli_out("susceptibility_t_end=%.17g\n", chi_formula); /* the same value, the old key */
    fflush(stdout);
    cli_progress_enable(!quiet);
    cli_sigint_install(0);
    /* 002 eq. 34 by RK4. The library has no progress or cancellation callback for it, so it
     * is called on chunks of whole steps: eq. 34 is autonomous (S constant) and the library
     * takes floor(t/dt + 1e-9) fixed steps, so the chunks give bit for bit the states of one
     * call, with a progress bar and a Ctrl-C check between chunks. */
    double steps_d = floor(t_end / dt + 1e-9);
    if (!(steps_d >= 1) || steps_d > 1e9) { /* let the library name the bad value */
        if ((st = mn_meanfield_cb_integrate(cb, w, NULL, S, t_end, dt, NULL))) {
            rc = cli_fail("cb", ctx, st);
            goto done;
        }
        steps_d = 0;
    }
    w0 = malloc(sizeof(double) * (size_t)n);
    if (!w0) {
        cli_error("cb", "out of memory");
        goto done;
    }
    memcpy(w0, w, sizeof(double) * (size_t)n);
    double done_steps = 0, chunk = fmax(1.0, floor(steps_d / 200));
    while (done_steps < steps_d) {
        double c = fmin(chunk, steps_d - done_steps);
        if ((st = mn_meanfield_cb_integrate(cb, w, NULL, S, c * dt, dt, NULL))) {
            cli_progress_done();
            rc = cli_fail("cb", ctx, st);
            goto done;
        }
        done_steps += c;
        cli_progress("cb: eq. 34", done_steps / steps_d);
        if (cli_interrupted()) break;
    }
    cli_progress_done();
    double mean = 0;
    for (long k = 0; k < n; k++) mean += w[k];
    mean /= (double)n;
    if (cli_interrupted()) { /* what was computed: the mean state at the time reached */
        cli_out("t_interrupted=%.17g\nw_mean_at_interrupt=%.17g\n", done_steps * dt, mean);
        cli_error("cb", "interrupted at t = %g of %g: w_sim_eq34 and w_sim not computed",
                  done_steps * dt, t_end);
        rc = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    mn_meanfield_cb_lyapunov(cb, w, NULL, S, &H1);
    cli_out("w_sim_eq34=%.17g\n", mean);
    cli_out("H_start=%.17g\nH_end=%.17g\n", H0, H1);
    fflush(stdout);
    /* the sensitivity of this run: central difference of the mean w at t_end in S, from the
     * same initial state, integrated as above (002 eq. 34) */
    if (steps_d >= 1) {
        double hS = 1e-4 * fmax(fabs(S), 1e-3 * fabs(mn_meanfield_cb_critical_voltage(cb)));
        double wpm[2];
        for (int side = 0; side < 2; side++) {
            memcpy(w, w0, sizeof(double) * (size_t)n);
            if ((st = mn_meanfield_cb_integrate(cb, w, NULL, S + (side ? -hS : hS), steps_d * dt,
                                                dt, NULL))) {
                rc = cli_fail("cb", ctx, st);
                goto done;
            }
            double a = 0;
            for (long k = 0; k < n; k++) a += w[k];
            wpm[side] = a / (double)n;
        }
        cli_out("sensitivity_sim=%.17g\nsensitivity_dS=%.17g\n", (wpm[0] - wpm[1]) / (2 * hS), hS);
        fflush(stdout);
    }
#ifdef CB_HAVE_SIM
    double wg = NAN;
    if ((rc = cb_generic(ctx, n, Ron, Roff, Rref, Rint, alpha, gamma, S, init, seed, t_end, &wg)))
        goto done;
    cli_out("w_sim=%.17g\n", wg);
#else
    fprintf(stderr, "memnet cb: w_sim omitted: this build has no generic network stepper "
                    "(lib/sim); w_sim_eq34 integrates 002 eq. 34 directly\n");
#endif
    rc = 0;
done:
    cli_sigint_restore();
    free(w);
    free(w0);
    mn_rng_free(rng);
    mn_meanfield_cb_free(cb);
    mn_context_free(ctx);
    return rc;
}
