/*
 * Distributed simulation (mn_mpi_sim) against the serial one (mn_sim): miranda junctions
 * (000 eqs 1-4) on a random network of 900 junctions driven by a pulse train on a 0.1 V
 * bias (the pulse protocol of 000, Fig. 2: SET pulses, low read voltage between them), I(t) of
 * the driven electrode at sample times between the breakpoints within 1e-6 of the largest
 * |I|, with 1, 2 or 3 ranks. Each rank integrates its junctions; the serial run is the
 * reference on every rank.
 *
 * Restart under AUTO: a run saving a checkpoint at T/2 and continuing to T, and a run resumed
 * from that checkpoint, reach bitwise equal states and current at T and make the same number
 * of solves and AMG setups after T/2; AUTO must have both reused hierarchies and set up anew
 * there (its rule decides by iteration counts, so the two runs decide alike). On 2 and 3 ranks
 * both runs partition by PT-Scotch in one process: the partitions must be equal too.
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

static uint64_t rs = 2024;
static double urand(void) { return mpi_check_urand(&rs); }

#define NNODE 300
#define NT 4

static mn_index u[4 * NNODE], v[4 * NNODE];
static mn_index left[4] = {0, 1, 2, 3}, right[4] = {NNODE - 4, NNODE - 3, NNODE - 2, NNODE - 1};
static const double RTOL = 1e-8, ATOL = 1e-12;

typedef struct dist {
    mn_context *c;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    mn_mpi_sim *s;
} dist;

/* the distributed simulation of the m edges u, v (AUTO), uneven interleaved ownership */
static void dist_new(dist *d, int m, const mn_model *model, const mn_waveform *w,
                     mn_mpi_partition part)
{
    memset(d, 0, sizeof *d);
    OK(NULL, mn_context_new(&d->c));
    OK(d->c, mn_mpi_graph_new(&d->g, d->c, MPI_COMM_WORLD, NNODE));
    for (int e = 0; e < m; e++)
        if ((e * 7 + e / 5) % (size * (size + 1) / 2) >= rank * (rank + 1) / 2 &&
            (e * 7 + e / 5) % (size * (size + 1) / 2) < (rank + 1) * (rank + 2) / 2)
            OK(d->c, mn_mpi_graph_add_edges(d->g, &u[e], &v[e], 1));
    unsigned long long mine = mn_mpi_graph_edge_count(d->g), tot = 0;
    MPI_Allreduce(&mine, &tot, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(tot == (unsigned long long)m, "edges over ranks %llu != %d", tot, m);
    OK(d->c, mn_mpi_graph_partition(d->g, part));
    OK(d->c, mn_mpi_kirchhoff_new(&d->k, d->g));
    OK(d->c, mn_mpi_kirchhoff_add_electrode(d->k, left, rank == 0 ? 4 : 0, NULL));
    OK(d->c, mn_mpi_kirchhoff_add_electrode(d->k, right, rank == size - 1 ? 4 : 0, NULL));
    OK(d->c, mn_mpi_sim_new(&d->s, d->k, model));
    OK(d->c, mn_mpi_sim_set_waveform(d->s, 0, w));
    OK(d->c, mn_mpi_sim_set_tolerances(d->s, RTOL, ATOL));
}

static void dist_free(dist *d)
{
    mn_mpi_sim_free(d->s);
    mn_mpi_kirchhoff_free(d->k);
    mn_mpi_graph_free(d->g);
    mn_context_free(d->c);
}

static double stat(const dist *d, mn_mpi_kirchhoff_stat st)
{
    return mn_mpi_kirchhoff_stat_get(d->k, st);
}

/* AUTO: A saves a checkpoint at T/2 and runs on to T; B resumes from it; bitwise equal */
static void restart_check(int m, const mn_model *model, const mn_waveform *w, double T)
{
    char dir[] = "/tmp/mn-mpi-sim-XXXXXX", ckpt[64];
    int okdir = rank != 0 || mkdtemp(dir) != NULL;
    MPI_Bcast(dir, (int)sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
    CHECK(okdir, "mkdtemp failed");
    snprintf(ckpt, sizeof ckpt, "%s/ckpt", dir);
    dist a, b;
    dist_new(&a, m, model, w, size > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK);
    OK(a.c, mn_mpi_sim_init_default(a.s, 0.0));
    OK(a.c, mn_mpi_sim_run(a.s, T / 2));
    /* counted before the save: its solve at T/2 is the resumed run's first */
    double sol0 = stat(&a, MN_MPI_KIRCHHOFF_STAT_SOLVES), set0 = stat(&a, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    OK(a.c, mn_mpi_sim_checkpoint_save(a.s, ckpt));
    OK(a.c, mn_mpi_sim_run(a.s, T));
    dist_new(&b, m, model, w, size > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK);
    OK(b.c, mn_mpi_sim_checkpoint_load(b.s, ckpt));
    OK(b.c, mn_mpi_sim_run(b.s, T));
    size_t ns = mn_mpi_sim_state_count(a.s);
    const double *xa = mn_mpi_sim_states(a.s), *xb = mn_mpi_sim_states(b.s);
    int same = ns == mn_mpi_sim_state_count(b.s) && xa && xb &&
               memcmp(xa, xb, ns * sizeof *xa) == 0;
    double Ia = mn_mpi_sim_electrode_current(a.s, 0), Ib = mn_mpi_sim_electrode_current(b.s, 0);
    CHECK(same, "AUTO restart: the states at T differ between the saving and the resumed run");
    CHECK(memcmp(&Ia, &Ib, sizeof Ia) == 0, "AUTO restart: I(T) %.17g vs %.17g", Ia, Ib);
    double sola = stat(&a, MN_MPI_KIRCHHOFF_STAT_SOLVES) - sol0;
    double seta = stat(&a, MN_MPI_KIRCHHOFF_STAT_SETUPS) - set0;
    double solb = stat(&b, MN_MPI_KIRCHHOFF_STAT_SOLVES), setb = stat(&b, MN_MPI_KIRCHHOFF_STAT_SETUPS);
    CHECK(sola == solb && seta == setb, "AUTO restart: after T/2 %g solves, %g setups; resumed "
          "%g, %g", sola, seta, solb, setb);
    CHECK(setb > 1 && setb < solb, "AUTO made %g setups for %g solves after T/2: its rule was "
          "not exercised", setb, solb);
    if (rank == 0)
        printf("AUTO restart: states and I(T) bitwise equal (%g solves, %g setups after T/2)\n",
               solb, setb);
    dist_free(&b);
    dist_free(&a);
    if (rank == 0) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
}

int main(void)
{
    if (mpi_check_start()) return 1;
    /* network: random tree + extra edges, about 3 junctions per node */
    int m = 0;
    for (int i = 1; i < NNODE; i++) {
        u[m] = (mn_index)(urand() * i);
        v[m++] = i;
    }
    while (m < 3 * NNODE) {
        int a = (int)(urand() * NNODE), b = (int)(urand() * NNODE);
        if (a == b) continue;
        u[m] = a;
        v[m++] = b;
    }
    const char *spec = "dc:0.1+pulse:1.9:0.5:2:4:0.5";
    double times[NT];
    for (int i = 0; i < NT; i++) times[i] = 0.35 * (i + 1); /* never on a breakpoint */

    /* serial reference */
    mn_context *sc;
    mn_graph *sg;
    mn_network *snet;
    mn_model *model;
    mn_sim *ss;
    mn_waveform *w;
    OK(NULL, mn_context_new(&sc));
    OK(sc, mn_graph_new(&sg, sc, NNODE));
    for (int e = 0; e < m; e++) OK(sc, mn_graph_add_edge(sg, u[e], v[e], NULL));
    OK(sc, mn_model_new(&model, sc, "miranda"));
    OK(sc, mn_network_new(&snet, sg));
    OK(sc, mn_network_assign(snet, model, NULL, 0, NULL));
    OK(sc, mn_waveform_parse(&w, sc, spec));
    OK(sc, mn_sim_new(&ss, snet));
    OK(sc, mn_sim_add_electrode(ss, left, 4, w, NULL));
    OK(sc, mn_sim_add_electrode(ss, right, 4, NULL, NULL));
    OK(sc, mn_sim_set_tolerances(ss, RTOL, ATOL));
    OK(sc, mn_sim_init_default(ss, 0.0));
    double Iser[NT];
    for (int i = 0; i < NT; i++) {
        OK(sc, mn_sim_run(ss, times[i]));
        Iser[i] = mn_sim_electrode_current(ss, 0);
    }

    /* distributed */
    dist d;
    dist_new(&d, m, model, w, size > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK);
    mn_context *dc = d.c;
    mn_mpi_kirchhoff *dk = d.k;
    mn_mpi_sim *ds = d.s;
    OK(dc, mn_mpi_sim_init_default(ds, 0.0));
    double Imax = 0;
    for (int i = 0; i < NT; i++) Imax = fabs(Iser[i]) > Imax ? fabs(Iser[i]) : Imax;
    for (int i = 0; i < NT; i++) {
        OK(dc, mn_mpi_sim_run(ds, times[i]));
        double I = mn_mpi_sim_electrode_current(ds, 0);
        if (rank == 0) printf("t = %5.2f  I = %.12e  serial %.12e\n", times[i], I, Iser[i]);
        CHECK(fabs(I - Iser[i]) <= 1e-6 * Imax, "t = %g: I = %.12g, serial %.12g (rel %.2g)",
              times[i], I, Iser[i], fabs(I - Iser[i]) / Imax);
    }
    if (rank == 0)
        printf("steps %g, rhs %g, linear iterations %g, AMG setups %g (serial steps %llu)\n",
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_STEPS),
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_RHS),
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_LINEAR_ITERATIONS),
               mn_mpi_kirchhoff_stat_get(dk, MN_MPI_KIRCHHOFF_STAT_SETUPS),
               (unsigned long long)mn_sim_stat_get(ss, MN_SIM_STAT_STEPS));
    /* the switching is visible: the current changes by more than the read bias alone would */
    CHECK(Imax > 0 && fabs(Iser[NT - 1] - Iser[0]) > 1e-3 * Imax, "no dynamics in I(t)");
    dist_free(&d);
    restart_check(m, model, w, times[NT - 1]);
    mn_sim_free(ss);
    mn_waveform_free(w);
    mn_network_free(snet);
    mn_model_free(model);
    mn_graph_free(sg);
    mn_context_free(sc);
    return mpi_check_finish("mpi-sim");
}
