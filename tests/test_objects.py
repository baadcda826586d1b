"""objects.py reads a document's plainly written objects as pdfminer does, and leaves it the rest."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psparser import PSKeyword, PSLiteral

from budgetpdf.extract import objects

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def same(a, b) -> bool:
    """The same objects, type for type (an int is not a float, a name is the interned one)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, PDFObjRef):
        return a.objid == b.objid
    if isinstance(a, PDFStream):
        return same(a.attrs, b.attrs) and (a.rawdata, a.decipher, a.objid, a.genno) == (b.rawdata, b.decipher, b.objid, b.genno)
    if isinstance(a, (PSLiteral, PSKeyword)):
        return a is b
    return a == b


def every_object(pdf: Path) -> tuple[int, int]:
    """Each object of ``pdf`` read by pdfminer and by objects.py: (objects, read by objects.py)."""
    read_here = 0
    parse = objects._object_at

    def counted(*args):
        nonlocal read_here
        found = parse(*args)
        read_here += 1
        return found

    with open(pdf, "rb") as theirs_file, open(pdf, "rb") as ours_file:
        theirs, ours = PDFDocument(PDFParser(theirs_file)), PDFDocument(PDFParser(ours_file))
        ids = sorted({objid for xref in theirs.xrefs for objid in xref.get_objids()})
        with objects.objects_read_fast(ours, pdf), pytest.MonkeyPatch.context() as patch:
            patch.setattr(objects, "_object_at", counted)
            for objid in ids:
                assert same(theirs.getobj(objid), ours.getobj(objid)), (pdf.name, objid)
    return len(ids), read_here


def test_every_object_of_the_samples_is_pdfminers():
    compared = read_here = 0
    for pdf in sorted(SAMPLES.glob("*.pdf")):
        counts = every_object(pdf)
        compared, read_here = compared + counts[0], read_here + counts[1]
    assert read_here > 0.8 * compared > 100  # nearly all of them read here, the same


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus is not beside the checkout")
def test_every_object_of_a_corpus_sample_is_pdfminers():
    """One document in twelve; a script runs all of them (the closing note of issue 11)."""
    logging.disable(logging.CRITICAL)
    try:
        read_here = sum(every_object(pdf)[1] for pdf in sorted(CORPUS.glob("*.pdf"))[::12])
    finally:
        logging.disable(logging.NOTSET)
    assert read_here > 1000


def pdfminers_object(doc: PDFDocument, data: bytes, objid: int) -> object:
    parser = PDFParser(io.BytesIO(data))
    parser.set_document(doc)
    reader = object.__new__(PDFDocument)
    reader._parser = parser
    return PDFDocument._getobj_parse(reader, 0, objid)


@pytest.mark.parametrize(
    "written, read_here",
    [
        (b"7 0 obj\n<< /A 1 /B [2 3.5 /C] /D null /E 4 0 R /F true >>\nendobj\n", True),
        (b"7 0 obj [1 0 R null [ ] << >>] endobj", True),
        (b"7 0 obj 12 endobj", True),
        (b"7 0 obj << /Length 5 >>\nstream\r\nab\ncdendstream\nendobj", True),
        (b"7 0 obj << /Length 3 >>\nstream\nabc\nendstream endobj", True),
        (b"7 0 obj << /Length 2 >>\nstream\nabc\nendstream\nendobj", False),  # /Length ends before the data does
        (b"7 0 obj << /A (a string endobj) >> endobj", False),  # a string could hold endobj
        (b"7 0 obj << /A <41 42> >> endobj", False),  # a hex string
        (b"7 0 obj << /A 1 % a comment\n>> endobj", False),
        (b"7 0 obj << /Aendobj 1 >> endobj", False),  # endobj inside a name
        (b"7 0 obj << /A 1 >> endobjX endobj", False),  # not the keyword
        (b"7 0 obj << /A 1 /B >> endobj", False),  # an odd dictionary: pdfminer's error
        (b"7 0 obj 1 2 endobj", False),  # two objects: pdfminer's pick
        (b"8 0 obj 1 endobj", False),  # another object's number
    ],
)
def test_a_written_object_is_read_as_pdfminer_reads_it_or_left_to_it(written, read_here):
    with open(SAMPLES / "reference_2026.pdf", "rb") as file:
        doc = PDFDocument(PDFParser(file))
        try:
            ours = objects._object_at(doc, written, 0, 7)
        except objects._NotPlain:
            assert not read_here
            return
        assert read_here
        assert same(ours, pdfminers_object(doc, written, 7))
