/*
 * Allocation failure inside the simulation set-up, SUNDIALS' own allocations included
 * (issue 14). The context allocator hooks of test-alloc.c do not reach the allocations
 * SUNDIALS makes with malloc; this test replaces malloc/calloc/realloc for the whole process
 * (the program's definitions interpose on the C library's, as seen by every shared library)
 * and fails the N-th allocation made while the simulation sets up CVODE and takes its first
 * steps (mn_sim_run on a small nanowire network, BDF and Adams), for every N until the set-up
 * no longer allocates past N. Each N runs in a child process: a crash (SUNDIALS 6.4 dereferences
 * a failed N_VClone and frees uninitialised SPGMR rows: lib/sim/sim_vpool.c) is reported with
 * its N; every run must end in MN_OK or an error status. Not built with sanitizers (they
 * replace malloc themselves).
 */
#define _GNU_SOURCE
#include <memnet/memnet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static volatile int armed;
static long count, fail_at;

static int fail_now(void)
{
    if (!armed) return 0;
    return ++count == fail_at;
}
void *malloc(size_t n) { return fail_now() ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return fail_now() ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return fail_now() ? NULL : __libc_realloc(p, n); }

/* the set-up and first steps; returns the status of the run (0 for MN_OK) */
static int run(mn_sim_integrator integ, long fail)
{
    mn_context *ctx;
    mn_gen *gen = NULL;
    mn_graph *g = NULL;
    mn_model *model = NULL;
    mn_network *net = NULL;
    mn_sim *sim = NULL;
    mn_waveform *w = NULL;
    if (mn_context_new(&ctx) || mn_gen_new(&gen, ctx) || mn_gen_set_int(gen, MN_GEN_WIRES, 60) ||
        mn_gen_set_real(gen, MN_GEN_WIDTH, 3) || mn_gen_set_real(gen, MN_GEN_HEIGHT, 3) ||
        mn_gen_set_int(gen, MN_GEN_SEED, 2) || mn_gen_nanowires(&g, gen) ||
        mn_model_new(&model, ctx, "miranda") || mn_network_new(&net, g) ||
        mn_network_assign(net, model, NULL, 0, NULL) || mn_sim_new(&sim, net) ||
        mn_waveform_new_dc(&w, ctx, 2.0) || mn_sim_add_electrode_set(sim, "left", w, NULL) ||
        mn_sim_add_electrode_set(sim, "right", NULL, NULL) || mn_sim_set_integrator(sim, integ)) {
        fprintf(stderr, "set-up before the injection failed\n");
        return 99;
    }
    count = 0;
    fail_at = fail;
    armed = 1;
    mn_status st = mn_sim_run(sim, 0.5);
    armed = 0;
    if (st != MN_OK && st != MN_ERR_NOMEM && st != MN_ERR_SOLVER && st != MN_ERR_CONVERGENCE)
        fprintf(stderr, "fail at %ld: unexpected status %s: %s\n", fail, mn_status_name(st),
                mn_context_last_error(ctx));
    int rc = st == MN_OK ? 0 : st == MN_ERR_NOMEM || st == MN_ERR_SOLVER || st == MN_ERR_CONVERGENCE ? 1 : 2;
    if (fail == 0) {
        if (st) fprintf(stderr, "the run without failures: %s\n", mn_context_last_error(ctx));
        printf("%ld\n", count); /* allocations of the whole set-up */
    }
    mn_sim_free(sim);
    mn_waveform_free(w);
    mn_network_free(net);
    mn_model_free(model);
    mn_graph_free(g);
    mn_gen_free(gen);
    mn_context_free(ctx);
    return rc;
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 77;
#else
    static const struct { mn_sim_integrator integ; const char *name; } cases[] = {
        { MN_SIM_BDF, "BDF" }, { MN_SIM_ADAMS, "Adams" } };
    int bad = 0;
    const char *one = getenv("MN_ALLOC_FAIL_AT"); /* debugging: one failure point, no fork */
    if (one) return run(MN_SIM_BDF, atol(one));
    for (size_t c = 0; c < 2; c++) {
        /* the number of allocations without a failure */
        int fd[2];
        if (pipe(fd)) return 1;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fd[1], 1);
            int r = run(cases[c].integ, 0);
            fflush(stdout);
            _exit(r);
        }
        close(fd[1]);
        char buf[64] = { 0 };
        ssize_t got = read(fd[0], buf, sizeof buf - 1);
        close(fd[0]);
        int status;
        waitpid(pid, &status, 0);
        long total = got > 0 ? atol(buf) : 0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || total < 10) {
            fprintf(stderr, "%s: the run without failures did not succeed (status %#x, %ld allocations)\n", cases[c].name, status, total);
            return 1;
        }
        long failed_runs = 0, crashes = 0;
        for (long n = 1; n <= total; n++) {
            fflush(NULL);
            pid = fork();
            if (pid == 0) _exit(run(cases[c].integ, n));
            waitpid(pid, &status, 0);
            if (WIFSIGNALED(status)) {
                fprintf(stderr, "%s: failing allocation %ld of %ld: killed by signal %d\n",
                        cases[c].name, n, total, WTERMSIG(status));
                crashes++;
            } else if (WEXITSTATUS(status) == 2 || WEXITSTATUS(status) == 99) {
                crashes++;
            } else {
                failed_runs += WEXITSTATUS(status) == 1;
            }
        }
        printf("%s: %ld allocation points in the set-up and first steps, %ld ended in an error "
               "status, %ld crashed or gave an unexpected status\n", cases[c].name, total,
               failed_runs, crashes);
        bad |= crashes != 0;
    }
    return bad;
#endif
}
