#!/usr/bin/python3
"""Every reservoir task of docs/reservoir.md from Python (memnet.reservoir), with the same
network layout and drive as `memnet reservoir`, scores against the raw-input baseline and a
summary figure.

    PYTHONPATH=bindings/python MEMNET_LIBRARY=build/lib/libmemnet.so \\
        /usr/bin/python3 examples/reservoir/python-tasks.py [--wires 3000] [--out DIR]

Needs numpy (and matplotlib for the figure)."""
import argparse
import os
import time

import numpy as np

import memnet
from memnet import reservoir as rc


def build(graph, scalar, inputs, outputs, amplitude, bias, step, seed=1):
    res = rc.Reservoir(memnet.Network(graph, "miranda"), step=step)
    rng = np.random.default_rng(seed)
    for k in range(inputs):
        scale = amplitude * (rng.choice([-1, 1]) * (0.5 + 0.5 * rng.random()) if scalar else 1)
        res.add_input("in%d" % k, bias=bias, scale=scale)
    for k in range(outputs):
        res.add_output("out%d" % k)
    return res


def split(n, washout, train):
    ntr = int(train * (n - washout))
    return slice(washout, washout + ntr), slice(washout + ntr, n)


def regression(graph, name, n, a):
    u, y = rc.task(name, n)
    res = build(graph, True, a.inputs, a.outputs, a.amplitude, a.bias, a.step)
    c0 = time.process_time()
    F = res.run(np.repeat(u[:, None], a.inputs, axis=1))
    cpu = time.process_time() - c0
    tr, te = split(n, 100, 0.7)
    score = rc.nmse(y[te], rc.Readout().fit(F[tr], y[tr]).predict(F[te]))
    base = rc.nmse(y[te], rc.Readout().fit(u[tr, None], y[tr]).predict(u[te, None]))
    return score, base, cpu


def memory(graph, n, a, kmax=30):
    u, _ = rc.task("memory", n)
    res = build(graph, True, a.inputs, a.outputs, a.amplitude, a.bias, a.step)
    c0 = time.process_time()
    F = res.run(np.repeat(u[:, None], a.inputs, axis=1))
    cpu = time.process_time() - c0
    ntr = int(0.7 * (n - 100))
    _, mc = rc.Readout().memory_capacity(F, u, kmax, 100, ntr)
    _, mb = rc.Readout().memory_capacity(u[:, None], u, kmax, 100, ntr)
    return mc, mb, cpu


def digits(graph, a, limit=None):
    pix, lab = rc.load_digits()
    order = np.random.default_rng(1).permutation(len(lab))
    pix, lab = pix[order], lab[order]
    if limit:
        pix, lab = pix[:limit], lab[:limit]
    res = build(graph, False, a.inputs, a.outputs, a.amplitude, a.bias, a.step)
    u, per = rc.digits_inputs(pix, a.inputs)
    c0 = time.process_time()
    F = res.run(u)
    cpu = time.process_time() - c0
    chunks = per - 1
    X = F.reshape(len(lab), per, -1)[:, :chunks, :].reshape(len(lab), -1)
    ntr = int(0.7 * len(lab))
    r = rc.Readout().fit_classes(X[:ntr], lab[:ntr], 10)
    score = rc.accuracy(lab[ntr:], r.classify(X[ntr:]))
    b = rc.Readout().fit_classes(pix[:ntr], lab[:ntr], 10)
    return score, rc.accuracy(lab[ntr:], b.classify(pix[ntr:])), cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wires", type=int, default=3000)
    p.add_argument("--inputs", type=int, default=5)
    p.add_argument("--outputs", type=int, default=3)
    p.add_argument("--amplitude", type=float, default=2.0)
    p.add_argument("--bias", type=float, default=1.0)
    p.add_argument("--step", type=float, default=1.0)
    p.add_argument("--digits-limit", type=int, default=0)
    p.add_argument("--out", default=None, help="directory for summary.png")
    a = p.parse_args()
    g = rc.nanowire_network(a.wires, a.inputs, a.outputs)
    print("nodes=%d edges=%d" % (g.n_nodes, g.n_edges))
    rows = []
    for name, n in (("sine-square", 1000), ("sine-double", 1000), ("mackey-glass", 2000),
                    ("narma10", 2000)):
        rows.append((name, "nmse") + regression(g, name, n, a))
    rows.append(("memory", "mc") + memory(g, 2000, a))
    rows.append(("digits", "accuracy") + digits(g, a, a.digits_limit or None))
    for name, kind, s, b, cpu in rows:
        print("%-13s %-8s reservoir=%.4g baseline=%.4g cpu_seconds=%.1f" % (name, kind, s, b, cpu))
    if a.out:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        os.makedirs(a.out, exist_ok=True)
        fig, axs = plt.subplots(1, len(rows), figsize=(2.2 * len(rows), 3.2))
        for ax, (name, kind, s, b, _) in zip(axs, rows):
            ax.bar([0, 1], [s, b], color=["C0", "C3"])
            ax.set_xticks([0, 1])
            ax.set_xticklabels(["reservoir", "raw"], fontsize=8)
            ax.set_title("%s (%s)" % (name, kind), fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "python-summary.png"), dpi=120)
        print(os.path.join(a.out, "python-summary.png"))


if __name__ == "__main__":
    main()
