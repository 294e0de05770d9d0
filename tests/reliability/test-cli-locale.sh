#!/bin/sh
# The commands write and read numbers with '.' whatever the process locale (issue 14): under
# de_DE.UTF-8, set by a preloaded library's setlocale() before main (locale-preload.c), every
# CSV row keeps its header's field count, every key=value number has a '.', and the files one
# command writes are read back by the next.
set -eu
memnet=$1
preload=$2
probe=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    echo "the de_DE.UTF-8 locale is not installed (scripts/deps installs it)"
    exit 77
fi
# under ASan the preloaded module comes before the sanitizer runtime: allow it
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
de() { LC_ALL=de_DE.UTF-8 LD_PRELOAD="$preload" "$@"; }
# the control: a program that leaves the locale alone prints a decimal comma under the preload
[ "$(de "$probe")" = "0,5" ] || fail "the preload did not switch to de_DE (control printed $(de "$probe"))"

# key=value results: equal to the same command's in the C locale (wall times aside)
kv_check() {
    what=$1
    shift
    "$@" > "$tmp/c.out" 2> "$tmp/c.err" || fail "$what in the C locale: $(cat "$tmp/c.err")"
    grep -v 'seconds\|wall\|^out=' "$tmp/c.out" > "$tmp/c.kv"
    grep -v 'seconds\|wall\|^out=' "$tmp/de.out" > "$tmp/de.kv"
    cmp -s "$tmp/c.kv" "$tmp/de.kv" || { diff "$tmp/c.kv" "$tmp/de.kv" | head -5; fail "$what: output differs under de_DE"; }
}
# CSV: every data row has as many fields as the header (a decimal comma adds fields)
csv_check() {
    awk -F, -v what="$2" '
        /^#/ { next }
        !h { n = NF; h = 1; next }
        NF != n { printf "FAIL: %s: row %d has %d fields, the header %d: %s\n", what, NR, NF, n, $0; bad = 1; exit }
        END { exit bad }' "$1" || exit 1
}

de "$memnet" generate nanowire --wires 60 --width 3 --height 3 --seed 2 --out "$tmp/nw.txt" > "$tmp/de.out" 2> "$tmp/err" ||
    fail "generate: $(cat "$tmp/err")"
cp "$tmp/nw.txt" "$tmp/nw-de.txt"; cp "$tmp/nw.txt.mnet" "$tmp/nw-de.mnet"
kv_check generate "$memnet" generate nanowire --wires 60 --width 3 --height 3 --seed 2 --out "$tmp/nw.txt"
cmp -s "$tmp/nw.txt" "$tmp/nw-de.txt" && cmp -s "$tmp/nw.txt.mnet" "$tmp/nw-de.mnet" || fail "generate: the network file differs under de_DE"
de "$memnet" solve --network "$tmp/nw.txt.mnet" --source left --drain right --voltage 0.5 > "$tmp/de.out" 2> "$tmp/err" ||
    fail "solve (reading the network it wrote, --voltage 0.5): $(cat "$tmp/err")"
kv_check solve "$memnet" solve --network "$tmp/nw.txt.mnet" --source left --drain right --voltage 0.5
sim="--network $tmp/nw.txt.mnet --model miranda --waveform pulse:2:0.5:1.5:0:0.5:0.1 --dt-out 0.25"
de "$memnet" simulate $sim --t-end 2 --out "$tmp/sim.csv" --checkpoint "$tmp/cp" > "$tmp/de.out" 2> "$tmp/err" ||
    fail "simulate: $(cat "$tmp/err")"
csv_check "$tmp/sim.csv" "simulate --out"
grep -q '^0\.25,' "$tmp/sim.csv" || fail "simulate: no row at t = 0.25 written as 0.25"
kv_check "simulate statistics" "$memnet" simulate $sim --t-end 2 --out "$tmp/sim-c.csv" --checkpoint "$tmp/cp-c"
cmp -s "$tmp/cp" "$tmp/cp-c" || fail "simulate: the checkpoint differs under de_DE"
de "$memnet" simulate $sim --t-end 3.5 --out "$tmp/sim.csv" --restart "$tmp/cp" > /dev/null 2> "$tmp/err" ||
    fail "simulate --restart (reading its CSV and checkpoint): $(cat "$tmp/err")"
csv_check "$tmp/sim.csv" "simulate --out after --restart"
printf '0 1 0.05\n' > "$tmp/fil.txt"
de "$memnet" simulate --network "$tmp/fil.txt" --length-column 1 --model filament --source 0 --drain 1 \
    --waveform dc:3 --t-end 10 --dt-out 2.5 --out "$tmp/f.csv" --events-out "$tmp/ev.csv" > /dev/null 2> "$tmp/err" ||
    fail "simulate (filament): $(cat "$tmp/err")"
csv_check "$tmp/ev.csv" "simulate --events-out"
[ "$(wc -l < "$tmp/ev.csv")" -gt 1 ] || fail "no events in the filament run"
# a series with jumps at irregular times (written here, in the C locale)
awk 'BEGIN { print "t,I"; x = 0.5; r = 7; for (i = 0; i < 400; i++) { r = (r * 1103 + 12345) % 65536; if (r % 5 == 0) x += 0.25 + (r % 7) / 8; print i * 0.5 "," x } }' > "$tmp/series.csv"
de "$memnet" analyze --data "$tmp/series.csv" --column I --out-prefix "$tmp/an-de" > "$tmp/de.out" 2> "$tmp/err" ||
    fail "analyze: $(cat "$tmp/err")"
kv_check analyze "$memnet" analyze --data "$tmp/series.csv" --column I --out-prefix "$tmp/an-de"
for f in "$tmp"/an-de*.csv; do csv_check "$f" "analyze $(basename "$f")"; done
cb="--n 4 --Ron 100 --Roff 16000 --Rref 100 --Rint 100 --alpha 1 --gamma 1 --S 50 --t-end 2.5 --quiet"
de "$memnet" cb $cb > "$tmp/de.out" 2> "$tmp/err" || fail "cb: $(cat "$tmp/err")"
kv_check cb "$memnet" cb $cb
de "$memnet" meanfield --network "$tmp/nw.txt.mnet" --source left --drain right > "$tmp/de.out" 2> "$tmp/err" || fail "meanfield: $(cat "$tmp/err")"
kv_check meanfield "$memnet" meanfield --network "$tmp/nw.txt.mnet" --source left --drain right
de "$memnet" potential --model linear --set chi=0.6 --v-min 0.1 --v-max 1.5 > "$tmp/de.out" 2> "$tmp/err" || fail "potential: $(cat "$tmp/err")"
kv_check potential "$memnet" potential --model linear --set chi=0.6 --v-min 0.1 --v-max 1.5
echo ok
