"""Reservoir computing (reservoir.h; docs/reservoir.md): a physical reservoir driven through
input electrodes, a ridge readout with k-fold cross-validated regularisation, scores, and the
inputs/targets of the standard tasks.

    >>> import numpy as np, memnet
    >>> from memnet import reservoir as rc
    >>> g = rc.nanowire_network(wires=1000, inputs=5, outputs=3)     # "in0".., "out0"..
    >>> res = rc.Reservoir(memnet.Network(g, "miranda"), step=1.0)
    >>> for k in range(5): res.add_input("in%d" % k, bias=1.0, scale=2.0)
    >>> for k in range(3): res.add_output("out%d" % k)
    >>> u, y = rc.task("sine-double", 1000)
    >>> F = res.run(np.repeat(u[:, None], 5, axis=1))                 # (1000, 8) features
    >>> r = rc.Readout().fit(F[100:730], y[100:730])
    >>> rc.nmse(y[730:], r.predict(F[730:]))                          # about 0.1

Every array is float64 (labels int32); X is (rows, features), row = task step.
"""

import ctypes
import gzip

import numpy as np

from . import _lib
from ._lib import c_double_p, vp, vpp, sz, dbl, cint, cstr, _darr, _iarr, _dp, _ip, _copy_d, _b
from .core import _ctx
from .generators import Generator

_c = _lib.Functions()
_decl = _c.decl
_i32p = ctypes.POINTER(ctypes.c_int32)
_i64 = ctypes.c_int64

# ------------------------------------------------------------------ C declarations
_decl("mn_readout_new", cint, vpp, vp)
_decl("mn_readout_free", None, vp)
_decl("mn_readout_set_int", cint, vp, cint, _i64)
_decl("mn_readout_set_lambdas", cint, vp, c_double_p, sz)
_decl("mn_readout_fit", cint, vp, c_double_p, sz, sz, c_double_p, sz)
_decl("mn_readout_fit_classes", cint, vp, c_double_p, sz, sz, _i32p, sz)
_decl("mn_readout_predict", cint, c_double_p, vp, c_double_p, sz)
_decl("mn_readout_classify", cint, _i32p, vp, c_double_p, sz)
_decl("mn_readout_feature_count", sz, vp)
_decl("mn_readout_output_count", sz, vp)
_decl("mn_readout_weights", cint, vp, ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p))
_decl("mn_readout_stat_get", dbl, vp, cint, sz)
_decl("mn_readout_cv_curve", c_double_p, vp, sz)
_decl("mn_readout_lambdas", c_double_p, vp, ctypes.POINTER(sz))
_decl("mn_readout_nmse", cint, c_double_p, c_double_p, c_double_p, sz)
_decl("mn_readout_accuracy", cint, c_double_p, _i32p, _i32p, sz)
_decl("mn_readout_memory_capacity", cint, c_double_p, c_double_p, vp, c_double_p, sz, sz,
      c_double_p, sz, sz, sz)
_decl("mn_reservoir_new", cint, vpp, vp)
_decl("mn_reservoir_free", None, vp)
_decl("mn_reservoir_add_input", cint, vp, _i32p, sz, dbl, dbl)
_decl("mn_reservoir_add_input_set", cint, vp, cstr, dbl, dbl)
_decl("mn_reservoir_add_output", cint, vp, _i32p, sz)
_decl("mn_reservoir_add_output_set", cint, vp, cstr)
_decl("mn_reservoir_add_probe", cint, vp, _i32p, sz)
_decl("mn_reservoir_add_probe_set", cint, vp, cstr)
_decl("mn_reservoir_set_real", cint, vp, cint, dbl)
_decl("mn_reservoir_set_int", cint, vp, cint, _i64)
_decl("mn_reservoir_input_count", sz, vp)
_decl("mn_reservoir_feature_count", sz, vp)
_decl("mn_reservoir_feature_name", cstr, vp, sz)
_decl("mn_reservoir_run", cint, c_double_p, vp, c_double_p, sz)

# enum values of reservoir.h
_FOLDS, _STANDARDIZE = 0, 1
_STAT = {"lambda": 0, "cv_mse": 1, "cv_accuracy": 2, "train_mse": 3, "rank": 4}
_STEP, _SUBSTEPS, _DELAYS, _INPUT_CURRENTS = 0, 1, 2, 3


def _matrix(X, name="X"):
    a = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        raise ValueError("%s: expected a 2-D array (rows, columns)" % name)
    return a


class Readout:
    """Ridge readout (mn_readout): lambda from `lambdas` by `folds`-fold cross-validation over
    contiguous blocks; standardised features unless standardize=False."""

    def __init__(self, lambdas=None, folds=5, standardize=True, ctx=None):
        self._ctx = _ctx(ctx)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_readout_new(ctypes.byref(p), self._ctx._p))
        self._p = p
        self._ctx.check(_c.mn_readout_set_int(self._p, _FOLDS, int(folds)))
        self._ctx.check(_c.mn_readout_set_int(self._p, _STANDARDIZE, int(bool(standardize))))
        if lambdas is not None:
            lam = _darr(lambdas)
            self._ctx.check(_c.mn_readout_set_lambdas(self._p, _dp(lam), lam.size))
        self._vector = False

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_readout_free(self._p)
            self._p = None

    def fit(self, X, Y):
        """Train on X (n, p) and targets Y (n,) or (n, m); returns self."""
        X = _matrix(X)
        self._vector = np.ndim(Y) == 1
        Y = _matrix(Y, "Y")
        if Y.shape[0] != X.shape[0]:
            raise ValueError("X has %d rows, Y %d" % (X.shape[0], Y.shape[0]))
        self._ctx.check(_c.mn_readout_fit(self._p, _dp(X), X.shape[0], X.shape[1], _dp(Y),
                                          Y.shape[1]))
        return self

    def fit_classes(self, X, labels, n_classes=None):
        """One-vs-rest classifier on labels 0..n_classes-1; returns self."""
        X = _matrix(X)
        lab = _iarr(labels, np.int32, "labels")
        n_classes = int(lab.max()) + 1 if n_classes is None else int(n_classes)
        self._ctx.check(_c.mn_readout_fit_classes(self._p, _dp(X), X.shape[0], X.shape[1],
                                                  _ip(lab), n_classes))
        self._vector = False
        return self

    def predict(self, X):
        """Predictions for the rows of X (n, p): (n,) for a vector target, else (n, m)."""
        X = _matrix(X)
        m = _c.mn_readout_output_count(self._p)
        Y = np.empty((X.shape[0], max(m, 1)))
        self._ctx.check(_c.mn_readout_predict(_dp(Y), self._p, _dp(X), X.shape[0]))
        return Y[:, 0] if self._vector else Y

    def classify(self, X):
        """Class labels (int32) of the rows of X after fit_classes: the largest output wins."""
        X = _matrix(X)
        out = np.empty(X.shape[0], dtype=np.int32)
        self._ctx.check(_c.mn_readout_classify(_ip(out), self._p, _dp(X), X.shape[0]))
        return out

    @property
    def weights(self):
        """(W, b): W (p, m) in raw feature units, intercepts b (m,)."""
        W, b = c_double_p(), c_double_p()
        self._ctx.check(_c.mn_readout_weights(self._p, ctypes.byref(W), ctypes.byref(b)))
        p, m = _c.mn_readout_feature_count(self._p), _c.mn_readout_output_count(self._p)
        return _copy_d(W, p * m).reshape(p, m), _copy_d(b, m)

    def stat(self, name, output=0):
        """'lambda', 'cv_mse', 'cv_accuracy', 'train_mse' or 'rank' of an output."""
        return _c.mn_readout_stat_get(self._p, _STAT[name], int(output))

    @property
    def lambdas(self):
        """The regularisation grid searched by cross-validation (the default: 1e-10 .. 10 in
        half decades)."""
        n = sz()
        p = _c.mn_readout_lambdas(self._p, ctypes.byref(n))
        return _copy_d(p, n.value)

    def cv_curve(self, output=0):
        """Mean validation squared error of output `output` at each lambda of the grid (None
        before a fit or with a single lambda)."""
        p = _c.mn_readout_cv_curve(self._p, int(output))
        return None if not p else _copy_d(p, self.lambdas.size)

    def memory_capacity(self, X, u, kmax, washout, n_train):
        """(MC_0..MC_kmax, total over k >= 1) of features X for the scalar input u."""
        X = _matrix(X)
        u = _darr(u, X.shape[0], "u")
        mc = np.empty(int(kmax) + 1)
        tot = ctypes.c_double()
        self._ctx.check(_c.mn_readout_memory_capacity(_dp(mc), ctypes.byref(tot), self._p,
                                                      _dp(X), X.shape[0], X.shape[1], _dp(u),
                                                      int(kmax), int(washout), int(n_train)))
        self._vector = False
        return mc, tot.value


def nmse(y, yhat):
    """sum (y - yhat)^2 / sum (y - mean y)^2."""
    y = _darr(y)
    yh = _darr(yhat, y.size, "yhat")
    out = ctypes.c_double()
    st = _c.mn_readout_nmse(ctypes.byref(out), _dp(y), _dp(yh), y.size)
    if st:
        raise ValueError("nmse: needs >= 2 values and a target that is not constant")
    return out.value


def accuracy(truth, pred):
    """Fraction of equal labels of two int arrays of equal, nonzero length."""
    t = _iarr(truth, np.int32, "truth")
    p = _iarr(pred, np.int32, "pred")
    if t.size != p.size or t.size == 0:
        raise ValueError("accuracy: arrays of equal, nonzero length needed")
    out = ctypes.c_double()
    _c.mn_readout_accuracy(ctypes.byref(out), _ip(t), _ip(p), t.size)
    return out.value


class Reservoir:
    """A network driven through input electrodes (mn_reservoir). Inputs first, then outputs
    (grounded) and probes; `run(u)` with u of shape (steps, inputs) returns the features
    (steps, feature_count): input currents, output currents, probe potentials, delayed
    copies. Electrodes are node-set names of the graph or arrays of node ids."""

    def __init__(self, network, step=1.0, substeps=4, delays=0, input_currents=True):
        self.network = network  # kept alive: the reservoir borrows it
        self._ctx = network._ctx
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_reservoir_new(ctypes.byref(p), network._p))
        self._p = p
        self._ctx.check(_c.mn_reservoir_set_real(self._p, _STEP, float(step)))
        self._ctx.check(_c.mn_reservoir_set_int(self._p, _SUBSTEPS, int(substeps)))
        self._ctx.check(_c.mn_reservoir_set_int(self._p, _DELAYS, int(delays)))
        self._ctx.check(_c.mn_reservoir_set_int(self._p, _INPUT_CURRENTS,
                                                int(bool(input_currents))))

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_reservoir_free(self._p)
            self._p = None

    def add_input(self, nodes, bias=0.0, scale=1.0):
        """An input electrode (node ids or a node-set name) held at bias + scale * u_j(k) volts
        during task step k."""
        if isinstance(nodes, str):
            self._ctx.check(_c.mn_reservoir_add_input_set(self._p, _b(nodes), float(bias),
                                                          float(scale)))
        else:
            a = _iarr(nodes)
            self._ctx.check(_c.mn_reservoir_add_input(self._p, _ip(a), a.size, float(bias),
                                                      float(scale)))

    def add_output(self, nodes):
        """A grounded output electrode (node ids or a node-set name); its current is a feature."""
        if isinstance(nodes, str):
            self._ctx.check(_c.mn_reservoir_add_output_set(self._p, _b(nodes)))
        else:
            a = _iarr(nodes)
            self._ctx.check(_c.mn_reservoir_add_output(self._p, _ip(a), a.size))

    def add_probe(self, nodes):
        """A probe (node ids or a node-set name): its mean potential is a feature, no electrode."""
        if isinstance(nodes, str):
            self._ctx.check(_c.mn_reservoir_add_probe_set(self._p, _b(nodes)))
        else:
            a = _iarr(nodes)
            self._ctx.check(_c.mn_reservoir_add_probe(self._p, _ip(a), a.size))

    @property
    def input_count(self):
        """Number of input electrodes (columns of the input of run())."""
        return _c.mn_reservoir_input_count(self._p)

    @property
    def feature_count(self):
        """Number of features per step (currents, probe potentials, delayed copies)."""
        return _c.mn_reservoir_feature_count(self._p)

    @property
    def feature_names(self):
        """A name per feature column, in the order of run()'s output."""
        return [_c.mn_reservoir_feature_name(self._p, j).decode()
                for j in range(self.feature_count)]

    def run(self, u):
        """Drive the reservoir with u (steps, inputs) and return the features (steps,
        feature_count) sampled at the end of every step; continues from the last run."""
        u = _matrix(u, "u")
        if u.shape[1] != self.input_count:
            raise ValueError("u has %d columns, the reservoir %d inputs"
                             % (u.shape[1], self.input_count))
        F = np.empty((u.shape[0], self.feature_count))
        self._ctx.check(_c.mn_reservoir_run(_dp(F), self._p, _dp(u), u.shape[0]))
        return F


# ------------------------------------------------------------------ networks and tasks

def nanowire_network(wires=3000, inputs=5, outputs=3, density=10.0, radius=0.5, seed=1,
                     ctx=None):
    """The layout of `memnet reservoir`: `wires` sticks of length 1 in a square box of side
    sqrt(wires / density), disc electrodes "in0".. evenly on the left side and "out0".. on
    the right side (radius `radius`). Returns the Graph."""
    side = float(np.sqrt(wires / density))
    gen = Generator(ctx=ctx, seed=seed, wires=wires, width=side, height=side)
    for k in range(inputs):
        gen.add_electrode_disc("in%d" % k, 0.0, (k + 0.5) * side / inputs, radius)
    for k in range(outputs):
        gen.add_electrode_disc("out%d" % k, side, (k + 0.5) * side / outputs, radius)
    return gen.nanowires()


DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def load_digits(path=DIGITS):
    """(pixels (n, 64) scaled to [0, 1], labels (n,)) from scikit-learn's digits CSV."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    return data[:, :64] / 16.0, data[:, 64].astype(np.int32)


def task(name, n, period=20, horizon=1, seed=1):
    """Input u (n,) and target y (n,) of the scalar tasks as `memnet reservoir` defines them
    (docs/reservoir.md): 'sine-square', 'sine-double', 'mackey-glass', 'narma10', 'memory'
    (target: u itself; use Readout.memory_capacity)."""
    k = np.arange(n)
    if name in ("sine-square", "sine-double"):
        w = 2 * np.pi / period
        u = np.sin(w * k)
        if name == "sine-double":
            return u, np.sin(2 * w * k)
        y = np.where(u >= 0, 1.0, -1.0)
        zero = np.abs(u) < 1e-12
        y[zero] = np.where(np.mod(w * k[zero], 2 * np.pi) < np.pi, 1.0, -1.0)
        return u, y
    rng = np.random.default_rng(seed)
    if name == "narma10":
        v = 0.5 * rng.random(n)
        y = np.zeros(n + 1)
        for t in range(n):
            s = y[max(t - 9, 0):t + 1].sum()
            y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * s + 1.5 * (v[t - 9] if t >= 9 else 0) * v[t] + 0.1
        return 4 * v - 1, y[1:]
    if name == "memory":
        u = 2 * rng.random(n) - 1
        return u, u.copy()
    if name == "mackey-glass":
        dt, lag, skip = 0.1, 170, 10000
        total = skip + (n + horizon) * 10 + 1
        x = np.full(total + lag + 1, 1.2)

        def f(xv, xd):
            return 0.2 * xd / (1 + xd ** 10) - 0.1 * xv
        for i in range(lag, total + lag):
            x0, x1 = x[i - lag], x[i - lag + 1]
            xh = 0.5 * (x0 + x1)
            k1 = f(x[i], x0)
            k2 = f(x[i] + 0.5 * dt * k1, xh)
            k3 = f(x[i] + 0.5 * dt * k2, xh)
            k4 = f(x[i] + dt * k3, x1)
            x[i + 1] = x[i] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        s = (x[lag + skip + np.arange(n + horizon) * 10] - 0.9) / 0.5
        return s[:n], s[horizon:]
    raise ValueError("unknown task %r" % name)


def digits_inputs(pixels, inputs=5, rest=1):
    """The digits presentation of `memnet reservoir digits`: per image ceil(64 / inputs) steps
    of `inputs` pixels, then `rest` steps at 0. Returns (u (steps, inputs), steps per image)."""
    chunks = -(-64 // inputs)
    per = chunks + rest
    u = np.zeros((pixels.shape[0] * per, inputs))
    for i, img in enumerate(pixels):
        pad = np.zeros(chunks * inputs)
        pad[:64] = img
        u[i * per:i * per + chunks] = pad.reshape(chunks, inputs)
    return u, per


__all__ = ["Readout", "Reservoir", "nmse", "accuracy", "nanowire_network", "task",
           "load_digits", "digits_inputs", "DIGITS"]
