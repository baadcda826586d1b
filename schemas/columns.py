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

HeaderPath = tuple[str, ...]


@dataclass(frozen=True)
class AmountColumn:
    key: str
    label_zh: str
    aliases: tuple[HeaderPath, ...]


def header_text(text: str) -> str:
    """Canonical form of a printed header label: no whitespace, full-width
    brackets, straight quotes removed, so that ``财政专户 （教育收 费）`` and
    ``财政专户(教育收费)`` compare equal."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = text.replace("(", "（").replace(")", "）")
    return re.sub(r"[\"'“”‘’]", "", text)


def _paths(*aliases: str) -> tuple[HeaderPath, ...]:
    return tuple(tuple(header_text(part) for part in alias.split("/")) for alias in aliases)


def _column(key: str, label_zh: str, *aliases: str) -> AmountColumn:
    return AmountColumn(key, label_zh, _paths(*aliases))


AMOUNT_COLUMNS: dict[str, AmountColumn] = {
    c.key: c
    for c in (
        _column("budget", "预算数", "预算数", "金额", "预算金额"),
        _column("total", "合计", "合计", "总计", "项目支出合计", "金额合计"),
        _column("basic", "基本支出", "基本支出"),
        _column("project", "项目支出", "项目支出"),
        _column("personnel", "人员经费", "人员经费"),
        _column("public", "公用经费", "公用经费"),
        _column(
            "fiscal_subtotal",
            "财政拨款（补助）小计",
            "财政拨款（补助）/财政拨款（补助）小计",
            "财政拨款（补助）/小计",
            "财政拨款/小计",
        ),
        _column("general_budget", "一般公共预算", "一般公共预算", "一般公共预算拨款", "一般公共预算资金"),
        _column(
            "general_budget_transfer",
            "上级一般公共预算安排的转移支付",
            "上级一般公共预算安排的转移支付",
            "上级一般公共预算安排转移支付",
        ),
        _column("gov_fund", "政府性基金预算", "政府性基金预算", "政府性基金", "政府性基金预算拨款"),
        _column(
            "gov_fund_transfer",
            "上级政府性基金安排的转移支付",
            "上级政府性基金安排的转移支付",
            "上级政府性基金安排转移支付",
        ),
        _column("state_capital", "国有资本经营预算", "国有资本经营预算", "国有资本经营预算拨款"),
        _column(
            "state_capital_transfer",
            "上级国有资本经营预算安排的转移支付",
            "上级国有资本经营预算安排的转移支付",
            "上级国有资本经营预算安排转移支付",
        ),
        _column("special_account", "财政专户（教育收费）", "财政专户（教育收费）", "财政专户管理资金", "财政专户核拨"),
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
        _column("basic_personnel", "基本支出/人员经费", "基本支出/人员经费"),
        _column("basic_public", "基本支出/公用经费", "基本支出/公用经费"),
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
    "name": ("科目名称", "项目", "功能分类科目名称", "经济分类科目名称", "“三公”经费支出内容", "三公经费支出内容", "单位名称", "项目（科目）"),
    "project": ("项目名称",),
}

LABEL_ROLE_BY_TEXT: dict[str, str] = {
    header_text(alias): role for role, aliases in LABEL_ROLES.items() for alias in aliases
}


def match_amount_key(path: HeaderPath, allowed: tuple[str, ...]) -> str | None:
    """The amount key whose longest alias is a suffix of ``path``, among ``allowed``."""
    best: tuple[int, str] | None = None
    for key in allowed:
        for alias in AMOUNT_COLUMNS[key].aliases:
            if len(alias) <= len(path) and path[len(path) - len(alias):] == alias:
                if best is None or len(alias) > best[0]:
                    best = (len(alias), key)
    return best[1] if best else None
