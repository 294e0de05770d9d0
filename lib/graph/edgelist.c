/* Graph files: the plain edge list other tools write, and memnet's native network file. */
#define _POSIX_C_SOURCE 200809L /* getc_unlocked */
#include "graph-private.h"

#include <stdint.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dbuf {
    double *p;
    size_t n, cap;
} dbuf;

static int dbuf_push(mn_context *ctx, dbuf *b, double x)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double *q = mn__realloc_array(ctx, b->p, cap, sizeof(double));
        if (!q) return -1;
        b->p = q;
        b->cap = cap;
    }
    b->p[b->n++] = x;
    return 0;
}

typedef struct ibuf {
    int64_t *p;
    size_t n, cap;
} ibuf;

static int ibuf_push(mn_context *ctx, ibuf *b, int64_t x)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        int64_t *q = mn__realloc_array(ctx, b->p, cap, sizeof(int64_t));
        if (!q) return -1;
        b->p = q;
        b->cap = cap;
    }
    b->p[b->n++] = x;
    return 0;
}

/* Limits on what a file may declare before its data is seen (docs/file-formats.md). */
#define MN__MAX_COLUMNS 4096          /* value columns of a native file */
#define MN__MAX_ISOLATED (1u << 20)   /* node ids beyond 2 x edges without coordinates */

static mn_status line_error(mn_context *ctx, long len, const char *path, size_t lineno)
{
    if (len == -2) return mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path);
    return mn__error(ctx, MN_ERR_PARSE, "%s line %zu: NUL byte in a text line", path, lineno + 1);
}

static char *skip_ws(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

static void strip_comment(char *s)
{
    char *h = strchr(s, '#');
    if (h) *h = '\0';
}

/* Parse an integer token; returns 0 on success, -1 if it is not an integer, -2 if it is an
 * integer outside int64_t. Plain tokens ([-+] and at most 18 digits, then a separator) are
 * read here, anything else by strtoll, so the result is strtoll's in every case. */
static int parse_int(char **s, int64_t *out)
{
    char *p = skip_ws(*s), *end;
    if (!*p) return -1;
    char *q = p;
    int neg = 0;
    if (*q == '-' || *q == '+') neg = *q++ == '-';
    if (*q >= '0' && *q <= '9') {
        uint64_t x = 0;
        int nd = 0;
        for (; *q >= '0' && *q <= '9' && nd < 18; q++, nd++) x = 10 * x + (uint64_t)(*q - '0');
        if (!*q || *q == ' ' || *q == '\t') {
            *out = neg ? -(int64_t)x : (int64_t)x;
            *s = q;
            return 0;
        }
    }
    errno = 0;
    long long x = strtoll(p, &end, 10);
    if (end == p || (*end && *end != ' ' && *end != '\t')) return -1;
    if (errno == ERANGE) return -2;
    *out = x;
    *s = end;
    return 0;
}

/* a count: decimal digits only (no sign), no overflow of uint64_t */
static int parse_count(char **s, uint64_t *out)
{
    char *p = skip_ws(*s);
    uint64_t x = 0;
    if (*p < '0' || *p > '9') return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10) return -2;
        x = 10 * x + d;
    }
    if (*p && *p != ' ' && *p != '\t') return -1;
    *out = x;
    *s = p;
    return 0;
}

/* fast: mn__graph_fast_decimal_ok(), asked once per file */
static int parse_double_fast(char **s, double *out, int fast)
{
    char *p = skip_ws(*s), *end;
    if (!*p) return -1;
    errno = 0;
    double x = mn__graph_strtod_fast(p, &end, fast); /* numparse.c */
    if (end == p || (*end && *end != ' ' && *end != '\t')) return -1;
    *out = x;
    *s = end;
    return 0;
}

/* Check that the next token is a number as parse_double_fast reads it, without converting it
 * (the values of a part mn_graph_load_parts leaves out): a plain decimal [-+]digits[.digits]
 * [e[-+]digits] (or .digits) ending the token is one; anything else is decided by
 * parse_double_fast itself, so the two accept exactly the same tokens. */
static int skip_double(char **s, int fast)
{
    char *p = skip_ws(*s), *q = p;
    if (*q == '-' || *q == '+') q++;
    int nd = 0;
    for (; *q >= '0' && *q <= '9'; q++) nd++;
    if (*q == '.')
        for (q++; *q >= '0' && *q <= '9'; q++) nd++;
    if (nd > 0 && (*q == 'e' || *q == 'E')) {
        char *e = q + 1;
        if (*e == '-' || *e == '+') e++;
        if (*e >= '0' && *e <= '9') {
            while (*e >= '0' && *e <= '9') e++;
            q = e;
        } else {
            nd = 0; /* "1e", "1e+": not a whole token for strtod either; let it decide */
        }
    }
    if (nd > 0 && (!*q || *q == ' ' || *q == '\t')) {
        *s = q;
        return 0;
    }
    double unused;
    return parse_double_fast(s, &unused, fast);
}

/* copy of the offending token for messages */
static const char *token(const char *s, char *buf, size_t n)
{
    s = skip_ws((char *)s);
    size_t i = 0;
    while (s[i] && s[i] != ' ' && s[i] != '\t' && i + 1 < n) {
        buf[i] = s[i];
        i++;
    }
    buf[i] = '\0';
    return buf;
}

static mn_status read_edgelist(mn_graph **out, mn_context *ctx, const char *path, size_t n_nodes,
                               size_t length_column)
{
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(ctx, MN_ERR_IO, "cannot open edge list %s: %s", path, strerror(errno));
    mn_status st = MN_OK;
    char *line = NULL, tok[64];
    size_t lineno = 0;
    mn__lines lr;
    mn__lines_init(&lr, ctx, f);
    int fast = mn__graph_fast_decimal_ok();
    long nvals = -1;
    ibuf uv = { 0 };
    dbuf vals = { 0 };
    int64_t maxid = -1;
    mn_graph *g = NULL;
    long len;
    while ((len = mn__lines_next(&lr, &line)) >= 0) {
        lineno++;
        strip_comment(line);
        char *s = skip_ws(line);
        if (!*s) continue;
        int64_t a = 0, b = 0;
        int ra = parse_int(&s, &a), rb = ra ? ra : parse_int(&s, &b);
        if (ra == -2 || rb == -2)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "%s line %zu: node id \"%s\" is too large (limit %d)", path, lineno,
                               token(s, tok, sizeof tok), INT32_MAX - 1));
        if (ra || rb)
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE,
                               "%s line %zu: expected two integer node ids 'u v', got \"%s\"",
                               path, lineno, skip_ws(line)));
        if (a < 0 || b < 0)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: node id %lld is negative", path,
                               lineno, (long long)(a < 0 ? a : b)));
        if (n_nodes && ((uint64_t)a >= n_nodes || (uint64_t)b >= n_nodes))
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                               "%s line %zu: node id %lld is beyond the declared count %zu", path,
                               lineno, (long long)((uint64_t)a >= n_nodes ? a : b), n_nodes));
        if (a > INT32_MAX - 1 || b > INT32_MAX - 1)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: node id %lld is too large (limit %d)",
                               path, lineno, (long long)(a > b ? a : b), INT32_MAX - 1));
        if (a == b)
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "%s line %zu: self-loop %lld %lld", path,
                               lineno, (long long)a, (long long)b));
        long k = 0;
        for (;;) {
            char *p = skip_ws(s);
            if (!*p) break;
            double x;
            if (parse_double_fast(&s, &x, fast))
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: value \"%s\" is not a number",
                                   path, lineno, token(p, tok, sizeof tok)));
            if (!isfinite(x))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: value %ld (%s) is not finite",
                                   path, lineno, k + 1, token(p, tok, sizeof tok)));
            if ((size_t)k + 1 == length_column && !(x > 0))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                                   "%s line %zu: edge length %g (column %zu) must be > 0", path,
                                   lineno, x, length_column + 2));
            if (dbuf_push(ctx, &vals, x)) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory"));
            k++;
        }
        if (nvals < 0) nvals = k;
        if (k != nvals)
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE,
                               "%s line %zu: %ld values after u v, earlier lines have %ld", path,
                               lineno, k, nvals));
        if (ibuf_push(ctx, &uv, a) || ibuf_push(ctx, &uv, b))
            MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
        if (a > maxid) maxid = a;
        if (b > maxid) maxid = b;
    }
    if (len < -1) MN__FAIL(line_error(ctx, len, path, lineno));
    if (ferror(f)) MN__FAIL(mn__error(ctx, MN_ERR_IO, "error reading %s", path));
    if (nvals < 0) nvals = 0;
    if (length_column && (long)length_column > nvals)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                           "%s: length column %zu requested but lines have %ld values after u v",
                           path, length_column, nvals));
    size_t m = uv.n / 2;
    /* Without a declared node count the ids size the graph: an id far beyond what the edges
     * can touch would only make isolated nodes (and cost memory for each), so it is refused. */
    if (!n_nodes && (uint64_t)maxid >= 2 * (uint64_t)m + MN__MAX_ISOLATED)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                           "%s: node id %lld is far beyond the %zu edges (limit %llu without a "
                           "declared node count: 2 x edges + %u isolated nodes); give the node "
                           "count", path, (long long)maxid, m,
                           (unsigned long long)(2 * (uint64_t)m + MN__MAX_ISOLATED - 1),
                           MN__MAX_ISOLATED));
    size_t n = n_nodes ? n_nodes : (size_t)(maxid + 1);
    MN__TRY(mn_graph_new(&g, ctx, n));
    MN__TRY(mn__graph_reserve_edges(g, m ? m : 1));
    for (size_t e = 0; e < m; e++) {
        g->u[e] = (mn_index)uv.p[2 * e];
        g->v[e] = (mn_index)uv.p[2 * e + 1];
    }
    g->n_edges = m;
    if (nvals > 0) {
        double *col = mn__malloc_or_err(ctx, m + 1, sizeof(double), "edge column");
        if (!col) MN__FAIL(MN_ERR_NOMEM);
        for (long c = 0; c < nvals; c++) {
            for (size_t e = 0; e < m; e++) col[e] = vals.p[e * (size_t)nvals + (size_t)c];
            st = mn_graph_add_edge_column(g, col);
            if (!st && (size_t)c + 1 == length_column) st = mn_graph_set_edge_lengths(g, col);
            if (st) {
                mn__free(ctx, col);
                goto cleanup;
            }
        }
        mn__free(ctx, col);
    }
    *out = g;
    g = NULL;
cleanup:
    mn_graph_free(g);
    mn__lines_free(&lr);
    mn__free(ctx, uv.p);
    mn__free(ctx, vals.p);
    fclose(f);
    return st;
}

mn_status mn_graph_read_edgelist(mn_graph **out, mn_context *ctx, const char *path, size_t n_nodes,
                                 size_t length_column)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "read edge list: out is NULL");
    *out = NULL;
    if (!ctx || !path) return mn__error(ctx, MN_ERR_INVALID, "read edge list: NULL argument");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "read edge list: cannot create the C locale");
    mn_status st = read_edgelist(out, ctx, path, n_nodes, length_column);
    mn__c_locale_end(&loc);
    return st;
}

/* close a file written by memnet: a write error anywhere (sticky in ferror) or at the final
 * flush is reported, naming the file */
static mn_status close_written(mn_context *ctx, FILE *f, const char *path)
{
    int bad = ferror(f);
    int err = bad ? EIO : 0;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) return mn__error(ctx, MN_ERR_IO, "error writing %s: %s", path, strerror(err));
    return MN_OK;
}

mn_status mn_graph_write_edgelist(const mn_graph *g, const char *path)
{
    if (!g || !path) return MN_ERR_INVALID;
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(g->ctx, MN_ERR_NOMEM, "write edge list: cannot create the C locale");
    FILE *f = fopen(path, "w");
    if (!f) {
        mn__c_locale_end(&loc);
        return mn__error(g->ctx, MN_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    fprintf(f, "# memnet edge list: %zu nodes, %zu edges; columns: u v%s\n", g->n_nodes,
            g->n_edges, g->len ? " length" : "");
    for (size_t e = 0; e < g->n_edges && !ferror(f); e++) {
        if (g->len)
            fprintf(f, "%ld %ld %.17g\n", (long)g->u[e], (long)g->v[e], g->len[e]);
        else
            fprintf(f, "%ld %ld\n", (long)g->u[e], (long)g->v[e]);
    }
    mn_status st = close_written(g->ctx, f, path);
    mn__c_locale_end(&loc);
    return st;
}

/* ---------------------------------------------------------------- native format */

#define NATIVE_MAGIC "memnet-network"
#define NATIVE_VERSION 1

static void save_native(const mn_graph *g, FILE *f)
{
    fprintf(f, "%s %d\n", NATIVE_MAGIC, NATIVE_VERSION);
    fprintf(f, "nodes %zu%s\n", g->n_nodes, g->nx ? " xy" : "");
    if (g->nx)
        for (size_t i = 0; i < g->n_nodes && !ferror(f); i++)
            fprintf(f, "%.17g %.17g\n", g->nx[i], g->ny[i]);
    fprintf(f, "edges %zu%s%s columns %zu\n", g->n_edges, g->len ? " length" : "",
            g->ex ? " position" : "", g->n_cols);
    for (size_t e = 0; e < g->n_edges && !ferror(f); e++) {
        fprintf(f, "%ld %ld", (long)g->u[e], (long)g->v[e]);
        if (g->len) fprintf(f, " %.17g", g->len[e]);
        if (g->ex) fprintf(f, " %.17g %.17g", g->ex[e], g->ey[e]);
        for (size_t c = 0; c < g->n_cols; c++) fprintf(f, " %.17g", g->cols[c][e]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < g->n_sets && !ferror(f); i++) {
        fprintf(f, "set %s %zu\n", g->sets[i].name, g->sets[i].n);
        for (size_t j = 0; j < g->sets[i].n; j++)
            fprintf(f, "%ld%c", (long)g->sets[i].nodes[j],
                    (j + 1 == g->sets[i].n || (j + 1) % 16 == 0) ? '\n' : ' ');
    }
    fprintf(f, "end\n");
}

mn_status mn_graph_save(const mn_graph *g, const char *path)
{
    if (!g || !path) return MN_ERR_INVALID;
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(g->ctx, MN_ERR_NOMEM, "save network: cannot create the C locale");
    FILE *f = fopen(path, "w");
    if (!f) {
        mn__c_locale_end(&loc);
        return mn__error(g->ctx, MN_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    save_native(g, f);
    mn_status st = close_written(g->ctx, f, path);
    mn__c_locale_end(&loc);
    return st;
}

#define PARSE_FAIL(...) MN__FAIL(mn__error(ctx, MN_ERR_PARSE, __VA_ARGS__))

/* the next line with content (comments stripped): *line its start, *s its first word */
static mn_status next_content_line(mn__lines *lr, char **line, char **s, const char *path)
{
    mn_context *ctx = lr->ctx;
    long len;
    while ((len = mn__lines_next(lr, line)) >= 0) {
        strip_comment(*line);
        *s = skip_ws(*line);
        if (**s) return MN_OK;
    }
    if (len < -1) return line_error(ctx, len, path, lr->lineno - 1);
    if (ferror(lr->f)) return mn__error(ctx, MN_ERR_IO, "error reading %s", path);
    return mn__error(ctx, MN_ERR_PARSE, "%s: unexpected end of file after line %zu", path,
                     lr->lineno);
}

/* the next word of a header line into w (at most n-1 characters); 0 at the end of the line */
static int next_word(char **s, char *w, size_t n)
{
    char *p = skip_ws(*s);
    size_t i = 0;
    while (p[i] && p[i] != ' ' && p[i] != '\t') i++;
    if (i == 0) return 0;
    size_t k = i < n - 1 ? i : n - 1;
    memcpy(w, p, k);
    w[k] = '\0';
    *s = p + i;
    return i < n ? 1 : -1;
}

/* header count "WORD N": N parsed strictly and bounded by `limit` */
static mn_status header_count(mn_context *ctx, char **s, const char *path, size_t lineno,
                              const char *what, uint64_t limit, uint64_t *out)
{
    char tok[64];
    int r = parse_count(s, out);
    if (r == -1)
        return mn__error(ctx, MN_ERR_PARSE, "%s line %zu: %s \"%s\" is not a count", path, lineno,
                         what, token(*s, tok, sizeof tok));
    if (r == -2 || *out > limit)
        return mn__error(ctx, MN_ERR_RANGE, "%s line %zu: %s \"%s\" exceeds the limit %llu", path,
                         lineno, what, token(*s, tok, sizeof tok), (unsigned long long)limit);
    return MN_OK;
}

/* Grow each of `na` arrays of `size`-byte elements from *cap to hold at least `need`
 * elements: doubling with the data read, never past `limit` (a declared count only caps the
 * growth, it never sizes it). */
static int grow_arrays(mn_context *ctx, void **a, size_t na, size_t size, size_t *cap,
                       size_t need, size_t limit)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? 2 * *cap : 1024;
    if (c > limit) c = limit;
    if (c < need) c = need;
    for (size_t i = 0; i < na; i++) {
        void *q = mn__realloc_array(ctx, a[i], c, size);
        if (!q) return -1;
        a[i] = q;
    }
    *cap = c;
    return 0;
}

/* Shrink each array to exactly `n` elements (at least one): what the graph keeps */
static int fit_arrays(mn_context *ctx, void **a, size_t na, size_t size, size_t n)
{
    for (size_t i = 0; i < na; i++) {
        void *q = mn__realloc_array(ctx, a[i], n ? n : 1, size);
        if (!q) return -1;
        a[i] = q;
    }
    return 0;
}

/* The native network file. Every value goes straight into the array the graph keeps (node
 * coordinates, edge ends, one array per value column), grown with the lines read and handed
 * to the graph at the end: no interleaved buffer and no copies (a 6e5-junction file touched
 * about twice its data in memory before). The checks and messages are those of the graph's
 * setters, in the same order. */
static mn_status load_native(mn_graph **out, mn_context *ctx, const char *path, unsigned parts)
{
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(ctx, MN_ERR_IO, "cannot open network %s: %s", path, strerror(errno));
    mn_status st = MN_OK;
    char *line = NULL, *s;
    mn__lines lr;
    mn__lines_init(&lr, ctx, f);
    mn_graph *g = NULL;
    ibuf ids = { 0 };
    double *nxy[2] = { NULL, NULL };                    /* node x, y */
    size_t ncap = 0;
    void *ends[2] = { NULL, NULL };                     /* mn_index u, v */
    double **vcol = NULL;                               /* the nval value columns kept */
    long *kcol = NULL;                                  /* file column -> vcol index, or -1 */
    size_t ecap = 0;
    mn_index *set = NULL;
    char word[64], name[64];
    uint64_t ver = 0, nn = 0, ne = 0, ncols = 0;
    size_t nval = 0;
    int fast = mn__graph_fast_decimal_ok();

    MN__TRY(next_content_line(&lr, &line, &s, path));
    if (strncmp(s, NATIVE_MAGIC, strlen(NATIVE_MAGIC)) != 0 ||
        (s += strlen(NATIVE_MAGIC), *s != ' ' && *s != '\t') || parse_count(&s, &ver) ||
        ver != NATIVE_VERSION || *skip_ws(s))
        PARSE_FAIL("%s line %zu: not a memnet network file version %d (\"%.60s\")", path,
                   lr.lineno, NATIVE_VERSION, line);
    /* nodes N [xy] */
    MN__TRY(next_content_line(&lr, &line, &s, path));
    if (next_word(&s, word, sizeof word) != 1 || strcmp(word, "nodes") != 0)
        PARSE_FAIL("%s line %zu: expected 'nodes N', got \"%.60s\"", path, lr.lineno, s);
    MN__TRY(header_count(ctx, &s, path, lr.lineno, "node count", INT32_MAX, &nn));
    int has_xy = 0, r;
    while ((r = next_word(&s, word, sizeof word)) != 0) {
        if (r == 1 && strcmp(word, "xy") == 0 && !has_xy) has_xy = 1;
        else PARSE_FAIL("%s line %zu: unexpected \"%s\" after the node count", path, lr.lineno,
                        word);
    }
    int keep_xy = has_xy && (parts & MN_GRAPH_PART_COORDS);
    for (uint64_t i = 0; has_xy && i < nn; i++) {
        double x, y;
        MN__TRY(next_content_line(&lr, &line, &s, path));
        if (keep_xy ? parse_double_fast(&s, &x, fast) || parse_double_fast(&s, &y, fast)
                    : skip_double(&s, fast) || skip_double(&s, fast))
            PARSE_FAIL("%s line %zu: expected 'x y' of node %llu", path, lr.lineno,
                       (unsigned long long)i);
        if (*skip_ws(s))
            PARSE_FAIL("%s line %zu: expected 'x y' of node %llu", path, lr.lineno,
                       (unsigned long long)i);
        if (!keep_xy) continue;
        if (grow_arrays(ctx, (void **)nxy, 2, sizeof(double), &ncap, (size_t)i + 1, (size_t)nn))
            MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
        nxy[0][i] = x;
        nxy[1][i] = y;
    }
    /* edges M [length] [position] [columns C] */
    MN__TRY(next_content_line(&lr, &line, &s, path));
    if (next_word(&s, word, sizeof word) != 1 || strcmp(word, "edges") != 0)
        PARSE_FAIL("%s line %zu: expected 'edges M ...', got \"%.60s\"", path, lr.lineno, s);
    MN__TRY(header_count(ctx, &s, path, lr.lineno, "edge count", INT32_MAX, &ne));
    int has_len = 0, has_pos = 0, has_cols = 0;
    while ((r = next_word(&s, word, sizeof word)) != 0) {
        if (r == 1 && strcmp(word, "length") == 0 && !has_len) has_len = 1;
        else if (r == 1 && strcmp(word, "position") == 0 && !has_pos) has_pos = 1;
        else if (r == 1 && strcmp(word, "columns") == 0 && !has_cols) {
            has_cols = 1;
            MN__TRY(header_count(ctx, &s, path, lr.lineno, "column count", MN__MAX_COLUMNS,
                                 &ncols));
        } else
            PARSE_FAIL("%s line %zu: unexpected \"%s\" in the edges line", path, lr.lineno, word);
    }
    /* the values of an edge line, in file order: length, x, y, the columns; those of the parts
     * asked for are stored (kcol[k] their index into vcol), the others only checked */
    size_t nfile = (size_t)has_len + 2 * (size_t)has_pos + (size_t)ncols;
    int keep_len = has_len && (parts & MN_GRAPH_PART_LENGTHS);
    int keep_pos = has_pos && (parts & MN_GRAPH_PART_POSITIONS);
    int keep_cols = ncols > 0 && (parts & MN_GRAPH_PART_COLUMNS);
    kcol = mn__malloc_or_err(ctx, nfile + 1, sizeof *kcol, "edge columns");
    if (!kcol) MN__FAIL(MN_ERR_NOMEM);
    for (size_t k = 0; k < nfile; k++) {
        int keep = k < (size_t)has_len ? keep_len
                   : k < (size_t)has_len + 2 * (size_t)has_pos ? keep_pos : keep_cols;
        kcol[k] = keep ? (long)nval++ : -1;
    }
    vcol = mn__calloc_or_err(ctx, nval + 1, sizeof *vcol, "edge columns");
    if (!vcol) MN__FAIL(MN_ERR_NOMEM);
    /* the edges: storage grows with the lines read, never by the declared count */
    for (uint64_t e = 0; e < ne; e++) {
        MN__TRY(next_content_line(&lr, &line, &s, path));
        int64_t a = 0, b = 0;
        if (parse_int(&s, &a) || parse_int(&s, &b))
            PARSE_FAIL("%s line %zu: expected 'u v' of edge %llu", path, lr.lineno,
                       (unsigned long long)e);
        if (a < 0 || b < 0 || (uint64_t)a >= nn || (uint64_t)b >= nn)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: edge %llu: node id %lld is out of "
                               "range (%llu nodes)", path, lr.lineno, (unsigned long long)e,
                               (long long)(a < 0 || (uint64_t)a >= nn ? a : b),
                               (unsigned long long)nn));
        if (e == ecap) {
            size_t old = ecap;
            if (grow_arrays(ctx, ends, 2, sizeof(mn_index), &ecap, (size_t)e + 1, (size_t)ne) ||
                (ecap = old, grow_arrays(ctx, (void **)vcol, nval, sizeof(double), &ecap,
                                         (size_t)e + 1, (size_t)ne)))
                MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
        }
        for (size_t k = 0; k < nfile; k++)
            if (kcol[k] >= 0 ? parse_double_fast(&s, &vcol[kcol[k]][e], fast)
                             : skip_double(&s, fast))
                PARSE_FAIL("%s line %zu: edge %llu needs %zu values after u v", path, lr.lineno,
                           (unsigned long long)e, nfile);
        if (*skip_ws(s))
            PARSE_FAIL("%s line %zu: edge %llu has more than %zu values after u v", path,
                       lr.lineno, (unsigned long long)e, nfile);
        ((mn_index *)ends[0])[e] = (mn_index)a;
        ((mn_index *)ends[1])[e] = (mn_index)b;
    }
    /* nodes without coordinates are only a count: as for edge lists, refuse more isolated
     * nodes than MN__MAX_ISOLATED beyond what the edges touch */
    if (!has_xy && nn > 2 * ne + MN__MAX_ISOLATED)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                           "%s: %llu nodes without coordinates for %llu edges (limit 2 x edges + "
                           "%u)", path, (unsigned long long)nn, (unsigned long long)ne,
                           MN__MAX_ISOLATED));
    MN__TRY(mn_graph_new(&g, ctx, (size_t)nn));
    if (keep_xy) { /* as mn_graph_set_node_coords */
        for (size_t i = 0; i < nn; i++)
            if (!mn__isfinite(nxy[0][i]) || !mn__isfinite(nxy[1][i]))
                MN__FAIL(mn__error(ctx, MN_ERR_INVALID,
                                   "node %zu: coordinates (%g, %g) not finite", i, nxy[0][i],
                                   nxy[1][i]));
        if (fit_arrays(ctx, (void **)nxy, 2, sizeof(double), (size_t)nn))
            MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
        g->nx = nxy[0];
        g->ny = nxy[1];
        nxy[0] = nxy[1] = NULL;
    }
    /* the edges as mn_graph_add_edge checks them (the ids were range-checked above) */
    for (size_t e = 0; e < ne; e++) {
        mn_index a = ((mn_index *)ends[0])[e], b = ((mn_index *)ends[1])[e];
        if (a == b)
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID,
                               "edge %zu: self-loop %lld -> %lld is not allowed", e, (long long)a,
                               (long long)b));
    }
    if (keep_len)
        for (size_t e = 0; e < ne; e++) {
            double x = vcol[0][e];
            if (!isnan(x) && !(isfinite(x) && x > 0))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s: edge %zu: length %g must be > 0", path,
                                   e, x));
        }
    if (fit_arrays(ctx, ends, 2, sizeof(mn_index), (size_t)ne) ||
        fit_arrays(ctx, (void **)vcol, nval, sizeof(double), (size_t)ne))
        MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
    /* every per-edge array of the graph holds cap_edges entries, NaN past the edges */
    for (size_t k = 0; ne == 0 && k < nval; k++) vcol[k][0] = NAN;
    if (keep_cols) {
        g->cols = mn__malloc_or_err(ctx, ncols, sizeof *g->cols, "edge columns");
        if (!g->cols) MN__FAIL(MN_ERR_NOMEM);
    }
    g->u = ends[0];
    g->v = ends[1];
    ends[0] = ends[1] = NULL;
    g->n_edges = (size_t)ne;
    g->cap_edges = ne ? (size_t)ne : 1;
    size_t k = 0;
    if (keep_len) g->len = vcol[k++];
    if (keep_pos) {
        g->ex = vcol[k++];
        g->ey = vcol[k++];
    }
    for (size_t c = 0; keep_cols && c < ncols; c++) g->cols[g->n_cols++] = vcol[k++];
    nval = 0; /* the columns are the graph's now */
    /* node sets until 'end'; the ids grow with the data, never by the declared count */
    for (;;) {
        MN__TRY(next_content_line(&lr, &line, &s, path));
        if (next_word(&s, word, sizeof word) != 1)
            PARSE_FAIL("%s line %zu: expected 'set NAME COUNT' or 'end', got \"%.60s\"", path,
                       lr.lineno, line);
        if (strcmp(word, "end") == 0) {
            if (*skip_ws(s)) PARSE_FAIL("%s line %zu: text after 'end'", path, lr.lineno);
            break;
        }
        if (strcmp(word, "set") != 0 || (r = next_word(&s, name, sizeof name)) == 0)
            PARSE_FAIL("%s line %zu: expected 'set NAME COUNT' or 'end', got \"%.60s\"", path,
                       lr.lineno, line);
        if (r < 0) PARSE_FAIL("%s line %zu: set name longer than %zu characters", path,
                              lr.lineno, sizeof name - 1);
        uint64_t cnt = 0;
        MN__TRY(header_count(ctx, &s, path, lr.lineno, "set size", INT32_MAX, &cnt));
        if (*skip_ws(s)) PARSE_FAIL("%s line %zu: text after the set size", path, lr.lineno);
        ids.n = 0;
        while (ids.n < cnt) {
            MN__TRY(next_content_line(&lr, &line, &s, path));
            int64_t x;
            while (ids.n < cnt && !parse_int(&s, &x)) {
                if (x < 0 || (uint64_t)x >= nn)
                    MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: set %s: node %lld out of range",
                                       path, lr.lineno, name, (long long)x));
                if (ibuf_push(ctx, &ids, x))
                    MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
            }
            if (*skip_ws(s))
                PARSE_FAIL("%s line %zu: set %s: bad node id \"%.40s\"", path, lr.lineno, name,
                           skip_ws(s));
        }
        mn__free(ctx, set);
        set = mn__malloc_or_err(ctx, ids.n + 1, sizeof(mn_index), "node set");
        if (!set) MN__FAIL(MN_ERR_NOMEM);
        for (size_t i = 0; i < ids.n; i++) set[i] = (mn_index)ids.p[i];
        MN__TRY(mn_graph_set_node_set(g, name, set, ids.n));
    }
    /* after 'end' only blank lines and comments */
    {
        long len;
        while ((len = mn__lines_next(&lr, &line)) >= 0) {
            strip_comment(line);
            if (*skip_ws(line)) PARSE_FAIL("%s line %zu: text after 'end'", path, lr.lineno);
        }
        if (len < -1) MN__FAIL(line_error(ctx, len, path, lr.lineno - 1));
    }
    *out = g;
    g = NULL;
cleanup:
    mn_graph_free(g);
    mn__free(ctx, nxy[0]);
    mn__free(ctx, nxy[1]);
    mn__free(ctx, ends[0]);
    mn__free(ctx, ends[1]);
    for (size_t c = 0; vcol && c < nval; c++) mn__free(ctx, vcol[c]);
    mn__free(ctx, vcol);
    mn__free(ctx, kcol);
    mn__free(ctx, ids.p);
    mn__free(ctx, set);
    mn__lines_free(&lr);
    fclose(f);
    return st;
}

mn_status mn_graph_load(mn_graph **out, mn_context *ctx, const char *path)
{
    return mn_graph_load_parts(out, ctx, path, MN_GRAPH_PART_ALL);
}

mn_status mn_graph_load_parts(mn_graph **out, mn_context *ctx, const char *path, unsigned parts)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "load network: out is NULL");
    *out = NULL;
    if (!ctx || !path) return mn__error(ctx, MN_ERR_INVALID, "load network: NULL argument");
    if (parts & ~(unsigned)MN_GRAPH_PART_ALL)
        return mn__error(ctx, MN_ERR_INVALID, "load network: parts 0x%x: unknown bits (0x%x)",
                         parts, parts & ~(unsigned)MN_GRAPH_PART_ALL);
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "load network: cannot create the C locale");
    mn_status st = load_native(out, ctx, path, parts);
    mn__c_locale_end(&loc);
    return st;
}
