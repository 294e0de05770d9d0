"""Statistics of nanoparticle networks under the two neighbour rules (issue 15 item 9; table in
docs/generators.md): groups, gaps, mean degree, gaps in series, coverage, generation time.

usage: /usr/bin/python3 bench/spiking/neighbour-stats.py MEMNET SIZE:SEEDS ... (e.g. 200:1,2,3)

Definitions (the network as memnet simulate gets it, components touching an electrode kept;
electrodes: the groups touching the left / right side):
  mean degree      2 edges / nodes
  hops             gaps in series, topologically: the least number of gaps on a path from an
                   input group to an output group (breadth-first search)
  V/<V>            gaps in series, electrically: with every gap of equal conductance (a 100%
                   Type C network at one state, 003 Fig. 3) and 1 V applied, 1 V over the
                   current-weighted mean gap voltage sum |I||V| / sum |I| (the "V_app is dropped
                   across ~10 gaps in series" of 003 sec. 2.2)
"""
import subprocess
import sys
import tempfile
import time
import os

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import spsolve


def generate(memnet, size, seed, rule, tmp):
    out = os.path.join(tmp, "np.txt")
    t0 = os.times()
    w0 = time.time()
    kv = subprocess.run([memnet, "generate", "nanoparticle", "--width", str(size), "--height",
                         str(size), "--seed", str(seed), "--neighbours", rule, "--out", out],
                        check=True, capture_output=True, text=True).stdout
    t1 = os.times()
    cpu = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    info = dict(l.split("=", 1) for l in kv.splitlines() if "=" in l)
    E = np.array([[float(v) for v in l.split()[:3]] for l in open(out) if l.strip() and not l.startswith("#")])
    return info, E, cpu, time.time() - w0


def stats(info, E):
    n = int(info["nodes"])
    u, v, L = E[:, 0].astype(int), E[:, 1].astype(int), E[:, 2]
    src = np.array([int(x) for x in info["source"].split(",")])
    drn = np.array([int(x) for x in info["drain"].split(",")])
    # hops: BFS from a super source joined to every input group
    A = sp.coo_matrix((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n + 1, n + 1)).tolil()
    for s in src:
        A[n, s] = 1
        A[s, n] = 1
    order, pred = breadth_first_order(A.tocsr(), n, directed=False, return_predecessors=True)
    depth = np.full(n + 1, -1)
    depth[n] = 0
    for k in order[1:]:
        depth[k] = depth[pred[k]] + 1
    hops = min(depth[d] for d in drn if depth[d] >= 0)  # gaps = depth - 0 (input groups at depth 1)
    hops -= 1
    # unit conductances, 1 V on the inputs, 0 on the outputs
    G = sp.coo_matrix((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    Lap = (sp.diags(np.asarray(G.sum(1)).ravel()) - G).tocsr()
    fixed = np.zeros(n, bool)
    fixed[src] = True
    fixed[drn] = True
    nc, lab = connected_components(G)
    live = np.isin(lab, np.intersect1d(lab[src], lab[drn]))
    free = ~fixed & live
    phi = np.zeros(n)
    phi[src] = 1.0
    rhs = -(Lap[free][:, fixed] @ phi[fixed])
    phi[free] = spsolve(Lap[free][:, free].tocsc(), rhs)
    Vg = np.abs(phi[u] - phi[v])[live[u]]
    vser = Vg.sum() / (Vg * Vg).sum()
    return dict(nodes=n, edges=len(u), deg=2 * len(u) / n, hops=hops, vser=vser,
                gmed=np.median(L), g99=np.quantile(L, 0.99), gmax=L.max(),
                cov=float(info["coverage"]))


def main():
    memnet = sys.argv[1]
    print("| size | rule | seeds | groups | gaps | mean degree | hops | V/<V> | median gap | "
          "99% gap | max gap | coverage | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for spec in sys.argv[2:]:
            size, seeds = spec.split(":")
            seeds = [int(s) for s in seeds.split(",")]
            for rule in ("cutoff", "voronoi"):
                rows, cpus = [], []
                for seed in seeds:
                    info, E, cpu, wall = generate(memnet, size, seed, rule, tmp)
                    rows.append(stats(info, E))
                    cpus.append(cpu)
                m = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
                hs = ",".join(str(r["hops"]) for r in rows)
                print(f"| {size} | {rule} | {len(seeds)} | {m['nodes']:.0f} | {m['edges']:.0f} | "
                      f"{m['deg']:.2f} | {m['hops']:.1f} ({hs}) | {m['vser']:.1f} | {m['gmed']:.3f} | "
                      f"{m['g99']:.2f} | {m['gmax']:.2f} | {m['cov']:.4f} | {np.median(cpus):.2f} |",
                      flush=True)


main()
