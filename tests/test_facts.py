"""The prose as data: sentences → facts (pure), the running text → sentences, facts against the tables."""

import csv
from decimal import Decimal as D

import pytest

from budgetpdf.pipeline import process_document
from conftest import DIGITAL_GOLDENS
from budgetpdf.extract.prose import ProseLine, ProsePage, pages_to_sentences
from budgetpdf.normalize.facts import FactParams, sentence_to_facts, sentences_to_facts, stated_figures
from budgetpdf.schemas import Fact, Line
from budgetpdf.schemas.facts import FACT_KEYS, match_fact_key
from budgetpdf.schemas.validate import narrative_ties

PARAMS = FactParams(year=2026, department="北京市信访办公室")


def facts_of(text: str, heading: str | None = None, params: FactParams = PARAMS) -> list[tuple]:
    from budgetpdf.schemas.records import Sentence

    sentence = Sentence(text, tuple([7] * len(text)), heading)
    return [(f.key, f.amount, f.previous_amount, f.change_amount, f.change_pct) for f in sentence_to_facts(sentence, params)]


def test_a_total_with_last_year_its_change_and_rate():
    assert facts_of("2026年度收入预算9626.78万元，比2025年年初预算数9819.98万元减少193.20万元，下降1.97%。") == [
        ("income_total", D("9626.78"), D("9819.98"), D("-193.20"), D("-1.97"))
    ]


def test_parts_after_其中_each_get_their_key():
    text = "2026年北京市信访办公室部门政府采购预算总额1240.07万元，其中：政府采购货物预算12.50万元，政府采购工程预算0万元，政府采购服务预算1227.57万元。"
    assert [(k, a) for k, a, *_ in facts_of(text)] == [
        ("procurement_total", D("1240.07")), ("procurement_goods", D("12.50")), ("procurement_works", D("0")), ("procurement_services", D("1227.57")),
    ]


def test_units_are_converted_exactly():
    assert facts_of("支出预算1.2亿元。")[0][1] == D("12000.0")
    assert facts_of("公务接待费预算3,500.50元。")[0][:2] == ("sangong_reception", D("0.350050"))


def test_a_change_stated_alone_is_a_fact_without_amount():
    text = "2026年财政拨款“三公”经费预算比上年预算增加5.89万元，增长135.71%，其中：因公出国（境）费用增加0.00万元，增长0.00%"
    assert facts_of(text) == [
        ("sangong_total", None, None, D("5.89"), D("135.71")),
        ("sangong_abroad", None, None, D("0.00"), D("0.00")),
    ]


def test_unchanged_is_a_change_of_zero():
    assert facts_of("公务接待费预算支出28万元，本年数与上年预算数一致。") == [("sangong_reception", D("28"), None, D("0"), D("0"))]
    assert facts_of("机关运行经费预算30万元，与上年持平。")[0][3:] == (D("0"), D("0"))


def test_thresholds_and_rates_are_not_money_figures():
    assert facts_of("单价20万元（含）以上的设备4台，单价50万元以上大型设备0台。") == []
    assert facts_of("车辆租赁平均成本2.94万元/辆。") == []


def test_a_figure_the_sentence_does_not_name_takes_the_heading():
    assert facts_of("2026年预算数14.85万元，主要用于因公出国参加学习交流合作等方面。", heading="（一）因公出国（境）费用。") == [
        ("sangong_abroad", D("14.85"), None, None, None)
    ]


def test_a_sentence_that_only_compares_speaks_of_the_figure_before_it():
    from budgetpdf.schemas.records import Sentence

    first = Sentence("此外，基本支出预算数为9964.07万元。", (3,) * 19)
    second = Sentence("与上年相比增加941.62万元，增长10.44%。", (3,) * 22)
    facts = sentences_to_facts([first, second], FactParams(year=2017))
    assert [(f.key, f.amount, f.change_amount) for f in facts] == [("basic", D("9964.07"), None), ("basic", None, D("941.62"))]


def test_figures_that_are_not_the_departments_own_are_kept_under_other():
    params = FactParams(year=2022, department="西安市科学技术局")
    assert facts_of("西安市社会科学院公用经费预算60.57万元。", params=params)[0][0].startswith("other:")  # a unit's
    assert facts_of("2026年本部门委托业务费财政拨款预算为2,370.78万元。")[0][0] == "other:本部门委托业务费财政拨款预算"
    assert facts_of("项目支出均实行了绩效目标管理，涉及一般公共预算财政拨款58,397.75万元。")[0][0].startswith("other:")
    assert facts_of("无锡市信访局2025年财政拨款预算支出2,723.94万元。", params=FactParams(2026, "无锡市信访局"))[0][0].startswith("other:")


def test_a_bare_total_names_the_whole_only_as_the_sentences_first_figure():
    assert [k for k, *_ in facts_of("年初预算为1560.05万元，支出决算为1511.89万元。", heading="1.一般公共服务支出（类）")] == [
        "other:一般公共服务支出（类）", "other:一般公共服务支出（类）/支出决算",
    ]
    assert facts_of("支出预算9626.78万元。")[0][0] == "expenditure_total"


def test_shares_parts_of_a_unit_and_rates_in_brackets():
    # every figure listed after 涉及 is a share of the projects', not the department's
    shares = facts_of("本部门绩效目标管理全覆盖，涉及当年一般公共预算当年拨款57398.06万元，当年国有资本经营预算拨款0万元。")
    assert [k for k, *_ in shares] == ["other:本部门绩效目标管理全覆盖涉及当年一般公共预算当年拨款", "other:当年国有资本经营预算拨款"]
    # a unit's budget and what it includes (深圳's multi-unit documents)
    unit = facts_of("深圳市生态环境局龙岗管理局预算12,594.20万元，包括在职人员经费3,582.85万元、公用经费597.49万元。",
                    params=FactParams(2026, "深圳市生态环境局"))
    assert [k for k, *_ in unit][2] == "other:深圳市生态环境局龙岗管理局预算/公用经费"
    assert facts_of("公务用车运行维护费70万元，较上年增加70万元（100%），列入年初预算。")[0][3:] == (D("70"), D("100"))
    assert facts_of("2026年通过一般公共预算财政拨款安排的“三公”经费预算共23.4万元，比上年增加13万元，增长125％。")[0][0] == "sangong_total"
    assert facts_of("本部门当年预算收入2,838.42万元，其中：一般公共预算拨款2,838.42万元。")[0][0] == "income_total"


@pytest.mark.parametrize("words, key", [
    ("一般公共预算财政拨款收入", "general_budget"),
    ("政府性基金预算财政拨款收入", "gov_fund"),
    ("财政拨款收支总预算", "fiscal_appropriation"),
    ("收入、支出预算总计", "income_expenditure_total"),
    ("公务用车购置及运行维护费", "sangong_vehicle"),
    ("公务用车运行维护费预算支出", "sangong_vehicle_operation"),
    ("一般公共预算拨款安排的“三公”经费预算支出中", "sangong_total"),
    ("机关运行经费财政拨款预算", "operating_costs"),
    ("上年结转结余", "carryover"),
    ("年终结转结余资金", None),
    ("面向中小企业预留政府采购项目预算金额", None),
    ("一般公共预算拨款安排的会议费预算支出", None),
    ("事业收入", None),
])
def test_vocabulary(words, key):
    matched = match_fact_key(words)
    assert (matched.key if matched else None) == key


def test_keys_are_unique_and_documented():
    keys = [k.key for k in FACT_KEYS]
    assert len(keys) == len(set(keys))
    assert all(k.printed_as for k in FACT_KEYS)


def _line(text: str, top: float, x0: float = 90, x1: float = 505, typeface: tuple[str, int] = ("FangSong", 16)) -> ProseLine:
    return ProseLine(text, top, top + 16, x0, x1, typeface)


def test_sentences_run_over_page_breaks_without_page_numbers_and_headings_stand_alone():
    pages = [
        ProsePage(4, (_line("三、支出预算情况说明", 600, 122, 282),
                      _line("（一）基本支出。基本支出预算 7485.22 万元，占本年", 722, 122, 505),
                      _line("- 4 -", 766, 280, 315))),
        ProsePage(5, (_line("支出预算 77.75%。", 80, 90, 222), _line("- 5 -", 766, 280, 315))),
    ]
    sentences = pages_to_sentences(pages)
    assert [s.text for s in sentences] == ["三、支出预算情况说明", "（一）基本支出。", "基本支出预算7485.22万元，占本年支出预算77.75%。"]
    last = sentences[-1]
    assert last.pages[0] == 4 and last.pages[-1] == 5
    assert last.heading == "（一）基本支出。"


def _table_line(table_id: str, column: str, amount: str, item: str | None = None, side: str | None = None) -> Line:
    return Line(table_id, 9, 1, side, None, None, None, item, None, column, D(amount), item is None)


def _fact(key: str, amount: str, precision: str = "0.01") -> Fact:
    return Fact(key, D(amount), None, None, None, 3, "…", D(precision))


def test_narrative_ties_to_the_precision_the_sentence_prints():
    lines = [_table_line("t01", "budget", "1361.6271", side="income"), _table_line("t10", "total", "10.23"),
             _table_line("t10", "total", "4.00", item="公务接待费")]
    results = narrative_ties(
        [_fact("income_total", "1361", "1"), _fact("income_total", "1361.63"), _fact("income_total", "1362", "1"),
         _fact("income_total", "1361.61"), _fact("sangong_total", "10.23"), _fact("sangong_reception", "4.50"),
         _fact("other:会议费", "1.00")],
        lines,
    )
    assert [(r.table_id, r.passed) for r in results] == [
        ("t01", True), ("t01", True), ("t01", True), ("t01", False), ("t10", True), ("t10", False),
    ]
    assert results[-1].message == "sangong_reception: the prose says 4.50 万元 (page 3), t10 total 公务接待费 says 4.00 万元"


# --- the samples: every figure of the rendered 说明, exactly ---------------------------------------------

FACT_GOLDENS = [folder for folder in DIGITAL_GOLDENS if (folder / "facts.csv").exists()]


def _golden_facts(folder) -> list[tuple]:
    def value(text: str) -> D | None:
        return D(text) if text else None

    with open(folder / "facts.csv", encoding="utf-8") as handle:
        return [
            (row["key"], value(row["amount"]), value(row["previous_amount"]), value(row["change_amount"]), value(row["change_pct"]),
             int(row["page"]), row["sentence"])
            for row in csv.DictReader(handle)
        ]


@pytest.mark.parametrize("folder", FACT_GOLDENS, ids=lambda p: p.name)
def test_sample_facts_match_the_golden(folder):
    result = process_document(folder.with_name(folder.name.removesuffix(".expected") + ".pdf"))
    expected = _golden_facts(folder)
    actual = [(f.key, f.amount, f.previous_amount, f.change_amount, f.change_pct, f.page, f.sentence) for f in result.facts]
    assert actual == expected
    assert len(expected) > 70
    # the contract: the figure is in its sentence
    assert all((amount if amount is not None else abs(change)) in stated_figures(sentence) for _, amount, _, change, _, _, sentence in expected)


def test_the_reference_prose_ties_to_its_tables_but_one_sentence(reference_result):
    ties = [c for c in reference_result.checks if c.check == "narrative_tie"]
    assert len(ties) >= 15
    # 本部门2026年上年结转结余资金4460万元与当年财政拨款预算4728万元做在同一项目支出绩效目标表: the
    # prose names a part of the carryover (the projects sharing one target table) as 上年结转结余资金
    assert [(c.table_id, c.expected, c.actual) for c in ties if not c.passed] == [("t12", D("4481.94"), D("4460"))]


def test_documents_say_what_they_are_and_where_they_are_from(reference_result, tmp_path):
    from dataclasses import replace

    from samples.generate import render
    from samples.reference_2026 import REFERENCE
    from budgetpdf.schemas import Status

    record = reference_result.record
    assert (record.doc_form, record.status) == ("full", Status.OK)
    assert (record.province, record.city, record.county, record.division_code) == ("新疆维吾尔自治区", "乌鲁木齐市", None, "650100")

    prose_only = process_document(render(replace(REFERENCE, tables=(), other_grids=()), tmp_path / "prose_only.pdf"))
    assert (prose_only.record.doc_form, prose_only.record.status) == ("narrative_only", Status.OK)
    assert {"income_total", "expenditure_total", "sangong_total"} <= {f.key for f in prose_only.facts}
    assert not [c for c in prose_only.checks if c.check == "narrative_tie"]  # no table to tie to

    tables_only = process_document(render(replace(REFERENCE, narrative=(), facts=()), tmp_path / "tables_only.pdf"))
    assert (tables_only.record.doc_form, tables_only.record.status) == ("tables_only", Status.OK)
    assert not tables_only.facts


def test_a_semicolon_in_brackets_ends_no_sentence_and_the_prose_names_its_department():
    from budgetpdf.extract.prose import department_in_sentences

    pages = [ProsePage(3, (
        _line("江苏省政协办公厅2019年度收入、支出预算总计13,377.11万元（其中：财政拨款13,297.11万元；其他资金80万元），与上年相比增加。", 100),
        _line("江苏省政协办公厅2019年度财政拨款收、支预算13,297.11万元。", 130),
    ))]
    sentences = pages_to_sentences(pages)
    assert len(sentences) == 2 and sentences[0].text.endswith("与上年相比增加。")
    assert department_in_sentences(sentences) == "江苏省政协办公厅"
    assert department_in_sentences(sentences[:1]) is None  # once is not enough to name the department


def test_a_heading_set_in_another_typeface_stands_alone_though_it_fills_its_line():
    pages = [ProsePage(20, (
        _line("七、政府性基金预算财政拨款收入支出决算情况说明", 100, typeface=("SimHei", 16)),
        _line("2022年度政府性基金预算财政拨款收入决算509,220.66万元。", 130),
    ))]
    assert [s.text for s in pages_to_sentences(pages)] == [
        "七、政府性基金预算财政拨款收入支出决算情况说明", "2022年度政府性基金预算财政拨款收入决算509,220.66万元。",
    ]
