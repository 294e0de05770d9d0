/*
 * /events of an HDF5 recording: the simulation's event log as three parallel 1-D datasets
 * (time, edge, kind), buffered and written at each flush. docs/file-formats.md.
 */
#include "h5/h5-private.h"

#define EVENT_BUFFER 4096 /* events buffered before a write */

/* the number of leading values <= t (times in the file are not decreasing) */
static size_t count_upto(const double *v, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

mn_status mn__h5_events_setup(mn_context *ctx, hid_t file, mn__h5_events *ev, int append,
                              double t_keep)
{
    mn_status st;
    ev->on = 1;
    if (!append) {
        if ((st = mn__h5_table_create(ctx, file, &ev->time, "/events/time", MN__H5_F64, 0, EVENT_BUFFER)) ||
            (st = mn__h5_table_create(ctx, file, &ev->edge, "/events/edge", MN__H5_I32, 0, EVENT_BUFFER)) ||
            (st = mn__h5_table_create(ctx, file, &ev->kind, "/events/kind", MN__H5_I8, 0, EVENT_BUFFER)))
            return st;
        hid_t d = ev->kind.dset;
        return mn__h5_attr_string(ctx, d, "values", "0 form (conductance jumped up), 1 break (jumped "
                                  "down), 2 other (an event function fired, no jump)");
    }
    if ((st = mn__h5_table_open(ctx, file, &ev->time, "/events/time", MN__H5_F64, 0, EVENT_BUFFER)) ||
        (st = mn__h5_table_open(ctx, file, &ev->edge, "/events/edge", MN__H5_I32, 0, EVENT_BUFFER)) ||
        (st = mn__h5_table_open(ctx, file, &ev->kind, "/events/kind", MN__H5_I8, 0, EVENT_BUFFER)))
        return st;
    double *t = NULL;
    size_t n = 0;
    if ((st = mn__h5_table_read_all(ctx, &ev->time, &t, &n))) return st;
    hsize_t keep = count_upto(t, n, t_keep);
    mn__free(ctx, t);
    if ((st = mn__h5_table_truncate(ctx, &ev->time, keep)) || (st = mn__h5_table_truncate(ctx, &ev->edge, keep)) ||
        (st = mn__h5_table_truncate(ctx, &ev->kind, keep)))
        return st;
    return MN_OK;
}

mn_status mn__h5_events_add(mn_context *ctx, mn__h5_events *ev, double t, mn_index edge, int kind)
{
    mn_status st;
    /* the three tables fill together: write them together when one is full */
    if (ev->time.nbuf >= ev->time.cap - (size_t)(ev->time.rows % ev->time.cap) &&
        (st = mn__h5_events_write(ctx, ev)))
        return st;
    double *pt = mn__h5_table_row(ctx, &ev->time, &st);
    if (!pt) return st;
    *pt = t;
    int32_t *pe = mn__h5_table_row(ctx, &ev->edge, &st);
    if (!pe) return st;
    *pe = (int32_t)edge;
    int8_t *pk = mn__h5_table_row(ctx, &ev->kind, &st);
    if (!pk) return st;
    *pk = (int8_t)kind;
    return MN_OK;
}

mn_status mn__h5_events_write(mn_context *ctx, mn__h5_events *ev)
{
    mn_status st;
    if (!ev->on) return MN_OK;
    if ((st = mn__h5_table_write(ctx, &ev->time)) || (st = mn__h5_table_write(ctx, &ev->edge)) ||
        (st = mn__h5_table_write(ctx, &ev->kind)))
        return st;
    return MN_OK;
}

void mn__h5_events_close(mn_context *ctx, mn__h5_events *ev)
{
    if (!ev->on) return;
    mn__h5_table_close(ctx, &ev->time);
    mn__h5_table_close(ctx, &ev->edge);
    mn__h5_table_close(ctx, &ev->kind);
    ev->on = 0;
}
