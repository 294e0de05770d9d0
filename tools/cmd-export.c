/* memnet export: a network as a SPICE netlist for ngspice (public API only, memnet/spice.h). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "export"

static const char *usage =
    "usage: memnet export --spice --network FILE --model NAME [--set P=V ...]\n"
    "                     --source NODES [--drain NODES] [--waveform SPEC --t-end T --dt-out DT]\n"
    "                     [--init X | --states FILE] [--kind behavioural|resistors]\n"
    "                     [--length-column K] --out FILE.cir\n"
    "\n"
    "Writes the network as an ngspice netlist (docs/interop.md). Kinds:\n"
    "  resistors     one resistor 1/G per junction at the initial states (any model);\n"
    "                a .op analysis, or a .tran when --waveform is given\n"
    "  behavioural   (default with --waveform) every junction a current source\n"
    "                I = G(x) V whose state x sits on a 1 F capacitor driven by dx/dt of the\n"
    "                model (miranda, strukov_hp; resistor), with .ic from the initial states\n"
    "                and .tran DT T\n"
    "The source electrode (node ids, ranges or a node-set name) follows the waveform (PWL,\n"
    "default dc:1) as voltage source Ve0; the drain (default: the network file's second\n"
    "node set, else required) is ground. memnet's source current is -i(Ve0).\n"
    "  --init X        initial states: default (the models' own) or a number for every state\n"
    "  --states FILE   initial states, one number per line in edge order (# comments)\n"
    "Exit status: 0 ok, 1 run error, 2 usage error.\n";

static int read_states(const char *path, double *x, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_error(CMD, "--states: cannot open \"%s\" (%s)", path, strerror(errno));
    char line[512];
    size_t k = 0, ln = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || !*p) continue;
        p[strcspn(p, " \t\r\n")] = 0;
        if (k == n) {
            rc = cli_error(CMD, "--states: \"%s\" has more than the network's %zu states (line %zu)",
                           path, n, ln);
            break;
        }
        char opt[64];
        snprintf(opt, sizeof opt, "--states line %zu", ln);
        if (cli_parse_double(CMD, opt, p, &x[k++])) {
            rc = 1;
            break;
        }
    }
    if (!rc && ferror(f)) rc = cli_error(CMD, "--states: reading \"%s\" failed", path);
    fclose(f);
    if (!rc && k != n)
        rc = cli_error(CMD, "--states: \"%s\" has %zu values, the network has %zu states", path, k, n);
    return rc;
}

int mn_cli_export(int argc, char **argv)
{
    const char *network = NULL, *model_name = NULL, *source = NULL, *drain = NULL,
               *wave = NULL, *t_end_text = NULL, *dt_text = NULL, *init = NULL,
               *states = NULL, *kind_text = NULL, *outp = NULL, *lcol = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int nsets = 0, spice = 0, rc = CLI_EXIT_USAGE;
    if (!sets) return cli_error(CMD, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            free(sets);
            return 0;
        }
        if (cli_flag(argv[i], "--spice")) {
            spice = 1;
            continue;
        }
#define OPT(name, var)                                                                          \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        var = v;                                                                                \
        continue;                                                                               \
    }
        OPT("--network", network)
        OPT("--model", model_name)
        OPT("--source", source)
        OPT("--drain", drain)
        OPT("--waveform", wave)
        OPT("--t-end", t_end_text)
        OPT("--dt-out", dt_text)
        OPT("--init", init)
        OPT("--states", states)
        OPT("--kind", kind_text)
        OPT("--out", outp)
        OPT("--length-column", lcol)
#undef OPT
        if ((v = cli_opt_value(argc, argv, &i, "--set")) != NULL) {
            sets[nsets++] = v;
            continue;
        }
        if (i < argc && !strncmp(argv[i], "--", 2) && argv[i][2] && !strchr(argv[i], '=') &&
            i + 1 == argc)
            goto done; /* cli_opt_value printed the missing-value error */
        cli_usage_error(CMD, "unknown option \"%s\" (memnet export --help)", argv[i]);
        goto done;
    }
    if (!spice) {
        cli_usage_error(CMD, "say what to export: --spice (the only format so far)");
        goto done;
    }
    if (!network || !model_name || !source || !outp) {
        cli_usage_error(CMD, "missing %s", !network ? "--network" : !model_name ? "--model"
                                           : !source ? "--source" : "--out");
        goto done;
    }
    if ((t_end_text || dt_text) && !wave) wave = "dc:1";
    if (wave && (!t_end_text || !dt_text)) {
        cli_usage_error(CMD, "a transient needs --t-end and --dt-out");
        goto done;
    }
    mn_spice_kind kind = wave ? MN_SPICE_BEHAVIOURAL : MN_SPICE_RESISTORS;
    if (kind_text) {
        if (!strcmp(kind_text, "behavioural") || !strcmp(kind_text, "behavioral"))
            kind = MN_SPICE_BEHAVIOURAL;
        else if (!strcmp(kind_text, "resistors"))
            kind = MN_SPICE_RESISTORS;
        else {
            cli_usage_error(CMD, "--kind: \"%s\" is not behavioural or resistors", kind_text);
            goto done;
        }
    }
    if (kind == MN_SPICE_BEHAVIOURAL && !wave) {
        cli_usage_error(CMD, "--kind behavioural needs --waveform, --t-end and --dt-out");
        goto done;
    }
    if (init && states) {
        cli_usage_error(CMD, "give --init or --states, not both");
        goto done;
    }
    double t_end = 0, dt_out = 0, init_value = NAN;
    long length_column = 0;
    if ((t_end_text && cli_parse_double(CMD, "--t-end", t_end_text, &t_end)) ||
        (dt_text && cli_parse_double(CMD, "--dt-out", dt_text, &dt_out)) ||
        (lcol && cli_parse_long(CMD, "--length-column", lcol, &length_column)))
        goto done;
    if (init && strcmp(init, "default") && cli_parse_double(CMD, "--init", init, &init_value))
        goto done;
    if (lcol && length_column < 1) {
        cli_usage_error(CMD, "--length-column: %ld must be >= 1", length_column);
        goto done;
    }

    rc = CLI_EXIT_RUN;
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_model *model = NULL;
    mn_network *net = NULL;
    mn_waveform *w = NULL;
    mn_spice *sp = NULL;
    mn_index *src = NULL, *drn = NULL;
    double *x = NULL;
    size_t nsrc = 0, ndrn = 0;
    mn_status st = cli_context_new(&ctx);
    if (st) {
        cli_error(CMD, "cannot create a context (%s)", mn_status_str(st));
        goto done;
    }
    FILE *probe = fopen(network, "r");
    char head[32] = { 0 };
    int native = probe && fgets(head, sizeof head, probe) && !strncmp(head, "memnet-network", 14);
    if (probe) fclose(probe);
    st = native ? mn_graph_load(&g, ctx, network)
                : mn_graph_read_edgelist(&g, ctx, network, 0, (size_t)length_column);
    if (st) goto fail;
    if (!drain && mn_graph_node_set_count(g) >= 2) drain = mn_graph_node_set_name(g, 1);
    if (!drain) {
        rc = cli_usage_error(CMD, "missing --drain (the network has no second node set)");
        goto cleanup;
    }
    if (cli_resolve_nodes(CMD, "--source", source, g, &src, &nsrc) ||
        cli_resolve_nodes(CMD, "--drain", drain, g, &drn, &ndrn))
        goto cleanup;
    if ((st = mn_model_new(&model, ctx, model_name))) goto fail;
    for (int j = 0; j < nsets; j++)
        if ((st = mn_model_set_assignment(model, sets[j]))) goto fail;
    if ((st = mn_network_new(&net, g)) || (st = mn_network_assign(net, model, NULL, 0, NULL)))
        goto fail;
    size_t ns = mn_network_state_count(net);
    x = calloc(ns ? ns : 1, sizeof *x);
    if (!x) {
        cli_error(CMD, "out of memory");
        goto cleanup;
    }
    if ((st = mn_network_initial_state(net, x))) goto fail;
    if (states && read_states(states, x, ns)) goto cleanup;
    if (!isnan(init_value))
        for (size_t i = 0; i < ns; i++) x[i] = init_value;
    if ((st = mn_spice_new(&sp, net)) || (st = mn_spice_set_states(sp, x))) goto fail;
    if (wave) {
        if ((st = mn_waveform_parse(&w, ctx, wave))) goto fail;
    } else if ((st = mn_waveform_new_dc(&w, ctx, 1.0))) {
        goto fail;
    }
    if ((st = mn_spice_add_electrode(sp, src, nsrc, w, NULL)) ||
        (st = mn_spice_add_electrode(sp, drn, ndrn, NULL, NULL)))
        goto fail;
    if (wave && (st = mn_spice_set_transient(sp, t_end, dt_out))) goto fail;
    if ((st = mn_spice_write(sp, kind, outp))) goto fail;
    cli_out_str("netlist", "%s", outp);
    cli_out_str("kind", "%s", kind == MN_SPICE_BEHAVIOURAL ? "behavioural" : "resistors");
    cli_out("nodes=%zu\nedges=%zu\n", mn_graph_node_count(g), mn_graph_edge_count(g));
    rc = CLI_EXIT_OK;
    goto cleanup;
fail:
    cli_fail(CMD, ctx, st);
cleanup:
    mn_spice_free(sp);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(model);
    mn_graph_free(g);
    free(src);
    free(drn);
    free(x);
    mn_context_free(ctx);
done:
    free(sets);
    return rc;
}
