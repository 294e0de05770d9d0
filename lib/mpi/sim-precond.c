/*
 * libmemnet-mpi: the per-junction block preconditioner of the distributed simulation, as the
 * serial stepper's (lib/sim/sim_ls.c): P = I - gamma A with A the junction's own Jacobian
 * block at fixed node potentials, d(rate)/dx + d(rate)/dI dG/dx (V + S). Each rank inverts the
 * blocks of its own junctions: no communication. SPGMR is left-preconditioned by it.
 */
#include "sim-impl.h"

#include <math.h>
#include <string.h>

/* invert the k x k block a in place (Gauss-Jordan, partial pivoting); -1 if singular */
static int invert(double *a, size_t k)
{
    double w[64], inv[64];
    if (k == 0 || k > 8) return -1;
    memcpy(w, a, k * k * sizeof *w);
    for (size_t i = 0; i < k * k; i++) inv[i] = (i % (k + 1)) == 0 ? 1.0 : 0.0;
    for (size_t c = 0; c < k; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(w[r * k + c]) > fabs(w[p * k + c])) p = r;
        double d = w[p * k + c];
        if (d == 0.0 || !isfinite(d)) return -1;
        for (size_t j = 0; p != c && j < k; j++) {
            double t = w[c * k + j];
            w[c * k + j] = w[p * k + j], w[p * k + j] = t;
            t = inv[c * k + j];
            inv[c * k + j] = inv[p * k + j], inv[p * k + j] = t;
        }
        for (size_t j = 0; j < k; j++) w[c * k + j] /= d, inv[c * k + j] /= d;
        for (size_t r = 0; r < k; r++) {
            double f = r == c ? 0.0 : w[r * k + c];
            for (size_t j = 0; f != 0.0 && j < k; j++)
                w[r * k + j] -= f * w[c * k + j], inv[r * k + j] -= f * inv[c * k + j];
        }
    }
    memcpy(a, inv, k * k * sizeof *a);
    return 0;
}

mn_status mn__mpi_sim_precond_init(mn_mpi_sim *s)
{
    s->njac = mn__network_jac_count(s->net);
    s->joff = mn__network_jac_offsets(s->net);
    size_t nj = s->njac ? s->njac : 1, ns = s->ns ? s->ns : 1;
    s->Jx = mn__calloc_or_err(s->ctx, nj, sizeof *s->Jx, "preconditioner");
    s->Ablk = mn__calloc_or_err(s->ctx, nj, sizeof *s->Ablk, "preconditioner");
    s->Pinv = mn__calloc_or_err(s->ctx, nj, sizeof *s->Pinv, "preconditioner");
    s->fI = mn__calloc_or_err(s->ctx, ns, sizeof *s->fI, "preconditioner");
    s->Gx = mn__calloc_or_err(s->ctx, ns, sizeof *s->Gx, "preconditioner");
    return s->Jx && s->Ablk && s->Pinv && s->fI && s->Gx ? MN_OK : MN_ERR_NOMEM;
}

void mn__mpi_sim_precond_free(mn_mpi_sim *s)
{
    mn__free(s->ctx, s->Jx);
    mn__free(s->ctx, s->Ablk);
    mn__free(s->ctx, s->Pinv);
    mn__free(s->ctx, s->fI);
    mn__free(s->ctx, s->Gx);
}

int mn__mpi_sim_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                       sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    mn_mpi_sim *s = user;
    const size_t *off = s->off, *joff = s->joff;
    mn_status st = MN_OK;
    if (!jok) {
        const double *x = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(y));
        st = mn__mpi_sim_evaluate(s, t, x, t >= s->seg_end, NULL);
        const double *Ve = mn_mpi_kirchhoff_edge_voltages(s->k);
        const double *Ie = mn_mpi_kirchhoff_edge_currents(s->k);
        if (st == MN_OK && s->ns) {
            st = mn__network_derivatives(s->net, s->xc, Ve, Ie, s->Jx, NULL, s->fI, s->Gx);
            if (st != MN_OK)
                st = mn__error(s->ctx, st, "model derivatives: %s", mn_context_last_error(s->lctx));
        }
        const double *emf = s->k->emf;
        for (size_t e = 0; st == MN_OK && e < s->m; e++) {
            size_t a = off[e], k = off[e + 1] - a;
            double vs = Ve[e] + (emf ? emf[e] : 0.0);
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++)
                    s->Ablk[joff[e] + r * k + c] =
                        s->Jx[joff[e] + r * k + c] + s->fI[a + r] * s->Gx[a + c] * vs;
        }
        *jcur = SUNTRUE;
    } else {
        *jcur = SUNFALSE;
    }
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) {
        if (s->rhs_status == MN_OK) s->rhs_status = st;
        return -1;
    }
    for (size_t e = 0; e < s->m; e++) {
        size_t k = off[e + 1] - off[e];
        double *P = s->Pinv + joff[e];
        const double *A = s->Ablk + joff[e];
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < k; c++) P[r * k + c] = (r == c ? 1.0 : 0.0) - gamma * A[r * k + c];
        if (k && invert(P, k)) /* singular block: the identity */
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++) P[r * k + c] = r == c ? 1.0 : 0.0;
    }
    s->n_psetup++;
    return 0;
}

int mn__mpi_sim_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                       sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    mn_mpi_sim *s = user;
    const double *rv = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(r));
    double *zv = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(z));
    const size_t *off = s->off, *joff = s->joff;
    for (size_t e = 0; e < s->m; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        const double *P = s->Pinv + joff[e];
        for (size_t i = 0; i < k; i++) {
            double acc = 0.0;
            for (size_t j = 0; j < k; j++) acc += P[i * k + j] * rv[a + j];
            zv[a + i] = acc;
        }
    }
    return 0;
}
