/* memnet sweep status and collect: the state of every task, and one table with a row per task
 * (varied values, scalar results, final sample of its main CSV) (cmd-sweep.h). */
#define _DEFAULT_SOURCE /* strsep */
#include "cmd-sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sweep_status(int argc, char **argv)
{
    const char *dir = NULL;
    sweep_lock_opts lo = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: memnet sweep status D [--stale-after SECONDS]\n\n"
                   "Counts the tasks that are done, failed, running (locked by a live worker) and pending,\n"
                   "and lists the failed ones with the last line of their error output.\n");
            return 0;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--stale-after"))) {
            if (cli_parse_double(SWEEP_CMD, "--stale-after", v, &lo.stale_after)) return 2;
        } else if (a[0] != '-' && !dir) dir = a;
        else return cli_usage_error(SWEEP_CMD, "status: unknown option \"%s\"", a);
    }
    if (!dir) return cli_usage_error(SWEEP_CMD, "status: missing the sweep directory");
    sweep_manifest m;
    if (sweep_manifest_read(&m, dir)) return 1;
    size_t done = 0, failed = 0, running = 0, pending = 0;
    char **errs = calloc(m.n_tasks + 1, sizeof *errs);
    sweep_state *state = calloc(m.n_tasks + 1, sizeof *state);
    if (!errs || !state) {
        free(errs), free(state);
        sweep_manifest_free(&m);
        return cli_error(SWEEP_CMD, "out of memory");
    }
    for (size_t i = 0; i < m.n_tasks; i++) {
        state[i] = sweep_task_state(dir, &m.tasks[i], &errs[i]);
        if (state[i] == SWEEP_DONE) done++;
        else if (sweep_lock_held(dir, (long)i, &lo)) running++, state[i] = (sweep_state)3;
        else if (state[i] == SWEEP_FAILED) failed++;
        else pending++;
    }
    cli_out("tasks=%zu\ndone=%zu\nfailed=%zu\nrunning=%zu\npending=%zu\n", m.n_tasks, done, failed, running, pending);
    /* failed tasks, one key each: failed.<id>=<last error line> */
    for (size_t i = 0; i < m.n_tasks; i++)
        if (state[i] == SWEEP_FAILED) {
            char key[48];
            snprintf(key, sizeof key, "failed.%zu", i);
            cli_out_str(key, "%s", errs[i] ? errs[i] : "(no error output)");
        }
    for (size_t i = 0; i < m.n_tasks; i++) free(errs[i]);
    free(errs), free(state);
    sweep_manifest_free(&m);
    return 0;
}

/* ------------------------------------------------------------------ collect */

typedef struct kv {
    char *key, *val;
} kv;

typedef struct table {
    char **cols; /* result keys, first seen order */
    size_t ncols, cap;
} table;

static int col_index(table *tb, const char *key, int add)
{
    for (size_t i = 0; i < tb->ncols; i++)
        if (!strcmp(tb->cols[i], key)) return (int)i;
    if (!add) return -1;
    if (tb->ncols == tb->cap) {
        size_t nc = tb->cap ? 2 * tb->cap : 32;
        char **t = realloc(tb->cols, nc * sizeof *t);
        if (!t) return -2;
        tb->cols = t;
        tb->cap = nc;
    }
    if (!(tb->cols[tb->ncols] = strdup(key))) return -2;
    return (int)tb->ncols++;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *t = realloc(b, 2 * cap);
        if (!t) {
            free(b);
            b = NULL;
            break;
        }
        b = t;
        cap *= 2;
    }
    if (b) b[n] = 0;
    fclose(f);
    return b;
}

/* the numeric members of a flat JSON object (memnet's --json results): key -> number text */
static size_t json_numbers(const char *js, kv *out, size_t cap)
{
    size_t n = 0;
    const char *p = js ? strchr(js, '{') : NULL;
    while (p && *p && n < cap) {
        p = strchr(p, '"');
        if (!p) break;
        const char *k0 = ++p;
        while (*p && *p != '"') p += *p == '\\' && p[1] ? 2 : 1;
        if (!*p) break;
        size_t kl = (size_t)(p - k0);
        p++;
        while (*p == ' ' || *p == ':') p++;
        if (*p == '"') { /* a string: skip */
            p++;
            while (*p && *p != '"') p += *p == '\\' && p[1] ? 2 : 1;
            if (*p) p++;
        } else if (*p == '[') { /* an array: skip */
            while (*p && *p != ']') p++;
        } else {
            const char *v0 = p;
            while (*p && *p != ',' && *p != '\n' && *p != '}' && *p != ' ') p++;
            size_t vl = (size_t)(p - v0);
            if (vl && (v0[0] == '-' || (v0[0] >= '0' && v0[0] <= '9') || !strncmp(v0, "null", 4))) {
                out[n].key = strndup(k0, kl);
                out[n].val = strncmp(v0, "null", 4) ? strndup(v0, vl) : strdup("nan");
                if (out[n].key && out[n].val) n++;
                else free(out[n].key), free(out[n].val);
            }
        }
        p = strchr(p, ',');
    }
    return n;
}

/* header and last data row of a memnet CSV ('#' comment lines first) */
static int csv_last(const char *path, char **header, char **row)
{
    *header = *row = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len || line[0] == '#') continue;
        char *c = strdup(line);
        if (!*header) *header = c;
        else free(*row), *row = c;
    }
    free(line);
    fclose(f);
    return 0;
}

static void csv_field(FILE *f, const char *s)
{
    if (strcspn(s, ",\"\n") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int sweep_collect(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    int partial = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: memnet sweep collect D --out TABLE.csv [--partial]\n\n"
                   "One row per task: id, the varied values, the command's numeric results (result.json)\n"
                   "and the last sample of its --out CSV (columns final.<name>). When tasks are missing\n"
                   "it lists them and exits with status 3 (with --partial it writes the finished ones).\n");
            return 0;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--out"))) out = v;
        else if (cli_flag(a, "--partial")) partial = 1;
        else if (a[0] != '-' && !dir) dir = a;
        else return cli_usage_error(SWEEP_CMD, "collect: unknown option \"%s\"", a);
    }
    if (!dir || !out) return cli_usage_error(SWEEP_CMD, "collect: give the sweep directory and --out FILE");
    sweep_manifest m;
    if (sweep_manifest_read(&m, dir)) return 1;
    int rc = 1;
    size_t nt = m.n_tasks, missing = 0;
    kv **res = calloc(nt + 1, sizeof *res);
    size_t *nres = calloc(nt + 1, sizeof *nres);
    char **fin_head = calloc(nt + 1, sizeof *fin_head), **fin_row = calloc(nt + 1, sizeof *fin_row);
    table rt = { 0 }, ft = { 0 };
    char *tmp = NULL;
    FILE *f = NULL;
    if (!res || !nres || !fin_head || !fin_row) {
        cli_error(SWEEP_CMD, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nt; i++) {
        const sweep_task *t = &m.tasks[i];
        if (sweep_task_state(dir, t, NULL) != SWEEP_DONE) {
            if (!missing) fprintf(stderr, "memnet sweep: collect: tasks not done:");
            fprintf(stderr, " %zu", i);
            missing++;
            continue;
        }
        char *rp = sweep_path(dir, t->id, "/result.json");
        char *js = rp ? slurp(rp) : NULL;
        free(rp);
        res[i] = calloc(512, sizeof **res);
        if (res[i]) nres[i] = json_numbers(js, res[i], 512);
        free(js);
        for (size_t k = 0; k < nres[i]; k++) {
            int dup = 0; /* a result named like a varied column (seed) is that column */
            for (size_t j = 0; j < m.n_vary; j++) dup |= !strcmp(m.labels[j], res[i][k].key);
            if (dup) res[i][k].key[0] = 0;
            else if (col_index(&rt, res[i][k].key, 1) < -1) goto oom;
        }
        const char *o = sweep_task_out(t);
        if (o) {
            const char *b = strrchr(o, '/');
            size_t sl = strlen(b ? b + 1 : o) + 2;
            char *suf = malloc(sl);
            if (suf) snprintf(suf, sl, "/%s", b ? b + 1 : o);
            char *cp = suf ? sweep_path(dir, t->id, suf) : NULL;
            if (cp) csv_last(cp, &fin_head[i], &fin_row[i]);
            free(cp), free(suf);
            if (fin_head[i]) {
                char *h = strdup(fin_head[i]);
                for (char *s = h, *tok; h && (tok = strsep(&s, ","));)
                    if (col_index(&ft, tok, 1) < -1) {
                        free(h);
                        goto oom;
                    }
                free(h);
            }
        }
    }
    if (missing) {
        fprintf(stderr, "\nmemnet sweep: collect: %zu of %zu tasks are not done (memnet sweep status %s)\n", missing,
                nt, dir);
        if (!partial) {
            rc = 3;
            goto done;
        }
    }
    size_t tl = strlen(out) + 32;
    tmp = malloc(tl);
    if (!tmp) goto oom;
    snprintf(tmp, tl, "%s.tmp-%ld", out, (long)getpid());
    f = fopen(tmp, "w");
    if (!f) {
        cli_error(SWEEP_CMD, "collect: cannot write \"%s\" (%s)", tmp, strerror(errno));
        goto done;
    }
    fputs("id", f);
    for (size_t j = 0; j < m.n_vary; j++) fputc(',', f), csv_field(f, m.labels[j]);
    for (size_t j = 0; j < rt.ncols; j++) fputc(',', f), csv_field(f, rt.cols[j]);
    for (size_t j = 0; j < ft.ncols; j++) {
        fputs(",final.", f);
        csv_field(f, ft.cols[j]);
    }
    fputc('\n', f);
    char **cells = calloc(ft.ncols + rt.ncols + 1, sizeof *cells);
    if (!cells) goto oom;
    size_t rows = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!res[i]) continue;
        fprintf(f, "%zu", i);
        for (size_t j = 0; j < m.n_vary; j++) fputc(',', f), csv_field(f, m.tasks[i].values[j]);
        for (size_t j = 0; j < rt.ncols; j++) cells[j] = NULL;
        for (size_t k = 0; k < nres[i]; k++)
            if (res[i][k].key[0]) cells[col_index(&rt, res[i][k].key, 0)] = res[i][k].val;
        for (size_t j = 0; j < rt.ncols; j++) fputc(',', f), fputs(cells[j] ? cells[j] : "", f);
        for (size_t j = 0; j < ft.ncols; j++) cells[j] = NULL;
        char *h = fin_head[i] ? strdup(fin_head[i]) : NULL, *r = fin_row[i] ? strdup(fin_row[i]) : NULL;
        if (h && r) {
            char *sh = h, *sr = r, *th, *tr;
            while ((th = strsep(&sh, ",")) && (tr = strsep(&sr, ","))) {
                int c = col_index(&ft, th, 0);
                if (c >= 0) cells[c] = tr;
            }
        }
        for (size_t j = 0; j < ft.ncols; j++) fputc(',', f), fputs(cells[j] ? cells[j] : "", f);
        free(h), free(r);
        fputc('\n', f);
        rows++;
    }
    free(cells);
    int bad = fflush(f) || ferror(f);
    bad |= fclose(f) != 0;
    f = NULL;
    if (bad || rename(tmp, out)) {
        cli_error(SWEEP_CMD, "collect: write to \"%s\" failed", out);
        unlink(tmp);
        goto done;
    }
    cli_out_str("out", "%s", out);
    cli_out("rows=%zu\nmissing=%zu\n", rows, missing);
    rc = missing ? 3 : 0;
    goto done;
oom:
    cli_error(SWEEP_CMD, "out of memory");
done:
    if (f) {
        fclose(f);
        unlink(tmp);
    }
    free(tmp);
    for (size_t i = 0; i < nt; i++) {
        if (res)
            for (size_t k = 0; res[i] && k < nres[i]; k++) free(res[i][k].key), free(res[i][k].val);
        if (res) free(res[i]);
        if (fin_head) free(fin_head[i]);
        if (fin_row) free(fin_row[i]);
    }
    free(res), free(nres), free(fin_head), free(fin_row);
    for (size_t j = 0; j < rt.ncols; j++) free(rt.cols[j]);
    for (size_t j = 0; j < ft.ncols; j++) free(ft.cols[j]);
    free(rt.cols), free(ft.cols);
    sweep_manifest_free(&m);
    return rc;
}
