#!/usr/bin/python3
"""memnet.reservoir (the Python binding of reservoir.h) against independent references:
ridge weights against numpy's least squares on the augmented system [Z; sqrt(n lambda) I],
the memory capacity of a delay line, and a 300-wire reservoir on sine->double frequency and
memory against the raw-input baseline (docs/reservoir.md)."""
import sys

try:
    import numpy as np
except ImportError:
    sys.exit(77)

import memnet
from memnet import reservoir as rc


def check(cond, msg):
    if not cond:
        print("FAIL:", msg)
        sys.exit(1)


rng = np.random.default_rng(3)

# ridge: standardised Z, ||y - ybar - Z w||^2 + n lambda ||w||^2 by lstsq of the augmented system
n, p, lam = 200, 5, 0.05
X = rng.normal(size=(n, p)) * np.array([1, 10, 0.1, 3, 1]) + np.array([0, 5, -2, 1, 7])
y = X @ np.array([1.0, -0.2, 4.0, 0.5, 0.0]) + 0.3 * rng.normal(size=n)
mu, sd = X.mean(0), X.std(0)
Z = (X - mu) / sd
A = np.vstack([Z, np.sqrt(n * lam) * np.eye(p)])
w = np.linalg.lstsq(A, np.concatenate([y - y.mean(), np.zeros(p)]), rcond=None)[0]
Wref = w / sd
bref = y.mean() - mu @ Wref
r = rc.Readout(lambdas=[lam]).fit(X, y)
W, b = r.weights
check(np.allclose(W[:, 0], Wref, rtol=1e-9, atol=1e-12), "ridge weights %s vs %s" % (W[:, 0], Wref))
check(abs(b[0] - bref) < 1e-9 * max(1, abs(bref)), "intercept")
check(np.allclose(r.predict(X), X @ Wref + bref, atol=1e-9), "prediction")
check(abs(rc.nmse(y, r.predict(X)) - np.sum((y - r.predict(X)) ** 2) / np.sum((y - y.mean()) ** 2)) < 1e-12,
      "nmse")
# cross-validation picks a grid value and reports its curve
r = rc.Readout(lambdas=np.logspace(-8, 2, 11), folds=4).fit(X, y)
curve = r.cv_curve()
check(curve is not None and r.stat("lambda") == r.lambdas[np.argmin(curve)], "CV choice = argmin")

# memory capacity of a delay line of 4 taps: MC_k = 1 for k < 4
u = rng.uniform(-1, 1, 3000)
D = np.stack([np.concatenate([np.zeros(i), u[:len(u) - i]]) for i in range(4)], axis=1)
mc, tot = rc.Readout().memory_capacity(D, u, 6, 10, 2000)
check(np.all(mc[:4] > 0.999) and np.all(mc[4:] < 0.01) and abs(tot - 3) < 0.05, "delay line %s" % mc)

# classification: well separated blobs
lab = np.arange(300) % 3
Xc = rng.normal(size=(300, 3)) + 6 * np.eye(3)[lab]
check(rc.accuracy(lab, rc.Readout().fit_classes(Xc, lab).classify(Xc)) == 1.0, "blobs")

# a 300-wire reservoir, 5 inputs and 3 outputs
g = rc.nanowire_network(wires=300, inputs=5, outputs=3, radius=0.2, seed=2)
res = rc.Reservoir(memnet.Network(g, "miranda"), step=1.0)
scales = [2.0, -1.5, 1.2, -1.9, 1.0]
for k in range(5):
    res.add_input("in%d" % k, bias=1.0, scale=scales[k])
for k in range(3):
    res.add_output("out%d" % k)
check(res.feature_count == 8 and res.feature_names[5] == "Iout0", "features %s" % res.feature_names)
u, y = rc.task("sine-double", 800)
F = res.run(np.repeat(u[:, None], 5, axis=1))
tr, te = slice(100, 590), slice(590, 800)
s = rc.nmse(y[te], rc.Readout().fit(F[tr], y[tr]).predict(F[te]))
base = rc.nmse(y[te], rc.Readout().fit(u[tr, None], y[tr]).predict(u[te, None]))
check(s < 0.3 and base > 0.98, "sine-double: reservoir %g, raw input %g" % (s, base))
m, _ = rc.task("memory", 1200)
F = res.run(np.repeat(m[:, None], 5, axis=1))
_, mc = rc.Readout().memory_capacity(F, m, 20, 50, 800)
_, mb = rc.Readout().memory_capacity(m[:, None], m, 20, 50, 800)
check(mc > mb + 0.3, "memory: reservoir %g, raw input %g" % (mc, mb))
try:
    res.run(np.zeros((3, 4)))
    check(False, "wrong input width accepted")
except ValueError:
    pass
print("ok: sine-double %.3f vs %.3f, MC %.3f vs %.3f" % (s, base, mc, mb))
