/*
 * The event log shared by the serial (lib/sim/sim_events.c) and the distributed simulation
 * (lib/mpi/sim-events.c): a ring of the newest records, grown on demand, and the event CSV
 * ("t,edge,kind", C locale, every write checked). The callers keep their own record types;
 * these functions do the bookkeeping and the text.
 */
#include "sim/sim-private.h"

#include <errno.h>
#include <string.h>

mn_status mn__event_ring_reserve(mn_context *ctx, void **ring, size_t *cap, size_t size,
                                 size_t keep, uint64_t n, uint64_t first, size_t *pos)
{
    uint64_t idx = n - first;
    if (*cap < keep && idx >= *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        if (nc > keep) nc = keep;
        void *p = mn__realloc_array(ctx, *ring, nc, size);
        if (!p) return mn__error(ctx, MN_ERR_NOMEM, "event log: out of memory");
        *ring = p;
        *cap = nc;
    }
    *pos = (size_t)(idx % keep);
    return MN_OK;
}

mn_status mn__event_ring_find(mn_context *ctx, size_t keep, uint64_t n, uint64_t first, size_t i,
                              size_t *pos)
{
    if (i >= n || i < first || (n - first > keep && i < n - keep))
        return mn__error(ctx, MN_ERR_RANGE, "event %zu is not in the log (%llu events, %zu kept)",
                         i, (unsigned long long)n, keep);
    *pos = (size_t)((i - first) % keep);
    return MN_OK;
}

mn_status mn__event_csv_write(mn_context *ctx, FILE *f, double t, int64_t edge, int kind)
{
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "event CSV: cannot create the C locale");
    errno = 0;
    fprintf(f, "%.17g,%lld,%s\n", t, (long long)edge,
            kind == MN_SIM_EVENT_FORM ? "form" : kind == MN_SIM_EVENT_BREAK ? "break" : "other");
    mn__c_locale_end(&loc);
    if (ferror(f))
        return mn__error(ctx, MN_ERR_IO, "event CSV: write failed (%s)",
                         strerror(errno ? errno : EIO));
    return MN_OK;
}

mn_status mn__event_csv_close(mn_context *ctx, FILE **f)
{
    if (!*f) return MN_OK;
    /* closing reports a write error of the log (full disk), so nothing is lost silently */
    FILE *c = *f;
    int bad = ferror(c), err = bad ? EIO : 0;
    *f = NULL;
    if (fclose(c) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) return mn__error(ctx, MN_ERR_IO, "event CSV: write failed (%s)", strerror(err));
    return MN_OK;
}

mn_status mn__event_csv_open(mn_context *ctx, FILE **f, const char *path)
{
    *f = fopen(path, "w");
    if (!*f)
        return mn__error(ctx, MN_ERR_IO, "event CSV \"%s\": cannot open (%s)", path,
                         strerror(errno));
    if (fprintf(*f, "t,edge,kind\n") < 0)
        return mn__error(ctx, MN_ERR_IO, "event CSV \"%s\": write failed", path);
    return MN_OK;
}
