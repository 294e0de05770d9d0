/* Kirchhoff solver: numeric assembly of the grounded Laplacian from the conductances, and
 * its product with a vector. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

/* With more than one thread the refill below fills A entry by entry: for each entry p, the sum of the conductances of
 * its edges (rf_ptr/rf_edge, built once per analysis), + for a diagonal and - for an
 * off-diagonal entry, in ascending edge order starting from 0: the same operations in the same
 * order as the edge-by-edge scatter (refill_edges), so the same bits, and every entry is
 * computed by one thread, so the result is the same for every thread count. The entries are
 * written in order and the conductances read independently (the scatter's random
 * read-modify-writes of A cost more), and the columns split into the pool's fixed blocks. The
 * sensitivities' right-hand sides use the diagonal entries' lists, which are the edges at each
 * row (mn__kh_sens_rhs). */
#define RF_MIN_BYTES ((size_t)256 << 10)

void mn__kh_refill_free(mn_kirchhoff *k)
{
    mn__free(k->ctx, k->rf_ptr);
    mn__free(k->ctx, k->rf_edge);
    mn__free(k->ctx, k->rf_gnd);
    k->rf_ptr = k->rf_edge = k->rf_gnd = NULL;
    k->rf_ngnd = 0;
    k->rf_analysis = 0;
}

/* the lists of the present analysis; 0 if they cannot be made (no memory, more than INT_MAX
 * references): the callers then take the edge-by-edge loops */
static int refill_lists(mn_kirchhoff *k)
{
    if (k->rf_analysis == k->n_analyse && k->rf_ptr) return 1;
    mn__kh_refill_free(k);
    size_t nf = k->nf, m = k->m;
    if (nf == 0 || 3 * m >= (size_t)INT_MAX / 2) return 0;
    size_t nnz = (size_t)((const int *)k->A->p)[nf];
    const int *eda = k->eda, *edb = k->edb, *emap = k->emap, *egr = k->egr;
    int *ptr = mn__calloc(k->ctx, nnz + 1, sizeof *ptr);
    size_t ng = 0;
    if (!ptr) return 0;
    for (size_t e = 0; e < m; e++) {
        if (eda[e] >= 0) ptr[eda[e] + 1]++;
        if (edb[e] >= 0) ptr[edb[e] + 1]++;
        if (emap[e] >= 0) ptr[emap[e] + 1]++;
        else if (egr[e] >= 0) ng++;
    }
    for (size_t p = 0; p < nnz; p++) ptr[p + 1] += ptr[p];
    int *edge = mn__calloc(k->ctx, (size_t)ptr[nnz] ? (size_t)ptr[nnz] : 1, sizeof *edge);
    int *gnd = mn__calloc(k->ctx, ng ? ng : 1, sizeof *gnd);
    int *next = mn__calloc(k->ctx, nnz ? nnz : 1, sizeof *next);
    if (!edge || !gnd || !next) {
        mn__free(k->ctx, ptr);
        mn__free(k->ctx, edge);
        mn__free(k->ctx, gnd);
        mn__free(k->ctx, next);
        return 0;
    }
    memcpy(next, ptr, nnz * sizeof *next);
    ng = 0;
    for (size_t e = 0; e < m; e++) {
        int ie = (int)e << 1;
        if (eda[e] >= 0) edge[next[eda[e]]++] = ie;
        if (edb[e] >= 0) edge[next[edb[e]]++] = ie | 1;
        if (emap[e] >= 0) edge[next[emap[e]]++] = ie;
        else if (egr[e] >= 0) gnd[ng++] = (int)e;
    }
    mn__free(k->ctx, next);
    k->rf_ptr = ptr;
    k->rf_edge = edge;
    k->rf_gnd = gnd;
    k->rf_ngnd = ng;
    k->rf_analysis = k->n_analyse;
    return 1;
}

typedef struct rf_job {
    mn_kirchhoff *k;
    const double *dG; /* sensitivity: dG; NULL: the refill */
    double *b;
    double gmax[MN__POOL_MAX], gmin[MN__POOL_MAX];
} rf_job;

/* columns [lo, hi) of A from the conductances */
static void rf_part(void *arg, int tid, int nt)
{
    rf_job *j = arg;
    const mn_kirchhoff *k = j->k;
    size_t lo, hi;
    mn__pool_block(k->nf, tid, nt, &lo, &hi);
    const int *Ap = k->A->p, *dpos = k->dpos, *ptr = k->rf_ptr, *edge = k->rf_edge;
    double *Ax = k->A->x;
    const double *G = k->G;
    double gmax = 0.0, gmin = INFINITY;
    for (size_t c = lo; c < hi; c++) {
        int d = dpos[c];
        for (int p = Ap[c]; p < Ap[c + 1]; p++) {
            double s = 0.0;
            if (p == d) {
                for (int q = ptr[p]; q < ptr[p + 1]; q++) {
                    double ge = G[edge[q] >> 1];
                    s += ge;
                    gmax = ge > gmax ? ge : gmax;
                    gmin = ge > 0.0 && ge < gmin ? ge : gmin;
                }
            } else {
                for (int q = ptr[p]; q < ptr[p + 1]; q++) s -= G[edge[q] >> 1];
            }
            Ax[p] = s;
        }
    }
    j->gmax[tid] = gmax;
    j->gmin[tid] = gmin;
}

/* rows [lo, hi) of the sensitivity's right-hand side: the diagonal entries' edges */
static void sens_part(void *arg, int tid, int nt)
{
    rf_job *j = arg;
    const mn_kirchhoff *k = j->k;
    size_t lo, hi;
    mn__pool_block(k->nf, tid, nt, &lo, &hi);
    const int *dpos = k->dpos, *ptr = k->rf_ptr, *edge = k->rf_edge;
    const double *dG = j->dG, *V = k->V, *S = k->emf;
    const unsigned char *fl = k->n_floating ? k->floating : NULL;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    double *b = j->b;
    for (size_t r = lo; r < hi; r++) {
        int d = dpos[r];
        double s = 0.0;
        for (int q = ptr[d]; q < ptr[d + 1]; q++) {
            size_t e = (size_t)(edge[q] >> 1);
            if (dG[e] == 0.0 || (fl && (fl[eu[e]] || fl[ev[e]]))) continue;
            double f = dG[e] * (V[e] + (S ? S[e] : 0.0));
            if (edge[q] & 1)
                s += f;
            else
                s -= f;
        }
        b[r] = s;
    }
}

/* threads for the refill and the sensitivities' right-hand sides; the lists are made (and
 * used) only for more than one: on one thread the edge-by-edge loops are as fast (at 1e5
 * junctions, where A is in the cache, faster) and need no lists */
static int rf_threads(const mn_kirchhoff *k)
{
    /* bytes touched: per edge three references (index and conductance), per entry A's value,
     * index and list pointer */
    size_t nnz = (size_t)((const int *)k->A->p)[k->nf];
    size_t bytes = k->m * 36 + nnz * 16;
    int nt = bytes < RF_MIN_BYTES ? 1 : mn__pool_threads(k->ctx, bytes);
    return k->nf >= 8 * (size_t)nt ? nt : 1;
}

/* the edge-by-edge refill (without the lists) */
static void refill_edges(mn_kirchhoff *k, double *gmaxp, double *gminp)
{
    double *Ax = k->A->x;
    int *Ap = k->A->p;
    size_t nnz = (size_t)Ap[k->nf];
    const double *G = k->G;
    memset(Ax, 0, nnz * sizeof *Ax);
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
    *gmaxp = gmax;
    *gminp = gmin;
}

static void refill(mn_kirchhoff *k)
{
    double *Ax = k->A->x;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    memset(k->ground, 0, (k->nf ? k->nf : 1) * sizeof *k->ground);
    double gmax = 0.0, gmin = INFINITY;
    int nt = rf_threads(k);
    if (nt > 1 && refill_lists(k)) {
        rf_job j;
        j.k = k;
        j.dG = NULL;
        j.b = NULL;
        mn__pool_run(k->ctx, nt, rf_part, &j);
        for (int t = 0; t < nt; t++) { /* max and min: exact in any order */
            gmax = j.gmax[t] > gmax ? j.gmax[t] : gmax;
            gmin = j.gmin[t] < gmin ? j.gmin[t] : gmin;
        }
        const double *G = k->G;
        const int *egr = k->egr, *gnd = k->rf_gnd;
        for (size_t q = 0; q < k->rf_ngnd; q++) k->ground[egr[gnd[q]]] += G[gnd[q]];
    } else {
        refill_edges(k, &gmax, &gmin);
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

void mn__kh_sens_rhs(mn_kirchhoff *k, const double *dG, double *b)
{
    size_t nf = k->nf;
    int nt = nf > 0 ? rf_threads(k) : 1;
    if (nt > 1 && refill_lists(k)) {
        rf_job j;
        j.k = k;
        j.dG = dG;
        j.b = b;
        mn__pool_run(k->ctx, nt, sens_part, &j);
        return;
    }
    const mn_index *eu = k->g->u, *ev = k->g->v;
    memset(b, 0, (nf ? nf : 1) * sizeof *b);
    for (size_t e = 0; e < k->m; e++) {
        mn_index u = eu[e], v = ev[e];
        if (dG[e] == 0.0 || u == v || k->floating[u] || k->floating[v]) continue;
        double f = dG[e] * (k->V[e] + (k->emf ? k->emf[e] : 0.0));
        int ru = k->role[u], rv = k->role[v];
        if (ru >= 0) b[ru] -= f;
        if (rv >= 0) b[rv] += f;
    }
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
