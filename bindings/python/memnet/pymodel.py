"""Junction models written in Python (numpy-batched) through the library's ops table
(mn_model_ops, models.h): memnet.PythonModel.

The library calls the model once per batch of edges of that model (one call covers every edge
of the model in a network), with numpy views of its arrays: a Python model costs one Python
call per right-hand-side evaluation, not one per edge (docs/performance.md gives the overhead).
"""

import ctypes

import numpy as np

from . import _lib
from ._lib import vp, sz, cint, cstr, c_double_p, c_int32_p, c_int_p
from .core import _ctx
from .models import Model, ParamInfo

_c = _lib.Functions()
_decl = _c.decl


class ModelBatch(ctypes.Structure):
    """mn_model_batch (models.h)."""
    _fields_ = [("struct_size", sz), ("n", sz), ("edge", c_int32_p),
                ("param", ctypes.POINTER(c_double_p)), ("param_stride", ctypes.POINTER(sz)),
                ("length", c_double_p), ("model_data", vp)]


_batch_p = ctypes.POINTER(ModelBatch)
_conductance_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p)
_rate_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p, c_double_p, c_double_p)
_gdx_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p)
_exact_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p, ctypes.c_double)
_bounds_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p)
_init_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p)
_event_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_double_p, c_double_p, c_double_p, c_double_p)
_apply_fn = ctypes.CFUNCTYPE(cint, _batch_p, c_int_p, c_double_p)
_validate_fn = ctypes.CFUNCTYPE(cint, _batch_p, ctypes.c_char_p, sz)
_create_fn = ctypes.CFUNCTYPE(vp, c_double_p, vp)
_destroy_fn = ctypes.CFUNCTYPE(None, vp, vp)


class ModelOps(ctypes.Structure):
    """mn_model_ops (models.h), every member."""
    _fields_ = [("struct_size", sz), ("name", cstr), ("description", cstr), ("n_states", sz),
                ("state_names", ctypes.POINTER(cstr)), ("n_params", sz),
                ("params", ctypes.POINTER(ParamInfo)), ("flags", ctypes.c_uint),
                ("conductance", _conductance_fn), ("rate", _rate_fn), ("rate_dx", _rate_fn),
                ("rate_dV", _rate_fn), ("rate_dI", _rate_fn), ("conductance_dx", _gdx_fn),
                ("exact_step", _exact_fn), ("state_bounds", _bounds_fn),
                ("initial_state", _init_fn), ("n_events", sz), ("event_fn", _event_fn),
                ("event_apply", _apply_fn), ("validate", _validate_fn), ("create", _create_fn),
                ("destroy", _destroy_fn), ("user_data", vp)]


_decl("mn_model_new_custom", cint, ctypes.POINTER(vp), vp, ctypes.POINTER(ModelOps))


class PythonModel(Model):
    """A junction model written in Python, usable wherever a built-in Model is.

    PythonModel(name, states, params, conductance, rate, rate_dx=None, conductance_dx=None,
    state_bounds=None, initial_state=None, needs_length=False, description="")

    states        state names, e.g. ["g"]
    params        list of (name, default, min, max, unit, description) tuples (the last two
                  optional); values are set as for any Model (model["k_p"] = 2e-3)
    conductance   f(x, p, length) -> G in S, shape (n,)
    rate          f(x, V, I, p, length) -> dx/dt, shape (n, n_states)
    rate_dx       optional f(x, V, I, p, length) -> d(rate)/dx, shape (n, n_states, n_states)
                  (row = rate index); helps the implicit integrator
    conductance_dx optional f(x, p, length) -> dG/dx, shape (n, n_states)
    state_bounds  optional (lo, hi) per state, e.g. [(0.0, 1.0)]: states are kept inside
    initial_state optional f(p, length) -> x0, shape (n, n_states); else zeros

    Every callback is batched: x is an (n, n_states) float64 array over the n edges of a
    batch, V and I are (n,) arrays of edge voltages (V) and currents (A), p a dict of parameter
    arrays of shape (n,) (per-edge values when set with Network.set_edge_param or varied),
    length the (n,) edge lengths or None. An exception in a callback stops the evaluation: the
    library reports an error naming the model, and the exception is kept as .last_exception.
    """

    def __init__(self, name, states, params, conductance, rate, rate_dx=None,
                 conductance_dx=None, state_bounds=None, initial_state=None,
                 needs_length=False, description="", ctx=None):
        self._ctx = _ctx(ctx)
        self.last_exception = None
        self.calls = 0
        self._f = {"conductance": conductance, "rate": rate, "rate_dx": rate_dx,
                   "conductance_dx": conductance_dx, "initial_state": initial_state}
        self._bounds = None if state_bounds is None else np.asarray(state_bounds, float)
        self._states = list(states)
        self._pnames = []
        keep = []                                # every buffer the ops table points to

        def s(text):
            b = ctypes.c_char_p(text.encode())
            keep.append(b)
            return b.value

        ns = len(self._states)
        infos = (ParamInfo * max(len(params), 1))()
        for i, spec in enumerate(params):
            pname, default, lo, hi = spec[:4]
            unit = spec[4] if len(spec) > 4 else ""
            desc = spec[5] if len(spec) > 5 else ""
            self._pnames.append(pname)
            infos[i] = ParamInfo(ctypes.sizeof(ParamInfo), s(pname), s(unit), s(desc), 0,
                                 float(default), float(lo), float(hi), None)
        names = (cstr * max(ns, 1))(*[s(n) for n in self._states])
        ops = ModelOps()
        ops.struct_size = ctypes.sizeof(ModelOps)
        ops.name = s(name)
        ops.description = s(description or "Python model " + name)
        ops.n_states = ns
        ops.state_names = ctypes.cast(names, ctypes.POINTER(cstr))
        ops.n_params = len(params)
        ops.params = ctypes.cast(infos, ctypes.POINTER(ParamInfo))
        ops.flags = 1 if needs_length else 0
        self._cbs = {"conductance": _conductance_fn(self._conductance),
                     "rate": _rate_fn(self._rate)}
        if rate_dx is not None:
            self._cbs["rate_dx"] = _rate_fn(self._rate_dx)
        if conductance_dx is not None:
            self._cbs["conductance_dx"] = _gdx_fn(self._conductance_dx)
        if state_bounds is not None:
            self._cbs["state_bounds"] = _bounds_fn(self._state_bounds)
        if initial_state is not None:
            self._cbs["initial_state"] = _init_fn(self._initial_state)
        for k, cb in self._cbs.items():
            setattr(ops, k, cb)
        self._keep = (keep, infos, names, ops)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_model_new_custom(ctypes.byref(p), self._ctx._p, ctypes.byref(ops)))
        self._p = p

    # ---- the batch as numpy
    def _params(self, b):
        n = b.n
        out = {}
        for i, name in enumerate(self._pnames):
            if b.param_stride[i]:
                out[name] = np.ctypeslib.as_array(b.param[i], shape=(n,))
            else:
                out[name] = np.full(n, b.param[i][0])
        return out

    def _call(self, fn):
        try:
            self.calls += 1
            fn()
            return 0
        except BaseException as e:  # reported by the library as a model failure
            self.last_exception = e
            return 1

    def _view(self, ptr, n, k=None):
        shape = (n,) if k is None else (n, k)
        return np.ctypeslib.as_array(ptr, shape=shape) if n else np.zeros(shape)

    def _length(self, b):
        return np.ctypeslib.as_array(b.length, shape=(b.n,)) if b.length else None

    def _conductance(self, bp, x, G):
        def run():
            b = bp.contents
            n, k = b.n, len(self._states)
            out = self._f["conductance"](self._view(x, n, k), self._params(b), self._length(b))
            self._view(G, n)[:] = out
        return self._call(run)

    def _rate(self, bp, x, V, I, out):
        def run():
            b = bp.contents
            n, k = b.n, len(self._states)
            r = self._f["rate"](self._view(x, n, k), self._view(V, n), self._view(I, n),
                                self._params(b), self._length(b))
            self._view(out, n, k)[:] = np.reshape(r, (n, k))
        return self._call(run)

    def _rate_dx(self, bp, x, V, I, out):
        def run():
            b = bp.contents
            n, k = b.n, len(self._states)
            J = self._f["rate_dx"](self._view(x, n, k), self._view(V, n), self._view(I, n),
                                   self._params(b), self._length(b))
            self._view(out, n, k * k)[:] = np.reshape(J, (n, k * k))
        return self._call(run)

    def _conductance_dx(self, bp, x, out):
        def run():
            b = bp.contents
            n, k = b.n, len(self._states)
            d = self._f["conductance_dx"](self._view(x, n, k), self._params(b), self._length(b))
            self._view(out, n, k)[:] = np.reshape(d, (n, k))
        return self._call(run)

    def _state_bounds(self, bp, lo, hi):
        def run():
            n, k = bp.contents.n, len(self._states)
            self._view(lo, n, k)[:] = self._bounds[:, 0]
            self._view(hi, n, k)[:] = self._bounds[:, 1]
        return self._call(run)

    def _initial_state(self, bp, x):
        def run():
            b = bp.contents
            n, k = b.n, len(self._states)
            x0 = self._f["initial_state"](self._params(b), self._length(b))
            self._view(x, n, k)[:] = np.reshape(x0, (n, k))
        return self._call(run)
