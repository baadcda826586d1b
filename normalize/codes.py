"""Classification codes: 类/款/项 parts → one code, its level and parent.

Function codes (支出功能分类) are 3+2+2 digits, economic codes (支出经济分类)
3+2(+2); both concatenate their parts, so ``201``+``03``+``01`` is
``2010301`` and ``301``+``01`` is ``30101``.
"""

from __future__ import annotations

import re
import unicodedata

# Digits followed by 年/月/% are a year or a figure inside a name, not a code.
_LEADING_CODE = re.compile(r"^\s*[\[【（(]?\s*(\d{2,7})(?![\d年月日%.])\s*[\]】）)]?\s*[-－—:：]?\s*(.*)$", re.S)
_LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}
# Income codes start 1, function codes 2, economic codes 3 (部门) or 5 (政府):
# digits leading a name that start otherwise (95128助老服务热线) are part of it.
CLASSIFICATION_FIRST_DIGITS = "1235"
# Six digits is no classification code: it numbers a (sub-)unit (125001).
UNIT_CODE_DIGITS = 6


def split_leading_code(text: str) -> tuple[str | None, str]:
    """``"201 一般公共服务支出"`` → ``("201", "一般公共服务支出")``; no code → ``(None, text)``."""
    text = unicodedata.normalize("NFKC", text or "")
    match = _LEADING_CODE.match(text)
    if not match:
        return None, text.strip()
    return match[1], match[2].strip()


def code_level(code: str) -> int | None:
    return _LEVEL_BY_LENGTH.get(len(code))


def parent_code(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def fill_down_codes(parts_by_row: list[tuple[str, ...]]) -> list[str | None]:
    """Join each row's printed code parts, inheriting the leading parts a row leaves blank.

    ``[("201","",""), ("","03",""), ("","","01")]`` → ``["201", "20103", "2010301"]``:
    a child row that prints only 款 or 项 takes 类 (and 款) from the row above.
    A row with no part at all has no code.  A single code column is one part;
    there a two-digit 款 under a 类 (``208`` then ``05``) is completed to
    ``20805`` where the column prints its 项 in full or the 款 follows its 类
    directly, and is left as printed where it could be a 款 or a 项.  A 款 or
    项 column printing one digit (``2``) means ``02``.
    """
    codes: list[str | None] = []
    previous = category = ""
    widths = (3, 2, 2)
    rows = [[re.sub(r"\D", "", unicodedata.normalize("NFKC", p or "")) for p in parts] for parts in parts_by_row]
    items_in_full = any(len(d) == 7 for digits in rows if len(digits) == 1 for d in digits)
    for parts, digits in zip(parts_by_row, rows):
        if not any(digits):
            codes.append(None)
            continue
        if len(parts) == 1:
            code = digits[0]
            if len(code) == UNIT_CODE_DIGITS:
                previous = category = ""  # a sub-unit's row: its classification starts afresh
            elif len(code) == 2 and category and (items_in_full or previous == category):
                # 西安: 208 | 05 | 2080505 — the 款 printed as its own two digits under its 类
                code = category + code
            elif len(code) == 3:
                category = code
        else:
            first = next(i for i, d in enumerate(digits) if d)
            inherited = previous[: sum(widths[:first])]
            if len(inherited) < sum(widths[:first]):
                codes.append(None)
                continue
            # a 款 or 项 printed without its leading zero (普陀: 301 | 2 津贴补贴) is still two digits
            code = inherited + "".join(d.zfill(widths[i]) if i else d for i, d in enumerate(digits) if i >= first and d)
        codes.append(code)
        previous = code
    return codes
