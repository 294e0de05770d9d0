/* --restart of a simulation: cut an output file back to the checkpoint it resumes from, so
 * that it equals what an uninterrupted run writes (memnet simulate, memnet-mpi simulate;
 * docs/cli.md, "Restart"). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int cli_restart_cut_samples(const char *cmd, FILE *f, const char *path, double t_cp, double dt_out)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    off_t keep = 0, pos = 0;
    double last = -INFINITY;
    int data = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        pos += got;
        if (line[got - 1] != '\n') break;          /* cut mid-row */
        if (line[0] == '#' || (!data && line[0] == 't')) { /* provenance and column names */
            keep = pos;
            continue;
        }
        char *end;
        double t = strtod(line, &end);
        if (end == line || *end != ',' || !(t <= t_cp)) break;
        data = 1;
        last = t;
        keep = pos;
    }
    free(line);
    if (ferror(f)) return cli_error(cmd, "--out: cannot read \"%s\" (%s)", path, strerror(errno));
    /* the last sample the checkpointed run wrote */
    double k = floor(t_cp / dt_out);
    while (k > 0 && k * dt_out > t_cp) k -= 1;
    while ((k + 1) * dt_out <= t_cp) k += 1;
    double expect = k * dt_out;
    if (!(last >= expect))
        return cli_error(cmd, "--restart: \"%s\" has samples up to t = %.17g, but the checkpoint "
                              "is at t = %.17g (its last sample t = %.17g is missing); the CSV and "
                              "the checkpoint do not belong together", path, data ? last : NAN,
                         t_cp, expect);
    fflush(f);
    if (ftruncate(fileno(f), keep) != 0 || fseeko(f, 0, SEEK_END) != 0)
        return cli_error(cmd, "--out: cannot truncate \"%s\" (%s)", path, strerror(errno));
    return 0;
}

int cli_restart_cut_events(const char *cmd, FILE *f, const char *path, double t_cp,
                           unsigned long long n_cp)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    off_t keep = 0, pos = 0;
    unsigned long long rows = 0;
    int header = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        pos += got;
        if (line[got - 1] != '\n') break; /* cut mid-row */
        if (!header) {
            if (strcmp(line, "t,edge,kind\n")) break;
            header = 1;
            keep = pos;
            continue;
        }
        char *end;
        double t = strtod(line, &end);
        if (end == line || *end != ',' || !(t <= t_cp)) break;
        rows++;
        keep = pos;
    }
    free(line);
    if (ferror(f)) return cli_error(cmd, "--events-out: cannot read \"%s\" (%s)", path, strerror(errno));
    if (!header)
        return cli_error(cmd, "--restart: \"%s\" is not a memnet event log (no \"t,edge,kind\" "
                              "line first)", path);
    if (rows != n_cp)
        return cli_error(cmd, "--restart: \"%s\" has %llu events up to the checkpoint time t = "
                              "%.17g, the checkpoint counts %llu; the event log and the checkpoint "
                              "do not belong together", path, rows, t_cp, n_cp);
    fflush(f);
    if (ftruncate(fileno(f), keep) != 0 || fseeko(f, 0, SEEK_END) != 0)
        return cli_error(cmd, "--events-out: cannot truncate \"%s\" (%s)", path, strerror(errno));
    return 0;
}
