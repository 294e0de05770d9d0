#!/bin/sh
# memnet fit from the command line: provenance of its CSVs, --json, --param as an alias of
# --set, exit codes. (The fitted numbers against scipy: tests/meanfield/cli-fit.sh.)
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
# data: G(t) of the miranda model integrated by scipy (the reference of tests/meanfield)
ref="${MEMNET_SOURCE_ROOT:-$here/../..}/tests/meanfield/fit-reference.py"
if ! $py -c 'import scipy' 2>/dev/null; then echo "SKIP: no scipy"; exit 77; fi
$py "$ref" data.csv 3 || fail "reference data"
# provenance-commented input is accepted
{ echo "# memnet_version=0.0.0"; cat data.csv; } > data2.csv
a="--model miranda --fit G_min,chi,k_p,k_d,eta_p --set eta_d=3 --set G_min=1.3e-3 --set chi=14
   --set k_p=1.5e-3 --set k_d=3.5e-2 --set eta_p=2.5"
"$memnet" fit --data data2.csv $a --out curve.csv --predict data.csv --predict-out p.csv > a.kv ||
    fail "fit"
grep -q '^# predict=data.csv$' p.csv && head -n 1 p.csv | grep -q '^# memnet_version=' ||
    fail "p.csv: no provenance"
[ "$(grep -v '^#' p.csv | head -n 1)" = "t,V,G_pred" ] || fail "p.csv header"
"$memnet" fit --data data2.csv $(echo "$a" | sed 's/--set/--param/g') --out curve.csv \
    --predict data.csv --predict-out p.csv --json > a.json ||
    fail "fit --param --json"
$py "$here/kvjson.py" a.kv a.json rms=float dof=int model=str curve_file=str > /dev/null ||
    fail "--json (with --param) differs from key=value (with --set)"
head -n 1 curve.csv | grep -q '^# memnet_version=' || fail "curve.csv: no provenance"
grep -q '^# data=data2.csv$' curve.csv && grep -q '^# fit=G_min,chi,k_p,k_d,eta_p$' curve.csv ||
    fail "curve.csv: inputs missing"
# the fitted parameters in the provenance are those printed
k=$(sed -n 's/^k_p=//p' a.kv)
pk=$(sed -n 's/^# param.k_p=//p' curve.csv)
awk -v a="$k" -v b="$pk" 'BEGIN { d = a/b - 1; exit !(d < 1e-9 && d > -1e-9) }' || fail "param.k_p $pk vs $k"
[ "$(grep -v '^#' curve.csv | head -n 1)" = "t,V,G,G_fit,residual" ] || fail "header"
"$memnet" fit --data data.csv --model miranda --set k_p > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --set: not 2"
"$memnet" fit --data data.csv > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing --model: not 2"
"$memnet" fit --data nosuch.csv --model miranda > /dev/null 2>&1; [ $? -eq 1 ] || fail "missing file: not 1"
echo "fit CLI tests passed"
