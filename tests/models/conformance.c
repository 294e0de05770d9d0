/*
 * Conformance suite: every built-in model (and variants of its options) and the example user
 * model (examples/user-model/threshold-model.c) through the public ops table and the network
 * evaluation of models-private.h.
 *
 * References (all independent of the code under test):
 *  - derivatives: central finite differences of the public rates/conductances, Richardson
 *    extrapolated, tolerance relative 1e-6 plus the differences' own round-off;
 *  - exact steps: an adaptive step-doubling RK4 integration written here (relative 1e-13),
 *    clamped into the state bounds after each step;
 *  - equilibria: the closed forms of the papers (001 B22, 002 eq 2, the quadratic fixed points
 *    of 003 eq 4 and of the HP drift with decay) and the filament's closed-form breaking time;
 *  - hysteresis: a triangular sweep integrated here with RK4 (I = 0 at V = 0, lobe area > 0,
 *    = 0 for the resistor);
 *  - bounds: 10^4 random steps at +-100 V stay finite and inside the model's bounds.
 */
#include "mn-test.h"
#include "models/models-private.h"
#include "threshold-model.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

/* Quiet variants for inner loops: Check records every passing ck_assert (a write per call),
 * which dominates the run time of integrations with millions of evaluations. */
#define OKQ(expr)                                                                               \
    do {                                                                                        \
        mn_status stq_ = (expr);                                                                \
        if (stq_ != MN_OK)                                                                      \
            ck_abort_msg("%s failed: %s: %s", #expr, mn_status_name(stq_),                      \
                         mn_context_last_error(ctx));                                           \
    } while (0)
#define CHECKQ(cond, ...)                                                                       \
    do {                                                                                        \
        if (!(cond)) ck_abort_msg(__VA_ARGS__);                                                 \
    } while (0)

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

typedef struct cfg {
    const char *name;    /* built-in name or "threshold" (the user model) */
    double L;            /* gap length, 0 for none */
    const char *sets[4]; /* parameter assignments */
    double A, P;         /* sweep amplitude (V) and period (s) */
    int memristive;      /* 0 for the resistor */
} cfg;

static const cfg cfgs[] = {
    { "miranda", 0, { NULL }, 1.0, 2.0, 1 },
    { "miranda", 0, { "unipolar=0", "Gmin=0.001", NULL }, 1.0, 2.0, 1 },
    { "hillock", 0.1, { NULL }, 2.0, 400.0, 1 },
    { "hillock", 0.08, { "unipolar=0", "zmax_frac=0.3", NULL }, 2.0, 400.0, 1 },
    { "strukov_hp", 0, { NULL }, 1.0, 2.0, 1 },
    { "strukov_hp", 0, { "window=biolek", "p=2", "tau=5", NULL }, 1.0, 2.0, 1 },
    { "strukov_hp", 0, { "window=prodromakis", "p=1.5", "x0=0.3", NULL }, 1.0, 2.0, 1 },
    { "strukov_hp", 0, { "window=none", "unipolar=1", "tau=1", NULL }, 1.0, 2.0, 1 },
    { "strukov_cb", 0, { "gamma=0.01", "alpha=0.1", NULL }, 20.0, 2.0, 1 },
    { "strukov_cb", 0, { "gamma=0.01", "alpha=-0.5", "unipolar=1", "x0=0.5" }, 20.0, 2.0, 1 },
    /* rd = 1e-3 so that filaments form within the 20 s sweep (the default 1e-4 is tuned for
     * 003's 200 x 200 films at 2 V and needs ~20 s at a steady 1 V) */
    { "filament", 0.05, { "rd=1e-3", "rw=0.1", NULL }, 1.0, 20.0, 1 },
    { "filament", 0.05, { "unipolar=0", "rw=0.5", "rd=1e-3", NULL }, 1.0, 20.0, 1 },
    { "filament", 0.05, { "tunnel=remaining", "rd=1e-3", "rw=0.1", NULL }, 1.0, 20.0, 1 },
    /* the Kuncic group's junctions: growth above V_set = 10 mV. lambda_eps = 1e-3 (default
     * 1e-6): the reference RK4 (capped at T/1000 per step) must resolve the smoothed sign of
     * the decay at lambda ~ 0; a step wider than it lets k1..k4 flip sign and cancel */
    { "atomic_switch", 0, { "lambda_eps=1e-3", NULL }, 0.1, 1.0, 1 },
    { "atomic_switch", 0, { "b=2", "V_reset=0.002", "lambda_eps=1e-3", "unipolar=1" }, 0.1, 1.0, 1 },
    { "tunnel_switch", 0, { "lambda_eps=1e-3", NULL }, 0.1, 1.0, 1 },
    { "tunnel_switch", 0, { "s_max=2", "phi=2", "lambda_eps=1e-3", NULL }, 0.1, 1.0, 1 },
    { "vteam", 0, { NULL }, 0.5, 1e-5, 1 },
    { "vteam", 0, { "window=kvatinsky", "iv=exponential", "x0=0.5", NULL }, 0.5, 1e-5, 1 },
    { "vteam", 0, { "control=current", "i_off=1e-3", "i_on=-1e-3", "alpha_on=1" }, 0.5, 1e-5, 1 },
    { "threshold", 0, { NULL }, 1.0, 4.0, 1 },
    { "threshold", 0, { "unipolar=1", "Vth=0.3", NULL }, 1.0, 4.0, 1 },
    { "resistor", 0, { "G=0.25", NULL }, 1.0, 2.0, 0 },
};
#define NCFG ((int)(sizeof cfgs / sizeof cfgs[0]))

static mn_model *make_model(const cfg *c)
{
    mn_model *m = NULL;
    if (!strcmp(c->name, "threshold"))
        MN_ASSERT_OK(ctx, mn_model_new_custom(&m, ctx, threshold_model_ops()));
    else
        MN_ASSERT_OK(ctx, mn_model_new(&m, ctx, c->name));
    for (int i = 0; i < 4 && c->sets[i]; i++) MN_ASSERT_OK(ctx, mn_model_set_assignment(m, c->sets[i]));
    return m;
}

/* a network of n parallel junctions between nodes 0 and 1, all of the model */
typedef struct fix {
    mn_model *m;
    mn_graph *g;
    mn_network *net;
    size_t n, ns;
} fix;

static fix make_fix(const cfg *c, size_t n)
{
    fix f = { 0 };
    f.m = make_model(c);
    f.n = n;
    mn_index *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    for (size_t e = 0; e < n; e++) u[e] = 0, v[e] = 1;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&f.g, ctx, 2, n, u, v));
    free(u);
    free(v);
    if (c->L > 0)
        for (size_t e = 0; e < n; e++)
            MN_ASSERT_OK(ctx, mn_graph_set_edge_length(f.g, (mn_index)e, c->L * (1.0 + 0.1 * (double)(e % 3))));
    MN_ASSERT_OK(ctx, mn_network_new(&f.net, f.g));
    MN_ASSERT_OK(ctx, mn_network_assign(f.net, f.m, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn__network_prepare(f.net));
    f.ns = mn_network_model_ops(f.net, 0)->n_states;
    ck_assert_uint_eq(mn_network_state_count(f.net), n * f.ns);
    return f;
}

static void free_fix(fix *f)
{
    mn_network_free(f->net);
    mn_graph_free(f->g);
    mn_model_free(f->m);
}

static int is_filament(const cfg *c) { return !strcmp(c->name, "filament"); }

/* random state inside the bounds (5% away from them); the filament mode is 0 or 1 */
static void random_state(const cfg *c, fix *f, mn_rng *r, double *x)
{
    size_t N = f->n * f->ns;
    double *lo = malloc(N * sizeof *lo), *hi = malloc(N * sizeof *hi);
    MN_ASSERT_OK(ctx, mn__network_bounds(f->net, lo, hi));
    for (size_t i = 0; i < N; i++) {
        double a = isfinite(lo[i]) ? lo[i] : -1.0, b = isfinite(hi[i]) ? hi[i] : 1.0;
        double w = b - a;
        x[i] = a + 0.05 * w + 0.9 * w * mn_rng_uniform(r);
    }
    if (is_filament(c))
        for (size_t e = 0; e < f->n; e++) {
            x[3 * e + 2] = (double)(mn_rng_below(r, 2));
            if (x[3 * e + 2] > 0.5) x[3 * e] = hi[3 * e]; /* bridged: d = L */
        }
    free(lo);
    free(hi);
}

/* ------------------------------------------------------------------ derivatives vs FD */

static void eval_rates(fix *f, const double *x, const double *V, const double *I, double *r)
{
    OKQ(mn_network_rates(f->net, x, V, I, r));
}

static void check_close(double lib, double ref, double roundoff, const char *what, const cfg *c,
                        size_t e, size_t r, size_t s)
{
    double tol = 1e-6 * fmax(fabs(lib), fabs(ref)) + roundoff;
    CHECKQ(isfinite(lib) && fabs(lib - ref) <= tol,
                  "%s %s[%zu](%zu,%zu): analytic %.15g, finite difference %.15g (tol %.3g)", c->name,
                  what, e, r, s, lib, ref, tol);
}

START_TEST(test_derivatives)
{
    const cfg *c = &cfgs[_i];
    const size_t n = 40;
    fix f = make_fix(c, n);
    size_t ns = f.ns, N = n * ns;
    if (ns == 0) {
        free_fix(&f);
        return;
    }
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 1234, (uint64_t)_i));
    double *x = calloc(N, sizeof *x), *V = calloc(n, sizeof *V), *I = calloc(n, sizeof *I),
           *G = calloc(n, sizeof *G), *J = calloc(N * ns, sizeof *J), *dV = calloc(N, sizeof *dV),
           *dI = calloc(N, sizeof *dI), *dG = calloc(N, sizeof *dG), *xp = calloc(N, sizeof *xp),
           *rp = calloc(N, sizeof *rp), *rm = calloc(N, sizeof *rm), *a = calloc(N, sizeof *a),
           *Vp = calloc(n, sizeof *Vp), *Gp = calloc(n, sizeof *Gp), *Gm = calloc(n, sizeof *Gm),
           *lo = calloc(N, sizeof *lo), *hi = calloc(N, sizeof *hi);
    MN_ASSERT_OK(ctx, mn__network_bounds(f.net, lo, hi));
    ck_assert_uint_eq(mn__network_jac_count(f.net), n * ns * ns);
    for (int rep = 0; rep < 5; rep++) {
        random_state(c, &f, rng, x);
        MN_ASSERT_OK(ctx, mn_network_conductances(f.net, x, G));
        for (size_t e = 0; e < n; e++) {
            V[e] = (2.0 * mn_rng_uniform(rng) - 1.0) * 2.0 * c->A;
            I[e] = G[e] * V[e];
        }
        MN_ASSERT_OK(ctx, mn__network_derivatives(f.net, x, V, I, J, dV, dI, dG));
        const size_t *joff = mn__network_jac_offsets(f.net);
        /* d rate / d x_s and dG / dx_s: perturb state s of every edge at once (edges are
         * independent). Richardson: R = (4 D(h/2) - D(h)) / 3. */
        for (size_t s = 0; s < ns; s++) {
            double Dr[2][64 * 3], DG[2][64], ro[64 * 3], roG[64];
            for (int lev = 0; lev < 2; lev++) {
                memcpy(xp, x, N * sizeof *xp);
                for (size_t e = 0; e < n; e++) {
                    double w = hi[e * ns + s] - lo[e * ns + s];
                    double h = ldexp(1.0, ilogb((isfinite(w) && w > 0) ? w : 1.0) - 17 - lev);
                    xp[e * ns + s] = x[e * ns + s] + h;
                }
                eval_rates(&f, xp, V, I, rp);
                MN_ASSERT_OK(ctx, mn_network_conductances(f.net, xp, Gp));
                for (size_t e = 0; e < n; e++) {
                    double w = hi[e * ns + s] - lo[e * ns + s];
                    double h = ldexp(1.0, ilogb((isfinite(w) && w > 0) ? w : 1.0) - 17 - lev);
                    xp[e * ns + s] = x[e * ns + s] - h;
                }
                eval_rates(&f, xp, V, I, rm);
                MN_ASSERT_OK(ctx, mn_network_conductances(f.net, xp, Gm));
                for (size_t e = 0; e < n; e++) {
                    double w = hi[e * ns + s] - lo[e * ns + s];
                    double h = ldexp(1.0, ilogb((isfinite(w) && w > 0) ? w : 1.0) - 17 - lev);
                    for (size_t r = 0; r < ns; r++) {
                        Dr[lev][e * ns + r] = (rp[e * ns + r] - rm[e * ns + r]) / (2 * h);
                        if (lev == 0) ro[e * ns + r] = 1e-12 * (fabs(rp[e * ns + r]) + fabs(rm[e * ns + r])) / h;
                    }
                    DG[lev][e] = (Gp[e] - Gm[e]) / (2 * h);
                    if (lev == 0) roG[e] = 1e-12 * (fabs(Gp[e]) + fabs(Gm[e])) / h;
                }
            }
            for (size_t e = 0; e < n; e++) {
                for (size_t r = 0; r < ns; r++) {
                    double ref = (4 * Dr[1][e * ns + r] - Dr[0][e * ns + r]) / 3;
                    check_close(J[joff[e] + r * ns + s], ref, ro[e * ns + r], "rate_dx", c, e, r, s);
                }
                double refG = (4 * DG[1][e] - DG[0][e]) / 3;
                check_close(dG[e * ns + s], refG, roG[e], "dG/dx", c, e, 0, s);
            }
        }
        /* d rate / dV and d rate / dI */
        for (int which = 0; which < 2; which++) {
            double D[2][64 * 3], ro[64 * 3];
            const double *arg = which ? I : V;
            for (int lev = 0; lev < 2; lev++) {
                for (int sg = -1; sg <= 1; sg += 2) {
                    for (size_t e = 0; e < n; e++) {
                        double h = ldexp(1.0, ilogb(fabs(arg[e]) + (which ? 1e-9 : 1e-3)) - 17 - lev);
                        Vp[e] = arg[e] + sg * h;
                    }
                    eval_rates(&f, x, which ? V : Vp, which ? Vp : I, sg > 0 ? rp : rm);
                }
                for (size_t e = 0; e < n; e++) {
                    double h = ldexp(1.0, ilogb(fabs(arg[e]) + (which ? 1e-9 : 1e-3)) - 17 - lev);
                    for (size_t r = 0; r < ns; r++) {
                        D[lev][e * ns + r] = (rp[e * ns + r] - rm[e * ns + r]) / (2 * h);
                        if (lev == 0) ro[e * ns + r] = 1e-12 * (fabs(rp[e * ns + r]) + fabs(rm[e * ns + r])) / h;
                    }
                }
            }
            for (size_t e = 0; e < n; e++)
                for (size_t r = 0; r < ns; r++) {
                    double ref = (4 * D[1][e * ns + r] - D[0][e * ns + r]) / 3;
                    check_close((which ? dI : dV)[e * ns + r], ref, ro[e * ns + r],
                                which ? "rate_dI" : "rate_dV", c, e, r, 0);
                }
        }
    }
    free(x), free(V), free(I), free(G), free(J), free(dV), free(dI), free(dG), free(xp), free(rp);
    free(rm), free(a), free(Vp), free(Gp), free(Gm), free(lo), free(hi);
    mn_rng_free(rng);
    free_fix(&f);
}
END_TEST

/* ------------------------------------------------------------------ bounds at +-100 V */

/* apply the events whose function is >= 0 (the test's own event handling) */
static size_t fire_events(fix *f, double *x, const double *V, const double *I)
{
    size_t ne = mn__network_event_count(f->net), nj = 0;
    if (!ne) return 0;
    double g[64];
    int fired[64];
    ck_assert_uint_le(ne, 64);
    OKQ(mn__network_event_fn(f->net, x, V, I, g));
    int any = 0;
    for (size_t k = 0; k < ne; k++) {
        CHECKQ(isfinite(g[k]), "event function %zu is %g", k, g[k]);
        fired[k] = g[k] >= 0.0;
        any |= fired[k];
    }
    if (any) {
        mn_index jumped[16];
        OKQ(mn__network_event_apply(f->net, fired, x, jumped, &nj, NULL, NULL));
    }
    return nj;
}

START_TEST(test_bounds_random_steps)
{
    const cfg *c = &cfgs[_i];
    fix f = make_fix(c, 1);
    size_t ns = f.ns;
    double x[3] = { 0 }, lo[3], hi[3], r[3], G, V, I;
    mn_rng *rng;
    OKQ(mn_rng_new(&rng, ctx, 99, (uint64_t)_i));
    OKQ(mn_network_initial_state(f.net, x));
    if (ns) OKQ(mn__network_bounds(f.net, lo, hi));
    int exact = mn__network_all_exact(f.net);
    size_t jumps = 0;
    for (int step = 0; step < 10000; step++) {
        V = (2.0 * mn_rng_uniform(rng) - 1.0) * 100.0;
        double dt = pow(10.0, -6.0 + 6.0 * mn_rng_uniform(rng));
        OKQ(mn_network_conductances(f.net, x, &G));
        CHECKQ(isfinite(G) && G >= 0.0, "%s: G = %g at step %d", c->name, G, step);
        I = G * V;
        if (ns == 0) continue;
        if (exact == 1 && (step & 1)) {
            unsigned char he;
            OKQ(mn__network_exact_step(f.net, x, &V, dt, &he));
            ck_assert_int_eq(he, 1);
        } else {
            OKQ(mn_network_rates(f.net, x, &V, &I, r));
            for (size_t s = 0; s < ns; s++) {
                CHECKQ(isfinite(r[s]), "%s: rate[%zu] = %g at V = %g", c->name, s, r[s], V);
                x[s] += dt * r[s];
            }
            OKQ(mn__network_clamp(f.net, x, NULL));
        }
        if (step % 16 == 0) { /* no NaN/Inf in the derivatives either */
            double J[9], dV[3], dI[3], dG[3];
            OKQ(mn__network_derivatives(f.net, x, &V, &I, J, dV, dI, dG));
            for (size_t s = 0; s < ns; s++) {
                CHECKQ(isfinite(dV[s]) && isfinite(dI[s]) && isfinite(dG[s]),
                       "%s: derivative of state %zu not finite at V = %g", c->name, s, V);
                for (size_t t = 0; t < ns; t++)
                    CHECKQ(isfinite(J[s * ns + t]), "%s: rate_dx not finite at V = %g", c->name, V);
            }
        }
        jumps += fire_events(&f, x, &V, &I);
        for (size_t s = 0; s < ns; s++)
            CHECKQ(isfinite(x[s]) && x[s] >= lo[s] && x[s] <= hi[s],
                          "%s: state %zu = %g outside [%g, %g] at step %d", c->name, s, x[s], lo[s],
                          hi[s], step);
    }
    if (mn__network_event_count(f.net)) /* the events were exercised, both ways */
        ck_assert_msg(jumps >= 2, "%s: only %zu conductance jumps in 10^4 steps", c->name, jumps);
    mn_rng_free(rng);
    free_fix(&f);
}
END_TEST

/* ------------------------------------------------------------------ reference integrator */

/* dx/dt of a single junction at constant V (I = G(x) V) */
static void single_rhs(fix *f, const double *x, double V, double *r)
{
    double G, I;
    OKQ(mn_network_conductances(f->net, x, &G));
    I = G * V;
    OKQ(mn_network_rates(f->net, x, &V, &I, r));
}

static void rk4_step(fix *f, double *x, double V, double h)
{
    size_t ns = f->ns;
    double k1[3], k2[3], k3[3], k4[3], t[3];
    single_rhs(f, x, V, k1);
    for (size_t s = 0; s < ns; s++) t[s] = x[s] + 0.5 * h * k1[s];
    single_rhs(f, t, V, k2);
    for (size_t s = 0; s < ns; s++) t[s] = x[s] + 0.5 * h * k2[s];
    single_rhs(f, t, V, k3);
    for (size_t s = 0; s < ns; s++) t[s] = x[s] + h * k3[s];
    single_rhs(f, t, V, k4);
    for (size_t s = 0; s < ns; s++) x[s] += h / 6.0 * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s]);
}

/* adaptive step-doubling RK4 with local extrapolation, relative tolerance tol */
static void integrate(fix *f, double *x, double V, double T, double tol)
{
    size_t ns = f->ns;
    double t = 0.0, h = T / 1000.0, hmax = T / 1000.0;
    long steps = 0;
    while (t < T) {
        if (t + h > T) h = T - t;
        double a[3], b[3];
        memcpy(a, x, ns * sizeof(double));
        memcpy(b, x, ns * sizeof(double));
        rk4_step(f, a, V, h);
        rk4_step(f, b, V, 0.5 * h);
        rk4_step(f, b, V, 0.5 * h);
        double err = 0.0;
        for (size_t s = 0; s < ns; s++) {
            double sc = tol * fabs(b[s]) + 1e-300;
            double e = fabs(b[s] - a[s]) / 15.0 / sc;
            if (e > err) err = e;
        }
        if (err <= 1.0) {
            for (size_t s = 0; s < ns; s++) x[s] = b[s] + (b[s] - a[s]) / 15.0;
            OKQ(mn__network_clamp(f->net, x, NULL)); /* models with bounds reached at constant V */
            t += h;
        }
        h *= err > 0 ? fmin(4.0, fmax(0.1, 0.9 * pow(err, -0.2))) : 4.0;
        if (h > hmax) h = hmax; /* a rate with a narrow kink cannot fool the error estimate */
        CHECKQ(++steps < 10000000, "reference integrator does not converge");
    }
}

START_TEST(test_exact_step_vs_rk)
{
    const cfg *c = &cfgs[_i];
    fix f = make_fix(c, 1);
    if (f.ns == 0 || mn__network_all_exact(f.net) != 1) {
        free_fix(&f);
        return;
    }
    const double Vs[] = { -1.3, -0.45, 0.0, 0.2, 0.35, 0.7, 1.1 };
    const double dts[] = { 1e-3, 0.1, 1.0, 10.0 };
    const double x0s[] = { 0.05, 0.5, 0.93 };
    int checked = 0;
    for (size_t iv = 0; iv < 7; iv++)
        for (size_t id = 0; id < 4; id++)
            for (size_t ix = 0; ix < 3; ix++) {
                double lo, hi;
                MN_ASSERT_OK(ctx, mn__network_bounds(f.net, &lo, &hi));
                double w = isfinite(lo) && isfinite(hi) ? hi - lo : 1.0;
                double x0 = isfinite(lo) && isfinite(hi) ? lo + x0s[ix] * w : x0s[ix];
                double V = Vs[iv], xe = x0, xr = x0;
                unsigned char he = 0;
                MN_ASSERT_OK(ctx, mn__network_exact_step(f.net, &xe, &V, dts[id], &he));
                ck_assert_int_eq(he, 1);
                integrate(&f, &xr, V, dts[id], 1e-13);
                ck_assert_msg(fabs(xe - xr) <= 1e-8 * fabs(xr) + 1e-12 * w,
                              "%s: exact step %.17g vs RK %.17g (V = %g, dt = %g, x0 = %g)", c->name,
                              xe, xr, V, dts[id], x0);
                checked++;
            }
    ck_assert_int_eq(checked, 84);
    free_fix(&f);
}
END_TEST

/* ------------------------------------------------------------------ hysteresis */

static double triangle(double t, double A, double P)
{
    double ph = fmod(t, P) / P;
    return ph < 0.25 ? 4 * A * ph : ph < 0.75 ? A * (2 - 4 * ph) : A * (4 * ph - 4);
}

START_TEST(test_pinched_hysteresis)
{
    const cfg *c = &cfgs[_i];
    fix f = make_fix(c, 1);
    size_t ns = f.ns;
    double x[3] = { 0 };
    OKQ(mn_network_initial_state(f.net, x));
    const long NS = 20000;
    double h = c->P / (double)NS, lobe[2] = { 0, 0 }, Imax = 0, Gmax = 0;
    double Vprev = 0, Iprev = 0;
    for (long n = 0; n <= NS; n++) {
        double t = n * h, V = triangle(t, c->A, c->P), G, I;
        if (n == NS) V = 0.0;
        OKQ(mn_network_conductances(f.net, x, &G));
        I = G * V;
        Gmax = fmax(Gmax, G);
        if (V == 0.0) CHECKQ(I == 0.0, "%s: I = %g at V = 0", c->name, I);
        CHECKQ(fabs(I) <= Gmax * fabs(V) * (1 + 1e-12), "%s: |I| = %g > Gmax |V|", c->name, I); /* pinched: I -> 0 as V -> 0 */
        if (n > 0) lobe[n > NS / 2] += 0.5 * (I + Iprev) * (V - Vprev);
        Imax = fmax(Imax, fabs(I));
        Vprev = V;
        Iprev = I;
        if (n == NS || ns == 0) continue;
        /* RK4 over [t, t+h] with the sweep's voltage at the stage times */
        double k[4][3], tmp[3];
        const double cs[4] = { 0, 0.5, 0.5, 1 };
        for (int st = 0; st < 4; st++) {
            for (size_t s = 0; s < ns; s++) tmp[s] = x[s] + (st ? cs[st] * h * k[st - 1][s] : 0.0);
            single_rhs(&f, tmp, triangle(t + cs[st] * h, c->A, c->P), k[st]);
        }
        for (size_t s = 0; s < ns; s++) x[s] += h / 6 * (k[0][s] + 2 * k[1][s] + 2 * k[2][s] + k[3][s]);
        OKQ(mn__network_clamp(f.net, x, NULL));
        double Vn = triangle(t + h, c->A, c->P), Gn, In;
        OKQ(mn_network_conductances(f.net, x, &Gn));
        In = Gn * Vn;
        fire_events(&f, x, &Vn, &In);
    }
    double area = fabs(lobe[0]) + fabs(lobe[1]), scale = c->A * Imax;
    if (c->memristive)
        CHECKQ(area > 1e-3 * scale, "%s: loop area %g (scale %g) is not > 0", c->name, area,
                      scale);
    else
        CHECKQ(area <= 1e-12 * scale, "%s: resistor loop area %g is not 0", c->name, area);
    free_fix(&f);
}
END_TEST

/* ------------------------------------------------------------------ bad parameters */

START_TEST(test_bad_parameters)
{
    const cfg *c = &cfgs[_i];
    mn_model *m = make_model(c);
    const mn_model_ops *o = mn_model_ops_of(m);
    MN_ASSERT_ERR(ctx, mn_model_set(m, "nosuchparam", 1.0), MN_ERR_NOT_FOUND, "nosuchparam");
    MN_ASSERT_ERR(ctx, mn_model_set_assignment(m, "nosuchparam=3"), MN_ERR_NOT_FOUND, "nosuchparam");
    MN_ASSERT_ERR(ctx, mn_model_set_assignment(m, "noequals"), MN_ERR_PARSE, "noequals");
    for (size_t p = 0; p < o->n_params; p++) {
        const mn_param_info *q = &o->params[p];
        double before, after;
        MN_ASSERT_OK(ctx, mn_model_get(m, q->name, &before));
        MN_ASSERT_ERR(ctx, mn_model_set(m, q->name, NAN), MN_ERR_RANGE, q->name);
        ck_assert(strstr(mn_context_last_error(ctx), "nan") != NULL);
        if (q->min_value > -1e300) {
            double bad = q->min_value - 1.0 - fabs(q->min_value);
            char txt[64];
            snprintf(txt, sizeof txt, "%g", bad);
            MN_ASSERT_ERR(ctx, mn_model_set(m, q->name, bad), MN_ERR_RANGE, q->name);
            ck_assert_msg(strstr(mn_context_last_error(ctx), txt), "message \"%s\" lacks %s",
                          mn_context_last_error(ctx), txt);
        }
        if (q->max_value < 1e300) {
            double bad = q->max_value + 1.0 + fabs(q->max_value);
            MN_ASSERT_ERR(ctx, mn_model_set(m, q->name, bad), MN_ERR_RANGE, q->name);
        }
        if (q->kind != MN_PARAM_REAL) {
            MN_ASSERT_ERR(ctx, mn_model_set(m, q->name, q->min_value + 0.5), MN_ERR_RANGE, q->name);
            MN_ASSERT_ERR(ctx, mn_model_set_text(m, q->name, "bogus"), MN_ERR_PARSE, "bogus");
        } else {
            MN_ASSERT_ERR(ctx, mn_model_set_text(m, q->name, "1.5x"), MN_ERR_PARSE, "1.5x");
        }
        MN_ASSERT_OK(ctx, mn_model_get(m, q->name, &after));
        ck_assert_msg(memcmp(&before, &after, sizeof before) == 0, "%s changed after bad sets",
                      q->name);
        /* every default is valid and in range */
        ck_assert(q->default_value >= q->min_value && q->default_value <= q->max_value);
        ck_assert_ptr_nonnull(q->unit);
        ck_assert_ptr_nonnull(q->description);
    }
    mn_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ equilibria, closed forms */

static fix fix_with(const char *name, double L, const char *const *sets)
{
    cfg c = { name, L, { NULL }, 1, 1, 1 };
    for (int i = 0; i < 4 && sets && sets[i]; i++) c.sets[i] = sets[i];
    return make_fix(&c, 1);
}

START_TEST(test_equilibrium_miranda)
{
    /* g* = kP / (kP + kD) (001 B22 for one junction; 003 eq 9 as t -> inf) */
    const char *sets[][2] = { { NULL }, { "unipolar=0", NULL } };
    for (int u = 0; u < 2; u++) {
        fix f = fix_with("miranda", 0, sets[u]);
        const double Vs[] = { 0.0, 0.15, -0.3, 0.5 };
        for (int i = 0; i < 4; i++) {
            double V = Vs[i], v = u == 0 ? fabs(V) : V;
            double kP = 5e-4 * exp(10 * v), kD = 5e-2 * exp(-10 * v), gs = kP / (kP + kD);
            double g = 0.3, r, G = 0, I;
            MN_ASSERT_OK(ctx, mn__network_exact_step(f.net, &g, &V, 50.0 / (kP + kD), NULL));
            MN_ASSERT_REL(g, gs, 1e-12);
            MN_ASSERT_OK(ctx, mn_network_conductances(f.net, &gs, &G));
            MN_ASSERT_REL(G, 1e-2 + (1.0 - 1e-2) * gs, 1e-14); /* 003 eq 10 */
            I = G * V;
            MN_ASSERT_OK(ctx, mn_network_rates(f.net, &gs, &V, &I, &r));
            MN_ASSERT_ABS(r, 0.0, 1e-15 * (kP + kD));
            double g2 = 0.9;
            integrate(&f, &g2, V, 40.0 / (kP + kD), 1e-12);
            MN_ASSERT_REL(g2, gs, 1e-9);
        }
        free_fix(&f);
    }
}
END_TEST

START_TEST(test_equilibrium_hillock)
{
    /* 003 eq 4 at rest: mu V / (D - z) = kappa z  =>  z* = (D - sqrt(D^2 - 4 mu V / kappa)) / 2 */
    const double D = 0.1, mu = 3.46e-5, kappa = 3.8e-2;
    fix f = fix_with("hillock", D, NULL);
    const double Vs[] = { 0.5, 1.0, -2.0 };
    for (int i = 0; i < 3; i++) {
        double V = Vs[i], v = fabs(V);
        double zs = 0.5 * (D - sqrt(D * D - 4 * mu * v / kappa)), r, G, I;
        MN_ASSERT_OK(ctx, mn_network_conductances(f.net, &zs, &G));
        MN_ASSERT_REL(G, 10.0 * exp(-200.0 * (D - zs)), 1e-13); /* 003 eq 5 */
        I = G * V;
        MN_ASSERT_OK(ctx, mn_network_rates(f.net, &zs, &V, &I, &r));
        MN_ASSERT_ABS(r, 0.0, 1e-14 * mu * v / D / 20.0);
        double z = 0.0;
        integrate(&f, &z, V, 4e4, 1e-12);
        MN_ASSERT_REL(z, zs, 1e-9);
    }
    /* the clamp z <= D/2 (003 eq 6): a large voltage has no fixed point below D/2 */
    double V = 100.0, z = D / 2, r, G, I;
    MN_ASSERT_OK(ctx, mn_network_conductances(f.net, &z, &G));
    I = G * V;
    MN_ASSERT_OK(ctx, mn_network_rates(f.net, &z, &V, &I, &r));
    MN_ASSERT_REL(r, (mu * V / (D / 2) - kappa * D / 2) / 20.0, 1e-14);
    ck_assert(r > 0);
    z = 0.09;
    size_t nc;
    MN_ASSERT_OK(ctx, mn__network_clamp(f.net, &z, &nc));
    ck_assert_uint_eq(nc, 1);
    MN_ASSERT_REL(z, D / 2, 1e-15);
    free_fix(&f);
}
END_TEST

START_TEST(test_equilibrium_strukov)
{
    /* 002 eq 2: w* R(w*) / Ron = S / (alpha gamma); stable for alpha < 0, S < 0 (004 Fig. 3) */
    const char *cb[] = { "alpha=-1", "gamma=10", "x0=0.5", NULL };
    fix f = fix_with("strukov_cb", 0, cb);
    const double Ron = 100, Roff = 16000, xi = (Roff - Ron) / Ron;
    double S = -20.0, s = S / (-1.0 * 10.0);
    double ws = (-1.0 + sqrt(1.0 + 4 * xi * s)) / (2 * xi);
    double w = 0.5;
    integrate(&f, &w, S, 60.0, 1e-12);
    MN_ASSERT_REL(w, ws, 1e-9);
    double r, G, I;
    MN_ASSERT_OK(ctx, mn_network_conductances(f.net, &ws, &G));
    MN_ASSERT_REL(1.0 / G, Ron * (1 - ws) + Roff * ws, 1e-14);
    I = G * S;
    MN_ASSERT_OK(ctx, mn_network_rates(f.net, &ws, &S, &I, &r));
    MN_ASSERT_ABS(r, 0.0, 1e-14);
    free_fix(&f);

    /* HP drift with decay and no window: k V / R(x) = x / tau, i.e.
     * (Ron - Roff) x^2 + Roff x - k tau V = 0 */
    const char *hp[] = { "window=none", "tau=1", NULL };
    f = fix_with("strukov_hp", 0, hp);
    double V = 0.2, k = 1e4, tau = 1;
    double xs = (Roff - sqrt(Roff * Roff - 4 * (Roff - Ron) * k * tau * V)) / (2 * (Roff - Ron));
    double x = 0.0;
    integrate(&f, &x, V, 60.0, 1e-12);
    MN_ASSERT_REL(x, xs, 1e-9);
    free_fix(&f);
}
END_TEST

START_TEST(test_filament_cycle)
{
    /* 003 eqs 1-3 at constant V: while open dd/dt = rd (V/(L-d) - ET); the gap bridges when d
     * reaches L; then dw/dt = -rw (Gon V - IT) and the filament breaks after
     * w0 / (rw (Gon V - IT)), reopening the gap with d = 0. */
    const double L = 0.05, V = 1.0, ET = 10, IT = 0.01, Gon = 10, rd = 1e-3, rw = 0.1, w0 = 1;
    const char *sets[] = { "tunnel=remaining", "rd=1e-3", "rw=0.1", NULL };
    fix f = fix_with("filament", L, sets);
    ck_assert_uint_eq(mn__network_event_count(f.net), 2);
    double x[3] = { 0, 0, 0 }, G, I, Vv = V;
    OKQ(mn_network_conductances(f.net, x, &G));
    MN_ASSERT_REL(G, 1.0 * exp(-200.0 * L), 1e-14); /* 003 eq 1 */
    /* formation time: t = (1/rd) int_0^L u du / (V - ET u) */
    double tform = (-L / ET - V / (ET * ET) * log(1 - ET * L / V)) / rd;
    double t = 0, h = tform / 2e5;
    int formed = 0;
    while (t < 2 * tform && !formed) {
        rk4_step(&f, x, V, h);
        OKQ(mn__network_clamp(f.net, x, NULL));
        t += h;
        double g[2];
        OKQ(mn_network_conductances(f.net, x, &G));
        I = G * V;
        OKQ(mn__network_event_fn(f.net, x, &Vv, &I, g));
        if (g[0] >= 0) {
            int fired[2] = { 1, 0 };
            mn_index j[1];
            size_t nj;
            double Go, Gn;
            OKQ(mn__network_event_apply(f.net, fired, x, j, &nj, &Go, &Gn));
            ck_assert_uint_eq(nj, 1);
            ck_assert_int_eq(j[0], 0);
            MN_ASSERT_REL(Go, 1.0, 1e-12); /* alpha exp(0) at d = L */
            MN_ASSERT_REL(Gn, Gon, 1e-15);
            formed = 1;
        }
    }
    ck_assert(formed);
    CHECKQ(fabs(t - tform) <= 2e-3 * tform, "formation at t = %g, closed form %g", t, tform);
    ck_assert(x[2] == 1.0 && x[1] == w0);
    /* breaking: constant rate, closed-form time */
    double tbreak = w0 / (rw * (Gon * V - IT));
    double r[3];
    I = Gon * V;
    OKQ(mn_network_rates(f.net, x, &Vv, &I, r));
    MN_ASSERT_REL(r[1], -rw * (Gon * V - IT), 1e-14);
    ck_assert(r[0] == 0.0 && r[2] == 0.0);
    double tb = 0;
    h = tbreak / 1000.0;
    for (;;) {
        double g[2];
        x[1] += h * r[1];
        tb += h;
        OKQ(mn__network_clamp(f.net, x, NULL));
        OKQ(mn__network_event_fn(f.net, x, &Vv, &I, g));
        if (g[1] >= 0) {
            int fired[2] = { 0, 1 };
            size_t nj;
            OKQ(mn__network_event_apply(f.net, fired, x, NULL, &nj, NULL, NULL));
            ck_assert_uint_eq(nj, 1);
            break;
        }
        ck_assert(tb < 2 * tbreak);
    }
    MN_ASSERT_REL(tb, tbreak, 2e-3);
    ck_assert(x[0] == 0.0 && x[1] == 0.0 && x[2] == 0.0);
    free_fix(&f);
}
END_TEST

/* ------------------------------------------------------------------ threads */

/* A probe model whose outputs show the batch each edge was evaluated in: G = a + 1e-3 edge id,
 * rate = x + V + 1e6 n (n: the size of the batch the edge was in), a per-edge parameter. */
static const mn_param_info probe_params[1] = {
    { sizeof(mn_param_info), "a", "S", "offset", MN_PARAM_REAL, 1.0, 0.0, 1e9, NULL },
};
static int probe_G(const mn_model_batch *b, const double *x, double *G)
{
    (void)x;
    for (size_t i = 0; i < b->n; i++) G[i] = MN_PARAM(b, 0, i) + 1e-3 * (double)b->edge[i];
    return 0;
}
static int probe_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *r)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++) r[i] = x[i] + V[i] + 1e6 * (double)b->n;
    return 0;
}

/* the batches are split into the pool's blocks (mn__pool_block) with the edges' own
 * parameters and ids */
START_TEST(test_threads_probe)
{
    mn_model_ops o = MN_MODEL_OPS_INIT;
    o.name = "probe";
    o.n_states = 1;
    o.n_params = 1;
    o.params = probe_params;
    o.flags = MN_MODEL_REENTRANT;
    o.conductance = probe_G;
    o.rate = probe_rate;
    mn_model *m;
    MN_ASSERT_OK(ctx, mn_model_new_custom(&m, ctx, &o));
    const size_t n = 1003;
    mn_index *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    for (size_t e = 0; e < n; e++) u[e] = 0, v[e] = 1;
    mn_graph *g;
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 2, n, u, v));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, m, NULL, 0, NULL));
    for (size_t e = 0; e < n; e++) MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, (mn_index)e, "a", (double)e));
    double *x = calloc(n, sizeof *x), *V = calloc(n, sizeof *V), *G = calloc(n, sizeof *G),
           *r = calloc(n, sizeof *r);
    for (size_t e = 0; e < n; e++) x[e] = 0.25 * (double)e, V[e] = -0.5 * (double)e;
    for (int nt = 1; nt <= 3; nt++) {
        mn__network_set_batch_threads(net, nt);
        MN_ASSERT_OK(ctx, mn__network_conductances(net, x, G));
        MN_ASSERT_OK(ctx, mn__network_rates(net, x, V, NULL, r));
        for (size_t e = 0; e < n; e++) {
            size_t batch = 0;
            for (int t = 0; t < nt; t++) {
                size_t lo, hi;
                mn__pool_block(n, t, nt, &lo, &hi);
                if (e >= lo && e < hi) batch = hi - lo;
            }
            ck_assert_msg(G[e] == (double)e + 1e-3 * (double)e, "%d threads: G[%zu] = %.17g", nt, e, G[e]);
            ck_assert_msg(r[e] == x[e] + V[e] + 1e6 * (double)batch,
                          "%d threads: edge %zu in a batch of %.0f, expected %zu", nt, e,
                          (r[e] - x[e] - V[e]) / 1e6, batch);
        }
    }
    free(x), free(V), free(G), free(r), free(u), free(v);
    mn_network_free(net);
    mn_graph_free(g);
    mn_model_free(m);
}
END_TEST

/* every evaluation of every model on 2 and 3 threads gives the bits of one thread (one call
 * per model), on a one-model network (in place) and with every third edge a resistor (the
 * gathered path), with per-edge parameters where the model has a real one */
START_TEST(test_threads_bitwise)
{
    const cfg *c = &cfgs[_i];
    const size_t n = 1003;
    fix f = make_fix(c, n);
    size_t ns = f.ns;
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 99, (uint64_t)_i));
    const mn_model_ops *mo = mn_network_model_ops(f.net, 0);
    for (size_t p = 0; p < mo->n_params; p++)
        if (mo->params[p].kind == MN_PARAM_REAL) {
            MN_ASSERT_OK(ctx, mn_network_vary_param(f.net, 0, mo->params[p].name, 0.01, 5));
            break;
        }
    double *xp = calloc(n * ns + 1, sizeof *xp), *Vp = calloc(n, sizeof *Vp), *Ip = calloc(n, sizeof *Ip);
    if (ns) random_state(c, &f, rng, xp);
    for (size_t e = 0; e < n; e++) {
        Vp[e] = (2.0 * mn_rng_uniform(rng) - 1.0) * c->A;
        Ip[e] = 0.1 * Vp[e];
    }
    mn_model *res;
    MN_ASSERT_OK(ctx, mn_model_new(&res, ctx, "resistor"));
    for (int mixed = 0; mixed < 2; mixed++) {
        if (mixed) {
            mn_index *third = malloc(n * sizeof *third);
            size_t k = 0;
            for (size_t e = 0; e < n; e += 3) third[k++] = (mn_index)e;
            MN_ASSERT_OK(ctx, mn_network_assign(f.net, res, third, k, NULL));
            free(third);
            MN_ASSERT_OK(ctx, mn__network_prepare(f.net));
        }
        size_t N = mn_network_state_count(f.net), NJ = mn__network_jac_count(f.net);
        size_t NE = mn__network_event_count(f.net);
        const size_t *soff = mn_network_state_offsets(f.net);
        const mn_index *em = mn_network_edge_models(f.net);
        double *x = calloc(N + 1, sizeof *x);
        for (size_t e = 0; e < n; e++)
            if (mn_network_model_ops(f.net, (size_t)em[e])->n_states)
                memcpy(x + soff[e], xp + e * ns, ns * sizeof *x);
        /* outputs: G, rates, J, dV, dI, dG, exact step, events; [0] one thread, [1] more */
        size_t len[8] = { n, N, NJ, N, N, N, N, NE };
        double *out[2][8];
        for (int t = 0; t < 2; t++)
            for (int q = 0; q < 8; q++) out[t][q] = calloc(len[q] + 1, sizeof(double));
        for (int nt = 1; nt <= 3; nt++) {
            double **o = out[nt > 1];
            mn__network_set_batch_threads(f.net, nt);
            MN_ASSERT_OK(ctx, mn__network_conductances(f.net, x, o[0]));
            MN_ASSERT_OK(ctx, mn__network_rates(f.net, x, Vp, Ip, o[1]));
            MN_ASSERT_OK(ctx, mn__network_derivatives(f.net, x, Vp, Ip, o[2], o[3], o[4], o[5]));
            memcpy(o[6], x, N * sizeof *x);
            if (mn__network_all_exact(f.net)) MN_ASSERT_OK(ctx, mn__network_exact_step(f.net, o[6], Vp, 0.01, NULL));
            if (NE) MN_ASSERT_OK(ctx, mn__network_event_fn(f.net, x, Vp, Ip, o[7]));
            if (nt > 1)
                for (int q = 0; q < 8; q++)
                    ck_assert_msg(memcmp(out[0][q], out[1][q], len[q] * sizeof(double)) == 0,
                                  "%s (%s): output %d on %d threads differs from one thread",
                                  c->name, mixed ? "mixed" : "alone", q, nt);
        }
        for (int t = 0; t < 2; t++)
            for (int q = 0; q < 8; q++) free(out[t][q]);
        free(x);
    }
    free(xp), free(Vp), free(Ip);
    mn_model_free(res);
    mn_rng_free(rng);
    free_fix(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("models-conformance");
    TCase *tc = tcase_create("every model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_derivatives, 0, NCFG);
    tcase_add_loop_test(tc, test_bounds_random_steps, 0, NCFG);
    tcase_add_loop_test(tc, test_exact_step_vs_rk, 0, NCFG);
    tcase_add_loop_test(tc, test_pinched_hysteresis, 0, NCFG);
    tcase_add_loop_test(tc, test_bad_parameters, 0, NCFG);
    tcase_add_loop_test(tc, test_threads_bitwise, 0, NCFG);
    tcase_add_test(tc, test_threads_probe);
    suite_add_tcase(s, tc);
    TCase *eq = tcase_create("closed forms");
    tcase_add_checked_fixture(eq, setup, teardown);
    tcase_set_timeout(eq, 600);
    tcase_add_test(eq, test_equilibrium_miranda);
    tcase_add_test(eq, test_equilibrium_hillock);
    tcase_add_test(eq, test_equilibrium_strukov);
    tcase_add_test(eq, test_filament_cycle);
    suite_add_tcase(s, eq);
    return s;
}

int main(void) { return mn_test_run(suite()); }
