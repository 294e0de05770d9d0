/**
 * @file h5.h
 * @brief HDF5 recorder: a simulation's samples, per-edge states and currents, node potentials,
 *        events and snapshots written as chunked, compressed, extendable HDF5 datasets, with
 *        the provenance as attributes. See docs/file-formats.md ("HDF5 recording").
 *
 * HDF5 is an optional build dependency (meson option `hdf5`, Debian libhdf5-dev). The functions
 * below exist in every build of libmemnet; without HDF5 they return #MN_ERR_UNSUPPORTED with a
 * message naming the missing feature, and mn_h5_available() returns 0.
 *
 * A recorder is attached to one simulation: every sample of the simulation (its sample times,
 * mn_sim_set_sample_interval() / mn_sim_set_sample_times()) appends one row to each recorded
 * series, every event one entry to /events, every snapshot (mn_sim_set_snapshots(), with or
 * without a file prefix) one row to each /snapshots dataset. Rows are buffered and written, with
 * the file flushed (H5Fflush), every `flush interval` samples (mn_h5_recorder_set_flush_interval(),
 * default 16), at mn_h5_recorder_flush() and at mn_h5_recorder_close().
 *
 * What survives a crash: the file is a valid HDF5 file holding every sample, event and snapshot
 * up to the last flush at every moment except during the flush itself. Between two flushes
 * the library writes only new raw data (complete new chunks, or the unused part of an
 * uncompressed chunk), never metadata (the metadata cache does not evict) nor space referenced
 * by the flushed state (no free-space reuse). A process killed with SIGKILL therefore loses at
 * most the samples since the last flush (flush interval - 1 samples); a power failure can lose
 * more (the flush does not fsync). Close the recorder on SIGINT/SIGTERM (memnet simulate
 * does): it writes every sample.
 *
 * Threads: a recorder is used by one thread at a time, like its simulation. HDF5 is one
 * process-wide library that Debian builds without thread safety: memnet serialises its own
 * HDF5 calls (one lock for all recorders), but a program that calls HDF5 itself (or h5py) in
 * another thread while a recorder writes must serialise those calls too.
 */
#ifndef MEMNET_H5_H
#define MEMNET_H5_H

#include <memnet/sim.h>

MN_BEGIN_DECLS

/** @brief An HDF5 recorder attached to a simulation. Opaque. */
typedef struct mn_h5_recorder mn_h5_recorder;

/**
 * @brief What a recorder writes: a bit set of these values (mn_h5_recorder_open()). The time
 *        /time is always written. T = samples, m = recorded edges, n = nodes.
 */
typedef enum mn_h5_record {
    MN_H5_ELECTRODES = 1 << 0,   /**< /electrodes/V, /electrodes/I (T x electrodes), /G_eff (T,
                                      two electrodes), /source/J, /source/V (T, current source) */
    MN_H5_MEANS = 1 << 1,        /**< /mean_state (T x states of every model: the mean of each
                                      state over the edges of its model) */
    MN_H5_STATES = 1 << 2,       /**< /edges/state (T x states of the recorded edges) */
    MN_H5_CURRENTS = 1 << 3,     /**< /edges/current (T x m, A) */
    MN_H5_VOLTAGES = 1 << 4,     /**< /edges/voltage (T x m, V) */
    MN_H5_CONDUCTANCES = 1 << 5, /**< /edges/conductance (T x m, S) */
    MN_H5_POTENTIALS = 1 << 6,   /**< /nodes/potential (T x n, V) */
    MN_H5_EVENTS = 1 << 7,       /**< /events/time, /events/edge, /events/kind */
    MN_H5_SNAPSHOTS = 1 << 8,    /**< /snapshots/time, state, conductance, voltage, current,
                                      potential at the simulation's snapshot times */
    MN_H5_ENERGY = 1 << 9,       /**< /energy (T x 2: E_src, E_edges) when energy tracking is on */
    MN_H5_NETWORK = 1 << 10,     /**< /network/u, /network/v, /network/model, /network/state_offsets */
    /** The series of a few values per sample, events, snapshots and the network: small. */
    MN_H5_DEFAULT = (1 << 0) | (1 << 1) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10),
    /** Everything, per-edge and per-node arrays included (T x m doubles each: big). */
    MN_H5_ALL = (1 << 11) - 1
} mn_h5_record;

/** @brief How mn_h5_recorder_open() treats an existing file. */
typedef enum mn_h5_mode {
    MN_H5_CREATE = 0, /**< create the file, replacing an existing one */
    MN_H5_APPEND = 1  /**< continue a file this recorder layout wrote: for a run resumed from a
                           checkpoint (mn_sim_checkpoint_load()), the rows after the simulation's
                           present time are removed (they belong to the run that was stopped
                           after its checkpoint), then samples are appended */
} mn_h5_mode;

/** @brief 1 if this libmemnet was built with HDF5, else 0. */
MN_API int mn_h5_available(void);

/**
 * @brief Create (or continue) an HDF5 recording of `sim` in `path` and attach it: from now on
 *        the simulation's samples, events and snapshots are written there.
 *
 * The file gets the provenance as attributes of its root group: memnet_version, created (UTC,
 * ISO 8601), host, nodes, edges, states, electrodes, models, param.<model>.<name> (the values
 * at the model's first edge), integrator, newton (the Newton iteration: auto, blocks, krylov;
 * rewritten on #MN_H5_APPEND), rtol, atol, dt, max_step; add the caller's own with
 * mn_h5_recorder_set_attribute(). The datasets are created at the first sample, event or
 * snapshot (options set before that apply). docs/file-formats.md lists every dataset.
 * @param[out] out the recorder (close with mn_h5_recorder_close()); NULL on failure.
 * @param[in,out] sim the simulation (borrowed; it must not be freed while the recorder is open:
 *            if it is, the recorder stops recording and closing it writes what it has).
 *            One recorder per simulation.
 * @param[in] path the file name.
 * @param[in] what a bit set of #mn_h5_record values (0: #MN_H5_DEFAULT).
 * @param[in] mode #MN_H5_CREATE or #MN_H5_APPEND.
 * @return #MN_OK, #MN_ERR_UNSUPPORTED (built without HDF5), #MN_ERR_IO (cannot create or open
 *         the file: the message names it and the reason), #MN_ERR_INVALID (NULL argument, bad
 *         bits, mode; with #MN_H5_APPEND a file that is not a memnet recording or does not
 *         match the simulation and `what`: the message says which dataset), #MN_ERR_STATE
 *         (another recorder is attached), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_h5_recorder_open(mn_h5_recorder **out, mn_sim *sim, const char *path,
                                     uint32_t what, mn_h5_mode mode);

/**
 * @brief Which edges the per-edge datasets (/edges/...) cover (copied, any order, no repeats;
 *        default: every edge, in edge order). Written as /edges/index (and /edges/state_edge,
 *        the edge of each state column). Before the first sample, event or snapshot.
 * @return #MN_OK, #MN_ERR_RANGE (an edge not in the network, or repeated: named),
 *         #MN_ERR_STATE (recording has started), #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_h5_recorder_set_edges(mn_h5_recorder *rec, const mn_index *edges, size_t n);

/**
 * @brief Write the buffered rows and flush the file every `samples` samples (>= 1, default 16).
 *        The per-edge datasets are chunked by that many rows. Fewer samples per flush lose less
 *        on SIGKILL and cost a flush each; the buffer holds at most 32 MiB of rows (a wider
 *        recording flushes more often). Before the first sample, event or snapshot.
 * @return #MN_OK, #MN_ERR_RANGE (samples < 1), #MN_ERR_STATE (recording has started).
 */
MN_API mn_status mn_h5_recorder_set_flush_interval(mn_h5_recorder *rec, int64_t samples);

/**
 * @brief Add (or replace) a string attribute `key` of the file's root group, e.g. the command
 *        line or the network's provenance. Written at once.
 * @return #MN_OK, #MN_ERR_INVALID (NULL, empty key), #MN_ERR_IO.
 */
MN_API mn_status mn_h5_recorder_set_attribute(mn_h5_recorder *rec, const char *key,
                                              const char *value);

/**
 * @brief Fills `row` (`ncols` values) at a sample, with the simulation at the sample time.
 *        Return nonzero to stop the run (#MN_ERR_CANCELLED).
 */
typedef int (*mn_h5_series_fn)(const mn_sim *sim, double *row, void *user_data);

/**
 * @brief Record a series of the caller's: dataset /series/<name> (T x ncols), filled by `fn` at
 *        every sample, with the attribute `columns` (the comma-separated column names, may be
 *        NULL). Before the first sample, event or snapshot.
 * @param[in,out] rec the recorder.
 * @param[in] name the dataset name: letters, digits and '_' (1 to 63 characters), unique.
 * @param[in] ncols values per sample (>= 1).
 * @param[in] columns column names (copied), or NULL.
 * @param[in] fn the callback; `user_data` must stay valid while the recorder is open.
 * @return #MN_OK, #MN_ERR_INVALID (bad name or a name used twice, ncols 0, NULL fn),
 *         #MN_ERR_STATE (recording has started), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_h5_recorder_add_series(mn_h5_recorder *rec, const char *name, size_t ncols,
                                           const char *columns, mn_h5_series_fn fn,
                                           void *user_data);

/**
 * @brief Write the buffered rows and events and flush the file (H5Fflush): afterwards the file
 *        on disk holds every sample so far, even if the process is killed. Cost: one write of
 *        the buffered rows and of HDF5's metadata.
 * @return #MN_OK, #MN_ERR_IO (a write failed; the message has HDF5's reason).
 */
MN_API mn_status mn_h5_recorder_flush(mn_h5_recorder *rec);

/** @brief Samples in the file so far (written or buffered), appended ones included; 0 for NULL. */
MN_API int64_t mn_h5_recorder_sample_count(const mn_h5_recorder *rec);

/** @brief Time of the last sample (written or buffered), NaN if none. */
MN_API double mn_h5_recorder_last_time(const mn_h5_recorder *rec);

/**
 * @brief Write what is buffered, detach from the simulation, close the file and free the
 *        recorder. NULL does nothing (#MN_OK). The recorder is freed even when the final write
 *        fails.
 * @return #MN_OK, #MN_ERR_IO (the final write or close failed: the message names the file).
 */
MN_API mn_status mn_h5_recorder_close(mn_h5_recorder *rec);

MN_END_DECLS

#endif /* MEMNET_H5_H */
