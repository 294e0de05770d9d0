"""Loading libmemnet, the ctypes types and array helpers every module uses (internal).

The library is found, in this order, at
  1. the path in the environment variable MEMNET_LIBRARY,
  2. this package's own folder (the installed package: pip puts libmemnet.so.* there),
  3. the build tree next to this package (MEMNET_BUILD_ROOT, else <repo>/build*/lib/),
  4. the system loader (libmemnet.so.0 as installed by `meson install`).

Every prototype is declared from the public headers (include/memnet/*.h), beside the module
of the binding that calls it (graph.py declares graph.h, ...) through a `Functions` namespace;
the core functions (core.h, version.h) are declared here. A function the
loaded library does not export (a module that was not built) becomes a stub that raises
NotImplementedError naming it, so the rest of the binding keeps working.
"""

import ctypes
import ctypes.util
import glob
import os

import numpy as np

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
    # the installed package: libmemnet.so.<version> beside this file (newest name first)
    for p in sorted(glob.glob(os.path.join(here, "libmemnet.so*")), reverse=True):
        yield p
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


class Functions:
    """The C functions one module of the binding declares (its ctypes prototypes).

    `decl(name, restype, *argtypes)` declares one; any other attribute is looked up in this
    module (the ctypes types, the core functions, the array helpers), so
    `_c.mn_context_clear_error` and `_c.c_double_p` work from every module."""

    def decl(self, name, restype, *argtypes):
        try:
            f = getattr(lib, name)
        except AttributeError:
            setattr(self, name, _Missing(name))
            return
        f.restype = restype
        f.argtypes = list(argtypes)
        setattr(self, name, f)

    def __getattr__(self, k):
        try:
            return globals()[k]
        except KeyError:
            raise AttributeError(k) from None


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


# ------------------------------------------------------------------ array helpers

def _error(status, message):
    """memnet.Error of that status (an InvalidError, RangeError, ...: also a ValueError)."""
    from .core import Error
    return Error(status, message)


def _darr(x, n=None, name="array"):
    a = np.ascontiguousarray(np.asarray(x, dtype=np.float64))
    if a.ndim == 0:
        a = a.reshape(1)
    if n is not None and a.size != n:
        raise _error(-2, "%s: expected %d values, got %d" % (name, n, a.size))
    return a


def _iarr(x, dtype=np.int32, name="ids"):
    a = np.asarray(x)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.size and not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.equal(np.mod(a, 1), 0)):
            raise _error(-2, "%s: ids must be integers" % name)
    info = np.iinfo(dtype)
    if a.size and (a.min() < info.min or a.max() > info.max):
        raise _error(-3, "%s: id out of range" % name)
    return np.ascontiguousarray(a.astype(dtype))


def _dp(a):
    return a.ctypes.data_as(c_double_p) if a is not None else None


def _ip(a):
    return a.ctypes.data_as(c_int32_p) if a is not None else None


def _lp(a):
    return a.ctypes.data_as(c_int64_p) if a is not None else None


def _copy_d(ptr, n):
    if not ptr or n == 0:
        return np.zeros(0) if n == 0 else None
    return np.ctypeslib.as_array(ptr, shape=(n,)).copy()


def _copy_i(ptr, n):
    if not ptr or n == 0:
        return np.zeros(0, dtype=np.int32) if n == 0 else None
    return np.ctypeslib.as_array(ptr, shape=(n,)).copy()


def _b(s):
    return s.encode() if isinstance(s, str) else s
