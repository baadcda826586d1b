"""The optional C extension of the fast page reader (extract/_speedups.c); everything else is in pyproject.toml.

optional=True: where it cannot be compiled (no compiler, no Python headers) the
install goes on without it and budgetpdf reads pages with the pure-Python fast
reader, which gives the same objects.
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
        )
    ]
)
