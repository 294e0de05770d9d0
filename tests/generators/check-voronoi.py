"""Independent reference for the nanoparticle generator's Voronoi neighbour rule
(MN_GEN_NEIGHBOURS_VORONOI, issue 15 item 9): the Delaunay triangulation of the particle
centres by scipy.spatial.Delaunay (Qhull), each Delaunay edge kept when its dual Voronoi edge
(the segment between the circumcentres of its two triangles, or the outward ray of a hull
edge) crosses the W x H box, pairs of particles contracted to their groups, smallest
edge-to-edge distance per pair of groups.

usage: check-voronoi.py PARTICLES.csv EDGES.txt W H
(PARTICLES.csv from memnet generate --particles-out with --keep all; EDGES.txt: u v length)
Exit 0 when the edge sets and lengths agree; pairs whose only Voronoi edge is shorter than
1e-7 pd (round-off near four cocircular centres) may differ either way. 77: no scipy."""
import sys

try:
    import numpy as np
    from scipy.spatial import Delaunay
except ImportError:
    sys.exit(77)


def rows(path):
    return [l for l in open(path) if l.strip() and not l.startswith("#")]


def main():
    pf, ef, W, H = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    pr = rows(pf)
    assert pr[0].strip() == "particle,x,y,node", pr[0]
    P = np.array([[float(v) for v in l.split(",")] for l in pr[1:]])
    x, y, node = P[:, 1], P[:, 2], P[:, 3].astype(np.int64)
    pts = np.c_[x, y]
    tri = Delaunay(pts)
    S = tri.simplices
    A, B, C = pts[S[:, 0]], pts[S[:, 1]], pts[S[:, 2]]
    D = 2 * (A[:, 0] * (B[:, 1] - C[:, 1]) + B[:, 0] * (C[:, 1] - A[:, 1]) + C[:, 0] * (A[:, 1] - B[:, 1]))
    a2, b2, c2 = (A ** 2).sum(1), (B ** 2).sum(1), (C ** 2).sum(1)
    cc = np.c_[(a2 * (B[:, 1] - C[:, 1]) + b2 * (C[:, 1] - A[:, 1]) + c2 * (A[:, 1] - B[:, 1])) / D,
               (a2 * (C[:, 0] - B[:, 0]) + b2 * (A[:, 0] - C[:, 0]) + c2 * (B[:, 0] - A[:, 0])) / D]

    def clipped_length(p, q):
        """length of segment p-q inside the box (Liang-Barsky)"""
        d = q - p
        t0, t1 = 0.0, 1.0
        for pp, qq in ((-d[0], p[0]), (d[0], W - p[0]), (-d[1], p[1]), (d[1], H - p[1])):
            if pp == 0:
                if qq < 0:
                    return 0.0
                continue
            r = qq / pp
            if pp < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
        return max(0.0, t1 - t0) * np.hypot(d[0], d[1])

    big = 4 * (W + H)
    sure, maybe = {}, {}
    for t in range(len(S)):
        for e in range(3):
            i, j = S[t, (e + 1) % 3], S[t, (e + 2) % 3]
            nb = tri.neighbors[t, e]
            if 0 <= nb < t or node[i] == node[j]:
                continue
            if nb >= 0:
                p, q = cc[t], cc[nb]
            else:
                k = S[t, e]
                m = 0.5 * (pts[i] + pts[j])
                n = np.array([pts[j, 1] - pts[i, 1], pts[i, 0] - pts[j, 0]])
                if np.dot(n, m - pts[k]) < 0:
                    n = -n
                p, q = cc[t], cc[t] + n / np.hypot(n[0], n[1]) * big
            L = clipped_length(p, q)
            if L <= 0:
                continue
            key = (min(node[i], node[j]), max(node[i], node[j]))
            gap = np.hypot(*(pts[i] - pts[j])) - 1
            dst = sure if L > 1e-7 else maybe
            dst[key] = min(dst.get(key, np.inf), gap)
    got = {}
    for l in rows(ef):
        f = l.split()
        key = (min(int(f[0]), int(f[1])), max(int(f[0]), int(f[1])))
        if key in got:
            print("duplicate edge", key)
            return 1
        got[key] = float(f[2])
    bad = 0
    for key, gap in sure.items():
        if key not in got:
            print("missing edge", key, gap)
            bad += 1
        elif abs(got[key] - min(gap, maybe.get(key, np.inf))) > 1e-9:
            print("edge", key, "length", got[key], "reference", gap)
            bad += 1
    for key in got:
        if key not in sure and key not in maybe:
            print("extra edge", key, got[key])
            bad += 1
    print("edges", len(got), "reference", len(sure), "optional", len([k for k in maybe if k not in sure]))
    return 1 if bad else 0


sys.exit(main())
