"""Nothing printed is lost: the sample that prints more than the twelve tables, and the unit rules.

``samples/beyond_2026.pdf`` is the reference ground truth with a second t05
(机关本级), a 政府采购预算表 (t13) and a table the registry cannot name, every
单位：万元 printed with its colon on a baseline of its own (重庆).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pyarrow.dataset as ds
import pytest

from budgetpdf.dataset import write_document
from budgetpdf.pipeline import process_document
from budgetpdf.units import resolve_units
from conftest import BEYOND_GOLDEN, BEYOND_PDF, REFERENCE_GOLDEN, assert_matches_golden, golden_document
from budgetpdf.extract import ExtractedDocument
from samples.generate import Layout, render
from samples.reference_2026 import REFERENCE
from budgetpdf.schemas import ColumnRole, RawRow, RawTable, Status


@pytest.fixture(scope="module")
def beyond():
    return process_document(BEYOND_PDF)


def test_every_amount_cell_of_every_printed_table_matches_the_goldens(beyond):
    assert_matches_golden(beyond, BEYOND_GOLDEN)
    expected = golden_document(BEYOND_GOLDEN)
    assert list(beyond.record.tables_found) == expected["tables_found"]
    assert beyond.record.status is Status.OK and beyond.record.error is None


def test_a_second_table_of_one_id_is_kept_as_a_table_of_its_own(beyond):
    t05 = [t for t in beyond.record.printed_tables if t.table_id == "t05"]
    assert [(t.table_no, t.title) for t in t05] == [(1, "一般公共预算支出情况表"), (2, "一般公共预算支出情况表（机关本级）")]
    lines = Counter((l.table_no, l.table_title) for l in beyond.lines if l.table_id == "t05")
    assert lines[(1, "一般公共预算支出情况表")] == lines[(2, "一般公共预算支出情况表（机关本级）")] == 25
    # each printing is checked on its own; the ties read the first
    tied = [c for c in beyond.checks if c.check == "total_tie" and "t05" in c.message]
    assert tied and all(c.passed for c in tied)
    assert {c.table_no for c in beyond.checks if c.table_id == "t05" and c.check == "code_sum"} == {1, 2}


def test_every_printed_table_is_recorded_with_what_the_registry_made_of_it(beyond):
    outcomes = {t.title: (t.table_id, t.outcome) for t in beyond.record.printed_tables}
    assert outcomes["政府采购预算表"] == ("t13", "mapped")
    assert outcomes["重点工作经费安排表"] == ("generic", "generic")
    assert outcomes["部门整体绩效目标表"] == (None, "text_only")
    assert len(beyond.record.printed_tables) == 16
    assert [f.fate for f in beyond.extracted.fates].count("opened") == 16


def test_figures_printed_on_table_pages_all_reach_lines(beyond):
    assert beyond.record.figures_printed > 200
    assert beyond.record.figures_read == beyond.record.figures_printed


def test_a_table_without_its_own_unit_takes_its_siblings(beyond):
    generic = next(t for t in beyond.record.printed_tables if t.table_id == "generic")
    assert (generic.unit, generic.unit_source) == ("万元", "sibling")
    assert beyond.record.unit_source == "sibling"
    assert {t.unit_source for t in beyond.record.printed_tables if t.table_id and t.table_id != "generic"} == {"printed"}


def test_the_dataset_says_which_printed_table_a_row_came_from(beyond, tmp_path):
    write_document(tmp_path, beyond)
    lines = ds.dataset(tmp_path / "lines", format="parquet", partitioning=None).to_table().to_pylist()
    assert {(r["table_id"], r["table_no"], r["table_title"]) for r in lines if r["table_id"] in ("t05", "t13", "generic")} == {
        ("t05", 1, "一般公共预算支出情况表"),
        ("t05", 2, "一般公共预算支出情况表（机关本级）"),
        ("t13", 1, "政府采购预算表"),
        ("generic", 1, "重点工作经费安排表"),
    }
    t05 = ds.dataset(tmp_path / "tables" / "t05", format="parquet", partitioning=None).to_table().to_pylist()
    assert {r["table_no"] for r in t05} == {1, 2}
    assert not (tmp_path / "tables" / "generic").exists()  # its columns are its own: lines/ only
    documents = ds.dataset(tmp_path / "documents", format="parquet").to_table().to_pylist()
    assert [t["title"] for t in documents[0]["printed_tables"] if t["table_id"] == "t05"] == [
        "一般公共预算支出情况表",
        "一般公共预算支出情况表（机关本级）",
    ]
    assert (documents[0]["figures_read"], documents[0]["unit_source"]) == (beyond.record.figures_read, "sibling")


def test_a_document_that_prints_no_unit_says_it_was_assumed(tmp_path):
    result = process_document(render(REFERENCE, tmp_path / "no_unit.pdf", Layout(unit_style="none")))
    assert_matches_golden(result, REFERENCE_GOLDEN)  # 万元 was right for this one, and the document says it was a guess
    assert result.record.status is Status.PARTIAL
    assert result.record.unit_source == "assumed"
    assumed = [p for p in result.record.problems if p.code == "unit_assumed"]
    assert {p.table_id for p in assumed} == {"t01", "t02", "t03", "t04", "t05", "t06", "t07", "t10", "t11", "t12"}
    assert "万元 assumed" in result.record.error


def _table(table_id: str, unit: str | None, number: int, pages: tuple[int, ...], label: str, total: str, side: str | None = None) -> RawTable:
    key = "budget" if table_id == "t01" else "total"
    columns = (ColumnRole("label", "name", side, ("项目",)), ColumnRole("amount", key, side, ("合计",)))
    return RawTable(table_id, None, unit, pages, columns, (RawRow(pages[0], ("201", "1.00")), RawRow(pages[0], (label, total))), 1, number)


def _document(*tables: RawTable, loose_units: tuple[str, ...] = ()) -> ExtractedDocument:
    return ExtractedDocument(9, 1, 0, None, 2026, "budget", None, tables, loose_units=loose_units)


def test_an_unprinted_unit_is_inferred_from_a_total_that_ties():
    t01 = replace(_table("t01", "万元", 1, (3,), "支出总计", "10,190.63", "expenditure"),
                  columns=(ColumnRole("label", "name", "expenditure", ("项目",)), ColumnRole("amount", "budget", "expenditure", ("预算数",))))
    in_yuan = _table("t03", None, 2, (9,), "合计", "101,906,300.00")
    in_wan = _table("t03", None, 2, (9,), "合计", "10,190.63")
    assert resolve_units(_document(t01, in_yuan))[2].__dict__ == {"unit": "元", "source": "inferred"}
    assert resolve_units(_document(t01, in_wan))[2].__dict__ == {"unit": "万元", "source": "inferred"}


def test_a_unit_comes_from_the_document_then_a_sibling_then_is_assumed():
    printed = _table("t05", "元", 1, (5,), "合计", "1.00")
    alone = _table("t06", None, 2, (6,), "合计", "1.00")
    far = _table("t06", None, 2, (20,), "合计", "1.00")
    assert resolve_units(_document(printed, alone, loose_units=("万元",)))[2].__dict__ == {"unit": "万元", "source": "document"}
    assert resolve_units(_document(printed, alone))[2].__dict__ == {"unit": "元", "source": "sibling"}
    assert resolve_units(_document(printed, far))[2].__dict__ == {"unit": "万元", "source": "assumed"}
    assert resolve_units(_document(printed))[1].__dict__ == {"unit": "元", "source": "printed"}

