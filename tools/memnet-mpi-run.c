/* memnet-mpi simulate: the start (default states or --restart), the run to --t-end with
 * snapshots and periodic checkpoints, the final checkpoint, SIGINT/SIGTERM (memnet-mpi.h). */
#include "memnet-mpi.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

static volatile sig_atomic_t interrupted = 0;
static void on_signal(int sig) { interrupted = sig; }

int mpi_interrupt_signal(void) { return interrupted; }

int mpi_fail(mpi_cmd *c, mn_status st)
{
    /* collective calls fail on every rank alike; a rank whose own part was fine says "another
     * rank failed with ...": the failing rank prints the message that names the cause */
    const char *msg = mn_context_last_error(c->ctx);
    if (!msg || strncmp(msg, "another rank failed", 19) != 0) cli_fail(CMD, c->ctx, st);
    return 1;
}

/* a checkpoint replaces only regular files: refuse other targets before the run (rank 0
 * checks the manifest; the library checks every file when it writes) */
static int check_target(const mpi_cmd *c, const char *prefix)
{
    char path[4096];
    struct stat sb;
    int bad = 0, any = 0;
    if (c->rank == 0 && snprintf(path, sizeof path, "%s.manifest", prefix) < (int)sizeof path &&
        lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        bad = cli_error(CMD, "--checkpoint \"%s\": %s exists and is not a regular file (a "
                             "checkpoint replaces only a regular file)", prefix, path);
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

int mpi_start(mpi_cmd *c, const mpi_opts *o)
{
    mn_status st;
    if (o->cp_path && check_target(c, o->cp_path)) return 1;
    st = o->restart_path ? mn_mpi_sim_checkpoint_load(c->s, o->restart_path)
                         : mn_mpi_sim_init_default(c->s, 0.0);
    if (st) return mpi_fail(c, st);
    if (!(o->t_end > mn_mpi_sim_time(c->s))) {
        if (c->rank == 0)
            cli_error(CMD, "--t-end: %g must be after the start time %g", o->t_end,
                      mn_mpi_sim_time(c->s));
        return 2;
    }
    return 0;
}

/* 0, or 1 having printed the error (collective) */
static int save_checkpoint(mpi_cmd *c, const mpi_opts *o)
{
    /* the rows and events up to the checkpoint are on disk before it exists, so a restart
     * after SIGKILL finds them (--restart cuts the rest) */
    if (mpi_output_flush(c)) {
        if (c->rank == 0)
            cli_error(CMD, "a write to --out (\"%s\") or --events-out failed", o->out_path);
        return 1;
    }
    mn_status st = mn_mpi_sim_checkpoint_save(c->s, o->cp_path);
    return st ? mpi_fail(c, st) : 0;
}

int mpi_run_to_end(mpi_cmd *c, const mpi_opts *o, int *cancelled)
{
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    mn_status st = MN_OK;
    size_t snap = 0;
    /* snapshots before the start (a restart) belong to the run that saved the checkpoint */
    while (snap < c->n_snap && c->snap_t[snap] < mn_mpi_sim_time(c->s)) snap++;
    while (st == MN_OK && mn_mpi_sim_time(c->s) < o->t_end) {
        double now = mn_mpi_sim_time(c->s), stop = o->t_end;
        int at_cp = 0, at_snap = 0;
        if (o->cp_every > 0) {
            double next = (floor(now / o->cp_every + 1e-9) + 1) * o->cp_every;
            if (next < stop) stop = next, at_cp = 1;
        }
        if (snap < c->n_snap && c->snap_t[snap] <= stop) {
            at_cp = at_cp && c->snap_t[snap] == stop;
            stop = c->snap_t[snap];
            at_snap = 1;
        }
        if (stop > now) st = mn_mpi_sim_run(c->s, stop);
        if (st == MN_OK && at_snap) {
            char prefix[4096];
            if (snprintf(prefix, sizeof prefix, "%s%zu", o->snap_prefix, snap) >= (int)sizeof prefix)
                st = MN_ERR_INVALID;
            else
                st = mn_mpi_sim_snapshot_save(c->s, prefix);
            snap++;
        }
        if (st == MN_OK && at_cp && stop < o->t_end && save_checkpoint(c, o)) {
            sigaction(SIGINT, &old_int, NULL);
            sigaction(SIGTERM, &old_term, NULL);
            return 1;
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    /* the ranks agree on the signal: a signal reaching one rank stops them all (the sample
     * callback's result is reduced), and each reports it */
    int sig = interrupted, any = 0;
    MPI_Allreduce(&sig, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    interrupted = any;
    *cancelled = st == MN_ERR_CANCELLED && any;
    if (st != MN_OK && !*cancelled) {
        int werr = c->write_error, anyw = 0;
        MPI_Allreduce(&werr, &anyw, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (anyw) {
            if (c->rank == 0)
                cli_error(CMD, "a write to --out (\"%s\") or --events-out failed", o->out_path);
            return 1;
        }
        return mpi_fail(c, st);
    }
    return o->cp_path ? save_checkpoint(c, o) : 0;
}
