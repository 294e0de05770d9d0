/*
 * libmemnet-mpi: the solve driver (strategy through the shared ski-rental rule of
 * lib/kirchhoff/rule.c), the results (through the shared kernels of lib/kirchhoff/terminal.c,
 * reduced over ranks) and G_eff.
 */
#include "mpi-private.h"

#include <math.h>
#include <string.h>

/* structure, floating nodes, the contrast check: everything before an assembly */
static mn_status prepare(mn_mpi_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    const mn__kh_ops *ops = &mn__mpi_petsc_ops;
    if (!k->G)
        st = mn__error(ctx, MN_ERR_STATE,
                       "no conductances: call mn_mpi_kirchhoff_set_conductances first");
    else if (k->n_el == 0)
        st = mn__error(ctx, MN_ERR_SINGULAR, "no electrode: the potential is undefined");
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) return st;
    if (!k->structure_ok && (st = mn__mpi_agree(ctx, k->comm, ops->analyse(k))) != MN_OK)
        return st;
    int dirty = k->g_zero_changed, any = 0;
    MPI_Allreduce(&dirty, &any, 1, MPI_INT, MPI_MAX, k->comm);
    if (any) {
        if ((st = mn__mpi_agree(ctx, k->comm, mn__mpi_detect_floating(k))) != MN_OK) return st;
        k->g_zero_changed = 0;
    }
    /* contrast over the edges with a free end (as the serial solver's switch to its exact
     * elimination) */
    const mn_index *lu = k->g->lu, *lv = k->g->lv;
    double ext[2] = {0.0, -INFINITY}, all[2]; /* max G, -min G */
    for (size_t e = 0; e < k->g->m; e++) {
        double ge = k->G[e];
        if (lu[e] == lv[e] || !(ge > 0.0)) continue;
        if (k->role[lu[e]] < 0 && k->role[lv[e]] < 0) continue;
        if (ge > ext[0]) ext[0] = ge;
        if (-ge > ext[1]) ext[1] = -ge;
    }
    MPI_Allreduce(ext, all, 2, MPI_DOUBLE, MPI_MAX, k->comm);
    if (all[0] > 0.0 && all[0] / -all[1] > MN__KH_CONTRAST_MAX)
        return mn__error(ctx, MN_ERR_RANGE,
                         "conductance contrast %.3g (%.3g .. %.3g S) exceeds %.0e: AMG and "
                         "Krylov solvers lose the weak conductances there; use the serial "
                         "solver (mn_kirchhoff), whose cancellation-free elimination stays exact",
                         all[0] / -all[1], -all[1], all[0], MN__KH_CONTRAST_MAX);
    return MN_OK;
}

/* potentials of the local nodes from k->x (electrode nodes exactly at their potential,
 * floating nodes at 0) */
mn_status mn__mpi_local_potentials(mn_mpi_kirchhoff *k, const double *volts, double *phi)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    const PetscScalar *xl;
    MN__PETSC(VecScatterBegin(k->toloc, k->x, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecScatterEnd(k->toloc, k->x, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecGetArrayRead(k->xloc, &xl));
    for (size_t i = 0; i < k->g->n_local; i++) {
        int r = k->role[i];
        phi[i] = r < 0 ? volts[-1 - r] : k->floating[i] ? 0.0 : xl[i];
    }
    MN__PETSC(VecRestoreArrayRead(k->xloc, &xl));
cleanup:
    return st;
}

static mn__kh_incidence incidence(const mn_mpi_kirchhoff *k)
{
    mn__kh_incidence inc = {k->n_el, k->inc_off, k->inc_edge, k->inc_sign};
    return inc;
}

/*
 * AUTO's costs, in CG iterations on the present hierarchy (one iteration = 1): a new BoomerAMG
 * setup costs MN__MPI_SETUP_COST iterations. Both scale with the matrix's nonzeros, so their
 * ratio is about constant; measured with the default options (kirchhoff.c) on 2-D stick
 * networks of 1e6 junctions, one rank, by CPU profile of a simulation: 1.5 s per setup (most of
 * it the extended+i interpolation and the Galerkin product), 0.026 s per iteration
 * (docs/scaling.md). Counts, not measured times: the same data give the same sequence of
 * choices at any load, so a restart from a checkpoint repeats the uninterrupted run bit for
 * bit under AUTO too. A machine or an options string whose ratio differs makes AUTO's choice
 * less than optimal, never wrong (every solve meets the tolerance).
 */
#define MN__MPI_SETUP_COST 50.0

/* Solve A x = b (assembled) with the strategy; AUTO by the shared rule. */
static mn_status solve_system(mn_mpi_kirchhoff *k)
{
    const mn__kh_ops *ops = &mn__mpi_petsc_ops;
    mn_status st;
    mn_mpi_strategy s = k->strategy;
    if (!k->have_setup || k->floating_changed) s = MN_MPI_SETUP;
    else if (s == MN_MPI_AUTO)
        s = !k->direct && mn__kh_rule_reuse(&k->rule, MN__MPI_SETUP_COST, 1.0, k->have_x)
                ? MN_MPI_REUSE
                : MN_MPI_SETUP;
    k->last_reused = 0;
    if (s == MN_MPI_REUSE) {
        int it = 0;
        double rr = 0.0;
        int maxit = k->strategy == MN_MPI_AUTO ? mn__kh_rule_maxit(MN__MPI_SETUP_COST, 1.0, 200)
                                               : 1000;
        st = ops->reuse(k, maxit, &it, &rr);
        mn__kh_rule_account(&k->rule, 0, it, 1.0);
        if (st == MN_OK) {
            mn__kh_rule_outcome(&k->rule, it, 1);
            k->last_reused = 1;
            return MN_OK;
        }
        if (st != MN_ERR_CONVERGENCE) return st;
        mn__kh_rule_outcome(&k->rule, it, 0); /* the stale hierarchy failed: set up anew */
    }
    if ((st = ops->setup(k)) != MN_OK) return st;
    return ops->solve(k);
}

mn_status mn_mpi_kirchhoff_solve(mn_mpi_kirchhoff *k)
{
    if (!k) return MN_ERR_INVALID;
    mn_context *ctx = k->ctx;
    double t0 = mn__mpi_now();
    k->solved = 0;
    mn_status st = prepare(k);
    if (st != MN_OK) return st;
    if ((st = mn__mpi_agree(ctx, k->comm, mn__mpi_assemble(k, k->el_volts, 1))) != MN_OK)
        return st;
    if ((st = mn__mpi_agree(ctx, k->comm, solve_system(k))) != MN_OK) {
        k->have_x = 0;
        return st;
    }
    k->have_x = 1;
    st = mn__mpi_local_potentials(k, k->el_volts, k->phi);
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) return st;
    mn__kh_edge_results(k->g->m, k->g->lu, k->g->lv, k->phi, k->G, k->emf,
                        k->n_floating_global ? k->floating : NULL, k->Ve, k->Ie);
    mn__kh_incidence inc = incidence(k);
    double *part = mn__malloc_or_err(ctx, k->n_el, sizeof *part, "electrode currents");
    if ((st = mn__mpi_agree(ctx, k->comm, part ? MN_OK : MN_ERR_NOMEM)) != MN_OK) return st;
    mn__kh_electrode_currents(&inc, k->Ie, part);
    MPI_Allreduce(part, k->el_cur, (int)k->n_el, MPI_DOUBLE, MPI_SUM, k->comm);
    mn__free(ctx, part);
    k->n_solves++;
    k->solved = 1;
    double t = mn__mpi_now() - t0;
    MPI_Allreduce(&t, &k->last_solve_s, 1, MPI_DOUBLE, MPI_MAX, k->comm);
    return MN_OK;
}

mn_status mn_mpi_kirchhoff_effective_conductance(mn_mpi_kirchhoff *k, size_t a, size_t b,
                                                 double *G_eff)
{
    if (!k || !G_eff) return MN_ERR_INVALID;
    mn_context *ctx = k->ctx;
    mn_status st = MN_OK;
    *G_eff = NAN;
    if (a >= k->n_el || b >= k->n_el)
        st = mn__error(ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                       a >= k->n_el ? a : b, k->n_el);
    else if (a == b)
        st = mn__error(ctx, MN_ERR_INVALID, "G_eff needs two different electrodes (%zu)", a);
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) return st;
    if ((st = prepare(k)) != MN_OK) return st;
    size_t E = k->n_el, nl = k->g->n_local;
    double *Y = mn__calloc_or_err(ctx, E * E, sizeof *Y, "G_eff workspace");
    double *Yall = mn__calloc_or_err(ctx, E * E, sizeof *Yall, "G_eff workspace");
    double *volts = mn__calloc_or_err(ctx, E, sizeof *volts, "G_eff workspace");
    double *phi = mn__malloc_or_err(ctx, nl + 1, sizeof *phi, "G_eff workspace");
    double *work = mn__malloc_or_err(ctx, E * E + 2 * E, sizeof *work, "G_eff workspace");
    size_t *iwork = mn__malloc_or_err(ctx, E, sizeof *iwork, "G_eff workspace");
    st = Y && Yall && volts && phi && work && iwork ? MN_OK : MN_ERR_NOMEM;
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) goto cleanup;
    mn__kh_incidence inc = incidence(k);
    k->have_x = 0; /* the columns start from zero; the last potentials are overwritten */
    for (size_t c = 0; c < E; c++) {
        if (c == b) continue;
        memset(volts, 0, E * sizeof *volts);
        volts[c] = 1.0;
        if ((st = mn__mpi_agree(ctx, k->comm, mn__mpi_assemble(k, volts, 0))) != MN_OK)
            goto cleanup;
        /* on the present hierarchy if there is one (its matrix differs at most by the drift
         * since the last solve), else a new setup */
        mn_status s2;
        int it;
        double rr;
        if (!k->have_setup || k->floating_changed) {
            s2 = mn__mpi_petsc_ops.setup(k);
            if (s2 == MN_OK) s2 = mn__mpi_petsc_ops.solve(k);
        } else {
            s2 = mn__mpi_petsc_ops.reuse(k, 1000, &it, &rr);
            if (s2 == MN_ERR_CONVERGENCE)
                s2 = mn__error(ctx, MN_ERR_CONVERGENCE,
                               "G_eff: relative residual %.3g after %d iterations", rr, it);
        }
        if ((st = mn__mpi_agree(ctx, k->comm, s2)) != MN_OK) goto cleanup;
        if ((st = mn__mpi_agree(ctx, k->comm, mn__mpi_local_potentials(k, volts, phi))) != MN_OK)
            goto cleanup;
        /* Y[d][c] = -(current into electrode d at 0 V), a one-signed sum per rank */
        double diag = 0.0;
        for (size_t d = 0; d < E; d++) {
            if (d == c) continue;
            double into = mn__kh_terminal_inflow(&inc, d, k->g->lu, k->g->lv, k->G, phi);
            Y[d * E + c] = -into;
            diag += into;
        }
        Y[c * E + c] = diag;
    }
    MPI_Allreduce(Y, Yall, (int)(E * E), MPI_DOUBLE, MPI_SUM, k->comm);
    if (mn__kh_geff_kron(Yall, E, a, b, work, iwork, G_eff) != MN_OK)
        st = mn__error(ctx, MN_ERR_SINGULAR, "G_eff: singular terminal matrix");
cleanup:
    mn__free(ctx, Y);
    mn__free(ctx, Yall);
    mn__free(ctx, volts);
    mn__free(ctx, phi);
    mn__free(ctx, work);
    mn__free(ctx, iwork);
    return st;
}

const double *mn_mpi_kirchhoff_potentials(const mn_mpi_kirchhoff *k)
{
    return k && k->solved ? k->phi : NULL;
}
const double *mn_mpi_kirchhoff_edge_voltages(const mn_mpi_kirchhoff *k)
{
    return k && k->solved ? k->Ve : NULL;
}
const double *mn_mpi_kirchhoff_edge_currents(const mn_mpi_kirchhoff *k)
{
    return k && k->solved ? k->Ie : NULL;
}

mn_status mn_mpi_kirchhoff_electrode_current(const mn_mpi_kirchhoff *k, size_t id, double *amps)
{
    if (!k || !amps) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!k->solved) return mn__error(k->ctx, MN_ERR_STATE, "no solve since the last change");
    *amps = k->el_cur[id];
    return MN_OK;
}

const unsigned char *mn_mpi_kirchhoff_floating_mask(const mn_mpi_kirchhoff *k)
{
    return k && k->structure_ok ? k->floating : NULL;
}

double mn_mpi_kirchhoff_stat_get(const mn_mpi_kirchhoff *k, mn_mpi_kirchhoff_stat stat)
{
    if (!k) return NAN;
    switch (stat) {
    case MN_MPI_KIRCHHOFF_STAT_SOLVES: return (double)k->n_solves;
    case MN_MPI_KIRCHHOFF_STAT_SETUPS: return (double)k->n_setups;
    case MN_MPI_KIRCHHOFF_STAT_ITERATIONS: return (double)k->n_its;
    case MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS: return (double)k->last_its;
    case MN_MPI_KIRCHHOFF_STAT_LAST_RESIDUAL: return k->last_res;
    case MN_MPI_KIRCHHOFF_STAT_LAST_SETUP_SECONDS: return k->last_setup_s;
    case MN_MPI_KIRCHHOFF_STAT_LAST_SOLVE_SECONDS: return k->last_solve_s;
    case MN_MPI_KIRCHHOFF_STAT_LAST_REUSED: return (double)k->last_reused;
    case MN_MPI_KIRCHHOFF_STAT_UNKNOWNS: return (double)k->g->N;
    case MN_MPI_KIRCHHOFF_STAT_FLOATING: return (double)k->n_floating_global;
    }
    return NAN;
}
