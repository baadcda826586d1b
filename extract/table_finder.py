"""pdfplumber's table finder with its cell search indexed.

pdfplumber looks for the cell at each grid intersection by scanning every
later intersection and, for each pair it tries, rebuilding the sets of
edges through both: on a page of a few hundred intersections that is most
of the time of finding its tables.  Here the edge sets are built once and
the intersections below and to the right of each are looked up, tried in
the same order: the same cells, the same tables.
"""

from __future__ import annotations

from pdfplumber.page import Page
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils import obj_to_bbox

Point = tuple[float, float]


def find_tables(page: Page, table_settings: dict) -> list[Table]:
    """``page.find_tables(table_settings)``."""
    return _Finder(page, TableSettings.resolve(table_settings)).tables


class _Finder(TableFinder):
    def __init__(self, page: Page, settings: TableSettings) -> None:
        """TableFinder.__init__ with intersections_to_cells below."""
        self.page = page
        self.settings = settings
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(self.edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(self.page, cell_group) for cell_group in cells_to_tables(self.cells)]


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber.table.intersections_to_cells: for each intersection, top to bottom within
    each column left to right, the smallest cell whose four corners its edges join."""
    vertical = {point: {obj_to_bbox(edge) for edge in edges["v"]} for point, edges in intersections.items()}
    horizontal = {point: {obj_to_bbox(edge) for edge in edges["h"]} for point, edges in intersections.items()}

    def connects(p1: Point, p2: Point) -> bool:
        return (p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2])) or (
            p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])
        )

    points = sorted(intersections)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)

    def smallest_cell(point: Point) -> tuple[float, float, float, float] | None:
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
                if corner in intersections and connects(corner, right_point) and connects(corner, below_point):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for cell in map(smallest_cell, points) if cell]
