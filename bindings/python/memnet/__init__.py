"""memnet: simulation and mean-field reduction of memristive junction networks.

A thin ctypes binding of the C library libmemnet (no compilation). Arrays go in and come
out as numpy arrays (float64 for values, int32 for node and edge ids); every C error becomes
a :class:`memnet.Error` carrying memnet's status code and message.

    >>> import memnet
    >>> g = memnet.Graph.from_edges([0, 1, 0], [1, 2, 2])      # a triangle
    >>> k = memnet.Kirchhoff(g)
    >>> a, b = k.add_electrode([0]), k.add_electrode([2])
    >>> k.set_conductances([1.0, 1.0, 1.0])
    >>> round(k.effective_conductance(a, b), 12)
    1.5

Units are SI (V, A, S, s); lengths in the unit of the geometry (see docs/guide.md).
Threads: every object belongs to a :class:`Context`; a context and its objects are used by
one thread at a time. By default each thread gets its own context.
"""

import ctypes
import threading
import weakref

import numpy as np

from . import _lib as _c

__all__ = [
    "Error", "Context", "version", "version_number", "library_path",
    "Graph", "Model", "models", "model_info", "Network", "Kirchhoff", "effective_conductance",
    "Generator", "nanowires", "nanoparticles", "lattice", "cb_circuit",
    "Waveform", "Simulation", "Recording",
    "MeanFieldModel", "FitResult", "Projector", "CBCircuit",
    "detect_events", "intervals", "histogram", "powerlaw_fit", "acf", "bin_events",
    "event_acf", "avalanches", "moving_average", "event_rate",
]

library_path = _c.path


def version():
    """The library's version string, "major.minor.patch"."""
    return _c.mn_version_string().decode()


def version_number():
    """The library's version as major * 10000 + minor * 100 + patch."""
    return int(_c.mn_version_number())


# ===================================================================== errors and context

class Error(Exception):
    """A memnet call failed.

    Attributes: ``status`` (the negative mn_status code), ``name`` ("MN_ERR_RANGE") and
    ``message`` (memnet's message naming the bad value).
    """

    def __init__(self, status, message):
        self.status = int(status)
        self.name = _c.mn_status_name(self.status).decode()
        self.message = message
        super().__init__("%s: %s" % (self.name, message))


class Context:
    """An mn_context: allocator, last error message. Objects keep their context alive."""

    def __init__(self):
        p = ctypes.c_void_p()
        st = _c.mn_context_new(ctypes.byref(p))
        if st != 0:
            raise Error(st, "cannot create a memnet context")
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_context_free(self._p)
            self._p = None

    @property
    def last_error(self):
        """Message of the last error recorded in this context ("" if none)."""
        return _c.mn_context_last_error(self._p).decode(errors="replace")

    def check(self, status, what=""):
        if status != 0:
            msg = self.last_error or _c.mn_status_str(status).decode()
            _c.mn_context_clear_error(self._p)
            raise Error(status, msg)


_local = threading.local()


def _default_context():
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = _local.ctx = Context()
    return ctx


def _ctx(ctx):
    return ctx if ctx is not None else _default_context()


# ===================================================================== array helpers

def _darr(x, n=None, name="array"):
    a = np.ascontiguousarray(np.asarray(x, dtype=np.float64))
    if a.ndim == 0:
        a = a.reshape(1)
    if n is not None and a.size != n:
        raise ValueError("%s: expected %d values, got %d" % (name, n, a.size))
    return a


def _iarr(x, dtype=np.int32, name="ids"):
    a = np.asarray(x)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.size and not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.equal(np.mod(a, 1), 0)):
            raise ValueError("%s: ids must be integers" % name)
    info = np.iinfo(dtype)
    if a.size and (a.min() < info.min or a.max() > info.max):
        raise ValueError("%s: id out of range" % name)
    return np.ascontiguousarray(a.astype(dtype))


def _dp(a):
    return a.ctypes.data_as(_c.c_double_p) if a is not None else None


def _ip(a):
    return a.ctypes.data_as(_c.c_int32_p) if a is not None else None


def _lp(a):
    return a.ctypes.data_as(_c.c_int64_p) if a is not None else None


def _copy_d(ptr, n):
    if not ptr or n == 0:
        return np.zeros(0) if n == 0 else None
    return np.ctypeslib.as_array(ptr, shape=(n,)).copy()


def _copy_i(ptr, n):
    if not ptr or n == 0:
        return np.zeros(0, dtype=np.int32) if n == 0 else None
    return np.ctypeslib.as_array(ptr, shape=(n,)).copy()


def _b(s):
    return s.encode() if isinstance(s, str) else s


# ===================================================================== graph

class Graph:
    """A graph of junctions (mn_graph): nodes, oriented edges u -> v, optional geometry,
    edge lengths (gaps), value columns and named node sets (electrodes)."""

    def __init__(self, n_nodes=0, ctx=None, _ptr=None):
        self._ctx = _ctx(ctx)
        if _ptr is not None:
            self._p = _ptr
            return
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_graph_new(ctypes.byref(p), self._ctx._p, int(n_nodes)))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_graph_free(self._p)
            self._p = None

    @classmethod
    def from_edges(cls, u, v, n_nodes=None, lengths=None, ctx=None):
        """Graph with edges u[e] -> v[e] (n_nodes defaults to the largest id + 1)."""
        ctx = _ctx(ctx)
        u = _iarr(u, np.int64, "u")
        v = _iarr(v, np.int64, "v")
        if u.size != v.size:
            raise ValueError("u and v differ in length (%d, %d)" % (u.size, v.size))
        if n_nodes is None:
            n_nodes = int(max(u.max(initial=-1), v.max(initial=-1)) + 1)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_graph_new_from_edges(ctypes.byref(p), ctx._p, int(n_nodes), u.size,
                                             _lp(u), _lp(v)))
        g = cls(ctx=ctx, _ptr=p)
        if lengths is not None:
            g.lengths = lengths
        return g

    @classmethod
    def read_edgelist(cls, path, n_nodes=0, length_column=0, ctx=None):
        """Read a plain edge list `u v [value ...]` (docs/file-formats.md)."""
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_graph_read_edgelist(ctypes.byref(p), ctx._p, _b(str(path)), int(n_nodes),
                                            int(length_column)))
        return cls(ctx=ctx, _ptr=p)

    @classmethod
    def load(cls, path, ctx=None):
        """Read a native network file (mn_graph_save / `memnet generate`)."""
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_graph_load(ctypes.byref(p), ctx._p, _b(str(path))))
        return cls(ctx=ctx, _ptr=p)

    def save(self, path):
        """Write the native network file (round trips exactly)."""
        self._ctx.check(_c.mn_graph_save(self._p, _b(str(path))))

    def write_edgelist(self, path):
        """Write a plain edge list `u v [length]`."""
        self._ctx.check(_c.mn_graph_write_edgelist(self._p, _b(str(path))))

    def copy(self):
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_graph_copy(ctypes.byref(p), self._p))
        return Graph(ctx=self._ctx, _ptr=p)

    def add_nodes(self, count):
        """Append nodes; returns the id of the first new one."""
        first = ctypes.c_int32()
        self._ctx.check(_c.mn_graph_add_nodes(self._p, int(count), ctypes.byref(first)))
        return first.value

    def add_edge(self, u, v):
        """Append edge u -> v; returns its index."""
        e = ctypes.c_int32()
        self._ctx.check(_c.mn_graph_add_edge(self._p, int(u), int(v), ctypes.byref(e)))
        return e.value

    @property
    def n_nodes(self):
        return int(_c.mn_graph_node_count(self._p))

    @property
    def n_edges(self):
        return int(_c.mn_graph_edge_count(self._p))

    def __len__(self):
        return self.n_edges

    def __repr__(self):
        return "<memnet.Graph %d nodes, %d edges>" % (self.n_nodes, self.n_edges)

    @property
    def edges(self):
        """(u, v): the endpoints of every edge, int32 arrays."""
        m = self.n_edges
        return _copy_i(_c.mn_graph_edge_u(self._p), m), _copy_i(_c.mn_graph_edge_v(self._p), m)

    @property
    def lengths(self):
        """Edge lengths (gaps) or None; NaN marks an edge without one."""
        return _copy_d(_c.mn_graph_edge_lengths(self._p), self.n_edges) \
            if _c.mn_graph_edge_lengths(self._p) else None

    @lengths.setter
    def lengths(self, values):
        a = _darr(values, self.n_edges, "lengths")
        self._ctx.check(_c.mn_graph_set_edge_lengths(self._p, _dp(a)))

    @property
    def coords(self):
        """(x, y) node coordinates or None."""
        if not _c.mn_graph_node_x(self._p):
            return None
        n = self.n_nodes
        return _copy_d(_c.mn_graph_node_x(self._p), n), _copy_d(_c.mn_graph_node_y(self._p), n)

    @coords.setter
    def coords(self, xy):
        x = _darr(xy[0], self.n_nodes, "x")
        y = _darr(xy[1], self.n_nodes, "y")
        self._ctx.check(_c.mn_graph_set_node_coords(self._p, _dp(x), _dp(y)))

    @property
    def edge_positions(self):
        """(x, y) of each junction or None."""
        if not _c.mn_graph_edge_x(self._p):
            return None
        m = self.n_edges
        return _copy_d(_c.mn_graph_edge_x(self._p), m), _copy_d(_c.mn_graph_edge_y(self._p), m)

    def column(self, k):
        """Value column k of the edges (file columns after u and v)."""
        if k < 0 or k >= _c.mn_graph_edge_column_count(self._p):
            raise IndexError("graph has %d value columns" % _c.mn_graph_edge_column_count(self._p))
        return _copy_d(_c.mn_graph_edge_column(self._p, k), self.n_edges)

    @property
    def n_columns(self):
        return int(_c.mn_graph_edge_column_count(self._p))

    def add_column(self, values):
        a = _darr(values, self.n_edges, "column")
        self._ctx.check(_c.mn_graph_add_edge_column(self._p, _dp(a)))

    # node sets
    def set_node_set(self, name, nodes):
        """Define (or replace) a named node set, e.g. an electrode."""
        a = _iarr(nodes)
        self._ctx.check(_c.mn_graph_set_node_set(self._p, _b(name), _ip(a), a.size))

    def node_set(self, name):
        """Node ids of a named set (KeyError if there is none)."""
        ptr = _c.c_int32_p()
        n = ctypes.c_size_t()
        st = _c.mn_graph_node_set(self._p, _b(name), ctypes.byref(ptr), ctypes.byref(n))
        if st != 0:
            _c.mn_context_clear_error(self._ctx._p)
            raise KeyError(name)
        return _copy_i(ptr, n.value)

    @property
    def node_sets(self):
        """Dict name -> node ids of every named node set."""
        out = {}
        for i in range(_c.mn_graph_node_set_count(self._p)):
            name = _c.mn_graph_node_set_name(self._p, i).decode()
            out[name] = self.node_set(name)
        return out

    def components(self):
        """(labels, count): connected component of each node."""
        ptr = _c.c_int32_p()
        n = ctypes.c_size_t()
        self._ctx.check(_c.mn_graph_components(self._p, ctypes.byref(ptr), ctypes.byref(n)))
        return _copy_i(ptr, self.n_nodes), n.value

    def connected(self, a, b):
        """Whether a path joins some node of a to some node of b."""
        a = _iarr(a)
        b = _iarr(b)
        r = ctypes.c_int()
        self._ctx.check(_c.mn_graph_connected(self._p, _ip(a), a.size, _ip(b), b.size,
                                              ctypes.byref(r)))
        return bool(r.value)

    def _nodes(self, spec):
        """A node set given by name or as ids."""
        if isinstance(spec, str):
            return self.node_set(spec)
        return _iarr(spec)


# ===================================================================== models

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
    """A memristor model with parameter values (mn_model), e.g. Model("miranda", kP0=1e-3)."""

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
        return _ops_info(_c.mn_model_ops_of(self._p))

    @property
    def name(self):
        return _c.mn_model_ops_of(self._p).contents.name.decode()

    def __setitem__(self, key, value):
        if isinstance(value, str):
            self._ctx.check(_c.mn_model_set_text(self._p, _b(key), _b(value)))
        else:
            self._ctx.check(_c.mn_model_set(self._p, _b(key), float(value)))

    def __getitem__(self, key):
        v = ctypes.c_double()
        self._ctx.check(_c.mn_model_get(self._p, _b(key), ctypes.byref(v)))
        return v.value

    def set(self, **params):
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
        return _copy_i(_c.mn_network_edge_models(self._p), self.graph.n_edges)

    @property
    def n_states(self):
        return int(_c.mn_network_state_count(self._p))

    def set_edge_param(self, edge, name, value):
        self._ctx.check(_c.mn_network_set_edge_param(self._p, int(edge), _b(name), float(value)))

    def edge_param(self, edge, name):
        v = ctypes.c_double()
        self._ctx.check(_c.mn_network_get_edge_param(self._p, int(edge), _b(name),
                                                     ctypes.byref(v)))
        return v.value

    def vary_param(self, model_index, name, sigma, seed=1):
        """Lognormal device-to-device variability of one parameter (mean factor 1)."""
        self._ctx.check(_c.mn_network_vary_param(self._p, int(model_index), _b(name),
                                                 float(sigma), int(seed)))

    def refresh(self):
        _c.mn_network_refresh(self._p)

    def initial_state(self):
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


# ===================================================================== Kirchhoff

class Kirchhoff:
    """Nodal Kirchhoff solver on a graph (mn_kirchhoff): Dirichlet electrodes, current
    injection, series EMF; potentials, edge voltages/currents, G_eff."""

    STRATEGIES = {"auto": 0, "refactor": 1, "update": 2, "pcg": 3}
    ORDERINGS = {"default": 0, "amd": 1, "metis": 2}

    def __init__(self, graph):
        self.graph = graph
        self._ctx = graph._ctx
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_kirchhoff_new(ctypes.byref(p), graph._p))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_kirchhoff_free(self._p)
            self._p = None

    def add_electrode(self, nodes, volts=None):
        """Add a Dirichlet electrode (node ids or a node-set name); returns its index."""
        a = self.graph._nodes(nodes)
        k = ctypes.c_size_t()
        self._ctx.check(_c.mn_kirchhoff_add_electrode(self._p, _ip(a), a.size, ctypes.byref(k)))
        if volts is not None:
            self.set_potential(k.value, volts)
        return k.value

    def set_potential(self, electrode, volts):
        self._ctx.check(_c.mn_kirchhoff_set_potential(self._p, int(electrode), float(volts)))

    def set_injection(self, source, drain, amps):
        a = self.graph._nodes(source)
        b = self.graph._nodes(drain)
        self._ctx.check(_c.mn_kirchhoff_set_injection(self._p, _ip(a), a.size, _ip(b), b.size,
                                                      float(amps)))

    def set_emf(self, emf):
        if emf is None:
            self._ctx.check(_c.mn_kirchhoff_set_emf(self._p, None))
        else:
            a = _darr(emf, self.graph.n_edges, "emf")
            self._ctx.check(_c.mn_kirchhoff_set_emf(self._p, _dp(a)))

    def set_conductances(self, G):
        a = _darr(G, self.graph.n_edges, "G")
        self._ctx.check(_c.mn_kirchhoff_set_conductances(self._p, _dp(a)))

    def update_conductances(self, edges, G):
        e = _iarr(edges)
        a = _darr(G, e.size, "G")
        self._ctx.check(_c.mn_kirchhoff_update_conductances(self._p, _ip(e), _dp(a), e.size))

    def set_strategy(self, name):
        self._ctx.check(_c.mn_kirchhoff_set_strategy(self._p, self.STRATEGIES[name]))

    def set_ordering(self, name):
        self._ctx.check(_c.mn_kirchhoff_set_ordering(self._p, self.ORDERINGS[name]))

    def solve(self, G=None):
        """Solve (with new conductances G if given); returns the node potentials."""
        if G is not None:
            self.set_conductances(G)
        self._ctx.check(_c.mn_kirchhoff_solve(self._p))
        return self.potentials

    @property
    def potentials(self):
        return _copy_d(_c.mn_kirchhoff_potentials(self._p), self.graph.n_nodes)

    @property
    def edge_voltages(self):
        return _copy_d(_c.mn_kirchhoff_edge_voltages(self._p), self.graph.n_edges)

    @property
    def edge_currents(self):
        return _copy_d(_c.mn_kirchhoff_edge_currents(self._p), self.graph.n_edges)

    def electrode_current(self, electrode):
        v = ctypes.c_double()
        self._ctx.check(_c.mn_kirchhoff_electrode_current(self._p, int(electrode),
                                                          ctypes.byref(v)))
        return v.value

    def effective_conductance(self, a=0, b=1):
        """Two-terminal G_eff (S) between electrodes a and b for the present conductances."""
        v = ctypes.c_double()
        self._ctx.check(_c.mn_kirchhoff_effective_conductance(self._p, int(a), int(b),
                                                              ctypes.byref(v)))
        return v.value

    @property
    def floating_nodes(self):
        return _copy_i(_c.mn_kirchhoff_floating_nodes(self._p),
                       _c.mn_kirchhoff_floating_count(self._p))


def effective_conductance(graph, G, source="left", drain="right"):
    """G_eff (S) of `graph` with edge conductances G between two node sets (names or ids)."""
    k = Kirchhoff(graph)
    a = k.add_electrode(source)
    b = k.add_electrode(drain)
    k.set_conductances(G)
    return k.effective_conductance(a, b)


# ===================================================================== generators

# option name -> (enum value, is_int)
_GEN_OPTS = {
    "seed": (0, True), "width": (1, False), "height": (2, False), "wires": (3, True),
    "density": (4, False), "length": (5, False), "length_sd": (6, False),
    "length_dist": (7, True), "orientation": (8, True), "angle": (9, False),
    "angle_sd": (10, False), "gap": (11, False), "junction_gap": (11, False),
    "multinode": (12, True), "wire_resistance": (13, False), "keep": (14, True),
    "pad_width": (15, False), "coverage": (16, False), "cutoff": (17, False),
    "gap_cutoff": (17, False), "resolution": (18, False), "lattice": (19, True),
    "kind": (19, True), "nx": (20, True), "ny": (21, True), "spacing": (22, False),
    "n": (23, True), "cb_n": (23, True), "r_int": (24, False), "r_ref": (25, False),
    "source": (26, False),
}
_GEN_ENUMS = {
    "length_dist": {"fixed": 0, "normal": 1, "lognormal": 2, "gamma": 3},
    "orientation": {"uniform": 0, "normal": 1},
    "keep": {"all": 0, "electrodes": 1},
    "lattice": {"square": 0, "ladder": 1, "chain": 2, "complete": 3},
    "kind": {"square": 0, "ladder": 1, "chain": 2, "complete": 3},
}


class Generator:
    """Network generator (mn_gen): options by keyword (seed, width, height, wires, length,
    gap, coverage, nx, ny, ...), electrodes, and the extras of the last run."""

    def __init__(self, ctx=None, **options):
        self._ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_gen_new(ctypes.byref(p), self._ctx._p))
        self._p = p
        self.set(**options)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_gen_free(self._p)
            self._p = None

    def set(self, **options):
        for k, v in options.items():
            if k == "sources":
                a = _darr(v)
                self._ctx.check(_c.mn_gen_set_cb_sources(self._p, _dp(a), a.size))
                continue
            if k not in _GEN_OPTS:
                raise KeyError("unknown generator option %r (known: %s)"
                               % (k, ", ".join(sorted(_GEN_OPTS))))
            opt, is_int = _GEN_OPTS[k]
            if isinstance(v, str):
                v = _GEN_ENUMS[k][v]
            if isinstance(v, bool):
                v = int(v)
            if is_int:
                self._ctx.check(_c.mn_gen_set_int(self._p, opt, int(v)))
            else:
                self._ctx.check(_c.mn_gen_set_real(self._p, opt, float(v)))
        return self

    def add_electrode_rect(self, name, x0, y0, x1, y1):
        self._ctx.check(_c.mn_gen_add_electrode_rect(self._p, _b(name), x0, y0, x1, y1))

    def add_electrode_disc(self, name, cx, cy, r):
        self._ctx.check(_c.mn_gen_add_electrode_disc(self._p, _b(name), cx, cy, r))

    def add_electrode_ids(self, name, ids):
        a = _iarr(ids, np.int64)
        self._ctx.check(_c.mn_gen_add_electrode_ids(self._p, _b(name), _lp(a), a.size))

    def _run(self, fn):
        p = ctypes.c_void_p()
        self._ctx.check(fn(ctypes.byref(p), self._p))
        return Graph(ctx=self._ctx, _ptr=p)

    def nanowires(self):
        """Random stick network (000 Fig. 1)."""
        return self._run(_c.mn_gen_nanowires)

    def nanoparticles(self):
        """Percolating nanoparticle network (003 secs. 1.1, 5.1)."""
        return self._run(_c.mn_gen_nanoparticles)

    def lattice(self):
        return self._run(_c.mn_gen_lattice)

    def cb(self):
        """The Caravelli-Barucca circuit (002 Fig. 1)."""
        return self._run(_c.mn_gen_cb)

    @property
    def wires(self):
        """(x0, y0, x1, y1) end points of the wires of the last nanowire run."""
        ptrs = [_c.c_double_p() for _ in range(4)]
        n = _c.mn_gen_wires(self._p, *[ctypes.byref(q) for q in ptrs])
        return tuple(_copy_d(q, n) for q in ptrs)

    @property
    def particles(self):
        """(x, y, node) of the particles of the last nanoparticle run."""
        x, y = _c.c_double_p(), _c.c_double_p()
        node = _c.c_int32_p()
        n = _c.mn_gen_particles(self._p, ctypes.byref(x), ctypes.byref(y), ctypes.byref(node))
        return _copy_d(x, n), _copy_d(y, n), _copy_i(node, n)

    @property
    def coverage(self):
        return _c.mn_gen_coverage(self._p)

    @property
    def memristor_edges(self):
        n = ctypes.c_size_t()
        p = _c.mn_gen_memristor_edges(self._p, ctypes.byref(n))
        return _copy_i(p, n.value)

    @property
    def resistor_edges(self):
        """(edges, G) of the fixed resistors of the last run."""
        n = ctypes.c_size_t()
        G = _c.c_double_p()
        p = _c.mn_gen_resistor_edges(self._p, ctypes.byref(G), ctypes.byref(n))
        return _copy_i(p, n.value), _copy_d(G, n.value)

    def edge_emf(self, n_edges):
        p = _c.mn_gen_edge_emf(self._p)
        return _copy_d(p, n_edges) if p else None


def nanowires(**options):
    """Random nanowire network: nanowires(wires=2000, width=30, height=30, length=1, seed=1)."""
    return Generator(**options).nanowires()


def nanoparticles(**options):
    """Percolating nanoparticle network: nanoparticles(width=40, height=40, coverage=0.65)."""
    return Generator(**options).nanoparticles()


def lattice(kind="square", **options):
    """Lattice: lattice("square", nx=4, ny=4)."""
    return Generator(lattice=kind, **options).lattice()


def cb_circuit(**options):
    """The Caravelli-Barucca circuit graph: cb_circuit(n=10, r_int=100, r_ref=100, source=20)."""
    return Generator(**options).cb()


# ===================================================================== waveforms and simulation

class Waveform:
    """A voltage or current waveform (mn_waveform). Waveform("pulse:2:100:1000:1") parses
    the CLI's spec syntax (docs/simulation.md); also Waveform.dc(v), Waveform.pwl(t, v)."""

    def __init__(self, spec=None, ctx=None, _ptr=None):
        self._ctx = _ctx(ctx)
        if _ptr is not None:
            self._p = _ptr
            return
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_waveform_parse(ctypes.byref(p), self._ctx._p, _b(spec)))
        self._p = p
        self.spec = spec

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_waveform_free(self._p)
            self._p = None

    @classmethod
    def dc(cls, value, ctx=None):
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_waveform_new_dc(ctypes.byref(p), ctx._p, float(value)))
        return cls(ctx=ctx, _ptr=p)

    @classmethod
    def pulse(cls, high, width, period, count=0, delay=0.0, low=0.0, ctx=None):
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_waveform_new_pulse(ctypes.byref(p), ctx._p, float(high), float(low),
                                           float(width), float(period), int(count),
                                           float(delay)))
        return cls(ctx=ctx, _ptr=p)

    @classmethod
    def pwl(cls, t, v, ctx=None):
        ctx = _ctx(ctx)
        t = _darr(t)
        v = _darr(v, t.size, "v")
        p = ctypes.c_void_p()
        ctx.check(_c.mn_waveform_new_pwl(ctypes.byref(p), ctx._p, _dp(t), _dp(v), t.size))
        return cls(ctx=ctx, _ptr=p)

    def __call__(self, t):
        """Value(s) at time(s) t (right limit at a jump)."""
        t = np.asarray(t, dtype=float)
        f = np.vectorize(lambda s: _c.mn_waveform_value(self._p, float(s)), otypes=[float])
        r = f(t)
        return float(r) if r.ndim == 0 else r

    def breakpoints(self, t_end, t_start=-np.inf):
        out = []
        t = t_start
        while True:
            t = _c.mn_waveform_next_breakpoint(self._p, t)
            if not np.isfinite(t) or t > t_end:
                return np.array(out)
            out.append(t)


class Recording(dict):
    """Recorded series of a simulation as numpy arrays: "t", "V" (samples x electrodes,
    applied), "I" (samples x electrodes, into the network), "G" (two-terminal G_eff),
    "mean_<state>" and "x" (samples x recorded edges) when edges are recorded."""

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)


_INTEGRATORS = {"bdf": 0, "adams": 1, "euler": 2, "exact": 3}


class Simulation:
    """Time evolution of a network (mn_sim). Typical use::

        sim = memnet.Simulation(net)
        sim.add_electrode("left", "pwl:0:2,100:2,100:0.1,200:0.1")
        sim.add_electrode("right")                       # ground
        rec = sim.run(200, dt=1.0)                       # samples every second
        rec.t, rec.G                                     # numpy arrays

    A KeyboardInterrupt (Ctrl-C) during run() stops the integration cleanly: the samples taken
    so far stay in `sim.recording` and the interrupt is re-raised.
    """

    def __init__(self, network, integrator="bdf", rtol=None, atol=None):
        self.network = network
        self._ctx = network._ctx
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_sim_new(ctypes.byref(p), network._p))
        self._p = p
        self._waveforms = []
        self._recorded_edges = np.zeros(0, dtype=np.int32)
        self._rows = []
        self._exc = None
        self.recording = Recording()
        # callbacks hold a weak reference: no reference cycle, so the simulation is freed
        # (before its context) as soon as the last user reference goes
        ref = weakref.ref(self)
        self._cb = _c.sample_fn(lambda s, u: ref()._on_sample(s, u) if ref() else 1)
        self._pcb = _c.progress_fn(lambda t, te, u: ref()._on_progress(t, te, u) if ref() else 1)
        self._ctx.check(_c.mn_sim_set_sample_callback(self._p, self._cb, None))
        self._ctx.check(_c.mn_sim_set_progress_callback(self._p, self._pcb, 1, None))
        self.progress = None
        self.set_integrator(integrator)
        if rtol is not None or atol is not None:
            self.set_tolerances(rtol or 1e-6, atol or 1e-9)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_sim_free(self._p)
            self._p = None

    def _wave(self, w):
        if w is None:
            return None
        if not isinstance(w, Waveform):
            w = Waveform.dc(w, ctx=self._ctx) if isinstance(w, (int, float)) else \
                Waveform(w, ctx=self._ctx)
        self._waveforms.append(w)
        return w._p

    def add_electrode(self, nodes, waveform=None):
        """Voltage-controlled electrode: node ids or a node-set name, held at waveform(t)
        volts (a Waveform, a spec string, a number; None = ground). Returns its index."""
        k = ctypes.c_size_t()
        w = self._wave(waveform)
        if isinstance(nodes, str):
            self._ctx.check(_c.mn_sim_add_electrode_set(self._p, _b(nodes), w, ctypes.byref(k)))
        else:
            a = _iarr(nodes)
            self._ctx.check(_c.mn_sim_add_electrode(self._p, _ip(a), a.size, w, ctypes.byref(k)))
        return k.value

    def set_current_source(self, source, drain, waveform):
        g = self.network.graph
        a = g._nodes(source)
        b = g._nodes(drain)
        self._ctx.check(_c.mn_sim_set_current_source(self._p, _ip(a), a.size, _ip(b), b.size,
                                                     self._wave(waveform)))

    def set_emf(self, emf):
        a = None if emf is None else _darr(emf, self.network.graph.n_edges, "emf")
        self._ctx.check(_c.mn_sim_set_emf(self._p, _dp(a)))

    def set_integrator(self, name, dt=None):
        """"bdf" (default), "adams", "euler" or "exact" (fixed step dt)."""
        self._ctx.check(_c.mn_sim_set_integrator(self._p, _INTEGRATORS[name]))
        if dt is not None:
            self._ctx.check(_c.mn_sim_set_fixed_step(self._p, float(dt)))

    def set_tolerances(self, rtol, atol):
        self._ctx.check(_c.mn_sim_set_tolerances(self._p, float(rtol), float(atol)))

    def set_max_step(self, hmax):
        self._ctx.check(_c.mn_sim_set_max_step(self._p, float(hmax)))

    def init(self, value=None, t0=0.0, states=None, random=None, seed=1):
        """Initial state: model defaults (no argument), a uniform value, an array of states,
        or random=(lo, hi)."""
        if states is not None:
            a = _darr(states, self.network.n_states, "states")
            self._ctx.check(_c.mn_sim_init_states(self._p, float(t0), _dp(a)))
        elif random is not None:
            self._ctx.check(_c.mn_sim_init_random(self._p, float(t0), float(random[0]),
                                                  float(random[1]), int(seed)))
        elif value is not None:
            self._ctx.check(_c.mn_sim_init_uniform(self._p, float(t0), float(value)))
        else:
            self._ctx.check(_c.mn_sim_init_default(self._p, float(t0)))

    def record_edges(self, edges):
        """Record these edges' states at every sample (in rec["x"])."""
        a = _iarr(edges)
        self._ctx.check(_c.mn_sim_record_edges(self._p, _ip(a), a.size))
        self._recorded_edges = a

    def record_csv(self, path, header=None):
        """Also stream samples to a CSV file (mn_sim_record_csv)."""
        self._ctx.check(_c.mn_sim_record_csv(self._p, _b(str(path)) if path else None,
                                             _b(header) if header else None))

    def _on_sample(self, simp, ud):
        try:
            p = self._p
            ne = _c.mn_sim_electrode_count(p)
            row = [_c.mn_sim_time(p),
                   [_c.mn_sim_applied_voltage(p, k) for k in range(ne)],
                   [_c.mn_sim_electrode_current(p, k) for k in range(ne)],
                   _c.mn_sim_effective_conductance(p),
                   _c.mn_sim_mean_state(p, 0)]
            if self._recorded_edges.size:
                off = np.ctypeslib.as_array(_c.mn_network_state_offsets(self.network._p),
                                            shape=(self.network.graph.n_edges + 1,))
                x = np.ctypeslib.as_array(_c.mn_sim_states(p), shape=(self.network.n_states,))
                row.append(np.array([x[off[e]] for e in self._recorded_edges]))
            self._rows.append(row)
            return 0
        except BaseException as e:  # KeyboardInterrupt included: stop the run cleanly
            self._exc = e
            return 1

    def _on_progress(self, t, t_end, ud):
        try:
            if self.progress is not None:
                self.progress(t, t_end)
            return 0
        except BaseException as e:
            self._exc = e
            return 1

    def _collect(self):
        r = Recording()
        rows = self._rows
        r["t"] = np.array([x[0] for x in rows])
        ne = int(_c.mn_sim_electrode_count(self._p))
        r["V"] = np.array([x[1] for x in rows], dtype=float).reshape(len(rows), ne)
        r["I"] = np.array([x[2] for x in rows], dtype=float).reshape(len(rows), ne)
        r["G"] = np.array([x[3] for x in rows])
        ops = _c.mn_network_model_ops(self.network._p, 0)
        name = "g"
        if ops and ops.contents.n_states and ops.contents.state_names:
            name = ops.contents.state_names[0].decode()
        r["mean_" + name] = np.array([x[4] for x in rows])
        if self._recorded_edges.size:
            r["x"] = np.array([x[5] for x in rows], dtype=float).reshape(
                len(rows), self._recorded_edges.size)
            r["edges"] = self._recorded_edges.copy()
        self.recording = r
        return r

    def run(self, t_end, dt=None, times=None):
        """Integrate to t_end, sampling every dt seconds from the present time (or at
        `times`). Returns the Recording of all samples taken so far."""
        if times is not None:
            a = _darr(times)
            self._ctx.check(_c.mn_sim_set_sample_times(self._p, _dp(a), a.size))
        elif dt is not None:
            self._ctx.check(_c.mn_sim_set_sample_interval(self._p, self.time, float(dt)))
        self._exc = None
        st = _c.mn_sim_run(self._p, float(t_end))
        self._collect()
        if self._exc is not None:
            e, self._exc = self._exc, None
            _c.mn_context_clear_error(self._ctx._p)
            raise e
        self._ctx.check(st)
        return self.recording

    @property
    def time(self):
        return _c.mn_sim_time(self._p)

    @property
    def states(self):
        return _copy_d(_c.mn_sim_states(self._p), self.network.n_states)

    @property
    def conductances(self):
        return _copy_d(_c.mn_sim_conductances(self._p), self.network.graph.n_edges)

    @property
    def edge_voltages(self):
        return _copy_d(_c.mn_sim_edge_voltages(self._p), self.network.graph.n_edges)

    @property
    def edge_currents(self):
        return _copy_d(_c.mn_sim_edge_currents(self._p), self.network.graph.n_edges)

    @property
    def potentials(self):
        return _copy_d(_c.mn_sim_potentials(self._p), self.network.graph.n_nodes)

    @property
    def effective_conductance(self):
        return _c.mn_sim_effective_conductance(self._p)

    def electrode_current(self, k):
        return _c.mn_sim_electrode_current(self._p, int(k))

    @property
    def stats(self):
        names = ["steps", "rhs", "jv", "lin_iters", "newton_iters", "prec_setups", "err_fails",
                 "root_evals", "events", "restarts", "solves"]
        return {n: int(_c.mn_sim_stat_get(self._p, i)) for i, n in enumerate(names)}

    @property
    def event_count(self):
        return int(_c.mn_sim_event_count(self._p))

    def events(self):
        """The in-memory event log (filament formation/breaking): (t, edge, kind) arrays,
        kind 0 formed, 1 broke, 2 other (the most recent 10^6 events are kept)."""
        n = self.event_count
        t = np.empty(n)
        e = np.empty(n, dtype=np.int32)
        k = np.empty(n, dtype=np.intc)
        tt, ee, kk = ctypes.c_double(), ctypes.c_int32(), ctypes.c_int()
        first = max(0, n - 1000000)
        for i in range(first, n):
            self._ctx.check(_c.mn_sim_event(self._p, i, ctypes.byref(tt), ctypes.byref(ee),
                                            ctypes.byref(kk)))
            t[i], e[i], k[i] = tt.value, ee.value, kk.value
        return t[first:], e[first:], k[first:]

    def record_events_csv(self, path):
        """Stream the event log to a CSV file t,edge,kind (None closes it)."""
        self._ctx.check(_c.mn_sim_record_events_csv(self._p, _b(str(path)) if path else None))

    def track_energy(self, on=True):
        """Integrate the source and dissipated energies (read with .energy)."""
        self._ctx.check(_c.mn_sim_set_energy_tracking(self._p, int(bool(on))))

    @property
    def energy(self):
        """(E_source, E_edges) in J since tracking was switched on."""
        a, b = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_sim_energy(self._p, ctypes.byref(a), ctypes.byref(b)))
        return a.value, b.value

    def checkpoint_save(self, path):
        """Write the complete state; a run resumed from it is the same, bit for bit."""
        self._ctx.check(_c.mn_sim_checkpoint_save(self._p, _b(str(path))))

    def checkpoint_load(self, path):
        """Resume from a checkpoint of a simulation set up the same way."""
        self._ctx.check(_c.mn_sim_checkpoint_load(self._p, _b(str(path))))


# ===================================================================== mean field

class MeanFieldModel:
    """Effective one-junction model (000 eqs. 7-10, 15, 30-31): "miranda", "hillock" or
    "linear", with parameters by keyword: MeanFieldModel("miranda", G_min=1e-3, chi=100)."""

    def __init__(self, name="miranda", ctx=None, _ptr=None, **params):
        self._ctx = _ctx(ctx)
        if _ptr is None:
            p = ctypes.c_void_p()
            self._ctx.check(_c.mn_meanfield_model_new_by_name(ctypes.byref(p), self._ctx._p,
                                                              _b(name)))
            _ptr = p
        self._p = _ptr
        for k, v in params.items():
            self[k] = v

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_model_free(self._p)
            self._p = None

    def copy(self):
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_model_copy(ctypes.byref(p), self._p))
        return MeanFieldModel(ctx=self._ctx, _ptr=p)

    @property
    def name(self):
        return _c.mn_meanfield_model_name(self._p).decode()

    @property
    def param_names(self):
        return [_c.mn_meanfield_model_param_name(self._p, i).decode()
                for i in range(_c.mn_meanfield_model_param_count(self._p))]

    @property
    def params(self):
        return {n: self[n] for n in self.param_names}

    def __setitem__(self, k, v):
        self._ctx.check(_c.mn_meanfield_model_set(self._p, _b(k), float(v)))

    def __getitem__(self, k):
        v = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_model_get(self._p, _b(k), ctypes.byref(v)))
        return v.value

    def __repr__(self):
        return "<memnet.MeanFieldModel %s %s>" % (self.name, self.params)

    @property
    def state_range(self):
        lo, hi = ctypes.c_double(), ctypes.c_double()
        _c.mn_meanfield_model_state_range(self._p, ctypes.byref(lo), ctypes.byref(hi))
        return lo.value, hi.value

    def rate(self, g, v):
        """d<g>/dt at state(s) g and voltage v."""
        out = ctypes.c_double()

        def one(gg):
            self._ctx.check(_c.mn_meanfield_model_rate(self._p, float(gg), float(v),
                                                       ctypes.byref(out)))
            return out.value
        r = np.vectorize(one, otypes=[float])(np.asarray(g, dtype=float))
        return float(r) if r.ndim == 0 else r

    def conductance(self, g):
        """G(g) in S."""
        out = ctypes.c_double()

        def one(gg):
            self._ctx.check(_c.mn_meanfield_model_conductance(self._p, float(gg),
                                                              ctypes.byref(out)))
            return out.value
        r = np.vectorize(one, otypes=[float])(np.asarray(g, dtype=float))
        return float(r) if r.ndim == 0 else r

    def state_of(self, G):
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_model_state_of(self._p, float(G), ctypes.byref(out)))
        return out.value

    def set_tolerances(self, rtol, atol):
        self._ctx.check(_c.mn_meanfield_model_set_tolerances(self._p, float(rtol), float(atol)))

    def integrate(self, t, V, g0):
        """Integrate under a sampled protocol (V[i] held from t[i] to t[i+1]); returns (g, G)."""
        t = _darr(t)
        V = _darr(V, t.size, "V")
        g = np.empty(t.size)
        G = np.empty(t.size)
        self._ctx.check(_c.mn_meanfield_model_integrate_sampled(self._p, _dp(t), _dp(V), t.size,
                                                                float(g0), _dp(g), _dp(G)))
        return g, G

    def renormalise(self, omega_n1, omega_mean, G_source=1.0):
        """Turn junction parameters into the network's effective model (in place)."""
        self._ctx.check(_c.mn_meanfield_model_renormalise(self._p, float(omega_n1),
                                                          float(omega_mean), float(G_source)))
        return self

    def potential(self, v, g):
        """Effective potential V_v(g) (000 eq. 11)."""
        g = _darr(g)
        out = np.empty(g.size)
        self._ctx.check(_c.mn_meanfield_potential(self._p, float(v), _dp(g), g.size, _dp(out)))
        return out

    def equilibria(self, v, cap=16):
        """(g_eq, stability) at voltage v; stability 0 stable, 1 unstable, 2 marginal."""
        g = np.empty(cap)
        s = np.empty(cap, dtype=np.intc)
        n = ctypes.c_size_t()
        self._ctx.check(_c.mn_meanfield_equilibria(self._p, float(v), _dp(g),
                                                   s.ctypes.data_as(_c.c_int_p), cap,
                                                   ctypes.byref(n)))
        k = min(n.value, cap)
        return g[:k].copy(), s[:k].copy()

    def transition(self, v_lo, v_hi):
        """Dict: order ("continuous"/"first-order"), v_th, v_fold1, v_fold2."""
        o = ctypes.c_int()
        a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_transition(self._p, float(v_lo), float(v_hi),
                                                   ctypes.byref(o), ctypes.byref(a),
                                                   ctypes.byref(b), ctypes.byref(c)))
        return {"order": "first-order" if o.value == 1 else "continuous", "v_th": a.value,
                "v_fold1": b.value, "v_fold2": c.value}

    def sweep(self, v, g_start):
        """Quasi-static sweep: (g_eq, G_eq) followed along the voltages v."""
        v = _darr(v)
        g = np.empty(v.size)
        G = np.empty(v.size)
        self._ctx.check(_c.mn_meanfield_sweep(self._p, _dp(v), v.size, float(g_start), _dp(g),
                                              _dp(G)))
        return g, G

    #: names of mn_meanfield_model_set_fit_option()'s options (mn_meanfield_fit_option)
    FIT_OPTIONS = {"max_evaluations": 0, "max_seconds": 1, "auto_start": 2, "auto_fix": 3}

    def set_fit_option(self, option, value):
        """Set a fit option (kept with the model, copied by copy()): "max_evaluations"
        (default 3000), "max_seconds" (default 60), "auto_start" (1: also start from values
        estimated from the data), "auto_fix" (1: hold parameters the data do not determine),
        or the option's number (mn_meanfield_fit_option)."""
        if isinstance(option, str):
            if option not in self.FIT_OPTIONS:
                raise Error(-2, "unknown fit option %r (one of %s)"  # MN_ERR_INVALID
                            % (option, ", ".join(self.FIT_OPTIONS)))
            option = self.FIT_OPTIONS[option]
        self._ctx.check(_c.mn_meanfield_model_set_fit_option(self._p, int(option), float(value)))
        return self

    def fit(self, t, V, G, free=("chi", "k_p", "k_d", "eta_p"), relative=True, **options):
        """Least-squares fit of the free parameters to a measured G(t) under V(t)
        (Levenberg-Marquardt; the model keeps the fitted values). free=None fits the library's
        default set (miranda G_min, chi, k_p, k_d, eta_p, eta_d; hillock G_min, chi, mu,
        kappa; linear R_off, chi, alpha, k). Keyword options (max_evaluations, max_seconds,
        auto_start, auto_fix) are set with set_fit_option() first. Returns a FitResult: check
        its status (a fit stopped by a budget returns its best point, not an error)."""
        t = _darr(t)
        V = _darr(V, t.size, "V")
        G = _darr(G, t.size, "G")
        for k, v in options.items():
            self.set_fit_option(k, v)
        if free is None:
            names, nfree = None, 0
        else:
            free = [free] if isinstance(free, str) else list(free)
            names, nfree = (ctypes.c_char_p * len(free))(*[_b(n) for n in free]), len(free)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_fit_run(ctypes.byref(p), self._p, _dp(t), _dp(V), _dp(G),
                                                t.size, names, nfree, int(bool(relative))))
        return FitResult(p, t.size, self._ctx)


class FitResult:
    """Result of MeanFieldModel.fit: params {name: (value, sigma)}, curve, residuals, rms;
    status ("converged", "evaluation-limit" or "time-limit"), status_code
    (mn_meanfield_fit_status_code), converged (bool), message (what happened, which
    parameters were held) and held {name: bool} (held at the start value because the data do
    not determine it; its sigma is 0)."""

    STATUS_NAMES = {0: "converged", 1: "evaluation-limit", 2: "time-limit"}

    def __init__(self, ptr, n, ctx):
        self._p = ptr
        self._ctx = ctx
        self.params = {}
        for i in range(_c.mn_meanfield_fit_param_count(ptr)):
            name = ctypes.c_char_p()
            v, s = ctypes.c_double(), ctypes.c_double()
            ctx.check(_c.mn_meanfield_fit_param(ptr, i, ctypes.byref(name), ctypes.byref(v),
                                                ctypes.byref(s)))
            self.params[name.value.decode()] = (v.value, s.value)
        self.held = {nm: bool(_c.mn_meanfield_fit_param_fixed(ptr, i))
                     for i, nm in enumerate(self.params)}
        msg = ctypes.c_char_p()
        self.status_code = _c.mn_meanfield_fit_status(ptr, ctypes.byref(msg))
        self.status = self.STATUS_NAMES.get(self.status_code, "unknown")
        self.converged = self.status_code == 0
        self.message = msg.value.decode() if msg.value else ""
        self.curve = _copy_d(_c.mn_meanfield_fit_curve(ptr), n)
        self.residuals = _copy_d(_c.mn_meanfield_fit_residuals(ptr), n)
        rms, chi2, g0 = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        dof, nfev = ctypes.c_size_t(), ctypes.c_size_t()
        _c.mn_meanfield_fit_stats(ptr, ctypes.byref(rms), ctypes.byref(chi2), ctypes.byref(dof),
                                  ctypes.byref(nfev), ctypes.byref(g0))
        self.rms, self.chi2, self.dof, self.nfev, self.g0 = (rms.value, chi2.value, dof.value,
                                                             nfev.value, g0.value)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_fit_free(self._p)
            self._p = None

    def __repr__(self):
        return "<memnet.FitResult %s rms=%.3g %s>" % (self.status, self.rms, self.params)


class Projector:
    """Projector quantities of a graph between a source and a drain (000 sec. 5):
    omega_n1, omega_vec, diag, trace, trace2, omega_mean; g_mean(g), g_eff(g, G_min, chi)."""

    METHODS = {"auto": 0, "dense": 1, "selinv": 2, "random": 3}

    def __init__(self, graph, source="left", drain="right", method="auto", tol=0.01, seed=1):
        self.graph = graph
        self._ctx = graph._ctx
        a = graph._nodes(source)
        b = graph._nodes(drain)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_projector_new(ctypes.byref(p), graph._p, _ip(a), a.size,
                                                      _ip(b), b.size, self.METHODS[method],
                                                      float(tol), int(seed)))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_projector_free(self._p)
            self._p = None

    @property
    def omega_n1(self):
        return _c.mn_meanfield_projector_omega_n1(self._p)

    @property
    def omega_vec(self):
        return _copy_d(_c.mn_meanfield_projector_omega_vec(self._p), self.graph.n_edges)

    @property
    def diag(self):
        return _copy_d(_c.mn_meanfield_projector_diag(self._p), self.graph.n_edges)

    @property
    def trace(self):
        return _c.mn_meanfield_projector_trace(self._p)

    @property
    def trace2(self):
        return _c.mn_meanfield_projector_trace2(self._p)

    @property
    def omega_mean(self):
        return _c.mn_meanfield_projector_omega_mean(self._p)

    def g_mean(self, g):
        g = _darr(g, self.graph.n_edges, "g")
        m, e = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_projector_g_mean(self._p, _dp(g), ctypes.byref(m),
                                                         ctypes.byref(e)))
        return m.value

    def g_eff(self, g, G_min, chi):
        g = _darr(g, self.graph.n_edges, "g")
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_projector_g_eff(self._p, _dp(g), float(G_min),
                                                        float(chi), ctypes.byref(out)))
        return out.value

    def renormalise(self, model, G_source=1.0):
        self._ctx.check(_c.mn_meanfield_model_renormalise_projector(model._p, self._p,
                                                                    float(G_source)))
        return model


class CBCircuit:
    """The Caravelli-Barucca n-memristor circuit theory (002/004)."""

    def __init__(self, n=10, R_on=100.0, R_off=16000.0, R_ref=100.0, R_int=100.0, alpha=1.0,
                 gamma=1.0, ctx=None):
        self._ctx = _ctx(ctx)
        self.n = int(n)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_cb_new(ctypes.byref(p), self._ctx._p, self.n,
                                               float(R_on), float(R_off), float(R_ref),
                                               float(R_int), float(alpha), float(gamma)))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_cb_free(self._p)
            self._p = None

    @property
    def coefficients(self):
        """(xi, chi, rho) of 002 eq. 10."""
        a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        _c.mn_meanfield_cb_coefficients(self._p, ctypes.byref(a), ctypes.byref(b),
                                        ctypes.byref(c))
        return a.value, b.value, c.value

    @property
    def critical_voltage(self):
        """S_c of 002 eq. 11 (V)."""
        return _c.mn_meanfield_cb_critical_voltage(self._p)

    def fixed_point(self, S, interacting=True):
        a, b = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_cb_fixed_point(self._p, float(S), int(interacting),
                                                       ctypes.byref(a), ctypes.byref(b)))
        return a.value, b.value

    def psi(self, S):
        """Curie-Weiss mean field psi (002 eq. 17)."""
        return _c.mn_meanfield_cb_psi(self._p, float(S))

    def lyapunov(self, w, S):
        w = _darr(w, self.n, "w")
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_cb_lyapunov(self._p, _dp(w), None, float(S),
                                                    ctypes.byref(out)))
        return out.value

    def integrate(self, w0, S, t_end, dt):
        """RK4 of 002 eq. 34 from w0 with every S_k = S; returns (w, H trace)."""
        w = _darr(w0, self.n, "w0").copy()
        nsteps = int(np.floor(t_end / dt)) + 1
        H = np.empty(nsteps)
        self._ctx.check(_c.mn_meanfield_cb_integrate(self._p, _dp(w), None, float(S),
                                                     float(t_end), float(dt), _dp(H)))
        return w, H


# ===================================================================== analysis

def _check0(st, ctx):
    ctx.check(st)


def detect_events(t, x, threshold, relative=False, direction="both", ctx=None):
    """Events where |x[i] - x[i-1]| passes threshold: returns (times, sizes)."""
    ctx = _ctx(ctx)
    x = _darr(x)
    t = None if t is None else _darr(t, x.size, "t")
    p = ctypes.c_void_p()
    ctx.check(_c.mn_analysis_detect_events(ctypes.byref(p), ctx._p, _dp(t), _dp(x), x.size,
                                           float(threshold), int(bool(relative)),
                                           {"both": 0, "up": 1, "down": 2}[direction]))
    try:
        n = _c.mn_event_train_count(p)
        return _copy_d(_c.mn_event_train_times(p), n), _copy_d(_c.mn_event_train_sizes(p), n)
    finally:
        _c.mn_event_train_free(p)


def intervals(times, ctx=None):
    """Inter-event intervals (003 sec. 2.5)."""
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(max(t.size - 1, 0))
    ctx.check(_c.mn_analysis_intervals(_dp(out), ctx._p, _dp(t), t.size))
    return out


def histogram(x, bins=30, log=False, lo=0.0, hi=0.0, ctx=None):
    """Probability-density histogram: returns (edges, density, counts)."""
    ctx = _ctx(ctx)
    x = _darr(x)
    edges = np.empty(bins + 1)
    dens = np.empty(bins)
    counts = np.empty(bins, dtype=np.uintp)
    nout = ctypes.c_size_t()
    ctx.check(_c.mn_analysis_histogram(_dp(edges), _dp(dens),
                                       counts.ctypes.data_as(_c.c_size_t_p), ctypes.byref(nout),
                                       ctx._p, _dp(x), x.size, int(bins), int(bool(log)),
                                       float(lo), float(hi)))
    return edges, dens, counts.astype(np.int64)


def powerlaw_fit(x, xmin=0.0, discrete=False, bootstrap=0, gof_samples=0, seed=1, ctx=None):
    """Clauset-Shalizi-Newman power-law fit: dict alpha, alpha_err, xmin, ks, n_tail, p_value."""
    ctx = _ctx(ctx)
    x = _darr(x)
    p = ctypes.c_void_p()
    ctx.check(_c.mn_powerlaw_new(ctypes.byref(p), ctx._p))
    try:
        for opt, val in ((0, xmin), (3, bootstrap), (4, gof_samples), (5, int(bool(discrete)))):
            ctx.check(_c.mn_powerlaw_set(p, opt, float(val)))
        _c.mn_powerlaw_set_seed(p, int(seed))
        ctx.check(_c.mn_powerlaw_fit(p, _dp(x), x.size))
        return {"alpha": _c.mn_powerlaw_alpha(p), "alpha_err": _c.mn_powerlaw_alpha_err(p),
                "xmin": _c.mn_powerlaw_xmin(p), "ks": _c.mn_powerlaw_ks(p),
                "n_tail": int(_c.mn_powerlaw_n_tail(p)), "p_value": _c.mn_powerlaw_p_value(p),
                "alpha_boot_err": _c.mn_powerlaw_alpha_boot_err(p)}
    finally:
        _c.mn_powerlaw_free(p)


def acf(x, max_lag, ctx=None):
    """Autocorrelation function for lags 0..max_lag."""
    ctx = _ctx(ctx)
    x = _darr(x)
    out = np.empty(int(max_lag) + 1)
    ctx.check(_c.mn_analysis_acf(_dp(out), ctx._p, _dp(x), x.size, int(max_lag)))
    return out


def bin_events(times, t0, bin_width, nbins, ctx=None):
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(int(nbins))
    ctx.check(_c.mn_analysis_bin_events(_dp(out), ctx._p, _dp(t), t.size, float(t0),
                                        float(bin_width), int(nbins)))
    return out


def event_acf(times, t0, bin_width, nbins, max_lag, ctx=None):
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(int(max_lag) + 1)
    ctx.check(_c.mn_analysis_event_acf(_dp(out), ctx._p, _dp(t), t.size, float(t0),
                                       float(bin_width), int(nbins), int(max_lag)))
    return out


def avalanches(counts, ctx=None):
    """Avalanches of a binned event train: (sizes, durations, starts)."""
    ctx = _ctx(ctx)
    c = _darr(counts)
    cap = max(c.size // 2 + 1, 1)
    s = np.empty(cap)
    d = np.empty(cap, dtype=np.uintp)
    st = np.empty(cap, dtype=np.uintp)
    n = ctypes.c_size_t()
    ctx.check(_c.mn_analysis_avalanches(_dp(s), d.ctypes.data_as(_c.c_size_t_p),
                                        st.ctypes.data_as(_c.c_size_t_p), ctypes.byref(n), cap,
                                        ctx._p, _dp(c), c.size))
    k = n.value
    return s[:k].copy(), d[:k].astype(np.int64), st[:k].astype(np.int64)


def moving_average(x, window, ctx=None):
    ctx = _ctx(ctx)
    x = _darr(x)
    out = np.empty(x.size)
    ctx.check(_c.mn_analysis_moving_average(_dp(out), ctx._p, _dp(x), x.size, int(window)))
    return out


def event_rate(t, times, window, ctx=None):
    ctx = _ctx(ctx)
    t = _darr(t)
    e = _darr(times)
    out = np.empty(t.size)
    ctx.check(_c.mn_analysis_event_rate(_dp(out), ctx._p, _dp(t), t.size, _dp(e), e.size,
                                        float(window)))
    return out
