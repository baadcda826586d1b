"""The rows of the contract as typed values, before they become Arrow."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class DocForm(str, Enum):
    """What a disclosure prints: its tables and the prose explaining them, one of the two, or page images."""

    FULL = "full"
    TABLES_ONLY = "tables_only"
    NARRATIVE_ONLY = "narrative_only"
    SCANNED = "scanned"


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
    table_no: int = 1  # which printing of ``table_id`` (1, 2, …) when a document prints two tables of one id
    table_title: str | None = None  # the title of the printed table the line came from
    printed: Decimal | None = None  # the figure as printed, before conversion to 万元 (for the figure audit)
    group: str = ""  # the unit of a per-unit table the row belongs to; the checks stay within it
    ocr: bool = False  # read by OCR from a page image
    ocr_verified: bool | None = None  # OCR figures: True where an identity that holds vouches for it (schemas/verify.py)


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
    table_no: int | None = None  # which printing of ``table_id``, where the check is about one table
    # not published: the figures compared, each with +1 (summed into ``expected``) or -1 (``actual``),
    # so that an OCR figure knows which identities vouch for it (schemas/verify.py)
    figures: tuple[tuple[tuple, int], ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something extraction could not do, as a record with a stable code.

    Codes: ``header_unmapped`` (a table named by its title whose header the
    registry cannot read: kept under the generic id), ``unit_assumed`` (no
    unit printed or inferable: 万元 assumed), ``amount_unreadable`` (cells
    that should hold figures and do not), ``no_lines`` (the document prints
    tables with figures, and none of them reached lines/), ``text_undecodable``
    (a share of its characters decode to no character: ``(cid:N)``, U+FFFD).
    """

    code: str
    table_id: str | None
    page: int | None
    message: str


@dataclass(frozen=True)
class PrintedTableRecord:
    """One table the document prints, and what the registry made of it."""

    number: int  # 1-based, in printed order
    table_id: str | None  # None: not read (no figures and no title the registry knows)
    table_no: int | None
    title: str | None
    pages: tuple[int, ...]
    unit: str | None
    unit_source: str | None
    outcome: str  # mapped / generic / text_only
    reason: str


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
    unit_source: str | None = None  # the least certain source of any table's unit: printed / document / sibling / inferred / assumed
    figures_printed: int = 0  # figures in the text layer of the pages that hold tables
    figures_read: int = 0  # how many of them reached lines/
    problems: tuple[Problem, ...] = ()
    printed_tables: tuple[PrintedTableRecord, ...] = ()
    doc_form: str | None = None  # full / tables_only / narrative_only / scanned; None: not a disclosure, or not read
    province: str | None = None  # where the department is, from its name and the cover; None where they do not settle it
    city: str | None = None
    county: str | None = None
    division_code: str | None = None  # the six-digit 行政区划代码 of the most specific place settled
    ocr_pages: int = 0  # pages without a text layer, read by OCR
    ocr_figures: int = 0  # figures (lines and facts) read by OCR
    ocr_verified: int = 0  # of them, vouched for by an identity that holds


@dataclass(frozen=True)
class ColumnRole:
    """What one printed column holds, decided from its flattened header.

    ``kind`` is ``label`` (``key`` is a label role: code_1/code_2/code_3,
    code, name, alt_name (a second name column, for rows the first leaves
    blank), project, unit, unit_code, extra), ``amount`` (``key`` is an amount key),
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
    # the unit a row belongs to where a table is printed once per unit (西安's "三公" table)
    group: str = ""


@dataclass(frozen=True)
class RawTable:
    """One printed table mapped onto the registry: strings only, nothing interpreted."""

    table_id: str
    title: str | None
    unit: str | None
    pages: tuple[int, ...]
    columns: tuple[ColumnRole, ...]
    rows: tuple[RawRow, ...]
    table_no: int = 1  # which printing of table_id in the document
    number: int = 0  # the printed table it came from (PrintedTableRecord.number)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the running text, whitespace removed, with the page each character is printed on."""

    text: str
    pages: tuple[int, ...]
    heading: str | None = None  # the nearest heading above it: names a figure the sentence itself does not (（一）因公出国（境）费用)


@dataclass(frozen=True)
class Fact:
    """One figure stated in the prose, in 万元; ``sentence`` is the evidence and holds the figure."""

    key: str
    amount: Decimal | None  # None: the sentence states only the change (比上年增加 5.89 万元)
    previous_amount: Decimal | None
    change_amount: Decimal | None
    change_pct: Decimal | None
    page: int
    sentence: str
    precision: Decimal | None = None  # one unit of the amount's last printed digit, in 万元; not published
    ocr: bool = False  # read by OCR from a page image
    ocr_verified: bool | None = None  # OCR facts: True where an identity that holds vouches for every figure it states


def figure_ref(line: Line) -> tuple:
    """What names one printed figure of the lines across checks: its table, printing, side, block, row and column."""
    return ("line", line.table_id, line.table_no, line.side, line.block, line.group, line.row_no, line.column)


def fact_ref(index: int, field: str) -> tuple:
    """One figure of the document's ``index``-th fact: ``amount``, ``previous_amount``, ``change_amount`` or ``change_pct``."""
    return ("fact", index, field)
