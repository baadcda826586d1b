"""The registry: titles, header aliases and its own consistency."""

import re
from pathlib import Path

import pytest

from budgetpdf.schemas import AMOUNT_COLUMNS, GENERIC_ID, STANDARD_IDS, TABLES, TABLES_BY_ID, TIES, header_text, match_amount_key, match_title
from budgetpdf.schemas.arrow import wide_table_schema
from budgetpdf.schemas.docs import column_keys_markdown, fact_keys_markdown, tables_markdown
from budgetpdf.schemas.tables import TITLE_PATTERNS

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
        # beyond the twelve, each beside the standard table it resembles
        ("预算10表 政府采购预算明细表", "t13"),
        ("2022年部门综合预算政府采购（资产配置、购买服务）预算表（不含上年结转）", "t13"),
        ("预算11表 财政拨款政府购买服务明细表", "t14"),
        ("十、江苏省高级人民法院部门一般公共预算机关运行经费支出预算表", "t15"),
        ("2025年部门“三公”经费和机关运行经费预算表", "t10"),
        ("表4 基本支出总表", "t16"),
        ("部门预算基本支出预算表", "t16"),
        ("一般公共预算基本支出预算表", "t06"),
        ("部门预算项目支出及其他支出预算表", "t17"),
        ("2026 年度一般公共预算支出经济分类情况表", "t18"),
        ("2022年部门综合预算一般公共预算支出明细表（按经济分类科目分）", "t18"),
        ("一般公共预算支出表（按经济分类）", "t06"),
        ("部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", "t19"),
        ("部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", "t06"),
        ("财政拨款支出表（功能科目）", "t20"),
        ("一般公共预算财政拨款支出决算表", "t05"),
        ("财政拨款基本支出表（经济科目）", "t21"),
        ("一般公共预算财政拨款基本支出决算表", "t06"),
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
    ids = [t.table_id for t in TABLES]
    assert ids[:12] == list(STANDARD_IDS) and len(ids) == len(set(ids)) and GENERIC_ID not in ids
    assert all(re.fullmatch(r"t\d\d", table_id) for table_id in ids)
    assert [table_id for table_id, _ in TITLE_PATTERNS if table_id not in ids] == []
    assert set(ids) == {table_id for table_id, _ in TITLE_PATTERNS}, "every table is found by a title pattern"
    for spec in TABLES:
        assert spec.stands_in_for in (None, *STANDARD_IDS), spec.table_id
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
    assert tables_markdown() in text, "README's tables are stale: run make docs"
    assert fact_keys_markdown() in text, "README's fact keys are stale: run make docs"
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
