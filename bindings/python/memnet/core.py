"""Library version, errors and contexts (core.h, version.h)."""

import ctypes
import threading

from . import _lib as _c

library_path = _c.path


def version():
    """The library's version string, "major.minor.patch"."""
    return _c.mn_version_string().decode()


def version_number():
    """The library's version as major * 10000 + minor * 100 + patch."""
    return int(_c.mn_version_number())


# ===================================================================== errors and context

class Error(Exception):
    """A memnet call failed: the base class of every memnet exception.

    Attributes: ``status`` (the negative mn_status code, e.g. -3), ``name`` ("MN_ERR_RANGE")
    and ``message`` (memnet's message naming the bad value, from mn_context_last_error()).

    ``Error(status, message)`` makes the subclass of that status, which also derives from the
    builtin exception a Python user catches:

    ==================  ======================  =======================================
    class               also a                  mn_status
    ==================  ======================  =======================================
    NoMemoryError       MemoryError             MN_ERR_NOMEM (-1)
    InvalidError        ValueError              MN_ERR_INVALID (-2)
    RangeError          ValueError              MN_ERR_RANGE (-3)
    FileError           OSError                 MN_ERR_IO (-4)
    ParseError          ValueError              MN_ERR_PARSE (-5)
    NotFoundError       LookupError             MN_ERR_NOT_FOUND (-6)
    StateError          RuntimeError            MN_ERR_STATE (-7)
    SingularError       ArithmeticError         MN_ERR_SINGULAR (-8)
    SolverError         ArithmeticError         MN_ERR_SOLVER (-9)
    ConvergenceError    ArithmeticError         MN_ERR_CONVERGENCE (-10)
    CancelledError      RuntimeError            MN_ERR_CANCELLED (-11)
    UnsupportedError    NotImplementedError     MN_ERR_UNSUPPORTED (-12)
    InternalError       RuntimeError            MN_ERR_INTERNAL (-13)
    ==================  ======================  =======================================

    A status without a class of its own (a code added by a later library) gives Error.
    """

    def __new__(cls, status, message=""):
        if cls is Error:
            cls = _ERROR_CLASSES.get(int(status), Error)
        # one argument for the builtin base (OSError would read two as errno, strerror);
        # OSError has its own layout and allocator, the others are Exception's
        base = OSError if issubclass(cls, OSError) else Exception
        return base.__new__(cls, message)

    def __init__(self, status, message=""):
        self.status = int(status)
        name = _c.mn_status_name(self.status)
        self.name = name.decode() if name else "MN_STATUS_%d" % self.status
        self.message = message
        super().__init__("%s: %s" % (self.name, message))

    def __str__(self):
        return "%s: %s" % (self.name, self.message)

    def __reduce__(self):
        return (Error, (self.status, self.message))


class NoMemoryError(Error, MemoryError):
    """Out of memory (MN_ERR_NOMEM, -1)."""


class InvalidError(Error, ValueError):
    """An invalid argument (MN_ERR_INVALID, -2): a bad name, size or combination."""


class RangeError(Error, ValueError):
    """A value out of its range (MN_ERR_RANGE, -3): a negative conductance, a NaN, an id past
    the end."""


class FileError(Error, OSError):
    """Reading or writing a file failed (MN_ERR_IO, -4)."""


class ParseError(Error, ValueError):
    """Malformed input (MN_ERR_PARSE, -5): a file or a spec string memnet cannot read."""


class NotFoundError(Error, LookupError):
    """A name that is not there (MN_ERR_NOT_FOUND, -6): a model, parameter or node set."""


class StateError(Error, RuntimeError):
    """The object is not in a state that allows the call (MN_ERR_STATE, -7)."""


class SingularError(Error, ArithmeticError):
    """A singular system (MN_ERR_SINGULAR, -8): an undefined potential."""


class SolverError(Error, ArithmeticError):
    """A numerical solver failed (MN_ERR_SOLVER, -9), e.g. CVODE's step size underflowed."""


class ConvergenceError(Error, ArithmeticError):
    """An iteration did not converge (MN_ERR_CONVERGENCE, -10)."""


class CancelledError(Error, RuntimeError):
    """Cancelled by the caller (MN_ERR_CANCELLED, -11), e.g. a callback asked to stop."""


class UnsupportedError(Error, NotImplementedError):
    """An operation this build or object does not support (MN_ERR_UNSUPPORTED, -12)."""


class InternalError(Error, RuntimeError):
    """An internal error of memnet (MN_ERR_INTERNAL, -13): please report it."""


_ERROR_CLASSES = {-1: NoMemoryError, -2: InvalidError, -3: RangeError, -4: FileError,
                  -5: ParseError, -6: NotFoundError, -7: StateError, -8: SingularError,
                  -9: SolverError, -10: ConvergenceError, -11: CancelledError,
                  -12: UnsupportedError, -13: InternalError}

#: names of the exception classes (re-exported by memnet)
ERROR_CLASSES = ["Error"] + [c.__name__ for c in _ERROR_CLASSES.values()]


class Context:
    """An mn_context: allocator, last error message. Objects keep their context alive."""

    def __init__(self):
        p = ctypes.c_void_p()
        st = _c.mn_context_new(ctypes.byref(p))
        if st != 0:
            raise Error(st, "cannot create a memnet context")
        self._p = p

    def __del__(self):
        if getattr(self, "_p", None):
            _c.mn_context_free(self._p)
            self._p = None

    @property
    def last_error(self):
        """Message of the last error recorded in this context ("" if none)."""
        return _c.mn_context_last_error(self._p).decode(errors="replace")

    def check(self, status, what=""):
        """Raise the Error subclass of a non-zero mn_status with this context's last message
        (then cleared); do nothing for MN_OK."""
        if status != 0:
            msg = self.last_error or _c.mn_status_str(status).decode()
            _c.mn_context_clear_error(self._p)
            raise Error(status, msg)


_local = threading.local()


def _default_context():
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = _local.ctx = Context()
    return ctx


def _ctx(ctx):
    return ctx if ctx is not None else _default_context()
