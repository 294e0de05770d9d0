/* Kirchhoff solver: effective conductance between two electrodes (terminal admittance
 * matrix by superposition, Kron reduction of the open electrodes). */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

mn_status mn_kirchhoff_effective_conductance(mn_kirchhoff *k, size_t a, size_t b, double *G_eff)
{
    if (!k || !G_eff) return MN_ERR_INVALID;
    *G_eff = NAN;
    if (a >= k->n_el || b >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         a >= k->n_el ? a : b, k->n_el);
    if (a == b)
        return mn__error(k->ctx, MN_ERR_INVALID, "G_eff needs two different electrodes (%zu)", a);
    mn_status st = mn__kh_prepare(k);
    if (st != MN_OK) return st;
    if (k->nf > 0 && (!k->fac_valid || k->floating_changed || !k->fac_current)) {
        if ((st = mn__kh_refactor(k)) != MN_OK) return st;
    }
    size_t E = k->n_el, nf = k->nf;
    /* terminal admittance matrix Y (E x E) by superposition, columns c != b */
    double *Y = mn__calloc_or_err(k->ctx, E * E, sizeof *Y, "G_eff workspace");
    double *volts = mn__calloc_or_err(k->ctx, E, sizeof *volts, "G_eff workspace");
    double *x = mn__calloc_or_err(k->ctx, nf ? nf : 1, sizeof *x, "G_eff workspace");
    double *phi = mn__malloc_or_err(k->ctx, k->n, sizeof *phi, "G_eff workspace");
    double *V = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *V, "G_eff workspace");
    double *I = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *I, "G_eff workspace");
    double *cur = mn__calloc_or_err(k->ctx, E, sizeof *cur, "G_eff workspace");
    size_t *o = mn__calloc_or_err(k->ctx, E, sizeof *o, "G_eff workspace");
    double *M = mn__calloc_or_err(k->ctx, E * E, sizeof *M, "G_eff workspace");
    if (!Y || !volts || !x || !phi || !V || !I || !cur || !o || !M) MN__FAIL(MN_ERR_NOMEM);
    for (size_t c = 0; c < E; c++) {
        if (c == b) continue;
        memset(volts, 0, E * sizeof *volts);
        volts[c] = 1.0;
        mn__kh_build_rhs(k, k->B->x, 0, volts);
        MN__TRY(mn__kh_aux_solve(k, x));
        mn__kh_postprocess(k, x, volts, phi, V, I, cur, 0);
        /* Y[d][c] = -(current into electrode d at 0 V) = -sum G_e phi_other: a sum of terms of
         * one sign (phi >= 0 here), free of the cancellation of phi_u - phi_v when conductances
         * span many decades; Y[c][c] = -sum_d Y[d][c] (charge conservation). */
        double diag = 0.0;
        for (size_t d = 0; d < E; d++) {
            if (d == c) continue;
            double into = 0.0;
            for (mn_index p = k->inc_off[d]; p < k->inc_off[d + 1]; p++) {
                mn_index e = k->inc_edge[p];
                mn_index other = k->inc_sign[p] > 0 ? k->g->v[e] : k->g->u[e];
                into += k->G[e] * phi[other];
            }
            Y[d * E + c] = -into;
            diag += into;
        }
        Y[c * E + c] = diag;
    }
    /* other electrodes open: zero net current, equipotential. Eliminate them (Kron). */
    size_t no = 0;
    for (size_t c = 0; c < E; c++)
        if (c != a && c != b && Y[c * E + c] > 0.0) o[no++] = c; /* isolated ones carry nothing */
    double Ga = Y[a * E + a];
    if (no > 0) {
        /* solve Y_OO z = Y_Oa, then Ga -= Y_aO z */
        double *rhs = cur; /* reuse (size E >= no) */
        for (size_t i = 0; i < no; i++) {
            rhs[i] = Y[o[i] * E + a];
            for (size_t j = 0; j < no; j++) M[i * no + j] = Y[o[i] * E + o[j]];
        }
        for (size_t c = 0; c < no; c++) { /* Gaussian elimination, SPD: no pivoting needed */
            double piv = M[c * no + c];
            if (!(piv > 0.0)) MN__FAIL(mn__error(k->ctx, MN_ERR_SINGULAR, "G_eff: singular "
                                                 "terminal matrix"));
            for (size_t r = c + 1; r < no; r++) {
                double f = M[r * no + c] / piv;
                for (size_t j = c; j < no; j++) M[r * no + j] -= f * M[c * no + j];
                rhs[r] -= f * rhs[c];
            }
        }
        for (size_t c = no; c-- > 0;) {
            double s = rhs[c];
            for (size_t j = c + 1; j < no; j++) s -= M[c * no + j] * rhs[j];
            rhs[c] = s / M[c * no + c];
        }
        for (size_t i = 0; i < no; i++) Ga -= Y[a * E + o[i]] * rhs[i];
    }
    *G_eff = Ga;
cleanup:
    mn__free(k->ctx, Y);
    mn__free(k->ctx, volts);
    mn__free(k->ctx, x);
    mn__free(k->ctx, phi);
    mn__free(k->ctx, V);
    mn__free(k->ctx, I);
    mn__free(k->ctx, cur);
    mn__free(k->ctx, o);
    mn__free(k->ctx, M);
    return st;
}
