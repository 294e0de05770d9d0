#!/bin/sh
# Runs the example on its defaults and checks the output is the 000 Fig. 2a response: G rises
# under 2 V and relaxes under the 0.1 V read, the fitted parameters are positive with
# finite errors smaller than their values,
# and the printed rms equals the rms of (G_fit - G)/G recomputed from the CSV it wrote.
set -eu
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out" 2>/dev/null; exit 1; }
"$exe" 3000 1 "$tmp/fit.csv" > "$tmp/out" || fail "example failed"
kv() { sed -n "s/^$1=//p" "$tmp/out"; }
awk -v a="$(kv G_start)" -v b="$(kv G_end_of_pulse)" -v c="$(kv G_end)" \
    'BEGIN { exit !(a > 0 && b > 1.5 * a && c < b && c > a) }' || fail "not a pulse response"
# every parameter positive and determined by the data (finite 1-sigma below the value)
for p in chi k_p k_d eta_p eta_d; do
    awk -v x="$(kv $p)" -v s="$(kv ${p}_sigma)" 'BEGIN { exit !(x + 0 > 0 && s + 0 >= 0 && s + 0 < x + 0) }' ||
        fail "$p=$(kv $p) +- $(kv ${p}_sigma)"
done
awk -F, -v p="$(kv rms_relative)" '!/^#/ && $1 != "t" { r = ($4 - $3) / $3; s += r * r; n++ }
    END { rms = sqrt(s / n); d = rms - p; if (d < 0) d = -d
          exit !(n == 201 && d <= 1e-6 + 1e-3 * rms && rms < 0.02) }' "$tmp/fit.csv" ||
    fail "rms in the output does not match the CSV, or the fit is poor"
echo "nanowire-pulse example: ok ($(kv junctions) junctions, rms $(kv rms_relative))"
