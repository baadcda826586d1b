"""A page's ruled grids → cells with their row/column spans and text.

pdfplumber finds the grid (edges → intersections → cells); this module
numbers the cells' rows and columns so merged cells keep their span, which
is what header flattening needs, and fills each cell with its text.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from budgetpdf.extract.extensions import load_extension
from budgetpdf.extract.pages import dedupe_chars
from budgetpdf.extract.settings import ExtractSettings
from budgetpdf.extract.table_finder import Rule, page_to_rules, rules_to_tables

# The C twins of cell_contents and cell_text (extract/_grid_cells.c); None: the Python below runs
_grid_cells = load_extension("_grid_cells")


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
    ruled: bool = True  # False: read from where the words stand (extract/text_grid.py)

    def column_map(self, xs: tuple[float, ...], tolerance: float = 3.0) -> list[int] | None:
        """Where this grid's columns fall among another grid's columns, or None when
        they do not line up.  A column lands where its centre is; one whose rules
        match a run of the other's columns (类 | 款 | 项 ruled in the header only,
        one code cell on the next page) lands on the first of them."""
        mapping = []
        for c in range(self.n_cols):
            left, right = self.xs[c], self.xs[c + 1]
            j = bisect.bisect_right(xs, (left + right) / 2) - 1
            if 0 <= j < len(xs) - 1 and abs(left - xs[j]) > tolerance and abs(right - xs[j + 1]) > tolerance:
                starts = [k for k in range(len(xs) - 1) if abs(left - xs[k]) <= tolerance]
                ends = [k for k in range(1, len(xs)) if abs(right - xs[k]) <= tolerance]
                j = starts[0] if starts and ends and ends[0] > starts[0] + 1 else -1
            if not 0 <= j < len(xs) - 1 or (mapping and j <= mapping[-1]):
                return None
            mapping.append(j)
        return mapping

    def covering(self) -> tuple[tuple[GridCell | None, ...], ...]:
        """For each (row, col), the cell that covers it (worked out once: the header reader asks often)."""
        return self._covering

    @cached_property
    def _covering(self) -> tuple[tuple[GridCell | None, ...], ...]:
        matrix: list[list[GridCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    matrix[r][c] = cell
        return tuple(map(tuple, matrix))


def cluster_positions(values: list[float], tolerance: float) -> list[float]:
    """Sorted values, each within ``tolerance`` of the one kept before it taken as that one."""
    positions: list[float] = []
    for value in sorted(values):
        if not positions or value - positions[-1] > tolerance:
            positions.append(value)
    return positions


def _index(positions: list[float], value: float, tolerance: float) -> int:
    i = bisect.bisect_left(positions, value - tolerance)
    return min(i, len(positions) - 1)


_X0 = itemgetter("x0")


def chars_to_text(chars: list[dict], settings: ExtractSettings) -> str:
    """Characters of one cell → its text, one printed line per ``\\n``."""
    lines: list[list[dict]] = []
    if len({char["top"] for char in chars}) == 1:  # most cells: one line, its characters in order of x0
        by_top = sorted(chars, key=_X0)
    else:
        by_top = sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"]))
    for char in by_top:
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= settings.line_tolerance:
            lines[-1].append(char)
        else:
            lines.append([char])
    texts = []
    for line in lines:
        line.sort(key=_X0)
        parts = [line[0]["text"]]
        for before, char in zip(line, line[1:]):
            if char["x0"] - before["x1"] > settings.space_gap * char["size"]:
                parts.append(" ")
            parts.append(char["text"])
        texts.append("".join(parts).strip())
    return "\n".join(t for t in texts if t)


def _slot(char: dict, xs: list[float], ys: list[float]) -> tuple[int, int]:
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return bisect.bisect_right(ys, cy) - 1, bisect.bisect_right(xs, cx) - 1


def chars_to_slots(chars: list[dict], xs: list[float], ys: list[float], touching: float = 0.5) -> list[tuple[dict, tuple[int, int]]]:
    """Each character with the (row, column) it belongs to.

    A character belongs where its centre lies, except in a string printed
    wider than its cell: spreadsheet exports clip a long label at the rule
    and centre a wide header over its neighbours, but keep every character,
    which then lands in the next cell.  A run of touching characters, in
    the order they are drawn, stays in the cell holding most of it, unless
    the characters to move hold a digit (a figure is never moved).
    """
    placed = [(char, _slot(char, xs, ys)) for char in chars]
    result: list[tuple[dict, tuple[int, int]]] = []
    start = 0
    for i in range(1, len(placed) + 1):
        if i < len(placed):
            before, char = placed[i - 1][0], placed[i][0]
            if abs(char["top"] - before["top"]) <= 0.5 and -touching <= char["x0"] - before["x1"] <= touching:
                continue
        run = placed[start:i]
        if all(slot == run[0][1] for _, slot in run):  # most runs: all in one cell
            result += run
            start = i
            continue
        home = Counter(slot for _, slot in run).most_common(1)[0][0]
        strays = [char for char, slot in run if slot != home]
        if strays and all(slot[0] == home[0] for _, slot in run) and not any(c["text"].isdigit() for c in strays):
            run = [(char, home) for char, _ in run]
        result += run
        start = i
    return result


def cells_to_grid(page_number: int, bboxes: list[tuple], chars: list[dict], settings: ExtractSettings, fake_bold: bool = True) -> Grid:
    """Number the rows and columns of pdfplumber's cells and give each its text.

    Its characters are those of ``chars`` whose centre lies within the cells' bounds.
    ``fake_bold=False`` says the page has no duplicate characters at all
    (dedupe over the whole page kept every one): no cell can have any then,
    since a cell's clusters of positions are finer than the page's."""
    tolerance = settings.grid.position_tolerance
    x0s, tops, x1s, bottoms = zip(*bboxes)
    xs = cluster_positions(x0s + x1s, tolerance)
    ys = cluster_positions(tops + bottoms, tolerance)
    # the cells share their few distinct positions: each looked up once
    col_at = {x: _index(xs, x, tolerance) for x in set(x0s + x1s)}
    row_at = {y: _index(ys, y, tolerance) for y in set(tops + bottoms)}
    placed = []
    for x0, top, x1, bottom in bboxes:
        col, col_end, row, row_end = col_at[x0], col_at[x1], row_at[top], row_at[bottom]
        placed.append((row, col, max(1, row_end - row), max(1, col_end - col)))

    owner = [-1] * (len(ys) * len(xs))  # the cell each slot (row, column) belongs to
    for n, (row, col, rowspan, colspan) in enumerate(placed):
        for r in range(row, row + rowspan):
            owner[r * len(xs) + col : r * len(xs) + col + colspan] = [n] * colspan
    bounds = (min(x0s), min(tops), max(x1s), max(bottoms))
    contents = cell_contents(chars, bounds, xs, ys, owner, len(placed))

    # fake bold is dropped cell by cell, not over the page: a wide header centred
    # over its neighbour draws 预算 where the neighbour's 预算 stands, and neither is fake
    if fake_bold:
        contents = [dedupe_chars(cell_chars, settings.duplicate_char_tolerance) if len(cell_chars) > 1 else cell_chars for cell_chars in contents]
    cells = []
    for n, (row, col, rowspan, colspan) in enumerate(placed):
        text, left = cell_text(contents[n], settings)
        cells.append(GridCell(row, col, rowspan, colspan, text, None if left is None else round(left - xs[col], 1)))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page_number, bbox, len(ys) - 1, len(xs) - 1, tuple(cells), tuple(xs), tuple(ys))


def cell_contents(
    chars: list[dict], bounds: tuple[float, float, float, float], xs: list[float], ys: list[float], owner: list[int], n_cells: int
) -> list[list[dict]]:
    """Each cell's characters: of those whose centre lies within ``bounds``, the ones in the
    slots it owns (``owner``: row * len(xs) + column → cell, or -1), placed by chars_to_slots."""
    if _grid_cells is not None:
        contents = _grid_cells.cell_contents(chars, bounds, xs, ys, owner, n_cells, 0.5)
        if contents is not NotImplemented:
            return contents
    x0, top, x1, bottom = bounds
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    contents: list[list[dict]] = [[] for _ in range(n_cells)]
    for char, (row, col) in chars_to_slots(inside, xs, ys):
        if row >= 0 and col >= 0 and (cell := owner[row * len(xs) + col]) >= 0:
            contents[cell].append(char)
    return contents


def cell_text(chars: list[dict], settings: ExtractSettings) -> tuple[str, float | None]:
    """A cell's text (chars_to_text) and the x0 its indent is measured from (the leftmost
    character of its first line), None for an empty cell."""
    if _grid_cells is not None:
        found = _grid_cells.cell_text(chars, settings.line_tolerance, settings.space_gap)
        if found is not NotImplemented:
            return found
    if not chars:
        return "", None
    top = min(c["top"] for c in chars)
    return chars_to_text(chars, settings), min(c["x0"] for c in chars if c["top"] - top < 2)


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
    for cell in grid.cells:
        # a merged label over columns otherwise blank keeps them (普陀: 人员经费合计 under an empty block)
        spanned = range(cell.col, cell.col + cell.colspan)
        if cell.colspan > 1 and cell.text.strip() and all(blank_cols[c] for c in spanned):
            for c in spanned:
                blank_cols[c] = False
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
        return Grid(grid.page, grid.bbox, len(rows), max(len(xs) - 1, 0), cells, xs, (), grid.ruled)
    ys = tuple(grid.ys[r] for r in rows) + (grid.ys[rows[-1] + 1],)
    return Grid(grid.page, (xs[0], ys[0], xs[-1], ys[-1]), len(rows), len(xs) - 1, cells, xs, ys, grid.ruled)


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


_WHITE = ((1,), (1, 1, 1), (0, 0, 0, 0))  # grey, RGB and CMYK white


def is_drawn(obj: dict) -> bool:
    """False for a white filled rectangle without a stroke: a cell's background,
    invisible on the page, whose edges would cut the header into spurious cells."""
    if obj["object_type"] != "rect" or obj.get("stroke") or not obj.get("fill"):
        return True
    colour = obj.get("non_stroking_color")
    colour = tuple(colour) if isinstance(colour, (list, tuple)) else (colour,)
    return colour not in _WHITE


def open_ends(vertical: list[Rule], horizontal: list[Rule], settings: ExtractSettings, min_rules: int = 3) -> list[Rule]:
    """Horizontal rules to close a grid whose column rules stop at a line never drawn.

    A table cut by a page break often leaves its first (or last) row
    ruled at the sides only; without a rule across it pdfplumber sees no
    cell there and the row falls out of the grid as loose text.
    """
    tolerance = settings.grid.snap_tolerance
    # a rule drawn as a thin filled rectangle has end edges as short as it is thick: no rule
    horizontal = [rule for rule in horizontal if rule[4] > tolerance]
    vertical = [rule for rule in vertical if rule[4] > tolerance]

    # positions fall into cells of the tolerance's size: round(value / tolerance)
    rules_at: dict[int, list[tuple[float, float]]] = {}
    for x0, top, x1, _, _ in horizontal:
        rules_at.setdefault(round(top / tolerance), []).append((x0 - tolerance, x1 + tolerance))
    # each vertical rule's x, and the cells of its x and of its two ends
    ends = [(x, round(x / tolerance), round(top / tolerance), round(bottom / tolerance), top, bottom) for x, top, _, bottom, _ in vertical]
    ends_at = ({(x_cell, top) for _, x_cell, top, _, _, _ in ends}, {(x_cell, bottom) for _, x_cell, _, bottom, _, _ in ends})

    def ruled(x: float, y_cell: int) -> bool:
        for dy in (-1, 0, 1):
            for x0, x1 in rules_at.get(y_cell + dy, ()):
                if x0 <= x <= x1:
                    return True
        return False

    def continued(x_cell: int, y_cell: int, other_ends: set[tuple[int, int]]) -> bool:
        return any((x_cell + dx, y_cell + dy) in other_ends for dx in (-1, 0, 1) for dy in (-1, 0, 1))

    closing = []
    for end, other_end in ((0, 1), (1, 0)):  # the rules' tops, then their bottoms
        by_y: dict[int, list[tuple]] = {}
        for rule in ends:
            by_y.setdefault(rule[2 + end], []).append(rule)
        for y_cell, group in by_y.items():
            if len(group) < min_rules:
                continue
            open_xs = [x for x, x_cell, *_ in group if not ruled(x, y_cell) and not continued(x_cell, y_cell, ends_at[other_end])]
            xs = cluster_positions(open_xs, tolerance)
            if len(xs) >= min_rules:
                y = group[0][4 + end]
                closing.append((xs[0], y, xs[-1], y, xs[-1] - xs[0]))
    return closing


def page_to_grids(page, page_number: int, settings: ExtractSettings, fake_bold: bool = True) -> list[Grid]:
    """Every ruled grid of a pdfplumber page, top to bottom (``fake_bold``: see cells_to_grid)."""
    drawn = page.filter(is_drawn)
    rules = page_to_rules(drawn)
    tables = rules_to_tables(drawn, rules, settings.grid.pdfplumber_settings(), closing=open_ends(*rules, settings))
    chars = [c for c in page.chars if c["text"].strip()]
    grids = []
    for table in tables:
        grid = drop_empty_lines(cells_to_grid(page_number, list(table.cells), chars, settings, fake_bold))
        if grid.n_rows and grid.n_cols:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.bbox[1])


_NEIGHBOUR_GAP = 8.0  # points between two grids that are one table drawn in pieces
_NEIGHBOUR_OVERLAP = 0.8  # share of the shorter side the two grids must have in common


def join_neighbouring_grids(grids: list[Grid], texts: list[tuple[float, float, float, float]], settings: ExtractSettings) -> list[Grid]:
    """Grids that are one table drawn in pieces, joined: the header above the body, the
    labels beside the figures (长春's WPS 文字 exports rule each piece apart, a few points
    from the next).  Two grids join when they face each other across a gap narrower than
    ``_NEIGHBOUR_GAP`` along most of their length, with none of ``texts`` (the boxes of
    the characters outside every grid) in the gap: a title or a note between them makes
    two tables.  The body's pieces are joined first, then the header onto the body."""
    grids = sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0]))
    for side in ("right", "below"):
        while (pair := _facing_pair(grids, texts, side)) is not None:
            i, j, gap = pair
            grids[i] = _joined(grids[i], grids[j], side, gap, settings)
            del grids[j]
    return sorted(grids, key=lambda g: g.bbox[1])


def _facing_pair(grids: list[Grid], texts: list[tuple[float, float, float, float]], side: str) -> tuple[int, int, float] | None:
    for i, a in enumerate(grids):
        for j, b in enumerate(grids):
            facing = _facing(a, b, texts) if i != j and a.page == b.page else None
            if facing is not None and facing[0] == side:
                return i, j, facing[1]
    return None


def _facing(a: Grid, b: Grid, texts: list[tuple[float, float, float, float]]) -> tuple[str, float] | None:
    """("below", gap) when b stands just under a, ("right", gap) just right of it; else None."""
    (ax0, atop, ax1, abottom), (bx0, btop, bx1, bbottom) = a.bbox, b.bbox
    across = min(ax1, bx1) - max(ax0, bx0)
    down = min(abottom, bbottom) - max(atop, btop)
    if 0 <= btop - abottom <= _NEIGHBOUR_GAP and across >= _NEIGHBOUR_OVERLAP * min(ax1 - ax0, bx1 - bx0):
        box = (max(ax0, bx0), abottom, min(ax1, bx1), btop)
        side = "below"
    elif 0 <= bx0 - ax1 <= _NEIGHBOUR_GAP and down >= _NEIGHBOUR_OVERLAP * min(abottom - atop, bbottom - btop):
        box = (ax1, max(atop, btop), bx0, min(abottom, bbottom))
        side = "right"
    else:
        return None
    x0, top, x1, bottom = box
    if any(tx0 < x1 and tx1 > x0 and ttop < bottom and tbottom > top for tx0, ttop, tx1, tbottom in texts):
        return None
    return side, (btop - abottom if side == "below" else bx0 - ax1)


def _joined(a: Grid, b: Grid, side: str, gap: float, settings: ExtractSettings) -> Grid:
    """One grid from two: b's cells moved across the gap onto a's edge, rules within
    ``snap_tolerance`` taken as one."""
    dx, dy = (-gap, 0.0) if side == "right" else (0.0, -gap)
    boxes = [(cell, a.xs[cell.col], a.xs[cell.col + cell.colspan], a.ys[cell.row], a.ys[cell.row + cell.rowspan]) for cell in a.cells]
    boxes += [
        (cell, b.xs[cell.col] + dx, b.xs[cell.col + cell.colspan] + dx, b.ys[cell.row] + dy, b.ys[cell.row + cell.rowspan] + dy)
        for cell in b.cells
    ]
    tolerance = settings.grid.snap_tolerance
    xs = cluster_positions([x for _, x0, x1, _, _ in boxes for x in (x0, x1)], tolerance)
    ys = cluster_positions([y for _, _, _, top, bottom in boxes for y in (top, bottom)], tolerance)
    cells, taken = [], set()
    for cell, x0, x1, top, bottom in boxes:
        col, col_end = _index(xs, x0, tolerance), _index(xs, x1, tolerance)
        row, row_end = _index(ys, top, tolerance), _index(ys, bottom, tolerance)
        slots = {(r, c) for r in range(row, max(row_end, row + 1)) for c in range(col, max(col_end, col + 1))}
        if slots & taken:
            continue
        taken |= slots
        cells.append(GridCell(row, col, max(1, row_end - row), max(1, col_end - col), cell.text, cell.indent))
    cells += [GridCell(r, c, 1, 1, "") for r in range(len(ys) - 1) for c in range(len(xs) - 1) if (r, c) not in taken]
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(a.page, bbox, len(ys) - 1, len(xs) - 1, tuple(sorted(cells, key=lambda c: (c.row, c.col))), tuple(xs), tuple(ys), a.ruled)
