#!/bin/sh
# Runs the example on a small film and checks: the Type A network spikes (filaments form and
# break), every filament that broke had formed (breakings <= formations <= breakings + gaps),
# the event log file has one line per event, and the mean inter-event interval printed equals
# (t_last - t_first)/(events - 1) recomputed from the log; the current stays finite and positive.
set -eu
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out" 2>/dev/null; exit 1; }
"$exe" 40 30 "$tmp/np" > "$tmp/out" || fail "example failed"
kv() { sed -n "s/^$1=//p" "$tmp/out"; }
gaps=$(kv gaps)
for l in a b; do
    ev=$(kv $l.events); fo=$(kv $l.formations); br=$(kv $l.breakings)
    [ "$ev" -gt 2 ] || fail "network $l: only $ev events"
    [ "$br" -le "$fo" ] && [ "$fo" -le $((br + gaps)) ] || fail "network $l: $fo formations, $br breakings"
    [ "$(grep -vc '^#\|^t' "$tmp/np-$l-events.csv")" = "$ev" ] || fail "network $l: event log length"
    awk -F, -v m="$(kv $l.iei_mean)" -v n="$ev" '!/^#/ && $1 != "t" { if (!s) { f = $1; s = 1 } l = $1 }
        END { r = (l - f) / (n - 1); d = r - m; if (d < 0) d = -d; exit !(d <= 1e-6 * r) }' \
        "$tmp/np-$l-events.csv" || fail "network $l: mean IEI does not match the event log"
    awk -v a="$(kv $l.current_min)" -v b="$(kv $l.current_max)" 'BEGIN { exit !(a > 0 && b >= a && b < 1e6) }' ||
        fail "network $l: current range"
done
echo "nanoparticle-spiking example: ok ($(kv a.events) and $(kv b.events) events)"
