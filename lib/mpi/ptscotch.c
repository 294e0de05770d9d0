/*
 * libmemnet-mpi: the PT-Scotch partition (MN_MPI_PARTITION_PTSCOTCH), called directly rather
 * than through PETSc's MatPartitioning, so that it runs in a Scotch context of memnet's own:
 *   - deterministic (SCOTCH_OPTIONNUMDETERMINISTIC): PT-Scotch's distributed matching then
 *     takes its neighbours' replies in rank order instead of in the order they arrive
 *     (MPI_Waitany), and the sequential matching after folding is not split over threads;
 *   - one thread per rank (SCOTCH_contextThreadSpawn): a default context starts as many
 *     threads as the process has cores and pins them, on a memnet rank that is meant to have
 *     one core;
 *   - a private random generator with a fixed seed per rank, reset for every partition: the
 *     library's global generator lives as long as the process (and is seeded by the time of
 *     day unless Scotch was built with a fixed seed).
 * Through PETSc none of this can be set (it calls SCOTCH_dgraphMap without a context), and the
 * partition of the same graph on the same ranks differed from run to run on a loaded machine.
 * Strategy and imbalance are PETSc's defaults: SCOTCH_STRATQUALITY, 0.01.
 *
 * The adjacency: every edge u-v (u != v) is routed to the rows of both ends by a PETSc matrix
 * assembly in the block distribution of node ids; each row's columns (sorted, duplicates
 * merged, diagonal dropped) become the SCOTCH_Num arrays of SCOTCH_dgraphBuild. Copying into
 * SCOTCH_Num arrays makes the partition independent of PetscInt's size: a 64-bit PETSc works
 * with the 32-bit PT-Scotch as long as the node and adjacency counts fit SCOTCH_Num.
 */
#include "mpi-private.h"

#include <stdio.h>

#ifdef MN_HAVE_PTSCOTCH
#include <ptscotch.h>

/* the adjacency in the block distribution: A's rows [bs, bs + nb), columns the neighbours */
static mn_status adjacency_matrix(mn_mpi_graph *g, PetscInt nb, Mat *out)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    Mat pre = NULL, A = NULL;
    PetscScalar one[4] = {1, 1, 1, 1};
    for (int pass = 0; pass < 2; pass++) {
        Mat M;
        MN__PETSC(MatCreate(g->comm, pass ? &A : &pre));
        M = pass ? A : pre;
        MN__PETSC(MatSetSizes(M, nb, nb, g->N, g->N));
        MN__PETSC(MatSetType(M, pass ? MATAIJ : MATPREALLOCATOR));
        if (pass) {
            MN__PETSC(MatPreallocatorPreallocate(pre, PETSC_TRUE, A));
        } else {
            MN__PETSC(MatSetUp(M));
        }
        for (size_t e = 0; e < g->m; e++) {
            if (g->eu[e] == g->ev[e]) continue;
            PetscInt rc[2] = {g->eu[e], g->ev[e]};
            MN__PETSC(MatSetValues(M, 2, rc, 2, rc, one, INSERT_VALUES));
        }
        MN__PETSC(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
        MN__PETSC(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
    }
    *out = A;
    A = NULL;
cleanup:
    if (A) MatDestroy(&A);
    if (pre) MatDestroy(&pre);
    return st;
}

/* x fits a SCOTCH_Num (a function: with a 4-byte PetscInt the test is constant) */
static int fits_scotch_num(long long x)
{
    return x <= (long long)SCOTCH_NUMMAX;
}

/* this rank's rows of A as Scotch's compact CSR (vert: nb + 1 offsets, edge: global ends) */
static mn_status scotch_csr(mn_mpi_graph *g, Mat A, PetscInt bs, PetscInt nb, SCOTCH_Num **vert,
                            SCOTCH_Num **edge)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    long long arcs = 0, arcs_all = 0;
    SCOTCH_Num *vt = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *vt, "PT-Scotch graph");
    SCOTCH_Num *et = NULL;
    *vert = *edge = NULL;
    if ((st = mn__mpi_agree(ctx, g->comm, vt ? MN_OK : MN_ERR_NOMEM)) != MN_OK) goto cleanup;
    for (PetscInt i = 0; i < nb; i++) { /* MatGetRow of an assembled AIJ row is local */
        PetscInt nc;
        const PetscInt *cols;
        MN__PETSC(MatGetRow(A, bs + i, &nc, &cols, NULL));
        for (PetscInt k = 0; k < nc; k++) arcs += cols[k] != bs + i;
        MN__PETSC(MatRestoreRow(A, bs + i, &nc, &cols, NULL));
    }
    MPI_Allreduce(&arcs, &arcs_all, 1, MPI_LONG_LONG, MPI_SUM, g->comm);
    if (!fits_scotch_num((long long)g->N) || !fits_scotch_num(arcs_all))
        MN__FAIL(mn__error(ctx, MN_ERR_UNSUPPORTED,
                           "PT-Scotch partition: the graph has %lld nodes and %lld adjacency "
                           "entries (twice its distinct edges), beyond the %d-byte SCOTCH_Num of "
                           "this PT-Scotch (at most %lld); use MN_MPI_PARTITION_SFC or "
                           "MN_MPI_PARTITION_BLOCK, or a PT-Scotch with 8-byte SCOTCH_Num",
                           (long long)g->N, arcs_all, (int)sizeof(SCOTCH_Num),
                           (long long)SCOTCH_NUMMAX));
    et = mn__malloc_or_err(ctx, (size_t)arcs + 1, sizeof *et, "PT-Scotch graph");
    if ((st = mn__mpi_agree(ctx, g->comm, et ? MN_OK : MN_ERR_NOMEM)) != MN_OK) goto cleanup;
    SCOTCH_Num a = 0;
    for (PetscInt i = 0; i < nb; i++) {
        PetscInt nc;
        const PetscInt *cols;
        vt[i] = a;
        MN__PETSC(MatGetRow(A, bs + i, &nc, &cols, NULL));
        for (PetscInt k = 0; k < nc; k++)
            if (cols[k] != bs + i) et[a++] = (SCOTCH_Num)cols[k];
        MN__PETSC(MatRestoreRow(A, bs + i, &nc, &cols, NULL));
    }
    vt[nb] = a;
    *vert = vt;
    *edge = et;
    vt = et = NULL;
cleanup:
    mn__free(ctx, vt);
    mn__free(ctx, et);
    return st;
}

/* the context: deterministic, one thread, its own generator with a seed fixed per rank
 * (distinct per rank, as PT-Scotch's own dgmap program does with SCOTCH_randomProc) */
static int context_setup(SCOTCH_Context *sc, int rank)
{
    if (SCOTCH_contextOptionSetNum(sc, SCOTCH_OPTIONNUMDETERMINISTIC, 1) ||
        SCOTCH_contextOptionSetNum(sc, SCOTCH_OPTIONNUMRANDOMFIXEDSEED, 1) ||
        SCOTCH_contextRandomClone(sc) || SCOTCH_contextThreadSpawn(sc, 1, NULL))
        return 1;
    SCOTCH_contextRandomSeed(sc, (SCOTCH_Num)(2 * rank + 1));
    return 0;
}

/* the step failed on this rank (named in *what) or on another: MN_ERR_SOLVER on every rank */
static int scotch_agree(mn_mpi_graph *g, int bad, const char *what, mn_status *st)
{
    int any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, g->comm);
    if (bad)
        *st = mn__error(g->ctx, MN_ERR_SOLVER, "PT-Scotch partition: %s failed", what);
    else if (any)
        *st = mn__error(g->ctx, MN_ERR_SOLVER,
                        "PT-Scotch partition: the setup failed on another rank");
    return any;
}

mn_status mn__mpi_ptscotch_targets(mn_mpi_graph *g, PetscInt nb, PetscInt *target)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    Mat A = NULL;
    SCOTCH_Num *vert = NULL, *edge = NULL, *part = NULL;
    SCOTCH_Context sc;
    SCOTCH_Dgraph dg, cdg;
    SCOTCH_Strat strat;
    SCOTCH_Arch arch;
    int have_sc = 0, have_dg = 0, have_strat = 0, have_arch = 0;
    PetscInt bs = (PetscInt)(((int64_t)g->N * g->rank) / g->size);
    if (g->size == 1) { /* one part: nothing to decide */
        for (PetscInt i = 0; i < nb; i++) target[i] = 0;
        return MN_OK;
    }
    if (SCOTCH_numSizeof() != (int)sizeof(SCOTCH_Num))
        st = mn__error(ctx, MN_ERR_UNSUPPORTED,
                       "PT-Scotch partition: memnet was built with %d-byte SCOTCH_Num but the "
                       "PT-Scotch library loaded has %d-byte ones; use MN_MPI_PARTITION_SFC or "
                       "MN_MPI_PARTITION_BLOCK",
                       (int)sizeof(SCOTCH_Num), SCOTCH_numSizeof());
    if ((st = mn__mpi_agree(ctx, g->comm, st)) != MN_OK) return st;
    MN__TRY(adjacency_matrix(g, nb, &A));
    MN__TRY(scotch_csr(g, A, bs, nb, &vert, &edge));
    MatDestroy(&A);
    part = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *part, "partition");
    if ((st = mn__mpi_agree(ctx, g->comm, part ? MN_OK : MN_ERR_NOMEM)) != MN_OK) goto cleanup;
    have_sc = SCOTCH_contextInit(&sc) == 0;
    if (scotch_agree(g, !have_sc || context_setup(&sc, g->rank), "the context", &st))
        goto cleanup;
    have_dg = SCOTCH_dgraphInit(&dg, g->comm) == 0;
    if (scotch_agree(g, !have_dg, "SCOTCH_dgraphInit", &st)) goto cleanup;
    SCOTCH_Num n = (SCOTCH_Num)nb, na = vert[nb];
    int bad = SCOTCH_dgraphBuild(&dg, 0, n, n, vert, vert + 1, NULL, NULL, na, na, edge, NULL,
                                 NULL) != 0; /* collective */
    if (scotch_agree(g, bad, "SCOTCH_dgraphBuild", &st)) goto cleanup;
    have_strat = SCOTCH_stratInit(&strat) == 0;
    have_arch = SCOTCH_archInit(&arch) == 0;
    bad = !have_strat || !have_arch || SCOTCH_contextBindDgraph(&sc, &dg, &cdg) != 0 ||
          SCOTCH_stratDgraphMapBuild(&strat, SCOTCH_STRATQUALITY, g->size, g->size, 0.01) != 0 ||
          SCOTCH_archCmplt(&arch, (SCOTCH_Num)g->size) != 0;
    if (scotch_agree(g, bad, "the strategy or target setup", &st)) goto cleanup;
    bad = SCOTCH_dgraphMap(&cdg, &arch, &strat, part) != 0;
    if (scotch_agree(g, bad, "SCOTCH_dgraphMap", &st)) goto cleanup;
    for (PetscInt i = 0; i < nb; i++) {
        if (part[i] < 0 || part[i] >= g->size)
            MN__FAIL(mn__error(ctx, MN_ERR_SOLVER,
                               "PT-Scotch partition: part %ld of node %ld outside 0 .. %d",
                               (long)part[i], (long)(bs + i), g->size - 1));
        target[i] = part[i];
    }
cleanup:
    if (have_arch) SCOTCH_archExit(&arch);
    if (have_strat) SCOTCH_stratExit(&strat);
    if (have_dg) SCOTCH_dgraphExit(&dg);
    if (have_sc) SCOTCH_contextExit(&sc);
    if (A) MatDestroy(&A);
    mn__free(ctx, vert);
    mn__free(ctx, edge);
    mn__free(ctx, part);
    return st;
}

#else /* no PT-Scotch at build time */

mn_status mn__mpi_ptscotch_targets(mn_mpi_graph *g, PetscInt nb, PetscInt *target)
{
    (void)nb;
    (void)target;
    return mn__error(g->ctx, MN_ERR_UNSUPPORTED,
                     "this build of libmemnet-mpi has no PT-Scotch (ptscotch.h and libptscotch "
                     "were not found); use MN_MPI_PARTITION_SFC or MN_MPI_PARTITION_BLOCK");
}

#endif
