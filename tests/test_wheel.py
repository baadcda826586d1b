"""A clean wheel: one namespace, no tests, samples or corpus files, and it works installed on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from budgetpdf.extract import pages

ROOT = Path(__file__).resolve().parent.parent
_NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dataset", "dist", "*.egg-info", "__pycache__", ".pytest_cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    source = tmp_path_factory.mktemp("source") / "budgetpdf"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)  # the checkout as a user has it, built outside the repo
    dist = source.parent / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(source)],
                   check=True, capture_output=True)
    return next(dist.glob("budgetpdf-*.whl"))


def test_the_wheel_holds_budgetpdf_alone(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"budgetpdf", "-".join(wheel.name.split("-")[:2]) + ".dist-info"}
    for package in ("extract", "normalize", "schemas"):
        assert f"budgetpdf/{package}/__init__.py" in names
    assert not [name for name in names if name.endswith((".pdf", ".csv")) or "/tests/" in name or "/samples/" in name]
    # the fast reader's C extension where this machine compiles it (as it did for this checkout), else none
    extensions = [name for name in names if name.startswith("budgetpdf/extract/_speedups") and name.endswith((".so", ".pyd"))]
    assert len(extensions) == (0 if pages._speedups is None else 1), names


def test_installed_on_its_own_it_reads_a_pdf_and_extract_is_not_importable(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)], check=True)
    reference = ROOT / "samples" / "reference_2026.pdf"
    script = (
        "import budgetpdf, sys; assert budgetpdf.__file__.startswith(sys.argv[1]), budgetpdf.__file__; "
        "d = budgetpdf.read_pdf(sys.argv[2]); print(d.record.status.value, dict(d.lines.dtypes.astype(str))['year'], len(d.lines))"
    )
    run = subprocess.run([sys.executable, "-c", script, str(target), str(reference)], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": ""})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["ok", "Int32", "203"]
    for name in ("extract", "normalize", "schemas"):
        missing = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, capture_output=True, text=True,
                                 env={"PYTHONPATH": str(target), "PATH": ""})
        assert missing.returncode != 0 and "No module named" in missing.stderr
