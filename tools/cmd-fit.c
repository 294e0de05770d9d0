/* memnet fit: least-squares fit of an effective one-junction model to a measured G(t). */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet fit --data FILE.csv --model miranda|hillock|linear\n"
            "                  [--fit NAME,NAME,...] [--set NAME=VALUE]... [--relative]\n"
            "                  [--out FILE] [--predict FILE.csv --predict-out FILE]\n"
            "                  [--max-evals N] [--max-seconds S] [--no-auto-start] [--no-auto-fix]\n"
            "                  [--drive voltage|current]\n"
            "\n"
            "Fits an effective one-junction model (000 eqs. 7-10, 15, 30-31) to a measured\n"
            "conductance G(t) under a known applied voltage V(t) by Levenberg-Marquardt least\n"
            "squares (cminpack); V is held constant between samples (zero-order hold).\n"
            "Uncertainties are 1-sigma from the covariance s^2 (J^T J)^-1 at the optimum.\n"
            "\n"
            "  --data FILE.csv   a header line naming the columns (at least t, V, G; others are\n"
            "                    ignored) then one sample per line; ',' ';' or blanks separate\n"
            "  --model NAME      miranda, hillock or linear\n"
            "  --fit LIST        parameters to fit (default: miranda G_min,chi,k_p,k_d,eta_p,eta_d;\n"
            "                    hillock G_min,chi,mu,kappa; linear R_off,chi,alpha,k); \"g0\" fits\n"
            "                    the initial state (otherwise it follows from G at the first sample).\n"
            "                    Parameters the data do not determine are held at their starting\n"
            "                    value (printed as NAME_held=1, sigma 0) unless --no-auto-fix\n"
            "  --set NAME=VALUE  initial guess or fixed value of a parameter (repeatable)\n"
            "  --relative        relative residuals (G_model - G)/G instead of absolute\n"
            "  --drive MODE      voltage (default) or current drive of the junction (= --set drive=1|0)\n"
            "  --max-evals N     budget of model integrations over the whole fit (default 3000)\n"
            "  --max-seconds S   wall-clock budget of the fit in seconds (default 60)\n"
            "  --no-auto-start   start only from the model's values (--set), not also from\n"
            "                    starting values estimated from the data\n"
            "  --no-auto-fix     fit every listed parameter, even those the data do not determine\n"
            "  --out FILE        fitted curve, columns t,V,G,G_fit,residual (default fit.csv)\n"
            "  --predict FILE    a protocol (columns t, V) to predict with the fitted model\n"
            "  --predict-out F   where the prediction goes (default prediction.csv)\n"
            "\n"
            "Prints key=value lines (--json: one JSON object): each fitted NAME=value and\n"
            "NAME_sigma= (and NAME_held=1 for a held parameter), status=converged|evaluation-limit|\n"
            "time-limit and message= (how the fit ended), every model parameter as param.NAME=,\n"
            "g0, rms, chi2, dof, nfev, and simulate_mapping= (and for miranda simulate_args=):\n"
            "the network model with the same physics in the parameter names `memnet simulate\n"
            "--set` takes, e.g. `memnet simulate $(sed -n 's/^simulate_args=//p' fit.kv) ...`.\n"
            "A fit stopped by a budget still prints and writes its best\n"
            "result, warns on stderr (\"memnet fit: warning: ...\") and exits 0. The CSV\n"
            "files start with '# key=value' provenance lines (version, command line, data, model,\n"
            "fitted parameters); lines starting with '#' in FILE.csv are skipped. --param is an\n"
            "alias of --set. Ctrl-C during the fit ends the run (exit 130); the library offers no\n"
            "cancellation inside the fit, so nothing partial is written.\n");
}

/* The network model with the same physics as the fitted effective model, in the parameter
 * spelling `memnet simulate --set` takes (the canonical names are shared: k_p, eta_p, G_min, ...;
 * lib/core/param-names.c). miranda: G = G_min (1 + chi g) = G_min + (G_max - G_min) g
 * (000 eq. (1), 003 eq. (10)), so G_max = G_min (1 + chi); the rates carry over unchanged.
 * Exact for one junction under voltage drive (drive = 1); for a network the fitted values
 * are the effective ones of 000 eqs. (7)-(10). hillock and linear need the junction gap or
 * R_on, which G(t) does not determine: their mapping is printed as formulas. */
static void print_simulate_mapping(const char *mname, const mn_meanfield_model *m, double g0)
{
    double v[8];
    if (!strcmp(mname, "miranda")) {
        static const char *const nm[] = { "G_min", "chi", "k_p", "k_d", "eta_p", "eta_d",
                                          "unipolar", "drive" };
        for (int i = 0; i < 8; i++)
            if (mn_meanfield_model_get(m, nm[i], &v[i])) return;
        char buf[512];
        snprintf(buf, sizeof buf,
                 "--model miranda --set G_min=%.10g --set G_max=%.10g --set k_p=%.10g "
                 "--set k_d=%.10g --set eta_p=%.10g --set eta_d=%.10g --set unipolar=%.0f "
                 "--init %.10g",
                 v[0], v[0] * (1 + v[1]), v[2], v[3], v[4], v[5], v[6], g0);
        cli_out_str("simulate_args", "%s", buf);
        cli_out_str("simulate_mapping", "%s",
                    "network miranda G_min = G_min, G_max = G_min (1 + chi), k_p, k_d, eta_p, "
                    "eta_d, unipolar unchanged; exact for one junction under voltage drive");
    } else if (!strcmp(mname, "hillock")) {
        cli_out_str("simulate_mapping", "%s",
                    "network hillock with gap D and time scale T (001 eqs. C1-C4, C57): alpha = "
                    "G_min, beta = a/D, mu = mu T D^2, kappa = kappa T, g_max = g_max");
    } else if (!strcmp(mname, "linear")) {
        cli_out_str("simulate_mapping", "%s",
                    "network strukov_hp (window none, 000 eq. (15)): Roff = R_off, "
                    "Ron = R_off (1 - chi), k = k R_off, tau = 1/alpha");
    }
}

/* read columns named in want[] from a CSV; returns 0 ok */
static int read_csv(const char *path, const char *const *want, int nw, int need, double **cols,
                    size_t *n_out)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_error("fit", "cannot open \"%s\"", path);
    char line[8192];
    int idx[8], ncol = 0, lineno = 0;
    for (int k = 0; k < nw; k++) idx[k] = -1;
    size_t n = 0, cap = 1024;
    for (int k = 0; k < nw; k++) cols[k] = malloc(sizeof(double) * cap);
    int header = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (!*p || *p == '#') continue;
        char *tok[64];
        int nt = 0;
        for (char *s = strtok(p, ",; \t\r\n"); s && nt < 64; s = strtok(NULL, ",; \t\r\n"))
            tok[nt++] = s;
        if (!header) {
            header = 1;
            ncol = nt;
            for (int k = 0; k < nw; k++)
                for (int j = 0; j < nt; j++)
                    if (!strcmp(tok[j], want[k])) idx[k] = j;
            for (int k = 0; k < need; k++)
                if (idx[k] < 0) {
                    fclose(f);
                    return cli_error("fit", "\"%s\": the header has no column \"%s\"", path,
                                     want[k]);
                }
            continue;
        }
        if (nt != ncol) {
            fclose(f);
            return cli_error("fit", "\"%s\" line %d: %d values, the header has %d", path, lineno,
                             nt, ncol);
        }
        if (n == cap) {
            cap *= 2;
            for (int k = 0; k < nw; k++) {
                double *q = realloc(cols[k], sizeof(double) * cap);
                if (!q) {
                    fclose(f);
                    return cli_error("fit", "out of memory");
                }
                cols[k] = q;
            }
        }
        for (int k = 0; k < nw; k++) {
            if (idx[k] < 0) continue;
            char *end;
            double x = strtod(tok[idx[k]], &end);
            if (end == tok[idx[k]] || *end) {
                fclose(f);
                return cli_error("fit", "\"%s\" line %d: \"%s\" is not a number", path, lineno,
                                 tok[idx[k]]);
            }
            cols[k][n] = x;
        }
        n++;
    }
    fclose(f);
    if (!header || n == 0) return cli_error("fit", "\"%s\": no data", path);
    *n_out = n;
    return 0;
}

/* provenance of the CSVs: inputs, then every model parameter as fitted */
static void write_prov(FILE *f, const char *data, const char *mname, const char *fitlist,
                       int relative, const mn_meanfield_model *m, double g0, const char *pred)
{
    cli_write_provenance(f, "data=%s\nmodel=%s\nfit=%s\nresiduals=%s\ng0=%.17g\n", data, mname,
                         fitlist, relative ? "relative" : "absolute", g0);
    if (pred) fprintf(f, "# predict=%s\n", pred);
    for (size_t k = 0; k < mn_meanfield_model_param_count(m); k++) {
        double val;
        const char *nm = mn_meanfield_model_param_name(m, k);
        mn_meanfield_model_get(m, nm, &val);
        fprintf(f, "# param.%s=%.17g\n", nm, val);
    }
}

int mn_cli_fit(int argc, char **argv)
{
    const char *data = NULL, *mname = NULL, *fitlist = NULL, *out = "fit.csv", *pred = NULL,
               *pred_out = "prediction.csv";
    const char *sets[64];
    int nsets = 0, relative = 0, auto_start = 1, auto_fix = 1, drive = -1;
    double max_evals = -1, max_seconds = -1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if ((v = cli_opt_value(argc, argv, &i, "--data"))) data = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--model"))) mname = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--fit"))) fitlist = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--out"))) out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--predict"))) pred = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--predict-out"))) pred_out = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--set")) ||
                 (v = cli_opt_value(argc, argv, &i, "--param"))) { /* --param: alias */
            if (nsets == 64) return cli_error("fit", "too many --set options"), 2;
            sets[nsets++] = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--max-evals"))) {
            long x;
            if (cli_parse_long("fit", "--max-evals", v, &x)) return 2;
            if (x < 10) return cli_usage_error("fit", "--max-evals %ld: must be >= 10", x);
            max_evals = (double)x;
        } else if ((v = cli_opt_value(argc, argv, &i, "--max-seconds"))) {
            if (cli_parse_double("fit", "--max-seconds", v, &max_seconds)) return 2;
            if (!(max_seconds > 0) || !isfinite(max_seconds))
                return cli_usage_error("fit", "--max-seconds %s: must be > 0", v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--drive"))) {
            if (!strcmp(v, "voltage")) drive = 1;
            else if (!strcmp(v, "current")) drive = 0;
            else return cli_usage_error("fit", "--drive \"%s\": expected voltage or current", v);
        } else if (cli_flag(argv[i], "--no-auto-start")) auto_start = 0;
        else if (cli_flag(argv[i], "--no-auto-fix")) auto_fix = 0;
        else if (cli_flag(argv[i], "--relative")) relative = 1;
        else return cli_error("fit", "unknown option \"%s\" (see --help)", argv[i]), 2;
    }
    if (!data || !mname) return cli_error("fit", "--data and --model are required (see --help)"), 2;
    mn_context *ctx;
    if (cli_context_new(&ctx)) return cli_error("fit", "out of memory");
    int rc = 1;
    mn_meanfield_model *m = NULL;
    mn_meanfield_fit *fr = NULL;
    double *cols[3] = { NULL, NULL, NULL }, *pc[2] = { NULL, NULL }, *Gp = NULL;
    char *flist = NULL;
    size_t n = 0;
    mn_status st = MN_OK;
    int mrc = cli_meanfield_model("fit", ctx, mname, sets, nsets, &m);
    if (mrc) {
        rc = mrc;
        goto done;
    }
    if (drive >= 0 && (st = mn_meanfield_model_set(m, "drive", drive))) {
        rc = cli_fail("fit", ctx, st);
        goto done;
    }
    if ((max_evals > 0 &&
         (st = mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_MAX_EVALUATIONS, max_evals))) ||
        (max_seconds > 0 &&
         (st = mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_MAX_SECONDS, max_seconds))) ||
        (st = mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_AUTO_START, auto_start)) ||
        (st = mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_AUTO_FIX, auto_fix))) {
        rc = cli_fail("fit", ctx, st);
        goto done;
    }
    const char *want[3] = { "t", "V", "G" };
    if (read_csv(data, want, 3, 3, cols, &n)) goto done;
    const char *names[8];
    size_t nf = 0;
    if (fitlist && !(flist = strdup(fitlist))) {
        cli_error("fit", "out of memory");
        goto done;
    }
    for (char *s = fitlist ? strtok(flist, ",") : NULL; s; s = strtok(NULL, ",")) {
        if (nf == 8) {
            cli_error("fit", "--fit: at most 8 parameters");
            rc = 2;
            goto done;
        }
        names[nf++] = s;
    }
    if (fitlist && !nf) {
        cli_error("fit", "--fit: no parameter named");
        rc = 2;
        goto done;
    }
    /* the fit (Levenberg-Marquardt over ODE integrations) is the long part; the library has no
     * progress or cancellation callback for it: Ctrl-C ends the process cleanly (exit 130) */
    cli_sigint_install(1);
    /* without --fit: names NULL, n_free 0 = the library's default identifiable set */
    st = mn_meanfield_fit_run(&fr, m, cols[0], cols[1], cols[2], n, fitlist ? names : NULL, nf,
                              relative);
    cli_sigint_restore();
    if (st) {
        rc = cli_fail("fit", ctx, st);
        goto done;
    }
    cli_print_version_kv(stdout);
    cli_out("model=%s\nsamples=%zu\nresiduals=%s\n", mname, n, relative ? "relative" : "absolute");
    const char *msg = NULL;
    int fst = mn_meanfield_fit_status(fr, &msg);
    const char *fstname = fst == MN_MEANFIELD_FIT_CONVERGED          ? "converged"
                          : fst == MN_MEANFIELD_FIT_EVALUATION_LIMIT ? "evaluation-limit"
                          : fst == MN_MEANFIELD_FIT_TIME_LIMIT       ? "time-limit"
                                                                     : "unknown";
    cli_out_str("status", "%s", fstname);
    cli_out_str("message", "%s", msg ? msg : "");
    if (fst != MN_MEANFIELD_FIT_CONVERGED)
        fprintf(stderr, "memnet fit: warning: %s\n", msg ? msg : fstname);
    for (size_t k = 0; k < mn_meanfield_fit_param_count(fr); k++) {
        const char *nm;
        double val, sd;
        mn_meanfield_fit_param(fr, k, &nm, &val, &sd);
        cli_out("%s=%.10g\n%s_sigma=%.3g\n", nm, val, nm, sd);
        if (mn_meanfield_fit_param_fixed(fr, k)) cli_out("%s_held=1\n", nm);
    }
    for (size_t k = 0; k < mn_meanfield_model_param_count(m); k++) {
        double val;
        const char *nm = mn_meanfield_model_param_name(m, k);
        mn_meanfield_model_get(m, nm, &val);
        cli_out("param.%s=%.10g\n", nm, val);
    }
    /* the fitted parameter list as the library ran it (the default set without --fit) */
    char fitted[512] = "";
    for (size_t k = 0, used = 0; k < mn_meanfield_fit_param_count(fr) && used < sizeof fitted; k++) {
        const char *nm;
        mn_meanfield_fit_param(fr, k, &nm, NULL, NULL);
        used += (size_t)snprintf(fitted + used, sizeof fitted - used, "%s%s", k ? "," : "", nm);
    }
    double rms, chi2, g0;
    size_t dof, nfev;
    mn_meanfield_fit_stats(fr, &rms, &chi2, &dof, &nfev, &g0);
    cli_out("g0=%.10g\nrms=%.6g\nchi2=%.6g\ndof=%zu\nnfev=%zu\n", g0, rms, chi2, dof, nfev);
    print_simulate_mapping(mname, m, g0);
    FILE *f = fopen(out, "w");
    if (!f) {
        cli_error("fit", "--out: cannot write \"%s\"", out);
        goto done;
    }
    const double *cur = mn_meanfield_fit_curve(fr), *res = mn_meanfield_fit_residuals(fr);
    write_prov(f, data, mname, fitted, relative, m, g0, NULL);
    fprintf(f, "t,V,G,G_fit,residual\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", cols[0][i], cols[1][i], cols[2][i], cur[i],
                res[i]);
    if (fclose(f)) {
        cli_error("fit", "--out: error writing \"%s\"", out);
        goto done;
    }
    cli_out_str("curve_file", "%s", out);
    if (pred) {
        size_t np;
        const char *pw[2] = { "t", "V" };
        if (read_csv(pred, pw, 2, 2, pc, &np)) goto done;
        Gp = malloc(sizeof(double) * np);
        if (!Gp) {
            cli_error("fit", "out of memory");
            goto done;
        }
        if ((st = mn_meanfield_model_integrate_sampled(m, pc[0], pc[1], np, g0, NULL, Gp))) {
            rc = cli_fail("fit", ctx, st);
            goto done;
        }
        f = fopen(pred_out, "w");
        if (!f) {
            cli_error("fit", "--predict-out: cannot write \"%s\"", pred_out);
            goto done;
        }
        write_prov(f, data, mname, fitted, relative, m, g0, pred);
        fprintf(f, "t,V,G_pred\n");
        for (size_t i = 0; i < np; i++) fprintf(f, "%.17g,%.17g,%.17g\n", pc[0][i], pc[1][i], Gp[i]);
        if (fclose(f)) {
            cli_error("fit", "--predict-out: error writing \"%s\"", pred_out);
            goto done;
        }
        cli_out_str("prediction_file", "%s", pred_out);
    }
    rc = 0;
done:
    for (int k = 0; k < 3; k++) free(cols[k]);
    free(pc[0]);
    free(pc[1]);
    free(Gp);
    free(flist);
    mn_meanfield_fit_free(fr);
    mn_meanfield_model_free(m);
    mn_context_free(ctx);
    return rc;
}
