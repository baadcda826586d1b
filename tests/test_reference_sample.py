"""The reference disclosure, end to end, exact to the cent, against its goldens."""

from decimal import Decimal

import pytest

from conftest import REFERENCE_GOLDEN, REFERENCE_PDF, assert_matches_golden, golden_cells, golden_document
from samples.generate import Layout, render
from samples.reference_2026 import REFERENCE
from budgetpdf.pipeline import process_document
from budgetpdf.schemas import Status


def test_every_amount_cell_matches_the_goldens(reference_result):
    assert_matches_golden(reference_result, REFERENCE_GOLDEN)
    assert len(golden_cells(REFERENCE_GOLDEN)) > 200


def test_document_facts(reference_result):
    expected = golden_document(REFERENCE_GOLDEN)
    record = reference_result.record
    assert record.status is Status.OK and record.error is None
    assert (record.department, record.year, record.doc_kind, record.unit) == (
        expected["department"], expected["year"], expected["doc_kind"], expected["unit"]
    )
    assert list(record.tables_found) == expected["tables_found"]
    assert list(record.tables_empty) == expected["tables_empty"] == ["t08", "t09"]


def test_only_the_published_error_fails_and_the_figure_stays_as_printed(reference_result):
    failed = sorted((c.check, c.table_id, c.row, c.column, c.expected, c.actual) for c in reference_result.checks if not c.passed)
    # 301 工资福利支出 is printed as 269.07 in both of its columns; its ten items sum to 269.09.
    # and the 说明 calls 4,460 万元 (the carryover of the projects that share one target table)
    # 上年结转结余资金, while t12 totals the carryover at 4,481.94 (tests/test_facts.py)
    assert failed == [
        ("code_sum", "t06", 1, "personnel", Decimal("269.09"), Decimal("269.07")),
        ("code_sum", "t06", 1, "total", Decimal("269.09"), Decimal("269.07")),
        ("narrative_tie", "t12", 5, "total", Decimal("4481.94"), Decimal("4460")),
    ]
    printed_301 = {l.column: l.amount for l in reference_result.lines if l.table_id == "t06" and l.code == "301"}
    assert printed_301 == {"total": Decimal("269.07"), "personnel": Decimal("269.07")}
    passed = [c for c in reference_result.checks if c.passed]
    assert {c.check for c in passed} == {
        "code_sum", "outline_sum", "total_sum", "row_identity", "total_tie", "narrative_tie", "fact_rate", "fact_sum",
    }  # the 说明's own arithmetic holds too: its rates, and 财政拨款 = its three sources
    assert len([c for c in passed if c.check == "total_tie"]) == 8


def test_amounts_are_decimals_in_wanyuan(reference_result):
    assert all(isinstance(l.amount, Decimal) for l in reference_result.lines)
    t01_total = [l.amount for l in reference_result.lines if l.table_id == "t01" and l.is_total]
    assert t01_total == [Decimal("10190.63"), Decimal("10190.63")]


def test_the_committed_pdf_is_what_the_generator_renders(tmp_path):
    """samples/ can be rebuilt from the data: a fresh render reads the same as the committed PDF."""
    fresh = process_document(render(REFERENCE, tmp_path / "fresh.pdf"))
    assert_matches_golden(fresh, REFERENCE_GOLDEN)
    assert REFERENCE_PDF.stat().st_size > 10_000


SECOND_DRAWINGS = {
    # wider codes, narrower names (more wrapping), bigger type, landscape, tables flowing two to a page
    "landscape_flowing": Layout(font_size=10.5, title_size=14, code_width=30, name_width=105, project_width=85, amount_width=72,
                                one_table_per_page=False, all_landscape=True),
    # large type in portrait: long tables run over pages and do not repeat their
    # header, under a running header naming the department on every page
    "portrait_no_repeated_header": Layout(font_size=12, title_size=18, name_width=170, amount_width=58,
                                          one_table_per_page=False, repeat_header=False, running_header=True),
}


@pytest.mark.parametrize("name", SECOND_DRAWINGS)
def test_another_drawing_of_the_same_tables_reads_the_same(tmp_path, name):
    result = process_document(render(REFERENCE, tmp_path / f"{name}.pdf", SECOND_DRAWINGS[name]))
    assert_matches_golden(result, REFERENCE_GOLDEN)
    pages_per_table = {raw.table_id: raw.pages for raw in result.extracted.tables}
    assert any(len(pages) > 1 for pages in pages_per_table.values()), "no table ran over a page: the join is untested"
    assert any(pages_per_table[a] == pages_per_table[b] for a in pages_per_table for b in pages_per_table if a < b), (
        "no two tables shared a page"
    )
    failed = sorted((c.check, c.table_id, c.column) for c in result.checks if not c.passed)
    assert failed == [("code_sum", "t06", "personnel"), ("code_sum", "t06", "total"), ("narrative_tie", "t12", "total")]


def test_committed_goldens_are_written_from_the_data(tmp_path):
    """Nobody edits a golden by hand: they are the data, written out."""
    from samples.generate import render_with_pages, write_goldens

    _, narrative_pages = render_with_pages(REFERENCE, tmp_path / "fresh.pdf")
    write_goldens(REFERENCE, tmp_path, narrative_pages)
    for path in sorted(REFERENCE_GOLDEN.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
