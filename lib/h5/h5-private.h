/*
 * The HDF5 recorder (include/memnet/h5.h), shared by the files of lib/h5 only:
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
