/* memnet info: version and build information. */
#include "cli.h"

#include <string.h>

int mn_cli_info(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: memnet info\n\nPrints the library version (header and linked) as "
                   "key=value lines (--json: one JSON object).\n");
            return 0;
        }
        return cli_usage_error("info", "unknown option \"%s\"", argv[i]);
    }
    cli_out("memnet_version=%s\n", mn_version_string());
    cli_out("memnet_version_number=%d\n", mn_version_number());
    cli_out("header_version=%s\n", MN_VERSION_STRING);
    return 0;
}
