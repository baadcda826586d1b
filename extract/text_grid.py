"""A table drawn without rules → the same :class:`Grid` a ruled one gives.

Word, many budget systems and spreadsheet exports without borders print a
table as text in aligned columns.  Its grid is read from where the words
stand, in a chain of small steps:

chars → words → lines → (header lines, body bands) → columns → Grid

- **Columns** come from the body: the x-ranges its words cover, split
  where no word of any row reaches (right-aligned figures leave a gap
  before the next column; so does a label column).  A header label over a
  gap no body word fills is a column with no figures.  A label-area run
  of words with no header label of its own (``201`` before
  ``一般公共服务支出``) belongs to the column beside it.
- **Body rows** are bands of lines (``lines_to_bands``): lines that overlap,
  a line close under a row, the rest of a figure a narrow cell cut, and a
  name's next line where the name above fills its cell.
- **Header cells** keep their spans: a label spans the columns under it
  that print a label further down and none at its own height, as far as
  the span stays centred on the label (``财政拨款（补助）`` over its five
  sources); a label's wrapped lines are one cell.

The Grid then goes through the same caption, header and body steps as a
ruled one (extract/printed.py).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from budgetpdf.extract.grid import Grid, GridCell, chars_to_slots, chars_to_text, cluster_positions
from budgetpdf.extract.header import CODE_PART_LABELS
from budgetpdf.extract.settings import ExtractSettings
from budgetpdf.normalize import is_total_label, split_outline
from budgetpdf.schemas import HEADER_VOCABULARY, header_text

# a figure as printed: decimal point or thousands separators (a bare integer may be a code or a year)
FIGURE = re.compile(r"^[-(（]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)[)）]?$")
# a classification code, alone or leading a name: 201, 2010301, 201一般公共服务支出, [301]
CODE = re.compile(r"^[\[【]?\d{3,7}(?![\d年月日%.])[\]】]?")
_NUMERIC = re.compile(r"^[\d,.]*\d[\d,.]*$")  # digits with separators: a figure, a code, or a piece of either
_FIGURE_PART = re.compile(r"^-?\d{1,3}(,\d{3})*(,\d{0,2}|\.\d?)$")
_NO_LINE_END = frozenset("（([【《“‘")  # a line may not end with these: the text wraps before them


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    chars: tuple[dict, ...]

    @property
    def is_figure(self) -> bool:
        return bool(FIGURE.match(self.text))

    @property
    def is_numeric(self) -> bool:
        return bool(_NUMERIC.match(self.text))

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def has_figures(self) -> bool:
        return any(word.is_figure for word in self.words)

    @property
    def has_figure_parts(self) -> bool:
        """A figure, or the first part of one a narrow cell cut (4,728. over 00)."""
        return any(word.is_figure or _FIGURE_PART.match(word.text) for word in self.words)

    @property
    def opens_body(self) -> bool:
        """A line of figures or classification codes: the header is above it."""
        return any(word.is_figure or CODE.match(word.text) for word in self.words)


def chars_to_words(chars: list[dict], settings: ExtractSettings) -> list[Word]:
    """Runs of characters on one baseline, split where the gap is wider than a space."""
    words: list[Word] = []
    ordered = [{**char, "_order": n} for n, char in enumerate(chars)]  # the order they are drawn in
    for line in _rows_of(sorted(ordered, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))):
        line.sort(key=lambda c: c["x0"])
        run = [line[0]]
        for before, char in zip(line, line[1:]):
            if char["x0"] - before["x1"] > settings.space_gap * max(char["size"], before["size"]):
                words.append(_word(run))
                run = []
            run.append(char)
        words.append(_word(run))
    return words


def _rows_of(chars: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for char in chars:
        middle = (char["top"] + char["bottom"]) / 2
        if rows and abs(middle - rows[-1][-1]["_middle"]) <= 0.3 * char["size"]:
            rows[-1].append({**char, "_middle": rows[-1][-1]["_middle"]})
        else:
            rows.append([{**char, "_middle": middle}])
    return rows


def _word(chars: list[dict]) -> Word:
    return Word(
        "".join(c["text"] for c in chars),
        min(c["x0"] for c in chars),
        max(c["x1"] for c in chars),
        min(c["top"] for c in chars),
        max(c["bottom"] for c in chars),
        max(c["size"] for c in chars),
        tuple(chars),
    )


def words_to_lines(words: list[Word]) -> list[Line]:
    """Words whose vertical middles agree, as text lines, top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if lines and abs(middle - (lines[-1][0].top + lines[-1][0].bottom) / 2) <= 0.3 * word.size:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [Line(tuple(sorted(group, key=lambda w: w.x0)), min(w.top for w in group), max(w.bottom for w in group)) for group in lines]


def lines_to_bands(lines: list[Line], xs: list[float] | None = None) -> list[list[Line]]:
    """Body lines → rows.

    Lines that overlap are one row (a name beside figures centred on it, a
    figure wrapped in a narrow cell).  A line close under a row (nearer than
    half the usual gap between lines) is its wrapped name, or the rest of
    its wrapped figures (``932.3`` over ``1``).  Where rows are printed as
    close as a name's lines (Word's tables, no padding), a line of words
    alone (no figure, code or ordinal) goes on the name above it when that
    name fills its column: it wrapped there.
    """
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    usual = statistics.median(gaps) if gaps else 0.0
    size = statistics.median(w.size for line in lines for w in line.words) if lines else 0.0
    leading = _leading([w for line in lines for w in line.words], xs) if xs else 0.0
    full = _full_width(lines, xs) if xs else {}
    bands: list[list[Line]] = []
    for n, line in enumerate(lines):
        # a name's first line over figures centred on it: the start of the next row
        leads = n + 1 < len(lines) and lines[n + 1].top < line.bottom - 0.5
        if bands:
            band = bands[-1]
            bottom = max(l.bottom for l in band)
            gap = line.top - bottom
            one_row_of_figures = not (line.has_figures and any(l.has_figures for l in band))
            if (
                gap < -0.5
                or (gap < usual / 2 and one_row_of_figures)
                or (gap < size and _completes_figures(band, line, xs))
                or (
                    not leads
                    # one line below the row, as a cell's lines stand
                    and line.top - band[-1].top <= leading + _SAME_PITCH * size
                    and _continues_a_full_name(band, line, xs, full)
                )
                or (
                    # a name's first lines over the line its figures stand on, centred in a tall cell
                    not any(l.has_figure_parts for l in band)
                    and line.top - band[-1].top <= leading + _SAME_PITCH * size
                    and _continues_a_full_name(band, line, xs, full, figures_below=True)
                )
            ):
                band.append(line)
                continue
        bands.append([line])
    return bands


_FIGURE_CHARS = frozenset("0123456789,.-")
_SAME_PITCH = 0.15  # type sizes by which the next line of a cell may stand further than the closest two
_WHOLE_FIGURE = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")  # 1,234.56: no figure wrapped half-way


def _completes_figures(band: list[Line], line: Line, xs: list[float] | None) -> bool:
    """Every figure word of the line ends a figure the row above began in its column
    (10,14 | 2.25), and none was whole already (261.28 | 692.97 are two rows)."""
    if not xs:
        return False
    heads: dict[int, str] = {}
    for char in (c for above in band for w in above.words for c in w.chars):  # a figure run on from a name counts in its own cell
        col = _column_of((char["x0"] + char["x1"]) / 2, xs)
        if char["text"] in _FIGURE_CHARS:  # a name's last character may stand over the line
            heads[col] = heads.get(col, "") + char["text"]
    tails = [w for w in line.words if w.is_numeric]
    for word in tails:
        head = heads.get(_column_of(word.centre, xs))
        if head is None:
            return False
        code = head.isdigit() and word.text.isdigit() and len(head) < 3 and len(head + word.text) in (3, 5, 7)  # 20 | 1
        if not code and (_WHOLE_FIGURE.match(head) or not FIGURE.match(head + word.text)):
            return False
    return bool(tails)


def _extents(words, xs: list[float]) -> dict[int, tuple[float, float]]:
    """Per column, where the characters that stand in it begin and end (a word run on
    across two cells counts in each)."""
    extents: dict[int, tuple[float, float]] = {}
    for char in (c for w in words for c in w.chars):
        col = _column_of((char["x0"] + char["x1"]) / 2, xs)
        x0, x1 = extents.get(col, (char["x0"], char["x1"]))
        extents[col] = (min(x0, char["x0"]), max(x1, char["x1"]))
    return extents


def _full_width(lines: list[Line], xs: list[float]) -> dict[int, float]:
    """Per label column, where its longest line of words ends: a name that reaches it wrapped."""
    ends: dict[int, float] = {}
    for line in lines:
        for c, (_, x1) in _extents([w for w in line.words if not w.is_figure], xs).items():
            if x1 <= xs[c + 1] + 1:  # a name printed past its cell says nothing of where the cell ends
                ends[c] = max(ends.get(c, 0.0), x1)
    return ends


def _continues_a_full_name(band: list[Line], line: Line, xs: list[float] | None, full: dict[int, float], figures_below: bool = False) -> bool:
    """The line's words go on with the names of the line above, which fill their columns;
    with ``figures_below``, the line may carry the row's figures and codes too."""
    if not xs or any(split_outline(w.text)[0] for w in line.words if not w.is_figure):
        return False
    if not figures_below and (line.has_figures or any(CODE.match(w.text) for w in line.words)):
        return False
    above = _extents([w for w in band[-1].words if not w.is_figure], xs)
    words = [w for w in line.words if not (w.is_figure or w.is_numeric)] if figures_below else line.words
    if not words or any(CODE.match(w.text) or is_total_label(w.text) for w in words):
        return False  # a name led by its own code (216商业服务业等支出), or a total, opens a row
    coded = lambda l: any(CODE.match(w.text) for w in l.words)  # noqa: E731
    if figures_below and coded(line) and any(coded(l) for l in band):
        return False  # two rows' codes
    # every column's words go on flush under words that filled their cell, or that wrapped
    # early because the next character may not end a line (an opening bracket: （一般）)
    starts = {}
    for word in sorted(words, key=lambda w: w.x0):
        starts.setdefault(_column_of(word.centre, xs), word.text)
    for c, (x0, _) in _extents(words, xs).items():
        if c not in above or abs(above[c][0] - x0) > 1.5:
            return False
        full_cell = above[c][1] >= min(full.get(c, 0.0), xs[c + 1]) - line.words[0].size
        if not full_cell and not starts.get(c, " ")[0] in _NO_LINE_END:
            return False
    return True


def _intervals(spans: list[tuple[float, float]]) -> list[list[float]]:
    merged: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return merged


def _leaves(header: list[Word]) -> list[Word]:
    """Header words with no header word below them in their x-range."""
    return [w for w in header if not any(o.top > w.bottom - 0.5 and o.x0 < w.x1 and o.x1 > w.x0 for o in header if o is not w)]


def _covered(body_lines: list[Line]) -> list[list[float]]:
    """The x-ranges the body's words cover.  Where the table has many rows, what a single
    line covers between two columns others cover bridges nothing: a long name printed
    past its cell.  A column only one row fills is still a column."""
    many = len(body_lines) >= 10
    edges = sorted({x for line in body_lines for w in line.words for x in (w.x0, w.x1)})
    segments = []
    for left, right in zip(edges, edges[1:]):
        middle = (left + right) / 2
        count = sum(1 for line in body_lines if any(w.x0 <= middle <= w.x1 for w in line.words))
        segments.append((left, right, count))
    runs: list[list[float]] = []
    for n, (left, right, count) in enumerate(segments):
        if not count:
            continue
        if many and count == 1 and _between_strong(segments, n):
            continue
        if runs and abs(runs[-1][1] - left) < 1e-6:
            runs[-1][1] = right
        else:
            runs.append([left, right])
    return runs


def _between_strong(segments: list[tuple[float, float, int]], n: int) -> bool:
    """Whether the segment lies between two stretches more than one line covers, with no gap."""
    def strong(step: int) -> bool:
        i = n + step
        while 0 <= i < len(segments) and segments[i][2] == 1:
            i += step
        return 0 <= i < len(segments) and segments[i][2] > 1

    return strong(-1) and strong(1)


def body_to_columns(body_lines: list[Line], header: list[Word]) -> list[tuple[float, float]]:
    """Column extents: the x-ranges the body's words cover, plus a header label over a gap."""
    body = [w for line in body_lines for w in line.words]
    columns = _covered(body_lines)
    leaves = _leaves(header)
    bottom = max((w.bottom for w in header), default=0.0)
    figure_columns = [(x0, x1) for x0, x1 in columns if any(w.is_figure and x0 <= w.centre <= x1 for w in body)]
    over_figures = [leaf for leaf in leaves if any(x0 - 2 <= leaf.x1 and leaf.x0 <= x1 + 2 for x0, x1 in figure_columns)]
    stacks = {id(leaf): _stack(leaf, header) for leaf in leaves}
    for leaf in leaves:
        # a label over a gap heads a column left blank, if it stands level with the labels of
        # columns that print figures (a label of three lines centred beside one of five: the
        # lines above it count), or at the foot of the header (not a group label: 支出)
        top = stacks[id(leaf)]
        level = (
            not figure_columns
            or leaf.bottom >= bottom - 0.5 * leaf.size
            or any(stacks[id(o)] < leaf.bottom and o.bottom > top for o in over_figures)
        )
        if not level or any(x0 - 2 <= leaf.x1 and leaf.x0 <= x1 + 2 for x0, x1 in columns):
            continue
        # in a wide cell the figures stand flush right and the labels flush left, away from
        # the label centred over them
        right = min((c for c in columns if c[0] > leaf.x1), default=None, key=lambda c: c[0])
        if right is not None and tuple(right) in figure_columns and _unlabelled(right, leaf, leaves, right=True):
            right[0] = leaf.x0
            continue
        left = max((c for c in columns if c[1] < leaf.x0), default=None, key=lambda c: c[1])
        labels_left = left is not None and any(not w.is_figure and left[0] <= w.centre <= left[1] for w in body)
        if labels_left and tuple(left) not in figure_columns and _unlabelled(left, leaf, leaves, right=False):
            left[1] = leaf.x1
            continue
        columns = _intervals([*map(tuple, columns), (leaf.x0, leaf.x1)])
    columns = [tuple(c) for c in columns]
    # a run of label words no header label stands over is part of the column beside it
    labelled = [any(x0 - 1 <= w.centre <= x1 + 1 or (w.x0 < x1 + 2 and w.x1 > x0 - 2) for w in header) for x0, x1 in columns]
    figures = [any(w.is_figure and x0 <= w.centre <= x1 for w in body) for x0, x1 in columns]
    kept: list[tuple[float, float]] = []
    pending: tuple[float, float] | None = None
    for (x0, x1), has_label, has_figures in zip(columns, labelled, figures):
        if pending is not None:
            x0, pending = pending[0], None
        if not has_label and not has_figures and header:
            if kept and not figures[len(kept) - 1] if kept else False:
                kept[-1] = (kept[-1][0], x1)
            else:
                pending = (x0, x1)
            continue
        kept.append((x0, x1))
    if pending is not None and kept:
        kept[-1] = (kept[-1][0], pending[1])
    return kept


def _stack(leaf: Word, header: list[Word]) -> float:
    """Where the label a leaf ends begins: the lines stacked right above it, centred on it."""
    top, centre = leaf.top, leaf.centre
    while True:
        above = [w for w in header if abs(w.centre - centre) <= max(2.0, 0.5 * leaf.size) and 0 < top - w.top <= 2 * leaf.size]
        if not above:
            return top
        top = min(w.top for w in above)


def _unlabelled(column: list[float], leaf: Word, leaves: list[Word], right: bool) -> bool:
    """No other label stands over the column (to the ``right`` of the leaf, or left of it),
    or between the two; to the left, a group label higher up (科目 over 科目代码 and 科目名称)
    is no label of the column."""
    if right:
        return not any(o is not leaf and o.x1 > leaf.x1 and o.x0 < column[1] + 2 for o in leaves)
    return not any(o is not leaf and o.bottom > leaf.top and o.x0 < leaf.x0 and o.x1 > column[0] - 2 for o in leaves)


def _boundaries(columns: list[tuple[float, float]], figures: list[bool], left: float, right: float) -> list[float]:
    """Where one column ends and the next begins: just right of a column of figures (set
    flush right, their cell ends there), just left of a column of labels (set flush left),
    else halfway across the gap."""
    inner = []
    for a, b, a_figures, b_figures in zip(columns, columns[1:], figures, figures[1:]):
        pad = min(_CELL_PADDING, (b[0] - a[1]) / 2)
        inner.append(a[1] + pad if a_figures else b[0] - pad if not b_figures else (a[1] + b[0]) / 2)
    return [min(left, columns[0][0]) - 1, *inner, max(right, columns[-1][1]) + 1]


_CELL_PADDING = 3.0  # points between a flush-right figure and its cell's edge


def _column_of(x: float, xs: list[float]) -> int:
    for c in range(len(xs) - 1):
        if x < xs[c + 1]:
            return c
    return len(xs) - 2


@dataclass
class _Block:
    """A header cell being built: its label and the columns it spans."""

    word: Word
    first: int
    last: int


def _leading(words: list[Word], xs: list[float]) -> float:
    """The distance from one line to the next within a cell: the closest two words of one
    column ever stand one above the other (fonts differ: 1.3 type sizes in reportlab's, 1.55
    in WenQuanYi's)."""
    steps = []
    for c in range(len(xs) - 1):
        tops = sorted(w.top for w in words if _column_of(w.centre, xs) == c)
        steps += [b - a for a, b in zip(tops, tops[1:]) if b - a > 0.5 * min(w.size for w in words)]
    return min(steps, default=0.0)


def join_wrapped_labels(header: list[Word], xs: list[float]) -> list[Word]:
    """A label's wrapped lines → one word: each line just under the one before (as close as
    the header's lines ever stand), centred on it or flush left with it, within one column."""
    labels: list[Word] = []
    leading = _leading(header, xs)
    for word in sorted(header, key=lambda w: (w.top, w.x0)):
        column = _column_of(word.centre, xs)
        above = next(
            (
                label
                for label in reversed(labels)
                if 0 <= word.top - label.bottom <= max(0.5 * word.size, leading - (word.bottom - word.top) + 1.0)
                and _column_of(label.centre, xs) == column
                and _within_column(label, column, xs)
                # two labels the registry knows each whole are two cells (支出预算 over 基本支出)
                and not _two_whole_labels(label.text, word.text)
                and (abs(label.centre - word.centre) <= max(2.0, 0.5 * word.size) or abs(label.x0 - word.x0) <= 1.5)
            ),
            None,
        )
        if above is None or header_text(word.text) in CODE_PART_LABELS or _heads_a_group(word, header, xs):
            # 类, 款, 项 are labels of their own, however close under 科目代码; so is a label
            # over labels in two columns (基本支出 over 人员经费 | 公用经费, just under 财政拨款)
            labels.append(word)
            continue
        labels[labels.index(above)] = Word(
            f"{above.text}\n{word.text}", min(above.x0, word.x0), max(above.x1, word.x1), above.top, word.bottom,
            max(above.size, word.size), above.chars + word.chars,
        )
    return labels


def _within_column(label: Word, c: int, xs: list[float]) -> bool:
    """The label stands over one column: no wider than it, or at least clear of the middle of
    the columns beside it (a column left blank is as narrow as its own label's last line)."""
    if label.x1 - label.x0 <= xs[c + 1] - xs[c] + 2:
        return True
    left = (xs[c - 1] + xs[c]) / 2 if c > 0 else float("-inf")
    right = (xs[c + 1] + xs[c + 2]) / 2 if c + 2 < len(xs) else float("inf")
    return left < label.x0 and label.x1 < right


def _two_whole_labels(upper: str, lower: str) -> bool:
    """Two labels the registry knows, each whole (支出预算 over 基本支出): two cells, not one
    wrapped.  Short pieces (政府 | 性基 | 金预 | 算, in a narrow column) prove nothing."""
    upper, lower = header_text(upper), header_text(lower)
    whole = lambda text: text in HEADER_VOCABULARY and (len(text) >= 3 or is_total_label(text))  # noqa: E731
    return whole(upper) and whole(lower)


def _heads_a_group(word: Word, header: list[Word], xs: list[float]) -> bool:
    under = {_column_of(o.centre, xs) for o in header if o.top >= word.bottom - 0.5 and o.x0 < word.x1 and o.x1 > word.x0}
    return len(under) >= 2


def header_to_blocks(header: list[Word], xs: list[float]) -> list[_Block]:
    """Header labels (their wrapped lines joined already) → cells with their column spans.

    Bottom up, so a group label sees the spans of the labels under it:
    ``财政拨款`` over ``基本支出`` (itself over 人员经费 | 公用经费) and 项目支出."""
    n = len(xs) - 1
    blocks: list[_Block] = []
    for word in sorted(header, key=lambda w: -w.top):
        home = _column_of(word.centre, xs)
        level = [o for o in header if o is not word and o.top < word.bottom - 0.5 and o.bottom > word.top + 0.5]
        occupied = {_column_of(o.centre, xs) for o in level}

        def stack(c: int) -> list[_Block]:
            return [b for b in blocks if b.first <= c <= b.last and b.word.top >= word.bottom - 0.5]

        stacks = [stack(c) for c in range(n)]
        first = last = home
        if stacks[home]:
            labels = [[b.word for b in column] for column in stacks]
            eligible = [bool(stacks[c]) and c not in occupied for c in range(n)]
            first, last = _centred_span(word, home, xs, eligible, lambda a, b: _aligned(labels[a], labels[b]))
        blocks.append(_Block(word, first, last))
    return blocks


def _label_anchors(lines: list[Line]) -> list[float]:
    """The x where the body's labels start: shared by two or more of its label words."""
    starts: dict[float, int] = {}
    for word in (w for line in lines for w in line.words if not w.is_figure):
        key = round(word.x0)
        starts[key] = starts.get(key, 0) + 1
    return [x for x, n in starts.items() if n >= 2]


def _aligned(labels: list[Word], reference: list[Word]) -> bool:
    """Labels under one group start level with each other, or are centred level with each
    other; a label centred on the whole header's height is no child of the group."""
    top, ref_top = min(w.top for w in labels), min(w.top for w in reference)
    middle = (top + max(w.bottom for w in labels)) / 2
    ref_middle = (ref_top + max(w.bottom for w in reference)) / 2
    bottom, ref_bottom = max(w.bottom for w in labels), max(w.bottom for w in reference)
    return abs(top - ref_top) <= 2.0 or abs(middle - ref_middle) <= 3.0 or abs(bottom - ref_bottom) <= 2.0


def _centred_span(word: Word, home: int, xs: list[float], eligible: list[bool], siblings) -> tuple[int, int]:
    """The widest run of eligible columns around ``home``, centred on the word, whose
    labels below it are siblings of each other."""
    a = home
    while a > 0 and eligible[a - 1] and siblings(a - 1, home):
        a -= 1
    b = home
    while b < len(eligible) - 1 and eligible[b + 1] and siblings(b + 1, home):
        b += 1
    best = (home, home)
    for first in range(a, home + 1):
        for last in range(home, b + 1):
            if last - first <= best[1] - best[0]:
                continue
            tolerance = max(2.0, 0.25 * (xs[last + 1] - xs[first]) / (last - first + 1))
            if abs((xs[first] + xs[last + 1]) / 2 - word.centre) > tolerance:
                continue
            if all(siblings(i, j) for i in range(first, last + 1) for j in range(i + 1, last + 1)):
                best = (first, last)
    return best


def _text(words: list[Word], settings: ExtractSettings) -> str:
    return chars_to_text([c for w in words for c in w.chars], settings)


def lines_to_grid(
    page: int, header_lines: list[Line], body_lines: list[Line], settings: ExtractSettings, known_xs: tuple[float, ...] | None = None
) -> Grid | None:
    """Header and body lines of one table → a Grid with spans, as a ruled table would give;
    ``known_xs``, the columns of the page before, where the words stand within them."""
    # a name above figures centred in a tall cell stands level with the header's last line
    header_lines = list(header_lines)
    while header_lines and body_lines and header_lines[-1].bottom > body_lines[0].top + 0.5:
        body_lines = [header_lines.pop(), *body_lines]
    # rows with no figures at the top of the body: their labels start where the body's labels do
    anchors = _label_anchors(body_lines)
    while header_lines and body_lines and all(
        any(abs(w.x0 - a) <= 1.5 for a in anchors) and header_text(w.text) not in HEADER_VOCABULARY for w in header_lines[-1].words
    ):
        body_lines = [header_lines.pop(), *body_lines]
    header = [w for line in header_lines for w in line.words]
    body = [w for line in body_lines for w in line.words]
    if not body and not header:
        return None
    everything = header + body
    if known_xs and known_xs[0] - 2 <= min(w.x0 for w in everything) and max(w.x1 for w in everything) <= known_xs[-1] + 2:
        xs = list(known_xs)
    else:
        columns = body_to_columns(body_lines, header) if body else _intervals([(w.x0, w.x1) for w in _leaves(header)])
        columns = [tuple(c) for c in columns]
        if len(columns) < 2:
            return None
        figures = [sum(w.is_figure for w in body if x0 <= w.centre <= x1) * 2 > sum(1 for w in body if x0 <= w.centre <= x1) for x0, x1 in columns]
        xs = _boundaries(columns, figures, min(w.x0 for w in everything), max(w.x1 for w in everything))
    n_cols = len(xs) - 1

    blocks = header_to_blocks(join_wrapped_labels(header, xs), xs)
    size = statistics.median(w.size for w in everything)
    row_tops = cluster_positions([b.word.top for b in blocks], 0.3 * size)
    header_row = {id(b): max(i for i, top in enumerate(row_tops) if top <= b.word.top + 0.3 * size) for b in blocks}
    n_header = len(row_tops)
    cells: list[GridCell] = []
    taken: set[tuple[int, int]] = set()
    # each header cell fills its columns from under the label above it to over the label
    # below it, as a merged cell does: a label centred in a tall cell covers the whole height
    ends: dict[int, int] = {}
    for block in sorted(blocks, key=lambda b: (header_row[id(b)], b.first)):
        row = header_row[id(block)]
        shares = [o for o in blocks if o is not block and o.first <= block.last and o.last >= block.first]
        above = [ends[id(o)] for o in shares if header_row[id(o)] < row and id(o) in ends]
        below = [header_row[id(o)] for o in shares if header_row[id(o)] > row]
        start, end = min(max(above, default=0), row), (min(below) if below else n_header)
        for first_row, last_row in ((start, end), (row, end), (row, row + 1)):
            span = [(r, c) for r in range(first_row, last_row) for c in range(block.first, block.last + 1)]
            if not any(slot in taken for slot in span):
                break
        else:
            first_row, last_row = row, row + 1
            span = [(row, c) for c in range(block.first, block.last + 1) if (row, c) not in taken]
        taken.update(span)
        ends[id(block)] = last_row
        cells.append(GridCell(first_row, block.first, last_row - first_row, block.last - block.first + 1, _text([block.word], settings)))

    bands = lines_to_bands(body_lines, xs)
    for b, band in enumerate(bands):
        row = n_header + b
        per_column: dict[int, list[dict]] = {}
        band_chars = sorted((c for line in band for w in line.words for c in w.chars), key=lambda c: c["_order"])
        for char, (_, c) in chars_to_slots(band_chars, xs, [min(l.top for l in band) - 1, max(l.bottom for l in band) + 1]):
            per_column.setdefault(min(max(c, 0), n_cols - 1), []).append(char)
        for c in range(n_cols):
            chars = per_column.get(c, [])
            indent = round(min(ch["x0"] for ch in chars) - xs[c], 1) if chars else None
            cells.append(GridCell(row, c, 1, 1, chars_to_text(chars, settings), indent))
            taken.add((row, c))
    n_rows = n_header + len(bands)
    cells += [GridCell(r, c, 1, 1, "") for r in range(n_rows) for c in range(n_cols) if (r, c) not in taken]
    tops = [min(b.word.top for b in blocks if header_row[id(b)] == r) for r in range(n_header)]
    tops += [min(l.top for l in band) for band in bands]
    ys = (*tops, max(w.bottom for w in everything))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page, bbox, n_rows, n_cols, tuple(sorted(cells, key=lambda c: (c.row, c.col))), tuple(xs), ys, ruled=False)
