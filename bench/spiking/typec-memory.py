"""How long a Type C memristor remembers, against 003 Figs. 3 and 7 (issue 15 item 10;
docs/spiking.md, "Figs. 3, 5 and 7 with one parameter set?").

  typec-memory.py [DT ...]     (default 0.01 0.03 0.1 0.2 0.3 1)

003 eq. (7) is linear in g with the coefficient -(kP + kD), kP = kP0 exp(eta V),
kD = kD0 exp(-eta V) (eq. 8, eta_P = eta_D = eta). By the AM-GM inequality
    kP + kD >= 2 sqrt(kP0 kD0) = k_min   at every V, equality at V* = ln(kD0/kP0) / (2 eta),
so under ANY gap-voltage history two states of a memristor approach each other at least as
exp(-k_min t), and the relaxation time 1/(kP + kD) (eq. 9) is at most 1/k_min = 100 s.

Printed per step length dt (Table 1 parameters, 003's protocols in steps):
  fig3_width   loop width of a single memristor on Fig. 3's 0 -> 0.2 -> 0 V triangle of 200
               steps (V_app / 10, 003 sec. 2.2), as bench/spiking/loop-width.py computes it
  a_max        the bound exp(-k_min 500 dt) on how much of its state at the start of one
               pulse a memristor still carries at the start of the next (pulse + spacing =
               500 steps of 003 Fig. 7)
  late_max     bound on the share of the pulse-to-pulse gain that comes after pulse 3,
               (G7 - G3) / (G7 - G1) <= a^2 (a single memristor with a periodic gap voltage:
               the pulse means G_k rise by increments D_k = a^(k-1) D_1)
  @V           that share and G7 / G1, computed (eq. 9 per step), for a memristor at V in the
               pulses and V x 1.25 / 6 in the spacings (the 6 V / 1.25 V ratio of Fig. 7), from
               g = 0 with 250 steps at the rest voltage (as the experiments); and G7 / G1 from
               the equilibrium at the rest voltage ("from eq.")
Also the width threshold: the dt at which fig3_width = 0.5, at 0.2 V and at the most
favourable peak voltage.
"""
import math
import sys

import numpy as np

KP0, KD0, ETA = 5e-4, 5e-2, 10.0
K_MIN = 2 * math.sqrt(KP0 * KD0)
V_STAR = math.log(KD0 / KP0) / (2 * ETA)


def step(g, v, dt):
    kp, kd = KP0 * math.exp(ETA * v), KD0 * math.exp(-ETA * v)
    k = kp + kd
    return kp / k + (g - kp / k) * math.exp(-k * dt)


def fig3_width(dt, vmax=0.2, n=200):
    V = np.r_[np.linspace(0, vmax, n // 2 + 1)[:-1], np.linspace(vmax, 0, n // 2 + 1)[:-1]]
    g = 0.0
    for _ in range(int(3000 / (n * dt)) + 5):  # > 3000 s: the loop repeats
        G = []
        for v in V:
            g = step(g, v, dt)
            G.append(g)
    G = np.array(G)
    k = int(np.argmax(V))
    vg = np.linspace(0.1 * vmax, 0.95 * vmax, 50)
    o = np.argsort(V[:k + 1])
    gu = np.interp(vg, V[:k + 1][o], G[:k + 1][o])
    o = np.argsort(V[k:])
    gd = np.interp(vg, V[k:][o], G[k:][o])
    return np.max(np.abs(gd - gu)) / G[k]


def fig7_late(dt, vp, pulses=7, width=250, spacing=250, lead=250, rest_start=False):
    """(G7 - G3) / (G7 - G1) and G7 / G1 of the pulse means; from g = 0 and a lead of 250
    steps at the rest voltage as the experiments, or (rest_start) from the rest equilibrium."""
    vr = vp * 1.25 / 6
    g = 0.0
    if rest_start:
        kp, kd = KP0 * math.exp(ETA * vr), KD0 * math.exp(-ETA * vr)
        g, lead = kp / (kp + kd), 0
    for _ in range(lead):
        g = step(g, vr, dt)
    means = []
    for _ in range(pulses):
        s = 0.0
        for _ in range(width):
            g = step(g, vp, dt)
            s += g
        means.append(s / width)
        for _ in range(spacing):
            g = step(g, vr, dt)
    G = np.array(means)
    return (G[6] - G[2]) / (G[6] - G[0]), G[6] / G[0]


def fig3_width_any(dt):
    """The widest loop over peak voltages 0.02-2 V: (width, peak voltage)."""
    return max((fig3_width(dt, v), v) for v in np.geomspace(0.02, 2, 25))


def threshold(w=0.5, lo=0.1, hi=1.0, f=fig3_width, iters=30):
    for _ in range(iters):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if f(mid) < w else (lo, mid)
    return math.sqrt(lo * hi)


def main():
    dts = [float(x) for x in sys.argv[1:]] or [0.01, 0.03, 0.1, 0.2, 0.3, 1.0]
    vs = (0.05, 0.1, 0.2, 0.4)
    print(f"k_min = 2 sqrt(kP0 kD0) = {K_MIN:g} /s at V* = {V_STAR:.4f} V: "
          f"1/(kP + kD) <= {1 / K_MIN:g} s; 1/(kP + kD) at 0 V = {1 / (KP0 + KD0):.1f} s")
    print("| dt (s) | fig3_width | a_max | late_max | " +
          " | ".join(f"@{v} V: late, G7/G1, from eq." for v in vs) + " |")
    print("|---" * (4 + len(vs)) + "|")
    for dt in dts:
        a = math.exp(-K_MIN * 500 * dt)
        cells = []
        for v in vs:
            late, ratio = fig7_late(dt, v)
            ratio_eq = fig7_late(dt, v, rest_start=True)[1]
            cells.append(f"{late:.3f}, {ratio:.2f}, {ratio_eq:.2f}")
        print(f"| {dt:g} | {fig3_width(dt):.3f} | {a:.3g} | {a * a:.3g} | " + " | ".join(cells) + " |",
              flush=True)
    print(f"fig3_width = 0.5 at dt = {threshold():.3f} s (0.2 V); the widest loop over peak "
          f"voltages 0.02-2 V reaches 0.5 at dt = "
          f"{threshold(f=lambda d: fig3_width_any(d)[0], iters=12):.3f} s")
    for dt in (0.1, 0.2):
        w, v = fig3_width_any(dt)
        print(f"dt = {dt}: widest loop {w:.3f} at {v:.3f} V")


if __name__ == "__main__":
    main()
