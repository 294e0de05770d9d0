/* The CVODE side of lib/sim, shared by sim_cvode.c, sim_ls.c and sim_step.c only. */
#ifndef MEMNET_SIM_CVODE_H
#define MEMNET_SIM_CVODE_H

#include "sim/sim-impl.h"

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <nvector/nvector_serial.h>

#define NV_DATA(v) N_VGetArrayPointer((N_Vector)(v))

/* a CVODE return flag as a memnet status with the message of the error handler */
mn_status mn__sim_cv_check(mn_sim *s, int flag, const char *call);

/* sim_ls.c: CVODE's Jacobian-times-vector and preconditioner callbacks */
int mn__sim_cv_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *user);
int mn__sim_cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy, void *user,
                      N_Vector tmp);
int mn__sim_cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                      sunbooleantype *jcur, sunrealtype gamma, void *user);
int mn__sim_cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                      sunrealtype gamma, sunrealtype delta, int lr, void *user);

#endif
