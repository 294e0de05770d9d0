/*
 * The HDF5 file of a recorder: creating and opening it with the settings that keep it valid
 * when the process is killed, HDF5's error stack turned into memnet messages, the lock around
 * memnet's HDF5 calls, attributes of the root group. docs/file-formats.md ("HDF5 recording").
 */
#include "h5/h5-private.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* HDF5 is one process-wide library (Debian builds it without thread safety): memnet's calls
 * into it are serialised here. Recursive, since public calls nest (close -> flush). */
static pthread_mutex_t h5_lock;
static pthread_once_t h5_lock_once = PTHREAD_ONCE_INIT;

static void h5_lock_init(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&h5_lock, &a);
    pthread_mutexattr_destroy(&a);
}

void mn__h5_enter(mn__h5_guard *g)
{
    pthread_once(&h5_lock_once, h5_lock_init);
    pthread_mutex_lock(&h5_lock);
    /* no printing: HDF5's automatic error report is off while memnet calls it */
    g->func = NULL;
    g->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &g->func, &g->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5Eclear2(H5E_DEFAULT);
}

void mn__h5_leave(mn__h5_guard *g)
{
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, g->func, g->data);
    pthread_mutex_unlock(&h5_lock);
}

/* the innermost entry of HDF5's error stack: the most specific reason ("unable to open file:
 * name = 'x', errno = 2, error message = 'No such file or directory', ...") */
typedef struct walk_data {
    char text[256];
    int have;
} walk_data;

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *user)
{
    walk_data *w = user;
    if (!w->have && e->desc && e->desc[0]) {
        snprintf(w->text, sizeof w->text, "%s", e->desc);
        w->have = 1;
    }
    return 0;
}

mn_status mn__h5_error(mn_context *ctx, mn_status status, const char *fmt, ...)
{
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    walk_data w;
    memset(&w, 0, sizeof w);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &w);
    H5Eclear2(H5E_DEFAULT);
    if (w.have) return mn__error(ctx, status, "%s (HDF5: %s)", what, w.text);
    return mn__error(ctx, status, "%s", what);
}

hid_t mn__h5_file_open(mn_context *ctx, const char *path, int create)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = -1, f = -1;
    if (fapl < 0) {
        mn__h5_error(ctx, MN_ERR_NOMEM, "HDF5 file \"%s\": cannot make its access properties", path);
        return -1;
    }
    /* The metadata cache keeps every entry until a flush (no evictions, fixed size): between
     * two flushes no metadata reaches the file, so the file on disk is the flushed state plus
     * raw data nothing references yet. The metadata of a recording is small (dataset headers
     * and chunk indexes). */
    H5AC_cache_config_t mdc;
    memset(&mdc, 0, sizeof mdc);
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl, &mdc) >= 0) {
        mdc.evictions_enabled = 0;
        mdc.incr_mode = H5C_incr__off;
        mdc.flash_incr_mode = H5C_flash_incr__off;
        mdc.decr_mode = H5C_decr__off;
        if (H5Pset_mdc_config(fapl, &mdc) < 0) {
            mn__h5_error(ctx, MN_ERR_INTERNAL, "HDF5 file \"%s\": cannot configure the metadata cache", path);
            H5Pclose(fapl);
            return -1;
        }
    }
    if (create) {
        /* No free-space reuse: space a flushed chunk or index node occupies is never handed
         * to new data before the next flush (a rewritten compressed chunk moves; its old
         * place stays as it was). The default (earliest) format bounds: a superblock without
         * the "open for writing" flag that a killed writer would leave behind. */
        fcpl = H5Pcreate(H5P_FILE_CREATE);
        if (fcpl < 0 || H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 0) < 0) {
            mn__h5_error(ctx, MN_ERR_INTERNAL, "HDF5 file \"%s\": cannot set its file-space strategy", path);
            if (fcpl >= 0) H5Pclose(fcpl);
            H5Pclose(fapl);
            return -1;
        }
        f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
        /* the message first: any later HDF5 call clears the error stack */
        if (f < 0) mn__h5_error(ctx, MN_ERR_IO, "HDF5 file \"%s\": cannot create it", path);
        H5Pclose(fcpl);
    } else {
        f = H5Fopen(path, H5F_ACC_RDWR, fapl);
        if (f < 0) mn__h5_error(ctx, MN_ERR_IO, "HDF5 file \"%s\": cannot open it for appending", path);
    }
    H5Pclose(fapl);
    return f;
}

static mn_status attr_write(mn_context *ctx, hid_t obj, const char *key, hid_t ftype, hid_t mtype,
                            const void *value)
{
    if (H5Aexists(obj, key) > 0 && H5Adelete(obj, key) < 0)
        return mn__h5_error(ctx, MN_ERR_IO, "HDF5 attribute \"%s\": cannot replace it", key);
    hid_t sp = H5Screate(H5S_SCALAR);
    if (sp < 0) return mn__h5_error(ctx, MN_ERR_NOMEM, "HDF5 attribute \"%s\": no dataspace", key);
    hid_t a = H5Acreate2(obj, key, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(sp);
    if (a < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 attribute \"%s\": cannot create it", key);
    herr_t w = H5Awrite(a, mtype, value);
    herr_t c = H5Aclose(a);
    if (w < 0 || c < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 attribute \"%s\": cannot write it", key);
    return MN_OK;
}

mn_status mn__h5_attr_string(mn_context *ctx, hid_t obj, const char *key, const char *value)
{
    /* variable-length UTF-8: h5py reads it as str */
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return mn__h5_error(ctx, MN_ERR_NOMEM, "HDF5 attribute \"%s\": no string type", key);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    const char *v = value ? value : "";
    mn_status st = attr_write(ctx, obj, key, t, t, &v);
    H5Tclose(t);
    return st;
}

mn_status mn__h5_attr_double(mn_context *ctx, hid_t obj, const char *key, double value)
{
    return attr_write(ctx, obj, key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

mn_status mn__h5_attr_int(mn_context *ctx, hid_t obj, const char *key, int64_t value)
{
    return attr_write(ctx, obj, key, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

mn_status mn__h5_attr_read_string(hid_t obj, const char *key, char *buf, size_t size)
{
    if (size) buf[0] = 0;
    if (H5Aexists(obj, key) <= 0) return MN_ERR_NOT_FOUND;
    hid_t a = H5Aopen(obj, key, H5P_DEFAULT);
    if (a < 0) return MN_ERR_NOT_FOUND;
    hid_t ft = H5Aget_type(a);
    mn_status st = MN_ERR_NOT_FOUND;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char *v = NULL;
        if (H5Aread(a, mt, &v) >= 0 && v) {
            snprintf(buf, size, "%s", v);
            H5free_memory(v);
            st = MN_OK;
        }
        H5Tclose(mt);
    }
    if (ft >= 0) H5Tclose(ft);
    H5Aclose(a);
    return st;
}

hid_t mn__h5_group(hid_t file, const char *path)
{
    if (H5Lexists(file, path, H5P_DEFAULT) > 0) return H5Gopen2(file, path, H5P_DEFAULT);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl < 0) return -1;
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(file, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    return g;
}
