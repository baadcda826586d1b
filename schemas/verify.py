"""OCR figures vouched for by the arithmetic, or flagged.

A digit OCR misreads breaks the identities its figure takes part in (a 类
equals the sum of its 款, a total the sum of its rows, t02 ties to t03, this
year is last year plus the change); a figure read right keeps them.  So:

- an OCR figure in at least one identity that holds, and in none that fails,
  is verified (``ocr_verified`` in lines/ and facts/), unless its column's
  header names no known key (``other:``): OCR may have misread the header;
- every other OCR figure gets a failed check ``ocr_unverified`` that says
  why: no identity covers it, or which identities fail;
- where changing one digit of it (or restoring a decimal point OCR lost)
  would make every identity it takes part in hold, and no other figure of a failing identity could mend as many of the
  failing identities that way, the check proposes that reading
  (``expected``).  Nothing is ever changed.

Which figures a check compares, and on which side, travels with the check
(``CheckResult.figures``), so this module needs no knowledge of the tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from budgetpdf.schemas.facts import OTHER_PREFIX
from budgetpdf.schemas.records import CheckResult, Fact, Line, fact_ref, figure_ref

# Checks whose residual (expected - actual) moves by exactly a figure's change: a
# single-digit correction can be tested against them without computing them again.
LINEAR_CHECKS = frozenset({"code_sum", "outline_sum", "total_sum", "row_identity", "total_tie", "fact_change", "fact_sum", "fact_outline_sum"})
_FACT_FIELDS = ("amount", "previous_amount", "change_amount", "change_pct")


def _one_slip_changes(value: Decimal) -> list[Decimal]:
    """How far every reading one OCR slip away from ``value`` lies: one digit changed (same
    digits and decimals), or a decimal point lost (558 for 5.58, 26128 for 261.28)."""
    sign, digits, exponent = value.as_tuple()
    changes = [value.scaleb(-places) - value for places in (1, 2) if exponent == 0 and len(digits) > places]
    for position, digit in enumerate(digits):
        for other in range(10):
            if other == digit or (other == 0 and position == 0 and len(digits) > 1):
                continue
            changed = Decimal((sign, digits[:position] + (other,) + digits[position + 1 :], exponent))
            changes.append(changed - value)
    return changes


def _holds(check: CheckResult, sign: int, delta: Decimal) -> bool:
    residual = (check.expected - check.actual) + sign * delta
    return abs(residual) <= (check.tolerance or Decimal(0))


def _proposal(value: Decimal, scale: Decimal, checks: list[tuple[CheckResult, int]]) -> Decimal | None:
    """The one reading a slip away from ``value`` (as printed; ``scale`` turns it into the
    checks' 万元) that makes every check hold, if exactly one does."""
    if not checks or any(
        check.check not in LINEAR_CHECKS or check.expected is None or check.actual is None or sign == 0 for check, sign in checks
    ):
        return None
    fits = [value + delta for delta in _one_slip_changes(value) if all(_holds(check, sign, delta * scale) for check, sign in checks)]
    return fits[0] if len(fits) == 1 else None


_ONE = Decimal(1)


def fact_figures(fact: Fact) -> int:
    """How many figures one fact states: its amount, last year's, the change and the rate, where printed."""
    return sum(getattr(fact, field) is not None for field in _FACT_FIELDS)


def _ocr_figures(lines: list[Line], facts: list[Fact]) -> dict[tuple, tuple[Decimal, Decimal, str, int | None]]:
    """Every OCR figure: its reference → (value as printed, 万元 per printed unit, how to name it, page)."""
    figures = {}
    for line in lines:
        if line.ocr:
            where = f"{line.table_id} row {line.row_no} {line.column}"
            printed = line.printed if line.printed is not None else line.amount
            scale = line.amount / printed if printed else _ONE
            figures[figure_ref(line)] = (printed, scale, where, line.page)
    for index, fact in enumerate(facts):
        if not fact.ocr:
            continue
        for field in _FACT_FIELDS:
            value = getattr(fact, field)
            if value is not None:
                figures[fact_ref(index, field)] = (value, _ONE, f"{fact.key} {field} (prose, page {fact.page})", fact.page)
    return figures


def vouch(lines: list[Line], facts: list[Fact], checks: list[CheckResult]) -> tuple[list[Line], list[Fact], list[CheckResult]]:
    """The lines and facts with ``ocr_verified`` set, and an ``ocr_unverified`` check per OCR figure not vouched for."""
    figures = _ocr_figures(lines, facts)
    if not figures:
        return lines, facts, []
    taking_part: dict[tuple, list[tuple[CheckResult, int]]] = defaultdict(list)
    for check in checks:
        counted = defaultdict(int)
        for ref, _ in check.figures:
            counted[ref] += 1
        for ref, sign in check.figures:
            if ref in figures and counted[ref] == 1:
                taking_part[ref].append((check, sign))
            elif ref in figures:
                taking_part[ref].append((check, 0))  # named twice (a fact repeated): vouched for, never corrected
    # a figure under a header OCR read as no known column may be a known column misread: its
    # arithmetic can hold while the column it is filed under is wrong
    unnamed = {ref for ref in figures if ref[0] == "line" and ref[7].startswith(OTHER_PREFIX)}
    verified = {ref for ref in figures if taking_part[ref] and all(check.passed for check, _ in taking_part[ref])} - unnamed
    unverified = [ref for ref in figures if ref not in verified]
    proposals = {ref: _proposal(figures[ref][0], figures[ref][1], taking_part[ref]) for ref in unverified}
    # Of the figures whose one-digit reading would mend a failing identity, the one whose reading
    # mends the most failing identities is proposed; where several mend as many, none is: the
    # arithmetic does not say which digit OCR misread.
    def mended(ref: tuple) -> int:
        return sum(not check.passed for check, _ in taking_part[ref])

    failing_checks = {id(check): check for ref in unverified for check, _ in taking_part[ref] if not check.passed}
    dropped = set()
    for check in failing_checks.values():
        menders = [ref for ref, _ in check.figures if proposals.get(ref) is not None]
        best = max(map(mended, menders), default=0)
        winners = [ref for ref in menders if mended(ref) == best]
        dropped.update(ref for ref in menders if len(winners) > 1 or ref not in winners)
    for ref in dropped:
        proposals[ref] = None
    flags = []
    for ref in unverified:
        value, _, where, page = figures[ref]
        failing = [check for check, _ in taking_part[ref] if not check.passed]
        proposal = proposals[ref]
        if ref in unnamed:
            message = f"{where}: {value} read by OCR under a header that names no known column; the column may be misread"
        elif not taking_part[ref]:
            message = f"{where}: {value} read by OCR; no identity covers it, so nothing vouches for it"
        else:
            named = "; ".join(f"{check.check} {check.message}" for check in failing[:3]) + (" …" if len(failing) > 3 else "")
            message = f"{where}: {value} read by OCR takes part in {len(failing)} failing identit{'y' if len(failing) == 1 else 'ies'} ({named})"
            if proposal is not None:
                message += f"; reading {proposal} instead (one digit, or a lost decimal point) would make every identity it takes part in hold: not applied"
        flags.append(CheckResult(
            "ocr_unverified", ref[1] if ref[0] == "line" else None, ref[6] if ref[0] == "line" else None, ref[7] if ref[0] == "line" else ref[2], page,
            proposal, value, None, False, message, ref[2] if ref[0] == "line" else None, ((ref, -1),),
        ))
    lines = [replace(line, ocr_verified=figure_ref(line) in verified) if line.ocr else line for line in lines]
    facts = [
        replace(fact, ocr_verified=all(fact_ref(i, f) in verified for f in _FACT_FIELDS if getattr(fact, f) is not None)) if fact.ocr else fact
        for i, fact in enumerate(facts)
    ]
    return lines, facts, flags
