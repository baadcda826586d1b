"""The optional C extensions (extract/*.c); everything else is in pyproject.toml.

_speedups holds the fast page reader's hot loops, _grid_cells the filling of a
ruled grid's cells and the table finder's, _text_lines the text lines.
optional=True: where they cannot be compiled (no compiler, no Python headers)
the install goes on without them and budgetpdf runs their Python twins, which
give the same objects (extract/extensions.py).
"""

from setuptools import Extension, setup

# the arithmetic on positions must round as Python's does: one rounding per operation,
# no fused multiply-add, no reassociation
EXACT_FLOATS = ["-O2", "-ffp-contract=off", "-fno-fast-math"]

setup(
    ext_modules=[
        Extension(f"budgetpdf.extract.{name}", [f"extract/{name}.c"], extra_compile_args=EXACT_FLOATS, optional=True)
        for name in ("_speedups", "_grid_cells", "_text_lines")
    ]
)
