/*
 * Networks: the model of every edge, per-edge parameter overrides and variability, the global
 * state layout, and the batched evaluation used by the solvers (models-private.h).
 *
 * Evaluation groups the edges of each model; a group whose edges are one contiguous run of
 * edge ids is evaluated in place (pointers into the caller's arrays: the single-model fast
 * path), other groups are gathered into scratch buffers, evaluated with one batched call and
 * scattered back.
 */
#include "models/models-impl.h"
#include "graph/graph-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FD_REL 6e-6 /* ~ cbrt(DBL_EPSILON): central differences with O(h^2) + O(eps/h) error */

/* ------------------------------------------------------------------ netmodels */

static void netmodel_free(mn_context *ctx, mn__netmodel *nm)
{
    if (!nm) return;
    if (nm->has_data && nm->oc.ops.destroy) nm->oc.ops.destroy(nm->model_data, nm->oc.ops.user_data);
    size_t np = nm->oc.ops.n_params;
    if (nm->edge_values)
        for (size_t p = 0; p < np; p++) mn__free(ctx, nm->edge_values[p]);
    if (nm->plocal)
        for (size_t p = 0; p < np; p++) mn__free(ctx, nm->plocal[p]);
    mn__free(ctx, nm->edge_values);
    mn__free(ctx, nm->plocal);
    mn__free(ctx, nm->pptr);
    mn__free(ctx, nm->pstride);
    mn__free(ctx, nm->values);
    mn__free(ctx, nm->edges);
    mn__free(ctx, nm->len);
    mn__ops_copy_free(ctx, &nm->oc);
    mn__free(ctx, nm);
}

static int same_model(const mn__netmodel *nm, const mn_model *m)
{
    const mn_model_ops *a = &nm->oc.ops, *b = &m->oc.ops;
    if (strcmp(a->name, b->name) || a->conductance != b->conductance || a->rate != b->rate ||
        a->n_params != b->n_params || a->n_states != b->n_states || a->user_data != b->user_data ||
        a->create != b->create)
        return 0;
    for (size_t p = 0; p < a->n_params; p++)
        if (memcmp(&nm->values[p], &m->values[p], sizeof(double))) return 0;
    return 1;
}

static mn_status netmodel_add(mn_network *net, const mn_model *m, size_t *k)
{
    mn_context *ctx = net->ctx;
    mn_status st = MN_OK;
    for (size_t i = 0; i < net->n_models; i++)
        if (same_model(net->models[i], m)) {
            *k = i;
            return MN_OK;
        }
    if (net->n_models == net->cap_models) {
        size_t cap = net->cap_models ? 2 * net->cap_models : 4;
        mn__netmodel **t = mn__realloc_array(ctx, net->models, cap, sizeof *t);
        if (!t) return mn__error(ctx, MN_ERR_NOMEM, "out of memory adding a model to a network");
        net->models = t;
        net->cap_models = cap;
    }
    mn__netmodel *nm = mn__calloc_or_err(ctx, 1, sizeof *nm, "network model");
    if (!nm) return MN_ERR_NOMEM;
    MN__TRY(mn__ops_copy_init(ctx, &nm->oc, &m->oc.ops));
    size_t np = nm->oc.ops.n_params;
    if (np) {
        nm->values = mn__malloc_or_err(ctx, np, sizeof(double), "parameter values");
        nm->edge_values = mn__calloc_or_err(ctx, np, sizeof(double *), "parameter overrides");
        nm->plocal = mn__calloc_or_err(ctx, np, sizeof(double *), "parameter overrides");
        nm->pptr = mn__calloc_or_err(ctx, np, sizeof(const double *), "parameter pointers");
        nm->pstride = mn__calloc_or_err(ctx, np, sizeof(size_t), "parameter strides");
        if (!nm->values || !nm->edge_values || !nm->plocal || !nm->pptr || !nm->pstride)
            MN__FAIL(MN_ERR_NOMEM);
        memcpy(nm->values, m->values, np * sizeof(double));
    }
    net->models[net->n_models] = nm;
    *k = net->n_models++;
    return MN_OK;
cleanup:
    netmodel_free(ctx, nm);
    return st;
}

static void invalidate(mn_network *net)
{
    net->prepared = 0;
    net->layout_ok = 0;
}

/* ------------------------------------------------------------------ lifecycle */

mn_status mn_network_new(mn_network **out, mn_graph *g)
{
    if (!out) return g ? mn__error(mn_graph_context(g), MN_ERR_INVALID, "mn_network_new: out is NULL")
                       : MN_ERR_INVALID;
    *out = NULL;
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = mn_graph_context(g);
    size_t m = mn_graph_edge_count(g);
    mn_network *net = mn__calloc_or_err(ctx, 1, sizeof *net, "network");
    if (!net) return MN_ERR_NOMEM;
    net->ctx = ctx;
    net->g = g;
    net->m = m;
    net->edge_model = mn__malloc_or_err(ctx, m ? m : 1, sizeof(mn_index), "edge models");
    net->soff = mn__calloc_or_err(ctx, m + 1, sizeof(size_t), "state offsets");
    net->joff = mn__calloc_or_err(ctx, m + 1, sizeof(size_t), "jacobian offsets");
    net->eoff = mn__calloc_or_err(ctx, m + 1, sizeof(size_t), "event offsets");
    if (!net->edge_model || !net->soff || !net->joff || !net->eoff) {
        mn_network_free(net);
        return MN_ERR_NOMEM;
    }
    for (size_t e = 0; e < m; e++) net->edge_model[e] = -1;
    *out = net;
    return MN_OK;
}

static void free_scratch(mn_network *net)
{
    mn_context *ctx = net->ctx;
    double **bufs[] = { &net->gx, &net->gV, &net->gI, &net->go, &net->fx, &net->fp, &net->fm,
                        &net->fV, &net->lo, &net->hi };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        mn__free(ctx, *bufs[i]);
        *bufs[i] = NULL;
    }
    mn__free(ctx, net->gf);
    net->gf = NULL;
    net->have_scratch = 0;
    net->have_bounds = 0;
}

void mn_network_free(mn_network *net)
{
    if (!net) return;
    mn_context *ctx = net->ctx;
    for (size_t i = 0; i < net->n_models; i++) netmodel_free(ctx, net->models[i]);
    mn__free(ctx, net->models);
    mn__free(ctx, net->edge_model);
    mn__free(ctx, net->soff);
    mn__free(ctx, net->joff);
    mn__free(ctx, net->eoff);
    free_scratch(net);
    mn__free(ctx, net);
}

void mn_network_refresh(mn_network *net)
{
    if (net) net->prepared = 0;
}

mn_graph *mn_network_graph(const mn_network *net) { return net ? net->g : NULL; }

mn_context *mn__network_context(const mn_network *net) { return net ? net->ctx : NULL; }

size_t mn_network_model_count(const mn_network *net) { return net ? net->n_models : 0; }

const mn_index *mn_network_edge_models(const mn_network *net) { return net ? net->edge_model : NULL; }

const mn_model_ops *mn_network_model_ops(const mn_network *net, size_t k)
{
    return net && k < net->n_models ? &net->models[k]->oc.ops : NULL;
}

/* ------------------------------------------------------------------ assignment */

/* move edge e to model k, resetting its overrides in the model it leaves */
static void set_edge_model(mn_network *net, size_t e, mn_index k)
{
    mn_index old = net->edge_model[e];
    if (old == k) return;
    if (old >= 0) {
        mn__netmodel *nm = net->models[old];
        for (size_t p = 0; p < nm->oc.ops.n_params; p++)
            if (nm->edge_values[p]) nm->edge_values[p][e] = nm->values[p];
    }
    net->edge_model[e] = k;
}

static mn_status check_graph(mn_network *net)
{
    if (mn_graph_edge_count(net->g) != net->m)
        return mn__error(net->ctx, MN_ERR_STATE,
                         "the network's graph changed: %zu edges now, %zu when the network was made",
                         mn_graph_edge_count(net->g), net->m);
    return MN_OK;
}

mn_status mn_network_assign(mn_network *net, const mn_model *model, const mn_index *edges,
                            size_t n, size_t *model_index)
{
    if (!net) return MN_ERR_INVALID;
    if (!model) return mn__error(net->ctx, MN_ERR_INVALID, "mn_network_assign: model is NULL");
    mn_status st = check_graph(net);
    if (st != MN_OK) return st;
    if (edges)
        for (size_t i = 0; i < n; i++)
            if (edges[i] < 0 || (size_t)edges[i] >= net->m)
                return mn__error(net->ctx, MN_ERR_RANGE, "edge id %ld (entry %zu) is not in [0, %zu)",
                                 (long)edges[i], i, net->m);
    size_t k;
    st = netmodel_add(net, model, &k);
    if (st != MN_OK) return st;
    if (edges)
        for (size_t i = 0; i < n; i++) set_edge_model(net, (size_t)edges[i], (mn_index)k);
    else
        for (size_t e = 0; e < net->m; e++) set_edge_model(net, e, (mn_index)k);
    invalidate(net);
    if (model_index) *model_index = k;
    return MN_OK;
}

static mn_status check_models(mn_network *net, const mn_model *const *models, size_t k)
{
    if (!models || k == 0)
        return mn__error(net->ctx, MN_ERR_INVALID, "no models given (k = %zu)", k);
    if (k > 1000000) return mn__error(net->ctx, MN_ERR_INVALID, "k = %zu models is too many", k);
    for (size_t j = 0; j < k; j++)
        if (!models[j]) return mn__error(net->ctx, MN_ERR_INVALID, "model %zu is NULL", j);
    return check_graph(net);
}

/* assign model j to the edges with choice[e] == j, for all j */
static mn_status assign_choices(mn_network *net, const mn_model *const *models, size_t k,
                                const size_t *choice)
{
    mn_status st = MN_OK;
    size_t *idx = mn__malloc_or_err(net->ctx, k, sizeof *idx, "model indices");
    if (!idx) return MN_ERR_NOMEM;
    for (size_t j = 0; j < k; j++) MN__TRY(netmodel_add(net, models[j], &idx[j]));
    for (size_t e = 0; e < net->m; e++) set_edge_model(net, e, (mn_index)idx[choice[e]]);
    invalidate(net);
cleanup:
    mn__free(net->ctx, idx);
    return st;
}

mn_status mn_network_assign_fractions(mn_network *net, const mn_model *const *models,
                                      const double *fractions, size_t k, uint64_t seed)
{
    if (!net) return MN_ERR_INVALID;
    mn_status st = check_models(net, models, k);
    if (st != MN_OK) return st;
    if (!fractions) return mn__error(net->ctx, MN_ERR_INVALID, "fractions is NULL");
    double sum = 0.0;
    for (size_t j = 0; j < k; j++) {
        if (!(fractions[j] >= 0.0) || !isfinite(fractions[j]))
            return mn__error(net->ctx, MN_ERR_RANGE, "fraction %zu = %g must be finite and >= 0", j,
                             fractions[j]);
        sum += fractions[j];
    }
    if (!(sum > 0.0)) return mn__error(net->ctx, MN_ERR_RANGE, "fractions sum to %g, must be > 0", sum);
    size_t m = net->m;
    size_t *perm = mn__malloc_or_err(net->ctx, m ? m : 1, sizeof *perm, "edge permutation");
    size_t *choice = mn__malloc_or_err(net->ctx, m ? m : 1, sizeof *choice, "edge choices");
    if (!perm || !choice) {
        st = MN_ERR_NOMEM;
        goto cleanup;
    }
    /* Fisher-Yates shuffle of the edge ids from the seed (stream "models") */
    mn__rng_state r;
    mn__rng_seed(&r, seed, UINT64_C(0x6d6f64656c73));
    for (size_t e = 0; e < m; e++) perm[e] = e;
    for (size_t i = m; i > 1; i--) {
        size_t j = (size_t)mn__rng_below(&r, i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    size_t pos = 0;
    for (size_t j = 0; j < k; j++) {
        size_t c = j + 1 < k ? (size_t)llround(fractions[j] / sum * (double)m) : m - pos;
        if (c > m - pos) c = m - pos;
        for (size_t i = 0; i < c; i++) choice[perm[pos + i]] = j;
        pos += c;
    }
    st = assign_choices(net, models, k, choice);
cleanup:
    mn__free(net->ctx, perm);
    mn__free(net->ctx, choice);
    return st;
}

mn_status mn_network_assign_by(mn_network *net, const mn_model *const *models, size_t k,
                               mn_model_chooser choose, void *user_data)
{
    if (!net) return MN_ERR_INVALID;
    mn_status st = check_models(net, models, k);
    if (st != MN_OK) return st;
    if (!choose) return mn__error(net->ctx, MN_ERR_INVALID, "mn_network_assign_by: chooser is NULL");
    size_t *choice = mn__malloc_or_err(net->ctx, net->m ? net->m : 1, sizeof *choice, "edge choices");
    if (!choice) return MN_ERR_NOMEM;
    for (size_t e = 0; e < net->m; e++) {
        choice[e] = choose((mn_index)e, net->g, user_data);
        if (choice[e] >= k) {
            st = mn__error(net->ctx, MN_ERR_RANGE, "edge %zu: chooser returned model %zu, not in [0, %zu)",
                           e, choice[e], k);
            goto cleanup;
        }
    }
    st = assign_choices(net, models, k, choice);
cleanup:
    mn__free(net->ctx, choice);
    return st;
}

/* ------------------------------------------------------------------ per-edge parameters */

static mn_status edge_param(mn_network *net, mn_index edge, const char *name, mn__netmodel **nmo,
                            int *po)
{
    if (edge < 0 || (size_t)edge >= net->m)
        return mn__error(net->ctx, MN_ERR_RANGE, "edge %ld is not in [0, %zu)", (long)edge, net->m);
    mn_index k = net->edge_model[edge];
    if (k < 0)
        return mn__error(net->ctx, MN_ERR_STATE, "edge %ld has no model yet (assign one first)",
                         (long)edge);
    mn__netmodel *nm = net->models[k];
    int p = mn__param_index(&nm->oc, name);
    if (p < 0)
        return mn__error(net->ctx, MN_ERR_NOT_FOUND, "edge %ld: model %s has no parameter \"%s\"",
                         (long)edge, nm->oc.ops.name, name ? name : "(null)");
    *nmo = nm;
    *po = p;
    return MN_OK;
}

static mn_status ensure_edge_values(mn_network *net, mn__netmodel *nm, int p)
{
    if (nm->edge_values[p]) return MN_OK;
    double *a = mn__malloc_or_err(net->ctx, net->m ? net->m : 1, sizeof(double), "per-edge parameter");
    if (!a) return MN_ERR_NOMEM;
    for (size_t e = 0; e < net->m; e++) a[e] = nm->values[p];
    nm->edge_values[p] = a;
    return MN_OK;
}

mn_status mn_network_set_edge_param(mn_network *net, mn_index edge, const char *name, double value)
{
    if (!net) return MN_ERR_INVALID;
    mn__netmodel *nm;
    int p;
    mn_status st = edge_param(net, edge, name, &nm, &p);
    if (st != MN_OK) return st;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "edge %ld: ", (long)edge);
    st = mn__param_check(net->ctx, &nm->oc, p, value, prefix);
    if (st != MN_OK) return st;
    st = ensure_edge_values(net, nm, p);
    if (st != MN_OK) return st;
    nm->edge_values[p][edge] = value;
    net->prepared = 0;
    return MN_OK;
}

mn_status mn_network_get_edge_param(const mn_network *net, mn_index edge, const char *name,
                                    double *value)
{
    if (!net || !value) return MN_ERR_INVALID;
    mn__netmodel *nm;
    int p;
    mn_status st = edge_param((mn_network *)net, edge, name, &nm, &p);
    if (st != MN_OK) return st;
    *value = nm->edge_values[p] ? nm->edge_values[p][edge] : nm->values[p];
    return MN_OK;
}

mn_status mn_network_vary_param(mn_network *net, size_t k, const char *name, double sigma,
                                uint64_t seed)
{
    if (!net) return MN_ERR_INVALID;
    if (k >= net->n_models)
        return mn__error(net->ctx, MN_ERR_RANGE, "model index %zu is not in [0, %zu)", k, net->n_models);
    mn__netmodel *nm = net->models[k];
    int p = mn__param_index(&nm->oc, name);
    if (p < 0)
        return mn__error(net->ctx, MN_ERR_NOT_FOUND, "model %s has no parameter \"%s\"", nm->oc.ops.name,
                         name ? name : "(null)");
    const mn_param_info *q = &nm->oc.params[p];
    if (q->kind != MN_PARAM_REAL)
        return mn__error(net->ctx, MN_ERR_INVALID,
                         "model %s: parameter %s is not real-valued and cannot vary", nm->oc.ops.name,
                         q->name);
    if (!(sigma >= 0.0) || !isfinite(sigma) || sigma > 10.0)
        return mn__error(net->ctx, MN_ERR_RANGE, "variability sigma = %g must be in [0, 10]", sigma);
    mn_status st = ensure_edge_values(net, nm, p);
    if (st != MN_OK) return st;
    mn__rng_state r;
    mn__rng_seed(&r, seed, UINT64_C(0x76617279) ^ ((uint64_t)k << 32) ^ ((uint64_t)p << 48));
    double *ev = nm->edge_values[p];
    for (size_t e = 0; e < net->m; e++) {
        if (net->edge_model[e] != (mn_index)k) continue;
        double f = exp(sigma * mn__rng_normal(&r) - 0.5 * sigma * sigma);
        double v = ev[e] * f;
        if (v < q->min_value) v = q->min_value;
        if (v > q->max_value) v = q->max_value;
        ev[e] = v;
    }
    net->prepared = 0;
    return MN_OK;
}

/* ------------------------------------------------------------------ layout and preparation */

static mn_status layout(mn_network *net)
{
    if (net->layout_ok) return MN_OK;
    mn_context *ctx = net->ctx;
    size_t m = net->m;
    for (size_t k = 0; k < net->n_models; k++) net->models[k]->n = 0;
    net->soff[0] = net->joff[0] = net->eoff[0] = 0;
    for (size_t e = 0; e < m; e++) {
        mn_index k = net->edge_model[e];
        size_t ns = 0, nev = 0;
        if (k >= 0) {
            mn__netmodel *nm = net->models[k];
            ns = nm->oc.ops.n_states;
            nev = (nm->oc.ops.flags & MN_MODEL_HAS_EVENTS) ? nm->oc.ops.n_events : 0;
            nm->n++;
        }
        net->soff[e + 1] = net->soff[e] + ns;
        net->joff[e + 1] = net->joff[e] + ns * ns;
        net->eoff[e + 1] = net->eoff[e] + nev;
    }
    net->n_states = net->soff[m];
    net->n_jac = net->joff[m];
    net->n_events = net->eoff[m];
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        mn__free(ctx, nm->edges);
        nm->edges = NULL;
        if (nm->n) {
            nm->edges = mn__malloc_or_err(ctx, nm->n, sizeof(mn_index), "model edge list");
            if (!nm->edges) return MN_ERR_NOMEM;
        }
        nm->n = 0;
    }
    for (size_t e = 0; e < m; e++) {
        mn_index k = net->edge_model[e];
        if (k >= 0) {
            mn__netmodel *nm = net->models[k];
            nm->edges[nm->n++] = (mn_index)e;
        }
    }
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        nm->contiguous = nm->n > 0 && (size_t)(nm->edges[nm->n - 1] - nm->edges[0]) + 1 == nm->n;
        nm->soff = nm->n ? net->soff[nm->edges[0]] : 0;
    }
    free_scratch(net); /* sizes depend on the groups */
    net->layout_ok = 1;
    net->prepared = 0;
    return MN_OK;
}

mn_status mn__network_prepare(mn_network *net)
{
    if (!net) return MN_ERR_INVALID;
    if (net->prepared && net->layout_ok && mn_graph_edge_count(net->g) == net->m) return MN_OK;
    mn_context *ctx = net->ctx;
    mn_status st = check_graph(net);
    if (st != MN_OK) return st;
    for (size_t e = 0; e < net->m; e++)
        if (net->edge_model[e] < 0)
            return mn__error(ctx, MN_ERR_STATE,
                             "edge %zu has no model (give every edge one with mn_network_assign)", e);
    st = layout(net);
    if (st != MN_OK) return st;
    const double *gl = mn_graph_edge_lengths(net->g);
    net->have_bounds = 0;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        const mn_model_ops *o = &nm->oc.ops;
        size_t n = nm->n, np = o->n_params;
        if (!n) continue;
        if (o->flags & MN_MODEL_NEEDS_LENGTH) {
            for (size_t i = 0; i < n; i++) {
                double L = gl ? gl[nm->edges[i]] : NAN;
                if (!(L > 0.0) || !isfinite(L))
                    return mn__error(ctx, MN_ERR_STATE,
                                     "edge %ld: model %s needs a gap length, but the edge has %g "
                                     "(set lengths with mn_graph_set_edge_lengths)",
                                     (long)nm->edges[i], o->name, L);
            }
        }
        size_t first = (size_t)nm->edges[0];
        for (size_t p = 0; p < np; p++) {
            mn__free(ctx, nm->plocal[p]);
            nm->plocal[p] = NULL;
            if (!nm->edge_values[p]) {
                nm->pptr[p] = &nm->values[p];
                nm->pstride[p] = 0;
            } else if (nm->contiguous) {
                nm->pptr[p] = nm->edge_values[p] + first;
                nm->pstride[p] = 1;
            } else {
                nm->plocal[p] = mn__malloc_or_err(ctx, n, sizeof(double), "gathered parameters");
                if (!nm->plocal[p]) return MN_ERR_NOMEM;
                for (size_t i = 0; i < n; i++) nm->plocal[p][i] = nm->edge_values[p][nm->edges[i]];
                nm->pptr[p] = nm->plocal[p];
                nm->pstride[p] = 1;
            }
        }
        mn__free(ctx, nm->len);
        nm->len = NULL;
        const double *len = NULL;
        if (gl) {
            if (nm->contiguous) {
                len = gl + first;
            } else {
                nm->len = mn__malloc_or_err(ctx, n, sizeof(double), "gathered lengths");
                if (!nm->len) return MN_ERR_NOMEM;
                for (size_t i = 0; i < n; i++) nm->len[i] = gl[nm->edges[i]];
                len = nm->len;
            }
        }
        if (o->create && !nm->has_data) {
            nm->model_data = o->create(nm->values, o->user_data);
            if (!nm->model_data)
                return mn__error(ctx, MN_ERR_INVALID, "model %s: create() failed", o->name);
            nm->has_data = 1;
        }
        mn_model_batch *b = &nm->batch;
        b->struct_size = sizeof *b;
        b->n = n;
        b->edge = nm->edges;
        b->param = nm->pptr;
        b->param_stride = nm->pstride;
        b->length = len;
        b->model_data = nm->model_data;
        if (o->validate) {
            char msg[256] = "";
            if (o->validate(b, msg, sizeof msg))
                return mn__error(ctx, MN_ERR_INVALID, "model %s: %s", o->name,
                                 msg[0] ? msg : "validate() refused the parameters");
        }
    }
    net->prepared = 1;
    return MN_OK;
}

/* Scratch buffers for gather/scatter and finite differences, allocated on first need. */
static mn_status ensure_scratch(mn_network *net)
{
    if (net->have_scratch) return MN_OK;
    mn_context *ctx = net->ctx;
    size_t s1 = 1, sj = 1, se = 1, sn = 1;
    for (size_t k = 0; k < net->n_models; k++) {
        const mn__netmodel *nm = net->models[k];
        size_t n = nm->n, ns = nm->oc.ops.n_states;
        size_t nev = (nm->oc.ops.flags & MN_MODEL_HAS_EVENTS) ? nm->oc.ops.n_events : 0;
        if (n * (ns ? ns : 1) > s1) s1 = n * (ns ? ns : 1);
        if (n * ns * ns > sj) sj = n * ns * ns;
        if (n * nev > se) se = n * nev;
        if (n > sn) sn = n;
    }
    size_t so = s1 > sj ? s1 : sj;
    if (se > so) so = se;
    net->gx = mn__malloc_or_err(ctx, s1, sizeof(double), "gather buffer");
    net->gV = mn__malloc_or_err(ctx, sn, sizeof(double), "gather buffer");
    net->gI = mn__malloc_or_err(ctx, sn, sizeof(double), "gather buffer");
    net->go = mn__malloc_or_err(ctx, so, sizeof(double), "gather buffer");
    net->fx = mn__malloc_or_err(ctx, s1, sizeof(double), "difference buffer");
    net->fp = mn__malloc_or_err(ctx, s1, sizeof(double), "difference buffer");
    net->fm = mn__malloc_or_err(ctx, s1, sizeof(double), "difference buffer");
    net->fV = mn__malloc_or_err(ctx, sn, sizeof(double), "difference buffer");
    net->gf = mn__malloc_or_err(ctx, se, sizeof(int), "event flags");
    if (!net->gx || !net->gV || !net->gI || !net->go || !net->fx || !net->fp || !net->fm ||
        !net->fV || !net->gf) {
        free_scratch(net);
        return MN_ERR_NOMEM;
    }
    net->have_scratch = 1;
    return MN_OK;
}

static mn_status ensure_bounds(mn_network *net)
{
    if (net->have_bounds) return MN_OK;
    mn_context *ctx = net->ctx;
    mn_status st = MN_OK;
    size_t ns_tot = net->n_states ? net->n_states : 1;
    if (!net->lo) net->lo = mn__malloc_or_err(ctx, ns_tot, sizeof(double), "state bounds");
    if (!net->hi) net->hi = mn__malloc_or_err(ctx, ns_tot, sizeof(double), "state bounds");
    if (!net->lo || !net->hi) return MN_ERR_NOMEM;
    for (size_t i = 0; i < net->n_states; i++) {
        net->lo[i] = -INFINITY;
        net->hi[i] = INFINITY;
    }
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        const mn_model_ops *o = &nm->oc.ops;
        size_t ns = o->n_states;
        if (!nm->n || !ns || !o->state_bounds) continue;
        if (nm->contiguous) {
            if (o->state_bounds(&nm->batch, net->lo + nm->soff, net->hi + nm->soff))
                return mn__error(ctx, MN_ERR_SOLVER, "model %s: state_bounds callback failed", o->name);
        } else {
            if ((st = ensure_scratch(net)) != MN_OK) return st;
            if (o->state_bounds(&nm->batch, net->fp, net->fm))
                return mn__error(ctx, MN_ERR_SOLVER, "model %s: state_bounds callback failed", o->name);
            for (size_t i = 0; i < nm->n; i++) {
                size_t off = net->soff[nm->edges[i]];
                for (size_t s = 0; s < ns; s++) {
                    net->lo[off + s] = net->fp[i * ns + s];
                    net->hi[off + s] = net->fm[i * ns + s];
                }
            }
        }
    }
    for (size_t i = 0; i < net->n_states; i++)
        if (isnan(net->lo[i]) || isnan(net->hi[i]) || net->lo[i] > net->hi[i]) {
            size_t e = 0;
            while (e < net->m && net->soff[e + 1] <= i) e++;
            return mn__error(ctx, MN_ERR_INVALID, "edge %zu: model %s gives state bounds [%g, %g]", e,
                             net->models[net->edge_model[e]]->oc.ops.name, net->lo[i], net->hi[i]);
        }
    net->have_bounds = 1;
    return MN_OK;
}

/* ------------------------------------------------------------------ gather / scatter */

static void gather_states(const mn_network *net, const mn__netmodel *nm, const double *x, double *buf)
{
    size_t ns = nm->oc.ops.n_states;
    for (size_t i = 0; i < nm->n; i++) memcpy(buf + i * ns, x + net->soff[nm->edges[i]], ns * sizeof(double));
}

static void scatter_states(const mn_network *net, const mn__netmodel *nm, const double *buf, double *x)
{
    size_t ns = nm->oc.ops.n_states;
    for (size_t i = 0; i < nm->n; i++) memcpy(x + net->soff[nm->edges[i]], buf + i * ns, ns * sizeof(double));
}

static void gather_edges(const mn__netmodel *nm, const double *a, double *buf)
{
    for (size_t i = 0; i < nm->n; i++) buf[i] = a[nm->edges[i]];
}

static mn_status cb_fail(mn_network *net, const mn__netmodel *nm, const char *what, int rc)
{
    return mn__error(net->ctx, MN_ERR_SOLVER,
                     "model %s: %s callback failed (returned %d) on %zu edges from edge %ld",
                     nm->oc.ops.name, what, rc, nm->n, (long)(nm->n ? nm->edges[0] : -1));
}

/* inputs of group nm: pointers into the caller's arrays or gathered copies */
static mn_status group_inputs(mn_network *net, const mn__netmodel *nm, const double *x,
                              const double *V, const double *I, const double **xg,
                              const double **Vg, const double **Ig)
{
    if (nm->contiguous) {
        size_t first = (size_t)nm->edges[0];
        if (xg) *xg = x ? x + nm->soff : NULL;
        if (Vg) *Vg = V ? V + first : NULL;
        if (Ig) *Ig = I ? I + first : NULL;
        return MN_OK;
    }
    mn_status st = ensure_scratch(net);
    if (st != MN_OK) return st;
    if (xg) {
        if (x) gather_states(net, nm, x, net->gx);
        *xg = x ? net->gx : NULL;
    }
    if (Vg) {
        if (V) gather_edges(nm, V, net->gV);
        *Vg = V ? net->gV : NULL;
    }
    if (Ig) {
        if (I) gather_edges(nm, I, net->gI);
        *Ig = I ? net->gI : NULL;
    }
    return MN_OK;
}

mn_status mn__network_conductances(mn_network *net, const double *x, double *G)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        if (!nm->n) continue;
        const double *xg;
        if ((st = group_inputs(net, nm, x, NULL, NULL, &xg, NULL, NULL)) != MN_OK) return st;
        double *out = nm->contiguous ? G + nm->edges[0] : net->go;
        int rc = mn__batch_call(net, nm, MN__CB_CONDUCTANCE, xg, NULL, NULL, 0.0, out);
        if (rc) return cb_fail(net, nm, "conductance", rc);
        if (!nm->contiguous)
            for (size_t i = 0; i < nm->n; i++) G[nm->edges[i]] = out[i];
    }
    return MN_OK;
}

mn_status mn__network_rates(mn_network *net, const double *x, const double *V, const double *I,
                            double *dxdt)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        if (!nm->n || !nm->oc.ops.n_states) continue;
        const double *xg, *Vg, *Ig;
        if ((st = group_inputs(net, nm, x, V, I, &xg, &Vg, &Ig)) != MN_OK) return st;
        double *out = nm->contiguous ? dxdt + nm->soff : net->go;
        int rc = mn__batch_call(net, nm, MN__CB_RATE, xg, Vg, Ig, 0.0, out);
        if (rc) return cb_fail(net, nm, "rate", rc);
        if (!nm->contiguous) scatter_states(net, nm, out, dxdt);
    }
    return MN_OK;
}

/* single-edge batch for edge e (its group's parameters at the right position) */
typedef struct edge_batch {
    mn_model_batch b;
    const double *pp[256];
    size_t ps[256];
    mn_index id;
    double len;
} edge_batch;

static const mn__netmodel *make_edge_batch(const mn_network *net, size_t e, edge_batch *eb)
{
    const mn__netmodel *nm = net->models[net->edge_model[e]];
    size_t loc;
    if (nm->contiguous) {
        loc = e - (size_t)nm->edges[0];
    } else { /* binary search in the sorted edge list */
        size_t lo = 0, hi = nm->n;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if ((size_t)nm->edges[mid] <= e) lo = mid;
            else hi = mid;
        }
        loc = lo;
    }
    for (size_t p = 0; p < nm->oc.ops.n_params; p++) {
        eb->pp[p] = nm->pptr[p] + loc * nm->pstride[p];
        eb->ps[p] = 0;
    }
    eb->id = (mn_index)e;
    eb->b.struct_size = sizeof eb->b;
    eb->b.n = 1;
    eb->b.edge = &eb->id;
    eb->b.param = eb->pp;
    eb->b.param_stride = eb->ps;
    eb->b.length = nm->batch.length ? &nm->batch.length[loc] : NULL;
    eb->b.model_data = nm->model_data;
    return nm;
}

mn_status mn__network_conductances_subset(mn_network *net, const double *x, const mn_index *edges,
                                          size_t n, double *G_out)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    for (size_t i = 0; i < n; i++) {
        if (edges[i] < 0 || (size_t)edges[i] >= net->m)
            return mn__error(net->ctx, MN_ERR_RANGE, "edge id %ld is not in [0, %zu)", (long)edges[i],
                             net->m);
        edge_batch eb;
        const mn__netmodel *nm = make_edge_batch(net, (size_t)edges[i], &eb);
        int rc = nm->oc.ops.conductance(&eb.b, x + net->soff[edges[i]], &G_out[i]);
        if (rc) return cb_fail(net, nm, "conductance", rc);
    }
    return MN_OK;
}

size_t mn__network_jac_count(mn_network *net)
{
    return net && layout(net) == MN_OK ? net->n_jac : 0;
}

const size_t *mn__network_jac_offsets(mn_network *net)
{
    return net && layout(net) == MN_OK ? net->joff : NULL;
}

/* finite-difference step of state s of batch edge i */
static double fd_step(const mn_network *net, const mn__netmodel *nm, size_t i, size_t s, double xv)
{
    size_t off = net->soff[nm->edges[i]] + s;
    double w = net->hi[off] - net->lo[off];
    double scale = (isfinite(w) && w > 0.0) ? w : 1.0;
    return FD_REL * (fabs(xv) + scale);
}

static mn_status group_derivatives(mn_network *net, mn__netmodel *nm, const double *x,
                                   const double *V, const double *I, double *J, double *dV,
                                   double *dI, double *dGdx)
{
    const mn_model_ops *o = &nm->oc.ops;
    size_t n = nm->n, ns = o->n_states;
    mn_status st;
    const double *xg, *Vg, *Ig;
    if ((st = group_inputs(net, nm, x, V, I, &xg, &Vg, &Ig)) != MN_OK) return st;
    const mn_model_batch *b = &nm->batch;
    int need_fd = (J && !o->rate_dx) || (dV && !o->rate_dV) || (dI && !o->rate_dI) ||
                  (dGdx && !o->conductance_dx);
    if (need_fd) {
        if ((st = ensure_scratch(net)) != MN_OK) return st;
        if ((st = ensure_bounds(net)) != MN_OK) return st;
    }
    int rc;
    if (J) {
        double *out = nm->contiguous ? J + net->joff[nm->edges[0]] : net->go;
        if (o->rate_dx) {
            if ((rc = mn__batch_call(net, nm, MN__CB_RATE_DX, xg, Vg, Ig, 0.0, out)))
                return cb_fail(net, nm, "rate_dx", rc);
        } else {
            for (size_t s = 0; s < ns; s++) {
                memcpy(net->fx, xg, n * ns * sizeof(double));
                for (size_t i = 0; i < n; i++) net->fx[i * ns + s] += fd_step(net, nm, i, s, xg[i * ns + s]);
                if ((rc = o->rate(b, net->fx, Vg, Ig, net->fp))) return cb_fail(net, nm, "rate", rc);
                for (size_t i = 0; i < n; i++) net->fx[i * ns + s] = xg[i * ns + s] - fd_step(net, nm, i, s, xg[i * ns + s]);
                if ((rc = o->rate(b, net->fx, Vg, Ig, net->fm))) return cb_fail(net, nm, "rate", rc);
                for (size_t i = 0; i < n; i++) {
                    double h = fd_step(net, nm, i, s, xg[i * ns + s]);
                    /* the perturbation actually applied (round-off in x +- h) */
                    double hp = (xg[i * ns + s] + h) - xg[i * ns + s];
                    double hm = xg[i * ns + s] - (xg[i * ns + s] - h);
                    for (size_t r = 0; r < ns; r++)
                        out[i * ns * ns + r * ns + s] = (net->fp[i * ns + r] - net->fm[i * ns + r]) / (hp + hm);
                }
            }
        }
        if (!nm->contiguous)
            for (size_t i = 0; i < n; i++)
                memcpy(J + net->joff[nm->edges[i]], out + i * ns * ns, ns * ns * sizeof(double));
    }
    for (int which = 0; which < 2; which++) { /* 0: dV, 1: dI */
        double *dst = which ? dI : dV;
        if (!dst) continue;
        int (*fn)(const mn_model_batch *, const double *, const double *, const double *, double *) =
            which ? o->rate_dI : o->rate_dV;
        double *out = nm->contiguous ? dst + nm->soff : net->go;
        if (fn) {
            if ((rc = mn__batch_call(net, nm, which ? MN__CB_RATE_DI : MN__CB_RATE_DV, xg, Vg, Ig, 0.0, out)))
                return cb_fail(net, nm, which ? "rate_dI" : "rate_dV", rc);
        } else {
            const double *a = which ? Ig : Vg;
            /* step FD_REL (|a| + s): s is a tenth of the batch's largest |V| or |I| (at least
             * 1e-3 V or 1e-12 A), so an edge at V = 0 or I = 0 still gets a step on the scale
             * of its neighbours' values and the difference is not drowned in round-off */
            double amax = 0.0;
            for (size_t i = 0; i < n; i++) amax = fmax(amax, fabs(a[i]));
            double floor_ = fmax(which ? 1e-12 : 1e-3, 0.1 * (isfinite(amax) ? amax : 0.0));
            for (size_t i = 0; i < n; i++) net->fV[i] = a[i] + FD_REL * (fabs(a[i]) + floor_);
            rc = o->rate(b, xg, which ? Vg : net->fV, which ? net->fV : Ig, net->fp);
            if (rc) return cb_fail(net, nm, "rate", rc);
            for (size_t i = 0; i < n; i++) net->fV[i] = a[i] - FD_REL * (fabs(a[i]) + floor_);
            rc = o->rate(b, xg, which ? Vg : net->fV, which ? net->fV : Ig, net->fm);
            if (rc) return cb_fail(net, nm, "rate", rc);
            for (size_t i = 0; i < n; i++) {
                double h = FD_REL * (fabs(a[i]) + floor_);
                double hh = (a[i] + h) - (a[i] - h);
                for (size_t r = 0; r < ns; r++) out[i * ns + r] = (net->fp[i * ns + r] - net->fm[i * ns + r]) / hh;
            }
        }
        if (!nm->contiguous) scatter_states(net, nm, out, dst);
    }
    if (dGdx) {
        double *out = nm->contiguous ? dGdx + nm->soff : net->go;
        if (o->conductance_dx) {
            if ((rc = mn__batch_call(net, nm, MN__CB_CONDUCTANCE_DX, xg, NULL, NULL, 0.0, out)))
                return cb_fail(net, nm, "conductance_dx", rc);
        } else {
            for (size_t s = 0; s < ns; s++) {
                memcpy(net->fx, xg, n * ns * sizeof(double));
                for (size_t i = 0; i < n; i++) net->fx[i * ns + s] += fd_step(net, nm, i, s, xg[i * ns + s]);
                if ((rc = o->conductance(b, net->fx, net->fp))) return cb_fail(net, nm, "conductance", rc);
                for (size_t i = 0; i < n; i++) net->fx[i * ns + s] = xg[i * ns + s] - fd_step(net, nm, i, s, xg[i * ns + s]);
                if ((rc = o->conductance(b, net->fx, net->fm))) return cb_fail(net, nm, "conductance", rc);
                for (size_t i = 0; i < n; i++) {
                    double h = fd_step(net, nm, i, s, xg[i * ns + s]);
                    double hh = (xg[i * ns + s] + h) - (xg[i * ns + s] - h);
                    out[i * ns + s] = (net->fp[i] - net->fm[i]) / hh;
                }
            }
        }
        if (!nm->contiguous) scatter_states(net, nm, out, dGdx);
    }
    return MN_OK;
}

mn_status mn__network_derivatives(mn_network *net, const double *x, const double *V,
                                  const double *I, double *J, double *dV, double *dI,
                                  double *dGdx)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        if (!nm->n || !nm->oc.ops.n_states) continue;
        if ((st = group_derivatives(net, nm, x, V, I, J, dV, dI, dGdx)) != MN_OK) return st;
    }
    return MN_OK;
}

mn_status mn__network_bounds(mn_network *net, double *lo, double *hi)
{
    mn_status st = mn__network_prepare(net);
    if (st == MN_OK) st = ensure_bounds(net);
    if (st != MN_OK) return st;
    if (lo) memcpy(lo, net->lo, net->n_states * sizeof(double));
    if (hi) memcpy(hi, net->hi, net->n_states * sizeof(double));
    return MN_OK;
}

mn_status mn__network_clamp(mn_network *net, double *x, size_t *n_clamped)
{
    mn_status st = mn__network_prepare(net);
    if (st == MN_OK) st = ensure_bounds(net);
    if (st != MN_OK) return st;
    size_t c = 0;
    const double *lo = net->lo, *hi = net->hi;
    for (size_t i = 0; i < net->n_states; i++) {
        double v = x[i];
        if (v < lo[i]) {
            x[i] = lo[i];
            c++;
        } else if (v > hi[i]) {
            x[i] = hi[i];
            c++;
        } else if (isnan(v)) {
            size_t e = 0;
            while (e < net->m && net->soff[e + 1] <= i) e++;
            return mn__error(net->ctx, MN_ERR_RANGE, "edge %zu: state %zu is NaN", e, i - net->soff[e]);
        }
    }
    if (n_clamped) *n_clamped = c;
    return MN_OK;
}

mn_status mn__network_exact_step(mn_network *net, double *x, const double *V, double dt,
                                 unsigned char *has_exact)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    if (!(dt >= 0.0) || !isfinite(dt))
        return mn__error(net->ctx, MN_ERR_RANGE, "exact step: dt = %g must be finite and >= 0", dt);
    if ((st = ensure_bounds(net)) != MN_OK) return st;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        const mn_model_ops *o = &nm->oc.ops;
        if (!nm->n) continue;
        int ok = o->n_states == 0 || o->exact_step != NULL;
        if (has_exact)
            for (size_t i = 0; i < nm->n; i++) has_exact[nm->edges[i]] = (unsigned char)ok;
        if (!o->n_states || !o->exact_step) continue;
        const double *xg, *Vg;
        if ((st = group_inputs(net, nm, x, V, NULL, &xg, &Vg, NULL)) != MN_OK) return st;
        double *xs = (double *)xg; /* our own copy or the caller's x */
        int rc = mn__batch_call(net, nm, MN__CB_EXACT, NULL, Vg, NULL, dt, xs);
        if (rc) return cb_fail(net, nm, "exact_step", rc);
        if (!nm->contiguous) scatter_states(net, nm, xs, x);
        size_t ns = o->n_states;
        for (size_t i = 0; i < nm->n; i++) {
            size_t off = net->soff[nm->edges[i]];
            for (size_t s = 0; s < ns; s++) {
                double *v = &x[off + s];
                if (*v < net->lo[off + s]) *v = net->lo[off + s];
                if (*v > net->hi[off + s]) *v = net->hi[off + s];
            }
        }
    }
    return MN_OK;
}

int mn__network_all_exact(mn_network *net)
{
    if (!net || layout(net) != MN_OK) return 0;
    int some = 0, all = 1;
    for (size_t k = 0; k < net->n_models; k++) {
        const mn__netmodel *nm = net->models[k];
        if (!nm->n || !nm->oc.ops.n_states) continue;
        if (nm->oc.ops.exact_step) some = 1;
        else all = 0;
    }
    return all ? 1 : (some ? -1 : 0);
}

size_t mn__network_event_count(mn_network *net)
{
    return net && layout(net) == MN_OK ? net->n_events : 0;
}

const size_t *mn__network_event_offsets(mn_network *net)
{
    return net && layout(net) == MN_OK ? net->eoff : NULL;
}

mn_status mn__network_event_fn(mn_network *net, const double *x, const double *V, const double *I,
                               double *g)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        const mn_model_ops *o = &nm->oc.ops;
        if (!nm->n || !(o->flags & MN_MODEL_HAS_EVENTS)) continue;
        const double *xg, *Vg, *Ig;
        if ((st = group_inputs(net, nm, x, V, I, &xg, &Vg, &Ig)) != MN_OK) return st;
        double *out = nm->contiguous ? g + net->eoff[nm->edges[0]] : net->go;
        int rc = mn__batch_call(net, nm, MN__CB_EVENT, xg, Vg, Ig, 0.0, out);
        if (rc) return cb_fail(net, nm, "event_fn", rc);
        if (!nm->contiguous) {
            size_t ne = o->n_events;
            for (size_t i = 0; i < nm->n; i++)
                memcpy(g + net->eoff[nm->edges[i]], out + i * ne, ne * sizeof(double));
        }
    }
    return MN_OK;
}

mn_status mn__network_event_apply(mn_network *net, const int *fired, double *x, mn_index *jumped,
                                  size_t *n_jumped, double *G_old, double *G_new)
{
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    if ((st = ensure_bounds(net)) != MN_OK) return st;
    size_t nj = 0;
    for (size_t e = 0; e < net->m; e++) {
        size_t a = net->eoff[e], z = net->eoff[e + 1];
        int any = 0;
        for (size_t j = a; j < z; j++) any |= fired[j] != 0;
        if (!any) continue;
        edge_batch eb;
        const mn__netmodel *nm = make_edge_batch(net, e, &eb);
        const mn_model_ops *o = &nm->oc.ops;
        double *xe = x + net->soff[e], g0, g1;
        int rc = o->conductance(&eb.b, xe, &g0);
        if (rc) return cb_fail(net, nm, "conductance", rc);
        rc = o->event_apply(&eb.b, fired + a, xe);
        if (rc) return cb_fail(net, nm, "event_apply", rc);
        for (size_t s = 0; s < o->n_states; s++) {
            size_t off = net->soff[e] + s;
            if (xe[s] < net->lo[off]) xe[s] = net->lo[off];
            if (xe[s] > net->hi[off]) xe[s] = net->hi[off];
        }
        rc = o->conductance(&eb.b, xe, &g1);
        if (rc) return cb_fail(net, nm, "conductance", rc);
        if (g1 != g0) {
            if (jumped) jumped[nj] = (mn_index)e;
            if (G_old) G_old[nj] = g0;
            if (G_new) G_new[nj] = g1;
            nj++;
        }
    }
    if (n_jumped) *n_jumped = nj;
    return MN_OK;
}

size_t mn__network_model_edge_count(const mn_network *net, size_t k)
{
    if (!net || k >= net->n_models || layout((mn_network *)net) != MN_OK) return 0;
    return net->models[k]->n;
}

/* ------------------------------------------------------------------ public evaluation */

size_t mn_network_state_count(const mn_network *net)
{
    return net && layout((mn_network *)net) == MN_OK ? net->n_states : 0;
}

const size_t *mn_network_state_offsets(const mn_network *net)
{
    return net && layout((mn_network *)net) == MN_OK ? net->soff : NULL;
}

mn_status mn_network_initial_state(const mn_network *cnet, double *x)
{
    mn_network *net = (mn_network *)cnet; /* preparation only fills caches */
    if (!net) return MN_ERR_INVALID;
    if (!x) return mn__error(net->ctx, MN_ERR_INVALID, "mn_network_initial_state: x is NULL");
    mn_status st = mn__network_prepare(net);
    if (st != MN_OK) return st;
    memset(x, 0, net->n_states * sizeof(double));
    for (size_t k = 0; k < net->n_models; k++) {
        mn__netmodel *nm = net->models[k];
        const mn_model_ops *o = &nm->oc.ops;
        if (!nm->n || !o->n_states || !o->initial_state) continue;
        double *out;
        if (nm->contiguous) {
            out = x + nm->soff;
        } else {
            if ((st = ensure_scratch(net)) != MN_OK) return st;
            out = net->go;
        }
        int rc = o->initial_state(&nm->batch, out);
        if (rc) return cb_fail(net, nm, "initial_state", rc);
        if (!nm->contiguous) scatter_states(net, nm, out, x);
    }
    return MN_OK;
}

mn_status mn_network_conductances(mn_network *net, const double *x, double *G)
{
    if (!net) return MN_ERR_INVALID;
    if ((!x && mn_network_state_count(net) > 0) || !G)
        return mn__error(net->ctx, MN_ERR_INVALID, "mn_network_conductances: NULL array");
    return mn__network_conductances(net, x, G);
}

mn_status mn_network_rates(mn_network *net, const double *x, const double *V, const double *I,
                           double *dxdt)
{
    if (!net) return MN_ERR_INVALID;
    if (mn_network_state_count(net) > 0 && (!x || !V || !I || !dxdt))
        return mn__error(net->ctx, MN_ERR_INVALID, "mn_network_rates: NULL array");
    return mn__network_rates(net, x, V, I, dxdt);
}
