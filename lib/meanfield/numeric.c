/* Numerical helpers of the meanfield module: exponential integral, quadrature, roots. */
#include "meanfield-private.h"

#include <math.h>

#define MN__EULER_GAMMA 0.57721566490153286060651209008240243

/* E1(z) for z > 0; scaled = 1 returns e^{z} E1(z) (no underflow for large z) */
static double e1s(double z, int scaled)
{
    if (z <= 1) { /* E1 = -gamma - ln z - sum_{k>=1} (-z)^k / (k k!) */
        double sum = 0, term = 1;
        for (int k = 1; k < 60; k++) {
            term *= -z / k;
            double add = term / k;
            sum += add;
            if (fabs(add) < 1e-18 * fabs(sum)) break;
        }
        double r = -MN__EULER_GAMMA - log(z) - sum;
        return scaled ? exp(z) * r : r;
    }
    /* continued fraction E1(z) = e^{-z} / (z + 1 - 1^2/(z + 3 - 2^2/(z + 5 - ...))),
     * evaluated by the modified Lentz method */
    const double tiny = 1e-300;
    double b = z + 1, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -(double)i * i;
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = c * d;
        h *= del;
        if (fabs(del - 1) < 1e-16) break;
    }
    return scaled ? h : h * exp(-z);
}

static double e1(double z) { return e1s(z, 0); }

double mn__ei_scaled(double x)
{
    if (x < 0) return -e1s(-x, 1);
    if (x == 0) return -INFINITY;
    if (x <= 40) return exp(-x) * mn__ei(x);
    /* e^{-x} Ei(x) ~ (1/x) sum_k k!/x^k, stop at the smallest term (error ~ e^{-x}) */
    double sum = 1, term = 1;
    for (int k = 1; k < 200; k++) {
        double next = term * k / x;
        if (next > term) break;
        term = next;
        sum += term;
        if (term < 1e-18 * sum) break;
    }
    return sum / x;
}

double mn__ei(double x)
{
    if (x < 0) return -e1(-x);
    if (x == 0) return -INFINITY;
    if (x <= 40) { /* Ei = gamma + ln x + sum x^k/(k k!) (all terms positive) */
        double sum = 0, term = 1;
        for (int k = 1; k < 500; k++) {
            term *= x / k;
            double add = term / k;
            sum += add;
            if (add < 1e-18 * sum) break;
        }
        return MN__EULER_GAMMA + log(x) + sum;
    }
    /* asymptotic: Ei(x) ~ e^x/x sum_k k!/x^k, stop at the smallest term */
    double sum = 1, term = 1;
    for (int k = 1; k < 100; k++) {
        double next = term * k / x;
        if (next > term) break;
        term = next;
        sum += term;
        if (term < 1e-18 * sum) break;
    }
    return exp(x) / x * sum;
}

/* Gauss-Kronrod 7-15 nodes and weights (Kronrod extension of 7-point Gauss-Legendre) */
static const double xgk[8] = { 0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                               0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                               0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                               0.207784955007898467600689403773245, 0.0 };
static const double wgk[8] = { 0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                               0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                               0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                               0.204432940075298892414161999234649, 0.209482141084727828012999174891714 };
static const double wg[4] = { 0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                              0.381830050505118944950369775488975, 0.417959183673469387755102040816327 };

static double gk15(double (*f)(double, void *), void *ud, double a, double b, double *err)
{
    double c = 0.5 * (a + b), hl = 0.5 * (b - a);
    double fc = f(c, ud);
    double rk = fc * wgk[7], rg = fc * wg[3];
    for (int j = 0; j < 7; j++) {
        double dx = hl * xgk[j];
        double s = f(c - dx, ud) + f(c + dx, ud);
        rk += wgk[j] * s;
        if (j % 2 == 1) rg += wg[j / 2] * s;
    }
    *err = fabs((rk - rg) * hl);
    return rk * hl;
}

static double gk_adapt(double (*f)(double, void *), void *ud, double a, double b, double whole,
                       double err, double tol, int depth, int *budget)
{
    if (err <= tol || depth > 30 || *budget <= 0 || b - a <= 1e-14 * fmax(1, fabs(a))) return whole;
    *budget -= 2;
    double m = 0.5 * (a + b), el, er;
    double l = gk15(f, ud, a, m, &el), r = gk15(f, ud, m, b, &er);
    /* round-off floor: no point in asking for less than a few ulps of the pieces */
    double floor_ = 8e-16 * (fabs(l) + fabs(r));
    double t = 0.5 * tol > floor_ ? 0.5 * tol : floor_;
    return gk_adapt(f, ud, a, m, l, el, t, depth + 1, budget) +
           gk_adapt(f, ud, m, b, r, er, t, depth + 1, budget);
}

double mn__integrate(double (*f)(double, void *), void *ud, double a, double b, double rtol)
{
    if (a == b) return 0;
    double err, whole = gk15(f, ud, a, b, &err);
    double tol = rtol * fabs(whole) + 1e-300;
    /* a coarse scale estimate of |f| so that near-zero integrals still terminate */
    double e2, absint = 0;
    for (int i = 0; i < 8; i++) {
        double x0 = a + (b - a) * i / 8, x1 = a + (b - a) * (i + 1) / 8;
        absint += fabs(gk15(f, ud, x0, x1, &e2));
    }
    if (rtol * absint > tol) tol = rtol * absint;
    int budget = 4000;
    return gk_adapt(f, ud, a, b, whole, err, tol, 0, &budget);
}

double mn__root(double (*f)(double, void *), void *ud, double a, double b, double fa, double fb)
{
    if (fa == 0) return a;
    if (fb == 0) return b;
    int side = 0;
    for (int it = 0; it < 300; it++) {
        double m;
        if (it % 3 == 2) m = 0.5 * (a + b);
        else {
            m = (a * fb - b * fa) / (fb - fa); /* regula falsi (Illinois) */
            if (!(m > a && m < b)) m = 0.5 * (a + b);
        }
        double fm = f(m, ud);
        if (fm == 0) return m;
        if ((fm < 0) == (fa < 0)) {
            a = m;
            fa = fm;
            if (side == -1) fb *= 0.5;
            side = -1;
        } else {
            b = m;
            fb = fm;
            if (side == 1) fa *= 0.5;
            side = 1;
        }
        if (b - a <= 4e-16 * fmax(fabs(a), fabs(b)) + 1e-300) break;
    }
    return 0.5 * (a + b);
}
