/*
 * Events (junction formation and breaking): applying them, the event log, its CSV and
 * callback. docs/simulation.md.
 */
#include "sim/sim-impl.h"

#include <errno.h>
#include <string.h>

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
    if (s->ev_csv) {
        mn__c_locale loc;
        if (mn__c_locale_begin(&loc))
            return mn__error(s->ctx, MN_ERR_NOMEM, "event CSV: cannot create the C locale");
        errno = 0;
        fprintf(s->ev_csv, "%.17g,%d,%s\n", t, (int)e,
                kind == MN_SIM_EVENT_FORM ? "form" : kind == MN_SIM_EVENT_BREAK ? "break" : "other");
        mn__c_locale_end(&loc);
        if (ferror(s->ev_csv))
            return mn__error(s->ctx, MN_ERR_IO, "event CSV: write failed (%s)",
                             strerror(errno ? errno : EIO));
    }
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
    if (s->ev_csv) {
        /* closing reports a write error of the log (full disk), so nothing is lost silently */
        FILE *f = s->ev_csv;
        int bad = ferror(f), err = bad ? EIO : 0;
        s->ev_csv = NULL;
        if (fclose(f) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
        if (bad) return mn__error(s->ctx, MN_ERR_IO, "event CSV: write failed (%s)", strerror(err));
    }
    if (!path) return MN_OK;
    s->ev_csv = fopen(path, "w");
    if (!s->ev_csv) return mn__error(s->ctx, MN_ERR_IO, "event CSV \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(s->ev_csv, "t,edge,kind\n");
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
