"""Which unit (万元 or 元) each table's figures are in, and how sure that is.

A unit never costs the figures: a table that prints none takes, in this
order, the unit the document states for all its tables, the unit of a
sibling table printed beside it, a unit inferred from a total that ties to
a table whose unit is known, and finally 万元, assumed and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgetpdf.extract import ExtractedDocument
from budgetpdf.normalize import NormalizeParams, table_to_lines
from budgetpdf.schemas import TIES, Line, RawTable, spec_for

UNIT_SOURCES = ("printed", "document", "sibling", "inferred", "assumed")  # most certain first
_FACTOR = Decimal(10000)  # 元 per 万元


@dataclass(frozen=True)
class UnitChoice:
    unit: str
    source: str  # one of UNIT_SOURCES


def least_certain(sources: list[str]) -> str | None:
    return max(sources, key=UNIT_SOURCES.index, default=None)


def _sibling_unit(tables: tuple[RawTable, ...], index: int) -> str | None:
    """The unit of the nearest table printed on the same or an adjacent page, the one before first."""
    pages = set(tables[index].pages)
    for other in [*reversed(tables[:index]), *tables[index + 1 :]]:
        if other.unit and any(abs(p - q) <= 1 for p in other.pages for q in pages):
            return other.unit
    return None


def _totals(lines: list[Line], table_id: str, column: str, side: str | None) -> list[Decimal]:
    """The total rows of the first printing of a table, in one column."""
    return [l.amount for l in lines if l.table_id == table_id and l.table_no == 1 and l.is_total and l.column == column and l.side == side]


def _inferred_unit(raw: RawTable, known: list[Line], department: str | None) -> str | None:
    """万元 or 元, where a total of ``raw`` read in 万元 equals a tied total of known unit, or is 10,000 times it."""
    as_wan, _ = table_to_lines(raw, spec_for(raw.table_id), NormalizeParams("万元", department))
    for tie in TIES:
        for mine, theirs in ((tie.left, tie.right), (tie.right, tie.left)):
            if mine.table_id != raw.table_id:
                continue
            own = _totals(as_wan, raw.table_id, mine.column, mine.side)
            other = _totals(known, theirs.table_id, theirs.column, theirs.side)
            if not own or not other:
                continue
            if own[-1] in other:
                return "万元"
            if own[-1] / _FACTOR in other:
                return "元"
    return None


def resolve_units(extracted: ExtractedDocument) -> dict[int, UnitChoice]:
    """Each table's unit, by its printed number."""
    tables = extracted.tables
    stated = set(extracted.loose_units)
    document_unit = stated.pop() if len(stated) == 1 else None
    choices: dict[int, UnitChoice] = {}
    for index, raw in enumerate(tables):
        if raw.unit:
            choices[raw.number] = UnitChoice(raw.unit, "printed")
        elif document_unit:
            choices[raw.number] = UnitChoice(document_unit, "document")
        elif sibling := _sibling_unit(tables, index):
            choices[raw.number] = UnitChoice(sibling, "sibling")
    unresolved = [raw for raw in tables if raw.number not in choices]
    if not unresolved:
        return choices  # the common case: no table needs its totals read to learn its unit
    known = [
        line
        for raw in tables
        if raw.number in choices
        for line in table_to_lines(raw, spec_for(raw.table_id), NormalizeParams(choices[raw.number].unit, extracted.department))[0]
    ]
    for raw in unresolved:
        inferred = _inferred_unit(raw, known, extracted.department)
        choices[raw.number] = UnitChoice(inferred, "inferred") if inferred else UnitChoice("万元", "assumed")
    return choices
