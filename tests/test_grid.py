"""The grid reader on tiny hand-made page objects: what real generators draw that a naive reader gets wrong."""

import random

import pytest

from budgetpdf.extract import grid, printed, table_finder
from budgetpdf.extract.grid import GridCell, Grid, chars_to_slots, is_drawn, open_ends
from budgetpdf.extract.pages import dedupe_chars
from budgetpdf.extract.header import count_header_rows
from budgetpdf.extract.settings import ExtractSettings

SETTINGS = ExtractSettings()
needs_c = pytest.mark.skipif(grid._grid_cells is None, reason="the C extension is not built (no compiler, or BUDGETPDF_PURE_PYTHON)")


def char(text, x0, top=100.0, width=8.5):
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "doctop": top, "bottom": top + 10, "size": 10, "fontname": "SimSun", "upright": True}


def string(text, x0, top=100.0):
    return [char(c, x0 + 8.5 * i, top) for i, c in enumerate(text)]


def texts_by_slot(chars, xs, ys):
    slots: dict = {}
    for c, slot in chars_to_slots(chars, xs, ys):
        slots[slot] = slots.get(slot, "") + c["text"]
    return slots


def test_a_label_clipped_at_its_rule_keeps_its_tail_and_the_figure_stays_put():
    # 对个人和家庭的补助 runs past x=150 into the amount cell, where 4.82 is printed
    chars = string("对个人和家庭的补助", 80) + string("4.82", 170)
    assert texts_by_slot(chars, [0, 150, 210], [95, 115]) == {(0, 0): "对个人和家庭的补助", (0, 1): "4.82"}


def test_a_header_centred_wider_than_its_cell_goes_where_most_of_it_is():
    # 预算数 | 政府预算支出经济分类科目 drawn over it, starting left of the rule at x=120
    chars = string("预算数", 80) + string("政府预算支出经济分类科目", 95)
    assert texts_by_slot(chars, [0, 120, 300], [95, 115]) == {(0, 0): "预算数", (0, 1): "政府预算支出经济分类科目"}


def test_a_figure_is_never_moved_to_the_cell_of_its_neighbour():
    chars = string("合计1234.5", 60)  # 合计123 left of the rule at x=100, 4.5 right of it
    assert texts_by_slot(chars, [0, 100, 200], [95, 115]) == {(0, 0): "合计123", (0, 1): "4.5"}


def test_fake_bold_copies_in_a_cell_are_dropped():
    bold = [char("合", 10), char("合", 10.4), char("计", 18.5), char("计", 18.9)]
    assert "".join(c["text"] for c in dedupe_chars(bold, 1.5)) == "合计"


def test_white_backgrounds_are_not_rules():
    white = {"object_type": "rect", "fill": True, "stroke": False, "non_stroking_color": (1, 1, 1)}
    cmyk_white = {**white, "non_stroking_color": (0, 0, 0, 0)}
    black = {**white, "non_stroking_color": (0,)}
    assert not is_drawn(white) and not is_drawn(cmyk_white)
    assert is_drawn(black) and is_drawn({"object_type": "char"})


def v_edge(x, top, bottom):
    return (x, top, x, bottom, bottom - top)


def h_edge(x0, x1, y):
    return (x0, y, x1, y, x1 - x0)


def open_ends_of(edges):
    return open_ends([e for e in edges if e[0] == e[2]], [e for e in edges if e[1] == e[3]], SETTINGS)


def test_a_row_cut_by_the_page_break_is_closed_by_a_rule():
    # the first row on the page has column rules but no rule above it
    edges = [v_edge(x, 36, 52) for x in (35, 55, 150, 360)] + [h_edge(35, 360, 52)]
    edges += [v_edge(x, 52, 68) for x in (35, 55, 150, 360)] + [h_edge(35, 360, 68)]
    assert [(x0, x1, top) for x0, top, x1, _, _ in open_ends_of(edges)] == [(35, 360, 36)]


def test_rules_that_meet_a_group_rule_or_continue_need_no_closing():
    # 事业收入 over 金额 | 其中: the sub-column rule starts on the group's rule;
    # the outer rules are drawn in two pieces that meet at y=60
    edges = [h_edge(0, 300, 40), h_edge(200, 300, 60), h_edge(0, 300, 80)]
    edges += [v_edge(0, 40, 60), v_edge(0, 60, 80), v_edge(100, 40, 60), v_edge(100, 60, 80), v_edge(300, 40, 80), v_edge(250, 60, 80)]
    assert open_ends_of(edges) == []


def test_a_row_numbering_the_columns_with_placeholders_belongs_to_the_header():
    cells = [GridCell(0, c, 1, 1, text) for c, text in enumerate(["单位编码", "单位名称", "总计", "一般公共预算", "政府性基金"])]
    cells += [GridCell(1, c, 1, 1, text) for c, text in enumerate(["**", "**", "1", "2", "3"])]
    cells += [GridCell(2, c, 1, 1, text) for c, text in enumerate(["", "合计", "3.00", "3.00", ""])]
    grid = Grid(1, (0, 0, 400, 60), 3, 5, tuple(cells))
    assert count_header_rows(grid) == 2


def test_a_continuation_column_spanning_the_code_parts_lands_on_the_first_of_them():
    table_xs = (100.0, 120.0, 140.0, 160.0, 300.0, 400.0)  # 类 | 款 | 项 | 科目名称 | 合计
    page_two = Grid(2, (100, 90, 400, 300), 1, 3, (), xs=(100.0, 160.0, 300.0, 400.0), ys=())
    assert page_two.column_map(table_xs) == [0, 3, 4]
    misaligned = Grid(2, (100, 90, 400, 300), 1, 2, (), xs=(100.0, 230.0, 400.0), ys=())
    assert misaligned.column_map(table_xs) is None


def test_a_grid_that_opens_with_labels_opens_with_a_header():
    from budgetpdf.extract.header import opens_with_header

    header = [GridCell(0, c, 1, 1, text) for c, text in enumerate(["科目编码", "科目名称", "机关运行经费支出"])]
    body = [GridCell(1, c, 1, 1, text) for c, text in enumerate(["30201", "办公费", "770.50"])]
    assert opens_with_header(Grid(19, (0, 0, 300, 40), 2, 3, tuple(header + body)))
    continued = [GridCell(0, c, 1, 1, text) for c, text in enumerate(["30205", "水费", "50.00"])]
    assert not opens_with_header(Grid(18, (0, 0, 300, 20), 1, 3, tuple(continued)))


def test_the_column_number_row_closes_a_header_whose_last_row_is_sparse():
    # 西安 2020: 合计 | 一般公共预算拨款 (over 小计 | 其中：专项…) | 政府性基金拨款, then ** | 1 | 2 | 3 | 4
    cells = [GridCell(0, 0, 1, 1, "单位名称"), GridCell(0, 1, 1, 1, "合计"), GridCell(0, 2, 1, 2, "一般公共预算拨款"), GridCell(0, 4, 1, 1, "政府性基金拨款")]
    cells += [GridCell(1, c, 1, 1, text) for c, text in enumerate(["", "", "小计", "其中：专项资金列入部门预算项目", ""])]
    cells += [GridCell(2, c, 1, 1, text) for c, text in enumerate(["**", "1", "2", "3", "4"])]
    cells += [GridCell(3, c, 1, 1, text) for c, text in enumerate(["合计", "182157.13", "181716.56", "50830", "0"])]
    assert count_header_rows(Grid(1, (0, 0, 400, 80), 4, 5, tuple(cells))) == 3


def test_a_row_of_figures_a_header_cell_spans_into_is_body():
    # 西安: the label columns' header cells are ruled down over the 合计 row; its figures end the header
    cells = [GridCell(0, 0, 2, 1, "部门经济科目编码"), GridCell(0, 1, 2, 1, "部门经济科目名称"), GridCell(0, 2, 1, 1, "合计")]
    cells += [GridCell(1, 2, 1, 1, "181716.56"), GridCell(2, 0, 1, 1, "301"), GridCell(2, 1, 1, 1, "工资福利支出"), GridCell(2, 2, 1, 1, "7804.52")]
    assert count_header_rows(Grid(1, (0, 0, 300, 60), 3, 3, tuple(cells))) == 1


def _random_cells(rng):
    """A grid of random rows and columns, a few cells merged, with characters in and around it:
    touching runs across rules, digits, several lines to a cell, int and float positions."""
    xs = sorted(rng.sample([0, 10.0, 33.5, 60, 61.2, 90.25, 130.0, 200], rng.randint(2, 6)))
    ys = sorted(rng.sample([0.0, 12, 24.5, 25.0, 40.0, 70, 71.5], rng.randint(2, 5)))
    bboxes = [(x0, top, x1, bottom) for x0, x1 in zip(xs, xs[1:]) for top, bottom in zip(ys, ys[1:])]
    if len(bboxes) > 2 and rng.random() < 0.5:  # merge a cell with its neighbour below or to the right
        a, b = bboxes.pop(0), bboxes.pop(0)
        bboxes.append((min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])))
    chars = []
    for _ in range(rng.randint(0, 40)):
        x0 = chars[-1]["x1"] + rng.choice([0, 0.0, 0.3, 2.0, 6.0]) if chars and rng.random() < 0.6 else rng.uniform(-10, 210)
        top = chars[-1]["top"] + rng.choice([0.0, 0.0, 0.4, 1.5, 4.0]) if chars and rng.random() < 0.7 else rng.choice([1.0, 13, 26.0, 41.5, 72.0, rng.uniform(-5, 80)])
        width = rng.choice([4, 5.5, 9.0, 12.25])
        chars.append({"text": rng.choice(["预", "算", "1", "2", "．", " ", "a", "(", "３"]), "x0": x0, "x1": x0 + width,
                      "top": top, "bottom": top + rng.choice([8, 10.0, 11.5]), "size": rng.choice([10, 9.5, 12.0])})
    return bboxes, chars


@needs_c
def test_c_grid_cells_are_the_python_ones_on_random_grids():
    """_grid_cells (C) against cell_contents and cell_text run in Python, type for type."""
    rng = random.Random(11)
    compared = 0
    for _ in range(3000):
        bboxes, chars = _random_cells(rng)
        xs = grid.cluster_positions([b[0] for b in bboxes] + [b[2] for b in bboxes], 1.5)
        ys = grid.cluster_positions([b[1] for b in bboxes] + [b[3] for b in bboxes], 1.5)
        owner = [rng.choice([-1, 0, 1, 2]) for _ in range(len(xs) * len(ys))]
        bounds = (xs[0], ys[0], xs[-1] + rng.choice([0, 1.0]), ys[-1])
        theirs = []
        for c, (row, col) in grid.chars_to_slots([c for c in chars if bounds[0] <= (c["x0"] + c["x1"]) / 2 <= bounds[2] and bounds[1] <= (c["top"] + c["bottom"]) / 2 <= bounds[3]], xs, ys):
            theirs.append(owner[row * len(xs) + col] if row >= 0 and col >= 0 else -1)
        ours = grid._grid_cells.cell_contents(chars, bounds, xs, ys, owner, 3, 0.5)
        assert ours is not NotImplemented
        assert ours == [[c for c, n in zip([c for c in chars if bounds[0] <= (c["x0"] + c["x1"]) / 2 <= bounds[2] and bounds[1] <= (c["top"] + c["bottom"]) / 2 <= bounds[3]], theirs) if n == cell] for cell in range(3)]
        for cell_chars in ours:
            text, left = grid._grid_cells.cell_text(cell_chars, SETTINGS.line_tolerance, SETTINGS.space_gap)
            top = min((c["top"] for c in cell_chars), default=None)
            expected_left = min((c["x0"] for c in cell_chars if c["top"] - top < 2), default=None)
            assert (text, repr(left)) == (grid.chars_to_text(cell_chars, SETTINGS), repr(expected_left))
            compared += bool(cell_chars)
    assert compared > 2000


@needs_c
def test_c_grid_cells_leave_what_they_cannot_read_exactly_to_python():
    huge = char("1", 2**60)
    assert grid._grid_cells.cell_text([huge], 3.0, 0.3) is NotImplemented
    assert grid._grid_cells.cell_contents([char("1", 5.0), {**char("2", 9.0), "top": None}], (0, 0, 100, 200), [0, 50], [0, 200], [0, 0, 0, 0], 1, 0.5) is NotImplemented
    assert grid.cell_text([huge], SETTINGS) == ("1", 2**60)  # the Python twin reads it


@needs_c
def test_c_table_finder_cells_are_the_python_ones_on_random_rules():
    """_grid_cells.rules_to_cells (C) against intersections_to_cells(*rules_to_intersections(...)):
    rules on a coarse lattice, so that they meet, overlap, repeat and nearly touch; int, float
    and -0.0 positions, each point named by the objects of the first crossing met there."""
    rng = random.Random(12)
    positions = [0, 0.0, -0.0, 10, 10.0, 12.5, 20, 21.0, 30.25, 40, 43.0, 50.0]
    found = 0
    for _ in range(2000):
        vertical, horizontal = [], []
        for _ in range(rng.randint(0, 12)):
            x, a, b = (rng.choice(positions) for _ in range(3))
            vertical.append((x, min(a, b), x, max(a, b), abs(a - b)))
        for _ in range(rng.randint(0, 12)):
            y, a, b = (rng.choice(positions) for _ in range(3))
            horizontal.append((min(a, b), y, max(a, b), y, abs(a - b)))
        tolerance = rng.choice([0, 1.0, 3])
        ours = table_finder._grid_cells.rules_to_cells(vertical, horizontal, tolerance, tolerance)
        theirs = table_finder.intersections_to_cells(*table_finder.rules_to_intersections(vertical, horizontal, tolerance, tolerance))
        assert repr(ours) == repr(theirs), (vertical, horizontal, tolerance)
        found += len(ours)
    assert found > 1000


@needs_c
def test_c_cells_to_tables_is_pdfplumbers_on_random_cells():
    """_grid_cells.cells_to_tables (C) against pdfplumber's: cells on a lattice that touch at
    corners, chain, stand alone and come in any order; int, float and -0.0 corners.  Equal
    cells are left to pdfplumber (its list.remove takes the first equal one)."""
    from pdfplumber.table import cells_to_tables

    rng = random.Random(13)
    positions = [0, -0.0, 10, 10.0, 20, 20.5, 30.0, 40]
    compared = 0
    for _ in range(3000):
        cells = []
        for _ in range(rng.randint(0, 14)):
            x0, x1 = sorted(rng.sample(positions, 2))
            top, bottom = sorted(rng.sample(positions, 2))
            cells.append((x0, top, x1, bottom))
        ours = table_finder._grid_cells.cells_to_tables(cells)
        if len(set(cells)) < len(cells):
            assert ours is NotImplemented
            continue
        assert repr(ours) == repr(cells_to_tables(cells)), cells
        compared += sum(map(len, ours))
    assert compared > 10000  # cells placed in tables


@needs_c
def test_c_chars_outside_is_the_python_one_on_random_characters():
    rng = random.Random(14)
    kept = 0
    for _ in range(2000):
        bboxes, chars = _random_cells(rng)
        grids = [Grid(1, box, 1, 1, ()) for box in bboxes[: rng.randint(0, 3)]]
        ours = printed._grid_cells.chars_outside(chars, [grid.bbox for grid in grids])
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(printed, "_grid_cells", None)
            theirs = printed.chars_outside(chars, grids)
        assert ours == theirs and all(a is b for a, b in zip(ours, theirs))
        kept += len(ours)
    assert kept > 10000
