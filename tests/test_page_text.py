"""Department and year from the text around the tables: captions and covers as real documents print them."""

import pytest

from budgetpdf.extract.page_text import TextLine, find_cover_department, find_department, find_unit


@pytest.mark.parametrize(
    "cover, department",
    [
        (["2026 年度", "福州市医疗保障局", "部门预算", "目录", "第一部分 部门概况"], "福州市医疗保障局"),
        (["西安市审计局（汇总）", "2026年部门预算公开说明", "目 录"], "西安市审计局"),
        (["西安市医疗保障局 年部门综合预算", "2022", "目录"], "西安市医疗保障局"),  # the year on a line of its own
        (["2026 年度", "泉州市市场监管综合监测", "与技术保障中心", "单位预算"], "泉州市市场监管综合监测与技术保障中心"),
        (["2018 年度江苏省高级", "人民法院预算公开", "2018 年 2 月 24 日"], "江苏省高级人民法院"),
        (["预算01表 收支总表", "金额单位：万元"], None),  # 北京's tables-only files name no department
        (["目录", "2026年度北京市财政局部门预算"], None),  # past the table of contents is no cover
    ],
)
def test_the_cover_names_the_department(cover, department):
    assert find_cover_department(cover) == department


def test_a_caption_with_a_blank_department_is_not_read_as_one():
    assert find_department([TextLine("部门：        单位：万元", 0, 0, 0, 0)]) is None
    assert find_department([TextLine("预算单位：西安市卫生健康委员会（汇总） 金额单位：元", 0, 0, 0, 0)]) == "西安市卫生健康委员会"


@pytest.mark.parametrize(
    "lines, unit",
    [
        (["单位：万元"], "万元"),
        (["单位:元"], "元"),  # a half-width colon (上海)
        (["单位名称 重庆市商务委员会 单位 万元", ": :"], "万元"),  # 重庆: the colons sit on a text line of their own
        (["金额单位：人民币元"], "元"),
        (["单位名称：西安市信访局"], None),
        (["编制单位：某局"], None),
    ],
)
def test_the_unit_is_read_however_the_text_layer_splits_it(lines, unit):
    assert find_unit([TextLine(text, 0, 0, 0, 0) for text in lines]) == unit
