/*
 * The HDF5 recorder's public calls in a libmemnet built without HDF5 (meson -Dhdf5=disabled, or
 * libhdf5 not found): every call fails with MN_ERR_UNSUPPORTED naming the missing feature, so
 * the exported symbols do not depend on the build options.
 */
#include <memnet/h5.h>
#include "core/core-private.h"
#include "sim/sim-private.h"

#include <math.h>

#define MISSING "this libmemnet was built without HDF5 (install libhdf5-dev and rebuild with " \
                "meson -Dhdf5=enabled); write CSV instead"

int mn_h5_available(void) { return 0; }

mn_status mn_h5_recorder_open(mn_h5_recorder **out, mn_sim *sim, const char *path, uint32_t what,
                              mn_h5_mode mode)
{
    if (out) *out = NULL;
    if (!out || !sim) return MN_ERR_INVALID;
    return mn__error(mn__sim_context(sim), MN_ERR_UNSUPPORTED, "HDF5 recorder \"%s\": %s",
                     path ? path : "(null)", MISSING);
}

mn_status mn_h5_recorder_set_edges(mn_h5_recorder *rec, const mn_index *edges, size_t n)
{
    return MN_ERR_UNSUPPORTED;
}

mn_status mn_h5_recorder_set_flush_interval(mn_h5_recorder *rec, int64_t samples)
{
    return MN_ERR_UNSUPPORTED;
}

mn_status mn_h5_recorder_set_attribute(mn_h5_recorder *rec, const char *key, const char *value)
{
    return MN_ERR_UNSUPPORTED;
}

mn_status mn_h5_recorder_add_series(mn_h5_recorder *rec, const char *name, size_t ncols,
                                    const char *columns, mn_h5_series_fn fn, void *user_data)
{
    return MN_ERR_UNSUPPORTED;
}

mn_status mn_h5_recorder_flush(mn_h5_recorder *rec) { return MN_ERR_UNSUPPORTED; }
int64_t mn_h5_recorder_sample_count(const mn_h5_recorder *rec) { return 0; }
double mn_h5_recorder_last_time(const mn_h5_recorder *rec) { return NAN; }
mn_status mn_h5_recorder_close(mn_h5_recorder *rec) { return MN_OK; }
