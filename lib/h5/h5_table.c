/*
 * An extendable HDF5 dataset of rows appended through a buffer: creation with its chunking and
 * filters, reopening with a check of type and width, writing the buffered rows, truncation.
 * docs/file-formats.md ("HDF5 recording": chunks and compression).
 */
#include "h5/h5-private.h"

#include <string.h>

#define WIDE_MIN 512          /* values per row from which a dataset is compressed */
#define NARROW_CHUNK 1024     /* values per chunk of an uncompressed dataset, at least */
#define CHUNK_MAX_VALUES 131072 /* 1 MiB of doubles per compressed chunk, at most */

static size_t elem_size(mn__h5_type t) { return t == MN__H5_F64 ? 8 : t == MN__H5_I32 ? 4 : 1; }
static hid_t file_type(mn__h5_type t)
{
    return t == MN__H5_F64 ? H5T_IEEE_F64LE : t == MN__H5_I32 ? H5T_STD_I32LE : H5T_STD_I8LE;
}
static hid_t mem_type(mn__h5_type t)
{
    return t == MN__H5_F64 ? H5T_NATIVE_DOUBLE : t == MN__H5_I32 ? H5T_NATIVE_INT32 : H5T_NATIVE_INT8;
}

static mn_status alloc_buffer(mn_context *ctx, mn__h5_table *t, size_t cap)
{
    size_t w = t->width ? t->width : 1;
    t->cap = cap;
    t->nbuf = 0;
    t->buf = mn__malloc_or_err(ctx, cap * w, elem_size(t->type), t->path);
    return t->buf ? MN_OK : MN_ERR_NOMEM;
}

/* the parent group of a dataset path ("/edges/state" -> "/edges"), made if missing */
static mn_status make_parent(mn_context *ctx, hid_t file, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return MN_OK;
    char parent[256];
    size_t l = (size_t)(slash - path);
    if (l >= sizeof parent) return mn__error(ctx, MN_ERR_INVALID, "HDF5 path \"%s\" too long", path);
    memcpy(parent, path, l);
    parent[l] = 0;
    hid_t g = mn__h5_group(file, parent);
    if (g < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 group \"%s\": cannot create it", parent);
    H5Gclose(g);
    return MN_OK;
}

mn_status mn__h5_table_create(mn_context *ctx, hid_t file, mn__h5_table *t, const char *path,
                              mn__h5_type type, size_t width, size_t cap)
{
    memset(t, 0, sizeof *t);
    t->dset = -1;
    t->path = path;
    t->type = type;
    t->width = width;
    mn_status st = make_parent(ctx, file, path);
    if (st) return st;
    int rank = width ? 2 : 1;
    hsize_t dims[2] = { 0, width }, maxdims[2] = { H5S_UNLIMITED, width }, chunk[2];
    size_t w = width ? width : 1;
    int wide = w >= WIDE_MIN && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
    if (wide) {
        /* cap rows per chunk: every full buffer fills new chunks; columns split evenly so that
         * a chunk holds at most CHUNK_MAX_VALUES values */
        size_t cmax = CHUNK_MAX_VALUES / cap;
        if (cmax < 1) cmax = 1;
        size_t nc = (w + cmax - 1) / cmax;
        chunk[0] = cap;
        chunk[1] = (w + nc - 1) / nc;
    } else {
        size_t r = NARROW_CHUNK / w;
        chunk[0] = r > cap ? r : cap;
        chunk[1] = w;
    }
    hid_t sp = H5Screate_simple(rank, dims, maxdims), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (sp < 0 || dcpl < 0) {
        st = mn__h5_error(ctx, MN_ERR_NOMEM, "HDF5 dataset \"%s\": no dataspace", path);
        goto cleanup;
    }
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 ||
        (wide && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, 4) < 0))) {
        st = mn__h5_error(ctx, MN_ERR_INTERNAL, "HDF5 dataset \"%s\": cannot set its chunks and filters", path);
        goto cleanup;
    }
    t->dset = H5Dcreate2(file, path, file_type(type), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (t->dset < 0) {
        st = mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot create it", path);
        goto cleanup;
    }
    st = alloc_buffer(ctx, t, cap);
cleanup:
    if (sp >= 0) H5Sclose(sp);
    if (dcpl >= 0) H5Pclose(dcpl);
    return st;
}

mn_status mn__h5_table_open(mn_context *ctx, hid_t file, mn__h5_table *t, const char *path,
                            mn__h5_type type, size_t width, size_t cap)
{
    memset(t, 0, sizeof *t);
    t->dset = -1;
    t->path = path;
    t->type = type;
    t->width = width;
    if (H5Lexists(file, path, H5P_DEFAULT) <= 0)
        return mn__error(ctx, MN_ERR_INVALID, "HDF5 append: the file has no dataset \"%s\" (it was "
                         "recorded with other settings)", path);
    t->dset = H5Dopen2(file, path, H5P_DEFAULT);
    if (t->dset < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot open it", path);
    hid_t sp = H5Dget_space(t->dset), ft = H5Dget_type(t->dset);
    hsize_t dims[2] = { 0, 0 };
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    if (rank >= 1 && rank <= 2) H5Sget_simple_extent_dims(sp, dims, NULL);
    int same_type = ft >= 0 && H5Tequal(ft, file_type(type)) > 0;
    if (sp >= 0) H5Sclose(sp);
    if (ft >= 0) H5Tclose(ft);
    if (rank != (width ? 2 : 1) || (width && dims[1] != width) || !same_type)
        return mn__error(ctx, MN_ERR_INVALID, "HDF5 append: dataset \"%s\" has %s %llu column(s), "
                         "this recording writes %zu (another network or other settings)", path,
                         same_type ? "" : "another type or", rank == 2 ? (unsigned long long)dims[1] : 0ull,
                         width);
    t->rows = dims[0];
    return alloc_buffer(ctx, t, cap);
}

void *mn__h5_table_row(mn_context *ctx, mn__h5_table *t, mn_status *st)
{
    *st = MN_OK;
    /* full at the end of a chunk's rows: writes stay aligned to the chunks */
    if (t->nbuf >= t->cap - (size_t)(t->rows % t->cap) && (*st = mn__h5_table_write(ctx, t))) return NULL;
    size_t w = t->width ? t->width : 1;
    return (char *)t->buf + t->nbuf++ * w * elem_size(t->type);
}

mn_status mn__h5_table_write(mn_context *ctx, mn__h5_table *t)
{
    if (!t->nbuf || t->dset < 0) return MN_OK;
    int rank = t->width ? 2 : 1;
    hsize_t ext[2] = { t->rows + t->nbuf, t->width }, start[2] = { t->rows, 0 },
            count[2] = { t->nbuf, t->width };
    if (H5Dset_extent(t->dset, ext) < 0)
        return mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot extend it to %llu rows",
                            t->path, (unsigned long long)ext[0]);
    hid_t fs = H5Dget_space(t->dset), ms = H5Screate_simple(rank, count, NULL);
    mn_status st = MN_OK;
    if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dwrite(t->dset, mem_type(t->type), ms, fs, H5P_DEFAULT, t->buf) < 0)
        st = mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": write of %zu rows failed", t->path, t->nbuf);
    if (fs >= 0) H5Sclose(fs);
    if (ms >= 0) H5Sclose(ms);
    if (!st) {
        t->rows += t->nbuf;
        t->nbuf = 0;
    }
    return st;
}

mn_status mn__h5_table_truncate(mn_context *ctx, mn__h5_table *t, hsize_t rows)
{
    if (rows >= t->rows) return MN_OK;
    hsize_t ext[2] = { rows, t->width };
    if (H5Dset_extent(t->dset, ext) < 0)
        return mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot truncate it to %llu rows",
                            t->path, (unsigned long long)rows);
    t->rows = rows;
    return MN_OK;
}

mn_status mn__h5_table_read_all(mn_context *ctx, mn__h5_table *t, double **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (t->type != MN__H5_F64 || t->width) return mn__error(ctx, MN_ERR_INTERNAL, "read_all: not 1-D f64");
    if (!t->rows) return MN_OK;
    double *v = mn__malloc_or_err(ctx, (size_t)t->rows, sizeof *v, t->path);
    if (!v) return MN_ERR_NOMEM;
    hsize_t cnt[1] = { t->rows }, start[1] = { 0 };
    hid_t fs = H5Dget_space(t->dset), ms = H5Screate_simple(1, cnt, NULL);
    mn_status st = MN_OK;
    if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL) < 0 ||
        H5Dread(t->dset, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, v) < 0)
        st = mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot read it", t->path);
    if (fs >= 0) H5Sclose(fs);
    if (ms >= 0) H5Sclose(ms);
    if (st) {
        mn__free(ctx, v);
        return st;
    }
    *out = v;
    *n = (size_t)t->rows;
    return MN_OK;
}

void mn__h5_table_close(mn_context *ctx, mn__h5_table *t)
{
    if (t->dset >= 0) H5Dclose(t->dset);
    t->dset = -1;
    mn__free(ctx, t->buf);
    t->buf = NULL;
    t->nbuf = 0;
}

mn_status mn__h5_write_array(mn_context *ctx, hid_t file, const char *path, mn__h5_type type,
                             const void *data, size_t n)
{
    mn_status st = make_parent(ctx, file, path);
    if (st) return st;
    hsize_t dims[1] = { n };
    hid_t sp = H5Screate_simple(1, dims, NULL);
    if (sp < 0) return mn__h5_error(ctx, MN_ERR_NOMEM, "HDF5 dataset \"%s\": no dataspace", path);
    hid_t d = H5Dcreate2(file, path, file_type(type), sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(sp);
    if (d < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": cannot create it", path);
    herr_t w = n ? H5Dwrite(d, mem_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
    herr_t c = H5Dclose(d);
    if (w < 0 || c < 0) return mn__h5_error(ctx, MN_ERR_IO, "HDF5 dataset \"%s\": write failed", path);
    return MN_OK;
}
