/* memnet analyze: events, inter-event intervals, power-law fit, autocorrelation, avalanches
 * and moving averages of one column of a recorded CSV series (003 sec. 2.5-2.6). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CMD "analyze"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: memnet analyze --data FILE.csv [options]\n"
            "       memnet analyze --events LOG.csv [--data FILE.csv] [options]\n"
            "\n"
            "Detects events (jumps between samples) in one column of a CSV series with a header\n"
            "line (the stepper writes t,V,I,G,...), then computes the inter-event intervals\n"
            "(IEIs), their histograms (linear and logarithmic bins), a maximum-likelihood\n"
            "power-law fit of their tail with x_min chosen by the Kolmogorov-Smirnov distance,\n"
            "the ACF of the binned event train and of the series, avalanches (runs of non-empty\n"
            "bins) and moving averages of the series and of the event rate. Prints key=value\n"
            "lines and writes CSV files P-*.csv (see docs/analysis.md).\n"
            "\n"
            "options:\n"
            "  --data FILE          CSV file with a header line; lines starting with # are skipped\n"
            "  --events FILE        take the events from an event log (CSV with a header) instead\n"
            "                       of detecting them; --data is then optional\n"
            "  --event-column C     column of the event times in --events (default t)\n"
            "  --column C           column to analyse: a name or a 1-based index (default I)\n"
            "  --time-column C      time column (default t if present, else the row number)\n"
            "  --skip N             ignore the first N data rows (transient; default 0); with\n"
            "                       --events also the logged events before the first kept row\n"
            "  --threshold X        event threshold on |x[i] - x[i-1]| (default: 5 robust sd of\n"
            "                       the differences, or every change if they are noise-free)\n"
            "  --relative           threshold X is relative: |dx| >= X |x[i-1]|\n"
            "  --direction D        both, up or down (default both)\n"
            "  --bins N             histogram bins (default 40)\n"
            "  --acf-bin-width W    bin width of the event train for its ACF (units of t;\n"
            "                       default the mean sample spacing of --data, else the mean IEI)\n"
            "  --bin-width W        bin width for avalanches (units of t; default the mean IEI)\n"
            "  --max-lag K          largest ACF lag, in bins and in samples (default 1000)\n"
            "  --window N           moving-average window in samples (default 100, 003 Fig. 7c)\n"
            "  --min-tail N         smallest IEI tail considered by the fit (default 10)\n"
            "  --discrete STEP      fit the discrete power law to the IEIs counted in steps of\n"
            "                       STEP (units of t; e.g. the time step of a fixed-step run)\n"
            "  --max-candidates N   at most N x_min candidates (default 1000; 0 = all)\n"
            "  --bootstrap B        bootstrap resamples for the spread of alpha (default 0)\n"
            "  --gof B              synthetic sets for the goodness-of-fit p-value (default 0)\n"
            "  --seed S             seed of the bootstrap (default 1)\n"
            "  --out-prefix P       prefix of the output files (default: FILE without .csv)\n"
            "  --help               this text\n");
}

/* ---------------------------------------------------------------- CSV */

typedef struct table {
    char **names;
    size_t ncol;
    double *tcol, *xcol; /* selected columns (tcol NULL: row numbers) */
    size_t nrow;
} table;

static void table_free(table *tb)
{
    for (size_t i = 0; i < tb->ncol; i++) free(tb->names[i]);
    free(tb->names);
    free(tb->tcol);
    free(tb->xcol);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '"') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                     s[n - 1] == '\n' || s[n - 1] == '"'))
        s[--n] = '\0';
    return s;
}

/* split a line in place on commas; returns the number of fields (max cap) */
static size_t split(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        if (n < cap) fields[n] = trim(p);
        n++;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

/* column by name or 1-based index; -1 and a message if not found */
static long find_column(const table *tb, const char *opt, const char *spec, int required)
{
    for (size_t i = 0; i < tb->ncol; i++)
        if (!strcmp(tb->names[i], spec)) return (long)i;
    char *end;
    errno = 0;
    long k = strtol(spec, &end, 10);
    if (*spec && !*end && !errno) {
        if (k >= 1 && (size_t)k <= tb->ncol) return k - 1;
        cli_error(CMD, "%s %s: column index out of range 1..%zu", opt, spec, tb->ncol);
        return -2;
    }
    if (required) {
        char list[512] = "";
        for (size_t i = 0; i < tb->ncol && strlen(list) < 400; i++) {
            strcat(list, i ? "," : "");
            strncat(list, tb->names[i], 60);
        }
        cli_error(CMD, "%s %s: no such column (columns: %s)", opt, spec, list);
        return -2;
    }
    return -1;
}

/* Read the column xspec (NULL: none) and the time column tspec (NULL: "t" if present) of a
 * CSV file; topt names the option of the time column in messages. */
static int read_csv(table *tb, const char *path, const char *popt, const char *xspec,
                    const char *topt, const char *tspec, long skip)
{
    long skip0 = skip;
    FILE *f = fopen(path, "r");
    if (!f) return cli_error(CMD, "%s %s: cannot open: %s", popt, path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0, rowcap = 0;
    long xi = -1, ti = -1;
    char **fields = NULL;
    int rc = 1;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) { /* "3\0.5" must not read as 3 */
            cli_error(CMD, "%s %s:%zu: NUL byte in a text line", popt, path, lineno);
            goto done;
        }
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        if (!tb->names) { /* header */
            size_t n = 1;
            for (const char *q = s; *q; q++) n += *q == ',';
            tb->names = calloc(n, sizeof *tb->names);
            fields = calloc(n, sizeof *fields);
            if (!tb->names || !fields) {
                cli_error(CMD, "out of memory");
                goto done;
            }
            split(s, fields, n);
            tb->ncol = n;
            for (size_t i = 0; i < n; i++) {
                tb->names[i] = strdup(fields[i]);
                if (!tb->names[i]) {
                    cli_error(CMD, "out of memory");
                    goto done;
                }
            }
            if (xspec) {
                xi = find_column(tb, "--column", xspec, 1);
                if (xi < 0) goto done;
            }
            ti = find_column(tb, topt, tspec ? tspec : "t", tspec != NULL);
            if (ti == -2) goto done;
            continue;
        }
        size_t n = split(s, fields, tb->ncol);
        if (n != tb->ncol) {
            cli_error(CMD, "%s %s:%zu: %zu fields, the header has %zu", popt, path, lineno, n,
                      tb->ncol);
            goto done;
        }
        if (skip > 0) {
            skip--;
            continue;
        }
        if (tb->nrow == rowcap) {
            rowcap = rowcap ? 2 * rowcap : 1024;
            double *a = realloc(tb->xcol, rowcap * sizeof *a);
            if (!a) {
                cli_error(CMD, "out of memory");
                goto done;
            }
            tb->xcol = a;
            if (ti >= 0) {
                double *b = realloc(tb->tcol, rowcap * sizeof *b);
                if (!b) {
                    cli_error(CMD, "out of memory");
                    goto done;
                }
                tb->tcol = b;
            }
        }
        long cols[2] = { xi, ti };
        for (int c = 0; c < 2; c++) {
            if (cols[c] < 0) continue;
            const char *txt = fields[cols[c]];
            char *end;
            double v = strtod(txt, &end);
            if (end == txt || *end) {
                cli_error(CMD, "%s %s:%zu: column %s: \"%s\" is not a number", popt, path, lineno,
                          tb->names[cols[c]], txt);
                goto done;
            }
            (c == 0 ? tb->xcol : tb->tcol)[tb->nrow] = v;
        }
        tb->nrow++;
    }
    if (!tb->names) {
        cli_error(CMD, "%s %s: no header line", popt, path);
        goto done;
    }
    if (tb->nrow == 0) {
        cli_error(CMD, "%s %s: no data rows%s", popt, path, skip0 ? " (after --skip)" : "");
        goto done;
    }
    rc = 0;
done:
    free(fields);
    free(line);
    fclose(f);
    return rc;
}

/* ---------------------------------------------------------------- helpers */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n) /* sorts v */
{
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* the run's inputs, written as '# key=value' provenance lines at the top of every output */
static char prov[8192];

static FILE *open_out(const char *prefix, const char *suffix, char *path, size_t cap)
{
    snprintf(path, cap, "%s-%s", prefix, suffix);
    FILE *f = fopen(path, "w");
    if (!f) cli_error(CMD, "cannot write %s: %s", path, strerror(errno));
    else cli_write_provenance(f, "%s", prov);
    return f;
}

static int write_hist(mn_context *ctx, const char *prefix, const char *suffix, const double *x,
                      size_t n, size_t nbins, mn_bin_scale scale, char *path, size_t cap)
{
    double *edges = malloc((nbins + 1) * sizeof *edges), *dens = malloc(nbins * sizeof *dens);
    size_t *cnt = malloc(nbins * sizeof *cnt), out;
    int rc = 1;
    if (!edges || !dens || !cnt) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    mn_status st = mn_analysis_histogram(edges, dens, cnt, &out, ctx, x, n, nbins, scale, 0, 0);
    if (st != MN_OK) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    FILE *f = open_out(prefix, suffix, path, cap);
    if (!f) goto done;
    fprintf(f, "bin_lo,bin_hi,bin_center,count,density\n");
    for (size_t k = 0; k < nbins; k++) {
        double c = scale == MN_BINS_LOG ? sqrt(edges[k] * edges[k + 1])
                                        : 0.5 * (edges[k] + edges[k + 1]);
        fprintf(f, "%.17g,%.17g,%.17g,%zu,%.17g\n", edges[k], edges[k + 1], c, cnt[k], dens[k]);
    }
    fclose(f);
    rc = 0;
done:
    free(edges);
    free(dens);
    free(cnt);
    return rc;
}

/* print to stdout and to the summary file */
static void kv(FILE *sum, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void kv(FILE *sum, const char *key, const char *fmt, ...)
{
    va_list ap;
    char val[4096];
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    /* names and files are strings in --json even when they look like numbers */
    if (!strcmp(fmt, "%s")) cli_out_str(key, "%s", val);
    else cli_out("%s=%s\n", key, val);
    if (sum) {
        fprintf(sum, "%s=", key);
        va_start(ap, fmt);
        vfprintf(sum, fmt, ap);
        va_end(ap);
        fputc('\n', sum);
    }
}

static int parse_count(const char *opt, const char *text, size_t *out, size_t lowest)
{
    unsigned long long v;
    if (cli_parse_u64(CMD, opt, text, &v)) return 1;
    if (v < lowest) return cli_error(CMD, "%s %s must be >= %zu", opt, text, lowest);
    *out = (size_t)v;
    return 0;
}

/* ---------------------------------------------------------------- command */

int mn_cli_analyze(int argc, char **argv)
{
    const char *data = NULL, *column = "I", *tcolumn = NULL, *prefix_opt = NULL;
    const char *events_path = NULL, *ecolumn = "t";
    double threshold = 0, bin_width = 0, acf_bin_width = 0, discrete_step = 0;
    int have_threshold = 0, relative = 0;
    mn_event_direction dir = MN_EVENT_BOTH;
    size_t nbins = 40, max_lag = 1000, window = 100, min_tail = 10, max_cand = 1000;
    size_t bootstrap = 0, gof = 0, skip = 0;
    unsigned long long seed = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (cli_flag(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (cli_flag(a, "--relative")) {
            relative = 1;
        } else if (!strncmp(a, "--data", 6) && (a[6] == 0 || a[6] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--data"))) return 2;
            data = v;
        } else if (!strncmp(a, "--events", 8) && (a[8] == 0 || a[8] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--events"))) return 2;
            events_path = v;
        } else if (!strncmp(a, "--event-column", 14) && (a[14] == 0 || a[14] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--event-column"))) return 2;
            ecolumn = v;
        } else if (!strncmp(a, "--column", 8) && (a[8] == 0 || a[8] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--column"))) return 2;
            column = v;
        } else if (!strncmp(a, "--time-column", 13) && (a[13] == 0 || a[13] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--time-column"))) return 2;
            tcolumn = v;
        } else if (!strncmp(a, "--out-prefix", 12) && (a[12] == 0 || a[12] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--out-prefix"))) return 2;
            prefix_opt = v;
        } else if (!strncmp(a, "--threshold", 11) && (a[11] == 0 || a[11] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--threshold"))) return 2;
            if (cli_parse_double(CMD, "--threshold", v, &threshold)) return 2;
            if (!(threshold > 0) || !isfinite(threshold))
                return cli_error(CMD, "--threshold %s must be a finite number > 0", v), 2;
            have_threshold = 1;
        } else if (!strncmp(a, "--bin-width", 11) && (a[11] == 0 || a[11] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--bin-width"))) return 2;
            if (cli_parse_double(CMD, "--bin-width", v, &bin_width)) return 2;
            if (!(bin_width > 0) || !isfinite(bin_width))
                return cli_error(CMD, "--bin-width %s must be a finite number > 0", v), 2;
        } else if (!strncmp(a, "--acf-bin-width", 15) && (a[15] == 0 || a[15] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--acf-bin-width"))) return 2;
            if (cli_parse_double(CMD, "--acf-bin-width", v, &acf_bin_width)) return 2;
            if (!(acf_bin_width > 0) || !isfinite(acf_bin_width))
                return cli_error(CMD, "--acf-bin-width %s must be a finite number > 0", v), 2;
        } else if (!strncmp(a, "--discrete", 10) && (a[10] == 0 || a[10] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--discrete"))) return 2;
            if (cli_parse_double(CMD, "--discrete", v, &discrete_step)) return 2;
            if (!(discrete_step > 0) || !isfinite(discrete_step))
                return cli_error(CMD, "--discrete %s: the step must be a finite number > 0", v), 2;
        } else if (!strncmp(a, "--direction", 11) && (a[11] == 0 || a[11] == '=')) {
            if (!(v = cli_opt_value(argc, argv, &i, "--direction"))) return 2;
            if (!strcmp(v, "both")) dir = MN_EVENT_BOTH;
            else if (!strcmp(v, "up")) dir = MN_EVENT_UP;
            else if (!strcmp(v, "down")) dir = MN_EVENT_DOWN;
            else return cli_error(CMD, "--direction %s: use both, up or down", v), 2;
        } else {
            const struct {
                const char *name;
                size_t *dst;
                size_t lowest;
            } counts[] = { { "--bins", &nbins, 1 },      { "--max-lag", &max_lag, 1 },
                           { "--window", &window, 1 },   { "--min-tail", &min_tail, 2 },
                           { "--max-candidates", &max_cand, 0 },
                           { "--bootstrap", &bootstrap, 0 }, { "--gof", &gof, 0 },
                           { "--skip", &skip, 0 } };
            int matched = 0;
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                size_t L = strlen(counts[c].name);
                if (strncmp(a, counts[c].name, L) || (a[L] && a[L] != '=')) continue;
                if (!(v = cli_opt_value(argc, argv, &i, counts[c].name))) return 2;
                if (parse_count(counts[c].name, v, counts[c].dst, counts[c].lowest)) return 2;
                matched = 1;
                break;
            }
            if (!matched && !strncmp(a, "--seed", 6) && (a[6] == 0 || a[6] == '=')) {
                if (!(v = cli_opt_value(argc, argv, &i, "--seed"))) return 2;
                if (cli_parse_u64(CMD, "--seed", v, &seed)) return 2;
                matched = 1;
            }
            if (!matched) {
                cli_error(CMD, "unknown option \"%s\" (see memnet analyze --help)", a);
                return 2;
            }
        }
    }
    /* histogram bins are allocated and written before any data is read: a bound names itself
     * (--bins 2e8 wrote 3.7 GB) */
    if (nbins > 1000000) {
        cli_error(CMD, "--bins %zu: at most 1000000 bins", nbins);
        return 2;
    }
    if (!data && !events_path) {
        cli_error(CMD, "--data FILE.csv (or --events LOG.csv) is required (see memnet analyze "
                       "--help)");
        return 2;
    }
    if (relative && !have_threshold) {
        cli_error(CMD, "--relative needs --threshold X");
        return 2;
    }

    char prefix[4096];
    if (prefix_opt) {
        snprintf(prefix, sizeof prefix, "%s", prefix_opt);
    } else {
        snprintf(prefix, sizeof prefix, "%s", data ? data : events_path);
        size_t L = strlen(prefix);
        if (L > 4 && !strcmp(prefix + L - 4, ".csv")) prefix[L - 4] = '\0';
    }

    table tb = { 0 }, etb = { 0 };
    mn_context *ctx = NULL;
    mn_event_train *ev = NULL;
    mn_powerlaw *pl = NULL;
    double *iei = NULL, *work = NULL, *counts = NULL, *acf = NULL, *asz = NULL, *adur = NULL;
    size_t *adu = NULL, *ast = NULL;
    FILE *sum = NULL, *f = NULL;
    char path[4200];
    int rc = 1;
    mn_status st;

    if (data && read_csv(&tb, data, "--data", column, "--time-column", tcolumn, (long)skip))
        goto done;
    if (events_path &&
        read_csv(&etb, events_path, "--events", NULL, "--event-column", ecolumn, 0))
        goto done;
    if ((st = cli_context_new(&ctx)) != MN_OK) {
        cli_error(CMD, "cannot create a context: %s", mn_status_str(st));
        goto done;
    }
    size_t n = tb.nrow;
    int have_series = data != NULL;
    const char *xname = have_series ? tb.names[find_column(&tb, "--column", column, 1)] : "";
    int row_time = have_series && tb.tcol == NULL; /* no time column: row number is the time */
    if (row_time) {
        tb.tcol = malloc(n * sizeof *tb.tcol);
        if (!tb.tcol) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < n; i++) tb.tcol[i] = (double)(i + skip);
    }
    const double *t = tb.tcol, *x = tb.xcol;

    /* ---- threshold */
    const char *thr_source = events_path ? "none (event log)" : "given";
    if (have_series && !events_path && !have_threshold) {
        if (n < 2) {
            cli_error(CMD, "--data %s: %zu row, at least 2 are needed", data, n);
            goto done;
        }
        work = malloc((n - 1) * sizeof *work);
        if (!work) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        for (size_t i = 1; i < n; i++) work[i - 1] = x[i] - x[i - 1];
        double minpos = INFINITY;
        for (size_t i = 0; i + 1 < n; i++)
            if (work[i] != 0 && fabs(work[i]) < minpos) minpos = fabs(work[i]);
        double med = median(work, n - 1);
        for (size_t i = 0; i + 1 < n; i++) work[i] = fabs(work[i] - med);
        double sd = 1.4826 * median(work, n - 1);
        if (sd > 0 && isfinite(sd)) {
            threshold = 5.0 * sd;
            thr_source = "auto-mad";
        } else if (isfinite(minpos)) {
            threshold = 0.5 * minpos;
            thr_source = "auto-every-change";
        } else {
            cli_error(CMD, "column %s never changes (%zu rows): no events", xname, n);
            goto done;
        }
        free(work);
        work = NULL;
    }

    snprintf(prov, sizeof prov,
             "data=%s\ncolumn=%s\ntime_column=%s\nskip=%zu\nevents_file=%s\nevent_column=%s\n"
             "threshold=%.17g\nthreshold_mode=%s\nthreshold_source=%s\ndirection=%s\nbins=%zu\n"
             "bin_width=%.17g\nacf_bin_width=%.17g\nmax_lag=%zu\nwindow=%zu\nmin_tail=%zu\n"
             "max_candidates=%zu\ndiscrete=%.17g\nbootstrap=%zu\ngof=%zu\nseed=%llu\n",
             data ? data : "", have_series ? xname : "", tcolumn ? tcolumn : (row_time ? "(row number)" : "t"),
             skip, events_path ? events_path : "", ecolumn, threshold,
             relative ? "relative" : "absolute", thr_source,
             dir == MN_EVENT_UP ? "up" : dir == MN_EVENT_DOWN ? "down" : "both", nbins, bin_width,
             acf_bin_width, max_lag, window, min_tail, max_cand, discrete_step, bootstrap, gof, seed);
    snprintf(path, sizeof path, "%s-summary.txt", prefix);
    sum = fopen(path, "w");
    if (!sum) {
        cli_error(CMD, "--out-prefix %s: cannot write %s: %s", prefix, path, strerror(errno));
        goto done;
    }
    cli_write_provenance(sum, "%s", prov);
    kv(sum, "memnet_version", "%s", mn_version_string());
    if (have_series) {
        kv(sum, "data", "%s", data);
        kv(sum, "column", "%s", xname);
        kv(sum, "time_column", "%s",
           row_time ? "(row number)"
                    : tb.names[find_column(&tb, "--time-column", tcolumn ? tcolumn : "t", 0)]);
        kv(sum, "rows", "%zu", n);
        kv(sum, "skipped_rows", "%zu", skip);
    }
    if (events_path) {
        kv(sum, "events_file", "%s", events_path);
        /* --skip drops the transient from the series: drop the events of the log that fall in
         * it too (t < the first kept sample time), or their count and rate would include
         * events of a time span the duration does not */
        size_t nev = etb.nrow;
        if (have_series && skip > 0) {
            size_t k = 0;
            for (size_t q = 0; q < etb.nrow; q++)
                if (!(etb.tcol[q] < t[0])) etb.tcol[k++] = etb.tcol[q];
            kv(sum, "skipped_events", "%zu", etb.nrow - k);
            nev = k;
        }
        st = mn_event_train_new(&ev, ctx, etb.tcol, NULL, nev);
        if (st != MN_OK) {
            cli_error(CMD, "--events %s: %s (%s)", events_path, mn_context_last_error(ctx),
                      mn_status_name(st));
            goto done;
        }
    } else {
        kv(sum, "threshold", "%.9g", threshold);
        kv(sum, "threshold_mode", "%s", relative ? "relative" : "absolute");
        kv(sum, "threshold_source", "%s", thr_source);
        kv(sum, "direction", "%s",
           dir == MN_EVENT_UP ? "up" : dir == MN_EVENT_DOWN ? "down" : "both");
        st = mn_analysis_detect_events(&ev, ctx, t, x, n, threshold,
                                       relative ? MN_EVENT_RELATIVE : MN_EVENT_ABSOLUTE, dir);
        if (st != MN_OK) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    size_t ne = mn_event_train_count(ev);
    const double *et = mn_event_train_times(ev), *es = mn_event_train_sizes(ev);
    const size_t *ei = mn_event_train_samples(ev);
    double t0 = have_series ? t[0] : (ne ? et[0] : 0);
    double t1 = have_series ? t[n - 1] : (ne ? et[ne - 1] : 0);
    double span = t1 - t0;
    kv(sum, "events", "%zu", ne);
    kv(sum, "duration", "%.9g", span);
    kv(sum, "event_rate", "%.9g", span > 0 ? (double)ne / span : 0.0);
    if (!(f = open_out(prefix, "events.csv", path, sizeof path))) goto done;
    fprintf(f, ei ? "t,size,sample\n" : "t,size\n");
    for (size_t k = 0; k < ne; k++) {
        if (ei) fprintf(f, "%.17g,%.17g,%zu\n", et[k], es[k], ei[k] + skip);
        else fprintf(f, "%.17g,%.17g\n", et[k], es[k]);
    }
    fclose(f);
    f = NULL;

    /* ---- series-only results: moving averages (003 Fig. 7c) and the ACF of the series */
    if (have_series) {
        /* ---- moving averages (003 Fig. 7c) */
        work = malloc(n * sizeof *work);
        double *rate = malloc(n * sizeof *rate);
        if (!work || !rate) {
            free(rate);
            cli_error(CMD, "out of memory");
            goto done;
        }
        double dt = n > 1 ? span / (double)(n - 1) : 1.0;
        if ((st = mn_analysis_moving_average(work, ctx, x, n, window)) != MN_OK ||
            (st = mn_analysis_event_rate(rate, ctx, t, n, et, ne, (double)window * dt)) != MN_OK) {
            free(rate);
            cli_fail(CMD, ctx, st);
            goto done;
        }
        if (!(f = open_out(prefix, "moving.csv", path, sizeof path))) {
            free(rate);
            goto done;
        }
        fprintf(f, "t,%s_avg,event_rate\n", xname);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%.17g,%.17g,%.17g\n", t[i], work[i], rate[i]);
        fclose(f);
        f = NULL;
        free(rate);
        kv(sum, "moving_window_samples", "%zu", window);
        kv(sum, "moving_window_time", "%.9g", (double)window * dt);

        /* ---- ACF of the series itself */
        {
            size_t K = max_lag < n ? max_lag : n - 1;
            acf = malloc((K + 1) * sizeof *acf);
            if (!acf) {
                cli_error(CMD, "out of memory");
                goto done;
            }
            if (n >= 2 && (st = mn_analysis_acf(acf, ctx, x, n, K)) == MN_OK) {
                if (!(f = open_out(prefix, "acf-signal.csv", path, sizeof path))) goto done;
                fprintf(f, "lag,tau,acf\n");
                for (size_t k = 0; k <= K; k++) fprintf(f, "%zu,%.17g,%.17g\n", k, (double)k * dt, acf[k]);
                fclose(f);
                f = NULL;
                kv(sum, "acf_signal_max_lag", "%zu", K);
                for (size_t k = 1; k <= K; k *= 10) {
                    char key[64];
                    snprintf(key, sizeof key, "acf_signal_lag%zu", k);
                    kv(sum, key, "%.6g", acf[k]);
                }
            } else {
                fprintf(stderr, "memnet analyze: no ACF of column %s: %s\n", xname,
                        mn_context_last_error(ctx));
            }
            free(acf);
            acf = NULL;
        }
    }

    if (ne < 2) {
        cli_error(CMD, "%zu event(s) with threshold %g: at least 2 are needed for intervals "
                       "(lower --threshold)", ne, threshold);
        goto done;
    }

    /* ---- intervals and their distribution */
    size_t ni = ne - 1;
    iei = malloc(ni * sizeof *iei);
    if (!iei) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    if ((st = mn_analysis_intervals(iei, ctx, et, ne)) != MN_OK) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    double mean_iei = 0;
    size_t npos = 0;
    for (size_t i = 0; i < ni; i++) {
        mean_iei += iei[i];
        npos += iei[i] > 0;
    }
    mean_iei /= (double)ni;
    kv(sum, "iei_count", "%zu", ni);
    kv(sum, "iei_mean", "%.9g", mean_iei);
    kv(sum, "iei_zero", "%zu", ni - npos);
    if (write_hist(ctx, prefix, "iei-lin.csv", iei, ni, nbins, MN_BINS_LINEAR, path, sizeof path))
        goto done;
    if (npos >= 1 && write_hist(ctx, prefix, "iei-log.csv", iei, ni, nbins, MN_BINS_LOG, path,
                                sizeof path))
        goto done;

    /* ---- power-law fit of the IEI tail */
    if ((st = mn_powerlaw_new(&pl, ctx)) != MN_OK ||
        (st = mn_powerlaw_set(pl, MN_POWERLAW_MIN_TAIL, (double)min_tail)) != MN_OK ||
        (st = mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, (double)max_cand)) != MN_OK ||
        (st = mn_powerlaw_set(pl, MN_POWERLAW_BOOTSTRAP, (double)bootstrap)) != MN_OK ||
        (st = mn_powerlaw_set(pl, MN_POWERLAW_GOF_SAMPLES, (double)gof)) != MN_OK) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    mn_powerlaw_set_seed(pl, seed);
    double unit = 1.0; /* IEIs are fitted in units of `unit` */
    if (discrete_step > 0) {
        unit = discrete_step;
        for (size_t i = 0; i < ni; i++) {
            double q = iei[i] / unit, r = round(q);
            if (fabs(q - r) > 1e-6 * fmax(1.0, q)) {
                cli_error(CMD, "--discrete %g: interval %zu = %.17g is %.9g steps, not a whole "
                               "number", unit, i, iei[i], q);
                goto done;
            }
            iei[i] = r;
        }
        if ((st = mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 1)) != MN_OK) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    }
    /* the fit (with --bootstrap/--gof: many refits) is the long part; the library has no
     * progress or cancellation callback for it: Ctrl-C ends the process cleanly (exit 130)
     * with the files written so far complete (each is closed before the fit) */
    if (sum) fflush(sum);
    cli_sigint_install(1);
    st = mn_powerlaw_fit(pl, iei, ni);
    cli_sigint_restore();
    if (st != MN_OK) {
        cli_error(CMD, "inter-event intervals: %s (%s)", mn_context_last_error(ctx),
                  mn_status_name(st));
        goto done;
    }
    kv(sum, "iei_fit", "%s", discrete_step > 0 ? "discrete" : "continuous");
    if (discrete_step > 0) kv(sum, "iei_step", "%.9g", discrete_step);
    kv(sum, "iei_exponent", "%.6g", mn_powerlaw_alpha(pl));
    kv(sum, "iei_exponent_err", "%.3g", mn_powerlaw_alpha_err(pl));
    kv(sum, "iei_xmin", "%.9g", mn_powerlaw_xmin(pl) * unit);
    kv(sum, "iei_ks", "%.6g", mn_powerlaw_ks(pl));
    kv(sum, "iei_tail", "%zu", mn_powerlaw_n_tail(pl));
    if (bootstrap) {
        kv(sum, "iei_exponent_boot_err", "%.3g", mn_powerlaw_alpha_boot_err(pl));
        kv(sum, "iei_xmin_boot_err", "%.3g", mn_powerlaw_xmin_boot_err(pl) * unit);
    }
    if (gof) kv(sum, "iei_p_value", "%.3g", mn_powerlaw_p_value(pl));
    if (bootstrap || gof) kv(sum, "seed", "%llu", seed);

    /* ---- ACF of the binned event train (003 Fig. 6d-f): bins of --acf-bin-width, by
     * default the mean sample spacing of the series (the time step of a fixed-step run), or
     * the mean IEI for an event log alone */
    {
        double wa = acf_bin_width > 0                ? acf_bin_width
                    : (have_series && n > 1) ? span / (double)(n - 1)
                                             : mean_iei;
        double nba_d = wa > 0 ? floor(span / wa) + 1 : 0;
        if (!(wa > 0) || nba_d > 1e9) {
            cli_error(CMD, "--acf-bin-width %g gives %.3g bins over %g: give a width > %g", wa,
                      nba_d, span, span / 1e9);
            goto done;
        }
        size_t nba = (size_t)nba_d;
        kv(sum, "acf_bin_width", "%.9g", wa);
        kv(sum, "acf_bins", "%zu", nba);
        counts = malloc(nba * sizeof *counts);
        if (!counts) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        if ((st = mn_analysis_bin_events(counts, ctx, et, ne, t0, wa, nba)) != MN_OK) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
        if (nba >= 2) {
            size_t K = max_lag < nba ? max_lag : nba - 1;
            acf = malloc((K + 1) * sizeof *acf);
            if (!acf) {
                cli_error(CMD, "out of memory");
                goto done;
            }
            if ((st = mn_analysis_acf(acf, ctx, counts, nba, K)) == MN_OK) {
                if (!(f = open_out(prefix, "acf-events.csv", path, sizeof path))) goto done;
                fprintf(f, "lag,tau,acf\n");
                for (size_t k = 0; k <= K; k++)
                    fprintf(f, "%zu,%.17g,%.17g\n", k, (double)k * wa, acf[k]);
                fclose(f);
                f = NULL;
                kv(sum, "acf_events_max_lag", "%zu", K);
                for (size_t k = 1; k <= K; k *= 10) {
                    char key[64];
                    snprintf(key, sizeof key, "acf_events_lag%zu", k);
                    kv(sum, key, "%.6g", acf[k]);
                }
            } else {
                fprintf(stderr, "memnet analyze: no event ACF: %s\n", mn_context_last_error(ctx));
            }
        }
        free(counts);
        counts = NULL;
    }

    /* ---- avalanches: bins of --bin-width, by default the mean IEI (003 ref. 19) */
    double w = bin_width > 0 ? bin_width : mean_iei;
    if (!(w > 0)) {
        cli_error(CMD, "every event shares one time: give --bin-width");
        goto done;
    }
    double nb_d = floor(span / w) + 1;
    if (nb_d > 1e9) {
        cli_error(CMD, "--bin-width %g gives %.3g bins over %g: too many", w, nb_d, span);
        goto done;
    }
    size_t nb = (size_t)nb_d;
    kv(sum, "bin_width", "%.9g", w);
    kv(sum, "bins", "%zu", nb);
    counts = malloc(nb * sizeof *counts);
    if (!counts) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    if ((st = mn_analysis_bin_events(counts, ctx, et, ne, t0, w, nb)) != MN_OK) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    size_t capn = nb / 2 + 1, na = 0;
    asz = malloc(capn * sizeof *asz);
    adur = malloc(capn * sizeof *adur);
    adu = malloc(capn * sizeof *adu);
    ast = malloc(capn * sizeof *ast);
    if (!asz || !adur || !adu || !ast) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    if ((st = mn_analysis_avalanches(asz, adu, ast, &na, capn, ctx, counts, nb)) != MN_OK) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    double msz = 0, mdu = 0;
    for (size_t k = 0; k < na; k++) {
        adur[k] = (double)adu[k];
        msz += asz[k];
        mdu += adur[k];
    }
    kv(sum, "avalanches", "%zu", na);
    if (na) {
        kv(sum, "avalanche_size_mean", "%.6g", msz / (double)na);
        kv(sum, "avalanche_duration_mean_bins", "%.6g", mdu / (double)na);
    }
    if (!(f = open_out(prefix, "avalanches.csv", path, sizeof path))) goto done;
    fprintf(f, "start,size,duration_bins,duration\n");
    for (size_t k = 0; k < na; k++)
        fprintf(f, "%.17g,%.17g,%zu,%.17g\n", t0 + (double)ast[k] * w, asz[k], adu[k],
                (double)adu[k] * w);
    fclose(f);
    f = NULL;
    if (na >= 2) {
        size_t hb = nbins < 20 ? nbins : 20;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < na; k++) {
            lo = fmin(lo, asz[k]);
            hi = fmax(hi, asz[k]);
        }
        if (hi > lo && write_hist(ctx, prefix, "avalanche-sizes.csv", asz, na, hb, MN_BINS_LOG,
                                  path, sizeof path))
            goto done;
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t k = 0; k < na; k++) {
            lo = fmin(lo, adur[k]);
            hi = fmax(hi, adur[k]);
        }
        if (hi > lo && write_hist(ctx, prefix, "avalanche-durations.csv", adur, na, hb,
                                  MN_BINS_LOG, path, sizeof path))
            goto done;
    }
    kv(sum, "out_prefix", "%s", prefix);
    rc = 0;
done:
    if (f) fclose(f);
    if (sum) fclose(sum);
    free(iei);
    free(work);
    free(counts);
    free(acf);
    free(asz);
    free(adur);
    free(adu);
    free(ast);
    mn_powerlaw_free(pl);
    mn_event_train_free(ev);
    mn_context_free(ctx);
    table_free(&tb);
    table_free(&etb);
    return rc;
}
