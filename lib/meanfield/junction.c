/* Effective one-junction models from a microscopic junction model (lib/models) and a network's
 * projector quantities (001 eqs. B17-B23, C53-C65; 000 eq. 15). */
#include "meanfield-private.h"

#include <math.h>
#include <string.h>

static mn_status get(mn_context *ctx, const mn_model *j, const char *name, double *v)
{
    if (mn_model_get(j, name, v) != MN_OK)
        return mn__error(ctx, MN_ERR_INVALID, "junction model has no parameter \"%s\"", name);
    return MN_OK;
}

mn_status mn_meanfield_model_from_junction(mn_meanfield_model **out, mn_context *ctx,
                                           const mn_model *junction, double gap,
                                           const mn_meanfield_projector *p, double G_source,
                                           int drive)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!out || !junction) return mn__error(ctx, MN_ERR_INVALID, "from_junction: NULL argument");
    if (drive != 0 && drive != 1)
        return mn__error(ctx, MN_ERR_RANGE, "from_junction: drive = %d must be 0 or 1", drive);
    const mn_model_ops *ops = mn_model_ops_of(junction);
    const char *name = ops && ops->name ? ops->name : "";
    mn_status st = MN_OK;
    mn_meanfield_model *m = NULL;
    double v[8];
    if (!strcmp(name, "miranda")) {
        MN__TRY(get(ctx, junction, "kP0", &v[0]));
        MN__TRY(get(ctx, junction, "kD0", &v[1]));
        MN__TRY(get(ctx, junction, "etaP", &v[2]));
        MN__TRY(get(ctx, junction, "etaD", &v[3]));
        MN__TRY(get(ctx, junction, "Gmin", &v[4]));
        MN__TRY(get(ctx, junction, "Gmax", &v[5]));
        MN__TRY(get(ctx, junction, "unipolar", &v[6]));
        if (!(v[4] > 0))
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "miranda junction: Gmin = %g; the mean field "
                               "(000 eq. 1: G = G_min (1 + chi g)) needs Gmin > 0", v[4]));
        MN__TRY(mn_meanfield_model_new(&m, ctx, MN_MEANFIELD_MIRANDA));
        m->p[MN__MIR_GMIN] = v[4];
        m->p[MN__MIR_CHI] = (v[5] - v[4]) / v[4];
        m->p[MN__MIR_KP] = v[0];
        m->p[MN__MIR_KD] = v[1];
        m->p[MN__MIR_ETAP] = v[2];
        m->p[MN__MIR_ETAD] = v[3];
        m->p[MN__MIR_UNI] = v[6] != 0;
        m->p[MN__MIR_DRIVE] = drive;
    } else if (!strcmp(name, "hillock")) {
        /* G = alpha e^{-beta (D - z)} = alpha (1 + f(g)), g = z/D, a = beta D (001 eq. C1-C4);
         * dz/dt = (1/T)(mu V/(D - z) - kappa z) -> dg/dt = (mu/(T D^2)) V/(1 - g) - (kappa/T) g */
        if (!(isfinite(gap) && gap > 0))
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "hillock junction: gap D = %g must be > 0", gap));
        MN__TRY(get(ctx, junction, "mu", &v[0]));
        MN__TRY(get(ctx, junction, "kappa", &v[1]));
        MN__TRY(get(ctx, junction, "alpha", &v[2]));
        MN__TRY(get(ctx, junction, "beta", &v[3]));
        MN__TRY(get(ctx, junction, "T", &v[4]));
        MN__TRY(get(ctx, junction, "zmax_frac", &v[5]));
        MN__TRY(mn_meanfield_model_new(&m, ctx, MN_MEANFIELD_HILLOCK));
        m->p[MN__HIL_GMIN] = v[2];
        m->p[MN__HIL_CHI] = 1;
        m->p[MN__HIL_A] = v[3] * gap;
        m->p[MN__HIL_MU] = v[0] / (v[4] * gap * gap);
        m->p[MN__HIL_KAPPA] = v[1] / v[4];
        m->p[MN__HIL_GMAX] = v[5] > 0 && v[5] < 1 ? v[5] : 0.5;
        m->p[MN__HIL_DRIVE] = drive;
    } else if (!strcmp(name, "strukov_hp")) {
        /* R = Ron x + Roff (1 - x) = Roff (1 - chi x); dx/dt = k i - x/tau (window none) */
        MN__TRY(get(ctx, junction, "Ron", &v[0]));
        MN__TRY(get(ctx, junction, "Roff", &v[1]));
        MN__TRY(get(ctx, junction, "k", &v[2]));
        MN__TRY(get(ctx, junction, "tau", &v[3]));
        MN__TRY(get(ctx, junction, "window", &v[4]));
        if (v[4] != 0)
            MN__FAIL(mn__error(ctx, MN_ERR_UNSUPPORTED, "strukov_hp junction: window %g; the linear "
                               "mean field (000 eq. 15) has no window (set window=none)", v[4]));
        if (!(v[1] > v[0]))
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "strukov_hp junction: Roff = %g must be > Ron = %g",
                               v[1], v[0]));
        MN__TRY(mn_meanfield_model_new(&m, ctx, MN_MEANFIELD_LINEAR));
        m->p[MN__LIN_ROFF] = v[1];
        m->p[MN__LIN_CHI] = (v[1] - v[0]) / v[1];
        m->p[MN__LIN_ALPHA] = isfinite(v[3]) ? 1 / v[3] : 0;
        m->p[MN__LIN_K] = v[2] / v[1];
    } else
        MN__FAIL(mn__error(ctx, MN_ERR_UNSUPPORTED, "no effective one-junction model for the "
                           "\"%s\" junction (miranda, hillock, strukov_hp)", name));
    if (p) MN__TRY(mn_meanfield_model_renormalise_projector(m, p, G_source));
    *out = m;
    m = NULL;
cleanup:
    mn_meanfield_model_free(m);
    return st;
}
