"""Mean-field models, fits, projectors and the CB circuit theory (meanfield.h)."""

import ctypes

import numpy as np

from . import _lib
from ._lib import (c_double_p, c_int32_p, c_size_t_p, c_int_p, c_char_p_p, vp, vpp, sz, u64, dbl,
                   cint, cstr)
from ._lib import _darr, _dp, _ip, _copy_d, _b
from .core import Error, _ctx

_c = _lib.Functions()
_decl = _c.decl

# ------------------------------------------------------------------ C declarations (meanfield.h)
_decl("mn_meanfield_model_new_by_name", cint, vpp, vp, cstr)
_decl("mn_meanfield_model_copy", cint, vpp, vp)
_decl("mn_meanfield_model_free", None, vp)
_decl("mn_meanfield_model_name", cstr, vp)
_decl("mn_meanfield_model_param_count", sz, vp)
_decl("mn_meanfield_model_param_name", cstr, vp, sz)
_decl("mn_meanfield_model_set", cint, vp, cstr, dbl)
_decl("mn_meanfield_model_get", cint, vp, cstr, c_double_p)
_decl("mn_meanfield_model_state_range", None, vp, c_double_p, c_double_p)
_decl("mn_meanfield_model_rate", cint, vp, dbl, dbl, c_double_p)
_decl("mn_meanfield_model_conductance", cint, vp, dbl, c_double_p)
_decl("mn_meanfield_model_state_of", cint, vp, dbl, c_double_p)
_decl("mn_meanfield_model_set_tolerances", cint, vp, dbl, dbl)
_decl("mn_meanfield_model_integrate_sampled", cint, vp, c_double_p, c_double_p, sz, dbl,
      c_double_p, c_double_p)
_decl("mn_meanfield_model_renormalise", cint, vp, dbl, dbl, dbl)
_decl("mn_meanfield_potential", cint, vp, dbl, c_double_p, sz, c_double_p)
_decl("mn_meanfield_equilibria", cint, vp, dbl, c_double_p, c_int_p, sz, c_size_t_p)
_decl("mn_meanfield_transition", cint, vp, dbl, dbl, c_int_p, c_double_p, c_double_p,
      c_double_p)
_decl("mn_meanfield_sweep", cint, vp, c_double_p, sz, dbl, c_double_p, c_double_p)
_decl("mn_meanfield_fit_run", cint, vpp, vp, c_double_p, c_double_p, c_double_p, sz,
      c_char_p_p, sz, cint)
_decl("mn_meanfield_fit_free", None, vp)
_decl("mn_meanfield_model_set_fit_option", cint, vp, cint, dbl)
_decl("mn_meanfield_fit_status", cint, vp, c_char_p_p)
_decl("mn_meanfield_fit_param_fixed", cint, vp, sz)
_decl("mn_meanfield_fit_param_count", sz, vp)
_decl("mn_meanfield_fit_param", cint, vp, sz, c_char_p_p, c_double_p, c_double_p)
_decl("mn_meanfield_fit_residuals", c_double_p, vp)
_decl("mn_meanfield_fit_curve", c_double_p, vp)
_decl("mn_meanfield_fit_stats", None, vp, c_double_p, c_double_p, c_size_t_p, c_size_t_p,
      c_double_p)
_decl("mn_meanfield_cb_new", cint, vpp, vp, sz, dbl, dbl, dbl, dbl, dbl, dbl)
_decl("mn_meanfield_cb_free", None, vp)
_decl("mn_meanfield_cb_coefficients", None, vp, c_double_p, c_double_p, c_double_p)
_decl("mn_meanfield_cb_critical_voltage", dbl, vp)
_decl("mn_meanfield_cb_fixed_point", cint, vp, dbl, cint, c_double_p, c_double_p)
_decl("mn_meanfield_cb_psi", dbl, vp, dbl)
_decl("mn_meanfield_cb_lyapunov", cint, vp, c_double_p, c_double_p, dbl, c_double_p)
_decl("mn_meanfield_cb_integrate", cint, vp, c_double_p, c_double_p, dbl, dbl, dbl, c_double_p)
_decl("mn_meanfield_projector_new", cint, vpp, vp, c_int32_p, sz, c_int32_p, sz, cint, dbl, u64)
_decl("mn_meanfield_projector_free", None, vp)
_decl("mn_meanfield_projector_omega_n1", dbl, vp)
_decl("mn_meanfield_projector_omega_vec", c_double_p, vp)
_decl("mn_meanfield_projector_diag", c_double_p, vp)
_decl("mn_meanfield_projector_trace", dbl, vp)
_decl("mn_meanfield_projector_trace2", dbl, vp)
_decl("mn_meanfield_projector_omega_mean", dbl, vp)
_decl("mn_meanfield_projector_g_mean", cint, vp, c_double_p, c_double_p, c_double_p)
_decl("mn_meanfield_projector_g_eff", cint, vp, c_double_p, dbl, dbl, c_double_p)
_decl("mn_meanfield_model_renormalise_projector", cint, vp, vp, dbl)
_decl("mn_meanfield_model_from_junction", cint, vpp, vp, vp, dbl, vp, dbl, cint)
_decl("mn_meanfield_ema_new", cint, vpp, vp, vp)
_decl("mn_meanfield_ema_free", None, vp)
_decl("mn_meanfield_ema_set", cint, vp, cint, dbl)
_decl("mn_meanfield_ema_class_count", sz, vp)
_decl("mn_meanfield_ema_class", cint, vp, sz, c_double_p, c_double_p, c_double_p, c_size_t_p)
_decl("mn_meanfield_ema_conductance", cint, vp, c_double_p, c_double_p, c_double_p)
_decl("mn_meanfield_ema_integrate_sampled", cint, vp, c_double_p, c_double_p, sz, dbl,
      c_double_p, c_double_p)
_decl("mn_meanfield_ema_stat_get", u64, vp, cint)
_decl("mn_meanfield_effective_conductance", cint, vp, c_int32_p, sz, c_int32_p, sz, c_double_p,
      c_double_p)

class MeanFieldModel:
    """Effective one-junction model (000 eqs. 7-10, 15, 30-31): "miranda", "hillock" or
    "linear", with parameters by keyword: MeanFieldModel("miranda", G_min=1e-3, chi=100)."""

    def __init__(self, name="miranda", ctx=None, _ptr=None, **params):
        self._ctx = _ctx(ctx)
        if _ptr is None:
            p = ctypes.c_void_p()
            self._ctx.check(_c.mn_meanfield_model_new_by_name(ctypes.byref(p), self._ctx._p,
                                                              _b(name)))
            _ptr = p
        self._p = _ptr
        for k, v in params.items():
            self[k] = v

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_model_free(self._p)
            self._p = None

    def copy(self):
        """An independent copy with the same parameters and fit options."""
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_model_copy(ctypes.byref(p), self._p))
        return MeanFieldModel(ctx=self._ctx, _ptr=p)

    @property
    def name(self):
        """The model's name ("miranda", "hillock" or "linear")."""
        return _c.mn_meanfield_model_name(self._p).decode()

    @property
    def param_names(self):
        """Names of the model's parameters."""
        return [_c.mn_meanfield_model_param_name(self._p, i).decode()
                for i in range(_c.mn_meanfield_model_param_count(self._p))]

    @property
    def params(self):
        """Dict of every parameter value."""
        return {n: self[n] for n in self.param_names}

    def __setitem__(self, k, v):
        """model[name] = value: set a parameter (RangeError, a ValueError, outside its range)."""
        self._ctx.check(_c.mn_meanfield_model_set(self._p, _b(k), float(v)))

    def __getitem__(self, k):
        """model[name]: a parameter's value."""
        v = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_model_get(self._p, _b(k), ctypes.byref(v)))
        return v.value

    def __repr__(self):
        return "<memnet.MeanFieldModel %s %s>" % (self.name, self.params)

    @property
    def state_range(self):
        """(lo, hi): the range of the mean-field state <g> (e.g. (0, 1) for miranda)."""
        lo, hi = ctypes.c_double(), ctypes.c_double()
        _c.mn_meanfield_model_state_range(self._p, ctypes.byref(lo), ctypes.byref(hi))
        return lo.value, hi.value

    def rate(self, g, v):
        """d<g>/dt at state(s) g and voltage v."""
        out = ctypes.c_double()

        def one(gg):
            self._ctx.check(_c.mn_meanfield_model_rate(self._p, float(gg), float(v),
                                                       ctypes.byref(out)))
            return out.value
        r = np.vectorize(one, otypes=[float])(np.asarray(g, dtype=float))
        return float(r) if r.ndim == 0 else r

    def conductance(self, g):
        """G(g) in S."""
        out = ctypes.c_double()

        def one(gg):
            self._ctx.check(_c.mn_meanfield_model_conductance(self._p, float(gg),
                                                              ctypes.byref(out)))
            return out.value
        r = np.vectorize(one, otypes=[float])(np.asarray(g, dtype=float))
        return float(r) if r.ndim == 0 else r

    def state_of(self, G):
        """Inverse of conductance(): the state <g> whose conductance is G (S), clamped into
        state_range."""
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_model_state_of(self._p, float(G), ctypes.byref(out)))
        return out.value

    def set_tolerances(self, rtol, atol):
        """Relative and absolute tolerances of integrate()."""
        self._ctx.check(_c.mn_meanfield_model_set_tolerances(self._p, float(rtol), float(atol)))

    def integrate(self, t, V, g0):
        """Integrate under a sampled protocol (V[i] held from t[i] to t[i+1]); returns (g, G)."""
        t = _darr(t)
        V = _darr(V, t.size, "V")
        g = np.empty(t.size)
        G = np.empty(t.size)
        self._ctx.check(_c.mn_meanfield_model_integrate_sampled(self._p, _dp(t), _dp(V), t.size,
                                                                float(g0), _dp(g), _dp(G)))
        return g, G

    def renormalise(self, omega_n1, omega_mean, G_source=1.0):
        """Turn junction parameters into the network's effective model (in place)."""
        self._ctx.check(_c.mn_meanfield_model_renormalise(self._p, float(omega_n1),
                                                          float(omega_mean), float(G_source)))
        return self

    def potential(self, v, g):
        """Effective potential V_v(g) (000 eq. 11)."""
        g = _darr(g)
        out = np.empty(g.size)
        self._ctx.check(_c.mn_meanfield_potential(self._p, float(v), _dp(g), g.size, _dp(out)))
        return out

    def equilibria(self, v, cap=16):
        """(g_eq, stability) at voltage v; stability 0 stable, 1 unstable, 2 marginal."""
        g = np.empty(cap)
        s = np.empty(cap, dtype=np.intc)
        n = ctypes.c_size_t()
        self._ctx.check(_c.mn_meanfield_equilibria(self._p, float(v), _dp(g),
                                                   s.ctypes.data_as(_c.c_int_p), cap,
                                                   ctypes.byref(n)))
        k = min(n.value, cap)
        return g[:k].copy(), s[:k].copy()

    def transition(self, v_lo, v_hi):
        """Dict: order ("continuous"/"first-order"), v_th, v_fold1, v_fold2."""
        o = ctypes.c_int()
        a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_transition(self._p, float(v_lo), float(v_hi),
                                                   ctypes.byref(o), ctypes.byref(a),
                                                   ctypes.byref(b), ctypes.byref(c)))
        return {"order": "first-order" if o.value == 1 else "continuous", "v_th": a.value,
                "v_fold1": b.value, "v_fold2": c.value}

    def sweep(self, v, g_start):
        """Quasi-static sweep: (g_eq, G_eq) followed along the voltages v."""
        v = _darr(v)
        g = np.empty(v.size)
        G = np.empty(v.size)
        self._ctx.check(_c.mn_meanfield_sweep(self._p, _dp(v), v.size, float(g_start), _dp(g),
                                              _dp(G)))
        return g, G

    #: names of mn_meanfield_model_set_fit_option()'s options (mn_meanfield_fit_option)
    FIT_OPTIONS = {"max_evaluations": 0, "max_seconds": 1, "auto_start": 2, "auto_fix": 3}

    def set_fit_option(self, option, value):
        """Set a fit option (kept with the model, copied by copy()): "max_evaluations"
        (default 3000), "max_seconds" (default 60), "auto_start" (1: also start from values
        estimated from the data), "auto_fix" (1: hold parameters the data do not determine),
        or the option's number (mn_meanfield_fit_option)."""
        if isinstance(option, str):
            if option not in self.FIT_OPTIONS:
                raise Error(-2, "unknown fit option %r (one of %s)"  # MN_ERR_INVALID
                            % (option, ", ".join(self.FIT_OPTIONS)))
            option = self.FIT_OPTIONS[option]
        self._ctx.check(_c.mn_meanfield_model_set_fit_option(self._p, int(option), float(value)))
        return self

    def fit(self, t, V, G, free=("chi", "k_p", "k_d", "eta_p"), relative=True, **options):
        """Least-squares fit of the free parameters to a measured G(t) under V(t)
        (Levenberg-Marquardt; the model keeps the fitted values). free=None fits the library's
        default set (miranda G_min, chi, k_p, k_d, eta_p, eta_d; hillock G_min, chi, mu,
        kappa; linear R_off, chi, alpha, k). Keyword options (max_evaluations, max_seconds,
        auto_start, auto_fix) are set with set_fit_option() first. Returns a FitResult: check
        its status (a fit stopped by a budget returns its best point, not an error)."""
        t = _darr(t)
        V = _darr(V, t.size, "V")
        G = _darr(G, t.size, "G")
        for k, v in options.items():
            self.set_fit_option(k, v)
        if free is None:
            names, nfree = None, 0
        else:
            free = [free] if isinstance(free, str) else list(free)
            names, nfree = (ctypes.c_char_p * len(free))(*[_b(n) for n in free]), len(free)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_fit_run(ctypes.byref(p), self._p, _dp(t), _dp(V), _dp(G),
                                                t.size, names, nfree, int(bool(relative))))
        return FitResult(p, t.size, self._ctx)


class FitResult:
    """Result of MeanFieldModel.fit: params {name: (value, sigma)}, curve, residuals, rms;
    status ("converged", "evaluation-limit" or "time-limit"), status_code
    (mn_meanfield_fit_status_code), converged (bool), message (what happened, which
    parameters were held) and held {name: bool} (held at the start value because the data do
    not determine it; its sigma is 0)."""

    STATUS_NAMES = {0: "converged", 1: "evaluation-limit", 2: "time-limit"}

    def __init__(self, ptr, n, ctx):
        self._p = ptr
        self._ctx = ctx
        self.params = {}
        for i in range(_c.mn_meanfield_fit_param_count(ptr)):
            name = ctypes.c_char_p()
            v, s = ctypes.c_double(), ctypes.c_double()
            ctx.check(_c.mn_meanfield_fit_param(ptr, i, ctypes.byref(name), ctypes.byref(v),
                                                ctypes.byref(s)))
            self.params[name.value.decode()] = (v.value, s.value)
        self.held = {nm: bool(_c.mn_meanfield_fit_param_fixed(ptr, i))
                     for i, nm in enumerate(self.params)}
        msg = ctypes.c_char_p()
        self.status_code = _c.mn_meanfield_fit_status(ptr, ctypes.byref(msg))
        self.status = self.STATUS_NAMES.get(self.status_code, "unknown")
        self.converged = self.status_code == 0
        self.message = msg.value.decode() if msg.value else ""
        self.curve = _copy_d(_c.mn_meanfield_fit_curve(ptr), n)
        self.residuals = _copy_d(_c.mn_meanfield_fit_residuals(ptr), n)
        rms, chi2, g0 = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        dof, nfev = ctypes.c_size_t(), ctypes.c_size_t()
        _c.mn_meanfield_fit_stats(ptr, ctypes.byref(rms), ctypes.byref(chi2), ctypes.byref(dof),
                                  ctypes.byref(nfev), ctypes.byref(g0))
        self.rms, self.chi2, self.dof, self.nfev, self.g0 = (rms.value, chi2.value, dof.value,
                                                             nfev.value, g0.value)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_fit_free(self._p)
            self._p = None

    def __repr__(self):
        return "<memnet.FitResult %s rms=%.3g %s>" % (self.status, self.rms, self.params)


class Projector:
    """Projector quantities of a graph between a source and a drain (000 sec. 5):
    omega_n1, omega_vec, diag, trace, trace2, omega_mean; g_mean(g), g_eff(g, G_min, chi)."""

    METHODS = {"auto": 0, "dense": 1, "selinv": 2, "random": 3, "sketch": 4}

    def __init__(self, graph, source="left", drain="right", method="auto", tol=0.01, seed=1):
        self.graph = graph
        self._ctx = graph._ctx
        a = graph._nodes(source)
        b = graph._nodes(drain)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_projector_new(ctypes.byref(p), graph._p, _ip(a), a.size,
                                                      _ip(b), b.size, self.METHODS[method],
                                                      float(tol), int(seed)))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_projector_free(self._p)
            self._p = None

    @property
    def omega_n1(self):
        """Omega_{N+1} = R / (1 + R), R the unit-weight resistance between source and drain
        (000 sec. 5, 000 eq. (24))."""
        return _c.mn_meanfield_projector_omega_n1(self._p)

    @property
    def omega_vec(self):
        """The vector Omega-> (n_edges values): the source edge's column of Omega (000 sec. 5)."""
        return _copy_d(_c.mn_meanfield_projector_omega_vec(self._p), self.graph.n_edges)

    @property
    def diag(self):
        """diag(Omega) (n_edges values): the edges' leverage scores (unit-weight effective
        resistances), exact or estimated per `method`."""
        return _copy_d(_c.mn_meanfield_projector_diag(self._p), self.graph.n_edges)

    @property
    def trace(self):
        """Tr(Omega~) = rank(B~) - Omega_{N+1}."""
        return _c.mn_meanfield_projector_trace(self._p)

    @property
    def trace2(self):
        """Tr(Omega~^2) = Tr(Omega~) - Omega_{N+1} (1 - Omega_{N+1}) (001 eqs. (A49)-(A51))."""
        return _c.mn_meanfield_projector_trace2(self._p)

    @property
    def omega_mean(self):
        """<|Omega->|> = (1/N) sum_i |Omega->_i| over the N edges."""
        return _c.mn_meanfield_projector_omega_mean(self._p)

    def g_mean(self, g):
        """Mean-field state <g> = Tr(Omega~^2 g) / Tr(Omega~^2) (000 eq. (25)) of edge states g."""
        g = _darr(g, self.graph.n_edges, "g")
        m, e = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_projector_g_mean(self._p, _dp(g), ctypes.byref(m),
                                                         ctypes.byref(e)))
        return m.value

    def g_eff(self, g, G_min, chi):
        """Mean-field effective conductance (000 eq. (26)):
        G_eff = (1 - Omega_{N+1}) / Omega_{N+1} * G_min (1 + chi <g>), in S."""
        g = _darr(g, self.graph.n_edges, "g")
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_projector_g_eff(self._p, _dp(g), float(G_min),
                                                        float(chi), ctypes.byref(out)))
        return out.value

    def renormalise(self, model, G_source=1.0):
        """Turn a junction MeanFieldModel into this network's effective model in place, with this
        projector's Omega_{N+1} and <|Omega->|> (G_source: series conductance of the source, S);
        returns the model."""
        self._ctx.check(_c.mn_meanfield_model_renormalise_projector(model._p, self._p,
                                                                    float(G_source)))
        return model


class CBCircuit:
    """The Caravelli-Barucca n-memristor circuit theory (002/004)."""

    def __init__(self, n=10, R_on=100.0, R_off=16000.0, R_ref=100.0, R_int=100.0, alpha=1.0,
                 gamma=1.0, ctx=None):
        self._ctx = _ctx(ctx)
        self.n = int(n)
        p = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_cb_new(ctypes.byref(p), self._ctx._p, self.n,
                                               float(R_on), float(R_off), float(R_ref),
                                               float(R_int), float(alpha), float(gamma)))
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_cb_free(self._p)
            self._p = None

    @property
    def coefficients(self):
        """(xi, chi, rho) of 002 eq. 10."""
        a, b, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        _c.mn_meanfield_cb_coefficients(self._p, ctypes.byref(a), ctypes.byref(b),
                                        ctypes.byref(c))
        return a.value, b.value, c.value

    @property
    def critical_voltage(self):
        """S_c of 002 eq. 11 (V)."""
        return _c.mn_meanfield_cb_critical_voltage(self._p)

    def fixed_point(self, S, interacting=True):
        """Homogeneous fixed points (w_plus, w_minus) of xi w^2 + c w = S / (alpha gamma) (002 eq.
        (14)) at the applied voltage S (V): c = chi - rho when interacting (002 eq. (10)), c = chi
        for the non-interacting estimate (002 eq. (13)). Not clamped to [0, 1]; NotFoundError (a
        LookupError) when there is no real root."""
        a, b = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_cb_fixed_point(self._p, float(S), int(interacting),
                                                       ctypes.byref(a), ctypes.byref(b)))
        return a.value, b.value

    def psi(self, S):
        """Curie-Weiss mean field psi (002 eq. 17)."""
        return _c.mn_meanfield_cb_psi(self._p, float(S))

    def lyapunov(self, w, S):
        """Lyapunov functional H(w) of 002 eq. (15) (004 eq. (13)) for the n memristor states w
        with every source at S (V), in the form whose gradient is the fixed-point equation
        (docs/meanfield.md)."""
        w = _darr(w, self.n, "w")
        out = ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_cb_lyapunov(self._p, _dp(w), None, float(S),
                                                    ctypes.byref(out)))
        return out.value

    def integrate(self, w0, S, t_end, dt):
        """RK4 of 002 eq. 34 from w0 with every S_k = S; returns (w, H trace)."""
        w = _darr(w0, self.n, "w0").copy()
        nsteps = int(np.floor(t_end / dt)) + 1
        H = np.empty(nsteps)
        self._ctx.check(_c.mn_meanfield_cb_integrate(self._p, _dp(w), None, float(S),
                                                     float(t_end), float(dt), _dp(H)))
        return w, H


class EffectiveMedium:
    """Effective-medium reduction of a network of identical junctions (docs/meanfield.md,
    section 4): predicts G(t) under a voltage protocol from the network and one junction's
    parameters, without a fit.

    projector: a Projector of the network (exact diag by default: method "auto"/"selinv").
    junction: the parameters of ONE junction, a MeanFieldModel (not renormalised) or a lib/models
    Model ("miranda", "hillock" with `gap`, "strukov_hp"). Options: classes (default 64; 0 = one
    per junction), rtol (1e-4), atol (1e-7).

        p = memnet.Projector(g, "left", "right")
        em = memnet.EffectiveMedium(p, memnet.Model("miranda"))
        G, g_mean = em.predict(t, V)          # V[i] held over [t[i], t[i+1])
    """

    OPTIONS = {"classes": 0, "rtol": 1, "atol": 2}
    STATS = {"steps": 0, "rejected": 1, "medium_solves": 2}

    def __init__(self, projector, junction, gap=1.0, **options):
        self._ctx = projector._ctx
        self._n_edges = projector.graph.n_edges
        jm = junction
        if not isinstance(junction, MeanFieldModel):  # a lib/models junction
            p = ctypes.c_void_p()
            self._ctx.check(_c.mn_meanfield_model_from_junction(ctypes.byref(p), self._ctx._p,
                                                                junction._p, float(gap), None,
                                                                0.0, 1))
            jm = MeanFieldModel(ctx=self._ctx, _ptr=p)
        e = ctypes.c_void_p()
        self._ctx.check(_c.mn_meanfield_ema_new(ctypes.byref(e), projector._p, jm._p))
        self._p = e
        self.set(**options)

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_meanfield_ema_free(self._p)
            self._p = None

    def set(self, **options):
        """Set options: classes=K (0: one per junction), rtol=R, atol=A."""
        for k, v in options.items():
            if k not in self.OPTIONS:
                raise KeyError("unknown option %r (one of %s)" % (k, ", ".join(self.OPTIONS)))
            self._ctx.check(_c.mn_meanfield_ema_set(self._p, self.OPTIONS[k], float(v)))

    @property
    def classes(self):
        """The classes as a dict of arrays: a (voltage per applied volt), R (resistance of the
        rest of the unit network, electrodes shorted), weight (sum of a_i^2), count."""
        n = _c.mn_meanfield_ema_class_count(self._p)
        out = {k: np.empty(n) for k in ("a", "R", "weight")}
        out["count"] = np.empty(n, dtype=np.int64)
        a, R, w, c = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_size_t()
        for k in range(n):
            self._ctx.check(_c.mn_meanfield_ema_class(self._p, k, ctypes.byref(a), ctypes.byref(R),
                                                      ctypes.byref(w), ctypes.byref(c)))
            out["a"][k], out["R"][k], out["weight"][k], out["count"][k] = a.value, R.value, w.value, c.value
        return out

    def conductance(self, G):
        """The closure alone: (G_eff, G_m) of the network for edge conductances G (S)."""
        G = _darr(G, self._n_edges, "G")
        ge, gm = ctypes.c_double(), ctypes.c_double()
        self._ctx.check(_c.mn_meanfield_ema_conductance(self._p, _dp(G), ctypes.byref(ge),
                                                        ctypes.byref(gm)))
        return ge.value, gm.value

    def predict(self, t, V, g0=0.0):
        """G(t) and the mean state under a sampled protocol (V[i] held over [t[i], t[i+1])),
        every junction starting at g0; returns (G, g_mean)."""
        t = _darr(t)
        V = _darr(V, t.size, "V")
        G = np.empty(t.size)
        gm = np.empty(t.size)
        self._ctx.check(_c.mn_meanfield_ema_integrate_sampled(self._p, _dp(t), _dp(V), t.size,
                                                              float(g0), _dp(G), _dp(gm)))
        return G, gm

    @property
    def stats(self):
        """Counters: steps, rejected, medium_solves."""
        return {k: int(_c.mn_meanfield_ema_stat_get(self._p, v)) for k, v in self.STATS.items()}
