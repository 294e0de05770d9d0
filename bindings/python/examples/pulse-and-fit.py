#!/usr/bin/python3
"""memnet from Python, notebook style: a nanowire network under the 000 Fig. 2a pulse,
its mean-field fit, and the effective potential of the fitted model.

    venv/bin/python bindings/python/examples/pulse-and-fit.py    (the pip-installed package)
        [--quick] [--png FILE]

(or PYTHONPATH=bindings/python /usr/bin/python3 ... from a source checkout with ./build.)
"""
import sys
import time

import numpy as np

import memnet

if not all(memnet._lib.has(f) for f in ("mn_gen_nanowires", "mn_sim_new", "mn_meanfield_fit_run")):
    print("SKIP: this libmemnet lacks the generators, sim or meanfield module")
    sys.exit(77)
quick = "--quick" in sys.argv
png = sys.argv[sys.argv.index("--png") + 1] if "--png" in sys.argv else None
print("memnet", memnet.version(), "from", memnet.library_path)

# %% 1. A random Ag nanowire network: sticks of length 1 at 10.4 per unit area.
wires = 800 if quick else 3000
side = (wires / 10.4) ** 0.5
g = memnet.nanowires(wires=wires, width=side, height=side, length=1.0, seed=1)
print(g, "electrodes:", {k: len(v) for k, v in g.node_sets.items()})

# %% 2. Every junction a miranda memristor (000 eqs. 1-4, 003 Table 1 defaults).
net = memnet.Network(g, memnet.Model("miranda"))

# %% 3. 2 V for 100 s, then a 0.1 V read (000 Fig. 2a); samples every second.
sim = memnet.Simulation(net)
sim.add_electrode("left", "pwl:0:2,100:2,100:0.1,200:0.1")
sim.add_electrode("right")                     # ground
sim.init(0.0)                                  # every junction in its low state
t0 = time.time()
rec = sim.run(200.0, dt=1.0)                   # Ctrl-C here keeps sim.recording
print("simulated %d junctions in %.2f s: G %.4g -> %.4g S (end of pulse) -> %.4g S"
      % (g.n_edges, time.time() - t0, rec.G[0], rec.G[99], rec.G[-1]))

# %% 4. The mean-field one-junction model (000 eqs. 7-10) fitted to G(t).
mf = memnet.MeanFieldModel("miranda", G_min=rec.G[0])
V = rec.V[:, 0]
try:
    fit = mf.fit(rec.t, V, rec.G, free=("k_p", "k_d", "eta_p", "eta_d", "chi"), relative=True)
    for name, (value, sigma) in fit.params.items():
        print("  %-6s = %.4g +- %.2g" % (name, value, sigma))
    print("  rms relative error %.3g %%" % (100 * fit.rms))
    G_fit = fit.curve
except memnet.Error as e:                      # memnet's message says what went wrong
    print("fit failed:", e)
    G_fit = None

# %% 5. The fitted model's effective potential V(<g>) at three voltages (000 eq. 11).
gg = np.linspace(0, 1, 201)
for v in (0.1, 1.0, 2.0):
    geq, stab = mf.equilibria(v)
    print("  v = %.1f V: equilibria <g> = %s" % (v, np.array2string(geq, precision=4)))

# %% 6. A figure, if matplotlib is there.
if png:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.plot(rec.t, rec.G, color="tab:green", lw=2, label="network")
    if G_fit is not None:
        a1.plot(rec.t, G_fit, "--", color="tab:blue", label="mean-field fit")
    a1.set_xlabel("t (s)")
    a1.set_ylabel("G (S)")
    a1.legend()
    for v in (0.1, 1.0, 2.0):
        a2.plot(gg, mf.potential(v, gg), label="v = %.1f V" % v)
    a2.set_xlabel("<g>")
    a2.set_ylabel("V(<g>)")
    a2.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    print("figure:", png)

ok = rec.G[99] > 1.5 * rec.G[0] and rec.G[-1] < rec.G[99] and (G_fit is None or fit.rms < 0.05)
sys.exit(0 if ok else 1)
