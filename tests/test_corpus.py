"""Real published disclosures, read in place from ../shared/corpus (skipped when absent).

The expectations under tests/corpus/ were made by hand from the rendered
pages: an inventory of the standard tables each PDF contains, and every
amount cell of six documents from six regions.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from budgetpdf.corpus import compare_with_golden, load_inventory
from budgetpdf.pipeline import DocumentResult, process_document
from schemas import Status

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTED = ROOT / "tests" / "corpus"
GOLDENS = sorted((EXPECTED / "goldens").glob("*.csv"))

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")

TABLES_FOUND_FLOOR = 0.98  # the target


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, DocumentResult]:
    pdfs = sorted(CORPUS.glob("*.pdf"))
    with ProcessPoolExecutor(2) as pool:
        return {pdf.name: result for pdf, result in zip(pdfs, pool.map(process_document, pdfs))}


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem[:48])
def test_hand_verified_cells_are_exact(golden: Path, corpus_results):
    comparison = compare_with_golden(corpus_results[f"{golden.stem}.pdf"], golden)
    missing = sorted(comparison.missing.elements(), key=str)[:10]
    unexpected = sorted(comparison.unexpected.elements(), key=str)[:10]
    assert comparison.exact, f"{comparison.matched}/{comparison.expected}\nmissing {missing}\nunexpected {unexpected}"
    assert comparison.expected > 30


def test_no_document_crashes_and_every_document_with_tables_is_read(corpus_results):
    assert len(corpus_results) == 59
    inventory = load_inventory(EXPECTED / "inventory")
    for name, result in corpus_results.items():
        assert result.record.status in (Status.OK, Status.PARTIAL), (name, result.record.status, result.record.error)
        if result.record.status is Status.PARTIAL:
            assert result.record.error, name
        assert inventory[name]["tables"], name


def test_standard_tables_are_found(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    present = found = 0
    for name, result in corpus_results.items():
        expected = set(inventory[name]["tables"])
        present += len(expected)
        found += len(expected & set(result.record.tables_found))
    assert present > 500
    assert found / present >= TABLES_FOUND_FLOOR, f"{found}/{present}"


def test_document_kind_follows_the_title_pages(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    for name, result in corpus_results.items():
        assert result.record.doc_kind == inventory[name]["doc_kind"], name


FAILED_CHECKS_CEILING = 0.005  # the bound for extraction errors; failures.md classifies each failure


def test_failed_checks_stay_under_the_bound_for_extraction_errors(corpus_results):
    """Every failure counted, the documents' own errors included: a new
    extraction error cannot hide behind them for long."""
    checks = [check for result in corpus_results.values() for check in result.checks]
    failed = [check for check in checks if not check.passed]
    assert len(checks) > 12_000
    assert len(failed) / len(checks) <= FAILED_CHECKS_CEILING, f"{len(failed)} of {len(checks)}"
