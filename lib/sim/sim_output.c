/*
 * Recording: sample and snapshot times, the CSV of samples, edge snapshots, the output
 * callbacks and their setters. docs/simulation.md.
 */
#include "sim/sim-impl.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* ================================================================ recording */

static double next_sample_time(const mn_sim *s)
{
    if (s->samp_mode == 2) return s->samp_t0 + (double)s->samp_k * s->samp_dt;
    if (s->samp_mode == 1 && s->samp_k < s->samp_n) return s->samp_t[s->samp_k];
    return INFINITY;
}

double mn__sim_next_output_time(const mn_sim *s)
{
    double a = next_sample_time(s);
    double b = s->snap_i < s->snap_n ? s->snap_t[s->snap_i] : INFINITY;
    return a < b ? a : b;
}

static void csv_header(mn_sim *s)
{
    FILE *f = s->csv; /* names only: no number formatting */
    fprintf(f, "t");
    for (size_t k = 0; k < s->n_el; k++) fprintf(f, ",V%zu,I%zu", k, k);
    if (s->isrc_wf) fprintf(f, ",J,Vsrc");
    if (s->n_el == 2) fprintf(f, ",G");
    const mn_model_ops *ops = mn_network_model_count(s->net) ? mn_network_model_ops(s->net, 0) : NULL;
    size_t nst = ops ? ops->n_states : 0;
    for (size_t j = 0; j < nst; j++)
        fprintf(f, ",mean_%s", ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x");
    for (size_t r = 0; r < s->n_rec; r++) {
        mn_index e = s->rec_edges[r];
        size_t k = s->off[e + 1] - s->off[e];
        if (k == 1) fprintf(f, ",x%d", (int)e);
        else
            for (size_t j = 0; j < k; j++) fprintf(f, ",x%d_%zu", (int)e, j);
    }
    if (s->energy) fprintf(f, ",E_src,E_edges");
    fprintf(f, "\n");
}

static void csv_row_text(mn_sim *s);

/* one sample row, in the C locale; a write error (full disk) is an error, not a lost row */
static mn_status csv_row(mn_sim *s)
{
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(s->ctx, MN_ERR_NOMEM, "simulation CSV: cannot create the C locale");
    errno = 0;
    csv_row_text(s);
    mn__c_locale_end(&loc);
    if (ferror(s->csv))
        return mn__error(s->ctx, MN_ERR_IO, "simulation CSV: write failed (%s)",
                         strerror(errno ? errno : EIO));
    return MN_OK;
}

static void csv_row_text(mn_sim *s)
{
    FILE *f = s->csv;
    fprintf(f, "%.17g", s->t);
    for (size_t k = 0; k < s->n_el; k++)
        fprintf(f, ",%.17g,%.17g", mn_sim_applied_voltage(s, k), mn_sim_electrode_current(s, k));
    if (s->isrc_wf)
        fprintf(f, ",%.17g,%.17g", s->isrc_amps,
                mn__sim_mean_phi(s, s->isrc_from, s->isrc_nfrom) - mn__sim_mean_phi(s, s->isrc_to, s->isrc_nto));
    if (s->n_el == 2) fprintf(f, ",%.17g", mn_sim_effective_conductance(s));
    const mn_model_ops *ops = mn_network_model_count(s->net) ? mn_network_model_ops(s->net, 0) : NULL;
    size_t nst = ops ? ops->n_states : 0;
    for (size_t j = 0; j < nst; j++) fprintf(f, ",%.17g", mn_sim_mean_state(s, j));
    for (size_t r = 0; r < s->n_rec; r++) {
        mn_index e = s->rec_edges[r];
        for (size_t i = s->off[e]; i < s->off[e + 1]; i++) fprintf(f, ",%.17g", s->x[i]);
    }
    if (s->energy) fprintf(f, ",%.17g,%.17g", s->x[s->ns], s->x[s->ns + 1]);
    fputc('\n', f);
}

/* close a file memnet wrote: a write error anywhere (sticky) or at the final flush is reported */
static mn_status close_checked(mn_context *ctx, FILE *f, const char *what, const char *path)
{
    int bad = ferror(f), err = bad ? EIO : 0;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) return mn__error(ctx, MN_ERR_IO, "%s \"%s\": write failed (%s)", what, path, strerror(err));
    return MN_OK;
}

static mn_status write_snapshot_files(mn_sim *s, size_t k);

static mn_status write_snapshot(mn_sim *s, size_t k)
{
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(s->ctx, MN_ERR_NOMEM, "snapshot: cannot create the C locale");
    mn_status st = write_snapshot_files(s, k);
    mn__c_locale_end(&loc);
    return st;
}

static mn_status write_snapshot_files(mn_sim *s, size_t k)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%zu-edges.csv", s->snap_prefix, k);
    FILE *f = fopen(path, "w");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(f, "# t=%.17g\nedge,u,v", s->t);
    size_t maxk = 0;
    for (size_t e = 0; e < s->m; e++)
        if (s->off[e + 1] - s->off[e] > maxk) maxk = s->off[e + 1] - s->off[e];
    for (size_t j = 0; j < maxk; j++) fprintf(f, ",x%zu", j);
    fprintf(f, ",G,V,I\n");
    const mn_index *u = mn_graph_edge_u(s->g), *v = mn_graph_edge_v(s->g);
    for (size_t e = 0; e < s->m; e++) {
        fprintf(f, "%zu,%d,%d", e, (int)u[e], (int)v[e]);
        for (size_t j = 0; j < maxk; j++) {
            if (s->off[e] + j < s->off[e + 1]) fprintf(f, ",%.17g", s->x[s->off[e] + j]);
            else fprintf(f, ",");
        }
        fprintf(f, ",%.17g,%.17g,%.17g\n", s->G[e], s->V[e], s->I[e]);
    }
    mn_status st = close_checked(s->ctx, f, "snapshot", path);
    if (st) return st;
    snprintf(path, sizeof path, "%s%zu-nodes.csv", s->snap_prefix, k);
    f = fopen(path, "w");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "snapshot \"%s\": cannot open (%s)", path, strerror(errno));
    fprintf(f, "# t=%.17g\nnode,phi\n", s->t);
    const double *phi = mn_kirchhoff_potentials(s->kir);
    for (size_t i = 0; i < s->nn; i++) fprintf(f, "%zu,%.17g\n", i, phi[i]);
    return close_checked(s->ctx, f, "snapshot", path);
}

/* Kirchhoff at an output time (s->t, s->x): a state between the integrator's steps, close to
 * that of its last right-hand side. The solve there is an output solve
 * (mn__kirchhoff_set_output_solves): PCG preconditioned by the present factor (the last
 * right-hand side's, or the one AUTO reuses), warm-started from the last solution, to the
 * right-hand sides' tolerance (relative residual 1e-5 rtol, or the CG tolerance if looser:
 * mn__kirchhoff_set_step_tolerance), instead of a refactorisation: a
 * few triangular solves against one numeric factorisation (at 1e5 junctions about 10 ms
 * against 35 ms, at 1e7 junctions about 1-2 s against 8 s). Under the default AUTO strategy the
 * output solve leaves the refactorisation rule and the integrator's warm start as they were,
 * so the integrator's solves do not depend on when outputs are taken; its iterations are
 * bounded by one refactorisation's worth (lib/kirchhoff/costmodel.c). Under REFACTOR the
 * strategy is switched to PCG for the output (bound 200 iterations); the integrator's next
 * right-hand side refactorises as before. A solver without a usable factor (first solve,
 * floating nodes changed, the cancellation-free mode) refactorises, and PCG that reaches its
 * bound falls back to a refactorisation. Other strategies are left as they are. */
static mn_status output_eval(mn_sim *s, int left)
{
    if (mn__sim_cache_matches(s, s->t, s->x, left)) return MN_OK;
    mn_kirchhoff_strategy ks = mn__kirchhoff_strategy(s->kir);
    int pcg = ks == MN_KIRCHHOFF_REFACTOR && s->sample_pcg;
    if (pcg) mn_kirchhoff_set_strategy(s->kir, MN_KIRCHHOFF_PCG);
    mn__kirchhoff_set_output_solves(s->kir, 1);
    mn_status st = mn__sim_eval(s, s->t, s->x, left, NULL);
    mn__kirchhoff_set_output_solves(s->kir, 0);
    if (pcg) mn_kirchhoff_set_strategy(s->kir, ks);
    s->st_output_solves++;
    return st;
}

static mn_status emit_outputs(mn_sim *s, int left);

mn_status mn__sim_emit_outputs(mn_sim *s, int left)
{
    uint64_t t0 = mn__sim_ns();
    mn_status st = emit_outputs(s, left);
    s->ns_output += mn__sim_ns() - t0;
    return st;
}

static mn_status emit_outputs(mn_sim *s, int left)
{
    mn_status st;
    int evaluated = 0;
    while (1) {
        double ts = next_sample_time(s);
        double tn = s->snap_i < s->snap_n ? s->snap_t[s->snap_i] : INFINITY;
        int is_s = ts <= s->t, is_n = tn <= s->t;
        if (!is_s && !is_n) break;
        if (!evaluated) {
            if ((st = output_eval(s, left))) return st;
            evaluated = 1;
        }
        if (is_s) {
            s->samp_k++;
            if (s->csv && (st = csv_row(s))) return st;
            if (s->obs.sample && (st = s->obs.sample(s, s->obs.user))) return st;
            if (s->samp_fn && s->samp_fn(s, s->samp_user))
                return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the sample callback at t = %g", s->t);
        }
        if (is_n) {
            size_t k = s->snap_i++;
            if (s->snap_prefix && (st = write_snapshot(s, k))) return st;
            if (s->obs.snapshot && (st = s->obs.snapshot(s, k, s->obs.user))) return st;
            if (s->snap_fn && s->snap_fn(s, s->snap_user))
                return mn__error(s->ctx, MN_ERR_CANCELLED, "simulation stopped by the snapshot callback at t = %g", s->t);
        }
    }
    return MN_OK;
}

/* ================================================================ recording setters */

mn_status mn_sim_set_sample_interval(mn_sim *s, double t_first, double dt)
{
    if (!s) return MN_ERR_INVALID;
    uint64_t kk;
    mn_status st = mn__sample_grid_start(s->ctx, s->t, t_first, dt, &kk);
    if (st) return st;
    s->samp_mode = 2;
    s->samp_t0 = t_first;
    s->samp_dt = dt;
    s->samp_k = kk;
    return MN_OK;
}

mn_status mn_sim_set_sample_times(mn_sim *s, const double *t, size_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !t) return mn__error(s->ctx, MN_ERR_INVALID, "sample times: NULL array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || (i && t[i] <= t[i - 1]))
            return mn__error(s->ctx, MN_ERR_RANGE, "sample time %zu = %g must be finite and increasing", i, t[i]);
    double *c = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "sample times");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, t, n * sizeof *c);
    }
    mn__free(s->ctx, s->samp_t);
    s->samp_t = c;
    s->samp_n = n;
    s->samp_mode = n ? 1 : 0;
    for (s->samp_k = 0; s->samp_k < n && c[s->samp_k] < s->t; s->samp_k++) {}
    return MN_OK;
}

mn_status mn_sim_record_edges(mn_sim *s, const mn_index *edges, size_t n)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !edges) return mn__error(s->ctx, MN_ERR_INVALID, "recorded edges: NULL array");
    for (size_t i = 0; i < n; i++)
        if (edges[i] < 0 || (size_t)edges[i] >= s->m)
            return mn__error(s->ctx, MN_ERR_RANGE, "recorded edge %d is not in the network (%zu edges)",
                             (int)edges[i], s->m);
    mn_index *c = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "recorded edges");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, edges, n * sizeof *c);
    }
    mn__free(s->ctx, s->rec_edges);
    s->rec_edges = c;
    s->n_rec = n;
    return MN_OK;
}

mn_status mn_sim_set_sample_callback(mn_sim *s, mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->samp_fn = fn;
    s->samp_user = user;
    return MN_OK;
}

mn_status mn_sim_record_csv(mn_sim *s, const char *path, const char *header)
{
    if (!s) return MN_ERR_INVALID;
    if (s->csv) {
        FILE *f = s->csv;
        s->csv = NULL;
        mn_status st = close_checked(s->ctx, f, "simulation CSV", "(previous file)");
        if (st) return st;
    }
    if (!path) return MN_OK;
    s->csv = fopen(path, "w");
    if (!s->csv) return mn__error(s->ctx, MN_ERR_IO, "simulation CSV \"%s\": cannot open (%s)", path, strerror(errno));
    if (header) {
        const char *p = header;
        while (*p) {
            size_t l = strcspn(p, "\n");
            fprintf(s->csv, "# %.*s\n", (int)l, p);
            p += l;
            if (*p) p++;
        }
    }
    csv_header(s);
    if (ferror(s->csv))
        return mn__error(s->ctx, MN_ERR_IO, "simulation CSV \"%s\": write failed (%s)", path,
                         strerror(errno ? errno : EIO));
    return MN_OK;
}

mn_status mn_sim_set_snapshots(mn_sim *s, const double *t, size_t n, const char *prefix,
                               mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    if (n && !t) return mn__error(s->ctx, MN_ERR_INVALID, "snapshot times: NULL array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || (i && t[i] <= t[i - 1]))
            return mn__error(s->ctx, MN_ERR_RANGE, "snapshot time %zu = %g must be finite and increasing", i, t[i]);
    double *c = NULL;
    char *p = NULL;
    if (n) {
        c = mn__malloc_or_err(s->ctx, n, sizeof *c, "snapshot times");
        if (!c) return MN_ERR_NOMEM;
        memcpy(c, t, n * sizeof *c);
    }
    if (prefix && !(p = mn__strdup(s->ctx, prefix))) {
        mn__free(s->ctx, c);
        return mn__error(s->ctx, MN_ERR_NOMEM, "snapshot prefix: out of memory");
    }
    mn__free(s->ctx, s->snap_t);
    mn__free(s->ctx, s->snap_prefix);
    s->snap_t = c;
    s->snap_n = n;
    s->snap_prefix = p;
    s->snap_fn = fn;
    s->snap_user = user;
    for (s->snap_i = 0; s->snap_i < n && c[s->snap_i] < s->t; s->snap_i++) {}
    return MN_OK;
}

mn_status mn_sim_set_step_callback(mn_sim *s, mn_sim_sample_fn fn, void *user)
{
    if (!s) return MN_ERR_INVALID;
    s->step_fn = fn;
    s->step_user = user;
    return MN_OK;
}

mn_status mn_sim_set_progress_callback(mn_sim *s, mn_sim_progress_fn fn, int64_t every, void *user)
{
    if (!s) return MN_ERR_INVALID;
    if (every < 1)
        return mn__error(s->ctx, MN_ERR_RANGE, "progress interval %lld must be >= 1", (long long)every);
    s->prog_fn = fn;
    s->prog_every = every;
    s->prog_user = user;
    return MN_OK;
}
