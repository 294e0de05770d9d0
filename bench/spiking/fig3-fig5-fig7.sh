#!/bin/sh
# 003 Figs. 3, 5 and 7 against the step length dt and the Type A rates (issue 15 item 10;
# tables in docs/spiking.md). Voronoi neighbour rule, seed 1, fixed steps.
#   bench/spiking/fig3-fig5-fig7.sh BUILD OUT [fig3|fig5|fig7|fig7-800|fig7-control|fig7-lead|
#                                              fig3-800|fig5-dt ...]
# Environment: DTS (step lengths of fig7-800, fig7-control, fig7-lead, fig3-800; default as below), SEED
# (network and mix seed of fig7-800, fig7-control, 1), DT (step of fig5-dt, 0.01), SIZE
# (fig5-dt, fig7-lead: 200, fig7-control: 800), LEAD (fig7-lead: seconds at 1.25 V before the
# first pulse, 300), VMAXS (fig3-800: triangle peaks, "2 9").
# CPU on the shared 2-core machine: fig3 ~1.5 min, fig7 ~1 min, fig5 ~4 min, fig7-800
# ~2.5 min per dt (seven pulses, 5 500 steps at ~23 ms), fig3-800 ~1 min per dt and voltage;
# run under nice. Every run prints its CPU (user + sys) from /usr/bin/time.
set -eu
build=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
memnet=$build/tools/memnet
exp=$build/examples/spiking-experiments/spiking-experiments
py=/usr/bin/python3
mkdir -p "$out"
calc() { $py -c "print($1)"; }
key() { grep -E "^($2)=" "$1-summary.txt" | cut -d= -f2 | tr '\n' ' '; }
# cpu CMD...: run CMD, its user + sys CPU seconds in cpu_s
cpu() {
    /usr/bin/time -f '%U %S' -o "$out/.time.$$" "$@"
    cpu_s=$(awk '{ print $1 + $2 }' "$out/.time.$$")
}
[ $# -gt 0 ] || set -- fig3 fig7 fig5
for what in "$@"; do
case $what in
fig3) # 100% Type C, 0 -> 2 -> 0 V over 200 steps, until the loop repeats
    $py "$here/loop-width.py" single 0.2 0.01 0.03 0.1 0.3 1 3
    "$memnet" generate nanoparticle --width 200 --height 200 --seed 1 --neighbours voronoi \
        --out "$out/v200.txt" > /dev/null
    for dt in 0.03 0.1 0.3 1; do
        P=$(calc "200 * $dt")
        T=$(calc "max(6 * $P, $P * int(400 / $P + 2))")
        "$memnet" simulate --network "$out/v200.txt.mnet" --model miranda --set G_min=0 \
            --source left --drain right --waveform "tri:0:2:$P" --integrator exact --dt "$dt" \
            --t-end "$T" --dt-out "$dt" --out "$out/fig3-$dt.csv" --quiet > /dev/null
        echo "fig3 dt=$dt $($py "$here/loop-width.py" network "$out/fig3-$dt.csv" "$P")"
    done ;;
fig7) # 003's pulse protocol; per-step r_d = 1e-6, r_w = 1 (rd = r_d / dt)
    for dt in 0.01 0.03 0.1 0.3 1; do
        p=$out/$what-$dt
        "$exp" pulses --size 200 --neighbours voronoi --dt "$dt" \
            --set "filament.rd=$(calc "1e-6 / $dt")" --set "filament.rw=$(calc "1 / $dt")" \
            --out-prefix "$p" > /dev/null
        echo "$what dt=$dt G $(grep '^pulse[0-9]*_mean_G=' "$p-summary.txt" | cut -d= -f2 | tr '\n' ' ')"
    done ;;
fig7-800) # the same at 800 x 800, all seven pulses and the 1 750-step rest
    seed=${SEED:-1}
    for dt in ${DTS:-0.01 0.03 0.1 0.3 1}; do
        p=$out/$what-s$seed-$dt
        cpu "$exp" pulses --size 800 --seed "$seed" --mix-seed "$seed" --neighbours voronoi \
            --dt "$dt" --set "filament.rd=$(calc "1e-6 / $dt")" --set "filament.rw=$(calc "1 / $dt")" \
            --out-prefix "$p" > /dev/null
        echo "$what seed=$seed dt=$dt G $(key "$p" 'pulse[0-9]*_mean_G') events $(key "$p" 'pulse[0-9]*_events') rest $(key "$p" 'rest_G_(start|end)') rest-windows $(awk -F, '$2 == "rest" { printf "%s ", $5 }' "$p-pulses.csv") cpu $cpu_s"
    done ;;
fig7-control) # the same windows at a constant 1.25 V (--vmax = --vmin): what G does without
    # pulses (the Type C memristors start at g = 0 and approach their 1.25 V equilibrium)
    seed=${SEED:-1} size=${SIZE:-800}
    for dt in ${DTS:-0.01 0.03 0.1 0.3 1}; do
        p=$out/$what-$size-s$seed-$dt
        cpu "$exp" pulses --size "$size" --seed "$seed" --mix-seed "$seed" --neighbours voronoi \
            --dt "$dt" --vmax 1.25 --set "filament.rd=$(calc "1e-6 / $dt")" \
            --set "filament.rw=$(calc "1 / $dt")" --out-prefix "$p" > /dev/null
        echo "$what size=$size seed=$seed dt=$dt G $(key "$p" 'pulse[0-9]*_mean_G') rest-windows $(awk -F, '$2 == "rest" { printf "%s ", $5 }' "$p-pulses.csv") cpu $cpu_s"
    done ;;
fig7-lead) # the pulses after LEAD seconds (300) at 1.25 V instead of 250 steps: the Type C
    # memristors start the first pulse near their 1.25 V equilibrium, not near g = 0
    seed=${SEED:-1} size=${SIZE:-200} lead=${LEAD:-300}
    for dt in ${DTS:-0.01 0.03 0.1}; do
        p=$out/$what-$size-s$seed-$dt
        cpu "$exp" pulses --size "$size" --seed "$seed" --mix-seed "$seed" --neighbours voronoi \
            --dt "$dt" --lead "$(calc "round($lead / $dt)")" \
            --set "filament.rd=$(calc "1e-6 / $dt")" --set "filament.rw=$(calc "1 / $dt")" \
            --out-prefix "$p" > /dev/null
        echo "$what size=$size seed=$seed lead=${lead}s dt=$dt G $(key "$p" 'pulse[0-9]*_mean_G') events $(key "$p" 'pulse[0-9]*_events') rest $(key "$p" 'rest_G_(start|end)') rest-windows $(awk -F, '$2 == "rest" { printf "%s ", $5 }' "$p-pulses.csv") cpu $cpu_s"
    done ;;
fig3-800) # Fig. 3 at 800 x 800: 2 V (003) and 9 V (the 200 x 200 voltage per gap in series)
    "$memnet" generate nanoparticle --width 800 --height 800 --seed 1 --neighbours voronoi \
        --out "$out/v800.txt" > /dev/null
    for vmax in ${VMAXS:-2 9}; do
        for dt in ${DTS:-0.3 1}; do
            P=$(calc "200 * $dt")
            T=$(calc "max(6 * $P, $P * int(400 / $P + 2))")
            cpu "$memnet" simulate --network "$out/v800.txt.mnet" --model miranda --set G_min=0 \
                --source left --drain right --waveform "tri:0:$vmax:$P" --integrator exact \
                --dt "$dt" --t-end "$T" --dt-out "$dt" --out "$out/fig3-800-$vmax-$dt.csv" \
                --quiet > /dev/null
            echo "fig3-800 V=$vmax dt=$dt $($py "$here/loop-width.py" network "$out/fig3-800-$vmax-$dt.csv" "$P") cpu $cpu_s"
        done
    done ;;
fig5-dt) # Fig. 5's rates at one step length: A at 2 V, A:C at 3 V, memnet's per-step r_d, r_w
    dt=${DT:-0.01} size=${SIZE:-200}
    for run in A:2 A:C:3; do
        t=${run%:*} v=${run##*:}
        p=$out/fig5dt-$size-$dt-$(echo "$t" | tr -d :)-$v
        cpu "$exp" dc --size "$size" --steps 10000 --types "$t" --voltage "$v" \
            --neighbours voronoi --dt "$dt" --set "filament.rd=$(calc "1e-6 / $dt")" \
            --set "filament.rw=$(calc "1 / $dt")" --out-prefix "$p" > /dev/null
        echo "fig5-dt size=$size dt=$dt $run $(grep -E '^(event_rate_per_step|mean_current)=' "$p-summary.txt" | tr '\n' ' ') cpu $cpu_s"
    done ;;
fig5) # events per step: A at 2 V, A:C at 3 V and 1 V, for several per-step r_d, r_w
    for spec in 1e-6:1:10000 1e-5:1:4000 1e-7:1:4000 1e-6:10:4000 1e-4:1:2000 1e-3:1:2000; do
        rd=${spec%%:*} rest=${spec#*:} dt=1
        rw=${rest%:*} steps=${rest#*:}
        for run in A:2 A:C:3 A:C:1; do
            t=${run%:*} v=${run##*:}
            p=$out/fig5-$spec-$(echo "$t" | tr -d :)-$v
            "$exp" dc --size 200 --steps "$steps" --types "$t" --voltage "$v" --neighbours voronoi \
                --dt $dt --set "filament.rd=$(calc "$rd / $dt")" \
                --set "filament.rw=$(calc "$rw / $dt")" --out-prefix "$p" > /dev/null
            echo "fig5 r_d=$rd r_w=$rw $run $(grep -E '^(event_rate_per_step|mean_current)=' "$p-summary.txt" | tr '\n' ' ')"
        done
    done ;;
*) echo "unknown part $what" >&2; exit 2 ;;
esac
done
