/* Status codes: text and names from the single X-macro list in core.h. */
#include "core-private.h"
#include <memnet/version.h>

const char *mn_status_str(mn_status status)
{
    switch (status) {
#define MN__STATUS_TEXT(name, value, text) case name: return text;
        MN_STATUS_LIST(MN__STATUS_TEXT)
#undef MN__STATUS_TEXT
    default: return "unknown status";
    }
}

const char *mn_status_name(mn_status status)
{
    switch (status) {
#define MN__STATUS_NAME(name, value, text) case name: return #name;
        MN_STATUS_LIST(MN__STATUS_NAME)
#undef MN__STATUS_NAME
    default: return "MN_UNKNOWN";
    }
}

const char *mn_version_string(void) { return MN_VERSION_STRING; }

int mn_version_number(void) { return MN_VERSION_NUMBER; }
