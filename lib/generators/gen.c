/* Generator options, electrodes, the extras of the last run, shared helpers. */
#include "generators-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct opt_info {
    const char *name;
    int is_int;
    double def, lo, hi;
    int lo_open, hi_open; /* exclusive bounds */
} opt_info;

#define BIG 1e300
static const opt_info opts[MN__GEN_NOPT] = {
    [MN_GEN_SEED] = { "seed", 1, 1, 0, 1.8446744073709552e19, 0, 0 },
    [MN_GEN_WIDTH] = { "width", 0, 10, 0, BIG, 1, 0 },
    [MN_GEN_HEIGHT] = { "height", 0, 10, 0, BIG, 1, 0 },
    [MN_GEN_WIRES] = { "wires", 1, 0, 1, 2147483647.0, 0, 0 },
    [MN_GEN_DENSITY] = { "density", 0, 0, 0, BIG, 0, 0 },
    [MN_GEN_LENGTH] = { "length", 0, 1, 0, BIG, 1, 0 },
    [MN_GEN_LENGTH_SD] = { "length sd", 0, 0, 0, BIG, 0, 0 },
    [MN_GEN_LENGTH_DIST] = { "length distribution", 1, 0, 0, 3, 0, 0 },
    [MN_GEN_ORIENTATION] = { "orientation", 1, 0, 0, 1, 0, 0 },
    [MN_GEN_ANGLE] = { "angle", 0, 0, -BIG, BIG, 0, 0 },
    [MN_GEN_ANGLE_SD] = { "angle sd", 0, 0.5, 0, BIG, 0, 0 },
    [MN_GEN_JUNCTION_GAP] = { "junction gap", 0, 0.002, 0, BIG, 1, 0 },
    [MN_GEN_MULTINODE] = { "multinode", 1, 0, 0, 1, 0, 0 },
    [MN_GEN_WIRE_RESISTANCE] = { "wire resistance per length", 0, 1, 0, BIG, 1, 0 },
    [MN_GEN_KEEP] = { "keep", 1, 1, 0, 1, 0, 0 },
    [MN_GEN_PAD_WIDTH] = { "pad width", 0, 0, 0, BIG, 0, 0 },
    [MN_GEN_COVERAGE] = { "coverage", 0, 0.65, 0, 1, 1, 1 },
    [MN_GEN_GAP_CUTOFF] = { "gap cutoff", 0, 1, 0, BIG, 1, 0 },
    [MN_GEN_RESOLUTION] = { "coverage resolution", 0, 0.0625, 0, 0.5, 1, 0 },
    [MN_GEN_LATTICE] = { "lattice", 1, 0, 0, 3, 0, 0 },
    [MN_GEN_NX] = { "nx", 1, 4, 1, 2147483647.0, 0, 0 },
    [MN_GEN_NY] = { "ny", 1, 4, 1, 2147483647.0, 0, 0 },
    [MN_GEN_SPACING] = { "spacing", 0, 1, 0, BIG, 1, 0 },
    [MN_GEN_CB_N] = { "cb n", 1, 10, 1, 1073741823.0, 0, 0 },
    [MN_GEN_R_INT] = { "R_int", 0, 100, 0, BIG, 0, 0 }, /* 0: shorted mesh (002 eq. 11) */
    [MN_GEN_R_REF] = { "R_ref", 0, 100, 0, BIG, 1, 0 },
    [MN_GEN_SOURCE] = { "source", 0, 20, -BIG, BIG, 0, 0 },
    [MN_GEN_NEIGHBOURS] = { "neighbours", 1, 0, 0, 1, 0, 0 },
};

mn_status mn_gen_new(mn_gen **out, mn_context *ctx)
{
    if (!out || !ctx) return mn__error(ctx, MN_ERR_INVALID, "mn_gen_new: NULL argument");
    *out = NULL;
    mn_gen *g = mn__calloc_or_err(ctx, 1, sizeof *g, "generator");
    if (!g) return MN_ERR_NOMEM;
    g->ctx = ctx;
    for (int i = 0; i < MN__GEN_NOPT; i++) {
        g->real[i] = opts[i].def;
        g->ival[i] = (int64_t)opts[i].def;
    }
    g->coverage = NAN;
    *out = g;
    return MN_OK;
}

void mn__gen_reset_results(mn_gen *g)
{
    mn_context *ctx = g->ctx;
    void *p[] = { g->wx0, g->wy0, g->wx1, g->wy1, g->px, g->py, g->pnode, g->node_map,
                  g->node_wire, g->mem_edges, g->res_edges, g->res_G, g->emf };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) mn__free(ctx, p[i]);
    g->wx0 = g->wy0 = g->wx1 = g->wy1 = g->px = g->py = g->res_G = g->emf = NULL;
    g->pnode = g->node_map = g->node_wire = g->mem_edges = g->res_edges = NULL;
    g->n_wires = g->n_part = g->n_map = g->n_mem = g->n_res = 0;
    g->coverage = NAN;
}

void mn_gen_clear_electrodes(mn_gen *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n_el; i++) {
        mn__free(g->ctx, g->el[i].name);
        mn__free(g->ctx, g->el[i].ids);
    }
    mn__free(g->ctx, g->el);
    g->el = NULL;
    g->n_el = 0;
}

void mn_gen_free(mn_gen *g)
{
    if (!g) return;
    mn__gen_reset_results(g);
    mn_gen_clear_electrodes(g);
    mn__free(g->ctx, g->cb_S);
    mn__free(g->ctx, g);
}

static mn_status check_opt(const mn_gen *g, mn_gen_option opt, int want_int)
{
    if (!g) return MN_ERR_INVALID;
    if ((int)opt < 0 || (int)opt >= MN__GEN_NOPT)
        return mn__error(g->ctx, MN_ERR_INVALID, "generator: unknown option %d", (int)opt);
    if (opts[opt].is_int != want_int)
        return mn__error(g->ctx, MN_ERR_INVALID, "generator option %s is %s option",
                         opts[opt].name, opts[opt].is_int ? "an integer" : "a real");
    return MN_OK;
}

static mn_status check_range(const mn_gen *g, mn_gen_option opt, double v)
{
    const opt_info *o = &opts[opt];
    int bad = !(v == v) || isinf(v) || (o->lo_open ? v <= o->lo : v < o->lo) ||
              (o->hi_open ? v >= o->hi : v > o->hi);
    if (!bad) return MN_OK;
    char lo[64], hi[64];
    snprintf(lo, sizeof lo, "%s%.17g", o->lo_open ? "(" : "[", o->lo);
    snprintf(hi, sizeof hi, "%.17g%s", o->hi, o->hi_open ? ")" : "]");
    if (o->hi >= BIG) snprintf(hi, sizeof hi, "inf)");
    if (o->lo <= -BIG) snprintf(lo, sizeof lo, "(-inf");
    return mn__error(g->ctx, MN_ERR_RANGE, "generator option %s: %.17g is not in %s, %s",
                     o->name, v, lo, hi);
}

mn_status mn_gen_set_real(mn_gen *g, mn_gen_option opt, double value)
{
    mn_status st = check_opt(g, opt, 0);
    if (st) return st;
    if ((st = check_range(g, opt, value))) return st;
    g->real[opt] = value;
    if (opt == MN_GEN_JUNCTION_GAP) g->gap_set = 1;
    return MN_OK;
}

mn_status mn_gen_set_int(mn_gen *g, mn_gen_option opt, int64_t value)
{
    mn_status st = check_opt(g, opt, 1);
    if (st) return st;
    if (opt == MN_GEN_SEED) { /* any 64-bit pattern */
        g->ival[opt] = value;
        return MN_OK;
    }
    if ((double)value < opts[opt].lo || (double)value > opts[opt].hi)
        return mn__error(g->ctx, MN_ERR_RANGE, "generator option %s: %lld is not in [%.0f, %.0f]",
                         opts[opt].name, (long long)value, opts[opt].lo, opts[opt].hi);
    g->ival[opt] = value;
    return MN_OK;
}

mn_status mn_gen_get_real(const mn_gen *g, mn_gen_option opt, double *value)
{
    mn_status st = check_opt(g, opt, 0);
    if (st) return st;
    if (!value) return MN_ERR_INVALID;
    *value = g->real[opt];
    return MN_OK;
}

mn_status mn_gen_get_int(const mn_gen *g, mn_gen_option opt, int64_t *value)
{
    mn_status st = check_opt(g, opt, 1);
    if (st) return st;
    if (!value) return MN_ERR_INVALID;
    *value = g->ival[opt];
    return MN_OK;
}

mn_status mn_gen_set_cb_sources(mn_gen *g, const double *S, size_t n)
{
    if (!g) return MN_ERR_INVALID;
    if (!S || n == 0) {
        mn__free(g->ctx, g->cb_S);
        g->cb_S = NULL;
        g->n_cb_S = 0;
        return MN_OK;
    }
    for (size_t k = 0; k < n; k++)
        if (!mn__isfinite(S[k]))
            return mn__error(g->ctx, MN_ERR_RANGE, "circuit source S_%zu = %g is not finite",
                             k + 1, S[k]);
    double *c = mn__malloc_or_err(g->ctx, n, sizeof *c, "circuit sources");
    if (!c) return MN_ERR_NOMEM;
    memcpy(c, S, n * sizeof *c);
    mn__free(g->ctx, g->cb_S);
    g->cb_S = c;
    g->n_cb_S = n;
    return MN_OK;
}

/* ------------------------------------------------------------------------- electrodes */

static mn_status add_electrode(mn_gen *g, const char *name, int type, double a, double b,
                               double c, double d, const mn_index *ids, size_t n)
{
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = g->ctx;
    if (!name || !*name) return mn__error(ctx, MN_ERR_INVALID, "electrode: empty name");
    for (const char *p = name; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '#' || *p == ',')
            return mn__error(ctx, MN_ERR_INVALID,
                             "electrode name \"%s\" must not contain white space, '#' or ','",
                             name);
    for (size_t i = 0; i < g->n_el; i++)
        if (!strcmp(g->el[i].name, name))
            return mn__error(ctx, MN_ERR_INVALID, "electrode \"%s\" is defined twice", name);
    if (type != MN__EL_IDS) {
        double v[4] = { a, b, c, d };
        for (int i = 0; i < (type == MN__EL_RECT ? 4 : 3); i++)
            if (!mn__isfinite(v[i]))
                return mn__error(ctx, MN_ERR_RANGE, "electrode %s: coordinate %g is not finite",
                                 name, v[i]);
        if (type == MN__EL_RECT && (c < a || d < b))
            return mn__error(ctx, MN_ERR_RANGE,
                             "electrode %s: rectangle [%g, %g] x [%g, %g] has x1 < x0 or y1 < y0",
                             name, a, c, b, d);
        if (type == MN__EL_DISC && c < 0)
            return mn__error(ctx, MN_ERR_RANGE, "electrode %s: disc radius %g must be >= 0",
                             name, c);
    } else {
        if (n == 0 || !ids)
            return mn__error(ctx, MN_ERR_INVALID, "electrode %s: no ids given", name);
        for (size_t i = 0; i < n; i++)
            if (ids[i] < 0)
                return mn__error(ctx, MN_ERR_RANGE, "electrode %s: id %lld is negative", name,
                                 (long long)ids[i]);
    }
    mn__gen_electrode *el = mn__realloc_array(ctx, g->el, g->n_el + 1, sizeof *el);
    if (!el) return mn__error(ctx, MN_ERR_NOMEM, "out of memory adding electrode %s", name);
    g->el = el;
    mn__gen_electrode *e = &el[g->n_el];
    memset(e, 0, sizeof *e);
    e->name = mn__strdup(ctx, name);
    if (!e->name) return mn__error(ctx, MN_ERR_NOMEM, "out of memory adding electrode %s", name);
    if (type == MN__EL_IDS) {
        e->ids = mn__malloc_or_err(ctx, n, sizeof *ids, "electrode ids");
        if (!e->ids) {
            mn__free(ctx, e->name);
            return MN_ERR_NOMEM;
        }
        memcpy(e->ids, ids, n * sizeof *ids);
        e->n = n;
    }
    e->type = type;
    e->a = a;
    e->b = b;
    e->c = c;
    e->d = d;
    g->n_el++;
    return MN_OK;
}

mn_status mn_gen_add_electrode_rect(mn_gen *g, const char *name, double x0, double y0, double x1,
                                    double y1)
{
    return add_electrode(g, name, MN__EL_RECT, x0, y0, x1, y1, NULL, 0);
}

mn_status mn_gen_add_electrode_disc(mn_gen *g, const char *name, double cx, double cy, double r)
{
    return add_electrode(g, name, MN__EL_DISC, cx, cy, r, 0, NULL, 0);
}

mn_status mn_gen_add_electrode_ids(mn_gen *g, const char *name, const mn_index *ids, size_t n)
{
    return add_electrode(g, name, MN__EL_IDS, 0, 0, 0, 0, ids, n);
}

size_t mn__gen_electrodes(mn_gen *g, double W, double H, mn__gen_electrode defaults[2],
                          const mn__gen_electrode **list)
{
    if (g->n_el) {
        *list = g->el;
        return g->n_el;
    }
    double pad = g->real[MN_GEN_PAD_WIDTH];
    memset(defaults, 0, 2 * sizeof defaults[0]);
    defaults[0].name = (char *)"left";
    defaults[0].type = MN__EL_RECT;
    defaults[0].a = 0;
    defaults[0].b = 0;
    defaults[0].c = pad < W ? pad : W;
    defaults[0].d = H;
    defaults[1].name = (char *)"right";
    defaults[1].type = MN__EL_RECT;
    defaults[1].a = W - pad > 0 ? W - pad : 0;
    defaults[1].b = 0;
    defaults[1].c = W;
    defaults[1].d = H;
    *list = defaults;
    return 2;
}

int mn__seg_touches(const mn__gen_electrode *e, double x0, double y0, double x1, double y1,
                    double *t)
{
    double dx = x1 - x0, dy = y1 - y0, t0 = 0, t1 = 1;
    if (e->type == MN__EL_RECT) {
        /* Liang-Barsky clipping of the parametric segment to the closed rectangle */
        double p[4] = { -dx, dx, -dy, dy };
        double q[4] = { x0 - e->a, e->c - x0, y0 - e->b, e->d - y0 };
        for (int i = 0; i < 4; i++) {
            if (p[i] == 0) {
                if (q[i] < 0) return 0;
            } else {
                double r = q[i] / p[i];
                if (p[i] < 0) {
                    if (r > t0) t0 = r;
                } else if (r < t1) {
                    t1 = r;
                }
            }
        }
        if (t0 > t1) return 0;
    } else if (e->type == MN__EL_DISC) {
        double fx = x0 - e->a, fy = y0 - e->b;
        double A = dx * dx + dy * dy, B = 2 * (fx * dx + fy * dy), C = fx * fx + fy * fy - e->c * e->c;
        if (A == 0) {
            if (C > 0) return 0;
        } else {
            double disc = B * B - 4 * A * C;
            if (disc < 0) return 0;
            double s = sqrt(disc);
            double r0 = (-B - s) / (2 * A), r1 = (-B + s) / (2 * A);
            if (r0 > t0) t0 = r0;
            if (r1 < t1) t1 = r1;
            if (t0 > t1) return 0;
        }
    } else {
        return 0;
    }
    if (t) *t = 0.5 < t0 ? t0 : (0.5 > t1 ? t1 : 0.5);
    return 1;
}

int mn__disc_touches(const mn__gen_electrode *e, double x, double y, double r)
{
    if (e->type == MN__EL_RECT) {
        double cx = x < e->a ? e->a : (x > e->c ? e->c : x);
        double cy = y < e->b ? e->b : (y > e->d ? e->d : y);
        double dx = x - cx, dy = y - cy;
        return dx * dx + dy * dy <= r * r;
    }
    if (e->type == MN__EL_DISC) {
        double dx = x - e->a, dy = y - e->b, s = r + e->c;
        return dx * dx + dy * dy <= s * s;
    }
    return 0;
}

static const char *describe(const mn__gen_electrode *e, char *buf, size_t n)
{
    if (e->type == MN__EL_RECT)
        snprintf(buf, n, "rectangle [%g, %g] x [%g, %g]", e->a, e->c, e->b, e->d);
    else if (e->type == MN__EL_DISC)
        snprintf(buf, n, "disc at (%g, %g) of radius %g", e->a, e->b, e->c);
    else
        snprintf(buf, n, "%zu ids", e->n);
    return buf;
}

mn_status mn__gen_finish(mn_gen *gen, mn_graph **out, mn_graph *g, const mn__gen_electrode *el,
                         size_t n_el, mn_index **sets, const size_t *set_n, int extract,
                         size_t n_obj)
{
    mn_status st = MN_OK;
    mn_context *ctx = gen->ctx;
    mn_graph *s = NULL;
    mn_index *seeds = NULL, *nmap = NULL;
    char buf[160];
    size_t total = 0;
    for (size_t i = 0; i < n_el; i++) {
        if (set_n[i] == 0)
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "electrode \"%s\" (%s) touches nothing",
                               el[i].name, describe(&el[i], buf, sizeof buf)));
        MN__TRY(mn_graph_set_node_set(g, el[i].name, sets[i], set_n[i]));
        total += set_n[i];
    }
    /* a node in two electrodes (a wire or group touching both pads) is legal here but a
     * Kirchhoff solve refuses overlapping Dirichlet sets: say so */
    if (n_el > 1) {
        unsigned char *mark = mn__calloc(ctx, g->n_nodes ? g->n_nodes : 1, 1);
        if (mark) {
            for (size_t i = 0; i < n_el; i++) {
                for (size_t j = 0; j < set_n[i]; j++) {
                    mn_index v = sets[i][j];
                    if (mark[v] && mark[v] != (unsigned char)(i + 1)) {
                        mn__log(ctx, MN_LOG_WARNING,
                                "node %ld belongs to electrodes \"%s\" and \"%s\"", (long)v,
                                el[mark[v] - 1].name, el[i].name);
                        i = n_el - 1; /* one warning is enough */
                        break;
                    }
                    if (i < 255) mark[v] = (unsigned char)(i + 1);
                }
            }
            mn__free(ctx, mark);
        }
    }
    if (extract && n_el) {
        seeds = mn__malloc_or_err(ctx, total, sizeof *seeds, "electrode seeds");
        nmap = mn__malloc_or_err(ctx, g->n_nodes + 1, sizeof *nmap, "node map");
        if (!seeds || !nmap) MN__FAIL(MN_ERR_NOMEM);
        size_t k = 0;
        for (size_t i = 0; i < n_el; i++)
            for (size_t j = 0; j < set_n[i]; j++) seeds[k++] = sets[i][j];
        MN__TRY(mn_graph_extract_components(&s, g, seeds, total, nmap, NULL));
        mn_graph_free(g);
        g = s;
        s = NULL;
    } else if (n_obj) {
        nmap = mn__malloc_or_err(ctx, n_obj, sizeof *nmap, "node map");
        if (!nmap) MN__FAIL(MN_ERR_NOMEM);
        for (size_t i = 0; i < n_obj; i++) nmap[i] = (mn_index)i;
    }
    if (n_obj) {
        gen->node_map = nmap;
        gen->n_map = n_obj;
        nmap = NULL;
    }
    MN__TRY(mn__gen_record_kinds(gen, g));
    mn__log(ctx, MN_LOG_INFO, "generator: %zu nodes, %zu edges, %zu electrodes%s", g->n_nodes,
            g->n_edges, n_el, extract && n_el ? " (components touching an electrode)" : "");
    mn__free(ctx, seeds);
    mn__free(ctx, nmap);
    *out = g;
    return MN_OK;
cleanup:
    mn__free(ctx, seeds);
    mn__free(ctx, nmap);
    mn_graph_free(g);
    mn_graph_free(s);
    return st;
}

mn_status mn__gen_record_kinds(mn_gen *gen, const mn_graph *g)
{
    mn_context *ctx = gen->ctx;
    size_t m = g->n_edges;
    mn__free(ctx, gen->mem_edges);
    mn__free(ctx, gen->res_edges);
    mn__free(ctx, gen->res_G);
    mn__free(ctx, gen->emf);
    gen->mem_edges = gen->res_edges = NULL;
    gen->res_G = gen->emf = NULL;
    gen->n_mem = gen->n_res = 0;
    const double *kind = g->n_cols >= 1 ? g->cols[0] : NULL;
    const double *G = g->n_cols >= 2 ? g->cols[1] : NULL;
    const double *S = g->n_cols >= 3 ? g->cols[2] : NULL;
    gen->mem_edges = mn__malloc_or_err(ctx, m + 1, sizeof(mn_index), "edge kinds");
    if (!gen->mem_edges) return MN_ERR_NOMEM;
    size_t nres = 0;
    for (size_t e = 0; e < m; e++) nres += kind && kind[e] == MN_GEN_EDGE_RESISTOR;
    if (nres) {
        gen->res_edges = mn__malloc_or_err(ctx, nres, sizeof(mn_index), "edge kinds");
        gen->res_G = mn__malloc_or_err(ctx, nres, sizeof(double), "edge kinds");
        if (!gen->res_edges || !gen->res_G) return MN_ERR_NOMEM;
    }
    for (size_t e = 0; e < m; e++) {
        if (kind && kind[e] == MN_GEN_EDGE_RESISTOR) {
            gen->res_edges[gen->n_res] = (mn_index)e;
            gen->res_G[gen->n_res++] = G ? G[e] : NAN;
        } else {
            gen->mem_edges[gen->n_mem++] = (mn_index)e;
        }
    }
    int any = 0;
    for (size_t e = 0; S && e < m; e++) any |= S[e] != 0;
    if (any) {
        gen->emf = mn__malloc_or_err(ctx, m, sizeof(double), "edge EMF");
        if (!gen->emf) return MN_ERR_NOMEM;
        memcpy(gen->emf, S, m * sizeof(double));
    }
    return MN_OK;
}

/* ------------------------------------------------------------------------- getters */

size_t mn_gen_wires(const mn_gen *g, const double **x0, const double **y0, const double **x1,
                    const double **y1)
{
    if (!g) return 0;
    if (x0) *x0 = g->wx0;
    if (y0) *y0 = g->wy0;
    if (x1) *x1 = g->wx1;
    if (y1) *y1 = g->wy1;
    return g->n_wires;
}

const mn_index *mn_gen_node_map(const mn_gen *g, size_t *n)
{
    if (n) *n = g ? g->n_map : 0;
    return g ? g->node_map : NULL;
}

const mn_index *mn_gen_node_wire(const mn_gen *g) { return g ? g->node_wire : NULL; }

size_t mn_gen_particles(const mn_gen *g, const double **x, const double **y, const mn_index **node)
{
    if (!g) return 0;
    if (x) *x = g->px;
    if (y) *y = g->py;
    if (node) *node = g->pnode;
    return g->n_part;
}

double mn_gen_coverage(const mn_gen *g) { return g ? g->coverage : NAN; }

const mn_index *mn_gen_memristor_edges(const mn_gen *g, size_t *n)
{
    if (n) *n = g ? g->n_mem : 0;
    return g ? g->mem_edges : NULL;
}

const mn_index *mn_gen_resistor_edges(const mn_gen *g, const double **G, size_t *n)
{
    if (n) *n = g ? g->n_res : 0;
    if (G) *G = g ? g->res_G : NULL;
    return g ? g->res_edges : NULL;
}

const double *mn_gen_edge_emf(const mn_gen *g) { return g ? g->emf : NULL; }

/* Marsaglia and Tsang (2000) for shape k >= 1; k < 1 through Gamma(k+1) U^(1/k). */
double mn__gen_gamma(mn__rng_state *r, double k)
{
    if (k < 1) {
        double u = mn__rng_uniform_pos(r);
        return mn__gen_gamma(r, k + 1) * pow(u, 1.0 / k);
    }
    double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = mn__rng_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = mn__rng_uniform_pos(r);
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return d * v;
    }
}

mn_status mn__gen_build(mn_graph **out, mn_context *ctx, size_t nn, size_t m, const mn_index *u,
                        const mn_index *v, const double *len, const double *ex,
                        const double *ey, const double *nx, const double *ny, size_t ncols,
                        const double *const *cols)
{
    mn_status st = MN_OK;
    mn_graph *g = NULL;
    *out = NULL;
    if (m > (size_t)INT32_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "generator: %zu edges exceed 2^31-1", m);
    MN__TRY(mn_graph_new(&g, ctx, nn));
    MN__TRY(mn__graph_reserve_edges(g, m ? m : 1));
    if (m) {
        memcpy(g->u, u, m * sizeof(mn_index));
        memcpy(g->v, v, m * sizeof(mn_index));
    }
    g->n_edges = m;
    if (nx) MN__TRY(mn_graph_set_node_coords(g, nx, ny));
    if (len) MN__TRY(mn_graph_set_edge_lengths(g, len));
    if (ex) MN__TRY(mn_graph_set_edge_positions(g, ex, ey));
    for (size_t c = 0; c < ncols; c++) MN__TRY(mn_graph_add_edge_column(g, cols[c]));
    mn__graph_invalidate(g);
    *out = g;
    return MN_OK;
cleanup:
    mn_graph_free(g);
    return st;
}
