/* memnet simulate: the electrodes and their waveforms (cmd-simulate.h). */
#include "cmd-simulate.h"

int simulate_electrodes_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    /* a node-set name of the network or a node list, the same in every command (cli.h) */
    if (cli_resolve_nodes(CMD, "--source", o->source, c->g, &c->src, &c->nsrc) ||
        cli_resolve_nodes(CMD, "--drain", o->drain, c->g, &c->drn, &c->ndrn))
        return 2; /* a node argument that does not fit the network: usage error (docs/cli.md) */
    if ((st = mn_waveform_parse(&c->w, c->ctx, o->spec))) return cli_fail(CMD, c->ctx, st);
    if (o->current_mode) {
        st = mn_sim_add_electrode(c->sim, c->drn, c->ndrn, NULL, NULL);
        if (!st) st = mn_sim_set_current_source(c->sim, c->src, c->nsrc, c->drn, c->ndrn, c->w);
    } else {
        st = mn_sim_add_electrode(c->sim, c->src, c->nsrc, c->w, &c->r.src_id);
        if (!st) st = mn_sim_add_electrode(c->sim, c->drn, c->ndrn, NULL, NULL);
    }
    if (st) return cli_fail(CMD, c->ctx, st);
    return 0;
}
