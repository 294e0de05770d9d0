/* libmemnet-mpi: start and stop MPI and PETSc; errors of PETSc calls; status agreement. */
#include "mpi-private.h"

#include <time.h>

static int mn__mpi_started_mpi;   /* mn_mpi_init() called MPI_Init */
static int mn__mpi_started_petsc; /* mn_mpi_init() called PetscInitialize */

mn_status mn_mpi_init(void)
{
    int flag = 0;
    if (MPI_Initialized(&flag) != MPI_SUCCESS) return MN_ERR_SOLVER;
    if (!flag) {
        if (MPI_Init(NULL, NULL) != MPI_SUCCESS) return MN_ERR_SOLVER;
        mn__mpi_started_mpi = 1;
    }
    PetscBool pi = PETSC_FALSE;
    if (PetscInitialized(&pi) || pi) return MN_OK;
    /* no signal handlers, no error printing: the library never prints */
    if (PetscOptionsSetValue(NULL, "-no_signal_handler", NULL)) return MN_ERR_SOLVER;
    if (PetscInitializeNoArguments()) return MN_ERR_SOLVER;
    if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) return MN_ERR_SOLVER;
    mn__mpi_started_petsc = 1;
    return MN_OK;
}

mn_status mn_mpi_finalize(void)
{
    mn_status st = MN_OK;
    if (mn__mpi_started_petsc) {
        if (PetscFinalize()) st = MN_ERR_SOLVER;
        mn__mpi_started_petsc = 0;
    }
    if (mn__mpi_started_mpi) {
        int fin = 0;
        MPI_Finalized(&fin);
        if (!fin && MPI_Finalize() != MPI_SUCCESS) st = MN_ERR_SOLVER;
        mn__mpi_started_mpi = 0;
    }
    return st;
}

mn_status mn__mpi_petsc_error(mn_context *ctx, PetscErrorCode ierr, const char *what)
{
    const char *text = NULL;
    PetscErrorMessage(ierr, &text, NULL);
    if (ierr == PETSC_ERR_MEM)
        return mn__error(ctx, MN_ERR_NOMEM, "PETSc out of memory in %s", what);
    return mn__error(ctx, MN_ERR_SOLVER, "PETSc error %d (%s) in %s", (int)ierr,
                     text ? text : "unknown", what);
}

mn_status mn__mpi_agree(mn_context *ctx, MPI_Comm comm, mn_status st)
{
    int mine = (int)st, all = mine;
    if (MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return mn__error(ctx, MN_ERR_SOLVER, "MPI_Allreduce failed");
    if (all != MN_OK && mine == MN_OK)
        return mn__error(ctx, (mn_status)all, "another rank failed with %s (see its message)",
                         mn_status_str((mn_status)all));
    return (mn_status)all;
}

double mn__mpi_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
