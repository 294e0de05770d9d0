#!/usr/bin/python3
"""Cost of recording per-edge states from Python (issue 18): the README's nanowire run
(3000 wires, 200 s of the 000 Fig. 2a pulse, 201 samples) without recording, recording the
state of every junction (rec.x, samples x edges), and recording states, edge currents and
voltages; plus, as the baseline it replaces, the per-edge Python loop of the first binding.

    venv/bin/python bench/python/bench-recording.py [--repeat 5] [--wires 3000]

Runs alternate (one of each kind per round) so that a shared machine's load affects all kinds
alike; prints the median wall and CPU (user+sys of this process) time of each kind and its
ratio to the run without recording.
"""
import argparse
import os
import statistics
import time

import numpy as np

import memnet
from memnet import sim as _sim


class LoopRecording(memnet.Simulation):
    """The first binding's sample callback: one Python index per recorded edge."""

    def _on_sample(self, simp, ud):
        p = self._p
        ne = self._n_electrodes
        row = [_sim._c.mn_sim_time(p),
               [_sim._c.mn_sim_applied_voltage(p, k) for k in range(ne)],
               [_sim._c.mn_sim_electrode_current(p, k) for k in range(ne)],
               _sim._c.mn_sim_effective_conductance(p), _sim._c.mn_sim_mean_state(p, 0)]
        off = np.ctypeslib.as_array(_sim._models_c.mn_network_state_offsets(self.network._p),
                                    shape=(self.network.graph.n_edges + 1,))
        x = np.ctypeslib.as_array(_sim._c.mn_sim_states(p), shape=(self.network.n_states,))
        row.append(np.array([x[off[e]] for e in self._recorded_edges]))
        row += [None, None]
        self._rows.append(row)
        return 0


def one(g, kind):
    net = memnet.Network(g, memnet.Model("miranda"))
    sim = (LoopRecording if kind == "per-edge loop" else memnet.Simulation)(net)
    sim.add_electrode("left", "pwl:0:2,100:2,100:0.1,200:0.1")
    sim.add_electrode("right")
    if kind != "no recording":
        sim.record_edges(None, currents=kind == "x, I, V", voltages=kind == "x, I, V")
    w0, c0 = time.perf_counter(), os.times()
    rec = sim.run(200.0, dt=1.0)
    c1, w1 = os.times(), time.perf_counter()
    return w1 - w0, (c1.user - c0.user) + (c1.system - c0.system), rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--wires", type=int, default=3000)
    a = ap.parse_args()
    side = (a.wires / 10.4) ** 0.5
    g = memnet.nanowires(wires=a.wires, width=side, height=side, length=1.0, seed=1)
    kinds = ["no recording", "x", "x, I, V", "per-edge loop"]
    wall = {k: [] for k in kinds}
    cpu = {k: [] for k in kinds}
    for _ in range(a.repeat):
        for k in kinds:
            w, c, rec = one(g, k)
            wall[k].append(w)
            cpu[k].append(c)
            if k == "x":
                shape = rec.x.shape
    print("memnet %s, %d junctions, %d samples x %d edges recorded, median of %d"
          % (memnet.__version__, g.n_edges, shape[0], shape[1], a.repeat))
    w0, c0 = statistics.median(wall[kinds[0]]), statistics.median(cpu[kinds[0]])
    print("%-16s %9s %9s %8s %8s" % ("kind", "wall (s)", "cpu (s)", "wall/x0", "cpu/x0"))
    for k in kinds:
        w, c = statistics.median(wall[k]), statistics.median(cpu[k])
        print("%-16s %9.3f %9.3f %8.3f %8.3f" % (k, w, c, w / w0, c / c0))


if __name__ == "__main__":
    main()
