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

from budgetpdf.schemas import ColumnRole, RawRow, RawTable, compact_label, header_text, match_amount_key

_SOURCES = ("general_budget", "gov_fund", "state_capital")
_SUBTOTAL = {header_text(word) for word in ("小计", "合计", "金额")}
_ITEM_WORDS = re.compile(r"三公|因公出国|公务接待|公务用车|会议费|培训费")
# a year heads a period (2025年, 2026年预算数), not a group that names items (2024年“三公”经费预算数)
_PERIOD = re.compile(r"^(上年|当年|本年|增减.*|20\d\d年度?(预算|决算|执行)?数?|(上年|当年|本年)?(预算数|执行数))$")
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


def _unit_groups(raw: RawTable, labels: list[int], figures: list[int]) -> dict[int, str]:
    """Per row of figures, the unit it is printed for, where the table is printed once per
    unit (西安: 合计, then 242 西安市人力资源和社会保障局, 242001 …); none for a single row."""
    named = {}
    for row in raw.rows:
        if any(row.cells[i].strip() for i in figures):
            texts = [row.cells[i].strip() for i in labels if row.cells[i].strip() and not _PERIOD.match(compact_label(row.cells[i]))]
            label = re.sub(r"\s+", "", " ".join(dict.fromkeys(texts)))  # a label merged across both columns once
            named[id(row)] = "" if header_text(label) in _SUBTOTAL else label
    return named if len(set(named.values()) - {""}) >= 2 else {}


def _align_periods(placed: dict[int, tuple], current: str | None) -> dict[int, tuple]:
    """Another period's columns name their items as the budget year's do, column for column,
    where both print as many (西安: 公务用车购置 under 2020年, 公务用车购置经费 under 增减变化情况)."""
    by_period: dict[str | None, list[int]] = {}
    for i, (period, *_rest) in placed.items():
        by_period.setdefault(period, []).append(i)
    reference = by_period.get(current, [])
    aligned = dict(placed)
    for period, columns in by_period.items():
        if period != current and len(columns) == len(reference):
            for i, j in zip(columns, reference):
                aligned[i] = (period, placed[j][1], placed[j][2], placed[i][3], placed[i][4])
    return aligned


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
    placed = _align_periods(placed, current)

    groups = _unit_groups(raw, labels, figures)
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
        rows.append((row.page, items, values, groups.get(id(row), "")))
    ordered = list(keys)
    columns = (
        ColumnRole("label", "name", None, ("项目",)),
        *(ColumnRole("period" if key.startswith("other:") else "amount", key, None, (key,)) for key in ordered),
    )
    # The header's nesting (“三公”经费 › 公务用车… › 公务用车购置费) becomes the
    # item rows' indentation, so the checks find each item's parts.
    body = tuple(
        RawRow(page, (item, *(values.get((item, key), "") for key in ordered)), (_INDENT_STEP * depth, *([None] * len(ordered))), group)
        for page, items, values, group in rows
        for item, depth in items.items()
    )
    return replace(raw, columns=columns, rows=body)
