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
 * In parallel (mn__kh_super_solve_par, with the split of treesplit.c): forward, each thread
 * solves its subtrees, its updates to rows of the top part going to its private buffer (thread
 * 0 updates x itself), the buffers are added in thread order, then the caller solves the top
 * part; backward, the caller solves the top part first, then each thread its subtrees (these
 * only read the top rows). Every supernode's own arithmetic is the serial kernel's; only the
 * order in which the top rows receive their updates depends on the split, hence on the thread
 * count.
 */
#include "kirchhoff-impl.h"

/* forward step of supernode s: updates to rows below hi go to x, the others to out (x itself
 * in the serial solve) */
static inline void fwd_one(const cholmod_factor *L, size_t s, double *x, double *w, double *out,
                           int hi)
{
    const int *super = L->super, *pi = L->pi, *px = L->px, *Ls = L->s;
    int k1 = super[s], nscol = super[s + 1] - k1;
    int psi = pi[s], nsrow = pi[s + 1] - psi, ne = nsrow - nscol;
    const double *Xs = (const double *)L->x + px[s];
    const int *rows = Ls + psi + nscol;
    double *xs = x + k1;
    for (int i = 0; i < ne; i++) w[i] = 0.0;
    for (int j = 0; j < nscol; j++) {
        const double *col = Xs + (size_t)j * (size_t)nsrow;
        double xj = xs[j] / col[j];
        xs[j] = xj;
        for (int i = j + 1; i < nscol; i++) xs[i] -= col[i] * xj;
        const double *below = col + nscol;
        for (int i = 0; i < ne; i++) w[i] += below[i] * xj;
    }
    int isplit = ne; /* rows are ascending: the ones from hi on are at the end */
    while (isplit > 0 && rows[isplit - 1] >= hi) isplit--;
    for (int i = 0; i < isplit; i++) x[rows[i]] -= w[i];
    for (int i = isplit; i < ne; i++) out[rows[i]] -= w[i];
}

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
    for (int j = nscol - 1; j >= 0; j--) {
        const double *col = Xs + (size_t)j * (size_t)nsrow;
        const double *below = col + nscol;
        /* four partial sums: the long columns of the top separators are latency-bound
         * with a single accumulator */
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        int i = 0;
        for (; i + 4 <= ne; i += 4) {
            a0 += below[i] * w[i];
            a1 += below[i + 1] * w[i + 1];
            a2 += below[i + 2] * w[i + 2];
            a3 += below[i + 3] * w[i + 3];
        }
        for (; i < ne; i++) a0 += below[i] * w[i];
        double acc = (a0 + a1) + (a2 + a3);
        for (int r = j + 1; r < nscol; r++) acc += col[r] * xs[r];
        xs[j] = (xs[j] - acc) / col[j];
    }
}

/* Solve L L' x = b in place (x holds b on entry). w: at least L->maxesize doubles. */
void mn__kh_super_solve(const cholmod_factor *L, double *x, double *w)
{
    size_t nsuper = L->nsuper;
    int n = (int)L->n;
    for (size_t s = 0; s < nsuper; s++) fwd_one(L, s, x, w, x, n); /* forward: L y = b */
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
    double *w = tid == 0 ? j->w0 : sp->w[tid];
    double *out = tid == 0 ? j->x : sp->buf[tid];
    const int *super = j->L->super;
    for (int r = sp->roff[tid]; r < sp->roff[tid + 1]; r++) {
        int hi = super[sp->rs1[r]];
        for (int s = sp->rs0[r]; s < sp->rs1[r]; s++) fwd_one(j->L, (size_t)s, j->x, w, out, hi);
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
    for (int q = 0; q < sp->ntop; q++) fwd_one(L, (size_t)sp->top[q], x, w, x, n);
    for (int q = sp->ntop; q-- > 0;) bwd_one(L, (size_t)sp->top[q], x, w);
    mn__pool_run(ctx, nt, bwd_part, &j);
}
