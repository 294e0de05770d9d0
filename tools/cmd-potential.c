/* memnet potential: effective potential V(<g>), equilibria and the phase diagram. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet potential --model miranda|hillock|linear [--preset 000|003]\n"
            "                        [--set NAME=VALUE]...\n"
            "                        --v-min A --v-max B [--steps N] [--points K]\n"
            "                        [--out FILE] [--equilibria-out FILE] [--sweep-out FILE]\n"
            "\n"
            "The effective potential V_v(<g>) = -int d<g>/dt (000 eq. 11; exact Ei forms of\n"
            "001 B24-B25 for miranda, 000 eq. 15 for linear, quadrature for hillock) on K states\n"
            "for N+1 voltages in [A, B]; its equilibria and their stability (000 eq. 12); the\n"
            "order of the transition (convexity of Q~(s), 000 eqs. 16-19) with the threshold and\n"
            "fold voltages; and the phase diagram of the equilibrium G_eff against voltage from\n"
            "quasi-static sweeps up and down (000 Fig. 2b/2c, Fig. 4).\n"
            "\n"
            "  --model NAME         miranda, hillock or linear\n"
            "  --preset 000|003     hillock only: the parameter set of 000 Fig. 3 (default:\n"
            "                       a = kappa = 1, g_max = 0.99, first-order transition) or of\n"
            "                       003 (g_max = 1/2 as 003 eq. 6, a = 10: continuous); --set\n"
            "                       values are applied after it\n"
            "  --set NAME=VALUE     model parameter (repeatable)\n"
            "  --v-min, --v-max     voltage range (V)\n"
            "  --steps N            voltage steps (default 100)\n"
            "  --points K           states per potential curve (default 201)\n"
            "  --out FILE           potential, columns v,g,V (default potential.csv)\n"
            "  --equilibria-out F   columns v,g_eq,stability,G_eq (default equilibria.csv)\n"
            "  --sweep-out FILE     columns v,g_up,G_up,g_down,G_down (default sweep.csv)\n"
            "\n"
            "Prints key=value lines (--json: one JSON object): the model and its parameters,\n"
            "order (continuous|first-order), v_threshold, v_fold1, v_fold2, v_last (the highest\n"
            "voltage computed), voltages, truncated (0|1) and the file names. When the potential\n"
            "at some voltage exceeds the double range (miranda beyond about 73 V with the default\n"
            "parameters), a warning on stderr names it and the run stops at the last voltage that\n"
            "fits: everything up to it is written, the transition is searched on [A, v_last],\n"
            "truncated=1, exit 0.\n"
            "The CSV files start with '# key=value' provenance lines (version, command line,\n"
            "model parameters). --param NAME=VALUE is an alias of --set.\n");
}

int mn_cli_potential(int argc, char **argv)
{
    const char *mname = NULL, *out = "potential.csv", *eq_out = "equilibria.csv",
               *sw_out = "sweep.csv";
    const char *sets[64], *preset = NULL;
    int nsets = 0;
    double vmin = NAN, vmax = NAN;
    long steps = 100, points = 201;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if ((v = cli_opt_value(argc, argv, &i, "--model"))) mname = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--preset"))) {
            if (strcmp(v, "000") && strcmp(v, "003"))
                return cli_error("potential", "--preset \"%s\": use 000 or 003", v), 2;
            preset = v;
        }
        else if ((v = cli_opt_value(argc, argv, &i, "--out"))) out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--equilibria-out"))) eq_out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--sweep-out"))) sw_out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--v-min"))) {
            if (cli_parse_double("potential", "--v-min", v, &vmin)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--v-max"))) {
            if (cli_parse_double("potential", "--v-max", v, &vmax)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--steps"))) {
            if (cli_parse_long("potential", "--steps", v, &steps)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--points"))) {
            if (cli_parse_long("potential", "--points", v, &points)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--set")) ||
                   (v = cli_opt_value(argc, argv, &i, "--param"))) { /* --param: alias */
            if (nsets == 64) return cli_error("potential", "too many --set options"), 2;
            sets[nsets++] = v;
        } else
            return cli_error("potential", "unknown option \"%s\" (see --help)", argv[i]), 2;
    }
    if (!mname || isnan(vmin) || isnan(vmax))
        return cli_error("potential", "--model, --v-min and --v-max are required (see --help)"), 2;
    if (!(vmin < vmax)) return cli_error("potential", "--v-min %g must be < --v-max %g", vmin, vmax), 2;
    if (steps < 1 || steps > 1000000) return cli_error("potential", "--steps %ld must be in [1, 1e6]", steps), 2;
    if (points < 2 || points > 1000000)
        return cli_error("potential", "--points %ld must be in [2, 1e6]", points), 2;
    mn_context *ctx;
    if (cli_context_new(&ctx)) return cli_error("potential", "out of memory");
    int rc = 1;
    mn_meanfield_model *m = NULL;
    double *g = NULL, *V = NULL, *vs = NULL, *gu = NULL, *Gu = NULL, *gd = NULL, *Gd = NULL;
    FILE *fo = NULL, *fe = NULL, *fs = NULL;
    mn_status st = MN_OK;
    /* the preset first (on the defaults), then every --set in order */
    int mrc = cli_meanfield_model("potential", ctx, mname, NULL, 0, &m);
    if (mrc) {
        rc = mrc;
        goto done;
    }
    if (preset && (st = mn_meanfield_model_set_preset(m, strcmp(preset, "003")
                                                             ? MN_MEANFIELD_PRESET_000
                                                             : MN_MEANFIELD_PRESET_003))) {
        rc = cli_fail("potential", ctx, st);
        goto done;
    }
    if (nsets) {
        mn_meanfield_model *mm = NULL;
        /* parse and check the --set values on a scratch model, then copy them over */
        if ((mrc = cli_meanfield_model("potential", ctx, mname, sets, nsets, &mm))) {
            rc = mrc;
            goto done;
        }
        for (int k = 0; k < nsets; k++) {
            char pname[64];
            size_t len = (size_t)(strchr(sets[k], '=') - sets[k]);
            double val;
            memcpy(pname, sets[k], len);
            pname[len] = 0;
            mn_meanfield_model_get(mm, pname, &val);
            if ((st = mn_meanfield_model_set(m, pname, val))) {
                mn_meanfield_model_free(mm);
                rc = cli_fail("potential", ctx, st);
                goto done;
            }
        }
        mn_meanfield_model_free(mm);
    }
    double lo, hi;
    mn_meanfield_model_state_range(m, &lo, &hi);
    size_t K = (size_t)points, NV = (size_t)steps + 1;
    g = malloc(sizeof(double) * K);
    V = malloc(sizeof(double) * K);
    vs = malloc(sizeof(double) * 2 * NV);
    gu = malloc(sizeof(double) * 2 * NV);
    Gu = malloc(sizeof(double) * 2 * NV);
    if (!g || !V || !vs || !gu || !Gu) {
        cli_error("potential", "out of memory");
        goto done;
    }
    for (size_t k = 0; k < K; k++) g[k] = lo + (hi - lo) * (double)k / (double)(K - 1);
    fo = fopen(out, "w");
    fe = fopen(eq_out, "w");
    fs = fopen(sw_out, "w");
    if (!fo || !fe || !fs) {
        cli_error("potential", "cannot write \"%s\"", !fo ? out : !fe ? eq_out : sw_out);
        goto done;
    }
    FILE *const outs[3] = { fo, fe, fs };
    for (int k = 0; k < 3; k++) {
        cli_write_provenance(outs[k], "model=%s\npreset=%s\nv_min=%.17g\nv_max=%.17g\nsteps=%ld\npoints=%ld\n",
                             mname, preset ? preset : "default", vmin, vmax, steps, points);
        for (size_t q = 0; q < mn_meanfield_model_param_count(m); q++) {
            double val;
            const char *nm = mn_meanfield_model_param_name(m, q);
            mn_meanfield_model_get(m, nm, &val);
            fprintf(outs[k], "# param.%s=%.17g\n", nm, val);
        }
    }
    fprintf(fo, "v,g,V\n");
    fprintf(fe, "v,g_eq,stability,G_eq\n");
    static const char *const stab[] = { "stable", "unstable", "marginal" };
    /* voltages whose potential exceeds the double range (MN_ERR_RANGE: v and g are valid
     * here, so it is the overflow) end the scan: what was computed below is written */
    size_t nv_done = NV;
    for (size_t j = 0; j < NV; j++) {
        double v = vmin + (vmax - vmin) * (double)j / (double)(NV - 1);
        if ((st = mn_meanfield_potential(m, v, g, K, V))) {
            if (st == MN_ERR_RANGE && j > 0) {
                fprintf(stderr, "memnet potential: warning: %s; stopping at v = %.10g (the "
                        "last of the %zu voltages that fit)\n", mn_context_last_error(ctx),
                        vs[j - 1], j);
                nv_done = j;
                break;
            }
            rc = cli_fail("potential", ctx, st);
            goto done;
        }
        for (size_t k = 0; k < K; k++) fprintf(fo, "%.10g,%.10g,%.12g\n", v, g[k], V[k]);
        double geq[64];
        int sk[64];
        size_t ne;
        if ((st = mn_meanfield_equilibria(m, v, geq, sk, 64, &ne))) {
            rc = cli_fail("potential", ctx, st);
            goto done;
        }
        for (size_t k = 0; k < ne && k < 64; k++) {
            double Gq;
            mn_meanfield_model_conductance(m, geq[k], &Gq);
            fprintf(fe, "%.10g,%.12g,%s,%.12g\n", v, geq[k], stab[sk[k]], Gq);
        }
        vs[j] = v;
    }
    const double vlast = vs[nv_done - 1];
    if (nv_done < NV)
        for (int k = 0; k < 3; k++)
            fprintf(outs[k], "# truncated_at_v=%.17g\n", vlast); /* readers skip '#' lines */
    NV = nv_done;
    for (size_t j = 0; j < NV; j++) vs[2 * NV - 1 - j] = vs[j];
    /* sweep up from the low state, then back down */
    if ((st = mn_meanfield_sweep(m, vs, 2 * NV, lo, gu, Gu))) {
        rc = cli_fail("potential", ctx, st);
        goto done;
    }
    fprintf(fs, "v,g_up,G_up,g_down,G_down\n");
    for (size_t j = 0; j < NV; j++)
        fprintf(fs, "%.10g,%.12g,%.12g,%.12g,%.12g\n", vs[j], gu[j], Gu[j], gu[2 * NV - 1 - j],
                Gu[2 * NV - 1 - j]);
    int order = -1;
    double vth = NAN, f1 = NAN, f2 = NAN;
    if (vlast > vmin && (st = mn_meanfield_transition(m, vmin, vlast, &order, &vth, &f1, &f2))) {
        rc = cli_fail("potential", ctx, st);
        goto done;
    }
    cli_print_version_kv(stdout);
    cli_out("model=%s\n", mname);
    if (preset) cli_out("preset=%s\n", preset);
    for (size_t k = 0; k < mn_meanfield_model_param_count(m); k++) {
        double val;
        const char *nm = mn_meanfield_model_param_name(m, k);
        mn_meanfield_model_get(m, nm, &val);
        cli_out("param.%s=%.10g\n", nm, val);
    }
    cli_out("order=%s\n", order < 0                         ? "unknown"
                           : order == MN_MEANFIELD_CONTINUOUS ? "continuous"
                                                              : "first-order");
    cli_out("v_last=%.10g\nvoltages=%zu\ntruncated=%d\n", vlast, NV, NV < (size_t)steps + 1);
    cli_out("v_threshold=%.10g\nv_fold1=%.10g\nv_fold2=%.10g\n", vth, f1, f2);
    cli_out_str("potential_file", "%s", out);
    cli_out_str("equilibria_file", "%s", eq_out);
    cli_out_str("sweep_file", "%s", sw_out);
    rc = 0;
done:
    if (fo && fclose(fo) && rc == 0) rc = cli_error("potential", "error writing \"%s\"", out);
    if (fe && fclose(fe) && rc == 0) rc = cli_error("potential", "error writing \"%s\"", eq_out);
    if (fs && fclose(fs) && rc == 0) rc = cli_error("potential", "error writing \"%s\"", sw_out);
    free(g);
    free(V);
    free(vs);
    free(gu);
    free(Gu);
    free(gd);
    free(Gd);
    mn_meanfield_model_free(m);
    mn_context_free(ctx);
    return rc;
}
