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
    /* Two electrodes after a direct solve (with a factor of the present matrix, not PCG) at
     * V_a != 0, V_b = 0 and no sources: the potentials of that solve are V_a times those of the
     * unit solve below (the same ones when V_a = 1), so G_eff is their inflow into b over V_a,
     * without a second solve (`memnet solve` asks exactly this after its solve). */
    if (k->solved && k->fac_current && k->n_el == 2 && !k->emf && !k->have_inj &&
        k->el[b].volts == 0.0 && k->el[a].volts != 0.0) {
        mn__kh_incidence inc = mn__kh_inc(k);
        *G_eff = mn__kh_terminal_inflow(&inc, b, k->g->u, k->g->v, k->G, k->phi) /
                 k->el[a].volts;
        return MN_OK;
    }
    if (k->nf > 0 && (!k->fac_valid || k->floating_changed || !k->fac_current)) {
        if ((st = k->ops->setup(k)) != MN_OK) return st;
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
    double *M = mn__calloc_or_err(k->ctx, E * E + 2 * E, sizeof *M, "G_eff workspace");
    if (!Y || !volts || !x || !phi || !V || !I || !cur || !o || !M) MN__FAIL(MN_ERR_NOMEM);
    for (size_t c = 0; c < E; c++) {
        if (c == b) continue;
        memset(volts, 0, E * sizeof *volts);
        volts[c] = 1.0;
        mn__kh_build_rhs(k, k->B->x, 0, volts);
        MN__TRY(mn__kh_aux_solve(k, x, k->cg_rtol));
        mn__kh_postprocess(k, x, volts, phi, V, I, cur, 0);
        /* Y[d][c] = -(current into electrode d at 0 V) = -sum G_e phi_other: a sum of terms of
         * one sign (phi >= 0 here), free of the cancellation of phi_u - phi_v when conductances
         * span many decades; Y[c][c] = -sum_d Y[d][c] (charge conservation). */
        double diag = 0.0;
        mn__kh_incidence inc = mn__kh_inc(k);
        for (size_t d = 0; d < E; d++) {
            if (d == c) continue;
            double into = mn__kh_terminal_inflow(&inc, d, k->g->u, k->g->v, k->G, phi);
            Y[d * E + c] = -into;
            diag += into;
        }
        Y[c * E + c] = diag;
    }
    if (mn__kh_geff_kron(Y, E, a, b, M, o, G_eff) != MN_OK)
        MN__FAIL(mn__error(k->ctx, MN_ERR_SINGULAR, "G_eff: singular terminal matrix"));
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
