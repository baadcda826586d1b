"""Shared helpers: the golden files and how extracted lines are compared with them."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from budgetpdf.pipeline import DocumentResult, process_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REFERENCE_PDF = SAMPLES / "reference_2026.pdf"
REFERENCE_GOLDEN = SAMPLES / "reference_2026.expected"
BEYOND_PDF = SAMPLES / "beyond_2026.pdf"
BEYOND_GOLDEN = SAMPLES / "beyond_2026.expected"
UNRULED_PDF = SAMPLES / "reference_2026_unruled.pdf"
TALL_GLYPHS_PDF = SAMPLES / "reference_2026_tall_glyphs.pdf"
WORD_PDF = SAMPLES / "reference_2026_word.pdf"
STACKED_PDF = SAMPLES / "stacked_2026.pdf"
STACKED_GOLDEN = SAMPLES / "stacked_2026.expected"
# what `make extract` reads: every PDF in samples/, each with its goldens beside it
SAMPLE_GOLDENS = tuple(sorted(SAMPLES.glob("*.expected")))


def _none(text: str) -> str | None:
    return text or None


def golden_cells(folder: Path) -> set[tuple]:
    """Every expected amount cell of a sample, keyed as the contract keys a line."""
    cells = set()
    for path in sorted(p for p in folder.glob("*.csv") if p.name != "facts.csv"):  # facts.csv: tests/test_facts.py
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cells.add(
                    (
                        row["table_id"],
                        int(row["table_no"]),
                        int(row["row_no"]),
                        _none(row["side"]),
                        _none(row["code"]),
                        int(row["code_level"]) if row["code_level"] else None,
                        _none(row["parent_code"]),
                        _none(row["item"]),
                        _none(row["project"]),
                        row["column"],
                        Decimal(row["amount"]),
                        row["is_total"] == "true",
                    )
                )
    return cells


def extracted_cells(result: DocumentResult) -> set[tuple]:
    return {
        (l.table_id, l.table_no, l.row_no, l.side, l.code, l.code_level, l.parent_code, l.item, l.project, l.column, l.amount, l.is_total)
        for l in result.lines
    }


def golden_document(folder: Path) -> dict:
    return json.loads((folder / "document.json").read_text(encoding="utf-8"))


def assert_matches_golden(result: DocumentResult, folder: Path) -> None:
    expected, actual = golden_cells(folder), extracted_cells(result)
    missing, unexpected = sorted(expected - actual, key=str), sorted(actual - expected, key=str)
    assert not missing and not unexpected, f"missing {len(missing)}: {missing[:8]}\nunexpected {len(unexpected)}: {unexpected[:8]}"
    assert len(result.lines) == len(expected), "a cell was emitted twice"


@pytest.fixture(scope="session")
def reference_result() -> DocumentResult:
    return process_document(REFERENCE_PDF)


# --- bad input, shared by the CLI and batch tests -------------------------------------------------------


def image_only_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(Image.new("RGB", (200, 280), "white")), 50, 50, 400, 560)
    page.save()


def unrelated_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawString(72, 720, "Quarterly newsletter: nothing about budgets here.")
    page.save()


def encrypted_pdf(path: Path, user_password: str) -> None:
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner"))
    page.drawString(72, 720, "sealed")
    page.save()


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """The good sample beside every kind of bad input; file name → the status it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not_a_pdf.pdf").write_text("this is a text file", encoding="utf-8")
    (folder / "truncated.pdf").write_bytes(REFERENCE_PDF.read_bytes()[:4000])
    image_only_pdf(folder / "scan.pdf")
    unrelated_pdf(folder / "newsletter.pdf")
    encrypted_pdf(folder / "locked.pdf", user_password="secret")
    encrypted_pdf(folder / "owner_only.pdf", user_password="")  # opens without a password: simply read
    return {
        "good.pdf": "ok",
        "empty.pdf": "failed",
        "not_a_pdf.pdf": "failed",
        "truncated.pdf": "failed",
        "scan.pdf": "needs_ocr",
        "newsletter.pdf": "not_a_budget",
        "locked.pdf": "failed",
        "owner_only.pdf": "not_a_budget",
    }
