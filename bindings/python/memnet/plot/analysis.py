"""Plot the output of `memnet analyze` (003 Fig. 6 style).

usage: python3 -m memnet.plot.analysis PREFIX [-o OUT.png] [--title TEXT]

Reads PREFIX-summary.txt, PREFIX-iei-lin.csv, PREFIX-iei-log.csv, PREFIX-acf-events.csv and,
when present, PREFIX-acf-signal.csv, PREFIX-avalanche-sizes.csv, PREFIX-moving.csv, and
draws a PNG (default PREFIX-analysis.png):
  (a) the IEI probability density with linear (grey) and logarithmic (coloured) bins on
      log-log axes and the fitted power law p(x) = (alpha-1)/x_min (x/x_min)^-alpha, scaled by
      the fraction of intervals in the tail (so it overlays the density of all intervals);
  (b) the ACF of the binned event train (and of the series) against the lag, log-log for
      positive values;
  (c) the avalanche-size density (if any avalanches);
  (d) the moving averages of the series and of the event rate (003 Fig. 7c).
Needs Debian's /usr/bin/python3 with numpy and matplotlib (Agg backend, no display).
"""
import argparse
import os
import sys

import matplotlib

import matplotlib.pyplot as plt
import numpy as np


def load(path):
    if not os.path.exists(path):
        return None
    # memnet CSVs start with '# key=value' provenance lines: skip them, then the header
    with open(path) as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    if not lines:
        return None
    header = lines[0].strip().split(",")
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)} if data.size else None


def main(argv=None):
    """Command line: arguments as in the module docstring (sys.argv[1:] when argv is None);
    writes PNG files with matplotlib's Agg backend."""
    matplotlib.use("Agg")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("prefix", help="the --out-prefix given to memnet analyze")
    ap.add_argument("-o", "--output", help="PNG file (default PREFIX-analysis.png)")
    ap.add_argument("--title", default=None)
    a = ap.parse_args(argv)
    p = a.prefix
    summary_path = p + "-summary.txt"
    if not os.path.exists(summary_path):
        sys.exit("plot-analysis: %s not found (run memnet analyze --out-prefix %s first)"
                 % (summary_path, p))
    kv = {}
    for line in open(summary_path):
        if "=" in line and not line.startswith("#"):
            k, v = line.rstrip("\n").split("=", 1)
            kv[k] = v
    lin, log = load(p + "-iei-lin.csv"), load(p + "-iei-log.csv")
    acf_e, acf_s = load(p + "-acf-events.csv"), load(p + "-acf-signal.csv")
    aval, mov = load(p + "-avalanche-sizes.csv"), load(p + "-moving.csv")

    fig, ax = plt.subplots(2, 2, figsize=(11, 8.5))
    fig.suptitle(a.title or "memnet analyze: %s (column %s, %s events)"
                 % (os.path.basename(kv.get("data", p)), kv.get("column", "?"),
                    kv.get("events", "?")))

    # (a) IEI distribution and power-law fit
    x = ax[0, 0]
    if lin is not None:
        m = lin["density"] > 0
        x.loglog(lin["bin_center"][m], lin["density"][m], "o", color="0.65", ms=4,
                 label="linear bins")
    if log is not None:
        m = log["density"] > 0
        x.loglog(log["bin_center"][m], log["density"][m], "o", color="tab:red", ms=5,
                 label="logarithmic bins")
    if "iei_exponent" in kv and log is not None:
        alpha, xmin = float(kv["iei_exponent"]), float(kv["iei_xmin"])
        err = float(kv["iei_exponent_err"])
        frac = float(kv["iei_tail"]) / float(kv["iei_count"])
        hi = log["bin_hi"][-1]
        xs = np.logspace(np.log10(xmin), np.log10(hi), 100)
        if kv.get("iei_fit") == "discrete":
            # p(k) = k^-alpha / zeta(alpha, k_min) per step of length `step`
            from scipy.special import zeta
            step = float(kv["iei_step"])
            ys = frac * (xs / step) ** (-alpha) / zeta(alpha, round(xmin / step)) / step
        else:
            ys = frac * (alpha - 1) / xmin * (xs / xmin) ** (-alpha)
        x.loglog(xs, ys, "k--", lw=1.5,
                 label=r"fit $\alpha$ = %.2f $\pm$ %.2f, $x_{min}$ = %.3g" % (alpha, err, xmin))
        x.axvline(xmin, color="k", lw=0.5, ls=":")
    x.set_xlabel("IEI (units of t)")
    x.set_ylabel("P(IEI)")
    x.set_title("(a) inter-event intervals")
    x.legend(fontsize=8)

    # (b) ACFs
    x = ax[0, 1]
    if acf_e is not None:
        m = (acf_e["lag"] > 0) & (acf_e["acf"] > 0)
        x.loglog(acf_e["tau"][m], acf_e["acf"][m], ".", color="lightsteelblue", ms=2,
                 label="event train (bin %.3g)" % float(kv.get("acf_bin_width", "nan")))
        # display aid: the ACF averaged over logarithmic lag bins (lags >= 1)
        lag, tau, r = acf_e["lag"], acf_e["tau"], acf_e["acf"]
        if lag[-1] >= 10:
            e = np.unique(np.floor(np.logspace(0, np.log10(lag[-1] + 1), 40)))
            idx = np.digitize(lag, e)
            tb = np.array([tau[idx == i].mean() for i in np.unique(idx) if lag[idx == i][0] >= 1])
            rb = np.array([r[idx == i].mean() for i in np.unique(idx) if lag[idx == i][0] >= 1])
            ok = rb > 0
            x.loglog(tb[ok], rb[ok], "o-", color="tab:blue", ms=4, lw=1,
                     label="event train, log-bin average")
    if acf_s is not None:
        m = (acf_s["lag"] > 0) & (acf_s["acf"] > 0)
        x.loglog(acf_s["tau"][m], acf_s["acf"][m], "-", color="tab:green", lw=1,
                 label="series %s" % kv.get("column", ""))
    x.set_xlabel("lag (units of t)")
    x.set_ylabel("ACF (positive values)")
    x.set_title("(b) autocorrelation")
    x.legend(fontsize=8)

    # (c) avalanche sizes
    x = ax[1, 0]
    if aval is not None:
        m = aval["density"] > 0
        x.loglog(aval["bin_center"][m], aval["density"][m], "s", color="tab:purple", ms=5)
        x.set_title("(c) avalanche sizes (%s avalanches)" % kv.get("avalanches", "?"))
    else:
        x.set_title("(c) avalanche sizes (none)")
    x.set_xlabel("size (events)")
    x.set_ylabel("P(size)")

    # (d) moving averages
    x = ax[1, 1]
    if mov is not None:
        col = [k for k in mov if k.endswith("_avg")][0]
        x.plot(mov["t"], mov[col], color="tab:purple", lw=1)
        x.set_ylabel("<%s>" % col[:-4], color="tab:purple")
        x2 = x.twinx()
        x2.plot(mov["t"], mov["event_rate"], color="tab:blue", lw=1)
        x2.set_ylabel("<ER> (events per unit t)", color="tab:blue")
    x.set_xlabel("t")
    x.set_title("(d) moving averages over %s samples" % kv.get("moving_window_samples", "?"))

    fig.tight_layout()
    out = a.output or p + "-analysis.png"
    fig.savefig(out, dpi=110)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
