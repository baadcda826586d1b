"""The fast page reader gives what pdfminer gives: the same tokens, objects and lines;
the table finder on tuples, the linear dedupe and the text lines give what pdfplumber's give.

On the samples always; on ../shared/corpus when it is there (read in
place), comparing whole results — record, every table as read, every line,
check and fact — of the fast path against the careful one
(page_source=PDFMINER).  Reading the whole corpus the careful way takes
minutes, so by default the test reads the smallest document of each
generator in the catalogue (35 documents, 1,083 of its 5,698 pages);
FAST_PATH_FULL_CORPUS=1 compares all 136 (about 7 minutes on two cores).

The tests on the samples and the tokenizer run twice: with the C extension's
reader (extract/_speedups.c, where it is built) and with the pure-Python one
(as with BUDGETPDF_PURE_PYTHON=1); the corpus is read with the C reader where
there is one (tests/test_speedups.py compares the two readers there).
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import PSEOF, PSBaseParser

from budgetpdf.extract import pages
from budgetpdf.pipeline import process_document
from conftest import REFERENCE_PDF
from budgetpdf.extract.page_text import TextLine, chars_to_text_lines
from budgetpdf.extract.pages import Unsure, _cmap_parser, dedupe_chars, dedupe_view, fast_objects, load_objects, stream_objects
from budgetpdf.extract.ocr import OcrSettings
from budgetpdf.extract.settings import ExtractSettings, PageSource
from budgetpdf.extract.grid import is_drawn, open_ends
from budgetpdf.extract.table_finder import page_to_rules, rules_to_tables
from samples.generate import Layout, render
from samples.reference_2026 import REFERENCE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
# pages without a text layer are read by OCR the same way on both paths: not read here (tests/test_ocr.py)
_NO_OCR = OcrSettings(enabled=False)
FAST = ExtractSettings(page_source=PageSource.FAST, ocr=_NO_OCR)
CAREFUL = ExtractSettings(page_source=PageSource.PDFMINER, ocr=_NO_OCR)


@pytest.fixture(params=["c", "python"])
def reader(request, monkeypatch) -> str:
    """The C reader, then the pure-Python one (the C one skipped where it is not built)."""
    if request.param == "python":
        monkeypatch.setattr(pages, "_speedups", None)
    elif pages._speedups is None:
        pytest.skip("the C extension is not built here (or BUDGETPDF_PURE_PYTHON is set)")
    return request.param


def pdfminer_tokens(data: bytes) -> list:
    parser = PSBaseParser(BytesIO(data))
    tokens = []
    while True:
        try:
            tokens.append(parser.nexttoken()[1])
        except PSEOF:
            return tokens


TOKEN_CASES = [
    b"BT /F1 12 Tf 1 0 0 1 72.5 700 Tm (Hello) Tj [(A) -120 <0041 42> 3.5(b)] TJ ET",
    b"q 0.5 0 0 -0.5 -.5 +3. cm 1.2.3 --5 - . 12abc 0 0 10 10 re f* Q",
    b"(nested (parens) and \\(escaped\\) \\101\\0617 \\n\\r\\t\\b\\f\\\\ \\q \\\r\n line) Tj",
    b"/Na#6De /Odd#4 /Hash# /#e4#b8#ad /  % a comment\r\n/P <</MCID 3 /Lang (zh)>> BDC EMC",
    b"<4e2d 6587> Tj <414> Tj <<>> [true false] { } ) ' \" T* \x00 \x80 q",
    b"<41>> <42 T 1..5 -. +-3 . -.5 5. <>q\x00Tf\x00 /a\x00b >x <<>>>> \n\r\n",
]


@pytest.mark.parametrize("content", TOKEN_CASES)
@pytest.mark.usefixtures("reader")
def test_tokens_are_pdfminers(content: bytes):
    ours = list(stream_objects(content))
    assert ours == pdfminer_tokens(content)
    assert [type(t) for t in ours] == [type(t) for t in pdfminer_tokens(content)]


PIECES = [b" ", b"\n", b"\r", b"(", b")", b"\\", b"<", b">", b"/", b"#", b"[", b"]", b"{", b"}", b"%", b"1", b"2",
          b".", b"-", b"+", b"a", b"F", b"e", b"0", b"7", b"\x00", b"'", b"true", b"Tj", b"41", b"\xe4"]


@pytest.mark.usefixtures("reader")
def test_tokens_are_pdfminers_on_random_bytes():
    """Where the fast tokenizer answers, it answers as pdfminer does; where it is unsure, it says so."""
    rng = random.Random(4)
    for _ in range(3000):
        content = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) + b" q"
        try:
            ours = list(stream_objects(content))
        except Unsure:
            continue
        assert ours == pdfminer_tokens(content), content


SAMPLE_LAYOUTS = {
    "reference": None,
    "landscape": Layout(font_size=10.5, title_size=14, one_table_per_page=False, all_landscape=True),
    "no_repeated_header": Layout(font_size=12, repeat_header=False),
}


@pytest.fixture(scope="module", params=sorted(SAMPLE_LAYOUTS))
def sample_pdf(request, tmp_path_factory) -> Path:
    layout = SAMPLE_LAYOUTS[request.param]
    return REFERENCE_PDF if layout is None else render(REFERENCE, tmp_path_factory.mktemp("fast") / f"{request.param}.pdf", layout)


@pytest.mark.usefixtures("reader")
def test_page_objects_are_pdfminers(sample_pdf):
    with pdfplumber.open(sample_pdf) as pdf:
        for page in pdf.pages:
            fast, careful = fast_objects(page), page.objects
            assert fast.keys() == careful.keys()
            for kind, objs in careful.items():
                # the fast reader leaves out marked-content tags and the untransformed path: nothing reads them
                assert fast[kind] == [{key: obj[key] for key in fast_obj} for obj, fast_obj in zip(objs, fast[kind])]
                assert len(fast[kind]) == len(objs)


def pdfplumbers_text_lines(page) -> list[TextLine]:
    lines = page.extract_text_lines(return_chars=False)
    return [TextLine(line["text"].strip(), line["top"], line["bottom"], line["x0"], line["x1"]) for line in lines if line["text"].strip()]


def assert_finds_pdfplumbers_tables(pdf: Path) -> None:
    """The indexed table finder and pdfplumber's own find the same tables, cell for cell;
    the linear dedupe keeps the characters pdfplumber's keeps; the text lines are
    pdfplumber's, on the page and on the page without its fake bold."""
    settings = ExtractSettings().grid.pdfplumber_settings()
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            load_objects(page, PageSource.FAST)
            ours, theirs = rules_to_tables(page, page_to_rules(page), settings), page.find_tables(settings)
            assert [(t.bbox, t.cells) for t in ours] == [(t.bbox, t.cells) for t in theirs], (pdf.name, page.page_number)
            # as page_to_grids asks: the drawn rules, with lines closing rows cut by a page break
            drawn = page.filter(is_drawn)
            rules = page_to_rules(drawn)
            closing = open_ends(*rules, ExtractSettings())
            lines = [{"object_type": "line", "x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": width, "height": 0} for x0, top, x1, bottom, width in closing]
            ours, theirs = rules_to_tables(drawn, rules, settings, closing), drawn.find_tables({**settings, "explicit_horizontal_lines": lines})
            assert [(t.bbox, t.cells) for t in ours] == [(t.bbox, t.cells) for t in theirs], (pdf.name, page.page_number)
            assert dedupe_chars(page.chars, 1.5) == page.dedupe_chars(tolerance=1.5).chars, (pdf.name, page.page_number)
            for view in (page, dedupe_view(page, 1.5)):
                assert chars_to_text_lines(view.chars) == pdfplumbers_text_lines(view), (pdf.name, page.page_number)
            page.close()


def assert_same_unicode_maps(pdf: Path) -> int:
    """Every font's ToUnicode map, read by the fast reader's parser, is the map pdfminer's builds."""
    compared = 0
    with pdfplumber.open(pdf) as document:
        for xref in document.doc.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = document.doc.getobj(objid)
                except PDFObjectNotFound:
                    continue  # listed in the cross-reference table, absent from the file
                if not (isinstance(obj, dict) and getattr(obj.get("Type"), "name", None) == "Font" and obj.get("ToUnicode") is not None):
                    continue
                data = stream_value(obj["ToUnicode"]).get_data()
                ours, theirs = FileUnicodeMap(), FileUnicodeMap()
                _cmap_parser(ours, BytesIO(data)).run()
                CMapParser(theirs, BytesIO(data)).run()
                assert (ours.cid2unichr, ours.attrs) == (theirs.cid2unichr, theirs.attrs), (pdf.name, objid)
                compared += 1
    return compared


@pytest.mark.usefixtures("reader")
def test_table_finder_and_dedupe_are_pdfplumbers(sample_pdf):
    assert_finds_pdfplumbers_tables(sample_pdf)


@pytest.mark.usefixtures("reader")
def test_unicode_maps_are_pdfminers():
    # reportlab's fonts carry no ToUnicode map; LibreOffice's do
    assert assert_same_unicode_maps(REFERENCE_PDF.with_name("reference_2026_word.pdf")) > 0


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_table_finder_and_dedupe_are_pdfplumbers_on_the_corpus():
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(assert_finds_pdfplumbers_tables, one_per_generator(CORPUS)))
        assert sum(pool.map(assert_same_unicode_maps, one_per_generator(CORPUS))) > 0


@pytest.mark.usefixtures("reader")
def test_samples_give_the_same_result(sample_pdf):
    assert_same_result(sample_pdf)


def assert_same_result(pdf: Path) -> None:
    fast, careful = process_document(pdf, FAST), process_document(pdf, CAREFUL)
    assert fast.record == careful.record
    tables = [(e.extracted.tables if e.extracted else ()) for e in (fast, careful)]
    assert tables[0] == tables[1], first_difference(*tables)
    assert fast.lines == careful.lines, first_difference(fast.lines, careful.lines)
    assert fast.checks == careful.checks, first_difference(fast.checks, careful.checks)
    assert fast.facts == careful.facts, first_difference(fast.facts, careful.facts)


def first_difference(fast: tuple, careful: tuple) -> str:
    for n, (a, b) in enumerate(zip(fast, careful)):
        if a != b:
            return f"#{n}: fast {a} / careful {b}"
    return f"{len(fast)} fast, {len(careful)} careful"


def _compare(pdf: Path) -> str | None:
    try:
        assert_same_result(pdf)
    except AssertionError as error:
        return f"{pdf.name}: {error}"
    return None


def one_per_generator(corpus: Path) -> list[Path]:
    """The smallest document of each generator (WPS, Excel, Word, iText, Acrobat, ...) the catalogue names."""
    smallest: dict[str, dict] = {}
    for entry in json.loads((corpus / "catalogue.json").read_text(encoding="utf-8")):
        kept = smallest.setdefault(entry["generator"], entry)
        if (entry["pages"], entry["file"]) < (kept["pages"], kept["file"]):
            smallest[entry["generator"]] = entry
    return sorted(corpus / entry["file"] for entry in smallest.values())


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_corpus_documents_give_the_same_result():
    pdfs = sorted(CORPUS.glob("*.pdf")) if os.environ.get("FAST_PATH_FULL_CORPUS") else one_per_generator(CORPUS)
    assert len(pdfs) >= 35
    with ProcessPoolExecutor(2) as pool:
        differences = [d for d in pool.map(_compare, pdfs) if d]
    assert not differences, "\n".join(differences)
