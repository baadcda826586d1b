"""The "三公" table printed sideways: items as column headers, figures in rows.

    合计 | “三公”经费                                         | 会议费
         | 小计 | 因公出国（境）费 | 公务用车购置及运行维护费 | …
    1,656.86 | 675.10 | 106.00 | 156.60 | …

comes out as the item rows it stands for: (合计, total, 1656.86),
(“三公”经费, total, 675.10), (因公出国（境）费, total, 106.00), …; a column
split by source of funds (…/一般公共预算) gives that source's key instead of
``total``.  Where the table also prints other years (上年 / 当年 / 增减变化,
as column groups or as rows labelled 2025年 / 2026年), the budget year's
figures take those keys and the others are kept as ``other:<period>`` (and
``/<source>``), never mixed in.
"""

from __future__ import annotations

import re
from dataclasses import replace

from schemas import ColumnRole, RawRow, RawTable, compact_label, header_text, match_amount_key

_SOURCES = ("general_budget", "gov_fund", "state_capital")
_SUBTOTAL = {header_text(word) for word in ("小计", "合计", "金额")}
_ITEM_WORDS = re.compile(r"三公|因公出国|公务接待|公务用车|会议费|培训费")
_PERIOD = re.compile(r"^(上年|当年|本年|增减.*|20\d\d年.*|(上年|当年|本年)?(预算数|执行数))$")
_CURRENT = re.compile(r"^(当年|本年|预算数)")
_INDENT_STEP = 10.0


def is_sideways(columns: list[ColumnRole]) -> bool:
    """The items are printed across the header rather than down the rows."""
    return sum(1 for role in columns if role.kind != "label" and any(_ITEM_WORDS.search(p) for p in role.path)) >= 2


def _item_and_source(path: tuple[str, ...]) -> tuple[str, int, str, str]:
    """(item, its depth in the header, key, printed source label) of one column below its period."""
    key = match_amount_key(path[-1:], _SOURCES) if len(path) > 1 else None
    item_path = path[:-1] if key else path
    if len(item_path) > 1 and header_text(item_path[-1]) in _SUBTOTAL:
        item_path = item_path[:-1]  # 公务用车购置及运行维护费 / 小计 is that item's own figure
    return (item_path[-1] if item_path else ""), len(item_path) - 1, (key or "total"), (path[-1] if key else "")


def _current(periods: set[str]) -> str | None:
    """The budget year among the printed periods: 当年/本年, else the latest year."""
    for period in periods:
        if _CURRENT.match(period):
            return period
    years = sorted(p for p in periods if re.match(r"20\d\d年", p))
    return years[-1] if years else None


def sideways_to_table(raw: RawTable) -> RawTable:
    """One item row per printed column (and per printed row of figures)."""
    labels = [i for i, role in enumerate(raw.columns) if role.kind == "label"]
    figures = [i for i, role in enumerate(raw.columns) if role.kind != "label"]
    placed = {}
    for i in figures:
        path = raw.columns[i].path
        period = path[0] if len(path) > 1 and _PERIOD.match(path[0]) else None
        placed[i] = (period, *_item_and_source(path[1:] if period else path))
    row_periods = {}
    for row in raw.rows:
        texts = [compact_label(row.cells[i]) for i in labels if row.cells[i].strip()]
        row_periods[id(row)] = next((t for t in texts if _PERIOD.match(t)), None)
    current = _current({p for p, *_ in placed.values() if p} | {p for p in row_periods.values() if p})

    keys: dict[str, None] = {}
    rows = []
    for row in raw.rows:
        if not any(row.cells[i].strip() for i in figures):
            continue
        values: dict[tuple[str, str], str] = {}
        items: dict[str, int] = {}
        for i in figures:
            column_period, item, depth, key, source = placed[i]
            period = column_period or row_periods[id(row)]
            if period is not None and period != current:
                key = f"other:{period}" + (f"/{source}" if source else "")
            if item:
                items[item] = depth
                keys[key] = None
                values[(item, key)] = row.cells[i]
        rows.append((row.page, items, values))
    ordered = list(keys)
    columns = (
        ColumnRole("label", "name", None, ("项目",)),
        *(ColumnRole("period" if key.startswith("other:") else "amount", key, None, (key,)) for key in ordered),
    )
    # The header's nesting (“三公”经费 › 公务用车… › 公务用车购置费) becomes the
    # item rows' indentation, so the checks find each item's parts.
    body = tuple(
        RawRow(page, (item, *(values.get((item, key), "") for key in ordered)), (_INDENT_STEP * depth, *([None] * len(ordered))))
        for page, items, values in rows
        for item, depth in items.items()
    )
    return replace(raw, columns=columns, rows=body)
