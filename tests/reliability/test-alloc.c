/*
 * Allocation failure over a whole workflow (issue 14): generate a small nanowire network, save
 * and load it, solve Kirchhoff, simulate with a checkpoint, restart from it, compute the
 * mean-field projector and fit an effective model. The context's allocator fails its N-th
 * allocation, for every N until the workflow no longer allocates past N. Every run must end
 * in MN_OK or an error status (MN_ERR_NOMEM where the failure was memnet's), never a crash;
 * under ASan/LSan (scripts/test) nothing may leak. Allocations SUNDIALS, CHOLMOD and METIS make
 * on their own (not through the hooks) are not failed here (docs/fuzzing.md says what remains).
 */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct inject {
    long count, fail_at; /* fail the allocation numbered fail_at (1-based); 0: never */
    long failed;
} inject;

static void *i_malloc(size_t n, void *ud)
{
    inject *in = ud;
    if (++in->count == in->fail_at) {
        in->failed++;
        return NULL;
    }
    return malloc(n);
}
static void *i_realloc(void *p, size_t n, void *ud)
{
    inject *in = ud;
    if (++in->count == in->fail_at) {
        in->failed++;
        return NULL;
    }
    return realloc(p, n);
}
static void i_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

#define STEP(expr)                                                                              \
    do {                                                                                        \
        st = (expr);                                                                            \
        if (st != MN_OK) goto done;                                                             \
    } while (0)

static char net_path[4096], cp_path[4096];

/* the workflow; returns its status (MN_OK or the first error) */
static mn_status workflow(mn_context *ctx)
{
    mn_status st = MN_OK;
    mn_gen *gen = NULL;
    mn_graph *g = NULL, *h = NULL;
    mn_kirchhoff *k = NULL;
    mn_model *model = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_waveform *w = NULL;
    mn_meanfield_projector *p = NULL;
    mn_meanfield_model *mf = NULL;
    mn_meanfield_fit *fit = NULL;
    const mn_index *left, *right;
    size_t nl, nr;

    STEP(mn_gen_new(&gen, ctx));
    STEP(mn_gen_set_int(gen, MN_GEN_WIRES, 150));
    STEP(mn_gen_set_real(gen, MN_GEN_WIDTH, 4));
    STEP(mn_gen_set_real(gen, MN_GEN_HEIGHT, 4));
    STEP(mn_gen_set_int(gen, MN_GEN_SEED, 3));
    STEP(mn_gen_nanowires(&g, gen));
    STEP(mn_graph_save(g, net_path));
    STEP(mn_graph_load(&h, ctx, net_path));
    STEP(mn_graph_node_set(h, "left", &left, &nl));
    STEP(mn_graph_node_set(h, "right", &right, &nr));
    /* Kirchhoff with unit conductances */
    STEP(mn_kirchhoff_new(&k, h));
    STEP(mn_kirchhoff_add_electrode(k, left, nl, NULL));
    STEP(mn_kirchhoff_add_electrode(k, right, nr, NULL));
    {
        size_t m = mn_graph_edge_count(h);
        double *G = malloc((m ? m : 1) * sizeof *G);
        if (!G) abort();
        for (size_t e = 0; e < m; e++) G[e] = 1.0;
        st = mn_kirchhoff_set_conductances(k, G);
        free(G);
        if (st) goto done;
    }
    STEP(mn_kirchhoff_solve(k));
    /* simulate with a checkpoint, then restart from it */
    STEP(mn_model_new(&model, ctx, "miranda"));
    STEP(mn_network_new(&net, h));
    STEP(mn_network_assign(net, model, NULL, 0, NULL));
    STEP(mn_sim_new(&sim, net));
    STEP(mn_waveform_parse(&w, ctx, "pulse:2:1:2"));
    STEP(mn_sim_add_electrode(sim, left, nl, w, NULL));
    STEP(mn_sim_add_electrode(sim, right, nr, NULL, NULL));
    STEP(mn_sim_set_sample_interval(sim, 0.0, 0.5));
    STEP(mn_sim_init_uniform(sim, 0.0, 0.1));
    STEP(mn_sim_run(sim, 1.0));
    STEP(mn_sim_checkpoint_save(sim, cp_path));
    STEP(mn_sim_run(sim, 2.0));
    STEP(mn_sim_checkpoint_load(sim, cp_path));
    STEP(mn_sim_run(sim, 1.5));
    /* mean field: the projector between the electrodes, a fit of the effective model */
    STEP(mn_meanfield_projector_new(&p, h, left, nl, right, nr, MN_MEANFIELD_DIAG_SELINV, 0, 0));
    STEP(mn_meanfield_model_new_by_name(&mf, ctx, "miranda"));
    {
        enum { N = 41 };
        double t[N], V[N], G[N];
        for (int i = 0; i < N; i++) {
            t[i] = 0.5 * i;
            V[i] = i < N / 2 ? 1.0 : 0.2;
            G[i] = 1e-3 * (1 + 5 * (1 - exp(-0.05 * t[i])));
        }
        const char *names[] = { "k_p", "k_d" };
        STEP(mn_meanfield_fit_run(&fit, mf, t, V, G, N, names, 2, 0));
    }
done:
    mn_meanfield_fit_free(fit);
    mn_meanfield_model_free(mf);
    mn_meanfield_projector_free(p);
    mn_sim_free(sim);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(model);
    mn_kirchhoff_free(k);
    mn_graph_free(h);
    mn_graph_free(g);
    mn_gen_free(gen);
    return st;
}

int main(void)
{
    const char *dir = getenv("MEMNET_BUILD_ROOT");
    snprintf(net_path, sizeof net_path, "%s/rel-alloc.net", dir ? dir : "/tmp");
    snprintf(cp_path, sizeof cp_path, "%s/rel-alloc.cp", dir ? dir : "/tmp");
    /* the reference run: no failure; it counts the allocations */
    inject in = { 0, 0, 0 };
    mn_allocator a = MN_ALLOCATOR_INIT;
    a.malloc_fn = i_malloc;
    a.realloc_fn = i_realloc;
    a.free_fn = i_free;
    a.user_data = &in;
    mn_context *ctx = NULL;
    if (mn_context_new_with_allocator(&ctx, &a)) return 1;
    mn_status st = workflow(ctx);
    if (st != MN_OK) {
        fprintf(stderr, "workflow without failures: %s: %s\n", mn_status_name(st),
                mn_context_last_error(ctx));
        return 1;
    }
    mn_context_free(ctx);
    long total = in.count;
    /* every allocation point (a stride keeps the run short under valgrind: MEMNET_ALLOC_STRIDE) */
    long stride = getenv("MEMNET_ALLOC_STRIDE") ? atol(getenv("MEMNET_ALLOC_STRIDE")) : 1;
    if (stride < 1) stride = 1;
    long nomem = 0, other = 0, ok = 0;
    for (long n = 2; n <= total; n += stride) { /* n = 1 is the context itself */
        inject jn = { 0, n, 0 };
        a.user_data = &jn;
        ctx = NULL;
        if (mn_context_new_with_allocator(&ctx, &a)) return 1;
        st = workflow(ctx);
        if (st == MN_OK) ok++;
        else if (st == MN_ERR_NOMEM) nomem++;
        else {
            other++;
            /* an allocation failure reported as another error must still name memory */
            const char *msg = mn_context_last_error(ctx);
            if (!strstr(msg, "memory") && !strstr(msg, "alloc")) {
                fprintf(stderr, "allocation %ld failed: %s: %s\n", n, mn_status_name(st), msg);
                return 1;
            }
        }
        if (st == MN_OK && jn.failed) {
            /* a failure the workflow absorbed (a cache, a fallback) is fine if the result is
             * complete: the workflow ran to the end */
        }
        mn_context_free(ctx);
    }
    remove(net_path);
    remove(cp_path);
    remove(strcat(cp_path, ".tmp"));
    printf("allocation failure at each of %ld allocation points (stride %ld): %ld MN_ERR_NOMEM, "
           "%ld other errors naming memory, %ld completed\n", total - 1, stride, nomem, other, ok);
    return 0;
}
