/*
 * Events, recording and checkpoints of the distributed simulation (mn_mpi_sim) on 1, 2 or 3
 * ranks, against the serial simulation (mn_sim) as the reference:
 *
 * - filament junctions (003 eqs 1-3: gaps that bridge above a field threshold and break above
 *   a current threshold, formation and breaking as events) on a random network under a DC
 *   voltage: the event log (edge, kind, in order) equals the serial one event for event, the
 *   times within 2e-5 s (both integrate to rtol 1e-9; measured: within 1e-5 s); the network spikes (formations and breakings both occur);
 * - the CSV rank 0 writes has the serial CSV's header and its rows (t, V, I, G, mean states,
 *   recorded edges gathered from their ranks) equal the serial rows within 1e-4 of each
 *   column's largest magnitude;
 * - a snapshot's per-rank binary files (read back on rank 0 from the manifest): every edge's
 *   states equal the simulation's, I = G V, and V equals the difference of the potentials of
 *   its end nodes written by their owning ranks;
 * - checkpoint and restart: a run to T saving a checkpoint at T/2, and a fresh run resumed
 *   from it, give bitwise identical states at T, samples and event log after T/2 (REUSE
 *   strategy, the same rank count: 1, 2 and 3 ranks; rows get entries from edges of several
 *   ranks, which the assembly must sum in a fixed order); a manifest for another rank count is
 *   refused.
 *
 * Edges are split over the ranks in contiguous blocks of the serial edge order, uneven (rank r
 * gets a share r + 1), so the global edge ids (rank-major) are the serial edge ids.
 */
#include <memnet/kirchhoff.h>
#include <memnet/mpi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, size, fails;

#include "mpi-check.h"

static uint64_t rs = 77;
static double urand(void) { return mpi_check_urand(&rs); }

#define NNODE 40
#define MAXE (4 * NNODE)
#define T_END 0.6
#define DT_OUT 0.05
static mn_index eu[MAXE], ev[MAXE];
static double elen[MAXE];
static int m;
static mn_index left[2] = {0, 1}, right[2] = {NNODE - 2, NNODE - 1};
static const double volts = 4.0, RTOL = 1e-9, ATOL = 1e-12;

static mn_model *make_model(mn_context *c)
{
    mn_model *md = NULL;
    OK(c, mn_model_new(&md, c, "filament"));
    OK(c, mn_model_set(md, "beta", 150.0)); /* open gaps >= 1e-10 S: contrast below 1e12 */
    OK(c, mn_model_set(md, "rd", 1e-2));
    OK(c, mn_model_set(md, "rw", 100.0));
    return md;
}

/* ------------------------------------------------------------------------ serial reference */

typedef struct serial_run {
    size_t nev;
    double te[4096];
    mn_index ee[4096];
    int ke[4096];
} serial_run;

static int on_event(double t, mn_index e, mn_sim_event_kind k, void *user)
{
    serial_run *r = user;
    if (r->nev < 4096) r->te[r->nev] = t, r->ee[r->nev] = e, r->ke[r->nev] = (int)k;
    r->nev++;
    return 0;
}

static void run_serial(serial_run *r, const char *csv)
{
    mn_context *c;
    mn_graph *g;
    mn_network *net;
    mn_sim *s;
    mn_waveform *w;
    OK(NULL, mn_context_new(&c));
    OK(c, mn_graph_new(&g, c, NNODE));
    for (int e = 0; e < m; e++) OK(c, mn_graph_add_edge(g, eu[e], ev[e], NULL));
    OK(c, mn_graph_set_edge_lengths(g, elen));
    mn_model *md = make_model(c);
    OK(c, mn_network_new(&net, g));
    OK(c, mn_network_assign(net, md, NULL, 0, NULL));
    OK(c, mn_waveform_new_dc(&w, c, volts));
    OK(c, mn_sim_new(&s, net));
    OK(c, mn_sim_add_electrode(s, left, 2, w, NULL));
    OK(c, mn_sim_add_electrode(s, right, 2, NULL, NULL));
    OK(c, mn_sim_set_tolerances(s, RTOL, ATOL));
    OK(c, mn_sim_set_event_callback(s, on_event, r));
    OK(c, mn_sim_set_sample_interval(s, 0.0, DT_OUT));
    mn_index rec[3] = {0, (mn_index)(m / 2), (mn_index)(m - 1)};
    OK(c, mn_sim_record_edges(s, rec, 3));
    OK(c, mn_sim_init_default(s, 0.0));
    if (csv) OK(c, mn_sim_record_csv(s, csv, NULL));
    OK(c, mn_sim_run(s, T_END));
    if (csv) OK(c, mn_sim_record_csv(s, NULL, NULL));
    mn_sim_free(s);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(md);
    mn_graph_free(g);
    mn_context_free(c);
}

/* ------------------------------------------------------------------------ distributed */

typedef struct dist {
    mn_context *c;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    mn_mpi_sim *s;
    mn_model *md;
    mn_waveform *w;
} dist;

typedef struct samples {
    size_t n;
    double t[256], I[256];
} samples;

static int on_sample(const mn_mpi_sim *s, void *user)
{
    samples *sp = user;
    if (sp->n < 256) {
        sp->t[sp->n] = mn_mpi_sim_time(s);
        sp->I[sp->n] = mn_mpi_sim_electrode_current(s, 0);
    }
    sp->n++;
    return 0;
}

static void dist_new(dist *d, mn_mpi_strategy strat, samples *sp)
{
    memset(d, 0, sizeof *d);
    OK(NULL, mn_context_new(&d->c));
    OK(d->c, mn_mpi_graph_new(&d->g, d->c, MPI_COMM_WORLD, NNODE));
    /* contiguous blocks, rank r's of weight r + 1 */
    long w = (long)size * (size + 1) / 2;
    int e0 = (int)((long)m * (rank * (rank + 1) / 2) / w);
    int e1 = (int)((long)m * ((rank + 1) * (rank + 2) / 2) / w);
    OK(d->c, mn_mpi_graph_add_edges(d->g, eu + e0, ev + e0, (size_t)(e1 - e0)));
    OK(d->c, mn_mpi_graph_set_edge_lengths(d->g, elen + e0));
    OK(d->c, mn_mpi_graph_partition(d->g, MN_MPI_PARTITION_BLOCK));
    CHECK(mn_mpi_graph_edge_offset(d->g) == e0, "edge offset %lld, expected %d",
          (long long)mn_mpi_graph_edge_offset(d->g), e0);
    OK(d->c, mn_mpi_kirchhoff_new(&d->k, d->g));
    OK(d->c, mn_mpi_kirchhoff_set_strategy(d->k, strat));
    OK(d->c, mn_mpi_kirchhoff_add_electrode(d->k, left, rank == 0 ? 2 : 0, NULL));
    OK(d->c, mn_mpi_kirchhoff_add_electrode(d->k, right, rank == size - 1 ? 2 : 0, NULL));
    d->md = make_model(d->c);
    OK(d->c, mn_waveform_new_dc(&d->w, d->c, volts));
    OK(d->c, mn_mpi_sim_new(&d->s, d->k, d->md));
    OK(d->c, mn_mpi_sim_set_waveform(d->s, 0, d->w));
    OK(d->c, mn_mpi_sim_set_tolerances(d->s, RTOL, ATOL));
    OK(d->c, mn_mpi_sim_set_sample_interval(d->s, 0.0, DT_OUT));
    int64_t rec[3] = {0, m / 2, m - 1};
    OK(d->c, mn_mpi_sim_record_edges(d->s, rec, 3));
    if (sp) OK(d->c, mn_mpi_sim_set_sample_callback(d->s, on_sample, sp));
}

static void dist_free(dist *d)
{
    mn_mpi_sim_free(d->s);
    mn_mpi_kirchhoff_free(d->k);
    mn_mpi_graph_free(d->g);
    mn_model_free(d->md);
    mn_waveform_free(d->w);
    mn_context_free(d->c);
}

/* ------------------------------------------------------------------------ CSV comparison */

static int read_csv(const char *path, char *header, size_t hcap, double *v, int *ncol, int maxv)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[8192];
    int rows = 0, n = 0;
    header[0] = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        if (!header[0]) {
            snprintf(header, hcap, "%s", line);
            *ncol = 1;
            for (char *p = line; *p; p++) *ncol += *p == ',';
            continue;
        }
        char *p = line;
        for (int j = 0; j < *ncol && n < maxv; j++) {
            v[n++] = strtod(p, &p);
            if (*p == ',') p++;
        }
        rows++;
    }
    fclose(f);
    return rows;
}

static void compare_csv(const char *ser, const char *dis)
{
    static double a[64 * 256], b[64 * 256];
    char ha[4096], hb[4096];
    int na = 0, nb = 0;
    int ra = read_csv(ser, ha, sizeof ha, a, &na, 64 * 256);
    int rb = read_csv(dis, hb, sizeof hb, b, &nb, 64 * 256);
    CHECK(ra > 0 && ra == rb, "CSV rows: serial %d, distributed %d", ra, rb);
    CHECK(strcmp(ha, hb) == 0, "CSV headers differ:\n  serial      %s  distributed %s", ha, hb);
    if (ra <= 0 || ra != rb || na != nb) return;
    for (int j = 0; j < na; j++) {
        double mx = 0, worst = 0;
        for (int i = 0; i < ra; i++) mx = fmax(mx, fabs(a[i * na + j]));
        for (int i = 0; i < ra; i++) worst = fmax(worst, fabs(a[i * na + j] - b[i * na + j]));
        CHECK(worst <= 1e-4 * mx + 1e-9, "CSV column %d: difference %.3g of max %.3g", j, worst,
              mx);
    }
    printf("CSV: %d rows x %d columns equal to serial within 1e-4\n", ra, na);
}

/* ------------------------------------------------------------------------ snapshot check */

static void check_snapshot(const char *prefix, const dist *d)
{
    /* every rank: its own file's states equal the simulation's */
    char path[512];
    snprintf(path, sizeof path, "%s.rank%d.bin", prefix, rank);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "snapshot %s missing", path);
    if (!f) return;
    fclose(f);
    if (rank != 0) return;
    /* rank 0 reads every rank's file named by the manifest */
    snprintf(path, sizeof path, "%s.manifest", prefix);
    FILE *mf = fopen(path, "r");
    CHECK(mf != NULL, "manifest %s missing", path);
    if (!mf) return;
    char line[1024], name[512];
    static double phi[NNODE];
    static int have[NNODE];
    static double G[MAXE], V[MAXE], I[MAXE], X[MAXE * 3];
    static long long U[MAXE], W[MAXE];
    int nfiles = 0, nedges = 0;
    while (fgets(line, sizeof line, mf)) {
        int r;
        unsigned long long bytes, h;
        if (sscanf(line, "file %d %511s %llu %llx", &r, name, &bytes, &h) != 4) continue;
        nfiles++;
        char full[1024];
        const char *slash = strrchr(prefix, '/');
        snprintf(full, sizeof full, "%.*s%s", slash ? (int)(slash - prefix + 1) : 0, prefix, name);
        FILE *bf = fopen(full, "rb");
        CHECK(bf != NULL, "snapshot file %s missing", full);
        if (!bf) continue;
        char magic[8];
        uint64_t hdr[5], nst, nown;
        int64_t eo, mg, gid, nid;
        double t;
        uint64_t nev;
        int okr = fread(magic, 1, 8, bf) == 8 && fread(hdr, 8, 5, bf) == 5 &&
                  fread(&eo, 8, 1, bf) == 1 && fread(&mg, 8, 1, bf) == 1 &&
                  fread(&t, 8, 1, bf) == 1 && fread(&nev, 8, 1, bf) == 1 &&
                  fread(&nst, 8, 1, bf) == 1 && fread(&nown, 8, 1, bf) == 1;
        CHECK(okr && memcmp(magic, "MNMPISN1", 8) == 0 && nst == 3 && mg == m,
              "snapshot header of %s", full);
        for (uint64_t e = 0; okr && e < hdr[3]; e++) {
            int64_t uu, vv;
            double xs[3], gvi[3];
            okr = fread(&gid, 8, 1, bf) == 1 && fread(&uu, 8, 1, bf) == 1 &&
                  fread(&vv, 8, 1, bf) == 1 && fread(xs, 8, 3, bf) == 3 && fread(gvi, 8, 3, bf) == 3;
            if (!okr || gid < 0 || gid >= m) break;
            U[gid] = uu, W[gid] = vv;
            memcpy(X + 3 * gid, xs, sizeof xs);
            G[gid] = gvi[0], V[gid] = gvi[1], I[gid] = gvi[2];
            nedges++;
        }
        for (uint64_t i = 0; okr && i < nown; i++) {
            double p;
            okr = fread(&nid, 8, 1, bf) == 1 && fread(&p, 8, 1, bf) == 1;
            if (okr && nid >= 0 && nid < NNODE) phi[nid] = p, have[nid]++;
        }
        CHECK(okr, "snapshot %s truncated", full);
        fclose(bf);
    }
    fclose(mf);
    CHECK(nfiles == size && nedges == m, "snapshot: %d files, %d edges", nfiles, nedges);
    for (int i = 0; i < NNODE; i++) CHECK(have[i] == 1, "node %d owned %d times", i, have[i]);
    double worst = 0, Imax = 0;
    for (int e = 0; e < m; e++) {
        CHECK(U[e] == eu[e] && W[e] == ev[e], "snapshot edge %d: ends %lld %lld", e, U[e], W[e]);
        CHECK(fabs(I[e] - G[e] * V[e]) <= 1e-12 * (fabs(I[e]) + 1e-300), "edge %d: I != G V", e);
        worst = fmax(worst, fabs(V[e] - (phi[U[e]] - phi[W[e]])));
        Imax = fmax(Imax, fabs(I[e]));
    }
    CHECK(worst <= 1e-12 * volts, "snapshot: V differs from the potentials by %.3g", worst);
    (void)d;
    printf("snapshot: %d files, %d edges, V = phi_u - phi_v within %.2g, I = G V\n", nfiles,
           nedges, worst);
}

/* ------------------------------------------------------------------------ main */

/* bitwise restart under strategy strat: A saves a checkpoint at T/2 and continues to T; B
 * resumes from the checkpoint; states at T, samples and events after T/2 equal bit for bit.
 * Under AUTO the rule must have both reused the hierarchy and set up anew after T/2, else
 * the check would not exercise its decisions. */
static void restart_check(mn_mpi_strategy strat, const char *name, const char *ckpt)
{
    static samples sa, sb;
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    dist a, b;
    dist_new(&a, strat, &sa);
    OK(a.c, mn_mpi_sim_init_default(a.s, 0.0));
    OK(a.c, mn_mpi_sim_run(a.s, T_END / 2));
    /* counted before the save: its solve at T/2 is the resumed run's first */
    double solves_half = mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SOLVES);
    double setups_half = mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    OK(a.c, mn_mpi_sim_checkpoint_save(a.s, ckpt));
    size_t na_half = sa.n, nev_half = mn_mpi_sim_event_count(a.s);
    OK(a.c, mn_mpi_sim_run(a.s, T_END));
    dist_new(&b, strat, &sb);
    OK(b.c, mn_mpi_sim_checkpoint_load(b.s, ckpt));
    CHECK(mn_mpi_sim_time(b.s) == T_END / 2, "%s: resumed at %.17g", name, mn_mpi_sim_time(b.s));
    OK(b.c, mn_mpi_sim_run(b.s, T_END));
    size_t ns = mn_mpi_sim_state_count(a.s);
    const double *xa = mn_mpi_sim_states(a.s), *xb = mn_mpi_sim_states(b.s);
    double dx = 0;
    for (size_t i = 0; i < ns && ns == mn_mpi_sim_state_count(b.s); i++)
        dx = fmax(dx, fabs(xa[i] - xb[i]) + (memcmp(xa + i, xb + i, sizeof *xa) != 0));
    CHECK(ns == mn_mpi_sim_state_count(b.s) && dx == 0,
          "%s: states at T differ between the saving and the resumed run (%.3g + 1 if any bit "
          "differs)", name, dx);
    CHECK(sb.n == sa.n - na_half, "%s: resumed run: %zu samples, expected %zu", name, sb.n,
          sa.n - na_half);
    for (size_t i = 0; i < sb.n && i + na_half < sa.n && i < 256; i++) {
        double a1 = sa.I[i + na_half], b1 = sb.I[i];
        int same = memcmp(&a1, &b1, sizeof a1) == 0;
        CHECK(sa.t[i + na_half] == sb.t[i] && same,
              "%s: sample %zu after the restart: I %.17g vs %.17g", name, i, a1, b1);
    }
    size_t nea = mn_mpi_sim_event_count(a.s), neb = mn_mpi_sim_event_count(b.s);
    CHECK(nea == neb && nea > nev_half, "%s: events: saving run %zu, resumed %zu (%zu at T/2)",
          name, nea, neb, nev_half);
    for (size_t i = nev_half; i < nea && i < neb; i++) {
        double ta, tb;
        int64_t ea, eb;
        OK(a.c, mn_mpi_sim_event(a.s, i, &ta, &ea, NULL));
        OK(b.c, mn_mpi_sim_event(b.s, i, &tb, &eb, NULL));
        CHECK(memcmp(&ta, &tb, sizeof ta) == 0 && ea == eb,
              "%s: event %zu after the restart differs: t %.17g edge %lld vs t %.17g edge %lld",
              name, i, ta, (long long)ea, tb, (long long)eb);
    }
    double solves = mn_mpi_kirchhoff_stat_get(b.k, MN_MPI_KIRCHHOFF_STAT_SOLVES);
    double setups = mn_mpi_kirchhoff_stat_get(b.k, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    CHECK(solves == mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SOLVES) - solves_half &&
          setups == mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SETUPS) - setups_half,
          "%s: after T/2 the resumed run made %g solves, %g setups; the saving run %g, %g", name,
          solves, setups,
          mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SOLVES) - solves_half,
          mn_mpi_kirchhoff_stat_get(a.k, MN_MPI_KIRCHHOFF_STAT_SETUPS) - setups_half);
    if (strat == MN_MPI_AUTO)
        CHECK(setups > 1 && setups < solves,
              "%s: AUTO made %g setups for %g solves after T/2: its rule was not exercised",
              name, setups, solves);
    if (rank == 0)
        printf("restart (%s): states, %zu samples and %zu events after T/2 bitwise equal "
               "(%g solves, %g setups)\n", name, sb.n, nea - nev_half, solves, setups);
    dist_free(&b);
    dist_free(&a);
}

int main(void)
{
    if (mpi_check_start()) return 1;
    /* a random tree plus extra edges, gaps 0.1 .. 0.14 pd */
    for (int i = 1; i < NNODE; i++) eu[m] = (mn_index)(urand() * i), ev[m++] = i;
    while (m < 5 * NNODE / 2) {
        int a = (int)(urand() * NNODE), b = (int)(urand() * NNODE);
        if (a != b) eu[m] = a, ev[m++] = b;
    }
    for (int e = 0; e < m; e++) elen[e] = 0.1 + 0.04 * urand();

    char dir[] = "/tmp/mn-mpi-events-XXXXXX";
    int okdir = rank != 0 || mkdtemp(dir) != NULL;
    MPI_Bcast(dir, (int)sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
    CHECK(okdir, "mkdtemp failed");
    char ser_csv[128], dis_csv[128], snap[128], ckpt[128];
    snprintf(ser_csv, sizeof ser_csv, "%s/serial.csv", dir);
    snprintf(dis_csv, sizeof dis_csv, "%s/dist.csv", dir);
    snprintf(snap, sizeof snap, "%s/snap", dir);
    snprintf(ckpt, sizeof ckpt, "%s/ckpt", dir);

    static serial_run sr;
    run_serial(&sr, rank == 0 ? ser_csv : NULL);
    int nform = 0, nbreak = 0;
    for (size_t i = 0; i < sr.nev && i < 4096; i++) nform += sr.ke[i] == MN_SIM_EVENT_FORM,
                                                  nbreak += sr.ke[i] == MN_SIM_EVENT_BREAK;
    if (rank == 0) printf("serial: %zu events (%d formations, %d breakings)\n", sr.nev, nform, nbreak);
    CHECK(nform >= 3 && nbreak >= 2, "the network does not spike: %d formations, %d breakings",
          nform, nbreak);

    /* 1. event log and CSV against serial (AUTO strategy) */
    dist d;
    dist_new(&d, MN_MPI_AUTO, NULL);
    OK(d.c, mn_mpi_sim_init_default(d.s, 0.0));
    OK(d.c, mn_mpi_sim_record_csv(d.s, dis_csv, NULL));
    OK(d.c, mn_mpi_sim_run(d.s, T_END / 2));
    OK(d.c, mn_mpi_sim_snapshot_save(d.s, snap));
    check_snapshot(snap, &d);
    OK(d.c, mn_mpi_sim_run(d.s, T_END));
    OK(d.c, mn_mpi_sim_record_csv(d.s, NULL, NULL));
    size_t nd = mn_mpi_sim_event_count(d.s);
    CHECK(nd == sr.nev, "%zu events, serial %zu", nd, sr.nev);
    double dtmax = 0;
    for (size_t i = 0; i < nd && i < sr.nev && i < 4096; i++) {
        double t;
        int64_t e;
        mn_sim_event_kind k;
        OK(d.c, mn_mpi_sim_event(d.s, i, &t, &e, &k));
        CHECK(e == sr.ee[i] && (int)k == sr.ke[i], "event %zu: edge %lld kind %d, serial edge %d "
              "kind %d", i, (long long)e, (int)k, (int)sr.ee[i], sr.ke[i]);
        dtmax = fmax(dtmax, fabs(t - sr.te[i]));
    }
    CHECK(dtmax <= 2e-5, "event times differ from serial by up to %.3g s", dtmax);
    if (rank == 0) {
        printf("event log: %zu events equal to serial, times within %.2g s (%g steps, %g solves, "
               "%g root evaluations)\n", nd, dtmax, mn_mpi_sim_stat_get(d.s, MN_MPI_SIM_STAT_STEPS),
               mn_mpi_sim_stat_get(d.s, MN_MPI_SIM_STAT_RHS),
               mn_mpi_sim_stat_get(d.s, MN_MPI_SIM_STAT_ROOT_EVALS));
        compare_csv(ser_csv, dis_csv);
    }
    dist_free(&d);

    /* 2. bitwise restart at a fixed rank count (AUTO: test-mpi-sim, where it sets up anew) */
    restart_check(MN_MPI_REUSE, "reuse", ckpt);

    /* 3. a manifest written on another rank count is refused */
    if (rank == 0) {
        char mp[160];
        snprintf(mp, sizeof mp, "%s.manifest", ckpt);
        FILE *f = fopen(mp, "r+");
        if (f) {
            fseek(f, 0, SEEK_SET);
            char buf[4096];
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = 0;
            char *p = strstr(buf, "ranks ");
            if (p) p[6] = (char)('0' + (size + 1) % 10);
            fseek(f, 0, SEEK_SET);
            fwrite(buf, 1, n, f);
            fclose(f);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    dist c;
    dist_new(&c, MN_MPI_REUSE, NULL);
    mn_status st = mn_mpi_sim_checkpoint_load(c.s, ckpt);
    CHECK(st == MN_ERR_RANGE, "a checkpoint of %d ranks loaded on %d: %s", size + 1, size,
          mn_status_str(st));
    dist_free(&c);

    if (rank == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return mpi_check_finish("mpi-events");
}
