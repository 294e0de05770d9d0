/*
 * Checks of the spiking nanoparticle experiments (003 secs. 2.4-2.6) on small networks:
 *
 * - events vs conductance and current: on a mixed A:C = 75:25 percolating nanoparticle network
 *   (not the one-edge case of tests/test-sim.c), fixed-step and CVODE, every filament edge
 *   whose conductance jumped to/from Gon between two samples has exactly one logged event of
 *   the right kind in that interval and no other edge has one (no event missed, none
 *   spurious; in continuous time a filament may form and break inside one interval: then an
 *   even number of alternating events); every recorded input current equals an independent
 *   dense nodal solve (mn_test_dense_solve) with the recorded conductances; and the current
 *   change the switched edges alone cause (dense solves) obeys Rayleigh's monotonicity law
 *   (formations raise the input current, breakings lower it), with at least 5 intervals whose
 *   events move it by more than 1%.
 * - potentiation / de-potentiation (003 Fig. 7, S18): seven pulses on an A:C network raise
 *   the mean Type C state at the end of every pulse, raise <G> and the event count of pulse 7
 *   over pulse 1, the state decays through the rest, and a 4x longer spacing gives a smaller
 *   response.
 */
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

typedef struct pnn {
    mn_gen *gen;
    mn_graph *g;
    mn_model *mA, *mC;
    mn_network *net;
    mn_sim *sim;
    size_t ne, nn;
} pnn;

/* a W x W pd percolating film (003 sec. 5.1), A:C = 75:25, left electrode at V (waveform w),
 * right grounded */
static void pnn_build(pnn *p, double W, uint64_t seed, const mn_waveform *w, int integ, double dt)
{
    memset(p, 0, sizeof *p);
    MN_ASSERT_OK(ctx, mn_gen_new(&p->gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(p->gen, MN_GEN_SEED, (int64_t)seed));
    MN_ASSERT_OK(ctx, mn_gen_set_real(p->gen, MN_GEN_WIDTH, W));
    MN_ASSERT_OK(ctx, mn_gen_set_real(p->gen, MN_GEN_HEIGHT, W));
    /* gaps up to 0.3 pd: G >= exp(-60) keeps the dense reference well conditioned */
    MN_ASSERT_OK(ctx, mn_gen_set_real(p->gen, MN_GEN_GAP_CUTOFF, 0.3));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&p->g, p->gen));
    p->ne = mn_graph_edge_count(p->g);
    p->nn = mn_graph_node_count(p->g);
    MN_ASSERT_OK(ctx, mn_model_new(&p->mA, ctx, "filament"));
    MN_ASSERT_OK(ctx, mn_model_set(p->mA, "rd", 1e-3));
    MN_ASSERT_OK(ctx, mn_model_set(p->mA, "rw", 100.0));
    MN_ASSERT_OK(ctx, mn_model_new(&p->mC, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(p->mC, "Gmin", 0.0));
    MN_ASSERT_OK(ctx, mn_network_new(&p->net, p->g));
    const mn_model *ms[2] = { p->mA, p->mC };
    double fr[2] = { 75, 25 };
    MN_ASSERT_OK(ctx, mn_network_assign_fractions(p->net, ms, fr, 2, seed));
    MN_ASSERT_OK(ctx, mn_sim_new(&p->sim, p->net));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(p->sim, "left", w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(p->sim, "right", NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_set_integrator(p->sim, (mn_sim_integrator)integ));
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(p->sim, dt));
    MN_ASSERT_OK(ctx, mn_sim_init_default(p->sim, 0.0));
}

static void pnn_free(pnn *p)
{
    mn_sim_free(p->sim);
    mn_network_free(p->net);
    mn_model_free(p->mA);
    mn_model_free(p->mC);
    mn_graph_free(p->g);
    mn_gen_free(p->gen);
}

/* independent reference: current into the network at the `left` electrode, by a dense
 * nodal solve (Gaussian elimination) with the given conductances */
static double dense_input_current(const pnn *p, const double *G, double V)
{
    const mn_index *u = mn_graph_edge_u(p->g), *v = mn_graph_edge_v(p->g), *L, *R;
    size_t nL, nR, n = p->nn;
    MN_ASSERT_OK(ctx, mn_graph_node_set(p->g, "left", &L, &nL));
    MN_ASSERT_OK(ctx, mn_graph_node_set(p->g, "right", &R, &nR));
    double *phi = malloc(n * sizeof *phi), *A = calloc(n * n, sizeof *A), *b = calloc(n, sizeof *b);
    int *fixed = calloc(n, sizeof *fixed);
    ck_assert(phi && A && b && fixed);
    for (size_t i = 0; i < nL; i++) fixed[L[i]] = 1, phi[L[i]] = V;
    for (size_t i = 0; i < nR; i++) fixed[R[i]] = 2, phi[R[i]] = 0;
    /* free nodes keep their index; fixed rows become identities */
    for (size_t e = 0; e < p->ne; e++) {
        size_t a = (size_t)u[e], c = (size_t)v[e];
        if (!fixed[a]) {
            A[a * n + a] += G[e];
            if (fixed[c]) b[a] += G[e] * phi[c];
            else A[a * n + c] -= G[e];
        }
        if (!fixed[c]) {
            A[c * n + c] += G[e];
            if (fixed[a]) b[c] += G[e] * phi[a];
            else A[c * n + a] -= G[e];
        }
    }
    for (size_t i = 0; i < n; i++)
        if (fixed[i] || A[i * n + i] == 0) A[i * n + i] = 1, b[i] = fixed[i] ? phi[i] : 0;
    ck_assert_int_eq(mn_test_dense_solve(A, b, (int)n), 0);
    double I = 0;
    for (size_t e = 0; e < p->ne; e++) {
        size_t a = (size_t)u[e], c = (size_t)v[e];
        if (fixed[a] == 1 && fixed[c] != 1) I += G[e] * (V - b[c]);
        if (fixed[c] == 1 && fixed[a] != 1) I += G[e] * (V - b[a]);
    }
    free(phi), free(A), free(b), free(fixed);
    return I;
}

typedef struct rec {
    size_t n, cap, ne;
    double *t, *I, *V, *G; /* G: n x ne */
    size_t nev, capev;
    double *te;
    mn_index *ee;
    int *ke;
} rec;

static int rec_sample(const mn_sim *sim, void *user)
{
    rec *r = user;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->t = realloc(r->t, r->cap * sizeof(double));
        r->I = realloc(r->I, r->cap * sizeof(double));
        r->V = realloc(r->V, r->cap * sizeof(double));
        r->G = realloc(r->G, r->cap * r->ne * sizeof(double));
        ck_assert(r->t && r->I && r->V && r->G);
    }
    r->t[r->n] = mn_sim_time(sim);
    r->I[r->n] = mn_sim_electrode_current(sim, 0);
    r->V[r->n] = mn_sim_applied_voltage(sim, 0);
    memcpy(r->G + r->n * r->ne, mn_sim_conductances(sim), r->ne * sizeof(double));
    r->n++;
    return 0;
}

static int rec_event(double t, mn_index e, mn_sim_event_kind k, void *user)
{
    rec *r = user;
    if (r->nev == r->capev) {
        r->capev = r->capev ? 2 * r->capev : 256;
        r->te = realloc(r->te, r->capev * sizeof(double));
        r->ee = realloc(r->ee, r->capev * sizeof(mn_index));
        r->ke = realloc(r->ke, r->capev * sizeof(int));
        ck_assert(r->te && r->ee && r->ke);
    }
    r->te[r->nev] = t, r->ee[r->nev] = e, r->ke[r->nev] = (int)k;
    r->nev++;
    return 0;
}

static void rec_free(rec *r)
{
    free(r->t), free(r->I), free(r->V), free(r->G), free(r->te), free(r->ee), free(r->ke);
}

/* ------------------------------------------------------------------------------------ */

START_TEST(test_events_match_jumps)
{
    /* _i: 0 = fixed step (003's discrete time, events at step ends), 1 = CVODE (located) */
    int integ = _i == 0 ? MN_SIM_EXACT : MN_SIM_BDF;
    double dt = 0.01, Gon = 10;
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&w, ctx, 2.0));
    pnn p;
    pnn_build(&p, 24, 2, w, integ, dt);
    mn_waveform_free(w);
    if (integ == MN_SIM_BDF) MN_ASSERT_OK(ctx, mn_sim_set_tolerances(p.sim, 1e-7, 1e-10));
    rec r = { .ne = p.ne };
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(p.sim, dt, dt));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(p.sim, rec_sample, &r));
    MN_ASSERT_OK(ctx, mn_sim_set_event_callback(p.sim, rec_event, &r));
    double T = integ == MN_SIM_BDF ? 3.0 : 6.0;
    MN_ASSERT_OK(ctx, mn_sim_run(p.sim, T + 0.5 * dt));
    ck_assert_uint_eq(r.n, (size_t)(T / dt + 0.5));
    ck_assert_msg(r.nev >= 20, "only %zu events: the check needs a spiking network", r.nev);
    const mn_index *em = mn_network_edge_models(p.net);
    mn_index kA = em[0];
    for (size_t e = 0; e < p.ne; e++)
        if (strcmp(mn_network_model_ops(p.net, (size_t)em[e])->name, "filament") == 0) kA = em[e];

    /* the first sample: every recorded current against the dense reference */
    size_t k = 0, jumps = 0, checked_dI = 0;
    int *nev_edge = calloc(p.ne, sizeof *nev_edge), *kind_edge = calloc(p.ne, sizeof *kind_edge);
    double *Gmix = malloc(p.ne * sizeof *Gmix);
    ck_assert(nev_edge && kind_edge && Gmix);
    for (size_t i = 0; i < r.n; i++) {
        const double *G = r.G + i * p.ne;
        MN_ASSERT_REL(r.I[i], dense_input_current(&p, G, r.V[i]), 1e-8);
        if (i == 0) {
            while (k < r.nev && r.te[k] <= r.t[0]) k++;
            continue;
        }
        const double *G0 = r.G + (i - 1) * p.ne;
        memset(nev_edge, 0, p.ne * sizeof *nev_edge);
        size_t nin = 0;
        int n_form = 0, n_break = 0;
        while (k < r.nev && r.te[k] <= r.t[i]) {
            mn_index e = r.ee[k];
            ck_assert(r.te[k] > r.t[i - 1]);
            ck_assert_int_eq(em[e], kA); /* only filaments have events */
            /* an edge's events alternate: formation of an open gap, breaking of a bridge */
            int was_on = nev_edge[e] ? kind_edge[e] == MN_SIM_EVENT_FORM : G0[e] == Gon;
            ck_assert_int_eq(r.ke[k], was_on ? MN_SIM_EVENT_BREAK : MN_SIM_EVENT_FORM);
            nev_edge[e]++;
            kind_edge[e] = r.ke[k];
            n_form += r.ke[k] == MN_SIM_EVENT_FORM, n_break += r.ke[k] == MN_SIM_EVENT_BREAK;
            nin++, k++;
        }
        /* conductance jumps of filament edges <-> events, edge by edge: an odd number of
         * events (one in fixed steps) where G jumped to or from Gon, an even number (none in
         * fixed steps: a bridge carrying current lives at least a step) elsewhere */
        memcpy(Gmix, G0, p.ne * sizeof *Gmix);
        size_t njump = 0;
        for (size_t e = 0; e < p.ne; e++) {
            if (em[e] != kA) continue;
            int on0 = G0[e] == Gon, on1 = G[e] == Gon;
            ck_assert_msg((nev_edge[e] % 2 == 1) == (on0 != on1),
                          "t %g-%g: edge %zu: G %g -> %g with %d events", r.t[i - 1], r.t[i], e,
                          G0[e], G[e], nev_edge[e]);
            if (integ != MN_SIM_BDF) ck_assert_int_le(nev_edge[e], 1);
            if (on0 != on1) Gmix[e] = G[e], njump++;
        }
        jumps += njump;
        /* Rayleigh's monotonicity law: formations alone can only raise the input current,
         * breakings alone only lower it (dense solves with the conductances before the
         * interval, and with just the switched edges changed) */
        if (njump > 0 && (n_form == 0 || n_break == 0)) {
            double Ibefore = dense_input_current(&p, G0, r.V[i]);
            double Ijump = dense_input_current(&p, Gmix, r.V[i]) - Ibefore;
            if (n_break == 0) ck_assert_msg(Ijump >= -1e-12 * fabs(Ibefore), "t %g: %g", r.t[i], Ijump);
            else ck_assert_msg(Ijump <= 1e-12 * fabs(Ibefore), "t %g: %g", r.t[i], Ijump);
            checked_dI += fabs(Ijump) > 0.01 * fabs(Ibefore);
        }
    }
    ck_assert_uint_eq(k, r.nev);
    ck_assert_msg(checked_dI >= 5, "only %zu intervals' events moved the current by > 1%%",
                  checked_dI);
    ck_assert(jumps > 0 && jumps <= r.nev);
    if (integ != MN_SIM_BDF) ck_assert_uint_eq(jumps, r.nev);
    free(nev_edge), free(kind_edge), free(Gmix);
    rec_free(&r);
    pnn_free(&p);
}
END_TEST

/* ------------------------------------------------------------------------------------ */

typedef struct prot {
    double lead, width, spacing, rest, dt;
    int pulses;
} prot;

typedef struct pot_result {
    double g_end[7];       /* mean Type C state at the end of each pulse */
    double G_pulse[7];     /* mean network conductance I/V during each pulse */
    size_t ev_pulse[7];    /* filament events during each pulse */
    double g_rest[32];     /* mean Type C state every 100 steps through the final rest */
    double G_rest[32];     /* mean network conductance I/V over each of those 100 steps */
    size_t n_rest;
} pot_result;

typedef struct pot_ctx {
    const pnn *p;
    prot pr;
    pot_result *res;
    mn_index kC;
    size_t nev;     /* events so far */
    size_t ev0;     /* events at the start of the present pulse */
    double sG;      /* running sum of I/V in the present pulse or rest block */
} pot_ctx;

static double mean_g(const pnn *p, mn_index kC)
{
    const double *x = mn_sim_states(p->sim);
    const size_t *off = mn_network_state_offsets(p->net);
    const mn_index *em = mn_network_edge_models(p->net);
    double s = 0;
    size_t c = 0;
    for (size_t e = 0; e < p->ne; e++)
        if (em[e] == kC) s += x[off[e]], c++;
    return s / (double)c;
}

static int pot_event(double t, mn_index e, mn_sim_event_kind k, void *user)
{
    pot_ctx *c = user;
    (void)t, (void)e, (void)k;
    c->nev++;
    return 0;
}

/* one sample per step; step s covers (s-1, s] dt; pulse k holds steps lead + kP + 1 ..
 * lead + kP + width */
static int pot_sample(const mn_sim *sim, void *user)
{
    pot_ctx *c = user;
    const prot *pr = &c->pr;
    long s = lround(mn_sim_time(sim) / pr->dt);
    long P = (long)(pr->width + pr->spacing), rel = s - (long)pr->lead - 1;
    long last_end = (long)pr->lead + (pr->pulses - 1) * P + (long)pr->width;
    if (rel >= 0 && rel / P < pr->pulses && rel % P < (long)pr->width) {
        int k = (int)(rel / P);
        if (rel % P == 0) c->ev0 = c->nev, c->sG = 0;
        c->sG += mn_sim_electrode_current(sim, 0) / mn_sim_applied_voltage(sim, 0);
        if (rel % P == (long)pr->width - 1) {
            c->res->g_end[k] = mean_g(c->p, c->kC);
            c->res->G_pulse[k] = c->sG / pr->width;
            c->res->ev_pulse[k] = c->nev - c->ev0;
        }
    } else if (s > last_end && c->res->n_rest < 32) {
        if (s == last_end + 1) c->sG = 0;
        c->sG += mn_sim_electrode_current(sim, 0) / mn_sim_applied_voltage(sim, 0);
        if ((s - last_end) % 100 == 0) {
            c->res->G_rest[c->res->n_rest] = c->sG / 100;
            c->res->g_rest[c->res->n_rest++] = mean_g(c->p, c->kC);
            c->sG = 0;
        }
    }
    return 0;
}

static void run_protocol(const prot *pr, pot_result *res)
{
    double dt = pr->dt;
    mn_waveform *wl, *wp, *w;
    /* 003's 1.25 V and 6 V on 200 pd, scaled by W / 200 so that the voltage per gap in series
     * (and so the junction dynamics) matches the paper's network */
    double W = 40, f = W / 200;
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&wl, ctx, 1.25 * f));
    MN_ASSERT_OK(ctx, mn_waveform_new_pulse(&wp, ctx, (6.0 - 1.25) * f, 0.0, pr->width * dt,
                                            (pr->width + pr->spacing) * dt, pr->pulses,
                                            pr->lead * dt));
    const mn_waveform *terms[2] = { wl, wp };
    double wts[2] = { 1, 1 };
    MN_ASSERT_OK(ctx, mn_waveform_new_sum(&w, ctx, terms, wts, 2));
    pnn p;
    pnn_build(&p, W, 5, w, MN_SIM_EXACT, dt);
    mn_waveform_free(w), mn_waveform_free(wl), mn_waveform_free(wp);
    const mn_index *em = mn_network_edge_models(p.net);
    mn_index kC = -1;
    for (size_t e = 0; e < p.ne; e++)
        if (strcmp(mn_network_model_ops(p.net, (size_t)em[e])->name, "miranda") == 0) kC = em[e];
    ck_assert(kC >= 0);
    memset(res, 0, sizeof *res);
    pot_ctx c = { .p = &p, .pr = *pr, .res = res, .kC = kC };
    MN_ASSERT_OK(ctx, mn_sim_set_event_callback(p.sim, pot_event, &c));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(p.sim, dt, dt));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(p.sim, pot_sample, &c));
    double steps = pr->lead + pr->pulses * (pr->width + pr->spacing) - pr->spacing + pr->rest;
    MN_ASSERT_OK(ctx, mn_sim_run(p.sim, (steps + 0.5) * dt));
    pnn_free(&p);
}

START_TEST(test_potentiation)
{
    /* 003 Fig. 7: V_min 1.25 V, V_max 6 V, pulse length = spacing = 250 steps, 1 step = 0.01 s */
    prot pr = { .lead = 250, .width = 250, .spacing = 250, .rest = 1500, .dt = 0.01, .pulses = 7 };
    pot_result a, b;
    run_protocol(&pr, &a);
    /* criterion 1 (potentiation): the mean Type C state at the end of each pulse rises
     * strictly from pulse to pulse, and by > 20% from pulse 1 to pulse 7 */
    for (int k = 1; k < 7; k++)
        ck_assert_msg(a.g_end[k] > a.g_end[k - 1], "pulse %d: <g> %g after %g", k + 1, a.g_end[k],
                      a.g_end[k - 1]);
    ck_assert_msg(a.g_end[6] > 1.2 * a.g_end[0], "<g> pulse 7 %g vs pulse 1 %g", a.g_end[6],
                  a.g_end[0]);
    /* criterion 2 (the network learns): network conductance and filament event count during
     * pulse 7 exceed those of pulse 1 */
    ck_assert_msg(a.G_pulse[6] > a.G_pulse[0], "<G> pulse 7 %g vs pulse 1 %g", a.G_pulse[6],
                  a.G_pulse[0]);
    ck_assert_msg(a.ev_pulse[6] > a.ev_pulse[0], "events pulse 7 %zu vs pulse 1 %zu",
                  a.ev_pulse[6], a.ev_pulse[0]);
    /* criterion 3 (de-potentiation): in the rest at V_min the mean state falls at every
     * 100-step reading and ends below its value at the end of pulse 7 */
    ck_assert_uint_eq(a.n_rest, 15);
    ck_assert(a.g_rest[0] < a.g_end[6]);
    for (size_t j = 1; j < a.n_rest; j++)
        ck_assert_msg(a.g_rest[j] < a.g_rest[j - 1], "rest reading %zu: <g> %g after %g", j,
                      a.g_rest[j], a.g_rest[j - 1]);
    /* ... and the network forgets: <G> over the last 100 rest steps is below <G> over the
     * first 100 (003 Fig. 7c) */
    ck_assert_msg(a.G_rest[a.n_rest - 1] < a.G_rest[0], "rest <G>: %g at the end, %g at the start",
                  a.G_rest[a.n_rest - 1], a.G_rest[0]);
    /* criterion 4 (003 Fig. S18): spacing 1000 steps instead of 250 lowers the state reached
     * after seven pulses */
    pr.spacing = 1000;
    pr.rest = 100;
    run_protocol(&pr, &b);
    ck_assert_msg(b.g_end[6] < a.g_end[6], "spacing 1000: <g> %g, spacing 250: %g", b.g_end[6],
                  a.g_end[6]);
    ck_assert_msg(b.g_end[0] == a.g_end[0], "the first pulses see the same history");
}
END_TEST

static Suite *spiking_suite(void)
{
    Suite *s = suite_create("spiking");
    TCase *tc = tcase_create("spiking");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_events_match_jumps, 0, 2);
    tcase_add_test(tc, test_potentiation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(spiking_suite()); }
