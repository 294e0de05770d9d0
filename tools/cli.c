/* Shared helpers of the memnet command-line program. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "memnet %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int cli_fail(const char *cmd, mn_context *ctx, mn_status st)
{
    const char *msg = mn_context_last_error(ctx);
    return cli_error(cmd, "%s (%s)", (msg && *msg) ? msg : mn_status_str(st), mn_status_name(st));
}

int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end || errno == ERANGE)
        return cli_error(cmd, "%s: \"%s\" is not a number", opt, text);
    /* NaN is never a value: "--t-end nan" must not read as a missing --t-end */
    if (isnan(x)) return cli_error(cmd, "%s: \"%s\" is not a number (NaN)", opt, text);
    *out = x;
    return 0;
}

int cli_parse_long(const char *cmd, const char *opt, const char *text, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (end == text || *end || errno)
        return cli_error(cmd, "%s: \"%s\" is not an integer", opt, text);
    *out = x;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-') return cli_error(cmd, "%s: \"%s\" must not be negative", opt, text);
    unsigned long long x = strtoull(text, &end, 10);
    if (end == text || *end || errno)
        return cli_error(cmd, "%s: \"%s\" is not a non-negative integer", opt, text);
    *out = x;
    return 0;
}

static int parse_nodes_max(const char *cmd, const char *opt, const char *text, mn_index **out,
                           size_t *n, long limit);

int cli_parse_nodes(const char *cmd, const char *opt, const char *text, mn_index **out, size_t *n)
{
    return parse_nodes_max(cmd, opt, text, out, n, -1);
}

/* node list "0,4,7,10-20"; with limit >= 0 an id >= limit is refused before a range is
 * expanded (0-2147483647 took 4.1 GB before "out of memory"), and the list may hold at most
 * 4 x limit ids (ranges repeated) */
static int parse_nodes_max(const char *cmd, const char *opt, const char *text, mn_index **out,
                           size_t *n, long limit)
{
    size_t cap = 16, k = 0;
    mn_index *ids = malloc(cap * sizeof *ids);
    if (!ids) return cli_error(cmd, "out of memory");
    const char *p = text;
    if (!*p) {
        free(ids);
        return cli_error(cmd, "%s: empty node list", opt);
    }
    while (*p) {
        char *end;
        errno = 0;
        long a = strtol(p, &end, 10), b;
        if (end == p || errno || a < 0 || a > INT32_MAX) goto bad;
        b = a;
        if (*end == '-') {
            const char *q = end + 1;
            b = strtol(q, &end, 10);
            if (end == q || b < a || b > INT32_MAX) goto bad;
        }
        if (limit >= 0 && b >= limit) {
            free(ids);
            return cli_error(cmd, "%s: node %ld does not exist (the network has %ld nodes)", opt,
                             b, limit);
        }
        if (limit >= 0 && (double)k + (double)(b - a) + 1 > 4.0 * (double)limit + 16) {
            free(ids);
            return cli_error(cmd, "%s: \"%.40s\" lists more than 4 x %ld node ids", opt, text,
                             limit);
        }
        for (long x = a; x <= b; x++) {
            if (k == cap) {
                cap *= 2;
                mn_index *t = realloc(ids, cap * sizeof *ids);
                if (!t) {
                    free(ids);
                    return cli_error(cmd, "out of memory");
                }
                ids = t;
            }
            ids[k++] = (mn_index)x;
        }
        if (*end == ',') end++;
        else if (*end) goto bad;
        p = end;
    }
    *out = ids;
    *n = k;
    return 0;
bad:
    free(ids);
    return cli_error(cmd, "%s: \"%s\" is not a node list (use e.g. 0,4,7 or 10-20)", opt, text);
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        /* a usage error found while parsing options, before anything was computed */
        fprintf(stderr, "memnet %s: option %s needs a value\n", argc > 0 ? argv[0] : "", name);
        exit(2);
    }
    (*i)++;
    return argv[*i];
}

int cli_flag(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

void cli_print_version_kv(FILE *f)
{
    if (f == stdout) cli_out("memnet_version=%s\n", mn_version_string());
    else fprintf(f, "memnet_version=%s\n", mn_version_string());
}

int cli_stderr_is_tty(void) { return isatty(2); }

/* ------------------------------------------------------------------ run description files */

static int push_arg(int *n, int *cap, char ***v, const char *text, size_t len)
{
    if (*n + 1 >= *cap) {
        int nc = *cap ? 2 * *cap : 16;
        char **t = realloc(*v, (size_t)nc * sizeof **v);
        if (!t) return 1;
        *v = t;
        *cap = nc;
    }
    char *a = malloc(len + 1);
    if (!a) return 1;
    memcpy(a, text, len);
    a[len] = '\0';
    (*v)[(*n)++] = a;
    (*v)[*n] = NULL;
    return 0;
}

static int read_config(const char *path, const char *cmd, int *n, int *cap, char ***v)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_error("config", "cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return cli_error("config", "%s is a directory, not a run description file", path);
    }
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;
    while ((got = getline(&buf, &bufcap, f)) >= 0) {
        lineno++;
        char *line = buf;
        size_t len = strlen(line);
        if ((size_t)got != len) {
            rc = cli_error("config", "%s line %d: NUL byte in a text line", path, lineno);
            break;
        }
        if (len > 8191) {
            rc = cli_error("config", "%s line %d: line too long", path, lineno);
            break;
        }
        /* a UTF-8 byte order mark (editors on Windows write one) is not part of the key */
        if (lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3)) line += 3;
        char *h = strchr(line, '#');
        if (h) *h = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = cli_error("config", "%s line %d: expected 'key = value', got \"%s\"", path,
                           lineno, s);
            break;
        }
        char *k_end = eq;
        while (k_end > s && (k_end[-1] == ' ' || k_end[-1] == '\t')) k_end--;
        char *val = eq + 1;
        while (*val == ' ' || *val == '\t') val++;
        if (k_end == s) {
            rc = cli_error("config", "%s line %d: empty key", path, lineno);
            break;
        }
        for (char *c = s; c < k_end; c++)
            if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_')) {
                if ((unsigned char)*c >= 0x80)
                    rc = cli_error("config", "%s line %d: bad key \"%.*s\" (non-ASCII byte 0x%02X)",
                                   path, lineno, (int)(k_end - s), s, (unsigned char)*c);
                else
                    rc = cli_error("config", "%s line %d: bad key \"%.*s\"", path, lineno,
                                   (int)(k_end - s), s);
                goto done;
            }
        if ((size_t)(k_end - s) == 7 && !strncmp(s, "command", 7)) {
            if (strcmp(val, cmd) != 0) {
                rc = cli_error("config", "%s line %d: the file describes a '%s' run, not '%s'",
                               path, lineno, val, cmd);
                break;
            }
            continue;
        }
        char opt[256];
        int ol = snprintf(opt, sizeof opt, "--%.*s", (int)(k_end - s), s);
        if (ol < 0 || (size_t)ol >= sizeof opt) {
            rc = cli_error("config", "%s line %d: key too long", path, lineno);
            break;
        }
        if (push_arg(n, cap, v, opt, (size_t)ol) || (*val && push_arg(n, cap, v, val, strlen(val)))) {
            rc = cli_error("config", "out of memory");
            break;
        }
    }
done:
    if (!rc && ferror(f)) rc = cli_error("config", "error reading %s: %s", path, strerror(errno));
    free(buf);
    fclose(f);
    return rc;
}

int cli_expand_config(int argc, char **argv, int *out_argc, char ***out_argv)
{
    int n = 0, cap = 0;
    char **v = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *file = NULL;
        if (!strcmp(a, "--config")) {
            if (i + 1 >= argc) {
                cli_free_args(n, v);
                return cli_error("config", "--config needs a file name");
            }
            file = argv[++i];
        } else if (!strncmp(a, "--config=", 9)) {
            file = a + 9;
        }
        int rc = file ? read_config(file, argv[0], &n, &cap, &v) : push_arg(&n, &cap, &v, a, strlen(a));
        if (rc) {
            cli_free_args(n, v);
            return 1;
        }
    }
    *out_argc = n;
    *out_argv = v;
    return 0;
}

void cli_free_args(int argc, char **argv)
{
    if (!argv) return;
    for (int i = 0; i < argc; i++) free(argv[i]);
    free(argv);
}

/* ------------------------------------------------------------------ exit codes, invocation */

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "memnet %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static int inv_argc;
static char **inv_argv;

void cli_set_invocation(int argc, char **argv)
{
    inv_argc = argc;
    inv_argv = argv;
}

void cli_write_provenance(FILE *f, const char *fmt, ...)
{
    fprintf(f, "# memnet_version=%s\n# command=memnet", mn_version_string());
    for (int i = 0; i < inv_argc; i++) {
        const char *a = inv_argv[i];
        /* quote arguments a shell would split */
        if (*a && strcspn(a, " \t\n'\"\\$`*?;&|<>()") == strlen(a))
            fprintf(f, " %s", a);
        else {
            fputs(" '", f);
            for (; *a; a++) {
                if (*a == '\n') fputs("\\n", f);
                else if (*a == '\'') fputs("'\\''", f);
                else fputc(*a, f);
            }
            fputc('\'', f);
        }
    }
    fputc('\n', f);
    if (!fmt) return;
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || !(text = malloc((size_t)len + 1))) return;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    for (const char *p = text; *p;) {
        size_t l = strcspn(p, "\n");
        if (l) fprintf(f, "# %.*s\n", (int)l, p);
        p += l;
        if (*p) p++;
    }
    free(text);
}

/* ------------------------------------------------------------------ key=value / JSON results */

static int json_mode;
static int json_members; /* members written so far */
static volatile sig_atomic_t json_open; /* read by the SIGINT handler */
static char *json_pending; /* text of an unfinished line */
static size_t json_pending_len;

void cli_set_json(int on) { json_mode = on; }
int cli_json(void) { return json_mode; }

static void json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') fputs("\\n", stdout);
        else if (c == '\t') fputs("\\t", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number_text(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i >= n || !isdigit((unsigned char)s[i])) return 0;
    if (s[i] == '0') i++;
    else
        while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !isdigit((unsigned char)s[i])) return 0;
        while (i < n && isdigit((unsigned char)s[i])) i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || !isdigit((unsigned char)s[i])) return 0;
        while (i < n && isdigit((unsigned char)s[i])) i++;
    }
    return i == n;
}

/* 1 if s[0..n) is a number (or nan/inf): writes it as a JSON number or null when emit */
static int json_number(const char *s, size_t n, int emit)
{
    if (n == 0 || n > 64) return 0;
    if (json_number_text(s, n)) {
        if (emit) fwrite(s, 1, n, stdout);
        return 1;
    }
    char buf[72];
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    char *end;
    double x = strtod(buf, &end);
    if (end == buf || *end) return 0;
    if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) return 0;
    if (emit) {
        if (isfinite(x)) printf("%.17g", x);
        else fputs("null", stdout);
    }
    return 1;
}

enum { VAL_AUTO, VAL_STR, VAL_LIST };

static void json_value(const char *v, size_t n, int kind)
{
    if (kind == VAL_STR) {
        json_string(v, n);
        return;
    }
    int has_comma = memchr(v, ',', n) != NULL;
    if (kind == VAL_AUTO && !has_comma) {
        if (!json_number(v, n, 1)) json_string(v, n);
        return;
    }
    if (kind == VAL_AUTO) { /* a list only if every element is a number */
        for (size_t i = 0; i <= n;) {
            size_t l = 0;
            while (i + l < n && v[i + l] != ',') l++;
            if (!json_number(v + i, l, 0)) {
                json_string(v, n);
                return;
            }
            i += l + 1;
        }
    }
    putchar('[');
    if (n) {
        for (size_t i = 0; i <= n;) {
            size_t l = 0;
            while (i + l < n && v[i + l] != ',') l++;
            if (i) putchar(',');
            if (!json_number(v + i, l, 1)) json_string(v + i, l);
            i += l + 1;
        }
    }
    putchar(']');
}

static void json_member(const char *line, size_t n, int kind)
{
    const char *eq = memchr(line, '=', n);
    if (!json_open) {
        fputs("{", stdout);
        json_open = 1;
    }
    fputs(json_members ? ",\n  " : "\n  ", stdout);
    json_members++;
    if (!eq) { /* not a key=value line: keep it as text */
        json_string("text", 4);
        fputs(": ", stdout);
        json_string(line, n);
        return;
    }
    json_string(line, (size_t)(eq - line));
    fputs(": ", stdout);
    json_value(eq + 1, n - (size_t)(eq + 1 - line), kind);
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (len < 0) return NULL;
    char *s = malloc((size_t)len + 1);
    if (s) vsnprintf(s, (size_t)len + 1, fmt, ap);
    return s;
}

static void json_feed(const char *text, int kind)
{
    size_t tl = strlen(text);
    char *buf = realloc(json_pending, json_pending_len + tl + 1);
    if (!buf) return;
    memcpy(buf + json_pending_len, text, tl + 1);
    json_pending = buf;
    json_pending_len += tl;
    size_t start = 0;
    for (size_t i = 0; i < json_pending_len; i++)
        if (buf[i] == '\n') {
            if (i > start) json_member(buf + start, i - start, kind);
            start = i + 1;
        }
    memmove(buf, buf + start, json_pending_len - start + 1);
    json_pending_len -= start;
}

void cli_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!json_mode) {
        vprintf(fmt, ap);
        va_end(ap);
        return;
    }
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (s) json_feed(s, VAL_AUTO);
    free(s);
}

static void out_kind(const char *key, int kind, const char *fmt, va_list ap)
{
    char *s = vformat(fmt, ap);
    if (!s) return;
    if (!json_mode) {
        printf("%s=%s\n", key, s);
    } else {
        size_t kl = strlen(key), sl = strlen(s);
        char *line = malloc(kl + sl + 2);
        if (line) {
            memcpy(line, key, kl);
            line[kl] = '=';
            memcpy(line + kl + 1, s, sl + 1);
            /* flush a pending partial line first */
            if (json_pending_len) json_feed("\n", VAL_AUTO);
            json_member(line, kl + sl + 1, kind);
            free(line);
        }
    }
    free(s);
}

void cli_out_str(const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_kind(key, VAL_STR, fmt, ap);
    va_end(ap);
}

void cli_out_list(const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_kind(key, VAL_LIST, fmt, ap);
    va_end(ap);
}

void cli_out_finish(void)
{
    if (json_mode) {
        if (json_pending_len) json_feed("\n", VAL_AUTO);
        if (json_open) fputs("\n}\n", stdout);
        json_open = 0;
        json_members = 0;
    }
    free(json_pending);
    json_pending = NULL;
    json_pending_len = 0;
    fflush(stdout);
}

/* ------------------------------------------------------------------ node sets */

int cli_resolve_nodes(const char *cmd, const char *opt, const char *text, const mn_graph *g,
                      mn_index **out, size_t *n)
{
    const mn_index *set;
    size_t k;
    *out = NULL;
    *n = 0;
    if (!text || !*text) return cli_error(cmd, "%s: empty node list or node-set name", opt);
    if (mn_graph_node_set(g, text, &set, &k) == MN_OK) {
        mn_index *ids = malloc(sizeof *ids * (k ? k : 1));
        if (!ids) return cli_error(cmd, "out of memory");
        memcpy(ids, set, sizeof *ids * k);
        *out = ids;
        *n = k;
        return 0;
    }
    if (!isdigit((unsigned char)text[0]))
        return cli_error(cmd, "%s \"%s\": no node set of that name in the network, and not a "
                              "node list (use e.g. 0,4,7 or 10-20)", opt, text);
    size_t nn = mn_graph_node_count(g);
    if (parse_nodes_max(cmd, opt, text, out, n, (long)nn)) return 1;
    for (size_t i = 0; i < *n; i++)
        if ((size_t)(*out)[i] >= nn) {
            cli_error(cmd, "%s: node %ld does not exist (the network has %zu nodes)", opt,
                      (long)(*out)[i], nn);
            free(*out);
            *out = NULL;
            *n = 0;
            return 1;
        }
    return 0;
}

/* ------------------------------------------------------------------ progress, Ctrl-C */

static volatile sig_atomic_t sigint_flag;
static volatile sig_atomic_t sigint_hard;
static struct sigaction sigint_old, sigterm_old;
static int sigint_installed, sigterm_installed;

static void on_sigint(int sig)
{
    (void)sig;
    if (sigint_flag || sigint_hard) {
        static const char msg[] = "\nmemnet: interrupted\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        /* stdout was flushed when the handler was installed and nothing is printed while a
         * library call runs: close the JSON object so that what was printed stays valid */
        if (json_open) w = write(1, "\n}\n", 3);
        (void)w;
        _exit(CLI_EXIT_INTERRUPTED);
    }
    sigint_flag = 1;
}

void cli_sigint_install(int hard)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigint_flag = 0;
    sigint_hard = hard ? 1 : 0;
    /* what was printed must survive an _exit: the commands print nothing while the
     * uncancellable library call runs, so one flush here is enough */
    fflush(stdout);
    if (sigaction(SIGINT, &sa, sigint_installed ? NULL : &sigint_old) == 0) sigint_installed = 1;
    /* SIGTERM (schedulers, timeout(1)) stops a command as Ctrl-C does */
    if (sigaction(SIGTERM, &sa, sigterm_installed ? NULL : &sigterm_old) == 0) sigterm_installed = 1;
}

void cli_sigint_restore(void)
{
    if (sigint_installed) sigaction(SIGINT, &sigint_old, NULL);
    if (sigterm_installed) sigaction(SIGTERM, &sigterm_old, NULL);
    sigint_installed = sigterm_installed = 0;
    sigint_hard = 0;
}

int cli_interrupted(void) { return sigint_flag != 0; }

static int progress_on, progress_drawn, progress_last = -1;

void cli_progress_enable(int on)
{
    progress_on = on && cli_stderr_is_tty();
    progress_last = -1;
}

void cli_progress(const char *label, double fraction)
{
    if (!progress_on) return;
    if (!(fraction >= 0)) fraction = 0;
    if (fraction > 1) fraction = 1;
    int permille = (int)(fraction * 1000);
    if (permille == progress_last) return;
    progress_last = permille;
    int width = 40, full = (int)(fraction * width);
    fprintf(stderr, "\r%s [", label);
    for (int i = 0; i < width; i++) fputc(i < full ? '#' : '.', stderr);
    fprintf(stderr, "] %5.1f%%", 100.0 * fraction);
    fflush(stderr);
    progress_drawn = 1;
}

void cli_progress_done(void)
{
    if (progress_drawn) fputc('\n', stderr);
    progress_drawn = 0;
    progress_last = -1;
}

int cli_model_new(const char *cmd, mn_context *ctx, const char *name, mn_model **out)
{
    *out = NULL;
    if (!mn_model_find(name)) { /* an unknown name is a usage error (docs/cli.md), in every command */
        char known[512] = "";
        size_t used = 0;
        for (size_t i = 0; mn_model_builtin(i) && used < sizeof known; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                     mn_model_builtin(i)->name);
        return cli_usage_error(cmd, "unknown model \"%s\" (known: %s)", name ? name : "", known);
    }
    mn_status st = mn_model_new(out, ctx, name);
    return st ? cli_fail(cmd, ctx, st) : 0;
}

int cli_meanfield_model(const char *cmd, mn_context *ctx, const char *name, const char *const *sets,
                        int nsets, mn_meanfield_model **out)
{
    mn_meanfield_model *m = NULL;
    *out = NULL;
    mn_status st = mn_meanfield_model_new_by_name(&m, ctx, name);
    if (st) { /* an unknown name is a usage error (2), anything else an error of the run (1) */
        cli_fail(cmd, ctx, st);
        return st == MN_ERR_NOT_FOUND ? 2 : 1;
    }
    for (int k = 0; k < nsets; k++) {
        const char *eq = strchr(sets[k], '=');
        char pname[64];
        double val;
        if (!eq || eq == sets[k] || (size_t)(eq - sets[k]) >= sizeof pname) {
            cli_error(cmd, "--set \"%s\": expected NAME=VALUE", sets[k]);
            mn_meanfield_model_free(m);
            return 2;
        }
        memcpy(pname, sets[k], (size_t)(eq - sets[k]));
        pname[eq - sets[k]] = 0;
        if (cli_parse_double(cmd, "--set", eq + 1, &val)) {
            mn_meanfield_model_free(m);
            return 2;
        }
        if ((st = mn_meanfield_model_set(m, pname, val))) {
            cli_fail(cmd, ctx, st);
            mn_meanfield_model_free(m);
            return 1;
        }
    }
    *out = m;
    return 0;
}

/* ------------------------------------------------------------------ contexts and threads */

static size_t default_threads;

void cli_set_default_threads(size_t n) { default_threads = n; }
size_t cli_default_threads(void) { return default_threads; }

static const mn_allocator *cli_allocator; /* NULL: the C library's */

void cli_set_allocator(const mn_allocator *a)
{
    cli_allocator = a;
}

mn_status cli_context_new(mn_context **out)
{
    mn_status st = mn_context_new_with_allocator(out, cli_allocator);
    if (st == MN_OK && (st = mn_context_set_threads(*out, default_threads)) != MN_OK) {
        mn_context_free(*out);
        *out = NULL;
    }
    return st;
}
