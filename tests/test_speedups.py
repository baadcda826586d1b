"""The C reader (extract/_speedups.c) gives the pure-Python fast reader's objects, type for type,
and its dedupe keeps the characters pages.dedupe_chars keeps.

Where the extension is built (pip install -e . with a compiler at hand) the
fast reader runs in C; BUDGETPDF_PURE_PYTHON=1, or a machine without a
compiler, leaves it to the Python code in pages.py, which is the
specification.  These tests compare the two: the tokens of content streams
(hand-written and random), and every page object of the samples and of one
corpus document per generator, down to whether a number is an int or a float
(their first 8 pages; every page of all 136 corpus documents with
FAST_PATH_FULL_CORPUS=1), and the states random runs of the operators done in C leave.
tests/test_fast_path.py runs its sample tests with either reader.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pdfplumber
import pytest

from budgetpdf.extract import pages
from budgetpdf.extract.pages import Unsure
from test_fast_path import TOKEN_CASES as PDFMINER_TOKEN_CASES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"

needs_c = pytest.mark.skipif(pages._speedups is None, reason="the C extension is not built here (or BUDGETPDF_PURE_PYTHON is set)")


def typed(obj: object) -> object:
    """obj with the type of every value beside it: 0 == 0.0 and (0,) == (0.0,), but not here."""
    kind = type(obj)
    if kind is float:
        return ("float", repr(obj))  # repr: -0.0 and nan as well
    if kind in (list, tuple):
        return (kind.__name__, tuple(typed(x) for x in obj))
    if kind is dict:
        return ("dict", tuple((key, typed(value)) for key, value in obj.items()))
    return (kind.__name__, obj if kind in (int, bool, str, bytes, type(None)) else repr(obj))


def c_tokens(data: bytes) -> object:
    try:
        return typed(pages._speedups.tokens(data))
    except Unsure:
        return Unsure


def python_tokens(data: bytes) -> object:
    try:
        return typed(list(pages._stream_objects(data)))
    except Unsure:
        return Unsure


TOKEN_CASES = PDFMINER_TOKEN_CASES + [
    # numbers: runs, signs, a lone dot, ints beyond 64 bits, reals beyond a double's digits
    b"1 2 3 4 5 6 7 8 9 10 11 12 re -0 +0 -0.0 0. .0 007 -007.50 1\t2\x0b3\x0c4\r5\n6 x",
    b"123456789012345678 1234567890123456789 -99999999999999999999999999 q",
    b"0.1000000000000000055511151231257827021181583404541015625 3.14159265358979323846264338327950288419716939937510 q",
    b"1" * 400 + b".5 " + b"9" * 70 + b" -" + b"1" * 30 + b"." + b"2" * 40 + b" q",
    b"1 2\x003 4 5(6)7 8[9]10 11/x 12 13<41>14 15 ",
    b"",
    b"   \x00 \n",
    b"(unterminated",
    b"(a\\",
    b"(a\\\r",
    b"/name_at_end",
    b"<414",
    b"<41>",
    b"q >",
    b"(\\400) Tj",
    b"(\\0777\\1\\12\\123\\1234) Tj",
]


@needs_c
@pytest.mark.parametrize("content", TOKEN_CASES)
def test_c_tokens_are_the_python_readers(content: bytes):
    assert c_tokens(content) == python_tokens(content)


PIECES = [b" ", b"\n", b"\r", b"\t", b"\x0c", b"(", b")", b"\\", b"<", b">", b"/", b"#", b"[", b"]", b"{", b"}", b"%", b"1", b"2",
          b".", b"-", b"+", b"a", b"F", b"e", b"0", b"7", b"\x00", b"'", b"true", b"false", b"Tj", b"41", b"\xe4", b"123456789012"]


@needs_c
def test_c_tokens_are_the_python_readers_on_random_bytes():
    rng = random.Random(11)
    for _ in range(20000):
        content = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        assert c_tokens(content) == python_tokens(content), content


def page_objects(pdf: Path, speedups: object, first: int | None = None) -> list:
    """Every page's objects (or that it is left to pdfminer), read with or without the C reader."""
    pages._speedups, kept = speedups, pages._speedups
    read = []
    try:
        with pdfplumber.open(pdf) as document:
            for page in document.pages[:first]:
                try:
                    objects = pages.fast_objects(page)
                except Unsure as unsure:
                    read.append(("unsure", str(unsure)))
                else:  # and the characters the dedupe keeps
                    chars = objects.get("char", [])
                    deduped = {id(char) for char in pages.dedupe_chars(chars, 1.5)}
                    read.append((typed(objects), [n for n, char in enumerate(chars) if id(char) in deduped]))
                page.close()
    finally:
        pages._speedups = kept
    return read


def differs(pdf: Path, first: int | None = None) -> str | None:
    ours, theirs = page_objects(pdf, pages._speedups, first), page_objects(pdf, None, first)
    for number, (a, b) in enumerate(zip(ours, theirs), 1):
        if a != b:
            return f"{pdf.name} page {number}: C {str(a)[:300]} / Python {str(b)[:300]}"
    return None if len(ours) == len(theirs) else f"{pdf.name}: {len(ours)} pages / {len(theirs)}"


@needs_c
@pytest.mark.parametrize("pdf", sorted(SAMPLES.glob("*.pdf")), ids=lambda p: p.stem)
def test_c_page_objects_are_the_python_readers_on_the_samples(pdf: Path):
    assert differs(pdf) is None


@needs_c
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_c_page_objects_are_the_python_readers_on_the_corpus():
    from test_fast_path import one_per_generator

    full = bool(os.environ.get("FAST_PATH_FULL_CORPUS"))
    pdfs = sorted(CORPUS.glob("*.pdf")) if full else one_per_generator(CORPUS)
    with ProcessPoolExecutor(2) as pool:  # by default the first 8 pages of each (about 280 pages)
        differences = [d for d in pool.map(differs, pdfs, [None if full else 8] * len(pdfs)) if d]
    assert not differences, "\n".join(differences)


def python_dedupe(chars: list[dict], tolerance: float) -> list[dict]:
    kept, pages._speedups = pages._speedups, None
    try:
        return pages.dedupe_chars(chars, tolerance)
    finally:
        pages._speedups = kept


@needs_c
def test_c_dedupe_is_the_python_ones_on_random_characters():
    """Rows and columns of look-alike characters, with ties, signed zeros and ints among the positions."""
    rng = random.Random(5)
    positions = [0.0, -0.0, 0.5, 1.0, 1.4, 1.5, 1.6, 2.9, 3.0, 3.05, 4.5, 10.0, 10.25, 100.0]
    for _ in range(3000):
        chars = [
            {"upright": rng.random() < 0.9, "text": rng.choice("一二0"), "fontname": rng.choice("AB"), "size": rng.choice([10.0, 10, 12.0]),
             "doctop": rng.choice(positions), "x0": rng.choice(positions)}
            for _ in range(rng.randint(0, 25))
        ]
        if rng.random() < 0.05 and chars:
            chars[0]["x0"] = int(chars[0]["x0"])  # an int position: left to Python
        if rng.random() < 0.05 and chars:
            chars.append(chars[0])  # the same character twice: left to Python
        tolerance = rng.choice([0, 0.5, 1.5, 3, 1e-9])
        assert pages.dedupe_chars(chars, tolerance) == python_dedupe(chars, tolerance)
        assert [id(c) for c in pages.dedupe_chars(chars, tolerance)] == [id(c) for c in python_dedupe(chars, tolerance)]


def test_budgetpdf_pure_python_turns_the_c_reader_off():
    script = "from budgetpdf.extract import pages; print(pages._speedups is None)"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "BUDGETPDF_PURE_PYTHON": "1"})
    assert run.stdout.strip() == "True"


def collector(left: float, top: float, ctm: tuple) -> pages._Collector:
    """A _Collector with the page numbers paint_path reads, no page behind it."""
    device = object.__new__(pages._Collector)
    device.objects, device.ctm, device.page_number = {}, ctm, 3
    device.mb_x0, device.mb_top, device.height, device.doctop = left, top, 842.0, 1684.0
    return device


@needs_c
def test_c_paint_path_is_the_python_ones_on_random_paths():
    """Subpaths (a lone m among them), closing l + h, rectangles drawn either way round and
    nearly so, curves; integer and float matrices and mediabox origins."""
    from pdfminer.pdfinterp import PDFGraphicState

    rng = random.Random(6)
    values = [0.0, 1.0, 10.0, 10.5, -3.25, 100.0, 0.1]
    gstate = PDFGraphicState()
    for _ in range(3000):
        ctm = rng.choice([(1, 0, 0, 1, 0, 0), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (0, 1, -1, 0, 595, 0), (0.5, 0, 0, -0.5, 3.0, 800), (2, 0.5, 0.25, 2, 1, 1)])
        left, top = rng.choice([(0, 0), (0.0, 0.0), (12.5, -3), (5, 0)])
        path = []
        for _ in range(rng.randint(0, 8)):
            op = rng.choice("mmllllhc")
            point = (rng.choice(values), rng.choice(values))
            if op == "h":
                path.append(("h",))
            elif op == "c":
                path.append(("c", *point, rng.choice(values), rng.choice(values), *point))
            else:
                path.append((op, *point))
        if rng.random() < 0.3:  # a rectangle, closed by h or by a fourth l back to the start
            x, y, w, h = (rng.choice(values) for _ in range(4))
            path = [("m", x, y), ("l", x + w, y), ("l", x + w, y + h), ("l", x, y + h), rng.choice([("h",), ("l", x, y)])] + path[:2]
        ours, theirs = collector(left, top, ctm), collector(left, top, ctm)
        pages._speedups.paint_path(ours, gstate, True, False, False, path)
        pages._Collector.paint_path(theirs, gstate, True, False, False, path)
        assert typed(ours.objects) == typed(theirs.objects), path


C_OPERATORS = ["q", "Q", "cm", "w", "gs", "m", "l", "c", "v", "y", "h", "re", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n", "W", "W*",
               "G", "g", "RG", "rg", "K", "k", "BT", "ET", "Tm", "Td", "TD"]


def interpreter_state(interp: pages._FastInterpreter) -> object:
    """Everything the operators set: the interpreter's states, its stack of saved ones, its path,
    its operands left, and what the device drew."""
    def states(ctm: tuple, ts: object, gs: object) -> tuple:
        return ctm, vars(ts), vars(gs)
    device = interp.device
    return typed((states(interp.ctm, interp.textstate, interp.graphicstate), [states(*saved) for saved in interp.gstack], interp.curpath,
                  interp.argstack, device.ctm, device.objects))


def run_operators(cls: type, content: bytes, ctm: tuple) -> object:
    """content run by a fresh interpreter of cls (the C one or the pure-Python one) on a page without fonts but F1."""
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdftypes import PDFStream

    device = collector(0, 0, ctm)
    if cls is pages._CInterpreter:
        device.__class__ = pages._CCollector
    interp = cls(PDFResourceManager(), device)
    interp.init_resources({})
    interp.fontmap = {"F1": "font one"}
    interp.init_state(ctm)
    stream = PDFStream({}, content)
    stream.objid = 1
    try:
        interp.execute([stream])
    except Exception as error:  # noqa: BLE001 - the same error either way
        return type(error).__name__, interpreter_state(interp)
    return None, interpreter_state(interp)


@needs_c
def test_c_operators_take_pdfminers_operand_counts():
    for keyword in C_OPERATORS:
        entry = pages._CInterpreter._operators[keyword.encode()]
        assert entry[1].__name__ == pages._FastInterpreter._operator(keyword.encode())[1].__name__
        assert entry[2] == pages._FastInterpreter._operator(keyword.encode())[2], keyword


@needs_c
def test_c_operators_are_pdfminers_on_random_content():
    """Random runs of the operators done in C (and a few others), with ints, floats, signed zeros,
    ints beyond a double's range and 2**53, names, strings and arrays as operands, too few of them
    at times: the same states and drawings, type for type, as pdfminer's methods give."""
    import logging

    rng = random.Random(7)
    operands = ["0", "1", "-1", "2", "0.0", "-0.0", "0.5", "1.5", "-2.25", "100", "595.3", "1e3", "9007199254740993", "1" * 400, "(1.5)",
                "(x)", "/F1", "/F2", "/DeviceRGB", "/DeviceGray", "/Pattern", "/P#41", "[1 2]", "[]", "<<>>", "true"]
    operators = C_OPERATORS + ["sc", "scn", "cs", "Tj", "Tf", "TL", "T*", "'", "x"]
    logging.disable(logging.WARNING)
    try:
        for _ in range(4000):
            content = " ".join(rng.choice(operands if rng.random() < 0.6 else operators) for _ in range(rng.randint(0, 40))).encode()
            ctm = rng.choice([(1, 0, 0, 1, 0, 0), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (0, 1, -1, 0, 595, 0), (0.5, 0, 0, -0.5, 3.0, 800), (1e200, 0, 0, 1, 0, 0)])
            ours = run_operators(pages._CInterpreter, content, ctm)
            theirs = run_operators(pages._FastInterpreter, content, ctm)
            assert ours == theirs, content
    finally:
        logging.disable(logging.NOTSET)
