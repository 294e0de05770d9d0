/*
 * libmemnet-mpi: the first-order change of the potentials under a change of the conductances,
 * on the present matrix and AMG hierarchy (sensitivity.c). Not installed.
 */
#ifndef MEMNET_MPI_SENSITIVITY_H
#define MEMNET_MPI_SENSITIVITY_H

#include "mpi-private.h"

/* Work vectors of the sensitivity solves (created on first use, freed by the owner). */
typedef struct mn__mpi_sens {
    Vec b, x, xloc;
    PetscScalar *bv; /* COO values of b: two per local edge (its ends' rows), fixed order */
    int its;        /* CG iterations of the last solve */
    uint64_t n_its; /* all solves */
} mn__mpi_sens;

/*
 * dV of this rank's edges for conductance changes dG of this rank's edges (000 eqs 5-6
 * differentiated): A dphi = -B dG (V + S) on the free rows, dphi = 0 on electrode and floating
 * rows, dV = B^T dphi; A is the matrix of the last solve (the conductances it holds), solved
 * by CG on the present hierarchy (no new setup) from zero to relative residual rtol.
 * Collective; the solver must hold a solution (mn_mpi_kirchhoff_solve).
 */
mn_status mn__mpi_kirchhoff_sensitivity(mn_mpi_kirchhoff *k, mn__mpi_sens *w, const double *dG,
                                        double rtol, double *dV);
void mn__mpi_sens_free(mn_context *ctx, mn__mpi_sens *w);

#endif
