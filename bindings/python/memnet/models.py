"""Memristor models and the network of per-edge models (models.h)."""

import ctypes

import numpy as np

from . import _lib
from ._lib import (c_double_p, c_int32_p, c_size_t_p, c_char_p_p, vp, vpp, sz, i32, u64, dbl, cint,
                   cstr)
from ._lib import _darr, _iarr, _dp, _ip, _copy_i, _b
from .core import Error, _ctx

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (models.h)
class ParamInfo(ctypes.Structure):
    _fields_ = [("struct_size", sz), ("name", cstr), ("unit", cstr), ("description", cstr),
                ("kind", cint), ("default_value", dbl), ("min_value", dbl),
                ("max_value", dbl), ("choices", c_char_p_p)]


class ModelOpsHead(ctypes.Structure):
    """The leading members of mn_model_ops (only these are read)."""
    _fields_ = [("struct_size", sz), ("name", cstr), ("description", cstr), ("n_states", sz),
                ("state_names", c_char_p_p), ("n_params", sz),
                ("params", ctypes.POINTER(ParamInfo)), ("flags", ctypes.c_uint)]


ops_p = ctypes.POINTER(ModelOpsHead)
_decl("mn_model_builtin_count", sz)
_decl("mn_model_builtin", ops_p, sz)
_decl("mn_model_find", ops_p, cstr)
_decl("mn_model_new", cint, vpp, vp, cstr)
_decl("mn_model_free", None, vp)
_decl("mn_model_ops_of", ops_p, vp)
_decl("mn_model_set", cint, vp, cstr, dbl)
_decl("mn_model_set_text", cint, vp, cstr, cstr)
_decl("mn_model_get", cint, vp, cstr, c_double_p)
_decl("mn_network_new", cint, vpp, vp)
_decl("mn_network_free", None, vp)
_decl("mn_network_refresh", None, vp)
_decl("mn_network_assign", cint, vp, vp, c_int32_p, sz, c_size_t_p)
_decl("mn_network_assign_fractions", cint, vp, vpp, c_double_p, sz, u64)
_decl("mn_network_model_count", sz, vp)
_decl("mn_network_edge_models", c_int32_p, vp)
_decl("mn_network_model_ops", ops_p, vp, sz)
_decl("mn_network_set_edge_param", cint, vp, i32, cstr, dbl)
_decl("mn_network_get_edge_param", cint, vp, i32, cstr, c_double_p)
_decl("mn_network_vary_param", cint, vp, sz, cstr, dbl, u64)
_decl("mn_network_state_count", sz, vp)
_decl("mn_network_state_offsets", c_size_t_p, vp)
_decl("mn_network_initial_state", cint, vp, c_double_p)
_decl("mn_network_conductances", cint, vp, c_double_p, c_double_p)
_decl("mn_network_rates", cint, vp, c_double_p, c_double_p, c_double_p, c_double_p)

_KINDS = {0: "real", 1: "int", 2: "choice"}


def _ops_info(ops):
    o = ops.contents
    params = []
    for i in range(o.n_params):
        p = o.params[i]
        choices = None
        if p.choices:
            choices = []
            j = 0
            while p.choices[j]:
                choices.append(p.choices[j].decode())
                j += 1
        params.append({"name": p.name.decode(), "unit": (p.unit or b"").decode(),
                       "description": (p.description or b"").decode(),
                       "kind": _KINDS.get(p.kind, str(p.kind)), "default": p.default_value,
                       "min": p.min_value, "max": p.max_value, "choices": choices})
    states = [o.state_names[i].decode() for i in range(o.n_states)] if o.state_names else \
        ["x%d" % i for i in range(o.n_states)]
    return {"name": o.name.decode(), "description": (o.description or b"").decode(),
            "states": states, "params": params}


def models():
    """Names of the built-in memristor models."""
    return [_c.mn_model_builtin(i).contents.name.decode()
            for i in range(_c.mn_model_builtin_count())]


def model_info(name):
    """Description of a built-in model: states and parameters (unit, default, range)."""
    ops = _c.mn_model_find(_b(name))
    if not ops:
        raise Error(-6, "no model \"%s\" (known: %s)" % (name, ", ".join(models())))
    return _ops_info(ops)


class Model:
    """A memristor model with parameter values (mn_model), e.g. Model("miranda", k_p=1e-3)."""

    def __init__(self, name, ctx=None, **params):
        self._ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_model_new(ctypes.byref(p), self._ctx._p, _b(name)))
        self._p = p
        for k, v in params.items():
            self[k] = v

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_model_free(self._p)
            self._p = None

    @property
    def info(self):
        """Dict describing the model: name, description, states, params (name, unit, description,
        kind, default, min, max, choices), as model_info() returns."""
        return _ops_info(_c.mn_model_ops_of(self._p))

    @property
    def name(self):
        """The model's name ("miranda", ...)."""
        return _c.mn_model_ops_of(self._p).contents.name.decode()

    def __setitem__(self, key, value):
        """model[name] = value: set a parameter (SI units as model_info() lists them; aliases
        such as kP0 for k_p accepted; a string for a choice parameter). A value outside its
        range raises RangeError (a ValueError) naming it."""
        if isinstance(value, str):
            self._ctx.check(_c.mn_model_set_text(self._p, _b(key), _b(value)))
        else:
            self._ctx.check(_c.mn_model_set(self._p, _b(key), float(value)))

    def __getitem__(self, key):
        """model[name]: a parameter's value (NotFoundError for an unknown name)."""
        v = ctypes.c_double()
        self._ctx.check(_c.mn_model_get(self._p, _b(key), ctypes.byref(v)))
        return v.value

    def set(self, **params):
        """Set several parameters by keyword (model.set(kP0=1e-3, etaP=10)); returns the model."""
        for k, v in params.items():
            self[k] = v
        return self

    @property
    def params(self):
        """Dict of every parameter value."""
        return {p["name"]: self[p["name"]] for p in self.info["params"]}

    def __repr__(self):
        return "<memnet.Model %s %s>" % (self.name, self.params)


class Network:
    """A graph plus the model of every edge (mn_network).

    Network(graph, model) gives every edge `model` (a Model or a built-in name).
    """

    def __init__(self, graph, model=None):
        self.graph = graph
        self._ctx = graph._ctx
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_network_new(ctypes.byref(p), graph._p))
        self._p = p
        if model is not None:
            self.assign(model)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_network_free(self._p)
            self._p = None

    def _model(self, model):
        return model if isinstance(model, Model) else Model(model, ctx=self._ctx)

    def assign(self, model, edges=None):
        """Give edges (all if None) a model; returns its index in the network."""
        m = self._model(model)
        k = ctypes.c_size_t()
        if edges is None:
            self._ctx.check(_c.mn_network_assign(self._p, m._p, None, 0, ctypes.byref(k)))
        else:
            e = _iarr(edges)
            self._ctx.check(_c.mn_network_assign(self._p, m._p, _ip(e), e.size, ctypes.byref(k)))
        return k.value

    def assign_fractions(self, models, fractions, seed=1):
        """Assign models to edges at random by fractions (003's A:B = 75:25)."""
        ms = [self._model(m) for m in models]
        arr = (ctypes.c_void_p * len(ms))(*[m._p.value for m in ms])
        f = _darr(fractions, len(ms), "fractions")
        self._ctx.check(_c.mn_network_assign_fractions(self._p, arr, _dp(f), len(ms), int(seed)))

    @property
    def edge_models(self):
        """Index of each edge's model in the network (int32 array of n_edges; see n_models)."""
        return _copy_i(_c.mn_network_edge_models(self._p), self.graph.n_edges)

    @property
    def n_models(self):
        """Number of distinct models in the network (edge_models indexes them)."""
        return int(_c.mn_network_model_count(self._p))

    def model_state_names(self, k):
        """Names of the states of the network's model k (e.g. ["g"] for miranda)."""
        ops = _c.mn_network_model_ops(self._p, int(k))
        if not ops:
            raise Error(-3, "network has %d models, no model %d" % (self.n_models, k))
        o = ops.contents
        if o.state_names:
            return [o.state_names[i].decode() for i in range(o.n_states)]
        return ["x%d" % i for i in range(o.n_states)]

    @property
    def state_offsets(self):
        """Where each edge's states start in the global state vector: int64 array of
        n_edges + 1 entries, edge e owning x[off[e]:off[e + 1]] (empty for a stateless edge
        such as a resistor)."""
        return np.ctypeslib.as_array(_c.mn_network_state_offsets(self._p),
                                     shape=(self.graph.n_edges + 1,)).astype(np.int64)

    @property
    def n_states(self):
        """Length of the global state vector (sum of every edge's model states)."""
        return int(_c.mn_network_state_count(self._p))

    def set_edge_param(self, edge, name, value):
        """Give one edge its own value of a parameter of its model (SI units)."""
        self._ctx.check(_c.mn_network_set_edge_param(self._p, int(edge), _b(name), float(value)))

    def edge_param(self, edge, name):
        """The value of a parameter for one edge (its own or its model's)."""
        v = ctypes.c_double()
        self._ctx.check(_c.mn_network_get_edge_param(self._p, int(edge), _b(name),
                                                     ctypes.byref(v)))
        return v.value

    def vary_param(self, model_index, name, sigma, seed=1):
        """Lognormal device-to-device variability of one parameter (mean factor 1)."""
        self._ctx.check(_c.mn_network_vary_param(self._p, int(model_index), _b(name),
                                                 float(sigma), int(seed)))

    def refresh(self):
        """Re-read the graph's edge lengths after they changed (mn_network_refresh); needed before
        the next evaluation when Graph.lengths is set after the network was used."""
        _c.mn_network_refresh(self._p)

    def initial_state(self):
        """The models' default initial state of every junction (array of n_states)."""
        x = np.empty(self.n_states)
        self._ctx.check(_c.mn_network_initial_state(self._p, _dp(x)))
        return x

    def conductances(self, x):
        """Conductance (S) of every edge for the global state vector x."""
        x = _darr(x, self.n_states, "x")
        G = np.empty(self.graph.n_edges)
        self._ctx.check(_c.mn_network_conductances(self._p, _dp(x), _dp(G)))
        return G

    def rates(self, x, V, I):
        """dx/dt of every state for edge voltages V and currents I."""
        m = self.graph.n_edges
        x = _darr(x, self.n_states, "x")
        V = _darr(V, m, "V")
        I = _darr(I, m, "I")
        out = np.empty(self.n_states)
        self._ctx.check(_c.mn_network_rates(self._p, _dp(x), _dp(V), _dp(I), _dp(out)))
        return out
