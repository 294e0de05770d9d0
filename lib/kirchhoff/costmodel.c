/*
 * Kirchhoff solver: AUTO's deterministic cost model.
 *
 * AUTO (strategy.c, the ski-rental rule of rule.c) compares the cost of a refactorisation with
 * that of PCG iterations on the stale factor and of rank-1 update columns. These costs are
 * operation counts of the present analysis, weighted by fixed relative rates, never measured
 * times: the same inputs give the same sequence of choices on any machine and at any load, so
 * a run is reproducible bit for bit and a restart from a checkpoint repeats it (lib/sim).
 *
 * Unit: one floating-point operation of the numeric factorisation (BLAS-3 inside supernodes,
 * the cheapest operation the solver does). Counts:
 *   refactorisation  CHOLMOD's flop count of the analysis (Common->fl)
 *   PCG iteration    a triangular solve pair with L (lnz = nonzeros of L), a product with A
 *                    (nnz_a = stored nonzeros of one triangle), PCG's vector updates (nf)
 *   update column    a rank-1 update/downdate, per nonzero of L
 *   conversion       supernodal LL' -> simplicial LDL' before the first update, per nonzero of L
 * The rates (below) are CPU-time ratios measured on the 2-core AMD EPYC machine (AVX2,
 * OpenBLAS Zen kernels) at 1e4..1e7 junctions of random stick networks by
 * bench/kirchhoff/bench-costrates (mn__kirchhoff_cost_rates below); docs/performance.md gives
 * the figures. A machine whose ratios differ makes AUTO's choice less than optimal, never
 * wrong: every strategy solves to the same tolerance.
 */
#include "kirchhoff-impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rates in factorisation flops per counted operation. The memory-bound operations (solves,
 * products, vector work, conversion) cost more per entry once the factor and the matrix no
 * longer fit in the cache, and more again at 1e7 junctions, where the factorisation's large
 * supernodes run its BLAS-3 flops faster: measured by bench-costrates at 1e4 junctions (a
 * simplicial factor), at 1e5 (supernodal, factor + matrix 7.6 MB), at 1e6 (92 MB) and at 1e7
 * junctions (1.1 GB). A simplicial factor takes the first set; a supernodal one the second up
 * to 8 MB, then the rates are interpolated linearly in the size between 8 MB, 64 MB and
 * 1.1 GB, constant beyond (no libm call: the same numbers on every platform). The supernodal
 * rates are about twice those measured before CHOLMOD's OpenMP regions ran without libgomp's
 * team (lib/core/omp_regions.c), which halved the factorisation's CPU time per flop at 1e5 and
 * 1e7 junctions while the solves, products and vector work cost what they did
 * (docs/performance.md, ninth pass). */
typedef struct rates {
    double solve; /* one nonzero of L in a forward + backward solve */
    double spmv;  /* one stored nonzero of A in a symmetric product y = A x */
    double vec;   /* one unknown in PCG's vector work of an iteration (3 axpy, 2 dots, 2 copies) */
    double conv;  /* one nonzero of L in the conversion of a supernodal factor to LDL' */
    double upd;   /* one nonzero of L per rank-1 column of an update/downdate (the column's path
                   * in the elimination tree: the upper end of the measurements, so that an
                   * update is chosen only when it surely pays) */
} rates;
static const rates MN__KH_RATES_SIMPLICIAL = {2.0, 2.0, 4.0, 2.0, 0.12};
static const rates MN__KH_RATES_CACHED = {4.8, 3.9, 9.0, 4.7, 0.14};
static const rates MN__KH_RATES_MEMORY = {12.0, 9.5, 20.0, 21.7, 0.2};
/* the conversion at 1.1 GB is not a measurement: the one run at 1e7 junctions, under load,
 * gave 283 with 19 s of system time; 60 is the earlier measured absolute cost in the new unit */
static const rates MN__KH_RATES_LARGE = {37.6, 32.5, 82.8, 60.0, 0.43};
#define MN__KH_CACHED_BYTES 8e6
#define MN__KH_MEMORY_BYTES 64e6
#define MN__KH_LARGE_BYTES 1.1e9
/* Costs of the present analysis (computed once per analysis). */
void mn__kh_cost_refresh(mn_kirchhoff *k)
{
    if (k->cost_analysis == k->n_analyse) return;
    double lnz = 0.0, nnz_a = 0.0, nf = (double)k->nf;
    if (k->Lsym && k->Lsym->ColCount)
        for (size_t j = 0; j < k->nf; j++) lnz += (double)((const int *)k->Lsym->ColCount)[j];
    if (k->A) nnz_a = (double)cholmod_nnz(k->A, &k->cm);
    /* 8-byte values and 4-byte indices of L and A */
    double bytes = 12.0 * (lnz + nnz_a), w;
    const rates *c = &MN__KH_RATES_CACHED, *mm = &MN__KH_RATES_MEMORY;
    if (k->Lsym && !k->Lsym->is_super) {
        c = &MN__KH_RATES_SIMPLICIAL;
        w = 0.0;
    } else if (bytes <= MN__KH_CACHED_BYTES) {
        w = 0.0;
    } else if (bytes <= MN__KH_MEMORY_BYTES) {
        w = (bytes - MN__KH_CACHED_BYTES) / (MN__KH_MEMORY_BYTES - MN__KH_CACHED_BYTES);
    } else {
        c = &MN__KH_RATES_MEMORY, mm = &MN__KH_RATES_LARGE;
        w = bytes >= MN__KH_LARGE_BYTES ? 1.0
                                        : (bytes - MN__KH_MEMORY_BYTES) /
                                              (MN__KH_LARGE_BYTES - MN__KH_MEMORY_BYTES);
    }
    double r_solve = c->solve + w * (mm->solve - c->solve);
    double r_spmv = c->spmv + w * (mm->spmv - c->spmv);
    double r_vec = c->vec + w * (mm->vec - c->vec);
    double r_conv = c->conv + w * (mm->conv - c->conv);
    double r_upd = c->upd + w * (mm->upd - c->upd);
    k->c_fac = k->flops > lnz ? k->flops : lnz;
    k->c_iter = r_solve * lnz + r_spmv * nnz_a + r_vec * nf;
    k->c_upd = r_upd * lnz;
    k->c_conv = r_conv * lnz;
    k->cost_analysis = k->n_analyse;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define MN__KH_CAL_REPS_MAX 32
#define MN__KH_CAL_COLS 64

mn_status mn__kirchhoff_cost_rates(mn_kirchhoff *k, int reps, mn__kh_rates *out)
{
    if (k && !k->solved && mn_kirchhoff_solve(k) != MN_OK) return MN_ERR_STATE;
    if (!k || !out || reps < 1 || reps > MN__KH_CAL_REPS_MAX) return MN_ERR_INVALID;
    memset(out, 0, sizeof *out);
    if (!k->solved || !k->fac_valid || k->gth || k->nf == 0 || !k->Lsym)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "cost rates: need a solved system (solved %d, factor %d, exact %d, "
                         "%zu unknowns)", k->solved, k->fac_valid, k->gth, k->nf);
    mn_status st;
    mn__kh_cost_refresh(k);
    double lnz = 0.0;
    for (size_t j = 0; j < k->nf; j++) lnz += (double)((const int *)k->Lsym->ColCount)[j];
    double nnz_a = (double)cholmod_nnz(k->A, &k->cm), nf = (double)k->nf;
    out->flops = k->flops;
    out->lnz = lnz;
    out->nnz_a = nnz_a;
    out->nf = nf;
    double tf[MN__KH_CAL_REPS_MAX], ts[MN__KH_CAL_REPS_MAX], tm[MN__KH_CAL_REPS_MAX];
    double tv[MN__KH_CAL_REPS_MAX], tc[MN__KH_CAL_REPS_MAX], tu[MN__KH_CAL_REPS_MAX];
    /* edges for the update columns: both ends unknowns, spread over the edge list */
    mn_index edges[MN__KH_CAL_COLS];
    double gup[MN__KH_CAL_COLS], gold[MN__KH_CAL_COLS];
    size_t ne = 0;
    size_t stride = k->m / MN__KH_CAL_COLS > 1 ? k->m / MN__KH_CAL_COLS : 1;
    for (size_t e = 0; e < k->m && ne < MN__KH_CAL_COLS; e += stride) {
        int ru = k->role[k->g->u[e]], rv = k->role[k->g->v[e]];
        if (ru < 0 || rv < 0 || ru == rv || k->G[e] <= 0.0) continue;
        if (k->floating[k->g->u[e]] || k->floating[k->g->v[e]]) continue;
        edges[ne] = (mn_index)e;
        gold[ne] = k->G[e];
        gup[ne] = 1.1 * k->G[e];
        ne++;
    }
    double *y = mn__calloc_or_err(k->ctx, 4 * k->nf, sizeof *y, "cost rates");
    if (!y) return MN_ERR_NOMEM;
    double *x = y + k->nf, *p = x + k->nf, *r = p + k->nf;
    for (size_t i = 0; i < k->nf; i++) x[i] = 1.0 + 1e-3 * (double)(i % 97);
    for (int q = 0; q < reps; q++) {
        /* numeric factorisation of the present matrix (after an untimed one that brings the
         * supernodal form back when the last repeat left LDL') */
        k->fac_current = 0;
        if (!k->L->is_super && k->Lsym->is_super && (st = mn__kh_refactor(k)) != MN_OK) goto done;
        k->fac_current = 0;
        double t0 = cpu_now();
        if ((st = mn__kh_refactor(k)) != MN_OK) goto done;
        tf[q] = cpu_now() - t0;
        /* a solve pair with the supernodal factor */
        t0 = cpu_now();
        if ((st = mn__kh_fsolve(k, k->B, &k->Xs)) != MN_OK) goto done;
        ts[q] = cpu_now() - t0;
        /* products with A */
        t0 = cpu_now();
        for (int i = 0; i < 4; i++) mn__kh_spmv(k, x, y);
        tm[q] = (cpu_now() - t0) / 4.0;
        /* PCG's vector work of one iteration (pcg.c) */
        t0 = cpu_now();
        for (int i = 0; i < 4; i++) {
            double a = 0.0, b = 0.0, c = 0.0;
            for (size_t j = 0; j < k->nf; j++) a += p[j] * y[j];
            for (size_t j = 0; j < k->nf; j++) {
                x[j] += 1e-9 * p[j];
                r[j] -= 1e-9 * y[j];
            }
            for (size_t j = 0; j < k->nf; j++) b += r[j] * r[j];
            memcpy(p, r, k->nf * sizeof *p);
            for (size_t j = 0; j < k->nf; j++) c += r[j] * p[j];
            for (size_t j = 0; j < k->nf; j++) p[j] = r[j] + 1e-3 * p[j] + 1e-300 * (a + b + c);
        }
        tv[q] = (cpu_now() - t0) / 4.0;
        /* conversion to LDL' and rank-1 columns (increases: no downdate can fail) */
        tc[q] = tu[q] = 0.0;
        if (ne > 0) {
            t0 = cpu_now();
            if (k->L->is_super && !cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, k->L, &k->cm)) {
                st = mn__kh_chol_err(k, "change_factor");
                goto done;
            }
            tc[q] = cpu_now() - t0;
            if ((st = mn_kirchhoff_update_conductances(k, edges, gup, ne)) != MN_OK) goto done;
            t0 = cpu_now();
            if ((st = mn__kh_update_factor(k)) != MN_OK) goto done;
            tu[q] = (cpu_now() - t0) / (double)ne;
            if ((st = mn_kirchhoff_update_conductances(k, edges, gold, ne)) != MN_OK) goto done;
        }
    }
    out->fac = median(tf, reps) / k->flops;
    out->solve = median(ts, reps) / lnz;
    out->spmv = median(tm, reps) / nnz_a;
    out->vec = median(tv, reps) / nf;
    out->upd = median(tu, reps) / lnz;
    out->conv = median(tc, reps) / lnz;
    out->model_iter = k->c_iter;
    out->model_fac = k->c_fac;
    /* leave a factor of the present (restored) conductances */
    k->fac_current = 0;
    st = mn__kh_refactor(k);
    if (st == MN_OK) st = mn__kh_fsolve(k, k->B, &k->X);
done:
    mn__free(k->ctx, y);
    return st;
}
