/* memnet generate: build a network (nanowire sticks, measured wire segments, nanoparticle
 * deposition, lattice, Caravelli-Barucca circuit), write it as an edge list and a native file, print a summary. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "generate"

static void usage_main(FILE *f)
{
    fprintf(f,
            "usage: memnet generate nanowire|segments|nanoparticle|lattice|cb [options] --out FILE\n"
            "       memnet generate --generator KIND [options] --out FILE  (e.g. from --config)\n"
            "       memnet generate KIND --help   (options of one generator)\n\n"
            "Writes FILE (edge list `u v length`) and FILE.mnet (native file with coordinates\n"
            "and electrodes; --native-out to choose), prints key=value lines: generator, nodes,\n"
            "edges, mean_degree, spanning (1 if a path joins the source and drain electrodes,\n"
            "by default the left and right pads), source, drain (node ids), seed, version.\n");
}

static const char *common_help =
    "common options:\n"
    "  --out FILE            edge list `u v length` (required)\n"
    "  --native-out FILE     native network file (default FILE.mnet)\n"
    "  --seed K              RNG seed (default 1)\n"
    "  --electrode SPEC      an electrode; repeatable; replaces the default left/right pads:\n"
    "                          NAME:rect:x0,y0,x1,y1   objects touching the rectangle\n"
    "                          NAME:disc:cx,cy,r       objects touching the disc\n"
    "                          NAME:ids:LIST           given objects (e.g. 0,4,10-20)\n"
    "                        the first two electrodes are the source and the drain\n"
    "  --pad-width P         width of the default left/right pads (default 0: the box sides)\n"
    "  --keep all|electrodes keep every component or only those touching an electrode\n"
    "                        (default electrodes)\n";

static void usage_kind(const char *kind)
{
    if (!strcmp(kind, "nanowire"))
        printf("usage: memnet generate nanowire (--wires N | --density D) --width W --height H\n"
               "       [--length L] [--length-sd S] [--length-dist fixed|normal|lognormal|gamma]\n"
               "       [--angle A --angle-sd S] [--gap D] [--multinode] [--wire-resistance R]\n"
               "       [--wires-out F.csv] [common options] --out FILE\n\n"
               "Random sticks (000 Fig. 1): uniform centres in [0,W]x[0,H], one node per wire, one\n"
               "edge per crossing (length = junction gap D, default 0.002: 2 nm in um units).\n"
               "  --length-sd S     spread of the length; alone it selects the normal law\n"
               "  --angle A --angle-sd S   preferred orientation (radians), normal spread\n"
               "  --multinode       wires split into resistive segments (value columns kind, G, S)\n"
               "  --wire-resistance R  ohm per unit length of wire (default 1)\n"
               "  --wires-out F.csv  wire,x0,y0,x1,y1,node for plotting\n"
               "prints also wires=, junctions=.\n\n%s",
               common_help);
    else if (!strcmp(kind, "segments"))
        printf("usage: memnet generate segments --file F [--width W --height H] [--gap D]\n"
               "       [--multinode] [--wire-resistance R] [--wires-out F.csv] [common options]\n"
               "       --out FILE\n\n"
               "Measured wires (e.g. from an SEM segmentation): F holds one straight segment per\n"
               "line, x1,y1,x2,y2 (commas or blanks; '#' comments; an optional header naming\n"
               "x0,y0,x1,y1 or x1,y1,x2,y2, so a --wires-out file of generate nanowire reads\n"
               "back; docs/file-formats.md). The network is built as for random sticks: one node\n"
               "per wire, one edge per crossing (length = junction gap D, default 0.002).\n"
               "  --file F          the segments (required)\n"
               "  --width W --height H  the frame [0,W]x[0,H] of the coordinates, where the\n"
               "                    default left/right pads lie (default 10 x 10)\n"
               "  --multinode       wires split into resistive segments (value columns kind, G, S)\n"
               "  --wire-resistance R  ohm per unit length of wire (default 1)\n"
               "  --wires-out F.csv  wire,x0,y0,x1,y1,node for plotting\n"
               "wire ids (NAME:ids:LIST) are line numbers among the segments, from 0.\n"
               "prints also wires=, junctions=.\n\n%s",
               common_help);
    else if (!strcmp(kind, "nanoparticle"))
        printf("usage: memnet generate nanoparticle --width W --height H [--coverage P]\n"
               "       [--cutoff C] [--resolution h] [--particles-out F.csv] [common options]\n"
               "       --out FILE\n\n"
               "Percolating nanoparticle network (003 secs. 1.1, 5.1), lengths in particle\n"
               "diameters (pd): unit discs deposited until coverage P (default 0.65); overlapping\n"
               "discs form groups (nodes); tunnel gaps (edges, length = smallest edge-to-edge\n"
               "distance) join groups closer than the cutoff C (default 1 pd).\n"
               "  --resolution h    raster cell for measuring the coverage (default 1/16 pd)\n"
               "  --tunnel-column   add value column 1: G = alpha exp(-beta L) (003 eq. 1) for\n"
               "                    memnet solve --conductance-column 1 (--alpha S, default 1;\n"
               "                    --beta 1/pd, default 200: 003 sec. 5.1)\n"
               "  --particles-out F.csv  particle,x,y,node for plotting\n"
               "prints also coverage=, particles=, groups=.\n\n%s",
               common_help);
    else if (!strcmp(kind, "lattice"))
        printf("usage: memnet generate lattice --kind square|ladder|chain|complete --nx N\n"
               "       [--ny M] [--spacing a] [--gap D] [common options] --out FILE\n\n"
               "  square: N x M grid; ladder: N rungs; chain: N edges in series;\n"
               "  complete: complete graph on N nodes. Edge length = spacing (or D if given).\n"
               "  Electrodes left/right: first/last column (chain and complete: end nodes).\n\n%s",
               common_help);
    else
        printf("usage: memnet generate cb [--n N] [--r-int R] [--r-ref R]\n"
               "       [--source S | --sources S1,S2,...] --out FILE [--native-out FILE]\n\n"
               "The Caravelli-Barucca circuit (002 Fig. 1, eqs. 3-5): n memristor branches with\n"
               "series EMF S_k, each in parallel with R_ref, on a central mesh of n R_int\n"
               "resistors. Edges 0..n-1 are the memristors (give them the strukov_cb model),\n"
               "n..2n-1 R_ref, 2n..3n-1 R_int. --r-int 0 (002 eq. 11's limit) shorts the mesh:\n"
               "n nodes, edges 0..2n-1 only (n >= 2). The native file carries value columns\n"
               "kind (0 memristor, 1 resistor), G (S), EMF (V); node set \"ground\" = {0}.\n"
               "Defaults n = 10, R_int = R_ref = 100 ohm, S = 20 V (002 Fig. 3).\n"
               "prints memristors=, ground=0 and spanning=1 when the circuit is connected.\n");
}

typedef struct ropt {
    const char *flag;
    mn_gen_option opt;
} ropt;

static const ropt real_opts[] = {
    { "--width", MN_GEN_WIDTH },         { "--height", MN_GEN_HEIGHT },
    { "--density", MN_GEN_DENSITY },     { "--length", MN_GEN_LENGTH },
    { "--length-sd", MN_GEN_LENGTH_SD }, { "--angle", MN_GEN_ANGLE },
    { "--angle-sd", MN_GEN_ANGLE_SD },   { "--gap", MN_GEN_JUNCTION_GAP },
    { "--wire-resistance", MN_GEN_WIRE_RESISTANCE },
    { "--pad-width", MN_GEN_PAD_WIDTH }, { "--coverage", MN_GEN_COVERAGE },
    { "--cutoff", MN_GEN_GAP_CUTOFF },   { "--resolution", MN_GEN_RESOLUTION },
    { "--spacing", MN_GEN_SPACING },     { "--r-int", MN_GEN_R_INT },
    { "--r-ref", MN_GEN_R_REF },         { "--source", MN_GEN_SOURCE },
};
static const ropt int_opts[] = {
    { "--wires", MN_GEN_WIRES }, { "--nx", MN_GEN_NX }, { "--ny", MN_GEN_NY }, { "--n", MN_GEN_CB_N },
};

static int lookup(const char *cmd, const char *opt, const char *text, const char *const *names,
                  int n, int *out)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(text, names[i])) {
            *out = i;
            return 0;
        }
    return cli_error(cmd, "%s: unknown value \"%s\"", opt, text);
}

/* NAME:rect:x0,y0,x1,y1 | NAME:disc:cx,cy,r | NAME:ids:LIST */
static int add_electrode(mn_gen *gen, mn_context *ctx, const char *spec)
{
    char buf[512];
    if (strlen(spec) >= sizeof buf) return cli_error(CMD, "--electrode: specification too long");
    strcpy(buf, spec);
    char *c1 = strchr(buf, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2)
        return cli_error(CMD, "--electrode \"%s\": use NAME:rect:x0,y0,x1,y1, NAME:disc:cx,cy,r "
                              "or NAME:ids:LIST", spec);
    *c1 = *c2 = '\0';
    const char *name = buf, *type = c1 + 1, *args = c2 + 1;
    mn_status st;
    if (!strcmp(type, "ids")) {
        mn_index *ids = NULL;
        size_t n = 0;
        if (cli_parse_nodes(CMD, "--electrode", args, &ids, &n)) return 1;
        st = mn_gen_add_electrode_ids(gen, name, ids, n);
        free(ids);
    } else {
        double v[4];
        int want = !strcmp(type, "rect") ? 4 : !strcmp(type, "disc") ? 3 : 0;
        if (!want) return cli_error(CMD, "--electrode \"%s\": unknown type \"%s\"", spec, type);
        int got = 0;
        char *p = (char *)args;
        while (got < 4) {
            char *end;
            v[got] = strtod(p, &end);
            if (end == p) break;
            got++;
            p = end;
            if (*p == ',') p++;
            else break;
        }
        if (got != want || *p)
            return cli_error(CMD, "--electrode \"%s\": %s needs %d numbers", spec, type, want);
        st = want == 4 ? mn_gen_add_electrode_rect(gen, name, v[0], v[1], v[2], v[3])
                       : mn_gen_add_electrode_disc(gen, name, v[0], v[1], v[2]);
    }
    return st ? cli_fail(CMD, ctx, st) : 0;
}

static void print_ids(const char *key, const mn_index *ids, size_t n)
{
    /* one list, so that --json makes it an array even with one element */
    size_t cap = 24 * n + 1, len = 0;
    char *buf = malloc(cap);
    if (!buf) return;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ",%ld" : "%ld", (long)ids[i]);
    cli_out_list(key, "%s", buf);
    free(buf);
}

/* every generator option, resolved (defaults included), as key=value lines */
static char *gen_params(const mn_gen *gen, const char *kind_name)
{
    static const char *const names[] = { "seed", "width", "height", "wires", "density", "length",
        "length_sd", "length_dist", "orientation", "angle", "angle_sd", "junction_gap",
        "multinode", "wire_resistance", "keep", "pad_width", "coverage", "gap_cutoff",
        "resolution", "lattice", "nx", "ny", "spacing", "cb_n", "r_int", "r_ref", "source" };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    fprintf(f, "generator=%s\n", kind_name);
    for (int o = 0; o < (int)(sizeof names / sizeof names[0]); o++) {
        int64_t iv;
        double rv;
        if (mn_gen_get_int(gen, (mn_gen_option)o, &iv) == MN_OK)
            fprintf(f, "gen.%s=%lld\n", names[o], (long long)iv);
        else if (mn_gen_get_real(gen, (mn_gen_option)o, &rv) == MN_OK)
            fprintf(f, "gen.%s=%.17g\n", names[o], rv);
    }
    fclose(f);
    return text;
}

/* put the provenance comment lines into a file the library wrote: at the top, or after the
 * first line (the native file's "memnet-network 1" stays first; its reader skips comments) */
static int add_provenance(const char *path, const char *params, int after_first_line)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 8);
    if (!tmp) return cli_error(CMD, "out of memory");
    snprintf(tmp, pl + 8, "%s.tmp~", path);
    FILE *in = fopen(path, "r"), *out = in ? fopen(tmp, "w") : NULL;
    int rc = 0;
    if (!in || !out) {
        rc = cli_error(CMD, "cannot rewrite %s: %s", path, strerror(errno));
        goto done;
    }
    int c;
    if (after_first_line) {
        while ((c = getc(in)) != EOF) {
            putc(c, out);
            if (c == '\n') break;
        }
    }
    cli_write_provenance(out, "%s", params);
    char buf[1 << 16];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, out) != k) break;
    if (ferror(in) || fclose(out) != 0) {
        out = NULL;
        rc = cli_error(CMD, "error rewriting %s", path);
        goto done;
    }
    out = NULL;
    if (rename(tmp, path) != 0) rc = cli_error(CMD, "cannot rename %s: %s", tmp, strerror(errno));
done:
    if (in) fclose(in);
    if (out) fclose(out);
    if (rc) remove(tmp);
    free(tmp);
    return rc;
}

static int write_wires(const char *path, const mn_gen *gen, const char *kind_name)
{
    FILE *f = fopen(path, "w");
    if (!f) return cli_error(CMD, "cannot write %s", path);
    const double *x0, *y0, *x1, *y1;
    size_t n = mn_gen_wires(gen, &x0, &y0, &x1, &y1), nm;
    const mn_index *map = mn_gen_node_map(gen, &nm);
    char *params = gen_params(gen, kind_name);
    cli_write_provenance(f, "%s", params ? params : "");
    free(params);
    fprintf(f, "wire,x0,y0,x1,y1,node\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%zu,%.17g,%.17g,%.17g,%.17g,%ld\n", i, x0[i], y0[i], x1[i], y1[i],
                map && i < nm ? (long)map[i] : -1L);
    return fclose(f) ? cli_error(CMD, "error writing %s", path) : 0;
}

static int write_particles(const char *path, const mn_gen *gen)
{
    FILE *f = fopen(path, "w");
    if (!f) return cli_error(CMD, "cannot write %s", path);
    const double *x, *y;
    const mn_index *node;
    size_t n = mn_gen_particles(gen, &x, &y, &node);
    char *params = gen_params(gen, "nanoparticle");
    cli_write_provenance(f, "%s", params ? params : "");
    free(params);
    fprintf(f, "particle,x,y,node\n");
    for (size_t i = 0; i < n; i++) fprintf(f, "%zu,%.17g,%.17g,%ld\n", i, x[i], y[i], (long)node[i]);
    return fclose(f) ? cli_error(CMD, "error writing %s", path) : 0;
}

int mn_cli_generate(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        return 0;
    }
    /* the generator: first argument, or --generator KIND anywhere (for --config files) */
    const char *kinds[] = { "nanowire", "nanoparticle", "lattice", "cb", "segments" };
    const char *kind_name = NULL;
    int first = 2;
    if (argv[1][0] != '-') {
        kind_name = argv[1];
    } else {
        first = 1;
        for (int i = 1; i < argc; i++) {
            const char *v = cli_opt_value(argc, argv, &i, "--generator");
            if (v) kind_name = v;
        }
        if (!kind_name) {
            cli_error(CMD, "no generator given (nanowire, segments, nanoparticle, lattice or cb)");
            usage_main(stderr);
            return 2;
        }
    }
    int kind = 0;
    if (lookup(CMD, "generator", kind_name, kinds, 5, &kind)) {
        usage_main(stderr);
        return 2;
    }
    mn_context *ctx = NULL;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    double *sources = NULL;
    char *native_buf = NULL;
    int rc = 1;
    mn_status st;
    if (cli_context_new(&ctx) || mn_gen_new(&gen, ctx)) {
        cli_error(CMD, "out of memory");
        goto done;
    }
    const char *out = NULL, *native = NULL, *wires_out = NULL, *particles_out = NULL;
    const char *seg_file = NULL;
    int have_sd = 0, have_dist = 0, have_angle = 0, tunnel_column = 0;
    double alpha = 1.0, beta = 200.0;
    size_t n_sources = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *val;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_kind(kind_name);
            rc = 0;
            goto done;
        }
        int matched = 0;
        for (size_t k = 0; k < sizeof real_opts / sizeof real_opts[0] && !matched; k++) {
            if (strncmp(a, real_opts[k].flag, strlen(real_opts[k].flag))) continue;
            if (!(val = cli_opt_value(argc, argv, &i, real_opts[k].flag))) {
                if (a[strlen(real_opts[k].flag)] == '\0') goto usage; /* missing value */
                continue;
            }
            double x;
            if (cli_parse_double(CMD, real_opts[k].flag, val, &x)) goto usage;
            if ((st = mn_gen_set_real(gen, real_opts[k].opt, x))) {
                cli_fail(CMD, ctx, st);
                goto done;
            }
            if (real_opts[k].opt == MN_GEN_LENGTH_SD) have_sd = 1;
            if (real_opts[k].opt == MN_GEN_ANGLE || real_opts[k].opt == MN_GEN_ANGLE_SD)
                have_angle = 1;
            matched = 1;
        }
        for (size_t k = 0; k < sizeof int_opts / sizeof int_opts[0] && !matched; k++) {
            if (strncmp(a, int_opts[k].flag, strlen(int_opts[k].flag))) continue;
            if (!(val = cli_opt_value(argc, argv, &i, int_opts[k].flag))) {
                if (a[strlen(int_opts[k].flag)] == '\0') goto usage;
                continue;
            }
            long x;
            if (cli_parse_long(CMD, int_opts[k].flag, val, &x)) goto usage;
            if ((st = mn_gen_set_int(gen, int_opts[k].opt, x))) {
                cli_fail(CMD, ctx, st);
                goto done;
            }
            matched = 1;
        }
        if (matched) continue;
        if ((val = cli_opt_value(argc, argv, &i, "--seed"))) {
            unsigned long long s;
            if (cli_parse_u64(CMD, "--seed", val, &s)) goto usage;
            mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)s);
        } else if ((val = cli_opt_value(argc, argv, &i, "--generator"))) {
            if (first == 2) {
                cli_error(CMD, "--generator %s given after the generator %s", val, kind_name);
                goto usage;
            }
        } else if ((val = cli_opt_value(argc, argv, &i, "--out"))) {
            out = val;
        } else if ((val = cli_opt_value(argc, argv, &i, "--native-out"))) {
            native = val;
        } else if ((val = cli_opt_value(argc, argv, &i, "--wires-out"))) {
            wires_out = val;
        } else if (kind == 4 && (val = cli_opt_value(argc, argv, &i, "--file"))) {
            seg_file = val;
        } else if ((val = cli_opt_value(argc, argv, &i, "--particles-out"))) {
            particles_out = val;
        } else if ((val = cli_opt_value(argc, argv, &i, "--electrode"))) {
            if (add_electrode(gen, ctx, val)) goto usage;
        } else if ((val = cli_opt_value(argc, argv, &i, "--length-dist"))) {
            const char *names[] = { "fixed", "normal", "lognormal", "gamma" };
            int d;
            if (lookup(CMD, "--length-dist", val, names, 4, &d)) goto usage;
            mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, d);
            have_dist = 1;
        } else if ((val = cli_opt_value(argc, argv, &i, "--kind"))) {
            const char *names[] = { "square", "ladder", "chain", "complete" };
            int d;
            if (lookup(CMD, "--kind", val, names, 4, &d)) goto usage;
            mn_gen_set_int(gen, MN_GEN_LATTICE, d);
        } else if ((val = cli_opt_value(argc, argv, &i, "--keep"))) {
            const char *names[] = { "all", "electrodes" };
            int d;
            if (lookup(CMD, "--keep", val, names, 2, &d)) goto usage;
            mn_gen_set_int(gen, MN_GEN_KEEP, d);
        } else if ((val = cli_opt_value(argc, argv, &i, "--sources"))) {
            free(sources);
            n_sources = 0;
            sources = malloc((strlen(val) / 2 + 2) * sizeof *sources);
            if (!sources) {
                cli_error(CMD, "out of memory");
                goto done;
            }
            const char *p = val;
            for (;;) {
                char *end;
                double x = strtod(p, &end);
                if (end == p) {
                    cli_error(CMD, "--sources: \"%s\" is not a comma-separated list of numbers", val);
                    goto usage;
                }
                sources[n_sources++] = x;
                if (*end == ',') p = end + 1;
                else if (*end == '\0') break;
                else {
                    cli_error(CMD, "--sources: \"%s\" is not a comma-separated list of numbers", val);
                    goto usage;
                }
            }
        } else if (!strcmp(a, "--tunnel-column")) {
            tunnel_column = 1;
        } else if ((val = cli_opt_value(argc, argv, &i, "--alpha"))) {
            if (cli_parse_double(CMD, "--alpha", val, &alpha)) goto usage;
            if (!(alpha > 0) || isinf(alpha)) {
                cli_error(CMD, "--alpha %g must be finite and > 0", alpha);
                goto usage;
            }
        } else if ((val = cli_opt_value(argc, argv, &i, "--beta"))) {
            if (cli_parse_double(CMD, "--beta", val, &beta)) goto usage;
            if (!(beta >= 0) || isinf(beta)) {
                cli_error(CMD, "--beta %g must be finite and >= 0", beta);
                goto usage;
            }
        } else if (!strcmp(a, "--multinode")) {
            mn_gen_set_int(gen, MN_GEN_MULTINODE, 1);
        } else {
            cli_error(CMD, "unknown option \"%s\" (memnet generate %s --help)", a, kind_name);
            rc = 2;
            goto done;
        }
        continue;
    usage:
        rc = 2;
        goto done;
    }
    if (!out) {
        cli_error(CMD, "--out FILE is required (memnet generate %s --help)", kind_name);
        rc = 2;
        goto done;
    }
    if (kind == 4 && !seg_file) {
        cli_error(CMD, "segments: --file F is required (memnet generate segments --help)");
        rc = 2;
        goto done;
    }
    if (have_sd && !have_dist) mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_NORMAL);
    if (have_angle) mn_gen_set_int(gen, MN_GEN_ORIENTATION, MN_GEN_ORIENT_NORMAL);
    if (sources && (st = mn_gen_set_cb_sources(gen, sources, n_sources))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    switch (kind) {
    case 0: st = mn_gen_nanowires(&g, gen); break;
    case 1: st = mn_gen_nanoparticles(&g, gen); break;
    case 2: st = mn_gen_lattice(&g, gen); break;
    case 4: st = mn_gen_segments_file(&g, gen, seg_file); break;
    default: st = mn_gen_cb(&g, gen); break;
    }
    if (st) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    if (tunnel_column && kind == 1) {
        /* 003 eq. 1: G = alpha exp(-beta L) on every tunnel gap */
        size_t m = mn_graph_edge_count(g);
        const double *L = mn_graph_edge_lengths(g);
        double *Gt = malloc((m ? m : 1) * sizeof *Gt);
        if (!Gt) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        for (size_t e = 0; e < m; e++) Gt[e] = alpha * exp(-beta * L[e]);
        st = mn_graph_add_edge_column(g, Gt);
        free(Gt);
        if (st) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
    } else if (tunnel_column) {
        cli_error(CMD, "--tunnel-column applies to nanoparticle networks only");
        rc = 2;
        goto done;
    }
    if (!native) {
        native_buf = malloc(strlen(out) + 6);
        if (!native_buf) {
            cli_error(CMD, "out of memory");
            goto done;
        }
        sprintf(native_buf, "%s.mnet", out);
        native = native_buf;
    }
    if ((st = mn_graph_write_edgelist(g, out)) || (st = mn_graph_save(g, native))) {
        cli_fail(CMD, ctx, st);
        goto done;
    }
    {
        char *params = gen_params(gen, kind_name);
        if (params && kind == 4) { /* the measured wires' file */
            char *more = malloc(strlen(params) + strlen(seg_file) + 32);
            if (more) sprintf(more, "%sgen.segments_file=%s\n", params, seg_file);
            free(params);
            params = more;
        }
        int bad = !params || add_provenance(out, params, 0) || add_provenance(native, params, 1);
        if (!params) cli_error(CMD, "out of memory");
        free(params);
        if (bad) goto done;
    }
    if (wires_out && (kind == 0 || kind == 4) && write_wires(wires_out, gen, kind_name)) goto done;
    if (particles_out && kind == 1 && write_particles(particles_out, gen)) goto done;

    size_t nn = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    int64_t seed;
    mn_gen_get_int(gen, MN_GEN_SEED, &seed);
    cli_out("generator=%s\n", kind_name);
    cli_out("nodes=%zu\n", nn);
    cli_out("edges=%zu\n", m);
    cli_out("mean_degree=%.6f\n", nn ? 2.0 * (double)m / (double)nn : 0.0);
    if (kind == 3) {
        size_t nmem;
        mn_gen_memristor_edges(gen, &nmem);
        const mn_index *lab;
        size_t nc;
        if ((st = mn_graph_components(g, &lab, &nc))) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
        cli_out("spanning=%d\n", nc == 1);
        if (nc != 1)
            fprintf(stderr, "memnet generate: warning: the circuit is not connected (%zu components)\n",
                    nc);
        cli_out("memristors=%zu\n", nmem);
        cli_out("ground=0\n");
    } else {
        /* source and drain: the first two node sets (left and right by default) */
        size_t ns = mn_graph_node_set_count(g);
        const mn_index *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        if (ns >= 1) mn_graph_node_set(g, mn_graph_node_set_name(g, 0), &a, &na);
        if (ns >= 2) mn_graph_node_set(g, mn_graph_node_set_name(g, 1), &b, &nb);
        int conn = 0;
        if (na && nb && (st = mn_graph_connected(g, a, na, b, nb, &conn))) {
            cli_fail(CMD, ctx, st);
            goto done;
        }
        cli_out("spanning=%d\n", conn);
        if (!conn && na && nb)
            fprintf(stderr, "memnet generate: warning: the network does not span between its "
                            "electrodes %s and %s (no path joins them: raise the density, the wire "
                            "length or move the electrodes)\n",
                    mn_graph_node_set_name(g, 0), mn_graph_node_set_name(g, 1));
        if (ns >= 1) cli_out("source_electrode=%s\n", mn_graph_node_set_name(g, 0));
        if (ns >= 2) cli_out("drain_electrode=%s\n", mn_graph_node_set_name(g, 1));
        print_ids("source", a, na);
        print_ids("drain", b, nb);
        for (size_t k = 2; k < ns; k++) {
            const mn_index *ids;
            size_t n;
            char key[300];
            mn_graph_node_set(g, mn_graph_node_set_name(g, k), &ids, &n);
            snprintf(key, sizeof key, "electrode_%s", mn_graph_node_set_name(g, k));
            print_ids(key, ids, n);
        }
    }
    if (kind == 0 || kind == 4) {
        cli_out("wires=%zu\n", mn_gen_wires(gen, NULL, NULL, NULL, NULL));
        size_t nmem;
        mn_gen_memristor_edges(gen, &nmem);
        cli_out("junctions=%zu\n", nmem);
    }
    if (kind == 1) {
        size_t nm;
        mn_gen_node_map(gen, &nm);
        cli_out("coverage=%.6f\n", mn_gen_coverage(gen));
        cli_out("particles=%zu\n", mn_gen_particles(gen, NULL, NULL, NULL));
        cli_out("groups=%zu\n", nm);
        if (tunnel_column) cli_out("conductance_column=1\nalpha=%.17g\nbeta=%.17g\n", alpha, beta);
    }
    if (kind != 4) cli_out("seed=%llu\n", (unsigned long long)seed);
    cli_out_str("edgelist", "%s", out);
    cli_out_str("native", "%s", native);
    cli_print_version_kv(stdout);
    rc = 0;
done:
    free(sources);
    free(native_buf);
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return rc;
}
