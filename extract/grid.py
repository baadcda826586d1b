"""A page's ruled grids → cells with their row/column spans and text.

pdfplumber finds the grid (edges → intersections → cells); this module
numbers the cells' rows and columns so merged cells keep their span, which
is what header flattening needs, and fills each cell with its text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from extract.settings import ExtractSettings


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    # points from the cell's left rule to its first character: the only
    # mark of level where names are nested by indentation alone
    indent: float | None = None


@dataclass(frozen=True)
class Grid:
    page: int
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]
    # x of each column boundary, left to right (n_cols + 1 values); y of each row boundary
    xs: tuple[float, ...] = ()
    ys: tuple[float, ...] = ()

    def column_map(self, xs: tuple[float, ...], tolerance: float = 3.0) -> list[int] | None:
        """Where this grid's columns fall among another grid's columns (by their centres),
        or None when they do not line up one to one."""
        mapping = []
        for c in range(self.n_cols):
            centre = (self.xs[c] + self.xs[c + 1]) / 2
            j = bisect.bisect_right(xs, centre) - 1
            if not 0 <= j < len(xs) - 1 or (mapping and j <= mapping[-1]):
                return None
            if abs(self.xs[c] - xs[j]) > tolerance and abs(self.xs[c + 1] - xs[j + 1]) > tolerance:
                return None
            mapping.append(j)
        return mapping

    def covering(self) -> list[list[GridCell | None]]:
        """For each (row, col), the cell that covers it."""
        matrix: list[list[GridCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    matrix[r][c] = cell
        return matrix


def _cluster(values: list[float], tolerance: float) -> list[float]:
    positions: list[float] = []
    for value in sorted(values):
        if not positions or value - positions[-1] > tolerance:
            positions.append(value)
    return positions


def _index(positions: list[float], value: float, tolerance: float) -> int:
    i = bisect.bisect_left(positions, value - tolerance)
    return min(i, len(positions) - 1)


def chars_to_text(chars: list[dict], settings: ExtractSettings) -> str:
    """Characters of one cell → its text, one printed line per ``\\n``."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= settings.line_tolerance:
            lines[-1].append(char)
        else:
            lines.append([char])
    texts = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        parts = [line[0]["text"]]
        for before, char in zip(line, line[1:]):
            if char["x0"] - before["x1"] > settings.space_gap * char["size"]:
                parts.append(" ")
            parts.append(char["text"])
        texts.append("".join(parts).strip())
    return "\n".join(t for t in texts if t)


def _indent(chars: list[dict], left: float) -> float | None:
    if not chars:
        return None
    top = min(c["top"] for c in chars)
    return round(min(c["x0"] for c in chars if c["top"] - top < 2) - left, 1)


def cells_to_grid(page_number: int, bboxes: list[tuple], chars: list[dict], settings: ExtractSettings) -> Grid:
    """Number the rows and columns of pdfplumber's cells and give each its text."""
    tolerance = settings.grid.position_tolerance
    xs = _cluster([b[0] for b in bboxes] + [b[2] for b in bboxes], tolerance)
    ys = _cluster([b[1] for b in bboxes] + [b[3] for b in bboxes], tolerance)
    placed = []
    for x0, top, x1, bottom in bboxes:
        col, col_end = _index(xs, x0, tolerance), _index(xs, x1, tolerance)
        row, row_end = _index(ys, top, tolerance), _index(ys, bottom, tolerance)
        placed.append((row, col, max(1, row_end - row), max(1, col_end - col)))

    owner: dict[tuple[int, int], int] = {}
    for n, (row, col, rowspan, colspan) in enumerate(placed):
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                owner[(r, c)] = n
    contents: list[list[dict]] = [[] for _ in placed]
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        c, r = bisect.bisect_right(xs, cx) - 1, bisect.bisect_right(ys, cy) - 1
        if (r, c) in owner:
            contents[owner[(r, c)]].append(char)

    cells = tuple(
        GridCell(row, col, rowspan, colspan, chars_to_text(contents[n], settings), _indent(contents[n], xs[col]))
        for n, (row, col, rowspan, colspan) in enumerate(placed)
    )
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page_number, bbox, len(ys) - 1, len(xs) - 1, cells, tuple(xs), tuple(ys))


def drop_empty_lines(grid: Grid) -> Grid:
    """Remove rows with no text, and the blank margin columns at either side.

    Spreadsheet exports rule the sheet's blank margin column and spacer rows
    too.  Blank columns inside the table stay: they are printed columns
    with no figures.  A merged cell that also covers kept lines keeps its text.
    """
    matrix = grid.covering()

    def blank(cells: list[GridCell | None], along_rows: bool) -> bool:
        return all(
            cell is None or not cell.text.strip() or (cell.colspan if along_rows else cell.rowspan) > 1 for cell in cells
        )

    blank_cols = [blank([matrix[r][c] for r in range(grid.n_rows)], True) for c in range(grid.n_cols)]
    first = next((c for c, b in enumerate(blank_cols) if not b), grid.n_cols)
    last = max((c for c, b in enumerate(blank_cols) if not b), default=-1)
    keep_cols = list(range(first, last + 1))
    keep_rows = [r for r in range(grid.n_rows) if not blank(matrix[r], False)]
    if len(keep_cols) == grid.n_cols and len(keep_rows) == grid.n_rows:
        return grid
    col_at = {c: i for i, c in enumerate(keep_cols)}
    row_at = {r: i for i, r in enumerate(keep_rows)}
    cells = []
    for cell in grid.cells:
        cols = [col_at[c] for c in range(cell.col, cell.col + cell.colspan) if c in col_at]
        rows = [row_at[r] for r in range(cell.row, cell.row + cell.rowspan) if r in row_at]
        if cols and rows:
            cells.append(GridCell(rows[0], cols[0], len(rows), len(cols), cell.text, cell.indent))
    xs = grid.xs[first : last + 2] if keep_cols else ()
    return _resized(grid, keep_rows, xs, tuple(cells))


def _resized(grid: Grid, rows: list[int], xs: tuple[float, ...], cells: tuple[GridCell, ...]) -> Grid:
    """The grid cut down to ``rows`` (indices into the old rows) and the columns between ``xs``;
    its box shrinks with it, so the text above it is what lies above its kept rows."""
    if not rows or not xs:
        return Grid(grid.page, grid.bbox, len(rows), max(len(xs) - 1, 0), cells, xs, ())
    ys = tuple(grid.ys[r] for r in rows) + (grid.ys[rows[-1] + 1],)
    return Grid(grid.page, (xs[0], ys[0], xs[-1], ys[-1]), len(rows), len(xs) - 1, cells, xs, ys)


def split_rows(grid: Grid, starts: list[int]) -> list[Grid]:
    """Cut a grid into bands of rows, starting at each of ``starts`` (besides 0).

    Some generators rule several tables as one grid, the next title in a row
    of its own; each band becomes a grid of its own.
    """
    bounds = [0, *sorted(s for s in starts if 0 < s < grid.n_rows), grid.n_rows]
    if len(bounds) == 2:
        return [grid]
    bands = []
    for top, bottom in zip(bounds, bounds[1:]):
        cells = []
        for cell in grid.cells:
            first, last = max(cell.row, top), min(cell.row + cell.rowspan, bottom)
            if first < last:
                text = cell.text if cell.row >= top else ""
                cells.append(GridCell(first - top, cell.col, last - first, cell.colspan, text, cell.indent))
        bands.append(_resized(grid, list(range(top, bottom)), grid.xs, tuple(cells)))
    return bands


def page_to_grids(page, page_number: int, settings: ExtractSettings) -> list[Grid]:
    """Every ruled grid of a pdfplumber page, top to bottom."""
    tables = page.find_tables(settings.grid.pdfplumber_settings())
    chars = [c for c in page.chars if c["text"].strip()]
    grids = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        grid = drop_empty_lines(cells_to_grid(page_number, list(table.cells), inside, settings))
        if grid.n_rows and grid.n_cols:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.bbox[1])
