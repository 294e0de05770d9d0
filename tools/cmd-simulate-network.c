/* memnet simulate: the network file, the model or mix with its parameters, the simulation and
 * its initial states (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int read_values(const char *path, double **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return cli_error(CMD, "--init: cannot open \"%s\" (%s)", path, strerror(errno));
    size_t cap = 1024, k = 0;
    double *v = malloc(cap * sizeof *v);
    char line[256];
    size_t ln = 0;
    while (v && fgets(line, sizeof line, f)) {
        ln++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || !*p) continue;
        char *end;
        double x = strtod(p, &end);
        if (end == p) {
            fclose(f);
            free(v);
            return cli_error(CMD, "--init: \"%s\" line %zu is not a number", path, ln);
        }
        if (k == cap) {
            double *t = realloc(v, 2 * cap * sizeof *v);
            if (!t) break;
            v = t;
            cap *= 2;
        }
        v[k++] = x;
    }
    fclose(f);
    if (!v) return cli_error(CMD, "out of memory");
    *out = v;
    *n = k;
    return 0;
}

/* --set: "NAME.P=V" for model NAME, "P=V" for every model that has P (at least one) */
static int mix_set(mn_context *ctx, mn_model *const *models, size_t k, const char *set)
{
    const char *eq = strchr(set, '='), *dot = strchr(set, '.');
    if (dot && eq && dot < eq) {
        for (size_t j = 0; j < k; j++) {
            const char *name = mn_model_ops_of(models[j])->name;
            if (strlen(name) == (size_t)(dot - set) && !strncmp(name, set, (size_t)(dot - set))) {
                mn_status st = mn_model_set_assignment(models[j], dot + 1);
                return st ? cli_fail(CMD, ctx, st), -1 : 0;
            }
        }
        return cli_error(CMD, "--set %s: no model \"%.*s\" in this network", set, (int)(dot - set), set), -1;
    }
    size_t hit = 0;
    for (size_t j = 0; j < k; j++) {
        double old;
        char pname[64];
        size_t l = eq ? (size_t)(eq - set) : strlen(set);
        if (l >= sizeof pname) break;
        memcpy(pname, set, l);
        pname[l] = 0;
        if (k > 1 && mn_model_get(models[j], pname, &old) != MN_OK) continue;
        mn_status st = mn_model_set_assignment(models[j], set);
        if (st) return cli_fail(CMD, ctx, st), -1;
        hit++;
    }
    mn_context_clear_error(ctx);
    if (!hit) return cli_error(CMD, "--set %s: no model of the mix has this parameter", set), -1;
    return 0;
}

int simulate_network_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    {
        FILE *probe = fopen(o->network, "r");
        if (!probe) return cli_error(CMD, "--network: cannot open \"%s\" (%s)", o->network, strerror(errno));
        char first[32] = "";
        if (!fgets(first, sizeof first, probe)) first[0] = 0;
        fclose(probe);
        if (!strncmp(first, "memnet-network", 14)) {
            st = mn_graph_load(&c->g, c->ctx, o->network);
            if (!st && o->length_column)
                fprintf(stderr, "memnet simulate: --length-column ignored for a native file (lengths are stored in it)\n");
        } else {
            st = mn_graph_read_edgelist(&c->g, c->ctx, o->network, 0, (size_t)o->length_column);
        }
        if (st) return cli_fail(CMD, c->ctx, st);
    }
    mix_spec *mix = &c->mix;
    if (!o->mix_text) { /* one model: a mix of one */
        snprintf(mix->names[0], sizeof mix->names[0], "%s", o->model_name);
        mix->fractions[0] = 1;
        mix->k = 1;
    }
    int mrc;
    for (size_t j = 0; j < mix->k; j++)
        if ((mrc = cli_model_new(CMD, c->ctx, mix->names[j], &mix->models[j]))) return mrc;
    c->model = mix->models[0];
    for (size_t k = 0; k < o->nsets; k++)
        if (mix_set(c->ctx, mix->models, mix->k, o->sets[k])) return 1;
    if ((st = mn_network_new(&c->net, c->g)) ||
        (st = o->mix_text ? mn_network_assign_fractions(c->net, (const mn_model *const *)mix->models,
                                                        mix->fractions, mix->k, (uint64_t)o->mix_seed)
                          : mn_network_assign(c->net, c->model, NULL, 0, NULL)) ||
        (st = mn_sim_new(&c->sim, c->net)))
        return cli_fail(CMD, c->ctx, st);
    return 0;
}

int simulate_initial_states(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    const char *init = o->init;
    if (!strcmp(init, "default")) st = mn_sim_init_default(c->sim, 0.0);
    else if (!strncmp(init, "random:", 7)) {
        double lo, hi;
        char *end;
        lo = strtod(init + 7, &end);
        if (*end != ':') return cli_error(CMD, "--init: \"%s\" is not random:LO:HI", init);
        const char *p = end + 1;
        hi = strtod(p, &end);
        if (end == p || *end) return cli_error(CMD, "--init: \"%s\" is not random:LO:HI", init);
        st = mn_sim_init_random(c->sim, 0.0, lo, hi, (uint64_t)o->seed);
    } else if (!strncmp(init, "file:", 5)) {
        if (read_values(init + 5, &c->init_vals, &c->n_init)) return 1;
        size_t ns = mn_network_state_count(c->net);
        if (c->n_init != ns)
            return cli_error(CMD, "--init: \"%s\" has %zu values, the network has %zu states", init + 5, c->n_init, ns);
        st = mn_sim_init_states(c->sim, 0.0, c->init_vals);
    } else {
        double x;
        if (cli_parse_double(CMD, "--init", init, &x)) return 1;
        st = mn_sim_init_uniform(c->sim, 0.0, x);
    }
    if (st) return cli_fail(CMD, c->ctx, st);
    return 0;
}
