/*
 * bench-mpi-sim: the distributed simulation (mn_mpi_sim: CVODE on MPI+X, PETSc CG + BoomerAMG
 * per right-hand side) per step, against the serial simulation (mn_sim, CHOLMOD) on the same
 * network in the same invocation (1 rank only).
 *
 *   mpiexec -n P bench-mpi-sim [--junctions 1e5] [--t-end 0.5] [--jv-rtol R] [--strategy auto|
 *                              setup|reuse] [--jv analytic|difference|both] [--no-serial]
 *                              [--seed S] [--petsc-options STR] [--kirchhoff-rtol R]
 *
 * Network: a 2-D stick network from mn_mpi_gen_sticks (wires of length 1, density for about
 * 6 junctions per wire), SFC partition, electrodes = wires within 0.5 of the left / right side.
 * Junctions: miranda (000 eqs 1-4, defaults), 2 V on the left, 0 V on the right, rtol 1e-6,
 * atol 1e-9 (the defaults of mn_sim), run from 0 to --t-end. Printed (key=value): steps, right-
 * hand sides (solves), Jv right-hand sides, AMG setups, CG iterations, wall and CPU time (CPU:
 * user + sys summed over the ranks) of the distributed run, per step, for each Jacobian-vector
 * method asked for (default: difference quotients, the library's default; --jv both: the
 * difference quotient, then the analytic product, on the same
 * network); the serial run's steps, wall and CPU per step; the ratio of CPU per step and the
 * relative difference of the final source current against each distributed run.
 */
#include <memnet/kirchhoff.h>
#include <memnet/mpi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../bench-util.h"

static int rank, size;
static const char *petsc_opts; /* --petsc-options: passed to the distributed solver */
static double kir_rtol;        /* --kirchhoff-rtol: the solver's relative residual (0: 1e-12) */

static double maxrss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

#define CK(call)                                                                               \
    do {                                                                                       \
        mn_status st_ = (call);                                                                \
        if (st_ != MN_OK) {                                                                    \
            fprintf(stderr, "[rank %d] %s: %s (%s)\n", rank, #call, mn_status_str(st_),        \
                    mn_context_last_error(ctx));                                               \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                      \
        }                                                                                      \
    } while (0)

/* one distributed run on g with the given Jv method; prints its figures (prefix mpi_<name>_) */
static void run_mpi(mn_context *ctx, mn_mpi_graph *g, const mn_model *model, const mn_waveform *w,
                    mn_mpi_strategy strat, double jv_rtol, mn_mpi_jv_method method, double t_end,
                    double *cpu_per_step, double *current)
{
    const char *name = method == MN_MPI_JV_ANALYTIC ? "analytic" : "difference";
    mn_mpi_kirchhoff *k;
    mn_mpi_sim *s;
    double w0 = now();
    CK(mn_mpi_kirchhoff_new(&k, g));
    CK(mn_mpi_kirchhoff_set_strategy(k, strat));
    if (petsc_opts) CK(mn_mpi_kirchhoff_set_petsc_options(k, petsc_opts));
    if (kir_rtol > 0) CK(mn_mpi_kirchhoff_set_tolerance(k, kir_rtol));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "left", NULL));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "right", NULL));
    CK(mn_mpi_sim_new(&s, k, model));
    CK(mn_mpi_sim_set_waveform(s, 0, w));
    CK(mn_mpi_sim_set_jv_tolerance(s, jv_rtol));
    CK(mn_mpi_sim_set_jv_method(s, method));
    CK(mn_mpi_sim_init_default(s, 0.0));
    double setup_wall = now() - w0;
    double c1 = cpu_seconds(), w1 = now();
    CK(mn_mpi_sim_run(s, t_end));
    double run_wall = now() - w1, run_cpu = cpu_seconds() - c1, cpu_all = 0, wall_max = 0;
    MPI_Allreduce(&run_cpu, &cpu_all, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(&run_wall, &wall_max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    double rss = maxrss_mb(), rss_max = 0;
    MPI_Allreduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    double steps = mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_STEPS);
    *current = mn_mpi_sim_electrode_current(s, 0);
    *cpu_per_step = cpu_all / steps;
    if (rank == 0)
        printf("mpi_%s_setup_wall_s=%.3g mpi_%s_steps=%g mpi_%s_rhs=%g mpi_%s_jv=%g "
               "mpi_%s_amg_setups=%g mpi_%s_cg_iterations=%g mpi_%s_lin_iterations=%g\n"
               "mpi_%s_wall_s=%.4g mpi_%s_cpu_s=%.4g mpi_%s_wall_per_step_s=%.4g "
               "mpi_%s_cpu_per_step_s=%.4g mpi_%s_rss_max_mb=%.0f mpi_%s_current=%.12g\n",
               name, setup_wall, name, steps, name, mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_RHS),
               name, mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_JV), name,
               mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_SETUPS), name,
               mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_ITERATIONS), name,
               mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_LINEAR_ITERATIONS), name, wall_max, name,
               cpu_all, name, wall_max / steps, name, cpu_all / steps, name, rss_max, name,
               *current);
    fflush(stdout);
    mn_mpi_sim_free(s);
    mn_mpi_kirchhoff_free(k);
}

int main(int argc, char **argv)
{
    double junctions = 1e5, t_end = 0.5, jv_rtol = 0.0;
    int serial = 1;
    uint64_t seed = 1;
    mn_mpi_strategy strat = MN_MPI_AUTO;
    int jv_diff = 1, jv_an = 0; /* the library's default: difference quotients */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--junctions") && i + 1 < argc) junctions = atof(argv[++i]);
        else if (!strcmp(argv[i], "--t-end") && i + 1 < argc) t_end = atof(argv[++i]);
        else if (!strcmp(argv[i], "--jv-rtol") && i + 1 < argc) jv_rtol = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--no-serial")) serial = 0;
        else if (!strcmp(argv[i], "--petsc-options") && i + 1 < argc) petsc_opts = argv[++i];
        else if (!strcmp(argv[i], "--kirchhoff-rtol") && i + 1 < argc) kir_rtol = atof(argv[++i]);
        else if (!strcmp(argv[i], "--jv") && i + 1 < argc) {
            const char *v = argv[++i];
            jv_diff = !strcmp(v, "difference") || !strcmp(v, "both");
            jv_an = !strcmp(v, "analytic") || !strcmp(v, "both");
        }
        else if (!strcmp(argv[i], "--strategy") && i + 1 < argc) {
            const char *v = argv[++i];
            strat = !strcmp(v, "setup") ? MN_MPI_SETUP : !strcmp(v, "reuse") ? MN_MPI_REUSE : MN_MPI_AUTO;
        } else {
            fprintf(stderr, "usage: bench-mpi-sim [--junctions N] [--t-end T] [--jv-rtol R] "
                            "[--strategy auto|setup|reuse] [--jv analytic|difference|both] "
                            "[--no-serial] [--seed S] [--petsc-options STR] [--kirchhoff-rtol R]\n");
            return 2;
        }
    }
    if (mn_mpi_init() != MN_OK) return 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mn_context *ctx;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    size_t nw = (size_t)(junctions / 6.0);
    double side = sqrt((double)nw / (6.0 * 3.14159265358979323846));
    mn_mpi_graph *g;
    mn_model *model;
    mn_waveform *w;
    CK(mn_mpi_gen_sticks(&g, ctx, MPI_COMM_WORLD, nw, side, 1.0, 0.5, seed));
    CK(mn_mpi_graph_partition(g, size > 1 ? MN_MPI_PARTITION_SFC : MN_MPI_PARTITION_BLOCK));
    CK(mn_model_new(&model, ctx, "miranda"));
    CK(mn_waveform_new_dc(&w, ctx, 2.0));
    int64_t M = mn_mpi_graph_global_edge_count(g);
    if (rank == 0)
        printf("ranks=%d junctions=%lld wires=%zu t_end=%g jv_rtol=%g strategy=%d\n", size,
               (long long)M, nw, t_end, jv_rtol, (int)strat);
    double cps[2] = {NAN, NAN}, cur[2] = {NAN, NAN}; /* difference, analytic */
    if (jv_diff)
        run_mpi(ctx, g, model, w, strat, jv_rtol, MN_MPI_JV_DIFFERENCE, t_end, &cps[0], &cur[0]);
    if (jv_an)
        run_mpi(ctx, g, model, w, strat, jv_rtol, MN_MPI_JV_ANALYTIC, t_end, &cps[1], &cur[1]);
    if (rank == 0 && jv_diff && jv_an)
        printf("ratio_analytic_over_difference_cpu_per_step=%.3g rel_diff_current=%.2g\n",
               cps[1] / cps[0], fabs(cur[1] - cur[0]) / fabs(cur[0]));

    if (serial && size == 1) {
        /* the same network through the serial library: wire ids are node ids */
        mn_graph *sg;
        mn_network *net;
        mn_sim *ss;
        size_t m = mn_mpi_graph_edge_count(g), nl, nr;
        const mn_index *u = mn_mpi_graph_edge_u(g), *v = mn_mpi_graph_edge_v(g);
        const mn_index *L = mn_mpi_graph_node_set(g, "left", &nl);
        const mn_index *R = mn_mpi_graph_node_set(g, "right", &nr);
        CK(mn_graph_new(&sg, ctx, nw));
        for (size_t e = 0; e < m; e++) CK(mn_graph_add_edge(sg, u[e], v[e], NULL));
        CK(mn_network_new(&net, sg));
        CK(mn_network_assign(net, model, NULL, 0, NULL));
        CK(mn_sim_new(&ss, net));
        CK(mn_sim_add_electrode(ss, L, nl, w, NULL));
        CK(mn_sim_add_electrode(ss, R, nr, NULL, NULL));
        CK(mn_sim_init_default(ss, 0.0));
        double c2 = cpu_seconds(), w2 = now();
        CK(mn_sim_run(ss, t_end));
        double sw = now() - w2, sc = cpu_seconds() - c2;
        double ssteps = (double)mn_sim_stat_get(ss, MN_SIM_STAT_STEPS);
        double I_ser = mn_sim_electrode_current(ss, 0);
        printf("serial_steps=%g serial_rhs=%g serial_wall_s=%.4g serial_cpu_s=%.4g "
               "serial_wall_per_step_s=%.4g serial_cpu_per_step_s=%.4g serial_rss_mb=%.0f\n",
               ssteps, (double)mn_sim_stat_get(ss, MN_SIM_STAT_RHS), sw, sc, sw / ssteps, sc / ssteps,
               maxrss_mb());
        for (int j = 0; j < 2; j++)
            if (j ? jv_an : jv_diff)
                printf("ratio_%s_over_serial_cpu_per_step=%.3g rel_diff_current_%s=%.2g\n",
                       j ? "analytic" : "difference", cps[j] / (sc / ssteps),
                       j ? "analytic" : "difference", fabs(cur[j] - I_ser) / fabs(I_ser));
        mn_sim_free(ss);
        mn_network_free(net);
        mn_graph_free(sg);
    }
    mn_mpi_graph_free(g);
    mn_waveform_free(w);
    mn_model_free(model);
    mn_context_free(ctx);
    mn_mpi_finalize();
    return 0;
}
