/*
 * Checkpoint and restart (sim.h). The file is text with every double in C99 hexadecimal
 * floating point (%a), so values round-trip exactly on every platform:
 *
 *   memnet-checkpoint 1
 *   edges M states NS values NX electrodes NE current_source 0|1 integrator K [newton N]
 *   t <hex>
 *   events N
 *   gprev V N_EVENT_FUNCTIONS           (V = 1 if the fixed-step event memory is valid)
 *   <hex> ...                           (N_EVENT_FUNCTIONS lines when V = 1)
 *   x
 *   <hex>                               (NX lines: the states, then E_src and E_edges)
 *   end
 *
 * Safety: the file is written to a temporary file in the same directory (PATH.tmp), synced
 * and renamed over PATH; PATH must be absent or a regular file (a device node, FIFO or symlink
 * is refused, never replaced). Reading is as strict as the command line: every count, the
 * integrator id, the time and the states (inside the model's bounds) are validated, and the
 * file must end at its "end" line. CRLF line endings are accepted. Numbers are written and
 * read in the C locale (lib/core/locale.c).
 *
 * The Newton iteration (mn_sim_set_newton): "newton N" with N the mn_sim_newton value, written
 * only when it is not AUTO, so a default run's checkpoint is the format older versions read and
 * wrote; a file without it (every checkpoint before the field existed) means AUTO. Loading
 * takes the saved mode, as it takes the integrator, unless this simulation's user chose one
 * with mn_sim_set_newton: that choice is kept (a deliberate switch, e.g. to the Krylov
 * iteration for a run with many Newton failures) and, if it differs from the saved one, a
 * warning goes to the context's log (docs/simulation.md, "Checkpoints").
 *
 * Exactness: saving restarts the integrator at the saved time (mn_sim_restart), and a resumed
 * run starts the integrator at that time from the same values, so both continue identically.
 * The Kirchhoff solver's AUTO strategy keeps a history (the last factor, the warm start, the
 * refactorisation rule): both runs make it forget that history at the restart
 * (mn__kirchhoff_forget: the next solve refactorises), so from there on both solvers make the
 * same choices on the same numbers (their cost model counts operations, never times).
 */
#include "sim/sim-impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the target of a checkpoint must be absent or a regular file (not followed if a symlink) */
static mn_status check_target(mn_context *ctx, const char *path, const char *what)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT) return MN_OK;
        return mn__error(ctx, MN_ERR_IO, "checkpoint \"%s\": %s: %s", path, what, strerror(errno));
    }
    if (S_ISREG(sb.st_mode)) return MN_OK;
    const char *kind = S_ISLNK(sb.st_mode)    ? "a symbolic link"
                       : S_ISFIFO(sb.st_mode) ? "a FIFO"
                       : S_ISCHR(sb.st_mode)  ? "a character device"
                       : S_ISBLK(sb.st_mode)  ? "a block device"
                       : S_ISDIR(sb.st_mode)  ? "a directory"
                       : S_ISSOCK(sb.st_mode) ? "a socket"
                                              : "not a regular file";
    return mn__error(ctx, MN_ERR_IO,
                     "checkpoint \"%s\": %s is %s; a checkpoint replaces only a regular file", path,
                     what, kind);
}

static void write_checkpoint(const mn_sim *s, FILE *f)
{
    fprintf(f, "memnet-checkpoint 1\n");
    fprintf(f, "edges %zu states %zu values %zu electrodes %zu current_source %d integrator %d",
            s->m, s->ns, s->nx, s->n_el, s->isrc_wf ? 1 : 0, s->integrator);
    if (s->newton_mode != MN__SIM_NEWTON_AUTO) fprintf(f, " newton %d", s->newton_mode);
    fprintf(f, "\n");
    fprintf(f, "t %a\n", s->t);
    fprintf(f, "events %llu\n", (unsigned long long)s->n_events);
    fprintf(f, "gprev %d %zu\n", s->gprev_valid, s->nev);
    if (s->gprev_valid)
        for (size_t i = 0; i < s->nev; i++) fprintf(f, "%a\n", s->gprev[i]);
    fprintf(f, "x\n");
    for (size_t i = 0; i < s->nx && !ferror(f); i++) fprintf(f, "%a\n", s->x[i]);
    fprintf(f, "end\n");
}

static mn_status checkpoint_save(mn_sim *s, const char *path)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: path is longer than %zu bytes",
                         sizeof tmp - 5);
    /* the outputs up to this time reach their files before the checkpoint says they exist */
    if ((s->csv && fflush(s->csv) != 0) || (s->ev_csv && fflush(s->ev_csv) != 0))
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint: flushing the recorded outputs failed (%s)",
                         strerror(errno));
    mn_status st = check_target(s->ctx, path, "the target");
    if (!st) st = check_target(s->ctx, tmp, "the temporary file");
    if (st) return st;
    /* O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO put there since the check is not opened */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0666);
    if (fd < 0)
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot open (%s)", tmp,
                         strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": not a regular file", tmp);
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        remove(tmp);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot open (%s)", tmp,
                         strerror(errno));
    }
    write_checkpoint(s, f);
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int err = bad ? errno : 0;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        remove(tmp);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": write failed (%s)", tmp,
                         strerror(err ? err : EIO));
    }
    if (rename(tmp, path)) {
        err = errno;
        remove(tmp);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot rename (%s)", path,
                         strerror(err));
    }
    return MN_OK;
}

mn_status mn_sim_checkpoint_save(mn_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    if (!path) return mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: path is NULL");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(s->ctx, MN_ERR_NOMEM, "checkpoint: cannot create the C locale");
    mn_status st = checkpoint_save(s, path);
    mn__c_locale_end(&loc);
    if (st) return st;
    s->kh_forget = 1; /* both runs continue from a fresh factor (mn__kirchhoff_forget) */
    return mn_sim_restart(s);
}

/* ---------------------------------------------------------------- loading */

typedef struct ckreader {
    mn_context *ctx;
    FILE *f;
    const char *path;
    char line[512];
    size_t lineno;
} ckreader;

/* the next line without its line ending (LF or CRLF): 0, -1 at EOF, or an error recorded */
static mn_status ck_line(ckreader *r, const char *what)
{
    size_t n = 0;
    int c;
    while ((c = fgetc(r->f)) != EOF && c != '\n') {
        if (c == '\0')
            return mn__error(r->ctx, MN_ERR_PARSE, "checkpoint \"%s\" line %zu: NUL byte", r->path,
                             r->lineno + 1);
        if (n + 1 >= sizeof r->line)
            return mn__error(r->ctx, MN_ERR_PARSE, "checkpoint \"%s\" line %zu: line too long",
                             r->path, r->lineno + 1);
        r->line[n++] = (char)c;
    }
    if (ferror(r->f))
        return mn__error(r->ctx, MN_ERR_IO, "checkpoint \"%s\": read error (%s)", r->path,
                         strerror(errno));
    if (c == EOF && n == 0)
        return mn__error(r->ctx, MN_ERR_PARSE, "checkpoint \"%s\": truncated after line %zu (%s "
                         "expected)", r->path, r->lineno, what);
    if (n && r->line[n - 1] == '\r') n--;
    r->line[n] = '\0';
    r->lineno++;
    return MN_OK;
}

/* "key N" with N a decimal count (no sign) at *p; advances *p */
static int ck_count(const char **p, const char *key, uint64_t *out)
{
    size_t kl = strlen(key);
    const char *q = *p;
    if (strncmp(q, key, kl) != 0 || q[kl] != ' ') return -1;
    q += kl + 1;
    if (*q < '0' || *q > '9') return -1;
    uint64_t x = 0;
    for (; *q >= '0' && *q <= '9'; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (x > (UINT64_MAX - d) / 10) return -1;
        x = 10 * x + d;
    }
    if (*q == ' ') q++;
    else if (*q) return -1;
    *out = x;
    *p = q;
    return 0;
}

/* one value in %a (or any strtod form) filling the whole text, finite */
static int ck_value(const char *text, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(text, &end);
    if (end == text || *end || !isfinite(*x)) return -1;
    if (errno == ERANGE && *x != 0 && fabs(*x) >= 1) return -1;
    return 0;
}

#define CK_FAIL(code, ...) MN__FAIL(mn__error(s->ctx, code, __VA_ARGS__))

static mn_status checkpoint_load(mn_sim *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot open (%s)", path, strerror(errno));
    mn_status st = MN_OK;
    ckreader r = { s->ctx, f, path, { 0 }, 0 };
    double *x = NULL, *gp = NULL, *xc = NULL;
    uint64_t m, ns, nx, nel, isrc, integ, nevents, gvalid, nev, newton = MN__SIM_NEWTON_AUTO;
    double t;
    const char *p;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode))
        CK_FAIL(MN_ERR_IO, "checkpoint \"%s\": is a directory", path);

    MN__TRY(ck_line(&r, "the line \"memnet-checkpoint 1\""));
    if (strcmp(r.line, "memnet-checkpoint 1") != 0)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": not a memnet checkpoint (version 1): the first "
                "line is \"%.40s\"", path, r.line);
    MN__TRY(ck_line(&r, "the size line"));
    p = r.line;
    if (ck_count(&p, "edges", &m) || ck_count(&p, "states", &ns) || ck_count(&p, "values", &nx) ||
        ck_count(&p, "electrodes", &nel) || ck_count(&p, "current_source", &isrc) ||
        ck_count(&p, "integrator", &integ))
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line 2: bad size line \"%.80s\"", path, r.line);
    if (*p) { /* the optional Newton field: nothing else may follow the integrator */
        const char *field = p;
        if (ck_count(&p, "newton", &newton) || *p)
            CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line 2: bad Newton iteration field \"%.40s\" "
                    "(expected \"newton N\", N = 0 auto, 1 blocks, 2 krylov)", path, field);
    }
    if (m != s->m || ns != s->ns)
        CK_FAIL(MN_ERR_INVALID,
                "checkpoint \"%s\": saved network has %llu edges and %llu states, this one %zu and %zu",
                path, (unsigned long long)m, (unsigned long long)ns, s->m, s->ns);
    if (isrc > 1)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": current_source %llu must be 0 or 1", path,
                (unsigned long long)isrc);
    if (nel != s->n_el || (int)isrc != (s->isrc_wf ? 1 : 0))
        CK_FAIL(MN_ERR_INVALID,
                "checkpoint \"%s\": saved run has %llu electrodes%s, this one %zu%s", path,
                (unsigned long long)nel, isrc ? " and a current source" : "", s->n_el,
                s->isrc_wf ? " and a current source" : "");
    if (nx != s->ns && nx != s->ns + 2)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": value count %llu must be %zu or %zu", path,
                (unsigned long long)nx, s->ns, s->ns + 2);
    if (integ > MN_SIM_EXACT)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": unknown integrator id %llu (0..%d)", path,
                (unsigned long long)integ, (int)MN_SIM_EXACT);
    if (newton > MN__SIM_NEWTON_GMRES)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": unknown Newton iteration id %llu (0 auto, 1 "
                "blocks, 2 krylov)", path, (unsigned long long)newton);
    MN__TRY(ck_line(&r, "the time"));
    if (strncmp(r.line, "t ", 2) != 0 || ck_value(r.line + 2, &t))
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad time \"%.40s\"", path, r.lineno,
                r.line);
    /* the time must leave the sample grid countable (no float-to-integer overflow below) */
    if (s->samp_mode == 2 && fabs(t - s->samp_t0) / s->samp_dt > 0x1p52)
        CK_FAIL(MN_ERR_RANGE, "checkpoint \"%s\": time %g is more than 2^52 sample intervals "
                "(%g) from the first sample", path, t, s->samp_dt);
    MN__TRY(ck_line(&r, "the event count"));
    p = r.line;
    if (ck_count(&p, "events", &nevents) || *p)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad event count \"%.40s\"", path,
                r.lineno, r.line);
    MN__TRY(ck_line(&r, "the event-function line"));
    p = r.line;
    if (strncmp(p, "gprev ", 6) != 0 || (p += 6, *p != '0' && *p != '1') || p[1] != ' ')
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad event-function line \"%.40s\"",
                path, r.lineno, r.line);
    gvalid = (uint64_t)(*p - '0');
    p += 2;
    {
        const char *q = p;
        nev = 0;
        if (*q < '0' || *q > '9') q = NULL;
        for (; q && *q >= '0' && *q <= '9'; q++) {
            if (nev > (UINT64_MAX - 9) / 10) { q = NULL; break; }
            nev = 10 * nev + (uint64_t)(*q - '0');
        }
        if (!q || *q)
            CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad event-function line \"%.40s\"",
                    path, r.lineno, r.line);
    }
    if (nev != s->nev)
        CK_FAIL(MN_ERR_INVALID, "checkpoint \"%s\": %llu event functions saved, this run has %zu",
                path, (unsigned long long)nev, s->nev);
    gp = mn__calloc_or_err(s->ctx, s->nev ? s->nev : 1, sizeof *gp, "checkpoint");
    x = mn__calloc_or_err(s->ctx, s->nx > s->ns + 2 ? s->nx : s->ns + 2, sizeof *x, "checkpoint");
    xc = mn__calloc_or_err(s->ctx, s->ns ? s->ns : 1, sizeof *xc, "checkpoint");
    if (!gp || !x || !xc) MN__FAIL(MN_ERR_NOMEM);
    if (gvalid)
        for (size_t i = 0; i < s->nev; i++) {
            MN__TRY(ck_line(&r, "an event value"));
            if (ck_value(r.line, &gp[i]))
                CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad event value %zu \"%.40s\"",
                        path, r.lineno, i, r.line);
        }
    MN__TRY(ck_line(&r, "the state block"));
    if (strcmp(r.line, "x") != 0)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: missing state block (\"x\")", path,
                r.lineno);
    for (size_t i = 0; i < nx; i++) {
        MN__TRY(ck_line(&r, "a state value"));
        if (ck_value(r.line, &x[i]))
            CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: bad state value %zu \"%.40s\"",
                    path, r.lineno, i, r.line);
    }
    MN__TRY(ck_line(&r, "the end line"));
    if (strcmp(r.line, "end") != 0)
        CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\" line %zu: expected \"end\", got \"%.40s\"", path,
                r.lineno, r.line);
    {
        int c;
        while ((c = fgetc(f)) == '\n' || c == '\r' || c == ' ') {}
        if (c != EOF)
            CK_FAIL(MN_ERR_PARSE, "checkpoint \"%s\": text after the end line %zu", path, r.lineno);
    }
    /* the states as strictly as initial states from the command line: inside the bounds */
    memcpy(xc, x, s->ns * sizeof *xc);
    MN__TRY(mn__network_clamp(s->net, xc, NULL));
    for (size_t i = 0; i < s->ns; i++)
        if (xc[i] != x[i]) {
            size_t e = 0;
            while (e + 1 < s->m && s->off[e + 1] <= i) e++;
            CK_FAIL(MN_ERR_RANGE, "checkpoint \"%s\": state %zu (edge %zu) = %g is outside the "
                    "model's bounds [%g, %g]", path, i, e, x[i], s->lo[i], s->hi[i]);
        }

    /* apply */
    if (!s->newton_explicit) {
        mn__sim_set_newton(s, (int)newton);
    } else if (s->newton_mode != (int)newton) {
        mn__log(s->ctx, MN_LOG_WARNING,
                "checkpoint \"%s\": saved with the Newton iteration %s; continuing with %s, as "
                "set by mn_sim_set_newton (the run is not the saved run's bit-for-bit continuation)",
                path, mn__sim_newton_name((int)newton), mn__sim_newton_name(s->newton_mode));
    }
    MN__TRY(mn_sim_set_energy_tracking(s, nx == s->ns + 2));
    MN__TRY(mn_sim_init_states(s, t, x));
    if (nx == s->ns + 2) {
        s->x[s->ns] = x[s->ns];
        s->x[s->ns + 1] = x[s->ns + 1];
    }
    s->integrator = (int)integ;
    s->n_events = nevents;
    s->ev_first = nevents;
    if (gvalid) memcpy(s->gprev, gp, s->nev * sizeof *gp);
    s->gprev_valid = (int)gvalid;
    /* outputs at times <= t were written by the saving run: the first sample index above t,
     * computed (the grid is countable, checked above), then adjusted by at most a few steps */
    if (s->samp_mode == 2) {
        double k = floor((t - s->samp_t0) / s->samp_dt);
        uint64_t kk = k < 0 ? 0 : (uint64_t)k;
        if (kk > 2) kk -= 2;
        else kk = 0;
        for (int it = 0; it < 8 && s->samp_t0 + (double)kk * s->samp_dt <= t; it++) kk++;
        s->samp_k = kk;
    }
    if (s->samp_mode == 1)
        while (s->samp_k < s->samp_n && s->samp_t[s->samp_k] <= t) s->samp_k++;
    while (s->snap_i < s->snap_n && s->snap_t[s->snap_i] <= t) s->snap_i++;
    s->started = 1;
    s->kh_forget = 1;
cleanup:
    fclose(f);
    mn__free(s->ctx, x);
    mn__free(s->ctx, gp);
    mn__free(s->ctx, xc);
    return st;
}

mn_status mn_sim_checkpoint_load(mn_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    if (!path) return mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: path is NULL");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(s->ctx, MN_ERR_NOMEM, "checkpoint: cannot create the C locale");
    mn_status st = checkpoint_load(s, path);
    mn__c_locale_end(&loc);
    return st;
}
