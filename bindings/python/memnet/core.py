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
    """A memnet call failed.

    Attributes: ``status`` (the negative mn_status code), ``name`` ("MN_ERR_RANGE") and
    ``message`` (memnet's message naming the bad value).
    """

    def __init__(self, status, message):
        self.status = int(status)
        self.name = _c.mn_status_name(self.status).decode()
        self.message = message
        super().__init__("%s: %s" % (self.name, message))


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
