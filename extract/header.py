"""A grid's merged header rows → one path of labels per column → column roles.

``财政拨款（补助）`` spanning six columns over ``一般公共预算`` flattens to the
path ``("财政拨款（补助）", "一般公共预算")`` for that column; the registry
turns the path into a key.
"""

from __future__ import annotations

from extract.grid import Grid, GridCell
from normalize import looks_like_amount
from schemas import HEADER_VOCABULARY, LABEL_ROLES, SIDE_LABELS, ColumnRole, RowKey, TableSpec, header_text, match_amount_key

_LABEL_ROLE_BY_TEXT = {header_text(alias): role for role, aliases in LABEL_ROLES.items() for alias in aliases}


def _is_header_row(matrix: list[list[GridCell | None]], r: int) -> bool:
    """Every column labelled (or spanned from above), and every label a header word:
    ``项目 | 预算数 | 科目名称 | 预算数`` is a header row, a lone ``总计`` is not."""
    for cell in matrix[r]:
        if cell is None:
            return False
        if cell.row < r:
            continue
        text = header_text(cell.text)
        if not text or text not in HEADER_VOCABULARY or looks_like_amount(text):
            return False
    return True


def count_header_rows(grid: Grid) -> int:
    """Rows at the top of the grid that belong to the header.

    The first row always does; so does every row a header cell spans into,
    and every following row made only of header labels (``项目 | 预算数``).
    """
    matrix = grid.covering()
    n = 0
    while n < grid.n_rows:
        if n == 0 or _is_header_row(matrix, n):
            n += 1
        else:
            break
        # rows that the header cells so far reach down into
        reach = max(c.row + c.rowspan for r in range(n) for c in matrix[r] if c is not None)
        n = max(n, min(reach, grid.n_rows))
    return n


def header_paths(grid: Grid, n_header: int) -> list[tuple[str, ...]]:
    """For each column, the labels above it from top to bottom, each merged cell once."""
    matrix = grid.covering()
    paths = []
    for c in range(grid.n_cols):
        path: list[str] = []
        seen: list[GridCell] = []
        for r in range(n_header):
            cell = matrix[r][c]
            if cell is None or any(cell is s for s in seen):
                continue
            seen.append(cell)
            text = header_text(cell.text)
            if text:
                path.append(text)
        paths.append(tuple(path))
    return paths


def paths_to_roles(paths: list[tuple[str, ...]], spec: TableSpec) -> list[ColumnRole]:
    """Column roles through the registry: side, label role or amount key, else ``other:``."""
    roles = []
    for path in paths:
        side = None
        if spec.row_key is RowKey.TWO_SIDED:
            side = next((SIDE_LABELS[p] for p in path if p in SIDE_LABELS), None)
            path = tuple(p for p in path if p not in SIDE_LABELS)
        if path and path[-1] in _LABEL_ROLE_BY_TEXT:
            roles.append(ColumnRole("label", _LABEL_ROLE_BY_TEXT[path[-1]], side, path))
            continue
        key = match_amount_key(path, spec.columns_for_side(side)) if path else None
        if key:
            roles.append(ColumnRole("amount", key, side, path))
        else:
            roles.append(ColumnRole("other", f"other:{'/'.join(path)}", side, path))
    return roles


def body_rows(grid: Grid, start: int) -> list[tuple[str, ...]]:
    """Row texts below the header; a label merged down over rows repeats on each."""
    matrix = grid.covering()
    rows = []
    for r in range(start, grid.n_rows):
        texts = []
        for c in range(grid.n_cols):
            cell = matrix[r][c]
            if cell is None or cell.col != c:
                texts.append("")
            elif cell.row == r or not looks_like_amount(cell.text):
                texts.append(cell.text)
            else:
                texts.append("")
        rows.append(tuple(texts))
    return rows


def header_texts(grid: Grid, n_header: int) -> list[tuple[str, ...]]:
    """The first rows as normalised texts, to recognise a header repeated on a continuation page."""
    matrix = grid.covering()
    return [
        tuple(header_text(cell.text) if cell is not None and cell.row == r and cell.col == c else "" for c, cell in enumerate(matrix[r]))
        for r in range(min(n_header, grid.n_rows))
    ]
