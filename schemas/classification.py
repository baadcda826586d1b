"""The 类 of the government expenditure function classification (支出功能分类), by name.

Totals tables (收支总表, 财政拨款收支总表) often list the 类 as
``一、一般公共服务支出`` with no code; the name says which 类 it is.  The
names are the 2026 classification, as the reference document's t01 prints
all of them, plus the earlier names the same codes carried in older
documents (2017–2019).
"""

from __future__ import annotations

FUNCTION_CLASSES: dict[str, str] = {
    "一般公共服务支出": "201",
    "外交支出": "202",
    "国防支出": "203",
    "公共安全支出": "204",
    "教育支出": "205",
    "科学技术支出": "206",
    "文化旅游体育与传媒支出": "207",
    "文化体育与传媒支出": "207",  # until 2018
    "社会保障和就业支出": "208",
    "社会保险基金支出": "209",
    "卫生健康支出": "210",
    "医疗卫生与计划生育支出": "210",  # until 2018
    "节能环保支出": "211",
    "城乡社区支出": "212",
    "农林水支出": "213",
    "交通运输支出": "214",
    "资源勘探工业信息等支出": "215",
    "资源勘探信息等支出": "215",  # until 2018
    "商业服务业等支出": "216",
    "金融支出": "217",
    "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220",
    "国土海洋气象等支出": "220",  # until 2018
    "住房保障支出": "221",
    "粮油物资储备支出": "222",
    "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224",
    "预备费": "227",
    "其他支出": "229",
    "转移性支出": "230",
    "债务还本支出": "231",
    "债务付息支出": "232",
    "债务发行费用支出": "233",
    "抗疫特别国债安排的支出": "234",
}

# Names the economic classifications use too (政府预算支出经济分类 512 债务还本支出,
# 513 转移性支出, 599 其他支出): a 类 only in a list that names another 类.
ALSO_ECONOMIC = frozenset({"其他支出", "预备费", "债务还本支出", "转移性支出"})
