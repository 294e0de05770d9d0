/*
 * Internal evaluation API of the models module, used by the time stepper (lib/sim), the
 * Kirchhoff driver and the mean-field code on every right-hand-side evaluation.
 * Not installed; not part of the ABI. Signatures are stable for the other modules.
 *
 * Layout conventions (all arrays are caller-allocated unless stated otherwise):
 *  - x, dxdt, lo, hi, rate_dV, rate_dI, dG/dx: the global state vector, "state-count" values
 *    (mn_network_state_count()), edge e owns x[off[e] .. off[e+1]-1] with
 *    off = mn_network_state_offsets().
 *  - G, V, I: edge-count values, V_e = phi_u - phi_v, I_e = G_e (V_e + S_e).
 *  - rate_dx blocks: "jacobian-count" values (mn__network_jac_count()); edge e owns the
 *    ns_e x ns_e block at J[joff[e]], row-major (row = rate index, column = state index), with
 *    joff = mn__network_jac_offsets() and ns_e = off[e+1] - off[e]. For one state per edge the
 *    blocks are the diagonal d(dx_e/dt)/dx_e, stored at J[e].
 *  - events: "event-count" values (mn__network_event_count()); edge e owns
 *    g[eoff[e] .. eoff[e+1]-1] with eoff = mn__network_event_offsets().
 *
 * Every function first calls mn__network_prepare() if the network changed since the last
 * preparation (model assignment, overrides, variability), so calling prepare explicitly is
 * only needed to get its error before a run. Evaluation is grouped per model: edges of one
 * model are gathered into contiguous batch buffers, the model's batched callback is called
 * once, and the results are scattered back; a model whose edges form one contiguous run of
 * edge ids (in particular every single-model network) is evaluated in place without copies.
 *
 * Errors: MN_ERR_STATE when the network cannot be prepared (an edge without a model, a model
 * that needs lengths on an edge without one, a graph that gained edges: the message names the
 * first bad edge), MN_ERR_INVALID when a model's validate() or create() refuses (message from
 * the model, naming it), MN_ERR_SOLVER when a model callback returns nonzero (the message
 * names the model and the callback), MN_ERR_NOMEM. Scratch buffers (for gathered groups,
 * finite differences and cached bounds) are allocated on first need and kept in the network;
 * after that nothing is allocated per call.
 */
#ifndef MEMNET_MODELS_PRIVATE_H
#define MEMNET_MODELS_PRIVATE_H

#include <memnet/models.h>
#include "core/core-private.h"

/*
 * Validate and lay out the network for evaluation: every edge has a model; every edge of a
 * model with MN_MODEL_NEEDS_LENGTH has a finite length > 0 (else MN_ERR_STATE naming the first
 * bad edge and its value); each model's validate() callback accepts its edges; model data are
 * created; batch buffers are allocated. Cheap (O(1)) when nothing changed since the last call.
 */
mn_status mn__network_prepare(mn_network *net);

/* The network's context. */
mn_context *mn__network_context(const mn_network *net);

/* Conductances G(x) of all edges (S). */
mn_status mn__network_conductances(mn_network *net, const double *x, double *G);

/* Conductances of the listed edges only: G_out[i] = G(edges[i]) for i < n. */
mn_status mn__network_conductances_subset(mn_network *net, const double *x, const mn_index *edges,
                                          size_t n, double *G_out);

/* Rates dx/dt = f(x, V, I) of all states. */
mn_status mn__network_rates(mn_network *net, const double *x, const double *V, const double *I,
                            double *dxdt);

/* Number of values of the rate_dx blocks (sum over edges of ns_e^2) and the per-edge block
 * offsets (edge-count + 1 values, borrowed, valid until the network changes). */
size_t mn__network_jac_count(mn_network *net);
const size_t *mn__network_jac_offsets(mn_network *net);

/*
 * Partial derivatives of the rates and of the conductances at (x, V, I), each with the other
 * arguments held fixed. Any output may be NULL (not computed):
 *   J     jacobian-count values: d(dx/dt)/dx blocks (see the layout above);
 *   dV    state-count values: d(dx/dt)/dV_e;
 *   dI    state-count values: d(dx/dt)/dI_e;
 *   dGdx  state-count values: dG_e/dx.
 * Models without the analytic callback get a central finite difference of their rate or
 * conductance (step 6e-6 (|x| + scale), scale = the state's bound width when finite, else 1;
 * for V and I the step is 6e-6 (|V| + s) and 6e-6 (|I| + s), s = max(1e-3 V or 1e-12 A, a
 * tenth of the largest |V| or |I| of the model's edges)), so the results are always
 * filled. The unipolar models are not differentiable at V = 0 (I = 0): there the one-sided
 * derivative for V > 0 is returned.
 */
mn_status mn__network_derivatives(mn_network *net, const double *x, const double *V,
                                  const double *I, double *J, double *dV, double *dI,
                                  double *dGdx);

/* Lower and upper bounds of every state (state-count values each; -INFINITY / +INFINITY where
 * a model gives none). Per-edge bounds may depend on the edge's gap length. */
mn_status mn__network_bounds(mn_network *net, double *lo, double *hi);

/* Clamp every state into its bounds, in place. *n_clamped (may be NULL) gets how many values
 * were moved. NaN states are an error (MN_ERR_RANGE naming the edge). */
mn_status mn__network_clamp(mn_network *net, double *x, size_t *n_clamped);

/*
 * Exact step: replace x by the solution after dt (s) at constant edge voltages V, for the
 * edges whose model has exact_step (e.g. miranda, 003 eq 9). Edges whose model has none are
 * left unchanged. has_exact (edge-count bytes, may be NULL) gets 1 where the step was exact,
 * 0 where the caller must integrate itself. The result is clamped into the bounds.
 */
mn_status mn__network_exact_step(mn_network *net, double *x, const double *V, double dt,
                                 unsigned char *has_exact);

/* Whether every model with states has an exact step: 1 all, 0 none, -1 some. */
int mn__network_all_exact(mn_network *net);

/* Total number of event functions (sum over edges of the model's n_events; 0 if no model has
 * events) and the per-edge offsets into the event vector (edge-count + 1 values, borrowed). */
size_t mn__network_event_count(mn_network *net);
const size_t *mn__network_event_offsets(mn_network *net);

/* Event functions g (event-count values); an event fires when its g crosses 0 upwards. */
mn_status mn__network_event_fn(mn_network *net, const double *x, const double *V,
                               const double *I, double *g);

/*
 * Apply the events that fired (fired: event-count flags 0/1) to x in place, through each
 * model's event_apply. jumped (capacity edge-count) receives the ids of the edges with at
 * least one fired event whose conductance changed, in increasing order, *n_jumped their
 * number; G_old / G_new (each capacity edge-count, may be NULL) receive those edges'
 * conductances before and after, in the same order, for a rank-k Kirchhoff update.
 */
mn_status mn__network_event_apply(mn_network *net, const int *fired, double *x,
                                  mn_index *jumped, size_t *n_jumped, double *G_old,
                                  double *G_new);

/* Threads over which the batches of reentrant models (MN_MODEL_REENTRANT) are split: 0 (the
 * default) lets the context's thread pool choose by batch size, n > 0 forces n (tests). */
void mn__network_set_batch_threads(mn_network *net, int n);

/* Number of edges of model k of the network (0 for a bad k). */
size_t mn__network_model_edge_count(const mn_network *net, size_t k);

#endif
