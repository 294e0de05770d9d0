#!/bin/sh
# memnet sweep: plan (Cartesian, --zip, derived seeds), two concurrent workers run every task
# exactly once, each task's output is byte-identical to the direct command, a killed worker's
# task is recovered, deleted results rerun and nothing else, a failing task is reported by
# status, collect is complete (or exits 3 naming the missing tasks), a task killed with SIGKILL
# resumes from its checkpoint to the bytes of an uninterrupted run, the thread setting reaches the
# tasks' contexts, --task/--chunk, --jobs, and mpirun --worker auto.
set -eu
memnet=$1
memnet=$(cd "$(dirname "$memnet")" && pwd)/$(basename "$memnet")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
cd "$tmp"

"$memnet" sweep --help | grep -q "sweep run" || fail "sweep --help"
printf '0 1\n1 2\n0 2\n2 3\n1 3\n3 4\n2 4\n' > net.txt
cat > base.cfg <<'CFG'
command = simulate
network = net.txt
model = miranda
source = 0
drain = 4
waveform = sine:1:0.5
t-end = 4
dt-out = 0.5
init = random:0:0.3
out = out.csv
CFG

# ---------------------------------------------------------------- plan
"$memnet" sweep plan --config base.cfg --vary seed=1..6 --vary set=kP0=1e-4,5e-4 --dir S > plan.out ||
    fail "plan failed"
grep -q '^tasks=12$' plan.out || fail "12 tasks expected: $(cat plan.out)"
[ "$(grep -c '^[0-9]' S/manifest.tsv)" = 12 ] || fail "manifest rows"
# Cartesian, first --vary slowest: task 3 is seed 2, kP0 5e-4; inputs absolute, outputs local
row3=$(grep '^3	' S/manifest.tsv)
echo "$row3" | cut -f3,4 | grep -q '^2	5e-4$' || fail "task 3 values: $row3"
echo "$row3" | grep -q "	--network	$tmp/net.txt	" || fail "network path not absolute: $row3"
echo "$row3" | grep -q "	--set	kP0=5e-4$" || fail "set not last: $row3"
grep -q '"command": "simulate"' S/sweep.json || fail "sweep.json command"
"$memnet" sweep plan --config base.cfg --vary seed=1..6 --dir S 2>/dev/null && fail "plan over an existing manifest"
"$memnet" sweep plan --config base.cfg --vary seed=1..3 --vary set=kP0=1e-4 --zip --dir Z 2> err && fail "zip of unequal lists"
grep -q "has 1 values" err || fail "zip error: $(cat err)"
"$memnet" sweep plan --config base.cfg --vary seed=1..3 --vary rtol=1e-6,1e-7,1e-8 --zip --dir Z > /dev/null || fail "zip"
[ "$(grep -c '^[0-9]' Z/manifest.tsv)" = 3 ] || fail "zip rows"
grep -q '^2	[0-9a-f]*	3	1e-8	' Z/manifest.tsv || fail "zip pairs"
# derived seeds: reproducible, distinct per task
"$memnet" sweep plan --config base.cfg --vary rtol=1e-6,1e-7,1e-8,1e-9 --derive-seed seed=7 --dir D1 > /dev/null
"$memnet" sweep plan --config base.cfg --vary rtol=1e-6,1e-7,1e-8,1e-9 --derive-seed seed=7 --dir D2 > /dev/null
cmp -s D1/manifest.tsv D2/manifest.tsv || fail "derived seeds not reproducible"
[ "$(grep '^[0-9]' D1/manifest.tsv | cut -f4 | sort -u | wc -l)" = 4 ] || fail "derived seeds not distinct"

# real ranges: A..B:N linear, A..B:N:log logarithmic, ends kept as written, against numpy
"$memnet" sweep plan --config base.cfg --vary set=kP0=1e-4..1e-3:7:log --vary rtol=0..1e-6:5 --dir R > /dev/null ||
    fail "plan with real ranges"
$py - R/manifest.tsv <<'PY' || fail "real ranges"
import sys, numpy as np
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l[0].isdigit()]
assert len(rows) == 35, len(rows)
k = sorted({r[2] for r in rows}, key=float)
t = sorted({r[3] for r in rows}, key=float)
assert k[0] == "1e-4" and k[-1] == "1e-3" and t[0] == "0" and t[-1] == "1e-6", (k, t)
assert np.allclose([float(x) for x in k], np.logspace(-4, -3, 7), rtol=1e-14, atol=0), k
assert np.allclose([float(x) for x in t], np.linspace(0, 1e-6, 5), rtol=1e-14, atol=0), t
# the values reach the command as written: ... --set kP0=<text> --rtol <text>
assert all(r[-4:] == ["--set", "kP0=" + r[2], "--rtol", r[3]] for r in rows), rows[0]
PY
for bad in 'rtol=1.5..2.5' 'rtol=1..2:1' 'rtol=0..1e-3:3:log' 'rtol=1..2:3:cubic' 'rtol=a..2:3'; do
    "$memnet" sweep plan --config base.cfg --vary "$bad" --dir RB 2> e.out && fail "--vary $bad accepted"
    grep -q -- "$bad" e.out || fail "--vary $bad: the error does not name it: $(cat e.out)"
done

# ---------------------------------------------------------------- two workers at once
"$memnet" sweep run S --worker 0/2 > w0.out 2> w0.err &
p0=$!
"$memnet" sweep run S --worker 1/2 > w1.out 2> w1.err || fail "worker 1/2: $(cat w1.err)"
wait $p0 || fail "worker 0/2: $(cat w0.err)"
grep -q '^ran=6$' w0.out && grep -q '^ran=6$' w1.out || fail "each worker runs its 6 tasks"
ls S/runs | grep -q 'tmp\|lock\|old' && fail "leftovers: $(ls S/runs)"
"$memnet" sweep status S > st.out
grep -q '^done=12$' st.out || fail "status after the run: $(cat st.out)"
# every run byte-identical to the direct command run in an empty directory
for id in 0 3 7 11; do
    mkdir d$id
    args=$(grep "^$id	" S/manifest.tsv | cut -f5- | tr '\t' ' ')
    (cd d$id && "$memnet" $args > /dev/null) || fail "direct run $id"
    cmp d$id/out.csv S/runs/$id/out.csv || fail "task $id output differs from the direct command"
done
# a second run skips everything
"$memnet" sweep run S --all > again.out
grep -q '^ran=0$' again.out || fail "rerun ran tasks: $(cat again.out)"

# ---------------------------------------------------------------- collect
"$memnet" sweep collect S --out table.csv > col.out || fail "collect"
$py - table.csv S <<'PY' || fail "collect table"
import csv, sys, json
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 12, len(rows)
for r in rows:
    i = int(r["id"])
    assert r["seed"] == str(1 + i // 2) and r["set.kP0"] == ("1e-4", "5e-4")[i % 2], r
    res = json.load(open(f"{sys.argv[2]}/runs/{i}/result.json"))
    assert float(r["steps"]) == res["steps"] and float(r["t_reached"]) == 4.0
    last = [l for l in open(f"{sys.argv[2]}/runs/{i}/out.csv") if not l.startswith("#")][-1].strip().split(",")
    assert [r["final.t"], r["final.V"], r["final.I"], r["final.G"], r["final.mean_g"]] == last, (r, last)
PY

# ---------------------------------------------------------------- deleted results rerun, nothing else
for id in $(seq 0 11); do cp S/runs/$id/status.json st$id.json; done
rm -rf S/runs/2 S/runs/9
"$memnet" sweep collect S --out t2.csv 2> col.err && fail "collect of an incomplete sweep succeeded"
"$memnet" sweep collect S --out t2.csv 2> /dev/null || [ $? = 3 ] || fail "collect exit status is not 3"
grep -q 'not done: 2 9' col.err || fail "missing ids: $(cat col.err)"
"$memnet" sweep run S --all > re.out
grep -q '^ran=2$' re.out || fail "rerun: $(cat re.out)"
for id in $(seq 0 11); do
    if [ $id = 2 ] || [ $id = 9 ]; then
        cmp -s st$id.json S/runs/$id/status.json && fail "task $id not rerun"
        cmp d3/out.csv S/runs/3/out.csv || fail "rerun changed output"
    else
        cmp -s st$id.json S/runs/$id/status.json || fail "task $id ran again"
    fi
done

# ---------------------------------------------------------------- a killed worker
# a lock of a dead process on this host and its partial directory: recovered
sleep 0 & dead=$!
wait $dead
host=$(hostname)
rm -rf S/runs/5
echo "$host $dead 1" > S/runs/5.lock
mkdir S/runs/5.tmp-$host-$dead && echo partial > S/runs/5.tmp-$host-$dead/out.csv
"$memnet" sweep status S | grep -q '^pending=1$' || fail "a dead worker's task is not pending"
"$memnet" sweep run S --all > k.out 2> k.err || fail "recovery run: $(cat k.err)"
grep -q '^ran=1$' k.out || fail "stale lock not broken: $(cat k.out) $(cat k.err)"
[ -e S/runs/5.lock ] || [ -e S/runs/5.tmp-$host-$dead ] && fail "stale lock or partial directory left"
mkdir d5
(cd d5 && "$memnet" $(grep "^5	" ../S/manifest.tsv | cut -f5- | tr '\t' ' ') > /dev/null)
cmp d5/out.csv S/runs/5/out.csv || fail "recovered task 5 differs from the direct command"
# a live lock on another host is respected (and broken with --stale-after)
rm -rf S/runs/6
echo "otherhost 1 1" > S/runs/6.lock
"$memnet" sweep run S --all > l.out
grep -q '^busy=1$' l.out || fail "a live lock was not respected: $(cat l.out)"
"$memnet" sweep status S | grep -q '^running=1$' || fail "status does not count the running task"
touch -d '2 hours ago' S/runs/6.lock
"$memnet" sweep run S --all --stale-after 3600 2> /dev/null | grep -q '^ran=1$' || fail "--stale-after"
# a real worker killed (SIGKILL) in the middle of a long task that checkpoints: the rerun takes
# over its partial directory, continues from the checkpoint (fewer steps than a whole run), and
# the output is byte-identical to the direct command run uninterrupted
awk 'BEGIN { n = 20; for (i = 0; i < n; i++) for (j = 0; j < n; j++) { k = i * n + j;
         if (j + 1 < n) print k, k + 1; if (i + 1 < n) print k, k + n } }' > big.txt
big_last=$(awk '{ if ($1 > m) m = $1; if ($2 > m) m = $2 } END { print m }' big.txt)
cat > long.cfg <<CFG
command = simulate
network = big.txt
model = miranda
source = 0
drain = $big_last
waveform = sine:3:0.5
t-end = 40
dt-out = 0.5
rtol = 1e-9
atol = 1e-12
out = out.csv
events-out = events.csv
CFG
"$memnet" sweep plan --config long.cfg --vary seed=1..2 --checkpoint-every 1 --dir L > /dev/null
grep '^0	' L/manifest.tsv | grep -q '	--checkpoint	checkpoint.mnck	--checkpoint-every	1	' ||
    fail "plan --checkpoint-every: $(grep '^0	' L/manifest.tsv)"
"$memnet" sweep plan --config base.cfg --vary seed=1..2 --checkpoint-every 0 --dir L0 2> e.out &&
    fail "--checkpoint-every 0 accepted"
"$memnet" sweep run L --task 0 > /dev/null 2>&1 &
wk=$!
i=0
while ! ls L/runs/0.tmp-*/checkpoint.mnck > /dev/null 2>&1 && [ $i -lt 1500 ]; do sleep 0.02; i=$((i + 1)); done
kill -9 $wk
wait $wk 2> /dev/null || true
[ -d L/runs/0 ] && fail "task 0 finished before the kill (40 s simulated, killed at its first checkpoint)"
ls L/runs/0.tmp-*/checkpoint.mnck > /dev/null 2>&1 || fail "no checkpoint in the killed task's directory"
"$memnet" sweep status L | grep -q '^pending=2$' || fail "killed task not pending"
"$memnet" sweep run L --all > lr.out 2> lr.err || fail "resume after kill: $(cat lr.err)"
grep -q 'task 0: resuming from the checkpoint' lr.err || fail "task 0 was not resumed: $(cat lr.err)"
grep -q '"resumed": true' L/runs/0/status.json || fail "status.json does not say resumed"
grep -q '"resumed": false' L/runs/1/status.json || fail "task 1 resumed from nothing"
"$memnet" sweep status L | grep -q '^done=2$' || fail "not done after the resume"
ls L/runs | grep -q 'tmp\|lock' && fail "leftovers after the resume: $(ls L/runs)"
mkdir dl
(cd dl && "$memnet" $(grep "^0	" ../L/manifest.tsv | cut -f4- | tr '\t' ' ') --json > direct.json) ||
    fail "direct run of task 0"
cmp dl/out.csv L/runs/0/out.csv || fail "resumed task 0 differs from the uninterrupted direct command"
cmp dl/events.csv L/runs/0/events.csv || fail "resumed task 0: events differ from the direct command"
$py - dl/direct.json L/runs/0/result.json <<'PY' || fail "the resumed run did not start at its checkpoint"
import json, sys
whole, resumed = (json.load(open(p)) for p in sys.argv[1:])
assert 0 < resumed["steps"] < whole["steps"], (resumed["steps"], whole["steps"])
PY
# a partial directory whose checkpoint cannot be resumed (already at t_end): run from the start
sleep 0 & dead=$!
wait $dead
rm L/runs/1/status.json
mv L/runs/1 L/runs/1.tmp-$host-$dead
echo "$host $dead 1" > L/runs/1.lock
"$memnet" sweep run L --task 1 > /dev/null 2> lr.err || fail "rerun of a finished partial: $(cat lr.err)"
grep -q 'running it from the start' lr.err || fail "unusable checkpoint: $(cat lr.err)"
grep -q '"resumed": false' L/runs/1/status.json || fail "status.json of a rerun from the start"
mkdir dl1
(cd dl1 && "$memnet" $(grep "^1	" ../L/manifest.tsv | cut -f4- | tr '\t' ' ') > /dev/null)
cmp dl1/out.csv L/runs/1/out.csv || fail "task 1 rerun from the start differs from the direct command"

# ---------------------------------------------------------------- threads through the context
# every context a task creates gets the sweep's --threads (default 1); outside a sweep the
# setting is automatic (0); no environment variable carries it
"$memnet" sweep plan --command info --dir I > /dev/null
"$memnet" sweep run I --all > /dev/null
grep -q '"context_threads": 1,' I/runs/0/result.json || fail "sweep default threads: $(cat I/runs/0/result.json)"
grep -q '"threads": 1,' I/runs/0/status.json || fail "status.json threads"
rm -rf I/runs/0
env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS "$memnet" sweep run I --all --threads 3 > /dev/null
grep -q '"context_threads": 3,' I/runs/0/result.json || fail "--threads 3: $(cat I/runs/0/result.json)"
"$memnet" info | grep -q '^context_threads=0$' || fail "memnet info outside a sweep is not automatic"
"$memnet" sweep run I --all --threads 0 2> /dev/null && fail "--threads 0 accepted"

# ---------------------------------------------------------------- a failing task
"$memnet" sweep plan --config base.cfg --vary init=0.1,bogus,0.2 --dir F > /dev/null
"$memnet" sweep run F --all --jobs 2 > f.out 2> f.err && fail "a failing task gave status 0"
"$memnet" sweep status F > fs.out
grep -q '^done=2$' fs.out && grep -q '^failed=1$' fs.out || fail "status of a failing task: $(cat fs.out)"
grep -q '^failed.1=.*bogus' fs.out || fail "failed task's error line: $(cat fs.out)"
"$memnet" sweep status F --json | $py -c 'import json,sys; d=json.load(sys.stdin); assert d["failed"]==1' ||
    fail "status --json"

# ---------------------------------------------------------------- --task/--chunk, --jobs
"$memnet" sweep plan --config base.cfg --vary seed=1..7 --dir C > /dev/null
"$memnet" sweep run C --task 1 --chunk 3 > c.out
grep -q '^tasks=3$' c.out && [ -d C/runs/3 ] && [ -d C/runs/5 ] && [ ! -d C/runs/2 ] && [ ! -d C/runs/6 ] ||
    fail "--task 1 --chunk 3 runs tasks 3..5: $(ls C/runs)"
"$memnet" sweep run C --task 3 --chunk 3 2> e.out && fail "--task past the end accepted"
grep -q 'tasks 0..6' e.out || fail "--task error: $(cat e.out)"
"$memnet" sweep run C --task 2 --chunk 3 > /dev/null   # the last, short chunk: task 6
"$memnet" sweep run C --all --jobs 2 > j.out || fail "--jobs 2"
grep -q '^done=7$' j.out || fail "--jobs: $(cat j.out)"
"$memnet" sweep run C --worker 2/2 2> e.out && fail "--worker 2/2 accepted"
grep -q 'K/N' e.out || fail "--worker error"
env -u SLURM_PROCID -u OMPI_COMM_WORLD_RANK -u PMI_RANK -u PMIX_RANK "$memnet" sweep run C --worker auto 2> e.out &&
    fail "--worker auto outside a launcher accepted"

# ---------------------------------------------------------------- srun-style and mpirun ranks
"$memnet" sweep plan --config base.cfg --vary seed=1..6 --dir M > /dev/null
SLURM_PROCID=1 SLURM_NTASKS=3 "$memnet" sweep run M --worker auto > s.out
grep -q '^tasks=2$' s.out && [ -d M/runs/1 ] && [ -d M/runs/4 ] && [ ! -d M/runs/0 ] || fail "SLURM_PROCID 1/3"
if command -v mpirun > /dev/null 2>&1; then
    rm -rf M/runs/* && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun -np 2 --oversubscribe "$memnet" sweep run M --worker auto > mpi.out 2> mpi.err ||
        fail "mpirun: $(cat mpi.err)"
    "$memnet" sweep status M | grep -q '^done=6$' || fail "mpirun did not run every task"
    pids=$(cat M/runs/*/status.json | grep '"pid"' | sort -u | wc -l)
    [ "$pids" = 2 ] || fail "mpirun: tasks ran in $pids processes, expected 2"
else
    echo "note: mpirun not installed, mpirun part skipped"
fi
echo "ok"
