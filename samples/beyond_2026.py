"""The reference disclosure as a larger office prints it: beyond the twelve tables.

The same ground truth as ``reference_2026.py`` (its twelve tables, figure
for figure), and after them what real disclosures add:

- t05 a second time, for the unit's own budget (机关本级): a second printed
  table of one id, kept as a table of its own (``table_no`` 2);
- a 政府采购预算表, a table the registry names beyond the twelve (t13), its
  659.64 万元 the 口岸联检单位工作经费 project of t07 and t11;
- a table the registry cannot name (重点工作经费安排表), kept under the
  generic id with ``other:`` columns, printed without a unit line of its own
  (its unit is the one of the tables beside it).

``make samples`` renders it with every 单位：万元 split as 重庆's WPS exports
print it, the colon on a baseline of its own.
"""

from __future__ import annotations

from dataclasses import replace

from samples.model import H, ItemRow, SampleTable, TotalRow, amounts as A
from samples.reference_2026 import REFERENCE, T05

T05_OWN_UNIT = replace(T05, number=13, title="一般公共预算支出情况表（机关本级）")

T13 = SampleTable(
    "t13",
    14,
    "政府采购预算表",
    header=((H("采购品目"), H("预算金额")),),
    layout="label",
    columns=("total",),
    rows=(
        ItemRow("货物", A("120.00")),
        ItemRow("服务", A("539.64")),
        TotalRow("合计", A("659.64")),
    ),
)

KEY_WORK = SampleTable(
    "generic",
    15,
    "重点工作经费安排表",
    header=((H("项目名称", 1, 2), H("金额", 2)), (H("本年预算数"), H("上年预算数"))),
    layout="label",
    columns=("other:金额/本年预算数", "other:金额/上年预算数"),
    rows=(
        ItemRow("口岸联检单位工作经费", A("659.64 600.00")),
        ItemRow("口岸业务经费", A("5.89 5.50")),
    ),
    prints_unit=False,
)

BEYOND = replace(REFERENCE, name="beyond_2026", tables=(*REFERENCE.tables, T05_OWN_UNIT, T13, KEY_WORK))
