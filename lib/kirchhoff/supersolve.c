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
 */
#include "kirchhoff-impl.h"

/* Solve L L' x = b in place (x holds b on entry). w: at least L->maxesize doubles. */
void mn__kh_super_solve(const cholmod_factor *L, double *x, double *w)
{
    const int *super = L->super, *pi = L->pi, *px = L->px, *Ls = L->s;
    const double *Lx = L->x;
    size_t nsuper = L->nsuper;
    /* forward: L y = b */
    for (size_t s = 0; s < nsuper; s++) {
        int k1 = super[s], nscol = super[s + 1] - k1;
        int psi = pi[s], nsrow = pi[s + 1] - psi, ne = nsrow - nscol;
        const double *Xs = Lx + px[s];
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
        for (int i = 0; i < ne; i++) x[rows[i]] -= w[i];
    }
    /* backward: L' x = y */
    for (size_t s = nsuper; s-- > 0;) {
        int k1 = super[s], nscol = super[s + 1] - k1;
        int psi = pi[s], nsrow = pi[s + 1] - psi, ne = nsrow - nscol;
        const double *Xs = Lx + px[s];
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
}
