"""A PDF → every table it prints, mapped onto the registry, with the document's facts.

Two layers: :func:`extract.printed.pdf_to_printed_tables` reads the tables
as printed (no registry), :func:`extract.mapping.map_printed_table` decides
what each one is.  Nothing read is dropped between them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from budgetpdf.extract.mapping import Mapping, map_printed_tables
from budgetpdf.extract.page_text import TextLine, find_cover_department, find_department, find_doc_kind, find_year, most_common
from budgetpdf.extract.printed import GridFate, pdf_to_printed_tables
from budgetpdf.extract.prose import department_in_sentences, pages_to_sentences
from budgetpdf.extract.settings import ExtractSettings
from budgetpdf.schemas import GENERIC_ID, Problem, RawTable
from budgetpdf.schemas.records import Sentence


@dataclass(frozen=True)
class ExtractedDocument:
    pages: int
    text_chars: int
    images: int
    department: str | None
    year: int | None
    doc_kind: str | None
    unit: str | None  # the unit most tables print
    tables: tuple[RawTable, ...]  # every printed table with figures or a title the registry knows, in printed order
    mappings: tuple[Mapping, ...] = ()  # what became of each printed table, text-only ones included
    fates: tuple[GridFate, ...] = ()  # what became of each grid
    figures: dict[int, Counter] | None = None  # per table page, the figures its text layer prints
    loose_units: tuple[str, ...] = ()  # units printed on pages without a grid
    problems: tuple[Problem, ...] = ()
    sentences: tuple[Sentence, ...] = ()  # the running text outside the tables
    cover_texts: tuple[str, ...] = ()  # the lines of the first pages outside the tables: title, department, place
    ocr_pages: tuple[int, ...] = ()  # pages without a text layer, read by OCR
    ocr_error: str | None = None  # why pages without a text layer were not read


def extract_document(path: Path, settings: ExtractSettings = ExtractSettings()) -> ExtractedDocument:
    """Read every table of one disclosure PDF."""
    printed = pdf_to_printed_tables(path, settings)
    mappings = map_printed_tables(printed.tables)
    tables = [m.raw for m in mappings if m.raw is not None]
    cover = [TextLine(text, 0, 0, 0, 0) for text in printed.cover_texts]
    sentences = pages_to_sentences(list(printed.prose))
    return ExtractedDocument(
        pages=printed.pages,
        text_chars=printed.text_chars,
        images=printed.images,
        department=most_common([t.department for t in printed.tables])
        or find_department(cover)
        or find_cover_department(list(printed.cover_texts))
        or department_in_sentences(sentences),
        year=find_year(list(printed.cover_texts)),
        doc_kind=find_doc_kind(list(printed.cover_texts)) or find_doc_kind([t.title for t in tables if t.title and t.table_id != GENERIC_ID]),
        unit=most_common([t.unit for t in tables]),
        tables=tuple(tables),
        mappings=mappings,
        fates=printed.fates,
        figures=printed.figures,
        loose_units=printed.loose_units,
        problems=tuple(m.problem for m in mappings if m.problem),
        sentences=tuple(sentences),
        cover_texts=printed.cover_texts,
        ocr_pages=printed.ocr_pages,
        ocr_error=printed.ocr_error,
    )
