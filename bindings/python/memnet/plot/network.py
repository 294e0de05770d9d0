"""Draw a memnet network and, from a Kirchhoff solve, its potential and current maps.

Run with Debian's Python (python3-matplotlib, python3-numpy):

    python3 -m memnet.plot.network NET.mnet --out PREFIX
        [--particles P.csv | --wires W.csv]      (from memnet generate --particles-out/--wires-out)
        [--node-csv N.csv --edge-csv E.csv]      (from memnet solve --node-out/--edge-out)
        [--title TEXT] [--dpi 150]

Writes PREFIX-network.png (the graph with its electrodes, like 003 Fig. 4a-c) and, when the
solve CSV files are given, PREFIX-potential.png (nodes or particle groups coloured by their
potential, 003 Fig. 4d-f) and PREFIX-current.png (edges coloured by |I| on a log scale, edges
carrying no current pale blue, 003 Fig. 4g-i). Node CSV columns: node,x,y,phi; edge CSV
columns: edge,u,v,G,V,I (extra columns are ignored).
"""
import argparse
import csv
import math
import sys

import matplotlib

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import EllipseCollection, LineCollection

ELECTRODE_COLOURS = ["tab:orange", "hotpink", "tab:green", "tab:purple", "tab:brown",
                     "tab:cyan", "tab:olive", "tab:red"]


def read_native(path):
    """Parse a native memnet network file (docs/file-formats.md)."""
    toks = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                toks.append(line.split())
    it = iter(toks)
    head = next(it)
    if head[0] != "memnet-network":
        sys.exit(f"{path}: not a memnet network file")
    hdr = next(it)
    n = int(hdr[1])
    xy = "xy" in hdr[2:]
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if xy:
        for i in range(n):
            t = next(it)
            x[i], y[i] = float(t[0]), float(t[1])
    hdr = next(it)
    m = int(hdr[1])
    has_len = "length" in hdr[2:]
    has_pos = "position" in hdr[2:]
    ncols = int(hdr[hdr.index("columns") + 1]) if "columns" in hdr else 0
    u = np.zeros(m, dtype=np.int64)
    v = np.zeros(m, dtype=np.int64)
    length = np.full(m, np.nan)
    cols = np.full((ncols, m), np.nan)
    for e in range(m):
        t = next(it)
        u[e], v[e] = int(t[0]), int(t[1])
        k = 2
        if has_len:
            length[e] = float(t[k])
            k += 1
        if has_pos:
            k += 2
        for c in range(ncols):
            cols[c, e] = float(t[k + c])
    sets = {}
    for t in it:
        if t[0] == "end":
            break
        if t[0] == "set":
            name, cnt = t[1], int(t[2])
            ids = []
            while len(ids) < cnt:
                ids.extend(int(s) for s in next(it))
            sets[name] = np.array(ids, dtype=np.int64)
    return dict(n=n, x=x, y=y, u=u, v=v, length=length, cols=cols, sets=sets)


def read_csv(path):
    with open(path) as f:  # skip the '# key=value' provenance lines
        rows = list(csv.DictReader(ln for ln in f if not ln.startswith("#")))
    if not rows:
        return {}
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


def setup_axes(net, title, extra=None):
    fig, ax = plt.subplots(figsize=(7, 7 * aspect(net, extra)))
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fig, ax


def aspect(net, extra):
    xs, ys = net["x"], net["y"]
    if extra is not None and "x" in extra:
        xs, ys = extra["x"], extra["y"]
    w = np.nanmax(xs) - np.nanmin(xs)
    h = np.nanmax(ys) - np.nanmin(ys)
    if not (w > 0 and h > 0):
        return 1.0
    return min(max(h / w, 0.3), 2.0)


def segments(net):
    x, y, u, v = net["x"], net["y"], net["u"], net["v"]
    return np.stack([np.stack([x[u], y[u]], axis=1), np.stack([x[v], y[v]], axis=1)], axis=1)


def draw_background(ax, net, particles, wires, particle_colours=None):
    if particles is not None:
        px, py = particles["x"], particles["y"]
        cols = particle_colours if particle_colours is not None else "lightsteelblue"
        ax.add_collection(EllipseCollection(np.ones(len(px)), np.ones(len(px)), np.zeros(len(px)),
                                            units="xy", offsets=np.stack([px, py], axis=1),
                                            transOffset=ax.transData, facecolors=cols,
                                            edgecolors="none", alpha=0.9))
        ax.set_xlim(px.min() - 1, px.max() + 1)
        ax.set_ylim(py.min() - 1, py.max() + 1)
    if wires is not None:
        segs = np.stack([np.stack([wires["x0"], wires["y0"]], axis=1),
                         np.stack([wires["x1"], wires["y1"]], axis=1)], axis=1)
        kept = wires["node"] >= 0
        ax.add_collection(LineCollection(segs[~kept], colors="0.85", linewidths=0.5))
        ax.add_collection(LineCollection(segs[kept], colors="0.45", linewidths=0.7))
        ax.autoscale()


def draw_electrodes(ax, net, size):
    handles = []
    for k, (name, ids) in enumerate(net["sets"].items()):
        ids = ids[ids < net["n"]]
        if len(ids) == 0:
            continue
        c = ELECTRODE_COLOURS[k % len(ELECTRODE_COLOURS)]
        h = ax.scatter(net["x"][ids], net["y"][ids], s=size * 3, c=c, edgecolors="k",
                       linewidths=0.4, zorder=5, label=f"{name} ({len(ids)})")
        handles.append(h)
    if handles:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.8)


def node_size(net):
    return max(1.0, min(30.0, 3000.0 / max(net["n"], 1)))


def plot_network(net, particles, wires, title, out, dpi):
    fig, ax = setup_axes(net, title, particles)
    draw_background(ax, net, particles, wires)
    kinds = net["cols"][0] if net["cols"].shape[0] >= 1 else None
    segs = segments(net)
    if kinds is not None and np.all(np.isin(kinds[np.isfinite(kinds)], [0, 1])):
        mem = kinds == 0
        ax.add_collection(LineCollection(segs[~mem], colors="0.3", linewidths=0.8,
                                         label="resistors"))
        ax.add_collection(LineCollection(segs[mem], colors="tab:red", linewidths=1.0,
                                         label="memristors / junctions"))
    else:
        ax.add_collection(LineCollection(segs, colors="k", linewidths=0.6))
    s = node_size(net)
    ax.scatter(net["x"], net["y"], s=s, c="tab:blue", zorder=3)
    draw_electrodes(ax, net, s)
    ax.autoscale()
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)


def plot_potential(net, nodes, particles, wires, title, out, dpi):
    phi = np.full(net["n"], np.nan)
    ids = nodes["node"].astype(np.int64)
    ok = (ids >= 0) & (ids < net["n"])
    phi[ids[ok]] = nodes["phi"][ok]
    finite = np.isfinite(phi)
    vmin = np.nanmin(phi) if finite.any() else 0
    vmax = np.nanmax(phi) if finite.any() else 1
    norm = matplotlib.colors.Normalize(vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1)
    cmap = plt.get_cmap("viridis")
    fig, ax = setup_axes(net, title, particles)
    if particles is not None:
        g = particles["node"].astype(np.int64)
        pc = np.tile(np.array([0.0, 0.0, 0.0, 1.0]), (len(g), 1))  # dropped: black
        sel = g >= 0
        val = np.full(len(g), np.nan)
        val[sel] = phi[g[sel]]
        good = np.isfinite(val)
        pc[good] = cmap(norm(val[good]))
        draw_background(ax, net, particles, None, particle_colours=pc)
        ax.add_collection(LineCollection(segments(net), colors="w", linewidths=0.3, alpha=0.5))
    else:
        draw_background(ax, net, None, wires)
        ax.add_collection(LineCollection(segments(net), colors="0.7", linewidths=0.5))
        s = node_size(net)
        ax.scatter(net["x"][~finite], net["y"][~finite], s=s, c="k", zorder=3)
        ax.scatter(net["x"][finite], net["y"][finite], s=s * 1.5, c=phi[finite], cmap=cmap,
                   norm=norm, zorder=4)
    fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax,
                 label="potential (V)", shrink=0.8)
    draw_electrodes(ax, net, node_size(net))
    ax.autoscale()
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)


def plot_current(net, edges, particles, wires, title, out, dpi):
    m = len(net["u"])
    cur = np.zeros(m)
    ids = edges["edge"].astype(np.int64)
    ok = (ids >= 0) & (ids < m)
    cur[ids[ok]] = np.abs(edges["I"][ok])
    segs = segments(net)
    fig, ax = setup_axes(net, title, particles)
    draw_background(ax, net, particles, wires)
    imax = cur.max() if m else 0
    carrying = cur > imax * 1e-12 if imax > 0 else np.zeros(m, dtype=bool)
    ax.add_collection(LineCollection(segs[~carrying], colors="lightblue", linewidths=0.5))
    if carrying.any():
        lo = cur[carrying].min()
        norm = matplotlib.colors.LogNorm(vmin=max(lo, imax * 1e-9), vmax=imax)
        order = np.argsort(cur[carrying])
        cs = segs[carrying][order]
        lc = LineCollection(cs, array=cur[carrying][order], cmap="inferno_r", norm=norm,
                            linewidths=1.2)
        ax.add_collection(lc)
        fig.colorbar(lc, ax=ax, label="|I| (A)", shrink=0.8)
    draw_electrodes(ax, net, node_size(net))
    ax.autoscale()
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    """Command line: arguments as in the module docstring (sys.argv[1:] when argv is None);
    writes PNG files with matplotlib's Agg backend."""
    matplotlib.use("Agg")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("network", help="native network file written by memnet generate")
    ap.add_argument("--out", required=True, help="prefix of the PNG files")
    ap.add_argument("--particles", help="particle CSV (memnet generate --particles-out)")
    ap.add_argument("--wires", help="wire CSV (memnet generate --wires-out)")
    ap.add_argument("--node-csv", help="node,x,y,phi (memnet solve --node-out)")
    ap.add_argument("--edge-csv", help="edge,u,v,G,V,I (memnet solve --edge-out)")
    ap.add_argument("--title", default=None)
    ap.add_argument("--dpi", type=int, default=150)
    a = ap.parse_args(argv)
    net = read_native(a.network)
    if np.isnan(net["x"]).all():
        # no coordinates: place nodes on a circle
        t = 2 * math.pi * np.arange(net["n"]) / max(net["n"], 1)
        net["x"], net["y"] = np.cos(t), np.sin(t)
    particles = read_csv(a.particles) if a.particles else None
    wires = read_csv(a.wires) if a.wires else None
    title = a.title or a.network
    written = []
    p = f"{a.out}-network.png"
    plot_network(net, particles, wires, f"{title}: {net['n']} nodes, {len(net['u'])} edges", p,
                 a.dpi)
    written.append(p)
    if a.node_csv:
        p = f"{a.out}-potential.png"
        plot_potential(net, read_csv(a.node_csv), particles, wires, f"{title}: potential", p,
                       a.dpi)
        written.append(p)
    if a.edge_csv:
        p = f"{a.out}-current.png"
        plot_current(net, read_csv(a.edge_csv), particles, wires, f"{title}: |current|", p,
                     a.dpi)
        written.append(p)
    for p in written:
        print(f"wrote={p}")


if __name__ == "__main__":
    main()
