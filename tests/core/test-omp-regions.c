/* The library's direct OpenMP regions (lib/core/omp_regions.c): this test program links the
 * internal library, so its GOMP_parallel replaces libgomp's here as in a program linked against
 * libmemnet. Inactive regions at level 0 inside memnet's serial sections must run every iteration
 * in the calling thread (static and dynamic loops, a reduction); regions outside those sections
 * (even inactive ones), active and nested regions must still get their teams from libgomp; and
 * CHOLMOD's supernodal factorisation, run by memnet in a serial section, must take the direct
 * path and still give a lattice's closed-form conductance, also when memnet is called from the
 * threads of the program's own parallel region. */
#include "../mn-test.h"

#include "core/core-private.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define N 1000

/* three regions: a static loop, a dynamic loop with a reduction, a plain region; hit[i] counts
 * the iterations, who[i] records thread number + 100 * team size, *level the plain region's */
static long three_regions(int *hit, int *who, int *level)
{
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
#pragma omp parallel num_threads(3)
    {
        *level = omp_get_level();
    }
    return sum;
}

START_TEST(test_serial_section_regions_run_directly)
{
    static int hit[N], who[N];
    memset(hit, 0, sizeof hit);
    int level = -1;
    int prev_levels = omp_get_max_active_levels();
    unsigned long before = mn__omp_direct_regions();
    int s = mn__serial_begin();
    long sum = three_regions(hit, who, &level);
    mn__serial_end(s);
    unsigned long after = mn__omp_direct_regions();
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(hit[i], 2);
        ck_assert_int_eq(who[i], 100); /* thread 0 of 1 */
    }
    ck_assert_int_eq(sum, (long)N * (N - 1) / 2);
    ck_assert_int_eq(level, 0); /* no team: the body ran outside any region */
    ck_assert_uint_eq(after - before, 3);
    ck_assert_int_eq(omp_get_max_active_levels(), prev_levels); /* restored */
}
END_TEST

START_TEST(test_regions_outside_memnet_go_to_libgomp)
{
    omp_set_dynamic(0);
    static int hit[N], who[N];
    unsigned long before = mn__omp_direct_regions();
    /* the program's own inactive regions (max-active-levels 0 set by the program): libgomp's
     * team of one, at level 1 */
    int prev = omp_get_max_active_levels();
    omp_set_max_active_levels(0);
    memset(hit, 0, sizeof hit);
    int level = -1;
    long sum = three_regions(hit, who, &level);
    omp_set_max_active_levels(prev);
    for (int i = 0; i < N; i++) ck_assert_int_eq(hit[i], 2);
    ck_assert_int_eq(sum, (long)N * (N - 1) / 2);
    ck_assert_int_eq(level, 1);
    /* active regions get their teams */
    omp_set_max_active_levels(1);
    int team = 0;
#pragma omp parallel num_threads(3)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    ck_assert_int_eq(team, 3);
    /* a serial section opened inside an active region (memnet called from the program's
     * threads): the inner regions are not at level 0 and go through libgomp, whose team of one
     * gives each outer thread's loop its whole array */
    static int part[2][N];
    memset(part, 0, sizeof part);
#pragma omp parallel num_threads(2)
    {
        int t = omp_get_thread_num();
        int s = mn__serial_begin();
#pragma omp parallel for num_threads(2)
        for (int i = 0; i < N; i++) part[t][i]++;
        mn__serial_end(s);
    }
    omp_set_max_active_levels(prev);
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < N; i++) ck_assert_int_eq(part[t][i], 1);
    ck_assert_uint_eq(mn__omp_direct_regions(), before);
}
END_TEST

/* mn_test_grid_geff: an nx x ny square lattice of 1 S edges between its first and last column,
 * G_eff = ny/(nx-1) (asserted there) */
START_TEST(test_cholmod_supernodal_direct)
{
    const size_t nx = 120, ny = 90;
    mn_context *ctx = NULL;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    unsigned long before = mn__omp_direct_regions();
    mn_test_grid_geff(ctx, nx, ny);
    /* CHOLMOD's supernodal factorisation opened its regions through the direct path */
    ck_assert_uint_gt(mn__omp_direct_regions() - before, 100);
    mn_context_free(ctx);
}
END_TEST

/* the same solve by two threads of the program's region, each with its own context: CHOLMOD's
 * regions then go through libgomp (level 1), and both results are still the closed form */
START_TEST(test_cholmod_inside_program_region)
{
    omp_set_dynamic(0);
    int prev = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
    unsigned long before = mn__omp_direct_regions();
    int done = 0;
#pragma omp parallel num_threads(2) reduction(+ : done)
    {
        mn_context *ctx = NULL;
        if (mn_context_new(&ctx) == MN_OK) {
            mn_test_grid_geff(ctx, 60, 45 + 5 * (size_t)omp_get_thread_num());
            mn_context_free(ctx);
            done++;
        }
    }
    omp_set_max_active_levels(prev);
    ck_assert_int_eq(done, 2);
    ck_assert_uint_eq(mn__omp_direct_regions(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core-omp-regions");
    TCase *tc = tcase_create("regions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_serial_section_regions_run_directly);
    tcase_add_test(tc, test_regions_outside_memnet_go_to_libgomp);
    tcase_add_test(tc, test_cholmod_supernodal_direct);
    tcase_add_test(tc, test_cholmod_inside_program_region);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
