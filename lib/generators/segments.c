/* Networks from measured wires: straight segments given by their end points (e.g. from an SEM
 * segmentation) become a nanowire network through the crossing search and graph building of
 * the random stick generator (nanowire-intersect.c, nanowire-graph.c), with its electrodes. */
#include "generators-private.h"

#include <math.h>

mn_status mn_gen_segments(mn_graph **out, mn_gen *gen, const double *xy, size_t n)
{
    if (!out || !gen) return gen ? mn__error(gen->ctx, MN_ERR_INVALID, "segments: out is NULL")
                                 : MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    if (n == 0) return mn__error(ctx, MN_ERR_RANGE, "segments: no segments given (need >= 1)");
    if (!xy) return mn__error(ctx, MN_ERR_INVALID, "segments: NULL end points for %zu segments", n);
    if (n > (size_t)INT32_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "segments: %zu segments exceed the node limit 2^31-1",
                         n);
    static const char *const names[4] = { "x1", "y1", "x2", "y2" };
    for (size_t i = 0; i < n; i++) {
        const double *s = xy + 4 * i;
        for (int k = 0; k < 4; k++)
            if (!isfinite(s[k]))
                return mn__error(ctx, MN_ERR_RANGE, "segment %zu: %s = %g is not finite", i,
                                 names[k], s[k]);
        if (s[0] == s[2] && s[1] == s[3])
            return mn__error(ctx, MN_ERR_INVALID,
                             "segment %zu: zero length (both end points are (%g, %g))", i, s[0],
                             s[1]);
        if (!isfinite(hypot(s[2] - s[0], s[3] - s[1])))
            return mn__error(ctx, MN_ERR_RANGE,
                             "segment %zu: length of (%g, %g)-(%g, %g) overflows", i, s[0], s[1],
                             s[2], s[3]);
    }
    mn_status st = MN_OK;
    double *x0 = NULL, *y0 = NULL, *x1 = NULL, *y1 = NULL, *len = NULL;
    mn__junction *J = NULL;
    size_t nJ = 0;
    x0 = mn__malloc_or_err(ctx, n, sizeof(double), "segments");
    y0 = mn__malloc_or_err(ctx, n, sizeof(double), "segments");
    x1 = mn__malloc_or_err(ctx, n, sizeof(double), "segments");
    y1 = mn__malloc_or_err(ctx, n, sizeof(double), "segments");
    len = mn__malloc_or_err(ctx, n, sizeof(double), "segments");
    if (!x0 || !y0 || !x1 || !y1 || !len) MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < n; i++) {
        x0[i] = xy[4 * i];
        y0[i] = xy[4 * i + 1];
        x1[i] = xy[4 * i + 2];
        y1[i] = xy[4 * i + 3];
        len[i] = hypot(x1[i] - x0[i], y1[i] - y0[i]);
    }
    /* Measured wires follow no law that bounds their crossings (unlike the random sticks'
     * Buffon estimate), so they are counted first: memory then grows only with junctions that
     * exist, and more than 2^31-1 of them is refused before any is stored. */
    MN__TRY(mn__wire_crossings(ctx, n, x0, y0, x1, y1, len, 1, NULL, &nJ));
    MN__TRY(mn__wire_crossings(ctx, n, x0, y0, x1, y1, len, 0, &J, &nJ));
    {
        mn__gen_electrode defaults[2];
        const mn__gen_electrode *el;
        size_t n_el = mn__gen_electrodes(gen, gen->real[MN_GEN_WIDTH], gen->real[MN_GEN_HEIGHT],
                                         defaults, &el);
        MN__TRY(mn__wires_graph(out, gen, n, &x0, &y0, &x1, &y1, len, J, nJ, el, n_el));
    }
cleanup:
    if (st != MN_OK) mn__gen_reset_results(gen);
    mn__free(ctx, x0);
    mn__free(ctx, y0);
    mn__free(ctx, x1);
    mn__free(ctx, y1);
    mn__free(ctx, len);
    mn__free(ctx, J);
    return st;
}
