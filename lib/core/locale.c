/*
 * Locale independence of memnet's text I/O. Numbers in files memnet writes and reads always
 * use '.' as the decimal point, whatever the process locale (a program that called
 * setlocale(LC_ALL, "de_DE.UTF-8") would otherwise write "0,5" and fail to read its own files).
 *
 * Every function that formats or parses numbers in files brackets that work with
 * mn__c_locale_begin() / mn__c_locale_end(): POSIX uselocale() switches the calling thread
 * (only it) to the "C" locale and back, so other threads and the caller's locale are untouched.
 * newlocale() of the complete "C" locale returns glibc's static C locale object (no allocation).
 */
#include "core-private.h"

#include <locale.h>

int mn__c_locale_begin(mn__c_locale *l)
{
    l->loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (l->loc == (locale_t)0) {
        l->prev = (locale_t)0;
        return -1;
    }
    l->prev = uselocale(l->loc);
    if (l->prev == (locale_t)0) {
        freelocale(l->loc);
        l->loc = (locale_t)0;
        return -1;
    }
    return 0;
}

void mn__c_locale_end(mn__c_locale *l)
{
    if (l->loc == (locale_t)0) return;
    uselocale(l->prev);
    freelocale(l->loc);
    l->loc = (locale_t)0;
}
