#!/bin/sh
# `mpirun -n N memnet-mpi simulate` against `memnet simulate` with the same options: the
# source current I(t) within 1e-6 of its largest magnitude. usage: cli-simulate.sh BUILD N
set -eu
build=$1 n=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp/net.edges" <<'PY'
import random, sys
random.seed(3)
n = 300
E = [(random.randrange(i), i) for i in range(1, n)]
while len(E) < 900:
    a, b = random.randrange(n), random.randrange(n)
    if a != b:
        E.append((a, b))
open(sys.argv[1], "w").write("".join("%d %d\n" % e for e in E))
PY
opts="--network $tmp/net.edges --source 0-3 --drain 296-299 --model miranda --set k_d=0.4
      --waveform dc:0.1+pulse:1.9:0.5:2:2:0.5 --t-end 2.8 --dt-out 0.35 --rtol 1e-8 --atol 1e-12"
"$build/tools/memnet" simulate $opts --out "$tmp/serial.csv" --quiet > /dev/null
mpiexec -n "$n" --oversubscribe "$build/tools/memnet-mpi" simulate $opts --out "$tmp/mpi.csv"
/usr/bin/python3 - "$tmp/serial.csv" "$tmp/mpi.csv" <<'PY'
import csv, sys
def read(p):
    rows = [r for r in csv.reader(l for l in open(p) if not l.startswith("#"))]
    h = rows[0]
    return [dict(zip(h, map(float, r))) for r in rows[1:]]
s, m = read(sys.argv[1]), read(sys.argv[2])
assert len(s) == len(m) and len(s) > 5, (len(s), len(m))
imax = max(abs(r["I"]) for r in s)
worst = max(abs(a["I"] - b["I"]) for a, b in zip(s, m)) / imax
for a, b in zip(s, m):
    assert a["t"] == b["t"] and a["V"] == b["V"], (a, b)
print("memnet-mpi simulate: %d samples, largest |dI| / max|I| = %.2g" % (len(s), worst))
sys.exit(0 if worst <= 1e-6 else 1)
PY
