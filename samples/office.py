"""The reference disclosure as an office types it in Word: tables without borders.

Many departments write their disclosure in Word (or WPS 文字) and export
it to PDF; their tables often have no borders at all. This renders the
reference ground truth that way: a .docx written with python-docx (a
borderless table per table, merged header cells, a CJK TrueType font),
turned into PDF by LibreOffice. A different layout engine and font from
reportlab's, so a different set of glyph boxes, line heights and cell
paddings for the same figures.

It runs where LibreOffice is installed (``soffice``); elsewhere ``make
samples`` leaves the committed PDF as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from samples.generate import Layout, fmt_amount, label_widths, place_header, row_cells
from samples.model import PairRow, SampleDocument, SampleTable

FONT = "WenQuanYi Zen Hei"  # Debian's fonts-wqy-zenhei


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _font(run, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _write(cell, text: str, size: float, align, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = 0
    paragraph.paragraph_format.space_before = 0
    if text:
        _font(paragraph.add_run(text), size, bold)


def _rows(table: SampleTable) -> list[list[tuple[str, bool, str]]]:
    """Each body row as (text, bold, alignment) cells: labels flush left, figures flush right."""
    rows = []
    for row in table.rows:
        if isinstance(row, PairRow):
            printed = []
            for half, n in ((row.income, len(table.income_columns)), (row.expenditure, len(table.columns))):
                if half is None:
                    printed += [("", False, "left")] + [("", False, "right")] * n
                    continue
                labels, bold = row_cells(table, half)
                printed += [(t, bold, "left") for t in labels] + [(fmt_amount(v), bold, "right") for v in half.values]
        else:
            labels, bold = row_cells(table, row)
            printed = [(t, bold, "left") for t in labels] + [(fmt_amount(v), bold, "right") for v in row.values]
        rows.append(printed)
    return rows


def _table(doc, table: SampleTable, layout: Layout, page_width: float, borders: bool, valign: str, widths_set: bool = True) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if table.layout == "two_sided":
        half = label_widths(table, layout)
        widths = half + [layout.amount_width] * len(table.income_columns) + half + [layout.amount_width] * len(table.columns)
    else:
        widths = label_widths(table, layout) + [layout.amount_width] * len(table.columns)
    scale = min(1.0, page_width / sum(widths))
    widths = [w * scale for w in widths]
    header_rows, spans = place_header(table, len(widths))
    body = _rows(table)
    grid = doc.add_table(rows=len(header_rows) + len(body), cols=len(widths))
    if borders:
        grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for c, column in enumerate(grid.columns):
        if widths_set:
            column.width = Pt(widths[c])  # the table grid: what LibreOffice lays the columns out by
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row.cells):
            cell.width = Pt(widths[c])
            cell.vertical_alignment = getattr(WD_CELL_VERTICAL_ALIGNMENT, valign.upper())
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
    for r, texts in enumerate(header_rows):
        for c, text in enumerate(texts):
            if text:
                _write(grid.cell(r, c), text, layout.font_size, align["center"], bold=True)
    for _, (c0, r0), (c1, r1) in spans:
        grid.cell(r0, c0).merge(grid.cell(r1, c1))
    for r, cells in enumerate(body, start=len(header_rows)):
        for c, (text, bold, where) in enumerate(cells):
            _write(grid.cell(r, c), text, layout.font_size, align[where], bold)


def render_docx(
    document: SampleDocument,
    path: Path,
    layout: Layout = Layout(font_size=9.0, code_width=34.0, amount_width=66.0),
    borders: bool = False,
    valign: str = "top",
    widths_set: bool = True,
) -> Path:
    """The disclosure as a Word document: headings, a caption line and a table each,
    borderless unless ``borders``; ``valign`` is where a cell's text sits (top, Word's default;
    center; bottom); without ``widths_set`` every column is as wide as the next, as Word
    makes a table nobody has resized."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(40))
    page_width = section.page_width.pt - 80
    for line in document.cover:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(line), 26, bold=True)
    doc.add_page_break()
    for text in document.intro:
        _font(doc.add_paragraph().add_run(text), layout.font_size + 2)
    for table in document.tables:
        doc.add_page_break()
        _font(doc.add_paragraph().add_run(f"表{table.number}"), layout.font_size + 1)
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(title.add_run(table.title), 16, bold=True)
        caption = doc.add_paragraph()
        _font(caption.add_run(f"编制部门：{document.department}" + " " * 40 + f"单位：{document.unit}"), layout.font_size)
        _table(doc, table, layout, page_width, borders, valign, widths_set)
        if table.note:
            _font(doc.add_paragraph().add_run(table.note), layout.font_size + 2)
    doc.add_page_break()
    for text in document.narrative:
        _font(doc.add_paragraph().add_run(text), layout.font_size + 2)
    doc.save(path)
    return path


def render(document: SampleDocument, path: Path, **options) -> Path | None:
    """The PDF LibreOffice makes of the .docx (``options`` as ``render_docx`` takes them),
    written atomically; None without LibreOffice."""
    office = soffice()
    if office is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        docx = render_docx(document, Path(work) / f"{path.stem}.docx", **options)
        subprocess.run(
            [office, "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile", "--convert-to", "pdf", "--outdir", work, str(docx)],
            check=True, capture_output=True, timeout=300,
        )
        tmp = path.with_suffix(".pdf.tmp")
        shutil.copyfile(Path(work) / f"{path.stem}.pdf", tmp)
        os.replace(tmp, path)
    return path
