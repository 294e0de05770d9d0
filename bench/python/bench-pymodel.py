#!/usr/bin/python3
"""Per-call overhead of a junction model written in Python (memnet.PythonModel): the same
nanowire run (000 Fig. 2a pulse, BDF) with the built-in miranda and with miranda in numpy
through the ops table; the overhead per callback call is the extra CPU time over the number of
Python callback calls. Alternating runs, medians.

    venv/bin/python bench/python/bench-pymodel.py [--wires 800] [--repeat 3]
"""
import argparse
import os
import statistics
import time

import numpy as np

import memnet



def py_miranda():
    def rate(x, V, I, p, L):
        v = np.abs(V)
        return (p["k_p"] * np.exp(p["eta_p"] * v) * (1 - x[:, 0])
                - p["k_d"] * np.exp(-p["eta_d"] * v) * x[:, 0])[:, None]

    def rate_dx(x, V, I, p, L):
        v = np.abs(V)
        return (-(p["k_p"] * np.exp(p["eta_p"] * v)
                  + p["k_d"] * np.exp(-p["eta_d"] * v)))[:, None, None]
    return memnet.PythonModel(
        "py_miranda", ["g"],
        [("k_p", 5e-4, 0, 1e12), ("k_d", 5e-2, 0, 1e12), ("eta_p", 10.0, -1e4, 1e4),
         ("eta_d", 10.0, -1e4, 1e4), ("G_min", 0.01, 0, 1e300), ("G_max", 1.0, 0, 1e300)],
        conductance=lambda x, p, L: p["G_min"] + (p["G_max"] - p["G_min"]) * x[:, 0],
        rate=rate, rate_dx=rate_dx,
        conductance_dx=lambda x, p, L: (p["G_max"] - p["G_min"])[:, None],
        state_bounds=[(0.0, 1.0)])


def one(g, kind):
    model = memnet.Model("miranda") if kind == "built-in" else py_miranda()
    sim = memnet.Simulation(memnet.Network(g, model))
    sim.add_electrode("left", "pwl:0:2,100:2,100:0.1,200:0.1")
    sim.add_electrode("right")
    w0, c0 = time.perf_counter(), os.times()
    sim.run(200.0, dt=1.0)
    c1, w1 = os.times(), time.perf_counter()
    calls = getattr(model, "calls", 0)
    return w1 - w0, (c1.user - c0.user) + (c1.system - c0.system), calls, sim.stats["rhs"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wires", type=int, default=800)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    side = (a.wires / 10.4) ** 0.5
    g = memnet.nanowires(wires=a.wires, width=side, height=side, length=1.0, seed=1)
    res = {"built-in": [], "python": []}
    for _ in range(a.repeat):
        for k in res:
            res[k].append(one(g, k))
    med = {k: [statistics.median(r[i] for r in v) for i in range(4)] for k, v in res.items()}
    print("memnet %s, %d junctions, median of %d" % (memnet.__version__, g.n_edges, a.repeat))
    for k, (w, c, calls, rhs) in med.items():
        print("%-9s wall %.3f s  cpu %.3f s  rhs evaluations %d  python callback calls %d"
              % (k, w, c, rhs, calls))
    dc = med["python"][1] - med["built-in"][1]
    print("cpu ratio %.2f, wall ratio %.2f, overhead per callback call %.1f us (cpu)"
          % (med["python"][1] / med["built-in"][1], med["python"][0] / med["built-in"][0],
             1e6 * dc / max(med["python"][2], 1)))


if __name__ == "__main__":
    main()
