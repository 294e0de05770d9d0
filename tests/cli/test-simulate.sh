#!/bin/sh
# memnet simulate: CSV contract (t,V,I,G against 003 eq 9 for one junction), checkpoint/restart
# equals the uninterrupted run, Ctrl-C keeps the samples, bad input names the value.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3

"$memnet" simulate --help | grep -q -- "--waveform" || fail "--help does not list --waveform"

printf '0 1\n' > "$tmp/one.txt"
"$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 \
    --waveform dc:0.3 --t-end 50 --dt-out 5 --init 0.05 --rtol 1e-10 --atol 1e-13 \
    --out "$tmp/one.csv" > "$tmp/stdout" || fail "one-junction run failed"
grep -q '^status=complete' "$tmp/stdout" || fail "no status=complete"
grep -q '^# memnet_version=' "$tmp/one.csv" || fail "no provenance line"
grep -q '^# param.k_p=' "$tmp/one.csv" || fail "no parameter provenance"
grep -q '^t,V,I,G,mean_g$' "$tmp/one.csv" || fail "header is not t,V,I,G,mean_g"
# 003 eq 9 with the default parameters (kP0 5e-4, kD0 5e-2, eta 10, Gmin 1e-2, Gmax 1)
awk -F, '!/^#/ && $1 != "t" {
    V = 0.3; kP = 5e-4 * exp(10 * V); kD = 5e-2 * exp(-10 * V); gi = kP / (kP + kD);
    g = gi + (0.05 - gi) * exp(-(kP + kD) * $1); G = 1e-2 + (1 - 1e-2) * g;
    if ($2 != V) { print "V column " $2; bad = 1 }
    d = ($4 - G) / G; if (d < 0) d = -d; if (d > 1e-7) { print "t=" $1 " G=" $4 " expected " G; bad = 1 }
    d = ($3 - G * V) / (G * V); if (d < 0) d = -d; if (d > 1e-7) { print "t=" $1 " I=" $3; bad = 1 }
    n++ }
    END { if (n != 11) { print n " rows, expected 11"; bad = 1 } exit bad }' "$tmp/one.csv" ||
    fail "one-junction CSV does not match 003 eq 9"

# checkpoint at t = 10 and restart to 20 == one run with a checkpoint every 10 s
printf '0 1\n1 2\n0 2\n2 3\n1 3\n' > "$tmp/net.txt"
common="--network $tmp/net.txt --model miranda --source 0 --drain 3 --waveform pulse:2:3:7:0:1:0.1 --dt-out 0.5 --init random:0:0.3 --seed 5"
"$memnet" simulate $common --t-end 20 --checkpoint "$tmp/cpA" --checkpoint-every 10 --out "$tmp/a.csv" > /dev/null ||
    fail "run A failed"
"$memnet" simulate $common --t-end 10 --checkpoint "$tmp/cpB" --out "$tmp/b.csv" > /dev/null || fail "run B failed"
"$memnet" simulate $common --t-end 20 --restart "$tmp/cpB" --out "$tmp/b.csv" > /dev/null || fail "restart failed"
grep -v '^#' "$tmp/a.csv" > "$tmp/a.rows"
grep -v '^#' "$tmp/b.csv" > "$tmp/b.rows"
cmp -s "$tmp/a.rows" "$tmp/b.rows" || { diff "$tmp/a.rows" "$tmp/b.rows" | head -5; fail "restart differs from the uninterrupted run"; }
[ "$(wc -l < "$tmp/a.rows")" -eq 42 ] || fail "expected 41 samples + header"

# --newton krylov: the exact Newton iteration (Jacobian-vector products) gives the samples of
# the default block iteration to the tolerance; the header says which one ran
"$memnet" simulate $common --t-end 20 --rtol 1e-8 --atol 1e-11 --out "$tmp/nb.csv" > "$tmp/nb.out" ||
    fail "blocks run failed"
"$memnet" simulate $common --t-end 20 --rtol 1e-8 --atol 1e-11 --newton krylov --out "$tmp/nk.csv" > "$tmp/nk.out" ||
    fail "--newton krylov run failed"
grep -q '^jv_evals=0$' "$tmp/nb.out" || fail "the block iteration made Jacobian-vector products"
grep -q '^jv_evals=[1-9]' "$tmp/nk.out" || fail "--newton krylov made no Jacobian-vector product"
grep -q '^newton_fails=' "$tmp/nk.out" || fail "no newton_fails statistic"
grep -q '^# newton=krylov$' "$tmp/nk.csv" || fail "the header does not name the Newton iteration"
paste -d, "$tmp/nb.csv" "$tmp/nk.csv" | awk -F, '!/^#/ && $1 != "t" {
    n++; if ($1 != $6) { print "times differ " $1 " " $6; bad = 1 }
    d = ($3 - $8) / $8; if (d < 0) d = -d; if (d > 1e-5) { print "t=" $1 " I " $3 " against " $8; bad = 1 } }
    END { if (n != 41) { print n " rows"; bad = 1 } exit bad }' || fail "--newton krylov and blocks disagree"

# filament gaps from a length column; the event log: formation at the closed-form time
# T = (1/rd) (-L/ET - V/ET^2 ln(1 - ET L / V)) = 19.315 s (003 eq 2 at constant V = 1, L = 0.05,
# default rd = 1e-4)
printf '0 1 0.05\n' > "$tmp/fil.txt"
"$memnet" simulate --network "$tmp/fil.txt" --length-column 1 --model filament --source 0 --drain 1 \
    --waveform dc:1 --t-end 40 --dt-out 0.5 --rtol 1e-10 --atol 1e-12 --out "$tmp/fil.csv" \
    --events-out "$tmp/ev.csv" > "$tmp/fil.out" || fail "filament run failed"
head -1 "$tmp/ev.csv" | grep -q '^t,edge,kind$' || fail "event CSV header"
awk -F, 'NR == 2 { d = $1 - 19.314718; if (d < 0) d = -d; if (d > 1e-4 || $3 != "form") exit 1 }
         NR == 3 { if ($3 != "break") exit 1 } END { if (NR < 5) exit 1 }' "$tmp/ev.csv" ||
    fail "event log: $(head -3 "$tmp/ev.csv")"
grep -q '^events=[1-9]' "$tmp/fil.out" || fail "no events counted"

# Ctrl-C: stops cleanly, keeps the samples, exit 130
"$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:0.3 \
    --t-end 1e5 --dt-out 1e-3 --integrator euler --dt 1e-6 --out "$tmp/int.csv" > "$tmp/int.out" 2> "$tmp/int.err" &
pid=$!
sleep 1
kill -INT $pid
rc=0
wait $pid || rc=$?
[ "$rc" -eq 130 ] || fail "interrupted run exited $rc, expected 130"
grep -q '^status=interrupted' "$tmp/int.out" || fail "no status=interrupted"
[ "$(grep -vc '^#' "$tmp/int.csv")" -gt 2 ] || fail "interrupted run kept no samples"

# bad input names the value
if "$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform squarewave:1 \
    --t-end 1 --dt-out 0.1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null; then fail "bad waveform accepted"; fi
grep -q '"squarewave"' "$tmp/err" || fail "message does not name the waveform kind: $(cat "$tmp/err")"
if "$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 9 --waveform dc:1 \
    --t-end 1 --dt-out 0.1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null; then fail "bad node accepted"; fi
grep -q "node 9" "$tmp/err" || fail "message does not name node 9: $(cat "$tmp/err")"
if "$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:1 \
    --set kP0=nan --t-end 1 --dt-out 0.1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null; then fail "NaN parameter accepted"; fi
grep -q "kP0" "$tmp/err" || fail "message does not name kP0: $(cat "$tmp/err")"
if "$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:1 \
    --newton gmres --t-end 1 --dt-out 0.1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null; then fail "bad --newton accepted"; fi
grep -q '"gmres"' "$tmp/err" || fail "message does not name the Newton iteration: $(cat "$tmp/err")"
rc=0
"$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:1 \
    --dt-out 0.1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "missing --t-end exited $rc, expected 2"
grep -q -- "--t-end" "$tmp/err" || fail "message does not name --t-end"
# --json: the same results as the key=value lines (tests/cli/kvjson.py; wall_seconds and the
# time_*_seconds split differ between runs and are compared without their values)
"$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:1 \
    --t-end 1 --dt-out 0.1 --out "$tmp/j.csv" > "$tmp/j.kv" || fail "simulate for --json"
"$memnet" simulate --network "$tmp/one.txt" --model miranda --source 0 --drain 1 --waveform dc:1 \
    --t-end 1 --dt-out 0.1 --out "$tmp/j.csv" --json > "$tmp/j.json" || fail "simulate --json"
$py -c 'import json,sys; j = json.load(open(sys.argv[1])); assert j.pop("wall_seconds") >= 0
for k in [k for k in j if k.startswith("time_") and k.endswith("_seconds")]: assert j.pop(k) >= 0
json.dump(j, open(sys.argv[1], "w"))' "$tmp/j.json" || fail "--json: no wall_seconds"
grep -v -e '^wall_seconds=' -e '^time_[a-z]*_seconds=' "$tmp/j.kv" > "$tmp/j2.kv"
$py "$here/kvjson.py" "$tmp/j2.kv" "$tmp/j.json" status=str t_reached=float steps=int seed=int out=str \
    memnet_version=str > /dev/null || fail "--json differs from key=value"
head -n 2 "$tmp/j.csv" | grep -q '^# command=memnet simulate .*--out' || fail "provenance with --json"
# node sets (a name of the native file), node lists and ranges resolve as in every command:
# on a 3 x 2 square lattice (left column 0,3, right column 2,5) "left right" and "0,3 2,5"
# give one curve; so do the source "0-1" and "0,1"
"$memnet" generate lattice --kind square --nx 3 --ny 2 --out "$tmp/lat.txt" > /dev/null ||
    fail "generate lattice"
grep -qx '0 3' "$tmp/lat.txt.mnet" && grep -qx 'set left 2' "$tmp/lat.txt.mnet" || fail "lattice sets"
n=0
for e in "left right" "0,3 2,5" "0-1 5" "0,1 5"; do
    set -- $e
    n=$((n + 1))
    "$memnet" simulate --network "$tmp/lat.txt.mnet" --model miranda --source "$1" --drain "$2" \
        --waveform dc:1 --t-end 1 --dt-out 0.5 --out "$tmp/lat$n.csv" > /dev/null ||
        fail "lattice --source $1 --drain $2"
    grep -v '^#' "$tmp/lat$n.csv" > "$tmp/lat$n.rows"
done
cmp -s "$tmp/lat1.rows" "$tmp/lat2.rows" || fail "node sets left/right differ from 0,3 / 2,5"
cmp -s "$tmp/lat3.rows" "$tmp/lat4.rows" || fail "range 0-1 differs from 0,1"
cmp -s "$tmp/lat1.rows" "$tmp/lat3.rows" && fail "different electrodes gave the same curve"
rc=0
"$memnet" simulate --network "$tmp/lat.txt.mnet" --model miranda --source nosuch --drain right \
    --waveform dc:1 --t-end 1 --dt-out 0.5 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "unknown node-set name exited $rc, expected 2"
grep -q '"nosuch"' "$tmp/err" || fail "message does not name the set: $(cat "$tmp/err")"
echo "simulate tests passed"
