/* Projector quantities of the source-augmented graph (000 sec. 5, 001 A): Omega_{N+1},
 * Omega->, traces, diag(Omega) (dense, selected inversion, random projections, the leverage
 * sketch of sketch.c on the own LDL' of ldl.c), <g>, G_eff. */
#include "meanfield-private.h"

#include <cholmod.h>
#include <math.h>
#include <string.h>

#define MN__BATCHES 8

struct mn_meanfield_projector {
    mn_context *ctx;
    size_t m;          /* edge count of the graph */
    size_t n_circuit;  /* edges in the circuit */
    size_t outside;
    size_t probes;
    int sketch;        /* diag from the leverage sketch (MN_MEANFIELD_DIAG_SKETCH) */
    double omega_n1, R, trace, trace2, omega_mean;
    double *ovec;  /* Omega->, m */
    double *diag;  /* Omega_ii, m */
    double *derr;  /* standard errors, m */
    double *batch; /* randomised: MN__BATCHES x m batch means of Omega_ii, else NULL */
    unsigned char *in; /* edge in circuit */
};

void mn_meanfield_projector_free(mn_meanfield_projector *p)
{
    if (!p) return;
    mn__free(p->ctx, p->ovec);
    mn__free(p->ctx, p->diag);
    mn__free(p->ctx, p->derr);
    mn__free(p->ctx, p->batch);
    mn__free(p->ctx, p->in);
    mn__free(p->ctx, p);
}

size_t mn__mf_projector_edges(const mn_meanfield_projector *p) { return p->m; }
mn_context *mn__mf_projector_context(const mn_meanfield_projector *p) { return p->ctx; }
double mn_meanfield_projector_omega_n1(const mn_meanfield_projector *p) { return p ? p->omega_n1 : NAN; }
const double *mn_meanfield_projector_omega_vec(const mn_meanfield_projector *p) { return p ? p->ovec : NULL; }
const double *mn_meanfield_projector_diag(const mn_meanfield_projector *p) { return p ? p->diag : NULL; }
const double *mn_meanfield_projector_diag_error(const mn_meanfield_projector *p) { return p ? p->derr : NULL; }
double mn_meanfield_projector_trace(const mn_meanfield_projector *p) { return p ? p->trace : NAN; }
double mn_meanfield_projector_trace2(const mn_meanfield_projector *p) { return p ? p->trace2 : NAN; }
double mn_meanfield_projector_omega_mean(const mn_meanfield_projector *p) { return p ? p->omega_mean : NAN; }
size_t mn_meanfield_projector_outside_count(const mn_meanfield_projector *p) { return p ? p->outside : 0; }
size_t mn_meanfield_projector_probes(const mn_meanfield_projector *p) { return p ? p->probes : 0; }

/* ---------------------------------------------------------------- dense leverage scores */

/* inverse of the n x n SPD matrix A (row major, overwritten) by Cholesky; 0 on success */
static int dense_spd_inverse(double *A, size_t n)
{
    for (size_t j = 0; j < n; j++) { /* A = L L^T, L in the lower triangle */
        double d = A[j * n + j];
        for (size_t k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0)) return -1;
        d = sqrt(d);
        A[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (size_t k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / d;
        }
    }
    /* invert L in place (lower) */
    for (size_t j = 0; j < n; j++) {
        A[j * n + j] = 1 / A[j * n + j];
        for (size_t i = j + 1; i < n; i++) {
            double s = 0;
            for (size_t k = j; k < i; k++) s -= A[i * n + k] * A[k * n + j];
            A[i * n + j] = s / A[i * n + i];
        }
    }
    /* A^{-1} = L^{-T} L^{-1}: upper triangle of the result, then mirror */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t k = i; k < n; k++) s += A[k * n + i] * A[k * n + j];
            A[j * n + i] = s; /* store in the upper triangle (row j, col i), j <= i */
        }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) A[i * n + j] = A[j * n + i];
    return 0;
}

/* ---------------------------------------------------------------- main */

typedef struct {
    mn_context *ctx;
    cholmod_common c;
    int started;
    cholmod_sparse *A;
    cholmod_factor *L;
    int fok; /* factorised */
} chol;

static void chol_free(chol *ch)
{
    if (!ch->started) return;
    cholmod_free_factor(&ch->L, &ch->c);
    cholmod_free_sparse(&ch->A, &ch->c);
    cholmod_finish(&ch->c);
    ch->started = 0;
}

/* Symbolic analysis and numeric factorisation of ch->A: AMD only (the unit Laplacian of these
 * sparse graphs gets no gain from CHOLMOD's METIS trial, and METIS is never called, so no lock
 * is needed), CHOLMOD's OpenMP team off and the BLAS threads of the context's setting
 * (lib/core/threads.c). Sets ch->L (NULL if the analysis failed) and ch->fok. */
static mn_status chol_analyse_factorise(chol *ch)
{
    ch->c.nmethods = 1;
    ch->c.method[0].ordering = CHOLMOD_AMD;
    ch->c.postorder = 1;
    int omp = mn__serial_begin();
    ch->L = cholmod_analyze(ch->A, &ch->c);
    if (ch->L) {
        int blas = mn__blas_threads_begin(ch->ctx, ch->c.fl);
        ch->fok = cholmod_factorize(ch->A, ch->L, &ch->c) && ch->c.status == CHOLMOD_OK;
        mn__blas_threads_end(blas);
    }
    mn__serial_end(omp);
    return MN_OK;
}

/* solve A x = b for the reduced Laplacian (b, x: nr values) */
static mn_status chol_solve(chol *ch, const double *b, double *x, size_t nr)
{
    cholmod_dense *B = cholmod_allocate_dense(nr, 1, nr, CHOLMOD_REAL, &ch->c);
    if (!B) return mn__error(ch->ctx, MN_ERR_NOMEM, "CHOLMOD: out of memory (%zu unknowns)", nr);
    memcpy(B->x, b, nr * sizeof(double));
    cholmod_dense *X = cholmod_solve(CHOLMOD_A, ch->L, B, &ch->c);
    cholmod_free_dense(&B, &ch->c);
    if (!X) return mn__error(ch->ctx, MN_ERR_SOLVER, "CHOLMOD solve failed (status %d)",
                             ch->c.status);
    memcpy(x, X->x, nr * sizeof(double));
    cholmod_free_dense(&X, &ch->c);
    return MN_OK;
}

/* Takahashi selected inversion of the simplicial LDL' factor A = L D L^T: Z = A^{-1} on the
 * pattern of L, from the last column to the first:
 *   Z_ij = -sum_{k in S_j} L_kj Z_ik (i in S_j),  Z_jj = 1/d_j - sum_{k in S_j} L_kj Z_kj,
 * S_j the rows below the diagonal of column j. Columns are grouped into supernodes (runs of
 * columns whose structures nest: struct(j) = {j+1} U struct(j+1)); for a supernode the entries
 * of Z on its rows are gathered once into a dense block and every column of the supernode is
 * then a dense matrix-vector product. */
#define MN__SN_MAX 3000

static mn_status selinv(chol *ch, double **Zout)
{
    mn_context *ctx = ch->ctx;
    if (!cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, ch->L, &ch->c))
        return mn__error(ctx, MN_ERR_SOLVER, "CHOLMOD: cannot convert the factor to simplicial LDL' "
                         "(status %d)", ch->c.status);
    cholmod_factor *L = ch->L;
    size_t n = L->n;
    const int *Lp = L->p, *Li = L->i;
    const double *Lx = L->x;
    for (size_t j = 0; j < n; j++) { /* diagonal first, rows ascending */
        if (Li[Lp[j]] != (int)j)
            return mn__error(ctx, MN_ERR_INTERNAL, "selected inversion: column %zu of the factor "
                             "does not start with its diagonal", j);
        for (int p = Lp[j] + 1; p + 1 < Lp[j + 1]; p++)
            if (Li[p] >= Li[p + 1])
                return mn__error(ctx, MN_ERR_INTERNAL, "selected inversion: unsorted factor column %zu",
                                 j);
    }
    size_t nnz = (size_t)Lp[n];
    double *Z = mn__malloc_or_err(ctx, nnz ? nnz : 1, sizeof(double), "selected inverse");
    int *loc = mn__malloc_or_err(ctx, n ? n : 1, sizeof(int), "selected inverse");
    size_t cap = n + 1 < MN__SN_MAX ? n + 1 : MN__SN_MAX;
    double *B = mn__malloc_or_err(ctx, cap * cap, sizeof(double), "selected inverse block");
    double *lj = mn__malloc_or_err(ctx, cap, sizeof(double), "selected inverse");
    double *zj = mn__malloc_or_err(ctx, cap, sizeof(double), "selected inverse");
    if (!Z || !loc || !B || !lj || !zj) {
        mn__free(ctx, Z);
        mn__free(ctx, loc);
        mn__free(ctx, B);
        mn__free(ctx, lj);
        mn__free(ctx, zj);
        return MN_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) loc[i] = -1;
    size_t l = n;
    while (l > 0) {
        /* supernode [f, l-1]: extend downwards while column f-1 nests onto column f */
        size_t last = l - 1, f = last;
        size_t s = (size_t)(Lp[last + 1] - Lp[last] - 1); /* rows below the supernode */
        while (f > 0) {
            size_t c = f - 1;
            int cnt = Lp[c + 1] - Lp[c], cnt1 = Lp[f + 1] - Lp[f];
            if (cnt != cnt1 + 1 || cnt < 2 || Li[Lp[c] + 1] != (int)f) break;
            if (last - c + 1 + s > cap) break;
            f = c;
        }
        size_t w = last - f + 1, N = w + s;
        if (N > cap) { /* a single very long column: should not happen below MN__SN_MAX */
            mn__free(ctx, Z);
            mn__free(ctx, loc);
            mn__free(ctx, B);
            mn__free(ctx, lj);
            mn__free(ctx, zj);
            return mn__error(ctx, MN_ERR_UNSUPPORTED, "selected inversion: column with %zu "
                             "entries exceeds the dense block limit %zu", N, cap);
        }
        /* local indices: supernode columns 0..w-1, rows below w..N-1 */
        const int *Srows = Li + Lp[last] + 1;
        for (size_t a = 0; a < w; a++) loc[f + a] = (int)a;
        for (size_t a = 0; a < s; a++) loc[Srows[a]] = (int)(w + a);
        /* gather Z[S, S] */
        for (size_t a = 0; a < s; a++) {
            int k = Srows[a];
            double *Bk = B + (w + a) * N;
            Bk[w + a] = Z[Lp[k]];
            for (int q = Lp[k] + 1; q < Lp[k + 1]; q++) {
                int r = Li[q], b = loc[r];
                if (b >= (int)w) {
                    Bk[b] = Z[q];
                    B[(size_t)b * N + w + a] = Z[q];
                }
            }
        }
        /* columns last, last-1, ..., f */
        for (size_t jj = w; jj-- > 0;) {
            size_t j = f + jj;
            int p0 = Lp[j];
            size_t m_ = (size_t)(Lp[j + 1] - p0 - 1); /* rows below: local jj+1 .. N-1 */
            const double *lx = Lx + p0 + 1;
            size_t base = jj + 1;
            for (size_t t = 0; t < m_; t++) lj[t] = lx[t];
            for (size_t t = 0; t < m_; t++) {
                const double *row = B + (base + t) * N + base;
                double acc = 0;
                for (size_t u = 0; u < m_; u++) acc += row[u] * lj[u];
                zj[t] = -acc;
            }
            double zjj = 1 / Lx[p0];
            for (size_t t = 0; t < m_; t++) zjj -= lj[t] * zj[t];
            Z[p0] = zjj;
            B[jj * N + jj] = zjj;
            for (size_t t = 0; t < m_; t++) {
                Z[p0 + 1 + (int)t] = zj[t];
                B[jj * N + base + t] = zj[t];
                B[(base + t) * N + jj] = zj[t];
            }
        }
        for (size_t a = 0; a < w; a++) loc[f + a] = -1;
        for (size_t a = 0; a < s; a++) loc[Srows[a]] = -1;
        l = f;
    }
    mn__free(ctx, loc);
    mn__free(ctx, B);
    mn__free(ctx, lj);
    mn__free(ctx, zj);
    *Zout = Z;
    return MN_OK;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* position of row r in the ordering perm (perm[k] = the row at position k) */
static size_t sk_pinv_of(const int *perm, size_t n, int r)
{
    for (size_t k = 0; k < n; k++)
        if (perm[k] == r) return k;
    return 0;
}

/* Factorisation for the leverage sketch: the unit grounded Laplacian of the circuit's ne edges
 * (ends ea, ec: reduced rows, -1 = the ground) as an upper-triangular pattern with the edges'
 * multiplicities, its AMD ordering (cholmod_amd on that pattern: AMD only, METIS is never
 * called), the permuted matrix built directly in the factor's order and its LDL' (ldl.c): no
 * transposes, copies or second ordering. *perm_out: perm[k] = the row at position k. */
static mn_status sketch_factor(mn_context *ctx, cholmod_common *cm, size_t nr, size_t ne,
                               const int *ea, const int *ec, int **perm_out, int **Lp,
                               int **Li, double **Lx)
{
    mn_status st = MN_OK;
    size_t na = nr ? nr : 1;
    int *Ap = mn__calloc_or_err(ctx, nr + 1, sizeof(int), "projector");
    int *Ai = mn__malloc_or_err(ctx, ne ? ne : 1, sizeof(int), "projector");
    int *Am = mn__malloc_or_err(ctx, ne ? ne : 1, sizeof(int), "projector");
    int *deg = mn__calloc_or_err(ctx, na, sizeof(int), "projector");
    int *perm = mn__malloc_or_err(ctx, na, sizeof(int), "projector");
    int *pinv = mn__malloc_or_err(ctx, na, sizeof(int), "projector");
    int *Cp = mn__calloc_or_err(ctx, nr + 1, sizeof(int), "projector");
    int *Ci = NULL;
    double *Cx = NULL;
    if (!Ap || !Ai || !Am || !deg || !perm || !pinv || !Cp) MN__FAIL(MN_ERR_NOMEM);
    /* upper triangle in the reduced numbering: column max(a, c), row min(a, c) */
    for (size_t e = 0; e < ne; e++) {
        int a = ea[e], c = ec[e];
        if (a >= 0) deg[a]++;
        if (c >= 0) deg[c]++;
        if (a >= 0 && c >= 0) Ap[(a > c ? a : c) + 1]++;
    }
    for (size_t j = 0; j < nr; j++) Ap[j + 1] += Ap[j];
    for (size_t j = 0; j < nr; j++) pinv[j] = Ap[j]; /* (fill pointers) */
    for (size_t e = 0; e < ne; e++) {
        int a = ea[e], c = ec[e];
        if (a >= 0 && c >= 0) Ai[pinv[a > c ? a : c]++] = a > c ? c : a;
    }
    /* sort each column, merge parallel edges (multiplicity in Am) */
    size_t w = 0;
    for (size_t j = 0; j < nr; j++) {
        int s0 = Ap[j], s1 = Ap[j + 1];
        if (s1 - s0 <= 32)
            for (int p = s0 + 1; p < s1; p++) {
                int v = Ai[p], q = p;
                for (; q > s0 && Ai[q - 1] > v; q--) Ai[q] = Ai[q - 1];
                Ai[q] = v;
            }
        else
            qsort(Ai + s0, (size_t)(s1 - s0), sizeof(int), cmp_int);
        Ap[j] = (int)w;
        for (int p = s0; p < s1; p++) {
            if (p > s0 && Ai[p] == Ai[p - 1]) {
                Am[w - 1]++;
                continue;
            }
            Ai[w] = Ai[p];
            Am[w++] = 1;
        }
    }
    Ap[nr] = (int)w;
    /* AMD on the pattern of A + A' */
    cholmod_sparse A;
    memset(&A, 0, sizeof A);
    A.nrow = A.ncol = nr;
    A.nzmax = w ? w : 1;
    A.p = Ap;
    A.i = Ai;
    A.stype = 1;
    A.itype = CHOLMOD_INT;
    A.xtype = CHOLMOD_PATTERN;
    A.dtype = CHOLMOD_DOUBLE;
    A.sorted = 1;
    A.packed = 1;
    if (nr > 0 && !cholmod_amd(&A, NULL, 0, perm, cm))
        MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "AMD ordering failed (CHOLMOD status %d)",
                           cm->status));
    for (size_t k = 0; k < nr; k++) pinv[perm[k]] = (int)k;
    /* P A P' (upper) directly: entry (i, j) goes to column max(pinv i, pinv j) */
    for (size_t j = 0; j < nr; j++) {
        int pj = pinv[j];
        Cp[pj + 1]++; /* the diagonal */
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int pi = pinv[Ai[p]];
            Cp[(pi > pj ? pi : pj) + 1]++;
        }
    }
    for (size_t j = 0; j < nr; j++) Cp[j + 1] += Cp[j];
    size_t cnz = (size_t)Cp[nr];
    Ci = mn__malloc_or_err(ctx, cnz ? cnz : 1, sizeof(int), "projector");
    Cx = mn__malloc_or_err(ctx, cnz ? cnz : 1, sizeof(double), "projector");
    if (!Ci || !Cx) MN__FAIL(MN_ERR_NOMEM);
    int *fill = mn__malloc_or_err(ctx, na, sizeof(int), "projector"); /* fill pointers */
    if (!fill) MN__FAIL(MN_ERR_NOMEM);
    memcpy(fill, Cp, nr * sizeof(int));
    for (size_t j = 0; j < nr; j++) {
        int pj = pinv[j];
        Ci[fill[pj]] = pj;
        Cx[fill[pj]++] = deg[j];
        for (int p = Ap[j]; p < Ap[j + 1]; p++) {
            int pi = pinv[Ai[p]], col = pi > pj ? pi : pj;
            Ci[fill[col]] = pi > pj ? pj : pi;
            Cx[fill[col]++] = -(double)Am[p];
        }
    }
    mn__free(ctx, fill);
    st = mn__mf_ldl(ctx, nr, Cp, Ci, Cx, Lp, Li, Lx);
    if (st) goto cleanup;
    *perm_out = perm;
    perm = NULL;
cleanup:
    mn__free(ctx, Ap);
    mn__free(ctx, Ai);
    mn__free(ctx, Am);
    mn__free(ctx, deg);
    mn__free(ctx, perm);
    mn__free(ctx, pinv);
    mn__free(ctx, Cp);
    mn__free(ctx, Ci);
    mn__free(ctx, Cx);
    return st;
}

/* Contracted node ids for a source/drain pair: 0 = every source node, 1 = every drain node,
 * then the other nodes in order (2, 3, ...). *cid (n values, allocated) and *nc are set on
 * success; errors name the bad node, prefixed by `who`. */
static mn_status contract_terminals(mn_context *ctx, const char *who, size_t n,
                                    const mn_index *source, size_t n_source,
                                    const mn_index *drain, size_t n_drain, int **cid_out,
                                    size_t *nc_out)
{
    mn_status st = MN_OK;
    int *cid = mn__malloc_or_err(ctx, n ? n : 1, sizeof(int), "terminal contraction");
    if (!cid) return MN_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) cid[i] = -1;
    for (size_t i = 0; i < n_source; i++) {
        if (source[i] < 0 || (size_t)source[i] >= n)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%ssource node %d out of range [0, %zu)", who,
                               (int)source[i], n));
        cid[source[i]] = 0;
    }
    for (size_t i = 0; i < n_drain; i++) {
        if (drain[i] < 0 || (size_t)drain[i] >= n)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%sdrain node %d out of range [0, %zu)", who,
                               (int)drain[i], n));
        if (cid[drain[i]] == 0)
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "%snode %d is in both source and drain", who,
                               (int)drain[i]));
        cid[drain[i]] = 1;
    }
    size_t nc = 2;
    for (size_t i = 0; i < n; i++)
        if (cid[i] < 0) cid[i] = (int)nc++;
    *cid_out = cid;
    *nc_out = nc;
    return MN_OK;
cleanup:
    mn__free(ctx, cid);
    return st;
}

mn_status mn_meanfield_projector_new(mn_meanfield_projector **out, mn_graph *g,
                                     const mn_index *source, size_t n_source,
                                     const mn_index *drain, size_t n_drain,
                                     mn_meanfield_diag_method method, double tol,
                                     uint64_t seed)
{
    if (out) *out = NULL;
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = mn_graph_context(g);
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "out is NULL");
    if (!source || !drain || n_source == 0 || n_drain == 0)
        return mn__error(ctx, MN_ERR_INVALID, "projector: source and drain sets must be non-empty");
    if ((int)method < (int)MN_MEANFIELD_DIAG_AUTO || (int)method > (int)MN_MEANFIELD_DIAG_SKETCH)
        return mn__error(ctx, MN_ERR_INVALID, "projector: unknown diag method %d", (int)method);
    if (method == MN_MEANFIELD_DIAG_RANDOM && !(tol > 0 && tol < 1))
        return mn__error(ctx, MN_ERR_RANGE, "projector: tolerance %g must be in (0, 1)", tol);
    if (method == MN_MEANFIELD_DIAG_SKETCH && !(tol > 0 && tol <= 1))
        return mn__error(ctx, MN_ERR_RANGE, "projector: sketch tolerance %g must be in (0, 1]",
                         tol);
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    mn_status st = MN_OK;
    mn_meanfield_projector *P = NULL;
    int *cid = NULL, *off = NULL, *adj = NULL, *ridx = NULL, *queue = NULL;
    double *b = NULL, *x = NULL, *Z = NULL, *dense = NULL, *sum = NULL, *sum2 = NULL;
    cholmod_triplet *T = NULL;
    int *sk_ea = NULL, *sk_ec = NULL, *sk_eid = NULL, *sk_perm = NULL, *sk_Lp = NULL, *sk_Li = NULL;
    double *sk_Lx = NULL;
    chol ch;
    memset(&ch, 0, sizeof ch);
    ch.ctx = ctx;

    size_t nc = 0;
    MN__TRY(contract_terminals(ctx, "projector: ", n, source, n_source, drain, n_drain, &cid, &nc));
    /* the component of the source: union-find over the contracted nodes (path halving) */
    off = mn__malloc_or_err(ctx, nc + 1, sizeof(int), "projector"); /* the parents */
    ridx = mn__malloc_or_err(ctx, nc, sizeof(int), "projector");
    if (!off || !ridx) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < nc; i++) off[i] = (int)i;
    for (size_t e = 0; e < m; e++) {
        int a = cid[eu[e]], c = cid[ev[e]];
        while (off[a] != a) a = off[a] = off[off[a]];
        while (off[c] != c) c = off[c] = off[off[c]];
        if (a != c) off[a > c ? a : c] = a > c ? c : a; /* the smaller id is the root */
    }
    size_t qt = 0;
    for (size_t i = 0; i < nc; i++) {
        int a = (int)i;
        while (off[a] != a) a = off[a] = off[off[a]];
        ridx[i] = a == 0 ? -1 : -2; /* root 0: the source's component */
        qt += a == 0;
    }
    if (ridx[1] == -2)
        MN__FAIL(mn__error(ctx, MN_ERR_SINGULAR, "projector: source and drain are not connected"));
    size_t ncomp = qt, nr = 0;
    for (size_t i = 0; i < nc; i++)
        if (ridx[i] == -1 && i != 1) ridx[i] = (int)nr++;
    /* ridx: reduced index, -1 for the ground (drain), -2 outside */
    ridx[1] = -1;

    P = mn__calloc_or_err(ctx, 1, sizeof *P, "projector");
    if (!P) MN__FAIL(MN_ERR_NOMEM);
    P->ctx = ctx;
    P->m = m;
    P->ovec = mn__calloc_or_err(ctx, m ? m : 1, sizeof(double), "projector");
    P->diag = mn__calloc_or_err(ctx, m ? m : 1, sizeof(double), "projector");
    P->derr = mn__calloc_or_err(ctx, m ? m : 1, sizeof(double), "projector");
    P->in = mn__calloc_or_err(ctx, m ? m : 1, 1, "projector");
    if (!P->ovec || !P->diag || !P->derr || !P->in) MN__FAIL(MN_ERR_NOMEM);
    size_t nin = 0;
    for (size_t e = 0; e < m; e++) {
        int a = cid[eu[e]], c = cid[ev[e]];
        if (a != c && ridx[a] != -2) {
            P->in[e] = 1;
            nin++;
        }
    }
    P->n_circuit = nin;
    P->outside = m - nin;

    cholmod_start(&ch.c);
    ch.started = 1;
    ch.c.print = 0;
    b = mn__calloc_or_err(ctx, nr ? nr : 1, sizeof(double), "projector");
    x = mn__calloc_or_err(ctx, nr ? nr : 1, sizeof(double), "projector");
    if (!b || !x) MN__FAIL(MN_ERR_NOMEM);
    if (method == MN_MEANFIELD_DIAG_SKETCH) {
        /* the circuit's edges, then AMD and the own LDL' (no CHOLMOD factor: sketch_factor) */
        sk_ea = mn__malloc_or_err(ctx, nin ? nin : 1, sizeof(int), "projector");
        sk_ec = mn__malloc_or_err(ctx, nin ? nin : 1, sizeof(int), "projector");
        sk_eid = mn__malloc_or_err(ctx, nin ? nin : 1, sizeof(int), "projector");
        if (!sk_ea || !sk_ec || !sk_eid) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0, k = 0; e < m; e++) {
            if (!P->in[e]) continue;
            sk_ea[k] = ridx[cid[eu[e]]];
            sk_ec[k] = ridx[cid[ev[e]]];
            sk_eid[k++] = (int)e;
        }
        MN__TRY(sketch_factor(ctx, &ch.c, nr, nin, sk_ea, sk_ec, &sk_perm, &sk_Lp, &sk_Li, &sk_Lx));
        b[sk_pinv_of(sk_perm, nr, ridx[0])] = 1;
        mn__mf_ldl_solve(nr, sk_Lp, sk_Li, sk_Lx, b);
        for (size_t k = 0; k < nr; k++) x[sk_perm[k]] = b[k];
        goto solved;
    }
    /* reduced Laplacian (lower triangle), unit weights */
    T = cholmod_allocate_triplet(nr, nr, nr + nin, -1, CHOLMOD_REAL, &ch.c);
    if (!T) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "CHOLMOD: out of memory (%zu edges)", nin));
    {
        int *Ti = T->i, *Tj = T->j;
        double *Tx = T->x;
        size_t k = 0;
        double *deg = mn__calloc_or_err(ctx, nr ? nr : 1, sizeof(double), "projector");
        if (!deg) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
            if (a >= 0) deg[a] += 1;
            if (c >= 0) deg[c] += 1;
            if (a >= 0 && c >= 0) {
                Ti[k] = a > c ? a : c;
                Tj[k] = a > c ? c : a;
                Tx[k] = -1;
                k++;
            }
        }
        for (size_t i = 0; i < nr; i++) {
            Ti[k] = Tj[k] = (int)i;
            Tx[k] = deg[i];
            k++;
        }
        T->nnz = k;
        mn__free(ctx, deg);
    }
    ch.A = cholmod_triplet_to_sparse(T, 0, &ch.c);
    cholmod_free_triplet(&T, &ch.c);
    if (!ch.A) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "CHOLMOD: cannot build the Laplacian"));
    MN__TRY(chol_analyse_factorise(&ch));
    if (!ch.L) MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "CHOLMOD analyse failed (status %d)",
                                  ch.c.status));
    if (!ch.fok)
        MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "CHOLMOD factorisation failed (status %d, minor %d)",
                           ch.c.status, (int)ch.L->minor));

    /* one solve: unit current from the source to the grounded drain */
    b[ridx[0]] = 1;
    MN__TRY(chol_solve(&ch, b, x, nr));
solved:;
    double R = x[ridx[0]];
    P->R = R;
    P->omega_n1 = R / (1 + R);
#define POT(node) (ridx[cid[node]] >= 0 ? x[ridx[cid[node]]] : 0.0)
    double osum = 0;
    for (size_t e = 0; e < m; e++) {
        if (!P->in[e]) continue;
        P->ovec[e] = (POT(eu[e]) - POT(ev[e])) / (1 + R);
        osum += fabs(P->ovec[e]);
    }
#undef POT
    P->omega_mean = nin ? osum / (double)nin : 0;
    /* rank(B~) = (nodes of the component) - 1 */
    P->trace = (double)(ncomp - 1) - P->omega_n1;
    P->trace2 = P->trace - P->omega_n1 * (1 - P->omega_n1);

    if (method == MN_MEANFIELD_DIAG_AUTO) method = nr <= 1000 ? MN_MEANFIELD_DIAG_DENSE
                                                              : MN_MEANFIELD_DIAG_SELINV;
    if (method == MN_MEANFIELD_DIAG_DENSE) {
        if (nr > 20000)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "projector: dense diag(Omega) for %zu nodes is too "
                               "large (use selected inversion)", nr));
        dense = mn__calloc_or_err(ctx, nr ? nr * nr : 1, sizeof(double), "dense inverse");
        if (!dense) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
            if (a >= 0) dense[(size_t)a * nr + a] += 1;
            if (c >= 0) dense[(size_t)c * nr + c] += 1;
            if (a >= 0 && c >= 0) {
                dense[(size_t)a * nr + c] -= 1;
                dense[(size_t)c * nr + a] -= 1;
            }
        }
        if (dense_spd_inverse(dense, nr))
            MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "projector: dense Cholesky failed"));
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
            double Re = (a >= 0 ? dense[(size_t)a * nr + a] : 0) +
                        (c >= 0 ? dense[(size_t)c * nr + c] : 0) -
                        (a >= 0 && c >= 0 ? 2 * dense[(size_t)a * nr + c] : 0);
            P->diag[e] = Re - P->ovec[e] * P->ovec[e] * (1 + R);
        }
    } else if (method == MN_MEANFIELD_DIAG_SELINV) {
        MN__TRY(selinv(&ch, &Z));
        cholmod_factor *L = ch.L;
        const int *Lp = L->p, *Li = L->i, *Perm = L->Perm;
        /* position of each reduced node in the factor's ordering */
        int *pinv = mn__malloc_or_err(ctx, nr ? nr : 1, sizeof(int), "projector");
        int *pos = mn__malloc_or_err(ctx, nr ? nr : 1, sizeof(int), "projector");
        int *ecount = mn__calloc_or_err(ctx, nr + 1, sizeof(int), "projector");
        int *elist = mn__malloc_or_err(ctx, nin ? nin : 1, sizeof(int), "projector");
        if (!pinv || !pos || !ecount || !elist) {
            mn__free(ctx, pinv);
            mn__free(ctx, pos);
            mn__free(ctx, ecount);
            mn__free(ctx, elist);
            MN__FAIL(MN_ERR_NOMEM);
        }
        for (size_t k = 0; k < nr; k++) pinv[Perm ? Perm[k] : (int)k] = (int)k;
        /* bucket the edges with two free ends by the earlier of their factor columns */
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
            double Re;
            if (a < 0 || c < 0) { /* one end grounded: R = Z_kk */
                int k = pinv[a >= 0 ? a : c];
                Re = Z[Lp[k]];
                P->diag[e] = Re - P->ovec[e] * P->ovec[e] * (1 + R);
                continue;
            }
            int pa = pinv[a], pc = pinv[c];
            ecount[(pa < pc ? pa : pc) + 1]++;
        }
        for (size_t k = 0; k < nr; k++) ecount[k + 1] += ecount[k];
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
            if (a < 0 || c < 0) continue;
            int pa = pinv[a], pc = pinv[c], k = pa < pc ? pa : pc;
            elist[ecount[k]++] = (int)e;
        }
        for (size_t k = nr; k > 0; k--) ecount[k] = ecount[k - 1];
        ecount[0] = 0;
        for (size_t i = 0; i < nr; i++) pos[i] = -1;
        for (size_t k = 0; k < nr; k++) {
            if (ecount[k] == ecount[k + 1]) continue;
            for (int q = Lp[k]; q < Lp[k + 1]; q++) pos[Li[q]] = q;
            for (int t = ecount[k]; t < ecount[k + 1]; t++) {
                size_t e = (size_t)elist[t];
                int pa = pinv[ridx[cid[eu[e]]]], pc = pinv[ridx[cid[ev[e]]]];
                int other = pa == (int)k ? pc : pa;
                int q = pos[other];
                double zab = q >= Lp[k] && q < Lp[k + 1] && Li[q] == other ? Z[q] : NAN;
                double Re = Z[Lp[k]] + Z[Lp[other]] - 2 * zab;
                P->diag[e] = Re - P->ovec[e] * P->ovec[e] * (1 + R);
            }
            for (int q = Lp[k]; q < Lp[k + 1]; q++) pos[Li[q]] = -1;
        }
        mn__free(ctx, pinv);
        mn__free(ctx, pos);
        mn__free(ctx, ecount);
        mn__free(ctx, elist);
    } else if (method == MN_MEANFIELD_DIAG_SKETCH) {
        /* exact for the edges of largest |Omega->_i|, random projections for the rest (sketch.c) */
        double pr = ceil(2 / (tol * tol));
        size_t probes = pr > 4096 ? 4096 : (size_t)pr;
        probes = (probes + MN__BATCHES - 1) / MN__BATCHES * MN__BATCHES;
        double *key = mn__malloc_or_err(ctx, nin ? nin : 1, sizeof(double), "projector");
        size_t n_exact = 0;
        if (key) {
            for (size_t k = 0; k < nin; k++) key[k] = fabs(P->ovec[sk_eid[k]]);
            st = mn__mf_sketch_leverage(ctx, nr, sk_Lp, sk_Li, sk_Lx, sk_perm, nin, sk_ea, sk_ec,
                                        sk_eid, key, probes, seed, P->diag, P->derr, &n_exact);
            for (size_t e = 0; st == MN_OK && e < m; e++)
                if (P->in[e]) P->diag[e] -= P->ovec[e] * P->ovec[e] * (1 + R);
        } else
            st = MN_ERR_NOMEM;
        mn__free(ctx, key);
        if (st) goto cleanup;
        P->probes = probes;
        P->sketch = 1;
    } else { /* randomised: Spielman-Srivastava random projections, batch means for errors */
        P->batch = mn__calloc_or_err(ctx, (size_t)MN__BATCHES * (m ? m : 1), sizeof(double),
                                     "projector batches");
        sum = mn__calloc_or_err(ctx, m ? m : 1, sizeof(double), "projector");
        sum2 = mn__calloc_or_err(ctx, m ? m : 1, sizeof(double), "projector");
        if (!P->batch || !sum || !sum2) MN__FAIL(MN_ERR_NOMEM);
        mn__rng_state rs;
        mn__rng_seed(&rs, seed, 0x6d66 /* "mf" */);
        /* fixed test state for the stopping rule */
        size_t k = 0, kmax = 4096;
        double texact = 0; /* sum of R_e over the circuit = nr (Foster) */
        texact = (double)nr;
        for (;;) {
            /* one probe per batch, solved together (one multi-column CHOLMOD solve) */
            cholmod_dense *Bm = cholmod_zeros(nr, MN__BATCHES, CHOLMOD_REAL, &ch.c);
            if (!Bm) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "CHOLMOD: out of memory (probes)"));
            double *bx = Bm->x;
            for (size_t e = 0; e < m; e++) {
                if (!P->in[e]) continue;
                int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
                uint64_t bits = mn__rng_u64(&rs);
                for (int bt = 0; bt < MN__BATCHES; bt++) {
                    double q = ((bits >> bt) & 1) ? 1.0 : -1.0;
                    if (a >= 0) bx[(size_t)bt * nr + a] += q;
                    if (c >= 0) bx[(size_t)bt * nr + c] -= q;
                }
            }
            cholmod_dense *Xm = cholmod_solve(CHOLMOD_A, ch.L, Bm, &ch.c);
            cholmod_free_dense(&Bm, &ch.c);
            if (!Xm) MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "CHOLMOD solve failed (status %d)",
                                        ch.c.status));
            const double *xx = Xm->x;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                double *bb = P->batch + (size_t)bt * m;
                const double *xb = xx + (size_t)bt * nr;
                for (size_t e = 0; e < m; e++) {
                    if (!P->in[e]) continue;
                    int a = ridx[cid[eu[e]]], c = ridx[cid[ev[e]]];
                    double z = (a >= 0 ? xb[a] : 0) - (c >= 0 ? xb[c] : 0);
                    bb[e] += z * z;
                }
            }
            cholmod_free_dense(&Xm, &ch.c);
            k += MN__BATCHES;
            /* stopping rule: relative standard error (between batches) of two weighted sums:
             * the total and a pseudo-random test state in [0, 1] */
            double tot[MN__BATCHES], tst[MN__BATCHES], mt = 0, ms = 0;
            size_t kb = k / MN__BATCHES;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                double s1 = 0, s2 = 0;
                const double *bb = P->batch + (size_t)bt * m;
                for (size_t e = 0; e < m; e++) {
                    if (!P->in[e]) continue;
                    double r = bb[e] / (double)kb;
                    double h = (double)((e * 2654435761u) % 1000) / 999.0;
                    s1 += r;
                    s2 += r * h;
                }
                tot[bt] = s1;
                tst[bt] = s2;
                mt += s1 / MN__BATCHES;
                ms += s2 / MN__BATCHES;
            }
            double vt = 0, vs = 0;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                vt += (tot[bt] - mt) * (tot[bt] - mt);
                vs += (tst[bt] - ms) * (tst[bt] - ms);
            }
            double set_ = sqrt(vt / (MN__BATCHES - 1) / MN__BATCHES) / fabs(mt);
            double ses = sqrt(vs / (MN__BATCHES - 1) / MN__BATCHES) / fabs(ms);
            if ((set_ <= tol && ses <= tol && k >= 32) || k >= kmax) break;
        }
        P->probes = k;
        size_t kb = k / MN__BATCHES;
        /* per-edge estimate, rescaled so that sum_e R_e = nr exactly (Foster's theorem) */
        double tot = 0;
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            double s = 0, s2 = 0;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                double r = P->batch[(size_t)bt * m + e] / (double)kb;
                s += r;
                s2 += r * r;
            }
            sum[e] = s / MN__BATCHES;
            double var = (s2 / MN__BATCHES - sum[e] * sum[e]) * MN__BATCHES / (MN__BATCHES - 1);
            sum2[e] = sqrt(var > 0 ? var / MN__BATCHES : 0);
            tot += sum[e];
        }
        double scale = tot > 0 ? texact / tot : 1;
        for (size_t e = 0; e < m; e++) {
            if (!P->in[e]) continue;
            double o2 = P->ovec[e] * P->ovec[e] * (1 + R);
            P->diag[e] = sum[e] * scale - o2;
            P->derr[e] = sum2[e] * scale;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                double *bb = P->batch + (size_t)bt * m;
                bb[e] = bb[e] / (double)kb * scale - o2; /* batch estimate of Omega_ii */
            }
        }
    }
    *out = P;
    P = NULL;
cleanup:
    if (T) cholmod_free_triplet(&T, &ch.c);
    chol_free(&ch);
    mn_meanfield_projector_free(P);
    mn__free(ctx, cid);
    mn__free(ctx, off);
    mn__free(ctx, adj);
    mn__free(ctx, ridx);
    mn__free(ctx, queue);
    mn__free(ctx, b);
    mn__free(ctx, x);
    mn__free(ctx, Z);
    mn__free(ctx, dense);
    mn__free(ctx, sum);
    mn__free(ctx, sum2);
    mn__free(ctx, sk_ea);
    mn__free(ctx, sk_ec);
    mn__free(ctx, sk_eid);
    mn__free(ctx, sk_perm);
    mn__free(ctx, sk_Lp);
    mn__free(ctx, sk_Li);
    mn__free(ctx, sk_Lx);
    return st;
}

static double gmean_with(const mn_meanfield_projector *p, const double *d, const double *g)
{
    double num = 0, den = 0;
    for (size_t e = 0; e < p->m; e++) {
        if (!p->in[e]) continue;
        double w = d[e] - p->ovec[e] * p->ovec[e]; /* (Omega~^2)_ii */
        num += w * g[e];
        den += w;
    }
    return num / den;
}

mn_status mn_meanfield_projector_g_mean(const mn_meanfield_projector *p, const double *g,
                                        double *g_mean, double *g_err)
{
    if (!p || !g_mean) return MN_ERR_INVALID;
    if (!g) return mn__error(p->ctx, MN_ERR_INVALID, "g_mean: state array is NULL");
    for (size_t e = 0; e < p->m; e++)
        if (!isfinite(g[e]))
            return mn__error(p->ctx, MN_ERR_RANGE, "g_mean: state g[%zu] = %g is not finite", e, g[e]);
    if (p->n_circuit == 0)
        return mn__error(p->ctx, MN_ERR_STATE, "g_mean: the circuit has no edges");
    /* 000 eq. (25); the denominator uses the exact Tr(Omega~^2) for the exact methods */
    double num = 0;
    for (size_t e = 0; e < p->m; e++)
        if (p->in[e]) num += (p->diag[e] - p->ovec[e] * p->ovec[e]) * g[e];
    *g_mean = p->batch ? gmean_with(p, p->diag, g) : num / p->trace2;
    if (g_err) {
        *g_err = 0;
        if (p->sketch) { /* sketch: independent edge errors (an approximation) */
            double var = 0;
            for (size_t e = 0; e < p->m; e++)
                if (p->in[e]) var += pow((g[e] - *g_mean) * p->derr[e], 2);
            *g_err = sqrt(var) / p->trace2;
        } else if (p->batch) {
            double v[MN__BATCHES], mu = 0, var = 0;
            for (int bt = 0; bt < MN__BATCHES; bt++) {
                v[bt] = gmean_with(p, p->batch + (size_t)bt * p->m, g);
                mu += v[bt] / MN__BATCHES;
            }
            for (int bt = 0; bt < MN__BATCHES; bt++) var += (v[bt] - mu) * (v[bt] - mu);
            *g_err = sqrt(var / (MN__BATCHES - 1) / MN__BATCHES);
        }
    }
    return MN_OK;
}

mn_status mn_meanfield_projector_g_eff(const mn_meanfield_projector *p, const double *g,
                                       double G_min, double chi, double *G_eff)
{
    if (!p || !G_eff) return MN_ERR_INVALID;
    if (!(G_min > 0 && isfinite(G_min)) || !isfinite(chi))
        return mn__error(p->ctx, MN_ERR_RANGE, "G_eff: G_min = %g must be > 0 and chi = %g finite",
                         G_min, chi);
    double gm;
    mn_status st = mn_meanfield_projector_g_mean(p, g, &gm, NULL);
    if (st) return st;
    /* 000 eq. (26) */
    *G_eff = (1 - p->omega_n1) / p->omega_n1 * G_min * (1 + chi * gm);
    return MN_OK;
}

mn_status mn_meanfield_effective_conductance(mn_graph *g, const mn_index *source, size_t n_source,
                                             const mn_index *drain, size_t n_drain, const double *G,
                                             double *G_eff)
{
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = mn_graph_context(g);
    if (!G_eff || !G || !source || !drain || !n_source || !n_drain)
        return mn__error(ctx, MN_ERR_INVALID, "effective conductance: NULL or empty argument");
    size_t n = mn_graph_node_count(g), m = mn_graph_edge_count(g);
    const mn_index *eu = mn_graph_edge_u(g), *ev = mn_graph_edge_v(g);
    for (size_t e = 0; e < m; e++)
        if (!(isfinite(G[e]) && G[e] >= 0))
            return mn__error(ctx, MN_ERR_RANGE, "effective conductance: G[%zu] = %g must be finite "
                             "and >= 0", e, G[e]);
    mn_status st = MN_OK;
    int *cid = NULL, *off = NULL, *adj = NULL, *ridx = NULL, *queue = NULL;
    double *b = NULL, *x = NULL;
    cholmod_triplet *T = NULL;
    chol ch;
    memset(&ch, 0, sizeof ch);
    ch.ctx = ctx;
    size_t nc = 0;
    MN__TRY(contract_terminals(ctx, "", n, source, n_source, drain, n_drain, &cid, &nc));
    /* nodes joined to the drain through positive conductances */
    off = mn__calloc_or_err(ctx, nc + 1, sizeof(int), "effective conductance");
    adj = mn__malloc_or_err(ctx, 2 * m + 1, sizeof(int), "effective conductance");
    queue = mn__malloc_or_err(ctx, nc, sizeof(int), "effective conductance");
    ridx = mn__malloc_or_err(ctx, nc, sizeof(int), "effective conductance");
    if (!off || !adj || !queue || !ridx) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < m; e++) {
        int a = cid[eu[e]], c = cid[ev[e]];
        if (a == c || G[e] == 0) continue;
        off[a + 1]++;
        off[c + 1]++;
    }
    for (size_t i = 0; i < nc; i++) off[i + 1] += off[i];
    for (size_t i = 0; i < nc; i++) queue[i] = off[i];
    for (size_t e = 0; e < m; e++) {
        int a = cid[eu[e]], c = cid[ev[e]];
        if (a == c || G[e] == 0) continue;
        adj[queue[a]++] = c;
        adj[queue[c]++] = a;
    }
    for (size_t i = 0; i < nc; i++) ridx[i] = -2;
    size_t qh = 0, qt = 0;
    queue[qt++] = 1;
    ridx[1] = -1;
    while (qh < qt) {
        int a = queue[qh++];
        for (int p = off[a]; p < off[a + 1]; p++)
            if (ridx[adj[p]] == -2) {
                ridx[adj[p]] = -1;
                queue[qt++] = adj[p];
            }
    }
    if (ridx[0] == -2) { /* no conducting path */
        *G_eff = 0;
        goto cleanup;
    }
    size_t nr = 0;
    for (size_t i = 0; i < nc; i++)
        if (ridx[i] == -1 && i != 1) ridx[i] = (int)nr++;
    cholmod_start(&ch.c);
    ch.started = 1;
    ch.c.print = 0;
    T = cholmod_allocate_triplet(nr, nr, nr + m, -1, CHOLMOD_REAL, &ch.c);
    if (!T) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "CHOLMOD: out of memory"));
    {
        int *Ti = T->i, *Tj = T->j;
        double *Tx = T->x;
        size_t k = 0;
        for (size_t i = 0; i < nr; i++) {
            Ti[k] = Tj[k] = (int)i;
            Tx[k++] = 0;
        }
        for (size_t e = 0; e < m; e++) {
            int a0 = cid[eu[e]], c0 = cid[ev[e]];
            if (a0 == c0 || G[e] == 0 || ridx[a0] == -2) continue;
            int a = ridx[a0], c = ridx[c0];
            if (a >= 0) Tx[a] += G[e];
            if (c >= 0) Tx[c] += G[e];
            if (a >= 0 && c >= 0) {
                Ti[k] = a > c ? a : c;
                Tj[k] = a > c ? c : a;
                Tx[k++] = -G[e];
            }
        }
        T->nnz = k;
    }
    ch.A = cholmod_triplet_to_sparse(T, 0, &ch.c);
    cholmod_free_triplet(&T, &ch.c);
    if (!ch.A) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "CHOLMOD: cannot build the Laplacian"));
    MN__TRY(chol_analyse_factorise(&ch));
    if (!ch.fok)
        MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "CHOLMOD factorisation failed (status %d)",
                           ch.c.status));
    b = mn__calloc_or_err(ctx, nr, sizeof(double), "effective conductance");
    x = mn__calloc_or_err(ctx, nr, sizeof(double), "effective conductance");
    if (!b || !x) MN__FAIL(MN_ERR_NOMEM);
    b[ridx[0]] = 1;
    MN__TRY(chol_solve(&ch, b, x, nr));
    *G_eff = 1 / x[ridx[0]];
cleanup:
    if (T) cholmod_free_triplet(&T, &ch.c);
    chol_free(&ch);
    mn__free(ctx, cid);
    mn__free(ctx, off);
    mn__free(ctx, adj);
    mn__free(ctx, ridx);
    mn__free(ctx, queue);
    mn__free(ctx, b);
    mn__free(ctx, x);
    return st;
}

mn_status mn_meanfield_model_renormalise_projector(mn_meanfield_model *m,
                                                   const mn_meanfield_projector *p, double G_source)
{
    if (!m) return MN_ERR_INVALID;
    if (!p) return mn__error(m->ctx, MN_ERR_INVALID, "renormalise: projector is NULL");
    return mn_meanfield_model_renormalise(m, p->omega_n1, p->omega_mean, G_source);
}
