"""A table as printed (strings) → the contract's lines (codes, names, Decimals).

Pure: no PDF, no I/O.  The only inputs are the RawTable, the table's
registry entry and a few facts about the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from budgetpdf.normalize.amounts import AmountError, parse_amount, to_wanyuan
from budgetpdf.normalize.codes import CLASSIFICATION_FIRST_DIGITS, UNIT_CODE_DIGITS, code_level, fill_down_codes, parent_code, split_leading_code
from budgetpdf.normalize.names import (
    clean_name,
    is_total_label,
    meaningful_indents,
    nest_by_sums,
    outline_levels,
    split_outline,
    strip_subtotal_suffix,
)
from budgetpdf.schemas import CheckResult, ColumnRole, Line, RawTable, RowKey, TableSpec
from budgetpdf.schemas.classification import ALSO_ECONOMIC, FUNCTION_CLASSES

_CODE_PARTS = ("code_1", "code_2", "code_3")
_OF_WHICH = re.compile(r"^其中\s*[:：]")


@dataclass(frozen=True)
class NormalizeParams:
    """What normalising a table needs to know about its document."""

    unit: str
    department: str | None = None


@dataclass(frozen=True)
class _SideRow:
    row_no: int
    page: int
    code: str | None
    label: str
    project: str | None
    amounts: tuple[tuple[ColumnRole, str], ...]
    is_unit: bool = False  # labelled in the 单位 column: a (sub-)unit's own row
    indent: float | None = None  # of the name, where the table nests names by indentation
    unit_code: str = ""  # 121, 121001: a sub-unit's code extends its parent's
    category: str = ""  # printed beside a sub-item: the category whose 小计 row it belongs under
    group: str = ""  # the unit of a per-unit table (RawRow.group)


def table_to_lines(raw: RawTable, spec: TableSpec, params: NormalizeParams) -> tuple[list[Line], list[CheckResult]]:
    """Interpret every body row of ``raw``; report what cannot be read instead of guessing."""
    lines: list[Line] = []
    checks = [
        _unmapped_column(raw, role)
        for i, role in enumerate(raw.columns)
        if role.kind == "other" and spec.amount_columns and any(row.cells[i].strip() for row in raw.rows)
    ]  # a generic table declares no columns: every one of them is other: by design
    for block, (side, indices) in enumerate(_blocks(raw.columns)):
        side_rows = _codes_from_class_names(_side_rows(raw, spec, indices))
        levels = _outline(side_rows, spec, params)
        for side_row, level in zip(side_rows, levels):
            side_lines, side_checks = _row_lines(raw, spec, params, side, side_row, level, block)
            lines += side_lines
            checks += side_checks
    return lines, checks


def _blocks(columns: tuple[ColumnRole, ...]) -> list[tuple[str | None, list[int]]]:
    """Columns grouped into blocks: label columns, then the amounts they key.

    Most tables are one block per side; some print a side two or three times
    across the page (Xi'an: expenditure by function, then by economic class),
    each block with its own names.
    """
    blocks: list[tuple[str | None, list[int]]] = []
    for i, role in enumerate(columns):
        previous = columns[i - 1] if i else None
        new_block = previous is None or previous.side != role.side or (role.kind == "label" and previous.kind != "label")
        if new_block:
            blocks.append((role.side, []))
        blocks[-1][1].append(i)
    return blocks


def _side_rows(raw: RawTable, spec: TableSpec, indices: list[int]) -> list[_SideRow]:
    roles = [raw.columns[i] for i in indices]
    part_columns = [j for j, role in enumerate(roles) if role.kind == "label" and role.key in (*_CODE_PARTS, "code")]
    printed_parts: list[tuple[str, ...]] = []
    fragments: list[list[str]] = []
    for row in raw.rows:
        cells = [row.cells[i] for i in indices]
        parts, names = [], []
        for j in part_columns:
            # a code wrapped in a narrow cell (20 | 1) is one code
            text = re.sub(r"\s+", "", cells[j]) if re.fullmatch(r"\s*\d+(\s+\d+)+\s*", cells[j]) and "\n" in cells[j] else cells[j]
            digits, rest = split_leading_code(text)
            if digits is None and roles[j].key in ("code_2", "code_3") and re.fullmatch(r"\s*\d\s*", text):
                digits, rest = text.strip(), ""  # a 款 or 项 printed without its leading zero (普陀: 301 | 2)
            parts.append(digits or "")
            if rest:
                names.append(rest)
        printed_parts.append(tuple(parts))
        fragments.append(names)
    codes = fill_down_codes(printed_parts) if part_columns else [None] * len(raw.rows)

    result = []
    for row_no, (row, code, names) in enumerate(zip(raw.rows, codes, fragments), start=1):
        cells = [row.cells[i] for i in indices]
        label = clean_name(" ".join(cells[j] for j, role in enumerate(roles) if role.kind == "label" and role.key == "name"))
        label = label or clean_name(" ".join(names))
        label = label or clean_name(" ".join(cells[j] for j, role in enumerate(roles) if role.kind == "label" and role.key == "alt_name"))
        unit = clean_name(" ".join(cells[j] for j, role in enumerate(roles) if role.kind == "label" and role.key == "unit"))
        unit_code = "".join(cells[j].strip() for j, role in enumerate(roles) if role.kind == "label" and role.key == "unit_code")
        unit_code = unit_code if any(ch.isdigit() for ch in unit_code) else ""  # "-" holds the place of none
        if code is not None and len(code) == UNIT_CODE_DIGITS:
            unit_code, code = code, None  # 西安: sub-units listed in the code column, their codes under them
        is_unit = code is None and ((bool(unit) and not label) or bool(unit_code))
        label = label or unit
        if not label:
            # 合计 printed across the label columns lands in whichever one its merged cell starts in
            spare = [clean_name(cells[j]) for j, role in enumerate(roles) if role.kind == "label" and role.key != "project"]
            label = next((text for text in spare if is_total_label(text)), "")
        if code is None:
            inline_code, rest = split_leading_code(label)
            if inline_code and code_level(inline_code) and inline_code[0] in CLASSIFICATION_FIRST_DIGITS:
                code, label = inline_code, clean_name(rest)
        project = clean_name(" ".join(cells[j] for j, role in enumerate(roles) if role.kind == "label" and role.key == "project"))
        category = ""
        if spec.row_key not in (RowKey.PROJECT, RowKey.FUNCTION_CODE_PROJECT):
            # 项目名称 in a table of items names the item; printed as category | sub-item
            # (江苏 收入预算总表), a sub-item 小计 is the category's own figure
            if not label or (project and label in ("小计", "合计")):
                label = project
            elif project and project != label:
                category = project  # the category's other sub-items sit under it
            project = ""
        if (spec.row_key is RowKey.PROJECT or is_total_label(project)) and not label:
            # A project table whose only label column is 项目名称: its labels are
            # unit rows, project rows and totals alike; _row_lines tells them apart.
            # A 合计 there is the table's total in any project list (烟台 t07).
            label, project = project, ""
        amounts = tuple((role, cells[j]) for j, role in enumerate(roles) if role.kind != "label" and cells[j].strip())
        name_columns = [j for j, role in enumerate(roles) if role.kind == "label" and role.key == "name" and cells[j].strip()]
        indent = row.indents[indices[name_columns[0]]] if name_columns and row.indents else None
        if label or code or project or amounts:
            result.append(
                _SideRow(row_no, row.page, code, label, project or None, amounts, is_unit, indent, unit_code, category, row.group)
            )
    return result


def _codes_from_class_names(rows: list[_SideRow]) -> list[_SideRow]:
    """``一、一般公共服务支出`` printed without its code is 类 201.  Names the economic
    classifications print too (其他支出, 转移性支出, …) are 类 only in a list that names another 类."""
    names = [_class_name(split_outline(row.label)[1]) if row.code is None else "" for row in rows]
    functional = any(name in FUNCTION_CLASSES and name not in ALSO_ECONOMIC for name in names)
    codes = [FUNCTION_CLASSES.get(name) if functional or name not in ALSO_ECONOMIC else None for name in names]
    return [replace(row, code=code) if code else row for row, code in zip(rows, codes)]


_NOT_A_CLASS = re.compile(r"(预算|收入|资金|拨款)$")  # 国有资本经营预算 on the income side is a source of funds


def _class_name(name: str) -> str:
    """A 类 printed short, without its 支出 (西安 2020: 一般公共服务), by its registry name."""
    short = name and name not in FUNCTION_CLASSES and not _NOT_A_CLASS.search(name)
    return name + "支出" if short and name + "支出" in FUNCTION_CLASSES else name


def _is_unit_row(side_row: _SideRow, spec: TableSpec, params: NormalizeParams) -> bool:
    if side_row.is_unit:
        return True
    return (
        side_row.code is None
        and spec.row_key in (RowKey.PROJECT, RowKey.FUNCTION_CODE_PROJECT)
        and params.department is not None
        and clean_name(side_row.label) == clean_name(params.department)
    )


def _outline(rows: list[_SideRow], spec: TableSpec, params: NormalizeParams) -> list[int | None]:
    """Outline depth of rows that have no code and are no total; None for the rest."""
    depth: dict[int, int] = {}
    segment: list[_SideRow] = []
    opened_by: _SideRow | None = None  # the total before the segment
    for row in [*rows, None]:
        is_total = row is not None and row.code is None and is_total_label(row.label)
        new_group = row is not None and bool(segment) and row.group != segment[-1].group
        if row is not None and not is_total and not new_group:
            if row.code is None:
                segment.append(row)
            continue
        # a total row closes an outline; the rows after it start a new one
        # (本年收入合计 › 上年结转结余 › 收入总计); so does the next unit of a per-unit table
        kinds = [f"unit{len(r.unit_code)}" if _is_unit_row(r, spec, params) else split_outline(r.label)[0] for r in segment]
        levels = outline_levels(kinds, [r.indent for r in segment])
        if spec.row_key in (RowKey.PROJECT, RowKey.FUNCTION_CODE_PROJECT):
            levels = _nest_unmarked_projects(segment, kinds, levels)
        elif is_total:
            levels = _nest_unmarked_rows(segment, kinds, levels, opened_by, row)
        levels = _nest_sub_items(segment, levels)
        depth.update(zip((r.row_no for r in segment), levels))
        segment, opened_by = [], (row if is_total else None)
        if new_group and row.code is None:
            segment.append(row)
    return [depth.get(r.row_no) for r in rows]


def _nest_unmarked_rows(
    rows: list[_SideRow], kinds: list[str | None], levels: list[int], opened_by: _SideRow | None, closed_by: _SideRow
) -> list[int]:
    """Rows between two totals (西安 t04: 年初结转和结余 then its 一般公共预算 /
    政府性基金 parts) make up the difference of the two totals."""
    close = _first_figure(closed_by)
    open_ = _first_figure(opened_by) if opened_by is not None else Decimal(0)
    if close is None or open_ is None:
        return levels
    return _nest_by_figures(rows, kinds, close - open_) or levels


def _nest_by_figures(rows: list[_SideRow], kinds: list[str | None], total: Decimal | None) -> list[int] | None:
    """Depths for rows printed with no prefix and no indentation, as their figures
    add up to ``total`` (see :func:`nest_by_sums`); None where something is printed
    to show the nesting, or no nesting adds up.  A blank row counts as zero."""
    if not rows or total is None or any(kinds) or meaningful_indents([r.indent for r in rows]):
        return None
    return nest_by_sums([_first_figure(r) or Decimal(0) for r in rows], total)


def _nest_sub_items(rows: list[_SideRow], levels: list[int]) -> list[int]:
    """A sub-item printed beside its category goes one level below the category's 小计 row."""
    levels = list(levels)
    for i, row in enumerate(rows):
        if row.category:
            head = next((j for j in range(i - 1, -1, -1) if rows[j].label == row.category and not rows[j].category), None)
            if head is not None:
                levels[i] = levels[head] + 1
    return levels


def _first_figure(row: _SideRow) -> Decimal | None:
    try:
        return next((parse_amount(text) for role, text in row.amounts if role.kind == "amount"), None)
    except AmountError:
        return None


def _nest_unmarked_projects(rows: list[_SideRow], kinds: list[str | None], levels: list[int]) -> list[int]:
    """Under each unit, projects listed with nothing to show their nesting
    (西安 t07: 通用项目 › 办公用房物业管理服务项目 › 食堂包厨服务) make up the unit's figure."""
    levels = list(levels)
    units = [i for i, kind in enumerate(kinds) if kind and kind.startswith("unit")]
    for start, end in zip(units, [*units[1:], len(rows)]):
        nesting = _nest_by_figures(rows[start + 1 : end], kinds[start + 1 : end], _first_figure(rows[start]))
        for i, depth in enumerate(nesting or (), start=start + 1):
            levels[i] = levels[start] + depth
    return levels


def _row_lines(
    raw: RawTable, spec: TableSpec, params: NormalizeParams, side: str | None, row: _SideRow, level: int | None, block: int
) -> tuple[list[Line], list[CheckResult]]:
    is_total = row.code is None and is_total_label(row.label)
    item: str | None = strip_subtotal_suffix(split_outline(row.label)[1]) or None
    project = row.project or row.group or None  # a per-unit table's rows name their unit here
    uncoded_project = spec.row_key is RowKey.FUNCTION_CODE_PROJECT and row.code is None and project is None
    if (spec.row_key is RowKey.PROJECT or uncoded_project) and not is_total and not _is_unit_row(row, spec, params):
        # a project table's rows, or a project listed with no function code (深圳 项目支出总表)
        item, project = None, row.label or None
    lines, checks = [], []
    for role, text in row.amounts:
        try:
            value = parse_amount(text)
        except AmountError as error:
            if not spec.amount_columns:
                continue  # a generic table declares no figure columns: words in one are words, not unreadable figures
            checks.append(
                CheckResult(
                    "amount_unreadable", raw.table_id, row.row_no, role.key, row.page, None, None, None, False, str(error), raw.table_no
                )
            )
            continue
        lines.append(
            Line(
                table_id=raw.table_id,
                page=row.page,
                row_no=row.row_no,
                side=side,
                code=row.code,
                code_level=code_level(row.code) if row.code else None,
                parent_code=parent_code(row.code) if row.code else None,
                item=item,
                project=project,
                column=role.key,
                amount=to_wanyuan(value, params.unit),
                is_total=is_total,
                outline_level=level,
                block=block,
                of_which=bool(_OF_WHICH.match(row.label)),
                table_no=raw.table_no,
                table_title=raw.title,
                printed=value,
                group=row.group,
            )
        )
    return lines, checks


def _unmapped_column(raw: RawTable, role: ColumnRole) -> CheckResult:
    return CheckResult(
        "column_unmapped",
        raw.table_id,
        None,
        role.key,
        raw.pages[0] if raw.pages else None,
        None,
        None,
        None,
        False,
        f"printed column {'/'.join(role.path)!r} matches no column key of {raw.table_id}; kept as {role.key}",
        raw.table_no,
    )
