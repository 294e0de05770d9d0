/* memnet sweep: the manifest file (one row per task), the hash of a task's options, paths of a
 * sweep directory (cmd-sweep.h). */
#include "cmd-sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sweep_hash(char out[17], int argc, char *const *argv)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 */
    for (int i = 0; i < argc; i++) {
        for (const unsigned char *p = (const unsigned char *)argv[i];; p++) {
            h ^= *p;
            h *= 1099511628211ULL;
            if (!*p) break;
        }
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int sweep_write_field(FILE *f, const char *s)
{
    for (; *s; s++) {
        int r;
        switch (*s) {
        case '\t': r = fputs("\\t", f); break;
        case '\n': r = fputs("\\n", f); break;
        case '\r': r = fputs("\\r", f); break;
        case '\\': r = fputs("\\\\", f); break;
        default: r = fputc(*s, f);
        }
        if (r == EOF) return EOF;
    }
    return 0;
}

/* split a line at tabs into unescaped, malloc'ed fields */
static int split_fields(const char *line, char ***out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = line; *p; p++) cap += *p == '\t';
    char **v = calloc(cap, sizeof *v);
    if (!v) return 1;
    size_t k = 0;
    const char *p = line;
    for (;;) {
        size_t l = strcspn(p, "\t");
        char *s = malloc(l + 1), *d = s;
        if (!s) {
            for (size_t j = 0; j < k; j++) free(v[j]);
            free(v);
            return 1;
        }
        for (size_t i = 0; i < l; i++) {
            if (p[i] == '\\' && i + 1 < l) {
                char c = p[++i];
                *d++ = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
            } else {
                *d++ = p[i];
            }
        }
        *d = 0;
        v[k++] = s;
        p += l;
        if (!*p) break;
        p++;
    }
    *out = v;
    *n = k;
    return 0;
}

static void free_fields(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void sweep_manifest_free(sweep_manifest *m)
{
    for (size_t i = 0; i < m->n_tasks; i++) {
        sweep_task *t = &m->tasks[i];
        free_fields(t->values, m->n_vary);
        free_fields(t->argv, (size_t)t->argc);
    }
    free(m->tasks);
    free_fields(m->labels, m->n_vary);
    memset(m, 0, sizeof *m);
}

int sweep_manifest_read(sweep_manifest *m, const char *dir)
{
    memset(m, 0, sizeof *m);
    size_t pl = strlen(dir) + 16;
    char *path = malloc(pl);
    if (!path) return cli_error(SWEEP_CMD, "out of memory");
    snprintf(path, pl, "%s/manifest.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error(SWEEP_CMD, "cannot open \"%s\" (%s): is \"%s\" a sweep directory (memnet sweep plan)?",
                  path, strerror(errno), dir);
        free(path);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, tcap = 0, lineno = 0;
    ssize_t len;
    int header = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len || line[0] == '#') continue;
        char **fv;
        size_t nf;
        if (split_fields(line, &fv, &nf)) {
            rc = cli_error(SWEEP_CMD, "out of memory");
            break;
        }
        if (!header) {
            if (nf < 3 || strcmp(fv[0], "id") || strcmp(fv[1], "hash") || strcmp(fv[nf - 1], "args")) {
                free_fields(fv, nf);
                rc = cli_error(SWEEP_CMD, "%s line %zu: not a manifest header (id, hash, ..., args)", path, lineno);
                break;
            }
            m->n_vary = nf - 3;
            m->labels = calloc(m->n_vary + 1, sizeof *m->labels);
            if (!m->labels) {
                free_fields(fv, nf);
                rc = cli_error(SWEEP_CMD, "out of memory");
                break;
            }
            for (size_t j = 0; j < m->n_vary; j++) m->labels[j] = fv[2 + j], fv[2 + j] = NULL;
            free_fields(fv, nf);
            header = 1;
            continue;
        }
        char *end;
        long id = strtol(fv[0], &end, 10);
        if (nf < 3 + m->n_vary || *end || end == fv[0] || id < 0 || strlen(fv[1]) != 16) {
            free_fields(fv, nf);
            rc = cli_error(SWEEP_CMD, "%s line %zu: not a task row (id, hash, %zu values, arguments)", path,
                           lineno, m->n_vary);
            break;
        }
        if (m->n_tasks == tcap) {
            size_t nc = tcap ? 2 * tcap : 64;
            sweep_task *t = realloc(m->tasks, nc * sizeof *t);
            if (!t) {
                free_fields(fv, nf);
                rc = cli_error(SWEEP_CMD, "out of memory");
                break;
            }
            m->tasks = t;
            tcap = nc;
        }
        sweep_task *t = &m->tasks[m->n_tasks];
        memset(t, 0, sizeof *t);
        t->id = id;
        memcpy(t->hash, fv[1], 17);
        t->values = calloc(m->n_vary + 1, sizeof *t->values);
        t->argc = (int)(nf - 2 - m->n_vary);
        t->argv = calloc((size_t)t->argc + 1, sizeof *t->argv);
        if (!t->values || !t->argv) {
            free(t->values), free(t->argv);
            free_fields(fv, nf);
            rc = cli_error(SWEEP_CMD, "out of memory");
            break;
        }
        for (size_t j = 0; j < m->n_vary; j++) t->values[j] = fv[2 + j], fv[2 + j] = NULL;
        for (int j = 0; j < t->argc; j++) t->argv[j] = fv[2 + m->n_vary + (size_t)j], fv[2 + m->n_vary + (size_t)j] = NULL;
        free_fields(fv, nf);
        char h[17];
        sweep_hash(h, t->argc, t->argv);
        m->n_tasks++;
        if (strcmp(h, t->hash)) {
            rc = cli_error(SWEEP_CMD, "%s line %zu: task %ld: the hash %s does not match its arguments (%s): "
                           "the manifest was edited", path, lineno, id, t->hash, h);
            break;
        }
        if ((size_t)id != m->n_tasks - 1) {
            rc = cli_error(SWEEP_CMD, "%s line %zu: task id %ld out of order (expected %zu)", path, lineno, id,
                           m->n_tasks - 1);
            break;
        }
    }
    free(line);
    if (!rc && ferror(f)) rc = cli_error(SWEEP_CMD, "cannot read \"%s\"", path);
    fclose(f);
    if (!rc && !header) rc = cli_error(SWEEP_CMD, "%s: no manifest header", path);
    free(path);
    if (rc) sweep_manifest_free(m);
    return rc;
}

const sweep_task *sweep_manifest_find(const sweep_manifest *m, long id)
{
    if (id < 0 || (size_t)id >= m->n_tasks) return NULL;
    return &m->tasks[id];
}

char *sweep_path(const char *dir, long id, const char *suffix)
{
    size_t l = strlen(dir) + strlen(suffix) + 48;
    char *p = malloc(l);
    if (p) snprintf(p, l, "%s/runs/%ld%s", dir, id, suffix);
    return p;
}

const char *sweep_host(void)
{
    static char host[256];
    if (!host[0]) {
        if (gethostname(host, sizeof host - 1)) snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = 0;
        for (char *c = host; *c; c++)
            if (*c == '/' || *c == ' ' || *c == '\t') *c = '_';
    }
    return host;
}

int sweep_is_output_option(const char *opt)
{
    size_t l = strlen(opt);
    if (strncmp(opt, "--", 2)) return 0;
    return !strcmp(opt, "--out") || (l > 6 && !strcmp(opt + l - 4, "-out")) || !strncmp(opt, "--out-", 6) ||
           !strcmp(opt, "--checkpoint") || !strcmp(opt, "--snapshot-prefix");
}

const char *sweep_task_option(const sweep_task *t, const char *opt)
{
    const char *v = NULL;
    size_t l = strlen(opt);
    for (int i = 1; i < t->argc; i++) {
        if (!strcmp(t->argv[i], opt) && i + 1 < t->argc) v = t->argv[++i];
        else if (!strncmp(t->argv[i], opt, l) && t->argv[i][l] == '=') v = t->argv[i] + l + 1;
    }
    return v;
}

const char *sweep_task_out(const sweep_task *t) { return sweep_task_option(t, "--out"); }
