/*
 * Current-controlled and floating electrodes. The Kirchhoff solver holds every electrode at a
 * potential (Dirichlet); an electrode whose net current is prescribed instead (a current
 * waveform, or 0 A while it floats: an open contact, as the idle inputs of nanowire reservoirs)
 * gets the potential that gives that current. The electrode currents are affine in the
 * electrode potentials, I = I0 + R phi_F (R: current of electrode f per volt on electrode g,
 * the others at 0 V), so one solve with phi_F = 0, one per free electrode with a unit
 * potential, the small dense system R phi_F = I_target - I0, and the final solve give the
 * solution, all with one factorisation. The nodes of an electrode stay equipotential (a metal
 * contact) while it floats. The Jacobian-vector product corrects the fixed-potential
 * sensitivity dV by the potential changes that keep the free electrodes' currents fixed:
 * dphi_F = -R^-1 dI_F, dV += sum_g dphi_g V_g. docs/simulation.md.
 */
#include "sim/sim-impl.h"

#include <math.h>
#include <string.h>

static mn_status ensure_ext(mn_sim *s)
{
    if (s->el_ext_n == s->n_el && s->el_cur) return MN_OK;
    size_t n = s->n_el, old = s->el_ext_n;
    mn_waveform **iwf = mn__realloc_array(s->ctx, s->el_iwf, n, sizeof *iwf);
    if (!iwf) return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    s->el_iwf = iwf;
    unsigned char *cur = mn__realloc_array(s->ctx, s->el_cur, n, 1);
    if (!cur) return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    s->el_cur = cur;
    double **fl = mn__realloc_array(s->ctx, s->el_fl, n, sizeof *fl);
    if (!fl) return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    s->el_fl = fl;
    size_t *nfl = mn__realloc_array(s->ctx, s->el_nfl, n, sizeof *nfl);
    if (!nfl) return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    s->el_nfl = nfl;
    for (size_t k = old; k < n; k++) iwf[k] = NULL, cur[k] = 0, fl[k] = NULL, nfl[k] = 0;
    s->el_ext_n = n;
    return MN_OK;
}

static mn_status check_id(mn_sim *s, size_t id, const char *what)
{
    if (!s) return MN_ERR_INVALID;
    if (s->started)
        return mn__error(s->ctx, MN_ERR_STATE, "simulation: cannot %s after the run has started", what);
    if (id >= s->n_el)
        return mn__error(s->ctx, MN_ERR_RANGE, "%s: no electrode %zu (the simulation has %zu)", what, id, s->n_el);
    return ensure_ext(s);
}

mn_status mn_sim_set_electrode_current(mn_sim *s, size_t id, const mn_waveform *amps)
{
    mn_status st = check_id(s, id, "set an electrode current");
    if (st) return st;
    mn_waveform *copy = NULL;
    if (amps && (st = mn_waveform_copy(&copy, amps))) return mn__error(s->ctx, st, "electrode %zu: copy failed", id);
    mn_waveform_free(s->el_iwf[id]);
    s->el_iwf[id] = copy;
    s->el_cur[id] = 1;
    return MN_OK;
}

mn_status mn_sim_set_electrode_floating(mn_sim *s, size_t id, const double *intervals, size_t n)
{
    mn_status st = check_id(s, id, "set floating intervals");
    if (st) return st;
    if (n && !intervals) return mn__error(s->ctx, MN_ERR_INVALID, "electrode %zu: NULL floating intervals", id);
    for (size_t i = 0; i < n; i++) {
        double a = intervals[2 * i], b = intervals[2 * i + 1];
        if (!isfinite(a) || isnan(b) || !(b > a))
            return mn__error(s->ctx, MN_ERR_RANGE, "electrode %zu: floating interval %g-%g is not t1 < t2", id, a, b);
        if (i && !(a >= intervals[2 * i - 1]))
            return mn__error(s->ctx, MN_ERR_RANGE,
                             "electrode %zu: floating interval %g-%g overlaps or precedes %g-%g (give them in order)",
                             id, a, b, intervals[2 * i - 2], intervals[2 * i - 1]);
    }
    double *copy = NULL;
    if (n && !(copy = mn__malloc_or_err(s->ctx, 2 * n, sizeof *copy, "floating intervals")))
        return MN_ERR_NOMEM;
    if (n) memcpy(copy, intervals, 2 * n * sizeof *copy);
    mn__free(s->ctx, s->el_fl[id]);
    s->el_fl[id] = copy;
    s->el_nfl[id] = n;
    return MN_OK;
}

void mn__sim_electrodes_free(mn_sim *s)
{
    for (size_t k = 0; k < s->el_ext_n; k++) {
        mn_waveform_free(s->el_iwf[k]);
        mn__free(s->ctx, s->el_fl[k]);
    }
    void *b[] = { s->el_iwf, s->el_cur, s->el_fl, s->el_nfl, s->fe, s->fe_R, s->fe_V, s->fe_tmp };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) mn__free(s->ctx, b[i]);
}

/* floating at (t, left): inside (a, b), from the right at a, from the left at b */
static int floats_at(const mn_sim *s, size_t k, double t, int left)
{
    if (k >= s->el_ext_n) return 0;
    const double *iv = s->el_fl[k];
    for (size_t i = 0; i < s->el_nfl[k]; i++) {
        double a = iv[2 * i], b = iv[2 * i + 1];
        if ((t > a && t < b) || (t == a && !left) || (t == b && left)) return 1;
    }
    return 0;
}

static int is_free(const mn_sim *s, size_t k, double t, int left)
{
    return k < s->el_ext_n && (s->el_cur[k] || floats_at(s, k, t, left));
}

double mn__sim_electrodes_next_breakpoint(const mn_sim *s, double t)
{
    double b = INFINITY;
    for (size_t k = 0; k < s->el_ext_n; k++) {
        if (s->el_iwf[k]) {
            double x = mn_waveform_next_breakpoint(s->el_iwf[k], t);
            if (x < b) b = x;
        }
        for (size_t i = 0; i < 2 * s->el_nfl[k]; i++)
            if (s->el_fl[k][i] > t && s->el_fl[k][i] < b) b = s->el_fl[k][i];
    }
    return b;
}

mn_status mn__sim_electrodes_check(mn_sim *s, double t0)
{
    if (!s->el_ext_n) return MN_OK;
    int any = 0;
    for (size_t k = 0; k < s->el_ext_n; k++) any |= s->el_cur[k] || s->el_nfl[k];
    if (!any) return MN_OK;
    if (s->isrc_wf || s->emf)
        return mn__error(s->ctx, MN_ERR_INVALID, "simulation: current-controlled or floating electrodes cannot be "
                                                 "combined with %s", s->isrc_wf ? "a current source" : "series EMFs");
    /* at every time some electrode must hold a potential: check the start and every moment an
       interval begins */
    size_t nv = 0, last_v = 0;
    for (size_t k = 0; k < s->n_el; k++)
        if (!(k < s->el_ext_n && s->el_cur[k])) nv++, last_v = k;
    if (!nv)
        return mn__error(s->ctx, MN_ERR_INVALID, "simulation: every electrode is current-controlled: at least one "
                                                 "must hold a potential (a ground)");
    for (size_t j = 0; j <= s->el_ext_n; j++) {
        for (size_t i = 0; i < (j < s->el_ext_n ? s->el_nfl[j] : 1); i++) {
            double c = j < s->el_ext_n ? s->el_fl[j][2 * i] : t0;
            if (c < t0) c = t0;
            int held = 0;
            for (size_t k = 0; k < s->n_el && !held; k++) held = !is_free(s, k, c, 0);
            if (held) continue;
            if (nv == 1)
                return mn__error(s->ctx, MN_ERR_INVALID,
                                 "simulation: electrode %zu, the only electrode holding a potential, floats at "
                                 "t = %g: nothing fixes the potentials then", last_v, c);
            return mn__error(s->ctx, MN_ERR_INVALID,
                             "simulation: every electrode holding a potential floats at t = %g", c);
        }
    }
    return MN_OK;
}

/* solve the small dense system A x = b (n x n, A overwritten) by Gaussian elimination with
   partial pivoting; a pivot below tol * max|A_ii| means that electrode is cut off from every
   electrode holding a potential: its potential is set to 0 (and its current must be 0) */
static void dense_solve(double *A, double *b, size_t n, unsigned char *cut)
{
    double scale = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(A[i * n + i]));
    double tol = 1e-13 * scale;
    size_t *perm = NULL;
    (void)perm;
    for (size_t i = 0; i < n; i++) cut[i] = 0;
    /* symmetric positive semidefinite: eliminate in place without row exchanges, skipping
       (zeroing) pivots that vanish */
    for (size_t k = 0; k < n; k++) {
        double p = A[k * n + k];
        if (!(p > tol)) {
            cut[k] = 1;
            continue;
        }
        for (size_t i = k + 1; i < n; i++) {
            double f = A[i * n + k] / p;
            if (f == 0) continue;
            for (size_t j = k; j < n; j++) A[i * n + j] -= f * A[k * n + j];
            b[i] -= f * b[k];
        }
    }
    for (size_t k = n; k-- > 0;) {
        if (cut[k]) {
            b[k] = 0;
            continue;
        }
        double a = b[k];
        for (size_t j = k + 1; j < n; j++) a -= A[k * n + j] * b[j];
        b[k] = a / A[k * n + k];
    }
}

static mn_status ensure_work(mn_sim *s)
{
    if (s->fe) return MN_OK;
    size_t n = s->n_el;
    s->fe = mn__calloc(s->ctx, n, sizeof *s->fe);
    s->fe_R = mn__calloc(s->ctx, n * n, sizeof *s->fe_R);
    s->fe_V = mn__calloc(s->ctx, n * (s->m ? s->m : 1), sizeof *s->fe_V);
    s->fe_tmp = mn__calloc(s->ctx, 4 * n + 1, sizeof *s->fe_tmp);
    if (!s->fe || !s->fe_R || !s->fe_V || !s->fe_tmp)
        return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    return MN_OK;
}

mn_status mn__sim_electrodes_solve(mn_sim *s, double t, int left)
{
    mn_status st;
    mn_kirchhoff *k = s->kir;
    size_t nf = 0;
    if ((st = ensure_work(s))) return st;
    for (size_t e = 0; e < s->n_el; e++)
        if (is_free(s, e, t, left)) s->fe[nf++] = e;
    s->n_fe = nf;
    size_t n = s->n_el, m = s->m;
    unsigned char *free_el = (unsigned char *)(s->fe_tmp + 3 * n);
    memset(free_el, 0, n);
    for (size_t i = 0; i < nf; i++) free_el[s->fe[i]] = 1;
    /* 1. the free electrodes at 0 V */
    for (size_t e = 0; e < n; e++)
        if ((st = mn_kirchhoff_set_potential(k, e, free_el[e] ? 0.0 : s->el_phi[e]))) return st;
    if ((st = mn_kirchhoff_set_conductances(k, s->G))) return st;
    if ((st = mn_kirchhoff_solve(k))) return st;
    s->st_solves++;
    if (!nf) return MN_OK;
    double *rhs = s->fe_tmp, *R = s->fe_R, *A = s->fe_tmp + n; /* A: n x n would not fit: use R copy below */
    (void)A;
    for (size_t i = 0; i < nf; i++) {
        size_t f = s->fe[i];
        double I0 = 0, target = 0;
        mn_kirchhoff_electrode_current(k, f, &I0);
        if (s->el_cur[f] && !floats_at(s, f, t, left) && s->el_iwf[f]) target = mn__waveform_eval(s->el_iwf[f], t, left);
        rhs[i] = target - I0;
    }
    /* 2. unit responses: electrode g at 1 V, every other at 0 V */
    for (size_t e = 0; e < n; e++)
        if ((st = mn_kirchhoff_set_potential(k, e, 0.0))) return st;
    for (size_t j = 0; j < nf; j++) {
        size_t g = s->fe[j];
        if ((st = mn_kirchhoff_set_potential(k, g, 1.0))) return st;
        if ((st = mn_kirchhoff_solve(k))) return st;
        s->st_solves++;
        for (size_t i = 0; i < nf; i++) {
            double I = 0;
            mn_kirchhoff_electrode_current(k, s->fe[i], &I);
            R[i * nf + j] = I;
        }
        memcpy(s->fe_V + j * m, mn_kirchhoff_edge_voltages(k), m * sizeof(double));
        if ((st = mn_kirchhoff_set_potential(k, g, 0.0))) return st;
    }
    /* 3. the potentials that give the prescribed currents */
    double *Rw = mn__malloc(s->ctx, nf * nf * sizeof *Rw);
    unsigned char *cut = mn__malloc(s->ctx, nf + 1);
    if (!Rw || !cut) {
        mn__free(s->ctx, Rw), mn__free(s->ctx, cut);
        return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    }
    memcpy(Rw, R, nf * nf * sizeof *Rw);
    double *want = s->fe_tmp + n;
    memcpy(want, rhs, nf * sizeof *want);
    dense_solve(Rw, rhs, nf, cut);
    for (size_t i = 0; i < nf; i++)
        if (cut[i] && fabs(want[i]) > 0) {
            size_t f = s->fe[i];
            mn__free(s->ctx, Rw), mn__free(s->ctx, cut);
            return mn__error(s->ctx, MN_ERR_SINGULAR,
                             "electrode %zu: its current is prescribed (%g A at t = %g) but it is not connected to "
                             "any electrode that holds a potential", f, want[i], t);
        }
    mn__free(s->ctx, Rw), mn__free(s->ctx, cut);
    for (size_t i = 0; i < nf; i++) s->el_phi[s->fe[i]] = rhs[i];
    /* 4. the final solve */
    for (size_t e = 0; e < n; e++)
        if ((st = mn_kirchhoff_set_potential(k, e, s->el_phi[e]))) return st;
    if ((st = mn_kirchhoff_solve(k))) return st;
    s->st_solves++;
    return MN_OK;
}

mn_status mn__sim_electrodes_jv(mn_sim *s, const double *dG, double *dV)
{
    size_t nf = s->n_fe, m = s->m;
    if (!nf) return MN_OK;
    double *b = s->fe_tmp + 2 * s->n_el;
    for (size_t i = 0; i < nf; i++) {
        double dI = 0;
        mn_status st = mn__kirchhoff_electrode_current_sensitivity(s->kir, dG, dV, s->fe[i], &dI);
        if (st) return st;
        b[i] = -dI;
    }
    double *Rw = mn__malloc(s->ctx, nf * nf * sizeof *Rw);
    unsigned char *cut = mn__malloc(s->ctx, nf + 1);
    if (!Rw || !cut) {
        mn__free(s->ctx, Rw), mn__free(s->ctx, cut);
        return mn__error(s->ctx, MN_ERR_NOMEM, "electrodes: out of memory");
    }
    memcpy(Rw, s->fe_R, nf * nf * sizeof *Rw);
    dense_solve(Rw, b, nf, cut);
    mn__free(s->ctx, Rw), mn__free(s->ctx, cut);
    for (size_t j = 0; j < nf; j++) {
        const double *Vg = s->fe_V + j * m;
        double d = b[j];
        if (d != 0)
            for (size_t e = 0; e < m; e++) dV[e] += d * Vg[e];
    }
    return MN_OK;
}
