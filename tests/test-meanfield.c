/* Mean field: effective models, potentials, equilibria, transitions, fitting, Caravelli-Barucca,
 * projector quantities. Every number is checked against an independent reference: closed forms
 * of the papers, finite differences, a dense reference solve, or scipy values. */
#include "mn-test.h"

#include "meanfield/meanfield-private.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static mn_meanfield_model *model(mn_meanfield_kind k)
{
    mn_meanfield_model *m = NULL;
    MN_ASSERT_OK(ctx, mn_meanfield_model_new(&m, ctx, k));
    return m;
}

static void set(mn_meanfield_model *m, const char *name, double v)
{
    MN_ASSERT_OK(ctx, mn_meanfield_model_set(m, name, v));
}

/* ------------------------------------------------------------- exponential integral */

START_TEST(test_ei_reference)
{
    /* scipy.special.expi */
    static const double ref[][2] = {
        { 1e-3, -6.329539364025038 },   { 0.5, 0.45421990486317343 },
        { 1, 1.8951178163559368 },      { 5, 40.18527535580317 },
        { 20, 25615652.664056595 },     { 39.9, 5479032048901892.0 },
        { 40.1, 6657825191606925.0 },   { 50, 1.058563689713169e+20 },
        { 200, 3.631235233159356e+84 }, { -1e-3, -6.331539364136149 },
        { -0.5, -0.5597735947761608 },  { -1, -0.21938393439552062 },
        { -1.5, -0.10001958240663265 }, { -10, -4.156968929685325e-06 },
        { -50, -3.783264029550459e-24 }, { -300, -1.71038427680451e-133 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) MN_ASSERT_REL(mn__ei(ref[i][0]), ref[i][1], 1e-13);
}
END_TEST

static double fexp(double x, void *ud)
{
    (void)ud;
    return exp(3 * x) * cos(5 * x);
}

START_TEST(test_quadrature_root)
{
    /* int_0^2 e^{3x} cos 5x dx = [e^{3x}(3 cos 5x + 5 sin 5x)/34]_0^2 */
    double ref = (exp(6) * (3 * cos(10) + 5 * sin(10)) - 3) / 34;
    MN_ASSERT_REL(mn__integrate(fexp, NULL, 0, 2, 1e-13), ref, 1e-12);
    /* root of e^{3x} cos 5x in (0, 0.5): x = pi/10 */
    MN_ASSERT_REL(mn__root(fexp, NULL, 0, 0.5, fexp(0, NULL), fexp(0.5, NULL)), 3.14159265358979323846 / 10, 1e-14);
}
END_TEST

/* ------------------------------------------------------------- time integration */

static double v_const(double t, void *ud)
{
    (void)t;
    return *(double *)ud;
}

START_TEST(test_miranda_constant_voltage)
{
    /* chi = 0: dg/dt = kp e^{ep V}(1 - g) - kd e^{-ed V} g is linear: exact exponential
     * relaxation (003 eq. 9) */
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "chi", 0);
    set(m, "k_p", 2e-3);
    set(m, "k_d", 5e-2);
    set(m, "eta_p", 3);
    set(m, "eta_d", 2);
    double V = 1.2, g0 = 0.05;
    double kp = 2e-3 * exp(3 * V), kd = 5e-2 * exp(-2 * V), ginf = kp / (kp + kd);
    double t[6] = { 0, 0.5, 3, 10, 40, 200 }, g[6], G[6];
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &V, g0, t, 6, g, G));
    for (int i = 0; i < 6; i++) {
        double ex = ginf + (g0 - ginf) * exp(-(kp + kd) * t[i]);
        MN_ASSERT_REL(g[i], ex, 1e-7);
        MN_ASSERT_REL(G[i], 1e-3, 1e-14); /* chi = 0: G = G_min */
    }
    /* chi != 0 at V = 0: u = 0 whatever g, so the same exponential with the V = 0 rates */
    set(m, "chi", 50);
    V = 0;
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &V, 0.7, t, 6, g, G));
    for (int i = 0; i < 6; i++) {
        double gi = 2e-3 / (2e-3 + 5e-2);
        double ex = gi + (0.7 - gi) * exp(-(2e-3 + 5e-2) * t[i]);
        MN_ASSERT_REL(g[i], ex, 1e-7);
        MN_ASSERT_REL(G[i], 1e-3 * (1 + 50 * ex), 1e-7);
    }
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_hillock_linear_decay)
{
    /* hillock at v = 0: dg/dt = -kappa g */
    mn_meanfield_model *m = model(MN_MEANFIELD_HILLOCK);
    set(m, "kappa", 0.3);
    double V = 0, t[4] = { 0, 1, 5, 20 }, g[4];
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &V, 0.4, t, 4, g, NULL));
    for (int i = 0; i < 4; i++) MN_ASSERT_REL(g[i], 0.4 * exp(-0.3 * t[i]), 1e-7);
    mn_meanfield_model_free(m);
    /* linear with chi = 0: dx/dt = -alpha x + k v */
    m = model(MN_MEANFIELD_LINEAR);
    set(m, "chi", 0);
    set(m, "alpha", 2);
    set(m, "k", 0.5);
    V = 1.5;
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &V, 0.1, t, 4, g, NULL));
    for (int i = 0; i < 4; i++) {
        double xi = 0.5 * 1.5 / 2;
        MN_ASSERT_REL(g[i], xi + (0.1 - xi) * exp(-2 * t[i]), 1e-7);
    }
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_linear_implicit_solution)
{
    /* chi != 0, constant v: t(x) = int_{x0}^{x} (1 - chi y) / (k v - alpha y (1 - chi y)) dy,
     * evaluated by composite Simpson in the test */
    double alpha = 1, k = 0.3, chi = 0.6, v = 0.5, x0 = 0.02;
    mn_meanfield_model *m = model(MN_MEANFIELD_LINEAR);
    set(m, "alpha", alpha);
    set(m, "k", k);
    set(m, "chi", chi);
    double t[5] = { 0, 0.05, 0.1, 0.2, 0.3 }, x[5];
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &v, x0, t, 5, x, NULL));
    for (int i = 1; i < 5; i++) {
        int N = 20000;
        double h = (x[i] - x0) / N, s = 0;
        for (int j = 0; j <= N; j++) {
            double y = x0 + j * h;
            double f = (1 - chi * y) / (k * v - alpha * y * (1 - chi * y));
            s += f * (j == 0 || j == N ? 1 : (j % 2 ? 4 : 2));
        }
        MN_ASSERT_REL(s * h / 3, t[i], 1e-8);
    }
    mn_meanfield_model_free(m);
}
END_TEST

static void exact_drive1(const double *p6, const double *t, const double *V, int n, double *G);

/* Independent reference for miranda under a zero-order-hold voltage: classical RK4 in long
 * double written from 000 eqs. (7)-(10) directly, dg/dt = k_p e^{eta_p u}(1 - g)
 * - k_d e^{-eta_d u} g with u = V/(1 + chi g) (drive 0) or u = V (drive 1), G = G_min (1 + chi g);
 * p6 = G_min, chi, k_p, k_d, eta_p, eta_d; `sub` RK4 steps per sample interval. */
static long double mir_rate(const double *p6, int drive, long double V, long double g)
{
    long double u = drive ? V : V / (1 + p6[1] * g);
    return p6[2] * expl(p6[4] * u) * (1 - g) - p6[3] * expl(-p6[5] * u) * g;
}

static void rk4_miranda(const double *p6, int drive, const double *t, const double *V, int n, double g0,
                        int sub, double *g_out, double *G_out)
{
    long double g = g0;
    for (int i = 0; i < n; i++) {
        if (i > 0) {
            long double h = ((long double)t[i] - t[i - 1]) / sub, v = V[i - 1];
            for (int k = 0; k < sub; k++) {
                long double k1 = mir_rate(p6, drive, v, g), k2 = mir_rate(p6, drive, v, g + h / 2 * k1);
                long double k3 = mir_rate(p6, drive, v, g + h / 2 * k2), k4 = mir_rate(p6, drive, v, g + h * k3);
                g += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
        }
        if (g_out) g_out[i] = (double)g;
        if (G_out) G_out[i] = (double)(p6[0] * (1 + p6[1] * g));
    }
}

START_TEST(test_sampled_equals_callback)
{
    /* zero-order hold: a square pulse given as samples equals the callback with the same steps */
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "chi", 20);
    set(m, "eta_p", 3);
    set(m, "eta_d", 3);
    set(m, "k_p", 1e-3);
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_tolerances(m, 1e-12, 1e-15));
    enum { N = 201 };
    double t[N], V[N], g1[N], g2[N];
    for (int i = 0; i < N; i++) {
        t[i] = i;
        V[i] = i < 100 ? 2.0 : 0.1;
    }
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate_sampled(m, t, V, N, 0, g1, NULL));
    /* reference: integrate piecewise with the constant-voltage callback */
    double g = 0;
    g2[0] = 0;
    for (int i = 1; i < N; i++) {
        double tt[2] = { t[i - 1], t[i] }, gg[2];
        double vv = V[i - 1];
        MN_ASSERT_OK(ctx, mn_meanfield_model_integrate(m, v_const, &vv, g, tt, 2, gg, NULL));
        g = gg[1];
        g2[i] = g;
    }
    for (int i = 0; i < N; i++) MN_ASSERT_ABS(g1[i], g2[i], 1e-9);
    ck_assert(g1[99] > 0.1 && g1[200] < g1[99]); /* potentiation then relaxation */
    /* independent reference: long-double RK4 of 000 eqs. (7)-(10) (k_d default 5e-2, drive 0),
     * and for drive 1 the exact piecewise exponential */
    const double p6[6] = { 1e-3, 20, 1e-3, 5e-2, 3, 3 };
    double gr[N], Gr[N], G1[N];
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate_sampled(m, t, V, N, 0, g1, G1));
    rk4_miranda(p6, 0, t, V, N, 0, 200, gr, Gr);
    for (int i = 0; i < N; i++) {
        MN_ASSERT_ABS(g1[i], gr[i], 1e-7);
        MN_ASSERT_REL(G1[i], Gr[i], 1e-7);
    }
    set(m, "drive", 1);
    MN_ASSERT_OK(ctx, mn_meanfield_model_integrate_sampled(m, t, V, N, 0, NULL, G1));
    exact_drive1(p6, t, V, N, Gr);
    for (int i = 0; i < N; i++) MN_ASSERT_REL(G1[i], Gr[i], 1e-7);
    mn_meanfield_model_free(m);
}
END_TEST

/* ------------------------------------------------------------- potential */

START_TEST(test_potential_derivative)
{
    mn_meanfield_kind kinds[5] = { MN_MEANFIELD_MIRANDA, MN_MEANFIELD_HILLOCK, MN_MEANFIELD_LINEAR,
                                   MN_MEANFIELD_MIRANDA, MN_MEANFIELD_HILLOCK };
    double volts[4] = { -0.7, 0.0, 0.35, 1.3 };
    for (int kk = 0; kk < 5; kk++) {
        mn_meanfield_model *m = model(kinds[kk]);
        if (kinds[kk] == MN_MEANFIELD_MIRANDA) {
            set(m, "chi", 20);
            set(m, "eta_p", 3);
            set(m, "eta_d", 2);
        }
        if (kk >= 3) set(m, "drive", 1); /* voltage source: no renormalisation */
        double lo, hi;
        mn_meanfield_model_state_range(m, &lo, &hi);
        for (int iv = 0; iv < 4; iv++)
            for (int j = 1; j < 10; j++) {
                double g = lo + (hi - lo) * j / 10, h = 1e-5 * (hi - lo);
                double gs[2] = { g - h, g + h }, Vp[2], r;
                MN_ASSERT_OK(ctx, mn_meanfield_potential(m, volts[iv], gs, 2, Vp));
                MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, volts[iv], &r));
                double d = -(Vp[1] - Vp[0]) / (2 * h);
                MN_ASSERT_ABS(d, r, 1e-6 * (fabs(r) + 1e-3));
                /* exact closed forms vs quadrature */
                double Vq;
                MN_ASSERT_OK(ctx, mn_meanfield_potential_quadrature(m, volts[iv], &g, 1, &Vq));
                double Ve;
                MN_ASSERT_OK(ctx, mn_meanfield_potential(m, volts[iv], &g, 1, &Ve));
                MN_ASSERT_ABS(Ve, Vq, 1e-10 * (fabs(Vq) + 1e-3));
            }
        mn_meanfield_model_free(m);
    }
}
END_TEST

START_TEST(test_potential_linear_closed_form)
{
    /* 000 eq. (15): V(x) = alpha x^2/2 + (v/chi) log(1 - chi x) with k = 1 */
    mn_meanfield_model *m = model(MN_MEANFIELD_LINEAR);
    set(m, "alpha", 1.7);
    set(m, "k", 1);
    set(m, "chi", 0.4);
    double x = 0.63, V;
    MN_ASSERT_OK(ctx, mn_meanfield_potential_quadrature(m, 0.8, &x, 1, &V));
    MN_ASSERT_REL(V, 1.7 * x * x / 2 + (0.8 / 0.4) * log(1 - 0.4 * x), 1e-12);
    mn_meanfield_model_free(m);
}
END_TEST

/* ------------------------------------------------------------- equilibria, transitions */

START_TEST(test_miranda_equilibria_eq12)
{
    /* 000 eq. (12): g* = 1 / (1 + s exp(-(eta_p + eta_d) v / (1 + chi g*))), s = k_d / k_p;
     * also compare with an independent fine scan + bisection in the test */
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "chi", 30);
    set(m, "eta_p", 4);
    set(m, "eta_d", 4);
    double s = 5e-2 / 5e-4;
    double volts[5] = { -1, 0, 0.5, 2, 5 };
    for (int iv = 0; iv < 5; iv++) {
        double v = volts[iv], geq[8];
        int stb[8];
        size_t n;
        MN_ASSERT_OK(ctx, mn_meanfield_equilibria(m, v, geq, stb, 8, &n));
        /* independent scan */
        int cnt = 0;
        double prev = mn__mf_rate(m, 0, v);
        for (int j = 1; j <= 100000; j++) {
            double x = j / 100000.0, r = mn__mf_rate(m, x, v);
            if ((r < 0) != (prev < 0)) {
                double a = (j - 1) / 100000.0, b = x, fa = prev;
                for (int it = 0; it < 80; it++) {
                    double c = 0.5 * (a + b), fc = mn__mf_rate(m, c, v);
                    if ((fc < 0) == (fa < 0)) {
                        a = c;
                        fa = fc;
                    } else
                        b = c;
                }
                ck_assert_int_lt(cnt, (int)n);
                MN_ASSERT_ABS(geq[cnt], 0.5 * (a + b), 1e-12);
                cnt++;
            }
            prev = r;
        }
        ck_assert_int_eq(cnt, (int)n);
        for (size_t i = 0; i < n; i++) {
            double g = geq[i];
            MN_ASSERT_REL(g, 1 / (1 + s * exp(-(4 + 4) * v / (1 + 30 * g))), 1e-10);
        }
        ck_assert_int_eq(stb[0], MN_MEANFIELD_STABLE);
    }
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_linear_equilibria_transition)
{
    /* alpha x (1 - chi x) = k v: roots (1 -+ sqrt(1 - 4 chi k v/alpha)) / (2 chi);
     * the lower is stable, the upper unstable, and x = 1 is a wall equilibrium beyond it.
     * v*(x) = alpha x (1 - chi x)/k: monotone on [0,1] iff chi <= 1/2 (continuous), else a fold
     * at x = 1/(2 chi), v = alpha/(4 chi k) (first order), the other end v*(1) = alpha(1-chi)/k. */
    double alpha = 1.3, k = 0.7, chi = 0.8, v = 0.4;
    mn_meanfield_model *m = model(MN_MEANFIELD_LINEAR);
    set(m, "alpha", alpha);
    set(m, "k", k);
    set(m, "chi", chi);
    double geq[8];
    int st[8];
    size_t n;
    MN_ASSERT_OK(ctx, mn_meanfield_equilibria(m, v, geq, st, 8, &n));
    double d = sqrt(1 - 4 * chi * k * v / alpha);
    ck_assert_uint_eq(n, 3);
    MN_ASSERT_REL(geq[0], (1 - d) / (2 * chi), 1e-12);
    MN_ASSERT_REL(geq[1], (1 + d) / (2 * chi), 1e-12);
    MN_ASSERT_REL(geq[2], 1.0, 0);
    ck_assert_int_eq(st[0], MN_MEANFIELD_STABLE);
    ck_assert_int_eq(st[1], MN_MEANFIELD_UNSTABLE);
    ck_assert_int_eq(st[2], MN_MEANFIELD_STABLE);

    int order;
    double vth, f1, f2;
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, 0, 2, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_FIRST_ORDER);
    MN_ASSERT_REL(f2, alpha / (4 * chi * k), 1e-10);
    MN_ASSERT_REL(f1, alpha * (1 - chi) / k, 1e-12);
    /* Maxwell: equal depths of the two minima (interior root and the wall x = 1) */
    ck_assert(vth > f1 && vth < f2);
    MN_ASSERT_OK(ctx, mn_meanfield_equilibria(m, vth, geq, st, 8, &n));
    double Vs[2], xs[2] = { geq[0], 1.0 };
    MN_ASSERT_OK(ctx, mn_meanfield_potential(m, vth, xs, 2, Vs));
    MN_ASSERT_ABS(Vs[0], Vs[1], 1e-9);

    /* hysteresis of a quasi-static sweep up then down */
    enum { NS = 401 };
    double vs[NS], xe[NS];
    for (int i = 0; i < NS; i++) vs[i] = i <= 200 ? 0.8 * i / 200 : 0.8 * (400 - i) / 200;
    ck_assert(f2 < 0.8);
    MN_ASSERT_OK(ctx, mn_meanfield_sweep(m, vs, NS, 0, xe, NULL));
    for (int i = 0; i < NS; i++) {
        double dd = 1 - 4 * chi * k * vs[i] / alpha;
        if (i <= 200) { /* going up: on the lower branch until the fold, then at the wall */
            if (vs[i] < f2 - 1e-9) MN_ASSERT_REL(xe[i], (1 - sqrt(dd)) / (2 * chi), 1e-10);
            else if (vs[i] > f2 + 1e-9) MN_ASSERT_REL(xe[i], 1.0, 0);
        } else { /* going down: stays at the wall until v*(1) = alpha (1 - chi)/k */
            if (vs[i] > f1 + 1e-6) MN_ASSERT_REL(xe[i], 1.0, 0);
            else if (vs[i] < f1 - 1e-6) MN_ASSERT_REL(xe[i], (1 - sqrt(dd)) / (2 * chi), 1e-10);
        }
    }
    /* Maxwell point against the closed form of 000 eq. (15), V(x) = alpha x^2/2 +
     * (k v/chi) ln(1 - chi x), with the lower root in closed form, solved here by bisection
     * on V(x_lo(v)) - V(1) over the bistable window [alpha (1-chi)/k, alpha/(4 chi k)]. Near
     * chi = 1/2 the window is narrow and the two interior roots are close at its upper end:
     * chi = 0.6 gave v_threshold = NaN (issue 15 item 2; 0.41215 for alpha = k = 1). */
    const double chis[] = { 0.52, 0.55, 0.6, 0.7, 0.8, 0.95 };
    set(m, "alpha", 1);
    set(m, "k", 1);
    for (int c = 0; c < 6; c++) {
        double x = chis[c];
        set(m, "chi", x);
        double a = 1 - x, b = 1 / (4 * x);
        for (int it = 0; it < 200 && b - a > 1e-16; it++) {
            double vm = 0.5 * (a + b);
            double xl = (1 - sqrt(1 - 4 * x * vm)) / (2 * x);
            double dv = (0.5 * xl * xl + vm / x * log1p(-x * xl)) - (0.5 + vm / x * log1p(-x));
            if (dv < 0) a = vm;
            else b = vm;
        }
        MN_ASSERT_OK(ctx, mn_meanfield_transition(m, 0, 2, &order, &vth, &f1, &f2));
        ck_assert_int_eq(order, MN_MEANFIELD_FIRST_ORDER);
        MN_ASSERT_REL(f1, 1 - x, 1e-12);
        MN_ASSERT_REL(f2, 1 / (4 * x), 1e-10);
        MN_ASSERT_REL(vth, 0.5 * (a + b), 1e-9);
        if (c == 2) MN_ASSERT_ABS(vth, 0.41215, 5e-6);
    }
    set(m, "alpha", alpha);
    set(m, "k", k);

    /* chi <= 1/2: continuous; threshold = v*(1/2) */
    set(m, "chi", 0.3);
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, 0, 2, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_CONTINUOUS);
    MN_ASSERT_REL(vth, alpha * 0.5 * (1 - 0.3 * 0.5) / k, 1e-12);
    ck_assert(isnan(f1) && isnan(f2));
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_miranda_voltage_drive)
{
    /* drive = 1: u = v, so g* = 1/(1 + s e^{-(eta_p + eta_d) v}) in closed form, the transition
     * is continuous with v_th = v*(1/2) = ln(s)/(eta_p + eta_d) */
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "drive", 1);
    set(m, "eta_p", 4);
    set(m, "eta_d", 2);
    double s = 5e-2 / 5e-4, r, v = 0.9, g = 0.3;
    MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, v, &r));
    MN_ASSERT_REL(r, 5e-4 * exp(4 * v) * (1 - g) - 5e-2 * exp(-2 * v) * g, 1e-14);
    double geq[4];
    int st[4];
    size_t n;
    MN_ASSERT_OK(ctx, mn_meanfield_equilibria(m, v, geq, st, 4, &n));
    ck_assert_uint_eq(n, 1);
    MN_ASSERT_REL(geq[0], 1 / (1 + s * exp(-6 * v)), 1e-12);
    int order;
    double vth;
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, -2, 2, &order, &vth, NULL, NULL));
    ck_assert_int_eq(order, MN_MEANFIELD_CONTINUOUS);
    MN_ASSERT_REL(vth, log(s) / 6, 1e-12);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "drive", 2), MN_ERR_RANGE, "drive = 2");
    /* renormalisation for a voltage source: eta <- eta <|Omega->|>/Omega_N1 */
    MN_ASSERT_OK(ctx, mn_meanfield_model_renormalise(m, 0.25, 0.05, 0));
    double e;
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "eta_p", &e));
    MN_ASSERT_REL(e, 4 * 0.05 / 0.25, 1e-15);
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_hillock_first_order)
{
    /* 000 Fig. 3: the nanoparticle model has a first-order transition; v*(g) =
     * kappa g (1 - g)(1 + chi f(g))/mu (from eq. (30)), folds where d(v*)/dg = 0 */
    mn_meanfield_model *m = model(MN_MEANFIELD_HILLOCK);
    set(m, "g_max", 0.95);
    set(m, "a", 5);
    set(m, "chi", 1);
    int order;
    double vth, f1, f2;
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, -1, 1, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_FIRST_ORDER);
    /* reference: maximum of v*(g) = g (1 - g) e^{-5 (1 - g)} on (0, 1) by a fine scan */
    double best = 0;
    for (int i = 1; i < 200000; i++) {
        double g = 0.95 * i / 200000;
        double vs = g * (1 - g) * exp(-5 * (1 - g));
        if (vs > best) best = vs;
    }
    MN_ASSERT_REL(f2, best, 1e-9);
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_hillock_defaults_000_fig3)
{
    /* The defaults reproduce 000 Fig. 3 (kappa = a = 1; issue 15 item 5): v*(g) =
     * g (1 - g) e^{-(1 - g)} (chi = mu = 1) has d(v*)/dg = e^{g-1} (1 - g - g^2) = 0 at
     * g = (sqrt 5 - 1)/2, where v* = 0.1611: a fold, so the transition is first order. */
    mn_meanfield_model *m = model(MN_MEANFIELD_HILLOCK);
    int order;
    double vth, f1, f2;
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, -1, 1, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_FIRST_ORDER);
    double gs = (sqrt(5.0) - 1) / 2, vf = gs * (1 - gs) * exp(gs - 1);
    MN_ASSERT_REL(f2, vf, 1e-10);
    MN_ASSERT_ABS(f2, 0.1611, 5e-5); /* 000 Fig. 3 */
    /* the other end of the bistable window: v* at the range end g_max = 0.99 */
    MN_ASSERT_REL(f1, 0.99 * 0.01 * exp(-0.01), 1e-10);
    ck_assert(vth > f1 && vth < f2);
    /* preset 003: g_max = 1/2 (003 eq. 6) stops before the maximum: continuous */
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_preset(m, MN_MEANFIELD_PRESET_003));
    double gm, a;
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "g_max", &gm));
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "a", &a));
    ck_assert(gm == 0.5 && a == 10);
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, -1, 1, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_CONTINUOUS);
    /* back to 000 */
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_preset(m, MN_MEANFIELD_PRESET_000));
    MN_ASSERT_OK(ctx, mn_meanfield_transition(m, -1, 1, &order, &vth, &f1, &f2));
    ck_assert_int_eq(order, MN_MEANFIELD_FIRST_ORDER);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set_preset(m, (mn_meanfield_preset)7), MN_ERR_INVALID,
                  "preset 7");
    mn_meanfield_model_free(m);
    m = model(MN_MEANFIELD_MIRANDA);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set_preset(m, MN_MEANFIELD_PRESET_003),
                  MN_ERR_UNSUPPORTED, "miranda");
    mn_meanfield_model_free(m);
}
END_TEST

/* ------------------------------------------------------------- renormalisation */

START_TEST(test_renormalise)
{
    /* with W = Omega_N1 and Om = <|Omega->|>: 000 eq. (26) G_min' = G_min (1-W)/W and the
     * junction voltage G_s v Om / (G_min (1 - W) (1 + chi g)) of 001 eq. (B17) */
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    double W = 0.3, Om = 0.02, Gs = 1e-4, Gmin = 1e-3;
    MN_ASSERT_OK(ctx, mn_meanfield_model_renormalise(m, W, Om, Gs));
    double x;
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "G_min", &x));
    MN_ASSERT_REL(x, Gmin * 0.7 / 0.3, 1e-15);
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "eta_p", &x));
    MN_ASSERT_REL(x, 10 * Gs * Om / (Gmin * 0.7), 1e-15);
    /* the rate at (g, v) equals the microscopic junction rate at the mean-field voltage */
    double g = 0.2, v = 3, r;
    MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, v, &r));
    double dv = Gs * v * Om / (Gmin * (1 - W) * (1 + 100 * g));
    MN_ASSERT_REL(r, 5e-4 * exp(10 * dv) * (1 - g) - 5e-2 * exp(-10 * dv) * g, 1e-12);
    /* unipolar: |v| in both exponents */
    set(m, "unipolar", 1);
    double r2;
    MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, -v, &r2));
    MN_ASSERT_REL(r2, r, 1e-15);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_renormalise(m, 1.2, Om, Gs), MN_ERR_RANGE, "1.2");
    MN_ASSERT_ERR(ctx, mn_meanfield_model_renormalise(m, W, -1, Gs), MN_ERR_RANGE, "-1");
    mn_meanfield_model_free(m);
    /* hillock (001 eqs. C53, C62): junction alpha e^{-beta(D - z)} = G_min (1 + f(g)) with
     * G_min = alpha, chi = 1, a = beta D; mu per volt = mu_micro/(T D^2) */
    m = model(MN_MEANFIELD_HILLOCK);
    double alpha = 2, beta = 0.8, D = 5, mu = 0.346, kappa = 0.038, T = 1.5;
    set(m, "G_min", alpha);
    set(m, "chi", 1);
    set(m, "a", beta * D);
    set(m, "mu", mu / (T * D * D));
    set(m, "kappa", kappa / T);
    set(m, "g_max", 0.5);
    for (double z = 0; z <= 2.5; z += 0.5) { /* conductance matches 003 eq. 5 / 000 eq. 29 */
        double Gz;
        MN_ASSERT_OK(ctx, mn_meanfield_model_conductance(m, z / D, &Gz));
        MN_ASSERT_REL(Gz, alpha * exp(-beta * (D - z)), 1e-14);
    }
    MN_ASSERT_OK(ctx, mn_meanfield_model_renormalise(m, W, Om, Gs));
    g = 0.3;
    MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, v, &r));
    double Gj = alpha * exp(-beta * D * (1 - g));
    dv = Gs * v * Om / (alpha * (1 - W)) * alpha / Gj; /* 001 eq. C53 with 1 + chi f = G/alpha */
    /* microscopic dz/dt = (1/T)(mu V/(D - z) - kappa z), z = g D, divided by D */
    MN_ASSERT_REL(r, (mu * dv / (D - g * D) - kappa * g * D) / (T * D), 1e-12);
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(m, "G_min", &x));
    MN_ASSERT_REL(x, alpha * (1 - W) / W, 1e-15);
    mn_meanfield_model_free(m);
}
END_TEST

/* the microscopic model's own rate and conductance for one junction (lib/models) */
static void micro(const mn_model *jm, double x, double V, double *dxdt, double *G, double gap)
{
    mn_index u = 0, v = 1;
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 2, 1, &u, &v));
    if (gap > 0) MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 0, gap));
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, jm, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_network_conductances(net, &x, G));
    double I = *G * V;
    MN_ASSERT_OK(ctx, mn_network_rates(net, &x, &V, &I, dxdt));
    mn_network_free(net);
    mn_graph_free(g);
}

START_TEST(test_from_junction)
{
    /* the effective model of a single junction reproduces the junction model of lib/models
     * (its own rate and conductance functions) */
    mn_model *jm;
    mn_meanfield_model *m;
    MN_ASSERT_OK(ctx, mn_model_new(&jm, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "Gmin", 1e-3));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "Gmax", 0.1));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "unipolar", 0));
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&m, ctx, jm, 0, NULL, 0, 1));
    for (double g = 0.1; g < 1; g += 0.3)
        for (double V = -0.4; V <= 0.5; V += 0.3) {
            double r, G, rm, Gm;
            micro(jm, g, V, &rm, &Gm, 0);
            MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, V, &r));
            MN_ASSERT_OK(ctx, mn_meanfield_model_conductance(m, g, &G));
            MN_ASSERT_REL(r, rm, 1e-12);
            MN_ASSERT_REL(G, Gm, 1e-12);
        }
    mn_meanfield_model_free(m);
    mn_model_free(jm);
    /* hillock with gap D: state g = z/D */
    double D = 0.4;
    MN_ASSERT_OK(ctx, mn_model_new(&jm, ctx, "hillock"));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "unipolar", 0));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "beta", 20));
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&m, ctx, jm, D, NULL, 0, 1));
    for (double g = 0.05; g < 0.5; g += 0.1)
        for (double V = -0.4; V <= 0.5; V += 0.3) {
            double r, G, rm, Gm;
            micro(jm, g * D, V, &rm, &Gm, D);
            MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, g, V, &r));
            MN_ASSERT_OK(ctx, mn_meanfield_model_conductance(m, g, &G));
            MN_ASSERT_REL(r, rm / D, 1e-12);
            MN_ASSERT_REL(G, Gm, 1e-12);
        }
    mn_meanfield_model_free(m);
    mn_model_free(jm);
    /* strukov_hp without window */
    MN_ASSERT_OK(ctx, mn_model_new(&jm, ctx, "strukov_hp"));
    MN_ASSERT_ERR(ctx, mn_meanfield_model_from_junction(&m, ctx, jm, 0, NULL, 0, 1),
                  MN_ERR_UNSUPPORTED, "window");
    ck_assert_ptr_null(m);
    MN_ASSERT_OK(ctx, mn_model_set_text(jm, "window", "none"));
    MN_ASSERT_OK(ctx, mn_model_set(jm, "tau", 2.5));
    MN_ASSERT_OK(ctx, mn_meanfield_model_from_junction(&m, ctx, jm, 0, NULL, 0, 1));
    for (double x = 0.1; x < 1; x += 0.3)
        for (double V = -0.4; V <= 0.5; V += 0.3) {
            double r, G, rm, Gm;
            micro(jm, x, V, &rm, &Gm, 0);
            MN_ASSERT_OK(ctx, mn_meanfield_model_rate(m, x, V, &r));
            MN_ASSERT_OK(ctx, mn_meanfield_model_conductance(m, x, &G));
            MN_ASSERT_REL(r, rm, 1e-12);
            MN_ASSERT_REL(G, Gm, 1e-12);
        }
    mn_meanfield_model_free(m);
    mn_model_free(jm);
    MN_ASSERT_OK(ctx, mn_model_new(&jm, ctx, "resistor"));
    MN_ASSERT_ERR(ctx, mn_meanfield_model_from_junction(&m, ctx, jm, 0, NULL, 0, 1),
                  MN_ERR_UNSUPPORTED, "resistor");
    mn_model_free(jm);
}
END_TEST

/* ------------------------------------------------------------- fitting */

static const double TRUE_MIR[5] = { 1e-3, 20, 1e-3, 5e-2, 3 };
static const char *const FIT_NAMES[5] = { "G_min", "chi", "k_p", "k_d", "eta_p" };

static void pulse_protocol(double *t, double *V, int n, double amp)
{
    for (int i = 0; i < n; i++) {
        t[i] = i * 200.0 / (n - 1);
        V[i] = t[i] < 100 ? amp : 0.1; /* 000 Fig. 2a: 2 V for 100 s, then a small read voltage */
    }
}

static mn_meanfield_model *true_miranda(void)
{
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    for (int j = 0; j < 5; j++) set(m, FIT_NAMES[j], TRUE_MIR[j]);
    set(m, "eta_d", 3);
    return m;
}

START_TEST(test_fit_recovers_parameters)
{
    enum { N = 401, SEEDS = 8 };
    double t[N], V[N], G[N], Gtrue[N];
    pulse_protocol(t, V, N, 2.0);
    /* data from the independent long-double RK4 of 000 eqs. (7)-(10), not the library's
     * integrator, so a wrong rate in the library cannot "recover" its own parameters */
    const double p6[6] = { TRUE_MIR[0], TRUE_MIR[1], TRUE_MIR[2], TRUE_MIR[3], TRUE_MIR[4], 3 };
    rk4_miranda(p6, 0, t, V, N, 0.0, 100, NULL, Gtrue);
    double z2 = 0;
    int nz = 0;
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 7, 0));
    for (int s = 0; s < SEEDS; s++) {
        double sig = 0.005 * Gtrue[N / 2];
        for (int i = 0; i < N; i++) G[i] = Gtrue[i] + sig * mn_rng_normal(rng);
        mn_meanfield_model *m = true_miranda();
        /* a guess 20-50 % off */
        set(m, "G_min", 1.3e-3);
        set(m, "chi", 14);
        set(m, "k_p", 1.5e-3);
        set(m, "k_d", 3.5e-2);
        set(m, "eta_p", 2.5);
        mn_meanfield_fit *f;
        MN_ASSERT_OK(ctx, mn_meanfield_fit_run(&f, m, t, V, G, N, FIT_NAMES, 5, 0));
        ck_assert_uint_eq(mn_meanfield_fit_param_count(f), 5);
        for (int j = 0; j < 5; j++) {
            const char *name;
            double val, sd;
            MN_ASSERT_OK(ctx, mn_meanfield_fit_param(f, (size_t)j, &name, &val, &sd));
            ck_assert_str_eq(name, FIT_NAMES[j]);
            ck_assert(sd > 0 && isfinite(sd));
            double z = (val - TRUE_MIR[j]) / sd;
            ck_assert_msg(fabs(z) < 4.5, "%s = %g +- %g, true %g", name, val, sd, TRUE_MIR[j]);
            z2 += z * z;
            nz++;
        }
        /* residual rms equals the noise level */
        double rms;
        mn_meanfield_fit_stats(f, &rms, NULL, NULL, NULL, NULL);
        MN_ASSERT_REL(rms, sig, 0.15);
        const double *res = mn_meanfield_fit_residuals(f), *cur = mn_meanfield_fit_curve(f);
        for (int i = 0; i < N; i++) MN_ASSERT_ABS(res[i], cur[i] - G[i], 1e-18);
        if (s == 0) { /* predict another protocol (1.5 V pulse) with the fitted model */
            double t2[N], V2[N], Gp[N], Gt[N];
            pulse_protocol(t2, V2, N, 1.5);
            MN_ASSERT_OK(ctx, mn_meanfield_model_integrate_sampled(m, t2, V2, N, 0.0, NULL, Gp));
            rk4_miranda(p6, 0, t2, V2, N, 0.0, 100, NULL, Gt);
            for (int i = 0; i < N; i++) MN_ASSERT_REL(Gp[i], Gt[i], 0.02);
        }
        mn_meanfield_fit_free(f);
        mn_meanfield_model_free(m);
    }
    /* calibration of the uncertainties: sum z^2 ~ chi^2 with 40 dof (0.1 % .. 99.9 %) */
    ck_assert_msg(z2 > 14 && z2 < 74, "sum z^2 = %g over %d estimates", z2, nz);
    mn_rng_free(rng);
}
END_TEST


/* ------------------------------------------------------------- issue 7 follow-up */

/* G(t) of miranda with drive = 1 under a piecewise-constant V, from the exact exponential
 * solution of 000 eq. (8) with constant rates (independent of the library's integrator):
 * g(t + d) = g_inf + (g - g_inf) e^{-(a + b) d}, a = k_p e^{eta_p V}, b = k_d e^{-eta_d V}. */
static void exact_drive1(const double *p6, const double *t, const double *V, int n, double *G)
{
    double g = 0;
    G[0] = p6[0];
    for (int i = 1; i < n; i++) {
        double a = p6[2] * exp(p6[4] * V[i - 1]), b = p6[3] * exp(-p6[5] * V[i - 1]);
        double ginf = a / (a + b);
        g = ginf + (g - ginf) * exp(-(a + b) * (t[i] - t[i - 1]));
        G[i] = p6[0] * (1 + p6[1] * g);
    }
}

START_TEST(test_fit_exact_data_from_defaults)
{
    /* truth: G_min 1e-3, chi 20, k_p 1e-3, k_d 5e-2, eta_p 3, eta_d 3, voltage source; the fit
     * starts from the defaults (G_min 1e-3, chi 100, k_p 5e-4, eta = 10 /V: rates e^20 too
     * fast), which the old RK45 crawled on; the data-derived start must rescue it */
    enum { N = 201 };
    const double p6[6] = { 1e-3, 20, 1e-3, 5e-2, 3, 3 };
    double t[N], V[N], G[N];
    pulse_protocol(t, V, N, 2.0);
    exact_drive1(p6, t, V, N, G);
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "drive", 1);
    set(m, "eta_d", 3); /* one pulse amplitude fixes five combinations: hold eta_d */
    mn_meanfield_fit *f;
    MN_ASSERT_OK(ctx, mn_meanfield_fit_run(&f, m, t, V, G, N, FIT_NAMES, 5, 1));
    const char *msg;
    ck_assert_int_eq(mn_meanfield_fit_status(f, &msg), MN_MEANFIELD_FIT_CONVERGED);
    printf("exact-data fit from the defaults: %s\n", msg);
    ck_assert_msg(strstr(msg, "converged") != NULL, "%s", msg);
    for (int j = 0; j < 5; j++) {
        const char *name;
        double val, sd;
        MN_ASSERT_OK(ctx, mn_meanfield_fit_param(f, (size_t)j, &name, &val, &sd));
        ck_assert_int_eq(mn_meanfield_fit_param_fixed(f, (size_t)j), 0);
        /* exact data: the standard error is as small as the recovery error allows */
        ck_assert_msg(sd >= 0 && sd < 1e-5 * p6[j], "%s sigma %g", name, sd);
        MN_ASSERT_REL(val, p6[j], 1e-5);
    }
    size_t nfev;
    mn_meanfield_fit_stats(f, NULL, NULL, NULL, &nfev, NULL);
    ck_assert_uint_lt(nfev, 3000);
    mn_meanfield_fit_free(f);
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_fit_reports_non_identifiable)
{
    /* all six miranda parameters from one voltage-source pulse: g(t) is piecewise exponential,
     * so only five combinations are determined (chi k_p is one): exactly one parameter must
     * be reported as held, the curve must still match the exact data */
    enum { N = 201 };
    const double p6[6] = { 1e-3, 20, 1e-3, 5e-2, 3, 3 };
    double t[N], V[N], G[N];
    pulse_protocol(t, V, N, 2.0);
    exact_drive1(p6, t, V, N, G);
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    set(m, "drive", 1);
    mn_meanfield_fit *f;
    MN_ASSERT_OK(ctx, mn_meanfield_fit_run(&f, m, t, V, G, N, NULL, 0, 1));
    ck_assert_uint_eq(mn_meanfield_fit_param_count(f), 6);
    int held = 0;
    for (size_t j = 0; j < 6; j++) {
        double val, sd;
        const char *name;
        MN_ASSERT_OK(ctx, mn_meanfield_fit_param(f, j, &name, &val, &sd));
        if (mn_meanfield_fit_param_fixed(f, j)) {
            held++;
            ck_assert(sd == 0);
        } else
            ck_assert_msg(isfinite(sd) && sd > 0, "%s sigma %g", name, sd);
    }
    ck_assert_int_eq(held, 1);
    const char *msg;
    ck_assert_int_eq(mn_meanfield_fit_status(f, &msg), MN_MEANFIELD_FIT_CONVERGED);
    ck_assert_msg(strstr(msg, "not determined by the data") != NULL, "%s", msg);
    const double *cur = mn_meanfield_fit_curve(f);
    for (int i = 0; i < N; i++) MN_ASSERT_REL(cur[i], G[i], 1e-6);
    mn_meanfield_fit_free(f);
    /* without the reduction: J^T J singular, said so, uncertainties infinite */
    mn_meanfield_model_free(m);
    m = model(MN_MEANFIELD_MIRANDA);
    set(m, "drive", 1);
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_AUTO_FIX, 0));
    MN_ASSERT_OK(ctx, mn_meanfield_fit_run(&f, m, t, V, G, N, NULL, 0, 1));
    mn_meanfield_fit_status(f, &msg);
    ck_assert_msg(strstr(msg, "singular") != NULL, "%s", msg);
    double sd;
    MN_ASSERT_OK(ctx, mn_meanfield_fit_param(f, 1, NULL, NULL, &sd));
    ck_assert(isinf(sd));
    mn_meanfield_fit_free(f);
    /* budgets: stopped early, the best point is returned with a status */
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_AUTO_FIX, 1));
    MN_ASSERT_OK(ctx, mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_MAX_EVALUATIONS, 12));
    MN_ASSERT_OK(ctx, mn_meanfield_fit_run(&f, m, t, V, G, N, NULL, 0, 1));
    ck_assert_int_eq(mn_meanfield_fit_status(f, &msg), MN_MEANFIELD_FIT_EVALUATION_LIMIT);
    ck_assert_msg(strstr(msg, "evaluation limit") != NULL, "%s", msg);
    /* the returned curve is the model at the returned parameters (exact drive-1 solution),
     * and that point fits better than the defaults it started from */
    cur = mn_meanfield_fit_curve(f);
    {
        double pb[6], Gb[N], Gd[N], rb = 0, rd = 0;
        const double pdef[6] = { 1e-3, 100, 5e-4, 5e-2, 10, 10 }; /* model.c defaults, 003 Table 1 */
        for (size_t j = 0; j < 6; j++) MN_ASSERT_OK(ctx, mn_meanfield_fit_param(f, j, NULL, &pb[j], NULL));
        exact_drive1(pb, t, V, N, Gb);
        exact_drive1(pdef, t, V, N, Gd);
        for (int i = 0; i < N; i++) {
            MN_ASSERT_REL(cur[i], Gb[i], 1e-6);
            rb += (cur[i] - G[i]) * (cur[i] - G[i]);
            rd += (Gd[i] - G[i]) * (Gd[i] - G[i]);
        }
        ck_assert_msg(rb < 0.1 * rd, "best point rss %g vs defaults %g", rb, rd);
    }
    mn_meanfield_fit_free(f);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set_fit_option(m, MN_MEANFIELD_FIT_MAX_SECONDS, -1),
                  MN_ERR_RANGE, "-1");
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set_fit_option(m, 99, 1), MN_ERR_INVALID, "99");
    mn_meanfield_model_free(m);
}
END_TEST

/* Reference potential of miranda (drive 0) in long double, by composite Simpson on panels
 * that grow geometrically from g = 0 (the integrand e^{c/(1 + chi x)} falls on the scale
 * 1/(c chi) there); long double holds e^{11000}, so nothing overflows. */
static long double ref_rate(long double x, long double v)
{
    long double y = 1 + 100.0L * x, u = v / y;
    return 5e-4L * expl(10 * u) * (1 - x) - 5e-2L * expl(-10 * u) * x;
}

static long double ref_potential(double g, double v)
{
    long double sum = 0, a = 0, w = 1e-9L;
    while (a < g) {
        long double b = a + w < g ? a + w : g;
        enum { K = 64 };
        long double h = (b - a) / K, s = ref_rate(a, v) + ref_rate(b, v);
        for (int k = 1; k < K; k++) s += (k % 2 ? 4 : 2) * ref_rate(a + k * h, v);
        sum += s * h / 3;
        a = b;
        w *= 1.5L;
    }
    return -sum;
}

START_TEST(test_potential_high_voltage)
{
    mn_meanfield_model *m = model(MN_MEANFIELD_MIRANDA);
    const double vs[] = { 0.5, 2, 20, 60, 71, 72, 72.5 }; /* |V| ~ e^{706} at 72.5 V */
    const double gs[] = { 1e-4, 1e-3, 0.05, 0.3, 1 };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        double V[5];
        MN_ASSERT_OK(ctx, mn_meanfield_potential(m, vs[i], gs, 5, V));
        for (int k = 0; k < 5; k++) {
            long double r = ref_potential(gs[k], vs[i]);
            ck_assert_msg(isfinite(V[k]), "v = %g g = %g: V = %g", vs[i], gs[k], V[k]);
            ck_assert_msg(fabsl(V[k] - r) <= 1e-9L * fabsl(r), "v = %g g = %g: %.15g vs %.15Lg",
                          vs[i], gs[k], V[k], r);
        }
    }
    /* beyond the double range the call says so instead of returning -inf */
    double g1 = 0.5, V1;
    MN_ASSERT_ERR(ctx, mn_meanfield_potential(m, 80, &g1, 1, &V1), MN_ERR_RANGE, "v = 80");
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_fit_bad_input)
{
    mn_meanfield_model *m = model(MN_MEANFIELD_LINEAR);
    double t[4] = { 0, 1, 2, 3 }, V[4] = { 1, 1, 1, 1 }, G[4] = { 1e-4, 1e-4, -2, 1e-4 };
    const char *names[2] = { "alpha", "nope" };
    mn_meanfield_fit *f = (void *)1;
    MN_ASSERT_ERR(ctx, mn_meanfield_fit_run(&f, m, t, V, G, 4, names, 1, 0), MN_ERR_RANGE, "-2");
    ck_assert_ptr_null(f);
    G[2] = 1e-4;
    MN_ASSERT_ERR(ctx, mn_meanfield_fit_run(&f, m, t, V, G, 4, names, 2, 0), MN_ERR_NOT_FOUND,
                  "nope");
    MN_ASSERT_ERR(ctx, mn_meanfield_fit_run(&f, m, t, V, G, 2, names, 2, 0), MN_ERR_INVALID,
                  "2 samples");
    t[2] = 0.5;
    MN_ASSERT_ERR(ctx, mn_meanfield_fit_run(&f, m, t, V, G, 4, names, 1, 0), MN_ERR_RANGE,
                  "sample 2");
    mn_meanfield_model_free(m);
}
END_TEST

START_TEST(test_model_bad_input)
{
    mn_meanfield_model *m = NULL;
    MN_ASSERT_ERR(ctx, mn_meanfield_model_new_by_name(&m, ctx, "memristor"), MN_ERR_NOT_FOUND,
                  "memristor");
    ck_assert_ptr_null(m);
    m = model(MN_MEANFIELD_MIRANDA);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "k_p", -3), MN_ERR_RANGE, "-3");
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "G_min", NAN), MN_ERR_RANGE, "G_min");
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "beta", 1), MN_ERR_NOT_FOUND, "beta");
    double r;
    MN_ASSERT_ERR(ctx, mn_meanfield_model_rate(m, 1.5, 0, &r), MN_ERR_RANGE, "1.5");
    double t[3] = { 0, 2, 1 }, g[3], V = 1;
    MN_ASSERT_ERR(ctx, mn_meanfield_model_integrate(m, v_const, &V, 0.1, t, 3, g, NULL),
                  MN_ERR_RANGE, "t[2]");
    double Vs[3] = { 0, INFINITY, 0 };
    t[2] = 3;
    MN_ASSERT_ERR(ctx, mn_meanfield_model_integrate_sampled(m, t, Vs, 3, 0.1, g, NULL),
                  MN_ERR_RANGE, "V[1]");
    double x = 0.5, out;
    MN_ASSERT_ERR(ctx, mn_meanfield_potential(m, NAN, &x, 1, &out), MN_ERR_RANGE, "voltage");
    int order;
    double vth;
    MN_ASSERT_ERR(ctx, mn_meanfield_transition(m, 2, 1, &order, &vth, NULL, NULL), MN_ERR_RANGE,
                  "[2, 1]");
    mn_meanfield_model_free(m);
    m = model(MN_MEANFIELD_HILLOCK);
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "g_max", 1), MN_ERR_RANGE, "g_max");
    MN_ASSERT_ERR(ctx, mn_meanfield_model_set(m, "chi", 5), MN_ERR_RANGE, "chi = 5");
    mn_meanfield_model_free(m);
}
END_TEST

/* ------------------------------------------------------------- Caravelli-Barucca */

static mn_meanfield_cb *cb_fig5(double alpha, size_t n)
{
    /* 002 Fig. 5: gamma = 1, R_ref = R_int = R_on = 100, R_off = 16000 */
    mn_meanfield_cb *cb;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_new(&cb, ctx, n, 100, 16000, 100, 100, alpha, 1));
    return cb;
}

START_TEST(test_cb_fixed_points)
{
    mn_meanfield_cb *cb = cb_fig5(1, 50);
    double xi, chi, rho;
    mn_meanfield_cb_coefficients(cb, &xi, &chi, &rho);
    MN_ASSERT_REL(xi, 159, 1e-15);
    MN_ASSERT_REL(chi, 2, 1e-15);
    MN_ASSERT_REL(rho, 0.5, 1e-15);
    /* heterogeneous fixed point satisfies eq. (10) */
    double S[50], w[50], r[50];
    for (int k = 0; k < 50; k++) S[k] = 5 + 3 * sin(k);
    MN_ASSERT_OK(ctx, mn_meanfield_cb_fixed_points(cb, S, w));
    MN_ASSERT_OK(ctx, mn_meanfield_cb_residuals(cb, w, S, 0, r));
    for (int k = 0; k < 50; k++) MN_ASSERT_ABS(r[k], 0, 1e-11);
    /* ... and is a fixed point of the circuit's equations of motion (eq. 34) */
    double dw[50];
    MN_ASSERT_OK(ctx, mn_meanfield_cb_rhs(cb, w, S, 0, dw, NULL));
    for (int k = 0; k < 50; k++) MN_ASSERT_ABS(dw[k], 0, 1e-11);
    /* homogeneous: eq. (14) with chi -> chi - rho */
    double wp, wm;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_fixed_point(cb, 7, 1, &wp, &wm));
    MN_ASSERT_ABS(xi * wp * wp + (chi - rho) * wp - 7, 0, 1e-12);
    MN_ASSERT_ABS(xi * wm * wm + (chi - rho) * wm - 7, 0, 1e-12);
    ck_assert(wm < 0 && wp > 0);
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_fixed_point(cb, -1e6, 0, &wp, &wm), MN_ERR_NOT_FOUND, "S");
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_critical_voltage)
{
    /* S_c (eq. 11) vs the bifurcation found numerically: the voltage at which dw/dt at w = 1
     * (all memristors off) changes sign in eq. (34), found by bisection */
    mn_meanfield_cb *cb;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_new(&cb, ctx, 20, 100, 1600, 1000, 300, 1, 1));
    double w[20], dw[20];
    for (int k = 0; k < 20; k++) w[k] = 1;
    double a = 0, b = 1e5;
    for (int it = 0; it < 200; it++) {
        double c = 0.5 * (a + b);
        MN_ASSERT_OK(ctx, mn_meanfield_cb_rhs(cb, w, NULL, c, dw, NULL));
        if (dw[0] > 0) a = c;
        else b = c;
    }
    MN_ASSERT_REL(mn_meanfield_cb_critical_voltage(cb), 0.5 * (a + b), 1e-12);
    /* and the homogeneous fixed point is w = 1 there */
    double wp, wm;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_fixed_point(cb, mn_meanfield_cb_critical_voltage(cb), 1, &wp,
                                                  &wm));
    MN_ASSERT_REL(wp, 1, 1e-12);
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_switching_n1000)
{
    /* the circuit (eq. 34, n = 1000, all w = 1, alpha > 0) switches to w = 0 just above S_c and
     * stays at 1 just below */
    enum { N = 1000 };
    mn_meanfield_cb *cb;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_new(&cb, ctx, N, 100, 1600, 1000, 300, 1, 1));
    double Sc = mn_meanfield_cb_critical_voltage(cb);
    static double w[N];
    for (int side = -1; side <= 1; side += 2) {
        for (int k = 0; k < N; k++) w[k] = 1;
        MN_ASSERT_OK(ctx, mn_meanfield_cb_integrate(cb, w, NULL, Sc * (1 + side * 0.01), 60, 0.01,
                                                    NULL));
        double mean = 0;
        for (int k = 0; k < N; k++) mean += w[k] / N;
        if (side < 0) MN_ASSERT_ABS(mean, 1, 1e-12);
        else MN_ASSERT_ABS(mean, 0, 1e-12);
    }
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_lyapunov)
{
    enum { N = 200 };
    mn_meanfield_cb *cb = cb_fig5(-1, N);
    double w[N], S[N], r[N], dw[N];
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 3, 1));
    for (int k = 0; k < N; k++) {
        w[k] = 0.1 + 0.8 * mn_rng_uniform(rng);
        S[k] = -20 + 5 * mn_rng_uniform(rng);
    }
    /* gradient of H = fixed-point residual of eq. (10) (002 eqs. (47), (49), (51)) */
    MN_ASSERT_OK(ctx, mn_meanfield_cb_residuals(cb, w, S, 0, r));
    for (int k = 0; k < N; k += 17) {
        double h = 1e-6, Hp, Hm, w0 = w[k];
        w[k] = w0 + h;
        MN_ASSERT_OK(ctx, mn_meanfield_cb_lyapunov(cb, w, S, 0, &Hp));
        w[k] = w0 - h;
        MN_ASSERT_OK(ctx, mn_meanfield_cb_lyapunov(cb, w, S, 0, &Hm));
        w[k] = w0;
        MN_ASSERT_REL((Hp - Hm) / (2 * h), r[k], 1e-6);
    }
    /* dH/dt along eq. (34) = (1/alpha) dw^T Q dw, Q = diag(chi + xi w) - (rho/n) J (eq. 52) */
    double xi, chi, rho;
    mn_meanfield_cb_coefficients(cb, &xi, &chi, &rho);
    MN_ASSERT_OK(ctx, mn_meanfield_cb_rhs(cb, w, S, 0, dw, NULL));
    double q = 0, sdw = 0;
    for (int k = 0; k < N; k++) {
        q += (chi + xi * w[k]) * dw[k] * dw[k];
        sdw += dw[k];
    }
    q -= rho / N * sdw * sdw;
    double eps = 1e-6, wp[N], wm[N], Hp, Hm;
    for (int k = 0; k < N; k++) {
        wp[k] = w[k] + eps * dw[k];
        wm[k] = w[k] - eps * dw[k];
    }
    MN_ASSERT_OK(ctx, mn_meanfield_cb_lyapunov(cb, wp, S, 0, &Hp));
    MN_ASSERT_OK(ctx, mn_meanfield_cb_lyapunov(cb, wm, S, 0, &Hm));
    MN_ASSERT_REL((Hp - Hm) / (2 * eps), q / -1.0, 1e-6);
    /* H decreases monotonically along a trajectory (alpha < 0) */
    static double H[2001];
    MN_ASSERT_OK(ctx, mn_meanfield_cb_integrate(cb, w, S, 0, 20, 0.01, H));
    for (int s = 1; s <= 2000; s++) ck_assert_msg(H[s] <= H[s - 1] + 1e-12 * fabs(H[s - 1]),
                                                  "H increased at step %d", s);
    mn_rng_free(rng);
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_psi_alpha_negative)
{
    /* alpha = -1, random initial states: the asymptotic <w> equals psi (002: exact there) */
    enum { N = 1000 };
    mn_meanfield_cb *cb = cb_fig5(-1, N);
    static double w[N];
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 11, 2));
    double Ss[3] = { -5, -20, -80 };
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < N; k++) w[k] = mn_rng_uniform(rng);
        MN_ASSERT_OK(ctx, mn_meanfield_cb_integrate(cb, w, NULL, Ss[i], 40, 0.005, NULL));
        double mean = 0;
        for (int k = 0; k < N; k++) mean += w[k] / N;
        double psi = mn_meanfield_cb_psi(cb, Ss[i]);
        MN_ASSERT_REL(mean, psi, 1e-8);
        /* psi solves eq. (62) with chi -> chi - rho: xi psi^2 + (chi - rho) psi = S/(alpha gamma) */
        MN_ASSERT_REL(159 * psi * psi + 1.5 * psi, Ss[i] / -1.0, 1e-12);
    }
    MN_ASSERT_ABS(mn_meanfield_cb_psi(cb, 5), 0, 1e-15); /* S/(alpha gamma) < 0: psi = 0 */
    mn_rng_free(rng);
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_rule16)
{
    /* without interaction (R_ref = 0: rho = 0) memristors are independent and rule (16) is
     * exact: each goes to 1 iff it starts above its unstable fixed point */
    enum { N = 1000 };
    mn_meanfield_cb *cb;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_new(&cb, ctx, N, 100, 16000, 0, 100, 1, 1));
    static double w[N];
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 5, 3));
    double S = 30, ws, winf;
    MN_ASSERT_OK(ctx, mn_meanfield_cb_rule16(cb, S, 0, 1, 0, &ws, &winf));
    int above = 0;
    for (int k = 0; k < N; k++) {
        w[k] = mn_rng_uniform(rng);
        above += w[k] > ws;
    }
    MN_ASSERT_REL(winf, 1 - ws, 1e-15);
    MN_ASSERT_OK(ctx, mn_meanfield_cb_integrate(cb, w, NULL, S, 40, 0.005, NULL));
    int ones = 0;
    for (int k = 0; k < N; k++) ones += w[k] > 0.5;
    ck_assert_int_eq(ones, above);
    MN_ASSERT_ABS((double)above / N, winf, 0.05); /* sampling error of 1000 uniforms */
    mn_rng_free(rng);
    mn_meanfield_cb_free(cb);
}
END_TEST

START_TEST(test_cb_bad_input)
{
    mn_meanfield_cb *cb = (void *)1;
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_new(&cb, ctx, 10, 100, 50, 1, 1, 1, 1), MN_ERR_RANGE,
                  "R_off = 50");
    ck_assert_ptr_null(cb);
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_new(&cb, ctx, 10, 100, 500, 1, 1, 0, 1), MN_ERR_RANGE,
                  "alpha");
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_new(&cb, ctx, 0, 100, 500, 1, 1, 1, 1), MN_ERR_RANGE, "n = 0");
    cb = cb_fig5(1, 3);
    double w[3] = { 0.2, 1.5, 0 };
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_integrate(cb, w, NULL, 1, 1, 0.1, NULL), MN_ERR_RANGE, "1.5");
    double wi;
    MN_ASSERT_ERR(ctx, mn_meanfield_cb_rule16(cb, 1, 1, 0, 1, NULL, &wi), MN_ERR_RANGE, "lo < hi");
    mn_meanfield_cb_free(cb);
}
END_TEST


/* ------------------------------------------------------------- projector quantities */

/* random connected multigraph: a spanning path plus random chords, a parallel edge, and an
 * isolated extra component (nodes n..n+2) */
static mn_graph *random_graph(int n, int extra, uint64_t seed, int with_outside)
{
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed, 9));
    int cap = n - 1 + extra + 4;
    mn_index *u = malloc(sizeof(mn_index) * cap), *v = malloc(sizeof(mn_index) * cap);
    int m = 0;
    for (int i = 0; i + 1 < n; i++) {
        int a = (int)mn_rng_below(rng, (uint64_t)(i + 1));
        u[m] = i + 1;
        v[m] = a; /* random tree */
        m++;
    }
    for (int k = 0; k < extra; k++) {
        int a = (int)mn_rng_below(rng, (uint64_t)n), b = (int)mn_rng_below(rng, (uint64_t)n);
        if (a == b) b = (a + 1) % n;
        u[m] = a;
        v[m] = b;
        m++;
    }
    u[m] = u[0]; /* a parallel edge */
    v[m] = v[0];
    m++;
    int nn = n;
    if (with_outside) {
        u[m] = n;
        v[m] = n + 1;
        m++;
        u[m] = n + 1;
        v[m] = n + 2;
        m++;
        nn = n + 3;
    }
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)nn, (size_t)m, u, v));
    free(u);
    free(v);
    mn_rng_free(rng);
    return g;
}

/* dense reference projector of the graph augmented by edge source->drain (single nodes),
 * restricted to the component of the source: Omega = B_r^T (B_r B_r^T)^{-1} B_r with the
 * drain row removed. Returns (m+1) x (m+1) row major; edges outside get zero rows. */
static double *dense_omega(mn_graph *g, int src, int dst, const int *comp)
{
    int n = (int)mn_graph_node_count(g), m = (int)mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    int M = m + 1;
    /* reduced node index */
    int *ri = malloc(sizeof(int) * n), nr = 0;
    for (int i = 0; i < n; i++) ri[i] = (comp[i] && i != dst) ? nr++ : -1;
    double *B = calloc((size_t)nr * M, sizeof(double)); /* nr x M */
    for (int e = 0; e <= m; e++) {
        int a = e < m ? eu[e] : src, b = e < m ? ev[e] : dst;
        if (!comp[a]) continue;
        if (ri[a] >= 0) B[(size_t)ri[a] * M + e] += 1;
        if (ri[b] >= 0) B[(size_t)ri[b] * M + e] -= 1;
    }
    double *X = malloc(sizeof(double) * (size_t)nr * M), *A = malloc(sizeof(double) * nr * nr),
           *col = malloc(sizeof(double) * nr);
    for (int e = 0; e < M; e++) {
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nr; j++) {
                double s = 0;
                for (int k = 0; k < M; k++) s += B[(size_t)i * M + k] * B[(size_t)j * M + k];
                A[i * nr + j] = s;
            }
        for (int i = 0; i < nr; i++) col[i] = B[(size_t)i * M + e];
        ck_assert_int_eq(mn_test_dense_solve(A, col, nr), 0);
        for (int i = 0; i < nr; i++) X[(size_t)i * M + e] = col[i];
    }
    double *Om = calloc((size_t)M * M, sizeof(double));
    for (int a = 0; a < M; a++)
        for (int b = 0; b < M; b++) {
            double s = 0;
            for (int i = 0; i < nr; i++) s += B[(size_t)i * M + a] * X[(size_t)i * M + b];
            Om[(size_t)a * M + b] = s;
        }
    free(ri);
    free(B);
    free(X);
    free(A);
    free(col);
    return Om;
}

/* exact G_eff by a dense nodal solve with conductances Gs (drain grounded, source at 1 V) */
static double dense_geff_phi(mn_graph *g, int src, int dst, const int *comp, const double *Ge,
                             double *phi);

static double dense_geff(mn_graph *g, int src, int dst, const int *comp, const double *Ge)
{
    return dense_geff_phi(g, src, dst, comp, Ge, NULL);
}

static double dense_geff_phi(mn_graph *g, int src, int dst, const int *comp, const double *Ge,
                             double *phi)
{
    int n = (int)mn_graph_node_count(g), m = (int)mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    int *ri = malloc(sizeof(int) * n), nf = 0;
    for (int i = 0; i < n; i++) ri[i] = (comp[i] && i != dst && i != src) ? nf++ : -1;
    double *A = calloc((size_t)nf * nf, sizeof(double)), *b = calloc(nf, sizeof(double));
    for (int e = 0; e < m; e++) {
        int a = eu[e], c = ev[e];
        if (!comp[a]) continue;
        if (ri[a] >= 0) A[ri[a] * nf + ri[a]] += Ge[e];
        if (ri[c] >= 0) A[ri[c] * nf + ri[c]] += Ge[e];
        if (ri[a] >= 0 && ri[c] >= 0) {
            A[ri[a] * nf + ri[c]] -= Ge[e];
            A[ri[c] * nf + ri[a]] -= Ge[e];
        }
        if (ri[a] >= 0 && c == src) b[ri[a]] += Ge[e];
        if (ri[c] >= 0 && a == src) b[ri[c]] += Ge[e];
    }
    ck_assert_int_eq(mn_test_dense_solve(A, b, nf), 0);
    double I = 0;
    for (int e = 0; e < m; e++) {
        int a = eu[e], c = ev[e];
        double pa = a == src ? 1 : ri[a] >= 0 ? b[ri[a]] : 0;
        double pc = c == src ? 1 : ri[c] >= 0 ? b[ri[c]] : 0;
        if (a == src && c != src) I += Ge[e] * (pa - pc);
        if (c == src && a != src) I += Ge[e] * (pc - pa);
    }
    if (phi)
        for (int i = 0; i < n; i++) phi[i] = i == src ? 1 : ri[i] >= 0 ? b[ri[i]] : 0;
    free(ri);
    free(A);
    free(b);
    return I;
}

static void component_of(mn_graph *g, int node, int *comp)
{
    const mn_index *lab;
    size_t nc;
    MN_ASSERT_OK(ctx, mn_graph_components(g, &lab, &nc));
    for (size_t i = 0; i < mn_graph_node_count(g); i++) comp[i] = lab[i] == lab[node];
}

START_TEST(test_projector_dense_reference)
{
    int methods[3] = { MN_MEANFIELD_DIAG_DENSE, MN_MEANFIELD_DIAG_SELINV, MN_MEANFIELD_DIAG_AUTO };
    mn_graph *g = random_graph(40, 70, 17, 1);
    int n = (int)mn_graph_node_count(g), m = (int)mn_graph_edge_count(g), M = m + 1;
    int comp[64];
    component_of(g, 3, comp);
    double *Om = dense_omega(g, 3, 27, comp);
    /* Omega is a projector: Omega^2 = Omega (sanity of the reference) */
    for (int a = 0; a < M; a += 7)
        for (int b = 0; b < M; b += 5) {
            double s = 0;
            for (int k = 0; k < M; k++) s += Om[a * M + k] * Om[k * M + b];
            MN_ASSERT_ABS(s, Om[a * M + b], 1e-12);
        }
    double tr = 0, tr2 = 0, om = 0;
    int nin = 0;
    for (int i = 0; i < m; i++) {
        tr += Om[i * M + i];
        for (int j = 0; j < m; j++) tr2 += Om[i * M + j] * Om[i * M + j];
        if (comp[mn_graph_edge_u(g)[i]]) {
            om += fabs(Om[i * M + m]);
            nin++;
        }
    }
    for (int k = 0; k < 3; k++) {
        mn_index s = 3, d = 27;
        mn_meanfield_projector *p;
        MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, methods[k], 0, 0));
        MN_ASSERT_ABS(mn_meanfield_projector_omega_n1(p), Om[(size_t)m * M + m], 1e-12);
        const double *ov = mn_meanfield_projector_omega_vec(p), *dg = mn_meanfield_projector_diag(p);
        for (int i = 0; i < m; i++) {
            MN_ASSERT_ABS(ov[i], Om[i * M + m], 1e-12);
            MN_ASSERT_ABS(dg[i], Om[i * M + i], 1e-10);
        }
        MN_ASSERT_ABS(mn_meanfield_projector_trace(p), tr, 1e-10);
        MN_ASSERT_ABS(mn_meanfield_projector_trace2(p), tr2, 1e-10);
        MN_ASSERT_ABS(mn_meanfield_projector_omega_mean(p), om / nin, 1e-12);
        ck_assert_uint_eq(mn_meanfield_projector_outside_count(p), (size_t)(m - nin));
        /* <g> of 000 eq. (25) */
        double gs[200], num = 0, den = 0;
        for (int i = 0; i < m; i++) {
            gs[i] = 0.5 + 0.4 * sin(3.0 * i);
            double w = 0;
            for (int j = 0; j < m; j++) w += Om[i * M + j] * Om[j * M + i];
            num += w * gs[i];
            den += w;
        }
        double gm;
        MN_ASSERT_OK(ctx, mn_meanfield_projector_g_mean(p, gs, &gm, NULL));
        MN_ASSERT_REL(gm, num / den, 1e-10);
        mn_meanfield_projector_free(p);
    }
    free(Om);
    (void)n;
    mn_graph_free(g);
}
END_TEST

START_TEST(test_projector_geff)
{
    mn_graph *g = random_graph(30, 50, 23, 1);
    int m = (int)mn_graph_edge_count(g), M = m + 1;
    int comp[64];
    component_of(g, 0, comp);
    mn_index s = 0, d = 17;
    mn_meanfield_projector *p;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    double Gmin = 2e-3, chi = 40, gs[128], Ge[128];
    /* equal g: the mean field G_eff (000 eq. 26) is exact */
    for (int i = 0; i < m; i++) {
        gs[i] = 0.37;
        Ge[i] = Gmin * (1 + chi * 0.37);
    }
    double Gmf, Gex = dense_geff(g, 0, 17, comp, Ge);
    MN_ASSERT_OK(ctx, mn_meanfield_projector_g_eff(p, gs, Gmin, chi, &Gmf));
    MN_ASSERT_REL(Gmf, Gex, 1e-10);
    /* equal g, voltage source v = 1: the junction voltages are Omega->_i / Omega_N1 exactly
     * (used by mn_meanfield_model_renormalise for the linear model) */
    {
        double phi[64];
        const double *ov0 = mn_meanfield_projector_omega_vec(p);
        dense_geff_phi(g, 0, 17, comp, Ge, phi);
        const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
        for (int i = 0; i < m; i++)
            if (comp[eu[i]])
                MN_ASSERT_ABS(phi[eu[i]] - phi[ev[i]], ov0[i] / mn_meanfield_projector_omega_n1(p),
                              1e-12);
    }
    /* unequal g: Corollary 2 (000 eq. 24, G_{N+1} -> 0) equals the Kirchhoff solve:
     * rho = Omega_N1 - chi Omega->^T g (I + chi Omega~ g)^{-1} Omega->, G = G_min (1-rho)/rho */
    double *Om = dense_omega(g, 0, 17, comp);
    for (int i = 0; i < m; i++) {
        gs[i] = 0.5 + 0.45 * cos(2.3 * i);
        Ge[i] = Gmin * (1 + chi * gs[i]);
    }
    const double *ov = mn_meanfield_projector_omega_vec(p);
    double *A = malloc(sizeof(double) * m * m), *y = malloc(sizeof(double) * m);
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) A[i * m + j] = (i == j) + chi * Om[i * M + j] * gs[j];
        y[i] = ov[i];
    }
    ck_assert_int_eq(mn_test_dense_solve(A, y, m), 0);
    double rho = mn_meanfield_projector_omega_n1(p);
    for (int i = 0; i < m; i++) rho -= chi * ov[i] * gs[i] * y[i];
    MN_ASSERT_REL(Gmin * (1 - rho) / rho, dense_geff(g, 0, 17, comp, Ge), 1e-10);
    /* the sparse exact solve agrees with the dense one */
    double Gsp;
    MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, &s, 1, &d, 1, Ge, &Gsp));
    MN_ASSERT_REL(Gsp, dense_geff(g, 0, 17, comp, Ge), 1e-12);
    Ge[2] = -1;
    MN_ASSERT_ERR(ctx, mn_meanfield_effective_conductance(g, &s, 1, &d, 1, Ge, &Gsp), MN_ERR_RANGE,
                  "G[2] = -1");
    free(A);
    free(y);
    free(Om);
    /* effective linear model of this network: k <- k <|Omega->|>/Omega_N1,
     * R_off <- R_off Omega_N1/(1 - Omega_N1) */
    mn_meanfield_model *lm = model(MN_MEANFIELD_LINEAR);
    MN_ASSERT_OK(ctx, mn_meanfield_model_renormalise_projector(lm, p, 1));
    double kk, Ro, W = mn_meanfield_projector_omega_n1(p);
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(lm, "k", &kk));
    MN_ASSERT_OK(ctx, mn_meanfield_model_get(lm, "R_off", &Ro));
    MN_ASSERT_REL(kk, mn_meanfield_projector_omega_mean(p) / W, 1e-15);
    MN_ASSERT_REL(Ro, 1.6e4 * W / (1 - W), 1e-15);
    /* its G(x) at uniform x is the network's exact G_eff for junctions 1/(R_off (1 - chi x)) */
    for (int i = 0; i < m; i++) Ge[i] = 1 / (1.6e4 * (1 - 0.9 * 0.4));
    double Gl;
    MN_ASSERT_OK(ctx, mn_meanfield_model_conductance(lm, 0.4, &Gl));
    MN_ASSERT_REL(Gl, dense_geff(g, 0, 17, comp, Ge), 1e-10);
    mn_meanfield_model_free(lm);
    mn_meanfield_projector_free(p);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_projector_electrode_sets)
{
    /* node sets are contracted: the same as a graph where the set is merged into one node */
    mn_graph *g = random_graph(30, 40, 31, 0);
    int m = (int)mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    mn_index src[3] = { 0, 5, 9 }, dst[2] = { 20, 21 };
    /* merged graph: 5, 9 -> 0 and 21 -> 20; edges inside a set dropped */
    mn_index *u = malloc(sizeof(mn_index) * m), *v = malloc(sizeof(mn_index) * m);
    int *map = malloc(sizeof(int) * m), mm = 0;
    for (int e = 0; e < m; e++) {
        int a = eu[e], b = ev[e];
        if (a == 5 || a == 9) a = 0;
        if (b == 5 || b == 9) b = 0;
        if (a == 21) a = 20;
        if (b == 21) b = 20;
        map[e] = -1;
        if (a == b) continue;
        u[mm] = a;
        v[mm] = b;
        map[e] = mm++;
    }
    mn_graph *h;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&h, ctx, 30, (size_t)mm, u, v));
    mn_meanfield_projector *p, *q;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, src, 3, dst, 2, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    mn_index s0 = 0, d0 = 20;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&q, h, &s0, 1, &d0, 1, MN_MEANFIELD_DIAG_DENSE, 0, 0));
    MN_ASSERT_REL(mn_meanfield_projector_omega_n1(p), mn_meanfield_projector_omega_n1(q), 1e-12);
    const double *dp = mn_meanfield_projector_diag(p), *dq = mn_meanfield_projector_diag(q);
    /* merged nodes 5, 9, 21 are isolated in h: its rank is smaller by 3 */
    MN_ASSERT_REL(mn_meanfield_projector_trace(p), mn_meanfield_projector_trace(q), 1e-12);
    for (int e = 0; e < m; e++) {
        if (map[e] < 0) MN_ASSERT_ABS(dp[e], 0, 0);
        else MN_ASSERT_ABS(dp[e], dq[map[e]], 1e-11);
    }
    ck_assert_uint_eq(mn_meanfield_projector_outside_count(p), (size_t)(m - mm));
    mn_meanfield_projector_free(p);
    mn_meanfield_projector_free(q);
    mn_graph_free(h);
    free(u);
    free(v);
    free(map);
    mn_graph_free(g);
}
END_TEST

static mn_graph *lattice(int L)
{
    int n = L * L, m = 2 * L * (L - 1), k = 0;
    mn_index *u = malloc(sizeof(mn_index) * m), *v = malloc(sizeof(mn_index) * m);
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++) {
            if (j + 1 < L) {
                u[k] = i * L + j;
                v[k++] = i * L + j + 1;
            }
            if (i + 1 < L) {
                u[k] = i * L + j;
                v[k++] = (i + 1) * L + j;
            }
        }
    mn_graph *g;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, (size_t)n, (size_t)m, u, v));
    free(u);
    free(v);
    return g;
}

START_TEST(test_projector_randomised)
{
    mn_graph *g = lattice(40);
    int L = 40, m = (int)mn_graph_edge_count(g);
    mn_index src[40], dst[40];
    for (int i = 0; i < L; i++) {
        src[i] = i * L;         /* left column */
        dst[i] = i * L + L - 1; /* right column */
    }
    mn_meanfield_projector *ex, *rn;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&ex, g, src, 40, dst, 40, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&rn, g, src, 40, dst, 40, MN_MEANFIELD_DIAG_RANDOM,
                                                 0.005, 42));
    /* lattice between two columns: R = (L-1)/L per unit weights, Omega_N1 = R/(1+R) */
    double R = (L - 1.0) / L;
    MN_ASSERT_REL(mn_meanfield_projector_omega_n1(ex), R / (1 + R), 1e-12);
    ck_assert(mn_meanfield_projector_probes(rn) >= 32);
    const double *de = mn_meanfield_projector_diag(ex), *dr = mn_meanfield_projector_diag(rn),
                 *er = mn_meanfield_projector_diag_error(rn);
    int within = 0, nin = 0;
    for (int e = 0; e < m; e++) {
        if (de[e] == 0 && dr[e] == 0) continue;
        nin++;
        within += fabs(dr[e] - de[e]) <= 3 * er[e];
    }
    /* 8 batch means: the error estimate has 7 degrees of freedom (t distribution) */
    ck_assert_msg(within >= 0.95 * nin, "%d of %d within 3 sigma", within, nin);
    double *gs = malloc(sizeof(double) * m), ge, gr, err;
    for (int e = 0; e < m; e++) gs[e] = (e % 7) / 6.0;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_g_mean(ex, gs, &ge, NULL));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_g_mean(rn, gs, &gr, &err));
    ck_assert(err > 0);
    ck_assert_msg(fabs(gr - ge) <= 4 * err + 1e-12, "<g> %g vs exact %g (err %g)", gr, ge, err);
    ck_assert_msg(fabs(gr - ge) <= 0.01 * ge, "<g> %g vs exact %g", gr, ge);
    free(gs);
    mn_meanfield_projector_free(ex);
    mn_meanfield_projector_free(rn);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_projector_selinv_lattice)
{
    /* selected inversion vs the dense inverse on a 30 x 30 lattice (large supernodes) */
    mn_graph *g = lattice(30);
    int m = (int)mn_graph_edge_count(g);
    mn_index s = 0, d = 899;
    mn_meanfield_projector *a, *b;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&a, g, &s, 1, &d, 1, MN_MEANFIELD_DIAG_DENSE, 0, 0));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&b, g, &s, 1, &d, 1, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    const double *da = mn_meanfield_projector_diag(a), *db = mn_meanfield_projector_diag(b);
    double sum = 0;
    for (int e = 0; e < m; e++) {
        MN_ASSERT_ABS(db[e], da[e], 1e-10);
        sum += da[e];
    }
    /* sum_i Omega_ii over the graph's edges = Tr(Omega~) */
    MN_ASSERT_REL(sum, mn_meanfield_projector_trace(a), 1e-11);
    mn_meanfield_projector_free(a);
    mn_meanfield_projector_free(b);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_kirchhoff_cross_check)
{
    /* mn_meanfield_effective_conductance and the mean-field G_eff for equal states against the
     * Kirchhoff solver (lib/kirchhoff), electrodes = left and right columns of a lattice */
    mn_graph *g = lattice(14);
    size_t m = mn_graph_edge_count(g);
    mn_index L[14], R[14];
    for (int i = 0; i < 14; i++) {
        L[i] = i * 14;
        R[i] = i * 14 + 13;
    }
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 5, 0));
    double *G = malloc(sizeof(double) * m), *gs = malloc(sizeof(double) * m);
    for (size_t e = 0; e < m; e++) G[e] = 1e-3 * (1 + 99 * mn_rng_uniform(rng));
    mn_kirchhoff *k;
    size_t a, b;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, L, 14, &a));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, R, 14, &b));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    double Gk, Gm;
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, a, b, &Gk));
    MN_ASSERT_OK(ctx, mn_meanfield_effective_conductance(g, L, 14, R, 14, G, &Gm));
    MN_ASSERT_REL(Gm, Gk, 1e-10);
    mn_meanfield_projector *p;
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, L, 14, R, 14, MN_MEANFIELD_DIAG_AUTO, 0, 0));
    for (size_t e = 0; e < m; e++) {
        gs[e] = 0.42;
        G[e] = 2e-3 * (1 + 30 * 0.42);
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, a, b, &Gk));
    MN_ASSERT_OK(ctx, mn_meanfield_projector_g_eff(p, gs, 2e-3, 30, &Gm));
    MN_ASSERT_REL(Gm, Gk, 1e-10);
    /* Omega-> is the Kirchhoff current pattern: unit weights, source at 1 V: the edge voltages
     * equal Omega->_i / Omega_N1 (uniform-state voltage drops) */
    for (size_t e = 0; e < m; e++) G[e] = 1;
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, a, 1));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, b, 0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    const double *ve = mn_kirchhoff_edge_voltages(k), *ov = mn_meanfield_projector_omega_vec(p);
    double W = mn_meanfield_projector_omega_n1(p);
    for (size_t e = 0; e < m; e++) MN_ASSERT_ABS(ve[e], ov[e] / W, 1e-10);
    mn_meanfield_projector_free(p);
    mn_kirchhoff_free(k);
    mn_rng_free(rng);
    free(G);
    free(gs);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_projector_bad_input)
{
    mn_graph *g = random_graph(10, 5, 3, 1);
    mn_meanfield_projector *p = (void *)1;
    mn_index s = 0, d = 11, bad = 99;
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, 0, 0, 0), MN_ERR_SINGULAR,
                  "not connected");
    ck_assert_ptr_null(p);
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &bad, 1, 0, 0, 0), MN_ERR_RANGE, "99");
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &s, 1, 0, 0, 0), MN_ERR_INVALID,
                  "both");
    d = 4;
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, MN_MEANFIELD_DIAG_RANDOM, 2, 0),
                  MN_ERR_RANGE, "tolerance 2");
    MN_ASSERT_OK(ctx, mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, 0, 0, 0));
    double gs[32];
    for (int i = 0; i < 32; i++) gs[i] = 0.1;
    gs[3] = NAN;
    double gm;
    MN_ASSERT_ERR(ctx, mn_meanfield_projector_g_mean(p, gs, &gm, NULL), MN_ERR_RANGE, "g[3]");
    mn_meanfield_projector_free(p);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------- allocation failures */

typedef struct {
    long left; /* allocations still allowed; -1 = unlimited */
    long live; /* outstanding allocations */
} fail_alloc;

static void *fa_malloc(size_t n, void *ud)
{
    fail_alloc *f = ud;
    if (f->left == 0) return NULL;
    if (f->left > 0) f->left--;
    void *p = malloc(n ? n : 1);
    if (p) f->live++;
    return p;
}

static void *fa_realloc(void *p, size_t n, void *ud)
{
    fail_alloc *f = ud;
    if (!p) return fa_malloc(n, ud);
    if (f->left == 0) return NULL;
    if (f->left > 0) f->left--;
    return realloc(p, n ? n : 1);
}

static void fa_free(void *p, void *ud)
{
    fail_alloc *f = ud;
    if (p) f->live--;
    free(p);
}

START_TEST(test_allocation_failures)
{
    /* every allocation failure gives MN_ERR_NOMEM, a NULL output and no leak */
    int ok_projector = 0, ok_fit = 0, ok_cb = 0;
    for (long k = 0; k < 200 && !(ok_projector && ok_fit && ok_cb); k++) {
        fail_alloc fa = { -1, 0 };
        mn_allocator al = MN_ALLOCATOR_INIT;
        al.malloc_fn = fa_malloc;
        al.realloc_fn = fa_realloc;
        al.free_fn = fa_free;
        al.user_data = &fa;
        mn_context *c;
        ck_assert_int_eq(mn_context_new_with_allocator(&c, &al), MN_OK);
        mn_index u[5] = { 0, 1, 2, 3, 0 }, v[5] = { 1, 2, 3, 0, 2 };
        mn_graph *g;
        ck_assert_int_eq(mn_graph_new_from_edges(&g, c, 4, 5, u, v), MN_OK);
        mn_meanfield_model *m;
        ck_assert_int_eq(mn_meanfield_model_new(&m, c, MN_MEANFIELD_LINEAR), MN_OK);
        long base = fa.live;
        fa.left = k;
        mn_index s = 0, d = 2;
        for (int meth = 1; meth <= 3; meth++) {
            mn_meanfield_projector *p = (void *)1;
            mn_status st = mn_meanfield_projector_new(&p, g, &s, 1, &d, 1, meth, 0.1, 1);
            ck_assert(st == MN_OK || st == MN_ERR_NOMEM);
            if (st == MN_OK) {
                if (meth == 3) ok_projector = 1;
                mn_meanfield_projector_free(p);
            } else
                ck_assert_ptr_null(p);
            ck_assert_int_eq(fa.live, base);
        }
        double t[6] = { 0, 1, 2, 3, 4, 5 }, V[6] = { 1, 1, 1, 0, 0, 0 }, G[6];
        for (int i = 0; i < 6; i++) G[i] = 1 / (1.6e4 * (1 - 0.9 * 0.1 * i));
        const char *names[1] = { "alpha" };
        mn_meanfield_fit *f = (void *)1;
        mn_status st = mn_meanfield_fit_run(&f, m, t, V, G, 6, names, 1, 0);
        if (st == MN_OK) {
            ok_fit = 1;
            mn_meanfield_fit_free(f);
        } else {
            ck_assert_ptr_null(f);
            ck_assert(st == MN_ERR_NOMEM || st == MN_ERR_CONVERGENCE);
        }
        ck_assert_int_eq(fa.live, base);
        mn_meanfield_cb *cb = (void *)1;
        st = mn_meanfield_cb_new(&cb, c, 4, 100, 1600, 100, 100, 1, 1);
        if (st == MN_OK) {
            double w[4] = { 0.1, 0.5, 0.9, 1 };
            st = mn_meanfield_cb_integrate(cb, w, NULL, 3, 1, 0.1, NULL);
            ck_assert(st == MN_OK || st == MN_ERR_NOMEM);
            if (st == MN_OK) ok_cb = 1;
            mn_meanfield_cb_free(cb);
        } else {
            ck_assert_int_eq(st, MN_ERR_NOMEM);
            ck_assert_ptr_null(cb);
        }
        ck_assert_int_eq(fa.live, base);
        fa.left = -1;
        mn_meanfield_model_free(m);
        mn_graph_free(g);
        mn_context_free(c);
        ck_assert_int_eq(fa.live, 0);
    }
    ck_assert(ok_projector && ok_fit && ok_cb);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("meanfield");
    TCase *tc = tcase_create("phaseA");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ei_reference);
    tcase_add_test(tc, test_quadrature_root);
    tcase_add_test(tc, test_miranda_constant_voltage);
    tcase_add_test(tc, test_hillock_linear_decay);
    tcase_add_test(tc, test_linear_implicit_solution);
    tcase_add_test(tc, test_sampled_equals_callback);
    tcase_add_test(tc, test_potential_derivative);
    tcase_add_test(tc, test_potential_linear_closed_form);
    tcase_add_test(tc, test_miranda_equilibria_eq12);
    tcase_add_test(tc, test_linear_equilibria_transition);
    tcase_add_test(tc, test_miranda_voltage_drive);
    tcase_add_test(tc, test_hillock_first_order);
    tcase_add_test(tc, test_hillock_defaults_000_fig3);
    tcase_add_test(tc, test_renormalise);
    tcase_add_test(tc, test_from_junction);
    tcase_add_test(tc, test_fit_recovers_parameters);
    tcase_add_test(tc, test_fit_bad_input);
    tcase_add_test(tc, test_fit_exact_data_from_defaults);
    tcase_add_test(tc, test_fit_reports_non_identifiable);
    tcase_add_test(tc, test_potential_high_voltage);
    tcase_add_test(tc, test_model_bad_input);
    tcase_add_test(tc, test_cb_fixed_points);
    tcase_add_test(tc, test_cb_critical_voltage);
    tcase_add_test(tc, test_cb_switching_n1000);
    tcase_add_test(tc, test_cb_lyapunov);
    tcase_add_test(tc, test_cb_psi_alpha_negative);
    tcase_add_test(tc, test_cb_rule16);
    tcase_add_test(tc, test_cb_bad_input);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("projector");
    tcase_add_checked_fixture(tb, setup, teardown);
    tcase_add_test(tb, test_projector_dense_reference);
    tcase_add_test(tb, test_projector_geff);
    tcase_add_test(tb, test_projector_electrode_sets);
    tcase_add_test(tb, test_projector_randomised);
    tcase_add_test(tb, test_projector_selinv_lattice);
    tcase_add_test(tb, test_kirchhoff_cross_check);
    tcase_add_test(tb, test_projector_bad_input);
    tcase_add_test(tb, test_allocation_failures);
    suite_add_tcase(s, tb);
    return s;
}

int main(void) { return mn_test_run(suite()); }
