/* memnet reservoir: the 8x8 handwritten digits (scikit-learn's copy of the UCI data), read
 * from the CSV (gzipped through zlib), presented 5 pixels per step, classified one-vs-rest
 * (cmd-reservoir.h). */
#include "cmd-reservoir.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef MN_CLI_HAVE_ZLIB
#include <zlib.h>
#endif

/* 65 numbers per line: 64 pixels then the label; grows as data is seen */
static int read_digits(const char *cmd, const char *path, double **pix, int32_t **lab, size_t *n)
{
    size_t cap = 0, k = 0;
    double *P = NULL;
    int32_t *L = NULL;
    char line[4096];
#ifdef MN_CLI_HAVE_ZLIB
    gzFile gz = gzopen(path, "rb");
    if (!gz) return cli_error(cmd, "--digits %s: cannot open (%s)", path, strerror(errno));
#define NEXT_LINE() gzgets(gz, line, sizeof line)
#else
    FILE *fp = fopen(path, "r");
    if (!fp) return cli_error(cmd, "--digits %s: cannot open (%s)", path, strerror(errno));
    if (strlen(path) > 3 && !strcmp(path + strlen(path) - 3, ".gz")) {
        fclose(fp);
        return cli_error(cmd, "--digits %s: this memnet was built without zlib: give the "
                              "uncompressed CSV", path);
    }
#define NEXT_LINE() fgets(line, sizeof line, fp)
#endif
    size_t lineno = 0;
    int rc = 0;
    while (NEXT_LINE()) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || !*s) continue;
        if (k == cap) {
            size_t nc = cap ? 2 * cap : 256;
            double *np = realloc(P, nc * 64 * sizeof *P);
            if (np) P = np;
            int32_t *nl = realloc(L, nc * sizeof *L);
            if (nl) L = nl;
            if (!np || !nl) {
                rc = cli_error(cmd, "out of memory");
                break;
            }
            cap = nc;
        }
        for (int j = 0; j < 65 && !rc; j++) {
            char *end;
            errno = 0;
            double v = strtod(s, &end);
            if (end == s || errno || !isfinite(v) || v < 0 || (j < 64 && v > 16) ||
                (j == 64 && (v > 9 || v != floor(v))))
                rc = cli_error(cmd, "--digits %s line %zu: value %d is not a pixel 0..16 / a label "
                                    "0..9", path, lineno, j + 1);
            else if (j < 64) P[k * 64 + (size_t)j] = v / 16.0;
            else L[k] = (int32_t)v;
            s = end;
            while (*s == ' ' || *s == ',' || *s == '\t') s++;
        }
        if (rc) break;
        k++;
    }
#ifdef MN_CLI_HAVE_ZLIB
    gzclose(gz);
#else
    fclose(fp);
#endif
#undef NEXT_LINE
    if (!rc && k < 20) rc = cli_error(cmd, "--digits %s: %zu digits, need at least 20", path, k);
    if (rc) {
        free(P);
        free(L);
        return 1;
    }
    *pix = P;
    *lab = L;
    *n = k;
    return 0;
}

/* --out rows: per presented digit its index in the data, set, label and both predictions */
typedef struct digit_rows {
    const size_t *order;
    const int32_t *label, *pr, *pb;
    size_t ntr;
} digit_rows;

static int digit_row(FILE *f, size_t i, const void *data)
{
    const digit_rows *d = data;
    return fprintf(f, "%zu,%zu,%s,%d,%d,%d\n", i, d->order[i], i < d->ntr ? "train" : "test", (int)d->label[i],
                   (int)d->pr[i], (int)d->pb[i]);
}

int res_task_digits(const char *cmd, const opts *o)
{
    rig r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    double *pix = NULL, *U = NULL, *F = NULL, *X = NULL, *Xr = NULL;
    int32_t *lab = NULL, *lo = NULL, *pr = NULL, *pb = NULL;
    size_t *order = NULL;
    mn_rng *rng = NULL;
    mn_readout *rd = NULL;
    size_t n = 0;
    if (read_digits(cmd, o->digits, &pix, &lab, &n)) return 1;
    if (o->limit > 0 && (size_t)o->limit < n) n = (size_t)o->limit;
    size_t ntr = (size_t)floor(o->train * (double)n);
    if (ntr < (size_t)(2 * o->folds) || n - ntr < 1) {
        rc = cli_usage_error(cmd, "--train %g leaves %zu training and %zu test digits", o->train, ntr,
                             n - ntr);
        goto done;
    }
    if ((rc = res_build_rig(cmd, o, 0, &r))) goto done;
    rc = 1;
    res_print_rig(o, &r);
    size_t q = r.n_in, chunks = (64 + q - 1) / q, rest = (size_t)o->rest, per = chunks + rest;
    size_t B = mn_reservoir_feature_count(r.res) / ((size_t)o->delays + 1);
    /* presentation order: shuffled by the task seed (Fisher-Yates) */
    order = malloc(n * sizeof *order);
    U = calloc(n * per * q, sizeof *U);
    pr = malloc(n * sizeof *pr);
    pb = malloc(n * sizeof *pb);
    lo = malloc(n * sizeof *lo);
    if (!order || !U || !pr || !pb || !lo || mn_rng_new(&rng, r.ctx, o->task_seed, 13)) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)mn_rng_below(rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        lo[i] = lab[order[i]];
        for (size_t px = 0; px < 64; px++) U[(i * per + px / q) * q + px % q] = pix[order[i] * 64 + px];
    }
    if (res_drive(cmd, &r, U, n * per, &F)) goto done;
    /* per digit: the base features of its `chunks` steps (delays are not needed: every step
     * of the digit is already in the vector) */
    size_t P = mn_reservoir_feature_count(r.res), pd = chunks * B;
    X = malloc(n * pd * sizeof *X);
    Xr = malloc(n * 64 * sizeof *Xr);
    if (!X || !Xr) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < chunks; c++)
            memcpy(X + i * pd + c * B, F + (i * per + c) * P, B * sizeof *X);
        memcpy(Xr + i * 64, pix + order[i] * 64, 64 * sizeof *Xr);
    }
    double acc, bacc, c0 = res_cpu_now(), w0 = res_wall_now();
    if (!(rd = res_new_readout(cmd, r.ctx, o->folds))) goto done;
    mn_status st = mn_readout_fit_classes(rd, X, ntr, pd, lo, 10);
    if (!st) st = mn_readout_classify(pr, rd, X, n);
    if (!st) st = mn_readout_accuracy(&acc, lo + ntr, pr + ntr, n - ntr);
    double lam = mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0);
    double cva = mn_readout_stat_get(rd, MN_READOUT_STAT_CV_ACCURACY, 0);
    if (!st) st = mn_readout_fit_classes(rd, Xr, ntr, 64, lo, 10);
    if (!st) st = mn_readout_classify(pb, rd, Xr, n);
    if (!st) st = mn_readout_accuracy(&bacc, lo + ntr, pb + ntr, n - ntr);
    if (st) {
        cli_fail(cmd, r.ctx, st);
        goto done;
    }
    cli_out("digits=%zu\nsteps_per_digit=%zu\nrest_steps=%zu\ntrain_digits=%zu\ntest_digits=%zu\n",
            n, chunks, rest, ntr, n - ntr);
    cli_out("readout_features=%zu\nbaseline_features=64\n", pd);
    cli_out("score_name=accuracy\nscore=%.6g\nbaseline=%.6g\nlambda=%.3g\ncv_accuracy=%.6g\n"
            "baseline_lambda=%.3g\nbaseline_cv_accuracy=%.6g\n",
            acc, bacc, lam, cva, mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0),
            mn_readout_stat_get(rd, MN_READOUT_STAT_CV_ACCURACY, 0));
    res_print_readout_times(c0, w0);
    digit_rows rows = { order, lo, pr, pb, ntr };
    rc = res_write_out(cmd, o, acc, bacc, "index,digit,set,label,reservoir,baseline", n, digit_row, &rows);
done:
    mn_readout_free(rd);
    mn_rng_free(rng);
    free(pix);
    free(lab);
    free(lo);
    free(order);
    free(U);
    free(F);
    free(X);
    free(Xr);
    free(pr);
    free(pb);
    res_rig_free(&r);
    return rc;
}
