/* HDF5 recorder (memnet/h5.h): every dataset read back with the HDF5 C API and compared bit for
 * bit with what the simulation's own getters gave at the same samples (an in-memory recording
 * by the sample, snapshot and event callbacks); a recorded run equals an unrecorded one; a
 * checkpoint restart appending to the file equals an uninterrupted run; a process killed by
 * SIGKILL leaves a valid file with exactly the flushed samples; bad paths and files give
 * messages; the attribute "newton" names the Newton iteration set, or on append the resumed
 * run's. Without HDF5 in the build: the calls fail with MN_ERR_UNSUPPORTED naming it. */
#include "mn-test.h"

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef MN_HAVE_HDF5
#include <hdf5.h>
#endif

static mn_context *ctx;
static mn_graph *g;
static mn_model *fa, *mc;

/* a nanoparticle network (003 sec. 5.1): 3 of 4 gaps filament (3 states, events), 1 of 4 miranda */
static void setup(void)
{
    mn_gen *gen;
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 10));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 10));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 3));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    mn_gen_free(gen);
    MN_ASSERT_OK(ctx, mn_model_new(&fa, ctx, "filament"));
    MN_ASSERT_OK(ctx, mn_model_set(fa, "rd", 1e-3));
    MN_ASSERT_OK(ctx, mn_model_set(fa, "rw", 0.1));
    MN_ASSERT_OK(ctx, mn_model_new(&mc, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set(mc, "Gmin", 1e-2));
}

static void teardown(void)
{
    mn_model_free(fa);
    mn_model_free(mc);
    mn_graph_free(g);
    mn_context_free(ctx);
}

static mn_network *make_net(void)
{
    size_t m = mn_graph_edge_count(g), na = 0, nc = 0;
    mn_index *ea = malloc(m * sizeof *ea), *ec = malloc(m * sizeof *ec);
    for (size_t e = 0; e < m; e++) {
        if (e % 4 == 3) ec[nc++] = (mn_index)e;
        else ea[na++] = (mn_index)e;
    }
    mn_network *net;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_network_assign(net, fa, ea, na, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(net, mc, ec, nc, NULL));
    free(ea), free(ec);
    return net;
}

static mn_sim *make_sim(mn_network *net)
{
    mn_sim *sim;
    mn_waveform *w;
    MN_ASSERT_OK(ctx, mn_sim_new(&sim, net));
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "dc:1+pulse:2:0.4:1"));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(sim, "left", w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode_set(sim, "right", NULL, NULL));
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_sim_set_energy_tracking(sim, 1));
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(sim, 0.0, 0.05));
    return sim;
}

/* ------------------------------------------------------------ the in-memory recording */

/* growable arrays of rows: what the getters give at each sample */
typedef struct memrec {
    size_t n, cap, m, nn, ns;
    double *t, *V, *I, *G, *mean, *x, *Ie, *Ve, *Ge, *phi, *E, *probe;
    const mn_network *net;
} memrec;

static void grow(double **p, size_t cap, size_t w) { *p = realloc(*p, cap * (w ? w : 1) * sizeof **p); }

/* the mean of each state over the edges of its model (network order), summed in edge order */
static void model_means(const mn_network *net, const double *x, double *out)
{
    size_t nm = mn_network_model_count(net), m = mn_graph_edge_count(mn_network_graph(net)), col = 0;
    const mn_index *em = mn_network_edge_models(net);
    const size_t *off = mn_network_state_offsets(net);
    for (size_t j = 0; j < nm; j++) {
        size_t ns = mn_network_model_ops(net, j)->n_states;
        for (size_t q = 0; q < ns; q++) {
            double a = 0;
            size_t cnt = 0;
            for (size_t e = 0; e < m; e++)
                if ((size_t)em[e] == j) a += x[off[e] + q], cnt++;
            out[col++] = a / (double)cnt;
        }
    }
}

static int mem_cb(const mn_sim *sim, void *u)
{
    memrec *r = u;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        grow(&r->t, r->cap, 1), grow(&r->V, r->cap, 2), grow(&r->I, r->cap, 2), grow(&r->G, r->cap, 1);
        grow(&r->mean, r->cap, 4), grow(&r->x, r->cap, r->ns), grow(&r->Ie, r->cap, r->m);
        grow(&r->Ve, r->cap, r->m), grow(&r->Ge, r->cap, r->m), grow(&r->phi, r->cap, r->nn);
        grow(&r->E, r->cap, 2), grow(&r->probe, r->cap, 2);
    }
    size_t i = r->n++;
    r->t[i] = mn_sim_time(sim);
    for (size_t k = 0; k < 2; k++) {
        r->V[2 * i + k] = mn_sim_applied_voltage(sim, k);
        r->I[2 * i + k] = mn_sim_electrode_current(sim, k);
    }
    r->G[i] = mn_sim_effective_conductance(sim);
    model_means(r->net, mn_sim_states(sim), &r->mean[4 * i]);
    memcpy(&r->x[i * r->ns], mn_sim_states(sim), r->ns * sizeof(double));
    memcpy(&r->Ie[i * r->m], mn_sim_edge_currents(sim), r->m * sizeof(double));
    memcpy(&r->Ve[i * r->m], mn_sim_edge_voltages(sim), r->m * sizeof(double));
    memcpy(&r->Ge[i * r->m], mn_sim_conductances(sim), r->m * sizeof(double));
    memcpy(&r->phi[i * r->nn], mn_sim_potentials(sim), r->nn * sizeof(double));
    MN_ASSERT_OK(ctx, mn_sim_energy(sim, &r->E[2 * i], &r->E[2 * i + 1]));
    r->probe[2 * i] = mn_sim_potentials(sim)[0];
    r->probe[2 * i + 1] = mn_sim_potentials(sim)[1] - mn_sim_potentials(sim)[2];
    return 0;
}

static void memrec_init(memrec *r, const mn_network *net)
{
    memset(r, 0, sizeof *r);
    r->net = net;
    r->m = mn_graph_edge_count(mn_network_graph(net));
    r->nn = mn_graph_node_count(mn_network_graph(net));
    r->ns = mn_network_state_count(net);
}

static void memrec_free(memrec *r)
{
    double *p[] = { r->t, r->V, r->I, r->G, r->mean, r->x, r->Ie, r->Ve, r->Ge, r->phi, r->E, r->probe };
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) free(p[k]);
}

/* snapshots through the snapshot callback */
typedef struct snaprec {
    size_t n;
    double t[8];
    double *x[8], *G[8], *V[8], *I[8], *phi[8];
} snaprec;

static size_t snap_m, snap_ns, snap_nn;

static double *dupd(const double *p, size_t n)
{
    double *c = malloc(n * sizeof *c);
    memcpy(c, p, n * sizeof *c);
    return c;
}

static int snap_cb(const mn_sim *sim, void *u)
{
    snaprec *s = u;
    size_t k = s->n++;
    s->t[k] = mn_sim_time(sim);
    s->x[k] = dupd(mn_sim_states(sim), snap_ns);
    s->G[k] = dupd(mn_sim_conductances(sim), snap_m);
    s->V[k] = dupd(mn_sim_edge_voltages(sim), snap_m);
    s->I[k] = dupd(mn_sim_edge_currents(sim), snap_m);
    s->phi[k] = dupd(mn_sim_potentials(sim), snap_nn);
    return 0;
}

static void snaprec_free(snaprec *s)
{
    for (size_t k = 0; k < s->n; k++) free(s->x[k]), free(s->G[k]), free(s->V[k]), free(s->I[k]), free(s->phi[k]);
}

static int probe_fn(const mn_sim *sim, double *row, void *u)
{
    const double *phi = mn_sim_potentials(sim);
    row[0] = phi[0];
    row[1] = phi[1] - phi[2];
    return 0;
}

#ifdef MN_HAVE_HDF5

/* ------------------------------------------------------------ reading back (HDF5 C API) */

/* the whole dataset as doubles (rows x cols; cols = 1 for 1-D) */
static double *h5_read(hid_t f, const char *path, size_t *rows, size_t *cols)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    ck_assert_msg(d >= 0, "dataset %s missing", path);
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = { 0, 1 };
    int rank = H5Sget_simple_extent_ndims(sp);
    ck_assert(rank == 1 || rank == 2);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    *rows = dims[0];
    *cols = rank == 2 ? dims[1] : 1;
    double *v = malloc((*rows * *cols + 1) * sizeof *v);
    if (*rows) ck_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    return v;
}

/* dataset == the expected rows, bit for bit */
static void h5_expect(hid_t f, const char *path, const double *want, size_t rows, size_t cols)
{
    size_t r, c;
    double *v = h5_read(f, path, &r, &c);
    ck_assert_msg(r == rows && c == cols, "%s: %zu x %zu, expected %zu x %zu", path, r, c, rows, cols);
    for (size_t i = 0; i < rows * cols; i++)
        ck_assert_msg(memcmp(&v[i], &want[i], sizeof(double)) == 0, "%s[%zu][%zu] = %.17g, expected %.17g",
                      path, i / cols, i % cols, v[i], want[i]);
    free(v);
}

static double attr_double(hid_t f, const char *key)
{
    double v = NAN;
    hid_t a = H5Aopen(f, key, H5P_DEFAULT);
    ck_assert_msg(a >= 0, "attribute %s missing", key);
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
    return v;
}

static void attr_string(hid_t f, const char *key, char *buf, size_t n)
{
    hid_t a = H5Aopen(f, key, H5P_DEFAULT);
    ck_assert_msg(a >= 0, "attribute %s missing", key);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *s = NULL;
    ck_assert(H5Aread(a, t, &s) >= 0);
    snprintf(buf, n, "%s", s);
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
}

/* ------------------------------------------------------------ tests */

START_TEST(test_roundtrip)
{
    mn_network *net = make_net();
    size_t m = mn_graph_edge_count(g), nn = mn_graph_node_count(g), ns = mn_network_state_count(net);
    const char *path = mn_test_tmpfile("rec.h5");
    const double snaps[] = { 0.5, 1.25, 2.0 };
    memrec a, b;
    snaprec sa = { 0 };
    snap_m = m, snap_ns = ns, snap_nn = nn;

    /* run A: recorded to HDF5 and in memory */
    mn_sim *sim = make_sim(net);
    memrec_init(&a, net);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(sim, mem_cb, &a));
    MN_ASSERT_OK(ctx, mn_sim_set_snapshots(sim, snaps, 3, NULL, snap_cb, &sa));
    mn_h5_recorder *rec;
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, path, MN_H5_ALL, MN_H5_CREATE));
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_flush_interval(rec, 7));
    MN_ASSERT_OK(ctx, mn_h5_recorder_add_series(rec, "probe", 2, "phi0,phi1-phi2", probe_fn, NULL));
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_attribute(rec, "command", "test-h5 roundtrip"));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    MN_ASSERT_OK(ctx, mn_h5_recorder_flush(rec)); /* mid-run flush: the chunks realign after it */
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 3.0));
    ck_assert_int_eq(mn_h5_recorder_sample_count(rec), (int64_t)a.n);
    ck_assert(mn_h5_recorder_last_time(rec) == a.t[a.n - 1]);
    /* state changes after this do not reach the file */
    MN_ASSERT_ERR(ctx, mn_h5_recorder_set_flush_interval(rec, 3), MN_ERR_STATE, "fixed");
    MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
    size_t nev = mn_sim_event_count(sim);
    ck_assert_msg(nev >= 4, "only %zu events: the network does not exercise /events", nev);
    ck_assert_uint_eq(a.n, 61);
    ck_assert_uint_eq(sa.n, 3);

    /* run B: the same simulation without the recorder gives the same numbers, bit for bit */
    mn_sim *simb = make_sim(net);
    memrec_init(&b, net);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(simb, mem_cb, &b));
    MN_ASSERT_OK(ctx, mn_sim_run(simb, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_run(simb, 3.0));
    ck_assert_uint_eq(b.n, a.n);
    ck_assert(memcmp(a.x, b.x, a.n * ns * sizeof(double)) == 0);
    ck_assert(memcmp(a.Ie, b.Ie, a.n * m * sizeof(double)) == 0);
    ck_assert_uint_eq(mn_sim_event_count(simb), nev);
    mn_sim_free(simb);
    memrec_free(&b);

    /* the file against run A's in-memory recording */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    h5_expect(f, "/time", a.t, a.n, 1);
    h5_expect(f, "/electrodes/V", a.V, a.n, 2);
    h5_expect(f, "/electrodes/I", a.I, a.n, 2);
    h5_expect(f, "/G_eff", a.G, a.n, 1);
    h5_expect(f, "/mean_state", a.mean, a.n, 4);
    h5_expect(f, "/edges/state", a.x, a.n, ns);
    h5_expect(f, "/edges/current", a.Ie, a.n, m);
    h5_expect(f, "/edges/voltage", a.Ve, a.n, m);
    h5_expect(f, "/edges/conductance", a.Ge, a.n, m);
    h5_expect(f, "/nodes/potential", a.phi, a.n, nn);
    h5_expect(f, "/energy", a.E, a.n, 2);
    h5_expect(f, "/series/probe", a.probe, a.n, 2);
    /* snapshots */
    h5_expect(f, "/snapshots/time", sa.t, 3, 1);
    for (size_t k = 0; k < 3; k++) MN_ASSERT_REL(sa.t[k], snaps[k], 1e-15);
    const char *sp[] = { "/snapshots/state", "/snapshots/conductance", "/snapshots/voltage",
                         "/snapshots/current", "/snapshots/potential" };
    for (int q = 0; q < 5; q++) {
        size_t r, c;
        double *v = h5_read(f, sp[q], &r, &c);
        ck_assert_uint_eq(r, 3);
        for (size_t k = 0; k < 3; k++) {
            double *want = q == 0 ? sa.x[k] : q == 1 ? sa.G[k] : q == 2 ? sa.V[k] : q == 3 ? sa.I[k] : sa.phi[k];
            ck_assert_uint_eq(c, q == 0 ? ns : q == 4 ? nn : m);
            ck_assert_msg(memcmp(&v[k * c], want, c * sizeof(double)) == 0, "%s row %zu differs", sp[q], k);
        }
        free(v);
    }
    /* events against the simulation's log */
    size_t r, c;
    double *et = h5_read(f, "/events/time", &r, &c), *ee, *ek;
    ck_assert_uint_eq(r, nev);
    ee = h5_read(f, "/events/edge", &r, &c);
    ek = h5_read(f, "/events/kind", &r, &c);
    for (size_t i = 0; i < nev; i++) {
        double t;
        mn_index e;
        mn_sim_event_kind k;
        MN_ASSERT_OK(ctx, mn_sim_event(sim, i, &t, &e, &k));
        ck_assert(et[i] == t && ee[i] == (double)e && ek[i] == (double)k);
    }
    free(et), free(ee), free(ek);
    /* /edges/state_edge: the edge of each state column, from the state offsets */
    double *se = h5_read(f, "/edges/state_edge", &r, &c), *on = h5_read(f, "/network/state_offsets", &r, &c);
    const size_t *off = mn_network_state_offsets(net);
    ck_assert_uint_eq(r, m + 1);
    for (size_t e = 0; e < m; e++)
        for (size_t i = off[e]; i < off[e + 1]; i++) ck_assert(se[i] == (double)e);
    for (size_t e = 0; e <= m; e++) ck_assert(on[e] == (double)off[e]);
    free(se), free(on);
    double *nu = h5_read(f, "/network/u", &r, &c);
    for (size_t e = 0; e < m; e++) ck_assert(nu[e] == (double)mn_graph_edge_u(g)[e]);
    free(nu);
    /* provenance */
    char buf[256];
    attr_string(f, "memnet_version", buf, sizeof buf);
    ck_assert_str_eq(buf, mn_version_string());
    attr_string(f, "command", buf, sizeof buf);
    ck_assert_str_eq(buf, "test-h5 roundtrip");
    attr_string(f, "models", buf, sizeof buf);
    ck_assert_str_eq(buf, "filament,miranda");
    attr_string(f, "integrator", buf, sizeof buf);
    ck_assert_str_eq(buf, "bdf");
    attr_string(f, "newton", buf, sizeof buf);
    ck_assert_str_eq(buf, "auto"); /* the default: mn_sim_set_newton was not called */
    ck_assert(attr_double(f, "rtol") == 1e-6 && attr_double(f, "atol") == 1e-9);
    ck_assert(attr_double(f, "edges") == (double)m && attr_double(f, "states") == (double)ns);
    ck_assert(attr_double(f, "param.miranda.G_min") == 1e-2 && attr_double(f, "param.filament.rd") == 1e-3);
    H5Fclose(f);
    snaprec_free(&sa);
    memrec_free(&a);
    mn_sim_free(sim);
    mn_network_free(net);
    unlink(path);
}
END_TEST

/* a run resumed from a checkpoint appends to the file: rows after the checkpoint (written by the
 * run that stopped later) are removed and the result equals a run that saved the checkpoint
 * and went on (checkpoint_save restarts the integrator, so that run is the reference) */
START_TEST(test_append_restart)
{
    mn_network *net = make_net();
    const char *ref = mn_test_tmpfile("ref.h5"), *res = mn_test_tmpfile("res.h5"),
               *cp = mn_test_tmpfile("h5.cp");
    uint32_t what = MN_H5_DEFAULT | MN_H5_STATES | MN_H5_CURRENTS;
    mn_h5_recorder *rec;
    /* reference: checkpoint at 1.0, then on to 3.0 */
    mn_sim *sim = make_sim(net);
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, ref, what, MN_H5_CREATE));
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_flush_interval(rec, 4));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(sim, cp));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 3.0));
    MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
    mn_sim_free(sim);
    /* the interrupted run: same to 1.0 and the checkpoint, then on to 1.63 and stopped */
    sim = make_sim(net);
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, res, what, MN_H5_CREATE));
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_flush_interval(rec, 4));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(sim, cp));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.63));
    ck_assert_int_eq(mn_h5_recorder_sample_count(rec), 33);
    MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
    mn_sim_free(sim);
    /* resumed: the samples up to 1.0 are kept (21: 0, 0.05, ..., 1.0) */
    sim = make_sim(net);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(sim, cp));
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, res, what, MN_H5_APPEND));
    ck_assert_int_eq(mn_h5_recorder_sample_count(rec), 21);
    ck_assert(mn_h5_recorder_last_time(rec) == 20 * 0.05);
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_flush_interval(rec, 4));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 3.0));
    MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
    mn_sim_free(sim);
    hid_t fr = H5Fopen(ref, H5F_ACC_RDONLY, H5P_DEFAULT), fs = H5Fopen(res, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(fr >= 0 && fs >= 0);
    const char *ds[] = { "/time", "/electrodes/V", "/electrodes/I", "/G_eff", "/mean_state", "/edges/state",
                         "/edges/current", "/energy", "/events/time", "/events/edge", "/events/kind" };
    for (size_t q = 0; q < sizeof ds / sizeof ds[0]; q++) {
        size_t r, c;
        double *want = h5_read(fr, ds[q], &r, &c);
        ck_assert_msg(r > 0, "%s empty", ds[q]);
        h5_expect(fs, ds[q], want, r, c);
        free(want);
    }
    H5Fclose(fr);
    H5Fclose(fs);

    /* appending with other settings is refused, naming the dataset */
    sim = make_sim(net);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(sim, cp));
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, res, what | MN_H5_POTENTIALS, MN_H5_APPEND));
    MN_ASSERT_ERR(ctx, mn_sim_run(sim, 1.2), MN_ERR_INVALID, "/nodes/potential");
    MN_ASSERT_ERR(ctx, mn_h5_recorder_close(rec), MN_ERR_INVALID, res);
    mn_sim_free(sim);
    mn_network_free(net);
    unlink(ref), unlink(res), unlink(cp);
}
END_TEST

/* the attribute "newton" names the Newton iteration the user set (a non-default one), at
 * creation; on append it names the one the resumed run uses: the checkpoint's when the
 * resuming simulation sets none, else its own */
static void expect_newton(const char *path, const char *want)
{
    char buf[64];
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    attr_string(f, "newton", buf, sizeof buf);
    H5Fclose(f);
    ck_assert_msg(!strcmp(buf, want), "%s: newton = \"%s\", want \"%s\"", path, buf, want);
}

START_TEST(test_newton_attribute)
{
    mn_network *net = make_net();
    char path[4096], cp[4096];
    snprintf(path, sizeof path, "%s", mn_test_tmpfile("newton.h5"));
    snprintf(cp, sizeof cp, "%s", mn_test_tmpfile("newton.cp"));
    const struct { mn_sim_newton mode; const char *name; } modes[] = {
        { MN_SIM_NEWTON_KRYLOV, "krylov" }, { MN_SIM_NEWTON_BLOCKS, "blocks" } };
    for (int k = 0; k < 2; k++) {
        mn_h5_recorder *rec;
        mn_sim *sim = make_sim(net);
        MN_ASSERT_OK(ctx, mn_sim_set_newton(sim, modes[k].mode));
        MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, path, MN_H5_DEFAULT, MN_H5_CREATE));
        MN_ASSERT_OK(ctx, mn_sim_run(sim, 0.3));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(sim, cp));
        MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
        mn_sim_free(sim);
        expect_newton(path, modes[k].name);
        /* resumed without a choice: the checkpoint's */
        sim = make_sim(net);
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(sim, cp));
        MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, path, MN_H5_DEFAULT, MN_H5_APPEND));
        MN_ASSERT_OK(ctx, mn_sim_run(sim, 0.4));
        MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
        mn_sim_free(sim);
        expect_newton(path, modes[k].name);
        /* resumed with the other one set: that one */
        sim = make_sim(net);
        MN_ASSERT_OK(ctx, mn_sim_set_newton(sim, modes[1 - k].mode));
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(sim, cp));
        MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, path, MN_H5_DEFAULT, MN_H5_APPEND));
        MN_ASSERT_OK(ctx, mn_sim_run(sim, 0.4));
        MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
        mn_sim_free(sim);
        expect_newton(path, modes[1 - k].name);
    }
    mn_network_free(net);
    unlink(path), unlink(cp);
}
END_TEST

/* SIGKILL in the middle of a run: the file opens and holds exactly the flushed samples (two
 * batches of 5 of the 13 taken), equal to an uninterrupted recording */
static int kill_cb(const mn_sim *sim, void *u)
{
    int *n = u;
    if (++*n == 13) raise(SIGKILL);
    return 0;
}

START_TEST(test_sigkill)
{
    mn_network *net = make_net();
    const char *path = mn_test_tmpfile("kill.h5");
    uint32_t what = MN_H5_DEFAULT | MN_H5_STATES;
    fflush(NULL);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        mn_sim *sim = make_sim(net);
        mn_h5_recorder *rec;
        int n = 0;
        if (mn_h5_recorder_open(&rec, sim, path, what, MN_H5_CREATE) ||
            mn_h5_recorder_set_flush_interval(rec, 5) || mn_sim_set_sample_callback(sim, kill_cb, &n))
            _exit(3);
        mn_sim_run(sim, 3.0);
        _exit(4); /* not reached */
    }
    int status;
    ck_assert(waitpid(pid, &status, 0) == pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);
    memrec a;
    mn_sim *sim = make_sim(net);
    memrec_init(&a, net);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(sim, mem_cb, &a));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 1.0));
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_msg(f >= 0, "the killed writer's file does not open");
    h5_expect(f, "/time", a.t, 10, 1);
    h5_expect(f, "/edges/state", a.x, 10, a.ns);
    h5_expect(f, "/mean_state", a.mean, 10, 4);
    H5Fclose(f);
    memrec_free(&a);
    mn_sim_free(sim);
    mn_network_free(net);
    unlink(path);
}
END_TEST

START_TEST(test_errors)
{
    mn_network *net = make_net();
    mn_sim *sim = make_sim(net);
    mn_h5_recorder *rec = (mn_h5_recorder *)&rec;
    ck_assert_int_eq(mn_h5_available(), 1);
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, "/nonexistent-dir-memnet/run.h5", 0, MN_H5_CREATE),
                  MN_ERR_IO, "/nonexistent-dir-memnet/run.h5");
    ck_assert_ptr_null(rec);
    ck_assert_msg(strstr(mn_context_last_error(ctx), "No such file or directory"), "%s", mn_context_last_error(ctx));
    /* appending to a file that is not HDF5, and to an HDF5 file memnet did not write */
    const char *txt = mn_test_tmpfile("not.h5");
    FILE *tf = fopen(txt, "w");
    fputs("t,V\n0,1\n", tf);
    fclose(tf);
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, txt, 0, MN_H5_APPEND), MN_ERR_IO, txt);
    hid_t f = H5Fcreate(txt, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, txt, 0, MN_H5_APPEND), MN_ERR_INVALID, "not a memnet recording");
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, txt, 1u << 20, MN_H5_CREATE), MN_ERR_INVALID, "unknown record bits");
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, txt, 0, (mn_h5_mode)7), MN_ERR_INVALID, "mode");
    /* setters */
    MN_ASSERT_OK(ctx, mn_h5_recorder_open(&rec, sim, txt, MN_H5_STATES, MN_H5_CREATE));
    mn_h5_recorder *rec2;
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec2, sim, mn_test_tmpfile("b.h5"), 0, MN_H5_CREATE), MN_ERR_STATE,
                  "already has a recorder");
    unlink(mn_test_tmpfile("b.h5"));
    MN_ASSERT_ERR(ctx, mn_h5_recorder_set_flush_interval(rec, 0), MN_ERR_RANGE, "0");
    mn_index bad[] = { 1, 1 };
    MN_ASSERT_ERR(ctx, mn_h5_recorder_set_edges(rec, bad, 2), MN_ERR_RANGE, "repeated");
    bad[1] = -3;
    MN_ASSERT_ERR(ctx, mn_h5_recorder_set_edges(rec, bad, 2), MN_ERR_RANGE, "-3");
    MN_ASSERT_ERR(ctx, mn_h5_recorder_add_series(rec, "a/b", 1, NULL, probe_fn, NULL), MN_ERR_INVALID, "a/b");
    MN_ASSERT_OK(ctx, mn_h5_recorder_add_series(rec, "p", 2, NULL, probe_fn, NULL));
    MN_ASSERT_ERR(ctx, mn_h5_recorder_add_series(rec, "p", 2, NULL, probe_fn, NULL), MN_ERR_INVALID, "twice");
    /* a subset of edges, in the caller's order */
    const size_t *off = mn_network_state_offsets(net);
    mn_index sub[] = { 3, 0, 7 };
    MN_ASSERT_OK(ctx, mn_h5_recorder_set_edges(rec, sub, 3));
    memrec a;
    memrec_init(&a, net);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_callback(sim, mem_cb, &a));
    MN_ASSERT_OK(ctx, mn_sim_run(sim, 0.5));
    /* the simulation freed before the recorder: the recorder keeps what it has */
    mn_sim_free(sim);
    MN_ASSERT_OK(ctx, mn_h5_recorder_close(rec));
    f = H5Fopen(txt, H5F_ACC_RDONLY, H5P_DEFAULT);
    size_t r, c;
    double *x = h5_read(f, "/edges/state", &r, &c);
    ck_assert_uint_eq(r, a.n);
    size_t want_c = 0;
    for (int k = 0; k < 3; k++) want_c += off[sub[k] + 1] - off[sub[k]];
    ck_assert_uint_eq(c, want_c);
    for (size_t i = 0; i < r; i++) {
        size_t col = 0;
        for (int k = 0; k < 3; k++)
            for (size_t s = off[sub[k]]; s < off[sub[k] + 1]; s++, col++)
                ck_assert(memcmp(&x[i * c + col], &a.x[i * a.ns + s], sizeof(double)) == 0);
    }
    free(x);
    double *idx = h5_read(f, "/edges/index", &r, &c);
    ck_assert(r == 3 && idx[0] == 3 && idx[1] == 0 && idx[2] == 7);
    free(idx);
    H5Fclose(f);
    memrec_free(&a);
    ck_assert_int_eq(mn_h5_recorder_close(NULL), MN_OK);
    mn_network_free(net);
    unlink(txt);
}
END_TEST

#else /* no HDF5 in this build */

START_TEST(test_unsupported)
{
    mn_network *net = make_net();
    mn_sim *sim = make_sim(net);
    mn_h5_recorder *rec;
    ck_assert_int_eq(mn_h5_available(), 0);
    MN_ASSERT_ERR(ctx, mn_h5_recorder_open(&rec, sim, mn_test_tmpfile("x.h5"), 0, MN_H5_CREATE),
                  MN_ERR_UNSUPPORTED, "built without HDF5");
    ck_assert_ptr_null(rec);
    ck_assert(access(mn_test_tmpfile("x.h5"), F_OK) != 0);
    mn_sim_free(sim);
    mn_network_free(net);
}
END_TEST

#endif

int main(void)
{
    Suite *s = suite_create("h5");
    TCase *tc = tcase_create("recorder");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
#ifdef MN_HAVE_HDF5
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_append_restart);
    tcase_add_test(tc, test_newton_attribute);
    tcase_add_test(tc, test_sigkill);
    tcase_add_test(tc, test_errors);
#else
    tcase_add_test(tc, test_unsupported);
#endif
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
