/* The command-line programs write and read numbers in the C locale (issue 14).
 *
 * Every number a command writes (CSV rows, key=value and JSON results, provenance headers,
 * event logs) and every number it parses (options, run files, CSV input) goes through the
 * printf/strtod family, whose decimal point is the locale's. A C program starts in the "C"
 * locale, but a library it links may call setlocale(LC_ALL, "") and a German, French, ...
 * environment would then turn 0.5 into "0,5" in every CSV. cli_pin_c_locale() makes the
 * calling thread use the "C" locale whatever the global locale becomes (POSIX uselocale: a
 * thread's own locale overrides setlocale), so every printf and strtod of the command is
 * locale-free. The commands print from the main thread only. */
#include "cli.h"

#include <locale.h>

int cli_pin_c_locale(void)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c == (locale_t)0) return -1;
    if (uselocale(c) == (locale_t)0) {
        freelocale(c);
        return -1;
    }
    return 0; /* kept for the life of the process */
}
