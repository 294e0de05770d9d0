"""G(t) of a simulated (or measured) network against its mean-field fit, as a PNG.

Run with Debian's Python (python3-matplotlib, python3-numpy):

    python3 -m memnet.plot.fit SIM.csv FIT.csv [--params FIT.txt]
        [--output FILE.png] [--title TEXT] [--dpi 150]

SIM.csv is a `memnet simulate --out` file (columns t,V,...,G,...; `#` provenance lines are
skipped), FIT.csv a `memnet fit --out` file (t,V,G,G_fit,residual). With --params (the key=value
output of `memnet fit`) the fitted parameters are written on the figure. Three panels: the
applied voltage, G(t) with the fit, and the relative residual.
"""
import argparse
import sys

import matplotlib

import matplotlib.pyplot as plt
import numpy as np


def read_csv(path):
    """Columns of a CSV with a header line, skipping `#` lines, as a dict of arrays."""
    with open(path) as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    if not lines:
        sys.exit("plot-fit: %s is empty" % path)
    names = [c.strip() for c in lines[0].replace(";", ",").split(",")]
    data = np.array([[float(x) for x in ln.replace(";", ",").split(",")] for ln in lines[1:]])
    if data.ndim != 2 or data.shape[0] == 0:
        sys.exit("plot-fit: %s has no data rows" % path)
    return {n: data[:, i] for i, n in enumerate(names)}


def read_kv(path):
    out = {}
    with open(path) as f:
        for ln in f:
            if "=" in ln:
                k, v = ln.strip().split("=", 1)
                out[k] = v
    return out


def main(argv=None):
    """Command line: arguments as in the module docstring (sys.argv[1:] when argv is None);
    writes PNG files with matplotlib's Agg backend."""
    matplotlib.use("Agg")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sim", help="memnet simulate CSV (t, V, G columns)")
    ap.add_argument("fit", help="memnet fit CSV (t, V, G, G_fit, residual)")
    ap.add_argument("--params", help="key=value output of memnet fit")
    ap.add_argument("-o", "--output", default="fit.png")
    ap.add_argument("--title", default=None)
    ap.add_argument("--dpi", type=int, default=150)
    a = ap.parse_args(argv)

    sim = read_csv(a.sim)
    fit = read_csv(a.fit)
    for need, d, p in (("t", sim, a.sim), ("G", sim, a.sim), ("G_fit", fit, a.fit)):
        if need not in d:
            sys.exit("plot-fit: %s has no column %s" % (p, need))

    fig, (ax_v, ax_g, ax_r) = plt.subplots(3, 1, figsize=(7, 7.5), sharex=True,
                                           gridspec_kw={"height_ratios": [1, 3, 1.2]})
    if "V" in sim:
        ax_v.plot(sim["t"], sim["V"], color="tab:red", lw=1.2, drawstyle="steps-post")
        ax_v.set_ylim(min(0.0, float(np.min(sim["V"])) * 1.1), float(np.max(sim["V"])) * 1.1)
    ax_v.set_ylabel("applied V (V)")
    ax_v.grid(alpha=0.3)

    ax_g.plot(sim["t"], sim["G"], color="tab:green", lw=2.2, label="network (every junction)")
    ax_g.plot(fit["t"], fit["G_fit"], "--", color="tab:blue", lw=1.6, label="mean-field fit")
    ax_g.set_ylabel("G (S)")
    ax_g.legend(loc="upper right")
    ax_g.grid(alpha=0.3)

    if a.params:
        kv = read_kv(a.params)
        names = [k for k in ("G_min", "chi", "k_p", "k_d", "eta_p", "eta_d", "mu", "kappa",
                             "R_off", "alpha", "k") if k in kv and k + "_sigma" in kv]
        lines = ["%s = %.4g" % (k, float(kv[k])) for k in names]
        if "param.G_min" in kv and "G_min" not in names:
            lines.insert(0, "G_min = %.4g (fixed)" % float(kv["param.G_min"]))
        if "rms" in kv:
            lines.append("rms = %.3g%s" % (float(kv["rms"]),
                                            " (relative)" if kv.get("residuals") == "relative"
                                            else ""))
        ax_g.text(0.98, 0.04, "\n".join(lines), transform=ax_g.transAxes, ha="right",
                  va="bottom", fontsize=8, family="monospace",
                  bbox=dict(boxstyle="round", fc="white", ec="0.7"))

    rel = (fit["G_fit"] - fit["G"]) / fit["G"]
    ax_r.plot(fit["t"], 100 * rel, color="tab:blue", lw=1)
    ax_r.axhline(0, color="0.5", lw=0.8)
    ax_r.set_ylabel("fit - sim (%)")
    ax_r.set_xlabel("t (s)")
    ax_r.grid(alpha=0.3)

    fig.suptitle(a.title or "G(t) and its mean-field fit", fontsize=11)
    fig.tight_layout()
    fig.savefig(a.output, dpi=a.dpi)
    print("figure=%s" % a.output)


if __name__ == "__main__":
    main()
