"""Network generators: nanowires, measured wire segments, nanoparticles, lattices, the CB
circuit (generators.h)."""

import ctypes
import os

import numpy as np

from . import _lib
from ._lib import c_double_p, c_int32_p, c_int64_p, c_size_t_p, vp, vpp, sz, i64, dbl, cint, cstr
from ._lib import _darr, _iarr, _dp, _ip, _copy_d, _copy_i, _b
from .core import _ctx
from .graph import Graph

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (generators.h)
_decl("mn_gen_new", cint, vpp, vp)
_decl("mn_gen_free", None, vp)
_decl("mn_gen_set_real", cint, vp, cint, dbl)
_decl("mn_gen_set_int", cint, vp, cint, i64)
_decl("mn_gen_get_real", cint, vp, cint, c_double_p)
_decl("mn_gen_get_int", cint, vp, cint, c_int64_p)
_decl("mn_gen_set_cb_sources", cint, vp, c_double_p, sz)
_decl("mn_gen_add_electrode_rect", cint, vp, cstr, dbl, dbl, dbl, dbl)
_decl("mn_gen_add_electrode_disc", cint, vp, cstr, dbl, dbl, dbl)
_decl("mn_gen_add_electrode_ids", cint, vp, cstr, c_int32_p, sz)
_decl("mn_gen_nanowires", cint, vpp, vp)
_decl("mn_gen_segments", cint, vpp, vp, c_double_p, sz)
_decl("mn_gen_segments_file", cint, vpp, vp, cstr)
_decl("mn_gen_nanoparticles", cint, vpp, vp)
_decl("mn_gen_lattice", cint, vpp, vp)
_decl("mn_gen_cb", cint, vpp, vp)
_decl("mn_gen_wires", sz, vp, ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p),
      ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p))
_decl("mn_gen_particles", sz, vp, ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p),
      ctypes.POINTER(c_int32_p))
_decl("mn_gen_coverage", dbl, vp)
_decl("mn_gen_memristor_edges", c_int32_p, vp, c_size_t_p)
_decl("mn_gen_resistor_edges", c_int32_p, vp, ctypes.POINTER(c_double_p), c_size_t_p)
_decl("mn_gen_edge_emf", c_double_p, vp)

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
        """Set options by keyword (see the class docstring; string values for the enumerated
        options such as length_dist="lognormal", sources= for the CB circuit's sources in V);
        returns the generator. An unknown name raises KeyError listing the known ones."""
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
        """Electrode `name`: every node whose wire or particle touches the rectangle
        [x0, x1] x [y0, y1] (geometry's length unit)."""
        self._ctx.check(_c.mn_gen_add_electrode_rect(self._p, _b(name), x0, y0, x1, y1))

    def add_electrode_disc(self, name, cx, cy, r):
        """Electrode `name`: every node touching the disc of centre (cx, cy) and radius r."""
        self._ctx.check(_c.mn_gen_add_electrode_disc(self._p, _b(name), cx, cy, r))

    def add_electrode_ids(self, name, ids):
        """Electrode `name` made of the given node ids of the generated graph."""
        a = _iarr(ids, np.int32)
        self._ctx.check(_c.mn_gen_add_electrode_ids(self._p, _b(name), _ip(a), a.size))

    def _run(self, fn):
        p = ctypes.c_void_p()
        self._ctx.check(fn(ctypes.byref(p), self._p))
        return Graph(ctx=self._ctx, _ptr=p)

    def nanowires(self):
        """Random stick network (000 Fig. 1)."""
        return self._run(_c.mn_gen_nanowires)

    def segments(self, segments):
        """Network from measured wires (mn_gen_segments): `segments` is an (n, 4) array of end
        points x1, y1, x2, y2 (geometry's length unit), or a path to a segments file (text/CSV,
        one x1,y1,x2,y2 per line; docs/file-formats.md). Built as for random sticks: one node
        per wire, one edge per crossing, with this generator's electrodes (default: the pads on
        x = 0 and x = width of the box [0, width] x [0, height]), gap, multinode, keep options.
        Raises ValueError-derived memnet errors naming the bad segment (or file line)."""
        if isinstance(segments, (str, bytes, os.PathLike)):
            path = os.fsencode(segments)
            p = ctypes.c_void_p()
            self._ctx.check(_c.mn_gen_segments_file(ctypes.byref(p), self._p, path))
            return Graph(ctx=self._ctx, _ptr=p)
        a = np.ascontiguousarray(segments, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != 4:
            raise ValueError("segments: expected an (n, 4) array of x1, y1, x2, y2, got shape %s"
                             % (a.shape,))
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_gen_segments(ctypes.byref(p), self._p, _dp(a), a.shape[0]))
        return Graph(ctx=self._ctx, _ptr=p)

    def nanoparticles(self):
        """Percolating nanoparticle network (003 secs. 1.1, 5.1)."""
        return self._run(_c.mn_gen_nanoparticles)

    def lattice(self):
        """A lattice (options kind = square, ladder, chain or complete; nx, ny; spacing)."""
        return self._run(_c.mn_gen_lattice)

    def cb(self):
        """The Caravelli-Barucca circuit (002 Fig. 1)."""
        return self._run(_c.mn_gen_cb)

    @property
    def wires(self):
        """(x0, y0, x1, y1) end points of the wires of the last nanowire or segments run."""
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
        """Coverage reached by the last nanoparticle run (fraction of the area; NaN otherwise)."""
        return _c.mn_gen_coverage(self._p)

    @property
    def memristor_edges(self):
        """Edge ids of the last run's memristive junctions (not the fixed resistors), int32."""
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
        """Series EMF (V) of every edge of the last run's graph (n_edges values), or None when no
        edge has one (the CB circuit's sources); pass it to Kirchhoff/Simulation.set_emf."""
        p = _c.mn_gen_edge_emf(self._p)
        return _copy_d(p, n_edges) if p else None


def nanowires(**options):
    """Random nanowire network: nanowires(wires=2000, width=30, height=30, length=1, seed=1)."""
    return Generator(**options).nanowires()


def generate_segments(segments, electrodes=None, **options):
    """Nanowire network from measured wire segments (an (n, 4) numpy array of x1, y1, x2, y2 or
    the path of a segments file): generate_segments(xy, width=W, height=H, gap=0.002,
    multinode=False, keep="electrodes", pad_width=0, electrodes=None). `electrodes` maps a name
    to ("rect", x0, y0, x1, y1), ("disc", cx, cy, r) or ("ids", [segment indices]); the first two
    are source and drain. Returns the Graph (node i = wire i before electrode extraction;
    node_origin maps back)."""
    gen = Generator(**options)
    for name, spec in (electrodes or {}).items():
        kind, args = spec[0], spec[1:]
        if kind == "rect":
            gen.add_electrode_rect(name, *args)
        elif kind == "disc":
            gen.add_electrode_disc(name, *args)
        elif kind == "ids":
            gen.add_electrode_ids(name, args[0])
        else:
            raise ValueError("electrode %r: kind %r is not rect, disc or ids" % (name, kind))
    return gen.segments(segments)


def nanoparticles(**options):
    """Percolating nanoparticle network: nanoparticles(width=40, height=40, coverage=0.65)."""
    return Generator(**options).nanoparticles()


def lattice(kind="square", **options):
    """Lattice: lattice("square", nx=4, ny=4)."""
    return Generator(lattice=kind, **options).lattice()


def cb_circuit(**options):
    """The Caravelli-Barucca circuit graph: cb_circuit(n=10, r_int=100, r_ref=100, source=20)."""
    return Generator(**options).cb()
