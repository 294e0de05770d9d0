/* Graph files: the plain edge list other tools write, and memnet's native network file. */
#include "graph-private.h"

#include <errno.h>
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

/* Read one line of any length into *buf. Returns length, or -1 at EOF. */
static long read_line(mn_context *ctx, FILE *f, char **buf, size_t *cap)
{
    size_t n = 0;
    int c;
    if (!*buf) {
        *cap = 256;
        *buf = mn__malloc(ctx, *cap);
        if (!*buf) return -2;
    }
    while ((c = fgetc(f)) != EOF) {
        if (n + 1 >= *cap) {
            char *q = mn__realloc(ctx, *buf, 2 * *cap);
            if (!q) return -2;
            *buf = q;
            *cap *= 2;
        }
        if (c == '\n') break;
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0) return -1;
    (*buf)[n] = '\0';
    if (n && (*buf)[n - 1] == '\r') (*buf)[--n] = '\0';
    return (long)n;
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

/* Parse an integer token; returns 0 on success. */
static int parse_int(char **s, int64_t *out)
{
    char *p = skip_ws(*s), *end;
    if (!*p) return -1;
    errno = 0;
    long long x = strtoll(p, &end, 10);
    if (end == p || errno || (*end && *end != ' ' && *end != '\t')) return -1;
    *out = x;
    *s = end;
    return 0;
}

static int parse_double(char **s, double *out)
{
    char *p = skip_ws(*s), *end;
    if (!*p) return -1;
    errno = 0;
    double x = strtod(p, &end);
    if (end == p || (*end && *end != ' ' && *end != '\t')) return -1;
    *out = x;
    *s = end;
    return 0;
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

mn_status mn_graph_read_edgelist(mn_graph **out, mn_context *ctx, const char *path, size_t n_nodes,
                                 size_t length_column)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "read edge list: out is NULL");
    *out = NULL;
    if (!ctx || !path) return mn__error(ctx, MN_ERR_INVALID, "read edge list: NULL argument");
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(ctx, MN_ERR_IO, "cannot open edge list %s: %s", path, strerror(errno));
    mn_status st = MN_OK;
    char *line = NULL, tok[64];
    size_t cap = 0, lineno = 0;
    long nvals = -1;
    ibuf uv = { 0 };
    dbuf vals = { 0 };
    int64_t maxid = -1;
    mn_graph *g = NULL;
    long len;
    while ((len = read_line(ctx, f, &line, &cap)) >= 0) {
        lineno++;
        strip_comment(line);
        char *s = skip_ws(line);
        if (!*s) continue;
        int64_t a, b;
        if (parse_int(&s, &a) || parse_int(&s, &b))
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
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: node id %lld is too large", path,
                               lineno, (long long)(a > b ? a : b)));
        if (a == b)
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "%s line %zu: self-loop %lld %lld", path,
                               lineno, (long long)a, (long long)b));
        long k = 0;
        for (;;) {
            char *p = skip_ws(s);
            if (!*p) break;
            double x;
            if (parse_double(&s, &x))
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: value \"%s\" is not a number",
                                   path, lineno, token(p, tok, sizeof tok)));
            if (!isfinite(x))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: value %d (%s) is not finite",
                                   path, lineno, (int)k + 1, token(p, tok, sizeof tok)));
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
    if (len == -2) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
    if (ferror(f)) MN__FAIL(mn__error(ctx, MN_ERR_IO, "error reading %s", path));
    if (nvals < 0) nvals = 0;
    if (length_column && (long)length_column > nvals)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE,
                           "%s: length column %zu requested but lines have %ld values after u v",
                           path, length_column, nvals));
    size_t m = uv.n / 2;
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
    mn__free(ctx, line);
    mn__free(ctx, uv.p);
    mn__free(ctx, vals.p);
    fclose(f);
    return st;
}

mn_status mn_graph_write_edgelist(const mn_graph *g, const char *path)
{
    if (!g || !path) return MN_ERR_INVALID;
    FILE *f = fopen(path, "w");
    if (!f) return mn__error(g->ctx, MN_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    fprintf(f, "# memnet edge list: %zu nodes, %zu edges; columns: u v%s\n", g->n_nodes,
            g->n_edges, g->len ? " length" : "");
    for (size_t e = 0; e < g->n_edges; e++) {
        if (g->len)
            fprintf(f, "%ld %ld %.17g\n", (long)g->u[e], (long)g->v[e], g->len[e]);
        else
            fprintf(f, "%ld %ld\n", (long)g->u[e], (long)g->v[e]);
    }
    if (fclose(f) != 0) return mn__error(g->ctx, MN_ERR_IO, "error writing %s", path);
    return MN_OK;
}

/* ---------------------------------------------------------------- native format */

#define NATIVE_MAGIC "memnet-network"
#define NATIVE_VERSION 1

mn_status mn_graph_save(const mn_graph *g, const char *path)
{
    if (!g || !path) return MN_ERR_INVALID;
    FILE *f = fopen(path, "w");
    if (!f) return mn__error(g->ctx, MN_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    fprintf(f, "%s %d\n", NATIVE_MAGIC, NATIVE_VERSION);
    fprintf(f, "nodes %zu%s\n", g->n_nodes, g->nx ? " xy" : "");
    if (g->nx)
        for (size_t i = 0; i < g->n_nodes; i++) fprintf(f, "%.17g %.17g\n", g->nx[i], g->ny[i]);
    fprintf(f, "edges %zu%s%s columns %zu\n", g->n_edges, g->len ? " length" : "",
            g->ex ? " position" : "", g->n_cols);
    for (size_t e = 0; e < g->n_edges; e++) {
        fprintf(f, "%ld %ld", (long)g->u[e], (long)g->v[e]);
        if (g->len) fprintf(f, " %.17g", g->len[e]);
        if (g->ex) fprintf(f, " %.17g %.17g", g->ex[e], g->ey[e]);
        for (size_t c = 0; c < g->n_cols; c++) fprintf(f, " %.17g", g->cols[c][e]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < g->n_sets; i++) {
        fprintf(f, "set %s %zu\n", g->sets[i].name, g->sets[i].n);
        for (size_t j = 0; j < g->sets[i].n; j++)
            fprintf(f, "%ld%c", (long)g->sets[i].nodes[j],
                    (j + 1 == g->sets[i].n || (j + 1) % 16 == 0) ? '\n' : ' ');
    }
    fprintf(f, "end\n");
    if (fclose(f) != 0) return mn__error(g->ctx, MN_ERR_IO, "error writing %s", path);
    return MN_OK;
}

#define PARSE_FAIL(...) MN__FAIL(mn__error(ctx, MN_ERR_PARSE, __VA_ARGS__))

static mn_status next_content_line(mn_context *ctx, FILE *f, char **line, size_t *cap,
                                   size_t *lineno, char **s, const char *path)
{
    long len;
    while ((len = read_line(ctx, f, line, cap)) >= 0) {
        (*lineno)++;
        strip_comment(*line);
        *s = skip_ws(*line);
        if (**s) return MN_OK;
    }
    if (len == -2) return mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path);
    return mn__error(ctx, MN_ERR_PARSE, "%s: unexpected end of file after line %zu", path, *lineno);
}

mn_status mn_graph_load(mn_graph **out, mn_context *ctx, const char *path)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "load network: out is NULL");
    *out = NULL;
    if (!ctx || !path) return mn__error(ctx, MN_ERR_INVALID, "load network: NULL argument");
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(ctx, MN_ERR_IO, "cannot open network %s: %s", path, strerror(errno));
    mn_status st = MN_OK;
    char *line = NULL, *s;
    size_t cap = 0, lineno = 0;
    mn_graph *g = NULL;
    double *tmp = NULL, *tmp2 = NULL;
    mn_index *ids = NULL;
    char word[64];
    int ver = 0;

    MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
    if (sscanf(s, NATIVE_MAGIC " %d", &ver) != 1 || ver != NATIVE_VERSION)
        PARSE_FAIL("%s line %zu: not a memnet network file version %d (\"%s\")", path, lineno,
                   NATIVE_VERSION, s);
    /* nodes */
    MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
    unsigned long long nn = 0;
    int nread = 0;
    if (sscanf(s, "nodes %llu%n", &nn, &nread) != 1)
        PARSE_FAIL("%s line %zu: expected 'nodes N', got \"%s\"", path, lineno, s);
    int has_xy = strstr(s + nread, "xy") != NULL;
    MN__TRY(mn_graph_new(&g, ctx, (size_t)nn));
    if (has_xy) {
        tmp = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "coordinates");
        tmp2 = mn__malloc_or_err(ctx, nn + 1, sizeof(double), "coordinates");
        if (!tmp || !tmp2) MN__FAIL(MN_ERR_NOMEM);
        for (size_t i = 0; i < nn; i++) {
            MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
            if (parse_double(&s, &tmp[i]) || parse_double(&s, &tmp2[i]))
                PARSE_FAIL("%s line %zu: expected 'x y' of node %zu", path, lineno, i);
        }
        MN__TRY(mn_graph_set_node_coords(g, tmp, tmp2));
        mn__free(ctx, tmp);
        mn__free(ctx, tmp2);
        tmp = tmp2 = NULL;
    }
    /* edges */
    MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
    unsigned long long ne = 0;
    if (sscanf(s, "edges %llu%n", &ne, &nread) != 1)
        PARSE_FAIL("%s line %zu: expected 'edges M ...', got \"%s\"", path, lineno, s);
    int has_len = strstr(s + nread, "length") != NULL;
    int has_pos = strstr(s + nread, "position") != NULL;
    size_t ncols = 0;
    const char *cp = strstr(s + nread, "columns");
    if (cp) ncols = strtoull(cp + 7, NULL, 10);
    if (ne > INT32_MAX) PARSE_FAIL("%s line %zu: edge count %llu too large", path, lineno, ne);
    MN__TRY(mn__graph_reserve_edges(g, ne ? ne : 1));
    size_t nval = (size_t)has_len + 2 * (size_t)has_pos + ncols;
    tmp = mn__malloc_or_err(ctx, (ne + 1) * (nval + 1), sizeof(double), "edge values");
    if (!tmp) MN__FAIL(MN_ERR_NOMEM);
    for (size_t e = 0; e < ne; e++) {
        MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
        int64_t a, b;
        if (parse_int(&s, &a) || parse_int(&s, &b))
            PARSE_FAIL("%s line %zu: expected 'u v' of edge %zu", path, lineno, e);
        for (size_t k = 0; k < nval; k++)
            if (parse_double(&s, &tmp[k * ne + e]))
                PARSE_FAIL("%s line %zu: edge %zu needs %zu values after u v", path, lineno, e,
                           nval);
        if (a < 0 || b < 0 || a > INT32_MAX || b > INT32_MAX)
            PARSE_FAIL("%s line %zu: node id %lld of edge %zu is outside [0, %lld]", path, lineno,
                       (long long)(a < 0 || a > INT32_MAX ? a : b), e, (long long)INT32_MAX);
        MN__TRY(mn_graph_add_edge(g, (mn_index)a, (mn_index)b, NULL));
    }
    size_t k = 0;
    if (has_len) {
        for (size_t e = 0; e < ne; e++) {
            double x = tmp[e];
            if (!isnan(x) && !(isfinite(x) && x > 0))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s: edge %zu: length %g must be > 0", path,
                                   e, x));
        }
        g->len = mn__malloc_or_err(ctx, g->cap_edges, sizeof(double), "edge lengths");
        if (!g->len) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0; e < g->cap_edges; e++) g->len[e] = e < ne ? tmp[e] : NAN;
        k++;
    }
    if (has_pos) {
        g->ex = mn__malloc_or_err(ctx, g->cap_edges, sizeof(double), "edge positions");
        g->ey = mn__malloc_or_err(ctx, g->cap_edges, sizeof(double), "edge positions");
        if (!g->ex || !g->ey) MN__FAIL(MN_ERR_NOMEM);
        for (size_t e = 0; e < g->cap_edges; e++) {
            g->ex[e] = e < ne ? tmp[k * ne + e] : NAN;
            g->ey[e] = e < ne ? tmp[(k + 1) * ne + e] : NAN;
        }
        k += 2;
    }
    for (size_t c = 0; c < ncols; c++, k++) MN__TRY(mn_graph_add_edge_column(g, tmp + k * ne));
    mn__free(ctx, tmp);
    tmp = NULL;
    /* node sets until 'end' */
    for (;;) {
        MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
        if (strncmp(s, "end", 3) == 0) break;
        unsigned long long cnt = 0;
        if (sscanf(s, "set %63s %llu", word, &cnt) != 2)
            PARSE_FAIL("%s line %zu: expected 'set NAME COUNT' or 'end', got \"%s\"", path,
                       lineno, s);
        ids = mn__malloc_or_err(ctx, cnt + 1, sizeof(mn_index), "node set");
        if (!ids) MN__FAIL(MN_ERR_NOMEM);
        size_t got = 0;
        while (got < cnt) {
            MN__TRY(next_content_line(ctx, f, &line, &cap, &lineno, &s, path));
            int64_t x;
            while (got < cnt && !parse_int(&s, &x)) {
                if (x < 0 || (uint64_t)x >= nn)
                    MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: set %s: node %lld out of range",
                                       path, lineno, word, (long long)x));
                ids[got++] = (mn_index)x;
            }
            if (*skip_ws(s))
                PARSE_FAIL("%s line %zu: set %s: bad node id \"%s\"", path, lineno, word,
                           skip_ws(s));
        }
        MN__TRY(mn_graph_set_node_set(g, word, ids, (size_t)cnt));
        mn__free(ctx, ids);
        ids = NULL;
    }
    *out = g;
    g = NULL;
cleanup:
    mn_graph_free(g);
    mn__free(ctx, tmp);
    mn__free(ctx, tmp2);
    mn__free(ctx, ids);
    mn__free(ctx, line);
    fclose(f);
    return st;
}
