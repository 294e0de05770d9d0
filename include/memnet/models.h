/**
 * @file models.h
 * @brief Memristor models as batched vtables, model instances with named parameters, and
 *        networks (a graph plus the model of every edge).
 *
 * A model is an ::mn_model_ops table. Its callbacks are batched: each call covers `n` edges
 * of one model with contiguous arrays (states, voltages, currents, outputs), so the indirect
 * call cost is spread out and the loops vectorise. Built-in models (miranda, hillock,
 * strukov_hp, strukov_cb, filament, resistor, atomic_switch, tunnel_switch, vteam) use exactly
 * this public table, so a user's model is a first-class citizen.
 *
 * Conventions (docs/models.md): SI units; each edge e has orientation u -> v,
 * V_e = phi_u - phi_v and I_e = G_e (V_e + S_e) with S_e an optional series EMF.
 * A model has `n_states` states per edge, stored edge-major (edge i of a batch owns
 * x[i*n_states .. i*n_states + n_states - 1]).
 *
 * Threads: a model or network is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_MODELS_H
#define MEMNET_MODELS_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

/* ------------------------------------------------------------------------- parameters */

/** @brief Kind of a model parameter. */
typedef enum mn_param_kind {
    MN_PARAM_REAL = 0,   /**< a real number in [min, max] */
    MN_PARAM_INT = 1,    /**< an integer (stored as double) in [min, max]; flags such as unipolar */
    MN_PARAM_CHOICE = 2  /**< one of `choices` by name; stored as its index (0, 1, ...) */
} mn_param_kind;

/**
 * @brief Description of one model parameter. Versioned extension struct (first member its
 *        size); declared in static tables by model implementations.
 */
typedef struct mn_param_info {
    size_t struct_size;          /**< sizeof(mn_param_info) */
    const char *name;            /**< name used by mn_model_set() ("kP0") */
    const char *unit;            /**< SI unit text ("1/s", "V", "S", "1/pd", "" if none) */
    const char *description;     /**< one line, with its source ("003 Table 1") */
    int kind;                    /**< an ::mn_param_kind */
    double default_value;        /**< default (index for choices) */
    double min_value;            /**< smallest valid value (inclusive) */
    double max_value;            /**< largest valid value (inclusive) */
    const char *const *choices;  /**< NULL-terminated names for #MN_PARAM_CHOICE, else NULL */
} mn_param_info;

/* ------------------------------------------------------------------------- the batch */

/**
 * @brief What a batched callback sees of its `n` edges. Built by the library; read-only for
 *        the model. Versioned (first member its size): models must not read members beyond
 *        `struct_size`.
 *
 * Parameter p of edge i is `param[p][i * param_stride[p]]`: the stride is 0 when all edges
 * share one value and 1 when values differ per edge (overrides or variability).
 */
typedef struct mn_model_batch {
    size_t struct_size;           /**< sizeof(mn_model_batch) */
    size_t n;                     /**< number of edges in the batch */
    const mn_index *edge;         /**< global edge ids (for messages), n values */
    const double *const *param;   /**< param[p] for each parameter of the model */
    const size_t *param_stride;   /**< 0 or 1 per parameter */
    const double *length;         /**< edge lengths / gaps (n values) or NULL if none */
    void *model_data;             /**< the model's own data (see mn_model_ops.create) or NULL */
} mn_model_batch;

/** @brief Read parameter p of batch edge i (see ::mn_model_batch). */
#define MN_PARAM(b, p, i) ((b)->param[(p)][(size_t)(i) * (b)->param_stride[(p)]])

/* ------------------------------------------------------------------------- the ops table */

/** @brief Flags of a model (mn_model_ops.flags). */
enum {
    MN_MODEL_NEEDS_LENGTH = 1u << 0, /**< every edge must have a length (gap D or L) */
    MN_MODEL_HAS_EVENTS = 1u << 1,   /**< discrete switching through event functions */
    /** The callbacks may run at the same time in several threads on disjoint parts of one batch
     *  (they write only their outputs and keep no state of their own; model_data is only read).
     *  memnet then splits large batches over the context's threads (mn_context_set_threads);
     *  the results are those of one call, bit for bit, when each edge's outputs depend only on
     *  that edge's inputs. Every built-in model has it. */
    MN_MODEL_REENTRANT = 1u << 2
};

/**
 * @brief A memristor model: a versioned table of batched callbacks.
 *
 * Declare it with #MN_MODEL_OPS_INIT and fill what the model has; the library copies the
 * members the caller knows (by struct_size) and zero-fills the rest, so an old model keeps
 * working when the table grows. Optional members may be NULL.
 *
 * Rate functions return d x / d t given the edge voltage V = phi_u - phi_v and the edge
 * current I (both n values). Partial derivatives are taken with the other arguments fixed
 * (the library combines them with dI = dG/dx (V + S) dx + G dV).
 *
 * Every callback returns 0 on success; nonzero means "cannot evaluate" (the library then
 * reports an error naming the model and, where the model wrote one with mn_model_batch, the
 * edge).
 */
typedef struct mn_model_ops {
    size_t struct_size;           /**< sizeof(mn_model_ops), set by #MN_MODEL_OPS_INIT */
    const char *name;             /**< unique name ("miranda") */
    const char *description;      /**< one line with the source equations */
    size_t n_states;              /**< states per edge (0 for a plain resistor) */
    const char *const *state_names; /**< n_states names ("g"), or NULL */
    size_t n_params;              /**< number of parameters */
    const mn_param_info *params;  /**< n_params descriptors */
    unsigned flags;               /**< MN_MODEL_* flags */

    /** Required. Conductance G (S) of each edge from its states. */
    int (*conductance)(const mn_model_batch *b, const double *x, double *G);
    /** Required if n_states > 0. State derivative dx/dt. */
    int (*rate)(const mn_model_batch *b, const double *x, const double *V, const double *I,
                double *dxdt);

    /** Optional. d(rate)/dx: n * n_states * n_states values, edge-major, row = rate index. */
    int (*rate_dx)(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *J);
    /** Optional. d(rate)/dV: n * n_states values. */
    int (*rate_dV)(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out);
    /** Optional. d(rate)/dI: n * n_states values. */
    int (*rate_dI)(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out);
    /** Optional. dG/dx: n * n_states values. */
    int (*conductance_dx)(const mn_model_batch *b, const double *x, double *dGdx);

    /** Optional. Exact state after dt at constant V (e.g. 003 eq 9 for miranda), in place. */
    int (*exact_step)(const mn_model_batch *b, double *x, const double *V, double dt);
    /** Optional. Lower/upper bounds of each state (n * n_states each); states are kept inside. */
    int (*state_bounds)(const mn_model_batch *b, double *lo, double *hi);
    /** Optional. Default initial state (n * n_states). Without it states start at 0. */
    int (*initial_state)(const mn_model_batch *b, double *x);

    /** Number of event functions per edge (with #MN_MODEL_HAS_EVENTS). */
    size_t n_events;
    /** Optional. Event functions g (n * n_events); an event fires when g crosses 0 upwards. */
    int (*event_fn)(const mn_model_batch *b, const double *x, const double *V, const double *I,
                    double *g);
    /** Optional. Apply the events that fired (fired: n * n_events flags 0/1) to x in place. */
    int (*event_apply)(const mn_model_batch *b, const int *fired, double *x);

    /** Optional. Check per-edge data (lengths, parameters) before a run; write a message with
     *  mn_model_batch and return nonzero to refuse. msg has msg_size bytes. */
    int (*validate)(const mn_model_batch *b, char *msg, size_t msg_size);
    /** Optional. Create model data (stored in mn_model_batch.model_data) from the model's
     *  shared parameter values (n_params values; per-edge overrides are not seen here), once
     *  per model of a network when the network is first prepared. NULL means failure. */
    void *(*create)(const double *params, void *user_data);
    /** Optional. Free what create() returned (when the network is freed). */
    void (*destroy)(void *model_data, void *user_data);
    /** Passed to create() and destroy(). */
    void *user_data;
} mn_model_ops;

/** @brief Initialiser for ::mn_model_ops: size set, everything else zero/NULL. */
#define MN_MODEL_OPS_INIT { sizeof(mn_model_ops), NULL, NULL, 0, NULL, 0, NULL, 0u, \
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/* ------------------------------------------------------------------------- registry */

/** @brief Number of built-in models. */
MN_API size_t mn_model_builtin_count(void);

/** @brief Built-in model i (0 <= i < count), or NULL. */
MN_API const mn_model_ops *mn_model_builtin(size_t i);

/** @brief Built-in model by name ("miranda", "hillock", "strukov_hp", "strukov_cb",
 *         "filament", "resistor", "atomic_switch", "tunnel_switch", "vteam"), or NULL. */
MN_API const mn_model_ops *mn_model_find(const char *name);

/* ------------------------------------------------------------------------- model instances */

/** @brief A model with parameter values. Opaque. */
typedef struct mn_model mn_model;

/**
 * @brief Create an instance of a built-in model with its default parameters.
 * @return #MN_OK, #MN_ERR_NOT_FOUND (unknown name; the message lists the known ones).
 */
MN_API mn_status mn_model_new(mn_model **out, mn_context *ctx, const char *name);

/**
 * @brief Create an instance of a user model from its ops table (copied, see
 *        ::mn_model_ops); parameters start at their defaults.
 * @return #MN_OK, #MN_ERR_INVALID (missing required callback, bad struct_size, bad parameter
 *         table; the message says which).
 */
MN_API mn_status mn_model_new_custom(mn_model **out, mn_context *ctx, const mn_model_ops *ops);

/** @brief Free a model instance; NULL does nothing. */
MN_API void mn_model_free(mn_model *m);

/** @brief The instance's ops table (the library's copy). */
MN_API const mn_model_ops *mn_model_ops_of(const mn_model *m);

/**
 * @brief Set a parameter by name.
 * @return #MN_OK, #MN_ERR_NOT_FOUND (unknown name), #MN_ERR_RANGE (NaN, outside [min, max],
 *         not an integer for an integer parameter); the message names the parameter and value.
 */
MN_API mn_status mn_model_set(mn_model *m, const char *name, double value);

/**
 * @brief Set a parameter from text: a number ("1e-3", "inf"), or a choice name
 *        ("window=joglekar" is set as mn_model_set_text(m, "window", "joglekar")).
 * @return #MN_OK, #MN_ERR_NOT_FOUND (unknown parameter), #MN_ERR_PARSE (not a number / not a
 *         choice: the message lists the choices), #MN_ERR_RANGE (as mn_model_set()).
 */
MN_API mn_status mn_model_set_text(mn_model *m, const char *name, const char *text);

/**
 * @brief Parse and apply "NAME=VALUE" (as given to `--set` on the command line).
 * @return as mn_model_set_text(); #MN_ERR_PARSE when there is no '=' or no name.
 */
MN_API mn_status mn_model_set_assignment(mn_model *m, const char *assignment);

/** @brief Read a parameter by name. @return #MN_OK or #MN_ERR_NOT_FOUND. */
MN_API mn_status mn_model_get(const mn_model *m, const char *name, double *value);

/* ------------------------------------------------------------------------- networks */

/**
 * @brief A network: a graph and the model of every edge, with per-edge parameter overrides.
 *        Opaque. Every edge must have a model before a network is solved or simulated.
 */
typedef struct mn_network mn_network;

/**
 * @brief Create a network over a graph. The graph is borrowed: it must outlive the network
 *        and not gain or lose edges while the network exists.
 */
MN_API mn_status mn_network_new(mn_network **out, mn_graph *g);

/** @brief Free a network; NULL does nothing. */
MN_API void mn_network_free(mn_network *net);

/**
 * @brief Re-read the graph's edge lengths after they changed.
 *
 * A network reads the lengths (gap D or L) of its edges, checks them and derives the state
 * bounds from them when it is prepared for evaluation, i.e. at the first evaluation after a
 * change of models or parameters. Changing lengths in the graph afterwards
 * (mn_graph_set_edge_length()) needs this call before the next evaluation. O(1); the work is
 * done at the next evaluation.
 */
MN_API void mn_network_refresh(mn_network *net);

/** @brief The network's graph. */
MN_API mn_graph *mn_network_graph(const mn_network *net);

/**
 * @brief Give edges a model (the instance's parameters are copied: later changes to `model`
 *        do not affect the network). A model with the same ops and the same parameter values
 *        as one already in the network reuses its index. An edge that changes model loses its
 *        per-edge overrides. O(n) (O(edge count) for all edges).
 * @param[in,out] net the network; NULL gives #MN_ERR_INVALID (no message: there is no
 *            context to hold one).
 * @param[in] model the model instance (borrowed for the call only; its ops and parameter
 *            values are copied). NULL gives #MN_ERR_INVALID.
 * @param[in] edges edge ids, or NULL for all edges.
 * @param[in] n number of ids (ignored when edges is NULL).
 * @param[out] model_index index of this model in the network (may be NULL).
 * @return #MN_OK, #MN_ERR_RANGE (bad edge id: nothing is changed), #MN_ERR_STATE (the graph
 *         gained edges since the network was made), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_network_assign(mn_network *net, const mn_model *model, const mn_index *edges,
                                   size_t n, size_t *model_index);

/**
 * @brief Assign models to all edges at random by fractions (003's A:B = 75:25), reproducibly
 *        from a seed. Exactly round(fraction * m) edges get each model (the last takes the
 *        rest).
 *
 * The fractions are weights normalised by their sum ({75, 25} and {0.75, 0.25} are the
 * same). The edges are drawn by a Fisher-Yates shuffle from the memnet RNG (seed, stream
 * "models"), so a seed gives the same assignment on every platform. If rounding
 * over-allocates, later models get what is left. O(m).
 * @param[in,out] net the network; every edge gets a model (earlier assignments and per-edge
 *            overrides of edges that change model are replaced).
 * @param[in] models k model instances (parameters copied; borrowed for the call only).
 * @param[in] fractions k weights, finite and >= 0, with a positive sum.
 * @param[in] k number of models and of weights (1 to 10^6).
 * @param[in] seed RNG seed; the same seed, graph and fractions give the same assignment.
 * @return #MN_OK, #MN_ERR_INVALID (k = 0, NULL model), #MN_ERR_RANGE (a bad weight: the
 *         message names it), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_network_assign_fractions(mn_network *net, const mn_model *const *models,
                                             const double *fractions, size_t k, uint64_t seed);

/** @brief Callback choosing an edge's model: returns an index into the `models` array. */
typedef size_t (*mn_model_chooser)(mn_index edge, const mn_graph *g, void *user_data);

/**
 * @brief Assign models to all edges by a user callback (e.g. by gap length), called once per
 *        edge in edge order. @return #MN_OK, #MN_ERR_RANGE (the callback returned an index
 *        >= k: the message names the edge), #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_network_assign_by(mn_network *net, const mn_model *const *models, size_t k,
                                      mn_model_chooser choose, void *user_data);

/** @brief Number of distinct models in the network. */
MN_API size_t mn_network_model_count(const mn_network *net);

/** @brief Model index of each edge (edge-count values; -1 where none yet). Borrowed. */
MN_API const mn_index *mn_network_edge_models(const mn_network *net);

/** @brief Ops of model k of the network. */
MN_API const mn_model_ops *mn_network_model_ops(const mn_network *net, size_t k);

/**
 * @brief Override one parameter of one edge.
 * @return #MN_OK, #MN_ERR_NOT_FOUND (the edge's model has no such parameter), #MN_ERR_RANGE.
 */
MN_API mn_status mn_network_set_edge_param(mn_network *net, mn_index edge, const char *name,
                                           double value);

/**
 * @brief Read one parameter of one edge (its override or variability value if it has one,
 *        else its model's value).
 * @return #MN_OK, #MN_ERR_RANGE (bad edge), #MN_ERR_STATE (edge has no model),
 *         #MN_ERR_NOT_FOUND (no such parameter).
 */
MN_API mn_status mn_network_get_edge_param(const mn_network *net, mn_index edge,
                                           const char *name, double *value);

/**
 * @brief Device-to-device variability: multiply parameter `name` of every edge of model k by
 *        an independent lognormal factor exp(sigma N(0,1) - sigma^2/2) (mean 1), from a seed.
 *        Values are clamped into the parameter's range.
 *
 * The factor multiplies the edge's current value (its override, or the model's value), so
 * calls compose. Reproducible: the draws come from the memnet RNG with a stream derived from
 * k and the parameter, in edge order. O(edge count).
 * @param[in,out] net the network; the varied values become per-edge overrides (as if set by
 *            mn_network_set_edge_param()).
 * @param[in] k network model index (from mn_network_assign()'s model_index, in
 *            [0, mn_network_model_count())). Only edges of this model are changed.
 * @param[in] name parameter name (NULL gives #MN_ERR_NOT_FOUND); must be a real parameter.
 * @param[in] sigma standard deviation of the log factor, in [0, 10]; 0 leaves the values
 *            unchanged (apart from clamping).
 * @param[in] seed RNG seed; the same seed, k, parameter and assignment give the same factors.
 * @return #MN_OK, #MN_ERR_RANGE (bad k or sigma), #MN_ERR_NOT_FOUND (no such parameter),
 *         #MN_ERR_INVALID (integer or choice parameter), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_network_vary_param(mn_network *net, size_t k, const char *name, double sigma,
                                       uint64_t seed);

/** @brief Total number of states (sum over edges of the model's n_states). */
MN_API size_t mn_network_state_count(const mn_network *net);

/**
 * @brief Offset of each edge's first state in the global state vector (edge-count + 1
 *        values; edge e owns states [off[e], off[e+1])). With one state per edge, off[e] = e.
 *        Borrowed.
 */
MN_API const size_t *mn_network_state_offsets(const mn_network *net);

/** @brief Fill x (state-count values) with each model's default initial state. */
MN_API mn_status mn_network_initial_state(const mn_network *net, double *x);

/**
 * @brief Conductance of every edge for the global state x.
 * @param[in,out] net the network (not const: the first evaluation after a change of models,
 *            parameters or lengths prepares it, see mn_network_refresh()).
 * @param[in] x state-count values (may be NULL when the state count is 0).
 * @param[out] G edge-count values (S), caller array.
 * @return #MN_OK, #MN_ERR_INVALID (NULL array, or a model refused its parameters),
 *         #MN_ERR_STATE (an edge has no model, the graph gained edges, or a model needing a
 *         gap length finds none), #MN_ERR_SOLVER (a model callback failed), #MN_ERR_NOMEM.
 *         O(edge count).
 */
MN_API mn_status mn_network_conductances(mn_network *net, const double *x, double *G);

/**
 * @brief dx/dt of every state given edge voltages V and currents I (edge-count values each).
 */
MN_API mn_status mn_network_rates(mn_network *net, const double *x, const double *V,
                                  const double *I, double *dxdt);

MN_END_DECLS

#endif /* MEMNET_MODELS_H */
