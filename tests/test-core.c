/* Core: status codes, context, allocator hooks, errors, RNG. */
#include "mn-test.h"
#include "core/core-private.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

START_TEST(test_status_strings)
{
    ck_assert_str_eq(mn_status_str(MN_OK), "success");
    ck_assert_str_eq(mn_status_name(MN_ERR_RANGE), "MN_ERR_RANGE");
    ck_assert_str_eq(mn_status_str((mn_status)-999), "unknown status");
    ck_assert_str_eq(mn_status_name((mn_status)5), "MN_UNKNOWN");
    /* values are explicit and append-only */
    ck_assert_int_eq(MN_ERR_NOMEM, -1);
    ck_assert_int_eq(MN_ERR_INTERNAL, -13);
    /* every code lies in the fixed range [MN_STATUS_RANGE_MIN_, 0] and has a name */
    int n = 0;
#define CHECK_CODE(name, value, text)                                                     \
    ck_assert_int_le(name, 0);                                                            \
    ck_assert_int_gt(name, MN_STATUS_RANGE_MIN_);                                          \
    ck_assert_str_eq(mn_status_name(name), #name);                                        \
    n++;
    MN_STATUS_LIST(CHECK_CODE)
#undef CHECK_CODE
    ck_assert_int_eq(n, MN_STATUS_COUNT);
    ck_assert_int_eq(MN_STATUS_RANGE_MIN_, -1024);
    ck_assert_str_eq(mn_status_name(MN_STATUS_RANGE_MIN_), "MN_UNKNOWN");
}
END_TEST

START_TEST(test_version)
{
    ck_assert_int_eq(mn_version_number(), MN_VERSION_NUMBER);
    ck_assert_str_eq(mn_version_string(), MN_VERSION_STRING);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", MN_VERSION_MAJOR, MN_VERSION_MINOR, MN_VERSION_PATCH);
    ck_assert_str_eq(mn_version_string(), buf);
}
END_TEST

typedef struct counting {
    long live, calls;
} counting;

static void *c_malloc(size_t n, void *ud)
{
    counting *c = ud;
    c->live++;
    c->calls++;
    return malloc(n);
}
static void *c_realloc(void *p, size_t n, void *ud)
{
    counting *c = ud;
    if (!p) c->live++;
    c->calls++;
    return realloc(p, n);
}
static void c_free(void *p, void *ud)
{
    counting *c = ud;
    if (p) c->live--;
    free(p);
}

START_TEST(test_allocator_hooks)
{
    counting cnt = { 0, 0 };
    mn_allocator a = MN_ALLOCATOR_INIT;
    a.malloc_fn = c_malloc;
    a.realloc_fn = c_realloc;
    a.free_fn = c_free;
    a.user_data = &cnt;
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new_with_allocator(&ctx, &a), MN_OK);
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, 10));
    for (int i = 0; i < 9; i++) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, i, i + 1, NULL));
    ck_assert(cnt.calls > 2);
    mn_graph_free(g);
    mn_context_free(ctx);
    ck_assert_int_eq(cnt.live, 0);

    /* an allocator missing a function is refused */
    a.free_fn = NULL;
    ck_assert_int_eq(mn_context_new_with_allocator(&ctx, &a), MN_ERR_INVALID);
    ck_assert_ptr_null(ctx);
    /* a struct_size too small to hold the three functions is refused */
    a.free_fn = c_free;
    a.struct_size = 0;
    ck_assert_int_eq(mn_context_new_with_allocator(&ctx, &a), MN_ERR_INVALID);
    ck_assert_ptr_null(ctx);
    mn_context_free(ctx);
}
END_TEST

static int log_calls;
static void logger(mn_log_level lvl, const char *msg, void *ud)
{
    (void)lvl;
    log_calls++;
    ck_assert_ptr_eq(ud, &log_calls);
    ck_assert(strstr(msg, "-0.25") != NULL);
}

START_TEST(test_errors_and_log)
{
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    ck_assert_str_eq(mn_context_last_error(ctx), "");
    ck_assert_int_eq(mn_context_last_status(ctx), MN_OK);
    mn_context_set_log(ctx, logger, MN_LOG_WARNING, &log_calls);
    mn_status st = mn__error(ctx, MN_ERR_RANGE, "edge %d: gap length %g must be > 0", 17, -0.25);
    ck_assert_int_eq(st, MN_ERR_RANGE);
    ck_assert_str_eq(mn_context_last_error(ctx), "edge 17: gap length -0.25 must be > 0");
    ck_assert_int_eq(mn_context_last_status(ctx), MN_ERR_RANGE);
    ck_assert_int_eq(log_calls, 1);
    /* a new message may quote the previous one (no overlap of source and destination) */
    mn__error(ctx, MN_ERR_SOLVER, "solver failed; cause: %s", mn_context_last_error(ctx));
    ck_assert_str_eq(mn_context_last_error(ctx),
                     "solver failed; cause: edge 17: gap length -0.25 must be > 0");
    ck_assert_int_eq(log_calls, 2);
    mn_context_clear_error(ctx);
    ck_assert_str_eq(mn_context_last_error(ctx), "");
    mn_context_free(ctx);
    mn_context_free(NULL);
    ck_assert_str_eq(mn_context_last_error(NULL), "");
    ck_assert_int_eq(mn_context_new(NULL), MN_ERR_INVALID);
}
END_TEST

START_TEST(test_rng_reference_vectors)
{
    /* xoshiro256** from state {1,2,3,4}: published reference outputs (tests/ref/rng_ref.py) */
    mn__rng_state r = { { 1, 2, 3, 4 }, 0, 0.0 };
    ck_assert_uint_eq(mn__rng_u64(&r), UINT64_C(11520));
    ck_assert_uint_eq(mn__rng_u64(&r), UINT64_C(0));
    ck_assert_uint_eq(mn__rng_u64(&r), UINT64_C(1509978240));
    ck_assert_uint_eq(mn__rng_u64(&r), UINT64_C(1215971899390074240));

    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    mn_rng *a = NULL, *b = NULL;
    MN_ASSERT_OK(ctx, mn_rng_new(&a, ctx, 42, 0));
    MN_ASSERT_OK(ctx, mn_rng_new(&b, ctx, 42, 1));
    /* seeding through SplitMix64 (values from tests/ref/rng_ref.py) */
    ck_assert_uint_eq(mn_rng_u64(a), UINT64_C(0x1ff785474f113b15));
    ck_assert_uint_eq(mn_rng_u64(a), UINT64_C(0x4b7867ceff5d8325));
    ck_assert_uint_eq(mn_rng_u64(a), UINT64_C(0x90ca7a95a9909966));
    ck_assert_uint_eq(mn_rng_u64(b), UINT64_C(0x584870a53e6ddcdf));
    mn_rng_free(a);
    mn_rng_free(b);
    MN_ASSERT_OK(ctx, mn_rng_new(&a, ctx, UINT64_C(12345678901234567), 7));
    ck_assert_uint_eq(mn_rng_u64(a), UINT64_C(0x5de8fa05a98a75e3));
    mn_rng_free(a);
    mn_rng_free(NULL);
    mn_context_free(ctx);
}
END_TEST

START_TEST(test_rng_distributions)
{
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    mn_rng *r = NULL;
    MN_ASSERT_OK(ctx, mn_rng_new(&r, ctx, 7, 3));
    const int n = 400000;
    double s = 0, s2 = 0, z = 0, z2 = 0, z4 = 0;
    long counts[7] = { 0 };
    for (int i = 0; i < n; i++) {
        double u = mn_rng_uniform(r);
        ck_assert(u >= 0.0 && u < 1.0);
        s += u;
        s2 += u * u;
        double g = mn_rng_normal(r);
        z += g;
        z2 += g * g;
        z4 += g * g * g * g;
        uint64_t k = mn_rng_below(r, 7);
        ck_assert(k < 7);
        counts[k]++;
    }
    /* uniform: mean 1/2 (sd 0.289/sqrt(n)), variance 1/12; 5-sigma bounds */
    MN_ASSERT_ABS(s / n, 0.5, 5 * 0.2887 / sqrt(n));
    MN_ASSERT_ABS(s2 / n - (s / n) * (s / n), 1.0 / 12.0, 5 * 0.0745 / sqrt(n));
    /* normal: mean 0, variance 1 (sd sqrt(2/n)), fourth moment 3 (sd sqrt(96/n)) */
    MN_ASSERT_ABS(z / n, 0.0, 5 / sqrt(n));
    MN_ASSERT_ABS(z2 / n, 1.0, 5 * sqrt(2.0 / n));
    MN_ASSERT_ABS(z4 / n, 3.0, 5 * sqrt(96.0 / n));
    /* below(7): chi-square with 6 dof, 99.99% quantile 27.9 */
    double chi = 0, e = n / 7.0;
    for (int k = 0; k < 7; k++) chi += (counts[k] - e) * (counts[k] - e) / e;
    ck_assert_msg(chi < 27.9, "chi2 = %g", chi);
    ck_assert_uint_eq(mn_rng_below(r, 0), 0);
    mn_rng_free(r);
    mn_context_free(ctx);
}
END_TEST

/* ---- the context's thread pool (lib/core/pool.c) ---- */
typedef struct pool_probe {
    int calls[8];       /* calls per tid */
    int nseen[8];       /* nthreads passed to each tid */
    pthread_t who[8];   /* the thread that ran each tid */
    const double *x;    /* data summed in blocks */
    size_t n;
    double part[8];
} pool_probe;

static void pool_probe_fn(void *arg, int tid, int nthreads)
{
    pool_probe *p = arg;
    p->calls[tid]++;
    p->nseen[tid] = nthreads;
    p->who[tid] = pthread_self();
    size_t lo, hi;
    mn__pool_block(p->n, tid, nthreads, &lo, &hi);
    double s = 0.0;
    for (size_t i = lo; i < hi; i++) s += p->x[i];
    p->part[tid] = s;
}

START_TEST(test_pool)
{
    mn_context *ctx;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    /* the thread count: explicit settings are obeyed up to the pool's maximum, automatic is
     * one thread for small kernels and at most MN__POOL_AUTO_MAX (and the cores) above */
    ck_assert_int_eq(mn__pool_threads(NULL, (size_t)1 << 40), 1);
    ck_assert_int_eq(mn__pool_threads(ctx, 1000), 1);
    int cores = mn__pool_cores();
    ck_assert_int_ge(cores, 1);
    int autobig = mn__pool_threads(ctx, (size_t)1 << 40);
    ck_assert_int_eq(autobig, cores < MN__POOL_AUTO_MAX ? cores : MN__POOL_AUTO_MAX);
    ck_assert_int_eq(mn_context_set_threads(ctx, 3), MN_OK);
    ck_assert_int_eq(mn__pool_threads(ctx, 10), 3);
    ck_assert_int_eq(mn_context_set_threads(ctx, 1000), MN_OK);
    ck_assert_int_eq(mn__pool_threads(ctx, 10), MN__POOL_MAX);
    /* blocks: disjoint, cover [0, n), inner boundaries on multiples of 8 */
    size_t sizes[] = {0, 1, 7, 8, 9, 100, 1001};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int nt = 1; nt <= 5; nt++) {
            size_t next = 0;
            for (int t = 0; t < nt; t++) {
                size_t lo, hi;
                mn__pool_block(sizes[k], t, nt, &lo, &hi);
                ck_assert_uint_eq(lo, next);
                ck_assert_uint_le(lo, hi);
                if (t + 1 < nt) ck_assert_uint_eq(hi % 8, 0);
                next = hi;
            }
            ck_assert_uint_eq(next, sizes[k]);
        }
    /* every tid runs exactly once per kernel, tid 0 on the caller, the others on workers; a
     * block sum of 0, 1, ..., n-1 is exact in doubles: n (n-1) / 2 */
    size_t n = 100000;
    double *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++) x[i] = (double)i;
    for (int nt = 1; nt <= 5; nt++) {
        for (int rep = 0; rep < 500; rep++) {
            pool_probe p;
            memset(&p, 0, sizeof p);
            p.x = x;
            p.n = n;
            mn__pool_run(ctx, nt, pool_probe_fn, &p);
            double s = 0.0;
            for (int t = 0; t < nt; t++) {
                ck_assert_int_eq(p.calls[t], 1);
                ck_assert_int_eq(p.nseen[t], nt);
                s += p.part[t];
            }
            for (int t = nt; t < 8; t++) ck_assert_int_eq(p.calls[t], 0);
            ck_assert(pthread_equal(p.who[0], pthread_self()));
            for (int t = 1; t < nt; t++) ck_assert(!pthread_equal(p.who[t], pthread_self()));
            for (int t = 1; t < nt; t++)
                for (int u = t + 1; u < nt; u++) ck_assert(!pthread_equal(p.who[t], p.who[u]));
            ck_assert(s == 0.5 * (double)n * (double)(n - 1));
        }
    }
    /* an idle pool: the workers sleep; a kernel after a pause still runs */
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    pool_probe p;
    memset(&p, 0, sizeof p);
    p.x = x;
    p.n = n;
    mn__pool_run(ctx, 2, pool_probe_fn, &p);
    ck_assert_int_eq(p.calls[0] + p.calls[1], 2);
    free(x);
    mn_context_free(ctx); /* joins the workers; valgrind checks nothing leaks */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_status_strings);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_allocator_hooks);
    tcase_add_test(tc, test_errors_and_log);
    tcase_add_test(tc, test_rng_reference_vectors);
    tcase_add_test(tc, test_rng_distributions);
    tcase_add_test(tc, test_pool);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
