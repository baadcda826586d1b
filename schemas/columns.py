"""The column vocabulary: every amount key of the contract, its Chinese label
and the printed header paths that mean it.

An alias is a header *path*: the labels of the merged header cells above a
column, top to bottom, after flattening (``("财政拨款", "基本支出", "人员经费")``).
A column matches an alias when the alias is a suffix of its path; the longest
matching alias wins, so ``小计`` under ``财政拨款`` and under ``非财政拨款`` stay
apart.  Labels are compared after :func:`header_text` normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

HeaderPath = tuple[str, ...]


@dataclass(frozen=True)
class AmountColumn:
    key: str
    label_zh: str
    aliases: tuple[HeaderPath, ...]


@lru_cache(maxsize=1 << 16)  # every page's lines and cells go through it, and labels repeat
def compact_label(text: str) -> str:
    """A printed label with its typography evened out: no whitespace, full-width
    brackets, no quotes, so ``财政专户 （教育收 费）`` equals ``财政专户(教育收费)``."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = text.replace("(", "（").replace(")", "）")
    return re.sub(r"[\"'“”‘’]", "", text)


@lru_cache(maxsize=1 << 16)
def header_text(text: str) -> str:
    """A header label as the registry matches it: :func:`compact_label`, and
    neither a leading year nor "其中" — ``2026年预算数`` is 预算数 and
    ``其中：基本支出`` is 基本支出."""
    text = re.sub(r"^其中[:：]", "", compact_label(text))
    return re.sub(r"^20\d\d年度?", "", text)


def _paths(*aliases: str) -> tuple[HeaderPath, ...]:
    return tuple(tuple(header_text(part) for part in alias.split("/")) for alias in aliases)


def _column(key: str, label_zh: str, *aliases: str) -> AmountColumn:
    return AmountColumn(key, label_zh, _paths(*aliases))


AMOUNT_COLUMNS: dict[str, AmountColumn] = {
    c.key: c
    for c in (
        _column("budget", "预算数", "预算数", "金额", "预算金额", "预算", "本年预算数", "预算数/合计", "决算数"),
        _column(
            "total",
            "合计",
            "合计",
            "总计",
            "收入总计",
            "支出总计",
            "项目支出合计",
            "金额合计",
            "金额",
            "预算数",
            "本年预算数",
            "预算金额",
            "预算",
            "项目金额",
            "决算数",
            "三公经费预算数",
            "机关运行经费支出",
            "机关运行经费",
            "^小计",
            "一般公共预算支出/小计",
            "基本支出预算/小计",
            "政府性基金预算支出/小计",
            "国有资本经营预算支出/小计",
        ),
        _column("basic", "基本支出", "基本支出", "基本支出/小计", "基本支出/合计"),
        _column("project", "项目支出", "项目支出", "项目支出/项目支出总数", "项目支出/小计", "项目支出/合计", "专项业务经费支出"),
        _column("personnel", "人员经费", "人员经费", "人员经费支出", "人员支出", "基本支出/人员经费"),
        _column("public", "公用经费", "公用经费", "公用经费支出", "日常公用支出", "公用支出", "基本支出/公用经费"),
        _column(
            "fiscal_subtotal",
            "财政拨款（补助）小计",
            "财政拨款（补助）/财政拨款（补助）小计",
            "财政拨款（补助）/小计",
            "财政拨款/小计",
            "财政拨款收入",
            "财政拨款",
            "财政拨款（补助）",
            "财政拨款（补助）收入",
            "财政拨款收入/小计",
            "财政拨款/合计",
        ),
        _column(
            "general_budget",
            "一般公共预算",
            "一般公共预算",
            "一般公共预算拨款",
            "一般公共预算资金",
            "一般公共预算拨款收入",
            "一般公共预算收入",
            "一般公共预算拨款/小计",
            "一般公共预算拨款收入/小计",
            "一般公共预算/小计",
            "公共预算拨款",
            "公共预算拨款/小计",
            "一般公共预算财政拨款",
        ),
        _column(
            "general_budget_transfer",
            "上级一般公共预算安排的转移支付",
            "上级一般公共预算安排的转移支付",
            "上级一般公共预算安排转移支付",
        ),
        _column("gov_fund", "政府性基金预算", "政府性基金预算", "政府性基金", "政府性基金预算拨款", "政府性基金预算资金", "政府性基金预算拨款收入", "政府性基金预算收入", "政府性基金拨款", "政府性基金预算财政拨款"),
        _column(
            "gov_fund_transfer",
            "上级政府性基金安排的转移支付",
            "上级政府性基金安排的转移支付",
            "上级政府性基金安排转移支付",
        ),
        _column("state_capital", "国有资本经营预算", "国有资本经营预算", "国有资本经营预算拨款", "国有资本经营预算资金", "国有资本经营预算拨款收入", "国有资本经营预算收入", "国有资本经营拨款"),
        _column(
            "state_capital_transfer",
            "上级国有资本经营预算安排的转移支付",
            "上级国有资本经营预算安排的转移支付",
            "上级国有资本经营预算安排转移支付",
        ),
        _column("special_account", "财政专户（教育收费）", "财政专户（教育收费）", "财政专户管理资金", "财政专户核拨", "财政专户管理资金收入", "财政专户拨款", "财政专户拨款收入/教育收费", "教育收费"),
        _column("unit_funds", "单位资金", "单位资金"),
        _column("fiscal_carryover", "财政拨款结转", "财政拨款结转"),
        _column("nonfiscal_carryover", "非财政拨款结转结余", "非财政拨款结转结余"),
        _column("wages", "工资福利支出", "工资福利支出"),
        _column("goods_services", "商品和服务支出", "商品和服务支出"),
        _column("individual_family", "对个人和家庭的补助", "对个人和家庭的补助"),
        _column("debt_interest", "债务利息及费用支出", "债务利息及费用支出"),
        _column("capital_construction", "资本性支出（基本建设）", "资本性支出（基本建设）"),
        _column("capital", "资本性支出", "资本性支出"),
        _column("enterprise_construction", "对企业补助（基本建设）", "对企业补助（基本建设）"),
        _column("enterprise", "对企业补助", "对企业补助"),
        _column("social_security_fund", "对社会保障基金补助", "对社会保障基金补助"),
        _column("other", "其他支出", "其他支出"),
        # Columns real documents print beyond the reference one.
        _column("current_subtotal", "本年收入/小计", "本年收入/小计", "本年收入/合计", "本年收入", "本年收入合计"),
        _column("current_expenditure", "本年支出/小计", "本年支出/小计", "本年支出/合计", "本年支出合计"),
        _column("general_budget_special", "一般公共预算拨款/其中：专项资金列入部门预算项目", "专项资金列入部门预算项目", "专项资金列入部门预算的项目"),
        _column("special_account_other", "财政专户拨款收入/其他专户收入拨款", "其他专户收入拨款"),
        # 江苏 收入预算总表, down the page: 一般公共预算资金 | 公共财政拨款（补助）资金 beside 专项收入
        _column("general_budget_grant", "一般公共预算资金/公共财政拨款（补助）资金", "公共财政拨款（补助）资金", "公共财政拨款资金"),
        _column("project_excl_capital", "项目支出/扣除基建项目后预算数", "扣除基建项目后预算数"),
        _column("capital_construction_funds", "项目支出/其中：基本建设资金支出", "基本建设资金支出"),
        _column("procurement", "政府采购项目/小计", "政府采购项目/小计", "^政府采购项目"),
        _column("procurement_sme", "政府采购项目/其中：预留给中小企业的项目资金规模", "政府采购项目中预留给中小企业的项目资金规模"),
        _column("procurement_small_micro", "政府采购项目/其中：预留给小型、微型企业的项目资金规模", "政府采购项目中预留给小型、微型企业的项目资金规模"),
        _column("business_income", "事业收入", "事业收入", "事业收入（不含教育收费）", "事业收入/金额"),
        _column("operating_income", "事业单位经营收入", "事业单位经营收入", "经营收入"),
        _column("superior_subsidy", "上级补助收入", "上级补助收入"),
        _column("affiliate_remittance", "附属单位上缴收入", "附属单位上缴收入", "对附属单位上缴收入"),
        _column("other_income", "其他收入", "其他收入"),
        _column("carryover", "上年结转结余", "上年结转结余", "上年结转", "上年结余、结转", "上年结余结转", "上年结转结余/小计", "年初结转和结余",
                "上年结转和结余资金"),
        _column("other_funds", "其他资金", "其他资金"),
        _column("carryover_general_budget", "上年结转结余/一般公共预算资金", "上年结转结余/一般公共预算资金", "上年结转结余/一般公共预算"),
        _column("carryover_gov_fund", "上年结转结余/政府性基金预算资金", "上年结转结余/政府性基金预算资金", "上年结转结余/政府性基金预算"),
        _column("carryover_state_capital", "上年结转结余/国有资本经营预算资金", "上年结转结余/国有资本经营预算资金", "上年结转结余/国有资本经营预算"),
        _column("carryover_special_account", "上年结转结余/财政专户管理资金", "上年结转结余/财政专户管理资金"),
        _column("carryover_unit_funds", "上年结转结余/单位资金", "上年结转结余/单位资金"),
        _column("operating_expenditure", "事业单位经营支出", "事业单位经营支出", "经营支出"),
        _column("affiliate_subsidy", "对附属单位补助支出", "对附属单位补助支出"),
        _column("remittance_to_superior", "上缴上级支出", "上缴上级支出"),
        _column("carryforward", "结转下年", "结转下年", "结转下年资金", "结转结余下年"),
        _column("reserve", "单位预留机动经费", "单位预留机动经费", "预留机动经费"),
        _column("nonfiscal_balance", "使用非财政拨款结余", "使用非财政拨款结余", "用事业基金弥补收支差额"),
        _column("account_balance", "上年实户资金余额", "上年实户资金余额"),
        _column("basic_personnel", "基本支出/人员经费", "基本支出/人员经费", "人员经费支出", "人员经费", "人员支出", "基本支出/人员支出"),
        _column("basic_public", "基本支出/公用经费", "基本支出/公用经费", "公用经费支出", "公用经费", "日常公用支出", "基本支出/日常公用支出"),
        _column("fiscal_basic_personnel", "财政拨款/基本支出/人员经费", "财政拨款/基本支出/人员经费"),
        _column("fiscal_basic_public", "财政拨款/基本支出/公用经费", "财政拨款/基本支出/公用经费"),
        _column("fiscal_project", "财政拨款/项目支出", "财政拨款/项目支出"),
        _column("nonfiscal_subtotal", "非财政拨款/小计", "非财政拨款/小计"),
        _column("nonfiscal_basic_personnel", "非财政拨款/基本支出/人员经费", "非财政拨款/基本支出/人员经费"),
        _column("nonfiscal_basic_public", "非财政拨款/基本支出/公用经费", "非财政拨款/基本支出/公用经费"),
        _column("nonfiscal_project", "非财政拨款/项目支出", "非财政拨款/项目支出"),
    )
}

# Columns that carry the row's key rather than an amount.  The role names
# are what normalize/ reads; the aliases are matched on the last header label.
LABEL_ROLES: dict[str, tuple[str, ...]] = {
    "code_1": ("类",),
    "code_2": ("款",),
    "code_3": ("项",),
    "code": ("科目代码", "科目编码", "功能分类科目编码", "经济分类科目编码", "支出功能分类科目编码"),
    "name": ("科目名称", "项目", "功能分类科目名称", "经济分类科目名称", "“三公”经费支出内容", "三公经费支出内容", "项目（科目）"),
    "project": ("项目名称", "专项名称"),
    "unit": ("预算单位", "单位名称", "单位", "单位编码及名称"),
    # row numbers (行次, 序号) and column numbers are printed, but key nothing
    "extra": ("行次", "序号", "栏次", "序", "备注", "说明", "项目简介", "项目概述", "项目类别", "资金性质", "绩效目标",
              # procurement lists: what is bought and how, not what it costs
              "采购组织形式", "采购目录", "购买服务内容", "购买服务的内容", "规格型号", "数量", "实施采购时间", "采购时间", "项目编号", "经济科目"),
}

LABEL_ROLE_BY_TEXT: dict[str, str] = {
    header_text(alias): role for role, aliases in LABEL_ROLES.items() for alias in aliases
}


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one character replaced, dropped or added turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


_NEAR_MIN = 4  # a label this long or longer may be one character off; 合计 and 小计 may not


def near_amount_key(path: HeaderPath, allowed: tuple[str, ...]) -> str | None:
    """For headers read by OCR: the amount key one of whose aliases ``path`` ends with, one
    character off in one label of four or more (基本文出 is 基本支出, 上级一般公共算安排的转移支付
    lost its 预), where exactly one key is that near; None otherwise."""
    path = tuple(header_text(part) for part in path)
    near = set()
    for key in allowed:
        for alias in AMOUNT_COLUMNS[key].aliases:
            alias = (alias[0].lstrip("^"), *alias[1:])
            if len(alias) > len(path):
                continue
            tail = path[len(path) - len(alias):]
            off = [(mine, theirs) for mine, theirs in zip(tail, alias) if mine != theirs]
            if len(off) == 1 and min(map(len, off[0])) >= _NEAR_MIN and _one_edit_apart(*off[0]):
                near.add(key)
    return near.pop() if len(near) == 1 else None


def match_amount_key(path: HeaderPath, allowed: tuple[str, ...]) -> str | None:
    """The amount key whose longest alias is a suffix of ``path``, among ``allowed``.

    An alias starting with ``^`` must be the whole path: ``小计`` alone is
    the table's total, ``政府采购项目/小计`` is not.
    """
    path = tuple(header_text(part) for part in path)
    best: tuple[int, str] | None = None
    for key in allowed:
        for alias in AMOUNT_COLUMNS[key].aliases:
            anchored = alias[0].startswith("^")
            alias = (alias[0].lstrip("^"), *alias[1:])
            if anchored and alias != path:
                continue
            if len(alias) <= len(path) and path[len(path) - len(alias):] == alias:
                if best is None or len(alias) > best[0]:
                    best = (len(alias), key)
    return best[1] if best else None
