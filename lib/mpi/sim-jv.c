/*
 * libmemnet-mpi: the analytic Jacobian-vector product of the distributed simulation, as the
 * serial stepper's (lib/sim/sim_rhs.c, mn__sim_jv_apply): with the model partials f_x, f_V,
 * f_I and dG/dx at the present right-hand side's point (000 eqs 1-4 differentiated),
 *   dG = G_x v,  dV = B^T A^-1 (-B dG (V + S))  (one sensitivity solve, sensitivity.c),
 *   dI = dG (V + S) + G dV,  J v = f_x v + f_V dV + f_I dI.
 * Against CVODE's difference quotient (a right-hand side: conductances, matrix assembly and a
 * solve, whose result must be accurate to the perturbation) it assembles nothing and its one
 * solve needs only the relative accuracy of the product; but that solve starts from zero,
 * where the difference quotient's starts from the present potentials, so per step the two
 * cost about the same (docs/scaling.md). mn_mpi_sim_set_jv_method() chooses.
 */
#include "sim-impl.h"

#include <math.h>
#include <string.h>

/* relative residual of the sensitivity solves unless mn_mpi_sim_set_jv_tolerance() set one */
#define MN__MPI_JV_SENS_RTOL 1e-6

struct mn__mpi_jv {
    double *Jx, *fV, *fI, *Gx, *dG, *dV;
    uint64_t rhs_at; /* s->n_rhs of the right-hand side the partials belong to */
    int valid;
    mn__mpi_sens sens;
};

mn_status mn__mpi_sim_jv_init(mn_mpi_sim *s)
{
    mn__mpi_jv *j = mn__calloc_or_err(s->ctx, 1, sizeof *j, "Jacobian-vector products");
    if (!j) return MN_ERR_NOMEM;
    s->jv = j;
    size_t nj = s->njac ? s->njac : 1, ns = s->ns ? s->ns : 1, m = s->m ? s->m : 1;
    j->Jx = mn__calloc_or_err(s->ctx, nj, sizeof *j->Jx, "Jacobian-vector products");
    j->fV = mn__calloc_or_err(s->ctx, ns, sizeof *j->fV, "Jacobian-vector products");
    j->fI = mn__calloc_or_err(s->ctx, ns, sizeof *j->fI, "Jacobian-vector products");
    j->Gx = mn__calloc_or_err(s->ctx, ns, sizeof *j->Gx, "Jacobian-vector products");
    j->dG = mn__calloc_or_err(s->ctx, m, sizeof *j->dG, "Jacobian-vector products");
    j->dV = mn__calloc_or_err(s->ctx, m, sizeof *j->dV, "Jacobian-vector products");
    return j->Jx && j->fV && j->fI && j->Gx && j->dG && j->dV ? MN_OK : MN_ERR_NOMEM;
}

void mn__mpi_sim_jv_free(mn_mpi_sim *s)
{
    mn__mpi_jv *j = s->jv;
    if (!j) return;
    mn__mpi_sens_free(s->ctx, &j->sens);
    mn__free(s->ctx, j->Jx);
    mn__free(s->ctx, j->fV);
    mn__free(s->ctx, j->fI);
    mn__free(s->ctx, j->Gx);
    mn__free(s->ctx, j->dG);
    mn__free(s->ctx, j->dV);
    mn__free(s->ctx, j);
    s->jv = NULL;
}

/* the partials at the cache point (the last right-hand side's clamped states, V and I) */
static mn_status partials(mn_mpi_sim *s)
{
    mn__mpi_jv *j = s->jv;
    if (j->valid && j->rhs_at == s->n_rhs) return MN_OK;
    mn_status st = MN_OK;
    if (s->ns) {
        st = mn__network_derivatives(s->net, s->xc, mn_mpi_kirchhoff_edge_voltages(s->k),
                                     mn_mpi_kirchhoff_edge_currents(s->k), j->Jx, j->fV, j->fI,
                                     j->Gx);
        if (st != MN_OK)
            st = mn__error(s->ctx, st, "model derivatives: %s", mn_context_last_error(s->lctx));
    }
    /* a clamped state is not seen by the right-hand side: zero columns (as lib/sim) */
    for (size_t e = 0; st == MN_OK && e < s->m; e++) {
        size_t a = s->off[e], k = s->off[e + 1] - a;
        for (size_t c = 0; c < k; c++)
            if (s->xkey[a + c] != s->xc[a + c]) {
                j->Gx[a + c] = 0.0;
                for (size_t r = 0; r < k; r++) j->Jx[s->joff[e] + r * k + c] = 0.0;
            }
    }
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    j->valid = 1;
    j->rhs_at = s->n_rhs;
    return MN_OK;
}

mn_status mn__mpi_sim_jtimes(mn_mpi_sim *s, double t, const double *x, const double *fy,
                             const double *v, double *Jv)
{
    mn__mpi_jv *j = s->jv;
    mn_mpi_kirchhoff *k = s->k;
    mn_status st = mn__mpi_sim_evaluate(s, t, x, t >= s->seg_end, NULL);
    if (st != MN_OK) return st;
    if ((st = partials(s)) != MN_OK) return st;
    const size_t *off = s->off, *joff = s->joff;
    const double *V = mn_mpi_kirchhoff_edge_voltages(k), *emf = k->emf;
    const unsigned char *fl = k->n_floating_global ? k->floating : NULL;
    const mn_index *lu = k->g->lu, *lv = k->g->lv;
    for (size_t e = 0; e < s->m; e++) {
        double d = 0.0;
        for (size_t i = off[e]; i < off[e + 1]; i++) d += j->Gx[i] * v[i];
        j->dG[e] = d;
    }
    /* the product's relative accuracy: CVODE solves its linear systems to a few per cent, so
     * 1e-6 (the default) is ample; a tolerance set for inexact Newton-Krylov wins */
    double rtol = s->jv_rtol > 0.0 ? (s->jv_rtol > k->rtol ? s->jv_rtol : k->rtol)
                                   : MN__MPI_JV_SENS_RTOL;
    if ((st = mn__mpi_kirchhoff_sensitivity(k, &j->sens, j->dG, rtol, j->dV)) != MN_OK)
        return st;
    s->n_jv++;
    for (size_t e = 0; e < s->m; e++) {
        size_t a = off[e], n = off[e + 1] - a;
        /* a floating edge carries no current whatever its conductance */
        double dI = fl && (fl[lu[e]] || fl[lv[e]])
                        ? 0.0
                        : j->dG[e] * (V[e] + (emf ? emf[e] : 0.0)) + s->G[e] * j->dV[e];
        const double *J = j->Jx + joff[e];
        for (size_t r = 0; r < n; r++) {
            double acc = j->fV[a + r] * j->dV[e] + j->fI[a + r] * dI;
            for (size_t c = 0; c < n; c++) acc += J[r * n + c] * v[a + c];
            Jv[a + r] = acc;
        }
    }
    /* a state the right-hand side holds at its bound (rate zeroed there) does not move */
    for (size_t i = 0; fy && i < s->ns; i++)
        if (!s->free_state[i] && (x[i] <= s->lo[i] || x[i] >= s->hi[i]) && fy[i] == 0.0)
            Jv[i] = 0.0;
    return MN_OK;
}

int mn__mpi_sim_cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy,
                          void *user, N_Vector tmp)
{
    (void)tmp;
    mn_mpi_sim *s = user;
    const double *x = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(y));
    const double *f = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(fy));
    const double *vv = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(v));
    double *out = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(Jv));
    mn_status st = mn__mpi_agree(s->ctx, s->k->comm, mn__mpi_sim_jtimes(s, t, x, f, vv, out));
    if (st != MN_OK && s->rhs_status == MN_OK) s->rhs_status = st;
    return st == MN_OK ? 0 : -1;
}
