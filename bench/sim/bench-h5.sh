#!/bin/sh
# CSV against HDF5 for a recording of every junction's state (issue 18): the README's nanowire
# network (3000 wires, ~9800 junctions, miranda), 200 s of the 000 Fig. 2a pulse, 201 samples.
#   (a) CSV without per-edge states (the baseline run)
#   (b) CSV with every state (--record-edges 0-(m-1): x<e> columns, 17 digits)
#   (c) HDF5 with every state (--record states, flush every 16 samples)
#   (d) HDF5 with every state, flushed after every sample (--flush-every 1)
# Kinds alternate, R rounds (default 3); medians of wall and CPU (user+sys, /usr/bin/time), the
# file size, and the time /usr/bin/python3 takes to read the states back (numpy.loadtxt of the
# CSV, h5py of the HDF5 file; median CPU).
#   usage: bench/sim/bench-h5.sh BUILD/tools/memnet [ROUNDS]
set -eu
memnet=$1
rounds=${2:-3}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$memnet" generate nanowire --wires 3000 --width 16.98 --height 16.98 --length 1 --seed 1 \
    --out "$tmp/nw.txt" > "$tmp/gen.txt"
m=$(sed -n 's/^edges=//p' "$tmp/gen.txt")
common="--network $tmp/nw.txt.mnet --model miranda --waveform pwl:0:2,100:2,100:0.1,200:0.1 --t-end 200 --dt-out 1 --quiet"
run() { # kind out extra...
    kind=$1 out=$2
    shift 2
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$memnet" simulate $common --out "$out" "$@" > /dev/null
    read -r w u s < "$tmp/time"
    size=$(stat -c %s "$out")
    echo "$kind $w $(echo "$u + $s" | bc -l) $size" >> "$tmp/results"
}
readback() { # kind file
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" $py -c '
import sys, numpy as np
p = sys.argv[1]
if p.endswith(".h5"):
    import h5py
    x = h5py.File(p, "r")["edges/state"][:]
else:
    x = np.loadtxt(p, delimiter=",", comments="#", skiprows=sum(1 for l in open(p) if l.startswith("#")) + 1)
print(x.shape)' "$2" > /dev/null
    read -r w u s < "$tmp/time"
    echo "$1 $w $(echo "$u + $s" | bc -l)" >> "$tmp/reads"
}
for r in $(seq "$rounds"); do
    run a "$tmp/a.csv"
    run b "$tmp/b.csv" --record-edges "0-$((m - 1))"
    run c "$tmp/c.h5" --record states
    run d "$tmp/d.h5" --record states --flush-every 1
    readback b "$tmp/b.csv"
    readback c "$tmp/c.h5"
done
echo "network: $(cat "$tmp/gen.txt" | tr '\n' ' ')"
echo "states recorded: 201 x $m doubles = $((201 * m * 8)) bytes of numbers"
$py - "$tmp/results" "$tmp/reads" << 'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
names = {"a": "(a) CSV, no states", "b": "(b) CSV, every state", "c": "(c) HDF5, every state, flush 16",
         "d": "(d) HDF5, every state, flush 1"}
med = {}
for k in "abcd":
    r = [x for x in rows if x[0] == k]
    med[k] = (st.median(float(x[1]) for x in r), st.median(float(x[2]) for x in r), int(r[-1][3]))
print("| run | wall (s) | CPU (s) | CPU / (a) | file (MB) |")
print("|---|---|---|---|---|")
for k in "abcd":
    w, c, s = med[k]
    print("| %s | %.2f | %.2f | %.2f | %.1f |" % (names[k], w, c, c / med["a"][1], s / 1e6))
reads = [l.split() for l in open(sys.argv[2])]
for k, nm in (("b", "CSV (numpy.loadtxt)"), ("c", "HDF5 (h5py)")):
    r = [x for x in reads if x[0] == k]
    print("read back %s: wall %.2f s, CPU %.2f s (median)" % (nm, st.median(float(x[1]) for x in r),
                                                          st.median(float(x[2]) for x in r)))
EOF
