/* A program outside the memnet tree, built only through memnet's installed package files
 * (memnet.pc or the CMake package): the effective conductance of a triangle of 1 S junctions
 * between two of its corners, 1 + 1/2 = 1.5 S (series and parallel rules), by a CHOLMOD solve.
 * Prints "memnet <version> G_eff=<value>" and exits 0 if it is right. */
#include <memnet/memnet.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
    const mn_index u[] = { 0, 1, 0 }, v[] = { 1, 2, 2 };
    const double G[] = { 1.0, 1.0, 1.0 };
    const mn_index a = 0, b = 2;
    mn_context *ctx = NULL;
    mn_graph *g = NULL;
    mn_kirchhoff *k = NULL;
    size_t ea, eb;
    double g_eff = 0;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    mn_status st = mn_graph_new_from_edges(&g, ctx, 3, 3, u, v);
    if (!st) st = mn_kirchhoff_new(&k, g);
    if (!st) st = mn_kirchhoff_add_electrode(k, &a, 1, &ea);
    if (!st) st = mn_kirchhoff_add_electrode(k, &b, 1, &eb);
    if (!st) st = mn_kirchhoff_set_conductances(k, G);
    if (!st) st = mn_kirchhoff_effective_conductance(k, ea, eb, &g_eff);
    if (st) fprintf(stderr, "memnet: %s\n", mn_context_last_error(ctx));
    else printf("memnet %s G_eff=%.17g\n", mn_version_string(), g_eff);
    mn_kirchhoff_free(k);
    mn_graph_free(g);
    mn_context_free(ctx);
    if (st || fabs(g_eff - 1.5) > 1e-12) return 1;
    return mn_version_number() == MN_VERSION_NUMBER ? 0 : 1;
}
