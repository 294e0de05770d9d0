/* memnet-mpi simulate: the --help text and option parsing (memnet-mpi.h). */
#include "memnet-mpi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mpi_usage(FILE *f)
{
    fprintf(f,
        "usage: mpirun -n N memnet-mpi simulate --network FILE --model NAME --source NODES\n"
        "                  --drain NODES --waveform SPEC --t-end T --dt-out DT --out FILE.csv\n"
        "                  [options]\n"
        "\n"
        "The distributed counterpart of `memnet simulate` (libmemnet-mpi, docs/scaling.md): the\n"
        "junctions are split over the MPI ranks, Kirchhoff's equations are solved by PETSc CG +\n"
        "BoomerAMG, CVODE integrates on an MPI vector. The options mean what they mean for\n"
        "memnet simulate; rank 0 writes the CSV t,V,I,G,mean_<state>[,x<e>...] after the\n"
        "provenance lines and prints the run statistics.\n"
        "\n"
        "network:\n"
        "  --network FILE        plain edge list (u v [values]) or native network file; every\n"
        "                        rank reads it and takes a contiguous block of its edges\n"
        "  --length-column K     edge length/gap from value column K after u v (hillock, filament)\n"
        "  --model NAME          the model of every junction (`memnet models`)\n"
        "  --set P=V             model parameter (repeatable)\n"
        "  --source NODES        source electrode: node ids (0,4,7 or 10-20) or a node set name\n"
        "                        (default: the network file's first node set)\n"
        "  --drain NODES         drain electrode (grounded) (default: its second node set)\n"
        "drive:\n"
        "  --waveform SPEC       the source's voltage waveform (as memnet simulate)\n"
        "run:\n"
        "  --t-end T             end time (s)\n"
        "  --dt-out DT           sample interval (s)\n"
        "  --rtol R, --atol A    CVODE tolerances (default 1e-6, 1e-9)\n"
        "output:\n"
        "  --out FILE.csv        samples (required; rank 0 writes it)\n"
        "  --record-edges LIST   also record these edges' states (x<e> columns; ids of the file)\n"
        "  --events-out FILE.csv event log t,edge,kind (filament formation/breaking)\n"
        "  --snapshots T1,T2,... snapshots (states, G, V, I; potentials) at these times: one\n"
        "                        binary file per rank and a manifest (docs/scaling.md)\n"
        "  --snapshot-prefix P   their prefix (default snapshot-): P<k>.manifest,\n"
        "                        P<k>.rank<r>.bin\n"
        "  --checkpoint P        save the complete state at the end (and on Ctrl-C/SIGTERM):\n"
        "                        P.manifest, P.rank<r>.ckpt\n"
        "  --checkpoint-every DT also every DT seconds of simulated time\n"
        "  --restart P           resume from a checkpoint written on the same number of ranks\n"
        "                        (same network, model and options); --out and --events-out are\n"
        "                        cut back to it\n"
        "  --quiet               accepted (memnet-mpi draws no progress bar)\n"
        "distributed solver (memnet-mpi only):\n"
        "  --partition block|sfc|ptscotch   node partition (default: ptscotch on more than one\n"
        "                        rank, sfc needs a native file with coordinates)\n"
        "  --strategy auto|setup|reuse      AMG hierarchy per solve (default auto; a restart is\n"
        "                        bitwise equal to an uninterrupted run with any of them)\n"
        "  --jv difference|analytic   Jacobian-vector products: CVODE's difference quotients\n"
        "                        (default) or the analytic product (mn_mpi_sim_set_jv_method)\n"
        "  --jv-rtol R           relative residual of the solves inside CVODE's Jacobian-vector\n"
        "                        products, in [0, 1) (default 0: difference quotients as the\n"
        "                        right-hand sides, analytic products 1e-6)\n");
}

void mpi_opts_free(mpi_opts *o)
{
    free(o->sets);
    o->sets = NULL;
}

/* options of memnet simulate that memnet-mpi simulate does not have (docs/scaling.md) */
static const char *const unsupported[] = {
    "--mix", "--mix-seed", "--electrode", "--probe", "--current", "--init", "--seed",
    "--integrator", "--dt", "--max-step", "--max-steps", "--threads", "--energy", "--format",
    "--record", "--flush-every", NULL};

static int is_unsupported(const char *a)
{
    size_t l = strcspn(a, "=");
    for (int j = 0; unsupported[j]; j++)
        if (strlen(unsupported[j]) == l && !strncmp(a, unsupported[j], l)) return 1;
    return 0;
}

/* a value out of range: the message names it; exit status 2 */
#define RANGE_FAIL(...)                                                                        \
    do {                                                                                       \
        cli_error(CMD, __VA_ARGS__);                                                           \
        goto usage_fail;                                                                       \
    } while (0)

int mpi_parse(mpi_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->t_end = o->dt_out = NAN;
    o->rtol = 1e-6;
    o->atol = 1e-9;
    o->snap_prefix = "snapshot-";
    o->strat = MN_MPI_AUTO;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets) return cli_error(CMD, "out of memory");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            mpi_usage(stdout);
            mpi_opts_free(o);
            return -1;
        }
        if (is_unsupported(a)) {
            cli_error(CMD, "%.*s is an option of memnet simulate that memnet-mpi simulate does not "
                           "have (docs/scaling.md lists them)", (int)strcspn(a, "="), a);
            goto usage_fail;
        }
#define OPT(name) ((v = cli_opt_value(argc, argv, &i, name)) != NULL)
        if (OPT("--network")) o->network = v;
        else if (OPT("--length-column")) {
            if (cli_parse_long(CMD, "--length-column", v, &o->length_column)) goto usage_fail;
            if (o->length_column < 1) {
                cli_error(CMD, "--length-column: %ld must be >= 1", o->length_column);
                goto usage_fail;
            }
        } else if (OPT("--model")) o->model_name = v;
        else if (OPT("--set")) o->sets[o->nsets++] = v;
        else if (OPT("--source")) o->source = v;
        else if (OPT("--drain")) o->drain = v;
        else if (OPT("--waveform")) o->spec = v;
        else if (OPT("--out")) o->out_path = v;
        else if (OPT("--events-out")) o->events_out = v;
        else if (OPT("--record-edges")) o->rec_list = v;
        else if (OPT("--snapshots")) o->snaps = v;
        else if (OPT("--snapshot-prefix")) o->snap_prefix = v;
        else if (OPT("--checkpoint-every")) {
            if (cli_parse_double(CMD, "--checkpoint-every", v, &o->cp_every)) goto usage_fail;
            if (!(o->cp_every > 0) || !isfinite(o->cp_every))
                RANGE_FAIL("--checkpoint-every: %g must be > 0", o->cp_every);
        } else if (OPT("--checkpoint")) o->cp_path = v;
        else if (OPT("--restart")) o->restart_path = v;
        else if (OPT("--partition")) o->partition = v;
        else if (OPT("--strategy")) o->strategy = v;
        else if (OPT("--jv")) o->jv = v;
        else if (OPT("--t-end")) { if (cli_parse_double(CMD, "--t-end", v, &o->t_end)) goto usage_fail; }
        else if (OPT("--dt-out")) { if (cli_parse_double(CMD, "--dt-out", v, &o->dt_out)) goto usage_fail; }
        else if (OPT("--rtol")) { if (cli_parse_double(CMD, "--rtol", v, &o->rtol)) goto usage_fail; }
        else if (OPT("--atol")) { if (cli_parse_double(CMD, "--atol", v, &o->atol)) goto usage_fail; }
        else if (OPT("--jv-rtol")) { if (cli_parse_double(CMD, "--jv-rtol", v, &o->jv_rtol)) goto usage_fail; }
        else if (cli_flag(a, "--quiet")) continue;
        else {
            /* "--network" as the last argument: cli_opt_value printed "needs a value" */
            if (a[0] == '-' && a[1] == '-' && !strchr(a, '=') && i + 1 >= argc &&
                strstr("--network--length-column--model--set--source--drain--waveform--out"
                       "--events-out--record-edges--snapshots--snapshot-prefix--checkpoint-every"
                       "--checkpoint--restart--partition--strategy--t-end--dt-out--rtol--atol"
                       "--jv-rtol--jv", a))
                goto usage_fail;
            cli_error(CMD, "unknown option \"%s\" (see memnet-mpi simulate --help)", a);
            goto usage_fail;
        }
#undef OPT
    }
    const char *missing = !o->network ? "--network" : !o->model_name ? "--model"
                        : !o->spec ? "--waveform" : isnan(o->t_end) ? "--t-end"
                        : isnan(o->dt_out) ? "--dt-out" : !o->out_path ? "--out" : NULL;
    if (missing) {
        cli_error(CMD, "missing %s (see memnet-mpi simulate --help)", missing);
        goto usage_fail;
    }
    if (!(o->dt_out > 0) || !isfinite(o->dt_out))
        RANGE_FAIL("--dt-out: %g must be > 0", o->dt_out);
    if (!isfinite(o->t_end)) RANGE_FAIL("--t-end: %g must be finite", o->t_end);
    if (!(o->rtol > 0 && o->rtol < 1)) RANGE_FAIL("--rtol: %g must be in (0, 1)", o->rtol);
    if (!(o->atol > 0) || !isfinite(o->atol))
        RANGE_FAIL("--atol: %g must be > 0", o->atol);
    if (!(o->jv_rtol >= 0 && o->jv_rtol < 1))
        RANGE_FAIL("--jv-rtol: %g must be in [0, 1)", o->jv_rtol);
    if (o->cp_every > 0 && !o->cp_path) {
        cli_error(CMD, "--checkpoint-every needs --checkpoint (the prefix of the files)");
        goto usage_fail;
    }
    if (o->partition) {
        if (!strcmp(o->partition, "block")) o->part = MN_MPI_PARTITION_BLOCK;
        else if (!strcmp(o->partition, "sfc")) o->part = MN_MPI_PARTITION_SFC;
        else if (!strcmp(o->partition, "ptscotch")) o->part = MN_MPI_PARTITION_PTSCOTCH;
        else {
            cli_error(CMD, "--partition: unknown \"%s\" (block, sfc, ptscotch)", o->partition);
            goto usage_fail;
        }
    }
    if (o->strategy) {
        if (!strcmp(o->strategy, "auto")) o->strat = MN_MPI_AUTO;
        else if (!strcmp(o->strategy, "setup")) o->strat = MN_MPI_SETUP;
        else if (!strcmp(o->strategy, "reuse")) o->strat = MN_MPI_REUSE;
        else {
            cli_error(CMD, "--strategy: unknown \"%s\" (auto, setup, reuse)", o->strategy);
            goto usage_fail;
        }
    }
    if (o->jv) {
        if (!strcmp(o->jv, "difference")) o->jv_method = MN_MPI_JV_DIFFERENCE;
        else if (!strcmp(o->jv, "analytic")) o->jv_method = MN_MPI_JV_ANALYTIC;
        else {
            cli_error(CMD, "--jv: unknown \"%s\" (difference, analytic)", o->jv);
            goto usage_fail;
        }
    }
    return 0;
usage_fail:
    mpi_opts_free(o);
    return 2;
}
