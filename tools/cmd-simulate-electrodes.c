/* memnet simulate: the electrodes (--source/--drain, or any number of --electrode, voltage or
 * current driven, grounded or floating in given intervals) and the --probe node sets
 * (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* [NAME=]REST: copy NAME (letters, digits, _ . -) into name; returns REST */
static const char *split_name(const char *opt, const char *text, char *name, size_t cap, int *bad)
{
    *bad = 0;
    name[0] = 0;
    size_t l = strcspn(text, "=:");
    if (text[l] != '=') return text;
    if (l == 0 || l >= cap) {
        *bad = cli_error(CMD, "%s \"%s\": the name before '=' must have 1 to %zu characters", opt, text, cap - 1) + 1;
        return text;
    }
    for (size_t i = 0; i < l; i++) {
        char ch = text[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '.' || ch == '-')) {
            *bad = cli_error(CMD, "%s \"%s\": the name \"%.*s\" may only have letters, digits, _ . -", opt, text,
                             (int)l, text) + 1;
            return text;
        }
    }
    memcpy(name, text, l);
    name[l] = 0;
    return text + l + 1;
}

/* "T1-T2,T3-T4": pairs in *iv (malloc'ed) */
static int parse_intervals(const char *full, const char *text, double **iv, size_t *n)
{
    size_t cap = 2;
    for (const char *p = text; *p; p++) cap += 2 * (*p == ',');
    double *v = malloc(cap * sizeof *v);
    if (!v) return cli_error(CMD, "out of memory");
    size_t k = 0;
    const char *p = text;
    while (*p) {
        char *end;
        double a = strtod(p, &end);
        if (end == p || *end != '-') goto bad;
        const char *q = end + 1;
        double b = strtod(q, &end);
        if (end == q || (*end && *end != ',') || !isfinite(a) || isnan(b) || !(b > a) || a < 0) goto bad;
        if (k && a < v[k - 1]) {
            free(v);
            return cli_error(CMD, "--electrode \"%s\": floating interval %g-%g overlaps or precedes the one before "
                                  "(give them in order)", full, a, b);
        }
        v[k++] = a;
        v[k++] = b;
        p = *end ? end + 1 : end;
    }
    if (!k) goto bad;
    *iv = v;
    *n = k / 2;
    return 0;
bad:
    free(v);
    return cli_error(CMD, "--electrode \"%s\": \"@%s\" is not a list of floating intervals T1-T2,T3-T4 "
                          "(0 <= T1 < T2; T2 may be inf)", full, text);
}

/* one --electrode value */
static int parse_electrode(simulate_cmd *c, const char *text, size_t k, simulate_electrode *e)
{
    int bad;
    const char *rest = split_name("--electrode", text, e->name, sizeof e->name, &bad);
    if (bad) return 2;
    if (!e->name[0]) snprintf(e->name, sizeof e->name, "%zu", k);
    const char *colon = strchr(rest, ':');
    if (!colon || colon == rest)
        return cli_error(CMD, "--electrode \"%s\": expected [NAME=]NODES:SPEC (SPEC a waveform, i:WAVEFORM, "
                              "ground or float)", text) + 1;
    char *nodes = strndup(rest, (size_t)(colon - rest));
    const char *at = strrchr(colon + 1, '@');
    char *spec = strndup(colon + 1, at ? (size_t)(at - colon - 1) : strlen(colon + 1));
    int rc = 0;
    if (!nodes || !spec) {
        rc = cli_error(CMD, "out of memory");
        goto done;
    }
    char opt[96];
    snprintf(opt, sizeof opt, "--electrode %s", e->name);
    if (cli_resolve_nodes(CMD, opt, nodes, c->g, &e->nodes, &e->n)) {
        rc = 2;
        goto done;
    }
    if (at && parse_intervals(text, at + 1, &e->iv, &e->niv)) {
        rc = 2;
        goto done;
    }
    mn_status st;
    if (!strcmp(spec, "ground")) e->kind = 2;
    else if (!strcmp(spec, "float")) {
        e->kind = 3;
        if (at) {
            rc = cli_error(CMD, "--electrode \"%s\": float is open at all times; for floating intervals give what "
                                "it follows in between, e.g. ground@1-2", text) + 1;
            goto done;
        }
    } else if (!strncmp(spec, "i:", 2)) {
        e->kind = 1;
        if ((st = mn_waveform_parse(&e->w, c->ctx, spec + 2))) {
            cli_error(CMD, "--electrode %s: current waveform \"%s\": %s", e->name, spec + 2, mn_context_last_error(c->ctx));
            rc = 2;
        }
    } else {
        e->kind = 0;
        if (!*spec || (st = mn_waveform_parse(&e->w, c->ctx, spec))) {
            cli_error(CMD, "--electrode %s: \"%s\" is not ground, float, i:WAVEFORM or a waveform%s%s", e->name, spec,
                      *spec ? ": " : "", *spec ? mn_context_last_error(c->ctx) : "");
            rc = 2;
        }
    }
done:
    free(nodes), free(spec);
    return rc;
}

static int parse_probe(simulate_cmd *c, const char *text, size_t j, simulate_probe *p)
{
    int bad;
    const char *rest = split_name("--probe", text, p->name, sizeof p->name, &bad);
    if (bad) return 2;
    if (!p->name[0]) snprintf(p->name, sizeof p->name, "%zu", j);
    char opt[96];
    snprintf(opt, sizeof opt, "--probe %s", p->name);
    return cli_resolve_nodes(CMD, opt, rest, c->g, &p->nodes, &p->n) ? 2 : 0;
}

void simulate_electrodes_free(simulate_cmd *c)
{
    for (size_t k = 0; k < c->nels; k++) {
        free(c->els[k].nodes);
        free(c->els[k].iv);
        mn_waveform_free(c->els[k].w);
    }
    free(c->els);
    for (size_t j = 0; j < c->nprobes; j++) free(c->probes[j].nodes);
    free(c->probes);
}

/* the --source/--drain form (output t,V,I,G) */
static int legacy_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    /* a node-set name of the network or a node list, the same in every command (cli.h) */
    if (cli_resolve_nodes(CMD, "--source", c->source, c->g, &c->src, &c->nsrc) ||
        cli_resolve_nodes(CMD, "--drain", c->drain, c->g, &c->drn, &c->ndrn))
        return 2; /* a node argument that does not fit the network: usage error (docs/cli.md) */
    if ((st = mn_waveform_parse(&c->w, c->ctx, o->spec))) return cli_fail(CMD, c->ctx, st);
    if (o->current_mode) {
        st = mn_sim_add_electrode(c->sim, c->drn, c->ndrn, NULL, NULL);
        if (!st) st = mn_sim_set_current_source(c->sim, c->src, c->nsrc, c->drn, c->ndrn, c->w);
    } else {
        st = mn_sim_add_electrode(c->sim, c->src, c->nsrc, c->w, &c->r.src_id);
        if (!st) st = mn_sim_add_electrode(c->sim, c->drn, c->ndrn, NULL, NULL);
    }
    if (st) return cli_fail(CMD, c->ctx, st);
    return 0;
}

int simulate_electrodes_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    int rc;
    c->source = o->source;
    c->drain = o->drain;
    if (o->nprobes) {
        if (!(c->probes = calloc(o->nprobes, sizeof *c->probes))) return cli_error(CMD, "out of memory");
        for (size_t j = 0; j < o->nprobes; j++) {
            c->nprobes++;
            if ((rc = parse_probe(c, o->probes[j], j, &c->probes[j]))) return rc;
        }
    }
    if (!o->nelectrodes) {
        /* --source/--drain default to the network file's first two node sets (the generator
           writes left and right) */
        if ((!c->source || !c->drain) && mn_graph_node_set_count(c->g) >= 2) {
            const char *s0 = mn_graph_node_set_name(c->g, 0), *s1 = mn_graph_node_set_name(c->g, 1);
            if (!c->source) c->source = c->drain && !strcmp(c->drain, s0) ? s1 : s0;
            if (!c->drain) c->drain = !strcmp(c->source, s0) ? s1 : s0;
        }
        const char *missing = !c->source ? "--source" : !c->drain ? "--drain" : !o->spec ? "--waveform" : NULL;
        if (missing)
            return cli_error(CMD, "missing %s (see memnet simulate --help)%s", missing,
                             strcmp(missing, "--waveform") ? "; the network has no node sets to default to" : "") + 1;
        return legacy_setup(c, o);
    }

    /* --electrode form; --source/--drain, when given, are the first electrodes */
    if (o->current_mode)
        return cli_error(CMD, "--current applies to --source; give a current electrode as NAME=NODES:i:WAVEFORM") + 1;
    if (o->spec && !o->source)
        return cli_error(CMD, "--waveform \"%s\" drives --source, and there is none: give every --electrode its "
                              "own waveform", o->spec) + 1;
    if (o->source && !o->spec) return cli_error(CMD, "missing --waveform for --source (see memnet simulate --help)") + 1;
    size_t n = o->nelectrodes + (o->source != NULL) + (o->drain != NULL);
    if (!(c->els = calloc(n, sizeof *c->els))) return cli_error(CMD, "out of memory");
    size_t k = 0;
    if (o->source) {
        simulate_electrode *e = &c->els[k++];
        c->nels = k;
        snprintf(e->name, sizeof e->name, "source");
        if (cli_resolve_nodes(CMD, "--source", o->source, c->g, &e->nodes, &e->n)) return 2;
        if ((st = mn_waveform_parse(&e->w, c->ctx, o->spec))) return cli_fail(CMD, c->ctx, st);
    }
    if (o->drain) {
        simulate_electrode *e = &c->els[k++];
        c->nels = k;
        snprintf(e->name, sizeof e->name, "drain");
        e->kind = 2;
        if (cli_resolve_nodes(CMD, "--drain", o->drain, c->g, &e->nodes, &e->n)) return 2;
    }
    for (size_t j = 0; j < o->nelectrodes; j++) {
        c->nels = k + 1;
        if ((rc = parse_electrode(c, o->electrodes[j], k, &c->els[k]))) return rc;
        k++;
    }
    /* names unique, node sets disjoint (each node belongs to at most one electrode) */
    size_t nn = mn_graph_node_count(c->g);
    long *owner = malloc((nn ? nn : 1) * sizeof *owner);
    if (!owner) return cli_error(CMD, "out of memory");
    for (size_t i = 0; i < nn; i++) owner[i] = -1;
    rc = 0;
    for (size_t a = 0; a < c->nels && !rc; a++) {
        for (size_t b = 0; b < a && !rc; b++)
            if (!strcmp(c->els[a].name, c->els[b].name))
                rc = cli_error(CMD, "--electrode: two electrodes are named \"%s\"", c->els[a].name) + 1;
        for (size_t i = 0; i < c->els[a].n && !rc; i++) {
            mn_index v = c->els[a].nodes[i];
            if (owner[v] >= 0 && owner[v] != (long)a)
                rc = cli_error(CMD, "--electrode %s: node %d is also in electrode %s (electrodes must not overlap)",
                               c->els[a].name, (int)v, c->els[owner[v]].name) + 1;
            else if (owner[v] == (long)a)
                rc = cli_error(CMD, "--electrode %s: node %d is listed twice", c->els[a].name, (int)v) + 1;
            owner[v] = (long)a;
        }
    }
    free(owner);
    if (rc) return rc;
    /* something must hold the potentials */
    size_t held = 0, last = 0;
    for (size_t a = 0; a < c->nels; a++)
        if (c->els[a].kind == 0 || c->els[a].kind == 2) held++, last = a;
    if (!held) return cli_error(CMD, "--electrode: no electrode holds a potential (give one as NAME=NODES:ground)") + 1;
    if (held == 1 && c->els[last].niv)
        return cli_error(CMD, "--electrode %s: it is the only electrode holding a potential, so it cannot float "
                              "(@%g-%g): nothing would fix the potentials then", c->els[last].name,
                         c->els[last].iv[0], c->els[last].iv[1]) + 1;
    for (size_t a = 0; a < c->nels; a++) {
        simulate_electrode *e = &c->els[a];
        st = mn_sim_add_electrode(c->sim, e->nodes, e->n, e->kind == 0 ? e->w : NULL, &e->id);
        if (!st && e->kind == 1) st = mn_sim_set_electrode_current(c->sim, e->id, e->w);
        if (!st && e->kind == 3) st = mn_sim_set_electrode_current(c->sim, e->id, NULL);
        if (!st && e->niv) st = mn_sim_set_electrode_floating(c->sim, e->id, e->iv, e->niv);
        if (st) return cli_fail(CMD, c->ctx, st);
    }
    return 0;
}
