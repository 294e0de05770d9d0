#!/bin/sh
# memnet simulate --mix (mixed networks, 003 A:B / A:C): assignment counts, per-model
# parameters (--set NAME.P=V) and per-model mean states against 003 eq 9, reproducibility
# of --mix-seed, a mixed nanoparticle run with filament events, and bad input.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$memnet" simulate --help | grep -q -- "--mix NAME:F" || fail "--help does not list --mix"

# four junctions in parallel between nodes 0 and 1: two miranda, two resistors of 0.5 S.
# Every junction sees V, so mean_miranda_g = g(t) of 003 eq 9 and I = V (2 * 0.5 + 2 G(g)).
printf '0 1\n0 1\n0 1\n0 1\n' > "$tmp/par.txt"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:50,resistor:50 --mix-seed 7 \
    --set resistor.G=0.5 --set miranda.kP0=1e-3 --set etaP=8 --source 0 --drain 1 \
    --waveform dc:0.4 --t-end 40 --dt-out 4 --integrator exact --dt 0.5 \
    --out "$tmp/par.csv" > "$tmp/par.out" || fail "parallel run failed"
grep -q '^mix.miranda.edges=2$' "$tmp/par.out" || fail "not 2 miranda edges"
grep -q '^mix.resistor.edges=2$' "$tmp/par.out" || fail "not 2 resistor edges"
grep -q '^# mix=miranda:50,resistor:50$' "$tmp/par.csv" || fail "no mix provenance"
grep -q '^# param.resistor.G=0.5$' "$tmp/par.csv" || fail "resistor.G not recorded"
grep -q '^# param.miranda.k_p=0.001$' "$tmp/par.csv" || fail "miranda.k_p (kP0) not recorded"
grep -q '^# param.miranda.eta_p=8$' "$tmp/par.csv" || fail "plain etaP=8 did not reach miranda"
grep -q '^t,V,I,G,mean_miranda_g$' "$tmp/par.csv" || fail "header is not t,V,I,G,mean_miranda_g"
awk -F, '!/^#/ && $1 != "t" {
    V = 0.4; kP = 1e-3 * exp(8 * V); kD = 5e-2 * exp(-10 * V); gi = kP / (kP + kD);
    g = gi * (1 - exp(-(kP + kD) * $1)); G = 1e-2 + (1 - 1e-2) * g; I = V * (1 + 2 * G);
    d = $5 - g; if (d < 0) d = -d; if (d > 1e-12) { print "t=" $1 " g=" $5 " expected " g; bad = 1 }
    d = ($3 - I) / I; if (d < 0) d = -d; if (d > 1e-10) { print "t=" $1 " I=" $3 " expected " I; bad = 1 }
    n++ }
    END { if (n != 11) { print n " rows, expected 11"; bad = 1 } exit bad }' "$tmp/par.csv" ||
    fail "mixed parallel network does not match 003 eq 9"

# A:C = 75:25 on a percolating nanoparticle film (003 sec. 5.1), fixed steps as in 003
"$memnet" generate nanoparticle --width 24 --height 24 --seed 2 --out "$tmp/pnn.txt" > "$tmp/gen.out" ||
    fail "generate failed"
E=$(sed -n 's/^edges=//p' "$tmp/gen.out")
run() {
    "$memnet" simulate --network "$tmp/pnn.txt.mnet" --mix filament:75,miranda:25 --mix-seed "$1" \
        --set filament.rw=100 --set miranda.Gmin=0 --source left --drain right --waveform dc:2 \
        --t-end 2 --dt-out 0.01 --integrator exact --dt 0.01 --out "$tmp/$2.csv" \
        --events-out "$tmp/$2-ev.csv" --quiet > "$tmp/$2.out" || fail "nanoparticle run $2 failed"
}
run 3 a
run 3 b
run 4 c
nA=$(sed -n 's/^mix.filament.edges=//p' "$tmp/a.out")
nC=$(sed -n 's/^mix.miranda.edges=//p' "$tmp/a.out")
# exactly round(0.75 E) filaments, the rest miranda (mn_network_assign_fractions)
exp=$(awk -v e="$E" 'BEGIN { x = 0.75 * e; r = int(x + 0.5); print r }')
[ "$nA" = "$exp" ] || fail "$nA filament edges of $E, expected $exp"
[ $((nA + nC)) = "$E" ] || fail "$nA + $nC edges, expected $E"
ev=$(sed -n 's/^events=//p' "$tmp/a.out")
[ "$ev" -gt 10 ] || fail "only $ev filament events at 2 V"
[ $(($(wc -l < "$tmp/a-ev.csv") - 1)) = "$ev" ] || fail "event log has not $ev rows"
grep -q '^t,V,I,G,mean_filament_d,mean_filament_w,mean_filament_bridged,mean_miranda_g$' "$tmp/a.csv" ||
    fail "mixed header: $(grep '^t,' "$tmp/a.csv")"
grep -v '^#' "$tmp/a.csv" > "$tmp/a.rows"
grep -v '^#' "$tmp/b.csv" > "$tmp/b.rows"
cmp -s "$tmp/a.rows" "$tmp/b.rows" || fail "the same --mix-seed gave different runs"
grep -v '^#' "$tmp/c.csv" > "$tmp/c.rows"
! cmp -s "$tmp/a.rows" "$tmp/c.rows" || fail "another --mix-seed gave the same run"
# mean bridged fraction stays in [0, 1] and the Type C state in [0, 1]
awk -F, '!/^#/ && $1 != "t" { if ($7 < 0 || $7 > 1 || $8 < 0 || $8 > 1) { print; bad = 1 } } END { exit bad }' \
    "$tmp/a.csv" || fail "mean states out of range"

# bad input: exit 2 for usage errors, 1 for bad values; messages name the value
set +e
"$memnet" simulate --network "$tmp/par.txt" --mix miranda --source 0 --drain 1 --waveform dc:1 \
    --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 2 ] && grep -q '"miranda" is not NAME:FRACTION' "$tmp/err" || fail "bad --mix not refused: $(cat "$tmp/err")"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:1,miranda:2 --source 0 --drain 1 --waveform dc:1 \
    --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 2 ] && grep -q 'model miranda given twice' "$tmp/err" || fail "duplicate model not refused"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:-1,resistor:1 --source 0 --drain 1 --waveform dc:1 \
    --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 2 ] && grep -q 'fraction "-1" of miranda' "$tmp/err" || fail "negative fraction not refused"
"$memnet" simulate --network "$tmp/par.txt" --model miranda --mix miranda:1 --source 0 --drain 1 \
    --waveform dc:1 --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 2 ] && grep -q 'exclude each other' "$tmp/err" || fail "--model with --mix not refused"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:1,resistor:1 --set hillock.mu=1 --source 0 \
    --drain 1 --waveform dc:1 --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 1 ] && grep -q 'no model "hillock"' "$tmp/err" || fail "--set of an absent model not refused"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:1,resistor:1 --set nope=1 --source 0 \
    --drain 1 --waveform dc:1 --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 1 ] && grep -q 'nope=1: no model of the mix' "$tmp/err" || fail "unknown parameter not refused"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:1,resistor:1 --set miranda.kP0=-1 --source 0 \
    --drain 1 --waveform dc:1 --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 1 ] && grep -q 'k_p (alias kP0) = -1' "$tmp/err" || fail "out-of-range parameter not refused"
"$memnet" simulate --network "$tmp/par.txt" --mix miranda:1,nosuch:1 --source 0 \
    --drain 1 --waveform dc:1 --t-end 1 --dt-out 1 --out "$tmp/x.csv" 2> "$tmp/err" > /dev/null
[ $? = 2 ] && grep -q 'unknown model "nosuch"' "$tmp/err" || fail "unknown model not refused with exit 2"
set -e
echo "ok"
