/*
 * Distributed Kirchhoff solver (libmemnet-mpi) against the serial solver (libmemnet, CHOLMOD),
 * run under mpiexec with 1, 2 and 3 ranks. Every rank builds the same random network from a
 * seed, adds an uneven, interleaved share of its edges to the distributed graph and solves the
 * whole network serially as the reference. Checked on every rank:
 *   - potentials of the local nodes, V and I of the rank's edges, electrode currents and
 *     G_eff against the serial solver (1e-8 relative to the largest magnitude);
 *   - Kirchhoff's current law at every free, non-floating node from the distributed currents
 *     (summed over ranks; independent of the serial solver);
 *   - the floating set (a floating cluster whose edges lie on several ranks, joined to the
 *     rest only through zero conductances, and an isolated node) equals the serial one;
 *   - block, space-filling-curve and PT-Scotch partitions; named node sets split over ranks;
 *   - hierarchy reuse under drifting conductances (REUSE: one setup for all steps; AUTO);
 *   - agreement across rank counts: G_eff on sub-communicators of 1 .. size ranks;
 *   - the refusal of a conductance contrast above 1e12 (MN_ERR_RANGE, "serial" in the
 *     message) and agreement of an error status over the ranks;
 *   - the PETSc options passthrough (MUMPS's direct solver);
 *   - reproducibility: the same system solved again, by the same solver and by a new one,
 *     with the ranks delayed differently before each solve (so that messages arrive in other
 *     orders), gives bitwise the same potentials, V, I and electrode currents.
 * A plain MPI program (Check's fork mode does not mix with MPI): failures are counted per rank
 * and reduced; the exit status is nonzero if any rank failed.
 */
#include <memnet/kirchhoff.h>
#include <memnet/mpi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int rank, size, fails;

#include "mpi-check.h"

/* splitmix64, identical on every rank */
static uint64_t rs;
static double urand(void) { return mpi_check_urand(&rs); }
static int irand(int n) { return (int)(urand() * n); }

/* the test network, the same on every rank */
typedef struct net {
    int n, m;
    mn_index *u, *v;
    double *G, *emf, *xyz;
    int *owner;          /* rank that adds edge e */
    unsigned char *flo;  /* node of the floating cluster */
    mn_index el[3][4];   /* electrodes */
    int nel[3];
    double volts[3];
} net;

static void net_free(net *t)
{
    free(t->u);
    free(t->v);
    free(t->G);
    free(t->emf);
    free(t->xyz);
    free(t->owner);
    free(t->flo);
}

/* n nodes: a random connected main part (tree + extra edges, 10% zero conductances), a
 * floating cluster (nodes i % 17 == 9, positive conductances inside, zero conductances to the
 * main part), node n-1 isolated; 3 electrodes; EMF on a third of the edges; conductances
 * log-uniform over `decades`. Edges go to ranks with weights 1 : 2 : 3 ..., interleaved. */
static void net_make(net *t, int n, uint64_t seed, double decades, int nranks)
{
    rs = seed;
    int cap = 6 * n;
    memset(t, 0, sizeof *t);
    t->n = n;
    t->u = calloc((size_t)cap, sizeof *t->u);
    t->v = calloc((size_t)cap, sizeof *t->v);
    t->G = calloc((size_t)cap, sizeof *t->G);
    t->emf = calloc((size_t)cap, sizeof *t->emf);
    t->owner = calloc((size_t)cap, sizeof *t->owner);
    t->flo = calloc((size_t)n, 1);
    t->xyz = calloc(3 * (size_t)n, sizeof *t->xyz);
    for (int i = 0; i < n; i++) {
        t->flo[i] = i % 17 == 9;
        t->xyz[3 * i] = urand();
        t->xyz[3 * i + 1] = urand();
        t->xyz[3 * i + 2] = 0.1 * urand();
    }
    int main_n = 0, *main_ids = calloc((size_t)n, sizeof *main_ids);
    int fl_n = 0, *fl_ids = calloc((size_t)n, sizeof *fl_ids);
    for (int i = 0; i < n - 1; i++) {
        if (t->flo[i])
            fl_ids[fl_n++] = i;
        else
            main_ids[main_n++] = i;
    }
    int m = 0;
#define EDGE(a, b, g)                                                                          \
    do {                                                                                       \
        t->u[m] = (a);                                                                         \
        t->v[m] = (b);                                                                         \
        t->G[m] = (g);                                                                         \
        m++;                                                                                   \
    } while (0)
    for (int i = 1; i < main_n; i++) { /* spanning tree of the main part */
        int a = main_ids[irand(i)], b = main_ids[i], flip = urand() < 0.5;
        EDGE(flip ? a : b, flip ? b : a, pow(10.0, -decades * urand()));
    }
    for (int k = 0; k < 2 * main_n; k++) { /* extra edges, some of zero conductance */
        int a = main_ids[irand(main_n)], b = main_ids[irand(main_n)];
        if (a == b) continue;
        EDGE(a, b, urand() < 0.1 ? 0.0 : pow(10.0, -decades * urand()));
    }
    for (int i = 1; i < fl_n; i++) /* the floating cluster: connected inside */
        EDGE(fl_ids[irand(i)], fl_ids[i], pow(10.0, -decades * urand()));
    for (int k = 0; k < fl_n; k++) /* joined to the main part through zero conductances */
        EDGE(fl_ids[irand(fl_n)], main_ids[irand(main_n)], 0.0);
    t->m = m;
    for (int e = 0; e < m; e++)
        if (urand() < 0.33) t->emf[e] = 0.2 * (urand() - 0.5);
    /* uneven interleaved ownership: rank r has weight r + 1 */
    int wsum = nranks * (nranks + 1) / 2;
    for (int e = 0; e < m; e++) {
        int w = (int)(((uint64_t)e * 2654435761u) % (uint64_t)wsum), r = 0, acc = 1;
        while (w >= acc) acc += ++r + 1;
        t->owner[e] = r;
    }
    /* electrodes from the main part (distinct nodes) */
    int used = 0;
    for (int a = 0; a < 3; a++) {
        t->nel[a] = a == 1 ? 2 : 3;
        for (int j = 0; j < t->nel[a]; j++) t->el[a][j] = (mn_index)main_ids[used++ * 7 % main_n];
    }
    t->volts[0] = 1.0;
    t->volts[1] = -0.3;
    t->volts[2] = 0.0;
    free(main_ids);
    free(fl_ids);
#undef EDGE
}

/* serial reference */
typedef struct ref {
    mn_context *ctx;
    mn_graph *g;
    mn_kirchhoff *k;
} ref;

static void ref_make(ref *r, const net *t, const double *G, int with_emf)
{
    OK(NULL, mn_context_new(&r->ctx));
    OK(r->ctx, mn_graph_new(&r->g, r->ctx, (size_t)t->n));
    for (int e = 0; e < t->m; e++) OK(r->ctx, mn_graph_add_edge(r->g, t->u[e], t->v[e], NULL));
    OK(r->ctx, mn_kirchhoff_new(&r->k, r->g));
    for (int a = 0; a < 3; a++) {
        OK(r->ctx, mn_kirchhoff_add_electrode(r->k, t->el[a], (size_t)t->nel[a], NULL));
        OK(r->ctx, mn_kirchhoff_set_potential(r->k, (size_t)a, t->volts[a]));
    }
    if (with_emf) OK(r->ctx, mn_kirchhoff_set_emf(r->k, t->emf));
    OK(r->ctx, mn_kirchhoff_set_conductances(r->k, G));
    OK(r->ctx, mn_kirchhoff_solve(r->k));
}

static void ref_free(ref *r)
{
    mn_kirchhoff_free(r->k);
    mn_graph_free(r->g);
    mn_context_free(r->ctx);
}

/* distributed problem */
typedef struct dist {
    mn_context *ctx;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    int *eid;   /* local edge -> global edge of the test network */
    size_t m;
    double *G, *emf;
} dist;

static void dist_make(dist *d, const net *t, MPI_Comm comm, mn_mpi_partition part, int use_sets)
{
    int r, p;
    MPI_Comm_rank(comm, &r);
    MPI_Comm_size(comm, &p);
    memset(d, 0, sizeof *d);
    OK(NULL, mn_context_new(&d->ctx));
    OK(d->ctx, mn_mpi_graph_new(&d->g, d->ctx, comm, (size_t)t->n));
    d->eid = calloc((size_t)t->m + 1, sizeof *d->eid);
    d->G = calloc((size_t)t->m + 1, sizeof *d->G);
    d->emf = calloc((size_t)t->m + 1, sizeof *d->emf);
    for (int e = 0; e < t->m; e++) {
        /* ownership computed for the world size; fold onto this communicator */
        if (t->owner[e] % p != r) continue;
        OK(d->ctx, mn_mpi_graph_add_edges(d->g, &t->u[e], &t->v[e], 1));
        d->eid[d->m] = e;
        d->G[d->m] = t->G[e];
        d->emf[d->m] = t->emf[e];
        d->m++;
    }
    CHECK(mn_mpi_graph_edge_count(d->g) == d->m, "edge count %zu != %zu",
          mn_mpi_graph_edge_count(d->g), d->m);
    /* coordinates: rank r gives the nodes i % p == r, rank 0 also every third (overlaps) */
    for (int i = 0; i < t->n; i++) {
        mn_index id = i;
        if (i % p == r || (r == 0 && i % 3 == 0))
            OK(d->ctx, mn_mpi_graph_set_coordinates(d->g, &id, &t->xyz[3 * i], 1));
    }
    if (use_sets) /* every electrode as a named set, its nodes split over the ranks */
        for (int a = 0; a < 3; a++) {
            char name[16];
            snprintf(name, sizeof name, "el%d", a);
            for (int j = 0; j < t->nel[a]; j++)
                if (j % p == r) OK(d->ctx, mn_mpi_graph_add_node_set(d->g, name, &t->el[a][j], 1));
            if (r == p - 1) OK(d->ctx, mn_mpi_graph_add_node_set(d->g, name, NULL, 0));
        }
    OK(d->ctx, mn_mpi_graph_partition(d->g, part));
    OK(d->ctx, mn_mpi_kirchhoff_new(&d->k, d->g));
    for (int a = 0; a < 3; a++) {
        size_t id = 99;
        if (use_sets) {
            char name[16];
            snprintf(name, sizeof name, "el%d", a);
            OK(d->ctx, mn_mpi_kirchhoff_add_electrode_set(d->k, name, &id));
        } else {
            /* rank 0 gives the first node, the others the rest (or rank 0 alone) */
            int lo = r == 0 ? 0 : 1, hi = r == 0 ? (p == 1 ? t->nel[a] : 1) : t->nel[a];
            OK(d->ctx, mn_mpi_kirchhoff_add_electrode(d->k, t->el[a] + lo, (size_t)(hi - lo), &id));
        }
        CHECK(id == (size_t)a, "electrode id %zu != %d", id, a);
        OK(d->ctx, mn_mpi_kirchhoff_set_potential(d->k, (size_t)a, t->volts[a]));
    }
}

static void dist_free(dist *d)
{
    mn_mpi_kirchhoff_free(d->k);
    mn_mpi_graph_free(d->g);
    mn_context_free(d->ctx);
    free(d->eid);
    free(d->G);
    free(d->emf);
}

static double maxabs(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s = fabs(x[i]) > s ? fabs(x[i]) : s;
    return s;
}

/* compare the distributed solution with the serial one, and check KCL */
static void compare(const char *what, const net *t, dist *d, ref *s, MPI_Comm comm)
{
    const double tol = 1e-8;
    const double *phi = mn_mpi_kirchhoff_potentials(d->k), *V = mn_mpi_kirchhoff_edge_voltages(d->k),
                 *I = mn_mpi_kirchhoff_edge_currents(d->k);
    const double *sphi = mn_kirchhoff_potentials(s->k), *sV = mn_kirchhoff_edge_voltages(s->k),
                 *sI = mn_kirchhoff_edge_currents(s->k);
    CHECK(phi && V && I, "%s: no results", what);
    if (!phi || !V || !I) return;
    size_t nl = mn_mpi_graph_local_node_count(d->g);
    const mn_index *ln = mn_mpi_graph_local_nodes(d->g);
    double pscale = maxabs(sphi, (size_t)t->n), iscale = maxabs(sI, (size_t)t->m);
    /* floating masks */
    const unsigned char *fm = mn_mpi_kirchhoff_floating_mask(d->k);
    unsigned char *sfm = calloc((size_t)t->n, 1);
    const mn_index *sfl = mn_kirchhoff_floating_nodes(s->k);
    for (size_t i = 0; i < mn_kirchhoff_floating_count(s->k); i++) sfm[sfl[i]] = 1;
    CHECK(mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_FLOATING) ==
              (double)mn_kirchhoff_floating_count(s->k),
          "%s: %g floating nodes, serial %zu", what,
          mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_FLOATING),
          mn_kirchhoff_floating_count(s->k));
    int bad = 0;
    for (size_t i = 0; i < nl; i++) {
        mn_index gi = ln[i];
        if (fabs(phi[i] - sphi[gi]) > tol * pscale && bad++ < 3)
            CHECK(0, "%s: phi[%ld] = %.15g, serial %.15g", what, (long)gi, phi[i], sphi[gi]);
        if (fm[i] != sfm[gi] && bad++ < 3)
            CHECK(0, "%s: node %ld floating %d, serial %d", what, (long)gi, fm[i], sfm[gi]);
    }
    for (size_t e = 0; e < d->m; e++) {
        int ge = d->eid[e];
        if (fabs(V[e] - sV[ge]) > tol * pscale && bad++ < 3)
            CHECK(0, "%s: V[%d] = %.15g, serial %.15g", what, ge, V[e], sV[ge]);
        if (fabs(I[e] - sI[ge]) > tol * iscale && bad++ < 3)
            CHECK(0, "%s: I[%d] = %.15g, serial %.15g", what, ge, I[e], sI[ge]);
    }
    double ec[3], sec[3];
    for (int a = 0; a < 3; a++) {
        OK(d->ctx, mn_mpi_kirchhoff_electrode_current(d->k, (size_t)a, &ec[a]));
        OK(s->ctx, mn_kirchhoff_electrode_current(s->k, (size_t)a, &sec[a]));
    }
    double escale = maxabs(sec, 3);
    for (int a = 0; a < 3; a++)
        CHECK(fabs(ec[a] - sec[a]) <= tol * escale, "%s: electrode %d current %.15g, serial %.15g",
              what, a, ec[a], sec[a]);
    /* KCL at the free, non-floating nodes from the distributed currents alone */
    double *kcl = calloc((size_t)t->n, sizeof *kcl), *kall = calloc((size_t)t->n, sizeof *kall);
    for (size_t e = 0; e < d->m; e++) {
        int ge = d->eid[e];
        kcl[t->u[ge]] += I[e];
        kcl[t->v[ge]] -= I[e];
    }
    MPI_Allreduce(kcl, kall, t->n, MPI_DOUBLE, MPI_SUM, comm);
    unsigned char *isel = calloc((size_t)t->n, 1);
    for (int a = 0; a < 3; a++)
        for (int j = 0; j < t->nel[a]; j++) isel[t->el[a][j]] = 1;
    for (int i = 0; i < t->n; i++)
        if (!isel[i] && !sfm[i] && fabs(kall[i]) > 1e-9 * iscale && bad++ < 3)
            CHECK(0, "%s: KCL at node %d: net current %.3g (scale %.3g)", what, i, kall[i], iscale);
    if (rank == 0)
        printf("%s: %g floating nodes, %g iterations, residual %.2g, reused %g, setups %g\n", what,
               mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_FLOATING),
               mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS),
               mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_LAST_RESIDUAL),
               mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_LAST_REUSED),
               mn_mpi_kirchhoff_stat_get(d->k, MN_MPI_KIRCHHOFF_STAT_SETUPS));
    free(kcl);
    free(kall);
    free(isel);
    free(sfm);
}

static void compare_geff(const char *what, dist *d, ref *s)
{
    for (int b = 1; b < 3; b++) {
        double G = NAN, sG = NAN;
        OK(d->ctx, mn_mpi_kirchhoff_effective_conductance(d->k, 0, (size_t)b, &G));
        OK(s->ctx, mn_kirchhoff_effective_conductance(s->k, 0, (size_t)b, &sG));
        CHECK(fabs(G - sG) <= 1e-8 * fabs(sG), "%s: G_eff(0,%d) = %.15g, serial %.15g", what, b,
              G, sG);
    }
}

static void test_partition(mn_mpi_partition part, int use_sets, uint64_t seed, const char *what)
{
    net t;
    net_make(&t, 400, seed, 3.0, size);
    ref s;
    ref_make(&s, &t, t.G, 1);
    dist d;
    dist_make(&d, &t, MPI_COMM_WORLD, part, use_sets);
    OK(d.ctx, mn_mpi_kirchhoff_set_emf(d.k, d.emf));
    OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
    OK(d.ctx, mn_mpi_kirchhoff_solve(d.k));
    compare(what, &t, &d, &s, MPI_COMM_WORLD);
    compare_geff(what, &d, &s);
    /* owned node counts add up to n; every rank owns some nodes */
    unsigned long long own = mn_mpi_graph_owned_node_count(d.g), tot = 0;
    MPI_Allreduce(&own, &tot, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(tot == (unsigned long long)t.n, "%s: owned nodes add up to %llu, not %d", what, tot, t.n);
    CHECK(own > 0, "%s: rank owns no node", what);
    dist_free(&d);
    ref_free(&s);
    net_free(&t);
}

/* PT-Scotch works, or is refused with a message naming the other partitions (a build without
 * PT-Scotch, or a PT-Scotch library whose SCOTCH_Num differs from memnet's header) */
static int ptscotch_usable(void)
{
    mn_context *c;
    mn_mpi_graph *g;
    OK(NULL, mn_context_new(&c));
    OK(c, mn_mpi_graph_new(&g, c, MPI_COMM_WORLD, 8));
    mn_index u[4] = {0, 2, 4, 6}, v[4] = {1, 3, 5, 7};
    if (rank == 0) OK(c, mn_mpi_graph_add_edges(g, u, v, 4));
    mn_status st = mn_mpi_graph_partition(g, MN_MPI_PARTITION_PTSCOTCH);
    const char *msg = mn_context_last_error(c);
    int refused = st == MN_ERR_UNSUPPORTED && strstr(msg, "MN_MPI_PARTITION_SFC");
    CHECK(st == MN_OK || refused,
          "PT-Scotch partition: %s: %s", mn_status_str(st), msg);
    if (rank == 0 && st != MN_OK) printf("ptscotch: refused (%s)\n", msg);
    mn_mpi_graph_free(g);
    mn_context_free(c);
    return st == MN_OK;
}

/* drifting conductances: the hierarchy is reused (REUSE) or reused while cheaper (AUTO) */
static void test_drift(mn_mpi_strategy strat, const char *what)
{
    net t;
    net_make(&t, 500, 77, 2.0, size);
    dist d;
    dist_make(&d, &t, MPI_COMM_WORLD, MN_MPI_PARTITION_SFC, 0);
    OK(d.ctx, mn_mpi_kirchhoff_set_strategy(d.k, strat));
    OK(d.ctx, mn_mpi_kirchhoff_set_emf(d.k, d.emf));
    double *G = malloc((size_t)t.m * sizeof *G);
    memcpy(G, t.G, (size_t)t.m * sizeof *G);
    int reused = 0;
    for (int step = 0; step < 8; step++) {
        rs = 1000 + (uint64_t)step; /* the same drift on every rank */
        for (int e = 0; e < t.m; e++) G[e] *= 1.0 + 0.05 * (urand() - 0.5);
        for (size_t e = 0; e < d.m; e++) d.G[e] = G[d.eid[e]];
        OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
        OK(d.ctx, mn_mpi_kirchhoff_solve(d.k));
        reused += mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_LAST_REUSED) == 1.0;
        CHECK(mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_LAST_RESIDUAL) <= 1e-11,
              "%s: step %d residual %g", what, step,
              mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_LAST_RESIDUAL));
        ref s;
        ref_make(&s, &t, G, 1);
        char buf[64];
        snprintf(buf, sizeof buf, "%s step %d", what, step);
        compare(buf, &t, &d, &s, MPI_COMM_WORLD);
        ref_free(&s);
    }
    double setups = mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    if (strat == MN_MPI_REUSE) {
        CHECK(setups == 1.0, "%s: %g setups for 8 drifting solves (expected 1)", what, setups);
        CHECK(reused == 7, "%s: %d of 7 solves reused the hierarchy", what, reused);
    } else {
        CHECK(setups >= 1.0 && setups <= 8.0, "%s: %g setups", what, setups);
        CHECK(reused + setups == 8.0, "%s: reused %d + setups %g != 8", what, reused, setups);
    }
    free(G);
    dist_free(&d);
    net_free(&t);
}

/* the same problem on sub-communicators of every size 1 .. size: the same G_eff */
static void test_rank_counts(void)
{
    net t;
    net_make(&t, 300, 4242, 3.0, size);
    double mine[16], lo[16], hi[16];
    int nc = 0;
    for (int p = 1; p <= size; p++) {
        MPI_Comm sub;
        MPI_Comm_split(MPI_COMM_WORLD, rank < p ? 0 : MPI_UNDEFINED, rank, &sub);
        double G = NAN;
        if (sub != MPI_COMM_NULL) {
            dist d;
            dist_make(&d, &t, sub, MN_MPI_PARTITION_SFC, 0);
            OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
            OK(d.ctx, mn_mpi_kirchhoff_effective_conductance(d.k, 0, 1, &G));
            dist_free(&d);
            MPI_Comm_free(&sub);
        }
        /* ranks outside the sub-communicator take rank 0's value */
        MPI_Bcast(&G, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        mine[nc++] = G;
    }
    MPI_Allreduce(mine, lo, nc, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(mine, hi, nc, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    for (int i = 1; i < nc; i++)
        CHECK(fabs(mine[i] - mine[0]) <= 1e-9 * fabs(mine[0]) && hi[i] == lo[i],
              "G_eff on %d ranks %.15g, on 1 rank %.15g", i + 1, mine[i], mine[0]);
    net_free(&t);
}

static void test_refusals(void)
{
    net t;
    net_make(&t, 200, 99, 1.0, size);
    dist d;
    dist_make(&d, &t, MPI_COMM_WORLD, MN_MPI_PARTITION_BLOCK, 0);
    /* one weak junction on the last rank that has an edge: 1e-14 S against ~1 S */
    int last = -1;
    for (int e = 0; e < t.m; e++)
        if (t.G[e] > 0 && !t.flo[t.u[e]]) last = e;
    for (size_t e = 0; e < d.m; e++)
        if (d.eid[e] == last) d.G[e] = 1e-14;
    OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
    mn_status st = mn_mpi_kirchhoff_solve(d.k);
    CHECK(st == MN_ERR_RANGE, "contrast 1e14: status %s", mn_status_str(st));
    const char *msg = mn_context_last_error(d.ctx);
    int owner = t.owner[last] % size;
    (void)owner;
    CHECK(strstr(msg, "serial") != NULL, "contrast message does not point to the serial solver: %s",
          msg);
    /* back to a moderate contrast: solves again */
    for (size_t e = 0; e < d.m; e++) d.G[e] = t.G[d.eid[e]];
    OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
    OK(d.ctx, mn_mpi_kirchhoff_solve(d.k));
    /* a bad node id on one rank only: every rank gets an error status */
    mn_index bad = rank == size - 1 ? (mn_index)t.n : 0;
    st = mn_mpi_kirchhoff_add_electrode(d.k, &bad, 1, NULL);
    CHECK(st == MN_ERR_RANGE, "bad electrode node: status %s", mn_status_str(st));
    /* overlapping electrode (node of electrode 0) */
    st = mn_mpi_kirchhoff_add_electrode(d.k, t.el[0], rank == 0 ? 1 : 0, NULL);
    CHECK(st == MN_ERR_INVALID, "overlapping electrode: status %s", mn_status_str(st));
    if (rank == 0)
        CHECK(strstr(mn_context_last_error(d.ctx), "already belongs") != NULL || size > 1,
              "overlap message: %s", mn_context_last_error(d.ctx));
    CHECK(mn_mpi_kirchhoff_set_strategy(d.k, (mn_mpi_strategy)7) == MN_ERR_RANGE, "strategy 7");
    CHECK(isnan(mn_mpi_kirchhoff_stat_get(NULL, MN_MPI_KIRCHHOFF_STAT_SOLVES)), "stat of NULL");
    dist_free(&d);
    net_free(&t);
}

/* PETSc options passthrough: MUMPS's parallel LU instead of CG + BoomerAMG */
static void test_options(void)
{
    net t;
    net_make(&t, 300, 555, 3.0, size);
    ref s;
    ref_make(&s, &t, t.G, 1);
    dist d;
    dist_make(&d, &t, MPI_COMM_WORLD, MN_MPI_PARTITION_BLOCK, 0);
    OK(d.ctx, mn_mpi_kirchhoff_set_petsc_options(
                  d.k, "-ksp_type preonly -pc_type cholesky -pc_factor_mat_solver_type mumps"));
    OK(d.ctx, mn_mpi_kirchhoff_set_emf(d.k, d.emf));
    OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
    OK(d.ctx, mn_mpi_kirchhoff_solve(d.k));
    CHECK(mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS) <= 1.0,
          "MUMPS took %g iterations", mn_mpi_kirchhoff_stat_get(d.k, MN_MPI_KIRCHHOFF_STAT_LAST_ITERATIONS));
    compare("mumps", &t, &d, &s, MPI_COMM_WORLD);
    dist_free(&d);
    ref_free(&s);
    net_free(&t);
}

/* delay this rank by a few ms, differently per rank and call */
static void jitter(int call)
{
    struct timespec ts = {0, (long)(((call * 7 + rank * 3) % 5) * 1000000L)};
    nanosleep(&ts, NULL);
}

/* bitwise reproducibility at a fixed rank count: every row gets entries from edges on several
 * ranks (uneven interleaved ownership, block partition), the assembly sums them in an order
 * that must not depend on the order in which the ranks' messages arrive */
static void test_reproducible(void)
{
    net t;
    net_make(&t, 400, 2718, 3.0, size);
    double *phi0 = NULL, *V0 = NULL, *I0 = NULL, ec0[3];
    size_t nl = 0;
    int differ = 0, solves = 0;
    for (int obj = 0; obj < 2; obj++) {
        dist d;
        dist_make(&d, &t, MPI_COMM_WORLD, MN_MPI_PARTITION_BLOCK, 0);
        OK(d.ctx, mn_mpi_kirchhoff_set_strategy(d.k, MN_MPI_SETUP));
        OK(d.ctx, mn_mpi_kirchhoff_set_emf(d.k, d.emf));
        OK(d.ctx, mn_mpi_kirchhoff_set_conductances(d.k, d.G));
        nl = mn_mpi_graph_local_node_count(d.g);
        for (int it = 0; it < 6; it++) {
            jitter(obj * 6 + it);
            OK(d.ctx, mn_mpi_kirchhoff_solve(d.k));
            const double *phi = mn_mpi_kirchhoff_potentials(d.k);
            const double *V = mn_mpi_kirchhoff_edge_voltages(d.k);
            const double *I = mn_mpi_kirchhoff_edge_currents(d.k);
            double ec[3];
            for (int a = 0; a < 3; a++)
                OK(d.ctx, mn_mpi_kirchhoff_electrode_current(d.k, (size_t)a, &ec[a]));
            if (!phi || !V || !I) break;
            if (!phi0) {
                phi0 = malloc((nl + 1) * sizeof *phi0);
                V0 = malloc((d.m + 1) * sizeof *V0);
                I0 = malloc((d.m + 1) * sizeof *I0);
                memcpy(phi0, phi, nl * sizeof *phi0);
                memcpy(V0, V, d.m * sizeof *V0);
                memcpy(I0, I, d.m * sizeof *I0);
                memcpy(ec0, ec, sizeof ec0);
                continue;
            }
            solves++;
            differ += memcmp(phi0, phi, nl * sizeof *phi0) != 0 ||
                      memcmp(V0, V, d.m * sizeof *V0) != 0 || memcmp(I0, I, d.m * sizeof *I0) != 0 ||
                      memcmp(ec0, ec, sizeof ec0) != 0;
        }
        dist_free(&d);
    }
    int all = 0;
    MPI_Allreduce(&differ, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CHECK(all == 0 && solves == 11, "reproducibility: up to %d of %d repeated solves differ "
          "bitwise from the first (on some rank)", all, solves);
    if (rank == 0 && all == 0) printf("reproducible: %d repeated solves bitwise equal\n", solves);
    free(phi0);
    free(V0);
    free(I0);
    net_free(&t);
}

/* the distributed stick generator gives the same network on the world as on one rank */
static void test_sticks(void)
{
    mn_context *c1, *cw;
    mn_mpi_graph *g1, *gw;
    OK(NULL, mn_context_new(&c1));
    OK(NULL, mn_context_new(&cw));
    const size_t nw = 3000;
    const double L = 14.0; /* density 15 wires per length^2: mean degree 9.7, percolating */
    OK(c1, mn_mpi_gen_sticks(&g1, c1, MPI_COMM_SELF, nw, L, 1.0, 0.5, 31));
    OK(cw, mn_mpi_gen_sticks(&gw, cw, MPI_COMM_WORLD, nw, L, 1.0, 0.5, 31));
    if (!g1 || !gw) return;
    /* the same junction count over the ranks as on one rank, the same floating wires and
     * the same G_eff */
    size_t m1 = mn_mpi_graph_edge_count(g1);
    CHECK(m1 > 4 * nw, "sticks: only %zu junctions for %zu wires", m1, nw);
    unsigned long long tw = mn_mpi_graph_edge_count(gw), tall = 0;
    MPI_Allreduce(&tw, &tall, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(tall == (unsigned long long)m1, "sticks: %llu junctions over %d ranks, %zu on one", tall,
          size, m1);
    /* the same G_eff between "left" and "right" */
    double G[2] = {NAN, NAN}, F[2] = {NAN, NAN};
    for (int w = 0; w < 2; w++) {
        mn_mpi_graph *g = w ? gw : g1;
        mn_context *c = w ? cw : c1;
        mn_mpi_kirchhoff *k = NULL;
        OK(c, mn_mpi_graph_partition(g, MN_MPI_PARTITION_SFC));
        OK(c, mn_mpi_kirchhoff_new(&k, g));
        OK(c, mn_mpi_kirchhoff_add_electrode_set(k, "left", NULL));
        OK(c, mn_mpi_kirchhoff_add_electrode_set(k, "right", NULL));
        size_t m = mn_mpi_graph_edge_count(g);
        double *Gv = malloc((m + 1) * sizeof *Gv);
        for (size_t e = 0; e < m; e++) Gv[e] = 1.0;
        OK(c, mn_mpi_kirchhoff_set_conductances(k, Gv));
        OK(c, mn_mpi_kirchhoff_effective_conductance(k, 0, 1, &G[w]));
        F[w] = mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_FLOATING);
        if (rank == 0)
            printf("sticks on %d rank(s): G_eff %.12g, %g floating wires\n", w ? size : 1, G[w],
                   mn_mpi_kirchhoff_stat_get(k, MN_MPI_KIRCHHOFF_STAT_FLOATING));
        free(Gv);
        mn_mpi_kirchhoff_free(k);
    }
    CHECK(F[0] == F[1], "sticks: %g floating wires on 1 rank, %g on %d", F[0], F[1],
          size);
    CHECK(fabs(G[0] - G[1]) <= 1e-8 * fabs(G[0]) && G[0] > 0, "sticks: G_eff %.12g on 1 rank, %.12g on %d",
          G[0], G[1], size);
    mn_mpi_graph_free(g1);
    mn_mpi_graph_free(gw);
    mn_context_free(c1);
    mn_context_free(cw);
}

int main(void)
{
    if (mpi_check_start()) return 1;
    test_partition(MN_MPI_PARTITION_BLOCK, 0, 11, "block");
    test_partition(MN_MPI_PARTITION_SFC, 1, 12, "sfc+sets");
    if (ptscotch_usable()) test_partition(MN_MPI_PARTITION_PTSCOTCH, 0, 13, "ptscotch");
    test_drift(MN_MPI_REUSE, "drift/reuse");
    test_drift(MN_MPI_AUTO, "drift/auto");
    test_rank_counts();
    test_refusals();
    test_options();
    test_reproducible();
    test_sticks();
    return mpi_check_finish("mpi-kirchhoff");
}
