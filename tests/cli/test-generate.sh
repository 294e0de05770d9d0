#!/bin/sh
# memnet generate: files written, key=value summary checked against an independent reading of
# the written edge list (Debian's Python: node/edge counts, mean degree, a breadth-first search
# from the source ids to the drain ids for spanning=), exit codes and messages on bad input.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3

# check.py SUMMARY EDGELIST: recompute edges, mean degree and spanning from the files
cat > "$tmp/check.py" <<'PY'
import sys
from collections import deque
kv = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
edges = []
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    t = line.split()
    assert len(t) == 3, f"edge list line without a length column: {line!r}"
    assert float(t[2]) > 0, f"non-positive length: {line!r}"
    edges.append((int(t[0]), int(t[1])))
n, m = int(kv["nodes"]), len(edges)
assert int(kv["edges"]) == m, (kv["edges"], m)
assert all(0 <= u < n and 0 <= v < n for u, v in edges)
assert abs(float(kv["mean_degree"]) - (2 * m / n if n else 0)) < 1e-5, kv["mean_degree"]
if "source" in kv:
    adj = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)
    src = [int(x) for x in kv["source"].split(",") if x]
    dst = set(int(x) for x in kv["drain"].split(",") if x)
    seen = set(src)
    q = deque(src)
    while q:
        x = q.popleft()
        for y in adj[x]:
            if y not in seen:
                seen.add(y)
                q.append(y)
    span = int(bool(seen & dst))
    assert span == int(kv["spanning"]), ("spanning", kv["spanning"], span)
print("ok", kv["spanning"])
PY

# nanowires above the stick threshold (N l^2/A = 8): spans
"$memnet" generate nanowire --wires 800 --length 1 --width 10 --height 10 --seed 4 \
    --out "$tmp/nw.txt" > "$tmp/nw.kv" || fail "nanowire generation failed"
for k in nodes edges mean_degree spanning source drain seed memnet_version wires junctions; do
    grep -q "^$k=" "$tmp/nw.kv" || fail "nanowire summary lacks $k="
done
grep -q '^spanning=1$' "$tmp/nw.kv" || fail "dense nanowire network does not span"
grep -q '^seed=4$' "$tmp/nw.kv" || fail "seed not echoed"
head -n 1 "$tmp/nw.txt.mnet" | grep -q '^memnet-network' || fail "native file missing"
grep -q '^set left' "$tmp/nw.txt.mnet" || fail "native file lacks the left electrode"
$py "$tmp/check.py" "$tmp/nw.kv" "$tmp/nw.txt" > /dev/null || fail "nanowire summary disagrees"

# below the threshold (N l^2/A = 1.3): written, spanning=0, exit 0
"$memnet" generate nanowire --wires 200 --length 1 --width 30 --height 5 --seed 2 \
    --keep all --out "$tmp/sparse.txt" > "$tmp/sparse.kv" || fail "sparse network is an error"
grep -q '^spanning=0$' "$tmp/sparse.kv" || fail "sparse network reported as spanning"
[ -s "$tmp/sparse.txt" ] && [ -s "$tmp/sparse.txt.mnet" ] || fail "sparse network not written"
$py "$tmp/check.py" "$tmp/sparse.kv" "$tmp/sparse.txt" > /dev/null || fail "sparse summary disagrees"

# same seed, same files; --length-sd selects the normal law
"$memnet" generate nanowire --wires 800 --length 1 --width 10 --height 10 --seed 4 \
    --out "$tmp/nw2.txt" > /dev/null
# (the provenance lines differ by the --out name in the command line)
grep -v '^#' "$tmp/nw.txt" > "$tmp/nw.a"; grep -v '^#' "$tmp/nw2.txt" > "$tmp/nw.b"
cmp -s "$tmp/nw.a" "$tmp/nw.b" || fail "same seed gave a different edge list"
"$memnet" generate nanowire --wires 500 --length 1 --length-sd 0.2 --width 8 --height 8 \
    --native-out "$tmp/sd.mnet" --out "$tmp/sd.txt" > "$tmp/sd.kv" || fail "--length-sd failed"
[ -s "$tmp/sd.mnet" ] || fail "--native-out not honoured"

# nanoparticles: coverage reported, electrodes from strips
"$memnet" generate nanoparticle --width 40 --height 30 --coverage 0.65 --seed 2 \
    --out "$tmp/np.txt" --particles-out "$tmp/np.csv" > "$tmp/np.kv" || fail "nanoparticle failed"
grep -q '^coverage=0\.65' "$tmp/np.kv" || fail "coverage not reported: $(grep coverage "$tmp/np.kv")"
# the coverage actually reached, independently: Monte-Carlo point sampling (10^6 points) of the
# union of the unit-diameter discs in the particle CSV; within 4 sampling sigma + 1e-3 (raster
# error of the 1/16 cell) of p, at most one disc (pi/4/(W H), docs/generators.md) above it, and
# of the reported value
reached=$(sed -n 's/^coverage=//p' "$tmp/np.kv")
$py - 40 30 0.65 "$reached" "$tmp/np.csv" <<'PY' || fail "coverage from the particles disagrees"
import sys, numpy as np
W, H, p, reached, csv = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
xy = np.genfromtxt((l for l in open(csv) if not l.startswith('#')), delimiter=',', names=True)
c = np.column_stack([xy['x'], xy['y']])
assert np.all((c[:, 0] >= 0) & (c[:, 0] <= W) & (c[:, 1] >= 0) & (c[:, 1] <= H)), "centre outside the box"
from scipy.spatial import cKDTree
rng = np.random.default_rng(12345)
n = 10 ** 6
pts = rng.uniform([0, 0], [W, H], size=(n, 2))
d, _ = cKDTree(c).query(pts, distance_upper_bound=0.5)   # inf when no centre within 0.5
cov = d <= 0.5
f = cov.mean(); se = np.sqrt(f * (1 - f) / n)
disc = np.pi / 4 / (W * H)            # one disc: the most deposition can overshoot p by
print("MC coverage %.5f +- %.5f, target %g, reported %g, one disc %.5f" % (f, se, p, reached, disc))
# the raster of cell 1/16 misjudges boundary cells: allow 1e-3 on top of 4 sampling sigma
tol = 4 * se + 1e-3
ok = (f > p - tol) and (f < p + disc + tol) and abs(f - reached) < tol
sys.exit(0 if ok else 1)
PY
$py "$tmp/check.py" "$tmp/np.kv" "$tmp/np.txt" > /dev/null || fail "nanoparticle summary disagrees"
[ "$(grep -v '^#' "$tmp/np.csv" | head -n 1)" = "particle,x,y,node" ] || fail "particle CSV header"
# provenance: version, command, seed and every generator option, as '#' lines at the top
grep -q '^# memnet_version=' "$tmp/np.csv" || fail "particle CSV has no provenance"
for f in "$tmp/np.txt" "$tmp/np.txt.mnet"; do
    grep -q "^# memnet_version=$("$memnet" info | sed -n 's/^memnet_version=//p')\$" "$f" ||
        fail "$f: no memnet_version line"
    grep -q '^# command=memnet generate nanoparticle --width 40 --height 30 --coverage 0.65 --seed 2' "$f" ||
        fail "$f: no command line"
    grep -q '^# gen.seed=2$' "$f" && grep -q '^# gen.coverage=0.65' "$f" && grep -q '^# generator=nanoparticle$' "$f" ||
        fail "$f: generator parameters missing"
done
head -n 1 "$tmp/np.txt" | grep -q '^# memnet_version=' || fail "edge list: provenance not at the top"
head -n 1 "$tmp/np.txt.mnet" | grep -q '^memnet-network 1$' || fail "native file: magic line not first"
# --json: the same keys and values as the key=value lines
"$memnet" generate nanoparticle --width 40 --height 30 --coverage 0.65 --seed 2 \
    --out "$tmp/np.txt" --particles-out "$tmp/np.csv" --json > "$tmp/np.json" || fail "--json failed"
$py - "$tmp/np.kv" "$tmp/np.json" <<'PY' || fail "--json differs from key=value"
import json, sys
kv = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]) if "=" in l)
js = json.load(open(sys.argv[2]))
assert set(kv) == set(js), set(kv) ^ set(js)
for k, v in kv.items():
    j = js[k]
    if isinstance(j, list):
        assert v.split(",") == [str(x) for x in j], k
    elif isinstance(j, str):
        assert j == v, k
    else:
        assert float(v) == j, (k, v, j)
assert isinstance(js["source"], list) and all(isinstance(x, int) for x in js["source"])
assert isinstance(js["seed"], int) and js["seed"] == 2 and js["native"] == sys.argv[1][:-3] + ".txt.mnet"
PY

# --tunnel-column: value column 1 is 003 eq. 1, G = alpha exp(-beta L), in the native file
"$memnet" generate nanoparticle --width 20 --height 20 --seed 3 --tunnel-column --alpha 2 \
    --beta 50 --out "$tmp/tc.txt" > "$tmp/tc.kv" || fail "--tunnel-column failed"
grep -q '^conductance_column=1$' "$tmp/tc.kv" || fail "conductance_column not reported"
$py - "$tmp/tc.txt.mnet" <<'PY' || fail "tunnel column is not alpha exp(-beta L)"
import math, sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
i = next(k for k, t in enumerate(lines) if t[0] == "edges")
hdr = lines[i]
assert hdr[2:] == ["length", "position", "columns", "1"], hdr
m = int(hdr[1])
assert m > 0
for t in lines[i + 1:i + 1 + m]:
    L, G = float(t[2]), float(t[5])
    assert abs(G - 2 * math.exp(-50 * L)) <= 1e-15 * G, (L, G)
PY

# lattice: 5 x 3 square grid has (5-1)*3 + 5*(3-1) = 22 edges
"$memnet" generate lattice --kind square --nx 5 --ny 3 --out "$tmp/sq.txt" > "$tmp/sq.kv"
grep -q '^nodes=15$' "$tmp/sq.kv" && grep -q '^edges=22$' "$tmp/sq.kv" || fail "square lattice counts"
grep -q '^source=0,5,10$' "$tmp/sq.kv" || fail "square lattice left electrode"
$py "$tmp/check.py" "$tmp/sq.kv" "$tmp/sq.txt" > /dev/null || fail "lattice summary disagrees"

# a whole run in a --config file (the generator named by a key)
printf 'command = generate\ngenerator = lattice\nkind = chain\nnx = 6\nout = %s\n' \
    "$tmp/chain.txt" > "$tmp/chain.cfg"
"$memnet" generate --config "$tmp/chain.cfg" > "$tmp/chain.kv" || fail "config run failed"
grep -q '^edges=6$' "$tmp/chain.kv" && grep -q '^drain=6$' "$tmp/chain.kv" || fail "chain from config"

# the circuit: 3n edges, n memristors, per-branch sources
"$memnet" generate cb --n 5 --r-int 200 --r-ref 1000 --sources 1,2,3,4,5 --out "$tmp/cb.txt" \
    > "$tmp/cb.kv" || fail "cb failed"
grep -q '^edges=15$' "$tmp/cb.kv" && grep -q '^memristors=5$' "$tmp/cb.kv" || fail "cb counts"
grep -q '^set ground 1' "$tmp/cb.txt.mnet" || fail "cb ground node set"
# R_int = 0 (002 eq. 11's limit): the shorted mesh, n nodes and 2n edges; n = 1 is refused
"$memnet" generate cb --n 5 --r-int 0 --r-ref 1000 --out "$tmp/cb0.txt" > "$tmp/cb0.kv" ||
    fail "cb --r-int 0 refused"
grep -q '^edges=10$' "$tmp/cb0.kv" && grep -q '^nodes=5$' "$tmp/cb0.kv" || fail "cb --r-int 0 counts"
if "$memnet" generate cb --n 1 --r-int 0 --out "$tmp/cb1.txt" 2> "$tmp/err" > /dev/null; then
    fail "cb --n 1 --r-int 0 accepted"; fi
grep -q "n = 1" "$tmp/err" || fail "cb --n 1 --r-int 0 message: $(cat "$tmp/err")"
if "$memnet" generate cb --r-int -1 --out "$tmp/cbm.txt" 2> /dev/null > /dev/null; then
    fail "cb --r-int -1 accepted"; fi

# the plotting script: its reader agrees with the summary; three PNG files from a solve's CSV
if [ -n "${MEMNET_SOURCE_ROOT:-}" ] && $py -c 'import matplotlib' 2> /dev/null; then
    cat > "$tmp/plot.py" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("pn", sys.argv[1])
pn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pn)
net = pn.read_native(sys.argv[2])
kv = dict(l.strip().split("=", 1) for l in open(sys.argv[3]) if "=" in l)
assert net["n"] == int(kv["nodes"]) and len(net["u"]) == int(kv["edges"])
assert sorted(net["sets"]["left"].tolist()) == sorted(int(x) for x in kv["source"].split(","))
# a made-up solution: phi = 1 - x / W, I = G (phi_u - phi_v) with G = exp(-20 L)
import numpy as np
phi = 1 - net["x"] / net["x"].max()
with open(sys.argv[4] + "-n.csv", "w") as f:
    f.write("node,x,y,phi\n")
    for i in range(net["n"]):
        f.write(f"{i},{net['x'][i]},{net['y'][i]},{phi[i]}\n")
with open(sys.argv[4] + "-e.csv", "w") as f:
    f.write("edge,u,v,G,V,I\n")
    for e, (u, v) in enumerate(zip(net["u"], net["v"])):
        G = np.exp(-20 * net["length"][e])
        f.write(f"{e},{u},{v},{G},{phi[u] - phi[v]},{G * (phi[u] - phi[v])}\n")
PY
    plot="$MEMNET_SOURCE_ROOT/scripts/plot-network.py"
    $py "$tmp/plot.py" "$plot" "$tmp/np.txt.mnet" "$tmp/np.kv" "$tmp/sol" || fail "plot reader"
    $py "$plot" "$tmp/np.txt.mnet" --particles "$tmp/np.csv" --node-csv "$tmp/sol-n.csv" \
        --edge-csv "$tmp/sol-e.csv" --out "$tmp/pic" > /dev/null || fail "plot-network.py failed"
    for k in network potential current; do
        [ "$(head -c 4 "$tmp/pic-$k.png" | tail -c 3)" = "PNG" ] || fail "pic-$k.png is not a PNG"
    done
fi

# with the Kirchhoff solver: a 6 x 4 square lattice of unit conductances between its left and
# right columns has G_eff = rows / (columns - 1) = 4/5 (uniform field, rungs carry nothing)
if "$memnet" --help | grep -q '^  solve'; then
    "$memnet" generate lattice --kind square --nx 6 --ny 4 --out "$tmp/sq64.txt" > /dev/null
    "$memnet" solve --network "$tmp/sq64.txt.mnet" --source-set left --drain-set right \
        --node-out "$tmp/sq64-n.csv" --edge-out "$tmp/sq64-e.csv" > "$tmp/sq64.kv" || fail "solve"
    $py -c "
import sys
kv = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
assert abs(float(kv['G_eff']) - 0.8) < 1e-12, kv['G_eff']
" "$tmp/sq64.kv" || fail "lattice G_eff is not 4/5"
    if [ -n "${MEMNET_SOURCE_ROOT:-}" ] && $py -c 'import matplotlib' 2> /dev/null; then
        $py "$MEMNET_SOURCE_ROOT/scripts/plot-network.py" "$tmp/sq64.txt.mnet" \
            --node-csv "$tmp/sq64-n.csv" --edge-csv "$tmp/sq64-e.csv" --out "$tmp/sq" > /dev/null \
            || fail "plot of a solve failed"
        [ -s "$tmp/sq-potential.png" ] && [ -s "$tmp/sq-current.png" ] || fail "solve maps missing"
    fi
fi

# help and errors
"$memnet" generate nanowire --help | grep -q -- '--length-sd' || fail "nanowire --help"
"$memnet" generate nanoparticle --help | grep -q -- '--coverage' || fail "nanoparticle --help"
set +e
"$memnet" generate nanoparticle --width 10 --height 10 --coverage 1.5 --out "$tmp/x" 2> "$tmp/err"
[ $? -eq 1 ] || fail "coverage 1.5: exit status"
grep -q 'coverage: 1.5' "$tmp/err" || fail "coverage message: $(cat "$tmp/err")"
"$memnet" generate nanowire --wires 10 --width -2 --out "$tmp/x" 2> "$tmp/err"
[ $? -eq 1 ] || fail "negative width: exit status"
grep -q 'width: -2' "$tmp/err" || fail "width message: $(cat "$tmp/err")"
"$memnet" generate nanowire --wires 10 --electrode far:disc:100,100,1 --out "$tmp/x" 2> "$tmp/err"
[ $? -eq 1 ] || fail "electrode touching nothing: exit status"
grep -q '"far"' "$tmp/err" || fail "electrode message: $(cat "$tmp/err")"
"$memnet" generate nanowire --wires 10 2> "$tmp/err"
[ $? -eq 2 ] || fail "missing --out: exit status"
"$memnet" generate nanowire --wires ten --out "$tmp/x" 2> "$tmp/err"
[ $? -eq 2 ] || fail "bad number: exit status"
"$memnet" generate teapot --out "$tmp/x" 2> "$tmp/err"
[ $? -eq 2 ] || fail "unknown generator: exit status"
set -e
echo "generate tests passed"
