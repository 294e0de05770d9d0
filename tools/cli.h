/* Shared helpers of the memnet command-line program (not part of the library). */
#ifndef MEMNET_CLI_H
#define MEMNET_CLI_H

#include <memnet/memnet.h>
#include <stdio.h>

/* Every subcommand: returns the process exit status (0 ok, 1 error, 2 usage). */
#define MN_CLI_COMMANDS(X)                                                                     \
    X(info, "show version, build and dependency information")                                 \
    X(models, "list memristor models with their parameters, units and defaults")             \
    X(generate, "generate a network (nanowire, nanoparticle, lattice, cb)")                   \
    X(solve, "solve Kirchhoff's equations once and print G_eff")                               \
    X(simulate, "simulate the time evolution of a network under applied waveforms")           \
    X(meanfield, "projector quantities and the mean-field effective conductance")             \
    X(cb, "the Caravelli-Barucca circuit: S_c, mean field and simulation")                    \
    X(fit, "fit an effective one-junction model to a measured G(t)")                          \
    X(potential, "effective potential V(<g>) and its equilibria")                             \
    X(analyze, "events, inter-event intervals, power-law fits and autocorrelation")          \
    X(sweep, "parameter sweeps and ensembles: plan, run (Slurm, mpirun, ...), status, collect") \
    X(export, "write a network as an ngspice netlist (resistors or behavioural junctions)") \
    X(reservoir, "reservoir-computing tasks with a trained linear readout and a baseline")

#define MN_CLI_DECLARE(name, help) int mn_cli_##name(int argc, char **argv);
MN_CLI_COMMANDS(MN_CLI_DECLARE)
#undef MN_CLI_DECLARE

/* Print "memnet <cmd>: <message>" to stderr; returns 1. */
int cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Print the context's last error with the status name; returns 1. */
int cli_fail(const char *cmd, mn_context *ctx, mn_status st);

/* Parse helpers: return 0 on success, print an error naming the option and return 1. */
int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out);
int cli_parse_long(const char *cmd, const char *opt, const char *text, long *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text, unsigned long long *out);
/* "3,5,7" or "3-7" ranges; *out malloc'ed, caller frees */
int cli_parse_nodes(const char *cmd, const char *opt, const char *text, mn_index **out, size_t *n);

/* Option matching: "--name VALUE" or "--name=VALUE". Returns the value (advancing *i) or NULL
 * (another option). "--name" as the last argument is a usage error: message, exit status 2. */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name);
/* Exact flag "--name". */
int cli_flag(const char *arg, const char *name);

/* Print the standard provenance header (version) as key=value. */
void cli_print_version_kv(FILE *f);

/*
 * Run description files: `--config FILE` anywhere on a command line is replaced by the
 * options the file lists (docs/cli.md): one `key = value` per line meaning `--key value`,
 * `key =` alone meaning the flag `--key`, `#` comments. Options given on the command line
 * after --config override the file's (every command takes the last value of an option).
 * On success *out_argv is a new malloc'ed array (free with cli_free_args); returns 0, or
 * prints an error naming the file and line and returns 1.
 */
int cli_expand_config(int argc, char **argv, int *out_argc, char ***out_argv);
void cli_free_args(int argc, char **argv);

/*
 * A network model by name (mn_model_new): 0, 2 for an unknown name (a usage error in every
 * command, docs/cli.md) or 1 for any other failure, having printed the error.
 */
int cli_model_new(const char *cmd, mn_context *ctx, const char *name, mn_model **out);

/*
 * An effective one-junction model by name with `--set NAME=VALUE` assignments applied
 * (fit, potential). Returns 0, 1 (the library refused a value) or 2 (usage error), having
 * printed the error; *out is NULL unless 0 is returned.
 */
int cli_meanfield_model(const char *cmd, mn_context *ctx, const char *name, const char *const *sets,
                        int nsets, mn_meanfield_model **out);

/* Whether stderr is a terminal (progress bars are drawn only then). */
int cli_stderr_is_tty(void);

/* Blocks of 2 MiB and more (CHOLMOD's and those of cli_context_new's contexts) populated when
 * allocated (cli-populate.c): called first in main; 0 when MEMNET_NO_POPULATE turned it off,
 * else 1 */
int cli_populate_install(void);

/* cli-locale.c: pin the calling thread to the "C" locale (numbers with '.', whatever the
 * environment or a library's setlocale). Called first in main. Returns 0 or -1. */
int cli_pin_c_locale(void);

#endif

/* ------------------------------------------------------------------ exit codes, invocation */

#define CLI_EXIT_OK 0
#define CLI_EXIT_RUN 1
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_INTERRUPTED 130

/* Print "memnet <cmd>: <message>" to stderr; returns 2 (a usage error). */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The command line being run (after --config expansion; argv[0] is the command name). Set by
 * the dispatcher; read by cli_write_provenance. */
void cli_set_invocation(int argc, char **argv);

/*
 * Write the provenance header of an output file as `# key=value` comment lines:
 * memnet_version, command (the full command line, config files expanded), then the lines of
 * `fmt` (printf-style "key=value\n..." text: seed, parameters, ...; NULL for none), each
 * prefixed with "# ". CSV readers of memnet outputs skip lines that start with '#'.
 */
void cli_write_provenance(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ------------------------------------------------------------------ key=value / JSON results */

/*
 * Results on stdout. In the default mode cli_out() prints exactly what printf would (lines
 * "key=value"). With --json (handled by the dispatcher for every command) the same lines are
 * collected into one JSON object printed on stdout: a value that is a number becomes a JSON
 * number (nan/inf become null), a comma-separated list of numbers becomes an array, anything
 * else a string. cli_out_str forces a string (file names, user text); cli_out_list forces an
 * array (comma-separated names). cli_out_finish closes the object (the dispatcher calls it).
 */
void cli_set_json(int on);
int cli_json(void);
void cli_out(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void cli_out_str(const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void cli_out_list(const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void cli_out_finish(void);

/* ------------------------------------------------------------------ node sets */

/*
 * Resolve a node-set argument the same way in every command: TEXT is a node-set name of the
 * network (native files carry named sets, e.g. "left", "right", "ground") or a node list
 * ("0,4,7", "10-20"); a name wins over a list. Every id is checked against the node count.
 * *out malloc'ed (caller frees). Returns 0, or prints an error naming OPT and TEXT and
 * returns 1.
 */
int cli_resolve_nodes(const char *cmd, const char *opt, const char *text, const mn_graph *g,
                      mn_index **out, size_t *n);

/* ------------------------------------------------------------------ progress, Ctrl-C */

/*
 * Ctrl-C: cli_sigint_install() installs a SIGINT handler that sets a flag (read with
 * cli_interrupted()); a second Ctrl-C terminates at once. With hard != 0 the first Ctrl-C
 * also ends the process ("interrupted" on stderr, a --json object closed, exit 130): for
 * library calls that offer no cancellation; print nothing between install and restore. cli_sigint_restore() puts the
 * previous handler back.
 */
void cli_sigint_install(int hard);
void cli_sigint_restore(void);
int cli_interrupted(void);

/* A one-line progress bar on stderr, drawn only when stderr is a terminal and enabled. */
void cli_progress_enable(int on);
void cli_progress(const char *label, double fraction);
void cli_progress_done(void);

/* ------------------------------------------------------------------ contexts and threads */

/*
 * The thread setting every command gives the contexts it creates (mn_context_set_threads):
 * 0 (automatic) unless a caller in this process changed it; `memnet sweep run` sets it to
 * its --threads value (default 1) before it runs its tasks in-process, so each task's
 * factorisations, solves and readouts use that many BLAS threads without environment
 * variables or a restart. A command's own --threads option overrides it.
 */
void cli_set_default_threads(size_t n);
size_t cli_default_threads(void);
/* the allocator of the contexts cli_context_new makes from now on (NULL: the C library's) */
void cli_set_allocator(const mn_allocator *a);
/* mn_context_new() with the default thread setting (and cli_set_allocator's allocator) applied. */
mn_status cli_context_new(mn_context **out);

/* ------------------------------------------------------------------ restart (cli-restart.c) */

/*
 * --restart: cut an output opened for update ("r+") back to the checkpoint at t_cp, so that it
 * equals what an uninterrupted run writes. Samples: keep the comment lines, the column names and
 * the rows with t <= t_cp (samples at k dt_out), drop later rows and a row cut mid-way; refuse
 * when the last sample at or before t_cp is missing. Events (`t,edge,kind`): keep the rows with
 * t <= t_cp; refuse when there are not exactly n_cp of them. Returns 0, or prints an error
 * naming the file and returns 1. The file is left positioned at its end.
 */
int cli_restart_cut_samples(const char *cmd, FILE *f, const char *path, double t_cp, double dt_out);
int cli_restart_cut_events(const char *cmd, FILE *f, const char *path, double t_cp,
                           unsigned long long n_cp);
