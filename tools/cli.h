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
    X(analyze, "events, inter-event intervals, power-law fits and autocorrelation")

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

/* Option matching: "--name VALUE" or "--name=VALUE". Returns the value (advancing *i) or NULL. */
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

/* Whether stderr is a terminal (progress bars are drawn only then). */
int cli_stderr_is_tty(void);

#endif
