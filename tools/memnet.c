/* memnet: the command-line program. Dispatches to the subcommands in cmd-*.c. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
    const char *name;
    const char *help;
    int (*fn)(int, char **);
} command;

#define MN_CLI_ENTRY(name, help) { #name, help, MN_CLI_FN_##name },

/* Subcommands not built into this program map to NULL. */
#ifdef MN_CLI_HAVE_INFO
#define MN_CLI_FN_info mn_cli_info
#else
#define MN_CLI_FN_info NULL
#endif
#ifdef MN_CLI_HAVE_MODELS
#define MN_CLI_FN_models mn_cli_models
#else
#define MN_CLI_FN_models NULL
#endif
#ifdef MN_CLI_HAVE_GENERATE
#define MN_CLI_FN_generate mn_cli_generate
#else
#define MN_CLI_FN_generate NULL
#endif
#ifdef MN_CLI_HAVE_SOLVE
#define MN_CLI_FN_solve mn_cli_solve
#else
#define MN_CLI_FN_solve NULL
#endif
#ifdef MN_CLI_HAVE_SIMULATE
#define MN_CLI_FN_simulate mn_cli_simulate
#else
#define MN_CLI_FN_simulate NULL
#endif
#ifdef MN_CLI_HAVE_MEANFIELD
#define MN_CLI_FN_meanfield mn_cli_meanfield
#else
#define MN_CLI_FN_meanfield NULL
#endif
#ifdef MN_CLI_HAVE_CB
#define MN_CLI_FN_cb mn_cli_cb
#else
#define MN_CLI_FN_cb NULL
#endif
#ifdef MN_CLI_HAVE_FIT
#define MN_CLI_FN_fit mn_cli_fit
#else
#define MN_CLI_FN_fit NULL
#endif
#ifdef MN_CLI_HAVE_POTENTIAL
#define MN_CLI_FN_potential mn_cli_potential
#else
#define MN_CLI_FN_potential NULL
#endif
#ifdef MN_CLI_HAVE_ANALYZE
#define MN_CLI_FN_analyze mn_cli_analyze
#else
#define MN_CLI_FN_analyze NULL
#endif
#ifdef MN_CLI_HAVE_EXPORT
#define MN_CLI_FN_export mn_cli_export
#else
#define MN_CLI_FN_export NULL
#endif
#ifdef MN_CLI_HAVE_RESERVOIR
#define MN_CLI_FN_reservoir mn_cli_reservoir
#else
#define MN_CLI_FN_reservoir NULL
#endif

#ifdef MN_CLI_HAVE_SWEEP
#define MN_CLI_FN_sweep mn_cli_sweep
#else
#define MN_CLI_FN_sweep NULL
#endif

static const command commands[] = { MN_CLI_COMMANDS(MN_CLI_ENTRY) };

/* a command by name, for memnet sweep, which runs commands in-process (NULL if unknown) */
int (*cli_find_command(const char *name))(int, char **);
int (*cli_find_command(const char *name))(int, char **)
{
    for (size_t i = 0; name && i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name)) return commands[i].fn;
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: memnet <command> [options]   (memnet <command> --help for its options)\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].fn) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\noptions every command takes: --config FILE (a run description file), --json\n"
               "(results as one JSON object instead of key=value lines)\n");
    fprintf(f, "\nmemnet %s\n", mn_version_string());
}

int main(int argc, char **argv)
{
    cli_populate_install();
    if (cli_pin_c_locale()) {
        fprintf(stderr, "memnet: cannot create the C locale\n");
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        (!strcmp(argv[1], "help") && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "help")) { /* memnet help CMD: that command's --help */
        if (argc > 3) {
            fprintf(stderr, "memnet help: one command name expected\n");
            return 2;
        }
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[2], commands[i].name) && commands[i].fn) {
                char *hv[] = { argv[2], (char *)"--help", NULL };
                return commands[i].fn(2, hv);
            }
        fprintf(stderr, "memnet help: unknown command \"%s\" (memnet help lists them)\n", argv[2]);
        return 2;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("memnet %s\n", mn_version_string());
        return 0;
    }
    /* OpenBLAS's worker threads spin for ~0.1 s after start-up before they sleep; the program
     * makes no BLAS calls of its own, and memnet's calls start the workers again when their
     * thread setting asks for more than one (include/memnet/core.h). `memnet info` reports
     * OpenBLAS's own configuration, so it leaves them. */
    if (strcmp(argv[1], "info")) (void)mn_blas_stop_workers();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name) && commands[i].fn) {
            int n;
            char **v;
            /* memnet sweep plan reads its --config itself (a run file of another command) */
            int expand = strcmp(argv[1], "sweep") != 0;
            if (expand && cli_expand_config(argc - 1, argv + 1, &n, &v)) return 2;
            if (!expand) {
                n = argc - 1;
                v = calloc((size_t)n + 1, sizeof *v);
                for (int j = 0; v && j < n; j++)
                    if (!(v[j] = strdup(argv[1 + j]))) return 2;
                if (!v) return 2;
            }
            /* --json is handled here for every command (their key=value results go through
             * cli_out) */
            int k = 1;
            for (int j = 1; j < n; j++) {
                if (!strcmp(v[j], "--json")) {
                    cli_set_json(1);
                    free(v[j]);
                    continue;
                }
                v[k++] = v[j];
            }
            n = k;
            v[n] = NULL;
            cli_set_invocation(n, v);
            int rc = commands[i].fn(n, v);
            cli_out_finish();
            cli_free_args(n, v);
            /* results on stdout are output like any file: a full disk (/dev/full) or a closed
             * pipe is a failure with a message, not exit 0 */
            errno = 0;
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "memnet %s: writing the results to standard output failed (%s)\n",
                        argv[1], strerror(errno ? errno : EIO));
                return rc ? rc : 1;
            }
            return rc;
        }
    fprintf(stderr, "memnet: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
