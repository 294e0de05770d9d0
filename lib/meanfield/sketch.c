/* Leverage scores R_e = b_e^T L^{-1} b_e of the edges of the unit grounded Laplacian L, estimated
 * for use in sums over many edges (the effective medium's class means; docs/meanfield.md,
 * "Cost"): the exact value for the edges of largest |Omega->_i| (sparse solves along the
 * elimination tree of the factor, within a work budget), random projections (Spielman-
 * Srivastava) for the others, whose sum is rescaled to Foster's exact total. */
#include "meanfield-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MN__SK_PROBES 8 /* probes per back substitution */
#define MN__SK_CANDIDATES 4096 /* exact values are tried for at most this many edges */
/* the work budget of the exact values: nnz(L) factor entries read (one triangular solve, an
 * eighth of the probes' work), and at least this many (about 1 ms), so that in small networks,
 * where the effective medium's classes hold few edges and the probes' noise does not average
 * out, the upper classes are exact (measured: G(t) within 3e-4 of the exact path at 600 and
 * 3000 wires, up to 1e-2 at 600 wires without the minimum; at 20000 wires it changes nothing) */
#define MN__SK_MIN_WORK ((size_t)1 << 18)

typedef struct {
    const double *key;
    size_t i;
} cand;

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    double ka = a->key[a->i], kb = b->key[b->i];
    if (ka != kb) return ka < kb ? 1 : -1; /* descending key */
    return (a->i > b->i) - (a->i < b->i);   /* then ascending index: deterministic */
}

/* b^T L^{-1} b for b = e_pa - e_pc in the factor's ordering (pa or pc < 0: grounded end), with
 * the LDL' factor: the forward solve L y = b touches only the ancestors of pa and pc in the
 * elimination tree (the rows of column j are ancestors of j), and R = sum_j y_j^2 / d_j.
 * y must be zero on entry and is left zero; mark/stamp tag the visited columns; *work counts
 * the factor entries read. */
static double tree_solve(const int *Lp, const int *Li, const double *Lx, int pa, int pc, double *y,
                         int *mark, int stamp, int *l1, int *l2, int *reach, size_t *work)
{
    size_t n1 = 0, n2 = 0;
    for (int j = pa; j >= 0 && mark[j] != stamp; j = Lp[j + 1] - Lp[j] > 1 ? Li[Lp[j] + 1] : -1) {
        mark[j] = stamp;
        l1[n1++] = j;
    }
    for (int j = pc; j >= 0 && mark[j] != stamp; j = Lp[j + 1] - Lp[j] > 1 ? Li[Lp[j] + 1] : -1) {
        mark[j] = stamp;
        l2[n2++] = j;
    }
    /* both chains ascend (a parent comes after its child): merge them */
    size_t i1 = 0, i2 = 0, nr = 0;
    while (i1 < n1 || i2 < n2)
        reach[nr++] = i2 >= n2 || (i1 < n1 && l1[i1] < l2[i2]) ? l1[i1++] : l2[i2++];
    if (pa >= 0) y[pa] += 1;
    if (pc >= 0) y[pc] -= 1;
    double R = 0;
    size_t w = 0;
    for (size_t t = 0; t < nr; t++) {
        int j = reach[t];
        double yj = y[j];
        y[j] = 0;
        if (yj == 0) continue;
        R += yj * yj / Lx[Lp[j]];
        for (int q = Lp[j] + 1; q < Lp[j + 1]; q++) y[Li[q]] -= Lx[q] * yj;
        w += (size_t)(Lp[j + 1] - Lp[j]);
    }
    *work += w + nr;
    return R;
}

/* 8 probes at once: w[k * 8 + b] = (L^{-T} D^{-1/2} q_b)_k for Rademacher vectors q_b on the
 * factor's rows (8 bits of one draw per row), in the factor's order (row i of the matrix is at
 * k = pinv[i]), so that every column of L reads whole rows of 8. */
static void back_solve8(const int *Lp, const int *Li, const double *Lx, size_t n,
                        mn__rng_state *rs, double *w)
{
    enum { K = MN__SK_PROBES };
    for (size_t j = 0; j < n; j++) {
        uint64_t bits = mn__rng_u64(rs);
        double s = 1 / sqrt(Lx[Lp[j]]), *wj = w + j * K;
        for (int b = 0; b < K; b++) wj[b] = ((bits >> b) & 1) ? s : -s;
    }
    for (size_t j = n; j-- > 0;) { /* L' y = D^{-1/2} q */
        double *yj = w + j * K, acc[K];
        for (int b = 0; b < K; b++) acc[b] = yj[b];
        for (int q = Lp[j] + 1; q < Lp[j + 1]; q++) {
            double l = Lx[q];
            const double *yi = w + (size_t)Li[q] * K;
            for (int b = 0; b < K; b++) acc[b] -= l * yi[b];
        }
        for (int b = 0; b < K; b++) yj[b] = acc[b];
    }
}

mn_status mn__mf_sketch_leverage(mn_context *ctx, size_t nr, const int *Lp, const int *Li,
                                 const double *Lx, const int *Perm, size_t ne, const int *ea,
                                 const int *ec, const int *eid, const double *key, size_t probes,
                                 uint64_t seed, double *r0, double *err, size_t *n_exact)
{
    mn_status st = MN_OK;
    int *pinv = NULL, *mark = NULL, *l1 = NULL, *l2 = NULL, *reach = NULL;
    double *y = NULL, *rows = NULL;
    static const double zero[MN__SK_PROBES] = { 0 };
    unsigned char *exact = NULL;
    cand *cs = NULL;
    *n_exact = 0;
    size_t nra = nr ? nr : 1, nea = ne ? ne : 1;
    pinv = mn__malloc_or_err(ctx, nra, sizeof(int), "leverage sketch");
    mark = mn__malloc_or_err(ctx, nra, sizeof(int), "leverage sketch");
    l1 = mn__malloc_or_err(ctx, nra, sizeof(int), "leverage sketch");
    l2 = mn__malloc_or_err(ctx, nra, sizeof(int), "leverage sketch");
    reach = mn__malloc_or_err(ctx, nra, sizeof(int), "leverage sketch");
    y = mn__calloc_or_err(ctx, nra, sizeof(double), "leverage sketch");
    exact = mn__calloc_or_err(ctx, nea, 1, "leverage sketch");
    if (!pinv || !mark || !l1 || !l2 || !reach || !y || !exact) MN__FAIL(MN_ERR_NOMEM);
    for (size_t q = 0; q < nr; q++) {
        pinv[Perm ? Perm[q] : (int)q] = (int)q;
        mark[q] = -1;
    }

    /* 1. exact values, largest key first, until the work reaches nnz(L) or MN__SK_MIN_WORK */
    size_t nc = ne < MN__SK_CANDIDATES ? ne : MN__SK_CANDIDATES;
    if (nc > 0) {
        cs = mn__malloc_or_err(ctx, nc, sizeof *cs, "leverage sketch");
        if (!cs) MN__FAIL(MN_ERR_NOMEM);
        double thr = -INFINITY;
        if (nc < ne) { /* threshold from a histogram of the keys: about nc edges above it */
            double kmax = 0;
            for (size_t e = 0; e < ne; e++) kmax = fmax(kmax, key[e]);
            enum { NB = 4096 };
            size_t *hist = mn__calloc_or_err(ctx, NB, sizeof(size_t), "leverage sketch");
            if (!hist) MN__FAIL(MN_ERR_NOMEM);
            for (size_t e = 0; e < ne; e++) {
                double b = kmax > 0 ? floor(key[e] / kmax * (NB - 1)) : 0;
                hist[b < 0 ? 0 : b > NB - 1 ? NB - 1 : (size_t)b]++;
            }
            size_t acc = 0, b = NB;
            while (b > 0 && acc + hist[b - 1] <= nc) acc += hist[--b];
            mn__free(ctx, hist);
            thr = kmax > 0 ? (double)b / (NB - 1) * kmax : INFINITY;
        }
        size_t k = 0;
        for (size_t e = 0; e < ne && k < nc; e++)
            if (nc == ne || key[e] >= thr) cs[k++] = (cand){ key, e };
        nc = k;
        qsort(cs, nc, sizeof *cs, cmp_cand);
        size_t budget = (size_t)Lp[nr], work = 0;
        if (budget < MN__SK_MIN_WORK) budget = MN__SK_MIN_WORK;
        for (size_t t = 0; t < nc && work < budget; t++) {
            size_t e = cs[t].i;
            int pa = ea[e] >= 0 ? pinv[ea[e]] : -1, pc = ec[e] >= 0 ? pinv[ec[e]] : -1;
            r0[eid[e]] = tree_solve(Lp, Li, Lx, pa, pc, y, mark, (int)t, l1, l2, reach, &work);
            err[eid[e]] = 0;
            exact[e] = 1;
            ++*n_exact;
        }
    }

    /* 2. random projections for the others, on the factor: with W = D^{-1/2} L^{-1} P,
     *    R_e = |W b_e|^2, and for a Rademacher vector q on the rows, z = P' L^{-T} D^{-1/2} q
     *    (one back substitution) gives q' W b_e = z_a - z_c with E[(z_a - z_c)^2] = R_e
     *    (Spielman-Srivastava's construction on the Cholesky factor); 8 probes at a time */
    size_t left = ne - *n_exact;
    if (left > 0 && probes > 0) {
        mn__rng_state rs;
        mn__rng_seed(&rs, seed, 0x736b /* "sk" */);
        size_t blocks = (probes + MN__SK_PROBES - 1) / MN__SK_PROBES, k = blocks * MN__SK_PROBES;
        rows = mn__malloc_or_err(ctx, nra * MN__SK_PROBES, sizeof(double), "leverage sketch");
        if (!rows) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0; e < ne; e++)
            if (!exact[e]) r0[eid[e]] = err[eid[e]] = 0; /* sums of z^2 and z^4 */
        for (size_t blk = 0; blk < blocks; blk++) {
            back_solve8(Lp, Li, Lx, nr, &rs, rows);
            for (size_t e = 0; e < ne; e++) {
                if (exact[e]) continue;
                const double *za = ea[e] >= 0 ? rows + (size_t)pinv[ea[e]] * MN__SK_PROBES : zero;
                const double *zc = ec[e] >= 0 ? rows + (size_t)pinv[ec[e]] * MN__SK_PROBES : zero;
                double s1 = 0, s2 = 0;
                for (int b = 0; b < MN__SK_PROBES; b++) {
                    double z = za[b] - zc[b], z2 = z * z;
                    s1 += z2;
                    s2 += z2 * z2;
                }
                r0[eid[e]] += s1;
                err[eid[e]] += s2;
            }
        }
        /* per edge: the mean over the probes and its standard error; the estimated part is
         * rescaled so that the total is Foster's sum_e R_e = nodes - 1 = nr */
        double sx = 0, se = 0, kd = (double)k;
        for (size_t e = 0; e < ne; e++) {
            size_t i = (size_t)eid[e];
            if (exact[e]) {
                sx += r0[i];
                continue;
            }
            double mu = r0[i] / kd, var = (err[i] / kd - mu * mu) * kd / (kd - 1);
            r0[i] = mu;
            err[i] = sqrt(var > 0 ? var / kd : 0);
            se += mu;
        }
        double scale = se > 0 && (double)nr > sx ? ((double)nr - sx) / se : 1;
        for (size_t e = 0; e < ne; e++) {
            if (exact[e]) continue;
            if (err[eid[e]] == 0) { /* no spread over the probes: W b_e has one nonzero, exact */
                se -= r0[eid[e]], sx += r0[eid[e]];
                exact[e] = 1;
            }
        }
        scale = se > 0 && (double)nr > sx ? ((double)nr - sx) / se : 1;
        for (size_t e = 0; e < ne; e++) {
            if (exact[e]) continue;
            r0[eid[e]] *= scale;
            err[eid[e]] *= scale;
        }
    }
cleanup:
    mn__free(ctx, pinv);
    mn__free(ctx, mark);
    mn__free(ctx, l1);
    mn__free(ctx, l2);
    mn__free(ctx, reach);
    mn__free(ctx, y);
    mn__free(ctx, rows);
    mn__free(ctx, exact);
    mn__free(ctx, cs);
    return st;
}
