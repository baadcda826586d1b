"""The two layers on tiny hand-made tables: tables as printed (no registry), then the registry's reading of them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetpdf.extract.mapping import map_printed_table, map_printed_tables
from budgetpdf.extract.page_text import TextLine
from budgetpdf.extract.printed import PrintedRow, PrintedTable, _titles, figures_in_lines, looks_like_title, same_title
from budgetpdf.schemas import GENERIC_ID


def printed(title, paths, rows, number=1, pages=(5,)):
    body = [PrintedRow(pages[0], tuple(row), tuple(row), (None,) * len(row)) for row in rows]
    return PrintedTable(number, title, "万元", None, [tuple(p.split("/")) for p in paths], [], (), body, list(pages))


@pytest.mark.parametrize(
    "text, title",
    [
        ("2026年政府采购预算表", True),
        ("部门预算基本支出预算表（续）", True),
        ("公开03表", False),  # a table number names no table
        ("表1", False),
        ("本部门无政府性基金预算，故本表为空表。", False),  # a sentence
        ("2026年部门预算公开", False),
    ],
)
def test_a_title_is_found_by_its_look_alone(text, title):
    assert looks_like_title(text) is title


def test_a_title_wrapped_onto_two_lines_is_read_whole():
    first = TextLine("2022年部门综合预算政府采购（资产配置、购买服务）", 92.1, 112.1, 179, 662)
    second = TextLine("预算表（不含上年结转）", 116.4, 136.4, 310, 531)
    unit = TextLine("预算单位：西安市交通运输局 金额单位：万元", 146.3, 155.3, 56, 786)
    assert [text for _, text in _titles([first, second, unit])] == ["2022年部门综合预算政府采购（资产配置、购买服务）预算表（不含上年结转）"]
    far = TextLine("预算表（不含上年结转）", 160.0, 180.0, 310, 531)
    assert [text for _, text in _titles([first, far])] == ["预算表（不含上年结转）"]


def test_a_repeated_title_is_the_same_title_a_continued_one_too():
    assert same_title("一般公共预算支出表", "一般公共预算支出表（续）")
    assert not same_title("一般公共预算支出表", "一般公共预算支出表（机关本级）")


def test_figures_are_counted_where_a_point_or_separator_marks_them():
    counted = figures_in_lines(["201 一般公共服务支出 1,234.50 (12.00) 2026 3", "合计 1,234.50"])
    assert dict(counted) == {Decimal("1234.50"): 2, Decimal("-12.00"): 1}


def test_a_table_the_registry_cannot_name_is_kept_under_the_generic_id():
    mapping = map_printed_table(printed("重点工作经费安排表", ["项目名称", "金额/本年预算数"], [["口岸业务经费", "5.89"]]))
    assert (mapping.outcome, mapping.raw.table_id) == ("generic", GENERIC_ID)
    assert [role.key for role in mapping.raw.columns] == ["project", "other:金额/本年预算数"]
    assert mapping.figure_cells == 1


def test_a_named_table_whose_header_the_registry_cannot_read_is_kept_and_reported():
    mapping = map_printed_table(printed("一般公共预算支出情况表", ["科目名称", "神秘列"], [["一般公共服务支出", "1.00"]]))
    assert (mapping.outcome, mapping.raw.table_id) == ("generic", GENERIC_ID)
    assert (mapping.problem.code, mapping.problem.table_id) == ("header_unmapped", "t05")


@pytest.mark.parametrize(
    "title, paths, rows",
    [
        ("项目支出绩效目标表", ["项目名称", "项目总额"], [["口岸业务经费", "5.89"]]),
        (None, ["一级指标", "二级指标", "指标值"], [["产出指标", "数量指标", "100"]]),
        (None, ["产出指标", "数量指标", "会审单位数", "≥", "6741"], [["效益指标", "社会效益指标", "满意度", "≥", "95"]]),  # a page of one, run on
    ],
)
def test_performance_targets_are_left_out_on_purpose(title, paths, rows):
    mapping = map_printed_table(printed(title, paths, rows))
    assert (mapping.outcome, mapping.raw) == ("text_only", None)
    assert "performance targets" in mapping.reason


def test_printings_of_one_id_are_numbered_and_a_stand_in_takes_the_id_it_stands_for():
    tables = [
        printed("财政拨款支出表（功能科目）", ["科目编码", "科目名称", "合计"], [["201", "一般公共服务支出", "1.00"]], 1),
        printed("一般公共预算基本支出表", ["科目编码", "科目名称", "合计"], [["301", "工资福利支出", "1.00"]], 2),
        printed("一般公共预算基本支出表", ["科目编码", "科目名称", "合计"], [["301", "工资福利支出", "1.00"]], 3),
    ]
    mapped = map_printed_tables(tuple(tables))
    assert [(m.raw.table_id, m.raw.table_no) for m in mapped] == [("t05", 1), ("t06", 1), ("t06", 2)]
    assert "printed in place of t05" in mapped[0].reason
    beside = map_printed_tables((printed("一般公共预算支出表", ["科目编码", "科目名称", "合计"], [["201", "一般公共服务支出", "1.00"]], 4), tables[0]))
    assert [m.raw.table_id for m in beside] == ["t05", "t20"]


def test_an_untitled_grid_on_a_page_of_performance_targets_is_a_piece_of_them():
    indicators = printed(None, ["产出指标", "质量指标", "印刷品验收合格率", "=", "100"], [["产出指标", "时效指标", "完成时间", "≤", "5"]], 2, (20,))
    money = printed(None, ["11000022T000000456772-北京市政府财务报告工作服务", "40.600000"], [["预算绩效管理服务", "670.428000"]], 1, (20,))
    elsewhere = printed(None, ["项目", "金额"], [["某项目", "1.00"]], 3, (21,))
    mapped = map_printed_tables((money, indicators, elsewhere))
    assert [m.outcome for m in mapped] == ["text_only", "text_only", "generic"]
    assert "a piece of the table beside it" in mapped[0].reason


def test_a_second_name_column_names_the_rows_the_first_leaves_blank():
    from budgetpdf.normalize import NormalizeParams, table_to_lines
    from budgetpdf.schemas import spec_for

    table = printed(
        "2018年政府采购预算表",
        ["采购品目大类", "专项名称", "采购物品名称", "总计"],
        [["合计", "", "", "20.00"], ["货物A", "", "", "20.00"], ["", "办公设备购置费", "", "20.00"], ["", "", "台式计算机", "18.00"]],
    )
    raw = map_printed_table(table).raw
    assert [role.key for role in raw.columns] == ["name", "project", "alt_name", "total"]
    lines, _ = table_to_lines(raw, spec_for(raw.table_id), NormalizeParams("万元"))
    assert [line.item for line in lines] == ["合计", "货物A", "办公设备购置费", "台式计算机"]
