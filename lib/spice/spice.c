/* SPICE netlists of a network: a resistor snapshot or behavioural junctions with a state
 * capacitor (include/memnet/spice.h). Public API of the other modules only, plus the core's
 * allocation and error helpers. */
#include "core/core-private.h"

#include <memnet/spice.h>
#include <memnet/version.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PWL_MAX 1000000 /* most PWL points per source */
#define PWL_TOL 1e-5    /* interpolation error relative to the waveform's largest magnitude */

typedef struct electrode {
    mn_waveform *w; /* NULL: ground */
} electrode;

struct mn_spice {
    mn_context *ctx;
    mn_network *net;
    mn_graph *g;
    double *x;          /* states, edge order */
    mn_index *node_el;  /* electrode of each node, -1 if none */
    electrode *el;
    size_t n_el;
    double t_end, dt_out; /* 0: no transient */
};

mn_status mn_spice_new(mn_spice **out, mn_network *net)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!net) return MN_ERR_INVALID;
    mn_graph *g = mn_network_graph(net);
    mn_context *ctx = mn_graph_context(g);
    mn_status st = MN_OK;
    mn_spice *sp = mn__calloc_or_err(ctx, 1, sizeof *sp, "SPICE writer");
    if (!sp) return MN_ERR_NOMEM;
    sp->ctx = ctx;
    sp->net = net;
    sp->g = g;
    size_t ns = mn_network_state_count(net), nn = mn_graph_node_count(g);
    sp->x = mn__calloc_or_err(ctx, ns ? ns : 1, sizeof(double), "SPICE writer states");
    sp->node_el = mn__malloc_or_err(ctx, nn ? nn : 1, sizeof(mn_index), "SPICE writer nodes");
    if (!sp->x || !sp->node_el) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < nn; i++) sp->node_el[i] = -1;
    MN__TRY(mn_network_initial_state(net, sp->x));
    *out = sp;
    return MN_OK;
cleanup:
    mn_spice_free(sp);
    return st;
}

void mn_spice_free(mn_spice *sp)
{
    if (!sp) return;
    mn_context *ctx = sp->ctx;
    for (size_t k = 0; k < sp->n_el; k++) mn_waveform_free(sp->el[k].w);
    mn__free(ctx, sp->el);
    mn__free(ctx, sp->node_el);
    mn__free(ctx, sp->x);
    mn__free(ctx, sp);
}

mn_status mn_spice_set_states(mn_spice *sp, const double *x)
{
    if (!sp || !x) return MN_ERR_INVALID;
    size_t ns = mn_network_state_count(sp->net);
    for (size_t i = 0; i < ns; i++)
        if (!isfinite(x[i]))
            return mn__error(sp->ctx, MN_ERR_RANGE, "SPICE states: state %zu is %g, not finite",
                             i, x[i]);
    memcpy(sp->x, x, ns * sizeof(double));
    return MN_OK;
}

mn_status mn_spice_add_electrode(mn_spice *sp, const mn_index *nodes, size_t n,
                                 const mn_waveform *w, size_t *id)
{
    if (!sp) return MN_ERR_INVALID;
    if (!nodes || n == 0)
        return mn__error(sp->ctx, MN_ERR_INVALID, "SPICE electrode: no nodes given");
    size_t nn = mn_graph_node_count(sp->g);
    mn_index k = (mn_index)sp->n_el;
    for (size_t i = 0; i < n; i++) {
        if (nodes[i] < 0 || (size_t)nodes[i] >= nn || sp->node_el[nodes[i]] != -1) {
            mn_status st = mn__error(
                sp->ctx, MN_ERR_INVALID, "SPICE electrode %ld: node %ld %s", (long)k,
                (long)nodes[i],
                nodes[i] < 0 || (size_t)nodes[i] >= nn ? "is not a node of the graph"
                : sp->node_el[nodes[i]] == k           ? "is listed twice"
                                                       : "belongs to another electrode");
            for (size_t j = 0; j < i; j++) sp->node_el[nodes[j]] = -1;
            return st;
        }
        sp->node_el[nodes[i]] = k;
    }
    mn_status st = MN_OK;
    mn_waveform *copy = NULL;
    electrode *el = mn__realloc_array(sp->ctx, sp->el, sp->n_el + 1, sizeof *el);
    if (!el) {
        st = mn__error(sp->ctx, MN_ERR_NOMEM, "out of memory (SPICE electrodes)");
        goto undo;
    }
    sp->el = el;
    if (w && (st = mn_waveform_copy(&copy, w)) != MN_OK) goto undo;
    sp->el[sp->n_el++].w = copy;
    if (id) *id = (size_t)k;
    return MN_OK;
undo:
    for (size_t i = 0; i < n; i++) sp->node_el[nodes[i]] = -1;
    return st;
}

mn_status mn_spice_set_transient(mn_spice *sp, double t_end, double dt_out)
{
    if (!sp) return MN_ERR_INVALID;
    if (!(isfinite(t_end) && t_end > 0.0) || !(isfinite(dt_out) && dt_out > 0.0) ||
        dt_out > t_end)
        return mn__error(sp->ctx, MN_ERR_RANGE,
                         "SPICE transient: t_end = %g and dt_out = %g must be finite, > 0, "
                         "with dt_out <= t_end",
                         t_end, dt_out);
    sp->t_end = t_end;
    sp->dt_out = dt_out;
    return MN_OK;
}

/* ------------------------------------------------------------------ locale-free output */

typedef struct out {
    FILE *f;
    int err; /* errno of the first failure, or -1 */
} out;

/* "%.17g"; mn_spice_write runs in the C locale (mn__c_locale_begin), so '.' is the decimal
 * point whatever the process locale */
static const char *num(char *buf, size_t sz, double v)
{
    snprintf(buf, sz, "%.17g", v);
    return buf;
}

/* printf-like writer of text without floating conversions (numbers go through num()) */
static void put(out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void put(out *o, const char *fmt, ...)
{
    if (o->err) return;
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0) o->err = errno ? errno : EIO;
    va_end(ap);
}

/* a ring of number buffers, so that one put() can format several numbers (each call of
 * numr() is a function call: sequenced, unlike an increment inside the argument list) */
typedef struct numring {
    char b[8][32];
    unsigned i;
} numring;

static const char *numr(numring *r, double v)
{
    char *b = r->b[r->i++ % 8];
    return num(b, sizeof r->b[0], v);
}

#define N(v) numr(&nr, (v))

/* ------------------------------------------------------------------ components */

static mn_index uf_find(mn_index *p, mn_index a)
{
    while (p[a] != a) {
        p[a] = p[p[a]];
        a = p[a];
    }
    return a;
}

/* keep[e] = 1 for edges (with G > 0 for resistors, all for behavioural) whose component
 * touches an electrode; returns 0 or -1 (no memory) */
static int kept_edges(mn_spice *sp, const double *G, unsigned char *keep)
{
    size_t nn = mn_graph_node_count(sp->g), m = mn_graph_edge_count(sp->g);
    const mn_index *u = mn_graph_edge_u(sp->g), *v = mn_graph_edge_v(sp->g);
    mn_index *p = mn__malloc(sp->ctx, (nn ? nn : 1) * sizeof *p);
    unsigned char *touch = mn__calloc(sp->ctx, nn ? nn : 1, 1);
    if (!p || !touch) {
        mn__free(sp->ctx, p);
        mn__free(sp->ctx, touch);
        return -1;
    }
    /* electrodes are single circuit nodes: join each electrode's nodes first */
    mn_index *first = mn__malloc(sp->ctx, (sp->n_el ? sp->n_el : 1) * sizeof *first);
    if (!first) {
        mn__free(sp->ctx, p);
        mn__free(sp->ctx, touch);
        return -1;
    }
    for (size_t k = 0; k < sp->n_el; k++) first[k] = -1;
    for (size_t i = 0; i < nn; i++) p[i] = (mn_index)i;
    for (size_t i = 0; i < nn; i++) {
        mn_index k = sp->node_el[i];
        if (k < 0) continue;
        if (first[k] < 0) first[k] = (mn_index)i;
        else p[uf_find(p, (mn_index)i)] = uf_find(p, first[k]);
    }
    for (size_t e = 0; e < m; e++)
        if (!G || G[e] > 0.0) {
            mn_index a = uf_find(p, u[e]), b = uf_find(p, v[e]);
            if (a != b) p[a] = b;
        }
    for (size_t i = 0; i < nn; i++)
        if (sp->node_el[i] >= 0) touch[uf_find(p, (mn_index)i)] = 1;
    for (size_t e = 0; e < m; e++) keep[e] = (!G || G[e] > 0.0) && touch[uf_find(p, u[e])];
    mn__free(sp->ctx, first);
    mn__free(sp->ctx, touch);
    mn__free(sp->ctx, p);
    return 0;
}

/* circuit node of memnet node i */
static const char *node_name(const mn_spice *sp, char *buf, size_t sz, mn_index i)
{
    mn_index k = sp->node_el[i];
    if (k >= 0 && !sp->el[k].w) snprintf(buf, sz, "0");
    else if (k >= 0) snprintf(buf, sz, "e%ld", (long)k);
    else snprintf(buf, sz, "n%ld", (long)i);
    return buf;
}

/* ------------------------------------------------------------------ waveforms as PWL */

typedef struct pwl {
    double *t, *v;
    size_t n, cap;
    mn_context *ctx;
} pwl;

static int pwl_push(pwl *p, double t, double v)
{
    if (p->n && t <= p->t[p->n - 1]) return 0; /* keep times strictly increasing */
    if (p->n == PWL_MAX) return -2;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        double *a = mn__realloc_array(p->ctx, p->t, cap, sizeof(double));
        if (!a) return -1;
        p->t = a;
        double *b = mn__realloc_array(p->ctx, p->v, cap, sizeof(double));
        if (!b) return -1;
        p->v = b;
        p->cap = cap;
    }
    p->t[p->n] = t;
    p->v[p->n++] = v;
    return 0;
}

/* points of (a, b]: linear interpolation between value(a) and value_left(b) within tol */
static int pwl_segment(pwl *p, const mn_waveform *w, double a, double va, double b, double vb,
                       double tol, int depth)
{
    /* 16 probes at irregular positions, so that a periodic form whose zeros fall on a
     * regular grid (a sine over whole half-periods) is not taken for a straight line */
    int lin = 1;
    for (int q = 0; q < 16 && lin; q++) {
        double s = (q + 0.5 + 0.37 * sin(1.0 + q)) / 16.0;
        double li = va + (vb - va) * s;
        if (fabs(mn_waveform_value(w, a + (b - a) * s) - li) > tol) lin = 0;
    }
    if (!lin && depth < 40) {
        double m = 0.5 * (a + b), vm = mn_waveform_value(w, m);
        int rc = pwl_segment(p, w, a, va, m, vm, tol, depth + 1);
        if (rc) return rc;
        return pwl_segment(p, w, m, vm, b, vb, tol, depth + 1);
    }
    return pwl_push(p, b, vb);
}

static int pwl_build(pwl *p, const mn_waveform *w, double t_end)
{
    /* scale: largest magnitude over the breakpoints and a coarse grid */
    double scale = 0.0;
    size_t iter = 0;
    for (int q = 0; q <= 256; q++) scale = fmax(scale, fabs(mn_waveform_value(w, t_end * q / 256.0)));
    for (double b = mn_waveform_next_breakpoint(w, 0.0); b <= t_end;
         b = mn_waveform_next_breakpoint(w, b)) {
        scale = fmax(scale, fmax(fabs(mn_waveform_value(w, b)), fabs(mn_waveform_value_left(w, b))));
        if (++iter > PWL_MAX) return -2; /* more breakpoints than points allowed */
    }
    double tol = PWL_TOL * (scale > 0.0 ? scale : 1.0), jump = 1e-9 * t_end;
    double a = 0.0, va = mn_waveform_value(w, 0.0);
    int rc = pwl_push(p, 0.0, va);
    iter = 0;
    while (!rc && a < t_end) {
        if (++iter > PWL_MAX) return -2;
        double b = mn_waveform_next_breakpoint(w, a);
        if (!(b > a) || b > t_end) b = t_end;
        double vl = mn_waveform_value_left(w, b), vr = mn_waveform_value(w, b);
        rc = pwl_segment(p, w, a, va, b, vl, tol, 0);
        if (!rc && vr != vl && b < t_end) { /* a jump: a ramp of width `jump` */
            double bj = fmin(b + jump, t_end);
            rc = pwl_push(p, bj, mn_waveform_value(w, bj));
            b = bj;
            vr = mn_waveform_value(w, bj);
        }
        a = b;
        va = vr;
    }
    return rc;
}

static void put_source(out *o, mn_spice *sp, size_t k, pwl *p)
{
    numring nr = { .i = 0 };
    if (!sp->t_end) {
        put(o, "Ve%zu e%zu 0 DC %s\n", k, k, N(mn_waveform_value(sp->el[k].w, 0.0)));
    } else {
        put(o, "Ve%zu e%zu 0 PWL(", k, k);
        for (size_t i = 0; i < p->n; i++)
            put(o, "%s%s %s", i ? (i % 4 ? " " : "\n+ ") : "", N(p->t[i]), N(p->v[i]));
        put(o, ")\n");
    }
}

/* ------------------------------------------------------------------ junctions */

static mn_status param(mn_spice *sp, mn_index e, const char *name, double *v)
{
    mn_status st = mn_network_get_edge_param(sp->net, e, name, v);
    if (st != MN_OK)
        return mn__error(sp->ctx, st, "SPICE netlist: edge %ld has no parameter %s", (long)e, name);
    return MN_OK;
}

enum { J_RESISTOR, J_MIRANDA, J_HP };

static int junction_kind(const mn_model_ops *ops)
{
    if (!strcmp(ops->name, "miranda")) return J_MIRANDA;
    if (!strcmp(ops->name, "strukov_hp")) return J_HP;
    if (!strcmp(ops->name, "resistor") || ops->n_states == 0) return J_RESISTOR;
    return -1;
}

/* one behavioural junction e between circuit nodes a, b with its state node s<e> */
static mn_status put_behavioural(out *o, mn_spice *sp, mn_index e, int kind, const char *a,
                                 const char *b, double G, double x0)
{
    numring nr = { .i = 0 };
    char vexpr[96];
    int same = !strcmp(a, b);
    if (same) snprintf(vexpr, sizeof vexpr, "0");
    else snprintf(vexpr, sizeof vexpr, "V(%s,%s)", a, b);
    mn_status st = MN_OK;
    if (kind == J_RESISTOR) {
        if (!same && G > 0.0) put(o, "R%ld %s %s %s\n", (long)e, a, b, N(1.0 / G));
        return MN_OK;
    }
    if (kind == J_MIRANDA) { /* 000 eqs 1-2, 003 eqs 7-8 */
        double kP0, kD0, eP, eD, gmin, gmax, uni;
        if ((st = param(sp, e, "kP0", &kP0)) || (st = param(sp, e, "kD0", &kD0)) ||
            (st = param(sp, e, "etaP", &eP)) || (st = param(sp, e, "etaD", &eD)) ||
            (st = param(sp, e, "Gmin", &gmin)) || (st = param(sp, e, "Gmax", &gmax)) ||
            (st = param(sp, e, "unipolar", &uni)))
            return st;
        char u[112];
        snprintf(u, sizeof u, uni != 0.0 ? "abs(%s)" : "(%s)", vexpr);
        if (!same)
            put(o, "Bj%ld %s %s I=(%s+%s*V(s%ld))*%s\n", (long)e, a, b, N(gmin), N(gmax - gmin),
                (long)e, vexpr);
        put(o, "Bs%ld 0 s%ld I=%s*exp(%s*%s)*(1-V(s%ld))-%s*exp(%s*%s)*V(s%ld)\n", (long)e,
            (long)e, N(kP0), N(eP), u, (long)e, N(kD0), N(-eD), u, (long)e);
    } else { /* strukov_hp: R = Ron x + Roff (1 - x), dx/dt = k i f(x) - x / tau */
        double ron, roff, k, tau, win, p, uni;
        if ((st = param(sp, e, "Ron", &ron)) || (st = param(sp, e, "Roff", &roff)) ||
            (st = param(sp, e, "k", &k)) || (st = param(sp, e, "tau", &tau)) ||
            (st = param(sp, e, "window", &win)) || (st = param(sp, e, "p", &p)) ||
            (st = param(sp, e, "unipolar", &uni)))
            return st;
        char iexpr[320], x[32], f[1024];
        snprintf(x, sizeof x, "V(s%ld)", (long)e);
        snprintf(iexpr, sizeof iexpr, "(%s/(%s*%s+%s*(1-%s)))", vexpr, N(ron), x, N(roff), x);
        switch ((int)win) {
        case 1: snprintf(f, sizeof f, "(1-pow((2*%s-1)*(2*%s-1),%s))", x, x, N(p)); break;
        case 2:
            snprintf(f, sizeof f, "(1-pow((%s-u(-%s))*(%s-u(-%s)),%s))", x, iexpr, x, iexpr, N(p));
            break;
        case 3: snprintf(f, sizeof f, "(1-pow((%s-0.5)*(%s-0.5)+0.75,%s))", x, x, N(p)); break;
        default: snprintf(f, sizeof f, "1"); break;
        }
        if (!same) put(o, "Bj%ld %s %s I=%s\n", (long)e, a, b, iexpr);
        put(o, "Bs%ld 0 s%ld I=%s*%s%s%s*%s", (long)e, (long)e, N(k), uni != 0.0 ? "abs" : "",
            iexpr, "", f);
        if (isfinite(tau)) put(o, "-%s/%s", x, N(tau));
        put(o, "\n");
    }
    put(o, "Cs%ld s%ld 0 1\n", (long)e, (long)e);
    put(o, ".ic V(s%ld)=%s\n", (long)e, N(x0));
    return MN_OK;
}

static mn_status spice_write(mn_spice *sp, mn_spice_kind kind, const char *path)
{
    if (!sp || !path) return MN_ERR_INVALID;
    mn_context *ctx = sp->ctx;
    if (kind != MN_SPICE_RESISTORS && kind != MN_SPICE_BEHAVIOURAL)
        return mn__error(ctx, MN_ERR_INVALID, "SPICE netlist: unknown kind %d", (int)kind);
    int grounded = 0;
    for (size_t k = 0; k < sp->n_el; k++) grounded |= !sp->el[k].w;
    if (!grounded)
        return mn__error(ctx, MN_ERR_STATE,
                         "SPICE netlist: no grounded electrode (add one with a NULL waveform)");
    mn_network *net = sp->net;
    size_t m = mn_graph_edge_count(sp->g), nm = mn_network_model_count(net);
    const mn_index *u = mn_graph_edge_u(sp->g), *v = mn_graph_edge_v(sp->g);
    const mn_index *em = mn_network_edge_models(net);
    const size_t *off = mn_network_state_offsets(net);
    mn_status st = MN_OK;
    FILE *f = NULL;
    double *G = NULL;
    unsigned char *keep = NULL;
    pwl *src = NULL;
    int *jk = NULL;
    char *tmp = NULL;

    /* what every model becomes, checked before anything is written */
    jk = mn__calloc_or_err(ctx, nm ? nm : 1, sizeof *jk, "SPICE netlist");
    if (!jk) MN__FAIL(MN_ERR_NOMEM);
    for (size_t k = 0; k < nm; k++) {
        const mn_model_ops *ops = mn_network_model_ops(net, k);
        jk[k] = kind == MN_SPICE_RESISTORS ? J_RESISTOR : junction_kind(ops);
        if (jk[k] < 0)
            MN__FAIL(mn__error(ctx, MN_ERR_UNSUPPORTED,
                               "SPICE netlist: model %s has no behavioural SPICE form "
                               "(miranda, strukov_hp, resistor); write a resistor snapshot",
                               ops->name));
    }
    G = mn__malloc_or_err(ctx, m ? m : 1, sizeof(double), "SPICE conductances");
    keep = mn__malloc_or_err(ctx, m ? m : 1, 1, "SPICE edges");
    src = mn__calloc_or_err(ctx, sp->n_el ? sp->n_el : 1, sizeof *src, "SPICE sources");
    if (!G || !keep || !src) MN__FAIL(MN_ERR_NOMEM);
    MN__TRY(mn_network_conductances(net, sp->x, G));
    if (kept_edges(sp, kind == MN_SPICE_RESISTORS ? G : NULL, keep))
        MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory (SPICE components)"));
    for (size_t k = 0; k < sp->n_el; k++) {
        src[k].ctx = ctx;
        if (sp->el[k].w && sp->t_end) {
            int rc = pwl_build(&src[k], sp->el[k].w, sp->t_end);
            if (rc == -1) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory (SPICE PWL)"));
            if (rc == -2)
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                                   "SPICE netlist: the waveform of electrode %zu needs more than "
                                   "%d PWL points up to t_end = %g",
                                   k, PWL_MAX, sp->t_end));
        }
    }

    /* A regular file (or a new one) is written through a temporary file in the same folder
     * and renamed over it at the end, so a failed write leaves what was there; anything else
     * (a device, a FIFO, a symlink) is written in place and never removed. */
    struct stat sb;
    int direct = lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
    if (direct) {
        f = fopen(path, "w");
    } else {
        size_t len = strlen(path);
        tmp = mn__malloc_or_err(ctx, len + 16, 1, "SPICE netlist path");
        if (!tmp) MN__FAIL(MN_ERR_NOMEM);
        snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
        int fd = mkstemp(tmp);
        if (fd < 0) {
            mn__free(ctx, tmp);
            tmp = NULL;
        } else if (!(f = fdopen(fd, "w"))) {
            close(fd);
        }
    }
    if (!f) MN__FAIL(mn__error(ctx, MN_ERR_IO, "%s: %s", path, strerror(errno)));
    out o = { f, 0 };
    numring nr = { .i = 0 };
    size_t kept = 0;
    for (size_t e = 0; e < m; e++) kept += keep[e];
    put(&o, "memnet %s %s netlist: %zu nodes, %zu of %zu junctions\n", mn_version_string(),
        kind == MN_SPICE_RESISTORS ? "resistor snapshot" : "behavioural", mn_graph_node_count(sp->g),
        kept, m);
    put(&o, "* Written by memnet (include/memnet/spice.h). Nodes n<i> are memnet nodes, e<k>\n"
            "* electrodes, s<e> the state of junction e on a 1 F capacitor (V(s<e>) = x_e).\n"
            "* memnet's current into the network at electrode k is -i(Ve<k>).\n");
    if (kept < m)
        put(&o, "* %zu junctions in parts joined to no electrode%s are left out\n", m - kept,
            kind == MN_SPICE_RESISTORS ? " (or with G = 0)" : "");
    for (size_t k = 0; k < sp->n_el; k++)
        if (sp->el[k].w) put_source(&o, sp, k, &src[k]);
    for (size_t e = 0; e < m && !o.err; e++) {
        if (!keep[e]) continue;
        char a[32], b[32];
        node_name(sp, a, sizeof a, u[e]);
        node_name(sp, b, sizeof b, v[e]);
        if (kind == MN_SPICE_RESISTORS) {
            if (strcmp(a, b)) put(&o, "R%zu %s %s %s\n", e, a, b, N(1.0 / G[e]));
            continue;
        }
        MN__TRY(put_behavioural(&o, sp, (mn_index)e, jk[em[e]], a, b, G[e], sp->x[off[e]]));
    }
    if (sp->t_end) /* samples on the dt_out grid; steps of at most dt_out / 20 (ngspice's
                    * default step control alone gave 3% errors on miranda networks) */
        put(&o, ".options interp\n.tran %s %s 0 %s\n", N(sp->dt_out), N(sp->t_end),
            N(sp->dt_out / 20.0));
    else put(&o, ".op\n");
    put(&o, ".end\n");
    if (!o.err && fflush(f) != 0) o.err = errno ? errno : EIO;
    int cerr = fclose(f);
    f = NULL;
    if (!o.err && cerr != 0) o.err = errno ? errno : EIO;
    if (!o.err && tmp && rename(tmp, path) != 0) o.err = errno ? errno : EIO;
    if (o.err) MN__FAIL(mn__error(ctx, MN_ERR_IO, "%s: write failed: %s", path, strerror(o.err)));
    mn__free(ctx, tmp);
    tmp = NULL;
cleanup:
    if (f) fclose(f);
    if (tmp) {
        remove(tmp);
        mn__free(ctx, tmp);
    }
    if (src)
        for (size_t k = 0; k < sp->n_el; k++) {
            mn__free(ctx, src[k].t);
            mn__free(ctx, src[k].v);
        }
    mn__free(ctx, src);
    mn__free(ctx, keep);
    mn__free(ctx, G);
    mn__free(ctx, jk);
    return st;
}

mn_status mn_spice_write(mn_spice *sp, mn_spice_kind kind, const char *path)
{
    if (!sp || !path) return MN_ERR_INVALID;
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(sp->ctx, MN_ERR_NOMEM, "SPICE netlist: cannot create the C locale");
    mn_status st = spice_write(sp, kind, path);
    mn__c_locale_end(&loc);
    return st;
}
