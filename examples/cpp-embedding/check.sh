#!/bin/sh
# Runs the C++ example and checks G_eff of a 20 x 10 unit lattice against the closed form
# 10/19 (recomputed here), that G_eff(t) of the memristor lattice grows under 1 V, and that a
# bad parameter arrives as an exception carrying memnet's message.
set -eu
exe=$1
out=$("$exe" 20 10) || { echo "FAIL: example failed"; exit 1; }
echo "$out" | awk -F= '/^G_eff=/ { g = $2 } END { d = g - 10 / 19; if (d < 0) d = -d; exit !(d < 1e-12) }' ||
    { echo "FAIL: G_eff is not 10/19"; echo "$out"; exit 1; }
echo "$out" | awk -F, '$1 ~ /^[0-9]/ && NF == 2 { if (n && !($2 > prev)) bad = 1; prev = $2; n++ }
    END { exit !(n == 6 && !bad) }' || { echo "FAIL: G_eff(t) does not grow"; echo "$out"; exit 1; }
echo "$out" | grep -q '^caught=MN_ERR_RANGE: .*kP0' || { echo "FAIL: no exception with the message"; exit 1; }
echo "cpp-embedding example: ok"
