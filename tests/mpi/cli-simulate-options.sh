#!/bin/sh
# `mpirun -n N memnet-mpi simulate` with the options of `memnet simulate` for events, recorded
# edges, snapshots, checkpoints and restart, native network files, and its refusals, against
# `memnet simulate` run with the same options (the reference):
#  1. filament junctions (003 eqs 1-3) on an edge list with a gap column: the event log equals
#     the serial one event for event (edge, kind; times within 2e-5 s), the CSV has the serial
#     header and its rows (t, V, I, G, mean states, recorded edges) within 1e-4 of each
#     column's largest magnitude; the snapshot's manifest names one file per rank;
#  2. restart: a run to T with a checkpoint at T/2, and a run to T/2 resumed from its
#     checkpoint to T, write the same rows and events bit for bit (the default strategy, AUTO);
#  3. a native file (memnet generate nanowire: coordinates, left/right node sets, gaps), no
#     --source/--drain (the node sets), --partition sfc, analytic Jv products: I(t) within 1e-6
#     of serial;
#  4. refusals: exit status 2 and one message naming the value.
# usage: cli-simulate-options.sh BUILD N
set -eu
build=$1 n=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi="mpiexec -n $n --oversubscribe $build/tools/memnet-mpi simulate"
serial="$build/tools/memnet simulate"

/usr/bin/python3 - "$tmp/fil.edges" <<'PY'
import random, sys
random.seed(5)
n = 40
E = [(random.randrange(i), i) for i in range(1, n)]
while len(E) < 100:
    a, b = random.randrange(n), random.randrange(n)
    if a != b:
        E.append((a, b))
open(sys.argv[1], "w").write("".join("%d %d %.6f\n" % (a, b, 0.1 + 0.04 * random.random())
                                     for a, b in E))
PY

# ---------------------------------------------------------------- 1. events, records, snapshots
fil="--network $tmp/fil.edges --length-column 1 --model filament --set beta=150 --set rd=1e-2
     --set rw=100 --source 0,1 --drain 38,39 --waveform dc:4 --t-end 0.6 --dt-out 0.05
     --rtol 1e-9 --atol 1e-12 --record-edges 0,50,99"
$serial $fil --out "$tmp/s.csv" --events-out "$tmp/s.ev" --quiet > /dev/null
$mpi $fil --out "$tmp/m.csv" --events-out "$tmp/m.ev" --snapshots 0.3 \
    --snapshot-prefix "$tmp/snap" > "$tmp/m.stats"
grep -q "^events=" "$tmp/m.stats"
/usr/bin/python3 - "$tmp" "$n" <<'PY'
import csv, os, sys
d, n = sys.argv[1], int(sys.argv[2])
def table(p):
    rows = list(csv.reader(l for l in open(p) if not l.startswith("#")))
    return rows[0], [list(map(float, r)) for r in rows[1:]]
hs, s = table(d + "/s.csv")
hm, m = table(d + "/m.csv")
assert hs == hm, (hs, hm)
assert len(s) == len(m) == 12, (len(s), len(m))  # 12 dt_out > 0.6 by a rounding
worst = 0
for j, name in enumerate(hs):
    scale = max(abs(r[j]) for r in s) or 1
    for a, b in zip(s, m):
        worst = max(worst, abs(a[j] - b[j]) / scale)
assert worst <= 1e-4, worst
es = list(csv.reader(open(d + "/s.ev")))
em = list(csv.reader(open(d + "/m.ev")))
assert es[0] == em[0] == ["t", "edge", "kind"], (es[0], em[0])
es, em = es[1:], em[1:]
assert len(es) == len(em) and len(es) >= 4, (len(es), len(em))
kinds = set(r[2] for r in es)
assert kinds == {"form", "break"}, kinds
dt = max(abs(float(a[0]) - float(b[0])) for a, b in zip(es, em))
assert all(a[1:] == b[1:] for a, b in zip(es, em)), (es, em)
assert dt <= 2e-5, dt
man = open(d + "/snap0.manifest").read().split("\n")
assert man[0] == "memnet-mpi-snapshot 1", man[0]
files = [l.split()[2] for l in man if l.startswith("file ")]
assert len(files) == n, (files, n)
for f in files:
    assert os.path.getsize(os.path.join(d, os.path.basename(f))) > 0, f
print("events: %d equal (times within %.2g s), CSV within %.2g, snapshot of %d files"
      % (len(es), dt, worst, len(files)))
PY

# ---------------------------------------------------------------- 2. restart
$mpi $fil --out "$tmp/a.csv" --events-out "$tmp/a.ev" \
    --checkpoint "$tmp/cpa" --checkpoint-every 0.3 > /dev/null
$mpi $fil --out "$tmp/b.csv" --events-out "$tmp/b.ev" --t-end 0.3 \
    --checkpoint "$tmp/cpb" > /dev/null
test -f "$tmp/cpb.manifest"
# a row of a killed run after the checkpoint, cut mid-way: the restart removes it
printf '0.35,1,2' >> "$tmp/b.csv"
$mpi $fil --out "$tmp/b.csv" --events-out "$tmp/b.ev" --restart "$tmp/cpb" \
    > /dev/null
grep -v '^#' "$tmp/a.csv" > "$tmp/a.rows"
grep -v '^#' "$tmp/b.csv" > "$tmp/b.rows"
cmp "$tmp/a.rows" "$tmp/b.rows"
cmp "$tmp/a.ev" "$tmp/b.ev"
test "$(grep -c . "$tmp/a.rows")" -eq 13
echo "restart: rows and events equal bit for bit"

# ---------------------------------------------------------------- 3. native file
"$build/tools/memnet" generate nanowire --wires 100 --width 3 --height 3 --seed 1 \
    --out "$tmp/nw.edges" > /dev/null
nat="--network $tmp/nw.edges.mnet --model miranda --waveform dc:0.1+pulse:1.9:0.3:1:1:0.2
     --t-end 0.8 --dt-out 0.2 --rtol 1e-8 --atol 1e-12"
$serial $nat --out "$tmp/ns.csv" --quiet > /dev/null
$mpi $nat --partition sfc --jv analytic --out "$tmp/nm.csv" > /dev/null
/usr/bin/python3 - "$tmp/ns.csv" "$tmp/nm.csv" <<'PY'
import csv, sys
def read(p):
    rows = list(csv.reader(l for l in open(p) if not l.startswith("#")))
    return [dict(zip(rows[0], map(float, r))) for r in rows[1:]]
s, m = read(sys.argv[1]), read(sys.argv[2])
assert len(s) == len(m) == 5, (len(s), len(m))
imax = max(abs(r["I"]) for r in s)
worst = max(abs(a["I"] - b["I"]) for a, b in zip(s, m)) / imax
assert all(a["t"] == b["t"] and a["V"] == b["V"] for a, b in zip(s, m))
print("native file: largest |dI| / max|I| = %.2g" % worst)
sys.exit(0 if worst <= 1e-6 else 1)
PY

# ---------------------------------------------------------------- 4. refusals
refuse() { # expected text, then the options
    want=$1
    shift
    if $mpi "$@" > /dev/null 2> "$tmp/err"; then
        echo "accepted: $*" >&2
        exit 1
    fi
    grep -q -- "$want" "$tmp/err" || { echo "no \"$want\" in:" >&2; cat "$tmp/err" >&2; exit 1; }
    # the ranks agree: rank 0 alone reports an error of the command line
    test "$(grep -c -- "$want" "$tmp/err")" -eq 1 || { cat "$tmp/err" >&2; exit 1; }
}
base="--network $tmp/fil.edges --model miranda --source 0 --drain 39 --waveform dc:1
      --t-end 0.1 --dt-out 0.05 --out $tmp/x.csv"
refuse "--mix is an option of memnet simulate" $base --mix miranda:1
refuse '--partition: unknown "metis"' $base --partition metis
refuse '--strategy: unknown "fast"' $base --strategy fast
refuse '--jv: unknown "exact"' $base --jv exact
refuse "--rtol: 2 must be in (0, 1)" $base --rtol 2
refuse "--jv-rtol: -1 must be in \[0, 1)" $base --jv-rtol -1
refuse "--record-edges: edge 100 does not exist" $base --record-edges 100
refuse "--checkpoint-every needs --checkpoint" $base --checkpoint-every 0.05
refuse "--snapshots: time 1 = 0.01 must be finite and increasing" $base --snapshots 0.02,0.01
refuse "--drain: node 40 does not exist" $base --drain 40
refuse "missing --t-end" --network "$tmp/fil.edges" --model miranda --source 0 --drain 39 \
    --waveform dc:1 --dt-out 0.05 --out "$tmp/x.csv"
refuse 'unknown model "nosuch"' $base --model nosuch
# a checkpoint of another rank count, a missing one: the library's refusal, exit status 1
if $mpi $base --restart "$tmp/nosuch" > /dev/null 2> "$tmp/err"; then exit 1; fi
grep -q "nosuch" "$tmp/err"
echo "refusals: ok"
