/*
 * A model's batched callbacks over the threads of the network's context (models-impl.h,
 * mn__batch_call). The evaluations of network.c (conductances, rates, their partials, the
 * exact step, the event functions) go through here.
 *
 * A batch of a model that declares its callbacks reentrant (MN_MODEL_REENTRANT: every built-in
 * model) is split, above the pool's crossover (mn__pool_threads), into one fixed range of
 * edges per thread: equal lengths rounded up to multiples of 8 edges, the last range shorter.
 * Each range is the model's own batch restricted to those edges (the parameter pointers, edge
 * ids and lengths offset, the same model data), so each edge's outputs are computed by the
 * same operations as in one call, and the results are the same bits for every thread count.
 * A failing callback returns its code for the first failing range in range order. Other
 * models, and small batches, are called once on the calling thread.
 */
#include "models/models-impl.h"

#define CB_MAXT 16 /* threads a batch is split over at most */

typedef struct cb_job {
    const mn__netmodel *nm;
    mn__cb_kind kind;
    const double *x, *V, *I;
    double *out;
    double dt;
    size_t xw, ow; /* values per edge of x and of out */
    int rc[CB_MAXT];
} cb_job;

/* values per edge of the output of a callback kind */
static size_t out_width(const mn_model_ops *o, mn__cb_kind kind)
{
    size_t ns = o->n_states;
    switch (kind) {
    case MN__CB_CONDUCTANCE: return 1;
    case MN__CB_RATE_DX: return ns * ns;
    case MN__CB_EVENT: return o->n_events;
    default: return ns;
    }
}

/* call the callback on edges [lo, lo + n) of the batch b (n = b->n when b is the whole batch) */
static int call_range(const mn_model_ops *o, const mn_model_batch *b, const cb_job *j, size_t lo)
{
    const double *x = j->x ? j->x + lo * j->xw : NULL;
    const double *V = j->V ? j->V + lo : NULL, *I = j->I ? j->I + lo : NULL;
    double *out = j->out + lo * j->ow;
    switch (j->kind) {
    case MN__CB_CONDUCTANCE: return o->conductance(b, x, out);
    case MN__CB_CONDUCTANCE_DX: return o->conductance_dx(b, x, out);
    case MN__CB_RATE: return o->rate(b, x, V, I, out);
    case MN__CB_RATE_DX: return o->rate_dx(b, x, V, I, out);
    case MN__CB_RATE_DV: return o->rate_dV(b, x, V, I, out);
    case MN__CB_RATE_DI: return o->rate_dI(b, x, V, I, out);
    case MN__CB_EXACT: return o->exact_step(b, out, V, j->dt);
    case MN__CB_EVENT: return o->event_fn(b, x, V, I, out);
    }
    return -1;
}

static void cb_work(void *arg, int tid, int nt)
{
    cb_job *j = arg;
    const mn__netmodel *nm = j->nm;
    const mn_model_batch *whole = &nm->batch;
    size_t lo, hi;
    mn__pool_block(whole->n, tid, nt, &lo, &hi);
    j->rc[tid] = 0;
    if (lo == hi) return;
    size_t np = nm->oc.ops.n_params;
    const double *pp[256]; /* n_params <= 256 (model.c) */
    for (size_t p = 0; p < np; p++) pp[p] = whole->param[p] + lo * whole->param_stride[p];
    mn_model_batch b = *whole;
    b.n = hi - lo;
    b.edge = whole->edge ? whole->edge + lo : NULL;
    b.param = pp;
    b.length = whole->length ? whole->length + lo : NULL;
    j->rc[tid] = call_range(&nm->oc.ops, &b, j, lo);
}

/* the cost per edge of a callback kind in the pool's unit, bytes touched by a streaming
 * kernel of the same time: a conductance reads a state and writes a value; a rate or its
 * partials take an exponential per edge (~15 ns, the time to stream ~128 bytes) */
static size_t cost_per_edge(mn__cb_kind kind)
{
    return kind == MN__CB_CONDUCTANCE || kind == MN__CB_CONDUCTANCE_DX ? 24 : 128;
}
/* below this many edges a batch is evaluated in one call whatever the setting */
#define CB_MIN_EDGES 4096

int mn__batch_call(mn_network *net, const mn__netmodel *nm, mn__cb_kind kind, const double *x,
                   const double *V, const double *I, double dt, double *out)
{
    const mn_model_ops *o = &nm->oc.ops;
    cb_job j = { .nm = nm, .kind = kind, .x = x, .V = V, .I = I, .out = out, .dt = dt,
                 .xw = o->n_states, .ow = out_width(o, kind) };
    size_t n = nm->batch.n;
    int nt = 1;
    if (o->flags & MN_MODEL_REENTRANT) {
        nt = net->batch_threads > 0 ? net->batch_threads
                                    : mn__pool_threads(net->ctx, n * cost_per_edge(kind));
        if (nt > CB_MAXT) nt = CB_MAXT;
        if (n < CB_MIN_EDGES && net->batch_threads <= 0) nt = 1;
        if ((size_t)nt * 8 > n) nt = 1;
    }
    if (nt <= 1) return call_range(o, &nm->batch, &j, 0);
    mn__pool_run(net->ctx, nt, cb_work, &j);
    for (int t = 0; t < nt; t++)
        if (j.rc[t]) return j.rc[t];
    return 0;
}

void mn__network_set_batch_threads(mn_network *net, int n)
{
    if (net) net->batch_threads = n > 0 ? n : 0;
}
