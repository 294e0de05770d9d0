/*
 * The HDF5 recorder (include/memnet/h5.h): the public calls, the layout of the per-sample
 * datasets, the provenance attributes, and the observer that the simulation calls at every
 * sample, event and snapshot. docs/file-formats.md ("HDF5 recording").
 */
#include "h5/h5-private.h"
#include "sim/sim-private.h"
#include <memnet/version.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FORMAT_NAME "memnet-h5 1"
#define SERIES_MAX 16
#define BUFFER_BYTES (32u << 20) /* rows buffered between flushes, at most */

typedef struct series {
    char name[64];
    char path[80];
    char *columns;
    size_t ncols;
    mn_h5_series_fn fn;
    void *user;
    mn__h5_table t;
} series;

/* the per-sample datasets, in the order they are created */
enum { T_TIME, T_EL_V, T_EL_I, T_GEFF, T_SRC_J, T_SRC_V, T_MEAN, T_STATE, T_CUR, T_VOLT, T_COND,
       T_POT, T_ENERGY, T_COUNT };
static const char *const table_path[T_COUNT] = {
    "/time", "/electrodes/V", "/electrodes/I", "/G_eff", "/source/J", "/source/V", "/mean_state",
    "/edges/state", "/edges/current", "/edges/voltage", "/edges/conductance", "/nodes/potential",
    "/energy" };

struct mn_h5_recorder {
    mn_context *ctx;
    mn_sim *sim;          /* NULL once the simulation is freed */
    char *path;
    hid_t file;
    uint32_t what;
    int append;
    int started;          /* datasets created or opened */
    mn_status failed;     /* a write failed: later outputs return it */
    int64_t flush_every;
    size_t cap;           /* rows per buffer = per flush */
    mn_index *edges;      /* recorded edges (NULL: all) */
    size_t n_edges;
    size_t *sidx;         /* state indices of the recorded edges */
    size_t n_sidx;
    mn__h5_table tab[T_COUNT];
    int on[T_COUNT];
    size_t width[T_COUNT];
    series ser[SERIES_MAX];
    size_t nser;
    mn__h5_events ev;
    mn__h5_snapshots sn;
    /* /mean_state: column base of each model, edge count of each model, sums */
    size_t nmodels, mean_cols;
    size_t *mean_base, *mean_cnt;
    double *mean_sum;
    int64_t keep_rows;    /* append: rows of the file kept (time <= the simulation's time) */
    double keep_last;     /* their last time */
    double t_open;        /* the simulation's time when the recorder was opened */
    int64_t samples;
    double last_t;
};

int mn_h5_available(void) { return mn__h5_load(NULL) == MN_OK; }

/* ================================================================ layout */

static mn_network *rec_net(const mn_h5_recorder *r) { return mn__sim_network(r->sim); }

static mn_status plan(mn_h5_recorder *r)
{
    mn_network *net = rec_net(r);
    const mn_graph *g = mn_network_graph(net);
    size_t m = mn_graph_edge_count(g), n = mn_graph_node_count(g);
    const size_t *off = mn_network_state_offsets(net);
    size_t nel = mn_sim_electrode_count(r->sim);
    double amps, volts;
    int isrc = mn__sim_current_source_values(r->sim, &amps, &volts);
    uint32_t w = r->what;
    if (!r->edges) {
        r->n_edges = m;
        r->edges = mn__malloc_or_err(r->ctx, m ? m : 1, sizeof *r->edges, "HDF5 recorded edges");
        if (!r->edges) return MN_ERR_NOMEM;
        for (size_t e = 0; e < m; e++) r->edges[e] = (mn_index)e;
    }
    r->n_sidx = 0;
    for (size_t k = 0; k < r->n_edges; k++) r->n_sidx += off[r->edges[k] + 1] - off[r->edges[k]];
    r->sidx = mn__malloc_or_err(r->ctx, r->n_sidx ? r->n_sidx : 1, sizeof *r->sidx, "HDF5 state columns");
    if (!r->sidx) return MN_ERR_NOMEM;
    size_t c = 0;
    for (size_t k = 0; k < r->n_edges; k++)
        for (size_t i = off[r->edges[k]]; i < off[r->edges[k] + 1]; i++) r->sidx[c++] = i;
    /* mean of each state over the edges of its model, models in network order */
    r->nmodels = mn_network_model_count(net);
    r->mean_base = mn__calloc_or_err(r->ctx, 2 * r->nmodels + 1, sizeof *r->mean_base, "HDF5 means");
    if (!r->mean_base) return MN_ERR_NOMEM;
    r->mean_cnt = r->mean_base + r->nmodels;
    r->mean_cols = 0;
    for (size_t j = 0; j < r->nmodels; j++) {
        r->mean_base[j] = r->mean_cols;
        r->mean_cols += mn_network_model_ops(net, j)->n_states;
    }
    const mn_index *em = mn_network_edge_models(net);
    for (size_t e = 0; e < m; e++) r->mean_cnt[em[e]]++;
    r->mean_sum = mn__calloc_or_err(r->ctx, r->mean_cols + 1, sizeof *r->mean_sum, "HDF5 means");
    if (!r->mean_sum) return MN_ERR_NOMEM;

    r->on[T_TIME] = 1;
    r->on[T_EL_V] = r->on[T_EL_I] = (w & MN_H5_ELECTRODES) && nel > 0;
    r->width[T_EL_V] = r->width[T_EL_I] = nel;
    r->on[T_GEFF] = (w & MN_H5_ELECTRODES) && nel == 2;
    r->on[T_SRC_J] = r->on[T_SRC_V] = (w & MN_H5_ELECTRODES) && isrc;
    r->on[T_MEAN] = (w & MN_H5_MEANS) && r->mean_cols > 0;
    r->width[T_MEAN] = r->mean_cols;
    r->on[T_STATE] = (w & MN_H5_STATES) != 0;
    r->width[T_STATE] = r->n_sidx;
    r->on[T_CUR] = (w & MN_H5_CURRENTS) != 0;
    r->on[T_VOLT] = (w & MN_H5_VOLTAGES) != 0;
    r->on[T_COND] = (w & MN_H5_CONDUCTANCES) != 0;
    r->width[T_CUR] = r->width[T_VOLT] = r->width[T_COND] = r->n_edges;
    r->on[T_POT] = (w & MN_H5_POTENTIALS) != 0;
    r->width[T_POT] = n;
    r->on[T_ENERGY] = (w & MN_H5_ENERGY) && mn__sim_energy_tracking(r->sim);
    r->width[T_ENERGY] = 2;
    /* rows per flush: the requested interval, fewer if the buffers would pass BUFFER_BYTES */
    size_t row = 0;
    for (int k = 0; k < T_COUNT; k++)
        if (r->on[k]) row += (r->width[k] ? r->width[k] : 1) * sizeof(double);
    for (size_t k = 0; k < r->nser; k++) row += r->ser[k].ncols * sizeof(double);
    size_t cap = (size_t)r->flush_every, lim = BUFFER_BYTES / (row ? row : 1);
    if (lim < 1) lim = 1;
    r->cap = cap < lim ? cap : lim;
    return MN_OK;
}

static const char *integrator_name(mn_sim_integrator i)
{
    return i == MN_SIM_BDF ? "bdf" : i == MN_SIM_ADAMS ? "adams" : i == MN_SIM_EULER ? "euler"
         : i == MN_SIM_EXACT ? "exact" : "unknown";
}

/* comma-separated "model.state" names of /mean_state's columns, or model names (states = 0) */
static char *join_names(mn_h5_recorder *r, int states)
{
    mn_network *net = rec_net(r);
    size_t len = 1;
    for (size_t j = 0; j < r->nmodels; j++) {
        const mn_model_ops *o = mn_network_model_ops(net, j);
        size_t ns = states ? o->n_states : 1;
        for (size_t q = 0; q < ns; q++)
            len += strlen(o->name) + 2 + (states && o->state_names && o->state_names[q] ? strlen(o->state_names[q]) : 1);
    }
    char *s = mn__malloc_or_err(r->ctx, len, 1, "HDF5 names");
    if (!s) return NULL;
    size_t p = 0;
    s[0] = 0;
    for (size_t j = 0; j < r->nmodels; j++) {
        const mn_model_ops *o = mn_network_model_ops(net, j);
        if (!states) {
            p += (size_t)snprintf(s + p, len - p, "%s%s", p ? "," : "", o->name);
            continue;
        }
        for (size_t q = 0; q < o->n_states; q++)
            p += (size_t)snprintf(s + p, len - p, "%s%s.%s", p ? "," : "", o->name,
                                  o->state_names && o->state_names[q] ? o->state_names[q] : "x");
    }
    return s;
}

/* the Newton iteration of bdf/adams, as --newton and the CSV header's newton= spell it: at
 * creation, and again on append (a resumed run takes the checkpoint's, or the one its user set) */
static mn_status write_newton(mn_h5_recorder *r)
{
    return mn__h5_attr_string(r->ctx, r->file, "newton", mn__sim_newton_name(mn__sim_newton(r->sim)));
}

/* the provenance the library knows (docs/file-formats.md lists every attribute) */
static mn_status write_provenance(mn_h5_recorder *r)
{
    mn_status st;
    mn_network *net = rec_net(r);
    const mn_graph *g = mn_network_graph(net);
    hid_t root = r->file;
    mn_sim_integrator integ;
    double rtol, atol, dt, hmax;
    mn__sim_solver_settings(r->sim, &integ, &rtol, &atol, &dt, &hmax);
    if ((st = mn__h5_attr_int(r->ctx, root, "nodes", (int64_t)mn_graph_node_count(g))) ||
        (st = mn__h5_attr_int(r->ctx, root, "edges", (int64_t)mn_graph_edge_count(g))) ||
        (st = mn__h5_attr_int(r->ctx, root, "states", (int64_t)mn_network_state_count(net))) ||
        (st = mn__h5_attr_int(r->ctx, root, "electrodes", (int64_t)mn_sim_electrode_count(r->sim))) ||
        (st = mn__h5_attr_string(r->ctx, root, "integrator", integrator_name(integ))) ||
        (st = write_newton(r)) ||
        (st = mn__h5_attr_double(r->ctx, root, "rtol", rtol)) ||
        (st = mn__h5_attr_double(r->ctx, root, "atol", atol)) ||
        (st = mn__h5_attr_double(r->ctx, root, "dt", dt)) ||
        (st = mn__h5_attr_double(r->ctx, root, "max_step", hmax)) ||
        (st = mn__h5_attr_int(r->ctx, root, "flush_interval", (int64_t)r->cap)))
        return st;
    char *names = join_names(r, 0);
    if (!names) return MN_ERR_NOMEM;
    st = mn__h5_attr_string(r->ctx, root, "models", names);
    mn__free(r->ctx, names);
    if (st) return st;
    /* each model's parameters as its first edge has them */
    const mn_index *em = mn_network_edge_models(net);
    size_t m = mn_graph_edge_count(g);
    for (size_t j = 0; j < r->nmodels; j++) {
        size_t e = 0;
        while (e < m && (size_t)em[e] != j) e++;
        if (e == m) continue;
        const mn_model_ops *o = mn_network_model_ops(net, j);
        for (size_t p = 0; p < o->n_params; p++) {
            double v;
            if (mn_network_get_edge_param(net, (mn_index)e, o->params[p].name, &v)) continue;
            char key[160];
            snprintf(key, sizeof key, "param.%s.%s", o->name, o->params[p].name);
            if ((st = mn__h5_attr_double(r->ctx, root, key, v))) return st;
        }
    }
    mn_context_clear_error(r->ctx);
    return MN_OK;
}

static mn_status write_network(mn_h5_recorder *r)
{
    mn_network *net = rec_net(r);
    const mn_graph *g = mn_network_graph(net);
    size_t m = mn_graph_edge_count(g);
    mn_status st;
    const size_t *off = mn_network_state_offsets(net);
    int64_t *o64 = mn__malloc_or_err(r->ctx, m + 1, sizeof *o64, "HDF5 state offsets");
    if (!o64) return MN_ERR_NOMEM;
    for (size_t e = 0; e <= m; e++) o64[e] = (int64_t)off[e];
    if ((st = mn__h5_write_array(r->ctx, r->file, "/network/u", MN__H5_I32, mn_graph_edge_u(g), m)) ||
        (st = mn__h5_write_array(r->ctx, r->file, "/network/v", MN__H5_I32, mn_graph_edge_v(g), m)) ||
        (st = mn__h5_write_array(r->ctx, r->file, "/network/model", MN__H5_I32, mn_network_edge_models(net), m)))
        goto cleanup;
    /* state offsets as doubles would lose nothing below 2^53, but integers say what they are */
    {
        hsize_t dims[1] = { m + 1 };
        hid_t sp = H5Screate_simple(1, dims, NULL);
        hid_t d = sp >= 0 ? H5Dcreate2(r->file, "/network/state_offsets", H5T_STD_I64LE, sp, H5P_DEFAULT,
                                       H5P_DEFAULT, H5P_DEFAULT) : -1;
        if (sp >= 0) H5Sclose(sp);
        herr_t w = d >= 0 ? H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, o64) : -1;
        if (d >= 0 && H5Dclose(d) < 0) w = -1;
        if (w < 0) {
            st = mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 dataset \"/network/state_offsets\": write failed");
            goto cleanup;
        }
    }
    {
        char *names = join_names(r, 0);
        hid_t d = names ? H5Dopen2(r->file, "/network/model", H5P_DEFAULT) : -1;
        st = names ? (d >= 0 ? mn__h5_attr_string(r->ctx, d, "models", names)
                             : mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 /network/model: cannot reopen it"))
                   : MN_ERR_NOMEM;
        if (d >= 0) H5Dclose(d);
        mn__free(r->ctx, names);
    }
cleanup:
    mn__free(r->ctx, o64);
    return st;
}

/* the recorded edges and the edge of each state column (static datasets under /edges) */
static mn_status write_edge_index(mn_h5_recorder *r)
{
    if (!(r->on[T_STATE] || r->on[T_CUR] || r->on[T_VOLT] || r->on[T_COND])) return MN_OK;
    mn_status st = mn__h5_write_array(r->ctx, r->file, "/edges/index", MN__H5_I32, r->edges, r->n_edges);
    if (st || !r->on[T_STATE]) return st;
    const size_t *off = mn_network_state_offsets(rec_net(r));
    int32_t *se = mn__malloc_or_err(r->ctx, r->n_sidx ? r->n_sidx : 1, sizeof *se, "HDF5 state edges");
    if (!se) return MN_ERR_NOMEM;
    size_t c = 0;
    for (size_t k = 0; k < r->n_edges; k++)
        for (size_t i = off[r->edges[k]]; i < off[r->edges[k] + 1]; i++) se[c++] = (int32_t)r->edges[k];
    st = mn__h5_write_array(r->ctx, r->file, "/edges/state_edge", MN__H5_I32, se, r->n_sidx);
    mn__free(r->ctx, se);
    return st;
}

static mn_status table_attrs(mn_h5_recorder *r, int k)
{
    static const char *const units[T_COUNT] = { "s", "V", "A", "S", "A", "V", "", "", "A", "V", "S", "V", "J" };
    hid_t d = r->tab[k].dset;
    mn_status st = MN_OK;
    if (units[k][0]) st = mn__h5_attr_string(r->ctx, d, "units", units[k]);
    if (!st && k == T_MEAN) {
        char *names = join_names(r, 1);
        if (!names) return MN_ERR_NOMEM;
        st = mn__h5_attr_string(r->ctx, d, "columns", names);
        mn__free(r->ctx, names);
    }
    if (!st && k == T_ENERGY) st = mn__h5_attr_string(r->ctx, d, "columns", "E_src,E_edges");
    return st;
}

/* the sample rows kept on append: those at or before the simulation's present time */
static mn_status append_scan(mn_h5_recorder *r)
{
    mn__h5_table t;
    mn_status st = mn__h5_table_open(r->ctx, r->file, &t, "/time", MN__H5_F64, 0, 1);
    if (st) {
        mn__h5_table_close(r->ctx, &t);
        return st;
    }
    double *v = NULL;
    size_t n = 0;
    st = mn__h5_table_read_all(r->ctx, &t, &v, &n);
    mn__h5_table_close(r->ctx, &t);
    if (st) return st;
    double now = r->t_open;
    size_t k = 0;
    while (k < n && v[k] <= now) {
        if (k && !(v[k] >= v[k - 1])) { /* equal times: a sample repeated by a caller */
            mn__free(r->ctx, v);
            return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 append \"%s\": /time decreases at "
                             "row %zu (%.17g after %.17g)", r->path, k, v[k], v[k - 1]);
        }
        k++;
    }
    r->keep_rows = (int64_t)k;
    r->keep_last = k ? v[k - 1] : NAN;
    mn__free(r->ctx, v);
    return MN_OK;
}

/* create (or, appending, open and truncate) every dataset: at the first output */
static mn_status start(mn_h5_recorder *r)
{
    if (r->started) return MN_OK;
    if (!r->sim) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 recorder \"%s\": its simulation was freed", r->path);
    mn_status st = plan(r);
    if (st) return st;
    r->started = 1;
    double now = r->t_open; /* appending: the rows after it belong to the run that went on */
    for (int k = 0; k < T_COUNT; k++) {
        if (!r->on[k]) continue;
        size_t w = k == T_TIME || k == T_GEFF || k == T_SRC_J || k == T_SRC_V ? 0 : r->width[k];
        st = r->append ? mn__h5_table_open(r->ctx, r->file, &r->tab[k], table_path[k], MN__H5_F64, w, r->cap)
                       : mn__h5_table_create(r->ctx, r->file, &r->tab[k], table_path[k], MN__H5_F64, w, r->cap);
        if (st) return st;
        if (r->append) {
            if ((st = mn__h5_table_truncate(r->ctx, &r->tab[k], (hsize_t)r->keep_rows))) return st;
            if (r->tab[k].rows != (hsize_t)r->keep_rows)
                return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 append \"%s\": dataset \"%s\" has %llu rows, "
                                 "/time has %lld at or before t = %.17g", r->path, table_path[k],
                                 (unsigned long long)r->tab[k].rows, (long long)r->keep_rows, now);
        } else if ((st = table_attrs(r, k))) {
            return st;
        }
    }
    for (size_t k = 0; k < r->nser; k++) {
        series *s = &r->ser[k];
        st = r->append ? mn__h5_table_open(r->ctx, r->file, &s->t, s->path, MN__H5_F64, s->ncols, r->cap)
                       : mn__h5_table_create(r->ctx, r->file, &s->t, s->path, MN__H5_F64, s->ncols, r->cap);
        if (st) return st;
        if (r->append && (st = mn__h5_table_truncate(r->ctx, &s->t, (hsize_t)r->keep_rows))) return st;
        if (!r->append && s->columns && (st = mn__h5_attr_string(r->ctx, s->t.dset, "columns", s->columns)))
            return st;
    }
    if ((r->what & MN_H5_EVENTS) && (st = mn__h5_events_setup(r->ctx, r->file, &r->ev, r->append, now)))
        return st;
    if ((r->what & MN_H5_SNAPSHOTS) &&
        (st = mn__h5_snapshots_setup(r->ctx, r->file, &r->sn, r->sim, r->append, now)))
        return st;
    if (r->append) {
        if ((st = mn__h5_attr_double(r->ctx, r->file, "resumed_time", now)) || (st = write_newton(r)))
            return st;
    } else {
        if ((st = write_provenance(r)) || (st = write_edge_index(r))) return st;
        if ((r->what & MN_H5_NETWORK) && (st = write_network(r))) return st;
    }
    if (H5Fflush(r->file, H5F_SCOPE_LOCAL) < 0)
        return mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 file \"%s\": flush failed", r->path);
    return MN_OK;
}

/* ================================================================ writing */

static mn_status write_all(mn_h5_recorder *r)
{
    mn_status st;
    for (int k = 0; k < T_COUNT; k++)
        if (r->on[k] && (st = mn__h5_table_write(r->ctx, &r->tab[k]))) return st;
    for (size_t k = 0; k < r->nser; k++)
        if ((st = mn__h5_table_write(r->ctx, &r->ser[k].t))) return st;
    if ((st = mn__h5_events_write(r->ctx, &r->ev))) return st;
    if (H5Fflush(r->file, H5F_SCOPE_LOCAL) < 0)
        return mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 file \"%s\": flush failed", r->path);
    return MN_OK;
}

static double *row(mn_h5_recorder *r, int k, mn_status *st) { return mn__h5_table_row(r->ctx, &r->tab[k], st); }

static mn_status sample_rows(mn_h5_recorder *r)
{
    mn_sim *sim = r->sim;
    mn_status st = MN_OK;
    double *p;
    size_t nel = r->width[T_EL_V];
    if (!(p = row(r, T_TIME, &st))) return st;
    *p = mn_sim_time(sim);
    if (r->on[T_EL_V]) {
        double *pv = row(r, T_EL_V, &st), *pi = pv ? row(r, T_EL_I, &st) : NULL;
        if (!pi) return st;
        for (size_t k = 0; k < nel; k++) {
            pv[k] = mn_sim_applied_voltage(sim, k);
            pi[k] = mn_sim_electrode_current(sim, k);
        }
    }
    if (r->on[T_GEFF]) {
        if (!(p = row(r, T_GEFF, &st))) return st;
        *p = mn_sim_effective_conductance(sim);
    }
    if (r->on[T_SRC_J]) {
        double *pj = row(r, T_SRC_J, &st), *pv = pj ? row(r, T_SRC_V, &st) : NULL;
        if (!pv) return st;
        mn__sim_current_source_values(sim, pj, pv);
    }
    const double *x = mn_sim_states(sim);
    if (r->on[T_MEAN]) {
        if (!(p = row(r, T_MEAN, &st))) return st;
        /* per model, sums in edge order (for one model: mn_sim_mean_state(), bit for bit) */
        mn_network *net = rec_net(r);
        const mn_index *em = mn_network_edge_models(net);
        const size_t *off = mn_network_state_offsets(net);
        size_t m = mn_graph_edge_count(mn_network_graph(net));
        memset(r->mean_sum, 0, r->mean_cols * sizeof *r->mean_sum);
        for (size_t e = 0; e < m; e++)
            for (size_t i = off[e]; i < off[e + 1]; i++) r->mean_sum[r->mean_base[em[e]] + i - off[e]] += x[i];
        for (size_t j = 0; j < r->nmodels; j++) {
            size_t ns = mn_network_model_ops(net, j)->n_states;
            for (size_t q = 0; q < ns; q++)
                p[r->mean_base[j] + q] = r->mean_cnt[j] ? r->mean_sum[r->mean_base[j] + q] / (double)r->mean_cnt[j] : NAN;
        }
    }
    if (r->on[T_STATE]) {
        if (!(p = row(r, T_STATE, &st))) return st;
        for (size_t c = 0; c < r->n_sidx; c++) p[c] = x[r->sidx[c]];
    }
    static const int edge_tab[3] = { T_CUR, T_VOLT, T_COND };
    for (int q = 0; q < 3; q++) {
        int k = edge_tab[q];
        if (!r->on[k]) continue;
        const double *src = k == T_CUR ? mn_sim_edge_currents(sim) : k == T_VOLT ? mn_sim_edge_voltages(sim)
                                                                        : mn_sim_conductances(sim);
        if (!(p = row(r, k, &st))) return st;
        for (size_t c = 0; c < r->n_edges; c++) p[c] = src ? src[r->edges[c]] : NAN;
    }
    if (r->on[T_POT]) {
        const double *phi = mn_sim_potentials(sim);
        if (!(p = row(r, T_POT, &st))) return st;
        for (size_t c = 0; c < r->width[T_POT]; c++) p[c] = phi ? phi[c] : NAN;
    }
    if (r->on[T_ENERGY]) {
        if (!(p = row(r, T_ENERGY, &st))) return st;
        p[0] = p[1] = NAN;
        mn_sim_energy(sim, &p[0], &p[1]);
    }
    for (size_t k = 0; k < r->nser; k++) {
        series *s = &r->ser[k];
        if (!(p = mn__h5_table_row(r->ctx, &s->t, &st))) return st;
        for (size_t c = 0; c < s->ncols; c++) p[c] = NAN;
        if (s->fn(sim, p, s->user))
            return mn__error(r->ctx, MN_ERR_CANCELLED, "simulation stopped by the HDF5 series \"%s\" at t = %g",
                             s->name, mn_sim_time(sim));
    }
    r->samples++;
    r->last_t = mn_sim_time(sim);
    /* a full buffer: write every table, then flush the file */
    mn__h5_table *t = &r->tab[T_TIME];
    if (t->nbuf >= t->cap - (size_t)(t->rows % t->cap)) return write_all(r);
    return MN_OK;
}

/* ================================================================ observer */

static mn_status on_sample(mn_sim *s, void *user)
{
    mn_h5_recorder *r = user;
    if (r->failed) return r->failed;
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = start(r);
    if (!st) st = sample_rows(r);
    mn__h5_leave(&g);
    if (st && st != MN_ERR_CANCELLED) r->failed = st;
    return st;
}

static mn_status on_snapshot(mn_sim *s, size_t k, void *user)
{
    mn_h5_recorder *r = user;
    if (r->failed) return r->failed;
    if (!(r->what & MN_H5_SNAPSHOTS)) return MN_OK;
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = start(r);
    if (!st) st = mn__h5_snapshots_add(r->ctx, &r->sn, s);
    if (!st && H5Fflush(r->file, H5F_SCOPE_LOCAL) < 0)
        st = mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 file \"%s\": flush failed", r->path);
    mn__h5_leave(&g);
    if (st) r->failed = st;
    return st;
}

static mn_status on_event(mn_sim *s, double t, mn_index edge, mn_sim_event_kind kind, void *user)
{
    mn_h5_recorder *r = user;
    if (r->failed) return r->failed;
    if (!(r->what & MN_H5_EVENTS)) return MN_OK;
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = start(r);
    if (!st) st = mn__h5_events_add(r->ctx, &r->ev, t, edge, (int)kind);
    mn__h5_leave(&g);
    if (st) r->failed = st;
    return st;
}

static void on_gone(void *user)
{
    mn_h5_recorder *r = user;
    r->sim = NULL;
}

/* ================================================================ public calls */

static void recorder_free(mn_h5_recorder *r)
{
    mn_context *ctx = r->ctx;
    for (int k = 0; k < T_COUNT; k++)
        if (r->on[k]) mn__h5_table_close(ctx, &r->tab[k]);
    for (size_t k = 0; k < r->nser; k++) {
        mn__h5_table_close(ctx, &r->ser[k].t);
        mn__free(ctx, r->ser[k].columns);
    }
    mn__h5_events_close(ctx, &r->ev);
    mn__h5_snapshots_close(ctx, &r->sn);
    mn__free(ctx, r->edges);
    mn__free(ctx, r->sidx);
    mn__free(ctx, r->mean_base);
    mn__free(ctx, r->mean_sum);
    mn__free(ctx, r->path);
    mn__free(ctx, r);
}

static void utc_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else snprintf(buf, n, "unknown");
}

mn_status mn_h5_recorder_open(mn_h5_recorder **out, mn_sim *sim, const char *path, uint32_t what,
                              mn_h5_mode mode)
{
    if (out) *out = NULL;
    if (!out || !sim) return MN_ERR_INVALID;
    mn_context *ctx = mn__sim_context(sim);
    if (!path || !path[0]) return mn__error(ctx, MN_ERR_INVALID, "HDF5 recorder: no file name");
    mn_status lst = mn__h5_load(ctx);
    if (lst) return lst;
    if (what == 0) what = MN_H5_DEFAULT;
    if (what & ~(uint32_t)MN_H5_ALL)
        return mn__error(ctx, MN_ERR_INVALID, "HDF5 recorder: unknown record bits 0x%x", (unsigned)(what & ~(uint32_t)MN_H5_ALL));
    if (mode != MN_H5_CREATE && mode != MN_H5_APPEND)
        return mn__error(ctx, MN_ERR_INVALID, "HDF5 recorder: unknown mode %d", (int)mode);
    mn_h5_recorder *r = mn__calloc_or_err(ctx, 1, sizeof *r, "HDF5 recorder");
    if (!r) return MN_ERR_NOMEM;
    r->ctx = ctx;
    r->sim = sim;
    r->file = -1;
    r->what = what;
    r->append = mode == MN_H5_APPEND;
    r->flush_every = 16;
    r->last_t = NAN;
    r->keep_last = NAN;
    r->t_open = mn_sim_time(sim);
    mn_status st = MN_OK;
    if (!(r->path = mn__strdup(ctx, path))) {
        mn__free(ctx, r);
        return mn__error(ctx, MN_ERR_NOMEM, "HDF5 recorder: out of memory");
    }
    mn__h5_guard g;
    mn__h5_enter(&g);
    r->file = mn__h5_file_open(ctx, path, !r->append);
    if (r->file < 0) {
        st = MN_ERR_IO;
        goto cleanup;
    }
    if (r->append) {
        char fmt[64];
        if (mn__h5_attr_read_string(r->file, "memnet_format", fmt, sizeof fmt) || strcmp(fmt, FORMAT_NAME)) {
            st = mn__error(ctx, MN_ERR_INVALID, "HDF5 append \"%s\": not a memnet recording (attribute "
                           "memnet_format is \"%s\", expected \"%s\")", path, fmt, FORMAT_NAME);
            goto cleanup;
        }
        if ((st = append_scan(r))) goto cleanup;
        r->samples = r->keep_rows;
        r->last_t = r->keep_last;
    } else {
        char host[256] = "unknown", date[64];
        if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "unknown");
        host[sizeof host - 1] = 0;
        utc_now(date, sizeof date);
        if ((st = mn__h5_attr_string(ctx, r->file, "memnet_format", FORMAT_NAME)) ||
            (st = mn__h5_attr_string(ctx, r->file, "memnet_version", mn_version_string())) ||
            (st = mn__h5_attr_string(ctx, r->file, "created", date)) ||
            (st = mn__h5_attr_string(ctx, r->file, "host", host)))
            goto cleanup;
    }
    mn__sim_observer obs = { on_sample, on_snapshot, on_event, on_gone, r };
    if ((st = mn__sim_set_observer(sim, &obs))) goto cleanup;
cleanup:
    if (st) {
        if (r->file >= 0) H5Fclose(r->file);
        recorder_free(r);
        r = NULL;
    }
    mn__h5_leave(&g);
    *out = r;
    return st;
}

mn_status mn_h5_recorder_set_edges(mn_h5_recorder *r, const mn_index *edges, size_t n)
{
    if (!r) return MN_ERR_INVALID;
    if (r->started) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 recorder: the recorded edges are fixed once recording has started");
    if (!r->sim) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 recorder: its simulation was freed");
    if (n && !edges) return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 recorded edges: NULL array");
    size_t m = mn_graph_edge_count(mn_network_graph(rec_net(r)));
    unsigned char *seen = mn__calloc_or_err(r->ctx, m ? m : 1, 1, "HDF5 recorded edges");
    if (!seen) return MN_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (edges[i] < 0 || (size_t)edges[i] >= m || seen[edges[i]]) {
            mn_status st = mn__error(r->ctx, MN_ERR_RANGE, "HDF5 recorded edge %d (entry %zu) %s", (int)edges[i], i,
                                     edges[i] < 0 || (size_t)edges[i] >= m ? "is not in the network" : "is repeated");
            mn__free(r->ctx, seen);
            return st;
        }
        seen[edges[i]] = 1;
    }
    mn__free(r->ctx, seen);
    mn_index *c = mn__malloc_or_err(r->ctx, n ? n : 1, sizeof *c, "HDF5 recorded edges");
    if (!c) return MN_ERR_NOMEM;
    if (n) memcpy(c, edges, n * sizeof *c);
    mn__free(r->ctx, r->edges);
    r->edges = c;
    r->n_edges = n;
    return MN_OK;
}

mn_status mn_h5_recorder_set_flush_interval(mn_h5_recorder *r, int64_t samples)
{
    if (!r) return MN_ERR_INVALID;
    if (samples < 1) return mn__error(r->ctx, MN_ERR_RANGE, "HDF5 flush interval %lld must be >= 1", (long long)samples);
    if (samples > (int64_t)1 << 30)
        return mn__error(r->ctx, MN_ERR_RANGE, "HDF5 flush interval %lld must be <= 2^30", (long long)samples);
    if (r->started) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 recorder: the flush interval is fixed once recording has started");
    r->flush_every = samples;
    return MN_OK;
}

mn_status mn_h5_recorder_set_attribute(mn_h5_recorder *r, const char *key, const char *value)
{
    if (!r) return MN_ERR_INVALID;
    if (!key || !key[0] || !value) return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 attribute: empty key or NULL value");
    if (r->file < 0) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 recorder: the file is closed");
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = mn__h5_attr_string(r->ctx, r->file, key, value);
    mn__h5_leave(&g);
    return st;
}

mn_status mn_h5_recorder_add_series(mn_h5_recorder *r, const char *name, size_t ncols,
                                    const char *columns, mn_h5_series_fn fn, void *user)
{
    if (!r) return MN_ERR_INVALID;
    if (r->started) return mn__error(r->ctx, MN_ERR_STATE, "HDF5 series: recording has started");
    size_t l = name ? strlen(name) : 0;
    if (l < 1 || l > 63 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != l)
        return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 series name \"%s\": 1 to 63 letters, digits or '_'",
                         name ? name : "(null)");
    if (!ncols || !fn) return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 series \"%s\": no columns or no callback", name);
    if (r->nser == SERIES_MAX) return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 series \"%s\": at most %d series", name, SERIES_MAX);
    for (size_t k = 0; k < r->nser; k++)
        if (!strcmp(r->ser[k].name, name)) return mn__error(r->ctx, MN_ERR_INVALID, "HDF5 series \"%s\" given twice", name);
    series *s = &r->ser[r->nser];
    memset(s, 0, sizeof *s);
    if (columns && !(s->columns = mn__strdup(r->ctx, columns)))
        return mn__error(r->ctx, MN_ERR_NOMEM, "HDF5 series: out of memory");
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->path, sizeof s->path, "/series/%s", name);
    s->t.dset = -1;
    s->ncols = ncols;
    s->fn = fn;
    s->user = user;
    r->nser++;
    return MN_OK;
}

mn_status mn_h5_recorder_flush(mn_h5_recorder *r)
{
    if (!r) return MN_ERR_INVALID;
    if (r->failed) return r->failed;
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = r->sim || r->started ? start(r) : MN_OK;
    if (!st) st = write_all(r);
    mn__h5_leave(&g);
    if (st) r->failed = st;
    return st;
}

int64_t mn_h5_recorder_sample_count(const mn_h5_recorder *r) { return r ? r->samples : 0; }
double mn_h5_recorder_last_time(const mn_h5_recorder *r) { return r && r->samples ? r->last_t : NAN; }

mn_status mn_h5_recorder_close(mn_h5_recorder *r)
{
    if (!r) return MN_OK;
    mn__h5_guard g;
    mn__h5_enter(&g);
    mn_status st = r->failed;
    if (!st && r->sim) st = start(r);
    if (!st && r->started) st = write_all(r);
    if (r->sim) mn__sim_set_observer(r->sim, NULL);
    for (int k = 0; k < T_COUNT; k++)
        if (r->on[k]) mn__h5_table_close(r->ctx, &r->tab[k]);
    for (size_t k = 0; k < r->nser; k++) mn__h5_table_close(r->ctx, &r->ser[k].t);
    mn__h5_events_close(r->ctx, &r->ev);
    mn__h5_snapshots_close(r->ctx, &r->sn);
    if (r->file >= 0 && H5Fclose(r->file) < 0 && !st)
        st = mn__h5_error(r->ctx, MN_ERR_IO, "HDF5 file \"%s\": close failed", r->path);
    r->file = -1;
    if (st == r->failed && st)
        st = mn__error(r->ctx, st, "HDF5 file \"%s\": closed after an earlier write failure (%s)", r->path,
                       mn_status_str(st));
    mn__h5_leave(&g);
    recorder_free(r);
    return st;
}
