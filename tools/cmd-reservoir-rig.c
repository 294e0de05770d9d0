/* memnet reservoir: the reservoir (generated or loaded network, input and output electrodes,
 * probes) and driving it through mn_reservoir_run() (cmd-reservoir.h). */
#include "cmd-reservoir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double res_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double res_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* the nodes of set `name` not yet in an electrode (an object touching two electrode discs
 * belongs to the first); *n = 0 when none is left */
static int electrode_nodes(const char *cmd, rig *r, const char *name, mn_index **out, size_t *n)
{
    const mn_index *set;
    size_t k, m = 0;
    if (mn_graph_node_set(r->g, name, &set, &k) != MN_OK)
        return cli_usage_error(cmd, "the network has no node set \"%s\"", name);
    size_t nn = mn_graph_node_count(r->g);
    if (!r->used && !(r->used = calloc(nn ? nn : 1, 1))) return cli_error(cmd, "out of memory");
    free(r->tmp);
    if (!(r->tmp = malloc((k ? k : 1) * sizeof *r->tmp))) return cli_error(cmd, "out of memory");
    for (size_t i = 0; i < k; i++) {
        if (r->used[set[i]]) {
            r->shared++;
            continue;
        }
        r->used[set[i]] = 1;
        r->tmp[m++] = set[i];
    }
    if (m == 0)
        return cli_error(cmd, "electrode \"%s\": all its %zu nodes belong to earlier electrodes "
                              "(use a smaller --electrode-radius or fewer electrodes)", name, k);
    *out = r->tmp;
    *n = m;
    return 0;
}

void res_rig_free(rig *r)
{
    free(r->used);
    free(r->tmp);
    mn_reservoir_free(r->res);
    mn_network_free(r->net);
    mn_graph_free(r->g);
    mn_context_free(r->ctx);
    memset(r, 0, sizeof *r);
}

/* split "a,b,c" into at most cap names (pointers into a copy kept in *buf) */
static size_t split_names(const char *text, char **buf, const char **names, size_t cap)
{
    *buf = malloc(strlen(text) + 1);
    if (!*buf) return 0;
    strcpy(*buf, text);
    size_t n = 0;
    for (char *p = *buf; p && *p && n < cap;) {
        names[n++] = p;
        p = strchr(p, ',');
        if (p) *p++ = '\0';
    }
    return n;
}

static int build_network(const char *cmd, const opts *o, rig *r)
{
    mn_context *ctx = r->ctx;
    mn_status st;
    if (o->network) {
        if ((st = mn_graph_load(&r->g, ctx, o->network))) return cli_fail(cmd, ctx, st);
        return 0;
    }
    mn_gen *gen = NULL;
    if ((st = mn_gen_new(&gen, ctx))) return cli_fail(cmd, ctx, st);
    double W = o->width, H = o->height;
    if (!(W > 0)) W = H = sqrt((double)o->wires / o->density);
    char name[32];
    st = mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)o->seed);
    if (!st) st = mn_gen_set_int(gen, MN_GEN_WIRES, o->wires);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_WIDTH, W);
    if (!st) st = mn_gen_set_real(gen, MN_GEN_HEIGHT, H);
    for (long k = 0; !st && k < o->n_in; k++) {
        snprintf(name, sizeof name, "in%ld", k);
        st = mn_gen_add_electrode_disc(gen, name, 0.0, ((double)k + 0.5) * H / (double)o->n_in,
                                       o->radius);
    }
    for (long k = 0; !st && k < o->n_out; k++) {
        snprintf(name, sizeof name, "out%ld", k);
        st = mn_gen_add_electrode_disc(gen, name, W, ((double)k + 0.5) * H / (double)o->n_out,
                                       o->radius);
    }
    if (!st) st = mn_gen_nanowires(&r->g, gen);
    mn_gen_free(gen);
    if (st) return cli_fail(cmd, ctx, st);
    /* probes: the node nearest to each point of the vertical middle line */
    for (long k = 0; k < o->n_probe; k++) {
        double px = W / 2, py = ((double)k + 0.5) * H / (double)o->n_probe, best = INFINITY;
        const double *x = mn_graph_node_x(r->g), *y = mn_graph_node_y(r->g);
        mn_index node = -1;
        for (size_t i = 0; i < mn_graph_node_count(r->g); i++) {
            double d = (x[i] - px) * (x[i] - px) + (y[i] - py) * (y[i] - py);
            if (d < best) {
                best = d;
                node = (mn_index)i;
            }
        }
        snprintf(name, sizeof name, "probe%ld", k);
        if (node < 0 || (st = mn_graph_set_node_set(r->g, name, &node, 1)))
            return cli_fail(cmd, ctx, st ? st : MN_ERR_INTERNAL);
    }
    return 0;
}

int res_build_rig(const char *cmd, const opts *o, int scalar, rig *r)
{
    mn_status st;
    if (cli_context_new(&r->ctx)) return cli_error(cmd, "out of memory");
    mn_context *ctx = r->ctx;
    if (build_network(cmd, o, r)) return 1;
    mn_model *model = NULL;
    if ((st = mn_model_new(&model, ctx, o->model))) {
        cli_fail(cmd, ctx, st);
        return st == MN_ERR_NOT_FOUND ? 2 : 1; /* an unknown model name is a usage error */
    }
    for (int k = 0; k < o->nsets; k++) {
        const char *eq = strchr(o->sets[k], '=');
        char pname[64];
        if (!eq || eq == o->sets[k] || (size_t)(eq - o->sets[k]) >= sizeof pname) {
            mn_model_free(model);
            return cli_usage_error(cmd, "--set \"%s\": expected NAME=VALUE", o->sets[k]);
        }
        memcpy(pname, o->sets[k], (size_t)(eq - o->sets[k]));
        pname[eq - o->sets[k]] = 0;
        if ((st = mn_model_set_text(model, pname, eq + 1))) {
            mn_model_free(model);
            return cli_fail(cmd, ctx, st);
        }
    }
    st = mn_network_new(&r->net, r->g);
    if (!st) st = mn_network_assign(r->net, model, NULL, 0, NULL);
    mn_model_free(model);
    if (!st) st = mn_reservoir_new(&r->res, r->net);
    if (st) return cli_fail(cmd, ctx, st);
    const char *names[256];
    char *buf = NULL;
    size_t n;
    /* inputs */
    if (o->network) {
        n = split_names(o->inputs, &buf, names, 256);
    } else {
        n = (size_t)o->n_in;
    }
    /* input scales of a scalar task: amplitude * (+-1) * (0.5 + 0.5 U), sign and U from the
     * memnet RNG (mask seed, stream 5); of the digits: the amplitude */
    mn_rng *mask = NULL;
    if ((st = mn_rng_new(&mask, ctx, o->mask_seed, 5))) {
        free(buf);
        return cli_fail(cmd, ctx, st);
    }
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "in%zu", k);
        double sign = (mn_rng_u64(mask) & 1) ? -1.0 : 1.0;
        double scale = scalar ? o->amplitude * sign * (0.5 + 0.5 * mn_rng_uniform(mask)) : o->amplitude;
        mn_index *nodes;
        size_t nnodes;
        int erc = electrode_nodes(cmd, r, o->network ? names[k] : name, &nodes, &nnodes);
        if (erc) {
            free(buf);
            mn_rng_free(mask);
            return erc;
        }
        st = mn_reservoir_add_input(r->res, nodes, nnodes, o->bias, scale);
        if (st) {
            free(buf);
            mn_rng_free(mask);
            return cli_fail(cmd, ctx, st);
        }
    }
    mn_rng_free(mask);
    r->n_in = n;
    free(buf);
    buf = NULL;
    n = o->network ? split_names(o->outputs, &buf, names, 256) : (size_t)o->n_out;
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "out%zu", k);
        mn_index *nodes;
        size_t nnodes;
        int erc = electrode_nodes(cmd, r, o->network ? names[k] : name, &nodes, &nnodes);
        if (erc) {
            free(buf);
            return erc;
        }
        if ((st = mn_reservoir_add_output(r->res, nodes, nnodes))) {
            free(buf);
            return cli_fail(cmd, ctx, st);
        }
    }
    r->n_out = n;
    free(buf);
    buf = NULL;
    n = o->network ? (o->probes ? split_names(o->probes, &buf, names, 256) : 0) : (size_t)o->n_probe;
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "probe%zu", k);
        if ((st = mn_reservoir_add_probe_set(r->res, o->network ? names[k] : name))) {
            free(buf);
            cli_fail(cmd, ctx, st);
            return st == MN_ERR_NOT_FOUND ? 2 : 1; /* a node-set name the network lacks */
        }
    }
    r->n_probe = n;
    free(buf);
    st = mn_reservoir_set_real(r->res, MN_RESERVOIR_STEP, o->step);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_SUBSTEPS, o->substeps);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_DELAYS, o->delays);
    if (!st) st = mn_reservoir_set_int(r->res, MN_RESERVOIR_INPUT_CURRENTS, o->input_currents);
    if (st) return cli_fail(cmd, ctx, st);
    return 0;
}

void res_print_rig(const opts *o, const rig *r)
{
    cli_out_str("task", "%s", o->task);
    cli_out("nodes=%zu\nedges=%zu\n", mn_graph_node_count(r->g), mn_graph_edge_count(r->g));
    if (!o->network) cli_out("wires=%ld\nseed=%llu\n", o->wires, o->seed);
    cli_out("inputs=%zu\noutputs=%zu\nprobes=%zu\nshared_electrode_nodes=%zu\n", r->n_in, r->n_out,
            r->n_probe, r->shared);
    cli_out("features=%zu\ndelays=%ld\nstep=%.17g\nsubsteps=%ld\namplitude=%.17g\nbias=%.17g\n",
            mn_reservoir_feature_count(r->res), o->delays, o->step, o->substeps, o->amplitude,
            o->bias);
    cli_out_str("model", "%s", o->model);
}

/* run the reservoir on u (n x n_in): features (n x p), malloc'ed; prints the run times */
int res_drive(const char *cmd, rig *r, const double *u, size_t n, double **F)
{
    size_t p = mn_reservoir_feature_count(r->res);
    *F = malloc(n * p * sizeof **F);
    if (!*F) return cli_error(cmd, "out of memory (%zu x %zu features)", n, p);
    double w0 = res_wall_now(), c0 = res_cpu_now();
    cli_sigint_install(1);
    mn_status st = mn_reservoir_run(*F, r->res, u, n);
    cli_sigint_restore();
    double w1 = res_wall_now(), c1 = res_cpu_now();
    if (st) return cli_fail(cmd, r->ctx, st);
    cli_out("reservoir_steps=%zu\nreservoir_wall_seconds=%.3f\nreservoir_cpu_seconds=%.3f\n", n,
            w1 - w0, c1 - c0);
    cli_out("kirchhoff_solves=%llu\n",
            (unsigned long long)mn_sim_stat_get(mn_reservoir_sim(r->res), MN_SIM_STAT_SOLVES));
    return 0;
}
