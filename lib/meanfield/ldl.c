/* Sparse LDL' factorisation of a symmetric positive definite matrix already in its
 * fill-reducing order, for the one-shot factorisation of the leverage sketch (sketch.c):
 * elimination tree and column counts in O(nnz(L)), then the up-looking numeric factorisation
 * (row k of L from a sparse triangular solve along the elimination tree; Davis, "Direct Methods
 * for Sparse Linear Systems", SIAM 2006, ch. 4). Without CHOLMOD's transposes and copies, which
 * cost as much as the factorisation itself for one factorisation of a sparse 2-D network. */
#include "meanfield-private.h"

#include <limits.h>
#include <string.h>

mn_status mn__mf_ldl(mn_context *ctx, size_t n, const int *Cp, const int *Ci, const double *Cx,
                     int **Lp_out, int **Li_out, double **Lx_out)
{
    mn_status st = MN_OK;
    size_t na = n ? n : 1;
    int *parent = mn__malloc_or_err(ctx, na, sizeof(int), "LDL'");
    int *flag = mn__malloc_or_err(ctx, na, sizeof(int), "LDL'");
    int *cnt = mn__malloc_or_err(ctx, na, sizeof(int), "LDL'");
    int *pat = mn__malloc_or_err(ctx, na, sizeof(int), "LDL'");
    double *y = mn__calloc_or_err(ctx, na, sizeof(double), "LDL'");
    int *Lp = mn__malloc_or_err(ctx, n + 1, sizeof(int), "LDL'");
    int *Li = NULL;
    double *Lx = NULL;
    if (!parent || !flag || !cnt || !pat || !y || !Lp) MN__FAIL(MN_ERR_NOMEM);
    /* symbolic: row k of L is the union of the tree paths from the rows of C(0:k-1, k) to k */
    for (size_t k = 0; k < n; k++) {
        parent[k] = -1;
        flag[k] = (int)k;
        cnt[k] = 0;
        for (int p = Cp[k]; p < Cp[k + 1]; p++)
            for (int i = Ci[p]; i < (int)k && flag[i] != (int)k; i = parent[i]) {
                if (parent[i] == -1) parent[i] = (int)k;
                cnt[i]++;
                flag[i] = (int)k;
            }
    }
    /* column j: its diagonal first, then the rows below in increasing order */
    Lp[0] = 0;
    for (size_t j = 0; j < n; j++) {
        if ((size_t)Lp[j] + (size_t)cnt[j] + 1 > (size_t)INT_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "LDL': the factor would have more than %d "
                               "entries", INT_MAX));
        Lp[j + 1] = Lp[j] + cnt[j] + 1;
    }
    size_t lnz = (size_t)Lp[n];
    Li = mn__malloc_or_err(ctx, lnz ? lnz : 1, sizeof(int), "LDL' factor");
    Lx = mn__malloc_or_err(ctx, lnz ? lnz : 1, sizeof(double), "LDL' factor");
    if (!Li || !Lx) MN__FAIL(MN_ERR_NOMEM);
    /* numeric, row by row: L(k, 0:k-1) D solves L(0:k-1, 0:k-1) y = C(0:k-1, k) */
    for (size_t k = 0; k < n; k++) {
        size_t top = n;
        flag[k] = (int)k;
        cnt[k] = 0;
        double dk = 0;
        for (int p = Cp[k]; p < Cp[k + 1]; p++) {
            int i = Ci[p];
            if (i == (int)k) {
                dk += Cx[p];
                continue;
            }
            y[i] += Cx[p];
            size_t len = 0;
            for (; flag[i] != (int)k; i = parent[i]) {
                pat[len++] = i; /* a path from i towards k, stacked in reverse */
                flag[i] = (int)k;
            }
            while (len > 0) pat[--top] = pat[--len];
        }
        for (; top < n; top++) { /* the reach in topological order */
            int i = pat[top];
            double yi = y[i];
            y[i] = 0;
            int p0 = Lp[i] + 1, p1 = p0 + cnt[i];
            for (int p = p0; p < p1; p++) y[Li[p]] -= Lx[p] * yi;
            double lki = yi / Lx[Lp[i]];
            dk -= lki * yi;
            Li[p1] = (int)k;
            Lx[p1] = lki;
            cnt[i]++;
        }
        if (!(dk > 0))
            MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "LDL': pivot %zu is %g (matrix not positive "
                               "definite)", k, dk));
        Li[Lp[k]] = (int)k;
        Lx[Lp[k]] = dk;
    }
    *Lp_out = Lp, *Li_out = Li, *Lx_out = Lx;
    Lp = NULL, Li = NULL, Lx = NULL;
cleanup:
    mn__free(ctx, parent);
    mn__free(ctx, flag);
    mn__free(ctx, cnt);
    mn__free(ctx, pat);
    mn__free(ctx, y);
    mn__free(ctx, Lp);
    mn__free(ctx, Li);
    mn__free(ctx, Lx);
    return st;
}

void mn__mf_ldl_solve(size_t n, const int *Lp, const int *Li, const double *Lx, double *x)
{
    for (size_t j = 0; j < n; j++) { /* L y = b */
        double xj = x[j];
        if (xj != 0)
            for (int p = Lp[j] + 1; p < Lp[j + 1]; p++) x[Li[p]] -= Lx[p] * xj;
    }
    for (size_t j = 0; j < n; j++) x[j] /= Lx[Lp[j]]; /* D z = y */
    for (size_t j = n; j-- > 0;) { /* L' x = z */
        double acc = x[j];
        for (int p = Lp[j] + 1; p < Lp[j + 1]; p++) acc -= Lx[p] * x[Li[p]];
        x[j] = acc;
    }
}
