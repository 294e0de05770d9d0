/* Prints 0.5 with printf without touching the locale: "0,5" shows that locale-preload.so took
 * effect (the control of test-cli-locale.sh). */
#include <stdio.h>

int main(void)
{
    printf("%g\n", 0.5);
    return 0;
}
