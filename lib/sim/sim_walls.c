/*
 * States at the walls of their bounds in CVODE runs (docs/simulation.md, "States at their
 * bounds"; issue 15 item 3).
 *
 * Most models keep their states inside [lo, hi] by themselves (miranda's rates vanish at
 * g = 0 and 1), but a model whose rate does not vanish at a bound pushes the state against it:
 * the Caravelli-Barucca memristor (002 eq 1) has dw/dt = alpha w - (Ron/gamma) i, which is
 * alpha > 0 at w = 1 for a small current, so w sits at the wall until the current turns the
 * rate inside. The right-hand side always sees the states clamped into their bounds.
 *
 * Setting the rate of a state beyond its bound to zero when it points further out (what the
 * stepper did before) makes the right-hand side discontinuous at the wall: just inside, the
 * rate is f > 0, just outside it is 0. BDF's implicit equation x = x_old + h gamma f(x) then
 * has no solution once x_old + h gamma f passes the wall, and CVODE shrinks the step until the
 * corrector fails (flag -4: the 1000-memristor circuit of the issue at t = 2.43, h = 1.5e-10).
 *
 * Instead the wall is a switch of the equations, made between steps:
 *  - a free state has the rate f of its model at the clamped states, also when CVODE's trial
 *    values pass the bound (continuous: the clamp is);
 *  - after every step, a free state beyond its bound whose rate at the bound points further
 *    out is put on the bound and held there: rate 0, zero row in the Jacobian and in the
 *    preconditioner, so CVODE keeps it exactly constant;
 *  - after every step, a held state whose rate (of its model, at the bound) points back inside
 *    is released;
 *  - each switch restarts CVODE at the present time (as a breakpoint does).
 * The right-hand side is smooth between switches, so CVODE's error control holds on every
 * step. A contact is taken at the end of the step in which the state passed the bound (the
 * conductance saw the wall throughout: only the state's own value beyond it is projected); a
 * release at the end of the step in which the rate turned inward, so it is late by less than
 * one step, during which the rate was near zero. At every (re)start a state on its bound is
 * held if its rate points out. Fixed steps clamp the state after each step instead.
 *
 * States of edges with events (filament) are not held: their event functions see them beyond
 * the bound (sim.c, free_state).
 */
#include "sim/sim-impl.h"

#include <math.h>

/* the held states' rates are zero; the model rates of all are kept in s->wall_f */
void mn__sim_walls_rates(mn_sim *s, const double *x, double *dxdt)
{
    (void)x;
    if (!s->n_hold) return;
    for (size_t i = 0; i < s->ns; i++)
        if (s->hold[i]) dxdt[i] = 0;
}

void mn__sim_walls_jv(const mn_sim *s, const double *v, double *Jv)
{
    (void)v;
    if (!s->n_hold) return;
    for (size_t i = 0; i < s->ns; i++)
        if (s->hold[i]) Jv[i] = 0;
}

void mn__sim_walls_precond(mn_sim *s)
{
    if (!s->n_hold) return;
    for (size_t e = 0; e < s->m; e++) {
        size_t a = s->off[e], k = s->off[e + 1] - a;
        double *A = s->A + s->joff[e];
        for (size_t r = 0; r < k; r++)
            if (s->hold[a + r])
                for (size_t c = 0; c < k; c++) A[r * k + c] = 0;
    }
}

/* the model rates (not zeroed for held states) at the cache point, into s->rbuf */
static mn_status model_rates(mn_sim *s)
{
    return mn__network_rates(s->net, s->xc, s->V, s->I, s->rbuf);
}

mn_status mn__sim_walls_update(mn_sim *s, double t, double *x, int left, int *changed)
{
    *changed = 0;
    int any = 0;
    for (size_t i = 0; i < s->ns && !any; i++)
        any = !s->free_state[i] && (s->hold[i] || x[i] >= s->hi[i] || x[i] <= s->lo[i]);
    if (!any) return MN_OK;
    mn_status st = mn__sim_ensure_cache(s, t, x, left);
    if (!st) st = model_rates(s);
    if (st) return st;
    const double *f = s->rbuf;
    size_t n = 0;
    for (size_t i = 0; i < s->ns; i++) {
        if (s->free_state[i]) continue;
        signed char h = s->hold[i];
        if (h > 0 ? !(f[i] > 0) : h < 0 ? !(f[i] < 0) : 0) {
            s->hold[i] = 0; /* the rate points back inside: released */
            *changed = 1;
        } else if (!h && x[i] >= s->hi[i] && f[i] > 0) {
            s->hold[i] = 1;
            *changed = 1;
        } else if (!h && x[i] <= s->lo[i] && f[i] < 0) {
            s->hold[i] = -1;
            *changed = 1;
        }
        if (s->hold[i]) x[i] = s->hold[i] > 0 ? s->hi[i] : s->lo[i];
        n += s->hold[i] != 0;
    }
    s->n_hold = n;
    if (*changed) s->cache_valid = 0;
    return MN_OK;
}

void mn__sim_walls_reset(mn_sim *s)
{
    for (size_t i = 0; i < s->ns; i++) s->hold[i] = 0;
    s->n_hold = 0;
    s->cache_valid = 0;
}
