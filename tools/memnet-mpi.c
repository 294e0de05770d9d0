/*
 * memnet-mpi: the distributed counterpart of `memnet simulate` (libmemnet-mpi).
 *
 *   mpirun -n N memnet-mpi simulate --network FILE --model NAME --source NODES --drain NODES
 *       --waveform SPEC --t-end T --dt-out DT --out FILE.csv [options]
 *
 * The options are those of `memnet simulate` with the same meaning (memnet-mpi-options.c lists
 * them; one model for every junction, a voltage source and a grounded drain), plus the
 * distributed solver's. Every rank reads the network file and adds its block of edges; rank 0
 * writes the CSV and prints the statistics. The parts of the command live in memnet-mpi-*.c
 * (memnet-mpi.h lists them). docs/scaling.md.
 */
#include "memnet-mpi.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int rank, nranks;

static int usage(void)
{
    if (rank == 0) {
        fprintf(stderr, "usage: mpirun -n N memnet-mpi simulate [options]   (--help lists them)\n");
    }
    return 2;
}

/* Ranks other than 0 do the local work of the set-up (parsing, reading the network) with
 * stdout and stderr silenced: it is the same on every rank, and so are its messages. */
static int quiet_fd[2] = {-1, -1};
static void quiet_begin(void)
{
    if (rank == 0) return;
    int null = open("/dev/null", O_WRONLY);
    if (null < 0) return;
    fflush(stdout);
    fflush(stderr);
    quiet_fd[0] = dup(STDOUT_FILENO);
    quiet_fd[1] = dup(STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
}
static void quiet_end(void)
{
    if (quiet_fd[0] < 0) return;
    fflush(stdout);
    fflush(stderr);
    dup2(quiet_fd[0], STDOUT_FILENO);
    dup2(quiet_fd[1], STDERR_FILENO);
    close(quiet_fd[0]);
    close(quiet_fd[1]);
    quiet_fd[0] = quiet_fd[1] = -1;
}

static void cmd_free(mpi_cmd *c)
{
    if (c->out) fclose(c->out);
    if (c->ev) fclose(c->ev);
    mn_mpi_sim_free(c->s);
    mn_mpi_kirchhoff_free(c->k);
    mn_mpi_graph_free(c->g);
    mn_waveform_free(c->w);
    mn_model_free(c->model);
    mn_graph_free(c->full);
    mn_context_free(c->ctx);
    free(c->src), free(c->drn), free(c->rec), free(c->rec_loc), free(c->rec_all), free(c->snap_t);
}

/* the run statistics on stdout (rank 0; the same values on every rank) */
static void report(const mpi_cmd *c, const mpi_opts *o, int cancelled, double wall)
{
    const mn_mpi_sim *s = c->s;
    cli_print_version_kv(stdout);
    cli_out_str("status", "%s", cancelled ? "interrupted" : "complete");
    cli_out("t_reached=%.17g\n", mn_mpi_sim_time(s));
    cli_out("ranks=%d\n", c->nranks);
    cli_out("wall_seconds=%.6g\n", wall);
    static const struct { const char *key; mn_mpi_sim_stat which; } sim[] = {
        {"steps", MN_MPI_SIM_STAT_STEPS}, {"rhs_evals", MN_MPI_SIM_STAT_RHS},
        {"jv_evals", MN_MPI_SIM_STAT_JV}, {"linear_iters", MN_MPI_SIM_STAT_LINEAR_ITERATIONS},
        {"root_evals", MN_MPI_SIM_STAT_ROOT_EVALS}, {"events", MN_MPI_SIM_STAT_EVENTS}};
    for (size_t k = 0; k < sizeof sim / sizeof sim[0]; k++)
        cli_out("%s=%.0f\n", sim[k].key, mn_mpi_sim_stat_get(s, sim[k].which));
    cli_out("kirchhoff_solves=%.0f\n", mn_mpi_kirchhoff_stat_get(c->k, MN_MPI_KIRCHHOFF_STAT_SOLVES));
    cli_out("amg_setups=%.0f\n", mn_mpi_kirchhoff_stat_get(c->k, MN_MPI_KIRCHHOFF_STAT_SETUPS));
    cli_out("cg_iterations=%.0f\n", mn_mpi_kirchhoff_stat_get(c->k, MN_MPI_KIRCHHOFF_STAT_ITERATIONS));
    cli_out_str("out", "%s", o->out_path);
}

static int simulate(int argc, char **argv)
{
    mpi_opts o;
    mpi_cmd c;
    memset(&c, 0, sizeof c);
    c.rank = rank;
    c.nranks = nranks;
    quiet_begin();
    int rc = mpi_parse(&o, argc, argv);
    if (rc) {
        quiet_end();
        return rc < 0 ? 0 : rc;
    }
    mn_status st;
    if ((st = cli_context_new(&c.ctx)) != MN_OK)
        rc = cli_error(CMD, "cannot create a context: %s", mn_status_str(st));
    else
        rc = mpi_network_read(&c, &o);
    quiet_end();
    /* the same on every rank; agree all the same (a file that changed while read) */
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (all) {
        rc = all;
        goto done;
    }
    rc = 1;
    if (mpi_network_distribute(&c, &o)) goto done;
    int src = mpi_start(&c, &o);
    if (src) {
        rc = src;
        goto done;
    }
    if (mpi_output_open(&c, &o, argc, argv)) goto done;
    struct timespec t0, t1;
    int cancelled = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int runrc = mpi_run_to_end(&c, &o, &cancelled);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int closerc = mpi_output_close(&c, &o);
    if (runrc || closerc) goto done;
    if (rank == 0) {
        report(&c, &o, cancelled,
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error(CMD, "write error on standard output");
            goto done;
        }
    }
    if (cancelled) {
        int sig = mpi_interrupt_signal();
        if (rank == 0)
            fprintf(stderr, "memnet-mpi simulate: interrupted by %s at t = %g; %s keeps the samples "
                            "so far%s\n", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                    mn_mpi_sim_time(c.s), o.out_path,
                    o.cp_path ? ", the checkpoint was written" : "");
        rc = 128 + (sig ? sig : SIGINT);
    } else {
        rc = 0;
    }
done:
    cmd_free(&c);
    mpi_opts_free(&o);
    return rc;
}

int main(int argc, char **argv)
{
    if (cli_pin_c_locale()) {
        fprintf(stderr, "memnet-mpi: cannot create the C locale\n");
        return 1;
    }
    if (mn_mpi_init() != MN_OK) {
        fprintf(stderr, "memnet-mpi: MPI or PETSc failed to start\n");
        return 1;
    }
    /* one BLAS thread per rank: OpenBLAS's idle workers would spin ~0.1 s on every rank
     * (include/memnet/core.h; a BLAS other than OpenBLAS is left alone) */
    (void)mn_blas_stop_workers();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    cli_set_invocation(argc, argv);
    int rc;
    if (argc >= 2 && !strcmp(argv[1], "simulate")) rc = simulate(argc, argv);
    else if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        if (rank == 0) mpi_usage(stdout);
        rc = 0;
    } else rc = usage();
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    mn_mpi_finalize();
    return all;
}
