"""`budgetpdf report`: the page says what the dataset holds, figure for figure."""

from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from click.testing import CliRunner

from budgetpdf.cli import main
from budgetpdf.dataset import write_document
from budgetpdf.extract import EXTRACTOR_VERSION
from budgetpdf.pipeline import DocumentResult
from budgetpdf.report import Document, ExpenditureTotal, ReportData, expenditure_totals, format_amount, render_html, text
from conftest import REFERENCE_GOLDEN, REFERENCE_PDF
from budgetpdf.schemas import STANDARD_IDS, TABLES_BY_ID, DocumentRecord, Status

DEPARTMENT = "乌鲁木齐市口岸管理办公室"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    batch = tmp_path_factory.mktemp("report-batch")
    shutil.copy(REFERENCE_PDF, batch / REFERENCE_PDF.name)
    (batch / "empty.pdf").write_bytes(b"")
    out = batch.parent / "report-dataset"
    result = _run("extract", str(batch), "--out", str(out), "--quiet")
    assert result.exit_code == 1, result.output  # empty.pdf failed
    return out


@pytest.fixture(scope="module")
def page(dataset, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("report-page")
    result = _run("report", str(dataset), "-o", str(folder / "report.html"))
    assert result.exit_code == 0, result.output
    assert "2 document(s), 3 failed check(s)" in result.output
    assert [p.name for p in folder.iterdir()] == ["report.html"]  # no temporary file left behind
    return (folder / "report.html").read_text(encoding="utf-8")


def _documents(dataset: Path) -> dict[str, dict]:
    rows = ds.dataset(dataset / "documents", format="parquet").to_table().to_pylist()
    return {Path(row["source_path"]).name: row for row in rows}


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.S)
    assert match, f"no section {anchor}"
    return match.group(1)


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def test_the_header_counts_documents_pages_lines_and_checks(page, dataset):
    figures = dict((name, n) for n, name in re.findall(r'<div class="figure[^"]*"><b>([\d,.%]+)</b><span>([^<]+)</span>', page))
    lines = ds.dataset(dataset / "lines", format="parquet", partitioning=None).count_rows()
    checks = ds.dataset(dataset / "checks", format="parquet").to_table().to_pylist()
    ties = [c for c in checks if c["check"] == "narrative_tie"]
    documents = _documents(dataset).values()
    printed, read = sum(d["figures_printed"] for d in documents), sum(d["figures_read"] for d in documents)
    assert printed > 150
    assert figures == {
        "documents": "2",
        "pages": str(_documents(dataset)[REFERENCE_PDF.name]["pages"]),
        "lines": f"{lines:,}",
        f"figures read of {printed:,} printed on table pages": f"{read / printed:.1%}",
        "checks passed": str(sum(c["passed"] for c in checks)),
        "checks failed": "3",
        "facts stated in the prose": str(ds.dataset(dataset / "facts", format="parquet", partitioning=None).count_rows()),
        f"of {len(ties)} prose figures a table states too, agree": f"{sum(c['passed'] for c in ties) / len(ties):.1%}",
    }


def test_the_prose_that_contradicts_a_table_is_shown_with_its_sentence(page):
    section = _section(page, "prose")
    rows = [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]]
    assert rows == [[
        "carryover", "the prose says 4,460 万元 (page 18), t12 total 总计 says 4,481.94 万元",
        "本部门2026年上年结转结余资金4460万元与当年财政拨款预算4728万元做在同一项目支出绩效目标表。",
    ]]


def test_documents_are_counted_by_status_and_listed_with_their_error(page, dataset):
    section = _section(page, "documents")
    counts = dict(re.findall(r'<tr class="status-count"><th><span[^>]*>(\w+)</span></th><td class="num">(\d+)</td>', section))
    assert counts == {"failed": "1", "timeout": "0", "needs_ocr": "0", "not_a_budget": "0", "partial": "0", "ok": "1"}
    rows = {cells[0]: cells for cells in map(_cells, re.findall(r"<tr>(.*?)</tr>", section, re.S)) if cells}
    sample = _documents(dataset)[REFERENCE_PDF.name]
    coverage = f"{sample['figures_read'] / sample['figures_printed']:.1%}"
    pages = str(sample["pages"])
    assert rows[REFERENCE_PDF.name][:11] == [
        REFERENCE_PDF.name, DEPARTMENT, "新疆维吾尔自治区 · 乌鲁木齐市", "2026", "budget", "full", "万元", "printed", pages, coverage, "ok"
    ]
    empty = _documents(dataset)["empty.pdf"]
    assert rows["empty.pdf"][10] == "failed"
    assert rows["empty.pdf"][11] == text(empty["error"]) != "—"


def test_the_matrix_marks_each_table_found_empty_or_missing(page, dataset):
    documents = _documents(dataset)
    section = _section(page, "tables")
    for tid in STANDARD_IDS:
        assert f"{tid}<small>{TABLES_BY_ID[tid].title}</small>" in section
    for name, document in documents.items():
        row = re.search(rf'<tr data-doc="{document["doc_id"]}">(.*?)</tr>', section, re.S).group(1)
        marks = {tid: mark for mark, tid in re.findall(r'<td class="(\w+)" title="(t\d\d) ', row)}
        expected = {
            tid: "empty" if tid in document["tables_empty"] else "found" if tid in document["tables_found"] else "missing"
            for tid in STANDARD_IDS
        }
        assert marks == expected, name
    sample = documents[REFERENCE_PDF.name]
    assert set(sample["tables_found"]) == set(STANDARD_IDS) and set(sample["tables_empty"]) == {"t08", "t09"}
    assert set(documents["empty.pdf"]["tables_found"]) == set()


def test_every_failed_check_shows_document_table_page_and_both_figures(page):
    section = _section(page, "checks")
    assert re.search(rf'<tr class="group"><th colspan="8"><b>{DEPARTMENT}</b>.*?2 failed', section)
    rows = [_cells(row) for row in re.findall(r"<tr>(<td.*?)</tr>", section, re.S)]
    assert sorted(rows) == [
        ["t06", "8", "1", column, "code_sum", "269.09", "269.07", "301 = sum of 10 child codes"] for column in ("personnel", "total")
    ]


def test_the_chart_has_a_bar_with_the_sample_total_expenditure(page):
    with open(REFERENCE_GOLDEN / "t01.csv", encoding="utf-8") as handle:
        total = next(r for r in csv.DictReader(handle) if r["side"] == "expenditure" and r["is_total"] == "true")
    assert format_amount(Decimal(total["amount"])) == "10,190.63"
    section = _section(page, "chart")
    bar = re.search(rf'<g class="bar" data-department="{DEPARTMENT}" data-year="2026">(.*?)</g>', section, re.S)
    assert bar, "no bar for the sample's department and year"
    assert re.search(r'<rect [^>]*width="(\d+\.\d)"', bar.group(1))
    assert '<text class="value"' in bar.group(1) and ">10,190.63</text>" in bar.group(1)
    assert "empty.pdf" in section  # the failed document has no total, and the page says so


def test_the_page_is_one_file_with_nothing_to_fetch(page):
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', page) == []
    assert "<style>" in page and "<svg " in page


def test_text_escapes_markup_and_shows_a_dash_for_nothing():
    assert text('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert text("a & b") == "a &amp; b"
    assert text(None) == "—" and text("") == "—" and text(0) == "0"


def test_a_hostile_department_name_is_escaped_everywhere_on_the_page(tmp_path):
    hostile = '<script>alert("x")</script>'
    document = Document(
        doc_id="d1", file_name="<b>.pdf", department=hostile, year=2026, kind="budget", unit="万元", pages=3,
        tables_found=("t01",), tables_empty=(), status="ok", error=None,
    )
    data = ReportData(
        source=tmp_path, documents=[document], line_count=1, checks_passed=0, failed_checks=[],
        totals={"d1": ExpenditureTotal(amount=Decimal("5.000000"), table_id="t01", item="支出总计", page=1)},
        extractor_versions=["0"],
    )
    html = render_html(data)
    assert hostile not in html and "<b>.pdf" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 3  # documents, matrix, chart


def test_amounts_keep_every_printed_digit():
    assert format_amount(Decimal("10190.630000")) == "10,190.63"
    assert format_amount(Decimal("120.000000")) == "120.00"
    assert format_amount(Decimal("11885.395300")) == "11,885.3953"  # printed in 元, stored in 万元
    assert format_amount(Decimal("12345678901234.010001")) == "12,345,678,901,234.010001"  # beyond a float's digits
    assert format_amount(None) == "—"


def _line(table_id: str, row_no: int, amount: str, side: str | None = None, column: str = "budget", doc_id: str = "d") -> dict:
    return {"doc_id": doc_id, "table_id": table_id, "page": 1, "row_no": row_no, "side": side, "item": f"row {row_no}",
            "column": column, "amount": Decimal(amount)}


def test_total_expenditure_is_t01_last_expenditure_total_else_t03():
    lines = [
        _line("t01", 27, "415808.40", "expenditure"),  # 本年支出合计
        _line("t01", 29, "490808.40", "expenditure"),  # 支出总计, printed last
        _line("t01", 29, "490808.40", "income"),
        _line("t01", 29, "300.00", "expenditure", column="project"),
        _line("t03", 20, "415808.40", column="total"),
        _line("t03", 5, "77.70", column="total", doc_id="only_t03"),
        _line("t03", 5, "70.00", column="basic", doc_id="only_t03"),
    ]
    totals = expenditure_totals(lines)
    assert (totals["d"].table_id, totals["d"].amount) == ("t01", Decimal("490808.40"))
    assert (totals["only_t03"].table_id, totals["only_t03"].amount) == ("t03", Decimal("77.70"))


def test_report_refuses_a_folder_that_is_no_dataset(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path), "-o", str(tmp_path / "report.html")])
    assert result.exit_code != 0
    assert "no documents/ folder" in result.output
    assert not (tmp_path / "report.html").exists()


def _record(doc_id: str, status: Status) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, source_path=f"{status.value}.pdf", department=None, year=None, doc_kind=None, unit=None, pages=0,
        tables_found=(), tables_empty=(), status=status, error=None if status is Status.OK else f"why {status.value}",
        extractor_version=EXTRACTOR_VERSION,
    )


def test_every_status_is_counted_timeout_included(tmp_path):
    """One document of each status, written as `extract` writes them: the page counts each one."""
    dataset = tmp_path / "dataset"
    for n, status in enumerate([*Status, Status.TIMEOUT]):
        write_document(dataset, DocumentResult(_record(f"{n:064x}", status)))
    result = _run("report", str(dataset), "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 0, result.output
    section = _section((tmp_path / "report.html").read_text(encoding="utf-8"), "documents")
    counts = dict(re.findall(r'<tr class="status-count"><th><span[^>]*>(\w+)</span></th><td class="num">(\d+)</td>', section))
    assert counts == {status.value: "2" if status is Status.TIMEOUT else "1" for status in Status}
    rows = [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)]
    assert ["timeout.pdf", "why timeout"] in [[cells[0], cells[11]] for cells in rows if cells]


def test_report_creates_a_missing_output_folder_and_says_so(dataset, tmp_path):
    output = tmp_path / "not" / "yet" / "report.html"
    result = _run("report", str(dataset), "-o", str(output))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"created folder {output.parent}"
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = _run("report", str(dataset), "-o", str(output))
    assert again.exit_code == 0 and "created folder" not in again.output  # there now: nothing to say
    (tmp_path / "a_file").write_text("")
    refused = CliRunner().invoke(main, ["report", str(dataset), "-o", str(tmp_path / "a_file" / "report.html")])
    assert refused.exit_code == 1 and f"{tmp_path / 'a_file'} is not a folder" in refused.output
