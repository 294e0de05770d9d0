/* An external program built with `pkg-config --cflags --libs memnet`. */
#include <memnet/memnet.h>
#include <stdio.h>

int main(void)
{
    mn_context *ctx = NULL;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_graph *g = NULL;
    mn_index u[] = { 0 }, v[] = { 1 };
    if (mn_graph_new_from_edges(&g, ctx, 2, 1, u, v) != MN_OK) return 1;
    mn_graph_free(g);
    mn_context_free(ctx);
    printf("memnet %s\n", mn_version_string());
    return mn_version_number() == MN_VERSION_NUMBER ? 0 : 1;
}
