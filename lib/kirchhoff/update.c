/* Kirchhoff solver: rank-k update/downdate of the factor on the changed edges. */
#include "kirchhoff-impl.h"

#include <math.h>
#include <stdlib.h>

/* Rank-k update/downdate of the factor from G_fac to G on the changed edges. */
typedef struct mn__updcol {
    int lo, hi;   /* positions in the factor (hi = -1 for an edge to a held node) */
    double s;     /* sqrt(|dG|) */
} mn__updcol;

static int cmp_updcol(const void *a, const void *b)
{
    const mn__updcol *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

mn_status mn__kh_update_factor(mn_kirchhoff *k)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    cholmod_sparse *C = k->C;
    int *Cp = C->p, *Ci = C->i;
    double *Cx = C->x;
    double t0 = mn__kh_now();
    k->L_is_gth = 0;
    if (k->L->is_super) {
        /* simplicial LDL' for cholmod_updown */
        double tc = mn__kh_now();
        if (!cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm))
            return mn__kh_chol_err(k, "change_factor");
        k->t_conv = mn__kh_now() - tc;
    }
    mn__updcol *cols = mn__malloc_or_err(k->ctx, k->n_chg ? k->n_chg : 1, sizeof *cols,
                                         "update columns");
    if (!cols) return MN_ERR_NOMEM;
    size_t ncols = 0;
    for (int pass = 0; pass < 2; pass++) { /* 0: updates (dG > 0), 1: downdates */
        size_t nc = 0;
        for (size_t c = 0; c < k->n_chg; c++) {
            size_t e = (size_t)k->chg[c];
            double d = k->G[e] - k->G_fac[e];
            int ru = k->role[eu[e]], rv = k->role[ev[e]];
            if (d == 0.0 || ru == rv || (ru < 0 && rv < 0)) continue;
            if (k->floating[eu[e]] || k->floating[ev[e]]) continue; /* identity rows */
            if ((pass == 0) != (d > 0.0)) continue;
            int pu = ru >= 0 ? k->ipos[ru] : -1, pv = rv >= 0 ? k->ipos[rv] : -1;
            mn__updcol col;
            col.s = sqrt(fabs(d));
            if (pu >= 0 && pv >= 0) {
                col.lo = pu < pv ? pu : pv;
                col.hi = pu < pv ? pv : pu;
            } else {
                col.lo = pu >= 0 ? pu : pv;
                col.hi = -1;
            }
            cols[nc++] = col;
        }
        /* columns close in the (postordered) factor share most of their etree paths:
         * chunks of neighbours make each rank-8 call cheaper */
        qsort(cols, nc, sizeof *cols, cmp_updcol);
        for (size_t c0 = 0; c0 < nc; c0 += MN__UPD_CHUNK) {
            size_t kc = nc - c0 < MN__UPD_CHUNK ? nc - c0 : MN__UPD_CHUNK;
            Cp[0] = 0;
            for (size_t j = 0; j < kc; j++) {
                const mn__updcol *col = &cols[c0 + j];
                int q = Cp[j];
                Ci[q] = col->lo;
                Cx[q] = col->s;
                if (col->hi >= 0) {
                    Ci[q + 1] = col->hi;
                    Cx[q + 1] = -col->s;
                    Cp[j + 1] = q + 2;
                } else {
                    Cp[j + 1] = q + 1;
                }
            }
            C->ncol = kc;
            if (!cholmod_updown(pass == 0, C, k->L, &k->cm)) {
                C->ncol = MN__UPD_CHUNK;
                mn__free(k->ctx, cols);
                return mn__kh_chol_err(k, "updown");
            }
            ncols += kc;
        }
    }
    mn__free(k->ctx, cols);
    C->ncol = MN__UPD_CHUNK;
    /* a downdate may have destroyed positive definiteness: check D */
    const int *Lp = k->L->p;
    const double *Lx = k->L->x;
    for (size_t j = 0; j < k->nf; j++) {
        double d = Lx[Lp[j]];
        if (!(d > 0.0) || !isfinite(d)) return MN_ERR_SINGULAR; /* caller refactorises */
    }
    double t = mn__kh_now() - t0;
    if (ncols > 0) {
        double per = t / (double)ncols;
        k->t_upd = k->t_upd > 0 ? 0.8 * k->t_upd + 0.2 * per : per;
    }
    for (size_t c = 0; c < k->n_chg; c++) k->G_fac[k->chg[c]] = k->G[k->chg[c]];
    mn__kh_clear_changed(k);
    k->fac_current = 1;
    k->n_update++;
    mn__kh_new_factor(k);
    return MN_OK;
}
