/*
 * libmemnet-mpi: the distributed simulation. The states of the junctions a rank owns (its
 * edges) live in memnet's serial vector (SUNDIALS' serial vector with memnet's kernels,
 * lib/sim/nvector.c) wrapped in SUNDIALS' MPI+X vector, so CVODE's norms and dot products are
 * reduced over the ranks. CVODE BDF with SPGMR; the Jacobian-vector products are CVODE's
 * difference quotients, each one right-hand side on the present AMG hierarchy (the strategy
 * rule reuses it within a step), or analytic (sim-jv.c: the model partials and one
 * sensitivity solve on the present matrix and hierarchy). The right-hand side is the serial
 * one (000 eqs 1-6):
 * states -> conductances (the rank's mn_network over its local edges) -> distributed
 * Kirchhoff solve -> V, I of the owned edges -> rates, with the states clamped into the
 * models' bounds and a state held at a bound not driven further out, as lib/sim/sim_rhs.c.
 * Waveform breakpoints end an integration segment and restart CVODE, as the serial stepper.
 */
#include "sim-impl.h"

#include <cvode/cvode.h>
#include <math.h>
#include <string.h>
#include <sunlinsol/sunlinsol_spgmr.h>

static double next_breakpoint(const mn_mpi_sim *s, double t)
{
    double b = INFINITY;
    for (size_t a = 0; a < s->k->n_el; a++)
        if (s->wf[a]) {
            double x = mn_waveform_next_breakpoint(s->wf[a], t);
            if (x < b) b = x;
        }
    return b;
}

/* V, I of the owned edges at (t, x), rates into dxdt; collective */
mn_status mn__mpi_sim_evaluate(mn_mpi_sim *s, double t, const double *x, int left, double *dxdt)
{
    mn_status st;
    int hit = s->cache_valid && s->tc == t && s->tc_left == left &&
              (s->ns == 0 || memcmp(s->xkey, x, s->ns * sizeof *x) == 0);
    int all = hit;
    MPI_Allreduce(&hit, &all, 1, MPI_INT, MPI_MIN, s->k->comm);
    if (!all) {
        s->cache_valid = 0;
        for (size_t i = 0; i < s->ns; i++) {
            double v = x[i];
            s->xc[i] = v < s->lo[i] ? s->lo[i] : (v > s->hi[i] ? s->hi[i] : v);
        }
        st = mn_network_conductances(s->net, s->xc, s->G);
        if (st != MN_OK)
            st = mn__error(s->ctx, st, "conductances: %s", mn_context_last_error(s->lctx));
        if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
        for (size_t a = 0; st == MN_OK && a < s->k->n_el; a++) {
            double v = s->wf[a] ? (left ? mn_waveform_value_left(s->wf[a], t)
                                        : mn_waveform_value(s->wf[a], t))
                                : 0.0;
            s->el_phi[a] = v;
            st = mn_mpi_kirchhoff_set_potential(s->k, a, v);
        }
        if (st == MN_OK) st = mn_mpi_kirchhoff_set_conductances(s->k, s->G);
        /* local calls: agree before the collective solve */
        if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
        /* collective: every rank solves for every evaluation CVODE makes (the same sequence on
         * every rank, since CVODE's decisions come from reduced norms) */
        if ((st = mn_mpi_kirchhoff_solve(s->k)) != MN_OK) return st;
        s->n_rhs++;
        if (s->ns) memcpy(s->xkey, x, s->ns * sizeof *x);
        s->tc = t;
        s->tc_left = left;
        s->cache_valid = 1;
    }
    if (!dxdt) return MN_OK;
    const double *Ve = mn_mpi_kirchhoff_edge_voltages(s->k);
    const double *Ie = mn_mpi_kirchhoff_edge_currents(s->k);
    if ((st = mn_network_rates(s->net, s->xc, Ve, Ie, dxdt)) != MN_OK)
        return mn__error(s->ctx, st, "rates: %s", mn_context_last_error(s->lctx));
    /* a state held at a bound by the clamp does not move further out (states of edges with
     * events are free: their events reset them, as lib/sim/sim_rhs.c) */
    for (size_t i = 0; i < s->ns; i++)
        if (!s->free_state[i] &&
            ((x[i] <= s->lo[i] && dxdt[i] < 0) || (x[i] >= s->hi[i] && dxdt[i] > 0)))
            dxdt[i] = 0;
    return MN_OK;
}

static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    mn_mpi_sim *s = user;
    const double *x = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(y));
    double *f = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(ydot));
    mn_status st = mn__mpi_sim_evaluate(s, t, x, t >= s->seg_end, f);
    st = mn__mpi_agree(s->ctx, s->k->comm, st);
    if (st != MN_OK && s->rhs_status == MN_OK) s->rhs_status = st;
    /* the same answer on every rank */
    return st == MN_OK ? 0 : -1;
}

/* the right-hand side inside CVODE's difference-quotient Jacobian-vector products: solved on
 * the step's hierarchy (REUSE) to the looser Jv tolerance (inexact Newton-Krylov: a Jv only
 * steers the Newton direction, so its solve needs the accuracy of the perturbation, a fraction
 * of the integration tolerance, not the right-hand side's) */
static int jv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    mn_mpi_sim *s = user;
    mn_mpi_kirchhoff *k = s->k;
    double keep_tol = k->rtol;
    mn_mpi_strategy keep_strategy = k->strategy;
    if (s->jv_rtol > k->rtol) k->rtol = s->jv_rtol;
    if (s->jv_rtol > 0 && k->have_setup) k->strategy = MN_MPI_REUSE;
    int r = rhs(t, y, ydot, user);
    k->rtol = keep_tol;
    k->strategy = keep_strategy;
    s->n_jv++;
    /* a loose solution is no right-hand side: the next evaluation solves again */
    if (s->jv_rtol > 0) s->cache_valid = 0;
    return r;
}

static int root(sunrealtype t, N_Vector y, sunrealtype *gout, void *user)
{
    mn_mpi_sim *s = user;
    const double *x = N_VGetArrayPointer(N_VGetLocalVector_MPIPlusX(y));
    mn_status st = mn__mpi_sim_root(s, t, x, gout);
    if (st != MN_OK && s->rhs_status == MN_OK) s->rhs_status = st;
    return st == MN_OK ? 0 : -1;
}

void mn_mpi_sim_free(mn_mpi_sim *s)
{
    if (!s) return;
    if (s->cvode) CVodeFree(&s->cvode);
    if (s->ls) SUNLinSolFree(s->ls);
    if (s->y) N_VDestroy(s->y);
    if (s->yl) N_VDestroy(s->yl);
    if (s->sun) SUNContext_Free(&s->sun);
    if (s->wf)
        for (size_t a = 0; a < s->k->n_el; a++) mn_waveform_free(s->wf[a]);
    mn__mpi_sim_events_free(s);
    mn__mpi_sim_precond_free(s);
    mn__mpi_sim_jv_free(s);
    mn__mpi_sim_record_free(s);
    mn__free(s->ctx, s->wf);
    mn__free(s->ctx, s->el_phi);
    mn__free(s->ctx, s->xc);
    mn__free(s->ctx, s->xkey);
    mn__free(s->ctx, s->lo);
    mn__free(s->ctx, s->hi);
    mn__free(s->ctx, s->G);
    mn__free(s->ctx, s->free_state);
    mn_network_free(s->net);
    mn_graph_free(s->lg);
    mn_context_free(s->lctx);
    mn__free(s->ctx, s);
}

mn_status mn_mpi_sim_new(mn_mpi_sim **out, mn_mpi_kirchhoff *k, const mn_model *model)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!k || !model) return MN_ERR_INVALID;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    mn_status st = MN_OK;
    mn_mpi_sim *s = mn__calloc_or_err(ctx, 1, sizeof *s, "distributed simulation");
    if ((st = mn__mpi_agree(ctx, k->comm, s ? MN_OK : MN_ERR_NOMEM)) != MN_OK) return st;
    s->ctx = ctx;
    s->k = k;
    s->rtol = 1e-6;
    s->atol = 1e-9;
    s->m = g->m;
    s->eoff = g->eoff;
    if ((st = mn_context_new(&s->lctx)) != MN_OK) goto cleanup;
    if ((st = mn_graph_new(&s->lg, s->lctx, g->n_local ? g->n_local : 1)) != MN_OK) goto cleanup;
    for (size_t e = 0; e < g->m; e++)
        if ((st = mn_graph_add_edge(s->lg, g->lu[e], g->lv[e], NULL)) != MN_OK) goto cleanup;
    if (g->elen && g->n_elen == g->m && g->m &&
        (st = mn_graph_set_edge_lengths(s->lg, g->elen)) != MN_OK)
        goto cleanup;
    if ((st = mn_network_new(&s->net, s->lg)) != MN_OK) goto cleanup;
    if ((st = mn_network_assign(s->net, model, NULL, 0, NULL)) != MN_OK) goto cleanup;
    if ((st = mn__network_prepare(s->net)) != MN_OK) goto cleanup;
    s->ns = mn_network_state_count(s->net);
    s->off = mn_network_state_offsets(s->net);
    s->nst = mn_network_model_ops(s->net, 0)->n_states;
    size_t ns = s->ns ? s->ns : 1, m = g->m ? g->m : 1;
    s->xc = mn__calloc_or_err(ctx, ns, sizeof *s->xc, "states");
    s->xkey = mn__calloc_or_err(ctx, ns, sizeof *s->xkey, "states");
    s->lo = mn__calloc_or_err(ctx, ns, sizeof *s->lo, "state bounds");
    s->hi = mn__calloc_or_err(ctx, ns, sizeof *s->hi, "state bounds");
    s->free_state = mn__calloc_or_err(ctx, ns, 1, "state mask");
    s->G = mn__calloc_or_err(ctx, m, sizeof *s->G, "conductances");
    s->wf = mn__calloc_or_err(ctx, k->n_el ? k->n_el : 1, sizeof *s->wf, "waveforms");
    s->el_phi = mn__calloc_or_err(ctx, k->n_el ? k->n_el : 1, sizeof *s->el_phi, "potentials");
    if (!s->xc || !s->xkey || !s->lo || !s->hi || !s->free_state || !s->G || !s->wf ||
        !s->el_phi)
        MN__FAIL(MN_ERR_NOMEM);
    if ((st = mn__network_bounds(s->net, s->lo, s->hi)) != MN_OK) goto cleanup;
    if ((st = mn__mpi_sim_precond_init(s)) != MN_OK) goto cleanup;
    if ((st = mn__mpi_sim_jv_init(s)) != MN_OK) goto cleanup;
    st = mn__mpi_sim_events_init(s);
cleanup:
    if (st != MN_OK && s->lctx && st != MN_ERR_NOMEM && mn_context_last_status(s->lctx) != MN_OK)
        st = mn__error(ctx, st, "distributed simulation: %s", mn_context_last_error(s->lctx));
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) {
        mn_mpi_sim_free(s);
        return st;
    }
    *out = s;
    return MN_OK;
}

mn_status mn_mpi_sim_set_waveform(mn_mpi_sim *s, size_t electrode, const mn_waveform *w)
{
    if (!s) return MN_ERR_INVALID;
    if (electrode >= s->k->n_el)
        return mn__error(s->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         electrode, s->k->n_el);
    mn_waveform *c = NULL;
    if (w) {
        mn_status st = mn_waveform_copy(&c, w);
        if (st != MN_OK) return mn__error(s->ctx, st, "waveform copy failed");
    }
    mn_waveform_free(s->wf[electrode]);
    s->wf[electrode] = c;
    s->cv_ready = 0;
    s->cache_valid = 0;
    return MN_OK;
}

mn_status mn_mpi_sim_set_jv_method(mn_mpi_sim *s, mn_mpi_jv_method method)
{
    if (!s) return MN_ERR_INVALID;
    if (method != MN_MPI_JV_ANALYTIC && method != MN_MPI_JV_DIFFERENCE)
        return mn__error(s->ctx, MN_ERR_RANGE, "Jv method %d is not MN_MPI_JV_DIFFERENCE (0) or "
                         "MN_MPI_JV_ANALYTIC (1)", (int)method);
    if (method != s->jv_method) s->cv_ready = 0; /* CVODE gets the other function */
    s->jv_method = method;
    return MN_OK;
}

mn_status mn_mpi_sim_set_jv_tolerance(mn_mpi_sim *s, double rtol)
{
    if (!s) return MN_ERR_INVALID;
    if (!(rtol >= 0.0 && rtol < 1.0))
        return mn__error(s->ctx, MN_ERR_RANGE, "Jv tolerance %g must be in [0, 1)", rtol);
    s->jv_rtol = rtol;
    return MN_OK;
}

mn_status mn_mpi_sim_set_tolerances(mn_mpi_sim *s, double rtol, double atol)
{
    if (!s) return MN_ERR_INVALID;
    if (!(rtol > 0.0 && rtol < 1.0))
        return mn__error(s->ctx, MN_ERR_RANGE, "rtol %g must be in (0, 1)", rtol);
    if (!(atol > 0.0 && isfinite(atol)))
        return mn__error(s->ctx, MN_ERR_RANGE, "atol %g must be > 0", atol);
    s->rtol = rtol;
    s->atol = atol;
    s->cv_ready = 0;
    return MN_OK;
}

static mn_status make_vectors(mn_mpi_sim *s)
{
    mn_status st = MN_OK;
    if (!s->sun) {
        MPI_Comm comm = s->k->comm;
        if (SUNContext_Create(&comm, &s->sun)) st = MN_ERR_SOLVER;
        if (st == MN_OK) {
            /* memnet's vector (its kernels read the context and thread count from the
               content; one thread per rank) */
            s->yl = mn__sim_nv_detached(s->sun, s->ns, s->ctx, 1);
            s->y = s->yl ? N_VMake_MPIPlusX(s->k->comm, s->yl, s->sun) : NULL;
            if (!s->y) st = MN_ERR_NOMEM;
        }
        if (st != MN_OK) st = mn__error(s->ctx, st, "could not create the MPI+X state vector");
    }
    return mn__mpi_agree(s->ctx, s->k->comm, st);
}

mn_status mn__mpi_sim_reset_at(mn_mpi_sim *s)
{
    mn_mpi_kirchhoff *k = s->k;
    k->have_setup = 0;
    k->have_x = 0;
    mn__kh_rule_init(&k->rule); /* no history: AUTO's choices restart as a resumed run's */
    s->cv_ready = 0;
    s->cache_valid = 0;
    double *x = N_VGetArrayPointer(s->yl);
    if (s->ns) mn__network_clamp(s->net, x, NULL);
    return mn__mpi_agree(s->ctx, k->comm, mn__mpi_sim_evaluate(s, s->t, x, 0, NULL));
}

mn_status mn_mpi_sim_init_default(mn_mpi_sim *s, double t0)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    mn_context *ctx = s->ctx;
    if (!isfinite(t0)) return mn__error(ctx, MN_ERR_RANGE, "t0 %g is not finite", t0);
    if ((st = make_vectors(s)) != MN_OK) return st;
    double *x = N_VGetArrayPointer(s->yl);
    if (s->ns) st = mn_network_initial_state(s->net, x);
    if (st != MN_OK) st = mn__error(ctx, st, "initial state: %s", mn_context_last_error(s->lctx));
    if ((st = mn__mpi_agree(ctx, s->k->comm, st)) != MN_OK) return st;
    s->t = t0;
    s->initialised = 1;
    s->cv_ready = 0;
    s->cache_valid = 0;
    if (s->samp_on) mn_mpi_sim_set_sample_interval(s, s->samp_t0, s->samp_dt);
    /* potentials, V, I at t0 */
    return mn__mpi_agree(ctx, s->k->comm, mn__mpi_sim_evaluate(s, t0, x, 0, NULL));
}

mn_status mn__mpi_sim_make_vectors(mn_mpi_sim *s) { return make_vectors(s); }

static mn_status cv_check(mn_mpi_sim *s, int flag, const char *what)
{
    if (flag >= 0) return MN_OK;
    if (s->rhs_status != MN_OK) {
        mn_status st = s->rhs_status;
        s->rhs_status = MN_OK;
        return st; /* its message is in the context already */
    }
    return mn__error(s->ctx, MN_ERR_SOLVER, "CVODE: %s failed (flag %d, %s)", what, flag,
                     CVodeGetReturnFlagName(flag));
}

static mn_status cv_setup(mn_mpi_sim *s)
{
    mn_status st = MN_OK;
    double *x = N_VGetArrayPointer(s->yl);
    if (s->ns) mn__network_clamp(s->net, x, NULL); /* the states start inside their bounds */
    if (!s->cvode) {
        s->cvode = CVodeCreate(CV_BDF, s->sun);
        if (!s->cvode) return mn__error(s->ctx, MN_ERR_NOMEM, "CVodeCreate failed");
        if ((st = cv_check(s, CVodeInit(s->cvode, rhs, s->t, s->y), "CVodeInit"))) return st;
        if ((st = cv_check(s, CVodeSetUserData(s->cvode, s), "CVodeSetUserData"))) return st;
        s->ls = SUNLinSol_SPGMR(s->y, SUN_PREC_LEFT, 0, s->sun);
        if (!s->ls) return mn__error(s->ctx, MN_ERR_NOMEM, "SUNLinSol_SPGMR failed");
        if ((st = cv_check(s, CVodeSetLinearSolver(s->cvode, s->ls, NULL), "CVodeSetLinearSolver")))
            return st;
        if ((st = cv_check(s, CVodeSetPreconditioner(s->cvode, mn__mpi_sim_psetup,
                                                     mn__mpi_sim_psolve),
                           "CVodeSetPreconditioner")))
            return st;
        if ((st = cv_check(s, CVodeSetMaxNumSteps(s->cvode, 1000000), "CVodeSetMaxNumSteps")))
            return st;
        if (s->nev_global > 0) {
            /* one global root function: the largest event function over all ranks */
            if ((st = cv_check(s, CVodeRootInit(s->cvode, 1, root), "CVodeRootInit"))) return st;
            int dir = 1;
            if ((st = cv_check(s, CVodeSetRootDirection(s->cvode, &dir), "CVodeSetRootDirection")))
                return st;
            CVodeSetNoInactiveRootWarn(s->cvode);
        }
    } else {
        long a = 0, b = 0;
        CVodeGetNumSteps(s->cvode, &a);
        CVodeGetNumLinIters(s->cvode, &b);
        s->steps_prev += a;
        s->lin_prev += b;
        if ((st = cv_check(s, CVodeReInit(s->cvode, s->t, s->y), "CVodeReInit"))) return st;
    }
    if ((st = cv_check(s, CVodeSStolerances(s->cvode, s->rtol, s->atol), "CVodeSStolerances")))
        return st;
    if (s->jv_method == MN_MPI_JV_ANALYTIC)
        st = cv_check(s, CVodeSetJacTimes(s->cvode, NULL, mn__mpi_sim_cv_jtimes), "CVodeSetJacTimes");
    else if ((st = cv_check(s, CVodeSetJacTimes(s->cvode, NULL, NULL), "CVodeSetJacTimes")) == MN_OK)
        st = cv_check(s, CVodeSetJacTimesRhsFn(s->cvode, jv_rhs), "CVodeSetJacTimesRhsFn");
    if (st != MN_OK) return st;
    s->seg_end = next_breakpoint(s, s->t);
    s->cv_ready = 1;
    return MN_OK;
}

mn_status mn_mpi_sim_run(mn_mpi_sim *s, double t_end)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    MPI_Comm comm = s->k->comm;
    if (!s->initialised)
        st = mn__error(s->ctx, MN_ERR_STATE, "call mn_mpi_sim_init_default first");
    else if (!(t_end >= s->t) || !isfinite(t_end))
        st = mn__error(s->ctx, MN_ERR_RANGE, "t_end %g is before the present time %g", t_end,
                       s->t);
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) return st;
    double *x = N_VGetArrayPointer(s->yl);
    while (s->t < t_end) {
        if (!s->cv_ready) {
            if ((st = mn__mpi_agree(s->ctx, comm, cv_setup(s))) != MN_OK) return st;
            /* samples at a restart (a breakpoint, an event): the right limit, new states */
            if ((st = mn__mpi_sim_emit_samples(s, x, 0, 0)) != MN_OK) return st;
        }
        if (mn__mpi_sim_sample_close(s)) {
            if ((st = mn__mpi_sim_emit_samples(s, x, 0, 1)) != MN_OK) return st;
            continue;
        }
        double stop = s->seg_end < t_end ? s->seg_end : t_end;
        double to = mn__mpi_sim_next_sample(s), tout = to < stop ? to : stop;
        sunrealtype tret = s->t;
        st = cv_check(s, CVodeSetStopTime(s->cvode, stop), "CVodeSetStopTime");
        int flag = 0;
        if (st == MN_OK) {
            flag = CVode(s->cvode, tout, s->y, &tret, CV_NORMAL);
            st = cv_check(s, flag, "CVode");
        }
        if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) return st;
        s->t = tret;
        if (flag == CV_ROOT_RETURN) {
            s->cv_ready = 0; /* restart after the jump; samples at t come after it */
            if ((st = mn__mpi_sim_apply_events(s, x)) != MN_OK) return st;
            continue;
        }
        if (s->ns) mn__network_clamp(s->net, x, NULL); /* what the user sees is in bounds */
        if (s->t >= s->seg_end) {
            s->cv_ready = 0; /* a breakpoint: restart there; its samples after the restart */
            continue;
        }
        if ((st = mn__mpi_sim_emit_samples(s, x, 0, 0)) != MN_OK) return st;
    }
    /* samples at exactly t_end that wait for a restart at a breakpoint */
    if ((st = mn__mpi_sim_emit_samples(s, x, 0, 0)) != MN_OK) return st;
    /* outputs at t_end (the waveforms' values at t_end, right-continuous like mn_sim) */
    return mn__mpi_agree(s->ctx, comm, mn__mpi_sim_evaluate(s, s->t, x, 0, NULL));
}

double mn_mpi_sim_time(const mn_mpi_sim *s) { return s ? s->t : NAN; }
size_t mn_mpi_sim_state_count(const mn_mpi_sim *s) { return s ? s->ns : 0; }
const double *mn_mpi_sim_states(const mn_mpi_sim *s)
{
    return s && s->yl ? N_VGetArrayPointer(s->yl) : NULL;
}

double mn_mpi_sim_electrode_current(const mn_mpi_sim *s, size_t id)
{
    double a = NAN;
    if (!s || mn_mpi_kirchhoff_electrode_current(s->k, id, &a) != MN_OK) return NAN;
    return a;
}

double mn_mpi_sim_applied_voltage(const mn_mpi_sim *s, size_t id)
{
    if (!s || id >= s->k->n_el) return NAN;
    return s->el_phi[id];
}

double mn_mpi_sim_stat_get(const mn_mpi_sim *s, mn_mpi_sim_stat stat)
{
    if (!s) return NAN;
    long v = 0;
    switch (stat) {
    case MN_MPI_SIM_STAT_RHS: return (double)s->n_rhs;
    case MN_MPI_SIM_STAT_STEPS:
        if (s->cvode) CVodeGetNumSteps(s->cvode, &v);
        return (double)(s->steps_prev + v);
    case MN_MPI_SIM_STAT_LINEAR_ITERATIONS:
        if (s->cvode) CVodeGetNumLinIters(s->cvode, &v);
        return (double)(s->lin_prev + v);
    case MN_MPI_SIM_STAT_EVENTS: return (double)s->n_events;
    case MN_MPI_SIM_STAT_ROOT_EVALS: return (double)s->n_root;
    case MN_MPI_SIM_STAT_JV: return (double)s->n_jv;
    }
    return NAN;
}
