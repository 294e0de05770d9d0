/*
 * Inside of libmemnet-mpi: the distributed graph and the distributed Kirchhoff solver on
 * PETSc. Not installed. Shares the strategy rule and the result kernels of the serial solver
 * through lib/kirchhoff/kirchhoff-private.h (the backend seam).
 */
#ifndef MEMNET_MPI_PRIVATE_H
#define MEMNET_MPI_PRIVATE_H

#include <memnet/mpi.h>

#include "core/core-private.h"
#include "kirchhoff/kirchhoff-private.h"

#include <petscao.h>
#include <petscksp.h>

#define MN__MPI_NAME_MAX 64

typedef struct mn__mpi_set {
    char name[MN__MPI_NAME_MAX];
    mn_index *nodes; /* this rank's contribution (global ids) */
    size_t n, cap;
} mn__mpi_set;

struct mn_mpi_graph {
    mn_context *ctx;
    MPI_Comm comm;
    int rank, size;
    PetscInt N;                /* global nodes */
    /* edges of this rank (global ids as given) */
    mn_index *eu, *ev;
    size_t m, cap_m;
    double *elen;              /* edge lengths (gaps) of this rank's edges, or NULL */
    size_t n_elen;             /* edges the lengths were given for */
    int64_t eoff;              /* global index of this rank's first edge (after partitioning) */
    int64_t m_global;          /* edges over all ranks (after partitioning) */
    /* coordinates given on this rank */
    mn_index *cnode;
    double *cxyz;
    size_t nc, cap_c, cap_cx;
    mn__mpi_set *sets;
    size_t n_sets, cap_sets;
    /* after partitioning */
    int partitioned;
    AO ao;                     /* original id <-> row (NULL for the block partition) */
    PetscInt rstart, rend;     /* owned rows [rstart, rend) */
    size_t n_local;            /* owned + ghost */
    mn_index *local_nodes;     /* original ids of the local nodes */
    PetscInt *local_rows;      /* rows of the local nodes */
    mn_index *lu, *lv;         /* edge ends as local node indices */
};

struct mn_mpi_kirchhoff {
    mn_context *ctx;
    mn_mpi_graph *g;
    MPI_Comm comm;
    /* configuration */
    size_t n_el;
    double *el_volts;
    double *G, *emf;           /* edge-count (local) */
    mn_mpi_strategy strategy;
    double rtol;
    char *user_opts;
    /* node roles over the local nodes: 0 free, -1 - a electrode a */
    int *role;
    Vec elvec;                 /* electrode id + 1 per row (0 free) */
    int structure_ok;          /* matrix pattern and incidence match the electrodes */
    mn_index *inc_off, *inc_edge;
    signed char *inc_sign;
    /* floating */
    unsigned char *floating;   /* local nodes */
    size_t n_floating_global;
    int floating_changed;
    int g_zero_changed;        /* a conductance crossed zero since the last detection */
    /* PETSc */
    Mat A;
    Vec b, x, xloc;
    PetscScalar *av, *bv;      /* COO values of A and b, in the order of their patterns */
    size_t nav, nbv;
    int b_pattern;             /* b's pattern: -1 none, 0 without, 1 with the EMF entries */
    VecScatter toloc;
    KSP ksp;
    PetscOptions opts;
    int have_setup;            /* the KSP holds a hierarchy of some earlier matrix */
    int have_x;                /* x holds the last solution (warm start) */
    int opts_changed;
    /* results */
    double *phi, *Ve, *Ie, *el_cur; /* potentials, edge V and I, electrode currents */
    int solved;
    /* strategy: AUTO's rule in operation counts, never measured times (solve.c), so that the
     * same data give the same choices on any machine and a restart repeats them */
    mn__kh_rule rule;
    int direct;                /* the options make the KSP a direct solve (preonly): a stale
                                * preconditioner is no solver, AUTO sets up for every solve */
    int maxit;                 /* iteration bound of the next backend solve */
    int last_its;
    double last_res, last_setup_s, last_solve_s;
    int last_reused;
    uint64_t n_solves, n_setups, n_its;
};

/* error of a PETSc call: message from PETSc, status MN_ERR_SOLVER */
mn_status mn__mpi_petsc_error(mn_context *ctx, PetscErrorCode ierr, const char *what);

/* every rank gets the same status: the most negative one; a rank whose own status was OK
 * gets a message naming the failing rank's status */
mn_status mn__mpi_agree(mn_context *ctx, MPI_Comm comm, mn_status st);

/* wall clock (s) */
double mn__mpi_now(void);

/* map original node ids to rows (in place), collective */
mn_status mn__mpi_graph_to_rows(mn_mpi_graph *g, PetscInt *ids, size_t n);

/* run a PETSc call; on failure record the error and jump to cleanup (needs st and ctx) */
#define MN__PETSC(call)                                                                        \
    do {                                                                                       \
        PetscErrorCode ierr_ = (call);                                                         \
        if (ierr_) {                                                                           \
            st = mn__mpi_petsc_error(ctx, ierr_, #call);                                       \
            goto cleanup;                                                                      \
        }                                                                                      \
    } while (0)

/* ptscotch.c: PT-Scotch's part (0 .. size - 1) for each of this rank's nb block-distributed
 * node ids; a function of the graph and the rank count only. Collective. */
mn_status mn__mpi_ptscotch_targets(mn_mpi_graph *g, PetscInt nb, PetscInt *target);

/* the PETSc backend behind the seam of kirchhoff-private.h (backend.c); self is the solver */
extern const mn__kh_ops mn__mpi_petsc_ops;

/* floating.c: detect floating local nodes across ranks; sets floating_changed */
mn_status mn__mpi_detect_floating(mn_mpi_kirchhoff *k);
/* assemble.c: pattern (preallocation) and values of A and b */
mn_status mn__mpi_build_structure(mn_mpi_kirchhoff *k);
mn_status mn__mpi_assemble(mn_mpi_kirchhoff *k, const double *volts, int with_emf);
/* results */
mn_status mn__mpi_local_potentials(mn_mpi_kirchhoff *k, const double *volts, double *phi);

#endif /* MEMNET_MPI_PRIVATE_H */
