/*
 * The rates of AUTO's deterministic cost model (lib/kirchhoff/costmodel.c), measured: CPU
 * seconds per counted operation of a numeric factorisation (per flop), a solve pair with the
 * factor (per nonzero of L), a product with A (per stored nonzero), PCG's vector work (per
 * unknown), a rank-1 update column and the supernodal -> simplicial conversion (per nonzero of
 * L), and each rate relative to the factorisation's (the constants MN__KH_RATE_* fix these).
 *
 *   bench-costrates [--sizes 1e4,1e5,1e6] [--repeats R] [--seed S]
 *
 * Networks as bench/sim/bench-sim (random nanowires, N/4 unit sticks, mean degree ~8, the
 * components touching the left/right electrodes), conductances 1e-3 + U(0, 1) S (miranda
 * with G_min 1e-3), 1 V across, METIS ordering as the time stepper's. Process CPU time,
 * medians of R repeats (robust on a loaded machine; run with one BLAS thread).
 */
#include <memnet/memnet.h>

#include "kirchhoff/kirchhoff-private.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_s = 1;
static double urand(void)
{
    uint64_t z = (rng_s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    const char *sizes = "1e4,1e5,1e6";
    int reps = 5;
    long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) sizes = argv[++i];
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = atoll(argv[++i]);
        else {
            fprintf(stderr, "usage: bench-costrates [--sizes N,..] [--repeats R] [--seed S]\n");
            return 2;
        }
    }
    printf("junctions unknowns flops lnz nnz_A | s/flop | rel: solve/lnz spmv/nnzA vec/nf "
           "upd/lnz conv/lnz | model iter/fac measured iter/fac\n");
    for (const char *p = sizes; *p;) {
        char *end;
        size_t N = (size_t)strtod(p, &end);
        if (end == p) break;
        p = *end == ',' ? end + 1 : end;
        mn_context *ctx;
        if (mn_context_new(&ctx)) return 1;
        mn_context_set_threads(ctx, 1);
        size_t n = N / 4 + 8;
        double box = sqrt((double)n / 12.6);
        mn_gen *gen;
        mn_graph *g;
        if (mn_gen_new(&gen, ctx) || mn_gen_set_int(gen, MN_GEN_SEED, seed) ||
            mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)n) || mn_gen_set_real(gen, MN_GEN_WIDTH, box) ||
            mn_gen_set_real(gen, MN_GEN_HEIGHT, box) || mn_gen_set_real(gen, MN_GEN_LENGTH, 1.0) ||
            mn_gen_nanowires(&g, gen)) {
            fprintf(stderr, "generation: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        mn_gen_free(gen);
        const mn_index *l, *r;
        size_t nl, nr, m = mn_graph_edge_count(g);
        mn_kirchhoff *k;
        if (mn_graph_node_set(g, "left", &l, &nl) || mn_graph_node_set(g, "right", &r, &nr) ||
            mn_kirchhoff_new(&k, g) || mn_kirchhoff_set_ordering(k, MN_ORDERING_METIS) ||
            mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR) ||
            mn_kirchhoff_add_electrode(k, l, nl, NULL) || mn_kirchhoff_add_electrode(k, r, nr, NULL) ||
            mn_kirchhoff_set_potential(k, 0, 1.0)) {
            fprintf(stderr, "set-up: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        double *G = malloc(m * sizeof *G);
        for (size_t e = 0; e < m; e++) G[e] = 1e-3 + urand();
        mn__kh_rates q;
        if (mn_kirchhoff_set_conductances(k, G) || mn_kirchhoff_solve(k) ||
            mn__kirchhoff_cost_rates(k, reps, &q)) {
            fprintf(stderr, "solve: %s\n", mn_context_last_error(ctx));
            return 1;
        }
        double iter_s = q.solve * q.lnz + q.spmv * q.nnz_a + q.vec * q.nf;
        printf("%zu %.0f %.3g %.3g %.3g | %.3g | %.3g %.3g %.3g %.3g %.3g | %.4g %.4g\n", m, q.nf,
               q.flops, q.lnz, q.nnz_a, q.fac, q.solve / q.fac, q.spmv / q.fac, q.vec / q.fac,
               q.upd / q.fac, q.conv / q.fac, q.model_iter / q.model_fac,
               iter_s / (q.fac * q.flops));
        fflush(stdout);
        free(G);
        mn_kirchhoff_free(k);
        mn_graph_free(g);
        mn_context_free(ctx);
    }
    return 0;
}
