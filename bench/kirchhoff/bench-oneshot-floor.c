/*
 * The floor of a one-shot solve: how much of `memnet solve`'s CPU time is the dependencies' own
 * work (AMD's ordering, CHOLMOD's symbolic and numeric factorisation) and the triangular solves,
 * and how much is the rest (reading the file, building the structure, the results, page faults).
 *
 *   bench-oneshot-floor FILE SOURCE_SET DRAIN_SET [--orderings]
 *
 * One process is one round (bench/kirchhoff/oneshot.sh runs it beside `memnet solve` and scipy
 * when MEMNET_FLOOR is set). FILE is a native network file with the two node sets; every edge is
 * 1 S, the source held at 1 V, the drain at 0 V, as in `memnet solve`. The program
 *   1. stops OpenBLAS's idle workers and loads FILE as the memnet program does (no coordinates,
 *      lengths or positions), then solves once (mn_kirchhoff_solve, AMD: the one-shot default),
 *      timing both (process CPU time);
 *   2. repeats the dependencies' part of that solve three times each, keeping the least CPU
 *      time: AMD on the very graph memnet gave it (the analysis keeps a copy when
 *      k->keep_order_input is set; the repeat must return memnet's ordering), and on memnet's
 *      matrix cholmod_analyze in the natural order, cholmod_factorize and memnet's supernodal
 *      triangular solves (supersolve.c; cholmod_solve for a simplicial factor), with the
 *      solve's residual checked.
 * The repeats run with glibc keeping freed memory (no page faults after the first: the program
 * prints the faults of the last, and the first time's CPU as floor_first_cpu), CHOLMOD's clock
 * reads left out (the memnet program's SuiteSparse_time, tools/cli-sstime.c, is linked in) and
 * the calls set up as memnet's (OpenMP regions direct, the BLAS threads for the factor's
 * flops), so floor_cpu estimates from below what these calls cost in `memnet solve`, before
 * reading the file or building anything around them.
 *   3. builds the graph an ordering needs from the edge list in the least way (a counting pass
 *      and a fill pass, least of three) and prints floor_fresh_process_cpu: the reading, that
 *      build and the libraries' first calls (pages not touched before: a one-shot process
 *      pays for each page of its peak once), an estimate from below of a one-shot process on
 *      AMD and CHOLMOD that reads the file as memnet does (it leaves out the matrix CHOLMOD
 *      reads, the results, start-up and exit; the first calls are single samples, so one
 *      round's figure can exceed a whole process's cost).
 * --orderings: then the alternatives to AMD, each as ordering + CHOLMOD's analysis in that order
 * + factorisation + solve (the last three least of three), one line each. Every ordering works
 * on the graph memnet gave AMD (its breadth-first numbering), so the amd line is memnet's own
 * ordering; CHOLMOD gets each ordering as a permutation of memnet's matrix, which it therefore
 * permutes in each factorisation (memnet's does not): the lines compare with each other, not
 * with the floor above.
 *   amd             AMD (amd_2 as memnet calls it);
 *   amd-coarse1/2   AMD on the graph coarsened by one / two levels of matching (each row paired
 *                   with its unmatched neighbour of least degree, the pairs' neighbourhoods
 *                   merged), each coarse row's rows placed together in the coarse order: AMD on
 *                   about half / a quarter of the rows;
 *   metis           METIS's nested dissection with memnet's options;
 *   metis-cheap     the same with the cheapest coarsening and refinement (random matching, one
 *                   refinement pass).
 * Prints key=value lines; exit status 0 when the solve and the checks pass.
 */
#define _GNU_SOURCE
#include <memnet/memnet.h>

#include "core/core-private.h"
#include "kirchhoff/kirchhoff-impl.h"
#include "kirchhoff/ordering.h"

#include <cholmod.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../bench-util.h"

static int fail(const char *what, mn_context *ctx)
{
    fprintf(stderr, "bench-oneshot-floor: %s%s%s\n", what, ctx ? ": " : "",
            ctx ? mn_context_last_error(ctx) : "");
    return 1;
}

/* One level of matching: cmap[i] = the coarse row of row i; the coarse graph (no diagonal, each
 * neighbour once) in *Cp_out, *Ci_out; returns the number of coarse rows, or 0 when out of
 * memory. */
static size_t coarsen(size_t n, const int *Sp, const int *Si, int *cmap, int **Cp_out,
                      int **Ci_out)
{
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) cmap[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (cmap[i] >= 0) continue;
        int best = -1, bd = 0;
        for (int p = Sp[i]; p < Sp[i + 1]; p++) {
            int r = Si[p], d = Sp[r + 1] - Sp[r];
            if (cmap[r] < 0 && (best < 0 || d < bd)) {
                best = r;
                bd = d;
            }
        }
        cmap[i] = (int)nc;
        if (best >= 0) cmap[best] = (int)nc;
        nc++;
    }
    int *Cp = calloc(nc + 1, sizeof *Cp);
    int *Ci = malloc(((size_t)Sp[n] ? (size_t)Sp[n] : 1) * sizeof *Ci);
    int *mark = malloc((nc ? nc : 1) * sizeof *mark);
    int *first = malloc((nc ? nc : 1) * sizeof *first);
    int *nxt = malloc((n ? n : 1) * sizeof *nxt);
    if (!Cp || !Ci || !mark || !first || !nxt) {
        free(Cp);
        free(Ci);
        free(mark);
        free(first);
        free(nxt);
        return 0;
    }
    /* the rows of each coarse row as a list, then the coarse rows' merged neighbourhoods */
    for (size_t c = 0; c < nc; c++) first[c] = mark[c] = -1;
    for (size_t i = n; i-- > 0;) {
        nxt[i] = first[cmap[i]];
        first[cmap[i]] = (int)i;
    }
    int w = 0;
    for (size_t c = 0; c < nc; c++) {
        Cp[c] = w;
        mark[c] = (int)c;
        for (int i = first[c]; i >= 0; i = nxt[i])
            for (int p = Sp[i]; p < Sp[i + 1]; p++) {
                int d = cmap[Si[p]];
                if (mark[d] != (int)c) {
                    mark[d] = (int)c;
                    Ci[w++] = d;
                }
            }
    }
    Cp[nc] = w;
    free(mark);
    free(first);
    free(nxt);
    *Cp_out = Cp;
    *Ci_out = Ci;
    return nc;
}

/* AMD on the graph coarsened by `levels` levels, expanded: rows in the order of their coarse rows
 * (stable within one). 0, or -1 when out of memory or AMD fails. */
static int order_coarse(mn_context *ctx, size_t n, const int *Sp, const int *Si, int levels,
                        int *perm)
{
    int *map = malloc((n ? n : 1) * sizeof *map), *cmap = malloc((n ? n : 1) * sizeof *cmap);
    int *Cp = NULL, *Ci = NULL, rc = -1; /* the coarse graph (owned) */
    const int *Gp = Sp, *Gi = Si;        /* the graph of the present level */
    size_t gn = n;
    if (!map || !cmap) goto out;
    for (size_t i = 0; i < n; i++) map[i] = (int)i;
    for (int l = 0; l < levels; l++) {
        int *Np, *Ni;
        size_t nc = coarsen(gn, Gp, Gi, cmap, &Np, &Ni);
        if (!nc) goto out;
        for (size_t i = 0; i < n; i++) map[i] = cmap[map[i]];
        free(Cp);
        free(Ci);
        Gp = Cp = Np;
        Gi = Ci = Ni;
        gn = nc;
    }
    int *iw = malloc(mn__kh_amd_iwlen(gn, (size_t)Gp[gn]) * sizeof *iw);
    int *cperm = malloc((gn ? gn : 1) * sizeof *cperm), *start = calloc(gn + 1, sizeof *start);
    if (iw && cperm && start && mn__kh_order_amd(ctx, gn, Gp, Gi, iw, NULL, cperm) == MN_OK) {
        int *rank = iw; /* the graph copy is no longer needed */
        for (size_t c = 0; c < gn; c++) rank[cperm[c]] = (int)c;
        for (size_t i = 0; i < n; i++) start[rank[map[i]] + 1]++;
        for (size_t c = 0; c < gn; c++) start[c + 1] += start[c];
        for (size_t i = 0; i < n; i++) perm[start[rank[map[i]]]++] = (int)i;
        rc = 0;
    }
    free(iw);
    free(cperm);
    free(start);
out:
    free(Cp);
    free(Ci);
    free(map);
    free(cmap);
    return rc;
}

/* CHOLMOD's part of a solve on A in the order perm (NULL: the natural order without a
 * postorder, as memnet analyses its renumbered matrix), set up as memnet's calls are
 * (lib/kirchhoff/factor.c: OpenMP regions direct, the BLAS threads for the factor's flops):
 * the analysis, the numeric factorisation and the triangular solves with a right-hand side of
 * ones, three times over, the least CPU time of each kept; the page faults of the third time
 * (none once glibc reuses the memory the first two freed) and the solve's residual
 * |b - A x| / (|A| |x| + |b|). -1 when CHOLMOD fails or memory runs out. */
typedef struct {
    double sym, num, solve, lnz, flops, residual;
    double first;        /* the first time's analysis + factorisation + solve: fresh pages */
    long faults;
} chol_parts;

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static int chol_run(mn_context *ctx, cholmod_sparse *A, int *perm, chol_parts *r)
{
    size_t nf = A->ncol;
    int rc = -1;
    cholmod_common cm;
    cholmod_start(&cm);
    cm.nmethods = 1;
    cm.method[0].ordering = perm ? CHOLMOD_GIVEN : CHOLMOD_NATURAL;
    cm.postorder = perm != NULL;
    cm.supernodal = CHOLMOD_AUTO;
    cholmod_factor *L = NULL;
    cholmod_dense *B = cholmod_ones(nf, 1, CHOLMOD_REAL, &cm), *X = NULL, *R = NULL;
    double *y = malloc((nf ? nf : 1) * sizeof *y), *w = malloc((nf ? nf : 1) * sizeof *w);
    r->sym = r->num = r->solve = INFINITY;
    r->faults = -1;
    int omp = mn__serial_begin();
    for (int rep = 0; rep < 3 && B && y && w; rep++) {
        long f0 = minor_faults();
        cholmod_free_factor(&L, &cm);
        cholmod_free_dense(&X, &cm);
        double c0 = cpu_seconds();
        L = cholmod_analyze_p(A, perm, NULL, 0, &cm);
        double t = cpu_seconds() - c0;
        if (!L) break;
        if (t < r->sym) r->sym = t;
        r->lnz = cm.lnz;
        r->flops = cm.fl;
        int blas = mn__blas_threads_begin(ctx, cm.fl);
        c0 = cpu_seconds();
        int ok = cholmod_factorize(A, L, &cm) && cm.status == CHOLMOD_OK;
        t = cpu_seconds() - c0;
        if (ok && t < r->num) r->num = t;
        if (ok && L->is_super) {
            /* memnet's solve of a supernodal factor (supersolve.c), in the factor's order */
            if ((X = cholmod_ones(nf, 1, CHOLMOD_REAL, &cm))) {
                double *x = X->x;
                const int *Perm = L->Perm;
                c0 = cpu_seconds();
                for (size_t i = 0; i < nf; i++) y[i] = 1.0;         /* P b, b = ones */
                mn__kh_super_solve(L, y, w);                         /* y = (P A P')^-1 P b */
                for (size_t i = 0; i < nf; i++) x[Perm[i]] = y[i]; /* x = P' y */
                t = cpu_seconds() - c0;
            }
        } else if (ok) {
            c0 = cpu_seconds();
            X = cholmod_solve(CHOLMOD_A, L, B, &cm);
            t = cpu_seconds() - c0;
        }
        mn__blas_threads_end(blas);
        if (!X) break;
        if (t < r->solve) r->solve = t;
        if (rep == 0) r->first = r->sym + r->num + r->solve;
        if (rep == 2) {
            r->faults = minor_faults() - f0;
            rc = 0;
        }
    }
    mn__serial_end(omp);
    double one[2] = {1, 0}, mone[2] = {-1, 0};
    r->residual = INFINITY;
    if (rc == 0 && (R = cholmod_copy_dense(B, &cm)) && cholmod_sdmult(A, 0, mone, one, X, R, &cm))
        r->residual = cholmod_norm_dense(R, 0, &cm) /
                      (cholmod_norm_sparse(A, 0, &cm) * cholmod_norm_dense(X, 0, &cm) + 1.0);
    cholmod_free_dense(&R, &cm);
    cholmod_free_dense(&X, &cm);
    cholmod_free_dense(&B, &cm);
    cholmod_free_factor(&L, &cm);
    cholmod_finish(&cm);
    free(y);
    free(w);
    return rc;
}

/* The least any program does before an ordering can start: the graph of the free rows (every
 * node but the electrodes' gets a row, in node order) from the edge list, by a counting pass
 * and a fill pass into compressed columns, both triangles. It neither merges parallel edges
 * nor drops floating rows nor builds the matrix the factorisation reads afterwards, so it
 * estimates memnet's structure work (lib/kirchhoff/analyse.c) from below. Three times, the
 * least CPU time returned; *entries: the graph's entries (at least memnet's AMD input, which
 * merges parallel edges), *rows its rows. -1 when memory runs out. */
static double graph_build_cpu(mn_graph *g, const mn_index *src, size_t nsrc, const mn_index *drn,
                              size_t ndrn, size_t *rows, size_t *entries)
{
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    int *row = malloc((n ? n : 1) * sizeof *row);
    if (!row) return -1.0;
    double best = INFINITY;
    for (int rep = 0; rep < 3; rep++) {
        double c0 = cpu_seconds();
        for (size_t i = 0; i < n; i++) row[i] = 0;
        for (size_t i = 0; i < nsrc; i++) row[src[i]] = -1;
        for (size_t i = 0; i < ndrn; i++) row[drn[i]] = -1;
        size_t nf = 0;
        for (size_t i = 0; i < n; i++)
            if (row[i] == 0) row[i] = (int)nf++;
            else row[i] = -1;
        int *Sp = calloc(nf + 1, sizeof *Sp);
        size_t nz = 0;
        for (size_t e = 0; Sp && e < m; e++) {
            int ru = row[eu[e]], rv = row[ev[e]];
            if (ru < 0 || rv < 0 || ru == rv) continue;
            Sp[ru + 1]++;
            Sp[rv + 1]++;
            nz += 2;
        }
        int *Si = Sp ? malloc((nz ? nz : 1) * sizeof *Si) : NULL;
        if (!Si) {
            free(Sp);
            free(row);
            return -1.0;
        }
        for (size_t j = 0; j < nf; j++) Sp[j + 1] += Sp[j];
        for (size_t e = 0; e < m; e++) {
            int ru = row[eu[e]], rv = row[ev[e]];
            if (ru < 0 || rv < 0 || ru == rv) continue;
            Si[Sp[ru]++] = rv;
            Si[Sp[rv]++] = ru;
        }
        double t = cpu_seconds() - c0;
        if (t < best) best = t;
        *rows = nf;
        *entries = nz;
        free(Sp);
        free(Si);
    }
    free(row);
    return best;
}

/* --orderings: one line per alternative (see the head of this file). Sp, Si: the graph memnet
 * gave AMD, whose row b is row `at` of A when amd_out[at] == b. */
static int compare_orderings(mn_context *ctx, cholmod_sparse *A, const int *Sp, const int *Si,
                             const int *amd_out)
{
    static const char *names[] = {"amd", "amd-coarse1", "amd-coarse2", "metis", "metis-cheap"};
    size_t nf = A->ncol;
    int *perm = malloc((nf ? nf : 1) * sizeof *perm);
    int *row_of = malloc((nf ? nf : 1) * sizeof *row_of);
    int *iw = malloc(mn__kh_amd_iwlen(nf, (size_t)Sp[nf]) * sizeof *iw);
    if (!perm || !row_of || !iw) return fail("out of memory", NULL);
    for (size_t at = 0; at < nf; at++) row_of[amd_out[at]] = (int)at;
    int bad = 0;
    for (size_t v = 0; v < sizeof names / sizeof *names; v++) {
        int threads = 0;
        mn_status st = MN_OK;
        double c0 = cpu_seconds();
        if (v == 0) {
            st = mn__kh_order_amd(ctx, nf, Sp, Si, iw, NULL, perm);
        } else if (v <= 2) {
            st = order_coarse(ctx, nf, Sp, Si, (int)v, perm) ? MN_ERR_NOMEM : MN_OK;
        } else {
            mn__kh_metis_options_set(v == 4 ? "ctype=0,niter=1" : NULL);
            st = mn__kh_order_metis(ctx, nf, Sp, Si, perm, &threads);
            mn__kh_metis_options_set(NULL);
        }
        double order_cpu = cpu_seconds() - c0;
        if (st == MN_ERR_UNSUPPORTED) {
            printf("ordering=%s unsupported=1\n", names[v]);
            continue;
        }
        if (st != MN_OK) return fail(names[v], ctx);
        for (size_t i = 0; i < nf; i++) perm[i] = row_of[perm[i]]; /* in A's rows */
        chol_parts r;
        if (chol_run(ctx, A, perm, &r)) return fail("CHOLMOD's factorisation or solve", NULL);
        printf("ordering=%s order_cpu=%.4f symbolic_cpu=%.4f numeric_cpu=%.4f solve_cpu=%.4f "
               "total_cpu=%.4f nnz_L=%.6g flops=%.6g residual=%.3g faults_last_repeat=%ld\n",
               names[v], order_cpu, r.sym, r.num, r.solve, order_cpu + r.sym + r.num + r.solve,
               r.lnz, r.flops, r.residual, r.faults);
        bad |= !(r.residual < 1e-12);
    }
    free(perm);
    free(row_of);
    free(iw);
    return bad;
}

int main(int argc, char **argv)
{
    int orderings = argc == 5 && !strcmp(argv[4], "--orderings");
    if (argc != 4 && !orderings) {
        fprintf(stderr, "usage: bench-oneshot-floor FILE SOURCE_SET DRAIN_SET [--orderings]\n");
        return 2;
    }
    (void)mn_blas_stop_workers(); /* as the memnet program does at start-up */
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_kirchhoff *k = NULL;
    const mn_index *src, *drn;
    size_t nsrc, ndrn;
    if (mn_context_new(&ctx) != MN_OK) return fail("cannot create a context", NULL);
    double c0 = cpu_seconds();
    if (mn_graph_load_parts(&g, ctx, argv[1], 0) != MN_OK) return fail(argv[1], ctx);
    double load_cpu = cpu_seconds() - c0;
    if (mn_graph_node_set(g, argv[2], &src, &nsrc) != MN_OK) return fail(argv[2], ctx);
    if (mn_graph_node_set(g, argv[3], &drn, &ndrn) != MN_OK) return fail(argv[3], ctx);
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    double *G = malloc((m ? m : 1) * sizeof *G);
    if (!G) return fail("out of memory", NULL);
    for (size_t e = 0; e < m; e++) G[e] = 1.0;
    c0 = cpu_seconds();
    if (mn_kirchhoff_new(&k, g) != MN_OK) return fail("solver", ctx);
    k->keep_order_input = 1; /* AMD's input and result, kept for the repeats below */
    if (mn_kirchhoff_add_electrode(k, src, nsrc, NULL) ||
        mn_kirchhoff_add_electrode(k, drn, ndrn, NULL) || mn_kirchhoff_set_potential(k, 0, 1.0) ||
        mn_kirchhoff_set_conductances(k, G) || mn_kirchhoff_solve(k) != MN_OK)
        return fail("solve", ctx);
    double geff;
    if (mn_kirchhoff_effective_conductance(k, 0, 1, &geff) != MN_OK) return fail("G_eff", ctx);
    double solve_cpu = cpu_seconds() - c0;
    /* memnet's matrix: one triangle (lower for a supernodal factor, upper for a simplicial one) */
    if (k->ordering_used != MN_ORDERING_AMD || !k->A || k->A->stype == 0 || !k->order_out)
        return fail("the solve did not use memnet's AMD on a symmetric matrix", NULL);
    printf("nodes=%zu\nedges=%zu\nrows=%zu\nG_eff=%.15g\n", n, m, k->nf, geff);
    printf("load_cpu=%.4f\nmemnet_solve_cpu=%.4f\nmemnet_order_wall=%.4f\n"
           "memnet_factorise_wall=%.4f\nmemnet_solves_wall=%.4f\n",
           load_cpu, solve_cpu, k->t_order, k->t_fac_total, k->t_solve_total);

    /* from here on glibc serves every block from its heap (no mmap, whose blocks return to the
     * system when freed: M_MMAP_THRESHOLD cannot exceed 32 MiB, the factor's values are more)
     * and keeps what is freed, so the repeats below reuse touched pages */
    if (!mallopt(M_MMAP_MAX, 0) || !mallopt(M_TRIM_THRESHOLD, INT_MAX))
        return fail("mallopt refused to keep freed memory", NULL);
    /* AMD on the graph memnet gave it, three times, the least CPU time kept; the result must
     * be memnet's ordering */
    size_t nf = k->nf;
    const int *Op = k->order_in_p, *Oi = k->order_in_i;
    int *iw = malloc(mn__kh_amd_iwlen(nf, (size_t)Op[nf]) * sizeof *iw);
    int *work = malloc(8 * (nf ? nf : 1) * sizeof *work);
    int *perm = malloc((nf ? nf : 1) * sizeof *perm);
    if (!iw || !work || !perm) return fail("out of memory", NULL);
    double amd_cpu = INFINITY, amd_first = 0.0;
    for (int rep = 0; rep < 3; rep++) {
        c0 = cpu_seconds();
        if (mn__kh_order_amd(ctx, nf, Op, Oi, iw, work, perm) != MN_OK) return fail("AMD", ctx);
        double t = cpu_seconds() - c0;
        if (t < amd_cpu) amd_cpu = t;
        if (rep == 0) amd_first = t;
        if (memcmp(perm, k->order_out, nf * sizeof *perm))
            return fail("AMD's repeat gave another ordering than memnet's", NULL);
    }
    free(iw);
    free(work);
    free(perm);
    chol_parts r;
    if (chol_run(ctx, k->A, NULL, &r)) return fail("CHOLMOD's factorisation or solve", NULL);
    double floor_cpu = amd_cpu + r.sym + r.num + r.solve;
    printf("floor_amd_cpu=%.4f\nfloor_symbolic_cpu=%.4f\nfloor_numeric_cpu=%.4f\n"
           "floor_solve_cpu=%.4f\nfloor_cpu=%.4f\nfloor_nnz_L=%.6g\nfloor_flops=%.6g\n"
           "floor_residual=%.3g\nfloor_page_faults_last_repeat=%ld\n",
           amd_cpu, r.sym, r.num, r.solve, floor_cpu, r.lnz, r.flops, r.residual, r.faults);
    /* the first time of each call, in pages not touched before (what a process pays once) */
    printf("floor_first_cpu=%.4f\n", amd_first + r.first);
    /* a program that reads the file as memnet does and then only calls the libraries */
    printf("floor_with_read_cpu=%.4f\n", load_cpu + floor_cpu);
    /* a one-shot process also builds the graph before AMD: the least of that, with the reading
     * and the libraries' first time (fresh pages), estimates such a process from below (the
     * matrix CHOLMOD reads, the results, start-up and exit left out) */
    size_t g_rows = 0, g_entries = 0;
    double build_cpu = graph_build_cpu(g, src, nsrc, drn, ndrn, &g_rows, &g_entries);
    if (build_cpu < 0) return fail("out of memory", NULL);
    if (g_rows < nf || g_entries < (size_t)Op[nf])
        return fail("the graph build found fewer rows or entries than memnet's analysis", NULL);
    printf("floor_graph_build_cpu=%.4f\nfloor_graph_rows=%zu\nfloor_graph_entries=%zu\n",
           build_cpu, g_rows, g_entries);
    printf("floor_fresh_process_cpu=%.4f\n", load_cpu + build_cpu + amd_first + r.first);
    /* the rest of the load and solve: reading, structure, results, page faults */
    printf("memnet_own_cpu=%.4f\n", load_cpu + solve_cpu - floor_cpu);
    int bad = !(r.residual < 1e-12);
    if (bad) fprintf(stderr, "bench-oneshot-floor: residual %.3g above 1e-12\n", r.residual);
    if (orderings && compare_orderings(ctx, k->A, Op, Oi, k->order_out)) {
        fprintf(stderr, "bench-oneshot-floor: an ordering's solve failed its residual check\n");
        bad = 1;
    }
    free(G);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    return bad;
}
