"""The arithmetic every published table obeys, checked on the lines.

Stable check codes (a downstream filter may rely on them):

- ``code_sum``      a 类 (款) row equals the sum of its 款 (项) rows, per column
- ``outline_sum``   an outline heading (一、 / 1. / a unit) equals the sum of its items
- ``total_sum``     the 合计/总计 row equals the sum of the top-level rows
- ``row_identity``  within a row, e.g. total = basic + project (declared per table)
- ``total_tie``     a total printed in two places is the same figure (declared in TIES)
- ``narrative_tie`` a figure the prose states equals the table figure that states it
  too (declared in schemas/facts.py), to the precision the sentence prints
- ``fact_change``   a sentence's figure = last year's + the change it states
- ``fact_rate``     the rate a sentence states = the change over last year's figure,
  to the digits it prints (rounded or cut)
- ``fact_sum``      a whole the prose states = the sum of its parts, where it states
  every part (declared in schemas/facts.py FACT_SUMS)
- ``fact_outline_sum`` a numbered sentence's figure = the sum of those numbered one
  level below it

A sum may differ from its printed parent by one unit of the last printed
digit (0.01 万元 when the table prints two decimals) because each figure is
rounded on its own; a tie between two printings of one figure allows
nothing.  A failed check records both figures and never changes either.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from budgetpdf.schemas.facts import FACT_KEYS_BY_NAME, FACT_SUMS, FactSource
from budgetpdf.schemas.records import CheckResult, Fact, Line, fact_ref, figure_ref
from budgetpdf.schemas.tables import TIES, TotalRef, spec_for

ZERO = Decimal(0)


@dataclass
class _Row:
    table_id: str
    table_no: int
    side: str | None
    row_no: int
    page: int
    code: str | None
    parent_code: str | None
    outline_level: int | None
    is_total: bool
    label: str
    of_which: bool = False
    values: dict[str, Decimal] = field(default_factory=dict)
    lines: dict[str, Line] = field(default_factory=dict)  # the line behind each value: who takes part in a check


def _rows(lines: list[Line]) -> dict[tuple[str, int, str | None, tuple[int, str]], list[_Row]]:
    """Lines regrouped into printed rows, per (table, printing, side, block), in printed order."""
    rows: dict[tuple[str, int, str | None, tuple[int, str], int], _Row] = {}
    for line in lines:
        # a per-unit table's units are checked one by one, as blocks of their own
        key = (line.table_id, line.table_no, line.side, (line.block, line.group), line.row_no)
        if key not in rows:
            label = line.code or line.item or line.project or ""
            rows[key] = _Row(
                line.table_id, line.table_no, line.side, line.row_no, line.page, line.code, line.parent_code, line.outline_level,
                line.is_total, label, line.of_which,
            )
        rows[key].values[line.column] = line.amount
        rows[key].lines[line.column] = line
    grouped: dict[tuple[str, int, str | None, tuple[int, str]], list[_Row]] = defaultdict(list)
    for key in sorted(rows, key=lambda k: (k[0], k[1], k[2] or "", k[3], k[4])):
        grouped[key[:4]].append(rows[key])
    return grouped


def resolution(lines: list[Line]) -> Decimal:
    """One unit of the last digit the table prints, in 万元."""
    exponent = min((line.amount.as_tuple().exponent for line in lines), default=-2)
    return Decimal(1).scaleb(exponent)


_CELL_DIGITS = 9  # a figure this long may have been cut short by its cell


def _allowance(tolerance: Decimal, *printed: Decimal) -> Decimal:
    """The tolerance, widened to the last printed digit of a figure that ran
    out of room: spreadsheets show ten or so digits, so 936,647,884.33 元 in a
    narrow cell is printed 936647884.3 (rounded or cut) and is known to ±0.1."""
    wide = [value for value in printed if len(value.as_tuple().digits) >= _CELL_DIGITS]
    return max([tolerance, *(Decimal(1).scaleb(value.as_tuple().exponent) for value in wide)])


def _sum_check(code: str, parent: _Row, children: list[_Row], tolerance: Decimal, what: str) -> list[CheckResult]:
    columns = sorted(set(parent.values).union(*(c.values for c in children)))
    results = []
    for column in columns:
        expected = sum((c.values.get(column, ZERO) for c in children), ZERO)
        actual = parent.values.get(column, ZERO)
        allowed = _allowance(tolerance, actual, *(c.values[column] for c in children if column in c.values))
        figures = _figures([parent], children, column)
        results.append(
            CheckResult(
                code,
                parent.table_id,
                parent.row_no,
                column,
                parent.page,
                expected,
                actual,
                allowed,
                abs(expected - actual) <= allowed,
                f"{parent.label or 'row ' + str(parent.row_no)} = sum of {len(children)} {what}",
                parent.table_no,
                figures,
            )
        )
    return results


def _figures(totals: list[_Row], parts: list[_Row], *columns: str) -> tuple[tuple[tuple, int], ...]:
    """The figures a check compares: each part counts once towards ``expected`` (+1), each
    total once towards ``actual`` (-1); the first of ``columns`` for the totals, the rest for the parts."""
    total_column, part_columns = columns[0], columns[1:] or columns
    return tuple(
        [(figure_ref(row.lines[total_column]), -1) for row in totals if total_column in row.lines]
        + [(figure_ref(row.lines[column]), 1) for row in parts for column in part_columns if column in row.lines]
    )


def _code_sums(rows: list[_Row], tolerance: Decimal) -> list[CheckResult]:
    """A coded row against the nearest rows printed under it whose codes extend it.

    Read in printed order, so a 类 printed twice (烟台 t06 lists 301 once under
    each government class) is checked against its own children each time.
    """
    results = []
    for i, row in enumerate(rows):
        if not row.code:
            continue
        descendants = []
        for later in rows[i + 1 :]:
            if not later.code:
                continue
            if not later.code.startswith(row.code) or len(later.code) <= len(row.code):
                break
            descendants.append(later)
        # a child is the nearest printed descendant: 3010201 counts under 301
        # when its own parent 30102 is not printed
        children = [
            d for d in descendants if not any(len(o.code) < len(d.code) and d.code.startswith(o.code) for o in descendants)
        ]
        if children:
            results += _sum_check("code_sum", row, children, tolerance, "child codes")
    return results


def _outline_children(rows: list[_Row]) -> list[tuple[_Row, list[_Row]]]:
    outline = [r for r in rows if r.outline_level is not None]
    pairs = []
    for i, row in enumerate(outline):
        kids = []
        for later in outline[i + 1 :]:
            if later.outline_level <= row.outline_level:
                break
            if later.outline_level == row.outline_level + 1:
                kids.append(later)
        if kids and not kids[0].of_which:  # 其中：… lists some parts, not all
            pairs.append((row, kids))
    return pairs


def _top_level(rows: list[_Row]) -> list[_Row]:
    coded = [r for r in rows if r.code and r.parent_code is None]
    if coded:
        return coded
    # the shallowest level printed with figures: a heading without any
    # (一、部门预算 over 1、财政拨款 …) leaves no row of its own
    top = min((r.outline_level for r in rows if r.outline_level), default=None)
    return [r for r in rows if r.outline_level == top] if top else []


def _total_sums(rows: list[_Row], tolerance: Decimal) -> list[CheckResult]:
    """Each total row = the previous total + the top-level rows since it.

    ``本年收入合计`` sums 一、…七、; ``收入总计`` then adds 上年结转结余 to it.
    A total printed first (``总计：`` above the rows) sums the rows below it.
    """
    totals = [i for i, row in enumerate(rows) if row.is_total]
    if not totals:
        return []
    results = []
    if not _top_level(rows[: totals[0]]):
        # totals printed first: each sums the rows below it, up to the next total
        for k, index in enumerate(totals):
            end = totals[k + 1] if k + 1 < len(totals) else len(rows)
            parts = _top_level(rows[index + 1 : end])
            if parts:
                results += _sum_check("total_sum", rows[index], parts, tolerance, "rows below it")
        return results
    for k, index in enumerate(totals):
        start = totals[k - 1] + 1 if k else 0
        parts = _top_level(rows[start:index])
        if k:
            parts = [rows[totals[k - 1]], *parts]
        if parts:
            results += _sum_check("total_sum", rows[index], parts, tolerance, "rows above it")
    return results


def _identities(table_id: str, rows: list[_Row], printed: set[str], tolerance: Decimal) -> list[CheckResult]:
    results = []
    for identity in spec_for(table_id).identities:
        if (
            identity.total not in printed
            or not printed.issuperset(identity.must_print)
            or printed.intersection(identity.excludes)
            or any(key.startswith("other:") for key in printed)
        ):
            continue
        for row in rows:
            involved = (identity.total, *identity.parts)
            if not any(column in row.values for column in involved):
                continue
            expected = sum((row.values.get(part, ZERO) for part in identity.parts), ZERO)
            actual = row.values.get(identity.total, ZERO)
            allowed = _allowance(tolerance, actual, *(row.values[part] for part in identity.parts if part in row.values))
            results.append(
                CheckResult(
                    "row_identity",
                    table_id,
                    row.row_no,
                    identity.total,
                    row.page,
                    expected,
                    actual,
                    allowed,
                    abs(expected - actual) <= allowed,
                    f"{identity.total} = {' + '.join(identity.parts)}",
                    row.table_no,
                    _figures([row], [row], identity.total, *identity.parts),
                )
            )
    return results


def _total_rows(grouped: dict, ref: TotalRef, primary: dict[str, int]) -> list[_Row]:
    """The total rows of the printing a tie is read from, in the side's first block."""
    keys = [key for key in grouped if key[0] == ref.table_id and key[1] == primary.get(ref.table_id, 1) and key[2] == ref.side]
    if not keys:
        return []
    return [r for r in grouped[min(keys, key=lambda k: k[3])] if r.is_total and ref.column in r.values]


def _describe(ref: TotalRef) -> str:
    return f"{ref.table_id} {ref.column}" + (f" ({ref.side})" if ref.side else "")


def _ties(grouped: dict, primary: dict[str, int]) -> list[CheckResult]:
    """Each tie: the left table's last total against the right table's totals.

    A table may print its total at two levels (t01: 本年支出合计, then
    支出总计 with 结转下年 added); the tie holds when the left total is one of
    them.  A tie between two tables that both tie to a third (t02 and t03,
    each to t01) says nothing more, and where it fails the third explains
    why (t02 counts 上年结转, t03 leaves out 结转下年): it is not reported.
    """
    results: list[tuple[tuple[str, str], CheckResult]] = []
    for tie in TIES:
        left, right = _total_rows(grouped, tie.left, primary), _total_rows(grouped, tie.right, primary)
        if not left or not right:
            continue
        if any(column in left[-1].values for column in tie.unless):
            continue
        row, actual = left[-1], left[-1].values[tie.left.column]
        candidates = [r.lines[tie.right.column] for r in right]
        candidates += [r.lines[ref.column] for ref in tie.also for r in _total_rows(grouped, ref, primary)]
        chosen = min(reversed(candidates), key=lambda line: abs(line.amount - actual))
        expected = chosen.amount
        allowed = _allowance(ZERO, actual, expected)
        result = CheckResult(
            "total_tie", tie.left.table_id, row.row_no, tie.left.column, row.page, expected, actual, allowed, abs(expected - actual) <= allowed,
            f"{_describe(tie.left)} total = {_describe(tie.right)} total" + "".join(f" or {_describe(ref)} total" for ref in tie.also), row.table_no,
            ((figure_ref(row.lines[tie.left.column]), -1), (figure_ref(chosen), 1)),
        )
        results.append(((tie.left.table_id, tie.right.table_id), result))
    tied = {frozenset(pair) for pair, result in results if result.passed}

    def covered(a: str, b: str) -> bool:
        return any({a, third} in tied and {b, third} in tied for third in set().union(*tied) - {a, b})

    return [result for (a, b), result in results if result.passed or not covered(a, b)]


def validate(
    lines: list[Line], printed_columns: dict[tuple[str, int, str | None], set[str]], primary: dict[str, int] | None = None
) -> list[CheckResult]:
    """Every check that applies to these lines.

    ``printed_columns`` holds the amount keys each (table, printing, side)
    prints, so that an identity is tested only where its columns were
    printed; ``primary`` names, per table id printed more than once, the
    printing whose totals the ties read (by default the first).
    """
    grouped = _rows(lines)
    by_table: dict[tuple[str, int], list[Line]] = defaultdict(list)
    for line in lines:
        by_table[(line.table_id, line.table_no)].append(line)
    results: list[CheckResult] = []
    for (table_id, table_no, side, _block), rows in grouped.items():
        tolerance = resolution(by_table[(table_id, table_no)])
        if spec_for(table_id).nests:
            body = [r for r in rows if not r.is_total]
            results += _code_sums(body, tolerance)
            for parent, kids in _outline_children(body):
                results += _sum_check("outline_sum", parent, kids, tolerance, "items below it")
            results += _total_sums(rows, tolerance)
        results += _identities(table_id, rows, printed_columns.get((table_id, table_no, side), set()), tolerance)
    return results + _ties(grouped, primary or {})


def _source_lines(by_column: dict[tuple, list[Line]], source: FactSource, primary: dict[str, int]) -> list[Line]:
    """The table figures a fact's source names: its total rows, or the rows of its item."""
    lines = by_column.get((source.table_id, primary.get(source.table_id, 1), source.side, source.column), [])
    if source.item is None:
        return [line for line in lines if line.is_total]
    return [line for line in lines if line.item and not line.is_total and re.search(source.item, line.item)]


def _money(value: Decimal) -> str:
    return f"{value:,} 万元"


def _agrees(stated: Fact, table: Decimal) -> bool:
    """To the precision the sentence prints, rounded or cut: 17.7 万元 states 17.65–17.75,
    and 1,361 万元 also 1,361.6271 (prose that drops the decimals instead of rounding)."""
    unit = stated.precision or ZERO
    return abs(table - stated.amount) <= unit / 2 or ZERO <= abs(table) - abs(stated.amount) < unit


def narrative_ties(facts: list[Fact], lines: list[Line], primary: dict[str, int] | None = None) -> list[CheckResult]:
    """Each fact against the table figures that state it too (see _agrees)."""
    by_column: dict[tuple, list[Line]] = defaultdict(list)
    for line in lines:
        by_column[(line.table_id, line.table_no, line.side, line.column)].append(line)
    results = []
    for index, fact in enumerate(facts):
        fact_key = FACT_KEYS_BY_NAME.get(fact.key)
        if fact_key is None or fact.amount is None:
            continue
        candidates = [(source, line) for source in fact_key.sources for line in _source_lines(by_column, source, primary or {})]
        if not candidates:
            continue
        source, line = min(candidates, key=lambda pair: (not _agrees(fact, pair[1].amount), abs(pair[1].amount - fact.amount)))
        where = f"{line.table_id} {source.column}" + (f" ({source.side})" if source.side else "") + f" {line.item or line.code or 'total'}"
        results.append(CheckResult(
            "narrative_tie", line.table_id, line.row_no, source.column, fact.page, line.amount, fact.amount, fact.precision,
            _agrees(fact, line.amount),
            f"{fact.key}: the prose says {_money(fact.amount)} (page {fact.page}), {where} says {_money(line.amount)}", line.table_no,
            ((figure_ref(line), 1), (fact_ref(index, "amount"), -1)),
        ))
    return results


_HUNDRED = Decimal(100)


def _unit_of(value: Decimal) -> Decimal:
    return Decimal(1).scaleb(value.as_tuple().exponent)


def _rate_agrees(stated: Decimal, change: Decimal, previous: Decimal, change_unit: Decimal, previous_unit: Decimal) -> bool:
    """The rate printed (6.13) against the change over last year's figure, rounded or cut to its digits.

    The two figures are themselves printed rounded (to ``change_unit`` and
    ``previous_unit``), and offices compute the rate from the figures before
    rounding: any rate the unrounded figures allow will do.
    """
    rates = [
        (change + dc) / (previous + dp) * _HUNDRED
        for dc in (-change_unit / 2, change_unit / 2)
        for dp in (-previous_unit / 2, previous_unit / 2)
        if previous + dp
    ]
    if not rates or min(previous - previous_unit / 2, previous + previous_unit / 2) <= ZERO <= max(previous - previous_unit / 2, previous + previous_unit / 2):
        return True  # last year's figure may be zero: no rate to hold it to
    low, high = min(rates), max(rates)
    unit = _unit_of(stated)
    # rounded: the stated rate within half a unit of a possible one; cut: a possible one within a unit beyond it
    rounded = low - unit / 2 <= stated <= high + unit / 2
    cut = (low <= stated + unit and stated <= high) if stated >= 0 else (low <= stated and stated - unit <= high)
    return rounded or cut


def _previous_unit(fact: Fact) -> Decimal:
    """How precisely last year's figure is known: as printed, or, derived as this year's less
    the change, to both of their last digits."""
    if fact.previous_amount is not None:
        return _unit_of(fact.previous_amount)
    return _unit_of(fact.amount) + _unit_of(fact.change_amount)


def fact_identities(facts: list[Fact], sentences: list[str] = ()) -> list[CheckResult]:
    """The arithmetic inside the prose: this year = last year + the change, the rate, the wholes of
    FACT_SUMS, and, given the document's ``sentences`` in order, the sums of its numbered outline."""
    results = []
    for index, fact in enumerate(facts):
        if fact.amount is None or fact.change_amount is None:
            continue
        change = fact.change_amount
        if fact.previous_amount is not None:
            expected = fact.previous_amount + change
            allowed = max(_unit_of(fact.amount), _unit_of(fact.previous_amount), _unit_of(change))
            results.append(CheckResult(
                "fact_change", None, None, fact.key, fact.page, expected, fact.amount, allowed, abs(expected - fact.amount) <= allowed,
                f"{fact.key}: {_money(fact.amount)} = last year's {_money(fact.previous_amount)} + the change {_money(change)}", None,
                ((fact_ref(index, "amount"), -1), (fact_ref(index, "previous_amount"), 1), (fact_ref(index, "change_amount"), 1)),
            ))
        previous = fact.amount - change if fact.previous_amount is None else fact.previous_amount
        if fact.change_pct is not None and previous:
            exact = change / previous * _HUNDRED
            figures = [(fact_ref(index, "change_pct"), -1), (fact_ref(index, "change_amount"), 1), (fact_ref(index, "amount"), 1)]
            if fact.previous_amount is not None:
                figures.append((fact_ref(index, "previous_amount"), 1))
            results.append(CheckResult(
                "fact_rate", None, None, fact.key, fact.page, exact.quantize(Decimal("0.0001")), fact.change_pct, _unit_of(fact.change_pct),
                _rate_agrees(fact.change_pct, change, previous, _unit_of(change), _previous_unit(fact)),
                f"{fact.key}: the rate {fact.change_pct}% = the change {_money(change)} over last year's {_money(previous)}", None, tuple(figures),
            ))
    stated: dict[str, list[int]] = defaultdict(list)
    for index, fact in enumerate(facts):
        if fact.amount is not None:
            stated[fact.key].append(index)
    for whole, parts in FACT_SUMS:
        named = [whole, *parts]
        if any(len({facts[i].amount for i in stated.get(key, [])}) != 1 for key in named):
            continue  # a figure not stated, or stated as two different ones: nothing to add up
        first = {key: stated[key][0] for key in named}
        total = facts[first[whole]]
        expected = sum((facts[first[part]].amount for part in parts), ZERO)
        allowed = max(_unit_of(facts[first[key]].amount) for key in named)
        results.append(CheckResult(
            "fact_sum", None, None, whole, total.page, expected, total.amount, allowed, abs(expected - total.amount) <= allowed,
            f"{whole} = {' + '.join(parts)}", None,
            tuple([(fact_ref(i, "amount"), -1) for i in stated[whole]] + [(fact_ref(i, "amount"), 1) for part in parts for i in stated[part]]),
        ))
    return results + _outline_sums(facts, sentences)


# How the prose numbers its parts, outermost first: 一、 › （一） › 1. › （1）
_PROSE_OUTLINE = (
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d+[.．、](?!\d)"),
    re.compile(r"^[（(]\d+[)）]"),
)


def _prose_level(sentence: str) -> int | None:
    return next((level for level, marker in enumerate(_PROSE_OUTLINE) if marker.match(sentence)), None)


def _outline_sums(facts: list[Fact], sentences: list[str]) -> list[CheckResult]:
    """``fact_outline_sum``: a numbered sentence's figure = the sum of the figures of the sentences
    numbered one level below it, up to the next sentence numbered at its level or above
    (（一）本年财政拨款收入101,673.03万元 = 1.一般公共预算拨款收入 + 2.… + 3.…).  Each sentence
    counts by its first figure; a numbered sentence without one (a heading) still ends the
    parts above it, and where a part states no figure there is nothing to add up."""
    first: dict[str, int] = {}  # a sentence's text → its first fact with an amount
    for index, fact in enumerate(facts):
        if fact.amount is not None:
            first.setdefault(fact.sentence, index)
    numbered = [(level, first.get(text)) for text in sentences if (level := _prose_level(text)) is not None]
    results = []
    for k, (level, index) in enumerate(numbered):
        if index is None:
            continue
        below = []
        for later_level, later in numbered[k + 1 :]:
            if later_level <= level:
                break
            below.append((later_level, later))
        parts = [later for later_level, later in below if later_level == min((l for l, _ in below), default=None)]
        if not parts or None in parts:
            continue
        whole = facts[index]
        expected = sum((facts[i].amount for i in parts), ZERO)
        allowed = max(_unit_of(facts[i].amount) for i in (index, *parts))
        results.append(CheckResult(
            "fact_outline_sum", None, None, whole.key, whole.page, expected, whole.amount, allowed, abs(expected - whole.amount) <= allowed,
            f"{whole.sentence[:24]}… = the sum of the {len(parts)} numbered below it", None,
            ((fact_ref(index, "amount"), -1), *((fact_ref(i, "amount"), 1) for i in parts)),
        ))
    return results
