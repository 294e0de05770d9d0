/*
 * The simulation handle: creation, sources, options and initial states. The right-hand side is in
 * sim_rhs.c, CVODE in sim_cvode.c and sim_ls.c, the stepping loop in sim_step.c, recording in
 * sim_output.c, events in sim_events.c, queries in sim_query.c, statistics in sim_stats.c.
 * docs/simulation.md.
 */
#include "sim/sim-impl.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>

/* ================================================================ creation */

mn_status mn_sim_new(mn_sim **out, mn_network *net)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!net) return MN_ERR_INVALID;
    mn_context *ctx = mn__network_context(net);
    mn_status st = MN_OK;
    st = mn__network_prepare(net);
    if (st) {
        char msg[MN__ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", mn_context_last_error(ctx));
        return mn__error(ctx, MN_ERR_INVALID, "simulation: %s", msg);
    }
    mn_sim *s = mn__calloc_or_err(ctx, 1, sizeof *s, "simulation");
    if (!s) return MN_ERR_NOMEM;
    s->ctx = ctx;
    s->net = net;
    s->g = mn_network_graph(net);
    s->m = mn_graph_edge_count(s->g);
    s->nn = mn_graph_node_count(s->g);
    s->ns = mn_network_state_count(net);
    s->nx = s->ns;
    s->off = mn_network_state_offsets(net);
    s->joff = mn__network_jac_offsets(net);
    s->njac = mn__network_jac_count(net);
    s->nev = mn__network_event_count(net);
    s->eoff = mn__network_event_offsets(net);
    s->scalar = s->ns == s->m && s->njac == s->m; /* sum k = sum k^2 = m: every k = 1 */
    s->integrator = MN_SIM_BDF;
    s->rtol = 1e-6;
    s->atol = 1e-9;
    s->dt_fixed = 1e-3;
    s->max_steps = 10000000;
    s->stab_limit = INFINITY;
    s->cv_kind = -1;
    s->need_restart = 1;
    s->prog_every = 1;
    s->sample_pcg = 1;
    size_t m = s->m, ns = s->ns, nj = s->njac, ne = s->nev;
    size_t nsa = ns + 2; /* room for the energies */
#define ALLOC(p, n, what)                                                                          \
    do {                                                                                           \
        (p) = mn__calloc_or_err(ctx, (n) ? (n) : 1, sizeof *(p), what);                           \
        if (!(p)) MN__FAIL(MN_ERR_NOMEM);                                                          \
    } while (0)
    ALLOC(s->x, nsa, "simulation states");
    ALLOC(s->xc, nsa, "simulation states");
    ALLOC(s->xc_key, nsa, "simulation states");
    ALLOC(s->G, m, "simulation conductances");
    ALLOC(s->lo, ns, "state bounds");
    ALLOC(s->hi, ns, "state bounds");
    ALLOC(s->Jx, nj, "jacobian");
    ALLOC(s->A, nj, "preconditioner");
    ALLOC(s->P, nj, "preconditioner");
    ALLOC(s->fV, ns, "jacobian");
    ALLOC(s->fI, ns, "jacobian");
    ALLOC(s->Gx, ns, "jacobian");
    ALLOC(s->dG, m, "jacobian");
    ALLOC(s->dV, m, "jacobian");
    ALLOC(s->dI, m, "jacobian");
    ALLOC(s->fbuf, nsa, "fixed step");
    ALLOC(s->rbuf, nsa, "rates");
    ALLOC(s->stab_side, ns, "stability");
    ALLOC(s->stab_from, ns, "stability");
    ALLOC(s->hold, ns, "state walls");
    ALLOC(s->has_exact, m, "fixed step");
    ALLOC(s->gev, ne, "events");
    ALLOC(s->gprev, ne, "events");
    ALLOC(s->fired, ne, "events");
    ALLOC(s->rootsfound, ne, "events");
    ALLOC(s->jumped, m, "events");
    ALLOC(s->Gold, m, "events");
    ALLOC(s->Gnew, m, "events");
#undef ALLOC
    MN__TRY(mn__network_bounds(net, s->lo, s->hi));
    s->free_state = mn__calloc_or_err(ctx, ns ? ns : 1, 1, "state mask");
    if (!s->free_state) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < m; e++)
        if (s->eoff[e + 1] > s->eoff[e])
            for (size_t i = s->off[e]; i < s->off[e + 1]; i++) s->free_state[i] = 1;
    /* SUNDIALS' context is made here, not at the first CVODE set-up: SUNDIALS 6.4 crashes when
       an allocation of SUNContext_Create fails (its logger), which memnet cannot prevent; the
       set-up of the run is then free of SUNDIALS crashes (sim_vpool.c, docs/fuzzing.md) */
    {
        SUNContext sc;
        if (SUNContext_Create(NULL, &sc))
            MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "simulation: SUNDIALS context: out of memory"));
        s->sunctx = sc;
    }
    MN__TRY(mn_network_initial_state(net, s->x));
    MN__TRY(mn_kirchhoff_new(&s->kir, s->g));
    /* the solver's default strategy, AUTO: PCG on the last factor while that is cheaper than a
       refactorisation, decided by a deterministic cost model (lib/kirchhoff/costmodel.c), so
       runs and checkpoint restarts are reproducible bit for bit */
    mn__kirchhoff_expect_refactorisations(s->kir, 1); /* many refactorisations: METIS */
    mn__sim_solve_tolerances(s);
    *out = s;
    return MN_OK;
cleanup:
    mn_sim_free(s);
    return st;
}

void mn_sim_free(mn_sim *s)
{
    if (!s) return;
    mn_context *ctx = s->ctx;
    if (s->obs.gone) s->obs.gone(s->obs.user); /* an HDF5 recorder drops its pointer */
    mn__sim_cv_free(s);
    if (s->sunctx) {
        SUNContext sc = (SUNContext)s->sunctx;
        SUNContext_Free(&sc);
    }
    if (s->csv) fclose(s->csv);
    if (s->ev_csv) fclose(s->ev_csv);
    mn_kirchhoff_free(s->kir);
    for (size_t i = 0; i < s->n_el; i++) mn_waveform_free(s->el_wf[i]);
    mn__free(ctx, s->el_wf);
    mn__free(ctx, s->el_phi);
    mn_waveform_free(s->isrc_wf);
    mn__free(ctx, s->isrc_from);
    mn__free(ctx, s->isrc_to);
    mn__free(ctx, s->emf);
    mn__sim_electrodes_free(s);
    void *bufs[] = { s->x, s->xc, s->xc_key, s->G, s->lo, s->hi, s->Jx, s->A, s->P, s->fV, s->fI,
                     s->Gx, s->dG, s->dV, s->dI, s->fbuf, s->rbuf, s->hold, s->stab_side, s->stab_from, s->has_exact, s->gev, s->gprev, s->fired,
                     s->rootsfound, s->jumped, s->Gold, s->Gnew, s->evlog, s->free_state, s->samp_t, s->rec_edges,
                     s->snap_t, s->snap_prefix };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) mn__free(ctx, bufs[i]);
    mn__free(ctx, s);
}

/* ================================================================ sources and options */

static mn_status check_not_started(mn_sim *s, const char *what)
{
    if (s->started)
        return mn__error(s->ctx, MN_ERR_STATE, "simulation: cannot %s after the run has started",
                         what);
    return MN_OK;
}

mn_status mn_sim_add_electrode(mn_sim *s, const mn_index *nodes, size_t n, const mn_waveform *w,
                               size_t *id)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = check_not_started(s, "add an electrode");
    if (st) return st;
    if (!nodes || n == 0)
        return mn__error(s->ctx, MN_ERR_INVALID, "electrode %zu: empty node set", s->n_el);
    for (size_t i = 0; i < n; i++)
        if (nodes[i] < 0 || (size_t)nodes[i] >= s->nn)
            return mn__error(s->ctx, MN_ERR_RANGE,
                             "electrode %zu: node %d is not in the network (%zu nodes)", s->n_el,
                             (int)nodes[i], s->nn);
    mn_waveform *copy = NULL;
    if (w && (st = mn_waveform_copy(&copy, w))) return mn__error(s->ctx, st, "electrode: copy failed");
    mn_waveform **wf = mn__realloc_array(s->ctx, s->el_wf, s->n_el + 1, sizeof *wf);
    if (!wf) {
        mn_waveform_free(copy);
        return mn__error(s->ctx, MN_ERR_NOMEM, "electrode: out of memory");
    }
    s->el_wf = wf;
    double *phi = mn__realloc_array(s->ctx, s->el_phi, s->n_el + 1, sizeof *phi);
    if (!phi) {
        mn_waveform_free(copy);
        return mn__error(s->ctx, MN_ERR_NOMEM, "electrode: out of memory");
    }
    s->el_phi = phi;
    size_t kid;
    st = mn_kirchhoff_add_electrode(s->kir, nodes, n, &kid);
    if (st) {
        mn_waveform_free(copy);
        return st;
    }
    s->el_wf[s->n_el] = copy;
    s->el_phi[s->n_el] = 0;
    if (id) *id = s->n_el;
    s->n_el++;
    s->cache_valid = 0;
    return MN_OK;
}

mn_status mn_sim_add_electrode_set(mn_sim *s, const char *set_name, const mn_waveform *w, size_t *id)
{
    if (!s) return MN_ERR_INVALID;
    const mn_index *nodes;
    size_t n;
    if (!set_name || mn_graph_node_set(s->g, set_name, &nodes, &n) != MN_OK)
        return mn__error(s->ctx, MN_ERR_NOT_FOUND, "electrode: no node set named \"%s\"",
                         set_name ? set_name : "(null)");
    return mn_sim_add_electrode(s, nodes, n, w, id);
}

static mn_status copy_nodes(mn_sim *s, const mn_index *a, size_t n, mn_index **out, const char *what)
{
    if (!a || n == 0) return mn__error(s->ctx, MN_ERR_INVALID, "current source: empty %s set", what);
    for (size_t i = 0; i < n; i++)
        if (a[i] < 0 || (size_t)a[i] >= s->nn)
            return mn__error(s->ctx, MN_ERR_RANGE,
                             "current source: %s node %d is not in the network (%zu nodes)", what,
                             (int)a[i], s->nn);
    *out = mn__malloc_or_err(s->ctx, n, sizeof **out, "current source");
    if (!*out) return MN_ERR_NOMEM;
    memcpy(*out, a, n * sizeof **out);
    return MN_OK;
}

mn_status mn_sim_set_current_source(mn_sim *s, const mn_index *from, size_t nfrom,
                                    const mn_index *to, size_t nto, const mn_waveform *w)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = check_not_started(s, "set the current source");
    if (st) return st;
    if (!w) return mn__error(s->ctx, MN_ERR_INVALID, "current source: waveform is NULL");
    mn_index *f = NULL, *t = NULL;
    mn_waveform *copy = NULL;
    MN__TRY(copy_nodes(s, from, nfrom, &f, "from"));
    MN__TRY(copy_nodes(s, to, nto, &t, "to"));
    MN__TRY(mn_waveform_copy(&copy, w));
    MN__TRY(mn_kirchhoff_set_injection(s->kir, f, nfrom, t, nto, 0.0));
    mn__free(s->ctx, s->isrc_from);
    mn__free(s->ctx, s->isrc_to);
    mn_waveform_free(s->isrc_wf);
    s->isrc_from = f;
    s->isrc_to = t;
    s->isrc_nfrom = nfrom;
    s->isrc_nto = nto;
    s->isrc_wf = copy;
    s->isrc_amps = 0;
    s->isrc_last = 0; /* the injection set above */
    s->isrc_set = 1;
    s->cache_valid = 0;
    return MN_OK;
cleanup:
    mn__free(s->ctx, f);
    mn__free(s->ctx, t);
    mn_waveform_free(copy);
    return st;
}

mn_status mn_sim_set_emf(mn_sim *s, const double *emf)
{
    if (!s) return MN_ERR_INVALID;
    if (emf) {
        for (size_t e = 0; e < s->m; e++)
            if (!isfinite(emf[e]))
                return mn__error(s->ctx, MN_ERR_RANGE, "emf of edge %zu = %g must be finite", e,
                                 emf[e]);
        if (!s->emf) {
            s->emf = mn__malloc_or_err(s->ctx, s->m ? s->m : 1, sizeof(double), "emf");
            if (!s->emf) return MN_ERR_NOMEM;
        }
        memcpy(s->emf, emf, s->m * sizeof(double));
    } else {
        mn__free(s->ctx, s->emf);
        s->emf = NULL;
    }
    s->cache_valid = 0;
    s->need_restart = 1;
    return mn_kirchhoff_set_emf(s->kir, s->emf);
}

size_t mn_sim_electrode_count(const mn_sim *s) { return s ? s->n_el : 0; }

mn_status mn_sim_set_integrator(mn_sim *s, mn_sim_integrator integrator)
{
    if (!s) return MN_ERR_INVALID;
    if ((int)integrator < MN_SIM_BDF || (int)integrator > MN_SIM_EXACT)
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: unknown integrator %d", (int)integrator);
    if (s->integrator != (int)integrator) s->need_restart = 1;
    s->integrator = integrator;
    return MN_OK;
}

/* The Kirchhoff solves' PCG tolerances on a stale factor, from the integration tolerance
 * (docs/simulation.md, "Kirchhoff solves inside the integrator"):
 * - the right-hand sides: relative residual 1e-5 rtol (1e-11 at the default rtol 1e-6), so that
 *   the error of the rates stays orders of magnitude below CVODE's local error test;
 * - the Jacobian-vector products: 1e-4 (GMRES solves the Newton systems to eplifac = 0.05 of
 *   the Newton tolerance; an inexact Jacobian changes the Newton iterates, not the solution).
 * Output solves keep the solver's CG tolerance (1e-12). */
void mn__sim_solve_tolerances(mn_sim *s)
{
    mn__kirchhoff_set_step_tolerance(s->kir, MN__SIM_STEP_SOLVE_RTOL * s->rtol);
    mn__kirchhoff_set_sensitivity_tolerance(s->kir, MN__SIM_JV_SOLVE_RTOL);
}

mn_status mn_sim_set_newton(mn_sim *s, mn_sim_newton newton)
{
    if (!s) return MN_ERR_INVALID;
    if ((int)newton < MN_SIM_NEWTON_AUTO || (int)newton > MN_SIM_NEWTON_KRYLOV)
        return mn__error(s->ctx, MN_ERR_RANGE,
                         "simulation: unknown Newton iteration %d (MN_SIM_NEWTON_AUTO 0, "
                         "MN_SIM_NEWTON_BLOCKS 1, MN_SIM_NEWTON_KRYLOV 2)",
                         (int)newton);
    /* the public values are the internal modes (sim-private.h) */
    mn__sim_set_newton(s, (int)newton);
    s->newton_explicit = 1; /* a checkpoint loaded later keeps it (checkpoint.c) */
    return MN_OK;
}

void mn__sim_set_newton(mn_sim *s, int mode)
{
    if (!s || s->newton_mode == mode || mode < MN__SIM_NEWTON_AUTO || mode > MN__SIM_NEWTON_GMRES)
        return;
    s->newton_mode = mode;
    mn__sim_cv_free(s); /* the next step makes the integrator with the other solver */
    s->need_restart = 1;
}

mn_status mn_sim_set_tolerances(mn_sim *s, double rtol, double atol)
{
    if (!s) return MN_ERR_INVALID;
    if (!(rtol > 0) || !isfinite(rtol) || rtol >= 1)
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: rtol %g must be in (0, 1)", rtol);
    if (!(atol > 0) || !isfinite(atol))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: atol %g must be > 0", atol);
    s->rtol = rtol;
    mn__sim_solve_tolerances(s);
    s->atol = atol;
    s->need_restart = 1;
    return MN_OK;
}

mn_status mn_sim_set_fixed_step(mn_sim *s, double dt)
{
    if (!s) return MN_ERR_INVALID;
    if (!(dt > 0) || !isfinite(dt))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: fixed step %g must be > 0", dt);
    s->dt_fixed = dt;
    s->need_restart = 1;
    return MN_OK;
}

mn_status mn_sim_set_max_step(mn_sim *s, double hmax)
{
    if (!s) return MN_ERR_INVALID;
    if (!(hmax >= 0) || !isfinite(hmax))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: max step %g must be >= 0", hmax);
    s->hmax = hmax;
    s->need_restart = 1;
    return MN_OK;
}

mn_status mn_sim_set_max_steps(mn_sim *s, int64_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n <= 0 || n > LONG_MAX) /* CVodeSetMaxNumSteps takes a long */
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: max steps %lld must be in [1, %ld]",
                         (long long)n, LONG_MAX);
    s->max_steps = n;
    s->need_restart = 1;
    return MN_OK;
}

mn_status mn_sim_set_energy_tracking(mn_sim *s, int on)
{
    if (!s) return MN_ERR_INVALID;
    s->energy = on ? 1 : 0;
    s->nx = s->ns + (on ? 2 : 0);
    if (on) s->x[s->ns] = s->x[s->ns + 1] = 0;
    mn__sim_cv_free(s); /* vector length changes */
    s->need_restart = 1;
    return MN_OK;
}

mn_kirchhoff *mn_sim_kirchhoff(mn_sim *s) { return s ? s->kir : NULL; }

/* ================================================================ initial states */

static mn_status set_states(mn_sim *s, double t0)
{
    if (!isfinite(t0)) return mn__error(s->ctx, MN_ERR_RANGE, "simulation: start time %g", t0);
    /* the sample index below is an integer: a start beyond 2^53 intervals would overflow it */
    if (s->samp_mode == 2 && !((t0 - s->samp_t0) / s->samp_dt < 0x1p53))
        return mn__error(s->ctx, MN_ERR_RANGE,
                         "simulation: start time %g is more than 2^53 sample intervals (%g) "
                         "after the first sample at %g", t0, s->samp_dt, s->samp_t0);
    s->t = t0;
    if (s->energy) s->x[s->ns] = s->x[s->ns + 1] = 0;
    s->need_restart = 1;
    s->cache_valid = 0;
    s->gprev_valid = 0;
    /* samples/snapshots before t0 are skipped */
    if (s->samp_mode == 2 && t0 > s->samp_t0)
        s->samp_k = (uint64_t)ceil((t0 - s->samp_t0) / s->samp_dt - 1e-9);
    else if (s->samp_mode == 2)
        s->samp_k = 0;
    if (s->samp_mode == 1)
        for (s->samp_k = 0; s->samp_k < s->samp_n && s->samp_t[s->samp_k] < t0; s->samp_k++) {}
    for (s->snap_i = 0; s->snap_i < s->snap_n && s->snap_t[s->snap_i] < t0; s->snap_i++) {}
    return MN_OK;
}

size_t mn__sim_edge_of_state(const mn_sim *s, size_t i)
{
    /* edge owning state i (binary search in off) */
    size_t lo = 0, hi = s->m;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->off[mid] <= i) lo = mid;
        else hi = mid;
    }
    return lo;
}

mn_status mn_sim_init_default(mn_sim *s, double t0)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = mn_network_initial_state(s->net, s->x);
    if (st) return st;
    return set_states(s, t0);
}

mn_status mn_sim_init_uniform(mn_sim *s, double t0, double value)
{
    if (!s) return MN_ERR_INVALID;
    if (!isfinite(value))
        return mn__error(s->ctx, MN_ERR_RANGE, "initial state %g must be finite", value);
    for (size_t i = 0; i < s->ns; i++)
        if (value < s->lo[i] || value > s->hi[i])
            return mn__error(s->ctx, MN_ERR_RANGE,
                             "initial state %g is outside the bounds [%g, %g] of edge %d", value,
                             s->lo[i], s->hi[i], (int)mn__sim_edge_of_state(s, i));
    for (size_t i = 0; i < s->ns; i++) s->x[i] = value;
    return set_states(s, t0);
}

mn_status mn_sim_init_random(mn_sim *s, double t0, double lo, double hi, uint64_t seed)
{
    if (!s) return MN_ERR_INVALID;
    if (!isfinite(lo) || !isfinite(hi) || hi < lo)
        return mn__error(s->ctx, MN_ERR_RANGE, "random initial states: bad range [%g, %g]", lo, hi);
    mn__rng_state r;
    mn__rng_seed(&r, seed, 0);
    for (size_t i = 0; i < s->ns; i++) {
        double v = lo + (hi - lo) * mn__rng_uniform(&r);
        if (v < s->lo[i]) v = s->lo[i];
        if (v > s->hi[i]) v = s->hi[i];
        s->x[i] = v;
    }
    return set_states(s, t0);
}

mn_status mn_sim_init_states(mn_sim *s, double t0, const double *x)
{
    if (!s) return MN_ERR_INVALID;
    if (!x) return mn__error(s->ctx, MN_ERR_INVALID, "initial states: NULL array");
    for (size_t i = 0; i < s->ns; i++)
        if (!isfinite(x[i]))
            return mn__error(s->ctx, MN_ERR_RANGE, "initial state %zu (edge %d) = %g is not finite",
                             i, (int)mn__sim_edge_of_state(s, i), x[i]);
    memcpy(s->x, x, s->ns * sizeof(double));
    return set_states(s, t0);
}
