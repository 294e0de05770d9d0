/*
 * Kirchhoff solver: the split of the factor's elimination tree into independent subtrees, one
 * set per thread, for the parallel triangular solves (supersolve.c) and products with A
 * (assemble.c).
 *
 * The supernodes of the factor are numbered in a postorder of their elimination tree
 * (analyse.c renumbers the rows by the postordered fill-reducing permutation), so the
 * supernodes of any subtree are a contiguous range ending at its root, and every row index of
 * a supernode's column block is one of its ancestors. Cut the tree below a few top nodes: the
 * subtrees hanging below them touch only their own columns and the top nodes' ones. A thread
 * takes a set of subtrees; its updates to the top rows go to a private buffer, summed in thread
 * order afterwards (fixed partition, fixed order: the results depend on the thread count, not
 * on the timing).
 *
 * The cut: start from the roots (a forest when the network has several components), and
 * repeatedly replace the heaviest subtree by its children (it becomes a top node), assigning
 * the subtrees to threads by longest-first greedy packing; the weight of a supernode is the
 * number of entries of its block of L (the flops of its part of a solve, and of A's columns
 * too, roughly). Of the cuts seen, keep the one of least estimated time (top weight + heaviest
 * thread). No cut that gains at least 20% (a path-like tree, a tiny factor), a factor that is
 * not supernodal, or supernodes not in postorder: no split, the solves run serially.
 *
 * Computed once per analysis and thread count (the symbolic structure does not change between
 * refactorisations).
 */
#include "kirchhoff-impl.h"

#include <stdlib.h>
#include <string.h>

#define MN__SPLIT_MAX_STEPS 512 /* expansions of the heaviest subtree tried */
#define MN__SPLIT_MIN_GAIN 1.2  /* estimated speed-up below which the solves stay serial */

void mn__kh_split_free(mn_kirchhoff *k)
{
    mn__kh_split *sp = &k->split;
    mn_context *c = k->ctx;
    if (sp->buf)
        for (int t = 0; t < sp->nthreads; t++) mn__free(c, sp->buf[t]);
    if (sp->w)
        for (int t = 0; t < sp->nthreads; t++) mn__free(c, sp->w[t]);
    mn__free(c, sp->buf);
    mn__free(c, sp->w);
    mn__free(c, sp->roff);
    mn__free(c, sp->rs0);
    mn__free(c, sp->rs1);
    mn__free(c, sp->top);
    memset(sp, 0, sizeof *sp);
}

typedef struct cand {
    double w;
    int s;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1; /* heaviest first */
    return x->s < y->s ? -1 : x->s > y->s;        /* ties: by position (deterministic) */
}

/* longest-first packing of the candidates (sorted) into nt bins: the heaviest bin; bin_of
 * (optional) receives each candidate's bin */
static double pack(const cand *cs, int nc, int nt, double *load, int *bin_of)
{
    for (int t = 0; t < nt; t++) load[t] = 0.0;
    for (int c = 0; c < nc; c++) {
        int b = 0;
        for (int t = 1; t < nt; t++)
            if (load[t] < load[b]) b = t;
        load[b] += cs[c].w;
        if (bin_of) bin_of[c] = b;
    }
    double mx = 0.0;
    for (int t = 0; t < nt; t++) mx = load[t] > mx ? load[t] : mx;
    return mx;
}

/* build the split of k->Lsym for nt threads into k->split (nthreads 1 when there is none);
 * returns 0, or -1 when out of memory (then no split either) */
static int build(mn_kirchhoff *k, int nt)
{
    const cholmod_factor *L = k->Lsym;
    mn_context *c = k->ctx;
    mn__kh_split *sp = &k->split;
    sp->nthreads = 1;
    if (!L || !L->is_super || L->nsuper == 0 || nt < 2) return 0;
    int ns = (int)L->nsuper, nf = (int)L->n;
    const int *super = L->super, *pi = L->pi, *Ls = L->s;
    int *col2s = mn__malloc(c, (size_t)nf * sizeof *col2s);
    int *parent = mn__malloc(c, (size_t)ns * sizeof *parent);
    int *first = mn__malloc(c, (size_t)ns * sizeof *first);
    int *head = mn__malloc(c, (size_t)ns * sizeof *head);
    int *next = mn__malloc(c, (size_t)ns * sizeof *next);
    int *expanded = mn__calloc(c, (size_t)ns, sizeof *expanded);
    double *wt = mn__malloc(c, (size_t)ns * sizeof *wt);
    cand *cs = mn__malloc(c, ((size_t)ns + 1) * sizeof *cs);
    double *load = mn__malloc(c, (size_t)nt * sizeof *load);
    int *bin_of = mn__malloc(c, ((size_t)ns + 1) * sizeof *bin_of);
    int ok = col2s && parent && first && head && next && expanded && wt && cs && load && bin_of;
    int rc = ok ? 0 : -1;
    if (!ok) goto done;
    if (L->Perm)
        for (int i = 0; i < nf; i++)
            if (((const int *)L->Perm)[i] != i) goto done; /* rows not in the factor's order */
    for (int s = 0; s < ns; s++)
        for (int j = super[s]; j < super[s + 1]; j++) col2s[j] = s;
    /* parents, postorder and sorted rows (else: no split) */
    for (int s = 0; s < ns; s++) {
        int nscol = super[s + 1] - super[s], nsrow = pi[s + 1] - pi[s];
        const int *rows = Ls + pi[s];
        for (int i = 1; i < nsrow; i++)
            if (rows[i] <= rows[i - 1]) goto done;
        parent[s] = nsrow > nscol ? col2s[rows[nscol]] : -1;
        if (parent[s] >= 0 && parent[s] <= s) goto done;
        first[s] = s;
        double a = (double)nscol, b = (double)(nsrow - nscol);
        wt[s] = a * (a + 1.0) / 2.0 + a * b; /* entries of the block */
    }
    for (int s = 0; s < ns; s++) {
        int p = parent[s];
        if (p >= 0) {
            wt[p] += wt[s];
            if (first[s] < first[p]) first[p] = first[s];
        }
    }
    /* contiguous subtrees: the subtree of s is [first[s], s] with s - first[s] descendants */
    {
        int *cnt = head; /* reused as a count, reset below */
        for (int s = 0; s < ns; s++) cnt[s] = 1;
        for (int s = 0; s < ns; s++)
            if (parent[s] >= 0) cnt[parent[s]] += cnt[s];
        for (int s = 0; s < ns; s++)
            if (cnt[s] != s - first[s] + 1) goto done;
    }
    /* children lists, ascending */
    for (int s = 0; s < ns; s++) head[s] = -1;
    for (int s = ns - 1; s >= 0; s--)
        if (parent[s] >= 0) {
            next[s] = head[parent[s]];
            head[parent[s]] = s;
        }
    int nc = 0;
    double total = 0.0;
    for (int s = 0; s < ns; s++)
        if (parent[s] < 0) {
            cs[nc].w = wt[s];
            cs[nc++].s = s;
            total += wt[s];
        }
    if (total <= 0.0) goto done;
    /* expand the heaviest subtree step by step; remember the best step */
    double topw = 0.0, best = total;
    int best_step = -1;
    int *order = bin_of; /* the expansion sequence, replayed up to best_step */
    int steps = 0;
    for (; steps < MN__SPLIT_MAX_STEPS && nc > 0; steps++) {
        qsort(cs, (size_t)nc, sizeof *cs, cand_cmp);
        double est = topw + pack(cs, nc, nt, load, NULL);
        if (est < best) {
            best = est;
            best_step = steps;
        }
        if (topw > 0.5 * total) break;
        int s = cs[0].s;
        if (head[s] < 0) break; /* the heaviest is a leaf */
        int nch = 0;
        for (int ch = head[s]; ch >= 0; ch = next[ch]) nch++;
        if (nc - 1 + nch > ns) break;
        order[steps] = s;
        double own = wt[s];
        cs[0] = cs[--nc];
        for (int ch = head[s]; ch >= 0; ch = next[ch]) {
            own -= wt[ch];
            cs[nc].w = wt[ch];
            cs[nc++].s = ch;
        }
        topw += own;
    }
    if (best_step < 0 || total / best < MN__SPLIT_MIN_GAIN) goto done;
    for (int i = 0; i < best_step; i++) expanded[order[i]] = 1;
    /* the candidates of the best step: the subtrees whose parent is expanded (or roots) */
    nc = 0;
    int ntop = 0;
    for (int s = 0; s < ns; s++) {
        if (expanded[s]) {
            ntop++;
            continue;
        }
        if (parent[s] < 0 || expanded[parent[s]]) {
            cs[nc].w = wt[s];
            cs[nc++].s = s;
        }
    }
    qsort(cs, (size_t)nc, sizeof *cs, cand_cmp);
    pack(cs, nc, nt, load, bin_of);
    for (int s = 0; s < ns; s++) next[s] = -1; /* now: the thread of a subtree's root */
    for (int ci = 0; ci < nc; ci++) next[cs[ci].s] = bin_of[ci];
    sp->roff = mn__calloc(c, (size_t)nt + 1, sizeof *sp->roff);
    sp->rs0 = mn__malloc(c, (size_t)nc * sizeof *sp->rs0);
    sp->rs1 = mn__malloc(c, (size_t)nc * sizeof *sp->rs1);
    sp->top = mn__malloc(c, (size_t)(ntop ? ntop : 1) * sizeof *sp->top);
    sp->buf = mn__calloc(c, (size_t)nt, sizeof *sp->buf);
    sp->w = mn__calloc(c, (size_t)nt, sizeof *sp->w);
    if (!sp->roff || !sp->rs0 || !sp->rs1 || !sp->top || !sp->buf || !sp->w) {
        rc = -1;
        goto done;
    }
    sp->nthreads = nt; /* from here on mn__kh_split_free frees buf[t], w[t] */
    for (int t = 0; t < nt; t++) {
        /* thread t's subtrees in ascending position */
        int r = sp->roff[t];
        for (int s = 0; s < ns; s++) {
            if (next[s] != t) continue;
            sp->rs0[r] = first[s];
            sp->rs1[r] = s + 1;
            r++;
        }
        sp->roff[t + 1] = r;
        if (t > 0) {
            sp->buf[t] = mn__calloc(c, (size_t)nf, sizeof *sp->buf[t]);
            sp->w[t] = mn__malloc(c, (L->maxesize ? L->maxesize : 1) * sizeof *sp->w[t]);
            if (!sp->buf[t] || !sp->w[t]) {
                rc = -1;
                goto done;
            }
        }
    }
    ntop = 0;
    for (int s = 0; s < ns; s++)
        if (expanded[s]) sp->top[ntop++] = s;
    sp->ntop = ntop;
    sp->gain = total / best;
    sp->nsuper = ns;
done:
    if (rc != 0 || sp->nthreads < 2) {
        uint64_t a = sp->analysis;
        int want = sp->want;
        mn__kh_split_free(k);
        sp->analysis = a;
        sp->want = want;
        sp->nthreads = 1;
    }
    mn__free(c, col2s);
    mn__free(c, parent);
    mn__free(c, first);
    mn__free(c, head);
    mn__free(c, next);
    mn__free(c, expanded);
    mn__free(c, wt);
    mn__free(c, cs);
    mn__free(c, load);
    mn__free(c, bin_of);
    return rc;
}

const mn__kh_split *mn__kh_split_get(mn_kirchhoff *k)
{
    if (!k->Lsym || !k->Lsym->is_super) return NULL;
    double bytes = 12.0 * (double)((const int *)k->Lsym->px)[k->Lsym->nsuper];
    int nt = mn__pool_threads(k->ctx, bytes > 1e18 ? (size_t)1e18 : (size_t)bytes);
    if (nt < 2) return NULL;
    mn__kh_split *sp = &k->split;
    if (sp->analysis != k->n_analyse || sp->want != nt) {
        mn__kh_split_free(k);
        sp->analysis = k->n_analyse;
        sp->want = nt;
        (void)build(k, nt); /* out of memory: no split, the solves run serially */
    }
    return sp->nthreads > 1 ? sp : NULL;
}
