/*
 * Run statistics (mn_sim_stat_get).
 */
#include "sim/sim-impl.h"

uint64_t mn_sim_stat_get(const mn_sim *cs, mn_sim_stat which)
{
    if (!cs) return 0;
    mn_sim *s = (mn_sim *)cs;
    mn__sim_cv_accumulate(s);
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
