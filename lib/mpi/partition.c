/*
 * libmemnet-mpi: partition of the nodes (rows) over the ranks and the local node lists.
 *
 * Every method starts from the block distribution of node ids (rank r holds ids
 * [N r / P, N (r + 1) / P)), computes a target rank for each of its ids, numbers the rows
 * rank by rank (ISPartitioningToNumbering) and keeps the map original id <-> row in a PETSc
 * AO. SFC: node coordinates are routed to the block owners through a PETSc vector, quantised
 * to 21 bits per axis in the global bounding box and interleaved to a Morton key; the P - 1
 * split keys that give equal counts are found by a bisection on the key range in which every
 * step is one MPI_Allreduce of P - 1 counts (64 steps), so no global sort is needed.
 * PT-Scotch: ptscotch.c computes the targets (called directly, in a deterministic Scotch
 * context, so that the partition depends only on the graph and the rank count).
 */
#include "mpi-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static PetscInt block_start(PetscInt N, int size, int r)
{
    return (PetscInt)(((int64_t)N * r) / size);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_pint(const void *a, const void *b)
{
    PetscInt x = *(const PetscInt *)a, y = *(const PetscInt *)b;
    return (x > y) - (x < y);
}

/* spread the low 21 bits of x to every third bit */
static uint64_t spread3(uint64_t x)
{
    x &= 0x1fffffULL;
    x = (x | x << 32) & 0x1f00000000ffffULL;
    x = (x | x << 16) & 0x1f0000ff0000ffULL;
    x = (x | x << 8) & 0x100f00f00f00f00fULL;
    x = (x | x << 4) & 0x10c30c30c30c30c3ULL;
    x = (x | x << 2) & 0x1249249249249249ULL;
    return x;
}

/* number of keys < t in a sorted array */
static size_t count_below(const uint64_t *s, size_t n, uint64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static mn_status sfc_targets(mn_mpi_graph *g, PetscInt bs, PetscInt nb, PetscInt *target)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    Vec C = NULL;
    PetscInt *idx = NULL;
    uint64_t *key = NULL, *sorted = NULL, *lo = NULL, *hi = NULL;
    long long *cnt = NULL, *cnt_all = NULL;
    int P = g->size;
    MN__PETSC(VecCreateMPI(g->comm, 3 * nb, 3 * g->N, &C));
    MN__PETSC(VecSet(C, NAN));
    idx = mn__malloc_or_err(ctx, 3 * g->nc + 1, sizeof *idx, "coordinates");
    if (!idx) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < g->nc; i++)
        for (int d = 0; d < 3; d++) idx[3 * i + (size_t)d] = 3 * (PetscInt)g->cnode[i] + d;
    MN__PETSC(VecSetValues(C, 3 * (PetscInt)g->nc, idx, g->cxyz, INSERT_VALUES));
    MN__PETSC(VecAssemblyBegin(C));
    MN__PETSC(VecAssemblyEnd(C));
    const PetscScalar *x;
    MN__PETSC(VecGetArrayRead(C, &x));
    double bmin[3] = {INFINITY, INFINITY, INFINITY}, bmax[3] = {-INFINITY, -INFINITY, -INFINITY};
    PetscInt missing = -1;
    for (PetscInt i = 0; i < nb; i++)
        for (int d = 0; d < 3; d++) {
            double v = x[3 * i + d];
            if (isnan(v)) {
                if (missing < 0) missing = bs + i;
                continue;
            }
            bmin[d] = v < bmin[d] ? v : bmin[d];
            bmax[d] = v > bmax[d] ? v : bmax[d];
        }
    if (missing >= 0)
        st = mn__error(ctx, MN_ERR_STATE, "SFC partition: node %ld has no coordinates",
                       (long)missing);
    st = mn__mpi_agree(ctx, g->comm, st);
    if (st != MN_OK) {
        VecRestoreArrayRead(C, &x);
        goto cleanup;
    }
    double gmin[3], gmax[3];
    MPI_Allreduce(bmin, gmin, 3, MPI_DOUBLE, MPI_MIN, g->comm);
    MPI_Allreduce(bmax, gmax, 3, MPI_DOUBLE, MPI_MAX, g->comm);
    key = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *key, "SFC keys");
    sorted = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *sorted, "SFC keys");
    lo = mn__malloc_or_err(ctx, (size_t)P, sizeof *lo, "SFC splits");
    hi = mn__malloc_or_err(ctx, (size_t)P, sizeof *hi, "SFC splits");
    cnt = mn__malloc_or_err(ctx, (size_t)P, sizeof *cnt, "SFC splits");
    cnt_all = mn__malloc_or_err(ctx, (size_t)P, sizeof *cnt_all, "SFC splits");
    if (!key || !sorted || !lo || !hi || !cnt || !cnt_all) {
        VecRestoreArrayRead(C, &x);
        MN__FAIL(MN_ERR_NOMEM);
    }
    for (PetscInt i = 0; i < nb; i++) {
        uint64_t k = 0;
        for (int d = 0; d < 3; d++) {
            double w = gmax[d] - gmin[d];
            double f = w > 0 ? (x[3 * i + d] - gmin[d]) / w : 0.0;
            uint64_t q = (uint64_t)(f * 2097151.0);
            k |= spread3(q) << d;
        }
        key[i] = sorted[i] = k;
    }
    MN__PETSC(VecRestoreArrayRead(C, &x));
    qsort(sorted, (size_t)nb, sizeof *sorted, cmp_u64);
    /* split r (1 .. P-1): the smallest key t with count(key < t) >= N r / P */
    for (int r = 1; r < P; r++) {
        lo[r] = 0;
        hi[r] = (uint64_t)1 << 63;
    }
    for (int it = 0; it < 64; it++) {
        for (int r = 1; r < P; r++) {
            uint64_t mid = lo[r] + (hi[r] - lo[r]) / 2;
            cnt[r] = (long long)count_below(sorted, (size_t)nb, mid);
        }
        cnt[0] = 0;
        MPI_Allreduce(cnt, cnt_all, P, MPI_LONG_LONG, MPI_SUM, g->comm);
        for (int r = 1; r < P; r++) {
            uint64_t mid = lo[r] + (hi[r] - lo[r]) / 2;
            if (cnt_all[r] >= (long long)block_start(g->N, P, r))
                hi[r] = mid;
            else
                lo[r] = mid + 1;
        }
    }
    for (PetscInt i = 0; i < nb; i++) {
        int r = 0;
        while (r + 1 < P && lo[r + 1] <= key[i]) r++;
        target[i] = r;
    }
cleanup:
    if (C) VecDestroy(&C);
    mn__free(ctx, idx);
    mn__free(ctx, key);
    mn__free(ctx, sorted);
    mn__free(ctx, lo);
    mn__free(ctx, hi);
    mn__free(ctx, cnt);
    mn__free(ctx, cnt_all);
    return st;
}

/* rows of the edge ends, local node lists (owned rows, then sorted ghost rows) */
static mn_status local_lists(mn_mpi_graph *g)
{
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    size_t m = g->m, nown = (size_t)(g->rend - g->rstart);
    PetscInt *ru = mn__malloc_or_err(ctx, m + 1, sizeof *ru, "edge rows");
    PetscInt *rv = mn__malloc_or_err(ctx, m + 1, sizeof *rv, "edge rows");
    PetscInt *gh = mn__malloc_or_err(ctx, 2 * m + 1, sizeof *gh, "ghost rows");
    if (!ru || !rv || !gh) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < m; e++) {
        ru[e] = g->eu[e];
        rv[e] = g->ev[e];
    }
    MN__TRY(mn__mpi_graph_to_rows(g, ru, m));
    MN__TRY(mn__mpi_graph_to_rows(g, rv, m));
    size_t ng = 0;
    for (size_t e = 0; e < m; e++) {
        if (ru[e] < g->rstart || ru[e] >= g->rend) gh[ng++] = ru[e];
        if (rv[e] < g->rstart || rv[e] >= g->rend) gh[ng++] = rv[e];
    }
    qsort(gh, ng, sizeof *gh, cmp_pint);
    size_t w = 0;
    for (size_t i = 0; i < ng; i++)
        if (w == 0 || gh[i] != gh[w - 1]) gh[w++] = gh[i];
    ng = w;
    g->n_local = nown + ng;
    g->local_rows = mn__malloc_or_err(ctx, g->n_local + 1, sizeof *g->local_rows, "local rows");
    g->local_nodes = mn__malloc_or_err(ctx, g->n_local + 1, sizeof *g->local_nodes, "local nodes");
    g->lu = mn__malloc_or_err(ctx, m + 1, sizeof *g->lu, "local edges");
    g->lv = mn__malloc_or_err(ctx, m + 1, sizeof *g->lv, "local edges");
    if (!g->local_rows || !g->local_nodes || !g->lu || !g->lv) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < nown; i++) g->local_rows[i] = g->rstart + (PetscInt)i;
    for (size_t i = 0; i < ng; i++) g->local_rows[nown + i] = gh[i];
    for (size_t e = 0; e < m; e++)
        for (int end = 0; end < 2; end++) {
            PetscInt r = end ? rv[e] : ru[e];
            size_t l;
            if (r >= g->rstart && r < g->rend) {
                l = (size_t)(r - g->rstart);
            } else {
                PetscInt *p = bsearch(&r, gh, ng, sizeof *gh, cmp_pint);
                l = nown + (size_t)(p - gh);
            }
            (end ? g->lv : g->lu)[e] = (mn_index)l;
        }
    /* original ids of the local nodes */
    PetscInt *ids = gh; /* reuse: 2m + 1 >= ... not necessarily n_local: allocate */
    ids = mn__malloc_or_err(ctx, g->n_local + 1, sizeof *ids, "local nodes");
    if (!ids) MN__FAIL(MN_ERR_NOMEM);
    memcpy(ids, g->local_rows, g->n_local * sizeof *ids);
    if (g->ao) {
        PetscErrorCode ierr = AOPetscToApplication(g->ao, (PetscInt)g->n_local, ids);
        if (ierr) {
            mn__free(ctx, ids);
            MN__FAIL(mn__mpi_petsc_error(ctx, ierr, "AOPetscToApplication"));
        }
    }
    for (size_t i = 0; i < g->n_local; i++) g->local_nodes[i] = (mn_index)ids[i];
    mn__free(ctx, ids);
cleanup:
    mn__free(ctx, ru);
    mn__free(ctx, rv);
    mn__free(ctx, gh);
    return st;
}

mn_status mn_mpi_graph_partition(mn_mpi_graph *g, mn_mpi_partition method)
{
    if (!g) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    mn_context *ctx = g->ctx;
    PetscInt *target = NULL;
    IS part = NULL, num = NULL;
    PetscInt *counts = NULL, *app = NULL;
    if (g->partitioned)
        st = mn__error(ctx, MN_ERR_STATE, "the graph is already partitioned");
    else if (method != MN_MPI_PARTITION_BLOCK && method != MN_MPI_PARTITION_SFC &&
             method != MN_MPI_PARTITION_PTSCOTCH)
        st = mn__error(ctx, MN_ERR_RANGE, "unknown partition method %d", (int)method);
    if ((st = mn__mpi_agree(ctx, g->comm, st)) != MN_OK) return st;
    PetscInt bs = block_start(g->N, g->size, g->rank);
    PetscInt be = block_start(g->N, g->size, g->rank + 1), nb = be - bs;
    if (method == MN_MPI_PARTITION_BLOCK) {
        g->rstart = bs;
        g->rend = be;
    } else {
        target = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *target, "partition");
        st = mn__mpi_agree(ctx, g->comm, target ? MN_OK : MN_ERR_NOMEM);
        if (st != MN_OK) goto cleanup;
        if (method == MN_MPI_PARTITION_SFC)
            st = sfc_targets(g, bs, nb, target);
        else
            st = mn__mpi_ptscotch_targets(g, nb, target);
        if ((st = mn__mpi_agree(ctx, g->comm, st)) != MN_OK) goto cleanup;
        counts = mn__calloc_or_err(ctx, (size_t)g->size, sizeof *counts, "partition");
        app = mn__malloc_or_err(ctx, (size_t)nb + 1, sizeof *app, "partition");
        if ((st = mn__mpi_agree(ctx, g->comm, counts && app ? MN_OK : MN_ERR_NOMEM)) != MN_OK)
            goto cleanup;
        MN__PETSC(ISCreateGeneral(g->comm, nb, target, PETSC_USE_POINTER, &part));
        MN__PETSC(ISPartitioningToNumbering(part, &num));
        MN__PETSC(ISPartitioningCount(part, g->size, counts));
        PetscInt r0 = 0;
        for (int r = 0; r < g->rank; r++) r0 += counts[r];
        g->rstart = r0;
        g->rend = r0 + counts[g->rank];
        for (PetscInt i = 0; i < nb; i++) app[i] = bs + i;
        const PetscInt *newrow;
        MN__PETSC(ISGetIndices(num, &newrow));
        PetscErrorCode ierr = AOCreateBasic(g->comm, nb, app, newrow, &g->ao);
        ISRestoreIndices(num, &newrow);
        if (ierr) MN__FAIL(mn__mpi_petsc_error(ctx, ierr, "AOCreateBasic"));
    }
    st = mn__mpi_agree(ctx, g->comm, local_lists(g));
    if (st == MN_OK) {
        /* global edge ids: rank-major (the edges of rank 0, then rank 1, ...) */
        long long m = (long long)g->m, off = 0, tot = 0;
        MPI_Exscan(&m, &off, 1, MPI_LONG_LONG, MPI_SUM, g->comm);
        MPI_Allreduce(&m, &tot, 1, MPI_LONG_LONG, MPI_SUM, g->comm);
        g->eoff = g->rank == 0 ? 0 : (int64_t)off;
        g->m_global = (int64_t)tot;
        g->partitioned = 1;
    }
cleanup:
    if (part) ISDestroy(&part);
    if (num) ISDestroy(&num);
    mn__free(ctx, target);
    mn__free(ctx, counts);
    mn__free(ctx, app);
    return st;
}
