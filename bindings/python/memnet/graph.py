"""Graphs of junctions: nodes, oriented edges, geometry, node sets (graph.h)."""

import ctypes

import numpy as np

from . import _lib
from ._lib import (c_double_p, c_int32_p, c_size_t_p, c_int_p, vp, vpp, sz, i32, i64,
                   dbl, cint, cstr)
from ._lib import _darr, _iarr, _dp, _ip, _copy_d, _copy_i, _b
from .core import Error, _ctx

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (graph.h)
_decl("mn_graph_new", cint, vpp, vp, sz)
_decl("mn_graph_new_from_edges", cint, vpp, vp, sz, sz, c_int32_p, c_int32_p)
_decl("mn_graph_free", None, vp)
_decl("mn_graph_copy", cint, vpp, vp)
_decl("mn_graph_context", vp, vp)
_decl("mn_graph_add_nodes", cint, vp, sz, c_int32_p)
_decl("mn_graph_add_edge", cint, vp, i64, i64, c_int32_p)
_decl("mn_graph_node_count", sz, vp)
_decl("mn_graph_edge_count", sz, vp)
_decl("mn_graph_edge_u", c_int32_p, vp)
_decl("mn_graph_edge_v", c_int32_p, vp)
_decl("mn_graph_set_node_coords", cint, vp, c_double_p, c_double_p)
_decl("mn_graph_node_x", c_double_p, vp)
_decl("mn_graph_node_y", c_double_p, vp)
_decl("mn_graph_set_edge_lengths", cint, vp, c_double_p)
_decl("mn_graph_set_edge_length", cint, vp, i32, dbl)
_decl("mn_graph_edge_lengths", c_double_p, vp)
_decl("mn_graph_set_edge_positions", cint, vp, c_double_p, c_double_p)
_decl("mn_graph_edge_x", c_double_p, vp)
_decl("mn_graph_edge_y", c_double_p, vp)
_decl("mn_graph_edge_column_count", sz, vp)
_decl("mn_graph_edge_column", c_double_p, vp, sz)
_decl("mn_graph_add_edge_column", cint, vp, c_double_p)
_decl("mn_graph_set_node_set", cint, vp, cstr, c_int32_p, sz)
_decl("mn_graph_node_set", cint, vp, cstr, ctypes.POINTER(c_int32_p), c_size_t_p)
_decl("mn_graph_node_set_count", sz, vp)
_decl("mn_graph_node_set_name", cstr, vp, sz)
_decl("mn_graph_components", cint, vp, ctypes.POINTER(c_int32_p), c_size_t_p)
_decl("mn_graph_connected", cint, vp, c_int32_p, sz, c_int32_p, sz, c_int_p)
_decl("mn_graph_read_edgelist", cint, vpp, vp, cstr, sz, sz)
_decl("mn_graph_write_edgelist", cint, vp, cstr)
_decl("mn_graph_save", cint, vp, cstr)
_decl("mn_graph_load", cint, vpp, vp, cstr)

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
        u = _iarr(u, np.int32, "u")
        v = _iarr(v, np.int32, "v")
        if u.size != v.size:
            raise Error(-2, "u and v differ in length (%d, %d)" % (u.size, v.size))  # INVALID
        if n_nodes is None:
            n_nodes = int(max(u.max(initial=-1), v.max(initial=-1)) + 1)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_graph_new_from_edges(ctypes.byref(p), ctx._p, int(n_nodes), u.size,
                                             _ip(u), _ip(v)))
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
        """An independent copy (mn_graph_copy): topology, geometry, lengths, columns, node sets."""
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
        """Number of nodes."""
        return int(_c.mn_graph_node_count(self._p))

    @property
    def n_edges(self):
        """Number of edges (junctions); edge e is state block e of a Network."""
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
        """Number of value columns of the edges (column(k) reads one)."""
        return int(_c.mn_graph_edge_column_count(self._p))

    def add_column(self, values):
        """Append a value column: n_edges floats, stored with the graph and written by save()."""
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
