/* Kirchhoff solver: structure (node roles, matrix pattern, electrode incidence) and the
 * symbolic analysis with the fill-reducing ordering. */
#include "kirchhoff-impl.h"
#include "ordering.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int find_in(const int *Ai, int lo, int hi, int r)
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (Ai[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Edge -> matrix maps for the refill (assemble.c): the off-diagonal entry of each edge between
 * two rows, the diagonals of its row ends and the row grounded through it. The pattern in k->A
 * has sorted columns (lower: column = smaller row; upper: column = larger row). */
static void edge_maps(mn_kirchhoff *k, int lower)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const int *Ap = k->A->p, *Ai = k->A->i, *dpos = k->dpos;
    int nf = (int)k->nf;
    for (size_t e = 0; e < k->m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        k->eda[e] = ru >= 0 && ru != rv ? dpos[ru] : -1;
        k->edb[e] = rv >= 0 && ru != rv ? dpos[rv] : -1;
        k->egr[e] = ru == rv ? -1 : ru >= 0 && rv < 0 ? ru : rv >= 0 && ru < 0 ? rv : -1;
        if (ru < 0 || rv < 0 || ru == rv) {
            k->emap[e] = -1;
            continue;
        }
        int hi = ru > rv ? ru : rv, lo = ru > rv ? rv : ru;
        /* the off-diagonal part of the column from the diagonals (just read above, so no
         * look-up of Ap for the start): lower, column lo holds its diagonal first and rows
         * > lo up to the next column's diagonal; upper, column hi holds rows < hi after the
         * previous column's diagonal and its own diagonal last */
        int s = lower ? dpos[lo] + 1 : (hi > 0 ? dpos[hi - 1] + 1 : 0);
        int t = lower ? (lo + 1 < nf ? dpos[lo + 1] : Ap[nf]) : dpos[hi];
        int r = lower ? hi : lo;
        if (t - s <= 16) { /* a node's few neighbours: the entry is there, scan to it */
            while (Ai[s] != r) s++;
            k->emap[e] = s;
        } else {
            k->emap[e] = find_in(Ai, s, t, r);
        }
    }
}

/* Pattern of the grounded Laplacian on the rows (every edge between two different rows, also
 * of zero conductance: the analysis depends on the topology only) with the maps the refill
 * needs (diagonal positions, edge -> entry). lower: store the lower triangle (stype -1), else
 * the upper (stype 1). Values are zeroed. */
static mn_status build_pattern(mn_kirchhoff *k, int lower)
{
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    size_t nf = k->nf, m = k->m, nfa = nf ? nf : 1;
    cholmod_free_sparse(&k->A, &k->cm);
    int *cnt = mn__calloc_or_err(ctx, nf + 1, sizeof *cnt, "workspace");
    if (!cnt) return MN_ERR_NOMEM;
    size_t nz = nf;
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        cnt[(ru > rv) != lower ? ru : rv]++;
        nz++;
    }
    if (nz > (size_t)INT_MAX) {
        mn__free(ctx, cnt);
        return mn__error(ctx, MN_ERR_RANGE, "matrix too large");
    }
    k->A = cholmod_allocate_sparse(nfa, nfa, nz ? nz : 1, 1, 1, lower ? -1 : 1, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->A) {
        mn__free(ctx, cnt);
        return mn__kh_chol_err(k, "allocate");
    }
    int *Ap = k->A->p, *Ai = k->A->i;
    Ap[0] = 0;
    for (size_t j = 0; j < nf; j++) Ap[j + 1] = Ap[j] + cnt[j] + 1;
    for (size_t j = 0; j < nf; j++) cnt[j] = Ap[j];
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        int hi = ru > rv ? ru : rv, lo = ru > rv ? rv : ru;
        if (lower)
            Ai[cnt[lo]++] = hi;
        else
            Ai[cnt[hi]++] = lo;
    }
    for (size_t j = 0; j < nf; j++) Ai[cnt[j]++] = (int)j;
    /* sort and deduplicate each column, compacting in place */
    int w = 0;
    for (size_t j = 0; j < nf; j++) {
        int s = Ap[j], t = Ap[j + 1];
        if (t - s <= 32) { /* columns hold a node's few neighbours: insertion sort */
            for (int p = s + 1; p < t; p++) {
                int x = Ai[p], q = p;
                for (; q > s && Ai[q - 1] > x; q--) Ai[q] = Ai[q - 1];
                Ai[q] = x;
            }
        } else {
            qsort(Ai + s, (size_t)(t - s), sizeof(int), cmp_int);
        }
        int start = w;
        for (int p = s; p < t; p++)
            if (p == s || Ai[p] != Ai[p - 1]) Ai[w++] = Ai[p];
        Ap[j] = start;
        /* the diagonal is the first row of a lower column, the last of an upper one */
        k->dpos[j] = lower ? start : w - 1;
    }
    Ap[nf] = w;
    mn__free(ctx, cnt);
    double *Ax = k->A->x;
    for (int p = 0; p < w; p++) Ax[p] = 0.0;
    edge_maps(k, lower);
    return MN_OK;
}

/* ------------------------------------------------------------------ the AMD analysis */

/* The adjacency of the rows (both triangles, no diagonal, each neighbour once), built from the
 * edge list in two passes and compacted by a marker, in the present row numbering. With
 * amd_room, Si has room for AMD's copy of the graph (mn__kh_amd_iwlen entries), which
 * local_order hands on (only for AMD: the memnet program populates large blocks when they are
 * allocated, tools/cli-populate.c, and METIS would never use the room). Fails with MN_ERR_RANGE
 * (the caller then takes CHOLMOD's own path) if it would not fit int indices. */
static mn_status row_graph(mn_kirchhoff *k, int amd_room, int **Sp_out, int **Si_out)
{
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const int *role = k->role;
    size_t nf = k->nf, m = k->m, nz = 0;
    int *Sp = NULL, *Si = NULL, *mark = NULL;
    *Sp_out = *Si_out = NULL;
    Sp = mn__calloc_or_err(ctx, nf + 1, sizeof *Sp, "row graph");
    if (!Sp) return MN_ERR_NOMEM;
    for (size_t e = 0; e < m; e++) {
        int ru = role[eu[e]], rv = role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        Sp[ru + 1]++;
        Sp[rv + 1]++;
        nz += 2;
    }
    /* AMD works in place with about 20% elbow room beyond the entries (cholmod_amd) */
    if (nz + nz / 5 + 2 * nf + 16 > (size_t)INT_MAX) {
        mn__free(ctx, Sp);
        return MN_ERR_RANGE;
    }
    for (size_t j = 0; j < nf; j++) Sp[j + 1] += Sp[j];
    Si = mn__malloc_or_err(ctx, (amd_room ? mn__kh_amd_iwlen(nf, nz) : nz) + 1, sizeof *Si,
                           "row graph");
    mark = mn__malloc_or_err(ctx, nf ? nf : 1, sizeof *mark, "row graph");
    if (!Si || !mark) {
        mn__free(ctx, Sp);
        mn__free(ctx, Si);
        mn__free(ctx, mark);
        return MN_ERR_NOMEM;
    }
    /* fill with Sp[j] as the running end of row j (Sp shifted by one row afterwards) */
    for (size_t e = 0; e < m; e++) {
        int ru = role[eu[e]], rv = role[ev[e]];
        if (ru < 0 || rv < 0 || ru == rv) continue;
        Si[Sp[ru]++] = rv;
        Si[Sp[rv]++] = ru;
    }
    /* now Sp[j] is the end of row j, i.e. the start of row j + 1: compact each row (parallel
     * edges give repeated neighbours) in place, front to back */
    for (size_t j = 0; j < nf; j++) mark[j] = -1;
    int w = 0, start = 0;
    for (size_t j = 0; j < nf; j++) {
        int end = Sp[j];
        Sp[j] = w;
        for (int p = start; p < end; p++) {
            int i = Si[p];
            if (mark[i] == (int)j) continue;
            mark[i] = (int)j;
            Si[w++] = i;
        }
        start = end;
    }
    Sp[nf] = w;
    mn__free(ctx, mark);
    *Sp_out = Sp;
    *Si_out = Si;
    return MN_OK;
}

/* Renumber the rows in breadth-first order of the row graph (and the graph with them). Node
 * ids usually carry no locality (a stick network numbers its sticks in random places), so the
 * graph traversals of the analysis (AMD's quotient graph, the matrix build) jumped through
 * memory; in breadth-first order neighbours have close numbers. On a 1.5e5-row stick network
 * AMD took about 25% less time after it, more than the renumbering costs. */
static mn_status local_order(mn_kirchhoff *k, int **Sp_io, int **Si_io, int **spare)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf, n = k->n;
    const int *Sp = *Sp_io, *Si = *Si_io;
    int *lab = mn__malloc_or_err(ctx, nf, sizeof *lab, "row order");
    int *que = mn__malloc_or_err(ctx, nf, sizeof *que, "row order");
    int *Tp = mn__malloc_or_err(ctx, nf + 1, sizeof *Tp, "row graph");
    int *Ti = mn__malloc_or_err(ctx, Sp[nf] ? (size_t)Sp[nf] : 1, sizeof *Ti, "row graph");
    if (!lab || !que || !Tp || !Ti) {
        mn__free(ctx, lab);
        mn__free(ctx, que);
        mn__free(ctx, Tp);
        mn__free(ctx, Ti);
        return MN_ERR_NOMEM;
    }
    for (size_t i = 0; i < nf; i++) lab[i] = -1;
    /* rows leave the queue in the order of their new labels, and when a row leaves it every
     * neighbour has a label (the scan just gave one to those without): its row of the
     * renumbered graph is written then, while its entries and their labels are in cache */
    int tail = 0, w = 0;
    Tp[0] = 0;
    for (size_t s = 0; s < nf; s++) {
        if (lab[s] >= 0) continue;
        int head = tail;
        lab[s] = tail;
        que[tail++] = (int)s;
        while (head < tail) {
            int o = que[head++];
            for (int p = Sp[o]; p < Sp[o + 1]; p++)
                if (lab[Si[p]] < 0) {
                    lab[Si[p]] = tail;
                    que[tail++] = Si[p];
                }
            for (int p = Sp[o]; p < Sp[o + 1]; p++) Ti[w++] = lab[Si[p]];
            Tp[head] = w;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->role[i] = lab[k->role[i]];
    mn__free(ctx, lab);
    mn__free(ctx, que);
    mn__free(ctx, *Sp_io);
    *spare = *Si_io; /* the old entries' pages, already touched: AMD's copy goes there */
    *Sp_io = Tp;
    *Si_io = Ti;
    return MN_OK;
}

/* k->A from the row graph (Sp, Si in the numbering before the permutation) in the numbering
 * row -> ipos[row], perm its inverse: rows are visited in the new order, so every column
 * receives its rows in increasing order and needs no sorting. lower: the lower triangle with
 * the diagonal first in each column (supernodal); else the upper one, diagonal last. */
static mn_status permuted_pattern(mn_kirchhoff *k, const int *Sp, const int *Si, const int *perm,
                                  const int *ipos, int lower)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf;
    cholmod_free_sparse(&k->A, &k->cm);
    size_t nz = nf + (size_t)Sp[nf] / 2;
    k->A = cholmod_allocate_sparse(nf, nf, nz ? nz : 1, 1, 1, lower ? -1 : 1, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->A) return mn__kh_chol_err(k, "allocate");
    int *Ap = k->A->p, *Ai = k->A->i;
    int *next = mn__malloc_or_err(ctx, nf ? nf : 1, sizeof *next, "workspace");
    if (!next) return MN_ERR_NOMEM;
    /* column counts: the diagonal and the neighbours on the stored side */
    for (size_t j = 0; j <= nf; j++) Ap[j] = 0;
    for (size_t i = 0; i < nf; i++) {
        int o = perm[i];
        for (int p = Sp[o]; p < Sp[o + 1]; p++) {
            int j = ipos[Si[p]];
            if (lower ? j < (int)i : j > (int)i) Ap[j + 1]++;
        }
    }
    for (size_t j = 0; j < nf; j++) Ap[j + 1] += Ap[j] + 1;
    for (size_t j = 0; j < nf; j++) next[j] = Ap[j];
    for (size_t i = 0; i < nf; i++) {
        int o = perm[i];
        if (lower) { /* column i: its diagonal before the rows still to come (all > i) */
            k->dpos[i] = next[i];
            Ai[next[i]++] = (int)i;
        }
        for (int p = Sp[o]; p < Sp[o + 1]; p++) {
            int j = ipos[Si[p]];
            if (lower ? j < (int)i : j > (int)i) Ai[next[j]++] = (int)i;
        }
        if (!lower) { /* column i got its rows < i in the earlier visits: the diagonal last */
            k->dpos[i] = next[i];
            Ai[next[i]++] = (int)i;
        }
    }
    mn__free(ctx, next);
    double *Ax = k->A->x;
    for (size_t p = 0; p < (size_t)Ap[nf]; p++) Ax[p] = 0.0;
    return MN_OK;
}

/* Sort each row of the row graph: then METIS sees the graph CHOLMOD's METIS path gives it (the
 * rows in node order, sorted neighbours) and returns the same ordering. (A breadth-first
 * renumbering, as for AMD, gave METIS an equally good but different ordering, and only 5-8% less
 * ordering time at 1e6 junctions.) */
static void sort_rows(const int *Sp, int *Si, size_t nf)
{
    for (size_t j = 0; j < nf; j++) {
        int s = Sp[j], t = Sp[j + 1];
        if (t - s <= 32) {
            for (int p = s + 1; p < t; p++) {
                int x = Si[p], q = p;
                for (; q > s && Si[q - 1] > x; q--) Si[q] = Si[q - 1];
                Si[q] = x;
            }
        } else {
            qsort(Si + s, (size_t)(t - s), sizeof(int), cmp_int);
        }
    }
}

/* Postorder the elimination tree of the rows in the order perm (METIS's nested dissection is
 * not postordered; CHOLMOD's supernodes need it): perm is replaced by perm o post. The tree is
 * computed from the row graph directly (Liu's algorithm with path compression: column j of the
 * permuted matrix holds the neighbours of row perm[j] placed before j), without building the
 * permuted matrix first. */
static mn_status postorder_perm(mn_kirchhoff *k, const int *Sp, const int *Si, int *perm)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf;
    mn_status st = MN_OK;
    int *ipos = k->ipos;
    int *parent = mn__malloc_or_err(ctx, nf, sizeof *parent, "elimination tree");
    int *anc = mn__malloc_or_err(ctx, nf, sizeof *anc, "elimination tree");
    int *post = mn__malloc_or_err(ctx, nf, sizeof *post, "elimination tree");
    if (!parent || !anc || !post) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < nf; i++) ipos[perm[i]] = (int)i;
    for (size_t j = 0; j < nf; j++) {
        int o = perm[j];
        parent[j] = anc[j] = -1;
        for (int p = Sp[o]; p < Sp[o + 1]; p++) {
            int i = ipos[Si[p]];
            while (i != -1 && i < (int)j) { /* from i up to its root, compressing to j */
                int next = anc[i];
                anc[i] = (int)j;
                if (next == -1) parent[i] = (int)j;
                i = next;
            }
        }
    }
    if (cholmod_postorder(parent, nf, NULL, post, &k->cm) != (SuiteSparse_long)nf)
        MN__FAIL(mn__kh_chol_err(k, "postorder"));
    for (size_t i = 0; i < nf; i++) anc[i] = perm[post[i]];
    memcpy(perm, anc, nf * sizeof *perm);
cleanup:
    mn__free(ctx, parent);
    mn__free(ctx, anc);
    mn__free(ctx, post);
    return st;
}

/* AMD on the row graph (ordering_amd.c) in CHOLMOD's integer workspace, which CHOLMOD's
 * symbolic analysis reuses next (cholmod_amd, the way before, used it too; memnet's own
 * workspace would be pages touched for nothing) */
static mn_status order_amd(mn_kirchhoff *k, const int *Sp, const int *Si, int *iw, int *perm)
{
    size_t nf = k->nf;
    if (nf > (size_t)INT_MAX / 8 || !cholmod_allocate_work(nf, 8 * nf, 0, &k->cm))
        return mn__kh_order_amd(k->ctx, nf, Sp, Si, iw, NULL, perm);
    /* Iwork carries nothing between CHOLMOD's calls (unlike Flag and Head) */
    return mn__kh_order_amd(k->ctx, nf, Sp, Si, iw, k->cm.Iwork, perm);
}

/* k->keep_order_input: copies of AMD's input graph (Sp, Si) and its result (perm), for the
 * benchmark that times AMD apart (bench/kirchhoff/bench-oneshot-floor.c) */
static mn_status keep_order_input(mn_kirchhoff *k, const int *Sp, const int *Si, const int *perm)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf, nz = (size_t)Sp[nf];
    k->order_in_p = mn__malloc_or_err(ctx, nf + 1, sizeof *k->order_in_p, "ordering input");
    k->order_in_i = mn__malloc_or_err(ctx, nz ? nz : 1, sizeof *k->order_in_i, "ordering input");
    k->order_out = mn__malloc_or_err(ctx, nf, sizeof *k->order_out, "ordering input");
    if (!k->order_in_p || !k->order_in_i || !k->order_out) return MN_ERR_NOMEM;
    memcpy(k->order_in_p, Sp, (nf + 1) * sizeof *Sp);
    memcpy(k->order_in_i, Si, nz * sizeof *Si);
    memcpy(k->order_out, perm, nf * sizeof *perm);
    return MN_OK;
}

/* The analysis on the row graph, with AMD (one-shot solves: mn_kirchhoff_new's default) or
 * METIS (metis != 0: many refactorisations). The ordering is computed on the row graph built
 * once from the edge list (AMD's amd_2 or METIS_NodeND called directly: ordering_amd.c,
 * ordering_metis.c), the rows are renumbered by it, and the matrix is built once, directly in
 * the final numbering and the triangle the factorisation reads; CHOLMOD then analyses it in its natural order (no
 * postorder by CHOLMOD: AMD's order is already postordered on its assembly tree, and a second
 * one changed the supernodes by 0.4% and the flops not at all on a 1.5e5-row stick network;
 * METIS's order is postordered here, postorder_perm). Against cholmod_analyze with AMD or METIS
 * this saves building the matrix in the original numbering, CHOLMOD's A + A' for METIS, its
 * permuted transposes and second analysis of the ordering, and the rebuild afterwards. Takes
 * the row graph (row_graph) and frees it. With METIS, MN_ERR_UNSUPPORTED (no message, nothing
 * changed but the row numbering) when memnet was built without metis.h. */
static mn_status analyse_rows(mn_kirchhoff *k, int *Sp, int *Si, int metis)
{
    mn_context *ctx = k->ctx;
    size_t nf = k->nf, n = k->n;
    int *perm = NULL, *spare = NULL;
    mn_status st = MN_OK;
    if (metis)
        sort_rows(Sp, Si, nf);
    else if ((st = local_order(k, &Sp, &Si, &spare)) != MN_OK)
        goto cleanup;
    perm = mn__malloc_or_err(ctx, nf, sizeof *perm, "ordering");
    if (!perm) MN__FAIL(MN_ERR_NOMEM);
    double t0 = mn__kh_now();
    if (metis) {
        st = mn__kh_order_metis(ctx, nf, Sp, Si, perm, &k->order_threads);
        k->t_order = mn__kh_now() - t0;
        if (st != MN_OK) goto cleanup;
        if ((st = postorder_perm(k, Sp, Si, perm)) != MN_OK) goto cleanup;
    } else if ((st = order_amd(k, Sp, Si, spare, perm)) != MN_ERR_UNSUPPORTED) {
        k->t_order = mn__kh_now() - t0;
        if (st != MN_OK) goto cleanup;
        if (k->keep_order_input && (st = keep_order_input(k, Sp, Si, perm)) != MN_OK)
            goto cleanup;
    } else { /* memnet built without amd.h */
        st = MN_OK;
        cholmod_sparse S;
        memset(&S, 0, sizeof S);
        S.nrow = S.ncol = nf;
        S.nzmax = (size_t)Sp[nf] ? (size_t)Sp[nf] : 1;
        S.p = Sp;
        S.i = Si;
        S.stype = 1; /* symmetric: cholmod_amd reads the upper half and mirrors it */
        S.itype = CHOLMOD_INT;
        S.xtype = CHOLMOD_PATTERN;
        S.dtype = CHOLMOD_DOUBLE;
        S.sorted = 0;
        S.packed = 1;
        k->cm.nmethods = 1;
        k->cm.method[0].ordering = CHOLMOD_AMD;
        k->cm.current = 0;
        if (!cholmod_amd(&S, NULL, 0, perm, &k->cm))
            MN__FAIL(mn__kh_chol_err(k, "AMD ordering"));
        k->t_order = mn__kh_now() - t0;
    }
    mn__free(ctx, spare);
    spare = NULL;
    for (size_t i = 0; i < nf; i++) k->ipos[perm[i]] = (int)i;
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->role[i] = k->ipos[k->role[i]];
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
    /* the lower triangle for a supernodal factor, the common case for large networks */
    if ((st = permuted_pattern(k, Sp, Si, perm, k->ipos, 1)) != MN_OK) goto cleanup;
    k->cm.nmethods = 1;
    k->cm.method[0].ordering = CHOLMOD_NATURAL;
    k->cm.postorder = 0;
    k->cm.supernodal = CHOLMOD_AUTO;
    int omp = mn__serial_begin();
    k->Lsym = cholmod_analyze(k->A, &k->cm);
    mn__serial_end(omp);
    k->cm.postorder = 1;
    if (!k->Lsym) MN__FAIL(mn__kh_chol_err(k, "analyse"));
    if (!k->Lsym->is_super && (st = permuted_pattern(k, Sp, Si, perm, k->ipos, 0)) != MN_OK)
        goto cleanup;
    for (size_t i = 0; i < nf; i++) k->ipos[i] = (int)i;
    edge_maps(k, k->Lsym->is_super);
cleanup:
    mn__free(ctx, Sp);
    mn__free(ctx, Si);
    mn__free(ctx, spare);
    mn__free(ctx, perm);
    return st;
}

mn_status mn__kh_analyse(mn_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    size_t n = k->n, m = k->m;
    int *cnt = NULL;
    mn__kh_free_structure(k);
    k->t_order = 0.0;
    k->order_threads = 0;
    /* roles */
    for (size_t i = 0; i < n; i++) k->role[i] = 0;
    for (size_t a = 0; a < k->n_el; a++)
        for (size_t i = 0; i < k->el[a].n; i++) k->role[k->el[a].nodes[i]] = -1 - (int)a;
    if (k->n_el == 0 && k->have_inj) k->role[k->inj_to[0]] = INT_MIN;
    size_t nf = 0;
    for (size_t i = 0; i < n; i++)
        if (k->role[i] == 0) k->role[i] = (int)nf++;
        else if (k->role[i] > 0) k->role[i] = (int)nf++;
    /* (role 0 was "free"; the loop above renumbers; electrodes are negative) */
    k->nf = nf;
    size_t nfa = nf ? nf : 1;
    /* arrays written in full before any read: malloc, not calloc (no zeroing pass, and the CG
     * work of a solver that never runs CG is never touched) */
#define MN__KH_ALLOC_RAW(ptr, cnt, what)                                                        \
    do {                                                                                        \
        (ptr) = mn__malloc_or_err(ctx, (cnt), sizeof *(ptr), what);                             \
        if (!(ptr)) MN__FAIL(MN_ERR_NOMEM);                                                     \
    } while (0)
    MN__KH_ALLOC_RAW(k->row_node, nfa, "row map");
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
    MN__KH_ALLOC_RAW(k->emap, m ? m : 1, "edge map");
    MN__KH_ALLOC_RAW(k->dpos, nfa, "diagonal map");
    MN__KH_ALLOC_RAW(k->ipos, nfa, "inverse permutation");
    MN__KH_ALLOC(k->ground, nfa, "grounding");
    MN__KH_ALLOC_RAW(k->r, nfa, "CG work");
    MN__KH_ALLOC_RAW(k->p, nfa, "CG work");
    MN__KH_ALLOC_RAW(k->q, nfa, "CG work");
    /* electrode incidence lists */
    MN__KH_ALLOC(k->inc_off, k->n_el + 1, "electrode incidence");
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru == rv) continue;
        if (ru < 0 && ru != INT_MIN) k->inc_off[-1 - ru + 1]++;
        if (rv < 0 && rv != INT_MIN) k->inc_off[-1 - rv + 1]++;
    }
    for (size_t a = 0; a < k->n_el; a++) k->inc_off[a + 1] += k->inc_off[a];
    size_t ninc = (size_t)k->inc_off[k->n_el];
    MN__KH_ALLOC(k->inc_edge, ninc ? ninc : 1, "electrode incidence");
    MN__KH_ALLOC(k->inc_sign, ninc ? ninc : 1, "electrode incidence");
    MN__KH_ALLOC(cnt, k->n_el + 1, "workspace");
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        if (ru == rv) continue;
        if (ru < 0 && ru != INT_MIN) {
            int a = -1 - ru;
            k->inc_edge[k->inc_off[a] + cnt[a]] = (mn_index)e;
            k->inc_sign[k->inc_off[a] + cnt[a]++] = 1;
        }
        if (rv < 0 && rv != INT_MIN) {
            int a = -1 - rv;
            k->inc_edge[k->inc_off[a] + cnt[a]] = (mn_index)e;
            k->inc_sign[k->inc_off[a] + cnt[a]++] = -1;
        }
    }
    mn__free(ctx, cnt);
    cnt = NULL;
    MN__KH_ALLOC_RAW(k->eda, m ? m : 1, "edge map");
    MN__KH_ALLOC_RAW(k->edb, m ? m : 1, "edge map");
    MN__KH_ALLOC_RAW(k->egr, m ? m : 1, "edge map");
    int use_metis = k->ordering == MN_ORDERING_METIS ||
                    (k->ordering == MN_ORDERING_DEFAULT && k->expect_many);
    int rows_done = 0;
    if (nf > 0 && (!use_metis || !k->metis_via_cholmod)) {
        /* AMD or METIS on the row graph, the matrix built once (analyse_rows); a row graph
         * beyond int indices, or METIS without metis.h at build time, goes to CHOLMOD's own
         * analysis below */
        int *Sp = NULL, *Si = NULL;
        st = row_graph(k, !use_metis, &Sp, &Si);
        if (st == MN_OK) {
            st = analyse_rows(k, Sp, Si, use_metis);
            if (st == MN_OK)
                rows_done = 1;
            else if (st != MN_ERR_UNSUPPORTED)
                goto cleanup;
        } else if (st != MN_ERR_RANGE) {
            goto cleanup;
        }
        st = MN_OK;
    }
    if (!rows_done && (st = build_pattern(k, 0)) != MN_OK) goto cleanup;
    /* dense workspaces */
    k->B = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->X = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->Bs = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->C = cholmod_allocate_sparse(nfa, MN__UPD_CHUNK, 2 * MN__UPD_CHUNK, 1, 1, 0, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->B || !k->X || !k->Bs || !k->C) MN__FAIL(mn__kh_chol_err(k, "allocate"));
    if (nf > 0 && !rows_done) {
        /* symbolic analysis with the ordering set explicitly */
        k->cm.nmethods = 1;
        k->cm.method[0].ordering = use_metis ? CHOLMOD_METIS : CHOLMOD_AMD;
        k->cm.postorder = 1;
        k->cm.supernodal = CHOLMOD_AUTO;
        int omp = mn__serial_begin();
        if (use_metis) mn__metis_lock(); /* its random state is process-wide (threads.c) */
        k->Lsym = cholmod_analyze(k->A, &k->cm);
        if (use_metis) mn__metis_unlock();
        if (!k->Lsym && use_metis && k->ordering == MN_ORDERING_DEFAULT) {
            k->cm.method[0].ordering = CHOLMOD_AMD; /* METIS not compiled in */
            use_metis = 0;
            k->Lsym = cholmod_analyze(k->A, &k->cm);
        }
        mn__serial_end(omp);
        if (!k->Lsym) MN__FAIL(mn__kh_chol_err(k, "analyse"));
        if (k->cm.lnz > (double)INT_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "factor would have %.3g nonzeros (> INT_MAX)", k->cm.lnz));
        /* Rows are renumbered by the (postordered) fill-reducing permutation and the matrix is
         * rebuilt in that order, in the triangle CHOLMOD factorises without a transpose (lower
         * for supernodal, upper for simplicial: cholmod_factorize otherwise forms P A P' by one
         * or two transposes on every call, 35% of a refactorisation at 1e3 junctions). The
         * symbolic factor describes the columns of the factor, i.e. the rows in this new
         * numbering, so it stays valid with an identity permutation: its Perm is reset and its
         * ordering marked natural (no second analysis, which cost 14 s at 1e7 junctions). */
        int super = k->Lsym->is_super;
        int *Perm = k->Lsym->Perm;
        for (size_t i = 0; i < nf; i++) k->ipos[Perm[i]] = (int)i;
        for (size_t i = 0; i < n; i++)
            if (k->role[i] >= 0) k->role[i] = k->ipos[k->role[i]];
        for (size_t i = 0; i < n; i++)
            if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
        if ((st = build_pattern(k, super)) != MN_OK) goto cleanup;
        for (size_t i = 0; i < nf; i++) Perm[i] = k->ipos[i] = (int)i;
        k->Lsym->ordering = CHOLMOD_NATURAL;
    }
    if (nf > 0) {
        k->ordering_used = use_metis ? MN_ORDERING_METIS : MN_ORDERING_AMD;
        k->flops = k->cm.fl;
        if (k->cm.lnz > (double)INT_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "factor would have %.3g nonzeros (> INT_MAX)", k->cm.lnz));
        k->L = cholmod_copy_factor(k->Lsym, &k->cm);
        if (!k->L) MN__FAIL(mn__kh_chol_err(k, "copy factor"));
    }
    k->n_analyse++;
    k->need_analyse = 0;
    k->values_dirty = 1;
    k->floating_dirty = 1;
    k->fac_valid = k->fac_current = 0;
    return MN_OK;
cleanup:
    mn__free(ctx, cnt);
    mn__kh_free_structure(k);
    return st;
}
