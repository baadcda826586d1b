"""Real published disclosures, read in place from ../shared/corpus (skipped when absent).

The expectations under tests/corpus/ were made by hand from the rendered
pages: an inventory of the standard tables each PDF contains, and every
amount cell of six documents from six regions.
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from budgetpdf.corpus import compare_with_golden, load_inventory
from budgetpdf.pipeline import DocumentResult, process_document
from budgetpdf.normalize.facts import stated_figures
from budgetpdf.schemas import Status

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


def _prints_figures(entry: dict) -> bool:
    """The inventory says the document prints a standard table with figures."""
    return any(not table.get("empty") for table in entry["tables"].values())


def test_every_corpus_document_is_inventoried_and_none_crashes(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    assert len(corpus_results) == 136
    assert set(corpus_results) == set(inventory)
    for name, result in corpus_results.items():
        entry = inventory[name]
        status = result.record.status
        assert status is not Status.FAILED, (name, result.record.error)
        if entry.get("doc_form") == "scanned":  # read by OCR, every page
            assert status in (Status.OK, Status.PARTIAL) and result.record.ocr_pages == result.record.pages, (name, status, result.record.error)
        elif entry["tables"]:
            assert status in (Status.OK, Status.PARTIAL), (name, status, result.record.error)
        if status is Status.PARTIAL:
            assert result.record.error and result.record.problems, name


def test_every_document_that_prints_tables_has_lines(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    for name, result in corpus_results.items():
        if _prints_figures(inventory[name]):
            assert result.lines, name
        if not result.lines and result.extracted and any(m.figure_cells for m in result.extracted.mappings):
            assert result.record.status is not Status.OK, name


def test_no_document_drops_a_table_it_has_read(corpus_results):
    """Every printed table with figures reaches lines/, under its own (table_id, table_no),
    unless the registry leaves it out on purpose (performance targets)."""
    for name, result in corpus_results.items():
        if result.extracted is None:
            continue
        read = {(line.table_id, line.table_no) for line in result.lines}
        for mapping in result.extracted.mappings:
            if mapping.outcome == "text_only":
                assert mapping.raw is None and mapping.reason, name
                continue
            if mapping.figure_cells:
                assert (mapping.raw.table_id, mapping.raw.table_no) in read, (name, mapping.table.title, mapping.table.pages)
        printings = [(raw.table_id, raw.table_no) for raw in result.extracted.tables]
        assert len(printings) == len(set(printings)), name


FIGURE_COVERAGE_FLOOR = 0.99  # the bar over the whole corpus


def test_figures_printed_on_table_pages_reach_lines(corpus_results):
    printed = sum(result.record.figures_printed for result in corpus_results.values())
    read = sum(result.record.figures_read for result in corpus_results.values())
    assert printed > 100_000
    assert read / printed >= FIGURE_COVERAGE_FLOOR, f"{read}/{printed}"


def test_standard_tables_are_found(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    present = found = 0
    for name, result in corpus_results.items():
        expected = set(inventory[name]["tables"])
        present += len(expected)
        found += len(expected & set(result.record.tables_found))
    assert present > 1000
    assert found / present >= TABLES_FOUND_FLOOR, f"{found}/{present}"


def test_document_kind_follows_the_title_pages(corpus_results):
    inventory = load_inventory(EXPECTED / "inventory")
    for name, result in corpus_results.items():
        if inventory[name]["tables"]:
            assert result.record.doc_kind == inventory[name]["doc_kind"], name


FAILED_CHECKS_CEILING = 0.005  # the bound for extraction errors; failures.md classifies each failure


def test_failed_checks_stay_under_the_bound_for_extraction_errors(corpus_results):
    """Every failure counted, the documents' own errors included: a new
    extraction error cannot hide behind them for long."""
    checks = [check for result in corpus_results.values() for check in result.checks]
    failed = [check for check in checks if not check.passed]
    assert len(checks) > 40_000
    assert len(failed) / len(checks) <= FAILED_CHECKS_CEILING, f"{len(failed)} of {len(checks)}"


def _catalogue() -> dict[str, dict]:
    return {entry["file"]: entry for entry in json.loads((CORPUS / "catalogue.json").read_text(encoding="utf-8"))}


# 广州市生态环境局's one page is a 部门整体预算绩效目标申报表: a form, no sentence states a total
NARRATIVE_WITHOUT_TOTALS = {"renwu__005__guang_zhou___sheng_tai_huan_jing_ju___guang_zhou_shi_sheng_tai_huan_jing_ju_2026_nian.pdf"}


def test_narrative_only_documents_yield_their_totals(corpus_results):
    narrative = [name for name, entry in _catalogue().items() if entry["doc_form"].startswith("narrative-only")]
    assert len(narrative) >= 10
    for name in narrative:
        result = corpus_results[name]
        keys = {fact.key for fact in result.facts}
        if name in NARRATIVE_WITHOUT_TOTALS:
            assert result.record.status is Status.NOT_A_BUDGET and not {"income_total", "expenditure_total"} & keys, name
            continue
        assert (result.record.status, result.record.doc_form) == (Status.OK, "narrative_only"), name
        assert {"income_total", "expenditure_total"} <= keys, (name, sorted(keys))
        assert any(key.startswith("sangong_") for key in keys), name


NARRATIVE_AGREEMENT_FLOOR = 0.95  # the bar; tests/corpus/narrative.md classifies every disagreement


def test_prose_agrees_with_the_tables(corpus_results):
    ties = [check for result in corpus_results.values() for check in result.checks if check.check == "narrative_tie"]
    agreed = sum(check.passed for check in ties)
    assert len(ties) > 800
    assert agreed / len(ties) >= NARRATIVE_AGREEMENT_FLOOR, f"{agreed}/{len(ties)}"


def test_every_fact_is_in_its_own_sentence(corpus_results):
    facts = [fact for result in corpus_results.values() for fact in result.facts]
    assert len(facts) > 5000
    for fact in facts:
        stated = fact.amount if fact.amount is not None else abs(fact.change_amount)
        assert stated in stated_figures(fact.sentence), (fact.key, stated, fact.sentence)


_DOC_FORMS = {"full": "full", "tables-only": "tables_only", "narrative-only": "narrative_only", "image-only": "scanned"}


def test_document_forms_follow_the_catalogue(corpus_results):
    catalogue = _catalogue()
    judged = {name: _DOC_FORMS.get(catalogue[name]["doc_form"].split(" ")[0]) for name in corpus_results}
    agree = sum(corpus_results[name].record.doc_form == form for name, form in judged.items() if form)
    assert agree / sum(1 for form in judged.values() if form) >= 0.95
