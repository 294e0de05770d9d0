"""`memnet export --spice` checked in Debian's ngspice on a small nanowire network:
1. resistor snapshot at random states: ngspice's operating-point current equals G_eff of a
   dense numpy solve of the same Laplacian and memnet's own t = 0 sample (1e-6 relative);
2. behavioural miranda junctions under 000's pulse protocol (2 V, then a 0.1 V read,
   shortened): ngspice's source current equals memnet simulate's at every sample (1e-3
   relative; the jump instant itself is skipped, ngspice's PWL has a 1e-9 t_end ramp there);
3. behavioural strukov_hp (Joglekar window) under a bipolar triangle: the same comparison
   relative to the largest current;
4. a model without a behavioural form is refused with its name, exit status 1.
Usage: ngspice_check.py MEMNET"""
import io
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

memnet = os.path.abspath(sys.argv[1])
ngspice = shutil.which("ngspice")
if not ngspice:
    print("ngspice not installed (scripts/deps installs it)")
    sys.exit(77)
tmp = tempfile.mkdtemp()
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def run(*args, ok=True):
    p = subprocess.run([memnet, *args], capture_output=True, text=True, cwd=tmp)
    if ok and p.returncode != 0:
        print(p.stdout, p.stderr)
        raise SystemExit(f"memnet {args[0]} failed")
    return p


def read_raw(path):
    """ngspice ASCII raw file -> (names, rows)"""
    lines = open(path).read().split("\n")
    nv = int(next(l for l in lines if l.startswith("No. Variables:")).split(":")[1])
    i = next(k for k, l in enumerate(lines) if l.startswith("Variables:"))
    names = [lines[i + 1 + k].split("\t")[2] for k in range(nv)]
    j = next(k for k, l in enumerate(lines) if l.startswith("Values:"))
    toks = " ".join(lines[j + 1:]).split()
    rows = []
    while toks:
        rows.append([float(t) for t in toks[1:nv + 1]])
        toks = toks[nv + 1:]
    return names, np.array(rows)


def spice(netlist):
    raw = os.path.join(tmp, netlist + ".raw")
    env = dict(os.environ, SPICE_ASCIIRAWFILE="1")
    p = subprocess.run([ngspice, "-b", "-r", raw, netlist], capture_output=True, text=True,
                       cwd=tmp, env=env)
    if p.returncode != 0 or not os.path.exists(raw):
        print(p.stdout[-2000:], p.stderr[-2000:])
        raise SystemExit("ngspice failed on " + netlist)
    return read_raw(raw)


def csv(path):
    text = "".join(l for l in open(path) if not l.startswith("#"))
    return np.genfromtxt(io.StringIO(text), delimiter=",", names=True)


# the network: 150 sticks in a 3 x 3 box (spans; about 660 junctions)
run("generate", "nanowire", "--wires", "150", "--width", "3", "--height", "3", "--seed", "2",
    "--out", "nw.txt")
net = os.path.join(tmp, "nw.txt.mnet")
lines = open(net).read().split("\n")

# ---- 1. resistor snapshot at random states
rng = np.random.default_rng(7)
edges = np.loadtxt(os.path.join(tmp, "nw.txt"), comments="#", usecols=(0, 1), dtype=int)
m = len(edges)
x = rng.uniform(0.0, 1.0, m)
np.savetxt(os.path.join(tmp, "x.txt"), x, fmt="%.17g")
gmin, gmax = 1e-3, 1.0
run("export", "--spice", "--network", net, "--model", "miranda", "--set", f"Gmin={gmin}",
    "--source", "left", "--drain", "right", "--states", "x.txt", "--out", "snap.cir")
names, rows = spice("snap.cir")
i_spice = -rows[0, names.index("i(ve0)")]

# independent reference: dense Laplacian with electrodes as Dirichlet nodes
sets = {}
toks = [t for l in lines if not l.startswith("#") for t in l.split()]
n = int(toks[toks.index("nodes") + 1])
for k, t in enumerate(toks):
    if t == "set":
        cnt = int(toks[k + 2])
        sets[toks[k + 1]] = [int(v) for v in toks[k + 3:k + 3 + cnt]]
left, right = sets["left"], sets["right"]
G = gmin + (gmax - gmin) * x
L = np.zeros((n, n))
for (u, v), g in zip(edges, G):
    L[u, u] += g
    L[v, v] += g
    L[u, v] -= g
    L[v, u] -= g
phi = np.zeros(n)
fixed = np.zeros(n, bool)
fixed[left] = fixed[right] = True
phi[left] = 1.0
free = ~fixed
# free nodes in components joined to no electrode are singular: drop them (zero rows)
A = L[np.ix_(free, free)]
b = -L[np.ix_(free, fixed)] @ phi[fixed]
sol = np.linalg.lstsq(A, b, rcond=None)[0]
phi[free] = sol
i_dense = sum(g * (phi[u] - phi[v]) * ((u in left) - (v in left))
              for (u, v), g in zip(edges, G) if (u in left) != (v in left))
check(abs(i_spice - i_dense) <= 1e-6 * abs(i_dense),
      f"resistor snapshot: ngspice I = {i_spice:.15g}, dense solve {i_dense:.15g}")

run("simulate", "--network", net, "--model", "miranda", "--set", f"Gmin={gmin}", "--source",
    "left", "--drain", "right", "--waveform", "dc:1", "--t-end", "1e-9", "--dt-out", "1e-9",
    "--init", "file:" + os.path.join(tmp, "x.txt"), "--out", "t0.csv")
i_memnet = csv(os.path.join(tmp, "t0.csv"))["I"][0]
check(abs(i_spice - i_memnet) <= 1e-6 * abs(i_memnet),
      f"resistor snapshot: ngspice I = {i_spice:.15g}, memnet {i_memnet:.15g}")


def transient(model, sets_, wave, t_end, dt, init, tol, skip=(), per_sample=True):
    """worst |I_ngspice - I_memnet| over the samples, relative to |I_memnet| of the sample,
    or to max |I_memnet| (per_sample=False: a drive that crosses zero)"""
    common = ["--network", net, "--model", model, "--source", "left", "--drain", "right",
              "--waveform", wave, "--t-end", str(t_end), "--dt-out", str(dt)]
    for s in sets_:
        common += ["--set", s]
    run("export", "--spice", *common, "--init", str(init), "--out", model + ".cir")
    run("simulate", *common, "--init", str(init), "--rtol", "1e-9", "--atol", "1e-13",
        "--out", model + ".csv")
    names, rows = spice(model + ".cir")
    t = rows[:, names.index("time")]
    i_sp = -rows[:, names.index("i(ve0)")]
    d = csv(os.path.join(tmp, model + ".csv"))
    worst = 0.0
    scale = np.max(np.abs(d["I"]))
    for tk, ik in zip(d["t"], d["I"]):
        if any(abs(tk - s) < 1e-9 for s in skip):
            continue
        j = int(np.argmin(abs(t - tk)))
        if abs(t[j] - tk) > 1e-9 * t_end:
            check(False, f"{model}: ngspice has no sample at t = {tk}")
            return
        worst = max(worst, abs(i_sp[j] - ik) / (abs(ik) if per_sample else scale))
    check(worst <= tol, f"{model} behavioural: worst current difference / "
                        f"{'|I|' if per_sample else 'max |I|'} {worst:.2e} "
                        f"<= {tol:g} over {len(d)} samples")


# ---- 2. miranda under 000 Fig. 2a's pulse (shortened to 20 s + 20 s)
transient("miranda", ["Gmin=1e-3"], "pwl:0:2,20:2,20:0.1,40:0.1", 40, 1, 0, 1e-3, skip=(20,))

# ---- 3. strukov_hp, Joglekar window, under a sine
transient("strukov_hp", ["window=joglekar", "x0=0.2"], "tri:-1:1:2:2", 4, 0.2, 0.2, 1e-3,
          per_sample=False)

# ---- 4. refusal
p = run("export", "--spice", "--network", net, "--model", "hillock", "--source", "left",
        "--drain", "right", "--waveform", "dc:1", "--t-end", "1", "--dt-out", "0.1",
        "--length-column", "1", "--out", "h.cir", ok=False)
check(p.returncode == 1 and "hillock" in p.stderr and not os.path.exists(os.path.join(tmp, "h.cir")),
      f"hillock behavioural refused naming the model (exit {p.returncode}: {p.stderr.strip()})")

shutil.rmtree(tmp)
print(f"ngspice: {fails} failed")
sys.exit(1 if fails else 0)
