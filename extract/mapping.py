"""Layer two: each printed table → the registry's table id and column roles.

Only here is the registry asked what a table is: its title names the id
(``match_title``), its header paths name the columns (``paths_to_roles``).
Nothing is dropped: a table the registry cannot name, or whose header it
cannot read, is kept under the generic id with ``other:`` columns; a
table without a single figure (绩效目标表, a ruled box of prose) is
recorded and left out of lines/ on purpose.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from budgetpdf.extract.header import paths_to_roles
from budgetpdf.extract.printed import PrintedTable
from budgetpdf.extract.sideways import is_sideways, sideways_to_table
from budgetpdf.extract.vertical import is_vertical, vertical_to_table
from budgetpdf.normalize import looks_like_amount
from budgetpdf.schemas import GENERIC_ID, Problem, RawRow, RawTable, RowKey, is_text_table, match_title, spec_for


_CODE_PARTS = ("code_1", "code_2", "code_3")
_PERFORMANCE_TARGETS = "performance targets: words and indicator values, left out of lines/"


@dataclass(frozen=True)
class Mapping:
    """What the registry made of one printed table."""

    table: PrintedTable
    outcome: str  # mapped / generic / text_only
    reason: str
    raw: RawTable | None  # None for text_only
    problem: Problem | None = None

    @property
    def figure_cells(self) -> int:
        """Cells holding a figure in a column that labels no row: what must reach lines/."""
        if self.raw is None:
            return 0
        columns = [i for i, role in enumerate(self.raw.columns) if role.kind != "label"]
        return sum(looks_like_amount(row.cells[i]) for row in self.raw.rows for i in columns)


def _rows(table: PrintedTable, label_columns: set[int]) -> tuple[RawRow, ...]:
    """Body rows as the mapping sees them: a label column shows a label merged across it
    (当年支出小计 over both expenditure halves names both), a figure column only its own cell."""
    return tuple(
        RawRow(row.page, tuple(row.spanned[c] if c in label_columns else row.cells[c] for c in range(len(row.cells))), row.indents)
        for row in table.rows
    )


def _raw(table: PrintedTable, table_id: str, body: list[tuple[str, ...]]) -> RawTable:
    spec = spec_for(table_id)
    columns = paths_to_roles(table.paths, spec, body, near=table.read_by_ocr)
    # a label merged across the code parts (201 over 类 | 款 | 项) is their one code: it is not repeated in each
    labels = {c for c, role in enumerate(columns) if role.kind == "label" and role.key not in _CODE_PARTS}
    raw = RawTable(table_id, table.title, table.unit, tuple(table.pages), tuple(columns), _rows(table, labels), number=table.number)
    if spec.row_key is RowKey.ITEM and table_id != GENERIC_ID and is_sideways(columns):
        return sideways_to_table(raw)
    if table_id != GENERIC_ID and is_vertical(raw, spec):
        return vertical_to_table(raw, spec)
    return raw


def map_printed_table(table: PrintedTable) -> Mapping:
    """The registry's reading of one printed table; a table with figures is never left without one."""
    body = [row.cells for row in table.rows]
    if is_text_table(table.title, table.paths, body):
        return Mapping(table, "text_only", _PERFORMANCE_TARGETS, None)
    match = match_title(table.title, in_grid=True) if table.title else None  # layer one judged it a title already
    if match is not None:
        raw = _raw(table, match.table_id, body)
        readable = any(role.kind == "amount" for role in raw.columns)
        if readable or not table.has_figures:
            return Mapping(table, "mapped", f"title names {match.table_id}", raw)
        message = f"{match.table_id} on page {table.pages[0]}: the header names no column the registry knows; kept as {GENERIC_ID}"
        problem = Problem("header_unmapped", match.table_id, table.pages[0], message)
        return Mapping(table, "generic", "header names no known column", _raw(table, GENERIC_ID, body), problem)
    if table.has_figures:
        reason = "title the registry does not know" if table.title else "no title"
        return Mapping(table, "generic", reason, _raw(table, GENERIC_ID, body))
    return Mapping(table, "text_only", "no figures: left out of lines/", None)


def _pieces_of_performance_targets(mappings: list[Mapping]) -> list[Mapping]:
    """An untitled grid on a page of performance targets is a piece of them (北京 rules
    项目名称 | 项目总额 | 财政资金 apart from the indicators beside it): left out with them."""
    target_pages = {page for m in mappings if m.reason == _PERFORMANCE_TARGETS for page in m.table.pages}
    return [
        Mapping(m.table, "text_only", f"{_PERFORMANCE_TARGETS} (a piece of the table beside it)", None)
        if m.outcome == "generic" and m.table.title is None and set(m.table.pages) <= target_pages
        else m
        for m in mappings
    ]


def map_printed_tables(tables: tuple[PrintedTable, ...]) -> tuple[Mapping, ...]:
    """Every printed table of a document mapped; a table that stands in for a standard
    one the document does not print takes its id; ``table_no`` 1, 2, … numbers the
    printings of one id in printed order."""
    mappings = _pieces_of_performance_targets([map_printed_table(table) for table in tables])
    present = {m.raw.table_id for m in mappings if m.raw}
    for i, m in enumerate(mappings):
        standard = spec_for(m.raw.table_id).stands_in_for if m.raw else None
        if standard and standard not in present:
            body = [row.cells for row in m.table.rows]
            raw = _raw(m.table, standard, body)
            mappings[i] = replace(m, raw=raw, reason=f"{m.reason}; printed in place of {standard}, which the document lacks")
            present.add(standard)
    seen: Counter = Counter()
    numbered = []
    for m in mappings:
        if m.raw is not None:
            seen[m.raw.table_id] += 1
            m = replace(m, raw=replace(m.raw, table_no=seen[m.raw.table_id]))
        numbered.append(m)
    return tuple(numbered)
