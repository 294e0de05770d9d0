"""Effective potentials and the phase diagram of a mean-field model, as a PNG.

Run with Debian's Python (python3-matplotlib, python3-numpy) on the files of `memnet potential`:

    memnet potential --model miranda --v-min 0 --v-max 60 --out pot.csv \\
        --equilibria-out eq.csv --sweep-out sweep.csv > pot.txt
    python3 -m memnet.plot.phase pot.csv eq.csv sweep.csv [--info pot.txt]
        [--voltages 5,20,40] [--output phase.png] [--title TEXT] [--dpi 150]

Left: V_v(<g>) - min V_v (000 eq. 11) on a log scale for a few voltages (default: five spread over the range), like
000 Fig. 2b. Right: the phase diagram, equilibrium G_eff against v: stable and unstable
equilibria (000 eq. 12) and the quasi-static sweeps up and down, whose gap is the hysteresis
of a first-order transition (000 Fig. 2c, Fig. 4); with --info the order of the transition and
the threshold/fold voltages printed by `memnet potential` are marked.
"""
import argparse
import math
import sys

import matplotlib

import matplotlib.pyplot as plt
import numpy as np


def read_csv(path):
    with open(path) as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    if len(lines) < 2:
        sys.exit("plot-phase: %s has no data" % path)
    names = lines[0].split(",")
    cols = {n: [] for n in names}
    for ln in lines[1:]:
        for n, x in zip(names, ln.split(",")):
            cols[n].append(x)
    out = {}
    for n, vals in cols.items():
        try:
            out[n] = np.array([float(x) for x in vals])
        except ValueError:
            out[n] = np.array(vals)
    return out


def main(argv=None):
    """Command line: arguments as in the module docstring (sys.argv[1:] when argv is None);
    writes PNG files with matplotlib's Agg backend."""
    matplotlib.use("Agg")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("potential", help="v,g,V (memnet potential --out)")
    ap.add_argument("equilibria", help="v,g_eq,stability,G_eq (--equilibria-out)")
    ap.add_argument("sweep", help="v,g_up,G_up,g_down,G_down (--sweep-out)")
    ap.add_argument("--info", help="key=value output of memnet potential")
    ap.add_argument("--voltages", help="comma-separated voltages of the potential curves")
    ap.add_argument("-o", "--output", default="phase.png")
    ap.add_argument("--title", default=None)
    ap.add_argument("--dpi", type=int, default=150)
    a = ap.parse_args(argv)

    pot = read_csv(a.potential)
    eq = read_csv(a.equilibria)
    sw = read_csv(a.sweep)
    vs = np.unique(pot["v"])
    if a.voltages:
        want = [float(x) for x in a.voltages.split(",")]
    else:
        want = list(np.linspace(vs.min(), vs.max(), 5))
    chosen = sorted({float(vs[np.argmin(np.abs(vs - w))]) for w in want})

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    cmap = plt.get_cmap("viridis")
    for i, v in enumerate(chosen):
        sel = (pot["v"] == v) & np.isfinite(pot["V"])
        if not np.any(sel):
            print("plot-phase: no finite potential at v = %g (skipped)" % v, file=sys.stderr)
            continue
        V = pot["V"][sel]
        # V - min V on a log scale: the exponential activation makes V span many decades,
        # and the minima (equilibria) show as dips
        V = V - V.min()
        V = V + max(1e-300, 1e-12 * V.max())
        ax1.plot(pot["g"][sel], V, color=cmap(i / max(1, len(chosen) - 1)),
                 label="v = %.3g V" % v)
        sel_eq = (eq["v"] == v) & (eq["stability"] == "stable")
        for g0 in eq["g_eq"][sel_eq]:
            j = np.argmin(np.abs(pot["g"][sel] - g0))
            ax1.plot([pot["g"][sel][j]], [V[j]], "o", ms=4,
                     color=cmap(i / max(1, len(chosen) - 1)))
    ax1.set_yscale("log")
    ax1.set_xlabel("<g>")
    ax1.set_ylabel("V_v(<g>) - min V_v (state$^2$/s)")
    ax1.set_title("effective potential (000 eq. 11); dots: stable minima", fontsize=9)
    ax1.legend(fontsize=8)
    ax1.grid(alpha=0.3)

    st = eq["stability"]
    for kind, style in (("stable", dict(marker="o", ms=3, ls="", color="tab:blue")),
                        ("unstable", dict(marker="x", ms=4, ls="", color="tab:red")),
                        ("marginal", dict(marker="s", ms=4, ls="", color="k"))):
        sel = st == kind
        if np.any(sel):
            ax2.plot(eq["v"][sel], eq["G_eq"][sel], label=kind + " equilibria", **style)
    ax2.plot(sw["v"], sw["G_up"], "-", color="tab:green", lw=1.5, label="sweep up")
    ax2.plot(sw["v"], sw["G_down"], "--", color="tab:orange", lw=1.5, label="sweep down")
    ax2.set_yscale("log")
    ax2.set_xlabel("v (V)")
    ax2.set_ylabel("equilibrium G_eff (S)")
    title2 = "phase diagram (000 Fig. 2c, Fig. 4)"
    if a.info:
        kv = {}
        with open(a.info) as f:
            for ln in f:
                if "=" in ln:
                    k, v = ln.strip().split("=", 1)
                    kv[k] = v
        title2 += ": %s" % kv.get("order", "?")
        for key, ls in (("v_threshold", ":"), ("v_fold1", "-."), ("v_fold2", "-.")):
            try:
                x = float(kv.get(key, "nan"))
            except ValueError:
                x = math.nan
            if math.isfinite(x):
                ax2.axvline(x, color="0.4", ls=ls, lw=1, label="%s = %.3g V" % (key, x))
    ax2.set_title(title2, fontsize=9)
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3, which="both")
    if a.title:
        fig.suptitle(a.title, fontsize=11)
    fig.tight_layout()
    fig.savefig(a.output, dpi=a.dpi)
    print("figure=%s" % a.output)


if __name__ == "__main__":
    main()
