#!/bin/sh
# memnet simulate with many electrodes: voltage, current, grounded and floating electrodes
# (also floating in time intervals, and multi-node contacts) and probes, checked sample by
# sample against a dense numpy solve of the same network with the same boundary conditions
# (the conductances from the recorded states); a floating electrode carries no current and
# the electrode currents obey KCL; --source/--drain as shorthand and as defaults from the
# network file's node sets; bad input names the value.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3

# 8 nodes, 12 Miranda junctions
printf '0 1\n1 2\n2 3\n0 2\n1 3\n3 4\n2 4\n4 5\n0 5\n5 6\n6 7\n3 7\n' > "$tmp/n.txt"
edges=0-11

# ---------------------------------------------------------------- against the dense reference
# in: sine voltage, floating during 0.7-1.2 (and from 1.7 on); f: nodes 2,6 floating (one
# equipotential contact); c: a current electrode; g: ground; probes 3 and 1
"$memnet" simulate --network "$tmp/n.txt" --model miranda --init random:0.05:0.5 --seed 3 \
    --electrode 'in=0:sine:1.5:0.5:0.2@0.7-1.2,1.7-inf' --electrode f=2,6:float \
    --electrode c=4:i:sine:2e-3:1 --electrode g=5,7:ground --probe 3 --probe mid=1 \
    --t-end 2 --dt-out 0.1 --rtol 1e-8 --atol 1e-11 --record-edges $edges --out "$tmp/m.csv" > "$tmp/m.out" ||
    fail "many-electrode run failed: $(cat "$tmp/m.out")"
grep -q '^t,V_in,I_in,V_f,I_f,V_c,I_c,V_g,I_g,P0,P_mid,mean_g,x0,' "$tmp/m.csv" ||
    fail "columns: $(grep '^t' "$tmp/m.csv")"
grep -q '^# electrode=in=0:sine' "$tmp/m.csv" || fail "electrode provenance"
$py - "$tmp/m.csv" "$tmp/n.txt" <<'PY' || fail "many-electrode run does not match the dense reference"
import math, sys
import numpy as np
rows = [l.strip().split(",") for l in open(sys.argv[1]) if not l.startswith("#")]
head, data = rows[0], [list(map(float, r)) for r in rows[1:]]
col = {h: i for i, h in enumerate(head)}
E = [tuple(map(int, l.split())) for l in open(sys.argv[2])]
n = 8
Gmin, Gmax = 1e-2, 1.0                      # miranda defaults (003 eq 10)
def reference(t, g, floating_in):
    G = Gmin + (Gmax - Gmin) * np.asarray(g)
    L = np.zeros((n, n))
    for (u, v), ge in zip(E, G):
        L[u, u] += ge; L[v, v] += ge; L[u, v] -= ge; L[v, u] -= ge
    vin = 1.5 * math.sin(2 * math.pi * 0.5 * t) + 0.2
    # groups: in {0}, f {2,6}, c {4}, g {5,7}, then free nodes 1 and 3
    groups = [[0], [2, 6], [4], [5, 7], [1], [3]]
    P = np.zeros((n, len(groups)))
    for j, gr in enumerate(groups):
        P[gr, j] = 1
    Lr = P.T @ L @ P
    inj = np.zeros(len(groups))
    inj[2] = 2e-3 * math.sin(2 * math.pi * t)          # current electrode c
    known = {3: 0.0} if floating_in else {0: vin, 3: 0.0}
    free = [j for j in range(len(groups)) if j not in known]
    phi = np.zeros(len(groups))
    for j, v in known.items():
        phi[j] = v
    kn = list(known)
    phi[free] = np.linalg.solve(Lr[np.ix_(free, free)], inj[free] - Lr[np.ix_(free, kn)] @ phi[kn])
    I = Lr @ phi                                      # current from each group into the network
    return phi, I
worst = 0
nfl = 0
for r in data:
    t = r[col["t"]]
    g = [r[col[f"x{e}"]] for e in range(12)]
    fl = (0.7 < t < 1.2) or t > 1.7
    nfl += fl
    phi, I = reference(t, g, fl)
    want = {"V_in": phi[0], "I_in": I[0], "V_f": phi[1], "I_f": 0.0, "V_c": phi[2], "I_c": I[2],
            "V_g": 0.0, "I_g": I[3], "P_mid": phi[4], "P0": phi[5]}
    scale = max(1.0, abs(phi).max())
    for k, w in want.items():
        got = r[col[k]]
        tol = 1e-9 * scale if k.startswith(("V", "P")) else 1e-9 * max(abs(I).max(), 1e-3)
        if abs(got - w) > tol:
            sys.exit(f"t={t} {k}={got!r}, reference {w!r}")
        worst = max(worst, abs(got - w))
    if fl and abs(r[col["I_in"]]) > 1e-12:
        sys.exit(f"t={t}: the floating input carries {r[col['I_in']]} A")
    kcl = sum(r[col[k]] for k in ("I_in", "I_f", "I_c", "I_g"))
    if abs(kcl) > 1e-12:
        sys.exit(f"t={t}: electrode currents sum to {kcl}")
assert nfl >= 6, nfl
# outside the floating intervals the input follows its waveform
for r in data:
    t = r[col["t"]]
    if not ((0.7 <= t <= 1.2) or t >= 1.7):
        assert abs(r[col["V_in"]] - (1.5 * math.sin(math.pi * t) + 0.2)) < 1e-12, t
print("max deviation", worst)
PY

# ---------------------------------------------------------------- shorthand and defaults
common="--network $tmp/n.txt --model miranda --init 0.1 --t-end 1 --dt-out 0.25"
"$memnet" simulate $common --source 0 --drain 5 --waveform sine:1:1 --out "$tmp/a.csv" > /dev/null
"$memnet" simulate $common --electrode a=0:sine:1:1 --electrode b=5:ground --out "$tmp/b.csv" > /dev/null
grep -v '^#' "$tmp/a.csv" > "$tmp/a.rows"
grep -v '^#' "$tmp/b.csv" > "$tmp/b.rows"
paste -d, "$tmp/a.rows" "$tmp/b.rows" | awk -F, 'NR > 1 && ($2 != $7 || $3 != $8 || $1 != $6) { bad = 1 }
    END { exit bad }' || fail "--electrode a,b differs from --source/--drain"
"$memnet" simulate $common --source 0 --drain 5 --waveform sine:1:1 --electrode f=3:float --out "$tmp/c.csv" > /dev/null
grep -q '^t,V_source,I_source,V_drain,I_drain,V_f,I_f,mean_g$' "$tmp/c.csv" || fail "shorthand with --electrode columns"
"$memnet" simulate $common --electrode 0:dc:1 --electrode 5:ground --probe 3 --out "$tmp/d.csv" > /dev/null
grep -q '^t,V0,I0,V1,I1,P0,mean_g$' "$tmp/d.csv" || fail "unnamed columns: $(grep '^t' "$tmp/d.csv")"
# a native file's first two node sets (left, right) are the default source and drain
"$memnet" generate lattice --kind square --nx 4 --ny 3 --out "$tmp/lat.txt" > /dev/null
"$memnet" simulate --network "$tmp/lat.txt.mnet" --model miranda --waveform dc:1 --t-end 1 --dt-out 0.5 \
    --out "$tmp/l1.csv" > /dev/null || fail "default source/drain"
"$memnet" simulate --network "$tmp/lat.txt.mnet" --model miranda --waveform dc:1 --t-end 1 --dt-out 0.5 \
    --source left --drain right --out "$tmp/l2.csv" > /dev/null
[ "$(grep -v '^#' "$tmp/l1.csv")" = "$(grep -v '^#' "$tmp/l2.csv")" ] || fail "default is not left/right"
grep -q '^# source=left$' "$tmp/l1.csv" || fail "default source not in the provenance"
"$memnet" simulate $common --waveform dc:1 --out "$tmp/x.csv" 2> "$tmp/err" && fail "no source accepted"
grep -q 'missing --source.*no node sets' "$tmp/err" || fail "missing --source: $(cat "$tmp/err")"

# ---------------------------------------------------------------- run files
cat > "$tmp/run.cfg" <<CFG
command = simulate
network = $tmp/n.txt
model = miranda
init = 0.1
electrode = a=0:sine:1:1
electrode = b=5:ground
probe = 3
t-end = 1
dt-out = 0.25
out = $tmp/cfg.csv
CFG
"$memnet" simulate --config "$tmp/run.cfg" > /dev/null || fail "electrodes in a run file"
grep -q '^t,V_a,I_a,V_b,I_b,P0,mean_g$' "$tmp/cfg.csv" || fail "run-file columns"

# ---------------------------------------------------------------- bad input names the value
bad() { # expected-text args...
    want=$1; shift
    set +e
    "$memnet" simulate $common "$@" --out "$tmp/bad.csv" > /dev/null 2> "$tmp/err"
    code=$?
    set -e
    [ $code != 0 ] || fail "accepted: $*"
    grep -q -- "$want" "$tmp/err" || fail "error for $* does not say '$want': $(cat "$tmp/err")"
    [ $code = 2 ] || fail "exit $code for $*"
}
bad 'node 1 is also in electrode a' --electrode a=0,1:dc:1 --electrode b=1,5:ground
bad 'g: it is the only electrode holding a potential' --electrode c=0:i:dc:1e-3 --electrode 'g=5:ground@0.2-0.4'
bad '"nosuchset"' --electrode a=nosuchset:dc:1 --electrode b=5:ground
bad '"nosuchset"' --electrode a=0:dc:1 --electrode b=5:ground --probe nosuchset
bad '--waveform "dc:1" drives --source' --waveform dc:1 --electrode a=0:dc:1 --electrode b=5:ground
bad 'blah' --electrode a=0:blah --electrode b=5:ground
bad 'no electrode holds a potential' --electrode a=0:float --electrode b=5:i:dc:1e-3
bad 'two electrodes are named "a"' --electrode a=0:dc:1 --electrode a=5:ground
bad 'float is open at all times' --electrode a=0:dc:1 --electrode b=5:ground --electrode f=3:float@1-2
bad '0.5-0.2' --electrode 'a=0:dc:1@0.5-0.2' --electrode b=5:ground
bad 'node 99 does not exist' --electrode a=99:dc:1 --electrode b=5:ground
# two grounds: one may float, but not both at once (the library checks the times)
"$memnet" simulate $common --electrode a=0:i:dc:1e-3 --electrode 'g1=5:ground@0.2-0.6' --electrode 'g2=7:ground@0.5-0.8' \
    --out "$tmp/bad.csv" > /dev/null 2> "$tmp/err" && fail "all grounds floating at once accepted"
grep -q 'every electrode holding a potential floats at t = 0.5' "$tmp/err" || fail "overlapping ground floats: $(cat "$tmp/err")"
echo ok
