"""One self-contained HTML page about a dataset, for a person to read.

Standard library only: the page is a single file with inline CSS and an
inline SVG chart, so it opens anywhere, offline, and can be mailed around.
Published figures stay ``Decimal`` from the Parquet files to the page.
"""

from __future__ import annotations

import html
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from budgetpdf.audit import COVERAGE_FLOOR, coverage
from budgetpdf.schemas import STANDARD_IDS, TABLES_BY_ID, Status
from budgetpdf.schemas import arrow as schema

STATUS_ORDER = [Status.FAILED, Status.TIMEOUT, Status.NEEDS_OCR, Status.NOT_A_BUDGET, Status.PARTIAL, Status.OK]
_STATUS_RANK = {status.value: rank for rank, status in enumerate(STATUS_ORDER)}
_CENT = Decimal("0.01")
_YEAR_COLOURS = ["#2f6db5", "#d9822b", "#3a9a5b", "#8e5cb5", "#c0392b", "#1b9aaa", "#7f8c3a", "#b5577e"]
_NO_YEAR_COLOUR = "#9aa0a6"


@dataclass(frozen=True)
class Document:
    doc_id: str
    file_name: str
    department: str | None
    year: int | None
    kind: str | None
    unit: str | None
    pages: int
    tables_found: tuple[str, ...]
    tables_empty: tuple[str, ...]
    status: str
    error: str | None
    figures_printed: int = 0
    figures_read: int = 0
    unit_source: str | None = None
    doc_form: str | None = None
    place: str | None = None  # province · city · county, as far as the name settles it

    @property
    def coverage(self) -> float | None:
        """Share of the figures on its table pages that reached lines/ (None: no figure printed)."""
        return self.figures_read / self.figures_printed if self.figures_printed else None

    @property
    def label(self) -> str:
        """The department when the cover named one, else the file: every document needs a name on the page."""
        return self.department or self.file_name


@dataclass(frozen=True)
class ExpenditureTotal:
    amount: Decimal  # 万元, as stored in lines/
    table_id: str
    item: str | None
    page: int


@dataclass(frozen=True)
class ReportData:
    source: Path
    documents: list[Document]
    line_count: int
    checks_passed: int
    failed_checks: list[dict[str, Any]]
    totals: dict[str, ExpenditureTotal]
    extractor_versions: list[str]
    fact_count: int = 0
    narrative_passed: int = 0
    # the narrative_tie checks that failed, each with the sentence that states the figure
    contradictions: list[dict[str, Any]] = field(default_factory=list)


def _folder(root: Path, name: str, arrow_schema: pa.Schema) -> ds.Dataset | None:
    """A dataset folder read with its published schema; partitioning=None so year and department come from the files."""
    folder = root / name
    if not folder.is_dir():
        return None
    return ds.dataset(folder, format="parquet", schema=arrow_schema, partitioning=None)


def _document(row: dict[str, Any]) -> Document:
    return Document(
        doc_id=row["doc_id"],
        file_name=Path(row["source_path"]).name,
        department=row["department"],
        year=row["year"],
        kind=row["doc_kind"],
        unit=row["unit"],
        pages=row["pages"] or 0,
        tables_found=tuple(row["tables_found"] or ()),
        tables_empty=tuple(row["tables_empty"] or ()),
        status=row["status"],
        error=row["error"],
        figures_printed=row["figures_printed"] or 0,
        figures_read=row["figures_read"] or 0,
        unit_source=row["unit_source"],
        doc_form=row["doc_form"],
        place=" · ".join(dict.fromkeys(p for p in (row["province"], row["city"], row["county"]) if p)) or None,
    )


def _last_total(rows: list[dict[str, Any]]) -> ExpenditureTotal | None:
    """The total printed last (支出总计 after 本年支出合计), the largest if one row is read twice."""
    if not rows:
        return None
    row = max(rows, key=lambda r: (r["row_no"], r["amount"]))
    return ExpenditureTotal(amount=row["amount"], table_id=row["table_id"], item=row["item"], page=row["page"])


def expenditure_totals(total_lines: list[dict[str, Any]]) -> dict[str, ExpenditureTotal]:
    """Each document's total expenditure: t01's expenditure-side total, else t03's 合计 row."""
    t01: dict[str, list[dict[str, Any]]] = {}
    t03: dict[str, list[dict[str, Any]]] = {}
    for line in total_lines:
        if line["table_id"] == "t01" and line["side"] == "expenditure" and line["column"] == "budget":
            t01.setdefault(line["doc_id"], []).append(line)
        elif line["table_id"] == "t03" and line["column"] == "total":
            t03.setdefault(line["doc_id"], []).append(line)
    totals = {}
    for doc_id in t01.keys() | t03.keys():
        total = _last_total(t01.get(doc_id, [])) or _last_total(t03.get(doc_id, []))
        if total is not None:
            totals[doc_id] = total
    return totals


def read_dataset(root: Path) -> ReportData:
    """Everything the page shows, read once; of lines/ only the count and the t01/t03 total rows are needed."""
    documents_folder = _folder(root, "documents", schema.DOCUMENTS)
    if documents_folder is None:
        raise FileNotFoundError(f"{root} has no documents/ folder")
    document_rows = documents_folder.to_table().to_pylist()
    documents = sorted(
        (_document(row) for row in document_rows),
        key=lambda d: (_STATUS_RANK.get(d.status, len(STATUS_ORDER)), d.file_name),
    )
    lines = _folder(root, "lines", schema.LINES)
    total_lines: list[dict[str, Any]] = []
    if lines is not None:
        is_candidate = pc.field("table_id").isin(["t01", "t03"]) & pc.field("is_total")
        columns = ["doc_id", "table_id", "page", "row_no", "side", "item", "column", "amount"]
        total_lines = lines.to_table(columns=columns, filter=is_candidate).to_pylist()
    checks = _folder(root, "checks", schema.CHECKS)
    check_rows = checks.to_table().to_pylist() if checks is not None else []
    failed = [c for c in check_rows if not c["passed"]]
    order = {d.doc_id: i for i, d in enumerate(documents)}
    failed.sort(key=lambda c: (order.get(c["doc_id"], len(order)), c["table_id"] or "", c["page"] or 0, c["row"] or 0))
    facts = _folder(root, "facts", schema.FACTS)
    fact_rows = facts.to_table(columns=["doc_id", "page", "amount", "sentence"]).to_pylist() if facts is not None else []
    sentences = {(f["doc_id"], f["page"], f["amount"]): f["sentence"] for f in fact_rows}
    contradictions = [
        {**c, "sentence": sentences.get((c["doc_id"], c["page"], c["actual"]))} for c in failed if c["check"] == "narrative_tie"
    ]
    return ReportData(
        source=root,
        documents=documents,
        line_count=lines.count_rows() if lines is not None else 0,
        checks_passed=len(check_rows) - len(failed),
        failed_checks=failed,
        totals=expenditure_totals(total_lines),
        extractor_versions=sorted({row["extractor_version"] for row in document_rows if row["extractor_version"]}),
        fact_count=len(fact_rows),
        narrative_passed=sum(1 for c in check_rows if c["check"] == "narrative_tie" and c["passed"]),
        contradictions=contradictions,
    )


def text(value: object) -> str:
    """Any value as safe HTML text; a missing value is a dash, not 'None'."""
    if value is None or value == "":
        return "—"
    return html.escape(str(value), quote=True)


def format_amount(amount: Decimal | None) -> str:
    """Thousands separators and every printed digit: at least two decimals, never rounded, never a float."""
    if amount is None:
        return "—"
    exact = amount.normalize()
    if exact.as_tuple().exponent > -2:
        exact = exact.quantize(_CENT)
    return f"{exact:,f}"


def _display_width(label: str) -> float:
    """Width in ems: CJK characters are a full em, Latin about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in label)


def _fit(label: str, max_ems: float) -> str:
    if _display_width(label) <= max_ems:
        return label
    while label and _display_width(label) > max_ems - 1:
        label = label[:-1]
    return label + "…"


def _axis(largest: Decimal) -> tuple[int, int]:
    """The axis end and a round gridline step (1, 2 or 5 × 10ⁿ), so the scale reads at a glance."""
    rough = max(int(largest) // 4, 1)
    magnitude = 10 ** (len(str(rough)) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    steps = max(1, -(-int(largest.to_integral_value(ROUND_CEILING)) // step))
    return step * steps, step


# --- sections ------------------------------------------------------------------


def _summary(data: ReportData) -> str:
    pages = sum(d.pages for d in data.documents)
    printed = sum(d.figures_printed for d in data.documents)
    read = sum(d.figures_read for d in data.documents)
    compared = data.narrative_passed + len(data.contradictions)
    figures = [
        ("documents", f"{len(data.documents):,}"),
        ("pages", f"{pages:,}"),
        ("lines", f"{data.line_count:,}"),
        ("figures read" + (f" of {printed:,} printed on table pages" if printed else ""), f"{coverage(read, printed):.1%}"),
        ("checks passed", f"{data.checks_passed:,}"),
        ("checks failed", f"{len(data.failed_checks):,}"),
        ("facts stated in the prose", f"{data.fact_count:,}"),
        (f"of {compared:,} prose figures a table states too, agree", f"{coverage(data.narrative_passed, compared):.1%}"),
    ]
    cards = "".join(
        f'<div class="figure{" bad" if (name == "checks failed" and n != "0") or (name.startswith("figures read") and coverage(read, printed) < COVERAGE_FLOOR) else ""}">'
        f"<b>{n}</b><span>{name}</span></div>"
        for name, n in figures
    )
    return f'<section id="summary"><div class="figures">{cards}</div></section>'


def _status_badge(status: str) -> str:
    return f'<span class="status status-{text(status)}">{text(status)}</span>'


def _documents(data: ReportData) -> str:
    counts = Counter(d.status for d in data.documents)
    count_rows = "".join(
        f'<tr class="status-count"><th>{_status_badge(s.value)}</th><td class="num">{counts[s.value]}</td></tr>' for s in STATUS_ORDER
    )
    rows = "".join(
        "<tr>"
        f'<td class="file">{text(d.file_name)}</td><td>{text(d.department)}</td><td>{text(d.place)}</td><td class="num">{text(d.year)}</td>'
        f"<td>{text(d.kind)}</td><td>{text(d.doc_form)}</td><td>{text(d.unit)}</td><td>{text(d.unit_source)}</td><td class=\"num\">{d.pages}</td>"
        f'<td class="num{" bad" if d.coverage is not None and d.coverage < COVERAGE_FLOOR else ""}" '
        f'title="{d.figures_read} of {d.figures_printed} figures printed on its table pages reached lines/">'
        f'{"-" if d.coverage is None else f"{d.coverage:.1%}"}</td>'
        f'<td>{_status_badge(d.status)}</td><td class="error">{text(d.error)}</td>'
        "</tr>"
        for d in data.documents
    )
    return (
        '<section id="documents"><h2>Documents by status</h2>'
        f'<table class="counts">{count_rows}</table>'
        '<table class="wide"><thead><tr><th>file</th><th>department</th><th>place</th><th>year</th><th>kind</th>'
        '<th title="full: tables and prose; tables_only; narrative_only: the prose alone; scanned: page images">form</th>'
        '<th title="the unit the tables print; lines/ holds 万元 throughout">printed unit</th>'
        '<th title="printed / document / sibling / inferred / assumed: the least certain source of any table\'s unit">unit from</th>'
        '<th>pages</th><th title="figures printed on the table pages that reached lines/">figures read</th><th>status</th><th>why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _document_heading(document: Document) -> str:
    """Department in bold, then year and file; a document whose cover named no department is headed by its file."""
    kind = " · 决算" if document.kind == "final_account" else ""
    if document.department:
        return (
            f"<b>{text(document.department)}</b>"
            f'<small title="{text(document.file_name)}">{text(document.year)}{kind} · {text(document.file_name)}</small>'
        )
    return (
        f'<b class="unnamed" title="{text(document.file_name)}">{text(document.file_name)}</b>'
        f"<small>{text(document.year)}{kind} · department not read</small>"
    )


def _table_cell(document: Document, table_id: str) -> str:
    name = TABLES_BY_ID[table_id].title
    if table_id in document.tables_empty:
        return f'<td class="empty" title="{table_id} {name}: printed without figures">空</td>'
    if table_id in document.tables_found:
        return f'<td class="found" title="{table_id} {name}: found">✓</td>'
    return f'<td class="missing" title="{table_id} {name}: not found">·</td>'


def _beyond_the_twelve(document: Document) -> str:
    """The tables found besides t01–t12: the registry's further ids, and generic ones."""
    more = [tid for tid in document.tables_found if tid not in STANDARD_IDS]
    titles = ", ".join(f"{tid} {TABLES_BY_ID[tid].title}" if tid in TABLES_BY_ID else f"{tid}: tables the registry cannot name" for tid in more)
    return f'<td class="more" title="{text(titles)}">{text(" ".join(more)) or "·"}</td>'


def _matrix(data: ReportData) -> str:
    header = "".join(f'<th class="tid">{tid}<small>{text(TABLES_BY_ID[tid].title)}</small></th>' for tid in STANDARD_IDS)
    rows = "".join(
        f'<tr data-doc="{text(d.doc_id)}"><th class="doc">{_document_heading(d)}</th>'
        + "".join(_table_cell(d, tid) for tid in STANDARD_IDS)
        + _beyond_the_twelve(d)
        + "</tr>"
        for d in data.documents
    )
    return (
        '<section id="tables"><h2>Tables found</h2>'
        '<p class="legend"><span class="found">✓</span> found <span class="empty">空</span> printed without figures (空表) '
        '<span class="missing">·</span> not found; the last column lists the tables found beyond the twelve</p>'
        f'<table class="matrix"><thead><tr><th>document</th>{header}<th>more</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _failed_checks(data: ReportData) -> str:
    """The tables' failed checks; the prose's are the section before."""
    failed = [c for c in data.failed_checks if c["check"] != "narrative_tie"]
    if not failed:
        return '<section id="checks"><h2>Failed checks</h2><p>Every check of the tables passed.</p></section>'
    by_id = {d.doc_id: d for d in data.documents}
    per_document = Counter(c["doc_id"] for c in failed)
    body = []
    current = None
    for check in failed:
        if check["doc_id"] != current:
            current = check["doc_id"]
            document = by_id.get(current)
            heading = _document_heading(document) if document else f"<b>{text(current)}</b>"
            body.append(f'<tr class="group"><th colspan="8">{heading}<span class="n">{per_document[current]} failed</span></th></tr>')
        body.append(
            "<tr>"
            f'<td>{text(check["table_id"])}</td><td class="num">{text(check["page"])}</td><td class="num">{text(check["row"])}</td>'
            f'<td class="column">{text(check["column"])}</td><td><code>{text(check["check"])}</code></td>'
            f'<td class="num">{format_amount(check["expected"])}</td><td class="num">{format_amount(check["actual"])}</td>'
            f'<td class="message">{text(check["message"])}</td>'
            "</tr>"
        )
    per_code = Counter(c["check"] for c in failed)
    by_code = " · ".join(f"<code>{text(code)}</code> {n}" for code, n in per_code.most_common())
    return (
        f'<section id="checks"><h2>Failed checks of the tables ({len(failed):,})</h2>'
        f'<p class="note">{by_code}</p>'
        '<p class="note">Amounts in 万元. A failed check never changes a figure: the dataset holds what was printed.</p>'
        '<table class="wide checks"><thead><tr><th>table</th><th>page</th><th>row</th><th>column</th><th>check</th>'
        '<th>expected</th><th>printed</th><th>rule</th></tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></section>'
    )


def _prose_against_tables(data: ReportData) -> str:
    """Each figure the prose states differently from a table of the same document."""
    if not data.contradictions:
        return '<section id="prose"><h2>The prose against the tables</h2><p>Every figure the prose states agrees with the tables.</p></section>'
    by_id = {d.doc_id: d for d in data.documents}
    rows = []
    for check in data.contradictions:
        document = by_id.get(check["doc_id"])
        key, _, finding = check["message"].partition(": ")
        rows.append(
            "<tr>"
            f'<th class="doc">{_document_heading(document) if document else text(check["doc_id"])}</th>'
            f'<td><code>{text(key)}</code></td><td class="message">{text(finding)}</td>'
            f'<td class="sentence">{text(check["sentence"])}</td>'
            "</tr>"
        )
    return (
        f'<section id="prose"><h2>The prose against the tables ({len(data.contradictions):,})</h2>'
        '<p class="note">A figure the 说明 states that no table of the same document prints alike, to the precision the sentence prints. '
        "Both figures stay in the dataset as printed (facts/ and lines/).</p>"
        '<table class="wide checks"><thead><tr><th>document</th><th>fact</th><th>finding</th><th>sentence</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></section>'
    )


def _chart(data: ReportData) -> str:
    """Horizontal bars, one per document, sorted by department then year, coloured by year."""
    charted = sorted(
        (d for d in data.documents if d.doc_id in data.totals),
        key=lambda d: (d.department is None, d.label, d.year or 0, d.kind or ""),
    )
    missing = [d for d in data.documents if d.doc_id not in data.totals]
    intro = (
        f'<p class="note">One bar per document: in t01 {TABLES_BY_ID["t01"].title} the last total of the expenditure side '
        f"(支出总计, which includes 结转下年), else the 合计 row of t03 {TABLES_BY_ID['t03'].title}. All figures are in 万元: "
        "documents printed in 元 (marked *) were converted exactly at extraction, so every bar is in the same unit.</p>"
    )
    if not charted:
        return f'<section id="chart"><h2>Total expenditure by department and year</h2>{intro}<p>No document has a total.</p></section>'
    years = sorted({d.year for d in charted if d.year is not None})
    colour = {year: _YEAR_COLOURS[i % len(_YEAR_COLOURS)] for i, year in enumerate(years)}
    axis_max, step = _axis(max(data.totals[d.doc_id].amount for d in charted))
    label_width, bar_width, value_width, row_height, top = 400, 640, 160, 24, 28
    width = label_width + bar_width + value_width
    height = top + row_height * len(charted) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Total expenditure by department and year, 万元">'
    ]
    for tick in range(0, axis_max + 1, step):
        x = label_width + bar_width * tick / axis_max
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{top - 10}" text-anchor="middle">{tick:,}</text>')
    for i, d in enumerate(charted):
        total = data.totals[d.doc_id]
        y = top + i * row_height
        length = max(1.0, bar_width * float(total.amount / axis_max))
        kind = " 决算" if d.kind == "final_account" else ""
        label = f"{_fit(d.label, 24)} · {d.year or '年份?'}{kind}"
        converted = "*" if d.unit == "元" else ""
        tooltip = f"{d.label} {d.year or ''}{kind}: {format_amount(total.amount)} 万元 ({total.table_id} {total.item or ''}, page {total.page})"
        parts.append(
            f'<g class="bar" data-department="{text(d.department)}" data-year="{text(d.year)}"><title>{text(tooltip)}</title>'
            f'<text class="label{"" if d.department else " unnamed"}" x="{label_width - 8}" y="{y + 16}" text-anchor="end">{text(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_height - 8}" fill="{colour.get(d.year, _NO_YEAR_COLOUR)}"/>'
            f'<text class="value" x="{label_width + length + 6:.1f}" y="{y + 16}">{format_amount(total.amount)}{converted}</text></g>'
        )
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{colour[y]}"></i>{y}</span>' for y in years)
    if any(d.year is None for d in charted):
        legend += f'<span><i style="background:{_NO_YEAR_COLOUR}"></i>year not read</span>'
    without = ""
    if missing:
        names = ", ".join(text(d.label) for d in missing)
        without = f'<p class="note">No total expenditure read for {len(missing)} document(s): {names}.</p>'
    return (
        f'<section id="chart"><h2>Total expenditure by department and year (万元)</h2>{intro}'
        f'<p class="legend years">{legend}</p><div class="scroll">{"".join(parts)}</div>{without}</section>'
    )


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",system-ui,sans-serif;
 margin:0;color:#1f2328;background:#f6f7f9;font-size:14px;line-height:1.45}
main{max-width:1280px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 10px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
.source{color:#57606a;margin:0 0 16px;overflow-wrap:anywhere}
.figures{display:flex;gap:12px;flex-wrap:wrap}
.figure{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 18px;min-width:130px}
.figure b{display:block;font-size:26px;font-variant-numeric:tabular-nums}.figure span{color:#57606a}
.figure.bad b{color:#c0392b}
td.num.bad{color:#c0392b;font-weight:600}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border:1px solid #d8dee4;padding:4px 8px;vertical-align:top;text-align:left}
thead th{background:#eef1f4;position:sticky;top:0}
.wide{width:100%;table-layout:auto}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.file,.column,.error,.message{overflow-wrap:anywhere}
.file{max-width:300px;font-size:12px}.error{max-width:380px;font-size:12px;color:#57606a}
.counts th{background:none}.counts td{min-width:40px}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:#6e7781}
.status-ok{background:#2e8540}.status-partial{background:#b7791f}.status-failed{background:#c0392b}
.status-not_a_budget{background:#6e7781}.status-needs_ocr{background:#7b4bb7}.status-timeout{background:#8a3324}
.matrix{font-size:12px}.matrix th.tid{width:58px;text-align:center;font-weight:600}
.matrix th small,.matrix th.doc small{display:block;font-weight:normal;color:#57606a;font-size:10.5px;line-height:1.25}
.matrix th.doc{width:380px;max-width:380px}
th.doc b,tr.group b{font-weight:600}th.doc b.unnamed,tr.group b.unnamed{font-style:italic;font-weight:500}
th.doc b,th.doc small{display:block;max-width:380px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
tr.group small{display:inline;margin-left:8px}tr.group .n{float:right;color:#c0392b}
nav{margin:18px 0 0}nav a{margin-right:18px;color:#2f6db5;text-decoration:none}
.matrix td{text-align:center;font-size:14px;padding:2px}
td.found,span.found{color:#2e8540;font-weight:bold}td.found{background:#e6f4ea}
td.empty,span.empty{color:#8a5a00}td.empty{background:#fff4d6}
td.missing,span.missing{color:#b0b7bf}
.legend span{margin-right:6px}.legend.years span{margin-right:14px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.checks{font-size:12.5px}.checks td.sentence{color:#57606a;max-width:36em}.checks tr.group th{background:#f3f0ff;font-size:13px}
.checks tr.group small{color:#57606a;font-weight:normal}
.column{max-width:220px}.message{color:#3d444d}
.note{color:#57606a;max-width:1000px}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px}
.chart text{font-size:12.5px;fill:#1f2328;font-family:inherit}
.chart .unnamed{fill:#57606a;font-style:italic}.chart .value{font-variant-numeric:tabular-nums}
.chart .tick{fill:#57606a;font-size:11px}.chart .grid{stroke:#e1e4e8}
"""


def _contents() -> str:
    """Links to the sections; the failed checks come last because they can run to hundreds of rows."""
    sections = [("documents", "Documents by status"), ("tables", "Tables found"), ("chart", "Total expenditure"),
                ("prose", "The prose against the tables"), ("checks", "Failed checks")]
    return '<nav>' + "".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in sections) + "</nav>"


def render_html(data: ReportData) -> str:
    versions = ", ".join(data.extractor_versions)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>budgetpdf report — {text(data.source.name)}</title><style>{_CSS}</style></head><body><main>"
        f'<h1>budgetpdf report</h1><p class="source">dataset {text(data.source.resolve())}'
        f'{" · extractor " + text(versions) if versions else ""}</p>'
        f"{_summary(data)}{_contents()}{_documents(data)}{_matrix(data)}{_chart(data)}{_prose_against_tables(data)}{_failed_checks(data)}"
        "</main></body></html>\n"
    )


def write_report(dataset: Path, output: Path) -> ReportData:
    """Write the page next to its final name, then rename: a reader never opens half a page."""
    data = read_dataset(dataset)
    page = render_html(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return data
