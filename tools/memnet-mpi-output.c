/* memnet-mpi simulate: --out (the columns of memnet simulate: t,V,I,G,mean_<state>, then the
 * recorded edges x<e>), written by rank 0 from the sample callback, which runs on every rank
 * and reduces the means and gathers the recorded states there; --events-out from the
 * simulation's event log (the same on every rank), written by rank 0 (memnet-mpi.h). */
#include "memnet-mpi.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *state_name(const mn_model_ops *ops, size_t j)
{
    return ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x";
}

/* one row: collective (the reductions), written on rank 0 */
static int sample_cb(const mn_mpi_sim *s, void *user)
{
    mpi_cmd *c = user;
    MPI_Comm comm = MPI_COMM_WORLD;
    const double *x = mn_mpi_sim_states(s);
    size_t m = mn_mpi_graph_edge_count(c->g), nst = c->nst;
    int64_t e0 = mn_mpi_graph_edge_offset(c->g);
    /* sums of each state over this rank's junctions, then the junction count */
    double loc[65] = {0}, all[65] = {0};
    size_t nm = nst < 64 ? nst : 64;
    for (size_t e = 0; e < m; e++)
        for (size_t j = 0; j < nm; j++) loc[j] += x[e * nst + j];
    loc[nm] = (double)m;
    MPI_Reduce(loc, all, (int)nm + 1, MPI_DOUBLE, MPI_SUM, 0, comm);
    if (c->nrec) {
        /* only the owner of a recorded edge contributes to its sum */
        memset(c->rec_loc, 0, c->nrec * nst * sizeof *c->rec_loc);
        for (size_t r = 0; r < c->nrec; r++) {
            int64_t e = c->rec[r] - e0;
            if (e >= 0 && e < (int64_t)m)
                for (size_t j = 0; j < nst; j++) c->rec_loc[r * nst + j] = x[(size_t)e * nst + j];
        }
        MPI_Reduce(c->rec_loc, c->rec_all, (int)(c->nrec * nst), MPI_DOUBLE, MPI_SUM, 0, comm);
    }
    /* the electrode current is reduced over the ranks already */
    double V = mn_mpi_sim_applied_voltage(s, 0), I = mn_mpi_sim_electrode_current(s, 0);
    int stop = mpi_interrupt_signal() != 0;
    if (c->rank == 0 && !c->write_error) {
        FILE *f = c->out;
        fprintf(f, "%.17g,%.17g,%.17g,%.17g", mn_mpi_sim_time(s), V, I, V != 0 ? I / V : NAN);
        for (size_t j = 0; j < nst; j++)
            fprintf(f, ",%.17g", j < nm && all[nm] > 0 ? all[j] / all[nm] : NAN);
        for (size_t r = 0; r < c->nrec * nst; r++) fprintf(f, ",%.17g", c->rec_all[r]);
        if (fputc('\n', f) == EOF || ferror(f)) c->write_error = 1;
        if (mpi_events_write(c)) c->write_error = 1;
    }
    /* a failed write stops the run on every rank (the callback's results are reduced) */
    return stop || c->write_error;
}

static const char *kind_name(mn_sim_event_kind kind)
{
    return kind == MN_SIM_EVENT_FORM ? "form" : kind == MN_SIM_EVENT_BREAK ? "break" : "other";
}

int mpi_events_write(mpi_cmd *c)
{
    size_t n = mn_mpi_sim_event_count(c->s);
    if (!c->ev) {
        c->ev_written = n;
        return 0;
    }
    for (; c->ev_written < n; c->ev_written++) {
        double t;
        int64_t e;
        mn_sim_event_kind kind;
        /* the log keeps the last 10^6 events: more between two samples are lost */
        if (mn_mpi_sim_event(c->s, c->ev_written, &t, &e, &kind) != MN_OK) {
            cli_error(CMD, "--events-out: %s", mn_context_last_error(c->ctx));
            return 1;
        }
        if (fprintf(c->ev, "%.17g,%lld,%s\n", t, (long long)e, kind_name(kind)) < 0 || ferror(c->ev))
            return 1;
    }
    return 0;
}

/* the provenance: key=value lines, "# " comments of the CSV */
static char *provenance(mpi_cmd *c, const mpi_opts *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *hf = open_memstream(&text, &len);
    if (!hf) return NULL;
    const mn_model_ops *ops = mn_model_ops_of(c->model);
    fprintf(hf, "network=%s\nnodes=%zu\nedges=%zu\nranks=%d\n", o->network,
            mn_graph_node_count(c->full), mn_graph_edge_count(c->full), c->nranks);
    fprintf(hf, "partition=%s\nstrategy=%s\njv=%s\njv_rtol=%g\nmodel=%s\n",
            o->partition ? o->partition : c->nranks > 1 ? "ptscotch" : "block",
            o->strategy ? o->strategy : "auto", o->jv ? o->jv : "difference", o->jv_rtol,
            ops->name);
    for (size_t p = 0; p < ops->n_params; p++) {
        double val;
        mn_model_get(c->model, ops->params[p].name, &val);
        fprintf(hf, "param.%s=%.17g\n", ops->params[p].name, val);
    }
    fprintf(hf, "waveform=%s\nsource_mode=voltage\n", o->spec);
    if (!o->source || !o->drain) fprintf(hf, "source=%s\ndrain=%s\n", c->source, c->drain);
    fprintf(hf, "init=default\nintegrator=bdf\nrtol=%g\natol=%g\n", o->rtol, o->atol);
    if (o->restart_path)
        fprintf(hf, "restart=%s\nrestart_time=%.17g\n", o->restart_path, mn_mpi_sim_time(c->s));
    if (fclose(hf) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static int open_files(mpi_cmd *c, const mpi_opts *o)
{
    const mn_model_ops *ops = mn_model_ops_of(c->model);
    double t_cp = mn_mpi_sim_time(c->s);
    FILE *f = c->out = fopen(o->out_path, o->restart_path ? "r+" : "w");
    if (!f) return cli_error(CMD, "--out: cannot open \"%s\" (%s)", o->out_path, strerror(errno));
    if (o->restart_path) {
        if (cli_restart_cut_samples(CMD, f, o->out_path, t_cp, o->dt_out)) return 1;
    } else {
        char *prov = provenance(c, o);
        if (!prov) return cli_error(CMD, "out of memory");
        cli_write_provenance(f, "%s", prov);
        free(prov);
        fprintf(f, "t,V,I,G");
        for (size_t j = 0; j < c->nst; j++) fprintf(f, ",mean_%s", state_name(ops, j));
        for (size_t r = 0; r < c->nrec; r++)
            for (size_t j = 0; j < c->nst; j++) {
                if (c->nst == 1) fprintf(f, ",x%lld", (long long)c->rec[r]);
                else fprintf(f, ",x%lld_%s", (long long)c->rec[r], state_name(ops, j));
            }
        if (fputc('\n', f) == EOF || ferror(f))
            return cli_error(CMD, "--out: write to \"%s\" failed (%s)", o->out_path, strerror(errno));
    }
    if (o->events_out) {
        FILE *e = c->ev = fopen(o->events_out, o->restart_path ? "r+" : "w");
        if (!e) return cli_error(CMD, "--events-out: cannot open \"%s\" (%s)", o->events_out, strerror(errno));
        if (o->restart_path) {
            if (cli_restart_cut_events(CMD, e, o->events_out, t_cp,
                                       (unsigned long long)mn_mpi_sim_event_count(c->s)))
                return 1;
        } else if (fputs("t,edge,kind\n", e) == EOF) {
            return cli_error(CMD, "--events-out: write to \"%s\" failed (%s)", o->events_out, strerror(errno));
        }
    }
    return 0;
}

int mpi_output_open(mpi_cmd *c, const mpi_opts *o, int argc, char **argv)
{
    (void)argc, (void)argv; /* the command line is in the provenance (cli_set_invocation) */
    int bad = c->rank == 0 ? open_files(c, o) : 0, any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) return 1;
    c->ev_written = mn_mpi_sim_event_count(c->s); /* after a restart: the checkpoint's */
    mn_status st = mn_mpi_sim_set_sample_callback(c->s, sample_cb, c);
    return st ? mpi_fail(c, st) : 0;
}

int mpi_output_flush(mpi_cmd *c)
{
    int bad = 0, any = 0;
    if (c->rank == 0) {
        bad = c->write_error || mpi_events_write(c) || fflush(c->out) != 0 || ferror(c->out) ||
              (c->ev && (fflush(c->ev) != 0 || ferror(c->ev)));
        if (bad) c->write_error = 1;
    }
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

static int close_one(FILE **fp, int bad, const char *opt, const char *path)
{
    FILE *f = *fp;
    if (!f) return 0;
    *fp = NULL;
    bad = bad || ferror(f);
    int err = bad ? EIO : 0;
    if (fclose(f) != 0 && !bad) bad = 1, err = errno;
    return bad ? cli_error(CMD, "%s: write to \"%s\" failed (%s)", opt, path, strerror(err)) : 0;
}

int mpi_output_close(mpi_cmd *c, const mpi_opts *o)
{
    int bad = 0, any = 0;
    if (c->rank == 0) {
        int evbad = c->ev && mpi_events_write(c);
        bad = close_one(&c->out, c->write_error && !c->ev, "--out", o->out_path);
        bad |= close_one(&c->ev, evbad, "--events-out", o->events_out);
        if (c->write_error && !bad) bad = cli_error(CMD, "a write to --out or --events-out failed");
    }
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}
