/*
 * Queries of the present state: time, states, conductances, voltages, currents, potentials,
 * electrode values, energies.
 */
#include "sim/sim-impl.h"

#include <math.h>

/* ================================================================ queries */

static void ensure_present(const mn_sim *cs)
{
    mn_sim *s = (mn_sim *)cs; /* the cache is logically const */
    int left = s->started && s->integrator <= MN_SIM_ADAMS && s->t > s->seg_start ? 1 : 0;
    mn__sim_ensure_cache(s, s->t, s->x, left);
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
