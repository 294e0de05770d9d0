/* libFuzzer target: the native network file reader (mn_graph_load); a network read is saved
 * and loaded again and must round-trip exactly. */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include <math.h>
#include <memnet/memnet.h>
#include <string.h>

static int same_doubles(const double *a, const double *b, size_t n)
{
    if (!a || !b) return a == b;
    for (size_t i = 0; i < n; i++)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i])))) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_context *ctx = NULL;
    if (mn_context_new(&ctx)) abort();
    mn_graph *g = NULL, *h = NULL;
    if (mn_graph_load(&g, ctx, fuzz_file(0, data, size)) == MN_OK) {
        const char *out = fuzz_file(1, NULL, 0);
        if (mn_graph_save(g, out) != MN_OK) abort();
        if (mn_graph_load(&h, ctx, out) != MN_OK) abort();
        size_t m = mn_graph_edge_count(g), n = mn_graph_node_count(g);
        if (mn_graph_edge_count(h) != m || mn_graph_node_count(h) != n) abort();
        if (!same_doubles(mn_graph_edge_lengths(g), mn_graph_edge_lengths(h), m)) abort();
        if (!same_doubles(mn_graph_node_x(g), mn_graph_node_x(h), n)) abort();
        if (mn_graph_edge_column_count(g) != mn_graph_edge_column_count(h)) abort();
        for (size_t k = 0; k < mn_graph_edge_column_count(g); k++)
            if (!same_doubles(mn_graph_edge_column(g, k), mn_graph_edge_column(h, k), m)) abort();
    } else if (g) {
        abort();
    }
    mn_graph_free(h);
    mn_graph_free(g);
    mn_context_free(ctx);
    return 0;
}
