/*
 * libmemnet-mpi: structure and assembly of the distributed system.
 *
 * Every node is a row. Free nodes carry KCL, 000 eqs 5-6: sum_e B_ie G_e (V_e + S_e) = 0, with
 * the potentials of electrode neighbours moved to the right-hand side; electrode rows and
 * floating rows are identity rows (phi = V_a, phi = 0), so the matrix stays symmetric and the
 * pattern depends on the topology and the electrodes only (every edge between free nodes,
 * also of zero conductance). Edges stay on the rank that added them; their entries reach the
 * owners of their rows through PETSc's coordinate (COO) assembly.
 *
 * The assembly is order-deterministic, so that a run is bitwise reproducible at a fixed rank
 * count: MatSetPreallocationCOO / VecSetPreallocationCOO fix, once per structure, where every
 * entry goes (entries of rows another rank owns travel through a PetscSF of fixed layout), and
 * MatSetValuesCOO / VecSetValuesCOO sum each row's entries in that fixed order on every call.
 * (MatSetValues with ADD_VALUES stashed the off-rank entries and added them in the order the
 * messages arrived: on 3 or more ranks a row fed by two other ranks differed in its last bit
 * between runs.) The entry lists follow the local edges in the order of addition: 4 entries
 * (uu, uv, vu, vv) for an edge between free nodes, 1 (the free end's diagonal) for an edge
 * between a free node and an electrode, none otherwise; then one diagonal entry per owned row,
 * so that every owned row of A and b is overwritten by each assembly.
 */
#include "mpi-private.h"

#include <string.h>

mn_status mn__mpi_build_structure(mn_mpi_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    PetscInt *ci = NULL, *cj = NULL;
    size_t m = g->m, nl = g->n_local;
    PetscInt nown = g->rend - g->rstart;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    /* roles of the local nodes from the electrode vector */
    const PetscScalar *xl;
    MN__PETSC(VecScatterBegin(k->toloc, k->elvec, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecScatterEnd(k->toloc, k->elvec, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecGetArrayRead(k->xloc, &xl));
    for (size_t i = 0; i < nl; i++) k->role[i] = -(int)xl[i];
    MN__PETSC(VecRestoreArrayRead(k->xloc, &xl));
    /* electrode incidence of the local edges (as the serial solver's analyse) */
    mn__free(ctx, k->inc_off);
    mn__free(ctx, k->inc_edge);
    mn__free(ctx, k->inc_sign);
    k->inc_edge = NULL;
    k->inc_sign = NULL;
    k->inc_off = mn__calloc_or_err(ctx, k->n_el + 1, sizeof *k->inc_off, "incidence");
    if (!k->inc_off) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[lu[e]], rv = k->role[lv[e]];
        if (ru == rv) continue;
        if (ru < 0) k->inc_off[-1 - ru + 1]++;
        if (rv < 0) k->inc_off[-1 - rv + 1]++;
    }
    for (size_t a = 0; a < k->n_el; a++) k->inc_off[a + 1] += k->inc_off[a];
    size_t ninc = (size_t)k->inc_off[k->n_el];
    k->inc_edge = mn__malloc_or_err(ctx, ninc + 1, sizeof *k->inc_edge, "incidence");
    k->inc_sign = mn__malloc_or_err(ctx, ninc + 1, sizeof *k->inc_sign, "incidence");
    if (!k->inc_edge || !k->inc_sign) MN__FAIL(MN_ERR_NOMEM);
    mn_index *pos = mn__malloc_or_err(ctx, k->n_el + 1, sizeof *pos, "incidence");
    if (!pos) MN__FAIL(MN_ERR_NOMEM);
    for (size_t a = 0; a <= k->n_el; a++) pos[a] = k->inc_off[a];
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[lu[e]], rv = k->role[lv[e]];
        if (ru == rv) continue;
        if (ru < 0) {
            k->inc_edge[pos[-1 - ru]] = (mn_index)e;
            k->inc_sign[pos[-1 - ru]++] = 1;
        }
        if (rv < 0) {
            k->inc_edge[pos[-1 - rv]] = (mn_index)e;
            k->inc_sign[pos[-1 - rv]++] = -1;
        }
    }
    mn__free(ctx, pos);
    /* matrix pattern: every diagonal, the off-diagonals of edges between free nodes */
    if (k->A) MatDestroy(&k->A);
    size_t na = (size_t)nown;
    for (size_t e = 0; e < m; e++) {
        if (lu[e] == lv[e]) continue;
        int fu = k->role[lu[e]] == 0, fv = k->role[lv[e]] == 0;
        na += fu && fv ? 4 : fu || fv ? 1 : 0;
    }
    ci = mn__malloc_or_err(ctx, na + 1, sizeof *ci, "matrix pattern");
    cj = mn__malloc_or_err(ctx, na + 1, sizeof *cj, "matrix pattern");
    mn__free(ctx, k->av);
    k->av = mn__malloc_or_err(ctx, na + 1, sizeof *k->av, "matrix values");
    k->nav = 0;
    if (!ci || !cj || !k->av) MN__FAIL(MN_ERR_NOMEM);
    size_t p = 0;
    for (size_t e = 0; e < m; e++) {
        if (lu[e] == lv[e]) continue;
        int fu = k->role[lu[e]] == 0, fv = k->role[lv[e]] == 0;
        PetscInt ru = rows[lu[e]], rv = rows[lv[e]];
        if (fu && fv) {
            ci[p] = ru, cj[p++] = ru;
            ci[p] = ru, cj[p++] = rv;
            ci[p] = rv, cj[p++] = ru;
            ci[p] = rv, cj[p++] = rv;
        } else if (fu || fv) {
            ci[p] = fu ? ru : rv;
            cj[p] = ci[p];
            p++;
        }
    }
    for (PetscInt i = 0; i < nown; i++) ci[p] = cj[p] = g->rstart + i, p++;
    k->nav = na;
    MN__PETSC(MatCreate(g->comm, &k->A));
    MN__PETSC(MatSetSizes(k->A, nown, nown, g->N, g->N));
    MN__PETSC(MatSetType(k->A, MATAIJ));
    MN__PETSC(MatSetPreallocationCOO(k->A, (PetscCount)na, ci, cj));
    k->b_pattern = -1; /* the right-hand side's pattern follows the roles: built anew */
    MN__PETSC(MatSetOption(k->A, MAT_SYMMETRIC, PETSC_TRUE));
    MN__PETSC(MatSetOption(k->A, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
    /* a new KSP for this matrix (and the present options) */
    if (k->ksp) KSPDestroy(&k->ksp);
    PC pc;
    MN__PETSC(KSPCreate(g->comm, &k->ksp));
    MN__PETSC(PetscObjectSetOptions((PetscObject)k->ksp, k->opts));
    MN__PETSC(KSPGetPC(k->ksp, &pc));
    MN__PETSC(PetscObjectSetOptions((PetscObject)pc, k->opts));
    MN__PETSC(KSPSetOperators(k->ksp, k->A, k->A));
    MN__PETSC(KSPSetTolerances(k->ksp, k->rtol, 0.0, PETSC_DEFAULT, 1000));
    MN__PETSC(KSPSetNormType(k->ksp, KSP_NORM_UNPRECONDITIONED));
    MN__PETSC(KSPSetFromOptions(k->ksp));
    {
        KSPType type;
        MN__PETSC(KSPGetType(k->ksp, &type));
        k->direct = !strcmp(type, KSPPREONLY);
        if (k->direct) MN__PETSC(KSPSetNormType(k->ksp, KSP_NORM_NONE));
    }
    k->have_setup = 0;
    k->have_x = 0;
    k->opts_changed = 0;
    k->g_zero_changed = 1; /* roles changed: detect the floating nodes again */
    k->structure_ok = 1;
cleanup:
    mn__free(ctx, ci);
    mn__free(ctx, cj);
    return st;
}

/* The right-hand side's entry list: per edge with one free end its entry (the electrode
 * neighbour's current and the EMF term), per edge between free nodes two entries (the EMF
 * terms) if any rank has EMFs, then one entry per owned row. Built anew when the roles change
 * or EMFs appear or go (collective: every rank takes part). */
static mn_status build_rhs_pattern(mn_mpi_kirchhoff *k, int with_emf)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    PetscInt nown = g->rend - g->rstart, *ci = NULL;
    size_t nb = (size_t)nown;
    for (size_t e = 0; e < g->m; e++) {
        if (lu[e] == lv[e]) continue;
        int fu = k->role[lu[e]] == 0, fv = k->role[lv[e]] == 0;
        nb += fu && fv ? (with_emf ? 2 : 0) : fu || fv ? 1 : 0;
    }
    ci = mn__malloc_or_err(ctx, nb + 1, sizeof *ci, "right-hand side pattern");
    mn__free(ctx, k->bv);
    k->bv = mn__malloc_or_err(ctx, nb + 1, sizeof *k->bv, "right-hand side values");
    k->nbv = 0;
    if (!ci || !k->bv) MN__FAIL(MN_ERR_NOMEM);
    size_t p = 0;
    for (size_t e = 0; e < g->m; e++) {
        if (lu[e] == lv[e]) continue;
        int fu = k->role[lu[e]] == 0, fv = k->role[lv[e]] == 0;
        if (fu && fv && with_emf) {
            ci[p++] = rows[lu[e]];
            ci[p++] = rows[lv[e]];
        } else if (fu != fv) {
            ci[p++] = fu ? rows[lu[e]] : rows[lv[e]];
        }
    }
    for (PetscInt i = 0; i < nown; i++) ci[p++] = g->rstart + i;
    /* a new vector: its COO maps are those of this pattern */
    if (k->b) VecDestroy(&k->b);
    MN__PETSC(VecDuplicate(k->x, &k->b));
    MN__PETSC(VecSetPreallocationCOO(k->b, (PetscCount)nb, ci));
    k->nbv = nb;
    k->b_pattern = with_emf;
cleanup:
    mn__free(ctx, ci);
    return st;
}

mn_status mn__mpi_assemble(mn_mpi_kirchhoff *k, const double *volts, int with_emf)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const double *G = k->G, *emf = with_emf ? k->emf : NULL;
    const int *role = k->role;
    const unsigned char *fl = k->floating;
    PetscInt nown = g->rend - g->rstart;
    /* EMF entries in the right-hand side's pattern iff some rank has EMFs */
    int have = k->emf != NULL, any = 0;
    MPI_Allreduce(&have, &any, 1, MPI_INT, MPI_MAX, k->comm);
    if (k->b_pattern != any && (st = build_rhs_pattern(k, any)) != MN_OK) return st;
    PetscScalar *av = k->av, *bv = k->bv;
    size_t pa = 0, pb = 0;
    for (size_t e = 0; e < g->m; e++) {
        mn_index u = lu[e], v = lv[e];
        if (u == v) continue;
        int ru = role[u], rv = role[v];
        /* an edge at a floating node carries nothing (its conductance is 0 or it is floating
         * as a whole) */
        double ge = fl[u] || fl[v] ? 0.0 : G[e];
        double s = emf && emf[e] != 0.0 ? ge * emf[e] : 0.0; /* KCL: L phi = -B G S */
        if (ru == 0 && rv == 0) {
            av[pa++] = ge;
            av[pa++] = -ge;
            av[pa++] = -ge;
            av[pa++] = ge;
            if (k->b_pattern) {
                bv[pb++] = -s;
                bv[pb++] = s;
            }
        } else if (ru == 0 || rv == 0) {
            double va = volts[-1 - (ru == 0 ? rv : ru)];
            av[pa++] = ge;
            bv[pb++] = ge * va + (ru == 0 ? -s : s);
        }
    }
    for (PetscInt i = 0; i < nown; i++) {
        int fixed = role[i] < 0 || fl[i];
        av[pa++] = fixed ? 1.0 : 0.0;
        bv[pb++] = role[i] < 0 ? volts[-1 - role[i]] : 0.0;
    }
    if (pa != k->nav || pb != k->nbv)
        MN__FAIL(mn__error(ctx, MN_ERR_STATE, "assembly: %zu / %zu matrix and %zu / %zu "
                           "right-hand side entries (the pattern is stale)", pa, k->nav, pb,
                           k->nbv));
    MN__PETSC(MatSetValuesCOO(k->A, av, INSERT_VALUES));
    MN__PETSC(VecSetValuesCOO(k->b, bv, INSERT_VALUES));
cleanup:
    return st;
}
