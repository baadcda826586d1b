"""The canonical tables, each declared once: the twelve, and those most disclosures print beside them.

Everything that needs to know what a table is — its titles, which header
columns it has, how its rows are keyed, which sums it obeys and which
figures it shares with other tables — reads it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from budgetpdf.schemas.columns import AMOUNT_COLUMNS, LABEL_ROLE_BY_TEXT, header_text


class RowKey(str, Enum):
    """How a table's rows are identified."""

    TWO_SIDED = "two_sided"  # income side items | expenditure side by function code
    FUNCTION_CODE = "function_code"  # 类/款/项 of 支出功能分类
    ECONOMIC_CODE = "economic_code"  # 类/款 of 支出经济分类 (301, 30101)
    FUNCTION_CODE_PROJECT = "function_code_project"  # function code + project name
    ITEM = "item"  # printed items ("三公" headings)
    PROJECT = "project"  # project names grouped under units


@dataclass(frozen=True)
class RowIdentity:
    """Within every row: ``total`` equals the sum of ``parts``.

    Tested only where it can be trusted: ``total`` and every ``required``
    part are printed (by default all parts; a part not printed counts
    nothing), none of ``excludes`` is (a table printing one splits the total
    another way — 本年收入 + 上年结转结余 instead of source by source — and
    summing both ways at once would count twice), and no printed column is
    unknown to the registry.
    """

    total: str
    parts: tuple[str, ...]
    excludes: tuple[str, ...] = ()
    required: tuple[str, ...] | None = None

    @property
    def must_print(self) -> tuple[str, ...]:
        return self.parts if self.required is None else self.required


@dataclass(frozen=True)
class TotalRef:
    """The total row of a table (on one side of a two-sided table), in one column."""

    table_id: str
    column: str
    side: str | None = None


@dataclass(frozen=True)
class Tie:
    """Two printed totals that must be the same figure; not where the left table also
    prints one of ``unless`` (then a tie on that column says it better).  ``also``: other
    totals the left one may equal instead, where tables differ in what they cover."""

    left: TotalRef
    right: TotalRef
    unless: tuple[str, ...] = ()
    also: tuple[TotalRef, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    title: str
    title_variants: tuple[str, ...]
    row_key: RowKey
    amount_columns: tuple[str, ...]
    identities: tuple[RowIdentity, ...] = ()
    # Two-sided tables: amount keys allowed on each side.
    income_columns: tuple[str, ...] = ()
    # When a document prints two tables that both read as this one (older
    # Jiangsu: 财政拨款支出表 and 一般公共预算支出表), the one whose title has
    # more of these words.
    preferred_words: tuple[str, ...] = ()
    # A table printed in place of a standard one: where the document prints no
    # 一般公共预算支出表, its 财政拨款支出表 is that table (西南大学, 江苏 2017).
    stands_in_for: str | None = None
    # Whether its rows nest as printed, so that parents are the sums of their
    # children (code_sum, outline_sum, total_sum).  Procurement lists nest by
    # category, unit and item in columns the row order does not show.
    nests: bool = True

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.title_variants)

    def columns_for_side(self, side: str | None) -> tuple[str, ...]:
        if side == "income" and self.income_columns:
            return self.income_columns
        return self.amount_columns


_SOURCES = ("general_budget", "gov_fund", "state_capital")
_ECONOMIC = (
    "wages",
    "goods_services",
    "individual_family",
    "debt_interest",
    "capital_construction",
    "capital",
    "enterprise_construction",
    "enterprise",
    "social_security_fund",
    "other",
)
_FISCAL_PARTS = (
    "general_budget",
    "general_budget_transfer",
    "gov_fund",
    "gov_fund_transfer",
    "state_capital",
    "state_capital_transfer",
)

_UNIT_INCOME = ("business_income", "operating_income", "superior_subsidy", "affiliate_remittance", "other_income")
_CARRYOVER_PARTS = (
    "carryover_general_budget",
    "carryover_gov_fund",
    "carryover_state_capital",
    "carryover_special_account",
    "carryover_unit_funds",
)
_EXPENDITURE_EXTRAS = ("operating_expenditure", "affiliate_subsidy", "remittance_to_superior", "carryforward", "reserve")
# "of which" columns: printed beside the parts, never parts themselves
_OF_WHICH = ("general_budget_special", "general_budget_grant", "procurement", "procurement_sme", "procurement_small_micro", "project_excl_capital",
             "capital_construction_funds")

# Tables split by source of funds (procurement, basic spending by unit, project lists)
_FUNDED_BY = ("fiscal_subtotal", *_SOURCES, "special_account", "unit_funds", *_UNIT_INCOME, "other_funds", "carryover", "nonfiscal_balance")
_FUNDING_IDENTITIES = (
    RowIdentity("fiscal_subtotal", _SOURCES, required=("general_budget",)),
    RowIdentity(
        "total",
        ("fiscal_subtotal", "special_account", *_UNIT_INCOME, "other_funds", "carryover", "nonfiscal_balance"),
        excludes=("unit_funds",),
        required=("fiscal_subtotal",),
    ),
    RowIdentity(
        "total",
        (*_SOURCES, "special_account", *_UNIT_INCOME, "other_funds", "carryover", "nonfiscal_balance"),
        excludes=("fiscal_subtotal", "unit_funds"),
        required=("general_budget",),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "t01",
        "部门收支总体情况表",
        ("收支预算总表", "部门收支总表", "部门财务收支预算总表", "部门收支预算总表"),
        RowKey.TWO_SIDED,
        # some regions split the expenditure side's budget by basic/project
        ("budget", "basic", "basic_personnel", "basic_public", "project"),
        income_columns=("budget",),
    ),
    TableSpec(
        "t02",
        "部门收入总体情况表",
        ("收入预算总表", "部门收入总表", "部门收入预算表"),
        RowKey.FUNCTION_CODE,
        ("total", "fiscal_subtotal", *_FISCAL_PARTS, "special_account", "unit_funds", "fiscal_carryover", "nonfiscal_carryover",
         *_UNIT_INCOME, "current_subtotal", "carryover", *_CARRYOVER_PARTS, "nonfiscal_balance", "account_balance",
         "special_account_other", "general_budget_special", "general_budget_grant", "other_funds"),
        (
            RowIdentity(
                "total",
                ("fiscal_subtotal", "special_account", "special_account_other", "unit_funds", "fiscal_carryover", "nonfiscal_carryover"),
                excludes=("current_subtotal", *_UNIT_INCOME),
                required=("fiscal_subtotal", "unit_funds"),
            ),
            RowIdentity(
                "total",
                ("fiscal_subtotal", "special_account", "special_account_other", *_UNIT_INCOME, "carryover"),
                excludes=("current_subtotal", "unit_funds"),
                required=("fiscal_subtotal", "business_income"),
            ),
            RowIdentity(
                "total",
                (*_SOURCES, "special_account", "special_account_other", *_UNIT_INCOME, "carryover", "nonfiscal_balance", "account_balance"),
                excludes=("fiscal_subtotal", "current_subtotal", "unit_funds"),
                required=("general_budget", "business_income"),
            ),
            RowIdentity("total", ("current_subtotal", "carryover")),
            RowIdentity(
                "current_subtotal", ("general_budget", "gov_fund", "state_capital", "special_account", "special_account_other", *_UNIT_INCOME), required=("general_budget",)
            ),
            RowIdentity("carryover", _CARRYOVER_PARTS, required=("carryover_general_budget",)),
            RowIdentity("fiscal_subtotal", _FISCAL_PARTS, required=("general_budget",)),
        ),
    ),
    TableSpec(
        "t03",
        "部门支出总体情况表",
        ("支出预算总表", "部门支出总表", "部门支出预算表"),
        RowKey.FUNCTION_CODE,
        # by kind of spending, or (Xi'an) by source of funds
        ("total", "basic", "project", *_EXPENDITURE_EXTRAS, *_SOURCES, "special_account", *_UNIT_INCOME, "carryover",
         "nonfiscal_balance", "account_balance", "current_expenditure", *_OF_WHICH),
        (
            RowIdentity("total", ("basic", "project", *_EXPENDITURE_EXTRAS), required=("basic", "project")),
            RowIdentity(
                "total",
                (*_SOURCES, "special_account", *_UNIT_INCOME, "carryover", "nonfiscal_balance", "account_balance"),
                excludes=("basic", "project"),
                required=("general_budget",),
            ),
        ),
    ),
    TableSpec(
        "t04",
        "财政拨款收支预算总体情况表",
        ("财政拨款收支总表", "财政拨款收支预算总表", "财政拨款收支总体情况表"),
        RowKey.TWO_SIDED,
        ("total", *_SOURCES),
        (RowIdentity("total", _SOURCES, required=("general_budget",)),),
        income_columns=("total",),
    ),
    TableSpec(
        "t05",
        "一般公共预算支出情况表",
        ("一般公共预算支出表", "一般公共预算当年拨款支出表", "一般公共预算支出预算表"),
        RowKey.FUNCTION_CODE,
        ("total", "basic", "basic_personnel", "basic_public", "project", "current_expenditure", *_OF_WHICH),
        (RowIdentity("total", ("basic", "project")), RowIdentity("basic", ("basic_personnel", "basic_public"))),
        preferred_words=("一般公共预算", "功能分类"),
    ),
    TableSpec(
        "t06",
        "一般公共预算基本支出情况表",
        ("一般公共预算基本支出表", "一般公共预算基本支出预算表"),
        RowKey.ECONOMIC_CODE,
        # Shenzhen prints all general-budget spending by economic class: basic + project
        ("total", "personnel", "public", "basic", "project"),
        (RowIdentity("total", ("personnel", "public")), RowIdentity("total", ("basic", "project"))),
        preferred_words=("一般公共预算", "基本支出", "经济分类"),
    ),
    TableSpec(
        "t07",
        "一般公共预算项目支出情况表",
        ("项目支出表", "一般公共预算项目支出表", "一般公共预算项目支出预算表"),
        RowKey.FUNCTION_CODE_PROJECT,
        # by economic class, or (Shenzhen, Yantai) by source of funds
        ("total", *_ECONOMIC, "fiscal_subtotal", *_SOURCES, "special_account", "unit_funds", *_UNIT_INCOME, "carryover", "nonfiscal_balance"),
        (
            RowIdentity("total", _ECONOMIC, excludes=_SOURCES, required=("wages", "goods_services")),
            RowIdentity(
                "total",
                (*_SOURCES, "special_account", *_UNIT_INCOME, "carryover", "nonfiscal_balance"),
                excludes=(*_ECONOMIC, "unit_funds"),
                required=("general_budget",),
            ),
            # 烟台: 单位资金 stands for the unit's own income as one column
            RowIdentity(
                "total",
                (*_SOURCES, "special_account", "unit_funds", "carryover", "nonfiscal_balance"),
                excludes=(*_ECONOMIC, *_UNIT_INCOME),
                required=("general_budget", "unit_funds"),
            ),
        ),
        preferred_words=("一般公共预算",),
    ),
    TableSpec(
        "t08",
        "政府性基金预算支出情况表",
        ("政府性基金预算支出表", "政府性基金预算支出预算表"),
        RowKey.FUNCTION_CODE,
        ("total", "basic", "basic_personnel", "basic_public", "project", "carryover", "current_subtotal", "current_expenditure"),
        (
            RowIdentity("total", ("basic_personnel", "basic_public", "project"), excludes=("basic",)),
            RowIdentity("total", ("basic", "project")),
        ),
    ),
    TableSpec(
        "t09",
        "国有资本经营预算支出情况表",
        ("国有资本经营预算支出表", "国有资本经营预算支出预算表"),
        RowKey.FUNCTION_CODE,
        ("total", "basic", "basic_personnel", "basic_public", "project", "current_expenditure"),
        (
            RowIdentity("total", ("basic_personnel", "basic_public", "project"), excludes=("basic",)),
            RowIdentity("total", ("basic", "project")),
        ),
    ),
    TableSpec(
        "t10",
        "财政拨款“三公”经费支出情况表",
        ("“三公”经费支出表", "一般公共预算“三公”经费支出表", "财政拨款“三公”经费支出表", "“三公”经费支出预算表"),
        RowKey.ITEM,
        ("total", *_SOURCES),
        (RowIdentity("total", _SOURCES, required=("general_budget",)),),
    ),
    TableSpec(
        "t11",
        "财政拨款委托业务费支出情况表",
        ("委托业务费支出表", "财政拨款委托业务费支出表"),
        RowKey.PROJECT,
        ("total", *_SOURCES),
        (RowIdentity("total", _SOURCES, required=("general_budget",)),),
    ),
    TableSpec(
        "t12",
        "上年结转结余情况表",
        ("结转结余情况表", "上年结转结余表"),
        RowKey.PROJECT,
        (
            "total",
            "fiscal_subtotal",
            "fiscal_basic_personnel",
            "fiscal_basic_public",
            "fiscal_project",
            "nonfiscal_subtotal",
            "nonfiscal_basic_personnel",
            "nonfiscal_basic_public",
            "nonfiscal_project",
        ),
        (
            RowIdentity("total", ("fiscal_subtotal", "nonfiscal_subtotal")),
            RowIdentity("fiscal_subtotal", ("fiscal_basic_personnel", "fiscal_basic_public", "fiscal_project")),
            RowIdentity("nonfiscal_subtotal", ("nonfiscal_basic_personnel", "nonfiscal_basic_public", "nonfiscal_project")),
        ),
    ),
    # Beyond the twelve: tables most disclosures print besides them (see README, "Tables").
    TableSpec(
        "t13",
        "政府采购预算表",
        ("政府采购预算明细表", "政府采购支出表", "政府采购（资产配置、购买服务）预算表"),
        RowKey.ITEM,
        ("total", *_FUNDED_BY),
        _FUNDING_IDENTITIES,
        nests=False,
    ),
    TableSpec("t14", "政府购买服务预算表", ("财政拨款政府购买服务明细表",), RowKey.ITEM, ("total", *_FUNDED_BY), _FUNDING_IDENTITIES),
    TableSpec(
        "t15",
        "一般公共预算机关运行经费支出预算表",
        ("机关运行经费支出预算表", "机关运行经费预算表"),
        RowKey.ECONOMIC_CODE,
        ("total",),
    ),
    TableSpec(
        "t16",
        "基本支出预算表（按资金来源）",
        ("基本支出总表", "部门预算基本支出预算表", "基本支出预算情况表"),
        RowKey.ITEM,
        ("total", "personnel", "public", *_FUNDED_BY),
        (RowIdentity("total", ("personnel", "public")), *_FUNDING_IDENTITIES),
    ),
    TableSpec(
        "t17",
        "项目支出及其他支出预算表",
        ("部门预算项目支出及其他支出预算表",),
        RowKey.PROJECT,
        ("total", *_FUNDED_BY),
        _FUNDING_IDENTITIES,
    ),
    TableSpec(
        "t18",
        "一般公共预算支出经济分类情况表",
        ("一般公共预算支出明细表（按支出经济分类科目）",),
        RowKey.ECONOMIC_CODE,
        ("total", "basic", "personnel", "public", "project"),
        (
            RowIdentity("total", ("basic", "project")),
            RowIdentity("total", ("personnel", "public", "project"), excludes=("basic",)),
            RowIdentity("basic", ("personnel", "public")),
        ),
    ),
    TableSpec(
        "t19",
        "一般公共预算基本支出功能分类情况表",
        ("一般公共预算基本支出明细表（按支出功能分类科目）",),
        RowKey.FUNCTION_CODE,
        ("total", "personnel", "public"),
        (RowIdentity("total", ("personnel", "public")),),
    ),
    TableSpec(
        "t20",
        "财政拨款支出预算表",
        ("财政拨款支出表（功能科目）", "预算单位财政拨款支出预算表"),
        RowKey.FUNCTION_CODE,
        ("total", "basic", "basic_personnel", "basic_public", "project"),
        (
            RowIdentity("total", ("basic", "project")),
            RowIdentity("basic", ("basic_personnel", "basic_public")),
            RowIdentity("total", ("basic_personnel", "basic_public", "project"), excludes=("basic",)),
        ),
        stands_in_for="t05",
    ),
    TableSpec(
        "t21",
        "财政拨款基本支出预算表",
        ("财政拨款基本支出表（经济科目）",),
        RowKey.ECONOMIC_CODE,
        ("total", "personnel", "public"),
        (RowIdentity("total", ("personnel", "public")),),
        stands_in_for="t06",
    ),
)

TABLES_BY_ID: dict[str, TableSpec] = {t.table_id: t for t in TABLES}
STANDARD_IDS: tuple[str, ...] = tuple(f"t{n:02d}" for n in range(1, 13))  # the twelve every disclosure is asked to print

# Tables of words, not money: performance targets (绩效目标) print indicator
# values (≥95%, 优, 1500 人次, 2026年9月) in their cells.  They are recognised,
# by their title, by the indicator columns of their header or by the indicator
# levels in their cells (a page of one that runs on has neither title nor
# header), and left out of lines/ on purpose; the README says so.
_TEXT_TABLE_TITLE = re.compile(r"绩效")
_INDICATOR_LABEL = re.compile(r"^((一级|二级|三级|绩效)指标(值|名称|内容|性质)?|指标值|(本年|年度)绩效指标值|(产出|效益|成本|满意度|社会效益|经济效益|数量|质量|时效)指标)$")
_INDICATOR_ROWS = 5  # rows of the body looked at for indicator levels


def is_text_table(title: str | None, paths: list[tuple[str, ...]], rows: list[tuple[str, ...]] = ()) -> bool:
    """A table of performance targets."""
    if title and _TEXT_TABLE_TITLE.search(header_text(title)):
        return True
    labels = [label for path in paths for label in path] + [cell for row in rows[:_INDICATOR_ROWS] for cell in row]
    return any(_INDICATOR_LABEL.match(header_text(label)) for label in labels if label)


# A table with figures that the registry cannot name: its rows keep their
# printed labels and every figure column is ``other:<printed label>``.
GENERIC_ID = "generic"
GENERIC = TableSpec(GENERIC_ID, "未识别的表", (), RowKey.ITEM, (), nests=False)


def spec_for(table_id: str) -> TableSpec:
    """The registry's declaration of a table id, the generic id included."""
    return GENERIC if table_id == GENERIC_ID else TABLES_BY_ID[table_id]

# Totals that several tables print: each pair must be the same figure.
TIES: tuple[Tie, ...] = (
    Tie(TotalRef("t01", "budget", "income"), TotalRef("t01", "budget", "expenditure")),
    Tie(TotalRef("t04", "total", "income"), TotalRef("t04", "total", "expenditure")),
    Tie(TotalRef("t02", "total"), TotalRef("t01", "budget", "income")),
    Tie(TotalRef("t03", "total"), TotalRef("t01", "budget", "expenditure")),
    Tie(TotalRef("t02", "total"), TotalRef("t03", "total")),
    Tie(TotalRef("t05", "total"), TotalRef("t04", "general_budget", "expenditure")),
    Tie(TotalRef("t06", "total"), TotalRef("t05", "basic")),
    # a project list of every source of funds (烟台 项目支出预算情况表) ties by its 一般公共预算 column
    # …and a project list of every source printed without one (西安) totals t03's projects
    Tie(TotalRef("t07", "total"), TotalRef("t05", "project"), unless=("general_budget",), also=(TotalRef("t03", "project"),)),
    Tie(TotalRef("t07", "general_budget"), TotalRef("t05", "project")),
    Tie(TotalRef("t18", "total"), TotalRef("t05", "total")),
    Tie(TotalRef("t19", "total"), TotalRef("t05", "basic")),
    Tie(TotalRef("t20", "total"), TotalRef("t04", "total", "expenditure")),
)

# Header labels that group columns without naming an amount themselves.
GROUP_LABELS: frozenset[str] = frozenset(
    header_text(label)
    for label in (
        "科目",
        "收入",
        "支出",
        "财政拨款收入",
        "财政拨款支出",
        "支出预算",
        "资金来源",
        "财政拨款",
        "非财政拨款",
        "财政拨款（补助）",
        "一般公共预算支出",
        "一般公共预算基本支出",
        "政府性基金预算支出",
        "国有资本经营预算支出",
    )
)

SIDE_LABELS: dict[str, str] = {
    header_text("收入"): "income",
    header_text("支出"): "expenditure",
    header_text("财政拨款收入"): "income",
    header_text("财政拨款支出"): "expenditure",
}

HEADER_VOCABULARY: frozenset[str] = (
    GROUP_LABELS
    | frozenset(LABEL_ROLE_BY_TEXT)
    | frozenset(part for column in AMOUNT_COLUMNS.values() for alias in column.aliases for part in alias)
)

# What a printed title may be, table by table.  Tried in this order, so the
# specific (财政拨款收支…总表 is t04) wins over the general (…收支…总表 is t01).
TITLE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (table_id, re.compile(pattern))
    for table_id, pattern in (
        ("t04", r"财政拨款收.{0,3}支.{0,8}(总表|总体情况表|情况表)"),
        ("t10", r"三公.{0,2}经费"),
        ("t11", r"委托业务费.{0,8}表"),
        ("t12", r"结转结余.{0,6}表|上年结转.{0,12}表|结转资金.{0,6}表"),
        ("t13", r"政府采购.{0,24}表"),
        ("t14", r"政府购买服务.{0,8}表"),
        ("t15", r"机关运行经费.{0,10}表"),
        ("t16", r"(部门预算|^|[^算款])基本支出.{0,4}(总表|预算表|预算情况表)$"),
        ("t17", r"项目支出及其他支出.{0,4}表"),
        ("t18", r"一般公共预算支出经济分类.{0,6}表|一般公共预算支出明细表（按(支出)?经济"),
        ("t19", r"基本支出.{0,8}(按(支出)?功能|功能分类|功能科目)"),
        ("t21", r"(?<!预算)财政拨款基本支出.{0,6}表"),
        ("t20", r"(?<!预算)财政拨款支出.{0,6}表"),
        ("t06", r"(一般公共预算|财政拨款).{0,10}基本支出.{0,16}表|(一般公共预算|财政拨款)支出.{0,6}表（按?(支出)?经济分类"),
        ("t07", r"项目支出.{0,8}表|专项业务经费.{0,8}表"),
        ("t08", r"政府性基金.{0,10}(收支|支出).{0,12}表"),
        ("t09", r"国有资本经营.{0,10}支出.{0,12}表"),
        ("t05", r"(一般公共预算|财政拨款).{0,6}支出.{0,16}表"),
        ("t01", r"收.{0,2}支.{0,10}(总表|总体情况表)|收入支出决算总表"),
        ("t02", r"收入.{0,10}(总表|总体情况表|预算表|决算表)"),
        ("t03", r"支出.{0,10}(总表|总体情况表|预算表|决算表)"),
    )
)
# Titles that carry a budget word but name none of the twelve (t10's 三公 aside).
_NOT_A_STANDARD_TABLE = re.compile(r"绩效|采购|机关运行|资产|说明|目录|编制|人员|收费")
_UNGUARDED = frozenset({"t10", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21"})
_TITLE_END = re.compile(r"表(（续）|（续表）|续表?|（[^（）]{1,16}）)?$")
_SENTENCE = re.compile(r"[，。；,;！？]")


@dataclass(frozen=True)
class TitleMatch:
    table_id: str
    text: str


def match_title(line: str, in_grid: bool = False) -> TitleMatch | None:
    """The table a printed title line names, or None.

    A title ends in 表 (or 表（续）), is short, is no sentence, and names
    the table in one of the forms of :data:`TITLE_PATTERNS` — whatever comes
    before (表1, 预算01表, 公开03表, a year, a unit's name) does not matter.
    Narrative that mentions a table ends in something else (``…为空表。``).
    A caption cell at the top of a grid is a title by its place, so there
    the 表 may be missing (``公开09表 / “三公”经费``).
    """
    text = header_text(line)
    if len(text) > 60 or _SENTENCE.search(text) or not (in_grid or _TITLE_END.search(text)):
        return None
    for table_id, pattern in TITLE_PATTERNS:
        if pattern.search(text) and (table_id in _UNGUARDED or not _NOT_A_STANDARD_TABLE.search(text)):
            return TitleMatch(table_id, text)
    return None
