"""NetworkX graphs in and out: from_networkx() and to_networkx() (needs networkx).

A memnet graph's edges are oriented (u -> v, V_e = phi_u - phi_v) and numbered: the edge index
is the index of the junction's state. to_networkx() therefore makes a DiGraph (a MultiDiGraph
when two edges join the same ordered pair) whose edges are added in index order and carry that
index as the attribute "edge"; from_networkx() orders edges by "edge" when every edge has it,
else takes them in G.edges order. Node ids are 0..n-1 in G.nodes order; the original labels are
kept as graph.node_labels.

Attributes (all GraphML-safe scalars, so nx.write_graphml / nx.read_graphml round-trip them):

  nodes  x, y            coordinates (length unit of the geometry)
         electrode       names of the node sets the node belongs to, comma-separated
         potential       phi in V (from a solved Kirchhoff or a Simulation)
  edges  edge            memnet's edge index
         length          gap length (length unit), when the graph has lengths
         conductance     G_e in S (given, or from a Kirchhoff / Simulation)
         voltage         V_e = phi_u - phi_v in V (Kirchhoff / Simulation)
         current         I_e = G_e (V_e + S_e) in A (Kirchhoff / Simulation)
         state_<name>    each state of the junction's model (Simulation), e.g. state_g
"""

import numpy as np

from .graph import Graph

__all__ = ["from_networkx", "to_networkx"]


def _edge_list(G):
    """(u, v, data) of every edge, in memnet's order."""
    if G.is_multigraph():
        edges = [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True)]
    else:
        edges = list(G.edges(data=True))
    if edges and all("edge" in d for _, _, d in edges):
        order = sorted(range(len(edges)), key=lambda i: int(edges[i][2]["edge"]))
        edges = [edges[i] for i in order]
    return edges


def _edge_values(edges, spec, what):
    """Per-edge floats from an attribute name, a callable (u, v, data) -> value, an array, or
    None (then None)."""
    if spec is None:
        return None
    if isinstance(spec, str):
        missing = [(u, v) for u, v, d in edges if spec not in d]
        if len(missing) == len(edges):
            return None
        if missing:
            raise ValueError("%s: edge %r has no attribute %r (%d of %d edges lack it)"
                             % (what, missing[0], spec, len(missing), len(edges)))
        return np.array([float(d[spec]) for _, _, d in edges])
    if callable(spec):
        return np.array([float(spec(u, v, d)) for u, v, d in edges])
    a = np.asarray(spec, dtype=float)
    if a.shape != (len(edges),):
        raise ValueError("%s: expected %d values, got shape %s" % (what, len(edges), a.shape))
    return a


def from_networkx(G, conductance="conductance", length="length", pos="pos",
                  electrode="electrode", ctx=None):
    """A memnet.Graph from a NetworkX graph (Graph, DiGraph or their Multi- forms).

    G            the graph; node i of memnet is the i-th node of G.nodes, each edge is
                 oriented as G.edges yields it (u -> v), ordered by the attribute "edge"
                 when every edge has one (see the module docstring).
    conductance  edge attribute name, callable (u, v, data) -> S, or array of n_edges values:
                 the junction conductances in S, returned as graph.conductances (None when
                 no edge has the attribute). Use them with Kirchhoff.solve or
                 effective_conductance.
    length       edge attribute (name, callable or array) for the gap lengths, in the
                 geometry's length unit (Graph.lengths; hillock and filament models use them).
    pos          node positions: a node attribute holding (x, y) (default "pos"), a pair of
                 attribute names such as ("x", "y"), or a dict node -> (x, y) as NetworkX's
                 layouts return. When the named attribute is absent, "x" and "y" are tried.
    electrode    node attribute naming the node set(s) a node belongs to ("left", or
                 "left,probe" for several), which become the graph's named node sets.

    Returns the Graph, with graph.node_labels (the NetworkX label of each memnet node) and
    graph.conductances (array in S or None). Raises ValueError (memnet.InvalidError) for an
    attribute present on some edges only or an array of the wrong length.
    """
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = _edge_list(G)
    u = np.array([index[a] for a, _, _ in edges], dtype=np.int64)
    v = np.array([index[b] for _, b, _ in edges], dtype=np.int64)
    g = Graph.from_edges(u, v, n_nodes=len(nodes), ctx=ctx)
    lengths = _edge_values(edges, length, "length")
    if lengths is not None:
        g.lengths = lengths
    # positions
    xy = None
    if isinstance(pos, dict):
        xy = [pos[n] for n in nodes]
    elif isinstance(pos, (tuple, list)) and len(pos) == 2:
        if all(pos[0] in G.nodes[n] and pos[1] in G.nodes[n] for n in nodes):
            xy = [(G.nodes[n][pos[0]], G.nodes[n][pos[1]]) for n in nodes]
    elif isinstance(pos, str):
        if nodes and all(pos in G.nodes[n] for n in nodes):
            xy = [G.nodes[n][pos] for n in nodes]
        elif nodes and all("x" in G.nodes[n] and "y" in G.nodes[n] for n in nodes):
            xy = [(G.nodes[n]["x"], G.nodes[n]["y"]) for n in nodes]
    if xy is not None and nodes:
        a = np.array(xy, dtype=float)
        g.coords = (a[:, 0], a[:, 1])
    # node sets
    if electrode is not None:
        sets = {}
        for n in nodes:
            val = G.nodes[n].get(electrode)
            if val is None or val == "":
                continue
            for name in str(val).split(","):
                if name.strip():
                    sets.setdefault(name.strip(), []).append(index[n])
        for name, ids in sets.items():
            g.set_node_set(name, ids)
    g.conductances = _edge_values(edges, conductance, "conductance")
    g.node_labels = nodes
    return g


def _source_parts(source):
    """(graph, conductances, potentials, voltages, currents, states-by-name) of a Graph,
    Kirchhoff or Simulation."""
    from .kirchhoff import Kirchhoff
    from .sim import Simulation
    if isinstance(source, Graph):
        return source, getattr(source, "conductances", None), None, None, None, None
    if isinstance(source, Kirchhoff):
        g = source.graph
        return (g, source.conductances, source.potentials, source.edge_voltages,
                source.edge_currents, None)
    if isinstance(source, Simulation):
        net = source.network
        g = net.graph
        x = source.states
        off = net.state_offsets
        which = net.edge_models
        m = g.n_edges
        states = {}
        for k in range(int(np.max(which, initial=-1)) + 1):
            names = net.model_state_names(k)
            edges_k = np.nonzero(which == k)[0]
            for j, name in enumerate(names):
                col = states.setdefault("state_" + name, np.full(m, np.nan))
                col[edges_k] = x[off[edges_k] + j]
        return (g, source.conductances, source.potentials, source.edge_voltages,
                source.edge_currents, states)
    raise TypeError("to_networkx: expected a memnet Graph, Kirchhoff or Simulation, got %s"
                    % type(source).__name__)


def to_networkx(source, conductance=None, labels=None):
    """A NetworkX DiGraph (MultiDiGraph if two edges join the same ordered pair) of a
    memnet.Graph, a solved Kirchhoff or a Simulation, with the attributes listed in the module
    docstring: x, y, electrode, potential on nodes; edge, length, conductance, voltage,
    current and state_<name> on edges (only those the source has).

    conductance  per-edge conductances in S to attach (overrides the source's own).
    labels       node labels to use (default graph.node_labels when the graph came from
                 from_networkx, else 0..n-1).
    """
    import networkx as nx
    g, G_e, phi, V_e, I_e, states = _source_parts(source)
    if conductance is not None:
        G_e = np.asarray(conductance, dtype=float)
        if G_e.shape != (g.n_edges,):
            raise ValueError("conductance: expected %d values" % g.n_edges)
    n = g.n_nodes
    u, v = g.edges
    if labels is None:
        labels = getattr(g, "node_labels", None) or list(range(n))
    if len(labels) != n:
        raise ValueError("labels: expected %d, got %d" % (n, len(labels)))
    pairs = set(zip(u.tolist(), v.tolist()))
    H = nx.DiGraph() if len(pairs) == len(u) else nx.MultiDiGraph()
    coords = g.coords
    member = [[] for _ in range(n)]
    for name, ids in sorted(g.node_sets.items()):
        for i in ids:
            member[i].append(name)
    for i in range(n):
        attrs = {}
        if coords is not None:
            attrs["x"] = float(coords[0][i])
            attrs["y"] = float(coords[1][i])
        if member[i]:
            attrs["electrode"] = ",".join(member[i])
        if phi is not None:
            attrs["potential"] = float(phi[i])
        H.add_node(labels[i], **attrs)
    lengths = g.lengths
    cols = [("length", lengths), ("conductance", G_e), ("voltage", V_e), ("current", I_e)]
    if states:
        cols += sorted(states.items())
    cols = [(k, a.tolist()) for k, a in cols if a is not None]
    ul, vl = u.tolist(), v.tolist()
    for e in range(len(ul)):
        attrs = {"edge": e}
        for k, a in cols:
            attrs[k] = a[e]
        H.add_edge(labels[ul[e]], labels[vl[e]], **attrs)
    return H
