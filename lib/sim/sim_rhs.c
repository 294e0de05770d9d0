/*
 * The right-hand side (states -> conductances -> Kirchhoff -> V, I -> rates) with its evaluation
 * cache, the model partials and the analytic Jacobian-vector product. docs/simulation.md.
 */
#include "sim/sim-impl.h"

#include <math.h>
#include <string.h>

/* ================================================================ evaluation */

static void applied_sources(mn_sim *s, double t, int left)
{
    for (size_t k = 0; k < s->n_el; k++)
        s->el_phi[k] = s->el_wf[k] ? mn__waveform_eval(s->el_wf[k], t, left) : 0.0;
    if (s->isrc_wf) s->isrc_amps = mn__waveform_eval(s->isrc_wf, t, left);
}

double mn__sim_mean_phi(const mn_sim *s, const mn_index *nodes, size_t n)
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
        p += s->isrc_amps * (mn__sim_mean_phi(s, s->isrc_from, s->isrc_nfrom) -
                             mn__sim_mean_phi(s, s->isrc_to, s->isrc_nto));
    return p;
}

/* dx/dt (and the energy rates) at the cached point: the states x whose clamped copy, V and I
 * the cache holds. */
mn_status mn__sim_rates_from_cache(mn_sim *s, const double *x, double *dxdt)
{
    size_t ns = s->ns;
    uint64_t t0 = mn__sim_ns();
    mn_status st = mn__network_rates(s->net, s->xc, s->V, s->I, dxdt);
    s->ns_model += mn__sim_ns() - t0;
    if (st) return st;
    /* a state held at its bound does not move (sim_walls.c) */
    mn__sim_walls_rates(s, x, dxdt);
    if (s->energy) {
        double pe = 0;
        for (size_t e = 0; e < s->m; e++) pe += s->I[e] * s->V[e];
        dxdt[ns] = source_power(s);
        dxdt[ns + 1] = pe;
    }
    return MN_OK;
}

/* whether the cache belongs to (t, x, left) */
int mn__sim_cache_matches(const mn_sim *s, double t, const double *x, int left)
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
                             i, (int)mn__sim_edge_of_state(s, i), t);
        double c = v < lo[i] ? lo[i] : (v > hi[i] ? hi[i] : v);
        xc[i] = c;
        if (c != v && !s->free_state[i]) held++;
    }
    s->cache_valid = 0;
    s->n_held = held;
    s->partials_valid = 0;
    uint64_t t0 = mn__sim_ns();
    st = mn__network_conductances(s->net, s->xc, s->G);
    s->ns_model += mn__sim_ns() - t0;
    if (st) return st;
    applied_sources(s, t, left);
    mn__kirchhoff_set_time(s->kir, t); /* warm starts extrapolated in time */
    if (s->el_ext_n && !s->isrc_wf) {
        /* current-controlled or floating electrodes (sim_electrodes.c) */
        if ((st = mn__sim_electrodes_solve(s, t, left))) return st;
    } else {
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
    }
    s->V = mn_kirchhoff_edge_voltages(s->kir);
    s->I = mn_kirchhoff_edge_currents(s->kir);
    memcpy(s->xc_key, x, ns * sizeof(double));
    s->tc_key = t;
    s->tc_left = left;
    s->cache_valid = 1;
    return dxdt ? mn__sim_rates_from_cache(s, x, dxdt) : MN_OK;
}

/* make sure the cache belongs to (t, x): reevaluate if not (rare: CVODE evaluates f first) */
mn_status mn__sim_ensure_cache(mn_sim *s, double t, const double *x, int left)
{
    if (mn__sim_cache_matches(s, t, x, left)) return MN_OK;
    return mn__sim_eval(s, t, x, left, NULL);
}

/* The model partials f_x, f_V, f_I, G_x at the cache point. In CVODE they are refreshed when
 * CVODE asks for a new preconditioner (psetup with jok = false: first step, after a restart,
 * convergence trouble, every 20 steps or a large change of gamma) and reused in between, as
 * CVODE reuses a stored Jacobian; the Kirchhoff part of Jv (dV from the factor of the present
 * right-hand side, V, I and G) is always current. */
mn_status mn__sim_ensure_partials(mn_sim *s)
{
    if (s->partials_valid || s->partials_lagged) return MN_OK;
    uint64_t t0 = mn__sim_ns();
    mn_status st = mn__network_derivatives(s->net, s->xc, s->V, s->I, s->Jx, s->fV, s->fI, s->Gx);
    s->ns_model += mn__sim_ns() - t0;
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
int mn__sim_side_at(const mn_sim *s, double t) { return t > s->seg_start ? 1 : 0; }

/* J v = f_x v + f_V dV + f_I dI, dG = G_x v, dV = sensitivity(dG), dI = dG (V + S) + G dV */
mn_status mn__sim_jv_apply(mn_sim *s, const double *v, double *Jv)
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
        if (s->n_fe && (st = mn__sim_electrodes_jv(s, dG, dV))) return st;
        /* dI and Jv in one pass */
        for (size_t e = 0; e < m; e++) {
            double die = dG[e] * (V[e] + (S ? S[e] : 0.0)) + G[e] * dV[e];
            dI[e] = die;
            Jv[e] = (fV[e] * dV[e] + fI[e] * die) + Jx[e] * v[e];
        }
        mn__sim_walls_jv(s, v, Jv);
        goto energy;
    }
    for (size_t e = 0; e < m; e++) {
        double d = 0;
        for (size_t i = off[e]; i < off[e + 1]; i++) d += s->Gx[i] * v[i];
        s->dG[e] = d;
    }
    if ((st = mn__kirchhoff_sensitivity(s->kir, s->dG, s->dV))) return st;
    s->st_solves++;
    if (s->n_fe && (st = mn__sim_electrodes_jv(s, s->dG, s->dV))) return st;
    for (size_t e = 0; e < m; e++)
        s->dI[e] = s->dG[e] * (s->V[e] + (S ? S[e] : 0.0)) + s->G[e] * s->dV[e];
    for (size_t e = 0; e < m; e++) {
        size_t a = off[e], k = off[e + 1] - a;
        const double *J = s->Jx + joff[e];
        for (size_t r = 0; r < k; r++) {
            double acc = s->fV[a + r] * s->dV[e] + s->fI[a + r] * s->dI[e];
            for (size_t c = 0; c < k; c++) acc += J[r * k + c] * v[a + c];
            Jv[a + r] = acc;
        }
    }
    mn__sim_walls_jv(s, v, Jv);
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
    mn_status st = mn__sim_ensure_cache(s, t, x, 0);
    if (!st) st = mn__sim_ensure_partials(s);
    if (!st) st = mn__sim_jv_apply(s, v, Jv);
    return st;
}

size_t mn__sim_value_count(const mn_sim *s) { return s->nx; }
