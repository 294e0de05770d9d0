/* Kirchhoff solver: conjugate gradients preconditioned by a (stale) factor. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

static double norm2(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

/* PCG on A x = b (b in k->Bs, x in/out in k->Xs... we use arrays) preconditioned by the factor.
 * Returns MN_OK, or MN_ERR_CONVERGENCE if maxit was reached. */
mn_status mn__kh_pcg(mn_kirchhoff *k, const double *b, double *x, int maxit, int *iters,
                     double *relres)
{
    size_t nf = k->nf;
    double *r = k->r, *z = k->z, *p = k->p, *q = k->q;
    double bn = norm2(b, nf);
    mn__kh_ensure_A(k);
    *iters = 0;
    if (bn == 0.0) {
        memset(x, 0, nf * sizeof *x);
        *relres = 0.0;
        return MN_OK;
    }
    double t0 = mn__kh_now();
    mn__kh_spmv(k, x, q);
    k->t_spmv = mn__kh_now() - t0;
    for (size_t i = 0; i < nf; i++) r[i] = b[i] - q[i];
    double rn = norm2(r, nf);
    if (rn <= k->cg_rtol * bn) {
        *relres = rn / bn;
        return MN_OK;
    }
    double *bsx = k->Bs->x;
    mn_status st;
    memcpy(bsx, r, nf * sizeof *r);
    if ((st = mn__kh_fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
    memcpy(z, k->Xs->x, nf * sizeof *z);
    memcpy(p, z, nf * sizeof *p);
    double rz = 0.0;
    for (size_t i = 0; i < nf; i++) rz += r[i] * z[i];
    for (int it = 1; it <= maxit; it++) {
        mn__kh_spmv(k, p, q);
        double pq = 0.0;
        for (size_t i = 0; i < nf; i++) pq += p[i] * q[i];
        if (!(pq > 0.0)) break;
        double alpha = rz / pq;
        for (size_t i = 0; i < nf; i++) {
            x[i] += alpha * p[i];
            r[i] -= alpha * q[i];
        }
        *iters = it;
        rn = norm2(r, nf);
        if (rn <= k->cg_rtol * bn) {
            /* confirm with the true residual */
            mn__kh_spmv(k, x, q);
            for (size_t i = 0; i < nf; i++) r[i] = b[i] - q[i];
            rn = norm2(r, nf);
            if (rn <= k->cg_rtol * bn) {
                *relres = rn / bn;
                return MN_OK;
            }
        }
        memcpy(bsx, r, nf * sizeof *r);
        if ((st = mn__kh_fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
        memcpy(z, k->Xs->x, nf * sizeof *z);
        double rz1 = 0.0;
        for (size_t i = 0; i < nf; i++) rz1 += r[i] * z[i];
        double beta = rz1 / rz;
        rz = rz1;
        for (size_t i = 0; i < nf; i++) p[i] = z[i] + beta * p[i];
    }
    *relres = rn / bn;
    return MN_ERR_CONVERGENCE;
}

void mn__kh_pcg_account(mn_kirchhoff *k, int kind, int it)
{
    mn__kh_cost_refresh(k);
    mn__kh_rule_account(&k->rule, kind, it, k->c_iter); /* deterministic cost: costmodel.c */
}
