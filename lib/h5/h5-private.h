/*
 * The HDF5 recorder (include/memnet/h5.h), shared by the files of lib/h5 only:
 *   h5_api.c        libhdf5 loaded at run time: the table of its functions and globals
 *   h5_file.c       the file: create/open with crash-safe settings, HDF5's error stack turned
 *                   into memnet messages, the lock around HDF5, root attributes (provenance)
 *   h5_table.c      an extendable dataset of rows (doubles or integers): create, reopen and
 *                   check, buffer rows, write and extend, truncate
 *   h5_events.c     /events: the event log
 *   h5_snapshots.c  /snapshots: full snapshots at the simulation's snapshot times
 *   h5_recorder.c   the public API, the layout of the samples, the simulation observer
 * Not installed; not part of the ABI.
 */
#ifndef MEMNET_H5_PRIVATE_H
#define MEMNET_H5_PRIVATE_H

#include <memnet/h5.h>
#include "core/core-private.h"

#include <hdf5.h>

/* ------------------------------------------------------------------ h5_api.c */

/* libhdf5 is loaded at the first recorder (dlopen), not linked: linking it would load it and
 * its 30-odd dependencies (libcurl, TLS, Kerberos, ...) into every program and Python session
 * that uses libmemnet, about 8 ms per process start. Every HDF5 function and global that
 * lib/h5 uses is reached through the table mn__h5; the macros below send the usual names
 * there, so the code reads as plain HDF5. */
#define MN__H5_FUNCS(X) \
    X(H5Aclose) X(H5Acreate2) X(H5Adelete) X(H5Aexists) X(H5Aget_type) X(H5Aopen) X(H5Aread) \
    X(H5Awrite) X(H5Dclose) X(H5Dcreate2) X(H5Dget_space) X(H5Dget_type) X(H5Dopen2) \
    X(H5Dread) X(H5Dset_extent) X(H5Dwrite) X(H5Eclear2) X(H5Eget_auto2) X(H5Eset_auto2) \
    X(H5Ewalk2) X(H5Fclose) X(H5Fcreate) X(H5Fflush) X(H5Fopen) X(H5Gclose) X(H5Gcreate2) \
    X(H5Gopen2) X(H5Lexists) X(H5Pclose) X(H5Pcreate) X(H5Pget_mdc_config) X(H5Pset_chunk) \
    X(H5Pset_create_intermediate_group) X(H5Pset_deflate) X(H5Pset_file_space_strategy) \
    X(H5Pset_mdc_config) X(H5Pset_shuffle) X(H5Sclose) X(H5Screate) X(H5Screate_simple) \
    X(H5Sget_simple_extent_dims) X(H5Sget_simple_extent_ndims) X(H5Sselect_hyperslab) \
    X(H5Tclose) X(H5Tcopy) X(H5Tequal) X(H5Tget_class) X(H5Tget_cset) X(H5Tis_variable_str) \
    X(H5Tset_cset) X(H5Tset_size) X(H5Zfilter_avail) X(H5free_memory) X(H5open) \
    X(H5get_libversion)
#define MN__H5_VARS(X) \
    X(H5T_IEEE_F64LE_g) X(H5T_STD_I32LE_g) X(H5T_STD_I8LE_g) X(H5T_STD_I64LE_g) \
    X(H5T_NATIVE_DOUBLE_g) X(H5T_NATIVE_INT32_g) X(H5T_NATIVE_INT8_g) X(H5T_NATIVE_INT64_g) \
    X(H5T_C_S1_g) X(H5P_CLS_FILE_ACCESS_ID_g) X(H5P_CLS_FILE_CREATE_ID_g) \
    X(H5P_CLS_DATASET_CREATE_ID_g) X(H5P_CLS_LINK_CREATE_ID_g)

typedef struct mn__h5_api {
#define X(f) __typeof__(&f) f;
    MN__H5_FUNCS(X)
    MN__H5_VARS(X)
#undef X
} mn__h5_api;
extern mn__h5_api mn__h5;

/* Load libhdf5 once (thread-safe); MN_OK, or MN_ERR_UNSUPPORTED with a message naming the
 * library and the reason. */
mn_status mn__h5_load(mn_context *ctx);

#ifndef MN__H5_API_IMPL
/* the flags' version check (H5CHECK) would call libhdf5 by name: the loader checks the
 * version once instead (major.minor, h5_api.c) */
#undef H5check
#define H5check() ((void)0)
#define H5Aclose (*mn__h5.H5Aclose)
#define H5Acreate2 (*mn__h5.H5Acreate2)
#define H5Adelete (*mn__h5.H5Adelete)
#define H5Aexists (*mn__h5.H5Aexists)
#define H5Aget_type (*mn__h5.H5Aget_type)
#define H5Aopen (*mn__h5.H5Aopen)
#define H5Aread (*mn__h5.H5Aread)
#define H5Awrite (*mn__h5.H5Awrite)
#define H5Dclose (*mn__h5.H5Dclose)
#define H5Dcreate2 (*mn__h5.H5Dcreate2)
#define H5Dget_space (*mn__h5.H5Dget_space)
#define H5Dget_type (*mn__h5.H5Dget_type)
#define H5Dopen2 (*mn__h5.H5Dopen2)
#define H5Dread (*mn__h5.H5Dread)
#define H5Dset_extent (*mn__h5.H5Dset_extent)
#define H5Dwrite (*mn__h5.H5Dwrite)
#define H5Eclear2 (*mn__h5.H5Eclear2)
#define H5Eget_auto2 (*mn__h5.H5Eget_auto2)
#define H5Eset_auto2 (*mn__h5.H5Eset_auto2)
#define H5Ewalk2 (*mn__h5.H5Ewalk2)
#define H5Fclose (*mn__h5.H5Fclose)
#define H5Fcreate (*mn__h5.H5Fcreate)
#define H5Fflush (*mn__h5.H5Fflush)
#define H5Fopen (*mn__h5.H5Fopen)
#define H5Gclose (*mn__h5.H5Gclose)
#define H5Gcreate2 (*mn__h5.H5Gcreate2)
#define H5Gopen2 (*mn__h5.H5Gopen2)
#define H5Lexists (*mn__h5.H5Lexists)
#define H5Pclose (*mn__h5.H5Pclose)
#define H5Pcreate (*mn__h5.H5Pcreate)
#define H5Pget_mdc_config (*mn__h5.H5Pget_mdc_config)
#define H5Pset_chunk (*mn__h5.H5Pset_chunk)
#define H5Pset_create_intermediate_group (*mn__h5.H5Pset_create_intermediate_group)
#define H5Pset_deflate (*mn__h5.H5Pset_deflate)
#define H5Pset_file_space_strategy (*mn__h5.H5Pset_file_space_strategy)
#define H5Pset_mdc_config (*mn__h5.H5Pset_mdc_config)
#define H5Pset_shuffle (*mn__h5.H5Pset_shuffle)
#define H5Sclose (*mn__h5.H5Sclose)
#define H5Screate (*mn__h5.H5Screate)
#define H5Screate_simple (*mn__h5.H5Screate_simple)
#define H5Sget_simple_extent_dims (*mn__h5.H5Sget_simple_extent_dims)
#define H5Sget_simple_extent_ndims (*mn__h5.H5Sget_simple_extent_ndims)
#define H5Sselect_hyperslab (*mn__h5.H5Sselect_hyperslab)
#define H5Tclose (*mn__h5.H5Tclose)
#define H5Tcopy (*mn__h5.H5Tcopy)
#define H5Tequal (*mn__h5.H5Tequal)
#define H5Tget_class (*mn__h5.H5Tget_class)
#define H5Tget_cset (*mn__h5.H5Tget_cset)
#define H5Tis_variable_str (*mn__h5.H5Tis_variable_str)
#define H5Tset_cset (*mn__h5.H5Tset_cset)
#define H5Tset_size (*mn__h5.H5Tset_size)
#define H5Zfilter_avail (*mn__h5.H5Zfilter_avail)
#define H5free_memory (*mn__h5.H5free_memory)
#define H5open (*mn__h5.H5open)
#define H5get_libversion (*mn__h5.H5get_libversion)
#define H5T_IEEE_F64LE_g (*mn__h5.H5T_IEEE_F64LE_g)
#define H5T_STD_I32LE_g (*mn__h5.H5T_STD_I32LE_g)
#define H5T_STD_I8LE_g (*mn__h5.H5T_STD_I8LE_g)
#define H5T_STD_I64LE_g (*mn__h5.H5T_STD_I64LE_g)
#define H5T_NATIVE_DOUBLE_g (*mn__h5.H5T_NATIVE_DOUBLE_g)
#define H5T_NATIVE_INT32_g (*mn__h5.H5T_NATIVE_INT32_g)
#define H5T_NATIVE_INT8_g (*mn__h5.H5T_NATIVE_INT8_g)
#define H5T_NATIVE_INT64_g (*mn__h5.H5T_NATIVE_INT64_g)
#define H5T_C_S1_g (*mn__h5.H5T_C_S1_g)
#define H5P_CLS_FILE_ACCESS_ID_g (*mn__h5.H5P_CLS_FILE_ACCESS_ID_g)
#define H5P_CLS_FILE_CREATE_ID_g (*mn__h5.H5P_CLS_FILE_CREATE_ID_g)
#define H5P_CLS_DATASET_CREATE_ID_g (*mn__h5.H5P_CLS_DATASET_CREATE_ID_g)
#define H5P_CLS_LINK_CREATE_ID_g (*mn__h5.H5P_CLS_LINK_CREATE_ID_g)
#endif

/* ------------------------------------------------------------------ h5_file.c */

/* One lock around every HDF5 call of memnet (HDF5 is process-wide and Debian's build is not
 * thread-safe); begin also silences HDF5's automatic error printing for the calling thread
 * (restored by end): the library never prints. */
typedef struct mn__h5_guard {
    H5E_auto2_t func;
    void *data;
} mn__h5_guard;
void mn__h5_enter(mn__h5_guard *g);
void mn__h5_leave(mn__h5_guard *g);

/* Record `status` with "<what>: <HDF5's innermost reason>" in ctx and return it. */
mn_status mn__h5_error(mn_context *ctx, mn_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Create (truncate) or open read-write a file with the crash-safe settings (docs/file-formats.md):
 * the earliest file format (no "open for writing" flag a killed writer would leave), no
 * free-space reuse, a metadata cache that does not evict. Returns the file id or -1 (error in
 * ctx). */
hid_t mn__h5_file_open(mn_context *ctx, const char *path, int create);

/* Attributes of an object (the root group "/"): replaced when present. Return MN_OK or MN_ERR_IO. */
mn_status mn__h5_attr_string(mn_context *ctx, hid_t obj, const char *key, const char *value);
mn_status mn__h5_attr_double(mn_context *ctx, hid_t obj, const char *key, double value);
mn_status mn__h5_attr_int(mn_context *ctx, hid_t obj, const char *key, int64_t value);
/* Read a string attribute into buf (truncated to size); MN_ERR_NOT_FOUND if absent. */
mn_status mn__h5_attr_read_string(hid_t obj, const char *key, char *buf, size_t size);
/* Make the group (and its parents) if missing; returns the group id or -1. */
hid_t mn__h5_group(hid_t file, const char *path);

/* ------------------------------------------------------------------ h5_table.c */

typedef enum mn__h5_type { MN__H5_F64 = 0, MN__H5_I32 = 1, MN__H5_I8 = 2 } mn__h5_type;

/* An extendable dataset of rows: 1-D (width 0) or rows x width, appended row by row through a
 * buffer of `cap` rows. Wide rows (>= 512 values) are deflate+shuffle compressed in chunks of
 * `cap` rows, so each write fills new chunks (a flushed chunk is never rewritten); narrow ones
 * are stored uncompressed in chunks of at least 1024 rows, rewritten in place. */
typedef struct mn__h5_table {
    const char *path;   /* dataset path in the file ("/edges/state"), static string or owned */
    hid_t dset;         /* -1: not open */
    mn__h5_type type;
    size_t width;       /* values per row, 0: 1-D */
    size_t cap;         /* rows the buffer holds */
    void *buf;          /* cap x max(width, 1) elements */
    size_t nbuf;        /* rows buffered */
    hsize_t rows;       /* rows in the file */
} mn__h5_table;

/* Create the dataset (parents made) with `cap` rows of buffer; MN_OK or an error in ctx. */
mn_status mn__h5_table_create(mn_context *ctx, hid_t file, mn__h5_table *t, const char *path,
                              mn__h5_type type, size_t width, size_t cap);
/* Open an existing dataset and check its type and width (MN_ERR_INVALID naming it otherwise). */
mn_status mn__h5_table_open(mn_context *ctx, hid_t file, mn__h5_table *t, const char *path,
                            mn__h5_type type, size_t width, size_t cap);
/* The next row's slot in the buffer (writes the buffer first when full); NULL on error. */
void *mn__h5_table_row(mn_context *ctx, mn__h5_table *t, mn_status *st);
/* Write the buffered rows (extend the dataset, write the hyperslab). */
mn_status mn__h5_table_write(mn_context *ctx, mn__h5_table *t);
/* Keep the first `rows` rows in the file (the buffer must be empty). */
mn_status mn__h5_table_truncate(mn_context *ctx, mn__h5_table *t, hsize_t rows);
/* Read the whole 1-D f64 dataset (malloc'ed through ctx, *n values). */
mn_status mn__h5_table_read_all(mn_context *ctx, mn__h5_table *t, double **out, size_t *n);
/* Close the dataset and free the buffer (the buffered rows are dropped). */
void mn__h5_table_close(mn_context *ctx, mn__h5_table *t);
/* A static 1-D dataset written at once (network description). */
mn_status mn__h5_write_array(mn_context *ctx, hid_t file, const char *path, mn__h5_type type,
                             const void *data, size_t n);

/* ------------------------------------------------------------------ h5_events.c */

typedef struct mn__h5_events {
    mn__h5_table time, edge, kind;
    int on;
} mn__h5_events;
mn_status mn__h5_events_setup(mn_context *ctx, hid_t file, mn__h5_events *ev, int append,
                              double t_keep);
mn_status mn__h5_events_add(mn_context *ctx, mn__h5_events *ev, double t, mn_index edge, int kind);
mn_status mn__h5_events_write(mn_context *ctx, mn__h5_events *ev);
void mn__h5_events_close(mn_context *ctx, mn__h5_events *ev);

/* ------------------------------------------------------------------ h5_snapshots.c */

typedef struct mn__h5_snapshots {
    mn__h5_table time, state, conductance, voltage, current, potential;
    int on;
} mn__h5_snapshots;
mn_status mn__h5_snapshots_setup(mn_context *ctx, hid_t file, mn__h5_snapshots *sn,
                                 const mn_sim *sim, int append, double t_keep);
mn_status mn__h5_snapshots_add(mn_context *ctx, mn__h5_snapshots *sn, const mn_sim *sim);
void mn__h5_snapshots_close(mn_context *ctx, mn__h5_snapshots *sn);

#endif
