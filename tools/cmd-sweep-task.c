/* memnet sweep: one task, run in this process through the command's own function: a temporary
 * directory runs/<id>.tmp-<host>-<pid>/ receives the outputs, result.json (the command's
 * results as JSON), stderr.txt and status.json, and is renamed atomically to runs/<id>/
 * (cmd-sweep.h). A simulate task that writes a checkpoint (--checkpoint F --checkpoint-every
 * DT, e.g. from `sweep plan --checkpoint-every`) and was killed continues from the newest
 * checkpoint its partial directory holds: the directory is taken over and the command run with
 * --restart F, which keeps the rows of --out up to the checkpoint and appends the rest, so the
 * outputs are the bytes of an uninterrupted run (docs/simulation.md, "Checkpoints"). */
#define _XOPEN_SOURCE 700
#include "cmd-sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int rm_rf(const char *path) { return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* a whole small file, malloc'ed and NUL-terminated, or NULL */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t r = fread(b + n, 1, cap - n - 1, f);
        n += r;
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

/* the string value of "key" in flat JSON (unescaped \" and \\ only), malloc'ed, or NULL */
static char *json_get_str(const char *js, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(js, pat);
    if (!p) return NULL;
    p += strlen(pat);
    char *out = malloc(strlen(p) + 1), *d = out;
    if (!out) return NULL;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *d++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            *d++ = *p;
        }
    }
    *d = 0;
    return out;
}

sweep_state sweep_task_state(const char *dir, const sweep_task *t, char **err)
{
    if (err) *err = NULL;
    char *path = sweep_path(dir, t->id, "/status.json");
    char *js = path ? slurp(path) : NULL;
    free(path);
    if (!js) return SWEEP_PENDING;
    const char *s = strstr(js, "\"status\": ");
    char *hash = json_get_str(js, "hash");
    sweep_state st = SWEEP_PENDING;
    if (s && hash) {
        long status = strtol(s + 10, NULL, 10);
        if (status == 0 && !strcmp(hash, t->hash)) st = SWEEP_DONE;
        else if (status != 0 && !strcmp(hash, t->hash)) {
            st = SWEEP_FAILED;
            if (err) *err = json_get_str(js, "error");
        }
    }
    free(hash);
    free(js);
    return st;
}

/* The checkpoint a killed run of task t may have left to resume from: a simulate task with
 * --checkpoint FILE (a name inside its directory). A restarted simulate keeps the rows of --out
 * and of --events-out up to the checkpoint and cuts the rest, so every output continues. */
static const char *resumable_checkpoint(const sweep_task *t)
{
    if (strcmp(t->argv[0], "simulate") || sweep_task_option(t, "--restart")) return NULL;
    const char *cp = sweep_task_option(t, "--checkpoint");
    return cp && *cp && !strchr(cp, '/') ? cp : NULL;
}

/* What killed runs of task id left: runs/<id>.tmp-*, runs/<id>.old-* (the caller holds the
 * task's lock, so no live worker writes there). With cp != NULL the partial directory holding
 * the newest checkpoint cp is kept and returned (malloc'ed path), the others are removed;
 * NULL when there is none. */
static char *recover_partials(const char *dir, long id, const char *cp)
{
    size_t l = strlen(dir) + 8;
    char *runs = malloc(l), *best = NULL;
    if (!runs) return NULL;
    snprintf(runs, l, "%s/runs", dir);
    DIR *d = opendir(runs);
    char pre[2][48];
    snprintf(pre[0], sizeof pre[0], "%ld.tmp-", id);
    snprintf(pre[1], sizeof pre[1], "%ld.old-", id);
    struct timespec best_t = { 0, 0 };
    struct dirent *e;
    while (d && (e = readdir(d))) {
        for (int k = 0; k < 2; k++) {
            if (strncmp(e->d_name, pre[k], strlen(pre[k]))) continue;
            size_t pl = l + strlen(e->d_name) + (cp ? strlen(cp) : 0) + 4;
            char *p = malloc(pl);
            if (!p) continue;
            snprintf(p, pl, "%s/%s", runs, e->d_name);
            if (k == 0 && cp) {
                size_t dl = strlen(p);
                struct stat sb;
                snprintf(p + dl, pl - dl, "/%s", cp);
                int ok = lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);
                p[dl] = 0;
                if (ok && (!best || sb.st_mtim.tv_sec > best_t.tv_sec ||
                           (sb.st_mtim.tv_sec == best_t.tv_sec && sb.st_mtim.tv_nsec > best_t.tv_nsec))) {
                    if (best) {
                        fprintf(stderr, "memnet sweep: task %ld: removing the partial directory %s\n", id, best);
                        rm_rf(best);
                        free(best);
                    }
                    best = p;
                    best_t = sb.st_mtim;
                    continue;
                }
            }
            fprintf(stderr, "memnet sweep: task %ld: removing the partial directory %s\n", id, p);
            rm_rf(p);
            free(p);
        }
    }
    if (d) closedir(d);
    free(runs);
    return best;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* the last non-empty line of a file (malloc'ed), or NULL */
static char *last_line(const char *path)
{
    char *all = slurp(path);
    if (!all) return NULL;
    size_t n = strlen(all);
    while (n && (all[n - 1] == '\n' || all[n - 1] == '\r' || all[n - 1] == ' ')) all[--n] = 0;
    if (!n) {
        free(all);
        return NULL;
    }
    char *s = strrchr(all, '\n');
    char *r = strdup(s ? s + 1 : all);
    free(all);
    return r;
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec; }

/* one run of a task's command in directory tmp: result.json gets its stdout (--json),
 * stderr.txt its stderr. *status is the command's exit status; returns 0, or 1 when the
 * directory or the redirection failed (printed). */
typedef struct task_times {
    time_t started;
    double wall, cpu;
} task_times;

static int run_in(const char *tmp, const sweep_task *t, int (*fn)(int, char **), int argc, char **args,
                  int *status, task_times *tt)
{
    int rc = 1, cwd = -1, o1 = -1, o2 = -1, f1 = -1, f2 = -1;
    cwd = open(".", O_RDONLY | O_DIRECTORY);
    if (cwd < 0 || chdir(tmp)) {
        cli_error(SWEEP_CMD, "task %ld: cannot enter \"%s\" (%s)", t->id, tmp, strerror(errno));
        goto done;
    }
    fflush(stdout);
    fflush(stderr);
    f1 = open("result.json", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    f2 = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    o1 = dup(1);
    o2 = dup(2);
    if (f1 < 0 || f2 < 0 || o1 < 0 || o2 < 0 || dup2(f1, 1) < 0 || dup2(f2, 2) < 0) {
        if (o1 >= 0) dup2(o1, 1);
        if (o2 >= 0) dup2(o2, 2);
        cli_error(SWEEP_CMD, "task %ld: cannot redirect the output (%s)", t->id, strerror(errno));
        goto done;
    }
    struct timespec w0, w1;
    struct rusage r0, r1;
    tt->started = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &w0);
    getrusage(RUSAGE_SELF, &r0);
    int json = cli_json();
    cli_set_json(1);
    cli_set_invocation(t->argc, args); /* provenance: the task's own arguments */
    *status = fn(argc, args);
    cli_out_finish();
    cli_set_json(json);
    cli_set_invocation(0, NULL);
    getrusage(RUSAGE_SELF, &r1);
    clock_gettime(CLOCK_MONOTONIC, &w1);
    int werr = fflush(stdout) != 0 || ferror(stdout);
    fflush(stderr);
    clearerr(stdout);
    dup2(o1, 1);
    dup2(o2, 2);
    if (werr && *status == 0) *status = 1;
    tt->wall = (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec);
    tt->cpu = seconds(r1.ru_utime) - seconds(r0.ru_utime) + seconds(r1.ru_stime) - seconds(r0.ru_stime);
    rc = 0;
done:
    if (cwd >= 0) {
        if (fchdir(cwd) && !rc)
            rc = cli_error(SWEEP_CMD, "cannot return to the working directory (%s)", strerror(errno));
        close(cwd);
    }
    if (f1 >= 0) close(f1);
    if (f2 >= 0) close(f2);
    if (o1 >= 0) close(o1);
    if (o2 >= 0) close(o2);
    return rc;
}

/* "tmp/name", malloc'ed */
static char *join(const char *a, const char *b)
{
    size_t l = strlen(a) + strlen(b) + 2;
    char *p = malloc(l);
    if (p) snprintf(p, l, "%s/%s", a, b);
    return p;
}

int sweep_task_run(const char *dir, const sweep_task *t)
{
    int (*fn)(int, char **) = cli_find_command(t->argv[0]);
    if (!fn || !strcmp(t->argv[0], "sweep"))
        return cli_error(SWEEP_CMD, "task %ld: unknown command \"%s\"", t->id, t->argv[0]), -1;
    const char *cp = resumable_checkpoint(t);
    char *partial = recover_partials(dir, t->id, cp);
    char suffix[320];
    snprintf(suffix, sizeof suffix, ".tmp-%s-%ld", sweep_host(), (long)getpid());
    char *tmp = sweep_path(dir, t->id, suffix), *final = sweep_path(dir, t->id, "");
    /* the arguments, and room for --restart FILE */
    char **args = calloc((size_t)t->argc + 3, sizeof *args);
    int rc = -1, status = 1, resumed = 0, nargs = t->argc;
    task_times tt = { 0, 0, 0 };
    FILE *sf = NULL;
    char *sfpath = NULL;
    if (!tmp || !final || !args) {
        cli_error(SWEEP_CMD, "out of memory");
        goto done;
    }
    for (int i = 0; i < t->argc; i++)
        if (!(args[i] = strdup(t->argv[i]))) {
            cli_error(SWEEP_CMD, "out of memory");
            goto done;
        }
    if (partial && strcmp(partial, tmp) && rename(partial, tmp)) {
        fprintf(stderr, "memnet sweep: task %ld: cannot take over %s (%s); starting over\n", t->id, partial,
                strerror(errno));
        rm_rf(partial);
    } else if (partial) {
        resumed = 1;
        fprintf(stderr, "memnet sweep: task %ld: resuming from the checkpoint %s/%s\n", t->id, partial, cp);
        if (!(args[nargs++] = strdup("--restart")) || !(args[nargs++] = strdup(cp))) {
            cli_error(SWEEP_CMD, "out of memory");
            goto done;
        }
    }
    if (!resumed && mkdir(tmp, 0777)) {
        cli_error(SWEEP_CMD, "task %ld: cannot create \"%s\" (%s)", t->id, tmp, strerror(errno));
        goto done;
    }
    if (run_in(tmp, t, fn, nargs, args, &status, &tt)) goto done;
    if (resumed && status != 0) {
        /* a checkpoint that does not fit (options changed, a run already at t_end, a torn
           output): run the task again from the start */
        fprintf(stderr, "memnet sweep: task %ld: the resumed run failed (status %d); running it from the "
                        "start\n", t->id, status);
        resumed = 0;
        free(args[--nargs]);
        free(args[--nargs]);
        args[nargs] = args[nargs + 1] = NULL;
        rm_rf(tmp);
        if (mkdir(tmp, 0777)) {
            cli_error(SWEEP_CMD, "task %ld: cannot create \"%s\" (%s)", t->id, tmp, strerror(errno));
            goto done;
        }
        if (run_in(tmp, t, fn, nargs, args, &status, &tt)) goto done;
    }
    char *err = NULL;
    if (status) {
        char *ep = join(tmp, "stderr.txt");
        err = ep ? last_line(ep) : NULL;
        free(ep);
    }
    if (!(sfpath = join(tmp, "status.json")) || !(sf = fopen(sfpath, "w"))) {
        free(err);
        cli_error(SWEEP_CMD, "task %ld: cannot write status.json (%s)", t->id, strerror(errno));
        goto done;
    }
    char when[32];
    struct tm tmv;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt.started, &tmv));
    fprintf(sf, "{\n  \"id\": %ld,\n  \"status\": %d,\n  \"hash\": \"%s\",\n  \"command\": ", t->id, status, t->hash);
    json_str(sf, t->argv[0]);
    fprintf(sf, ",\n  \"host\": ");
    json_str(sf, sweep_host());
    fprintf(sf, ",\n  \"pid\": %ld,\n  \"started\": \"%s\",\n  \"wall_seconds\": %.6f,\n  \"cpu_seconds\": %.6f,\n"
                "  \"threads\": %zu,\n  \"resumed\": %s,\n  \"error\": ",
            (long)getpid(), when, tt.wall, tt.cpu, cli_default_threads(), resumed ? "true" : "false");
    if (err) json_str(sf, err);
    else fputs("null", sf);
    fputs("\n}\n", sf);
    free(err);
    int bad = fflush(sf) || ferror(sf);
    bad |= fclose(sf) != 0;
    sf = NULL;
    if (bad) {
        cli_error(SWEEP_CMD, "task %ld: write to status.json failed", t->id);
        goto done;
    }
    /* publish: runs/<id> appears whole or not at all */
    if (rename(tmp, final)) {
        if (errno != EEXIST && errno != ENOTEMPTY) {
            cli_error(SWEEP_CMD, "task %ld: cannot rename \"%s\" (%s)", t->id, tmp, strerror(errno));
            goto done;
        }
        char osuf[320];
        snprintf(osuf, sizeof osuf, ".old-%s-%ld", sweep_host(), (long)getpid());
        char *old = sweep_path(dir, t->id, osuf);
        if (!old || rename(final, old) || rename(tmp, final)) {
            cli_error(SWEEP_CMD, "task %ld: cannot replace \"%s\" (%s)", t->id, final, strerror(errno));
            free(old);
            goto done;
        }
        rm_rf(old);
        free(old);
    }
    rc = status;
done:
    if (sf) fclose(sf);
    if (args)
        for (int i = 0; i < nargs; i++) free(args[i]);
    free(args), free(tmp), free(final), free(partial), free(sfpath);
    return rc;
}
