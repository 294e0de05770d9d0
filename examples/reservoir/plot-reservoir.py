#!/usr/bin/python3
"""Figures of the reservoir tasks (docs/reservoir.md) from the CSV files that
`memnet reservoir TASK --out DIR/TASK.csv` writes and the key=value results in DIR/TASK.txt.

    /usr/bin/python3 examples/reservoir/plot-reservoir.py DIR

writes DIR/TASK.png for every TASK.csv found and DIR/summary.png (score vs baseline).
Needs numpy and matplotlib (Debian's python3-numpy, python3-matplotlib)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

TASKS = ["sine-square", "sine-double", "mackey-glass", "narma10", "memory", "digits"]
TITLES = {
    "sine-square": "sine -> square",
    "sine-double": "sine -> double frequency",
    "mackey-glass": "Mackey-Glass prediction",
    "narma10": "NARMA-10",
    "memory": "short-term memory",
    "digits": "8x8 digits",
}


def read_csv(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    head, body = rows[0], rows[1:]
    return {h: [r[i] for r in body] for i, h in enumerate(head)}


def read_kv(path):
    kv = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    kv[k] = v
    return kv


def plot_regression(task, d, kv, out):
    step = np.array(d["step"], dtype=int)
    test = np.array([s == "test" for s in d["set"]])
    y, pr, pb = (np.array(d[c], dtype=float) for c in ("target", "reservoir", "baseline"))
    u = np.array(d["u"], dtype=float)
    k0 = step[test][0]
    sel = (step >= k0) & (step < k0 + (120 if task.startswith("sine") else 250))
    fig, ax = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    ax[0].plot(step[sel], u[sel], color="0.4", lw=1)
    ax[0].set_ylabel("input u")
    ax[1].plot(step[sel], y[sel], color="k", lw=1.5, label="target")
    ax[1].plot(step[sel], pr[sel], color="C0", lw=1,
               label="reservoir (NMSE %s)" % kv.get("score", "?"))
    ax[1].plot(step[sel], pb[sel], color="C3", lw=1, ls="--",
               label="raw-input baseline (NMSE %s)" % kv.get("baseline", "?"))
    ax[1].set_xlabel("task step (test set)")
    ax[1].set_ylabel("output")
    ax[1].legend(fontsize=8, loc="upper right")
    fig.suptitle("%s, %s wires" % (TITLES[task], kv.get("wires", "?")))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def plot_memory(d, kv, out):
    k = np.array(d["delay"], dtype=int)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(k, np.array(d["reservoir"], dtype=float), "o-", ms=3,
            label="reservoir (MC %s)" % kv.get("score", "?"))
    ax.plot(k, np.array(d["baseline"], dtype=float), "s--", ms=3, color="C3",
            label="raw input (MC %s)" % kv.get("baseline", "?"))
    ax.set_xlabel("delay k")
    ax.set_ylabel("MC_k (squared correlation)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    ax.set_title("short-term memory, %s wires" % kv.get("wires", "?"))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def plot_digits(d, kv, out):
    test = np.array([s == "test" for s in d["set"]])
    lab = np.array(d["label"], dtype=int)[test]
    fig, axs = plt.subplots(1, 2, figsize=(9, 4))
    for ax, col, name in ((axs[0], "reservoir", "reservoir"), (axs[1], "baseline", "raw pixels")):
        pred = np.array(d[col], dtype=int)[test]
        cm = np.zeros((10, 10))
        for a, b in zip(lab, pred):
            cm[a, b] += 1
        ax.imshow(cm, cmap="Blues")
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_title("%s: accuracy %.3f" % (name, np.mean(pred == lab)))
    fig.suptitle("8x8 digits (test set), %s wires" % kv.get("wires", "?"))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    done = []
    for task in TASKS:
        path = os.path.join(root, task + ".csv")
        if not os.path.exists(path):
            continue
        d, kv = read_csv(path), read_kv(os.path.join(root, task + ".txt"))
        out = os.path.join(root, task + ".png")
        if task == "memory":
            plot_memory(d, kv, out)
        elif task == "digits":
            plot_digits(d, kv, out)
        else:
            plot_regression(task, d, kv, out)
        done.append((task, kv))
        print(out)
    if done:
        fig, axs = plt.subplots(1, len(done), figsize=(2.2 * len(done), 3.2))
        axs = np.atleast_1d(axs)
        for ax, (task, kv) in zip(axs, done):
            s, b = float(kv.get("score", "nan")), float(kv.get("baseline", "nan"))
            ax.bar([0, 1], [s, b], color=["C0", "C3"])
            ax.set_xticks([0, 1])
            ax.set_xticklabels(["reservoir", "raw"], fontsize=8)
            ax.set_title("%s\n(%s)" % (TITLES[task], kv.get("score_name", "")), fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(root, "summary.png"), dpi=120)
        print(os.path.join(root, "summary.png"))


if __name__ == "__main__":
    main()
