/* Mean-field projector quantities at scale: exact (selected inversion) and randomised diag(Omega)
 * on ~10^6 junctions; prints medians over repeats and the randomised method's errors against
 * the exact values of the same run.
 * usage: bench-meanfield [lattice|geometric|nanowire] [edges] [repeats] [tol] */
#define _USE_MATH_DEFINES
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench-util.h"

static double cpu(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* square lattice with ~`edges` edges; electrodes: left and right columns */
static mn_graph *lattice(mn_context *ctx, size_t edges, mn_index **src, mn_index **dst, size_t *ne)
{
    int L = (int)ceil(sqrt(edges / 2.0));
    size_t n = (size_t)L * L, m = 2 * (size_t)L * (L - 1), k = 0;
    mn_index *u = malloc(sizeof(mn_index) * m), *v = malloc(sizeof(mn_index) * m);
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++) {
            if (j + 1 < L) { u[k] = (mn_index)i * L + j; v[k++] = (mn_index)i * L + j + 1; }
            if (i + 1 < L) { u[k] = (mn_index)i * L + j; v[k++] = (mn_index)(i + 1) * L + j; }
        }
    mn_graph *g;
    if (mn_graph_new_from_edges(&g, ctx, n, m, u, v)) exit(1);
    free(u);
    free(v);
    *src = malloc(sizeof(mn_index) * L);
    *dst = malloc(sizeof(mn_index) * L);
    for (int i = 0; i < L; i++) {
        (*src)[i] = i * L;
        (*dst)[i] = i * L + L - 1;
    }
    *ne = (size_t)L;
    return g;
}

/* random geometric graph (a stand-in for a nanowire network: ~8 junctions per wire);
 * electrodes: nodes with x < 0.02 and x > 0.98 */
static mn_graph *geometric(mn_context *ctx, size_t edges, mn_index **src, mn_index **dst, size_t *nsrc,
                           size_t *ndst)
{
    size_t n = edges / 4; /* mean degree 8 */
    double r = sqrt(8.0 / (3.14159265358979 * n));
    mn_rng *rng;
    mn_rng_new(&rng, ctx, 2026, 0);
    double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
    for (size_t i = 0; i < n; i++) {
        x[i] = mn_rng_uniform(rng);
        y[i] = mn_rng_uniform(rng);
    }
    int C = (int)(1 / r);
    size_t *head = malloc(sizeof(size_t) * C * C), *next = malloc(sizeof(size_t) * n);
    for (int i = 0; i < C * C; i++) head[i] = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        int cx = (int)(x[i] * C), cy = (int)(y[i] * C);
        if (cx >= C) cx = C - 1;
        if (cy >= C) cy = C - 1;
        next[i] = head[cy * C + cx];
        head[cy * C + cx] = i;
    }
    size_t cap = edges * 2, m = 0;
    mn_index *u = malloc(sizeof(mn_index) * cap), *v = malloc(sizeof(mn_index) * cap);
    for (size_t i = 0; i < n; i++) {
        int cx = (int)(x[i] * C), cy = (int)(y[i] * C);
        if (cx >= C) cx = C - 1;
        if (cy >= C) cy = C - 1;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int ax = cx + dx, ay = cy + dy;
                if (ax < 0 || ay < 0 || ax >= C || ay >= C) continue;
                for (size_t j = head[ay * C + ax]; j != (size_t)-1; j = next[j]) {
                    if (j <= i) continue;
                    double ddx = x[i] - x[j], ddy = y[i] - y[j];
                    if (ddx * ddx + ddy * ddy < r * r && m < cap) {
                        u[m] = (mn_index)i;
                        v[m++] = (mn_index)j;
                    }
                }
            }
    }
    mn_graph *g;
    if (mn_graph_new_from_edges(&g, ctx, n, m, u, v)) exit(1);
    *src = malloc(sizeof(mn_index) * n);
    *dst = malloc(sizeof(mn_index) * n);
    *nsrc = *ndst = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < 0.02) (*src)[(*nsrc)++] = (mn_index)i;
        if (x[i] > 0.98) (*dst)[(*ndst)++] = (mn_index)i;
    }
    free(u); free(v); free(x); free(y); free(head); free(next);
    mn_rng_free(rng);
    return g;
}

/* random nanowire network from the generator (sticks of unit length, ~10 junctions per wire),
 * electrodes: the wires touching the left and right sides of the box */
static mn_graph *nanowires(mn_context *ctx, size_t edges, mn_index **src, mn_index **dst,
                           size_t *nsrc, size_t *ndst)
{
    size_t wires = edges / 5;
    double side = sqrt(wires / 15.7); /* density 15.7: mean degree 2 rho L^2 / pi ~ 10 */
    mn_gen *gen;
    mn_graph *g;
    if (mn_gen_new(&gen, ctx) || mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)wires) ||
        mn_gen_set_real(gen, MN_GEN_WIDTH, side) || mn_gen_set_real(gen, MN_GEN_HEIGHT, side) ||
        mn_gen_set_int(gen, MN_GEN_SEED, 2026) || mn_gen_nanowires(&g, gen)) {
        fprintf(stderr, "%s\n", mn_context_last_error(ctx));
        exit(1);
    }
    mn_gen_free(gen);
    const mn_index *l, *r;
    if (mn_graph_node_set(g, "left", &l, nsrc) || mn_graph_node_set(g, "right", &r, ndst)) exit(1);
    *src = malloc(sizeof(mn_index) * *nsrc);
    *dst = malloc(sizeof(mn_index) * *ndst);
    memcpy(*src, l, sizeof(mn_index) * *nsrc);
    memcpy(*dst, r, sizeof(mn_index) * *ndst);
    return g;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "lattice";
    size_t edges = argc > 2 ? (size_t)atof(argv[2]) : 1000000;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    double tol = argc > 4 ? atof(argv[4]) : 0.01;
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_index *src, *dst;
    size_t ns, nd;
    mn_graph *g;
    if (!strcmp(kind, "geometric")) g = geometric(ctx, edges, &src, &dst, &ns, &nd);
    else if (!strcmp(kind, "nanowire")) g = nanowires(ctx, edges, &src, &dst, &ns, &nd);
    else {
        g = lattice(ctx, edges, &src, &dst, &ns);
        nd = ns;
    }
    size_t m = mn_graph_edge_count(g);
    printf("graph=%s nodes=%zu edges=%zu source_nodes=%zu drain_nodes=%zu repeats=%d tol=%g\n", kind,
           mn_graph_node_count(g), m, ns, nd, reps, tol);
    double *tex = malloc(sizeof(double) * reps), *trn = malloc(sizeof(double) * reps);
    double *cex = malloc(sizeof(double) * reps), *crn = malloc(sizeof(double) * reps);
    mn_meanfield_projector *ex = NULL, *rn = NULL;
    for (int r = 0; r < reps; r++) {
        mn_meanfield_projector_free(ex);
        mn_meanfield_projector_free(rn);
        double t0 = now(), c0 = cpu();
        if (mn_meanfield_projector_new(&ex, g, src, ns, dst, nd, MN_MEANFIELD_DIAG_SELINV, 0, 0)) {
            fprintf(stderr, "%s\n", mn_context_last_error(ctx));
            return 1;
        }
        double t1 = now(), c1 = cpu();
        if (mn_meanfield_projector_new(&rn, g, src, ns, dst, nd, MN_MEANFIELD_DIAG_RANDOM, tol,
                                       (uint64_t)r + 1)) {
            fprintf(stderr, "%s\n", mn_context_last_error(ctx));
            return 1;
        }
        double t2 = now(), c2 = cpu();
        cex[r] = c1 - c0;
        crn[r] = c2 - c1;
        tex[r] = t1 - t0;
        trn[r] = t2 - t1;
    }
    /* errors of the randomised method against the exact values */
    double *gs = malloc(sizeof(double) * m);
    mn_rng *rng;
    mn_rng_new(&rng, ctx, 99, 1);
    for (size_t e = 0; e < m; e++) gs[e] = mn_rng_uniform(rng);
    double ge, gr, gerr, Ge, Gr;
    mn_meanfield_projector_g_mean(ex, gs, &ge, NULL);
    mn_meanfield_projector_g_mean(rn, gs, &gr, &gerr);
    mn_meanfield_projector_g_eff(ex, gs, 1, 100, &Ge);
    mn_meanfield_projector_g_eff(rn, gs, 1, 100, &Gr);
    const double *de = mn_meanfield_projector_diag(ex), *dr = mn_meanfield_projector_diag(rn);
    double *rel = malloc(sizeof(double) * m);
    size_t nr = 0;
    double sde = 0, sdr = 0;
    for (size_t e = 0; e < m; e++)
        if (de[e] > 1e-12) {
            rel[nr++] = fabs(dr[e] - de[e]) / de[e];
            sde += de[e];
            sdr += dr[e];
        }
    double medrel = median(rel, (int)nr);
    printf("Omega_N1=%.10g trace_Omega=%.10g trace_Omega2=%.10g Omega_mean=%.6g\n",
           mn_meanfield_projector_omega_n1(ex), mn_meanfield_projector_trace(ex),
           mn_meanfield_projector_trace2(ex), mn_meanfield_projector_omega_mean(ex));
    printf("exact_selinv_s_median=%.3f cpu_s_median=%.3f\n", median(tex, reps), median(cex, reps));
    printf("randomised_s_median=%.3f cpu_s_median=%.3f probes=%zu\n", median(trn, reps),
           median(crn, reps), mn_meanfield_projector_probes(rn));
    printf("ratio_exact_over_randomised=%.2f\n", median(tex, reps) / median(trn, reps));
    printf("g_mean_exact=%.10g g_mean_random=%.10g rel_err=%.2e reported_err=%.2e\n", ge, gr,
           fabs(gr - ge) / ge, gerr / ge);
    printf("G_eff_mf_exact=%.10g G_eff_mf_random=%.10g rel_err=%.2e\n", Ge, Gr, fabs(Gr - Ge) / Ge);
    printf("diag_sum_rel_err=%.2e diag_median_rel_err=%.3f\n", fabs(sdr - sde) / sde, medrel);
    free(rel); free(gs); free(tex); free(trn); free(cex); free(crn); free(src); free(dst);
    mn_rng_free(rng);
    mn_meanfield_projector_free(ex);
    mn_meanfield_projector_free(rn);
    mn_graph_free(g);
    mn_context_free(ctx);
    return 0;
}
