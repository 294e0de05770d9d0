/*
 * CVODE: the right-hand side and root callbacks, creation and (re)start of the integrator at a
 * breakpoint, its counters. docs/simulation.md.
 */
#include "sim/sim-cvode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>

/* ================================================================ CVODE callbacks */

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    mn_sim *s = user;
    s->st_rhs++;
    mn_status st = mn__sim_eval(s, t, NV_DATA(y), mn__sim_side_at(s, t), NV_DATA(ydot));
    if (st == MN_ERR_SINGULAR || st == MN_ERR_SOLVER || st == MN_ERR_RANGE) return 1; /* recoverable */
    return st ? -1 : 0;
}

static int cv_root(sunrealtype t, N_Vector y, sunrealtype *gout, void *user)
{
    mn_sim *s = user;
    s->st_root++;
    mn_status st = mn__sim_ensure_cache(s, t, NV_DATA(y), mn__sim_side_at(s, t));
    /* event functions see the unclamped states, so a state crossing its bound is a sign change */
    if (!st) st = mn__network_event_fn(s->net, NV_DATA(y), s->V, s->I, gout);
    return st ? -1 : 0;
}

/* the callbacks as CVODE sees them, timed: CVODE's own time (vector work, its logic) is the
 * time in CVode() less the time in these */
#define MN__SIM_TIMED(call)                                                                    \
    mn_sim *s_ = user;                                                                         \
    uint64_t t0_ = mn__sim_ns();                                                               \
    int r_ = call;                                                                             \
    s_->ns_callbacks += mn__sim_ns() - t0_;                                                    \
    return r_
static int tm_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    MN__SIM_TIMED(cv_rhs(t, y, ydot, user));
}
static int tm_root(sunrealtype t, N_Vector y, sunrealtype *gout, void *user)
{
    MN__SIM_TIMED(cv_root(t, y, gout, user));
}
static int tm_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *user)
{
    MN__SIM_TIMED(mn__sim_cv_jtsetup(t, y, fy, user));
}
static int tm_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy, void *user,
                     N_Vector tmp)
{
    MN__SIM_TIMED(mn__sim_cv_jtimes(v, Jv, t, y, fy, user, tmp));
}
static int tm_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    MN__SIM_TIMED(mn__sim_cv_psetup(t, y, fy, jok, jcur, gamma, user));
}
static int tm_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                     sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    MN__SIM_TIMED(mn__sim_cv_psolve(t, y, fy, r, z, gamma, delta, lr, user));
}
#undef MN__SIM_TIMED

static void cv_errh(int code, const char *module, const char *function, char *msg, void *user)
{
    mn_sim *s = user;
    snprintf(s->cv_msg, sizeof s->cv_msg, "%s: %s", function ? function : "CVODE", msg ? msg : "");
    if (code > 0) mn__log(s->ctx, MN_LOG_WARNING, "CVODE warning: %s", s->cv_msg);
}

/* ================================================================ CVODE setup */

void mn__sim_cv_accumulate(mn_sim *s)
{
    if (!s->cvode) return;
    long v[6] = { 0 };
    CVodeGetNumSteps(s->cvode, &v[0]);
    CVodeGetNumLinIters(s->cvode, &v[1]);
    CVodeGetNumNonlinSolvIters(s->cvode, &v[2]);
    CVodeGetNumErrTestFails(s->cvode, &v[3]);
    CVodeGetNumNonlinSolvConvFails(s->cvode, &v[4]);
    s->st_steps += (uint64_t)(v[0] - s->cv_base[0]);
    s->st_lin += (uint64_t)(v[1] - s->cv_base[1]);
    s->st_newton += (uint64_t)(v[2] - s->cv_base[2]);
    s->st_errfail += (uint64_t)(v[3] - s->cv_base[3]);
    s->st_convfail += (uint64_t)(v[4] - s->cv_base[4]);
    for (int i = 0; i < 5; i++) s->cv_base[i] = v[i];
}

void mn__sim_cv_free(mn_sim *s)
{
    mn__sim_cv_accumulate(s);
    if (s->cvode) CVodeFree(&s->cvode);
    s->cvode = NULL;
    if (s->LS) SUNLinSolFree((SUNLinearSolver)s->LS);
    s->LS = NULL;
    if (s->y) N_VDestroy((N_Vector)s->y);
    if (s->ytmp) N_VDestroy((N_Vector)s->ytmp);
    s->y = s->ytmp = NULL;
    mn__sim_vpool_free(s);
    s->cv_kind = -1;
    s->cv_active = 0;
    memset(s->cv_base, 0, sizeof s->cv_base);
}

mn_status mn__sim_cv_check(mn_sim *s, int flag, const char *call)
{
    if (flag >= 0) return MN_OK;
    return mn__error(s->ctx, flag == CV_MEM_FAIL ? MN_ERR_NOMEM : MN_ERR_SOLVER,
                     "CVODE %s failed (flag %d) at t = %.17g: %s", call, flag, s->t, s->cv_msg);
}

double mn__sim_next_breakpoint(const mn_sim *s, double t)
{
    double b = INFINITY;
    for (size_t k = 0; k < s->n_el; k++)
        if (s->el_wf[k]) {
            double x = mn_waveform_next_breakpoint(s->el_wf[k], t);
            if (x < b) b = x;
        }
    if (s->isrc_wf) {
        double x = mn_waveform_next_breakpoint(s->isrc_wf, t);
        if (x < b) b = x;
    }
    if (s->el_ext_n) {
        double x = mn__sim_electrodes_next_breakpoint(s, t);
        if (x < b) b = x;
    }
    return b;
}

/* whether Newton's linear solver is SPGMR (else the blocks alone, sim_blockls.c) */
static int newton_gmres(const mn_sim *s)
{
    return s->newton_mode == MN__SIM_NEWTON_GMRES || (s->newton_mode == MN__SIM_NEWTON_AUTO && s->nev);
}

/* (re)start the integrator at (s->t, s->x): new segment up to the next breakpoint */
mn_status mn__sim_integrator_restart(mn_sim *s)
{
    mn_status st = MN_OK;
    s->seg_start = s->t;
    s->seg_end = mn__sim_next_breakpoint(s, s->t);
    s->need_restart = 0;
    s->st_restarts++;
    s->cache_valid = 0;
    if (s->kh_forget) { /* a checkpoint here: both runs continue from a fresh factor */
        mn__kirchhoff_forget(s->kir);
        s->kh_forget = 0;
    }
    /* keep the states inside their bounds at every restart */
    if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    mn__sim_walls_reset(s);
    if (s->integrator == MN_SIM_EULER || s->integrator == MN_SIM_EXACT || s->nx == 0) {
        s->grid_t0 = s->t;
        s->grid_k = 0;
        s->cv_active = 0;
        s->lag_partials = 0; /* exact partials for the stability check (sim_stability.c) */
        s->partials_lagged = 0;
        mn__sim_stability_reset(s);
        if (s->integrator == MN_SIM_EXACT) { /* which edges the exact update covers */
            const mn_index *em = mn_network_edge_models(s->net);
            for (size_t e = 0; e < s->m; e++) {
                const mn_model_ops *o = mn_network_model_ops(s->net, (size_t)em[e]);
                s->has_exact[e] = (unsigned char)(o && (o->n_states == 0 || o->exact_step));
            }
        }
        return MN_OK;
    }
    int flag;
    /* the states on a bound with their rate pointing out are held there (sim_walls.c) */
    int changed;
    if ((st = mn__sim_walls_update(s, s->t, s->x, 0, &changed))) return st;
    if (!s->sunctx) {
        SUNContext sc;
        if (SUNContext_Create(NULL, &sc))
            return mn__error(s->ctx, MN_ERR_SOLVER, "SUNDIALS context creation failed");
        s->sunctx = sc;
    }
    SUNContext sc = (SUNContext)s->sunctx;
    if (s->cvode && s->cv_kind != s->integrator) mn__sim_cv_free(s);
    if (!s->cvode) {
        int lmm = s->integrator == MN_SIM_ADAMS ? CV_ADAMS : CV_BDF;
        /* every vector CVODE and SPGMR will clone, made and checked first (sim_vpool.c) */
        s->y = mn__sim_nv_new(s, s->nx);
        s->ytmp = mn__sim_nv_new(s, s->nx);
        if (!s->y || !s->ytmp) {
            mn__sim_cv_free(s);
            return mn__error(s->ctx, MN_ERR_NOMEM, "CVODE vectors of %zu values", s->nx);
        }
        memcpy(NV_DATA(s->y), s->x, s->nx * sizeof(double));
        if ((st = mn__sim_vpool_fill(s, s->integrator == MN_SIM_ADAMS,
                                      newton_gmres(s) ? MN__SIM_GMRES_MAXL : -1))) {
            mn__sim_cv_free(s);
            return st;
        }
        s->cvode = CVodeCreate(lmm, sc);
        if (!s->cvode) {
            mn__sim_cv_free(s);
            return mn__error(s->ctx, MN_ERR_NOMEM, "CVodeCreate failed");
        }
        CVodeSetErrHandlerFn(s->cvode, cv_errh, s);
        s->cv_msg[0] = 0;
        if ((st = mn__sim_cv_check(s, CVodeInit(s->cvode, tm_rhs, s->t, (N_Vector)s->y), "CVodeInit"))) {
            /* SUNDIALS 6.4's CVodeInit frees its vectors and nonlinear solver when it fails
               but leaves their pointers, which CVodeFree would free again: only the memory
               block of CVodeCreate is left, and that is freed directly (sim_vpool.c) */
            free(s->cvode);
            s->cvode = NULL;
            goto fail;
        }
        if ((st = mn__sim_cv_check(s, CVodeSetUserData(s->cvode, s), "CVodeSetUserData"))) goto fail;
        /* Newton's linear solver: the preconditioner's blocks alone (sim_blockls.c), or SPGMR
           with Jacobian-vector products (mn__sim_set_newton) */
        int gmres = newton_gmres(s);
        if (gmres)
            s->LS = SUNLinSol_SPGMR((N_Vector)s->y, SUN_PREC_LEFT, MN__SIM_GMRES_MAXL, sc);
        else
            s->LS = mn__sim_blockls_new(sc);
        if (!s->LS) {
            st = mn__error(s->ctx, MN_ERR_NOMEM, "CVODE's linear solver: out of memory");
            goto fail;
        }
        if (gmres) {
            if ((st = mn__sim_spgmr_prepare(s, s->LS))) goto fail;
            SUNLinSol_SPGMRSetMaxRestarts((SUNLinearSolver)s->LS, 2);
        }
        if ((st = mn__sim_cv_check(s, CVodeSetLinearSolver(s->cvode, (SUNLinearSolver)s->LS, NULL),
                           "CVodeSetLinearSolver")))
            goto fail;
        if ((st = mn__sim_cv_check(s, CVodeSetJacTimes(s->cvode, tm_jtsetup, tm_jtimes), "CVodeSetJacTimes")))
            goto fail;
        if ((st = mn__sim_cv_check(s, CVodeSetPreconditioner(s->cvode, tm_psetup, tm_psolve),
                           "CVodeSetPreconditioner")))
            goto fail;
        if (s->nev) {
            if ((st = mn__sim_cv_check(s, CVodeRootInit(s->cvode, (int)s->nev, tm_root), "CVodeRootInit")))
                goto fail;
            int *dir = (int *)s->rootsfound; /* reuse as scratch */
            for (size_t i = 0; i < s->nev; i++) dir[i] = 1;
            if ((st = mn__sim_cv_check(s, CVodeSetRootDirection(s->cvode, dir), "CVodeSetRootDirection")))
                goto fail;
            CVodeSetNoInactiveRootWarn(s->cvode);
        }
        s->cv_kind = s->integrator;
    } else {
        mn__sim_cv_accumulate(s);
        memcpy(NV_DATA(s->y), s->x, s->nx * sizeof(double));
        if ((st = mn__sim_cv_check(s, CVodeReInit(s->cvode, s->t, (N_Vector)s->y), "CVodeReInit"))) goto fail;
        memset(s->cv_base, 0, sizeof s->cv_base);
    }
    if ((st = mn__sim_cv_check(s, CVodeSStolerances(s->cvode, s->rtol, s->atol), "CVodeSStolerances")))
        goto fail;
    CVodeSetMaxNumSteps(s->cvode, s->max_steps);
    CVodeSetMaxStep(s->cvode, s->hmax);
    s->cv_tstop = NAN; /* set before the first step */
    (void)flag;
    s->cv_tn = s->t;
    s->cv_active = 1;
    s->lag_partials = 1;
    s->partials_lagged = 0;
    return MN_OK;
fail:
    mn__sim_cv_free(s);
    return st;
}

mn_status mn_sim_restart(mn_sim *s)
{
    if (!s) return MN_ERR_INVALID;
    s->need_restart = 1;
    return MN_OK;
}
