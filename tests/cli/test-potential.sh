#!/bin/sh
# memnet potential from the command line: provenance at the top of its three CSVs, --json,
# --param as an alias of --set, exit codes.
# Reference: the linear model's upper fold (000 eq. 15) v_fold2 = alpha/(4 chi k), read from
# the --json output (the other closed forms are checked in tests/meanfield/cli-potential.sh).
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
a="--model linear --set chi=0.8 --set alpha=1.3 --param k=0.7 --v-min 0 --v-max 1 --steps 20"
"$memnet" potential $a > a.kv || fail "potential"
grep -qx "param.k=0.7" a.kv || fail "--param k=0.7 not applied"
"$memnet" potential $a --json > a.json || fail "--json"
$py "$here/kvjson.py" a.kv a.json order=str v_fold2=float potential_file=str > /dev/null ||
    fail "--json differs from key=value"
$py -c 'import json; d = json.load(open("a.json")); assert abs(d["v_fold2"] - 1.3/(4*0.8*0.7)) < 1e-9' ||
    fail "v_fold2"
for f in potential.csv equilibria.csv sweep.csv; do
    head -n 1 $f | grep -q '^# memnet_version=' || fail "$f: no provenance"
    grep -q '^# command=memnet potential --model linear' $f || fail "$f: no command line"
    grep -q '^# param.chi=0.80000000000000004$' $f && grep -q '^# v_max=1$' $f ||
        fail "$f: parameters missing"
done
[ "$(grep -v '^#' sweep.csv | wc -l)" -eq 22 ] || fail "sweep rows"
"$memnet" potential --model linear --v-min 0 --v-max x > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad number: not 2"
"$memnet" potential --model linear --v-min 0 --v-max 1 --set chi > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --set: not 2"
"$memnet" potential --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: not 2"
# beyond the double range (miranda, default parameters: |V| overflows above ~72.9 V, see
# meanfield.h): a warning naming the voltage, the run stops at the last voltage that fits and
# writes everything up to it, exit 0. Reference: the same command limited to that voltage
# (nothing overflows) gives the same rows; a range starting above it fails (exit 1).
"$memnet" potential --model miranda --v-min 0 --v-max 100 --steps 100 --points 21 --out p1.csv \
    --equilibria-out e1.csv --sweep-out s1.csv > t.kv 2> t.err || fail "overflow: exit $?"
grep -q '^memnet potential: warning: potential at v = 73,.*double range.*stopping at v = 72 ' t.err ||
    fail "overflow warning: $(cat t.err)"
grep -qx 'v_last=72' t.kv && grep -qx 'truncated=1' t.kv && grep -qx 'voltages=73' t.kv ||
    fail "overflow: $(cat t.kv)"
"$memnet" potential --model miranda --v-min 0 --v-max 72 --steps 72 --points 21 --out p2.csv \
    --equilibria-out e2.csv --sweep-out s2.csv > u.kv 2> u.err || fail "0..72 V: exit $?"
[ -s u.err ] && fail "0..72 V warned: $(cat u.err)"
grep -qx 'truncated=0' u.kv || fail "0..72 V: truncated"
for f in p e s; do
    grep -v '^#' ${f}1.csv > a.rows; grep -v '^#' ${f}2.csv > b.rows
    cmp -s a.rows b.rows || fail "${f}: truncated rows differ from the run over [0, 72] V"
done
[ "$(grep -v '^#' p1.csv | wc -l)" -eq $((73 * 21 + 1)) ] || fail "potential rows"
grep -qx '# truncated_at_v=72' p1.csv || fail "no truncated_at_v in the provenance"
for k in order v_threshold v_fold1 v_fold2; do
    [ "$(grep "^$k=" t.kv)" = "$(grep "^$k=" u.kv)" ] || fail "$k differs from the [0, 72] V run"
done
"$memnet" potential --model miranda --v-min 80 --v-max 100 --steps 10 > /dev/null 2>&1
[ $? -eq 1 ] || fail "nothing fits: not 1"
echo "potential CLI tests passed"
