"""A grid's merged header rows → one path of labels per column → column roles.

``财政拨款（补助）`` spanning six columns over ``一般公共预算`` flattens to the
path ``("财政拨款（补助）", "一般公共预算")`` for that column; the registry
turns the path into a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from budgetpdf.extract.grid import Grid, GridCell
from budgetpdf.normalize import looks_like_amount
from budgetpdf.schemas import (
    HEADER_VOCABULARY,
    LABEL_ROLES,
    SIDE_LABELS,
    ColumnRole,
    RowKey,
    TableSpec,
    compact_label,
    header_text,
    match_amount_key,
    near_amount_key,
)

_LABEL_ROLE_BY_TEXT = {header_text(alias): role for role, aliases in LABEL_ROLES.items() for alias in aliases}


CODE_PART_LABELS = frozenset({"类", "款", "项"})  # the header labels over the parts of a code
_CLIPPED_LABEL = 5  # characters of a descriptive label that, cut short, still name it
_PLACEHOLDER = r"[*＊—\-－]+"  # ** over a label column in the row of column numbers
_COLUMN_NUMBER = re.compile(rf"^(\d{{1,2}}|栏次|{_PLACEHOLDER})$")  # the 栏次 row numbers the columns; it names none
_CODE_CELL = re.compile(r"^\s*[\[【]?\d{2,7}(?![\d年月日%.])[\]】]?(\s*[-－—:：]?\s*\D.*)?$", re.S)


def _is_data_cell(text: str) -> bool:
    """A figure or a classification code: what a header never holds."""
    return looks_like_amount(text) or bool(_CODE_CELL.match(text.strip()))


def _numbers_columns(texts: list[str]) -> bool:
    """``** | ** | 1 | 2 | … | 13``: column numbers counting up, placeholders over the label columns."""
    texts = [t.strip() for t in texts if t.strip()]
    numbers = [int(t) for t in texts if t.isdigit() and len(t) <= 2]
    others = [t for t in texts if not (t.isdigit() and len(t) <= 2)]
    return (
        len(numbers) >= 3
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        and all(re.fullmatch(_PLACEHOLDER, t) or header_text(t) == "栏次" for t in others)
    )


def _is_header_row(matrix: list[list[GridCell | None]], r: int) -> bool:
    """No figure or code, and most of the cells after the first labelled.

    ``项目 | 预算数 | 科目名称 | 预算数`` and ``类 | 款 | 项`` (the other cells
    spanned from above) are header rows; ``因公出国（境）费用`` followed by
    blank cells, or a lone ``总计``, is a data row that happens to be empty.
    """
    own = [cell for c, cell in enumerate(matrix[r]) if cell is not None and cell.row == r and cell.col == c]
    if _numbers_the_columns(matrix, r):
        return True  # the row that numbers the columns (栏次 | 1 | 2 …) belongs to the header
    if any(_is_data_cell(cell.text) for cell in own if cell.text.strip()):
        return False
    labels = [header_text(cell.text) for cell in own if cell.text.strip()]
    if len(labels) >= 2 and set(labels) <= CODE_PART_LABELS:
        return True  # 类 | 款 | 项 under 科目 (and 类 | 款 under each economic classification), the rest blank
    rest = [cell for cell in own if cell.col > 0]
    if not rest:
        return bool(own) and header_text(own[0].text) in HEADER_VOCABULARY
    labelled = sum(1 for cell in rest if cell.text.strip())
    return labelled * 2 > len(rest)


def opens_with_header(grid: Grid, start: int = 0) -> bool:
    """The grid's first row (from ``start``) reads as a header: labels, no figure or code."""
    return start < grid.n_rows and _is_header_row(grid.covering(), start)


def count_caption_rows(grid: Grid, is_caption: Callable[[list[str]], bool]) -> int:
    """Rows at the top that hold the title, unit or department line, not the header.

    Spreadsheet exports draw the whole sheet as one grid, so the title
    (``预算02表 收入总表``) and ``金额单位：万元`` sit in its first rows.
    """
    matrix = grid.covering()
    n = 0
    while n < grid.n_rows - 1:
        texts = [cell.text for c, cell in enumerate(matrix[n]) if cell is not None and cell.row == n and cell.col == c and cell.text.strip()]
        if texts and not is_caption(texts):
            break
        n += 1
    return n


def count_header_rows(grid: Grid, start: int = 0) -> int:
    """Rows from ``start`` that belong to the header.

    The first one always does; so does every row a header cell spans into,
    and every following row that reads as a header (see ``_is_header_row``).
    """
    matrix = grid.covering()
    end = start
    while end < grid.n_rows:
        if end == start or _is_header_row(matrix, end):
            end += 1
        else:
            break
        reach = max(c.row + c.rowspan for r in range(start, end) for c in matrix[r] if c is not None and c.row >= start)
        # a row a header cell spans into is header too, unless it prints figures (西安: 合计 | 181716.56 …)
        reach = next((r for r in range(end, min(reach, grid.n_rows)) if _has_own_figures(matrix, r)), reach)
        end = max(end, min(reach, grid.n_rows))
    # the 栏次 row closes the header: a sparse label row above it (小计 | 其中：专项资金…) is header too
    closing = next((r for r in range(end, min(end + _HEADER_LOOKAHEAD, grid.n_rows)) if _numbers_the_columns(matrix, r)), None)
    if closing is not None and not any(_has_own_figures(matrix, r) or _has_own_code(matrix, r) for r in range(end, closing)):
        end = closing + 1
    return end - start


_HEADER_LOOKAHEAD = 2  # rows below the header read so far that may still end in its 栏次 row


def _numbers_the_columns(matrix: list[list[GridCell | None]], r: int) -> bool:
    own = [cell for c, cell in enumerate(matrix[r]) if cell is not None and cell.row == r and cell.col == c]
    return any(header_text(cell.text) == "栏次" for cell in own) or _numbers_columns([cell.text for cell in own])


def _has_own_code(matrix: list[list[GridCell | None]], r: int) -> bool:
    return any(
        cell is not None and cell.row == r and cell.col == c and _CODE_CELL.match(cell.text.strip()) for c, cell in enumerate(matrix[r])
    )


def _has_own_figures(matrix: list[list[GridCell | None]], r: int) -> bool:
    return any(
        cell is not None and cell.row == r and cell.col == c and looks_like_amount(cell.text) for c, cell in enumerate(matrix[r])
    )


def header_paths(grid: Grid, start: int, n_header: int) -> list[tuple[str, ...]]:
    """For each column, the labels above it from top to bottom, each merged cell once."""
    matrix = grid.covering()
    paths = []
    for c in range(grid.n_cols):
        path: list[str] = []
        seen: list[GridCell] = []
        for r in range(start, start + n_header):
            cell = matrix[r][c]
            if cell is None or any(cell is s for s in seen):
                continue
            seen.append(cell)
            text = compact_label(cell.text)  # as printed: other:<label> keeps it
            if text and not _COLUMN_NUMBER.match(text):
                path.append(text)
        paths.append(tuple(path))
    return paths


_NAME_LABEL = re.compile(r"^(.{0,8}科目(名称)?|.{0,8}名称|.{0,6}内容|项目（?科目）?)$")
_CODE_LABEL = re.compile(r"^(.{0,8}科目)?(编码|代码)$")
_UNIT_LABEL = re.compile(r"^(预算)?(单位|部门)(编码|代码|名称)?$")


def _label_role(path: tuple[str, ...]) -> str | None:
    """Which part of a row's key a column holds, from the label above it."""
    if not path:
        return None
    last = header_text(path[-1])
    if last in _LABEL_ROLE_BY_TEXT:
        return _LABEL_ROLE_BY_TEXT[last]
    clipped = [
        text for text, role in _LABEL_ROLE_BY_TEXT.items() if role == "extra" and len(last) >= _CLIPPED_LABEL and text.startswith(last)
    ]
    if clipped:
        return "extra"  # a descriptive label clipped by its narrow cell (购买服务的内 for 购买服务的内容)
    if _UNIT_LABEL.match(last):
        return "unit_code" if re.search("编码|代码", last) else "unit"
    if _CODE_LABEL.match(last):
        return "code"
    if _NAME_LABEL.match(last):
        return "name"
    return None


def _mostly_text(values: list[str]) -> bool:
    filled = [v for v in values if v.strip()]
    return bool(filled) and sum(not looks_like_amount(v) for v in filled) * 2 > len(filled)


def _side_of(label: str) -> str | None:
    label = header_text(label)
    if label in SIDE_LABELS:
        return SIDE_LABELS[label]
    if "收入" in label and "支出" not in label and len(label) <= 8:
        return "income"
    if "支出" in label and "收入" not in label and len(label) <= 8:
        return "expenditure"
    return None


def _sides(paths: list[tuple[str, ...]]) -> list[tuple[str | None, tuple[str, ...]]]:
    """Income and expenditure halves of a two-sided table, by their group label
    (收入 / 本年支出 / 财政拨款收入 …) or, where none is printed, by position:
    the second label column starts the expenditure side."""
    tagged = []
    for path in paths:
        side = _side_of(path[0]) if path else None
        tagged.append((side, path[1:] if side else path))
    if any(side for side, _ in tagged):
        return tagged
    halves, side = [], "income"
    for c, path in enumerate(paths):
        if c > 0 and _label_role(path) in ("name", "code") and any(_label_role(p) in ("name", "code") for p in paths[:c]):
            side = "expenditure"
        halves.append((side, path))
    return halves


def paths_to_roles(paths: list[tuple[str, ...]], spec: TableSpec, body: list[tuple[str, ...]] = (), near: bool = False) -> list[ColumnRole]:
    """Column roles through the registry: side, label role or amount key, else ``other:``.

    A column whose header names no key but whose cells are words is a
    label column; only the first such column per side names the row.
    ``near``: the header was read by OCR, and a label one character off an
    alias names its key (``near_amount_key``).
    """
    roles = []
    sides = _sides(paths) if spec.row_key is RowKey.TWO_SIDED else [(None, path) for path in paths]
    for c, (side, path) in enumerate(sides):
        label = _label_role(path)
        key = None if label else (match_amount_key(path, spec.columns_for_side(side)) if path else None)
        if near and path and label is None and key is None:
            key = near_amount_key(path, spec.columns_for_side(side))
        values = [row[c] for row in body]
        if label is None and key is None and _mostly_text(values):
            label = "name"
        elif label is None and key is None and not path and side and any(v.strip() for v in values):
            # 收入 | 支出 is the whole header (江苏): an unlabelled column of figures is the side's amount
            key = spec.columns_for_side(side)[0]
        block = []  # the label columns since the last amount column of this side
        for role in reversed(roles):
            if role.side != side:
                continue
            if role.kind != "label":
                break
            block.append(role)
        if label in ("name", "code", "code_1", "code_2", "code_3") and any(r.key == label for r in block):
            earlier = next(r for r in block if r.key == label)
            if spec.row_key is RowKey.ECONOMIC_CODE and "部门" in "".join(path) and "部门" not in "".join(earlier.path):
                # t06 by both economic classifications: the department one (301…) keys the row, not 501…
                roles[roles.index(earlier)] = ColumnRole("label", "extra", earlier.side, earlier.path)
            else:
                # a second classification (经济分类 beside 功能分类) is kept out of the row key; a second
                # name column names the rows the first leaves blank (采购品目大类 | … | 采购物品名称)
                label = "alt_name" if label == "name" else "extra"
        if label:
            roles.append(ColumnRole("label", label, side, path))
        elif key:
            roles.append(ColumnRole("amount", key, side, path))
        else:
            roles.append(ColumnRole("other", f"other:{'/'.join(path)}", side, path))
    return roles


def body_cells(
    grid: Grid, start: int, column_map: list[int] | None = None, width: int | None = None, last_columns: list[int] | None = None
) -> list[list[GridCell | None]]:
    """Cells below the header, one list per row; a label merged down over rows repeats on each.

    ``column_map`` places a continuation page's columns among the table's
    ``width`` columns (a column with no figures on that page may be missing);
    ``last_columns``, where a column of the page spans a run of the table's
    (江苏: 支出合计 across the 功能分类 and 支出用途 labels), the last of the run.
    """
    matrix = grid.covering()
    column_map = column_map or list(range(grid.n_cols))
    last_columns = last_columns or column_map
    width = width or grid.n_cols
    rows = []
    for r in range(start, grid.n_rows):
        placed: list[GridCell | None] = [None] * width
        for c in range(grid.n_cols):
            cell = matrix[r][c]
            if cell is not None and cell.row >= start and (cell.row == r or not looks_like_amount(cell.text)):
                placed[column_map[c]] = cell if cell.col == c else _Spanned(cell)
                if cell.col == c and not looks_like_amount(cell.text):
                    for j in range(column_map[c] + 1, last_columns[c] + 1):
                        placed[j] = _Spanned(cell)
        rows.append(placed)
    return rows


@dataclass(frozen=True)
class _Spanned:
    """A column covered by a cell that starts further left: its text belongs to that
    cell, and is repeated only where a label column needs it (see ``spanned_text``)."""

    cell: GridCell

    @property
    def text(self) -> str:
        return ""

    @property
    def indent(self) -> float | None:
        return None


def spanned_text(cell: GridCell | _Spanned | None) -> str:
    """The text a label column shows: its own, or that of a label merged across it."""
    if isinstance(cell, _Spanned):
        return cell.cell.text
    return cell.text if cell else ""


def body_rows(grid: Grid, start: int) -> list[tuple[str, ...]]:
    """Row texts below the header."""
    return [tuple(cell.text if cell else "" for cell in row) for row in body_cells(grid, start)]


def header_texts(grid: Grid, start: int, n_header: int) -> list[tuple[str, ...]]:
    """Rows as normalised texts, to recognise a header repeated on a continuation page."""
    matrix = grid.covering()
    return [
        tuple(header_text(cell.text) if cell is not None and cell.row == r and cell.col == c else "" for c, cell in enumerate(matrix[r]))
        for r in range(start, min(start + n_header, grid.n_rows))
    ]
