// Compiled as C++11 -pedantic -Werror: the public headers must have extern "C" guards.
#include <memnet/memnet.h>
#include <cstdio>
#include <cstring>

int main()
{
    mn_context *ctx = nullptr;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_context_free(ctx);
    if (std::strcmp(mn_version_string(), MN_VERSION_STRING) != 0) return 1;
    std::printf("%s\n", mn_version_string());
    return 0;
}
