"""A document's indirect objects read from its bytes with the fast tokenizer.

pdfminer parses each object (fonts, pages, XObjects) with its PostScript
parser, byte by byte in Python: a tenth of the reading time.  Nearly every
object is plainly written: ``N G obj``, numbers, names, arrays and
dictionaries, references, perhaps a stream, ``endobj``.  Those are read here
from the same tokens (pages.stream_objects: pdfminer's tokenizer, in C where
it is built) and built into the same objects pdfminer builds.  Anything else
(strings, comments, a header that does not name the object, a stream whose
end is not where its /Length says, a repaired cross-reference table) is left
to pdfminer's own ``_getobj_parse``.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from pdfminer.casting import safe_int
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef, PDFStream, int_value
from pdfminer.psparser import KWD, PSKeyword, literal_name

from budgetpdf.extract.pages import Unsure, stream_objects

# pdfminer's whitespace is \s (NUL is not); a keyword ends at whitespace or a delimiter
_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj(?=[\s#/%\[\]()<>{}])")
# what a cut before endobj or stream could split: a string, a comment, a procedure (and a hex string: a < once the <<s are gone)
_UNSAFE = re.compile(rb"[(%{}<]")
_STREAM_END = re.compile(rb"\s*endstream\s+endobj")
_EOL = re.compile(rb"\r\n|[\r\n]")
_ENDS_A_TOKEN = frozenset(b" \t\n\r\f\v>])")
_AFTER_ENDOBJ = {b"", *(bytes([c]) for c in b" \t\n\r\f\v#/%[]()<>{}")}  # endobj is a keyword of its own

_ARRAY_BEGIN, _ARRAY_END, _DICT_BEGIN, _DICT_END = KWD(b"["), KWD(b"]"), KWD(b"<<"), KWD(b">>")
_R, _NULL = KWD(b"R"), KWD(b"null")


class _NotPlain(Exception):
    """An object this reader leaves to pdfminer."""


@contextmanager
def objects_read_fast(doc: PDFDocument, path: Path) -> Iterator[None]:
    """While in the block, ``doc`` reads its plainly written objects from the file ``path``, mapped."""
    with open(path, "rb") as file:
        try:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # an empty file, or one that cannot be mapped: pdfminer reads it all
            yield
            return
        with data:
            doc._getobj_parse = partial(_getobj_parse, doc, data, doc._getobj_parse)
            try:
                yield
            finally:
                del doc._getobj_parse  # pdfminer's own again, before the mapping closes


def _getobj_parse(doc: PDFDocument, data: mmap.mmap, pdfminers: Callable[[int, int], object], pos: int, objid: int) -> object:
    """PDFDocument._getobj_parse: the object ``objid`` written at ``pos``."""
    try:
        return _object_at(doc, data, pos, objid)
    except (_NotPlain, Unsure):
        return pdfminers(pos, objid)


def _object_at(doc: PDFDocument, data: mmap.mmap, pos: int, objid: int) -> object:
    header = _HEADER.match(data, pos)
    if header is None or int(header[1]) != objid or doc._parser is None or doc._parser.fallback:
        raise _NotPlain
    start = header.end()
    end = data.find(b"endobj", start)
    if end < 0:
        raise _NotPlain
    stream_at = data.find(b"stream", start, end)
    body = data[start : stream_at if stream_at >= 0 else end]
    cut = stream_at if stream_at >= 0 else end
    if _UNSAFE.search(body.replace(b"<<", b"")) or data[cut - 1] not in _ENDS_A_TOKEN or data[end + 6 : end + 7] not in _AFTER_ENDOBJ:
        raise _NotPlain
    obj = _build(doc, stream_objects(body))
    if stream_at < 0:
        return obj
    return _stream(doc, data, obj, stream_at)


def _build(doc: PDFDocument, tokens) -> object:
    """PSStackParser.nextobject and PDFParser.do_keyword over one object's tokens, up to endobj."""
    stack: list = []
    outer: list[list] = []
    for token in tokens:
        if type(token) is not PSKeyword:
            stack.append(token)
        elif token is _ARRAY_BEGIN or token is _DICT_BEGIN:
            outer.append(stack)
            stack = [token]
        elif token is _ARRAY_END or token is _DICT_END:
            if not outer or stack[0] is not (_ARRAY_BEGIN if token is _ARRAY_END else _DICT_BEGIN):
                raise _NotPlain
            objs = stack[1:]
            if token is _DICT_END:
                if len(objs) % 2:
                    raise _NotPlain  # pdfminer raises PSSyntaxError: let it
                objs = {literal_name(key): value for key, value in zip(objs[::2], objs[1::2]) if value is not None}
            stack = outer.pop()
            stack.append(objs)
        elif token is _R:
            if len(stack) - (1 if outer else 0) < 2:
                raise _NotPlain
            number = safe_int(stack[-2])
            del stack[-2:]
            if number is not None:
                stack.append(PDFObjRef(doc, number))
        elif token is _NULL:
            stack.append(None)
        else:
            raise _NotPlain  # another keyword: pdfminer decides what it means
    if outer or len(stack) != 1:
        raise _NotPlain
    return stack[0]


def _stream(doc: PDFDocument, data: mmap.mmap, attrs: object, stream_at: int) -> PDFStream:
    """PDFParser.do_keyword's stream: /Length bytes after the line of ``stream``."""
    if type(attrs) is not dict or data[stream_at + 6 : stream_at + 7] not in (b"\r", b"\n"):
        raise _NotPlain
    length = attrs["Length"] if "Length" in attrs else 0
    length = int_value(length) if isinstance(length, PDFObjRef) else length
    if type(length) is not int or length < 0:
        raise _NotPlain
    begin = _EOL.match(data, stream_at + 6).end()
    if not _STREAM_END.match(data, begin + length):
        raise _NotPlain
    return PDFStream(attrs, data[begin : begin + length], doc.decipher)
