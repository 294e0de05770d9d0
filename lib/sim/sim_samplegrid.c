/*
 * The sample grid t_first + k dt of mn_sim_set_sample_interval, shared with the distributed
 * simulation (lib/mpi/sim-record.c): the checks of t_first and dt and the index of the first
 * sample at or after the present time.
 */
#include "sim/sim-private.h"

#include <math.h>

mn_status mn__sample_grid_start(mn_context *ctx, double t, double t_first, double dt,
                                uint64_t *k)
{
    if (!isfinite(t_first))
        return mn__error(ctx, MN_ERR_RANGE, "sample start %g must be finite", t_first);
    if (!(dt > 0) || !isfinite(dt))
        return mn__error(ctx, MN_ERR_RANGE, "sample interval %g must be > 0", dt);
    /* the next sample index at the present time, computed (a loop adding dt to a time where dt
     * is below its resolution would not end) */
    double kf = t > t_first ? ceil((t - t_first) / dt) : 0;
    if (!(kf < 0x1p53))
        return mn__error(ctx, MN_ERR_RANGE, "sample interval %g: the present time %g is more "
                         "than 2^53 intervals after the first sample at %g", dt, t, t_first);
    uint64_t kk = (uint64_t)kf;
    /* the first sample not before the present time (samples at exactly the present time are
     * still due when nothing ran yet; after a restore they belong to the saving run) */
    while (kk > 0 && t_first + (double)(kk - 1) * dt >= t) kk--;
    while (t_first + (double)kk * dt < t) kk++;
    *k = kk;
    return MN_OK;
}
