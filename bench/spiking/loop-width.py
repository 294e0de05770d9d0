"""003 Fig. 3 loop width (issue 15 item 10; docs/spiking.md).

  loop-width.py network RUN.csv PERIOD   width of the last period of a triangle-driven run
                                         (columns t, V, I of memnet simulate)
  loop-width.py single VMAX DT...        a single Type C memristor (003 eqs. 7-10, Table 1)
                                         on a 0 -> VMAX -> 0 triangle of 200 steps, 003 eq. (9)
                                         per step with the voltage of the step start

width = max over V in [0.1, 0.95] V_max of |G_down - G_up| / G(V_max); ratio = G_down / G_up
at V_max / 2. Prints also the relative change of the peak current over the last period
(network: < 1e-3 means the loop repeats)."""
import csv
import sys

import numpy as np

KP0, KD0, ETA = 5e-4, 5e-2, 10.0


def width(V, G):
    k = int(np.argmax(V))
    Vm, Gm = V[k], G[k]
    vg = np.linspace(0.1 * Vm, 0.95 * Vm, 50)
    o = np.argsort(V[:k + 1])
    gu = np.interp(vg, V[:k + 1][o], G[:k + 1][o])
    o = np.argsort(V[k:])
    gd = np.interp(vg, V[k:][o], G[k:][o])
    i = int(np.argmin(np.abs(vg - 0.5 * Vm)))
    return np.max(np.abs(gd - gu)) / Gm, gd[i] / gu[i]


def network(path, period):
    w, r, gmax, drift = network_width(path, period)
    print(f"width={w:.3f} ratio={r:.2f} Gmax={gmax:.4g} peak_drift={drift:.2e}")


def single(vmax, dt, n=200):
    V = np.r_[np.linspace(0, vmax, n // 2 + 1)[:-1], np.linspace(vmax, 0, n // 2 + 1)[:-1]]
    g = 0.0
    for _ in range(int(3000 / (n * dt)) + 5):  # > 3000 s: the loop repeats
        G = []
        for v in V:
            kp, kd = KP0 * np.exp(ETA * v), KD0 * np.exp(-ETA * v)
            k = kp + kd
            g = kp / k + (g - kp / k) * np.exp(-k * dt)
            G.append(g)
    return width(V, np.array(G))


def network_width(path, period):
    """(width, ratio, peak drift) of the last period of a triangle-driven run."""
    rows = list(csv.reader(l for l in open(path) if not l.startswith("#")))
    h, D = rows[0], np.array(rows[1:], float)
    t, V, I = D[:, h.index("t")], D[:, h.index("V")], D[:, h.index("I")]
    T = t[-1]
    last = t > T - period + 1e-9
    prev = (t > T - 2 * period + 1e-9) & ~last
    G = np.where(V > 0, I / np.where(V > 0, V, 1), np.nan)
    w, r = width(V[last], G[last])
    return w, r, np.nanmax(G[last]), I[last].max() / I[prev].max() - 1


if __name__ == "__main__":
    if sys.argv[1] == "network":
        network(sys.argv[2], float(sys.argv[3]))
    else:
        vmax = float(sys.argv[2])
        for dt in sys.argv[3:]:
            w, r = single(vmax, float(dt))
            print(f"dt={dt} width={w:.3f} ratio={r:.2f}")
