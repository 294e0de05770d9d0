/* Core: status codes, context, allocator hooks, errors, RNG. */
#include "mn-test.h"
#include "core/core-private.h"

#include <stdlib.h>
#include <string.h>

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
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
