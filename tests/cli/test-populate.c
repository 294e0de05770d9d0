/* The memnet program's populated large blocks (tools/cli-populate.c), linked into this test with
 * a stand-in for cli.c's cli_set_allocator that keeps the allocator it is given. Blocks of 2 MiB
 * and more, CHOLMOD's and the contexts', must be resident as soon as they are allocated (where
 * the kernel has MADV_POPULATE_WRITE); grown ones keep their contents; MEMNET_NO_POPULATE=1
 * leaves everything to the C library; and a solve on these allocations gives a lattice's
 * closed-form conductance. */
#define _GNU_SOURCE /* mincore */
#include "mn-test.h"

#include "../../tools/cli.h"

#include <SuiteSparse_config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const mn_allocator *given;

void cli_set_allocator(const mn_allocator *a)
{
    given = a;
}

#define MIB ((size_t)1 << 20)

static size_t page_size(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096;
}

/* whether this kernel populates on request: a fresh mapping, one madvise */
static int kernel_populates(void)
{
    size_t len = 4 * page_size();
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 0;
    int ok = madvise(m, len, 23 /* MADV_POPULATE_WRITE */) == 0;
    munmap(m, len);
    return ok;
}

/* pages of [p, p + size) not resident (mincore), whole pages inside the block only */
static size_t missing_pages(const void *p, size_t size)
{
    size_t ps = page_size();
    uintptr_t a = ((uintptr_t)p + ps - 1) & ~(uintptr_t)(ps - 1);
    uintptr_t b = ((uintptr_t)p + size) & ~(uintptr_t)(ps - 1);
    if (b <= a) return 0;
    size_t n = (b - a) / ps, miss = 0;
    unsigned char *vec = malloc(n);
    ck_assert_ptr_nonnull(vec);
    ck_assert_int_eq(mincore((void *)a, b - a, vec), 0);
    for (size_t i = 0; i < n; i++) miss += !(vec[i] & 1);
    free(vec);
    return miss;
}

START_TEST(test_off_by_environment)
{
    given = NULL;
    setenv("MEMNET_NO_POPULATE", "1", 1);
    void *(*before)(size_t) = SuiteSparse_config.malloc_func;
    ck_assert_int_eq(cli_populate_install(), 0);
    ck_assert_ptr_null(given);
    ck_assert_ptr_eq(SuiteSparse_config.malloc_func, before);
    unsetenv("MEMNET_NO_POPULATE");
}
END_TEST

START_TEST(test_large_blocks_resident)
{
    unsetenv("MEMNET_NO_POPULATE");
    ck_assert_int_eq(cli_populate_install(), 1);
    ck_assert_ptr_nonnull(given);
    int pop = kernel_populates();
    /* CHOLMOD's hook: a fresh 8 MiB block, resident before it is written */
    double *x = SuiteSparse_malloc(1 << 20, sizeof *x);
    ck_assert_ptr_nonnull(x);
    if (pop) ck_assert_uint_eq(missing_pages(x, 8 * MIB), 0);
    for (size_t i = 0; i < (1 << 20); i++) x[i] = (double)i;
    ck_assert_double_eq(x[(1 << 20) - 1], (double)((1 << 20) - 1));
    SuiteSparse_free(x);
    /* the contexts' allocator: a large block resident, growing keeps the contents and the grown
     * block is resident too */
    unsigned char *b = given->malloc_fn(3 * MIB, given->user_data);
    ck_assert_ptr_nonnull(b);
    if (pop) ck_assert_uint_eq(missing_pages(b, 3 * MIB), 0);
    for (size_t i = 0; i < 3 * MIB; i++) b[i] = (unsigned char)(i * 7);
    b = given->realloc_fn(b, 9 * MIB, given->user_data);
    ck_assert_ptr_nonnull(b);
    if (pop) ck_assert_uint_eq(missing_pages(b, 9 * MIB), 0);
    size_t bad = 0;
    for (size_t i = 0; i < 3 * MIB; i++) bad += b[i] != (unsigned char)(i * 7);
    ck_assert_uint_eq(bad, 0);
    unsigned char *s = given->malloc_fn(100, given->user_data);
    ck_assert_ptr_nonnull(s);
    given->free_fn(b, given->user_data);
    given->free_fn(s, given->user_data);
}
END_TEST

/* an nx x ny square lattice of 1 S edges between its first and last column: G_eff = ny/(nx-1);
 * its factor (about 10 MiB of values) takes the populating path */
START_TEST(test_solve_on_populated_blocks)
{
    const size_t nx = 200, ny = 150;
    unsetenv("MEMNET_NO_POPULATE");
    ck_assert_int_eq(cli_populate_install(), 1);
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new_with_allocator(&ctx, given), MN_OK);
    mn_test_grid_geff(ctx, nx, ny);
    mn_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli-populate");
    TCase *tc = tcase_create("populate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_off_by_environment);
    tcase_add_test(tc, test_large_blocks_resident);
    tcase_add_test(tc, test_solve_on_populated_blocks);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
