"""Every tunable of extraction, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from budgetpdf.extract.ocr import OcrSettings


@dataclass(frozen=True)
class GridSettings:
    """How ruled grids are found (pdfplumber's lines strategy)."""

    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    intersection_tolerance: float = 3.0
    edge_min_length: float = 3.0
    # Grid lines closer than this are one line when rows and columns are numbered.
    position_tolerance: float = 1.5

    def pdfplumber_settings(self) -> dict:
        return {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": self.snap_tolerance,
            "join_tolerance": self.join_tolerance,
            "intersection_tolerance": self.intersection_tolerance,
            "edge_min_length": self.edge_min_length,
        }


class PageSource(str, Enum):
    """Who turns a page's content streams into characters and rules (extract/pages.py)."""

    FAST = "fast"  # a lean interpreter with pdfminer's arithmetic; pdfminer for the pages it is unsure of
    PDFMINER = "pdfminer"  # pdfminer for every page: the careful path the fast one is tested against


@dataclass(frozen=True)
class ExtractSettings:
    grid: GridSettings = GridSettings()
    page_source: PageSource = PageSource.FAST
    ocr: OcrSettings = OcrSettings()  # pages without a text layer (extract/ocr.py)
    # Characters whose tops differ by less than this share a text line.
    line_tolerance: float = 3.0
    # A gap wider than this fraction of the font size is a space.
    space_gap: float = 0.3
    # The same character again within this distance is a fake-bold duplicate.
    duplicate_char_tolerance: float = 1.5
    # A table continues on the next page when the text above its grid there
    # is no longer than this (续表, a running header, a repeated unit line).
    continuation_text_chars: int = 14
