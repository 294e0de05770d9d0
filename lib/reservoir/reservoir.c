/* Reservoir driver: task inputs as held voltages on input electrodes, features read at the end
 * of every task step (electrode currents, probe potentials, delayed copies). */
#include "reservoir-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct probe {
    mn_index *nodes;
    size_t n;
} probe;

struct mn_reservoir {
    mn_context *ctx;
    mn_network *net;
    mn_sim *sim;
    size_t nn;                 /* node count */
    size_t n_in, n_out, n_probe;
    double *bias, *scale;      /* per input */
    double *hold;              /* present potential of each input electrode (V) */
    mn_waveform **wf;          /* per input: a callback reading hold[] */
    void **wf_user;            /* per input: &slot */
    probe *probes;
    double dt;
    size_t substeps, delays;
    int input_currents;
    int started;
    double t0;                 /* time of the first run's start */
    uint64_t steps;            /* task steps done */
    double *hist;              /* (delays + 1) blocks of the base features, ring */
    size_t hist_pos;
    char name[64];
};

typedef struct wf_slot {
    mn_reservoir *res;
    size_t k;
} wf_slot;

static double wf_value(double t, void *user)
{
    (void)t;
    const wf_slot *s = user;
    return s->res->hold[s->k];
}

mn_status mn_reservoir_new(mn_reservoir **out, mn_network *net)
{
    if (!out || !net) return MN_ERR_INVALID;
    *out = NULL;
    mn_graph *g = mn_network_graph(net);
    mn_context *ctx = mn_graph_context(g);
    mn_reservoir *res = mn__calloc_or_err(ctx, 1, sizeof *res, "reservoir");
    if (!res) return MN_ERR_NOMEM;
    res->ctx = ctx;
    res->net = net;
    res->nn = mn_graph_node_count(g);
    res->dt = 1.0;
    res->substeps = 4;
    res->input_currents = 1;
    mn_status st = mn_sim_new(&res->sim, net);
    if (st) {
        mn__free(ctx, res);
        return st;
    }
    int exact = mn_network_model_count(net) > 0;
    for (size_t k = 0; k < mn_network_model_count(net); k++) {
        const mn_model_ops *ops = mn_network_model_ops(net, k);
        if (!ops || (!ops->exact_step && ops->n_states > 0)) exact = 0;
    }
    if (exact) st = mn_sim_set_integrator(res->sim, MN_SIM_EXACT);
    if (!st) st = mn_sim_init_default(res->sim, 0.0);
    if (st) {
        mn_reservoir_free(res);
        return st;
    }
    *out = res;
    return MN_OK;
}

void mn_reservoir_free(mn_reservoir *res)
{
    if (!res) return;
    mn_context *ctx = res->ctx;
    mn_sim_free(res->sim);
    for (size_t k = 0; k < res->n_in; k++) {
        mn_waveform_free(res->wf[k]);
        mn__free(ctx, res->wf_user[k]);
    }
    for (size_t k = 0; k < res->n_probe; k++) mn__free(ctx, res->probes[k].nodes);
    mn__free(ctx, res->probes);
    mn__free(ctx, res->wf);
    mn__free(ctx, res->wf_user);
    mn__free(ctx, res->bias);
    mn__free(ctx, res->scale);
    mn__free(ctx, res->hold);
    mn__free(ctx, res->hist);
    mn__free(ctx, res);
}

mn_sim *mn_reservoir_sim(mn_reservoir *res) { return res ? res->sim : NULL; }
size_t mn_reservoir_input_count(const mn_reservoir *res) { return res ? res->n_in : 0; }

static size_t base_count(const mn_reservoir *res)
{
    return (res->input_currents ? res->n_in : 0) + res->n_out + res->n_probe;
}

size_t mn_reservoir_feature_count(const mn_reservoir *res)
{
    return res ? base_count(res) * (res->delays + 1) : 0;
}

const char *mn_reservoir_feature_name(const mn_reservoir *res, size_t j)
{
    if (!res || j >= mn_reservoir_feature_count(res)) return NULL;
    mn_reservoir *r = (mn_reservoir *)res; /* the name buffer is logically const */
    size_t B = base_count(res), d = j / B, i = j % B;
    size_t nin = res->input_currents ? res->n_in : 0;
    int len;
    if (i < nin) len = snprintf(r->name, sizeof r->name, "Iin%zu", i);
    else if (i < nin + res->n_out) len = snprintf(r->name, sizeof r->name, "Iout%zu", i - nin);
    else len = snprintf(r->name, sizeof r->name, "P%zu", i - nin - res->n_out);
    if (d && len > 0 && (size_t)len < sizeof r->name)
        snprintf(r->name + len, sizeof r->name - (size_t)len, "@%zu", d);
    return r->name;
}

static mn_status check_nodes(mn_reservoir *res, const mn_index *nodes, size_t n, const char *what)
{
    if (!nodes || n == 0) return mn__error(res->ctx, MN_ERR_INVALID, "reservoir: empty %s node set", what);
    for (size_t i = 0; i < n; i++)
        if (nodes[i] < 0 || (size_t)nodes[i] >= res->nn)
            return mn__error(res->ctx, MN_ERR_RANGE, "reservoir: %s node %ld does not exist (%zu nodes)",
                             what, (long)nodes[i], res->nn);
    return MN_OK;
}

mn_status mn_reservoir_add_input(mn_reservoir *res, const mn_index *nodes, size_t n, double bias,
                                 double scale)
{
    if (!res) return MN_ERR_INVALID;
    mn_context *ctx = res->ctx;
    if (res->started) return mn__error(ctx, MN_ERR_STATE, "reservoir: inputs are fixed after the first run");
    if (res->n_out) return mn__error(ctx, MN_ERR_STATE, "reservoir: add the inputs before the outputs");
    if (!isfinite(bias) || !isfinite(scale))
        return mn__error(ctx, MN_ERR_RANGE, "reservoir: input bias %g and scale %g must be finite", bias, scale);
    mn_status st = check_nodes(res, nodes, n, "input");
    if (st) return st;
    size_t k = res->n_in;
    double *b = mn__realloc_array(ctx, res->bias, k + 1, sizeof *b);
    if (b) res->bias = b;
    double *s = mn__realloc_array(ctx, res->scale, k + 1, sizeof *s);
    if (s) res->scale = s;
    double *h = mn__realloc_array(ctx, res->hold, k + 1, sizeof *h);
    if (h) res->hold = h;
    mn_waveform **w = mn__realloc_array(ctx, res->wf, k + 1, sizeof *w);
    if (w) res->wf = w;
    void **wu = mn__realloc_array(ctx, res->wf_user, k + 1, sizeof *wu);
    if (wu) res->wf_user = wu;
    if (!b || !s || !h || !w || !wu) return mn__error(ctx, MN_ERR_NOMEM, "reservoir: out of memory");
    wf_slot *slot = mn__malloc_or_err(ctx, 1, sizeof *slot, "input slot");
    if (!slot) return MN_ERR_NOMEM;
    slot->res = res;
    slot->k = k;
    res->bias[k] = bias;
    res->scale[k] = scale;
    res->hold[k] = bias;
    mn_waveform *wf = NULL;
    st = mn_waveform_new_callback(&wf, ctx, wf_value, slot, NULL, 0);
    if (!st) st = mn_sim_add_electrode(res->sim, nodes, n, wf, NULL);
    if (st) {
        mn_waveform_free(wf);
        mn__free(ctx, slot);
        return st;
    }
    res->wf[k] = wf;
    res->wf_user[k] = slot;
    res->n_in = k + 1;
    return MN_OK;
}

mn_status mn_reservoir_add_output(mn_reservoir *res, const mn_index *nodes, size_t n)
{
    if (!res) return MN_ERR_INVALID;
    if (res->started)
        return mn__error(res->ctx, MN_ERR_STATE, "reservoir: outputs are fixed after the first run");
    mn_status st = check_nodes(res, nodes, n, "output");
    if (st) return st;
    st = mn_sim_add_electrode(res->sim, nodes, n, NULL, NULL);
    if (st) return st;
    res->n_out++;
    return MN_OK;
}

mn_status mn_reservoir_add_probe(mn_reservoir *res, const mn_index *nodes, size_t n)
{
    if (!res) return MN_ERR_INVALID;
    mn_context *ctx = res->ctx;
    if (res->started) return mn__error(ctx, MN_ERR_STATE, "reservoir: probes are fixed after the first run");
    mn_status st = check_nodes(res, nodes, n, "probe");
    if (st) return st;
    probe *p = mn__realloc_array(ctx, res->probes, res->n_probe + 1, sizeof *p);
    if (!p) return mn__error(ctx, MN_ERR_NOMEM, "reservoir: out of memory");
    res->probes = p;
    mn_index *c = mn__malloc_or_err(ctx, n, sizeof *c, "probe nodes");
    if (!c) return MN_ERR_NOMEM;
    memcpy(c, nodes, n * sizeof *c);
    p[res->n_probe].nodes = c;
    p[res->n_probe].n = n;
    res->n_probe++;
    return MN_OK;
}

static mn_status named_set(mn_reservoir *res, const char *set, const mn_index **nodes, size_t *n)
{
    if (!set) return mn__error(res->ctx, MN_ERR_INVALID, "reservoir: NULL node-set name");
    if (mn_graph_node_set(mn_network_graph(res->net), set, nodes, n) != MN_OK)
        return mn__error(res->ctx, MN_ERR_NOT_FOUND, "reservoir: the network has no node set \"%s\"", set);
    return MN_OK;
}

mn_status mn_reservoir_add_input_set(mn_reservoir *res, const char *set, double bias, double scale)
{
    if (!res) return MN_ERR_INVALID;
    const mn_index *nodes;
    size_t n;
    mn_status st = named_set(res, set, &nodes, &n);
    return st ? st : mn_reservoir_add_input(res, nodes, n, bias, scale);
}

mn_status mn_reservoir_add_output_set(mn_reservoir *res, const char *set)
{
    if (!res) return MN_ERR_INVALID;
    const mn_index *nodes;
    size_t n;
    mn_status st = named_set(res, set, &nodes, &n);
    return st ? st : mn_reservoir_add_output(res, nodes, n);
}

mn_status mn_reservoir_add_probe_set(mn_reservoir *res, const char *set)
{
    if (!res) return MN_ERR_INVALID;
    const mn_index *nodes;
    size_t n;
    mn_status st = named_set(res, set, &nodes, &n);
    return st ? st : mn_reservoir_add_probe(res, nodes, n);
}

mn_status mn_reservoir_set_real(mn_reservoir *res, mn_reservoir_option opt, double value)
{
    if (!res) return MN_ERR_INVALID;
    if (opt != MN_RESERVOIR_STEP)
        return mn__error(res->ctx, MN_ERR_INVALID, "reservoir: option %d is not a real option", (int)opt);
    if (!(value > 0) || !isfinite(value))
        return mn__error(res->ctx, MN_ERR_RANGE, "reservoir: step %g s must be finite and > 0", value);
    if (res->started && value != res->dt)
        return mn__error(res->ctx, MN_ERR_STATE, "reservoir: the step is fixed after the first run");
    res->dt = value;
    return MN_OK;
}

mn_status mn_reservoir_set_int(mn_reservoir *res, mn_reservoir_option opt, int64_t value)
{
    if (!res) return MN_ERR_INVALID;
    mn_context *ctx = res->ctx;
    switch (opt) {
    case MN_RESERVOIR_SUBSTEPS:
        if (value < 1 || value > 1000000000)
            return mn__error(ctx, MN_ERR_RANGE, "reservoir: substeps = %lld must be >= 1", (long long)value);
        res->substeps = (size_t)value;
        return MN_OK;
    case MN_RESERVOIR_DELAYS:
        if (res->started) return mn__error(ctx, MN_ERR_STATE, "reservoir: delays are fixed after the first run");
        if (value < 0 || value > 100000)
            return mn__error(ctx, MN_ERR_RANGE, "reservoir: delays = %lld must be in [0, 100000]",
                             (long long)value);
        res->delays = (size_t)value;
        return MN_OK;
    case MN_RESERVOIR_INPUT_CURRENTS:
        if (res->started)
            return mn__error(ctx, MN_ERR_STATE, "reservoir: the feature set is fixed after the first run");
        if (value != 0 && value != 1)
            return mn__error(ctx, MN_ERR_RANGE, "reservoir: input currents = %lld must be 0 or 1",
                             (long long)value);
        res->input_currents = (int)value;
        return MN_OK;
    case MN_RESERVOIR_STEP: break;
    }
    return mn__error(ctx, MN_ERR_INVALID, "reservoir: option %d is not an integer option", (int)opt);
}

/* the base feature block at the present time */
static mn_status read_block(mn_reservoir *res, double *f)
{
    mn_sim *sim = res->sim;
    size_t j = 0;
    size_t first = res->input_currents ? 0 : res->n_in;
    for (size_t k = first; k < res->n_in + res->n_out; k++) f[j++] = mn_sim_electrode_current(sim, k);
    if (res->n_probe) {
        const double *phi = mn_sim_potentials(sim);
        if (!phi) return mn__error(res->ctx, MN_ERR_INTERNAL, "reservoir: no potentials at t = %g",
                                   mn_sim_time(sim));
        for (size_t q = 0; q < res->n_probe; q++) {
            double s = 0;
            for (size_t i = 0; i < res->probes[q].n; i++) s += phi[res->probes[q].nodes[i]];
            f[j++] = s / (double)res->probes[q].n;
        }
    }
    for (size_t i = 0; i < j; i++)
        if (!isfinite(f[i]))
            return mn__error(res->ctx, MN_ERR_INTERNAL, "reservoir: feature %zu is %g at t = %g", i,
                             f[i], mn_sim_time(sim));
    return MN_OK;
}

mn_status mn_reservoir_run(double *features, mn_reservoir *res, const double *u, size_t n)
{
    if (!res) return MN_ERR_INVALID;
    mn_context *ctx = res->ctx;
    if (!features || !u || n == 0) return mn__error(ctx, MN_ERR_INVALID, "reservoir run: NULL data or 0 steps");
    if (res->n_in == 0 || res->n_out + res->n_probe == 0)
        return mn__error(ctx, MN_ERR_INVALID, "reservoir run: %zu inputs, %zu outputs, %zu probes: "
                                              "need an input and an output or probe",
                         res->n_in, res->n_out, res->n_probe);
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < res->n_in; j++)
            if (!isfinite(u[k * res->n_in + j]))
                return mn__error(ctx, MN_ERR_RANGE, "reservoir run: input %zu of step %zu is %g", j, k,
                                 u[k * res->n_in + j]);
    size_t B = base_count(res), D = res->delays + 1, P = B * D;
    if (!res->started) {
        res->hist = mn__calloc_or_err(ctx, B * D, sizeof *res->hist, "feature history");
        if (!res->hist) return MN_ERR_NOMEM;
        res->hist_pos = 0;
        res->started = 1;
        res->t0 = mn_sim_time(res->sim);
        res->steps = 0;
    }
    mn_status st = mn_sim_set_fixed_step(res->sim, res->dt / (double)res->substeps);
    if (st) return st;
    for (size_t k = 0; k < n; k++) {
        for (size_t j = 0; j < res->n_in; j++)
            res->hold[j] = res->bias[j] + res->scale[j] * u[k * res->n_in + j];
        /* the inputs jump here: restart the integrator (and drop its cached solution) */
        if ((st = mn_sim_restart(res->sim))) return st;
        double t_end = res->t0 + (double)(res->steps + 1) * res->dt;
        if ((st = mn_sim_run(res->sim, t_end))) return st;
        res->steps++;
        res->hist_pos = (res->hist_pos + 1) % D;
        if ((st = read_block(res, res->hist + res->hist_pos * B))) return st;
        double *row = features + k * P;
        for (size_t d = 0; d < D; d++)
            memcpy(row + d * B, res->hist + ((res->hist_pos + D - d) % D) * B, B * sizeof *row);
    }
    return MN_OK;
}
