/* The memnet program's direct OpenMP regions (tools/cli-omp.c): this test program links that
 * file, so its GOMP_parallel replaces libgomp's here as in the program. Inactive regions at
 * level 0 must run every iteration in the calling thread (static and dynamic loops, a
 * reduction); active and nested regions must still get their teams from libgomp; and CHOLMOD's
 * supernodal factorisation, run by memnet under its serial setting, must take the direct path
 * and still give a lattice's closed-form conductance. */
#include "mn-test.h"

#include "../../tools/cli.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define N 1000

START_TEST(test_inactive_regions_run_directly)
{
    int prev = omp_get_max_active_levels();
    omp_set_max_active_levels(0);
    static int hit[N], who[N];
    memset(hit, 0, sizeof hit);
    unsigned long before = cli_omp_direct_regions();
#pragma omp parallel for num_threads(4)
    for (int i = 0; i < N; i++) {
        hit[i]++;
        who[i] = omp_get_thread_num() + 100 * omp_get_num_threads();
    }
    long sum = 0;
#pragma omp parallel for num_threads(4) schedule(dynamic, 7) reduction(+ : sum)
    for (int i = 0; i < N; i++) {
        hit[i]++;
        sum += i;
    }
    int inner_level = -1;
#pragma omp parallel num_threads(3)
    {
        inner_level = omp_get_level();
    }
    unsigned long after = cli_omp_direct_regions();
    omp_set_max_active_levels(prev);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(hit[i], 2);
        ck_assert_int_eq(who[i], 100); /* thread 0 of 1 */
    }
    ck_assert_int_eq(sum, (long)N * (N - 1) / 2);
    ck_assert_int_eq(inner_level, 0);
    ck_assert_uint_eq(after - before, 3);
}
END_TEST

START_TEST(test_active_regions_get_teams)
{
    omp_set_dynamic(0);
    omp_set_max_active_levels(1);
    unsigned long before = cli_omp_direct_regions();
    int team = 0;
#pragma omp parallel num_threads(3)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    ck_assert_int_eq(team, 3);
    /* nested in an active region, the inner region is inactive but not at level 0: it must go
     * through libgomp (its body sees a team of one, not the outer team of two), so each outer
     * thread's inner loop covers its whole array */
    static int part[2][N];
    memset(part, 0, sizeof part);
#pragma omp parallel num_threads(2)
    {
        int t = omp_get_thread_num();
#pragma omp parallel for num_threads(2)
        for (int i = 0; i < N; i++) part[t][i]++;
    }
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < N; i++) ck_assert_int_eq(part[t][i], 1);
    ck_assert_uint_eq(cli_omp_direct_regions(), before);
}
END_TEST

/* an nx x ny square lattice of 1 S edges between its first and last column: G_eff = ny/(nx-1) */
START_TEST(test_cholmod_supernodal_direct)
{
    const size_t nx = 120, ny = 90;
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    unsigned long before = cli_omp_direct_regions();
    mn_test_grid_geff(ctx, nx, ny);
    /* CHOLMOD's supernodal factorisation opened its regions through the direct path */
    ck_assert_uint_gt(cli_omp_direct_regions() - before, 100);
    mn_context_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli-omp-regions");
    TCase *tc = tcase_create("regions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_inactive_regions_run_directly);
    tcase_add_test(tc, test_active_regions_get_teams);
    tcase_add_test(tc, test_cholmod_supernodal_direct);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
