/* Kirchhoff solver: structure (node roles, matrix pattern, electrode incidence) and the
 * symbolic analysis with the fill-reducing ordering. */
#include "kirchhoff-impl.h"

#include <limits.h>
#include <stdlib.h>

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
        qsort(Ai + s, (size_t)(t - s), sizeof(int), cmp_int);
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
    for (size_t e = 0; e < m; e++) {
        int ru = k->role[eu[e]], rv = k->role[ev[e]];
        k->eda[e] = ru >= 0 && ru != rv ? k->dpos[ru] : -1;
        k->edb[e] = rv >= 0 && ru != rv ? k->dpos[rv] : -1;
        k->egr[e] = ru == rv ? -1 : ru >= 0 && rv < 0 ? ru : rv >= 0 && ru < 0 ? rv : -1;
        if (ru < 0 || rv < 0 || ru == rv) {
            k->emap[e] = -1;
            continue;
        }
        int hi = ru > rv ? ru : rv, lo = ru > rv ? rv : ru;
        int c = lower ? lo : hi, r = lower ? hi : lo;
        k->emap[e] = find_in(Ai, Ap[c], Ap[c + 1], r);
    }
    return MN_OK;
}

mn_status mn__kh_analyse(mn_kirchhoff *k)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    size_t n = k->n, m = k->m;
    int *cnt = NULL;
    mn__kh_free_structure(k);
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
    MN__KH_ALLOC(k->row_node, nfa, "row map");
    for (size_t i = 0; i < n; i++)
        if (k->role[i] >= 0) k->row_node[k->role[i]] = (mn_index)i;
    MN__KH_ALLOC(k->emap, m ? m : 1, "edge map");
    MN__KH_ALLOC(k->dpos, nfa, "diagonal map");
    MN__KH_ALLOC(k->ipos, nfa, "inverse permutation");
    MN__KH_ALLOC(k->ground, nfa, "grounding");
    MN__KH_ALLOC(k->r, nfa, "CG work");
    MN__KH_ALLOC(k->z, nfa, "CG work");
    MN__KH_ALLOC(k->p, nfa, "CG work");
    MN__KH_ALLOC(k->q, nfa, "CG work");
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
    MN__KH_ALLOC(k->eda, m ? m : 1, "edge map");
    MN__KH_ALLOC(k->edb, m ? m : 1, "edge map");
    MN__KH_ALLOC(k->egr, m ? m : 1, "edge map");
    if ((st = build_pattern(k, 0)) != MN_OK) goto cleanup;
    /* dense workspaces */
    k->B = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->X = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->Bs = cholmod_zeros(nfa, 1, CHOLMOD_REAL, &k->cm);
    k->C = cholmod_allocate_sparse(nfa, MN__UPD_CHUNK, 2 * MN__UPD_CHUNK, 1, 1, 0, CHOLMOD_REAL,
                                   &k->cm);
    if (!k->B || !k->X || !k->Bs || !k->C) MN__FAIL(mn__kh_chol_err(k, "allocate"));
    if (nf > 0) {
        /* symbolic analysis with the ordering set explicitly */
        int use_metis = k->ordering == MN_ORDERING_METIS ||
                        (k->ordering == MN_ORDERING_DEFAULT && k->expect_many);
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
        k->ordering_used = use_metis ? MN_ORDERING_METIS : MN_ORDERING_AMD;
        k->flops = k->cm.fl;
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
