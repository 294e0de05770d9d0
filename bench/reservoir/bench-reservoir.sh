#!/bin/sh
# memnet reservoir benchmark (issue 17): every task of `memnet reservoir` on one generated
# nanowire network (default 3000 wires, 5 input and 3 output electrodes, the command's defaults
# otherwise), printing per task as key=value lines: the score and the raw-input baseline, task
# steps and Kirchhoff solves, the reservoir run's CPU (user + sys) and wall time as the command
# measures them, the readout's CPU, and the whole process's wall and CPU time measured from
# outside (network generation, input series and readout included).
# usage: bench/reservoir/bench-reservoir.sh BUILD/tools/memnet [--wires N] [--digits-limit N]
#        [--tasks "sine-square sine-double ..."]
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
wires=3000
limit=0
tasks="sine-square sine-double mackey-glass narma10 memory digits"
while [ $# -gt 0 ]; do
    case $1 in
    --wires) wires=$2; shift ;;
    --digits-limit) limit=$2; shift ;;
    --tasks) tasks=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
py=/usr/bin/python3

echo "machine=$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (shared with other work)"
echo "memnet=$("$memnet" --version)"
echo "network=wires $wires, seed 1, 5 inputs, 3 outputs (memnet reservoir defaults)"
for t in $tasks; do
    extra=
    [ "$t" = digits ] && [ "$limit" -gt 0 ] && extra="--limit $limit"
    # the whole process: wall and user+sys CPU of the child, then its key=value output
    $py - "$memnet" reservoir "$t" --wires "$wires" $extra > "$t.kv" <<'PY'
import os, subprocess, sys, time
t0 = time.perf_counter(); c0 = os.times()
r = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True)
c1 = os.times(); t1 = time.perf_counter()
sys.stdout.write(r.stdout)
print(f"process_wall_seconds={t1 - t0:.3f}")
print(f"process_cpu_seconds={c1.children_user - c0.children_user + c1.children_system - c0.children_system:.3f}")
PY
    v() { sed -n "s/^$1=//p" "$t.kv"; }
    steps=$(v reservoir_steps); solves=$(v kirchhoff_solves); cpu=$(v reservoir_cpu_seconds)
    echo "task=$t score_name=$(v score_name) score=$(v score) baseline=$(v baseline)" \
         "steps=$steps kirchhoff_solves=$solves edges=$(v edges)" \
         "reservoir_cpu_s=$cpu reservoir_wall_s=$(v reservoir_wall_seconds)" \
         "cpu_ms_per_solve=$(awk "BEGIN { printf \"%.3f\", 1000 * $cpu / $solves }")" \
         "readout_cpu_s=$(v readout_cpu_seconds)" \
         "process_cpu_s=$(v process_cpu_seconds) process_wall_s=$(v process_wall_seconds)"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
