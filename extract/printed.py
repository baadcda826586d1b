"""Layer one: a PDF → every table it prints, as printed, with no registry.

The chain, page by page: grids (ruled cells) → the title-like line above
each grid → caption, header and body rows by their shape; a grid with no
title at the top of the next page, under the same columns, continues the
table before it.  Every grid becomes part of a :class:`PrintedTable`, and
what became of it is recorded as a :class:`GridFate`; what a table *is*
is decided afterwards (extract/mapping.py).
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pdfplumber

from budgetpdf.extract.extensions import load_extension
from budgetpdf.extract.grid import Grid, join_neighbouring_grids, page_to_grids, split_rows
from budgetpdf.extract.text_grid import CODE, FIGURE, Line, chars_to_words, lines_to_grid, words_to_lines
from budgetpdf.extract.header import (
    CODE_PART_LABELS,
    body_cells,
    count_caption_rows,
    count_header_rows,
    header_paths,
    header_texts,
    opens_with_header,
    spanned_text,
)
from budgetpdf.extract.page_text import TextLine, find_department, find_unit, lines_outside, page_text_lines
from budgetpdf.extract.ocr import OcrUnavailable, is_scanned, read_scanned_page
from budgetpdf.extract.objects import objects_read_fast
from budgetpdf.extract.pages import dedupe_view, load_objects, seat_glyphs
from budgetpdf.extract.prose import ProsePage, chars_to_lines
from budgetpdf.extract.settings import ExtractSettings, PageSource
from budgetpdf.normalize import is_total_label, looks_like_amount, parse_amount, split_outline
from budgetpdf.schemas import header_text, match_title

COVER_PAGES = 2


@dataclass(frozen=True)
class PrintedRow:
    """One body row: each column's own text, the text a label merged across it shows, and its indent."""

    page: int
    cells: tuple[str, ...]
    spanned: tuple[str, ...]
    indents: tuple[float | None, ...]


@dataclass
class PrintedTable:
    """One table as printed, possibly over several pages: strings only."""

    number: int  # 1-based, in the order the document prints its tables
    title: str | None  # the title line as printed; None when no title-like line stands above it
    unit: str | None  # the 单位 its captions print
    department: str | None
    paths: list[tuple[str, ...]]  # per column, the header labels above it, top to bottom
    header: list[tuple[str, ...]]  # the header rows, normalised: a continuation page may repeat them
    xs: tuple[float, ...]
    rows: list[PrintedRow] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    unruled: bool = False  # read from where its words stand, not from rules
    read_by_ocr: bool = False  # its first page is an image: OCR read its header

    @property
    def has_figures(self) -> bool:
        return any(looks_like_amount(text) for row in self.rows for text in row.cells)


@dataclass(frozen=True)
class GridFate:
    """What became of one grid: ``opened`` a table, ``continued`` one, or ``skipped`` (no cells)."""

    page: int
    bbox: tuple[float, float, float, float]
    fate: str
    table_number: int | None
    reason: str


@dataclass(frozen=True)
class PrintedDocument:
    pages: int
    text_chars: int
    images: int
    cover_texts: tuple[str, ...]
    tables: tuple[PrintedTable, ...]
    fates: tuple[GridFate, ...]
    # per page that holds a table, the figures its text layer prints (see figures_in_lines)
    figures: dict[int, Counter]
    # units printed on pages without a grid: a note that holds for the whole document
    loose_units: tuple[str, ...] = ()
    prose: tuple[ProsePage, ...] = ()  # per page, the lines outside every grid: the running text
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR: they had no text layer
    ocr_error: str | None = None  # why scanned pages were not read, where they were not


_TABLE_NUMBER = re.compile(r"^(表[\d一二三四五六七八九十]+|附表\d*|附件\d*|预算\d+表|公开\d+表|.{0,4}\d+表|[（(]?续表?[）)]?)$")
_TITLE_END = re.compile(r"表(（续）|（续表）|续表?|（[^（）]{1,16}）)?$")
_SENTENCE = re.compile(r"[，。；,;！？]")
_CONTINUED = re.compile(r"[（(]?续表?[）)]?$")
_CAPTION_WORDS = re.compile(r"^(表\d+|附表\d*|预算\d+表|公开\d+表|.{0,4}\d+表|单位[:：].*|金额单位.*|\d{4}年\d{1,2}月\d{1,2}日|[（(]?续表?[）)]?)$")


def looks_like_title(text: str, in_grid: bool = False) -> bool:
    """A table's title by its look: short, no sentence, ending in 表 (or 表（续）).

    A bare table number (表1, 公开03表) names no table.  A caption cell at the
    top of a grid is a title by its place, so there a title the registry
    knows may lack its 表 (``公开09表 / “三公”经费``).
    """
    compact = header_text(text)
    if not compact or len(compact) > 60 or _SENTENCE.search(compact) or _TABLE_NUMBER.match(compact):
        return False
    if not re.search(r"[\u4e00-\u9fff].*表|[\u4e00-\u9fff]{2}", compact):
        return False
    return bool(_TITLE_END.search(compact)) or (in_grid and match_title(text, in_grid=True) is not None)


def same_title(a: str | None, b: str | None) -> bool:
    """Two printings of one title, a 续 aside."""
    return a is not None and b is not None and _CONTINUED.sub("", header_text(a)) == _CONTINUED.sub("", header_text(b))


def figures_in_lines(texts: list[str]) -> Counter:
    """The figures a page prints, as exact values: words written with a decimal
    point or thousands separators.  Bare integers are left out, for a page
    prints codes (2010301), years and column numbers the same way."""
    found: Counter = Counter()
    for text in texts:
        for word in text.split():
            if FIGURE.match(word):
                value = parse_amount(word.replace("（", "(").replace("）", ")"))
                if value is not None:
                    found[value] += 1
    return found


def _is_caption(texts: list[str]) -> bool:
    """A caption row of a grid: every cell a title, unit, department, table number or
    date line; or, read across, a ``部门： <name>  单位：万元`` line."""
    if all(_is_caption_line(line) for text in texts for line in text.split("\n") if line.strip()):
        return True
    across = [TextLine(" ".join(texts), 0, 0, 0, 0)]
    return bool(find_department(across) or find_unit(across)) and not any(looks_like_amount(t) for t in texts)


def _is_caption_line(text: str) -> bool:
    line = [TextLine(text, 0, 0, 0, 0)]
    compact = re.sub(r"\s+", "", text)
    return bool(looks_like_title(text, in_grid=True) or find_unit(line) or find_department(line) or _CAPTION_WORDS.match(compact))


def _titles(lines: list[TextLine]) -> list[tuple[TextLine, str]]:
    """The title-like lines, each read whole where it wraps onto a second line."""
    found = []
    for i, line in enumerate(lines):
        whole = _unwrapped(lines[i - 1], line) if i else line.text
        if looks_like_title(whole):
            found.append((line, whole))
        elif looks_like_title(line.text):
            found.append((line, line.text))
    return found


def _unwrapped(first: TextLine, second: TextLine) -> str:
    """Two lines that are one title wrapped, joined: the first just above the second,
    centred on it in the same size, and no sentence, caption or title of its own
    (西安: 2022年部门综合预算政府采购（资产配置、购买服务） / 预算表（不含上年结转）;
    江苏: “三公”经费、会议费、培训费支出预算 / 表)."""
    height = second.bottom - second.top
    adjacent = 0 <= second.top - first.bottom <= height / 2 and abs((first.bottom - first.top) - height) <= 2
    centred = abs((first.x0 + first.x1) / 2 - (second.x0 + second.x1) / 2) <= 2 * height
    caption = [TextLine(first.text, 0, 0, 0, 0)]
    plain = not (
        _SENTENCE.search(first.text)
        or looks_like_title(first.text)
        or find_unit(caption)
        or find_department(caption)
        or _CAPTION_WORDS.match(header_text(first.text))
    )
    return first.text + second.text if adjacent and centred and plain else second.text


def _title_rows(grid: Grid) -> list[int]:
    """Rows below the top of a grid that hold nothing but a table's title (several tables ruled as one grid)."""
    matrix = grid.covering()
    rows = []
    for r in range(1, grid.n_rows):
        texts = [cell.text for c, cell in enumerate(matrix[r]) if cell is not None and cell.row == r and cell.col == c and cell.text.strip()]
        if len(texts) == 1 and looks_like_title(texts[0], in_grid=True):
            rows.append(r)
    return rows


def _captions_in_grid(grid: Grid) -> tuple[int, list[TextLine]]:
    n = count_caption_rows(grid, _is_caption)
    matrix = grid.covering()
    lines = [
        TextLine(text, grid.bbox[1], grid.bbox[1], 0, 0)
        for r in range(n)
        for c, cell in enumerate(matrix[r])
        if cell is not None and cell.row == r and cell.col == c
        for text in cell.text.split("\n")
        if text.strip()
    ]
    return n, lines


_HEADER_UNIT = re.compile(r"[（(](万元|元)[)）]$")


def _unit_in_header(paths: list[tuple[str, ...]]) -> str | None:
    """The unit a header label carries (``预算数（万元）``), where every such label agrees."""
    units = {match[1] for path in paths for label in path if (match := _HEADER_UNIT.search(label))}
    return units.pop() if len(units) == 1 else None


def _add_rows(table: PrintedTable, grid: Grid, start: int, column_map: list[int] | None = None) -> None:
    for cells in body_cells(grid, start, column_map, len(table.paths), _last_columns(table, grid, column_map)):
        table.rows.append(
            PrintedRow(
                grid.page,
                tuple(cell.text if cell else "" for cell in cells),
                tuple(spanned_text(cell) for cell in cells),
                tuple(cell.indent if cell else None for cell in cells),
            )
        )
    if grid.page not in table.pages:
        table.pages.append(grid.page)


def _last_columns(table: PrintedTable, grid: Grid, column_map: list[int] | None) -> list[int] | None:
    """Per column of a continuation grid, the last of the table's columns it spans: its right
    rule stands on that column's (the page shifted as a whole, as ``_column_map`` allows)."""
    if column_map is None or not grid.xs or not table.xs:
        return None
    shift = grid.xs[0] - table.xs[0] if abs(grid.xs[0] - table.xs[0]) <= _PAGE_SHIFT else 0.0
    last = []
    for c, j in enumerate(column_map):
        right = grid.xs[c + 1] - shift
        ends = [k for k in range(j, len(table.xs) - 1) if abs(table.xs[k + 1] - right) <= 3.0]
        nxt = column_map[c + 1] if c + 1 < len(column_map) else len(table.xs) - 1
        last.append(ends[0] if ends and ends[0] < nxt else j)
    return last


def _open(number: int, title: str | None, grid: Grid, caption_rows: int, captions: list[TextLine]) -> PrintedTable:
    n_header = count_header_rows(grid, caption_rows)
    paths = header_paths(grid, caption_rows, n_header)
    table = PrintedTable(
        number,
        title,
        find_unit(captions) or _unit_in_header(paths),
        find_department(captions),
        paths,
        header_texts(grid, caption_rows, n_header),
        grid.xs,
        unruled=not grid.ruled,
    )
    _add_rows(table, grid, caption_rows + n_header)
    _lift_code_part_labels(table)
    return table



def _lift_code_part_labels(table: PrintedTable) -> None:
    """普陀 决算 prints 类 | 款 | 项 in the first row of figures (类 款 项 合计 2,946.25 …):
    those cells are header labels of their columns, not a row's names."""
    if not table.rows:
        return
    first = table.rows[0]
    lifted = [c for c, text in enumerate(first.cells) if header_text(text) in CODE_PART_LABELS]
    if len(lifted) < 2:
        return
    for c in lifted:
        table.paths[c] = (*table.paths[c], header_text(first.cells[c]))
    cleared = tuple("" if c in lifted else text for c, text in enumerate(first.cells))
    table.rows[0] = replace(first, cells=cleared, spanned=tuple("" if c in lifted else text for c, text in enumerate(first.spanned)))


def _continues(table: PrintedTable | None, grid: Grid, above: list[TextLine], first_on_page: bool, settings: ExtractSettings) -> bool:
    """The grid at the top of the next page carries on the table: same columns, nothing
    but a short line above it, and no header of its own unless it repeats the table's."""
    return (
        table is not None
        and first_on_page
        and grid.page == table.pages[-1] + 1
        and (_column_map(table, grid) is not None or _repeats_header(table, grid))
        and all(len(line.text) <= settings.continuation_text_chars or find_unit([line]) for line in above)
        and not _other_header(table, grid)
    )


_PAGE_SHIFT = 12.0  # points a continuation page may draw the whole table left or right of the first


def _column_map(table: PrintedTable, grid: Grid) -> list[int] | None:
    """Where the grid's columns fall among the table's, the page shifted as a whole if need be
    (西安 2020 draws each page of a table 3 or 4 points right of the one before)."""
    exact = grid.column_map(table.xs)
    shift = grid.xs[0] - table.xs[0] if grid.xs and table.xs else 0.0
    if exact is not None or not 0 < abs(shift) <= _PAGE_SHIFT:
        return exact
    return replace(grid, xs=tuple(x - shift for x in grid.xs)).column_map(table.xs)


def _repeats_header(table: PrintedTable, grid: Grid) -> bool:
    """The grid prints the table's header again, column for column, though its rules
    have moved a few points (广州 draws each page's columns a little wider or narrower).
    Read without rules, the same labels over as many columns will do: where a label sits
    between two header lines depends on the rows under it."""
    start = count_caption_rows(grid, _is_caption)
    if grid.n_cols != len(table.paths):
        return False
    repeated = header_texts(grid, start, len(table.header))
    if table.unruled and not grid.ruled:
        return sorted(text for row in repeated for text in row if text) == sorted(text for row in table.header for text in row if text)
    return repeated == table.header


def _other_header(table: PrintedTable, grid: Grid) -> bool:
    """江苏: another table (机关运行经费) starts on the next page under the same
    columns, its title left at the foot of the page before."""
    start = count_caption_rows(grid, _is_caption)
    return opens_with_header(grid, start) and header_texts(grid, start, len(table.header)) != table.header and not _repeats_header(table, grid)


def _continue(table: PrintedTable, grid: Grid, start: int) -> None:
    """Append a continuation grid, skipping its header when it repeats the table's."""
    n = len(table.header)
    repeated = header_texts(grid, start, n) == table.header or _repeats_header(table, grid)
    column_map = _column_map(table, grid) or list(range(grid.n_cols))  # a repeated header places the columns one for one
    before = len(table.rows)
    _add_rows(table, grid, start + n if repeated else start, column_map)
    _join_cells_cut_by_the_page_break(table, before)


def _completes_a_cut_code(above: PrintedRow, top: PrintedRow, filled: list[int]) -> bool:
    """The row above prints a code cut short (20), and the page's first row its end (8): one
    code wrapped in a narrow cell, its row cut by the page break.  No figure on the page's
    first row then, only the rest of the words."""
    cut = [
        c for c in filled
        if above.cells[c].strip().isdigit() and top.cells[c].strip().isdigit()
        and len(above.cells[c].strip()) < 3 and len(above.cells[c].strip() + top.cells[c].strip()) in (3, 5, 7)
    ]
    return bool(cut) and not any(looks_like_amount(top.cells[c]) for c in filled if c not in cut)


def _names_carried_on(table: PrintedTable, first: int) -> bool:
    """The page's first row (of a table without rules) writes only in the label columns the
    last row of the page before wrote in, and the row after it opens with a code or a
    total, or prints figures: the names of the row cut by the page break, carried on."""
    above, top = table.rows[first - 1], table.rows[first]
    filled = [c for c, text in enumerate(top.cells) if text.strip()]
    if len(filled) < 2 or any(looks_like_amount(top.cells[c]) for c in filled):
        return False
    after = table.rows[first + 1] if first + 1 < len(table.rows) else None
    return after is None or any(looks_like_amount(text) or CODE.match(text.strip()) for text in after.cells)


def _join_cells_cut_by_the_page_break(table: PrintedTable, first: int) -> None:
    """A row the page break cut in two: its label goes on at the top of the next page with
    nothing else (江苏: 八、社会保障和就 | 1,608.51, then 业支出 over blank cells).  The
    words go back to the row they belong to; a row of its own would start with an ordinal,
    print a code or a figure, or put a label where the row above has none."""
    if first == 0 or first >= len(table.rows):
        return
    above, top = table.rows[first - 1], table.rows[first]
    filled = [c for c, text in enumerate(top.cells) if text.strip()]
    if not filled or any(not above.cells[c].strip() for c in filled):
        return
    if not _completes_a_cut_code(above, top, filled):
        # a ruled cell cut by the page break shows a few characters more; a table without rules
        # shows the rest of its names' lines, in every column the row above wrote in
        short = len(filled) == 1 and len(header_text(top.cells[filled[0]])) <= _CUT_WORDS
        if not (short or (table.unruled and _names_carried_on(table, first))):
            return  # a label of its own (普陀: 使用非财政拨款结余 | 结余分配 at the top of a page, no figures)
        if any(looks_like_amount(top.cells[c]) or CODE.match(top.cells[c].strip()) for c in filled):
            return
        if any(split_outline(top.cells[c])[0] for c in filled):
            return
        if not any(looks_like_amount(text) for text in above.cells):
            return

    def joined(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f"{a}\n{b}" if c in filled else a for c, (a, b) in enumerate(zip(mine, theirs)))

    table.rows[first - 1] = replace(above, cells=joined(above.cells, top.cells), spanned=joined(above.spanned, top.spanned))
    del table.rows[first]


def _title_at_foot(lines: list[TextLine], settings: ExtractSettings) -> list[TextLine]:
    """A title printed at the bottom of a page whose grid starts on the next one, with the short lines after it."""
    for line, whole in _titles(lines):
        i = lines.index(line)
        if all(len(after.text) <= settings.continuation_text_chars or find_unit([after]) for after in lines[i + 1 :]):
            return lines[i - 1 :] if whole != line.text else lines[i:]
    return []


_CUT_WORDS = 4  # characters of a label the page break carries over: the end of a word (业支出, 小计)
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?[-—–－\s]*$")
_NOTE = re.compile(r"^(注|备注|说明)\s*[:：1-9（(]")


def text_grids(
    page,
    number: int,
    ruled: list[Grid],
    lines: list[TextLine],
    continuing: bool,
    furniture: set[str],
    settings: ExtractSettings,
    table_xs: tuple[float, ...] | None = None,
) -> list[Grid]:
    """Tables printed without rules: under a title no ruled grid follows, or at the top of a
    page (without its fake bold: dedupe_view) that carries on such a table.  Their grids come from where the words stand
    (extract/text_grid.py); ``furniture``, the lines every page repeats, is no part of them.
    A table carried on from the page before keeps that page's columns (``table_xs``): a few
    rows alone cannot show where they are."""
    regions = []
    titles = [line for line, _ in _titles(lines)]
    firsts = sorted([line.top for line in titles] + [g.bbox[1] for g in ruled])
    if continuing and not ruled:
        regions.append((0.0, titles[0].top if titles else page.height))
    for title in titles:
        following = [top for top in firsts if top > title.bottom]
        end = following[0] if following else page.height
        if any(abs(g.bbox[1] - end) < 1 for g in ruled):
            continue  # a ruled grid stands under this title
        regions.append((title.bottom, end))
    grids = []
    if not regions:
        return grids
    chars = [c for c in chars_outside(page.chars, ruled) if c["text"].strip()]
    page_lines = words_to_lines(chars_to_words(chars, settings))
    for top, bottom in regions:
        region = [
            line for line in page_lines
            if top <= line.top and line.bottom <= bottom + 1 and not _is_page_number(line, page.height) and header_text(line.text) not in furniture
        ]
        grid = _region_to_grid(number, region, settings, table_xs if continuing and top == 0.0 else None)
        if grid is not None:
            grids.append(grid)
    return grids


def _is_page_number(line: Line, page_height: float) -> bool:
    """``- 5 -``, ``第5页``, or a bare number in the top or bottom margin (a code in a row is no page number)."""
    text = line.text
    if not _PAGE_NUMBER.match(text):
        return False
    return not text.strip().isdigit() or line.top > 0.9 * page_height or line.bottom < 0.06 * page_height


_PROSE_LENGTH = 8  # characters of a sentence line outside every grid: prose, not a caption


def _is_prose(text: str) -> bool:
    """A line of the running text: a sentence (or a note) long enough not to be a caption."""
    compact = header_text(text)
    return len(compact) >= _PROSE_LENGTH and bool(_SENTENCE.search(compact) or _NOTE.match(compact))


_grid_cells = load_extension("_grid_cells")  # chars_outside's C twin; None: the Python runs


def chars_outside(chars: list[dict], grids: list[Grid]) -> list[dict]:
    """The characters whose centre lies in none of the grids."""
    if not grids:
        return list(chars)
    boxes = [grid.bbox for grid in grids]
    if _grid_cells is not None and type(chars) is list:
        kept = _grid_cells.chars_outside(chars, boxes)
        if kept is not NotImplemented:
            return kept
    kept = []
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for x0, top, x1, bottom in boxes:
            if x0 <= x <= x1 and top <= y <= bottom:
                break
        else:
            kept.append(char)
    return kept


def _region_to_grid(number: int, region: list[Line], settings: ExtractSettings, xs: tuple[float, ...] | None = None) -> Grid | None:
    """The lines under a title → its header and body lines → a grid; None when they hold no table.

    The header is what stands between the last caption (单位：万元, 编制部门, a running
    header) and the first row of figures or codes; the body runs to a note, prose, or
    the next table's number or title."""
    lines = region
    start = next((i for i, line in enumerate(lines) if line.opens_body), None)
    if start is None:
        return _empty_table(number, lines, settings)
    first = start
    while first > 0 and not _ends_table(lines[first - 1]):
        first -= 1
    end = start
    while end < len(lines) and not _ends_table(lines[end]):
        end += 1
    header, body = lines[first:start], lines[start:end]
    if not any(line.has_figures for line in body):
        return None
    return lines_to_grid(number, header, body, settings, xs)


def _empty_table(number: int, lines: list[Line], settings: ExtractSettings) -> Grid | None:
    """A table printed empty: its header and a 合计 row with no figures, then its note."""
    opening = next((i for i, line in enumerate(lines) if not _ends_table(line)), len(lines))
    end = next((i for i in range(opening, len(lines)) if _ends_table(lines[i])), len(lines))
    while end > opening and not any(is_total_label(word.text) for word in lines[end - 1].words):
        end -= 1
    if end - opening < 2:
        return None
    return lines_to_grid(number, lines[opening : end - 1], lines[end - 1 : end], settings)


def _ends_table(line: Line) -> bool:
    """A note under the table, prose, or the next table's number or captions: what a
    table's rows never are."""
    text = line.text
    if line.opens_body or any(word.is_numeric for word in line.words):
        return False  # figures (whole or cut by a narrow cell: 9,188.) and codes are a row's
    caption = [TextLine(text, 0, 0, 0, 0)]
    return bool(
        _NOTE.match(text)
        or _TABLE_NUMBER.match(header_text(text))
        or (_SENTENCE.search(text) and len(text) > 30)
        or find_unit(caption)
        or find_department(caption)
        or looks_like_title(text)
    )


def pdf_to_printed_tables(path: Path, settings: ExtractSettings = ExtractSettings()) -> PrintedDocument:
    """Every table one PDF prints, and the fate of each of its grids."""
    tables: list[PrintedTable] = []
    fates: list[GridFate] = []
    figures: dict[int, Counter] = {}
    cover_texts: list[str] = []
    loose_units: list[str] = []
    prose: list[ProsePage] = []
    text_chars = images = 0
    current: PrintedTable | None = None
    pending: list[TextLine] = []  # a title (and its captions) left at the foot of a page
    previous_texts: set[str] = set()  # a running header repeats them on every page

    ocr_pages: list[int] = []
    ocr_error: str | None = None
    with pdfplumber.open(path) as pdf, _objects_as_read(pdf, path, settings.page_source), _Rasteriser(path) as raster:
        n_pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            load_objects(page, settings.page_source)
            if settings.ocr.enabled and ocr_error is None and is_scanned(page):
                try:
                    read_scanned_page(page, raster.document, settings.ocr)
                    ocr_pages.append(number)
                except OcrUnavailable as error:
                    ocr_error = str(error)
            seat_glyphs(page.chars)
            text_chars += len(page.chars)
            images += len(page.images)
            # the grid reader drops fake-bold duplicates cell by cell (see cells_to_grid)
            view = dedupe_view(page, settings.duplicate_char_tolerance)
            all_lines = page_text_lines(view)
            pieces = page_to_grids(page, number, settings, fake_bold=len(view.chars) != len(page.chars))
            if len(pieces) > 1:  # a table drawn in pieces (长春): the text between them says whether they are one
                outside = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars_outside(page.chars, pieces) if c["text"].strip()]
                pieces = join_neighbouring_grids(pieces, outside, settings)
            grids = [band for grid in pieces for band in split_rows(grid, _title_rows(grid))]
            carried_on = current is not None and current.unruled and current.pages[-1] == number - 1
            furniture = {header_text(text) for text in previous_texts}
            unruled = text_grids(
                view, number, grids, lines_outside(all_lines, grids), bool(pending) or carried_on, furniture, settings,
                current.xs if carried_on and not pending else None,
            )
            grids = sorted(grids + unruled, key=lambda g: g.bbox[1])
            lines = lines_outside(all_lines, grids)
            prose.append(ProsePage(number, chars_to_lines(chars_outside(view.chars, grids))))
            if number <= COVER_PAGES:
                cover_texts += [line.text for line in lines]
            if grids or any(looks_like_title(line.text) for line in lines):
                # the prose that shares a page with a table states figures of its own (issue: facts/)
                figures[number] = figures_in_lines([line.text for line in all_lines if not (line in lines and _is_prose(line.text))])
            boundary = 0.0
            carried, pending = pending, []
            for index, grid in enumerate(grids):
                above = [line for line in lines if line.top >= boundary and line.bottom <= grid.bbox[1] + 1]
                if index == 0 and carried:
                    above = carried + above  # the title and unit left at the foot of the page before
                caption_rows, inside = _captions_in_grid(grid)
                titles = [text for _, text in _titles(above)]
                titles += [line.text for line in inside if looks_like_title(line.text, in_grid=True)]
                boundary = grid.bbox[3]
                if grid.n_rows == 0 or grid.n_cols == 0:
                    fates.append(GridFate(number, grid.bbox, "skipped", None, "no cells"))
                    continue
                title = titles[-1] if titles else None
                if title and current is not None and same_title(current.title, title) and _continues(current, grid, [], index == 0, settings):
                    _continue(current, grid, caption_rows)
                    fates.append(GridFate(number, grid.bbox, "continued", current.number, "its title repeated above the same columns"))
                    continue
                if not title and _continues(current, grid, [line for line in above if line.text not in previous_texts], index == 0, settings):
                    _continue(current, grid, caption_rows)
                    fates.append(GridFate(number, grid.bbox, "continued", current.number, "no title; the same columns at the top of the next page"))
                    continue
                current = _open(len(tables) + 1, title, grid, caption_rows, above + inside)
                current.read_by_ocr = number in ocr_pages
                tables.append(current)
                reason = "under its title" if title else "no title above it, and it continues no table"
                reason += "" if grid.ruled else "; no rules: read from where its words stand"
                fates.append(GridFate(number, grid.bbox, "opened", current.number, reason))
            pending = _title_at_foot([line for line in lines if line.top >= boundary], settings)
            if not grids:
                loose_units += [unit for line in lines if (unit := find_unit([line]))]
            previous_texts = {line.text for line in lines}
            page.close()

    return PrintedDocument(
        n_pages, text_chars, images, tuple(cover_texts), tuple(tables), tuple(fates), figures, tuple(loose_units), tuple(prose), tuple(ocr_pages), ocr_error
    )


def _objects_as_read(pdf: pdfplumber.PDF, path: Path, source: PageSource) -> AbstractContextManager:
    """The fast path reads plainly written objects itself (objects.py); the careful path is pdfminer's throughout."""
    return objects_read_fast(pdf.doc, path) if source is PageSource.FAST else nullcontext()


class _Rasteriser:
    """The document opened in pdfium on first use: only scanned pages are rendered."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._document = None

    @property
    def document(self):
        if self._document is None:
            import pypdfium2

            self._document = pypdfium2.PdfDocument(str(self.path))
        return self._document

    def __enter__(self) -> _Rasteriser:
        return self

    def __exit__(self, *exc) -> None:
        if self._document is not None:
            self._document.close()
