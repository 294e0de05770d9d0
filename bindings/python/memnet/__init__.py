"""memnet: simulation and mean-field reduction of memristive junction networks.

A thin ctypes binding of the C library libmemnet (no compilation). Arrays go in and come
out as numpy arrays (float64 for values, int32 for node and edge ids); every C error becomes
a :class:`memnet.Error` carrying memnet's status code and message.

    >>> import memnet
    >>> g = memnet.Graph.from_edges([0, 1, 0], [1, 2, 2])      # a triangle
    >>> k = memnet.Kirchhoff(g)
    >>> a, b = k.add_electrode([0]), k.add_electrode([2])
    >>> k.set_conductances([1.0, 1.0, 1.0])
    >>> round(k.effective_conductance(a, b), 12)
    1.5

Units are SI (V, A, S, s); lengths in the unit of the geometry (see docs/guide.md).
Threads: every object belongs to a :class:`Context`; a context and its objects are used by
one thread at a time. By default each thread gets its own context.
"""

from . import _lib  # noqa: F401  (memnet._lib.has() is used by examples and tests)
from .core import Error, Context, version, version_number, library_path
from .core import (NoMemoryError, InvalidError, RangeError, FileError, ParseError,
                   NotFoundError, StateError, SingularError, SolverError, ConvergenceError,
                   CancelledError, UnsupportedError, InternalError)
from .graph import Graph
from .models import Model, models, model_info, Network
from .kirchhoff import Kirchhoff, effective_conductance
from .generators import Generator, nanowires, generate_segments, nanoparticles, lattice, cb_circuit
from .sim import Waveform, Simulation, Recording
from .h5 import H5Recorder
from . import h5  # noqa: F401  (memnet.h5.available(), memnet.h5.RECORD)
from .meanfield import MeanFieldModel, FitResult, Projector, CBCircuit, EffectiveMedium
from .nx import from_networkx, to_networkx
from .pymodel import PythonModel
from .analysis import (detect_events, intervals, histogram, powerlaw_fit, acf, bin_events,
                       event_acf, avalanches, moving_average, event_rate)

#: The version of the loaded libmemnet, "major.minor.patch": the installed package's own
#: library, whose version is the package's (both come from the project in meson.build).
__version__ = version()

__all__ = [
    "__version__", "Error", "NoMemoryError", "InvalidError", "RangeError", "FileError",
    "ParseError", "NotFoundError", "StateError", "SingularError", "SolverError",
    "ConvergenceError", "CancelledError", "UnsupportedError", "InternalError", "Context",
    "version", "version_number", "library_path",
    "Graph", "Model", "PythonModel", "models", "model_info", "Network", "Kirchhoff", "effective_conductance",
    "Generator", "nanowires", "generate_segments", "nanoparticles", "lattice", "cb_circuit",
    "Waveform", "Simulation", "Recording", "H5Recorder", "from_networkx", "to_networkx",
    "MeanFieldModel", "FitResult", "Projector", "CBCircuit", "EffectiveMedium",
    "detect_events", "intervals", "histogram", "powerlaw_fit", "acf", "bin_events",
    "event_acf", "avalanches", "moving_average", "event_rate",
]
