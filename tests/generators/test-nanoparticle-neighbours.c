/* The nanoparticle generator's Voronoi neighbour rule (MN_GEN_NEIGHBOURS_VORONOI, issue 15
 * item 9) against references that share no code with it:
 * - an all-pairs check on small films: particles i, j are Voronoi neighbours in the box iff
 *   the part of their bisector closer to them than to every other centre, and inside the box,
 *   has positive length (an O(n^3) line-interval computation, not the generator's polygon
 *   clipping); groups are joined iff two of their particles are, with the smallest
 *   edge-to-edge distance among those pairs;
 * - Poisson-Delaunay statistics: at a coverage so low that groups are single particles, the
 *   mean degree tends to 6 (Euler's formula for a triangulation, E = 3n - 3 - h);
 * - no length scale: the graph does not depend on MN_GEN_GAP_CUTOFF;
 * - tests/generators/check-voronoi.py compares larger films with scipy's Delaunay (Qhull). */
#include "../mn-test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mn_context *ctx;
static mn_gen *gen;

static void setup(void)
{
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    /* electrodes on particles 0 and 1: sparse films may not reach the box's sides */
    const mn_index a = 0, b = 1;
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "left", &a, 1));
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "right", &b, 1));
}
static void teardown(void)
{
    mn_gen_free(gen);
    mn_context_free(ctx);
}

/* Length of the part of the bisector of i and j that is at least as close to i as to every
 * other centre and lies in [0, W] x [0, H]. */
static double bisector_edge(const double *x, const double *y, size_t n, size_t i, size_t j,
                            double W, double H)
{
    double dx = x[j] - x[i], dy = y[j] - y[i], d = hypot(dx, dy);
    double mx = 0.5 * dx, my = 0.5 * dy, ux = -dy / d, uy = dx / d; /* relative to i */
    double lo = -INFINITY, hi = INFINITY;
    /* a t <= b */
#define CONSTRAIN(a, b)                                                                         \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (a_ > 0) hi = fmin(hi, b_ / a_);                                                     \
        else if (a_ < 0) lo = fmax(lo, b_ / a_);                                                \
        else if (b_ < 0) return 0;                                                              \
    } while (0)
    CONSTRAIN(-ux, mx + x[i]);     /* x >= 0 */
    CONSTRAIN(ux, W - x[i] - mx);  /* x <= W */
    CONSTRAIN(-uy, my + y[i]);     /* y >= 0 */
    CONSTRAIN(uy, H - y[i] - my);  /* y <= H */
    for (size_t k = 0; k < n; k++) {
        if (k == i || k == j) continue;
        double kx = x[k] - x[i], ky = y[k] - y[i];
        /* |p|^2 <= |p - k|^2  <=>  2 p.k <= |k|^2, p = m + t u */
        CONSTRAIN(2 * (ux * kx + uy * ky), kx * kx + ky * ky - 2 * (mx * kx + my * ky));
        if (hi <= lo) return 0;
    }
#undef CONSTRAIN
    return hi > lo ? hi - lo : 0;
}

static void check_bruteforce(double W, double H, double p, int64_t seed)
{
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, W));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, H));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, p));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, seed));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NEIGHBOURS, MN_GEN_NEIGHBOURS_VORONOI));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    const double *px, *py;
    const mn_index *pn;
    size_t np = mn_gen_particles(gen, &px, &py, &pn);
    size_t nn = mn_graph_node_count(g);
    ck_assert_uint_gt(np, 20);
    /* reference: per pair of groups, the smallest gap over Voronoi-neighbour particle pairs;
     * pairs whose only shared boundary is shorter than 1e-6 pd are ambiguous (either answer
     * is the Delaunay graph up to one flip) and counted in `amb` */
    double *gap = malloc(nn * nn * sizeof *gap);
    unsigned char *amb = calloc(nn * nn, 1);
    ck_assert_ptr_nonnull(gap);
    ck_assert_ptr_nonnull(amb);
    for (size_t k = 0; k < nn * nn; k++) gap[k] = INFINITY;
    size_t n_amb = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t j = i + 1; j < np; j++) {
            if (pn[i] == pn[j]) continue;
            double len = bisector_edge(px, py, np, i, j, W, H);
            if (len <= 0) continue;
            size_t a = (size_t)(pn[i] < pn[j] ? pn[i] : pn[j]), b = (size_t)(pn[i] < pn[j] ? pn[j] : pn[i]);
            if (len < 1e-6) {
                amb[a * nn + b] = 1;
                n_amb++;
                continue;
            }
            double d = hypot(px[i] - px[j], py[i] - py[j]) - 1;
            if (d < gap[a * nn + b]) gap[a * nn + b] = d;
        }
    size_t ref_edges = 0;
    for (size_t a = 0; a < nn; a++)
        for (size_t b = a + 1; b < nn; b++) ref_edges += isfinite(gap[a * nn + b]);
    size_t m = mn_graph_edge_count(g), matched = 0;
    const double *len = mn_graph_edge_lengths(g);
    const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
    for (size_t e = 0; e < m; e++) {
        size_t a = (size_t)(u[e] < v[e] ? u[e] : v[e]), b = (size_t)(u[e] < v[e] ? v[e] : u[e]);
        ck_assert_uint_ne(a, b);
        if (!isfinite(gap[a * nn + b])) {
            ck_assert_msg(amb[a * nn + b], "edge %zu-%zu (gap %g) is not a Voronoi pair", a, b, len[e]);
            continue;
        }
        MN_ASSERT_REL(len[e], gap[a * nn + b], 1e-12);
        matched++;
    }
    ck_assert_uint_eq(matched, ref_edges);
    ck_assert_uint_le(n_amb, 2);
    /* a gap is never longer than the box allows, and positive */
    for (size_t e = 0; e < m; e++) ck_assert(len[e] > 0 && len[e] < hypot(W, H));
    free(gap);
    free(amb);
    mn_graph_free(g);
}

START_TEST(test_voronoi_bruteforce)
{
    check_bruteforce(14, 10, 0.65, 1); /* near percolation: large groups */
    check_bruteforce(25, 6, 0.3, 2);   /* elongated box, small groups, large voids */
    check_bruteforce(30, 30, 0.05, 3); /* sparse: long gaps, cells cut by the box */
    check_bruteforce(3, 40, 0.5, 4);   /* narrow strip */
}
END_TEST

/* Groups of one particle each: the group graph is the Delaunay graph of a Poisson point set,
 * whose typical point has exactly 6 neighbours (Euler's formula, E = 3n - 3 - h with h =
 * O(log n) hull points). Nodes far from the box's sides keep all their Delaunay edges; near
 * the sides the box clips some away, so the mean over all nodes is below 6. */
START_TEST(test_voronoi_poisson_degree)
{
    mn_graph *g = NULL;
    const double W = 1000;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, W));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, W));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, 0.002));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_RESOLUTION, 0.5));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NEIGHBOURS, MN_GEN_NEIGHBOURS_VORONOI));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    size_t np = mn_gen_particles(gen, NULL, NULL, NULL), nn = mn_graph_node_count(g);
    size_t m = mn_graph_edge_count(g);
    ck_assert_uint_gt(np, 2000);
    ck_assert_uint_ge(nn, np * 98 / 100); /* nearly all singletons */
    int *deg = calloc(nn, sizeof *deg);
    ck_assert_ptr_nonnull(deg);
    for (size_t e = 0; e < m; e++) {
        deg[mn_graph_edge_u(g)[e]]++;
        deg[mn_graph_edge_v(g)[e]]++;
    }
    double sum = 0, sum2 = 0;
    size_t ni = 0;
    for (size_t a = 0; a < nn; a++) {
        double x = mn_graph_node_x(g)[a], y = mn_graph_node_y(g)[a];
        if (x < 0.1 * W || x > 0.9 * W || y < 0.1 * W || y > 0.9 * W) continue;
        sum += deg[a];
        sum2 += (double)deg[a] * deg[a];
        ni++;
    }
    double mean = sum / (double)ni, sd = sqrt(sum2 / (double)ni - mean * mean);
    /* sd of the Poisson-Delaunay degree is about 1.33; 4 standard errors */
    ck_assert_msg(fabs(mean - 6.0) < 4 * sd / sqrt((double)ni) + 0.02,
                  "interior mean degree %g (sd %g, %zu nodes)", mean, sd, ni);
    ck_assert_msg(2.0 * (double)m / (double)nn < 6.0, "mean degree %g", 2.0 * (double)m / (double)nn);
    free(deg);
    mn_graph_free(g);
}
END_TEST

/* The Voronoi rule has no length scale: the cutoff option does not change it; the default
 * rule is still the cutoff (the 1.0 networks are unchanged). */
START_TEST(test_voronoi_no_cutoff)
{
    mn_graph *g1 = NULL, *g2 = NULL, *g0 = NULL;
    int64_t rule = -1;
    MN_ASSERT_OK(ctx, mn_gen_get_int(gen, MN_GEN_NEIGHBOURS, &rule));
    ck_assert_int_eq(rule, MN_GEN_NEIGHBOURS_CUTOFF);
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 30));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 20));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g0, gen));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NEIGHBOURS, MN_GEN_NEIGHBOURS_VORONOI));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_GAP_CUTOFF, 0.01));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g1, gen));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_GAP_CUTOFF, 50));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g2, gen));
    size_t m = mn_graph_edge_count(g1);
    ck_assert_uint_eq(m, mn_graph_edge_count(g2));
    ck_assert_uint_ne(m, mn_graph_edge_count(g0));
    for (size_t e = 0; e < m; e++) {
        ck_assert_int_eq(mn_graph_edge_u(g1)[e], mn_graph_edge_u(g2)[e]);
        ck_assert_int_eq(mn_graph_edge_v(g1)[e], mn_graph_edge_v(g2)[e]);
        ck_assert(mn_graph_edge_lengths(g1)[e] == mn_graph_edge_lengths(g2)[e]);
    }
    /* a bad rule is refused with its value */
    ck_assert_int_eq(mn_gen_set_int(gen, MN_GEN_NEIGHBOURS, 2), MN_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(mn_context_last_error(ctx), "neighbours: 2"));
    mn_graph_free(g0);
    mn_graph_free(g1);
    mn_graph_free(g2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nanoparticle-neighbours");
    TCase *tc = tcase_create("voronoi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_voronoi_bruteforce);
    tcase_add_test(tc, test_voronoi_poisson_degree);
    tcase_add_test(tc, test_voronoi_no_cutoff);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
