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

/* y = A x, A symmetric, one triangle stored (either) */
void mn__kh_spmv(const mn_kirchhoff *k, const double *x, double *y)
{
    const int *Ap = k->A->p, *Ai = k->A->i;
    const double *Ax = k->A->x;
    size_t nf = k->nf;
    memset(y, 0, nf * sizeof *y);
    for (size_t j = 0; j < nf; j++) {
        double xj = x[j], s = 0.0;
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int i = Ai[p];
            double a = Ax[p];
            if ((size_t)i == j) {
                s += a * xj;
            } else {
                y[i] += a * xj;
                s += a * x[i];
            }
        }
        y[j] += s;
    }
}
