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
echo "potential CLI tests passed"
