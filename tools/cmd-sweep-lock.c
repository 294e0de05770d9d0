/* memnet sweep: one lock file per task, runs/<id>.lock, created with O_CREAT|O_EXCL (atomic on
 * local and NFS v3+ file systems), holding "host pid start-time". A lock is stale when its pid is
 * dead on this host, or when it is older than --stale-after seconds (for workers on other hosts
 * that were killed). A stale lock is broken by renaming it to a name of our own (only one worker
 * can win that rename) and checking that it is still the lock judged stale (cmd-sweep.h). */
#include "cmd-sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* the lock's text (at most cap - 1 bytes) and age in seconds; 0, or -1 when it does not exist */
static int lock_read(const char *path, char *buf, size_t cap, double *age)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    struct stat sb;
    ssize_t n = read(fd, buf, cap - 1);
    if (n < 0) n = 0;
    buf[n] = 0;
    *age = 0;
    if (!fstat(fd, &sb)) *age = difftime(time(NULL), sb.st_mtime);
    close(fd);
    return 0;
}

static int lock_stale(const char *text, double age, const sweep_lock_opts *lo)
{
    char host[256];
    long pid;
    if (lo && lo->stale_after > 0 && age > lo->stale_after) return 1;
    if (sscanf(text, "%255s %ld", host, &pid) != 2) return age > 60; /* being written, or torn */
    if (strcmp(host, sweep_host())) return 0;
    if (pid <= 0) return 1;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int sweep_lock_held(const char *dir, long id, const sweep_lock_opts *lo)
{
    char *path = sweep_path(dir, id, ".lock"), text[512];
    double age;
    int held = path && lock_read(path, text, sizeof text, &age) == 0 && !lock_stale(text, age, lo);
    free(path);
    return held;
}

int sweep_lock_take(const char *dir, long id, const sweep_lock_opts *lo)
{
    char *path = sweep_path(dir, id, ".lock");
    if (!path) return cli_error(SWEEP_CMD, "out of memory"), -1;
    int rc = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd >= 0) {
            char text[512];
            int l = snprintf(text, sizeof text, "%s %ld %lld\n", sweep_host(), (long)getpid(), (long long)time(NULL));
            ssize_t w = write(fd, text, (size_t)l);
            if (close(fd) || w != l) {
                unlink(path);
                cli_error(SWEEP_CMD, "cannot write the lock \"%s\" (%s)", path, strerror(errno));
                rc = -1;
                break;
            }
            rc = 1;
            break;
        }
        if (errno != EEXIST) {
            cli_error(SWEEP_CMD, "cannot create the lock \"%s\" (%s)", path, strerror(errno));
            rc = -1;
            break;
        }
        char text[512], again[512];
        double age;
        if (lock_read(path, text, sizeof text, &age)) continue; /* released meanwhile */
        if (!lock_stale(text, age, lo)) break;                  /* a live worker has it */
        char suffix[320];
        snprintf(suffix, sizeof suffix, ".lock.stale-%s-%ld", sweep_host(), (long)getpid());
        char *mine = sweep_path(dir, id, suffix);
        if (!mine) {
            cli_error(SWEEP_CMD, "out of memory");
            rc = -1;
            break;
        }
        if (rename(path, mine) == 0) {
            double a2;
            if (lock_read(mine, again, sizeof again, &a2) == 0 && strcmp(again, text)) {
                /* another worker broke it and took the task between our read and rename: give
                   its lock back (link fails if yet another lock exists) */
                if (link(mine, path)) { /* nothing more to do */
                }
                unlink(mine);
                free(mine);
                break;
            }
            unlink(mine);
            fprintf(stderr, "memnet sweep: task %ld: broke the stale lock \"%.*s\"\n", id,
                    (int)strcspn(text, "\n"), text);
        }
        free(mine);
    }
    free(path);
    return rc;
}

void sweep_lock_release(const char *dir, long id)
{
    char *path = sweep_path(dir, id, ".lock");
    if (path) unlink(path);
    free(path);
}
