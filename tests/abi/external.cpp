// An external C++ program built with `pkg-config --cflags --libs memnet`.
#include <memnet/memnet.h>
#include <iostream>

int main()
{
    mn_context *ctx = nullptr;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_context_free(ctx);
    std::cout << "memnet " << mn_version_string() << std::endl;
    return mn_version_number() == MN_VERSION_NUMBER ? 0 : 1;
}
