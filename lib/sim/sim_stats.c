/*
 * Run statistics (mn_sim_stat_get).
 */
#include "sim/sim-impl.h"

/* the Kirchhoff solver's wall time in factorisations (0) or solves with the factor (1), ns */
static uint64_t kh_ns(const mn_sim *s, int which)
{
    mn__kirchhoff_info info;
    mn__kirchhoff_info_get(s->kir, &info);
    double t = which ? info.total_solve_seconds : info.total_factor_seconds;
    return t > 0 ? (uint64_t)(t * 1e9 + 0.5) : 0;
}

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
    case MN_SIM_STAT_REFACTORS: return mn_kirchhoff_stat_get(s->kir, MN_KIRCHHOFF_STAT_REFACTORS);
    case MN_SIM_STAT_CG_ITERS: return mn_kirchhoff_stat_get(s->kir, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
    case MN_SIM_STAT_OUTPUT_SOLVES: return s->st_output_solves;
    case MN_SIM_STAT_NS_FACTORISE: return kh_ns(s, 0);
    case MN_SIM_STAT_NS_SOLVE: return kh_ns(s, 1);
    case MN_SIM_STAT_NS_MODEL: return s->ns_model;
    case MN_SIM_STAT_NS_CVODE: return s->ns_cvode > s->ns_callbacks ? s->ns_cvode - s->ns_callbacks : 0;
    case MN_SIM_STAT_NS_OUTPUT: return s->ns_output;
    case MN_SIM_STAT_NS_RUN: return s->ns_run;
    case MN_SIM_STAT_UNSTABLE_STEPS: return s->st_unstable;
    case MN_SIM_STAT_NEWTON_FAILS: return s->st_convfail;
    }
    return 0;
}
