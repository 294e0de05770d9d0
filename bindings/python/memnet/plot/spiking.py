"""Figures of the spiking nanoparticle experiments (003 Figs. 5, 6, 7 and S18).

usage:
  python3 -m memnet.plot.spiking traces RUN[=LABEL] ... -o fig5.png [--last N] [--zoom M]
  python3 -m memnet.plot.spiking iei    AN[=LABEL] ...  -o fig6.png
  python3 -m memnet.plot.spiking pulses RUN[=LABEL] ... -o fig7.png

RUN is the --out-prefix of examples/spiking-experiments (reads RUN.csv, RUN-moving.csv,
RUN-summary.txt); AN the --out-prefix of `memnet analyze` (reads AN-summary.txt,
AN-iei-lin.csv, AN-iei-log.csv, AN-acf-events.csv; the same files scripts/plot-analysis.py
draws one by one).

  traces  003 Fig. 5: current I(t) at the input for each run, left the last N steps
          (default 100 000 or the whole run), right the last M steps (default 5000).
  iei     003 Fig. 6: IEI densities with linear (grey) and logarithmic (coloured) bins and the
          power-law fit (top row), ACF of the event train (bottom row), one column per run.
  pulses  003 Fig. 7 (one run) or Fig. S18 (several spacings): (a) input and output currents
          with the applied voltage in grey, (b) the change of conductance between steps,
          (c) moving averages of G and of the event rate over 100 steps, (d) the mean G and
          the event rate during each pulse (RUN-pulses.csv).
Time axes are in time steps (t / dt, dt from RUN-summary.txt). Needs Debian's /usr/bin/python3
with numpy and matplotlib (Agg backend, no display).
"""
import argparse
import csv
import os
import sys

import matplotlib

import matplotlib.pyplot as plt
import numpy as np

COLOURS = {"A": "tab:red", "A:B": "tab:green", "A:C": "tab:blue"}


def kv_file(path):
    kv = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line and not line.startswith("#"):  # '#': provenance comments
                k, v = line.rstrip("\n").split("=", 1)
                kv[k] = v
    return kv


def load_csv(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        line = f.readline()
        while line.startswith("#"):
            line = f.readline()
        header = line.strip().split(",")
        data = np.loadtxt(f, delimiter=",", ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)} if data.size else None


def split(arg):
    if "=" in arg:
        p, lab = arg.split("=", 1)
    else:
        p, lab = arg, None
    return p, lab


def run_label(kv, lab):
    if lab:
        return lab
    t = kv.get("types", "?")
    return "100% Type A" if t == "A" else "%s = 75:25" % t


def colour(kv, i):
    return COLOURS.get(kv.get("types", ""), "C%d" % i)


def traces(a):
    n = len(a.runs)
    fig, ax = plt.subplots(n, 2, figsize=(12, 2.6 * n + 0.6), squeeze=False)
    for i, arg in enumerate(a.runs):
        p, lab = split(arg)
        kv = kv_file(p + "-summary.txt")
        d = load_csv(p + ".csv")
        if d is None:
            sys.exit("plot-spiking: %s.csv not found or empty" % p)
        dt = float(kv.get("dt", "1"))
        step = d["t"] / dt
        c = colour(kv, i)
        for j, last in enumerate((a.last, a.zoom)):
            x = ax[i, j]
            m = step > step[-1] - last
            x.plot(step[m], d["I"][m], color=c, lw=0.6)
            x.set_xlabel("time step")
            x.set_ylabel("I (A)")
            x.set_title("%s, %s V: last %d steps (%s events in the run)"
                        % (run_label(kv, lab), "%g" % np.median(d["V"]), min(last, len(step)),
                           kv.get("events", "?")), fontsize=9)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print("wrote %s" % a.output)


def iei(a):
    n = len(a.runs)
    fig, ax = plt.subplots(2, n, figsize=(4.3 * n, 7.5), squeeze=False)
    for i, arg in enumerate(a.runs):
        p, lab = split(arg)
        kv = kv_file(p + "-summary.txt")
        if not kv:
            sys.exit("plot-spiking: %s-summary.txt not found (run memnet analyze --out-prefix %s)"
                     % (p, p))
        lin, log = load_csv(p + "-iei-lin.csv"), load_csv(p + "-iei-log.csv")
        acf = load_csv(p + "-acf-events.csv")
        c = COLOURS.get(lab.split()[0] if lab else "", "C%d" % i)
        x = ax[0, i]
        if lin is not None:
            m = lin["density"] > 0
            x.loglog(lin["bin_center"][m], lin["density"][m], "o", color="0.65", ms=3,
                     label="linear bins")
        if log is not None:
            m = log["density"] > 0
            x.loglog(log["bin_center"][m], log["density"][m], "o", color=c, ms=5,
                     label="log bins")
        if "iei_exponent" in kv and log is not None:
            alpha, xmin = float(kv["iei_exponent"]), float(kv["iei_xmin"])
            err = float(kv["iei_exponent_err"])
            frac = float(kv["iei_tail"]) / float(kv["iei_count"])
            xs = np.logspace(np.log10(xmin), np.log10(log["bin_hi"][-1]), 50)
            ys = frac * (alpha - 1) / xmin * (xs / xmin) ** (-alpha)
            x.loglog(xs, ys, "k--", lw=1.5,
                     label=r"$\alpha$ = %.2f $\pm$ %.2f" % (alpha, err))
        x.set_xlabel("IEI (s)")
        x.set_ylabel("P(IEI)")
        x.set_title("(%s) %s: %s events" % ("abcd"[i % 4], lab or p, kv.get("events", "?")),
                    fontsize=9)
        x.legend(fontsize=8)
        x = ax[1, i]
        if acf is not None:
            m = (acf["lag"] > 0) & (acf["acf"] > 0)
            x.loglog(acf["tau"][m], acf["acf"][m], ".", color=c, ms=2, alpha=0.4)
            lag, tau, r = acf["lag"], acf["tau"], acf["acf"]
            if lag[-1] >= 10:
                e = np.unique(np.floor(np.logspace(0, np.log10(lag[-1] + 1), 30)))
                idx = np.digitize(lag, e)
                sel = [k for k in np.unique(idx) if lag[idx == k][0] >= 1]
                tb = np.array([tau[idx == k].mean() for k in sel])
                rb = np.array([r[idx == k].mean() for k in sel])
                ok = rb > 0
                x.loglog(tb[ok], rb[ok], "o-", color="k", ms=3, lw=1, label="log-bin average")
                x.legend(fontsize=8)
        x.set_xlabel("lag (s)")
        x.set_ylabel("ACF of the event train")
        x.set_title("(%s)" % "efgh"[i % 4], fontsize=9)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print("wrote %s" % a.output)


def pulses(a):
    n = len(a.runs)
    fig, ax = plt.subplots(4, n, figsize=(7 * n, 11.5), squeeze=False,
                           gridspec_kw={"height_ratios": [1, 1, 1, 0.8]})
    for i, arg in enumerate(a.runs):
        p, lab = split(arg)
        kv = kv_file(p + "-summary.txt")
        d, mv = load_csv(p + ".csv"), load_csv(p + "-moving.csv")
        if d is None or mv is None:
            sys.exit("plot-spiking: %s.csv or %s-moving.csv missing" % (p, p))
        dt = float(kv.get("dt", "1"))
        s = d["t"] / dt
        x = ax[0, i]
        x.plot(s, d["I"], color="tab:blue", lw=0.8, label="total (input)")
        outs = sorted(k for k in d if k.startswith("I_out"))
        for j, k in enumerate(outs):
            x.plot(s, d[k], lw=0.6, color="C%d" % (j + 1), label="output %d" % j)
        x.set_ylabel("I (A)")
        x.legend(fontsize=7, ncol=2, loc="upper left")
        x.set_title("(a) %s: currents" % (lab or run_label(kv, None)), fontsize=9)
        vx = x.twinx()
        vx.plot(s, d["V"], color="0.6", lw=0.8)
        vx.set_ylabel("V_app (V)", color="0.5")
        x = ax[1, i]
        x.plot(s[1:], np.diff(d["G"]), color="tab:blue", lw=0.6)
        x.set_ylabel(r"$\Delta G$ per step (S)")
        x.set_title("(b) change of conductance between steps", fontsize=9)
        vx = x.twinx()
        vx.plot(s, d["V"], color="0.6", lw=0.8)
        x = ax[2, i]
        x.plot(s, mv["mean_G"], color="tab:purple", lw=1.2)
        x.set_ylabel("<G> (S), 100 steps", color="tab:purple")
        x.set_xlabel("time step")
        for xx in ax[:3, i]:
            xx.set_xlim(s[0], s[-1])
        x2 = x.twinx()
        x2.plot(s, mv["event_rate"] * dt, color="tab:blue", lw=1)
        x2.set_ylabel("<ER> (events per step)", color="tab:blue")
        x.set_title("(c) moving averages: <G> (purple), <ER> (blue)", fontsize=9)
        # (d) per pulse: mean G and event rate (from RUN-pulses.csv)
        x = ax[3, i]
        if os.path.exists(p + "-pulses.csv"):
            rows = list(csv.DictReader(open(p + "-pulses.csv")))
            pulse = [r for r in rows if r["kind"] == "pulse"]
            k = np.arange(1, len(pulse) + 1)
            x.plot(k, [float(r["mean_G"]) for r in pulse], "o-", color="tab:purple")
            x.set_ylabel("mean G in pulse (S)", color="tab:purple")
            x2 = x.twinx()
            x2.plot(k, [float(r["event_rate"]) * dt for r in pulse], "s--", color="tab:blue")
            x2.set_ylabel("events per step", color="tab:blue")
            x.set_xlabel("pulse")
            x.set_title("(d) response to each pulse", fontsize=9)
        for xx in ax[:3, i]:
            ymin, ymax = xx.get_ylim()
            on = d["V"] > 0.5 * (d["V"].max() + d["V"].min())
            xx.fill_between(s, ymin, ymax, where=on, color="0.9", zorder=0, step="mid")
            xx.set_ylim(ymin, ymax)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print("wrote %s" % a.output)


def main(argv=None):
    """Command line: arguments as in the module docstring (sys.argv[1:] when argv is None);
    writes PNG files with matplotlib's Agg backend."""
    matplotlib.use("Agg")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["traces", "iei", "pulses"])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("-o", "--output", required=True, help="PNG file")
    ap.add_argument("--last", type=int, default=100000)
    ap.add_argument("--zoom", type=int, default=5000)
    a = ap.parse_args(argv)
    {"traces": traces, "iei": iei, "pulses": pulses}[a.kind](a)


if __name__ == "__main__":
    main()
