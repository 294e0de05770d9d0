/* Shared helpers of the memnet command-line program. */
#include "cli.h"

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
