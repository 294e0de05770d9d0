/* memnet reservoir: readouts (ridge with cross-validated lambda), the raw-input baseline
 * features, the --out CSV (cmd-reservoir.h). */
#include "cmd-reservoir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* raw baseline features: the inputs and D delayed copies (zeros before the start) */
double *res_raw_features(const double *u, size_t n, size_t q, size_t D)
{
    double *R = calloc(n * q * (D + 1), sizeof *R);
    if (!R) return NULL;
    for (size_t k = 0; k < n; k++)
        for (size_t d = 0; d <= D && d <= k; d++)
            memcpy(R + k * q * (D + 1) + d * q, u + (k - d) * q, q * sizeof *R);
    return R;
}

mn_readout *res_new_readout(const char *cmd, mn_context *ctx, long folds)
{
    mn_readout *rd = NULL;
    mn_status st = mn_readout_new(&rd, ctx);
    if (!st) st = mn_readout_set_int(rd, MN_READOUT_FOLDS, folds);
    if (st) {
        cli_fail(cmd, ctx, st);
        mn_readout_free(rd);
        return NULL;
    }
    return rd;
}

/* fit on rows [w, w + ntr), predict every row, NMSE on the rows after; returns 0/1 */
int res_regress(const char *cmd, mn_context *ctx, long folds, const double *X, size_t n,
                   size_t p, const double *y, size_t w, size_t ntr, double *pred, double *nmse,
                   double *lambda)
{
    mn_readout *rd = res_new_readout(cmd, ctx, folds);
    if (!rd) return 1;
    mn_status st = mn_readout_fit(rd, X + w * p, ntr, p, y + w, 1);
    if (!st) st = mn_readout_predict(pred, rd, X, n);
    if (!st) st = mn_readout_nmse(nmse, y + w + ntr, pred + w + ntr, n - w - ntr);
    *lambda = mn_readout_stat_get(rd, MN_READOUT_STAT_LAMBDA, 0);
    mn_readout_free(rd);
    if (st) return cli_fail(cmd, ctx, st);
    return 0;
}

void res_print_readout_times(double cpu0, double wall0)
{
    cli_out("readout_cpu_seconds=%.3f\nreadout_wall_seconds=%.3f\n", res_cpu_now() - cpu0,
            res_wall_now() - wall0);
}

int res_write_out(const char *cmd, const opts *o, double score, double baseline, const char *columns,
                  size_t rows, int (*row)(FILE *f, size_t k, const void *data), const void *data)
{
    if (!o->out) return 0;
    FILE *f = fopen(o->out, "w");
    if (!f) return cli_error(cmd, "cannot open %s: %s", o->out, strerror(errno));
    cli_write_provenance(f, "task=%s\nscore=%.6g\nbaseline=%.6g\n", o->task, score, baseline);
    int bad = fprintf(f, "%s\n", columns) < 0;
    for (size_t k = 0; k < rows && !bad; k++) bad = row(f, k, data) < 0;
    bad |= ferror(f) != 0;
    if (fclose(f) || bad) return cli_error(cmd, "writing %s failed", o->out);
    cli_out_str("out", "%s", o->out);
    return 0;
}

const char *res_split_name(size_t k, size_t w, size_t ntr)
{
    return k < w ? "washout" : k < w + ntr ? "train" : "test";
}
