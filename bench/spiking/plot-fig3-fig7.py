"""Figure of docs/spiking.md, "Figs. 3, 5 and 7 with one parameter set?" (issue 15 item 10):
003 Fig. 3's loop width and Fig. 7's pulse-to-pulse build-up against the step length dt.

usage: /usr/bin/python3 bench/spiking/plot-fig3-fig7.py OUT PNG
OUT is the directory of bench/spiking/fig3-fig5-fig7.sh (parts fig3, fig7, fig7-800,
fig3-800); whatever of them is there is plotted.
(a) loop width of Fig. 3: a single memristor at V_app / 10 (curve) and the networks;
(b) gain of the mean network conductance from pulse 3 to pulse 7, (G7 - G3) / G3, and the
    same for a single memristor at 0.1 and 0.2 V (curves);
(c) G_k / G_1 over the seven pulses at 800 x 800.
"""
import glob
import importlib.util
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(here, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


lw = load("loop_width", "loop-width.py")
tm = load("typec_memory", "typec-memory.py")


def pulses(path):
    kv = dict(l.strip().split("=", 1) for l in open(path) if "=" in l)
    return np.array([float(kv[f"pulse{k}_mean_G"]) for k in range(1, 8) if f"pulse{k}_mean_G" in kv])


def main():
    out, png = sys.argv[1], sys.argv[2]
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    grid = np.geomspace(0.01, 1, 13)
    ax[0].semilogx(grid, [tm.fig3_width(d) for d in grid], "k-", label="single memristor, 0.2 V")
    for pat, lab, mk in ((r"fig3-([0-9.]+)\.csv$", "200 x 200, 2 V", "o"),
                         (r"fig3-800-2-([0-9.]+)\.csv$", "800 x 800, 2 V", "s"),
                         (r"fig3-800-9-([0-9.]+)\.csv$", "800 x 800, 9 V", "^")):
        pts = []
        for f in glob.glob(os.path.join(out, "fig3-*.csv")):
            m = re.search(pat, f)
            if m:
                d = float(m.group(1))
                pts.append((d, lw.network_width(f, 200 * d)[0]))
        if pts:
            pts.sort()
            ax[0].semilogx(*zip(*pts), mk, label=lab)
    ax[0].axhline(0.5, color="grey", ls=":")
    ax[0].set(xlabel="dt (s per step)", ylabel="loop width (Fig. 3)", title="(a) Fig. 3: wide loop")
    for v in (0.1, 0.2):
        gains = []
        for d in grid:
            vr = v * 1.25 / 6
            g, G = 0.0, []
            for _ in range(250):
                g = tm.step(g, vr, d)
            for _ in range(7):
                s = 0.0
                for _ in range(250):
                    g = tm.step(g, v, d)
                    s += g
                G.append(s / 250)
                for _ in range(250):
                    g = tm.step(g, vr, d)
            gains.append(100 * (G[6] / G[2] - 1))
        ax[1].plot(grid, gains, "-", color="k" if v == 0.2 else "grey",
                     label=f"single memristor, {v} V (from g = 0)")
    series = (("fig7-([0-9.]+)-summary.txt", "200 x 200", "o"),
              ("fig7-800-s1-([0-9.]+)-summary.txt", "800 x 800, seed 1", "s"),
              ("fig7-800-s2-([0-9.]+)-summary.txt", "800 x 800, seed 2", "D"))
    for pat, lab, mk in series:
        pts, curves = [], []
        for f in glob.glob(os.path.join(out, "fig7-*-summary.txt")):
            m = re.fullmatch(pat, os.path.basename(f))
            if m:
                G = pulses(f)
                if len(G) == 7:
                    d = float(m.group(1))
                    pts.append((d, 100 * (G[6] / G[2] - 1)))
                    curves.append((d, G / G[0]))
        if pts:
            pts.sort()
            x, y = zip(*pts)
            ax[1].plot(x, y, mk, label=lab)
        if "800" in lab:
            for d, c in sorted(curves):
                ax[2].plot(range(1, 8), c, mk + "-", label=f"{lab.replace('800 x 800, ', '')}, dt = {d:g} s")
    ax[1].set_xscale("log")
    ax[1].set_yscale("symlog", linthresh=1)
    ax[1].axhline(0, color="grey", lw=0.5)
    ax[1].set(xlabel="dt (s per step)", ylabel="(G7 - G3) / G3 (%)",
              title="(b) Fig. 7: gain after pulse 3")
    ax[1].legend(fontsize=8)
    ax[2].set(xlabel="pulse", ylabel="G_k / G_1", title="(c) Fig. 7 at 800 x 800")
    ax[2].legend(fontsize=7)
    t = tm.threshold(f=lambda d: tm.fig3_width_any(d)[0], iters=12)
    for a in ax[:2]:
        a.axvspan(t, 1, color="tab:orange", alpha=0.12, lw=0,
                  label=f"dt >= {t:.2f} s: a Fig. 3 loop of width >= 0.5 possible")
    ax[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=90)


if __name__ == "__main__":
    main()
