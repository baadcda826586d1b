"""Ground-truth model of a disclosure: what is printed, and what it means.

A sample is written once as data (see ``reference_2026.py``).  The PDF is
rendered from it and the golden files are written from it, by two
independent paths, so the goldens never depend on the extractor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union


def amounts(spec: str) -> tuple[Decimal | None, ...]:
    """``"5,708.69 . 0.00"`` → (5708.69, None, 0.00); ``.`` is a blank cell."""
    return tuple(None if token == "." else Decimal(token.replace(",", "")) for token in spec.split())


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def H(text: str, colspan: int = 1, rowspan: int = 1) -> HeaderCell:
    return HeaderCell(text, colspan, rowspan)


@dataclass(frozen=True)
class CodeRow:
    """A row keyed by a classification code (function or economic)."""

    code: str
    name: str
    values: tuple[Decimal | None, ...]
    project: str | None = None


@dataclass(frozen=True)
class ItemRow:
    """A row keyed by a printed item; ``prefix`` is the printed ordinal (``一、``, ``1. ``, ``其中：``)."""

    item: str
    values: tuple[Decimal | None, ...]
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class UnitRow:
    """A (sub-)unit heading row, summing the rows below it."""

    name: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class ProjectRow:
    project: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class TotalRow:
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class DownRow:
    """A row of a table printed down the page (江苏 收入预算总表): its labels, a category and
    its item or one label alone, name the column a horizontal table prints the figure in."""

    labels: tuple[str, ...]
    column: str
    value: Decimal | None


Row = Union[CodeRow, ItemRow, UnitRow, ProjectRow, TotalRow, DownRow]


@dataclass(frozen=True)
class PairRow:
    """One printed row of a two-sided table: income half | expenditure half."""

    income: Row | None
    expenditure: Row | None


@dataclass(frozen=True)
class SampleTable:
    table_id: str
    number: int
    title: str
    header: tuple[tuple[HeaderCell, ...], ...]
    # How the row key is printed:
    #   "code3"         类 | 款 | 项 | 科目名称
    #   "code3_project" 类 | 款 | 项 | 科目名称 | 项目名称
    #   "economic"      类 | 款 + name
    #   "label"         one label column
    #   "two_sided"     label | amounts… | "code name" | amounts…
    #   "down"          category | item | 金额: DownRows, the table's columns printed as rows
    layout: str
    columns: tuple[str, ...]
    rows: tuple[Row | PairRow, ...]
    income_columns: tuple[str, ...] = ()
    note: str | None = None
    landscape: bool = False
    # False: the table prints no 单位 line of its own (its unit comes from the tables beside it)
    prints_unit: bool = True


@dataclass(frozen=True)
class SampleFact:
    """A figure the narrative states, as facts/ must read it: the ground truth of facts.csv."""

    key: str
    amount: Decimal | None
    sentence: str  # the sentence that states it, whitespace removed; it lies within one narrative paragraph
    previous_amount: Decimal | None = None
    change_amount: Decimal | None = None
    change_pct: Decimal | None = None


@dataclass(frozen=True)
class SampleDocument:
    name: str
    department: str
    year: int
    doc_kind: str
    unit: str
    cover: tuple[str, ...]
    intro: tuple[str, ...]
    narrative: tuple[str, ...]
    tables: tuple[SampleTable, ...]
    other_grids: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = field(default=())
    facts: tuple[SampleFact, ...] = ()  # every money figure the narrative states
