/* Random nanowire (stick) networks (000 Fig. 1): sticks with uniform centres, drawn lengths and
 * orientations; their crossings (nanowire-intersect.c) and graph (nanowire-graph.c) are shared
 * with networks from measured wires (segments.c). */
#include "generators-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double draw_length(mn__rng_state *r, int dist, double mean, double sd)
{
    switch (dist) {
    case MN_GEN_LENGTH_NORMAL: {
        double x;
        do x = mean + sd * mn__rng_normal(r);
        while (!(x > 0));
        return x;
    }
    case MN_GEN_LENGTH_LOGNORMAL: {
        double s2 = log1p((sd / mean) * (sd / mean));
        return exp(log(mean) - 0.5 * s2 + sqrt(s2) * mn__rng_normal(r));
    }
    case MN_GEN_LENGTH_GAMMA: {
        double k = (mean / sd) * (mean / sd), theta = sd * sd / mean;
        double x;
        do x = theta * mn__gen_gamma(r, k);
        while (!(x > 0));
        return x;
    }
    default:
        return mean;
    }
}

mn_status mn_gen_nanowires(mn_graph **out, mn_gen *gen)
{
    if (!out || !gen) return MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    mn_status st = MN_OK;
    const double W = gen->real[MN_GEN_WIDTH], H = gen->real[MN_GEN_HEIGHT];
    const double Lm = gen->real[MN_GEN_LENGTH], Lsd = gen->real[MN_GEN_LENGTH_SD];
    const int dist = (int)gen->ival[MN_GEN_LENGTH_DIST];
    int64_t N = gen->ival[MN_GEN_WIRES];
    if (gen->real[MN_GEN_DENSITY] > 0) {
        double n = floor(gen->real[MN_GEN_DENSITY] * W * H + 0.5);
        if (n < 1 || n > 2147483647.0)
            return mn__error(ctx, MN_ERR_RANGE,
                             "nanowires: density %g x area %g gives %.0f wires (need 1 .. 2^31-1)",
                             gen->real[MN_GEN_DENSITY], W * H, n);
        N = (int64_t)n;
    }
    if (N < 1)
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanowires: wire count %lld must be >= 1 (set MN_GEN_WIRES or "
                         "MN_GEN_DENSITY)", (long long)N);
    if (dist == MN_GEN_LENGTH_FIXED && Lsd > 0)
        return mn__error(ctx, MN_ERR_INVALID,
                         "nanowires: length sd %g given with the fixed length distribution "
                         "(choose normal, lognormal or gamma)", Lsd);
    if (dist != MN_GEN_LENGTH_FIXED && !(Lsd > 0))
        return mn__error(ctx, MN_ERR_RANGE,
                         "nanowires: length sd %g must be > 0 for a random length distribution",
                         Lsd);
    mn__gen_electrode defaults[2];
    const mn__gen_electrode *el;
    size_t n_el = mn__gen_electrodes(gen, W, H, defaults, &el);
    for (size_t i = 0; i < n_el; i++)
        for (size_t j = 0; el[i].type == MN__EL_IDS && j < el[i].n; j++)
            if (el[i].ids[j] >= N)
                return mn__error(ctx, MN_ERR_INVALID,
                                 "electrode %s: wire id %lld is not in [0, %lld)", el[i].name,
                                 (long long)el[i].ids[j], (long long)N);

    size_t n = (size_t)N;
    double *x0 = NULL, *y0 = NULL, *x1 = NULL, *y1 = NULL, *len = NULL;
    mn__junction *J = NULL;
    size_t nJ = 0;

    x0 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    y0 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    x1 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    y1 = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    len = mn__malloc_or_err(ctx, n, sizeof(double), "wires");
    if (!x0 || !y0 || !x1 || !y1 || !len) MN__FAIL(MN_ERR_NOMEM);
    {
        uint64_t seed = (uint64_t)gen->ival[MN_GEN_SEED];
        mn__rng_state rp, ro, rl;
        mn__rng_seed(&rp, seed, 0);
        mn__rng_seed(&ro, seed, 1);
        mn__rng_seed(&rl, seed, 2);
        const int orient = (int)gen->ival[MN_GEN_ORIENTATION];
        const double a0 = gen->real[MN_GEN_ANGLE], asd = gen->real[MN_GEN_ANGLE_SD];
        const double pi = 3.14159265358979323846;
        for (size_t i = 0; i < n; i++) {
            double cx = W * mn__rng_uniform(&rp), cy = H * mn__rng_uniform(&rp);
            double th = orient == MN_GEN_ORIENT_NORMAL ? a0 + asd * mn__rng_normal(&ro)
                                                       : pi * mn__rng_uniform(&ro);
            double L = draw_length(&rl, dist, Lm, Lsd);
            double hx = 0.5 * L * cos(th), hy = 0.5 * L * sin(th);
            x0[i] = cx - hx;
            y0[i] = cy - hy;
            x1[i] = cx + hx;
            y1[i] = cy + hy;
            len[i] = L;
        }
    }

    {
        /* Expected junction count before any is stored (issue 14: 10^6 wires in a 1 x 1 box
         * grew to 5.2 GB before failing): two sticks of lengths a, b with uniform centres in an
         * area A and isotropic directions cross with probability 2ab/(pi A) (Buffon), so
         * E = (sum L)^2 / (pi A) minus the self terms; aligned wires (normal orientation with
         * sd s) cross less, by E|sin(dtheta)| / (2/pi) <= s sqrt(pi) (small s). Refused when
         * it is twice the edge limit (the estimate ignores the boundary). */
        double xmin = x0[0], xmax = x0[0], ymin = y0[0], ymax = y0[0], lsum = 0;
        for (size_t i = 0; i < n; i++) {
            xmin = fmin(xmin, fmin(x0[i], x1[i]));
            xmax = fmax(xmax, fmax(x0[i], x1[i]));
            ymin = fmin(ymin, fmin(y0[i], y1[i]));
            ymax = fmax(ymax, fmax(y0[i], y1[i]));
            lsum += len[i];
        }
        double cs = lsum / (double)n;
        double area = fmax(xmax - xmin, cs) * fmax(ymax - ymin, cs);
        double expect = (lsum * lsum - lsum * cs) / (3.14159265358979323846 * area);
        if (gen->ival[MN_GEN_ORIENTATION] == MN_GEN_ORIENT_NORMAL)
            expect *= fmin(1.0, gen->real[MN_GEN_ANGLE_SD] * 1.7724538509055159);
        if (expect > 2.0 * (double)INT32_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "nanowires: %zu wires of mean length %g in %g x %g make about %.3g "
                               "junctions, beyond the edge limit 2^31-1", n, cs, W, H, expect));
    }
    MN__TRY(mn__wire_crossings(ctx, n, x0, y0, x1, y1, len, 0, &J, &nJ));
    MN__TRY(mn__wires_graph(out, gen, n, &x0, &y0, &x1, &y1, len, J, nJ, el, n_el));
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
