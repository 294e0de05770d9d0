/* SPICE netlists (memnet/spice.h): resistor values against G(x) computed here from 000 eq. 1,
 * PWL sources against the waveform itself, the C locale under de_DE, errors and full disks.
 * ngspice itself runs in tests/spice/ngspice_check.py. */
#include "mn-test.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static mn_context *ctx;
static mn_graph *g;
static mn_model *model;
static mn_network *net;

/* a Wheatstone bridge 0-1-3, 0-2-3, 1-2 plus a pendant pair 4-5 joined to nothing */
static void setup(void)
{
    const mn_index u[] = { 0, 0, 1, 2, 1, 4 }, v[] = { 1, 2, 3, 3, 2, 5 };
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, 6));
    for (int e = 0; e < 6; e++) MN_ASSERT_OK(ctx, mn_graph_add_edge(g, u[e], v[e], NULL));
    MN_ASSERT_OK(ctx, mn_model_new(&model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(model, "Gmin", 1e-3));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, model, NULL, 0, NULL));
}

static void teardown(void)
{
    mn_network_free(net);
    mn_model_free(model);
    mn_graph_free(g);
    mn_context_free(ctx);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* C-locale strtod that does not depend on LC_NUMERIC: the test reads what it expects */
static double cnum(const char *s, char **end)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = uselocale(c);
    double x = strtod(s, end);
    uselocale(old);
    freelocale(c);
    return x;
}

START_TEST(test_resistor_values)
{
    const double x[] = { 0.1, 0.25, 0.5, 0.75, 0.9, 0.3 };
    const mn_index src = 0, drn = 3;
    mn_waveform *w;
    mn_spice *sp;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 2.5));
    MN_ASSERT_OK(ctx, mn_spice_new(&sp, net));
    MN_ASSERT_OK(ctx, mn_spice_set_states(sp, x));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &src, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &drn, 1, NULL, NULL));
    const char *path = mn_test_tmpfile("spice-res.cir");
    /* a decimal-comma locale must not change the text */
    const char *loc = setlocale(LC_ALL, "de_DE.UTF-8");
    MN_ASSERT_OK(ctx, mn_spice_write(sp, MN_SPICE_RESISTORS, path));
    setlocale(LC_ALL, "C");
    if (!loc) fprintf(stderr, "note: de_DE.UTF-8 not installed, locale part not exercised\n");
    char *text = slurp(path);
    ck_assert_ptr_nonnull(strstr(text, "Ve0 e0 0 DC 2.5\n")); /* not "2,5" under de_DE */
    int seen = 0;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        int e;
        char a[16], b[16];
        int off = 0;
        if (sscanf(l, "R%d %15s %15s %n", &e, a, b, &off) == 3 && off > 0) {
            double r = cnum(l + off, NULL);
            double G = 1e-3 + (1.0 - 1e-3) * x[e]; /* 000 eq. 1 */
            MN_ASSERT_REL(r, 1.0 / G, 1e-15);
            ck_assert_int_lt(e, 5); /* the pair 4-5 touches no electrode: left out */
            if (e <= 1) ck_assert_str_eq(a, "e0"); /* node 0 is the source electrode */
            if (e == 2 || e == 3) ck_assert_str_eq(b, "0"); /* node 3 is grounded */
            seen++;
        }
    }
    ck_assert_int_eq(seen, 5);
    mn_spice_free(sp);
    mn_waveform_free(w);
    remove(path);
}
END_TEST

/* the PWL source reproduces the waveform: linear interpolation of the written points against
 * mn_waveform_value at 2000 irregular times (jumps excepted) */
static void check_pwl(const char *spec, double t_end, double tol)
{
    mn_waveform *w;
    mn_spice *sp;
    const mn_index src = 0, drn = 3;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, spec));
    MN_ASSERT_OK(ctx, mn_spice_new(&sp, net));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &src, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &drn, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_spice_set_transient(sp, t_end, t_end / 10));
    const char *path = mn_test_tmpfile("spice-pwl.cir");
    MN_ASSERT_OK(ctx, mn_spice_write(sp, MN_SPICE_BEHAVIOURAL, path));
    char *text = slurp(path), *p = strstr(text, "PWL(");
    ck_assert_ptr_nonnull(p);
    p += 4;
    static double tt[1 << 17], vv[1 << 17];
    size_t n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '+') p++;
        if (*p == ')') break;
        char *end;
        tt[n] = cnum(p, &end);
        ck_assert_msg(end != p, "PWL of %s: no number at \"%.40s\"", spec, p);
        vv[n] = cnum(end, &p);
        ck_assert(n == 0 || tt[n] > tt[n - 1]);
        n++;
        ck_assert_uint_lt(n, 1 << 17);
    }
    ck_assert_double_eq(tt[0], 0.0);
    MN_ASSERT_REL(tt[n - 1], t_end, 1e-15);
    for (int q = 0; q < 2000; q++) {
        double t = t_end * (q + 0.5 + 0.3 * sin(q)) / 2000.0;
        size_t j = 1;
        while (j < n - 1 && tt[j] < t) j++;
        if (tt[j] - tt[j - 1] < 1e-8 * t_end) continue; /* the ramp standing for a jump */
        double s = (t - tt[j - 1]) / (tt[j] - tt[j - 1]);
        double li = vv[j - 1] + s * (vv[j] - vv[j - 1]);
        MN_ASSERT_ABS(li, mn_waveform_value(w, t), tol);
    }
    mn_spice_free(sp);
    mn_waveform_free(w);
    remove(path);
}

START_TEST(test_pwl_sources)
{
    check_pwl("pwl:0:2,100:2,100:0.1,200:0.1", 200, 1e-12);     /* 000 Fig. 2a: exact */
    check_pwl("pulse:1:0.5:2:3:0.25", 8, 1e-12);                 /* a pulse train */
    check_pwl("sine:1.5:0.5", 4, 2e-5 * 1.5);                     /* sampled: 1e-5 of 1.5 V */
    check_pwl("sine:1:3:0.2+ramp:0:1:0:2", 2, 2e-5 * 2.2);
}
END_TEST

START_TEST(test_behavioural_lines)
{
    const double x[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 };
    const mn_index src = 0, drn = 3;
    mn_waveform *w;
    mn_spice *sp;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.0));
    MN_ASSERT_OK(ctx, mn_spice_new(&sp, net));
    MN_ASSERT_OK(ctx, mn_spice_set_states(sp, x));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &src, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &drn, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_spice_set_transient(sp, 10, 1));
    const char *path = mn_test_tmpfile("spice-b.cir");
    MN_ASSERT_OK(ctx, mn_spice_write(sp, MN_SPICE_BEHAVIOURAL, path));
    char *text = slurp(path);
    /* junction 2 (1 -> 3, node 3 grounded): G(x) V and 000 eq. 2's rate with |V| */
    ck_assert_ptr_nonnull(strstr(text, "Bj2 n1 0 I=(0.001+0.999*V(s2))*V(n1,0)\n"));
    ck_assert_ptr_nonnull(strstr(text, "Bs2 0 s2 I=0.00050000000000000001*exp(10*abs(V(n1,0)))"
                                       "*(1-V(s2))-0.050000000000000003*exp(-10*abs(V(n1,0)))"
                                       "*V(s2)\n"));
    ck_assert_ptr_nonnull(strstr(text, ".ic V(s2)=0.29999999999999999\n"));
    ck_assert_ptr_nonnull(strstr(text, ".tran 1 10 0 0.050000000000000003\n"));
    ck_assert_ptr_null(strstr(text, "Bs5")); /* the pair joined to no electrode */
    mn_spice_free(sp);
    mn_waveform_free(w);
    remove(path);
}
END_TEST

START_TEST(test_errors)
{
    const mn_index src[] = { 0, 0 }, bad = 9, drn = 3;
    const double nanx[] = { 0, 0, NAN, 0, 0, 0 };
    mn_waveform *w;
    mn_spice *sp;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 1.0));
    ck_assert_int_eq(mn_spice_new(NULL, net), MN_ERR_INVALID);
    ck_assert_int_eq(mn_spice_new(&sp, NULL), MN_ERR_INVALID);
    ck_assert_ptr_null(sp);
    mn_spice_free(NULL);
    ck_assert_int_eq(mn_spice_write(NULL, MN_SPICE_RESISTORS, "x"), MN_ERR_INVALID);
    MN_ASSERT_OK(ctx, mn_spice_new(&sp, net));
    MN_ASSERT_ERR(ctx, mn_spice_set_states(sp, nanx), MN_ERR_RANGE, "state 2");
    MN_ASSERT_ERR(ctx, mn_spice_add_electrode(sp, &bad, 1, w, NULL), MN_ERR_INVALID, "node 9");
    MN_ASSERT_ERR(ctx, mn_spice_add_electrode(sp, src, 2, w, NULL), MN_ERR_INVALID, "twice");
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, src, 1, w, NULL));
    MN_ASSERT_ERR(ctx, mn_spice_add_electrode(sp, src, 1, NULL, NULL), MN_ERR_INVALID,
                  "another electrode");
    MN_ASSERT_ERR(ctx, mn_spice_write(sp, MN_SPICE_RESISTORS, mn_test_tmpfile("x.cir")),
                  MN_ERR_STATE, "grounded");
    MN_ASSERT_ERR(ctx, mn_spice_set_transient(sp, 1, 2), MN_ERR_RANGE, "dt_out = 2");
    MN_ASSERT_ERR(ctx, mn_spice_set_transient(sp, INFINITY, 1), MN_ERR_RANGE, "t_end");
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &drn, 1, NULL, NULL));
    /* a full disk: an error, not a truncated file reported as written; the device node
     * stays (a failed write never removes what it did not create) */
    struct stat sb;
    if (stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode)) {
        MN_ASSERT_ERR(ctx, mn_spice_write(sp, MN_SPICE_RESISTORS, "/dev/full"), MN_ERR_IO,
                      "/dev/full");
        ck_assert_int_eq(stat("/dev/full", &sb), 0);
        ck_assert(S_ISCHR(sb.st_mode));
    }
    /* a failed write over a regular file leaves it as it was */
    const char *keep = mn_test_tmpfile("spice-keep.cir");
    FILE *kf = fopen(keep, "w");
    ck_assert_ptr_nonnull(kf);
    fputs("previous\n", kf);
    fclose(kf);
    /* files may not grow past 64 bytes: the netlist write fails (EFBIG) */
    struct rlimit old_lim, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old_lim), 0);
    lim = old_lim;
    lim.rlim_cur = 64;
    void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    mn_status wst = mn_spice_write(sp, MN_SPICE_RESISTORS, keep);
    setrlimit(RLIMIT_FSIZE, &old_lim);
    signal(SIGXFSZ, old_sig);
    ck_assert_int_eq(wst, MN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(mn_context_last_error(ctx), "spice-keep.cir"));
    ck_assert_str_eq(slurp(keep), "previous\n");
    remove(keep);
    MN_ASSERT_ERR(ctx, mn_spice_write(sp, MN_SPICE_RESISTORS, "/nonexistent-dir/x.cir"),
                  MN_ERR_IO, "/nonexistent-dir/x.cir");
    mn_spice_free(sp);

    /* a model without a behavioural form is named */
    mn_model *h;
    mn_network *n2;
    MN_ASSERT_OK(ctx, mn_model_new(&h, ctx, "strukov_cb"));
    MN_ASSERT_OK(ctx, mn_network_new(&n2, g));
    MN_ASSERT_OK(ctx, mn_network_assign(n2, h, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_spice_new(&sp, n2));
    MN_ASSERT_OK(ctx, mn_spice_add_electrode(sp, &drn, 1, NULL, NULL));
    MN_ASSERT_ERR(ctx, mn_spice_write(sp, MN_SPICE_BEHAVIOURAL, mn_test_tmpfile("y.cir")),
                  MN_ERR_UNSUPPORTED, "strukov_cb");
    MN_ASSERT_OK(ctx, mn_spice_write(sp, MN_SPICE_RESISTORS, mn_test_tmpfile("y.cir")));
    remove(mn_test_tmpfile("y.cir"));
    mn_spice_free(sp);
    mn_network_free(n2);
    mn_model_free(h);
    mn_waveform_free(w);
}
END_TEST

static Suite *spice_suite(void)
{
    Suite *s = suite_create("spice");
    TCase *tc = tcase_create("spice");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_resistor_values);
    tcase_add_test(tc, test_pwl_sources);
    tcase_add_test(tc, test_behavioural_lines);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(spice_suite()); }
