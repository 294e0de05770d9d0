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
# message= says how long the fit took: compared without it
grep -v '^message=' a.kv > a2.kv && mv a2.kv a.kv
$py -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j.pop("message"); json.dump(j, open(sys.argv[1], "w"))' a.json ||
    fail "--json: no message"
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
# the reproduction of the fit report: a simulated nanowire network (miranda junctions, a pulse
# then a low read voltage) fitted with the default parameter set. It must end converged, or
# with status=evaluation-limit|time-limit and a warning on stderr, with exit 0 either way; the
# fitted curve must follow the simulated G within 2 % rms relative (recomputed here from
# the curve file's G and G_fit columns), and --json must parse.
"$memnet" generate nanowire --wires 600 --length 10 --width 60 --height 60 --seed 3 \
    --out net.mn > /dev/null || fail "generate"
"$memnet" simulate --network net.mn.mnet --model miranda --source left --drain right \
    --waveform pwl:0:2,100:2,100.001:0.1,200:0.1 --t-end 200 --dt-out 1 --out sim.csv \
    > /dev/null || fail "simulate"
"$memnet" fit --data sim.csv --model miranda --out simfit.csv > s.kv 2> s.err ||
    fail "fit of the simulated network: exit $?"
st=$(sed -n 's/^status=//p' s.kv)
case "$st" in
converged) [ -s s.err ] && fail "converged but stderr: $(cat s.err)" ;;
evaluation-limit | time-limit) grep -q '^memnet fit: warning: ' s.err || fail "status=$st, no warning" ;;
*) fail "status=\"$st\"" ;;
esac
grep -q '^message=.' s.kv || fail "no message="
$py - simfit.csv <<'PY' || fail "simulated network: fit not within 2 %"
import sys, numpy as np
rows = [l.strip().split(",") for l in open(sys.argv[1]) if not l.startswith("#")]
h = rows[0]
d = np.array(rows[1:], dtype=float)
G, Gf = d[:, h.index("G")], d[:, h.index("G_fit")]
r = np.sqrt(np.mean(((Gf - G) / G) ** 2))
print("rms relative", r)
sys.exit(0 if r < 0.02 else 1)
PY
# a held parameter has sigma 0; held and fitted parameters are those of the default set
for p in $(sed -n 's/_held=1$//p' s.kv); do
    grep -q "^${p}_sigma=0$" s.kv || fail "$p held but sigma not 0"
done
grep -q '^# fit=G_min,chi,k_p,k_d,eta_p,eta_d$' simfit.csv || fail "default set not in provenance"
"$memnet" fit --data sim.csv --model miranda --out simfit.csv --json > s.json 2> /dev/null ||
    fail "fit --json"
$py - s.kv s.json <<'PY' || fail "--json of the fit status"
import json, sys
kv = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
assert j["status"] == kv["status"] and isinstance(j["message"], str) and j["message"], j
for k, v in kv.items():
    if k.endswith("_held"):
        assert j[k] == 1, k
assert set(j) == set(kv), set(j) ^ set(kv)
PY
# a budget too small to converge: best fit, status and warning, exit 0
"$memnet" fit --data sim.csv --model miranda --max-evals 10 --out e.csv > e.kv 2> e.err ||
    fail "--max-evals 10: exit $?"
grep -q '^status=evaluation-limit$' e.kv || fail "--max-evals 10: $(grep status e.kv)"
grep -q '^memnet fit: warning: stopped by the evaluation limit' e.err || fail "no warning: $(cat e.err)"
# --drive current = --set drive=0; --no-auto-fix holds nothing
"$memnet" fit --data sim.csv --model miranda --drive current --no-auto-fix --no-auto-start \
    --max-evals 200 --out d.csv > d.kv 2> /dev/null || fail "--drive current"
grep -q '^param.drive=0$' d.kv || fail "--drive current: $(grep drive d.kv)"
grep -q '_held=1$' d.kv && fail "--no-auto-fix held a parameter"
"$memnet" fit --data sim.csv --model miranda --drive ac > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad --drive: not 2"
"$memnet" fit --data sim.csv --model miranda --max-evals 3 > /dev/null 2>&1; [ $? -eq 2 ] || fail "--max-evals 3: not 2"
"$memnet" fit --data sim.csv --model miranda --max-seconds -1 > /dev/null 2>&1; [ $? -eq 2 ] || fail "--max-seconds -1: not 2"
echo "fit CLI tests passed"
