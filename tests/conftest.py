"""Shared helpers: the golden files and how extracted lines are compared with them."""

from __future__ import annotations

import csv
import ctypes
import json
import os
import random
import re
import subprocess
import sys
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from budgetpdf.pipeline import DocumentResult, process_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REFERENCE_PDF = SAMPLES / "reference_2026.pdf"
REFERENCE_GOLDEN = SAMPLES / "reference_2026.expected"
BEYOND_PDF = SAMPLES / "beyond_2026.pdf"
BEYOND_GOLDEN = SAMPLES / "beyond_2026.expected"
UNRULED_PDF = SAMPLES / "reference_2026_unruled.pdf"
TALL_GLYPHS_PDF = SAMPLES / "reference_2026_tall_glyphs.pdf"
WORD_PDF = SAMPLES / "reference_2026_word.pdf"
STACKED_PDF = SAMPLES / "stacked_2026.pdf"
STACKED_GOLDEN = SAMPLES / "stacked_2026.expected"
SCANNED_PDF = SAMPLES / "reference_2026_scanned.pdf"
# what `make extract` reads: every PDF in samples/, each with its goldens beside it
SAMPLE_GOLDENS = tuple(sorted(SAMPLES.glob("*.expected")))
# the samples with a text layer, read exactly; the scanned one is read by OCR (tests/test_ocr.py)
DIGITAL_GOLDENS = tuple(folder for folder in SAMPLE_GOLDENS if not folder.name.endswith("_scanned.expected"))


def _none(text: str) -> str | None:
    return text or None


def golden_cells(folder: Path) -> set[tuple]:
    """Every expected amount cell of a sample, keyed as the contract keys a line."""
    cells = set()
    for path in sorted(p for p in folder.glob("*.csv") if p.name != "facts.csv"):  # facts.csv: tests/test_facts.py
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                cells.add(
                    (
                        row["table_id"],
                        int(row["table_no"]),
                        int(row["row_no"]),
                        _none(row["side"]),
                        _none(row["code"]),
                        int(row["code_level"]) if row["code_level"] else None,
                        _none(row["parent_code"]),
                        _none(row["item"]),
                        _none(row["project"]),
                        row["column"],
                        Decimal(row["amount"]),
                        row["is_total"] == "true",
                    )
                )
    return cells


def extracted_cells(result: DocumentResult) -> set[tuple]:
    return {
        (l.table_id, l.table_no, l.row_no, l.side, l.code, l.code_level, l.parent_code, l.item, l.project, l.column, l.amount, l.is_total)
        for l in result.lines
    }


def golden_document(folder: Path) -> dict:
    return json.loads((folder / "document.json").read_text(encoding="utf-8"))


def assert_matches_golden(result: DocumentResult, folder: Path) -> None:
    expected, actual = golden_cells(folder), extracted_cells(result)
    missing, unexpected = sorted(expected - actual, key=str), sorted(actual - expected, key=str)
    assert not missing and not unexpected, f"missing {len(missing)}: {missing[:8]}\nunexpected {len(unexpected)}: {unexpected[:8]}"
    assert len(result.lines) == len(expected), "a cell was emitted twice"


@pytest.fixture(scope="session")
def reference_result() -> DocumentResult:
    return process_document(REFERENCE_PDF)


@pytest.fixture(scope="session")
def scanned_result() -> DocumentResult:
    """The scanned sample read by OCR: a minute or so, so once per session."""
    return process_document(SCANNED_PDF)


def digital_samples(folder: Path) -> Path:
    """``folder`` holding a link to every sample PDF with a text layer (what the exact tests read)."""
    folder.mkdir(parents=True, exist_ok=True)
    for golden in DIGITAL_GOLDENS:
        pdf = golden.with_suffix(".pdf")
        (folder / pdf.name).symlink_to(pdf)
    return folder


# --- bad input, shared by the CLI and batch tests -------------------------------------------------------


def image_only_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(Image.new("RGB", (200, 280), "white")), 50, 50, 400, 560)
    page.save()


def unrelated_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawString(72, 720, "Quarterly newsletter: nothing about budgets here.")
    page.save()


def encrypted_pdf(path: Path, user_password: str) -> None:
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner"))
    page.drawString(72, 720, "sealed")
    page.save()


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """The good sample beside every kind of bad input; file name → the status it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.pdf").write_bytes(REFERENCE_PDF.read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not_a_pdf.pdf").write_text("this is a text file", encoding="utf-8")
    (folder / "truncated.pdf").write_bytes(REFERENCE_PDF.read_bytes()[:4000])
    image_only_pdf(folder / "scan.pdf")
    unrelated_pdf(folder / "newsletter.pdf")
    encrypted_pdf(folder / "locked.pdf", user_password="secret")
    encrypted_pdf(folder / "owner_only.pdf", user_password="")  # opens without a password: simply read
    return {
        "good.pdf": "ok",
        "empty.pdf": "failed",
        "not_a_pdf.pdf": "failed",
        "truncated.pdf": "failed",
        "scan.pdf": "not_a_budget",  # a blank page image: OCR finds no text on it
        "newsletter.pdf": "not_a_budget",
        "locked.pdf": "failed",
        "owner_only.pdf": "not_a_budget",
    }


# --- inputs built byte by byte: odd paths, damaged fonts, parser warnings, memory -----------------------


def write_raw_pdf(path: Path, objects: dict[int, bytes]) -> None:
    """A PDF written by hand from its numbered objects (1 the catalogue), with the cross-reference table they need."""
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(pdf)
        pdf += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    for number in range(1, max(objects) + 1):
        pdf += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(objects) + 1, xref)
    path.write_bytes(bytes(pdf))


def raw_pdf(path: Path, content: bytes, compress: bool = False) -> None:
    """A one-page PDF written by hand around one content stream (Helvetica as /F1), optionally deflated."""
    data = zlib.compress(content, 9) if compress else content
    write_raw_pdf(path, {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: b"<< /Length %d%s >>\nstream\n" % (len(data), b" /Filter /FlateDecode" if compress else b"") + data + b"\nendstream",
    })


def glyph_bomb_pdf(path: Path, glyphs: int = 1_000_000, padding: int = 0) -> None:
    """A 3 KB page that prints a million 1-point digits: pdfminer holds an object per glyph, some 1.1 GB in all.

    ``padding`` bytes of comment after %%EOF make the file larger (a batch hands out the largest first).
    """
    row = b"(" + b"0123456789" * 20 + b") Tj T*\n"
    raw_pdf(path, b"BT /F1 1 Tf 0.5 TL 10 830 Td\n" + row * (glyphs // 200) + b"ET", compress=True)
    if padding:
        with open(path, "ab") as handle:
            handle.write(b"%" + b"x" * padding + b"\n")


def font_damaged_pdf(path: Path, fonts: tuple[int, ...] = (0, 1), flips: int = 300, seed: int = 11) -> None:
    """The Word-rendered sample with ``flips`` bits flipped inside the ToUnicode streams of ``fonts`` (0: the
    text's font, 1: the one a few headings and cells are set in).

    Its two embedded fonts (WenQuanYi Zen Hei subsets) map their glyphs to
    characters through those streams; damaged, every glyph of the font reads
    as ``(cid:N)``.  (reference_2026.pdf embeds no font stream at all: its
    CJK font is a standard one, mapped by a predefined CMap.)
    """
    data = bytearray(WORD_PDF.read_bytes())
    numbers = [int(n) for n in re.findall(rb"/ToUnicode (\d+) 0 R", data)]
    assert len(numbers) == 2, numbers
    spans = []
    for number in (numbers[font] for font in fonts):
        start = re.search(rb"\n%d 0 obj\s*<<.*?>>\s*stream\r?\n" % number, data, re.S).end()
        spans.append((start, data.index(b"endstream", start)))
    rng = random.Random(seed)
    for flip in range(flips):
        start, end = spans[flip % len(spans)]
        data[rng.randrange(start, end)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def warning_pdf(path: Path) -> None:
    """A page that sets its gray level to a name: pdfminer logs "Cannot set gray level because /'P0' is an invalid float value"."""
    raw_pdf(path, b"/P0 g BT /F1 12 Tf 72 760 Td (Quarterly newsletter) Tj ET 0 0 m 100 100 l S")


def without_file_permissions_bypass():
    """A preexec_fn under which chmod 000 stops the child even when the tests run as root; None when not root.

    Root reads any file through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH;
    dropping both from the bounding set before exec leaves the child uid 0
    but bound by the permission bits.  Skips the test where that cannot be done.
    """
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=lambda: _drop_dac(libc), capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root without the right to drop CAP_DAC_OVERRIDE: chmod 000 cannot stop root here")
    return lambda: _drop_dac(libc)


def _drop_dac(libc) -> None:
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
