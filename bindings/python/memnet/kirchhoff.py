"""The nodal Kirchhoff solver (kirchhoff.h)."""

import ctypes

from . import _lib
from ._lib import c_double_p, c_int32_p, c_size_t_p, vp, vpp, sz, dbl, cint
from ._lib import _darr, _iarr, _dp, _ip, _copy_d, _copy_i

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (kirchhoff.h)
_decl("mn_kirchhoff_new", cint, vpp, vp)
_decl("mn_kirchhoff_free", None, vp)
_decl("mn_kirchhoff_add_electrode", cint, vp, c_int32_p, sz, c_size_t_p)
_decl("mn_kirchhoff_electrode_count", sz, vp)
_decl("mn_kirchhoff_set_potential", cint, vp, sz, dbl)
_decl("mn_kirchhoff_set_injection", cint, vp, c_int32_p, sz, c_int32_p, sz, dbl)
_decl("mn_kirchhoff_set_emf", cint, vp, c_double_p)
_decl("mn_kirchhoff_set_conductances", cint, vp, c_double_p)
_decl("mn_kirchhoff_update_conductances", cint, vp, c_int32_p, c_double_p, sz)
_decl("mn_kirchhoff_set_strategy", cint, vp, cint)
_decl("mn_kirchhoff_set_ordering", cint, vp, cint)
_decl("mn_kirchhoff_solve", cint, vp)
_decl("mn_kirchhoff_potentials", c_double_p, vp)
_decl("mn_kirchhoff_edge_voltages", c_double_p, vp)
_decl("mn_kirchhoff_edge_currents", c_double_p, vp)
_decl("mn_kirchhoff_electrode_current", cint, vp, sz, c_double_p)
_decl("mn_kirchhoff_effective_conductance", cint, vp, sz, sz, c_double_p)
_decl("mn_kirchhoff_floating_count", sz, vp)
_decl("mn_kirchhoff_floating_nodes", c_int32_p, vp)

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
        self.conductances = None

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
        """Hold electrode `electrode` at `volts` (V) for the next solve."""
        self._ctx.check(_c.mn_kirchhoff_set_potential(self._p, int(electrode), float(volts)))

    def set_injection(self, source, drain, amps):
        """Current injection (000 eqs. 5-6): `amps` (A) in at node set `source` and out at
        `drain` (names or ids), spread equally over each set's nodes; 0 switches it off. With no
        electrode, the first drain node is the ground (0 V)."""
        a = self.graph._nodes(source)
        b = self.graph._nodes(drain)
        self._ctx.check(_c.mn_kirchhoff_set_injection(self._p, _ip(a), a.size, _ip(b), b.size,
                                                      float(amps)))

    def set_emf(self, emf):
        """Series EMF S_e (V) of every edge, I_e = G_e (V_e + S_e); None removes it."""
        if emf is None:
            self._ctx.check(_c.mn_kirchhoff_set_emf(self._p, None))
        else:
            a = _darr(emf, self.graph.n_edges, "emf")
            self._ctx.check(_c.mn_kirchhoff_set_emf(self._p, _dp(a)))

    def set_conductances(self, G):
        """Set every edge's conductance (S), n_edges values >= 0 (mn_kirchhoff_set_conductances);
        the next solve() uses them. Kept as .conductances."""
        a = _darr(G, self.graph.n_edges, "G")
        self._ctx.check(_c.mn_kirchhoff_set_conductances(self._p, _dp(a)))
        self.conductances = a.copy()

    def update_conductances(self, edges, G):
        """Change the conductances (S) of some edges only; the solver may update its factor
        instead of refactorising (set_strategy)."""
        e = _iarr(edges)
        a = _darr(G, e.size, "G")
        self._ctx.check(_c.mn_kirchhoff_update_conductances(self._p, _ip(e), _dp(a), e.size))
        if self.conductances is not None:
            self.conductances[e] = a

    def set_strategy(self, name):
        """How solves reuse work when conductances change: "auto" (default: by a cost model,
        docs/kirchhoff.md), "refactor" (numeric refactorisation), "update" (rank-k update of
        the factor) or "pcg" (conjugate gradients preconditioned by the last factor)."""
        self._ctx.check(_c.mn_kirchhoff_set_strategy(self._p, self.STRATEGIES[name]))

    def set_ordering(self, name):
        """Fill-reducing ordering of the factorisation: "default" (CHOLMOD's choice), "amd" or
        "metis"."""
        self._ctx.check(_c.mn_kirchhoff_set_ordering(self._p, self.ORDERINGS[name]))

    def solve(self, G=None):
        """Solve (with new conductances G if given); returns the node potentials."""
        if G is not None:
            self.set_conductances(G)
        self._ctx.check(_c.mn_kirchhoff_solve(self._p))
        return self.potentials

    @property
    def potentials(self):
        """Node potentials phi (V) of the last solve (0 for floating nodes)."""
        return _copy_d(_c.mn_kirchhoff_potentials(self._p), self.graph.n_nodes)

    @property
    def edge_voltages(self):
        """Edge voltages V_e = phi_u - phi_v (V) of the last solve."""
        return _copy_d(_c.mn_kirchhoff_edge_voltages(self._p), self.graph.n_edges)

    @property
    def edge_currents(self):
        """Edge currents I_e = G_e (V_e + S_e) (A) of the last solve, positive from u to v."""
        return _copy_d(_c.mn_kirchhoff_edge_currents(self._p), self.graph.n_edges)

    def electrode_current(self, electrode):
        """Current (A) leaving electrode `electrode` into the network in the last solve
        (positive for a source at the higher potential)."""
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
        """Nodes without a defined potential in the last solve (a component touching no electrode,
        or joined to one only through zero conductances), int32 array."""
        return _copy_i(_c.mn_kirchhoff_floating_nodes(self._p),
                       _c.mn_kirchhoff_floating_count(self._p))


def effective_conductance(graph, G, source="left", drain="right"):
    """G_eff (S) of `graph` with edge conductances G between two node sets (names or ids)."""
    k = Kirchhoff(graph)
    a = k.add_electrode(source)
    b = k.add_electrode(drain)
    k.set_conductances(G)
    return k.effective_conductance(a, b)
