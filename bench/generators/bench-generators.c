/* Generator benchmark: 10^6 nanowires (junction-dominated and multi-node), an 800 x 800 pd
 * nanoparticle network, and the grid neighbour search against an all-pairs baseline run in
 * the same invocation. Prints key=value lines; times are medians over repeats (wall clock).
 *
 *   bench-generators [--repeats R] [--quick]
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench-util.h"

static void check(mn_context *ctx, mn_status st, const char *what)
{
    if (st != MN_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, mn_context_last_error(ctx), mn_status_name(st));
        exit(1);
    }
}

/* all-pairs crossing count: the baseline the grid search replaces */
static size_t allpairs(const double *x0, const double *y0, const double *x1, const double *y1,
                       size_t n)
{
    size_t c = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            double rx = x1[a] - x0[a], ry = y1[a] - y0[a], sx = x1[b] - x0[b], sy = y1[b] - y0[b];
            double den = rx * sy - ry * sx;
            if (den == 0) continue;
            double qx = x0[b] - x0[a], qy = y0[b] - y0[a];
            double t = (qx * sy - qy * sx) / den, u = (qx * ry - qy * rx) / den;
            c += t >= 0 && t <= 1 && u >= 0 && u <= 1;
        }
    return c;
}

/* sticks of length 1 at N l^2 / A = dens in a square box */
static double run_wires(mn_context *ctx, size_t n, double dens, int multinode, int reps,
                        size_t *nodes, size_t *edges, mn_gen **keep)
{
    double t[16];
    double side = sqrt((double)n / dens);
    for (int r = 0; r < reps; r++) {
        mn_gen *gen;
        mn_graph *g = NULL;
        check(ctx, mn_gen_new(&gen, ctx), "gen");
        check(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)n), "wires");
        check(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, side), "width");
        check(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, side), "height");
        check(ctx, mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)(r + 1)), "seed");
        check(ctx, mn_gen_set_int(gen, MN_GEN_MULTINODE, multinode), "multinode");
        double t0 = now();
        check(ctx, mn_gen_nanowires(&g, gen), "nanowires");
        t[r] = now() - t0;
        *nodes = mn_graph_node_count(g);
        *edges = mn_graph_edge_count(g);
        mn_graph_free(g);
        if (keep && r == reps - 1) *keep = gen;
        else mn_gen_free(gen);
    }
    return median(t, reps);
}

int main(int argc, char **argv)
{
    int reps = 3, quick = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeats") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) quick = 1;
        else {
            fprintf(stderr, "usage: bench-generators [--repeats R] [--quick]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 15) reps = 3;
    mn_context *ctx;
    if (mn_context_new(&ctx)) return 1;
    printf("memnet_version=%s\nrepeats=%d\n", mn_version_string(), reps);
    const double dens = 10; /* N l^2 / A: about 1.8 x the stick percolation threshold */
    size_t nn, ne;

    /* baseline: all-pairs vs grid on the same 20 000 wires */
    {
        size_t n = quick ? 5000 : 20000;
        mn_gen *gen = NULL;
        double tg = run_wires(ctx, n, dens, 0, reps, &nn, &ne, &gen);
        const double *x0, *y0, *x1, *y1;
        mn_gen_wires(gen, &x0, &y0, &x1, &y1);
        double t0 = now();
        size_t c = allpairs(x0, y0, x1, y1, n);
        double ta = now() - t0;
        /* the returned graph keeps the electrode components: count all junctions again */
        mn_graph *g = NULL;
        check(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL), "keep");
        check(ctx, mn_gen_nanowires(&g, gen), "nanowires");
        printf("baseline_wires=%zu\nbaseline_allpairs_s=%.4f\nbaseline_grid_s=%.4f\n"
               "baseline_speedup=%.1f\nbaseline_junctions_allpairs=%zu\n"
               "baseline_junctions_grid=%zu\n",
               n, ta, tg, ta / tg, c, mn_graph_edge_count(g));
        mn_graph_free(g);
        mn_gen_free(gen);
    }
    size_t sizes[] = { 100000, 1000000 };
    for (int k = quick ? 0 : 0; k < (quick ? 1 : 2); k++) {
        double t = run_wires(ctx, sizes[k], dens, 0, reps, &nn, &ne, NULL);
        printf("nanowire_wires=%zu density=%g nodes=%zu junctions=%zu median_s=%.3f\n", sizes[k],
               dens, nn, ne, t);
        t = run_wires(ctx, sizes[k], dens, 1, reps, &nn, &ne, NULL);
        printf("nanowire_multinode_wires=%zu nodes=%zu edges=%zu median_s=%.3f\n", sizes[k], nn,
               ne, t);
    }
    double side = quick ? 200 : 800;
    double t[16];
    size_t np = 0;
    for (int r = 0; r < reps; r++) {
        mn_gen *gen;
        mn_graph *g = NULL;
        check(ctx, mn_gen_new(&gen, ctx), "gen");
        check(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, side), "width");
        check(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, side), "height");
        check(ctx, mn_gen_set_int(gen, MN_GEN_SEED, (int64_t)(r + 1)), "seed");
        double t0 = now();
        check(ctx, mn_gen_nanoparticles(&g, gen), "nanoparticles");
        t[r] = now() - t0;
        np = mn_gen_particles(gen, NULL, NULL, NULL);
        nn = mn_graph_node_count(g);
        ne = mn_graph_edge_count(g);
        if (r == reps - 1)
            printf("nanoparticle_box=%gx%g coverage=%.5f particles=%zu groups_kept=%zu gaps=%zu ",
                   side, side, mn_gen_coverage(gen), np, nn, ne);
        mn_graph_free(g);
        mn_gen_free(gen);
    }
    printf("median_s=%.3f\n", median(t, reps));
    mn_context_free(ctx);
    return 0;
}
