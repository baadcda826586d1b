"""Text outside the grids: titles, 编制部门, 单位, year and document kind."""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby
from operator import itemgetter
from dataclasses import dataclass

from budgetpdf.extract.extensions import load_extension
from budgetpdf.extract.grid import Grid
from budgetpdf.normalize import clean_name

# chars_to_text_lines's C twin (extract/_text_lines.c); None: the Python below runs
_text_lines = load_extension("_text_lines")

_DEPARTMENT = re.compile(
    r"(?:编制部门|编制单位|预算单位|部门名称|单位名称|部门（单位）|部门\(单位\)|部门)\s*[:：]\s*(?!单位\s*[:：]|金额单位)(\S+?)(?=\s|单位\s*[:：]|金额单位|$)"
)
# A cover: 2026 年度 | 福州市医疗保障局 | 部门预算, or 西南大学 | 2021 年度部门预算
_COVER = (
    re.compile(r"(20\d\d)年度?(?P<name>[\u4e00-\u9fff（）]{3,40}?)(?:（汇总）)?(?:部门|单位)?(?:综合)?(?:预算|决算)"),
    re.compile(r"(?P<name>[\u4e00-\u9fff（）]{3,40}?)(?:（汇总）)?(?:部门)?(?:20\d\d)?年?度?(?:部门|单位)?(?:综合)?(?:预算|决算)"),
)
# 西安市卫生健康委员会（汇总）: the department's consolidated budget, named as the department
_CONSOLIDATED = re.compile(r"[（(]汇总[）)]$")
_ORGANISATION = re.compile(r"(局|委员会|委|办公室|办|厅|院|中心|大学|学院|学校|部|会|处|室|所|站|队|馆|团|社|政府|集团|公司)$")
# the colon may be missing or stand on a text line of its own (重庆: its glyph sits lower)
_UNIT = re.compile(r"单位\s*[:：]?\s*(?:人民币)?\s*(万元|元)(?![\u4e00-\u9fff])")
_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class TextLine:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float


def page_text_lines(page) -> list[TextLine]:
    """The page's text lines, top to bottom: ``page.extract_text_lines()``, stripped."""
    return chars_to_text_lines(page.chars)


_X0, _TOP, _X1, _BOTTOM = itemgetter("x0"), itemgetter("top"), itemgetter("x1"), itemgetter("bottom")
# pdfplumber's default x_tolerance and y_tolerance, and its ligatures
_TOLERANCE = 3
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def chars_to_text_lines(chars: list[dict]) -> list[TextLine]:
    """pdfplumber's ``extract_text_lines(return_chars=False)`` with its default settings, each
    line's text stripped and blank lines left out, without the text map it builds on the way.

    The same steps in the same order (tests/test_fast_path.py compares the two on every
    corpus page): characters grouped by uprightness as they come; each group's lines by
    clustering ``top`` (``x0`` for rotated text), sorted along the line; words split at
    blanks and at gaps; the words then clustered into lines by ``top`` in the order they
    came, and joined with one space.
    """
    if _text_lines is not None and type(chars) is list:
        lines = _text_lines.text_lines(chars, TextLine)  # the same, in C; NotImplemented unless every position is a float
        if lines is not NotImplemented:
            return lines
    words: list[tuple[str, float, float, float, float, bool]] = []  # text, x0, top, x1, bottom, whether it has letters
    for upright, group in groupby(chars, itemgetter("upright")):
        group = list(group)
        if upright:
            lines = _clusters(group, itemgetter("top"))
            along = itemgetter("x0")
            start, end, across = "x0", "x1", "top"
        else:  # pdfplumber's rotated directions: lines by x0, characters top to bottom
            lines = _clusters(group, itemgetter("x0"))
            along = itemgetter("top", "bottom")
            start, end, across = "top", "bottom", "x0"
        for line in lines:
            for word in _words(sorted(line, key=along), start, end, across):
                letters = [c for c in word if c["text"]]
                text = "".join([_LIGATURES.get(c["text"], c["text"]) for c in word])
                box = letters or word
                words.append((text, min(map(_X0, box)), min(map(_TOP, word)), max(map(_X1, box)), max(map(_BOTTOM, box)), bool(letters)))
    lines = []
    for line in _clusters(words, itemgetter(2), keep_order=True):
        text = ""
        for word in line:
            text = f"{text} {word[0]}" if text else word[0]  # a space before every word but the line's first letters
        if not text.strip():
            continue
        inked = [word for word in line if word[5]]
        lines.append(TextLine(text.strip(), min(w[2] for w in inked), max(w[4] for w in inked), min(w[1] for w in inked), max(w[3] for w in inked)))
    return lines


def _clusters(objs: list, key, keep_order: bool = False) -> list[list]:
    """pdfplumber's cluster_objects at its default tolerance: the sorted distinct values, each
    within the tolerance of the one before, share a cluster; the objects in cluster order
    (or, with ``keep_order``, runs of the same cluster in the objects' order)."""
    values = list(map(key, objs))
    cluster_of: dict[float, int] = {}
    n, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + _TOLERANCE:
            n += 1
        cluster_of[value] = n
        last = value
    ids = [cluster_of[value] for value in values]
    if keep_order:
        return [[obj for _, obj in run] for _, run in groupby(zip(ids, objs), key=itemgetter(0))]
    clusters: list[list] = [[] for _ in range(n + 1)]  # a stable sort by cluster, without sorting
    for cluster, obj in zip(ids, objs):
        clusters[cluster].append(obj)
    return clusters


def _words(chars: list[dict], start: str, end: str, across: str) -> list[list[dict]]:
    """pdfplumber's iter_chars_to_words: a blank ends a word, a character with no text is a word
    of its own, and a character before the last one's start, past its end by more than the
    tolerance, or off its line by more than the tolerance starts a new one."""
    words: list[list[dict]] = []
    current: list[dict] = []
    for char in chars:
        text = char["text"]
        if text.isspace():
            if current:
                words.append(current)
            current = []
        elif not text:
            if current:
                words.append(current)
            words.append([char])
            current = []
        elif current and (
            char[start] < (last := current[-1])[start] or char[start] > last[end] + _TOLERANCE or abs(char[across] - last[across]) > _TOLERANCE
        ):
            words.append(current)
            current = [char]
        else:
            current.append(char)
    if current:
        words.append(current)
    return words


def lines_outside(lines: list[TextLine], grids: list[Grid]) -> list[TextLine]:
    """The lines that lie outside every grid: titles, captions, notes and prose."""
    outside = []
    for line in lines:
        middle = (line.top + line.bottom) / 2
        centre = (line.x0 + line.x1) / 2
        if not any(g.bbox[1] <= middle <= g.bbox[3] and g.bbox[0] <= centre <= g.bbox[2] for g in grids):
            outside.append(line)
    return outside


def find_department(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _DEPARTMENT.search(line.text)
        if match:
            return _CONSOLIDATED.sub("", clean_name(match[1]))
    return None


def find_cover_department(texts: list[str]) -> str | None:
    """The department named on the cover, above the table of contents (目录)."""
    cover = []
    for text in texts:
        if re.sub(r"\s+", "", text).startswith("目录"):
            break
        cover.append(text)
    joined = re.sub(r"\s+", "", "".join(cover))
    for pattern in _COVER:
        match = pattern.search(joined)
        if match and _ORGANISATION.search(match["name"]):
            return match["name"]
    return None


def find_unit(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _UNIT.search(line.text.replace(" ", ""))
        if match:
            return match[1]
    return None


def find_year(texts: list[str]) -> int | None:
    """The budget year: the first year printed on the cover pages."""
    for text in texts:
        match = _YEAR.search(text)
        if match:
            return int(match[1])
    return None


def find_doc_kind(texts: list[str]) -> str | None:
    joined = "".join(t.replace(" ", "") for t in texts)
    if "决算" in joined:
        return "final_account"
    if "预算" in joined:
        return "budget"
    return None


def most_common(values: list[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None
