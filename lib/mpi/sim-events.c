/*
 * libmemnet-mpi: events of the distributed simulation (filament formation and breaking,
 * 003 eqs 1-3). CVODE sees one root function on every rank: the largest event function of
 * all junctions of all ranks (MPI_Allreduce MAX), crossing 0 upwards when the first junction's
 * does, so every rank stops at the same time. There each rank fires its junctions whose event
 * functions are >= 0 (the models' event_apply), and the events are gathered to every rank's
 * log in increasing global edge id, the order of the serial log (lib/sim/sim_events.c).
 */
#include "sim-impl.h"

#include <math.h>

mn_status mn__mpi_sim_events_init(mn_mpi_sim *s)
{
    s->nev = mn__network_event_count(s->net);
    s->evoff = mn__network_event_offsets(s->net);
    long long mine = (long long)s->nev, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_LONG_LONG, MPI_SUM, s->k->comm);
    s->nev_global = (int64_t)all;
    size_t ne = s->nev ? s->nev : 1, m = s->m ? s->m : 1;
    s->gev = mn__calloc_or_err(s->ctx, ne, sizeof *s->gev, "event functions");
    s->fired = mn__calloc_or_err(s->ctx, ne, sizeof *s->fired, "event functions");
    s->jumped = mn__calloc_or_err(s->ctx, m, sizeof *s->jumped, "events");
    if (!s->gev || !s->fired || !s->jumped) return MN_ERR_NOMEM;
    for (size_t e = 0; e < s->m; e++)
        if (s->evoff && s->evoff[e + 1] > s->evoff[e])
            for (size_t i = s->off[e]; i < s->off[e + 1]; i++) s->free_state[i] = 1;
    return MN_OK;
}

void mn__mpi_sim_events_free(mn_mpi_sim *s)
{
    mn__free(s->ctx, s->gev);
    mn__free(s->ctx, s->fired);
    mn__free(s->ctx, s->jumped);
    mn__free(s->ctx, s->evlog);
    if (s->ev_csv) fclose(s->ev_csv);
}

mn_status mn__mpi_sim_root(mn_mpi_sim *s, double t, const double *x, double *g)
{
    mn_status st = mn__mpi_sim_evaluate(s, t, x, t >= s->seg_end, NULL);
    if (st != MN_OK) return st;
    s->n_root++;
    double mx = -INFINITY, all = -INFINITY;
    if (s->nev) {
        /* the unclamped states: a state crossing its bound is a sign change (as lib/sim) */
        st = mn__network_event_fn(s->net, x, mn_mpi_kirchhoff_edge_voltages(s->k),
                                  mn_mpi_kirchhoff_edge_currents(s->k), s->gev);
        if (st != MN_OK)
            st = mn__error(s->ctx, st, "event functions: %s", mn_context_last_error(s->lctx));
        for (size_t i = 0; i < s->nev; i++)
            if (s->gev[i] > mx) mx = s->gev[i];
    }
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    MPI_Allreduce(&mx, &all, 1, MPI_DOUBLE, MPI_MAX, s->k->comm);
    g[0] = all;
    return MN_OK;
}

/* the shared event log of lib/sim (ring and CSV line, as the serial log) */
static mn_status log_one(mn_mpi_sim *s, double t, int64_t edge, int kind)
{
    void *ring = s->evlog;
    size_t pos;
    mn_status st = mn__event_ring_reserve(s->ctx, &ring, &s->evcap, sizeof *s->evlog,
                                          MN__MPI_EVENT_KEEP, s->n_events, s->ev_first, &pos);
    if (st != MN_OK) return st;
    s->evlog = ring;
    s->evlog[pos] = (mn__mpi_event){t, edge, kind};
    s->n_events++;
    return s->ev_csv ? mn__event_csv_write(s->ctx, s->ev_csv, t, edge, kind) : MN_OK;
}

mn_status mn__mpi_sim_apply_events(mn_mpi_sim *s, double *x)
{
    MPI_Comm comm = s->k->comm;
    mn_status st = mn__mpi_sim_evaluate(s, s->t, x, s->t >= s->seg_end, NULL);
    if (st != MN_OK) return st;
    double *Gold = NULL, *Gnew = NULL;
    long long *mine = NULL, *all = NULL;
    int *counts = NULL, *displs = NULL;
    size_t nj = 0, nloc = 0;
    if (s->nev) {
        st = mn__network_event_fn(s->net, x, mn_mpi_kirchhoff_edge_voltages(s->k),
                                  mn_mpi_kirchhoff_edge_currents(s->k), s->gev);
        for (size_t i = 0; i < s->nev; i++) s->fired[i] = s->gev[i] >= 0.0;
        size_t m = s->m ? s->m : 1;
        Gold = mn__malloc_or_err(s->ctx, m, sizeof *Gold, "events");
        Gnew = mn__malloc_or_err(s->ctx, m, sizeof *Gnew, "events");
        mine = mn__malloc_or_err(s->ctx, 2 * m, sizeof *mine, "events");
        if (st == MN_OK && (!Gold || !Gnew || !mine)) st = MN_ERR_NOMEM;
        if (st == MN_OK)
            st = mn__network_event_apply(s->net, s->fired, x, s->jumped, &nj, Gold, Gnew);
        if (st != MN_OK && st != MN_ERR_NOMEM)
            st = mn__error(s->ctx, st, "events: %s", mn_context_last_error(s->lctx));
        /* this rank's events in edge order: (global edge, kind) */
        size_t jpos = 0;
        for (size_t e = 0; st == MN_OK && e < s->m; e++) {
            int any = 0;
            for (size_t i = s->evoff[e]; i < s->evoff[e + 1]; i++) any |= s->fired[i];
            if (!any) continue;
            int kind = MN_SIM_EVENT_OTHER;
            while (jpos < nj && (size_t)s->jumped[jpos] < e) jpos++;
            if (jpos < nj && (size_t)s->jumped[jpos] == e)
                kind = Gnew[jpos] > Gold[jpos] ? MN_SIM_EVENT_FORM : MN_SIM_EVENT_BREAK;
            mine[2 * nloc] = (long long)(s->eoff + (int64_t)e);
            mine[2 * nloc + 1] = kind;
            nloc++;
        }
    }
    s->cache_valid = 0;
    int p = 0, rank = 0;
    MPI_Comm_size(comm, &p);
    MPI_Comm_rank(comm, &rank);
    counts = mn__calloc_or_err(s->ctx, (size_t)p, sizeof *counts, "events");
    displs = mn__calloc_or_err(s->ctx, (size_t)p, sizeof *displs, "events");
    if (st == MN_OK && (!counts || !displs)) st = MN_ERR_NOMEM;
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) goto cleanup;
    int c = (int)(2 * nloc);
    MPI_Allgather(&c, 1, MPI_INT, counts, 1, MPI_INT, comm);
    long long total = 0;
    for (int r = 0; r < p; r++) {
        displs[r] = (int)total;
        total += counts[r];
    }
    all = mn__malloc_or_err(s->ctx, total ? (size_t)total : 1, sizeof *all, "events");
    if ((st = mn__mpi_agree(s->ctx, comm, all ? MN_OK : MN_ERR_NOMEM)) != MN_OK) goto cleanup;
    MPI_Allgatherv(mine ? mine : all, c, MPI_LONG_LONG, all, counts, displs, MPI_LONG_LONG, comm);
    /* rank-major = increasing global edge id */
    for (long long i = 0; st == MN_OK && i < total; i += 2)
        st = log_one(s, s->t, (int64_t)all[i], (int)all[i + 1]);
    st = mn__mpi_agree(s->ctx, comm, st);
cleanup:
    mn__free(s->ctx, Gold);
    mn__free(s->ctx, Gnew);
    mn__free(s->ctx, mine);
    mn__free(s->ctx, all);
    mn__free(s->ctx, counts);
    mn__free(s->ctx, displs);
    return st;
}

size_t mn_mpi_sim_event_count(const mn_mpi_sim *s) { return s ? (size_t)s->n_events : 0; }

mn_status mn_mpi_sim_event(const mn_mpi_sim *s, size_t i, double *t, int64_t *edge,
                           mn_sim_event_kind *kind)
{
    if (!s) return MN_ERR_INVALID;
    size_t pos;
    mn_status st = mn__event_ring_find(s->ctx, MN__MPI_EVENT_KEEP, s->n_events, s->ev_first, i,
                                       &pos);
    if (st != MN_OK) return st;
    const mn__mpi_event *ev = &s->evlog[pos];
    if (t) *t = ev->t;
    if (edge) *edge = ev->edge;
    if (kind) *kind = (mn_sim_event_kind)ev->kind;
    return MN_OK;
}

mn_status mn_mpi_sim_record_events_csv(mn_mpi_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    int rank = 0;
    MPI_Comm_rank(s->k->comm, &rank);
    mn_status st = mn__event_csv_close(s->ctx, &s->ev_csv);
    if (st == MN_OK && path && rank == 0) st = mn__event_csv_open(s->ctx, &s->ev_csv, path);
    return mn__mpi_agree(s->ctx, s->k->comm, st);
}
