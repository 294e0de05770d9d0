/*
 * bench-mpi-assemble: the per-solve assembly of the distributed Kirchhoff system (matrix and
 * right-hand side from the conductances), memnet's COO assembly (lib/mpi/assemble.c:
 * MatSetValuesCOO / VecSetValuesCOO on a pattern fixed once) against the assembly it replaced
 * (MatZeroEntries, one MatSetValues call per edge with ADD_VALUES, off-rank entries stashed and
 * added in message arrival order, VecSetValues likewise), in the same invocation.
 *
 *   mpiexec -n P bench-mpi-assemble [--sizes 1e5,1e6] [--repeat R] [--seed S]
 *
 * Per size (target junctions of a 2-D stick network from mn_mpi_gen_sticks, SFC partition,
 * two electrodes, conductances log-uniform over 6 decades): the structure once each way (COO
 * pattern and preallocation, with the KSP's creation; the MATPREALLOCATOR pass it replaced); then R rounds, each one assembly of each kind (alternating, so both
 * see the same load). Reported: CPU (user + sys, summed over the ranks) and wall (slowest rank)
 * per assembly; the largest difference between the two matrices and right-hand sides relative
 * to their largest entry (the same system up to the order of the additions); the peak RSS.
 * Links the library's objects (internal functions), not the installed library.
 */
#include "mpi-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../bench-util.h"

static int rank, size;

static double reduce(double x, MPI_Op op)
{
    double y = x;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, op, MPI_COMM_WORLD);
    return y;
}

static double hash01(uint64_t a, uint64_t b)
{
    uint64_t z = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL);
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* a memnet call (message from the context) */
#define CK(call)                                                                               \
    do {                                                                                       \
        if ((call) != MN_OK) {                                                                 \
            fprintf(stderr, "[rank %d] %s failed: %s\n", rank, #call,                          \
                    mn_context_last_error(ctx));                                               \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                      \
        }                                                                                      \
    } while (0)

/* a PETSc call (PETSc's message for the error code) */
#define PK(call)                                                                               \
    do {                                                                                       \
        PetscErrorCode e_ = (call);                                                            \
        if (e_) {                                                                              \
            const char *text_ = NULL;                                                          \
            PetscErrorMessage(e_, &text_, NULL);                                               \
            fprintf(stderr, "[rank %d] %s: PETSc error %d (%s)\n", rank, #call, (int)e_,       \
                    text_ ? text_ : "?");                                                      \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                      \
        }                                                                                      \
    } while (0)

/* the structure before COO: the pattern through a MATPREALLOCATOR pass (one MatSetValues call
 * per edge), then MatPreallocatorPreallocate */
static PetscErrorCode setvalues_structure(mn_mpi_kirchhoff *k, Mat *out)
{
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    PetscInt nown = g->rend - g->rstart;
    PetscScalar z[4] = {0, 0, 0, 0};
    Mat pre;
    PetscCall(MatCreate(g->comm, &pre));
    PetscCall(MatSetSizes(pre, nown, nown, g->N, g->N));
    PetscCall(MatSetType(pre, MATPREALLOCATOR));
    PetscCall(MatSetUp(pre));
    for (PetscInt i = 0; i < nown; i++) {
        PetscInt r = g->rstart + i;
        PetscCall(MatSetValues(pre, 1, &r, 1, &r, z, INSERT_VALUES));
    }
    for (size_t e = 0; e < g->m; e++) {
        if (lu[e] == lv[e] || k->role[lu[e]] < 0 || k->role[lv[e]] < 0) continue;
        PetscInt rc[2] = {rows[lu[e]], rows[lv[e]]};
        PetscCall(MatSetValues(pre, 2, rc, 2, rc, z, INSERT_VALUES));
    }
    PetscCall(MatAssemblyBegin(pre, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(pre, MAT_FINAL_ASSEMBLY));
    PetscCall(MatCreate(g->comm, out));
    PetscCall(MatSetSizes(*out, nown, nown, g->N, g->N));
    PetscCall(MatSetType(*out, MATAIJ));
    PetscCall(MatPreallocatorPreallocate(pre, PETSC_TRUE, *out));
    PetscCall(MatDestroy(&pre));
    return 0;
}

/* the assembly before COO: one MatSetValues / VecSetValues call per edge, ADD_VALUES */
static PetscErrorCode setvalues_assemble(mn_mpi_kirchhoff *k, Mat A, Vec b)
{
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    const double *volts = k->el_volts;
    PetscInt nown = g->rend - g->rstart;
    PetscCall(MatZeroEntries(A));
    PetscCall(VecSet(b, 0.0));
    for (size_t e = 0; e < g->m; e++) {
        mn_index u = lu[e], v = lv[e];
        if (u == v || k->floating[u] || k->floating[v]) continue;
        int ru = k->role[u], rv = k->role[v];
        double ge = k->G[e];
        if (ru == 0 && rv == 0) {
            PetscInt rc[2] = {rows[u], rows[v]};
            PetscScalar a[4] = {ge, -ge, -ge, ge};
            PetscCall(MatSetValues(A, 2, rc, 2, rc, a, ADD_VALUES));
        } else if (ru == 0 || rv == 0) {
            PetscInt r = ru == 0 ? rows[u] : rows[v];
            PetscScalar bv = ge * volts[-1 - (ru == 0 ? rv : ru)];
            PetscCall(MatSetValues(A, 1, &r, 1, &r, &ge, ADD_VALUES));
            if (bv != 0.0) PetscCall(VecSetValues(b, 1, &r, &bv, ADD_VALUES));
        }
    }
    for (PetscInt i = 0; i < nown; i++) {
        if (k->role[i] == 0 && !k->floating[i]) continue;
        PetscInt r = g->rstart + i;
        PetscScalar one = 1.0, bv = k->role[i] < 0 ? volts[-1 - k->role[i]] : 0.0;
        PetscCall(MatSetValues(A, 1, &r, 1, &r, &one, ADD_VALUES));
        if (bv != 0.0) PetscCall(VecSetValues(b, 1, &r, &bv, ADD_VALUES));
    }
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(VecAssemblyBegin(b));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(VecAssemblyEnd(b));
    return 0;
}

static void run(double target, int repeat, uint64_t seed)
{
    mn_context *ctx;
    if (mn_context_new(&ctx) != MN_OK) MPI_Abort(MPI_COMM_WORLD, 1);
    size_t nw = (size_t)(target / 6.0);
    double side = sqrt((double)nw / (6.0 * 3.14159265358979323846));
    mn_mpi_graph *g;
    CK(mn_mpi_gen_sticks(&g, ctx, MPI_COMM_WORLD, nw, side, 1.0, 0.5, seed));
    CK(mn_mpi_graph_partition(g, MN_MPI_PARTITION_SFC));
    size_t m = mn_mpi_graph_edge_count(g);
    const mn_index *u = mn_mpi_graph_edge_u(g), *v = mn_mpi_graph_edge_v(g);
    double junctions = reduce((double)m, MPI_SUM);
    mn_mpi_kirchhoff *k;
    CK(mn_mpi_kirchhoff_new(&k, g));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "left", NULL));
    CK(mn_mpi_kirchhoff_add_electrode_set(k, "right", NULL));
    CK(mn_mpi_kirchhoff_set_potential(k, 0, 1.0));
    double *G = malloc((m + 1) * sizeof *G);
    for (size_t e = 0; e < m; e++) G[e] = pow(10.0, -6.0 * hash01((uint64_t)u[e], (uint64_t)v[e]));
    CK(mn_mpi_kirchhoff_set_conductances(k, G));
    /* the structure (no floating nodes are looked for: the mask stays 0, as for a network
     * without zero conductances) */
    double w0 = now(), c0 = cpu_seconds();
    CK(mn__mpi_build_structure(k));
    double t_struct = reduce(now() - w0, MPI_MAX), c_struct = reduce(cpu_seconds() - c0, MPI_SUM);
    Mat A2;
    Vec b2;
    w0 = now();
    c0 = cpu_seconds();
    PK(setvalues_structure(k, &A2));
    double t_struct2 = reduce(now() - w0, MPI_MAX), c_struct2 = reduce(cpu_seconds() - c0, MPI_SUM);
    PK(VecDuplicate(k->x, &b2));
    double t_coo = 0, c_coo = 0, t_sv = 0, c_sv = 0;
    for (int r = 0; r < repeat; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        w0 = now();
        c0 = cpu_seconds();
        PK(setvalues_assemble(k, A2, b2));
        t_sv += reduce(now() - w0, MPI_MAX);
        c_sv += reduce(cpu_seconds() - c0, MPI_SUM);
        MPI_Barrier(MPI_COMM_WORLD);
        w0 = now();
        c0 = cpu_seconds();
        CK(mn__mpi_assemble(k, k->el_volts, 1));
        t_coo += reduce(now() - w0, MPI_MAX);
        c_coo += reduce(cpu_seconds() - c0, MPI_SUM);
    }
    /* the same system: max |A2 - A| / max |A|, likewise b */
    PetscReal amax, bmax, da, db;
    PK(MatNorm(k->A, NORM_MAX, &amax));
    PK(VecNorm(k->b, NORM_INFINITY, &bmax));
    PK(MatAXPY(A2, -1.0, k->A, DIFFERENT_NONZERO_PATTERN));
    PK(VecAXPY(b2, -1.0, k->b));
    PK(MatNorm(A2, NORM_MAX, &da));
    PK(VecNorm(b2, NORM_INFINITY, &db));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = reduce((double)ru.ru_maxrss / 1024.0, MPI_MAX);
    if (rank == 0)
        printf("%9.3g junctions, %d ranks: structure COO %.3g s CPU (%.3g s wall), "
               "preallocator %.3g s CPU (%.3g s wall, without the KSP); per assembly: COO %.3g s "
               "CPU (%.3g s wall), MatSetValues %.3g s CPU (%.3g s wall), ratio %.2f CPU; "
               "difference A %.2g, b %.2g; RSS %.0f MB\n",
               junctions, size, c_struct, t_struct, c_struct2, t_struct2, c_coo / repeat,
               t_coo / repeat, c_sv / repeat, t_sv / repeat, c_sv / c_coo, (double)(da / amax),
               (double)(db / bmax), rss);
    MatDestroy(&A2);
    VecDestroy(&b2);
    free(G);
    mn_mpi_kirchhoff_free(k);
    mn_mpi_graph_free(g);
    mn_context_free(ctx);
}

int main(int argc, char **argv)
{
    if (mn_mpi_init() != MN_OK) return 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *sizes = "1e5,1e6";
    int repeat = 5;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc)
            sizes = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else {
            if (rank == 0)
                fprintf(stderr, "usage: bench-mpi-assemble [--sizes 1e5,1e6] [--repeat R] "
                                "[--seed S]\n");
            mn_mpi_finalize();
            return 2;
        }
    }
    if (repeat < 1) repeat = 1;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", sizes);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) run(atof(tok), repeat, seed);
    mn_mpi_finalize();
    return 0;
}
