/*
 * Kirchhoff benchmark: per-step cost on random 2-D stick networks (mean degree ~12).
 *
 *   bench-kirchhoff [--sizes 1e3,1e4,1e5,1e6] [--repeats R] [--scipy SCRIPT] [--big 1e7]
 *                   [--changed 50] [--seed S] [--threads-scan 1e4,1e5,1e6]
 *                   [--pcg-threads-scan 1e4,1e5,1e6] [--kernels 1e4,1e5 [--threads T]]
 *
 * For each size (number of junctions = edges), on the component connected to the electrodes:
 *   - memnet per step with all conductances changed: REFACTOR, PCG (1% drift per step), AUTO,
 *     UPDATE (small sizes only), each = set_conductances + solve (refill, solve, V, I);
 *   - bare CHOLMOD on the same reduced matrix: analyse+factorise+solve from scratch, and
 *     numeric factorise+solve with the same (METIS) ordering;
 *   - AMD vs METIS: analysis time, nnz(L), factorisation time;
 *   - scipy.sparse.linalg.spsolve on the same matrix (SCRIPT run with /usr/bin/python3);
 *   - `--changed K` random junctions changed per step (update path), AUTO and forced UPDATE.
 * --big N: one network of N junctions: analyse, refactorise, solve, peak RSS (getrusage).
 * --analyse N [--variants V;V..] [--rounds R] [--factor]: the symbolic analysis only, per
 *   ordering variant (bench_analyse).
 * Medians over R repeats. The stick generator here is a simple grid-binned intersection
 * search used only until the generators module lands; it is not part of the library.
 */
#define _GNU_SOURCE
#include <memnet/memnet.h>

#include "core/core-private.h"
#include "kirchhoff/kirchhoff-impl.h"
#include "kirchhoff/kirchhoff-private.h"
#include "kirchhoff/ordering.h"

#include <cholmod.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../bench-util.h"

static uint64_t rng_s = 1;
static double urand(void)
{
    uint64_t z = (rng_s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double peak_rss_gb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / (1024.0 * 1024.0);
}

/* ------------------------------------------------------------------ stick network */

typedef struct {
    size_t n, m;          /* nodes (sticks), edges (junctions) of the kept component */
    mn_index *u, *v;
    mn_index *src, *drn;
    size_t nsrc, ndrn;
} net_t;

static int orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    double d = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return (d > 0) - (d < 0);
}

static int uf(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

/* sticks of length 1, uniform centres and angles in a square chosen for ~target junctions */
static void make_sticks(net_t *net, double target_junctions)
{
    size_t N = (size_t)(target_junctions / 6.0); /* mean degree 12: junctions = 6 N */
    double A = (double)N / (6.0 * M_PI), Lb = sqrt(A);
    double *x1 = malloc(N * sizeof(double)), *y1 = malloc(N * sizeof(double));
    double *x2 = malloc(N * sizeof(double)), *y2 = malloc(N * sizeof(double));
    for (size_t i = 0; i < N; i++) {
        double cx = urand() * Lb, cy = urand() * Lb, th = urand() * M_PI;
        x1[i] = cx - 0.5 * cos(th);
        y1[i] = cy - 0.5 * sin(th);
        x2[i] = cx + 0.5 * cos(th);
        y2[i] = cy + 0.5 * sin(th);
    }
    int nc = (int)ceil(Lb);
    if (nc < 1) nc = 1;
    size_t ncell = (size_t)nc * (size_t)nc;
    int *cnt = calloc(ncell + 1, sizeof(int)), *idx = malloc(N * sizeof(int));
    int *cell = malloc(N * sizeof(int));
    for (size_t i = 0; i < N; i++) {
        int cx = (int)(0.5 * (x1[i] + x2[i])), cy = (int)(0.5 * (y1[i] + y2[i]));
        if (cx >= nc) cx = nc - 1;
        if (cy >= nc) cy = nc - 1;
        cell[i] = cy * nc + cx;
        cnt[cell[i] + 1]++;
    }
    for (size_t c = 0; c < ncell; c++) cnt[c + 1] += cnt[c];
    int *fill = malloc((ncell + 1) * sizeof(int));
    memcpy(fill, cnt, (ncell + 1) * sizeof(int));
    for (size_t i = 0; i < N; i++) idx[fill[cell[i]]++] = (int)i;
    size_t cap = (size_t)(target_junctions * 1.2) + 16, m = 0;
    mn_index *u = malloc(cap * sizeof(mn_index)), *v = malloc(cap * sizeof(mn_index));
    for (size_t i = 0; i < N; i++) {
        int cx = cell[i] % nc, cy = cell[i] / nc;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int ox = cx + dx, oy = cy + dy;
                if (ox < 0 || oy < 0 || ox >= nc || oy >= nc) continue;
                int c = oy * nc + ox;
                for (int p = cnt[c]; p < cnt[c + 1]; p++) {
                    size_t j = (size_t)idx[p];
                    if (j <= i) continue;
                    if (orient(x1[i], y1[i], x2[i], y2[i], x1[j], y1[j]) *
                                orient(x1[i], y1[i], x2[i], y2[i], x2[j], y2[j]) < 0 &&
                        orient(x1[j], y1[j], x2[j], y2[j], x1[i], y1[i]) *
                                orient(x1[j], y1[j], x2[j], y2[j], x2[i], y2[i]) < 0) {
                        if (m == cap) {
                            cap *= 2;
                            u = realloc(u, cap * sizeof(mn_index));
                            v = realloc(v, cap * sizeof(mn_index));
                        }
                        u[m] = (mn_index)i;
                        v[m++] = (mn_index)j;
                    }
                }
            }
    }
    free(cnt);
    free(fill);
    free(idx);
    free(cell);
    /* electrodes: sticks touching the left / right margin of width 0.5 */
    unsigned char *side = calloc(N, 1);
    for (size_t i = 0; i < N; i++) {
        double lo = fmin(x1[i], x2[i]), hi = fmax(x1[i], x2[i]);
        if (lo < 0.5) side[i] = 1;
        else if (hi > Lb - 0.5) side[i] = 2;
    }
    /* keep the component(s) connected to the electrodes: union-find with the two sides
     * merged through virtual nodes N (left) and N+1 (right) */
    int *p = malloc((N + 2) * sizeof(int));
    for (size_t i = 0; i < N + 2; i++) p[i] = (int)i;
    for (size_t e = 0; e < m; e++) {
        int a = uf(p, (int)u[e]), b = uf(p, (int)v[e]);
        if (a != b) p[a] = b;
    }
    for (size_t i = 0; i < N; i++)
        if (side[i]) {
            int a = uf(p, (int)i), b = uf(p, (int)(N + side[i] - 1));
            if (a != b) p[a] = b;
        }
    int root = uf(p, (int)N);
    if (uf(p, (int)N + 1) != root) fprintf(stderr, "warning: electrodes not connected\n");
    int *newid = malloc(N * sizeof(int));
    size_t nn = 0;
    for (size_t i = 0; i < N; i++) newid[i] = uf(p, (int)i) == root ? (int)nn++ : -1;
    size_t mm = 0;
    for (size_t e = 0; e < m; e++)
        if (newid[u[e]] >= 0) {
            u[mm] = newid[u[e]];
            v[mm++] = newid[v[e]];
        }
    net->src = malloc(N * sizeof(mn_index));
    net->drn = malloc(N * sizeof(mn_index));
    net->nsrc = net->ndrn = 0;
    for (size_t i = 0; i < N; i++) {
        if (newid[i] < 0) continue;
        if (side[i] == 1) net->src[net->nsrc++] = newid[i];
        if (side[i] == 2) net->drn[net->ndrn++] = newid[i];
    }
    net->n = nn;
    net->m = mm;
    net->u = u;
    net->v = v;
    free(p);
    free(newid);
    free(side);
    free(x1);
    free(y1);
    free(x2);
    free(y2);
}

static void free_net(net_t *n)
{
    free(n->u);
    free(n->v);
    free(n->src);
    free(n->drn);
}

/* ------------------------------------------------------------------ bare CHOLMOD */

/* the reduced Laplacian on free nodes (upper triangle, stype 1) and its rhs, assembled
 * independently of the library (triplets, summed duplicates) */
static cholmod_sparse *bare_matrix(const net_t *net, const double *G, cholmod_dense **b,
                                   cholmod_common *cm)
{
    int *row = malloc(net->n * sizeof(int));
    for (size_t i = 0; i < net->n; i++) row[i] = 0;
    for (size_t i = 0; i < net->nsrc; i++) row[net->src[i]] = -1;
    for (size_t i = 0; i < net->ndrn; i++) row[net->drn[i]] = -2;
    int nf = 0;
    for (size_t i = 0; i < net->n; i++)
        if (row[i] == 0) row[i] = nf++;
        else if (row[i] > 0) row[i] = nf++;
    cholmod_triplet *T = cholmod_allocate_triplet((size_t)nf, (size_t)nf, 3 * net->m + 1, 1,
                                                  CHOLMOD_REAL, cm);
    int *Ti = T->i, *Tj = T->j;
    double *Tx = T->x;
    *b = cholmod_zeros((size_t)nf, 1, CHOLMOD_REAL, cm);
    double *bx = (*b)->x;
    size_t k = 0;
    for (size_t e = 0; e < net->m; e++) {
        int a = row[net->u[e]], c = row[net->v[e]];
        if (a >= 0) Ti[k] = Tj[k] = a, Tx[k++] = G[e];
        if (c >= 0) Ti[k] = Tj[k] = c, Tx[k++] = G[e];
        if (a >= 0 && c >= 0) {
            Ti[k] = a < c ? a : c;
            Tj[k] = a < c ? c : a;
            Tx[k++] = -G[e];
        } else if (a >= 0 && c == -1) {
            bx[a] += G[e];
        } else if (c >= 0 && a == -1) {
            bx[c] += G[e];
        }
    }
    T->nnz = k;
    cholmod_sparse *A = cholmod_triplet_to_sparse(T, 0, cm);
    cholmod_free_triplet(&T, cm);
    free(row);
    return A;
}

static void set_ordering(cholmod_common *cm, int metis)
{
    cm->nmethods = 1;
    cm->method[0].ordering = metis ? CHOLMOD_METIS : CHOLMOD_AMD;
    cm->postorder = 1;
}

/* numeric factorise + solve, repeated: the seconds of each in t */
static void bare_numeric(cholmod_sparse *A, cholmod_factor *L, cholmod_dense *b,
                         cholmod_common *cm, int repeats, double *t)
{
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        cholmod_factorize(A, L, cm);
        cholmod_dense *x = cholmod_solve(CHOLMOD_A, L, b, cm);
        t[r] = now() - t0;
        cholmod_free_dense(&x, cm);
    }
}

/* ------------------------------------------------------------------ one size */

static double g_peer_step = NAN; /* spsolve.py: assembly + spsolve per step */

static int run_scipy(const char *script, const char *mtx, const char *rhs, int repeats,
                     double *t)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %d", script, mtx, rhs, repeats);
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    char line[256];
    int ok = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "spsolve_median_s=%lf", t) == 1)
            ok = 0;
        else
            (void)sscanf(line, "peer_step_median_s=%lf", &g_peer_step);
    pclose(f);
    return ok;
}

static mn_kirchhoff *make_solver(mn_graph *g, const net_t *net, mn_kirchhoff_strategy s,
                                 mn_kirchhoff_ordering o, const double *G)
{
    mn_kirchhoff *k = NULL;
    if (mn_kirchhoff_new(&k, g) != MN_OK) return NULL;
    mn_kirchhoff_set_strategy(k, s);
    mn_kirchhoff_set_ordering(k, o);
    mn_kirchhoff_add_electrode(k, net->src, net->nsrc, NULL);
    mn_kirchhoff_add_electrode(k, net->drn, net->ndrn, NULL);
    mn_kirchhoff_set_potential(k, 0, 1.0);
    mn_kirchhoff_set_conductances(k, G);
    if (mn_kirchhoff_solve(k) != MN_OK) {
        fprintf(stderr, "solve failed: %s\n", mn_context_last_error(mn_graph_context(g)));
        mn_kirchhoff_free(k);
        return NULL;
    }
    return k;
}

static double per_step(mn_kirchhoff *k, double *G, size_t m, int repeats, double drift)
{
    double *t = malloc((size_t)repeats * sizeof(double));
    for (int r = 0; r < repeats; r++) {
        if (drift >= 1.0) /* new random conductances (a multiplicative walk would spread) */
            for (size_t e = 0; e < m; e++) G[e] = (G[e] < 1e-6 ? 1e-20 : 0.01 + urand());
        else
            for (size_t e = 0; e < m; e++) G[e] *= 1.0 + drift * (urand() - 0.5);
        double t0 = now();
        mn_kirchhoff_set_conductances(k, G);
        if (mn_kirchhoff_solve(k) != MN_OK) fprintf(stderr, "solve failed\n");
        t[r] = now() - t0;
    }
    double md = median(t, repeats);
    free(t);
    return md;
}

static int g_only_changed = 0;

static void bench_size(double target, int repeats, const char *scipy, int changed)
{
    net_t net;
    double tg = now();
    make_sticks(&net, target);
    double t_gen = now() - tg;
    printf("\n# size target=%.0f junctions: nodes=%zu edges=%zu source=%zu drain=%zu "
           "(generated in %.2f s)\n",
           target, net.n, net.m, net.nsrc, net.ndrn, t_gen);
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_graph *g = NULL;
    if (mn_graph_new_from_edges(&g, ctx, net.n, net.m, net.u, net.v) != MN_OK) {
        fprintf(stderr, "graph: %s\n", mn_context_last_error(ctx));
        exit(1);
    }
    double *G = malloc(net.m * sizeof(double)), *G0 = malloc(net.m * sizeof(double));
    for (size_t e = 0; e < net.m; e++) G0[e] = 0.01 + urand();
    /* memnet strategies */
    const char *names[] = { "auto", "refactor", "update", "pcg" };
    double step[4] = { 0 };
    for (int s = 0; s < 4 && !g_only_changed; s++) {
        if (s == MN_KIRCHHOFF_UPDATE && net.m > 20000) {
            step[s] = NAN; /* a rank-m update is never the right choice: skipped above 2e4 */
            continue;
        }
        memcpy(G, G0, net.m * sizeof(double));
        mn_kirchhoff *k = make_solver(g, &net, (mn_kirchhoff_strategy)s, MN_ORDERING_METIS, G);
        if (!k) exit(1);
        step[s] = per_step(k, G, net.m, repeats, s == MN_KIRCHHOFF_REFACTOR ? 1.0 : 0.02);
        if (getenv("MN_BENCH_DEBUG")) {
            mn__kirchhoff_info inf;
            mn__kirchhoff_info_get(k, &inf);
            printf("debug: t_refactor=%.4g t_solve=%.4g last_solve=%.4g\n", inf.t_refactor,
                   inf.t_solve, inf.last_solve_seconds);
        }
        uint64_t nref, nupd, ncg, nit;
        nref = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
        nupd = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
        ncg = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_SOLVES);
        nit = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
        printf("memnet_%s_step_s=%.6g   (refactors=%llu updates=%llu cg_solves=%llu "
               "cg_iterations=%llu)\n",
               names[s], step[s], (unsigned long long)nref, (unsigned long long)nupd,
               (unsigned long long)ncg, (unsigned long long)nit);
        mn_kirchhoff_free(k);
    }
    /* the cancellation-free elimination (used when conductances span > 1e12): one edge in
     * 1000 at 1e-20 S */
    if (!g_only_changed) {
        memcpy(G, G0, net.m * sizeof(double));
        for (size_t e = 0; e < net.m; e += 1000) G[e] = 1e-20;
        mn_kirchhoff *k = make_solver(g, &net, MN_KIRCHHOFF_REFACTOR, MN_ORDERING_METIS, G);
        if (!k) exit(1);
        double t_exact = per_step(k, G, net.m, repeats, 1.0);
        mn__kirchhoff_info info;
        mn__kirchhoff_info_get(k, &info);
        printf("memnet_refactor_exact_elimination_step_s=%.6g (active=%d; ratio to CHOLMOD "
               "refactor step %.2f)\n",
               t_exact, info.exact_elimination, t_exact / step[MN_KIRCHHOFF_REFACTOR]);
        mn_kirchhoff_free(k);
    }
    /* bare CHOLMOD on the same matrix */
    double *ta = NULL, *tn = NULL;
    if (g_only_changed) goto changed_part;
    cholmod_common cm;
    cholmod_start(&cm);
    cm.print = 0;
    cholmod_dense *b = NULL;
    memcpy(G, G0, net.m * sizeof(double));
    cholmod_sparse *A = bare_matrix(&net, G, &b, &cm);
    ta = malloc((size_t)repeats * sizeof(double));
    tn = malloc((size_t)repeats * sizeof(double));
    double *tn_team = malloc((size_t)repeats * sizeof(double));
    double lnz[2] = { 0 }, t_an[2] = { 0 }, t_fa[2] = { 0 };
    for (int metis = 1; metis >= 0; metis--) {
        set_ordering(&cm, metis);
        double t0 = now();
        cholmod_factor *L = cholmod_analyze(A, &cm);
        t_an[metis] = now() - t0;
        lnz[metis] = cm.lnz;
        double tf[64];
        int rr = repeats < 64 ? repeats : 64;
        for (int r = 0; r < rr; r++) {
            t0 = now();
            cholmod_factorize(A, L, &cm);
            tf[r] = now() - t0;
        }
        t_fa[metis] = median(tf, rr);
        if (metis) {
            bare_numeric(A, L, b, &cm, repeats, tn_team);
            /* the same with CHOLMOD's OpenMP regions run serially, as memnet runs them */
            int omp = mn__serial_begin();
            bare_numeric(A, L, b, &cm, repeats, tn);
            mn__serial_end(omp);
        }
        cholmod_free_factor(&L, &cm);
    }
    set_ordering(&cm, 1);
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        cholmod_factor *L = cholmod_analyze(A, &cm);
        cholmod_factorize(A, L, &cm);
        cholmod_dense *x = cholmod_solve(CHOLMOD_A, L, b, &cm);
        ta[r] = now() - t0;
        cholmod_free_dense(&x, &cm);
        cholmod_free_factor(&L, &cm);
    }
    double bare_full = median(ta, repeats), bare_num = median(tn, repeats);
    double bare_team = median(tn_team, repeats);
    free(tn_team);
    printf("bare_cholmod_analyse_factor_solve_s=%.6g\n", bare_full);
    printf("bare_cholmod_factor_solve_s=%.6g (same METIS ordering, numeric only, CHOLMOD's "
           "OpenMP regions serial as in memnet)\n",
           bare_num);
    printf("bare_cholmod_factor_solve_openmp_team_s=%.6g (CHOLMOD defaults: its 4-thread OpenMP "
           "regions active)\n",
           bare_team);
    printf("ratio_memnet_refactor_vs_bare_numeric=%.3f (target <= 1.2)\n",
           step[MN_KIRCHHOFF_REFACTOR] / bare_num);
    printf("ratio_bare_full_vs_memnet_refactor=%.2f\n", bare_full / step[MN_KIRCHHOFF_REFACTOR]);
    printf("metis: analyse_s=%.4g nnzL=%.4g factor_s=%.4g\n", t_an[1], lnz[1], t_fa[1]);
    printf("amd:   analyse_s=%.4g nnzL=%.4g factor_s=%.4g  fill_ratio_amd_over_metis=%.3f\n",
           t_an[0], lnz[0], t_fa[0], lnz[0] / lnz[1]);
    /* The same comparison interleaved: one memnet refactor step (new conductances, refill,
     * factorise, solve, V, I, electrode currents), then one bare numeric factorise + solve,
     * alternately, so that load drifts on the shared machine hit both alike. */
    {
        int R = repeats < 15 ? 15 : repeats;
        set_ordering(&cm, 1);
        cholmod_factor *L = cholmod_analyze(A, &cm);
        memcpy(G, G0, net.m * sizeof(double));
        mn_kirchhoff *k = make_solver(g, &net, MN_KIRCHHOFF_REFACTOR, MN_ORDERING_METIS, G);
        if (!k || !L) exit(1);
        double *tm = malloc((size_t)R * sizeof(double)), *tb = malloc((size_t)R * sizeof(double));
        double *rr = malloc((size_t)R * sizeof(double));
        int omp = mn__serial_begin();
        for (int r = 0; r < R; r++) {
            for (size_t e = 0; e < net.m; e++) G[e] = 0.01 + urand();
            double t0 = now();
            mn_kirchhoff_set_conductances(k, G);
            if (mn_kirchhoff_solve(k) != MN_OK) fprintf(stderr, "solve failed\n");
            tm[r] = now() - t0;
            t0 = now();
            cholmod_factorize(A, L, &cm);
            cholmod_dense *x = cholmod_solve(CHOLMOD_A, L, b, &cm);
            tb[r] = now() - t0;
            cholmod_free_dense(&x, &cm);
            rr[r] = tm[r] / tb[r];
        }
        mn__serial_end(omp);
        printf("interleaved (%d pairs): memnet_refactor_step_s=%.6g bare_factor_solve_s=%.6g "
               "median_pair_ratio=%.3f (target <= 1.2)\n",
               R, median(tm, R), median(tb, R), median(rr, R));
        free(tm);
        free(tb);
        free(rr);
        mn_kirchhoff_free(k);
        cholmod_free_factor(&L, &cm);
    }
    if (scipy) {
        char mtx[256], rhs[256];
        snprintf(mtx, sizeof mtx, "/tmp/mn-bench-kirchhoff-%d.mtx", (int)getpid());
        snprintf(rhs, sizeof rhs, "/tmp/mn-bench-kirchhoff-%d.rhs", (int)getpid());
        FILE *f = fopen(mtx, "w");
        cholmod_write_sparse(f, A, NULL, NULL, &cm);
        fclose(f);
        f = fopen(rhs, "w");
        cholmod_write_dense(f, b, NULL, &cm);
        fclose(f);
        double tsp;
        int sr = net.m > 200000 ? 3 : repeats;
        if (run_scipy(scipy, mtx, rhs, sr, &tsp) == 0) {
            printf("scipy_spsolve_s=%.6g  speedup_memnet_refactor=%.1fx speedup_memnet_auto="
                   "%.1fx speedup_memnet_pcg=%.1fx (target >= 100x at 1e5)\n",
                   tsp, tsp / step[MN_KIRCHHOFF_REFACTOR], tsp / step[MN_KIRCHHOFF_AUTO],
                   tsp / step[MN_KIRCHHOFF_PCG]);
            printf("scipy_peer_step_s=%.6g (triplets -> CSC + spsolve, as the peer codes do "
                   "every step)  speedup_memnet_refactor=%.1fx speedup_memnet_auto=%.1fx\n",
                   g_peer_step, g_peer_step / step[MN_KIRCHHOFF_REFACTOR],
                   g_peer_step / step[MN_KIRCHHOFF_AUTO]);
        } else
            printf("scipy_spsolve_s=failed\n");
        remove(mtx);
        remove(rhs);
    }
    cholmod_free_sparse(&A, &cm);
    cholmod_free_dense(&b, &cm);
    cholmod_finish(&cm);
    /* K changed junctions per step */
changed_part:
    if (changed > 0) {
        for (int s = 0; s < 3; s += 2) { /* AUTO, UPDATE */
            memcpy(G, G0, net.m * sizeof(double));
            mn_kirchhoff *k = make_solver(g, &net, (mn_kirchhoff_strategy)s, MN_ORDERING_METIS, G);
            mn_index *es = malloc((size_t)changed * sizeof(mn_index));
            double *gs = malloc((size_t)changed * sizeof(double));
            int reps = repeats * 5;
            double *t = malloc((size_t)reps * sizeof(double));
            for (int r = 0; r < reps; r++) {
                for (int i = 0; i < changed; i++) {
                    es[i] = (mn_index)(urand() * (double)net.m);
                    gs[i] = urand() < 0.5 ? 1e-3 : 1.0; /* filament switching */
                }
                double t0 = now();
                mn_kirchhoff_update_conductances(k, es, gs, (size_t)changed);
                if (mn_kirchhoff_solve(k) != MN_OK) fprintf(stderr, "solve failed\n");
                t[r] = now() - t0;
            }
            uint64_t nref, nupd;
            nref = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_REFACTORS);
            nupd = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_UPDATES);
            mn__kirchhoff_info info;
            mn__kirchhoff_info_get(k, &info);
            printf("changed_%d_%s_step_s=%.6g (refactors=%llu updates=%llu; of which "
                   "update %.3g s, solve %.3g s)\n",
                   changed, names[s], median(t, reps), (unsigned long long)nref,
                   (unsigned long long)nupd, info.t_update_rank1 * changed, info.t_solve);
            free(t);
            free(es);
            free(gs);
            mn_kirchhoff_free(k);
        }
    }
    free(ta);
    free(tn);
    free(G);
    free(G0);
    mn_graph_free(g);
    mn_context_free(ctx);
    free_net(&net);
}

static void bench_big(double target)
{
    net_t net;
    double t0 = now();
    make_sticks(&net, target);
    printf("\n# big: target=%.0f junctions: nodes=%zu edges=%zu (generated in %.1f s)\n", target,
           net.n, net.m, now() - t0);
    printf("peak_rss_after_generation_GB=%.3f\n", peak_rss_gb());
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_graph *g = NULL;
    mn_graph_new_from_edges(&g, ctx, net.n, net.m, net.u, net.v);
    free(net.u);
    free(net.v);
    net.u = net.v = NULL;
    double *G = malloc(net.m * sizeof(double));
    for (size_t e = 0; e < net.m; e++) G[e] = 0.01 + urand();
    mn_kirchhoff *k = NULL;
    mn_kirchhoff_new(&k, g);
    mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR);
    mn_kirchhoff_add_electrode(k, net.src, net.nsrc, NULL);
    mn_kirchhoff_add_electrode(k, net.drn, net.ndrn, NULL);
    mn_kirchhoff_set_potential(k, 0, 1.0);
    mn_kirchhoff_set_conductances(k, G);
    t0 = now();
    mn_status st = mn_kirchhoff_solve(k); /* analyse + factorise + solve */
    double t_first = now() - t0;
    if (st != MN_OK) {
        printf("first solve failed: %s\n", mn_context_last_error(ctx));
        return;
    }
    printf("first_solve_s=%.2f (analyse + factorise + solve)\n", t_first);
    {
        mn__kirchhoff_info bi;
        mn__kirchhoff_info_get(k, &bi);
        printf("analyse_s=%.2f (%s)\n", bi.t_analyse, bi.t_analyse < 30 ? "ok" : "over the 30 s target");
    }
    for (int r = 0; r < 2; r++) {
        for (size_t e = 0; e < net.m; e++) G[e] = 0.01 + urand();
        t0 = now();
        mn_kirchhoff_set_conductances(k, G);
        st = mn_kirchhoff_solve(k);
        printf("refactor_solve_step_s=%.2f (%s)\n", now() - t0, st == MN_OK ? "ok" : "failed");
    }
    double geff;
    mn_kirchhoff_effective_conductance(k, 0, 1, &geff);
    printf("G_eff=%.6g\n", geff);
    printf("peak_rss_GB=%.3f (target < 5)\n", peak_rss_gb());
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(G);
    free_net(&net);
}

/* --threads-scan (pcg = 0): refactorise + solve, all conductances new (METIS as in the time
 * stepper), with the context's threads at 1 and 2 (a block's CPU time includes the idle
 * spinning of OpenBLAS's threads after its calls).
 * --pcg-threads-scan (pcg = 1): PCG solves on a stale factor (every conductance drifts by up to
 * 1% per step, the factor is never refreshed after the first solve: the simulator's common
 * case) with the context's threads at 1 and 2 (memnet's pool: triangular solves, products with
 * A, vector loops).
 * Both run blocks of R solves alternating 1, 2, 1, 2 threads and print the per-solve medians of
 * wall and process CPU time of each count (and, for PCG, the mean iterations). */
static void bench_threads(double target, int repeats, int pcg)
{
    net_t net;
    make_sticks(&net, target);
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_graph *g = NULL;
    mn_graph_new_from_edges(&g, ctx, net.n, net.m, net.u, net.v);
    double *G = malloc(net.m * sizeof(double)), *G0 = malloc(net.m * sizeof(double));
    for (size_t e = 0; e < net.m; e++) G0[e] = G[e] = 0.01 + urand();
    mn_kirchhoff *k = make_solver(g, &net, pcg ? MN_KIRCHHOFF_PCG : MN_KIRCHHOFF_REFACTOR,
                                  MN_ORDERING_METIS, G);
    if (!k) return;
    mn__kirchhoff_info info;
    mn__kirchhoff_info_get(k, &info);
    double *w[2], *c[2];
    uint64_t it[2] = {0, 0}, ns[2] = {0, 0};
    for (int a = 0; a < 2; a++) {
        w[a] = malloc(2 * (size_t)repeats * sizeof(double));
        c[a] = malloc(2 * (size_t)repeats * sizeof(double));
    }
    for (int blk = 0; blk < 4; blk++) {
        int a = blk % 2;
        mn_context_set_threads(ctx, (size_t)a + 1);
        for (int r = 0; r < repeats; r++) {
            for (size_t e = 0; e < net.m; e++)
                G[e] = pcg ? G0[e] * (1.0 + 0.01 * urand()) : 0.01 + urand();
            uint64_t i0 = mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS);
            double t0 = now(), c0 = cpu_seconds();
            mn_kirchhoff_set_conductances(k, G);
            if (mn_kirchhoff_solve(k) != MN_OK) fprintf(stderr, "solve failed\n");
            w[a][(blk / 2) * repeats + r] = now() - t0;
            c[a][(blk / 2) * repeats + r] = cpu_seconds() - c0;
            it[a] += mn_kirchhoff_stat_get(k, MN_KIRCHHOFF_STAT_CG_ITERATIONS) - i0;
            ns[a]++;
        }
    }
    double w1 = median(w[0], 2 * (size_t)repeats), w2 = median(w[1], 2 * (size_t)repeats);
    double c1 = median(c[0], 2 * (size_t)repeats), c2 = median(c[1], 2 * (size_t)repeats);
    if (pcg)
        printf("pcg_threads_scan junctions=%zu free_nodes=%zu nnz_L=%zu iters_1=%.1f "
               "iters_2=%.1f ",
               net.m, info.n_free, info.factor_nnz, (double)it[0] / (double)ns[0],
               (double)it[1] / (double)ns[1]);
    else
        printf("threads_scan junctions=%zu free_nodes=%zu nnz_L=%zu flops=%.3g ", net.m,
               info.n_free, info.factor_nnz, info.factor_flops);
    printf("wall_1=%.4g cpu_1=%.4g wall_2=%.4g cpu_2=%.4g wall_1/wall_2=%.3f cpu_2/cpu_1=%.3f\n",
           w1, c1, w2, c2, w1 / w2, c2 / c1);
    fflush(stdout);
    for (int a = 0; a < 2; a++) free(w[a]), free(c[a]);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(G);
    free(G0);
    free_net(&net);
}

/* --kernels 1e4,1e5: the per-iteration kernels of PCG on one stick network with a factor of
 * the first conductances and conductances drifted by up to 1% (the simulator's stale factor),
 * on the context's threads (--threads T, default 1): the distribution of the factor's
 * supernodes (columns per supernode, and the share of L's entries in each class), then per
 * call the median process CPU time of a triangular solve pair (mn__kh_super_solve), a product
 * with A (mn__kh_spmv) and a PCG solve from zero to 1e-12 (mn__kh_pcg), and a checksum of each
 * result (equal checksums: the same bits). Blocks of --repeats calls, 15 blocks. */
static int g_kernels_cold = 0;

static void bench_kernels(double target, int repeats, int threads)
{
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_context_set_threads(ctx, (size_t)threads);
    /* bench-sim's network (bench/sim/bench-sim.c make_network): N/4 + 8 wires of unit length
     * in a square box of side sqrt(wires / 12.6), electrodes on the left and right sides */
    size_t nw = (size_t)target / 4 + 8;
    double box = sqrt((double)nw / 12.6);
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_gen_new(&gen, ctx);
    mn_gen_set_int(gen, MN_GEN_SEED, 1);
    mn_gen_set_int(gen, MN_GEN_WIRES, (int64_t)nw);
    mn_gen_set_real(gen, MN_GEN_WIDTH, box);
    mn_gen_set_real(gen, MN_GEN_HEIGHT, box);
    mn_gen_set_real(gen, MN_GEN_LENGTH, 1.0);
    if (mn_gen_nanowires(&g, gen) != MN_OK) {
        printf("kernels: generation failed: %s\n", mn_context_last_error(ctx));
        return;
    }
    mn_gen_free(gen);
    net_t net;
    memset(&net, 0, sizeof net);
    const mn_index *el_l, *el_r;
    mn_graph_node_set(g, "left", &el_l, &net.nsrc);
    mn_graph_node_set(g, "right", &el_r, &net.ndrn);
    net.src = malloc(net.nsrc * sizeof(mn_index));
    net.drn = malloc(net.ndrn * sizeof(mn_index));
    memcpy(net.src, el_l, net.nsrc * sizeof(mn_index));
    memcpy(net.drn, el_r, net.ndrn * sizeof(mn_index));
    net.n = mn_graph_node_count(g);
    net.m = mn_graph_edge_count(g);
    double *G = malloc(net.m * sizeof(double));
    for (size_t e = 0; e < net.m; e++) G[e] = 0.01 + urand();
    mn_kirchhoff *k = make_solver(g, &net, MN_KIRCHHOFF_PCG, MN_ORDERING_METIS, G);
    if (!k) return;
    for (size_t e = 0; e < net.m; e++) G[e] *= 1.0 + 0.01 * urand();
    mn_kirchhoff_set_conductances(k, G);
    if (mn_kirchhoff_solve(k) != MN_OK) fprintf(stderr, "solve failed\n");
    mn__kh_ensure_A(k);
    const cholmod_factor *L = k->L;
    size_t nf = k->nf;
    int super_ok = L->is_super;
    /* the supernodes by columns: 1, 2, 3, 4, 5-8, 9-16, 17+ */
    static const char *cls[] = {"1", "2", "3", "4", "5-8", "9-16", "17+"};
    size_t cnt[7] = {0}, ent[7] = {0}, tot = 0, rows[7] = {0};
    const int *super = L->super, *pi = L->pi;
    for (size_t s = 0; super_ok && s < L->nsuper; s++) {
        int nc = super[s + 1] - super[s], nr = pi[s + 1] - pi[s];
        int c = nc <= 4 ? nc - 1 : nc <= 8 ? 4 : nc <= 16 ? 5 : 6;
        cnt[c]++;
        ent[c] += (size_t)nc * (size_t)nr;
        rows[c] += (size_t)(nr - nc);
        tot += (size_t)nc * (size_t)nr;
    }
    printf("kernels junctions=%zu free_nodes=%zu %s supernodes=%zu nnz_A=%d entries_L=%zu "
           "threads=%d\n", net.m, nf, super_ok ? "supernodal" : "simplicial (CHOLMOD's solve)",
           super_ok ? L->nsuper : 0, ((const int *)k->A->p)[nf], tot, threads);
    for (int c = 0; super_ok && c < 7; c++)
        printf("  supernodes of %s columns: %zu (%.1f%%), entries of L %.1f%%, rows below "
               "per supernode %.1f\n", cls[c], cnt[c], 100.0 * (double)cnt[c] / (double)L->nsuper,
               100.0 * (double)ent[c] / (double)tot, cnt[c] ? (double)rows[c] / (double)cnt[c] : 0.0);
    double *b = malloc(nf * sizeof(double)), *x = malloc(nf * sizeof(double));
    double *y = malloc(nf * sizeof(double));
    double *w = malloc((L->maxesize ? L->maxesize : 1) * sizeof(double));
    for (size_t i = 0; i < nf; i++) b[i] = urand() - 0.5;
    enum { NB = 15 };
    double ts[NB], tm[NB], tp[NB], sum_s = 0, sum_m = 0, sum_p = 0;
    int iters = 0;
    double relres = 0;
    /* --cold: before every timed call of the solve pair, 64 MB are read (the caches hold
     * none of the factor: the simulation's solves come between other work) */
    size_t ncold = g_kernels_cold ? ((size_t)64 << 20) / sizeof(double) : 0;
    double *cold = ncold ? calloc(ncold, sizeof(double)) : NULL, sink = 0.0;
    double tc[NB];
    for (int blk = 0; blk < NB; blk++) {
        double c0 = cpu_seconds();
        for (int r = 0; r < repeats; r++) {
            memcpy(x, b, nf * sizeof(double));
            if (super_ok)
                mn__kh_super_solve(L, x, w);
            else
                mn__kh_fsolve(k, k->B, &k->Xs);
        }
        ts[blk] = (cpu_seconds() - c0) / repeats;
        tc[blk] = 0.0;
        for (int r = 0; cold && r < repeats; r++) {
            for (size_t q = 0; q < ncold; q += 8) sink += cold[q];
            memcpy(x, b, nf * sizeof(double));
            double c1 = cpu_seconds();
            if (super_ok)
                mn__kh_super_solve(L, x, w);
            else
                mn__kh_fsolve(k, k->B, &k->Xs);
            tc[blk] += (cpu_seconds() - c1) / repeats;
        }
        c0 = cpu_seconds();
        for (int r = 0; r < repeats; r++) mn__kh_spmv(k, b, y);
        tm[blk] = (cpu_seconds() - c0) / repeats;
        c0 = cpu_seconds();
        for (int r = 0; r < repeats; r++) {
            memset(x, 0, nf * sizeof(double));
            mn__kh_pcg(k, b, x, 1, 1000, &iters, &relres);
        }
        tp[blk] = (cpu_seconds() - c0) / repeats;
    }
    /* checksums */
    memcpy(x, b, nf * sizeof(double));
    if (super_ok) {
        mn__kh_super_solve(L, x, w);
    } else {
        memcpy(k->B->x, b, nf * sizeof(double));
        mn__kh_fsolve(k, k->B, &k->Xs);
        memcpy(x, k->Xs->x, nf * sizeof(double));
    }
    for (size_t i = 0; i < nf; i++) sum_s += x[i] * (double)(i % 7 + 1);
    mn__kh_spmv(k, b, y);
    for (size_t i = 0; i < nf; i++) sum_m += y[i] * (double)(i % 7 + 1);
    memset(x, 0, nf * sizeof(double));
    mn__kh_pcg(k, b, x, 1, 1000, &iters, &relres);
    for (size_t i = 0; i < nf; i++) sum_p += x[i] * (double)(i % 7 + 1);
    printf("  median: solve_pair_cpu_us=%.2f spmv_cpu_us=%.2f pcg_cpu_us=%.2f pcg_iters=%d "
           "relres=%.3g\n",
           1e6 * median(ts, NB), 1e6 * median(tm, NB), 1e6 * median(tp, NB), iters, relres);
    double mins = ts[0], minm = tm[0], minp = tp[0];
    for (int q = 1; q < NB; q++) {
        mins = ts[q] < mins ? ts[q] : mins;
        minm = tm[q] < minm ? tm[q] : minm;
        minp = tp[q] < minp ? tp[q] : minp;
    }
    printf("  min:    solve_pair_cpu_us=%.2f spmv_cpu_us=%.2f pcg_cpu_us=%.2f\n", 1e6 * mins,
           1e6 * minm, 1e6 * minp);
    if (cold) {
        double minc = tc[0];
        for (int q = 1; q < NB; q++) minc = tc[q] < minc ? tc[q] : minc;
        printf("  cold caches: solve_pair_cpu_us median=%.2f min=%.2f%s\n", 1e6 * median(tc, NB),
               1e6 * minc, sink == 1.0 ? " " : "");
        free(cold);
    }
    printf("  checksums: solve %.17g spmv %.17g pcg %.17g\n", sum_s, sum_m, sum_p);
    fflush(stdout);
    free(b), free(x), free(y), free(w);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(G);
    free_net(&net);
}

/* --analyse N: the symbolic analysis only (mn__kh_analyse: roles, row graph, ordering,
 * elimination tree, CHOLMOD's symbolic factorisation, edge maps) of one stick network of N
 * junctions, for each variant of --variants (';'-separated): "cholmod" (METIS through
 * cholmod_analyze, the path before memnet called METIS itself), "amd" (memnet's AMD path),
 * "default" (memnet's own METIS call with its options), or METIS options "name=value,..."
 * (ordering_metis.c); "split:" or "split1:" before "default" or the options: the top level of
 * the dissection split off at any size, its parts on 2 threads (automatic setting) or 1. Rounds alternate the variants; per run: wall and process CPU of the
 * analysis, wall of the ordering call, nnz(L), flops, supernodes, a hash of the row order
 * (equal hashes: the same permutation). --factor: one numeric factorisation + solve after
 * each analysis (wall, CPU). */
static void bench_analyse(double target, const char *variants, int rounds, int factor)
{
    net_t net;
    double t0 = now();
    make_sticks(&net, target);
    printf("# analyse: target=%.0f junctions: nodes=%zu edges=%zu (generated in %.1f s)\n",
           target, net.n, net.m, now() - t0);
    fflush(stdout);
    mn_context *ctx;
    mn_context_new(&ctx);
    mn_graph *g = NULL;
    mn_graph_new_from_edges(&g, ctx, net.n, net.m, net.u, net.v);
    double *G = malloc(net.m * sizeof(double));
    for (size_t e = 0; e < net.m; e++) G[e] = 0.01 + urand();
    char *copy = strdup(variants);
    char *list[32];
    int nv = 0;
    for (char *tok = strtok(copy, ";"); tok && nv < 32; tok = strtok(NULL, ";")) list[nv++] = tok;
    for (int r = 0; r < rounds; r++)
        for (int v = 0; v < nv; v++) {
            const char *var = list[v];
            /* "split:" / "split1:" before the options: the top level split off at any size,
             * its parts ordered on 2 threads / 1 thread */
            int split = !strncmp(var, "split:", 6) ? 2 : !strncmp(var, "split1:", 7) ? 1 : 0;
            const char *opts = split == 2 ? var + 6 : split == 1 ? var + 7 : var;
            mn__kh_metis_split_min_set(split ? 1000 : 0);
            mn_context_set_threads(ctx, split == 1 ? 1 : 0);
            int via_cholmod = !strcmp(opts, "cholmod"), amd = !strcmp(opts, "amd");
            if (mn__kh_metis_options_set(via_cholmod || amd || !strcmp(opts, "default") ? NULL
                                                                                        : opts)) {
                fprintf(stderr, "bad METIS options: %s\n", var);
                exit(2);
            }
            mn_kirchhoff *k = NULL;
            mn_kirchhoff_new(&k, g);
            mn_kirchhoff_set_strategy(k, MN_KIRCHHOFF_REFACTOR);
            mn_kirchhoff_set_ordering(k, amd ? MN_ORDERING_AMD : MN_ORDERING_METIS);
            k->metis_via_cholmod = via_cholmod;
            mn_kirchhoff_add_electrode(k, net.src, net.nsrc, NULL);
            mn_kirchhoff_add_electrode(k, net.drn, net.ndrn, NULL);
            mn_kirchhoff_set_potential(k, 0, 1.0);
            mn_kirchhoff_set_conductances(k, G);
            double w0 = now(), c0 = cpu_seconds();
            mn_status st = mn__kh_analyse(k);
            double w = now() - w0, c = cpu_seconds() - c0;
            if (st != MN_OK) {
                fprintf(stderr, "analysis failed: %s\n", mn_context_last_error(ctx));
                exit(1);
            }
            uint64_t h = 1469598103934665603ULL;
            for (size_t i = 0; i < k->nf; i++) h = (h ^ (uint64_t)k->row_node[i]) * 1099511628211ULL;
            printf("analyse round=%d variant=%s rows=%zu wall=%.3f cpu=%.3f order_wall=%.3f "
                   "order_threads=%d nnz_L=%.6g flops=%.6g supernodes=%zu perm_hash=%016llx",
                   r, var, k->nf, w, c, k->t_order, k->order_threads, k->cm.lnz, k->flops,
                   k->Lsym->is_super ? (size_t)k->Lsym->nsuper : (size_t)0,
                   (unsigned long long)h);
            if (factor) {
                k->need_analyse = 0;
                w0 = now(), c0 = cpu_seconds();
                st = mn_kirchhoff_solve(k);
                printf(" factor_solve_wall=%.3f factor_solve_cpu=%.3f%s", now() - w0,
                       cpu_seconds() - c0, st == MN_OK ? "" : " FAILED");
            }
            printf("\n");
            fflush(stdout);
            mn_kirchhoff_free(k);
        }
    mn__kh_metis_options_set(NULL);
    mn__kh_metis_split_min_set(0);
    free(copy);
    mn_graph_free(g);
    mn_context_free(ctx);
    free(G);
    free_net(&net);
}

int main(int argc, char **argv)
{
    const char *sizes = "1e3,1e4,1e5", *scipy = NULL;
    int only_changed = 0;
    int repeats = 7, changed = 50;
    double big = 0, analyse = 0;
    const char *variants = "cholmod;default";
    int rounds = 1, factor = 0;
    const char *threads_scan = NULL, *pcg_scan = NULL, *kernels = NULL;
    int kthreads = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc)
            sizes = argv[++i];
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--scipy") && i + 1 < argc)
            scipy = argv[++i];
        else if (!strcmp(argv[i], "--big") && i + 1 < argc)
            big = atof(argv[++i]);
        else if (!strcmp(argv[i], "--threads-scan") && i + 1 < argc)
            threads_scan = argv[++i];
        else if (!strcmp(argv[i], "--pcg-threads-scan") && i + 1 < argc)
            pcg_scan = argv[++i];
        else if (!strcmp(argv[i], "--kernels") && i + 1 < argc)
            kernels = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            kthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cold"))
            g_kernels_cold = 1;
        else if (!strcmp(argv[i], "--only-changed"))
            only_changed = 1;
        else if (!strcmp(argv[i], "--changed") && i + 1 < argc)
            changed = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--analyse") && i + 1 < argc)
            analyse = atof(argv[++i]);
        else if (!strcmp(argv[i], "--variants") && i + 1 < argc)
            variants = argv[++i];
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--factor"))
            factor = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng_s = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [--sizes 1e3,1e4,1e5] [--repeats R] [--scipy SCRIPT] "
                            "[--changed K] [--big N] [--seed S] [--analyse N [--variants "
                            "V;V..] [--rounds R] [--factor]] [--kernels N,.. [--threads T] [--cold]]\n", argv[0]);
            return 2;
        }
    }
    if (repeats < 1) repeats = 1;
    g_only_changed = only_changed;
    if (analyse > 0) {
        printf("# memnet %s, bench-kirchhoff --analyse, rounds=%d\n", mn_version_string(),
               rounds);
        bench_analyse(analyse, variants, rounds < 1 ? 1 : rounds, factor);
        return 0;
    }
    if (kernels) {
        char *copy = strdup(kernels);
        printf("# memnet %s, bench-kirchhoff --kernels, repeats=%d x 15 blocks, medians and minima\n",
               mn_version_string(), repeats);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
            bench_kernels(atof(tok), repeats, kthreads < 1 ? 1 : kthreads);
        free(copy);
        return 0;
    }
    if (pcg_scan) {
        char *copy = strdup(pcg_scan);
        printf("# memnet %s, bench-kirchhoff --pcg-threads-scan, repeats=%d x 2 per count, "
               "medians\n", mn_version_string(), repeats);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
            bench_threads(atof(tok), repeats, 1);
        free(copy);
        return 0;
    }
    if (threads_scan) {
        char *copy = strdup(threads_scan);
        printf("# memnet %s, bench-kirchhoff --threads-scan, repeats=%d x 2 per count, medians\n",
               mn_version_string(), repeats);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
            bench_threads(atof(tok), repeats, 0);
        free(copy);
        return 0;
    }
    printf("# memnet %s, bench-kirchhoff, repeats=%d, medians\n", mn_version_string(), repeats);
    if (sizes[0]) {
        char *copy = strdup(sizes);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
            bench_size(atof(tok), repeats, scipy, atof(tok) >= 1e5 - 1 && atof(tok) <= 1e5 + 1 ? changed : 0);
        free(copy);
    }
    if (big > 0) bench_big(big);
    return 0;
}
