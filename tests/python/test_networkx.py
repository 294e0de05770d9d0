#!/usr/bin/python3
"""memnet.from_networkx / to_networkx: a GraphML round trip is exact, G_eff of a converted
NetworkX graph equals a dense numpy solve built from the NetworkX edges, and the exported
potentials, currents and states obey Kirchhoff's current law and the model's closed form.
Run through tests/python/run-installed (the installed package); exit 77 without networkx."""
import io
import sys

import numpy as np

try:
    import networkx as nx
except ImportError:
    print("SKIP: networkx is not installed for %s" % sys.executable)
    sys.exit(77)

import memnet


def check(cond, what):
    if not cond:
        raise AssertionError(what)


# 1. memnet -> NetworkX -> GraphML -> NetworkX -> memnet is exact
g = memnet.nanowires(wires=300, width=6.0, height=6.0, length=1.0, seed=7)
rng = np.random.default_rng(1)
G = rng.uniform(1e-6, 1e-2, g.n_edges) * np.exp(rng.normal(0, 5, g.n_edges))
lengths = rng.uniform(0.01, 0.2, g.n_edges)
g.lengths = lengths
H = memnet.to_networkx(g, conductance=G)
check(H.number_of_nodes() == g.n_nodes and H.number_of_edges() == g.n_edges, "sizes")
buf = io.BytesIO()
nx.write_graphml(H, buf)
H2 = nx.read_graphml(io.BytesIO(buf.getvalue()))
g2 = memnet.from_networkx(H2)
u, v = g.edges
u2, v2 = g2.edges
check(np.array_equal(u, u2) and np.array_equal(v, v2), "edges differ after GraphML")
check(np.array_equal(g.lengths, g2.lengths, equal_nan=True), "lengths differ")
check(np.array_equal(g2.conductances, G), "conductances differ")
for a, b in zip(g.coords, g2.coords):
    check(np.array_equal(a, b), "coordinates differ")
s1 = {k: sorted(x.tolist()) for k, x in g.node_sets.items()}
s2 = {k: sorted(x.tolist()) for k, x in g2.node_sets.items()}
check(s1 == s2 and {"left", "right"} <= set(s1), "node sets %s vs %s" % (s1.keys(), s2.keys()))
print("GraphML round trip: %d nodes, %d edges, exact" % (g.n_nodes, g.n_edges))

# 2. G_eff of a NetworkX graph (labels are tuples, conductances an edge attribute) against a
#    dense solve of the Laplacian assembled here from the NetworkX edges
N = nx.grid_2d_graph(7, 5)
N.add_edge((0, 0), (6, 4))                  # one long-range edge
for a, b in N.edges:
    N.edges[a, b]["G"] = float(rng.uniform(0.1, 10.0))
for n in N.nodes:
    N.nodes[n]["pos"] = (float(n[0]), float(n[1]))
    N.nodes[n]["electrode"] = "left" if n[0] == 0 else ("right" if n[0] == 6 else "")
gn = memnet.from_networkx(N, conductance="G")
check(gn.node_labels == list(N.nodes), "labels")
geff = memnet.effective_conductance(gn, gn.conductances, "left", "right")
idx = {n: i for i, n in enumerate(N.nodes)}
L = np.zeros((len(idx), len(idx)))
for a, b, d in N.edges(data=True):
    i, j = idx[a], idx[b]
    L[i, i] += d["G"]
    L[j, j] += d["G"]
    L[i, j] -= d["G"]
    L[j, i] -= d["G"]
left = [idx[n] for n in N.nodes if n[0] == 0]
right = [idx[n] for n in N.nodes if n[0] == 6]
free = [i for i in range(len(idx)) if i not in left and i not in right]
phi = np.zeros(len(idx))
phi[left] = 1.0
phi[free] = np.linalg.solve(L[np.ix_(free, free)], -L[np.ix_(free, left)] @ phi[left])
ref = (L @ phi)[left].sum()                 # current out of the left electrode at 1 V
check(abs(geff - ref) <= 1e-12 * ref, "G_eff %.17g vs dense %.17g" % (geff, ref))
print("G_eff of a converted grid: %.12g S (dense numpy %.12g S)" % (geff, ref))

# 3. a solved Kirchhoff exported: potentials, KCL at every free node, I = G V on every edge
k = memnet.Kirchhoff(gn)
k.add_electrode("left", 1.0)
k.add_electrode("right", 0.0)
k.solve(gn.conductances)
K = memnet.to_networkx(k)
net_out = {n: 0.0 for n in K.nodes}
for a, b, d in K.edges(data=True):
    check(abs(d["current"] - d["conductance"] * d["voltage"]) <= 1e-12 * abs(d["current"])
          + 1e-15, "I = G V")
    check(abs(d["voltage"] - (K.nodes[a]["potential"] - K.nodes[b]["potential"])) <= 1e-12,
          "V = phi_u - phi_v")
    net_out[a] += d["current"]
    net_out[b] -= d["current"]
for n, d in K.nodes(data=True):
    if d.get("electrode", "") == "":
        check(abs(net_out[n]) < 1e-12, "KCL at %r: %g" % (n, net_out[n]))
check(all(abs(K.nodes[n]["potential"] - 1.0) < 1e-15 for n in N.nodes if n[0] == 0), "phi left")
inflow = sum(net_out[n] for n in N.nodes if n[0] == 0)
check(abs(inflow - ref) <= 1e-10 * ref, "electrode current %g vs %g" % (inflow, ref))
print("Kirchhoff export: KCL holds at %d free nodes" % len(free))

# 4. a simulation exported: state_g per edge and G = G_min + (G_max - G_min) g (000 eq. 2)
m = memnet.Model("miranda")
sim = memnet.Simulation(memnet.Network(gn, m))
sim.add_electrode("left", 1.0)
sim.add_electrode("right")
sim.init(random=(0.0, 1.0), seed=5)
sim.run(3.0, dt=1.0)
S = memnet.to_networkx(sim)
by_index = sorted(S.edges(data=True), key=lambda e: e[2]["edge"])
gs = np.array([d["state_g"] for _, _, d in by_index])
Gs = np.array([d["conductance"] for _, _, d in by_index])
check(np.array_equal(gs, sim.states), "state_g = sim.states")
Gref = m["Gmin"] + (m["Gmax"] - m["Gmin"]) * gs
check(np.allclose(Gs, Gref, rtol=1e-12), "G(g) closed form")
print("Simulation export: %d junction states and conductances" % len(gs))
