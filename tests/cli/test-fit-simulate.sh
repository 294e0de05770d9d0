#!/bin/sh
# `memnet fit` prints the network model with the same physics (simulate_args=) in the parameter
# names `memnet simulate --set` takes: simulating one junction with those arguments must give
# the fitted curve G_fit back (exact up to the integrators' tolerances: G = G_min (1 + chi g)
# = G_min + (G_max - G_min) g, 000 eq. (1) and 003 eq. (10), with the same rates, 003 eq. (8)).
# The data come from `memnet simulate` with the spellings of 003 Table 1 (kP0, Gmin, ...), which
# are aliases of the canonical names the fit prints (k_p, G_min, ...).
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
printf '0 1\n' > one.txt
# V switches just before a sample, so the fit's zero-order hold of V is the simulated protocol
w=pwl:0:0.5,99.9999:0.5,100:0.1,200:0.1
"$memnet" simulate --network one.txt --model miranda --source 0 --drain 1 --set kP0=2e-3 \
    --set kD0=4e-2 --set etaP=3 --set etaD=2 --set Gmin=1e-3 --set Gmax=2.1e-2 --waveform $w \
    --t-end 200 --dt-out 1 --rtol 1e-9 --atol 1e-14 --out sim.csv > /dev/null || fail "simulate"
grep -q '^# param.k_p=0.002$' sim.csv || fail "kP0 did not set k_p"
grep -q '^# param.G_max=0.0210*1$' sim.csv || fail "Gmax did not set G_max"
"$memnet" fit --data sim.csv --model miranda --out fit.csv > fit.kv 2> fit.err || fail "fit"
args=$(sed -n 's/^simulate_args=//p' fit.kv)
[ -n "$args" ] || fail "no simulate_args= line"
grep -q '^simulate_mapping=.*G_max = G_min (1 + chi)' fit.kv || fail "no simulate_mapping= line"
# every fitted miranda parameter appears under the same name in simulate_args
for p in G_min k_p k_d eta_p eta_d; do
    v=$(sed -n "s/^$p=//p" fit.kv)
    echo "$args" | grep -q -- "--set $p=$v " || fail "$p=$v not passed on unchanged: $args"
done
# shellcheck disable=SC2086
"$memnet" simulate --network one.txt --source 0 --drain 1 $args --waveform $w --t-end 200 \
    --dt-out 1 --rtol 1e-9 --atol 1e-14 --out resim.csv > /dev/null || fail "simulate with simulate_args"
grep -v '^#' fit.csv > a.csv
grep -v '^#' resim.csv > b.csv
# columns: t,V,G,G_fit,residual (fit.csv) then t,V,I,G,mean_g (resim.csv)
paste -d, a.csv b.csv | awk -F, '
    NR == 1 { if ($4 != "G_fit" || $9 != "G") exit 2; next }
    $1 != $6 { exit 3 }
    { d = ($9 - $4) / $4; if (d < 0) d = -d; if (d > m) m = d; n++ }
    END { printf "max relative difference G_fit vs re-simulated G: %.3g over %d samples\n", m, n;
          exit !(n == 201 && m < 1e-5) }' || fail "re-simulation does not reproduce the fit"
echo "fit -> simulate round trip ok"
