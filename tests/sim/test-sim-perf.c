/*
 * The performance paths of the time stepper against references that do not take them:
 * - the thread setting of the context (mn_context_set_threads): range, getter, OpenBLAS's
 *   count set inside memnet's calls and restored after them;
 * - outputs solved by PCG on the present factor (lib/sim/sim_output.c) against a fresh solver
 *   that refactorises at the sampled state, and the count of refactorisations that saves;
 * - the per-run statistics (MN_SIM_STAT_REFACTORS ...) against the solver's own counters;
 * - the simulation's default Kirchhoff strategy, AUTO with its deterministic cost model
 *   (lib/kirchhoff/costmodel.c): the 000 pulse protocol against a run that refactorises at
 *   every right-hand side, and every sample against a fresh refactorised solve at the sampled
 *   state; two runs (one beside a thread that loads the machine) bit for bit equal with equal
 *   refactorisation counts; a checkpoint restart bit for bit equal to the run that saved it.
 */
#define _GNU_SOURCE
#include "../mn-test.h"
#include "core/core-private.h"
#include "kirchhoff/kirchhoff-private.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

START_TEST(test_threads_setting)
{
    ck_assert_uint_eq(mn_context_threads(ctx), 0); /* automatic by default */
    ck_assert_uint_eq(mn_context_threads(NULL), 0);
    ck_assert_int_eq(mn_context_set_threads(NULL, 1), MN_ERR_INVALID);
    MN_ASSERT_ERR(ctx, mn_context_set_threads(ctx, 5000), MN_ERR_RANGE, "5000");
    ck_assert_uint_eq(mn_context_threads(ctx), 0); /* unchanged by the refused call */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 3));
    ck_assert_uint_eq(mn_context_threads(ctx), 3);
    if (!mn__blas_threads_available()) return; /* not OpenBLAS: nothing is set */
    int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    ck_assert(get && set);
    set(2);
    /* an explicit count is set inside and the caller's restored after */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 1));
    int prev = mn__blas_threads_begin(ctx, 1e15);
    ck_assert_int_eq(get(), 1);
    mn__blas_threads_end(prev);
    ck_assert_int_eq(get(), 2);
    /* automatic: one thread below the crossover, the BLAS's default above it */
    MN_ASSERT_OK(ctx, mn_context_set_threads(ctx, 0));
    ck_assert_int_eq(mn__blas_threads_for(ctx, 1e6), 1);
    ck_assert_int_ge(mn__blas_threads_for(ctx, 1e300), 1);
    prev = mn__blas_threads_begin(ctx, 1e6);
    ck_assert_int_eq(get(), 1);
    mn__blas_threads_end(prev);
    ck_assert_int_eq(get(), 2);
}
END_TEST

/* a random stick network of about 2000 junctions with miranda junctions (G_min 1e-3 S) */
typedef struct net {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    const mn_index *l, *r;
    size_t nl, nr;
} net;

static void make_net(net *n)
{
    mn_gen *gen;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 3));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 500));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 6.3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 6.3));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&n->g, gen));
    mn_gen_free(gen);
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "left", &n->l, &n->nl));
    MN_ASSERT_OK(ctx, mn_graph_node_set(n->g, "right", &n->r, &n->nr));
    ck_assert_uint_gt(mn_graph_edge_count(n->g), 500);
    MN_ASSERT_OK(ctx, mn_model_new(&n->model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(n->model, "G_min", 1e-3));
    MN_ASSERT_OK(ctx, mn_network_new(&n->net, n->g));
    MN_ASSERT_OK(ctx, mn_network_assign(n->net, n->model, NULL, 0, NULL));
}

static void free_net(net *n)
{
    mn_network_free(n->net);
    mn_model_free(n->model);
    mn_graph_free(n->g);
}

static mn_sim *make_sim(net *n, const mn_waveform *w)
{
    mn_sim *s;
    MN_ASSERT_OK(ctx, mn_sim_new(&s, n->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->l, n->nl, w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(s, n->r, n->nr, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(s, 0.0, 0.0));
    MN_ASSERT_OK(ctx, mn_sim_set_tolerances(s, 1e-6, 1e-9));
    return s;
}

/* at every sample: the reference solver refactorises at the sampled (clamped) states */
typedef struct check {
    net *n;
    mn_kirchhoff *ref;
    double *G;
    double max_rel_I, max_rel_phi;
    size_t samples;
} check;

static int sample_cb(const mn_sim *s, void *u)
{
    check *c = u;
    size_t m = mn_graph_edge_count(c->n->g), nn = mn_graph_node_count(c->n->g);
    const double *x = mn_sim_states(s);
    for (size_t e = 0; e < m; e++) c->G[e] = 1e-3 + (1.0 - 1e-3) * x[e]; /* 000 eq 1 */
    mn_kirchhoff_set_potential(c->ref, 0, mn_sim_applied_voltage(s, 0));
    mn_kirchhoff_set_conductances(c->ref, c->G);
    ck_assert_int_eq(mn_kirchhoff_solve(c->ref), MN_OK);
    double Iref, I = mn_sim_electrode_current(s, 0);
    mn_kirchhoff_electrode_current(c->ref, 0, &Iref);
    double d = fabs(I - Iref) / fabs(Iref);
    if (d > c->max_rel_I) c->max_rel_I = d;
    const double *p = mn_sim_potentials(s), *pr = mn_kirchhoff_potentials(c->ref);
    double v = mn_sim_applied_voltage(s, 0);
    for (size_t i = 0; i < nn; i++) {
        double di = fabs(p[i] - pr[i]) / v;
        if (di > c->max_rel_phi) c->max_rel_phi = di;
    }
    c->samples++;
    return 0;
}

START_TEST(test_samples_without_refactorisation)
{
    net n;
    make_net(&n);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:20:1e9:1"));
    size_t m = mn_graph_edge_count(n.g);
    check c = { &n, NULL, malloc(m * sizeof(double)), 0, 0, 0 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&c.ref, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(c.ref, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(c.ref, n.l, n.nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(c.ref, n.r, n.nr, NULL));

    mn_sim *s = make_sim(&n, w);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, sample_cb, &c));
    MN_ASSERT_OK(ctx, mn_sim_run(s, 30.0));
    ck_assert_uint_eq(c.samples, 61);
    /* each sample within reach of the refactorised solution: outputs iterate to the
       right-hand sides' relative residual, 1e-5 rtol = 1e-11 */
    printf("samples: current within %.3g, potentials within %.3g of the refactorised solve\n",
           c.max_rel_I, c.max_rel_phi);
    ck_assert_msg(c.max_rel_I < 1e-9, "sample current off by %g", c.max_rel_I);
    ck_assert_msg(c.max_rel_phi < 1e-9, "sample potential off by %g", c.max_rel_phi);
    /* the samples cost no refactorisation: one per right-hand side (at most), PCG at the
       samples (the first sample, before any factor, and those at restarts may refactorise) */
    mn_kirchhoff *k = mn_sim_kirchhoff(s);
    uint64_t rf = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
    uint64_t rhs = mn_sim_stat_get(s, MN_SIM_STAT_RHS);
    uint64_t cg = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES);
    ck_assert_uint_le(rf, rhs + 1);
    ck_assert_uint_ge(cg, 55);
    /* the run statistics: the solver's counters, the output solves, a time split that adds up */
    ck_assert_uint_eq(mn_sim_stat_get(s, MN_SIM_STAT_REFACTORS), rf);
    ck_assert_uint_eq(mn_sim_stat_get(s, MN_SIM_STAT_CG_ITERS),
                      mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS));
    uint64_t outs = mn_sim_stat_get(s, MN_SIM_STAT_OUTPUT_SOLVES);
    ck_assert_uint_ge(outs, 55);
    ck_assert_uint_le(outs, 61);
    uint64_t run = mn_sim_stat_get(s, MN_SIM_STAT_NS_RUN), sum = 0;
    for (int q = MN_SIM_STAT_NS_FACTORISE; q <= MN_SIM_STAT_NS_OUTPUT; q++) {
        uint64_t v = mn_sim_stat_get(s, (mn_sim_stat)q);
        ck_assert_msg(v > 0 && v <= run, "time part %d: %llu ns of %llu", q, (unsigned long long)v,
                      (unsigned long long)run);
        /* the output time contains the output solves: count the disjoint parts only */
        if (q != MN_SIM_STAT_NS_OUTPUT) sum += v;
    }
    ck_assert_uint_le(sum, run);
    ck_assert_uint_eq(mn_sim_stat_get(s, (mn_sim_stat)99), 0);
    mn_sim_free(s);

    mn_kirchhoff_free(c.ref);
    free(c.G);
    mn_waveform_free(w);
    free_net(&n);
}
END_TEST


/* ------------------------------------------------------------------ AUTO, the default */

/* the sampled source current and two states, in order */
typedef struct trace {
    size_t n, cap;
    double *t, *I, *x0, *x1;
} trace;

static void trace_push(trace *r, double t, double I, double x0, double x1)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->t = realloc(r->t, r->cap * sizeof *r->t);
        r->I = realloc(r->I, r->cap * sizeof *r->I);
        r->x0 = realloc(r->x0, r->cap * sizeof *r->x0);
        r->x1 = realloc(r->x1, r->cap * sizeof *r->x1);
        ck_assert(r->t && r->I && r->x0 && r->x1);
    }
    r->t[r->n] = t, r->I[r->n] = I, r->x0[r->n] = x0, r->x1[r->n] = x1;
    r->n++;
}

static void trace_free(trace *r)
{
    free(r->t), free(r->I), free(r->x0), free(r->x1);
    memset(r, 0, sizeof *r);
}

/* a trace sample, and (if ref is set) the check of sample_cb against a refactorised solve */
typedef struct tcheck {
    trace tr;
    check *ref;
} tcheck;

static int trace_cb(const mn_sim *s, void *u)
{
    tcheck *c = u;
    const double *x = mn_sim_states(s);
    trace_push(&c->tr, mn_sim_time(s), mn_sim_electrode_current(s, 0), x[0], x[137]);
    return c->ref ? sample_cb(s, c->ref) : 0;
}

typedef struct counts {
    uint64_t rf, cg, cgi, rhs, outs;
} counts;

static counts counts_of(mn_sim *s)
{
    mn_kirchhoff *k = mn_sim_kirchhoff(s);
    counts c = { mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS),
                 mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES),
                 mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS),
                 mn_sim_stat_get(s, MN_SIM_STAT_RHS), mn_sim_stat_get(s, MN_SIM_STAT_OUTPUT_SOLVES) };
    return c;
}

/* the 000 protocol (2 V pulse, then the 0.1 V read) from g = 0, samples every 0.5 s */
static counts run_protocol(net *n, const mn_waveform *w, int refactor, double cg_tol, tcheck *c,
                           double t_end)
{
    mn_sim *s = make_sim(n, w);
    if (refactor)
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(mn_sim_kirchhoff(s), MN_KIRCHHOFF_REFACTOR));
    else /* the simulation's default */
        ck_assert_int_eq(mn__kirchhoff_strategy(mn_sim_kirchhoff(s)), MN_KIRCHHOFF_AUTO);
    if (cg_tol > 0) MN_ASSERT_OK(ctx, mn_kirchhoff_set_cg_tolerance(mn_sim_kirchhoff(s), cg_tol));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, trace_cb, c));
    MN_ASSERT_OK(ctx, mn_sim_run(s, t_end));
    counts k = counts_of(s);
    mn_sim_free(s);
    return k;
}

static double trace_max_rel(const trace *a, const trace *b)
{
    ck_assert_uint_eq(a->n, b->n);
    double d = 0.0;
    for (size_t i = 0; i < a->n; i++) {
        ck_assert(a->t[i] == b->t[i]);
        double e = fabs(a->I[i] - b->I[i]) / fabs(b->I[i]);
        if (e > d) d = e;
    }
    return d;
}

/* AUTO reuses factors (PCG to 1e-5 rtol, or the CG tolerance if looser) and gives the answer
 * of a run that refactorises at every right-hand side to within the integration tolerance
 * (rtol 1e-6);
 * every sample is within 1e-9 of a fresh refactorised solve at the sampled state. A PCG that
 * stopped early fails both: with a CG tolerance of 1e-3 instead of 1e-12 the same comparison
 * is two orders of magnitude off. */
START_TEST(test_auto_default_against_refactor)
{
    net n;
    make_net(&n);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:20:1e9:1"));
    size_t m = mn_graph_edge_count(n.g);
    check ref = { &n, NULL, malloc(m * sizeof(double)), 0, 0, 0 };
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&ref.ref, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(ref.ref, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(ref.ref, n.l, n.nl, NULL));
    MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(ref.ref, n.r, n.nr, NULL));

    tcheck a = { { 0 }, &ref }, r = { { 0 }, NULL }, loose = { { 0 }, NULL };
    counts ka = run_protocol(&n, w, 0, 0, &a, 30.0);
    counts kr = run_protocol(&n, w, 1, 0, &r, 30.0);
    counts kl = run_protocol(&n, w, 0, 1e-3, &loose, 30.0);
    double d = trace_max_rel(&a.tr, &r.tr), dl = trace_max_rel(&loose.tr, &r.tr);
    printf("AUTO: %llu refactorisations, %llu PCG solves (%llu iterations) for %llu right-hand "
           "sides; REFACTOR %llu; sampled current within %.3g of REFACTOR (CG tolerance 1e-3: "
           "%.3g); samples within %.3g of a refactorised solve\n",
           (unsigned long long)ka.rf, (unsigned long long)ka.cg, (unsigned long long)ka.cgi,
           (unsigned long long)ka.rhs, (unsigned long long)kr.rf, d, dl, ref.max_rel_I);
    ck_assert_uint_eq(a.tr.n, 61);
    /* AUTO really reuses factors for the integrator's solves, not only at the samples */
    ck_assert_uint_lt(ka.rf, ka.rhs);
    ck_assert_uint_gt(ka.cg, ka.outs + ka.rhs / 5);
    (void)kl;
    ck_assert_uint_ge(kr.rf, kr.rhs);
    ck_assert_msg(d < 1e-5, "AUTO against REFACTOR: %g", d);
    ck_assert_msg(ref.max_rel_I < 1e-9 && ref.max_rel_phi < 1e-9,
                  "AUTO samples against a refactorised solve: current %g, potentials %g",
                  ref.max_rel_I, ref.max_rel_phi);
    ck_assert_msg(dl > 1e-5, "a loose CG tolerance passes the comparison: %g", dl);
    trace_free(&a.tr), trace_free(&r.tr), trace_free(&loose.tr);
    mn_kirchhoff_free(ref.ref);
    free(ref.G);
    mn_waveform_free(w);
    free_net(&n);
}
END_TEST

/* a thread that keeps a core busy while it runs (the cost model must not see it) */
static atomic_int burn_stop;
static void *burn(void *u)
{
    volatile double x = 1.0;
    (void)u;
    while (!atomic_load(&burn_stop))
        for (int i = 0; i < 100000; i++) x = x * 1.0000001 + 1e-9;
    return NULL;
}

/* AUTO's choices come from operation counts, not from measured times: two runs, the second
 * beside a thread that loads the machine, make the same choices (same refactorisation and
 * PCG iteration counts) and the same numbers, bit for bit */
START_TEST(test_auto_deterministic)
{
    net n;
    make_net(&n);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:20:1e9:1"));
    tcheck a = { { 0 }, NULL }, b = { { 0 }, NULL };
    counts ka = run_protocol(&n, w, 0, 0, &a, 30.0);
    pthread_t th;
    atomic_store(&burn_stop, 0);
    ck_assert_int_eq(pthread_create(&th, NULL, burn, NULL), 0);
    counts kb = run_protocol(&n, w, 0, 0, &b, 30.0);
    atomic_store(&burn_stop, 1);
    pthread_join(th, NULL);
    ck_assert_uint_eq(ka.rf, kb.rf);
    ck_assert_uint_eq(ka.cg, kb.cg);
    ck_assert_uint_eq(ka.cgi, kb.cgi);
    ck_assert_uint_eq(ka.rhs, kb.rhs);
    ck_assert_uint_eq(a.tr.n, b.tr.n);
    for (size_t i = 0; i < a.tr.n; i++)
        ck_assert_msg(a.tr.t[i] == b.tr.t[i] && !memcmp(&a.tr.I[i], &b.tr.I[i], sizeof(double)) &&
                          !memcmp(&a.tr.x0[i], &b.tr.x0[i], sizeof(double)) &&
                          !memcmp(&a.tr.x1[i], &b.tr.x1[i], sizeof(double)),
                      "sample %zu at t = %g differs: I %.17g vs %.17g", i, a.tr.t[i], a.tr.I[i],
                      b.tr.I[i]);
    trace_free(&a.tr), trace_free(&b.tr);
    mn_waveform_free(w);
    free_net(&n);
}
END_TEST

/* a checkpoint under AUTO: the run that saves and continues and the run resumed from the file
 * give the same samples bit for bit, with the same refactorisations and PCG solves after it
 * (both forget AUTO's history there and refactorise: mn__kirchhoff_forget) */
START_TEST(test_auto_checkpoint_bitwise)
{
    const char *path = mn_test_tmpfile("sim-perf-checkpoint.txt");
    net n;
    make_net(&n);
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:0.1+pulse:1.9:20:1e9:1"));
    for (int at = 0; at < 2; at++) {
        double t_save = at ? 21.3 : 7.3; /* during the pulse, and in the read phase */
        tcheck a = { { 0 }, NULL }, c = { { 0 }, NULL };
        mn_sim *s = make_sim(&n, w);
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, trace_cb, &a));
        MN_ASSERT_OK(ctx, mn_sim_run(s, t_save));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(s, path));
        counts k0 = counts_of(s);
        size_t before = a.tr.n;
        MN_ASSERT_OK(ctx, mn_sim_run(s, 30.0));
        counts ka = counts_of(s);
        mn_sim_free(s);

        s = make_sim(&n, w);
        MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(s, 0.0, 0.5));
        MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(s, trace_cb, &c));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(s, path));
        MN_ASSERT_OK(ctx, mn_sim_run(s, 30.0));
        counts kc = counts_of(s);
        mn_sim_free(s);
        ck_assert_uint_eq(c.tr.n, a.tr.n - before);
        ck_assert(c.tr.t[0] > t_save);
        for (size_t i = 0; i < c.tr.n; i++)
            ck_assert_msg(a.tr.t[before + i] == c.tr.t[i] &&
                              !memcmp(&a.tr.I[before + i], &c.tr.I[i], sizeof(double)) &&
                              !memcmp(&a.tr.x0[before + i], &c.tr.x0[i], sizeof(double)) &&
                              !memcmp(&a.tr.x1[before + i], &c.tr.x1[i], sizeof(double)),
                          "saved at %g: sample at t = %g differs: I %.17g vs %.17g", t_save,
                          c.tr.t[i], a.tr.I[before + i], c.tr.I[i]);
        /* the same solves after the checkpoint; the resumed run's first solve is its first
           refactorisation, the saving run's is its refactorisation at the restart */
        ck_assert_uint_eq(ka.rf - k0.rf, kc.rf);
        ck_assert_uint_eq(ka.cg - k0.cg, kc.cg);
        ck_assert_uint_eq(ka.cgi - k0.cgi, kc.cgi);
        ck_assert_uint_gt(kc.cg, kc.outs); /* AUTO reused factors after the restart */
        trace_free(&a.tr), trace_free(&c.tr);
    }
    remove(path);
    mn_waveform_free(w);
    free_net(&n);
}
END_TEST

/* sensitivity solves on a stale factor to a looser tolerance (the time stepper's Jv products:
 * mn__kirchhoff_set_sensitivity_tolerance): fewer PCG iterations, and the result within that
 * tolerance's reach of a direct solve with a fresh factor; the default keeps 1e-12 */
START_TEST(test_sensitivity_tolerance)
{
    net n;
    make_net(&n);
    size_t m = mn_graph_edge_count(n.g);
    double *G = malloc(m * sizeof *G), *dG = malloc(m * sizeof *dG);
    double *ref = malloc(m * sizeof *ref), *dV = malloc(m * sizeof *dV);
    mn_kirchhoff *k, *f;
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&k, n.g));
    MN_ASSERT_OK(ctx, mn_kirchhoff_new(&f, n.g));
    mn_kirchhoff *both[2] = { k, f };
    for (int i = 0; i < 2; i++) {
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(both[i], n.l, n.nl, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_add_electrode(both[i], n.r, n.nr, NULL));
        MN_ASSERT_OK(ctx, mn_kirchhoff_set_potential(both[i], 0, 1.0));
    }
    uint64_t z = 7;
    for (size_t e = 0; e < m; e++) {
        z = z * 6364136223846793005ULL + 1442695040888963407ULL;
        G[e] = 1e-3 + (double)(z >> 11) / 9007199254740992.0;
        dG[e] = G[e] * (((double)((z >> 20) % 1000) / 1000.0) - 0.5);
    }
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_PCG));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G)); /* first solve: a factor */
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    for (size_t e = 0; e < m; e++) G[e] *= 1.0 + 0.3 * sin((double)e);
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(k, G)); /* PCG on the stale factor */
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(k));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_strategy(f, MN_KIRCHHOFF_REFACTOR));
    MN_ASSERT_OK(ctx, mn_kirchhoff_set_conductances(f, G));
    MN_ASSERT_OK(ctx, mn_kirchhoff_solve(f));
    MN_ASSERT_OK(ctx, mn__kirchhoff_sensitivity(f, dG, ref)); /* direct, fresh factor */
    double sc = 0.0;
    for (size_t e = 0; e < m; e++) sc = fmax(sc, fabs(ref[e]));
    ck_assert(sc > 0.0);
    uint64_t it[3];
    double err[3];
    double tol[3] = { 0.0, 1e-9, 1e-4 };
    for (int q = 0; q < 3; q++) {
        mn__kirchhoff_set_sensitivity_tolerance(k, tol[q]);
        uint64_t i0 = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
        MN_ASSERT_OK(ctx, mn__kirchhoff_sensitivity(k, dG, dV));
        it[q] = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS) - i0;
        err[q] = 0.0;
        for (size_t e = 0; e < m; e++) err[q] = fmax(err[q], fabs(dV[e] - ref[e]) / sc);
    }
    printf("sensitivity on a stale factor: tolerance 1e-12 / 1e-9 / 1e-4: %llu / %llu / %llu "
           "iterations, error %.2g / %.2g / %.2g\n", (unsigned long long)it[0],
           (unsigned long long)it[1], (unsigned long long)it[2], err[0], err[1], err[2]);
    ck_assert_msg(err[0] < 1e-10, "default tolerance: %g", err[0]);
    ck_assert_msg(err[1] < 1e-7, "1e-9: %g", err[1]);
    ck_assert_msg(err[2] < 1e-2, "1e-4: %g", err[2]);
    ck_assert_uint_gt(it[0], it[2]);
    ck_assert_uint_ge(it[0], it[1]);
    ck_assert_uint_ge(it[1], it[2]);
    mn_kirchhoff_free(k);
    mn_kirchhoff_free(f);
    free(G), free(dG), free(ref), free(dV);
    free_net(&n);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("sim-perf");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_setting);
    tcase_add_test(tc, test_samples_without_refactorisation);
    tcase_add_test(tc, test_auto_default_against_refactor);
    tcase_add_test(tc, test_auto_deterministic);
    tcase_add_test(tc, test_auto_checkpoint_bitwise);
    tcase_add_test(tc, test_sensitivity_tolerance);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
