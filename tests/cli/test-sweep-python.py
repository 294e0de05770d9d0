#!/usr/bin/python3
"""memnet.sweep (plan, tasks, run_task, status, collect) driven by concurrent.futures, and the
many-electrode protocol from Python (current and floating electrodes, probes) against the same
run of `memnet simulate`. usage: test-sweep-python.py MEMNET_PROGRAM"""
import concurrent.futures
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ["MEMNET_CLI"] = os.path.abspath(sys.argv[1])
import memnet  # noqa: E402
import memnet.sweep as sw  # noqa: E402

tmp = tempfile.mkdtemp()
os.chdir(tmp)
with open("net.txt", "w") as f:
    f.write("0 1\n1 2\n2 3\n0 2\n1 3\n3 4\n2 4\n4 5\n0 5\n5 6\n6 7\n3 7\n")
with open("base.cfg", "w") as f:
    f.write("command = simulate\nnetwork = net.txt\nmodel = miranda\nsource = 0\ndrain = 5\n"
            "waveform = sine:1:0.5\nt-end = 2\ndt-out = 0.5\ninit = random:0:0.3\nout = out.csv\n")

# ---------------------------------------------------------------- sweep through a pool
ts = sw.plan("S", config="base.cfg", vary={"seed": "1..4", "set": ["kP0=1e-4", "kP0=5e-4"]})
assert len(ts) == 8 and ts[3]["values"] == {"seed": "2", "set.kP0": "kP0=5e-4"[4:]}, ts[3]
assert ts[3]["args"][0] == "simulate" and ts[3]["args"][-2:] == ["--set", "kP0=5e-4"], ts[3]
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    st = list(pool.map(sw.run_task, ["S"] * 8, range(8)))
assert all(s["status"] == 0 and s["id"] == i for i, s in enumerate(st)), st
s = sw.status("S")
assert s["done"] == 8 and s["pending"] == 0, s
rows = sw.collect("S", "table.csv")
assert [int(r["id"]) for r in rows] == list(range(8))
for r, t in zip(rows, ts):
    assert r["seed"] == t["values"]["seed"] and float(r["t_reached"]) == 2.0, r
    # the final sample equals the last row of that task's own CSV
    last = [l for l in open(f"S/runs/{t['id']}/out.csv") if not l.startswith("#")][-1].strip().split(",")
    assert r["final.G"] == last[3], (r["final.G"], last)
# an incomplete sweep
os.remove("S/runs/5/status.json")
try:
    sw.collect("S", "t2.csv")
    raise AssertionError("collect of an incomplete sweep succeeded")
except sw.SweepError as e:
    assert e.returncode == 3 and " 5" in e.stderr, e.stderr
assert len(sw.collect("S", "t3.csv", partial=True)) == 7
assert sw.run_task("S", 5)["status"] == 0 and sw.status("S")["done"] == 8

# ---------------------------------------------------------------- real ranges, a killed task resumed
ts = sw.plan("R", config="base.cfg", vary={"set": "kP0=1e-4..1e-3:3:log", "rtol": "1e-6..3e-6:3"})
assert [t["values"]["set.kP0"] for t in ts[::3]] == ["1e-4", "%.15g" % 10 ** -3.5, "1e-3"], ts
assert [t["values"]["rtol"] for t in ts[:3]] == ["1e-6", "2e-06", "3e-6"], ts
with open("big.txt", "w") as f:
    for i in range(20):
        for k in range(20):
            if k + 1 < 20:
                f.write("%d %d\n" % (20 * i + k, 20 * i + k + 1))
            if i + 1 < 20:
                f.write("%d %d\n" % (20 * i + k, 20 * i + k + 20))
with open("long.cfg", "w") as f:
    f.write("command = simulate\nnetwork = big.txt\nmodel = miranda\nsource = 0\ndrain = 399\n"
            "waveform = sine:3:0.5\nt-end = 40\ndt-out = 0.5\nrtol = 1e-9\natol = 1e-12\nout = out.csv\n")
ts = sw.plan("K", config="long.cfg", vary={"seed": "1..1"}, checkpoint_every=1)
assert ts[0]["args"][-6:-2] == ["--checkpoint", "checkpoint.mnck", "--checkpoint-every", "1.0"], ts[0]["args"]
p = subprocess.Popen([os.environ["MEMNET_CLI"], "sweep", "run", "K", "--task", "0"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(1500):
    if any(d.startswith("0.tmp-") and os.path.exists(os.path.join("K/runs", d, "checkpoint.mnck"))
           for d in os.listdir("K/runs")):
        break
    time.sleep(0.02)
p.kill()  # SIGKILL
p.wait()
assert not os.path.exists("K/runs/0"), "the task finished before the kill"
st = sw.run_task("K", 0)
assert st["status"] == 0 and st["resumed"] is True and st["threads"] == 1, st
os.mkdir("direct")
subprocess.run([os.environ["MEMNET_CLI"]] + ts[0]["args"], cwd="direct", check=True, capture_output=True)
assert open("direct/out.csv", "rb").read() == open("K/runs/0/out.csv", "rb").read(), \
    "resumed task differs from the uninterrupted direct command"

# ---------------------------------------------------------------- many electrodes from Python
subprocess.run([os.environ["MEMNET_CLI"], "simulate", "--network", "net.txt", "--model", "miranda", "--init", "0.2",
                "--electrode", "in=0:sine:1:0.5@0.6-1.1", "--electrode", "f=2,6:float",
                "--electrode", "c=4:i:dc:1e-3", "--electrode", "g=5,7:ground", "--probe", "3",
                "--t-end", "2", "--dt-out", "0.25", "--out", "cli.csv"], check=True, capture_output=True)
lines = [l.strip().split(",") for l in open("cli.csv") if not l.startswith("#")]
cli = {h: np.array([float(r[i]) for r in lines[1:]]) for i, h in enumerate(lines[0])}
g = memnet.Graph.read_edgelist("net.txt")
net = memnet.Network(g, memnet.Model("miranda"))
sim = memnet.Simulation(net)
sim.add_electrode([0], "sine:1:0.5", floating=[(0.6, 1.1)])
sim.add_electrode([2, 6], floating=True)
sim.add_electrode([4], current="dc:1e-3")
sim.add_electrode([5, 7])
sim.add_probe([3])
sim.init(0.2)
rec = sim.run(2, dt=0.25)
assert rec.V.shape == (9, 4) and rec.P.shape == (9, 1), (rec.V.shape, rec.P.shape)
for k, name in enumerate(["in", "f", "c", "g"]):
    assert np.allclose(rec.V[:, k], cli["V_" + name], rtol=1e-12, atol=1e-14), name
    assert np.allclose(rec.I[:, k], cli["I_" + name], rtol=1e-12, atol=1e-14), name
assert np.allclose(rec.P[:, 0], cli["P0"], rtol=1e-12, atol=1e-14)
assert np.all(np.abs(rec.I[:, 1]) < 1e-15), rec.I[:, 1]           # floating: no current
assert np.allclose(rec.I[:, 2], 1e-3, rtol=1e-12)                   # the current electrode
assert np.all(np.abs(rec.I.sum(axis=1)) < 1e-12)                    # KCL
inside = (rec.t > 0.6) & (rec.t < 1.1)
assert inside.sum() >= 1 and np.all(np.abs(rec.I[inside, 0]) < 1e-15)
outside = (rec.t < 0.6) | (rec.t > 1.1)
assert np.allclose(rec.V[outside, 0], np.sin(math.pi * rec.t[outside]), atol=1e-12)
try:
    sim2 = memnet.Simulation(net)
    sim2.add_electrode([0], current="dc:1e-3")
    sim2.add_electrode([5], floating=[(0.5, 1.0)])
    sim2.run(1, dt=0.5)
    raise AssertionError("a floating only ground was accepted")
except memnet.Error as e:
    assert "only electrode holding a potential" in str(e), e
print("ok")

# ---------------------------------------------------------------- current source from Python
# Simulation.set_current_source against `memnet simulate --current` (the same C path) and, at
# the final states, against a dense nodal solve written here (000 eqs 5-6: +j in at the
# source, -j out at the drain, the drain the ground)
j = 1e-3
subprocess.run([os.environ["MEMNET_CLI"], "simulate", "--network", "net.txt", "--model", "miranda", "--init", "0.2",
                "--source", "0", "--drain", "5", "--current", "--waveform", "dc:%g" % j, "--t-end", "2",
                "--dt-out", "0.5", "--out", "cur.csv"], check=True, capture_output=True)
lines = [l.strip().split(",") for l in open("cur.csv") if not l.startswith("#")]
cur = {h: np.array([float(r[i]) for r in lines[1:]]) for i, h in enumerate(lines[0])}
sim = memnet.Simulation(memnet.Network(g, memnet.Model("miranda")))
sim.set_current_source([0], [5], "dc:%g" % j)
sim.init(0.2)
rec = sim.run(2, dt=0.5)
assert rec.t.size == cur["t"].size and np.allclose(rec.t, cur["t"], rtol=0, atol=1e-15), rec.t
assert np.allclose(rec["mean_g"], cur["mean_g"], rtol=1e-12, atol=1e-15), (rec["mean_g"], cur["mean_g"])
assert abs(sim.states.mean() - cur["mean_g"][-1]) <= 1e-12 * cur["mean_g"][-1]
phi = sim.potentials
assert abs((phi[0] - phi[5]) - cur["V"][-1]) <= 1e-12 * abs(cur["V"][-1]), (phi[0] - phi[5], cur["V"][-1])
u, v = g.edges
G = sim.conductances
n = g.n_nodes
L = np.zeros((n, n))
for e in range(len(u)):
    a, b = u[e], v[e]
    L[a, a] += G[e]; L[b, b] += G[e]; L[a, b] -= G[e]; L[b, a] -= G[e]
rhs = np.zeros(n)
rhs[0] = j
keep = [i for i in range(n) if i != 5]
ref = np.zeros(n)
ref[keep] = np.linalg.solve(L[np.ix_(keep, keep)], rhs[keep])
assert np.allclose(phi, ref, rtol=1e-10, atol=1e-14), (phi, ref)
print("ok")
