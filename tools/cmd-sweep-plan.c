/* memnet sweep plan: a base run file crossed with --vary lists gives the manifest, one row per
 * task (cmd-sweep.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cmd-sweep.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct vary {
    char *key;      /* option without "--" */
    char *label;    /* column name */
    char *prefix;   /* "kP0=" for --vary set=kP0=1e-4,5e-4 (or "") */
    char **items;   /* displayed values (without the prefix) */
    size_t n;
} vary;

static void vary_free(vary *v)
{
    free(v->key), free(v->label), free(v->prefix);
    for (size_t i = 0; i < v->n; i++) free(v->items[i]);
    free(v->items);
}

static int push_item(vary *v, size_t *cap, const char *s, size_t l)
{
    if (v->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        char **t = realloc(v->items, nc * sizeof *t);
        if (!t) return 1;
        v->items = t;
        *cap = nc;
    }
    char *c = malloc(l + 1);
    if (!c) return 1;
    memcpy(c, s, l);
    c[l] = 0;
    v->items[v->n++] = c;
    return 0;
}

/* integer range A..B: every integer from A to B */
static int int_range(vary *v, size_t *cap, const char *text, const char *a, const char *b)
{
    char *e1, *e2;
    errno = 0;
    long long lo = strtoll(a, &e1, 10), hi = strtoll(b, &e2, 10);
    if (*e1 || *e2 || errno || hi < lo || hi - lo >= 100000000LL)
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": range \"%s..%s\" is not A..B with integers A <= B "
                                          "(a range of reals needs a count: A..B:N or A..B:N:log)", text, a, b);
    for (long long x = lo; x <= hi; x++) {
        char s[32];
        int sl = snprintf(s, sizeof s, "%lld", x);
        if (push_item(v, cap, s, (size_t)sl)) return cli_error(SWEEP_CMD, "out of memory") + 1;
    }
    return 0;
}

/* real range A..B:N (N values equally spaced, both ends included) or A..B:N:log (equally
 * spaced logarithms, A and B > 0); the ends keep their text, the values between are
 * a + (b - a) i / (N - 1), or 10^(log10 a + (log10 b - log10 a) i / (N - 1)), written with 15
 * significant digits (so 1e-6..1e-8:3:log gives 1e-07, not the double next to it): the text
 * is the value the task gets */
static int float_range(vary *v, size_t *cap, const char *text, const char *a, const char *b)
{
    char *colon = strchr(b, ':'), *e1, *e2, *e3;
    char *spec = colon + 1;
    *colon = 0;
    errno = 0;
    double x0 = strtod(a, &e1), x1 = strtod(b, &e2);
    long n = strtol(spec, &e3, 10);
    int log_scale = 0;
    if (*e3 == ':' && !strcmp(e3 + 1, "log")) log_scale = 1;
    else if (*e3 == ':' && !strcmp(e3 + 1, "lin")) log_scale = 0;
    else if (*e3) e3 = NULL;
    if (*e1 || *e2 || e1 == a || e2 == b || !e3 || e3 == spec || errno || !isfinite(x0) || !isfinite(x1))
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": \"%s..%s:%s\" is not A..B:N or A..B:N:log with "
                                          "numbers A, B and a count N", text, a, b, spec);
    if (n < 2 || n > 100000000L)
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": count %ld must be in 2..1e8", text, n);
    if (log_scale && !(x0 > 0 && x1 > 0))
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": a log range needs A > 0 and B > 0 (%s..%s)", text, a, b);
    for (long i = 0; i < n; i++) {
        char s[40];
        const char *t = s;
        int sl;
        if (i == 0 || i == n - 1) {
            t = i == 0 ? a : b;
            sl = (int)strlen(t);
        } else {
            double f = (double)i / (double)(n - 1);
            double x = log_scale ? pow(10.0, log10(x0) + (log10(x1) - log10(x0)) * f) : x0 + (x1 - x0) * f;
            sl = snprintf(s, sizeof s, "%.15g", x);
        }
        if (push_item(v, cap, t, (size_t)sl)) return cli_error(SWEEP_CMD, "out of memory") + 1;
    }
    return 0;
}

/* KEY=ITEM,ITEM,... with integer ranges A..B and real ranges A..B:N[:log]; "set=kP0=1e-4,5e-4"
 * puts "kP0=" before each */
static int vary_parse(const char *text, vary *v)
{
    memset(v, 0, sizeof *v);
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || !eq[1])
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": expected OPTION=LIST (seed=1..100, set=kP0=1e-4,5e-4)", text);
    v->key = strndup(text, (size_t)(eq - text));
    const char *list = eq + 1;
    size_t first = strcspn(list, ",");
    const char *peq = memchr(list, '=', first);
    v->prefix = strndup(list, peq ? (size_t)(peq - list) + 1 : 0);
    if (!v->key || !v->prefix) return cli_error(SWEEP_CMD, "out of memory") + 1;
    if (!strncmp(v->key, "-", 1) || !strcmp(v->key, "config"))
        return cli_usage_error(SWEEP_CMD, "--vary \"%s\": name the option without dashes, and not config", text);
    size_t ll = strlen(v->key) + strlen(v->prefix) + 2;
    v->label = malloc(ll);
    if (!v->label) return cli_error(SWEEP_CMD, "out of memory") + 1;
    if (peq) snprintf(v->label, ll, "%s.%.*s", v->key, (int)strlen(v->prefix) - 1, v->prefix);
    else snprintf(v->label, ll, "%s", v->key);
    size_t cap = 0;
    const char *p = list + strlen(v->prefix);
    for (;;) {
        size_t l = strcspn(p, ",");
        if (!l) return cli_usage_error(SWEEP_CMD, "--vary \"%s\": empty value", text);
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < l; i++)
            if (p[i] == '.' && p[i + 1] == '.') dots = p + i;
        if (dots) {
            char a[64], b[64];
            size_t la = (size_t)(dots - p), lb = l - la - 2;
            if (la >= sizeof a || lb >= sizeof b || !la || !lb)
                return cli_usage_error(SWEEP_CMD, "--vary \"%s\": bad range \"%.*s\"", text, (int)l, p);
            memcpy(a, p, la), a[la] = 0;
            memcpy(b, dots + 2, lb), b[lb] = 0;
            int r = strchr(b, ':') ? float_range(v, &cap, text, a, b) : int_range(v, &cap, text, a, b);
            if (r) return r;
        } else {
            const char *q = p;
            size_t ql = l;
            if (*v->prefix && !strncmp(q, v->prefix, strlen(v->prefix))) q += strlen(v->prefix), ql -= strlen(v->prefix);
            if (push_item(v, &cap, q, ql)) return cli_error(SWEEP_CMD, "out of memory") + 1;
        }
        p += l;
        if (!*p) break;
        p++;
    }
    return 0;
}

/* the command a run file describes ("command = NAME"), or NULL */
static char *config_command(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[8192], *cmd = NULL;
    while (!cmd && fgets(line, sizeof line, f)) {
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (strncmp(s, "command", 7)) continue;
        s += 7;
        while (*s == ' ' || *s == '\t') s++;
        if (*s++ != '=') continue;
        while (*s == ' ' || *s == '\t') s++;
        size_t l = strcspn(s, " \t\r\n#");
        cmd = strndup(s, l);
    }
    fclose(f);
    return cmd;
}

/* make an input path absolute (the task runs in its own directory); outputs keep their base
 * name, so they are written into the task's directory */
static int resolve_value(char **slot, const char *opt)
{
    char *v = *slot;
    if (opt && sweep_is_output_option(opt)) {
        const char *b = strrchr(v, '/');
        if (b && b[1]) {
            char *n = strdup(b + 1);
            if (!n) return 1;
            free(v);
            *slot = n;
        }
        return 0;
    }
    static const char *prefixes[] = { "", "file:", "pwlfile:" };
    for (size_t k = 0; k < 3; k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncmp(v, prefixes[k], pl) || v[pl] == '/' || !v[pl]) continue;
        struct stat sb;
        if (stat(v + pl, &sb) || !S_ISREG(sb.st_mode)) continue;
        char *abs = realpath(v + pl, NULL);
        if (!abs) continue;
        size_t l = pl + strlen(abs) + 1;
        char *n = malloc(l);
        if (!n) {
            free(abs);
            return 1;
        }
        snprintf(n, l, "%s%s", prefixes[k], abs);
        free(abs);
        free(v);
        *slot = n;
        return 0;
    }
    return 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: memnet sweep plan --config BASE.cfg --vary OPTION=LIST [--vary ...] [--zip]\n"
        "                         [--derive-seed OPTION[=BASE]] --dir D [--force] [-- ARGS...]\n"
        "\n"
        "Writes D/manifest.tsv (one row per task: id, hash of the resolved options, the varied\n"
        "values, the command's arguments) and D/sweep.json (memnet version, command, base).\n"
        "  --config FILE          the base run file; its `command = NAME` line names the command\n"
        "  --command NAME         the command when the run file has no command line\n"
        "  --vary OPTION=LIST     LIST: values separated by commas, integer ranges A..B, real\n"
        "                         ranges A..B:N (N equally spaced values, ends included) and\n"
        "                         A..B:N:log (equally spaced logarithms); set=kP0=1e-4,5e-4 varies\n"
        "                         --set kP0=...; repeatable\n"
        "  --zip                  vary the lists together (equal lengths) instead of their\n"
        "                         Cartesian product (the default; the first --vary varies slowest)\n"
        "  --derive-seed OPT[=B]  give every task --OPT S with S from memnet's RNG, seed B\n"
        "                         (default 1), stream = task id\n"
        "  --checkpoint-every DT  simulate tasks: add --checkpoint checkpoint.mnck\n"
        "                         --checkpoint-every DT, so a killed task resumes from its last\n"
        "                         checkpoint (DT in simulated seconds)\n"
        "  --dir D                the sweep directory (created)\n"
        "  --force                replace an existing manifest (finished runs whose options\n"
        "                         changed are run again, the others are kept)\n"
        "  -- ARGS...             further arguments of the command after the run file's\n"
        "Input files named by relative paths are made absolute; output options (--out, --*-out,\n"
        "--checkpoint, --snapshot-prefix) keep their base name: every task writes into its own\n"
        "directory D/runs/<id>/.\n");
}

int sweep_plan(int argc, char **argv)
{
    const char *config = NULL, *command = NULL, *dir = NULL, *derive = NULL, *cp_every = NULL;
    int zip = 0, force = 0, rc = 2, extra0 = argc;
    vary *vs = calloc((size_t)argc + 1, sizeof *vs);
    size_t nv = 0;
    char *cfg_cmd = NULL;
    char **base = NULL;
    int nbase = 0;
    if (!vs) return cli_error(SWEEP_CMD, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto done;
        }
        if (!strcmp(a, "--")) {
            extra0 = i + 1;
            break;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--config"))) config = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--command"))) command = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--dir"))) dir = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--derive-seed"))) derive = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--checkpoint-every"))) cp_every = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--vary"))) {
            int r = vary_parse(v, &vs[nv]);
            nv++;
            if (r) {
                rc = r;
                goto done;
            }
        } else if (cli_flag(a, "--zip")) zip = 1;
        else if (cli_flag(a, "--force")) force = 1;
        else {
            cli_usage_error(SWEEP_CMD, "plan: unknown option \"%s\" (see memnet sweep plan --help)", a);
            goto done;
        }
    }
    if (!dir) {
        cli_usage_error(SWEEP_CMD, "plan: missing --dir");
        goto done;
    }
    if (config) {
        cfg_cmd = config_command(config);
        if (!cfg_cmd && access(config, R_OK)) {
            cli_usage_error(SWEEP_CMD, "plan: --config: cannot read \"%s\" (%s)", config, strerror(errno));
            goto done;
        }
    }
    if (cfg_cmd && command && strcmp(cfg_cmd, command)) {
        cli_usage_error(SWEEP_CMD, "plan: --command %s, but \"%s\" describes a %s run", command, config, cfg_cmd);
        goto done;
    }
    if (!command) command = cfg_cmd;
    if (!command) {
        cli_usage_error(SWEEP_CMD, "plan: no command: give --command NAME or a `command = NAME` line in the run file");
        goto done;
    }
    if (!strcmp(command, "sweep") || !cli_find_command(command)) {
        cli_usage_error(SWEEP_CMD, "plan: \"%s\" is not a command a sweep can run", command);
        goto done;
    }
    if (cp_every) {
        double dt;
        if (cli_parse_double(SWEEP_CMD, "--checkpoint-every", cp_every, &dt)) goto done;
        if (!(dt > 0) || !isfinite(dt)) {
            cli_usage_error(SWEEP_CMD, "plan: --checkpoint-every %s must be a time > 0", cp_every);
            goto done;
        }
        if (strcmp(command, "simulate")) {
            cli_usage_error(SWEEP_CMD, "plan: --checkpoint-every: only simulate tasks checkpoint (this "
                                       "sweep runs %s)", command);
            goto done;
        }
    }
    /* the base arguments: the command name, the run file's options, the arguments after --,
       and the checkpoint options */
    {
        int n0 = 1 + (config ? 2 : 0) + (argc - extra0) + (cp_every ? 4 : 0);
        char **a0 = calloc((size_t)n0 + 1, sizeof *a0);
        if (!a0) {
            rc = cli_error(SWEEP_CMD, "out of memory");
            goto done;
        }
        int k = 0;
        a0[k++] = (char *)command;
        if (config) a0[k++] = "--config", a0[k++] = (char *)config;
        for (int i = extra0; i < argc; i++) a0[k++] = argv[i];
        if (cp_every) {
            a0[k++] = "--checkpoint";
            a0[k++] = "checkpoint.mnck";
            a0[k++] = "--checkpoint-every";
            a0[k++] = (char *)cp_every;
        }
        int r = cli_expand_config(k, a0, &nbase, &base);
        free(a0);
        if (r) goto done;
    }
    if (nv > 64) {
        cli_usage_error(SWEEP_CMD, "plan: more than 64 --vary options");
        goto done;
    }
    size_t ntask = 1;
    for (size_t j = 0; j < nv; j++) {
        if (zip) {
            if (j && vs[j].n != vs[0].n) {
                cli_usage_error(SWEEP_CMD, "plan: --zip: --vary %s has %zu values, --vary %s has %zu", vs[j].key,
                                vs[j].n, vs[0].key, vs[0].n);
                goto done;
            }
            ntask = vs[0].n;
        } else {
            if (ntask > 100000000 / vs[j].n) {
                cli_usage_error(SWEEP_CMD, "plan: more than 1e8 tasks");
                goto done;
            }
            ntask *= vs[j].n;
        }
    }
    char derive_opt[128] = "";
    uint64_t derive_base = 1;
    if (derive) {
        const char *eq = strchr(derive, '=');
        size_t l = eq ? (size_t)(eq - derive) : strlen(derive);
        if (!l || l + 3 > sizeof derive_opt) {
            cli_usage_error(SWEEP_CMD, "plan: --derive-seed \"%s\": expected OPTION[=BASE]", derive);
            goto done;
        }
        snprintf(derive_opt, sizeof derive_opt, "--%.*s", (int)l, derive);
        unsigned long long b;
        if (eq && cli_parse_u64(SWEEP_CMD, "--derive-seed", eq + 1, &b)) goto done;
        if (eq) derive_base = b;
    }

    /* ------------------------------------------------------------ write */
    rc = 1;
    if (mkdir(dir, 0777) && errno != EEXIST) {
        cli_error(SWEEP_CMD, "plan: cannot create \"%s\" (%s)", dir, strerror(errno));
        goto done;
    }
    size_t pl = strlen(dir) + 32;
    char *mpath = malloc(pl), *tpath = malloc(pl + 32), *jpath = malloc(pl), *rpath = malloc(pl);
    FILE *f = NULL;
    mn_context *ctx = NULL;
    char **targ = calloc((size_t)nbase + 2 * nv + 3, sizeof *targ);
    if (!mpath || !tpath || !jpath || !rpath || !targ) {
        cli_error(SWEEP_CMD, "out of memory");
        goto wdone;
    }
    snprintf(mpath, pl, "%s/manifest.tsv", dir);
    snprintf(jpath, pl, "%s/sweep.json", dir);
    snprintf(rpath, pl, "%s/runs", dir);
    snprintf(tpath, pl + 32, "%s/manifest.tsv.tmp-%ld", dir, (long)getpid());
    if (!force && access(mpath, F_OK) == 0) {
        cli_usage_error(SWEEP_CMD, "plan: \"%s\" exists (--force replaces it)", mpath);
        rc = 2;
        goto wdone;
    }
    if (mkdir(rpath, 0777) && errno != EEXIST) {
        cli_error(SWEEP_CMD, "plan: cannot create \"%s\" (%s)", rpath, strerror(errno));
        goto wdone;
    }
    if (mn_context_new(&ctx)) {
        cli_error(SWEEP_CMD, "cannot create a context");
        goto wdone;
    }
    f = fopen(tpath, "w");
    if (!f) {
        cli_error(SWEEP_CMD, "plan: cannot write \"%s\" (%s)", tpath, strerror(errno));
        goto wdone;
    }
    fprintf(f, "# memnet sweep manifest (memnet %s): one task per row: id, hash of the arguments, the varied\n"
               "# values, then the command's arguments; tab-separated, with \\t \\n \\\\ escaped\n",
            mn_version_string());
    fputs("id\thash", f);
    for (size_t j = 0; j < nv; j++) fputc('\t', f), sweep_write_field(f, vs[j].label);
    if (derive) fputc('\t', f), sweep_write_field(f, derive_opt + 2);
    fputs("\targs\n", f);
    for (size_t id = 0; id < ntask; id++) {
        int n = 0, bad = 0;
        char seedbuf[32];
        for (int i = 0; i < nbase; i++) bad |= !(targ[n++] = strdup(base[i]));
        size_t rem = id;
        size_t idx[64];
        for (size_t j = nv; j-- > 0;) {
            idx[j] = zip ? id : rem % vs[j].n;
            if (!zip) rem /= vs[j].n;
        }
        for (size_t j = 0; j < nv; j++) {
            size_t kl = strlen(vs[j].key) + 3, vl = strlen(vs[j].prefix) + strlen(vs[j].items[idx[j]]) + 1;
            char *o = malloc(kl), *val = malloc(vl);
            if (o) snprintf(o, kl, "--%s", vs[j].key);
            if (val) snprintf(val, vl, "%s%s", vs[j].prefix, vs[j].items[idx[j]]);
            targ[n++] = o, targ[n++] = val;
            bad |= !o || !val;
        }
        if (derive) {
            mn_rng *r = NULL;
            if (mn_rng_new(&r, ctx, derive_base, (uint64_t)id)) bad = 1;
            else {
                /* 53 bits: exact in JSON, Python and spreadsheets */
                snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)(mn_rng_u64(r) >> 11));
                mn_rng_free(r);
                bad |= !(targ[n++] = strdup(derive_opt));
                bad |= !(targ[n++] = strdup(seedbuf));
            }
        }
        for (int i = 1; i < n && !bad; i++)
            if (strncmp(targ[i], "--", 2))
                bad |= resolve_value(&targ[i], !strncmp(targ[i - 1], "--", 2) ? targ[i - 1] : NULL);
        if (bad) {
            for (int i = 0; i < n; i++) free(targ[i]);
            cli_error(SWEEP_CMD, "out of memory");
            goto wdone;
        }
        char h[17];
        sweep_hash(h, n, targ);
        fprintf(f, "%zu\t%s", id, h);
        for (size_t j = 0; j < nv; j++) fputc('\t', f), sweep_write_field(f, vs[j].items[idx[j]]);
        if (derive) fputc('\t', f), sweep_write_field(f, seedbuf);
        for (int i = 0; i < n; i++) fputc('\t', f), sweep_write_field(f, targ[i]);
        fputc('\n', f);
        for (int i = 0; i < n; i++) free(targ[i]);
    }
    if (fflush(f) || ferror(f) | fclose(f)) {
        f = NULL;
        cli_error(SWEEP_CMD, "plan: write to \"%s\" failed", tpath);
        goto wdone;
    }
    f = NULL;
    if (rename(tpath, mpath)) {
        cli_error(SWEEP_CMD, "plan: cannot rename \"%s\" (%s)", tpath, strerror(errno));
        goto wdone;
    }
    /* the description */
    f = fopen(jpath, "w");
    if (!f) {
        cli_error(SWEEP_CMD, "plan: cannot write \"%s\" (%s)", jpath, strerror(errno));
        goto wdone;
    }
    char cwd[PATH_MAX];
    char *cabs = config ? realpath(config, NULL) : NULL;
    fprintf(f, "{\n  \"memnet_version\": ");
    json_str(f, mn_version_string());
    fprintf(f, ",\n  \"command\": ");
    json_str(f, command);
    fprintf(f, ",\n  \"base\": ");
    if (cabs) json_str(f, cabs);
    else fputs("null", f);
    free(cabs);
    fprintf(f, ",\n  \"planned_in\": ");
    json_str(f, getcwd(cwd, sizeof cwd) ? cwd : "");
    fprintf(f, ",\n  \"base_args\": [");
    for (int i = 0; i < nbase; i++) fputs(i ? ", " : "", f), json_str(f, base[i]);
    fprintf(f, "],\n  \"vary\": [");
    for (size_t j = 0; j < nv; j++) {
        fprintf(f, "%s{\"option\": ", j ? ", " : "");
        json_str(f, vs[j].key);
        fprintf(f, ", \"column\": ");
        json_str(f, vs[j].label);
        fprintf(f, ", \"count\": %zu}", vs[j].n);
    }
    fprintf(f, "],\n  \"zip\": %s,\n  \"derive_seed\": ", zip ? "true" : "false");
    if (derive) {
        fprintf(f, "{\"option\": ");
        json_str(f, derive_opt + 2);
        fprintf(f, ", \"base\": %llu}", (unsigned long long)derive_base);
    } else {
        fputs("null", f);
    }
    fprintf(f, ",\n  \"tasks\": %zu\n}\n", ntask);
    if (fflush(f) || ferror(f) | fclose(f)) {
        f = NULL;
        cli_error(SWEEP_CMD, "plan: write to \"%s\" failed", jpath);
        goto wdone;
    }
    f = NULL;
    cli_out_str("dir", "%s", dir);
    cli_out("tasks=%zu\n", ntask);
    cli_out_str("command", "%s", command);
    rc = 0;
wdone:
    if (f) fclose(f);
    if (rc) unlink(tpath);
    mn_context_free(ctx);
    free(mpath), free(tpath), free(jpath), free(rpath), free(targ);
done:
    for (size_t j = 0; j < nv; j++) vary_free(&vs[j]);
    free(vs);
    free(cfg_cmd);
    cli_free_args(nbase, base);
    return rc;
}
