#!/usr/bin/python3
"""memnet.generate_segments: the junctions of random segments equal a vectorised numpy
brute-force intersection test (all pairs, orientation signs), crossing points to 1e-9; a random
network's wires exported and re-imported (numpy array and file) give the same graph; bad input
raises memnet errors that are ValueErrors naming the line. Run through run-installed."""
import os
import sys
import tempfile

import numpy as np

import memnet


def check(cond, what):
    if not cond:
        raise AssertionError(what)


# 1. brute force reference with numpy
rng = np.random.default_rng(5)
n = 300
c = rng.uniform(0, 10, (n, 2))
th = rng.uniform(0, np.pi, n)
L = rng.uniform(0.5, 3.0, n)
d = 0.5 * L[:, None] * np.c_[np.cos(th), np.sin(th)]
xy = np.c_[c - d, c + d]
g = memnet.generate_segments(xy, keep="all", width=10, height=10)
check(g.n_nodes == n, "one node per wire")
P, Q = xy[:, None, :2], xy[:, None, 2:]          # segment i (rows)
R, S = xy[None, :, :2], xy[None, :, 2:]          # segment j (columns)


def orient(a, b, p):
    v = (b[..., 0] - a[..., 0]) * (p[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (p[..., 0] - a[..., 0])
    return np.sign(v)


o1, o2 = orient(P, Q, R), orient(P, Q, S)
o3, o4 = orient(R, S, P), orient(R, S, Q)
cross = (o1 * o2 <= 0) & (o3 * o4 <= 0) & ~((o1 == 0) & (o2 == 0))
iu, ju = np.nonzero(np.triu(cross, 1))
u, v = g.edges
check(len(u) == len(iu), "junction count %d vs brute force %d" % (len(u), len(iu)))
check(np.array_equal(u, iu) and np.array_equal(v, ju), "junction pairs differ")
ex, ey = g.edge_positions
# crossing point of lines i, j
p, r = xy[iu, :2], xy[iu, 2:] - xy[iu, :2]
q, s = xy[ju, :2], xy[ju, 2:] - xy[ju, :2]
t = ((q[:, 0] - p[:, 0]) * s[:, 1] - (q[:, 1] - p[:, 1]) * s[:, 0]) / (r[:, 0] * s[:, 1] - r[:, 1] * s[:, 0])
check(np.allclose(ex, p[:, 0] + t * r[:, 0], rtol=0, atol=1e-9), "crossing x")
check(np.allclose(ey, p[:, 1] + t * r[:, 1], rtol=0, atol=1e-9), "crossing y")

# 2. round trip of a random network's wires (array and file)
gen = memnet.Generator(wires=500, width=12, height=12, length=1.5, seed=3, multinode=True)
a = gen.nanowires()
w = np.c_[gen.wires]
check(w.shape == (500, 4), "wires shape")
b = memnet.generate_segments(w, width=12, height=12, multinode=True)
for x, y, what in ((a.edges[0], b.edges[0], "u"), (a.edges[1], b.edges[1], "v"),
                   (a.edge_positions[0], b.edge_positions[0], "edge x")):
    check(np.array_equal(x, y), what + " differs after the round trip")
check(np.allclose(a.lengths, b.lengths, rtol=1e-14, atol=0), "segment lengths")
check(np.array_equal(a.node_set("left"), b.node_set("left")), "left electrode")
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "w.csv")
    with open(path, "w") as f:
        f.write("# exported\nx0,y0,x1,y1\n")
        for row in w:
            f.write("%.17g,%.17g,%.17g,%.17g\n" % tuple(row))
    f2 = memnet.generate_segments(path, width=12, height=12, multinode=True)
    check(np.array_equal(a.edges[0], f2.edges[0]) and np.array_equal(a.edges[1], f2.edges[1]),
          "file round trip")
    # electrodes by segment ids, and errors naming the line
    e = memnet.generate_segments(w, electrodes={"src": ("ids", [0]), "dst": ("rect", 11, 0, 12, 12)},
                                 width=12, height=12, keep="all")
    check(list(e.node_set("src")) == [0], "ids electrode")
    with open(path, "w") as f:
        f.write("0,0,1,1\n2,2,2,2\n")
    try:
        memnet.generate_segments(path)
        raise AssertionError("zero-length segment accepted")
    except ValueError as err:
        check("line 2" in str(err) and isinstance(err, memnet.Error), str(err))
try:
    memnet.generate_segments(np.zeros((3, 3)))
    raise AssertionError("bad shape accepted")
except ValueError:
    pass
print("ok: %d junctions match the brute force" % len(u))
