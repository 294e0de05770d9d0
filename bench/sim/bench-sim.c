/*
 * Benchmark of the time stepper: the seed protocol of 000 Fig. 2a (2 V for T_pulse seconds,
 * then a read voltage of 0.1 V) on random nanowire networks with the miranda model (003 Table 1
 * rates), CVODE BDF at rtol 1e-6, against the same model in Python/scipy (spsolve at every
 * right-hand side, solve_ivp LSODA at the same tolerances) in the same invocation.
 *
 * usage: bench-sim [--sizes N1,N2,...] [--python SCRIPT] [--python-mode lsoda|fixed:DT]
 *                  [--strategy default|refactor|auto|pcg[,...]] [--budget S] [--t-pulse T]
 *                  [--t-read T] [--seed S] [--workdir DIR] [--gmin G] [--dt-out DT]
 *                  [--integrator bdf|adams] [--blas-workers stop|keep]
 *
 * Prints one block of key=value lines per size: junctions, nodes, wall time, integrator and
 * Kirchhoff statistics, the median cost of one refactorisation + solve on the same network and
 * the amortised cost per step in units of it, and (with --python) the scipy time, the ratio and
 * the agreement of the final current. Times are CPU seconds of the process (robust when other
 * jobs load the machine); run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 so that both sides
 * use one core. Wall times are printed too.
 * --strategy takes a comma-separated list: each size is run once per strategy, in that order,
 * (a suffix ":N" runs that one with mn_context_set_threads(ctx, N), e.g. default:1,default:2)
 * on the same network ("default" leaves the simulation's own, AUTO); the scipy baselines run
 * after the last one.
 * --dt-out DT: samples every DT seconds (t = 0, DT, 2 DT, ...: the source current, a Kirchhoff
 * solve each), as 000's protocol records the current; the scipy reference then takes the same
 * samples (the current at each from its dense output, one spsolve each), and
 * samples_max_relative_difference compares the two sets of samples.
 * --integrator bdf|adams: CVODE's BDF (the default, as memnet's) or Adams-Moulton, both with
 * memnet's default Newton iteration.
 * --blas-workers stop|keep: stop (the default, as the memnet program does at start-up) ends
 * OpenBLAS's idle worker threads first (mn_blas_stop_workers); keep leaves them spinning for
 * their ~0.1 s after start-up (docs/performance.md, "The idle BLAS thread").
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../bench-util.h"

/* user and system CPU seconds of the process so far */
static void usage_split(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec;
    *sys = (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Random nanowire network from the generators module: N/4 sticks of unit length in a square box
 * of side sqrt(N / (4 * 12.6)) (mean crossing degree ~8, about 2.2x the percolation threshold),
 * nodes = wires, edges = junctions, electrodes "left"/"right" = the wires touching the sides,
 * only the components touching an electrode kept. */
/* memnet's samples (time, source current), compared with the scipy reference's */
typedef struct samples {
    double *t, *I;
    size_t n, cap;
} samples;

static int collect_sample(const mn_sim *sim, void *user)
{
    samples *sm = user;
    if (sm->n == sm->cap) {
        size_t cap = sm->cap ? 2 * sm->cap : 64;
        double *t = realloc(sm->t, cap * sizeof *t);
        if (!t) return 1;
        sm->t = t;
        double *I = realloc(sm->I, cap * sizeof *I);
        if (!I) return 1;
        sm->I = I;
        sm->cap = cap;
    }
    sm->t[sm->n] = mn_sim_time(sim);
    sm->I[sm->n] = mn_sim_electrode_current(sim, 0);
    sm->n++;
    return 0;
}

static mn_status make_network(mn_context *ctx, size_t junctions, uint64_t seed, mn_graph **out,
                              mn_index **src, size_t *nsrc, mn_index **drn, size_t *ndrn)
{
    size_t n = junctions / 4 + 8;
    double box = sqrt((double)n / 12.6);
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_status st = mn_gen_new(&gen, ctx);
    if (!st) st = mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)seed);
    if (!st) st = mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)n);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_WIDTH, box);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_HEIGHT, box);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_LENGTH, 1.0);
    if (!st) st = mn_gen_nanowires(&g, gen);
    mn_gen_free(gen);
    if (st) return st;
    const mn_index *l, *r;
    size_t nl, nr;
    if ((st = mn_graph_node_set(g, "left", &l, &nl)) || (st = mn_graph_node_set(g, "right", &r, &nr))) {
        mn_graph_free(g);
        return st;
    }
    *src = malloc(nl * sizeof **src);
    *drn = malloc(nr * sizeof **drn);
    memcpy(*src, l, nl * sizeof **src);
    memcpy(*drn, r, nr * sizeof **drn);
    *nsrc = nl, *ndrn = nr;
    *out = g;
    return MN_OK;
}

static int write_files(const char *dir, mn_graph *g, const mn_index *src, size_t ns, const mn_index *drn,
                       size_t nd)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/bench-net.txt", dir);
    if (mn_graph_write_edgelist(g, p)) return 1;
    snprintf(p, sizeof p, "%s/bench-electrodes.txt", dir);
    FILE *f = fopen(p, "w");
    if (!f) return 1;
    for (size_t i = 0; i < ns; i++) fprintf(f, "%d%c", (int)src[i], i + 1 < ns ? ' ' : '\n');
    for (size_t i = 0; i < nd; i++) fprintf(f, "%d%c", (int)drn[i], i + 1 < nd ? ' ' : '\n');
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    const char *sizes = "1000,10000", *python = NULL, *workdir = "/tmp", *pymode = "lsoda";
    const char *strategies = "default", *workers = "stop", *integrator = "bdf";
    double budget = 600, t_pulse = 100, t_read = 10, gmin = NAN, dt_out = 0;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) sizes = argv[++i];
        else if (!strcmp(argv[i], "--python") && i + 1 < argc) python = argv[++i];
        else if (!strcmp(argv[i], "--budget") && i + 1 < argc) budget = atof(argv[++i]);
        else if (!strcmp(argv[i], "--python-mode") && i + 1 < argc) pymode = argv[++i];
        else if (!strcmp(argv[i], "--strategy") && i + 1 < argc) strategies = argv[++i];
        else if (!strcmp(argv[i], "--t-pulse") && i + 1 < argc) t_pulse = atof(argv[++i]);
        else if (!strcmp(argv[i], "--t-read") && i + 1 < argc) t_read = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--workdir") && i + 1 < argc) workdir = argv[++i];
        else if (!strcmp(argv[i], "--gmin") && i + 1 < argc) gmin = atof(argv[++i]);
        else if (!strcmp(argv[i], "--dt-out") && i + 1 < argc) dt_out = atof(argv[++i]);
        else if (!strcmp(argv[i], "--integrator") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "bdf") || !strcmp(argv[i + 1], "adams")))
            integrator = argv[++i];
        else if (!strcmp(argv[i], "--blas-workers") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "stop") || !strcmp(argv[i + 1], "keep")))
            workers = argv[++i];
        else {
            fprintf(stderr, "usage: bench-sim [--sizes N,..] [--python SCRIPT] [--python-mode M] [--budget S] "
                            "[--strategy default|refactor|auto|pcg[,..]] [--t-pulse T] [--t-read T] [--seed S] [--workdir DIR] "
                            "[--gmin G] [--dt-out DT] [--integrator bdf|adams] [--blas-workers stop|keep]\n");
            return 2;
        }
    }
    int stopped = !strcmp(workers, "stop") && mn_blas_stop_workers() == MN_OK;
    printf("memnet_version=%s\nprotocol=2 V for %g s then 0.1 V for %g s (000 Fig. 2a), miranda "
           "(003 Table 1, Gmin %g S), g(0) = 0, CVODE %s rtol 1e-6 atol 1e-9, samples every %g s\n",
           mn_version_string(), t_pulse, t_read, gmin == gmin ? gmin : 1e-2,
           strcmp(integrator, "bdf") ? "Adams-Moulton" : "BDF", dt_out);
    printf("blas_workers=%s\n", stopped ? "stopped" : strcmp(workers, "stop") ? "kept" : "not OpenBLAS");
    const char *p = sizes;
    while (*p) {
        size_t N = (size_t)strtod(p, (char **)&p);
        if (*p == ',') p++;
        mn_context *ctx;
        mn_context_new(&ctx);
        mn_graph *g = NULL;
        mn_index *src = NULL, *drn = NULL;
        size_t ns, nd;
        double tg = now();
        if (make_network(ctx, N, seed, &g, &src, &ns, &drn, &nd)) {
            printf("size=%zu: network generation failed: %s\n", N, mn_context_last_error(ctx));
            return 1;
        }
        tg = now() - tg;
        for (const char *sp = strategies; *sp;) {
        char strategy[32];
        size_t sl = strcspn(sp, ",");
        snprintf(strategy, sizeof strategy, "%.*s", (int)(sl < 31 ? sl : 31), sp);
        sp += sl + (sp[sl] == ',');
        int last = !*sp;
        /* "strategy:N": run with mn_context_set_threads(ctx, N) (memnet's pool and the BLAS);
         * without a suffix the automatic setting */
        char *colon = strchr(strategy, ':');
        mn_context_set_threads(ctx, colon ? (size_t)strtoul(colon + 1, NULL, 10) : 0);
        char label[32];
        memcpy(label, strategy, sizeof label);
        if (colon) *colon = '\0';
        mn_model *model;
        mn_network *net;
        mn_sim *sim;
        mn_model_new(&model, ctx, "miranda");
        if (gmin == gmin && mn_model_set(model, "Gmin", gmin)) {
            printf("Gmin: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        mn_network_new(&net, g);
        mn_network_assign(net, model, NULL, 0, NULL);
        if (mn_sim_new(&sim, net)) {
            printf("sim: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        mn_waveform *w;
        char spec[128];
        snprintf(spec, sizeof spec, "dc:0.1+pulse:1.9:%.17g:1e9:1:0", t_pulse);
        if (mn_waveform_parse(&w, ctx, spec)) {
            printf("waveform: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        mn_sim_add_electrode(sim, src, ns, w, NULL);
        mn_sim_add_electrode(sim, drn, nd, NULL, NULL);
        mn_sim_init_uniform(sim, 0.0, 0.0);
        mn_sim_set_tolerances(sim, 1e-6, 1e-9);
        if (strcmp(integrator, "bdf")) mn_sim_set_integrator(sim, MN_SIM_ADAMS);
        samples sm = { NULL, NULL, 0, 0 };
        if (dt_out > 0) {
            mn_sim_set_sample_interval(sim, 0.0, dt_out);
            mn_sim_set_sample_callback(sim, collect_sample, &sm);
        }
        if (strcmp(strategy, "default"))
            mn_kirchhoff_set_strategy(mn_sim_kirchhoff(sim), !strcmp(strategy, "auto") ? MN_KIRCHHOFF_AUTO
                                                             : !strcmp(strategy, "pcg") ? MN_KIRCHHOFF_PCG
                                                                                        : MN_KIRCHHOFF_REFACTOR);
        double u0, s0, u1, s1;
        usage_split(&u0, &s0);
        double t0 = now(), c0 = cpu_seconds();
        mn_status st = mn_sim_run(sim, t_pulse + t_read);
        double wall = now() - t0, cpus = cpu_seconds() - c0;
        usage_split(&u1, &s1);
        if (st) {
            printf("run failed: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        double I_end = mn_sim_electrode_current(sim, 0);
        size_t m = mn_graph_edge_count(g), nn = mn_graph_node_count(g);
        uint64_t an, rf, up, cg, cgi;
        mn_kirchhoff *k = mn_sim_kirchhoff(sim);
        an = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_ANALYSES);
        rf = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
        up = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
        cg = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES);
        cgi = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
        uint64_t steps = mn_sim_stat_get(sim, MN_SIM_STAT_STEPS);
        printf("\n[size %zu, %s, run]\nmemnet_user_seconds=%.4g\nmemnet_sys_seconds=%.4g\ncpu_over_wall=%.3f\n"
               "refactorisations_per_step=%.4g\noutput_solves=%llu\n",
               N, label, u1 - u0, s1 - s0, cpus / wall, (double)rf / (double)steps,
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_OUTPUT_SOLVES));
        static const struct { const char *key; mn_sim_stat which; } parts[] = {
            { "factorise", MN_SIM_STAT_NS_FACTORISE }, { "solve", MN_SIM_STAT_NS_SOLVE },
            { "model", MN_SIM_STAT_NS_MODEL }, { "cvode", MN_SIM_STAT_NS_CVODE },
            { "output", MN_SIM_STAT_NS_OUTPUT }, { "run", MN_SIM_STAT_NS_RUN } };
        for (size_t q = 0; q < sizeof parts / sizeof parts[0]; q++)
            printf("time_%s_seconds=%.4g\n", parts[q].key, 1e-9 * (double)mn_sim_stat_get(sim, parts[q].which));
        /* one refactorisation + solve on the same network and conductances, median of 7 */
        const double *G = mn_sim_conductances(sim);
        double *Gc = malloc(m * sizeof *Gc), tt[7], tw[7];
        memcpy(Gc, G, m * sizeof *Gc);
        mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR);
        for (int r = 0; r < 7; r++) {
            Gc[r % m] *= 1.0 + 1e-9; /* a new matrix each time */
            double a = now(), ac = cpu_seconds();
            mn_kirchhoff_set_conductances(k, Gc);
            mn_kirchhoff_solve(k);
            tt[r] = cpu_seconds() - ac;
            tw[r] = now() - a;
        }
        qsort(tt, 7, sizeof *tt, cmp_double);
        qsort(tw, 7, sizeof *tw, cmp_double);
        double per_step = cpus / (double)steps;
        printf("\n[size %zu, %s]\nstrategy=%s\njunctions=%zu\nnodes=%zu\nsource_nodes=%zu\ndrain_nodes=%zu\n"
               "generation_seconds=%.3g\nmemnet_wall_seconds=%.4g\nmemnet_cpu_seconds=%.4g\nsteps=%llu\nrhs_evals=%llu\n"
               "jv_evals=%llu\nlinear_iters=%llu\nnewton_iters=%llu\nprec_setups=%llu\n"
               "err_test_fails=%llu\nrestarts=%llu\nkirchhoff_solves=%llu\nanalyses=%llu\n"
               "refactorisations=%llu\nupdates=%llu\ncg_solves=%llu\ncg_iterations=%llu\n"
               "refactor_solve_cpu_seconds=%.4g\nrefactor_solve_wall_seconds=%.4g\ncpu_seconds_per_step=%.4g\n"
               "cost_per_step_in_refactor_solves=%.3g\nI_end=%.17g\n",
               N, label, label, m, nn, ns, nd, tg, wall, cpus, (unsigned long long)steps,
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_RHS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_JV),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_LIN_ITERS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_NEWTON_ITERS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_PREC_SETUPS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_ERR_FAILS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_RESTARTS),
               (unsigned long long)mn_sim_stat_get(sim, MN_SIM_STAT_SOLVES), (unsigned long long)an,
               (unsigned long long)rf, (unsigned long long)up, (unsigned long long)cg,
               (unsigned long long)cgi, tt[3], tw[3], per_step, per_step / tt[3], I_end);
        fflush(stdout);
        if (python && last && write_files(workdir, g, src, ns, drn, nd)) {
            printf("cannot write the network to %s\n", workdir);
            return 1;
        }
        /* each baseline of the comma-separated --python-mode list in turn */
        for (const char *pm = pymode; python && last && *pm;) {
            char mode[64];
            size_t ml = strcspn(pm, ",");
            snprintf(mode, sizeof mode, "%.*s", (int)(ml < 63 ? ml : 63), pm);
            pm += ml + (pm[ml] == ',');
            char cmd[8192];
            /* the reference takes the same samples (dt_out > 0): the current at each sample
             * time from its dense output, one spsolve each, as memnet solves at each */
            snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s/bench-net.txt %s/bench-electrodes.txt %.17g %.17g %g %s %.17g %.17g",
                     python, workdir, workdir, t_pulse, t_read, budget, mode, gmin == gmin ? gmin : 1e-2, dt_out);
            FILE *f = popen(cmd, "r");
            char line[512];
            double py_wall = NAN, py_I = NAN, py_t = NAN, dmax = 0.0;
            size_t py_n = 0, matched = 0;
            while (f && fgets(line, sizeof line, f)) {
                double ts, Is;
                if (sscanf(line, "python_sample=%lf,%lf", &ts, &Is) == 2) {
                    /* the sample of memnet's at the same time (both take t = k dt_out) */
                    py_n++;
                    for (size_t q = 0; q < sm.n; q++)
                        if (fabs(sm.t[q] - ts) <= 1e-9 * (1.0 + fabs(ts))) {
                            double d = fabs(sm.I[q] - Is) / fmax(fabs(Is), 1e-300);
                            dmax = d > dmax ? d : dmax;
                            matched++;
                            break;
                        }
                    continue; /* not echoed: one line per sample */
                }
                sscanf(line, "python_cpu_seconds=%lf", &py_wall);
                sscanf(line, "python_I_end=%lf", &py_I);
                sscanf(line, "python_t_reached=%lf", &py_t);
                fputs(line, stdout);
            }
            if (f) pclose(f);
            if (dt_out > 0)
                printf("python_samples=%zu\nmemnet_samples=%zu\nsamples_compared=%zu\n"
                       "samples_max_relative_difference=%.3g\n", py_n, sm.n, matched, dmax);
            if (py_t >= t_pulse + t_read) {
                printf("speedup_cpu=%.3g\nI_end_relative_difference=%.3g\n", py_wall / cpus,
                       fabs(py_I - I_end) / fabs(I_end));
            } else {
                printf("speedup_cpu_at_least=%.3g (scipy reached t = %g of %g s within the budget)\n",
                       py_wall / cpus, py_t, t_pulse + t_read);
            }
            fflush(stdout);
        }
        free(Gc);
        free(sm.t);
        free(sm.I);
        mn_waveform_free(w);
        mn_sim_free(sim);
        mn_network_free(net);
        mn_model_free(model);
        }
        mn_graph_free(g);
        free(src), free(drn);
        mn_context_free(ctx);
    }
    return 0;
}
