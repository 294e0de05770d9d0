/*
 * memnet-mpi: the distributed counterpart of `memnet simulate` (libmemnet-mpi).
 *
 *   mpirun -n N memnet-mpi simulate --network EDGES --source NODES --drain NODES
 *       [--model miranda] [--set NAME=VALUE]... [--waveform SPEC] [--t-end T] [--dt-out DT]
 *       [--rtol R] [--atol A] [--partition block|sfc|ptscotch] [--out FILE]
 *
 * The options are those of `memnet simulate` with the same meaning (a subset: one model for
 * every junction, a voltage source and a grounded drain). Every rank reads the edge list and
 * adds its block of edges; rank 0 writes the CSV (t, V, I: the source's potential and
 * current, the first columns of `memnet simulate`) with memnet's provenance header.
 * docs/scaling.md.
 */
#include "cli.h"

#include <memnet/mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "simulate"

static int rank, nranks;

static int usage(void)
{
    if (rank == 0)
        fprintf(stderr,
                "usage: mpirun -n N memnet-mpi simulate --network EDGES --source NODES --drain "
                "NODES\n"
                "         [--model NAME] [--set NAME=VALUE]... [--waveform SPEC] [--t-end T]\n"
                "         [--dt-out DT] [--rtol R] [--atol A] [--partition block|sfc|ptscotch]\n"
                "         [--out FILE]\n");
    return 2;
}

static int simulate(int argc, char **argv)
{
    const char *network = NULL, *source = NULL, *drain = NULL, *model_name = "miranda";
    const char *spec = "dc:1", *out_path = NULL, *part = NULL, *sets[64];
    size_t nsets = 0;
    double t_end = 1.0, dt_out = 0.1, rtol = 1e-6, atol = 1e-9;
    for (int i = 2; i < argc; i++) {
        const char *v;
#define OPT(name) ((v = cli_opt_value(argc, argv, &i, name)) != NULL)
        if (OPT("--network")) network = v;
        else if (OPT("--source")) source = v;
        else if (OPT("--drain")) drain = v;
        else if (OPT("--model")) model_name = v;
        else if (OPT("--set")) {
            if (nsets == 64) return cli_error(CMD, "--set: more than 64 parameters");
            sets[nsets++] = v;
        } else if (OPT("--waveform")) spec = v;
        else if (OPT("--out")) out_path = v;
        else if (OPT("--partition")) part = v;
        else if (OPT("--t-end")) { if (cli_parse_double(CMD, "--t-end", v, &t_end)) return 2; }
        else if (OPT("--dt-out")) { if (cli_parse_double(CMD, "--dt-out", v, &dt_out)) return 2; }
        else if (OPT("--rtol")) { if (cli_parse_double(CMD, "--rtol", v, &rtol)) return 2; }
        else if (OPT("--atol")) { if (cli_parse_double(CMD, "--atol", v, &atol)) return 2; }
        else return cli_error(CMD, "unknown option \"%s\"", argv[i]) + 1;
#undef OPT
    }
    if (!network || !source || !drain) return usage();
    if (!(dt_out > 0) || !(t_end > 0))
        return cli_error(CMD, "--t-end %g and --dt-out %g must be > 0", t_end, dt_out) + 1;
    mn_mpi_partition method = nranks > 1 ? MN_MPI_PARTITION_PTSCOTCH : MN_MPI_PARTITION_BLOCK;
    if (part) {
        if (!strcmp(part, "block")) method = MN_MPI_PARTITION_BLOCK;
        else if (!strcmp(part, "ptscotch")) method = MN_MPI_PARTITION_PTSCOTCH;
        else if (!strcmp(part, "sfc")) method = MN_MPI_PARTITION_SFC;
        else return cli_error(CMD, "--partition: \"%s\" is not block, sfc or ptscotch", part) + 1;
    }
    mn_index *src = NULL, *drn = NULL;
    size_t nsrc = 0, ndrn = 0;
    if (cli_parse_nodes(CMD, "--source", source, &src, &nsrc) ||
        cli_parse_nodes(CMD, "--drain", drain, &drn, &ndrn)) {
        free(src);
        free(drn);
        return 2;
    }
    int rc = 1;
    mn_context *ctx = NULL;
    mn_graph *full = NULL;
    mn_model *model = NULL;
    mn_waveform *w = NULL;
    mn_mpi_graph *g = NULL;
    mn_mpi_kirchhoff *k = NULL;
    mn_mpi_sim *s = NULL;
    FILE *out = NULL;
    mn_status st;
    if ((st = mn_context_new(&ctx)) != MN_OK) goto done;
    /* every rank reads the file (a cluster run would generate or read its part instead) */
    if ((st = mn_graph_read_edgelist(&full, ctx, network, 0, 0)) != MN_OK) goto fail;
    if ((st = mn_model_new(&model, ctx, model_name)) != MN_OK) goto fail;
    for (size_t i = 0; i < nsets; i++) {
        char name[128];
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof name) {
            cli_error(CMD, "--set: \"%s\" is not NAME=VALUE", sets[i]);
            goto done;
        }
        memcpy(name, sets[i], (size_t)(eq - sets[i]));
        name[eq - sets[i]] = 0;
        if ((st = mn_model_set_text(model, name, eq + 1)) != MN_OK) goto fail;
    }
    if ((st = mn_waveform_parse(&w, ctx, spec)) != MN_OK) goto fail;
    size_t n = mn_graph_node_count(full), m = mn_graph_edge_count(full);
    const mn_index *u = mn_graph_edge_u(full), *v = mn_graph_edge_v(full);
    if ((st = mn_mpi_graph_new(&g, ctx, MPI_COMM_WORLD, n)) != MN_OK) goto fail;
    size_t e0 = m * (size_t)rank / (size_t)nranks, e1 = m * (size_t)(rank + 1) / (size_t)nranks;
    if ((st = mn_mpi_graph_add_edges(g, u + e0, v + e0, e1 - e0)) != MN_OK) goto fail;
    if ((st = mn_mpi_graph_partition(g, method)) != MN_OK) goto fail;
    if ((st = mn_mpi_kirchhoff_new(&k, g)) != MN_OK) goto fail;
    if ((st = mn_mpi_kirchhoff_add_electrode(k, src, rank == 0 ? nsrc : 0, NULL)) != MN_OK ||
        (st = mn_mpi_kirchhoff_add_electrode(k, drn, rank == 0 ? ndrn : 0, NULL)) != MN_OK)
        goto fail;
    if ((st = mn_mpi_sim_new(&s, k, model)) != MN_OK) goto fail;
    if ((st = mn_mpi_sim_set_waveform(s, 0, w)) != MN_OK) goto fail;
    if ((st = mn_mpi_sim_set_tolerances(s, rtol, atol)) != MN_OK) goto fail;
    if ((st = mn_mpi_sim_init_default(s, 0.0)) != MN_OK) goto fail;
    if (rank == 0) {
        out = out_path ? fopen(out_path, "w") : stdout;
        if (!out) {
            cli_error(CMD, "cannot open %s for writing", out_path);
            goto done;
        }
        cli_write_provenance(out, "ranks=%d\nnetwork=%s\nmodel=%s\nwaveform=%s\nrtol=%.17g\n"
                                  "atol=%.17g\n",
                             nranks, network, model_name, spec, rtol, atol);
        fprintf(out, "t,V,I\n");
    }
    for (long i = 0;; i++) {
        double t = (double)i * dt_out;
        if (t > t_end * (1 + 1e-12)) break;
        if ((st = mn_mpi_sim_run(s, t)) != MN_OK) goto fail;
        double I = mn_mpi_sim_electrode_current(s, 0);
        if (rank == 0) fprintf(out, "%.17g,%.17g,%.17g\n", t, mn_waveform_value(w, t), I);
    }
    rc = 0;
    if (rank == 0 && out && (fflush(out) != 0 || ferror(out))) {
        cli_error(CMD, "write error on %s", out_path ? out_path : "stdout");
        rc = 1;
    }
    goto done;
fail:
    cli_fail(CMD, ctx, st);
done:
    if (out && out != stdout && fclose(out) != 0 && rc == 0) {
        cli_error(CMD, "cannot close %s", out_path);
        rc = 1;
    }
    mn_mpi_sim_free(s);
    mn_mpi_kirchhoff_free(k);
    mn_mpi_graph_free(g);
    mn_waveform_free(w);
    mn_model_free(model);
    mn_graph_free(full);
    mn_context_free(ctx);
    free(src);
    free(drn);
    return rc;
}

int main(int argc, char **argv)
{
    if (cli_pin_c_locale()) {
        fprintf(stderr, "memnet-mpi: cannot create the C locale\n");
        return 1;
    }
    if (mn_mpi_init() != MN_OK) {
        fprintf(stderr, "memnet-mpi: MPI or PETSc failed to start\n");
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    cli_set_invocation(argc, argv);
    int rc = argc >= 2 && !strcmp(argv[1], "simulate") ? simulate(argc, argv) : usage();
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    mn_mpi_finalize();
    return all;
}
