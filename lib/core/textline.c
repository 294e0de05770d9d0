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
