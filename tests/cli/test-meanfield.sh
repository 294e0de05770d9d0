#!/bin/sh
# memnet meanfield from the command line: node-set names, --set (and its alias --param),
# --json, the provenance of --diag-out, exit codes.
# Reference: for a uniform network (every g = g0) <g> = g0 exactly (000 eq. 25 is a weighted
# mean), and G_eff of an nx x ny square lattice of conductances 1 + chi g0 is
# (1 + chi g0) ny/(nx - 1).
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
"$memnet" generate lattice --kind square --nx 5 --ny 3 --out lat.txt > gen.kv || fail "generate"
src=$(sed -n 's/^source=//p' gen.kv)
drn=$(sed -n 's/^drain=//p' gen.kv)

"$memnet" meanfield --network lat.txt.mnet --source left --drain right --init 0.25 --chi 3 \
    --junction miranda --set kP0=2e-4 --diag-out d.csv > a.kv || fail "set names"
"$memnet" meanfield --network lat.txt.mnet --source "$src" --drain "$drn" --init 0.25 --chi 3 \
    --junction miranda --param kP0=2e-4 > b.kv || fail "lists and --param"
[ "$(cat a.kv)" = "$(cat b.kv)" ] || fail "node-set names / --param give other results"
grep -q '^eff.model=' a.kv || fail "no effective model"
"$memnet" meanfield --network lat.txt.mnet --source left --drain right --init 0.25 --chi 3 \
    --junction miranda > c.kv || fail "default kP0"
[ "$(cat a.kv)" != "$(cat c.kv)" ] || fail "--set kP0 had no effect"
awk -v g="$(sed -n 's/^g_mean=//p' a.kv)" -v G="$(sed -n 's/^G_eff=//p' a.kv)" 'BEGIN {
    d = g - 0.25; e = G - 1.75 * 3 / 4
    exit !(d < 1e-12 && d > -1e-12 && e < 1e-12 && e > -1e-12) }' || fail "g_mean or G_eff"

"$memnet" meanfield --network lat.txt.mnet --source left --drain right --init 0.25 --chi 3 \
    --junction miranda --set kP0=2e-4 --json > a.json || fail "--json"
$py "$here/kvjson.py" a.kv a.json nodes=int G_eff=float eff.model=str > /dev/null ||
    fail "--json differs from key=value"

head -n 1 d.csv | grep -q '^# memnet_version=' || fail "diag-out: no provenance"
grep -q '^# source=left$' d.csv && grep -q '^# chi=3$' d.csv && grep -q '^# seed=1$' d.csv ||
    fail "diag-out: parameters missing"
[ "$(grep -v '^#' d.csv | head -n 1)" = "edge,Omega_vec,Omega_diag,Omega_diag_err" ] || fail "diag header"

check() { # code needle args...
    code=$1 needle=$2
    shift 2
    "$memnet" meanfield "$@" > /dev/null 2> err
    rc=$?
    [ $rc -eq "$code" ] || fail "meanfield $*: exit $rc, expected $code"
    grep -q -- "$needle" err || fail "meanfield $*: message $(cat err)"
}
check 2 '"middle"' --network lat.txt.mnet --source middle --drain right
check 2 "node 40" --network lat.txt.mnet --source 40 --drain right
check 2 '"kP0"' --network lat.txt.mnet --source left --drain right --junction miranda --set kP0
check 2 "--chi" --network lat.txt.mnet --source left --drain right --chi abc
check 1 "nosuch" --network nosuch.txt --source 0 --drain 1
echo "meanfield CLI tests passed"
