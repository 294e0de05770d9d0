#!/bin/sh
# memnet solve from the command line: node-set names resolve like node lists, --json carries
# the key=value results, the CSVs carry provenance, exit codes 0/1/2.
# Reference: an nx x ny square lattice of 1 S edges between its first and last column has
# G_eff = ny/(nx - 1) (ny parallel chains of nx - 1 series edges; the rungs carry no current).
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"

"$memnet" generate lattice --kind square --nx 6 --ny 4 --out lat.txt > gen.kv || fail "generate"
src=$(sed -n 's/^source=//p' gen.kv)
drn=$(sed -n 's/^drain=//p' gen.kv)
[ "$src" = "0,6,12,18" ] || fail "left column is $src"

# a node-set name, the same set as a list, and --source-set all give the same result
"$memnet" solve --network lat.txt.mnet --source left --drain right > a.kv || fail "set names"
"$memnet" solve --network lat.txt.mnet --source "$src" --drain "$drn" > b.kv || fail "node lists"
"$memnet" solve --network lat.txt.mnet --source-set left --drain right > c.kv || fail "--source-set"
for f in b.kv c.kv; do
    [ "$(grep -v seconds a.kv)" = "$(grep -v seconds $f)" ] || fail "$f differs from the set names"
done
g=$(sed -n 's/^G_eff=//p' a.kv)
awk -v g="$g" 'BEGIN { d = g - 4/5; exit !(d < 1e-12 && d > -1e-12) }' || fail "G_eff $g, expected 0.8"
grep -qx "source_nodes=4" a.kv || fail "source_nodes"

# --json: one object with the same keys and values
"$memnet" solve --network lat.txt.mnet --source left --drain right --json > a.json || fail "--json"
$py - <<'PY' || fail "--json vs key=value"
import json
kv = dict(l.rstrip("\n").split("=", 1) for l in open("a.kv"))
js = json.load(open("a.json"))
assert list(js) == list(kv), (list(js), list(kv))
for k, v in kv.items():
    if k == "solve_seconds":
        assert isinstance(js[k], float)
    elif isinstance(js[k], str):
        assert js[k] == v, k
    else:
        assert float(v) == js[k] and not isinstance(js[k], bool), (k, v, js[k])
assert isinstance(js["nodes"], int) and js["ordering"] == "amd"
assert abs(js["G_eff"] - 0.8) < 1e-12
PY

# provenance at the top of both CSVs; the data below still parse
"$memnet" solve --network lat.txt.mnet --source left --drain right --voltage 2 \
    --node-out n.csv --edge-out e.csv > /dev/null || fail "--node-out"
for f in n.csv e.csv; do
    head -n 1 $f | grep -q "^# memnet_version=$("$memnet" info | sed -n 's/^memnet_version=//p')$" ||
        fail "$f: no version line first"
    grep -q '^# command=memnet solve --network lat.txt.mnet --source left --drain right --voltage 2 --node-out n.csv --edge-out e.csv$' $f ||
        fail "$f: no command line"
    grep -q '^# voltage=2$' $f && grep -q '^# network=lat.txt.mnet$' $f && grep -q '^# G_eff=0.8' $f ||
        fail "$f: parameters missing"
done
$py - <<'PY' || fail "CSV data"
import csv
rows = list(csv.DictReader(l for l in open("n.csv") if not l.startswith("#")))
assert len(rows) == 24
# potentials fall linearly from 2 V (column 0) to 0 V (column 5)
for r in rows:
    col = int(r["node"]) % 6
    assert abs(float(r["phi"]) - 2 * (1 - col / 5)) < 1e-12, r
PY

# exit codes: 2 for usage errors, 1 for errors in the run; the message names the value
check_err() { # code needle args...
    code=$1 needle=$2
    shift 2
    "$memnet" solve "$@" > /dev/null 2> err.txt
    rc=$?
    [ $rc -eq "$code" ] || fail "solve $*: exit $rc, expected $code"
    grep -q -- "$needle" err.txt || fail "solve $*: message $(cat err.txt)"
}
check_err 2 "--bogus" --bogus
check_err 2 "option --network needs a value" --network
check_err 2 "--voltage" --network lat.txt.mnet --source left --drain right --voltage abc
check_err 2 "--source" --network lat.txt.mnet --drain right
check_err 2 '"middle"' --network lat.txt.mnet --source middle --drain right
check_err 2 "node 99" --network lat.txt.mnet --source 99 --drain right
check_err 1 "nosuch.txt" --network nosuch.txt --source 0 --drain 1
"$memnet" solve --network lat.txt.mnet --source left > /dev/null 2>&1
[ $? -eq 2 ] || fail "missing --drain is not exit 2"
echo "solve CLI tests passed"
