"""One PDF → its document record, lines and checks.  Never raises for bad input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from budgetpdf.audit import audit_figures, primary_printings, printed_table_records
from budgetpdf.units import least_certain, resolve_units
from budgetpdf.extract import EXTRACTOR_VERSION, ExtractedDocument, ExtractSettings, extract_document
from budgetpdf.normalize import NormalizeParams, table_to_lines
from budgetpdf.normalize.facts import FactParams, sentences_to_facts
from budgetpdf.normalize.places import find_place
from budgetpdf.schemas import GENERIC_ID, CheckResult, DocForm, DocumentRecord, Fact, Line, Problem, Status, spec_for
from budgetpdf.schemas.facts import OTHER_PREFIX
from budgetpdf.schemas.validate import narrative_ties, validate

# A document whose prose names this many of the vocabulary's figures is a
# disclosure even when it prints none of the tables (its tables are a separate file).
NARRATIVE_KEYS = 2


@dataclass(frozen=True)
class DocumentResult:
    record: DocumentRecord
    lines: tuple[Line, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    extracted: ExtractedDocument | None = None
    facts: tuple[Fact, ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(doc_id: str, path: Path, status: Status, error: str | None, extracted: ExtractedDocument | None = None,
            found: tuple[str, ...] = (), empty: tuple[str, ...] = (), doc_form: DocForm | None = None, **audit) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        source_path=str(path),
        department=extracted.department if extracted else None,
        year=extracted.year if extracted else None,
        doc_kind=extracted.doc_kind if extracted else None,
        unit=extracted.unit if extracted else None,
        pages=extracted.pages if extracted else 0,
        tables_found=found,
        tables_empty=empty,
        status=status,
        error=error,
        extractor_version=EXTRACTOR_VERSION,
        doc_form=doc_form.value if doc_form else None,
        **_place(extracted),
        **audit,
    )


def _place(extracted: ExtractedDocument | None) -> dict[str, str | None]:
    place = find_place(extracted.department, extracted.cover_texts) if extracted else None
    if place is None:
        return {}
    return {"province": place.province, "city": place.city, "county": place.county, "division_code": place.code}


def _describe_error(error: Exception) -> str:
    """A message a researcher can act on; pdfplumber wraps pdfminer's errors, so unwrap them."""
    while error.args and isinstance(error.args[0], Exception):
        error = error.args[0]
    name = type(error).__name__
    if "Password" in name or "Encrypt" in name:
        return "encrypted: the PDF needs a password to open"
    if name in ("PDFSyntaxError", "PSEOF", "PDFNoValidXRef"):
        return f"not a readable PDF (damaged, truncated or another format): {name}: {error}".rstrip(": ")
    # anything else the parser trips on (a corrupt stream, a broken font) is the file's damage too
    return f"could not read the PDF (damaged or unsupported content): {name}: {error}".rstrip(": ")


def process_document(path: Path, settings: ExtractSettings = ExtractSettings()) -> DocumentResult:
    """Extract, normalise and check one document; every failure becomes a status."""
    doc_id = file_sha256(path)
    if path.stat().st_size == 0:
        return DocumentResult(_record(doc_id, path, Status.FAILED, "empty file (0 bytes)"))
    try:
        extracted = extract_document(path, settings)
    except Exception as error:  # noqa: BLE001 - any parser failure is this document's status, not the batch's
        return DocumentResult(_record(doc_id, path, Status.FAILED, _describe_error(error)))

    facts = sentences_to_facts(list(extracted.sentences), FactParams(extracted.year, extracted.department))
    named = {fact.key for fact in facts if not fact.key.startswith(OTHER_PREFIX)}
    has_tables = any(raw.table_id != GENERIC_ID for raw in extracted.tables)
    if not has_tables:
        if extracted.text_chars == 0 and extracted.images > 0:
            return DocumentResult(_record(doc_id, path, Status.NEEDS_OCR, "no text layer, only images: scanned pages need OCR", extracted, doc_form=DocForm.SCANNED))
        if len(named) < NARRATIVE_KEYS:
            message = "none of the budget tables was found, and its prose states no budget figures"
            return DocumentResult(_record(doc_id, path, Status.NOT_A_BUDGET, message, extracted), extracted=extracted)
    doc_form = (DocForm.FULL if named else DocForm.TABLES_ONLY) if has_tables else DocForm.NARRATIVE_ONLY

    units = resolve_units(extracted)
    lines: list[Line] = []
    checks: list[CheckResult] = []
    printed: dict[tuple[str, int, str | None], set[str]] = {}
    for raw in extracted.tables:
        params = NormalizeParams(unit=units[raw.number].unit, department=extracted.department)
        table_lines, table_checks = table_to_lines(raw, spec_for(raw.table_id), params)
        lines += table_lines
        checks += table_checks
        for role in raw.columns:
            if role.kind != "label":
                printed.setdefault((raw.table_id, raw.table_no, role.side), set()).add(role.key)
    primary = primary_printings(extracted.tables)
    checks += validate(lines, printed, primary)
    checks += narrative_ties(facts, lines, primary)

    problems = list(extracted.problems)
    with_lines = {(line.table_id, line.table_no) for line in lines}
    assumed = [raw for raw in extracted.tables if units[raw.number].source == "assumed" and (raw.table_id, raw.table_no) in with_lines]
    problems += [
        Problem("unit_assumed", raw.table_id, raw.pages[0], f"{raw.table_id} on page {raw.pages[0]} prints no unit, and none could be inferred: 万元 assumed")
        for raw in assumed
    ]
    unreadable = [c for c in checks if c.check == "amount_unreadable"]
    if unreadable:
        problems.append(Problem("amount_unreadable", None, unreadable[0].page, f"{len(unreadable)} amount cell(s) could not be read"))
    if not lines and any(m.figure_cells for m in extracted.mappings):
        problems.append(Problem("no_lines", None, None, "the document prints tables with figures, and none of them could be read"))

    found = tuple(sorted({t.table_id for t in extracted.tables}))
    empty = tuple(t for t in found if t not in {table_id for table_id, _ in with_lines})
    figures_printed, figures_read = audit_figures(extracted, lines)
    record = _record(
        doc_id, path, Status.PARTIAL if problems else Status.OK, "; ".join(p.message for p in problems) or None, extracted, found, empty, doc_form,
        unit_source=least_certain([units[raw.number].source for raw in extracted.tables if (raw.table_id, raw.table_no) in with_lines]),
        figures_printed=figures_printed,
        figures_read=figures_read,
        problems=tuple(problems),
        printed_tables=printed_table_records(extracted, units),
    )
    return DocumentResult(record, tuple(lines), tuple(checks), extracted, tuple(facts))
