"""Any layout, read the same: the reference sample drawn without rules, and with glyph boxes
that hang a line below their glyphs, must give exactly the lines of the ruled drawing.

Both are committed in samples/ (``make samples``), from the same ground truth.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from budgetpdf.pipeline import process_document
from conftest import REFERENCE_GOLDEN, STACKED_GOLDEN, STACKED_PDF, TALL_GLYPHS_PDF, UNRULED_PDF, WORD_PDF, assert_matches_golden
from budgetpdf.extract.grid import Grid
from budgetpdf.extract.pages import seat_glyphs
from budgetpdf.extract.printed import pdf_to_printed_tables
from budgetpdf.extract.settings import ExtractSettings
from budgetpdf.extract.vertical import is_vertical, vertical_to_table
from budgetpdf.extract.text_grid import Line, Word, header_to_blocks, join_wrapped_labels, lines_to_bands, lines_to_grid
from samples.generate import SAMPLES, Layout, render
from test_reference_sample import SECOND_DRAWINGS
from samples.reference_2026 import REFERENCE
from budgetpdf.schemas import ColumnRole, RawRow, RawTable, Status, spec_for

SETTINGS = ExtractSettings()


@pytest.mark.parametrize("pdf", [UNRULED_PDF, TALL_GLYPHS_PDF, WORD_PDF], ids=lambda p: p.stem)
def test_the_drawing_reads_exactly_the_lines_of_the_ruled_one(pdf):
    result = process_document(pdf)
    assert_matches_golden(result, REFERENCE_GOLDEN)
    assert_matches_golden(result, pdf.with_suffix(".expected"))
    assert result.record.status is Status.OK


def test_the_unruled_sample_has_no_rules_and_its_tables_are_read_from_words():
    printed = pdf_to_printed_tables(UNRULED_PDF)
    unruled = [table.title for table in printed.tables if table.unruled]
    assert len(unruled) == 12  # the twelve tables, the empty t08 and t09 among them
    assert [table.title for table in printed.tables if not table.unruled] == ["部门整体绩效目标表"]  # drawn with rules


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.name.endswith(("_unruled", "_tall_glyphs", "stacked_2026"))], ids=lambda s: s.name)
def test_the_committed_pdf_is_what_the_generator_renders(sample, tmp_path):
    fresh = process_document(render(sample.document, tmp_path / "fresh.pdf", sample.layout))
    assert_matches_golden(fresh, STACKED_GOLDEN if sample.name == "stacked_2026" else REFERENCE_GOLDEN)


def test_stacked_tables_and_a_table_down_the_page():
    """江苏's old template: small tables several to a page, 收入预算总表 printed down the page."""
    result = process_document(STACKED_PDF)
    assert_matches_golden(result, STACKED_GOLDEN)
    pages = [table.pages for table in pdf_to_printed_tables(STACKED_PDF).tables]
    assert any(a == b for a, b in zip(pages, pages[1:])), "no two tables share a page"
    t02 = {line.column: line.amount for line in result.lines if line.table_id == "t02"}
    assert t02["total"] == t02["fiscal_subtotal"] + t02["fiscal_carryover"]  # the keys a horizontal t02 gives
    assert all(c.passed for c in result.checks if c.table_id in ("t02", "t03"))


UNRULED_DRAWINGS = {
    # the drawings the ruled reference is read from (tests/test_reference_sample.py), with their rules taken away
    **{
        f"{name}_{rules}": replace(layout, rules=rules)
        for name, layout in {**SECOND_DRAWINGS, "reference": Layout()}.items()
        for rules in ("none", "three_line")
        if (name, rules) != ("reference", "none")  # committed: samples/reference_2026_unruled.pdf
    },
    # Word's tables: text at the top of tall cells, rows printed with no padding (a wrapped name's
    # next line as far below it as the next row), small and large type
    "top": Layout(rules="none", valign="TOP"),
    "unpadded": Layout(rules="none", padding=0.0),
    "unpadded_top": Layout(rules="none", padding=0.0, valign="TOP"),
    "small_type": Layout(rules="none", font_size=7.5, amount_width=50),
    "wide_cells": Layout(rules="none", font_size=10, name_width=200, amount_width=80, all_landscape=True),
    "flowing_top_unpadded": replace(SECOND_DRAWINGS["landscape_flowing"], rules="none", valign="TOP", padding=0.5),
    # figures wrapped in narrow cells (10,14 | 2.25), at the top of their cells
    "portrait_top": replace(SECOND_DRAWINGS["portrait_no_repeated_header"], rules="none", valign="TOP"),
}


def test_a_table_drawn_in_pieces_reads_as_one(tmp_path):
    """长春's WPS 文字 exports: the header one ruled grid, the body's labels another and its
    figures a third, a few points apart; read as one table, exactly."""
    result = process_document(render(REFERENCE, tmp_path / "pieces.pdf", Layout(split_grids=True)))
    assert_matches_golden(result, REFERENCE_GOLDEN)
    assert result.record.status is Status.OK


@pytest.mark.parametrize("name", UNRULED_DRAWINGS)
def test_every_drawing_reads_the_same_without_its_rules(tmp_path, name):
    """Wrapped names and headers, tables two to a page, continued over pages with and without
    their header, under a running header, a title left at the foot of a page."""
    result = process_document(render(REFERENCE, tmp_path / f"{name}.pdf", UNRULED_DRAWINGS[name]))
    assert_matches_golden(result, REFERENCE_GOLDEN)


def test_without_the_fix_the_tall_glyphs_would_shift_rows():
    """The sample is a real test: its glyph boxes lie a line below their glyphs."""
    import pdfplumber

    with pdfplumber.open(TALL_GLYPHS_PDF) as pdf:
        chars = [c for c in pdf.pages[3].chars if c["text"].strip()]
        a, b, c, d, e, baseline = chars[0]["matrix"]
        height = chars[0]["y1"] - chars[0]["y0"]
        assert baseline - chars[0]["y0"] > height  # the whole box is under the baseline


def _char(text: str, x0: float, baseline: float, size: float = 10.0, box_bottom: float | None = None) -> dict:
    y0 = baseline - 0.12 * size if box_bottom is None else box_bottom
    page_height = 800.0
    return {
        "text": text, "x0": x0, "x1": x0 + size, "y0": y0, "y1": y0 + size, "size": size, "upright": True,
        "matrix": (1, 0, 0, 1, x0, baseline), "top": page_height - y0 - size, "bottom": page_height - y0,
        "doctop": page_height - y0 - size,
    }


def test_a_glyph_box_hanging_below_its_baseline_is_seated_on_it():
    sound, hanging = _char("1", 0, 500), _char("2", 20, 500, box_bottom=486.0)  # box 486–496, baseline 500
    seat_glyphs([sound, hanging])
    assert sound["y0"] == pytest.approx(498.8)  # untouched
    assert hanging["y0"] == pytest.approx(498.8) and hanging["top"] == pytest.approx(sound["top"])


def _word(text: str, x0: float, top: float, size: float = 9.0) -> Word:
    width = size if any(ord(ch) > 0x2000 for ch in text) else size / 2
    chars = tuple(
        {"text": ch, "x0": x0 + n * width, "x1": x0 + (n + 1) * width, "top": top, "bottom": top + size, "size": size, "_order": n}
        for n, ch in enumerate(text)
    )
    return Word(text, x0, x0 + width * len(text), top, top + size, size, chars)


def _line(*words: Word) -> Line:
    return Line(tuple(words), min(w.top for w in words), max(w.bottom for w in words))


def test_a_wrapped_name_joins_its_row_and_a_row_without_figures_stays_a_row():
    rows = [
        _line(_word("行政运行", 10, 100), _word("261.28", 200, 100)),
        _line(_word("机关事业单位基本养老保险缴", 10, 116)),  # a name centred above its figures
        _line(_word("28.53", 200, 121)),
        _line(_word("费支出", 10, 127)),
        _line(_word("公务接待费", 10, 143)),  # no figures (a blank row), a row's gap away
        _line(_word("总计", 10, 159), _word("289.81", 200, 159)),
    ]
    bands = lines_to_bands(rows)
    assert [len(band) for band in bands] == [1, 3, 1, 1]


def test_a_group_label_spans_the_columns_whose_labels_stand_level_under_it():
    xs = [0.0, 60.0, 120.0, 180.0, 240.0]
    header = [
        _word("项目", 12, 20),  # centred on the whole header's height
        _word("财政拨款", 132, 0),  # the group, centred over columns 1–3, a padded row above its labels
        _word("合计", 81, 20), _word("一般", 141, 15), _word("公共", 141, 26), _word("基金", 201, 20),
    ]
    labels = join_wrapped_labels(header, xs)
    assert sorted(w.text for w in labels) == sorted(["项目", "财政拨款", "合计", "一般\n公共", "基金"])
    spans = {block.word.text: (block.first, block.last) for block in header_to_blocks(labels, xs)}
    assert spans["财政拨款"] == (1, 3) and spans["项目"] == (0, 0) and spans["一般\n公共"] == (2, 2)


def test_a_table_with_no_rules_becomes_a_grid_with_its_header_spans():
    header = [_line(_word("项目", 10, 10), _word("预算数", 110, 10), _word("上年数", 190, 10))]
    body = [
        _line(_word("一、本年收入", 10, 30), _word("1,234.56", 120, 30), _word("1,000.00", 200, 30)),
        _line(_word("合计", 10, 46), _word("1,234.56", 120, 46)),
    ]
    grid = lines_to_grid(1, header, body, SETTINGS)
    assert isinstance(grid, Grid) and not grid.ruled
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    texts = [[cell.text for cell in grid.cells if cell.row == r] for r in range(grid.n_rows)]
    assert texts == [["项目", "预算数", "上年数"], ["一、本年收入", "1,234.56", "1,000.00"], ["合计", "1,234.56", ""]]


def test_a_table_down_the_page_becomes_the_row_a_horizontal_one_prints():
    columns = (ColumnRole("label", "project", None, ("项目名称",)), ColumnRole("label", "name", None, ()), ColumnRole("amount", "total", None, ("金额",)))
    rows = [
        ("收入总计", "", "13,649.07"),
        ("一般公共预算资金", "小计", "13,649.07"),
        ("一般公共预算资金", "公共财政拨款(补助)资金", "13,649.07"),
        ("一般公共预算资金", "专项收入", ""),
        ("其他资金", "事业收入", "20.00"),
        ("其他资金", "上缴收入", "3.00"),
    ]
    raw = RawTable("t02", "收入预算总表", "万元", (9,), columns, tuple(RawRow(9, row) for row in rows))
    assert is_vertical(raw, spec_for("t02"))
    table = vertical_to_table(raw, spec_for("t02"))
    assert table.rows[0].cells == ("收入总计", "13,649.07", "13,649.07", "13,649.07", "20.00", "3.00")
    assert [role.key for role in table.columns] == [
        "name", "total", "general_budget", "general_budget_grant", "business_income", "other:其他资金/上缴收入"
    ]


def test_a_horizontal_table_is_not_taken_for_one_down_the_page():
    columns = (ColumnRole("label", "code", None, ("科目编码",)), ColumnRole("label", "name", None, ("科目名称",)), ColumnRole("amount", "total", None, ("合计",)))
    rows = [("201", "一般公共服务支出", "100.00"), ("20101", "人大事务", "100.00")]
    raw = RawTable("t02", "收入总表", "万元", (3,), columns, tuple(RawRow(3, row) for row in rows))
    assert not is_vertical(raw, spec_for("t02"))


def _empty_table_pdf(path, rules: str):
    """A title, a header, the 栏次 row that numbers its columns, an empty 合计 row and a note."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("s", fontName="STSong-Light", fontSize=10, leading=13)
    rows = [["项目", "合计", "基本支出", "项目支出"], ["栏次", "1", "2", "3"], ["合计", "", "", ""]]
    table = Table([[Paragraph(text, style) for text in row] for row in rows], colWidths=[150, 80, 80, 80])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if rules == "grid" else []))
    story = [
        Paragraph("2026年政府性基金预算支出情况表", ParagraphStyle("t", parent=style, fontSize=16, leading=20)),
        Paragraph("单位：万元", style),
        table,
        Paragraph("注：本部门2026年没有使用政府性基金预算拨款安排的支出，本表为空表。", style),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


@pytest.mark.parametrize("rules", ["grid", "none"])
def test_an_empty_table_is_found_and_its_column_numbers_are_no_figures(tmp_path, rules):
    result = process_document(_empty_table_pdf(tmp_path / f"empty_{rules}.pdf", rules))
    assert "t08" in result.record.tables_found
    assert result.lines == [] or all(line.table_id != "t08" for line in result.lines)
    assert not [c for c in result.checks if c.check == "amount_unreadable"]


def test_the_word_sample_is_another_engine_and_font():
    """samples/reference_2026_word.pdf comes from LibreOffice (a TrueType CJK font, its own line
    heights and cell margins), not from reportlab: a layout engine the reader was not built on."""
    import pdfplumber

    with pdfplumber.open(WORD_PDF) as pdf:
        assert "LibreOffice" in (pdf.metadata.get("Producer") or "")
        assert not pdf.pages[4].edges  # no borders at all


WORD_DRAWINGS = {
    "centred": {"valign": "center"},
    "large_type": {"valign": "center", "layout": Layout(font_size=11, code_width=40.0, amount_width=70.0)},
    "small_type": {"layout": Layout(font_size=7.5, code_width=30.0, amount_width=56.0)},
    "bordered": {"borders": True},
    # a table nobody resized: every column as wide as the next, names wrapped every few
    # characters, a row's names cut by the page break in two columns
    "equal_columns": {"widths_set": False},
}


@pytest.mark.parametrize("name", WORD_DRAWINGS)
def test_word_drawings_read_the_same(tmp_path, name):
    """The Word sample again, its text centred in tall cells, in other type sizes, with borders
    (LibreOffice is needed to render them: skipped where it is not installed)."""
    from samples import office

    if office.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    result = process_document(office.render(REFERENCE, tmp_path / f"{name}.pdf", **WORD_DRAWINGS[name]))
    assert_matches_golden(result, REFERENCE_GOLDEN)
