/* Kirchhoff solver: numeric assembly of the grounded Laplacian from the conductances, and
 * its product with a vector. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

static void refill(mn_kirchhoff *k)
{
    double *Ax = k->A->x;
    int *Ap = k->A->p;
    size_t nnz = (size_t)Ap[k->nf];
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const double *G = k->G;
    memset(Ax, 0, nnz * sizeof *Ax);
    memset(k->ground, 0, (k->nf ? k->nf : 1) * sizeof *k->ground);
    double gmax = 0.0, gmin = INFINITY;
    const int *eda = k->eda, *edb = k->edb, *emap = k->emap, *egr = k->egr;
    double *ground = k->ground;
    for (size_t e = 0; e < k->m; e++) {
        double ge = G[e];
        int a = eda[e], b = edb[e], o = emap[e];
        if (a >= 0) Ax[a] += ge;
        if (b >= 0) Ax[b] += ge;
        if (o >= 0)
            Ax[o] -= ge;
        else if (egr[e] >= 0)
            ground[egr[e]] += ge;
        if (a >= 0 || b >= 0) { /* edges inside one electrode do not count */
            gmax = ge > gmax ? ge : gmax;
            gmin = ge > 0.0 && ge < gmin ? ge : gmin;
        }
    }
    k->g_ratio = gmax > 0.0 ? gmax / gmin : 1.0;
    for (size_t f = 0; f < k->n_floating; f++) {
        int r = k->role[k->floating_list[f]];
        Ax[k->dpos[r]] = 1.0;
        k->ground[r] = 1.0;
    }
    if (k->n_floating)
        for (size_t e = 0; e < k->m; e++)
            if (k->emap[e] >= 0 && (k->floating[eu[e]] || k->floating[ev[e]])) Ax[k->emap[e]] = 0.0;
    k->values_dirty = 0;
}

void mn__kh_ensure_A(mn_kirchhoff *k)
{
    if (k->values_dirty) refill(k);
}

double mn__kh_ratio_est(const mn_kirchhoff *k)
{
    return k->gmax_est > 0.0 ? k->gmax_est / k->gmin_est : 1.0;
}

/* column j of A (lower triangle, or either when hi is past the end) into y: rows below hi
 * to y, the others to out */
static inline void spmv_col(const int *Ap, const int *Ai, const double *Ax, const double *x,
                            double *y, double *out, size_t j, size_t hi)
{
    double xj = x[j], s = 0.0;
    for (int p = Ap[j]; p < Ap[j + 1]; p++) {
        int i = Ai[p];
        double a = Ax[p];
        if ((size_t)i == j) {
            s += a * xj;
        } else {
            if ((size_t)i < hi)
                y[i] += a * xj;
            else
                out[i] += a * xj;
            s += a * x[i];
        }
    }
    y[j] += s;
}

/* the same for a column of the lower triangle whose diagonal is its first entry (the pattern
 * of analyse.c): no test for the diagonal inside the loop; the same operations in the same
 * order as spmv_col (s starts as 0 + a_jj x_j), so the same bits */
static inline void spmv_col_low(const int *restrict Ap, const int *restrict Ai,
                                const double *restrict Ax, const double *restrict x, double *y,
                                double *out, size_t j, size_t hi)
{
    int p = Ap[j], end = Ap[j + 1];
    double xj = x[j], s = 0.0 + Ax[p] * xj;
    for (p++; p < end; p++) {
        int i = Ai[p];
        double a = Ax[p];
        if ((size_t)i < hi)
            y[i] += a * xj;
        else
            out[i] += a * xj;
        s += a * x[i];
    }
    y[j] += s;
}

/* all of A's columns (lower triangle, diagonal first) into y, zeroed first */
static void spmv_low_serial(const int *restrict Ap, const int *restrict Ai,
                            const double *restrict Ax, const double *restrict x,
                            double *restrict y, size_t nf)
{
    memset(y, 0, nf * sizeof *y);
    for (size_t j = 0; j < nf; j++) {
        int p = Ap[j], end = Ap[j + 1];
        double xj = x[j], s = 0.0 + Ax[p] * xj;
        for (p++; p < end; p++) {
            int i = Ai[p];
            double a = Ax[p];
            y[i] += a * xj;
            s += a * x[i];
        }
        y[j] += s;
    }
}

typedef struct spmv_job {
    const mn_kirchhoff *k;
    const mn__kh_split *sp;
    const double *x;
    double *y;
} spmv_job;

/* thread tid's subtrees: their columns, whose products reach only their own rows and the top
 * part's (treesplit.c) */
static void spmv_part(void *arg, int tid, int nthreads)
{
    const spmv_job *jb = arg;
    const mn__kh_split *sp = jb->sp;
    const int *Ap = jb->k->A->p, *Ai = jb->k->A->i, *super = jb->k->Lsym->super;
    const double *Ax = jb->k->A->x;
    double *y = jb->y, *out = tid == 0 ? y : sp->buf[tid];
    (void)nthreads;
    for (int r = sp->roff[tid]; r < sp->roff[tid + 1]; r++) {
        size_t lo = (size_t)super[sp->rs0[r]], hi = (size_t)super[sp->rs1[r]];
        memset(y + lo, 0, (hi - lo) * sizeof *y);
        for (size_t j = lo; j < hi; j++) spmv_col_low(Ap, Ai, Ax, jb->x, y, out, j, hi);
    }
}

/* y = A x, A symmetric, one triangle stored (either). In parallel (lower triangle, a split of
 * the factor's tree, a product large enough) by the factor's subtrees: each thread's columns
 * update its own rows and, through its buffer, the top rows, added in thread order. */
void mn__kh_spmv(mn_kirchhoff *k, const double *x, double *y)
{
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    size_t nf = k->nf;
    size_t work = (size_t)Ap[nf] * 12 + nf * 24;
    const mn__kh_split *sp = NULL;
    if (k->A->stype < 0 && mn__pool_threads(k->ctx, work) > 1) sp = mn__kh_split_get(k);
    if (sp && sp->nsuper == (int)k->Lsym->nsuper && k->Lsym->n == nf) {
        const int *super = k->Lsym->super;
        for (int q = 0; q < sp->ntop; q++) {
            int s = sp->top[q];
            memset(y + super[s], 0, (size_t)(super[s + 1] - super[s]) * sizeof *y);
        }
        spmv_job jb = {k, sp, x, y};
        mn__pool_run(k->ctx, sp->nthreads, spmv_part, &jb);
        for (int q = 0; q < sp->ntop; q++) {
            int s = sp->top[q];
            for (int t = 1; t < sp->nthreads; t++) {
                double *b = sp->buf[t];
                for (int c = super[s]; c < super[s + 1]; c++) {
                    y[c] += b[c];
                    b[c] = 0.0;
                }
            }
        }
        for (int q = 0; q < sp->ntop; q++) {
            int s = sp->top[q];
            for (int c = super[s]; c < super[s + 1]; c++)
                spmv_col_low(Ap, Ai, Ax, x, y, y, (size_t)c, nf);
        }
        return;
    }
    if (k->A->stype < 0 && nf > 0) {
        spmv_low_serial(Ap, Ai, Ax, x, y, nf);
        return;
    }
    memset(y, 0, nf * sizeof *y);
    for (size_t j = 0; j < nf; j++) spmv_col(Ap, Ai, Ax, x, y, y, j, nf);
}
