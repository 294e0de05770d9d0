/*
 * Events (junction formation and breaking): applying them, the event log, its CSV and
 * callback. docs/simulation.md.
 */
#include "sim/sim-impl.h"

/* ================================================================ events */

static mn_status log_event(mn_sim *s, double t, mn_index e, int kind)
{
    void *ring = s->evlog;
    size_t pos;
    mn_status st = mn__event_ring_reserve(s->ctx, &ring, &s->evcap, sizeof *s->evlog,
                                          MN__SIM_EVENT_KEEP, s->n_events, s->ev_first, &pos);
    if (st) return st;
    s->evlog = ring;
    s->evlog[pos] = (mn__sim_event){ t, e, kind };
    s->n_events++;
    if (s->ev_csv && (st = mn__event_csv_write(s->ctx, s->ev_csv, t, e, kind))) return st;
    if (s->obs.event) {
        mn_status ost = s->obs.event(s, t, e, (mn_sim_event_kind)kind, s->obs.user);
        if (ost) return ost;
    }
    if (s->ev_fn && s->ev_fn(t, e, (mn_sim_event_kind)kind, s->ev_user))
        return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the event callback at t = %g", t);
    return MN_OK;
}

/* apply s->fired at the present (t, x): jump the states, update Kirchhoff, log */
mn_status mn__sim_apply_events(mn_sim *s)
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
    mn_status st = mn__event_csv_close(s->ctx, &s->ev_csv);
    if (st || !path) return st;
    return mn__event_csv_open(s->ctx, &s->ev_csv, path);
}

size_t mn_sim_event_count(const mn_sim *s) { return s ? (size_t)s->n_events : 0; }

mn_status mn_sim_event(const mn_sim *s, size_t i, double *t, mn_index *edge, mn_sim_event_kind *kind)
{
    if (!s) return MN_ERR_INVALID;
    size_t pos;
    mn_status st = mn__event_ring_find(s->ctx, MN__SIM_EVENT_KEEP, s->n_events, s->ev_first, i, &pos);
    if (st) return st;
    const mn__sim_event *ev = &s->evlog[pos];
    if (t) *t = ev->t;
    if (edge) *edge = ev->edge;
    if (kind) *kind = (mn_sim_event_kind)ev->kind;
    return MN_OK;
}
