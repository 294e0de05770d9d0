/*
 * Reliability of the file and string parsers (issue 14): declared counts that overflow or
 * exceed the data, declared sizes that would drive allocation before the data is seen, loops
 * whose increment vanishes, NUL bytes inside numbers, byte order marks, CRLF, and strict
 * validation of checkpoints. Every case here was a crash, hang, blow-up or wrong value before.
 */
#include "mn-test.h"
#include "sim/sim-private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mn_context *ctx;

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void)
{
    mn_context_free(ctx);
    ctx = NULL;
}

static const char *put(const char *name, const char *text, size_t len)
{
    const char *path = mn_test_tmpfile(name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}
#define PUT(name, lit) put(name, lit, sizeof lit - 1)

static mn_status load(const char *path)
{
    mn_graph *g = NULL;
    mn_status st = mn_graph_load(&g, ctx, path);
    ck_assert(st != MN_OK || g != NULL);
    mn_graph_free(g);
    return st;
}

/* ---------------------------------------------------------------- native network files */

START_TEST(test_native_counts)
{
    /* 1e8 value columns declared by a 52-byte file: refused by the limit, before allocation */
    const char *p = PUT("rel-cols.net", "memnet-network 1\nnodes 2\nedges 0 columns 100000000\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "limit 4096");
    /* a column count that wraps the value-buffer size (was a heap overflow) */
    p = PUT("rel-cols2.net", "memnet-network 1\nnodes 2\nedges 1 columns 2305843009213693951\n0 1 5\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "column count");
    p = PUT("rel-cols3.net", "memnet-network 1\nnodes 2\nedges 1 columns 18446744073709551616\n0 1\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "column count");
    /* a node-set count of 2^64 - 1 (count + 1 wrapped to 0: heap overflow) */
    p = PUT("rel-set.net", "memnet-network 1\nnodes 2\nedges 1\n0 1\nset a 18446744073709551615\n0 1\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "set size");
    /* a node-set count larger than the ids present: end of file, nothing allocated by it */
    p = PUT("rel-set2.net", "memnet-network 1\nnodes 2\nedges 1\n0 1\nset a 2000000000\n0 1\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "set a: bad node id \"end\"");
    /* negative counts do not wrap */
    p = PUT("rel-neg.net", "memnet-network 1\nnodes -1\nedges 0\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "node count \"-1\" is not a count");
    p = PUT("rel-neg2.net", "memnet-network 1\nnodes 2\nedges -5\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "edge count \"-5\"");
    /* declared edges beyond the data: the edges grow with the lines read */
    p = PUT("rel-edges.net", "memnet-network 1\nnodes 2\nedges 2000000000\n0 1\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "unexpected end of file");
    /* declared coordinates beyond the data */
    p = PUT("rel-xy.net", "memnet-network 1\nnodes 2000000000 xy\n0 0\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "unexpected end of file");
    /* nodes without coordinates far beyond the edges */
    p = PUT("rel-nodes.net", "memnet-network 1\nnodes 2000000000\nedges 0\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "limit 2 x edges + 1048576");
    /* values: too few, too many, ids out of range, text after end, unknown words */
    p = PUT("rel-few.net", "memnet-network 1\nnodes 2\nedges 1 columns 2\n0 1 5\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "needs 2 values");
    p = PUT("rel-many.net", "memnet-network 1\nnodes 2\nedges 1 columns 1\n0 1 5 6\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "more than 1 values");
    p = PUT("rel-id.net", "memnet-network 1\nnodes 2\nedges 1\n0 7\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_RANGE, "node id 7 is out of range");
    p = PUT("rel-after.net", "memnet-network 1\nnodes 2\nedges 1\n0 1\nend\nedges 3\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "text after 'end'");
    p = PUT("rel-word.net", "memnet-network 1\nnodes 2\nedges 1 colums 3\n0 1\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "unexpected \"colums\"");
    p = PUT("rel-nul.net", "memnet-network 1\nnodes 2\nedges 1 columns 1\n0 1 3\0.5\nend\n");
    MN_ASSERT_ERR(ctx, load(p), MN_ERR_PARSE, "NUL byte");
    /* a well-formed file with everything still loads: BOM, CRLF, comments */
    p = PUT("rel-ok.net", "\xEF\xBB\xBFmemnet-network 1\r\nnodes 3 xy\r\n0 0\r\n1 0\r\n2 0.5\r\n"
                          "edges 2 length columns 1 # comment\r\n0 1 1.5 7\r\n1 2 0.25 -3\r\n"
                          "set left 1\r\n0\r\nend\r\n\r\n# trailing comment\r\n");
    mn_graph *g = NULL;
    MN_ASSERT_OK(ctx, mn_graph_load(&g, ctx, p));
    ck_assert_uint_eq(mn_graph_node_count(g), 3);
    ck_assert_uint_eq(mn_graph_edge_count(g), 2);
    ck_assert(mn_graph_edge_lengths(g)[1] == 0.25);
    ck_assert(mn_graph_edge_column(g, 0)[1] == -3);
    ck_assert(mn_graph_node_y(g)[2] == 0.5);
    mn_graph_free(g);
}
END_TEST

/* ---------------------------------------------------------------- edge lists */

START_TEST(test_edgelist)
{
    mn_graph *g = NULL;
    /* 10 bytes that used 2.2 GB downstream: refused, naming the limit */
    const char *p = PUT("rel-big.txt", "0 9999999\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, p, 0, 0), MN_ERR_RANGE, "limit 1048577");
    ck_assert_ptr_null(g);
    /* the same file with a declared node count is what the user asked for */
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&g, ctx, p, 10000000, 0));
    ck_assert_uint_eq(mn_graph_node_count(g), 10000000);
    mn_graph_free(g);
    g = NULL;
    /* an id of 2^63 is an integer, too large: say so */
    p = PUT("rel-2p63.txt", "0 9223372036854775808\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, p, 0, 0), MN_ERR_RANGE,
                  "node id \"9223372036854775808\" is too large");
    p = PUT("rel-2p62.txt", "0 4611686018427387904\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, p, 0, 0), MN_ERR_RANGE, "too large");
    /* a NUL byte inside a number is not "3" */
    p = PUT("rel-nul.txt", "0 1 3\0.5\n");
    MN_ASSERT_ERR(ctx, mn_graph_read_edgelist(&g, ctx, p, 0, 0), MN_ERR_PARSE, "line 1: NUL byte");
    /* a byte order mark is accepted (it was shown as an invisible character) */
    p = PUT("rel-bom.txt", "\xEF\xBB\xBF" "0 1 2.5\n1 2 0.5\n");
    MN_ASSERT_OK(ctx, mn_graph_read_edgelist(&g, ctx, p, 0, 0));
    ck_assert_uint_eq(mn_graph_edge_count(g), 2);
    ck_assert(mn_graph_edge_column(g, 0)[0] == 2.5);
    mn_graph_free(g);
}
END_TEST

/* ---------------------------------------------------------------- waveforms */

START_TEST(test_waveform_far_times)
{
    mn_waveform *w = NULL;
    /* a delay of 2^60 periods: refused (the breakpoint search looped for ever) */
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "pulse:1:1e-3:2e-3:0:3e15"), MN_ERR_RANGE,
                  "2^52 periods");
    ck_assert_ptr_null(w);
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, "tri:0:1:1e-6:0:1e12"), MN_ERR_RANGE,
                  "2^52 periods");
    /* a valid train asked for its breakpoint 2^60 periods on returns (no endless loop) */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "pulse:1:0.5:1"));
    double t = 0x1p60;
    double b = mn_waveform_next_breakpoint(w, t);
    ck_assert(b > t || isinf(b));
    b = mn_waveform_next_breakpoint(w, 1e300);
    ck_assert(b > 1e300 || isinf(b));
    /* near the start the edges are exact: 0.5, 1, 1.5 */
    MN_ASSERT_REL(mn_waveform_next_breakpoint(w, 0.25), 0.5, 0);
    MN_ASSERT_REL(mn_waveform_next_breakpoint(w, 0.5), 1.0, 0);
    mn_waveform_free(w);
    w = NULL;
    /* a sine at a time where 2 pi f t overflows is still a number (was NaN; fuzz-waveform) */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "sine:00:444444440."));
    ck_assert(isfinite(mn_waveform_value(w, 1e300)));
    MN_ASSERT_REL(mn_waveform_value(w, 1e300), 0.0, 0); /* amplitude 0 */
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "sine:2:4e8"));
    double v = mn_waveform_value(w, 1e300);
    ck_assert(isfinite(v) && fabs(v) <= 2);
    mn_waveform_free(w);
    w = NULL;
    /* a period far below the resolution of t: the period index overflowed (inf - inf = NaN;
     * fuzz-waveform, tri:0:0:1e-35); the value is a number within [low, high] */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "tri:0:0:1e-35"));
    double far[] = { 1e15, 0x1p60, 1e300, -1e300 };
    for (int i = 0; i < 4; i++) MN_ASSERT_REL(mn_waveform_value(w, far[i]), 0.0, 0);
    mn_waveform_free(w);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "tri:1:3:1e-35"));
    for (int i = 0; i < 4; i++) {
        double fv = mn_waveform_value(w, far[i]);
        ck_assert_msg(fv >= 1 && fv <= 3, "t = %g: %g", far[i], fv);
    }
    mn_waveform_free(w);
    w = NULL;
    /* a sawtooth (rise = period): finite everywhere, on both sides of each breakpoint (the
     * fall of length 0 divided by 0; fuzz-waveform) */
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, "tri:0:1:0.1:0:1:0.1"));
    for (double tt = -1; tt < 3; tt = mn_waveform_next_breakpoint(w, tt)) {
        double a = mn_waveform_value(w, tt), l = mn_waveform_value_left(w, tt);
        ck_assert_msg(isfinite(a) && isfinite(l) && a >= -1e-12 && a <= 1 + 1e-12 &&
                      l >= -1e-12 && l <= 1 + 1e-12, "t = %.17g: %g, left %g", tt, a, l);
    }
    mn_waveform_free(w);
    w = NULL;
    /* pwl files: NUL bytes, byte order mark, CRLF */
    const char *p = PUT("rel-nul.pwl", "0 0\n1 3\0.5\n");
    char spec[4200];
    snprintf(spec, sizeof spec, "pwlfile:%s", p);
    MN_ASSERT_ERR(ctx, mn_waveform_parse(&w, ctx, spec), MN_ERR_PARSE, "NUL byte");
    p = PUT("rel-bom.pwl", "\xEF\xBB\xBFt,V\r\n0,0\r\n2,4\r\n");
    snprintf(spec, sizeof spec, "pwlfile:%s", p);
    MN_ASSERT_OK(ctx, mn_waveform_parse(&w, ctx, spec));
    MN_ASSERT_REL(mn_waveform_value(w, 1.0), 2.0, 0);
    mn_waveform_free(w);
}
END_TEST

/* ---------------------------------------------------------------- checkpoints */

typedef struct run {
    mn_graph *g;
    mn_model *model;
    mn_network *net;
    mn_waveform *w;
    mn_sim *sim;
} run;

/* a 3-node chain of miranda junctions between node 0 (1 V) and node 2 (ground) */
static void make_run(run *r)
{
    mn_index u[] = { 0, 1 }, v[] = { 1, 2 };
    memset(r, 0, sizeof *r);
    MN_ASSERT_OK(ctx, mn_graph_new_from_edges(&r->g, ctx, 3, 2, u, v));
    MN_ASSERT_OK(ctx, mn_model_new(&r->model, ctx, "miranda"));
    MN_ASSERT_OK(ctx, mn_model_set_assignment(r->model, "Gmin=1e-2"));
    MN_ASSERT_OK(ctx, mn_network_new(&r->net, r->g));
    MN_ASSERT_OK(ctx, mn_network_assign(r->net, r->model, NULL, 0, NULL));
    MN_ASSERT_OK(ctx, mn_sim_new(&r->sim, r->net));
    MN_ASSERT_OK(ctx, mn_waveform_new_dc(&r->w, ctx, 1.0));
    mn_index a = 0, c = 2;
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(r->sim, &a, 1, r->w, NULL));
    MN_ASSERT_OK(ctx, mn_sim_add_electrode(r->sim, &c, 1, NULL, NULL));
    MN_ASSERT_OK(ctx, mn_sim_init_uniform(r->sim, 0.0, 0.25));
}

static void free_run(run *r)
{
    mn_sim_free(r->sim);
    mn_waveform_free(r->w);
    mn_network_free(r->net);
    mn_model_free(r->model);
    mn_graph_free(r->g);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(1 << 16);
    *n = fread(buf, 1, (1 << 16) - 1, f);
    buf[*n] = 0;
    fclose(f);
    return buf;
}

/* replace the first occurrence of `from` in the saved text by `to`, write it as `name` */
static const char *variant(const char *text, const char *from, const char *to, const char *name)
{
    static char out[1 << 16];
    const char *at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    size_t k = (size_t)(at - text);
    memcpy(out, text, k);
    strcpy(out + k, to);
    strcat(out, at + strlen(from));
    return put(name, out, strlen(out));
}

START_TEST(test_checkpoint_strict)
{
    run r;
    make_run(&r);
    MN_ASSERT_OK(ctx, mn_sim_run(r.sim, 0.5));
    char path[4096]; /* mn_test_tmpfile's buffer is reused */
    snprintf(path, sizeof path, "%s", mn_test_tmpfile("rel-cp.txt"));
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_save(r.sim, path));
    size_t n;
    char *text = slurp(path, &n);
    char *state_line = strstr(text, "\nx\n") + 3; /* first state value, in %a */
    char first[64];
    sscanf(state_line, "%63s", first);
    /* a state outside the model's bounds [0, 1] (it was clamped silently) */
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, first, "0x1p+1", "rel-cp1")),
                  MN_ERR_RANGE, "outside the model's bounds");
    /* an unknown integrator id (it was ignored) */
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "integrator 0", "integrator 9", "rel-cp2")),
                  MN_ERR_PARSE, "unknown integrator id 9");
    /* the Newton iteration field: an unknown id is named, so is a malformed field;
       a valid one is taken (the run set none) */
    static const struct { const char *field, *message; } bad_newton[] = {
        { "newton 7", "unknown Newton iteration id 7" },
        { "newton 3", "unknown Newton iteration id 3" },
        { "newton 99999999999999999999", "bad Newton iteration field \"newton 99999999999999999999\"" },
        { "newton -1", "bad Newton iteration field \"newton -1\"" },
        { "newton krylov", "bad Newton iteration field \"newton krylov\"" },
        { "newton", "bad Newton iteration field \"newton\"" },
        { "newton 1 newton 2", "bad Newton iteration field \"newton 1 newton 2\"" },
        { "newtons 1", "bad Newton iteration field \"newtons 1\"" },
    };
    for (size_t q = 0; q < sizeof bad_newton / sizeof bad_newton[0]; q++) {
        char line[96];
        snprintf(line, sizeof line, "integrator 0 %s", bad_newton[q].field);
        MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "integrator 0", line, "rel-cp2n")),
                      MN_ERR_PARSE, bad_newton[q].message);
    }
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "integrator 0", "integrator 0 newton 2", "rel-cp2n")));
    ck_assert_int_eq(mn__sim_newton(r.sim), MN_SIM_NEWTON_KRYLOV);
    MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(r.sim, path));
    ck_assert_int_eq(mn__sim_newton(r.sim), MN_SIM_NEWTON_AUTO);
    /* negative counts (they wrapped) */
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "events 0", "events -1", "rel-cp3")),
                  MN_ERR_PARSE, "bad event count");
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "edges 2", "edges -2", "rel-cp4")),
                  MN_ERR_PARSE, "bad size line");
    /* trailing garbage (it was accepted) */
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "end\n", "end\ngarbage\n", "rel-cp5")),
                  MN_ERR_PARSE, "text after the end line");
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, first, "0x1p-2junk", "rel-cp6")),
                  MN_ERR_PARSE, "bad state value 0");
    /* a time that overflows the sample grid's integer index (undefined behaviour, then a hang) */
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(r.sim, 0.0, 0.1));
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, variant(text, "t 0x1p-1", "t 0x1p+1000", "rel-cp7")),
                  MN_ERR_RANGE, "2^52 sample intervals");
    /* NUL byte */
    {
        char buf[1 << 16];
        memcpy(buf, text, n);
        char *z = strstr(buf, "events");
        z[1] = '\0';
        MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, put("rel-cp8", buf, n)), MN_ERR_PARSE, "NUL byte");
    }
    /* CRLF line endings: the same checkpoint, accepted; the run continues identically */
    {
        static char crlf[1 << 17];
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (text[i] == '\n') crlf[k++] = '\r';
            crlf[k++] = text[i];
        }
        const char *pc = put("rel-cp9", crlf, k);
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(r.sim, pc));
        MN_ASSERT_OK(ctx, mn_sim_run(r.sim, 1.0));
        double a = mn_sim_states(r.sim)[0];
        MN_ASSERT_OK(ctx, mn_sim_checkpoint_load(r.sim, path));
        MN_ASSERT_OK(ctx, mn_sim_run(r.sim, 1.0));
        ck_assert(mn_sim_states(r.sim)[0] == a);
    }
    /* a first line that is not the magic names what it found */
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_load(r.sim, PUT("rel-cp10", "hello\n")), MN_ERR_PARSE,
                  "the first line is \"hello\"");
    /* the target of a save must be a regular file: a FIFO, a symlink, a directory are refused */
    const char *fifo = mn_test_tmpfile("rel-cp-fifo");
    unlink(fifo);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_save(r.sim, fifo), MN_ERR_IO, "is a FIFO");
    struct stat sb;
    ck_assert_int_eq(lstat(fifo, &sb), 0);
    ck_assert(S_ISFIFO(sb.st_mode)); /* untouched */
    unlink(fifo);
    char link[4096];
    snprintf(link, sizeof link, "%s", mn_test_tmpfile("rel-cp-link"));
    unlink(link);
    ck_assert_int_eq(symlink(path, link), 0);
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_save(r.sim, link), MN_ERR_IO, "is a symbolic link");
    ck_assert_int_eq(lstat(link, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    unlink(link);
    MN_ASSERT_ERR(ctx, mn_sim_checkpoint_save(r.sim, "/dev/null"), MN_ERR_IO, "character device");
    free(text);
    free_run(&r);
}
END_TEST

/* absurd step sizes and sample intervals are refused with their limit, not run until killed */
START_TEST(test_sim_limits)
{
    run r;
    make_run(&r);
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(r.sim, 0.0, 1e-300));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1.0), MN_ERR_RANGE, "below the time resolution");
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(r.sim, 0.0, 1e-8));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1e3), MN_ERR_RANGE, "limit 1e+09 per run");
    MN_ASSERT_OK(ctx, mn_sim_set_sample_interval(r.sim, 0.0, 0.25));
    MN_ASSERT_OK(ctx, mn_sim_set_max_step(r.sim, 1e-300));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1.0), MN_ERR_RANGE, "largest step 1e-300 is below");
    MN_ASSERT_OK(ctx, mn_sim_set_max_step(r.sim, 1e-12));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1.0), MN_ERR_RANGE, "steps between two outputs (limit 10000000");
    MN_ASSERT_OK(ctx, mn_sim_set_max_step(r.sim, 0));
    MN_ASSERT_OK(ctx, mn_sim_set_integrator(r.sim, MN_SIM_EULER));
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(r.sim, 1e-300));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1.0), MN_ERR_RANGE, "fixed step 1e-300 is below");
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(r.sim, 1e-9));
    MN_ASSERT_ERR(ctx, mn_sim_run(r.sim, 1.0), MN_ERR_RANGE, "2.5e+08 steps");
    /* raising the limit is the user's explicit choice; an ordinary step runs */
    MN_ASSERT_OK(ctx, mn_sim_set_fixed_step(r.sim, 1e-3));
    MN_ASSERT_OK(ctx, mn_sim_run(r.sim, 1.0));
    /* a start time 2^60 intervals out: refused before the float-to-integer conversion */
    double x[2] = { 0.5, 0.5 };
    MN_ASSERT_ERR(ctx, mn_sim_init_states(r.sim, 0x1p60, x), MN_ERR_RANGE, "2^53 sample intervals");
    free_run(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reliability-parsers");
    TCase *tc = tcase_create("parsers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_native_counts);
    tcase_add_test(tc, test_edgelist);
    tcase_add_test(tc, test_waveform_far_times);
    tcase_add_test(tc, test_checkpoint_strict);
    tcase_add_test(tc, test_sim_limits);
    suite_add_tcase(s, tc);
    return mn_test_run(s);
}
