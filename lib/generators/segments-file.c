/* The segments file: measured wires as text, one straight segment per line (docs/file-formats.md,
 * "Wire segments"). Read in the C locale; nothing is allocated from a declared size: the
 * buffers grow with the lines read. */
#include "generators-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEG_MAX_FIELDS 64 /* columns of a line (a header names at most this many) */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Split s in place into fields: separated by commas (a line with a comma; blanks around fields
 * are dropped) or by blanks. Returns the number of fields, or -1 beyond max. */
static int split_fields(char *s, char **field, int max)
{
    int n = 0;
    if (strchr(s, ',')) {
        for (char *p = s;;) {
            char *e = strchr(p, ',');
            if (e) *e = '\0';
            while (is_blank(*p)) p++;
            char *t = p + strlen(p);
            while (t > p && is_blank(t[-1])) *--t = '\0';
            if (n == max) return -1;
            field[n++] = p;
            if (!e) break;
            p = e + 1;
        }
        return n;
    }
    for (char *p = s;;) {
        while (is_blank(*p)) p++;
        if (!*p) break;
        char *e = p;
        while (*e && !is_blank(*e)) e++;
        if (n == max) return -1;
        field[n++] = p;
        if (!*e) break;
        *e = '\0';
        p = e + 1;
    }
    return n;
}

/* a whole field as a number (strtod in the C locale set by the caller); 0 or -1 */
static int parse_number(const char *s, double *x)
{
    char *end;
    if (!*s) return -1;
    errno = 0;
    *x = strtod(s, &end);
    return end != s && *end == '\0' ? 0 : -1;
}

/* the column of each end-point coordinate from a header, or -1: names x0,y0,x1,y1 (memnet's
 * --wires-out) or x1,y1,x2,y2, case-insensitive; else 4 columns are taken in order */
static int header_columns(char **field, int nf, int col[4])
{
    static const char *const sets[2][4] = { { "x0", "y0", "x1", "y1" }, { "x1", "y1", "x2", "y2" } };
    for (int s = 0; s < 2; s++) {
        int found = 0;
        for (int k = 0; k < 4; k++) {
            col[k] = -1;
            for (int j = 0; j < nf; j++)
                if (!strcasecmp(field[j], sets[s][k])) col[k] = j;
            found += col[k] >= 0;
        }
        /* x1,y1 are in both sets: the first set needs x0 and y0 */
        if (found == 4) return 0;
    }
    if (nf == 4) {
        for (int k = 0; k < 4; k++) col[k] = k;
        return 0;
    }
    return -1;
}

static mn_status read_segments(mn_context *ctx, const char *path, double **xy_out, size_t *n_out)
{
    mn_status st = MN_OK;
    FILE *f = fopen(path, "r");
    if (!f)
        return mn__error(ctx, MN_ERR_IO, "cannot open segments file %s: %s", path, strerror(errno));
    char *line = NULL, *field[SEG_MAX_FIELDS];
    size_t cap = 0, lineno = 0, n = 0, ncap = 0;
    double *xy = NULL;
    int col[4] = { 0, 1, 2, 3 }, nfields = -1; /* fields per line once known */
    long len;
    static const char *const names[4] = { "x1", "y1", "x2", "y2" };
    while ((len = mn__read_line(ctx, f, &line, &cap, lineno)) >= 0) {
        lineno++;
        char *h = strchr(line, '#');
        if (h) *h = '\0';
        char *p = line;
        while (is_blank(*p)) p++;
        if (!*p) continue;
        int nf = split_fields(p, field, SEG_MAX_FIELDS);
        if (nf < 0)
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: more than %d columns", path, lineno,
                               SEG_MAX_FIELDS));
        double v;
        if (nfields < 0 && n == 0 && parse_number(field[0], &v)) { /* a header */
            if (header_columns(field, nf, col))
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE,
                                   "%s line %zu: header \"%.80s\" names no end-point columns "
                                   "(x0,y0,x1,y1 or x1,y1,x2,y2; or give exactly 4 columns)",
                                   path, lineno, field[0]));
            nfields = nf;
            continue;
        }
        if (nfields < 0) {
            if (nf != 4)
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE,
                                   "%s line %zu: %d values, expected 4 (x1,y1,x2,y2)", path, lineno,
                                   nf));
            nfields = 4;
        }
        if (nf != nfields)
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: %d values, expected %d", path,
                               lineno, nf, nfields));
        double s[4];
        for (int k = 0; k < 4; k++) {
            const char *t = field[col[k]];
            if (parse_number(t, &s[k]))
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: %s \"%.40s\" is not a number",
                                   path, lineno, names[k], t));
            if (!isfinite(s[k]))
                MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: %s = %.40s is not finite",
                                   path, lineno, names[k], t));
        }
        if (s[0] == s[2] && s[1] == s[3])
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID,
                               "%s line %zu: zero-length segment (both end points are (%g, %g))",
                               path, lineno, s[0], s[1]));
        if (n >= (size_t)INT32_MAX)
            MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "%s line %zu: more than 2^31-1 segments", path,
                               lineno));
        if (n == ncap) {
            size_t nc = ncap ? 2 * ncap : 256;
            double *q = mn__realloc_array(ctx, xy, 4 * nc, sizeof(double));
            if (!q) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
            xy = q;
            ncap = nc;
        }
        memcpy(xy + 4 * n, s, sizeof s);
        n++;
    }
    if (len == -2) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "out of memory reading %s", path));
    if (len == -3)
        MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s line %zu: NUL byte in a text line", path,
                           lineno + 1));
    if (ferror(f)) MN__FAIL(mn__error(ctx, MN_ERR_IO, "error reading %s", path));
    if (n == 0)
        MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "%s: no segments (lines x1,y1,x2,y2)", path));
    *xy_out = xy;
    *n_out = n;
    xy = NULL;
cleanup:
    mn__free(ctx, line);
    mn__free(ctx, xy);
    fclose(f);
    return st;
}

mn_status mn_gen_segments_file(mn_graph **out, mn_gen *gen, const char *path)
{
    if (!out || !gen) return gen ? mn__error(gen->ctx, MN_ERR_INVALID, "segments: out is NULL")
                                 : MN_ERR_INVALID;
    *out = NULL;
    mn_context *ctx = gen->ctx;
    mn__gen_reset_results(gen);
    if (!path) return mn__error(ctx, MN_ERR_INVALID, "segments: NULL path");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "read segments: cannot create the C locale");
    double *xy = NULL;
    size_t n = 0;
    mn_status st = read_segments(ctx, path, &xy, &n);
    mn__c_locale_end(&loc);
    if (st) return st;
    st = mn_gen_segments(out, gen, xy, n);
    mn__free(ctx, xy);
    return st;
}
