/* libFuzzer target: the native network file reader (mn_graph_load); a network read is saved
 * and loaded again and must round-trip exactly. The same input is also read by
 * mn_graph_load_parts with a part mask taken from the input (its length and last byte, so the
 * corpus keeps its meaning): the parts reader may accept more (values of parts left out are only
 * checked to be numbers) but never less than mn_graph_load, and what it keeps equals what
 * mn_graph_load read; the parts left out are absent. */
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

static int same_index(const mn_index *a, const mn_index *b, size_t n)
{
    if (!a || !b) return a == b || n == 0;
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

/* mn_graph_load_parts(mask) against mn_graph_load's result full (NULL if it refused the file) */
static void check_parts(mn_context *ctx, const char *path, const mn_graph *full, unsigned mask)
{
    mn_graph *p = NULL;
    mn_status st = mn_graph_load_parts(&p, ctx, path, mask);
    if (st != MN_OK) {
        if (p) abort();
        if (full) abort(); /* refused what mn_graph_load read */
        return;
    }
    if (!p) abort();
    if (mask == MN_GRAPH_PART_ALL && !full) abort(); /* all parts: exactly mn_graph_load */
    size_t m = mn_graph_edge_count(p), n = mn_graph_node_count(p);
    if (!(mask & MN_GRAPH_PART_COORDS) && (mn_graph_node_x(p) || mn_graph_node_y(p))) abort();
    if (!(mask & MN_GRAPH_PART_LENGTHS) && mn_graph_edge_lengths(p)) abort();
    if (!(mask & MN_GRAPH_PART_POSITIONS) && (mn_graph_edge_x(p) || mn_graph_edge_y(p))) abort();
    if (!(mask & MN_GRAPH_PART_COLUMNS) && mn_graph_edge_column_count(p) != 0) abort();
    if (full) {
        if (mn_graph_edge_count(full) != m || mn_graph_node_count(full) != n) abort();
        if (!same_index(mn_graph_edge_u(full), mn_graph_edge_u(p), m)) abort();
        if (!same_index(mn_graph_edge_v(full), mn_graph_edge_v(p), m)) abort();
        if ((mask & MN_GRAPH_PART_COORDS) &&
            (!same_doubles(mn_graph_node_x(full), mn_graph_node_x(p), n) ||
             !same_doubles(mn_graph_node_y(full), mn_graph_node_y(p), n)))
            abort();
        if ((mask & MN_GRAPH_PART_LENGTHS) &&
            !same_doubles(mn_graph_edge_lengths(full), mn_graph_edge_lengths(p), m))
            abort();
        if ((mask & MN_GRAPH_PART_POSITIONS) &&
            (!same_doubles(mn_graph_edge_x(full), mn_graph_edge_x(p), m) ||
             !same_doubles(mn_graph_edge_y(full), mn_graph_edge_y(p), m)))
            abort();
        if (mask & MN_GRAPH_PART_COLUMNS) {
            if (mn_graph_edge_column_count(p) != mn_graph_edge_column_count(full)) abort();
            for (size_t k = 0; k < mn_graph_edge_column_count(p); k++)
                if (!same_doubles(mn_graph_edge_column(full, k), mn_graph_edge_column(p, k), m))
                    abort();
        }
    }
    mn_graph_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_context *ctx = NULL;
    if (mn_context_new(&ctx)) abort();
    mn_graph *g = NULL, *h = NULL;
    const char *in = fuzz_file(0, data, size);
    mn_status st_full = mn_graph_load(&g, ctx, in);
    unsigned mask = (unsigned)((size + (size ? data[size - 1] : 0u)) & MN_GRAPH_PART_ALL);
    check_parts(ctx, in, st_full == MN_OK ? g : NULL, mask);
    if (st_full == MN_OK) {
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
