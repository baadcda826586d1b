"""One PDF → its document record, lines and checks.  Never raises for bad input."""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from budgetpdf.audit import audit_figures, primary_printings, printed_table_records
from budgetpdf.inputs import identify
from budgetpdf.units import least_certain, resolve_units
from budgetpdf.extract import EXTRACTOR_VERSION, ExtractedDocument, ExtractSettings, extract_document
from budgetpdf.normalize import NormalizeParams, table_to_lines
from budgetpdf.normalize.facts import FactParams, sentences_to_facts
from budgetpdf.normalize.places import find_place
from budgetpdf.schemas import GENERIC_ID, CheckResult, DocForm, DocumentRecord, Fact, Line, Problem, Status, spec_for
from budgetpdf.schemas.facts import OTHER_PREFIX
from budgetpdf.schemas.validate import fact_identities, narrative_ties, validate
from budgetpdf.schemas.verify import fact_figures, vouch

# A document whose prose names this many of the vocabulary's figures is a
# disclosure even when it prints none of the tables (its tables are a separate file).
NARRATIVE_KEYS = 2

# Text that does not decode is damage, not "no budget here".  Not one of the
# corpus's 136 published PDFs has a single undecodable character; a font whose
# ToUnicode map is damaged turns every glyph it prints into one.  At this share
# of a document's characters (and at least UNDECODABLE_MIN of them) the document
# is failed, or partial where tables or facts were still read.
UNDECODABLE_SHARE = 0.01
UNDECODABLE_MIN = 20
_UNDECODED = re.compile(r"\(cid:\d+\)|\ufffd")  # pdfminer's text for a glyph its font maps to no character; U+FFFD
_SPACE = re.compile(r"\s+")

# The longest `error` a documents row holds: the first problems, then "… and N more (see problems)".
ERROR_LIMIT = 1000



@dataclass(frozen=True)
class DocumentResult:
    record: DocumentRecord
    lines: tuple[Line, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    extracted: ExtractedDocument | None = None
    facts: tuple[Fact, ...] = ()


def cap_error(message: str | None, limit: int = ERROR_LIMIT) -> str | None:
    """One message cut to ``limit`` characters, saying how much was cut."""
    if message is None or len(message) <= limit:
        return message
    cut = limit - len(f"… ({len(message):,} more characters)")  # the tail is never longer than this
    return message[:cut] + f"… ({len(message) - cut:,} more characters)"


def join_problems(messages: list[str], limit: int = ERROR_LIMIT) -> str | None:
    """The problems' messages joined by "; ", at most ``limit`` characters: the first ones, then "… and N more (see problems)"."""
    joined = "; ".join(messages)
    if len(joined) <= limit:
        return joined or None
    kept: list[str] = []
    length = 0
    for message in messages:
        tail = f"; … and {len(messages) - len(kept) - 1:,} more (see problems)"
        if length + (2 if kept else 0) + len(message) + len(tail) > limit:
            break
        length += (2 if kept else 0) + len(message)
        kept.append(message)
    tail = f"; … and {len(messages) - max(len(kept), 1):,} more (see problems)"
    if not kept:  # the first message alone is too long: cut it
        kept = [cap_error(messages[0], limit - len(tail))]
    return "; ".join(kept) + tail


_reading = threading.local()  # .path: the PDF this thread is reading; .showing: inside a warning being shown
_install_lock = threading.Lock()
_base_factory: list = []  # the log record factory ours wraps, once installed


def _named_record(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory[0](*args, **kwargs)
    path = getattr(_reading, "path", None)
    if path is not None and isinstance(record.msg, str):
        prefix = f"{path}: "
        if not record.msg.startswith(prefix):
            record.msg = (prefix.replace("%", "%%") if record.args else prefix) + record.msg
    return record


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    path = getattr(_reading, "path", None)
    if path is None or getattr(_reading, "showing", False):
        return _show_warning.inner(message, category, filename, lineno, file, line)
    _reading.showing = True
    try:
        (file if file is not None else sys.stderr).write(
            f"{path}: {category.__name__}: {message} ({os.path.basename(filename)}:{lineno})\n"
        )
    except (OSError, ValueError, AttributeError):
        pass
    finally:
        _reading.showing = False


_show_warning.inner = warnings.showwarning


@contextmanager
def naming_the_file(path: Path) -> Iterator[None]:
    """Every log record and Python warning this thread emits while reading names the PDF: ``<path>: <message>``.

    pdfminer and pdfplumber log warnings ("Cannot set gray non-stroke color …")
    that never say which file they are about; in a batch of thousands read by
    several workers, a warning without its file cannot be acted on.  Other
    threads' records and warnings are left as they are.
    """
    with _install_lock:
        if logging.getLogRecordFactory() is not _named_record:
            _base_factory[:] = [logging.getLogRecordFactory()]
            logging.setLogRecordFactory(_named_record)
        if warnings.showwarning is not _show_warning:
            _show_warning.inner = warnings.showwarning
            warnings.showwarning = _show_warning
    outer = getattr(_reading, "path", None)
    _reading.path = str(path)
    try:
        yield
    finally:
        _reading.path = outer


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
        error=cap_error(error),
        extractor_version=EXTRACTOR_VERSION,
        doc_form=doc_form.value if doc_form else None,
        **_place(extracted),
        **audit,
    )


def _ocr_counts(extracted: ExtractedDocument, lines: list[Line], facts: list[Fact]) -> dict[str, int]:
    """documents/: pages read by OCR, the figures read from them, and how many of those the arithmetic vouches for."""
    ocr_lines = [line for line in lines if line.ocr]
    ocr_facts = [fact for fact in facts if fact.ocr]
    return {
        "ocr_pages": len(extracted.ocr_pages),
        "ocr_figures": len(ocr_lines) + sum(map(fact_figures, ocr_facts)),
        "ocr_verified": sum(bool(line.ocr_verified) for line in ocr_lines) + sum(fact_figures(f) for f in ocr_facts if f.ocr_verified),
    }


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
    if isinstance(error, MemoryError):
        return MEMORY_ERROR
    if "Password" in name or "Encrypt" in name:
        return "encrypted: the PDF needs a password to open"
    if name in ("PDFSyntaxError", "PSEOF", "PDFNoValidXRef"):
        return f"not a readable PDF (damaged, truncated or another format): {name}: {error}".rstrip(": ")
    # anything else the parser trips on (a corrupt stream, a broken font) is the file's damage too
    return f"could not read the PDF (damaged or unsupported content): {name}: {error}".rstrip(": ")


MEMORY_ERROR = "ran out of memory while reading it (MemoryError)"


def undecodable_text(extracted: ExtractedDocument) -> tuple[int, int]:
    """How many characters of the text the pipeline reads did not decode, of how many (whitespace aside).

    The text is the prose (sentences) and every printed table's title, header
    and cells; a glyph that decodes to no character is pdfminer's ``(cid:N)``
    or U+FFFD, one character each.
    """
    texts = [sentence.text for sentence in extracted.sentences]
    for mapping in extracted.mappings:
        table = mapping.table
        texts += [table.title or ""] + [label for labels in table.header for label in labels]
        texts += [cell for row in table.rows for cell in row.cells]
    text = "\n".join(texts)  # no match spans a line break, which counts as whitespace
    bad = len(_UNDECODED.findall(text))
    return bad, bad + len(_SPACE.sub("", _UNDECODED.sub("", text)))


def process_document(path: Path, settings: ExtractSettings = ExtractSettings()) -> DocumentResult:
    """Extract, normalise and check one document; every failure becomes a status.

    Any warning the parsers log while reading names the file (``naming_the_file``).
    """
    with naming_the_file(path):
        identity = identify(path)
        if identity.error is not None:
            return DocumentResult(_record(identity.doc_id, path, Status.FAILED, identity.error))
        try:
            return _process(path, identity.doc_id, identity.size, settings)
        except MemoryError:
            return DocumentResult(_record(identity.doc_id, path, Status.FAILED, MEMORY_ERROR))


def _process(path: Path, doc_id: str, size: int, settings: ExtractSettings) -> DocumentResult:
    if size == 0:
        return DocumentResult(_record(doc_id, path, Status.FAILED, "empty file (0 bytes)"))
    try:
        extracted = extract_document(path, settings)
    except Exception as error:  # noqa: BLE001 - any parser failure is this document's status, not the batch's
        return DocumentResult(_record(doc_id, path, Status.FAILED, _describe_error(error)))

    facts = sentences_to_facts(list(extracted.sentences), FactParams(extracted.year, extracted.department))
    ocr_pages = set(extracted.ocr_pages)
    if ocr_pages:
        facts = [replace(fact, ocr=True) if fact.page in ocr_pages else fact for fact in facts]
    named = {fact.key for fact in facts if not fact.key.startswith(OTHER_PREFIX)}
    has_tables = any(raw.table_id != GENERIC_ID for raw in extracted.tables)
    undecoded, characters = undecodable_text(extracted)
    damaged = undecoded >= UNDECODABLE_MIN and undecoded >= UNDECODABLE_SHARE * characters
    undecodable = (
        f"{undecoded:,} of {characters:,} characters ({undecoded / characters:.0%}) did not decode: its fonts map those "
        "glyphs to no character (a damaged font or a missing ToUnicode map)" if damaged else ""
    )
    if damaged and not has_tables and len(named) < NARRATIVE_KEYS:
        # not "no budget here": text that does not decode is damage, and nothing usable was read
        return DocumentResult(_record(doc_id, path, Status.FAILED, f"its text cannot be read: {undecodable}", extracted), extracted=extracted)
    if not has_tables:
        if extracted.text_chars == 0 and extracted.images > 0 and not extracted.ocr_pages:
            message = "no text layer, only images: scanned pages need OCR" + (f" ({extracted.ocr_error})" if extracted.ocr_error else "")
            return DocumentResult(_record(doc_id, path, Status.NEEDS_OCR, message, extracted, doc_form=DocForm.SCANNED))
        if extracted.text_chars == 0 and extracted.ocr_pages:
            message = f"its {len(extracted.ocr_pages)} page(s) are images, and OCR read no text on them"
            return DocumentResult(_record(doc_id, path, Status.NOT_A_BUDGET, message, extracted, doc_form=DocForm.SCANNED, **_ocr_counts(extracted, [], [])))
        if len(named) < NARRATIVE_KEYS:
            message = "none of the budget tables was found, and its prose states no budget figures"
            return DocumentResult(_record(doc_id, path, Status.NOT_A_BUDGET, message, extracted), extracted=extracted)
    doc_form = (DocForm.FULL if named else DocForm.TABLES_ONLY) if has_tables else DocForm.NARRATIVE_ONLY
    if extracted.ocr_pages and len(extracted.ocr_pages) == extracted.pages:
        doc_form = DocForm.SCANNED  # page images throughout, read by OCR: what they print is in lines/ and facts/

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
    if ocr_pages:
        lines = [replace(line, ocr=True) if line.page in ocr_pages else line for line in lines]
    checks += validate(lines, printed, primary)
    checks += narrative_ties(facts, lines, primary)
    checks += fact_identities(facts, [sentence.text for sentence in extracted.sentences])
    lines, facts, unverified = vouch(lines, facts, checks)
    checks += unverified

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
    if damaged:
        problems.append(Problem("text_undecodable", None, None, undecodable))
    if extracted.ocr_error:
        problems.append(Problem("ocr_unavailable", None, None, f"pages without a text layer were not read: {extracted.ocr_error}"))
    ocr_counts = _ocr_counts(extracted, lines, facts)
    if unverified:
        problems.append(Problem(
            "ocr_unverified", None, unverified[0].page,
            f"{len(unverified)} of {ocr_counts['ocr_figures']} figures read by OCR are not vouched for by an identity that holds (checks ocr_unverified)",
        ))

    found = tuple(sorted({t.table_id for t in extracted.tables}))
    empty = tuple(t for t in found if t not in {table_id for table_id, _ in with_lines})
    figures_printed, figures_read = audit_figures(extracted, lines)
    record = _record(
        doc_id, path, Status.PARTIAL if problems else Status.OK, join_problems([p.message for p in problems]), extracted, found, empty, doc_form,
        unit_source=least_certain([units[raw.number].source for raw in extracted.tables if (raw.table_id, raw.table_no) in with_lines]),
        figures_printed=figures_printed,
        figures_read=figures_read,
        problems=tuple(problems),
        printed_tables=printed_table_records(extracted, units),
        **ocr_counts,
    )
    return DocumentResult(record, tuple(lines), tuple(checks), extracted, tuple(facts))
