/*
 * SSE2 loop helpers shared by the N_Vector kernels (lib/sim/nvector.c) and the fast loops of the
 * stepper (lib/sim/sim_ls.c). Internal.
 */
#ifndef MEMNET_SIM_KV_H
#define MEMNET_SIM_KV_H

#include <stddef.h>

/* SSE2 helpers of the vector kernels (section "vector kernels") and the fast loops */
#if defined(__SSE2__)
#include <emmintrin.h>
#define KV_SSE2 1
#define KV_LD(p) _mm_loadu_pd((p) + i)
#define KV_ST(p, v) _mm_storeu_pd((p) + i, (v))
/* i runs over the elements; VEXPR handles i, i+1 with SSE2, SEXPR one element */
#define KV_MAP(n, VEXPR, SEXPR)                                                                    \
    do {                                                                                           \
        size_t i = 0;                                                                              \
        for (; i + 2 <= (n); i += 2) { VEXPR; }                                                    \
        for (; i < (n); i++) { SEXPR; }                                                            \
    } while (0)
#else
#define KV_SSE2 0
#define KV_MAP(n, VEXPR, SEXPR)                                                                    \
    do {                                                                                           \
        for (size_t i = 0; i < (n); i++) { SEXPR; }                                                \
    } while (0)
#endif

#endif
