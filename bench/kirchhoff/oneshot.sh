#!/bin/sh
# One-shot solve, whole processes: `memnet solve` (default ordering, i.e. AMD, and --ordering
# metis) against scipy's spsolve (bench/kirchhoff/solve_oneshot.py) on one random stick network
# (memnet generate nanowire, unit sticks, mean degree ~8, ~6e5 junctions by default), every
# edge 1 S. Prints user, system and wall seconds of each process (GNU time) and the G_eff of
# each. usage: bench/kirchhoff/oneshot.sh BUILD_DIR [WIRES [BOX [REPEATS]]]
set -eu
build=$1
wires=${2:-150000}
box=${3:-109}
repeats=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/tools/memnet" generate nanowire --wires "$wires" --width "$box" --height "$box" --seed 1 \
    --out "$work/net.txt" | grep -E '^(nodes|edges)='
run() { # label command...
    label=$1
    shift
    /usr/bin/time -f "$label user=%U sys=%S wall=%e maxrss_kb=%M" "$@" > "$work/out" 2> "$work/time"
    grep -E 'G_eff=' "$work/out" | head -1 | sed "s/^/$label /"
    tail -1 "$work/time"
}
i=0
while [ "$i" -lt "$repeats" ]; do
    run memnet_default "$build/tools/memnet" solve --network "$work/net.txt.mnet" --source left --drain right
    run memnet_metis "$build/tools/memnet" solve --network "$work/net.txt.mnet" --source left --drain right --ordering metis
    run scipy /usr/bin/python3 "$here/solve_oneshot.py" "$work/net.txt" "$work/net.txt.mnet"
    i=$((i + 1))
done
