/*
 * bench-mpi: distributed Kirchhoff solves (libmemnet-mpi: PETSc CG + hypre BoomerAMG) on 2-D
 * stick networks or 3-D cubic lattices, against CHOLMOD (the serial solver) in the same
 * invocation.
 *
 *   mpiexec -n P bench-mpi [--sizes 1e5,1e6] [--contrasts uniform,6dec,bimodal] [--seed S]
 *                          [--network sticks|lattice3d] [--no-cholmod]
 *                          [--petsc-options STR]   (mn_mpi_kirchhoff_set_petsc_options)
 *
 * Per size (target junctions; sticks: 6 junctions per wire at the density used, SFC
 * partition; lattice3d: the n^3 lattice with 3 n^2 (n - 1) edges nearest the target, block
 * partition = slabs of z-planes, electrodes the faces x = 0 and x = n - 1) and conductance
 * contrast (uniform 1 S; log-uniform over 6 decades; bimodal 1 S / 1e-6 S at 50 %, a
 * conductance function of the wire pair so the same for any rank count):
 *   generation, SFC partition;
 *   cold: a new AMG setup (setup_s) and CG from zero (cold_its, cold_s);
 *   reused: conductances drifted by +-0.5 %, CG on the old hierarchy warm-started from the
 *     last potentials (reused_its, reused_s), twice (the second two drifts from the setup);
 *   resetup: a new setup on the last drifted matrix and CG from zero (resetup_its, _s, _cpu_s:
 *     the cost AUTO weighs against reused iterations);
 *   auto: 5 drift steps with AUTO (setups made, iterations);
 *   memory: peak RSS, the largest over the ranks (the process's peak is reset at the start of
 *     each run where Linux allows, /proc/self/clear_refs); CPU (user + sys, summed over the ranks) and
 *     wall time of the whole distributed part;
 *   CHOLMOD on rank 0 (the whole network, one process): analyse + factorise + solve
 *     (cholmod_first_s, _cpu_s) and refactorise + solve after a drift (cholmod_refactor_solve_s),
 *     the relative difference of the electrode current (a check of both), and the memory the
 *     CHOLMOD part adds to the process (cholmod_added_MB: its peak RSS minus the RSS before).
 * Times are wall clock of the slowest rank (one run each; the machine may be shared).
 */
#include "lattice3d.h"

#include <memnet/kirchhoff.h>
#include <memnet/mpi.h>

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../bench-util.h"

static int rank, size;
static const char *petsc_opts; /* --petsc-options: passed to the distributed solver */

static double maxrss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* the process's resident set: now (VmRSS) or its peak (VmHWM), MB; -1 if unknown */
static double status_mb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    size_t l = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, l)) kb = atof(line + l + 1);
    if (f) fclose(f);
    return kb < 0 ? -1 : kb / 1024.0;
}

/* reset the peak RSS to the present RSS (Linux >= 4.0); otherwise the peaks of earlier runs of
 * the invocation stay in later rows */
static void peak_reset(void)
{
    malloc_trim(0); /* what earlier runs freed leaves the resident set */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static double peak_mb(void)
{
    double p = status_mb("VmHWM:");
    return p >= 0 ? p : maxrss_mb();
}

static double gmax(double x)
{
    double y = x;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return y;
}

static double gsum(double x)
{
    double y = x;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return y;
}

static double hash01(uint64_t a, uint64_t b, uint64_t k)
{
    uint64_t z = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ (k * 0x165667b19e3779f9ULL);
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double conductance(const char *contrast, mn_index u, mn_index v)
{
    double h = hash01((uint64_t)u, (uint64_t)v, 1);
    if (!strcmp(contrast, "6dec")) return pow(10.0, -6.0 * h);
    if (!strcmp(contrast, "bimodal")) return h < 0.5 ? 1.0 : 1e-6;
    return 1.0;
}

static void drift(const mn_index *u, const mn_index *v, size_t m, double *G, int step)
{
    for (size_t e = 0; e < m; e++) G[e] *= 1.0 + 0.01 * (hash01((uint64_t)u[e], (uint64_t)v[e], 10 + (uint64_t)step) - 0.5);
}

#define CK(call)                                                                               \
    do {                                                                                       \
        mn_status st_ = (call);                                                                \
        if (st_ != MN_OK) {                                                                    \
            fprintf(stderr, "[rank %d] %s: %s\n", rank, #call, mn_context_last_error(ctx));   \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                      \
        }                                                                                      \
    } while (0)

static void run(double target, const char *contrast, uint64_t seed, int cholmod, int lattice)
{
    mn_context *ctx;
    if (mn_context_new(&ctx) != MN_OK) MPI_Abort(MPI_COMM_WORLD, 1);
    size_t nw = (size_t)(target / 6.0), n3 = 2;
    double side = sqrt((double)nw / (6.0 * 3.14159265358979323846));
    /* lattice3d: the side n whose 3 n^2 (n - 1) edges are nearest the target */
    while (lattice && fabs(3.0 * (double)((n3 + 1) * (n3 + 1) * n3) - target) <
                          fabs(3.0 * (double)(n3 * n3 * (n3 - 1)) - target))
        n3++;
    if (lattice) nw = n3 * n3 * n3; /* nodes */
    peak_reset();
    double w0 = now(), c0 = cpu_seconds();
    mn_mpi_graph *g;
    if (lattice) CK(bench_lattice3d(&g, ctx, MPI_COMM_WORLD, n3));
    else CK(mn_mpi_gen_sticks(&g, ctx, MPI_COMM_WORLD, nw, side, 1.0, 0.5, seed));
    double t_gen = gmax(now() - w0);
    double t0 = now();
    CK(mn_mpi_graph_partition(g, lattice ? MN_MPI_PARTITION_BLOCK : MN_MPI_PARTITION_SFC));
    double t_part = gmax(now() - t0);
    size_t m = mn_mpi_graph_edge_count(g);
    const mn_index *u = mn_mpi_graph_edge_u(g), *v = mn_mpi_graph_edge_v(g);
    double junctions = gsum((double)m);
    mn_mpi_kirchhoff *k;
    CK(mn_mpi_kirchhoff_new(&k, g));
    if (petsc_opts) CK(mn_mpi_kirchhoff_set_petsc_options(k, petsc_opts));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "left", NULL));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "right", NULL));
    CK(mn_mpi_kirchhoff_set_potential(k, 0, 1.0));
    double *G = malloc((m + 1) * sizeof *G);
    for (size_t e = 0; e < m; e++) G[e] = conductance(contrast, u[e], v[e]);
    /* cold */
    CK(mn_mpi_kirchhoff_set_strategy(k, MN_MPI_SETUP));
    CK(mn_mpi_kirchhoff_set_conductances(k, G));
    t0 = now();
    double cp0 = cpu_seconds();
    CK(mn_mpi_kirchhoff_solve(k));
    double cold_total = gmax(now() - t0), cold_cpu = gsum(cpu_seconds() - cp0);
    double setup_s = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_LAST_SETUP_SECONDS);
    double cold_its = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS);
    double floating = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_FLOATING);
    double I_dist = NAN;
    CK(mn_mpi_kirchhoff_electrode_current(k, 0, &I_dist));
    /* reused twice */
    double reused_its[2], reused_s[2], reused_cpu[2];
    CK(mn_mpi_kirchhoff_set_strategy(k, MN_MPI_REUSE));
    for (int r = 0; r < 2; r++) {
        drift(u, v, m, G, r);
        CK(mn_mpi_kirchhoff_set_conductances(k, G));
        t0 = now();
        cp0 = cpu_seconds();
        CK(mn_mpi_kirchhoff_solve(k));
        reused_s[r] = gmax(now() - t0);
        reused_cpu[r] = gsum(cpu_seconds() - cp0);
        reused_its[r] = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS);
    }
    /* a new setup on the last drifted matrix (structure and floating nodes known): what AUTO
     * weighs against the reused iterations */
    CK(mn_mpi_kirchhoff_set_strategy(k, MN_MPI_SETUP));
    t0 = now();
    cp0 = cpu_seconds();
    CK(mn_mpi_kirchhoff_solve(k));
    double resetup_s = gmax(now() - t0), resetup_cpu = gsum(cpu_seconds() - cp0);
    double resetup_its = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS);
    /* AUTO over 5 drift steps */
    CK(mn_mpi_kirchhoff_set_strategy(k, MN_MPI_AUTO));
    double s0 = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    double i0 = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_ITERATIONS);
    t0 = now();
    for (int r = 0; r < 5; r++) {
        drift(u, v, m, G, 2 + r);
        CK(mn_mpi_kirchhoff_set_conductances(k, G));
        CK(mn_mpi_kirchhoff_solve(k));
    }
    double auto_s = gmax(now() - t0) / 5.0;
    double auto_setups = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_SETUPS) - s0;
    double auto_its = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_ITERATIONS) - i0;
    double wall = gmax(now() - w0), cpu = gsum(cpu_seconds() - c0), rss = gmax(peak_mb());
    double unknowns = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_UNKNOWNS);
    /* a check: uniform unit conductances on the lattice hold every x-plane at one potential,
     * so G_eff = n^2 / (n - 1) (n^2 chains of n - 1 unit conductances) */
    if (lattice && !strcmp(contrast, "uniform") && rank == 0)
        printf("size=%.0e lattice3d uniform: cold electrode current %.15g, n^2/(n-1) = %.15g, "
               "rel_diff %.2g\n", target, I_dist, (double)(n3 * n3) / (double)(n3 - 1),
               fabs(I_dist - (double)(n3 * n3) / (double)(n3 - 1)) / ((double)(n3 * n3) / (double)(n3 - 1)));
    mn_mpi_kirchhoff_free(k);
    mn_mpi_graph_free(g);
    free(G);
    if (rank == 0)
        printf("size=%.0e ranks=%d network=%s contrast=%s nodes=%zu junctions=%.0f unknowns=%.0f floating=%.0f "
               "gen_s=%.3g partition_s=%.3g setup_s=%.3g cold_its=%.0f cold_solve_s=%.3g "
               "cold_total_s=%.3g cold_cpu_s=%.3g reused_its=%.0f,%.0f reused_s=%.3g,%.3g "
               "reused_cpu_s=%.3g,%.3g resetup_its=%.0f resetup_s=%.3g resetup_cpu_s=%.3g "
               "auto_setups=%.0f/5 "
               "auto_its=%.0f auto_step_s=%.3g maxrss_MB_per_rank=%.0f cpu_s=%.3g wall_s=%.3g\n",
               target, size, lattice ? "lattice3d" : "sticks", contrast, nw, junctions, unknowns, floating, t_gen, t_part, setup_s,
               cold_its, cold_total - setup_s, cold_total, cold_cpu, reused_its[0], reused_its[1],
               reused_s[0], reused_s[1], reused_cpu[0], reused_cpu[1], resetup_its, resetup_s,
               resetup_cpu, auto_setups, auto_its, auto_s, rss, cpu, wall);
    fflush(stdout);
    /* CHOLMOD on rank 0: the whole network regenerated on one process */
    if (cholmod && rank == 0) {
        peak_reset();
        double rss_before = status_mb("VmRSS:");
        mn_mpi_graph *g1;
        if (lattice) CK(bench_lattice3d(&g1, ctx, MPI_COMM_SELF, n3));
        else CK(mn_mpi_gen_sticks(&g1, ctx, MPI_COMM_SELF, nw, side, 1.0, 0.5, seed));
        size_t m1 = mn_mpi_graph_edge_count(g1), nl, nr;
        const mn_index *u1 = mn_mpi_graph_edge_u(g1), *v1 = mn_mpi_graph_edge_v(g1);
        const mn_index *L = mn_mpi_graph_node_set(g1, "left", &nl);
        const mn_index *R = mn_mpi_graph_node_set(g1, "right", &nr);
        mn_graph *sg;
        mn_kirchhoff *sk;
        CK(mn_graph_new(&sg, ctx, nw));
        for (size_t e = 0; e < m1; e++) CK(mn_graph_add_edge(sg, u1[e], v1[e], NULL));
        double *G1 = malloc((m1 + 1) * sizeof *G1);
        for (size_t e = 0; e < m1; e++) G1[e] = conductance(contrast, u1[e], v1[e]);
        CK(mn_kirchhoff_new(&sk, sg));
        CK(mn_kirchhoff_add_electrode(sk, L, nl, NULL));
        CK(mn_kirchhoff_add_electrode(sk, R, nr, NULL));
        CK(mn_kirchhoff_set_potential(sk, 0, 1.0));
        CK(mn_kirchhoff_set_strategy(sk, MN_KIRCHHOFF_REFACTOR));
        CK(mn_kirchhoff_set_conductances(sk, G1));
        t0 = now();
        double cf0 = cpu_seconds();
        CK(mn_kirchhoff_solve(sk));
        double first = now() - t0, first_cpu = cpu_seconds() - cf0;
        double I_ser = NAN;
        CK(mn_kirchhoff_electrode_current(sk, 0, &I_ser));
        drift(u1, v1, m1, G1, 0);
        CK(mn_kirchhoff_set_conductances(sk, G1));
        t0 = now();
        double cp1 = cpu_seconds();
        CK(mn_kirchhoff_solve(sk));
        double refac = now() - t0, refac_cpu = cpu_seconds() - cp1;
        printf("size=%.0e contrast=%s cholmod_first_s=%.3g cholmod_first_cpu_s=%.3g "
               "cholmod_refactor_solve_s=%.3g cholmod_refactor_solve_cpu_s=%.3g "
               "rel_diff_electrode_current=%.2g cholmod_maxrss_MB=%.0f cholmod_added_MB=%.0f\n",
               target, contrast, first, first_cpu, refac, refac_cpu,
               fabs(I_dist - I_ser) / fabs(I_ser), peak_mb(), peak_mb() - rss_before);
        fflush(stdout);
        free(G1);
        mn_kirchhoff_free(sk);
        mn_graph_free(sg);
        mn_mpi_graph_free(g1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    mn_context_free(ctx);
}

int main(int argc, char **argv)
{
    const char *sizes = "1e5", *contrasts = "uniform,6dec,bimodal";
    uint64_t seed = 7;
    int cholmod = 1, lattice = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc)
            sizes = argv[++i];
        else if (!strcmp(argv[i], "--contrasts") && i + 1 < argc)
            contrasts = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--network") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "sticks") || !strcmp(argv[i + 1], "lattice3d")))
            lattice = !strcmp(argv[++i], "lattice3d");
        else if (!strcmp(argv[i], "--no-cholmod"))
            cholmod = 0;
        else if (!strcmp(argv[i], "--petsc-options") && i + 1 < argc)
            petsc_opts = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--sizes 1e5,1e6] [--contrasts uniform,6dec,bimodal] "
                            "[--seed S] [--network sticks|lattice3d] [--no-cholmod] "
                            "[--petsc-options STR]\n", argv[0]);
            return 2;
        }
    }
    if (mn_mpi_init() != MN_OK) return 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) printf("# memnet bench-mpi, %d rank(s)\n", size);
    char sbuf[256], cbuf[256];
    snprintf(sbuf, sizeof sbuf, "%s", sizes);
    for (char *sp = NULL, *s = strtok_r(sbuf, ",", &sp); s; s = strtok_r(NULL, ",", &sp)) {
        snprintf(cbuf, sizeof cbuf, "%s", contrasts);
        for (char *cp = NULL, *c = strtok_r(cbuf, ",", &cp); c; c = strtok_r(NULL, ",", &cp))
            run(atof(s), c, seed, cholmod, lattice);
    }
    mn_mpi_finalize();
    return 0;
}
