/* The CVODE side of lib/sim, shared by sim_cvode.c, sim_ls.c and sim_step.c only. */
#ifndef MEMNET_SIM_CVODE_H
#define MEMNET_SIM_CVODE_H

#include "sim/sim-impl.h"

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <nvector/nvector_serial.h>

#define NV_DATA(v) N_VGetArrayPointer((N_Vector)(v))
#define MN__SIM_GMRES_MAXL 20 /* Krylov dimension of SPGMR */

/* a CVODE return flag as a memnet status with the message of the error handler */
mn_status mn__sim_cv_check(mn_sim *s, int flag, const char *call);

/* The content of memnet's vectors (made in sim_vpool.c): the serial vector's content first,
 * which SUNDIALS' serial operations read, then the pool the clones come from (NULL: none), the
 * context whose thread pool memnet's kernels may use (nvector.c; NULL: the calling thread
 * only) and their thread count (0: the pool's choice by size, mn__pool_threads; else this
 * many, for tests). Clones inherit ctx and threads. */
typedef struct mn__nv_content {
    struct _N_VectorContent_Serial serial;
    mn__sim_vpool *pool;
    mn_context *ctx;
    int threads;
} mn__nv_content;

/* sim_vpool.c: the integrator's vectors and SPGMR's work arrays, allocated by memnet before
 * SUNDIALS would (SUNDIALS 6.4 crashes on some of its own allocation failures) */
/* a vector of n values whose clones come from s->vpool */
N_Vector mn__sim_nv_new(mn_sim *s, size_t n);
/* a vector of n values with memnet's kernels outside a simulation (tests), its content's ctx
 * and threads as given; clones are new vectors of the same kind */
N_Vector mn__sim_nv_detached(SUNContext sc, size_t n, mn_context *ctx, int threads);
/* make every vector CVODE (BDF or Adams) and SPGMR (Krylov dimension maxl; maxl < 0: no SPGMR)
 * will clone from s->y; MN_ERR_NOMEM (nothing kept) if they do not fit */
mn_status mn__sim_vpool_fill(mn_sim *s, int adams, int maxl);
/* free the vectors not handed out (after the first step), or all of them with the pool */
void mn__sim_vpool_trim(mn_sim *s);
void mn__sim_vpool_free(mn_sim *s);
/* allocate SPGMR's work arrays into the solver ls before its initialisation */
mn_status mn__sim_spgmr_prepare(mn_sim *s, void *ls);

/* sim_ls.c: CVODE's Jacobian-times-vector and preconditioner callbacks */
int mn__sim_cv_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *user);
int mn__sim_cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy, void *user,
                      N_Vector tmp);
int mn__sim_cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                      sunbooleantype *jcur, sunrealtype gamma, void *user);
int mn__sim_cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                      sunrealtype gamma, sunrealtype delta, int lr, void *user);

/* sim_blockls.c: the SUNLinearSolver that applies the preconditioner's blocks alone (CVODE's
 * default Newton solver; SPGMR by s->newton_mode); NULL: out of memory */
void *mn__sim_blockls_new(void *sunctx);

#endif
