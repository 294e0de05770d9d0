/* libFuzzer target: the plain edge-list reader (mn_graph_read_edgelist), with and without a
 * declared node count and a length column; a graph read is written and read back. */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include <memnet/memnet.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_context *ctx = NULL;
    if (mn_context_new(&ctx)) abort();
    const char *path = fuzz_file(0, data, size);
    mn_graph *g = NULL;
    /* the first byte chooses the options, so the fuzzer explores all of them */
    size_t n_nodes = size && (data[0] & 1) ? 64 : 0, lcol = size && (data[0] & 2) ? 1 : 0;
    if (mn_graph_read_edgelist(&g, ctx, path, n_nodes, lcol) == MN_OK) {
        if (!g) abort();
        const char *out = fuzz_file(1, NULL, 0);
        mn_graph *h = NULL;
        if (mn_graph_write_edgelist(g, out) != MN_OK) abort();
        if (mn_graph_read_edgelist(&h, ctx, out, mn_graph_node_count(g), 0) != MN_OK) abort();
        if (mn_graph_edge_count(h) != mn_graph_edge_count(g)) abort();
        if (memcmp(mn_graph_edge_u(h), mn_graph_edge_u(g), mn_graph_edge_count(g) * sizeof(mn_index)))
            abort();
        mn_graph_free(h);
    } else if (g) {
        abort(); /* *out must be NULL on failure */
    }
    mn_graph_free(g);
    mn_context_free(ctx);
    return 0;
}
