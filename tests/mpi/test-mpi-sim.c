/*
 * Distributed simulation (mn_mpi_sim) against the serial one (mn_sim): miranda junctions
 * (000 eqs 1-4) on a random network of 900 junctions driven by a pulse train on a 0.1 V
 * bias (the pulse protocol of 000, Fig. 2: SET pulses, low read voltage between them), I(t) of
 * the driven electrode at sample times between the breakpoints within 1e-6 of the largest
 * |I|, with 1, 2 or 3 ranks. Each rank integrates its junctions; the serial run is the
 * reference on every rank.
 */
#include <memnet/kirchhoff.h>
#include <memnet/mpi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank, size, fails;

#include "mpi-check.h"

static uint64_t rs = 2024;
static double urand(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

#define NNODE 300
#define NT 4

int main(void)
{
    if (mn_mpi_init() != MN_OK) return 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* network: random tree + extra edges, about 3 junctions per node */
    static mn_index u[4 * NNODE], v[4 * NNODE];
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
    mn_index left[4] = {0, 1, 2, 3}, right[4] = {NNODE - 4, NNODE - 3, NNODE - 2, NNODE - 1};
    const char *spec = "dc:0.1+pulse:1.9:0.5:2:4:0.5";
    const double rtol = 1e-8, atol = 1e-12;
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
    OK(sc, mn_sim_set_tolerances(ss, rtol, atol));
    OK(sc, mn_sim_init_default(ss, 0.0));
    double Iser[NT];
    for (int i = 0; i < NT; i++) {
        OK(sc, mn_sim_run(ss, times[i]));
        Iser[i] = mn_sim_electrode_current(ss, 0);
    }

    /* distributed */
    mn_context *dc;
    mn_mpi_graph *dg;
    mn_mpi_kirchhoff *dk;
    mn_mpi_sim *ds;
    OK(NULL, mn_context_new(&dc));
    OK(dc, mn_mpi_graph_new(&dg, dc, MPI_COMM_WORLD, NNODE));
    for (int e = 0; e < m; e++) /* uneven interleaved ownership */
        if ((e * 7 + e / 5) % (size * (size + 1) / 2) >= rank * (rank + 1) / 2 &&
            (e * 7 + e / 5) % (size * (size + 1) / 2) < (rank + 1) * (rank + 2) / 2)
            OK(dc, mn_mpi_graph_add_edges(dg, &u[e], &v[e], 1));
    unsigned long long mine = mn_mpi_graph_edge_count(dg), tot = 0;
    MPI_Allreduce(&mine, &tot, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(tot == (unsigned long long)m, "edges over ranks %llu != %d", tot, m);
    OK(dc, mn_mpi_graph_partition(dg, size > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK));
    OK(dc, mn_mpi_kirchhoff_new(&dk, dg));
    OK(dc, mn_mpi_kirchhoff_add_electrode(dk, left, rank == 0 ? 4 : 0, NULL));
    OK(dc, mn_mpi_kirchhoff_add_electrode(dk, right, rank == size - 1 ? 4 : 0, NULL));
    OK(dc, mn_mpi_sim_new(&ds, dk, model));
    OK(dc, mn_mpi_sim_set_waveform(ds, 0, w));
    OK(dc, mn_mpi_sim_set_tolerances(ds, rtol, atol));
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
        printf("steps %g, rhs %g, linear iterations %g (serial steps %llu)\n",
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_STEPS),
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_RHS),
               mn_mpi_sim_stat_get(ds, MN_MPI_SIM_STAT_LINEAR_ITERATIONS),
               (unsigned long long)mn_sim_stat_get(ss, MN_SIM_STAT_STEPS));
    /* the switching is visible: the current changes by more than the read bias alone would */
    CHECK(Imax > 0 && fabs(Iser[NT - 1] - Iser[0]) > 1e-3 * Imax, "no dynamics in I(t)");
    mn_mpi_sim_free(ds);
    mn_mpi_kirchhoff_free(dk);
    mn_mpi_graph_free(dg);
    mn_context_free(dc);
    mn_sim_free(ss);
    mn_waveform_free(w);
    mn_network_free(snet);
    mn_model_free(model);
    mn_graph_free(sg);
    mn_context_free(sc);
    int all = 0;
    MPI_Allreduce(&fails, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi-sim on %d ranks: %d failures\n", size, all);
    mn_mpi_finalize();
    return all ? 1 : 0;
}
