"""Waveforms and time evolution of a network (sim.h)."""

import ctypes
import weakref

import numpy as np

from . import _lib
from ._lib import (c_double_p, c_int32_p, c_size_t_p, c_int_p, vp, vpp, sz, i32, u64, dbl, cint,
                   cstr)
from ._lib import _darr, _iarr, _dp, _ip, _copy_d, _b
from .core import _ctx
from .models import _c as _models_c

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (sim.h)
sample_fn = ctypes.CFUNCTYPE(cint, vp, vp)
progress_fn = ctypes.CFUNCTYPE(cint, dbl, dbl, vp)
event_fn = ctypes.CFUNCTYPE(cint, dbl, i32, cint, vp)
_decl("mn_waveform_new_dc", cint, vpp, vp, dbl)
_decl("mn_waveform_new_pulse", cint, vpp, vp, dbl, dbl, dbl, dbl, ctypes.c_int64, dbl)
_decl("mn_waveform_new_pwl", cint, vpp, vp, c_double_p, c_double_p, sz)
_decl("mn_waveform_parse", cint, vpp, vp, cstr)
_decl("mn_waveform_free", None, vp)
_decl("mn_waveform_value", dbl, vp, dbl)
_decl("mn_waveform_next_breakpoint", dbl, vp, dbl)
_decl("mn_sim_new", cint, vpp, vp)
_decl("mn_sim_free", None, vp)
_decl("mn_sim_add_electrode", cint, vp, c_int32_p, sz, vp, c_size_t_p)
_decl("mn_sim_add_electrode_set", cint, vp, cstr, vp, c_size_t_p)
_decl("mn_sim_set_current_source", cint, vp, c_int32_p, sz, c_int32_p, sz, vp)
_decl("mn_sim_set_emf", cint, vp, c_double_p)
_decl("mn_sim_set_electrode_current", cint, vp, sz, vp)
_decl("mn_sim_set_electrode_floating", cint, vp, sz, c_double_p, sz)
_decl("mn_sim_electrode_count", sz, vp)
_decl("mn_sim_set_integrator", cint, vp, cint)
_decl("mn_sim_set_newton", cint, vp, cint)
_decl("mn_sim_set_tolerances", cint, vp, dbl, dbl)
_decl("mn_sim_set_fixed_step", cint, vp, dbl)
_decl("mn_sim_set_max_step", cint, vp, dbl)
_decl("mn_sim_init_default", cint, vp, dbl)
_decl("mn_sim_init_uniform", cint, vp, dbl, dbl)
_decl("mn_sim_init_random", cint, vp, dbl, dbl, dbl, u64)
_decl("mn_sim_init_states", cint, vp, dbl, c_double_p)
_decl("mn_sim_set_sample_interval", cint, vp, dbl, dbl)
_decl("mn_sim_set_sample_times", cint, vp, c_double_p, sz)
_decl("mn_sim_record_edges", cint, vp, c_int32_p, sz)
_decl("mn_sim_set_sample_callback", cint, vp, sample_fn, vp)
_decl("mn_sim_set_progress_callback", cint, vp, progress_fn, ctypes.c_int64, vp)
_decl("mn_sim_set_event_callback", cint, vp, event_fn, vp)
_decl("mn_sim_record_csv", cint, vp, cstr, cstr)
_decl("mn_sim_run", cint, vp, dbl)
_decl("mn_sim_time", dbl, vp)
_decl("mn_sim_states", c_double_p, vp)
_decl("mn_sim_conductances", c_double_p, vp)
_decl("mn_sim_edge_voltages", c_double_p, vp)
_decl("mn_sim_edge_currents", c_double_p, vp)
_decl("mn_sim_potentials", c_double_p, vp)
_decl("mn_sim_applied_voltage", dbl, vp, sz)
_decl("mn_sim_electrode_current", dbl, vp, sz)
_decl("mn_sim_effective_conductance", dbl, vp)
_decl("mn_sim_mean_state", dbl, vp, sz)
_decl("mn_sim_event_count", sz, vp)
_decl("mn_sim_event", cint, vp, sz, c_double_p, c_int32_p, c_int_p)
_decl("mn_sim_record_events_csv", cint, vp, cstr)
_decl("mn_sim_set_energy_tracking", cint, vp, cint)
_decl("mn_sim_energy", cint, vp, c_double_p, c_double_p)
_decl("mn_sim_checkpoint_save", cint, vp, cstr)
_decl("mn_sim_checkpoint_load", cint, vp, cstr)
_decl("mn_sim_restart", cint, vp)
_decl("mn_sim_stat_get", u64, vp, cint)

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
        """A constant waveform: `value` volts (or amperes for a current source) at every time."""
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_waveform_new_dc(ctypes.byref(p), ctx._p, float(value)))
        return cls(ctx=ctx, _ptr=p)

    @classmethod
    def pulse(cls, high, width, period, count=0, delay=0.0, low=0.0, ctx=None):
        """A pulse train: `high` for `width` s every `period` s, `low` between, starting after
        `delay` s; count pulses (0 = forever). Units V (or A), s."""
        ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        ctx.check(_c.mn_waveform_new_pulse(ctypes.byref(p), ctx._p, float(high), float(low),
                                           float(width), float(period), int(count),
                                           float(delay)))
        return cls(ctx=ctx, _ptr=p)

    @classmethod
    def pwl(cls, t, v, ctx=None):
        """Piecewise-linear waveform through the points (t[i], v[i]) (s, V), t non-decreasing (a
        repeated time makes a jump); held at the last value after the last point."""
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
        """Times (s) in (t_start, t_end] where the waveform has a corner or a jump (the
        integrator stops at them)."""
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
_NEWTONS = {"auto": 0, "blocks": 1, "krylov": 2}


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
        self._record_currents = self._record_voltages = False
        self._state_index = self._stateless = None
        self._n_electrodes = self._n_states = self._n_edges = 0
        self._probes = []
        self._prows = []
        self._rows = []
        self._exc = None
        self.recording = Recording()
        # callbacks hold a weak reference: no reference cycle, so the simulation is freed
        # (before its context) as soon as the last user reference goes
        ref = weakref.ref(self)
        self._cb = sample_fn(lambda s, u: ref()._on_sample(s, u) if ref() else 1)
        self._pcb = progress_fn(lambda t, te, u: ref()._on_progress(t, te, u) if ref() else 1)
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

    def add_electrode(self, nodes, waveform=None, current=None, floating=None):
        """An electrode: node ids or a node-set name, its nodes at one potential (a contact).

        waveform: held at waveform(t) volts (a Waveform, a spec string, a number; None =
        ground). current: instead a current waveform in A injected by the electrode (its
        potential is solved). floating: True for an open contact (no current) at all times, or
        a list of (t1, t2) intervals in which it is open and between which it follows its
        waveform (Milano et al.'s reservoir inputs). Returns its index; rec.V and rec.I have
        one column per electrode (the solved potential of a current or floating electrode)."""
        k = ctypes.c_size_t()
        w = self._wave(waveform) if current is None else None
        if isinstance(nodes, str):
            self._ctx.check(_c.mn_sim_add_electrode_set(self._p, _b(nodes), w, ctypes.byref(k)))
        else:
            a = _iarr(nodes)
            self._ctx.check(_c.mn_sim_add_electrode(self._p, _ip(a), a.size, w, ctypes.byref(k)))
        if current is not None:
            self._ctx.check(_c.mn_sim_set_electrode_current(self._p, k.value, self._wave(current)))
        if floating is True:
            self._ctx.check(_c.mn_sim_set_electrode_current(self._p, k.value, None))
        elif floating:
            iv = np.ascontiguousarray(np.asarray(floating, dtype=float).reshape(-1))
            if iv.size % 2:
                raise ValueError("floating: give (t1, t2) pairs")
            self._ctx.check(_c.mn_sim_set_electrode_floating(self._p, k.value, _dp(iv), iv.size // 2))
        return k.value

    def add_probe(self, nodes):
        """Record the mean potential of these nodes (ids or a node-set name) at every sample,
        in rec.P (one column per probe). Returns the probe's index."""
        g = self.network.graph
        a = np.asarray(g.node_set(nodes) if isinstance(nodes, str) else nodes, dtype=np.int64).reshape(-1)
        if a.size == 0 or a.min() < 0 or a.max() >= g.n_nodes:
            raise ValueError("probe %r: node ids must be in 0..%d" % (nodes, g.n_nodes - 1))
        self._probes.append(a)
        return len(self._probes) - 1

    def set_current_source(self, source, drain, waveform):
        """Current-controlled source (000 eqs. 5-6): waveform(t) amperes in at node set
        `source` and out at `drain` (names or ids), spread equally. At most one."""
        g = self.network.graph
        a = g._nodes(source)
        b = g._nodes(drain)
        self._ctx.check(_c.mn_sim_set_current_source(self._p, _ip(a), a.size, _ip(b), b.size,
                                                     self._wave(waveform)))

    def set_emf(self, emf):
        """Series EMF S_e (V) on every edge, I_e = G_e (V_e + S_e) (the CB circuit's sources);
        None removes it."""
        a = None if emf is None else _darr(emf, self.network.graph.n_edges, "emf")
        self._ctx.check(_c.mn_sim_set_emf(self._p, _dp(a)))

    def set_integrator(self, name, dt=None):
        """"bdf" (default), "adams", "euler" or "exact" (fixed step dt)."""
        self._ctx.check(_c.mn_sim_set_integrator(self._p, _INTEGRATORS[name]))
        if dt is not None:
            self._ctx.check(_c.mn_sim_set_fixed_step(self._p, float(dt)))

    def set_newton(self, name):
        """Newton iteration of "bdf" and "adams": "auto" (default: "blocks", or "krylov" for
        models with events), "blocks" (each junction's own Jacobian, no sensitivity solve) or
        "krylov" (exact Newton: GMRES with Jacobian-vector products, for strongly coupled
        networks). Saved with checkpoints; set here before checkpoint_load() it overrides the
        checkpoint's."""
        if name not in _NEWTONS:
            raise ValueError("unknown Newton iteration %r (auto, blocks, krylov)" % (name,))
        self._ctx.check(_c.mn_sim_set_newton(self._p, _NEWTONS[name]))

    def set_tolerances(self, rtol, atol):
        """Relative and absolute tolerances of the adaptive integrators (defaults 1e-6, 1e-9;
        atol in the states' units)."""
        self._ctx.check(_c.mn_sim_set_tolerances(self._p, float(rtol), float(atol)))

    def set_max_step(self, hmax):
        """Largest step (s) the adaptive integrator may take (0: no limit)."""
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

    def record_edges(self, edges=None, currents=False, voltages=False):
        """Record per-edge series at every sample: the first state of each edge in `edges`
        (ids; None = every edge) as rec.x (samples x edges, the state's unit: g in [0, 1] for
        miranda, z in the gap's length unit for hillock), and with currents=True / voltages=True
        the edge currents I_e = G_e (V_e + S_e) in A as rec.I_edges and the edge voltages
        V_e = phi_u - phi_v in V as rec.V_edges. rec.edges holds the ids. Each sample copies
        the library's arrays with one numpy gather (no per-edge Python work)."""
        if edges is None:
            edges = np.arange(self.network.graph.n_edges, dtype=np.int32)
        a = _iarr(edges)
        self._ctx.check(_c.mn_sim_record_edges(self._p, _ip(a), a.size))
        self._recorded_edges = a
        self._record_currents = bool(currents)
        self._record_voltages = bool(voltages)

    def record_csv(self, path, header=None):
        """Also stream samples to a CSV file (mn_sim_record_csv)."""
        self._ctx.check(_c.mn_sim_record_csv(self._p, _b(str(path)) if path else None,
                                             _b(header) if header else None))

    def _on_sample(self, simp, ud):
        try:
            p = self._p
            ne = self._n_electrodes
            row = [_c.mn_sim_time(p),
                   [_c.mn_sim_applied_voltage(p, k) for k in range(ne)],
                   [_c.mn_sim_electrode_current(p, k) for k in range(ne)],
                   _c.mn_sim_effective_conductance(p),
                   _c.mn_sim_mean_state(p, 0)]
            if self._probes:
                phi = np.ctypeslib.as_array(_c.mn_sim_potentials(p), shape=(self.network.graph.n_nodes,))
                self._prows.append([float(phi[a].mean()) for a in self._probes])
            idx = self._state_index
            if idx is not None:
                x = np.ctypeslib.as_array(_c.mn_sim_states(p), shape=(self._n_states,))[idx]
                if self._stateless is not None:
                    x[self._stateless] = np.nan
                row.append(x)
                m = self._n_edges
                e = self._recorded_edges
                row.append(np.ctypeslib.as_array(_c.mn_sim_edge_currents(p), shape=(m,))[e]
                           if self._record_currents else None)
                row.append(np.ctypeslib.as_array(_c.mn_sim_edge_voltages(p), shape=(m,))[e]
                           if self._record_voltages else None)
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
        ops = _models_c.mn_network_model_ops(self.network._p, 0)
        name = "g"
        if ops and ops.contents.n_states and ops.contents.state_names:
            name = ops.contents.state_names[0].decode()
        r["mean_" + name] = np.array([x[4] for x in rows])
        if self._probes:
            r["P"] = np.array(self._prows, dtype=float).reshape(len(self._prows), len(self._probes))
        if self._recorded_edges.size:
            k = self._recorded_edges.size
            rows_x = [x for x in rows if len(x) > 5]
            r["x"] = (np.stack([x[5] for x in rows_x]) if rows_x else np.zeros((0, k)))
            for key, col, on in (("I_edges", 6, self._record_currents),
                                 ("V_edges", 7, self._record_voltages)):
                if on:
                    r[key] = (np.stack([x[col] for x in rows_x]) if rows_x
                              else np.zeros((0, k)))
            r["edges"] = self._recorded_edges.copy()
        self.recording = r
        return r

    def run(self, t_end, dt=None, times=None, out=None, record=None):
        """Integrate to t_end, sampling every dt seconds from the present time (or at
        `times`). Returns the Recording of all samples taken so far.

        `out`: also write this run's samples, events and snapshots to a new HDF5 file (closed
        when the run ends, also on Ctrl-C or an error); `record` chooses its per-edge and
        per-node datasets ("states", "currents", ..., "all"; see memnet.H5Recorder, which
        records several runs into one file)."""
        if times is not None:
            a = _darr(times)
            self._ctx.check(_c.mn_sim_set_sample_times(self._p, _dp(a), a.size))
        elif dt is not None:
            self._ctx.check(_c.mn_sim_set_sample_interval(self._p, self.time, float(dt)))
        self._exc = None
        # what the sample callback needs, looked up once per run
        self._n_electrodes = int(_c.mn_sim_electrode_count(self._p))
        self._n_states = self.network.n_states
        self._n_edges = self.network.graph.n_edges
        self._state_index = None
        if self._recorded_edges.size:
            off = np.ctypeslib.as_array(_models_c.mn_network_state_offsets(self.network._p),
                                        shape=(self._n_edges + 1,))
            e = self._recorded_edges
            stateless = off[e + 1] == off[e]          # e.g. fixed resistors: NaN in rec.x
            self._state_index = np.where(stateless, 0, off[e]).astype(np.intp)
            self._stateless = stateless if stateless.any() else None
        h5 = None
        if out is not None:
            from .h5 import H5Recorder
            h5 = H5Recorder(self, out, record=record)
        try:
            st = _c.mn_sim_run(self._p, float(t_end))
        finally:
            if h5 is not None:
                h5.close()
        self._collect()
        if self._exc is not None:
            e, self._exc = self._exc, None
            _c.mn_context_clear_error(self._ctx._p)
            raise e
        self._ctx.check(st)
        return self.recording

    @property
    def time(self):
        """Present simulated time (s)."""
        return _c.mn_sim_time(self._p)

    @property
    def states(self):
        """The global state vector at the present time (n_states; Network.state_offsets says
        which entries belong to which edge)."""
        return _copy_d(_c.mn_sim_states(self._p), self.network.n_states)

    @property
    def conductances(self):
        """Every edge's conductance G_e (S) at the present time."""
        return _copy_d(_c.mn_sim_conductances(self._p), self.network.graph.n_edges)

    @property
    def edge_voltages(self):
        """Every edge's voltage V_e = phi_u - phi_v (V) at the present time."""
        return _copy_d(_c.mn_sim_edge_voltages(self._p), self.network.graph.n_edges)

    @property
    def edge_currents(self):
        """Every edge's current I_e = G_e (V_e + S_e) (A) at the present time."""
        return _copy_d(_c.mn_sim_edge_currents(self._p), self.network.graph.n_edges)

    @property
    def potentials(self):
        """Node potentials phi (V) at the present time."""
        return _copy_d(_c.mn_sim_potentials(self._p), self.network.graph.n_nodes)

    @property
    def effective_conductance(self):
        """Two-terminal G_eff (S) between the first two electrodes at the present time
        (I / V of the source electrode; NaN without two electrodes or at V = 0)."""
        return _c.mn_sim_effective_conductance(self._p)

    def electrode_current(self, k):
        """Current (A) from electrode k into the network at the present time."""
        return _c.mn_sim_electrode_current(self._p, int(k))

    @property
    def stats(self):
        """Integrator statistics since the start: dict of steps, rhs, jv, lin_iters, newton_iters,
        prec_setups, err_fails, root_evals, events, restarts, solves (Kirchhoff solves),
        newton_fails (Newton iterations that did not converge)."""
        names = ["steps", "rhs", "jv", "lin_iters", "newton_iters", "prec_setups", "err_fails",
                 "root_evals", "events", "restarts", "solves"]
        d = {n: int(_c.mn_sim_stat_get(self._p, i)) for i, n in enumerate(names)}
        d["newton_fails"] = int(_c.mn_sim_stat_get(self._p, 21))  # MN_SIM_STAT_NEWTON_FAILS
        return d

    @property
    def event_count(self):
        """Number of discrete events (filament formation or breaking) so far."""
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
        """Resume from a checkpoint of a simulation set up the same way. The integrator and the
        Newton iteration are the checkpoint's; a Newton iteration chosen with set_newton() on
        this simulation before is kept (the run is then not the saved run's bit-for-bit
        continuation; docs/simulation.md, "Checkpoints")."""
        self._ctx.check(_c.mn_sim_checkpoint_load(self._p, _b(str(path))))
