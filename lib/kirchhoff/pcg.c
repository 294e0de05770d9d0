/* Kirchhoff solver: conjugate gradients preconditioned by a (stale) factor.
 *
 * The vector loops run on the context's pool when the vectors are large enough
 * (mn__pool_threads): each thread takes a fixed block of rows, and the partial sums of the dot
 * products are added in thread order, so the iterates depend on the thread count only. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

enum { V_NORM, V_RESID, V_DOT, V_STEP, V_DIR };

typedef struct vjob {
    int op;
    size_t n;
    const double *b, *u, *v;
    double *x, *r, *p, *q, *bs;
    const double *z;
    double alpha, beta;
    double part[MN__POOL_MAX];
} vjob;

static void vpart(void *arg, int tid, int nthreads)
{
    vjob *j = arg;
    size_t lo, hi;
    mn__pool_block(j->n, tid, nthreads, &lo, &hi);
    double s = 0.0;
    switch (j->op) {
    case V_NORM: /* s = u'u */
        for (size_t i = lo; i < hi; i++) s += j->u[i] * j->u[i];
        break;
    case V_RESID: /* r = b - q, bs = r, s = r'r */
        for (size_t i = lo; i < hi; i++) j->r[i] = j->b[i] - j->q[i];
        for (size_t i = lo; i < hi; i++) s += j->r[i] * j->r[i];
        memcpy(j->bs + lo, j->r + lo, (hi - lo) * sizeof *j->bs);
        break;
    case V_DOT: /* s = u'v */
        for (size_t i = lo; i < hi; i++) s += j->u[i] * j->v[i];
        break;
    case V_STEP: /* x += alpha p, r -= alpha q, bs = r, s = r'r */
        for (size_t i = lo; i < hi; i++) {
            j->x[i] += j->alpha * j->p[i];
            j->r[i] -= j->alpha * j->q[i];
        }
        for (size_t i = lo; i < hi; i++) s += j->r[i] * j->r[i];
        memcpy(j->bs + lo, j->r + lo, (hi - lo) * sizeof *j->bs);
        break;
    case V_DIR: /* p = z + beta p */
        for (size_t i = lo; i < hi; i++) j->p[i] = j->z[i] + j->beta * j->p[i];
        break;
    default:
        break;
    }
    j->part[tid] = s;
}

/* run op on nt threads; the sum of the partial sums in thread order */
static double vrun(mn_context *ctx, int nt, vjob *j, int op)
{
    j->op = op;
    mn__pool_run(ctx, nt, vpart, j);
    double s = j->part[0];
    for (int t = 1; t < nt; t++) s += j->part[t];
    return s;
}

/* PCG on A x = b preconditioned by the factor, warm-started from x (x_zero: x is all zeros, so
 * the first residual is b itself and the product A x is left out; the same iterates).
 * Returns MN_OK, or MN_ERR_CONVERGENCE if maxit was reached. */
mn_status mn__kh_pcg(mn_kirchhoff *k, const double *b, double *x, int x_zero, int maxit,
                     int *iters, double *relres)
{
    size_t nf = k->nf;
    double *r = k->r, *p = k->p, *q = k->q;
    /* threads for the vector loops: a loop touches 3-5 vectors */
    int nt = mn__pool_threads(k->ctx, nf * 4 * sizeof(double));
    vjob j;
    memset(&j, 0, sizeof j);
    j.n = nf;
    j.b = b;
    j.x = x;
    j.r = r;
    j.p = p;
    j.q = q;
    j.bs = k->Bs->x;
    j.u = b;
    double bn = sqrt(vrun(k->ctx, nt, &j, V_NORM));
    mn__kh_ensure_A(k);
    *iters = 0;
    if (bn == 0.0) {
        memset(x, 0, nf * sizeof *x);
        *relres = 0.0;
        return MN_OK;
    }
    double rn;
    if (x_zero) {
        /* r = b: its norm is b's (the same sums in the same blocks) */
        memcpy(r, b, nf * sizeof *r);
        memcpy(j.bs, b, nf * sizeof *r);
        rn = bn;
    } else {
        double t0 = mn__kh_now();
        mn__kh_spmv(k, x, q);
        k->t_spmv = mn__kh_now() - t0;
        rn = sqrt(vrun(k->ctx, nt, &j, V_RESID)); /* also r -> Bs */
    }
    if (rn <= k->cg_rtol * bn) {
        *relres = rn / bn;
        return MN_OK;
    }
    mn_status st;
    if ((st = mn__kh_fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
    /* z is the preconditioner's output itself, read before the next solve overwrites it */
    j.u = r;
    j.v = j.z = k->Xs->x;
    double rz = vrun(k->ctx, nt, &j, V_DOT);
    memcpy(p, j.z, nf * sizeof *p);
    for (int it = 1; it <= maxit; it++) {
        mn__kh_spmv(k, p, q);
        j.u = p;
        j.v = q;
        double pq = vrun(k->ctx, nt, &j, V_DOT);
        if (!(pq > 0.0)) break;
        j.alpha = rz / pq;
        rn = sqrt(vrun(k->ctx, nt, &j, V_STEP)); /* also r -> Bs */
        *iters = it;
        if (rn <= k->cg_rtol * bn) {
            /* confirm with the true residual */
            mn__kh_spmv(k, x, q);
            rn = sqrt(vrun(k->ctx, nt, &j, V_RESID));
            if (rn <= k->cg_rtol * bn) {
                *relres = rn / bn;
                return MN_OK;
            }
        }
        if ((st = mn__kh_fsolve(k, k->Bs, &k->Xs)) != MN_OK) return st;
        j.u = r;
        j.v = j.z = k->Xs->x;
        double rz1 = vrun(k->ctx, nt, &j, V_DOT);
        j.beta = rz1 / rz;
        rz = rz1;
        vrun(k->ctx, nt, &j, V_DIR);
    }
    *relres = rn / bn;
    return MN_ERR_CONVERGENCE;
}

void mn__kh_pcg_account(mn_kirchhoff *k, int kind, int it)
{
    mn__kh_cost_refresh(k);
    mn__kh_rule_account(&k->rule, kind, it, k->c_iter); /* deterministic cost: costmodel.c */
}
