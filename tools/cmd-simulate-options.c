/* memnet simulate: the --help text and option parsing (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void simulate_usage(FILE *f)
{
    fprintf(f,
        "usage: memnet simulate --network FILE --model NAME|--mix NAME:F,... --source NODES\n"
        "                       --drain NODES\n"
        "                       --waveform SPEC --t-end T --dt-out DT --out FILE.csv [options]\n"
        "       memnet simulate --network FILE --model NAME --electrode [NAME=]NODES:SPEC ...\n"
        "                       [--probe [NAME=]NODES ...] --t-end T --dt-out DT --out FILE.csv\n"
        "\n"
        "Integrates the state of every junction of the network while the source electrode follows\n"
        "the waveform and the drain is grounded, solving Kirchhoff's laws at every step\n"
        "(docs/simulation.md). Writes a CSV with the columns t,V,I,G,mean_<state> (time, applied\n"
        "source voltage, current out of the source electrode, I/V, mean state) after comment lines\n"
        "with the provenance; prints run statistics as key=value lines.\n"
        "\n"
        "network:\n"
        "  --network FILE        plain edge list (u v [values]) or native network file\n"
        "  --length-column K     edge length/gap from value column K after u v (hillock, filament)\n"
        "  --model NAME          miranda, hillock, strukov_hp, strukov_cb, filament, resistor,\n"
        "                        atomic_switch, tunnel_switch, vteam (memnet models)\n"
        "  --set P=V             model parameter (repeatable; `memnet models` lists them)\n"
        "  --mix NAME:F,NAME:F   mixed network instead of --model (003's A:C = 75:25 is\n"
        "                        filament:75,miranda:25): round(F/sum m) edges get model NAME,\n"
        "                        chosen at random (docs/spiking.md)\n"
        "  --mix-seed K          seed of that choice (default 1)\n"
        "  --set NAME.P=V        parameter P of model NAME only; with --mix a plain P=V goes to\n"
        "                        every model of the mix that has P\n"
        "  --source NODES        source electrode: node ids (0,4,7 or 10-20) or a node set name\n"
        "                        (default: the network file's first node set, e.g. left)\n"
        "  --drain NODES         drain electrode (grounded), same forms (default: its second set)\n"
        "  --electrode [NAME=]NODES:SPEC[@T1-T2,T3-T4...]   an electrode (repeatable; any number):\n"
        "                        SPEC is a voltage waveform (as --waveform), i:WAVEFORM (a current\n"
        "                        in A), ground (0 V) or float (open); @T1-T2,... lets it float in\n"
        "                        those time intervals. Columns V_NAME,I_NAME (V<k>,I<k> without a\n"
        "                        name) replace V,I,G; with --source/--drain those come first\n"
        "  --probe [NAME=]NODES  record the (mean) potential of these nodes: column P_NAME or P<j>\n"
        "drive:\n"
        "  --waveform SPEC       dc:V | pwl:t0:v0,t1:v1,... | pwlfile:PATH | step:V0:V1:T\n"
        "                        | pulse:HIGH:WIDTH:PERIOD[:COUNT[:DELAY[:LOW]]]\n"
        "                        | tri:LOW:HIGH:PERIOD[:COUNT[:DELAY[:RISE]]] | ramp:V0:V1:T0:T1\n"
        "                        | sine:AMPL:FREQ[:OFFSET[:PHASE[:DELAY]]] | SPEC+SPEC...\n"
        "  --current             the waveform is a current (A) injected at the source\n"
        "run:\n"
        "  --t-end T             end time (s)\n"
        "  --dt-out DT           sample interval (s)\n"
        "  --init X              initial states: default | a number | random:LO:HI | file:PATH\n"
        "                        (one value per state, edge order)\n"
        "  --seed S              seed of random initial states (default 1)\n"
        "  --integrator NAME     bdf (default) | adams | euler | exact\n"
        "  --newton NAME         Newton iteration of bdf/adams: auto (default: blocks, krylov\n"
        "                        for models with events) | blocks (each junction's own Jacobian,\n"
        "                        no sensitivity solve) | krylov (exact: GMRES with Jacobian-\n"
        "                        vector products, for strongly coupled networks); with\n"
        "                        --restart, default the checkpoint's (a different one given\n"
        "                        here is used, with a note)\n"
        "  --rtol R, --atol A    CVODE tolerances (default 1e-6, 1e-9)\n"
        "  --dt DT               step of euler/exact (default 1e-3)\n"
        "  --max-step H          largest CVODE step (s)\n"
        "  --max-steps N         most steps between two outputs (default 1e7; a fixed step or\n"
        "                        --max-step that would need more is refused before the run)\n"
        "  --threads N           BLAS threads of the factorisations (default 0: automatic,\n"
        "                        one below the size where a second one pays)\n"
        "output:\n"
        "  --out FILE.csv        samples (required); FILE.h5 (or --format hdf5) writes HDF5: the\n"
        "                        same columns as datasets (/time, /electrodes/V, ..., see\n"
        "                        docs/file-formats.md), events and snapshots inside it\n"
        "  --format csv|hdf5     the --out format (default: by its name, .h5/.hdf5 is HDF5)\n"
        "  --record LIST         HDF5 only: also record per-edge or per-node arrays every sample:\n"
        "                        states,currents,voltages,conductances,potentials or all (big:\n"
        "                        samples x edges doubles each; --record-edges limits the edges)\n"
        "  --flush-every N       HDF5 only: write and flush every N samples (default 16); a run\n"
        "                        killed by SIGKILL keeps every sample up to the last flush\n"
        "  --record-edges LIST   also record these edges' states (x<e> columns)\n"
        "  --events-out FILE.csv event log t,edge,kind (filament formation/breaking)\n"
        "  --snapshots T1,T2,... full snapshots (states, G, V, I; potentials) at these times\n"
        "  --snapshot-prefix P   their file prefix (default snapshot-; with HDF5 output the\n"
        "                        snapshots go into the file, and also to files if this is given)\n"
        "  --energy              add E_src,E_edges columns (source / dissipated energy, J)\n"
        "  --checkpoint FILE     save the complete state at the end (and on Ctrl-C)\n"
        "  --checkpoint-every DT also every DT seconds of simulated time\n"
        "  --restart FILE        resume from a checkpoint (same network, model and options)\n"
        "  --quiet               no progress bar (drawn only when stderr is a terminal)\n"
        "\n"
        "Ctrl-C stops the run cleanly: the CSV keeps every sample computed so far.\n");
}

int simulate_parse_times(const char *text, double **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++) cap += *p == ',';
    double *t = malloc(cap * sizeof *t);
    if (!t) return cli_error(CMD, "out of memory");
    size_t k = 0;
    const char *p = text;
    while (*p) {
        char *end;
        t[k] = strtod(p, &end);
        if (end == p || (*end && *end != ',')) {
            free(t);
            return cli_error(CMD, "--snapshots: \"%s\" is not a list of times", text);
        }
        k++;
        p = *end ? end + 1 : end;
    }
    *out = t;
    *n = k;
    return 0;
}

static int mix_parse(const char *text, mix_spec *m)
{
    const char *p = text;
    m->k = 0;
    while (*p) {
        size_t l = strcspn(p, ",");
        const char *colon = memchr(p, ':', l);
        char num[64];
        if (m->k == MIX_MAX) return cli_error(CMD, "--mix: more than %d models in \"%s\"", MIX_MAX, text), -1;
        if (!colon || colon == p || (size_t)(colon - p) >= sizeof m->names[0] ||
            l - (size_t)(colon - p) - 1 >= sizeof num || l - (size_t)(colon - p) - 1 == 0)
            return cli_error(CMD, "--mix: \"%.*s\" is not NAME:FRACTION", (int)l, p), -1;
        memcpy(m->names[m->k], p, (size_t)(colon - p));
        m->names[m->k][colon - p] = 0;
        memcpy(num, colon + 1, l - (size_t)(colon - p) - 1);
        num[l - (size_t)(colon - p) - 1] = 0;
        char *end;
        double f = strtod(num, &end);
        if (*end || !(f >= 0) || !isfinite(f))
            return cli_error(CMD, "--mix: fraction \"%s\" of %s must be a number >= 0", num, m->names[m->k]), -1;
        for (size_t j = 0; j < m->k; j++)
            if (!strcmp(m->names[j], m->names[m->k]))
                return cli_error(CMD, "--mix: model %s given twice", m->names[j]), -1;
        m->fractions[m->k++] = f;
        p += l;
        if (*p == ',') p++;
    }
    if (m->k == 0) return cli_error(CMD, "--mix: no model in \"%s\"", text), -1;
    return 0;
}

void simulate_opts_free(simulate_opts *o)
{
    free(o->sets), free(o->electrodes), free(o->probes);
    o->sets = NULL;
    o->electrodes = o->probes = NULL;
}

int simulate_parse(simulate_opts *o, mix_spec *mix, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->mix_seed = 1;
    o->init = "default";
    o->integ = "bdf";
    o->newton_name = "auto";
    o->snap_prefix = "snapshot-";
    o->t_end = NAN;
    o->dt_out = NAN;
    o->rtol = 1e-6;
    o->atol = 1e-9;
    o->dt = 1e-3;
    o->seed = 1;
    o->threads = cli_default_threads(); /* 0 (automatic), or what memnet sweep run set */
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->electrodes = calloc((size_t)argc + 1, sizeof *o->electrodes);
    o->probes = calloc((size_t)argc + 1, sizeof *o->probes);
    if (!o->sets || !o->electrodes || !o->probes) {
        simulate_opts_free(o);
        return cli_error(CMD, "out of memory");
    }

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            simulate_usage(stdout);
            simulate_opts_free(o);
            return -1;
        }
#define OPT(name) (v = cli_opt_value(argc, argv, &i, name))
        if (OPT("--network")) o->network = v;
        else if (OPT("--length-column")) {
            if (cli_parse_long(CMD, "--length-column", v, &o->length_column)) goto usage_fail;
            if (o->length_column < 1) {
                cli_error(CMD, "--length-column: %ld must be >= 1", o->length_column);
                goto usage_fail;
            }
        } else if (OPT("--model")) o->model_name = v;
        else if (OPT("--mix")) o->mix_text = v;
        else if (OPT("--mix-seed")) { if (cli_parse_u64(CMD, "--mix-seed", v, &o->mix_seed)) goto usage_fail; }
        else if (OPT("--set")) o->sets[o->nsets++] = v;
        else if (OPT("--source")) o->source = v;
        else if (OPT("--electrode")) o->electrodes[o->nelectrodes++] = v;
        else if (OPT("--probe")) o->probes[o->nprobes++] = v;
        else if (OPT("--drain")) o->drain = v;
        else if (OPT("--waveform")) o->spec = v;
        else if (OPT("--t-end")) { if (cli_parse_double(CMD, "--t-end", v, &o->t_end)) goto usage_fail; }
        else if (OPT("--dt-out")) { if (cli_parse_double(CMD, "--dt-out", v, &o->dt_out)) goto usage_fail; }
        else if (OPT("--init")) o->init = v;
        else if (OPT("--seed")) { if (cli_parse_u64(CMD, "--seed", v, &o->seed)) goto usage_fail; }
        else if (OPT("--integrator")) o->integ = v;
        else if (OPT("--newton")) o->newton_name = v, o->newton_set = 1;
        else if (OPT("--rtol")) { if (cli_parse_double(CMD, "--rtol", v, &o->rtol)) goto usage_fail; }
        else if (OPT("--atol")) { if (cli_parse_double(CMD, "--atol", v, &o->atol)) goto usage_fail; }
        else if (OPT("--dt")) { if (cli_parse_double(CMD, "--dt", v, &o->dt)) goto usage_fail; }
        else if (OPT("--max-steps")) {
            if (cli_parse_long(CMD, "--max-steps", v, &o->max_steps)) goto usage_fail;
            if (o->max_steps < 1) {
                cli_error(CMD, "--max-steps: %ld must be >= 1", o->max_steps);
                goto usage_fail;
            }
        } else if (OPT("--max-step")) { if (cli_parse_double(CMD, "--max-step", v, &o->hmax)) goto usage_fail; }
        else if (OPT("--threads")) { if (cli_parse_u64(CMD, "--threads", v, &o->threads)) goto usage_fail; }
        else if (OPT("--out")) o->out_path = v;
        else if (OPT("--events-out")) o->events_out = v;
        else if (OPT("--record-edges")) o->rec_list = v;
        else if (OPT("--snapshots")) o->snaps = v;
        else if (OPT("--snapshot-prefix")) o->snap_prefix = v, o->snap_prefix_set = 1;
        else if (OPT("--format")) o->format = v;
        else if (OPT("--record")) o->record = v;
        else if (OPT("--flush-every")) {
            unsigned long long n;
            if (cli_parse_u64(CMD, "--flush-every", v, &n)) goto usage_fail;
            if (n < 1 || n > (1ull << 30)) {
                cli_error(CMD, "--flush-every: %llu must be in [1, 2^30]", n);
                goto usage_fail;
            }
            o->flush_every = (long long)n;
        }
        else if (OPT("--checkpoint-every")) {
            if (cli_parse_double(CMD, "--checkpoint-every", v, &o->cp_every)) goto usage_fail;
        } else if (OPT("--checkpoint")) o->cp_path = v;
        else if (OPT("--restart")) o->restart_path = v;
        else if (cli_flag(a, "--quiet")) o->quiet = 1;
        else if (cli_flag(a, "--current")) o->current_mode = 1;
        else if (cli_flag(a, "--energy")) o->energy = 1;
        else {
            if (a[0] == '-' && a[1] == '-' && strchr(a, '=') == NULL && i + 1 >= argc &&
                strstr("--network--length-column--model--mix-seed--mix--set--source--drain--waveform--t-end--dt-out"
                       "--electrode--probe"
                       "--init--seed--integrator--newton--rtol--atol--dt--max-steps--max-step--out--events-out"
                       "--record-edges--snapshots--snapshot-prefix--checkpoint-every--checkpoint--restart--threads"
                       "--format--record--flush-every",
                       a))
                goto usage_fail; /* cli_opt_value printed "needs a value" */
            cli_error(CMD, "unknown option \"%s\" (see memnet simulate --help)", a);
            goto usage_fail;
        }
#undef OPT
    }
    {
        if (o->mix_text && o->model_name) {
            cli_error(CMD, "--model and --mix exclude each other");
            goto usage_fail;
        }
        if (o->mix_text && mix_parse(o->mix_text, mix)) goto usage_fail;
        const char *missing = !o->network ? "--network" : !o->model_name && !o->mix_text ? "--model"
                            : isnan(o->t_end) ? "--t-end" : isnan(o->dt_out) ? "--dt-out"
                            : !o->out_path ? "--out" : NULL;
        if (missing) {
            cli_error(CMD, "missing %s (see memnet simulate --help)", missing);
            goto usage_fail;
        }
    }
    if (!(o->dt_out > 0) || !isfinite(o->dt_out)) {
        cli_error(CMD, "--dt-out: %g must be > 0", o->dt_out);
        goto usage_fail;
    }
    {
        /* the --out format: --format, else the file name */
        size_t l = strlen(o->out_path);
        int h5name = (l >= 3 && !strcmp(o->out_path + l - 3, ".h5")) ||
                     (l >= 5 && !strcmp(o->out_path + l - 5, ".hdf5"));
        if (o->format && strcmp(o->format, "csv") && strcmp(o->format, "hdf5")) {
            cli_error(CMD, "--format: unknown \"%s\" (csv, hdf5)", o->format);
            goto usage_fail;
        }
        o->hdf5 = o->format ? !strcmp(o->format, "hdf5") : h5name;
        if (!o->hdf5 && (o->record || o->flush_every)) {
            cli_error(CMD, "%s: only for HDF5 output (--out FILE.h5 or --format hdf5)",
                      o->record ? "--record" : "--flush-every");
            goto usage_fail;
        }
    }
    if (!strcmp(o->integ, "bdf")) o->integrator = MN_SIM_BDF;
    else if (!strcmp(o->integ, "adams")) o->integrator = MN_SIM_ADAMS;
    else if (!strcmp(o->integ, "euler")) o->integrator = MN_SIM_EULER;
    else if (!strcmp(o->integ, "exact")) o->integrator = MN_SIM_EXACT;
    else {
        cli_error(CMD, "--integrator: unknown \"%s\" (bdf, adams, euler, exact)", o->integ);
        goto usage_fail;
    }
    if (!strcmp(o->newton_name, "auto")) o->newton = MN_SIM_NEWTON_AUTO;
    else if (!strcmp(o->newton_name, "blocks")) o->newton = MN_SIM_NEWTON_BLOCKS;
    else if (!strcmp(o->newton_name, "krylov")) o->newton = MN_SIM_NEWTON_KRYLOV;
    else {
        cli_error(CMD, "--newton: unknown \"%s\" (auto, blocks, krylov)", o->newton_name);
        goto usage_fail;
    }
    return 0;
usage_fail:
    simulate_opts_free(o);
    return 2;
}
