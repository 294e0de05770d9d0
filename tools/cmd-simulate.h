/* memnet simulate: the parts of the command, shared between its files (not installed).
 *
 *   cmd-simulate.c            the command: set-up order, the run, the statistics it prints
 *   cmd-simulate-options.c    --help text and option parsing into simulate_opts
 *   cmd-simulate-network.c    network file, model or mix, parameters, initial states
 *   cmd-simulate-electrodes.c electrodes and their waveforms
 *   cmd-simulate-output.c     what is recorded, CSV header and columns, the sample callback
 *   cmd-simulate-run.c        solver settings, Ctrl-C and progress, checkpoints and restart
 *   cmd-simulate-events.c     --events-out: the event log, kept up to the checkpoint on restart
 *
 * The command keeps no state between calls: everything lives in a simulate_cmd on the stack of
 * mn_cli_simulate, so it can run several times in one process (memnet sweep does).
 */
#ifndef MEMNET_CMD_SIMULATE_H
#define MEMNET_CMD_SIMULATE_H

#include "cli.h"

#include <time.h>

#define CMD "simulate"

/* --mix NAME:FRACTION,...: the models of a mixed network (003 sec. 2.1, A:B / A:C) */
#define MIX_MAX 8
typedef struct mix_spec {
    size_t k;
    char names[MIX_MAX][32];
    double fractions[MIX_MAX];
    mn_model *models[MIX_MAX];
} mix_spec;

/* The command line, parsed. Strings point into argv. */
typedef struct simulate_opts {
    const char *mix_text;
    unsigned long long mix_seed;
    const char *network, *model_name, *source, *drain, *spec;
    const char *out_path, *init, *integ, *events_out, *newton_name;
    const char *cp_path, *restart_path, *rec_list, *snaps;
    const char *snap_prefix;
    int snap_prefix_set;   /* --snapshot-prefix given (with HDF5 output: files as well) */
    int hdf5;              /* --out is HDF5 (--format hdf5, or the name ends in .h5/.hdf5) */
    const char *format;    /* --format csv|hdf5 (NULL: by the --out name) */
    const char *record;    /* --record LIST: per-edge/per-node arrays in the HDF5 file */
    long long flush_every; /* --flush-every N: HDF5 samples per flush */
    double t_end, dt_out, rtol, atol, dt, hmax, cp_every;
    long length_column;
    long max_steps; /* --max-steps (0: the library's default) */
    unsigned long long seed;
    unsigned long long threads; /* --threads: BLAS threads (0 = automatic) */
    int quiet, current_mode, energy;
    mn_sim_integrator integrator;
    mn_sim_newton newton;
    int newton_set; /* --newton given: set on the simulation, so a --restart keeps it instead of
                       the checkpoint's (docs/simulation.md, "Checkpoints") */
    const char **sets; /* --set values, malloc'ed array */
    size_t nsets;
    const char **electrodes, **probes; /* --electrode, --probe values, malloc'ed arrays */
    size_t nelectrodes, nprobes;
} simulate_opts;

/* One electrode of --electrode (or of --source/--drain when they come with --electrode). */
typedef struct simulate_electrode {
    char name[64];    /* column suffix: the electrode's name, or its index */
    mn_index *nodes;
    size_t n;
    int kind;         /* 0 voltage waveform, 1 current waveform, 2 ground, 3 float */
    mn_waveform *w;
    double *iv;       /* floating intervals (pairs) */
    size_t niv;
    size_t id;        /* electrode id in the simulation */
} simulate_electrode;

/* a --probe: the mean potential of its nodes */
typedef struct simulate_probe {
    char name[64];
    mn_index *nodes;
    size_t n;
} simulate_probe;

/* What the sample callback needs. */
typedef struct simulate_run {
    FILE *out;
    size_t src_id;
    int current_mode;
    const mn_index *src_nodes;
    size_t n_src;
    size_t n_state_cols;
    const mn_index *rec;
    size_t n_rec;
    const size_t *off;
    int energy;
    int progress;
    double t_start;
    struct timespec last_draw;
    int write_error;
    const mn_network *mix_net; /* --mix: per-model means mean_<model>_<state> */
    double *mix_sum;           /* per-column sums */
    size_t *mix_base;          /* first column of each model, then each model's edge count */
    const simulate_electrode *els; /* --electrode mode: V_<name>,I_<name> per electrode */
    size_t nels;
    const simulate_probe *probes;
    size_t nprobes;
} simulate_run;

/* Everything one run of the command owns; simulate_cmd_free releases it. */
typedef struct simulate_cmd {
    mn_context *ctx;
    mn_graph *g;
    mix_spec mix;
    mn_model *model;
    mn_network *net;
    mn_sim *sim;
    mn_waveform *w;
    mn_index *src, *drn, *rec;
    size_t nsrc, ndrn, nrec;
    double *init_vals, *snap_t;
    size_t n_init, n_snap;
    FILE *out;
    mn_h5_recorder *h5;      /* --out FILE.h5 (cmd-simulate-h5.c), else NULL */
    FILE *ev;                /* --events-out */
    int ev_write_error;
    simulate_electrode *els; /* --electrode mode (NULL: the --source/--drain form) */
    size_t nels;
    simulate_probe *probes;
    size_t nprobes;
    const char *source, *drain; /* --source/--drain, or the network's first two node sets */
    simulate_run r;
} simulate_cmd;

/* cmd-simulate-options.c. Returns 0 (parsed; --mix parsed into *mix), -1 (--help printed: exit
 * 0) or the exit status of an error (printed: 2 usage, 1 out of memory). o->sets is malloc'ed
 * on 0 (simulate_opts_free). */
void simulate_usage(FILE *f);
int simulate_parse(simulate_opts *o, mix_spec *mix, int argc, char **argv);
void simulate_opts_free(simulate_opts *o);
/* --snapshots T1,T2,...: *out malloc'ed */
int simulate_parse_times(const char *text, double **out, size_t *n);

/* cmd-simulate-network.c: read the network file, make the model(s), apply --set, assign them and
 * create the simulation (c->g, c->mix, c->model, c->net, c->sim). Returns 0 or 1 (printed). */
int simulate_network_setup(simulate_cmd *c, const simulate_opts *o);
/* --init: initial states. Returns 0 or 1 (printed). */
int simulate_initial_states(simulate_cmd *c, const simulate_opts *o);

/* cmd-simulate-electrodes.c: resolve the electrodes and probes, parse the waveforms, add them
 * to the simulation. Returns 0, 1 (run error) or 2 (usage error: a node argument that does not
 * fit, overlapping electrodes, a bad --electrode value; the message names it). */
int simulate_electrodes_setup(simulate_cmd *c, const simulate_opts *o);
void simulate_electrodes_free(simulate_cmd *c);

/* cmd-simulate-output.c: open --out, write the provenance header and the column names (unless
 * restarting), set up and install the sample callback. Returns 0 or 1 (printed). */
int simulate_output_open(simulate_cmd *c, const simulate_opts *o, int argc, char **argv);

/* The provenance (key=value lines, malloc'ed) that heads the CSV and becomes the HDF5 file's
 * attributes. NULL when out of memory. */
char *simulate_provenance(simulate_cmd *c, const simulate_opts *o, int argc, char **argv);

/* cmd-simulate-h5.c: --out FILE.h5: open the recorder (appending on --restart, after checking
 * that the file holds the checkpoint's samples), the provenance as attributes, what --record
 * selects; install the CLI's own sample callback for the CSV's V,I,G and probe columns.
 * Returns 0 or 1 (printed). */
int simulate_h5_open(simulate_cmd *c, const simulate_opts *o, int argc, char **argv);
/* Write the samples so far to --out (CSV: fflush; HDF5: mn_h5_recorder_flush). 0 or -1. */
int simulate_output_flush(simulate_cmd *c);
/* Close --out, reporting a failed write. Returns 0 or 1 (printed). */
int simulate_output_close(simulate_cmd *c, const simulate_opts *o);

/* --record-edges, --snapshots, --events-out and the sample interval. Returns 0 or 1 (printed). */
int simulate_recording_setup(simulate_cmd *c, const simulate_opts *o);

/* cmd-simulate-events.c: open --events-out (after the checkpoint is loaded: on --restart the
 * events up to its time are kept, the rest cut, a count that differs from the checkpoint's is
 * refused) and install the event callback that writes it. Returns 0 or 1 (printed). */
int simulate_events_open(simulate_cmd *c, const simulate_opts *o);
/* flush the event log before a checkpoint is written; nonzero: the write failed */
int simulate_events_flush(simulate_cmd *c);
/* close the event log; a failed write (full disk) is reported. Returns 0 or 1 (printed). */
int simulate_events_close(simulate_cmd *c, const simulate_opts *o);

/* cmd-simulate-run.c */
/* Integrator, tolerances, steps, energy tracking. Returns 0 or 1 (printed). */
int simulate_solver_setup(simulate_cmd *c, const simulate_opts *o);
/* --restart: load the checkpoint. Returns 0 or 1 (printed). */
int simulate_restart(simulate_cmd *c, const simulate_opts *o);
/* the signal (SIGINT or SIGTERM) that stopped the last run, 0 if none */
int simulate_interrupt_signal(void);
/* The progress callback (stops the run after Ctrl-C; draws the bar when enabled). */
int simulate_progress_cb(double t, double t_end, void *user);
/* Run to --t-end with Ctrl-C handled (the flag is cleared first) and periodic checkpoints, then
 * save the final checkpoint. Returns 0 or 1 (printed); *cancelled is set when Ctrl-C stopped
 * the run; *t0, *t1 bracket the integration (CLOCK_MONOTONIC). */
int simulate_run_to_end(simulate_cmd *c, const simulate_opts *o, int *cancelled, struct timespec *t0,
                        struct timespec *t1);

#endif
