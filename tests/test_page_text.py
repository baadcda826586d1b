"""Department and year from the text around the tables: captions and covers as real documents print them;
and the text lines of extract/_text_lines.c, which are page_text.chars_to_text_lines's."""

import os
import random
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pdfplumber
import pytest

from budgetpdf.extract import page_text, prose
from budgetpdf.extract.page_text import TextLine, chars_to_text_lines, find_cover_department, find_department, find_unit
from budgetpdf.extract.pages import dedupe_view, load_objects, seat_glyphs
from budgetpdf.extract.settings import ExtractSettings, PageSource

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.parametrize(
    "cover, department",
    [
        (["2026 年度", "福州市医疗保障局", "部门预算", "目录", "第一部分 部门概况"], "福州市医疗保障局"),
        (["西安市审计局（汇总）", "2026年部门预算公开说明", "目 录"], "西安市审计局"),
        (["西安市医疗保障局 年部门综合预算", "2022", "目录"], "西安市医疗保障局"),  # the year on a line of its own
        (["2026 年度", "泉州市市场监管综合监测", "与技术保障中心", "单位预算"], "泉州市市场监管综合监测与技术保障中心"),
        (["2018 年度江苏省高级", "人民法院预算公开", "2018 年 2 月 24 日"], "江苏省高级人民法院"),
        (["预算01表 收支总表", "金额单位：万元"], None),  # 北京's tables-only files name no department
        (["目录", "2026年度北京市财政局部门预算"], None),  # past the table of contents is no cover
    ],
)
def test_the_cover_names_the_department(cover, department):
    assert find_cover_department(cover) == department


def test_a_caption_with_a_blank_department_is_not_read_as_one():
    assert find_department([TextLine("部门：        单位：万元", 0, 0, 0, 0)]) is None
    assert find_department([TextLine("预算单位：西安市卫生健康委员会（汇总） 金额单位：元", 0, 0, 0, 0)]) == "西安市卫生健康委员会"


@pytest.mark.parametrize(
    "lines, unit",
    [
        (["单位：万元"], "万元"),
        (["单位:元"], "元"),  # a half-width colon (上海)
        (["单位名称 重庆市商务委员会 单位 万元", ": :"], "万元"),  # 重庆: the colons sit on a text line of their own
        (["金额单位：人民币元"], "元"),
        (["单位名称：西安市信访局"], None),
        (["编制单位：某局"], None),
    ],
)
def test_the_unit_is_read_however_the_text_layer_splits_it(lines, unit):
    assert find_unit([TextLine(text, 0, 0, 0, 0) for text in lines]) == unit


needs_c = pytest.mark.skipif(page_text._text_lines is None, reason="the C extension is not built here (or BUDGETPDF_PURE_PYTHON is set)")


def exact(lines: list | tuple) -> tuple:
    """The lines with the repr and type of every position and typeface part: -0.0 == 0.0 and 1 == 1.0, but not here."""
    return type(lines), [
        (type(line), line.text, *((repr(v), type(v)) for v in (line.top, line.bottom, line.x0, line.x1)),
         [(repr(v), type(v)) for v in getattr(line, "typeface", None) or ()], getattr(line, "typeface", "none") is None)
        for line in lines
    ]


def python_text_lines(chars: list[dict]) -> list[TextLine]:
    kept, page_text._text_lines = page_text._text_lines, None
    try:
        return chars_to_text_lines(chars)
    finally:
        page_text._text_lines = kept


@needs_c
def test_c_text_lines_are_the_python_ones_on_random_characters():
    """Runs of upright and rotated characters; blanks, empty texts, ligatures and longer texts;
    tops and x0s on either side of the tolerance 3, signed zeros; now and then an int
    position, a missing key or text that is not a str, which C leaves to Python."""
    rng = random.Random(7)
    positions = [0.0, -0.0, 0.5, 2.9, 3.0, 3.0000000000000004, 3.1, 5.9, 6.0, 6.5, 9.0, 12.25, 100.0]
    texts = ["一", "二", "0", "a", " ", "\u3000", "\t", "", "", "ﬁ", "ﬀ", "ﬃ", "ﬆ", "ﬅ", "ab", " a", "\u200b"]
    handled = 0
    for _ in range(4000):
        chars = []
        upright = True
        for _ in range(rng.randint(0, 30)):
            if rng.random() < 0.15:
                upright = not upright
            x0, top = rng.choice(positions), rng.choice(positions)
            chars.append({"upright": upright, "text": rng.choice(texts), "x0": x0, "x1": x0 + rng.choice([0.0, 1.0, 2.5, 6.0]),
                          "top": top, "bottom": top + rng.choice([0.0, 1.0, 10.0])})
        if chars and rng.random() < 0.05:
            rng.choice(chars)["top"] = 3  # an int position
        if chars and rng.random() < 0.03:
            rng.choice(chars)["text"] = None
        if chars and rng.random() < 0.03:
            del rng.choice(chars)["bottom"]
        try:
            expected = exact(python_text_lines(chars))
        except (KeyError, TypeError, AttributeError) as error:
            expected = type(error)
        ours = page_text._text_lines.text_lines(chars, TextLine)
        if ours is NotImplemented:
            continue
        handled += 1
        assert exact(ours) == expected, chars
    assert handled > 3000  # the C code did compare, not leave it all to Python


def documents_differ(pdf: Path, first: int | None = None) -> str | None:
    """The first page where C and Python give other text lines or prose lines, on the page's
    characters as the pipeline reads them (seated) and on its dedupe view, or None."""
    with pdfplumber.open(pdf) as document:
        for page in document.pages[:first]:
            load_objects(page, PageSource.FAST)
            seat_glyphs(page.chars)
            for chars in (page.chars, dedupe_view(page, ExtractSettings().duplicate_char_tolerance).chars):
                ours = page_text._text_lines.text_lines(chars, TextLine)
                if ours is NotImplemented or exact(ours) != exact(python_text_lines(chars)):
                    return f"{pdf.name} page {page.page_number}"
                ours = page_text._text_lines.prose_lines(chars, prose.ProseLine)
                if ours is NotImplemented or exact(ours) != exact(python_prose_lines(chars)):
                    return f"{pdf.name} page {page.page_number}: prose lines"
            page.close()
    return None


@needs_c
@pytest.mark.parametrize("pdf", sorted(SAMPLES.glob("*.pdf")), ids=lambda p: p.stem)
def test_c_text_lines_are_the_python_ones_on_the_samples(pdf: Path):
    assert documents_differ(pdf) is None


@needs_c
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_c_text_lines_are_the_python_ones_on_the_corpus():
    """The first 8 pages of one document per generator; every page of all 136 with FAST_PATH_FULL_CORPUS=1."""
    from test_fast_path import one_per_generator

    full = bool(os.environ.get("FAST_PATH_FULL_CORPUS"))
    pdfs = sorted(CORPUS.glob("*.pdf")) if full else one_per_generator(CORPUS)
    differences = [d for pdf in pdfs if (d := documents_differ(pdf, None if full else 8))]
    assert not differences, "\n".join(differences)


def python_prose_lines(chars: list[dict]) -> tuple:
    kept, prose._text_lines = prose._text_lines, None
    try:
        return prose.chars_to_lines(chars)
    finally:
        prose._text_lines = kept


@needs_c
def test_c_prose_lines_are_the_python_ones_on_random_characters():
    """Glyphs overlapping their row by about half the smaller height, ties in middles and x0s,
    gaps about _SPACE of the size; Chinese text at the range's ends, sizes that round half to
    even, font names with and without subset prefixes or none; now and then what C leaves to Python."""
    rng = random.Random(8)
    tops = [0.0, -0.0, 1.0, 2.5, 4.9, 5.0, 5.1, 7.5, 10.0, 20.0]
    heights = [0.0, 5.0, 9.9, 10.0, 10.1, 12.0]
    xs = [0.0, -0.0, 1.0, 3.0, 3.5, 5.0, 6.0]
    texts = ["一", "中", "\u9fff", "\u9fff\u9fff", "\u4e00a", "\u4dff", "\ua000", "1", "a", " ", "", "\u3000", " a"]
    fontnames = ["ABCDEF+SimSun", "SimSun", "X+Y+SimSun", "KaiTi", "+", ""]
    handled = 0
    for _ in range(4000):
        chars = []
        for _ in range(rng.randint(0, 25)):
            top, x0 = rng.choice(tops), rng.choice(xs)
            char = {"text": rng.choice(texts), "x0": x0, "x1": x0 + rng.choice([0.0, 1.0, 2.0, 2.9]), "top": top,
                    "bottom": top + rng.choice(heights), "size": rng.choice([10.0, 10.5, 11.5, 9.5, 10.49, 12.0, 3.0])}
            if rng.random() < 0.9:
                char["fontname"] = rng.choice(fontnames)
            chars.append(char)
        if chars and rng.random() < 0.05:
            rng.choice(chars)["size"] = 10  # an int size
        if chars and rng.random() < 0.03:
            rng.choice(chars)["fontname"] = b"SimSun"
        try:
            expected = exact(python_prose_lines(chars))
        except (KeyError, TypeError, AttributeError) as error:
            expected = type(error)
        ours = page_text._text_lines.prose_lines(chars, prose.ProseLine)
        if ours is NotImplemented:
            continue
        handled += 1
        assert exact(ours) == expected, chars
    assert handled > 3000  # the C code did compare, not leave it all to Python


@needs_c
def test_c_text_lines_leave_other_inputs_to_python():
    chars = [{"upright": True, "text": "一", "x0": 1, "x1": 2.0, "top": 0.0, "bottom": 10.0, "size": 10.0}]
    assert page_text._text_lines.text_lines(chars, TextLine) is NotImplemented
    assert exact(chars_to_text_lines(chars)) == exact([TextLine("一", 0.0, 10.0, 1, 2.0)])
    assert page_text._text_lines.prose_lines(chars, prose.ProseLine) is NotImplemented
    assert exact(prose.chars_to_lines(chars)) == exact((prose.ProseLine("一", 0.0, 10.0, 1, 2.0, ("", 10)),))


def test_the_c_text_lines_are_built_where_a_compiler_is():
    """setup.py builds extract/_text_lines.c optionally: a failed build would go unnoticed but for this."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"], "Python.h")
    if os.environ.get("BUDGETPDF_PURE_PYTHON") or not shutil.which(compiler) or not headers.exists():
        pytest.skip("no C compiler or Python headers here, or BUDGETPDF_PURE_PYTHON is set")
    assert page_text._text_lines is not None, "extract/_text_lines.c did not build or load: pip install -e . and read its output"


def test_budgetpdf_pure_python_turns_the_c_text_lines_off():
    script = "from budgetpdf.extract import page_text, prose; print(page_text._text_lines is None, prose._text_lines is None)"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "BUDGETPDF_PURE_PYTHON": "1"})
    assert run.stdout.strip() == "True True"
