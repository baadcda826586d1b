"""Text outside the grids: titles, 编制部门, 单位, year and document kind."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from budgetpdf.extract.grid import Grid
from budgetpdf.normalize import clean_name

_DEPARTMENT = re.compile(
    r"(?:编制部门|编制单位|预算单位|部门名称|单位名称|部门（单位）|部门\(单位\)|部门)\s*[:：]\s*(?!单位\s*[:：]|金额单位)(\S+?)(?=\s|单位\s*[:：]|金额单位|$)"
)
# A cover: 2026 年度 | 福州市医疗保障局 | 部门预算, or 西南大学 | 2021 年度部门预算
_COVER = (
    re.compile(r"(20\d\d)年度?(?P<name>[\u4e00-\u9fff（）]{3,40}?)(?:（汇总）)?(?:部门|单位)?(?:综合)?(?:预算|决算)"),
    re.compile(r"(?P<name>[\u4e00-\u9fff（）]{3,40}?)(?:（汇总）)?(?:部门)?(?:20\d\d)?年?度?(?:部门|单位)?(?:综合)?(?:预算|决算)"),
)
# 西安市卫生健康委员会（汇总）: the department's consolidated budget, named as the department
_CONSOLIDATED = re.compile(r"[（(]汇总[）)]$")
_ORGANISATION = re.compile(r"(局|委员会|委|办公室|办|厅|院|中心|大学|学院|学校|部|会|处|室|所|站|队|馆|团|社|政府|集团|公司)$")
# the colon may be missing or stand on a text line of its own (重庆: its glyph sits lower)
_UNIT = re.compile(r"单位\s*[:：]?\s*(?:人民币)?\s*(万元|元)(?![\u4e00-\u9fff])")
_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class TextLine:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float


def page_text_lines(page) -> list[TextLine]:
    """The page's text lines, top to bottom."""
    return [
        TextLine(line["text"].strip(), line["top"], line["bottom"], line["x0"], line["x1"])
        for line in page.extract_text_lines(return_chars=False)
        if line["text"].strip()
    ]


def lines_outside(lines: list[TextLine], grids: list[Grid]) -> list[TextLine]:
    """The lines that lie outside every grid: titles, captions, notes and prose."""
    outside = []
    for line in lines:
        middle = (line.top + line.bottom) / 2
        centre = (line.x0 + line.x1) / 2
        if not any(g.bbox[1] <= middle <= g.bbox[3] and g.bbox[0] <= centre <= g.bbox[2] for g in grids):
            outside.append(line)
    return outside


def find_department(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _DEPARTMENT.search(line.text)
        if match:
            return _CONSOLIDATED.sub("", clean_name(match[1]))
    return None


def find_cover_department(texts: list[str]) -> str | None:
    """The department named on the cover, above the table of contents (目录)."""
    cover = []
    for text in texts:
        if re.sub(r"\s+", "", text).startswith("目录"):
            break
        cover.append(text)
    joined = re.sub(r"\s+", "", "".join(cover))
    for pattern in _COVER:
        match = pattern.search(joined)
        if match and _ORGANISATION.search(match["name"]):
            return match["name"]
    return None


def find_unit(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _UNIT.search(line.text.replace(" ", ""))
        if match:
            return match[1]
    return None


def find_year(texts: list[str]) -> int | None:
    """The budget year: the first year printed on the cover pages."""
    for text in texts:
        match = _YEAR.search(text)
        if match:
            return int(match[1])
    return None


def find_doc_kind(texts: list[str]) -> str | None:
    joined = "".join(t.replace(" ", "") for t in texts)
    if "决算" in joined:
        return "final_account"
    if "预算" in joined:
        return "budget"
    return None


def most_common(values: list[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None
