"""The registry: titles, header aliases and its own consistency."""

import re
from pathlib import Path

import pytest

from schemas import AMOUNT_COLUMNS, TABLES, TABLES_BY_ID, TIES, header_text, match_amount_key, match_title
from schemas.arrow import wide_table_schema
from schemas.docs import column_keys_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(
    "line, table_id",
    [
        ("部门收支总体情况表", "t01"),
        ("表1 部门收支总体情况表", "t01"),
        ("乌鲁木齐市口岸管理办公室2026年部门收支总体情况表", "t01"),
        ("收支预算总表", "t01"),
        ("财政拨款收支预算总表", "t04"),  # longest variant wins over t01's 收支预算总表
        ("一般公共预算支出情况表", "t05"),
        ("一般公共预算基本支出情况表", "t06"),
        ("一般公共预算项目支出情况表", "t07"),
        ("财政拨款\"三公\"经费支出情况表", "t10"),
        ("财政拨款“三公”经费支出情况表", "t10"),
        ("十二、 上年结转结余情况表", "t12"),
    ],
)
def test_title_variants(line, table_id):
    assert match_title(line).table_id == table_id


@pytest.mark.parametrize(
    "line",
    [
        "乌鲁木齐市口岸管理办公室2026年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。",
        "部门整体绩效目标表",
        "第二部分 2026年部门预算公开表",
        "说明：本表反映部门收支总体情况表中的数据，详见部门收支总体情况表",
    ],
)
def test_sentences_and_other_tables_are_no_titles(line):
    assert match_title(line) is None


@pytest.mark.parametrize(
    "path, allowed, key",
    [
        (("财政拨款（补助）", "一般公共预算"), TABLES_BY_ID["t02"].amount_columns, "general_budget"),
        (("财政拨款(补助)", "财政拨款(补助)小计"), TABLES_BY_ID["t02"].amount_columns, "fiscal_subtotal"),
        (("财政拨款", "小计"), TABLES_BY_ID["t12"].amount_columns, "fiscal_subtotal"),
        (("非财政拨款", "小计"), TABLES_BY_ID["t12"].amount_columns, "nonfiscal_subtotal"),
        (("非财政拨款", "基本支出", "人员经费"), TABLES_BY_ID["t12"].amount_columns, "nonfiscal_basic_personnel"),
        (("政府性基金预算支出", "基本支出", "公用经费"), TABLES_BY_ID["t08"].amount_columns, "basic_public"),
        (("支出预算", "项目支出"), TABLES_BY_ID["t03"].amount_columns, "project"),
        (("项目支出合计",), TABLES_BY_ID["t07"].amount_columns, "total"),
        (("资本性支出（基本建设）",), TABLES_BY_ID["t07"].amount_columns, "capital_construction"),
        (("资金来源", "政府性基金"), TABLES_BY_ID["t10"].amount_columns, "gov_fund"),
        (("神秘资金",), TABLES_BY_ID["t10"].amount_columns, None),
    ],
)
def test_header_paths_map_to_keys(path, allowed, key):
    assert match_amount_key(tuple(header_text(p) for p in path), allowed) == key


def test_header_text_ignores_wraps_brackets_and_quotes():
    assert header_text("财政专户 （教育收 费）") == header_text("财政专户(教育收费)")
    assert header_text("“三公”经费") == header_text('"三公"经费') == "三公经费"


def test_registry_is_consistent():
    assert [t.table_id for t in TABLES] == [f"t{n:02d}" for n in range(1, 13)]
    for spec in TABLES:
        assert set(spec.amount_columns) <= set(AMOUNT_COLUMNS), spec.table_id
        for identity in spec.identities:
            assert {identity.total, *identity.parts} <= set(spec.amount_columns), spec.table_id
        assert wide_table_schema(spec.table_id).names.count("doc_id") == 1
    for tie in TIES:
        for ref in (tie.left, tie.right):
            assert ref.column in TABLES_BY_ID[ref.table_id].columns_for_side(ref.side)


def test_readme_documents_every_column_key():
    """The data dictionary is the registry written out (``make docs``)."""
    text = README.read_text(encoding="utf-8")
    assert column_keys_markdown() in text, "README's column keys are stale: run make docs"
    for key in AMOUNT_COLUMNS:
        assert re.search(rf"`{key}`", text)


@pytest.mark.parametrize(
    "path, table_id, key",
    [
        (("2026年政府采购项目", "小计"), "t03", "procurement"),
        (("2026年政府采购项目", "其中:2026年政府采购项目中预留给中小企业的项目资金规模"), "t03", "procurement_sme"),
        (("预算数", "项目支出", "扣除基建项目后预算数"), "t05", "project_excl_capital"),
        (("部门预算", "一般公共预算拨款", "其中:专项资金列入部门预算项目"), "t02", "general_budget_special"),
        (("部门预算", "公共预算拨款", "小计"), "t03", "general_budget"),
        (("财政专户拨款收入", "其他专户收入拨款"), "t02", "special_account_other"),
        (("本年支出合计",), "t03", "current_expenditure"),
    ],
)
def test_columns_real_documents_print_have_keys(path, table_id, key):
    assert match_amount_key(path, TABLES_BY_ID[table_id].amount_columns) == key
