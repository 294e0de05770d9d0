/* memnet reservoir: reservoir-computing tasks on a memristive network (docs/reservoir.md).
 * The network is generated here (nanowires with k input and k output disc electrodes) or
 * loaded with named node sets; the task's input drives the input electrodes through
 * mn_reservoir_run(); a ridge readout (mn_readout_*) is trained on the features and, as the
 * baseline, on the raw inputs.
 *
 *   cmd-reservoir.c          the command: usage, options, the task by name
 *   cmd-reservoir-rig.c      the reservoir: network, input/output electrodes, probes, driving
 *   cmd-reservoir-readout.c  readouts, raw-input baselines, the --out CSV
 *   cmd-reservoir-series.c   the time-series tasks (waveforms, Mackey-Glass, NARMA-10, memory)
 *   cmd-reservoir-digits.c   the 8x8 digits: reading the data, classification
 */
#ifndef MEMNET_CMD_RESERVOIR_H
#define MEMNET_CMD_RESERVOIR_H

#include "cli.h"

#include <stdio.h>

#define RES_PI 3.14159265358979323846
#define DIGITS_DEFAULT "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"

typedef struct opts {
    const char *task;
    long wires, n_in, n_out, n_probe;
    double density, width, height, radius;
    unsigned long long seed, mask_seed, task_seed;
    const char *network, *inputs, *outputs, *probes, *model;
    const char *sets[64];
    int nsets;
    double step, amplitude, bias;
    long substeps, delays;
    int input_currents;
    long steps, period, horizon, kmax, limit, rest, washout, folds;
    double mg_sample, train;
    const char *digits, *out;
} opts;

/* the reservoir a task runs on */
typedef struct rig {
    mn_context *ctx;
    mn_graph *g;
    mn_network *net;
    mn_reservoir *res;
    size_t n_in, n_out, n_probe;
    unsigned char *used; /* nodes already in an electrode */
    size_t shared;       /* nodes left out of a later electrode because an earlier one has them */
    mn_index *tmp;
} rig;

/* cmd-reservoir-rig.c */
double res_wall_now(void);
double res_cpu_now(void);
/* network, model, electrodes and probes; scalar: a scalar task (per-electrode input scales from
 * --mask-seed) rather than the digits. Returns 0, 1 or 2 (usage), having printed the error. */
int res_build_rig(const char *cmd, const opts *o, int scalar, rig *r);
/* frees the rig and its context (a zeroed rig: nothing) */
void res_rig_free(rig *r);
void res_print_rig(const opts *o, const rig *r);
/* run the reservoir on u (n x n_in): features (n x p), malloc'ed; prints the run times */
int res_drive(const char *cmd, rig *r, const double *u, size_t n, double **F);

/* cmd-reservoir-readout.c */
double *res_raw_features(const double *u, size_t n, size_t q, size_t D);
mn_readout *res_new_readout(const char *cmd, mn_context *ctx, long folds);
int res_regress(const char *cmd, mn_context *ctx, long folds, const double *X, size_t n, size_t p,
                const double *y, size_t w, size_t ntr, double *pred, double *nmse, double *lambda);
/* readout_cpu_seconds and readout_wall_seconds since res_cpu_now() cpu0, res_wall_now() wall0 */
void res_print_readout_times(double cpu0, double wall0);
/* --out: provenance (task, score, baseline), the line of column names, then row(f, k, data) for
 * k = 0 .. rows-1 (each returns fprintf's result); every write checked; prints out=FILE.
 * Returns 0 (also without --out) or 1, having printed the error. */
int res_write_out(const char *cmd, const opts *o, double score, double baseline, const char *columns,
                  size_t rows, int (*row)(FILE *f, size_t k, const void *data), const void *data);
/* "washout", "train" or "test" for step k */
const char *res_split_name(size_t k, size_t w, size_t ntr);

/* cmd-reservoir-series.c, cmd-reservoir-digits.c: the tasks (exit status 0, 1 or 2) */
int res_task_sine(const char *cmd, const opts *o, int doubled);
int res_task_mackey_glass(const char *cmd, const opts *o);
int res_task_narma(const char *cmd, const opts *o);
int res_task_memory(const char *cmd, const opts *o);
int res_task_digits(const char *cmd, const opts *o);

#endif
