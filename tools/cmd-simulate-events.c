/* memnet simulate --events-out: the event log t,edge,kind written by the command through the
 * event callback, so that a --restart keeps the events before the checkpoint and cuts the rest,
 * as for --out (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static const char *kind_name(mn_sim_event_kind kind)
{
    return kind == MN_SIM_EVENT_FORM ? "form" : kind == MN_SIM_EVENT_BREAK ? "break" : "other";
}

static int event_cb(double t, mn_index edge, mn_sim_event_kind kind, void *user)
{
    simulate_cmd *c = user;
    /* the command runs in the C locale (tools/memnet.c): '.' is the decimal point */
    if (fprintf(c->ev, "%.17g,%d,%s\n", t, (int)edge, kind_name(kind)) < 0 || ferror(c->ev)) {
        c->ev_write_error = 1;
        return 1; /* stops the run; simulate_run_to_end reports the write error */
    }
    return 0;
}

int simulate_events_open(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    if (!o->events_out) return 0;
    FILE *f = c->ev = fopen(o->events_out, o->restart_path ? "r+" : "w");
    if (!f) return cli_error(CMD, "--events-out: cannot open \"%s\" (%s)", o->events_out, strerror(errno));
    if (o->restart_path) {
        if (cli_restart_cut_events(CMD, f, o->events_out, mn_sim_time(c->sim),
                                   (unsigned long long)mn_sim_event_count(c->sim)))
            return 1;
    } else if (fputs("t,edge,kind\n", f) == EOF) {
        return cli_error(CMD, "--events-out: event CSV \"%s\": write failed (%s)", o->events_out, strerror(errno));
    }
    if ((st = mn_sim_set_event_callback(c->sim, event_cb, c))) return cli_fail(CMD, c->ctx, st);
    return 0;
}

int simulate_events_flush(simulate_cmd *c)
{
    if (!c->ev) return 0;
    if (fflush(c->ev) != 0 || ferror(c->ev)) c->ev_write_error = 1;
    return c->ev_write_error;
}

int simulate_events_close(simulate_cmd *c, const simulate_opts *o)
{
    if (!c->ev) return 0;
    FILE *f = c->ev;
    int bad = c->ev_write_error || ferror(f);
    int err = bad ? EIO : 0;
    c->ev = NULL;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) return cli_error(CMD, "--events-out: event CSV \"%s\": write failed (%s)", o->events_out, strerror(err));
    return 0;
}
