/* libFuzzer target: the CSV reader of `memnet analyze` (read_csv in tools/cmd-analyze.c, the
 * file is included so its static reader is reachable without changing it). */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include "cmd-analyze.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the CLI reader prints its error messages to stderr: to /dev/null here (the sanitizers
     * and libFuzzer write to file descriptor 2 directly, unaffected) */
    static int quiet;
    if (!quiet) {
        FILE *null = fopen("/dev/null", "w");
        if (null) stderr = null;
        quiet = 1;
    }
    table tb;
    memset(&tb, 0, sizeof tb);
    /* the first byte picks the column options */
    const char *x = size && (data[0] & 1) ? "2" : "I";
    const char *tspec = size && (data[0] & 2) ? "t" : NULL;
    long skip = size && (data[0] & 4) ? 1 : 0;
    if (read_csv(&tb, fuzz_file(0, data, size), "--data", x, "--time-column", tspec, skip) == 0) {
        if (tb.nrow == 0 || !tb.xcol) abort();
        for (size_t i = 0; i < tb.nrow; i++) (void)tb.xcol[i];
    }
    table_free(&tb);
    return 0;
}
