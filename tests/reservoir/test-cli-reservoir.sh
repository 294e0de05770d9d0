#!/bin/sh
# memnet reservoir from the command line, on a 300-wire network (5 inputs, 3 outputs):
# every task's score against the raw-input baseline where physics decides the outcome, the
# baseline of sine->square against its closed form, the output files, exit codes 0/1/2.
#  - sine->double frequency: a linear map of sin(wt) and a constant has no component at 2w,
#    so the baseline NMSE is 1; the memristive network's conductance follows the biased
#    input, so I = G(t) V(t) carries 2w and the reservoir must do much better.
#  - memory: the raw input alone remembers nothing (MC ~ 0 up to the finite-sample bias of
#    r^2, about kmax / test rows); the junction states integrate past inputs.
#  - sine->square: the best linear fit of sign(sin) from sin on the 20-sample period keeps
#    corr^2 = (sum|sin|)^2 / (n sum sin^2) = cot(pi/20)^2 / 50 of the variance: NMSE 0.2027.
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
net="--wires 300"
val() { sed -n "s/^$1=//p" "$2"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

"$memnet" reservoir sine-double $net --out sd.csv > sd.kv || fail "sine-double"
s=$(val score sd.kv); b=$(val baseline sd.kv)
lt "$s" 0.3 || fail "sine-double: reservoir NMSE $s, expected < 0.3"
lt 0.98 "$b" || fail "sine-double: baseline NMSE $b, expected ~1"
grep -qx "features=8" sd.kv || fail "5 input + 3 output currents"
head -1 sd.csv | grep -q "^# memnet_version=" || fail "provenance in sd.csv"
[ "$(grep -c ',test,' sd.csv)" = "$(val test_steps sd.kv)" ] || fail "test rows in sd.csv"

"$memnet" reservoir sine-square $net --step 5 > sq.kv || fail "sine-square"
s=$(val score sq.kv); b=$(val baseline sq.kv)
awk -v b="$b" 'BEGIN { c = cos(3.14159265358979/20) / sin(3.14159265358979/20);
    r = 1 - c * c / 50; exit !(b - r < 0.005 && r - b < 0.005) }' ||
    fail "sine-square baseline $b, closed form 0.2027"
lt "$s" "$(awk -v b="$b" 'BEGIN { print 0.8 * b }')" || fail "sine-square: reservoir $s vs baseline $b"

"$memnet" reservoir memory $net --kmax 20 --washout 50 --out mc.csv > mc.kv || fail "memory"
s=$(val score mc.kv); b=$(val baseline mc.kv)
lt "$b" 0.1 || fail "memory: raw-input MC $b, expected ~0"
lt "$(awk -v b="$b" 'BEGIN { print b + 0.3 }')" "$s" || fail "memory: reservoir MC $s vs raw $b"
[ "$(grep -vc '^#' mc.csv)" = 22 ] || fail "mc.csv: header + 21 delays"
# with 3 delayed copies the raw baseline remembers exactly delays 0..3
"$memnet" reservoir memory $net --kmax 20 --washout 50 --delays 3 > mcd.kv || fail "memory --delays"
b=$(val baseline mcd.kv)
lt 2.95 "$b" && lt "$b" 3.1 || fail "memory: raw input with 3 delays has MC $b, expected 3"

for t in narma10 mackey-glass; do
    "$memnet" reservoir $t $net > $t.kv || fail "$t"
    s=$(val score $t.kv); b=$(val baseline $t.kv)
    lt "$s" "$b" || fail "$t: reservoir NMSE $s not below the baseline $b"
done

digits=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
if [ -r "$digits" ]; then
    "$memnet" reservoir digits $net --limit 500 --out dg.csv > dg.kv || fail "digits"
    s=$(val score dg.kv); b=$(val baseline dg.kv)
    lt 0.8 "$s" || fail "digits: reservoir accuracy $s"
    lt 0.85 "$b" || fail "digits: pixel baseline accuracy $b"
    grep -qx "digits=500" dg.kv || fail "--limit"
    grep -qx "readout_features=104" dg.kv || fail "13 steps x 8 currents"
fi

# --json carries the same results
"$memnet" reservoir sine-double $net --steps 300 --json > sd.json || fail "--json"
/usr/bin/python3 -c 'import json,sys; d=json.load(open("sd.json")); assert d["task"]=="sine-double" and isinstance(d["score"], float)' ||
    fail "--json object"

# usage errors (2) and run errors (1) name the bad value
"$memnet" reservoir 2> e.txt; [ $? = 2 ] || fail "no task: exit 2"
"$memnet" reservoir juggling $net 2> e.txt; [ $? = 2 ] && grep -q juggling e.txt || fail "unknown task"
"$memnet" reservoir memory --train 1.5 2> e.txt; [ $? = 2 ] && grep -q "1.5" e.txt || fail "--train"
"$memnet" reservoir memory --kmax 40 --washout 10 2> e.txt; [ $? = 2 ] || fail "washout < kmax"
"$memnet" reservoir digits $net --digits nowhere.csv 2> e.txt; [ $? = 1 ] && grep -q nowhere e.txt ||
    fail "missing digits file"
printf '1,2,3\n' > bad.csv
"$memnet" reservoir digits $net --digits bad.csv 2> e.txt; [ $? = 1 ] && grep -q "line 1" e.txt ||
    fail "bad digits file"
"$memnet" reservoir memory --network x.mnet 2> e.txt; [ $? = 2 ] || fail "--network without sets"
"$memnet" reservoir memory --wires 60 --n-inputs 40 --electrode-radius 2 2> e.txt; [ $? = 1 ] &&
    grep -q "earlier electrodes" e.txt || fail "electrodes sharing all nodes"
"$memnet" reservoir memory $net --model nosuch 2> e.txt; [ $? = 2 ] && grep -q nosuch e.txt || fail "unknown model"
"$memnet" generate nanowire --wires 300 --width 5.5 --height 5.5 --electrode a:disc:0,2,0.5 \
    --electrode b:disc:5.5,2,0.5 --out n.txt > /dev/null || fail "generate"
"$memnet" reservoir memory --network n.txt.mnet --inputs a --outputs b --steps 300 --kmax 5 \
    --washout 20 > f.kv || fail "--network with named sets"
grep -qx "features=2" f.kv || fail "one input, one output"
"$memnet" reservoir memory --network n.txt.mnet --inputs a --outputs zz 2> e.txt; [ $? = 2 ] &&
    grep -q zz e.txt || fail "unknown node set"
exit 0
