"""Event trains, histograms, power-law fits and correlations (analysis.h)."""

import ctypes

import numpy as np

from . import _lib
from ._lib import c_double_p, c_size_t_p, vp, vpp, sz, u64, dbl, cint
from ._lib import _darr, _dp, _copy_d
from .core import _ctx

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (analysis.h)
_decl("mn_analysis_detect_events", cint, vpp, vp, c_double_p, c_double_p, sz, dbl, cint, cint)
_decl("mn_event_train_new", cint, vpp, vp, c_double_p, c_double_p, sz)
_decl("mn_event_train_free", None, vp)
_decl("mn_event_train_count", sz, vp)
_decl("mn_event_train_times", c_double_p, vp)
_decl("mn_event_train_sizes", c_double_p, vp)
_decl("mn_analysis_intervals", cint, c_double_p, vp, c_double_p, sz)
_decl("mn_analysis_histogram", cint, c_double_p, c_double_p, c_size_t_p, c_size_t_p, vp,
      c_double_p, sz, sz, cint, dbl, dbl)
_decl("mn_powerlaw_new", cint, vpp, vp)
_decl("mn_powerlaw_free", None, vp)
_decl("mn_powerlaw_set", cint, vp, cint, dbl)
_decl("mn_powerlaw_set_seed", None, vp, u64)
_decl("mn_powerlaw_fit", cint, vp, c_double_p, sz)
for _n in ("alpha", "alpha_err", "xmin", "ks", "alpha_boot_err", "xmin_boot_err", "p_value"):
    _decl("mn_powerlaw_" + _n, dbl, vp)
_decl("mn_powerlaw_n_tail", sz, vp)
_decl("mn_analysis_acf", cint, c_double_p, vp, c_double_p, sz, sz)
_decl("mn_analysis_bin_events", cint, c_double_p, vp, c_double_p, sz, dbl, dbl, sz)
_decl("mn_analysis_event_acf", cint, c_double_p, vp, c_double_p, sz, dbl, dbl, sz, sz)
_decl("mn_analysis_avalanches", cint, c_double_p, c_size_t_p, c_size_t_p, c_size_t_p, sz, vp,
      c_double_p, sz)
_decl("mn_analysis_moving_average", cint, c_double_p, vp, c_double_p, sz, sz)
_decl("mn_analysis_event_rate", cint, c_double_p, vp, c_double_p, sz, c_double_p, sz, dbl)

def _check0(st, ctx):
    ctx.check(st)


def detect_events(t, x, threshold, relative=False, direction="both", ctx=None):
    """Events where |x[i] - x[i-1]| passes threshold: returns (times, sizes)."""
    ctx = _ctx(ctx)
    x = _darr(x)
    t = None if t is None else _darr(t, x.size, "t")
    p = ctypes.c_void_p()
    ctx.check(_c.mn_analysis_detect_events(ctypes.byref(p), ctx._p, _dp(t), _dp(x), x.size,
                                           float(threshold), int(bool(relative)),
                                           {"both": 0, "up": 1, "down": 2}[direction]))
    try:
        n = _c.mn_event_train_count(p)
        return _copy_d(_c.mn_event_train_times(p), n), _copy_d(_c.mn_event_train_sizes(p), n)
    finally:
        _c.mn_event_train_free(p)


def intervals(times, ctx=None):
    """Inter-event intervals (003 sec. 2.5)."""
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(max(t.size - 1, 0))
    ctx.check(_c.mn_analysis_intervals(_dp(out), ctx._p, _dp(t), t.size))
    return out


def histogram(x, bins=30, log=False, lo=0.0, hi=0.0, ctx=None):
    """Probability-density histogram: returns (edges, density, counts)."""
    ctx = _ctx(ctx)
    x = _darr(x)
    edges = np.empty(bins + 1)
    dens = np.empty(bins)
    counts = np.empty(bins, dtype=np.uintp)
    nout = ctypes.c_size_t()
    ctx.check(_c.mn_analysis_histogram(_dp(edges), _dp(dens),
                                       counts.ctypes.data_as(_c.c_size_t_p), ctypes.byref(nout),
                                       ctx._p, _dp(x), x.size, int(bins), int(bool(log)),
                                       float(lo), float(hi)))
    return edges, dens, counts.astype(np.int64)


def powerlaw_fit(x, xmin=0.0, discrete=False, bootstrap=0, gof_samples=0, seed=1, ctx=None):
    """Clauset-Shalizi-Newman power-law fit: dict alpha, alpha_err, xmin, ks, n_tail, p_value."""
    ctx = _ctx(ctx)
    x = _darr(x)
    p = ctypes.c_void_p()
    ctx.check(_c.mn_powerlaw_new(ctypes.byref(p), ctx._p))
    try:
        for opt, val in ((0, xmin), (3, bootstrap), (4, gof_samples), (5, int(bool(discrete)))):
            ctx.check(_c.mn_powerlaw_set(p, opt, float(val)))
        _c.mn_powerlaw_set_seed(p, int(seed))
        ctx.check(_c.mn_powerlaw_fit(p, _dp(x), x.size))
        return {"alpha": _c.mn_powerlaw_alpha(p), "alpha_err": _c.mn_powerlaw_alpha_err(p),
                "xmin": _c.mn_powerlaw_xmin(p), "ks": _c.mn_powerlaw_ks(p),
                "n_tail": int(_c.mn_powerlaw_n_tail(p)), "p_value": _c.mn_powerlaw_p_value(p),
                "alpha_boot_err": _c.mn_powerlaw_alpha_boot_err(p)}
    finally:
        _c.mn_powerlaw_free(p)


def acf(x, max_lag, ctx=None):
    """Autocorrelation function for lags 0..max_lag."""
    ctx = _ctx(ctx)
    x = _darr(x)
    out = np.empty(int(max_lag) + 1)
    ctx.check(_c.mn_analysis_acf(_dp(out), ctx._p, _dp(x), x.size, int(max_lag)))
    return out


def bin_events(times, t0, bin_width, nbins, ctx=None):
    """Event counts in nbins bins of width bin_width from t0: counts[k] = number of events with
    t0 + k w <= t < t0 + (k + 1) w (events outside are ignored). Returns float array."""
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(int(nbins))
    ctx.check(_c.mn_analysis_bin_events(_dp(out), ctx._p, _dp(t), t.size, float(t0),
                                        float(bin_width), int(nbins)))
    return out


def event_acf(times, t0, bin_width, nbins, max_lag, ctx=None):
    """Autocorrelation of the binned event train (bin_events, then acf) for lags 0..max_lag bins
    (003 sec. 2.5, Fig. 6)."""
    ctx = _ctx(ctx)
    t = _darr(times)
    out = np.empty(int(max_lag) + 1)
    ctx.check(_c.mn_analysis_event_acf(_dp(out), ctx._p, _dp(t), t.size, float(t0),
                                       float(bin_width), int(nbins), int(max_lag)))
    return out


def avalanches(counts, ctx=None):
    """Avalanches of a binned event train: (sizes, durations, starts)."""
    ctx = _ctx(ctx)
    c = _darr(counts)
    cap = max(c.size // 2 + 1, 1)
    s = np.empty(cap)
    d = np.empty(cap, dtype=np.uintp)
    st = np.empty(cap, dtype=np.uintp)
    n = ctypes.c_size_t()
    ctx.check(_c.mn_analysis_avalanches(_dp(s), d.ctypes.data_as(_c.c_size_t_p),
                                        st.ctypes.data_as(_c.c_size_t_p), ctypes.byref(n), cap,
                                        ctx._p, _dp(c), c.size))
    k = n.value
    return s[:k].copy(), d[:k].astype(np.int64), st[:k].astype(np.int64)


def moving_average(x, window, ctx=None):
    """Trailing moving average over `window` samples (003 Fig. 7c): out[i] = mean of x[j] for
    max(0, i - window + 1) <= j <= i; same length as x."""
    ctx = _ctx(ctx)
    x = _darr(x)
    out = np.empty(x.size)
    ctx.check(_c.mn_analysis_moving_average(_dp(out), ctx._p, _dp(x), x.size, int(window)))
    return out


def event_rate(t, times, window, ctx=None):
    """Moving event rate (003 Fig. 7c): rate[i] = (number of event times in (t[i] - window,
    t[i]]) / window, at each sample time t[i] (events per unit of t; the divisor is the full
    window near the start)."""
    ctx = _ctx(ctx)
    t = _darr(t)
    e = _darr(times)
    out = np.empty(t.size)
    ctx.check(_c.mn_analysis_event_rate(_dp(out), ctx._p, _dp(t), t.size, _dp(e), e.size,
                                        float(window)))
    return out
