"""The optional C extensions (extract/*.c, built by setup.py where a compiler is at hand).

Each is a translation of Python code that stays as its specification; where an
extension is missing, stale or turned off (BUDGETPDF_PURE_PYTHON=1), its Python
twin runs and gives the same objects.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType


# the VERSION each extension's source declares: a module built from other source is not used
VERSIONS = {"_speedups": 4, "_grid_cells": 4, "_text_lines": 2}


def load_extension(name: str) -> ModuleType | None:
    """``budgetpdf.extract.<name>`` if it is built from this source, else None."""
    if os.environ.get("BUDGETPDF_PURE_PYTHON"):
        return None
    try:
        module = importlib.import_module(f"budgetpdf.extract.{name}")
    except ImportError:
        return None
    return module if getattr(module, "VERSION", None) == VERSIONS[name] else None  # stale: rebuild with pip install -e .
