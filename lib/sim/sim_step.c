/*
 * The integration loop: fixed Euler / exact steps, CVODE steps to the next breakpoint, dense
 * output for the samples, mn_sim_step and mn_sim_run. docs/simulation.md.
 */
#include "sim/sim-cvode.h"

#include <math.h>
#include <string.h>

/* ================================================================ stepping */

/* Explicit limits instead of runs that would never end (issue 14): a sample interval, fixed
 * step or largest CVODE step below the time resolution at the end time is refused; at most
 * MN__SIM_MAX_SAMPLES samples per run; the steps a fixed step or the largest CVODE step needs
 * between two outputs are at most max_steps (mn_sim_set_max_steps, as CVODE's own limit). */
mn_status mn__sim_check_limits(const mn_sim *s, double t_end)
{
    double span = t_end - s->t;
    double tmax = fmax(fabs(s->t), fabs(t_end));
    double res = nextafter(tmax, INFINITY) - tmax; /* spacing of doubles at the end time */
    double gap = span;                             /* longest time between two outputs */
    if (s->samp_mode == 2) {
        if (!(s->samp_dt > 4 * res))
            return mn__error(s->ctx, MN_ERR_RANGE, "simulation: sample interval %g is below the "
                             "time resolution %g at t = %g", s->samp_dt, res, tmax);
        double n = span / s->samp_dt;
        if (n > MN__SIM_MAX_SAMPLES)
            return mn__error(s->ctx, MN_ERR_RANGE, "simulation: sample interval %g gives %.3g "
                             "samples from t = %g to %g (limit %.0e per run)", s->samp_dt, n, s->t,
                             t_end, MN__SIM_MAX_SAMPLES);
        if (s->samp_dt < gap) gap = s->samp_dt;
    } else if (s->samp_mode == 1) {
        double prev = s->t, g = 0;
        for (size_t i = s->samp_k; i < s->samp_n && prev < t_end; i++) {
            double ti = s->samp_t[i] < t_end ? s->samp_t[i] : t_end;
            if (ti - prev > g) g = ti - prev;
            prev = ti;
        }
        if (t_end - prev > g) g = t_end - prev;
        gap = g;
    }
    int fixed = s->integrator == MN_SIM_EULER || s->integrator == MN_SIM_EXACT;
    double h = fixed ? s->dt_fixed : s->hmax;
    const char *what = fixed ? "fixed step" : "largest step";
    if (s->nx > 0 && h > 0) {
        if (!(h > 4 * res))
            return mn__error(s->ctx, MN_ERR_RANGE, "simulation: %s %g is below the time "
                             "resolution %g at t = %g", what, h, res, tmax);
        double n = gap / h;
        if (n > (double)s->max_steps)
            return mn__error(s->ctx, MN_ERR_RANGE, "simulation: %s %g needs %.3g steps between two "
                             "outputs (limit %lld, mn_sim_set_max_steps / --max-steps)", what, h, n,
                             (long long)s->max_steps);
    }
    return MN_OK;
}

static mn_status finish_run_checks(mn_sim *s, double t_end)
{
    if (!isfinite(t_end) || !(t_end > s->t))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: end time %g must be finite and after the present time %g",
                         t_end, s->t);
    if (s->n_el == 0 && !s->isrc_wf)
        return mn__error(s->ctx, MN_ERR_STATE, "simulation: no electrode or current source");
    mn_status est = mn__sim_electrodes_check(s, s->t);
    if (est) return est;
    return mn__sim_check_limits(s, t_end);
}

static int cancel_progress(mn_sim *s, uint64_t nstep)
{
    if (!s->prog_fn) return 0;
    if (nstep % (uint64_t)s->prog_every) return 0;
    return s->prog_fn(s->t, s->run_end, s->prog_user);
}

/* one fixed step from s->t towards at most t_max */
static mn_status fixed_step(mn_sim *s, double t_max)
{
    mn_status st;
    double dt = s->dt_fixed;
    double tg = s->grid_t0 + (double)(s->grid_k + 1) * dt;
    double tn = tg;
    if (s->seg_end < tn) tn = s->seg_end;
    double to = mn__sim_next_output_time(s);
    if (to > s->t && to < tn) tn = to;
    if (t_max < tn) tn = t_max;
    if (fabs(tn - tg) <= 1e-9 * dt) tn = tg;
    double h = tn - s->t;
    /* the applied values on [t, tn) are the right limits at t; the event check at the end of
     * the previous step usually left the solution at exactly this point in the cache */
    if (mn__sim_cache_matches(s, s->t, s->x, 0))
        st = mn__sim_rates_from_cache(s, s->x, s->fbuf);
    else
        st = mn__sim_eval(s, s->t, s->x, 0, s->fbuf);
    if (st) return st;
    s->st_rhs++;
    /* explicit Euler above its stability limit (sim_stability.c) */
    if ((st = mn__sim_stability_check(s, h))) return st;
    if (s->integrator == MN_SIM_EXACT) {
        /* energy with the power at the start of the step, as Euler */
        if (s->energy) {
            s->x[s->ns] += h * s->fbuf[s->ns];
            s->x[s->ns + 1] += h * s->fbuf[s->ns + 1];
        }
        if ((st = mn__network_exact_step(s->net, s->x, s->V, h, s->has_exact))) return st;
        for (size_t e = 0; e < s->m; e++)
            if (!s->has_exact[e])
                for (size_t i = s->off[e]; i < s->off[e + 1]; i++) s->x[i] += h * s->fbuf[i];
    } else {
        for (size_t i = 0; i < s->nx; i++) s->x[i] += h * s->fbuf[i];
    }
    mn__sim_stability_mark(s);
    if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    if (tn == tg) s->grid_k++;
    s->t = tn;
    s->st_steps++;
    s->cache_valid = 0;
    if (s->t >= s->seg_end) {
        s->seg_start = s->t;
        s->seg_end = mn__sim_next_breakpoint(s, s->t);
    }
    /* events: g crossing 0 upwards between the previous and this step */
    if (s->nev) {
        if ((st = mn__sim_ensure_cache(s, s->t, s->x, 0))) return st;
        if ((st = mn__network_event_fn(s->net, s->xc, s->V, s->I, s->gev))) return st;
        s->st_root++;
        int any = 0;
        for (size_t i = 0; i < s->nev; i++) {
            int f = s->gev[i] >= 0 && (!s->gprev_valid || s->gprev[i] < 0);
            s->fired[i] = f;
            any |= f;
        }
        if (any) {
            mn_status cst = mn__sim_apply_events(s);
            if (cst && cst != MN_ERR_CANCELLED) return cst;
            s->need_restart = 0; /* fixed step: nothing to restart */
            if ((st = mn__sim_ensure_cache(s, s->t, s->x, 0))) return st;
            if ((st = mn__network_event_fn(s->net, s->xc, s->V, s->I, s->gev))) return st;
            memcpy(s->gprev, s->gev, s->nev * sizeof(double));
            s->gprev_valid = 1;
            if (cst) return cst;
        } else {
            memcpy(s->gprev, s->gev, s->nev * sizeof(double));
            s->gprev_valid = 1;
        }
    }
    return MN_OK;
}

/* position the simulation at time t with CVODE's dense output */
static mn_status dense_to(mn_sim *s, double t)
{
    int flag = CVodeGetDky(s->cvode, t, 0, (N_Vector)s->ytmp);
    mn_status st = mn__sim_cv_check(s, flag, "CVodeGetDky");
    if (st) return st;
    memcpy(s->x, NV_DATA(s->ytmp), s->nx * sizeof(double));
    s->t = t;
    /* what the user sees is inside the bounds (CVODE keeps its own unclamped vector) */
    return mn__network_clamp(s->net, s->x, NULL);
}

/* serve outputs with times < limit (strict) or <= limit from CVODE's dense output */
static mn_status serve_dense(mn_sim *s, double limit, int strict)
{
    mn_status st;
    for (;;) {
        double to = mn__sim_next_output_time(s);
        if (!(strict ? to < limit : to <= limit)) break;
        if ((st = dense_to(s, to))) return st;
        if ((st = mn__sim_emit_outputs(s, mn__sim_side_at(s, to)))) return st;
    }
    return MN_OK;
}

/* after a CVODE step, at (s->t, s->x) = CVODE's time and clamped state: hold the states that
 * reached a bound with their rate pointing out, release the held ones whose rate points in;
 * either restarts CVODE there (sim_walls.c) */
static mn_status walls_between_steps(mn_sim *s)
{
    if (s->t != s->cv_tn) return MN_OK; /* stopped behind CVODE's time (an error) */
    int changed;
    mn_status st = mn__sim_walls_update(s, s->t, s->x, mn__sim_side_at(s, s->t), &changed);
    if (st) return st;
    if (changed) {
        s->need_restart = 1;
        s->cv_active = 0;
    }
    return MN_OK;
}

/* one CVODE step, stopping exactly at the next breakpoint or at t_max */
static mn_status cvode_step(mn_sim *s, double t_max)
{
    mn_status st;
    sunrealtype tret;
    N_Vector y = (N_Vector)s->y;
    double stop = s->seg_end < t_max ? s->seg_end : t_max;
    if (stop != s->cv_tstop) {
        if ((st = mn__sim_cv_check(s, CVodeSetStopTime(s->cvode, stop), "CVodeSetStopTime"))) return st;
        s->cv_tstop = stop;
    }
    s->cv_msg[0] = 0;
    uint64_t t0 = mn__sim_ns();
    int flag = CVode(s->cvode, stop, y, &tret, CV_ONE_STEP);
    s->ns_cvode += mn__sim_ns() - t0;
    if (flag < 0) {
        mn_status code = (flag == CV_CONV_FAILURE || flag == CV_ERR_FAILURE || flag == CV_TOO_MUCH_WORK)
                             ? MN_ERR_CONVERGENCE : MN_ERR_SOLVER;
        if (mn_context_last_status(s->ctx) != MN_OK &&
            (flag == CV_RHSFUNC_FAIL || flag == CV_LSETUP_FAIL || flag == CV_LSOLVE_FAIL ||
             flag == CV_RTFUNC_FAIL || flag == CV_FIRST_RHSFUNC_ERR || flag == CV_UNREC_RHSFUNC_ERR ||
             flag == CV_REPTD_RHSFUNC_ERR))
            return mn__error(s->ctx, MN_ERR_SOLVER, "CVODE failed (flag %d) near t = %.17g: %s; cause: %s",
                             flag, s->t, s->cv_msg, mn_context_last_error(s->ctx));
        return mn__error(s->ctx, code, "CVODE failed (flag %d) near t = %.17g: %s", flag, s->t,
                         s->cv_msg);
    }
    s->cv_tn = tret;
    /* the set-up is complete after the first step: vectors made beforehand and not cloned go */
    if (s->vpool.next < s->vpool.n) mn__sim_vpool_trim(s);
    if (flag == CV_ROOT_RETURN) {
        if ((st = serve_dense(s, tret, 1))) return st;
        memcpy(s->x, NV_DATA(y), s->nx * sizeof(double));
        s->t = tret;
        s->cache_valid = 0;
        CVodeGetRootInfo(s->cvode, s->rootsfound);
        for (size_t i = 0; i < s->nev; i++) s->fired[i] = s->rootsfound[i] > 0;
        s->cv_active = 0;
        mn_status cst = mn__sim_apply_events(s);
        if (cst && cst != MN_ERR_CANCELLED) return cst;
        s->need_restart = 1;
        return cst; /* outputs at the event time come after the restart (with the new states) */
    }
    if (flag == CV_TSTOP_RETURN) {
        if ((st = serve_dense(s, stop, 1))) return st;
        memcpy(s->x, NV_DATA(y), s->nx * sizeof(double));
        s->t = stop;
        s->cv_tn = stop;
        s->cache_valid = 0;
        if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
        if (stop == s->seg_end) {
            /* a breakpoint: restart there; its outputs come after the restart (right limit) */
            s->need_restart = 1;
            s->cv_active = 0;
            return MN_OK;
        }
        if ((st = walls_between_steps(s))) return st;
        return mn__sim_emit_outputs(s, mn__sim_side_at(s, s->t));
    }
    s->cv_tn = tret;
    if ((st = serve_dense(s, tret, 0))) return st;
    if (s->t < tret) {
        memcpy(s->x, NV_DATA(y), s->nx * sizeof(double));
        s->t = tret;
        s->cache_valid = 0;
        if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    }
    return walls_between_steps(s);
}

static mn_status step_once(mn_sim *s, double t_max)
{
    mn_status st;
    s->started = 1;
    if (s->need_restart || (!s->cv_active && s->integrator <= MN_SIM_ADAMS && s->nx > 0)) {
        if ((st = mn__sim_integrator_restart(s))) return st;
        if ((st = mn__sim_emit_outputs(s, 0))) return st;
    }
    if (s->nx == 0) {
        /* nothing to integrate (only fixed resistors): go to the next output or breakpoint */
        double tn = mn__sim_next_output_time(s);
        if (!(tn > s->t) || s->seg_end < tn) tn = s->seg_end;
        if (t_max < tn) tn = t_max;
        s->t = tn;
        s->st_steps++;
        if (s->t >= s->seg_end) {
            s->seg_start = s->t;
            s->seg_end = mn__sim_next_breakpoint(s, s->t);
        }
        return mn__sim_emit_outputs(s, 0);
    }
    if (s->integrator == MN_SIM_EULER || s->integrator == MN_SIM_EXACT) {
        if ((st = fixed_step(s, t_max))) return st;
        return mn__sim_emit_outputs(s, 0);
    }
    st = cvode_step(s, t_max);
    /* stopped (error or cancellation) while serving outputs behind CVODE's time: the next step
       restarts from the present time instead of stepping on from CVODE's */
    if (st && s->cv_active && s->t < s->cv_tn) s->need_restart = 1;
    return st;
}

static mn_status step_to(mn_sim *s, double t_max, double *t_reached)
{
    mn_status st = finish_run_checks(s, t_max);
    if (st) return st;
    s->run_end = t_max;
    st = step_once(s, t_max);
    if (t_reached) *t_reached = s->t;
    return st;
}

static mn_status run_to(mn_sim *s, double t_end)
{
    mn_status st = finish_run_checks(s, t_end);
    if (st) return st;
    s->run_end = t_end;
    uint64_t n = 0;
    while (s->t < t_end) {
        if ((st = step_once(s, t_end))) return st;
        n++;
        if (s->step_fn && s->step_fn(s, s->step_user))
            return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the step callback at t = %g", s->t);
        if (cancel_progress(s, n))
            return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation cancelled at t = %g", s->t);
    }
    /* outputs at exactly t_end that wait for a restart at a breakpoint */
    if (s->need_restart && mn__sim_next_output_time(s) <= s->t) {
        if ((st = mn__sim_emit_outputs(s, 0))) return st;
    }
    if (s->prog_fn) s->prog_fn(s->t, t_end, s->prog_user);
    return MN_OK;
}

/* the public entry points, timed for the statistics (MN_SIM_STAT_NS_RUN) */
mn_status mn_sim_step(mn_sim *s, double t_max, double *t_reached)
{
    if (!s) return MN_ERR_INVALID;
    uint64_t t0 = mn__sim_ns();
    mn_status st = step_to(s, t_max, t_reached);
    s->ns_run += mn__sim_ns() - t0;
    return st;
}

mn_status mn_sim_run(mn_sim *s, double t_end)
{
    if (!s) return MN_ERR_INVALID;
    uint64_t t0 = mn__sim_ns();
    mn_status st = run_to(s, t_end);
    s->ns_run += mn__sim_ns() - t0;
    return st;
}
