/*
 * Internal helpers of the core module, shared by every module of memnet.
 * Not installed; not part of the ABI.
 */
#ifndef MEMNET_CORE_PRIVATE_H
#define MEMNET_CORE_PRIVATE_H

#include <memnet/core.h>
#include "pool.h"
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>

#define MN__ERRMSG_MAX 512

struct mn_context {
    mn_allocator alloc;
    mn_log_fn log_fn;
    mn_log_level log_level;
    void *log_user;
    mn_status last_status;
    char last_error[MN__ERRMSG_MAX];
    size_t threads;        /* mn_context_set_threads: 0 = automatic */
    struct mn__pool *pool; /* worker threads, created lazily (pool.c) */
};

/* Allocation through the context's hooks. Sizes are checked for overflow. */
void *mn__malloc(mn_context *ctx, size_t size);
void *mn__calloc(mn_context *ctx, size_t count, size_t size); /* zero-filled */
void *mn__realloc(mn_context *ctx, void *ptr, size_t size);
void *mn__realloc_array(mn_context *ctx, void *ptr, size_t count, size_t size);
void mn__free(mn_context *ctx, void *ptr);
char *mn__strdup(mn_context *ctx, const char *s);
/* malloc that records "out of memory (what, N bytes)" in ctx on failure */
void *mn__malloc_or_err(mn_context *ctx, size_t count, size_t size, const char *what);
void *mn__calloc_or_err(mn_context *ctx, size_t count, size_t size, const char *what);

/* Record an error (printf-style message) and return `status` (so: return mn__error(...)). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
mn_status mn__error(mn_context *ctx, mn_status status, const char *fmt, ...);

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void mn__log(mn_context *ctx, mn_log_level level, const char *fmt, ...);

/* goto-cleanup helpers: the function declares `mn_status st = MN_OK;` and a `cleanup:` label */
#define MN__TRY(expr)                                                                           \
    do {                                                                                        \
        st = (expr);                                                                            \
        if (st != MN_OK) goto cleanup;                                                          \
    } while (0)
#define MN__FAIL(expr)                                                                          \
    do {                                                                                        \
        st = (expr);                                                                            \
        goto cleanup;                                                                           \
    } while (0)

/* ---- RNG state, usable by value inside other objects (no allocation) ---- */
typedef struct mn__rng_state {
    uint64_t s[4];
    int has_spare;
    double spare;
} mn__rng_state;

struct mn_rng {
    mn_context *ctx;
    mn__rng_state st;
};

void mn__rng_seed(mn__rng_state *r, uint64_t seed, uint64_t stream);
uint64_t mn__rng_u64(mn__rng_state *r);
double mn__rng_uniform(mn__rng_state *r);      /* [0,1) */
double mn__rng_uniform_pos(mn__rng_state *r);  /* (0,1) */
double mn__rng_normal(mn__rng_state *r);
uint64_t mn__rng_below(mn__rng_state *r, uint64_t n);

/* Text I/O in the "C" locale (lib/core/locale.c): begin switches the calling thread to the C
 * locale (returns 0, or -1 if the locale cannot be created), end restores the previous one. */
typedef struct mn__c_locale {
    locale_t prev, loc;
} mn__c_locale;
int mn__c_locale_begin(mn__c_locale *l);

/* One line of any length from f into *buf (grown as needed, *cap its size; *buf NULL at the
 * first call). Returns its length, -1 at EOF, -2 out of memory, -3 if the line holds a NUL
 * byte. A UTF-8 byte order mark on the first line (lineno 0) is skipped, a trailing CR
 * dropped (lib/core/textline.c). */
long mn__read_line(mn_context *ctx, FILE *f, char **buf, size_t *cap, size_t lineno);
/* The same lines from a reader of its own (lib/core/textline.c): the file is read in large
 * blocks and each line is handed out in place (*line points into the reader's buffer, valid
 * until the next call), for readers of large files. Same return values and rules as
 * mn__read_line; `lineno` counts the lines returned. */
typedef struct mn__lines {
    mn_context *ctx;
    FILE *f;
    char *buf;
    size_t cap, pos, end, scan; /* unread bytes buf[pos, end); no newline in buf[pos, scan) */
    size_t lineno;
    int eof;
} mn__lines;
void mn__lines_init(mn__lines *r, mn_context *ctx, FILE *f);
long mn__lines_next(mn__lines *r, char **line);
void mn__lines_free(mn__lines *r);
void mn__c_locale_end(mn__c_locale *l);

/* Finite-and-positive test etc. */
int mn__isfinite(double x);

/* The other accepted spelling of a parameter name shared by the network and mean-field
 * models ("kP0" <-> "k_p", lib/core/param-names.c), or NULL. */
const char *mn__param_alias(const char *name);

/* Run CHOLMOD's OpenMP regions on the calling thread between begin and end, without libgomp's
 * team (lib/core/omp_regions.c says why); begin returns the state that end restores. Sections
 * nest. mn__omp_direct_regions: the regions run directly so far, process-wide (tests). */
int mn__serial_begin(void);
void mn__serial_end(int prev);
unsigned long mn__omp_direct_regions(void);

/* BLAS threads (lib/core/threads.c): the count memnet's BLAS calls use for a factorisation of
 * `flops` floating-point operations under the context's setting (0 if the BLAS's count cannot
 * be set: not OpenBLAS); begin sets it (returns what end restores, 0: nothing to restore). */
#define MN__BLAS_THREADS_MIN_FLOPS 3e10 /* automatic: one thread below (docs/performance.md) */
int mn__blas_threads_available(void);
int mn__blas_threads_for(const mn_context *ctx, double flops);
int mn__blas_threads_begin(const mn_context *ctx, double flops);
void mn__blas_threads_end(int prev);

/* METIS (behind CHOLMOD's orderings) keeps its random generator in process-wide state and
 * reseeds it at every call: two calls at once in different threads interleave their draws,
 * and the orderings, hence the last digits of every result, then depend on the timing. Every
 * memnet call that may run METIS holds this process-wide lock (lib/core/threads.c). */
void mn__metis_lock(void);
void mn__metis_unlock(void);

#endif
