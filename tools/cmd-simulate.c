/* memnet simulate: time evolution of a network under an applied waveform (public API only). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "simulate"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: memnet simulate --network FILE --model NAME|--mix NAME:F,... --source NODES\n"
        "                       --drain NODES\n"
        "                       --waveform SPEC --t-end T --dt-out DT --out FILE.csv [options]\n"
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
        "  --model NAME          miranda, hillock, strukov_hp, strukov_cb, filament, resistor\n"
        "  --set P=V             model parameter (repeatable; `memnet models` lists them)\n"
        "  --mix NAME:F,NAME:F   mixed network instead of --model (003's A:C = 75:25 is\n"
        "                        filament:75,miranda:25): round(F/sum m) edges get model NAME,\n"
        "                        chosen at random (docs/spiking.md)\n"
        "  --mix-seed K          seed of that choice (default 1)\n"
        "  --set NAME.P=V        parameter P of model NAME only; with --mix a plain P=V goes to\n"
        "                        every model of the mix that has P\n"
        "  --source NODES        source electrode: node ids (0,4,7 or 10-20) or a node set name\n"
        "  --drain NODES         drain electrode (grounded), same forms\n"
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
        "  --rtol R, --atol A    CVODE tolerances (default 1e-6, 1e-9)\n"
        "  --dt DT               step of euler/exact (default 1e-3)\n"
        "  --max-step H          largest CVODE step (s)\n"
        "output:\n"
        "  --out FILE.csv        samples (required)\n"
        "  --record-edges LIST   also record these edges' states (x<e> columns)\n"
        "  --events-out FILE.csv event log t,edge,kind (filament formation/breaking)\n"
        "  --snapshots T1,T2,... full snapshots (states, G, V, I; potentials) at these times\n"
        "  --snapshot-prefix P   their file prefix (default snapshot-)\n"
        "  --energy              add E_src,E_edges columns (source / dissipated energy, J)\n"
        "  --checkpoint FILE     save the complete state at the end (and on Ctrl-C)\n"
        "  --checkpoint-every DT also every DT seconds of simulated time\n"
        "  --restart FILE        resume from a checkpoint (same network, model and options)\n"
        "  --quiet               no progress bar (drawn only when stderr is a terminal)\n"
        "\n"
        "Ctrl-C stops the run cleanly: the CSV keeps every sample computed so far.\n");
}

static volatile sig_atomic_t interrupted = 0;
static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct run {
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
} run;

static double mean_potential(const mn_sim *sim, const mn_index *nodes, size_t n)
{
    const double *phi = mn_sim_potentials(sim);
    if (!phi) return NAN;
    double a = 0;
    for (size_t i = 0; i < n; i++) a += phi[nodes[i]];
    return a / (double)n;
}

static int sample_cb(const mn_sim *sim, void *user)
{
    run *r = user;
    double V, I;
    if (r->current_mode) {
        V = mean_potential(sim, r->src_nodes, r->n_src);
        I = mn_sim_electrode_current(sim, mn_sim_electrode_count(sim));
    } else {
        V = mn_sim_applied_voltage(sim, r->src_id);
        I = mn_sim_electrode_current(sim, r->src_id);
    }
    fprintf(r->out, "%.17g,%.17g,%.17g,%.17g", mn_sim_time(sim), V, I, V != 0 ? I / V : NAN);
    const double *x = mn_sim_states(sim);
    if (r->mix_net) {
        /* mean of every state over the edges of each model of the mix, in model order */
        const mn_index *em = mn_network_edge_models(r->mix_net);
        size_t nm = mn_network_model_count(r->mix_net), ne = mn_graph_edge_count(mn_network_graph(r->mix_net));
        size_t col = 0, *base = r->mix_base;
        memset(r->mix_sum, 0, r->n_state_cols * sizeof *r->mix_sum);
        for (size_t e = 0; e < ne; e++)
            for (size_t i = r->off[e]; i < r->off[e + 1]; i++) r->mix_sum[base[em[e]] + i - r->off[e]] += x[i];
        for (size_t j = 0; j < nm; j++) {
            const mn_model_ops *ops = mn_network_model_ops(r->mix_net, j);
            for (size_t q = 0; q < ops->n_states; q++, col++)
                fprintf(r->out, ",%.17g", r->mix_sum[col] / (double)base[nm + j]);
        }
    } else {
        for (size_t j = 0; j < r->n_state_cols; j++) fprintf(r->out, ",%.17g", mn_sim_mean_state(sim, j));
    }
    for (size_t k = 0; k < r->n_rec; k++)
        for (size_t i = r->off[r->rec[k]]; i < r->off[r->rec[k] + 1]; i++) fprintf(r->out, ",%.17g", x[i]);
    if (r->energy) {
        double es = NAN, ee = NAN;
        mn_sim_energy(sim, &es, &ee);
        fprintf(r->out, ",%.17g,%.17g", es, ee);
    }
    if (fputc('\n', r->out) == EOF) {
        r->write_error = 1;
        return 1;
    }
    return 0;
}

static int progress_cb(double t, double t_end, void *user)
{
    run *r = user;
    if (interrupted) return 1;
    if (!r->progress) return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - r->last_draw.tv_sec) + 1e-9 * (double)(now.tv_nsec - r->last_draw.tv_nsec);
    if (dt < 0.1 && t < t_end) return 0;
    r->last_draw = now;
    double f = (t - r->t_start) / (t_end - r->t_start);
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    int w = 40, k = (int)(f * w);
    fprintf(stderr, "\r[");
    for (int i = 0; i < w; i++) fputc(i < k ? '#' : ' ', stderr);
    fprintf(stderr, "] %5.1f%%  t = %-12.6g", 100 * f, t);
    if (t >= t_end) fputc('\n', stderr);
    fflush(stderr);
    return 0;
}


static int read_values(const char *path, double **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_error(CMD, "--init: cannot open \"%s\" (%s)", path, strerror(errno));
    size_t cap = 1024, k = 0;
    double *v = malloc(cap * sizeof *v);
    char line[256];
    size_t ln = 0;
    while (v && fgets(line, sizeof line, f)) {
        ln++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || !*p) continue;
        char *end;
        double x = strtod(p, &end);
        if (end == p) {
            fclose(f);
            free(v);
            return cli_error(CMD, "--init: \"%s\" line %zu is not a number", path, ln);
        }
        if (k == cap) {
            double *t = realloc(v, 2 * cap * sizeof *v);
            if (!t) break;
            v = t;
            cap *= 2;
        }
        v[k++] = x;
    }
    fclose(f);
    if (!v) return cli_error(CMD, "out of memory");
    *out = v;
    *n = k;
    return 0;
}

static int parse_times(const char *text, double **out, size_t *n)
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

/* --mix NAME:FRACTION,...: the models of a mixed network (003 sec. 2.1, A:B / A:C) */
#define MIX_MAX 8
typedef struct mix_spec {
    size_t k;
    char names[MIX_MAX][32];
    double fractions[MIX_MAX];
    mn_model *models[MIX_MAX];
} mix_spec;

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

/* --set: "NAME.P=V" for model NAME, "P=V" for every model that has P (at least one) */
static int mix_set(mn_context *ctx, mn_model *const *models, size_t k, const char *set)
{
    const char *eq = strchr(set, '='), *dot = strchr(set, '.');
    if (dot && eq && dot < eq) {
        for (size_t j = 0; j < k; j++) {
            const char *name = mn_model_ops_of(models[j])->name;
            if (strlen(name) == (size_t)(dot - set) && !strncmp(name, set, (size_t)(dot - set))) {
                mn_status st = mn_model_set_assignment(models[j], dot + 1);
                return st ? cli_fail(CMD, ctx, st), -1 : 0;
            }
        }
        return cli_error(CMD, "--set %s: no model \"%.*s\" in this network", set, (int)(dot - set), set), -1;
    }
    size_t hit = 0;
    for (size_t j = 0; j < k; j++) {
        double old;
        char pname[64];
        size_t l = eq ? (size_t)(eq - set) : strlen(set);
        if (l >= sizeof pname) break;
        memcpy(pname, set, l);
        pname[l] = 0;
        if (k > 1 && mn_model_get(models[j], pname, &old) != MN_OK) continue;
        mn_status st = mn_model_set_assignment(models[j], set);
        if (st) return cli_fail(CMD, ctx, st), -1;
        hit++;
    }
    mn_context_clear_error(ctx);
    if (!hit) return cli_error(CMD, "--set %s: no model of the mix has this parameter", set), -1;
    return 0;
}

int mn_cli_simulate(int argc, char **argv)
{
    const char *mix_text = NULL;
    unsigned long long mix_seed = 1;
    mix_spec mix;
    memset(&mix, 0, sizeof mix);
    const char *network = NULL, *model_name = NULL, *source = NULL, *drain = NULL, *spec = NULL;
    const char *out_path = NULL, *init = "default", *integ = "bdf", *events_out = NULL;
    const char *cp_path = NULL, *restart_path = NULL, *rec_list = NULL, *snaps = NULL;
    const char *snap_prefix = "snapshot-";
    double t_end = NAN, dt_out = NAN, rtol = 1e-6, atol = 1e-9, dt = 1e-3, hmax = 0, cp_every = 0;
    long length_column = 0;
    unsigned long long seed = 1;
    int quiet = 0, current_mode = 0, energy = 0;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    if (!sets) return cli_error(CMD, "out of memory");

    int rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            free(sets);
            return 0;
        }
#define OPT(name) (v = cli_opt_value(argc, argv, &i, name))
        if (OPT("--network")) network = v;
        else if (OPT("--length-column")) {
            if (cli_parse_long(CMD, "--length-column", v, &length_column)) goto usage_fail;
            if (length_column < 1) {
                cli_error(CMD, "--length-column: %ld must be >= 1", length_column);
                goto usage_fail;
            }
        } else if (OPT("--model")) model_name = v;
        else if (OPT("--mix")) mix_text = v;
        else if (OPT("--mix-seed")) { if (cli_parse_u64(CMD, "--mix-seed", v, &mix_seed)) goto usage_fail; }
        else if (OPT("--set")) sets[nsets++] = v;
        else if (OPT("--source")) source = v;
        else if (OPT("--drain")) drain = v;
        else if (OPT("--waveform")) spec = v;
        else if (OPT("--t-end")) { if (cli_parse_double(CMD, "--t-end", v, &t_end)) goto usage_fail; }
        else if (OPT("--dt-out")) { if (cli_parse_double(CMD, "--dt-out", v, &dt_out)) goto usage_fail; }
        else if (OPT("--init")) init = v;
        else if (OPT("--seed")) { if (cli_parse_u64(CMD, "--seed", v, &seed)) goto usage_fail; }
        else if (OPT("--integrator")) integ = v;
        else if (OPT("--rtol")) { if (cli_parse_double(CMD, "--rtol", v, &rtol)) goto usage_fail; }
        else if (OPT("--atol")) { if (cli_parse_double(CMD, "--atol", v, &atol)) goto usage_fail; }
        else if (OPT("--dt")) { if (cli_parse_double(CMD, "--dt", v, &dt)) goto usage_fail; }
        else if (OPT("--max-step")) { if (cli_parse_double(CMD, "--max-step", v, &hmax)) goto usage_fail; }
        else if (OPT("--out")) out_path = v;
        else if (OPT("--events-out")) events_out = v;
        else if (OPT("--record-edges")) rec_list = v;
        else if (OPT("--snapshots")) snaps = v;
        else if (OPT("--snapshot-prefix")) snap_prefix = v;
        else if (OPT("--checkpoint-every")) {
            if (cli_parse_double(CMD, "--checkpoint-every", v, &cp_every)) goto usage_fail;
        } else if (OPT("--checkpoint")) cp_path = v;
        else if (OPT("--restart")) restart_path = v;
        else if (cli_flag(a, "--quiet")) quiet = 1;
        else if (cli_flag(a, "--current")) current_mode = 1;
        else if (cli_flag(a, "--energy")) energy = 1;
        else {
            if (a[0] == '-' && a[1] == '-' && strchr(a, '=') == NULL && i + 1 >= argc &&
                strstr("--network--length-column--model--mix-seed--mix--set--source--drain--waveform--t-end--dt-out"
                       "--init--seed--integrator--rtol--atol--dt--max-step--out--events-out"
                       "--record-edges--snapshots--snapshot-prefix--checkpoint-every--checkpoint--restart",
                       a))
                goto usage_fail; /* cli_opt_value printed "needs a value" */
            cli_error(CMD, "unknown option \"%s\" (see memnet simulate --help)", a);
            goto usage_fail;
        }
#undef OPT
    }
    {
        if (mix_text && model_name) {
            cli_error(CMD, "--model and --mix exclude each other");
            goto usage_fail;
        }
        if (mix_text && mix_parse(mix_text, &mix)) goto usage_fail;
        const char *missing = !network ? "--network" : !model_name && !mix_text ? "--model" : !source ? "--source"
                            : !drain ? "--drain" : !spec ? "--waveform" : isnan(t_end) ? "--t-end"
                            : isnan(dt_out) ? "--dt-out" : !out_path ? "--out" : NULL;
        if (missing) {
            cli_error(CMD, "missing %s (see memnet simulate --help)", missing);
            goto usage_fail;
        }
    }
    if (!(dt_out > 0) || !isfinite(dt_out)) {
        cli_error(CMD, "--dt-out: %g must be > 0", dt_out);
        goto usage_fail;
    }
    mn_sim_integrator integrator;
    if (!strcmp(integ, "bdf")) integrator = MN_SIM_BDF;
    else if (!strcmp(integ, "adams")) integrator = MN_SIM_ADAMS;
    else if (!strcmp(integ, "euler")) integrator = MN_SIM_EULER;
    else if (!strcmp(integ, "exact")) integrator = MN_SIM_EXACT;
    else {
        cli_error(CMD, "--integrator: unknown \"%s\" (bdf, adams, euler, exact)", integ);
        goto usage_fail;
    }

    /* ------------------------------------------------------------ set up */
    rc = 1;
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_model *model = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_waveform *w = NULL;
    mn_index *src = NULL, *drn = NULL, *rec = NULL;
    size_t nsrc = 0, ndrn = 0, nrec = 0;
    double *init_vals = NULL, *snap_t = NULL;
    size_t n_init = 0, n_snap = 0;
    FILE *out = NULL;
    mn_status st;
    run r;
    memset(&r, 0, sizeof r);
    char *header = NULL;
    size_t header_len = 0;
    FILE *hf = NULL;

    if ((st = mn_context_new(&ctx))) {
        cli_error(CMD, "cannot create a context: %s", mn_status_str(st));
        goto done;
    }
    {
        FILE *probe = fopen(network, "r");
        if (!probe) {
            cli_error(CMD, "--network: cannot open \"%s\" (%s)", network, strerror(errno));
            goto done;
        }
        char first[32] = "";
        if (!fgets(first, sizeof first, probe)) first[0] = 0;
        fclose(probe);
        if (!strncmp(first, "memnet-network", 14)) {
            st = mn_graph_load(&g, ctx, network);
            if (!st && length_column)
                fprintf(stderr, "memnet simulate: --length-column ignored for a native file (lengths are stored in it)\n");
        } else {
            st = mn_graph_read_edgelist(&g, ctx, network, 0, (size_t)length_column);
        }
        if (st) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    if (!mix_text) { /* one model: a mix of one */
        snprintf(mix.names[0], sizeof mix.names[0], "%s", model_name);
        mix.fractions[0] = 1;
        mix.k = 1;
    }
    for (size_t j = 0; j < mix.k; j++)
        if ((st = mn_model_new(&mix.models[j], ctx, mix.names[j]))) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    model = mix.models[0];
    for (size_t k = 0; k < nsets; k++)
        if (mix_set(ctx, mix.models, mix.k, sets[k])) goto done;
    if ((st = mn_network_new(&net, g)) ||
        (st = mix_text ? mn_network_assign_fractions(net, (const mn_model *const *)mix.models,
                                                     mix.fractions, mix.k, (uint64_t)mix_seed)
                       : mn_network_assign(net, model, NULL, 0, NULL)) ||
        (st = mn_sim_new(&sim, net))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    /* a node-set name of the network or a node list, the same in every command (cli.h) */
    if (cli_resolve_nodes(CMD, "--source", source, g, &src, &nsrc) ||
        cli_resolve_nodes(CMD, "--drain", drain, g, &drn, &ndrn)) {
        rc = 2; /* a node argument that does not fit the network: usage error (docs/cli.md) */
        goto done;
    }
    if ((st = mn_waveform_parse(&w, ctx, spec))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if (current_mode) {
        st = mn_sim_add_electrode(sim, drn, ndrn, NULL, NULL);
        if (!st) st = mn_sim_set_current_source(sim, src, nsrc, drn, ndrn, w);
    } else {
        st = mn_sim_add_electrode(sim, src, nsrc, w, &r.src_id);
        if (!st) st = mn_sim_add_electrode(sim, drn, ndrn, NULL, NULL);
    }
    if (st) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if ((st = mn_sim_set_integrator(sim, integrator)) || (st = mn_sim_set_tolerances(sim, rtol, atol)) ||
        (st = mn_sim_set_fixed_step(sim, dt)) || (st = mn_sim_set_max_step(sim, hmax)) ||
        (st = mn_sim_set_energy_tracking(sim, energy))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    /* initial states */
    if (!strcmp(init, "default")) st = mn_sim_init_default(sim, 0.0);
    else if (!strncmp(init, "random:", 7)) {
        double lo, hi;
        char *end;
        lo = strtod(init + 7, &end);
        if (*end != ':') {
            cli_error(CMD, "--init: \"%s\" is not random:LO:HI", init);
            goto done;
        }
        const char *p = end + 1;
        hi = strtod(p, &end);
        if (end == p || *end) {
            cli_error(CMD, "--init: \"%s\" is not random:LO:HI", init);
            goto done;
        }
        st = mn_sim_init_random(sim, 0.0, lo, hi, (uint64_t)seed);
    } else if (!strncmp(init, "file:", 5)) {
        if (read_values(init + 5, &init_vals, &n_init)) goto done;
        size_t ns = mn_network_state_count(net);
        if (n_init != ns) {
            cli_error(CMD, "--init: \"%s\" has %zu values, the network has %zu states", init + 5, n_init, ns);
            goto done;
        }
        st = mn_sim_init_states(sim, 0.0, init_vals);
    } else {
        double x;
        if (cli_parse_double(CMD, "--init", init, &x)) goto done;
        st = mn_sim_init_uniform(sim, 0.0, x);
    }
    if (st) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if (rec_list) {
        if (cli_parse_nodes(CMD, "--record-edges", rec_list, &rec, &nrec)) goto done;
        if ((st = mn_sim_record_edges(sim, rec, nrec))) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    if (snaps) {
        if (parse_times(snaps, &snap_t, &n_snap)) goto done;
        if ((st = mn_sim_set_snapshots(sim, snap_t, n_snap, snap_prefix, NULL, NULL))) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    if (events_out && (st = mn_sim_record_events_csv(sim, events_out))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if ((st = mn_sim_set_sample_interval(sim, 0.0, dt_out))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if (restart_path && (st = mn_sim_checkpoint_load(sim, restart_path))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if (!(t_end > mn_sim_time(sim))) {
        cli_error(CMD, "--t-end: %g must be after the start time %g", t_end, mn_sim_time(sim));
        rc = 2;
        goto done;
    }

    /* ------------------------------------------------------------ output */
    out = fopen(out_path, restart_path ? "a" : "w");
    if (!out) {
        cli_error(CMD, "--out: cannot open \"%s\" (%s)", out_path, strerror(errno));
        goto done;
    }
    hf = open_memstream(&header, &header_len);
    if (!hf) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    fprintf(hf, "memnet_version=%s\ncommand=memnet", mn_version_string());
    for (int i = 0; i < argc; i++) fprintf(hf, " %s", argv[i]);
    fprintf(hf, "\nnetwork=%s\nnodes=%zu\nedges=%zu\n", network, mn_graph_node_count(g),
            mn_graph_edge_count(g));
    if (mix_text) fprintf(hf, "mix=%s\nmix_seed=%llu\n", mix_text, mix_seed);
    else fprintf(hf, "model=%s\n", mn_model_ops_of(model)->name);
    for (size_t j = 0; j < mix.k; j++) {
        const mn_model_ops *ops = mn_model_ops_of(mix.models[j]);
        for (size_t p = 0; p < ops->n_params; p++) {
            double val;
            mn_model_get(mix.models[j], ops->params[p].name, &val);
            if (mix_text) fprintf(hf, "param.%s.%s=%.17g\n", ops->name, ops->params[p].name, val);
            else fprintf(hf, "param.%s=%.17g\n", ops->params[p].name, val);
        }
    }
    fprintf(hf, "waveform=%s\nsource_mode=%s\ninit=%s\nseed=%llu\nintegrator=%s\nrtol=%g\natol=%g\n", spec,
            current_mode ? "current" : "voltage", init, seed, integ, rtol, atol);
    if (integrator >= MN_SIM_EULER) fprintf(hf, "dt=%g\n", dt);
    if (restart_path) fprintf(hf, "restart=%s\nrestart_time=%.17g\n", restart_path, mn_sim_time(sim));
    fclose(hf);
    hf = NULL;
    if (!restart_path) {
        for (const char *p = header; *p;) {
            size_t l = strcspn(p, "\n");
            fprintf(out, "# %.*s\n", (int)l, p);
            p += l;
            if (*p) p++;
        }
        fprintf(out, "t,V,I,G");
    }
    r.out = out;
    r.current_mode = current_mode;
    r.src_nodes = src;
    r.n_src = nsrc;
    const mn_model_ops *ops = mn_model_ops_of(model);
    r.n_state_cols = ops->n_states;
    if (mix_text) {
        /* columns mean_<model>_<state> */
        size_t nm = mn_network_model_count(net), cols = 0;
        for (size_t j = 0; j < nm; j++) cols += mn_network_model_ops(net, j)->n_states;
        r.mix_sum = calloc(cols + 1, sizeof *r.mix_sum);
        r.mix_base = calloc(2 * nm, sizeof *r.mix_base);
        if (!r.mix_sum || !r.mix_base) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        size_t *base = r.mix_base, c = 0;
        const mn_index *em = mn_network_edge_models(net);
        for (size_t j = 0; j < nm; j++) base[j] = c, c += mn_network_model_ops(net, j)->n_states;
        for (size_t e = 0; e < mn_graph_edge_count(g); e++) base[nm + (size_t)em[e]]++;
        r.n_state_cols = cols;
        r.mix_net = net;
    }
    r.rec = rec;
    r.n_rec = nrec;
    r.off = mn_network_state_offsets(net);
    r.energy = energy;
    r.progress = !quiet && cli_stderr_is_tty();
    r.t_start = mn_sim_time(sim);
    clock_gettime(CLOCK_MONOTONIC, &r.last_draw);
    r.last_draw.tv_sec -= 1;
    if (!restart_path) {
        if (mix_text) {
            for (size_t j = 0; j < mn_network_model_count(net); j++) {
                const mn_model_ops *mo = mn_network_model_ops(net, j);
                for (size_t q = 0; q < mo->n_states; q++)
                    fprintf(out, ",mean_%s_%s", mo->name, mo->state_names && mo->state_names[q] ? mo->state_names[q] : "x");
            }
        } else {
            for (size_t j = 0; j < ops->n_states; j++)
                fprintf(out, ",mean_%s", ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x");
        }
        for (size_t k = 0; k < nrec; k++) {
            size_t ns_e = r.off[rec[k] + 1] - r.off[rec[k]];
            for (size_t j = 0; j < ns_e; j++) {
                if (ns_e == 1) fprintf(out, ",x%d", (int)rec[k]);
                else {
                    const mn_model_ops *eo = mn_network_model_ops(net, (size_t)mn_network_edge_models(net)[rec[k]]);
                    fprintf(out, ",x%d_%s", (int)rec[k], eo->state_names && eo->state_names[j] ? eo->state_names[j] : "x");
                }
            }
        }
        if (energy) fprintf(out, ",E_src,E_edges");
        fputc('\n', out);
    }
    mn_sim_set_sample_callback(sim, sample_cb, &r);
    mn_sim_set_progress_callback(sim, progress_cb, 1, &r);

    /* ------------------------------------------------------------ run */
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = MN_OK;
    while (st == MN_OK && mn_sim_time(sim) < t_end) {
        double stop = t_end;
        if (cp_every > 0) {
            double next = (floor(mn_sim_time(sim) / cp_every + 1e-9) + 1) * cp_every;
            if (next < stop) stop = next;
        }
        st = mn_sim_run(sim, stop);
        if (st == MN_OK && cp_path && stop < t_end) {
            if ((st = mn_sim_checkpoint_save(sim, cp_path))) break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sigaction(SIGINT, &old_sa, NULL);
    if (r.progress) fputc('\n', stderr);
    int cancelled = st == MN_ERR_CANCELLED && interrupted;
    if (st && !cancelled) {
        if (r.write_error) cli_error(CMD, "--out: write to \"%s\" failed", out_path);
        else cli_fail(CMD, ctx, st);
        goto done;
    }
    if (cp_path) {
        mn_status cs = mn_sim_checkpoint_save(sim, cp_path);
        if (cs) {
            cli_fail(CMD, ctx, cs);
            goto done;
        }
    }
    if (fflush(out) || ferror(out)) {
        cli_error(CMD, "--out: write to \"%s\" failed", out_path);
        goto done;
    }
    cli_print_version_kv(stdout);
    cli_out_str("status", "%s", cancelled ? "interrupted" : "complete");
    cli_out("t_reached=%.17g\n", mn_sim_time(sim));
    cli_out("seed=%llu\n", seed);
    cli_out("wall_seconds=%.6g\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    static const char *names[] = { "steps", "rhs_evals", "jv_evals", "linear_iters", "newton_iters",
                                   "prec_setups", "err_test_fails", "root_evals", "events",
                                   "restarts", "kirchhoff_solves" };
    for (int k = 0; k < 11; k++) cli_out("%s=%llu\n", names[k], (unsigned long long)mn_sim_stat_get(sim, (mn_sim_stat)k));
    uint64_t an, rf, up, cg, cgi;
    mn_kirchhoff_stats(mn_sim_kirchhoff(sim), &an, &rf, &up, &cg, &cgi);
    cli_out("refactorisations=%llu\nupdates=%llu\ncg_solves=%llu\ncg_iterations=%llu\n", (unsigned long long)rf,
           (unsigned long long)up, (unsigned long long)cg, (unsigned long long)cgi);
    if (mix_text) { /* edges per model of the mix */
        const mn_index *em = mn_network_edge_models(net);
        for (size_t j = 0; j < mn_network_model_count(net); j++) {
            size_t c = 0;
            for (size_t e = 0; e < mn_graph_edge_count(g); e++) c += (size_t)em[e] == j;
            cli_out("mix.%s.edges=%zu\n", mn_network_model_ops(net, j)->name, c);
        }
    }
    cli_out_str("out", "%s", out_path);
    if (cancelled) {
        fprintf(stderr, "memnet simulate: interrupted at t = %g; %s keeps the samples so far\n",
                mn_sim_time(sim), out_path);
        rc = 130;
    } else {
        rc = 0;
    }
done:
    if (hf) fclose(hf);
    free(header);
    if (out) fclose(out);
    mn_sim_free(sim);
    mn_waveform_free(w);
    mn_network_free(net);
    for (size_t j = 0; j < mix.k; j++) mn_model_free(mix.models[j]);
    free(r.mix_sum), free(r.mix_base);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(src), free(drn), free(rec), free(init_vals), free(snap_t), free(sets);
    return rc;
usage_fail:
    free(sets);
    return 2;
}
