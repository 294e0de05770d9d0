#!/bin/sh
# Reproduce 003 Figs. 5, 6, 7 and S18 with memnet (docs/spiking.md).
#
#   examples/spiking-experiments/run-figures.sh BUILD_DIR OUT_DIR [SIZE [STEPS]]
#
# SIZE (pd, default 200 as in 003) and STEPS (DC runs, default 100000; 003 uses 500000).
# The pulse protocol has its own length (250 + 7 x 500 + 1750 steps). Needs Debian's
# /usr/bin/python3 with numpy and matplotlib for the figures.
set -eu
build=$1
out=$2
size=${3:-200}
steps=${4:-100000}
exp="$build/examples/spiking-experiments/spiking-experiments"
memnet="$build/tools/memnet"
plot="$(dirname "$0")/../../scripts/plot-spiking.py"
plotan="$(dirname "$0")/../../scripts/plot-analysis.py"
mkdir -p "$out"
skip=$((steps / 5)) # 003 Fig. 6: the last 400 000 of 500 000 steps

# 003's voltages (A at 2 V, mixtures at 3 V), and A:C at 1 V, where its event rate is
# comparable to that of A at 2 V with our Type A rates (docs/spiking.md)
for run in A:2 A:B:3 A:C:3 A:C:1; do
    t=${run%:*}
    v=${run##*:}
    name=$(echo "$t" | tr -d ':')
    [ "$v" = 1 ] && name=${name}1V
    "$exp" dc --size "$size" --steps "$steps" --types "$t" --voltage "$v" --out-prefix "$out/dc-$name" > "$out/dc-$name.log"
    # IEIs, fits and ACFs of the filament event log, with memnet analyze (003 Fig. 6); --skip
    # drops the transient's samples and the events of the log before the first kept sample
    "$memnet" analyze --data "$out/dc-$name.csv" --events "$out/dc-$name-events.csv" \
        --skip "$skip" --acf-bin-width 0.01 --max-lag 10000 --window 100 \
        --out-prefix "$out/an-$name" > "$out/an-$name.log"
    /usr/bin/python3 "$plotan" "$out/an-$name" --title "003 Fig. 6 style: $t" > /dev/null
done
/usr/bin/python3 "$plot" traces "$out/dc-A" "$out/dc-AB" "$out/dc-AC" "$out/dc-AC1V=A:C = 75:25" \
    -o "$out/fig5-traces.png"
/usr/bin/python3 "$plot" iei "$out/an-A=A 100%, 2 V" "$out/an-AB=A:B 75:25, 3 V" \
    "$out/an-AC=A:C 75:25, 3 V" "$out/an-AC1V=A:C 75:25, 1 V" -o "$out/fig6-iei-acf.png"

# potentiation / de-potentiation (003 Fig. 7) and a longer spacing (Fig. S18)
"$exp" pulses --size "$size" --out-prefix "$out/pulses-250" > "$out/pulses-250.log"
"$exp" pulses --size "$size" --spacing 1000 --out-prefix "$out/pulses-1000" > "$out/pulses-1000.log"
/usr/bin/python3 "$plot" pulses "$out/pulses-250=spacing 250 steps" -o "$out/fig7-pulses.png"
/usr/bin/python3 "$plot" pulses "$out/pulses-250=spacing 250 steps" \
    "$out/pulses-1000=spacing 1000 steps" -o "$out/figS18-spacing.png"
for f in "$out"/an-*.log; do
    echo "$f"
    grep -h -E '^(events|event_rate|iei_exponent|iei_exponent_err|iei_xmin|iei_tail|acf_events_lag1|acf_events_lag10|acf_events_lag100)=' "$f"
done
grep -h -E '^pulse[17]_|^rest_' "$out"/pulses-*.log
