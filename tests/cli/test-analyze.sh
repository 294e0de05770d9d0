#!/bin/sh
# memnet analyze: planted events in a CSV series are found; the IEI exponent, the histograms
# and the event ACF agree with an independent numpy reference; bad options are named.
set -eu
memnet=$1
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$py" -c 'import numpy' 2>/dev/null || { echo "numpy missing: skip"; exit 77; }

# A conductance trace that jumps at 3000 event times whose intervals are Pareto(alpha = 2.3,
# x_min = 0.01); samples on a 1 ms grid plus one sample at each event time, small noise.
"$py" - "$tmp/run.csv" "$tmp/ref.txt" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(2024)
alpha, xmin, m = 2.3, 0.01, 3000
iei = xmin * (1 - rng.random(m - 1)) ** (-1 / (alpha - 1))
ev = np.concatenate([[0.05], 0.05 + np.cumsum(iei)])
T = ev[-1] + 0.05
grid = np.arange(0, T, 1e-3)
t = np.union1d(grid, ev)
idx = np.searchsorted(t, ev)
steps = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)   # alternate formation / breaking
jumps = np.zeros(t.size)
jumps[idx] = steps
G = 1e-3 + np.cumsum(jumps) + 1e-6 * rng.standard_normal(t.size)
with open(sys.argv[1], "w") as f:
    f.write("# provenance line\nt,V,I,G\n")
    for ti, gi in zip(t, G):
        f.write("%.12g,2,%.12g,%.12g\n" % (ti, 2 * gi, gi))
with open(sys.argv[2], "w") as f:
    f.write("%d %.17g\n" % (m, np.mean(np.diff(ev))))
PY
read nev mean_iei < "$tmp/ref.txt"

out=$("$memnet" analyze --data "$tmp/run.csv" --column G --threshold 0.5 \
      --out-prefix "$tmp/a") || fail "analyze failed"
echo "$out" | grep -qx "events=$nev" || fail "events: $(echo "$out" | grep events=) != $nev"
for k in events iei_exponent iei_exponent_err iei_xmin acf_events_lag1 avalanches event_rate; do
    echo "$out" | grep -q "^$k=" || fail "missing $k="
done
for f in iei-lin iei-log acf-events acf-signal avalanches avalanche-sizes events moving; do
    [ -s "$tmp/a-$f.csv" ] || fail "missing a-$f.csv"
done
# provenance: every file starts with '# key=value' lines (version, command line, inputs)
ver=$("$memnet" info | sed -n 's/^memnet_version=//p')
for f in summary.txt iei-lin.csv iei-log.csv acf-events.csv acf-signal.csv avalanches.csv \
         avalanche-sizes.csv events.csv moving.csv; do
    head -n 1 "$tmp/a-$f" | grep -qx "# memnet_version=$ver" || fail "a-$f: no version line first"
    grep -q "^# command=memnet analyze --data $tmp/run.csv --column G --threshold 0.5" "$tmp/a-$f" &&
        grep -qx "# threshold=0.5" "$tmp/a-$f" && grep -qx "# bins=40" "$tmp/a-$f" ||
        fail "a-$f: command line or parameters missing"
done
# --json: the same keys and values as one object
"$memnet" analyze --data "$tmp/run.csv" --column G --threshold 0.5 --out-prefix "$tmp/j" \
    --json > "$tmp/j.json" || fail "--json"
echo "$out" | sed "s|$tmp/a|$tmp/j|" > "$tmp/a.kv"
"$py" "$(dirname "$0")/kvjson.py" "$tmp/a.kv" "$tmp/j.json" events=int iei_exponent=float \
    data=str > /dev/null || fail "--json differs from key=value"
# Ctrl-C during a long bootstrap: exit 130 within seconds, the files written before the fit
# complete, the results printed so far kept
"$memnet" analyze --data "$tmp/run.csv" --column G --threshold 0.5 --bootstrap 1000000 \
    --out-prefix "$tmp/k" > "$tmp/k.kv" 2> "$tmp/k.err" &
pid=$!
sleep 2
kill -INT $pid
set +e
wait $pid
st=$?
set -e
[ $st -eq 130 ] || fail "Ctrl-C during --bootstrap: exit $st, expected 130 ($(cat "$tmp/k.err"))"
grep -qx "events=$nev" "$tmp/k.kv" && grep -qx "events=$nev" "$tmp/k-summary.txt" ||
    fail "Ctrl-C lost the results computed before the fit"
[ "$(grep -vc '^#' "$tmp/k-events.csv")" -eq $((nev + 1)) ] || fail "Ctrl-C: events.csv incomplete"
# ... and with --json the object printed so far is closed: valid JSON
"$memnet" analyze --data "$tmp/run.csv" --column G --threshold 0.5 --bootstrap 1000000 \
    --out-prefix "$tmp/k" --json > "$tmp/k.json" 2> "$tmp/k.err" &
pid=$!
sleep 2
kill -INT $pid
set +e
wait $pid
st=$?
set -e
[ $st -eq 130 ] || fail "Ctrl-C during --bootstrap --json: exit $st"
"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["events"] == int(sys.argv[2])' \
    "$tmp/k.json" "$nev" || fail "Ctrl-C with --json: invalid JSON $(cat "$tmp/k.json")"
# the same by column index (G is column 4) and the default threshold (noise 1e-6 << jumps)
out2=$("$memnet" analyze --data "$tmp/run.csv" --column 4 --out-prefix "$tmp/b") || fail "index"
echo "$out2" | grep -qx "events=$nev" || fail "auto threshold: $(echo "$out2" | grep events=)"

# the same events from an event log (times only, as the stepper's switching log): identical fit
grep -v '^#' "$tmp/a-events.csv" |
    awk -F, 'NR == 1 { print "step,t" } NR > 1 { print NR - 1 "," $1 }' > "$tmp/log.csv"
out3=$("$memnet" analyze --events "$tmp/log.csv" --out-prefix "$tmp/c") || fail "--events"
echo "$out3" | grep -qx "events=$nev" || fail "event log: $(echo "$out3" | grep events=)"
for k in iei_exponent iei_xmin iei_count; do
    [ "$(echo "$out" | grep "^$k=")" = "$(echo "$out3" | grep "^$k=")" ] ||
        fail "event log vs detection: $k differs"
done

# --skip with --events: the events of the log before the first kept sample are dropped with the
# skipped rows. Reference: numpy counts the log's times >= t of data row 20001 and divides by
# the kept time span.
out5=$("$memnet" analyze --data "$tmp/run.csv" --column G --events "$tmp/log.csv" --skip 20000 \
       --out-prefix "$tmp/s") || fail "--events --skip"
"$py" - "$tmp/run.csv" "$tmp/log.csv" "$out5" <<'PY' || fail "--events --skip: $(echo "$out5" | grep event)"
import sys, numpy as np
def rows(p):
    return [l for l in open(p) if not l.startswith("#")][1:]
t = np.array([float(l.split(",")[0]) for l in rows(sys.argv[1])])[20000:]
ev = np.array([float(l.split(",")[1]) for l in rows(sys.argv[2])])
kv = dict(l.split("=", 1) for l in sys.argv[3].splitlines())
n = int(np.sum(ev >= t[0]))
assert 0 < n < ev.size, n
assert int(kv["events"]) == n, (kv["events"], n)
assert int(kv["skipped_events"]) == ev.size - n, kv["skipped_events"]
rate = n / (t[-1] - t[0])
assert abs(float(kv["event_rate"]) / rate - 1) < 1e-8, (kv["event_rate"], rate)
PY
printf 't\n1\n3\n2\n' > "$tmp/declog.csv"

# discrete fit: an event log in time steps whose intervals are Zipf(2.5) (numpy's generator)
"$py" -c '
import sys, numpy as np
g = np.random.default_rng(77).zipf(2.5, 4000)
t = np.cumsum(g) * 2e-3          # steps of 2 ms
with open(sys.argv[1], "w") as f:
    f.write("t\n" + "".join("%.6f\n" % v for v in t))
' "$tmp/zipf.csv"
out4=$("$memnet" analyze --events "$tmp/zipf.csv" --discrete 0.002 --out-prefix "$tmp/z") ||
    fail "--discrete"
echo "$out4" | grep -qx "iei_fit=discrete" || fail "iei_fit"
"$py" - "$tmp/z-summary.txt" <<'PY' || fail "discrete fit"
import sys
kv = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if not l.startswith("#"))
a, se = float(kv["iei_exponent"]), float(kv["iei_exponent_err"])
assert abs(a - 2.5) < 4 * se, (a, se)
assert float(kv["iei_xmin"]) >= 0.002 - 1e-12, kv["iei_xmin"]
PY

"$py" - "$tmp" "$mean_iei" <<'PY' || fail "reference comparison"
import sys, numpy as np
d, mean_iei = sys.argv[1], float(sys.argv[2])
kv = dict(l.strip().split("=", 1) for l in open(d + "/a-summary.txt") if not l.startswith("#"))
def rows(p):  # data rows of a memnet CSV: skip the '# key=value' provenance lines and the header
    return [l for l in open(p) if not l.startswith("#")][1:]
a, se = float(kv["iei_exponent"]), float(kv["iei_exponent_err"])
assert abs(a - 2.3) < 3 * se, (a, se)
assert 0.005 < float(kv["iei_xmin"]) < 0.05, kv["iei_xmin"]
ev = np.loadtxt(rows(d + "/a-events.csv"), delimiter=",")
iei = np.diff(ev[:, 0])
assert abs(float(kv["iei_mean"]) - mean_iei) < 1e-7 * mean_iei, (kv["iei_mean"], mean_iei)
# histograms: numpy with the same edges
for name in ("iei-lin", "iei-log"):
    h = np.loadtxt(rows(d + "/a-%s.csv" % name), delimiter=",")
    edges = np.append(h[:, 0], h[-1, 1])
    dens, _ = np.histogram(iei, bins=edges, density=True)
    assert np.allclose(h[:, 4], dens, rtol=1e-9, atol=0), name
    assert abs(np.sum(h[:, 4] * np.diff(edges)) - 1) < 1e-12
# event ACF: bins of the mean sample spacing from t0 = first sample time (0), numpy sums
w = float(kv["acf_bin_width"]); nb = int(kv["acf_bins"])
c = np.zeros(nb)
k = np.floor(ev[:, 0] / w).astype(int)
np.add.at(c, k[k < nb], 1)
x = c - c.mean()
acf = np.loadtxt(rows(d + "/a-acf-events.csv"), delimiter=",")
K = int(acf[-1, 0])
ref = np.array([np.dot(x[: nb - j], x[j:]) for j in range(K + 1)]) / np.dot(x, x)
assert np.max(np.abs(acf[:, 2] - ref)) < 1e-10, np.max(np.abs(acf[:, 2] - ref))
# avalanches: bins of the mean IEI, runs of non-empty bins bounded by empty ones
w = float(kv["bin_width"]); nb = int(kv["bins"])
assert abs(w - mean_iei) < 1e-7 * mean_iei
c = np.zeros(nb)
k = np.floor(ev[:, 0] / w).astype(int)
np.add.at(c, k[k < nb], 1)
av = np.loadtxt(rows(d + "/a-avalanches.csv"), delimiter=",", ndmin=2)
runs, i = [], 0
while i < nb:
    if c[i] == 0: i += 1; continue
    s = i
    while i < nb and c[i] > 0: i += 1
    if s > 0 and i < nb: runs.append((c[s:i].sum(), i - s))
assert len(runs) == av.shape[0] == int(kv["avalanches"]), (len(runs), av.shape)
assert np.allclose(av[:, 1], [r[0] for r in runs]) and np.allclose(av[:, 2], [r[1] for r in runs])
PY

# bad input: each error names the option or value, exit status 2 (usage) or 1 (run)
check_err() { # expected-status needle args...
    want=$1; needle=$2; shift 2
    set +e
    "$memnet" analyze "$@" > /dev/null 2> "$tmp/err"
    st=$?
    set -e
    [ "$st" = "$want" ] || fail "analyze $*: status $st, expected $want ($(cat "$tmp/err"))"
    grep -q -- "$needle" "$tmp/err" || fail "analyze $*: message '$(cat "$tmp/err")' lacks '$needle'"
}
check_err 2 "--threshold -1" --data "$tmp/run.csv" --threshold -1
check_err 1 "--discrete 0.0007: interval 0 = .* not a whole number" --events "$tmp/zipf.csv" --discrete 0.0007 --out-prefix "$tmp/n"
check_err 2 "--discrete -1" --events "$tmp/zipf.csv" --discrete -1
check_err 1 "times\[2\] = 2 is less than times\[1\] = 3" --events "$tmp/declog.csv" --out-prefix "$tmp/n"
check_err 1 "--event-column time: no such column" --events "$tmp/declog.csv" --event-column time
check_err 2 "--threshold" --data "$tmp/run.csv" --threshold abc
check_err 2 "--data FILE.csv (or --events LOG.csv) is required" --threshold 1
check_err 2 "unknown option \"--bogus\"" --data "$tmp/run.csv" --bogus
check_err 2 "--direction sideways" --data "$tmp/run.csv" --direction sideways
check_err 2 "--bins" --data "$tmp/run.csv" --bins 0
check_err 1 "--column Q: no such column" --data "$tmp/run.csv" --column Q
check_err 1 "--column 9: column index out of range" --data "$tmp/run.csv" --column 9
check_err 1 "nope.csv" --data "$tmp/nope.csv"
printf 't,I\n0,1\n1,2\n2,nan\n3,4\n' > "$tmp/nan.csv"
check_err 1 "x\[2\] = nan" --data "$tmp/nan.csv" --out-prefix "$tmp/n"
printf 't,I\n0,1\n1,x2\n' > "$tmp/txt.csv"
check_err 1 "txt.csv:3: column I: \"x2\" is not a number" --data "$tmp/txt.csv" --out-prefix "$tmp/n"
printf 't,I\n0,1\n1,2\n1,3\n' > "$tmp/dup.csv"
check_err 1 "t\[2\] = 1 is not greater than t\[1\] = 1" --data "$tmp/dup.csv" --out-prefix "$tmp/n"
printf 't,I\n' > "$tmp/empty.csv"
check_err 1 "no data rows" --data "$tmp/empty.csv" --out-prefix "$tmp/n"
"$memnet" analyze --help | grep -q -- "--out-prefix" || fail "--help"
# the plotting script draws a PNG from these files (when matplotlib is installed)
if "$py" -c 'import matplotlib' 2>/dev/null && [ -n "${MEMNET_SOURCE_ROOT:-}" ]; then
    "$py" "$MEMNET_SOURCE_ROOT/scripts/plot-analysis.py" "$tmp/a" -o "$tmp/a.png" > /dev/null ||
        fail "plot-analysis.py"
    [ "$(head -c 8 "$tmp/a.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] ||
        fail "plot-analysis.py did not write a PNG"
fi
echo "analyze tests passed"
