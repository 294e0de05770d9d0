/*
 * libmemnet-mpi: recording of the distributed simulation. At every sample time the network is
 * solved there; rank 0 writes the serial CSV's columns (lib/sim/sim_output.c): t, V<k>, I<k>
 * (electrode currents reduced over the ranks), G = I0 / (V0 - V1) with two electrodes, the
 * mean of each state over all junctions (reduced), and the states of recorded edges (global
 * ids, gathered to rank 0 by a sum in which only the owning rank contributes).
 */
#include "sim-impl.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

void mn__mpi_sim_record_free(mn_mpi_sim *s)
{
    mn__free(s->ctx, s->rec);
    mn__free(s->ctx, s->rec_buf);
    mn__free(s->ctx, s->rec_all);
    if (s->csv) fclose(s->csv);
}

double mn__mpi_sim_next_sample(const mn_mpi_sim *s)
{
    return s->samp_on ? s->samp_t0 + (double)s->samp_k * s->samp_dt : INFINITY;
}

/* the next sample is within a few roundings after the present time: CVODE cannot step to a
 * time that close (k dt may land one rounding after a checkpoint's or an end time), so it is
 * taken now */
int mn__mpi_sim_sample_close(const mn_mpi_sim *s)
{
    double ts = mn__mpi_sim_next_sample(s);
    return ts > s->t && ts <= s->t + 8 * DBL_EPSILON * fabs(s->t);
}

mn_status mn_mpi_sim_set_sample_interval(mn_mpi_sim *s, double t_first, double dt)
{
    if (!s) return MN_ERR_INVALID;
    uint64_t kk;
    mn_status st = mn__sample_grid_start(s->ctx, s->t, t_first, dt, &kk);
    if (st != MN_OK) return st;
    s->samp_on = 1;
    s->samp_t0 = t_first;
    s->samp_dt = dt;
    s->samp_k = kk;
    return MN_OK;
}

mn_status mn_mpi_sim_record_edges(mn_mpi_sim *s, const int64_t *edges, size_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !edges) return mn__error(s->ctx, MN_ERR_INVALID, "recorded edges: NULL array");
    int64_t M = s->k->g->m_global;
    for (size_t i = 0; i < n; i++)
        if (edges[i] < 0 || edges[i] >= M)
            return mn__error(s->ctx, MN_ERR_RANGE,
                             "recorded edge %lld is not in the network (%lld edges)",
                             (long long)edges[i], (long long)M);
    int64_t *c = NULL;
    double *b = NULL, *a = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "recorded edges");
        b = mn__malloc_or_err(s->ctx, n * s->nst + 1, sizeof *b, "recorded edges");
        a = mn__malloc_or_err(s->ctx, n * s->nst + 1, sizeof *a, "recorded edges");
        if (!c || !b || !a) {
            mn__free(s->ctx, c);
            mn__free(s->ctx, b);
            mn__free(s->ctx, a);
            return MN_ERR_NOMEM;
        }
        memcpy(c, edges, n * sizeof *c);
    }
    mn__free(s->ctx, s->rec);
    mn__free(s->ctx, s->rec_buf);
    mn__free(s->ctx, s->rec_all);
    s->rec = c;
    s->rec_buf = b;
    s->rec_all = a;
    s->n_rec = n;
    return MN_OK;
}

mn_status mn_mpi_sim_set_sample_callback(mn_mpi_sim *s, mn_mpi_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->samp_fn = fn;
    s->samp_user = user;
    return MN_OK;
}

static int is_root(const mn_mpi_sim *s)
{
    int r = 0;
    MPI_Comm_rank(s->k->comm, &r);
    return r == 0;
}

static void csv_header(mn_mpi_sim *s)
{
    FILE *f = s->csv;
    fprintf(f, "t");
    for (size_t k = 0; k < s->k->n_el; k++) fprintf(f, ",V%zu,I%zu", k, k);
    if (s->k->n_el == 2) fprintf(f, ",G");
    const mn_model_ops *ops = mn_network_model_ops(s->net, 0);
    for (size_t j = 0; j < s->nst; j++)
        fprintf(f, ",mean_%s", ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x");
    for (size_t r = 0; r < s->n_rec; r++) {
        if (s->nst == 1) fprintf(f, ",x%lld", (long long)s->rec[r]);
        else
            for (size_t j = 0; j < s->nst; j++) fprintf(f, ",x%lld_%zu", (long long)s->rec[r], j);
    }
    fprintf(f, "\n");
}

mn_status mn_mpi_sim_record_csv(mn_mpi_sim *s, const char *path, const char *header)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    if (s->csv) {
        FILE *f = s->csv;
        int bad = ferror(f), err = bad ? EIO : 0;
        s->csv = NULL;
        if (fclose(f) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
        if (bad) st = mn__error(s->ctx, MN_ERR_IO, "simulation CSV: write failed (%s)", strerror(err));
    }
    if (st == MN_OK && path && is_root(s)) {
        s->csv = fopen(path, "w");
        if (!s->csv) {
            st = mn__error(s->ctx, MN_ERR_IO, "simulation CSV \"%s\": cannot open (%s)", path,
                           strerror(errno));
        } else {
            errno = 0;
            for (const char *p = header; p && *p;) {
                size_t l = strcspn(p, "\n");
                fprintf(s->csv, "# %.*s\n", (int)l, p);
                p += l;
                if (*p) p++;
            }
            csv_header(s);
            if (ferror(s->csv))
                st = mn__error(s->ctx, MN_ERR_IO, "simulation CSV \"%s\": write failed (%s)", path,
                               strerror(errno ? errno : EIO));
        }
    }
    st = mn__mpi_agree(s->ctx, s->k->comm, st);
    /* every rank knows whether rows are written (the reductions are collective) */
    int on = s->csv != NULL, any = 0;
    MPI_Allreduce(&on, &any, 1, MPI_INT, MPI_MAX, s->k->comm);
    s->csv_on = any && path;
    return st;
}

/* one CSV row: reductions on every rank, the writing on rank 0 */
static mn_status csv_row(mn_mpi_sim *s, const double *x)
{
    MPI_Comm comm = s->k->comm;
    size_t nst = s->nst;
    double loc[2 * 16 + 1] = {0}, all[2 * 16 + 1];
    size_t nm = nst < 16 ? nst : 16;
    for (size_t e = 0; e < s->m; e++)
        for (size_t j = 0; j < nm; j++) loc[j] += x[s->off[e] + j];
    loc[nm] = (double)s->m;
    MPI_Reduce(loc, all, (int)nm + 1, MPI_DOUBLE, MPI_SUM, 0, comm);
    if (s->n_rec) {
        memset(s->rec_buf, 0, s->n_rec * nst * sizeof *s->rec_buf);
        for (size_t r = 0; r < s->n_rec; r++) {
            int64_t e = s->rec[r] - s->eoff;
            if (e >= 0 && e < (int64_t)s->m)
                for (size_t j = 0; j < nst; j++) s->rec_buf[r * nst + j] = x[s->off[e] + j];
        }
        MPI_Reduce(s->rec_buf, s->rec_all, (int)(s->n_rec * nst), MPI_DOUBLE, MPI_SUM, 0, comm);
    }
    mn_status st = MN_OK;
    if (s->csv) {
        FILE *f = s->csv;
        mn__c_locale lc;
        if (mn__c_locale_begin(&lc))
            return mn__mpi_agree(s->ctx, comm, mn__error(s->ctx, MN_ERR_NOMEM,
                                                          "simulation CSV: no C locale"));
        errno = 0;
        size_t E = s->k->n_el;
        fprintf(f, "%.17g", s->t);
        for (size_t k = 0; k < E; k++)
            fprintf(f, ",%.17g,%.17g", s->el_phi[k], s->k->el_cur[k]);
        if (E == 2) {
            double dv = s->el_phi[0] - s->el_phi[1];
            fprintf(f, ",%.17g", dv != 0 ? s->k->el_cur[0] / dv : NAN);
        }
        for (size_t j = 0; j < nst; j++)
            fprintf(f, ",%.17g", j < nm && all[nm] > 0 ? all[j] / all[nm] : NAN);
        for (size_t r = 0; r < s->n_rec * nst; r++) fprintf(f, ",%.17g", s->rec_all[r]);
        fputc('\n', f);
        mn__c_locale_end(&lc);
        if (ferror(f))
            st = mn__error(s->ctx, MN_ERR_IO, "simulation CSV: write failed (%s)",
                           strerror(errno ? errno : EIO));
    }
    return mn__mpi_agree(s->ctx, comm, st);
}

mn_status mn__mpi_sim_emit_samples(mn_mpi_sim *s, const double *x, int left, int close)
{
    mn_status st;
    while (mn__mpi_sim_next_sample(s) <= s->t || (close && mn__mpi_sim_sample_close(s))) {
        if ((st = mn__mpi_sim_evaluate(s, s->t, x, left, NULL)) != MN_OK) return st;
        s->samp_k++;
        if (s->csv_on && (st = csv_row(s, x)) != MN_OK) return st;
        if (s->samp_fn) {
            int r = s->samp_fn(s, s->samp_user), any = 0;
            MPI_Allreduce(&r, &any, 1, MPI_INT, MPI_MAX, s->k->comm);
            if (any)
                return mn__error(s->ctx, MN_ERR_CANCELLED,
                                 "simulation stopped by the sample callback at t = %g", s->t);
        }
    }
    return MN_OK;
}
