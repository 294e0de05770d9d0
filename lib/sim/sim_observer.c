/*
 * The library-internal observer of a simulation's outputs (lib/h5's recorder) and the read-only
 * accessors it needs for provenance (sim-private.h).
 */
#include "sim/sim-impl.h"

#include <string.h>

mn_status mn__sim_set_observer(mn_sim *s, const mn__sim_observer *obs)
{
    if (!s) return MN_ERR_INVALID;
    if (!obs) {
        memset(&s->obs, 0, sizeof s->obs);
        return MN_OK;
    }
    if (s->obs.sample || s->obs.snapshot || s->obs.event || s->obs.gone)
        return mn__error(s->ctx, MN_ERR_STATE,
                         "the simulation already has a recorder attached (one at a time)");
    s->obs = *obs;
    return MN_OK;
}

mn_context *mn__sim_context(const mn_sim *s) { return s ? s->ctx : NULL; }
mn_network *mn__sim_network(const mn_sim *s) { return s ? s->net : NULL; }

void mn__sim_solver_settings(const mn_sim *s, mn_sim_integrator *integrator, double *rtol,
                             double *atol, double *dt_fixed, double *hmax)
{
    if (integrator) *integrator = (mn_sim_integrator)s->integrator;
    if (rtol) *rtol = s->rtol;
    if (atol) *atol = s->atol;
    if (dt_fixed) *dt_fixed = s->dt_fixed;
    if (hmax) *hmax = s->hmax;
}

int mn__sim_newton(const mn_sim *s) { return s->newton_mode; }

const char *mn__sim_newton_name(int mode)
{
    return mode == MN__SIM_NEWTON_AUTO     ? "auto"
           : mode == MN__SIM_NEWTON_BLOCKS ? "blocks"
           : mode == MN__SIM_NEWTON_GMRES  ? "krylov"
                                           : "unknown";
}

int mn__sim_energy_tracking(const mn_sim *s) { return s->energy; }

int mn__sim_current_source_values(const mn_sim *s, double *amps, double *volts)
{
    if (!s->isrc_wf) return 0;
    /* the getters evaluate the present time first; the mean potentials then belong to it */
    double a = mn_sim_electrode_current(s, s->n_el);
    if (amps) *amps = a;
    if (volts)
        *volts = mn__sim_mean_phi(s, s->isrc_from, s->isrc_nfrom) -
                 mn__sim_mean_phi(s, s->isrc_to, s->isrc_nto);
    return 1;
}
