/* The "threshold" memristor model (see threshold-model.h), through memnet's public ops table. */
#include "threshold-model.h"

#include <math.h>

enum { P_GON, P_GOFF, P_K, P_VTH, P_UNIPOLAR, N_PARAMS };

static const mn_param_info params[N_PARAMS] = {
    { sizeof(mn_param_info), "Gon", "S", "conductance at x = 1", MN_PARAM_REAL, 1e-2, 0.0, 1e300,
      NULL },
    { sizeof(mn_param_info), "Goff", "S", "conductance at x = 0", MN_PARAM_REAL, 1e-4, 0.0, 1e300,
      NULL },
    { sizeof(mn_param_info), "k", "1/(V s)", "switching rate per volt above threshold",
      MN_PARAM_REAL, 10.0, 0.0, 1e12, NULL },
    { sizeof(mn_param_info), "Vth", "V", "switching threshold", MN_PARAM_REAL, 0.5, 0.0, 1e6,
      NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |V|; 0: signed V", MN_PARAM_INT, 0.0,
      0.0, 1.0, NULL },
};

/* the driving voltage u and du/dV */
static double drive(const mn_model_batch *b, size_t i, double V, double *du)
{
    if (MN_PARAM(b, P_UNIPOLAR, i) != 0.0) {
        *du = V < 0.0 ? -1.0 : 1.0;
        return fabs(V);
    }
    *du = 1.0;
    return V;
}

/* dx/dt = a + c x on the current branch: returns c, sets a and their V-derivatives */
static double branch(const mn_model_batch *b, size_t i, double V, double *a, double *da,
                     double *dc)
{
    double du, u = drive(b, i, V, &du), k = MN_PARAM(b, P_K, i), vt = MN_PARAM(b, P_VTH, i);
    if (u > vt) { /* k (u - vt)(1 - x) = k (u - vt) - k (u - vt) x */
        *a = k * (u - vt);
        *da = k * du;
        *dc = -k * du;
        return -k * (u - vt);
    }
    if (u < -vt) { /* k (u + vt) x */
        *a = 0.0;
        *da = 0.0;
        *dc = k * du;
        return k * (u + vt);
    }
    *a = *da = *dc = 0.0;
    return 0.0;
}

static int conductance(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) {
        double on = MN_PARAM(b, P_GON, i), off = MN_PARAM(b, P_GOFF, i);
        G[i] = off + (on - off) * x[i];
    }
    return 0;
}

static int rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                double *r)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++) {
        double a, da, dc, c = branch(b, i, V[i], &a, &da, &dc);
        r[i] = a + c * x[i];
    }
    return 0;
}

static int rate_dx(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *J)
{
    (void)x, (void)I;
    for (size_t i = 0; i < b->n; i++) {
        double a, da, dc;
        J[i] = branch(b, i, V[i], &a, &da, &dc);
    }
    return 0;
}

static int rate_dV(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++) {
        double a, da, dc;
        (void)branch(b, i, V[i], &a, &da, &dc);
        out[i] = da + dc * x[i];
    }
    return 0;
}

/* exact solution of dx/dt = a + c x over dt (c <= 0) */
static int exact_step(const mn_model_batch *b, double *x, const double *V, double dt)
{
    for (size_t i = 0; i < b->n; i++) {
        double a, da, dc, c = branch(b, i, V[i], &a, &da, &dc);
        if (c == 0.0) continue; /* below threshold: nothing moves */
        double xs = -a / c;     /* fixed point: 1 (SET) or 0 (RESET) */
        x[i] = xs + (x[i] - xs) * exp(c * dt);
    }
    return 0;
}

static int bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        lo[i] = 0.0;
        hi[i] = 1.0;
    }
    return 0;
}

static int validate(const mn_model_batch *b, char *msg, size_t size)
{
    (void)msg, (void)size;
    for (size_t i = 0; i < b->n; i++)
        if (MN_PARAM(b, P_GON, i) < MN_PARAM(b, P_GOFF, i)) return 1;
    return 0;
}

static const char *const state_names[] = { "x" };

/* Fill what the model has; what is left out is NULL: dG/dx and d(rate)/dI then come from the
 * library's finite-difference fallback, the initial state is 0. struct_size tells the library
 * which version of the table this program was compiled against. */
static const mn_model_ops threshold_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "threshold",
    .description = "threshold memristor with linear window (user model example)",
    .n_states = 1,
    .state_names = state_names,
    .n_params = N_PARAMS,
    .params = params,
    .conductance = conductance,
    .rate = rate,
    .rate_dx = rate_dx,
    .rate_dV = rate_dV,
    .exact_step = exact_step,
    .state_bounds = bounds,
    .validate = validate,
};

const mn_model_ops *threshold_model_ops(void) { return &threshold_ops; }
