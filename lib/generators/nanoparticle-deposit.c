/* Random deposition of unit-diameter discs until a surface coverage (003 secs. 1.1, 5.1). */
#include "nanoparticle-private.h"

#include <math.h>
#include <stdlib.h>

mn_status mn__np_deposit(mn_context *ctx, uint64_t seed, double W, double H, double p, double h,
                         double **pxo, double **pyo, size_t *npo, double *coverage)
{
    mn_status st = MN_OK;
    const double r = MN__NP_R;
    *pxo = *pyo = NULL;
    *npo = 0;
    double nrx_d = ceil(W / h), nry_d = ceil(H / h);
    if (nrx_d * nry_d > 1.6e10)
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanoparticles: a %g x %g pd box at resolution %g needs %.3g raster "
                         "cells (limit 1.6e10): raise MN_GEN_RESOLUTION", W, H, h,
                         nrx_d * nry_d);
    const int64_t nrx = (int64_t)nrx_d, nry = (int64_t)nry_d;
    const double hx = W / (double)nrx, hy = H / (double)nry;
    const uint64_t T = (uint64_t)nrx * (uint64_t)nry;
    const uint64_t target = (uint64_t)ceil(p * (double)T);
    double *px = NULL, *py = NULL;
    size_t np = 0, capp = 0;
    uint64_t *bits = mn__calloc_or_err(ctx, (size_t)((T + 63) / 64), sizeof(uint64_t),
                                       "coverage raster");
    if (!bits) MN__FAIL(MN_ERR_NOMEM);
    mn__rng_state rp;
    mn__rng_seed(&rp, seed, 0);
    uint64_t covered = 0;
    while (covered < target) {
        if (np == capp) {
            size_t ncap = capp ? 2 * capp : 4096;
            if (ncap > (size_t)INT32_MAX) ncap = (size_t)INT32_MAX;
            if (np == ncap)
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "nanoparticles: more than 2^31-1 particles"));
            double *a = mn__realloc_array(ctx, px, ncap, sizeof(double));
            if (!a) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory for particles"));
            px = a;
            a = mn__realloc_array(ctx, py, ncap, sizeof(double));
            if (!a) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory for particles"));
            py = a;
            capp = ncap;
        }
        double cx = W * mn__rng_uniform(&rp), cy = H * mn__rng_uniform(&rp);
        px[np] = cx;
        py[np] = cy;
        np++;
        /* raster cells whose centre ((i + 1/2) hx, (j + 1/2) hy) lies in the disc */
        int64_t j0 = (int64_t)ceil((cy - r) / hy - 0.5), j1 = (int64_t)floor((cy + r) / hy - 0.5);
        if (j0 < 0) j0 = 0;
        if (j1 > nry - 1) j1 = nry - 1;
        for (int64_t j = j0; j <= j1; j++) {
            double dy = (j + 0.5) * hy - cy, w2 = r * r - dy * dy;
            if (w2 < 0) continue;
            double w = sqrt(w2);
            int64_t i0 = (int64_t)ceil((cx - w) / hx - 0.5), i1 = (int64_t)floor((cx + w) / hx - 0.5);
            if (i0 < 0) i0 = 0;
            if (i1 > nrx - 1) i1 = nrx - 1;
            for (int64_t i = i0; i <= i1; i++) {
                double dx = (i + 0.5) * hx - cx;
                if (dx * dx + dy * dy > r * r) continue;
                uint64_t c = (uint64_t)j * (uint64_t)nrx + (uint64_t)i;
                uint64_t m = UINT64_C(1) << (c & 63);
                if (!(bits[c >> 6] & m)) {
                    bits[c >> 6] |= m;
                    covered++;
                }
            }
        }
    }
    *coverage = (double)covered / (double)T;
    *pxo = px;
    *pyo = py;
    *npo = np;
    px = py = NULL;
cleanup:
    mn__free(ctx, bits);
    mn__free(ctx, px);
    mn__free(ctx, py);
    return st;
}
