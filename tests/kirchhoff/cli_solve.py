"""memnet solve against closed forms: Wheatstone bridge (determinant formula), uniform
lattice (G_eff = Ly G / (Lx - 1)), series chain in the native file format, bad options."""
import os
import subprocess
import sys
import tempfile

memnet = sys.argv[1]
tmp = tempfile.mkdtemp()
fails = 0


def run(*args):
    p = subprocess.run([memnet, "solve", *args], capture_output=True, text=True)
    kv = dict(l.split("=", 1) for l in p.stdout.splitlines() if "=" in l)
    return p.returncode, kv, p.stderr


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)


# Wheatstone bridge R1..R5, source 0, drain 3, bridge 1-2; plus an isolated pair (floating)
R = [10.0, 20.0, 30.0, 40.0, 50.0]
edges = [(0, 1), (0, 2), (1, 3), (2, 3), (1, 2)]
path = os.path.join(tmp, "bridge.txt")
with open(path, "w") as f:
    f.write("# u v G\n")
    for (u, v), r in zip(edges, R):
        f.write(f"{u} {v} {1.0 / r!r}\n")
    f.write("4 5 1.0\n")
R1, R2, R3, R4, R5 = R
num = R1 * R2 * (R3 + R4) + R3 * R4 * (R1 + R2) + R5 * (R1 + R3) * (R2 + R4)
den = R5 * (R1 + R2 + R3 + R4) + (R1 + R2) * (R3 + R4)
nodes_csv = os.path.join(tmp, "n.csv")
edges_csv = os.path.join(tmp, "e.csv")
rc, kv, err = run("--network", path, "--source", "0", "--drain", "3",
                  "--conductance-column", "1", "--node-out", nodes_csv, "--edge-out", edges_csv)
check(rc == 0, f"bridge rc {rc} {err}")
g = float(kv.get("G_eff", "nan"))
check(abs(g - den / num) <= 1e-13 * den / num, f"bridge G_eff {g} vs {den / num}")
mant = kv["G_eff"].split("e")[0].replace("-", "").replace(".", "").lstrip("0")
check(len(mant) == 15, f"15 significant digits: {kv['G_eff']}")
check(kv.get("floating_nodes") == "2", "floating nodes")
check(kv.get("nodes") == "6" and kv.get("edges") == "6", "sizes")
# the CSVs start with '# key=value' provenance lines
check(open(nodes_csv).readline().startswith("# memnet_version="), "node csv provenance")
rows = [r for r in open(nodes_csv).read().split("\n") if r and not r.startswith("#")]
check(rows[0] == "node,x,y,phi" and rows[5].endswith(",nan"), "node csv")
erows = [r.split(",") for r in open(edges_csv).read().split("\n")[1:] if r and not r.startswith("#")]
erows = erows[1:] if erows and erows[0][0] == "edge" else erows
# KCL at nodes 1 and 2 from the written currents
for node in (1, 2):
    net = sum(float(r[5]) * (1 if int(r[1]) == node else -1 if int(r[2]) == node else 0)
              for r in erows)
    check(abs(net) < 1e-14, f"KCL at {node}: {net}")

# uniform lattice, left column source, right column drain, --conductance G
Lx, Ly, G = 9, 5, 0.25
path = os.path.join(tmp, "lattice.txt")
with open(path, "w") as f:
    for y in range(Ly):
        for x in range(Lx):
            i = y * Lx + x
            if x + 1 < Lx:
                f.write(f"{i} {i + 1}\n")
            if y + 1 < Ly:
                f.write(f"{i} {i + Lx}\n")
left = ",".join(str(y * Lx) for y in range(Ly))
right = ",".join(str(y * Lx + Lx - 1) for y in range(Ly))
rc, kv, err = run("--network", path, "--source", left, "--drain", right, "--conductance",
                  str(G), "--voltage", "2", "--ordering", "amd")
check(rc == 0, f"lattice rc {rc} {err}")
ref = Ly * G / (Lx - 1)
check(abs(float(kv.get("G_eff", "nan")) - ref) <= 1e-13 * ref, f"lattice G_eff {kv}")
check(abs(float(kv.get("current", "nan")) - 2 * ref) <= 1e-12 * ref, "lattice current")

# native file: series chain with node sets
path = os.path.join(tmp, "chain.mnet")
Gs = [0.5, 2.0, 4.0]
with open(path, "w") as f:
    f.write("memnet-network 1\nnodes 4\nedges 3 columns 1\n")
    for i, gi in enumerate(Gs):
        f.write(f"{i} {i + 1} {gi!r}\n")
    f.write("set left 1\n0\nset right 1\n3\nend\n")
rc, kv, err = run("--network", path, "--source-set", "left", "--drain-set", "right",
                  "--conductance-column", "1")
check(rc == 0, f"native rc {rc} {err}")
ref = 1.0 / sum(1.0 / x for x in Gs)
check(abs(float(kv.get("G_eff", "nan")) - ref) <= 1e-14, f"chain G_eff {kv}")

# bad input: a message naming the option or value; exit 2 for a usage error (an option or
# value that is missing, malformed or does not fit the network), 1 for an error in the run
for args, needle, code in [
    (["--network", path], "--source", 2),
    (["--network", path, "--source", "0", "--drain", "9"], "node 9", 2),
    (["--network", path, "--source", "0", "--drain", "0"], "node 0", 1),
    (["--network", path, "--source", "0", "--drain", "3", "--conductance", "-2"], "-2", 2),
    (["--network", path, "--source", "0", "--drain", "3", "--conductance-column", "4"], "4", 1),
    (["--network", path, "--source", "x", "--drain", "3"], "--source", 2),
    (["--network", os.path.join(tmp, "missing.txt"), "--source", "0", "--drain", "3"],
     "missing.txt", 1),
    (["--frobnicate"], "--frobnicate", 2),
]:
    rc, kv, err = run(*args)
    check(rc == code and needle in err, f"{args}: rc {rc} (expected {code}), stderr {err!r}")

# conductances over 1e-90..10 S on random graphs: exact rational reference (fractions), so the
# cancellation-free elimination and the conservative G_eff are checked to round-off
from fractions import Fraction
import random

rng = random.Random(7)


def exact_potentials(n, edges, G, src, drn):
    """Dirichlet solve in exact rationals: source 1, drain 0, free nodes by Gauss-Jordan;
    nodes with no positive-conductance path to an electrode are dropped (None)."""
    adj = [[] for _ in range(n)]
    for (u, v), g in zip(edges, G):
        if g > 0:
            adj[u].append(v)
            adj[v].append(u)
    held = set(src) | set(drn)
    seen = set(held)
    stack = list(held)
    while stack:
        x = stack.pop()
        for y in adj[x]:
            if y not in seen:
                seen.add(y)
                stack.append(y)
    free = [i for i in range(n) if i in seen and i not in held]
    idx = {x: k for k, x in enumerate(free)}
    N = len(free)
    M = [[Fraction(0)] * (N + 1) for _ in range(N)]
    fixed = {x: Fraction(1) for x in src}
    fixed.update({x: Fraction(0) for x in drn})
    for (u, v), g in zip(edges, G):
        g = Fraction(g)
        for a, b in ((u, v), (v, u)):
            if a in idx:
                M[idx[a]][idx[a]] += g
                if b in idx:
                    M[idx[a]][idx[b]] -= g
                elif b in fixed:
                    M[idx[a]][N] += g * fixed[b]
    for c in range(N):
        p = next(r for r in range(c, N) if M[r][c] != 0)
        M[c], M[p] = M[p], M[c]
        for r in range(N):
            if r != c and M[r][c] != 0:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    phi = [None] * n
    for x, val in fixed.items():
        phi[x] = val
    for x, k in idx.items():
        phi[x] = M[k][N] / M[k][k]
    return phi


for rep in range(6):
    n = rng.randint(8, 14)
    edges = [(rng.randrange(i), i) for i in range(1, n)]
    edges += [tuple(rng.sample(range(n), 2)) for _ in range(n)]
    G = [10.0 ** rng.uniform(-90, 1) for _ in edges]
    if rep % 2:
        G[rng.randrange(len(G))] = 0.0
    src, drn = [0], [n - 1]
    path = os.path.join(tmp, f"range{rep}.txt")
    with open(path, "w") as f:
        for (u, v), g in zip(edges, G):
            f.write(f"{u} {v} {g!r}\n")
    rc, kv, err = run("--network", path, "--source", "0", "--drain", str(n - 1),
                      "--conductance-column", "1", "--node-out", nodes_csv)
    check(rc == 0, f"range {rep}: rc {rc} {err}")
    if rc != 0:
        continue
    phi = exact_potentials(n, edges, G, src, drn)
    got = [r.split(",")[3] for r in open(nodes_csv).read().split("\n")[1:]
           if r and not r.startswith("#")][1:]
    for i in range(n):
        if phi[i] is None:
            check(got[i] == "nan", f"range {rep}: node {i} should be floating, got {got[i]}")
        else:
            check(abs(float(got[i]) - float(phi[i])) <= 1e-12,
                  f"range {rep}: phi[{i}] {got[i]} vs exact {float(phi[i])!r}")
    # exact G_eff: current into the drain = sum of G phi over its edges (phi_drain = 0)
    geff = sum(Fraction(g) * (phi[u] if v == n - 1 else phi[v])
               for (u, v), g in zip(edges, G) if (u == n - 1) != (v == n - 1)
               and phi[u] is not None and phi[v] is not None)
    ge = float(kv.get("G_eff", "nan"))
    check(abs(ge - float(geff)) <= 1e-13 * float(geff),
          f"range {rep}: G_eff {ge!r} vs exact {float(geff)!r}")

rc, kv, err = run("--help")
check(rc == 0, "help")
print("cli_solve:", "ok" if fails == 0 else f"{fails} failures")
sys.exit(1 if fails else 0)
