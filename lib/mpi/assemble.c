/*
 * libmemnet-mpi: structure and assembly of the distributed system.
 *
 * Every node is a row. Free nodes carry KCL, 000 eqs 5-6: sum_e B_ie G_e (V_e + S_e) = 0, with
 * the potentials of electrode neighbours moved to the right-hand side; electrode rows and
 * floating rows are identity rows (phi = V_a, phi = 0), so the matrix stays symmetric and the
 * pattern depends on the topology and the electrodes only (every edge between free nodes,
 * also of zero conductance). Edges stay on the rank that added them; their entries reach the
 * owners of their rows through PETSc's assembly.
 */
#include "mpi-private.h"

#include <string.h>

mn_status mn__mpi_build_structure(mn_mpi_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    Mat pre = NULL;
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
    for (int pass = 0; pass < 2; pass++) {
        Mat M;
        MN__PETSC(MatCreate(g->comm, pass ? &k->A : &pre));
        M = pass ? k->A : pre;
        MN__PETSC(MatSetSizes(M, nown, nown, g->N, g->N));
        MN__PETSC(MatSetType(M, pass ? MATAIJ : MATPREALLOCATOR));
        if (pass) {
            MN__PETSC(MatPreallocatorPreallocate(pre, PETSC_TRUE, k->A));
            break;
        }
        MN__PETSC(MatSetUp(M));
        PetscScalar z[4] = {0, 0, 0, 0};
        for (PetscInt i = 0; i < nown; i++) {
            PetscInt r = g->rstart + i;
            MN__PETSC(MatSetValues(M, 1, &r, 1, &r, z, INSERT_VALUES));
        }
        for (size_t e = 0; e < m; e++) {
            if (lu[e] == lv[e] || k->role[lu[e]] < 0 || k->role[lv[e]] < 0) continue;
            PetscInt rc[2] = {rows[lu[e]], rows[lv[e]]};
            MN__PETSC(MatSetValues(M, 2, rc, 2, rc, z, INSERT_VALUES));
        }
        MN__PETSC(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
        MN__PETSC(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
    }
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
        if (!strcmp(type, KSPPREONLY)) {
            MN__PETSC(KSPSetNormType(k->ksp, KSP_NORM_NONE));
        }
    }
    k->have_setup = 0;
    k->have_x = 0;
    k->opts_changed = 0;
    k->g_zero_changed = 1; /* roles changed: detect the floating nodes again */
    k->structure_ok = 1;
cleanup:
    if (pre) MatDestroy(&pre);
    return st;
}

mn_status mn__mpi_assemble(mn_mpi_kirchhoff *k, const double *volts, int with_emf)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    const double *G = k->G, *emf = with_emf ? k->emf : NULL;
    const int *role = k->role;
    const unsigned char *fl = k->floating;
    PetscInt nown = g->rend - g->rstart;
    MN__PETSC(MatZeroEntries(k->A));
    MN__PETSC(VecSet(k->b, 0.0));
    for (size_t e = 0; e < g->m; e++) {
        mn_index u = lu[e], v = lv[e];
        if (u == v || fl[u] || fl[v]) continue;
        int ru = role[u], rv = role[v];
        double ge = G[e];
        if (ru == 0 && rv == 0) {
            PetscInt rc[2] = {rows[u], rows[v]};
            PetscScalar a[4] = {ge, -ge, -ge, ge};
            MN__PETSC(MatSetValues(k->A, 2, rc, 2, rc, a, ADD_VALUES));
        } else if (ru == 0 || rv == 0) {
            PetscInt r = ru == 0 ? rows[u] : rows[v];
            double va = volts[-1 - (ru == 0 ? rv : ru)];
            MN__PETSC(MatSetValues(k->A, 1, &r, 1, &r, &ge, ADD_VALUES));
            if (va != 0.0) {
                PetscScalar bv = ge * va;
                MN__PETSC(VecSetValues(k->b, 1, &r, &bv, ADD_VALUES));
            }
        }
        if (emf && emf[e] != 0.0) {
            /* KCL: L phi = -B G S */
            PetscScalar s = ge * emf[e], ms = -s;
            if (ru == 0) MN__PETSC(VecSetValues(k->b, 1, &rows[u], &ms, ADD_VALUES));
            if (rv == 0) MN__PETSC(VecSetValues(k->b, 1, &rows[v], &s, ADD_VALUES));
        }
    }
    for (PetscInt i = 0; i < nown; i++) {
        if (role[i] == 0 && !fl[i]) continue;
        PetscInt r = g->rstart + i;
        PetscScalar one = 1.0, bv = role[i] < 0 ? volts[-1 - role[i]] : 0.0;
        MN__PETSC(MatSetValues(k->A, 1, &r, 1, &r, &one, ADD_VALUES));
        if (bv != 0.0) MN__PETSC(VecSetValues(k->b, 1, &r, &bv, ADD_VALUES));
    }
    MN__PETSC(MatAssemblyBegin(k->A, MAT_FINAL_ASSEMBLY));
    MN__PETSC(VecAssemblyBegin(k->b));
    MN__PETSC(MatAssemblyEnd(k->A, MAT_FINAL_ASSEMBLY));
    MN__PETSC(VecAssemblyEnd(k->b));
cleanup:
    return st;
}
