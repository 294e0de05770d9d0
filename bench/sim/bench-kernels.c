/*
 * bench-kernels: memnet's N_Vector kernels for CVODE (lib/sim/nvector.c) on one thread and on
 * several threads of the context's pool (the count forced in the vectors, whatever the pool's
 * crossover), per vector length: wall time per call (the fastest of the repeats, which on a
 * loaded machine is the one that ran undisturbed; the median beside it) for a linear sum, a
 * dot product, a WRMS norm, a linear combination of 3 vectors and a scale-add of 3. Shows
 * whether the kernels are bound by memory (two threads on two cores then give < 2x) and where
 * a second thread starts to pay (the pool's crossover).
 * usage: bench-kernels [lengths (default 10000,100000,1000000,10000000)] [threads (default 2)]
 */
#include <memnet/memnet.h>
#include "sim/sim-cvode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>

#include "../bench-util.h"

enum { OP_LSUM, OP_DOT, OP_WRMS, OP_LCOMB, OP_SADD, NOP };
static const char *const op_name[NOP] = { "linearsum", "dotprod", "wrmsnorm", "lincomb3", "scaleadd3" };

static double sink;

static void run_op(int op, N_Vector *v)
{
    double c[3] = { 0.3, -0.7, 1.1 };
    switch (op) {
    case OP_LSUM: N_VLinearSum(0.3, v[0], -0.7, v[1], v[2]); break;
    case OP_DOT: sink += N_VDotProd(v[0], v[1]); break;
    case OP_WRMS: sink += N_VWrmsNorm(v[0], v[1]); break;
    case OP_LCOMB: N_VLinearCombination(3, c, v, v[4]); break;
    case OP_SADD: N_VScaleAddMulti(3, c, v[0], v + 1, v + 4); break;
    }
}

int main(int argc, char **argv)
{
    const char *lens = argc > 1 ? argv[1] : "10000,100000,1000000,10000000";
    int tmax = argc > 2 ? atoi(argv[2]) : 2;
    SUNContext sc;
    mn_context *ctx;
    if (SUNContext_Create(NULL, &sc) || mn_context_new(&ctx) ||
        mn_context_set_threads(ctx, (size_t)(tmax > 1 ? tmax : 1))) {
        fprintf(stderr, "set-up failed\n");
        return 1;
    }
    printf("# ns per element (fastest wall per call / length; median in brackets); threads 1 .. %d\n", tmax);
    printf("%-10s %-10s", "length", "op");
    for (int t = 1; t <= tmax; t++) printf("  t=%d     ", t);
    printf("  speedup\n");
    for (const char *p = lens; *p;) {
        size_t n = (size_t)strtod(p, (char **)&p);
        if (*p == ',') p++;
        if (!n) continue;
        N_Vector v[2][7];
        for (int t = 0; t < 2; t++)
            for (int k = 0; k < 7; k++) {
                v[t][k] = mn__sim_nv_detached(sc, n, ctx, 1);
                if (!v[t][k]) {
                    fprintf(stderr, "out of memory at n = %zu\n", n);
                    return 1;
                }
                double *d = N_VGetArrayPointer(v[t][k]);
                for (size_t i = 0; i < n; i++) d[i] = 1.0 + 1e-3 * (double)((i * 7 + (size_t)k) % 1000);
            }
        int reps = n >= 10000000 ? 15 : n >= 1000000 ? 41 : 101;
        for (int op = 0; op < NOP; op++) {
            double per[17] = { 0 }, med[17] = { 0 };
            for (int t = 1; t <= tmax && t <= 16; t++) {
                for (int k = 0; k < 7; k++) ((mn__nv_content *)v[0][k]->content)->threads = t;
                double tw[101];
                run_op(op, v[0]); /* warm */
                for (int r = 0; r < reps; r++) {
                    double a = now();
                    run_op(op, v[0]);
                    tw[r] = now() - a;
                }
                med[t] = median(tw, (size_t)reps) / (double)n * 1e9;
                per[t] = tw[0] / (double)n * 1e9; /* sorted by median() */
            }
            printf("%-10zu %-10s", n, op_name[op]);
            for (int t = 1; t <= tmax && t <= 16; t++) printf("  %-6.3g (%-6.3g)", per[t], med[t]);
            printf("  %.2fx\n", per[1] / per[tmax > 16 ? 16 : tmax]);
            fflush(stdout);
        }
        for (int t = 0; t < 2; t++)
            for (int k = 0; k < 7; k++) N_VDestroy(v[t][k]);
    }
    mn_context_free(ctx);
    SUNContext_Free(&sc);
    return sink == 12345.678 ? 2 : 0;
}
