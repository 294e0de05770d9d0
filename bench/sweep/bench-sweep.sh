#!/bin/sh
# memnet sweep benchmarks (issue 17): prints its figures as key=value lines.
#   1. 200 small simulate tasks with 1 and 2 worker processes (--jobs): wall and CPU (user+sys)
#      times, speed-up (target >= 1.8 on 2 idle cores);
#   2. overhead per task of `memnet sweep run` against 200 bare `memnet simulate` processes
#      (the same runs, one process each, run one after the other; target < 10 %);
#   3. the same 200 tasks from Python: memnet.sweep.run_task mapped over a 2-thread pool (one
#      `memnet sweep run --task I` process per task) against `sweep run --jobs 2`;
#   4. with --big: a 1000-task sweep on 2 workers, one worker killed with SIGKILL in the middle,
#      resumed by a second `sweep run`, then collected.
# usage: bench/sweep/bench-sweep.sh BUILD/tools/memnet [--big] [--reps R]
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
lib=$(cd "$(dirname "$memnet")/../lib" && pwd)/libmemnet.so
shift
big=0
reps=3
while [ $# -gt 0 ]; do
    case $1 in
    --big) big=1 ;;
    --reps) reps=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
py=/usr/bin/python3

# a 6x6 lattice of Miranda junctions under a sine: ~10 ms of work per task
awk 'BEGIN { n = 6; for (i = 0; i < n; i++) for (j = 0; j < n; j++) { k = i * n + j;
     if (j + 1 < n) print k, k + 1; if (i + 1 < n) print k, k + n } }' > net.txt
cat > base.cfg <<'CFG'
command = simulate
network = net.txt
model = miranda
source = 0
drain = 35
waveform = sine:2:0.5
t-end = 10
dt-out = 0.1
init = random:0:0.3
out = out.csv
CFG

# wall and CPU (user+sys of the children) of a command, as "wall cpu"
measure() {
    $py - "$@" <<'PY'
import os, subprocess, sys, time
t0 = time.perf_counter(); c0 = os.times()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
c1 = os.times(); t1 = time.perf_counter()
print(f"{t1 - t0:.4f} {c1.children_user - c0.children_user + c1.children_system - c0.children_system:.4f}")
PY
}
median() { tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "machine=$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (shared with other work)"
echo "memnet=$("$memnet" --version)"
w1= ; c1= ; w2= ; c2= ; wb= ; cb= ; ws= ; cs= ; wp= ; cp=
for r in $(seq 1 "$reps"); do
    for j in 1 2; do
        rm -rf S && "$memnet" sweep plan --config base.cfg --vary seed=1..200 --dir S > /dev/null
        set -- $(measure "$memnet" sweep run S --all --jobs $j)
        if [ $j = 1 ]; then w1="$w1 $1"; c1="$c1 $2"; else w2="$w2 $1"; c2="$c2 $2"; fi
    done
    # bare processes: the same 200 command lines, each its own process, one after the other
    rm -rf B && mkdir B
    grep '^[0-9]' S/manifest.tsv | cut -f4- > B/lines
    cat > B/run.sh <<SH
cd "$tmp/B"
while IFS= read -r line; do
    IFS='	'
    set -- \$line
    unset IFS
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$memnet" "\$@" > /dev/null
done < lines
SH
    set -- $(measure sh B/run.sh)
    wb="$wb $1"; cb="$cb $2"
    # the sweep runner on the same 200 tasks, one worker
    rm -rf S && "$memnet" sweep plan --config base.cfg --vary seed=1..200 --dir S > /dev/null
    set -- $(measure "$memnet" sweep run S --all --jobs 1)
    ws="$ws $1"; cs="$cs $2"
    # Python: run_task over a 2-thread pool (a process per task)
    rm -rf S && "$memnet" sweep plan --config base.cfg --vary seed=1..200 --dir S > /dev/null
    set -- $(MEMNET_CLI="$memnet" MEMNET_LIBRARY="$lib" PYTHONPATH="$src/bindings/python" measure $py -c '
import concurrent.futures, memnet.sweep as sw
with concurrent.futures.ThreadPoolExecutor(2) as p:
    st = list(p.map(sw.run_task, ["S"] * 200, range(200)))
assert all(s["status"] == 0 for s in st)')
    wp="$wp $1"; cp="$cp $2"
done
W1=$(echo $w1 | median); C1=$(echo $c1 | median); W2=$(echo $w2 | median); C2=$(echo $c2 | median)
WB=$(echo $wb | median); CB=$(echo $cb | median); WS=$(echo $ws | median); CS=$(echo $cs | median)
WP=$(echo $wp | median); CP=$(echo $cp | median)
echo "tasks=200 reps=$reps (medians)"
echo "jobs1_wall_s=$W1 jobs1_cpu_s=$C1"
echo "jobs2_wall_s=$W2 jobs2_cpu_s=$C2"
echo "speedup_2_over_1=$(awk "BEGIN { printf \"%.3f\", $W1 / $W2 }")"
echo "bare_processes_wall_s=$WB bare_processes_cpu_s=$CB"
echo "sweep_jobs1_wall_s=$WS sweep_jobs1_cpu_s=$CS"
echo "overhead_per_task_wall=$(awk "BEGIN { printf \"%.1f%%\", 100 * ($WS - $WB) / $WB }") overhead_per_task_cpu=$(awk "BEGIN { printf \"%.1f%%\", 100 * ($CS - $CB) / $CB }")"
echo "per_task_ms_bare=$(awk "BEGIN { printf \"%.2f\", 1000 * $WB / 200 }") per_task_ms_sweep=$(awk "BEGIN { printf \"%.2f\", 1000 * $WS / 200 }")"
echo "python_run_task_pool2_wall_s=$WP python_run_task_pool2_cpu_s=$CP (children: one memnet process per task)"
echo "python_pool2_over_jobs2_wall=$(awk "BEGIN { printf \"%.3f\", $WP / $W2 }") python_pool2_over_jobs2_cpu=$(awk "BEGIN { printf \"%.3f\", $CP / $C2 }")"

if [ $big = 1 ]; then
    rm -rf K && "$memnet" sweep plan --config base.cfg --vary seed=1..1000 --dir K > /dev/null
    t0=$(date +%s.%N)
    "$memnet" sweep run K --all > k1.out 2> k1.err &
    a=$!
    "$memnet" sweep run K --all > k2.out 2> k2.err &
    b=$!
    # kill worker a once a quarter of the tasks are done, while it runs a task
    while [ "$(ls K/runs | grep -c '^[0-9]*$')" -lt 250 ]; do sleep 0.05; done
    kill -9 $a
    wait $a 2> /dev/null || true
    wait $b || true
    t1=$(date +%s.%N)
    "$memnet" sweep status K > ks1.out
    echo "big_after_kill: $(tr '\n' ' ' < ks1.out)"
    echo "big_partial_dirs_left_by_kill=$(ls K/runs | grep -c 'tmp-' || true) locks=$(ls K/runs | grep -c 'lock' || true)"
    set -- $(measure "$memnet" sweep run K --all --jobs 2)
    echo "big_resume_wall_s=$1 big_resume_cpu_s=$2 ($(grep -h 'broke\|partial' k*.err 2>/dev/null | wc -l) recovery messages before)"
    "$memnet" sweep status K > ks2.out
    echo "big_after_resume: $(tr '\n' ' ' < ks2.out)"
    "$memnet" sweep collect K --out k.csv > kc.out
    echo "big_collect: $(tr '\n' ' ' < kc.out) rows_in_csv=$(($(wc -l < k.csv) - 1))"
    echo "big_first_phase_wall_s=$(awk "BEGIN { print $t1 - $t0 }")"
fi
