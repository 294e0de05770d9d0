/* memnet simulate: --out FILE.h5, the HDF5 recording (memnet/h5.h): the provenance as
 * attributes, what --record adds, the CSV's own columns (V,I,G of the source form, probes) as
 * /series datasets, appending on --restart; and flushing/closing --out for either format
 * (cmd-simulate.h). docs/file-formats.md lists the datasets. */
#include "cmd-simulate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* /series/source: the CSV's V,I,G of the --source/--drain form, computed as sample_cb does */
static double mean_potential(const mn_sim *sim, const mn_index *nodes, size_t n)
{
    const double *phi = mn_sim_potentials(sim);
    if (!phi) return NAN;
    double a = 0;
    for (size_t i = 0; i < n; i++) a += phi[nodes[i]];
    return a / (double)n;
}

static int source_series(const mn_sim *sim, double *row, void *user)
{
    const simulate_run *r = user;
    double V, I;
    if (r->current_mode) {
        V = mean_potential(sim, r->src_nodes, r->n_src);
        I = mn_sim_electrode_current(sim, mn_sim_electrode_count(sim));
    } else {
        V = mn_sim_applied_voltage(sim, r->src_id);
        I = mn_sim_electrode_current(sim, r->src_id);
    }
    row[0] = V;
    row[1] = I;
    row[2] = V != 0 ? I / V : NAN;
    return 0;
}

/* /series/probes: the CSV's P columns */
static int probe_series(const mn_sim *sim, double *row, void *user)
{
    const simulate_run *r = user;
    for (size_t j = 0; j < r->nprobes; j++) row[j] = mean_potential(sim, r->probes[j].nodes, r->probes[j].n);
    return 0;
}

/* --record LIST -> mn_h5_record bits */
static int parse_record(const char *text, uint32_t *bits)
{
    static const struct { const char *name; uint32_t bit; } words[] = {
        { "states", MN_H5_STATES }, { "currents", MN_H5_CURRENTS }, { "voltages", MN_H5_VOLTAGES },
        { "conductances", MN_H5_CONDUCTANCES }, { "potentials", MN_H5_POTENTIALS },
        { "all", MN_H5_STATES | MN_H5_CURRENTS | MN_H5_VOLTAGES | MN_H5_CONDUCTANCES | MN_H5_POTENTIALS } };
    const char *p = text;
    while (*p) {
        size_t l = strcspn(p, ","), k;
        for (k = 0; k < sizeof words / sizeof words[0]; k++)
            if (strlen(words[k].name) == l && !strncmp(p, words[k].name, l)) break;
        if (k == sizeof words / sizeof words[0])
            return cli_error(CMD, "--record: unknown \"%.*s\" (states, currents, voltages, conductances, "
                                  "potentials, all)", (int)l, p);
        *bits |= words[k].bit;
        p += l;
        if (*p) p++;
    }
    return 0;
}

/* each key=value line an attribute; a key given on several lines (--electrode) keeps them all,
 * one per line */
static int set_attributes(simulate_cmd *c, char *header)
{
    size_t n = 0;
    for (char *p = header; *p; p++) n += *p == '\n';
    char **keys = calloc(n + 1, sizeof *keys), **vals = calloc(n + 1, sizeof *vals);
    size_t k = 0;
    int rc = 0;
    if (!keys || !vals) {
        rc = cli_error(CMD, "out of memory");
        goto done;
    }
    for (char *line = header; *line;) {
        char *nl = strchr(line, '\n'), *eq;
        if (nl) *nl = 0;
        if ((eq = strchr(line, '=')) != NULL) {
            *eq = 0;
            size_t j = 0;
            while (j < k && strcmp(keys[j], line)) j++;
            if (j == k) {
                keys[k] = line;
                vals[k++] = strdup(eq + 1);
            } else {
                size_t a = strlen(vals[j]), b = strlen(eq + 1);
                char *v = realloc(vals[j], a + b + 2);
                if (v) {
                    v[a] = '\n';
                    memcpy(v + a + 1, eq + 1, b + 1);
                }
                vals[j] = v;
            }
            if (!vals[j]) {
                rc = cli_error(CMD, "out of memory");
                goto done;
            }
        }
        if (!nl) break;
        line = nl + 1;
    }
    for (size_t j = 0; j < k; j++) {
        mn_status st = mn_h5_recorder_set_attribute(c->h5, keys[j], vals[j]);
        if (st) {
            rc = cli_fail(CMD, c->ctx, st);
            goto done;
        }
    }
done:
    for (size_t j = 0; vals && j < k; j++) free(vals[j]);
    free(keys);
    free(vals);
    return rc;
}

/* the network file's provenance: network_size, network_fnv1a64 (FNV-1a 64 of its bytes: the
 * same file gives the same value), and the "# key=value" lines a native file starts with (the
 * generator and its arguments) as network.<key> */
static int network_attributes(simulate_cmd *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return cli_error(CMD, "--network: cannot reopen \"%s\" for its provenance", path);
    uint64_t h = 1469598103934665603ULL;
    unsigned long long size = 0;
    char line[4096];
    size_t ll = 0;
    int head = 1, lineno = 0, rc = 0, ch;
    while ((ch = getc(f)) != EOF) {
        h ^= (unsigned char)ch;
        h *= 1099511628211ULL;
        size++;
        if (!head) continue;
        if (ch != '\n') {
            if (ll + 1 < sizeof line) line[ll++] = (char)ch;
            continue;
        }
        line[ll] = 0;
        ll = 0;
        lineno++;
        if (lineno == 1 && !strncmp(line, "memnet-network", 14)) continue;
        char *eq = strchr(line, '=');
        if (line[0] != '#' || line[1] != ' ' || !eq) {
            head = 0;
            continue;
        }
        *eq = 0;
        char key[160];
        snprintf(key, sizeof key, "network.%.140s", line + 2);
        mn_status st = mn_h5_recorder_set_attribute(c->h5, key, eq + 1);
        if (st) {
            rc = cli_fail(CMD, c->ctx, st);
            break;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (rc) return rc;
    if (bad) return cli_error(CMD, "--network: cannot read \"%s\" for its provenance", path);
    char v[32];
    snprintf(v, sizeof v, "%016llx", (unsigned long long)h);
    mn_status st = mn_h5_recorder_set_attribute(c->h5, "network_fnv1a64", v);
    if (!st) {
        snprintf(v, sizeof v, "%llu", size);
        st = mn_h5_recorder_set_attribute(c->h5, "network_size", v);
    }
    return st ? cli_fail(CMD, c->ctx, st) : 0;
}

int simulate_h5_open(simulate_cmd *c, const simulate_opts *o, int argc, char **argv)
{
    simulate_run *r = &c->r;
    mn_status st;
    uint32_t what = MN_H5_DEFAULT;
    if (o->record && parse_record(o->record, &what)) return 1;
    if (c->nrec) what |= MN_H5_STATES; /* --record-edges: their states, as the CSV's x columns */
    mn_h5_mode mode = o->restart_path ? MN_H5_APPEND : MN_H5_CREATE;
    if ((st = mn_h5_recorder_open(&c->h5, c->sim, o->out_path, what, mode)))
        return cli_fail(CMD, c->ctx, st);
    if (o->restart_path) {
        /* the samples the checkpointed run wrote (k dt_out <= t_cp) must be in the file */
        double t_cp = mn_sim_time(c->sim), k = floor(t_cp / o->dt_out);
        while (k > 0 && k * o->dt_out > t_cp) k -= 1;
        while ((k + 1) * o->dt_out <= t_cp) k += 1;
        double expect = k * o->dt_out, last = mn_h5_recorder_last_time(c->h5);
        if (!(last >= expect))
            return cli_error(CMD, "--restart: \"%s\" has samples up to t = %.17g, but the checkpoint is at "
                                  "t = %.17g (its last sample t = %.17g is missing); the HDF5 file and the "
                                  "checkpoint do not belong together", o->out_path, last, t_cp, expect);
    }
    if (c->nrec && (st = mn_h5_recorder_set_edges(c->h5, c->rec, c->nrec))) return cli_fail(CMD, c->ctx, st);
    if (o->flush_every && (st = mn_h5_recorder_set_flush_interval(c->h5, o->flush_every)))
        return cli_fail(CMD, c->ctx, st);
    r->current_mode = o->current_mode;
    r->src_nodes = c->src;
    r->n_src = c->nsrc;
    r->probes = c->probes;
    r->nprobes = c->nprobes;
    if (!c->els && (st = mn_h5_recorder_add_series(c->h5, "source", 3, "V,I,G", source_series, r)))
        return cli_fail(CMD, c->ctx, st);
    if (c->nprobes) {
        /* P_<name> or P<j>, as the CSV names them */
        size_t len = 1;
        for (size_t j = 0; j < c->nprobes; j++) len += strlen(c->probes[j].name) + 4;
        char *cols = malloc(len);
        if (!cols) return cli_error(CMD, "out of memory");
        size_t p = 0;
        cols[0] = 0;
        for (size_t j = 0; j < c->nprobes; j++) {
            const char *nm = c->probes[j].name;
            p += (size_t)snprintf(cols + p, len - p, strspn(nm, "0123456789") == strlen(nm) ? "%sP%s" : "%sP_%s",
                                  j ? "," : "", nm);
        }
        st = mn_h5_recorder_add_series(c->h5, "probes", c->nprobes, cols, probe_series, r);
        free(cols);
        if (st) return cli_fail(CMD, c->ctx, st);
    }
    char *header = simulate_provenance(c, o, argc, argv);
    if (!header) return cli_error(CMD, "out of memory");
    int rc = set_attributes(c, header);
    free(header);
    if (rc || (!o->restart_path && (rc = network_attributes(c, o->network)))) return rc;
    if (c->els) {
        /* electrode names in electrode order: the columns of /electrodes/V and /electrodes/I */
        size_t nel = mn_sim_electrode_count(c->sim), len = 1;
        for (size_t k = 0; k < c->nels; k++) len += strlen(c->els[k].name) + 1;
        char *names = calloc(len + nel + 1, 1);
        if (!names) return cli_error(CMD, "out of memory");
        size_t p = 0;
        for (size_t id = 0; id < nel; id++) {
            const char *nm = "";
            for (size_t k = 0; k < c->nels; k++)
                if (c->els[k].id == id) nm = c->els[k].name;
            p += (size_t)sprintf(names + p, "%s%s", id ? "," : "", nm);
        }
        st = mn_h5_recorder_set_attribute(c->h5, "electrode_names", names);
        free(names);
        if (st) return cli_fail(CMD, c->ctx, st);
    }
    return 0;
}

int simulate_output_flush(simulate_cmd *c)
{
    if (c->h5) return mn_h5_recorder_flush(c->h5) ? -1 : 0;
    return c->out && fflush(c->out) != 0 ? -1 : 0;
}

int simulate_output_close(simulate_cmd *c, const simulate_opts *o)
{
    if (c->h5) {
        mn_h5_recorder *h = c->h5;
        c->h5 = NULL;
        mn_status st = mn_h5_recorder_close(h);
        return st ? cli_fail(CMD, c->ctx, st) : 0;
    }
    if (fflush(c->out) || ferror(c->out)) return cli_error(CMD, "--out: write to \"%s\" failed", o->out_path);
    return 0;
}
