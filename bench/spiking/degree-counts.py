"""Which count of a nanoparticle film gives 003's "mean degree ~10" (sec. 3.1)? (issue 15
item 9; docs/generators.md, "Degree and gaps in series").

usage: /usr/bin/python3 bench/spiking/degree-counts.py MEMNET SIZE SEED

Generates the film with the Voronoi rule (memnet generate nanoparticle --particles-out) and
prints, over all groups of the film:
  group degree            2 gaps / groups (one gap per pair of adjacent groups: planar, < 6)
  groups of >= s particles  the mean degree of the groups with at least s particles
  size-weighted           sum size * degree / sum size (the degree seen from a random particle)
  edge-biased             <k^2> / <k> (the degree of a group at the end of a random gap)
  particle-pair gaps      Delaunay pairs of particles in different groups with a gap below c,
                          2 x count / groups (every particle pair across two groups counted as
                          its own tunnel gap, not one gap per pair of groups)
  particles within r      other particle centres within r pd of a particle centre
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.spatial import Delaunay, cKDTree


def main():
    memnet, size, seed = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        out, pcsv = os.path.join(tmp, "np.txt"), os.path.join(tmp, "p.csv")
        subprocess.run([memnet, "generate", "nanoparticle", "--width", size, "--height", size,
                        "--seed", seed, "--neighbours", "voronoi", "--particles-out", pcsv,
                        "--out", out], check=True, capture_output=True)
        rows = [l for l in open(pcsv) if not l.startswith("#")][1:]
        A = np.array([[float(x) for x in l.split(",")] for l in rows])
        E = np.array([[float(v) for v in l.split()[:2]] for l in open(out)
                      if l.strip() and not l.startswith("#")])
    xy, grp = A[:, 1:3], A[:, 3].astype(int)
    u, v = E[:, 0].astype(int), E[:, 1].astype(int)
    n = grp.max() + 1
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    sz = np.bincount(grp, minlength=n)
    print(f"film {size} x {size} pd, seed {seed}: {len(xy)} particles, {n} groups, "
          f"{np.mean(sz == 1):.2f} of them single particles")
    print(f"group degree (Voronoi rule): {deg.mean():.2f} (median {np.median(deg):.0f})")
    for s in (2, 5, 10):
        print(f"groups of >= {s} particles: {deg[sz >= s].mean():.2f} "
              f"({np.mean(sz >= s):.2f} of the groups)")
    print(f"size-weighted: {(sz * deg).sum() / sz.sum():.1f}")
    print(f"edge-biased <k^2>/<k>: {(deg ** 2).mean() / deg.mean():.1f}")
    ind, ptr = Delaunay(xy).vertex_neighbor_vertices
    i = np.repeat(np.arange(len(xy)), np.diff(ind))
    j = ptr
    keep = i < j
    i, j = i[keep], j[keep]
    gap = np.hypot(*(xy[i] - xy[j]).T) - 1
    inter = grp[i] != grp[j]
    for c in (0.5, 1.0, np.inf):
        print(f"particle-pair gaps below {c} pd per group: {2 * np.sum(inter & (gap < c)) / n:.1f}")
    t = cKDTree(xy)
    for r in (1.5, 2.0):
        print(f"particles within {r} pd: {np.mean([len(x) - 1 for x in t.query_ball_point(xy, r)]):.1f}")


main()
