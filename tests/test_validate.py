"""Checks on tiny inline lines: each code passes when the figures add up and fails when not."""

from decimal import Decimal as D

from budgetpdf.schemas import Line
from budgetpdf.schemas.validate import resolution, validate


def line(table_id, row_no, column, amount, code=None, side=None, item=None, total=False, level=None):
    parent = code[:-2] if code and len(code) > 3 else None
    code_level = {3: 1, 5: 2, 7: 3}[len(code)] if code else None
    return Line(table_id, 1, row_no, side, code, code_level, parent, item, None, column, D(amount), total, level)


def failures(results):
    return sorted((r.check, r.table_id, r.row, r.column, r.expected, r.actual) for r in results if not r.passed)


def test_code_sums_and_total_row():
    lines = [
        line("t03", 1, "total", "10.00", "201"),
        line("t03", 2, "total", "10.00", "20103"),
        line("t03", 3, "total", "4.00", "2010301"),
        line("t03", 4, "total", "6.00", "2010302"),
        line("t03", 5, "total", "10.00", item="总计", total=True),
    ]
    results = validate(lines, {("t03", 1, None): {"total"}})
    assert failures(results) == []
    assert {r.check for r in results} == {"code_sum", "total_sum"}


def test_a_child_that_does_not_add_up_is_reported_and_left_as_printed():
    lines = [
        line("t06", 1, "total", "269.07", "301"),
        line("t06", 2, "total", "200.00", "30101"),
        line("t06", 3, "total", "69.09", "30102"),
    ]
    assert failures(validate(lines, {})) == [("code_sum", "t06", 1, "total", D("269.09"), D("269.07"))]
    assert lines[0].amount == D("269.07")


def test_rounding_tolerance_is_one_unit_of_the_last_printed_digit():
    assert resolution([line("t03", 1, "total", "1.23")]) == D("0.01")
    assert resolution([line("t03", 1, "total", "1.230000")]) == D("0.000001")
    within = [line("t03", 1, "total", "1.00", "201"), line("t03", 2, "total", "0.33", "20101"), line("t03", 3, "total", "0.66", "20102")]
    assert failures(validate(within, {})) == []


def test_row_identity_only_where_its_columns_are_printed():
    rows = [line("t03", 1, "total", "5.00", "201"), line("t03", 1, "basic", "2.00", "201"), line("t03", 1, "project", "3.00", "201")]
    assert [r.passed for r in validate(rows, {("t03", 1, None): {"total", "basic", "project"}}) if r.check == "row_identity"] == [True]
    bad = rows[:2]
    assert failures(validate(bad, {("t03", 1, None): {"total", "basic", "project"}})) == [("row_identity", "t03", 1, "total", D("2.00"), D("5.00"))]
    assert [r for r in validate(bad, {("t03", 1, None): {"total"}}) if r.check == "row_identity"] == []


def test_outline_sums_follow_the_printed_outline():
    lines = [
        line("t01", 1, "budget", "10.00", side="income", item="本年收入", level=1),
        line("t01", 2, "budget", "7.00", side="income", item="一般公共预算拨款", level=2),
        line("t01", 3, "budget", "3.00", side="income", item="单位资金", level=2),
        line("t01", 4, "budget", "2.00", side="income", item="事业收入", level=3),
        line("t01", 5, "budget", "10.00", side="income", item="收入总计", total=True),
    ]
    results = validate(lines, {})
    assert failures(results) == [("outline_sum", "t01", 3, "budget", D("2.00"), D("3.00"))]
    assert {r.check for r in results} == {"outline_sum", "total_sum"}


def test_ties_between_tables_allow_no_difference():
    lines = [
        line("t01", 9, "budget", "100.00", side="income", item="收入总计", total=True),
        line("t01", 9, "budget", "100.00", side="expenditure", item="支出总计", total=True),
        line("t02", 3, "total", "100.01", item="总计", total=True),
    ]
    ties = [r for r in validate(lines, {}) if r.check == "total_tie"]
    assert [(r.table_id, r.passed) for r in ties] == [("t01", True), ("t02", False)]
    assert ties[1].tolerance == 0


def test_an_item_code_whose_parent_is_not_printed_counts_under_the_class():
    # 西安 t06: 3010201 and 3010202 printed under 301 without their 30102
    lines = [
        line("t06", 1, "total", "10.00", "301"),
        line("t06", 2, "total", "4.00", "30101"),
        line("t06", 3, "total", "5.00", "3010201"),
        line("t06", 4, "total", "1.00", "3010202"),
    ]
    assert failures(validate(lines, {})) == []


def test_a_total_after_items_whose_heading_prints_no_figure_sums_the_rows_above():
    # 一、部门预算 (no figure) over 1、财政拨款 … then 本年收入合计
    lines = [
        line("t01", 2, "budget", "30.00", side="income", item="财政拨款", level=2),
        line("t01", 3, "budget", "30.00", side="income", item="一般公共预算拨款收入", level=3),
        line("t01", 4, "budget", "5.00", side="income", item="事业收入", level=2),
        line("t01", 5, "budget", "35.00", side="income", item="本年收入合计", total=True),
    ]
    results = validate(lines, {("t01", 1, "income"): {"budget"}})
    assert failures(results) == []
    assert [r.message for r in results if r.check == "total_sum"] == ["本年收入合计 = sum of 2 rows above it"]


def test_ties_accept_either_printed_level_and_skip_a_pair_explained_by_a_third_table():
    lines = [
        line("t01", 1, "budget", "100.00", side="income", item="本年收入合计", total=True),
        line("t01", 2, "budget", "5.00", side="income", item="上年结转"),
        line("t01", 3, "budget", "105.00", side="income", item="收入总计", total=True),
        line("t01", 1, "budget", "100.00", side="expenditure", item="本年支出合计", total=True),
        line("t01", 2, "budget", "5.00", side="expenditure", item="结转下年"),
        line("t01", 3, "budget", "105.00", side="expenditure", item="支出总计", total=True),
        line("t02", 1, "total", "105.00", item="合计", total=True),
        line("t03", 1, "total", "100.00", item="合计", total=True),
    ]
    ties = [r for r in validate(lines, {}) if r.check == "total_tie"]
    assert {(r.message, r.passed) for r in ties} == {
        ("t01 budget (income) total = t01 budget (expenditure) total", True),
        ("t02 total total = t01 budget (income) total", True),
        ("t03 total total = t01 budget (expenditure) total", True),
    }
    # without t01 the pair is checked, and 105 against 100 fails
    alone = [r for r in validate([l for l in lines if l.table_id != "t01"], {}) if r.check == "total_tie"]
    assert [(r.message, r.expected, r.actual, r.passed) for r in alone] == [("t02 total total = t03 total total", D("100.00"), D("105.00"), False)]


def test_an_of_which_row_is_no_exhaustive_breakdown_of_its_parent():
    lines = [
        line("t01", 1, "budget", "2838.42", side="income", item="一般公共预算拨款", level=1),
        Line("t01", 1, 2, "income", None, None, None, "专项资金列入部门预算的项目", None, "budget", D("55.00"), False, 2, of_which=True),
    ]
    assert [r for r in validate(lines, {}) if r.check == "outline_sum"] == []
    lines[1] = Line("t01", 1, 2, "income", None, None, None, "专项资金", None, "budget", D("55.00"), False, 2)
    assert failures(validate(lines, {})) == [("outline_sum", "t01", 1, "budget", D("55.00"), D("2838.42"))]


def test_a_figure_cut_short_by_a_narrow_cell_is_known_to_half_its_last_digit():
    # 元 figures in 万元: 936647884.3 printed for 936,647,884.33 in a cell too narrow for it
    parts = [line("t03", 2, "total", "50000.000000", "201"), line("t03", 3, "total", "43664.788433", "205")]
    total = line("t03", 1, "total", "93664.78843", item="合计", total=True)
    assert failures(validate([total, *parts], {})) == []
    short_by_a_thousand_yuan = line("t03", 1, "total", "93664.68843", item="合计", total=True)
    assert failures(validate([short_by_a_thousand_yuan, *parts], {})) == [("total_sum", "t03", 1, "total", D("93664.788433"), D("93664.68843"))]
