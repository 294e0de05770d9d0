/* Loaded with LD_PRELOAD by test-cli-locale.sh: switches the process to de_DE.UTF-8 (decimal
 * comma) before main runs, as a library calling setlocale(LC_ALL, "") would under a German
 * environment. The commands must still write and read '.' (tools/cli-locale.c). */
#include <locale.h>

__attribute__((constructor)) static void german(void)
{
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) setlocale(LC_ALL, "de_DE.utf8");
}
