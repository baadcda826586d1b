"""The rows of the contract as typed values, before they become Arrow."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Status(str, Enum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    NOT_A_BUDGET = "not_a_budget"
    NEEDS_OCR = "needs_ocr"
    TIMEOUT = "timeout"  # not read within the batch's per-document time limit; its worker was killed


@dataclass(frozen=True)
class Line:
    """One printed amount cell, in 万元.

    Three fields are for the checks and are not published: ``of_which``, ``outline_level``,
    the row's depth in a printed outline (一、 › 1. › 其中) for rows that
    carry no code, and ``block``, which of the side's column blocks the cell
    is in when a side is printed more than once across the page.
    """

    table_id: str
    page: int
    row_no: int
    side: str | None
    code: str | None
    code_level: int | None
    parent_code: str | None
    item: str | None
    project: str | None
    column: str
    amount: Decimal
    is_total: bool
    outline_level: int | None = None
    block: int = 0
    of_which: bool = False  # printed as 其中：…, a part that need not exhaust its parent


@dataclass(frozen=True)
class CheckResult:
    """One validation of printed figures; a failure never changes a figure."""

    check: str
    table_id: str | None
    row: int | None
    column: str | None
    page: int | None
    expected: Decimal | None
    actual: Decimal | None
    tolerance: Decimal | None
    passed: bool
    message: str


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    source_path: str
    department: str | None
    year: int | None
    doc_kind: str | None
    unit: str | None
    pages: int
    tables_found: tuple[str, ...]
    tables_empty: tuple[str, ...]
    status: Status
    error: str | None
    extractor_version: str


@dataclass(frozen=True)
class ColumnRole:
    """What one printed column holds, decided from its flattened header.

    ``kind`` is ``label`` (``key`` is a label role: code_1/code_2/code_3,
    code, name, project), ``amount`` (``key`` is an amount key),
    ``period`` (the "三公" table's figures for another year than the budget
    year, or the change between them; ``key`` is ``other:<period>[/<source>]``)
    or ``other`` (an amount column no key matches; ``key`` is ``other:<label>``).
    """

    kind: str
    key: str
    side: str | None
    path: tuple[str, ...]


@dataclass(frozen=True)
class RawRow:
    page: int
    cells: tuple[str, ...]
    # per cell, points from its left rule to the text (None: empty or unknown)
    indents: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class RawTable:
    """One canonical table as read from the page(s): strings only, nothing interpreted."""

    table_id: str
    title: str
    unit: str | None
    pages: tuple[int, ...]
    columns: tuple[ColumnRole, ...]
    rows: tuple[RawRow, ...]
