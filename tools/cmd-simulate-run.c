/* memnet simulate: solver settings, the run to --t-end with Ctrl-C and the progress bar,
 * periodic and final checkpoints, and --restart (cmd-simulate.h). */
#include "cmd-simulate.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

/* Set by SIGINT while a run is under way; cleared when the next run starts, so a second run in
 * the same process (memnet sweep) is not stopped by an earlier Ctrl-C. */
static volatile sig_atomic_t interrupted = 0;
static void on_sigint(int sig)
{
    interrupted = sig; /* SIGINT or SIGTERM: the run stops after the present step */
}

int simulate_interrupt_signal(void) { return interrupted; }

int simulate_solver_setup(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    /* --newton only when given: otherwise a --restart takes the checkpoint's */
    if ((st = mn_sim_set_integrator(c->sim, o->integrator)) ||
        (o->newton_set && (st = mn_sim_set_newton(c->sim, o->newton))) ||
        (st = mn_sim_set_tolerances(c->sim, o->rtol, o->atol)) ||
        (st = mn_sim_set_fixed_step(c->sim, o->dt)) || (st = mn_sim_set_max_step(c->sim, o->hmax)) ||
        (st = mn_sim_set_energy_tracking(c->sim, o->energy)) ||
        (o->max_steps > 0 && (st = mn_sim_set_max_steps(c->sim, o->max_steps))))
        return cli_fail(CMD, c->ctx, st);
    return 0;
}

static void restart_note(mn_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level == MN_LOG_WARNING) fprintf(stderr, "memnet simulate: note: %s\n", msg);
}

int simulate_restart(simulate_cmd *c, const simulate_opts *o)
{
    mn_status st;
    /* a checkpoint target that is not a regular file is refused now, not after the run */
    struct stat sb;
    if (o->cp_path && lstat(o->cp_path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return cli_error(CMD, "--checkpoint \"%s\" exists and is not a regular file (a "
                              "checkpoint replaces only a regular file)", o->cp_path);
    if (!o->restart_path) return 0;
    /* the library's warnings while loading (a --newton other than the checkpoint's) as notes */
    mn_context_set_log(c->ctx, restart_note, MN_LOG_WARNING, NULL);
    st = mn_sim_checkpoint_load(c->sim, o->restart_path);
    mn_context_set_log(c->ctx, NULL, MN_LOG_ERROR, NULL);
    if (st) return cli_fail(CMD, c->ctx, st);
    return 0;
}

int simulate_progress_cb(double t, double t_end, void *user)
{
    simulate_run *r = user;
    if (interrupted) return 1;
    if (!r->progress) return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - r->last_draw.tv_sec) + 1e-9 * (double)(now.tv_nsec - r->last_draw.tv_nsec);
    if (dt < 0.1 && t < t_end) return 0;
    r->last_draw = now;
    double f = (t - r->t_start) / (t_end - r->t_start);
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    int w = 40, k = (int)(f * w);
    fprintf(stderr, "\r[");
    for (int i = 0; i < w; i++) fputc(i < k ? '#' : ' ', stderr);
    fprintf(stderr, "] %5.1f%%  t = %-12.6g", 100 * f, t);
    if (t >= t_end) fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

int simulate_run_to_end(simulate_cmd *c, const simulate_opts *o, int *cancelled, struct timespec *t0,
                        struct timespec *t1)
{
    simulate_run *r = &c->r;
    mn_sim *sim = c->sim;
    r->progress = !o->quiet && cli_stderr_is_tty();
    r->t_start = mn_sim_time(sim);
    clock_gettime(CLOCK_MONOTONIC, &r->last_draw);
    r->last_draw.tv_sec -= 1;
    mn_sim_set_progress_callback(sim, simulate_progress_cb, 1, r);

    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    struct sigaction old_term;
    sigaction(SIGINT, &sa, &old_sa);
    sigaction(SIGTERM, &sa, &old_term);
    clock_gettime(CLOCK_MONOTONIC, t0);
    mn_status st = MN_OK;
    while (st == MN_OK && mn_sim_time(sim) < o->t_end) {
        double stop = o->t_end;
        if (o->cp_every > 0) {
            double next = (floor(mn_sim_time(sim) / o->cp_every + 1e-9) + 1) * o->cp_every;
            if (next < stop) stop = next;
        }
        st = mn_sim_run(sim, stop);
        if (st == MN_OK && o->cp_path && stop < o->t_end) {
            /* the rows up to the checkpoint reach --out before the checkpoint exists, so a
             * restart after SIGKILL finds them (simulate_output_open truncates the rest) */
            if (simulate_output_flush(c) != 0) {
                r->write_error = 1;
                st = MN_ERR_IO;
                break;
            }
            if (simulate_events_flush(c)) {
                st = MN_ERR_IO;
                break;
            }
            if ((st = mn_sim_checkpoint_save(sim, o->cp_path))) break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, t1);
    sigaction(SIGINT, &old_sa, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (r->progress) fputc('\n', stderr);
    *cancelled = st == MN_ERR_CANCELLED && interrupted;
    if (st && !*cancelled) {
        if (r->write_error) return cli_error(CMD, "--out: write to \"%s\" failed", o->out_path);
        if (c->ev_write_error) return simulate_events_close(c, o);
        return cli_fail(CMD, c->ctx, st);
    }
    if (o->cp_path) {
        if (simulate_output_flush(c) != 0) return cli_error(CMD, "--out: write to \"%s\" failed", o->out_path);
        if (simulate_events_flush(c)) return simulate_events_close(c, o);
        mn_status cs = mn_sim_checkpoint_save(sim, o->cp_path);
        if (cs) return cli_fail(CMD, c->ctx, cs);
    }
    return 0;
}
