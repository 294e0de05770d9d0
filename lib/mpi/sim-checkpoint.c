/*
 * libmemnet-mpi: checkpoints and snapshots of the distributed simulation as one binary file
 * per rank plus a text manifest written by rank 0 (docs/scaling.md gives the layouts).
 *
 * Files are in the host's byte order (the manifest names it; a reader of the other order
 * refuses) and end with a 64-bit FNV-1a checksum of everything before it. Each file is written
 * to PATH.tmp, synced and renamed over PATH (PATH must be absent or a regular file); the
 * manifest is written last, so a manifest names complete files.
 *
 * Bit-for-bit continuation (as lib/sim/checkpoint.c): CVODE's history and the solver's
 * hierarchy are not saved; instead saving drops them in the saving run too
 * (mn__mpi_sim_reset_at: a new AMG setup, CG from zero, the integrator restarted at the saved
 * time), exactly as a resumed run starts, so both continue identically on the same ranks.
 */
#include "sim-impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CKPT_MAGIC "MNMPICK1"
#define SNAP_MAGIC "MNMPISN1"
#define PATH_MAX_ 4096

typedef struct wfile {
    FILE *f;
    uint64_t h, bytes;
} wfile;

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= c[i];
        *h *= 0x100000001b3ULL;
    }
}

static void put(wfile *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->f) == n) {
        fnv(&w->h, p, n);
        w->bytes += n;
    }
}
static void put_u64(wfile *w, uint64_t v) { put(w, &v, sizeof v); }
static void put_i64(wfile *w, int64_t v) { put(w, &v, sizeof v); }
static void put_f64(wfile *w, double v) { put(w, &v, sizeof v); }

static int little_endian(void)
{
    uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

/* the target must be absent or a regular file (a device, FIFO or link is never replaced) */
static mn_status check_target(mn_context *ctx, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? MN_OK
                               : mn__error(ctx, MN_ERR_IO, "\"%s\": %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return mn__error(ctx, MN_ERR_IO, "\"%s\" is not a regular file; only a regular file is "
                         "replaced", path);
    return MN_OK;
}

static mn_status open_tmp(mn_context *ctx, const char *path, wfile *w, char *tmp)
{
    memset(w, 0, sizeof *w);
    w->h = 0xcbf29ce484222325ULL;
    mn_status st = check_target(ctx, path);
    if (st != MN_OK) return st;
    if ((size_t)snprintf(tmp, PATH_MAX_, "%s.tmp", path) >= PATH_MAX_)
        return mn__error(ctx, MN_ERR_INVALID, "path \"%s\" is too long", path);
    if ((st = check_target(ctx, tmp)) != MN_OK) return st;
    w->f = fopen(tmp, "wb");
    if (!w->f) return mn__error(ctx, MN_ERR_IO, "\"%s\": cannot open (%s)", tmp, strerror(errno));
    return MN_OK;
}

/* flush, sync, close and rename; a failure is reported, the file is left as it is */
static mn_status close_rename(mn_context *ctx, wfile *w, const char *tmp, const char *path)
{
    int bad = ferror(w->f), err = bad ? EIO : 0;
    if (!bad && fflush(w->f) != 0) bad = 1, err = errno;
    if (!bad && fsync(fileno(w->f)) != 0) bad = 1, err = errno;
    if (fclose(w->f) != 0 && !bad) bad = 1, err = errno;
    w->f = NULL;
    if (bad) return mn__error(ctx, MN_ERR_IO, "\"%s\": write failed (%s)", tmp, strerror(err));
    if (rename(tmp, path) != 0)
        return mn__error(ctx, MN_ERR_IO, "rename \"%s\" -> \"%s\": %s", tmp, path, strerror(errno));
    return MN_OK;
}

static const char *base_name(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

/* rank 0 writes the manifest: kind, time, counts and each rank's file, size and checksum */
static mn_status write_manifest(mn_mpi_sim *s, const char *prefix, const char *kind,
                                const char *ext, uint64_t bytes, uint64_t hash)
{
    MPI_Comm comm = s->k->comm;
    int rank = 0, p = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &p);
    uint64_t mine[2] = {bytes, hash}, *all = NULL;
    mn_status st = MN_OK;
    if (rank == 0) {
        all = mn__malloc_or_err(s->ctx, 2 * (size_t)p, sizeof *all, "manifest");
        if (!all) st = MN_ERR_NOMEM;
    }
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) return st;
    MPI_Gather(mine, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T, 0, comm);
    if (rank == 0) {
        char path[PATH_MAX_], tmp[PATH_MAX_];
        wfile w;
        if ((size_t)snprintf(path, sizeof path, "%s.manifest", prefix) >= sizeof path)
            st = mn__error(s->ctx, MN_ERR_INVALID, "prefix \"%s\" is too long", prefix);
        if (st == MN_OK) st = open_tmp(s->ctx, path, &w, tmp);
        if (st == MN_OK) {
            mn__c_locale lc;
            int havelc = mn__c_locale_begin(&lc) == 0;
            fprintf(w.f, "memnet-mpi-%s 1\n", kind);
            fprintf(w.f, "ranks %d\n", p);
            fprintf(w.f, "t %a\n", s->t);
            fprintf(w.f, "edges %lld\n", (long long)s->k->g->m_global);
            fprintf(w.f, "events %llu\n", (unsigned long long)s->n_events);
            fprintf(w.f, "byte_order %s\n", little_endian() ? "little" : "big");
            for (int r = 0; r < p; r++) {
                char name[PATH_MAX_];
                snprintf(name, sizeof name, "%s.rank%d.%s", base_name(prefix), r, ext);
                fprintf(w.f, "file %d %s %llu %016llx\n", r, name,
                        (unsigned long long)all[2 * r], (unsigned long long)all[2 * r + 1]);
            }
            fprintf(w.f, "end\n");
            if (havelc) mn__c_locale_end(&lc);
            st = close_rename(s->ctx, &w, tmp, path);
        }
    }
    mn__free(s->ctx, all);
    return mn__mpi_agree(s->ctx, comm, st);
}

static mn_status rank_path(mn_mpi_sim *s, const char *prefix, const char *ext, char *path)
{
    int rank = 0;
    MPI_Comm_rank(s->k->comm, &rank);
    if ((size_t)snprintf(path, PATH_MAX_, "%s.rank%d.%s", prefix, rank, ext) >= PATH_MAX_)
        return mn__error(s->ctx, MN_ERR_INVALID, "prefix \"%s\" is too long", prefix);
    return MN_OK;
}

static void put_header(wfile *w, mn_mpi_sim *s, const char *magic)
{
    int rank = 0, p = 1;
    MPI_Comm_rank(s->k->comm, &rank);
    MPI_Comm_size(s->k->comm, &p);
    put(w, magic, 8);
    put_u64(w, 1); /* version */
    put_u64(w, (uint64_t)rank);
    put_u64(w, (uint64_t)p);
    put_u64(w, (uint64_t)s->m);
    put_u64(w, (uint64_t)s->ns);
    put_i64(w, s->eoff);
    put_i64(w, s->k->g->m_global);
    put_f64(w, s->t);
    put_u64(w, s->n_events);
}

mn_status mn_mpi_sim_checkpoint_save(mn_mpi_sim *s, const char *prefix)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    if (!prefix || !prefix[0]) st = mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: no prefix");
    else if (!s->initialised) st = mn__error(s->ctx, MN_ERR_STATE, "checkpoint: not initialised");
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    /* the outputs up to this time reach their files before the checkpoint says they exist */
    if (s->csv && fflush(s->csv) != 0)
        st = mn__error(s->ctx, MN_ERR_IO, "simulation CSV: write failed (%s)", strerror(errno));
    if (st == MN_OK && s->ev_csv && fflush(s->ev_csv) != 0)
        st = mn__error(s->ctx, MN_ERR_IO, "event CSV: write failed (%s)", strerror(errno));
    /* the common starting point of this run and a resumed one */
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    if ((st = mn__mpi_sim_reset_at(s)) != MN_OK) return st;
    char path[PATH_MAX_], tmp[PATH_MAX_];
    wfile w = {0};
    st = rank_path(s, prefix, "ckpt", path);
    if (st == MN_OK) st = open_tmp(s->ctx, path, &w, tmp);
    if (st == MN_OK) {
        put_header(&w, s, CKPT_MAGIC);
        const double *x = N_VGetArrayPointer(s->yl);
        if (s->ns) put(&w, x, s->ns * sizeof *x);
        uint64_t h = w.h;
        put_u64(&w, h);
        w.h = h;
        st = close_rename(s->ctx, &w, tmp, path);
    }
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    return write_manifest(s, prefix, "checkpoint", "ckpt", w.bytes, w.h);
}

/* ---------------------------------------------------------------- reading */

typedef struct manifest {
    int ranks;
    double t;
    long long edges;
    unsigned long long events;
    int little;
} manifest;

static mn_status read_manifest(mn_mpi_sim *s, const char *prefix, const char *kind, manifest *mf,
                               uint64_t *bytes, uint64_t *hash, int p)
{
    char path[PATH_MAX_], line[PATH_MAX_ + 128], word[64], name[PATH_MAX_];
    if ((size_t)snprintf(path, sizeof path, "%s.manifest", prefix) >= sizeof path)
        return mn__error(s->ctx, MN_ERR_INVALID, "prefix \"%s\" is too long", prefix);
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(s->ctx, MN_ERR_IO, "\"%s\": cannot open (%s)", path, strerror(errno));
    mn_status st = MN_OK;
    mn__c_locale lc;
    int havelc = mn__c_locale_begin(&lc) == 0;
    int seen = 0, ended = 0, nfiles = 0;
    char bo[16] = "";
    snprintf(word, sizeof word, "memnet-mpi-%s 1", kind);
    if (!fgets(line, sizeof line, f) || strncmp(line, word, strlen(word)) != 0)
        st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": not a memnet-mpi %s manifest", path, kind);
    while (st == MN_OK && !ended && fgets(line, sizeof line, f)) {
        int r;
        unsigned long long b, h;
        if (sscanf(line, "ranks %d", &mf->ranks) == 1) seen |= 1;
        else if (sscanf(line, "t %la", &mf->t) == 1) seen |= 2;
        else if (sscanf(line, "edges %lld", &mf->edges) == 1) seen |= 4;
        else if (sscanf(line, "events %llu", &mf->events) == 1) seen |= 8;
        else if (sscanf(line, "byte_order %15s", bo) == 1) seen |= 16;
        else if (sscanf(line, "file %d %4095s %llu %llx", &r, name, &b, &h) == 4) {
            if (r < 0 || r >= p || r != nfiles)
                st = mn__error(s->ctx, MN_ERR_RANGE, "\"%s\": file of rank %d on %d ranks "
                               "(the checkpoint needs the rank count it was written on)", path, r, p);
            else {
                bytes[r] = b;
                hash[r] = h;
                nfiles++;
            }
        } else if (strncmp(line, "end", 3) == 0) ended = 1;
        else st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": bad line \"%.60s\"", path, line);
    }
    if (havelc) mn__c_locale_end(&lc);
    fclose(f);
    if (st != MN_OK) return st;
    if (!ended || seen != 31)
        return mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": incomplete manifest", path);
    if (mf->ranks != p || nfiles != p)
        return mn__error(s->ctx, MN_ERR_RANGE, "\"%s\" was written on %d ranks, this run has %d",
                         path, mf->ranks, p);
    mf->little = strcmp(bo, "little") == 0;
    if (mf->little != little_endian())
        return mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": byte order %s differs from this host's",
                         path, bo);
    if (!isfinite(mf->t)) return mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": bad time", path);
    return MN_OK;
}

static int get(FILE *f, void *p, size_t n, uint64_t *h)
{
    if (fread(p, 1, n, f) != n) return 0;
    fnv(h, p, n);
    return 1;
}

mn_status mn_mpi_sim_checkpoint_load(mn_mpi_sim *s, const char *prefix)
{
    if (!s) return MN_ERR_INVALID;
    MPI_Comm comm = s->k->comm;
    int rank = 0, p = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &p);
    mn_status st = MN_OK;
    manifest mf = {0};
    uint64_t *bytes = mn__calloc_or_err(s->ctx, (size_t)p, sizeof *bytes, "manifest");
    uint64_t *hash = mn__calloc_or_err(s->ctx, (size_t)p, sizeof *hash, "manifest");
    uint64_t mine[2] = {0, 0};
    double *x = NULL;
    FILE *f = NULL;
    if (!bytes || !hash) st = MN_ERR_NOMEM;
    else if (!prefix || !prefix[0]) st = mn__error(s->ctx, MN_ERR_INVALID, "checkpoint: no prefix");
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) goto cleanup;
    if (rank == 0) st = read_manifest(s, prefix, "checkpoint", &mf, bytes, hash, p);
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) goto cleanup;
    MPI_Bcast(&mf, (int)sizeof mf, MPI_BYTE, 0, comm);
    {
        uint64_t bh[2] = {bytes[0], hash[0]}, *pairs = NULL;
        if (rank == 0) {
            pairs = mn__malloc_or_err(s->ctx, 2 * (size_t)p, sizeof *pairs, "manifest");
            if (pairs)
                for (int r = 0; r < p; r++) pairs[2 * r] = bytes[r], pairs[2 * r + 1] = hash[r];
        }
        if ((st = mn__mpi_agree(s->ctx, comm, rank == 0 && !pairs ? MN_ERR_NOMEM : MN_OK)))
            goto cleanup;
        MPI_Scatter(pairs, 2, MPI_UINT64_T, bh, 2, MPI_UINT64_T, 0, comm);
        mn__free(s->ctx, pairs);
        mine[0] = bh[0];
        mine[1] = bh[1];
    }
    if ((st = mn__mpi_sim_make_vectors(s)) != MN_OK) goto cleanup;
    char path[PATH_MAX_];
    if ((st = rank_path(s, prefix, "ckpt", path)) == MN_OK) {
        f = fopen(path, "rb");
        if (!f) st = mn__error(s->ctx, MN_ERR_IO, "\"%s\": cannot open (%s)", path, strerror(errno));
    }
    x = mn__malloc_or_err(s->ctx, s->ns ? s->ns : 1, sizeof *x, "checkpoint states");
    if (st == MN_OK && !x) st = MN_ERR_NOMEM;
    if (st == MN_OK) {
        uint64_t h = 0xcbf29ce484222325ULL, v[5], sum = 0;
        int64_t eo, mg;
        double t;
        unsigned long long nev;
        char magic[8];
        int ok = get(f, magic, 8, &h) && memcmp(magic, CKPT_MAGIC, 8) == 0 &&
                 get(f, v, sizeof v, &h) && get(f, &eo, 8, &h) && get(f, &mg, 8, &h) &&
                 get(f, &t, 8, &h) && get(f, &nev, 8, &h);
        if (!ok) st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": not a memnet-mpi checkpoint", path);
        else if (v[0] != 1 || v[1] != (uint64_t)rank || v[2] != (uint64_t)p)
            st = mn__error(s->ctx, MN_ERR_RANGE, "\"%s\": version %llu of rank %llu of %llu, "
                           "expected 1 of rank %d of %d", path, (unsigned long long)v[0],
                           (unsigned long long)v[1], (unsigned long long)v[2], rank, p);
        else if (v[3] != (uint64_t)s->m || v[4] != (uint64_t)s->ns || eo != s->eoff ||
                 mg != s->k->g->m_global)
            st = mn__error(s->ctx, MN_ERR_RANGE, "\"%s\": %llu edges and %llu states from edge "
                           "%lld, this rank has %zu and %zu from %lld", path,
                           (unsigned long long)v[3], (unsigned long long)v[4], (long long)eo,
                           s->m, s->ns, (long long)s->eoff);
        else if (memcmp(&t, &mf.t, sizeof t) != 0 || nev != mf.events)
            st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": time or event count differs from the "
                           "manifest", path);
        else if (s->ns && !get(f, x, s->ns * sizeof *x, &h))
            st = mn__error(s->ctx, MN_ERR_IO, "\"%s\": short file", path);
        else if (fread(&sum, 1, 8, f) != 8 || sum != h || h != mine[1])
            st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": checksum mismatch", path);
        else if (fgetc(f) != EOF || (uint64_t)ftell(f) != mine[0])
            st = mn__error(s->ctx, MN_ERR_PARSE, "\"%s\": data after the checksum", path);
        for (size_t i = 0; st == MN_OK && i < s->ns; i++)
            if (!(x[i] >= s->lo[i] && x[i] <= s->hi[i]))
                st = mn__error(s->ctx, MN_ERR_RANGE, "\"%s\": state %zu = %g outside its bounds "
                               "[%g, %g]", path, i, x[i], s->lo[i], s->hi[i]);
    }
    if ((st = mn__mpi_agree(s->ctx, comm, st)) != MN_OK) goto cleanup;
    if (s->ns) memcpy(N_VGetArrayPointer(s->yl), x, s->ns * sizeof *x);
    s->t = mf.t;
    s->n_events = s->ev_first = mf.events;
    s->initialised = 1;
    /* samples up to and including the saved time belong to the saving run */
    if (s->samp_on) {
        mn_mpi_sim_set_sample_interval(s, s->samp_t0, s->samp_dt);
        while (mn__mpi_sim_next_sample(s) <= s->t) s->samp_k++;
    }
    st = mn__mpi_sim_reset_at(s);
cleanup:
    if (f) fclose(f);
    mn__free(s->ctx, x);
    mn__free(s->ctx, bytes);
    mn__free(s->ctx, hash);
    return st;
}

/* ---------------------------------------------------------------- snapshots */

mn_status mn_mpi_sim_snapshot_save(mn_mpi_sim *s, const char *prefix)
{
    if (!s) return MN_ERR_INVALID;
    mn_status st = MN_OK;
    if (!prefix || !prefix[0]) st = mn__error(s->ctx, MN_ERR_INVALID, "snapshot: no prefix");
    else if (!s->initialised) st = mn__error(s->ctx, MN_ERR_STATE, "snapshot: not initialised");
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    const double *x = N_VGetArrayPointer(s->yl);
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, mn__mpi_sim_evaluate(s, s->t, x, 0, NULL))))
        return st;
    char path[PATH_MAX_], tmp[PATH_MAX_];
    wfile w = {0};
    st = rank_path(s, prefix, "bin", path);
    if (st == MN_OK) st = open_tmp(s->ctx, path, &w, tmp);
    if (st == MN_OK) {
        mn_mpi_graph *g = s->k->g;
        const double *Ve = mn_mpi_kirchhoff_edge_voltages(s->k);
        const double *Ie = mn_mpi_kirchhoff_edge_currents(s->k);
        const double *phi = mn_mpi_kirchhoff_potentials(s->k);
        size_t nown = (size_t)(g->rend - g->rstart);
        put_header(&w, s, SNAP_MAGIC);
        put_u64(&w, (uint64_t)s->nst);
        put_u64(&w, (uint64_t)nown);
        for (size_t e = 0; e < s->m; e++) {
            put_i64(&w, s->eoff + (int64_t)e);
            put_i64(&w, g->eu[e]);
            put_i64(&w, g->ev[e]);
            put(&w, x + s->off[e], s->nst * sizeof *x);
            put_f64(&w, s->G[e]);
            put_f64(&w, Ve[e]);
            put_f64(&w, Ie[e]);
        }
        for (size_t i = 0; i < nown; i++) {
            put_i64(&w, g->local_nodes[i]);
            put_f64(&w, phi[i]);
        }
        uint64_t h = w.h;
        put_u64(&w, h);
        w.h = h;
        st = close_rename(s->ctx, &w, tmp, path);
    }
    if ((st = mn__mpi_agree(s->ctx, s->k->comm, st)) != MN_OK) return st;
    return write_manifest(s, prefix, "snapshot", "bin", w.bytes, w.h);
}
