/* Analysis: the Hurwitz zeta function and the discrete power law of Clauset, Shalizi and
 * Newman (SIAM Rev. 51 (2009) 661): p(x) = x^-alpha / zeta(alpha, x_min), x = x_min,
 * x_min + 1, ... */
#include "analysis-private.h"

#include <math.h>

/* zeta(s, q) = sum_{k>=0} (q + k)^-s for s > 1, q > 0, by Euler-Maclaurin summation: N direct
 * terms, the integral of the rest, and 7 Bernoulli corrections at a = q + N >= 10. The
 * neglected remainder is below |B_16/16!| (s)_15 a^(-s-15), i.e. < 1e-16 relative for
 * s <= 20. */
double mn__hurwitz_zeta(double s, double q)
{
    static const double b2j_over_fact[7] = {
        1.0 / 12.0,                      /* B2/2!   = (1/6)/2 */
        -1.0 / 720.0,                    /* B4/4!   = (-1/30)/24 */
        1.0 / 30240.0,                   /* B6/6!   = (1/42)/720 */
        -1.0 / 1209600.0,                /* B8/8!   = (-1/30)/40320 */
        1.0 / 47900160.0,                /* B10/10! = (5/66)/3628800 */
        -691.0 / 1307674368000.0,        /* B12/12! = (-691/2730)/479001600 */
        1.0 / 74724249600.0              /* B14/14! = (7/6)/87178291200 */
    };
    int N = q >= 10 ? 0 : (int)ceil(10 - q);
    double sum = 0;
    for (int k = 0; k < N; k++) sum += pow(q + k, -s);
    double a = q + N;
    double apow = pow(a, -s); /* a^-s */
    sum += a * apow / (s - 1) + 0.5 * apow;
    double fac = s;         /* s (s+1) ... (s + 2j - 2) */
    double term = apow / a; /* a^(-s-1) */
    for (int j = 0; j < 7; j++) {
        sum += b2j_over_fact[j] * fac * term;
        fac *= (s + 2 * j + 1) * (s + 2 * j + 2);
        term /= a * a;
    }
    return sum;
}

/* Discrete MLE: maximise l(alpha)/n = -ln zeta(alpha, xmin) - alpha * mean_log (a concave
 * function of alpha) by golden-section search on [1 + 1e-9, 60]. */
double mn__zeta_mle(double xmin, double mean_log)
{
    const double g = 0.6180339887498949;
    double lo = 1.0 + 1e-9, hi = 60.0;
    double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
    double fc = -log(mn__hurwitz_zeta(c, xmin)) - c * mean_log;
    double fd = -log(mn__hurwitz_zeta(d, xmin)) - d * mean_log;
    for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
        if (fc > fd) {
            hi = d;
            d = c;
            fd = fc;
            c = hi - g * (hi - lo);
            fc = -log(mn__hurwitz_zeta(c, xmin)) - c * mean_log;
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + g * (hi - lo);
            fd = -log(mn__hurwitz_zeta(d, xmin)) - d * mean_log;
        }
    }
    return 0.5 * (lo + hi);
}

/* Standard error of the discrete MLE: 1/sqrt(n d^2/dalpha^2 ln zeta(alpha, xmin)), the
 * Fisher information of n values; the second derivative by a central difference. */
double mn__zeta_mle_err(double alpha, double xmin, size_t n)
{
    double h = 1e-4 * alpha;
    if (alpha - h <= 1.0) h = 0.5 * (alpha - 1.0);
    double g0 = log(mn__hurwitz_zeta(alpha, xmin));
    double gp = log(mn__hurwitz_zeta(alpha + h, xmin));
    double gm = log(mn__hurwitz_zeta(alpha - h, xmin));
    double g2 = (gp - 2 * g0 + gm) / (h * h);
    return g2 > 0 ? 1.0 / sqrt((double)n * g2) : INFINITY;
}

/* Inverse-transform sample of the discrete power law: the smallest integer x >= xmin with
 * P(X <= x) = 1 - zeta(alpha, x + 1)/zeta(alpha, xmin) >= u. Bracketing from the continuous
 * approximation, then bisection on integers. */
double mn__zeta_sample(double alpha, double xmin, double zmin, double u)
{
    double target = (1.0 - u) * zmin; /* want zeta(alpha, x + 1) <= target */
    double guess = (xmin - 0.5) * pow(1.0 - u, -1.0 / (alpha - 1.0)) + 0.5;
    if (!(guess < 4e15)) guess = 4e15;
    double lo = xmin - 1, hi = floor(guess) + 1; /* invariant: lo fails (or is xmin-1) */
    if (hi < xmin) hi = xmin;
    while (mn__hurwitz_zeta(alpha, hi + 1) > target) {
        lo = hi;
        if (hi >= 4e15) return hi;
        hi = fmin(4e15, 2 * hi + 1);
    }
    double lo_guess = floor(0.5 * guess);
    if (lo_guess > lo && lo_guess < hi && mn__hurwitz_zeta(alpha, lo_guess + 1) > target)
        lo = lo_guess;
    while (hi - lo > 1) {
        double mid = floor(0.5 * (lo + hi));
        if (mn__hurwitz_zeta(alpha, mid + 1) <= target) hi = mid;
        else lo = mid;
    }
    return hi;
}
