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

/* the product's layout (below) */
static void tr_free(mn_kirchhoff *k)
{
    mn__free(k->ctx, k->tr_off);
    mn__free(k->ctx, k->tr_wt);
    mn__free(k->ctx, k->tr_wu);
    mn__free(k->ctx, k->tr_col);
    mn__free(k->ctx, k->tr_val);
    mn__free(k->ctx, k->tr_slot);
    k->tr_off = NULL;
    k->tr_wt = k->tr_wu = k->tr_col = k->tr_slot = NULL;
    k->tr_val = NULL;
    k->tr_analysis = 0;
}

/* the refill's lists and the product's layout */
void mn__kh_refill_free(mn_kirchhoff *k)
{
    mn__free(k->ctx, k->rf_ptr);
    mn__free(k->ctx, k->rf_edge);
    mn__free(k->ctx, k->rf_gnd);
    k->rf_ptr = k->rf_edge = k->rf_gnd = NULL;
    k->rf_ngnd = 0;
    k->rf_analysis = 0;
    tr_free(k);
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
    k->a_version++;
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

/*
 * The product by rows, four rows at a time. The column loops above scatter a_ij x_j into y_i
 * for every column j != i and add column i's own sum; their inner loops are a few entries long
 * (a stick network's node has about 8 neighbours), so the exit of nearly every one is a
 * mispredicted branch, and each entry is a read-modify-write of y. Here A is laid out by rows
 * in chunks of four consecutive rows, each row's entries in two parts padded with zeros to the
 * longest of the chunk's four: the entries (i, j) that column j scatters into row i (ascending
 * j: the scatter's order) and column i's own entries (its stored order). Per chunk the sums of
 * the four rows are taken together, two rows per vector operation, in the column loop's
 * order: stored as the lower triangle (supernodal factors) the scatters reach row i before its
 * own column, y_i = t + u with both sums from 0; stored as the upper one (simplicial factors)
 * after it, y_i = ((0 + u) + a_ij1 x_j1) + .... The same operations in the same order, plus
 * additions of zero products (which change nothing but the sign of a zero sum), so the same
 * values. One loop exit per part and four rows, no stores but y. Every row is computed by one
 * thread, so on the pool the result does not depend on the thread count either.
 *
 * The layout is made once per analysis; the values are copied into it (through tr_slot) after
 * each refill of A, when a product needs them. Memory: about 2.5x A's values and indices.
 */

/* the layout of the present analysis with the present values; 0 if it cannot be made (no
 * memory, more than INT_MAX slots) */
static int tr_layout(mn_kirchhoff *k)
{
    size_t nf = k->nf;
    if (k->A->stype == 0 || nf == 0) return 0;
    const int *Ap = k->A->p, *Ai = k->A->i;
    size_t nnz = (size_t)Ap[nf];
    if (k->tr_analysis != k->n_analyse || !k->tr_off) {
        tr_free(k);
        size_t nch = (nf + 3) / 4;
        int *cnt = mn__calloc(k->ctx, nf, sizeof *cnt);
        size_t *off = mn__calloc(k->ctx, nch + 1, sizeof *off);
        int *wt = mn__calloc(k->ctx, nch, sizeof *wt), *wu = mn__calloc(k->ctx, nch, sizeof *wu);
        int *slot = mn__calloc(k->ctx, 2 * nnz, sizeof *slot);
        int *col = NULL;
        double *val = NULL;
        if (!cnt || !off || !wt || !wu || !slot) goto fail;
        for (size_t j = 0; j < nf; j++) {
            for (int p = Ap[j]; p < Ap[j + 1]; p++)
                if (Ai[p] != (int)j) cnt[Ai[p]]++;
            int nu = Ap[j + 1] - Ap[j];
            wu[j / 4] = nu > wu[j / 4] ? nu : wu[j / 4];
        }
        for (size_t i = 0; i < nf; i++) wt[i / 4] = cnt[i] > wt[i / 4] ? cnt[i] : wt[i / 4];
        for (size_t c = 0; c < nch; c++) off[c + 1] = off[c] + 4 * (size_t)(wt[c] + wu[c]);
        if (off[nch] >= (size_t)INT_MAX) goto fail;
        col = mn__calloc(k->ctx, off[nch] ? off[nch] : 1, sizeof *col);
        val = mn__calloc(k->ctx, off[nch] ? off[nch] : 1, sizeof *val);
        if (!col || !val) goto fail;
        for (size_t c = 0; c < nch; c++) /* the padding reads x at the chunk's first row */
            for (size_t q = off[c]; q < off[c + 1]; q++) col[q] = (int)(4 * c);
        memset(cnt, 0, nf * sizeof *cnt);
        for (size_t j = 0; j < nf; j++) {
            size_t c = j / 4, r = j % 4;
            for (int p = Ap[j]; p < Ap[j + 1]; p++) {
                size_t su = off[c] + 4 * (size_t)wt[c] + 4 * (size_t)(p - Ap[j]) + r;
                col[su] = Ai[p];
                slot[2 * (size_t)p] = (int)su;
                slot[2 * (size_t)p + 1] = -1;
                if (Ai[p] == (int)j) continue;
                size_t i = (size_t)Ai[p], ci = i / 4;
                size_t st = off[ci] + 4 * (size_t)cnt[i]++ + i % 4;
                col[st] = (int)j;
                slot[2 * (size_t)p + 1] = (int)st;
            }
        }
        mn__free(k->ctx, cnt);
        k->tr_off = off;
        k->tr_wt = wt;
        k->tr_wu = wu;
        k->tr_col = col;
        k->tr_val = val;
        k->tr_slot = slot;
        k->tr_analysis = k->n_analyse;
        k->tr_version = k->a_version - 1;
        goto done;
    fail:
        mn__free(k->ctx, cnt);
        mn__free(k->ctx, off);
        mn__free(k->ctx, wt);
        mn__free(k->ctx, wu);
        mn__free(k->ctx, slot);
        mn__free(k->ctx, col);
        mn__free(k->ctx, val);
        return 0;
    }
done:
    if (k->tr_version != k->a_version) {
        const double *Ax = k->A->x;
        const int *slot = k->tr_slot;
        double *val = k->tr_val;
        for (size_t p = 0; p < nnz; p++) {
            val[slot[2 * p]] = Ax[p];
            if (slot[2 * p + 1] >= 0) val[slot[2 * p + 1]] = Ax[p];
        }
        k->tr_version = k->a_version;
    }
    return 1;
}

typedef struct tr_job {
    const mn_kirchhoff *k;
    int mode; /* 0: y = A x; MN__KH_MV_DOT, MN__KH_MV_RESID: mn__kh_spmv_fused */
    const double *x, *b;
    double *y, *bs;
    double part[MN__POOL_MAX];
} tr_job;

#if defined(__GNUC__) || defined(__clang__)
typedef double tr_v2 __attribute__((vector_size(16)));
#define TR_VEC 1
#else
#define TR_VEC 0
#endif

/* the sums of four rows over w slots of four (their values v, columns c), from s0 */
static inline void tr_sum4(const double *restrict v, const int *restrict c,
                           const double *restrict x, int w, const double s0[4], double s[4])
{
#if TR_VEC
    tr_v2 a = {s0[0], s0[1]}, b = {s0[2], s0[3]};
    for (int l = 0; l < w; l++, v += 4, c += 4) {
        tr_v2 va, vb, xa = {x[c[0]], x[c[1]]}, xb = {x[c[2]], x[c[3]]};
        memcpy(&va, v, sizeof va);
        memcpy(&vb, v + 2, sizeof vb);
        a += va * xa;
        b += vb * xb;
    }
    s[0] = a[0], s[1] = a[1], s[2] = b[0], s[3] = b[1];
#else
    double a0 = s0[0], a1 = s0[1], a2 = s0[2], a3 = s0[3];
    for (int l = 0; l < w; l++, v += 4, c += 4) {
        a0 += v[0] * x[c[0]];
        a1 += v[1] * x[c[1]];
        a2 += v[2] * x[c[2]];
        a3 += v[3] * x[c[3]];
    }
    s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3;
#endif
}

/* rows [lo, hi) of the product (the pool's block tid: lo is a multiple of 8) */
static void tr_part(void *arg, int tid, int nt)
{
    tr_job *jb = arg;
    const mn_kirchhoff *k = jb->k;
    size_t nf = k->nf, lo, hi;
    mn__pool_block(nf, tid, nt, &lo, &hi);
    const size_t *off = k->tr_off;
    const int *wt = k->tr_wt, *wu = k->tr_wu, *col = k->tr_col;
    const double *val = k->tr_val, *x = jb->x, *b = jb->b;
    double *y = jb->y, *bs = jb->bs;
    int mode = jb->mode, lower = k->A->stype < 0;
    static const double zero[4] = {0.0, 0.0, 0.0, 0.0};
    double s = 0.0;
    for (size_t c = lo / 4; 4 * c < hi; c++) {
        double t[4], u[4], y4[4];
        size_t q = off[c], qu = q + 4 * (size_t)wt[c];
        tr_sum4(val + qu, col + qu, x, wu[c], zero, u);
        if (lower) { /* y_i = t + u */
            tr_sum4(val + q, col + q, x, wt[c], zero, t);
            for (int r = 0; r < 4; r++) y4[r] = t[r] + u[r];
        } else { /* y_i = (0 + u) + the entries right of the diagonal, one by one */
            for (int r = 0; r < 4; r++) t[r] = 0.0 + u[r];
            tr_sum4(val + q, col + q, x, wt[c], t, y4);
        }
        size_t n4 = hi - 4 * c < 4 ? hi - 4 * c : 4;
        for (size_t r = 0; r < n4; r++) {
            size_t i = 4 * c + r;
            double v = y4[r];
            if (mode == MN__KH_MV_RESID) {
                v = b[i] - v;
                bs[i] = v;
                s += v * v;
            } else if (mode == MN__KH_MV_DOT) {
                s += x[i] * v;
            }
            y[i] = v;
        }
    }
    jb->part[tid] = s;
}

static double tr_run(mn_kirchhoff *k, int nt, tr_job *jb)
{
    if (nt > 1)
        mn__pool_run(k->ctx, nt, tr_part, jb);
    else
        tr_part(jb, 0, 1);
    double s = jb->part[0];
    for (int t = 1; t < nt; t++) s += jb->part[t];
    return s;
}

double mn__kh_spmv_fused(mn_kirchhoff *k, int nt, int mode, const double *x, const double *b,
                         double *y, double *bs)
{
    if (!tr_layout(k)) return NAN;
    tr_job jb;
    jb.k = k;
    jb.mode = mode;
    jb.x = x;
    jb.b = b;
    jb.y = y;
    jb.bs = bs;
    return tr_run(k, nt, &jb);
}

/* y = A x, A symmetric, one triangle stored (either): by rows (above), on the pool's threads
 * when the product is large enough; by columns if the layout cannot be made. */
void mn__kh_spmv(mn_kirchhoff *k, const double *x, double *y)
{
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    size_t nf = k->nf;
    if (nf > 0 && tr_layout(k)) {
        size_t work = (size_t)Ap[nf] * 30 + nf * 24;
        tr_job jb;
        jb.k = k;
        jb.mode = 0;
        jb.x = x;
        jb.b = NULL;
        jb.y = y;
        jb.bs = NULL;
        (void)tr_run(k, mn__pool_threads(k->ctx, work), &jb);
        return;
    }
    if (k->A->stype < 0 && nf > 0) {
        spmv_low_serial(Ap, Ai, Ax, x, y, nf);
        return;
    }
    memset(y, 0, nf * sizeof *y);
    for (size_t j = 0; j < nf; j++) spmv_col(Ap, Ai, Ax, x, y, y, j, nf);
}
