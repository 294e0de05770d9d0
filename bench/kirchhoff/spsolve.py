"""scipy.sparse.linalg.spsolve on the matrix written by bench-kirchhoff (MatrixMarket, upper
triangle of the symmetric reduced Laplacian) -- what the Python codes of the field do every
time step. Prints spsolve_median_s=<seconds> (median over REPEATS: spsolve on the ready CSC
matrix, scipy's default SuperLU with COLAMD), peer_step_median_s=<seconds> (the same plus the
assembly the peer codes redo every step: CSC matrix from the triplet arrays) and the relative
residual."""
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse
import scipy.sparse.linalg

mtx, rhs, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
A = scipy.io.mmread(mtx).tocsr()  # symmetric MatrixMarket: mmread returns the full matrix
b = np.asarray(scipy.io.mmread(rhs)).ravel()
A = A.tocsc()
T = A.tocoo()
row, col, val, shape = T.row.copy(), T.col.copy(), T.data.copy(), T.shape
times, peer = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    x = scipy.sparse.linalg.spsolve(A, b)
    times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    A2 = scipy.sparse.coo_matrix((val, (row, col)), shape=shape).tocsc()
    x2 = scipy.sparse.linalg.spsolve(A2, b)
    peer.append(time.perf_counter() - t0)
res = np.linalg.norm(A @ x - b) / np.linalg.norm(b)
print(f"spsolve_median_s={float(np.median(times)):.6g}")
print(f"peer_step_median_s={float(np.median(peer)):.6g}")
print(f"spsolve_relres={res:.3g}")
