/* libFuzzer target: the run-description file parser behind --config (tools/cli.c,
 * cli_expand_config): the arguments it makes are well-formed strings. */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include "cli.h"

#include <string.h>

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
    char *argv[] = { "simulate", "--t-end", "1", "--config", NULL, NULL };
    argv[4] = (char *)fuzz_file(0, data, size);
    int n = 0;
    char **v = NULL;
    if (cli_expand_config(5, argv, &n, &v) == 0) {
        if (n < 3 || !v || v[n] != NULL) abort();
        for (int i = 0; i < n; i++)
            if (!v[i]) abort();
        cli_free_args(n, v);
    }
    return 0;
}
