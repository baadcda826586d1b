"""The figures the prose states, declared once: each key, the words that name it, and the tables that state it too.

A sentence names a figure with the words before it (收入预算 9,626.78 万元);
the first key whose pattern those words match is the figure's key, so the
narrower keys come first (公务用车运行维护费 before "三公"经费, 基本支出 before
支出预算).  A money figure no key names is kept as ``other:<words>``.  Keys
are published (facts/, README): add keys, never rename one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FactSource:
    """A table figure that states a fact too: the total row of ``table_id`` in ``column``
    (on ``side``), or, with ``item``, the row whose printed item matches it."""

    table_id: str
    column: str
    side: str | None = None
    item: str | None = None  # a pattern on the row's item; None: the table's total row


@dataclass(frozen=True)
class FactKey:
    key: str
    printed_as: str  # for the README
    pattern: re.Pattern[str]  # searched in the words that name the figure, whitespace removed
    excludes: re.Pattern[str] | None = None  # words that make the same pattern mean something else
    sources: tuple[FactSource, ...] = ()  # the fact agrees with the document when it equals any of them
    # A total of the whole budget printed as bare 收入/支出: only the sentence's first
    # figure, or one called 总/合计/本年, is the whole (…，支出决算为 1,511.89 万元 is an item's)
    whole: bool = False


def _key(key: str, printed_as: str, pattern: str, excludes: str | None = None, sources: tuple[FactSource, ...] = (), whole: bool = False) -> FactKey:
    return FactKey(key, printed_as, re.compile(pattern), re.compile(excludes) if excludes else None, sources, whole)


_T10_TOTAL = FactSource("t10", "total")

FACT_KEYS: tuple[FactKey, ...] = (
    # "三公" parts before the whole, the vehicle's parts before the vehicle
    _key("sangong_vehicle", "公务用车购置及运行维护费", r"公务用车购置(?:及|和|与|、)运行(?:维护)?费?|公务用车费",
         sources=(FactSource("t10", "total", item=r"公务用车购置(?:及|和|与|、)运行|^公务用车费?$"),)),
    _key("sangong_vehicle_purchase", "公务用车购置费", r"公务用车购置(?!(?:及|和|与|、)运行)",
         sources=(FactSource("t10", "total", item=r"购置(?!(?:及|和|与|、)运行)"),)),
    _key("sangong_vehicle_operation", "公务用车运行维护费", r"公务用车运行(?:维护)?费?|(?<!购置及)(?<!购置和)运行维护费",
         sources=(FactSource("t10", "total", item=r"(?<!购置及)(?<!购置和)(?<!购置、)运行(?:维护)?费"),)),
    _key("sangong_abroad", "因公出国（境）费", r"(?:因公)?出国[（(]?境?[)）]?(?:费用?|经费|支出)",
         sources=(FactSource("t10", "total", item=r"出国"),)),
    _key("sangong_reception", "公务接待费", r"(?:国内|国外|外事)?公务接待", sources=(FactSource("t10", "total", item=r"接待"),)),
    # a "三公" table that lists 会议费 and 培训费 too (西安) prints the three's own subtotal as a row
    _key("sangong_total", "“三公”经费", r"[“\"‘「]?三公[”\"’」]?(?:经费|支出)", sources=(_T10_TOTAL, FactSource("t10", "total", item=r"三公"))),
    _key("operating_costs", "机关运行经费", r"(?:机关|单位)运行经费"),
    _key("procurement_goods", "政府采购货物预算 / 货物类", r"(?:政府)?(?:采购|购买)?货物类?(?:采购)?", excludes=r"预留|中小企业|小微企业"),
    _key("procurement_works", "政府采购工程预算 / 工程类", r"(?:政府)?采购工程类?|^工程类?(?:采购)?", excludes=r"预留|中小企业|小微企业"),
    _key("procurement_services", "政府采购服务预算 / 服务类", r"(?:政府)?(?:采购|购买)服务类?|^服务类?(?:采购)?", excludes=r"预留|中小企业|小微企业|政府购买服务"),
    _key("procurement_total", "政府采购预算 / 政府采购总额", r"政府采购", excludes=r"预留|中小企业|小微企业"),
    _key("personnel", "人员经费", r"人员经费|人员支出", sources=(FactSource("t06", "personnel"), FactSource("t05", "basic_personnel"))),
    _key("public", "公用经费", r"(?<!日常)公用经费|公用支出", sources=(FactSource("t06", "public"), FactSource("t05", "basic_public"))),
    _key("basic", "基本支出", r"基本支出", sources=(FactSource("t03", "basic"), FactSource("t05", "basic"), FactSource("t01", "basic", "expenditure"))),
    _key("project", "项目支出", r"项目支出", sources=(FactSource("t03", "project"), FactSource("t05", "project"), FactSource("t01", "project", "expenditure"))),
    _key("carryover", "上年结转结余 / 年初结转和结余", r"(?:上年|年初)结转(?:和|与|及)?结余|(?:上年|年初)结转(?!下年)", excludes=r"年终|年末|结转下年",
         sources=(FactSource("t12", "total"), FactSource("t02", "carryover"))),
    _key("general_budget", "一般公共预算拨款 / 一般公共预算财政拨款", r"一般公共预算(?:财政)?(?:拨款|当年拨款|收入|支出|$)", excludes=r"上级|转移支付|结转",
         sources=(FactSource("t02", "general_budget"), FactSource("t04", "general_budget", "expenditure"), FactSource("t05", "total"))),
    _key("gov_fund", "政府性基金预算拨款", r"政府性基金",
         sources=(FactSource("t04", "gov_fund", "expenditure"), FactSource("t08", "total"), FactSource("t02", "gov_fund"))),
    _key("state_capital", "国有资本经营预算拨款", r"国有资本经营",
         sources=(FactSource("t04", "state_capital", "expenditure"), FactSource("t09", "total"), FactSource("t02", "state_capital"))),
    _key("fiscal_appropriation", "财政拨款收入 / 财政拨款预算", r"财政拨款(?:收入|收[、和及与]?支|预算|支出|总额|合计)", excludes=r"非财政拨款|上年|结转",
         sources=(FactSource("t04", "total", "income"), FactSource("t04", "total", "expenditure"))),
    _key("income_expenditure_total", "收支总预算 / 收支总计", r"收入?[、和及与]?支出?(?:总预算|预算总额|预算总计|预算合计|总计|总额|合计|预算)",
         sources=(FactSource("t01", "budget", "income"), FactSource("t01", "budget", "expenditure")), whole=True),
    _key("income_total", "收入预算 / 本年收入 / 收入总计", r"总收入|(?:预算)?收入(?:预算|总计|合计|决算|总额)?",
         sources=(FactSource("t01", "budget", "income"), FactSource("t02", "total")), whole=True),
    _key("expenditure_total", "支出预算 / 本年支出 / 支出总计", r"总支出|(?:预算)?支出(?:预算|总计|合计|决算|总额)?",
         sources=(FactSource("t01", "budget", "expenditure"), FactSource("t03", "total")), whole=True),
)

FACT_KEYS_BY_NAME = {fact_key.key: fact_key for fact_key in FACT_KEYS}

# Wholes the prose states with all of their parts (check ``fact_sum``): each holds by definition,
# so a document that states the whole and every part once must add up.
FACT_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sangong_total", ("sangong_abroad", "sangong_reception", "sangong_vehicle")),
    ("sangong_vehicle", ("sangong_vehicle_purchase", "sangong_vehicle_operation")),
    ("procurement_total", ("procurement_goods", "procurement_works", "procurement_services")),
    ("fiscal_appropriation", ("general_budget", "gov_fund", "state_capital")),
)
OTHER_PREFIX = "other:"


# What may follow a key's words and still name the same figure (基本支出预算数为);
# anything else names a part of it (一般公共预算拨款安排的会议费).
_SAME_FIGURE = re.compile(r"(?:预算|决算|支出|收入|拨款|财政|总额|总计|合计|金额|资金|经费|费用|费|项目|总|数|为|是|安排|共|计|达|约|的|中|各|[:：])*$")


# What may stand before a key's words: who (the department, by name or as 本部门), when,
# and from which funds; anything else makes the figure another thing's
# (委托业务费财政拨款预算 is not the fiscal appropriation).
ORGANISATION = r"[\u4e00-\u9fff（）()“”]{2,40}?(?:局|委员会|办公室|办公厅|厅|委|院|中心|部|会|所|站|队|馆|大学|学院|学校|处|室|政府|本级)"
# The numbering that opens a heading or an outline item: 第三部分, （一）, 一、, 1., and 1. before 2025年 (not 1.2025).
OUTLINE_MARKER = r"第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|\d+[.．](?=20\d\d年)"
_BEFORE = re.compile(
    rf"(?P<who>{ORGANISATION}(?:[（(]本级[)）])?)?(?:本部门|部门|本单位|单位|我部门|我单位|[我本][校院局委办厅]|学校|全部|全年|本年度?|当年|年度|年初|拟|的)*"
    r"(?:通过|一般公共预算|政府性基金(?:预算)?|国有资本经营预算|财政拨款|财政|拨款|安排的?|当年|中|的)*"
)
_WHOLE = re.compile(r"总|合计")
# A section about part of the budget: its bare 支出总计 is that part's (（二）财政拨款收支情况 … 支出预算总计)
_PART_OF_BUDGET = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本经营|三公|机关运行|政府采购")
# Words that make a figure a share of something else (项目…涉及一般公共预算财政拨款 X 万元,
# and every figure listed after them).
SHARE_OF = re.compile(r"涉及|用于|投入")


_HEADING_MARKER = re.compile(rf"^(?:{OUTLINE_MARKER})")
_UNIT_HEADING = re.compile(rf"{ORGANISATION}(?:[（(]本级[)）]|本级)?")


def unit_of_section(heading: str | None, department: str | None) -> str | None:
    """The unit a section is about, where its heading is a unit's name other than the
    department's (深圳's documents print a section for each unit they hold)."""
    if not heading or not department:
        return None
    name = _HEADING_MARKER.sub("", re.sub(r"\s+", "", heading)).rstrip("。")
    if not _UNIT_HEADING.fullmatch(name) or name == department:
        return None
    return name


def match_fact_key(words: str, department: str | None = None, opening: bool = True, heading: str | None = None) -> FactKey | None:
    """The first key whose pattern the naming words match (whitespace removed) with nothing
    but who, when and which funds before it and filler after it.

    ``department``: a unit named before the words that is not the department makes
    the figure that unit's, not the department's.  ``opening``: the figure is the
    sentence's first, where a bare 收入/支出 names the whole budget, unless
    ``heading``, the section's, is about a part of it."""
    compact = re.sub(r"\s+", "", words)
    if SHARE_OF.search(compact):
        return None
    for fact_key in FACT_KEYS:
        if fact_key.excludes and fact_key.excludes.search(compact):
            continue
        for match in fact_key.pattern.finditer(compact):
            before = _BEFORE.fullmatch(compact, 0, match.start())
            if not before or not _SAME_FIGURE.match(compact, match.end()):
                continue
            who = before["who"]
            if who and department and who not in department and department not in who:
                return None  # a unit of the department's, or another body
            if fact_key.whole and not opening and not _WHOLE.search(compact):
                return None
            if fact_key.whole and heading and _PART_OF_BUDGET.search(heading) and not _PART_OF_BUDGET.search(compact):
                return None
            return fact_key
    return None
