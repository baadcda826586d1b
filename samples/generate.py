"""Render sample disclosures to PDF, and write their golden files.

Both come from the ground-truth data in this folder (``reference_2026.py``),
by independent paths: the PDF through reportlab, the goldens straight from
the data.  Run ``make samples`` (or ``python -m samples.generate``).

reportlab's built-in CID font STSong-Light needs no font file, so the PDFs
build the same on any machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase._cidfontdata import CIDFontInfo
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from samples.model import CodeRow, DownRow, ItemRow, PairRow, ProjectRow, Row, SampleDocument, SampleTable, TotalRow, UnitRow
from samples.beyond_2026 import BEYOND
from samples.reference_2026 import REFERENCE
from samples.scan import scan_pdf
from samples.stacked_2026 import STACKED

FONT = "STSong-Light"
SAMPLES_DIR = Path(__file__).resolve().parent
GOLDEN_FIELDS = ("table_id", "table_no", "row_no", "side", "code", "code_level", "parent_code", "item", "project", "column", "amount", "is_total")


@dataclass(frozen=True)
class Layout:
    """How a document is drawn; the data stays the same whatever the layout."""

    font_size: float = 9.0
    title_size: float = 16.0
    code_width: float = 24.0
    name_width: float = 150.0
    project_width: float = 120.0
    amount_width: float = 62.0
    one_table_per_page: bool = True
    all_landscape: bool = False
    repeat_header: bool = True
    # 苏州: the department and year at the top of every page, above a continued table too
    running_header: bool = False
    # How 单位：万元 is printed: "plain"; "split", the colon on a baseline of its own as 重庆's
    # WPS exports draw it (the text layer gives 单位 万元 and a line holding ：); "none", not at all
    unit_style: str = "plain"
    # "grid": every cell ruled; "none": no rules at all, the table drawn as text in aligned
    # columns (Word, many budget systems); "three_line": a rule above and below the header
    # and one under the last row (三线表), nothing between the columns
    rules: str = "grid"
    # where a cell's text sits in a tall cell (a wrapped name beside one line of figures)
    valign: str = "MIDDLE"
    # points above and below each cell's text; Word's default tables print rows with next to none
    padding: float = 2.0
    # True: each table drawn as separate ruled grids that touch, as 长春's WPS 文字 exports do:
    # the header apart from the body, and the body's labels apart from its figures
    split_grids: bool = False
    # The font's Descent as its descriptor declares it (1/1000 em); None keeps the font's own.
    # 重庆's and 北京's exports declare one so deep that every glyph box hangs a line below its glyph.
    glyph_descent: int | None = None


class BoldParagraph(Paragraph):
    """CID fonts have no bold face; offices' PDFs fake it by stroking the glyphs."""

    def draw(self):
        self.canv.saveState()
        self.canv.setLineWidth(self.style.fontSize / 30)
        self.canv._code.append("2 Tr")
        super().draw()
        self.canv.restoreState()


def _unit_line(unit: str, style: str) -> str:
    return {"plain": f"单位：{unit}", "split": f'单位<sub rise="7">：</sub>{unit}', "none": ""}[style]


def _style(size: float, align=TA_LEFT) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{align}", fontName=FONT, fontSize=size, leading=size * 1.3, alignment=align, wordWrap="CJK")


def fmt_amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _code_parts(code: str) -> tuple[str, str, str]:
    return code[:3], code[3:5], code[5:7]


# ---- rendering -------------------------------------------------------------


def row_cells(table: SampleTable, row: Row) -> tuple[list[str], bool]:
    """Printed label cells of one row (before the amounts), and whether it is bold."""
    bold = isinstance(row, (TotalRow, UnitRow)) or (isinstance(row, ItemRow) and row.prefix in ("一、", "二、"))
    if isinstance(row, CodeRow):
        bold = len(row.code) < (5 if table.layout == "economic" else 7)
    if table.layout == "two_sided":
        if isinstance(row, CodeRow):
            return [f"{row.code} {row.name}"], False
        return [_label(row)], bold
    if table.layout == "label":
        return [_label(row)], bold
    if table.layout == "economic":
        if isinstance(row, CodeRow):
            lei, kuan, _ = _code_parts(row.code)
            return [lei, f"{kuan} {row.name}" if kuan else row.name], bold
        return ["", _label(row)], bold
    with_project = table.layout == "code3_project"
    if isinstance(row, CodeRow):
        cells = [*_code_parts(row.code), row.name]
        return (cells + [row.project or ""] if with_project else cells), bold
    cells = ["", "", "", _label(row)]
    return (cells + [""] if with_project else cells), bold


def _label(row: Row) -> str:
    if isinstance(row, ItemRow):
        return f"{row.prefix}{row.item}{row.suffix}"
    if isinstance(row, (UnitRow,)):
        return row.name
    if isinstance(row, ProjectRow):
        return row.project
    if isinstance(row, TotalRow):
        return row.label
    raise TypeError(row)


def label_widths(table: SampleTable, layout: Layout) -> list[float]:
    return {
        "two_sided": [layout.name_width + 40],
        "label": [layout.name_width + 40],
        "economic": [layout.code_width + 10, layout.name_width],
        "code3": [layout.code_width] * 3 + [layout.name_width],
        "code3_project": [layout.code_width] * 3 + [layout.name_width * 0.8, layout.project_width],
    }[table.layout]


def place_header(table: SampleTable, width: int) -> tuple[list[list[str]], list[tuple]]:
    """Lay the header cells out like an HTML table: each cell takes the next free slot."""
    grid = [[None] * width for _ in table.header]
    spans = []
    for r, cells in enumerate(table.header):
        c = 0
        for cell in cells:
            while grid[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[r + dr][c + dc] = ""
            grid[r][c] = cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            c += cell.colspan
    return [[text or "" for text in row] for row in grid], spans


def _down_flowable(table: SampleTable, layout: Layout, page_width: float) -> Table:
    """Category | item | 金额, a category merged down over its items, a lone label across both."""
    normal, right, centre = _style(layout.font_size), _style(layout.font_size, TA_RIGHT), _style(layout.font_size, TA_CENTER)
    data = [[BoldParagraph(cell.text, centre) for cell in table.header[0]] + [""] * (3 - len(table.header[0]))]
    spans = [("SPAN", (0, 0), (1, 0))]
    r = 1
    rows = list(table.rows)
    while rows:
        row = rows.pop(0)
        if len(row.labels) == 1:
            data.append([Paragraph(row.labels[0], centre), "", Paragraph(fmt_amount(row.value), right)])
            spans.append(("SPAN", (0, r), (1, r)))
            r += 1
            continue
        group = [row]
        while rows and len(rows[0].labels) == 2 and rows[0].labels[0] == row.labels[0]:
            group.append(rows.pop(0))
        for n, member in enumerate(group):
            data.append([Paragraph(row.labels[0], normal) if n == 0 else "", Paragraph(member.labels[1], centre), Paragraph(fmt_amount(member.value), right)])
        spans.append(("SPAN", (0, r), (0, r + len(group) - 1)))
        r += len(group)
    widths = [layout.name_width * 0.8, layout.name_width, layout.amount_width * 1.6]
    flowable = Table(data, colWidths=widths)
    flowable.setStyle(TableStyle([*_rules(layout.rules, 1), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
    return flowable


def _table_flowable(table: SampleTable, layout: Layout, page_width: float) -> Table:
    if table.layout == "down":
        return _down_flowable(table, layout, page_width)
    normal, right, centre = _style(layout.font_size), _style(layout.font_size, TA_RIGHT), _style(layout.font_size, TA_CENTER)
    if table.layout == "two_sided":
        half_label = label_widths(table, layout)
        widths = half_label + [layout.amount_width] * len(table.income_columns) + half_label + [layout.amount_width] * len(table.columns)
    else:
        widths = label_widths(table, layout) + [layout.amount_width] * len(table.columns)
    # Code columns keep their width (a code never wraps); the others shrink to fit.
    fixed = layout.code_width * {"code3": 3, "code3_project": 3}.get(table.layout, 0)
    scale = min(1.0, (page_width - fixed) / (sum(widths) - fixed))
    widths = [w if w == layout.code_width else w * scale for w in widths]

    header_rows, spans = place_header(table, len(widths))
    data = [[BoldParagraph(text, centre) if text else "" for text in row] for row in header_rows]
    for row in table.rows:
        if isinstance(row, PairRow):
            printed = []
            for half, n in ((row.income, len(table.income_columns)), (row.expenditure, len(table.columns))):
                if half is None:
                    printed += [("", False, normal)] + [("", False, right)] * n
                    continue
                labels, bold = row_cells(table, half)
                printed += [(t, bold, normal) for t in labels] + [(fmt_amount(v), bold, right) for v in half.values]
        else:
            labels, bold = row_cells(table, row)
            printed = [(t, bold, normal) for t in labels] + [(fmt_amount(v), bold, right) for v in row.values]
        data.append([(BoldParagraph if bold else Paragraph)(t, style) if t else "" for t, bold, style in printed])

    if layout.split_grids:
        return _split_flowable(table, layout, data, widths, spans)
    flowable = Table(data, colWidths=widths, repeatRows=len(table.header) if layout.repeat_header else 0)
    flowable.setStyle(TableStyle([*_rules(layout.rules, len(table.header)), *_cell_style(layout), *spans]))
    return flowable


def _cell_style(layout: Layout) -> list[tuple]:
    return [
        ("VALIGN", (0, 0), (-1, -1), layout.valign),
        ("TOPPADDING", (0, 0), (-1, -1), layout.padding * 0.75),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), layout.padding * 1.25),
    ]


_NO_PADDING = [(name, (0, 0), (-1, -1), 0) for name in ("TOPPADDING", "BOTTOMPADDING", "LEFTPADDING", "RIGHTPADDING")]


def _split_flowable(table: SampleTable, layout: Layout, data: list[list], widths: list[float], spans: list[tuple]) -> Table:
    """The header one ruled grid; under it the labels one grid and the figures another, a
    few points apart, their rows of one height (a two-sided table's body stays one grid)."""
    n_header = len(table.header)
    header = Table(data[:n_header], colWidths=widths)
    header.setStyle(TableStyle([*_rules(layout.rules, n_header), *_cell_style(layout), *spans]))
    body = data[n_header:]
    heights = [
        max([layout.font_size * 1.3 + 4] + [cell.wrap(w - 6, 1000)[1] + 4 for cell, w in zip(row, widths) if not isinstance(cell, str)])
        for row in body
    ]
    n_labels = len(label_widths(table, layout))
    parts = [(0, len(widths))] if table.layout == "two_sided" else [(0, n_labels), (n_labels, len(widths))]
    grids = []
    for first, last in parts:
        grid = Table([row[first:last] for row in body], colWidths=widths[first:last], rowHeights=heights)
        grid.setStyle(TableStyle([*_rules(layout.rules, 0 if layout.rules == "grid" else 1), *_cell_style(layout)]))
        grids.append(grid)
    # a few points apart, so their rules never join into one grid
    side_by_side = Table([grids], colWidths=[sum(widths[first:last]) + (_SPLIT_GAP if n else 0) for n, (first, last) in enumerate(parts)])
    side_by_side.setStyle(TableStyle([*_NO_PADDING, ("LEFTPADDING", (1, 0), (1, 0), _SPLIT_GAP)]))
    stacked = Table([[header], [side_by_side]], colWidths=[sum(widths) + _SPLIT_GAP])
    stacked.setStyle(TableStyle([*_NO_PADDING, ("TOPPADDING", (0, 1), (0, 1), _SPLIT_GAP)]))
    return stacked


_SPLIT_GAP = 5.0


@contextmanager
def _declared_descent(descent: int | None):
    """The font descriptor written with ``descent`` instead of the font's own."""
    if descent is None:
        yield
        return
    descriptor = CIDFontInfo[FONT]["DescendantFonts"][0]["FontDescriptor"]
    own = descriptor["Descent"]
    descriptor["Descent"] = descent
    try:
        yield
    finally:
        descriptor["Descent"] = own


def _rules(style: str, header_rows: int) -> list[tuple]:
    return {
        "grid": [("GRID", (0, 0), (-1, -1), 0.5, colors.black)],
        "none": [],
        "three_line": [
            ("LINEABOVE", (0, 0), (-1, 0), 1.0, colors.black),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.5, colors.black),
            ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black),
        ],
    }[style]


def render(document: SampleDocument, path: Path, layout: Layout = Layout()) -> Path:
    """Draw the document as an office would publish it; write atomically."""
    return render_with_pages(document, path, layout)[0]


def render_with_pages(document: SampleDocument, path: Path, layout: Layout = Layout()) -> tuple[Path, tuple[int, ...]]:
    """Draw the document, and say on which page each narrative paragraph was drawn (for facts.csv)."""
    with _declared_descent(layout.glyph_descent):
        return _render(document, path, layout)


def _render(document: SampleDocument, path: Path, layout: Layout) -> tuple[Path, tuple[int, ...]]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    tmp = path.with_suffix(".pdf.tmp")
    margin = 40
    doc = BaseDocTemplate(str(tmp), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
                          title=f"{document.year}年{document.department}部门预算公开", author=document.department)
    templates = []
    for name, size in (("portrait", A4), ("landscape", landscape(A4))):
        frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, id=name)

        def on_page(canvas, _doc, size=size):
            canvas.setPageSize(size)
            canvas.saveState()
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(size[0] / 2, 20, f"- {canvas.getPageNumber()} -")
            if layout.running_header:
                canvas.drawString(margin, size[1] - 25, f"{document.department} {document.year} 年度部门预算公开")
            canvas.restoreState()

        templates.append(PageTemplate(id=name, frames=[frame], onPage=on_page, pagesize=size))
    doc.addPageTemplates(templates)

    body = _style(layout.font_size + 2)
    title = _style(layout.title_size, TA_CENTER)
    story = [Spacer(1, 200)]
    story += [BoldParagraph(line, _style(26, TA_CENTER)) for line in document.cover]
    story += [PageBreak()] + [Paragraph(text, body) for text in document.intro]
    start = "landscape" if layout.all_landscape else "portrait"
    story += [NextPageTemplate(start), PageBreak()]
    for table in document.tables:
        # Flowing tables share the pages they land on, so they take those pages' width.
        wide = table.landscape if layout.one_table_per_page else layout.all_landscape
        kind = "landscape" if wide or layout.all_landscape else "portrait"
        page_width = (landscape(A4) if kind == "landscape" else A4)[0] - 2 * margin
        if layout.one_table_per_page and table is not document.tables[0]:
            story += [NextPageTemplate(kind), PageBreak()]
        else:
            story += [Spacer(1, 18)]
        number = Paragraph(f"表{table.number}", _style(layout.font_size + 1))
        number.keepWithNext = True
        heading = BoldParagraph(table.title, title)
        heading.keepWithNext = True
        meta = Table(
            [[Paragraph(f"编制部门：{document.department}", _style(layout.font_size)),
              Paragraph(_unit_line(document.unit, layout.unit_style if table.prints_unit else "none"), _style(layout.font_size, TA_RIGHT))]],
            colWidths=[page_width * 0.7, page_width * 0.3],
        )
        meta.keepWithNext = True
        story += [number, heading, Spacer(1, 6), meta, _table_flowable(table, layout, page_width)]
        if table.note:
            story += [Spacer(1, 6), Paragraph(table.note, body)]
    # each narrative paragraph whole on one page, so that every figure in it has that page
    pages: dict[int, int] = {}
    doc.afterFlowable = lambda flowable: pages.setdefault(getattr(flowable, "narrative_index", -1), doc.page)
    story += [NextPageTemplate("portrait"), PageBreak()]
    for index, text in enumerate(document.narrative):
        paragraph = Paragraph(text, body)
        paragraph.narrative_index = index
        story.append(KeepTogether([paragraph]))
    for heading, rows in document.other_grids:
        story += [Spacer(1, 12), BoldParagraph(heading, title), Spacer(1, 6)]
        grid = Table([[Paragraph(cell, _style(layout.font_size)) for cell in row] for row in rows], colWidths=[110, 150, 130, 110])
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(grid)
    doc.build(story)
    os.replace(tmp, path)
    return path, tuple(pages[index] for index in range(len(document.narrative)))


# ---- goldens ---------------------------------------------------------------


def _code_meaning(code: str) -> tuple[int, str | None]:
    level = 1 if len(code) == 3 else (2 if len(code) == 5 else 3)
    return level, (code[:-2] if level > 1 else None)


def _golden_row(table: SampleTable, row: Row, row_no: int, side: str | None, columns: tuple[str, ...], table_no: int) -> list[dict]:
    key = dict(table_id=table.table_id, table_no=table_no, row_no=row_no, side=side or "", code="", code_level="", parent_code="", item="", project="", is_total="false")
    if isinstance(row, CodeRow):
        level, parent = _code_meaning(row.code)
        key.update(code=row.code, code_level=level, parent_code=parent or "", item=row.name, project=row.project or "")
    elif isinstance(row, ItemRow):
        key.update(item=row.item)
    elif isinstance(row, UnitRow):
        key.update(item=row.name)
    elif isinstance(row, ProjectRow):
        key.update(project=row.project)
    elif isinstance(row, TotalRow):
        key.update(item=row.label, is_total="true")
    assert len(row.values) == len(columns), (table.table_id, row)
    return [dict(key, column=column, amount=str(value)) for column, value in zip(columns, row.values) if value is not None]


def golden_lines(table: SampleTable, table_no: int = 1) -> list[dict]:
    """The lines the contract expects from one table, straight from the data; ``table_no``
    tells apart two printed tables of one id."""
    if table.layout == "down":
        # the one row a horizontal table prints, under its total's label
        total = next(row.labels[0] for row in table.rows if row.column == "total")
        key = dict(table_id=table.table_id, table_no=table_no, row_no=1, side="", code="", code_level="", parent_code="", item=total, project="", is_total="true")
        return [dict(key, column=row.column, amount=str(row.value)) for row in table.rows if row.value is not None]
    lines = []
    for row_no, row in enumerate(table.rows, start=1):
        if isinstance(row, PairRow):
            if row.income is not None:
                lines += _golden_row(table, row.income, row_no, "income", table.income_columns, table_no)
            if row.expenditure is not None:
                lines += _golden_row(table, row.expenditure, row_no, "expenditure", table.columns, table_no)
        else:
            lines += _golden_row(table, row, row_no, None, table.columns, table_no)
    return lines


def printings(document: SampleDocument) -> list[tuple[SampleTable, int]]:
    """Each table with its number among the printed tables of its id (1, 2, …)."""
    seen: dict[str, int] = {}
    numbered = []
    for table in document.tables:
        seen[table.table_id] = seen.get(table.table_id, 0) + 1
        numbered.append((table, seen[table.table_id]))
    return numbered


FACT_FIELDS = ["key", "amount", "previous_amount", "change_amount", "change_pct", "page", "sentence"]


def _compact(text: str) -> str:
    return "".join(text.split())


def golden_facts(document: SampleDocument, narrative_pages: tuple[int, ...]) -> list[dict]:
    """facts.csv: each declared fact, on the page of the paragraph that holds its sentence."""
    rows = []
    for fact in document.facts:
        holders = [i for i, text in enumerate(document.narrative) if fact.sentence in _compact(text)]
        if len(holders) != 1:
            raise ValueError(f"the sentence of {fact.key} {fact.amount} is in {len(holders)} narrative paragraphs: {fact.sentence}")
        rows.append({
            "key": fact.key, "amount": fact.amount, "previous_amount": fact.previous_amount, "change_amount": fact.change_amount,
            "change_pct": fact.change_pct, "page": narrative_pages[holders[0]], "sentence": fact.sentence,
        })
    return rows


def write_goldens(document: SampleDocument, folder: Path, narrative_pages: tuple[int, ...] | None = None) -> None:
    """The expected tables and document row; facts.csv too where the pages of the narrative are known."""
    folder.mkdir(parents=True, exist_ok=True)
    if document.facts and narrative_pages is not None:
        with open(folder / "facts.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FACT_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(golden_facts(document, narrative_pages))
    by_id: dict[str, list[dict]] = {}
    for table, table_no in printings(document):
        by_id.setdefault(table.table_id, []).extend(golden_lines(table, table_no))
    for table_id, lines in by_id.items():
        with open(folder / f"{table_id}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=GOLDEN_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(lines)
    expected = {
        "department": document.department,
        "year": document.year,
        "doc_kind": document.doc_kind,
        "unit": document.unit,
        "tables_found": sorted(by_id),
        "tables_empty": sorted(table_id for table_id, lines in by_id.items() if not lines),
    }
    (folder / "document.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Sample:
    """One committed sample: a document, how it is drawn, and the name of its files."""

    document: SampleDocument
    layout: Layout
    name: str


SAMPLES = (
    Sample(REFERENCE, Layout(), REFERENCE.name),
    Sample(BEYOND, Layout(unit_style="split"), BEYOND.name),
    # the reference with every rule removed: its columns are where its words stand
    Sample(REFERENCE, Layout(rules="none"), f"{REFERENCE.name}_unruled"),
    # the reference with every glyph box a line below its glyph (Descent -1400)
    Sample(REFERENCE, Layout(glyph_descent=-1400), f"{REFERENCE.name}_tall_glyphs"),
    # 江苏's old template: t02 down the page, small tables stacked on portrait pages
    Sample(STACKED, Layout(one_table_per_page=False), STACKED.name),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="folder for <name>.pdf and <name>.expected/")
    args = parser.parse_args()
    narratives = {}
    for sample in SAMPLES:
        pdf, narratives[sample.name] = render_with_pages(sample.document, args.out / f"{sample.name}.pdf", sample.layout)
        write_goldens(sample.document, args.out / f"{sample.name}.expected", narratives[sample.name])
        print(f"wrote {pdf} and {sample.name}.expected/")
    # the reference as a scanner returns it: page images, grey, noisy, turned a little (samples/scan.py)
    name = f"{REFERENCE.name}_scanned"
    pdf = scan_pdf(args.out / f"{REFERENCE.name}.pdf", args.out / f"{name}.pdf")
    write_goldens(REFERENCE, args.out / f"{name}.expected", narratives[REFERENCE.name])
    print(f"wrote {pdf} and {name}.expected/")
    # the reference typed in Word without borders, exported by LibreOffice (samples/office.py)
    from samples import office

    name = f"{REFERENCE.name}_word"
    pdf = office.render(REFERENCE, args.out / f"{name}.pdf")
    if pdf is None:
        print(f"kept {name}.pdf as committed: LibreOffice (soffice) is not installed")
    else:
        write_goldens(REFERENCE, args.out / f"{name}.expected")
        print(f"wrote {pdf} and {name}.expected/")


if __name__ == "__main__":
    main()
