"""HDF5 recording of a simulation (h5.h): samples, per-edge arrays, events and snapshots
written by the library into an HDF5 file while the simulation runs. Reading the file needs
only h5py (docs/file-formats.md lists every dataset and attribute)."""

import ctypes

from . import _lib
from ._lib import c_int32_p, vp, vpp, sz, cint, cstr, dbl, i64, _iarr, _ip, _b

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (h5.h)
series_fn = ctypes.CFUNCTYPE(cint, vp, ctypes.POINTER(ctypes.c_double), vp)
_decl("mn_h5_available", cint)
_decl("mn_h5_recorder_open", cint, vpp, vp, cstr, ctypes.c_uint32, cint)
_decl("mn_h5_recorder_set_edges", cint, vp, c_int32_p, sz)
_decl("mn_h5_recorder_set_flush_interval", cint, vp, i64)
_decl("mn_h5_recorder_set_attribute", cint, vp, cstr, cstr)
_decl("mn_h5_recorder_add_series", cint, vp, cstr, sz, cstr, series_fn, vp)
_decl("mn_h5_recorder_flush", cint, vp)
_decl("mn_h5_recorder_sample_count", i64, vp)
_decl("mn_h5_recorder_last_time", dbl, vp)
_decl("mn_h5_recorder_close", cint, vp)

#: The mn_h5_record bits by name (``record=`` of H5Recorder and Simulation.run).
RECORD = {"electrodes": 1 << 0, "means": 1 << 1, "states": 1 << 2, "currents": 1 << 3,
          "voltages": 1 << 4, "conductances": 1 << 5, "potentials": 1 << 6, "events": 1 << 7,
          "snapshots": 1 << 8, "energy": 1 << 9, "network": 1 << 10}
_DEFAULT = (RECORD["electrodes"] | RECORD["means"] | RECORD["events"] | RECORD["snapshots"]
            | RECORD["energy"] | RECORD["network"])


def available():
    """Whether the loaded libmemnet was built with HDF5 (meson option ``hdf5``)."""
    return bool(_c.mn_h5_available()) if _lib.has("mn_h5_available") else False


def _bits(record):
    if record is None:
        return _DEFAULT
    if isinstance(record, str):
        record = [w for w in record.split(",") if w]
    bits = _DEFAULT
    for w in record:
        if w == "all":
            bits |= (1 << 11) - 1
        elif w in RECORD:
            bits |= RECORD[w]
        else:
            raise ValueError("memnet.H5Recorder: unknown record item %r (%s, all)"
                             % (w, ", ".join(RECORD)))
    return bits


class H5Recorder:
    """An HDF5 recording attached to a Simulation (mn_h5_recorder): from now on every sample
    of the simulation appends one row to /time, /electrodes/V, /electrodes/I, /G_eff,
    /mean_state, /energy and the per-edge and per-node datasets chosen by ``record``, every
    event one entry to /events, every snapshot one row to /snapshots. Usable as a context
    manager::

        with memnet.H5Recorder(sim, "run.h5", record="states,currents") as rec:
            sim.run(200, dt=1.0)
        # h5py.File("run.h5")["edges/state"]: samples x states

    Parameters: ``record``: names from RECORD (a list or a comma-separated string, or "all";
    the default set, the small datasets, is always included); ``append``: continue a file of a
    run resumed from a checkpoint (rows after the simulation's present time are removed);
    ``flush_every``: samples per write and flush (default 16; SIGKILL loses at most that many
    minus one); ``edges``: the edges of the per-edge datasets (default all); ``attributes``:
    a dict of strings stored as attributes of the file's root group.
    Raises FileError (an OSError) when the file cannot be created, InvalidError when an
    appended file does not match, and an Error with status MN_ERR_UNSUPPORTED when the library
    was built without HDF5. Close it (or leave the ``with`` block) to write the last rows.
    """

    def __init__(self, sim, path, record=None, append=False, flush_every=None, edges=None,
                 attributes=None):
        self._sim = sim
        self._ctx = sim._ctx
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_h5_recorder_open(ctypes.byref(p), sim._p, _b(str(path)),
                                               _bits(record), 1 if append else 0))
        self._p = p
        self.path = str(path)
        try:
            if flush_every is not None:
                self._ctx.check(_c.mn_h5_recorder_set_flush_interval(self._p, int(flush_every)))
            if edges is not None:
                a = _iarr(edges)
                self._ctx.check(_c.mn_h5_recorder_set_edges(self._p, _ip(a), a.size))
            for k, v in (attributes or {}).items():
                self.set_attribute(k, v)
        except Exception:
            self.close()
            raise

    def set_attribute(self, key, value):
        """Store the string ``value`` as attribute ``key`` of the file's root group."""
        self._ctx.check(_c.mn_h5_recorder_set_attribute(self._p, _b(str(key)), _b(str(value))))

    def flush(self):
        """Write the buffered rows and flush the file: afterwards the file holds every sample
        so far, even if the process is killed."""
        self._ctx.check(_c.mn_h5_recorder_flush(self._p))

    @property
    def sample_count(self):
        """Samples in the file so far (appended ones included)."""
        return int(_c.mn_h5_recorder_sample_count(self._p)) if self._p else 0

    @property
    def last_time(self):
        """Time (s) of the last sample, NaN if none."""
        return float(_c.mn_h5_recorder_last_time(self._p)) if self._p else float("nan")

    def close(self):
        """Write what is buffered and close the file (idempotent)."""
        p, self._p = getattr(self, "_p", None), None
        if p:
            self._ctx.check(_c.mn_h5_recorder_close(p))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
