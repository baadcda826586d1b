"""Sentences → the figures they state, exact and keyed; pure.

Within a sentence the figures are read in order.  A money figure opens a
fact, named by the words before it in its clause; the figures after it
that compare it with last year belong to it: ``比上年…`` before a figure
makes it the previous amount, a change word (增加, 减少, 增长, 下降) the
change, a percentage after a change word the rate, and 持平 a change of
zero.  A change stated alone (比上年预算增加 5.89 万元) is a fact with no
amount.  Words that name nothing (2026 年预算数为) hand the naming to the
sentence's first clause, then to the heading above the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from budgetpdf.normalize.amounts import UNIT_FACTORS, parse_amount, to_wanyuan
from budgetpdf.schemas.facts import OTHER_PREFIX, OUTLINE_MARKER, SHARE_OF, match_fact_key, unit_of_section
from budgetpdf.schemas.records import Fact, Sentence

_MONEY = re.compile(r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>亿元|万元|千元|元)(?!(?:[（(]含[)）])?及?(?:以上|以下)|/|每)")
_PERCENT = re.compile(r"(?<![\d.])(?P<number>\d+(?:\.\d+)?)[%％]")
_FLAT = re.compile(r"持平|与(?:上年|去年|20\d\d年)[^，,；;。]{0,10}?(?:一致|相同|相等)|无变化|没有变化|未发生变化")
# not 、 (收入、支出预算总计 is one name), nor a thousands separator
_CLAUSE_END = re.compile(r"[，；;：:。！？]|,(?!\d{3}(?!\d))")
_CHANGE = re.compile(r"(?P<word>增加|增长|上升|提高|上涨|减少|下降|降低|压减|缩减|节约|回落|增|减)(?:了|额|幅|额为|幅为|幅度为|为)?$")
_DOWN = frozenset({"减少", "下降", "降低", "压减", "缩减", "节约", "回落", "减"})
_COMPARED = re.compile(r"与(?:上年|去年|上一年|20\d\d年)|比|较|同比|相比|上年|去年|上一年")
_MARKER = re.compile(rf"^(?:{OUTLINE_MARKER}|其中|包括|(?:主要)?原因(?:是|为|主要是)?|主要(?:包括|是|有)?|分别(?:是|为)?|[:：，,、])+")
_YEAR = re.compile(r"截至?20\d\d年(?:底|末)?|20\d\d年度?")
_TRAILING = re.compile(r"(?:为|是|达|约|的|[:：。；;，,])+$")
_GENERIC = re.compile(r"^(?:本部门|部门|单位|本单位|我单位|全年|本年度?)?(?:年初)?(?:预算|决算)?(?:数|安排|金额|资金|总额|合计|共计|总计)?$")
_MAX_OTHER = 80  # characters of an other:<words> key
_UNNAMED = OTHER_PREFIX + "?"
_LIST = re.compile(r"其中|包括")  # what opens a list of a figure's parts
_UNIT_AFTER = r"(?![\u4e00-\u9fff]{0,12}?(?:管理局|分局|中心|管理处|大队|支队|站|所|院|馆))"
# A year that dates a figure (2025年预算数), not one that names a fund (2025年边境地区转移支付结转).
_FIGURE_YEAR = re.compile(r"(20\d\d)年度?(?=年初|全年|预算|决算|财政拨款|部门|本部门|本单位|一般公共预算|政府性基金|[“\"]?三公|收入|支出|实际)")
# A figure named by what it measures alone (…全年预算数160000万元，执行数160000万元): the item is the sentence's or the heading's
_MEASURE = re.compile(r"^(?:支出|收入)?(?:决算数?|执行数|实际(?:支出|执行)?数?|完成数|预算数?|年初预算数?|全年预算数?)$")
# Words that name a figure only with the clause before them: 价值 (房屋2,295.60平方米，价值…), 涉及…
_NEEDS_CONTEXT = re.compile(r"^(?:价值|金额|资金|涉及|占用|用于)")
_COUNTED = re.compile(r"[\d,.]+(?:万元|亿元|元|平方米|辆|台|套|个|人|项|%)?")


@dataclass(frozen=True)
class FactParams:
    year: int | None = None  # the budget year: an earlier year in a sentence is last year's figure
    department: str | None = None


@dataclass(frozen=True)
class _Token:
    kind: str  # money, percent, flat
    start: int
    end: int
    value: Decimal = Decimal(0)
    precision: Decimal | None = None


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _MONEY.finditer(text):
        number = parse_amount(match["number"])
        exponent = number.as_tuple().exponent
        tokens.append(_Token("money", match.start(), match.end(), to_wanyuan(number, match["unit"]),
                             Decimal(1).scaleb(exponent + UNIT_FACTORS[match["unit"]])))
    tokens += [_Token("percent", m.start(), m.end(), parse_amount(m["number"])) for m in _PERCENT.finditer(text)]
    tokens += [_Token("flat", m.start(), m.end()) for m in _FLAT.finditer(text)]
    return sorted(tokens, key=lambda token: token.start)


def stated_figures(text: str) -> list[Decimal]:
    """The money figures a sentence prints, in 万元: a fact's figure is one of them."""
    return [token.value for token in _tokens(text) if token.kind == "money"]


def naming_words(words: str, params: FactParams) -> str:
    """The words that name a figure, without numbering, years, the department or filler."""
    if params.department:  # the department's name, not where it begins a unit's (深圳市生态环境局龙岗管理局)
        words = re.sub(re.escape(params.department) + _UNIT_AFTER, "", words)
    words = _YEAR.sub("", words)
    words = _MARKER.sub("", words)
    return _TRAILING.sub("", words)


def _is_generic(words: str) -> bool:
    return bool(_GENERIC.match(words))


def _key_for(candidates: list[str], params: FactParams, opening: bool = True, heading: str | None = None) -> str:
    """The key of the first candidate that names something: a registry key, else other:<its words>."""
    for words in candidates:
        named = naming_words(words, params)
        if _is_generic(named):
            continue
        fact_key = match_fact_key(named, params.department, opening, heading)
        return fact_key.key if fact_key else OTHER_PREFIX + named[:_MAX_OTHER]
    return _UNNAMED  # nothing names it: the caller may know better


def _earlier_year(words: str, params: FactParams) -> bool:
    years = [int(y) for y in _FIGURE_YEAR.findall(words)]
    return bool(params.year and years and max(years) < params.year)


def _in_context(prefix: str, text: str, clause_start: int, params: FactParams) -> str:
    """The naming words, with the clause before them where they need it (房屋…，价值 → 房屋价值)."""
    if not _NEEDS_CONTEXT.match(naming_words(prefix, params)) or clause_start == 0:
        return prefix
    before = _CLAUSE_END.split(text[: clause_start - 1])[-1]
    return _COUNTED.sub("", before) + prefix


def sentence_to_facts(sentence: Sentence, params: FactParams = FactParams(), last_key: str | None = None,
                      unit: str | None = None) -> list[Fact]:
    """Every money figure the sentence states, with what it says of last year.

    ``last_key``: the key of the last figure the sentence before stated; a
    sentence that only compares (与上年相比增加 1,203.44 万元) speaks of it.
    ``unit``: the unit the sentence's section is about, when not the department."""
    reader = _SentenceReader(sentence, params, last_key, unit)
    position = 0
    for token in _tokens(sentence.text):
        clause_start = max([position, *(m.end() for m in _CLAUSE_END.finditer(sentence.text, 0, token.start))])
        position = token.end
        reader.read(token, clause_start)
    return _once_each(reader.facts)


class _SentenceReader:
    """The facts of one sentence, figure by figure; ``current`` is the fact later figures belong to."""

    def __init__(self, sentence: Sentence, params: FactParams, last_key: str | None, unit: str | None) -> None:
        self.sentence, self.params, self.last_key, self.unit = sentence, params, last_key, unit
        subject = _CLAUSE_END.split(sentence.text, 1)[0]
        first_figure = _MONEY.search(subject)
        subject = subject[: first_figure.start()] if first_figure else subject
        self.subject = re.split(_COMPARED, subject, maxsplit=1)[0]
        self.fallbacks = [self.subject, sentence.heading or ""]
        self.facts: list[Fact] = []
        self.current: int | None = None
        self._last_end = -1
        self._token_start = 0
        self._starts: list[int] = []  # where each fact's figure stands in the sentence

    def read(self, token: _Token, clause_start: int) -> None:
        prefix = self.sentence.text[clause_start : token.start]
        change = _CHANGE.search(prefix)
        self._token_start = token.start
        try:
            self._read(token, prefix, change, clause_start)
        finally:
            self._last_end = token.end

    def _read(self, token: _Token, prefix: str, change: re.Match | None, clause_start: int) -> None:
        if token.kind == "flat":
            self._update(change_amount=Decimal(0), change_pct=Decimal(0))
        elif token.kind == "percent":
            if change:
                self._update(change_pct=_signed(token.value, change["word"]))
            elif re.fullmatch(r"[（(]", prefix) and self._changed_just_before(clause_start):  # 增加14.99万元（810.27%）
                change_amount = self.facts[self.current].change_amount
                self._update(change_pct=-token.value if change_amount < 0 else token.value)
        elif change:
            self._read_change(token, prefix, change)
        elif self._is_last_years(prefix):
            self._update(previous_amount=token.value)
        else:
            self._read_figure(token, prefix, clause_start)

    def _update(self, **fields: Decimal) -> None:
        """Fill what the current fact does not state yet."""
        if self.current is None:
            return
        fact = self.facts[self.current]
        unset = {name: value for name, value in fields.items() if getattr(fact, name) is None}
        self.facts[self.current] = replace(fact, **unset)

    def _changed_just_before(self, position: int) -> bool:
        """The figure right before ``position`` was the current fact's change."""
        return self.current is not None and self.facts[self.current].change_amount is not None and position == self._last_end

    def _is_last_years(self, prefix: str) -> bool:
        """比2025年年初预算数 X 万元 after this year's figure: the figure it is compared with."""
        compared = _COMPARED.search(prefix) or _earlier_year(prefix, self.params)
        return bool(
            compared and self.current is not None and self.facts[self.current].previous_amount is None
            and not match_fact_key(naming_words(prefix, self.params))
        )

    def _read_change(self, token: _Token, prefix: str, change: re.Match) -> None:
        value = _signed(token.value, change["word"])
        words = re.split(_COMPARED, prefix[: change.start()], maxsplit=1)[0]
        current = self.facts[self.current] if self.current is not None else None
        if current is not None and _is_generic(naming_words(words, self.params)) and current.change_amount is None:
            self._update(change_amount=value)
            return
        spoken_of = [words, self.subject] if self.last_key and not self.facts else [words, *self.fallbacks]
        key = _key_for(spoken_of, self.params)
        key = self.last_key if key == _UNNAMED and self.last_key else key
        self._add(Fact(key, None, None, value, None, self.sentence.pages[token.start], self.sentence.text))

    def _read_figure(self, token: _Token, prefix: str, clause_start: int) -> None:
        text, params = self.sentence.text, self.params
        if _earlier_year(prefix, params):  # 2025年财政拨款预算支出 X 万元, nothing of this year's beside it: last year's own figure
            key = OTHER_PREFIX + _MARKER.sub("", prefix.replace(params.department, "") if params.department else prefix)[:_MAX_OTHER]
        else:
            opening = not any(fact.amount is not None for fact in self.facts)
            key = _key_for([_in_context(prefix, text, clause_start, params), *self.fallbacks], params, opening, self.sentence.heading)
            named = naming_words(prefix, params)
            whole = self._unnamed_whole(token.start)
            unit = self.unit
            if whole and not key.startswith(OTHER_PREFIX):  # 对个人和家庭的补助（303）…，其中：人员经费 is that class's, not the department's
                key = f"{whole.key}/{named}"
            elif unit and not key.startswith(OTHER_PREFIX):  # under 十三、深圳市智慧水务综合指挥调度和保障中心: that unit's
                key = f"{OTHER_PREFIX}{unit}/{named}"
            elif SHARE_OF.search(text[: token.start]) and not key.startswith(OTHER_PREFIX):  # 涉及…A万元，…B万元: each a share
                key = OTHER_PREFIX + named[:_MAX_OTHER]
            elif not opening and _MEASURE.match(named):  # 年初预算1767.57万元，支出决算2,579.18万元: the item's 支出决算
                item = next((naming_words(words, params) for words in self.fallbacks if not _is_generic(naming_words(words, params))), None)
                key = f"{OTHER_PREFIX}{item}/{named}" if item else key
        self._add(Fact(key, token.value, None, None, None, self.sentence.pages[token.start], text, token.precision))

    def _add(self, fact: Fact) -> None:
        self.facts.append(fact)
        self._starts.append(self._token_start)
        self.current = len(self.facts) - 1

    def _unnamed_whole(self, start: int) -> Fact | None:
        """The figure a 其中 (包括) list before ``start`` belongs to, when the vocabulary does not name it:
        深圳市生态环境局龙岗管理局预算12,594.20万元，包括…公用经费597.49万元 is the unit's 公用经费."""
        lists = [m.start() for m in _LIST.finditer(self.sentence.text, 0, start)]
        if not lists:
            return None
        wholes = [fact for fact, at in zip(self.facts, self._starts) if fact.amount is not None and at < lists[-1]]
        return wholes[-1] if wholes and wholes[-1].key.startswith(OTHER_PREFIX) else None


def _signed(value: Decimal, word: str) -> Decimal:
    return -value if word in _DOWN else value


def _once_each(facts: list[Fact]) -> list[Fact]:
    """The same figure twice in one sentence is one fact: 总额…，其中…合计 X, or a change
    repeated in the reason given for it (增加273.00万元…主要原因是…较上年增加273万元)."""
    seen: set[tuple] = set()
    changes: set[Decimal] = set()
    kept = []
    for fact in facts:
        identity = (fact.key, fact.amount, fact.change_amount)
        repeated = fact.amount is None and fact.key.startswith(OTHER_PREFIX) and fact.change_amount in changes
        if identity in seen or repeated:
            continue
        seen.add(identity)
        if fact.change_amount is not None:
            changes.add(fact.change_amount)
        kept.append(fact)
    return kept


def sentences_to_facts(sentences: list[Sentence], params: FactParams = FactParams()) -> list[Fact]:
    """The facts of the running text.  A heading that is a unit's name opens that unit's
    section when the sentence under it names the unit too (深圳: 十三、深圳市智慧水务综合
    指挥调度和保障中心 | 深圳市智慧水务综合指挥调度和保障中心预算5,397.13万元…), not when it
    is one of a list of the department's units."""
    facts: list[Fact] = []
    last_key = unit = heading = None
    for sentence in sentences:
        if sentence.heading != heading:
            heading = sentence.heading
            named = unit_of_section(heading, params.department)
            unit = named if named and named in sentence.text else None
        stated = sentence_to_facts(sentence, params, last_key, unit)
        facts += stated
        last_key = stated[-1].key if stated else None
    return facts
