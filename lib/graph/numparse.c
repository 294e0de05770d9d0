/*
 * Decimal numbers of the text readers, locale-free and fast, bit for bit strtod's result.
 *
 * strtod was the largest cost of reading a network file after the line reading (17% of
 * `memnet solve` on a 6e5-junction native file: 1.8e6 numbers written with %.17g). The fast
 * path takes the plain decimal forms ([-+]digits[.digits][e[-+]digits], at most 19 significant
 * digits, decimal exponent within +-27) and computes them in x87 extended precision: the
 * significand w (< 10^19 < 2^64) and 10^|q| (5^27 < 2^64) are exact there, so w * 10^q or
 * w / 10^-q is rounded once, to within half a unit of the 64-bit significand. Rounding that to
 * double gives the correctly rounded value unless the extended result lies within one unit of
 * the halfway point between two doubles; that case, anything that is not a plain decimal,
 * results outside the normal range and platforms (or emulators) without a 64-bit long double
 * significand go to strtod (under the caller's C locale). No locale is consulted on the fast path.
 */
#include "graph-private.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define MN__FAST_DECIMAL 1
static const long double p10[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L,
};

/* the plain-decimal fast path: 1 and *out, *end set; 0 to fall back to strtod */
static int fast_decimal(const char *s, char **end, double *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    uint64_t w = 0;
    int nd = 0, q = 0, any = 0;
    while (*p == '0') p++, any = 1; /* leading zeros are not significant */
    for (; *p >= '0' && *p <= '9'; p++, any = 1) {
        if (nd == 19) return 0;
        w = 10 * w + (uint64_t)(*p - '0');
        nd++;
    }
    if (*p == '.') {
        p++;
        if (nd == 0)
            for (; *p == '0'; p++) q--, any = 1;
        for (; *p >= '0' && *p <= '9'; p++, any = 1) {
            if (nd == 19) return 0;
            w = 10 * w + (uint64_t)(*p - '0');
            nd++;
            q--;
        }
    }
    if (!any) return 0;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1;
        int eneg = 0, ev = 0, ed = 0;
        if (*e == '-' || *e == '+') eneg = *e++ == '-';
        for (; *e >= '0' && *e <= '9'; e++) {
            if (++ed > 4) return 0;
            ev = 10 * ev + (*e - '0');
        }
        if (ed == 0) return 0;
        q += eneg ? -ev : ev;
        p = e;
    }
    /* the token must end here as strtod would end it */
    if (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ',') return 0;
    if (w == 0) {
        *out = neg ? -0.0 : 0.0;
        *end = (char *)p;
        return 1;
    }
    if (q < -27 || q > 27) return 0;
    long double r = (long double)w;
    r = q >= 0 ? r * p10[q] : r / p10[-q];
    /* the 64-bit significand: its low 11 bits are what rounding to 53 bits drops */
    uint64_t mant;
    memcpy(&mant, &r, sizeof mant);
    unsigned low = (unsigned)(mant & 0x7FF);
    if (low >= 0x3FF && low <= 0x401) return 0;
    double d = (double)r;
    if (!(d >= DBL_MIN && d <= DBL_MAX)) return 0;
    *out = neg ? -d : d;
    *end = (char *)p;
    return 1;
}
#endif

#ifdef MN__FAST_DECIMAL
/* The fast path needs long double arithmetic that really carries 64 significand bits at run
 * time: an emulator such as valgrind computes x87 operations in double precision, where the
 * one-rounding argument above fails ("2e-23" came out one unit high). Checked on every call
 * (two volatile operations), so no state is shared between threads. */
static int extended_precision_at_run_time(void)
{
    volatile long double one = 1.0L, tiny = LDBL_EPSILON;
    volatile long double sum = one + tiny;
    return sum != one;
}
#endif

double mn__graph_strtod(const char *s, char **end)
{
    return mn__graph_strtod_fast(s, end, mn__graph_fast_decimal_ok());
}

int mn__graph_fast_decimal_ok(void)
{
#ifdef MN__FAST_DECIMAL
    return extended_precision_at_run_time();
#else
    return 0;
#endif
}

double mn__graph_strtod_fast(const char *s, char **end, int fast_ok)
{
#ifdef MN__FAST_DECIMAL
    double x;
    if (fast_ok && fast_decimal(s, end, &x)) return x;
#else
    (void)fast_ok;
#endif
    return strtod(s, end);
}
