/*
 * Text I/O is independent of the process locale (issue 14). Under de_DE.UTF-8 (decimal comma)
 * printf writes "0,5" and strtod stops at '.'; memnet's files must still be written with '.'
 * and read back exactly: networks, edge lists, waveform specs and PWL files, checkpoints and
 * the simulation's CSV. The caller's locale is left as it was.
 */
#include "mn-test.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* the process locale really has a decimal comma (else the test proves nothing) */
static void assert_comma_locale(void)
{
    char b[16];
    snprintf(b, sizeof b, "%.1f", 0.5);
    ck_assert_str_eq(b, "0,5");
}

START_TEST(test_graph_files)
{
    assert_comma_locale();
    mn_index u[] = { 0, 1, 2 }, v[] = { 1, 2, 0 };
    mn_graph *g = NULL, *h = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 3, 3, u, v));
    double x[] = { 0.5, 1.25, -2.75 }, y[] = { 0.1, 0.2, 0.3 }, len[] = { 0.5, 1.5, 2.5e-3 };
    double col[] = { 1e-90, 0.125, 3.3 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_coords(g, x, y));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(g, len));
    MN_ASSERT_OK(ctx, mn_graph_add_edge_column(g, col));
    const char *p = mn_test_tmpfile("loc.net");
    MN_ASSERT_OK(ctx, mn_graph_save(g, p));
    char *text = slurp(p);
    ck_assert_msg(strstr(text, "0,5") == NULL && strstr(text, "0.5") != NULL, "%s", text);
    free(text);
    MN_ASSERT_OK(ctx, mn_graph_load(&h, ctx, p));
    for (int i = 0; i < 3; i++) {
        ck_assert(mn_graph_node_x(h)[i] == x[i] && mn_graph_node_y(h)[i] == y[i]);
        ck_assert(mn_graph_edge_lengths(h)[i] == len[i]);
        ck_assert(mn_graph_edge_column(h, 0)[i] == col[i]);
    }
    mn_graph_free(h);
    h = NULL;
    p = mn_test_tmpfile("loc.edges");
    MN_ASSERT_OK(ctx, mn_graph_write_edgelist(g, p));
    text = slurp(p);
    ck_assert_msg(strstr(text, "0,5") == NULL && strstr(text, " 0.5") != NULL, "%s", text);
    free(text);
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&h, ctx, p, 0, 1));
    for (int i = 0; i < 3; i++) ck_assert(mn_graph_edge_lengths(h)[i] == len[i]);
    mn_graph_free(h);
    mn_graph_free(g);
    /* the caller's locale is untouched */
    assert_comma_locale();
}
END_TEST

START_TEST(test_waveforms)
{
    assert_comma_locale();
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pulse:1.5:0.25:0.5"));
    MN_ASSERT_REL(mn_waveform_value(w, 0.125), 1.5, 0);
    MN_ASSERT_REL(mn_waveform_next_breakpoint(w, 0.0), 0.25, 0);
    mn_waveform_free(w);
    const char *p = mn_test_tmpfile("loc.pwl");
    FILE *f = fopen(p, "w");
    fputs("t,V\n0.0,0.5\n1.5,2.0\n", f);
    fclose(f);
    char spec[4200];
    snprintf(spec, sizeof spec, "pwlfile:%s", p);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, spec));
    MN_ASSERT_REL(mn_waveform_value(w, 0.75), 1.25, 1e-15);
    mn_waveform_free(w);
    assert_comma_locale();
}
END_TEST

START_TEST(test_checkpoint_and_csv)
{
    assert_comma_locale();
    mn_index u[] = { 0, 1 }, v[] = { 1, 2 };
    mn_graph *g = NULL;
    mn_model *model = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_waveform *w = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 3, 2, u, v));
    MN_ASSERT_OK(ctx, mn_model_new(&model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set_assignment(model, "Gmin=0.5e-2"));
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&sim, net));
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:1.5"));
    mn_index a = 0, c = 2;
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, &a, 1, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(sim, &c, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(sim, 0.0, 0.25));
    char csv[4096];
    snprintf(csv, sizeof csv, "%s", mn_test_tmpfile("loc.csv"));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(sim, 0.0, 0.25));
    MN_ASSERT_OK(ctx, mn_sim_record_csv(sim, csv, "locale test"));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_record_csv(sim, NULL, NULL)); /* closes, checked */
    {
        char *t = slurp(csv);
        ck_assert_msg(strstr(t, "\n0.25,1.5,") != NULL, "%s", t); /* t = 0.25, V = 1.5 */
        free(t);
    }
    const char *p = mn_test_tmpfile("loc.cp");
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(sim, p));
    char *text = slurp(p);
    ck_assert_msg(strstr(text, ",") == NULL, "%s", text); /* %a would print 0x1,8p+0 */
    free(text);
    double x0 = mn_sim_states(sim)[0];
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    double x1 = mn_sim_states(sim)[0];
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(sim, p));
    ck_assert(mn_sim_states(sim)[0] == x0);
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    ck_assert(mn_sim_states(sim)[0] == x1);
    mn_sim_free(sim);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(model);
    mn_graph_free(g);
    assert_comma_locale();
}
END_TEST

int main(void)
{
    if (!setlocale(LC_ALL, "de_DE.UTF-8") && !setlocale(LC_ALL, "de_DE.utf8")) {
        fprintf(stderr, "the de_DE.UTF-8 locale is not installed (scripts/deps installs it)\n");
        return 77;
    }
    Suite *s = suite_create("reliability-locale");
    TCase *tc = tcase_create("locale");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_graph_files);
    tcase_add_test(tc, test_waveforms);
    tcase_add_test(tc, test_checkpoint_and_csv);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
