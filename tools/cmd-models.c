/* memnet models: list the memristor models with their states, parameters, units, defaults
 * and ranges (public API only). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet models [--table | --names] [NAME ...]\n"
            "\n"
            "Lists the built-in memristor models with their state variables, parameters,\n"
            "units, defaults and valid ranges, as key=value lines (MODEL.PARAM.default=...).\n"
            "With NAME, shows only those models.\n"
            "Set parameters in `memnet simulate` with --set NAME=VALUE (choices by name,\n"
            "e.g. --set window=joglekar). Equations and sources: docs/models.md.\n"
            "\n"
            "options:\n"
            "  --table   a table for reading instead of key=value lines\n"
            "  --names   print only the model names, one per line\n"
            "  --help    this text\n");
}

static void print_num(char *buf, size_t n, double v)
{
    if (isinf(v)) snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else if (fabs(v) >= 1e300) snprintf(buf, n, "%s", v < 0 ? "-huge" : "huge");
    else snprintf(buf, n, "%g", v);
}

static void print_model(const mn_model_ops *o)
{
    printf("%s\n  %s\n", o->name, o->description ? o->description : "");
    printf("  states:");
    if (o->n_states == 0) printf(" none");
    for (size_t s = 0; s < o->n_states; s++)
        printf(" %s", o->state_names && o->state_names[s] ? o->state_names[s] : "?");
    printf("\n");
    if (o->flags & MN_MODEL_NEEDS_LENGTH) printf("  needs: a gap length on every edge\n");
    if (o->flags & MN_MODEL_HAS_EVENTS) printf("  events: %zu per edge (discrete switching)\n", o->n_events);
    printf("  exact constant-voltage step: %s\n", o->exact_step ? "yes" : "no");
    printf("  parameters:\n");
    printf("    %-10s %-11s %-11s %-24s %s\n", "name", "unit", "default", "range", "description");
    for (size_t p = 0; p < o->n_params; p++) {
        const mn_param_info *q = &o->params[p];
        char def[64], lo[32], hi[32], range[80];
        print_num(lo, sizeof lo, q->min_value);
        print_num(hi, sizeof hi, q->max_value);
        if (q->kind == MN_PARAM_CHOICE) {
            int d = (int)q->default_value;
            snprintf(def, sizeof def, "%s", q->choices[d]);
            size_t len = 0;
            range[0] = '\0';
            for (size_t c = 0; q->choices[c]; c++) {
                int w = snprintf(range + len, sizeof range - len, "%s%s", c ? "|" : "", q->choices[c]);
                if (w < 0 || (size_t)w >= sizeof range - len) break;
                len += (size_t)w;
            }
        } else {
            print_num(def, sizeof def, q->default_value);
            snprintf(range, sizeof range, "%s[%s, %s]", q->kind == MN_PARAM_INT ? "int " : "", lo, hi);
        }
        printf("    %-10s %-11s %-11s %-24s %s\n", q->name, q->unit && *q->unit ? q->unit : "-", def,
               range, q->description ? q->description : "");
    }
}

/* shortest of %.15g / %.17g that reads back exactly */
static const char *num(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
    return buf;
}

static const char *kind_name(int k)
{
    return k == MN_PARAM_INT ? "int" : k == MN_PARAM_CHOICE ? "choice" : "real";
}

/* key=value lines: MODEL.key=value and MODEL.PARAM.key=value (lists are arrays in --json) */
static void out_list(const char *key, const char *const *items, size_t n)
{
    char buf[2048];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "," : "",
                                items[i] ? items[i] : "?");
    cli_out_list(key, "%s", buf);
}

static void print_model_kv(const mn_model_ops *o)
{
    const char *n = o->name;
    char key[256];
    const char *items[128];
    size_t k;
    snprintf(key, sizeof key, "%s.description", n);
    cli_out_str(key, "%s", o->description ? o->description : "");
    for (k = 0; k < o->n_states && k < 128; k++)
        items[k] = o->state_names ? o->state_names[k] : NULL;
    snprintf(key, sizeof key, "%s.states", n);
    out_list(key, items, k);
    cli_out("%s.needs_length=%d\n", n, (o->flags & MN_MODEL_NEEDS_LENGTH) ? 1 : 0);
    cli_out("%s.events=%zu\n", n, (o->flags & MN_MODEL_HAS_EVENTS) ? o->n_events : (size_t)0);
    cli_out("%s.exact_step=%d\n", n, o->exact_step ? 1 : 0);
    for (k = 0; k < o->n_params && k < 128; k++) items[k] = o->params[k].name;
    snprintf(key, sizeof key, "%s.params", n);
    out_list(key, items, k);
    for (size_t p = 0; p < o->n_params; p++) {
        const mn_param_info *q = &o->params[p];
        cli_out("%s.%s.kind=%s\n", n, q->name, kind_name(q->kind));
        snprintf(key, sizeof key, "%s.%s.unit", n, q->name);
        cli_out_str(key, "%s", q->unit ? q->unit : "");
        if (q->kind == MN_PARAM_CHOICE) {
            cli_out("%s.%s.default=%s\n", n, q->name, q->choices[(int)q->default_value]);
            for (k = 0; q->choices[k] && k < 128; k++) items[k] = q->choices[k];
            snprintf(key, sizeof key, "%s.%s.choices", n, q->name);
            out_list(key, items, k);
        } else {
            char b[40];
            cli_out("%s.%s.default=%s\n", n, q->name, num(b, sizeof b, q->default_value));
            cli_out("%s.%s.min=%s\n", n, q->name, num(b, sizeof b, q->min_value));
            cli_out("%s.%s.max=%s\n", n, q->name, num(b, sizeof b, q->max_value));
        }
        snprintf(key, sizeof key, "%s.%s.description", n, q->name);
        cli_out_str(key, "%s", q->description ? q->description : "");
    }
}

int mn_cli_models(int argc, char **argv)
{
    int names_only = 0, table = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
        if (cli_flag(argv[i], "--names")) {
            names_only = 1;
            continue;
        }
        if (cli_flag(argv[i], "--table")) {
            table = 1;
            continue;
        }
        if (argv[i][0] == '-') {
            cli_error("models", "unknown option \"%s\"", argv[i]);
            usage(stderr);
            return 2;
        }
        if (!mn_model_find(argv[i])) {
            fprintf(stderr, "memnet models: unknown model \"%s\"; known:", argv[i]);
            for (size_t k = 0; k < mn_model_builtin_count(); k++)
                fprintf(stderr, " %s", mn_model_builtin(k)->name);
            fprintf(stderr, "\n");
            return 2;
        }
    }
    /* the selected models: those named, or all */
    size_t nb = mn_model_builtin_count();
    const mn_model_ops *sel[64];
    size_t nsel = 0;
    for (int i = 1; i < argc && nsel < 64; i++)
        if (argv[i][0] != '-') sel[nsel++] = mn_model_find(argv[i]);
    if (!nsel)
        for (size_t k = 0; k < nb && nsel < 64; k++) sel[nsel++] = mn_model_builtin(k);
    if (cli_json()) names_only = table = 0; /* --json: the key=value form as one object */
    if (names_only) {
        for (size_t k = 0; k < nsel; k++) printf("%s\n", sel[k]->name);
        return 0;
    }
    if (table) {
        for (size_t k = 0; k < nsel; k++) {
            if (k) printf("\n");
            print_model(sel[k]);
        }
        return 0;
    }
    cli_print_version_kv(stdout);
    {
        const char *names[64] = { 0 };
        for (size_t k = 0; k < nsel; k++) names[k] = sel[k]->name;
        out_list("models", names, nsel);
    }
    for (size_t k = 0; k < nsel; k++) print_model_kv(sel[k]);
    return 0;
}
