#!/bin/sh
# The demo (scripts/demo-run) on a small network: it runs, prints the table with sane numbers,
# and writes the CSV files (and the PNG when matplotlib is there). Independent checks: the
# simulated G(t) rises during the 2 V pulse and relaxes during the 0.1 V read (000 Fig. 2a),
# and the fit error printed is the rms of the residual column of fit.csv recomputed here.
set -eu
memnet=$1
src=${MEMNET_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in generate simulate fit; do
    "$memnet" "$c" --help >/dev/null 2>&1 || { echo "SKIP: memnet has no $c command in this build"; exit 77; }
done
fail() { echo "FAIL: $*"; [ -f "$tmp/out.txt" ] && cat "$tmp/out.txt"; exit 1; }

MEMNET="$memnet" MEMNET_DEMO_DIR="$tmp/demo" MEMNET_DEMO_WIRES=1500 \
    sh "$src/scripts/demo-run" > "$tmp/out.txt" 2> "$tmp/err.txt" || fail "demo-run failed: $(cat "$tmp/err.txt")"

for key in "network" "protocol" "simulation run time" "fitted chi" "fitted k_p" "fitted k_d" \
           "fitted eta_p" "fitted eta_d" "fit error (rms, relative)" "total run time"; do
    grep -q "^  $key " "$tmp/out.txt" || fail "table has no row '$key'"
done
grep -q "^  network .*1500 Ag nanowires" "$tmp/out.txt" || fail "network row does not give the size"
for f in simulation.csv fit.csv network.txt network.txt.mnet; do
    [ -s "$tmp/demo/$f" ] || fail "demo did not write $f"
    grep -q "$tmp/demo/" "$tmp/out.txt" || fail "demo does not say where the files are"
done
grep -q '^# memnet_version=' "$tmp/demo/simulation.csv" || fail "simulation.csv has no provenance"

# G rises under 2 V (t < 100) and falls during the read (t > 100)
awk -F, '!/^#/ && $1 != "t" { G[$1 + 0] = $4 }
         END { if (!(G[99] > 1.5 * G[0] && G[200] < G[100] && G[0] > 0)) {
                   printf "G(0)=%g G(99)=%g G(100)=%g G(200)=%g\n", G[0], G[99], G[100], G[200]; exit 1 } }' \
    "$tmp/demo/simulation.csv" || fail "G(t) is not the pulse response of 000 Fig. 2a"

# the printed fit error is the relative rms of the residuals in fit.csv, and it is small
printed=$(sed -n 's/^  fit error (rms, relative) *\([0-9.e+-]*\) %.*/\1/p' "$tmp/out.txt")
[ -n "$printed" ] || fail "no fit error number"
awk -F, -v p="$printed" '!/^#/ && $1 != "t" { r = $5 / $3; s += r * r; n++ }
    END { rms = 100 * sqrt(s / n); d = rms - p; if (d < 0) d = -d
          if (!(d <= 0.01 * rms + 0.002 && rms < 2)) { printf "rms %g%% vs printed %g%%\n", rms, p; exit 1 } }' \
    "$tmp/demo/fit.csv" || fail "fit error printed does not match fit.csv or is too large"

if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    [ -s "$tmp/demo/demo.png" ] || fail "no PNG although matplotlib is installed"
    head -c 8 "$tmp/demo/demo.png" | od -c | grep -q 'P   N   G' || fail "demo.png is not a PNG"
fi
# the phase-diagram script on `memnet potential` output (when the command is built)
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && "$memnet" potential --help >/dev/null 2>&1; then
    "$memnet" potential --model miranda --v-min 0 --v-max 40 --steps 40 --points 101 \
        --out "$tmp/pot.csv" --equilibria-out "$tmp/eq.csv" --sweep-out "$tmp/sw.csv" > "$tmp/pot.txt" ||
        fail "memnet potential failed"
    /usr/bin/python3 "$src/scripts/plot-phase.py" "$tmp/pot.csv" "$tmp/eq.csv" "$tmp/sw.csv" \
        --info "$tmp/pot.txt" --output "$tmp/phase.png" > /dev/null 2>&1 || fail "plot-phase.py failed"
    head -c 8 "$tmp/phase.png" | od -c | grep -q 'P   N   G' || fail "phase.png is not a PNG"
fi
echo "demo test passed"
