/* Layout of model instances and networks, shared by the files of lib/models only. */
#ifndef MEMNET_MODELS_IMPL_H
#define MEMNET_MODELS_IMPL_H

#include "models/models-private.h"

/* A validated copy of an ops table with its own parameter table. */
typedef struct mn__ops_copy {
    mn_model_ops ops;          /* ops.params points at `params` below */
    mn_param_info *params;     /* library copy of the parameter table (n_params) */
} mn__ops_copy;

struct mn_model {
    mn_context *ctx;
    mn__ops_copy oc;
    double *values; /* n_params */
};

/* One model of a network: parameters, per-edge overrides, its edge group, batch buffers. */
typedef struct mn__netmodel {
    mn__ops_copy oc;
    double *values;         /* shared parameter values (n_params) */
    double **edge_values;   /* per parameter: NULL or edge-count values indexed by global edge */
    void *model_data;       /* from ops.create, made at prepare */
    int has_data;

    /* group, rebuilt by prepare */
    size_t n;               /* edges of this model */
    mn_index *edges;        /* their ids in increasing order (n) */
    int contiguous;         /* edges == first .. first + n - 1 and their states are contiguous */
    size_t soff;            /* global offset of the first state when contiguous */
    const double **pptr;    /* batch parameter pointers (n_params) */
    size_t *pstride;        /* 0 or 1 (n_params) */
    double **plocal;        /* gathered per-edge parameters for non-contiguous groups */
    double *len;            /* gathered lengths (non-contiguous) or NULL */
    mn_model_batch batch;
} mn__netmodel;

struct mn_network {
    mn_context *ctx;
    mn_graph *g;
    size_t m;               /* edge count at creation */
    mn_index *edge_model;   /* m values, -1 = none */
    size_t n_models, cap_models;
    mn__netmodel **models;

    /* layout, rebuilt by prepare */
    int prepared;
    int layout_ok;          /* offsets valid (depend only on the edge models) */
    size_t *soff;           /* m + 1 */
    size_t n_states;
    size_t *joff;           /* m + 1 */
    size_t n_jac;
    size_t *eoff;           /* m + 1 */
    size_t n_events;
    /* scratch (allocated on first need, sized for the largest group) */
    int have_scratch;
    double *gx, *gV, *gI, *go;   /* gathered inputs and outputs */
    double *fx, *fp, *fm, *fV;   /* finite differences */
    int *gf;                     /* gathered event flags */
    /* cached state bounds (state-count each) */
    int have_bounds;
    double *lo, *hi;
    int batch_threads;      /* threads of a split batch: 0 the pool's choice, else forced */
};

/* The callbacks of a model's batch (batch-threads.c). */
typedef enum mn__cb_kind {
    MN__CB_CONDUCTANCE, MN__CB_CONDUCTANCE_DX, MN__CB_RATE, MN__CB_RATE_DX, MN__CB_RATE_DV,
    MN__CB_RATE_DI, MN__CB_EXACT, MN__CB_EVENT
} mn__cb_kind;
/* Call callback `kind` of group nm on its whole batch: x (n_states values per edge), V, I (one
 * per edge; NULL where the callback takes none), dt (exact step), out (the callback's output,
 * n times its values per edge; the states themselves for the exact step). Split over the
 * threads of the network's context for a model with MN_MODEL_REENTRANT and a large batch,
 * with the same results bit for bit. Returns the callback's code (the first nonzero one of the
 * ranges in order). */
int mn__batch_call(mn_network *net, const mn__netmodel *nm, mn__cb_kind kind, const double *x,
                   const double *V, const double *I, double dt, double *out);

/* Validate `ops` and copy it (by struct_size) into `oc`. */
mn_status mn__ops_copy_init(mn_context *ctx, mn__ops_copy *oc, const mn_model_ops *ops);
void mn__ops_copy_free(mn_context *ctx, mn__ops_copy *oc);
/* index of parameter `name`, or -1 */
int mn__param_index(const mn__ops_copy *oc, const char *name);
/* check a value for parameter p of a model: MN_OK or MN_ERR_RANGE with a message naming the
 * model, the parameter and the value (prefix e.g. "edge 7: ", may be "") */
mn_status mn__param_check(mn_context *ctx, const mn__ops_copy *oc, int p, double value,
                          const char *prefix);

/* Built-in models in files of their own (builtin.c registers them). */
extern const mn_model_ops mn__atomic_switch_ops;  /* atomic_switch.c */
extern const mn_model_ops mn__tunnel_switch_ops;  /* tunnel_switch.c */
extern const mn_model_ops mn__vteam_ops;          /* vteam.c */

/* The filament-state callbacks shared by atomic_switch and tunnel_switch (kuncic-filament.c). */
int mn__kf_validate(const mn_model_batch *b, char *msg, size_t sz);
int mn__kf_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                double *r);
int mn__kf_rate_dx(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *J);
int mn__kf_rate_dV(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out);
int mn__kf_rate_dI(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out);
int mn__kf_exact(const mn_model_batch *b, double *x, const double *V, double dt);
int mn__kf_bounds(const mn_model_batch *b, double *lo, double *hi);

#endif
