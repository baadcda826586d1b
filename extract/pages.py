"""A page's objects (characters, rules, images) as pdfplumber holds them, read fast.

pdfplumber reads a page through pdfminer: a tokenizer that goes byte by
byte, an interpreter that looks each operator up by name, an LTChar per
glyph, and then a dict per LTChar.  That is most of the time of a document.
The fast reader interprets the same content streams with a regular-expression
tokenizer and pdfminer's own interpreter state, fonts and character boxes,
and writes pdfplumber's dicts directly: every character and rule comes out
as the same numbers, computed by the same expressions in the same order, as
through pdfminer (tests/test_fast_path.py compares the objects page by page
on the samples and the lines they give on the corpus; all 2,500 corpus pages
gave equal objects when this was written).  What it does not read exactly the
way pdfminer does (inline images, a token cut by the end of a stream, a
malformed dictionary, vertical writing, any error) leaves the page to pdfminer.

The page's characters without fake-bold copies (dedupe_view) are pdfplumber's
dedupe_chars, in linear time.
"""

from __future__ import annotations

import re
from binascii import unhexlify
from collections.abc import Sequence
from contextlib import contextmanager
from io import BytesIO
from operator import itemgetter
from weakref import WeakKeyDictionary

from pdfminer import pdffont
from pdfminer.cmapdb import CMapBase, CMapParser, IdentityCMap, IdentityCMapByte
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFTextState
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSEOF, PSLiteral, keyword_name, literal_name
from pdfminer.utils import INF, MATRIX_IDENTITY, Matrix, PathSegment, choplist
from pdfplumber.page import FilteredPage, Page, fix_fontname_bytes
from pdfplumber.utils import resolve_and_decode

from budgetpdf.extract.extensions import load_extension
from budgetpdf.extract.settings import PageSource


class Unsure(Exception):
    """The fast reader might not read this page as pdfminer does."""


_NOT_NAME = rb"#/%\[\]()<>{}\s"
# One match per token, whitespace before it included; the group that matched says what it is.
# Keywords, the commonest tokens, are tried first: no other token starts with a letter.
_TOKEN = re.compile(
    rb"[\s\x00]*+(?:"
    rb"([A-Za-z][^" + _NOT_NAME + rb"]*)"  # keyword (or true, false)
    rb"|((?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s+){2,})"  # two or more numbers, each ended by whitespace
    rb"|([-+]?[0-9]*\.[0-9]+|[-+]?[0-9]+\.)"  # real
    rb"|([-+]?[0-9]+)"  # integer
    rb"|<([0-9a-fA-F\s]*)>(?!>)"  # hex string and the > that ends it
    rb"|/((?:[^" + _NOT_NAME + rb"]|#[0-9a-fA-F]{0,2})*)"  # name
    rb"|\(([^()\\]*)\)"  # string without escapes or nesting
    rb"|(\()"  # any other string
    rb"|(\[|\]|<<|>>|\{|\})"  # bracket
    rb"|(%[^\r\n]*|[-+]\.?|\.)"  # nothing: a comment, a lone sign or dot (pdfminer drops them)
    rb"|<([0-9a-fA-F\s]*)"  # hex string ended by something other than >
    rb"|(>)"  # nothing: a lone >
    rb"|([^\s\x00])"  # a one-byte keyword (', ", ), ...)
    rb")",
    re.S,
)
(_KEYWORD, _NUMBERS, _REAL, _INTEGER, _HEX, _NAME, _PLAIN, _STRING, _BRACKET, _NOTHING, _OPEN_HEX, _GT, _BYTE) = range(1, 14)
_WHITESPACE = b" \t\n\r\f\v"
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_STRING_STOP = re.compile(rb"[()\\]")
_OCTAL = b"01234567"
_ESCAPES = {ord(k): v for k, v in {b"b": 8, b"t": 9, b"n": 10, b"f": 12, b"r": 13, b"(": 40, b")": 41, b"\\": 92}.items()}
_PDFMINER_BUFSIZ = 4096  # pdfminer reads a stream in chunks of this; one of its escapes depends on where they end
_OPENERS = {b"[", b"{", b"<<"}
_OPENERS_OF = {b"]": b"[", b"}": b"{", b">>": b"<<"}


def _name(raw: bytes) -> PSLiteral:
    """A name token as pdfminer spells it: ``#xx`` escapes decoded, str where it is UTF-8."""
    token = _NAME_HEX.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", raw) if b"#" in raw else raw
    try:
        return LIT(str(token, "utf-8"))
    except UnicodeDecodeError:
        return LIT(token)


def _string(data: bytes, i: int) -> tuple[bytes, int]:
    """A literal string with nesting or escapes, from just after its ``(``: its bytes and where it ends,
    decoded as pdfminer's _parse_string does (an unknown escape drops the character)."""
    depth, out = 1, bytearray()
    while True:
        m = _STRING_STOP.search(data, i)
        if m is None:
            raise Unsure("a string runs past the end of its stream")
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            i = j + 1
            octal = i
            while i < len(data) and data[i] in _OCTAL and i - octal < 3:
                i += 1
            if i > octal:
                code = int(data[octal:i], 8)
                if code > 255:
                    raise Unsure("an octal escape beyond a byte")
                out.append(code)
                continue
            if i >= len(data):
                raise Unsure("a string runs past the end of its stream")
            c = data[i]
            if c in _ESCAPES:
                out.append(_ESCAPES[c])
            elif c == 0x0D and data[i + 1 : i + 2] == b"\n":
                if (i + 1) % _PDFMINER_BUFSIZ == 0:
                    raise Unsure("an escaped line end across pdfminer's read chunks")
                i += 1
            i += 1
            continue
        i = j + 1
        if c == 0x28:
            depth += 1
            out.append(c)
            continue
        depth -= 1
        if not depth:
            return bytes(out), i
        out.append(c)


def _hex(raw: bytes) -> bytes:
    """A hex string's bytes; an odd last digit is a byte of its own, as in pdfminer."""
    digits = raw.translate(None, _WHITESPACE)
    if len(digits) % 2:
        return unhexlify(digits[:-1]) + bytes((int(digits[-1:], 16),))
    return unhexlify(digits)


def _number(token: bytes) -> int | float:
    if len(_NUMBER_VALUES) > _NUMBER_CACHE_SIZE:
        _NUMBER_VALUES.clear()
    _NUMBER_VALUES[token] = value = float(token) if b"." in token else int(token)
    return value


# A page repeats its coordinates, widths and colours, and whole runs of them (``0 0 0 rg``,
# a WPS page's ``321.594 -0 TD`` after every glyph): a lookup is cheaper than parsing them again.
_NUMBER_VALUES: dict[bytes, int | float] = {}
_RUN_VALUES: dict[bytes, tuple[int | float, ...]] = {}
_NUMBER_CACHE_SIZE = 100_000


def _numbers(raw: bytes, run=_RUN_VALUES.get, get=_NUMBER_VALUES.get) -> tuple[int | float, ...]:
    values = run(raw)
    if values is None:
        if len(_RUN_VALUES) > _NUMBER_CACHE_SIZE:
            _RUN_VALUES.clear()
        values = _RUN_VALUES[raw] = tuple([value if (value := get(token)) is not None else _number(token) for token in raw.split()])
    return values


def _rare_token(kind: int, raw: bytes, data: bytes, pos: int) -> tuple[object, int]:
    """The object of a token other than a number, keyword or bracket (None for a comment,
    a lone sign, dot or >), and where the next token starts."""
    at_end = pos == len(data)
    if kind == _HEX or kind == _OPEN_HEX:
        if at_end:
            raise Unsure("a hex string at the end of a stream")
        return _hex(raw), pos
    if kind == _NAME:
        if at_end:
            raise Unsure("a name at the end of a stream")
        return _name(raw), pos
    if kind == _PLAIN:
        return raw, pos
    if kind == _STRING:
        return _string(data, pos)
    if kind == _GT and at_end:
        raise Unsure("a > at the end of a stream")
    return None, pos


def stream_objects(data: bytes):
    """The objects of one content stream, in order: numbers, names, strings, keywords
    and bracket keywords, as pdfminer's tokenizer gives them.  (_FastInterpreter.execute
    reads tokens the same way, inline; the C extension's tokens() as well.)"""
    if _speedups is not None:
        return iter(_speedups.tokens(data))
    return _stream_objects(data)


def _stream_objects(data: bytes):
    pos = 0
    match = _TOKEN.match
    while (m := match(data, pos)) is not None:
        pos = m.end()
        kind = m.lastindex
        raw = m[kind]
        if kind == _NUMBERS:
            yield from _numbers(raw)
        elif kind == _INTEGER:
            yield int(raw)
        elif kind == _REAL:
            yield float(raw)
        elif kind == _KEYWORD:
            yield True if raw == b"true" else False if raw == b"false" else KWD(raw)
        elif kind == _BRACKET or kind == _BYTE:
            yield KWD(raw)
        else:
            obj, pos = _rare_token(kind, raw, data, pos)
            if obj is not None:
                yield obj


class _Collector(PDFDevice):
    """Receives what the interpreter draws and keeps it as pdfplumber's object dicts."""

    def __init__(self, page: Page) -> None:
        super().__init__(page.pdf.rsrcmgr)
        self.page_number = page.page_number
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.objects: dict[str, list[dict]] = {}
        self.glyphs: dict[PDFFont, dict[int, tuple[str, float]]] = {}
        # for the C reader (_speedups.show_text): per font, per style, and the page's numbers
        self.fonts: dict[PDFFont, tuple] = {}
        self.templates: dict[tuple, dict] = {}
        self.page_box = (self.height, self.mb_x0, self.mb_top, self.doctop)
        self.styles: dict[tuple, tuple] = {}

    def chars(self) -> list[dict]:
        return self.objects.setdefault("char", [])

    def char_style(self, font: PDFFont, graphicstate: PDFGraphicState) -> tuple:
        """What every character of one text-showing operator shares, as pdfplumber writes it:
        ncs, stroking_color, non_stroking_color and fontname."""
        scolor, ncolor, space = graphicstate.scolor, graphicstate.ncolor, graphicstate.ncs.name
        key = (font, space, _colour_types(scolor), scolor, _colour_types(ncolor), ncolor)  # 0 and 0.0 are different colours here
        style = self.styles.get(key)
        if style is None:
            fontname = font.fontname
            self.styles[key] = style = (
                resolve_and_decode(space),
                scolor if isinstance(scolor, tuple) else (scolor,),
                ncolor if isinstance(ncolor, tuple) else (ncolor,),
                fix_fontname_bytes(fontname) if isinstance(fontname, bytes) else fontname,
            )
        return style

    def _curve(self, kind: str, pts: list, gstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool) -> None:
        """pdfminer's LTCurve (LTLine, LTRect) as pdfplumber's dict: what _add does, inline."""
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        # pdfminer's get_bound: min and max folded from INF one point at a time, as the builtins fold
        x0, y0, x1, y1 = min(INF, *xs), min(INF, *ys), max(-INF, *xs), max(-INF, *ys)
        left, top, height = self.mb_x0, self.mb_top, self.height
        obj_top = (height - y1) + top
        self.objects.setdefault(kind, []).append(
            {
                "pts": [(left + x, top + height - y) for x, y in pts],
                "x0": x0 + left if left != 0 else x0,
                "y0": y0,
                "x1": x1 + left if left != 0 else x1,
                "y1": y1,
                "width": x1 - x0,
                "height": y1 - y0,
                "linewidth": gstate.linewidth,
                "stroke": stroke,
                "fill": fill,
                "evenodd": evenodd,
                "stroking_color": gstate.scolor,
                "non_stroking_color": gstate.ncolor,
                "dash": gstate.dash,
                "object_type": kind,
                "page_number": self.page_number,
                "top": obj_top,
                "bottom": (height - y0) + top,
                "doctop": self.doctop + obj_top,
            }
        )

    def paint_path(self, gstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool, path: Sequence[PathSegment]) -> None:
        """pdfminer's PDFLayoutAnalyzer.paint_path: one line, rectangle or curve per subpath."""
        shape = "".join([x[0] for x in path])
        if shape[:1] != "m":
            return
        if shape.count("m") > 1:
            for m in re.finditer(r"m[^m]+", shape):
                self.paint_path(gstate, stroke, fill, evenodd, path[m.start(0) : m.end(0)])
            return
        raw_pts = [p[-2:] if p[0] != "h" else path[0][-2:] for p in path]
        (a, b, c, d, e, f) = self.ctm
        pts = [(a * x + c * y + e, b * x + d * y + f) for x, y in raw_pts]  # pdfminer's apply_matrix_pt
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if shape in {"mlh", "ml"}:
            self._curve("line", [pts[0], pts[1]], gstate, stroke, fill, evenodd)
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                (rx0, ry0), (rx1, ry1) = pts[0], pts[2]
                self._curve("rect", [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)], gstate, stroke, fill, evenodd)
            else:
                self._curve("curve", pts, gstate, stroke, fill, evenodd)
        else:
            self._curve("curve", pts, gstate, stroke, fill, evenodd)

    def render_image(self, name: str, stream: PDFStream) -> None:
        self.objects.setdefault("image", []).append({"object_type": "image", "page_number": self.page_number, "name": name})


def _colour_types(colour: object) -> object:
    """The type of a colour, or of each of its components: (0,) and (0.0,) are equal, but
    pdfplumber writes each character's own (_speedups.show_text builds the same key)."""
    return tuple([type(c) for c in colour]) if type(colour) is tuple else type(colour)


class _FastInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter with the tokenizer, the operator dispatch and the
    text drawing replaced; every other operator is pdfminer's own method."""

    device: _Collector
    # keyword bytes → (keyword, the method pdfminer runs for it or None, its operand count);
    # true and false are no keywords but values, the inline image keywords not handled
    _operators: dict[bytes, tuple] = {b"true": (None, True, 0), b"false": (None, False, 0), b"BI": (None, None, -1), b"ID": (None, None, -1)}

    def pop(self, n: int) -> list:
        """As pdfminer's, but in place: execute() holds on to the stack."""
        if n == 0:
            return []
        args = self.argstack[-n:]
        del self.argstack[-n:]
        return args

    @classmethod
    def _operator(cls, raw: bytes) -> tuple:
        keyword = KWD(raw)
        name = keyword_name(keyword)
        method = getattr(cls, "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q"), None)
        cls._operators[raw] = found = (keyword, method, method.__code__.co_argcount - 1 if method else 0)
        return found

    def _streams_to_read(self, streams: Sequence[object]) -> list:
        """The content streams pdfminer's execute reads: those with an object id that no
        form XObject being drawn is already reading (a form drawing itself)."""
        valid = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None:
                continue
            if stream.objid not in self.parent_stream_ids:
                valid.append(stream)
                self.stream_ids.add(stream.objid)
        return valid

    def execute(self, streams: Sequence[object]) -> None:
        """pdfminer's execute (its PSStackParser and dispatch included) over the token
        regular expression: numbers, names and strings go on the operand stack, or into the
        array or dictionary open; a keyword runs its operator; brackets build arrays and
        dictionaries as pdfminer's nextobject does."""
        valid = self._streams_to_read(streams)
        stack = self.argstack
        operators = self._operators
        finditer = _TOKEN.finditer
        context: list[tuple[bytes | None, list]] = []
        curtype: bytes | None = None
        current: list = []
        for stream in valid:
            data = stream.get_data()
            end = len(data)
            start: int | None = 0
            while start is not None:  # again after each string _string reads
                from_here, start = start, None
                for m in finditer(data, from_here):
                    kind = m.lastindex
                    raw = m[kind]
                    if kind == _KEYWORD or kind == _BYTE:
                        keyword, method, nargs = operators.get(raw) or self._operator(raw)
                        if keyword is None:
                            if nargs < 0:
                                raise Unsure("an inline image")
                            obj = method  # true or false
                        elif context:
                            obj = keyword
                        else:
                            if method is None:
                                continue
                            if nargs:
                                args = stack[-nargs:]
                                del stack[-nargs:]
                                if len(args) == nargs:
                                    method(self, *args)
                            else:
                                method(self)
                            continue
                    elif kind == _NUMBERS:
                        (current if context else stack).extend(_numbers(raw))
                        continue
                    elif kind == _HEX and m.end() != end:
                        obj = _hex(raw)
                    elif kind == _INTEGER:
                        obj = int(raw)
                    elif kind == _REAL:
                        obj = float(raw)
                    elif kind == _BRACKET:
                        if raw in _OPENERS:
                            context.append((curtype, current))
                            curtype, current = raw, []
                            continue
                        if curtype != _OPENERS_OF[raw]:
                            continue  # pdfminer ignores a closer that matches nothing
                        objs = current
                        curtype, current = context.pop()
                        if raw == b">>":
                            if len(objs) % 2:
                                raise Unsure("a dictionary with an odd number of items")
                            obj = {literal_name(k): v for (k, v) in choplist(2, objs) if v is not None}
                        else:
                            obj = objs
                    else:
                        obj, pos = _rare_token(kind, raw, data, m.end())
                        if kind == _STRING:
                            (current if context else stack).append(obj)
                            start = pos  # read on after its end
                            break
                        if obj is None:
                            continue
                    if context:
                        current.append(obj)
                    else:
                        stack.append(obj)
            # the end of a stream ends its last token (pdfminer's #1157); a bracket left open carries on

    def get_current_state(self) -> tuple[Matrix, PDFTextState, PDFGraphicState]:
        """pdfminer's, with the states copied attribute for attribute without running their constructors."""
        return (self.ctm, _copied(self.textstate), _copied(self.graphicstate))

    def do_TJ(self, seq) -> None:
        """Show text: pdfminer's render_string and LTChar, the same arithmetic in the same order,
        written straight into pdfplumber's char dicts."""
        textstate: PDFTextState = self.textstate
        font: PDFFont | None = textstate.font
        if font is None:
            return
        if font.is_vertical():
            raise Unsure("vertical text")
        (a1, b1, c1, d1, e1, f1), (a0, b0, c0, d0, e0, f0) = textstate.matrix, self.ctm  # pdfminer's mult_matrix:
        (ma, mb, mc, md, me, mf) = (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1, a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)
        fontsize = textstate.fontsize
        scaling = textstate.scaling * 0.01
        charspace = textstate.charspace * scaling
        wordspace = 0 if font.is_multibyte() else textstate.wordspace * scaling
        rise = textstate.rise
        dxscale = 0.001 * fontsize * scaling
        descent = font.get_descent() * fontsize
        low, high = descent + rise, descent + rise + fontsize
        upright = ma * md * scaling > 0 and mb * mc <= 0
        # unrotated, unmirrored text: the box's corners are known without min and max; the
        # terms the general case adds are zeros, so the same floats come out
        unrotated = mb == 0 and mc == 0 and ma > 0 and md > 0 and low <= high
        device = self.device
        glyphs = device.glyphs.get(font) or device.glyphs.setdefault(font, _glyphs(font))
        chars = device.chars()
        height, mb_x0, mb_top, doctop = device.height, device.mb_x0, device.mb_top, device.doctop
        ncs, scolor, ncolor, fontname = device.char_style(font, self.graphicstate)
        page_number = device.page_number
        (x, y) = textstate.linematrix
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    glyph = glyphs.get(cid) or _glyph(font, cid, glyphs)
                    adv = glyph[1] * fontsize * scaling
                    if unrotated and adv >= 0:
                        e = x * ma + me
                        f = y * md + mf
                        x0, y0, x1, y1 = e, md * low + f, ma * adv + e, md * high + f
                    else:
                        e = x * ma + y * mc + me
                        f = x * mb + y * md + mf
                        left1, bottom1 = ma * 0 + mc * low + e, mb * 0 + md * low + f
                        right1, bottom2 = ma * adv + mc * low + e, mb * adv + md * low + f
                        right2, top1 = ma * adv + mc * high + e, mb * adv + md * high + f
                        left2, top2 = ma * 0 + mc * high + e, mb * 0 + md * high + f
                        x0, y0 = min(left1, left2, right1, right2), min(bottom1, bottom2, top1, top2)
                        x1, y1 = max(left1, left2, right1, right2), max(bottom1, bottom2, top1, top2)
                    top = (height - y1) + mb_top
                    char = {
                        "object_type": "char",
                        "page_number": page_number,
                        "ncs": ncs,
                        "stroking_color": scolor,
                        "non_stroking_color": ncolor,
                        "fontname": fontname,
                        "text": glyph[0],
                        "size": y1 - y0,
                        "adv": adv,
                        "upright": upright,
                        "matrix": (ma, mb, mc, md, e, f),
                        "x0": x0 + mb_x0 if mb_x0 != 0 else x0,
                        "y0": y0,
                        "x1": x1 + mb_x0 if mb_x0 != 0 else x1,
                        "y1": y1,
                        "width": x1 - x0,
                        "height": y1 - y0,
                        "top": top,
                        "bottom": (height - y0) + mb_top,
                        "doctop": doctop + top,
                    }
                    chars.append(char)
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        textstate.linematrix = (x, y)


def _close_dict(objs: list) -> dict:
    """The dictionary a ``>>`` closes, as _FastInterpreter.execute builds it."""
    if len(objs) % 2:
        raise Unsure("a dictionary with an odd number of items")
    return {literal_name(k): v for (k, v) in choplist(2, objs) if v is not None}


class _CCollector(_Collector):
    """_Collector with paint_path in C (_speedups.paint_path): the same dicts, type for type."""

    def paint_path(self, gstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool, path: Sequence[PathSegment]) -> None:
        _speedups.paint_path(self, gstate, stroke, fill, evenodd, path)


# A page's names (/F1, /GS0, /Span…) as _name gives them, for the C reader.
_NAMES: dict[bytes, PSLiteral] = {}


class _CInterpreter(_FastInterpreter):
    """_FastInterpreter with its hot loops in C (extract/_speedups.c): the tokenizer and
    dispatch of execute, the glyphs of do_TJ, and pdfminer's methods of the commonest other
    operators (_speedups.operators).  The same objects come out (tests/test_fast_path.py
    and tests/test_speedups.py compare them, type for type, with the pure-Python reader's)."""

    _operators: dict[bytes, tuple] = dict(_FastInterpreter._operators)  # its own: the methods are this class's

    def execute(self, streams: Sequence[object]) -> None:
        valid = self._streams_to_read(streams)
        if len(_NAMES) > _NUMBER_CACHE_SIZE:
            _NAMES.clear()
        stack, operators, make_operator, run = self.argstack, self._operators, self._operator, _speedups.execute
        state = [[], None, []]  # brackets open: (type, objects) each, the innermost's type and objects
        for stream in valid:
            run(self, stream.get_data(), stack, operators, make_operator, _NAMES, state)

    def do_TJ(self, seq) -> None:
        """_FastInterpreter.do_TJ, in C (_speedups.show_text); the operator dispatch calls it directly."""
        _speedups.show_text(self, seq)

    def do_Tj(self, s) -> None:
        _speedups.show_string(self, s)


def _font_info(device: _Collector, font: PDFFont) -> tuple[dict, int, bool, float]:
    """What _speedups.show_text needs of a font, kept in device.fonts: its glyphs met so far,
    how its bytes decode, whether it is multi-byte, and its descent."""
    if font.is_vertical():
        raise Unsure("vertical text")
    glyphs = device.glyphs.get(font) or device.glyphs.setdefault(font, _glyphs(font))
    info = device.fonts[font] = (glyphs, _decoding(font), font.is_multibyte(), font.get_descent())
    return info


def _template(device: _Collector, style: tuple, upright: bool) -> dict:
    """The char dict with what the glyphs of one text-showing operator share (the rest
    _speedups.show_text fills in), kept in device.templates."""
    ncs, scolor, ncolor, fontname = style
    template = device.templates[id(style), upright] = {  # device.styles keeps the style: its id stays its own
        "object_type": "char",
        "page_number": device.page_number,
        "ncs": ncs,
        "stroking_color": scolor,
        "non_stroking_color": ncolor,
        "fontname": fontname,
        "text": None,
        "size": None,
        "adv": None,
        "upright": upright,
        "matrix": None,
        "x0": None,
        "y0": None,
        "x1": None,
        "y1": None,
        "width": None,
        "height": None,
        "top": None,
        "bottom": None,
        "doctop": None,
    }
    return template


def _decoding(font: PDFFont) -> int:
    """How _speedups.show turns a font's bytes into character codes: 1 a byte each, 2 two bytes
    each, big-endian, where font.decode does just that; 0 by calling font.decode."""
    decode = type(font).decode
    if decode is PDFFont.decode:
        return 1  # bytearray(bytes)
    if decode is PDFCIDFont.decode:
        cmap = type(getattr(font, "cmap", None))
        if cmap is IdentityCMapByte:
            return 1
        if cmap is IdentityCMap:
            return 2
    return 0


def _copied(state: PDFTextState | PDFGraphicState) -> PDFTextState | PDFGraphicState:
    copy = object.__new__(type(state))
    copy.__dict__.update(state.__dict__)
    return copy


_GLYPHS: WeakKeyDictionary[PDFFont, dict[int, tuple[str, float]]] = WeakKeyDictionary()


def _glyphs(font: PDFFont) -> dict[int, tuple[str, float]]:
    """The text and width of each character code of a font met so far."""
    glyphs = _GLYPHS.get(font)
    if glyphs is None:
        glyphs = _GLYPHS[font] = {}
    return glyphs


def _glyph(font: PDFFont, cid: int, glyphs: dict[int, tuple[str, float]]) -> tuple[str, float]:
    try:
        text = font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        text = f"(cid:{cid})"
    glyphs[cid] = glyph = (text, font.char_width(cid))
    return glyph


class _TokenCMapParser(CMapParser):
    """pdfminer's CMapParser (a font's ToUnicode map) fed by the fast tokenizer: the same
    tokens (tests/test_fast_path.py), so the same map, without pdfminer's byte-by-byte reading."""

    def __init__(self, cmap: CMapBase, tokens: list) -> None:
        super().__init__(cmap, BytesIO(b""))
        self._tokens = iter(tokens)

    def nexttoken(self) -> tuple[int, object]:
        token = next(self._tokens, PSEOF)
        if token is PSEOF:
            raise PSEOF
        return 0, token


def _cmap_parser(cmap: CMapBase, fp: BytesIO) -> CMapParser:
    """The parser pdfminer's fonts build for their ToUnicode stream; pdfminer's own where the
    tokenizer is unsure of one."""
    try:
        return _TokenCMapParser(cmap, list(stream_objects(fp.getvalue())))
    except Unsure:
        return CMapParser(cmap, fp)


@contextmanager
def _token_cmaps():
    """The fonts a fast page loads read their maps with _TokenCMapParser; the careful path keeps pdfminer's."""
    pdffont.CMapParser = _cmap_parser
    try:
        yield
    finally:
        pdffont.CMapParser = CMapParser


def fast_objects(page: Page) -> dict[str, list[dict]]:
    """The page's objects as pdfplumber's ``page.objects`` holds them; Unsure when in doubt."""
    interpreter, collector = (_CInterpreter, _CCollector) if _speedups is not None else (_FastInterpreter, _Collector)
    device = collector(page)
    try:
        with _token_cmaps():
            interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Unsure:
        raise
    except Exception as error:  # noqa: BLE001 - on a broken page pdfminer's reading decides what happens
        raise Unsure(f"{type(error).__name__}: {error}") from error
    return device.objects


# The C extension (extract/_speedups.c); None: the pure-Python reader above gives the same objects
_speedups = load_extension("_speedups")
if _speedups is not None:
    _speedups.configure(Unsure, _name, _close_dict, KWD, _glyph, _font_info, _template)
    # the text-showing operators straight to C, without a Python frame
    _CInterpreter._operators[b"TJ"] = (KWD(b"TJ"), _speedups.show_text, 1)
    _CInterpreter._operators[b"Tj"] = (KWD(b"Tj"), _speedups.show_string, 1)
    # and pdfminer's do_q, do_cm, do_Tm, do_m, do_S… of the commonest operators, each with pdfminer's operand count
    for _keyword, (_method, _nargs) in _speedups.operators(PDFTextState, MATRIX_IDENTITY, PDFDevice, _CCollector).items():
        _CInterpreter._operators[_keyword.encode()] = (KWD(_keyword.encode()), _method, _nargs)


def load_objects(page: Page, source: PageSource) -> None:
    """Give the page its objects the fast way, where that reads it exactly.

    pdfplumber computes ``page.objects`` on first use and keeps it in
    ``page._objects``: filling that in first is all it takes for chars,
    edges, find_tables and extract_text_lines to run on the fast objects.
    """
    if source is PageSource.FAST:
        try:
            page._objects = fast_objects(page)
        except Unsure:
            pass  # pdfminer reads it on first use


def dedupe_chars(chars: list[dict], tolerance: float, extra_attrs: tuple[str, ...] = ("fontname", "size")) -> list[dict]:
    """pdfplumber's utils.dedupe_chars — the same characters kept, in the same order — in
    linear time: its clustering done with plain lists, without its quadratic last step
    (``chars.index`` for every character kept)."""
    if _speedups is not None and type(chars) is list:
        kept = _speedups.dedupe(chars, tolerance, tuple(extra_attrs))  # the same, in C; NotImplemented unless every position is a float
        if kept is not NotImplemented:
            return kept
    key = itemgetter("upright", "text", *extra_attrs)
    position = itemgetter("doctop", "x0")
    groups: dict[tuple, list[dict]] = {}
    for char in chars:
        groups.setdefault(key(char), []).append(char)
    kept = []
    for group in groups.values():
        if len(group) == 1:
            kept += group
            continue
        for row in _clusters(group, "doctop", tolerance):
            kept += row if len(row) == 1 else [min(same, key=position) for same in _clusters(row, "x0", tolerance)]
    if len(kept) == len(chars):
        return list(chars)  # nothing dropped: the characters in their order
    order = {id(char): n for n, char in enumerate(chars)}
    return sorted(kept, key=lambda char: order[id(char)])


def _clusters(objs: list[dict], key: str, tolerance: float) -> list[list[dict]]:
    """pdfplumber's cluster_objects: sorted values each within ``tolerance`` of the one
    before share a cluster; the objects keep their order within each."""
    cluster_of: dict[float, int] = {}
    n, last = 0, None
    for value in sorted({obj[key] for obj in objs}):
        if last is not None and value > last + tolerance:
            n += 1
        cluster_of[value] = n
        last = value
    clusters: list[list[dict]] = [[] for _ in range(n + 1)]
    for obj in objs:
        clusters[cluster_of[obj[key]]].append(obj)
    return clusters


def dedupe_view(page: Page, tolerance: float) -> FilteredPage:
    """``page.dedupe_chars(tolerance=...)``: the page without fake-bold duplicate characters."""
    view = FilteredPage(page, lambda obj: True)
    view._objects = {**page.objects, "char": dedupe_chars(page.chars, tolerance)}
    return view


# Where a glyph box may put its baseline, as a share of its height above the box's bottom:
# CJK and Latin fonts declare descents of 0 to about 0.3 em; a box whose baseline lies
# higher than this hangs below its glyph.
_SEATED_BASELINE = 0.55
_TYPICAL_DESCENT = 0.12


def seat_glyphs(chars: list[dict]) -> None:
    """Move every glyph box that hangs below its glyph back onto its baseline.

    pdfminer draws a character's box from the font's declared Descent.
    Some exports declare one deeper than the em (重庆's WPS, 北京's and
    上海's report servers), so every box lies a line below the glyph the
    page shows, and a figure lands in the row under its own.  The baseline
    (the text matrix) is where the glyph stands; the box is put back on it
    with a common descent, its size unchanged.  Upright, unrotated text only.
    """
    for char in chars:
        a, b, c, d, _, baseline = char["matrix"]
        height = char["y1"] - char["y0"]
        if b or c or d <= 0 or height <= 0 or not char["upright"]:
            continue
        if (baseline - char["y0"]) / height <= _SEATED_BASELINE:
            continue
        shift = baseline - _TYPICAL_DESCENT * height - char["y0"]
        char["y0"] += shift
        char["y1"] += shift
        for key in ("top", "bottom", "doctop"):
            char[key] -= shift
