/* Text lines for every reader of memnet's text formats (edge lists, native network files,
 * segment files): one line of any length, grown as it is read, never sized by a declaration.
 * The stream must be the caller's own (getc_unlocked). */
#define _POSIX_C_SOURCE 200809L /* getc_unlocked */
#include "core-private.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Read one line of any length into *buf. Returns its length, -1 at EOF, -2 out of memory,
 * -3 if the line holds a NUL byte (text files have none; "3\0.5" must not read as 3). A UTF-8
 * byte order mark at the start of the first line (*lineno == 0) is skipped; a trailing CR is
 * dropped (CRLF files). */
long mn__read_line(mn_context *ctx, FILE *f, char **buf, size_t *cap, size_t lineno)
{
    size_t n = 0;
    int c, nul = 0;
    if (!*buf) {
        *cap = 256;
        *buf = mn__malloc(ctx, *cap);
        if (!*buf) return -2;
    }
    /* getc_unlocked: the stream is this reader's own (no other thread uses it), and the
     * locking fgetc was 40% of `memnet solve` on a 6e5-junction network file */
    while ((c = getc_unlocked(f)) != EOF) {
        if (n + 1 >= *cap) {
            if (*cap > SIZE_MAX / 2) return -2;
            char *q = mn__realloc(ctx, *buf, 2 * *cap);
            if (!q) return -2;
            *buf = q;
            *cap *= 2;
        }
        if (c == '\n') break;
        if (c == '\0') nul = 1;
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0) return -1;
    (*buf)[n] = '\0';
    if (n && (*buf)[n - 1] == '\r') (*buf)[--n] = '\0';
    if (nul) return -3;
    if (lineno == 0 && n >= 3 && memcmp(*buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(*buf, *buf + 3, n - 2);
        n -= 3;
    }
    if (n > LONG_MAX) return -2;
    return (long)n;
}

/* ------------------------------------------------------------------- block reader */

/* Block size of mn__lines: large enough that the reads cost nothing beside the parsing (the
 * stream's own 4 KiB buffer meant one read call per 4 KiB), small against any file worth it.
 * A longer line grows the buffer to hold it, as mn__read_line's does. */
#define MN__LINES_BLOCK ((size_t)1 << 20)

void mn__lines_init(mn__lines *r, mn_context *ctx, FILE *f)
{
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->f = f;
}

void mn__lines_free(mn__lines *r)
{
    mn__free(r->ctx, r->buf);
    r->buf = NULL;
    r->cap = r->pos = r->end = r->scan = 0;
}

long mn__lines_next(mn__lines *r, char **line)
{
    char *nl = NULL;
    if (!r->buf) {
        r->buf = mn__malloc(r->ctx, MN__LINES_BLOCK);
        if (!r->buf) return -2;
        r->cap = MN__LINES_BLOCK;
    }
    for (;;) {
        if (r->scan < r->pos) r->scan = r->pos;
        nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl || r->eof) break;
        r->scan = r->end;
        /* keep the unread part at the front and room for a terminating NUL */
        if (r->pos > 0) {
            memmove(r->buf, r->buf + r->pos, r->end - r->pos);
            r->end -= r->pos;
            r->scan -= r->pos;
            r->pos = 0;
        }
        if (r->cap - r->end < MN__LINES_BLOCK / 2) {
            if (r->cap > SIZE_MAX / 2) return -2;
            char *q = mn__realloc(r->ctx, r->buf, 2 * r->cap);
            if (!q) return -2;
            r->buf = q;
            r->cap *= 2;
        }
        size_t got = fread(r->buf + r->end, 1, r->cap - 1 - r->end, r->f);
        r->end += got;
        if (got == 0) r->eof = 1; /* end of file or a read error (ferror tells the caller) */
    }
    char *s = r->buf + r->pos;
    size_t n;
    if (nl) {
        n = (size_t)(nl - s);
        r->pos += n + 1;
    } else {
        if (r->pos == r->end) return -1;
        n = r->end - r->pos; /* last line without a newline: end < cap leaves room for NUL */
        r->pos = r->end;
    }
    s[n] = '\0';
    size_t lineno = r->lineno++;
    if (memchr(s, '\0', n)) return -3;
    if (n && s[n - 1] == '\r') s[--n] = '\0';
    if (lineno == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (n > LONG_MAX) return -2;
    *line = s;
    return (long)n;
}
