/*
 * CVODE's linear solver callbacks: the Jacobian-vector product and the per-junction
 * block-diagonal preconditioner for GMRES. docs/simulation.md.
 */
#include "sim/sim-cvode.h"
#include "sim/kv.h"

#include <math.h>
#include <string.h>

int mn__sim_cv_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *user)
{
    mn_sim *s = user;
    mn_status st = mn__sim_ensure_cache(s, t, NV_DATA(y), mn__sim_side_at(s, t));
    if (!st) st = mn__sim_ensure_partials(s);
    return st ? -1 : 0;
}

int mn__sim_cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy, void *user,
                     N_Vector tmp)
{
    mn_sim *s = user;
    s->st_jv++;
    mn_status st = mn__sim_ensure_cache(s, t, NV_DATA(y), mn__sim_side_at(s, t));
    if (!st) st = mn__sim_ensure_partials(s);
    if (!st) st = mn__sim_jv_apply(s, NV_DATA(v), NV_DATA(Jv));
    return st ? -1 : 0;
}

/* invert the k x k block (row-major) in place by Gauss-Jordan with partial pivoting */
static int invert_block(double *a, size_t k)
{
    if (k == 1) {
        if (a[0] == 0 || !isfinite(a[0])) return -1;
        a[0] = 1.0 / a[0];
        return 0;
    }
    double inv[64], w[64];
    if (k > 8) return -1;
    memcpy(w, a, k * k * sizeof(double));
    for (size_t i = 0; i < k * k; i++) inv[i] = 0;
    for (size_t i = 0; i < k; i++) inv[i * k + i] = 1;
    for (size_t c = 0; c < k; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(w[r * k + c]) > fabs(w[p * k + c])) p = r;
        if (w[p * k + c] == 0) return -1;
        if (p != c)
            for (size_t j = 0; j < k; j++) {
                double t1 = w[c * k + j];
                w[c * k + j] = w[p * k + j];
                w[p * k + j] = t1;
                t1 = inv[c * k + j];
                inv[c * k + j] = inv[p * k + j];
                inv[p * k + j] = t1;
            }
        double d = w[c * k + c];
        for (size_t j = 0; j < k; j++) {
            w[c * k + j] /= d;
            inv[c * k + j] /= d;
        }
        for (size_t r = 0; r < k; r++)
            if (r != c) {
                double f = w[r * k + c];
                if (f != 0)
                    for (size_t j = 0; j < k; j++) {
                        w[r * k + j] -= f * w[c * k + j];
                        inv[r * k + j] -= f * inv[c * k + j];
                    }
            }
    }
    memcpy(a, inv, k * k * sizeof(double));
    return 0;
}

/* P = (I - gamma A)^{-1} per edge, A = f_x + f_I G_x^T (V + S): the junction's own Jacobian at
 * fixed edge voltage (the coupling through the network is left to GMRES). */
int mn__sim_cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    mn_sim *s = user;
    s->st_psetup++;
    const size_t *off = s->off, *joff = s->joff;
    if (!jok) {
        s->partials_lagged = 0;
        mn_status st = mn__sim_ensure_cache(s, t, NV_DATA(y), mn__sim_side_at(s, t));
        if (!st) st = mn__sim_ensure_partials(s);
        if (st) return -1;
        for (size_t e = 0; e < s->m; e++) {
            size_t a = off[e], k = off[e + 1] - a;
            double vs = s->V[e] + (s->emf ? s->emf[e] : 0.0);
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++)
                    s->A[joff[e] + r * k + c] =
                        s->Jx[joff[e] + r * k + c] + s->fI[a + r] * s->Gx[a + c] * vs;
        }
        mn__sim_walls_precond(s);
        *jcur = SUNTRUE;
    } else {
        *jcur = SUNFALSE;
    }
    for (size_t e = 0; e < s->m; e++) {
        size_t k = off[e + 1] - off[e];
        double *P = s->P + joff[e];
        const double *A = s->A + joff[e];
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < k; c++) P[r * k + c] = (r == c ? 1.0 : 0.0) - gamma * A[r * k + c];
        if (k && invert_block(P, k)) {
            /* singular block: fall back to the identity */
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++) P[r * k + c] = r == c ? 1.0 : 0.0;
        }
    }
    s->gamma_P = gamma;
    return 0;
}

int mn__sim_cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                     sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    mn_sim *s = user;
    const double *rv = NV_DATA(r);
    double *zv = NV_DATA(z);
    const size_t *off = s->off, *joff = s->joff;
    if (s->scalar) {
        const double *P = s->P;
        KV_MAP(s->ns, KV_ST(zv, _mm_mul_pd(KV_LD(P), KV_LD(rv))), zv[i] = P[i] * rv[i]);
        for (size_t i = s->ns; i < s->nx; i++) zv[i] = rv[i];
        return 0;
    }
    for (size_t e = 0; e < s->m; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        const double *P = s->P + joff[e];
        if (k == 1) {
            zv[a] = P[0] * rv[a];
            continue;
        }
        for (size_t i = 0; i < k; i++) {
            double acc = 0;
            for (size_t j = 0; j < k; j++) acc += P[i * k + j] * rv[a + j];
            zv[a + i] = acc;
        }
    }
    for (size_t i = s->ns; i < s->nx; i++) zv[i] = rv[i];
    return 0;
}
