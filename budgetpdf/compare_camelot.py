"""`make compare`: budgetpdf's tables without rules beside camelot's stream and network flavours.

The unruled sample (samples/reference_2026_unruled.pdf) is the ruled one
(samples/reference_2026.pdf) with its tables' rules taken away and nothing
else moved, so on those pages the ruled drawing's grid is the truth for both: each figure
cell, the label of its row, and the centre of its column.  A reader gets a
figure right when it puts it in a row with the same label and in a column
that holds that column's centre and no other's.  Precision, recall and F1
over the figure cells of every page with a table, and the time taken.

camelot-py is a development dependency (``pip install -e '.[dev]'``).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from budgetpdf.extract.grid import page_to_grids
from budgetpdf.extract.pages import seat_glyphs
from budgetpdf.extract.printed import pdf_to_printed_tables
from budgetpdf.extract.settings import ExtractSettings

_FIGURE = re.compile(r"^-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)$")
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class Cell:
    page: int
    label: str
    value: str
    x0: float  # the column the reader put the figure in
    x1: float


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _row_cells(page: int, texts: list[str], xs: list[tuple[float, float]]) -> list[Cell]:
    """A row's figure cells, each with the row's label (its other cells' words, joined)."""
    texts = [_compact(t) for t in texts]
    label = "".join(t for t in texts if t and not _FIGURE.match(t))
    return [Cell(page, label, t, x0, x1) for t, (x0, x1) in zip(texts, xs) if _FIGURE.match(t)]


def truth_cells(ruled: Path) -> tuple[list[Cell], dict[int, list[float]]]:
    """Every figure cell of the ruled drawing, and the centre of each column per page."""
    cells, centres = [], {}
    settings = ExtractSettings()
    with pdfplumber.open(ruled) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            seat_glyphs(page.chars)
            for grid in page_to_grids(page, number, settings):
                matrix = grid.covering()
                spans = [(grid.xs[c], grid.xs[c + 1]) for c in range(grid.n_cols)]
                centres.setdefault(number, []).extend((a + b) / 2 for a, b in spans)
                for r in range(grid.n_rows):
                    own = [cell.text if cell is not None and cell.row == r and cell.col == c else "" for c, cell in enumerate(matrix[r])]
                    cells += _row_cells(number, own, spans)
    return cells, centres


def budgetpdf_cells(pdf: Path) -> list[Cell]:
    cells = []
    for table in pdf_to_printed_tables(pdf).tables:
        spans = [(table.xs[c], table.xs[c + 1]) for c in range(len(table.xs) - 1)]
        for row in table.rows:
            cells += _row_cells(row.page, list(row.cells), spans)
    return cells


def camelot_cells(pdf: Path, flavor: str, pages: list[int]) -> list[Cell]:
    import camelot  # a development dependency

    cells = []
    tables = camelot.read_pdf(str(pdf), pages=",".join(map(str, pages)), flavor=flavor)
    for table in tables:
        for r, row in enumerate(table.cells):
            spans = [(cell.x1, cell.x2) for cell in row]
            cells += _row_cells(table.page, [str(text) for text in table.df.iloc[r]], spans)
    return cells


def score(found: list[Cell], truth: list[Cell], centres: dict[int, list[float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) of figure cells in the right row and column."""
    expected: dict[tuple, int] = {}
    for cell in truth:
        column = [c for c in centres[cell.page] if cell.x0 <= c <= cell.x1]
        key = (cell.page, cell.label, cell.value, column[0] if column else None)
        expected[key] = expected.get(key, 0) + 1
    right = 0
    for cell in found:
        column = [c for c in centres.get(cell.page, []) if cell.x0 <= c <= cell.x1]
        key = (cell.page, cell.label, cell.value, column[0] if len(column) == 1 else None)
        if expected.get(key, 0) > 0:
            expected[key] -= 1
            right += 1
    precision = right / len(found) if found else 0.0
    recall = right / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ruled", type=Path, default=SAMPLES / "reference_2026.pdf")
    parser.add_argument("--unruled", type=Path, default=SAMPLES / "reference_2026_unruled.pdf")
    args = parser.parse_args()
    truth, centres = truth_cells(args.ruled)
    with pdfplumber.open(args.unruled) as pdf:  # the pages whose rules were taken away
        unruled = {n for n, page in enumerate(pdf.pages, start=1) if not page.edges}
    truth = [cell for cell in truth if cell.page in unruled]
    pages = sorted({cell.page for cell in truth})
    print(f"{args.unruled.name}: {len(truth)} figure cells on pages {pages[0]}–{pages[-1]} (the ruled drawing's grid is the truth)")
    readers = {
        "budgetpdf (text grids)": lambda: budgetpdf_cells(args.unruled),
        "camelot stream": lambda: camelot_cells(args.unruled, "stream", pages),
        "camelot network": lambda: camelot_cells(args.unruled, "network", pages),
    }
    print(f"{'reader':<24} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}")
    for name, read in readers.items():
        start = time.perf_counter()
        try:
            found = read()
        except Exception as error:  # noqa: BLE001 - a reader that cannot run is reported, not fatal
            print(f"{name:<24} failed: {type(error).__name__}: {error}")
            continue
        seconds = time.perf_counter() - start
        precision, recall, f1 = score(found, truth, centres)
        print(f"{name:<24} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
