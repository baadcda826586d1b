"""The "三公" table printed sideways: items as column headers, figures in one row.

    合计 | “三公”经费                                         | 会议费
         | 小计 | 因公出国（境）费 | 公务用车购置及运行维护费 | …
    1,656.86 | 675.10 | 106.00 | 156.60 | …

comes out as the item rows it stands for: (合计, total, 1656.86),
(“三公”经费, total, 675.10), (因公出国（境）费, total, 106.00), …; a column
split by source of funds (…/一般公共预算) gives that source's key instead
of ``total``.
"""

from __future__ import annotations

from schemas import ColumnRole, RawRow, RawTable, header_text, match_amount_key

_SOURCES = ("general_budget", "gov_fund", "state_capital")
_SUBTOTAL = {header_text(word) for word in ("小计", "合计", "金额")}
MAX_ROWS = 1


def is_sideways(columns: list[ColumnRole], rows: list[tuple[str, ...]]) -> bool:
    """No column names the rows, and there is a single row of figures."""
    filled = [row for row in rows if any(cell.strip() for cell in row)]
    return not any(role.kind == "label" for role in columns) and 0 < len(filled) <= MAX_ROWS


def _item_and_key(path: tuple[str, ...]) -> tuple[str, str]:
    key = match_amount_key(path[-1:], _SOURCES) if len(path) > 1 else None
    item_path = path[:-1] if key else path
    if len(item_path) > 1 and item_path[-1] in _SUBTOTAL:
        item_path = item_path[:-1]  # 公务用车购置及运行维护费 / 小计 is that item's own figure
    return (item_path[-1] if item_path else ""), (key or "total")


def sideways_to_table(raw: RawTable) -> RawTable:
    """Turn each printed column into an item row."""
    placed = [_item_and_key(role.path) for role in raw.columns]
    keys = list(dict.fromkeys(key for _, key in placed))
    items = list(dict.fromkeys(item for item, _ in placed if item))
    source = next(row for row in raw.rows if any(cell.strip() for cell in row.cells))
    values = {(item, key): cell for (item, key), cell in zip(placed, source.cells)}
    columns = (ColumnRole("label", "name", None, ("项目",)), *(ColumnRole("amount", key, None, (key,)) for key in keys))
    rows = tuple(RawRow(source.page, (item, *(values.get((item, key), "") for key in keys))) for item in items)
    return RawTable(raw.table_id, raw.title, raw.unit, raw.pages, columns, rows)
