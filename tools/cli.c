/* Shared helpers of the memnet command-line program. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

int cli_parse_nodes(const char *cmd, const char *opt, const char *text, mn_index **out, size_t *n)
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
        fprintf(stderr, "memnet: option %s needs a value\n", name);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int cli_flag(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

void cli_print_version_kv(FILE *f) { fprintf(f, "memnet_version=%s\n", mn_version_string()); }

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
    char line[8192];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = cli_error("config", "%s line %d: line too long", path, lineno);
            break;
        }
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
