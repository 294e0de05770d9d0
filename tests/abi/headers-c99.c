/* Compiled with -std=c99 -pedantic -Werror: the public headers must be plain C99. */
#include <memnet/memnet.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (mn_version_number() != MN_VERSION_NUMBER) return 1;
    if (strcmp(mn_version_string(), MN_VERSION_STRING) != 0) return 1;
    printf("%s\n", mn_version_string());
    return 0;
}
