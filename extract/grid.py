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


@dataclass(frozen=True)
class Grid:
    page: int
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]

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
        GridCell(row, col, rowspan, colspan, chars_to_text(contents[n], settings))
        for n, (row, col, rowspan, colspan) in enumerate(placed)
    )
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page_number, bbox, len(ys) - 1, len(xs) - 1, cells)


def page_to_grids(page, page_number: int, settings: ExtractSettings) -> list[Grid]:
    """Every ruled grid of a pdfplumber page, top to bottom."""
    tables = page.find_tables(settings.grid.pdfplumber_settings())
    chars = [c for c in page.chars if c["text"].strip()]
    grids = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        grids.append(cells_to_grid(page_number, list(table.cells), inside, settings))
    return sorted(grids, key=lambda g: g.bbox[1])
