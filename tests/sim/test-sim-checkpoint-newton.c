/*
 * The Newton iteration (mn_sim_set_newton) saved with a checkpoint (lib/sim/checkpoint.c,
 * docs/simulation.md "Checkpoints"):
 * - a run with KRYLOV or BLOCKS that saves a checkpoint mid-way and continues, and a run resumed
 *   from that checkpoint without setting the mode, give the same samples and final states bit
 *   for bit; on a miranda stick network (no event functions: AUTO is the blocks) and on a
 *   filament nanoparticle network (events: AUTO is Krylov), so that in each case one of the two
 *   modes differs from what the resumed run would take without the field; the two modes' runs
 *   are asserted to differ, so the comparison can fail;
 * - a mode set explicitly on the resuming simulation is kept: the resumed run equals the saving
 *   run switched to that mode right after saving (bit for bit), and the context's log gets a
 *   warning naming both modes (none when they agree);
 * - a checkpoint without the field (the format before it existed) loads as AUTO.
 * The parser's refusals (unknown id, malformed field) are in tests/reliability/test-parsers.c.
 */
#include "../mn-test.h"
#include "sim/sim-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

typedef struct net {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    const char *wave;
    double t_cp, t_end, dt_out;
} net;

/* 120 sticks in a 6.3 x 6.3 square, miranda at a contrast of 1e3, the 000 pulse protocol */
static void make_sticks(net *n)
{
    n->g = mn_test_sticks(ctx, 120, 6.3, 3);
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(n->model, "G_min", 1e-3));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
    n->wave = "dc:0.1+pulse:1.9:20:1e9:1";
    n->t_cp = 7.3, n->t_end = 15.0, n->dt_out = 0.25;
}

/* a 16 x 16 nanoparticle network of filament gaps (003 sec. 5.1) under 3 V DC: formation and
 * breaking events (test-sim.c test_filament_network_t_end's regime) */
static void make_filaments(net *n)
{
    mn_gen *gen;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 16));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 16));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 1));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&n->g, gen));
    mn_gen_free(gen);
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, "filament"));
    MN_ASSERT_OK(ctx, mn_model_set(n->model, "rd", 1e-3));
    MN_ASSERT_OK(ctx, mn_model_set(n->model, "rw", 0.1));
    MN_ASSERT_OK(ctx, mn_model_set_text(n->model, "tunnel", "remaining"));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
    n->wave = "dc:3";
    n->t_cp = 3.05, n->t_end = 6.0, n->dt_out = 0.05;
}

static void free_net(net *n)
{
    mn_network_free(n->net);
    mn_model_free(n->model);
    mn_graph_free(n->g);
}

/* a simulation of n: electrodes left (the waveform) and right (ground), states from 0,
 * samples every dt_out into tr; explicit >= 0: mn_sim_set_newton(explicit) */
static mn_sim *make_sim(net *n, int explicit, mn_test_trace *tr)
{
    mn_sim *s;
    mn_waveform *w;
    memset(tr, 0, sizeof *tr);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, n->wave));
    MN_ASSERT_OK(ctx, mn_sim_new(&s, n->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(s, "left", w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(s, "right", NULL, NULL));
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(s, 0.0, 0.0));
    if (explicit >= 0) MN_ASSERT_OK(ctx, mn_sim_set_newton(s, (mn_sim_newton)explicit));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, n->dt_out));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, mn_test_trace_cb, tr));
    return s;
}

/* the samples after t_cp and the final states of one run */
typedef struct tail {
    mn_test_trace tr;
    size_t off; /* first sample after t_cp */
    double *x;  /* final states */
    size_t ns;
} tail;

static void keep_tail(tail *t, mn_sim *s, double t_cp)
{
    t->off = 0;
    while (t->off < t->tr.n && t->tr.t[t->off] <= t_cp) t->off++;
    t->ns = mn_network_state_count(mn__sim_network(s));
    t->x = malloc(t->ns * sizeof *t->x);
    memcpy(t->x, mn_sim_states(s), t->ns * sizeof *t->x);
}

/* whether two runs' samples after t_cp and final states are the same bits */
static int same_tail(const tail *a, const tail *b)
{
    size_t na = a->tr.n - a->off, nb = b->tr.n - b->off;
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_gt(na, 10);
    for (size_t i = 0; i < na; i++)
        if (memcmp(&a->tr.t[a->off + i], &b->tr.t[b->off + i], sizeof(double)) ||
            memcmp(&a->tr.I[a->off + i], &b->tr.I[b->off + i], sizeof(double)))
            return 0;
    return a->ns == b->ns && memcmp(a->x, b->x, a->ns * sizeof *a->x) == 0;
}

/* the run with mode (explicit) to t_end, saving at t_cp to path; after the save, switch: the
 * mode to continue with (-1: keep) */
static void saving_run(net *n, int mode, int sw, const char *path, tail *out)
{
    mn_sim *s = make_sim(n, mode, &out->tr);
    MN_ASSERT_OK(ctx, mn_sim_run(s, n->t_cp));
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(s, path));
    if (sw >= 0) MN_ASSERT_OK(ctx, mn_sim_set_newton(s, (mn_sim_newton)sw));
    MN_ASSERT_OK(ctx, mn_sim_run(s, n->t_end));
    keep_tail(out, s, n->t_cp);
    mn_sim_free(s);
}

/* a run resumed from path to t_end; explicit >= 0: set on the resuming simulation */
static void resumed_run(net *n, int explicit, const char *path, tail *out, int *mode_after_load)
{
    mn_sim *s = make_sim(n, explicit, &out->tr);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(s, path));
    if (mode_after_load) *mode_after_load = mn__sim_newton(s);
    MN_ASSERT_OK(ctx, mn_sim_run(s, n->t_end));
    keep_tail(out, s, n->t_cp);
    mn_sim_free(s);
}

static void free_tail(tail *t) { free(t->x); }

static void make_case(net *n, int c)
{
    if (c == 0) make_sticks(n);
    else make_filaments(n);
}

/* the log: warnings collected */
typedef struct logbuf {
    int n;
    char text[1024];
} logbuf;
static void log_cb(mn_log_level level, const char *msg, void *u)
{
    logbuf *b = u;
    if (level != MN_LOG_WARNING || strncmp(msg, "checkpoint", 10) != 0) return;
    b->n++;
    snprintf(b->text, sizeof b->text, "%s", msg);
}

/* case 0: sticks (AUTO = blocks), 1: filaments (AUTO = Krylov) */
START_TEST(test_resume_takes_saved_mode)
{
    int c = _i;
    net n;
    make_case(&n, c);
    char path[2][4096];
    tail save[2], res[2];
    const int modes[2] = { MN_SIM_NEWTON_BLOCKS, MN_SIM_NEWTON_KRYLOV };
    for (int k = 0; k < 2; k++) {
        char name[64];
        snprintf(name, sizeof name, "ckpt-newton-%d-%d.txt", c, k);
        snprintf(path[k], sizeof path[k], "%s", mn_test_tmpfile(name));
        saving_run(&n, modes[k], -1, path[k], &save[k]);
        int after;
        resumed_run(&n, -1, path[k], &res[k], &after);
        ck_assert_int_eq(after, modes[k]);
        ck_assert_msg(same_tail(&save[k], &res[k]),
                      "case %d: the run resumed from a %s checkpoint differs from the saving run", c,
                      mn__sim_newton_name(modes[k]));
    }
    /* the two modes' runs differ: a resumed run with the other mode would have been noticed */
    ck_assert_msg(!same_tail(&save[0], &save[1]), "case %d: blocks and Krylov runs are identical", c);
    /* both files name their mode (only AUTO is written without the field) */
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(path[k], "r");
        char l1[64], l2[256];
        ck_assert(f && fgets(l1, sizeof l1, f) && fgets(l2, sizeof l2, f));
        fclose(f);
        char want[32];
        snprintf(want, sizeof want, " newton %d\n", modes[k]);
        ck_assert_msg(strstr(l2, want), "size line \"%s\" lacks \"%s\"", l2, want);
    }
    for (int k = 0; k < 2; k++) free_tail(&save[k]), free_tail(&res[k]);
    free_net(&n);
}
END_TEST

/* an explicit mode on the resuming simulation is kept, with a warning if it differs */
START_TEST(test_resume_explicit_mode_kept)
{
    net n;
    make_sticks(&n);
    char path[4096];
    snprintf(path, sizeof path, "%s", mn_test_tmpfile("ckpt-newton-explicit.txt"));
    tail ref, res, same;
    /* reference: Krylov to t_cp, saved, then the blocks */
    saving_run(&n, MN_SIM_NEWTON_KRYLOV, MN_SIM_NEWTON_BLOCKS, path, &ref);
    logbuf lb = { 0 };
    mn_context_set_log(ctx, log_cb, MN_LOG_WARNING, &lb);
    int after;
    resumed_run(&n, MN_SIM_NEWTON_BLOCKS, path, &res, &after);
    ck_assert_int_eq(after, MN_SIM_NEWTON_BLOCKS);
    ck_assert_msg(same_tail(&ref, &res), "explicit blocks after a Krylov checkpoint: differs from "
                                         "the saving run switched to the blocks");
    ck_assert_int_eq(lb.n, 1);
    ck_assert_msg(strstr(lb.text, "krylov") && strstr(lb.text, "blocks") && strstr(lb.text, path),
                  "warning \"%s\"", lb.text);
    /* the same mode set explicitly: no warning, and the saving run's own continuation */
    tail kept;
    saving_run(&n, MN_SIM_NEWTON_KRYLOV, -1, path, &kept);
    resumed_run(&n, MN_SIM_NEWTON_KRYLOV, path, &same, NULL);
    ck_assert_int_eq(lb.n, 1);
    ck_assert(same_tail(&kept, &same));
    ck_assert(!same_tail(&kept, &res));
    mn_context_set_log(ctx, NULL, MN_LOG_ERROR, NULL);
    free_tail(&ref), free_tail(&res), free_tail(&same), free_tail(&kept);
    free_net(&n);
}
END_TEST

/* a checkpoint without the field (the format before it existed) loads as AUTO, also into a
 * simulation whose mode an earlier checkpoint had set */
START_TEST(test_old_format_is_auto)
{
    net n;
    make_sticks(&n);
    n.t_end = n.t_cp + 1.0;
    char path[4096], old[4096];
    snprintf(path, sizeof path, "%s", mn_test_tmpfile("ckpt-newton-new.txt"));
    snprintf(old, sizeof old, "%s", mn_test_tmpfile("ckpt-newton-old.txt"));
    tail ref;
    saving_run(&n, MN_SIM_NEWTON_KRYLOV, -1, path, &ref);
    /* the same file without " newton 2" */
    FILE *f = fopen(path, "r"), *g = fopen(old, "w");
    ck_assert(f && g);
    char line[512];
    int cut = 0;
    while (fgets(line, sizeof line, f)) {
        char *at = strstr(line, " newton 2\n");
        if (at) strcpy(at, "\n"), cut++;
        fputs(line, g);
    }
    fclose(f);
    ck_assert_int_eq(fclose(g), 0);
    ck_assert_int_eq(cut, 1);
    mn_test_trace tr;
    mn_sim *s = make_sim(&n, -1, &tr);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(s, path));
    ck_assert_int_eq(mn__sim_newton(s), MN_SIM_NEWTON_KRYLOV);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(s, old));
    ck_assert_int_eq(mn__sim_newton(s), MN_SIM_NEWTON_AUTO);
    /* and saving it again writes no field: the old format */
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(s, path));
    f = fopen(path, "r");
    ck_assert(f && fgets(line, sizeof line, f) && fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_ptr_null(strstr(line, "newton"));
    mn_sim_free(s);
    free_tail(&ref);
    free_net(&n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim-checkpoint-newton");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_resume_takes_saved_mode, 0, 2);
    tcase_add_test(tc, test_resume_explicit_mode_kept);
    tcase_add_test(tc, test_old_format_is_auto);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
