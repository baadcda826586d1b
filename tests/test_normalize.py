"""normalize/ is pure: each function on tiny inline values."""

from decimal import Decimal

import pytest

from budgetpdf.normalize import (
    AmountError,
    NormalizeParams,
    clean_name,
    fill_down_codes,
    is_total_label,
    join_wrapped,
    outline_levels,
    parse_amount,
    split_leading_code,
    split_outline,
    strip_subtotal_suffix,
    table_to_lines,
    to_wanyuan,
)
from budgetpdf.schemas import TABLES_BY_ID, ColumnRole, RawRow, RawTable


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5,708.69", Decimal("5708.69")),
        ("10,142.25", Decimal("10142.25")),
        ("１２３．４５", Decimal("123.45")),  # full-width digits
        ("1 234.50", Decimal("1234.50")),  # a space inside the number
        ("10,142.\n25", Decimal("10142.25")),  # wrapped inside a narrow cell
        ("-12.30", Decimal("-12.30")),
        ("(12.30)", Decimal("-12.30")),
        ("0.00", Decimal("0.00")),
        ("-", Decimal("0")),
        ("—", Decimal("0")),
        ("", None),
        ("   ", None),
        (None, None),
        ("0.000001", Decimal("0.000001")),
    ],
)
def test_parse_amount(text, expected):
    value = parse_amount(text)
    assert value == expected
    if expected is not None:
        assert isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["abc", "12.3.4", "1,23", "见附表"])
def test_parse_amount_refuses_what_is_not_a_figure(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_yuan_to_wanyuan_is_exact():
    assert to_wanyuan(Decimal("57086900.01"), "元") == Decimal("5708.690001")
    assert to_wanyuan(Decimal("5708.69"), "万元") == Decimal("5708.69")
    assert to_wanyuan(Decimal("1"), "元").as_tuple().exponent == -4


def test_fill_down_inherits_parent_digits():
    rows = [("201", "", ""), ("", "03", ""), ("", "", "01"), ("", "", "02"), ("208", "05", ""), ("", "", "06"), ("", "", "")]
    assert fill_down_codes(rows) == ["201", "20103", "2010301", "2010302", "20805", "2080506", None]


def test_fill_down_prints_all_parts_or_one_column():
    assert fill_down_codes([("201", "03", "01")]) == ["2010301"]
    assert fill_down_codes([("2010301",), ("",)]) == ["2010301", None]
    # a 项 with no 类 above it cannot be completed: no code rather than a guess
    assert fill_down_codes([("", "", "01")]) == [None]


@pytest.mark.parametrize(
    "text, code, rest",
    [
        ("201 一般公共服务支出", "201", "一般公共服务支出"),
        ("01 基本工资", "01", "基本工资"),
        ("[2060101]行政运行", "2060101", "行政运行"),
        ("2010301-行政运行", "2010301", "行政运行"),
        ("2025年边境地区转移支付", None, "2025年边境地区转移支付"),
        ("行政运行", None, "行政运行"),
    ],
)
def test_split_leading_code(text, code, rest):
    assert split_leading_code(text) == (code, rest)


def test_names_rejoin_without_stray_space():
    assert join_wrapped(["其他政府办公厅（室）及相关机", "构事务支出"]) == "其他政府办公厅（室）及相关机构事务支出"
    assert clean_name("企业科 2026 年提前下达转移支付 （一般）") == "企业科2026年提前下达转移支付（一般）"
    assert clean_name("COVID  19 fund") == "COVID 19 fund"


def test_outline_prefixes_and_totals():
    assert split_outline("一、本年收入") == ("chinese", "本年收入")
    assert split_outline("1. 一般公共预算拨款") == ("arabic", "一般公共预算拨款")
    assert split_outline("其中：一般财力") == ("of_which", "一般财力")
    assert split_outline("（一）工资") == ("paren_chinese", "工资")
    assert split_outline("2025年结转") == (None, "2025年结转")
    assert strip_subtotal_suffix("公务用车购置及运行维护费（小计）") == "公务用车购置及运行维护费"
    assert all(map(is_total_label, ["总计", "合计", "收入总计", "支出总计", "小计", "合 计", "当年收入小计", "本年支出合计"]))
    assert not any(map(is_total_label, ["公务用车购置及运行维护费（小计）", "合计数说明", "一般公共服务支出"]))


def test_outline_levels():
    # t01 income side: 一、 › 1. › 其中 (+ unnumbered siblings) › back up
    kinds = ["chinese", "arabic", "of_which", None, "arabic", "chinese", "arabic", "of_which", None]
    assert outline_levels(kinds) == [1, 2, 3, 3, 2, 1, 2, 3, 3]
    # t04 income side: numbered heading over unnumbered items
    assert outline_levels(["chinese", None, None]) == [1, 2, 2]
    # t10: plain items, then 其中 below the subtotal
    assert outline_levels([None, None, None, "of_which", None]) == [1, 1, 1, 2, 2]


def _raw(table_id, columns, rows, unit="万元"):
    return RawTable(table_id, "title", unit, (1,), tuple(columns), tuple(RawRow(1, tuple(r)) for r in rows))


def test_two_sided_rows_split_into_income_and_expenditure():
    columns = [
        ColumnRole("label", "name", "income", ("项目",)),
        ColumnRole("amount", "budget", "income", ("预算数",)),
        ColumnRole("label", "name", "expenditure", ("科目名称",)),
        ColumnRole("amount", "budget", "expenditure", ("预算数",)),
    ]
    raw = _raw("t01", columns, [("一、本年收入", "1,000.00", "201 一般公共服务支出", "1,000.00"), ("收入总计", "1,000.00", "支出总计", "1,000.00")])
    lines, checks = table_to_lines(raw, TABLES_BY_ID["t01"], NormalizeParams("万元"))
    assert checks == []
    income = [l for l in lines if l.side == "income"]
    expenditure = [l for l in lines if l.side == "expenditure"]
    assert [(l.item, l.amount, l.is_total) for l in income] == [("本年收入", Decimal("1000.00"), False), ("收入总计", Decimal("1000.00"), True)]
    assert (expenditure[0].code, expenditure[0].code_level, expenditure[0].item) == ("201", 1, "一般公共服务支出")


def test_economic_codes_join_class_and_name_column():
    columns = [
        ColumnRole("label", "code_1", None, ("类",)),
        ColumnRole("label", "code_2", None, ("款",)),
        ColumnRole("amount", "total", None, ("合计",)),
    ]
    raw = _raw("t06", columns, [("301", "工资福利支出", "269.07"), ("301", "01 基本工资", "71.55"), ("", "总计", "309.66")])
    lines, _ = table_to_lines(raw, TABLES_BY_ID["t06"], NormalizeParams("万元"))
    assert [(l.code, l.code_level, l.parent_code, l.item, l.is_total) for l in lines] == [
        ("301", 1, None, "工资福利支出", False),
        ("30101", 2, "301", "基本工资", False),
        (None, None, None, "总计", True),
    ]


def test_amounts_in_yuan_become_wanyuan_and_unreadable_cells_are_flagged():
    columns = [ColumnRole("label", "project", None, ("项目名称",)), ColumnRole("amount", "total", None, ("合计",))]
    raw = _raw("t11", columns, [("某单位", "6,596,400.00"), ("工作经费", "6,596,400.00"), ("其他经费", "见说明")], unit="元")
    lines, checks = table_to_lines(raw, TABLES_BY_ID["t11"], NormalizeParams("元", department="某单位"))
    assert [(l.item, l.project, l.amount) for l in lines] == [("某单位", None, Decimal("659.64")), (None, "工作经费", Decimal("659.64"))]
    assert [(c.check, c.row, c.passed) for c in checks] == [("amount_unreadable", 3, False)]


def test_unmapped_column_is_kept_and_reported():
    columns = [
        ColumnRole("label", "name", None, ("项目",)),
        ColumnRole("amount", "total", None, ("合计",)),
        ColumnRole("other", "other:神秘资金", None, ("神秘资金",)),
    ]
    lines, checks = table_to_lines(_raw("t10", columns, [("公务接待费", "1.00", "1.00")]), TABLES_BY_ID["t10"], NormalizeParams("万元"))
    assert {l.column for l in lines} == {"total", "other:神秘资金"}
    assert [c.check for c in checks] == ["column_unmapped"]


def test_a_wrap_inside_a_number_or_word_is_no_space():
    assert clean_name("企业科202\n6年提前下达转移支付") == "企业科2026年提前下达转移支付"
    assert clean_name("Border\ntransfer") == "Border transfer"


def test_outline_levels_follow_indentation_where_names_are_left_aligned():
    # 一、一般公共服务支出 › 信访事务 › 行政运行, 一般行政管理事务 › 二、…
    kinds = ["chinese", None, None, None, "chinese", None]
    assert outline_levels(kinds, [2.0, 12.0, 22.0, 22.0, 2.0, 12.0]) == [1, 2, 3, 3, 1, 2]
    # centred names: offsets say nothing
    assert outline_levels([None] * 6, [3.1, 17.4, 9.9, 25.0, 1.2, 40.3]) == [1] * 6


def test_fill_down_completes_a_two_digit_kuan_under_its_class():
    # 西安: 208 | 05 | 2080505 | 99 | 2089901 in one code column; 125001 numbers a sub-unit
    rows = [("125001",), ("208",), ("05",), ("2080505",), ("99",), ("2089901",), ("125002",), ("210",), ("11",)]
    assert fill_down_codes(rows) == ["125001", "208", "20805", "2080505", "20899", "2089901", "125002", "210", "21011"]
    # 201 | 03 | 01 with no 项 printed in full: 01 could be a 款 or a 项, so it stays as printed
    assert fill_down_codes([("201",), ("03",), ("01",)]) == ["201", "20103", "01"]


def test_a_six_digit_code_in_the_code_column_is_a_sub_unit_row():
    columns = [
        ColumnRole("label", "code", None, ("功能科目编码",)),
        ColumnRole("label", "name", None, ("功能科目名称",)),
        ColumnRole("amount", "total", None, ("合计",)),
    ]
    rows = [("", "合计", "3.00"), ("125001", "西安市某局", "3.00"), ("208", "社会保障和就业支出", "3.00"), ("05", "行政事业单位养老支出", "3.00")]
    lines, checks = table_to_lines(_raw("t05", columns, rows), TABLES_BY_ID["t05"], NormalizeParams("万元"))
    assert checks == []
    assert [(l.code, l.parent_code, l.item) for l in lines] == [
        (None, None, "合计"),
        (None, None, "西安市某局"),
        ("208", None, "社会保障和就业支出"),
        ("20805", "208", "行政事业单位养老支出"),
    ]


def test_projects_nested_only_by_their_figures_are_nested_as_they_add_up():
    from budgetpdf.normalize.names import nest_by_sums

    # 西安 t07: 通用项目 › 办公用房物业管理服务项目 › 食堂包厨服务 …, nothing printed to show it
    figures = [Decimal(x) for x in "2797300 2207300 1310300 897000 590000 90000 500000".split()]
    assert nest_by_sums(figures, Decimal("2797300")) == [1, 2, 3, 3, 2, 3, 3]
    assert nest_by_sums([Decimal(1), Decimal(2), Decimal(3)], Decimal(6)) == [1, 1, 1]  # flat stays flat
    assert nest_by_sums([Decimal(1), Decimal(2), Decimal(3)], Decimal(7)) is None  # no nesting adds up


def test_a_unit_s_unmarked_project_list_is_checked_against_its_nesting():
    columns = [
        ColumnRole("label", "unit_code", None, ("单位编码",)),
        ColumnRole("label", "name", None, ("单位（项目）名称",)),
        ColumnRole("amount", "total", None, ("项目金额",)),
    ]
    rows = [("", "合计", "10.00"), ("121001", "西安市信访局", "10.00"), ("", "通用项目", "4.00"), ("", "物业", "3.00"),
            ("", "安保", "1.00"), ("", "专用项目", "6.00"), ("", "信访事务", "6.00")]
    lines, _ = table_to_lines(_raw("t07", columns, rows), TABLES_BY_ID["t07"], NormalizeParams("万元"))
    assert [line.outline_level for line in lines] == [None, 1, 2, 3, 3, 2, 3]


def test_sub_items_printed_beside_their_category_sit_under_its_subtotal_row():
    # 江苏 收入预算总表: 类别 | 项目 — 一般公共预算资金 | 小计, then its sub-items
    columns = [
        ColumnRole("label", "project", None, ("项目名称",)),
        ColumnRole("label", "name", None, ("项目名称",)),
        ColumnRole("amount", "total", None, ("金额",)),
    ]
    rows = [("收入总计", "收入总计", "10.00"), ("一般公共预算资金", "小计", "10.00"), ("一般公共预算资金", "公共财政拨款", "10.00"),
            ("政府性基金", "小计", "")]
    lines, _ = table_to_lines(_raw("t02", columns, rows), TABLES_BY_ID["t02"], NormalizeParams("万元"))
    assert [(line.item, line.outline_level) for line in lines] == [("收入总计", None), ("一般公共预算资金", 1), ("公共财政拨款", 2)]


def test_digits_leading_a_project_name_are_no_code_unless_they_could_be_one():
    columns = [ColumnRole("label", "name", None, ("项目名称",)), ColumnRole("amount", "total", None, ("金额",))]
    rows = [("95128助老服务热线", "1.00"), ("2010301 行政运行", "2.00")]
    lines, _ = table_to_lines(_raw("t05", columns, rows), TABLES_BY_ID["t05"], NormalizeParams("万元"))
    assert [(line.code, line.item) for line in lines] == [(None, "95128助老服务热线"), ("2010301", "行政运行")]


def test_rows_between_two_totals_nest_as_they_make_up_the_difference():
    # 西安 t04: 年初结转和结余 then its parts, all printed flush left
    columns = [ColumnRole("label", "name", "income", ("项目",)), ColumnRole("amount", "total", "income", ("合计",))]
    rows = [("一般公共预算财政拨款", "8.00"), ("本年收入合计", "8.00"), ("年初结转和结余", "3.00"),
            ("一般公共预算财政拨款", "1.00"), ("政府性基金预算财政拨款", "2.00"), ("国有资本经营预算财政拨款", ""), ("总计", "11.00")]
    lines, _ = table_to_lines(_raw("t04", columns, rows), TABLES_BY_ID["t04"], NormalizeParams("万元"))
    assert [(line.item, line.outline_level) for line in lines] == [
        ("一般公共预算财政拨款", 1), ("本年收入合计", None), ("年初结转和结余", 1),
        ("一般公共预算财政拨款", 2), ("政府性基金预算财政拨款", 2), ("总计", None),
    ]


def test_a_class_named_without_its_code_gets_it_but_an_economic_其他支出_does_not():
    columns = [ColumnRole("label", "name", "expenditure", ("项目",)), ColumnRole("amount", "budget", "expenditure", ("预算数",))]
    functional = [("一、一般公共服务支出", "5.00"), ("二十一、其他支出", "1.00"), ("支出总计", "6.00")]
    lines, _ = table_to_lines(_raw("t01", columns, functional), TABLES_BY_ID["t01"], NormalizeParams("万元"))
    assert [(line.code, line.code_level, line.item) for line in lines] == [("201", 1, "一般公共服务支出"), ("229", 1, "其他支出"), (None, None, "支出总计")]
    economic = [("(1)工资福利支出", "5.00"), ("(10)其他支出", "1.00")]
    lines, _ = table_to_lines(_raw("t01", columns, economic), TABLES_BY_ID["t01"], NormalizeParams("万元"))
    assert [line.code for line in lines] == [None, None]


def test_a_kuan_printed_without_its_leading_zero_is_two_digits():
    # 普陀: 301 | 2 津贴补贴, 301 | 7 绩效工资
    assert fill_down_codes([("301", "", ""), ("", "2", ""), ("", "7", ""), ("302", "01", "")]) == ["301", "30102", "30107", "30201"]
    columns = [
        ColumnRole("label", "code_1", None, ("类",)),
        ColumnRole("label", "code_2", None, ("款",)),
        ColumnRole("label", "name", None, ("经济分类科目名称",)),
        ColumnRole("amount", "total", None, ("合计",)),
    ]
    raw = _raw("t06", columns, [("301", "", "工资福利支出", "3.00"), ("301", "01", "基本工资", "1.00"), ("301", "2", "津贴补贴", "2.00")])
    lines, _ = table_to_lines(raw, TABLES_BY_ID["t06"], NormalizeParams("万元"))
    assert [(l.code, l.item) for l in lines] == [("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴")]
