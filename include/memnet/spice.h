/**
 * @file spice.h
 * @brief SPICE netlists of a network, for cross-checking memnet in a circuit simulator
 *        (ngspice).
 *
 * Two kinds of netlist: a conductance snapshot (one resistor per junction at the given
 * states), and a behavioural one in which every junction of a supported model is a
 * voltage-controlled current source whose conductance follows a state held on a 1 F
 * capacitor, so that the circuit simulator integrates the same ODEs as memnet:
 * C dv_s/dt = i_s with i_s = dx/dt of the model (miranda: 000 eqs 1-2, 003 eqs 7-8;
 * strukov_hp: Strukov et al. 2008 with its windows). Electrodes are node sets; every node of
 * an electrode becomes one circuit node driven by a voltage source (PWL of the memnet
 * waveform) or tied to ground. Junctions in components that touch no electrode are left out
 * (a circuit simulator has no potential for them; memnet reports them as floating).
 *
 * Text is written in the C locale whatever the process locale. Every write is checked.
 *
 * Threads: an ::mn_spice is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_SPICE_H
#define MEMNET_SPICE_H

#include <memnet/models.h>
#include <memnet/sim.h>

MN_BEGIN_DECLS

/** @brief A netlist writer for one network. Opaque. */
typedef struct mn_spice mn_spice;

/** @brief What the junctions become in the netlist. */
typedef enum mn_spice_kind {
    /** One resistor R = 1/G per junction at the given states (any model). Edges with G = 0
     *  are left out. */
    MN_SPICE_RESISTORS = 0,
    /** Behavioural junctions with a state capacitor (models miranda, strukov_hp and resistor;
     *  any other model is #MN_ERR_UNSUPPORTED naming it). */
    MN_SPICE_BEHAVIOURAL = 1
} mn_spice_kind;

/**
 * @brief New writer for a network (borrowed: it must outlive the writer and keep its models).
 * @param[out] out the writer; NULL on failure.
 * @param[in] net the network (graph plus the model of every edge).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM, or the network's own error if its models
 *         cannot be prepared. States start as the models' defaults
 *         (mn_network_initial_state()).
 */
MN_API mn_status mn_spice_new(mn_spice **out, mn_network *net);

/** @brief Free a writer; NULL does nothing. */
MN_API void mn_spice_free(mn_spice *sp);

/**
 * @brief The junction states written (snapshot conductances, initial conditions of the
 *        behavioural netlist): mn_network_state_count() values in edge order, copied.
 * @return #MN_OK, #MN_ERR_INVALID (NULL) or #MN_ERR_RANGE (a non-finite value, named).
 */
MN_API mn_status mn_spice_set_states(mn_spice *sp, const double *x);

/**
 * @brief Add an electrode: a node set held at the waveform's voltage (V), or grounded when
 *        w is NULL. At least one electrode must be grounded.
 * @param[in] nodes n node ids, none listed twice and none in another electrode.
 * @param[in] w the waveform (copied) or NULL for ground.
 * @param[out] id the electrode's index (0, 1, ...), or NULL.
 * @return #MN_OK, #MN_ERR_INVALID (a bad or repeated node, named) or #MN_ERR_NOMEM.
 */
MN_API mn_status mn_spice_add_electrode(mn_spice *sp, const mn_index *nodes, size_t n,
                                        const mn_waveform *w, size_t *id);

/**
 * @brief Ask for a transient analysis `.tran dt_out t_end 0 dt_out/20` with
 *        `.options interp` (output on the dt_out grid, internal steps of at most dt_out/20)
 *        from t = 0; without it the netlist has a `.op`. Waveforms become PWL sources: exact at breakpoints and for
 *        piecewise-linear forms; other forms are sampled until linear interpolation is within
 *        1e-5 of the waveform's largest magnitude (at most 10^6 points). A jump at t becomes a
 *        ramp of width 1e-9 t_end.
 * @return #MN_OK or #MN_ERR_RANGE (t_end or dt_out not finite and > 0, or dt_out > t_end).
 */
MN_API mn_status mn_spice_set_transient(mn_spice *sp, double t_end, double dt_out);

/**
 * @brief Write the netlist. Nodes are named n<i> (memnet node i), electrodes e<k>, states
 *        s<e> (edge e); the source of electrode k is `Ve<k>` and its current `i(Ve<k>)` is,
 *        in SPICE's sign convention, the current flowing into the network's electrode
 *        with the opposite sign (memnet's electrode current I_k = -i(Ve<k>)). The netlist
 *        ends with `.end` and contains no `.control` block, so that it can be included.
 * @return #MN_OK, #MN_ERR_STATE (no grounded electrode), #MN_ERR_UNSUPPORTED (a model the
 *         behavioural kind cannot express, named), #MN_ERR_RANGE (a waveform needing more
 *         than 10^6 PWL points), #MN_ERR_IO (open/write/close failed, with the path and
 *         errno text). A regular file (or a new one) is written through a temporary file in
 *         the same folder renamed over it when complete, so a failure leaves the previous
 *         file as it was; a device, FIFO or symlink is written in place and never removed.
 */
MN_API mn_status mn_spice_write(mn_spice *sp, mn_spice_kind kind, const char *path);

MN_END_DECLS

#endif /* MEMNET_SPICE_H */
