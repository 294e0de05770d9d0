/* Model instances: validated copies of ops tables and named parameters. */
#include "models/models-impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* smallest caller table we accept: everything up to and including `rate` */
#define MN__OPS_MIN_SIZE (offsetof(mn_model_ops, rate) + sizeof(((mn_model_ops *)0)->rate))
#define MN__PARAM_MIN_SIZE (offsetof(mn_param_info, choices) + sizeof(const char *const *))

static size_t n_choices(const mn_param_info *p)
{
    size_t n = 0;
    if (p->choices)
        while (p->choices[n]) n++;
    return n;
}

mn_status mn__ops_copy_init(mn_context *ctx, mn__ops_copy *oc, const mn_model_ops *ops)
{
    memset(oc, 0, sizeof *oc);
    if (!ops) return mn__error(ctx, MN_ERR_INVALID, "model ops table is NULL");
    if (ops->struct_size < MN__OPS_MIN_SIZE || ops->struct_size > (1u << 20))
        return mn__error(ctx, MN_ERR_INVALID,
                         "model ops table: struct_size %zu is not a size of mn_model_ops "
                         "(use MN_MODEL_OPS_INIT)",
                         ops->struct_size);
    size_t k = ops->struct_size < sizeof(mn_model_ops) ? ops->struct_size : sizeof(mn_model_ops);
    memcpy(&oc->ops, ops, k); /* the rest stays zero */
    oc->ops.struct_size = sizeof(mn_model_ops);
    mn_model_ops *o = &oc->ops;
    const char *nm = o->name;
    if (!nm || !*nm) return mn__error(ctx, MN_ERR_INVALID, "model ops table: name is missing");
    for (const char *c = nm; *c; c++)
        if (*c == ' ' || *c == '\t' || *c == '=' || *c == '\n')
            return mn__error(ctx, MN_ERR_INVALID, "model \"%s\": name must not contain blanks or '='",
                             nm);
    if (!o->conductance)
        return mn__error(ctx, MN_ERR_INVALID, "model %s: conductance callback is required", nm);
    if (o->n_states > 0 && !o->rate)
        return mn__error(ctx, MN_ERR_INVALID, "model %s: rate callback is required (n_states = %zu)",
                         nm, o->n_states);
    if (o->n_states > 64)
        return mn__error(ctx, MN_ERR_INVALID, "model %s: n_states = %zu exceeds 64", nm, o->n_states);
    if (o->n_params > 0 && !o->params)
        return mn__error(ctx, MN_ERR_INVALID, "model %s: n_params = %zu but params is NULL", nm,
                         o->n_params);
    if (o->n_params > 256)
        return mn__error(ctx, MN_ERR_INVALID, "model %s: n_params = %zu exceeds 256", nm, o->n_params);
    if ((o->flags & MN_MODEL_HAS_EVENTS) || o->n_events > 0) {
        if (o->n_events == 0 || !o->event_fn || !o->event_apply)
            return mn__error(ctx, MN_ERR_INVALID,
                             "model %s: events need MN_MODEL_HAS_EVENTS, n_events > 0, event_fn "
                             "and event_apply (n_events = %zu)",
                             nm, o->n_events);
        if (o->n_events > 64)
            return mn__error(ctx, MN_ERR_INVALID, "model %s: n_events = %zu exceeds 64", nm,
                             o->n_events);
        o->flags |= MN_MODEL_HAS_EVENTS;
    }
    if (o->n_params) {
        /* the caller's array stride is its own sizeof(mn_param_info): params[0].struct_size */
        size_t stride = o->params[0].struct_size;
        if (stride < MN__PARAM_MIN_SIZE || stride > 4096)
            return mn__error(ctx, MN_ERR_INVALID,
                             "model %s: parameter table struct_size %zu is not a size of "
                             "mn_param_info",
                             nm, stride);
        oc->params = mn__calloc_or_err(ctx, o->n_params, sizeof(mn_param_info), "parameter table");
        if (!oc->params) return MN_ERR_NOMEM;
        size_t kk = stride < sizeof(mn_param_info) ? stride : sizeof(mn_param_info);
        for (size_t p = 0; p < o->n_params; p++) {
            const mn_param_info *src =
                (const mn_param_info *)(const void *)((const char *)o->params + p * stride);
            memcpy(&oc->params[p], src, kk);
            oc->params[p].struct_size = sizeof(mn_param_info);
        }
        o->params = oc->params;
        for (size_t p = 0; p < o->n_params; p++) {
            const mn_param_info *q = &oc->params[p];
            mn_status st = MN_OK;
            if (!q->name || !*q->name)
                st = mn__error(ctx, MN_ERR_INVALID, "model %s: parameter %zu has no name", nm, p);
            else if (q->kind < MN_PARAM_REAL || q->kind > MN_PARAM_CHOICE)
                st = mn__error(ctx, MN_ERR_INVALID, "model %s: parameter %s has unknown kind %d", nm,
                               q->name, q->kind);
            else if (q->kind == MN_PARAM_CHOICE && n_choices(q) == 0)
                st = mn__error(ctx, MN_ERR_INVALID, "model %s: choice parameter %s has no choices",
                               nm, q->name);
            else if (isnan(q->min_value) || isnan(q->max_value) || q->min_value > q->max_value)
                st = mn__error(ctx, MN_ERR_INVALID, "model %s: parameter %s has range [%g, %g]", nm,
                               q->name, q->min_value, q->max_value);
            else if (!(q->default_value >= q->min_value && q->default_value <= q->max_value))
                st = mn__error(ctx, MN_ERR_INVALID,
                               "model %s: parameter %s default %g is outside [%g, %g]", nm,
                               q->name, q->default_value, q->min_value, q->max_value);
            else if (q->kind == MN_PARAM_CHOICE &&
                     (q->default_value != floor(q->default_value) ||
                      q->default_value >= (double)n_choices(q)))
                st = mn__error(ctx, MN_ERR_INVALID, "model %s: parameter %s default %g is not a choice",
                               nm, q->name, q->default_value);
            for (size_t r = 0; st == MN_OK && r < p; r++)
                if (!strcmp(oc->params[r].name, q->name))
                    st = mn__error(ctx, MN_ERR_INVALID, "model %s: parameter %s is declared twice",
                                   nm, q->name);
            if (st != MN_OK) {
                mn__ops_copy_free(ctx, oc);
                return st;
            }
        }
    } else {
        o->params = NULL;
    }
    return MN_OK;
}

void mn__ops_copy_free(mn_context *ctx, mn__ops_copy *oc)
{
    if (!oc) return;
    mn__free(ctx, oc->params);
    oc->params = NULL;
    oc->ops.params = NULL;
}

int mn__param_index(const mn__ops_copy *oc, const char *name)
{
    if (!name) return -1;
    for (size_t p = 0; p < oc->ops.n_params; p++)
        if (!strcmp(oc->params[p].name, name)) return (int)p;
    const char *alias = mn__param_alias(name); /* "kP0" for "k_p" and back */
    if (alias)
        for (size_t p = 0; p < oc->ops.n_params; p++)
            if (!strcmp(oc->params[p].name, alias)) return (int)p;
    return -1;
}

mn_status mn__param_check(mn_context *ctx, const mn__ops_copy *oc, int p, double value,
                          const char *prefix)
{
    const mn_param_info *q = &oc->params[p];
    const char *nm = oc->ops.name;
    /* name both spellings of a shared parameter: the user may have typed either */
    char qn[96];
    const char *alias = mn__param_alias(q->name);
    snprintf(qn, sizeof qn, "%s%s%s%s", q->name, alias ? " (alias " : "", alias ? alias : "",
             alias ? ")" : "");
    if (isnan(value))
        return mn__error(ctx, MN_ERR_RANGE, "%smodel %s: parameter %s = %g is not a number", prefix,
                         nm, qn, value);
    if (value < q->min_value || value > q->max_value)
        return mn__error(ctx, MN_ERR_RANGE, "%smodel %s: parameter %s = %g is outside [%g, %g]",
                         prefix, nm, qn, value, q->min_value, q->max_value);
    if ((q->kind == MN_PARAM_INT || q->kind == MN_PARAM_CHOICE) && value != floor(value))
        return mn__error(ctx, MN_ERR_RANGE, "%smodel %s: parameter %s = %g must be an integer",
                         prefix, nm, qn, value);
    if (q->kind == MN_PARAM_CHOICE && value >= (double)n_choices(q))
        return mn__error(ctx, MN_ERR_RANGE, "%smodel %s: parameter %s = %g is not a choice index",
                         prefix, nm, qn, value);
    return MN_OK;
}

static mn_status model_new(mn_model **out, mn_context *ctx, const mn_model_ops *ops)
{
    mn_status st = MN_OK;
    mn_model *m = NULL;
    m = mn__calloc_or_err(ctx, 1, sizeof *m, "model");
    if (!m) return MN_ERR_NOMEM;
    m->ctx = ctx;
    MN__TRY(mn__ops_copy_init(ctx, &m->oc, ops));
    if (m->oc.ops.n_params) {
        m->values = mn__malloc_or_err(ctx, m->oc.ops.n_params, sizeof(double), "parameter values");
        if (!m->values) MN__FAIL(MN_ERR_NOMEM);
        for (size_t p = 0; p < m->oc.ops.n_params; p++) m->values[p] = m->oc.params[p].default_value;
    }
    *out = m;
    return MN_OK;
cleanup:
    mn_model_free(m);
    return st;
}

mn_status mn_model_new(mn_model **out, mn_context *ctx, const char *name)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_model_new: out is NULL");
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    const mn_model_ops *ops = mn_model_find(name);
    if (!ops) {
        char known[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < mn_model_builtin_count(); i++) {
            int w = snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                             mn_model_builtin(i)->name);
            if (w < 0 || (size_t)w >= sizeof known - len) break;
            len += (size_t)w;
        }
        return mn__error(ctx, MN_ERR_NOT_FOUND, "unknown model \"%s\" (known: %s)",
                         name ? name : "(null)", known);
    }
    return model_new(out, ctx, ops);
}

mn_status mn_model_new_custom(mn_model **out, mn_context *ctx, const mn_model_ops *ops)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_model_new_custom: out is NULL");
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    return model_new(out, ctx, ops);
}

void mn_model_free(mn_model *m)
{
    if (!m) return;
    mn__ops_copy_free(m->ctx, &m->oc);
    mn__free(m->ctx, m->values);
    mn__free(m->ctx, m);
}

const mn_model_ops *mn_model_ops_of(const mn_model *m) { return m ? &m->oc.ops : NULL; }

static mn_status unknown_param(mn_context *ctx, const mn__ops_copy *oc, const char *name)
{
    char known[512] = "";
    size_t len = 0;
    for (size_t p = 0; p < oc->ops.n_params; p++) {
        int w = snprintf(known + len, sizeof known - len, "%s%s", p ? " " : "", oc->params[p].name);
        if (w < 0 || (size_t)w >= sizeof known - len) break;
        len += (size_t)w;
    }
    return mn__error(ctx, MN_ERR_NOT_FOUND, "model %s has no parameter \"%s\" (parameters: %s)",
                     oc->ops.name, name ? name : "(null)", oc->ops.n_params ? known : "none");
}

mn_status mn_model_set(mn_model *m, const char *name, double value)
{
    if (!m) return MN_ERR_INVALID;
    int p = mn__param_index(&m->oc, name);
    if (p < 0) return unknown_param(m->ctx, &m->oc, name);
    mn_status st = mn__param_check(m->ctx, &m->oc, p, value, "");
    if (st != MN_OK) return st;
    m->values[p] = value;
    return MN_OK;
}

/* parse a parameter value from text: a number, or for choices a choice name (or its index) */
static mn_status parse_value(mn_context *ctx, const mn__ops_copy *oc, int p, const char *text,
                             double *out)
{
    const mn_param_info *q = &oc->params[p];
    if (!text) return mn__error(ctx, MN_ERR_PARSE, "model %s: parameter %s: no value", oc->ops.name,
                                q->name);
    if (q->kind == MN_PARAM_CHOICE) {
        for (size_t c = 0; q->choices[c]; c++)
            if (!strcmp(q->choices[c], text)) {
                *out = (double)c;
                return MN_OK;
            }
    }
    char *end;
    errno = 0;
    mn__c_locale loc; /* "0.5" whatever the process locale (lib/core/locale.c) */
    int c_loc = mn__c_locale_begin(&loc) == 0;
    double v = strtod(text, &end);
    if (c_loc) mn__c_locale_end(&loc);
    while (*end == ' ' || *end == '\t') end++;
    if (end == text || *end || !*text) {
        if (q->kind == MN_PARAM_CHOICE) {
            char known[256] = "";
            size_t len = 0;
            for (size_t c = 0; q->choices[c]; c++) {
                int w = snprintf(known + len, sizeof known - len, "%s%s", c ? ", " : "",
                                 q->choices[c]);
                if (w < 0 || (size_t)w >= sizeof known - len) break;
                len += (size_t)w;
            }
            return mn__error(ctx, MN_ERR_PARSE, "model %s: parameter %s = \"%s\" is not one of %s",
                             oc->ops.name, q->name, text, known);
        }
        return mn__error(ctx, MN_ERR_PARSE, "model %s: parameter %s = \"%s\" is not a number",
                         oc->ops.name, q->name, text);
    }
    *out = v;
    return MN_OK;
}

mn_status mn_model_set_text(mn_model *m, const char *name, const char *text)
{
    if (!m) return MN_ERR_INVALID;
    int p = mn__param_index(&m->oc, name);
    if (p < 0) return unknown_param(m->ctx, &m->oc, name);
    double v;
    mn_status st = parse_value(m->ctx, &m->oc, p, text, &v);
    if (st != MN_OK) return st;
    return mn_model_set(m, name, v);
}

mn_status mn_model_set_assignment(mn_model *m, const char *assignment)
{
    if (!m) return MN_ERR_INVALID;
    if (!assignment) return mn__error(m->ctx, MN_ERR_PARSE, "parameter assignment is NULL");
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return mn__error(m->ctx, MN_ERR_PARSE,
                         "parameter assignment \"%s\" is not of the form NAME=VALUE", assignment);
    char name[128];
    size_t n = (size_t)(eq - assignment);
    if (n >= sizeof name)
        return mn__error(m->ctx, MN_ERR_PARSE, "parameter name in \"%s\" is too long", assignment);
    memcpy(name, assignment, n);
    name[n] = '\0';
    return mn_model_set_text(m, name, eq + 1);
}

mn_status mn_model_get(const mn_model *m, const char *name, double *value)
{
    if (!m || !value) return MN_ERR_INVALID;
    int p = mn__param_index(&m->oc, name);
    if (p < 0) return unknown_param(m->ctx, &m->oc, name);
    *value = m->values[p];
    return MN_OK;
}
