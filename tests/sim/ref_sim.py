#!/usr/bin/python3
"""Independent reference for `memnet simulate`: the miranda model (000 eqs 1-4, 003 eqs 7-10)
on a ~200-wire random nanowire network under a square pulse, solved here with numpy/scipy only
(nodal analysis with spsolve at every right-hand side, solve_ivp Radau with tight tolerances,
piecewise between the pulse edges). memnet's I(t) must agree to 1e-6 relative.

usage: ref_sim.py MEMNET_EXECUTABLE WORKDIR
Exit 77 (skipped) when numpy/scipy are missing.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla
    from scipy.integrate import solve_ivp
except ImportError:
    print("numpy/scipy not available: skipped")
    sys.exit(77)

# miranda parameters (003 Table 1 rates; Gmin > 0 as memnet's default)
KP0, KD0, ETAP, ETAD, GMIN, GMAX = 5e-4, 5e-2, 10.0, 10.0, 1e-2, 1.0
NW = 220  # wires thrown; the kept component has ~200


def nanowires(n_wires, box, length, seed):
    """Random sticks in a box; nodes = wires, edges = crossings (the junctions)."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, box, size=(n_wires, 2))
    th = rng.uniform(0, np.pi, size=n_wires)
    d = 0.5 * length * np.stack([np.cos(th), np.sin(th)], axis=1)
    a, b = c - d, c + d
    edges = []
    for i in range(n_wires):
        for j in range(i + 1, n_wires):
            p, r = a[i], b[i] - a[i]
            q, s = a[j], b[j] - a[j]
            den = r[0] * s[1] - r[1] * s[0]
            if abs(den) < 1e-14:
                continue
            qp = q - p
            t = (qp[0] * s[1] - qp[1] * s[0]) / den
            u = (qp[0] * r[1] - qp[1] * r[0]) / den
            if 0 <= t <= 1 and 0 <= u <= 1:
                edges.append((i, j))
    xmin = np.minimum(a[:, 0], b[:, 0])
    xmax = np.maximum(a[:, 0], b[:, 0])
    left = np.where(xmin < 0.08 * box)[0]
    right = np.where(xmax > 0.92 * box)[0]
    return np.array(edges), left, right


def component_of(n, edges, seeds):
    adj = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)
    seen = np.zeros(n, bool)
    stack = list(seeds)
    for s in seeds:
        seen[s] = True
    while stack:
        x = stack.pop()
        for y in adj[x]:
            if not seen[y]:
                seen[y] = True
                stack.append(y)
    return seen


def main():
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    # a connected ~200-node network between the two electrodes
    for seed in range(1, 50):
        edges, left, right = nanowires(NW, 10.0, 2.0, seed)
        keep = component_of(NW, edges, left)
        if keep[right].any():
            break
    newid = -np.ones(NW, int)
    newid[keep] = np.arange(keep.sum())
    edges = np.array([(newid[u], newid[v]) for u, v in edges if keep[u] and keep[v]])
    src = sorted(set(newid[left][keep[left]]))
    drn = sorted(set(newid[right][keep[right]]) - set(src))
    n = int(keep.sum())
    m = len(edges)
    path = os.path.join(work, "ref-net.txt")
    with open(path, "w") as f:
        for u, v in edges:
            f.write("%d %d\n" % (u, v))

    # drive: 1.5 V pulses 6 s long every 15 s (3 of them), 0.1 V between; start states 0.05
    high, width, period, count, delay, low = 1.5, 6.0, 15.0, 3, 2.0, 0.1
    t_end, dt_out = 50.0, 0.5
    g0 = 0.05
    out = os.path.join(work, "ref-out.csv")
    cmd = [exe, "simulate", "--network", path, "--model", "miranda",
           "--set", "Gmin=%r" % GMIN, "--set", "Gmax=%r" % GMAX, "--set", "kP0=%r" % KP0,
           "--set", "kD0=%r" % KD0, "--set", "etaP=%r" % ETAP, "--set", "etaD=%r" % ETAD,
           "--source", ",".join(map(str, src)), "--drain", ",".join(map(str, drn)),
           "--waveform", "pulse:%r:%r:%r:%d:%r:%r" % (high, width, period, count, delay, low),
           "--t-end", repr(t_end), "--dt-out", repr(dt_out), "--init", repr(g0),
           "--rtol", "1e-10", "--atol", "1e-13", "--out", out, "--quiet"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    cols = lines[0].strip().split(",")
    arr = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
    data = {c: arr[:, i] for i, c in enumerate(cols)}

    # ---------------- the reference: nodal analysis per RHS
    U, Vv = edges[:, 0], edges[:, 1]
    fixed = np.zeros(n, bool)
    fixed[src] = True
    fixed[drn] = True
    free = np.where(~fixed)[0]
    fidx = -np.ones(n, int)
    fidx[free] = np.arange(len(free))
    B = sp.csr_matrix((np.r_[np.ones(m), -np.ones(m)], (np.r_[U, Vv], np.r_[np.arange(m), np.arange(m)])),
                      shape=(n, m))

    def solve(g, vs):
        G = GMIN + (GMAX - GMIN) * g
        L = (B @ sp.diags(G) @ B.T).tocsr()
        phi = np.zeros(n)
        phi[src] = vs
        rhs = -(L[free][:, src] @ phi[src])
        phi[free] = spla.spsolve(L[free][:, free].tocsc(), rhs)
        Ve = phi[U] - phi[Vv]
        return G, Ve, phi, L

    def f(t, g, vs):
        _, Ve, _, _ = solve(g, vs)
        a = np.abs(Ve)
        kP = KP0 * np.exp(ETAP * a)
        kD = KD0 * np.exp(-ETAD * a)
        return kP * (1 - g) - kD * g

    Bf = B[free].toarray()

    def jac(t, g, vs):
        # dense analytic Jacobian: df/dg = diag(f_g) + diag(f_V) dV/dg, with
        # dV/dG = -Bf^T L_ff^-1 Bf diag(V) (KCL at the free nodes differentiated)
        G, Ve, phi, L = solve(g, vs)
        a = np.abs(Ve)
        sgn = np.where(Ve < 0, -1.0, 1.0)
        kP = KP0 * np.exp(ETAP * a)
        kD = KD0 * np.exp(-ETAD * a)
        fg = -(kP + kD)
        fV = sgn * (ETAP * kP * (1 - g) + ETAD * kD * g)
        Linv = np.linalg.inv(L[free][:, free].toarray())
        M = Bf.T @ Linv @ Bf
        dVdg = -M * (Ve * (GMAX - GMIN))[None, :]
        return np.diag(fg) + fV[:, None] * dVdg

    def wave(t):
        if t < delay:
            return low
        k = np.floor((t - delay) / period)
        if k >= count:
            return low
        return high if (t - delay - k * period) < width else low

    edges_t = [delay + k * period + o for k in range(count) for o in (0.0, width)]
    bps = [0.0] + [b for b in edges_t if b < t_end] + [t_end]
    ts = data["t"]
    g = np.full(m, g0)
    ref_I = np.zeros(len(ts))
    for a, b in zip(bps[:-1], bps[1:]):
        vs = wave(a)  # constant on [a, b)
        sel = (ts >= a) & (ts < b) if b < t_end else (ts >= a) & (ts <= b)
        t_eval = np.r_[ts[sel], b] if not sel.any() or ts[sel][-1] < b else ts[sel]
        sol = solve_ivp(f, (a, b), g, method="Radau", t_eval=t_eval, args=(vs,), rtol=1e-10,
                        atol=1e-13, jac=jac)
        if not sol.success:
            print("scipy failed:", sol.message)
            return 1
        for k, idx in enumerate(np.where(sel)[0]):
            G, Ve, phi, L = solve(sol.y[:, k], vs)
            # current out of the source electrode: sum over edges leaving it
            I = G * Ve
            srcm = np.zeros(n, bool)
            srcm[src] = True
            ref_I[idx] = I[srcm[U] & ~srcm[Vv]].sum() - I[srcm[Vv] & ~srcm[U]].sum()
        g = sol.y[:, -1]

    rel = np.abs(data["I"] - ref_I) / np.abs(ref_I)
    print("nodes=%d junctions=%d source=%d drain=%d samples=%d" % (n, m, len(src), len(drn), len(ts)))
    print("I range %.6g .. %.6g A; max relative difference %.3g" % (ref_I.min(), ref_I.max(), rel.max()))
    if not (rel.max() < 1e-6):
        k = int(np.argmax(rel))
        print("FAIL at t=%g: memnet %.17g scipy %.17g" % (ts[k], data["I"][k], ref_I[k]))
        return 1
    if ref_I.max() < 2 * ref_I.min():
        print("FAIL: the drive did not change the network (I barely moved)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
