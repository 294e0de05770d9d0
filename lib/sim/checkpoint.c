/*
 * Checkpoint and restart (sim.h). The file is text with every double in C99 hexadecimal
 * floating point (%a), so values round-trip exactly on every platform:
 *
 *   memnet-checkpoint 1
 *   edges M states NS values NX electrodes NE current_source 0|1 integrator K
 *   t <hex>
 *   events N
 *   gprev V N_EVENT_FUNCTIONS           (V = 1 if the fixed-step event memory is valid)
 *   <hex> ...                           (N_EVENT_FUNCTIONS lines when V = 1)
 *   x
 *   <hex>                               (NX lines: the states, then E_src and E_edges)
 *   end
 *
 * Exactness: saving restarts the integrator at the saved time (mn_sim_restart), and a resumed
 * run starts the integrator at that time from the same values, so both continue identically.
 */
#include "sim/sim-impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

mn_status mn_sim_checkpoint_save(mn_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    if (!path) return mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: path is NULL");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot open (%s)", tmp, strerror(errno));
    fprintf(f, "memnet-checkpoint 1\n");
    fprintf(f, "edges %zu states %zu values %zu electrodes %zu current_source %d integrator %d\n",
            s->m, s->ns, s->nx, s->n_el, s->isrc_wf ? 1 : 0, s->integrator);
    fprintf(f, "t %a\n", s->t);
    fprintf(f, "events %llu\n", (unsigned long long)s->n_events);
    fprintf(f, "gprev %d %zu\n", s->gprev_valid, s->nev);
    if (s->gprev_valid)
        for (size_t i = 0; i < s->nev; i++) fprintf(f, "%a\n", s->gprev[i]);
    fprintf(f, "x\n");
    for (size_t i = 0; i < s->nx; i++) fprintf(f, "%a\n", s->x[i]);
    fprintf(f, "end\n");
    int bad = ferror(f);
    if (fclose(f) || bad) {
        remove(tmp);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": write failed", tmp);
    }
    if (rename(tmp, path)) {
        remove(tmp);
        return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot rename (%s)", path, strerror(errno));
    }
    return mn_sim_restart(s);
}

static int read_hex(FILE *f, double *x)
{
    char buf[128];
    if (!fgets(buf, sizeof buf, f)) return -1;
    char *end;
    errno = 0;
    *x = strtod(buf, &end);
    if (end == buf || errno == ERANGE) return -1;
    while (*end == ' ' || *end == '\n' || *end == '\r') end++;
    return *end ? -1 : 0;
}

mn_status mn_sim_checkpoint_load(mn_sim *s, const char *path)
{
    if (!s) return MN_ERR_INVALID;
    if (!path) return mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: path is NULL");
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "checkpoint \"%s\": cannot open (%s)", path, strerror(errno));
    mn_status st = MN_OK;
    double *x = NULL, *gp = NULL;
    char line[512];
    size_t m, ns, nx, nel, nev;
    int isrc, integ, gvalid;
    unsigned long long nevents;
    double t;
    if (!fgets(line, sizeof line, f) || strcmp(line, "memnet-checkpoint 1\n") != 0)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": not a memnet checkpoint (version 1)", path));
    if (!fgets(line, sizeof line, f) ||
        sscanf(line, "edges %zu states %zu values %zu electrodes %zu current_source %d integrator %d", &m,
               &ns, &nx, &nel, &isrc, &integ) != 6)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad size line", path));
    if (m != s->m || ns != s->ns)
        MN__FAIL(mn__error(s->ctx, MN_ERR_INVALID,
                           "checkpoint \"%s\": saved network has %zu edges and %zu states, this one %zu and %zu",
                           path, m, ns, s->m, s->ns));
    if (nel != s->n_el || isrc != (s->isrc_wf ? 1 : 0))
        MN__FAIL(mn__error(s->ctx, MN_ERR_INVALID,
                           "checkpoint \"%s\": saved run has %zu electrodes%s, this one %zu%s", path, nel,
                           isrc ? " and a current source" : "", s->n_el, s->isrc_wf ? " and a current source" : ""));
    if (nx != s->ns && nx != s->ns + 2)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad value count %zu", path, nx));
    if (!fgets(line, sizeof line, f) || strncmp(line, "t ", 2) != 0)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": missing time", path));
    t = strtod(line + 2, NULL);
    if (!isfinite(t)) MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad time", path));
    if (!fgets(line, sizeof line, f) || sscanf(line, "events %llu", &nevents) != 1)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": missing event count", path));
    if (!fgets(line, sizeof line, f) || sscanf(line, "gprev %d %zu", &gvalid, &nev) != 2 || nev != s->nev)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad event-function line", path));
    gp = mn__calloc_or_err(s->ctx, nev ? nev : 1, sizeof *gp, "checkpoint");
    x = mn__calloc_or_err(s->ctx, nx ? nx : 1, sizeof *x, "checkpoint");
    if (!gp || !x) MN__FAIL(MN_ERR_NOMEM);
    if (gvalid)
        for (size_t i = 0; i < nev; i++)
            if (read_hex(f, &gp[i]))
                MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad event value %zu", path, i));
    if (!fgets(line, sizeof line, f) || strcmp(line, "x\n") != 0)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": missing state block", path));
    for (size_t i = 0; i < nx; i++)
        if (read_hex(f, &x[i]) || !isfinite(x[i]))
            MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": bad state value %zu", path, i));
    if (!fgets(line, sizeof line, f) || strcmp(line, "end\n") != 0)
        MN__FAIL(mn__error(s->ctx, MN_ERR_PARSE, "checkpoint \"%s\": truncated (no end line)", path));

    /* apply */
    MN__TRY(mn_sim_set_energy_tracking(s, nx == s->ns + 2));
    MN__TRY(mn_sim_init_states(s, t, x));
    if (nx == s->ns + 2) {
        s->x[s->ns] = x[s->ns];
        s->x[s->ns + 1] = x[s->ns + 1];
    }
    if (integ >= MN_SIM_BDF && integ <= MN_SIM_EXACT) s->integrator = integ;
    s->n_events = nevents;
    s->ev_first = nevents;
    if (gvalid) memcpy(s->gprev, gp, nev * sizeof *gp);
    s->gprev_valid = gvalid;
    /* outputs at times <= t were written by the saving run */
    if (s->samp_mode == 2)
        while (s->samp_t0 + (double)s->samp_k * s->samp_dt <= t) s->samp_k++;
    if (s->samp_mode == 1)
        while (s->samp_k < s->samp_n && s->samp_t[s->samp_k] <= t) s->samp_k++;
    while (s->snap_i < s->snap_n && s->snap_t[s->snap_i] <= t) s->snap_i++;
    s->started = 1;
cleanup:
    fclose(f);
    mn__free(s->ctx, x);
    mn__free(s->ctx, gp);
    return st;
}
