"""The extraction assistant: general rules on sentences written for these tests, two plans it was not
tuned on (tests/fixtures/unseen_plan*.txt) in several encodings of the same text, refusals, and the CLI."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.curated import parse_table
from sxtd_analysis.extract import (
    KEYWORDS_FILE,
    AgencyMatcher,
    _heading,
    extract_plan,
    extract_plan_header,
    extract_targets,
    load_keywords,
    suggest_indicator,
    write_drafts,
    year_in,
)
from sxtd_analysis.numbers import parse_quantities, parse_value
from sxtd_analysis.provenance import check_provenance, words_in_order
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import TextFileError, fold, read_raw_lines

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "curated"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
UNSEEN = FIXTURES / "unseen_plan.txt"
UNSEEN_B = FIXTURES / "unseen_plan_b.txt"


def _csv(name: str) -> list[dict[str, str]]:
    with open(CURATED / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


UNITS = {r["indicator_code"]: r["unit"] for r in _csv("indicators.csv")}
KEYWORDS = load_keywords()
PROVINCES = _csv("provinces.csv")
AGENCIES = AgencyMatcher.from_rows(_csv("agency_aliases.csv"))


def targets_of(text: str, default_year=None) -> list[dict[str, str]]:
    rows, _ = extract_targets(text.split("\n"), "p", KEYWORDS, UNITS, default_year)
    return rows


def values(rows) -> list[tuple]:
    return [(float(r["value_low"]), float(r["value_high"]), r["comparator"], r["unit"], r["target_year"])
            for r in rows]


# --- general rules, on sentences written for the tests -------------------------------------------------------

@pytest.mark.parametrize(("text", "year"), [
    ("Giai đoạn 2021 - 2025", 2025),
    ("Giai đoạn 2026-2030:", 2030),
    ("Đến năm 2030", 2030),
    ("Phấn đấu đến hết năm 2023 tỉnh đạt các chỉ tiêu:", 2023),
    ("Mục tiêu cụ thể giai đoạn 2021-2025", 2025),
    ("Mục tiêu năm 2024", 2024),
    ("Đến năm 2025, tầm nhìn đến năm 2035", 2025),
    ("Tầm nhìn đến năm 2045", None),
    ("Mục tiêu chung", None),
])
def test_year_of_a_heading_or_lead_in(text, year):
    found = year_in(text)
    assert (found[0] if found else None) == year


@pytest.mark.parametrize(("line", "level"), [
    ("II. MỤC TIÊU", 1),
    ("III. CÁC MỤC TIÊU CỤ THỂ", 1),
    ("2. Mục tiêu cụ thể", 2),
    ("1. Đến năm 2030", 2),
    ("2.1. Giai đoạn 2022 - 2025", 3),
    ("2.2 Đến năm 2030", 3),
    ("b) Giai đoạn 2026 - 2030:", 6),
    ("1. Hỗ trợ 03 doanh nghiệp áp dụng sản xuất sạch hơn", None),  # a numbered target, not a heading
    ("3. Tỷ lệ các xã tổ chức tuyên truyền, phổ biến về tiêu dùng bền vững", None),
    ("3.200.000.000 đồng là tổng kinh phí dự kiến", None),
])
def test_headings_roman_arabic_and_lettered(line, level):
    h = _heading(line, 1)
    assert (h.level if h else None) == level


@pytest.mark.parametrize(("text", "expected"), [
    ("tỷ lệ tái chế đạt 50% trở lên", (50, 50, "at_least", "percent")),
    ("từ 60% trở lên", (60, 60, "at_least", "percent")),
    ("tỷ lệ hao hụt 5% trở xuống", (5, 5, "at_most", "percent")),
    ("giảm 5 ÷ 8% mức tiêu hao", (5, 8, "range", "percent")),
    ("Chỉ thị 33-CT/TW của Ban Bí thư", None),
    ("theo tiêu chuẩn ISO 14001", None),
    ("đạt tiêu chí 17 về môi trường", None),
    ("Trang 4", None),
    ("Mục tiêu 12 của Chương trình 135", None),
    ("2.1. Giai đoạn 2022 - 2025", None),
])
def test_number_forms_added_to_the_parser(text, expected):
    found = [(q.low, q.high, q.comparator, q.unit) for q in parse_quantities(text)]
    assert found == ([expected] if expected else [])


SECTION = """I. MỤC ĐÍCH, YÊU CẦU
Năm 2022 toàn tỉnh có 40% doanh nghiệp áp dụng sản xuất sạch hơn.
II. MỤC TIÊU
1. Mục tiêu chung
Nâng cao nhận thức của người dân về tiêu dùng bền vững.
2. Mục tiêu cụ thể
2.1. Giai đoạn 2022 - 2025
- Giảm 4-6% lượng nước sử dụng trên một đơn vị sản phẩm công nghiệp;
- Giảm từ 10 đến 12% mức tiêu hao nguyên nhiên vật liệu của ngành chế biến gỗ;
- Hỗ trợ xây dựng 01- 03 mô hình sản xuất và tiêu dùng bền vững;
- Có 20 đến 25 cơ sở được chứng nhận nhãn sinh thái;
- Ít nhất 45% hộ kinh doanh tại chợ được phổ biến; khoảng 70% trường học tổ chức tuyên truyền;
- Phấn đấu tối thiểu 05 mô hình kinh tế tuần hoàn
được nhân rộng.
7
2.2. Đến năm 2030
- 65% các siêu thị và 40% chợ truyền thống sử dụng bao bì thân thiện môi trường;
- Đến năm 2028, 90% cơ quan nhà nước sử dụng sản phẩm thân thiện môi trường;
- Áp dụng hệ thống quản lý theo tiêu chuẩn ISO 14001 và Nghị quyết số 12/2023/NQ-HĐND, báo cáo trước ngày 15/12.
III. NHIỆM VỤ VÀ GIẢI PHÁP
- Hỗ trợ 30 doanh nghiệp áp dụng sản xuất sạch hơn đến năm 2025."""


def test_targets_of_the_objectives_section_with_ranges_quantifiers_and_years():
    rows = targets_of(SECTION)
    assert values(rows) == [
        (4, 6, "range", "percent", "2025"),
        (10, 12, "range", "percent", "2025"),
        (1, 3, "range", "count", "2025"),
        (20, 25, "range", "count", "2025"),
        (45, 45, "at_least", "percent", "2025"),
        (70, 70, "approx", "percent", "2025"),
        (5, 5, "at_least", "count", "2025"),
        (65, 65, "eq", "percent", "2030"),
        (40, 40, "eq", "percent", "2030"),
        (90, 90, "eq", "percent", "2028"),  # the sentence's own year wins over the heading's
    ]
    assert [r["value_as_printed"] for r in rows][:7] == ["4-6%", "từ 10 đến 12%", "01- 03", "20 đến 25",
                                                          "Ít nhất 45%", "khoảng 70%", "tối thiểu 05"]


def test_one_row_per_number_and_a_quote_per_clause():
    rows = targets_of(SECTION)
    assert rows[4]["quote"] == "Ít nhất 45% hộ kinh doanh tại chợ được phổ biến"  # split at ';'
    assert rows[5]["quote"] == "khoảng 70% trường học tổ chức tuyên truyền"
    assert rows[7]["quote"] == rows[8]["quote"]  # two scopes of one sentence: two rows, same quote
    # a sentence broken over two lines keeps both lines; the page number after it is not a value
    assert (rows[6]["quote"], rows[6]["line_start"], rows[6]["line_end"]) == (
        "Phấn đấu tối thiểu 05 mô hình kinh tế tuần hoàn được nhân rộng.", "13", "14")


def test_year_reasons_name_the_heading():
    rows = targets_of(SECTION)
    assert "heading '2.1. Giai đoạn 2022 - 2025' (line 7)" in rows[0]["reason"]
    assert "from the sentence" in rows[9]["reason"]


def test_lead_in_sentence_sets_the_year_and_unnumbered_period_lines_too():
    text = """II. MỤC TIÊU
Phấn đấu đến hết năm 2024 tỉnh đạt các chỉ tiêu sau:
1. 60% các khu công nghiệp được phổ biến, nâng cao nhận thức về sản xuất bền vững.
Giai đoạn 2026 - 2030:
+ 100% các huyện, thị xã tổ chức tuyên truyền về lối sống bền vững.
III. NỘI DUNG"""
    assert values(targets_of(text)) == [(60, 60, "eq", "percent", "2024"), (100, 100, "eq", "percent", "2030")]


def test_plan_year_is_the_last_resort_and_no_section_no_targets():
    rows = targets_of("II. MỤC TIÊU\n- Giảm 15% túi ni lông tại các chợ.\nIII. NỘI DUNG",
                      default_year=(2026, "year 2026 from the plan's title"))
    assert values(rows) == [(15, 15, "eq", "percent", "2026")]
    rows, warnings = extract_targets(["Giảm 15% túi ni lông tại các chợ."], "p", KEYWORDS, UNITS)
    assert rows == [] and "no objectives section" in warnings[0]


@pytest.mark.parametrize(("sentence", "code"), [
    ("Tỷ lệ chất thải rắn xây dựng được tái chế đạt 45%", "construction_waste_recycling"),
    ("65% siêu thị, trung tâm thương mại sử dụng bao bì thân thiện môi trường", "supermarket_eco_packaging"),
    ("Hỗ trợ 05 mô hình sản xuất và tiêu dùng bền vững", "scp_models"),
    ("Giảm 30% túi ni-lông tại các chợ dân sinh", "market_plastic_bag_reduction"),
    ("90% các huyện, thị xã, thành phố tổ chức tuyên truyền về lối sống xanh", "district_communication"),
    ("Giảm 5% mức tiêu hao nguyên nhiên liệu của ngành thép", "material_intensity_reduction"),
    ("Tỷ trọng công nghiệp xanh trong GRDP đạt 12%", "green_industry_share"),
])
def test_indicator_suggested_from_keywords(sentence, code):
    (q, *_) = parse_quantities(sentence)
    s = suggest_indicator(q, sentence, sentence, KEYWORDS, UNITS, parse_quantities(sentence))
    assert s.code == code and 0 < s.confidence <= 1 and code in s.reason


def test_two_scopes_get_their_own_indicator_and_unknown_words_get_none():
    sentence = "Chất thải rắn sinh hoạt đô thị được tái chế đạt 70%, chất thải rắn công nghiệp đạt 55%"
    qs = parse_quantities(sentence)
    codes = [suggest_indicator(q, sentence, sentence, KEYWORDS, UNITS, qs).code for q in qs]
    assert codes == ["urban_waste_recycling", "industrial_waste_recycling"]
    q = parse_value("Trồng mới 250 ha rừng")
    s = suggest_indicator(q, "Trồng mới 250 ha rừng", "", KEYWORDS, UNITS)
    assert s.code == "" and s.confidence == 0


def test_keyword_file_covers_the_codebook():
    codes = set(UNITS)
    with open(KEYWORDS_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["indicator_code"] for r in rows} == codes
    assert all(float(r["weight"]) > 0 and r["keyword"].strip() for r in rows)


@pytest.mark.parametrize(("printed", "code", "as_printed"), [
    ("Sở Tài nguyên và Môi trường; Sở Xây dựng", "donre", "Sở Tài nguyên và Môi trường"),
    ("SỞ CÔNG THƯƠNG", "doit", "SỞ CÔNG THƯƠNG"),
    (unicodedata.normalize("NFD", "Sở  Giáo dục và\u00a0Đào tạo."), "doet", "Sở Giáo dục và Đào tạo"),
    ("Sở Công Thương và các sở, ngành", "doit", "Sở Công Thương"),  # the alias that starts the cell
    ("Sở Công", "", ""),
    ("Sở Ngoại vụ", "", ""),
])
def test_agency_alias_matching_folds_case_and_spacing(printed, code, as_printed):
    assert AGENCIES.match(printed) == (code, as_printed)


@pytest.mark.parametrize(("header", "number", "date"), [
    ("Số: 93/KH-UBND\tBắc Hà, ngày 28 tháng 6 năm 2019", "93/KH-UBND", "2019-06-28"),
    ("Kế hoạch số 484/KH-UBND ngày 15 tháng 12 năm 2020", "484/KH-UBND", "2020-12-15"),
    ("KẾ HOẠCH\nThực hiện Chương trình\n(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 3/2/2021)",
     "12/QĐ-UBND", "2021-02-03"),
    ("Thực hiện Kế hoạch số 07/KH-UBND ngày 11/01/2021 của UBND tỉnh", "", ""),  # cited, not its own
])
def test_document_number_and_date(header, number, date):
    row, _ = extract_plan_header(header.split("\n") + ["I. MỤC TIÊU"], "p", "p.txt", PROVINCES)
    assert (row["doc_number"], row["issued_on"]) == (number, date)


@pytest.mark.parametrize("province", PROVINCES, ids=lambda r: r["province_slug"])
def test_every_province_is_recognised_in_a_header(province):
    kind = "tỉnh" if province["division_type"] == "tỉnh" else "thành phố"
    for header in (f"ỦY BAN NHÂN DÂN {kind.upper()} {province['name_vi'].upper()} Số: 12/KH-UBND",
                   f"Kế hoạch thực hiện trên địa bàn {kind} {province['name_vi']}, với các nội dung sau:"):
        row, warnings = extract_plan_header([header, "I. MỤC TIÊU"], "p", "p.txt", PROVINCES)
        assert row["province_slug"] == province["province_slug"]
        assert not [w for w in warnings if "province" in w]


def test_plan_implemented_is_the_provincial_plan_cited_in_the_preamble():
    lines = ["KẾ HOẠCH", "Thực hiện Chương trình năm 2022 trên địa bàn tỉnh Bắc Hà", "______",
             "Thực hiện Quyết định số 889/QĐ-TTg ngày 24/6/2020 và Kế hoạch số 15/KH-UBND ngày 02/3/2021 "
             "của UBND tỉnh Bắc Hà về thực hiện Chương trình, với các nội dung sau:", "I. MỤC TIÊU"]
    row, _ = extract_plan_header(lines, "p", "p.txt", PROVINCES)
    assert row["implements_plan"] == "Kế hoạch số 15/KH-UBND ngày 02/3/2021 của UBND tỉnh Bắc Hà"
    assert (row["period_start_year"], row["period_end_year"], row["doc_number"]) == ("2022", "2022", "")


def test_period_programme_and_province_from_the_header():
    lines = ["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", "KẾ HOẠCH",
             "Hành động về sản xuất và tiêu dùng bền vững đến năm 2020, tầm nhìn đến năm 2030",
             "Căn cứ Quyết định số 76/QĐ-TTg ngày 11/01/2016;", "(Kèm theo kế hoạch số 5/KH-UBND ngày 2/5/2019)",
             "I. MỤC TIÊU"]
    row, warnings = extract_plan_header(lines, "p", "p.txt", PROVINCES)
    assert (row["province_slug"], row["period_start_year"], row["period_end_year"], row["vision_year"],
            row["programme"], row["doc_type"]) == ("thai-nguyen", "2019", "2020", "2030", "76/QĐ-TTg", "ke_hoach")
    assert warnings == []


# --- a plan the extractor has never seen ---------------------------------------------------------------------

UNSEEN_TARGETS = [  # year, low, high, comparator, unit, as printed, indicator, line_start, line_end
    ("2025", 75, 75, "eq", "percent", "75%", "industrial_park_awareness", 23, 23),
    ("2025", 3, 5, "range", "percent", "từ 3 đến 5%", "material_intensity_reduction", 24, 25),
    ("2025", 2, 2, "at_least", "count", "ít nhất 02", "scp_models", 26, 26),
    ("2025", 60, 60, "approx", "percent", "khoảng 60%", "district_communication", 27, 27),
    ("2025", 50, 50, "at_least", "percent", "ít nhất 50%", "market_plastic_bag_reduction", 29, 30),
    ("2025", 30, 30, "eq", "percent", "30%", "market_plastic_bag_reduction", 29, 30),
    ("2030", 100, 100, "eq", "percent", "100%", "industrial_park_awareness", 33, 33),
    ("2030", 7, 10, "range", "percent", "7 - 10%", "material_intensity_reduction", 34, 34),
    ("2030", 85, 85, "at_least", "percent", "trên 85%", "urban_waste_recycling", 35, 35),
    ("2030", 50, 50, "at_least", "percent", "50% trở lên", "construction_waste_recycling", 35, 35),
    ("2030", 90, 90, "eq", "percent", "90%", "supermarket_eco_packaging", 36, 36),
    ("2030", 100, 100, "eq", "percent", "100%", "public_agency_eco_products", 37, 37),
    ("2030", 5, 8, "range", "count", "từ 5 đến 8", "scp_models", 38, 38),
    ("2028", 70, 70, "eq", "percent", "70%", "enterprise_env_standards_support", 39, 39),
]
UNSEEN_TASKS = [  # section, number, lead code, lead as printed, output, start, end, frequency, line_start
    ("I. NHIỆM VỤ GIAI ĐOẠN 2024-2025", "1", "doit", "Sở Công Thương", "Lớp tập huấn", "", "", "Hằng năm", 82),
    ("I. NHIỆM VỤ GIAI ĐOẠN 2024-2025", "2", "radio_tv", "Đài Phát thanh và Truyền hình tỉnh", "Tin, bài, phóng sự",
     "2024", "2025", "", 89),
    ("I. NHIỆM VỤ GIAI ĐOẠN 2024-2025", "3", "donre", "Sở Tài nguyên và Môi trường", "Mô hình", "2024", "2025", "",
     96),
    ("II. NHIỆM VỤ GIAI ĐOẠN 2026-2030", "1", "dof", "Sở Tài chính", "Văn bản hướng dẫn", "2026", "2030", "", 103),
    ("II. NHIỆM VỤ GIAI ĐOẠN 2026-2030", "2", "so_du_lich", "Sở Du lịch", "Sản phẩm du lịch", "2026", "2030", "",
     110),
    ("II. NHIỆM VỤ GIAI ĐOẠN 2026-2030", "3", "iz_board", "Ban Quản lý các Khu công nghiệp tỉnh",
     "Doanh nghiệp được hỗ trợ", "", "", "Thường xuyên", 117),
]

UNSEEN_TASK_AGENCIES = [  # task, agency, role, as printed: each cell of the two agency columns, split
    ("T-01", "doit", "lead", "Sở Công Thương"),
    ("T-01", "provincial_agencies", "partner", "Các Sở, ban, ngành"),
    ("T-01", "district_committees", "partner", "UBND các huyện, thị xã, thành phố"),
    ("T-02", "radio_tv", "lead", "Đài Phát thanh và Truyền hình tỉnh"),
    ("T-02", "docst", "partner", "Sở Văn hóa, Thể thao và Du lịch"),  # its commas do not cut it
    ("T-02", "provincial_newspaper", "partner", "Báo tỉnh"),
    ("T-03", "donre", "lead", "Sở Tài nguyên và Môi trường"),
    ("T-03", "district_committees", "partner", "UBND các huyện, thị xã, thành phố"),
    ("T-04", "dof", "lead", "Sở Tài chính"),
    ("T-04", "provincial_agencies", "partner", "Các Sở, ban, ngành"),
    ("T-05", "so_du_lich", "lead", "Sở Du lịch"),  # no alias: a new agency, named from the glossary
    ("T-05", "district_committees", "partner", "UBND các huyện, thị xã, thành phố"),
    ("T-05", "enterprises", "partner", "các doanh nghiệp du lịch"),  # a group printed a new way
    ("T-06", "iz_board", "lead", "Ban Quản lý các Khu công nghiệp tỉnh"),
    ("T-06", "dost", "partner", "Sở Khoa học và Công nghệ"),
]


def _target_rows(draft) -> list[tuple]:
    return [(t["target_year"], float(t["value_low"]), float(t["value_high"]), t["comparator"], t["unit"],
             t["value_as_printed"], t["indicator_code"], int(t["line_start"]), int(t["line_end"]))
            for t in draft.targets]


def _task_rows(draft) -> list[tuple]:
    return [(t["section"], t["number_as_printed"], t["lead_agency_code"], t["lead_agency_as_printed"], t["output"],
             t["start_year"], t["end_year"], t["frequency"], int(t["line_start"])) for t in draft.tasks]


def _nbsp_tabs(text: str) -> str:
    """No-break spaces for every other space of the body, and a tab before each body line."""
    body, appendix = text.split("PHỤ LỤC", 1)
    out = []
    for line in body.split("\n"):
        parts = line.split(" ")
        line = "".join(p + ("\u00a0" if i % 2 else " ") for i, p in enumerate(parts[:-1])) + parts[-1]
        out.append(("\t" + line) if line.strip() else line)
    return "\n".join(out) + "PHỤ LỤC" + appendix.replace("Sở Tài chính", "Sở\u00a0Tài\u00a0chính")


VARIANTS = {
    "as written": lambda t: t.encode("utf-8"),
    "NFD": lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    "BOM + CRLF": lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
    "CR only": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "NBSP + tabs": lambda t: _nbsp_tabs(t).encode("utf-8"),
}


@pytest.fixture(scope="module")
def unseen_text() -> str:
    return UNSEEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", VARIANTS)
def test_unseen_plan_targets(variant, unseen_text, tmp_path):
    path = tmp_path / "phu-lam_kh-215-2024.txt"
    path.write_bytes(VARIANTS[variant](unseen_text))
    draft = extract_plan(path, CURATED)
    assert _target_rows(draft) == [(*r[:1], float(r[1]), float(r[2]), *r[3:]) for r in UNSEEN_TARGETS]
    assert all(float(t["indicator_confidence"]) >= 0.5 for t in draft.targets)
    assert draft.targets[4]["quote"] == draft.targets[5]["quote"] == (
        "Giảm ít nhất 50% lượng túi ni lông khó phân hủy sử dụng tại các chợ truyền thống và 30% tại các chợ "
        "nông thôn.")
    assert draft.targets[0]["target_id"] == "phu-lam_kh-215-2024/t01"
    assert "heading '1. Giai đoạn 2024-2025' (line 22)" in draft.targets[0]["reason"]
    # quotes and line spans are those of the raw file as the provenance gate reads it
    lines = read_raw_lines(path)
    for t in draft.targets:
        span = fold(" ".join(lines[int(t["line_start"]) - 1: int(t["line_end"])]))
        assert t["quote"] in span and t["value_as_printed"] in t["quote"]
        q = parse_value(t["value_as_printed"])
        assert (q.low, q.high, q.comparator, q.unit) == (float(t["value_low"]), float(t["value_high"]),
                                                         t["comparator"], t["unit"])


@pytest.mark.parametrize("variant", VARIANTS)
def test_unseen_plan_tasks_and_header(variant, unseen_text, tmp_path):
    path = tmp_path / "phu-lam_kh-215-2024.txt"
    path.write_bytes(VARIANTS[variant](unseen_text))
    draft = extract_plan(path, CURATED)
    assert _task_rows(draft) == UNSEEN_TASKS
    assert [t["task_id"] for t in draft.tasks] == [f"phu-lam_kh-215-2024/T-0{i}" for i in range(1, 7)]
    assert draft.tasks[0]["title"] == ("Tổ chức tập huấn về sản xuất và tiêu dùng bền vững cho doanh nghiệp, "
                                       "hợp tác xã")
    plan = draft.plan
    assert {k: plan[k] for k in ("plan_id", "province_slug", "doc_type", "doc_number", "issued_on",
                                 "period_start_year", "period_end_year", "programme", "issuing_body", "signer")} == {
        "plan_id": "phu-lam_kh-215-2024", "province_slug": "phu-lam", "doc_type": "ke_hoach",
        "doc_number": "215/KH-UBND", "issued_on": "2024-03-12", "period_start_year": "2024",
        "period_end_year": "2030", "programme": "889/QĐ-TTg", "issuing_body": "Ủy ban nhân dân tỉnh Phú Lâm",
        "signer": "Lê Thị Thu Hà"}
    assert plan["title_vi"] == ("Kế hoạch Thực hiện Chương trình hành động quốc gia về sản xuất và tiêu dùng bền "
                                "vững giai đoạn 2024-2030 trên địa bàn tỉnh Phú Lâm")
    assert any("'Phú Lâm'" in w and "provinces.csv" in w for w in draft.warnings)  # fictional: flagged
    assert any("'Sở Du lịch' matches no alias" in w for w in draft.warnings)
    assert [(r["task_id"][-4:], r["agency_code"], r["role"], r["as_printed"]) for r in draft.task_agencies] == \
        UNSEEN_TASK_AGENCIES
    assert [(a["agency_code"], a["name_vi"], a["name_en"], a["kind"]) for a in draft.agencies] == [
        ("so_du_lich", "Sở Du lịch", "Department of Tourism", "province_department")]
    assert [(a["alias"], a["agency_code"]) for a in draft.aliases] == [
        ("Sở Du lịch", "so_du_lich"), ("các doanh nghiệp du lịch", "enterprises")]


def test_second_unseen_plan_with_other_conventions():
    """Lettered sub-headings, '+' bullets, an unnumbered 'Giai đoạn ...:' line, a table one row per line."""
    draft = extract_plan(UNSEEN_B, CURATED)
    assert [r[:2] + (r[6],) for r in _target_rows(draft)] == [
        ("2025", 30, "industrial_cleaner_production"), ("2025", 10, "material_intensity_reduction"),
        ("2025", 95, "supermarket_eco_packaging"), ("2025", 40, "urban_waste_recycling"),
        ("2025", 60, "industrial_waste_recycling"), ("2030", 100, "district_communication"),
        ("2030", 10, "scp_models")]
    assert [(t["title"], t["lead_agency_code"], t["output"], t["start_year"], t["end_year"], t["frequency"])
            for t in draft.tasks] == [
        ("Kiểm toán năng lượng cho cơ sở sản xuất công nghiệp", "doit", "Báo cáo kiểm toán", "2022", "2025", ""),
        ("Phân loại rác thải tại nguồn", "donre", "Mô hình", "", "", "Hằng năm"),
        ("Xây dựng chương trình giảng dạy về tiêu dùng bền vững", "doet", "Chương trình", "2023", "2023", "")]
    assert (draft.plan["period_start_year"], draft.plan["period_end_year"], draft.plan["vision_year"]) == (
        "2022", "2025", "2030")


def test_province_option_resolves_against_provinces_csv(tmp_path):
    draft = extract_plan(UNSEEN, CURATED, province="HA TINH")
    assert draft.plan["province_slug"] == "ha-tinh" and draft.plan["issuing_body"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    with pytest.raises(LookupError, match="unknown province 'Atlantis'"):
        extract_plan(UNSEEN, CURATED, province="Atlantis")


def test_reviewed_drafts_load_as_curated_tables_and_pass_the_provenance_gate(tmp_path):
    draft = extract_plan(UNSEEN, CURATED)
    written = write_drafts(draft, tmp_path / "out")
    frames = {}
    for name in ("plans", "targets", "tasks"):
        table = TABLES[name]
        with open(written[name], encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames[: len(table.column_names)] == table.column_names
            rows = list(reader)
        # the reviewer's part: drop the review columns and fill what the text cannot say
        for row in rows:
            if name == "tasks" and not row["lead_agency_code"]:
                row["lead_agency_code"] = "docst"
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=table.column_names, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        frame, problems = parse_table(buf.getvalue().encode("utf-8"), table, table.file_name)
        assert problems == [], problems
        frames[name] = frame
    assert check_provenance(frames, FIXTURES) == []
    with open(written["manifest"], encoding="utf-8", newline="") as fh:
        (manifest,) = csv.DictReader(fh)
    assert manifest["file_name"] == "unseen_plan.txt" and len(manifest["sha256"]) == 64


# --- the four real plans: every draft row is provable -------------------------------------------------------

@pytest.mark.parametrize("plan", _csv("plans.csv"), ids=lambda p: p["plan_id"])
def test_drafts_of_the_real_plans_stand_in_their_text(plan):
    path = ROOT / "data" / "raw" / plan["raw_file"]
    draft = extract_plan(path, CURATED)
    lines = read_raw_lines(path)
    assert draft.targets
    for t in draft.targets:
        assert t["quote"] in fold(" ".join(lines[int(t["line_start"]) - 1: int(t["line_end"])]))
        assert parse_value(t["value_as_printed"]).low == float(t["value_low"])
    for t in draft.tasks:
        assert words_in_order(t["title"], " ".join(lines[int(t["line_start"]) - 1: int(t["line_end"])]))
    assert draft.plan["province_slug"] == plan["province_slug"]


# --- refusals and the command line -------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: precomposed base letters, tones as combining bytes."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


REFUSED = {
    "cp1258": (lambda t: to_cp1258(t), "Windows-1258"),
    "pdf": (lambda t: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    "binary": (lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "docx": (lambda t: b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "Word"),
    "empty": (lambda t: b"  \n", "empty"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_files_that_are_not_clean_text_are_refused(kind, unseen_text, tmp_path):
    make, words = REFUSED[kind]
    path = tmp_path / f"plan.{kind}.txt"
    path.write_bytes(make(unseen_text))
    with pytest.raises(TextFileError, match=words):
        extract_plan(path, CURATED)
    result = CliRunner().invoke(main, ["extract", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and words in errors[0] and str(path) in errors[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cp1258_message_says_what_to_do(unseen_text, tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(to_cp1258(unseen_text))
    with pytest.raises(TextFileError) as err:
        extract_plan(path, CURATED)
    assert "Convert it to Unicode UTF-8" in str(err.value) and "\n" not in str(err.value)


def test_cli_writes_the_drafts_and_the_review_page(tmp_path):
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["extract", str(UNSEEN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14 target(s)" in result.output and "6 task(s)" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "agencies_draft.csv", "agency_aliases_draft.csv", "budgets_draft.csv", "manifest_draft.csv", "plan_draft.csv",
        "plan_registry_draft.csv", "qualitative_objectives_draft.csv", "review.html", "targets_draft.csv",
        "task_agencies_draft.csv",
        "tasks_draft.csv"]
    header = (out / "targets_draft.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == TABLES["targets"].column_names + ["indicator_confidence", "reason"]
    assert (out / "tasks_draft.csv").read_text(encoding="utf-8").splitlines()[0].endswith("lead_agency_as_printed")
    assert "warning: province 'Phú Lâm'" in result.output


@pytest.mark.parametrize(("args", "words"), [
    (["--province", "Atlantis"], "unknown province 'Atlantis'"),
    (["--province", "hà tĩnh"], None),
])
def test_cli_province_option(args, words, tmp_path):
    result = CliRunner().invoke(main, ["extract", str(UNSEEN), "--out", str(tmp_path), *args])
    if words is None:
        assert result.exit_code == 0, result.output
        assert "(ha-tinh)" in result.output
    else:
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and words in errors[0]


def test_cli_missing_file_is_a_user_error(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no such file" in result.output
