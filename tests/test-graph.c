/* Graph: construction, attributes, adjacency, components, extraction, files, bad input. */
#include "mn-test.h"

#include "graph/graph-private.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* independent union-find reference for components */
static int uf_find(int *p, int x)
{
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

START_TEST(test_build_and_adjacency)
{
    mn_graph *g = NULL;
    mn_index u[] = { 0, 1, 2, 0, 4, 1 };
    mn_index v[] = { 1, 2, 0, 3, 5, 0 }; /* parallel edge 1-0 is legal */
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 7, 6, u, v));
    ck_assert_uint_eq(mn_graph_node_count(g), 7);
    ck_assert_uint_eq(mn_graph_edge_count(g), 6);
    const int64_t *off;
    const mn_index *nbr, *edge;
    MN_ASSERT_OK(ctx, mn_graph_adjacency(g, &off, &nbr, &edge));
    int deg_ref[7] = { 0 };
    for (int e = 0; e < 6; e++) {
        deg_ref[u[e]]++;
        deg_ref[v[e]]++;
    }
    for (int i = 0; i < 7; i++) ck_assert_int_eq(off[i + 1] - off[i], deg_ref[i]);
    /* every adjacency entry points along a real edge */
    for (int i = 0; i < 7; i++)
        for (int64_t k = off[i]; k < off[i + 1]; k++) {
            int e = edge[k];
            ck_assert((u[e] == i && v[e] == nbr[k]) || (v[e] == i && u[e] == nbr[k]));
        }
    const mn_index *lab;
    size_t nc;
    MN_ASSERT_OK(ctx, mn_graph_components(g, &lab, &nc));
    ck_assert_uint_eq(nc, 3); /* {0,1,2,3}, {4,5}, {6} */
    ck_assert_int_eq(lab[0], lab[3]);
    ck_assert_int_ne(lab[0], lab[4]);
    ck_assert_int_eq(lab[4], lab[5]);
    ck_assert_int_ne(lab[6], lab[5]);
    /* adding an edge invalidates the caches */
    mn_index e;
    MN_ASSERT_OK(ctx, mn_graph_add_edge(g, 3, 4, &e));
    ck_assert_int_eq(e, 6);
    MN_ASSERT_OK(ctx, mn_graph_components(g, &lab, &nc));
    ck_assert_uint_eq(nc, 2);
    int conn = -1;
    mn_index a[] = { 0 }, b[] = { 5 }, c[] = { 6 };
    MN_ASSERT_OK(ctx, mn_graph_connected(g, a, 1, b, 1, &conn));
    ck_assert_int_eq(conn, 1);
    MN_ASSERT_OK(ctx, mn_graph_connected(g, a, 1, c, 1, &conn));
    ck_assert_int_eq(conn, 0);
    mn_graph_free(g);
    mn_graph_free(NULL);
}
END_TEST

START_TEST(test_components_random_against_union_find)
{
    mn_rng *r = NULL;
    MN_ASSERT_OK(ctx, mn_rng_new(&r, ctx, 99, 0));
    const int n = 2000, m = 1500;
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, n));
    int *p = malloc(n * sizeof *p);
    for (int i = 0; i < n; i++) p[i] = i;
    for (int k = 0; k < m; k++) {
        int a = (int)mn_rng_below(r, n), b = (int)mn_rng_below(r, n);
        if (a == b) continue;
        MN_ASSERT_OK(ctx, mn_graph_add_edge(g, a, b, NULL));
        p[uf_find(p, a)] = uf_find(p, b);
    }
    const mn_index *lab;
    size_t nc;
    MN_ASSERT_OK(ctx, mn_graph_components(g, &lab, &nc));
    size_t roots = 0;
    for (int i = 0; i < n; i++) roots += uf_find(p, i) == i;
    ck_assert_uint_eq(nc, roots);
    for (int k = 0; k < 5000; k++) {
        int a = (int)mn_rng_below(r, n), b = (int)mn_rng_below(r, n);
        ck_assert_int_eq(lab[a] == lab[b], uf_find(p, a) == uf_find(p, b));
    }
    free(p);
    mn_rng_free(r);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_attributes_and_extraction)
{
    mn_graph *g = NULL, *s = NULL;
    mn_index u[] = { 0, 1, 3, 4, 5 };
    mn_index v[] = { 1, 2, 4, 5, 3 };
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 6, 5, u, v));
    double x[6] = { 0, 1, 2, 3, 4, 5 }, y[6] = { 5, 4, 3, 2, 1, 0 };
    double len[5] = { 0.5, 1.5, 2.5, 3.5, 4.5 };
    double col[5] = { 10, 11, 12, 13, 14 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_coords(g, x, y));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(g, len));
    MN_ASSERT_OK(ctx, mn_graph_add_edge_column(g, col));
    mn_index left[] = { 3, 3, 4 }, right[] = { 0, 5 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(g, "left", left, 3));
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(g, "right", right, 2));
    const mn_index *ids;
    size_t n;
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &ids, &n));
    ck_assert_uint_eq(n, 2); /* duplicate removed */
    mn_index nmap[6], emap[5];
    mn_index seeds[] = { 4 };
    MN_ASSERT_OK(ctx, mn_graph_extract_components(&s, g, seeds, 1, nmap, emap));
    ck_assert_uint_eq(mn_graph_node_count(s), 3);
    ck_assert_uint_eq(mn_graph_edge_count(s), 3);
    ck_assert_int_eq(nmap[0], -1);
    ck_assert_int_eq(nmap[3], 0);
    ck_assert_int_eq(nmap[5], 2);
    ck_assert_int_eq(emap[1], -1);
    ck_assert_int_eq(emap[2], 0);
    const mn_index *no = mn_graph_node_origin(s), *eo = mn_graph_edge_origin(s);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(nmap[no[i]], i);
    for (int e = 0; e < 3; e++) {
        ck_assert_int_eq(emap[eo[e]], e);
        MN_ASSERT_REL(mn_graph_edge_lengths(s)[e], len[eo[e]], 0);
        MN_ASSERT_REL(mn_graph_edge_column(s, 0)[e], col[eo[e]], 0);
        ck_assert_int_eq(mn_graph_edge_u(s)[e], nmap[u[eo[e]]]);
    }
    MN_ASSERT_REL(mn_graph_node_x(s)[2], 5.0, 0);
    MN_ASSERT_OK(ctx, mn_graph_node_set(s, "right", &ids, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ids[0], 2);
    /* edges added after attributes get NaN ("not given") */
    MN_ASSERT_OK(ctx, mn_graph_add_edge(g, 0, 5, NULL));
    ck_assert(isnan(mn_graph_edge_lengths(g)[5]));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_length(g, 5, 7.0));
    MN_ASSERT_REL(mn_graph_edge_lengths(g)[5], 7.0, 0);
    mn_graph_free(s);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_bad_input)
{
    mn_graph *g = (mn_graph *)1;
    mn_index u[] = { 0, 2 }, v[] = { 1, 2 };
    MN_ASSERT_ERR(ctx, mn_graph_new_from_edges(&g, ctx, 3, 2, u, v), MN_ERR_INVALID, "self-loop");
    ck_assert_ptr_null(g);
    mn_index un[] = { -1 }, vn[] = { 1 };
    MN_ASSERT_ERR(ctx, mn_graph_new_from_edges(&g, ctx, 3, 1, un, vn), MN_ERR_RANGE, "-1");
    mn_index ub[] = { 0 }, vb[] = { 9 };
    MN_ASSERT_ERR(ctx, mn_graph_new_from_edges(&g, ctx, 3, 1, ub, vb), MN_ERR_RANGE, "9");
    MN_ASSERT_OK(ctx, mn_graph_new(&g, ctx, 3));
    MN_ASSERT_OK(ctx, mn_graph_add_edge(g, 0, 1, NULL));
    double bad[] = { NAN };
    MN_ASSERT_ERR(ctx, mn_graph_set_edge_lengths(g, bad), MN_ERR_RANGE, "nan");
    double neg[] = { -0.2 };
    MN_ASSERT_ERR(ctx, mn_graph_set_edge_lengths(g, neg), MN_ERR_RANGE, "-0.2");
    MN_ASSERT_ERR(ctx, mn_graph_set_edge_length(g, 4, 1.0), MN_ERR_RANGE, "edge 4");
    mn_index ids[] = { 5 };
    MN_ASSERT_ERR(ctx, mn_graph_set_node_set(g, "pad", ids, 1), MN_ERR_RANGE, "5");
    MN_ASSERT_ERR(ctx, mn_graph_set_node_set(g, "a b", ids, 0), MN_ERR_INVALID, "a b");
    MN_ASSERT_ERR(ctx, mn_graph_node_set(g, "nope", NULL, NULL), MN_ERR_NOT_FOUND, "nope");
    mn_graph *sub = NULL;
    MN_ASSERT_ERR(ctx, mn_graph_extract_components(&sub, g, NULL, 0, NULL, NULL), MN_ERR_INVALID,
                  "no seed");
    ck_assert_ptr_null(sub);
    mn_graph_free(g);
}
END_TEST

START_TEST(test_edgelist_read)
{
    const char *path = mn_test_tmpfile("el1.txt");
    write_file(path, "# a comment\n0 1 0.5 7\n\n1 2 1.5 8   # trailing\n  2 3 2.5 9\r\n");
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 1));
    ck_assert_uint_eq(mn_graph_node_count(g), 4);
    ck_assert_uint_eq(mn_graph_edge_count(g), 3);
    ck_assert_uint_eq(mn_graph_edge_column_count(g), 2);
    MN_ASSERT_REL(mn_graph_edge_lengths(g)[2], 2.5, 0);
    MN_ASSERT_REL(mn_graph_edge_column(g, 1)[1], 8.0, 0);
    ck_assert_int_eq(mn_graph_edge_u(g)[2], 2);
    ck_assert_int_eq(mn_graph_edge_v(g)[2], 3);
    mn_graph_free(g);
    /* declared node count larger than the ids */
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&g, ctx, path, 10, 0));
    ck_assert_uint_eq(mn_graph_node_count(g), 10);
    ck_assert_ptr_null(mn_graph_edge_lengths(g));
    mn_graph_free(g);
    /* write and read back */
    const char *path2 = mn_test_tmpfile("el2.txt");
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 1));
    MN_ASSERT_OK(ctx, mn_graph_write_edgelist(g, path2));
    mn_graph *h = NULL;
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&h, ctx, path2, 0, 1));
    ck_assert_uint_eq(mn_graph_edge_count(h), 3);
    for (int e = 0; e < 3; e++)
        MN_ASSERT_REL(mn_graph_edge_lengths(h)[e], mn_graph_edge_lengths(g)[e], 0);
    mn_graph_free(h);
    mn_graph_free(g);
    unlink(path);
    unlink(path2);
}
END_TEST

START_TEST(test_edgelist_errors)
{
    const char *path = mn_test_tmpfile("bad.txt");
    mn_graph *g = NULL;
    write_file(path, "0 1\n1 1\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 0), MN_ERR_INVALID, "line 2");
    ck_assert_ptr_null(g);
    write_file(path, "0 1\n-3 1\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 0), MN_ERR_RANGE, "-3");
    write_file(path, "0 1\n1 7\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 5, 0), MN_ERR_RANGE, "7");
    write_file(path, "0 1 0.5\n1 2 nan\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 1), MN_ERR_RANGE, "line 2");
    write_file(path, "0 1 0.5\n1 2 -0.2\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 1), MN_ERR_RANGE, "-0.2");
    write_file(path, "0 1\nzero one\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 0), MN_ERR_PARSE, "line 2");
    write_file(path, "0 1 2.0\n1 2\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 0), MN_ERR_PARSE, "line 2");
    write_file(path, "0 1 2.0x\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 0), MN_ERR_PARSE, "2.0x");
    write_file(path, "0 1\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, path, 0, 2), MN_ERR_RANGE, "column 2");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, "/nonexistent/x", 0, 0), MN_ERR_IO,
                  "/nonexistent/x");
    ck_assert_ptr_null(g);
    unlink(path);
}
END_TEST

/* The block reader of the network files (mn__lines, 1 MiB blocks): a network of 25 000 edges
 * whose lines cross many block ends, written with CRLF line ends, a BOM, a comment line of
 * 1.3 MB (longer than a block) and no final newline, reads back bit for bit as written by printf
 * ("%.17g" is exact); a NUL byte far into the file is reported on its line; the loaded graph
 * keeps growing like any other (the arrays the reader hands over are the graph's own). */
START_TEST(test_native_large_blocks)
{
    const int n = 8000, m = 25000;
    mn_index *u = malloc(m * sizeof *u), *v = malloc(m * sizeof *v);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *c = malloc(m * sizeof *c);
    uint64_t r = 99;
    for (int i = 0; i < n; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (double)(r >> 11) / 9007199254740992.0 * 100.0;
        y[i] = -(double)(i % 97) / 7.0;
    }
    for (int e = 0; e < m; e++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        u[e] = (mn_index)(e % n);
        v[e] = (mn_index)((e % n + 1 + (int)((r >> 33) % (uint64_t)(n - 1))) % n);
        c[e] = (double)(r >> 11) * 1e-20;
    }
    const char *path = mn_test_tmpfile("big.mnet");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("\xEF\xBB\xBF" "memnet-network 1\r\n#", f);
    for (int i = 0; i < 1300000; i++) fputc('c', f);
    fprintf(f, "\r\nnodes %d xy\r\n", n);
    for (int i = 0; i < n; i++) fprintf(f, "%.17g %.17g\r\n", x[i], y[i]);
    fprintf(f, "edges %d columns 1\r\n", m);
    for (int e = 0; e < m; e++) fprintf(f, "%d %d %.17g\r\n", (int)u[e], (int)v[e], c[e]);
    fputs("set left 3\r\n0 1 2\r\nend", f);
    ck_assert_int_eq(fclose(f), 0);
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_load(&g, ctx, path));
    ck_assert_uint_eq(mn_graph_node_count(g), (size_t)n);
    ck_assert_uint_eq(mn_graph_edge_count(g), (size_t)m);
    for (int i = 0; i < n; i++)
        ck_assert(mn_graph_node_x(g)[i] == x[i] && mn_graph_node_y(g)[i] == y[i]);
    for (int e = 0; e < m; e++) {
        ck_assert_int_eq(mn_graph_edge_u(g)[e], u[e]);
        ck_assert_int_eq(mn_graph_edge_v(g)[e], v[e]);
        ck_assert(mn_graph_edge_column(g, 0)[e] == c[e]);
    }
    const mn_index *ids;
    size_t ns;
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &ids, &ns));
    ck_assert_uint_eq(ns, 3);
    ck_assert_int_eq(ids[2], 2);
    mn_index e_new = -1;
    MN_ASSERT_OK(ctx, mn_graph_add_edge(g, 5, 9, &e_new));
    ck_assert_int_eq(e_new, m);
    ck_assert(isnan(mn_graph_edge_column(g, 0)[m]));
    ck_assert(mn_graph_edge_column(g, 0)[m - 1] == c[m - 1]);
    mn_graph_free(g);
    g = NULL;
    /* a NUL byte on edge line 20 000 (file line 28 004: magic, comment, nodes line, 8 000
     * node lines, edges line, 20 000 edge lines) */
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "memnet-network 1\n#comment\nnodes %d xy\n", n);
    for (int i = 0; i < n; i++) fprintf(f, "%.17g %.17g\n", x[i], y[i]);
    fprintf(f, "edges %d columns 1\n", m);
    for (int e = 0; e < m; e++) {
        fprintf(f, "%d %d %.17g\n", (int)u[e], (int)v[e], c[e]);
        if (e == 19998) fwrite("1 2\0003\n", 1, 6, f), e++;
    }
    fputs("end\n", f);
    ck_assert_int_eq(fclose(f), 0);
    MN_ASSERT_ERR(ctx, mn_graph_load(&g, ctx, path), MN_ERR_PARSE, "line 28004: NUL byte");
    ck_assert_ptr_null(g);
    unlink(path);
    free(u);
    free(v);
    free(x);
    free(y);
    free(c);
}
END_TEST

START_TEST(test_native_round_trip)
{
    mn_graph *g = NULL, *h = NULL;
    mn_index u[] = { 0, 1, 2, 0 }, v[] = { 1, 2, 3, 3 };
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 5, 4, u, v));
    double x[5] = { 0.1, 1.0 / 3.0, 2, 3, 1e-300 }, y[5] = { -1, 2, 3e10, 4, 5 };
    double len[4] = { 0.25, 1.0 / 7.0, 2, 3 }, ex[4] = { 1, 2, 3, 4 }, ey[4] = { 4, 3, 2, 1 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_coords(g, x, y));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(g, len));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_positions(g, ex, ey));
    MN_ASSERT_OK(ctx, mn_graph_add_edge_column(g, len));
    mn_index pads[20];
    for (int i = 0; i < 20; i++) pads[i] = i % 5;
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(g, "source", pads, 20));
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(g, "empty", NULL, 0));
    const char *path = mn_test_tmpfile("net.mnet");
    MN_ASSERT_OK(ctx, mn_graph_save(g, path));
    MN_ASSERT_OK(ctx, mn_graph_load(&h, ctx, path));
    ck_assert_uint_eq(mn_graph_node_count(h), 5);
    ck_assert_uint_eq(mn_graph_edge_count(h), 4);
    for (int i = 0; i < 5; i++) {
        ck_assert(mn_graph_node_x(h)[i] == x[i]);
        ck_assert(mn_graph_node_y(h)[i] == y[i]);
    }
    for (int e = 0; e < 4; e++) {
        ck_assert(mn_graph_edge_lengths(h)[e] == len[e]);
        ck_assert(mn_graph_edge_x(h)[e] == ex[e]);
        ck_assert(mn_graph_edge_column(h, 0)[e] == len[e]);
        ck_assert_int_eq(mn_graph_edge_v(h)[e], v[e]);
    }
    const mn_index *ids;
    size_t n;
    MN_ASSERT_OK(ctx, mn_graph_node_set(h, "source", &ids, &n));
    ck_assert_uint_eq(n, 5);
    MN_ASSERT_OK(ctx, mn_graph_node_set(h, "empty", &ids, &n));
    ck_assert_uint_eq(n, 0);
    mn_graph_free(h);
    /* truncated file */
    write_file(path, "memnet-network 1\nnodes 3\nedges 2 columns 0\n0 1\n");
    MN_ASSERT_ERR(ctx, mn_graph_load(&h, ctx, path), MN_ERR_PARSE, "end of file");
    write_file(path, "something else\n");
    MN_ASSERT_ERR(ctx, mn_graph_load(&h, ctx, path), MN_ERR_PARSE, "not a memnet network");
    ck_assert_ptr_null(h);
    mn_graph_free(g);
    unlink(path);
}
END_TEST

/* mn_graph_load_parts against mn_graph_load (the reference): every combination of parts keeps
 * exactly the asked-for parts, bit for bit, with the same structure and node sets; a part left
 * out is still checked for numbers, accepting and rejecting the same tokens with the same
 * message as the full load (tokens in an edge position, which has no range check) */
START_TEST(test_native_load_parts)
{
    mn_graph *g = NULL, *full = NULL, *h = NULL;
    mn_index u[] = { 0, 1, 2, 0, 4 }, v[] = { 1, 2, 3, 3, 2 };
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&g, ctx, 6, 5, u, v));
    double x[6] = { 0.1, 1.0 / 3.0, 2, 3, 1e-300, -7.25 }, y[6] = { -1, 2, 3e10, 4, 5, 6 };
    double len[5] = { 0.25, 1.0 / 7.0, 2, 3, 4 }, ex[5] = { 1, 2, 3, 4, 5 };
    double ey[5] = { 4, 3, 2, 1, 0.5 }, c2[5] = { -1e-20, 2.5, 1e300, 0, 9 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_coords(g, x, y));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_lengths(g, len));
    MN_ASSERT_OK(ctx, mn_graph_set_edge_positions(g, ex, ey));
    MN_ASSERT_OK(ctx, mn_graph_add_edge_column(g, ey));
    MN_ASSERT_OK(ctx, mn_graph_add_edge_column(g, c2));
    mn_index left[] = { 0, 5 };
    MN_ASSERT_OK(ctx, mn_graph_set_node_set(g, "left", left, 2));
    const char *path = mn_test_tmpfile("parts.mnet");
    MN_ASSERT_OK(ctx, mn_graph_save(g, path));
    MN_ASSERT_OK(ctx, mn_graph_load(&full, ctx, path));
    for (unsigned parts = 0; parts <= MN_GRAPH_PART_ALL; parts++) {
        MN_ASSERT_OK(ctx, mn_graph_load_parts(&h, ctx, path, parts));
        ck_assert_uint_eq(mn_graph_node_count(h), mn_graph_node_count(full));
        ck_assert_uint_eq(mn_graph_edge_count(h), mn_graph_edge_count(full));
        for (size_t e = 0; e < 5; e++) {
            ck_assert_int_eq(mn_graph_edge_u(h)[e], mn_graph_edge_u(full)[e]);
            ck_assert_int_eq(mn_graph_edge_v(h)[e], mn_graph_edge_v(full)[e]);
        }
        const mn_index *a, *b;
        size_t na, nb;
        MN_ASSERT_OK(ctx, mn_graph_node_set(h, "left", &a, &na));
        MN_ASSERT_OK(ctx, mn_graph_node_set(full, "left", &b, &nb));
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(a, b, na * sizeof *a);
        const double *pairs[][2] = {
            { mn_graph_node_x(h), mn_graph_node_x(full) }, { mn_graph_node_y(h), mn_graph_node_y(full) },
            { mn_graph_edge_lengths(h), mn_graph_edge_lengths(full) },
            { mn_graph_edge_x(h), mn_graph_edge_x(full) }, { mn_graph_edge_y(h), mn_graph_edge_y(full) },
        };
        const unsigned want[] = { MN_GRAPH_PART_COORDS, MN_GRAPH_PART_COORDS, MN_GRAPH_PART_LENGTHS,
                                  MN_GRAPH_PART_POSITIONS, MN_GRAPH_PART_POSITIONS };
        for (int k = 0; k < 5; k++) {
            size_t cnt = k < 2 ? 6 : 5;
            if (parts & want[k]) {
                ck_assert_ptr_nonnull(pairs[k][0]);
                ck_assert_mem_eq(pairs[k][0], pairs[k][1], cnt * sizeof(double));
            } else {
                ck_assert_ptr_null(pairs[k][0]);
            }
        }
        size_t nc = (parts & MN_GRAPH_PART_COLUMNS) ? 2 : 0;
        ck_assert_uint_eq(mn_graph_edge_column_count(h), nc);
        for (size_t c = 0; c < nc; c++)
            ck_assert_mem_eq(mn_graph_edge_column(h, c), mn_graph_edge_column(full, c),
                             5 * sizeof(double));
        mn_graph_free(h);
        h = NULL;
    }
    /* one token of an edge position replaced: the same verdict and message as the full load */
    static const char *tok[] = { "1.5", "-.5", "+3", "1e5", "1E-3", "7.", "00.0e+00", ".e5", "1e",
                                 "1e+", "e5", ".", "+", "-", "--1", "1..2", "1.5x", "7,5", "inf",
                                 "-nan", "0x1p3", "1e400", "12345678901234567890123.5e-3", "abc" };
    char text[512], msg_full[256];
    for (size_t i = 0; i < sizeof tok / sizeof tok[0]; i++) {
        snprintf(text, sizeof text,
                 "memnet-network 1\nnodes 3 xy\n0 0\n1 1\n2 2\nedges 2 length position columns 1\n"
                 "0 1 0.5 1 2 3\n1 2 0.5 %s 2 3\nset left 1\n0\nend\n", tok[i]);
        write_file(path, text);
        mn_status a = mn_graph_load(&h, ctx, path);
        snprintf(msg_full, sizeof msg_full, "%s", a == MN_OK ? "" : mn_context_last_error(ctx));
        mn_graph_free(h);
        h = NULL;
        for (unsigned parts = 0; parts <= MN_GRAPH_PART_ALL; parts += 5) {
            mn_status b = mn_graph_load_parts(&h, ctx, path, parts);
            ck_assert_msg(a == b, "\"%s\", parts %u: %s vs %s", tok[i], parts, mn_status_name(a),
                          mn_status_name(b));
            if (b != MN_OK) ck_assert_str_eq(mn_context_last_error(ctx), msg_full);
            mn_graph_free(h);
            h = NULL;
        }
    }
    /* a malformed coordinate is rejected even when the coordinates are left out */
    write_file(path, "memnet-network 1\nnodes 2 xy\n0 0\n1 x1\nedges 1 columns 0\n0 1\nend\n");
    MN_ASSERT_ERR(ctx, mn_graph_load_parts(&h, ctx, path, 0), MN_ERR_PARSE, "expected 'x y' of node 1");
    MN_ASSERT_ERR(ctx, mn_graph_load_parts(&h, ctx, path, 16), MN_ERR_INVALID, "unknown bits");
    ck_assert_ptr_null(h);
    mn_graph_free(full);
    mn_graph_free(g);
    unlink(path);
}
END_TEST

/* the reader's number parser against strtod, bit for bit: %.17g and shorter forms of random
 * doubles over many decades, near-halfway cases, and forms the fast path leaves to strtod */
START_TEST(test_number_parser_vs_strtod)
{
    uint64_t z = 42;
    char buf[64];
    size_t n = 0;
    for (int i = 0; i < 60000; i++) {
        z = z * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t bits = z >> 1;
        double x;
        if (i % 4 == 0) {
            memcpy(&x, &bits, sizeof x); /* any finite double */
            if (!isfinite(x)) continue;
        } else {
            x = ldexp((double)(z >> 11), -53) * pow(10.0, (double)((int)(z % 61) - 30));
        }
        static const int prec[] = { 17, 16, 15, 6, 20, 3, 1, 19 };
        double y = (i & 8) ? -x : x;
        if (i % 8 == 4) snprintf(buf, sizeof buf, "%.*e", prec[i % 8], y);
        else if (i % 8 == 5) snprintf(buf, sizeof buf, "%.*f", prec[i % 8], fabs(y) < 1e30 ? y : 1.5);
        else snprintf(buf, sizeof buf, "%.*g", prec[i % 8], y);
        char *e1, *e2;
        double a = mn__graph_strtod(buf, &e1), b = strtod(buf, &e2);
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0 && e1 == e2, "\"%s\": %.17g vs strtod %.17g", buf, a, b);
        n++;
    }
    ck_assert_uint_gt(n, 50000);
    /* halfway cases: decimal expansions of x + ulp/2 (exactly representable in decimal) */
    for (int i = 0; i < 2000; i++) {
        z = z * 6364136223846793005ULL + 1442695040888963407ULL;
        double x = ldexp((double)((z >> 11) | 1ULL << 52), -52 + (int)(z % 40) - 20);
        double h = x + ldexp(1.0, ilogb(x) - 53);
        char *e1, *e2;
        snprintf(buf, sizeof buf, "%.40g", h);
        double a = mn__graph_strtod(buf, &e1), b = strtod(buf, &e2);
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0 && e1 == e2, "\"%s\"", buf);
        snprintf(buf, sizeof buf, "%.19g", h); /* 19 digits: on the fast path */
        a = mn__graph_strtod(buf, &e1), b = strtod(buf, &e2);
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0 && e1 == e2, "\"%s\"", buf);
    }
    static const char *odd[] = { "0", "-0", "+.5", "1.", "1.e5", ".e5", "1e", "1e+", "1e-400", "1e400",
                                 "0x1p3", "inf", "-nan", "00012.50", "0.000000000000000000000000000001234",
                                 "12345678901234567890123", "1.5x", "7,5", "9007199254740993", "1e-27",
                                 "1e27", "4.9e-324", "1e-5 ", "2.5\t" };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char *e1, *e2;
        double a = mn__graph_strtod(odd[i], &e1), b = strtod(odd[i], &e2);
        ck_assert_msg((memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b))) && e1 == e2, "\"%s\"", odd[i]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("graph");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_build_and_adjacency);
    tcase_add_test(tc, test_components_random_against_union_find);
    tcase_add_test(tc, test_attributes_and_extraction);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_edgelist_read);
    tcase_add_test(tc, test_edgelist_errors);
    tcase_add_test(tc, test_native_round_trip);
    tcase_add_test(tc, test_native_large_blocks);
    tcase_add_test(tc, test_number_parser_vs_strtod);
    tcase_add_test(tc, test_native_load_parts);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
