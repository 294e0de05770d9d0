#!/bin/sh
# bench-oneshot-floor on a small stick network: the program's own checks (the solve's residual,
# AMD's repeats giving memnet's ordering, every ordering's solve) must pass, every figure
# oneshot.sh reads must be printed, the graph build must count one row per free node and two
# entries per edge between free nodes (parallel edges kept), the fresh-process estimate must be
# the sum of its parts, and G_eff must match a dense numpy solve of the same network.
# usage: test-oneshot-floor.sh MEMNET BENCH_ONESHOT_FLOOR
set -eu
memnet=$1
floor=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$memnet" generate nanowire --wires 1500 --width 11 --height 11 --seed 2 --out "$tmp/n.txt" \
    > /dev/null || fail "generate"
"$floor" "$tmp/n.txt.mnet" left right --orderings > "$tmp/out" || fail "bench-oneshot-floor: $(cat "$tmp/out")"
for key in G_eff load_cpu floor_cpu floor_first_cpu floor_with_read_cpu floor_graph_build_cpu \
    floor_fresh_process_cpu memnet_own_cpu floor_residual floor_graph_rows floor_graph_entries; do
    grep -q "^$key=" "$tmp/out" || fail "no $key in the output"
done
[ "$(grep -c '^ordering=' "$tmp/out")" -ge 3 ] || fail "--orderings printed too few lines"
/usr/bin/python3 - "$tmp/n.txt" "$tmp/n.txt.mnet" "$tmp/out" "$(dirname "$0")" <<'PY' || fail "against the dense reference"
import sys
import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[4])
from solve_oneshot import node_sets  # the node-set reader of the scipy side of oneshot.sh

edges = np.loadtxt(sys.argv[1], comments="#", usecols=(0, 1), ndmin=2).astype(int)
sets = node_sets(sys.argv[2])
out = dict(line.strip().split("=", 1) for line in open(sys.argv[3]) if "=" in line)
n = int(out["nodes"])
L = np.zeros((n, n))
for u, v in edges:
    if u != v:
        L[u, u] += 1; L[v, v] += 1; L[u, v] -= 1; L[v, u] -= 1
held = np.zeros(n, bool)
held[sets["left"]] = held[sets["right"]] = True
phi = np.zeros(n)
phi[sets["left"]] = 1.0
free = np.where(~held)[0]
# the generator keeps only sticks joined to an electrode: no floating rows, memnet's rows are
# all free nodes, and the reduced Laplacian is nonsingular
assert int(out["rows"]) == len(free), (out["rows"], len(free))
A = L[np.ix_(free, free)]
b = -L[np.ix_(free, np.where(held)[0])] @ phi[held]
phi[free] = np.linalg.solve(A, b)
geff = -(L[sets["right"]] @ phi).sum()  # current into the drain at 1 V
rel = abs(geff - float(out["G_eff"])) / geff
entries = 2 * sum(1 for u, v in edges if u != v and not held[u] and not held[v])
print(f"G_eff {out['G_eff']} dense {geff:.15g} rel {rel:.2e}; rows {out['rows']} graph rows "
      f"{out['floor_graph_rows']} entries {out['floor_graph_entries']} expected {entries}")
assert rel < 1e-9, rel
assert int(out["floor_graph_entries"]) == entries
assert int(out["floor_graph_rows"]) == n - int(held.sum())
assert float(out["floor_residual"]) < 1e-12
# the estimate is the sum of its printed parts (each printed to 1e-4)
parts = sum(float(out[k]) for k in ("load_cpu", "floor_graph_build_cpu", "floor_first_cpu"))
assert abs(float(out["floor_fresh_process_cpu"]) - parts) <= 2e-4, (out["floor_fresh_process_cpu"], parts)
PY
