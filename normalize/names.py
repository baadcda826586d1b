"""Row labels: wrapped names re-joined, outline prefixes read, totals told apart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_WRAP_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z])[ \t]*\n\s*(?=[A-Za-z])")
_WRAP = re.compile(r"[ \t]*\n\s*")

# (kind, pattern) in the order they are tried; the kind names an outline level
# family, the depth of each family is decided by the order a table uses them.
_OUTLINE_PREFIXES = (
    ("chinese", re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*")),
    ("paren_chinese", re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*")),
    ("arabic", re.compile(r"^\d{1,2}\s*[.、．](?!\d)\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*\d{1,2}\s*[）)]\s*")),
    ("of_which", re.compile(r"^其中\s*[:：]\s*")),
)
_SUBTOTAL_SUFFIX = re.compile(r"[（(]\s*小计\s*[）)]$")
_TOTAL_LABEL = re.compile(r"^(本年|当年)?(收入|支出)?(合计|总计|小计)[:：]?$")


def clean_name(text: str | None) -> str:
    """One printed name: line wraps (``\n``) joined, whitespace next to Chinese dropped.

    A wrap is no space (``企业科202`` / ``6年`` is ``企业科2026年``) except
    between two Latin words.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    text = _WRAP_BETWEEN_WORDS.sub(" ", text)
    text = _WRAP.sub("", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return re.sub(r"\s+", " ", text)


def join_wrapped(lines: list[str]) -> str:
    """Lines of one cell → one string, with no stray space at a wrap."""
    return clean_name("\n".join(line.strip() for line in lines if line.strip()))


def split_outline(label: str) -> tuple[str | None, str]:
    """``"一、本年收入"`` → ``("chinese", "本年收入")``; no prefix → ``(None, label)``.

    Prefixes can stack (``其中：（一）因公出国``): all are removed, and the
    numbering, not the 其中, decides the kind.
    """
    kinds = []
    stripped = True
    while stripped:
        stripped = False
        for kind, pattern in _OUTLINE_PREFIXES:
            match = pattern.match(label)
            if match and match.end() < len(label):
                kinds.append(kind)
                label = label[match.end():]
                stripped = True
                break
    numbered = [k for k in kinds if k != "of_which"]
    return (numbered[-1] if numbered else (kinds[-1] if kinds else None)), label


def strip_subtotal_suffix(label: str) -> str:
    """``"公务用车购置及运行维护费（小计）"`` → ``"公务用车购置及运行维护费"``."""
    return _SUBTOTAL_SUFFIX.sub("", label)


def is_total_label(label: str) -> bool:
    """合计 / 总计 / 小计 rows (``收入总计``, ``支出合计：``), not items that happen to contain the word."""
    return bool(_TOTAL_LABEL.match(re.sub(r"\s+", "", label)))


def meaningful_indents(indents: list[float | None]) -> bool:
    """Indentation says something only when names are left-aligned at a few
    distinct offsets; centred names start anywhere."""
    steps = {round(i / 2) for i in indents if i is not None}
    return 2 <= len(steps) <= 5


def outline_levels(kinds: list[str | None], indents: list[float | None] | None = None) -> list[int]:
    """Depth of each row in a printed outline, from its prefix kind.

    A kind met for the first time opens a level below the previous row; a
    kind met before returns to its level.  A row with no prefix sits one
    level below a numbered heading (``一、财政拨款`` › ``一般公共预算``) and
    beside a previous unnumbered or ``其中`` row (``其中：一般财力`` ›
    ``上级转移支付``) — unless the names are nested by indentation alone
    (深圳: ``一、一般公共服务支出`` › ``信访事务`` › ``行政运行``), where a
    deeper indent goes one level down and a shallower one back up.
    """
    indents = indents if indents and meaningful_indents(indents) else [None] * len(kinds)
    levels: list[int] = []
    depth_of: dict[str, int] = {}
    for n, kind in enumerate(kinds):
        previous_kind = kinds[n - 1] if n else None
        previous_level = levels[-1] if levels else 0
        indent, previous_indent = indents[n], (indents[n - 1] if n else None)
        if kind is None:
            if n and previous_kind in (None, "of_which") and indent is not None and previous_indent is not None and abs(indent - previous_indent) > 2:
                if indent > previous_indent:
                    level = previous_level + 1
                else:
                    level = next((levels[m] for m in range(n - 1, -1, -1) if indents[m] is not None and indents[m] <= indent + 2), 1)
            elif levels and previous_kind not in (None, "of_which"):
                level = previous_level + 1
            else:
                level = max(previous_level, 1)
        elif kind in depth_of:
            level = depth_of[kind]
            depth_of = {k: d for k, d in depth_of.items() if d <= level}
        else:
            level = previous_level + 1
            depth_of[kind] = level
        levels.append(level)
    return levels


class _TooManyTries(Exception):
    pass


def nest_by_sums(values: list[Decimal | None], total: Decimal, max_steps: int = 20000) -> list[int] | None:
    """Depths (1 = directly under the total) that make every row the sum of the rows nested under it.

    西安's project lists print 通用项目 › 办公用房物业管理服务项目 › 食堂包厨服务
    in one column with nothing to show the nesting; only the figures tell
    it.  Rows are taken in order, each first as a leaf, then as the parent
    of the rows after it, so a flat list stays flat.  None when no nesting
    adds up (the checks then report the flat reading) or the search is too long.
    """
    n = len(values)
    steps = [0]
    dead: set[tuple[int, Decimal, bool]] = set()  # (row, remaining, top level) that no rows can make up

    def parses(i: int, remaining: Decimal, depth: int) -> Iterator[list[int]]:
        """Every way rows from ``i`` make up ``remaining`` at ``depth``, leaves first."""
        steps[0] += 1
        if steps[0] > max_steps:
            raise _TooManyTries
        key = (i, remaining, depth == 1)
        if key in dead:
            return
        if remaining == 0 and (depth > 1 or i == n):
            yield []
            return
        found = False
        if i < n and values[i] is not None and values[i] <= remaining:
            value = values[i]
            for rest in parses(i + 1, remaining - value, depth):
                found = True
                yield [depth, *rest]
            if value > 0:
                for children in parses(i + 1, value, depth + 1):
                    if children:
                        for rest in parses(i + 1 + len(children), remaining - value, depth):
                            found = True
                            yield [depth, *children, *rest]
        if not found:
            dead.add(key)

    try:
        return next(parses(0, total, 1), None) if n else None
    except _TooManyTries:
        return None
