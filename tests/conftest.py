"""Shared helpers: the golden files and how extracted lines are compared with them."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetpdf.pipeline import DocumentResult, process_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REFERENCE_PDF = SAMPLES / "reference_2026.pdf"
REFERENCE_GOLDEN = SAMPLES / "reference_2026.expected"


def _none(text: str) -> str | None:
    return text or None


def golden_cells(folder: Path) -> set[tuple]:
    """Every expected amount cell of a sample, keyed as the contract keys a line."""
    cells = set()
    for path in sorted(folder.glob("t*.csv")):
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cells.add(
                    (
                        row["table_id"],
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
        (l.table_id, l.row_no, l.side, l.code, l.code_level, l.parent_code, l.item, l.project, l.column, l.amount, l.is_total)
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
