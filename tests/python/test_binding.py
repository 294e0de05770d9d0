#!/usr/bin/python3
"""Tests of the Python binding (bindings/python/memnet) against independent references:
dense numpy solves, closed forms from the papers, numpy re-implementations.

Run by meson (suite 'python') through tests/python/run-installed: Debian's /usr/bin/python3 in a
venv where the package is pip-installed; exit 77 (skipped) without numpy.
Parts whose C module is not in the library are reported and skipped; everything else must pass.
"""
import math
import os
import re
import sys
import tempfile
import traceback

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed for %s" % sys.executable)
    sys.exit(77)

import memnet
from memnet import _lib

failures = []
skipped = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def close(a, b, rtol, atol=0.0, what=""):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        raise AssertionError("%s: %s vs %s (max diff %g)" % (what, a, b, np.max(np.abs(a - b))))


def raises(status, fn, *args, contains=None, **kw):
    try:
        fn(*args, **kw)
    except memnet.Error as e:
        check(e.status == status, "expected status %d, got %d (%s)" % (status, e.status, e))
        check(e.name == _lib.mn_status_name(status).decode(), "name %s" % e.name)
        if contains:
            check(contains in e.message, "message %r lacks %r" % (e.message, contains))
        return e
    raise AssertionError("no memnet.Error raised by %s" % getattr(fn, "__name__", fn))


TESTS = []


def test(*needs):
    def deco(f):
        TESTS.append((f, needs))
        return f
    return deco


# ------------------------------------------------------------------ core


@test()
def imported_from_the_installed_package():
    if not os.environ.get("MEMNET_EXPECT_INSTALLED"):
        return
    pkg = os.path.dirname(os.path.realpath(memnet.__file__))
    check(pkg.startswith(os.path.realpath(sys.prefix) + os.sep),
          "memnet %s is not inside the venv %s" % (pkg, sys.prefix))
    check(os.path.dirname(os.path.realpath(memnet.library_path)) == pkg,
          "libmemnet %s is not the package's own (%s)" % (memnet.library_path, pkg))
    check(memnet.__version__ == memnet.version(), "__version__ %s" % memnet.__version__)


@test("mn_version_string")
def version_matches_meson_project():
    src = os.environ.get("MEMNET_SOURCE_ROOT",
                         os.path.join(os.path.dirname(__file__), "..", ".."))
    with open(os.path.join(src, "meson.build")) as f:
        v = re.search(r"version\s*:\s*'([0-9.]+)'", f.read()).group(1)
    check(memnet.version() == v, "version %s vs meson.build %s" % (memnet.version(), v))
    major, minor, patch = (int(x) for x in v.split("."))
    check(memnet.version_number() == major * 10000 + minor * 100 + patch, "version_number")


@test("mn_model_new", "mn_graph_load", "mn_waveform_parse")
def exceptions_by_status():
    import pickle
    # every code of MN_STATUS_LIST in core.h has its class, named as mn_status_name() says
    src = os.environ.get("MEMNET_SOURCE_ROOT",
                         os.path.join(os.path.dirname(__file__), "..", ".."))
    with open(os.path.join(src, "include", "memnet", "core.h")) as f:
        codes = {int(v): n for n, v in re.findall(r"X\((MN_ERR_\w+), (-\d+),", f.read())}
    check(len(codes) >= 13, "status list from core.h: %s" % codes)
    builtin = {"MN_ERR_NOMEM": MemoryError, "MN_ERR_INVALID": ValueError,
               "MN_ERR_RANGE": ValueError, "MN_ERR_IO": OSError, "MN_ERR_PARSE": ValueError,
               "MN_ERR_NOT_FOUND": LookupError, "MN_ERR_UNSUPPORTED": NotImplementedError}
    for code, name in codes.items():
        e = memnet.Error(code, "m%d" % code)
        check(type(e) is not memnet.Error, "no class for %s" % name)
        check(isinstance(e, memnet.Error) and e.status == code and e.name == name
              and e.message == "m%d" % code and str(e) == "%s: m%d" % (name, code),
              "%r for %s" % (e, name))
        if name in builtin:
            check(isinstance(e, builtin[name]), "%s is not a %s" % (name, builtin[name]))
        e2 = pickle.loads(pickle.dumps(e))
        check(type(e2) is type(e) and e2.status == code and e2.message == e.message, "pickle")
    check(type(memnet.Error(-999, "x")) is memnet.Error, "unknown status gives Error")
    # raised by the library, caught as the builtin a Python user writes
    try:
        memnet.Model("no-such-model")
        raise AssertionError("no error")
    except LookupError as e:
        check(isinstance(e, memnet.NotFoundError) and "no-such-model" in e.message, str(e))
    try:
        memnet.Model("miranda", kP0=-1.0)
        raise AssertionError("no error")
    except ValueError as e:
        check(isinstance(e, memnet.RangeError) and e.status == -3 and "-1" in e.message, str(e))
    missing = os.path.join(tempfile.gettempdir(), "memnet-no-such-dir", "net.mnet")
    try:
        memnet.Graph.load(missing)
        raise AssertionError("no error")
    except OSError as e:
        check(isinstance(e, memnet.FileError) and missing in e.message, str(e))
    try:
        memnet.Waveform("pulse:x")
        raise AssertionError("no error")
    except ValueError as e:
        check(isinstance(e, memnet.ParseError) and '"x"' in e.message, str(e))
    # the binding's own argument checks raise the same classes
    try:
        memnet.Graph.from_edges([0, 1], [1])
        raise AssertionError("no error")
    except ValueError as e:
        check(isinstance(e, memnet.InvalidError), str(e))


# ------------------------------------------------------------------ graph


@test("mn_graph_new_from_edges")
def graph_arrays_files_and_errors():
    u = [0, 1, 2, 0]
    v = [1, 2, 3, 3]
    g = memnet.Graph.from_edges(u, v, lengths=[1.0, 2.0, 3.0, 4.0])
    check(g.n_nodes == 4 and g.n_edges == 4, repr(g))
    gu, gv = g.edges
    check(gu.dtype == np.int32 and list(gu) == u and list(gv) == v, "edges")
    close(g.lengths, [1, 2, 3, 4], 0, what="lengths")
    g.set_node_set("left", [0])
    g.set_node_set("right", [2, 3])
    check(list(g.node_sets) == ["left", "right"], "node sets")
    check(list(g.node_set("right")) == [2, 3], "right set")
    labels, n = g.components()
    check(n == 1 and list(labels) == [0, 0, 0, 0], "components")
    check(g.connected([0], [3]), "connected")
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "g.mnet")
        g.save(p)
        h = memnet.Graph.load(p)
        check(h.n_edges == 4 and list(h.edges[1]) == v, "load")
        close(h.lengths, g.lengths, 0, what="round trip lengths")
        check(list(h.node_set("right")) == [2, 3], "round trip node set")
        p2 = os.path.join(d, "e.txt")
        with open(p2, "w") as f:
            f.write("# u v gap\n0 1 0.5\n1 2 0.25\n")
        k = memnet.Graph.read_edgelist(p2, length_column=1)
        close(k.lengths, [0.5, 0.25], 0, what="edge list lengths")
        with open(p2, "w") as f:
            f.write("0 1\n1 x\n")
        raises(-5, memnet.Graph.read_edgelist, p2, contains="line 2")
        raises(-4, memnet.Graph.read_edgelist, os.path.join(d, "missing.txt"))
    raises(-2, memnet.Graph.from_edges, [0, 1], [1, 1], n_nodes=2)       # self-loop
    raises(-3, memnet.Graph.from_edges, [0], [5], n_nodes=2)             # bad id
    try:
        g.node_set("nope")
        raise AssertionError("missing node set gave no KeyError")
    except KeyError:
        pass


# ------------------------------------------------------------------ models


@test("mn_model_new")
def models_closed_forms():
    names = memnet.models()
    check("miranda" in names and "hillock" in names, names)
    info = memnet.model_info("miranda")
    pnames = [p["name"] for p in info["params"]]
    check({"k_p", "k_d", "eta_p", "eta_d", "G_min", "G_max"} <= set(pnames), pnames)
    kP0 = next(p for p in info["params"] if p["name"] == "k_p")
    check(kP0["default"] == 5e-4 and kP0["unit"] == "1/s", kP0)   # 003 Table 1
    # the spellings of 003 Table 1 are aliases of the canonical names
    m = memnet.Model("miranda", kP0=1e-3, etaP=8.0)
    check(m["kP0"] == 1e-3 and m["etaP"] == 8.0, m.params)
    check(m.params["k_p"] == 1e-3 and m.params["eta_p"] == 8.0, m.params)
    e = raises(-3, m.__setitem__, "kP0", -1.0, contains="kP0")
    check("-1" in e.message, e.message)
    raises(-6, memnet.Model, "no-such-model", contains="miranda")

    # a ring of 5 junctions: conductances and rates against 000 eqs 1-4 written out here
    g = memnet.Graph.from_edges([0, 1, 2, 3, 4], [1, 2, 3, 4, 0])
    net = memnet.Network(g, m)
    x = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    Gmin, Gmax = m["Gmin"], m["Gmax"]
    close(net.conductances(x), Gmin + (Gmax - Gmin) * x, 1e-15, what="G(g)")
    V = np.array([-0.3, 0.0, 0.2, 0.5, 1.0])
    I = net.conductances(x) * V
    uni = m["unipolar"] != 0
    a = np.abs(V) if uni else V
    ref = m["kP0"] * np.exp(m["etaP"] * a) * (1 - x) - m["kD0"] * np.exp(-m["etaD"] * a) * x
    close(net.rates(x, V, I), ref, 1e-13, 1e-300, what="dg/dt")
    raises(-3, net.set_edge_param, 2, "kP0", -5.0)
    net.set_edge_param(2, "kP0", 2e-3)
    check(net.edge_param(2, "kP0") == 2e-3 and net.edge_param(1, "kP0") == 1e-3, "override")


# ------------------------------------------------------------------ Kirchhoff


def dense_geff(n, u, v, G, a, b):
    """Reference: dense Laplacian, a held at 1 V, b at 0 V, solve for the rest."""
    L = np.zeros((n, n))
    for e in range(len(u)):
        L[u[e], u[e]] += G[e]
        L[v[e], v[e]] += G[e]
        L[u[e], v[e]] -= G[e]
        L[v[e], u[e]] -= G[e]
    held = np.zeros(n, bool)
    held[a] = held[b] = True
    phi = np.zeros(n)
    phi[a] = 1.0
    free = ~held
    phi[free] = np.linalg.solve(L[np.ix_(free, free)], -L[np.ix_(free, held)] @ phi[held])
    I = L @ phi
    return I[a].sum(), phi


@test("mn_kirchhoff_new")
def kirchhoff_against_dense_solve():
    rng = np.random.default_rng(5)
    n = 40
    # a connected random graph: a spanning path plus random chords
    u = list(range(n - 1))
    v = list(range(1, n))
    for _ in range(80):
        i, j = rng.integers(0, n, 2)
        if i != j:
            u.append(int(i))
            v.append(int(j))
    G = 10.0 ** rng.uniform(-3, 1, len(u))
    g = memnet.Graph.from_edges(u, v, n_nodes=n)
    k = memnet.Kirchhoff(g)
    ea = k.add_electrode([0, 1])
    eb = k.add_electrode([n - 1])
    k.set_conductances(G)
    ref, phi_ref = dense_geff(n, u, v, G, [0, 1], [n - 1])
    close(k.effective_conductance(ea, eb), ref, 1e-10, what="G_eff")
    k.set_potential(ea, 1.0)
    k.set_potential(eb, 0.0)
    phi = k.solve()
    close(phi, phi_ref, 1e-10, 1e-12, what="potentials")
    close(k.edge_voltages, phi[u] - phi[v], 1e-12, 1e-14, what="V_e")
    close(k.edge_currents, G * (phi[u] - phi[v]), 1e-12, 1e-14, what="I_e")
    close(k.electrode_current(ea), ref, 1e-10, what="electrode current")
    close(memnet.effective_conductance(g, G, [0, 1], [n - 1]), ref, 1e-10, what="helper")
    G[3] = -1.0
    raises(-3, k.set_conductances, G, contains="3")


@test("mn_gen_lattice")
def generators_closed_form_and_reproducibility():
    g = memnet.lattice("square", nx=7, ny=4)
    close(memnet.effective_conductance(g, np.ones(g.n_edges)), 4 / 6, 1e-12,
          what="square lattice G_eff = ny/(nx-1)")
    a = memnet.nanowires(wires=400, width=8, height=8, seed=3)
    b = memnet.nanowires(wires=400, width=8, height=8, seed=3)
    c = memnet.nanowires(wires=400, width=8, height=8, seed=4)
    check(a.n_edges == b.n_edges and all((x == y).all() for x, y in zip(a.edges, b.edges)),
          "same seed, same network")
    check(a.n_edges != c.n_edges or any((x != y).any() for x, y in zip(a.edges, c.edges)),
          "another seed, another network")
    gen = memnet.Generator(wires=300, width=6, height=6, seed=2)
    gen.nanowires()
    x0, y0, x1, y1 = gen.wires
    close(np.hypot(x1 - x0, y1 - y0), np.ones(300), 1e-12, what="wire lengths = 1")
    try:
        memnet.Generator(widht=3)
        raise AssertionError("unknown option accepted")
    except KeyError:
        pass
    raises(-3, memnet.Generator, width=-1.0, contains="width")


# ------------------------------------------------------------------ simulation


@test("mn_sim_new")
def simulation_one_junction_closed_form():
    # one miranda junction between two electrodes at constant V: 003 eq 9,
    # g(t) = g_inf + (g0 - g_inf) exp(-(kP + kD) t), g_inf = kP / (kP + kD)
    g = memnet.Graph.from_edges([0], [1])
    m = memnet.Model("miranda", kP0=1e-2, kD0=5e-2, etaP=5.0, etaD=5.0)
    net = memnet.Network(g, m)
    sim = memnet.Simulation(net, rtol=1e-10, atol=1e-12)
    sim.add_electrode([0], "dc:0.4")
    sim.add_electrode([1])
    sim.init(0.0)
    rec = sim.run(20.0, dt=0.5)
    kP = 1e-2 * math.exp(5.0 * 0.4)
    kD = 5e-2 * math.exp(-5.0 * 0.4)
    ginf = kP / (kP + kD)
    gref = ginf * (1 - np.exp(-(kP + kD) * rec.t))
    check(rec.t.size == 41 and rec.t[0] == 0.0 and rec.t[-1] == 20.0, rec.t)
    close(rec.mean_g, gref, 1e-7, 1e-10, what="g(t) vs 003 eq 9")
    Gref = m["Gmin"] + (m["Gmax"] - m["Gmin"]) * gref
    close(rec.G, Gref, 1e-7, what="G(t)")
    close(rec.I[:, 0], Gref * 0.4, 1e-7, what="I(t)")
    close(rec.V[:, 0], 0.4, 0, what="applied V")

    # the exact Newton iteration: the same closed form, now with Jacobian-vector products
    simk = memnet.Simulation(net, rtol=1e-10, atol=1e-12)
    simk.set_newton("krylov")
    simk.add_electrode([0], "dc:0.4")
    simk.add_electrode([1])
    simk.init(0.0)
    reck = simk.run(20.0, dt=0.5)
    close(reck.mean_g, gref, 1e-7, 1e-10, what="g(t) vs 003 eq 9, Newton krylov")
    check(simk.stats["jv"] > 0 and sim.stats["jv"] == 0, "Jv: krylov %d, blocks %d"
          % (simk.stats["jv"], sim.stats["jv"]))
    check(sim.stats["newton_fails"] <= sim.stats["newton_iters"], sim.stats)
    try:
        simk.set_newton("gmres")
        raise AssertionError("unknown Newton iteration accepted")
    except ValueError as e:
        check("gmres" in str(e), str(e))

    # Ctrl-C (KeyboardInterrupt) in a callback stops the run and keeps the samples so far
    sim2 = memnet.Simulation(memnet.Network(g, m))
    sim2.add_electrode([0], 0.4)
    sim2.add_electrode([1])

    def interrupt(t, t_end):
        if t > 5.0:
            raise KeyboardInterrupt
    sim2.progress = interrupt
    try:
        sim2.run(20.0, dt=0.5)
        raise AssertionError("KeyboardInterrupt not propagated")
    except KeyboardInterrupt:
        pass
    r = sim2.recording
    check(r.t.size >= 10 and r.t[-1] < 20.0, "kept %d samples up to %s" % (r.t.size, r.t[-1:]))
    close(r.mean_g, ginf * (1 - np.exp(-(kP + kD) * r.t)), 1e-5, 1e-8, what="kept samples")
    raises(-5, memnet.Waveform, "square:1")

    # recorded edge states: with one edge the state of edge 0 is the mean state
    sim4 = memnet.Simulation(memnet.Network(g, m))
    sim4.add_electrode([0], 0.4)
    sim4.add_electrode([1])
    sim4.record_edges([0])
    r4 = sim4.run(5.0, dt=1.0)
    check(r4.x.shape == (6, 1), "x shape %s" % (r4.x.shape,))
    close(r4.x[:, 0], r4.mean_g, 1e-15, what="recorded edge state")

    # a spiking filament (003 eqs. 1-3): the event log alternates formation and breaking
    gf = memnet.Graph.from_edges([0], [1], lengths=[0.5])
    fil = memnet.Model("filament", rd=1.0)
    simf = memnet.Simulation(memnet.Network(gf, fil))
    simf.add_electrode([0], 6.0)          # E = 6 / 0.5 = 12 V/pd > E_T = 10 V/pd
    simf.add_electrode([1])
    simf.run(5.0, dt=0.04)
    te, ee, ke = simf.events()
    check(te.size >= 4 and te.size == simf.event_count, "%d events" % te.size)
    check(np.all(np.diff(te) > 0) and np.all(ee == 0), "event times and edges")
    check(list(ke) == [0, 1] * (te.size // 2) + [0] * (te.size % 2), "kinds %s" % ke)
    # first formation time from 003 eq. 2 in closed form: with the gap s = L - d,
    # ds/dt = -rd (V/s - ET), so T = (1/rd) int_{s_c}^{L} s ds / (V - ET s)
    #   = (1/rd) [-(L - s_c)/ET - (V/ET^2) ln((V - ET L)/(V - ET s_c))],
    # from d = 0 to the contact point s_c = 1e-4 L at which the model fires (docs/models.md)
    Lg, Vf, ET, rd, sc = 0.5, 6.0, 10.0, 1.0, 1e-4 * 0.5
    T_form = (-(Lg - sc) / ET - Vf / ET ** 2 * math.log((Vf - ET * Lg) / (Vf - ET * sc))) / rd
    # default tolerances (rtol 1e-6): within 1e-4; tightened to rtol 1e-10: within 1e-7
    close(te[0], T_form, 1e-4, what="first formation time (003 eq. 2), default tolerances")
    simt = memnet.Simulation(memnet.Network(gf, fil), rtol=1e-10, atol=1e-12)
    simt.add_electrode([0], 6.0)
    simt.add_electrode([1])
    simt.run(0.1, dt=0.04)
    tt, _, kt = simt.events()
    check(tt.size >= 1 and kt[0] == 0, "tight run: %d events" % tt.size)
    close(tt[0], T_form, 1e-7, what="first formation time (003 eq. 2), rtol 1e-10")

    # energy: Tellegen, the source energy equals the energy dissipated in the edges, and for
    # one junction it is the integral of G(t) V^2 (trapezoid on the fine samples)
    sim3 = memnet.Simulation(memnet.Network(g, m), rtol=1e-10, atol=1e-12)
    sim3.add_electrode([0], 0.4)
    sim3.add_electrode([1])
    sim3.track_energy()
    r3 = sim3.run(10.0, dt=0.01)
    es, ee = sim3.energy
    close(es, ee, 1e-9, what="E_source = E_edges")
    P = r3.G * 0.4 ** 2
    close(es, np.sum((P[1:] + P[:-1]) / 2 * np.diff(r3.t)), 1e-6, what="E = int G V^2 dt")
    # checkpoint and restart: the run resumed from the file equals the uninterrupted one
    with tempfile.TemporaryDirectory() as d:
        cp = os.path.join(d, "cp")
        a = memnet.Simulation(memnet.Network(g, m))
        a.add_electrode([0], 0.4)
        a.add_electrode([1])
        a.run(5.0)
        a.checkpoint_save(cp)
        ra = a.run(10.0, times=[10.0])
        b = memnet.Simulation(memnet.Network(g, m))
        b.add_electrode([0], 0.4)
        b.add_electrode([1])
        b.checkpoint_load(cp)
        rb = b.run(10.0, times=[10.0])
        check(rb.G[-1] == ra.G[-1], "restart %r vs %r" % (rb.G[-1], ra.G[-1]))


# ------------------------------------------------------------------ mean field



@test("mn_sim_new", "mn_gen_lattice", "mn_kirchhoff_new")
def recording_edges_against_kirchhoff_solves():
    # every junction of a 4 x 3 lattice recorded: at each sample the recorded currents and
    # voltages are those of an independent Kirchhoff solve with the recorded states' G
    g = memnet.lattice("square", nx=4, ny=3)
    net = memnet.Network(g, memnet.Model("miranda"))
    net.assign("resistor", edges=[0])              # a stateless edge: NaN in rec.x
    m = g.n_edges
    sim = memnet.Simulation(net)
    sim.add_electrode("left", "pwl:0:1.5,5:1.5,5:0.2,10:0.2")
    sim.add_electrode("right")
    sim.init(random=(0.0, 0.5), seed=3)
    sim.record_edges(None, currents=True, voltages=True)
    rec = sim.run(10.0, dt=0.5)
    n = rec.t.size
    check(n == 21 and rec.x.shape == (n, m) and rec.I_edges.shape == (n, m)
          and rec.V_edges.shape == (n, m), "shapes %s" % (rec.x.shape,))
    check(np.isnan(rec.x[:, 0]).all() and not np.isnan(rec.x[:, 1:]).any(), "NaN pattern")
    off = net.state_offsets
    check(off.size == m + 1 and off[1] == 0 and off[m] == m - 1, "offsets %s" % off)
    close(rec.x[-1, 1:], sim.states[off[1:m]], 0, what="last sample = final states")
    k = memnet.Kirchhoff(g)
    a = k.add_electrode("left")
    k.add_electrode("right", 0.0)
    for i in (0, 7, 10, 11, 20):
        x = np.zeros(net.n_states)
        x[off[1:m]] = rec.x[i, 1:]
        k.set_potential(a, rec.V[i, 0])
        k.solve(net.conductances(x))
        close(rec.I_edges[i], k.edge_currents, 1e-9, 1e-15, what="I_e at t=%g" % rec.t[i])
        close(rec.V_edges[i], k.edge_voltages, 1e-9, 1e-15, what="V_e at t=%g" % rec.t[i])
    # a subset, in the order given
    sim2 = memnet.Simulation(net)
    sim2.add_electrode("left", 1.0)
    sim2.add_electrode("right")
    sim2.init(random=(0.0, 0.5), seed=3)
    sim2.record_edges([5, 2])
    r2 = sim2.run(2.0, dt=1.0)
    check(list(r2.edges) == [5, 2] and r2.x.shape == (3, 2) and "I_edges" not in r2, "subset")
    close(r2.x[-1], sim2.states[off[[5, 2]]], 0, what="subset final states")

@test("mn_meanfield_model_new_by_name")
def meanfield_model_closed_forms_and_fit():
    m = memnet.MeanFieldModel("miranda", G_min=1e-3, chi=20.0, k_p=2e-3, k_d=4e-2, eta_p=3.0,
                              eta_d=2.0)
    g = np.linspace(0, 1, 7)
    close(m.conductance(g), 1e-3 * (1 + 20 * g), 1e-15, what="000 eq 7")
    v = 1.5
    uu = v / (1 + 20 * g)
    ref = 2e-3 * np.exp(3 * uu) * (1 - g) - 4e-2 * np.exp(-2 * uu) * g   # 000 eq 8
    close(m.rate(g, v), ref, 1e-13, 1e-300, what="000 eq 8")
    raises(-6, memnet.MeanFieldModel, "nope")

    # integrate under a two-level protocol; reference: RK4 in numpy with a fine step
    t = np.linspace(0, 100, 101)
    V = np.where(t < 50, 1.5, 0.1)
    m.set_tolerances(1e-10, 1e-13)
    gs, Gs = m.integrate(t, V, 0.0)

    def f(gg, vv):
        u_ = vv / (1 + 20 * gg)
        return 2e-3 * math.exp(3 * u_) * (1 - gg) - 4e-2 * math.exp(-2 * u_) * gg
    gr = [0.0]
    x = 0.0
    h = 0.01
    for i in range(100):
        vv = V[i]
        for _ in range(100):
            k1 = f(x, vv)
            k2 = f(x + h / 2 * k1, vv)
            k3 = f(x + h / 2 * k2, vv)
            k4 = f(x + h * k3, vv)
            x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        gr.append(x)
    close(gs, gr, 1e-7, 1e-10, what="integrate vs RK4")

    # fit recovers the parameters that made the data
    guess = memnet.MeanFieldModel("miranda", G_min=1e-3, chi=15.0, k_p=3e-3, k_d=3e-2,
                                  eta_p=2.5, eta_d=2.0)
    fit = guess.fit(t, V, Gs, free=("chi", "k_p", "k_d", "eta_p"), relative=True)
    for name, true in (("chi", 20.0), ("k_p", 2e-3), ("k_d", 4e-2), ("eta_p", 3.0)):
        close(fit.params[name][0], true, 1e-4, what="fitted " + name)
    check(fit.rms < 1e-6, "rms %g" % fit.rms)
    close(fit.curve, Gs, 1e-5, what="fitted curve")


@test("mn_meanfield_fit_status", "mn_meanfield_fit_param_fixed",
      "mn_meanfield_model_set_fit_option")
def meanfield_fit_status_and_held_parameters():
    # synthetic data with a known answer: miranda G(t) = G_min (1 + chi g) (000 eq. 7) with
    # voltage drive (drive = 1: dg/dt = k_p e^{eta_p v} (1 - g) - k_d e^{-eta_d v} g, 000 eq. 8
    # without renormalisation), 1.5 V for 50 s then 0.1 V; g(t) in closed form (linear in g
    # at constant v: g_inf + (g_start - g_inf) e^{-(a + b)(t - t_start)})
    true = {"G_min": 1e-3, "chi": 20.0, "k_p": 2e-3, "k_d": 4e-2, "eta_p": 3.0, "eta_d": 2.0}
    t = np.linspace(0, 100, 101)
    V = np.where(t < 50, 1.5, 0.1)

    def g_exact(t, g_start, t_start, v):
        a = true["k_p"] * math.exp(true["eta_p"] * v)
        b = true["k_d"] * math.exp(-true["eta_d"] * v)
        return a / (a + b) + (g_start - a / (a + b)) * np.exp(-(a + b) * (t - t_start))
    g50 = g_exact(50.0, 0.0, 0.0, 1.5)
    g = np.where(t <= 50, g_exact(t, 0.0, 0.0, 1.5), g_exact(t, g50, 50.0, 0.1))
    G = true["G_min"] * (1 + true["chi"] * g)

    def start():
        return memnet.MeanFieldModel("miranda", G_min=1.2e-3, chi=15.0, k_p=3e-3, k_d=3e-2,
                                     eta_p=2.5, eta_d=2.0, drive=1)

    # eta_d given, five free: all determined, converged, nothing held, the true values back
    fit = start().fit(t, V, G, free=("G_min", "chi", "k_p", "k_d", "eta_p"), relative=True)
    check(fit.status == "converged" and fit.status_code == 0 and fit.converged,
          "five free: %s (%s)" % (fit.status, fit.message))
    check(fit.message.startswith("converged"), "message %r" % fit.message)
    check(not any(fit.held.values()), "five free: held %s" % fit.held)
    for name in fit.params:
        close(fit.params[name][0], true[name], 1e-4, what="fitted " + name)
        check(0 < fit.params[name][1] < np.inf, "sigma of %s: %g" % (name, fit.params[name][1]))

    # all six (free=None: the library's default set): one amplitude of a piecewise-exponential
    # g(t) determines five combinations, so exactly one parameter is held (sigma 0, named in the
    # message) and the curve still reproduces the data
    fit6 = start().fit(t, V, G, free=None, relative=True)
    check(list(fit6.params) == ["G_min", "chi", "k_p", "k_d", "eta_p", "eta_d"],
          "default set %s" % list(fit6.params))
    check(fit6.converged, "six free: %s (%s)" % (fit6.status, fit6.message))
    held = [k for k, v in fit6.held.items() if v]
    check(len(held) == 1, "six free: held %s" % held)
    check(fit6.params[held[0]][1] == 0, "held %s has sigma %g" % (held[0], fit6.params[held[0]][1]))
    check(held[0] in fit6.message, "message %r does not name %s" % (fit6.message, held[0]))
    close(fit6.curve, G, 1e-6, what="six free: curve vs data")

    # without auto_fix nothing is held and the message says the parameters are not identifiable
    fit6n = start().fit(t, V, G, free=None, relative=True, auto_fix=0)
    check(not any(fit6n.held.values()), "auto_fix=0 held %s" % fit6n.held)
    check("not identifiable" in fit6n.message, "auto_fix=0: %r" % fit6n.message)

    # a budget of 12 model integrations cannot converge: the best point with the status
    fitb = start().fit(t, V, G, free=None, relative=True, max_evaluations=12)
    check(fitb.status == "evaluation-limit" and fitb.status_code == 1 and not fitb.converged,
          "budget: %s (%s)" % (fitb.status, fitb.message))
    check("evaluation limit" in fitb.message, "budget message %r" % fitb.message)
    check(np.all(np.isfinite(fitb.curve)), "budget: curve not finite")
    check(np.sqrt(np.mean(fitb.residuals ** 2)) < 1.0, "budget: residuals")

    # bad options are refused, naming the value
    raises(-2, start().set_fit_option, "nope", 1)
    raises(-3, start().set_fit_option, "max_evaluations", 3)
    raises(-3, start().set_fit_option, "max_seconds", -1)


@test("mn_meanfield_projector_new")
def projector_against_dense_pseudoinverse():
    # Omega = B~^T (B~ B~^T)^+ B~ on the graph plus the source edge (unit weights, 000 sec. 5)
    u = [0, 1, 2, 0, 1, 3, 2]
    v = [1, 2, 3, 2, 3, 4, 4]
    n = 5
    g = memnet.Graph.from_edges(u, v, n_nodes=n)
    p = memnet.Projector(g, [0], [4], method="dense")
    m = len(u)
    B = np.zeros((n, m + 1))
    for e in range(m):
        B[u[e], e] = 1
        B[v[e], e] = -1
    B[4, m] = 1          # source edge from the drain back to the source
    B[0, m] = -1
    Om = B.T @ np.linalg.pinv(B @ B.T) @ B
    close(Om @ Om, Om, 0, 1e-12, what="Omega^2 = Omega (reference)")
    close(p.omega_n1, Om[m, m], 1e-12, what="Omega_{N+1}")
    close(np.abs(p.omega_vec), np.abs(Om[:m, m]), 1e-12, 1e-14, what="|Omega->|")
    close(p.diag, np.diag(Om)[:m], 1e-12, what="diag(Omega)")
    close(p.trace, np.trace(Om[:m, :m]), 1e-12, what="Tr Omega~")
    Om2 = Om[:m, :m] @ Om[:m, :m]
    close(p.trace2, np.trace(Om2), 1e-12, what="Tr Omega~^2")
    gvec = np.linspace(0.1, 0.9, m)
    close(p.g_mean(gvec), np.trace(Om2 @ np.diag(gvec)) / np.trace(Om2), 1e-12,
          what="<g> (000 eq 25)")
    # with equal g the mean-field G_eff is exact (000 eq 26 vs a Kirchhoff solve)
    G_min, chi, g0 = 1e-2, 50.0, 0.3
    exact = memnet.effective_conductance(g, np.full(m, G_min * (1 + chi * g0)), [0], [4])
    close(p.g_eff(np.full(m, g0), G_min, chi), exact, 1e-12, what="G_eff uniform g")


@test("mn_meanfield_ema_new", "mn_meanfield_model_from_junction")
def effective_medium_closure_and_prediction():
    # the effective-medium reduction (docs/meanfield.md sec. 4) against numpy references
    u = [0, 1, 2, 0, 1, 3, 2]
    v = [1, 2, 3, 2, 3, 4, 4]
    n, m = 5, 7
    g = memnet.Graph.from_edges(u, v, n_nodes=n)
    p = memnet.Projector(g, [0], [4], method="dense")
    em = memnet.EffectiveMedium(p, memnet.Model("miranda"), classes=0)
    # a_i and R_i from a dense solve of the grounded Laplacian (electrodes 0 and 4 shorted)
    L = np.zeros((n, n))
    for a, b in zip(u, v):
        L[a, a] += 1; L[b, b] += 1; L[a, b] -= 1; L[b, a] -= 1
    free = [1, 2, 3]
    phi = np.zeros(n); phi[0] = 1
    phi[free] = np.linalg.solve(L[np.ix_(free, free)], -L[np.ix_(free, [0])] @ [1.0])
    Z = np.zeros((n, n)); Z[np.ix_(free, free)] = np.linalg.inv(L[np.ix_(free, free)])
    a = np.array([phi[i] - phi[j] for i, j in zip(u, v)])
    R = np.array([Z[i, i] + Z[j, j] - 2 * Z[i, j] for i, j in zip(u, v)])
    keep = np.abs(a) > 1e-12
    c = em.classes
    close(c["a"], np.abs(a[keep]), 1e-12, what="a_i")
    close(c["R"], R[keep], 1e-12, 1e-14, what="R_i")
    # the closure against a numpy bisection of sum a^2 (G - Gm)/((1 - R) Gm + R G) = 0
    G = np.linspace(0.5, 3.0, m)
    f = lambda x: np.sum((a[keep] ** 2) * (G[keep] - x) / ((1 - R[keep]) * x + R[keep] * G[keep]))
    lo, hi = G.min(), G.max()
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    Geff, Gm = em.conductance(G)
    close(Gm, 0.5 * (lo + hi), 1e-12, what="G_m")
    close(Geff, Gm * np.sum(a ** 2), 1e-12, what="G_eff = G_m G_unit")
    # uniform conductances: exact
    close(em.conductance(np.full(m, 0.4))[0],
          memnet.effective_conductance(g, np.full(m, 0.4), [0], [4]), 1e-12, what="uniform")
    # k junctions in parallel between the electrodes: each sees V, G(t) = k G(g(t)) with g from
    # 003 eq. 9 (miranda defaults: k_p 5e-4, k_d 5e-2, eta 10, G_min 1e-2, G_max 1)
    k = 6
    gp = memnet.Graph.from_edges(list(range(k)), list(range(k, 2 * k)), n_nodes=2 * k)
    pp = memnet.Projector(gp, list(range(k)), list(range(k, 2 * k)), method="dense")
    ep = memnet.EffectiveMedium(pp, memnet.Model("miranda"))
    t = np.linspace(0, 20, 41)
    V = np.where(t < 10, 0.3, 0.05)
    Gt, gmean = ep.predict(t, V)
    gx, ref = 0.0, [k * 1e-2]
    for i in range(1, t.size):
        P, D = 5e-4 * math.exp(10 * V[i - 1]), 5e-2 * math.exp(-10 * V[i - 1])
        gx = P / (P + D) + (gx - P / (P + D)) * math.exp(-(P + D) * (t[i] - t[i - 1]))
        ref.append(k * (1e-2 + (1 - 1e-2) * gx))
    close(Gt, ref, 1e-9, what="parallel junctions, closed form")
    check(ep.stats["steps"] > 0, "steps counted")
    raises(-3, ep.set, classes=-1)
    raises(-3, ep.predict, t, V, 2.0)

@test("mn_meanfield_cb_new")
def cb_closed_forms():
    cb = memnet.CBCircuit(n=50, R_on=100, R_off=16000, R_ref=100, R_int=100, alpha=-1, gamma=1)
    xi, chi, rho = cb.coefficients                  # 002 eq 10
    close([xi, chi, rho], [159.0, 2.0, 0.5], 1e-15, what="xi, chi, rho")
    for S in (-30.0, -5.0):
        c = chi - rho
        ref = (-c + math.sqrt(c * c + 4 * xi * (-S))) / (2 * xi)
        close(cb.psi(S), ref, 1e-10, what="psi (002 eq 17) at S=%g" % S)
    w, H = cb.integrate(np.linspace(0.05, 0.95, 50), -20.0, 30.0, 0.01)
    close(w, cb.psi(-20.0), 1e-6, what="alpha<0 circuit relaxes to psi")
    check(np.all(np.diff(H) <= 1e-12), "Lyapunov H decreases for alpha < 0 (002 eq 55)")


# ------------------------------------------------------------------ analysis


@test("mn_analysis_acf")
def analysis_against_numpy():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.exponential(1.0, 500))
    close(memnet.intervals(t), np.diff(t), 1e-15, what="intervals")
    x = rng.normal(size=300).cumsum()
    lag = 20
    xm = x - x.mean()
    ref = np.array([np.dot(xm[:len(x) - k], xm[k:]) for k in range(lag + 1)]) / np.dot(xm, xm)
    close(memnet.acf(x, lag), ref, 1e-12, 1e-14, what="acf")
    edges, dens, counts = memnet.histogram(x, bins=12)
    rd, re_ = np.histogram(x, bins=12, range=(x.min(), x.max()), density=True)
    close(edges, re_, 1e-12, what="histogram edges")
    close(dens, rd, 1e-12, what="histogram density")
    w = 7
    ref_ma = np.array([x[max(0, i - w + 1):i + 1].mean() for i in range(len(x))])
    close(memnet.moving_average(x, w), ref_ma, 1e-12, what="moving average")
    s = np.array([0, 0, 1, 1, 0.2, 0.2, 3, 3])
    times, sizes = memnet.detect_events(None, s, 0.5)
    close(times, [2, 4, 6], 0, what="event times (sample after the jump)")
    close(sizes, [1, -0.8, 2.8], 1e-15, what="event sizes")
    raises(-3, memnet.acf, x, len(x))


def main():
    for f, needs in TESTS:
        missing = [n for n in needs if not _lib.has(n)]
        if missing:
            skipped.append(f.__name__)
            print("skip %s (library lacks %s)" % (f.__name__, ", ".join(missing)))
            continue
        try:
            f()
            print("ok   %s" % f.__name__)
        except Exception:
            failures.append(f.__name__)
            print("FAIL %s" % f.__name__)
            traceback.print_exc()
    print("python binding: %d passed, %d failed, %d skipped (library %s)"
          % (len(TESTS) - len(failures) - len(skipped), len(failures), len(skipped),
             memnet.library_path))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
