/* Kirchhoff solver: the AMD ordering of the row graph, AMD's amd_2 called directly. */
#include "ordering.h"

#include "core/core-private.h"

#include <limits.h>
#include <string.h>

/* the same size with or without AMD: callers size the workspace before choosing an ordering */
size_t mn__kh_amd_iwlen(size_t nf, size_t nz)
{
    /* amd_2 needs iwlen >= nz + nf; 20% of the entries more as elbow room (as cholmod_amd),
     * else it compacts its quotient graph more often */
    return nz + nz / 5 + 2 * nf;
}

#ifdef MN_HAVE_AMD
#include <amd.h>

mn_status mn__kh_order_amd(mn_context *ctx, size_t nf, const int *Sp, const int *Si, int *iw,
                           int *work, int *perm)
{
    size_t nz = (size_t)Sp[nf], iwlen = mn__kh_amd_iwlen(nf, nz);
    if (nf == 0) return MN_OK;
    if (iwlen > (size_t)INT_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "row graph too large for AMD (%zu entries)", nz);
    /* amd_2's eight arrays of nf: the row starts and lengths it destroys, its lists and
     * degrees */
    int *w = work ? work : mn__malloc_or_err(ctx, 8 * nf, sizeof *w, "AMD workspace");
    if (!w) return MN_ERR_NOMEM;
    int *Pe = w, *Len = w + nf, *Nv = w + 2 * nf, *Next = w + 3 * nf, *Head = w + 4 * nf;
    int *Elen = w + 5 * nf, *Degree = w + 6 * nf, *W = w + 7 * nf;
    for (size_t i = 0; i < nf; i++) {
        Pe[i] = Sp[i];
        Len[i] = Sp[i + 1] - Sp[i];
    }
    memcpy(iw, Si, nz * sizeof *iw);
    double control[AMD_CONTROL], info[AMD_INFO];
    amd_defaults(control); /* dense rows beyond 10 sqrt(n), aggressive absorption: CHOLMOD's
                            * defaults for its AMD too */
    amd_2((int)nf, Pe, iw, Len, (int)iwlen, (int)nz, Nv, Next, perm, Head, Elen, Degree, W,
          control, info);
    if (!work) mn__free(ctx, w);
    return MN_OK;
}
#else
mn_status mn__kh_order_amd(mn_context *ctx, size_t nf, const int *Sp, const int *Si, int *iw,
                           int *work, int *perm)
{
    (void)ctx, (void)nf, (void)Sp, (void)Si, (void)iw, (void)work, (void)perm;
    return MN_ERR_UNSUPPORTED;
}
#endif
