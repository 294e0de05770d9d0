#!/usr/bin/python3
"""Baseline for bench-sim: the miranda network model (000 eqs 1-6, 003 eqs 7-10) in
numpy/scipy as the peer codes write it: nodal analysis with scipy.sparse.linalg.spsolve at every
right-hand side, integrated by solve_ivp (LSODA, rtol 1e-6, atol 1e-9), 2 V for T_pulse then
0.1 V for T_read. Stops after BUDGET seconds of CPU time and reports how far it got.

usage: scipy_baseline.py EDGES ELECTRODES T_PULSE T_READ BUDGET [MODE [GMIN [DT_OUT]]]

MODE "lsoda" (default): solve_ivp LSODA at rtol 1e-6, atol 1e-9; "dop853": solve_ivp DOP853
(explicit Dormand-Prince 8(5,3)) at the same tolerances. GMIN: G_min in S (default 1e-2).
MODE "fixed:DT": the discrete-time update of the literature (003: fixed steps, each junction
advanced exactly at the voltage of the step start, 003 eq 9), one spsolve per step.
DT_OUT > 0 (default 0: none): samples of the source current at t = 0, DT_OUT, 2 DT_OUT, ... up
to T_PULSE + T_READ, as the protocol records them (000 Fig. 2a): solve_ivp's dense output gives
the state at each sample time (t_eval), and one spsolve the current there, printed as
python_sample=t,I. A sample at the pulse's end (t = T_PULSE) is taken at the read voltage, as the
waveform is there; one whose time k DT_OUT rounds below T_PULSE at the pulse voltage, as memnet
takes it. The fixed-step mode samples at its own steps that fall on (or within 1e-9 of) a
sample time of the segment.

The BLAS runs on one thread unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set by the caller:
with OpenBLAS's default (one thread per core) its idle worker spins in sched_yield while the
single-threaded integrator runs, which doubled this script's CPU time (user + sys) on 2 cores
without changing its wall time. The figure to compare with is scipy's own work, so the default
here is one thread; python_blas_threads says which setting ran, and the user and system seconds
are printed apart.
"""
import os
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads its BLAS

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.integrate import solve_ivp

KP0, KD0, ETAP, ETAD, GMAX = 5e-4, 5e-2, 10.0, 10.0, 1.0


class OutOfTime(Exception):
    pass


def main():
    edges_path, el_path = sys.argv[1], sys.argv[2]
    t_pulse, t_read, budget = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    mode = sys.argv[6] if len(sys.argv) > 6 else "lsoda"
    GMIN = float(sys.argv[7]) if len(sys.argv) > 7 else 1e-2
    dt_out = float(sys.argv[8]) if len(sys.argv) > 8 else 0.0
    E = np.loadtxt(edges_path, comments="#", ndmin=2)[:, :2].astype(int)
    with open(el_path) as f:
        src = np.array(f.readline().split(), int)
        drn = np.array(f.readline().split(), int)
    n = int(E.max()) + 1
    m = len(E)
    U, V = E[:, 0], E[:, 1]
    fixed = np.zeros(n, bool)
    fixed[src] = fixed[drn] = True
    free = np.where(~fixed)[0]
    B = sp.csr_matrix((np.r_[np.ones(m), -np.ones(m)], (np.r_[U, V], np.r_[np.arange(m), np.arange(m)])),
                      shape=(n, m))
    Bf, Bs = B[free], B[src]
    srcm = np.zeros(n, bool)
    srcm[src] = True
    out_e = srcm[U] & ~srcm[V]
    in_e = srcm[V] & ~srcm[U]
    t0 = time.perf_counter()
    c0 = time.process_time()
    tm0 = os.times()
    state = {"t": 0.0, "nfev": 0}

    def potentials(g, vs):
        G = GMIN + (GMAX - GMIN) * g
        Lff = (Bf @ sp.diags(G) @ Bf.T).tocsc()
        Lfs = Bf @ sp.diags(G) @ Bs.T
        phi = np.zeros(n)
        phi[src] = vs
        phi[free] = spla.spsolve(Lff, -(Lfs @ phi[src]))
        return G, phi[U] - phi[V]

    def f(t, g, vs):
        if time.process_time() - c0 > budget:
            raise OutOfTime()
        state["nfev"] += 1
        state["t"] = max(state["t"], t)
        _, Ve = potentials(g, vs)
        a = np.abs(Ve)
        return KP0 * np.exp(ETAP * a) * (1 - g) - KD0 * np.exp(-ETAD * a) * g

    def current(g, vs):
        G, Ve = potentials(g, vs)
        I = G * Ve
        return I[out_e].sum() - I[in_e].sum()

    t_end = t_pulse + t_read
    nsamp = int(np.floor(t_end / dt_out + 1e-9)) + 1 if dt_out > 0 else 0
    t_samp = dt_out * np.arange(nsamp)
    out = []

    g = np.zeros(m)
    t_reached = 0.0
    try:
        for (a, b, vs) in ((0.0, t_pulse, 2.0), (t_pulse, t_end, 0.1)):
            # this segment's samples: [a, b) as the waveform switches (a sample time k DT_OUT
            # that rounds just below T_PULSE is still in the pulse, as in memnet), and the end of
            # the run in the last one (with a tolerance, clipped to b for solve_ivp's t_eval)
            last = b == t_end
            eps = 1e-9 * (1.0 + t_end)
            ts = t_samp[(t_samp >= a) & ((t_samp < b) | (last & (t_samp <= b + eps)))]
            ts = np.minimum(ts, b)

            def is_sample(t):
                return len(ts) > 0 and np.min(np.abs(ts - t)) <= 1e-9 * (1 + abs(t))

            if mode.startswith("fixed:"):
                dt = float(mode[6:])
                nstep = int(round((b - a) / dt))
                if is_sample(a):
                    out.append((a, current(g, vs)))
                for k in range(nstep):
                    if time.process_time() - c0 > budget:
                        raise OutOfTime()
                    state["nfev"] += 1
                    state["t"] = a + (k + 1) * dt
                    _, Ve = potentials(g, vs)
                    u = np.abs(Ve)
                    kP, kD = KP0 * np.exp(ETAP * u), KD0 * np.exp(-ETAD * u)
                    ginf = kP / (kP + kD)
                    g = ginf + (g - ginf) * np.exp(-(kP + kD) * dt)  # 003 eq 9
                    tk = a + (k + 1) * dt
                    if is_sample(tk):  # a step on (or next to) one of this segment's samples
                        out.append((tk, current(g, vs)))
            else:
                # the samples from the dense output (t_eval), and the segment's end state
                te = np.append(ts, b) if len(ts) and ts[-1] < b else (ts if len(ts) else None)
                sol = solve_ivp(f, (a, b), g, method="DOP853" if mode == "dop853" else "LSODA",
                                rtol=1e-6, atol=1e-9, args=(vs,), t_eval=te)
                if not sol.success:
                    print("python_error=%s" % sol.message)
                    break
                for q in range(len(ts)):
                    out.append((sol.t[q], current(sol.y[:, q], vs)))
                g = sol.y[:, -1]
            t_reached = b
            vlast = vs
        print("python_I_end=%.10g" % current(g, vlast))
    except OutOfTime:
        t_reached = state["t"]
    print("python_cpu_seconds=%.4g" % (time.process_time() - c0))
    tm = os.times()
    print("python_user_seconds=%.4g" % (tm.user - tm0.user))
    print("python_sys_seconds=%.4g" % (tm.system - tm0.system))
    print("python_blas_threads=%s" % os.environ["OPENBLAS_NUM_THREADS"])
    print("python_wall_seconds=%.4g" % (time.perf_counter() - t0))
    print("python_t_reached=%.6g" % t_reached)
    print("python_mode=%s" % mode)
    print("python_rhs_evals=%d" % state["nfev"])
    for (ts_, I_) in out:
        print("python_sample=%.17g,%.17g" % (ts_, I_))
    return 0


if __name__ == "__main__":
    sys.exit(main())
