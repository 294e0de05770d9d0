/**
 * @file core.h
 * @brief Context, status codes, error messages, allocator hooks, logging and the RNG; and the
 *        conventions every memnet header follows (stated here once).
 *
 * @section mn_conventions Conventions of the memnet API
 *
 * **Objects.** Every public type is an opaque handle `mn_<thing>` created by
 * `mn_<thing>_new(&out, ctx, ...)` and released by `mn_<thing>_free()`; freeing NULL does
 * nothing. Every object belongs to an ::mn_context and must be freed before it. Functions are
 * named `mn_<module>_<verb>()` and take their outputs first, then the object, then inputs;
 * callbacks end with `void *user_data`. Node and edge ids are ::mn_index (int32_t); counts and
 * sizes are `size_t`; no `long` appears in the API (fixed-width integer types instead).
 *
 * **Errors.** Every fallible call returns an ::mn_status: #MN_OK (0) or a negative code. On
 * failure the context keeps a readable message naming the offending value
 * (mn_context_last_error()) and its status (mn_context_last_status()); `*out` is set to NULL
 * and nothing leaks. The library never aborts, prints or exits. Status codes are append-only:
 * a released code keeps its name and value, and every code, present and future, lies in
 * [#MN_STATUS_RANGE_MIN_, 0].
 *
 * **Getters** that return a value instead of a status return NaN (floating point), NULL
 * (pointers), 0 (counts and counters) or an error code of their own type on misuse (a NULL
 * handle, an unknown key, an index out of range), and record nothing. Borrowed pointers are
 * `const` and valid until the object changes or is freed, as each getter states.
 *
 * **Options and statistics** are keyed by enums with explicit values, set and read through
 * typed setters and getters (`mn_<obj>_set_<type>(obj, MN_<OBJ>_<KEY>, value)`,
 * `mn_<obj>_stat_get(obj, MN_<OBJ>_STAT_<KEY>)`), so new options and statistics are new
 * enumerators, never a changed signature. Enumerators are only appended.
 *
 * **Extension structs** (the model ops table, the allocator) are the only public structs: they
 * start with `size_t struct_size`, set by an `MN_<STRUCT>_INIT` macro; the library reads only
 * the members the caller's struct_size covers and zero-fills the rest, so a program built
 * against an older header keeps working. New members are added only at the end.
 *
 * **Threads.** A context and every object created from it are used by one thread at a time;
 * separate contexts share nothing memnet owns and may be used concurrently from different
 * threads. Two things are process-wide and outside memnet's control:
 * - around its CHOLMOD analyse and factorise calls memnet sets OpenMP's max-active-levels to 0
 *   (CHOLMOD otherwise opens a fixed four-thread team per supernode) and restores the previous
 *   value afterwards; in libgomp this setting is process-wide, so an OpenMP region that
 *   another thread opens during such a call runs on one thread (results are unchanged);
 * - CHOLMOD allocates through SuiteSparse's global allocator (SuiteSparse_config: the C
 *   library's malloc family unless the program changed it), not through the context's
 *   ::mn_allocator; a program that replaces SuiteSparse's allocator changes it for memnet too,
 *   and must not do so while memnet calls are running.
 * The BLAS (OpenBLAS) keeps its own thread pool (OPENBLAS_NUM_THREADS).
 *
 * **Units.** SI units (V, A, S, s) unless a declaration says otherwise; lengths are in the unit
 * of the geometry. Equations are cited as "000 eq. (24)": the tags 000..004 refer to the papers
 * listed in docs/references.md.
 */
#ifndef MEMNET_CORE_H
#define MEMNET_CORE_H

#include <memnet/common.h>

MN_BEGIN_DECLS

/**
 * @brief The list of status codes: X(name, value, description).
 *
 * Append-only: a released code keeps its name and value for ever, and new codes take the
 * next negative values, never below #MN_STATUS_RANGE_MIN_.
 */
#define MN_STATUS_LIST(X)                                                        \
    X(MN_OK, 0, "success")                                                       \
    X(MN_ERR_NOMEM, -1, "out of memory")                                         \
    X(MN_ERR_INVALID, -2, "invalid argument")                                    \
    X(MN_ERR_RANGE, -3, "value out of range")                                    \
    X(MN_ERR_IO, -4, "input/output error")                                       \
    X(MN_ERR_PARSE, -5, "malformed input")                                       \
    X(MN_ERR_NOT_FOUND, -6, "not found")                                         \
    X(MN_ERR_STATE, -7, "object not in a state that allows the call")           \
    X(MN_ERR_SINGULAR, -8, "singular system (undefined potential)")             \
    X(MN_ERR_SOLVER, -9, "numerical solver failure")                             \
    X(MN_ERR_CONVERGENCE, -10, "iteration did not converge")                     \
    X(MN_ERR_CANCELLED, -11, "cancelled by the caller")                          \
    X(MN_ERR_UNSUPPORTED, -12, "operation not supported")                        \
    X(MN_ERR_INTERNAL, -13, "internal error")

#ifdef MN_DOXYGEN
/* What Doxygen documents: the enum MN_STATUS_LIST expands to (docs/check-status-docs.sh
 * checks that the two lists agree). */
/** @brief Result of every fallible call: #MN_OK (0) or a negative error code. */
typedef enum mn_status {
    MN_OK = 0,                /**< success */
    MN_ERR_NOMEM = -1,        /**< out of memory */
    MN_ERR_INVALID = -2,      /**< invalid argument */
    MN_ERR_RANGE = -3,        /**< value out of range */
    MN_ERR_IO = -4,           /**< input/output error */
    MN_ERR_PARSE = -5,        /**< malformed input */
    MN_ERR_NOT_FOUND = -6,    /**< not found */
    MN_ERR_STATE = -7,        /**< object not in a state that allows the call */
    MN_ERR_SINGULAR = -8,     /**< singular system (undefined potential) */
    MN_ERR_SOLVER = -9,       /**< numerical solver failure */
    MN_ERR_CONVERGENCE = -10, /**< iteration did not converge */
    MN_ERR_CANCELLED = -11,   /**< cancelled by the caller */
    MN_ERR_UNSUPPORTED = -12, /**< operation not supported */
    MN_ERR_INTERNAL = -13,    /**< internal error */
    MN_STATUS_RANGE_MIN_ = -1024 /**< lower bound of every status code of every 1.x version
                                      (not a status; fixed, unlike the smallest code) */
} mn_status;
#else
/** @brief Result of every fallible call: #MN_OK (0) or a negative error code. */
typedef enum mn_status {
/** @cond INTERNAL */
#define MN__STATUS_ENUM(name, value, text) name = value,
    MN_STATUS_LIST(MN__STATUS_ENUM)
#undef MN__STATUS_ENUM
/** @endcond */
    MN_STATUS_RANGE_MIN_ = -1024 /**< lower bound of every status code of every 1.x version
                                      (not a status; fixed, unlike the smallest code) */
} mn_status;

/**
 * @brief Number of status codes this header knows (MN_OK included); a compile-time constant,
 *        not part of the ABI. A newer library may return codes beyond it: mn_status_name()
 *        gives "MN_UNKNOWN" for a code the running library does not know.
 */
#define MN_STATUS_COUNT (0 MN_STATUS_LIST(MN__STATUS_COUNT_ONE))
/** @cond INTERNAL */
#define MN__STATUS_COUNT_ONE(name, value, text) +1
/** @endcond */
#endif

/**
 * @brief Short English description of a status code.
 * @param[in] status any value; unknown values give "unknown status".
 * @return a static string; never NULL.
 */
MN_API const char *mn_status_str(mn_status status);

/**
 * @brief Name of a status code ("MN_ERR_RANGE").
 * @return a static string; "MN_UNKNOWN" for values not in the list.
 */
MN_API const char *mn_status_name(mn_status status);

/** @brief Library context: allocator, log callback, last error message. Opaque. */
typedef struct mn_context mn_context;

/**
 * @brief Custom allocator. A versioned extension struct: set `struct_size` with
 * #MN_ALLOCATOR_INIT; the library reads only the members the caller knows.
 *
 * The functions follow malloc/realloc/free semantics and receive `user_data`.
 */
typedef struct mn_allocator {
    size_t struct_size;                                         /**< sizeof(mn_allocator) */
    void *(*malloc_fn)(size_t size, void *user_data);           /**< allocate */
    void *(*realloc_fn)(void *ptr, size_t size, void *user_data); /**< resize */
    void (*free_fn)(void *ptr, void *user_data);                /**< release (NULL allowed) */
    void *user_data;                                            /**< passed to every call */
} mn_allocator;

/** @brief Initialiser for ::mn_allocator: size set, everything else NULL. */
#define MN_ALLOCATOR_INIT { sizeof(mn_allocator), NULL, NULL, NULL, NULL }

/** @brief Severity of a log message. */
typedef enum mn_log_level {
    MN_LOG_ERROR = 0,   /**< an error is being returned */
    MN_LOG_WARNING = 1, /**< something suspicious, computation goes on */
    MN_LOG_INFO = 2,    /**< progress and statistics */
    MN_LOG_DEBUG = 3    /**< details for developers */
} mn_log_level;

/**
 * @brief Log callback.
 * @param[in] level severity.
 * @param[in] message NUL-terminated text, valid during the call only.
 * @param[in] user_data as given to mn_context_set_log().
 */
typedef void (*mn_log_fn)(mn_log_level level, const char *message, void *user_data);

/**
 * @brief Create a context with the C library's malloc/realloc/free.
 * @param[out] out the new context; NULL on failure.
 * @return #MN_OK, #MN_ERR_INVALID (out is NULL) or #MN_ERR_NOMEM.
 */
MN_API mn_status mn_context_new(mn_context **out);

/**
 * @brief Create a context whose objects use a custom allocator.
 * @param[out] out the new context; NULL on failure.
 * @param[in] allocator the hooks (copied); NULL means the C library's functions. All three
 *            functions must be given.
 * @return #MN_OK, #MN_ERR_INVALID (missing function or bad struct_size), #MN_ERR_NOMEM.
 */
MN_API mn_status mn_context_new_with_allocator(mn_context **out, const mn_allocator *allocator);

/**
 * @brief Free a context. Objects created from it must be freed first.
 * @param[in] ctx the context; NULL does nothing.
 */
MN_API void mn_context_free(mn_context *ctx);

/**
 * @brief Message of the last error recorded in this context.
 *
 * The message names the offending value ("edge 17: gap length -0.2 must be > 0").
 * It stays until the next error; successful calls do not clear it.
 * @param[in] ctx the context (NULL gives "").
 * @return a borrowed string, valid until the next call on the context; "" if no error yet.
 */
MN_API const char *mn_context_last_error(const mn_context *ctx);

/**
 * @brief Status of the last error recorded in this context (#MN_OK if none).
 */
MN_API mn_status mn_context_last_status(const mn_context *ctx);

/**
 * @brief Forget the last error.
 */
MN_API void mn_context_clear_error(mn_context *ctx);

/**
 * @brief Install a log callback (none by default: the library prints nothing).
 * @param[in] ctx the context.
 * @param[in] fn the callback, or NULL to disable logging.
 * @param[in] max_level messages above this level are not delivered.
 * @param[in] user_data passed to every call.
 */
MN_API void mn_context_set_log(mn_context *ctx, mn_log_fn fn, mn_log_level max_level,
                               void *user_data);

/**
 * @brief Threads that memnet's calls in this context may use in the BLAS behind CHOLMOD's
 *        factorisations and solves.
 *
 * 0 (the default) is automatic: one thread for a factorisation below the size where a second
 * thread shortens it (measured on a 2-core machine: docs/performance.md, "Threads"), above it
 * the BLAS's own default (OpenBLAS: `OPENBLAS_NUM_THREADS`, else the number of cores). n >= 1
 * uses n threads for every factorisation and solve. The setting applies to OpenBLAS (looked up
 * at run time); with another BLAS it is ignored. CHOLMOD's OpenMP regions always run on the
 * calling thread (they cost more than they gain on these matrices).
 *
 * OpenBLAS's thread count is process-wide: memnet sets it when it enters a factorisation or
 * solve and restores the previous value when it leaves, so the embedding program's own BLAS
 * calls keep their setting, except calls made by another thread while memnet is inside one of
 * its calls, which run with memnet's count. Several contexts in several threads: each call
 * uses its own context's count, and the value restored last wins.
 *
 * OpenBLAS's idle worker threads spin for about 0.1 s after start-up and after every threaded
 * call before they sleep, one core's worth of CPU time for nothing when the program's BLAS
 * calls are single-threaded: a program that makes no threaded BLAS calls of its own can end
 * them with mn_blas_stop_workers() (the memnet program does so at start-up).
 * @param[in] ctx the context.
 * @param[in] n threads (0 = automatic, at most 1024).
 * @return #MN_OK, #MN_ERR_INVALID (ctx is NULL), #MN_ERR_RANGE (n > 1024).
 */
MN_API mn_status mn_context_set_threads(mn_context *ctx, size_t n);

/**
 * @brief The thread setting of mn_context_set_threads() (0 = automatic; 0 for a NULL context).
 */
MN_API size_t mn_context_threads(const mn_context *ctx);

/**
 * @brief End the BLAS's idle worker threads and leave it single-threaded, process-wide
 *        (OpenBLAS; with another BLAS nothing is done).
 *
 * OpenBLAS (pthreads build) starts one worker thread per further core when it is loaded; a
 * worker without a job spins (sched_yield, about 0.1 s of a free core's time, mostly system
 * time) after start-up and after every threaded call before it sleeps. A process that links
 * memnet burns that at start-up even when all its BLAS calls run on one thread, as they do by
 * default below the size where a second thread pays (mn_context_set_threads();
 * docs/performance.md, "The idle BLAS thread").
 *
 * This sets OpenBLAS's process-wide thread count to 1 (openblas_set_num_threads) and ends its
 * worker threads. memnet's calls that run on one thread then leave them ended; a memnet call
 * whose context setting asks for more threads (including the automatic setting above its
 * crossover, which keeps OpenBLAS's default from before this call) sets the count, which
 * makes OpenBLAS start its workers again, and sets 1 again afterwards. The program's own BLAS
 * calls run on one thread from here on, unless it sets OpenBLAS's count itself, which starts
 * the workers again. Meant for programs whose own BLAS calls, if any, are single-threaded:
 * the memnet program calls it at start-up. Call it while no other thread is inside a BLAS
 * call (OpenBLAS joins its workers). Calling it again ends workers started since.
 * Process-wide, so it takes no context (as mn_mpi_init()): the status is the whole answer.
 * @return #MN_OK if OpenBLAS's workers were ended (also when none were running),
 *         #MN_ERR_UNSUPPORTED if the BLAS is not OpenBLAS or cannot end its workers (nothing
 *         is changed; the program may ignore it).
 */
MN_API mn_status mn_blas_stop_workers(void);

/* ------------------------------------------------------------------------------------- */
/* Random numbers                                                                        */
/* ------------------------------------------------------------------------------------- */

/**
 * @brief Reproducible random number generator (xoshiro256** seeded through SplitMix64).
 *
 * A (seed, stream) pair gives the same integer sequence on every platform and build.
 * Different streams of one seed are statistically independent: use one stream per
 * independent use (geometry, model variability, initial states, ...).
 */
typedef struct mn_rng mn_rng;

/**
 * @brief Create a generator.
 * @param[out] out the generator; NULL on failure.
 * @param[in] ctx the owning context.
 * @param[in] seed the seed.
 * @param[in] stream the stream number (0, 1, 2, ... for independent uses).
 * @return #MN_OK, #MN_ERR_INVALID, #MN_ERR_NOMEM.
 */
MN_API mn_status mn_rng_new(mn_rng **out, mn_context *ctx, uint64_t seed, uint64_t stream);

/** @brief Free a generator; NULL does nothing. */
MN_API void mn_rng_free(mn_rng *rng);

/** @brief Next 64 random bits. O(1). */
MN_API uint64_t mn_rng_u64(mn_rng *rng);

/** @brief Uniform double in [0, 1) with 53 random bits. O(1). */
MN_API double mn_rng_uniform(mn_rng *rng);

/**
 * @brief Standard normal variate (polar Box-Muller on uniforms from this generator).
 *
 * The integer stream is platform independent; the transform uses log and sqrt from the
 * C library, which are correctly rounded on glibc.
 */
MN_API double mn_rng_normal(mn_rng *rng);

/** @brief Uniform integer in [0, n) without modulo bias; 0 when n is 0. */
MN_API uint64_t mn_rng_below(mn_rng *rng, uint64_t n);

MN_END_DECLS

#endif /* MEMNET_CORE_H */
