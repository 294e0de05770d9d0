/*
 * The simulation handle: sources, the right-hand side (states -> conductances -> Kirchhoff ->
 * V, I -> rates), CVODE with an analytic Jacobian-vector product and a per-junction
 * block-diagonal preconditioner, fixed-step Euler / exact steps, events, recording.
 * DESIGN.md sections 1 and 5; docs/simulation.md.
 */
#include "sim/sim-impl.h"
#include "sim/kv.h"

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <errno.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>

#define NV_DATA(v) N_VGetArrayPointer((N_Vector)(v))

static void cv_free(mn_sim *s);

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
    s->cv_kind = -1;
    s->need_restart = 1;
    s->prog_every = 1;
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
    MN__TRY(mn_network_initial_state(net, s->x));
    MN__TRY(mn_kirchhoff_new(&s->kir, s->g));
    MN__TRY(mn_kirchhoff_set_strategy(s->kir, MN_KIRCHHOFF_REFACTOR));
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
    cv_free(s);
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
    void *bufs[] = { s->x, s->xc, s->xc_key, s->G, s->lo, s->hi, s->Jx, s->A, s->P, s->fV, s->fI,
                     s->Gx, s->dG, s->dV, s->dI, s->fbuf, s->has_exact, s->gev, s->gprev, s->fired,
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

mn_status mn_sim_set_tolerances(mn_sim *s, double rtol, double atol)
{
    if (!s) return MN_ERR_INVALID;
    if (!(rtol > 0) || !isfinite(rtol) || rtol >= 1)
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: rtol %g must be in (0, 1)", rtol);
    if (!(atol > 0) || !isfinite(atol))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: atol %g must be > 0", atol);
    s->rtol = rtol;
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

mn_status mn_sim_set_max_steps(mn_sim *s, long n)
{
    if (!s) return MN_ERR_INVALID;
    if (n <= 0) return mn__error(s->ctx, MN_ERR_RANGE, "simulation: max steps %ld must be > 0", n);
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
    cv_free(s); /* vector length changes */
    s->need_restart = 1;
    return MN_OK;
}

mn_kirchhoff *mn_sim_kirchhoff(mn_sim *s) { return s ? s->kir : NULL; }

/* ================================================================ initial states */

static mn_status set_states(mn_sim *s, double t0)
{
    if (!isfinite(t0)) return mn__error(s->ctx, MN_ERR_RANGE, "simulation: start time %g", t0);
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

static size_t edge_of_state(const mn_sim *s, size_t i)
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
                             s->lo[i], s->hi[i], (int)edge_of_state(s, i));
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
                             i, (int)edge_of_state(s, i), x[i]);
    memcpy(s->x, x, s->ns * sizeof(double));
    return set_states(s, t0);
}

/* ================================================================ evaluation */

static void applied_sources(mn_sim *s, double t, int left)
{
    for (size_t k = 0; k < s->n_el; k++)
        s->el_phi[k] = s->el_wf[k] ? mn__waveform_eval(s->el_wf[k], t, left) : 0.0;
    if (s->isrc_wf) s->isrc_amps = mn__waveform_eval(s->isrc_wf, t, left);
}

static double mean_phi(const mn_sim *s, const mn_index *nodes, size_t n)
{
    const double *phi = mn_kirchhoff_potentials(s->kir);
    double a = 0;
    for (size_t i = 0; i < n; i++) a += phi[nodes[i]];
    return a / (double)n;
}

/* source power sum_k phi_k I_k (+ current source j (phi_from - phi_to)) of the last solve */
static double source_power(const mn_sim *s)
{
    double p = 0;
    for (size_t k = 0; k < s->n_el; k++) {
        double I = 0;
        mn_kirchhoff_electrode_current(s->kir, k, &I);
        p += s->el_phi[k] * I;
    }
    if (s->isrc_wf)
        p += s->isrc_amps * (mean_phi(s, s->isrc_from, s->isrc_nfrom) -
                             mean_phi(s, s->isrc_to, s->isrc_nto));
    return p;
}

/* dx/dt (and the energy rates) at the cached point: the states x whose clamped copy, V and I
 * the cache holds. */
static mn_status rates_from_cache(mn_sim *s, const double *x, double *dxdt)
{
    size_t ns = s->ns;
    mn_status st = mn__network_rates(s->net, s->xc, s->V, s->I, dxdt);
    if (st) return st;
    /* a state held at a bound by the clamp does not move further out */
    for (size_t i = 0; i < ns; i++)
        if (!s->free_state[i] &&
            ((x[i] <= s->lo[i] && dxdt[i] < 0) || (x[i] >= s->hi[i] && dxdt[i] > 0)))
            dxdt[i] = 0;
    if (s->energy) {
        double pe = 0;
        for (size_t e = 0; e < s->m; e++) pe += s->I[e] * s->V[e];
        dxdt[ns] = source_power(s);
        dxdt[ns + 1] = pe;
    }
    return MN_OK;
}

/* whether the cache belongs to (t, x, left) */
static int cache_matches(const mn_sim *s, double t, const double *x, int left)
{
    return s->cache_valid && s->tc_key == t && s->tc_left == left &&
           memcmp(s->xc_key, x, s->ns * sizeof(double)) == 0;
}

mn_status mn__sim_eval(mn_sim *s, double t, const double *x, int left, double *dxdt)
{
    mn_status st;
    size_t ns = s->ns;
    /* the right-hand side sees the states clamped into the models' bounds */
    const double *lo = s->lo, *hi = s->hi;
    double *xc = s->xc;
    size_t held = 0;
    for (size_t i = 0; i < ns; i++) {
        double v = x[i];
        if (v != v)
            return mn__error(s->ctx, MN_ERR_RANGE, "simulation: state %zu (edge %d) is NaN at t = %g",
                             i, (int)edge_of_state(s, i), t);
        double c = v < lo[i] ? lo[i] : (v > hi[i] ? hi[i] : v);
        xc[i] = c;
        if (c != v && !s->free_state[i]) held++;
    }
    s->cache_valid = 0;
    s->n_held = held;
    s->partials_valid = 0;
    if ((st = mn__network_conductances(s->net, s->xc, s->G))) return st;
    applied_sources(s, t, left);
    for (size_t k = 0; k < s->n_el; k++)
        if ((st = mn_kirchhoff_set_potential(s->kir, k, s->el_phi[k]))) return st;
    if (s->isrc_wf && !(s->isrc_amps == s->isrc_last)) {
        if ((st = mn_kirchhoff_set_injection(s->kir, s->isrc_from, s->isrc_nfrom, s->isrc_to,
                                             s->isrc_nto, s->isrc_amps)))
            return st;
        s->isrc_last = s->isrc_amps;
    }
    if ((st = mn_kirchhoff_set_conductances(s->kir, s->G))) return st;
    if ((st = mn_kirchhoff_solve(s->kir))) return st;
    s->st_solves++;
    s->V = mn_kirchhoff_edge_voltages(s->kir);
    s->I = mn_kirchhoff_edge_currents(s->kir);
    memcpy(s->xc_key, x, ns * sizeof(double));
    s->tc_key = t;
    s->tc_left = left;
    s->cache_valid = 1;
    return dxdt ? rates_from_cache(s, x, dxdt) : MN_OK;
}

/* make sure the cache belongs to (t, x): reevaluate if not (rare: CVODE evaluates f first) */
static mn_status ensure_cache(mn_sim *s, double t, const double *x, int left)
{
    if (cache_matches(s, t, x, left)) return MN_OK;
    return mn__sim_eval(s, t, x, left, NULL);
}

/* The model partials f_x, f_V, f_I, G_x at the cache point. In CVODE they are refreshed when
 * CVODE asks for a new preconditioner (psetup with jok = false: first step, after a restart,
 * convergence trouble, every 20 steps or a large change of gamma) and reused in between, as
 * CVODE reuses a stored Jacobian; the Kirchhoff part of Jv (dV from the factor of the present
 * right-hand side, V, I and G) is always current. */
static mn_status ensure_partials(mn_sim *s)
{
    if (s->partials_valid || s->partials_lagged) return MN_OK;
    mn_status st = mn__network_derivatives(s->net, s->xc, s->V, s->I, s->Jx, s->fV, s->fI, s->Gx);
    if (st) return st;
    /* clamped states: the right-hand side sees the bound, so neither the conductance nor any
       rate follows them (zero Jacobian columns; this matters for the states of models with
       events, which are not held at their bounds and may sit outside them until the event) */
    for (size_t e = 0; e < s->m; e++) {
        size_t a = s->off[e], k = s->off[e + 1] - a;
        for (size_t c = 0; c < k; c++)
            if (s->xc_key[a + c] != s->xc[a + c]) {
                s->Gx[a + c] = 0;
                for (size_t r = 0; r < k; r++) s->Jx[s->joff[e] + r * k + c] = 0;
            }
    }
    s->partials_valid = 1;
    s->partials_lagged = s->lag_partials;
    return MN_OK;
}

/* side of a waveform jump to use at time t inside the present segment */
static int side_at(const mn_sim *s, double t) { return t > s->seg_start ? 1 : 0; }

/* J v = f_x v + f_V dV + f_I dI, dG = G_x v, dV = sensitivity(dG), dI = dG (V + S) + G dV */
static mn_status jv_apply(mn_sim *s, const double *v, double *Jv)
{
    mn_status st;
    size_t m = s->m, ns = s->ns;
    const size_t *off = s->off, *joff = s->joff;
    const double *S = s->emf;
    if (s->scalar) {
        /* one state per edge (state e, Jacobian block e): the loops below without the offsets,
           the same operations in the same order */
        const double *Gx = s->Gx, *V = s->V, *G = s->G, *fV = s->fV, *fI = s->fI, *Jx = s->Jx;
        double *dG = s->dG, *dV = s->dV, *dI = s->dI;
        for (size_t e = 0; e < m; e++) dG[e] = 0.0 + Gx[e] * v[e];
        if ((st = mn__kirchhoff_sensitivity(s->kir, dG, dV))) return st;
        s->st_solves++;
        /* dI and Jv in one pass */
        for (size_t e = 0; e < m; e++) {
            double die = dG[e] * (V[e] + (S ? S[e] : 0.0)) + G[e] * dV[e];
            dI[e] = die;
            Jv[e] = (fV[e] * dV[e] + fI[e] * die) + Jx[e] * v[e];
        }
        if (s->n_held)
            for (size_t e = 0; e < m; e++)
                if (!s->free_state[e] && s->xc_key[e] != s->xc[e]) Jv[e] = 0;
        goto energy;
    }
    for (size_t e = 0; e < m; e++) {
        double d = 0;
        for (size_t i = off[e]; i < off[e + 1]; i++) d += s->Gx[i] * v[i];
        s->dG[e] = d;
    }
    if ((st = mn__kirchhoff_sensitivity(s->kir, s->dG, s->dV))) return st;
    s->st_solves++;
    for (size_t e = 0; e < m; e++)
        s->dI[e] = s->dG[e] * (s->V[e] + (S ? S[e] : 0.0)) + s->G[e] * s->dV[e];
    for (size_t e = 0; e < m; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        const double *J = s->Jx + joff[e];
        for (size_t r = 0; r < k; r++) {
            double acc = s->fV[a + r] * s->dV[e] + s->fI[a + r] * s->dI[e];
            for (size_t c = 0; c < k; c++) acc += J[r * k + c] * v[a + c];
            /* states held at a bound do not move */
            if (!s->free_state[a + r] && s->xc_key[a + r] != s->xc[a + r]) acc = 0;
            Jv[a + r] = acc;
        }
    }
energy:
    if (s->energy) {
        double pe = 0, ps = 0;
        for (size_t e = 0; e < m; e++) pe += s->dI[e] * s->V[e] + s->I[e] * s->dV[e];
        for (size_t k = 0; k < s->n_el; k++) {
            double dIk = 0;
            if ((st = mn__kirchhoff_electrode_current_sensitivity(s->kir, s->dG, s->dV, k, &dIk)))
                return st;
            ps += s->el_phi[k] * dIk;
        }
        if (s->isrc_wf) {
            /* d(phi_from - phi_to) = the voltage change across the source: from dV by Tellegen,
               j d(phi_from - phi_to) = sum_e (dI_e V_e + I_e dV_e) - sum_k phi_k dI_k */
            ps = pe;
        }
        Jv[ns] = ps;
        Jv[ns + 1] = pe;
    }
    return MN_OK;
}

mn_status mn__sim_rhs(mn_sim *s, double t, const double *x, double *f)
{
    s->seg_start = t; /* right limits */
    return mn__sim_eval(s, t, x, 0, f);
}

mn_status mn__sim_jtimes(mn_sim *s, double t, const double *x, const double *v, double *Jv)
{
    s->partials_lagged = 0; /* exact partials here */
    mn_status st = ensure_cache(s, t, x, 0);
    if (!st) st = ensure_partials(s);
    if (!st) st = jv_apply(s, v, Jv);
    return st;
}

size_t mn__sim_value_count(const mn_sim *s) { return s->nx; }

/* ================================================================ CVODE callbacks */

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    mn_sim *s = user;
    s->st_rhs++;
    mn_status st = mn__sim_eval(s, t, NV_DATA(y), side_at(s, t), NV_DATA(ydot));
    if (st == MN_ERR_SINGULAR || st == MN_ERR_SOLVER || st == MN_ERR_RANGE) return 1; /* recoverable */
    return st ? -1 : 0;
}

static int cv_jtsetup(sunrealtype t, N_Vector y, N_Vector fy, void *user)
{
    mn_sim *s = user;
    mn_status st = ensure_cache(s, t, NV_DATA(y), side_at(s, t));
    if (!st) st = ensure_partials(s);
    return st ? -1 : 0;
}

static int cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy, void *user,
                     N_Vector tmp)
{
    mn_sim *s = user;
    s->st_jv++;
    mn_status st = ensure_cache(s, t, NV_DATA(y), side_at(s, t));
    if (!st) st = ensure_partials(s);
    if (!st) st = jv_apply(s, NV_DATA(v), NV_DATA(Jv));
    return st ? -1 : 0;
}

/* invert the k x k block (row-major) in place by Gauss-Jordan with partial pivoting */
static int invert_block(double *a, size_t k)
{
    if (k == 1) {
        if (a[0] == 0 || !isfinite(a[0])) return -1;
        a[0] = 1.0 / a[0];
        return 0;
    }
    double inv[64], w[64];
    if (k > 8) return -1;
    memcpy(w, a, k * k * sizeof(double));
    for (size_t i = 0; i < k * k; i++) inv[i] = 0;
    for (size_t i = 0; i < k; i++) inv[i * k + i] = 1;
    for (size_t c = 0; c < k; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(w[r * k + c]) > fabs(w[p * k + c])) p = r;
        if (w[p * k + c] == 0) return -1;
        if (p != c)
            for (size_t j = 0; j < k; j++) {
                double t1 = w[c * k + j];
                w[c * k + j] = w[p * k + j];
                w[p * k + j] = t1;
                t1 = inv[c * k + j];
                inv[c * k + j] = inv[p * k + j];
                inv[p * k + j] = t1;
            }
        double d = w[c * k + c];
        for (size_t j = 0; j < k; j++) {
            w[c * k + j] /= d;
            inv[c * k + j] /= d;
        }
        for (size_t r = 0; r < k; r++)
            if (r != c) {
                double f = w[r * k + c];
                if (f != 0)
                    for (size_t j = 0; j < k; j++) {
                        w[r * k + j] -= f * w[c * k + j];
                        inv[r * k + j] -= f * inv[c * k + j];
                    }
            }
    }
    memcpy(a, inv, k * k * sizeof(double));
    return 0;
}

/* P = (I - gamma A)^{-1} per edge, A = f_x + f_I G_x^T (V + S): the junction's own Jacobian at
 * fixed edge voltage (the coupling through the network is left to GMRES). */
static int cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    mn_sim *s = user;
    s->st_psetup++;
    const size_t *off = s->off, *joff = s->joff;
    if (!jok) {
        s->partials_lagged = 0;
        mn_status st = ensure_cache(s, t, NV_DATA(y), side_at(s, t));
        if (!st) st = ensure_partials(s);
        if (st) return -1;
        for (size_t e = 0; e < s->m; e++) {
            size_t a = off[e], k = off[e + 1] - a;
            double vs = s->V[e] + (s->emf ? s->emf[e] : 0.0);
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++)
                    s->A[joff[e] + r * k + c] =
                        s->Jx[joff[e] + r * k + c] + s->fI[a + r] * s->Gx[a + c] * vs;
        }
        *jcur = SUNTRUE;
    } else {
        *jcur = SUNFALSE;
    }
    for (size_t e = 0; e < s->m; e++) {
        size_t k = off[e + 1] - off[e];
        double *P = s->P + joff[e];
        const double *A = s->A + joff[e];
        for (size_t r = 0; r < k; r++)
            for (size_t c = 0; c < k; c++) P[r * k + c] = (r == c ? 1.0 : 0.0) - gamma * A[r * k + c];
        if (k && invert_block(P, k)) {
            /* singular block: fall back to the identity */
            for (size_t r = 0; r < k; r++)
                for (size_t c = 0; c < k; c++) P[r * k + c] = r == c ? 1.0 : 0.0;
        }
    }
    s->gamma_P = gamma;
    return 0;
}

static int cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                     sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    mn_sim *s = user;
    const double *rv = NV_DATA(r);
    double *zv = NV_DATA(z);
    const size_t *off = s->off, *joff = s->joff;
    if (s->scalar) {
        const double *P = s->P;
        KV_MAP(s->ns, KV_ST(zv, _mm_mul_pd(KV_LD(P), KV_LD(rv))), zv[i] = P[i] * rv[i]);
        for (size_t i = s->ns; i < s->nx; i++) zv[i] = rv[i];
        return 0;
    }
    for (size_t e = 0; e < s->m; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        const double *P = s->P + joff[e];
        if (k == 1) {
            zv[a] = P[0] * rv[a];
            continue;
        }
        for (size_t i = 0; i < k; i++) {
            double acc = 0;
            for (size_t j = 0; j < k; j++) acc += P[i * k + j] * rv[a + j];
            zv[a + i] = acc;
        }
    }
    for (size_t i = s->ns; i < s->nx; i++) zv[i] = rv[i];
    return 0;
}

static int cv_root(sunrealtype t, N_Vector y, sunrealtype *gout, void *user)
{
    mn_sim *s = user;
    s->st_root++;
    mn_status st = ensure_cache(s, t, NV_DATA(y), side_at(s, t));
    /* event functions see the unclamped states, so a state crossing its bound is a sign change */
    if (!st) st = mn__network_event_fn(s->net, NV_DATA(y), s->V, s->I, gout);
    return st ? -1 : 0;
}

static void cv_errh(int code, const char *module, const char *function, char *msg, void *user)
{
    mn_sim *s = user;
    snprintf(s->cv_msg, sizeof s->cv_msg, "%s: %s", function ? function : "CVODE", msg ? msg : "");
    if (code > 0) mn__log(s->ctx, MN_LOG_WARNING, "CVODE warning: %s", s->cv_msg);
}

/* ================================================================ CVODE setup */

static void cv_accumulate(mn_sim *s)
{
    if (!s->cvode) return;
    long v[6] = { 0 };
    CVodeGetNumSteps(s->cvode, &v[0]);
    CVodeGetNumLinIters(s->cvode, &v[1]);
    CVodeGetNumNonlinSolvIters(s->cvode, &v[2]);
    CVodeGetNumErrTestFails(s->cvode, &v[3]);
    s->st_steps += (uint64_t)(v[0] - s->cv_base[0]);
    s->st_lin += (uint64_t)(v[1] - s->cv_base[1]);
    s->st_newton += (uint64_t)(v[2] - s->cv_base[2]);
    s->st_errfail += (uint64_t)(v[3] - s->cv_base[3]);
    for (int i = 0; i < 4; i++) s->cv_base[i] = v[i];
}

static void cv_free(mn_sim *s)
{
    cv_accumulate(s);
    if (s->cvode) CVodeFree(&s->cvode);
    s->cvode = NULL;
    if (s->LS) SUNLinSolFree((SUNLinearSolver)s->LS);
    s->LS = NULL;
    if (s->y) N_VDestroy((N_Vector)s->y);
    if (s->ytmp) N_VDestroy((N_Vector)s->ytmp);
    s->y = s->ytmp = NULL;
    s->cv_kind = -1;
    s->cv_active = 0;
    memset(s->cv_base, 0, sizeof s->cv_base);
}

static mn_status cv_check(mn_sim *s, int flag, const char *call)
{
    if (flag >= 0) return MN_OK;
    return mn__error(s->ctx, flag == CV_MEM_FAIL ? MN_ERR_NOMEM : MN_ERR_SOLVER,
                     "CVODE %s failed (flag %d) at t = %.17g: %s", call, flag, s->t, s->cv_msg);
}

static double next_breakpoint(const mn_sim *s, double t)
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
    return b;
}

/* (re)start the integrator at (s->t, s->x): new segment up to the next breakpoint */
static mn_status restart(mn_sim *s)
{
    mn_status st = MN_OK;
    s->seg_start = s->t;
    s->seg_end = next_breakpoint(s, s->t);
    s->need_restart = 0;
    s->st_restarts++;
    s->cache_valid = 0;
    /* keep the states inside their bounds at every restart */
    if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    if (s->integrator == MN_SIM_EULER || s->integrator == MN_SIM_EXACT || s->nx == 0) {
        s->grid_t0 = s->t;
        s->grid_k = 0;
        s->cv_active = 0;
        return MN_OK;
    }
    int flag;
    if (!s->sunctx) {
        SUNContext sc;
        if (SUNContext_Create(NULL, &sc))
            return mn__error(s->ctx, MN_ERR_SOLVER, "SUNDIALS context creation failed");
        s->sunctx = sc;
    }
    SUNContext sc = (SUNContext)s->sunctx;
    if (s->cvode && s->cv_kind != s->integrator) cv_free(s);
    if (!s->cvode) {
        int lmm = s->integrator == MN_SIM_ADAMS ? CV_ADAMS : CV_BDF;
        s->y = N_VNew_Serial((sunindextype)s->nx, sc);
        s->ytmp = N_VNew_Serial((sunindextype)s->nx, sc);
        if (!s->y || !s->ytmp) {
            cv_free(s);
            return mn__error(s->ctx, MN_ERR_NOMEM, "CVODE vectors of %zu values", s->nx);
        }
        mn__sim_vector_kernels(s->y);
        mn__sim_vector_kernels(s->ytmp);
        memcpy(NV_DATA(s->y), s->x, s->nx * sizeof(double));
        s->cvode = CVodeCreate(lmm, sc);
        if (!s->cvode) {
            cv_free(s);
            return mn__error(s->ctx, MN_ERR_NOMEM, "CVodeCreate failed");
        }
        CVodeSetErrHandlerFn(s->cvode, cv_errh, s);
        s->cv_msg[0] = 0;
        if ((st = cv_check(s, CVodeInit(s->cvode, cv_rhs, s->t, (N_Vector)s->y), "CVodeInit")))
            goto fail;
        if ((st = cv_check(s, CVodeSetUserData(s->cvode, s), "CVodeSetUserData"))) goto fail;
        s->LS = SUNLinSol_SPGMR((N_Vector)s->y, SUN_PREC_LEFT, 20, sc);
        if (!s->LS) {
            st = mn__error(s->ctx, MN_ERR_NOMEM, "SUNLinSol_SPGMR failed");
            goto fail;
        }
        SUNLinSol_SPGMRSetMaxRestarts((SUNLinearSolver)s->LS, 2);
        if ((st = cv_check(s, CVodeSetLinearSolver(s->cvode, (SUNLinearSolver)s->LS, NULL),
                           "CVodeSetLinearSolver")))
            goto fail;
        if ((st = cv_check(s, CVodeSetJacTimes(s->cvode, cv_jtsetup, cv_jtimes), "CVodeSetJacTimes")))
            goto fail;
        if ((st = cv_check(s, CVodeSetPreconditioner(s->cvode, cv_psetup, cv_psolve),
                           "CVodeSetPreconditioner")))
            goto fail;
        if (s->nev) {
            if ((st = cv_check(s, CVodeRootInit(s->cvode, (int)s->nev, cv_root), "CVodeRootInit")))
                goto fail;
            int *dir = (int *)s->rootsfound; /* reuse as scratch */
            for (size_t i = 0; i < s->nev; i++) dir[i] = 1;
            if ((st = cv_check(s, CVodeSetRootDirection(s->cvode, dir), "CVodeSetRootDirection")))
                goto fail;
            CVodeSetNoInactiveRootWarn(s->cvode);
        }
        s->cv_kind = s->integrator;
    } else {
        cv_accumulate(s);
        memcpy(NV_DATA(s->y), s->x, s->nx * sizeof(double));
        if ((st = cv_check(s, CVodeReInit(s->cvode, s->t, (N_Vector)s->y), "CVodeReInit"))) goto fail;
        memset(s->cv_base, 0, sizeof s->cv_base);
    }
    if ((st = cv_check(s, CVodeSStolerances(s->cvode, s->rtol, s->atol), "CVodeSStolerances")))
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
    cv_free(s);
    return st;
}

mn_status mn_sim_restart(mn_sim *s)
{
    if (!s) return MN_ERR_INVALID;
    s->need_restart = 1;
    return MN_OK;
}

/* ================================================================ recording */

static double next_sample_time(const mn_sim *s)
{
    if (s->samp_mode == 2) return s->samp_t0 + (double)s->samp_k * s->samp_dt;
    if (s->samp_mode == 1 && s->samp_k < s->samp_n) return s->samp_t[s->samp_k];
    return INFINITY;
}

static double next_output_time(const mn_sim *s)
{
    double a = next_sample_time(s);
    double b = s->snap_i < s->snap_n ? s->snap_t[s->snap_i] : INFINITY;
    return a < b ? a : b;
}

static void csv_header(mn_sim *s)
{
    FILE *f = s->csv;
    fprintf(f, "t");
    for (size_t k = 0; k < s->n_el; k++) fprintf(f, ",V%zu,I%zu", k, k);
    if (s->isrc_wf) fprintf(f, ",J,Vsrc");
    if (s->n_el == 2) fprintf(f, ",G");
    const mn_model_ops *ops = mn_network_model_count(s->net) ? mn_network_model_ops(s->net, 0) : NULL;
    size_t nst = ops ? ops->n_states : 0;
    for (size_t j = 0; j < nst; j++)
        fprintf(f, ",mean_%s", ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x");
    for (size_t r = 0; r < s->n_rec; r++) {
        mn_index e = s->rec_edges[r];
        size_t k = s->off[e + 1] - s->off[e];
        if (k == 1) fprintf(f, ",x%d", (int)e);
        else
            for (size_t j = 0; j < k; j++) fprintf(f, ",x%d_%zu", (int)e, j);
    }
    if (s->energy) fprintf(f, ",E_src,E_edges");
    fprintf(f, "\n");
}

static mn_status csv_row(mn_sim *s)
{
    FILE *f = s->csv;
    fprintf(f, "%.17g", s->t);
    for (size_t k = 0; k < s->n_el; k++)
        fprintf(f, ",%.17g,%.17g", mn_sim_applied_voltage(s, k), mn_sim_electrode_current(s, k));
    if (s->isrc_wf)
        fprintf(f, ",%.17g,%.17g", s->isrc_amps,
                mean_phi(s, s->isrc_from, s->isrc_nfrom) - mean_phi(s, s->isrc_to, s->isrc_nto));
    if (s->n_el == 2) fprintf(f, ",%.17g", mn_sim_effective_conductance(s));
    const mn_model_ops *ops = mn_network_model_count(s->net) ? mn_network_model_ops(s->net, 0) : NULL;
    size_t nst = ops ? ops->n_states : 0;
    for (size_t j = 0; j < nst; j++) fprintf(f, ",%.17g", mn_sim_mean_state(s, j));
    for (size_t r = 0; r < s->n_rec; r++) {
        mn_index e = s->rec_edges[r];
        for (size_t i = s->off[e]; i < s->off[e + 1]; i++) fprintf(f, ",%.17g", s->x[i]);
    }
    if (s->energy) fprintf(f, ",%.17g,%.17g", s->x[s->ns], s->x[s->ns + 1]);
    if (fprintf(f, "\n") < 0)
        return mn__error(s->ctx, MN_ERR_IO, "simulation CSV: write failed (%s)", strerror(errno));
    return MN_OK;
}

static mn_status write_snapshot(mn_sim *s, size_t k)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%zu-edges.csv", s->snap_prefix, k);
    FILE *f = fopen(path, "w");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(f, "# t=%.17g\nedge,u,v", s->t);
    size_t maxk = 0;
    for (size_t e = 0; e < s->m; e++)
        if (s->off[e + 1] - s->off[e] > maxk) maxk = s->off[e + 1] - s->off[e];
    for (size_t j = 0; j < maxk; j++) fprintf(f, ",x%zu", j);
    fprintf(f, ",G,V,I\n");
    const mn_index *u = mn_graph_edge_u(s->g), *v = mn_graph_edge_v(s->g);
    for (size_t e = 0; e < s->m; e++) {
        fprintf(f, "%zu,%d,%d", e, (int)u[e], (int)v[e]);
        for (size_t j = 0; j < maxk; j++) {
            if (s->off[e] + j < s->off[e + 1]) fprintf(f, ",%.17g", s->x[s->off[e] + j]);
            else fprintf(f, ",");
        }
        fprintf(f, ",%.17g,%.17g,%.17g\n", s->G[e], s->V[e], s->I[e]);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": write failed", path);
    snprintf(path, sizeof path, "%s%zu-nodes.csv", s->snap_prefix, k);
    f = fopen(path, "w");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(f, "# t=%.17g\nnode,phi\n", s->t);
    const double *phi = mn_kirchhoff_potentials(s->kir);
    for (size_t i = 0; i < s->nn; i++) fprintf(f, "%zu,%.17g\n", i, phi[i]);
    bad = ferror(f);
    fclose(f);
    if (bad) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": write failed", path);
    return MN_OK;
}

/* emit the outputs due at the present time s->t (state s->x): evaluates Kirchhoff there */
static mn_status emit_outputs(mn_sim *s, int left)
{
    mn_status st;
    int evaluated = 0;
    while (1) {
        double ts = next_sample_time(s);
        double tn = s->snap_i < s->snap_n ? s->snap_t[s->snap_i] : INFINITY;
        int is_s = ts <= s->t, is_n = tn <= s->t;
        if (!is_s && !is_n) break;
        if (!evaluated) {
            if ((st = ensure_cache(s, s->t, s->x, left))) return st;
            evaluated = 1;
        }
        if (is_s) {
            s->samp_k++;
            if (s->csv && (st = csv_row(s))) return st;
            if (s->samp_fn && s->samp_fn(s, s->samp_user))
                return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the sample callback at t = %g", s->t);
        }
        if (is_n) {
            size_t k = s->snap_i++;
            if (s->snap_prefix && (st = write_snapshot(s, k))) return st;
            if (s->snap_fn && s->snap_fn(s, s->snap_user))
                return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the snapshot callback at t = %g", s->t);
        }
    }
    return MN_OK;
}

/* ================================================================ events */

static mn_status log_event(mn_sim *s, double t, mn_index e, int kind)
{
    uint64_t idx = s->n_events - s->ev_first;
    if (s->evcap < MN__SIM_EVENT_KEEP && idx >= s->evcap) {
        size_t nc = s->evcap ? 2 * s->evcap : 64;
        if (nc > MN__SIM_EVENT_KEEP) nc = MN__SIM_EVENT_KEEP;
        mn__sim_event *p = mn__realloc_array(s->ctx, s->evlog, nc, sizeof *p);
        if (!p) return mn__error(s->ctx, MN_ERR_NOMEM, "event log: out of memory");
        s->evlog = p;
        s->evcap = nc;
    }
    s->evlog[idx % MN__SIM_EVENT_KEEP] = (mn__sim_event){ t, e, kind };
    s->n_events++;
    if (s->ev_csv) fprintf(s->ev_csv, "%.17g,%d,%s\n", t, (int)e,
                           kind == MN_SIM_EVENT_FORM ? "form" : kind == MN_SIM_EVENT_BREAK ? "break" : "other");
    if (s->ev_fn && s->ev_fn(t, e, (mn_sim_event_kind)kind, s->ev_user))
        return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the event callback at t = %g", t);
    return MN_OK;
}

/* apply s->fired at the present (t, x): jump the states, update Kirchhoff, log */
static mn_status apply_events(mn_sim *s)
{
    mn_status st;
    size_t nj = 0;
    if ((st = mn__network_event_apply(s->net, s->fired, s->x, s->jumped, &nj, s->Gold, s->Gnew)))
        return st;
    if (nj) {
        /* the rank-k path of the Kirchhoff solver (used when its strategy allows it) */
        if ((st = mn_kirchhoff_update_conductances(s->kir, s->jumped, s->Gnew, nj))) return st;
    }
    s->cache_valid = 0;
    mn_status cst = MN_OK;
    size_t jpos = 0;
    for (size_t e = 0; e < s->m; e++) {
        int any = 0;
        for (size_t i = s->eoff[e]; i < s->eoff[e + 1]; i++) any |= s->fired[i];
        if (!any) continue;
        int kind = MN_SIM_EVENT_OTHER;
        while (jpos < nj && (size_t)s->jumped[jpos] < e) jpos++;
        if (jpos < nj && (size_t)s->jumped[jpos] == e)
            kind = s->Gnew[jpos] > s->Gold[jpos] ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK;
        st = log_event(s, s->t, (mn_index)e, kind);
        if (st == MN_ERR_CANCELLED) cst = st;
        else if (st) return st;
    }
    s->need_restart = 1;
    return cst;
}

/* ================================================================ stepping */

static mn_status finish_run_checks(mn_sim *s, double t_end)
{
    if (!isfinite(t_end) || !(t_end > s->t))
        return mn__error(s->ctx, MN_ERR_RANGE, "simulation: end time %g must be finite and after the present time %g",
                         t_end, s->t);
    if (s->n_el == 0 && !s->isrc_wf)
        return mn__error(s->ctx, MN_ERR_STATE, "simulation: no electrode or current source");
    return MN_OK;
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
    double to = next_output_time(s);
    if (to > s->t && to < tn) tn = to;
    if (t_max < tn) tn = t_max;
    if (fabs(tn - tg) <= 1e-9 * dt) tn = tg;
    double h = tn - s->t;
    /* the applied values on [t, tn) are the right limits at t; the event check at the end of
     * the previous step usually left the solution at exactly this point in the cache */
    if (cache_matches(s, s->t, s->x, 0))
        st = rates_from_cache(s, s->x, s->fbuf);
    else
        st = mn__sim_eval(s, s->t, s->x, 0, s->fbuf);
    if (st) return st;
    s->st_rhs++;
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
    if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    if (tn == tg) s->grid_k++;
    s->t = tn;
    s->st_steps++;
    s->cache_valid = 0;
    if (s->t >= s->seg_end) {
        s->seg_start = s->t;
        s->seg_end = next_breakpoint(s, s->t);
    }
    /* events: g crossing 0 upwards between the previous and this step */
    if (s->nev) {
        if ((st = ensure_cache(s, s->t, s->x, 0))) return st;
        if ((st = mn__network_event_fn(s->net, s->xc, s->V, s->I, s->gev))) return st;
        s->st_root++;
        int any = 0;
        for (size_t i = 0; i < s->nev; i++) {
            int f = s->gev[i] >= 0 && (!s->gprev_valid || s->gprev[i] < 0);
            s->fired[i] = f;
            any |= f;
        }
        if (any) {
            mn_status cst = apply_events(s);
            if (cst && cst != MN_ERR_CANCELLED) return cst;
            s->need_restart = 0; /* fixed step: nothing to restart */
            if ((st = ensure_cache(s, s->t, s->x, 0))) return st;
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
    mn_status st = cv_check(s, flag, "CVodeGetDky");
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
        double to = next_output_time(s);
        if (!(strict ? to < limit : to <= limit)) break;
        if ((st = dense_to(s, to))) return st;
        if ((st = emit_outputs(s, side_at(s, to)))) return st;
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
        if ((st = cv_check(s, CVodeSetStopTime(s->cvode, stop), "CVodeSetStopTime"))) return st;
        s->cv_tstop = stop;
    }
    s->cv_msg[0] = 0;
    int flag = CVode(s->cvode, stop, y, &tret, CV_ONE_STEP);
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
    if (flag == CV_ROOT_RETURN) {
        if ((st = serve_dense(s, tret, 1))) return st;
        memcpy(s->x, NV_DATA(y), s->nx * sizeof(double));
        s->t = tret;
        s->cache_valid = 0;
        CVodeGetRootInfo(s->cvode, s->rootsfound);
        for (size_t i = 0; i < s->nev; i++) s->fired[i] = s->rootsfound[i] > 0;
        s->cv_active = 0;
        mn_status cst = apply_events(s);
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
        return emit_outputs(s, side_at(s, s->t));
    }
    s->cv_tn = tret;
    if ((st = serve_dense(s, tret, 0))) return st;
    if (s->t < tret) {
        memcpy(s->x, NV_DATA(y), s->nx * sizeof(double));
        s->t = tret;
        s->cache_valid = 0;
        if ((st = mn__network_clamp(s->net, s->x, NULL))) return st;
    }
    return MN_OK;
}

static mn_status step_once(mn_sim *s, double t_max)
{
    mn_status st;
    s->started = 1;
    if (s->need_restart || (!s->cv_active && s->integrator <= MN_SIM_ADAMS && s->nx > 0)) {
        if ((st = restart(s))) return st;
        if ((st = emit_outputs(s, 0))) return st;
    }
    if (s->nx == 0) {
        /* nothing to integrate (only fixed resistors): go to the next output or breakpoint */
        double tn = next_output_time(s);
        if (!(tn > s->t) || s->seg_end < tn) tn = s->seg_end;
        if (t_max < tn) tn = t_max;
        s->t = tn;
        s->st_steps++;
        if (s->t >= s->seg_end) {
            s->seg_start = s->t;
            s->seg_end = next_breakpoint(s, s->t);
        }
        return emit_outputs(s, 0);
    }
    if (s->integrator == MN_SIM_EULER || s->integrator == MN_SIM_EXACT) {
        if ((st = fixed_step(s, t_max))) return st;
        return emit_outputs(s, 0);
    }
    st = cvode_step(s, t_max);
    /* stopped (error or cancellation) while serving outputs behind CVODE's time: the next step
       restarts from the present time instead of stepping on from CVODE's */
    if (st && s->cv_active && s->t < s->cv_tn) s->need_restart = 1;
    return st;
}

mn_status mn_sim_step(mn_sim *s, double t_max, double *t_reached)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = finish_run_checks(s, t_max);
    if (st) return st;
    s->run_end = t_max;
    st = step_once(s, t_max);
    if (t_reached) *t_reached = s->t;
    return st;
}

mn_status mn_sim_run(mn_sim *s, double t_end)
{
    if (!s) return MN_ERR_INVALID;
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
    if (s->need_restart && next_output_time(s) <= s->t) {
        if ((st = emit_outputs(s, 0))) return st;
    }
    if (s->prog_fn) s->prog_fn(s->t, t_end, s->prog_user);
    return MN_OK;
}

/* ================================================================ recording setters */

mn_status mn_sim_set_sample_interval(mn_sim *s, double t_first, double dt)
{
    if (!s) return MN_ERR_INVALID;
    if (!isfinite(t_first)) return mn__error(s->ctx, MN_ERR_RANGE, "sample start %g must be finite", t_first);
    if (!(dt > 0) || !isfinite(dt)) return mn__error(s->ctx, MN_ERR_RANGE, "sample interval %g must be > 0", dt);
    s->samp_mode = 2;
    s->samp_t0 = t_first;
    s->samp_dt = dt;
    s->samp_k = 0;
    while (s->samp_t0 + (double)s->samp_k * dt < s->t) s->samp_k++;
    return MN_OK;
}

mn_status mn_sim_set_sample_times(mn_sim *s, const double *t, size_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !t) return mn__error(s->ctx, MN_ERR_INVALID, "sample times: NULL array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || (i && t[i] <= t[i - 1]))
            return mn__error(s->ctx, MN_ERR_RANGE, "sample time %zu = %g must be finite and increasing", i, t[i]);
    double *c = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "sample times");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, t, n * sizeof *c);
    }
    mn__free(s->ctx, s->samp_t);
    s->samp_t = c;
    s->samp_n = n;
    s->samp_mode = n ? 1 : 0;
    for (s->samp_k = 0; s->samp_k < n && c[s->samp_k] < s->t; s->samp_k++) {}
    return MN_OK;
}

mn_status mn_sim_record_edges(mn_sim *s, const mn_index *edges, size_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !edges) return mn__error(s->ctx, MN_ERR_INVALID, "recorded edges: NULL array");
    for (size_t i = 0; i < n; i++)
        if (edges[i] < 0 || (size_t)edges[i] >= s->m)
            return mn__error(s->ctx, MN_ERR_RANGE, "recorded edge %d is not in the network (%zu edges)",
                             (int)edges[i], s->m);
    mn_index *c = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "recorded edges");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, edges, n * sizeof *c);
    }
    mn__free(s->ctx, s->rec_edges);
    s->rec_edges = c;
    s->n_rec = n;
    return MN_OK;
}

mn_status mn_sim_set_sample_callback(mn_sim *s, mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->samp_fn = fn;
    s->samp_user = user;
    return MN_OK;
}

mn_status mn_sim_record_csv(mn_sim *s, const char *path, const char *header)
{
    if (!s) return MN_ERR_INVALID;
    if (s->csv) fclose(s->csv);
    s->csv = NULL;
    if (!path) return MN_OK;
    s->csv = fopen(path, "w");
    if (!s->csv) return mn__error(s->ctx, MN_ERR_IO, "simulation CSV \"%s\": cannot open (%s)", path, strerror(errno));
    if (header) {
        const char *p = header;
        while (*p) {
            size_t l = strcspn(p, "\n");
            fprintf(s->csv, "# %.*s\n", (int)l, p);
            p += l;
            if (*p) p++;
        }
    }
    csv_header(s);
    return MN_OK;
}

mn_status mn_sim_set_snapshots(mn_sim *s, const double *t, size_t n, const char *prefix,
                               mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !t) return mn__error(s->ctx, MN_ERR_INVALID, "snapshot times: NULL array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || (i && t[i] <= t[i - 1]))
            return mn__error(s->ctx, MN_ERR_RANGE, "snapshot time %zu = %g must be finite and increasing", i, t[i]);
    double *c = NULL;
    char *p = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "snapshot times");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, t, n * sizeof *c);
    }
    if (prefix && !(p = mn__strdup(s->ctx, prefix))) {
        mn__free(s->ctx, c);
        return mn__error(s->ctx, MN_ERR_NOMEM, "snapshot prefix: out of memory");
    }
    mn__free(s->ctx, s->snap_t);
    mn__free(s->ctx, s->snap_prefix);
    s->snap_t = c;
    s->snap_n = n;
    s->snap_prefix = p;
    s->snap_fn = fn;
    s->snap_user = user;
    for (s->snap_i = 0; s->snap_i < n && c[s->snap_i] < s->t; s->snap_i++) {}
    return MN_OK;
}

mn_status mn_sim_set_step_callback(mn_sim *s, mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->step_fn = fn;
    s->step_user = user;
    return MN_OK;
}

mn_status mn_sim_set_progress_callback(mn_sim *s, mn_sim_progress_fn fn, long every, void *user)
{
    if (!s) return MN_ERR_INVALID;
    if (every < 1) return mn__error(s->ctx, MN_ERR_RANGE, "progress interval %ld must be >= 1", every);
    s->prog_fn = fn;
    s->prog_every = every;
    s->prog_user = user;
    return MN_OK;
}

mn_status mn_sim_set_event_callback(mn_sim *s, mn_sim_event_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->ev_fn = fn;
    s->ev_user = user;
    return MN_OK;
}

mn_status mn_sim_record_events_csv(mn_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    if (s->ev_csv) fclose(s->ev_csv);
    s->ev_csv = NULL;
    if (!path) return MN_OK;
    s->ev_csv = fopen(path, "w");
    if (!s->ev_csv) return mn__error(s->ctx, MN_ERR_IO, "event CSV \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(s->ev_csv, "t,edge,kind\n");
    return MN_OK;
}

/* ================================================================ queries */

static void ensure_present(const mn_sim *cs)
{
    mn_sim *s = (mn_sim *)cs; /* the cache is logically const */
    int left = s->started && s->integrator <= MN_SIM_ADAMS && s->t > s->seg_start ? 1 : 0;
    ensure_cache(s, s->t, s->x, left);
}

double mn_sim_time(const mn_sim *s) { return s ? s->t : NAN; }
const double *mn_sim_states(const mn_sim *s) { return s ? s->x : NULL; }
const double *mn_sim_conductances(const mn_sim *s)
{
    if (!s) return NULL;
    ensure_present(s);
    return s->cache_valid ? s->G : NULL;
}
const double *mn_sim_edge_voltages(const mn_sim *s)
{
    if (!s) return NULL;
    ensure_present(s);
    return s->cache_valid ? s->V : NULL;
}
const double *mn_sim_edge_currents(const mn_sim *s)
{
    if (!s) return NULL;
    ensure_present(s);
    return s->cache_valid ? s->I : NULL;
}
const double *mn_sim_potentials(const mn_sim *s)
{
    if (!s) return NULL;
    ensure_present(s);
    return s->cache_valid ? mn_kirchhoff_potentials(s->kir) : NULL;
}
double mn_sim_applied_voltage(const mn_sim *s, size_t id)
{
    if (!s || id >= s->n_el) return NAN;
    ensure_present(s);
    return s->el_phi[id];
}
double mn_sim_electrode_current(const mn_sim *s, size_t id)
{
    if (!s) return NAN;
    ensure_present(s);
    if (!s->cache_valid) return NAN;
    if (id == s->n_el && s->isrc_wf) return s->isrc_amps;
    if (id >= s->n_el) return NAN;
    double I = NAN;
    mn_kirchhoff_electrode_current(s->kir, id, &I);
    return I;
}
double mn_sim_effective_conductance(const mn_sim *s)
{
    if (!s || s->n_el != 2) return NAN;
    double dv = mn_sim_applied_voltage(s, 0) - mn_sim_applied_voltage(s, 1);
    if (dv == 0) return NAN;
    return mn_sim_electrode_current(s, 0) / dv;
}
double mn_sim_mean_state(const mn_sim *s, size_t j)
{
    if (!s) return NAN;
    double a = 0;
    size_t n = 0;
    for (size_t e = 0; e < s->m; e++)
        if (s->off[e] + j < s->off[e + 1]) {
            a += s->x[s->off[e] + j];
            n++;
        }
    return n ? a / (double)n : NAN;
}
mn_status mn_sim_energy(const mn_sim *s, double *e_source, double *e_edges)
{
    if (!s) return MN_ERR_INVALID;
    if (!s->energy) return mn__error(s->ctx, MN_ERR_STATE, "energy tracking is off (mn_sim_set_energy_tracking)");
    if (e_source) *e_source = s->x[s->ns];
    if (e_edges) *e_edges = s->x[s->ns + 1];
    return MN_OK;
}

size_t mn_sim_event_count(const mn_sim *s) { return s ? (size_t)s->n_events : 0; }

mn_status mn_sim_event(const mn_sim *s, size_t i, double *t, mn_index *edge, mn_sim_event_kind *kind)
{
    if (!s) return MN_ERR_INVALID;
    if (i >= s->n_events || i < s->ev_first ||
        (s->n_events - s->ev_first > MN__SIM_EVENT_KEEP && i < s->n_events - MN__SIM_EVENT_KEEP))
        return mn__error(s->ctx, MN_ERR_RANGE, "event %zu is not in the log (%llu events, %u kept)", i,
                         (unsigned long long)s->n_events, MN__SIM_EVENT_KEEP);
    const mn__sim_event *ev = &s->evlog[(i - s->ev_first) % MN__SIM_EVENT_KEEP];
    if (t) *t = ev->t;
    if (edge) *edge = ev->edge;
    if (kind) *kind = (mn_sim_event_kind)ev->kind;
    return MN_OK;
}

uint64_t mn_sim_stat_get(const mn_sim *cs, mn_sim_stat which)
{
    if (!cs) return 0;
    mn_sim *s = (mn_sim *)cs;
    cv_accumulate(s);
    switch (which) {
    case MN_SIM_STAT_STEPS: return s->st_steps;
    case MN_SIM_STAT_RHS: return s->st_rhs;
    case MN_SIM_STAT_JV: return s->st_jv;
    case MN_SIM_STAT_LIN_ITERS: return s->st_lin;
    case MN_SIM_STAT_NEWTON_ITERS: return s->st_newton;
    case MN_SIM_STAT_PREC_SETUPS: return s->st_psetup;
    case MN_SIM_STAT_ERR_FAILS: return s->st_errfail;
    case MN_SIM_STAT_ROOT_EVALS: return s->st_root;
    case MN_SIM_STAT_EVENTS: return s->n_events;
    case MN_SIM_STAT_RESTARTS: return s->st_restarts;
    case MN_SIM_STAT_SOLVES: return s->st_solves;
    }
    return 0;
}
