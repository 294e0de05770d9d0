/* memnet-mpi simulate: the network file, the model, the electrodes and recorded edges (read the
 * same way on every rank), then the distribution of the edges over the ranks and the
 * distributed simulation (memnet-mpi.h). */
#include "memnet-mpi.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --snapshots T1,T2,...: finite and increasing, as memnet simulate (mn_sim_set_snapshots) */
static int parse_times(mpi_cmd *c, const char *text)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++) cap += *p == ',';
    double *t = malloc(cap * sizeof *t);
    if (!t) return cli_error(CMD, "out of memory");
    size_t k = 0;
    for (const char *p = text; *p;) {
        char *end;
        t[k] = strtod(p, &end);
        if (end == p || (*end && *end != ',')) {
            free(t);
            return cli_error(CMD, "--snapshots: \"%s\" is not a list of times", text);
        }
        if (!isfinite(t[k]) || (k > 0 && !(t[k] > t[k - 1]))) {
            cli_error(CMD, "--snapshots: time %zu = %g must be finite and increasing", k, t[k]);
            free(t);
            return 1;
        }
        k++;
        p = *end ? end + 1 : end;
    }
    c->snap_t = t;
    c->n_snap = k;
    return 0;
}

/* --set "P=V", or "MODEL.P=V" naming the model, as memnet simulate */
static int apply_set(mpi_cmd *c, const char *set)
{
    const char *eq = strchr(set, '='), *dot = strchr(set, '.');
    const char *name = mn_model_ops_of(c->model)->name, *assign = set;
    if (dot && eq && dot < eq) {
        if (strlen(name) != (size_t)(dot - set) || strncmp(name, set, (size_t)(dot - set)))
            return cli_error(CMD, "--set %s: no model \"%.*s\" in this network", set,
                             (int)(dot - set), set);
        assign = dot + 1;
    }
    mn_status st = mn_model_set_assignment(c->model, assign);
    return st ? cli_fail(CMD, c->ctx, st) : 0;
}

int mpi_network_read(mpi_cmd *c, const mpi_opts *o)
{
    mn_status st;
    FILE *probe = fopen(o->network, "r");
    if (!probe) return cli_error(CMD, "--network: cannot open \"%s\" (%s)", o->network, strerror(errno));
    char first[32] = "";
    if (!fgets(first, sizeof first, probe)) first[0] = 0;
    fclose(probe);
    if (!strncmp(first, "memnet-network", 14)) {
        st = mn_graph_load(&c->full, c->ctx, o->network);
        if (!st && o->length_column)
            fprintf(stderr, "memnet simulate: --length-column ignored for a native file (lengths "
                            "are stored in it)\n");
    } else {
        st = mn_graph_read_edgelist(&c->full, c->ctx, o->network, 0, (size_t)o->length_column);
    }
    if (st) return cli_fail(CMD, c->ctx, st);
    int rc = cli_model_new(CMD, c->ctx, o->model_name, &c->model);
    if (rc) return rc;
    for (size_t i = 0; i < o->nsets; i++)
        if (apply_set(c, o->sets[i])) return 2;
    c->nst = mn_model_ops_of(c->model)->n_states;
    /* --source/--drain default to the network file's first two node sets */
    c->source = o->source;
    c->drain = o->drain;
    if ((!c->source || !c->drain) && mn_graph_node_set_count(c->full) >= 2) {
        const char *s0 = mn_graph_node_set_name(c->full, 0), *s1 = mn_graph_node_set_name(c->full, 1);
        if (!c->source) c->source = c->drain && !strcmp(c->drain, s0) ? s1 : s0;
        if (!c->drain) c->drain = !strcmp(c->source, s0) ? s1 : s0;
    }
    if (!c->source || !c->drain)
        return cli_error(CMD, "missing %s (see memnet-mpi simulate --help); the network has no "
                              "node sets to default to", !c->source ? "--source" : "--drain") + 1;
    if (cli_resolve_nodes(CMD, "--source", c->source, c->full, &c->src, &c->nsrc) ||
        cli_resolve_nodes(CMD, "--drain", c->drain, c->full, &c->drn, &c->ndrn))
        return 2;
    if ((st = mn_waveform_parse(&c->w, c->ctx, o->spec))) return cli_fail(CMD, c->ctx, st);
    if (o->rec_list) {
        mn_index *ids = NULL;
        size_t n = 0, m = mn_graph_edge_count(c->full);
        if (cli_parse_nodes(CMD, "--record-edges", o->rec_list, &ids, &n)) return 2;
        c->rec = malloc((n ? n : 1) * sizeof *c->rec);
        c->rec_loc = calloc(n * c->nst + 1, sizeof *c->rec_loc);
        c->rec_all = calloc(n * c->nst + 1, sizeof *c->rec_all);
        if (!c->rec || !c->rec_loc || !c->rec_all) {
            free(ids);
            return cli_error(CMD, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            if ((size_t)ids[i] >= m) {
                cli_error(CMD, "--record-edges: edge %ld does not exist (the network has %zu "
                               "edges)", (long)ids[i], m);
                free(ids);
                return 2;
            }
            c->rec[i] = ids[i];
        }
        c->nrec = n;
        free(ids);
    }
    if (o->snaps && parse_times(c, o->snaps)) return 2;
    return 0;
}

int mpi_network_distribute(mpi_cmd *c, const mpi_opts *o)
{
    mn_status st;
    size_t n = mn_graph_node_count(c->full), m = mn_graph_edge_count(c->full);
    const mn_index *u = mn_graph_edge_u(c->full), *v = mn_graph_edge_v(c->full);
    /* a contiguous block of the file's edges per rank: the global edge ids (rank-major) are
     * the file's, so event logs and recorded edges name the edges memnet simulate names */
    size_t e0 = m * (size_t)c->rank / (size_t)c->nranks;
    size_t e1 = m * (size_t)(c->rank + 1) / (size_t)c->nranks;
    if ((st = mn_mpi_graph_new(&c->g, c->ctx, MPI_COMM_WORLD, n)) != MN_OK) return mpi_fail(c, st);
    st = mn_mpi_graph_add_edges(c->g, u + e0, v + e0, e1 - e0);
    /* gap lengths (hillock, filament) when the file gives every edge one */
    const double *len = mn_graph_edge_lengths(c->full);
    int all_len = len != NULL;
    for (size_t e = 0; all_len && e < m; e++) all_len = isfinite(len[e]);
    if (st == MN_OK && all_len && e1 > e0) st = mn_mpi_graph_set_edge_lengths(c->g, len + e0);
    /* coordinates of a native file (for --partition sfc): each rank gives a block of nodes */
    const double *x = mn_graph_node_x(c->full), *y = mn_graph_node_y(c->full);
    size_t n0 = n * (size_t)c->rank / (size_t)c->nranks, n1 = n * (size_t)(c->rank + 1) / (size_t)c->nranks;
    if (st == MN_OK && x && y && n1 > n0) {
        mn_index *ids = malloc((n1 - n0) * sizeof *ids);
        double *xyz = malloc(3 * (n1 - n0) * sizeof *xyz);
        if (!ids || !xyz) st = MN_ERR_NOMEM;
        for (size_t i = n0; st == MN_OK && i < n1; i++) {
            ids[i - n0] = (mn_index)i;
            xyz[3 * (i - n0)] = x[i];
            xyz[3 * (i - n0) + 1] = y[i];
            xyz[3 * (i - n0) + 2] = 0.0;
        }
        if (st == MN_OK) st = mn_mpi_graph_set_coordinates(c->g, ids, xyz, n1 - n0);
        free(ids);
        free(xyz);
    }
    /* the local calls above: every rank learns whether one failed */
    int bad = st != MN_OK, any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) return st != MN_OK ? cli_fail(CMD, c->ctx, st) : 1;
    mn_mpi_partition part = o->partition ? o->part
                          : c->nranks > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK;
    if ((st = mn_mpi_graph_partition(c->g, part)) != MN_OK) return mpi_fail(c, st);
    if ((st = mn_mpi_kirchhoff_new(&c->k, c->g)) != MN_OK) return mpi_fail(c, st);
    /* the electrodes' node lists from rank 0 (an electrode is the union over the ranks) */
    if ((st = mn_mpi_kirchhoff_add_electrode(c->k, c->src, c->rank == 0 ? c->nsrc : 0, NULL)) != MN_OK ||
        (st = mn_mpi_kirchhoff_add_electrode(c->k, c->drn, c->rank == 0 ? c->ndrn : 0, NULL)) != MN_OK)
        return mpi_fail(c, st);
    /* local settings, checked by the parser already: the same result on every rank */
    if ((st = mn_mpi_kirchhoff_set_strategy(c->k, o->strat)) != MN_OK) return mpi_fail(c, st);
    if ((st = mn_mpi_sim_new(&c->s, c->k, c->model)) != MN_OK) return mpi_fail(c, st);
    if ((st = mn_mpi_sim_set_waveform(c->s, 0, c->w)) != MN_OK ||
        (st = mn_mpi_sim_set_tolerances(c->s, o->rtol, o->atol)) != MN_OK ||
        (st = mn_mpi_sim_set_jv_tolerance(c->s, o->jv_rtol)) != MN_OK ||
        (st = mn_mpi_sim_set_jv_method(c->s, o->jv_method)) != MN_OK ||
        (st = mn_mpi_sim_set_sample_interval(c->s, 0.0, o->dt_out)) != MN_OK)
        return mpi_fail(c, st);
    return 0;
}
