/* memnet simulate: what is recorded, the CSV file with its provenance header and columns, and
 * the sample callback that writes one row per sample (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static double mean_potential(const mn_sim *sim, const mn_index *nodes, size_t n)
{
    const double *phi = mn_sim_potentials(sim);
    if (!phi) return NAN;
    double a = 0;
    for (size_t i = 0; i < n; i++) a += phi[nodes[i]];
    return a / (double)n;
}

static int sample_cb(const mn_sim *sim, void *user)
{
    simulate_run *r = user;
    double V, I;
    if (r->els) {
        /* --electrode form: V_<name>,I_<name> per electrode */
        fprintf(r->out, "%.17g", mn_sim_time(sim));
        for (size_t k = 0; k < r->nels; k++)
            fprintf(r->out, ",%.17g,%.17g", mn_sim_applied_voltage(sim, r->els[k].id),
                    mn_sim_electrode_current(sim, r->els[k].id));
    } else {
        if (r->current_mode) {
            V = mean_potential(sim, r->src_nodes, r->n_src);
            I = mn_sim_electrode_current(sim, mn_sim_electrode_count(sim));
        } else {
            V = mn_sim_applied_voltage(sim, r->src_id);
            I = mn_sim_electrode_current(sim, r->src_id);
        }
        fprintf(r->out, "%.17g,%.17g,%.17g,%.17g", mn_sim_time(sim), V, I, V != 0 ? I / V : NAN);
    }
    for (size_t j = 0; j < r->nprobes; j++)
        fprintf(r->out, ",%.17g", mean_potential(sim, r->probes[j].nodes, r->probes[j].n));
    const double *x = mn_sim_states(sim);
    if (r->mix_net) {
        /* mean of every state over the edges of each model of the mix, in model order */
        const mn_index *em = mn_network_edge_models(r->mix_net);
        size_t nm = mn_network_model_count(r->mix_net), ne = mn_graph_edge_count(mn_network_graph(r->mix_net));
        size_t col = 0, *base = r->mix_base;
        memset(r->mix_sum, 0, r->n_state_cols * sizeof *r->mix_sum);
        for (size_t e = 0; e < ne; e++)
            for (size_t i = r->off[e]; i < r->off[e + 1]; i++) r->mix_sum[base[em[e]] + i - r->off[e]] += x[i];
        for (size_t j = 0; j < nm; j++) {
            const mn_model_ops *ops = mn_network_model_ops(r->mix_net, j);
            for (size_t q = 0; q < ops->n_states; q++, col++)
                fprintf(r->out, ",%.17g", r->mix_sum[col] / (double)base[nm + j]);
        }
    } else {
        for (size_t j = 0; j < r->n_state_cols; j++) fprintf(r->out, ",%.17g", mn_sim_mean_state(sim, j));
    }
    for (size_t k = 0; k < r->n_rec; k++)
        for (size_t i = r->off[r->rec[k]]; i < r->off[r->rec[k] + 1]; i++) fprintf(r->out, ",%.17g", x[i]);
    if (r->energy) {
        double es = NAN, ee = NAN;
        mn_sim_energy(sim, &es, &ee);
        fprintf(r->out, ",%.17g,%.17g", es, ee);
    }
    if (fputc('\n', r->out) == EOF) {
        r->write_error = 1;
        return 1;
    }
    return 0;
}

int simulate_recording_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    if (o->rec_list) {
        if (cli_parse_nodes(CMD, "--record-edges", o->rec_list, &c->rec, &c->nrec)) return 1;
        if ((st = mn_sim_record_edges(c->sim, c->rec, c->nrec))) return cli_fail(CMD, c->ctx, st);
    }
    if (o->snaps) {
        if (simulate_parse_times(o->snaps, &c->snap_t, &c->n_snap)) return 1;
        /* HDF5 output keeps the snapshots in the file; files too with --snapshot-prefix */
        const char *prefix = o->hdf5 && !o->snap_prefix_set ? NULL : o->snap_prefix;
        if ((st = mn_sim_set_snapshots(c->sim, c->snap_t, c->n_snap, prefix, NULL, NULL)))
            return cli_fail(CMD, c->ctx, st);
    }
    if ((st = mn_sim_set_sample_interval(c->sim, 0.0, o->dt_out))) return cli_fail(CMD, c->ctx, st);
    return 0;
}

/* the provenance: key=value lines (the CSV's "# " lines, the HDF5 file's attributes) */
char *simulate_provenance(simulate_cmd *c, const simulate_opts *o, int argc, char **argv)
{
    char *header = NULL;
    size_t header_len = 0;
    FILE *hf = open_memstream(&header, &header_len);
    if (!hf) return NULL;
    fprintf(hf, "memnet_version=%s\ncommand=memnet", mn_version_string());
    for (int i = 0; i < argc; i++) fprintf(hf, " %s", argv[i]);
    fprintf(hf, "\nnetwork=%s\nnodes=%zu\nedges=%zu\n", o->network, mn_graph_node_count(c->g),
            mn_graph_edge_count(c->g));
    if (o->mix_text) fprintf(hf, "mix=%s\nmix_seed=%llu\n", o->mix_text, o->mix_seed);
    else fprintf(hf, "model=%s\n", mn_model_ops_of(c->model)->name);
    for (size_t j = 0; j < c->mix.k; j++) {
        const mn_model_ops *ops = mn_model_ops_of(c->mix.models[j]);
        for (size_t p = 0; p < ops->n_params; p++) {
            double val;
            mn_model_get(c->mix.models[j], ops->params[p].name, &val);
            if (o->mix_text) fprintf(hf, "param.%s.%s=%.17g\n", ops->name, ops->params[p].name, val);
            else fprintf(hf, "param.%s=%.17g\n", ops->params[p].name, val);
        }
    }
    if (!c->els) {
        fprintf(hf, "waveform=%s\nsource_mode=%s\n", o->spec, o->current_mode ? "current" : "voltage");
        if (!o->source || !o->drain) fprintf(hf, "source=%s\ndrain=%s\n", c->source, c->drain);
    } else {
        if (o->source) fprintf(hf, "electrode.source=%s:%s\n", o->source, o->spec);
        if (o->drain) fprintf(hf, "electrode.drain=%s:ground\n", o->drain);
        for (size_t k = 0; k < o->nelectrodes; k++) fprintf(hf, "electrode=%s\n", o->electrodes[k]);
    }
    for (size_t j = 0; j < o->nprobes; j++) fprintf(hf, "probe=%s\n", o->probes[j]);
    fprintf(hf, "init=%s\nseed=%llu\nintegrator=%s\nrtol=%g\natol=%g\n", o->init, o->seed, o->integ, o->rtol,
            o->atol);
    if (o->integrator >= MN_SIM_EULER) fprintf(hf, "dt=%g\n", o->dt);
    /* on --restart without --newton the mode is the checkpoint's: not written here, so the
       HDF5 file keeps the "newton" its first run wrote (the CSV header is not rewritten) */
    else if (!o->restart_path || o->newton_set) fprintf(hf, "newton=%s\n", o->newton_name);
    if (o->restart_path) fprintf(hf, "restart=%s\nrestart_time=%.17g\n", o->restart_path, mn_sim_time(c->sim));
    if (fclose(hf) != 0) {
        free(header);
        return NULL;
    }
    return header;
}

/* the provenance header: every line becomes "# line" in the CSV */
static int write_header(simulate_cmd *c, const simulate_opts *o, int argc, char **argv)
{
    char *header = simulate_provenance(c, o, argc, argv);
    if (!header) return cli_error(CMD, "out of memory");
    if (!o->restart_path) {
        for (const char *p = header; *p;) {
            size_t l = strcspn(p, "\n");
            fprintf(c->out, "# %.*s\n", (int)l, p);
            p += l;
            if (*p) p++;
        }
        if (!c->els) {
            fprintf(c->out, "t,V,I,G");
        } else {
            fprintf(c->out, "t");
            for (size_t k = 0; k < c->nels; k++) {
                const char *nm = c->els[k].name;
                int num = strspn(nm, "0123456789") == strlen(nm);
                fprintf(c->out, num ? ",V%s,I%s" : ",V_%s,I_%s", nm, nm);
            }
        }
        for (size_t j = 0; j < c->nprobes; j++) {
            const char *nm = c->probes[j].name;
            fprintf(c->out, strspn(nm, "0123456789") == strlen(nm) ? ",P%s" : ",P_%s", nm);
        }
    }
    free(header);
    return 0;
}

int simulate_output_open(simulate_cmd *c, const simulate_opts *o, int argc, char **argv)
{
    simulate_run *r = &c->r;
    mn_network *net = c->net;
    FILE *out = c->out = fopen(o->out_path, o->restart_path ? "r+" : "w");
    if (!out) return cli_error(CMD, "--out: cannot open \"%s\" (%s)", o->out_path, strerror(errno));
    if (o->restart_path && cli_restart_cut_samples(CMD, out, o->out_path, mn_sim_time(c->sim), o->dt_out)) return 1;
    if (write_header(c, o, argc, argv)) return 1;
    r->out = out;
    r->current_mode = o->current_mode;
    r->src_nodes = c->src;
    r->n_src = c->nsrc;
    const mn_model_ops *ops = mn_model_ops_of(c->model);
    r->n_state_cols = ops->n_states;
    if (o->mix_text) {
        /* columns mean_<model>_<state> */
        size_t nm = mn_network_model_count(net), cols = 0;
        for (size_t j = 0; j < nm; j++) cols += mn_network_model_ops(net, j)->n_states;
        r->mix_sum = calloc(cols + 1, sizeof *r->mix_sum);
        r->mix_base = calloc(2 * nm, sizeof *r->mix_base);
        if (!r->mix_sum || !r->mix_base) return cli_error(CMD, "out of memory");
        size_t *base = r->mix_base, k = 0;
        const mn_index *em = mn_network_edge_models(net);
        for (size_t j = 0; j < nm; j++) base[j] = k, k += mn_network_model_ops(net, j)->n_states;
        for (size_t e = 0; e < mn_graph_edge_count(c->g); e++) base[nm + (size_t)em[e]]++;
        r->n_state_cols = cols;
        r->mix_net = net;
    }
    r->els = c->els;
    r->nels = c->nels;
    r->probes = c->probes;
    r->nprobes = c->nprobes;
    r->rec = c->rec;
    r->n_rec = c->nrec;
    r->off = mn_network_state_offsets(net);
    r->energy = o->energy;
    if (!o->restart_path) {
        if (o->mix_text) {
            for (size_t j = 0; j < mn_network_model_count(net); j++) {
                const mn_model_ops *mo = mn_network_model_ops(net, j);
                for (size_t q = 0; q < mo->n_states; q++)
                    fprintf(out, ",mean_%s_%s", mo->name, mo->state_names && mo->state_names[q] ? mo->state_names[q] : "x");
            }
        } else {
            for (size_t j = 0; j < ops->n_states; j++)
                fprintf(out, ",mean_%s", ops->state_names && ops->state_names[j] ? ops->state_names[j] : "x");
        }
        const mn_index *rec = c->rec;
        for (size_t k = 0; k < c->nrec; k++) {
            size_t ns_e = r->off[rec[k] + 1] - r->off[rec[k]];
            for (size_t j = 0; j < ns_e; j++) {
                if (ns_e == 1) fprintf(out, ",x%d", (int)rec[k]);
                else {
                    const mn_model_ops *eo = mn_network_model_ops(net, (size_t)mn_network_edge_models(net)[rec[k]]);
                    fprintf(out, ",x%d_%s", (int)rec[k], eo->state_names && eo->state_names[j] ? eo->state_names[j] : "x");
                }
            }
        }
        if (o->energy) fprintf(out, ",E_src,E_edges");
        fputc('\n', out);
    }
    mn_sim_set_sample_callback(c->sim, sample_cb, r);
    return 0;
}
