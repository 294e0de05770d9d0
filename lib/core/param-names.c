/*
 * One spelling for the parameters the network models and the mean-field models share.
 *
 * The network miranda model was written with the names of 003 Table 1 (kP0, kD0, etaP, etaD,
 * Gmin, Gmax) and the mean-field miranda model with those of 000 eqs. (7)-(10) (k_p, k_d,
 * eta_p, eta_d, G_min, chi). Both now list the canonical snake_case spelling and accept the
 * other one as an alias wherever a parameter is looked up by name (mn_model_set/get, edge
 * parameters, mn_meanfield_model_set/get, the CLI's --set/--param and run files), so values
 * printed by `memnet fit` go into `memnet simulate --set` unchanged.
 */
#include "core-private.h"

#include <string.h>

static const char *const aliases[][2] = {
    /* canonical, alias */
    { "k_p", "kP0" },   /* potentiation rate at V = 0 (1/s): 003 eq. (8), 000 eq. (2) */
    { "k_d", "kD0" },   /* depression rate at V = 0 (1/s) */
    { "eta_p", "etaP" }, /* potentiation voltage sensitivity (1/V) */
    { "eta_d", "etaD" }, /* depression voltage sensitivity (1/V) */
    { "G_min", "Gmin" }, /* conductance at g = 0 (S): 003 eq. (10), 000 eq. (1) */
    { "G_max", "Gmax" }, /* conductance at g = 1 (S) */
    { "g_max", "zmax_frac" }, /* hillock limit z_max / D = g_max: 003 eq. (6), 001 eq. (C57) */
};

const char *mn__param_alias(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (!strcmp(name, aliases[i][0])) return aliases[i][1];
        if (!strcmp(name, aliases[i][1])) return aliases[i][0];
    }
    return NULL;
}
