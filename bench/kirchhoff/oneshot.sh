#!/bin/sh
# One-shot solve, whole processes: `memnet solve` (default ordering, i.e. AMD, and --ordering
# metis) against scipy's spsolve (bench/kirchhoff/solve_oneshot.py) on one random stick network
# (memnet generate nanowire, unit sticks, mean degree ~8, ~6e5 junctions by default), every
# edge 1 S. Prints user, system and wall seconds of each process (GNU time) and the G_eff of
# each, then per round the memnet (AMD) / scipy CPU ratio and the medians over the rounds (the
# rounds interleave the processes, so each ratio compares runs under the same machine load).
# usage: bench/kirchhoff/oneshot.sh BUILD_DIR [WIRES [BOX [REPEATS]]]
# MEMNET_OTHER=path/to/another/memnet adds a fourth process per round (e.g. an older build).
# SCIPY_DEFAULT_THREADS=1 adds scipy with OpenBLAS's default threads (one per core, as a
# user's script runs unless it pins them; probably how the issue's 6.9 s was measured), printed
# beside the ratio against the pinned scipy, which stays the reference.
# MEMNET_FLOOR=path/to/bench-oneshot-floor adds one more: the CPU of the dependencies' own work
# in a one-shot solve (AMD, CHOLMOD's analysis and factorisation, the triangular solves, on
# memnet's matrix: bench/kirchhoff/bench-oneshot-floor.c), alone, with memnet's reading of the
# file, and as a fresh process's least cost (an estimate from below: the reading, the least
# graph build and the libraries' first calls in fresh pages), and the ratios of scipy's CPU to
# these figures in the same round.
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
    tail -1 "$work/time" | tee -a "$work/times"
}
i=0
while [ "$i" -lt "$repeats" ]; do
    run memnet_default "$build/tools/memnet" solve --network "$work/net.txt.mnet" --source left --drain right
    run memnet_metis "$build/tools/memnet" solve --network "$work/net.txt.mnet" --source left --drain right --ordering metis
    if [ -n "${MEMNET_OTHER:-}" ]; then
        run memnet_other "$MEMNET_OTHER" solve --network "$work/net.txt.mnet" --source left --drain right
    fi
    run scipy /usr/bin/python3 "$here/solve_oneshot.py" "$work/net.txt" "$work/net.txt.mnet"
    if [ -n "${SCIPY_DEFAULT_THREADS:-}" ]; then
        # scipy as a user runs it: OpenBLAS with a thread per core (its default), idle one included
        run scipy_default env OPENBLAS_NUM_THREADS="$(nproc)" OMP_NUM_THREADS="$(nproc)" \
            /usr/bin/python3 "$here/solve_oneshot.py" "$work/net.txt" "$work/net.txt.mnet"
    fi
    if [ -n "${MEMNET_FLOOR:-}" ]; then
        if ! "$MEMNET_FLOOR" "$work/net.txt.mnet" left right > "$work/floor"; then
            echo "oneshot.sh: $MEMNET_FLOOR failed" >&2
            exit 1
        fi
        printf 'floor_parts %s\n' "$(grep -E '^(floor_|load_cpu|memnet_)' "$work/floor" | paste -s -d ' ' -)"
        # in the times file as process lines: user = the floor's CPU, sys = 0
        sed -n 's/^floor_cpu=\(.*\)$/floor user=\1 sys=0/p
                s/^floor_with_read_cpu=\(.*\)$/floorread user=\1 sys=0/p
                s/^floor_fresh_process_cpu=\(.*\)$/floorfresh user=\1 sys=0/p' "$work/floor" >> "$work/times"
    fi
    i=$((i + 1))
done
# CPU (user + sys) per process and round; ratios of the same round; medians
awk '
function cpu(line,   u, s) {
    match(line, /user=[0-9.]+/); u = substr(line, RSTART + 5, RLENGTH - 5)
    match(line, /sys=[0-9.]+/); s = substr(line, RSTART + 4, RLENGTH - 4)
    return u + s
}
function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ c[$1, ++n[$1]] = cpu($0) }
END {
    for (r = 1; r <= n["scipy"]; r++) {
        ratio[r] = c["scipy", r] / c["memnet_default", r]
        printf "round %d: memnet_default %.2f s, scipy %.2f s CPU: %.1fx", r, c["memnet_default", r], c["scipy", r], ratio[r]
        if (n["scipy_default"]) {
            dratio[r] = c["scipy_default", r] / c["memnet_default", r]
            printf "; scipy with default threads %.2f s: %.1fx", c["scipy_default", r], dratio[r]
        }
        if (n["floor"]) {
            fratio[r] = c["scipy", r] / c["floor", r]
            rratio[r] = c["scipy", r] / c["floorread", r]
            printf "; dependencies alone %.3f s: %.1fx; with the reading %.3f s: %.1fx", c["floor", r], fratio[r], c["floorread", r], rratio[r]
            if (n["floorfresh"]) { # an older bench-oneshot-floor does not print it
                pratio[r] = c["scipy", r] / c["floorfresh", r]
                printf "; fresh process %.3f s: %.1fx", c["floorfresh", r], pratio[r]
            }
        }
        printf "\n"
    }
    split("memnet_default memnet_metis memnet_other scipy scipy_default floor floorread floorfresh", names, " ")
    for (k = 1; k <= 8; k++) {
        if (!n[names[k]]) continue
        for (r = 1; r <= n[names[k]]; r++) v[r] = c[names[k], r]
        printf "median_cpu_%s=%.2f\n", names[k], median(v, n[names[k]])
    }
    printf "median_ratio_scipy_over_memnet_default=%.1f\n", median(ratio, n["scipy"])
    if (n["scipy_default"])
        printf "median_ratio_scipy_default_threads_over_memnet_default=%.1f\n", median(dratio, n["scipy"])
    if (n["floor"]) {
        printf "median_ratio_scipy_over_floor=%.1f\n", median(fratio, n["scipy"])
        printf "median_ratio_scipy_over_floor_with_read=%.1f\n", median(rratio, n["scipy"])
        if (n["floorfresh"])
            printf "median_ratio_scipy_over_fresh_process_floor=%.1f\n", median(pratio, n["scipy"])
    }
}' "$work/times"
