"""A table printed down the page: its rows name the columns a horizontal one prints.

江苏 2017–2019 print 收入预算总表 as items down the page, under two levels of
row headers, with a single 金额 column:

    收入总计                                   | 13,649.07
    一般公共预算资金 | 小计                      | 13,649.07
                    | 公共财政拨款(补助)资金      | 13,649.07
    政府性基金       | 小计                      |

Every other region prints the same figures as one row across the columns
总计 | 一般公共预算 | 政府性基金 | …, so this table comes out as that row:
(收入总计, total, 13,649.07), (收入总计, general_budget, 13,649.07), and a
row no key names keeps its labels, ``other:一般公共预算资金/公共财政拨款(补助)资金``.
A category's 小计 is the category's own figure.
"""

from __future__ import annotations

from budgetpdf.schemas import ColumnRole, RawRow, RawTable, TableSpec, compact_label, header_text, match_amount_key

_SUBTOTAL = {header_text(word) for word in ("小计", "合计")}
_TOTAL = {header_text(word) for word in ("收入总计", "总计", "合计", "收入合计", "支出总计", "支出合计")}
_MIN_NAMED_ROWS = 2


def _row_path(raw: RawTable, row: RawRow) -> tuple[str, ...]:
    labels = [compact_label(row.cells[i]) for i, role in enumerate(raw.columns) if role.kind == "label" and row.cells[i].strip()]
    return tuple(dict.fromkeys(labels))  # a label merged across both columns, once


def _key(path: tuple[str, ...], spec: TableSpec) -> str | None:
    """The column a row's labels name: a category's 小计 is the category."""
    if path and header_text(path[-1]) in _SUBTOTAL:
        path = path[:-1]
    if len(path) == 1 and header_text(path[0]) in _TOTAL:
        return "total"
    return match_amount_key(path, spec.amount_columns) if path else None


def is_vertical(raw: RawTable, spec: TableSpec) -> bool:
    """One figure column, and rows whose labels name the table's columns (not codes)."""
    figures = [role for role in raw.columns if role.kind != "label"]
    if len(figures) != 1 or len(spec.amount_columns) < 3:
        return False
    named = {_key(_row_path(raw, row), spec) for row in raw.rows} - {None, "total"}
    return len(named) >= _MIN_NAMED_ROWS


def vertical_to_table(raw: RawTable, spec: TableSpec) -> RawTable:
    """The one row a horizontal table prints: each row's figure under the column it names."""
    figure = next(i for i, role in enumerate(raw.columns) if role.kind != "label")
    label = "合计"
    columns: list[ColumnRole] = [ColumnRole("label", "name", None, ("项目",))]
    cells: list[str] = []
    taken: set[str] = set()
    for row in raw.rows:
        path = _row_path(raw, row)
        key = _key(path, spec)
        if key == "total":
            label = path[0]
        if not row.cells[figure].strip():
            continue
        if key is None or key in taken:
            own = path[:-1] if len(path) > 1 and header_text(path[-1]) in _SUBTOTAL else path
            key = "other:" + "/".join(own)
            columns.append(ColumnRole("other", key, None, path))
        else:
            columns.append(ColumnRole("amount", key, None, path))
        taken.add(key)
        cells.append(row.cells[figure])
    page = raw.rows[0].page if raw.rows else (raw.pages[0] if raw.pages else 0)
    return RawTable(raw.table_id, raw.title, raw.unit, raw.pages, tuple(columns), (RawRow(page, (label, *cells)),), raw.table_no, raw.number)
