/*
 * libmemnet-mpi: floating nodes across ranks. A local node is held if a path of positive
 * conductance joins it to an electrode node. Each round joins the local nodes by a union-find
 * over the rank's positive edges, spreads "held" within every local component, then takes the
 * maximum over the ranks that see a node (owner and ghosts: a reverse scatter with MAX_VALUES
 * and a forward scatter). Each round carries the flag across at least one more rank boundary;
 * the loop ends when no rank changed a flag.
 */
#include "mpi-private.h"

#include <string.h>

static int uf_find(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

mn_status mn__mpi_detect_floating(mn_mpi_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    size_t nl = g->n_local, nown = (size_t)(g->rend - g->rstart);
    int *p = mn__malloc_or_err(ctx, nl + 1, sizeof *p, "union-find");
    double *comp = mn__malloc_or_err(ctx, nl + 1, sizeof *comp, "union-find");
    Vec hg = NULL;
    if ((st = mn__mpi_agree(ctx, k->comm, p && comp ? MN_OK : MN_ERR_NOMEM)) != MN_OK)
        goto cleanup;
    for (size_t i = 0; i < nl; i++) p[i] = (int)i;
    for (size_t e = 0; e < g->m; e++) {
        if (!(k->G[e] > 0.0)) continue;
        int a = uf_find(p, g->lu[e]), b = uf_find(p, g->lv[e]);
        if (a != b) p[a > b ? a : b] = a > b ? b : a;
    }
    MN__PETSC(VecDuplicate(k->x, &hg));
    PetscScalar *h;
    MN__PETSC(VecGetArray(k->xloc, &h));
    for (size_t i = 0; i < nl; i++) h[i] = k->role[i] < 0 ? 1.0 : 0.0;
    MN__PETSC(VecRestoreArray(k->xloc, &h));
    for (;;) {
        MN__PETSC(VecGetArray(k->xloc, &h));
        for (size_t i = 0; i < nl; i++) comp[i] = 0.0;
        for (size_t i = 0; i < nl; i++) {
            int r = uf_find(p, (int)i);
            if (h[i] > comp[r]) comp[r] = h[i];
        }
        for (size_t i = 0; i < nl; i++) h[i] = comp[uf_find(p, (int)i)];
        for (size_t i = 0; i < nl; i++) comp[i] = h[i]; /* before the exchange */
        MN__PETSC(VecRestoreArray(k->xloc, &h));
        MN__PETSC(VecSet(hg, 0.0));
        MN__PETSC(VecScatterBegin(k->toloc, k->xloc, hg, MAX_VALUES, SCATTER_REVERSE));
        MN__PETSC(VecScatterEnd(k->toloc, k->xloc, hg, MAX_VALUES, SCATTER_REVERSE));
        MN__PETSC(VecScatterBegin(k->toloc, hg, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
        MN__PETSC(VecScatterEnd(k->toloc, hg, k->xloc, INSERT_VALUES, SCATTER_FORWARD));
        int changed = 0, any = 0;
        MN__PETSC(VecGetArray(k->xloc, &h));
        for (size_t i = 0; i < nl; i++)
            if (h[i] != comp[i]) changed = 1;
        MN__PETSC(VecRestoreArray(k->xloc, &h));
        MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, k->comm);
        if (!any) break;
    }
    MN__PETSC(VecGetArray(k->xloc, &h));
    int changed = 0, any = 0;
    long long nfl = 0, nfl_all = 0;
    for (size_t i = 0; i < nl; i++) {
        unsigned char f = (unsigned char)(k->role[i] == 0 && h[i] == 0.0);
        if (f != k->floating[i]) changed = 1;
        k->floating[i] = f;
        if (f && i < nown) nfl++;
    }
    MN__PETSC(VecRestoreArray(k->xloc, &h));
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, k->comm);
    MPI_Allreduce(&nfl, &nfl_all, 1, MPI_LONG_LONG, MPI_SUM, k->comm);
    if (any) k->floating_changed = 1;
    k->n_floating_global = (size_t)nfl_all;
cleanup:
    if (hg) VecDestroy(&hg);
    mn__free(ctx, p);
    mn__free(ctx, comp);
    return st;
}
