#!/usr/bin/python3
"""memnet.H5Recorder and Simulation.run(out=...): the file read with h5py equals the in-memory
Recording of the same run bit for bit (times, G_eff, states, edge currents), the recorder API
records two runs into one file, appends after a checkpoint like an uninterrupted run, and bad
input raises the exception classes a Python user catches. Run through tests/python/run-installed
(the installed package); exit 77 without h5py or without HDF5 in libmemnet."""
import os
import sys
import tempfile

import numpy as np

try:
    import h5py
except ImportError:
    print("SKIP: h5py is not installed for %s" % sys.executable)
    sys.exit(77)

import memnet

if not memnet.h5.available():
    print("SKIP: this libmemnet was built without HDF5")
    sys.exit(77)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


tmp = tempfile.mkdtemp()
g = memnet.nanowires(wires=200, width=5.0, height=5.0, length=1.0, seed=3)
net = memnet.Network(g, memnet.Model("miranda"))


def new_sim():
    sim = memnet.Simulation(net)
    sim.add_electrode("left", "pwl:0:2,10:2,10:0.1,20:0.1")
    sim.add_electrode("right")
    sim.record_edges(None, currents=True)
    return sim


# 1. run(out=...) writes what the Recording holds
sim = new_sim()
path = os.path.join(tmp, "run.h5")
rec = sim.run(20.0, dt=0.5, out=path, record="states,currents")
with h5py.File(path, "r") as f:
    check(np.array_equal(f["time"][:], rec.t), "time")
    check(np.array_equal(f["G_eff"][:], rec.G, equal_nan=True), "G_eff")
    check(np.array_equal(f["edges/state"][:], rec.x), "states")
    check(np.array_equal(f["edges/current"][:], rec.I_edges), "edge currents")
    check(np.array_equal(f["electrodes/I"][:, 0], rec.I[:, 0] if rec.I.ndim == 2 else rec.I),
          "electrode current")
    check(f.attrs["memnet_version"] == memnet.version(), "memnet_version attribute")
    check(f["edges/state"].shape == (41, g.n_edges), "shape %s" % (f["edges/state"].shape,))
print("run(out=...): %d samples x %d states equal to the Recording" % rec.x.shape)

# 2. one file over two runs, with attributes, a subset of edges and a mid-run flush
sim = new_sim()
path2 = os.path.join(tmp, "two.h5")
edges = [5, 1, 9]
with memnet.H5Recorder(sim, path2, record=["states"], edges=edges, flush_every=4,
                       attributes={"experiment": "two runs"}) as h5:
    r1 = sim.run(10.0, dt=0.5)
    h5.flush()
    check(h5.sample_count == 21 and h5.last_time == 10.0, "count after the first run")
    r2 = sim.run(20.0, dt=0.5)
with h5py.File(path2, "r") as f:
    check(np.array_equal(f["time"][:], r2.t), "time over two runs")
    off = net.state_offsets
    cols = np.concatenate([np.arange(off[e], off[e + 1]) for e in edges])
    full = sim.recording.x  # all edges were recorded by record_edges(None)
    check(np.array_equal(f["edges/state"][:], full[:, cols]), "edge subset")
    check(list(f["edges/index"][:]) == edges, "edge index")
    check(f.attrs["experiment"] == "two runs", "attribute")

# 3. a checkpoint restart appending to the file equals the run that saved and went on (the
#    samples after the checkpoint given as times after it: run(dt=) would sample its start)
cp = os.path.join(tmp, "cp")
after = np.arange(17, 41) * 0.5
ref, res = os.path.join(tmp, "ref.h5"), os.path.join(tmp, "res.h5")
sim = new_sim()
with memnet.H5Recorder(sim, ref, record="states"):
    sim.run(8.0, dt=0.5)
    sim.checkpoint_save(cp)
    sim.run(20.0, times=after)
sim = new_sim()
with memnet.H5Recorder(sim, res, record="states"):
    sim.run(8.0, dt=0.5)
    sim.checkpoint_save(cp)
    sim.run(13.0, times=after[after <= 13])  # rows after the checkpoint: removed on append
sim = new_sim()
sim.checkpoint_load(cp)
with memnet.H5Recorder(sim, res, record="states", append=True) as h5:
    check(h5.sample_count == 17 and h5.last_time == 8.0, "kept %d samples" % h5.sample_count)
    sim.run(20.0, times=after)
with h5py.File(ref, "r") as a, h5py.File(res, "r") as b:
    check(a["time"].shape == (41,), "reference rows %s" % (a["time"].shape,))
    for d in ("time", "edges/state", "electrodes/V", "electrodes/I", "mean_state"):
        check(np.array_equal(a[d][:], b[d][:]), "append: %s differs" % d)
print("H5Recorder: two runs in one file, edge subset, checkpoint append: equal")

# 4. errors a Python user catches
try:
    new_sim().run(1.0, dt=0.5, out=os.path.join(tmp, "no", "such", "dir.h5"))
    check(False, "a missing directory was accepted")
except OSError as e:
    check("No such file or directory" in str(e) and "dir.h5" in str(e), str(e))
try:
    memnet.H5Recorder(new_sim(), os.path.join(tmp, "x.h5"), record="sttes")
    check(False, "a bad record item was accepted")
except ValueError as e:
    check("sttes" in str(e), str(e))
try:
    memnet.H5Recorder(new_sim(), os.path.join(tmp, "y.h5"), flush_every=0)
    check(False, "flush_every=0 was accepted")
except ValueError as e:
    check("flush interval" in str(e), str(e))
print("errors: OSError and ValueError with the path and the value")
