/* memnet sweep: parameter sweeps and ensembles (plan, run, status, collect); cmd-sweep.h lists
 * the parts. */
#include "cmd-sweep.h"

#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: memnet sweep plan --config BASE.cfg --vary OPTION=LIST ... [--zip] --dir D\n"
        "       memnet sweep run D (--task I [--chunk C] | --worker K/N | --worker auto | --all)\n"
        "                          [--jobs J]\n"
        "       memnet sweep status D\n"
        "       memnet sweep collect D --out TABLE.csv\n"
        "\n"
        "A sweep is a directory: a manifest of tasks (a command with its options, one row per\n"
        "parameter combination or seed) and runs/<id>/ for each finished task. `run` executes tasks\n"
        "in-process, under lock files, so Slurm arrays, srun, mpirun, GNU parallel or several\n"
        "hosts can share one sweep; a rerun skips finished tasks. `memnet sweep SUBCOMMAND --help`\n"
        "for each; docs/cli.md has recipes for Slurm, srun, mpirun and GNU parallel.\n");
}

int mn_cli_sweep(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "plan")) return sweep_plan(argc - 1, argv + 1);
    if (!strcmp(sub, "run")) return sweep_run(argc - 1, argv + 1);
    if (!strcmp(sub, "status")) return sweep_status(argc - 1, argv + 1);
    if (!strcmp(sub, "collect")) return sweep_collect(argc - 1, argv + 1);
    cli_usage_error(SWEEP_CMD, "unknown subcommand \"%s\" (plan, run, status, collect)", sub);
    return 2;
}
