// Embedding memnet in a C++ program: RAII handles (std::unique_ptr with memnet's free
// functions as deleters), memnet errors as C++ exceptions, std::vector in and out.
//
// The program solves a square resistor lattice with the Kirchhoff solver and checks the
// effective conductance against its closed form (NY parallel chains of NX - 1 unit conductors
// between the left and right columns: G_eff = NY / (NX - 1)), then lets the lattice evolve as
// a memristor network under a DC voltage and prints G_eff(t).
//
//   usage: cpp-embedding [NX [NY]]      (defaults 20 x 10)
// Build: c++ -std=c++17 main.cpp $(pkg-config --cflags --libs memnet) -o cpp-embedding
#include <memnet/memnet.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mn {

// A memnet error: the status code and the message that names the bad value.
struct error : std::runtime_error {
    mn_status status;
    error(mn_status st, const std::string &what) : std::runtime_error(what), status(st) {}
};

struct context_deleter {
    void operator()(mn_context *c) const { mn_context_free(c); }
};
using context = std::unique_ptr<mn_context, context_deleter>;

// Throw mn::error if a call failed.
inline void check(mn_context *ctx, mn_status st)
{
    if (st != MN_OK)
        throw error(st, std::string(mn_status_name(st)) + ": " + mn_context_last_error(ctx));
}

template <class T, void (*Free)(T *)> struct deleter {
    void operator()(T *p) const { Free(p); }
};
template <class T, void (*Free)(T *)> using handle = std::unique_ptr<T, deleter<T, Free>>;
using graph = handle<mn_graph, mn_graph_free>;
using generator = handle<mn_gen, mn_gen_free>;
using kirchhoff = handle<mn_kirchhoff, mn_kirchhoff_free>;
using model = handle<mn_model, mn_model_free>;
using network = handle<mn_network, mn_network_free>;
using waveform = handle<mn_waveform, mn_waveform_free>;
using simulation = handle<mn_sim, mn_sim_free>;

// Call a memnet constructor `f(&out, args...)` and wrap the result.
template <class H, class F, class... A> H make(mn_context *ctx, F f, A... args)
{
    typename H::pointer p = nullptr;
    check(ctx, f(&p, args...));
    return H(p);
}

} // namespace mn

int main(int argc, char **argv)
{
    long nx = argc > 1 ? std::atol(argv[1]) : 20, ny = argc > 2 ? std::atol(argv[2]) : 10;
    if (nx < 2 || ny < 1) {
        std::fprintf(stderr, "usage: cpp-embedding [NX >= 2 [NY >= 1]]\n");
        return 2;
    }
    mn_context *raw = nullptr;
    if (mn_context_new(&raw) != MN_OK) return 1;
    mn::context ctx(raw);
    try {
        auto gen = mn::make<mn::generator>(raw, mn_gen_new, raw);
        mn::check(raw, mn_gen_set_int(gen.get(), MN_GEN_LATTICE, MN_GEN_LATTICE_SQUARE));
        mn::check(raw, mn_gen_set_int(gen.get(), MN_GEN_NX, nx));
        mn::check(raw, mn_gen_set_int(gen.get(), MN_GEN_NY, ny));
        auto g = mn::make<mn::graph>(raw, mn_gen_lattice, gen.get());
        const size_t m = mn_graph_edge_count(g.get());

        // 1. Kirchhoff: unit conductances, electrodes on the left and right columns
        auto k = mn::make<mn::kirchhoff>(raw, mn_kirchhoff_new, g.get());
        const mn_index *ids;
        size_t n_ids;
        size_t left, right;
        mn::check(raw, mn_graph_node_set(g.get(), "left", &ids, &n_ids));
        mn::check(raw, mn_kirchhoff_add_electrode(k.get(), ids, n_ids, &left));
        mn::check(raw, mn_graph_node_set(g.get(), "right", &ids, &n_ids));
        mn::check(raw, mn_kirchhoff_add_electrode(k.get(), ids, n_ids, &right));
        std::vector<double> G(m, 1.0);
        mn::check(raw, mn_kirchhoff_set_conductances(k.get(), G.data()));
        double g_eff = 0;
        mn::check(raw, mn_kirchhoff_effective_conductance(k.get(), left, right, &g_eff));
        const double exact = double(ny) / double(nx - 1);
        std::printf("memnet_version=%s\nnodes=%zu\nedges=%zu\nG_eff=%.17g\nG_eff_exact=%.17g\n"
                    "relative_error=%.3g\n",
                    mn_version_string(), mn_graph_node_count(g.get()), m, g_eff, exact,
                    std::fabs(g_eff - exact) / exact);

        // 2. the same lattice as a memristor network at 1 V (miranda junctions, bipolar)
        auto junction = mn::make<mn::model>(raw, mn_model_new, raw, "miranda");
        mn::check(raw, mn_model_set(junction.get(), "unipolar", 0));
        auto net = mn::make<mn::network>(raw, mn_network_new, g.get());
        mn::check(raw, mn_network_assign(net.get(), junction.get(), nullptr, 0, nullptr));
        auto dc = mn::make<mn::waveform>(raw, mn_waveform_new_dc, raw, 1.0);
        auto sim = mn::make<mn::simulation>(raw, mn_sim_new, net.get());
        mn::check(raw, mn_sim_add_electrode_set(sim.get(), "left", dc.get(), nullptr));
        mn::check(raw, mn_sim_add_electrode_set(sim.get(), "right", nullptr, nullptr));
        mn::check(raw, mn_sim_init_uniform(sim.get(), 0.0, 0.0));
        std::printf("t,G_eff\n");
        for (double t = 0; t <= 50.0; t += 10.0) {
            if (t > 0) mn::check(raw, mn_sim_run(sim.get(), t));
            else mn::check(raw, mn_sim_run(sim.get(), 1e-9)); // solve once at t = 0
            std::printf("%g,%.10g\n", t, mn_sim_effective_conductance(sim.get()));
        }

        // 3. errors are exceptions carrying memnet's message
        try {
            mn::check(raw, mn_model_set(junction.get(), "kP0", -1.0));
        } catch (const mn::error &e) {
            std::printf("caught=%s\n", e.what());
        }
    } catch (const mn::error &e) {
        std::fprintf(stderr, "cpp-embedding: %s\n", e.what());
        return 1;
    }
    return 0;
}
