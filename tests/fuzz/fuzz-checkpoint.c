/* libFuzzer target: the checkpoint loader (mn_sim_checkpoint_load) on a small simulation (a
 * chain of 3 miranda junctions, 2 electrodes, samples every 0.1 s). A checkpoint accepted must
 * leave the states inside the model's bounds, the time finite, and a short run possible (with
 * the file's Newton iteration: the target never sets one, so a "newton N" field applies). */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include <math.h>
#include <memnet/memnet.h>
#include <string.h>

static mn_context *ctx;
static mn_sim *sim;
static mn_graph *g;
static mn_model *model;
static mn_network *net;

static void build(void)
{
    mn_index u[] = { 0, 1, 2 }, v[] = { 1, 2, 3 };
    mn_waveform *w = NULL;
    if (mn_context_new(&ctx) || mn_graph_new_from_edges(&g, ctx, 4, 3, u, v) ||
        mn_model_new(&model, ctx, "miranda") || mn_network_new(&net, g) ||
        mn_network_assign(net, model, NULL, 0, NULL) || mn_sim_new(&sim, net) ||
        mn_waveform_new_dc(&w, ctx, 1.0))
        abort();
    mn_index a = 0, c = 3;
    if (mn_sim_add_electrode(sim, &a, 1, w, NULL) || mn_sim_add_electrode(sim, &c, 1, NULL, NULL) ||
        mn_sim_set_sample_interval(sim, 0.0, 0.1) || mn_sim_init_uniform(sim, 0.0, 0.5))
        abort();
    /* the objects live as long as the process */
    mn_waveform_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sim) build();
    if (mn_sim_checkpoint_load(sim, fuzz_file(0, data, size)) == MN_OK) {
        double t = mn_sim_time(sim);
        if (!isfinite(t)) abort();
        const double *x = mn_sim_states(sim);
        for (int i = 0; i < 3; i++)
            if (!(x[i] >= 0 && x[i] <= 1)) abort();
        /* a short run from there: an error is fine (e.g. a limit), a crash or hang is not */
        /* a few steps past t: 1 ms, or 4 x the spacing of doubles at t where that is more (was
           t * 1e-9: at t = 4e11 that was 4e5 Euler steps, legitimate work that timed out) */
        double sp = 4 * (nextafter(fabs(t), INFINITY) - fabs(t));
        double dt = sp > 1e-3 ? sp : 1e-3;
        mn_sim_run(sim, t + dt);
        mn_sim_init_uniform(sim, 0.0, 0.5);
    }
    return 0;
}
