/* Networks from measured wires (mn_gen_segments, mn_gen_segments_file):
 *  - the junctions equal a brute-force O(n^2) segment-intersection search written here
 *    (orientation tests, not the library's parametric solve), crossing points to 1e-9;
 *  - round trip: a random network's wires exported as segments and re-imported give the same
 *    graph (nodes, edges, junction points, wire segment lengths, electrodes), from memory and
 *    through a file written with %.17g;
 *  - the reader: comments, header, blanks, CRLF, BOM; bad lines refused with their line number
 *    and value; zero-length segments, NUL bytes, non-finite values refused. */
#include "../mn-test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

/* sign of the orientation of (a, b, c) */
static int orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    double d = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return (d > 0) - (d < 0);
}

/* proper or touching crossing of two non-parallel segments (the test's own reference) */
static int crosses(const double *s, const double *t)
{
    int o1 = orient(s[0], s[1], s[2], s[3], t[0], t[1]);
    int o2 = orient(s[0], s[1], s[2], s[3], t[2], t[3]);
    int o3 = orient(t[0], t[1], t[2], t[3], s[0], s[1]);
    int o4 = orient(t[0], t[1], t[2], t[3], s[2], s[3]);
    return o1 * o2 <= 0 && o3 * o4 <= 0 && !(o1 == 0 && o2 == 0);
}

static void random_segments(mn_rng *r, size_t n, double W, double Lmax, double *xy)
{
    for (size_t i = 0; i < n; i++) {
        double cx = W * mn_rng_uniform(r), cy = W * mn_rng_uniform(r);
        double th = 3.141592653589793 * mn_rng_uniform(r), L = Lmax * (0.2 + 0.8 * mn_rng_uniform(r));
        xy[4 * i] = cx - 0.5 * L * cos(th);
        xy[4 * i + 1] = cy - 0.5 * L * sin(th);
        xy[4 * i + 2] = cx + 0.5 * L * cos(th);
        xy[4 * i + 3] = cy + 0.5 * L * sin(th);
    }
}

START_TEST(test_brute_force)
{
    mn_rng *r;
    MN_ASSERT_OK(ctx, mn_rng_new(&r, ctx, 2026, 0));
    const size_t sizes[] = { 1, 2, 40, 400 };
    for (int t = 0; t < 4; t++) {
        size_t n = sizes[t];
        double *xy = malloc(4 * n * sizeof *xy);
        random_segments(r, n, 10.0, t == 3 ? 2.5 : 8.0, xy);
        if (n == 2) { /* an X through the middle, and end points that touch are junctions */
            double a[8] = { 0, 0, 2, 2, 0, 2, 2, 0 };
            memcpy(xy, a, sizeof a);
        }
        mn_gen *gen;
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_JUNCTION_GAP, 0.003));
        MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "a", (mn_index[]){ 0 }, 1));
        MN_ASSERT_OK(ctx, mn_gen_segments(&g, gen, xy, n));
        ck_assert_uint_eq(mn_graph_node_count(g), n);
        /* the reference: every pair, sorted by (a, b) like the graph's edges */
        size_t m = mn_graph_edge_count(g), k = 0;
        const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
        const double *ex = mn_graph_edge_x(g), *ey = mn_graph_edge_y(g), *len = mn_graph_edge_lengths(g);
        const double *nx = mn_graph_node_x(g), *ny = mn_graph_node_y(g);
        for (size_t i = 0; i < n; i++) {
            MN_ASSERT_REL(nx[i], 0.5 * (xy[4 * i] + xy[4 * i + 2]), 1e-15);
            MN_ASSERT_REL(ny[i], 0.5 * (xy[4 * i + 1] + xy[4 * i + 3]), 1e-15);
            for (size_t j = i + 1; j < n; j++) {
                if (!crosses(xy + 4 * i, xy + 4 * j)) continue;
                ck_assert_msg(k < m, "n = %zu: more crossings than the %zu edges", n, m);
                ck_assert_msg(u[k] == (mn_index)i && v[k] == (mn_index)j,
                              "n = %zu: edge %zu is %d-%d, the reference crossing is %zu-%zu", n, k,
                              u[k], v[k], i, j);
                /* crossing point: intersection of the two lines (Cramer's rule) */
                const double *s = xy + 4 * i, *q = xy + 4 * j;
                double a1 = s[3] - s[1], b1 = s[0] - s[2], c1 = a1 * s[0] + b1 * s[1];
                double a2 = q[3] - q[1], b2 = q[0] - q[2], c2 = a2 * q[0] + b2 * q[1];
                double det = a1 * b2 - a2 * b1;
                MN_ASSERT_ABS(ex[k], (c1 * b2 - c2 * b1) / det, 1e-9);
                MN_ASSERT_ABS(ey[k], (a1 * c2 - a2 * c1) / det, 1e-9);
                ck_assert(len[k] == 0.003);
                k++;
            }
        }
        ck_assert_uint_eq(k, m);
        if (n == 2) ck_assert_uint_eq(m, 1);
        /* the wires are kept as given */
        const double *w0, *w1, *w2, *w3;
        ck_assert_uint_eq(mn_gen_wires(gen, &w0, &w1, &w2, &w3), n);
        for (size_t i = 0; i < n; i++)
            ck_assert(w0[i] == xy[4 * i] && w1[i] == xy[4 * i + 1] && w2[i] == xy[4 * i + 2] &&
                      w3[i] == xy[4 * i + 3]);
        mn_graph_free(g);
        mn_gen_free(gen);
        free(xy);
    }
    mn_rng_free(r);
}
END_TEST

static void assert_same_graph(const mn_graph *a, const mn_graph *b)
{
    size_t n = mn_graph_node_count(a), m = mn_graph_edge_count(a);
    ck_assert_uint_eq(mn_graph_node_count(b), n);
    ck_assert_uint_eq(mn_graph_edge_count(b), m);
    ck_assert(m > 0);
    ck_assert(!memcmp(mn_graph_edge_u(a), mn_graph_edge_u(b), m * sizeof(mn_index)));
    ck_assert(!memcmp(mn_graph_edge_v(a), mn_graph_edge_v(b), m * sizeof(mn_index)));
    const double *pa[4] = { mn_graph_edge_lengths(a), mn_graph_edge_x(a), mn_graph_edge_y(a), NULL };
    const double *pb[4] = { mn_graph_edge_lengths(b), mn_graph_edge_x(b), mn_graph_edge_y(b), NULL };
    /* junction points and gaps bit for bit; wire-segment lengths (multi-node) to round-off:
     * the random generator keeps the drawn length, segments recompute it from the end points */
    for (int k = 0; k < 3; k++)
        for (size_t e = 0; e < m; e++)
            ck_assert_msg(pa[k][e] == pb[k][e] ||
                              (k == 0 && fabs(pa[k][e] - pb[k][e]) <= 1e-14 * fabs(pa[k][e])),
                          "edge %zu: value %d differs: %.17g vs %.17g", e, k, pa[k][e], pb[k][e]);
    for (size_t i = 0; i < n; i++)
        ck_assert(mn_graph_node_x(a)[i] == mn_graph_node_x(b)[i] &&
                  mn_graph_node_y(a)[i] == mn_graph_node_y(b)[i]);
    size_t nc = mn_graph_edge_column_count(a);
    ck_assert_uint_eq(mn_graph_edge_column_count(b), nc);
    for (size_t c = 0; c < nc; c++)
        for (size_t e = 0; e < m; e++) {
            double x = mn_graph_edge_column(a, c)[e], y = mn_graph_edge_column(b, c)[e];
            ck_assert_msg(x == y || (isnan(x) && isnan(y)) || fabs(x - y) <= 1e-14 * fabs(x),
                          "edge %zu column %zu: %.17g vs %.17g", e, c, x, y);
        }
    size_t ns = mn_graph_node_set_count(a);
    ck_assert_uint_eq(mn_graph_node_set_count(b), ns);
    for (size_t s = 0; s < ns; s++) {
        const char *name = mn_graph_node_set_name(a, s);
        ck_assert_str_eq(name, mn_graph_node_set_name(b, s));
        const mn_index *ia, *ib;
        size_t na, nb;
        MN_ASSERT_OK(ctx, mn_graph_node_set(a, name, &ia, &na));
        MN_ASSERT_OK(ctx, mn_graph_node_set(b, name, &ib, &nb));
        ck_assert_uint_eq(na, nb);
        ck_assert(!memcmp(ia, ib, na * sizeof(mn_index)));
    }
}

START_TEST(test_round_trip)
{
    /* _i: bit 0 multi-node, bit 1 keep only the electrode components */
    int multinode = _i & 1, keep = (_i >> 1) & 1;
    mn_gen *gen;
    mn_graph *g = NULL, *h = NULL, *f = NULL;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 700));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 20));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 15));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 2));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, 0.5));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_LOGNORMAL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_PAD_WIDTH, 1.0));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 11 + _i));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_MULTINODE, multinode));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, keep ? MN_GEN_KEEP_ELECTRODES : MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    const double *x0, *y0, *x1, *y1;
    size_t n = mn_gen_wires(gen, &x0, &y0, &x1, &y1);
    ck_assert_uint_eq(n, 700);
    double *xy = malloc(4 * n * sizeof *xy);
    for (size_t i = 0; i < n; i++) {
        xy[4 * i] = x0[i];
        xy[4 * i + 1] = y0[i];
        xy[4 * i + 2] = x1[i];
        xy[4 * i + 3] = y1[i];
    }
    size_t nmap_g;
    const mn_index *map_g = mn_gen_node_map(gen, &nmap_g);
    mn_index *map_copy = NULL;
    if (map_g) {
        map_copy = malloc(nmap_g * sizeof *map_copy);
        memcpy(map_copy, map_g, nmap_g * sizeof *map_copy);
    }
    /* from memory */
    MN_ASSERT_OK(ctx, mn_gen_segments(&h, gen, xy, n));
    assert_same_graph(g, h);
    size_t nmap_h;
    const mn_index *map_h = mn_gen_node_map(gen, &nmap_h);
    ck_assert_uint_eq(nmap_h, map_copy ? nmap_g : 0);
    if (map_copy) ck_assert(!memcmp(map_h, map_copy, nmap_g * sizeof *map_copy));
    /* through a file (%.17g round-trips doubles), with a header and a comment */
    const char *path = mn_test_tmpfile("segments-roundtrip.csv");
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "# exported wires\nwire,x0,y0,x1,y1,node\n");
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%zu,%.17g,%.17g,%.17g,%.17g,-1\n", i, xy[4 * i], xy[4 * i + 1], xy[4 * i + 2],
                xy[4 * i + 3]);
    ck_assert_int_eq(fclose(fp), 0);
    MN_ASSERT_OK(ctx, mn_gen_segments_file(&f, gen, path));
    assert_same_graph(g, f);
    remove(path);
    free(map_copy);
    free(xy);
    mn_graph_free(g);
    mn_graph_free(h);
    mn_graph_free(f);
    mn_gen_free(gen);
}
END_TEST

static mn_status read_text(const char *text, size_t len, mn_graph **g, mn_gen *gen)
{
    const char *path = mn_test_tmpfile("segments-reader.txt");
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
    ck_assert_int_eq(fclose(fp), 0);
    mn_status st = mn_gen_segments_file(g, gen, path);
    remove(path);
    return st;
}
#define READ(text, g, gen) read_text((text), sizeof(text) - 1, (g), (gen))

START_TEST(test_reader)
{
    mn_gen *gen;
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 4));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 4));
    /* the same three segments in five spellings: a star of 3 crossings at (2, 2) */
    const char *good[] = {
        "0,0,4,4\n0,4,4,0\n2,0,2,4\n",
        "\xEF\xBB\xBF# BOM, comments, blank lines, CRLF\r\n\r\n0 0 4 4\r\n 0\t4 4 0 # tail\r\n2,0,2,4",
        "x1,y1,x2,y2\n0, 0, 4, 4\n0,4,4,0\n2,0,2,4\n",
        "id,X2,Y2,X1,Y1\nA,4,4,0,0\nB,4,0,0,4\nC,2,4,2,0\n",
        "a,b,c,d\n0,0,4,4\n0,4,4,0\n2,0,2,4\n",
    };
    for (int k = 0; k < 5; k++) {
        MN_ASSERT_OK(ctx, read_text(good[k], strlen(good[k]), &g, gen));
        ck_assert_uint_eq(mn_graph_node_count(g), 3);
        ck_assert_uint_eq(mn_graph_edge_count(g), 3);
        for (int e = 0; e < 3; e++) {
            MN_ASSERT_ABS(mn_graph_edge_x(g)[e], 2.0, 1e-15);
            MN_ASSERT_ABS(mn_graph_edge_y(g)[e], 2.0, 1e-15);
        }
        /* the default pads on x = 0 and x = W = 4 */
        const mn_index *ids;
        size_t nl;
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &ids, &nl));
        ck_assert_uint_eq(nl, 2);
        mn_graph_free(g);
        g = NULL;
    }
    /* bad input: code, and the message names the line and the value */
    MN_ASSERT_ERR(ctx, READ("0,0,1,1\n0,0,1\n", &g, gen), MN_ERR_PARSE, "line 2: 3 values");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1\n\n0,0,1,zz\n", &g, gen), MN_ERR_PARSE, "line 3: y2 \"zz\"");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1\n1,1,1,1\n", &g, gen), MN_ERR_INVALID, "line 2: zero-length");
    MN_ASSERT_ERR(ctx, READ("0,0,1,nan\n", &g, gen), MN_ERR_RANGE, "line 1: y2 = nan");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1e999\n", &g, gen), MN_ERR_RANGE, "not finite");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1\n0,0.5\0,1,1\n", &g, gen), MN_ERR_PARSE, "line 2: NUL byte");
    MN_ASSERT_ERR(ctx, READ("# nothing\n\n", &g, gen), MN_ERR_PARSE, "no segments");
    MN_ASSERT_ERR(ctx, READ("", &g, gen), MN_ERR_PARSE, "no segments");
    MN_ASSERT_ERR(ctx, READ("x,y\n0,0,1,1\n", &g, gen), MN_ERR_PARSE, "line 1: header");
    MN_ASSERT_ERR(ctx, READ("x0,y0,x1,y1,w\n0,0,1,1\n", &g, gen), MN_ERR_PARSE, "line 2: 4 values, expected 5");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1\n0;0;1;1\n", &g, gen), MN_ERR_PARSE, "line 2");
    MN_ASSERT_ERR(ctx, READ("0,0,1,1,\n", &g, gen), MN_ERR_PARSE, "line 1: 5 values");
    MN_ASSERT_ERR(ctx, mn_gen_segments_file(&g, gen, "/nonexistent/segments.csv"), MN_ERR_IO,
                  "/nonexistent/segments.csv");
    ck_assert_ptr_null(g);
    /* the array API */
    double z[8] = { 0, 0, 1, 1, 3, 3, 3, 3 };
    MN_ASSERT_ERR(ctx, mn_gen_segments(&g, gen, z, 2), MN_ERR_INVALID, "segment 1: zero length");
    z[5] = NAN;
    MN_ASSERT_ERR(ctx, mn_gen_segments(&g, gen, z, 2), MN_ERR_RANGE, "segment 1: y1 = nan");
    MN_ASSERT_ERR(ctx, mn_gen_segments(&g, gen, z, 0), MN_ERR_RANGE, "no segments");
    MN_ASSERT_ERR(ctx, mn_gen_segments(&g, gen, NULL, 3), MN_ERR_INVALID, "NULL");
    ck_assert_int_eq(mn_gen_segments(&g, NULL, z, 1), MN_ERR_INVALID);
    ck_assert_ptr_null(g);
    ck_assert_uint_eq(mn_gen_wires(gen, NULL, NULL, NULL, NULL), 0); /* nothing kept */
    /* electrodes are checked against the segment count */
    double one[4] = { 0, 0, 4, 4 };
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "far", (mn_index[]){ 5 }, 1));
    MN_ASSERT_ERR(ctx, mn_gen_segments(&g, gen, one, 1), MN_ERR_INVALID, "wire id 5");
    mn_gen_free(gen);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generators-segments");
    TCase *tc = tcase_create("segments");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_brute_force);
    tcase_add_loop_test(tc, test_round_trip, 0, 4);
    tcase_add_test(tc, test_reader);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
