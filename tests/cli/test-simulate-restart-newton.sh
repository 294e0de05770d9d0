#!/bin/sh
# memnet simulate --restart and --newton (docs/simulation.md, "Checkpoints"): a restart without
# --newton continues with the checkpoint's Newton iteration, bit for bit the uninterrupted run's
# rows; --newton on the restart is used, with a note naming both; a checkpoint without the field
# (the older format) resumes with auto; an unknown id in the file is refused, named. With HDF5:
# the file's "newton" attribute stays the checkpoint's on a restart without --newton.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
rows() { grep -v '^#' "$1"; }

printf '0 1\n1 2\n0 2\n2 3\n1 3\n' > "$tmp/net.txt"
common="--network $tmp/net.txt --model miranda --source 0 --drain 3 --waveform pulse:2:3:7:0:1:0.1 --dt-out 0.5 --init random:0:0.3 --seed 5 --quiet"

# the uninterrupted runs (each saves at 10 s and goes on), krylov and blocks
for m in krylov blocks; do
    "$memnet" simulate $common --newton $m --t-end 20 --checkpoint "$tmp/cp-$m" --checkpoint-every 10 \
        --out "$tmp/$m.csv" > /dev/null || fail "uninterrupted --newton $m run failed"
    rows "$tmp/$m.csv" > "$tmp/$m.rows"
done
cmp -s "$tmp/krylov.rows" "$tmp/blocks.rows" && fail "krylov and blocks runs are identical (the test could not fail)"

# stopped at 10 s with --newton krylov; the checkpoint names the mode (newton 2)
"$memnet" simulate $common --newton krylov --t-end 10 --checkpoint "$tmp/cp" --out "$tmp/r.csv" > /dev/null ||
    fail "run to 10 s failed"
sed -n 2p "$tmp/cp" | grep -q ' integrator 0 newton 2$' || fail "checkpoint size line: $(sed -n 2p "$tmp/cp")"
cp "$tmp/cp" "$tmp/cp0"
cp "$tmp/r.csv" "$tmp/r0.csv"

# restart without --newton: the checkpoint's krylov, bit for bit; no note
"$memnet" simulate $common --t-end 20 --restart "$tmp/cp" --out "$tmp/r.csv" > "$tmp/r.out" 2> "$tmp/r.err" ||
    fail "restart without --newton failed: $(cat "$tmp/r.err")"
rows "$tmp/r.csv" > "$tmp/r.rows"
cmp -s "$tmp/r.rows" "$tmp/krylov.rows" ||
    { diff "$tmp/r.rows" "$tmp/krylov.rows" | head -5; fail "restart without --newton differs from the uninterrupted krylov run"; }
grep -q '^jv_evals=[1-9]' "$tmp/r.out" || fail "restart without --newton made no Jacobian-vector product (not krylov)"
[ ! -s "$tmp/r.err" ] || fail "restart without --newton wrote to stderr: $(cat "$tmp/r.err")"

# restart with the same --newton krylov: the same rows, no note
cp "$tmp/r0.csv" "$tmp/s.csv"
"$memnet" simulate $common --newton krylov --t-end 20 --restart "$tmp/cp0" --out "$tmp/s.csv" > /dev/null 2> "$tmp/s.err" ||
    fail "restart with --newton krylov failed"
rows "$tmp/s.csv" | cmp -s - "$tmp/krylov.rows" || fail "restart with --newton krylov differs from the uninterrupted run"
[ ! -s "$tmp/s.err" ] || fail "restart with the checkpoint's own --newton wrote to stderr: $(cat "$tmp/s.err")"

# restart with --newton blocks: used (no Jacobian-vector product), with a note naming both;
# the rows up to 10 s are the krylov run's, the later ones agree with the blocks run to the
# tolerance but are not the krylov run's
cp "$tmp/r0.csv" "$tmp/b.csv"
"$memnet" simulate $common --newton blocks --t-end 20 --restart "$tmp/cp0" --out "$tmp/b.csv" > "$tmp/b.out" 2> "$tmp/b.err" ||
    fail "restart with --newton blocks failed"
grep -q '^jv_evals=0$' "$tmp/b.out" || fail "restart with --newton blocks made Jacobian-vector products"
grep -q '^memnet simulate: note: .*saved with the Newton iteration krylov; continuing with blocks' "$tmp/b.err" ||
    fail "no note naming krylov and blocks: $(cat "$tmp/b.err")"
rows "$tmp/b.csv" > "$tmp/b.rows"
cmp -s "$tmp/b.rows" "$tmp/krylov.rows" && fail "restart with --newton blocks is the krylov run"
paste -d, "$tmp/b.rows" "$tmp/blocks.rows" | awk -F, '$1 != "t" {
    n++; if ($1 != $6) { print "times differ " $1 " " $6; bad = 1 }
    d = ($3 - $8) / $8; if (d < 0) d = -d; if (d > 1e-4) { print "t=" $1 " I " $3 " against " $8; bad = 1 } }
    END { if (n != 41) { print n " rows"; bad = 1 } exit bad }' || fail "restart with --newton blocks far from the blocks run"
head -22 "$tmp/krylov.rows" > "$tmp/k22" # the header and the samples 0, 0.5, ..., 10
head -22 "$tmp/b.rows" | cmp -s - "$tmp/k22" || fail "restart with --newton blocks changed the rows up to the checkpoint"

# a checkpoint without the field (the format before it): auto, which for miranda (no events)
# is the block iteration: the same rows as the explicit blocks restart, and no note
sed 's/ newton 2$//' "$tmp/cp0" > "$tmp/cp-old"
cp "$tmp/r0.csv" "$tmp/o.csv"
"$memnet" simulate $common --t-end 20 --restart "$tmp/cp-old" --out "$tmp/o.csv" > "$tmp/o.out" 2> "$tmp/o.err" ||
    fail "restart from an old-format checkpoint failed: $(cat "$tmp/o.err")"
rows "$tmp/o.csv" | cmp -s - "$tmp/b.rows" || fail "old-format checkpoint did not resume with auto (blocks)"
[ ! -s "$tmp/o.err" ] || fail "old-format restart wrote to stderr: $(cat "$tmp/o.err")"

# an unknown Newton id in the checkpoint: refused, named
sed 's/ newton 2$/ newton 9/' "$tmp/cp0" > "$tmp/cp-bad"
cp "$tmp/r0.csv" "$tmp/x.csv"
if "$memnet" simulate $common --t-end 20 --restart "$tmp/cp-bad" --out "$tmp/x.csv" > /dev/null 2> "$tmp/x.err"; then
    fail "a checkpoint with newton 9 was accepted"
fi
grep -q 'unknown Newton iteration id 9' "$tmp/x.err" || fail "the refusal does not name the id: $(cat "$tmp/x.err")"

# HDF5 (when built with it and h5py is there): a restart without --newton keeps "newton"
py=/usr/bin/python3
if "$memnet" info | grep -q '^hdf5=1$' && $py -c 'import h5py' 2> /dev/null; then
    "$memnet" simulate $common --newton krylov --t-end 10 --checkpoint "$tmp/cph" --out "$tmp/h.h5" > /dev/null ||
        fail "HDF5 run to 10 s failed"
    "$memnet" simulate $common --t-end 20 --restart "$tmp/cph" --out "$tmp/h.h5" > /dev/null ||
        fail "HDF5 restart failed"
    $py -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r"); v = f.attrs["newton"]; assert v == "krylov", v' \
        "$tmp/h.h5" || fail "the HDF5 file's newton attribute is not krylov after a restart without --newton"
fi
echo "ok"
