"""The reference disclosure as 江苏 2017–2019 print theirs: tables down the page, stacked.

The same ground truth as ``reference_2026.py``, drawn the way 江苏's old
template draws it:

- 收入预算总表 (t02) printed down the page: a category merged down over its
  items, one 金额 column.  Its figures are those of the reference t02's
  总计 row, and the goldens key them as that row: (收入总计, general_budget,
  980.69) and so on;
- the tables flow one after another on portrait pages, several small ones
  to a page with nothing between them but the next title.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from samples.model import DownRow, H, SampleTable
from samples.reference_2026 import REFERENCE, T01, T03, T05, T06, T10, T11

T02_DOWN = SampleTable(
    "t02",
    2,
    "收入预算总表",
    header=((H("项目", 2), H("金额")),),
    layout="down",
    columns=(),
    rows=(
        DownRow(("收入总计",), "total", Decimal("10190.63")),
        DownRow(("财政拨款（补助）", "小计"), "fiscal_subtotal", Decimal("5708.69")),
        DownRow(("财政拨款（补助）", "一般公共预算"), "general_budget", Decimal("980.69")),
        DownRow(("财政拨款（补助）", "上级一般公共预算安排的转移支付"), "general_budget_transfer", Decimal("4728.00")),
        DownRow(("财政拨款（补助）", "政府性基金预算"), "gov_fund", None),
        DownRow(("财政专户（教育收费）",), "special_account", None),
        DownRow(("单位资金",), "unit_funds", None),
        DownRow(("财政拨款结转",), "fiscal_carryover", Decimal("4481.94")),
        DownRow(("非财政拨款结转结余",), "nonfiscal_carryover", None),
    ),
)

STACKED = replace(REFERENCE, name="stacked_2026", tables=(T01, T02_DOWN, T03, T05, T06, T10, T11))
