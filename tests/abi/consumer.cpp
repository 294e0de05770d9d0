// The C++ consumer: the same computation as consumer.c through memnet's C API from C++
// (extern "C" guards), with RAII holders for the handles.
#include <memnet/memnet.h>
#include <cmath>
#include <iostream>
#include <memory>

struct ctx_free { void operator()(mn_context *c) const { mn_context_free(c); } };
struct graph_free { void operator()(mn_graph *g) const { mn_graph_free(g); } };
struct kirchhoff_free { void operator()(mn_kirchhoff *k) const { mn_kirchhoff_free(k); } };

int main()
{
    mn_context *c = nullptr;
    if (mn_context_new(&c) != MN_OK) return 1;
    std::unique_ptr<mn_context, ctx_free> ctx(c);
    const mn_index u[] = { 0, 1, 0 }, v[] = { 1, 2, 2 };
    const double G[] = { 1.0, 1.0, 1.0 };
    const mn_index a = 0, b = 2;
    mn_graph *gp = nullptr;
    mn_kirchhoff *kp = nullptr;
    if (mn_graph_new_from_edges(&gp, c, 3, 3, u, v) != MN_OK) return 1;
    std::unique_ptr<mn_graph, graph_free> g(gp);
    if (mn_kirchhoff_new(&kp, gp) != MN_OK) return 1;
    std::unique_ptr<mn_kirchhoff, kirchhoff_free> k(kp);
    size_t ea = 0, eb = 0;
    double g_eff = 0;
    if (mn_kirchhoff_add_electrode(kp, &a, 1, &ea) || mn_kirchhoff_add_electrode(kp, &b, 1, &eb) ||
        mn_kirchhoff_set_conductances(kp, G) || mn_kirchhoff_effective_conductance(kp, ea, eb, &g_eff)) {
        std::cerr << "memnet: " << mn_context_last_error(c) << "\n";
        return 1;
    }
    std::cout.precision(17);
    std::cout << "memnet " << mn_version_string() << " G_eff=" << g_eff << std::endl;
    return std::fabs(g_eff - 1.5) <= 1e-12 && mn_version_number() == MN_VERSION_NUMBER ? 0 : 1;
}
