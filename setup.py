"""The optional C extensions (extract/*.c); everything else is in pyproject.toml.

_speedups is the fast page reader's hot loops, _grid_cells the filling of a
ruled grid's cells, _text_lines the page's text lines and prose lines.
optional=True: where they cannot be compiled (no compiler, no Python headers)
the install goes on without them and budgetpdf runs their Python twins, which
give the same objects.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "budgetpdf.extract._speedups",
            ["extract/_speedups.c"],
            # the glyph arithmetic must round as Python's does: one rounding per operation,
            # no fused multiply-add, no reassociation
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        ),
        Extension(
            "budgetpdf.extract._grid_cells",
            ["extract/_grid_cells.c"],
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        ),
        Extension(
            "budgetpdf.extract._text_lines",
            ["extract/_text_lines.c"],
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        ),
    ]
)
