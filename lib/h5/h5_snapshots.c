/*
 * /snapshots of an HDF5 recording: at each snapshot time of the simulation
 * (mn_sim_set_snapshots()) one row of every state, conductance, edge voltage and current and
 * node potential, written at once (one compressed chunk per row). docs/file-formats.md.
 */
#include "h5/h5-private.h"

#include "sim/sim-private.h"

#include <math.h>
#include <string.h>

static mn__h5_table *tables(mn__h5_snapshots *sn, size_t i)
{
    mn__h5_table *t[] = { &sn->time, &sn->state, &sn->conductance, &sn->voltage, &sn->current, &sn->potential };
    return t[i];
}
#define NTAB 6
static const char *const paths[NTAB] = { "/snapshots/time", "/snapshots/state", "/snapshots/conductance",
                                         "/snapshots/voltage", "/snapshots/current", "/snapshots/potential" };

mn_status mn__h5_snapshots_setup(mn_context *ctx, hid_t file, mn__h5_snapshots *sn,
                                 const mn_sim *sim, int append, double t_keep)
{
    mn_status st;
    sn->on = 1;
    /* widths: 1-D time, states, edges (3), nodes */
    const mn_network *net = mn__sim_network(sim);
    size_t m = mn_graph_edge_count(mn_network_graph(net)), n = mn_graph_node_count(mn_network_graph(net));
    size_t w[NTAB] = { 0, mn_network_state_count(net), m, m, m, n };
    for (size_t i = 0; i < NTAB; i++) {
        mn__h5_table *t = tables(sn, i);
        st = append ? mn__h5_table_open(ctx, file, t, paths[i], MN__H5_F64, w[i], 1)
                    : mn__h5_table_create(ctx, file, t, paths[i], MN__H5_F64, w[i], 1);
        if (st) return st;
    }
    if (!append) return MN_OK;
    double *tv = NULL;
    size_t nt = 0;
    if ((st = mn__h5_table_read_all(ctx, &sn->time, &tv, &nt))) return st;
    hsize_t keep = 0;
    while (keep < nt && tv[keep] <= t_keep) keep++;
    mn__free(ctx, tv);
    for (size_t i = 0; i < NTAB; i++)
        if ((st = mn__h5_table_truncate(ctx, tables(sn, i), keep))) return st;
    return MN_OK;
}

mn_status mn__h5_snapshots_add(mn_context *ctx, mn__h5_snapshots *sn, const mn_sim *sim)
{
    const double *src[NTAB] = { NULL, mn_sim_states(sim), mn_sim_conductances(sim), mn_sim_edge_voltages(sim),
                                mn_sim_edge_currents(sim), mn_sim_potentials(sim) };
    double t = mn_sim_time(sim);
    src[0] = &t;
    for (size_t i = 0; i < NTAB; i++) {
        mn__h5_table *tb = tables(sn, i);
        size_t w = tb->width ? tb->width : 1;
        mn_status st;
        double *row = mn__h5_table_row(ctx, tb, &st);
        if (!row) return st;
        if (src[i]) memcpy(row, src[i], w * sizeof *row);
        else
            for (size_t j = 0; j < w; j++) row[j] = NAN;
        if ((st = mn__h5_table_write(ctx, tb))) return st;
    }
    return MN_OK;
}

void mn__h5_snapshots_close(mn_context *ctx, mn__h5_snapshots *sn)
{
    if (!sn->on) return;
    for (size_t i = 0; i < NTAB; i++) mn__h5_table_close(ctx, tables(sn, i));
    sn->on = 0;
}
