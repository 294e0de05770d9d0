#!/usr/bin/python3
"""The README's Python example, run as written against the installed package, from outside the
repository (tests/python/run-installed): the ```python block under "## From Python"."""
import os
import re
import sys

import memnet

readme = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^## From Python\n(?:.*\n)*?```python\n((?:.*\n)*?)```", readme, re.M)
if not m:
    sys.exit("test_readme: no ```python block under '## From Python' in %s" % sys.argv[1])
here = os.path.dirname(os.path.abspath(memnet.__file__))
if os.environ.get("MEMNET_EXPECT_INSTALLED"):
    src = os.path.abspath(os.path.dirname(sys.argv[1]))
    if here.startswith(src + os.sep) and "python-venv" not in here:
        sys.exit("test_readme: memnet imported from the source tree (%s), not the venv" % here)
ns = {"__name__": "__readme__"}
exec(compile(m.group(1), "README.md (From Python)", "exec"), ns)
# the example's own numbers: a pulse response that rises while the pulse is on, and a fit
rec, fit = ns["rec"], ns["fit"]
assert rec.t.size == 201 and abs(rec.t[-1] - 200.0) < 1e-9, rec.t
assert rec.G[100] > rec.G[0], (rec.G[0], rec.G[100])
assert fit.rms < 0.05, fit.rms
print("README Python example: ok (G %.4g -> %.4g S, fit rms %.3g)"
      % (rec.G[0], rec.G[100], fit.rms))
