/* Generators: nanowire sticks, nanoparticle deposition, lattices, the Caravelli-Barucca
 * circuit. Every number is checked against an independent reference: brute-force geometry
 * written here, closed forms (stick junction density, 002 eqs. 22 and 34), the literature
 * percolation thresholds, Monte Carlo coverage, dense nodal solves. */
#include "mn-test.h"

#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static mn_context *ctx;
static mn_gen *gen;

static void setup(void)
{
    ck_assert_int_eq(mn_context_new(&ctx), MN_OK);
    ck_assert_int_eq(mn_gen_new(&gen, ctx), MN_OK);
}
static void teardown(void)
{
    mn_gen_free(gen);
    mn_context_free(ctx);
    gen = NULL;
    ctx = NULL;
}

/* ------------------------------------------------------------------ reference helpers */

static int ref_find(int *p, int x)
{
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

/* segment intersection by orientation signs (a different method from the library's) */
static double cross3(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
static int ref_seg_cross(const double *a, const double *b, double *px, double *py)
{
    double d1 = cross3(b[0], b[1], b[2], b[3], a[0], a[1]);
    double d2 = cross3(b[0], b[1], b[2], b[3], a[2], a[3]);
    double d3 = cross3(a[0], a[1], a[2], a[3], b[0], b[1]);
    double d4 = cross3(a[0], a[1], a[2], a[3], b[2], b[3]);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        double s = d1 / (d1 - d2);
        *px = a[0] + s * (a[2] - a[0]);
        *py = a[1] + s * (a[3] - a[1]);
        return 1;
    }
    return 0;
}

static double seg_point_dist(const double *s, double x, double y)
{
    double dx = s[2] - s[0], dy = s[3] - s[1];
    double t = ((x - s[0]) * dx + (y - s[1]) * dy) / (dx * dx + dy * dy);
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double ex = s[0] + t * dx - x, ey = s[1] + t * dy - y;
    return sqrt(ex * ex + ey * ey);
}

static void wire(size_t i, double *s)
{
    const double *x0, *y0, *x1, *y1;
    mn_gen_wires(gen, &x0, &y0, &x1, &y1);
    s[0] = x0[i];
    s[1] = y0[i];
    s[2] = x1[i];
    s[3] = y1[i];
}

static int set_has(const mn_index *ids, size_t n, mn_index x)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == x) return 1;
    return 0;
}

static int spans(mn_graph *g)
{
    const mn_index *a, *b;
    size_t na, nb;
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &a, &na));
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "right", &b, &nb));
    int c = -1;
    MN_ASSERT_OK(ctx, mn_graph_connected(g, a, na, b, nb, &c));
    return c;
}

/* ------------------------------------------------------------------ nanowires */

/* every junction against an all-pairs reference, for fixed and for varied lengths */
static void check_bruteforce(void)
{
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    size_t n = mn_gen_wires(gen, NULL, NULL, NULL, NULL);
    ck_assert_uint_eq(mn_graph_node_count(g), n);
    size_t m = mn_graph_edge_count(g);
    const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
    const double *ex = mn_graph_edge_x(g), *ey = mn_graph_edge_y(g);
    const double *len = mn_graph_edge_lengths(g);
    /* mark the library's junctions in an n x n table */
    int *edge_of = malloc(n * n * sizeof(int));
    for (size_t i = 0; i < n * n; i++) edge_of[i] = -1;
    for (size_t e = 0; e < m; e++) {
        ck_assert_int_lt(u[e], v[e]);
        ck_assert_int_eq(edge_of[(size_t)u[e] * n + (size_t)v[e]], -1); /* found once */
        edge_of[(size_t)u[e] * n + (size_t)v[e]] = (int)e;
        MN_ASSERT_REL(len[e], 0.002, 0); /* default junction gap */
    }
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double a[4], b[4], px, py;
            wire(i, a);
            wire(j, b);
            int c = ref_seg_cross(a, b, &px, &py);
            int e = edge_of[i * n + j];
            ck_assert_msg(c == (e >= 0), "wires %zu, %zu: reference %d, library %d", i, j, c,
                          e >= 0);
            if (c) {
                found++;
                MN_ASSERT_ABS(ex[e], px, 1e-9);
                MN_ASSERT_ABS(ey[e], py, 1e-9);
            }
        }
    ck_assert_uint_eq(found, m);
    free(edge_of);
    mn_graph_free(g);
}

START_TEST(test_nanowire_bruteforce_fixed)
{
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 300));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 6));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 4));
    check_bruteforce();
}
END_TEST

START_TEST(test_nanowire_bruteforce_lognormal)
{
    /* widely varied lengths: long wires cross many grid cells */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 250));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 99));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 8));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 8));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_LOGNORMAL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 1.0));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, 1.5));
    check_bruteforce();
    /* aligned wires (preferred direction) */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_ORIENTATION, MN_GEN_ORIENT_NORMAL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE, 0.4));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE_SD, 0.3));
    check_bruteforce();
}
END_TEST

/* Mean junctions per stick of fixed length l: (2/pi) rho l^2 (two sticks at relative angle t
 * cross when the centre offset lies in a parallelogram of area l^2 |sin t|, mean 2/pi).
 * Sticks whose centre is at least l from every side see the full density. */
START_TEST(test_nanowire_junction_density)
{
    const double Wb = 20, l = 1, rho = 4;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, Wb));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, Wb));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, l));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_DENSITY, rho));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    double sum = 0;
    long cnt = 0;
    const int samples = 10;
    for (int s = 0; s < samples; s++) {
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 500 + s));
        MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
        ck_assert_uint_eq(mn_graph_node_count(g), (size_t)(rho * Wb * Wb));
        const int64_t *off;
        MN_ASSERT_OK(ctx, mn_graph_adjacency(g, &off, NULL, NULL));
        const double *x = mn_graph_node_x(g), *y = mn_graph_node_y(g);
        for (size_t i = 0; i < mn_graph_node_count(g); i++)
            if (x[i] >= l && x[i] <= Wb - l && y[i] >= l && y[i] <= Wb - l) {
                sum += (double)(off[i + 1] - off[i]);
                cnt++;
            }
        mn_graph_free(g);
    }
    double mean = sum / (double)cnt, expect = 2 / M_PI * rho * l * l;
    /* per-stick counts are Poisson-like (variance ~ mean) and each junction between two
     * interior sticks is counted twice: sd(mean) ~ sqrt(2 * 2.55 / cnt) = 0.02 for
     * cnt ~ 13000; 0.1 is 5 sd */
    fprintf(stderr, "junctions per interior stick: %.4f over %ld sticks, (2/pi) rho l^2 = %.4f\n",
            mean, cnt, expect);
    MN_ASSERT_ABS(mean, expect, 0.1);
}
END_TEST

static void moments(const double *x, size_t n, double *mean, double *sd, double *skew)
{
    double m = 0, m2 = 0, m3 = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        m2 += d * d;
        m3 += d * d * d;
    }
    m2 /= (double)n;
    m3 /= (double)n;
    *mean = m;
    *sd = sqrt(m2);
    *skew = m3 / pow(m2, 1.5);
}

START_TEST(test_nanowire_length_and_angle_distributions)
{
    const size_t N = 40000;
    const double mu = 2.0, sd = 0.5, cv = sd / mu;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)N));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 400));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 400));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, mu));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, sd));
    double s2 = log1p(cv * cv);
    /* skewness: normal 0; lognormal (e^s2 + 2) sqrt(e^s2 - 1); gamma 2 / sqrt(k) = 2 cv */
    const double skew_ref[4] = { 0, 0, (exp(s2) + 2) * sqrt(exp(s2) - 1), 2 * cv };
    double *L = malloc(N * sizeof *L), *A = malloc(N * sizeof *A);
    for (int d = 1; d <= 3; d++) {
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, d));
        MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
        for (size_t i = 0; i < N; i++) {
            double s[4];
            wire(i, s);
            L[i] = hypot(s[2] - s[0], s[3] - s[1]);
            A[i] = atan2(s[3] - s[1], s[2] - s[0]);
        }
        double m, sdv, sk;
        moments(L, N, &m, &sdv, &sk);
        /* sd of the sample mean 0.5/200 = 0.0025; of the sd ~ 0.5 sqrt((kurt-1)/4N) < 0.004;
         * of the skewness ~ sqrt(6/N) (x2 for the skewed laws) ~ 0.025 */
        MN_ASSERT_ABS(m, mu, 0.0125);
        MN_ASSERT_ABS(sdv, sd, 0.02);
        MN_ASSERT_ABS(sk, skew_ref[d], 0.1);
        /* uniform orientation: <cos 2a> = <sin 2a> = 0, sd 1/sqrt(2N) = 0.0035 */
        double c2 = 0, s2a = 0;
        for (size_t i = 0; i < N; i++) {
            c2 += cos(2 * A[i]);
            s2a += sin(2 * A[i]);
        }
        MN_ASSERT_ABS(c2 / (double)N, 0, 0.02);
        MN_ASSERT_ABS(s2a / (double)N, 0, 0.02);
        mn_graph_free(g);
    }
    /* preferred orientation: angle ~ N(0.3, 0.2) */
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_ORIENTATION, MN_GEN_ORIENT_NORMAL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE, 0.3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE_SD, 0.2));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    for (size_t i = 0; i < N; i++) {
        double s[4];
        wire(i, s);
        A[i] = atan2(s[3] - s[1], s[2] - s[0]);
    }
    double m, sdv, sk;
    moments(A, N, &m, &sdv, &sk);
    MN_ASSERT_ABS(m, 0.3, 0.005);
    MN_ASSERT_ABS(sdv, 0.2, 0.005);
    mn_graph_free(g);
    free(L);
    free(A);
}
END_TEST

/* Spanning probability of sticks crosses 1/2 near N l^2 / A = 5.6373 (Li and Zhang, PRE 80,
 * 040104 (2009); the crossing probability of a square is 1/2 at the threshold). */
static double stick_crossing(double box, int samples, const double *dens, int nd)
{
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, box));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, box));
    double prev = 0, crossing = NAN;
    for (int k = 0; k < nd; k++) {
        int span = 0;
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_DENSITY, dens[k]));
        for (int s = 0; s < samples; s++) {
            mn_graph *g = NULL;
            MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 7000 + s));
            MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
            span += spans(g);
            mn_graph_free(g);
        }
        double P = (double)span / samples;
        if (k == 0) ck_assert_msg(P < 0.5, "P(%g) = %g should be < 1/2", dens[k], P);
        if (k == nd - 1) ck_assert_msg(P > 0.5, "P(%g) = %g should be > 1/2", dens[k], P);
        if (k > 0 && prev < 0.5 && P >= 0.5 && isnan(crossing))
            crossing = dens[k - 1] + (dens[k] - dens[k - 1]) * (0.5 - prev) / (P - prev);
        prev = P;
    }
    return crossing;
}

START_TEST(test_nanowire_spanning_threshold)
{
    /* box 20 l, 50 samples per density: near the threshold P rises by ~0.8 per unit density,
     * sd(P) = 0.07 gives sd(crossing) ~ 0.1; tolerance 0.35 (3.5 sd + finite-size shift) */
    const double dens[] = { 4.8, 5.2, 5.6, 6.0, 6.4 };
    double c = stick_crossing(20, 50, dens, 5);
    fprintf(stderr, "stick spanning crossing (box 20 l): %.4f, reference 5.6373\n", c);
    MN_ASSERT_ABS(c, 5.6373, 0.35);
}
END_TEST

START_TEST(test_nanowire_spanning_threshold_slow)
{
    /* box 40 l, 200 samples: sd(crossing) ~ 0.03 */
    const double dens[] = { 5.2, 5.4, 5.55, 5.7, 5.85, 6.0 };
    double c = stick_crossing(40, 200, dens, 6);
    fprintf(stderr, "stick spanning crossing (box 40 l): %.4f, reference 5.6373\n", c);
    MN_ASSERT_ABS(c, 5.6373, 0.12);
}
END_TEST

START_TEST(test_nanowire_electrodes)
{
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 400));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 10));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 10));
    /* default pads: wires crossing the lines x = 0 and x = W inside 0 <= y <= H */
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    const mn_index *ids;
    size_t nid;
    for (int side = 0; side < 2; side++) {
        double X = side ? 10 : 0;
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, side ? "right" : "left", &ids, &nid));
        size_t ref = 0;
        for (size_t i = 0; i < 400; i++) {
            double s[4];
            wire(i, s);
            int hit = 0;
            if ((s[0] - X) * (s[2] - X) <= 0 && s[0] != s[2]) {
                double yy = s[1] + (X - s[0]) / (s[2] - s[0]) * (s[3] - s[1]);
                hit = yy >= 0 && yy <= 10;
            }
            ref += hit;
            ck_assert_int_eq(hit, set_has(ids, nid, (mn_index)i));
        }
        ck_assert_uint_eq(ref, nid);
        ck_assert_uint_gt(nid, 0);
    }
    mn_graph_free(g);
    /* several electrodes: two discs and given wire ids */
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_disc(gen, "in", 2, 5, 0.7));
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_disc(gen, "out1", 8, 3, 0.5));
    mn_index given[] = { 5, 17, 5 };
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "out2", given, 3));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    ck_assert_int_eq(mn_graph_node_set(g, "left", &ids, &nid), MN_ERR_NOT_FOUND);
    const double cx[] = { 2, 8 }, cy[] = { 5, 3 }, r[] = { 0.7, 0.5 };
    const char *nm[] = { "in", "out1" };
    for (int k = 0; k < 2; k++) {
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, nm[k], &ids, &nid));
        size_t ref = 0;
        for (size_t i = 0; i < 400; i++) {
            double s[4];
            wire(i, s);
            int hit = seg_point_dist(s, cx[k], cy[k]) <= r[k];
            ref += hit;
            ck_assert_int_eq(hit, set_has(ids, nid, (mn_index)i));
        }
        ck_assert_uint_eq(nid, ref);
    }
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "out2", &ids, &nid));
    ck_assert_uint_eq(nid, 2);
    ck_assert_int_eq(ids[0], 5);
    ck_assert_int_eq(ids[1], 17);
    mn_graph_free(g);
}
END_TEST

/* Keeping the electrode components: compare with components found here by union-find. */
START_TEST(test_nanowire_keep_components)
{
    mn_graph *all = NULL, *kept = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 500));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 12));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 12));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&all, gen));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ELECTRODES));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&kept, gen));
    size_t n = mn_graph_node_count(all);
    int *p = malloc(n * sizeof *p);
    char *keep = calloc(n, 1);
    for (size_t i = 0; i < n; i++) p[i] = (int)i;
    for (size_t e = 0; e < mn_graph_edge_count(all); e++) {
        int a = ref_find(p, mn_graph_edge_u(all)[e]), b = ref_find(p, mn_graph_edge_v(all)[e]);
        p[a] = b;
    }
    const char *names[] = { "left", "right" };
    for (int k = 0; k < 2; k++) {
        const mn_index *ids;
        size_t nid;
        MN_ASSERT_OK(ctx, mn_graph_node_set(all, names[k], &ids, &nid));
        for (size_t j = 0; j < nid; j++) keep[ref_find(p, ids[j])] = 1;
    }
    size_t nk = 0, mk = 0;
    for (size_t i = 0; i < n; i++) nk += keep[ref_find(p, (int)i)];
    for (size_t e = 0; e < mn_graph_edge_count(all); e++) mk += keep[ref_find(p, mn_graph_edge_u(all)[e])];
    ck_assert_uint_eq(mn_graph_node_count(kept), nk);
    ck_assert_uint_eq(mn_graph_edge_count(kept), mk);
    ck_assert_uint_lt(nk, n); /* at this density some wires are isolated */
    /* index maps: node_map (wire -> node) and node_origin (node -> wire) are inverse */
    size_t nm;
    const mn_index *map = mn_gen_node_map(gen, &nm);
    const mn_index *orig = mn_graph_node_origin(kept);
    ck_assert_uint_eq(nm, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(map[i] >= 0, keep[ref_find(p, (int)i)]);
        if (map[i] >= 0) {
            ck_assert_int_eq(orig[map[i]], (mn_index)i);
            ck_assert(mn_graph_node_x(kept)[map[i]] == mn_graph_node_x(all)[i]);
        }
    }
    free(p);
    free(keep);
    mn_graph_free(all);
    mn_graph_free(kept);
}
END_TEST

/* Multi-node representation: geometry of the segments, junction edges at the crossings, and
 * the resistance of a single wire between two pads (R = r W / cos(angle)) from a dense
 * nodal solve. */
START_TEST(test_nanowire_multinode)
{
    mn_graph *g1 = NULL, *gm = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 300));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 6));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 6));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIRE_RESISTANCE, 2.5));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g1, gen));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_MULTINODE, 1));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&gm, gen));
    size_t nj = mn_graph_edge_count(g1), m = mn_graph_edge_count(gm);
    ck_assert_uint_eq(mn_graph_edge_column_count(gm), 3);
    const double *kind = mn_graph_edge_column(gm, 0), *G = mn_graph_edge_column(gm, 1);
    const double *len = mn_graph_edge_lengths(gm);
    const double *x = mn_graph_node_x(gm), *y = mn_graph_node_y(gm);
    const mn_index *u = mn_graph_edge_u(gm), *v = mn_graph_edge_v(gm);
    const mn_index *nw = mn_gen_node_wire(gen);
    size_t nmem, nres;
    mn_gen_memristor_edges(gen, &nmem);
    const double *rG;
    const mn_index *res = mn_gen_resistor_edges(gen, &rG, &nres);
    ck_assert_uint_eq(nmem, nj);
    ck_assert_uint_eq(nmem + nres, m);
    for (size_t e = 0; e < m; e++) {
        if (e < nj) {
            /* junction: same wire pair as the junction-dominated graph, same point */
            ck_assert(kind[e] == MN_GEN_EDGE_MEMRISTOR);
            ck_assert_int_eq(nw[u[e]], mn_graph_edge_u(g1)[e]);
            ck_assert_int_eq(nw[v[e]], mn_graph_edge_v(g1)[e]);
            MN_ASSERT_ABS(x[u[e]], mn_graph_edge_x(g1)[e], 1e-12);
            MN_ASSERT_ABS(x[v[e]], mn_graph_edge_x(g1)[e], 1e-12);
            MN_ASSERT_ABS(y[u[e]], mn_graph_edge_y(g1)[e], 1e-12);
        } else {
            ck_assert(kind[e] == MN_GEN_EDGE_RESISTOR);
            ck_assert_int_eq(nw[u[e]], nw[v[e]]);
            double s[4];
            wire((size_t)nw[u[e]], s);
            MN_ASSERT_REL(len[e], hypot(x[u[e]] - x[v[e]], y[u[e]] - y[v[e]]), 1e-9);
            MN_ASSERT_REL(G[e], 1 / (2.5 * len[e]), 1e-14);
            /* both ends on the wire */
            MN_ASSERT_ABS(seg_point_dist(s, x[u[e]], y[u[e]]), 0, 1e-9);
            MN_ASSERT_ABS(seg_point_dist(s, x[v[e]], y[v[e]]), 0, 1e-9);
            ck_assert_int_eq(res[e - nj], (mn_index)e);
            MN_ASSERT_REL(rG[e - nj], G[e], 0);
        }
    }
    mn_graph_free(g1);
    mn_graph_free(gm);

    /* one wire across a 3-wide box at angle 0.3: two contact nodes, one segment */
    mn_gen_free(gen);
    MN_ASSERT_OK(ctx, mn_gen_new(&gen, ctx));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 1));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 1e-9));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 100));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_ORIENTATION, MN_GEN_ORIENT_NORMAL));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE, 0.3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_ANGLE_SD, 0));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_MULTINODE, 1));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIRE_RESISTANCE, 2));
    /* a thin box: the wire crosses x = 0 and x = 3 only if its y there is in [0, 1e-9];
     * use tall pads instead */
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_rect(gen, "left", 0, -100, 0, 100));
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_rect(gen, "right", 3, -100, 3, 100));
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&gm, gen));
    ck_assert_uint_eq(mn_graph_node_count(gm), 2);
    ck_assert_uint_eq(mn_graph_edge_count(gm), 1);
    MN_ASSERT_REL(1 / mn_graph_edge_column(gm, 1)[0], 2 * 3 / cos(0.3), 1e-12);
    mn_graph_free(gm);
}
END_TEST

/* ------------------------------------------------------------------ nanoparticles */

START_TEST(test_nanoparticle_coverage_monte_carlo)
{
    const double Wb = 30, Hb = 25, p = 0.65;
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, Wb));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, Hb));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    const double *px, *py;
    size_t np = mn_gen_particles(gen, &px, &py, NULL);
    /* bucket the particles by unit cells, then sample points (own RNG stream) */
    int nbx = (int)Wb + 1, nby = (int)Hb + 1;
    int *head = malloc((size_t)(nbx * nby) * sizeof(int)), *next = malloc(np * sizeof(int));
    for (int c = 0; c < nbx * nby; c++) head[c] = -1;
    for (size_t i = 0; i < np; i++) {
        int c = (int)py[i] * nbx + (int)px[i];
        next[i] = head[c];
        head[c] = (int)i;
    }
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 12345, 77));
    const long M = 200000;
    long hit = 0;
    for (long k = 0; k < M; k++) {
        double x = Wb * mn_rng_uniform(rng), y = Hb * mn_rng_uniform(rng);
        int in = 0;
        for (int cy = (int)y - 1; cy <= (int)y + 1 && !in; cy++)
            for (int cx = (int)x - 1; cx <= (int)x + 1 && !in; cx++) {
                if (cx < 0 || cy < 0 || cx >= nbx || cy >= nby) continue;
                for (int i = head[cy * nbx + cx]; i >= 0 && !in; i = next[i])
                    in = (px[i] - x) * (px[i] - x) + (py[i] - y) * (py[i] - y) <= 0.25;
            }
        hit += in;
    }
    double cov = (double)hit / (double)M;
    /* binomial sd sqrt(p(1-p)/M) = 0.00107; one disc adds at most pi/4/A = 0.001 */
    fprintf(stderr, "coverage: Monte Carlo %.5f, raster %.5f, target %.2f\n", cov,
            mn_gen_coverage(gen), p);
    MN_ASSERT_ABS(cov, p, 0.006);
    ck_assert(mn_gen_coverage(gen) >= p && mn_gen_coverage(gen) < p + 0.002);
    mn_rng_free(rng);
    free(head);
    free(next);
    mn_graph_free(g);
}
END_TEST

/* Groups and gaps against all-pairs references on a small box. */
START_TEST(test_nanoparticle_gaps_bruteforce)
{
    const double cut = 0.8;
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 9));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 7));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, 0.5));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_GAP_CUTOFF, cut));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 3));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    const double *px, *py;
    const mn_index *pn;
    size_t np = mn_gen_particles(gen, &px, &py, &pn);
    int *p = malloc(np * sizeof *p);
    for (size_t i = 0; i < np; i++) p[i] = (int)i;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < i; j++)
            if (hypot(px[i] - px[j], py[i] - py[j]) <= 1) p[ref_find(p, (int)i)] = ref_find(p, (int)j);
    /* same partition: particles share a node iff they share a reference group */
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < i; j++)
            ck_assert_int_eq(pn[i] == pn[j], ref_find(p, (int)i) == ref_find(p, (int)j));
    size_t nn = mn_graph_node_count(g);
    /* reference gaps: min over particle pairs of the two groups */
    double *gap = malloc(nn * nn * sizeof *gap);
    for (size_t k = 0; k < nn * nn; k++) gap[k] = INFINITY;
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; j < np; j++) {
            if (pn[i] == pn[j]) continue;
            double d = hypot(px[i] - px[j], py[i] - py[j]) - 1;
            size_t k = (size_t)pn[i] * nn + (size_t)pn[j];
            if (d < gap[k]) gap[k] = d;
        }
    size_t ref_edges = 0;
    for (size_t a = 0; a < nn; a++)
        for (size_t b = a + 1; b < nn; b++) ref_edges += gap[a * nn + b] < cut;
    ck_assert_uint_eq(mn_graph_edge_count(g), ref_edges);
    ck_assert_uint_gt(ref_edges, 10);
    const double *len = mn_graph_edge_lengths(g);
    for (size_t e = 0; e < mn_graph_edge_count(g); e++) {
        size_t a = (size_t)mn_graph_edge_u(g)[e], b = (size_t)mn_graph_edge_v(g)[e];
        MN_ASSERT_REL(len[e], gap[a * nn + b], 1e-12);
    }
    /* node coordinates: mean particle centre of each group */
    for (size_t a = 0; a < nn; a++) {
        double sx = 0, sy = 0;
        int c = 0;
        for (size_t i = 0; i < np; i++)
            if ((size_t)pn[i] == a) {
                sx += px[i];
                sy += py[i];
                c++;
            }
        ck_assert_int_gt(c, 0);
        MN_ASSERT_ABS(mn_graph_node_x(g)[a], sx / c, 1e-12);
        MN_ASSERT_ABS(mn_graph_node_y(g)[a], sy / c, 1e-12);
    }
    /* default electrodes: groups with a particle whose disc reaches x = 0 / x = W */
    const mn_index *ids;
    size_t nid;
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &ids, &nid));
    for (size_t a = 0; a < nn; a++) {
        int touch = 0;
        for (size_t i = 0; i < np; i++) touch |= (size_t)pn[i] == a && px[i] <= 0.5 && py[i] >= 0;
        ck_assert_int_eq(touch, set_has(ids, nid, (mn_index)a));
    }
    free(p);
    free(gap);
    mn_graph_free(g);
}
END_TEST

/* Overlapping discs: the spanning probability of one group rises through 1/2 near the
 * continuum threshold p_c = 1 - exp(-1.12809) = 0.6763 (Quintanilla, Torquato and Ziff 2000;
 * 003 quotes 0.68). */
START_TEST(test_nanoparticle_spanning_threshold)
{
    const double ps[] = { 0.62, 0.65, 0.68, 0.71, 0.74 };
    const int samples = 40;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 40));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 40));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_RESOLUTION, 0.125));
    double prev = 0, crossing = NAN;
    for (int k = 0; k < 5; k++) {
        int span = 0;
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, ps[k]));
        for (int s = 0; s < samples; s++) {
            mn_graph *g = NULL;
            MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 100 + s));
            MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
            const mn_index *a, *b;
            size_t na, nb;
            MN_ASSERT_OK(ctx, mn_graph_node_set(g, "left", &a, &na));
            MN_ASSERT_OK(ctx, mn_graph_node_set(g, "right", &b, &nb));
            int c = 0;
            for (size_t i = 0; i < na; i++) c |= set_has(b, nb, a[i]);
            span += c;
            mn_graph_free(g);
        }
        double P = (double)span / samples;
        if (k == 0) ck_assert_msg(P < 0.5, "P(%g) = %g", ps[k], P);
        if (k == 4) ck_assert_msg(P > 0.5, "P(%g) = %g", ps[k], P);
        if (k > 0 && prev < 0.5 && P >= 0.5 && isnan(crossing))
            crossing = ps[k - 1] + (ps[k] - ps[k - 1]) * (0.5 - prev) / (P - prev);
        prev = P;
    }
    /* P rises by ~0.6 over 0.03 near p_c: sd(P) = 0.08 at 40 samples gives sd(crossing)
     * ~ 0.004; 0.02 covers 4 sd plus the finite-size shift of a 40 pd box */
    fprintf(stderr, "disc spanning crossing (box 40 pd): %.4f, reference 0.6763\n", crossing);
    MN_ASSERT_ABS(crossing, 0.6763, 0.02);
}
END_TEST


/* Several electrodes on a nanoparticle film (003 Fig. 7): an input strip, output strips, a
 * disc and given particles; membership against the particles' own geometry. */
START_TEST(test_nanoparticle_electrodes)
{
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 30));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 20));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_KEEP, MN_GEN_KEEP_ALL));
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_rect(gen, "in", 0, 0, 1, 20));
    const double oy[3][2] = { { 0, 6 }, { 7, 13 }, { 14, 20 } };
    const char *on[3] = { "out1", "out2", "out3" };
    for (int k = 0; k < 3; k++)
        MN_ASSERT_OK(ctx, mn_gen_add_electrode_rect(gen, on[k], 29, oy[k][0], 30, oy[k][1]));
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_disc(gen, "probe", 15, 10, 2));
    mn_index pid[] = { 3, 4 };
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "given", pid, 2));
    MN_ASSERT_OK(ctx, mn_gen_nanoparticles(&g, gen));
    ck_assert_uint_eq(mn_graph_node_set_count(g), 6);
    const double *px, *py;
    const mn_index *pn;
    size_t np = mn_gen_particles(gen, &px, &py, &pn), nn = mn_graph_node_count(g);
    char *ref = malloc(nn);
    for (int k = 0; k < 6; k++) {
        memset(ref, 0, nn);
        for (size_t i = 0; i < np; i++) {
            int t;
            if (k <= 3) {
                /* disc of radius 1/2 against a rectangle: distance to its nearest point */
                double x0 = k ? 29 : 0, x1 = k ? 30 : 1, y0 = k ? oy[k - 1][0] : 0,
                       y1 = k ? oy[k - 1][1] : 20;
                double cx = fmin(fmax(px[i], x0), x1), cy = fmin(fmax(py[i], y0), y1);
                t = hypot(px[i] - cx, py[i] - cy) <= 0.5;
            } else if (k == 4) t = hypot(px[i] - 15, py[i] - 10) <= 2.5;
            else t = i == 3 || i == 4;
            if (t) ref[pn[i]] = 1;
        }
        const mn_index *ids;
        size_t nid, cnt = 0;
        const char *names[] = { "in", "out1", "out2", "out3", "probe", "given" };
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, names[k], &ids, &nid));
        for (size_t a = 0; a < nn; a++) {
            cnt += ref[a];
            ck_assert_msg(ref[a] == set_has(ids, nid, (mn_index)a), "electrode %s node %zu",
                          names[k], a);
        }
        ck_assert_uint_eq(cnt, nid);
        ck_assert_uint_gt(nid, 0);
    }
    free(ref);
    mn_graph_free(g);
}
END_TEST

static int warnings;
static void count_warnings(mn_log_level level, const char *msg, void *ud)
{
    (void)ud;
    if (level == MN_LOG_WARNING && strstr(msg, "belongs to electrodes")) warnings++;
}

START_TEST(test_electrode_overlap_warning)
{
    /* wires of length 5 in a 3-wide box: some touch both pads */
    mn_graph *g = NULL;
    mn_context_set_log(ctx, count_warnings, MN_LOG_WARNING, NULL);
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 50));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 5));
    warnings = 0;
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    ck_assert_int_eq(warnings, 1);
    mn_graph_free(g);
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 0.5));
    warnings = 0;
    MN_ASSERT_OK(ctx, mn_gen_nanowires(&g, gen));
    ck_assert_int_eq(warnings, 0);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ reproducibility */

static int same_graph(const mn_graph *a, const mn_graph *b)
{
    size_t n = mn_graph_node_count(a), m = mn_graph_edge_count(a);
    if (n != mn_graph_node_count(b) || m != mn_graph_edge_count(b)) return 0;
    if (memcmp(mn_graph_edge_u(a), mn_graph_edge_u(b), m * sizeof(mn_index)) ||
        memcmp(mn_graph_edge_v(a), mn_graph_edge_v(b), m * sizeof(mn_index)))
        return 0;
    if (memcmp(mn_graph_node_x(a), mn_graph_node_x(b), n * sizeof(double)) ||
        memcmp(mn_graph_node_y(a), mn_graph_node_y(b), n * sizeof(double)))
        return 0;
    if (m && (memcmp(mn_graph_edge_lengths(a), mn_graph_edge_lengths(b), m * sizeof(double)) ||
              memcmp(mn_graph_edge_x(a), mn_graph_edge_x(b), m * sizeof(double))))
        return 0;
    return 1;
}

START_TEST(test_reproducible)
{
    mn_status (*fn[2])(mn_graph **, mn_gen *) = { mn_gen_nanowires, mn_gen_nanoparticles };
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 2000));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, 25));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 25));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_GAMMA));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, 0.3));
    for (int k = 0; k < 2; k++) {
        mn_graph *a = NULL, *b = NULL, *c = NULL;
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 42));
        MN_ASSERT_OK(ctx, fn[k](&a, gen));
        /* a second generator object and context: nothing shared */
        mn_context *ctx2;
        mn_gen *gen2;
        MN_ASSERT_OK(ctx, mn_context_new(&ctx2));
        MN_ASSERT_OK(ctx, mn_gen_new(&gen2, ctx2));
        const mn_gen_option ro[] = { MN_GEN_WIDTH, MN_GEN_HEIGHT, MN_GEN_LENGTH_SD };
        for (int i = 0; i < 3; i++) {
            double x;
            MN_ASSERT_OK(ctx, mn_gen_get_real(gen, ro[i], &x));
            MN_ASSERT_OK(ctx2, mn_gen_set_real(gen2, ro[i], x));
        }
        const mn_gen_option io[] = { MN_GEN_WIRES, MN_GEN_LENGTH_DIST, MN_GEN_SEED };
        for (int i = 0; i < 3; i++) {
            int64_t x;
            MN_ASSERT_OK(ctx, mn_gen_get_int(gen, io[i], &x));
            MN_ASSERT_OK(ctx2, mn_gen_set_int(gen2, io[i], x));
        }
        MN_ASSERT_OK(ctx2, fn[k](&b, gen2));
        ck_assert_msg(same_graph(a, b), "generator %d: same seed, different network", k);
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_SEED, 43));
        MN_ASSERT_OK(ctx, fn[k](&c, gen));
        ck_assert_msg(!same_graph(a, c), "generator %d: seeds 42 and 43 gave the same network", k);
        mn_graph_free(a);
        mn_graph_free(b);
        mn_graph_free(c);
        mn_gen_free(gen2);
        mn_context_free(ctx2);
    }
}
END_TEST

/* ------------------------------------------------------------------ lattices */

START_TEST(test_lattices)
{
    mn_graph *g = NULL;
    const mn_index *ids;
    size_t nid;
    /* square nx x ny: (nx-1) ny + nx (ny-1) edges, degree 2..4 by position */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 5));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NY, 3));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_SPACING, 2));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    ck_assert_uint_eq(mn_graph_node_count(g), 15);
    ck_assert_uint_eq(mn_graph_edge_count(g), 4 * 3 + 5 * 2);
    const int64_t *off;
    MN_ASSERT_OK(ctx, mn_graph_adjacency(g, &off, NULL, NULL));
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 5; i++) {
            int id = j * 5 + i, deg = (i > 0) + (i < 4) + (j > 0) + (j < 2);
            ck_assert_int_eq(off[id + 1] - off[id], deg);
            MN_ASSERT_REL(mn_graph_node_x(g)[id], 2.0 * i, 0);
            MN_ASSERT_REL(mn_graph_node_y(g)[id], 2.0 * j, 0);
        }
    for (size_t e = 0; e < 22; e++) MN_ASSERT_REL(mn_graph_edge_lengths(g)[e], 2, 0);
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "right", &ids, &nid));
    ck_assert_uint_eq(nid, 3);
    for (size_t k = 0; k < nid; k++) ck_assert_int_eq(ids[k] % 5, 4);
    ck_assert_int_eq(spans(g), 1);
    mn_graph_free(g);
    /* ladder of 6 rungs: 2 x 6 nodes, 6 rungs + 2 x 5 rail edges */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_LADDER));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 6));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    ck_assert_uint_eq(mn_graph_node_count(g), 12);
    ck_assert_uint_eq(mn_graph_edge_count(g), 16);
    mn_graph_free(g);
    /* chain of 7 resistors in series */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_CHAIN));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 7));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_JUNCTION_GAP, 0.25));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    ck_assert_uint_eq(mn_graph_node_count(g), 8);
    ck_assert_uint_eq(mn_graph_edge_count(g), 7);
    for (int e = 0; e < 7; e++) {
        ck_assert_int_eq(mn_graph_edge_u(g)[e], e);
        ck_assert_int_eq(mn_graph_edge_v(g)[e], e + 1);
        MN_ASSERT_REL(mn_graph_edge_lengths(g)[e], 0.25, 0);
    }
    MN_ASSERT_OK(ctx, mn_graph_node_set(g, "right", &ids, &nid));
    ck_assert_int_eq(ids[0], 7);
    mn_graph_free(g);
    /* complete graph K6: every pair once */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_COMPLETE));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 6));
    MN_ASSERT_OK(ctx, mn_gen_lattice(&g, gen));
    ck_assert_uint_eq(mn_graph_edge_count(g), 15);
    int seen[6][6] = { { 0 } };
    for (int e = 0; e < 15; e++) seen[mn_graph_edge_u(g)[e]][mn_graph_edge_v(g)[e]]++;
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++) ck_assert_int_eq(seen[i][j] + seen[j][i], 1);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ Caravelli-Barucca */

/* 002 eq. 34: i = (diag(R_ref + R(w)) - R_ref^2 / (n (R_int + R_ref)) J)^-1 S, evaluated with
 * the Sherman-Morrison formula. */
static void cb_eq34(int n, const double *R, const double *S, double Rint, double Rref, double *i)
{
    double c = Rref * Rref / (n * (Rint + Rref)), s1 = 0, s2 = 0;
    for (int k = 0; k < n; k++) {
        s1 += S[k] / (Rref + R[k]);
        s2 += 1 / (Rref + R[k]);
    }
    for (int k = 0; k < n; k++) i[k] = S[k] / (Rref + R[k]) + c / (Rref + R[k]) * s1 / (1 - c * s2);
}

/* 002 eq. 22: i = (I - (1/n) M J)^-1 S/(R_ref + R), M = diag(R_ref/(R_ref+R_k) R_ref/(R_ref+R_int)):
 * (I - m 1^T/n)^-1 x = x + m (1^T x / n) / (1 - 1^T m / n). */
static void cb_eq22(int n, const double *R, const double *S, double Rint, double Rref, double *i)
{
    double sx = 0, sm = 0;
    for (int k = 0; k < n; k++) {
        sx += S[k] / (Rref + R[k]);
        sm += Rref / (Rref + R[k]) * Rref / (Rref + Rint);
    }
    for (int k = 0; k < n; k++) {
        double mk = Rref / (Rref + R[k]) * Rref / (Rref + Rint);
        i[k] = S[k] / (Rref + R[k]) + mk * (sx / n) / (1 - sm / n);
    }
}

START_TEST(test_cb_dense_nodal_vs_closed_form)
{
    const double Ron = 100, Roff = 16000; /* 002 Fig. 3 */
    const int sizes[] = { 1, 2, 7, 40 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, 2024, 0));
    for (int t = 0; t < 4; t++) {
        int n = sizes[t];
        double Rint = 50 + 500 * mn_rng_uniform(rng), Rref = 50 + 2000 * mn_rng_uniform(rng);
        double *S = malloc((size_t)n * sizeof *S), *R = malloc((size_t)n * sizeof *R);
        for (int k = 0; k < n; k++) {
            S[k] = 40 * mn_rng_uniform(rng) - 20;
            double w = mn_rng_uniform(rng);
            R[k] = Ron * (1 - w) + Roff * w; /* 002 eq. 1 */
        }
        MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_CB_N, n));
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_INT, Rint));
        MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_REF, Rref));
        MN_ASSERT_OK(ctx, mn_gen_set_cb_sources(gen, S, (size_t)n));
        mn_graph *g = NULL;
        MN_ASSERT_OK(ctx, mn_gen_cb(&g, gen));
        size_t nn = mn_graph_node_count(g), m = mn_graph_edge_count(g), nmem, nres;
        ck_assert_uint_eq(nn, 2 * (size_t)n);
        ck_assert_uint_eq(m, 3 * (size_t)n);
        const mn_index *mem = mn_gen_memristor_edges(gen, &nmem);
        const double *rG;
        const mn_index *res = mn_gen_resistor_edges(gen, &rG, &nres);
        const double *emf = mn_gen_edge_emf(gen);
        ck_assert_uint_eq(nmem, (size_t)n);
        ck_assert_uint_eq(nres, 2 * (size_t)n);
        ck_assert_ptr_nonnull(emf);
        double *G = malloc(m * sizeof *G);
        for (size_t k = 0; k < nmem; k++) {
            ck_assert_int_eq(mem[k], (mn_index)k);
            G[mem[k]] = 1 / R[k];
        }
        for (size_t k = 0; k < nres; k++) G[res[k]] = rG[k];
        /* dense nodal solve, node 0 grounded: L phi = -B (G S) */
        int nf = (int)nn - 1;
        double *A = calloc((size_t)(nf * nf) + 1, sizeof *A), *b = calloc((size_t)nf + 1, sizeof *b);
        const mn_index *u = mn_graph_edge_u(g), *v = mn_graph_edge_v(g);
        for (size_t e = 0; e < m; e++) {
            int a = u[e] - 1, c = v[e] - 1;
            if (a >= 0) A[a * nf + a] += G[e];
            if (c >= 0) A[c * nf + c] += G[e];
            if (a >= 0 && c >= 0) {
                A[a * nf + c] -= G[e];
                A[c * nf + a] -= G[e];
            }
            if (a >= 0) b[a] -= G[e] * emf[e];
            if (c >= 0) b[c] += G[e] * emf[e];
        }
        if (nf > 0) ck_assert_int_eq(mn_test_dense_solve(A, b, nf), 0);
        double *i34 = malloc((size_t)n * sizeof *i34), *i22 = malloc((size_t)n * sizeof *i22);
        cb_eq34(n, R, S, Rint, Rref, i34);
        cb_eq22(n, R, S, Rint, Rref, i22);
        double scale = 0;
        for (int k = 0; k < n; k++) scale = fmax(scale, fabs(i34[k]));
        for (int k = 0; k < n; k++) {
            double pu = u[k] ? b[u[k] - 1] : 0, pv = v[k] ? b[v[k] - 1] : 0;
            double I = G[k] * (pu - pv + emf[k]);
            ck_assert_msg(fabs(I - i34[k]) <= 1e-12 * scale, "n=%d k=%d: I=%.17g eq34=%.17g", n,
                          k, I, i34[k]);
            ck_assert_msg(fabs(I - i22[k]) <= 1e-12 * scale, "n=%d k=%d: I=%.17g eq22=%.17g", n,
                          k, I, i22[k]);
        }
        const mn_index *gr;
        size_t ngr;
        MN_ASSERT_OK(ctx, mn_graph_node_set(g, "ground", &gr, &ngr));
        ck_assert_uint_eq(ngr, 1);
        free(S);
        free(R);
        free(G);
        free(A);
        free(b);
        free(i34);
        free(i22);
        mn_graph_free(g);
    }
    mn_rng_free(rng);
}
END_TEST


/* ------------------------------------------------------------------ out of memory */

/* An allocator that fails the k-th call and counts live blocks: every failure must give
 * MN_ERR_NOMEM, a NULL graph and no leak. */
typedef struct fail_alloc {
    long calls, fail_at, live;
} fail_alloc;
static void *fa_malloc(size_t n, void *ud)
{
    fail_alloc *f = ud;
    if (f->fail_at >= 0 && f->calls++ == f->fail_at) return NULL;
    void *p = malloc(n);
    if (p) f->live++;
    return p;
}
static void *fa_realloc(void *p, size_t n, void *ud)
{
    fail_alloc *f = ud;
    if (f->fail_at >= 0 && f->calls++ == f->fail_at) return NULL;
    void *q = realloc(p, n);
    if (q && !p) f->live++;
    return q;
}
static void fa_free(void *p, void *ud)
{
    fail_alloc *f = ud;
    if (p) f->live--;
    free(p);
}

static mn_status oom_run(int which, mn_context *c, mn_gen *gn, mn_graph **g)
{
    switch (which) {
    case 0:
        mn_gen_set_int(gn, MN_GEN_WIRES, 60);
        mn_gen_set_real(gn, MN_GEN_WIDTH, 4);
        mn_gen_set_real(gn, MN_GEN_HEIGHT, 4);
        return mn_gen_nanowires(g, gn);
    case 1:
        mn_gen_set_int(gn, MN_GEN_WIRES, 60);
        mn_gen_set_real(gn, MN_GEN_WIDTH, 4);
        mn_gen_set_real(gn, MN_GEN_HEIGHT, 4);
        mn_gen_set_int(gn, MN_GEN_MULTINODE, 1);
        return mn_gen_nanowires(g, gn);
    case 2:
        mn_gen_set_real(gn, MN_GEN_WIDTH, 6);
        mn_gen_set_real(gn, MN_GEN_HEIGHT, 6);
        mn_gen_set_real(gn, MN_GEN_RESOLUTION, 0.25);
        return mn_gen_nanoparticles(g, gn);
    case 3:
        return mn_gen_lattice(g, gn);
    default:
        return mn_gen_cb(g, gn);
    }
    (void)c;
}

START_TEST(test_out_of_memory)
{
    for (int which = 0; which < 5; which++) {
        int succeeded = 0;
        for (long k = 0; k < 5000 && !succeeded; k++) {
            fail_alloc f = { 0, -1, 0 };
            mn_allocator a = MN_ALLOCATOR_INIT;
            a.malloc_fn = fa_malloc;
            a.realloc_fn = fa_realloc;
            a.free_fn = fa_free;
            a.user_data = &f;
            mn_context *c = NULL;
            mn_gen *gn = NULL;
            ck_assert_int_eq(mn_context_new_with_allocator(&c, &a), MN_OK);
            ck_assert_int_eq(mn_gen_new(&gn, c), MN_OK);
            if (which == 1 || which == 4) {
                mn_index ids[] = { 0, 1 };
                ck_assert_int_eq(mn_gen_add_electrode_ids(gn, "a", ids, 2), MN_OK);
                if (which == 1)
                    ck_assert_int_eq(mn_gen_add_electrode_rect(gn, "b", 0, 0, 1, 4), MN_OK);
            }
            f.calls = 0;
            f.fail_at = k;
            mn_graph *g = (mn_graph *)&g;
            mn_status st = oom_run(which, c, gn, &g);
            f.fail_at = -1;
            if (st == MN_OK) {
                succeeded = 1;
                ck_assert_ptr_nonnull(g);
                mn_graph_free(g);
            } else {
                ck_assert_msg(st == MN_ERR_NOMEM, "generator %d, failing allocation %ld: %s (%s)",
                              which, k, mn_status_name(st), mn_context_last_error(c));
                ck_assert_ptr_null(g);
            }
            mn_gen_free(gn);
            mn_context_free(c);
            ck_assert_msg(f.live == 0, "generator %d, failing allocation %ld: %ld blocks leaked",
                          which, k, f.live);
        }
        ck_assert_msg(succeeded, "generator %d never succeeded", which);
    }
}
END_TEST


/* The circuit with the models module: memristor edges get strukov_cb, the others resistor
 * models with the generator's conductances; the network's conductances are 1/R(w) of 002
 * eq. (1) on the memristors and 1/R_ref, 1/R_int elsewhere. */
START_TEST(test_cb_with_models)
{
    const int n = 6;
    const double Rint = 250, Rref = 900;
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_CB_N, n));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_INT, Rint));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_R_REF, Rref));
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_gen_cb(&g, gen));
    size_t nmem, nres;
    const mn_index *mem = mn_gen_memristor_edges(gen, &nmem);
    const double *rG;
    const mn_index *res = mn_gen_resistor_edges(gen, &rG, &nres);
    mn_network *net = NULL;
    mn_model *cb = NULL, *r = NULL;
    MN_ASSERT_OK(ctx, mn_network_new(&net, g));
    MN_ASSERT_OK(ctx, mn_model_new(&cb, ctx, "strukov_cb"));
    MN_ASSERT_OK(ctx, mn_model_new(&r, ctx, "resistor"));
    MN_ASSERT_OK(ctx, mn_network_assign(net, cb, mem, nmem, NULL));
    MN_ASSERT_OK(ctx, mn_network_assign(net, r, res, nres, NULL));
    for (size_t k = 0; k < nres; k++)
        MN_ASSERT_OK(ctx, mn_network_set_edge_param(net, res[k], "G", rG[k]));
    ck_assert_uint_eq(mn_network_state_count(net), (size_t)n);
    double x[6], G[18];
    const size_t *off = mn_network_state_offsets(net);
    for (int k = 0; k < n; k++) x[off[mem[k]]] = (k + 0.5) / n;
    MN_ASSERT_OK(ctx, mn_network_conductances(net, x, G));
    for (int k = 0; k < n; k++) {
        double w = (k + 0.5) / n;
        MN_ASSERT_REL(G[mem[k]], 1 / (100 * (1 - w) + 16000 * w), 1e-14);
    }
    for (size_t k = 0; k < nres; k++)
        MN_ASSERT_REL(G[res[k]], res[k] < 2 * n ? 1 / Rref : 1 / Rint, 1e-15);
    mn_model_free(cb);
    mn_model_free(r);
    mn_network_free(net);
    mn_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ bad input */

START_TEST(test_bad_input)
{
    mn_graph *g = (mn_graph *)&g; /* must become NULL */
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, -3), MN_ERR_RANGE, "width: -3");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_HEIGHT, 0), MN_ERR_RANGE, "height: 0");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_WIDTH, NAN), MN_ERR_RANGE, "width");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, 1.2), MN_ERR_RANGE, "coverage: 1.2");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_COVERAGE, 0), MN_ERR_RANGE, "coverage: 0");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH, 0), MN_ERR_RANGE, "length: 0");
    MN_ASSERT_ERR(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 0), MN_ERR_RANGE, "wires: 0");
    MN_ASSERT_ERR(ctx, mn_gen_set_int(gen, MN_GEN_CB_N, -2), MN_ERR_RANGE, "cb n: -2");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_R_INT, -1), MN_ERR_RANGE, "R_int: -1");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, MN_GEN_WIRES, 10), MN_ERR_INVALID, "integer");
    MN_ASSERT_ERR(ctx, mn_gen_set_int(gen, MN_GEN_WIDTH, 10), MN_ERR_INVALID, "real");
    MN_ASSERT_ERR(ctx, mn_gen_set_real(gen, (mn_gen_option)999, 1), MN_ERR_INVALID, "999");
    MN_ASSERT_ERR(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, 9), MN_ERR_RANGE, "9");
    /* the values that were refused did not change the options */
    double w;
    MN_ASSERT_OK(ctx, mn_gen_get_real(gen, MN_GEN_WIDTH, &w));
    MN_ASSERT_REL(w, 10, 0);
    /* no wire count */
    MN_ASSERT_ERR(ctx, mn_gen_nanowires(&g, gen), MN_ERR_RANGE, "wire count 0");
    ck_assert_ptr_null(g);
    /* sd with the fixed distribution; random law without sd */
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_WIRES, 50));
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, 0.3));
    MN_ASSERT_ERR(ctx, mn_gen_nanowires(&g, gen), MN_ERR_INVALID, "length sd 0.3");
    MN_ASSERT_OK(ctx, mn_gen_set_real(gen, MN_GEN_LENGTH_SD, 0));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_GAMMA));
    MN_ASSERT_ERR(ctx, mn_gen_nanowires(&g, gen), MN_ERR_RANGE, "length sd 0");
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LENGTH_DIST, MN_GEN_LENGTH_FIXED));
    /* electrodes touching nothing */
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_disc(gen, "far", 500, 500, 1));
    MN_ASSERT_ERR(ctx, mn_gen_nanowires(&g, gen), MN_ERR_INVALID, "\"far\" (disc at (500, 500)");
    ck_assert_ptr_null(g);
    MN_ASSERT_ERR(ctx, mn_gen_nanoparticles(&g, gen), MN_ERR_INVALID, "touches nothing");
    ck_assert_ptr_null(g);
    mn_gen_clear_electrodes(gen);
    mn_index bad_id = 50;
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_ids(gen, "ids", &bad_id, 1));
    MN_ASSERT_ERR(ctx, mn_gen_nanowires(&g, gen), MN_ERR_INVALID, "wire id 50");
    mn_gen_clear_electrodes(gen);
    /* bad electrode definitions */
    MN_ASSERT_ERR(ctx, mn_gen_add_electrode_rect(gen, "r", 2, 0, 1, 1), MN_ERR_RANGE, "x1 < x0");
    MN_ASSERT_ERR(ctx, mn_gen_add_electrode_disc(gen, "d", 0, 0, -1), MN_ERR_RANGE, "radius -1");
    MN_ASSERT_ERR(ctx, mn_gen_add_electrode_disc(gen, "a b", 0, 0, 1), MN_ERR_INVALID, "a b");
    MN_ASSERT_OK(ctx, mn_gen_add_electrode_disc(gen, "d", 0, 0, 1));
    MN_ASSERT_ERR(ctx, mn_gen_add_electrode_disc(gen, "d", 0, 0, 1), MN_ERR_INVALID, "twice");
    mn_index neg = -4;
    MN_ASSERT_ERR(ctx, mn_gen_add_electrode_ids(gen, "n", &neg, 1), MN_ERR_RANGE, "-4");
    mn_gen_clear_electrodes(gen);
    /* circuit: wrong number of sources; complete graph of one node */
    double S[3] = { 1, 2, 3 };
    MN_ASSERT_OK(ctx, mn_gen_set_cb_sources(gen, S, 3));
    MN_ASSERT_ERR(ctx, mn_gen_cb(&g, gen), MN_ERR_INVALID, "3 per-branch sources");
    ck_assert_ptr_null(g);
    S[1] = INFINITY;
    MN_ASSERT_ERR(ctx, mn_gen_set_cb_sources(gen, S, 3), MN_ERR_RANGE, "S_2");
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_LATTICE, MN_GEN_LATTICE_COMPLETE));
    MN_ASSERT_OK(ctx, mn_gen_set_int(gen, MN_GEN_NX, 1));
    MN_ASSERT_ERR(ctx, mn_gen_lattice(&g, gen), MN_ERR_RANGE, "1 nodes");
    ck_assert_ptr_null(g);
    /* NULL handles */
    ck_assert_int_eq(mn_gen_nanowires(NULL, gen), MN_ERR_INVALID);
    ck_assert_int_eq(mn_gen_new(NULL, ctx), MN_ERR_INVALID);
    mn_gen_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generators");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    const char *slow = getenv("MEMNET_SLOW_TESTS");
    if (slow && *slow == '1') {
        tcase_add_test(tc, test_nanowire_spanning_threshold_slow);
    } else {
        tcase_add_test(tc, test_nanowire_bruteforce_fixed);
        tcase_add_test(tc, test_nanowire_bruteforce_lognormal);
        tcase_add_test(tc, test_nanowire_junction_density);
        tcase_add_test(tc, test_nanowire_length_and_angle_distributions);
        tcase_add_test(tc, test_nanowire_spanning_threshold);
        tcase_add_test(tc, test_nanowire_electrodes);
        tcase_add_test(tc, test_nanowire_keep_components);
        tcase_add_test(tc, test_nanowire_multinode);
        tcase_add_test(tc, test_nanoparticle_coverage_monte_carlo);
        tcase_add_test(tc, test_nanoparticle_gaps_bruteforce);
        tcase_add_test(tc, test_nanoparticle_spanning_threshold);
        tcase_add_test(tc, test_nanoparticle_electrodes);
        tcase_add_test(tc, test_electrode_overlap_warning);
        tcase_add_test(tc, test_reproducible);
        tcase_add_test(tc, test_lattices);
        tcase_add_test(tc, test_cb_dense_nodal_vs_closed_form);
        tcase_add_test(tc, test_cb_with_models);
        tcase_add_test(tc, test_bad_input);
        tcase_add_test(tc, test_out_of_memory);
    }
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
