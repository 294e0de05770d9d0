/* Kirchhoff solver: the cancellation-free elimination for extreme conductance ratios. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

/*
 * Cancellation-free LDL' of the grounded Laplacian (GTH-style elimination): the off-diagonal
 * entries of every Schur complement are sums of terms of one sign, the grounding (conductance
 * to held nodes) of the remaining nodes is propagated as a positive sum, and each pivot is
 * computed as grounding + sum |off-diagonals| instead of by subtraction. This keeps full
 * relative accuracy when conductances inside a component differ by more than 1e16 (a cluster
 * of 10 S junctions held through a 1e-90 S tunnel gap), where the ordinary Cholesky pivot
 * 10 + 1e-90 - 10 rounds to 0. Left-looking simplicial on the pattern of CHOLMOD's simplicial
 * LDL' factor (same permutation), so cholmod_solve2 and the PCG path use it unchanged.
 */
static mn_status gth_setup(mn_kirchhoff *k)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf;
    if (k->pap && k->L_is_gth) return MN_OK;
    /* simplicial pattern: factorise a dummy SPD matrix of the same pattern */
    double *Ax = k->A->x;
    int *Ap = k->A->p, *Ai = k->A->i;
    size_t nnz = (size_t)Ap[nf];
    double *save = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof *save, "GTH setup");
    if (!save) return MN_ERR_NOMEM;
    memcpy(save, Ax, nnz * sizeof *Ax);
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) Ax[p] = (size_t)Ai[p] == j ? (double)(nf + 1) : -1e-3;
    cholmod_free_factor(&k->L, &k->cm);
    k->L = cholmod_copy_factor(k->Lsym, &k->cm);
    int omp = mn__serial_begin();
    int ok = k->L && cholmod_factorize(k->A, k->L, &k->cm) &&
             cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm);
    mn__serial_end(omp);
    memcpy(Ax, save, nnz * sizeof *Ax);
    mn__free(ctx, save);
    if (!ok) return mn__kh_chol_err(k, "GTH pattern");
    k->L_is_gth = 1;
    if (k->pap) return MN_OK;
    /* lower triangle of P A P^T by columns */
    size_t nfa = nf ? nf : 1;
    k->pap = mn__calloc_or_err(ctx, nf + 1, sizeof(int), "GTH");
    k->pai = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof(int), "GTH");
    k->pamap = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof(int), "GTH");
    k->gw_head = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_link = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_pos = mn__malloc_or_err(ctx, nfa, sizeof(int), "GTH");
    k->gw_x = mn__calloc_or_err(ctx, nfa, sizeof(double), "GTH");
    k->gw_s = mn__calloc_or_err(ctx, nfa, sizeof(double), "GTH");
    if (!k->pap || !k->pai || !k->pamap || !k->gw_head || !k->gw_link || !k->gw_pos || !k->gw_x ||
        !k->gw_s)
        return MN_ERR_NOMEM;
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int a = k->ipos[Ai[p]], b = k->ipos[j];
            k->pap[(a < b ? a : b) + 1]++;
        }
    for (size_t j = 0; j < nf; j++) k->pap[j + 1] += k->pap[j];
    int *fill = k->gw_pos;
    for (size_t j = 0; j < nf; j++) fill[j] = k->pap[j];
    for (size_t j = 0; j < nf; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int a = k->ipos[Ai[p]], b = k->ipos[j];
            int c = a < b ? a : b, r = a < b ? b : a;
            k->pai[fill[c]] = r;
            k->pamap[fill[c]++] = p;
        }
    return MN_OK;
}

mn_status mn__kh_gth_factor(mn_kirchhoff *k)
{
    mn_status st = gth_setup(k);
    if (st != MN_OK) return st;
    cholmod_factor *L = k->L;
    const int *Lp = L->p, *Li = L->i, *Lnz = L->nz;
    double *Lx = L->x;
    const double *Ax = k->A->x;
    const int *Perm = L->Perm;
    int nf = (int)k->nf;
    int *head = k->gw_head, *link = k->gw_link, *pos = k->gw_pos;
    double *x = k->gw_x, *sp = k->gw_s;
    for (int j = 0; j < nf; j++) head[j] = -1;
    for (int j = 0; j < nf; j++) {
        int p0 = Lp[j], p1 = Lp[j] + Lnz[j];
        for (int q = p0; q < p1; q++) x[Li[q]] = 0.0;
        for (int q = k->pap[j]; q < k->pap[j + 1]; q++)
            if (k->pai[q] != j) x[k->pai[q]] += Ax[k->pamap[q]];
        double sg = k->ground[Perm[j]];
        for (int c = head[j]; c != -1;) {
            int nextc = link[c];
            int p = pos[c], pe = Lp[c] + Lnz[c];
            double f = Lx[p] * Lx[Lp[c]]; /* l_jc d_c <= 0 */
            for (int q = p + 1; q < pe; q++) x[Li[q]] -= Lx[q] * f;
            sg += fabs(Lx[p]) * sp[c];
            pos[c] = p + 1;
            if (p + 1 < pe) {
                int i = Li[p + 1];
                link[c] = head[i];
                head[i] = c;
            }
            c = nextc;
        }
        double off = 0.0;
        for (int q = p0 + 1; q < p1; q++) off += fabs(x[Li[q]]);
        double d = sg + off;
        if (!(d > 0.0) || !isfinite(d)) {
            k->fac_valid = k->fac_current = 0;
            return mn__error(k->ctx, MN_ERR_SINGULAR,
                             "zero pivot at node %ld in the exact elimination (conductances "
                             "underflow)",
                             (long)k->row_node[Perm[j]]);
        }
        sp[j] = sg;
        Lx[p0] = d;
        for (int q = p0 + 1; q < p1; q++) Lx[q] = x[Li[q]] / d;
        pos[j] = p0 + 1;
        if (p0 + 1 < p1) {
            int i = Li[p0 + 1];
            link[j] = head[i];
            head[i] = j;
        }
    }
    return MN_OK;
}
