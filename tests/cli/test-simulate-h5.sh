#!/bin/sh
# memnet simulate --out FILE.h5: the same run written as CSV and as HDF5 holds the same numbers
# (h5py, to the CSV's 17 digits); the --electrode form; a checkpoint restart appending to the
# file equals the uninterrupted run; SIGTERM and SIGKILL mid-run leave a file h5py opens with
# every flushed sample; bad paths and options are named. Without HDF5 in the build: the error
# names the missing feature.
set -eu
memnet=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3

printf '0 1\n1 2\n0 2\n2 3\n1 3\n' > "$tmp/net.txt"
common="--network $tmp/net.txt --model miranda --source 0 --drain 3 --waveform pulse:2:3:7:0:1:0.1 --dt-out 0.5 --init random:0:0.3 --seed 5"

if ! "$memnet" simulate $common --t-end 2 --out "$tmp/probe.h5" > /dev/null 2> "$tmp/err"; then
    grep -q "built without HDF5" "$tmp/err" || fail "no HDF5 and no message naming it: $(cat "$tmp/err")"
    "$memnet" info | grep -q '^hdf5=0$' || fail "memnet info does not say hdf5=0"
    echo "memnet built without HDF5: the error names it; the rest is skipped"
    exit 0
fi
"$memnet" info | grep -q '^hdf5=1$' || fail "memnet info does not say hdf5=1"
$py -c 'import h5py' 2> /dev/null || { echo "SKIP: python3-h5py not installed"; exit 77; }

# ---------------------------------------------------------------- CSV and HDF5 of the same run
opts="$common --t-end 20 --record-edges 0,2,4 --probe 1 --probe mid=1,2 --energy --snapshots 3,10.25"
"$memnet" simulate $opts --out "$tmp/a.csv" --snapshot-prefix "$tmp/snap-" > /dev/null || fail "CSV run failed"
"$memnet" simulate $opts --out "$tmp/a.h5" --record all --flush-every 3 > "$tmp/a.out" || fail "HDF5 run failed"
grep -q "^out=$tmp/a.h5" "$tmp/a.out" || fail "the run does not report its --out"
[ ! -e "$tmp/snapshot-0-edges.csv" ] || fail "HDF5 output also wrote snapshot files without --snapshot-prefix"
"$memnet" simulate $opts --format hdf5 --out "$tmp/a.dat" > /dev/null || fail "--format hdf5 failed"

$py - "$tmp" << 'EOF' || fail "HDF5 and CSV of the same run differ"
import sys, h5py, numpy as np
tmp = sys.argv[1]
rows = [l for l in open(tmp + "/a.csv") if not l.startswith("#")]
head = rows[0].strip().split(",")
csv = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
col = {h: csv[:, i] for i, h in enumerate(head)}
def same(name, a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (name, a.shape, b.shape)
    scale = np.maximum(np.abs(b), 1e-300)
    err = np.max(np.abs(a - b) / scale) if a.size else 0
    assert err <= 1e-15, (name, err)
for path in ("a.h5", "a.dat"):
    f = h5py.File(tmp + "/" + path, "r")
    t = f["time"][:]
    assert np.all(np.diff(t) > 0)
    same("t", t, col["t"])
    src = f["series/source"]
    assert src.attrs["columns"] == "V,I,G"
    for j, h in enumerate(("V", "I", "G")):
        same(h, src[:, j], col[h])
    # with the drain grounded, the source column of /electrodes and /G_eff are the CSV's V, I, G
    same("electrodes/V", f["electrodes/V"][:, 0], col["V"])
    same("electrodes/I", f["electrodes/I"][:, 0], col["I"])
    same("G_eff", f["G_eff"][:], col["G"])
    assert f["series/probes"].attrs["columns"] == "P0,P_mid"
    same("P0", f["series/probes"][:, 0], col["P0"])
    same("P_mid", f["series/probes"][:, 1], col["P_mid"])
    same("mean_g", f["mean_state"][:, 0], col["mean_g"])
    assert list(f["edges/index"][:]) == [0, 2, 4]
    for j, e in enumerate((0, 2, 4)):
        same("x%d" % e, f["edges/state"][:, j], col["x%d" % e])
    same("E_src", f["energy"][:, 0], col["E_src"])
    same("E_edges", f["energy"][:, 1], col["E_edges"])
    if path == "a.h5":
        # the recorded edges' currents from their conductances and the node potentials (Ohm's law)
        I, G, V = f["edges/current"][:], f["edges/conductance"][:], f["edges/voltage"][:]
        phi = f["nodes/potential"][:]
        e = f["edges/index"][:]
        u, v = f["network/u"][e], f["network/v"][e]
        assert np.allclose(V, phi[:, u] - phi[:, v], rtol=1e-13, atol=1e-15)
        assert np.allclose(I, G * V, rtol=1e-13, atol=1e-18)
        assert np.allclose(phi[:, 0], col["V"], rtol=1e-15) and np.all(phi[:, 3] == 0)
    # snapshots against the snapshot files of the CSV run
    st = f["snapshots/time"][:]
    assert len(st) == 2 and st[0] == 3 and st[1] == 10.25, st
    for k in range(2):
        lines = [l for l in open(tmp + "/snap-%d-edges.csv" % k) if not l.startswith("#")][1:]
        e = np.array([[float(x) for x in l.split(",")] for l in lines])
        same("snap x", f["snapshots/state"][k], e[:, 3])
        same("snap G", f["snapshots/conductance"][k], e[:, 4])
        same("snap I", f["snapshots/current"][k], e[:, 6])
    # provenance: the CSV's "# key=value" lines are attributes
    prov = dict(l[2:].strip().split("=", 1) for l in open(tmp + "/a.csv") if l.startswith("# "))
    for k in ("memnet_version", "network", "model", "waveform", "seed", "rtol", "param.k_p"):
        assert str(f.attrs[k]) == prov[k], (k, f.attrs[k], prov[k])
    assert f.attrs["command"].startswith("memnet simulate"), f.attrs["command"]
    assert f.attrs["memnet_format"] == "memnet-h5 1"
    assert f["edges/state"].compression == "gzip" or f["edges/state"].shape[1] < 512
    # the network file: its size and FNV-1a 64 hash (computed here)
    data = open(prov["network"], "rb").read()
    h = 1469598103934665603
    for b in data:
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    assert f.attrs["network_fnv1a64"] == "%016x" % h and f.attrs["network_size"] == str(len(data))
EOF

# ---------------------------------------------------------------- the --electrode form
eopts="--network $tmp/net.txt --model miranda --electrode in=0:dc:1 --electrode out=3:ground --electrode side=1:float --t-end 5 --dt-out 0.5"
"$memnet" simulate $eopts --out "$tmp/e.csv" > /dev/null || fail "--electrode CSV run failed"
"$memnet" simulate $eopts --out "$tmp/e.h5" > /dev/null || fail "--electrode HDF5 run failed"
$py - "$tmp" << 'EOF' || fail "--electrode: HDF5 and CSV differ"
import sys, h5py, numpy as np
tmp = sys.argv[1]
rows = [l for l in open(tmp + "/e.csv") if not l.startswith("#")]
head = rows[0].strip().split(",")
csv = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
f = h5py.File(tmp + "/e.h5", "r")
names = f.attrs["electrode_names"].split(",")
assert "series" not in f or "source" not in f["series"]
for j, nm in enumerate(names):
    for q in ("V", "I"):
        a, b = f["electrodes/" + q][:, j], csv[:, head.index(q + "_" + nm)]
        assert np.array_equal(a, b), (nm, q, a, b)
EOF

# ---------------------------------------------------------------- --restart appends
"$memnet" simulate $common --t-end 20 --checkpoint "$tmp/cpA" --checkpoint-every 10 --out "$tmp/ra.h5" \
    --record states > /dev/null || fail "run A failed"
"$memnet" simulate $common --t-end 14 --checkpoint "$tmp/cpB" --checkpoint-every 10 --out "$tmp/rb.h5" \
    --record states > /dev/null || fail "run B failed"
# B wrote samples up to 14; its checkpoint is at 10 (14 saved last: take the 10 one from a copy)
"$memnet" simulate $common --t-end 10 --checkpoint "$tmp/cpC" --out "$tmp/rc.h5" --record states > /dev/null ||
    fail "run C failed"
cp "$tmp/rb.h5" "$tmp/rd.h5"
"$memnet" simulate $common --t-end 20 --restart "$tmp/cpC" --out "$tmp/rd.h5" --record states > /dev/null ||
    fail "restart appending to a file with rows past the checkpoint failed"
"$memnet" simulate $common --t-end 20 --restart "$tmp/cpC" --out "$tmp/rc.h5" --record states > /dev/null ||
    fail "restart appending failed"
$py - "$tmp" << 'EOF' || fail "restarted HDF5 differs from the uninterrupted run"
import sys, h5py, numpy as np
tmp = sys.argv[1]
a = h5py.File(tmp + "/ra.h5", "r")
for other in ("rc.h5", "rd.h5"):
    b = h5py.File(tmp + "/" + other, "r")
    for d in ("time", "series/source", "mean_state", "edges/state", "electrodes/I"):
        assert np.array_equal(a[d][:], b[d][:]), (other, d, a[d].shape, b[d].shape)
    assert b.attrs["restart_time"] == "10" and b.attrs["resumed_time"] == 10.0
EOF
# a file without the checkpoint's samples is refused, naming both
"$memnet" simulate $common --t-end 4 --out "$tmp/short.h5" > /dev/null || fail "short run failed"
if "$memnet" simulate $common --t-end 20 --restart "$tmp/cpC" --out "$tmp/short.h5" > /dev/null 2> "$tmp/err"; then
    fail "restart accepted a file that lacks the checkpoint's samples"
fi
grep -q "do not belong together" "$tmp/err" || fail "restart mismatch message: $(cat "$tmp/err")"
# a CSV given to an HDF5 restart
if "$memnet" simulate $common --t-end 20 --restart "$tmp/cpC" --format hdf5 --out "$tmp/a.csv" > /dev/null 2> "$tmp/err"; then
    fail "restart appended HDF5 to a CSV file"
fi
grep -q "a.csv" "$tmp/err" || fail "no file name in: $(cat "$tmp/err")"

# ---------------------------------------------------------------- bad paths and options
if "$memnet" simulate $common --t-end 2 --out "$tmp/no/such/dir/x.h5" > /dev/null 2> "$tmp/err"; then
    fail "a path in a missing directory was accepted"
fi
grep -q "no/such/dir/x.h5" "$tmp/err" && grep -q "No such file or directory" "$tmp/err" ||
    fail "bad path message: $(cat "$tmp/err")"
set +e
"$memnet" simulate $common --t-end 2 --out "$tmp/x.csv" --record states > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "only for HDF5 output" "$tmp/err" || fail "--record with CSV: $(cat "$tmp/err")"
"$memnet" simulate $common --t-end 2 --out "$tmp/x.h5" --record sttes > /dev/null 2> "$tmp/err"
[ $? -ne 0 ] && grep -q '"sttes"' "$tmp/err" || fail "--record typo: $(cat "$tmp/err")"
"$memnet" simulate $common --t-end 2 --out "$tmp/x.h5" --format netcdf > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q '"netcdf"' "$tmp/err" || fail "--format netcdf: $(cat "$tmp/err")"
"$memnet" simulate $common --t-end 2 --out "$tmp/x.h5" --flush-every 0 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--flush-every 0 accepted"
set -e

# ---------------------------------------------------------------- signals mid-run
# a 40 x 40 lattice (3120 junctions) run long enough to be stopped: h5py reads the file while it
# grows (HDF5's file lock off for the reader), then SIGTERM (clean close: every sample up to
# the time reached) or SIGKILL (every flushed sample: a multiple of --flush-every)
"$memnet" generate lattice --kind square --nx 40 --ny 40 --out "$tmp/lat.txt" > /dev/null || fail "generate failed"
sopts="--network $tmp/lat.txt.mnet --model miranda --waveform sine:3:0.05 --t-end 400 --dt-out 0.05 --record states --flush-every 4 --quiet"
for sig in TERM KILL; do
    "$memnet" simulate $sopts --out "$tmp/sig-$sig.h5" > "$tmp/sig-$sig.out" 2> "$tmp/sig-$sig.err" &
    pid=$!
    HDF5_USE_FILE_LOCKING=FALSE $py - "$tmp/sig-$sig.h5" << 'EOF' || fail "SIG$sig: the growing file never reached 12 samples"
import sys, time, h5py
for _ in range(600):
    time.sleep(0.1)
    try:
        with h5py.File(sys.argv[1], "r") as f:
            if "time" in f and f["time"].shape[0] >= 12:
                sys.exit(0)
    except (OSError, KeyError):
        pass
sys.exit(1)
EOF
    kill -$sig $pid
    set +e
    wait $pid
    rc=$?
    set -e
    pid=
    if [ $sig = TERM ]; then
        [ $rc -eq 143 ] || fail "SIGTERM: exit status $rc, expected 143 ($(cat "$tmp/sig-TERM.err"))"
        grep -q '^status=interrupted' "$tmp/sig-TERM.out" || fail "SIGTERM: no status=interrupted"
    else
        [ $rc -eq 137 ] || fail "SIGKILL: exit status $rc, expected 137"
    fi
done
treached=$(sed -n 's/^t_reached=//p' "$tmp/sig-TERM.out")
$py - "$tmp" "$treached" << 'EOF' || fail "the files of the stopped runs"
import sys, math, h5py, numpy as np
tmp, treached = sys.argv[1], float(sys.argv[2])
term = h5py.File(tmp + "/sig-TERM.h5", "r")
kill = h5py.File(tmp + "/sig-KILL.h5", "r")
tt, tk = term["time"][:], kill["time"][:]
# SIGTERM: every sample k dt_out up to the time reached
n = int(math.floor(treached / 0.05 + 1e-9)) + 1
assert len(tt) == n and term["edges/state"].shape == (n, 3120), (len(tt), n, treached)
assert np.all(np.diff(tt) > 0) and np.allclose(tt, 0.05 * np.arange(n), rtol=0, atol=1e-12)
# SIGKILL: the flushed samples, a whole number of batches of 4, monotone
assert len(tk) >= 12 and len(tk) % 4 == 0, (len(tk), tk[-3:])
assert kill["edges/state"].shape == (len(tk), 3120) and np.all(np.diff(tk) > 0)
# both runs are the same computation: the common samples agree bit for bit
k = min(len(tt), len(tk))
assert np.array_equal(tt[:k], tk[:k]) and np.array_equal(term["edges/state"][:k], kill["edges/state"][:k])
assert np.array_equal(term["series/source"][:k], kill["series/source"][:k], equal_nan=True)
# a generated native network: its generator and arguments are attributes
assert term.attrs["network.generator"] == "lattice", dict(term.attrs)
assert term.attrs["network.command"].startswith("memnet generate lattice")
EOF
echo "simulate HDF5: CSV equality, --electrode, restart, errors and signals OK"
