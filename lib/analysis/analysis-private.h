/*
 * Internal helpers of the analysis module. Not installed; not part of the ABI.
 */
#ifndef MEMNET_ANALYSIS_PRIVATE_H
#define MEMNET_ANALYSIS_PRIVATE_H

#include <memnet/analysis.h>

#include "core/core-private.h"

/* Input checks: return MN_OK or record an error naming `name`, the index and the value. */
mn_status mn__check_finite(mn_context *ctx, const char *name, const double *x, size_t n);
mn_status mn__check_increasing(mn_context *ctx, const char *name, const double *t, size_t n,
                               int strict);

/* In-place complex FFT of length n (a power of two >= 1): sign = -1 forward, +1 inverse
 * (unnormalised). Radix-2 decimation in time with a precomputed twiddle table.
 * O(n log n). Returns MN_ERR_NOMEM (recorded) if the table cannot be allocated. */
mn_status mn__fft(mn_context *ctx, double *re, double *im, size_t n, int sign);

/* Hurwitz zeta(s, q) = sum_{k>=0} (q+k)^-s, s > 1, q > 0 (Euler-Maclaurin; ~1e-15). */
double mn__hurwitz_zeta(double s, double q);
/* Discrete power-law MLE of alpha for x_min and mean_log = mean of ln x over the tail. */
double mn__zeta_mle(double xmin, double mean_log);
/* Its standard error for n tail values. */
double mn__zeta_mle_err(double alpha, double xmin, size_t n);
/* Inverse-transform draw from the discrete power law (zmin = zeta(alpha, xmin)). */
double mn__zeta_sample(double alpha, double xmin, double zmin, double u);

#endif
