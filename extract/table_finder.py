"""pdfplumber's table finder (its lines strategy) on plain tuples, with its searches indexed.

pdfplumber turns every line, rectangle and curve into edge dicts, copies a
dict each time it snaps or joins an edge, pairs every vertical edge with
every horizontal one to find intersections, and looks for the cell at each
intersection by scanning every later one, rebuilding the sets of edges
through both for each pair it tries.  Here an edge is a tuple (``Rule``)
and is moved by the same arithmetic (``x + (avg - x)``, the same ``sum``),
so the same floats come out; the horizontal edges a vertical one may cross
are found by bisection on the very sums pdfplumber compares; and the cell
search looks up the intersections below and to the right of each, tried
in pdfplumber's order: the same edges, intersections, cells and tables
(tests/test_fast_path.py compares them on the samples and the corpus).
"""

from __future__ import annotations

import bisect
from itertools import groupby
from operator import itemgetter

from pdfplumber.page import Page
from pdfplumber.table import Table, TableSettings
from pdfplumber.table import cells_to_tables as pdfplumber_cells_to_tables
from pdfplumber.utils import cluster_objects

from budgetpdf.extract.extensions import load_extension

# The C twins of intersections_to_cells(*rules_to_intersections(...)) and of pdfplumber's cells_to_tables
# (extract/_grid_cells.c); None: the Python runs
_grid_cells = load_extension("_grid_cells")

# An edge: (x0, top, x1, bottom, length), its length being its width when it is
# horizontal and its height when vertical, as pdfplumber's edge dicts carry them.
Rule = tuple[float, float, float, float, float]
Point = tuple[float, float]
Bbox = tuple[float, float, float, float]

_X0, _TOP = itemgetter(0), itemgetter(1)


def page_to_rules(page: Page) -> tuple[list[Rule], list[Rule]]:
    """The vertical and horizontal edges of pdfplumber's ``page.edges``, in its order
    (lines, then rectangles' four sides, then curves' segments); slanted segments left out."""
    vertical: list[Rule] = []
    horizontal: list[Rule] = []
    for line in page.lines:
        if line["top"] == line["bottom"]:
            horizontal.append((line["x0"], line["top"], line["x1"], line["bottom"], line["width"]))
        else:
            vertical.append((line["x0"], line["top"], line["x1"], line["bottom"], line["height"]))
    for rect in page.rects:
        x0, top, x1, bottom, width, height = rect["x0"], rect["top"], rect["x1"], rect["bottom"], rect["width"], rect["height"]
        horizontal.append((x0, top, x1, top, width))
        horizontal.append((x0, top + height, x1, bottom, width))
        vertical.append((x0, top, x0, bottom, height))
        vertical.append((x1, top, x1, bottom, height))
    for curve in page.curves:
        points = curve["pts"]
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            if ax == bx:
                vertical.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), abs(ay - by)))
            elif ay == by:
                horizontal.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), abs(ax - bx)))
    return vertical, horizontal


def rules_to_tables(page: Page, rules: tuple[list[Rule], list[Rule]], table_settings: dict, closing: list[Rule] = ()) -> list[Table]:
    """``page.find_tables({**table_settings, "explicit_horizontal_lines": closing})`` for the
    lines strategy, given the page's rules (page_to_rules) and ``closing``, horizontal
    lines as rules."""
    settings = TableSettings.resolve(table_settings)
    assert settings.vertical_strategy == settings.horizontal_strategy == "lines", "the lines strategy only"
    vertical, horizontal = rules
    prefilter = settings.edge_min_length_prefilter
    vertical = [rule for rule in vertical if rule[4] >= prefilter]
    horizontal = [rule for rule in horizontal if rule[4] >= prefilter] + list(closing)
    if settings.snap_x_tolerance > 0 or settings.snap_y_tolerance > 0:
        vertical = snap_vertical(vertical, settings.snap_x_tolerance)
        horizontal = snap_horizontal(horizontal, settings.snap_y_tolerance)
    minimum = settings.edge_min_length
    vertical = [rule for rule in join_vertical(vertical, settings.join_y_tolerance) if rule[4] >= minimum]
    horizontal = [rule for rule in join_horizontal(horizontal, settings.join_x_tolerance) if rule[4] >= minimum]
    cells = rules_to_cells(vertical, horizontal, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
    return [Table(page, group) for group in cells_to_tables(cells)]


def cells_to_tables(cells: list[Bbox]) -> list[list[Bbox]]:
    """pdfplumber's cells_to_tables, in C where it is built."""
    if _grid_cells is not None:
        tables = _grid_cells.cells_to_tables(cells)
        if tables is not NotImplemented:
            return tables
    return pdfplumber_cells_to_tables(cells)


def snap_vertical(rules: list[Rule], tolerance: float) -> list[Rule]:
    """pdfplumber's snap_objects(edges, "x0"): each cluster of x0 moved to its mean."""
    snapped = []
    for cluster in cluster_objects(rules, _X0, tolerance):
        mean = sum(map(_X0, cluster)) / len(cluster)
        for x0, top, x1, bottom, length in cluster:
            shift = mean - x0
            snapped.append((x0 + shift, top, x1 + shift, bottom, length))
    return snapped


def snap_horizontal(rules: list[Rule], tolerance: float) -> list[Rule]:
    """pdfplumber's snap_objects(edges, "top"): each cluster of tops moved to its mean."""
    snapped = []
    for cluster in cluster_objects(rules, _TOP, tolerance):
        mean = sum(map(_TOP, cluster)) / len(cluster)
        for x0, top, x1, bottom, length in cluster:
            shift = mean - top
            snapped.append((x0, top + shift, x1, bottom + shift, length))
    return snapped


def join_vertical(rules: list[Rule], tolerance: float) -> list[Rule]:
    """pdfplumber's join_edge_group for each x: overlapping or near pieces made one, the
    height grown by what the bottom moved (as its resize_object does)."""
    joined: list[Rule] = []
    for _, group in groupby(sorted(rules, key=_X0), key=_X0):
        pieces = sorted(group, key=_TOP)
        last = pieces[0]
        for rule in pieces[1:]:
            if rule[1] <= last[3] + tolerance:
                if rule[3] > last[3]:
                    last = (last[0], last[1], last[2], rule[3], last[4] + (rule[3] - last[3]))
            else:
                joined.append(last)
                last = rule
        joined.append(last)
    return joined


def join_horizontal(rules: list[Rule], tolerance: float) -> list[Rule]:
    """pdfplumber's join_edge_group for each y: the width taken again from the new x1."""
    joined: list[Rule] = []
    for _, group in groupby(sorted(rules, key=_TOP), key=_TOP):
        pieces = sorted(group, key=_X0)
        last = pieces[0]
        for rule in pieces[1:]:
            if rule[0] <= last[2] + tolerance:
                if rule[2] > last[2]:
                    last = (last[0], last[1], rule[2], last[3], rule[2] - last[0])
            else:
                joined.append(last)
                last = rule
        joined.append(last)
    return joined


def rules_to_cells(vertical: list[Rule], horizontal: list[Rule], x_tolerance: float, y_tolerance: float) -> list[Bbox]:
    """The cells the rules close: intersections_to_cells(*rules_to_intersections(...)), in C where it is built."""
    if _grid_cells is not None:
        cells = _grid_cells.rules_to_cells(vertical, horizontal, x_tolerance, y_tolerance)
        if cells is not NotImplemented:
            return cells
    return intersections_to_cells(*rules_to_intersections(vertical, horizontal, x_tolerance, y_tolerance))


def rules_to_intersections(
    vertical: list[Rule], horizontal: list[Rule], x_tolerance: float, y_tolerance: float
) -> tuple[dict[Point, set[Bbox]], dict[Point, set[Bbox]]]:
    """pdfplumber's edges_to_intersections: for each point where a vertical rule meets a
    horizontal one, the boxes of the vertical rules and of the horizontal rules through it.

    A horizontal rule crosses a vertical one where ``v.top <= h.top + tol`` and
    ``v.bottom >= h.top - tol``; both sums grow with h.top, so the rules that pass both
    are a run of those sorted by top, found by bisecting the sums themselves."""
    horizontal = sorted(horizontal, key=_TOP)
    tops_plus = [rule[1] + y_tolerance for rule in horizontal]
    tops_minus = [rule[1] - y_tolerance for rule in horizontal]
    through_v: dict[Point, set[Bbox]] = {}
    through_h: dict[Point, set[Bbox]] = {}
    for x, top, x1, bottom, _ in vertical:
        v_box = (x, top, x1, bottom)
        for h in horizontal[bisect.bisect_left(tops_plus, top) : bisect.bisect_right(tops_minus, bottom)]:
            if x >= h[0] - x_tolerance and x <= h[2] + x_tolerance:
                point = (x, h[1])
                if point not in through_v:
                    through_v[point], through_h[point] = set(), set()
                through_v[point].add(v_box)
                through_h[point].add(h[:4])
    return through_v, through_h


def intersections_to_cells(vertical: dict[Point, set[Bbox]], horizontal: dict[Point, set[Bbox]]) -> list[Bbox]:
    """pdfplumber.table.intersections_to_cells: for each intersection, top to bottom within
    each column left to right, the smallest cell whose four corners its edges join."""

    def connects(p1: Point, p2: Point) -> bool:
        return (p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2])) or (
            p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])
        )

    points = sorted(vertical)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)

    def smallest_cell(point: Point) -> Bbox | None:
        column, row = columns[point[0]], rows[point[1]]
        below = column[column.index(point) + 1 :]
        right = row[row.index(point) + 1 :]
        for below_point in below:
            if not connects(point, below_point):
                continue
            for right_point in right:
                if not connects(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in vertical and connects(corner, right_point) and connects(corner, below_point):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for cell in map(smallest_cell, points) if cell]
