/* The memnet program's huge-page allocation (tools/cli-hugepages.c), linked into this test with
 * a stand-in for cli.c's cli_set_allocator that keeps the allocator it is given. Blocks of 2 MiB
 * and more, CHOLMOD's and the contexts', must come 2 MiB-aligned and (where the kernel has
 * transparent huge pages) marked for them; smaller ones and grown ones keep their contents;
 * MEMNET_NO_HUGEPAGES=1 leaves everything to the C library; and a solve on these allocations
 * gives a lattice's closed-form conductance. */
#include "mn-test.h"

#include "../../tools/cli.h"

#include <SuiteSparse_config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const mn_allocator *given;

void cli_set_allocator(const mn_allocator *a)
{
    given = a;
}

#define MIB ((size_t)1 << 20)

/* whether the mapping holding p carries the huge-page advice ("hg" in its VmFlags): 1, 0, or -1
 * when /proc/self/smaps cannot be read */
static int marked_huge(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return -1;
    char line[512];
    int inside = 0, found = 0;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = a >= lo && a < hi;
        else if (inside && !strncmp(line, "VmFlags:", 8))
            found = strstr(line, " hg") != NULL;
    }
    fclose(f);
    return found;
}

static int kernel_has_thp(void)
{
    return access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0;
}

START_TEST(test_off_by_environment)
{
    given = NULL;
    setenv("MEMNET_NO_HUGEPAGES", "1", 1);
    void *(*before)(size_t) = SuiteSparse_config.malloc_func;
    ck_assert_int_eq(cli_hugepages_install(), 0);
    ck_assert_ptr_null(given);
    ck_assert_ptr_eq(SuiteSparse_config.malloc_func, before);
    unsetenv("MEMNET_NO_HUGEPAGES");
}
END_TEST

START_TEST(test_large_blocks_aligned_and_marked)
{
    unsetenv("MEMNET_NO_HUGEPAGES");
    ck_assert_int_eq(cli_hugepages_install(), 1);
    ck_assert_ptr_nonnull(given);
    /* CHOLMOD's hook */
    double *x = SuiteSparse_malloc(1 << 20, sizeof *x); /* 8 MiB */
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq((uintptr_t)x % (2 * MIB), 0);
    for (size_t i = 0; i < (1 << 20); i++) x[i] = (double)i;
    if (kernel_has_thp()) {
        int h = marked_huge(x);
        if (h >= 0) ck_assert_int_eq(h, 1);
    }
    ck_assert_double_eq(x[(1 << 20) - 1], (double)((1 << 20) - 1));
    SuiteSparse_free(x);
    /* the contexts' allocator: a large block aligned, a small one not forced to be; growing
     * keeps the contents */
    unsigned char *b = given->malloc_fn(3 * MIB, given->user_data);
    unsigned char *s = given->malloc_fn(100, given->user_data);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq((uintptr_t)b % (2 * MIB), 0);
    for (size_t i = 0; i < 3 * MIB; i++) b[i] = (unsigned char)(i * 7);
    b = given->realloc_fn(b, 9 * MIB, given->user_data);
    ck_assert_ptr_nonnull(b);
    size_t bad = 0;
    for (size_t i = 0; i < 3 * MIB; i++) bad += b[i] != (unsigned char)(i * 7);
    ck_assert_uint_eq(bad, 0);
    memset(b + 3 * MIB, 1, 6 * MIB);
    s = given->realloc_fn(s, 5 * MIB, given->user_data);
    ck_assert_ptr_nonnull(s);
    given->free_fn(b, given->user_data);
    given->free_fn(s, given->user_data);
}
END_TEST

/* an nx x ny square lattice of 1 S edges between its first and last column: G_eff = ny/(nx-1);
 * its factor (about 10 MiB of values) and per-edge arrays take the huge-page path */
START_TEST(test_solve_on_huge_pages)
{
    const size_t nx = 200, ny = 150;
    unsetenv("MEMNET_NO_HUGEPAGES");
    ck_assert_int_eq(cli_hugepages_install(), 1);
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_kirchhoff *k = NULL;
    ck_assert_int_eq(mn_context_new_with_allocator(&ctx, given), MN_OK);
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, nx * ny));
    for (size_t y = 0; y < ny; y++)
        for (size_t x = 0; x < nx; x++) {
            mn_index i = (mn_index)(y * nx + x);
            if (x + 1 < nx) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, i, i + 1, NULL));
            if (y + 1 < ny) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, i, i + (mn_index)nx, NULL));
        }
    mn_index *left = malloc(ny * sizeof *left), *right = malloc(ny * sizeof *right);
    ck_assert_ptr_nonnull(left);
    ck_assert_ptr_nonnull(right);
    for (size_t y = 0; y < ny; y++) {
        left[y] = (mn_index)(y * nx);
        right[y] = (mn_index)(y * nx + nx - 1);
    }
    size_t m = mn_graph_edge_count(g);
    double *G = malloc(m * sizeof *G);
    ck_assert_ptr_nonnull(G);
    for (size_t e = 0; e < m; e++) G[e] = 1.0;
    double geff = 0;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, left, ny, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(k, right, ny, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(k, 0, 1.0));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_effective_conductance(k, 0, 1, &geff));
    MN_ASSERT_REL(geff, (double)ny / (double)(nx - 1), 1e-12);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(left);
    free(right);
    free(G);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli-hugepages");
    TCase *tc = tcase_create("hugepages");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_off_by_environment);
    tcase_add_test(tc, test_large_blocks_aligned_and_marked);
    tcase_add_test(tc, test_solve_on_huge_pages);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
