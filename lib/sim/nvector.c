/*
 * N_Vector kernels for CVODE's vectors (see the comment below); installed on the stepper's
 * vectors by mn__sim_vector_kernels (lib/sim/sim-private.h), tested against SUNDIALS' own serial
 * operations in tests/sim/test-sim-kernels.c.
 */
#include "sim/sim-cvode.h"
#include "sim/kv.h"

#include <math.h>
#include <nvector/nvector_serial.h>
#include <string.h>

/* CVODE spends its own time in the N_Vector operations (Nordsieck updates, WRMS norms, the
 * Gram-Schmidt of SPGMR). The serial vector of the SUNDIALS build we link may be compiled
 * without optimisation (Debian's libsundials 6.4 is built at -O0: about 20 instructions per
 * element), so the vectors CVODE works with get these kernels instead, compiled with memnet:
 * the same arithmetic in the same order as the serial vector (bit for bit the same results)
 * except for the order of summation in the two reductions.
 * Clones copy the ops table, so every vector CVODE and SPGMR make from s->y uses them.
 *
 * The elementwise kernels use SSE2 where the compiler targets it (every x86-64): two lanes of
 * the same IEEE operations, so the results do not change. SUNDIALS passes either distinct
 * vectors or the very same vector (z = x), never overlapping parts, and each pair of elements
 * is loaded before it is stored, so in-place calls are safe. The dot product and the WRMS
 * norm sum in four partial sums (below). The fused operations (linear combination, scale-add
 * of several vectors) do in one pass what SUNDIALS otherwise does with one linear sum per
 * vector, with the same operations per element in the same order.
 *
 * Threads. A vector's content names the context whose thread pool the kernels may use
 * (mn__nv_content.ctx, lib/sim/sim-cvode.h: the simulation's context). Above the pool's
 * crossover (mn__pool_threads, asked with the bytes a call reads and writes; never below
 * KV_MIN_BYTES) a kernel splits the elements into the pool's fixed blocks, one per thread
 * (mn__pool_block: boundaries on whole cache lines). The elementwise kernels give the same
 * bits for any split (each element is computed by the same operations). The reductions sum
 * each block as the serial kernel sums the whole vector, then add the blocks' sums in block
 * order: for a given thread count the result is reproducible bit for bit, and with one
 * thread it is the serial kernel's. The rarely called operations (min, max norm, compare,
 * inverse test, masked norm) stay on the calling thread. */

#define KV_N(v) ((size_t)NV_LENGTH_S(v))
#define KV_D(v) NV_DATA_S(v)
#define KV_MAXT 16 /* threads a kernel uses at most */
/* below this many bytes a call stays on the calling thread even with an explicit thread
 * setting: waking a worker costs more than the whole call (bench/sim/bench-kernels) */
#define KV_MIN_BYTES ((size_t)256 << 10)

/* ================================================================ kernels on a range */

static void r_linearsum(double a, const double *xd, double b, const double *yd, double *zd,
                        size_t n)
{
#if KV_SSE2
    __m128d va = _mm_set1_pd(a), vb = _mm_set1_pd(b);
#endif
    /* the serial vector computes a (x + y) for a = b and a (x - y) for a = -b; with a = 1
       (resp. b = 1) the product is exact and left out */
    if (a == 1.0 && b == 1.0) {
        KV_MAP(n, KV_ST(zd, _mm_add_pd(KV_LD(xd), KV_LD(yd))), zd[i] = xd[i] + yd[i]);
    } else if (a == -1.0 && b == -1.0) { /* -y - x: not -(x + y), whose zeros are -0 */
        KV_MAP(n, KV_ST(zd, _mm_sub_pd(_mm_xor_pd(_mm_set1_pd(-0.0), KV_LD(yd)), KV_LD(xd))),
               zd[i] = -yd[i] - xd[i]);
    } else if (a == b) {
        KV_MAP(n, KV_ST(zd, _mm_mul_pd(va, _mm_add_pd(KV_LD(xd), KV_LD(yd)))),
               zd[i] = a * (xd[i] + yd[i]));
    } else if (a == 1.0 && b == -1.0) {
        KV_MAP(n, KV_ST(zd, _mm_sub_pd(KV_LD(xd), KV_LD(yd))), zd[i] = xd[i] - yd[i]);
    } else if (a == -1.0 && b == 1.0) { /* y - x, as the serial vector (not -(x - y)) */
        KV_MAP(n, KV_ST(zd, _mm_sub_pd(KV_LD(yd), KV_LD(xd))), zd[i] = yd[i] - xd[i]);
    } else if (a == -b) {
        KV_MAP(n, KV_ST(zd, _mm_mul_pd(va, _mm_sub_pd(KV_LD(xd), KV_LD(yd)))),
               zd[i] = a * (xd[i] - yd[i]));
    } else if (b == 1.0) {
        KV_MAP(n, KV_ST(zd, _mm_add_pd(_mm_mul_pd(va, KV_LD(xd)), KV_LD(yd))),
               zd[i] = a * xd[i] + yd[i]);
    } else if (a == 1.0) {
        KV_MAP(n, KV_ST(zd, _mm_add_pd(KV_LD(xd), _mm_mul_pd(vb, KV_LD(yd)))),
               zd[i] = xd[i] + b * yd[i]);
    } else {
        KV_MAP(n, KV_ST(zd, _mm_add_pd(_mm_mul_pd(va, KV_LD(xd)), _mm_mul_pd(vb, KV_LD(yd)))),
               zd[i] = a * xd[i] + b * yd[i]);
    }
}

static void r_const(double c, double *zd, size_t n)
{
#if KV_SSE2
    __m128d vc = _mm_set1_pd(c);
#endif
    KV_MAP(n, KV_ST(zd, vc), zd[i] = c);
}

static void r_prod(const double *xd, const double *yd, double *zd, size_t n)
{
    KV_MAP(n, KV_ST(zd, _mm_mul_pd(KV_LD(xd), KV_LD(yd))), zd[i] = xd[i] * yd[i]);
}

static void r_div(const double *xd, const double *yd, double *zd, size_t n)
{
    KV_MAP(n, KV_ST(zd, _mm_div_pd(KV_LD(xd), KV_LD(yd))), zd[i] = xd[i] / yd[i]);
}

static void r_scale(double c, const double *xd, double *zd, size_t n)
{
    if (c == 1.0) {
        if (zd != xd) memcpy(zd, xd, n * sizeof *zd);
        return;
    }
#if KV_SSE2
    __m128d vc = _mm_set1_pd(c);
#endif
    KV_MAP(n, KV_ST(zd, _mm_mul_pd(vc, KV_LD(xd))), zd[i] = c * xd[i]);
}

static void r_abs(const double *xd, double *zd, size_t n)
{
#if KV_SSE2
    __m128d sign = _mm_set1_pd(-0.0);
#endif
    KV_MAP(n, KV_ST(zd, _mm_andnot_pd(sign, KV_LD(xd))), zd[i] = fabs(xd[i]));
}

static void r_inv(const double *xd, double *zd, size_t n)
{
#if KV_SSE2
    __m128d one = _mm_set1_pd(1.0);
#endif
    KV_MAP(n, KV_ST(zd, _mm_div_pd(one, KV_LD(xd))), zd[i] = 1.0 / xd[i]);
}

static void r_addconst(const double *xd, double b, double *zd, size_t n)
{
#if KV_SSE2
    __m128d vb = _mm_set1_pd(b);
#endif
    KV_MAP(n, KV_ST(zd, _mm_add_pd(KV_LD(xd), vb)), zd[i] = xd[i] + b);
}

/* The reductions keep four partial sums (two SSE2 registers of two) over consecutive
 * elements, added pairwise at the end, then the remaining elements in order: a fixed order,
 * so results are reproducible, but not the serial vector's single running sum (the sums differ
 * by rounding, ~1e-16 relative), and four independent additions per step instead of a chain
 * of dependent ones. */
#if KV_SSE2
static double kv_hsum(__m128d a, __m128d b)
{
    double t[2];
    _mm_storeu_pd(t, _mm_add_pd(a, b));
    return t[0] + t[1];
}
#endif

static double r_dot(const double *xd, const double *yd, size_t n)
{
    size_t i = 0;
    double sum = 0;
#if KV_SSE2
    __m128d s0 = _mm_setzero_pd(), s1 = _mm_setzero_pd();
    for (; i + 4 <= n; i += 4) {
        s0 = _mm_add_pd(s0, _mm_mul_pd(_mm_loadu_pd(xd + i), _mm_loadu_pd(yd + i)));
        s1 = _mm_add_pd(s1, _mm_mul_pd(_mm_loadu_pd(xd + i + 2), _mm_loadu_pd(yd + i + 2)));
    }
    sum = kv_hsum(s0, s1);
#endif
    for (; i < n; i++) sum += xd[i] * yd[i];
    return sum;
}

static double r_wsqrsum(const double *xd, const double *wd, size_t n)
{
    size_t i = 0;
    double sum = 0;
#if KV_SSE2
    __m128d s0 = _mm_setzero_pd(), s1 = _mm_setzero_pd();
    for (; i + 4 <= n; i += 4) {
        __m128d p0 = _mm_mul_pd(_mm_loadu_pd(xd + i), _mm_loadu_pd(wd + i));
        __m128d p1 = _mm_mul_pd(_mm_loadu_pd(xd + i + 2), _mm_loadu_pd(wd + i + 2));
        s0 = _mm_add_pd(s0, _mm_mul_pd(p0, p0));
        s1 = _mm_add_pd(s1, _mm_mul_pd(p1, p1));
    }
    sum = kv_hsum(s0, s1);
#endif
    for (; i < n; i++) {
        double p = xd[i] * wd[i];
        sum += p * p;
    }
    return sum;
}

/* z = sum_k c_k X_k as SUNDIALS' fallback computes it (z = c_0 X_0, then z = c_k X_k + 1 z);
 * the fallback's linear sum c_k X_k + 1 z gives (X_k + z) for c_k = 1, -(X_k - z) = z - X_k
 * for c_k = -1, c_k X_k + z otherwise: the same values as c_k X_k + z in every case. z is not
 * one of X_1 .. X_{nvec-1} (z = X_0 is fine: each element is read before it is written).
 * The passes run block by block (KV_BLOCK values, which stay in the first-level cache), so
 * z is read from memory once, not nvec times, with the fallback's operations per element. */
#define KV_BLOCK 512
static void r_linearcombination(int nvec, const double *c, const double *const *xd, double *zd,
                                size_t n)
{
    for (size_t b0 = 0; b0 < n; b0 += KV_BLOCK) {
        size_t nb = n - b0 < KV_BLOCK ? n - b0 : KV_BLOCK;
        double *z = zd + b0;
        r_scale(c[0], xd[0] + b0, z, nb);
        for (int k = 1; k < nvec; k++) {
            const double *x = xd[k] + b0;
            double ck = c[k];
            if (ck == 1.0) {
                KV_MAP(nb, KV_ST(z, _mm_add_pd(KV_LD(x), KV_LD(z))), z[i] = x[i] + z[i]);
            } else if (ck == -1.0) {
                KV_MAP(nb, KV_ST(z, _mm_sub_pd(KV_LD(z), KV_LD(x))), z[i] = z[i] - x[i]);
            } else {
#if KV_SSE2
                __m128d vc = _mm_set1_pd(ck);
#endif
                KV_MAP(nb, KV_ST(z, _mm_add_pd(_mm_mul_pd(vc, KV_LD(x)), KV_LD(z))),
                       z[i] = ck * x[i] + z[i]);
            }
        }
    }
}

/* Z_k = a_k x + Y_k, each the linear sum a_k x + 1 Y_k, block by block (x read once) */
static void r_scaleaddmulti(int nvec, const double *a, const double *xd, const double *const *yd,
                            double *const *zd, size_t n)
{
    for (size_t b0 = 0; b0 < n; b0 += KV_BLOCK) {
        size_t nb = n - b0 < KV_BLOCK ? n - b0 : KV_BLOCK;
        for (int k = 0; k < nvec; k++) r_linearsum(a[k], xd + b0, 1.0, yd[k] + b0, zd[k] + b0, nb);
    }
}

/* ================================================================ the split over threads */

enum {
    KV_LINEARSUM, KV_CONST, KV_PROD, KV_DIV, KV_SCALE, KV_ABS, KV_INV, KV_ADDCONST, KV_DOT,
    KV_WSQRSUM, KV_LINCOMB, KV_SCALEADDMULTI
};

/* one kernel call: the operation, its operands and the sums of the ranges */
typedef struct kv_job {
    int op;
    size_t n;
    double a, b;
    const double *x, *y;
    double *z;
    int nvec;                   /* fused operations */
    const double *c;            /* nvec coefficients */
    const double *const *xs;    /* nvec inputs (linear combination) or outputs' addends Y_k */
    double *const *zs;          /* nvec outputs (scale-add) */
    double part[KV_MAXT];       /* each range's sum (reductions) */
} kv_job;

static void kv_work(void *arg, int tid, int nt)
{
    kv_job *j = arg;
    size_t lo, hi;
    mn__pool_block(j->n, tid, nt, &lo, &hi);
    size_t n = hi - lo;
    const double *x = j->x ? j->x + lo : NULL, *y = j->y ? j->y + lo : NULL;
    double *z = j->z ? j->z + lo : NULL;
    switch (j->op) {
    case KV_LINEARSUM: r_linearsum(j->a, x, j->b, y, z, n); break;
    case KV_CONST: r_const(j->a, z, n); break;
    case KV_PROD: r_prod(x, y, z, n); break;
    case KV_DIV: r_div(x, y, z, n); break;
    case KV_SCALE: r_scale(j->a, x, z, n); break;
    case KV_ABS: r_abs(x, z, n); break;
    case KV_INV: r_inv(x, z, n); break;
    case KV_ADDCONST: r_addconst(x, j->a, z, n); break;
    case KV_DOT: j->part[tid] = r_dot(x, y, n); break;
    case KV_WSQRSUM: j->part[tid] = r_wsqrsum(x, y, n); break;
    case KV_LINCOMB: {
        const double *xr[32];
        for (int k = 0; k < j->nvec; k++) xr[k] = j->xs[k] + lo;
        r_linearcombination(j->nvec, j->c, xr, z, n);
        break;
    }
    case KV_SCALEADDMULTI: {
        const double *yr[32];
        double *zr[32];
        for (int k = 0; k < j->nvec; k++) yr[k] = j->xs[k] + lo, zr[k] = j->zs[k] + lo;
        r_scaleaddmulti(j->nvec, j->c, x, yr, zr, n);
        break;
    }
    }
}

/* run job j over the elements of v (values: how many values the call reads and writes);
 * returns the number of ranges (whose sums are j->part[0 ..]) */
static int kv_exec(N_Vector v, kv_job *j, size_t values)
{
    const mn__nv_content *c = v->content;
    size_t bytes = values * sizeof(double);
    int nt = !c->ctx ? 1 : c->threads > 0 ? c->threads
                         : bytes < KV_MIN_BYTES ? 1 : mn__pool_threads(c->ctx, bytes);
    if (nt > KV_MAXT) nt = KV_MAXT;
    if (nt > 1 && j->n >= 8 * (size_t)nt) {
        mn__pool_run(c->ctx, nt, kv_work, j);
        return nt;
    }
    kv_work(j, 0, 1);
    return 1;
}

/* the ranges' sums in range order */
static double kv_sum(const kv_job *j, int nt)
{
    double s = j->part[0];
    for (int t = 1; t < nt; t++) s += j->part[t];
    return s;
}

/* ================================================================ the operations */

static void kv_linearsum(sunrealtype a, N_Vector x, sunrealtype b, N_Vector y, N_Vector z)
{
    kv_job j = { .op = KV_LINEARSUM, .n = KV_N(x), .a = a, .b = b, .x = KV_D(x), .y = KV_D(y),
                 .z = KV_D(z) };
    kv_exec(x, &j, 3 * j.n);
}

static void kv_const(sunrealtype c, N_Vector z)
{
    kv_job j = { .op = KV_CONST, .n = KV_N(z), .a = c, .z = KV_D(z) };
    kv_exec(z, &j, j.n);
}

static void kv_prod(N_Vector x, N_Vector y, N_Vector z)
{
    kv_job j = { .op = KV_PROD, .n = KV_N(x), .x = KV_D(x), .y = KV_D(y), .z = KV_D(z) };
    kv_exec(x, &j, 3 * j.n);
}

static void kv_div(N_Vector x, N_Vector y, N_Vector z)
{
    kv_job j = { .op = KV_DIV, .n = KV_N(x), .x = KV_D(x), .y = KV_D(y), .z = KV_D(z) };
    kv_exec(x, &j, 3 * j.n);
}

static void kv_scale(sunrealtype c, N_Vector x, N_Vector z)
{
    if (c == 1.0 && KV_D(z) == KV_D(x)) return;
    kv_job j = { .op = KV_SCALE, .n = KV_N(x), .a = c, .x = KV_D(x), .z = KV_D(z) };
    kv_exec(x, &j, 2 * j.n);
}

static void kv_abs(N_Vector x, N_Vector z)
{
    kv_job j = { .op = KV_ABS, .n = KV_N(x), .x = KV_D(x), .z = KV_D(z) };
    kv_exec(x, &j, 2 * j.n);
}

static void kv_inv(N_Vector x, N_Vector z)
{
    kv_job j = { .op = KV_INV, .n = KV_N(x), .x = KV_D(x), .z = KV_D(z) };
    kv_exec(x, &j, 2 * j.n);
}

static void kv_addconst(N_Vector x, sunrealtype b, N_Vector z)
{
    kv_job j = { .op = KV_ADDCONST, .n = KV_N(x), .a = b, .x = KV_D(x), .z = KV_D(z) };
    kv_exec(x, &j, 2 * j.n);
}

static sunrealtype kv_dotprod(N_Vector x, N_Vector y)
{
    kv_job j = { .op = KV_DOT, .n = KV_N(x), .x = KV_D(x), .y = KV_D(y) };
    return kv_sum(&j, kv_exec(x, &j, 2 * j.n));
}

static sunrealtype kv_wsqrsum(N_Vector x, N_Vector w)
{
    kv_job j = { .op = KV_WSQRSUM, .n = KV_N(x), .x = KV_D(x), .y = KV_D(w) };
    return kv_sum(&j, kv_exec(x, &j, 2 * j.n));
}

static sunrealtype kv_wrmsnorm(N_Vector x, N_Vector w)
{
    return sqrt(kv_wsqrsum(x, w) / (double)NV_LENGTH_S(x));
}

static sunrealtype kv_maxnorm(N_Vector x)
{
    size_t n = KV_N(x);
    const double *xd = KV_D(x);
    double mx = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(xd[i]) > mx) mx = fabs(xd[i]);
    return mx;
}

static sunrealtype kv_wsqrsummask(N_Vector x, N_Vector w, N_Vector id)
{
    size_t n = KV_N(x);
    const double *xd = KV_D(x), *wd = KV_D(w), *idd = KV_D(id);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (idd[i] > 0) {
            double p = xd[i] * wd[i];
            sum += p * p;
        }
    return sum;
}

static sunrealtype kv_wrmsnormmask(N_Vector x, N_Vector w, N_Vector id)
{
    return sqrt(kv_wsqrsummask(x, w, id) / (double)NV_LENGTH_S(x));
}

static sunrealtype kv_min(N_Vector x)
{
    size_t n = KV_N(x);
    const double *xd = KV_D(x);
    double mn = n ? xd[0] : 0;
    for (size_t i = 1; i < n; i++)
        if (xd[i] < mn) mn = xd[i];
    return mn;
}

static void kv_compare(sunrealtype c, N_Vector x, N_Vector z)
{
    size_t n = KV_N(x);
    const double *xd = KV_D(x);
    double *zd = KV_D(z);
    for (size_t i = 0; i < n; i++) zd[i] = fabs(xd[i]) >= c ? 1.0 : 0.0;
}

static sunbooleantype kv_invtest(N_Vector x, N_Vector z)
{
    size_t n = KV_N(x);
    const double *xd = KV_D(x);
    double *zd = KV_D(z);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (xd[i] == 0) ok = 0;
        else zd[i] = 1.0 / xd[i];
    }
    return ok ? SUNTRUE : SUNFALSE;
}

/* z = sum_k c_k X_k (r_linearcombination), in one pass; z may be X_0 (not a later X_k: then
 * the fallback's passes are kept) */
static int kv_linearcombination(int nvec, sunrealtype *c, N_Vector *X, N_Vector z)
{
    const double *xd[32];
    int aliased = nvec > 32;
    for (int k = 1; k < nvec && !aliased; k++) aliased = X[k] == z;
    if (nvec < 1) return -1;
    if (aliased) {
        kv_scale(c[0], X[0], z);
        for (int k = 1; k < nvec; k++) kv_linearsum(c[k], X[k], 1.0, z, z);
        return 0;
    }
    for (int k = 0; k < nvec; k++) xd[k] = KV_D(X[k]);
    kv_job j = { .op = KV_LINCOMB, .n = KV_N(z), .z = KV_D(z), .nvec = nvec, .c = c, .xs = xd };
    kv_exec(z, &j, ((size_t)nvec + 1) * j.n);
    return 0;
}

/* Z_k = a_k x + Y_k (the fallback: one linear sum a_k x + 1 Y_k per k), in one pass unless x
 * is one of the Z_k. The linear sum gives (x + Y) for a = 1, -(x - Y) = Y - x for a = -1,
 * a x + Y otherwise: r_linearsum's cases, the same values. */
static int kv_scaleaddmulti(int nvec, sunrealtype *a, N_Vector x, N_Vector *Y, N_Vector *Z)
{
    const double *yd[32];
    double *zd[32];
    int aliased = nvec > 32;
    for (int k = 0; k < nvec && !aliased; k++) aliased = Z[k] == x;
    if (aliased) {
        for (int k = 0; k < nvec; k++) kv_linearsum(a[k], x, 1.0, Y[k], Z[k]);
        return 0;
    }
    for (int k = 0; k < nvec; k++) {
        yd[k] = KV_D(Y[k]);
        zd[k] = KV_D(Z[k]);
    }
    kv_job j = { .op = KV_SCALEADDMULTI, .n = KV_N(x), .x = KV_D(x), .nvec = nvec, .c = a,
                 .xs = yd, .zs = zd };
    kv_exec(x, &j, (2 * (size_t)nvec + 1) * j.n);
    return 0;
}

/* give v (and so every clone of it) the kernels above */
void mn__sim_vector_kernels(void *nv)
{
    N_Vector v = nv;
    N_Vector_Ops o = v->ops;
    o->nvlinearsum = kv_linearsum;
    o->nvconst = kv_const;
    o->nvprod = kv_prod;
    o->nvdiv = kv_div;
    o->nvscale = kv_scale;
    o->nvabs = kv_abs;
    o->nvinv = kv_inv;
    o->nvaddconst = kv_addconst;
    o->nvdotprod = kv_dotprod;
    o->nvmaxnorm = kv_maxnorm;
    o->nvwrmsnorm = kv_wrmsnorm;
    o->nvwrmsnormmask = kv_wrmsnormmask;
    o->nvmin = kv_min;
    o->nvcompare = kv_compare;
    o->nvinvtest = kv_invtest;
    o->nvdotprodlocal = kv_dotprod;
    o->nvmaxnormlocal = kv_maxnorm;
    o->nvminlocal = kv_min;
    o->nvinvtestlocal = kv_invtest;
    o->nvwsqrsumlocal = kv_wsqrsum;
    o->nvwsqrsummasklocal = kv_wsqrsummask;
    o->nvlinearcombination = kv_linearcombination;
    o->nvscaleaddmulti = kv_scaleaddmulti;
}
