# Synthetic lab data for `memnet fit`: the effective miranda model (000 eqs. 7-10) integrated by
# scipy (an independent integrator), 2 V for 100 s then a 0.1 V read (000 Fig. 2a), with 0.5 %
# Gaussian noise. usage: fit-reference.py OUT.csv SEED
import sys
import numpy as np
from scipy.integrate import solve_ivp

Gmin, chi, kp, kd, ep, ed = 1e-3, 20.0, 1e-3, 5e-2, 3.0, 3.0

def rate(g, v):
    u = v / (1 + chi * g)
    return kp * np.exp(ep * u) * (1 - g) - kd * np.exp(-ed * u) * g

t = np.linspace(0, 200, 401)
V = np.where(t < 100, 2.0, 0.1)
g = [0.0]
for i in range(1, len(t)):
    s = solve_ivp(lambda tt, y: [rate(y[0], V[i - 1])], (t[i - 1], t[i]), [g[-1]],
                  rtol=1e-12, atol=1e-15, method="DOP853")
    g.append(s.y[0, -1])
G = Gmin * (1 + chi * np.array(g))
rng = np.random.default_rng(int(sys.argv[2]))
Gn = G + 0.005 * G[200] * rng.standard_normal(len(G))
with open(sys.argv[1], "w") as f:
    f.write("t,V,G,G_true\n")
    for a, b, c, d in zip(t, V, Gn, G):
        f.write("%.10g,%.10g,%.17g,%.17g\n" % (a, b, c, d))
