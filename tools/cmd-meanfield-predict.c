/* memnet meanfield predict: a network's G(t) under a voltage protocol from the effective-medium
 * reduction (mn_meanfield_ema_*), with no fitted parameter. */
#include "cli.h"
#include "cmd-meanfield.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "meanfield predict"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet meanfield predict --network FILE --source NODES --drain NODES\n"
            "                        --waveform SPEC --t-end T [--dt-out DT] [--init G0]\n"
            "                        [--junction miranda|hillock|strukov_hp] [--set NAME=VALUE]...\n"
            "                        [--gap D] [--classes K] [--rtol R] [--atol A]\n"
            "                        [--exact | --estimate TOL] [--seed K] [--out FILE.csv]\n"
            "\n"
            "Predicts the effective conductance G(t) of a network of identical junctions driven\n"
            "by a voltage source between two electrodes, from the network and the junction's\n"
            "parameters alone (no fit): the effective-medium reduction of docs/meanfield.md.\n"
            "One projector of the network gives each junction's voltage per applied volt and the\n"
            "resistance of the rest of the network seen from it; junctions are grouped into\n"
            "classes of equal voltage, each embedded in a uniform medium fixed self-consistently.\n"
            "\n"
            "  --network FILE     network file (memnet native format or an edge list)\n"
            "  --source NODES     source electrode (node ids or a node-set name, e.g. left)\n"
            "  --drain NODES      drain electrode (held at 0 V)\n"
            "  --waveform SPEC    the source's voltage, as memnet simulate --waveform\n"
            "                     (e.g. pwl:0:2,100:2,100:0.1,200:0.1)\n"
            "  --t-end T          end time (s)\n"
            "  --dt-out DT        output interval (s; default t_end/200)\n"
            "  --init G0          initial state of every junction (default 0)\n"
            "  --junction MODEL   the junction model (default miranda, lib/models' defaults)\n"
            "  --set NAME=VALUE   a junction parameter (repeatable; names as memnet models)\n"
            "  --gap D            junction gap for hillock (default: mean edge length, else 1)\n"
            "  --classes K        number of voltage classes (default 64; 0: one per junction)\n"
            "  --rtol R, --atol A tolerances of the time integration (default 1e-4, 1e-7)\n"
            "  --exact            diag(Omega) exactly by selected inversion (default: the\n"
            "                     leverage sketch: exact for the junctions of largest voltage\n"
            "                     within a work budget, 8 random projections for the others)\n"
            "  --estimate TOL     diag(Omega) by random projections to tolerance TOL\n"
            "  --seed K           seed of the random projections (default 1)\n"
            "  --out FILE.csv     write t,V,I,G,mean_g (the columns of memnet simulate)\n"
            "\n"
            "The voltage is held piecewise constant between the output times and the waveform's\n"
            "breakpoints at its value in the middle of each piece (exact for piecewise-constant\n"
            "waveforms). Prints key=value lines: nodes, edges, junctions (in the circuit),\n"
            "classes, Omega_N1, G_0, G_end, G_max, mean_g_end, steps, rejected, cpu_seconds\n"
            "(the projector and the prediction), out.\n");
}

/* the output times (0, dt, 2 dt, ..., and t_end) merged with the waveform's breakpoints in
 * (0, t_end); is_out marks the output times */
static int grid(const mn_waveform *w, double t_end, double dt, double **T, unsigned char **is_out,
                size_t *n)
{
    size_t no = (size_t)floor(t_end / dt + 1e-9) + 1, nb = 0, cb = 16;
    int tail = (double)(no - 1) * dt < t_end * (1 - 1e-12);
    double *b = malloc(cb * sizeof *b), *t = NULL;
    unsigned char *o = NULL;
    if (!b) return 1;
    for (double x = mn_waveform_next_breakpoint(w, 0); x < t_end; x = mn_waveform_next_breakpoint(w, x)) {
        if (nb == cb) {
            double *b2 = cb < ((size_t)1 << 40) ? realloc(b, 2 * cb * sizeof *b) : NULL;
            if (!b2) goto nomem;
            b = b2, cb *= 2;
        }
        b[nb++] = x;
    }
    size_t cap = no + (size_t)tail + nb, k = 0, ib = 0;
    t = malloc(cap * sizeof *t);
    o = malloc(cap);
    if (!t || !o) goto nomem;
    for (size_t i = 0; i < no + (size_t)tail; i++) {
        double to = i < no ? (double)i * dt : t_end;
        for (; ib < nb && b[ib] <= to; ib++)
            if (b[ib] < to && (!k || b[ib] > t[k - 1])) t[k] = b[ib], o[k++] = 0;
        if (k && to <= t[k - 1]) o[k - 1] = 1; /* never equal: outputs are above earlier points */
        else t[k] = to, o[k++] = 1;
    }
    free(b);
    *T = t, *is_out = o, *n = k;
    return 0;
nomem:
    free(b);
    free(t);
    free(o);
    return 1;
}

int mn_cli_meanfield_predict(int argc, char **argv)
{
    const char *net = NULL, *srcs = NULL, *dsts = NULL, *spec = NULL, *out = NULL;
    const char *junction = "miranda", *params[64];
    /* default: the leverage sketch (8 probes; exact for the small networks, see
     * docs/meanfield.md "Cost"); --exact: the selected inversion */
    int nparams = 0, method = MN_MEANFIELD_DIAG_SKETCH;
    double t_end = NAN, dt = NAN, g0 = 0, gap = NAN, classes = NAN, rtol = NAN, atol = NAN, tol = 0.5;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if ((v = cli_opt_value(argc, argv, &i, "--network"))) net = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--source"))) srcs = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--drain"))) dsts = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--waveform"))) spec = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--out"))) out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--junction"))) junction = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--set"))) {
            if (nparams == 64) return cli_error(CMD, "too many --set options"), 2;
            params[nparams++] = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--t-end"))) {
            if (cli_parse_double(CMD, "--t-end", v, &t_end)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--dt-out"))) {
            if (cli_parse_double(CMD, "--dt-out", v, &dt)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--init"))) {
            if (cli_parse_double(CMD, "--init", v, &g0)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--gap"))) {
            if (cli_parse_double(CMD, "--gap", v, &gap)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--classes"))) {
            if (cli_parse_double(CMD, "--classes", v, &classes)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--rtol"))) {
            if (cli_parse_double(CMD, "--rtol", v, &rtol)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--atol"))) {
            if (cli_parse_double(CMD, "--atol", v, &atol)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--estimate"))) {
            if (cli_parse_double(CMD, "--estimate", v, &tol)) return 2;
            if (!(tol > 0 && tol < 1))
                return cli_error(CMD, "--estimate: tolerance %g must be in (0, 1)", tol), 2;
            method = MN_MEANFIELD_DIAG_RANDOM;
        } else if (cli_flag(argv[i], "--exact")) {
            method = MN_MEANFIELD_DIAG_SELINV; /* dense is slower from ~100 nodes */
        } else if ((v = cli_opt_value(argc, argv, &i, "--seed"))) {
            if (cli_parse_u64(CMD, "--seed", v, &seed)) return 2;
        } else return cli_error(CMD, "unknown option \"%s\" (see --help)", argv[i]), 2;
    }
    if (!net || !srcs || !dsts || !spec || isnan(t_end))
        return cli_error(CMD, "--network, --source, --drain, --waveform and --t-end are required "
                              "(see --help)"), 2;
    if (!(t_end > 0 && isfinite(t_end))) return cli_error(CMD, "--t-end %g must be > 0", t_end), 2;
    if (isnan(dt)) dt = t_end / 200;
    if (!(dt > 0 && isfinite(dt) && t_end / dt <= 1e7))
        return cli_error(CMD, "--dt-out %g must be > 0 and give at most 1e7 samples", dt), 2;

    mn_context *ctx;
    if (mn_context_new(&ctx)) return cli_error(CMD, "out of memory");
    int rc = 1;
    mn_status st;
    mn_graph *g = NULL;
    mn_waveform *w = NULL;
    mn_model *jm = NULL;
    mn_meanfield_model *junc = NULL;
    mn_meanfield_projector *p = NULL;
    mn_meanfield_ema *e = NULL;
    mn_index *src = NULL, *dst = NULL;
    size_t ns = 0, nd = 0, n = 0;
    double *T = NULL, *V = NULL, *G = NULL, *gm = NULL;
    unsigned char *is_out = NULL;
    FILE *f = NULL;
    if ((st = mn_waveform_parse(&w, ctx, spec))) {
        rc = cli_fail(CMD, ctx, st);
        if (rc == 1) rc = 2;
        goto done;
    }
    if ((rc = cli_model_new(CMD, ctx, junction, &jm))) goto done;
    rc = 1;
    for (int k = 0; k < nparams; k++) {
        const char *eq = strchr(params[k], '=');
        char name[64];
        if (!eq || eq == params[k] || (size_t)(eq - params[k]) >= sizeof name) {
            cli_error(CMD, "--set \"%s\": expected NAME=VALUE", params[k]);
            rc = 2;
            goto done;
        }
        memcpy(name, params[k], (size_t)(eq - params[k]));
        name[eq - params[k]] = 0;
        if ((st = mn_model_set_text(jm, name, eq + 1))) {
            rc = cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    st = mn_graph_load(&g, ctx, net);
    if (st != MN_OK) st = mn_graph_read_edgelist(&g, ctx, net, 0, 0);
    if (st != MN_OK) {
        rc = cli_fail(CMD, ctx, st);
        goto done;
    }
    if (cli_resolve_nodes(CMD, "--source", srcs, g, &src, &ns) ||
        cli_resolve_nodes(CMD, "--drain", dsts, g, &dst, &nd)) {
        rc = 2;
        goto done;
    }
    size_t m = mn_graph_edge_count(g);
    if (isnan(gap)) { /* mean edge length, else 1 (as memnet meanfield --junction) */
        const double *len = mn_graph_edge_lengths(g);
        double sum = 0;
        size_t cnt = 0;
        for (size_t i = 0; len && i < m; i++)
            if (isfinite(len[i])) sum += len[i], cnt++;
        gap = cnt ? sum / (double)cnt : 1;
    }
    if (grid(w, t_end, dt, &T, &is_out, &n)) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    V = malloc(n * sizeof *V);
    G = malloc(n * sizeof *G);
    gm = malloc(n * sizeof *gm);
    if (!V || !G || !gm) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) /* held over [T_i, T_i+1) at its middle value */
        V[i] = mn_waveform_value(w, i + 1 < n ? 0.5 * (T[i] + T[i + 1]) : T[i]);
    clock_t c0 = clock();
    cli_sigint_install(1);
    st = mn_meanfield_projector_new(&p, g, src, ns, dst, nd, method, tol, seed);
    cli_sigint_restore();
    if (!st) st = mn_meanfield_model_from_junction(&junc, ctx, jm, gap, NULL, 0, 1);
    if (!st) st = mn_meanfield_ema_new(&e, p, junc);
    if (!st && !isnan(classes)) st = mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_CLASSES, classes);
    if (!st && !isnan(rtol)) st = mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_RTOL, rtol);
    if (!st && !isnan(atol)) st = mn_meanfield_ema_set(e, MN_MEANFIELD_EMA_ATOL, atol);
    if (!st) st = mn_meanfield_ema_integrate_sampled(e, T, V, n, g0, G, gm);
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (st) {
        rc = cli_fail(CMD, ctx, st);
        goto done;
    }
    double Gmax = 0;
    size_t last = 0;
    for (size_t i = 0; i < n; i++)
        if (is_out[i]) {
            Gmax = fmax(Gmax, G[i]);
            last = i;
        }
    if (out) {
        if (!(f = fopen(out, "w"))) {
            cli_error(CMD, "--out: cannot write \"%s\"", out);
            goto done;
        }
        cli_write_provenance(f, "network=%s\nsource=%s\ndrain=%s\nwaveform=%s\njunction=%s\n"
                                "init=%.17g\nmethod=effective-medium\nclasses=%zu\n",
                             net, srcs, dsts, spec, junction, g0, mn_meanfield_ema_class_count(e));
        for (int k = 0; k < nparams; k++) fprintf(f, "# param.%s\n", params[k]);
        int bad = fprintf(f, "t,V,I,G,mean_g\n") < 0;
        for (size_t i = 0; i < n && !bad; i++) {
            if (!is_out[i]) continue;
            double v = mn_waveform_value(w, T[i]);
            bad = fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", T[i], v, v * G[i], G[i], gm[i]) < 0;
        }
        int cl = fclose(f);
        f = NULL;
        if (bad || cl) {
            cli_error(CMD, "--out: error writing \"%s\"", out);
            goto done;
        }
    }
    cli_print_version_kv(stdout);
    cli_out("nodes=%zu\nedges=%zu\njunctions=%zu\n", mn_graph_node_count(g), m,
            m - mn_meanfield_projector_outside_count(p));
    cli_out("classes=%zu\n", mn_meanfield_ema_class_count(e));
    cli_out("Omega_N1=%.17g\n", mn_meanfield_projector_omega_n1(p));
    cli_out("G_0=%.17g\nG_end=%.17g\nG_max=%.17g\nmean_g_end=%.17g\n", G[0], G[last], Gmax, gm[last]);
    cli_out("steps=%llu\nrejected=%llu\n",
            (unsigned long long)mn_meanfield_ema_stat_get(e, MN_MEANFIELD_EMA_STAT_STEPS),
            (unsigned long long)mn_meanfield_ema_stat_get(e, MN_MEANFIELD_EMA_STAT_REJECTED));
    cli_out("cpu_seconds=%.6g\n", cpu);
    if (out) cli_out_str("out", "%s", out);
    rc = 0;
done:
    if (f) fclose(f);
    free(src);
    free(dst);
    free(T);
    free(is_out);
    free(V);
    free(G);
    free(gm);
    mn_meanfield_ema_free(e);
    mn_meanfield_projector_free(p);
    mn_meanfield_model_free(junc);
    mn_model_free(jm);
    mn_waveform_free(w);
    mn_graph_free(g);
    mn_context_free(ctx);
    return rc;
}
