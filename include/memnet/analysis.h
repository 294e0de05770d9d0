/**
 * @file analysis.h
 * @brief Analysis of recorded series: events, inter-event intervals, histograms, power-law
 * fits, autocorrelation, avalanches and moving averages.
 *
 * Pure functions on arrays: they work the same on simulated series (the stepper's t, V, I, G
 * columns) and on measured data. The definitions follow 003 sec. 2.5-2.6 (IEI distributions
 * with linear and logarithmic bins, power-law fits to their tails, ACFs, moving averages of
 * \<G\> and of the event rate, Fig. 6-7) and the papers it cites for the analysis (003 refs. 19,
 * 20: Mallinson et al. 2019, Pike et al. 2020); the power-law fit is the maximum-likelihood
 * method with the Kolmogorov-Smirnov choice of x_min of Clauset, Shalizi and Newman, SIAM
 * Rev. 51 (2009) 661 ("CSN"). docs/analysis.md gives every definition.
 *
 * Results go either into arrays the caller allocates (sizes stated on each function) or into
 * an opaque handle with getters (::mn_event_train, ::mn_powerlaw). Every function checks its
 * input (NaN/inf, empty series, non-increasing times, non-positive parameters) and returns
 * #MN_ERR_INVALID or #MN_ERR_RANGE with a message naming the bad value; outputs are then
 * left unspecified (arrays) or NULL (handles).
 *
 * Threads: a context and its objects are used by one thread at a time (see core.h).
 */
#ifndef MEMNET_ANALYSIS_H
#define MEMNET_ANALYSIS_H

#include <memnet/core.h>

MN_BEGIN_DECLS

/* ------------------------------------------------------------------------------------- */
/* Events                                                                                */
/* ------------------------------------------------------------------------------------- */

/** @brief How the event threshold of mn_analysis_detect_events() is read. */
typedef enum mn_event_threshold {
    /** an event where |x[i] - x[i-1]| >= threshold (units of x) */
    MN_EVENT_ABSOLUTE = 0,
    /** an event where |x[i] - x[i-1]| >= threshold * |x[i-1]| (dimensionless; when
     *  x[i-1] = 0 any non-zero change is an event) */
    MN_EVENT_RELATIVE = 1
} mn_event_threshold;

/** @brief Which sign of change counts as an event. */
typedef enum mn_event_direction {
    MN_EVENT_BOTH = 0, /**< rises and falls (filament formation and breaking) */
    MN_EVENT_UP = 1,   /**< rises only (x[i] > x[i-1]) */
    MN_EVENT_DOWN = 2  /**< falls only (x[i] < x[i-1]) */
} mn_event_direction;

/**
 * @brief A train of events: times (non-decreasing) and signed sizes. Opaque.
 *
 * Made by mn_analysis_detect_events() from a series or by mn_event_train_new() from an
 * event log (e.g. the filament formation/breaking log of the stepper).
 */
typedef struct mn_event_train mn_event_train;

/**
 * @brief Detect events in a sampled series by a threshold on the change between samples.
 *
 * Sample i (1 <= i < n) is an event when the change dx = x[i] - x[i-1] passes the threshold
 * (see ::mn_event_threshold) and has the requested sign. The event time is t[i] (the first
 * sample after the jump) and its size is dx (signed, units of x). Every sample step is judged
 * on its own: a jump spread over two samples gives two events if both halves pass. This is
 * the event definition of 003 sec. 2.4-2.5 and its ref. 19: each change of the network
 * conductance (or current) above a threshold is one switching event of a filament.
 *
 * @param[out] out the event train (possibly with zero events); NULL on failure. Free with
 *             mn_event_train_free().
 * @param[in] ctx the context (allocation, errors).
 * @param[in] t sample times, strictly increasing and finite (s, or steps); NULL means t[i] = i.
 * @param[in] x the series (A, S, ...), finite.
 * @param[in] n number of samples (>= 1).
 * @param[in] threshold > 0 (units of x for #MN_EVENT_ABSOLUTE, dimensionless for
 *            #MN_EVENT_RELATIVE).
 * @param[in] mode ::mn_event_threshold.
 * @param[in] direction ::mn_event_direction.
 * @return #MN_OK; #MN_ERR_INVALID (NULL pointer, n = 0, NaN/inf in t or x, t not strictly
 *         increasing, unknown mode or direction); #MN_ERR_RANGE (threshold <= 0 or not
 *         finite); #MN_ERR_NOMEM.
 * Complexity O(n).
 */
MN_API mn_status mn_analysis_detect_events(mn_event_train **out, mn_context *ctx,
                                           const double *t, const double *x, size_t n,
                                           double threshold, mn_event_threshold mode,
                                           mn_event_direction direction);

/**
 * @brief Make an event train from an event log (times, optional sizes).
 *
 * Several events may share a time (several filaments switching in one time step), so the
 * times must be non-decreasing, not strictly increasing.
 *
 * @param[out] out the train; NULL on failure.
 * @param[in] ctx the context.
 * @param[in] times event times, finite and non-decreasing (n may be 0).
 * @param[in] sizes event sizes (finite), or NULL for size 1 each.
 * @param[in] n number of events.
 * @return #MN_OK; #MN_ERR_INVALID (NULL pointer with n > 0, NaN/inf, decreasing times);
 *         #MN_ERR_NOMEM. Complexity O(n).
 */
MN_API mn_status mn_event_train_new(mn_event_train **out, mn_context *ctx, const double *times,
                                    const double *sizes, size_t n);

/** @brief Free an event train; NULL does nothing. */
MN_API void mn_event_train_free(mn_event_train *train);

/** @brief Number of events (0 for NULL). */
MN_API size_t mn_event_train_count(const mn_event_train *train);

/**
 * @brief Event times, non-decreasing; borrowed, valid until the train is freed. NULL when the
 * train has no events.
 */
MN_API const double *mn_event_train_times(const mn_event_train *train);

/**
 * @brief Signed event sizes (units of the detected series, or as given to
 * mn_event_train_new()); borrowed, valid until the train is freed. NULL when empty.
 */
MN_API const double *mn_event_train_sizes(const mn_event_train *train);

/**
 * @brief Index of the sample after each jump (events from mn_analysis_detect_events());
 * borrowed. NULL for a train made from a log or with no events.
 */
MN_API const size_t *mn_event_train_samples(const mn_event_train *train);

/* ------------------------------------------------------------------------------------- */
/* Intervals and histograms                                                              */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Inter-event intervals: out[i] = times[i+1] - times[i], i = 0 .. n-2 (003 sec. 2.5).
 *
 * @param[out] out n - 1 values (caller array; units of the times). Zero when two events share
 *             a time.
 * @param[in] ctx the context.
 * @param[in] times event times, finite and non-decreasing.
 * @param[in] n number of events, >= 2.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, n < 2, NaN/inf, decreasing times). O(n).
 */
MN_API mn_status mn_analysis_intervals(double *out, mn_context *ctx, const double *times,
                                       size_t n);

/** @brief Bin spacing of mn_analysis_histogram(). */
typedef enum mn_bin_scale {
    MN_BINS_LINEAR = 0, /**< equal widths between lo and hi */
    MN_BINS_LOG = 1     /**< equal ratios hi/lo: edges lo * (hi/lo)^(k/nbins); needs lo > 0 */
} mn_bin_scale;

/**
 * @brief Histogram normalised to a probability density (003 Fig. 6a-c: P(IEI) with linear
 * and logarithmic bins).
 *
 * density[k] = count[k] / (n_in * (edges[k+1] - edges[k])), where n_in is the number of
 * values inside [lo, hi] (the last bin is closed at hi). So sum_k density[k] * width[k] = 1
 * whenever n_in > 0. Values outside [lo, hi] (for log bins: also every value <= 0) are not
 * counted and reported in *n_outside.
 *
 * @param[out] edges nbins + 1 bin edges (caller array), increasing.
 * @param[out] density nbins densities (caller array; units 1/units of x).
 * @param[out] counts nbins counts (caller array) or NULL.
 * @param[out] n_outside number of values not counted, or NULL.
 * @param[in] ctx the context.
 * @param[in] x the values, finite (n >= 1).
 * @param[in] n number of values.
 * @param[in] nbins number of bins, >= 1.
 * @param[in] scale ::mn_bin_scale.
 * @param[in] lo lower edge; with hi: if lo == hi == 0 the range is taken from the data
 *            (min and max; for log bins the smallest positive value).
 * @param[in] hi upper edge, > lo.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, n = 0, NaN/inf, nbins = 0, unknown scale, no
 *         positive value for automatic log bins); #MN_ERR_RANGE (hi <= lo, lo <= 0 for log
 *         bins, all values equal for an automatic range). O(n + nbins).
 */
MN_API mn_status mn_analysis_histogram(double *edges, double *density, size_t *counts,
                                       size_t *n_outside, mn_context *ctx, const double *x,
                                       size_t n, size_t nbins, mn_bin_scale scale, double lo,
                                       double hi);

/* ------------------------------------------------------------------------------------- */
/* Power-law fit (Clauset-Shalizi-Newman)                                                */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Maximum-likelihood power-law fit p(x) = (alpha - 1)/x_min (x/x_min)^(-alpha),
 * x >= x_min, of continuous data (or the discrete law x^-alpha / zeta(alpha, x_min) with
 * #MN_POWERLAW_DISCRETE), with x_min chosen by minimising the Kolmogorov-Smirnov distance.
 * Opaque; options by mn_powerlaw_set().
 */
typedef struct mn_powerlaw mn_powerlaw;

/** @brief Options of a power-law fit (keys of mn_powerlaw_set()). */
typedef enum mn_powerlaw_option {
    /** fixed x_min > 0 (no scan); 0 (default) scans the candidates */
    MN_POWERLAW_XMIN = 0,
    /** smallest tail size n_tail considered when scanning x_min (integer >= 2; default 10) */
    MN_POWERLAW_MIN_TAIL = 1,
    /** at most this many x_min candidates, spread evenly over the sorted distinct values
     *  (integer >= 0; default 0 = every distinct value) */
    MN_POWERLAW_MAX_CANDIDATES = 2,
    /** number of non-parametric bootstrap resamples for the spread of alpha and x_min
     *  (integer >= 0; default 0 = none) */
    MN_POWERLAW_BOOTSTRAP = 3,
    /** number of synthetic data sets for the CSN goodness-of-fit p-value (CSN;
     *  integer >= 0; default 0 = none) */
    MN_POWERLAW_GOF_SAMPLES = 4,
    /** 1: fit the discrete power law p(x) = x^-alpha / zeta(alpha, x_min) on integers
     *  x >= x_min (CSN; for intervals counted in time steps); every positive value must
     *  then be an integer. 0 (default): the continuous power law */
    MN_POWERLAW_DISCRETE = 5
} mn_powerlaw_option;

/**
 * @brief Create a fit object with default options.
 * @param[out] out the object; NULL on failure.
 * @param[in] ctx the context.
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_powerlaw_new(mn_powerlaw **out, mn_context *ctx);

/** @brief Free a fit object; NULL does nothing. */
MN_API void mn_powerlaw_free(mn_powerlaw *fit);

/**
 * @brief Set an option (see ::mn_powerlaw_option for ranges).
 * @return #MN_OK; #MN_ERR_INVALID (NULL, unknown option); #MN_ERR_RANGE (value out of range
 *         or not an integer for an integer option; the message names it).
 */
MN_API mn_status mn_powerlaw_set(mn_powerlaw *fit, mn_powerlaw_option option, double value);

/** @brief Seed of the bootstrap and goodness-of-fit random numbers (default 1). */
MN_API void mn_powerlaw_set_seed(mn_powerlaw *fit, uint64_t seed);

/**
 * @brief Fit data.
 *
 * For each candidate x_min (distinct data values with at least MIN_TAIL values >= it):
 * alpha = 1 + n_tail / sum_{x_i >= x_min} ln(x_i / x_min) (MLE) and the KS distance
 * D = max |S(x) - P(x)| between the empirical and fitted CDFs of the tail;
 * the x_min with the smallest D wins (ties: the smaller x_min). Standard error
 * sigma = (alpha - 1)/sqrt(n_tail). Discrete data (#MN_POWERLAW_DISCRETE): alpha maximises
 * -n ln zeta(alpha, x_min) - alpha sum ln x_i (golden-section search on (1, 60]), the KS
 * distance uses P(x) = 1 - zeta(alpha, x + 1)/zeta(alpha, x_min) on the integers, and
 * sigma = 1/sqrt(n_tail d^2/dalpha^2 ln zeta(alpha, x_min)). Optional bootstrap and p-value
 * as set.
 * Values <= 0 are allowed (zero intervals) but never part of a tail.
 *
 * @param[in] fit the fit object (results replaced).
 * @param[in] x the data, finite and >= 0 (not modified).
 * @param[in] n number of values.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, NaN/inf or negative value, a non-integer value or
 *         x_min in a discrete fit, fewer than MIN_TAIL
 *         positive values, no candidate tail with two distinct values); #MN_ERR_RANGE (a
 *         fixed x_min above every value); #MN_ERR_NOMEM. On failure the previous results
 *         are cleared.
 * Complexity O(n log n + k n) for k candidates, times (1 + BOOTSTRAP + GOF_SAMPLES).
 */
MN_API mn_status mn_powerlaw_fit(mn_powerlaw *fit, const double *x, size_t n);

/** @brief Fitted exponent alpha (> 1); 0 before a successful fit. */
MN_API double mn_powerlaw_alpha(const mn_powerlaw *fit);
/** @brief Standard error of alpha: (alpha - 1)/sqrt(n_tail), or from the Fisher information
 *  for a discrete fit; 0 before a fit. */
MN_API double mn_powerlaw_alpha_err(const mn_powerlaw *fit);
/** @brief Chosen lower cut-off x_min (units of x); 0 before a fit. */
MN_API double mn_powerlaw_xmin(const mn_powerlaw *fit);
/** @brief KS distance of the chosen fit; 0 before a fit. */
MN_API double mn_powerlaw_ks(const mn_powerlaw *fit);
/** @brief Number of values >= x_min used in the fit; 0 before a fit. */
MN_API size_t mn_powerlaw_n_tail(const mn_powerlaw *fit);
/** @brief Standard deviation of alpha over the bootstrap resamples; -1 if not computed. */
MN_API double mn_powerlaw_alpha_boot_err(const mn_powerlaw *fit);
/** @brief Standard deviation of x_min over the bootstrap resamples; -1 if not computed. */
MN_API double mn_powerlaw_xmin_boot_err(const mn_powerlaw *fit);
/** @brief CSN goodness-of-fit p-value (fraction of synthetic sets with a larger KS
 *  distance); -1 if not computed. p < 0.1 rules the power law out. */
MN_API double mn_powerlaw_p_value(const mn_powerlaw *fit);

/* ------------------------------------------------------------------------------------- */
/* Autocorrelation                                                                       */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Autocorrelation function of a series, for lags 0 .. max_lag:
 * acf[k] = sum_{i=0}^{n-1-k} (x_i - m)(x_{i+k} - m) / sum_{i=0}^{n-1} (x_i - m)^2,
 * m the mean (the standard biased estimator; acf[0] = 1, |acf[k]| <= 1).
 *
 * Computed with memnet's radix-2 FFT on the series zero-padded to a power of two
 * N >= n + max_lag (so no circular wrap-around): O(N log N) time, O(N) memory. For
 * n * (max_lag + 1) <= 65536 the direct sum O(n max_lag) is used instead (same result to
 * round-off).
 *
 * @param[out] acf max_lag + 1 values (caller array).
 * @param[in] ctx the context.
 * @param[in] x the series, finite, n >= 2, not constant.
 * @param[in] n number of samples.
 * @param[in] max_lag largest lag, < n.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, n < 2, NaN/inf); #MN_ERR_RANGE (max_lag >= n,
 *         constant series); #MN_ERR_NOMEM.
 */
MN_API mn_status mn_analysis_acf(double *acf, mn_context *ctx, const double *x, size_t n,
                                 size_t max_lag);

/**
 * @brief Bin event times into counts: counts[k] = number of events with
 * t0 + k w <= t < t0 + (k + 1) w, k = 0 .. nbins-1. Events outside are ignored.
 * A time within 1e-6 w of a bin edge t0 + k w (either side) counts as on that edge, i.e. in
 * bin k: event times of a fixed-step run lie on a grid t_start + j dt and carry rounding
 * errors of a few ulps (from t_start + j dt and from decimal text), which must not decide
 * their bin when w is a multiple of dt.
 *
 * @param[out] counts nbins values (caller array).
 * @param[in] ctx the context.
 * @param[in] times event times, finite and non-decreasing (n may be 0).
 * @param[in] n number of events.
 * @param[in] t0 start of the first bin (finite).
 * @param[in] bin_width w > 0.
 * @param[in] nbins number of bins, >= 1.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, NaN/inf, decreasing times, nbins = 0);
 *         #MN_ERR_RANGE (bin_width <= 0). O(n + nbins).
 */
MN_API mn_status mn_analysis_bin_events(double *counts, mn_context *ctx, const double *times,
                                        size_t n, double t0, double bin_width, size_t nbins);

/**
 * @brief ACF of a binned event train (003 Fig. 6d-f): the events are binned with
 * mn_analysis_bin_events() and the ACF of the counts is taken with mn_analysis_acf().
 * Lag k is a time shift of k * bin_width.
 *
 * @param[out] acf max_lag + 1 values (caller array).
 * @param[in] ctx the context.
 * @param[in] times event times (non-decreasing).
 * @param[in] n number of events.
 * @param[in] t0 start of the first bin.
 * @param[in] bin_width bin width, > 0.
 * @param[in] nbins number of bins (>= 2).
 * @param[in] max_lag largest lag (in bins), < nbins.
 * @return as mn_analysis_bin_events() and mn_analysis_acf() (#MN_ERR_RANGE if every bin
 *         holds the same count). O(n + N log N), N the padded length.
 */
MN_API mn_status mn_analysis_event_acf(double *acf, mn_context *ctx, const double *times,
                                       size_t n, double t0, double bin_width, size_t nbins,
                                       size_t max_lag);

/* ------------------------------------------------------------------------------------- */
/* Avalanches                                                                            */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Avalanches in a binned event train (003 sec. 2.4 and its ref. 19): an avalanche is a
 * maximal run of consecutive non-empty bins bounded by empty bins; its size is the sum of
 * the counts in the run (number of events) and its duration the number of bins in the run
 * (multiply by the bin width for a time). Runs that touch the first or last bin are
 * incomplete (their start or end is not observed) and are not returned.
 *
 * The customary bin width is the mean inter-event interval (ref. 19).
 *
 * @param[out] sizes avalanche sizes (caller array of capacity entries; (nbins - 1) / 2 always
 *             suffices).
 * @param[out] durations avalanche durations in bins (same capacity).
 * @param[out] starts index of the first bin of each avalanche, or NULL.
 * @param[out] count number of avalanches found.
 * @param[in] capacity entries available in the output arrays.
 * @param[in] ctx the context.
 * @param[in] counts binned counts, finite and >= 0.
 * @param[in] nbins number of bins (>= 1).
 * @return #MN_OK; #MN_ERR_INVALID (NULL, nbins = 0, NaN/inf or negative count);
 *         #MN_ERR_RANGE (more avalanches than capacity: *count holds the number needed). O(nbins).
 */
MN_API mn_status mn_analysis_avalanches(double *sizes, size_t *durations, size_t *starts,
                                        size_t *count, size_t capacity, mn_context *ctx,
                                        const double *counts, size_t nbins);

/* ------------------------------------------------------------------------------------- */
/* Moving averages                                                                       */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Trailing moving average over a window of samples (003 Fig. 7c, \<G\> over 100 time
 * steps): out[i] = mean of x[j] for max(0, i - window + 1) <= j <= i (the first window - 1
 * outputs average the samples available so far).
 *
 * Computed with a running sum that is recomputed exactly every `window` samples, so the
 * error does not grow with n.
 *
 * @param[out] out n values (caller array; may be the same array as x).
 * @param[in] ctx the context.
 * @param[in] x the series, finite.
 * @param[in] n number of samples (>= 1).
 * @param[in] window window length in samples, >= 1.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, n = 0, NaN/inf); #MN_ERR_RANGE (window = 0).
 *         O(n), O(window) extra memory.
 */
MN_API mn_status mn_analysis_moving_average(double *out, mn_context *ctx, const double *x,
                                            size_t n, size_t window);

/**
 * @brief Moving event rate (003 Fig. 7c, \<ER\>): rate[i] = (number of events with
 * t[i] - window < time <= t[i]) / window, evaluated at each sample time t[i]. Near the start
 * (t[i] - window < t[0]) the divisor is still the full window.
 *
 * @param[out] rate n values (caller array; events per unit of time).
 * @param[in] ctx the context.
 * @param[in] t sample times, strictly increasing and finite.
 * @param[in] n number of samples (>= 1).
 * @param[in] times event times, finite and non-decreasing (m may be 0).
 * @param[in] m number of events.
 * @param[in] window window length (units of t), > 0.
 * @return #MN_OK; #MN_ERR_INVALID (NULL, n = 0, NaN/inf, non-increasing t, decreasing
 *         times); #MN_ERR_RANGE (window <= 0). O(n + m).
 */
MN_API mn_status mn_analysis_event_rate(double *rate, mn_context *ctx, const double *t, size_t n,
                                        const double *times, size_t m, double window);

MN_END_DECLS

#endif /* MEMNET_ANALYSIS_H */
