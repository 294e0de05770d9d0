#!/bin/sh
# 003 Figs. 3, 5 and 7 against the step length dt and the Type A rates (issue 15 item 10;
# tables in docs/spiking.md). Voronoi neighbour rule, seed 1, fixed steps.
#   bench/spiking/fig3-fig5-fig7.sh BUILD OUT [fig3|fig5|fig7|fig7-800 ...]
# CPU on the shared 2-core machine: fig3 ~1.5 min, fig7 ~1 min, fig5 ~4 min, fig7-800
# ~3 min per dt (4 pulses); run under nice.
set -eu
build=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
memnet=$build/tools/memnet
exp=$build/examples/spiking-experiments/spiking-experiments
py=/usr/bin/python3
mkdir -p "$out"
calc() { $py -c "print($1)"; }
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
fig7|fig7-800) # 003's pulse protocol; per-step r_d = 1e-6, r_w = 1 (rd = r_d / dt)
    size=200 extra=""
    [ "$what" = fig7-800 ] && size=800 extra="--pulses 4 --rest 500"
    for dt in 0.01 0.03 0.1 0.3 1; do
        p=$out/$what-$dt
        "$exp" pulses --size $size --neighbours voronoi --dt "$dt" $extra \
            --set "filament.rd=$(calc "1e-6 / $dt")" --set "filament.rw=$(calc "1 / $dt")" \
            --out-prefix "$p" > /dev/null
        echo "$what dt=$dt G $(grep '^pulse[0-9]*_mean_G=' "$p-summary.txt" | cut -d= -f2 | tr '\n' ' ')"
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
