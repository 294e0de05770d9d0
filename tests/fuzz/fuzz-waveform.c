/* libFuzzer target: the waveform spec parser (mn_waveform_parse) and PWL files. A waveform
 * parsed is evaluated and its breakpoints walked: values finite, breakpoints increasing, the
 * walk bounded (a breakpoint search that does not advance is a hang). */
#define _GNU_SOURCE
#include "fuzz-common.h"

#include <math.h>
#include <memnet/memnet.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_context *ctx = NULL;
    if (mn_context_new(&ctx)) abort();
    mn_waveform *w = NULL;
    mn_status st;
    if (size && data[0] == 'F') {
        /* "F" + file contents: a PWL file */
        char spec[96];
        snprintf(spec, sizeof spec, "pwlfile:%s", fuzz_file(0, data + 1, size - 1));
        st = mn_waveform_parse(&w, ctx, spec);
    } else {
        char *spec = fuzz_string(data, size);
        st = mn_waveform_parse(&w, ctx, spec);
        free(spec);
    }
    if (st == MN_OK) {
        double t = -1.0;
        for (int i = 0; i < 64; i++) {
            double v = mn_waveform_value(w, t), vl = mn_waveform_value_left(w, t);
            if (!isfinite(v) || !isfinite(vl)) abort();
            double b = mn_waveform_next_breakpoint(w, t);
            if (!(b > t)) abort();
            if (isinf(b)) break;
            t = b;
        }
        /* far times: the search must return, and strictly later */
        double far[] = { 1e15, 0x1p60, 1e300, -1e300 };
        for (int i = 0; i < 4; i++) {
            double b = mn_waveform_next_breakpoint(w, far[i]);
            if (!(b > far[i])) abort();
            if (isnan(mn_waveform_value(w, far[i]))) abort();
        }
    } else if (w) {
        abort();
    }
    mn_waveform_free(w);
    mn_context_free(ctx);
    return 0;
}
