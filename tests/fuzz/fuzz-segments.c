/* libFuzzer target: the segments reader (mn_gen_segments_file) with the junction-only and the
 * multi-node graph (first byte); a network read is exported as segments (mn_gen_wires) and
 * rebuilt from memory, which must give the same junctions. */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include <memnet/memnet.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_context *ctx = NULL;
    mn_gen *gen = NULL;
    if (mn_context_new(&ctx) || mn_gen_new(&gen, ctx)) abort();
    const char *path = fuzz_file(0, data, size);
    mn_graph *g = NULL, *h = NULL;
    mn_gen_set_int(gen, MN_GEN_MULTINODE, size && (data[0] & 1));
    mn_gen_set_int(gen, MN_GEN_KEEP, size && (data[0] & 2) ? MN_GEN_KEEP_ELECTRODES : MN_GEN_KEEP_ALL);
    if (mn_gen_segments_file(&g, gen, path) == MN_OK) {
        if (!g) abort();
        const double *x0, *y0, *x1, *y1;
        size_t n = mn_gen_wires(gen, &x0, &y0, &x1, &y1);
        double *xy = malloc(4 * n * sizeof *xy + 1);
        if (!xy) abort();
        for (size_t i = 0; i < n; i++) {
            xy[4 * i] = x0[i];
            xy[4 * i + 1] = y0[i];
            xy[4 * i + 2] = x1[i];
            xy[4 * i + 3] = y1[i];
        }
        if (mn_gen_segments(&h, gen, xy, n) != MN_OK) abort();
        size_t m = mn_graph_edge_count(g);
        if (mn_graph_edge_count(h) != m) abort();
        if (m && memcmp(mn_graph_edge_u(h), mn_graph_edge_u(g), m * sizeof(mn_index))) abort();
        free(xy);
    } else if (g) {
        abort(); /* *out must be NULL on failure */
    }
    mn_graph_free(g);
    mn_graph_free(h);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return 0;
}
