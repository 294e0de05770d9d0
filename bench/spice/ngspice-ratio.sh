#!/bin/sh
# CPU time of memnet against Debian's ngspice on the same network and protocol: 000 Fig. 2a's
# pulse (2 V for 100 s, then a 0.1 V read to 200 s, samples every 2 s), miranda junctions with
# G_min = 1e-3, memnet BDF at rtol 1e-6; ngspice runs the behavioural netlist that
# `memnet export --spice` writes for the same network (default tolerances, internal steps
# <= 0.1 s). Prints, per size: junctions, CPU (user+sys) and wall of each, the CPU ratio, and
# the largest relative difference of the source current over the samples (the jump at 100 s
# excepted). Whole processes, timed with /usr/bin/time semantics through python's
# resource.getrusage(RUSAGE_CHILDREN).
# usage: bench/spice/ngspice-ratio.sh MEMNET WIRES[,WIRES...]   (density 10.4 wires per unit
#        area, as the demo's 3000 wires in 17 x 17)
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
sizes=${2:-304,3000}
exec /usr/bin/python3 - "$memnet" "$sizes" <<'PY'
import io, os, resource, subprocess, sys, tempfile, time
import numpy as np
memnet, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
tmp = tempfile.mkdtemp()

def timed(cmd, **kw):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, **kw)
    t1 = time.monotonic(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr[-500:]}")
    return p, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), t1 - t0

def raw(path):
    L = open(path).read().split("\n")
    nv = int(next(l for l in L if l.startswith("No. Variables:")).split(":")[1])
    i = next(k for k, l in enumerate(L) if l.startswith("Variables:"))
    names = [L[i + 1 + k].split("\t")[2] for k in range(nv)]
    j = next(k for k, l in enumerate(L) if l.startswith("Values:"))
    toks = " ".join(L[j + 1:]).split(); rows = []
    while toks:
        rows.append([float(t) for t in toks[1:nv + 1]]); toks = toks[nv + 1:]
    return names, np.array(rows)

print("wires junctions memnet_cpu_s memnet_wall_s ngspice_cpu_s ngspice_wall_s cpu_ratio max_rel_dI")
for n in sizes:
    w = (n / 10.4) ** 0.5
    out, _, _ = timed([memnet, "generate", "nanowire", "--wires", str(n), "--width", f"{w:.6g}",
                       "--height", f"{w:.6g}", "--seed", "1", "--out", "nw.txt"])
    kv = dict(l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
    common = ["--network", "nw.txt.mnet", "--model", "miranda", "--set", "G_min=1e-3",
              "--source", "left", "--drain", "right",
              "--waveform", "pwl:0:2,100:2,100:0.1,200:0.1", "--t-end", "200", "--dt-out", "2"]
    timed([memnet, "export", "--spice", *common, "--out", "p.cir"])
    _, mc, mw = timed([memnet, "simulate", *common, "--rtol", "1e-6", "--threads", "1",
                       "--out", "m.csv"])
    env = dict(os.environ, SPICE_ASCIIRAWFILE="1")
    _, sc, sw = timed(["ngspice", "-b", "-r", "p.raw", "p.cir"], env=env)
    names, rows = raw(os.path.join(tmp, "p.raw"))
    t = rows[:, names.index("time")]; I = -rows[:, names.index("i(ve0)")]
    d = np.genfromtxt(io.StringIO("".join(l for l in open(os.path.join(tmp, "m.csv"))
                                          if not l.startswith("#"))), delimiter=",", names=True)
    worst = 0.0
    for tk, ik in zip(d["t"], d["I"]):
        if abs(tk - 100) < 1e-9: continue
        j = int(np.argmin(abs(t - tk)))
        worst = max(worst, abs(I[j] - ik) / abs(ik))
    print(n, kv.get("junctions", "?"), f"{mc:.3f} {mw:.3f} {sc:.3f} {sw:.3f} {sc / mc:.0f} {worst:.2e}",
          flush=True)
PY
