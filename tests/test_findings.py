"""The findings layer on small hand-built frames, compared exactly (sxtd_analysis.findings, task_findings)."""

from datetime import date

import polars as pl
import pytest

from sxtd_analysis import findings as f
from sxtd_analysis import task_findings as tf
from sxtd_analysis.schema import VERDICTS

CODEBOOK = pl.DataFrame({
    "verdict": list(VERDICTS), "display_order": list(range(1, len(VERDICTS) + 1)),
    "label_vi": [f"VI-{v}" for v in VERDICTS], "label_en": [f"EN-{v}" for v in VERDICTS],
    "meaning_vi": [f"nghĩa {v}" for v in VERDICTS], "meaning_en": [f"means {v}" for v in VERDICTS],
    "colour": [f"#00000{i}" for i in range(len(VERDICTS))],
})


def _alignment(rows: list[dict]) -> pl.DataFrame:
    defaults = {"province_slug": "a", "province_name_vi": "Bình A", "indicator_code": "cut", "label_vi": "Giảm",
                "label_en": "Cut", "target_year": 2025, "value_low": 5.0, "value_high": 8.0, "comparator": "range",
                "unit": "percent", "is_partial_scope": None, "reading_note": None, "benchmark_year": 2025,
                "benchmark_programme": "889/QĐ-TTg", "national_target_id": "n", "national_value_low": 5.0,
                "national_value_high": 8.0, "national_comparator": "range", "national_is_verified": True,
                "verdict": "equal", "is_by_analogy": False, "scope_note": None, "source": "a.txt:1-1"}
    return pl.DataFrame([{**defaults, **r} for r in rows], schema_overrides={"is_partial_scope": pl.Boolean,
                                                                            "reading_note": pl.String,
                                                                            "scope_note": pl.String})


def test_milestone_for_reads_the_mapping_table():
    milestones = pl.DataFrame({"programme": ["76/QĐ-TTg", "889/QĐ-TTg", "889/QĐ-TTg"],
                               "milestone_year": [2020, 2025, 2030], "first_target_year": [None, 2021, 2026],
                               "last_target_year": [2020, 2025, 2030]})
    got = {y: f.milestone_for(y, milestones) for y in (2016, 2020, 2021, 2023, 2025, 2026, 2030, 2031)}
    assert got == {2016: ("76/QĐ-TTg", 2020), 2020: ("76/QĐ-TTg", 2020), 2021: ("889/QĐ-TTg", 2025),
                   2023: ("889/QĐ-TTg", 2025), 2025: ("889/QĐ-TTg", 2025), 2026: ("889/QĐ-TTg", 2030),
                   2030: ("889/QĐ-TTg", 2030), 2031: None}


def test_verdict_counts_every_verdict_in_order_provinces_in_vietnamese_order():
    a = _alignment([{"province_name_vi": "Đồng Tháp", "verdict": "interim"},
                    {"province_name_vi": "Đồng Tháp", "verdict": "interim"},
                    {"province_name_vi": "Điện Biên", "verdict": "weaker"},
                    {"province_name_vi": "Bình Định", "verdict": "stricter"}])
    counts = f.verdict_counts(a)
    assert counts.columns == ["province_name_vi", *VERDICTS, "n_targets"]
    assert counts.rows() == [("Bình Định", 1, 0, 0, 0, 0, 0, 0, 1), ("Điện Biên", 0, 0, 0, 0, 1, 0, 0, 1),
                             ("Đồng Tháp", 0, 0, 2, 0, 0, 0, 0, 2)]


def test_positions_rank_only_percentages_on_the_whole_scope_and_the_same_year():
    a = _alignment([
        {"province_slug": "a", "province_name_vi": "A", "value_low": 80.0, "value_high": 80.0},
        {"province_slug": "b", "province_name_vi": "B", "value_low": 70.0, "value_high": 70.0},
        {"province_slug": "c", "province_name_vi": "C", "value_low": 80.0, "value_high": 80.0},
        {"province_slug": "d", "province_name_vi": "D", "value_low": 99.0, "value_high": 99.0,
         "is_partial_scope": True},  # part of the scope: not among the others
        {"province_slug": "e", "province_name_vi": "E", "value_low": 99.0, "value_high": 99.0,
         "target_year": 2023},  # another year: not among the others
        {"province_slug": "a", "province_name_vi": "A", "indicator_code": "models", "label_en": "Models",
         "unit": "count", "value_low": 20.0, "value_high": 30.0},
        {"province_slug": "b", "province_name_vi": "B", "indicator_code": "models", "label_en": "Models",
         "unit": "count", "value_low": 1.0, "value_high": 2.0},
    ])
    got = f.province_positions(a, province_slug="a").select(
        "indicator_code", "target_year", "value", "n_others", "n_higher", "n_lower", "position", "position_en",
        "others").rows()
    assert got == [
        ("cut", 2025, "80%", 2, 0, 1, "joint_highest", "joint highest, with 1 other(s)", "B 70%; C 80%"),
        ("models", 2025, "20–30", 0, 0, 0, "not_ranked", "not ranked: an absolute count grows with the province",
         ""),
    ]
    partial = f.province_positions(a, province_slug="d").row(0, named=True)
    assert (partial["position"], partial["position_en"]) == ("not_ranked",
                                                             "not ranked: part of the indicator's scope")
    assert f.province_positions(a, province_slug="e")["position"].to_list() == ["alone"]
    assert f.province_positions(a, province_slug="b")["position"].to_list() == ["lowest", "not_ranked"]


def test_verdict_findings_name_each_target_with_its_years():
    a = _alignment([
        {"verdict": "interim", "target_year": 2023, "value_low": 80.0, "value_high": 80.0,
         "national_value_low": 85.0, "national_value_high": 85.0, "national_comparator": "eq",
         "label_vi": "Siêu thị", "label_en": "Supermarkets"},
        {"verdict": "stricter", "is_by_analogy": True, "value_low": 85.0, "value_high": 85.0,
         "national_value_low": 80.0, "national_value_high": 80.0, "national_comparator": "eq",
         "label_vi": "Huyện", "label_en": "Districts"},
        {"verdict": "no_benchmark", "label_vi": "Mô hình", "label_en": "Models", "unit": "count"},
    ])
    got = [(x.kind, x.vi, x.en) for x in f.verdict_findings(a, verdicts=CODEBOOK)]
    assert got == [
        ("stricter", "VI-stricter (1 mục tiêu): Huyện 85% so với 80% (so sánh tương tự, 2025).",
         "EN-stricter (1 target): Districts 85% vs 80% (by analogy, 2025)."),
        ("interim", "VI-interim (1 mục tiêu): Siêu thị 80% so với 85% (2023 so với 2025).",
         "EN-interim (1 target): Supermarkets 80% vs 85% (2023 vs 2025)."),
        ("no_benchmark", "VI-no_benchmark (1 mục tiêu): Mô hình. nghĩa no_benchmark",
         "EN-no_benchmark (1 target): Models. means no_benchmark"),
    ]


def test_caveats_count_analogies_english_wording_and_curator_readings():
    a = _alignment([{"is_by_analogy": True, "national_is_verified": False},
                    {"is_by_analogy": True, "verdict": "no_benchmark"},
                    {"reading_note": "read respectively"}])
    assert [x.en for x in f.caveats(a)] == [
        "1 comparison is by analogy, not the same measure: a province's share of districts beside the national "
        "share of provinces.",
        "1 comparison rests on national wording seen only in English.",
        "1 target is read as the curator's note explains (a sentence naming two scopes, say): see the note column "
        "in the detail table.",
    ]


def test_plan_lines_read_as_a_reader_writes_them():
    plans = pl.DataFrame({"plan_id": ["x", "y"], "doc_type": ["ke_hoach", "quyet_dinh"],
                          "doc_number": [None, "2583/QĐ-UBND"], "issued_on": [None, date(2020, 10, 23)],
                          "period_start_year": [2023, 2021], "period_end_year": [2023, 2030],
                          "programme": ["889/QĐ-TTg", "889/QĐ-TTg"]})
    assert f.plan_lines(plans).rows() == [
        ("x", "Kế hoạch (không ghi số), năm 2023, thực hiện 889/QĐ-TTg",
         "Plan (no number printed), for 2023, implementing 889/QĐ-TTg"),
        ("y", "Quyết định 2583/QĐ-UBND ngày 23/10/2020, giai đoạn 2021–2030, thực hiện 889/QĐ-TTg",
         "Decision 2583/QĐ-UBND of 23 October 2020, for 2021–2030, implementing 889/QĐ-TTg"),
    ]


def test_province_findings_open_with_the_commitment_and_the_merger():
    a = _alignment([{"verdict": "equal"}, {"verdict": "equal", "target_year": 2030, "benchmark_year": 2030}])
    plans = pl.DataFrame({"plan_id": ["x"]})
    found = f.province_findings(name_vi="Hà Tĩnh", successor_name_vi="Hà Tĩnh", plans=plans, alignment=a,
                                verdicts=CODEBOOK)
    assert found[0] == f.Finding("commitment",
                                 "Hà Tĩnh có 1 kế hoạch trong cơ sở dữ liệu, đặt 2 mục tiêu định lượng trên 1 chỉ "
                                 "tiêu, cho năm 2025, 2030.",
                                 "Hà Tĩnh has 1 plan in the database, setting 2 quantified targets on 1 indicator, "
                                 "for 2025, 2030.")
    merged = f.province_findings(name_vi="Hòa Bình", successor_name_vi="Phú Thọ", plans=plans, alignment=a,
                                 verdicts=CODEBOOK)[0]
    assert "(từ 1/7/2025 thuộc tỉnh Phú Thọ)" in merged.vi and "(part of Phú Thọ since 1 July 2025)" in merged.en
    assert [x.kind for x in found] == ["commitment", "equal"]


def test_latest_plans_tasks_keeps_whole_plans_latest_first():
    tasks = pl.DataFrame({"plan_id": ["p1"] * 3 + ["p2"] * 2 + ["p3"] * 2,
                          "period_start_year": [2021] * 3 + [2023] * 2 + [2024] * 2,
                          "period_end_year": [2025] * 3 + [2023] * 2 + [2024] * 2})
    drawn, plans = f.latest_plans_tasks(tasks, limit=4)
    assert plans == ["p1"] and drawn.height == 3
    drawn, plans = f.latest_plans_tasks(tasks, limit=2)
    assert plans == ["p1"] and drawn.height == 2  # at least one plan, cut at the limit


@pytest.fixture
def tasks():
    return pl.DataFrame({
        "task_id": ["a/1", "a/2", "a/3", "b/1"], "plan_id": ["a", "a", "a", "b"],
        "province_slug": ["a", "a", "a", "b"], "province_name_vi": ["Ấp", "Ấp", "Ấp", "Bắc"],
        "section": ["I", "II. Năm 2022", "II", "I"], "years_printed": [True, False, False, True],
        "frequency": [None, "Hàng năm", None, None], "period_start_year": [2021, 2021, 2021, 2019],
        "period_end_year": [2025, 2025, 2025, 2020], "start_year_effective": [2021, 2021, 2021, 2019],
        "end_year_effective": [2025, 2025, 2025, 2030]})


def test_task_timing_per_province(tasks):
    got = tf.task_timing(tasks).select("province_name_vi", "n_tasks", "years_printed", "no_years", "recurring",
                                        "plan_period", "task_years", "beyond_period").rows()
    assert got == [("Ấp", 3, 1, 2, 1, "2021–2025", "2021–2025", 0), ("Bắc", 1, 1, 0, 0, "2019–2020", "2019–2030", 1)]
    narrower = f.undated_in_narrower_sections(tasks)
    assert narrower["task_id"].to_list() == ["a/2"]


def test_lead_summary_and_agency_share(tasks):
    by_agency = pl.DataFrame({"agency_code": ["doit", "donre", "doit"], "agency_name_vi": ["CT", "TN", "CT"],
                              "province_slug": ["a", "a", "b"], "province_name_vi": ["Ấp", "Ấp", "Bắc"],
                              "n_tasks": [2, 1, 1]})
    assert tf.lead_summary(tasks, by_agency).rows() == [("Ấp", 3, 2, "CT", 2, 67.0), ("Bắc", 1, 1, "CT", 1, 100.0)]
    doit = pl.DataFrame({"province_name_vi": ["Ấp", "Ấp", "Bắc"], "role": ["lead", "partner", "partner"]})
    assert tf.agency_share(tasks, doit).rows() == [("Ấp", 3, 1, 1, 33.0), ("Bắc", 1, 0, 1, 0.0)]


def test_listed_counts_the_rest_in_the_readers_language():
    from sxtd_analysis.formatting import listed

    assert listed(["a", "b", "c"], limit=2) == "a, b, and 1 more"
    assert listed(["a", "b", "c"], sep="; ", limit=2, lang="vi") == "a; b; và 1 mục khác"
    assert listed(["a", "b"], limit=2, lang="vi") == "a, b"


def test_verdict_summary_counts_each_verdict_present_in_order():
    a = _alignment([{"verdict": "interim"}, {"verdict": "stricter"}, {"verdict": "interim"}])
    got = f.verdict_summary(a, verdicts=CODEBOOK)
    assert (got.vi, got.en) == ("So với chương trình quốc gia: vi-stricter 1; vi-interim 2.",
                                "Against the national programme: en-stricter 1; en-interim 2.")
