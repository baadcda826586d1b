"""What the document says about itself: which printed table became what, and how many
of the figures its table pages print reached lines/."""

from __future__ import annotations

from collections import Counter, defaultdict

from budgetpdf.units import UnitChoice
from budgetpdf.extract import ExtractedDocument
from budgetpdf.schemas import Line, PrintedTableRecord, RawTable, TABLES_BY_ID


COVERAGE_FLOOR = 0.97  # below it, `make corpus` lists a document and the report marks it


def coverage(read: int, printed: int) -> float:
    """Share of the figures printed on table pages that reached lines/ (1.0 when none is printed)."""
    return read / printed if printed else 1.0


def audit_figures(extracted: ExtractedDocument, lines: list[Line]) -> tuple[int, int]:
    """(figures printed on the table pages, how many of them a line reads), page by page, value by value.

    A page that holds only tables left out on purpose (performance targets) is no table page.
    """
    kept_pages = {page for m in extracted.mappings if m.outcome != "text_only" for page in m.table.pages}
    text_pages = {page for m in extracted.mappings if m.outcome == "text_only" for page in m.table.pages} - kept_pages
    figures = {page: counted for page, counted in (extracted.figures or {}).items() if page not in text_pages}
    read: dict[int, Counter] = defaultdict(Counter)
    for line in lines:
        if line.printed is not None:
            read[line.page][line.printed] += 1
    printed = sum(sum(counted.values()) for counted in figures.values())
    matched = sum(sum((counted & read[page]).values()) for page, counted in figures.items())
    return printed, matched


def primary_printings(tables: tuple[RawTable, ...]) -> dict[str, int]:
    """Per table id, the printing whose totals tie to other tables: the one whose
    title has most of the registry's preferred words, the first of equals."""
    primary: dict[str, RawTable] = {}
    for raw in tables:
        kept = primary.get(raw.table_id)
        if kept is None or _preference(raw) > _preference(kept):
            primary[raw.table_id] = raw
    return {table_id: raw.table_no for table_id, raw in primary.items()}


def _preference(raw: RawTable) -> int:
    spec = TABLES_BY_ID.get(raw.table_id)
    return sum(word in (raw.title or "") for word in spec.preferred_words) if spec else 0


def printed_table_records(extracted: ExtractedDocument, units: dict[int, UnitChoice]) -> tuple[PrintedTableRecord, ...]:
    """Every printed table, in printed order, with what the registry made of it."""
    by_number = {raw.number: raw for raw in extracted.tables}
    records = []
    for mapping in extracted.mappings:
        table = mapping.table
        raw = by_number.get(table.number)
        unit = units.get(table.number)
        records.append(
            PrintedTableRecord(
                table.number,
                raw.table_id if raw else None,
                raw.table_no if raw else None,
                table.title,
                tuple(table.pages),
                unit.unit if unit else None,  # a table left out of lines/ needs no unit
                unit.source if unit else None,
                mapping.outcome,
                mapping.reason,
            )
        )
    return tuple(records)
