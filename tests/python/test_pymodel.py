#!/usr/bin/python3
"""A junction model written in Python (memnet.PythonModel) through the library's ops table,
checked as tests/models/conformance.c checks the built-in ones: derivatives against finite
differences, states kept in their bounds, bad parameter values refused with a message, an
equilibrium against its closed form (003 eq. 9), and a whole network simulation identical to
the built-in miranda it re-implements (000 eqs. 1-4). Run against the installed package."""
import math

import numpy as np

import memnet


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def rates(x, V, I, p, L):
    v = np.abs(V)
    kp = p["k_p"] * np.exp(p["eta_p"] * v)
    kd = p["k_d"] * np.exp(-p["eta_d"] * v)
    return (kp * (1 - x[:, 0]) - kd * x[:, 0])[:, None]


def rates_dx(x, V, I, p, L):
    v = np.abs(V)
    return (-(p["k_p"] * np.exp(p["eta_p"] * v) + p["k_d"] * np.exp(-p["eta_d"] * v)))[:, None, None]


def make():
    return memnet.PythonModel(
        "py_miranda", ["g"],
        [("k_p", 5e-4, 0, 1e12, "1/s", "003 Table 1"), ("k_d", 5e-2, 0, 1e12, "1/s"),
         ("eta_p", 10.0, -1e4, 1e4, "1/V"), ("eta_d", 10.0, -1e4, 1e4, "1/V"),
         ("G_min", 0.01, 0, 1e300, "S"), ("G_max", 1.0, 0, 1e300, "S")],
        conductance=lambda x, p, L: p["G_min"] + (p["G_max"] - p["G_min"]) * x[:, 0],
        rate=rates, rate_dx=rates_dx,
        conductance_dx=lambda x, p, L: (p["G_max"] - p["G_min"])[:, None],
        state_bounds=[(0.0, 1.0)],
        description="miranda in numpy (000 eqs. 1-4)")


m = make()
check(m.name == "py_miranda" and m.info["states"] == ["g"], m.info)
check(abs(m["k_d"] - 5e-2) < 1e-18, "default k_d")

# 1. derivatives against central finite differences, on random states, voltages and per-edge
#    parameters (through Network.rates / conductances, i.e. through the library)
g = memnet.lattice("chain", nx=40)
net = memnet.Network(g, m)
n = g.n_edges
net.vary_param(0, "k_p", 0.5, seed=4)
rng = np.random.default_rng(2)
x = rng.uniform(0.05, 0.95, n)
V = rng.uniform(-0.5, 0.5, n)
I = np.zeros(n)
r0 = net.rates(x, V, I)
kp = np.array([net.edge_param(e, "k_p") for e in range(n)])
check(np.ptp(kp) > 0, "varied k_p")
ref = kp * np.exp(10 * np.abs(V)) * (1 - x) - 5e-2 * np.exp(-10 * np.abs(V)) * x
check(np.allclose(r0, ref, rtol=1e-13), "rate = 000 eq. (1) with per-edge k_p")
h = 1e-6
J = (net.rates(x + h, V, I) - net.rates(x - h, V, I)) / (2 * h)
Jref = -(kp * np.exp(10 * np.abs(V)) + 5e-2 * np.exp(-10 * np.abs(V)))
check(np.allclose(J, Jref, rtol=1e-6), "d rate/dx by finite differences")
Gd = (net.conductances(x + h) - net.conductances(x - h)) / (2 * h)
check(np.allclose(Gd, 0.99, rtol=1e-8), "dG/dx by finite differences")

# 2. bounds: a long step at high voltage keeps g in [0, 1]; 3. bad parameters are refused
sim = memnet.Simulation(net, integrator="euler")
sim.set_integrator("euler", dt=50.0)
sim.add_electrode([0], 3.0)
sim.add_electrode([n])
sim.init(0.0)
sim.run(500.0, dt=100.0)
s = sim.states
check(np.all((s >= 0) & (s <= 1)), "states outside [0, 1]: %s" % s[(s < 0) | (s > 1)])
for bad in (float("nan"), -1.0):
    try:
        m["k_p"] = bad
        raise AssertionError("k_p = %r accepted" % bad)
    except memnet.RangeError as e:
        check("k_p" in e.message, e.message)
check(m["k_p"] == 5e-4, "a refused value changed k_p")

# 4. one junction at constant V against 003 eq. 9
one = memnet.Network(memnet.Graph.from_edges([0], [1]), make())
sim = memnet.Simulation(one, rtol=1e-10, atol=1e-12)
sim.add_electrode([0], 0.3)
sim.add_electrode([1])
sim.init(0.0)
rec = sim.run(30.0, dt=1.0)
kP, kD = 5e-4 * math.exp(3.0), 5e-2 * math.exp(-3.0)
gref = kP / (kP + kD) * (1 - np.exp(-(kP + kD) * rec.t))
check(np.allclose(rec.mean_g, gref, rtol=1e-6, atol=1e-10), "003 eq. 9")

# 5. a nanowire network under the 000 Fig. 2a pulse: the Python model and the built-in miranda
#    give the same G(t)
gw = memnet.nanowires(wires=300, width=5.4, height=5.4, length=1.0, seed=3)
out = {}
for kind in ("builtin", "python"):
    model = memnet.Model("miranda") if kind == "builtin" else make()
    s2 = memnet.Simulation(memnet.Network(gw, model), rtol=1e-8, atol=1e-10)
    s2.add_electrode("left", "pwl:0:2,20:2,20:0.1,40:0.1")
    s2.add_electrode("right")
    s2.init(0.0)
    out[kind] = s2.run(40.0, dt=1.0).G
check(np.allclose(out["python"], out["builtin"], rtol=1e-5), "G(t) python vs builtin: %g"
      % np.max(np.abs(out["python"] / out["builtin"] - 1)))

# 6. an exception in a callback becomes a memnet error, not a crash
def broken(x, V, I, p, L):
    raise ZeroDivisionError("on purpose")


bm = memnet.PythonModel("broken", ["g"], [], conductance=lambda x, p, L: 0.1 + x[:, 0],
                        rate=broken)
try:
    memnet.Network(memnet.Graph.from_edges([0], [1]), bm).rates([0.5], [1.0], [0.1])
    raise AssertionError("no error from a failing callback")
except memnet.Error as e:
    check(isinstance(bm.last_exception, ZeroDivisionError), repr(bm.last_exception))
    print("failing callback:", e)
print("Python model: conformance checks passed (%d callback calls)" % m.calls)
