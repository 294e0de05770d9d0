/* Time stepper: waveforms (values and breakpoints against their formulas), spec parser, bad
 * input. The network tests are in tests/sim/test-sim-net.c. */
#include "mn-test.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* reference square pulse: independent formula */
static double pulse_ref(double t, double hi, double lo, double w, double P, long n, double d)
{
    if (t < d) return lo;
    double k = floor((t - d) / P);
    if (n > 0 && k >= n) return lo;
    return (t - d - k * P) < w ? hi : lo;
}

START_TEST(test_waveform_values)
{
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 0.25));
    ck_assert(mn_waveform_value(w, -3) == 0.25 && mn_waveform_value(w, 1e9) == 0.25);
    ck_assert(isinf(mn_waveform_next_breakpoint(w, 0)));
    mn_waveform_free(w);

    /* pulse: 2 V for 0.3 s every 1 s, 3 pulses, delay 0.5, low 0.1 */
    MN_ASSERT_OK(ctx, mn_waveform_new_pulse(&w, ctx, 2.0, 0.1, 0.3, 1.0, 3, 0.5));
    for (double t = -1; t < 6; t += 0.0137)
        MN_ASSERT_ABS(mn_waveform_value(w, t), pulse_ref(t, 2.0, 0.1, 0.3, 1.0, 3, 0.5), 0);
    /* edges: right limit is the new level, left limit the old one */
    ck_assert(mn_waveform_value(w, 0.5) == 2.0 && mn_waveform_value_left(w, 0.5) == 0.1);
    ck_assert(mn_waveform_value(w, 0.8) == 0.1 && mn_waveform_value_left(w, 0.8) == 2.0);
    /* breakpoints: 0.5, 0.8, 1.5, 1.8, 2.5, 2.8, then none */
    double expect[] = { 0.5, 0.8, 1.5, 1.8, 2.5, 2.8 };
    double t = -1;
    for (int i = 0; i < 6; i++) {
        t = mn_waveform_next_breakpoint(w, t);
        MN_ASSERT_ABS(t, expect[i], 1e-15);
    }
    ck_assert(isinf(mn_waveform_next_breakpoint(w, t)));
    mn_waveform_free(w);

    /* triangle 0 -> 1 -> 0 with period 2, symmetric */
    MN_ASSERT_OK(ctx, mn_waveform_new_triangle(&w, ctx, 0.0, 1.0, 2.0, 1.0, 0, 0.0));
    for (double s = 0; s < 10; s += 0.173) {
        double ph = fmod(s, 2.0);
        double ref = ph < 1 ? ph : 2 - ph;
        MN_ASSERT_ABS(mn_waveform_value(w, s), ref, 1e-14);
    }
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0.0), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 1.0), 2.0, 1e-15);
    mn_waveform_free(w);

    /* ramp */
    MN_ASSERT_OK(ctx, mn_waveform_new_ramp(&w, ctx, 1.0, 3.0, 2.0, 4.0));
    MN_ASSERT_ABS(mn_waveform_value(w, 0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 3), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 9), 3.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 2.5), 4.0, 0);
    mn_waveform_free(w);

    /* sine */
    MN_ASSERT_OK(ctx, mn_waveform_new_sine(&w, ctx, 0.5, 3.0, 0.25, 0.1, 0.0));
    for (double s = 0; s < 2; s += 0.0371)
        MN_ASSERT_ABS(mn_waveform_value(w, s), 0.1 + 0.5 * sin(2 * 3.14159265358979323846 * 3 * s + 0.25),
                      1e-14);
    mn_waveform_free(w);

    /* pwl with a jump at t = 1 */
    double tt[] = { 0, 1, 1, 3 }, vv[] = { 0, 2, 5, 1 };
    MN_ASSERT_OK(ctx, mn_waveform_new_pwl(&w, ctx, tt, vv, 4));
    MN_ASSERT_ABS(mn_waveform_value(w, -1), 0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 0.5), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value_left(w, 1.0), 2.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 1.0), 5.0, 0);
    MN_ASSERT_ABS(mn_waveform_value(w, 2.0), 3.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 7.0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0), 1.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 1), 3.0, 0);

    /* sum: pwl + 2 * dc */
    mn_waveform *d = NULL, *sum = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&d, ctx, 0.5));
    const mn_waveform *terms[] = { w, d };
    double wts[] = { 1.0, 2.0 };
    MN_ASSERT_OK(ctx, mn_waveform_new_sum(&sum, ctx, terms, wts, 2));
    mn_waveform_free(w);
    mn_waveform_free(d); /* the sum holds copies */
    MN_ASSERT_ABS(mn_waveform_value(sum, 0.5), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(sum, 0.5), 1.0, 0);
    mn_waveform_free(sum);
}
END_TEST

static double cb_fn(double t, void *u) { return *(double *)u * t * t; }

START_TEST(test_waveform_callback_and_file)
{
    double k = 3.0;
    double bp[] = { 2.0, 1.0 };
    mn_waveform *w = NULL, *c = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_new_callback(&w, ctx, cb_fn, &k, bp, 2));
    MN_ASSERT_ABS(mn_waveform_value(w, 2.0), 12.0, 0);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0.0), 1.0, 0); /* sorted */
    MN_ASSERT_OK(ctx, mn_waveform_copy(&c, w));
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(c, 1.0), 2.0, 0);
    mn_waveform_free(w);
    mn_waveform_free(c);

    const char *path = mn_test_tmpfile("sim-pwl.csv");
    FILE *f = fopen(path, "w");
    fputs("t,V\n# comment\n0,0\n1.5, 3\n2\t1\n", f);
    fclose(f);
    MN_ASSERT_OK(ctx, mn_waveform_new_pwl_file(&w, ctx, path));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.75), 1.5, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 1.75), 2.0, 1e-15);
    mn_waveform_free(w);
    f = fopen(path, "w");
    fputs("0,0\n1,x\n", f);
    fclose(f);
    MN_ASSERT_ERR(ctx, mn_waveform_new_pwl_file(&w, ctx, path), MN_ERR_PARSE, "line 2");
    ck_assert_ptr_null(w);
    MN_ASSERT_ERR(ctx, mn_waveform_new_pwl_file(&w, ctx, "/nonexistent/x.csv"), MN_ERR_IO,
                  "/nonexistent/x.csv");
}
END_TEST

START_TEST(test_waveform_parse)
{
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:1.5"));
    MN_ASSERT_ABS(mn_waveform_value(w, 3), 1.5, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pwl:0:0,1:2,3:2"));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.5), 1.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 2.5), 2.0, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pulse:2:0.3:1:3:0.5:0.1"));
    for (double t = -1; t < 6; t += 0.0137)
        MN_ASSERT_ABS(mn_waveform_value(w, t), pulse_ref(t, 2.0, 0.1, 0.3, 1.0, 3, 0.5), 0);
    mn_waveform_free(w);
    /* the 000 Fig. 2a protocol: 2 V for 100 s, then 0.1 V (a sum with an exponent 1e+2) */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:1e+2:1e3:1"));
    MN_ASSERT_ABS(mn_waveform_value(w, 50), 2.0, 1e-15);
    MN_ASSERT_ABS(mn_waveform_value(w, 150), 0.1, 1e-15);
    MN_ASSERT_ABS(mn_waveform_next_breakpoint(w, 0), 100.0, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "step:0.1:2:5"));
    ck_assert(mn_waveform_value(w, 4.9) == 0.1 && mn_waveform_value(w, 5) == 2.0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "sine:1:2:0.5"));
    MN_ASSERT_ABS(mn_waveform_value(w, 0.125), 1.5, 1e-15);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "tri:0:1:2"));
    MN_ASSERT_ABS(mn_waveform_value(w, 1.5), 0.5, 1e-15);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "ramp:0:1:0:4"));
    MN_ASSERT_ABS(mn_waveform_value(w, 1), 0.25, 1e-15);
    mn_waveform_free(w);

    /* bad specs: the message quotes the bad part */
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "dc:abc"), MN_ERR_PARSE, "\"abc\"");
    ck_assert_ptr_null(w);
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "square:1"), MN_ERR_PARSE, "\"square\"");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pulse:1:2"), MN_ERR_PARSE, "too few");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pulse:1:-2:3"), MN_ERR_RANGE, "-2");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pwl:0:1,2"), MN_ERR_PARSE, "too few");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pwl:1:1,0:2"), MN_ERR_RANGE, "before");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "dc:nan"), MN_ERR_PARSE, "nan");
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, ""), MN_ERR_PARSE, "empty");
    MN_ASSERT_ERR(ctx, mn_waveform_new_dc(&w, ctx, NAN), MN_ERR_RANGE, "nan");
    MN_ASSERT_ERR(ctx, mn_waveform_new_sine(&w, ctx, 1, 0, 0, 0, 0), MN_ERR_RANGE, "frequency 0");
    ck_assert_ptr_null(w);
}
END_TEST

Suite *sim_suite(void);
Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("waveforms");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_waveform_values);
    tcase_add_test(tc, test_waveform_callback_and_file);
    tcase_add_test(tc, test_waveform_parse);
    suite_add_tcase(s, tc);
    return s;
}

#ifndef MN_SIM_NO_MAIN
int main(void) { return mn_test_run(sim_suite()); }
#endif
