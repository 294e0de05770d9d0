/* memnet sweep run: choose the tasks (--task/--chunk for Slurm arrays, --worker K/N or auto for
 * srun/mpirun ranks, --all), run them in this process (or in --jobs forked worker processes)
 * with one BLAS thread per task by default (the contexts' thread setting), skipping finished
 * ones (cmd-sweep.h). */
#include "cmd-sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: memnet sweep run D (--task I [--chunk C] | --worker K/N | --worker auto | --all)\n"
        "                          [--jobs J] [--threads T] [--stale-after SECONDS]\n"
        "\n"
        "Runs the tasks of the sweep directory D in this process, through the same code as the\n"
        "command itself. A task finished with status 0 and the hash of its options is skipped, so a\n"
        "rerun resumes; a failed task runs again. Every task is taken under an exclusive lock file,\n"
        "so any number of workers on any number of hosts sharing D never run a task twice.\n"
        "  --task I [--chunk C]  tasks I*C .. I*C+C-1 (C = 1 by default): a Slurm array index\n"
        "  --worker K/N          tasks with id mod N = K\n"
        "  --worker auto         K and N from SLURM_PROCID/SLURM_NTASKS (srun) or\n"
        "                        OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE (mpirun), PMI_RANK/PMI_SIZE\n"
        "  --all                 every task (several --all workers share them through the locks)\n"
        "  --jobs J              J worker processes on this host (default 1)\n"
        "  --threads T           BLAS threads per task (default 1): the thread setting of the\n"
        "                        contexts the tasks create (mn_context_set_threads); a task's own\n"
        "                        --threads option wins\n"
        "  --stale-after S       a lock older than S seconds is stale even when its worker runs on\n"
        "                        another host (default: only locks of dead processes on this host)\n");
}

static int parse_kn(const char *k, const char *n, long *K, long *N)
{
    char *e1, *e2;
    *K = strtol(k, &e1, 10);
    *N = strtol(n, &e2, 10);
    return *e1 || *e2 || e1 == k || e2 == n || *N < 1 || *K < 0 || *K >= *N;
}

/* the worker loop over ids; returns the number of failed tasks (or -1) */
static int work(const char *dir, const sweep_manifest *m, const long *ids, size_t n, const sweep_lock_opts *lo,
                size_t *ran, size_t *busy)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        const sweep_task *t = &m->tasks[ids[i]];
        if (sweep_task_state(dir, t, NULL) == SWEEP_DONE) continue;
        int l = sweep_lock_take(dir, t->id, lo);
        if (l < 0) return -1;
        if (l == 0) {
            (*busy)++;
            continue;
        }
        if (sweep_task_state(dir, t, NULL) != SWEEP_DONE) {
            int rc = sweep_task_run(dir, t);
            (*ran)++;
            if (rc) {
                failed++;
                fprintf(stderr, "memnet sweep: task %ld %s (status %d; runs/%ld/stderr.txt)\n", t->id,
                        rc < 0 ? "could not be run" : "failed", rc, t->id);
            }
        }
        sweep_lock_release(dir, t->id);
    }
    return failed;
}

int sweep_run(int argc, char **argv)
{
    const char *dir = NULL, *task = NULL, *worker = NULL;
    long chunk = 1, jobs = 1, threads = 1;
    size_t threads_before = cli_default_threads();
    int all = 0;
    sweep_lock_opts lo = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if ((v = cli_opt_value(argc, argv, &i, "--task"))) task = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--chunk"))) {
            if (cli_parse_long(SWEEP_CMD, "--chunk", v, &chunk)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--worker"))) worker = v;
        else if ((v = cli_opt_value(argc, argv, &i, "--jobs"))) {
            if (cli_parse_long(SWEEP_CMD, "--jobs", v, &jobs)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--threads"))) {
            if (cli_parse_long(SWEEP_CMD, "--threads", v, &threads)) return 2;
        } else if ((v = cli_opt_value(argc, argv, &i, "--stale-after"))) {
            if (cli_parse_double(SWEEP_CMD, "--stale-after", v, &lo.stale_after)) return 2;
        } else if (cli_flag(a, "--all")) all = 1;
        else if (a[0] != '-' && !dir) dir = a;
        else return cli_usage_error(SWEEP_CMD, "run: unknown option \"%s\" (see memnet sweep run --help)", a);
    }
    if (!dir) return cli_usage_error(SWEEP_CMD, "run: missing the sweep directory");
    if ((task != NULL) + (worker != NULL) + all != 1)
        return cli_usage_error(SWEEP_CMD, "run: give exactly one of --task I, --worker K/N, --worker auto, --all");
    if (chunk < 1) return cli_usage_error(SWEEP_CMD, "run: --chunk %ld must be >= 1", chunk);
    if (jobs < 1 || jobs > 4096) return cli_usage_error(SWEEP_CMD, "run: --jobs %ld must be in 1..4096", jobs);
    if (threads < 1 || threads > 1024)
        return cli_usage_error(SWEEP_CMD, "run: --threads %ld must be in 1..1024", threads);
    if (!(lo.stale_after >= 0)) return cli_usage_error(SWEEP_CMD, "run: --stale-after %g must be >= 0", lo.stale_after);

    long K = 0, N = 1;
    if (worker && !strcmp(worker, "auto")) {
        static const char *pairs[][2] = { { "SLURM_PROCID", "SLURM_NTASKS" },
                                          { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE" },
                                          { "PMI_RANK", "PMI_SIZE" },
                                          { "PMIX_RANK", "PMIX_SIZE" } };
        int found = 0;
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0] && !found; p++) {
            const char *k = getenv(pairs[p][0]), *n = getenv(pairs[p][1]);
            if (!k || !n) continue;
            if (parse_kn(k, n, &K, &N))
                return cli_usage_error(SWEEP_CMD, "run: --worker auto: %s=%s, %s=%s is not a rank and a size",
                                       pairs[p][0], k, pairs[p][1], n);
            found = 1;
        }
        if (!found)
            return cli_usage_error(SWEEP_CMD, "run: --worker auto: none of SLURM_PROCID/SLURM_NTASKS, "
                                              "OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE, PMI_RANK/PMI_SIZE is set");
    } else if (worker) {
        const char *sl = strchr(worker, '/');
        char kb[32];
        if (!sl || (size_t)(sl - worker) >= sizeof kb)
            return cli_usage_error(SWEEP_CMD, "run: --worker \"%s\": expected K/N (0 <= K < N) or auto", worker);
        memcpy(kb, worker, (size_t)(sl - worker));
        kb[sl - worker] = 0;
        if (parse_kn(kb, sl + 1, &K, &N))
            return cli_usage_error(SWEEP_CMD, "run: --worker \"%s\": expected K/N (0 <= K < N) or auto", worker);
    }

    sweep_manifest m;
    if (sweep_manifest_read(&m, dir)) return 1;
    long *ids = malloc((m.n_tasks + 1) * sizeof *ids);
    size_t n = 0;
    int rc = 1;
    if (!ids) {
        cli_error(SWEEP_CMD, "out of memory");
        goto done;
    }
    if (task) {
        long I;
        if (cli_parse_long(SWEEP_CMD, "--task", task, &I)) {
            rc = 2;
            goto done;
        }
        if (I < 0 || (size_t)I >= (m.n_tasks + (size_t)chunk - 1) / (size_t)chunk) {
            cli_usage_error(SWEEP_CMD, "run: --task %ld: the sweep has tasks 0..%zu (%zu chunks of %ld)", I,
                            m.n_tasks ? m.n_tasks - 1 : 0, (m.n_tasks + (size_t)chunk - 1) / (size_t)chunk, chunk);
            rc = 2;
            goto done;
        }
        for (long id = I * chunk; id < (I + 1) * chunk && (size_t)id < m.n_tasks; id++) ids[n++] = id;
    } else {
        for (size_t id = 0; id < m.n_tasks; id++)
            if ((long)(id % (size_t)N) == K) ids[n++] = (long)id;
    }

    /* one BLAS thread per task by default: every context a task's command creates gets this
       setting (cli_context_new -> mn_context_set_threads), in this process, no environment */
    cli_set_default_threads((size_t)threads);

    size_t ran = 0, busy = 0;
    int failed = 0;
    if (jobs == 1) {
        failed = work(dir, &m, ids, n, &lo, &ran, &busy);
    } else {
        /* J worker processes share the list through the locks */
        pid_t *kids = calloc((size_t)jobs, sizeof *kids);
        if (!kids) {
            cli_error(SWEEP_CMD, "out of memory");
            goto done;
        }
        fflush(stdout);
        fflush(stderr);
        for (long j = 0; j < jobs; j++) {
            pid_t p = fork();
            if (p < 0) {
                fprintf(stderr, "memnet sweep: fork failed (%s); running with %ld workers\n", strerror(errno), j);
                break;
            }
            if (p == 0) {
                /* start at a different place of the list so the workers rarely meet at a lock */
                size_t start = n * (size_t)j / (size_t)jobs;
                long *rot = malloc((n + 1) * sizeof *rot);
                size_t r = 0, b = 0;
                int f;
                if (!rot) _exit(1);
                for (size_t i = 0; i < n; i++) rot[i] = ids[(start + i) % n];
                f = work(dir, &m, rot, n, &lo, &r, &b);
                fflush(stdout);
                fflush(stderr);
                _exit(f == 0 ? 0 : 1);
            }
            kids[j] = p;
        }
        for (long j = 0; j < jobs; j++) {
            int ws;
            if (kids[j] <= 0) continue;
            while (waitpid(kids[j], &ws, 0) < 0 && errno == EINTR) {
            }
            if (WIFSIGNALED(ws)) {
                fprintf(stderr, "memnet sweep: worker process %ld was killed by signal %d (its task is taken "
                                "again by the next run)\n", (long)kids[j], WTERMSIG(ws));
                failed++;
            } else if (WEXITSTATUS(ws)) {
                failed++;
            }
        }
        free(kids);
    }
    /* what this worker's tasks look like now */
    size_t done_n = 0, failed_n = 0, pending_n = 0;
    for (size_t i = 0; i < n; i++) {
        sweep_state s = sweep_task_state(dir, &m.tasks[ids[i]], NULL);
        if (s == SWEEP_DONE) done_n++;
        else if (s == SWEEP_FAILED) failed_n++;
        else pending_n++;
    }
    cli_out("tasks=%zu\ndone=%zu\nfailed=%zu\npending=%zu\n", n, done_n, failed_n, pending_n);
    if (jobs == 1) cli_out("ran=%zu\nbusy=%zu\n", ran, busy);
    rc = failed ? 1 : 0;
done:
    free(ids);
    sweep_manifest_free(&m);
    cli_set_default_threads(threads_before);
    return rc;
}
