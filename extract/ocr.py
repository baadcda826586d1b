"""Pages without a text layer → the same characters and rules a digital page gives.

A scanned page holds an image and no text.  It is rendered (pdfium), turned
straight again (its skew measured on the image), its rules found as long
thin runs of ink, and its text read by RapidOCR (PP-OCRv4, the models ship
inside the wheel: nothing is downloaded at run time) with a box for every
character.  Characters and rules become pdfplumber's object dicts, so the
grid finder, the header and row readers, normalisation and the prose
reader work on a scanned page exactly as on a digital one: this module is
the only place that knows a page was scanned.

The figures OCR reads are marked in ``lines/`` and ``facts/`` and vouched
for by the arithmetic (``schemas/verify.py``), never trusted as read.

Chain: ``page_to_image`` → ``image_to_skew`` → ``straighten`` →
``image_to_rules`` and ``image_to_glyphs`` → ``close_up`` → ``ocr_objects``.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

# the text layer of a scanned page: nothing, or a stamp's few characters
SCANNED_PAGE_MAX_CHARS = 10


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read."""

    enabled: bool = True
    dpi: int = 200  # table figures of 8–9 pt come out 22–25 px tall: PP-OCR's best range
    max_skew: float = 3.0  # degrees either way the page may be turned
    threads: int = 1  # per worker process; a batch runs one worker per core
    # a rule is a run of ink at least this long (points); the strokes of a
    # 9 pt character are shorter, a table's rules longer
    min_rule: float = 18.0
    # a shorter upright run is a rule too where both its ends meet a horizontal rule
    # (the 类 | 款 | 项 cells of a header row)
    min_short_rule: float = 6.0
    # The text finder reads the page in square tiles of this many pixels (a
    # multiple of 32, its stride), each keeping only what lies at least
    # `detection_margin` from a neighbour's edge: it holds one tile's tensors
    # (≈110 MB) whatever the page size, where a whole A4 page took ≈600 MB.  Its
    # network weighs its channels by their mean over the whole input, so a tile
    # must see enough of the page: 768 reads the scanned sample as the whole
    # page does, 512 loses a fifth of its figures.
    detection_tile: int = 768
    detection_margin: int = 128
    # A batch of text lines is recognised in parts of at most this many pixels of
    # (padded) line width.  The lines are read one by one inside a batch, so the
    # results are the same; a batch of six 2,000 px table rows no longer takes 500 MB.
    recognition_columns: int = 1000


@dataclass(frozen=True)
class Glyph:
    """One character OCR read, in image pixels."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


class OcrUnavailable(RuntimeError):
    """RapidOCR (or its runtime) is not installed or cannot load."""


def is_scanned(page) -> bool:
    """A page that shows an image and prints (next to) no text."""
    if not page.images:
        return False
    printed = sum(1 for char in page.chars if char["text"].strip())
    return printed <= SCANNED_PAGE_MAX_CHARS


# ---- image ------------------------------------------------------------------


def page_to_image(pdf, index: int, dpi: int) -> np.ndarray:
    """Page ``index`` (0-based) of a pypdfium2 document, rendered grey at ``dpi``."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_numpy()
    finally:
        page.close()
    return np.ascontiguousarray(image[:, :, 0] if image.ndim == 3 else image)


def _ink(grey: np.ndarray) -> np.ndarray:
    """Dark pixels as 255, paper as 0 (Otsu's threshold: scans differ in contrast)."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def image_to_skew(grey: np.ndarray, max_skew: float) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's text lines and rules level.

    Rows of ink are sharpest when level: the angle that maximises the
    variance of the ink per pixel row wins, searched in 0.1° steps and then
    0.02° around the best, on a quarter-size image.
    """
    import cv2

    ink = _ink(grey)
    small = cv2.resize(ink, (max(1, ink.shape[1] // 4), max(1, ink.shape[0] // 4)), interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    height, width = small.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height), flags=cv2.INTER_LINEAR)
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    coarse = max(np.arange(-max_skew, max_skew + 1e-9, 0.1), key=sharpness)
    fine = max(np.arange(coarse - 0.1, coarse + 0.1 + 1e-9, 0.02), key=sharpness)
    return round(float(fine), 2)


def straighten(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by ``angle`` degrees about its centre, the corners filled with paper."""
    if abs(angle) < 0.01:
        return grey
    import cv2

    height, width = grey.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


Segment = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels


def image_to_rules(grey: np.ndarray, px_per_pt: float, settings: OcrSettings) -> tuple[list[Segment], list[Segment]]:
    """The page's horizontal and vertical rules, as thin boxes in pixels.

    A rule is a run of ink the morphological opening keeps along one
    direction; a character's strokes are shorter than ``min_rule``.  Upright
    runs between ``min_short_rule`` and ``min_rule`` count where both of
    their ends meet a horizontal rule: the short rules between a header's
    类, 款 and 项 cells.
    """
    import cv2

    ink = _ink(grey)
    long_run = max(3, round(settings.min_rule * px_per_pt))
    short_run = max(3, round(settings.min_short_rule * px_per_pt))
    flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_run, 1)))
    upright = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, short_run)))
    horizontal = [box for box in _boxes(flat) if box[2] - box[0] >= long_run and box[3] - box[1] <= 0.8 * px_per_pt * 4]
    vertical = []
    reach = 1.0 * px_per_pt  # the rule's end lies in the other rule's ink; a stroke's stops short of it
    for box in _boxes(upright):
        x0, top, x1, bottom = box
        if x1 - x0 > 0.8 * px_per_pt * 4:
            continue
        if bottom - top >= long_run or (_meets(horizontal, (x0 + x1) / 2, top, reach) and _meets(horizontal, (x0 + x1) / 2, bottom, reach)):
            vertical.append(box)
    return horizontal, vertical


def _boxes(mask: np.ndarray) -> list[Segment]:
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(float(x), float(y), float(x + w), float(y + h)) for x, y, w, h, _ in stats[1:count]]


def _meets(rules: list[Segment], x: float, y: float, reach: float) -> bool:
    return any(r[0] - reach <= x <= r[2] + reach and r[1] - reach <= y <= r[3] + reach for r in rules)


# ---- text ---------------------------------------------------------------------

_engines: dict[tuple[int, int, int, int], object] = {}
_engine_lock = threading.Lock()


def ocr_engine(settings: OcrSettings):
    """One RapidOCR engine per process and settings (its models take a second and ~55 MB to
    load), its text finder tiled and its recogniser's batches split (see ``OcrSettings``)."""
    key = (settings.threads, settings.detection_tile, settings.detection_margin, settings.recognition_columns)
    with _engine_lock:
        if key not in _engines:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as error:  # noqa: F841 - said in the message
                raise OcrUnavailable(f"RapidOCR is not installed ({error}): pip install rapidocr-onnxruntime") from error
            try:
                engine = RapidOCR(use_cls=False, intra_op_num_threads=settings.threads, inter_op_num_threads=1, print_verbose=False)
            except Exception as error:  # noqa: BLE001 - a runtime that cannot load is the same as none
                raise OcrUnavailable(f"RapidOCR could not load its models: {type(error).__name__}: {error}") from error
            engine.text_det = TiledDetector(engine.text_det, settings.detection_tile, settings.detection_margin)
            engine.text_rec.session = SplitBatches(engine.text_rec.session, settings.recognition_columns)
            _engines[key] = engine
        return _engines[key]


def tile_windows(length: int, tile: int, margin: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, keep_start, keep_stop)`` of each tile along one side of ``length`` pixels.

    Every tile is ``tile`` long (the whole side when shorter), so the network sees one
    input shape; the kept parts cover each pixel once, each at least ``margin`` from the
    tile's cut edges (the page's own edges are kept to the border).
    """
    if length <= tile:
        return [(0, length, 0, length)]
    core = tile - 2 * margin
    windows = []
    for keep_start in range(0, length, core):
        keep_stop = min(length, keep_start + core)
        start = min(max(0, keep_start - margin), length - tile)
        if windows and windows[-1][0] == start:  # the last tile already holds it
            windows[-1] = (start, start + tile, windows[-1][2], keep_stop)
        else:
            windows.append((start, start + tile, keep_start, keep_stop))
    return windows


class TiledDetector:
    """RapidOCR's text finder (DBNet) run tile by tile over the resized page.

    The tiles' probability maps are put together into the page's, and the
    finder's own post-processing draws the text boxes from it.  A tile sees
    ``margin`` pixels around what it keeps, so a line cut by a tile edge is
    found whole; a box may still move by a pixel against a whole-page run,
    as the network's channel weights come from the tile.  What it saves is
    memory: one tile's tensors instead of the page's.
    """

    def __init__(self, detector, tile: int, margin: int):
        if tile % 32 or tile <= 2 * margin:
            raise ValueError(f"detection_tile {tile} must be a multiple of 32 and more than twice the margin {margin}")
        self.detector, self.tile, self.margin = detector, tile, margin

    @property
    def postprocess_op(self):  # RapidOCR sets its thresholds here on each call
        return self.detector.postprocess_op

    def __call__(self, image: np.ndarray):
        detector, start_time = self.detector, time.perf_counter()
        shape = image.shape[:2]
        preprocess = detector.get_preprocess(max(shape))
        resized = preprocess.resize(image)
        height, width = resized.shape[:2]
        probability = np.empty((1, 1, height, width), np.float32)
        for top, bottom, keep_top, keep_bottom in tile_windows(height, self.tile, self.margin):
            for left, right, keep_left, keep_right in tile_windows(width, self.tile, self.margin):
                pixels = preprocess.permute(preprocess.normalize(resized[top:bottom, left:right]))
                found = detector.infer(np.expand_dims(pixels, axis=0).astype(np.float32))[0]
                probability[:, :, keep_top:keep_bottom, keep_left:keep_right] = (
                    found[:, :, keep_top - top:keep_bottom - top, keep_left - left:keep_right - left])
                release_freed_memory()
        boxes, _ = detector.postprocess_op(probability, shape)
        return detector.filter_tag_det_res(boxes, shape), time.perf_counter() - start_time


class SplitBatches:
    """The recogniser's session, fed a batch in parts of at most ``columns`` pixels of line width."""

    def __init__(self, session, columns: int):
        self.session, self.columns = session, columns

    def __call__(self, batch: np.ndarray) -> list[np.ndarray]:
        per_part = max(1, self.columns // batch.shape[3])
        parts = []
        for start in range(0, len(batch), per_part):
            parts.append(self.session(batch[start:start + per_part])[0])
            release_freed_memory()
        return [np.concatenate(parts)]

    def __getattr__(self, name: str):  # the character list and the rest of the session
        return getattr(self.session, name)


def _find_malloc_trim():
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator gives memory back its own way
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_malloc_trim = _find_malloc_trim()


def release_freed_memory() -> None:
    """Give the memory the network freed back to the system (glibc's ``malloc_trim``).

    Its tensors are freed between heap blocks that outlive them, so glibc would
    keep them, and a worker's memory would climb with every new input shape.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def image_to_glyphs(grey: np.ndarray, settings: OcrSettings) -> list[list[Glyph]]:
    """Every character RapidOCR reads on the image, with its own box, per text line.

    RapidOCR boxes each text line and, asked for word boxes, each character
    in it (a run of Latin letters may come as one word: its box is shared
    out among its letters by width).
    """
    engine = ocr_engine(settings)
    result, _ = engine(grey, return_word_box=True)
    lines: list[list[Glyph]] = []
    for found in result or []:
        box, text = found[0], found[1]
        words = found[4] if len(found) > 5 else None
        if words and len(found[3]) == len(words):
            line: list[Glyph] = []
            for word_box, word in zip(found[3], words):
                line += _split(word, _bounds(word_box))
        else:
            line = _split(text, _bounds(box))
        lines.append(line)
    return lines


def close_up(lines: list[list[Glyph]], vertical: list[Segment]) -> list[Glyph]:
    """Each OCR text line's characters edge to edge, except across a rule.

    The character boxes hug the ink, so the gaps between them would read as
    spaces ("一、 财政 拨款"); OCR has judged the run to be one text.  It may
    also run one cell's text into the next (``5,708.69支出总计``): a gap a
    rule crosses stays open, so each side falls in its own cell.
    """
    glyphs = []
    for line in lines:
        for glyph, after in zip(line, line[1:] + [None]):
            if after is not None and 0 < after.x0 - glyph.x1 < glyph.bottom - glyph.top and not _ruled_between(glyph, after, vertical):
                glyph = Glyph(glyph.text, glyph.x0, glyph.top, after.x0, glyph.bottom)
            glyphs.append(glyph)
    return glyphs


def _ruled_between(left: Glyph, right: Glyph, vertical: list[Segment]) -> bool:
    middle = (left.top + left.bottom) / 2
    return any(left.x1 <= (x0 + x1) / 2 <= right.x0 and top <= middle <= bottom for x0, top, x1, bottom in vertical)


def _bounds(quad) -> tuple[float, float, float, float]:
    xs = [float(point[0]) for point in quad]
    ys = [float(point[1]) for point in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _split(text: str, box: tuple[float, float, float, float]) -> list[Glyph]:
    """A word's box shared among its characters: a CJK character is twice as wide as a Latin one."""
    text = text.strip()
    if not text:
        return []
    x0, top, x1, bottom = box
    weights = [2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text]
    step = (x1 - x0) / sum(weights)
    glyphs, x = [], x0
    for ch, weight in zip(text, weights):
        if ch.strip():
            glyphs.append(Glyph(ch, x, top, x + weight * step, bottom))
        x += weight * step
    return glyphs


# ---- objects ------------------------------------------------------------------


def ocr_objects(page, glyphs: list[Glyph], rules: tuple[list[Segment], list[Segment]], image_shape: tuple[int, int]) -> dict[str, list[dict]]:
    """pdfplumber's ``page.objects`` for a scanned page: a char per glyph, a line per rule.

    Pixel boxes are scaled onto the page.  A character's size is the typical
    height of the glyphs of about its height (``typical_sizes``): OCR boxes of
    one body text differ by a pixel or two from line to line, and the prose
    reader takes a change of size for a heading.
    """
    x_origin, top_origin, x_end, bottom_end = page.bbox
    sx = (x_end - x_origin) / image_shape[1]
    sy = (bottom_end - top_origin) / image_shape[0]
    sizes = typical_sizes([(glyph.bottom - glyph.top) * sy for glyph in glyphs])
    chars = []
    for glyph in glyphs:
        x0, x1 = x_origin + glyph.x0 * sx, x_origin + glyph.x1 * sx
        top, bottom = top_origin + glyph.top * sy, top_origin + glyph.bottom * sy
        size = sizes[round((bottom - top) * 2) / 2]
        chars.append(
            {
                "object_type": "char",
                "page_number": page.page_number,
                "ncs": "DeviceGray",
                "stroking_color": (0,),
                "non_stroking_color": (0,),
                "fontname": "OCR",
                "text": glyph.text,
                "size": size,
                "adv": x1 - x0,
                "upright": True,
                "matrix": (size, 0, 0, size, x0, page.height - bottom + 0.12 * (bottom - top)),  # baseline in the box, low
                **_box(page, x0, top, x1, bottom),
            }
        )
    lines = []
    horizontal, vertical = rules
    for x0, top, x1, bottom in horizontal:
        y = top_origin + (top + bottom) / 2 * sy
        lines.append(_line(page, x_origin + x0 * sx, y, x_origin + x1 * sx, y, (bottom - top) * sy))
    for x0, top, x1, bottom in vertical:
        x = x_origin + (x0 + x1) / 2 * sx
        lines.append(_line(page, x, top_origin + top * sy, x, top_origin + bottom * sy, (x1 - x0) * sx))
    return {"char": chars, "line": lines, "image": list(page.images)}


_SAME_SIZE = 1.4  # glyph heights within this ratio of the cluster's smallest are one size (OCR boxes of one text vary by 20%)


def typical_sizes(heights: list[float]) -> dict[float, float]:
    """Each height (rounded to half a point) → the most common height of its cluster.

    Heights sorted and cut where one exceeds the cluster's smallest by more
    than ``_SAME_SIZE``: an 18 pt title and 12 pt body text stay apart; a body
    line boxed at 11.5 pt, or a short one at 16, joins its neighbours at 12.
    """
    counted = Counter(round(height * 2) / 2 for height in heights)
    sizes: dict[float, float] = {}
    cluster: list[float] = []
    for height in sorted(counted) + [float("inf")]:
        if cluster and height > cluster[0] * _SAME_SIZE:
            typical = max(cluster, key=lambda h: (counted[h], h))
            sizes.update((member, max(typical, 0.5)) for member in cluster)
            cluster = []
        cluster.append(height)
    return sizes


def _box(page, x0: float, top: float, x1: float, bottom: float) -> dict:
    """An object's position in all the ways pdfplumber keeps it."""
    height = page.height
    return {
        "x0": x0, "y0": height - bottom, "x1": x1, "y1": height - top, "width": x1 - x0, "height": bottom - top,
        "top": top, "bottom": bottom, "doctop": page.initial_doctop + top,
    }


def _line(page, x0: float, top: float, x1: float, bottom: float, width: float) -> dict:
    return {
        "object_type": "line",
        "page_number": page.page_number,
        "pts": [(x0, top), (x1, bottom)],
        **_box(page, x0, top, x1, bottom),
        "linewidth": width,
        "stroke": True,
        "fill": False,
        "evenodd": False,
        "stroking_color": (0,),
        "non_stroking_color": (0,),
        "dash": None,
    }


@dataclass(frozen=True)
class OcrPage:
    """What reading one scanned page took."""

    skew: float  # degrees the page was turned back
    glyphs: int
    rules: int


_listeners: list[Callable[[int], None]] = []


@contextmanager
def telling_ocr_pages(listener: Callable[[int], None]) -> Iterator[None]:
    """``listener(page_number)`` is called as each scanned page starts: a batch worker tells its
    parent, which shows OCR pages on the progress bar and gives the document more time."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def read_scanned_page(page, source, settings: OcrSettings) -> OcrPage:
    """Give a scanned pdfplumber page the objects OCR reads on its image (``page._objects``).

    ``source`` is the document open in pypdfium2.
    """
    for listener in _listeners:
        listener(page.page_number)
    grey = page_to_image(source, page.page_number - 1, settings.dpi)
    skew = image_to_skew(grey, settings.max_skew)
    grey = straighten(grey, skew)
    rules = image_to_rules(grey, settings.dpi / 72, settings)
    glyphs = close_up(image_to_glyphs(grey, settings), rules[1])
    page._objects = ocr_objects(page, glyphs, rules, grey.shape)
    return OcrPage(skew, len(glyphs), len(rules[0]) + len(rules[1]))
