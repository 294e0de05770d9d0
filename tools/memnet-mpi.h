/* memnet-mpi simulate: the parts of the command, shared between its files (not installed).
 *
 *   memnet-mpi.c          main (MPI and PETSc), the command's set-up order, the statistics
 *   memnet-mpi-options.c  --help text and option parsing into mpi_opts
 *   memnet-mpi-network.c  network file (edge list or native), distribution over the ranks,
 *                         model and parameters, electrodes, the distributed simulation
 *   memnet-mpi-output.c   --out (the CSV of memnet simulate), --record-edges, --events-out
 *   memnet-mpi-run.c      the run to --t-end: snapshots, checkpoints, --restart, signals
 *
 * Options mean what they mean for `memnet simulate` (tools/cmd-simulate-*.c, docs/cli.md);
 * docs/scaling.md lists those memnet-mpi lacks. Every rank parses the same command line and
 * reads the same network file, so errors found before the first collective call are the same
 * on every rank and are printed by rank 0 only.
 */
#ifndef MEMNET_MPI_CLI_H
#define MEMNET_MPI_CLI_H

#include "cli.h"

#include <memnet/mpi.h>
#include <stdint.h>

#define CMD "simulate"

/* The command line, parsed. Strings point into argv. */
typedef struct mpi_opts {
    const char *network, *model_name, *source, *drain, *spec, *out_path;
    const char *partition, *strategy, *events_out, *rec_list, *snaps, *snap_prefix;
    const char *cp_path, *restart_path, *jv;
    const char **sets; /* --set values, malloc'ed */
    size_t nsets;
    double t_end, dt_out, rtol, atol, jv_rtol, cp_every;
    long length_column;
    mn_mpi_partition part;
    mn_mpi_strategy strat;
    mn_mpi_jv_method jv_method;
} mpi_opts;

/* Everything one run owns; mpi_cmd_free releases it. */
typedef struct mpi_cmd {
    int rank, nranks;
    mn_context *ctx;
    mn_graph *full; /* the whole network, read by every rank */
    mn_model *model;
    mn_waveform *w;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    mn_mpi_sim *s;
    const char *source, *drain; /* --source/--drain, or the network's first two node sets */
    mn_index *src, *drn;
    size_t nsrc, ndrn;
    int64_t *rec; /* --record-edges (global ids = the file's edge order) */
    size_t nrec;
    double *rec_loc, *rec_all; /* their states: this rank's, summed on rank 0 */
    double *snap_t;
    size_t n_snap;
    size_t nst;       /* states per junction (one model) */
    FILE *out, *ev;   /* rank 0 */
    size_t ev_written; /* events of the log written to --events-out */
    int write_error;  /* rank 0: a write to --out or --events-out failed */
} mpi_cmd;

/* memnet-mpi-options.c: 0 (parsed), -1 (--help printed: exit 0) or the exit status of an
 * error (printed: 2 usage, 1 out of memory); o->sets malloc'ed on 0 (mpi_opts_free). */
void mpi_usage(FILE *f);
int mpi_parse(mpi_opts *o, int argc, char **argv);
void mpi_opts_free(mpi_opts *o);

/* memnet-mpi-network.c: read the network, make the model, resolve the electrodes and the
 * recorded edges (local work, the same on every rank: 0, 1 or 2 having printed the error),
 * then distribute it and create the simulation (collective: 0 or 1). */
int mpi_network_read(mpi_cmd *c, const mpi_opts *o);
int mpi_network_distribute(mpi_cmd *c, const mpi_opts *o);

/* memnet-mpi-output.c: open --out (on --restart cut back to the checkpoint) and --events-out,
 * install the sample callback. Collective: 0 or 1 (printed). */
int mpi_output_open(mpi_cmd *c, const mpi_opts *o, int argc, char **argv);
/* write the events logged since the last call to --events-out (rank 0); 0 or 1 */
int mpi_events_write(mpi_cmd *c);
/* flush --out and --events-out (before a checkpoint); collective: 0 or 1 (a write failed) */
int mpi_output_flush(mpi_cmd *c);
/* close them; collective: 0 or 1 (printed) */
int mpi_output_close(mpi_cmd *c, const mpi_opts *o);

/* memnet-mpi-run.c */
/* a collective library call failed: print its message on the ranks that have their own */
int mpi_fail(mpi_cmd *c, mn_status st);
/* the signal (SIGINT or SIGTERM) that stopped the run, 0 if none */
int mpi_interrupt_signal(void);
/* --restart: load the checkpoint, else the default initial states. Collective: 0 or 1. */
int mpi_start(mpi_cmd *c, const mpi_opts *o);
/* run to --t-end with snapshots, periodic and final checkpoints, SIGINT/SIGTERM. Collective:
 * 0 or 1 (printed); *cancelled when a signal stopped the run. */
int mpi_run_to_end(mpi_cmd *c, const mpi_opts *o, int *cancelled);

#endif
