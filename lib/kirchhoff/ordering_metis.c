/* Kirchhoff solver: nested-dissection ordering of the row graph by METIS, called directly
 * (ordering.h), its top level split off for two threads on large graphs. */
#include "ordering.h"

#include "metis_copy.h"

#include "core/core-private.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef MN_HAVE_METIS
#include <metis.h>

/* METIS options for the analysis; -1 keeps METIS's default. Set once by the benchmarks
 * (mn__kh_metis_options_set), read by every ordering. */
static int metis_opt[METIS_NOPTIONS];
static int metis_opt_init;

static void opts_default(void)
{
    if (metis_opt_init) return;
    for (int i = 0; i < METIS_NOPTIONS; i++) metis_opt[i] = -1;
    metis_opt_init = 1;
}

static const struct {
    const char *name;
    int idx;
} opt_names[] = {
    {"ctype", METIS_OPTION_CTYPE},     {"rtype", METIS_OPTION_RTYPE},
    {"iptype", METIS_OPTION_IPTYPE},   {"niter", METIS_OPTION_NITER},
    {"nseps", METIS_OPTION_NSEPS},     {"ufactor", METIS_OPTION_UFACTOR},
    {"compress", METIS_OPTION_COMPRESS}, {"ccorder", METIS_OPTION_CCORDER},
    {"pfactor", METIS_OPTION_PFACTOR}, {"no2hop", METIS_OPTION_NO2HOP},
    {"seed", METIS_OPTION_SEED},
};

int mn__kh_metis_options_set(const char *spec)
{
    opts_default();
    for (int i = 0; i < METIS_NOPTIONS; i++) metis_opt[i] = -1;
    if (!spec) return 0;
    const char *s = spec;
    while (*s) {
        const char *eq = strchr(s, '=');
        if (!eq) return -1;
        size_t len = (size_t)(eq - s);
        int idx = -1;
        for (size_t j = 0; j < sizeof opt_names / sizeof opt_names[0]; j++)
            if (strlen(opt_names[j].name) == len && !strncmp(opt_names[j].name, s, len))
                idx = opt_names[j].idx;
        if (idx < 0) return -1;
        char *end;
        long v = strtol(eq + 1, &end, 10);
        if (end == eq + 1 || (*end && *end != ',') || v < INT_MIN || v > INT_MAX) return -1;
        metis_opt[idx] = (int)v;
        s = *end ? end + 1 : end;
    }
    return 0;
}

/* METIS's options with memnet's settings */
static void fill_options(idx_t *options)
{
    opts_default();
    METIS_SetDefaultOptions(options);
    for (int i = 0; i < METIS_NOPTIONS; i++)
        if (metis_opt[i] != -1) options[i] = metis_opt[i];
    options[METIS_OPTION_NUMBERING] = 0;
}

/* NodeND by fn (the main copy or a private one) of a graph of n vertices; a graph without
 * edges keeps its order (METIS has nothing to do). iperm: n of workspace. */
static int nodend(mn__metis_nodend_fn fn, idx_t n, idx_t *xadj, idx_t *adj, idx_t *options,
                  idx_t *perm, idx_t *iperm)
{
    if (n == 0) return METIS_OK;
    if (xadj[n] == 0) {
        for (idx_t i = 0; i < n; i++) perm[i] = i;
        return METIS_OK;
    }
    return fn(&n, xadj, adj, NULL, options, perm, iperm);
}

/* rows from which the top level of the dissection is split off (mn__kh_metis_split_min_set) */
static size_t split_min = 200000;

void mn__kh_metis_split_min_set(size_t rows) { split_min = rows ? rows : 200000; }

/* the two parts of the top-level separator, each an induced subgraph in local numbering */
typedef struct split_job {
    idx_t n[2];
    idx_t *xadj[2], *adj[2], *perm[2], *iperm[2];
    idx_t *options;
    mn__metis_nodend_fn fn[2]; /* per thread when 2 threads, fn[0] for both with one */
    int rc[2];
} split_job;

static void split_kernel(void *arg, int tid, int nthreads)
{
    split_job *j = arg;
    for (int p = tid; p < 2; p += nthreads)
        j->rc[p] = nodend(j->fn[tid], j->n[p], j->xadj[p], j->adj[p], j->options, j->perm[p],
                          j->iperm[p]);
}

/* Nested dissection with its top level split off: METIS_ComputeVertexSeparator on the whole
 * graph (the first bisection METIS_NodeND itself makes), then the two parts ordered by
 * METIS_NodeND, concurrently on two threads of the context's pool when it allows them and
 * private copies of libmetis can be had (metis_copy.c), else one after the other; the separator
 * last. Every METIS call reseeds its random numbers, so the permutation is the same with one or
 * two threads. The caller holds the METIS lock. */
static int order_split(mn_context *ctx, size_t nf, const int *Sp, const int *Si, int *perm,
                       idx_t *options, int *threads_used)
{
    idx_t n = (idx_t)nf, sepsize = 0;
    int rc = METIS_ERROR_MEMORY;
    idx_t *where = malloc(nf * sizeof *where), *lid = malloc(nf * sizeof *lid);
    split_job j;
    memset(&j, 0, sizeof j);
    if (!where || !lid) goto done;
    rc = METIS_ComputeVertexSeparator(&n, (idx_t *)Sp, (idx_t *)Si, NULL, options, &sepsize,
                                      where);
    if (rc != METIS_OK) goto done;
    /* local numbers in each part (in row order), the parts' edge counts */
    size_t ne[2] = {0, 0};
    for (size_t v = 0; v < nf; v++) {
        int p = where[v];
        if (p > 1) continue;
        lid[v] = j.n[p]++;
        for (int q = Sp[v]; q < Sp[v + 1]; q++) ne[p] += where[Si[q]] == p;
    }
    rc = METIS_ERROR_MEMORY;
    for (int p = 0; p < 2; p++) {
        j.xadj[p] = malloc(((size_t)j.n[p] + 1) * sizeof(idx_t));
        j.adj[p] = malloc((ne[p] ? ne[p] : 1) * sizeof(idx_t));
        j.perm[p] = malloc(((size_t)j.n[p] + 1) * sizeof(idx_t));
        j.iperm[p] = malloc(((size_t)j.n[p] + 1) * sizeof(idx_t));
        if (!j.xadj[p] || !j.adj[p] || !j.perm[p] || !j.iperm[p]) goto done;
        j.xadj[p][0] = 0;
    }
    {
        idx_t w[2] = {0, 0};
        for (size_t v = 0; v < nf; v++) {
            int p = where[v];
            if (p > 1) continue;
            for (int q = Sp[v]; q < Sp[v + 1]; q++)
                if (where[Si[q]] == p) j.adj[p][w[p]++] = lid[Si[q]];
            j.xadj[p][lid[v] + 1] = w[p];
        }
    }
    j.options = options;
    int nt = mn__pool_threads(ctx, SIZE_MAX) >= 2 ? 2 : 1;
    if (nt == 2) {
        j.fn[0] = mn__metis_copy(0);
        j.fn[1] = mn__metis_copy(1);
        if (!j.fn[0] || !j.fn[1]) nt = 1;
    }
    if (nt == 1) {
        j.fn[0] = (mn__metis_nodend_fn)METIS_NodeND;
        split_kernel(&j, 0, 1);
    } else {
        mn__metis_signals sigs;
        mn__metis_signals_save(&sigs);
        mn__pool_run(ctx, 2, split_kernel, &j);
        mn__metis_signals_restore(&sigs);
    }
    *threads_used = nt;
    rc = j.rc[0] != METIS_OK ? j.rc[0] : j.rc[1];
    if (rc != METIS_OK) goto done;
    /* part 0 in its order, part 1 in its order, the separator in row order */
    {
        idx_t *g0 = j.iperm[0], *g1 = j.iperm[1]; /* local -> row, reusing the workspaces */
        for (size_t v = 0; v < nf; v++) {
            int p = where[v];
            if (p <= 1) j.iperm[p][lid[v]] = (idx_t)v;
        }
        size_t w = 0;
        for (idx_t i = 0; i < j.n[0]; i++) perm[w++] = g0[j.perm[0][i]];
        for (idx_t i = 0; i < j.n[1]; i++) perm[w++] = g1[j.perm[1][i]];
        for (size_t v = 0; v < nf; v++)
            if (where[v] > 1) perm[w++] = (int)v;
    }
done:
    free(where);
    free(lid);
    for (int p = 0; p < 2; p++) {
        free(j.xadj[p]);
        free(j.adj[p]);
        free(j.perm[p]);
        free(j.iperm[p]);
    }
    return rc;
}

mn_status mn__kh_order_metis(mn_context *ctx, size_t nf, const int *Sp, const int *Si,
                             int *perm, int *threads_used)
{
    *threads_used = 1;
    if (nf > (size_t)INT_MAX) return mn__error(ctx, MN_ERR_RANGE, "%zu rows for METIS", nf);
    if (Sp[nf] == 0) { /* no edge between rows: any order, no fill */
        for (size_t i = 0; i < nf; i++) perm[i] = (int)i;
        return MN_OK;
    }
    idx_t options[METIS_NOPTIONS];
    fill_options(options);
    int rc;
    /* METIS reads the graph only */
    mn__metis_lock();
    if (nf >= split_min) {
        rc = order_split(ctx, nf, Sp, Si, perm, options, threads_used);
    } else {
        idx_t *iperm = malloc(nf * sizeof *iperm);
        rc = iperm ? nodend((mn__metis_nodend_fn)METIS_NodeND, (idx_t)nf, (idx_t *)Sp,
                            (idx_t *)Si, options, perm, iperm)
                   : METIS_ERROR_MEMORY;
        free(iperm);
    }
    mn__metis_unlock();
    if (rc == METIS_ERROR_MEMORY)
        return mn__error(ctx, MN_ERR_NOMEM, "METIS ordering of %zu rows: out of memory", nf);
    if (rc != METIS_OK)
        return mn__error(ctx, MN_ERR_SOLVER, "METIS ordering of %zu rows failed (%d)", nf, rc);
    return MN_OK;
}

#else

int mn__kh_metis_options_set(const char *spec)
{
    (void)spec;
    return -1;
}

mn_status mn__kh_order_metis(mn_context *ctx, size_t nf, const int *Sp, const int *Si,
                             int *perm, int *threads_used)
{
    (void)ctx, (void)nf, (void)Sp, (void)Si, (void)perm;
    *threads_used = 1;
    return MN_ERR_UNSUPPORTED;
}

void mn__kh_metis_split_min_set(size_t rows) { (void)rows; }

#endif
