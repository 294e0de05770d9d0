/**
 * @file reservoir.h
 * @brief Reservoir computing with memristive networks: a driver that feeds task inputs as
 *        voltages on input electrodes and samples features (electrode currents, probe
 *        potentials, delayed copies) at task times, and a linear readout (ridge regression
 *        with the regularisation chosen by k-fold cross-validation, one-vs-rest
 *        classification, NMSE, accuracy, memory capacity). See docs/reservoir.md.
 *
 * Linear algebra goes through LAPACK (dgesdd: thin singular value decomposition of the
 * standardised feature matrix), so one decomposition per fold serves every regularisation
 * value of the grid and every output.
 *
 * Threads: a readout or a reservoir is used by one thread at a time (see core.h).
 */
#ifndef MEMNET_RESERVOIR_H
#define MEMNET_RESERVOIR_H

#include <memnet/sim.h>

MN_BEGIN_DECLS

/* ============================================================================ readout */

/**
 * @brief Linear readout y = b + W^T x trained by ridge regression. Opaque.
 *
 * Training minimises, for each output column y,
 *   (1/n) sum_i (y_i - b - z_i . w)^2 + lambda |w|^2,
 * where z_i are the features standardised with the training rows' mean and standard
 * deviation (constant features are dropped: weight 0), and b (the intercept) is not
 * penalised. Weights are reported back in the units of the raw features.
 * lambda is chosen from a grid (mn_readout_set_lambdas()) by k-fold cross-validation over
 * contiguous blocks of the training rows (time order is kept: no shuffling), separately for
 * each output in regression, and one value for all classes in classification (highest
 * validation accuracy, ties broken by the validation squared error); the readout is then
 * refitted on all training rows with the chosen value.
 */
typedef struct mn_readout mn_readout;

/** @brief Integer options of a readout (mn_readout_set_int()). */
typedef enum mn_readout_option {
    MN_READOUT_FOLDS = 0,       /**< k of the k-fold cross-validation, 2 <= k (default 5) */
    MN_READOUT_STANDARDIZE = 1  /**< 1: standardise features before the fit (default); 0: only
                                     centre them (lambda then acts on the raw scale) */
} mn_readout_option;

/**
 * @brief Create a readout with the default options: 5 folds, standardised features and the
 *        lambda grid 10^-10, 10^-9.5, ..., 10^1 (23 values).
 * @param[out] out the readout; NULL on failure.
 * @param[in] ctx owning context.
 * @return #MN_OK, #MN_ERR_INVALID (out or ctx NULL), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_readout_new(mn_readout **out, mn_context *ctx);

/** @brief Free a readout; NULL does nothing. */
MN_API void mn_readout_free(mn_readout *r);

/**
 * @brief Set an integer option.
 * @return #MN_OK, #MN_ERR_INVALID (unknown option), #MN_ERR_RANGE (bad value, named).
 */
MN_API mn_status mn_readout_set_int(mn_readout *r, mn_readout_option opt, int64_t value);

/**
 * @brief The regularisation values tried by cross-validation (copied). A single value fixes
 *        lambda (no cross-validation).
 * @param[in] lambda n values, each finite and >= 0 (0: least squares, pseudo-inverse).
 * @param[in] n number of values, >= 1.
 * @return #MN_OK, #MN_ERR_INVALID (n = 0 or NULL), #MN_ERR_RANGE (a negative or non-finite
 *         value, named with its index), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_readout_set_lambdas(mn_readout *r, const double *lambda, size_t n);

/**
 * @brief Train on n rows: features X (n x p, row major) and targets Y (n x m, row major).
 *        Replaces an earlier fit. Cost O(k n p min(n, p)) for the decompositions plus
 *        O(k n p m + |grid| n m min(n,p)) for the grid.
 * @param[in] X features, n*p finite values (a NaN or infinity is an error naming its row and
 *            column).
 * @param[in] n rows, >= 2 * folds when the grid has more than one value, else >= 2.
 * @param[in] p features per row, >= 1.
 * @param[in] Y targets, n*m finite values.
 * @param[in] m outputs, >= 1.
 * @return #MN_OK, #MN_ERR_INVALID (NULL or zero sizes), #MN_ERR_RANGE (non-finite data, too
 *         few rows for the folds), #MN_ERR_SOLVER (LAPACK failure, with its info code),
 *         #MN_ERR_NOMEM.
 */
MN_API mn_status mn_readout_fit(mn_readout *r, const double *X, size_t n, size_t p,
                                const double *Y, size_t m);

/**
 * @brief Train a one-vs-rest classifier: targets are the one-hot vectors of `labels`
 *        (1 for the class, 0 otherwise), one ridge output per class; lambda is shared and
 *        chosen by validation accuracy. Predict with mn_readout_classify() (argmax).
 * @param[in] labels n class labels in [0, n_classes).
 * @param[in] n_classes number of classes, >= 2.
 * @return as mn_readout_fit(); #MN_ERR_RANGE also for a label outside [0, n_classes).
 */
MN_API mn_status mn_readout_fit_classes(mn_readout *r, const double *X, size_t n, size_t p,
                                        const int32_t *labels, size_t n_classes);

/**
 * @brief Predict Y (n x m, row major) for features X (n x p) with the trained readout.
 * @param[out] Y n*m values.
 * @param[in] r a trained readout.
 * @param[in] X n*p features (p as in the fit).
 * @param[in] n rows.
 * @return #MN_OK, #MN_ERR_INVALID (NULL arguments), #MN_ERR_STATE (not trained).
 */
MN_API mn_status mn_readout_predict(double *Y, const mn_readout *r, const double *X, size_t n);

/**
 * @brief Classify n rows: the class of the largest output (argmax; the lowest index wins a
 *        tie). @return as mn_readout_predict(); #MN_ERR_STATE also when the readout was
 *        trained by mn_readout_fit() (no classes).
 */
MN_API mn_status mn_readout_classify(int32_t *labels, const mn_readout *r, const double *X,
                                     size_t n);

/** @brief Number of features p of the last fit (0 before). */
MN_API size_t mn_readout_feature_count(const mn_readout *r);
/** @brief Number of outputs m of the last fit (classes for a classifier; 0 before). */
MN_API size_t mn_readout_output_count(const mn_readout *r);

/**
 * @brief Weights in raw feature units: W (p x m, row major: W[j*m + o] multiplies feature j
 *        for output o) and the intercepts b (m values). Borrowed, valid until the next fit;
 *        NULL before a fit. Either pointer may be NULL.
 * @return #MN_OK or #MN_ERR_STATE (not trained).
 */
MN_API mn_status mn_readout_weights(const mn_readout *r, const double **W, const double **b);

/** @brief Statistics of the last fit, per output (mn_readout_stat_get()). */
typedef enum mn_readout_stat {
    MN_READOUT_STAT_LAMBDA = 0,   /**< lambda chosen for the output */
    MN_READOUT_STAT_CV_MSE = 1,   /**< mean validation squared error at that lambda */
    MN_READOUT_STAT_CV_ACCURACY = 2, /**< classifier: validation accuracy at that lambda
                                          (the same for every output); NaN in regression */
    MN_READOUT_STAT_TRAIN_MSE = 3, /**< training squared error of the final fit */
    MN_READOUT_STAT_RANK = 4       /**< numerical rank of the standardised training features */
} mn_readout_stat;

/**
 * @brief One statistic of output `output` of the last fit.
 * @return the value; NaN before a fit, for an unknown statistic or an output out of range.
 */
MN_API double mn_readout_stat_get(const mn_readout *r, mn_readout_stat which, size_t output);

/**
 * @brief Cross-validation curve of output `output`: the mean validation squared error at each
 *        grid value (borrowed, grid-size values; mn_readout_lambdas() gives the grid).
 *        NULL before a fit or with a single lambda.
 */
MN_API const double *mn_readout_cv_curve(const mn_readout *r, size_t output);

/** @brief The lambda grid (borrowed) and its size n (may be NULL). */
MN_API const double *mn_readout_lambdas(const mn_readout *r, size_t *n);

/* ---------------------------------------------------------------------------- scores */

/**
 * @brief Normalised mean squared error sum_i (y_i - yhat_i)^2 / sum_i (y_i - mean y)^2
 *        (0 perfect, 1 = as good as predicting the mean). Its square root is the NRMSE.
 * @param[out] nmse the value.
 * @param[in] y targets, yhat predictions, n >= 2 values each, finite.
 * @return #MN_OK, #MN_ERR_INVALID (NULL or n < 2), #MN_ERR_RANGE (constant y: undefined).
 */
MN_API mn_status mn_readout_nmse(double *nmse, const double *y, const double *yhat, size_t n);

/**
 * @brief Fraction of equal labels. @return #MN_OK or #MN_ERR_INVALID (NULL or n = 0).
 */
MN_API mn_status mn_readout_accuracy(double *accuracy, const int32_t *truth, const int32_t *pred,
                                     size_t n);

/**
 * @brief Short-term memory capacity (Jaeger 2002): for each delay k = 0..kmax a readout is
 *        trained on rows [washout, washout + n_train) to reproduce u(t - k) from the features
 *        x(t), and MC_k is the squared correlation between u(t - k) and the prediction on the
 *        remaining rows. The total MC = sum_{k=1}^{kmax} MC_k (k = 0 is reported but not
 *        summed).
 * @param[out] mc kmax + 1 values MC_0 .. MC_kmax, each in [0, 1].
 * @param[out] total the sum for k >= 1 (may be NULL).
 * @param[in,out] r the readout (its options and grid are used; afterwards it holds the fit
 *            with one output per delay, each with its own lambda).
 * @param[in] X features, n x p row major, row t = time step t.
 * @param[in] n rows. @param[in] p features per row.
 * @param[in] u the scalar input sequence, n values (row t = u(t)).
 * @param[in] kmax largest delay, <= washout.
 * @param[in] washout rows dropped at the start (>= kmax).
 * @param[in] n_train training rows; n - washout - n_train >= 2 test rows remain.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_RANGE (sizes, named), or the codes of
 *         mn_readout_fit().
 */
MN_API mn_status mn_readout_memory_capacity(double *mc, double *total, mn_readout *r,
                                            const double *X, size_t n, size_t p, const double *u,
                                            size_t kmax, size_t washout, size_t n_train);

/* ============================================================================ reservoir */

/**
 * @brief A physical reservoir: a network with input electrodes (voltage = bias + scale *
 *        u_j(t), u_j the task input j, held constant over each task step), grounded output
 *        electrodes and probe node sets. Opaque.
 *
 * It owns an ::mn_sim of the network (mn_reservoir_sim()), whose electrodes are the inputs
 * (ids 0 .. n_in - 1, in the order added) followed by the outputs. Task step k covers
 * [t0 + k dt, t0 + (k + 1) dt); its features are read at the end of the step, before the
 * next input is applied: the currents into the network of the input electrodes (if
 * #MN_RESERVOIR_INPUT_CURRENTS), of the output electrodes, the mean potentials of the probe
 * sets, then the same block for the steps k-1, ..., k-D (#MN_RESERVOIR_DELAYS; zeros before
 * the first step).
 */
typedef struct mn_reservoir mn_reservoir;

/** @brief Options of a reservoir (real: mn_reservoir_set_real(); int: mn_reservoir_set_int()). */
typedef enum mn_reservoir_option {
    MN_RESERVOIR_STEP = 0,           /**< real: duration dt of one task step (s, > 0; default 1) */
    MN_RESERVOIR_SUBSTEPS = 1,       /**< int: fixed integrator steps per task step (>= 1;
                                          default 4), used by the fixed-step integrators */
    MN_RESERVOIR_DELAYS = 2,         /**< int: delayed copies D >= 0 of the feature block
                                          (default 0) */
    MN_RESERVOIR_INPUT_CURRENTS = 3  /**< int 0/1: input electrode currents are features
                                          (default 1) */
} mn_reservoir_option;

/**
 * @brief Create a reservoir on a network (borrowed: it must outlive the reservoir). The
 *        simulation starts at t = 0 in the models' default states, with the exact-update
 *        fixed-step integrator (#MN_SIM_EXACT) when every model has an exact step, else BDF.
 * @return #MN_OK, #MN_ERR_INVALID (NULL), the codes of mn_sim_new(), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_reservoir_new(mn_reservoir **out, mn_network *net);

/** @brief Free a reservoir and its simulation; NULL does nothing. */
MN_API void mn_reservoir_free(mn_reservoir *res);

/**
 * @brief Add an input electrode on the given nodes (copied): its potential is
 *        bias + scale * u (V) during a step with input value u.
 * @param[in] bias, scale finite (V).
 * @return #MN_OK, #MN_ERR_RANGE (non-finite bias/scale, bad node id), #MN_ERR_INVALID (node
 *         in another electrode, empty set), #MN_ERR_STATE (after the first run, or after an
 *         output was added: inputs come first), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_reservoir_add_input(mn_reservoir *res, const mn_index *nodes, size_t n,
                                        double bias, double scale);
/** @brief mn_reservoir_add_input() on a named node set of the graph (#MN_ERR_NOT_FOUND if
 *         there is none of that name). */
MN_API mn_status mn_reservoir_add_input_set(mn_reservoir *res, const char *set, double bias,
                                            double scale);

/** @brief Add a grounded output electrode (0 V); its current is a feature. Codes as
 *         mn_reservoir_add_input() (no STATE error for ordering). */
MN_API mn_status mn_reservoir_add_output(mn_reservoir *res, const mn_index *nodes, size_t n);
/** @brief mn_reservoir_add_output() on a named node set. */
MN_API mn_status mn_reservoir_add_output_set(mn_reservoir *res, const char *set);

/** @brief Add a probe: the mean potential of these nodes (not an electrode) is a feature. */
MN_API mn_status mn_reservoir_add_probe(mn_reservoir *res, const mn_index *nodes, size_t n);
/** @brief mn_reservoir_add_probe() on a named node set. */
MN_API mn_status mn_reservoir_add_probe_set(mn_reservoir *res, const char *set);

/** @brief Set a real option. @return #MN_OK, #MN_ERR_INVALID (unknown / integer option),
 *         #MN_ERR_RANGE (value named), #MN_ERR_STATE (step changed after the first run). */
MN_API mn_status mn_reservoir_set_real(mn_reservoir *res, mn_reservoir_option opt, double value);
/** @brief Set an integer option. @return as mn_reservoir_set_real(); delays and input
 *         currents are fixed after the first run. */
MN_API mn_status mn_reservoir_set_int(mn_reservoir *res, mn_reservoir_option opt, int64_t value);

/** @brief Number of input electrodes. */
MN_API size_t mn_reservoir_input_count(const mn_reservoir *res);
/** @brief Features per task step: (inputs if input currents are features + outputs +
 *         probes) x (1 + delays). */
MN_API size_t mn_reservoir_feature_count(const mn_reservoir *res);

/**
 * @brief Name of feature j: "Iin<k>", "Iout<k>", "P<k>", with "@<d>" for delay d >= 1.
 * @return a borrowed string valid until the reservoir changes, NULL if j is out of range.
 */
MN_API const char *mn_reservoir_feature_name(const mn_reservoir *res, size_t j);

/**
 * @brief The reservoir's simulation (borrowed): set tolerances, the integrator, the initial
 *        states (mn_sim_init_*()) before the first run.
 */
MN_API mn_sim *mn_reservoir_sim(mn_reservoir *res);

/**
 * @brief Drive the network through n task steps and sample the features. Runs continue from
 *        where the last one ended (the network keeps its memory; delayed copies too).
 * @param[out] features n x mn_reservoir_feature_count() values, row major (A, V).
 * @param[in,out] res the reservoir (at least one input and one output or probe).
 * @param[in] u n x mn_reservoir_input_count() inputs, row major, finite.
 * @param[in] n steps, >= 1.
 * @return #MN_OK, #MN_ERR_INVALID (NULL, no inputs or no outputs/probes), #MN_ERR_RANGE (a
 *         non-finite input, named with its step and input), or the codes of mn_sim_run()
 *         (the features of the steps done so far are written).
 */
MN_API mn_status mn_reservoir_run(double *features, mn_reservoir *res, const double *u, size_t n);

MN_END_DECLS

#endif /* MEMNET_RESERVOIR_H */
