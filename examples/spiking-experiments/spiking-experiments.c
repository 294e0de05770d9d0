/*
 * Spiking percolating nanoparticle networks (003 secs. 2.4-2.6, Figs. 5-7), built against the
 * public memnet API only.
 *
 *   spiking-experiments dc      [options]   DC drive: current traces, IEIs, ACF (003 Figs. 5, 6)
 *   spiking-experiments pulses  [options]   pulse train: potentiation / de-potentiation (Fig. 7)
 *
 * Options (defaults are small so a run takes seconds; the paper's sizes in brackets):
 *   --size W           box W x W pd (40)                         [200]
 *   --coverage P       surface coverage (0.65)                   [0.65]
 *   --cutoff C         largest tunnel gap kept, pd (1; with --neighbours cutoff)
 *   --neighbours R     cutoff (default) or voronoi: which groups a tunnel gap joins
 *                      (docs/generators.md)
 *   --seed S           network seed (1); --mix-seed K: which gaps become memristors (S)
 *   --types A|A:B|A:C  Type A only, or A:B / A:C (A)
 *   --fraction F       memristor percentage of the gaps (25)     [25]
 *   --voltage V        DC voltage (dc: 2 for A, 3 for mixtures)  [2, 3]
 *   --steps N          time steps (dc: 20000; pulses: set by the protocol) [500000]
 *   --dt S             seconds per time step (0.01; see docs/spiking.md)
 *   --type-a gap|filament  Type A conductance while open: alpha exp(-beta L) as 003 sec. 5.2
 *                      prints it (gap, memnet's default) or alpha exp(-beta (L - d))
 *                      (filament: tunnel=remaining)
 *   --integrator exact|euler|bdf   fixed time steps (exact: 003's discrete-time update, the
 *                      default) or CVODE BDF with event location (continuous time)
 *   --outputs K        output electrodes along the right side (dc: 1; pulses: 4, as Fig. 7)
 *   --skip F           fraction of the run left out of the IEI/ACF analysis (0.2: the paper
 *                      analyses the last 400 000 of 500 000 steps)
 *   --pulses N --width S --spacing S --vmin V --vmax V --lead S --rest S
 *                      pulse protocol in steps (7, 250, 250, 1.25, 6, 250, 1750) [Fig. 7]
 *   --set MODEL.P=V    a model parameter, e.g. filament.rd=0.02 (repeatable)
 *   --out-prefix P     output prefix (spiking)
 *
 * Writes P.csv (t,V,I,G,I_out0..,events: one row per step; I = current into the network at
 * the input, G = I/V, events = filament events in the step), P-events.csv (t,edge,kind),
 * P-summary.txt (key=value, also printed) and for `pulses` P-pulses.csv (per pulse and rest:
 * mean G, events, event rate). `memnet analyze --data P.csv --events P-events.csv` and
 * scripts/plot-analysis.py read these files; scripts/plot-spiking.py draws 003 Figs. 5-7.
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- Type A as 003 prints it
 * 003 sec. 5.2: an open Type A gap has G = alpha exp(-beta L_i) "based on its gap length L_i".
 * That is memnet's built-in filament with its defaults (tunnel=full; rd = 1e-4, rw = 100
 * per second, i.e. per 0.01 s step r_d = 1e-6 pd^2/V and r_w = 1 /A: 003 does not print its
 * r_d, r_w). `--type-a gap` (the default) uses it as is; `--type-a filament` selects
 * tunnel=remaining, G = alpha exp(-beta (L - d)), where a growing filament raises the
 * tunnelling current before it bridges. */
static mn_status new_type_a(mn_model **out, mn_context *ctx, const char *which)
{
    mn_status st = mn_model_new(out, ctx, "filament");
    if (st == MN_OK && strcmp(which, "filament") == 0) {
        st = mn_model_set_text(*out, "tunnel", "remaining");
        if (st != MN_OK) {
            mn_model_free(*out);
            *out = NULL;
        }
    }
    return st;
}

typedef struct run {
    /* samples */
    size_t n, cap;
    double *t, *V, *I, *G;
    double **Iout;
    size_t k_out;
    /* events */
    size_t ne, cape;
    double *te;
    size_t ev_since; /* events since the last sample */
    int *ev_in_sample;
    FILE *csv;
} run;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int on_event(double t, mn_index edge, mn_sim_event_kind kind, void *user)
{
    run *r = user;
    (void)edge;
    if (kind == MN_SIM_EVENT_OTHER) return 0;
    if (grow((void **)&r->te, &r->cape, r->ne + 1, sizeof(double))) return 1;
    r->te[r->ne++] = t;
    r->ev_since++;
    return 0;
}

static int on_sample(const mn_sim *sim, void *user)
{
    run *r = user;
    size_t cap = r->cap;
    if (grow((void **)&r->t, &cap, r->n + 1, sizeof(double))) return 1;
    cap = r->cap;
    if (grow((void **)&r->V, &cap, r->n + 1, sizeof(double))) return 1;
    cap = r->cap;
    if (grow((void **)&r->I, &cap, r->n + 1, sizeof(double))) return 1;
    cap = r->cap;
    if (grow((void **)&r->G, &cap, r->n + 1, sizeof(double))) return 1;
    cap = r->cap;
    if (grow((void **)&r->ev_in_sample, &cap, r->n + 1, sizeof(int))) return 1;
    for (size_t k = 0; k < r->k_out; k++) {
        cap = r->cap;
        if (grow((void **)&r->Iout[k], &cap, r->n + 1, sizeof(double))) return 1;
    }
    r->cap = cap;
    double t = mn_sim_time(sim), V = mn_sim_applied_voltage(sim, 0);
    double I = mn_sim_electrode_current(sim, 0);
    r->t[r->n] = t;
    r->V[r->n] = V;
    r->I[r->n] = I;
    r->G[r->n] = V != 0 ? I / V : 0.0;
    r->ev_in_sample[r->n] = (int)r->ev_since;
    fprintf(r->csv, "%.10g,%.10g,%.17g,%.17g", t, V, I, r->G[r->n]);
    for (size_t k = 0; k < r->k_out; k++) {
        r->Iout[k][r->n] = -mn_sim_electrode_current(sim, k + 1);
        fprintf(r->csv, ",%.17g", r->Iout[k][r->n]);
    }
    fprintf(r->csv, ",%zu\n", r->ev_since);
    r->ev_since = 0;
    r->n++;
    return 0;
}

typedef struct opts {
    const char *mode;
    double size, coverage, cutoff, fraction, voltage, dt, skip;
    double vmin, vmax, width, spacing, lead, rest;
    long steps, pulses, outputs;
    uint64_t seed, mix_seed;
    int mix_seed_set;
    const char *types, *integrator, *prefix, *type_a, *neighbours;
    const char *sets[64];
    size_t nsets;
} opts;

static void usage(void)
{
    fprintf(stderr, "usage: spiking-experiments dc|pulses [--size W] [--coverage P] [--cutoff C]\n"
                    "  [--neighbours cutoff|voronoi] [--seed S]\n"
                    "  [--mix-seed K] [--types A|A:B|A:C] [--fraction F] [--voltage V] [--steps N]\n"
                    "  [--dt S] [--type-a gap|filament] [--integrator exact|euler|bdf] [--outputs K] [--skip F]\n"
                    "  [--pulses N] [--width STEPS] [--spacing STEPS] [--vmin V] [--vmax V]\n"
                    "  [--lead STEPS] [--rest STEPS] [--set MODEL.P=V] [--out-prefix P]\n");
}

static int parse_num(const char *opt, const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    if (!*s || *end || !isfinite(*v)) {
        fprintf(stderr, "spiking-experiments: %s \"%s\" is not a number\n", opt, s);
        return -1;
    }
    return 0;
}

static int parse_args(opts *o, int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "dc") && strcmp(argv[1], "pulses"))) return -1;
    o->mode = argv[1];
    int pulses = !strcmp(o->mode, "pulses");
    o->size = 40;
    o->coverage = 0.65;
    o->cutoff = 1.0;
    o->fraction = 25;
    o->voltage = NAN;
    o->dt = 0.01;
    o->skip = 0.2;
    o->vmin = 1.25, o->vmax = 6, o->width = 250, o->spacing = 250, o->lead = 250, o->rest = 1750;
    o->steps = 20000;
    o->pulses = 7;
    o->outputs = pulses ? 4 : 1;
    o->seed = 1;
    o->types = pulses ? "A:C" : "A";
    o->integrator = "exact";
    o->prefix = "spiking";
    o->type_a = "gap";
    o->neighbours = "cutoff";
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "spiking-experiments: %s needs a value\n", a);
            return -1;
        }
        const char *v = argv[++i];
        double x;
        if (!strcmp(a, "--types")) {
            if (strcmp(v, "A") && strcmp(v, "A:B") && strcmp(v, "A:C")) {
                fprintf(stderr, "spiking-experiments: --types %s: use A, A:B or A:C\n", v);
                return -1;
            }
            o->types = v;
        } else if (!strcmp(a, "--integrator")) {
            if (strcmp(v, "exact") && strcmp(v, "euler") && strcmp(v, "bdf")) {
                fprintf(stderr, "spiking-experiments: --integrator %s: use exact, euler or bdf\n", v);
                return -1;
            }
            o->integrator = v;
        } else if (!strcmp(a, "--type-a")) {
            if (strcmp(v, "gap") && strcmp(v, "filament")) {
                fprintf(stderr, "spiking-experiments: --type-a %s: use gap or filament\n", v);
                return -1;
            }
            o->type_a = v;
        } else if (!strcmp(a, "--neighbours")) {
            if (strcmp(v, "cutoff") && strcmp(v, "voronoi")) {
                fprintf(stderr, "spiking-experiments: --neighbours %s: use cutoff or voronoi\n", v);
                return -1;
            }
            o->neighbours = v;
        } else if (!strcmp(a, "--out-prefix")) {
            o->prefix = v;
        } else if (!strcmp(a, "--set")) {
            if (o->nsets == 64) return -1;
            o->sets[o->nsets++] = v;
        } else {
            if (parse_num(a, v, &x)) return -1;
            if (!strcmp(a, "--size")) o->size = x;
            else if (!strcmp(a, "--coverage")) o->coverage = x;
            else if (!strcmp(a, "--cutoff")) o->cutoff = x;
            else if (!strcmp(a, "--seed")) o->seed = (uint64_t)x;
            else if (!strcmp(a, "--mix-seed")) o->mix_seed = (uint64_t)x, o->mix_seed_set = 1;
            else if (!strcmp(a, "--fraction")) o->fraction = x;
            else if (!strcmp(a, "--voltage")) o->voltage = x;
            else if (!strcmp(a, "--steps")) o->steps = (long)x;
            else if (!strcmp(a, "--dt")) o->dt = x;
            else if (!strcmp(a, "--skip")) o->skip = x;
            else if (!strcmp(a, "--outputs")) o->outputs = (long)x;
            else if (!strcmp(a, "--pulses")) o->pulses = (long)x;
            else if (!strcmp(a, "--width")) o->width = x;
            else if (!strcmp(a, "--spacing")) o->spacing = x;
            else if (!strcmp(a, "--vmin")) o->vmin = x;
            else if (!strcmp(a, "--vmax")) o->vmax = x;
            else if (!strcmp(a, "--lead")) o->lead = x;
            else if (!strcmp(a, "--rest")) o->rest = x;
            else {
                fprintf(stderr, "spiking-experiments: unknown option %s\n", a);
                return -1;
            }
        }
    }
    if (!(o->size > 2) || !(o->dt > 0) || o->steps < 10 || o->outputs < 1 || o->outputs > 32 ||
        !(o->fraction >= 0 && o->fraction <= 100) || !(o->skip >= 0 && o->skip < 1) ||
        o->pulses < 1 || !(o->width >= 1) || !(o->spacing >= 0) || !(o->lead >= 0) ||
        !(o->rest >= 0)) {
        fprintf(stderr, "spiking-experiments: an option is out of range (size > 2, dt > 0, steps >= 10, "
                        "1 <= outputs <= 32, 0 <= fraction <= 100, 0 <= skip < 1, pulses >= 1, "
                        "width >= 1)\n");
        return -1;
    }
    if (isnan(o->voltage)) o->voltage = strcmp(o->types, "A") ? 3.0 : 2.0;
    if (!o->mix_seed_set) o->mix_seed = o->seed;
    if (pulses) o->steps = (long)(o->lead + o->pulses * (o->width + o->spacing) + o->rest);
    return 0;
}

static int fail(mn_context *ctx, mn_status st)
{
    fprintf(stderr, "spiking-experiments: %s (%s)\n", mn_context_last_error(ctx), mn_status_name(st));
    return 1;
}

#define TRY(expr)                                                                              \
    do {                                                                                       \
        mn_status st_ = (expr);                                                                \
        if (st_ != MN_OK) {                                                                    \
            rc = fail(ctx, st_);                                                               \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

/* --set MODEL.P=V: apply to the model named MODEL ("filament", "hillock", "miranda") */
static mn_status apply_sets(mn_context *ctx, const opts *o, mn_model *m, const char *name)
{
    size_t ln = strlen(name);
    for (size_t i = 0; i < o->nsets; i++) {
        const char *s = o->sets[i], *dot = strchr(s, '.');
        if (!dot) {
            fprintf(stderr, "spiking-experiments: --set %s: use MODEL.P=V\n", s);
            return MN_ERR_INVALID;
        }
        if ((size_t)(dot - s) == ln && !strncmp(s, name, ln)) {
            mn_status st = mn_model_set_assignment(m, dot + 1);
            if (st != MN_OK) return st;
        }
    }
    (void)ctx;
    return MN_OK;
}

static void summary(FILE *f, const char *key, double v)
{
    fprintf(f, "%s=%.10g\n", key, v);
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    if (parse_args(&o, argc, argv)) {
        usage();
        return 2;
    }
    int rc = 0, pulses = !strcmp(o.mode, "pulses");
    mn_context *ctx = NULL;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_model *mA = NULL, *mX = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_waveform *w = NULL, *wdc = NULL, *wp = NULL;
    mn_powerlaw *fit = NULL;
    mn_index *used = NULL;
    double *iei = NULL, *acf = NULL, *buf = NULL;
    run r;
    memset(&r, 0, sizeof r);
    char path[4096];
    FILE *sum = NULL;
    if (mn_context_new(&ctx) != MN_OK) return 1;

    /* the network: 003 sec. 5.1, input on the left side, K outputs on the right side */
    double W = o.size;
    TRY(mn_gen_new(&gen, ctx));
    TRY(mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)o.seed));
    TRY(mn_gen_set_real(gen, MN_GEN_WIDTH, W));
    TRY(mn_gen_set_real(gen, MN_GEN_HEIGHT, W));
    TRY(mn_gen_set_real(gen, MN_GEN_COVERAGE, o.coverage));
    TRY(mn_gen_set_real(gen, MN_GEN_GAP_CUTOFF, o.cutoff));
    TRY(mn_gen_set_int(gen, MN_GEN_NEIGHBOURS,
                       strcmp(o.neighbours, "voronoi") ? MN_GEN_NEIGHBOURS_CUTOFF
                                                       : MN_GEN_NEIGHBOURS_VORONOI));
    TRY(mn_gen_add_electrode_rect(gen, "in", 0, 0, 0, W));
    for (long k = 0; k < o.outputs; k++) {
        char name[32];
        snprintf(name, sizeof name, "out%ld", k);
        double h = W / (double)o.outputs;
        /* segments with 10% gaps between them, so adjacent outputs are distinct contacts */
        TRY(mn_gen_add_electrode_rect(gen, name, W, h * ((double)k + 0.05), W,
                                      h * ((double)k + 0.95)));
    }
    TRY(mn_gen_nanoparticles(&g, gen));
    size_t ne_graph = mn_graph_edge_count(g), nn = mn_graph_node_count(g);

    /* models: Type A filaments, Type B hillocks or Type C rate balance (003 Table 1) */
    TRY(new_type_a(&mA, ctx, strcmp(o.type_a, "gap") ? "filament" : "gap"));
    /* memnet's defaults are the rates per second for 1 step = dt = 0.01 s (docs/spiking.md):
     * growth rd dt = 1e-6 pd^2/V and thinning rw dt = 1 /A per step: about 0.1 filament
     * events per step on 200 x 200 at 2 V, and a filament that carries the spanning current
     * (~0.1-1 A) breaks within a few steps */
    TRY(apply_sets(ctx, &o, mA, "filament"));
    TRY(mn_network_new(&net, g));
    size_t n_mem = 0;
    if (!strcmp(o.types, "A") || o.fraction == 0) {
        TRY(mn_network_assign(net, mA, NULL, 0, NULL));
    } else {
        const char *xname = !strcmp(o.types, "A:B") ? "hillock" : "miranda";
        TRY(mn_model_new(&mX, ctx, xname));
        if (!strcmp(xname, "miranda")) TRY(mn_model_set(mX, "Gmin", 0.0)); /* 003 Table 1 */
        TRY(apply_sets(ctx, &o, mX, xname));
        const mn_model *ms[2] = { mA, mX };
        double fr[2] = { 100.0 - o.fraction, o.fraction };
        TRY(mn_network_assign_fractions(net, ms, fr, 2, o.mix_seed));
        const mn_index *em = mn_network_edge_models(net);
        for (size_t e = 0; e < ne_graph; e++)
            n_mem += strncmp(mn_network_model_ops(net, (size_t)em[e])->name, "filament", 8) != 0;
    }

    TRY(mn_sim_new(&sim, net));
    /* waveform */
    double dt = o.dt;
    if (pulses) {
        TRY(mn_waveform_new_dc(&wdc, ctx, o.vmin));
        TRY(mn_waveform_new_pulse(&wp, ctx, o.vmax - o.vmin, 0.0, o.width * dt,
                                  (o.width + o.spacing) * dt, o.pulses, o.lead * dt));
        const mn_waveform *terms[2] = { wdc, wp };
        double wts[2] = { 1, 1 };
        TRY(mn_waveform_new_sum(&w, ctx, terms, wts, 2));
    } else {
        TRY(mn_waveform_new_dc(&w, ctx, o.voltage));
    }
    /* electrodes: a group touching two contacts is kept in the first only */
    used = calloc(nn, sizeof *used);
    if (!used) {
        rc = 1;
        goto done;
    }
    for (long k = -1; k < o.outputs; k++) {
        char name[32];
        if (k < 0) snprintf(name, sizeof name, "in");
        else snprintf(name, sizeof name, "out%ld", k);
        const mn_index *nodes;
        size_t n, m = 0;
        TRY(mn_graph_node_set(g, name, &nodes, &n));
        mn_index *mine = malloc((n ? n : 1) * sizeof *mine);
        if (!mine) {
            rc = 1;
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (!used[nodes[i]]) used[nodes[i]] = 1, mine[m++] = nodes[i];
        mn_status st = m ? mn_sim_add_electrode(sim, mine, m, k < 0 ? w : NULL, NULL) : MN_OK;
        free(mine);
        if (!m) {
            fprintf(stderr,
                    "spiking-experiments: electrode %s has no node of its own (the network is "
                    "too small for that many --outputs)\n",
                    name);
            rc = 1;
            goto done;
        }
        TRY(st);
    }
    r.k_out = (size_t)o.outputs;
    r.Iout = calloc(r.k_out, sizeof *r.Iout);
    if (!r.Iout) {
        rc = 1;
        goto done;
    }

    mn_sim_integrator integ = !strcmp(o.integrator, "bdf")     ? MN_SIM_BDF
                              : !strcmp(o.integrator, "euler") ? MN_SIM_EULER
                                                               : MN_SIM_EXACT;
    TRY(mn_sim_set_integrator(sim, integ));
    TRY(mn_sim_set_fixed_step(sim, dt));
    TRY(mn_sim_init_default(sim, 0.0));
    TRY(mn_sim_set_sample_interval(sim, dt, dt));
    TRY(mn_sim_set_sample_callback(sim, on_sample, &r));
    TRY(mn_sim_set_event_callback(sim, on_event, &r));
    snprintf(path, sizeof path, "%s-events.csv", o.prefix);
    TRY(mn_sim_record_events_csv(sim, path));
    snprintf(path, sizeof path, "%s.csv", o.prefix);
    r.csv = fopen(path, "w");
    if (!r.csv) {
        fprintf(stderr, "spiking-experiments: cannot write %s\n", path);
        rc = 1;
        goto done;
    }
    fprintf(r.csv, "# experiment=%s types=%s fraction=%g size=%g coverage=%g seed=%llu dt=%g "
                   "integrator=%s\n",
            o.mode, o.types, o.fraction, W, o.coverage, (unsigned long long)o.seed, dt,
            o.integrator);
    fprintf(r.csv, "t,V,I,G");
    for (size_t k = 0; k < r.k_out; k++) fprintf(r.csv, ",I_out%zu", k);
    fprintf(r.csv, ",events\n");

    double T = (double)o.steps * dt;
    TRY(mn_sim_run(sim, T + 0.5 * dt));
    fclose(r.csv);
    r.csv = NULL;
    TRY(mn_sim_record_events_csv(sim, NULL));

    /* ----------------------------------------------------------- summary and analysis */
    snprintf(path, sizeof path, "%s-summary.txt", o.prefix);
    sum = fopen(path, "w");
    if (!sum) {
        fprintf(stderr, "spiking-experiments: cannot write %s\n", path);
        rc = 1;
        goto done;
    }
    fprintf(sum, "experiment=%s\ntypes=%s\nnodes=%zu\nedges=%zu\nmemristors=%zu\n", o.mode,
            o.types, nn, ne_graph, n_mem);
    summary(sum, "coverage", mn_gen_coverage(gen));
    summary(sum, "dt", dt);
    summary(sum, "steps", (double)o.steps);
    fprintf(sum, "integrator=%s\ntype_a=%s\n", o.integrator, o.type_a);
    summary(sum, "events", (double)r.ne);
    summary(sum, "integrator_steps", (double)mn_sim_stat_get(sim, MN_SIM_STAT_STEPS));
    {
        uint64_t rf = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_REFACTORS);
        uint64_t up = mn_kirchhoff_stat_get(mn_sim_kirchhoff(sim), MN_KIRCHHOFF_STAT_UPDATES);
        summary(sum, "refactorisations", (double)rf);
        summary(sum, "rank_updates", (double)up);
    }
    double tskip = o.skip * T;
    size_t i0 = 0;
    while (i0 < r.ne && r.te[i0] <= tskip) i0++;
    size_t m = r.ne - i0;
    summary(sum, "events_analysed", (double)m);
    summary(sum, "event_rate", m / (T - tskip)); /* events per second */
    summary(sum, "event_rate_per_step", m / (T - tskip) * dt);
    {
        double Imean = 0;
        size_t c = 0;
        for (size_t i = 0; i < r.n; i++)
            if (r.t[i] > tskip) Imean += r.I[i], c++;
        summary(sum, "mean_current", c ? Imean / (double)c : NAN);
    }
    if (m >= 30) {
        iei = malloc((m - 1) * sizeof *iei);
        if (!iei) {
            rc = 1;
            goto done;
        }
        TRY(mn_analysis_intervals(iei, ctx, r.te + i0, m));
        TRY(mn_powerlaw_new(&fit, ctx));
        TRY(mn_powerlaw_set(fit, MN_POWERLAW_MAX_CANDIDATES, 1000));
        mn_status st = mn_powerlaw_fit(fit, iei, m - 1);
        if (st == MN_OK) {
            summary(sum, "iei_exponent", mn_powerlaw_alpha(fit));
            summary(sum, "iei_exponent_err", mn_powerlaw_alpha_err(fit));
            summary(sum, "iei_xmin", mn_powerlaw_xmin(fit));
            summary(sum, "iei_n_tail", (double)mn_powerlaw_n_tail(fit));
            summary(sum, "iei_ks", mn_powerlaw_ks(fit));
        } else {
            fprintf(sum, "iei_fit=failed: %s\n", mn_context_last_error(ctx));
        }
        /* ACF of the event train binned per time step: lags 1, 10, 100 steps */
        size_t nb = (size_t)((T - tskip) / dt), lag = nb > 2001 ? 1000 : nb / 2;
        acf = malloc((lag + 1) * sizeof *acf);
        if (!acf) {
            rc = 1;
            goto done;
        }
        if (mn_analysis_event_acf(acf, ctx, r.te + i0, m, tskip, dt, nb, lag) == MN_OK) {
            summary(sum, "acf_lag1", acf[1]);
            if (lag >= 10) summary(sum, "acf_lag10", acf[10]);
            if (lag >= 100) summary(sum, "acf_lag100", acf[100]);
        }
    }
    if (pulses && r.n > 0) {
        /* per stimulus and rest window: mean G and event count (003 Fig. 7c); the moving
         * averages over 100 steps come from the analysis API */
        buf = malloc(2 * r.n * sizeof *buf);
        if (!buf) {
            rc = 1;
            goto done;
        }
        TRY(mn_analysis_moving_average(buf, ctx, r.G, r.n, 100));
        TRY(mn_analysis_event_rate(buf + r.n, ctx, r.t, r.n, r.te, r.ne, 100 * dt));
        snprintf(path, sizeof path, "%s-pulses.csv", o.prefix);
        FILE *pf = fopen(path, "w");
        if (!pf) {
            rc = 1;
            goto done;
        }
        fprintf(pf, "window,kind,t0,t1,mean_G,mean_I,events,event_rate\n");
        /* windows: pulse k = [lead + k P, lead + k P + width), the rest after it until the next */
        long nwin = 2 * o.pulses;
        for (long k = 0; k <= nwin; k++) {
            double a, b;
            const char *kind;
            double P = o.width + o.spacing;
            if (k == nwin) {
                a = o.lead + o.pulses * P, b = (double)o.steps, kind = "final_rest";
                a -= o.spacing; /* the rest after the last pulse includes its spacing */
            } else if (k % 2 == 0) {
                a = o.lead + (double)(k / 2) * P, b = a + o.width, kind = "pulse";
            } else {
                a = o.lead + (double)(k / 2) * P + o.width, b = a + o.spacing, kind = "rest";
                if (k == nwin - 1) continue; /* covered by final_rest */
            }
            a *= dt, b *= dt;
            double sG = 0, sI = 0;
            size_t c = 0, ev = 0;
            for (size_t i = 0; i < r.n; i++)
                if (r.t[i] > a && r.t[i] <= b) sG += r.G[i], sI += r.I[i], c++;
            for (size_t i = 0; i < r.ne; i++) ev += r.te[i] > a && r.te[i] <= b;
            fprintf(pf, "%ld,%s,%.10g,%.10g,%.10g,%.10g,%zu,%.10g\n", k, kind, a, b,
                    c ? sG / (double)c : NAN, c ? sI / (double)c : NAN, ev, ev / (b - a));
            if (!strcmp(kind, "pulse")) {
                char key[64];
                snprintf(key, sizeof key, "pulse%ld_mean_G", k / 2 + 1);
                summary(sum, key, c ? sG / (double)c : NAN);
                snprintf(key, sizeof key, "pulse%ld_events", k / 2 + 1);
                summary(sum, key, (double)ev);
            } else if (!strcmp(kind, "final_rest")) {
                /* decay in the rest: G at its start (the moving average) and at its end */
                size_t ia = 0, ib = r.n - 1;
                while (ia < r.n && r.t[ia] <= a + 100 * dt) ia++;
                if (ia == r.n) ia = r.n - 1;
                summary(sum, "rest_G_start", buf[ia]);
                summary(sum, "rest_G_end", buf[ib]);
                summary(sum, "rest_events", (double)ev);
            }
        }
        fclose(pf);
        snprintf(path, sizeof path, "%s-moving.csv", o.prefix);
        pf = fopen(path, "w");
        if (!pf) {
            rc = 1;
            goto done;
        }
        fprintf(pf, "t,V,mean_G,event_rate\n");
        for (size_t i = 0; i < r.n; i++)
            fprintf(pf, "%.10g,%.10g,%.10g,%.10g\n", r.t[i], r.V[i], buf[i], buf[r.n + i]);
        fclose(pf);
    }
    fclose(sum);
    sum = NULL;
    snprintf(path, sizeof path, "%s-summary.txt", o.prefix);
    {
        FILE *f = fopen(path, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) fputs(line, stdout);
        if (f) fclose(f);
    }

done:
    if (r.csv) fclose(r.csv);
    if (sum) fclose(sum);
    for (size_t k = 0; r.Iout && k < r.k_out; k++) free(r.Iout[k]);
    free(r.Iout);
    free(r.t), free(r.V), free(r.I), free(r.G), free(r.te), free(r.ev_in_sample);
    free(iei), free(acf), free(buf), free(used);
    mn_powerlaw_free(fit);
    mn_sim_free(sim);
    mn_waveform_free(w), mn_waveform_free(wdc), mn_waveform_free(wp);
    mn_network_free(net);
    mn_model_free(mA), mn_model_free(mX);
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return rc;
}
