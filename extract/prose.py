"""The running text outside the tables → its sentences, each character with its page.

Lines built from the characters outside every grid, top to bottom and
page after page; page numbers and running headers (a line that opens or
closes three or more pages) are not text.  A paragraph starts at an
outline marker (一、 （一） 1.) or a line indented against the one above it,
and ends at a line that stops short of the right margin by more than the
next line's first word needs, so a heading without a full stop is a
sentence of its own while 增长 | 6.13% stays one; a paragraph runs on over
a page break.  Sentences end at 。！？； and at a paragraph's end.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from budgetpdf.extract.extensions import load_extension
from budgetpdf.extract.page_text import TextLine
from budgetpdf.schemas.facts import ORGANISATION, OUTLINE_MARKER
from budgetpdf.schemas.records import Sentence

# chars_to_lines's C twin (extract/_text_lines.c); None: the Python below runs
_text_lines = load_extension("_text_lines")

_OUTLINE = re.compile(rf"^(?:{OUTLINE_MARKER})")
# What a line can open with that the line before could not hold: a figure wrapped whole (6.13%，)
_UNBREAKABLE = re.compile(r"^[0-9A-Za-z.,%％‰\-+]+")
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)$")
_SENTENCE_END = "。！？；;!?"
_SHORT = 2.0  # a line ending this many character widths before the right margin ends its paragraph
_INDENT = 1.2  # a line starting this many character widths right of the line above starts one
_HEADING_LENGTH = 100  # 类/款/项 headings run long: 1.其他支出（类）…（款）…（项）
_SAME_LINE = 0.5  # of the smaller height: glyphs overlapping this much stand on one line
_SPACE = 0.3  # of the glyph size: a wider gap is a space


@dataclass(frozen=True)
class ProseLine(TextLine):
    typeface: tuple[str, int] | None = None  # the one font and size all its Chinese glyphs are set in (None: several)


@dataclass(frozen=True)
class ProsePage:
    number: int
    lines: tuple[ProseLine, ...]  # outside every grid, top to bottom


@dataclass(frozen=True)
class _Line:
    text: str  # whitespace removed
    page: int
    starts_paragraph: bool
    room: float  # character widths left before the right margin: a short line may end its paragraph



def chars_to_lines(chars: list[dict]) -> tuple[ProseLine, ...]:
    """Characters → text lines, top to bottom.  Glyphs join a line when they overlap it by
    half their height, not when their tops agree: a Latin font's digits often sit a few
    points below the Chinese text around them (2024 年度收入支出总计 2995.39 万元)."""
    if _text_lines is not None and type(chars) is list:
        lines = _text_lines.prose_lines(chars, ProseLine)  # the same, in C; NotImplemented unless every position is a float
        if lines is not NotImplemented:
            return lines
    rows: list[tuple[float, float, list[dict]]] = []
    for char in sorted((c for c in chars if c["text"].strip()), key=lambda c: (c["top"] + c["bottom"]) / 2):
        top, bottom = char["top"], char["bottom"]
        if rows:
            row_top, row_bottom, members = rows[-1]
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap >= _SAME_LINE * min(bottom - top, row_bottom - row_top):
                members.append(char)
                rows[-1] = (min(top, row_top), max(bottom, row_bottom), members)
                continue
        rows.append((top, bottom, [char]))
    return tuple(_text_line(top, bottom, members) for top, bottom, members in rows)


def _text_line(top: float, bottom: float, chars: list[dict]) -> ProseLine:
    chars = sorted(chars, key=lambda c: c["x0"])
    text = chars[0]["text"]
    for before, char in zip(chars, chars[1:]):
        text += (" " if char["x0"] - before["x1"] > _SPACE * char["size"] else "") + char["text"]
    # the Chinese glyphs decide (digits are often set in a Latin font of their own), and only
    # when they agree: a run-in heading in 楷体 before body text in 仿宋 is one line of a paragraph
    faces = {(c.get("fontname", "").split("+")[-1], round(c["size"])) for c in chars if "\u4e00" <= c["text"] <= "\u9fff"}
    return ProseLine(text, top, bottom, chars[0]["x0"], chars[-1]["x1"], faces.pop() if len(faces) == 1 else None)


def _edges(page: ProsePage) -> tuple[TextLine, ...]:
    """The first and last lines of a page: where page numbers and running headers stand."""
    return (page.lines[0], page.lines[-1]) if page.lines else ()


def _shape(line: TextLine) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def running_headers(pages: list[ProsePage]) -> set[str]:
    """Lines that open or close three or more pages, numbers aside: furniture, not text."""
    counted = Counter(shape for page in pages for shape in {_shape(line) for line in _edges(page)})
    return {shape for shape, count in counted.items() if count >= 3}


def _margin(positions) -> float:
    """The least position two or more lines share: the text's margin, not a stray mark beside it."""
    counted = Counter(round(position) for position in positions)
    shared = [position for position, count in counted.items() if count >= 2]
    return min(shared or counted)


def _page_lines(page: ProsePage, furniture: set[str]) -> list[_Line]:
    edges = _edges(page)
    kept = [
        line for line in page.lines
        if not (line in edges and (_PAGE_NUMBER.match(line.text.strip()) or _shape(line) in furniture))
    ]
    if not kept:
        return []
    right = max(line.x1 for line in kept)
    lines = []
    for index, line in enumerate(kept):
        size = max(line.bottom - line.top, 1.0)
        text = re.sub(r"\s+", "", line.text)
        # indented against the line above it (a page may set blocks at different margins),
        # or, opening the page, against the page's margin
        left = kept[index - 1].x0 if index else _margin(other.x0 for other in kept)
        before = kept[index - 1].typeface if index else None
        retyped = None not in (before, line.typeface) and line.typeface != before  # a heading set bold or larger
        lines.append(_Line(
            text, page.number,
            starts_paragraph=bool(_OUTLINE.match(text)) or line.x0 - left > _INDENT * size or retyped,
            room=(right - line.x1) / size,
        ))
    return lines


def _ends_paragraph(line: _Line, following: _Line | None) -> bool:
    """Short of the margin by more than the next line's first word needs: a figure
    that did not fit (增长 | 6.13%) leaves a short line inside a paragraph."""
    if following is None or following.starts_paragraph:
        return True
    unbreakable = _UNBREAKABLE.match(following.text)
    needed = (len(unbreakable[0]) * 0.6 + 1) if unbreakable else 0.0  # a half-width glyph is about 0.6 of a CJK one
    return line.room > max(_SHORT, needed)


def _is_heading(sentence: str) -> bool:
    """Numbered, short, no figure and no clause inside: （一）因公出国（境）费用。 but not a
    glossary entry （八）机关运行经费：指…."""
    return bool(
        _OUTLINE.match(sentence) and len(sentence) <= _HEADING_LENGTH
        and not re.search(r"\d[\d,.]*(?:万元|亿元|元)", sentence) and not re.search(r"[，,：:；;]", sentence)
    )


def pages_to_sentences(pages: list[ProsePage]) -> list[Sentence]:
    """Every sentence of the running text, in reading order, with the heading above each."""
    furniture = running_headers(pages)
    lines = [line for page in pages for line in _page_lines(page, furniture)]
    sentences: list[Sentence] = []
    text: list[str] = []
    chars_pages: list[int] = []
    heading: str | None = None

    def close() -> None:
        nonlocal heading
        sentence = "".join(text)
        if sentence:
            sentences.append(Sentence(sentence, tuple(chars_pages), heading))
            if _is_heading(sentence):
                heading = sentence
        text.clear()
        chars_pages.clear()

    depth = 0  # brackets open: a ； inside （…；…） ends no sentence
    for index, line in enumerate(lines):
        if line.starts_paragraph:
            close()
            depth = 0
        for char in line.text:
            text.append(char)
            chars_pages.append(line.page)
            depth = max(0, depth + (char in "（(") - (char in ")）"))
            if char in _SENTENCE_END and (depth == 0 or char in "。！？"):
                close()
                depth = 0
        if _ends_paragraph(line, lines[index + 1] if index + 1 < len(lines) else None):
            close()
    close()
    return sentences


_OPENING_NAME = re.compile(rf"^(?P<name>{ORGANISATION})(?:[（(]本级[)）])?20\d\d年度?")


def department_in_sentences(sentences: list[Sentence]) -> str | None:
    """The organisation the 说明 opens its sentences with (江苏省政协办公厅2019年度收入、支出预算总计…),
    where it does so twice or more: the department, for a document whose tables and cover do not name it."""
    named = Counter(match["name"] for sentence in sentences if (match := _OPENING_NAME.match(sentence.text)))
    name, count = named.most_common(1)[0] if named else (None, 0)
    return name if count >= 2 else None

