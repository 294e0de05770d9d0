#!/bin/sh
# memnet cb from the command line: every input and the seed are printed, --json carries the
# same results, exit codes, and Ctrl-C stops the run with what was computed (exit 130).
# Reference: S_c = alpha gamma ((Roff + Rref)/Ron - Rref^2/(Ron (Rint + Rref))), 002 eq. 11.
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
args="--n 50 --Ron 100 --Roff 1600 --Rref 1000 --Rint 300 --alpha 1 --gamma 1"

"$memnet" cb $args --S 10 --init random --seed 7 --t-end 5 > a.kv 2> /dev/null || fail "cb"
for kv in n=50 Ron=100 Roff=1600 Rref=1000 Rint=300 alpha=1 gamma=1 S=10 init=random seed=7 \
          t_end=5 dt=0.01; do
    grep -qx "$kv" a.kv || fail "input $kv not printed"
done
grep -q "^memnet_version=" a.kv || fail "no version"
awk -v s="$(sed -n 's/^S_c=//p' a.kv)" 'BEGIN { r = 26 - 1000000/(100*1300); d = s - r
    exit !(d < 1e-12 && d > -1e-12) }' || fail "S_c"
# the seed is printed for every init (it is the one --init random would use)
"$memnet" cb $args --S 10 --t-end 1 2> /dev/null | grep -qx "seed=1" || fail "default seed"

"$memnet" cb $args --S 10 --init random --seed 7 --t-end 5 --json > a.json 2> /dev/null || fail "--json"
$py "$here/kvjson.py" a.kv a.json n=int seed=int init=str S_c=float > /dev/null ||
    fail "--json differs from key=value"

# exit codes
"$memnet" cb $args > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing --S: not exit 2"
"$memnet" cb $args --S x > /dev/null 2> err; [ $? -eq 2 ] || fail "bad --S: not exit 2"
grep -q '"x"' err || fail "bad --S message: $(cat err)"
"$memnet" cb $args --S 1 --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: not exit 2"
"$memnet" cb --n 10 --Ron 100 --Roff 50 --Rref 1 --Rint 1 --alpha 1 --gamma 1 --S 1 > /dev/null 2>&1
[ $? -eq 1 ] || fail "Roff < Ron: not exit 1"

# Ctrl-C: a long run stops within a second, prints the inputs, the closed forms and where it
# stopped, and exits 130 (background jobs of sh ignore SIGINT; memnet installs its handler)
"$memnet" cb --n 300 --Ron 100 --Roff 1600 --Rref 1000 --Rint 300 --alpha 1 --gamma 1 \
    --S 18 --t-end 100000 > int.kv 2> int.err &
pid=$!
sleep 1
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "Ctrl-C: exit $rc, expected 130 ($(cat int.err))"
[ $(( $(date +%s) - start )) -le 5 ] || fail "Ctrl-C took more than 5 s"
grep -q "^S_c=" int.kv && grep -qx "seed=1" int.kv || fail "Ctrl-C lost the computed values"
t=$(sed -n 's/^t_interrupted=//p' int.kv)
awk -v t="$t" 'BEGIN { exit !(t > 0 && t < 100000) }' || fail "t_interrupted=$t"
grep -q "interrupted" int.err || fail "no message: $(cat int.err)"
echo "cb CLI tests passed"
