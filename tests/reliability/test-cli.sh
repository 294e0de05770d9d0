#!/bin/sh
# memnet command line under faults (issue 14): SIGKILL then --restart, SIGTERM, checkpoint
# targets that are not regular files, full disks (/dev/full), absurd sizes and steps refused
# with their limits, and messages that name the bad value.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# expect failure (non-zero exit) and a message containing $1; the command follows
refuse() {
    needle=$1
    shift
    if "$@" > "$tmp/out" 2> "$tmp/err"; then fail "accepted: $*"; fi
    grep -qF -- "$needle" "$tmp/err" || fail "message for '$*' lacks \"$needle\": $(cat "$tmp/err")"
}

printf '0 1\n1 2\n0 2\n2 3\n1 3\n' > "$tmp/net.txt"
common="--network $tmp/net.txt --model miranda --source 0 --drain 3 --waveform pulse:2:3:7:0:1:0.1 --dt-out 0.5 --init random:0:0.3 --seed 5"

# ---- restart after a kill: rows after the checkpoint and a row cut mid-way are removed, so the
# restarted CSV equals the uninterrupted run bit for bit
# (a checkpoint restarts the integrator: the reference saves one at t = 10 as well)
"$memnet" simulate $common --t-end 20 --checkpoint "$tmp/cpr" --checkpoint-every 10 --out "$tmp/ref.csv" > /dev/null ||
    fail "reference run"
"$memnet" simulate $common --t-end 10 --checkpoint "$tmp/cp" --out "$tmp/k.csv" > /dev/null || fail "run to 10"
# what SIGKILL leaves: rows the checkpoint does not cover and half a row (stdio buffer boundary)
grep -v '^#' "$tmp/ref.csv" | awk -F, '$1 > 10 && $1 <= 13' >> "$tmp/k.csv"
printf '13.5,2,0.00123' >> "$tmp/k.csv"
"$memnet" simulate $common --t-end 20 --restart "$tmp/cp" --out "$tmp/k.csv" > /dev/null || fail "restart"
grep -v '^#' "$tmp/ref.csv" > "$tmp/ref.rows"
grep -v '^#' "$tmp/k.csv" > "$tmp/k.rows"
cmp -s "$tmp/ref.rows" "$tmp/k.rows" || { diff "$tmp/ref.rows" "$tmp/k.rows" | head; fail "restart after a kill differs"; }
# a CSV that lacks rows the checkpoint covers is refused, naming both times
grep -v '^#' "$tmp/ref.csv" | awk -F, '$1 == "t" || $1 <= 4' > "$tmp/short.csv"
refuse "the checkpoint is at t = 10" "$memnet" simulate $common --t-end 20 --restart "$tmp/cp" --out "$tmp/short.csv"

# ---- --events-out on --restart: the events up to the checkpoint are kept, those the killed
# run logged after it and a row cut mid-way are removed: the log equals the uninterrupted run's
printf '0 1 0.05\n' > "$tmp/fil1.txt"
fil="--network $tmp/fil1.txt --length-column 1 --model filament --source 0 --drain 1 --waveform dc:3 --dt-out 1"
"$memnet" simulate $fil --t-end 20 --checkpoint "$tmp/fcpr" --checkpoint-every 10 --out "$tmp/fref.csv" \
    --events-out "$tmp/evref.csv" > /dev/null || fail "filament reference run"
"$memnet" simulate $fil --t-end 10 --checkpoint "$tmp/fcp" --out "$tmp/fk.csv" --events-out "$tmp/evk.csv" > /dev/null ||
    fail "filament run to 10"
nbefore=$(awk -F, 'NR > 1 && $1 <= 10' "$tmp/evref.csv" | wc -l)
nafter=$(awk -F, 'NR > 1 && $1 > 10' "$tmp/evref.csv" | wc -l)
[ "$nbefore" -ge 2 ] && [ "$nafter" -ge 2 ] || fail "events before/after t = 10: $nbefore/$nafter, need 2 each"
awk -F, 'NR > 1 && $1 > 10 && $1 <= 15' "$tmp/evref.csv" >> "$tmp/evk.csv"
printf '16.2,0,fo' >> "$tmp/evk.csv"
cp "$tmp/evk.csv" "$tmp/evk-short.csv"
"$memnet" simulate $fil --t-end 20 --restart "$tmp/fcp" --out "$tmp/fk.csv" --events-out "$tmp/evk.csv" > /dev/null ||
    fail "filament restart"
cmp -s "$tmp/evref.csv" "$tmp/evk.csv" || { diff "$tmp/evref.csv" "$tmp/evk.csv" | head; fail "event log after a restart differs"; }
# an event log that lacks events the checkpoint counts is refused, naming both counts
awk 'NR <= 2' "$tmp/evref.csv" > "$tmp/evk-short.csv"
grep -v '^#' "$tmp/fref.csv" | awk -F, '$1 == "t" || $1 <= 10' > "$tmp/fk2.csv"
refuse "the checkpoint counts $nbefore" "$memnet" simulate $fil --t-end 20 --restart "$tmp/fcp" --out "$tmp/fk2.csv" \
    --events-out "$tmp/evk-short.csv"

# ---- a real SIGKILL during a run with periodic checkpoints: the restart completes, every row
# is whole, the times increase strictly and the rows equal the uninterrupted run's
long="--network $tmp/net.txt --model miranda --source 0 --drain 3 --waveform sine:1:0.5 --init 0.1 --integrator euler --dt 1e-5 --dt-out 0.01"
"$memnet" simulate $long --t-end 3 --checkpoint "$tmp/lcpr" --checkpoint-every 0.05 --out "$tmp/lref.csv" > /dev/null ||
    fail "long reference"
"$memnet" simulate $long --t-end 3 --checkpoint "$tmp/lcp" --checkpoint-every 0.05 --out "$tmp/l.csv" > /dev/null 2>&1 &
pid=$!
# kill as soon as the first checkpoint exists (a fixed sleep let an unloaded machine finish
# the whole run first, and the restart then rightly refused t_end = the checkpoint's time)
i=0
while [ ! -s "$tmp/lcp" ] && [ $i -lt 400 ] && kill -0 $pid 2> /dev/null; do
    sleep 0.025
    i=$((i + 1))
done
kill -KILL $pid 2> /dev/null || true
krc=0
wait $pid 2> /dev/null || krc=$?
# (on a fast machine the run may have finished before the kill: nothing to restart then)
if [ "$krc" -ne 0 ] && [ -f "$tmp/lcp" ]; then
    "$memnet" simulate $long --t-end 3 --restart "$tmp/lcp" --checkpoint "$tmp/lcp" --checkpoint-every 0.05 \
        --out "$tmp/l.csv" > /dev/null || fail "restart after SIGKILL"
    grep -v '^#' "$tmp/lref.csv" > "$tmp/lref.rows"
    grep -v '^#' "$tmp/l.csv" > "$tmp/l.rows"
    cmp -s "$tmp/lref.rows" "$tmp/l.rows" || { diff "$tmp/lref.rows" "$tmp/l.rows" | head -4; fail "SIGKILL + restart differs from the uninterrupted run"; }
fi

# ---- SIGTERM stops like Ctrl-C: exit 128 + 15, status reported, checkpoint written, whole rows
"$memnet" simulate $long --t-end 1e5 --checkpoint "$tmp/tcp" --out "$tmp/t.csv" > "$tmp/t.out" 2> "$tmp/t.err" &
pid=$!
sleep 1
kill -TERM $pid
rc=0
wait $pid || rc=$?
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, expected 143"
grep -q '^status=interrupted' "$tmp/t.out" || fail "SIGTERM: no status=interrupted"
grep -q 'SIGTERM' "$tmp/t.err" || fail "SIGTERM: not named: $(cat "$tmp/t.err")"
[ -s "$tmp/tcp" ] || fail "SIGTERM: no checkpoint"
[ "$(tail -c 1 "$tmp/t.csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "SIGTERM: last row cut"

# ---- checkpoint targets: a device node, a FIFO and a symlink are refused before the run
refuse "not a regular file" "$memnet" simulate $common --t-end 1 --checkpoint /dev/null --out "$tmp/x.csv"
[ -c /dev/null ] || fail "/dev/null was replaced"
mkfifo "$tmp/fifo"
refuse "not a regular file" "$memnet" simulate $common --t-end 1 --checkpoint "$tmp/fifo" --out "$tmp/x.csv"
[ -p "$tmp/fifo" ] || fail "the FIFO was replaced"
ln -s "$tmp/elsewhere" "$tmp/link"
refuse "not a regular file" "$memnet" simulate $common --t-end 1 --checkpoint "$tmp/link" --out "$tmp/x.csv"
[ -L "$tmp/link" ] || fail "the symlink was replaced"

# ---- full disk: results on stdout, the CSV, the event log
if [ -w /dev/full ]; then
    refuse "standard output failed" sh -c "\"$memnet\" solve --network $tmp/net.txt --source 0 --drain 3 > /dev/full"
    refuse "failed" "$memnet" simulate $common --t-end 5 --out /dev/full
    printf '0 1 0.05\n' > "$tmp/fil.txt"
    refuse "event CSV" "$memnet" simulate --network "$tmp/fil.txt" --length-column 1 --model filament \
        --source 0 --drain 1 --waveform dc:1 --t-end 10 --dt-out 1 --out "$tmp/f.csv" --events-out /dev/full
fi

# ---- explicit Euler above its stability limit (lambda = -(k_p + k_d) = -200: limit 0.01 s):
# counted and warned about; a step below the limit is not
printf '0 1\n' > "$tmp/one.txt"
stiff="--network $tmp/one.txt --model miranda --set k_p=100 --set k_d=100 --set eta_p=0 --set eta_d=0 --source 0 --drain 1 --waveform dc:1 --integrator euler --t-end 1 --dt-out 0.5 --out $tmp/e.csv"
"$memnet" simulate $stiff --dt 0.025 > "$tmp/e.out" 2> "$tmp/e.err" || fail "stiff Euler run"
grep -q '^unstable_steps=40$' "$tmp/e.out" || fail "stiff Euler: $(grep unstable "$tmp/e.out"), expected 40"
grep -q '^stable_step_estimate=0.01$' "$tmp/e.out" || fail "stiff Euler: no limit 0.01"
grep -q 'warning: 40 of 40 explicit Euler steps were unstable' "$tmp/e.err" || fail "stiff Euler: no warning: $(cat "$tmp/e.err")"
"$memnet" simulate $stiff --dt 0.002 > "$tmp/e.out" 2> "$tmp/e.err" || fail "stable Euler run"
grep -q '^unstable_steps=0$' "$tmp/e.out" || fail "stable Euler: $(grep unstable "$tmp/e.out")"
[ ! -s "$tmp/e.err" ] || fail "stable Euler warned: $(cat "$tmp/e.err")"

# ---- absurd steps and sample intervals: refused at once, naming the limit
refuse "below the time resolution" "$memnet" simulate $common --t-end 1 --dt-out 1e-300 --out "$tmp/x.csv"
refuse "below the time resolution" "$memnet" simulate $common --t-end 1 --integrator euler --dt 1e-300 --out "$tmp/x.csv"
refuse "below the time resolution" "$memnet" simulate $common --t-end 1 --max-step 1e-300 --out "$tmp/x.csv"
refuse "limit 1e+09" "$memnet" simulate $common --t-end 1e3 --dt-out 1e-7 --out "$tmp/x.csv"
refuse "limit 100, mn_sim_set_max_steps / --max-steps" "$memnet" simulate $common --t-end 1 --integrator euler --dt 1e-3 \
    --max-steps 100 --out "$tmp/x.csv"
refuse "--max-steps: 0 must be >= 1" "$memnet" simulate $common --t-end 1 --max-steps 0 --out "$tmp/x.csv"

# ---- declared sizes never drive allocation
printf '0 9999999\n' > "$tmp/big.txt"
refuse "limit" "$memnet" solve --network "$tmp/big.txt" --source 0 --drain 9999999
refuse "node 2147483647 does not exist" "$memnet" solve --network "$tmp/net.txt" --source 0-2147483647 --drain 3
refuse "beyond the edge limit" "$memnet" generate nanowire --wires 1000000 --width 1 --height 1 --out "$tmp/nw.txt"
printf 't,I\n0,1\n1,2\n' > "$tmp/a.csv"
refuse "at most 1000000 bins" "$memnet" analyze --data "$tmp/a.csv" --bins 200000000

# ---- messages name the value
refuse "NaN" "$memnet" simulate $common --t-end nan --out "$tmp/x.csv"
mkdir "$tmp/dir"
refuse "is a directory" "$memnet" simulate --config "$tmp/dir"
printf '0 9223372036854775808\n' > "$tmp/id.txt"
refuse "too large" "$memnet" solve --network "$tmp/id.txt" --source 0 --drain 1
printf '\357\273\277network = %s\n' "$tmp/net.txt" > "$tmp/bom.conf"
"$memnet" solve --config "$tmp/bom.conf" --source 0 --drain 3 > "$tmp/out" 2> "$tmp/err" ||
    fail "a run file with a byte order mark: $(cat "$tmp/err")"
# ---- wrong answers that exited 0: conductances whose sums and products overflow are refused;
# below the limit the series formula G/2 holds
printf '0 1 1e308\n1 2 1e308\n' > "$tmp/g.txt"
refuse "exceeds the limit 1e+150 S" "$memnet" solve --network "$tmp/g.txt" --source 0 --drain 2 --conductance-column 1
printf '0 1 1e150\n1 2 1e150\n' > "$tmp/g.txt"
"$memnet" solve --network "$tmp/g.txt" --source 0 --drain 2 --conductance-column 1 > "$tmp/out" || fail "1e150 S in series"
grep -q '^G_eff=5e+149$' "$tmp/out" || fail "1e150 S in series: $(grep G_eff "$tmp/out"), expected 5e+149"
# a NUL byte inside a number is refused by the CSV reader of analyze
printf 't,I\n0,1\n1,3\0005\n' > "$tmp/nul.csv"
refuse "NUL byte" "$memnet" analyze --data "$tmp/nul.csv"
echo "ok"
