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

/* ================================================================ per-edge loops on threads */

/* The per-edge loops below run over the simulation context's thread pool above its crossover
 * (mn__pool_threads), each thread on the pool's fixed block of edges (mn__pool_block). Every
 * edge's values are computed by the same operations whatever
 * the range, so the results are the same bits for every thread count. */

enum { LS_LOCAL_JACOBIAN, LS_INVERT, LS_APPLY };

typedef struct ls_job {
    mn_sim *s;
    int what;
    double gamma;
    const double *r; /* LS_APPLY: z = P r */
    double *z;
} ls_job;

/* the local Jacobian blocks A = f_x + f_I G_x^T (V + S) of edges [lo, hi) */
static void local_jacobian(mn_sim *s, size_t lo, size_t hi)
{
    const size_t *off = s->off, *joff = s->joff;
    for (size_t e = lo; e < hi; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        double vs = s->V[e] + (s->emf ? s->emf[e] : 0.0);
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < k; c++)
                s->A[joff[e] + r * k + c] = s->Jx[joff[e] + r * k + c] + s->fI[a + r] * s->Gx[a + c] * vs;
    }
}

/* P = (I - gamma A)^{-1} for edges [lo, hi); a singular block gives the identity */
static void invert_blocks(mn_sim *s, double gamma, size_t lo, size_t hi)
{
    const size_t *off = s->off, *joff = s->joff;
    for (size_t e = lo; e < hi; e++) {
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
}

/* z = P r on the states of edges [lo, hi) */
static void apply_blocks(const mn_sim *s, const double *rv, double *zv, size_t lo, size_t hi)
{
    const size_t *off = s->off, *joff = s->joff;
    if (s->scalar) { /* state e, block e */
        const double *P = s->P + lo;
        const double *r = rv + lo;
        double *z = zv + lo;
        size_t n = hi - lo;
        KV_MAP(n, KV_ST(z, _mm_mul_pd(KV_LD(P), KV_LD(r))), z[i] = P[i] * r[i]);
        return;
    }
    for (size_t e = lo; e < hi; e++) {
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
}

static void ls_work(void *arg, int tid, int nt)
{
    ls_job *j = arg;
    size_t lo, hi;
    mn__pool_block(j->s->m, tid, nt, &lo, &hi);
    if (j->what == LS_LOCAL_JACOBIAN) local_jacobian(j->s, lo, hi);
    else if (j->what == LS_INVERT) invert_blocks(j->s, j->gamma, lo, hi);
    else apply_blocks(j->s, j->r, j->z, lo, hi);
}

/* run j over the edges; values: how many values it reads and writes (the pool asks bytes); it
 * stays on the calling thread below LS_MIN_BYTES whatever the setting (as the vector kernels,
 * nvector.c) */
#define LS_MIN_BYTES ((size_t)256 << 10)
static void ls_run(mn_sim *s, ls_job *j, size_t values)
{
    size_t bytes = values * sizeof(double);
    int nt = bytes < LS_MIN_BYTES ? 1 : mn__pool_threads(s->ctx, bytes);
    if (nt > 1 && s->m >= 8 * (size_t)nt) mn__pool_run(s->ctx, nt, ls_work, j);
    else ls_work(j, 0, 1);
}

/* P = (I - gamma A)^{-1} per edge, A = f_x + f_I G_x^T (V + S): the junction's own Jacobian at
 * fixed edge voltage (the coupling through the network is left to GMRES). */
int mn__sim_cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    mn_sim *s = user;
    s->st_psetup++;
    if (!jok) {
        s->partials_lagged = 0;
        mn_status st = mn__sim_ensure_cache(s, t, NV_DATA(y), mn__sim_side_at(s, t));
        if (!st) st = mn__sim_ensure_partials(s);
        if (st) return -1;
        ls_job j = { .s = s, .what = LS_LOCAL_JACOBIAN };
        ls_run(s, &j, 2 * s->njac + 2 * s->ns + 2 * s->m);
        mn__sim_walls_precond(s);
        *jcur = SUNTRUE;
    } else {
        *jcur = SUNFALSE;
    }
    ls_job j = { .s = s, .what = LS_INVERT, .gamma = gamma };
    ls_run(s, &j, 4 * s->njac);
    s->gamma_P = gamma;
    return 0;
}

int mn__sim_cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                     sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    mn_sim *s = user;
    const double *rv = NV_DATA(r);
    double *zv = NV_DATA(z);
    ls_job j = { .s = s, .what = LS_APPLY, .r = rv, .z = zv };
    ls_run(s, &j, s->njac + 2 * s->ns);
    for (size_t i = s->ns; i < s->nx; i++) zv[i] = rv[i];
    return 0;
}
