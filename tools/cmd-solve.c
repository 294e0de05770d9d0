/* memnet solve: one Kirchhoff solve between two node sets, G_eff and optional maps. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage =
    "usage: memnet solve --network FILE --source NODES|SET --drain NODES|SET\n"
    "                    [--conductance G | --conductance-column K] [--voltage V]\n"
    "                    [--ordering metis|amd] [--threads N] [--node-out FILE.csv]\n"
    "                    [--edge-out FILE.csv]\n"
    "\n"
    "Solves Kirchhoff's equations once with the source node set held at V volts (default 1)\n"
    "and the drain node set at 0 V, and prints key=value lines:\n"
    "  G_eff            effective conductance between source and drain (S), 15 digits\n"
    "  R_eff            1/G_eff (ohm)\n"
    "  current          current from source to drain at the applied voltage (A)\n"
    "  nodes, edges     size of the network\n"
    "  floating_nodes   nodes with no path of positive conductance to source or drain\n"
    "                   (excluded from the solve; their potential is written as nan)\n"
    "  ordering, solve_seconds, memnet version\n"
    "Files written by --node-out and --edge-out start with '# key=value' provenance lines\n"
    "(memnet version, command line, network, voltage, conductances). --json prints the\n"
    "results as one JSON object. Exit status: 0 ok, 1 run error, 2 usage error.\n"
    "\n"
    "FILE is a plain edge list (u v [value ...], 0-based ids, # comments) or a native\n"
    "memnet network file (first line \"memnet-network\"). NODES is a comma-separated list of\n"
    "node ids with ranges (\"0,1,5-9\") or the name of a node set of a native file (\"left\");\n"
    "--source-set/--drain-set are the same, for names only. Conductances: --conductance G for every edge (default 1 S), or\n"
    "--conductance-column K for the K-th value column after u and v (1-based).\n"
    "--node-out writes node,x,y,phi and --edge-out writes edge,u,v,G,V,I (V = phi_u - phi_v,\n"
    "I = G V flowing from u to v) for plotting potential and current maps.\n";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int is_native(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[64] = { 0 };
    int native = fgets(line, sizeof line, f) && strncmp(line, "memnet-network", 14) == 0;
    fclose(f);
    return native;
}

static void write_prov(FILE *f, const char *network, double volts, double gconst, long col,
                       mn_kirchhoff_ordering ord, double geff)
{
    char cond[64];
    if (col > 0) snprintf(cond, sizeof cond, "column %ld", col);
    else snprintf(cond, sizeof cond, "%.17g", gconst);
    cli_write_provenance(f, "network=%s\nvoltage=%.17g\nconductance=%s\nordering=%s\nG_eff=%.17g\n",
                         network, volts, cond, ord == MN_ORDERING_METIS ? "metis" : "amd", geff);
}

int mn_cli_solve(int argc, char **argv)
{
    const char *cmd = "solve";
    const char *network = NULL, *src_text = NULL, *drn_text = NULL, *src_set = NULL,
               *drn_set = NULL, *gtext = NULL, *coltext = NULL, *vtext = NULL, *ordtext = NULL,
               *node_out = NULL, *thtext = NULL, *edge_out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
#define OPT(name, var)                                                                          \
    if ((v = cli_opt_value(argc, argv, &i, name)) != NULL) {                                    \
        var = v;                                                                                \
        continue;                                                                               \
    }
        OPT("--network", network)
        OPT("--source", src_text)
        OPT("--drain", drn_text)
        OPT("--source-set", src_set)
        OPT("--drain-set", drn_set)
        OPT("--conductance", gtext)
        OPT("--conductance-column", coltext)
        OPT("--voltage", vtext)
        OPT("--ordering", ordtext)
        OPT("--threads", thtext)
        OPT("--node-out", node_out)
        OPT("--edge-out", edge_out)
#undef OPT
        return cli_usage_error(cmd, "unknown option \"%s\" (see memnet solve --help)", argv[i]);
    }
    if (!network) return cli_usage_error(cmd, "--network FILE is required");
    if (!src_text && !src_set) return cli_usage_error(cmd, "--source NODES (or --source-set) is required");
    if (!drn_text && !drn_set) return cli_usage_error(cmd, "--drain NODES (or --drain-set) is required");
    if (src_text && src_set) return cli_usage_error(cmd, "give --source or --source-set, not both");
    if (drn_text && drn_set) return cli_usage_error(cmd, "give --drain or --drain-set, not both");
    if (gtext && coltext)
        return cli_usage_error(cmd, "give --conductance or --conductance-column, not both");
    double gconst = 1.0, volts = 1.0;
    long col = 0;
    if (gtext) {
        if (cli_parse_double(cmd, "--conductance", gtext, &gconst)) return 2;
        if (!(gconst > 0.0) || !isfinite(gconst))
            return cli_usage_error(cmd, "--conductance %s: must be a finite number > 0", gtext);
    }
    if (coltext) {
        if (cli_parse_long(cmd, "--conductance-column", coltext, &col)) return 2;
        if (col < 1) return cli_usage_error(cmd, "--conductance-column %s: must be >= 1", coltext);
    }
    if (vtext) {
        if (cli_parse_double(cmd, "--voltage", vtext, &volts)) return 2;
        if (!isfinite(volts) || volts == 0.0)
            return cli_usage_error(cmd, "--voltage %s: must be finite and nonzero", vtext);
    }
    mn_kirchhoff_ordering ord = MN_ORDERING_DEFAULT;
    if (ordtext) {
        if (!strcmp(ordtext, "metis"))
            ord = MN_ORDERING_METIS;
        else if (!strcmp(ordtext, "amd"))
            ord = MN_ORDERING_AMD;
        else
            return cli_usage_error(cmd, "--ordering %s: expected metis or amd", ordtext);
    }

    unsigned long long threads = cli_default_threads(); /* 0 (automatic) or the sweep's setting */
    if (thtext && cli_parse_u64(cmd, "--threads", thtext, &threads)) return 2;

    int rc = 1;
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_kirchhoff *k = NULL;
    mn_index *src = NULL, *drn = NULL;
    size_t nsrc = 0, ndrn = 0;
    double *G = NULL;
    mn_status st;
    FILE *f = NULL;
    if (cli_context_new(&ctx) != MN_OK) return cli_error(cmd, "cannot create a context");
    if ((st = mn_context_set_threads(ctx, (size_t)threads)) != MN_OK) {
        cli_fail(cmd, ctx, st);
        mn_context_free(ctx);
        return 2;
    }
    /* of a native file only what the solve uses: the coordinates for --node-out, the value
     * columns for --conductance-column (lengths and positions are most of a generated file's
     * numbers; they are still checked to be numbers) */
    unsigned parts = (node_out ? MN_GRAPH_PART_COORDS : 0u) | (col > 0 ? MN_GRAPH_PART_COLUMNS : 0u);
    st = is_native(network) ? mn_graph_load_parts(&g, ctx, network, parts)
                            : mn_graph_read_edgelist(&g, ctx, network, 0, 0);
    if (st != MN_OK) {
        rc = cli_fail(cmd, ctx, st);
        goto done;
    }
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    /* node lists or node-set names, resolved as in every command (cli_resolve_nodes) */
    if (cli_resolve_nodes(cmd, src_set ? "--source-set" : "--source", src_set ? src_set : src_text,
                          g, &src, &nsrc) ||
        cli_resolve_nodes(cmd, drn_set ? "--drain-set" : "--drain", drn_set ? drn_set : drn_text,
                          g, &drn, &ndrn)) {
        rc = 2; /* a node argument that does not fit the network: usage error */
        goto done;
    }
    G = malloc((m ? m : 1) * sizeof *G);
    if (!G) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    if (col > 0) {
        size_t ncols = mn_graph_edge_column_count(g);
        if ((size_t)col > ncols) {
            cli_error(cmd, "--conductance-column %ld: %s has %zu value column%s after u v", col,
                      network, ncols, ncols == 1 ? "" : "s");
            goto done;
        }
        memcpy(G, mn_graph_edge_column(g, (size_t)col - 1), m * sizeof *G);
    } else {
        for (size_t e = 0; e < m; e++) G[e] = gconst;
    }
    double t0 = now();
    if ((st = mn_kirchhoff_new(&k, g)) != MN_OK ||
        (st = mn_kirchhoff_set_ordering(k, ord)) != MN_OK ||
        (st = mn_kirchhoff_add_electrode(k, src, nsrc, NULL)) != MN_OK ||
        (st = mn_kirchhoff_add_electrode(k, drn, ndrn, NULL)) != MN_OK ||
        (st = mn_kirchhoff_set_potential(k, 0, volts)) != MN_OK ||
        (st = mn_kirchhoff_set_conductances(k, G)) != MN_OK ||
        (st = mn_kirchhoff_solve(k)) != MN_OK) {
        rc = cli_fail(cmd, ctx, st);
        goto done;
    }
    double geff;
    if ((st = mn_kirchhoff_effective_conductance(k, 0, 1, &geff)) != MN_OK) {
        rc = cli_fail(cmd, ctx, st);
        goto done;
    }
    double secs = now() - t0;
    double cur;
    mn_kirchhoff_electrode_current(k, 0, &cur);
    cli_out("G_eff=%.15g\n", geff);
    cli_out("R_eff=%.15g\n", geff > 0 ? 1.0 / geff : INFINITY);
    cli_out("voltage=%.15g\n", volts);
    cli_out("current=%.15g\n", cur);
    cli_out("nodes=%zu\n", n);
    cli_out("edges=%zu\n", m);
    cli_out("source_nodes=%zu\n", nsrc);
    cli_out("drain_nodes=%zu\n", ndrn);
    cli_out("floating_nodes=%zu\n", mn_kirchhoff_floating_count(k));
    /* the default of a one-shot solver is AMD (mn_kirchhoff_set_ordering) */
    cli_out("ordering=%s\n", ord == MN_ORDERING_METIS ? "metis" : "amd");
    cli_out("solve_seconds=%.6f\n", secs);
    cli_print_version_kv(stdout);
    const double *phi = mn_kirchhoff_potentials(k);
    const double *V = mn_kirchhoff_edge_voltages(k), *I = mn_kirchhoff_edge_currents(k);
    const mn_index *fl = mn_kirchhoff_floating_nodes(k);
    size_t nfl = mn_kirchhoff_floating_count(k);
    if (node_out) {
        unsigned char *isfl = calloc(n ? n : 1, 1);
        if (!isfl) goto done;
        for (size_t i = 0; i < nfl; i++) isfl[fl[i]] = 1;
        f = fopen(node_out, "w");
        if (!f) {
            free(isfl);
            cli_error(cmd, "--node-out %s: cannot open for writing", node_out);
            goto done;
        }
        const double *x = mn_graph_node_x(g), *y = mn_graph_node_y(g);
        write_prov(f, network, volts, gconst, col, ord, geff);
        fprintf(f, "node,x,y,phi\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%zu,%.17g,%.17g,", i, x ? x[i] : NAN, y ? y[i] : NAN);
            if (isfl[i])
                fprintf(f, "nan\n");
            else
                fprintf(f, "%.17g\n", phi[i]);
        }
        free(isfl);
        if (fclose(f) != 0) {
            f = NULL;
            cli_error(cmd, "--node-out %s: write failed", node_out);
            goto done;
        }
        f = NULL;
    }
    if (edge_out) {
        f = fopen(edge_out, "w");
        if (!f) {
            cli_error(cmd, "--edge-out %s: cannot open for writing", edge_out);
            goto done;
        }
        const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
        write_prov(f, network, volts, gconst, col, ord, geff);
        fprintf(f, "edge,u,v,G,V,I\n");
        for (size_t e = 0; e < m; e++)
            fprintf(f, "%zu,%ld,%ld,%.17g,%.17g,%.17g\n", e, (long)u[e], (long)v[e], G[e], V[e],
                    I[e]);
        if (fclose(f) != 0) {
            f = NULL;
            cli_error(cmd, "--edge-out %s: write failed", edge_out);
            goto done;
        }
        f = NULL;
    }
    rc = 0;
done:
    if (f) fclose(f);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    free(src);
    free(drn);
    free(G);
    mn_context_free(ctx);
    return rc;
}
