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

for t in A A:B A:C; do
    name=$(echo "$t" | tr -d ':')
    "$exp" dc --size "$size" --steps "$steps" --types "$t" --out-prefix "$out/dc-$name" > "$out/dc-$name.log"
    # IEIs, fits and ACFs of the filament event log, with memnet analyze (003 Fig. 6)
    "$memnet" analyze --data "$out/dc-$name.csv" --events "$out/dc-$name-events.csv" \
        --skip "$skip" --acf-bin-width 0.01 --max-lag 10000 --window 100 \
        --out-prefix "$out/an-$name" > "$out/an-$name.log"
    /usr/bin/python3 "$plotan" "$out/an-$name" --title "003 Fig. 6 style: $t" > /dev/null
done
/usr/bin/python3 "$plot" traces "$out/dc-A" "$out/dc-AB" "$out/dc-AC" -o "$out/fig5-traces.png"
/usr/bin/python3 "$plot" iei "$out/an-A=A 100%" "$out/an-AB=A:B 75:25" "$out/an-AC=A:C 75:25" \
    -o "$out/fig6-iei-acf.png"

# potentiation / de-potentiation (003 Fig. 7) and a longer spacing (Fig. S18)
"$exp" pulses --size "$size" --out-prefix "$out/pulses-250" > "$out/pulses-250.log"
"$exp" pulses --size "$size" --spacing 1000 --out-prefix "$out/pulses-1000" > "$out/pulses-1000.log"
/usr/bin/python3 "$plot" pulses "$out/pulses-250=spacing 250 steps" -o "$out/fig7-pulses.png"
/usr/bin/python3 "$plot" pulses "$out/pulses-250=spacing 250 steps" \
    "$out/pulses-1000=spacing 1000 steps" -o "$out/figS18-spacing.png"
grep -h -E '^(types|events|event_rate_per_step|iei_exponent|iei_exponent_err|iei_xmin|mean_current)=' \
    "$out"/dc-*.log
grep -h -E '^pulse[17]_|^rest_' "$out"/pulses-*.log
