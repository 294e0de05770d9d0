/*
 * Kirchhoff solver: triangular solves with a supernodal LL' factor, one right-hand side.
 *
 * CHOLMOD's supernodal solve calls BLAS-2 (trsv, gemv) once per supernode. The supernodes of
 * stick networks are small (most have a few columns), so the call overhead dominates and that
 * solve is 2.5-5x slower than a simplicial one on the same matrix. Converting the factor to
 * simplicial for repeated solves (PCG) costs a conversion, and the next refactorisation then
 * has to allocate and fault in the supernodal values again (at 10^7 junctions about 1 GB per
 * output sample). This file solves with the supernodal factor in place, with plain loops:
 * per supernode a dense triangular solve on its diagonal block and one pass over the rows
 * below it (gathered/scattered through a workspace), i.e. the simplicial solve's flops with
 * the supernodal layout's contiguous columns.
 *
 * Layout (CHOLMOD, int version): supernode s has columns super[s] .. super[s+1]-1; its row
 * indices are s[pi[s] .. pi[s+1]-1], the first nscol of them being its own columns in order;
 * its values are an nsrow x nscol column-major block at x[px[s]]. The factor's permutation is
 * the identity here (analyse.c renumbers the rows by it), so A = L L'.
 *
 * The kernels (stick networks at 1e5 junctions: 70% of L's entries in supernodes of 9-16
 * columns with about 22 rows below, 38% of the supernodes of one column): the diagonal
 * blocks multiply by the pivots' reciprocals, computed per supernode ahead of the chain of
 * unknowns (a division's latency on that chain was the forward solve's largest cost); the
 * forward solve's rows below go row by row, four at a time, each row's sum kept in a register
 * and subtracted from its unknown (no workspace); the backward solve gathers the rows below
 * once and takes the products of four columns with them per pass, two doubles per vector
 * operation. The sums are the ones of the column-by-column loops, in their order, except the
 * pivots (a product with the reciprocal instead of a quotient) and the backward diagonal
 * block (each unknown taken off the earlier ones' right-hand sides as soon as it is known).
 *
 * In parallel (mn__kh_super_solve_par, with the split of treesplit.c): forward, each thread
 * solves its subtrees, its updates to rows of the top part going to its private buffer (thread
 * 0 updates x itself), the buffers are added in thread order, then the caller solves the top
 * part; backward, the caller solves the top part first, then each thread its subtrees (these
 * only read the top rows). Every supernode's own arithmetic is the serial kernel's; only the
 * order in which the top rows receive their updates depends on the split, hence on the thread
 * count.
 */
#include "kirchhoff-impl.h"

#include <string.h>

/* Two doubles as one vector (SSE2 on x86-64, NEON on AArch64) through GCC's and Clang's vector
 * extension: the element-wise products and sums of IEEE doubles are the scalar ones, so the
 * kernels below give the bits of the scalar loops they replace (ISO C mode: no contraction to
 * fused multiply-adds). GCC -O2 does not vectorise these loops itself (its "very cheap" cost
 * model refuses loops that need a scalar epilogue). Other compilers: the scalar loops. */
#if defined(__GNUC__) || defined(__clang__)
#define MN__SS_VEC 1
typedef double ss_v2 __attribute__((vector_size(16)));
static inline ss_v2 ss_ld(const double *p)
{
    ss_v2 v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline ss_v2 ss_bc(double a)
{
    ss_v2 v = {a, a};
    return v;
}
#else
#define MN__SS_VEC 0
#endif

/* reciprocals of the pivots computed at once, per chunk of a supernode's columns */
enum { SS_RCHUNK = 32 };

/* rows [i0, i1) of the block below a supernode's diagonal: out[rows[i]] -= sum_j below_j[i]
 * xs[j], the sum from 0 in ascending j: per row the operations, in order, of updating a
 * workspace column by column (w_i = 0, w_i += below_j[i] xs[j] for j = 0, 1, ..) and then
 * subtracting it, without storing the workspace; the rows in fours, each column's entries of
 * them loaded once */
static inline void fwd_rows(const double *restrict below, int nsrow, int nscol,
                            const double *restrict xs, const int *restrict rows, double *out,
                            int i0, int i1)
{
    int i = i0;
#if MN__SS_VEC
    for (; i + 4 <= i1; i += 4) {
        const double *p = below + i;
        ss_v2 a = {0.0, 0.0}, c = {0.0, 0.0};
        for (int j = 0; j < nscol; j++, p += nsrow) {
            ss_v2 xj = ss_bc(xs[j]);
            a += ss_ld(p) * xj;
            c += ss_ld(p + 2) * xj;
        }
        out[rows[i]] -= a[0];
        out[rows[i + 1]] -= a[1];
        out[rows[i + 2]] -= c[0];
        out[rows[i + 3]] -= c[1];
    }
    if (i + 2 <= i1) {
        const double *p = below + i;
        ss_v2 a = {0.0, 0.0};
        for (int j = 0; j < nscol; j++, p += nsrow) a += ss_ld(p) * ss_bc(xs[j]);
        out[rows[i]] -= a[0];
        out[rows[i + 1]] -= a[1];
        i += 2;
    }
#endif
    for (; i < i1; i++) {
        const double *p = below + i;
        double a = 0.0;
        for (int j = 0; j < nscol; j++, p += nsrow) a += *p * xs[j];
        out[rows[i]] -= a;
    }
}

/* forward step of supernode s: updates to rows below hi go to x, the others to out (x itself
 * in the serial solve) */
static inline void fwd_one(const cholmod_factor *L, size_t s, double *x, double *out, int hi)
{
    const int *super = L->super, *pi = L->pi, *px = L->px, *Ls = L->s;
    int k1 = super[s], nscol = super[s + 1] - k1;
    int psi = pi[s], nsrow = pi[s + 1] - psi, ne = nsrow - nscol;
    const double *Xs = (const double *)L->x + px[s];
    const int *rows = Ls + psi + nscol;
    double *xs = x + k1;
    /* the diagonal block, column by column, multiplying by the pivots' reciprocals: these
     * are computed ahead (independent divisions, pipelined), so that a division's latency is
     * not on the chain from one unknown to the next */
    for (int j0 = 0; j0 < nscol; j0 += SS_RCHUNK) {
        int jn = nscol - j0 < SS_RCHUNK ? nscol - j0 : SS_RCHUNK;
        double rinv[SS_RCHUNK];
        for (int c = 0; c < jn; c++)
            rinv[c] = 1.0 / Xs[(size_t)(j0 + c) * (size_t)nsrow + (size_t)(j0 + c)];
        for (int c = 0; c < jn; c++) {
            int j = j0 + c;
            const double *col = Xs + (size_t)j * (size_t)nsrow;
            double xj = xs[j] * rinv[c];
            xs[j] = xj;
            for (int i = j + 1; i < nscol; i++) xs[i] -= col[i] * xj;
        }
    }
    /* the rows below, row by row; rows are ascending: the ones from hi on are at the end */
    int isplit = ne;
    while (isplit > 0 && rows[isplit - 1] >= hi) isplit--;
    const double *below = Xs + nscol;
    fwd_rows(below, nsrow, nscol, xs, rows, x, 0, isplit);
    if (isplit < ne) fwd_rows(below, nsrow, nscol, xs, rows, out, isplit, ne);
}

/* the dot product of column below (ne rows) with w in four partial sums by the row index
 * modulo 4, added as (s0 + s1) + (s2 + s3): the long columns of the top separators are
 * latency-bound with a single accumulator */
static inline double bwd_dot(const double *restrict below, const double *restrict w, int ne)
{
    int i = 0;
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
#if MN__SS_VEC
    ss_v2 s01 = {0.0, 0.0}, s23 = {0.0, 0.0};
    for (; i + 4 <= ne; i += 4) {
        s01 += ss_ld(below + i) * ss_ld(w + i);
        s23 += ss_ld(below + i + 2) * ss_ld(w + i + 2);
    }
    a0 = s01[0], a1 = s01[1], a2 = s23[0], a3 = s23[1];
#else
    for (; i + 4 <= ne; i += 4) {
        a0 += below[i] * w[i];
        a1 += below[i + 1] * w[i + 1];
        a2 += below[i + 2] * w[i + 2];
        a3 += below[i + 3] * w[i + 3];
    }
#endif
    for (; i < ne; i++) a0 += below[i] * w[i];
    return (a0 + a1) + (a2 + a3);
}

#if MN__SS_VEC
/* bwd_dot of four columns b0..b3 at once (w loaded once for the four), the same sums, into
 * d[3], d[2], d[1], d[0] (b0 the last column of the four) */
static inline void bwd_dot4(const double *restrict b0, const double *restrict b1,
                            const double *restrict b2, const double *restrict b3,
                            const double *restrict w, int ne, double *restrict d)
{
    ss_v2 z = {0.0, 0.0};
    ss_v2 p0 = z, q0 = z, p1 = z, q1 = z, p2 = z, q2 = z, p3 = z, q3 = z;
    int i = 0;
    for (; i + 4 <= ne; i += 4) {
        ss_v2 wl = ss_ld(w + i), wh = ss_ld(w + i + 2);
        p0 += ss_ld(b0 + i) * wl;
        q0 += ss_ld(b0 + i + 2) * wh;
        p1 += ss_ld(b1 + i) * wl;
        q1 += ss_ld(b1 + i + 2) * wh;
        p2 += ss_ld(b2 + i) * wl;
        q2 += ss_ld(b2 + i + 2) * wh;
        p3 += ss_ld(b3 + i) * wl;
        q3 += ss_ld(b3 + i + 2) * wh;
    }
    double a[4][4] = {{p0[0], p0[1], q0[0], q0[1]},
                      {p1[0], p1[1], q1[0], q1[1]},
                      {p2[0], p2[1], q2[0], q2[1]},
                      {p3[0], p3[1], q3[0], q3[1]}};
    for (; i < ne; i++) {
        a[0][0] += b0[i] * w[i];
        a[1][0] += b1[i] * w[i];
        a[2][0] += b2[i] * w[i];
        a[3][0] += b3[i] * w[i];
    }
    for (int c = 0; c < 4; c++) d[3 - c] = (a[c][0] + a[c][1]) + (a[c][2] + a[c][3]);
}
#endif

/* backward step of supernode s */
static inline void bwd_one(const cholmod_factor *L, size_t s, double *x, double *w)
{
    const int *super = L->super, *pi = L->pi, *px = L->px, *Ls = L->s;
    int k1 = super[s], nscol = super[s + 1] - k1;
    int psi = pi[s], nsrow = pi[s + 1] - psi, ne = nsrow - nscol;
    const double *Xs = (const double *)L->x + px[s];
    const int *rows = Ls + psi + nscol;
    double *xs = x + k1;
    for (int i = 0; i < ne; i++) w[i] = x[rows[i]];
    /* the products of the columns' parts below the diagonal block with the rows below (they
     * do not depend on the supernode's own unknowns), four columns at a time, into d */
    double d[SS_RCHUNK], rinv[SS_RCHUNK];
    size_t ns = (size_t)nsrow;
    const double *b = Xs + nscol;
    for (int j1 = nscol; j1 > 0; j1 -= SS_RCHUNK) {
        int j0 = j1 > SS_RCHUNK ? j1 - SS_RCHUNK : 0; /* columns j0 .. j1-1, descending */
        int j = j1 - 1;
#if MN__SS_VEC
        for (; j >= j0 + 3; j -= 4)
            bwd_dot4(b + (size_t)j * ns, b + (size_t)(j - 1) * ns, b + (size_t)(j - 2) * ns,
                     b + (size_t)(j - 3) * ns, w, ne, d + (j - 3 - j0));
#endif
        for (; j >= j0; j--) d[j - j0] = bwd_dot(b + (size_t)j * ns, w, ne);
        for (j = j0; j < j1; j++) rinv[j - j0] = 1.0 / Xs[(size_t)j * ns + (size_t)j];
        /* the unknowns, last first; each one, once known, is taken off the right-hand sides
         * of all the columns before it (row j of their columns: the updates of one unknown
         * are independent of each other, and the chain from one unknown to the next is one
         * product and difference besides the multiplication by the pivot's reciprocal) */
        for (j = j0; j < j1; j++) xs[j] -= d[j - j0];
        for (j = j1 - 1; j >= j0; j--) {
            double xj = xs[j] * rinv[j - j0];
            xs[j] = xj;
            const double *row = Xs + j;
            for (int i = 0; i < j; i++) xs[i] -= row[(size_t)i * ns] * xj;
        }
    }
}

/* Solve L L' x = b in place (x holds b on entry). w: at least L->maxesize doubles. */
void mn__kh_super_solve(const cholmod_factor *L, double *x, double *w)
{
    size_t nsuper = L->nsuper;
    int n = (int)L->n;
    for (size_t s = 0; s < nsuper; s++) fwd_one(L, s, x, x, n); /* forward: L y = b */
    for (size_t s = nsuper; s-- > 0;) bwd_one(L, s, x, w);          /* backward: L' x = y */
}

typedef struct ss_job {
    const cholmod_factor *L;
    const mn__kh_split *sp;
    double *x, *w0;
} ss_job;

static void fwd_part(void *arg, int tid, int nthreads)
{
    const ss_job *j = arg;
    const mn__kh_split *sp = j->sp;
    (void)nthreads;
    double *out = tid == 0 ? j->x : sp->buf[tid];
    const int *super = j->L->super;
    for (int r = sp->roff[tid]; r < sp->roff[tid + 1]; r++) {
        int hi = super[sp->rs1[r]];
        for (int s = sp->rs0[r]; s < sp->rs1[r]; s++) fwd_one(j->L, (size_t)s, j->x, out, hi);
    }
}

static void bwd_part(void *arg, int tid, int nthreads)
{
    const ss_job *j = arg;
    const mn__kh_split *sp = j->sp;
    (void)nthreads;
    double *w = tid == 0 ? j->w0 : sp->w[tid];
    for (int r = sp->roff[tid + 1]; r-- > sp->roff[tid];)
        for (int s = sp->rs1[r]; s-- > sp->rs0[r];) bwd_one(j->L, (size_t)s, j->x, w);
}

/* The same solve with sp->nthreads threads of ctx's pool (sp: treesplit.c, for this factor's
 * symbolic structure). */
void mn__kh_super_solve_par(mn_context *ctx, const mn__kh_split *sp, const cholmod_factor *L,
                            double *x, double *w)
{
    ss_job j = {L, sp, x, w};
    const int *super = L->super;
    int n = (int)L->n, nt = sp->nthreads;
    mn__pool_run(ctx, nt, fwd_part, &j);
    for (int q = 0; q < sp->ntop; q++) { /* the buffers' updates to the top rows, in order */
        int s = sp->top[q];
        for (int t = 1; t < nt; t++) {
            double *b = sp->buf[t];
            for (int c = super[s]; c < super[s + 1]; c++) {
                x[c] += b[c];
                b[c] = 0.0;
            }
        }
    }
    for (int q = 0; q < sp->ntop; q++) fwd_one(L, (size_t)sp->top[q], x, x, n);
    for (int q = sp->ntop; q-- > 0;) bwd_one(L, (size_t)sp->top[q], x, w);
    mn__pool_run(ctx, nt, bwd_part, &j);
}
