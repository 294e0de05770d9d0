#!/usr/bin/python3
"""The scipy counterpart of `memnet solve` for the one-shot benchmark (bench/kirchhoff/oneshot.sh):
read the network (plain edge list FILE, node sets "left"/"right" from FILE.mnet), every edge
1 S, source held at 1 V, drain at 0 V, the reduced Laplacian solved by
scipy.sparse.linalg.spsolve (SuperLU, COLAMD), prints G_eff. The whole process is timed by the
caller, as for memnet solve.

The BLAS runs on one thread unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set by the caller,
as in bench/sim/scipy_baseline.py: OpenBLAS's idle worker otherwise spins beside the
single-threaded solve and adds system time that is not scipy's work (the `memnet` program stops
its own idle BLAS workers the same way, docs/performance.md "The idle BLAS thread").

usage: solve_oneshot.py EDGES NATIVE
"""
import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads its BLAS

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def node_sets(path):
    sets, name, need, ids = {}, None, 0, []
    with open(path) as f:
        for line in f:
            if name is None:
                if line.startswith("set "):
                    _, name, n = line.split()
                    need, ids = int(n), []
                continue
            ids.extend(int(x) for x in line.split())
            if len(ids) >= need:
                sets[name] = np.array(ids[:need], int)
                name = None
    return sets


def main():
    E = np.loadtxt(sys.argv[1], comments="#", usecols=(0, 1), ndmin=2).astype(int)
    sets = node_sets(sys.argv[2])
    src, drn = sets["left"], sets["right"]
    n = int(E.max()) + 1
    U, V = E[:, 0], E[:, 1]
    m = len(E)
    L = sp.coo_matrix((np.ones(m), (U, V)), shape=(n, n))
    L = L + L.T
    L = (sp.diags(np.asarray(L.sum(axis=1)).ravel()) - L).tocsr()
    phi = np.zeros(n)
    phi[src] = 1.0
    held = np.zeros(n, bool)
    held[src] = held[drn] = True
    # only nodes joined to an electrode (the generator keeps those components)
    free = np.where(~held)[0]
    A = L[free][:, free].tocsc()
    b = -(L[free][:, held] @ phi[held])
    phi[free] = spla.spsolve(A, b)
    I = (L[src] @ phi).sum()
    print("scipy_G_eff=%.15g" % I)


if __name__ == "__main__":
    main()
