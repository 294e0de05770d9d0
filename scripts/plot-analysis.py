#!/usr/bin/python3
"""Runs memnet.plot.analysis (bindings/python/memnet/plot/analysis.py), whose docstring gives
the usage.

Kept so that the commands in the docs and scripts/demo-run work from a source checkout without
the package installed; with the package installed, `python3 -m memnet.plot.analysis` is the same.
Imported as a module, this file offers the same functions as memnet.plot.analysis.
"""
import importlib.util
import os

_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python",
                     "memnet", "plot", "analysis.py")
_spec = importlib.util.spec_from_file_location("memnet_plot_analysis", _path)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})

if __name__ == "__main__":
    main()  # noqa: F821 (from the module loaded above)
