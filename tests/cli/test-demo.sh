#!/bin/sh
# The demo (scripts/demo-run) on a small network: it runs, prints the table with sane numbers,
# and writes the CSV files (and the PNG when matplotlib is there). Independent checks: the
# simulated G(t) rises during the 2 V pulse and relaxes during the 0.1 V read (000 Fig. 2a),
# during the read every junction relaxes with a rate between the closed-form bounds of 003 eq. 8,
# G(t) - G_inf is one exponential to within 3 %, and the fit error printed is recomputed from
# G and G_fit in fit.csv.
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

# quantitative physics of G(t) (numpy): Ohm's law I = G V; during the 2 V pulse G rises
# monotonically; during the 0.1 V read G - G_inf (G_inf by Aitken's delta^2 on three equally
# spaced samples) is one exponential, log-linear to within 3 %, with a rate between the slowest
# and fastest single-junction rates of 003 eq. 8 for the default miranda parameters (kP0 5e-4,
# kD0 5e-2, etaP = etaD = 10 /V) at junction voltages 0 <= |v| <= 0.1 V (no junction sees more
# than the applied read voltage): kP0 + kD0 e^{-1} <= lambda <= kP0 e^{1} + kD0
/usr/bin/python3 - "$tmp/demo/simulation.csv" <<'PY' || fail "G(t) physics check"
import sys, numpy as np
d = np.genfromtxt((l for l in open(sys.argv[1]) if not l.startswith('#')), delimiter=',', names=True)
t, V, I, G = d['t'], d['V'], d['I'], d['G']
assert np.allclose(I, G * V, rtol=1e-12, atol=0), "I != G V"
pulse = t <= 100
assert np.all(V[t < 100] == 2) and np.all(V[t > 100] == 0.1), "protocol"
assert np.all(np.diff(G[pulse]) > 0), "G not monotone during the pulse"
read = t > 100.5
k = np.nonzero(read)[0]
i0, i2 = k[0], k[-1] - (k[-1] - k[0]) % 2
i1 = (i0 + i2) // 2
Ginf = (G[i0] * G[i2] - G[i1] ** 2) / (G[i0] + G[i2] - 2 * G[i1])
assert np.all(G[read] > Ginf), "G below its asymptote"
y = np.log(G[read] - Ginf)
A = np.vstack([np.ones(read.sum()), t[read]]).T
c, *_ = np.linalg.lstsq(A, y, rcond=None)
dev = np.abs(A @ c - y).max()
lam = -c[1]
lo, hi = 5e-4 + 5e-2 * np.exp(-1.0), 5e-4 * np.exp(1.0) + 5e-2
print("read decay: G_inf %.5g, rate %.4g /s in [%.4g, %.4g], max log deviation %.3g" % (Ginf, lam, lo, hi, dev))
assert dev < 0.03, "read decay not a single exponential: %g" % dev
assert lo <= lam <= hi, "decay rate %g outside [%g, %g]" % (lam, lo, hi)
PY

# the printed fit error is the relative rms of (G - G_fit)/G from columns 3 and 4 of fit.csv
# (not the code's own residual column), and it is small
printed=$(sed -n 's/^  fit error (rms, relative) *\([0-9.e+-]*\) %.*/\1/p' "$tmp/out.txt")
[ -n "$printed" ] || fail "no fit error number"
awk -F, -v p="$printed" '!/^#/ && $1 != "t" { r = ($3 - $4) / $3; s += r * r; n++ }
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
