/* memnet sweep: parameter sweeps and ensembles run by the launchers people already use (Slurm
 * arrays, srun, mpirun, GNU parallel, process pools), with no MPI linkage (docs/cli.md).
 *
 *   cmd-sweep.c           the command: plan | run | status | collect, --help
 *   cmd-sweep-manifest.c  the manifest file (one row per task), option hash, escaping
 *   cmd-sweep-plan.c      memnet sweep plan: base run file x --vary lists -> manifest
 *   cmd-sweep-lock.c      exclusive per-task lock files, stale-lock recovery
 *   cmd-sweep-task.c      one task in-process: temporary directory, the command, status.json,
 *                         atomic rename to runs/<id>/; a killed simulate task resumes from the
 *                         checkpoint in its partial directory
 *   cmd-sweep-run.c       memnet sweep run: which tasks (--task/--chunk, --worker, --all),
 *                         --jobs worker processes, one BLAS/OpenMP thread per task
 *   cmd-sweep-report.c    memnet sweep status and collect
 *
 * Layout of a sweep directory D:
 *   D/sweep.json     description: memnet version, command, base run file, varied options
 *   D/manifest.tsv   header line, then per task: id, hash, the varied values, the arguments
 *   D/runs/<id>/     a finished task: its outputs, result.json (the command's results),
 *                    stderr.txt, status.json (status, hash, host, pid, times, last error)
 *   D/runs/<id>.lock            held while a worker runs the task (host pid time)
 *   D/runs/<id>.tmp-<host>-<pid>/  the task while it runs
 */
#ifndef MEMNET_CMD_SWEEP_H
#define MEMNET_CMD_SWEEP_H

#include "cli.h"

#include <stdint.h>

#define SWEEP_CMD "sweep"

/* one task of the manifest */
typedef struct sweep_task {
    long id;
    char hash[17];   /* 16 hex digits */
    char **values;   /* the varied values (n_vary), display form */
    int argc;        /* the command's arguments: argv[0] is the command name */
    char **argv;
} sweep_task;

typedef struct sweep_manifest {
    size_t n_vary;
    char **labels;   /* column names of the varied values */
    size_t n_tasks;
    sweep_task *tasks;
} sweep_manifest;

/* cmd-sweep-manifest.c */
/* 64-bit FNV-1a of the arguments (each followed by a NUL), as 16 hex digits. */
void sweep_hash(char out[17], int argc, char *const *argv);
/* Write a field with \t, \n, \r and \\ escaped. Returns 0 or EOF. */
int sweep_write_field(FILE *f, const char *s);
/* Read D/manifest.tsv. Returns 0, or 1 with an error printed. */
int sweep_manifest_read(sweep_manifest *m, const char *dir);
void sweep_manifest_free(sweep_manifest *m);
/* The task with this id, or NULL. */
const sweep_task *sweep_manifest_find(const sweep_manifest *m, long id);
/* malloc'ed "D/runs/<id><suffix>" */
char *sweep_path(const char *dir, long id, const char *suffix);
/* This machine's host name (for lock files and temporary directories). */
const char *sweep_host(void);
/* The value of the last option opt ("--name V" or "--name=V") of a task, or NULL. */
const char *sweep_task_option(const sweep_task *t, const char *opt);
/* The value of the last --out option of a task (its main CSV), or NULL. */
const char *sweep_task_out(const sweep_task *t);
/* Whether an option names an output file (written into the task's directory). */
int sweep_is_output_option(const char *opt);

/* cmd-sweep-lock.c */
typedef struct sweep_lock_opts {
    double stale_after; /* seconds; a lock older than this is stale (0: only dead pids on this host) */
} sweep_lock_opts;
/* Take the lock of task id: 1 taken, 0 held by a live worker, -1 error (printed). Stale locks
 * (a dead pid on this host, or older than stale_after) are broken. */
int sweep_lock_take(const char *dir, long id, const sweep_lock_opts *lo);
void sweep_lock_release(const char *dir, long id);
/* 1 when a live (not stale) worker holds the lock of task id. */
int sweep_lock_held(const char *dir, long id, const sweep_lock_opts *lo);

/* cmd-sweep-task.c */
typedef enum sweep_state { SWEEP_PENDING = 0, SWEEP_DONE = 1, SWEEP_FAILED = 2 } sweep_state;
/* State of a task from runs/<id>/status.json: done (status 0, hash matching), failed (another
 * status; *err gets its last error line, malloc'ed, if err != NULL) or pending. */
sweep_state sweep_task_state(const char *dir, const sweep_task *t, char **err);
/* Run one task in this process (the caller holds its lock). A partial directory a killed worker
 * left is removed, except that of a simulate task with --checkpoint whose checkpoint exists:
 * the task continues there with --restart (docs/cli.md, "run"). Returns the
 * command's exit status, or -1 when the sweep machinery itself failed (printed). */
int sweep_task_run(const char *dir, const sweep_task *t);
/* Find a command of this program by name (NULL if unknown); defined by memnet.c. */
int (*cli_find_command(const char *name))(int, char **);

/* the subcommands */
int sweep_plan(int argc, char **argv);
int sweep_run(int argc, char **argv);
int sweep_status(int argc, char **argv);
int sweep_collect(int argc, char **argv);

#endif
