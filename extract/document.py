"""A PDF → its canonical tables as RawTables, with the document's facts.

The chain, page by page: grids (ruled cells) → the title above each grid →
header rows → column roles through the registry → body rows; a grid with
no title at the top of the next page continues the table before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from extract.grid import Grid, page_to_grids, split_rows
from extract.header import (
    body_cells,
    body_rows,
    count_caption_rows,
    count_header_rows,
    header_paths,
    header_texts,
    opens_with_header,
    paths_to_roles,
    spanned_text,
)
from extract.pages import dedupe_view, load_objects
from extract.page_text import (
    TextLine,
    find_cover_department,
    find_department,
    find_doc_kind,
    find_unit,
    find_year,
    most_common,
    page_text_lines,
)
from extract.settings import ExtractSettings
from normalize import looks_like_amount
from extract.sideways import is_sideways, sideways_to_table
from schemas import TABLES_BY_ID, ColumnRole, RawRow, RawTable, RowKey, match_title

COVER_PAGES = 2


@dataclass(frozen=True)
class ExtractedDocument:
    pages: int
    text_chars: int
    images: int
    department: str | None
    year: int | None
    doc_kind: str | None
    unit: str | None
    tables: tuple[RawTable, ...]
    # Tables on which the document's own structure defeated extraction.
    problems: tuple[str, ...] = ()


@dataclass
class _OpenTable:
    """A table being read, possibly over several pages."""

    table_id: str
    title: str
    unit: str | None
    department: str | None
    columns: list[ColumnRole]
    header: list[tuple[str, ...]]
    xs: tuple[float, ...] = ()
    rows: list[RawRow] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def add(self, grid: Grid, start: int, column_map: list[int] | None = None) -> None:
        for cells in body_cells(grid, start, column_map, len(self.columns)):
            # a label merged across two blocks (当年支出小计 over both expenditure halves) names both
            texts = tuple(
                spanned_text(cell) if role.kind == "label" else (cell.text if cell else "") for cell, role in zip(cells, self.columns)
            )
            self.rows.append(RawRow(grid.page, texts, tuple(cell.indent if cell else None for cell in cells)))
        if grid.page not in self.pages:
            self.pages.append(grid.page)

    def close(self) -> RawTable:
        raw = RawTable(self.table_id, self.title, self.unit, tuple(self.pages), tuple(self.columns), tuple(self.rows))
        if TABLES_BY_ID[self.table_id].row_key is RowKey.ITEM and is_sideways(self.columns):
            return sideways_to_table(raw)
        return raw


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
    return bool(match_title(text, in_grid=True) or find_unit(line) or find_department(line) or _CAPTION_WORDS.match(compact))


_CAPTION_WORDS = re.compile(r"^(表\d+|附表\d*|预算\d+表|公开\d+表|.{0,4}\d+表|单位[:：].*|金额单位.*|\d{4}年\d{1,2}月\d{1,2}日|[（(]?续表?[）)]?)$")


@dataclass(frozen=True)
class _Placed:
    """A grid located in the document: what precedes its header, and where the header is."""

    grid: Grid
    captions: list[TextLine]
    caption_rows: int


def _title_rows(grid: Grid) -> list[int]:
    """Rows below the top of a grid that hold nothing but a table's title."""
    matrix = grid.covering()
    rows = []
    for r in range(1, grid.n_rows):
        texts = [cell.text for c, cell in enumerate(matrix[r]) if cell is not None and cell.row == r and cell.col == c and cell.text.strip()]
        if len(texts) == 1 and match_title(texts[0], in_grid=True):
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


def _open_table(table_id: str, title: str, placed: _Placed) -> _OpenTable | None:
    spec = TABLES_BY_ID[table_id]
    grid, start = placed.grid, placed.caption_rows
    n_header = count_header_rows(grid, start)
    body = body_rows(grid, start + n_header)
    columns = paths_to_roles(header_paths(grid, start, n_header), spec, body)
    sideways = spec.row_key is RowKey.ITEM and is_sideways(columns)
    has_figures = any(looks_like_amount(cell) for row in body for cell in row)
    if not sideways and has_figures and not any(role.kind == "amount" for role in columns):
        return None  # figures under a header the registry cannot read: not this table, or not yet

    table = _OpenTable(
        table_id, title, find_unit(placed.captions), find_department(placed.captions), columns, header_texts(grid, start, n_header), grid.xs
    )
    table.add(grid, start + n_header)
    return table


def _continues(table: _OpenTable | None, grid: Grid, above: list[TextLine], first_on_page: bool, settings: ExtractSettings) -> bool:
    """The grid at the top of the next page carries on the table: same columns, nothing
    but a short line above it, and no header of its own unless it repeats the table's."""
    return (
        table is not None
        and first_on_page
        and grid.page == table.pages[-1] + 1
        and grid.column_map(table.xs) is not None
        and all(len(line.text) <= settings.continuation_text_chars or find_unit([line]) for line in above)
        and not _other_header(table, grid)
    )


def _other_header(table: _OpenTable, grid: Grid) -> bool:
    """江苏: a table none of the twelve (机关运行经费) starts on the next page under
    the same columns, its title left at the foot of the page before."""
    start = count_caption_rows(grid, _is_caption)
    return opens_with_header(grid, start) and header_texts(grid, start, len(table.header)) != table.header


def _continue(table: _OpenTable, grid: Grid, start: int) -> None:
    """Append a continuation grid, skipping its header when it repeats the table's."""
    n = len(table.header)
    repeated = header_texts(grid, start, n) == table.header
    table.add(grid, start + n if repeated else start, grid.column_map(table.xs))


def _prefer(candidate: _OpenTable, kept: _OpenTable) -> bool:
    """Of two printings of one table id, the one whose title names it as the registry does."""
    words = TABLES_BY_ID[candidate.table_id].preferred_words
    return sum(w in candidate.title for w in words) > sum(w in kept.title for w in words)


def _title_at_foot(lines: list[TextLine], settings: ExtractSettings) -> tuple[TextLine, str] | None:
    """A title printed at the bottom of a page whose grid starts on the next one."""
    for i, line in enumerate(lines):
        match = match_title(line.text)
        if match and all(len(after.text) <= settings.continuation_text_chars or find_unit([after]) for after in lines[i + 1 :]):
            return line, match.table_id
    return None


def extract_document(path: Path, settings: ExtractSettings = ExtractSettings()) -> ExtractedDocument:
    """Read every canonical table of one disclosure PDF."""
    found: list[_OpenTable] = []
    problems: list[str] = []
    cover_texts: list[str] = []
    text_chars = images = 0
    current: _OpenTable | None = None
    pending_title: tuple[TextLine, str] | None = None  # a title left at the foot of a page
    previous_texts: set[str] = set()  # a running header repeats them on every page

    with pdfplumber.open(path) as pdf:
        n_pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            load_objects(page, settings.page_source)
            text_chars += len(page.chars)
            images += len(page.images)
            # the grid reader drops fake-bold duplicates cell by cell (see cells_to_grid)
            grids = [band for grid in page_to_grids(page, number, settings) for band in split_rows(grid, _title_rows(grid))]
            lines = page_text_lines(dedupe_view(page, settings.duplicate_char_tolerance), grids)
            if number <= COVER_PAGES:
                cover_texts += [line.text for line in lines]
            boundary = 0.0
            carried, pending_title = pending_title, None
            for index, grid in enumerate(grids):
                above = [line for line in lines if line.top >= boundary and line.bottom <= grid.bbox[1] + 1]
                caption_rows, inside = _captions_in_grid(grid)
                placed = _Placed(grid, above + inside, caption_rows)
                titles = [(line, m.table_id) for line in above if (m := match_title(line.text))]
                titles += [(line, m.table_id) for line in inside if (m := match_title(line.text, in_grid=True))]
                if not titles and carried and index == 0:
                    titles = [carried]
                boundary = grid.bbox[3]
                if titles:
                    title, table_id = titles[-1]
                    if current is not None and current.table_id == table_id and _continues(current, grid, [], index == 0, settings):
                        _continue(current, grid, caption_rows)  # the title repeated on each page of the table
                        continue
                    opened = _open_table(table_id, title.text, placed)
                    if opened is None:
                        problems.append(f"{table_id} on page {number}: the grid under its title has no column the registry knows")
                        current = None
                        continue
                    current = opened
                    earlier = next((t for t in found if t.table_id == table_id), None)
                    if earlier is None:
                        found.append(current)
                    elif _prefer(current, earlier):
                        found[found.index(earlier)] = current
                        problems.append(f"{table_id} printed twice (pages {earlier.pages[0]} and {number}); page {number} kept")
                    else:
                        problems.append(f"{table_id} printed twice (pages {earlier.pages[0]} and {number}); page {earlier.pages[0]} kept")
                elif _continues(current, grid, [line for line in above if line.text not in previous_texts], index == 0, settings):
                    _continue(current, grid, caption_rows)
                else:
                    current = None  # a grid that is none of the tables (绩效目标表, …)
            pending_title = _title_at_foot([line for line in lines if line.top >= boundary], settings)
            previous_texts = {line.text for line in lines}
            page.close()

    return ExtractedDocument(
        pages=n_pages,
        text_chars=text_chars,
        images=images,
        department=most_common([t.department for t in found])
        or find_department([TextLine(text, 0, 0, 0, 0) for text in cover_texts])
        or find_cover_department(cover_texts),
        year=find_year(cover_texts),
        doc_kind=find_doc_kind(cover_texts) or find_doc_kind([t.title for t in found]),
        unit=most_common([t.unit for t in found]),
        tables=tuple(t.close() for t in found),
        problems=tuple(problems),
    )
