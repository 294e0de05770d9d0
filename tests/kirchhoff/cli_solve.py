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
rows = open(nodes_csv).read().split()
check(rows[0] == "node,x,y,phi" and rows[5].endswith(",nan"), "node csv")
erows = [r.split(",") for r in open(edges_csv).read().split()[1:]]
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

# bad input: exit 1 and a message naming the option or value
for args, needle in [
    (["--network", path], "--source"),
    (["--network", path, "--source", "0", "--drain", "9"], "node 9"),
    (["--network", path, "--source", "0", "--drain", "0"], "node 0"),
    (["--network", path, "--source", "0", "--drain", "3", "--conductance", "-2"], "-2"),
    (["--network", path, "--source", "0", "--drain", "3", "--conductance-column", "4"], "4"),
    (["--network", path, "--source", "x", "--drain", "3"], "--source"),
    (["--network", os.path.join(tmp, "missing.txt"), "--source", "0", "--drain", "3"],
     "missing.txt"),
    (["--frobnicate"], "--frobnicate"),
]:
    rc, kv, err = run(*args)
    check(rc == 1 and needle in err, f"{args}: rc {rc}, stderr {err!r}")
rc, kv, err = run("--help")
check(rc == 0, "help")
print("cli_solve:", "ok" if fails == 0 else f"{fails} failures")
sys.exit(1 if fails else 0)
