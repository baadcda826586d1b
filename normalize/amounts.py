"""Printed amounts → exact Decimals in 万元."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_ZERO_MARKS = {"-", "—", "–", "－", "--", "——", "0", "/"}
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<digits>\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+)$")
# Every separator but the last splits groups of three and the last stands before one or two
# digits: the last is the decimal point, whichever mark was printed or read (OCR reads
# 4,728.00 as 4.728.00; some exports print 4.728,00).  Unambiguous, so read; 4.728 is not.
_MIXED_SEPARATORS = re.compile(r"^(?P<sign>[-+]?)(?P<whole>\d{1,3}(?:[.,]\d{3})+)[.,](?P<fraction>\d{1,2})$")
_SPACES = re.compile(r"\s+")
_SEPARATOR = re.compile("[.,]")
UNIT_FACTORS = {"万元": 0, "元": -4, "千元": -1, "亿元": 4}


class AmountError(ValueError):
    """A cell that should hold a figure holds something else."""


def parse_amount(text: str | None) -> Decimal | None:
    """Read one printed amount exactly.

    Blank is ``None`` (no line); ``-`` and ``0.00`` are zero.  Thousands
    separators, full-width digits, spaces or line breaks inside the number,
    a leading minus and accounting parentheses are all read, and so is a
    decimal point printed or read as a comma where the grouping settles it.
    """
    if text is None:
        return None
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if not cleaned:
        return None
    if cleaned in _ZERO_MARKS:
        return Decimal("0")
    if len(cleaned) > 1 and cleaned[-1] in ".," and cleaned[-2].isdigit():
        cleaned = cleaned[:-1]  # a stray mark after the last digit (a speck OCR reads as "."): the digits are whole
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    match = _NUMBER.match(cleaned)
    if not match and (mixed := _MIXED_SEPARATORS.match(cleaned)):
        match = _NUMBER.match(f"{mixed['sign']}{_SEPARATOR.sub('', mixed['whole'])}.{mixed['fraction']}")
    if not match:
        raise AmountError(f"not an amount: {text!r}")
    try:
        value = Decimal(match["digits"].replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise AmountError(f"not an amount: {text!r}") from exc
    if negative or match["sign"] == "-":
        value = -value
    return value


@lru_cache(maxsize=16384)  # the table readers ask again and again of the same cells
def looks_like_amount(text: str) -> bool:
    """True for a cell that parses as a non-blank figure."""
    try:
        return parse_amount(text) is not None
    except AmountError:
        return False


def to_wanyuan(value: Decimal, unit: str) -> Decimal:
    """Convert exactly (a shift of the decimal point, never a rounding)."""
    return value.scaleb(UNIT_FACTORS[unit])
