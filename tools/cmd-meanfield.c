/* memnet meanfield: projector quantities and the mean-field effective conductance. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet meanfield --network FILE --source NODES --drain NODES\n"
            "                        [--state FILE | --init G] [--chi X]\n"
            "                        [--exact | --estimate TOL] [--seed K] [--diag-out FILE]\n"
            "\n"
            "Projector quantities of the network augmented by the source edge (000 sec. 5):\n"
            "Omega_{N+1}, Tr(Omega~), Tr(Omega~^2), <|Omega->|>, the mean-field state\n"
            "<g> = Tr(Omega~^2 g)/Tr(Omega~^2) (000 eq. 25), the exact effective conductance\n"
            "G_eff for junctions G = G_min (1 + chi g) with G_min = 1 S (a sparse nodal solve), and\n"
            "the mean-field G_eff_mf of 000 eq. 26.\n"
            "\n"
            "  --network FILE     network file (memnet native format or an edge list 'u v ...')\n"
            "  --source NODES     source electrode: node ids ('3,5,7', '10-20') or a node-set name\n"
            "  --drain NODES      drain electrode, likewise\n"
            "  --state FILE       junction states g, one number per edge in edge order\n"
            "  --init G           the same state G for every junction (default 0)\n"
            "  --chi X            memory ratio chi = (G_max - G_min)/G_min (default 0)\n"
            "  --exact            diag(Omega) exactly: dense (small) or selected inversion (default)\n"
            "  --estimate TOL     diag(Omega) by random projections, relative tolerance TOL\n"
            "  --seed K           seed of the random projections (default 1)\n"
            "  --diag-out FILE    write edge,Omega_vec,Omega_diag,Omega_diag_err as CSV\n"
            "  --junction MODEL   also print the effective one-junction model of this network\n"
            "                     for junctions of MODEL (miranda, hillock, strukov_hp), as\n"
            "                     eff.<parameter>= lines (001 B17-B23, C53-C65; 000 eq. 15)\n"
            "  --set NAME=VALUE   a parameter of the junction model (repeatable; --param is an\n"
            "                     alias)\n"
            "  --gap D            junction gap for hillock (default: mean edge length, else 1)\n"
            "  --drive MODE       voltage (default) or current (the current-limited source of\n"
            "                     000/001, with --G-source G, the source's series conductance)\n"
            "\n"
            "Prints key=value lines: Omega_N1, trace_Omega, trace_Omega2, Omega_mean, g_mean\n"
            "(and g_mean_err, probes for --estimate), G_eff, G_eff_mf, outside_edges; --json\n"
            "prints them as one JSON object. --diag-out starts with '# key=value' provenance\n"
            "lines. Ctrl-C during the projector computation ends the run (exit 130) with what\n"
            "was printed; the library offers no cancellation inside it.\n");
}

int mn_cli_meanfield(int argc, char **argv)
{
    const char *net = NULL, *srcs = NULL, *dsts = NULL, *state = NULL, *diag_out = NULL;
    double init = 0, chi = 0, tol = 0;
    int method = MN_MEANFIELD_DIAG_AUTO;
    unsigned long long seed = 1;
    const char *junction = NULL, *params[64];
    int nparams = 0, drive = 1;
    double gap = NAN, Gsrc = NAN;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if ((v = cli_opt_value(argc, argv, &i, "--network"))) net = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--source"))) srcs = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--drain"))) dsts = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--state"))) state = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--diag-out"))) diag_out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--init"))) {
            if (cli_parse_double("meanfield", "--init", v, &init)) return 2;
            state = NULL;
        } else if ((v = cli_opt_value(argc, argv, &i, "--chi"))) {
            if (cli_parse_double("meanfield", "--chi", v, &chi)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--estimate"))) {
            if (cli_parse_double("meanfield", "--estimate", v, &tol)) return 2;
            if (!(tol > 0 && tol < 1))
                return cli_error("meanfield", "--estimate: tolerance %g must be in (0, 1)", tol), 2;
            method = MN_MEANFIELD_DIAG_RANDOM;
        } else if ((v = cli_opt_value(argc, argv, &i, "--seed"))) {
            if (cli_parse_u64("meanfield", "--seed", v, &seed)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--junction"))) junction = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--set")) ||
                 (v = cli_opt_value(argc, argv, &i, "--param"))) { /* --param: old name */
            if (nparams == 64) return cli_error("meanfield", "too many --set options"), 2;
            params[nparams++] = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--gap"))) {
            if (cli_parse_double("meanfield", "--gap", v, &gap)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--G-source"))) {
            if (cli_parse_double("meanfield", "--G-source", v, &Gsrc)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--drive"))) {
            if (!strcmp(v, "voltage")) drive = 1;
            else if (!strcmp(v, "current")) drive = 0;
            else return cli_error("meanfield", "--drive: \"%s\" is not voltage or current", v), 2;
        } else if (cli_flag(argv[i], "--exact")) method = MN_MEANFIELD_DIAG_AUTO;
        else return cli_error("meanfield", "unknown option \"%s\" (see --help)", argv[i]), 2;
    }
    if (!net || !srcs || !dsts)
        return cli_error("meanfield", "--network, --source and --drain are required (see --help)"), 2;
    if (!isfinite(chi) || chi <= -1)
        return cli_error("meanfield", "--chi %g must be > -1", chi), 2;
    mn_context *ctx;
    if (cli_context_new(&ctx)) return cli_error("meanfield", "out of memory");
    int rc = 1;
    mn_graph *g = NULL;
    mn_meanfield_projector *p = NULL;
    mn_index *src = NULL, *dst = NULL;
    size_t ns = 0, nd = 0;
    double *gs = NULL, *Ge = NULL;
    mn_status st = mn_graph_load(&g, ctx, net);
    if (st != MN_OK) st = mn_graph_read_edgelist(&g, ctx, net, 0, 0);
    if (st != MN_OK) {
        rc = cli_fail("meanfield", ctx, st);
        goto done;
    }
    if (cli_resolve_nodes("meanfield", "--source", srcs, g, &src, &ns) ||
        cli_resolve_nodes("meanfield", "--drain", dsts, g, &dst, &nd)) {
        rc = 2;
        goto done;
    }
    size_t m = mn_graph_edge_count(g);
    gs = malloc(sizeof(double) * (m ? m : 1));
    Ge = malloc(sizeof(double) * (m ? m : 1));
    if (!gs || !Ge) {
        cli_error("meanfield", "out of memory");
        goto done;
    }
    for (size_t e = 0; e < m; e++) gs[e] = init;
    if (state) {
        FILE *f = fopen(state, "r");
        if (!f) {
            cli_error("meanfield", "--state: cannot open \"%s\"", state);
            goto done;
        }
        size_t k = 0;
        double x;
        while (k < m && fscanf(f, "%lf", &x) == 1) gs[k++] = x;
        int extra = fscanf(f, "%lf", &x) == 1;
        fclose(f);
        if (k != m || extra) {
            cli_error("meanfield", "--state \"%s\": %s values, the network has %zu edges", state,
                      extra ? "more" : "fewer", m);
            goto done;
        }
    }
    for (size_t e = 0; e < m; e++) {
        Ge[e] = 1 + chi * gs[e];
        if (!(isfinite(gs[e]) && Ge[e] >= 0)) {
            cli_error("meanfield", "state of edge %zu is %g: conductance 1 + chi g must be >= 0", e,
                      gs[e]);
            goto done;
        }
    }
    /* the projector (selected inversion or random projections) is the long part; the library
     * has no progress or cancellation callback for it: Ctrl-C ends the process cleanly */
    cli_sigint_install(1);
    st = mn_meanfield_projector_new(&p, g, src, ns, dst, nd, method, tol, seed);
    cli_sigint_restore();
    if (st != MN_OK) {
        rc = cli_fail("meanfield", ctx, st);
        goto done;
    }
    double gm, gerr, Gex, Gmf;
    if ((st = mn_meanfield_projector_g_mean(p, gs, &gm, &gerr)) ||
        (st = mn_meanfield_projector_g_eff(p, gs, 1, chi, &Gmf)) ||
        (st = mn_meanfield_effective_conductance(g, src, ns, dst, nd, Ge, &Gex))) {
        rc = cli_fail("meanfield", ctx, st);
        goto done;
    }
    cli_print_version_kv(stdout);
    cli_out("nodes=%zu\nedges=%zu\noutside_edges=%zu\n", mn_graph_node_count(g), m,
           mn_meanfield_projector_outside_count(p));
    cli_out("diag_method=%s\n", method == MN_MEANFIELD_DIAG_RANDOM ? "random-projections" : "exact");
    if (method == MN_MEANFIELD_DIAG_RANDOM)
        cli_out("seed=%llu\nprobes=%zu\n", seed, mn_meanfield_projector_probes(p));
    cli_out("Omega_N1=%.17g\n", mn_meanfield_projector_omega_n1(p));
    cli_out("trace_Omega=%.17g\n", mn_meanfield_projector_trace(p));
    cli_out("trace_Omega2=%.17g\n", mn_meanfield_projector_trace2(p));
    cli_out("Omega_mean=%.17g\n", mn_meanfield_projector_omega_mean(p));
    cli_out("chi=%.17g\n", chi);
    cli_out("g_mean=%.17g\n", gm);
    if (method == MN_MEANFIELD_DIAG_RANDOM) cli_out("g_mean_err=%.3g\n", gerr);
    cli_out("G_eff=%.17g\n", Gex);
    cli_out("G_eff_mf=%.17g\n", Gmf);
    if (junction) {
        mn_model *jm = NULL;
        mn_meanfield_model *em = NULL;
        if ((rc = cli_model_new("meanfield", ctx, junction, &jm))) goto done;
        for (int k = 0; k < nparams; k++) {
            const char *eq = strchr(params[k], '=');
            char name[64];
            if (!eq || eq == params[k] || (size_t)(eq - params[k]) >= sizeof name) {
                mn_model_free(jm);
                cli_error("meanfield", "--set \"%s\": expected NAME=VALUE", params[k]);
                rc = 2;
                goto done;
            }
            memcpy(name, params[k], (size_t)(eq - params[k]));
            name[eq - params[k]] = 0;
            if ((st = mn_model_set_text(jm, name, eq + 1))) {
                mn_model_free(jm);
                rc = cli_fail("meanfield", ctx, st);
                goto done;
            }
        }
        if (isnan(gap)) { /* mean edge length of the circuit, else 1 */
            const double *len = mn_graph_edge_lengths(g);
            double sum = 0;
            size_t cnt = 0;
            for (size_t e = 0; len && e < m; e++)
                if (isfinite(len[e])) {
                    sum += len[e];
                    cnt++;
                }
            gap = cnt ? sum / (double)cnt : 1;
        }
        if (drive == 0 && isnan(Gsrc)) {
            mn_model_free(jm);
            cli_error("meanfield", "--drive current needs --G-source");
            rc = 2;
            goto done;
        }
        st = mn_meanfield_model_from_junction(&em, ctx, jm, gap, p, drive ? 0 : Gsrc, drive);
        mn_model_free(jm);
        if (st) {
            rc = cli_fail("meanfield", ctx, st);
            goto done;
        }
        cli_out("eff.model=%s\n", mn_meanfield_model_name(em));
        for (size_t k = 0; k < mn_meanfield_model_param_count(em); k++) {
            double val;
            const char *nm = mn_meanfield_model_param_name(em, k);
            mn_meanfield_model_get(em, nm, &val);
            cli_out("eff.%s=%.17g\n", nm, val);
        }
        mn_meanfield_model_free(em);
    }
    if (diag_out) {
        FILE *f = fopen(diag_out, "w");
        if (!f) {
            cli_error("meanfield", "--diag-out: cannot write \"%s\"", diag_out);
            goto done;
        }
        const double *ov = mn_meanfield_projector_omega_vec(p), *dg = mn_meanfield_projector_diag(p),
                     *de = mn_meanfield_projector_diag_error(p);
        cli_write_provenance(f, "network=%s\nsource=%s\ndrain=%s\nstate=%s\ninit=%.17g\nchi=%.17g\n"
                                "diag_method=%s\ntolerance=%.17g\nseed=%llu\n",
                             net, srcs, dsts, state ? state : "(uniform)", init, chi,
                             method == MN_MEANFIELD_DIAG_RANDOM ? "random-projections" : "exact",
                             tol, seed);
        fprintf(f, "edge,Omega_vec,Omega_diag,Omega_diag_err\n");
        for (size_t e = 0; e < m; e++) fprintf(f, "%zu,%.17g,%.17g,%.3g\n", e, ov[e], dg[e], de[e]);
        if (fclose(f)) {
            cli_error("meanfield", "--diag-out: error writing \"%s\"", diag_out);
            goto done;
        }
    }
    rc = 0;
done:
    free(src);
    free(dst);
    free(gs);
    free(Ge);
    mn_meanfield_projector_free(p);
    mn_graph_free(g);
    mn_context_free(ctx);
    return rc;
}
