"""Loading libmemnet and declaring its C functions for ctypes (internal).

The library is found, in this order, at
  1. the path in the environment variable MEMNET_LIBRARY,
  2. the build tree next to this package (MEMNET_BUILD_ROOT, else <repo>/build*/lib/),
  3. the system loader (libmemnet.so.0 as installed by `meson install`).

Every prototype is declared from the public headers (include/memnet/*.h). A function the
loaded library does not export (a module that was not built) becomes a stub that raises
NotImplementedError naming it, so the rest of the binding keeps working.
"""

import ctypes
import ctypes.util
import glob
import os

c_double_p = ctypes.POINTER(ctypes.c_double)
c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)
c_int_p = ctypes.POINTER(ctypes.c_int)
c_char_p_p = ctypes.POINTER(ctypes.c_char_p)
vp = ctypes.c_void_p
vpp = ctypes.POINTER(ctypes.c_void_p)
sz = ctypes.c_size_t
i32 = ctypes.c_int32
i64 = ctypes.c_int64
u64 = ctypes.c_uint64
dbl = ctypes.c_double
cint = ctypes.c_int
cstr = ctypes.c_char_p


def _candidates():
    env = os.environ.get("MEMNET_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", "..", ".."))
    roots = []
    if os.environ.get("MEMNET_BUILD_ROOT"):
        roots.append(os.environ["MEMNET_BUILD_ROOT"])
    roots.append(os.path.join(repo, "build"))
    roots.extend(sorted(glob.glob(os.path.join(repo, "build*"))))
    for r in roots:
        for name in ("libmemnet.so.0", "libmemnet.so", "libmemnet.dylib"):
            p = os.path.join(r, "lib", name)
            if os.path.exists(p):
                yield p
    found = ctypes.util.find_library("memnet")
    if found:
        yield found
    yield "libmemnet.so.0"


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("memnet: cannot load libmemnet (set MEMNET_LIBRARY to its path): "
                      + "; ".join(errors))


lib, path = _load()


class _Missing:
    def __init__(self, name):
        self.name = name

    def __call__(self, *args):
        raise NotImplementedError("libmemnet at %s has no %s (module not built)" % (path, self.name))


def has(name):
    """Whether the loaded library exports C function `name`."""
    return hasattr(lib, name)


def _decl(name, restype, *argtypes):
    try:
        f = getattr(lib, name)
    except AttributeError:
        globals()[name] = _Missing(name)
        return
    f.restype = restype
    f.argtypes = list(argtypes)
    globals()[name] = f


# ------------------------------------------------------------------ core (core.h, version.h)
_decl("mn_version_string", cstr)
_decl("mn_version_number", cint)
_decl("mn_status_str", cstr, cint)
_decl("mn_status_name", cstr, cint)
_decl("mn_context_new", cint, vpp)
_decl("mn_context_free", None, vp)
_decl("mn_context_last_error", cstr, vp)
_decl("mn_context_last_status", cint, vp)
_decl("mn_context_clear_error", None, vp)
_decl("mn_rng_new", cint, vpp, vp, u64, u64)
_decl("mn_rng_free", None, vp)
_decl("mn_rng_u64", u64, vp)
_decl("mn_rng_uniform", dbl, vp)
_decl("mn_rng_normal", dbl, vp)

# ------------------------------------------------------------------ graph (graph.h)
_decl("mn_graph_new", cint, vpp, vp, sz)
_decl("mn_graph_new_from_edges", cint, vpp, vp, sz, sz, c_int64_p, c_int64_p)
_decl("mn_graph_free", None, vp)
_decl("mn_graph_copy", cint, vpp, vp)
_decl("mn_graph_context", vp, vp)
_decl("mn_graph_add_nodes", cint, vp, sz, c_int32_p)
_decl("mn_graph_add_edge", cint, vp, i64, i64, c_int32_p)
_decl("mn_graph_node_count", sz, vp)
_decl("mn_graph_edge_count", sz, vp)
_decl("mn_graph_edge_u", c_int32_p, vp)
_decl("mn_graph_edge_v", c_int32_p, vp)
_decl("mn_graph_set_node_coords", cint, vp, c_double_p, c_double_p)
_decl("mn_graph_node_x", c_double_p, vp)
_decl("mn_graph_node_y", c_double_p, vp)
_decl("mn_graph_set_edge_lengths", cint, vp, c_double_p)
_decl("mn_graph_set_edge_length", cint, vp, i32, dbl)
_decl("mn_graph_edge_lengths", c_double_p, vp)
_decl("mn_graph_set_edge_positions", cint, vp, c_double_p, c_double_p)
_decl("mn_graph_edge_x", c_double_p, vp)
_decl("mn_graph_edge_y", c_double_p, vp)
_decl("mn_graph_edge_column_count", sz, vp)
_decl("mn_graph_edge_column", c_double_p, vp, sz)
_decl("mn_graph_add_edge_column", cint, vp, c_double_p)
_decl("mn_graph_set_node_set", cint, vp, cstr, c_int32_p, sz)
_decl("mn_graph_node_set", cint, vp, cstr, ctypes.POINTER(c_int32_p), c_size_t_p)
_decl("mn_graph_node_set_count", sz, vp)
_decl("mn_graph_node_set_name", cstr, vp, sz)
_decl("mn_graph_components", cint, vp, ctypes.POINTER(c_int32_p), c_size_t_p)
_decl("mn_graph_connected", cint, vp, c_int32_p, sz, c_int32_p, sz, c_int_p)
_decl("mn_graph_read_edgelist", cint, vpp, vp, cstr, sz, sz)
_decl("mn_graph_write_edgelist", cint, vp, cstr)
_decl("mn_graph_save", cint, vp, cstr)
_decl("mn_graph_load", cint, vpp, vp, cstr)


# ------------------------------------------------------------------ models (models.h)
class ParamInfo(ctypes.Structure):
    _fields_ = [("struct_size", sz), ("name", cstr), ("unit", cstr), ("description", cstr),
                ("kind", cint), ("default_value", dbl), ("min_value", dbl),
                ("max_value", dbl), ("choices", c_char_p_p)]


class ModelOpsHead(ctypes.Structure):
    """The leading members of mn_model_ops (only these are read)."""
    _fields_ = [("struct_size", sz), ("name", cstr), ("description", cstr), ("n_states", sz),
                ("state_names", c_char_p_p), ("n_params", sz),
                ("params", ctypes.POINTER(ParamInfo)), ("flags", ctypes.c_uint)]


ops_p = ctypes.POINTER(ModelOpsHead)
_decl("mn_model_builtin_count", sz)
_decl("mn_model_builtin", ops_p, sz)
_decl("mn_model_find", ops_p, cstr)
_decl("mn_model_new", cint, vpp, vp, cstr)
_decl("mn_model_free", None, vp)
_decl("mn_model_ops_of", ops_p, vp)
_decl("mn_model_set", cint, vp, cstr, dbl)
_decl("mn_model_set_text", cint, vp, cstr, cstr)
_decl("mn_model_get", cint, vp, cstr, c_double_p)
_decl("mn_network_new", cint, vpp, vp)
_decl("mn_network_free", None, vp)
_decl("mn_network_refresh", None, vp)
_decl("mn_network_assign", cint, vp, vp, c_int32_p, sz, c_size_t_p)
_decl("mn_network_assign_fractions", cint, vp, vpp, c_double_p, sz, u64)
_decl("mn_network_model_count", sz, vp)
_decl("mn_network_edge_models", c_int32_p, vp)
_decl("mn_network_model_ops", ops_p, vp, sz)
_decl("mn_network_set_edge_param", cint, vp, i32, cstr, dbl)
_decl("mn_network_get_edge_param", cint, vp, i32, cstr, c_double_p)
_decl("mn_network_vary_param", cint, vp, sz, cstr, dbl, u64)
_decl("mn_network_state_count", sz, vp)
_decl("mn_network_state_offsets", c_size_t_p, vp)
_decl("mn_network_initial_state", cint, vp, c_double_p)
_decl("mn_network_conductances", cint, vp, c_double_p, c_double_p)
_decl("mn_network_rates", cint, vp, c_double_p, c_double_p, c_double_p, c_double_p)

# ------------------------------------------------------------------ kirchhoff (kirchhoff.h)
_decl("mn_kirchhoff_new", cint, vpp, vp)
_decl("mn_kirchhoff_free", None, vp)
_decl("mn_kirchhoff_add_electrode", cint, vp, c_int32_p, sz, c_size_t_p)
_decl("mn_kirchhoff_electrode_count", sz, vp)
_decl("mn_kirchhoff_set_potential", cint, vp, sz, dbl)
_decl("mn_kirchhoff_set_injection", cint, vp, c_int32_p, sz, c_int32_p, sz, dbl)
_decl("mn_kirchhoff_set_emf", cint, vp, c_double_p)
_decl("mn_kirchhoff_set_conductances", cint, vp, c_double_p)
_decl("mn_kirchhoff_update_conductances", cint, vp, c_int32_p, c_double_p, sz)
_decl("mn_kirchhoff_set_strategy", cint, vp, cint)
_decl("mn_kirchhoff_set_ordering", cint, vp, cint)
_decl("mn_kirchhoff_solve", cint, vp)
_decl("mn_kirchhoff_potentials", c_double_p, vp)
_decl("mn_kirchhoff_edge_voltages", c_double_p, vp)
_decl("mn_kirchhoff_edge_currents", c_double_p, vp)
_decl("mn_kirchhoff_electrode_current", cint, vp, sz, c_double_p)
_decl("mn_kirchhoff_effective_conductance", cint, vp, sz, sz, c_double_p)
_decl("mn_kirchhoff_floating_count", sz, vp)
_decl("mn_kirchhoff_floating_nodes", c_int32_p, vp)

# ------------------------------------------------------------------ generators (generators.h)
_decl("mn_gen_new", cint, vpp, vp)
_decl("mn_gen_free", None, vp)
_decl("mn_gen_set_real", cint, vp, cint, dbl)
_decl("mn_gen_set_int", cint, vp, cint, i64)
_decl("mn_gen_get_real", cint, vp, cint, c_double_p)
_decl("mn_gen_get_int", cint, vp, cint, c_int64_p)
_decl("mn_gen_set_cb_sources", cint, vp, c_double_p, sz)
_decl("mn_gen_add_electrode_rect", cint, vp, cstr, dbl, dbl, dbl, dbl)
_decl("mn_gen_add_electrode_disc", cint, vp, cstr, dbl, dbl, dbl)
_decl("mn_gen_add_electrode_ids", cint, vp, cstr, c_int64_p, sz)
_decl("mn_gen_nanowires", cint, vpp, vp)
_decl("mn_gen_nanoparticles", cint, vpp, vp)
_decl("mn_gen_lattice", cint, vpp, vp)
_decl("mn_gen_cb", cint, vpp, vp)
_decl("mn_gen_wires", sz, vp, ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p),
      ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p))
_decl("mn_gen_particles", sz, vp, ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p),
      ctypes.POINTER(c_int32_p))
_decl("mn_gen_coverage", dbl, vp)
_decl("mn_gen_memristor_edges", c_int32_p, vp, c_size_t_p)
_decl("mn_gen_resistor_edges", c_int32_p, vp, ctypes.POINTER(c_double_p), c_size_t_p)
_decl("mn_gen_edge_emf", c_double_p, vp)

# ------------------------------------------------------------------ sim (sim.h)
sample_fn = ctypes.CFUNCTYPE(cint, vp, vp)
progress_fn = ctypes.CFUNCTYPE(cint, dbl, dbl, vp)
event_fn = ctypes.CFUNCTYPE(cint, dbl, i32, cint, vp)
_decl("mn_waveform_new_dc", cint, vpp, vp, dbl)
_decl("mn_waveform_new_pulse", cint, vpp, vp, dbl, dbl, dbl, dbl, ctypes.c_long, dbl)
_decl("mn_waveform_new_pwl", cint, vpp, vp, c_double_p, c_double_p, sz)
_decl("mn_waveform_parse", cint, vpp, vp, cstr)
_decl("mn_waveform_free", None, vp)
_decl("mn_waveform_value", dbl, vp, dbl)
_decl("mn_waveform_next_breakpoint", dbl, vp, dbl)
_decl("mn_sim_new", cint, vpp, vp)
_decl("mn_sim_free", None, vp)
_decl("mn_sim_add_electrode", cint, vp, c_int32_p, sz, vp, c_size_t_p)
_decl("mn_sim_add_electrode_set", cint, vp, cstr, vp, c_size_t_p)
_decl("mn_sim_set_current_source", cint, vp, c_int32_p, sz, c_int32_p, sz, vp)
_decl("mn_sim_set_emf", cint, vp, c_double_p)
_decl("mn_sim_electrode_count", sz, vp)
_decl("mn_sim_set_integrator", cint, vp, cint)
_decl("mn_sim_set_tolerances", cint, vp, dbl, dbl)
_decl("mn_sim_set_fixed_step", cint, vp, dbl)
_decl("mn_sim_set_max_step", cint, vp, dbl)
_decl("mn_sim_init_default", cint, vp, dbl)
_decl("mn_sim_init_uniform", cint, vp, dbl, dbl)
_decl("mn_sim_init_random", cint, vp, dbl, dbl, dbl, u64)
_decl("mn_sim_init_states", cint, vp, dbl, c_double_p)
_decl("mn_sim_set_sample_interval", cint, vp, dbl, dbl)
_decl("mn_sim_set_sample_times", cint, vp, c_double_p, sz)
_decl("mn_sim_record_edges", cint, vp, c_int32_p, sz)
_decl("mn_sim_set_sample_callback", cint, vp, sample_fn, vp)
_decl("mn_sim_set_progress_callback", cint, vp, progress_fn, ctypes.c_long, vp)
_decl("mn_sim_set_event_callback", cint, vp, event_fn, vp)
_decl("mn_sim_record_csv", cint, vp, cstr, cstr)
_decl("mn_sim_run", cint, vp, dbl)
_decl("mn_sim_time", dbl, vp)
_decl("mn_sim_states", c_double_p, vp)
_decl("mn_sim_conductances", c_double_p, vp)
_decl("mn_sim_edge_voltages", c_double_p, vp)
_decl("mn_sim_edge_currents", c_double_p, vp)
_decl("mn_sim_potentials", c_double_p, vp)
_decl("mn_sim_applied_voltage", dbl, vp, sz)
_decl("mn_sim_electrode_current", dbl, vp, sz)
_decl("mn_sim_effective_conductance", dbl, vp)
_decl("mn_sim_mean_state", dbl, vp, sz)
_decl("mn_sim_event_count", sz, vp)
_decl("mn_sim_event", cint, vp, sz, c_double_p, c_int32_p, c_int_p)
_decl("mn_sim_record_events_csv", cint, vp, cstr)
_decl("mn_sim_set_energy_tracking", cint, vp, cint)
_decl("mn_sim_energy", cint, vp, c_double_p, c_double_p)
_decl("mn_sim_checkpoint_save", cint, vp, cstr)
_decl("mn_sim_checkpoint_load", cint, vp, cstr)
_decl("mn_sim_restart", cint, vp)
_decl("mn_sim_stat_get", u64, vp, cint)

# ------------------------------------------------------------------ meanfield (meanfield.h)
_decl("mn_meanfield_model_new_by_name", cint, vpp, vp, cstr)
_decl("mn_meanfield_model_copy", cint, vpp, vp)
_decl("mn_meanfield_model_free", None, vp)
_decl("mn_meanfield_model_name", cstr, vp)
_decl("mn_meanfield_model_param_count", sz, vp)
_decl("mn_meanfield_model_param_name", cstr, vp, sz)
_decl("mn_meanfield_model_set", cint, vp, cstr, dbl)
_decl("mn_meanfield_model_get", cint, vp, cstr, c_double_p)
_decl("mn_meanfield_model_state_range", None, vp, c_double_p, c_double_p)
_decl("mn_meanfield_model_rate", cint, vp, dbl, dbl, c_double_p)
_decl("mn_meanfield_model_conductance", cint, vp, dbl, c_double_p)
_decl("mn_meanfield_model_state_of", cint, vp, dbl, c_double_p)
_decl("mn_meanfield_model_set_tolerances", cint, vp, dbl, dbl)
_decl("mn_meanfield_model_integrate_sampled", cint, vp, c_double_p, c_double_p, sz, dbl,
      c_double_p, c_double_p)
_decl("mn_meanfield_model_renormalise", cint, vp, dbl, dbl, dbl)
_decl("mn_meanfield_potential", cint, vp, dbl, c_double_p, sz, c_double_p)
_decl("mn_meanfield_equilibria", cint, vp, dbl, c_double_p, c_int_p, sz, c_size_t_p)
_decl("mn_meanfield_transition", cint, vp, dbl, dbl, c_int_p, c_double_p, c_double_p,
      c_double_p)
_decl("mn_meanfield_sweep", cint, vp, c_double_p, sz, dbl, c_double_p, c_double_p)
_decl("mn_meanfield_fit_run", cint, vpp, vp, c_double_p, c_double_p, c_double_p, sz,
      c_char_p_p, sz, cint)
_decl("mn_meanfield_fit_free", None, vp)
_decl("mn_meanfield_model_set_fit_option", cint, vp, cint, dbl)
_decl("mn_meanfield_fit_status", cint, vp, c_char_p_p)
_decl("mn_meanfield_fit_param_fixed", cint, vp, sz)
_decl("mn_meanfield_fit_param_count", sz, vp)
_decl("mn_meanfield_fit_param", cint, vp, sz, c_char_p_p, c_double_p, c_double_p)
_decl("mn_meanfield_fit_residuals", c_double_p, vp)
_decl("mn_meanfield_fit_curve", c_double_p, vp)
_decl("mn_meanfield_fit_stats", None, vp, c_double_p, c_double_p, c_size_t_p, c_size_t_p,
      c_double_p)
_decl("mn_meanfield_cb_new", cint, vpp, vp, sz, dbl, dbl, dbl, dbl, dbl, dbl)
_decl("mn_meanfield_cb_free", None, vp)
_decl("mn_meanfield_cb_coefficients", None, vp, c_double_p, c_double_p, c_double_p)
_decl("mn_meanfield_cb_critical_voltage", dbl, vp)
_decl("mn_meanfield_cb_fixed_point", cint, vp, dbl, cint, c_double_p, c_double_p)
_decl("mn_meanfield_cb_psi", dbl, vp, dbl)
_decl("mn_meanfield_cb_lyapunov", cint, vp, c_double_p, c_double_p, dbl, c_double_p)
_decl("mn_meanfield_cb_integrate", cint, vp, c_double_p, c_double_p, dbl, dbl, dbl, c_double_p)
_decl("mn_meanfield_projector_new", cint, vpp, vp, c_int32_p, sz, c_int32_p, sz, cint, dbl, u64)
_decl("mn_meanfield_projector_free", None, vp)
_decl("mn_meanfield_projector_omega_n1", dbl, vp)
_decl("mn_meanfield_projector_omega_vec", c_double_p, vp)
_decl("mn_meanfield_projector_diag", c_double_p, vp)
_decl("mn_meanfield_projector_trace", dbl, vp)
_decl("mn_meanfield_projector_trace2", dbl, vp)
_decl("mn_meanfield_projector_omega_mean", dbl, vp)
_decl("mn_meanfield_projector_g_mean", cint, vp, c_double_p, c_double_p, c_double_p)
_decl("mn_meanfield_projector_g_eff", cint, vp, c_double_p, dbl, dbl, c_double_p)
_decl("mn_meanfield_model_renormalise_projector", cint, vp, vp, dbl)
_decl("mn_meanfield_effective_conductance", cint, vp, c_int32_p, sz, c_int32_p, sz, c_double_p,
      c_double_p)

# ------------------------------------------------------------------ analysis (analysis.h)
_decl("mn_analysis_detect_events", cint, vpp, vp, c_double_p, c_double_p, sz, dbl, cint, cint)
_decl("mn_event_train_new", cint, vpp, vp, c_double_p, c_double_p, sz)
_decl("mn_event_train_free", None, vp)
_decl("mn_event_train_count", sz, vp)
_decl("mn_event_train_times", c_double_p, vp)
_decl("mn_event_train_sizes", c_double_p, vp)
_decl("mn_analysis_intervals", cint, c_double_p, vp, c_double_p, sz)
_decl("mn_analysis_histogram", cint, c_double_p, c_double_p, c_size_t_p, c_size_t_p, vp,
      c_double_p, sz, sz, cint, dbl, dbl)
_decl("mn_powerlaw_new", cint, vpp, vp)
_decl("mn_powerlaw_free", None, vp)
_decl("mn_powerlaw_set", cint, vp, cint, dbl)
_decl("mn_powerlaw_set_seed", None, vp, u64)
_decl("mn_powerlaw_fit", cint, vp, c_double_p, sz)
for _n in ("alpha", "alpha_err", "xmin", "ks", "alpha_boot_err", "xmin_boot_err", "p_value"):
    _decl("mn_powerlaw_" + _n, dbl, vp)
_decl("mn_powerlaw_n_tail", sz, vp)
_decl("mn_analysis_acf", cint, c_double_p, vp, c_double_p, sz, sz)
_decl("mn_analysis_bin_events", cint, c_double_p, vp, c_double_p, sz, dbl, dbl, sz)
_decl("mn_analysis_event_acf", cint, c_double_p, vp, c_double_p, sz, dbl, dbl, sz, sz)
_decl("mn_analysis_avalanches", cint, c_double_p, c_size_t_p, c_size_t_p, c_size_t_p, sz, vp,
      c_double_p, sz)
_decl("mn_analysis_moving_average", cint, c_double_p, vp, c_double_p, sz, sz)
_decl("mn_analysis_event_rate", cint, c_double_p, vp, c_double_p, sz, c_double_p, sz, dbl)
