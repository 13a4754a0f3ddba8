"""National coverage: the registry of known plans, reported targets, today's 34 provinces, the views
known_plans and national_coverage, the national indicator and the tile-grid map."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

import sxtd_analysis
from sxtd_analysis import coverage as cv
from sxtd_analysis import queries, tilemap
from sxtd_analysis.curated import load_curated
from sxtd_analysis.schema import SOURCE_URL_PATTERN, TABLES, create_table_sql
from sxtd_analysis.validation import check_frames, validate_frames
from sxtd_analysis.warehouse import create_views

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "curated"
D = date.fromisoformat


# --- findings on hand-built frames ----------------------------------------------------------------------

#: five former provinces merged into three of today's
PROVINCES = pl.DataFrame({"province_slug": ["a", "b", "c", "d", "e"],
                          "successor_slug": ["a", "a", "c", "c", "e"]})
KNOWN = pl.DataFrame({"province_slug": ["b", "b", "c", "d", "e"],
                      "known_by_on": [D("2020-09-01"), D("2023-01-10"), D("2021-05-07"), None, D("2025-11-10")]})


def test_coverage_indicator_counts_today_s_and_former_provinces_at_a_date():
    ind = cv.coverage_indicator(KNOWN, PROVINCES, D("2021-12-31"), goal=(90.0, 2030, "889/QĐ-TTg"))
    assert (ind.n_current_with_plan, ind.n_current, ind.n_former_with_plan, ind.n_former) == (2, 3, 2, 5)
    assert ind.n_undated == 1  # d's plan has no date: never counted
    assert round(ind.share_current, 2) == 66.67 and ind.share_former == 40.0
    assert ind.meets_goal is False and ind.n_short_of_goal == 1  # 90 % of 3 is 2.7: three provinces
    before = cv.coverage_indicator(KNOWN, PROVINCES, D("2020-08-31"))
    assert (before.n_current_with_plan, before.n_former_with_plan, before.goal_percent) == (0, 0, None)
    on_the_day = cv.coverage_indicator(KNOWN, PROVINCES, D("2025-11-10"), goal=(90.0, 2030, "889/QĐ-TTg"))
    assert (on_the_day.n_current_with_plan, on_the_day.meets_goal, on_the_day.n_short_of_goal) == (3, True, 0)


def test_coverage_indicator_refuses_bad_frames():
    with pytest.raises(ValueError, match="known_plans lacks column.*known_by_on"):
        cv.coverage_indicator(KNOWN.drop("known_by_on"), PROVINCES, D("2021-01-01"))
    with pytest.raises(ValueError, match="provinces lacks column.*successor_slug"):
        cv.coverage_indicator(KNOWN, PROVINCES.drop("successor_slug"), D("2021-01-01"))
    stray = pl.concat([KNOWN, pl.DataFrame({"province_slug": ["zz"], "known_by_on": [D("2021-01-01")]})])
    with pytest.raises(ValueError, match="not in provinces: zz"):
        cv.coverage_indicator(stray, PROVINCES, D("2021-01-01"))


def test_coverage_timeline_steps_at_each_issue_date():
    expected = pl.DataFrame({
        "on": [D("2020-09-01"), D("2021-05-07"), D("2023-01-10"), D("2025-11-10")],
        "n_current_with_plan": [1, 2, 2, 3], "share_current": [33.3, 66.7, 66.7, 100.0],
        "n_former_with_plan": [1, 2, 2, 3], "share_former": [20.0, 40.0, 40.0, 60.0],
    })
    assert cv.coverage_timeline(KNOWN, PROVINCES).equals(expected)


def test_coverage_findings_are_vietnamese_first_with_the_goal_and_the_caveats():
    ind = cv.CoverageIndicator(on=D("2026-12-03"), n_current_with_plan=18, n_current=34, n_former_with_plan=20,
                               n_former=63, goal_percent=90.0, goal_year=2030, goal_programme="889/QĐ-TTg",
                               n_undated=1)
    findings = cv.coverage_findings(ind)
    assert findings[0] == (
        "Đến ngày 03/12/2026, 18/34 tỉnh, thành phố (52,9 %) đã ban hành kế hoạch thực hiện Chương trình sản xuất "
        "và tiêu dùng bền vững theo các nguồn đã ghi nhận; tính theo 63 tỉnh, thành phố trước sáp nhập là 20/63 "
        "(31,7 %).",
        "By 3 December 2026, 18 of the 34 provinces (52.9%) had issued a plan for the SCP programme, by the sources "
        "recorded; counted over the provinces before the merger, 20 of 63 (31.7%).")
    assert findings[1] == ("Mục tiêu của Quyết định 889/QĐ-TTg là 90 % vào năm 2030: cần thêm 13 tỉnh, thành phố có "
                           "kế hoạch.",
                           "The goal of 889/QĐ-TTg is 90% by 2030: 13 more provinces would need a plan.")
    assert "others may exist" in findings[2][1]
    assert findings[3] == ("1 kế hoạch không rõ ngày nên không được tính.",
                           "1 known plan(s) without any date are not counted.")
    met = cv.CoverageIndicator(on=D("2030-01-01"), n_current_with_plan=34, n_current=34, n_former_with_plan=63,
                               n_former=63, goal_percent=90.0, goal_year=2030, goal_programme="889/QĐ-TTg")
    assert cv.coverage_findings(met)[1][1] == "That meets the goal of 90% by 2030 set by 889/QĐ-TTg."
    assert len(cv.coverage_findings(met)) == 3


def _targets(rows):
    cols = ["indicator_code", "label_vi", "label_en", "target_year", "province_name_vi", "successor_name_vi",
            "value_low", "value_high", "comparator", "unit", "document", "source"]
    frame = pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])
    return frame.with_columns(successor_slug=pl.col("successor_name_vi").str.to_lowercase().str.replace(" ", "-"))


def test_side_by_side_marks_reported_targets_and_keeps_shared_indicators():
    verified = _targets([
        ("m", "Giảm", "Cut", 2025, "Hòa Bình", "Phú Thọ", 5.0, 8.0, "range", "percent", "hb", "hb.txt:3-3"),
        ("s", "Siêu thị", "Supermarkets", 2025, "Đồng Tháp", "Đồng Tháp", 80.0, 80.0, "eq", "percent", "dt",
         "dt.txt:9-9"),
        ("only_verified", "x", "x", 2025, "Hà Tĩnh", "Hà Tĩnh", 1.0, 1.0, "eq", "count", "ht", "ht.txt:1-1"),
    ])
    reported = _targets([
        ("m", "Giảm", "Cut", 2025, "Đà Nẵng", "Đà Nẵng", 5.0, 8.0, "range", "percent", "dn", "https://x.vn/a"),
        ("m", "Giảm", "Cut", 2025, "Dak Test", "Dak Test", 4.0, 6.0, "range", "percent", "dk", "https://x.vn/b"),
        ("only_reported", "y", "y", 2024, "Hà Nội", "Hà Nội", 2.0, 2.0, "eq", "count", "hn", "https://x.vn/c"),
    ])
    out = cv.side_by_side(verified, reported)
    assert out.columns == [*cv._SIDE_BY_SIDE_COLUMNS, "value"]
    assert out["value"].to_list() == ["5–8%", "4–6%", "5–8%"]  # as a reader writes it
    assert out.select("indicator_code", "province_name_vi", "is_reported").rows() == [
        ("m", "Hòa Bình", False), ("m", "Dak Test", True), ("m", "Đà Nẵng", True)]  # D before Đ; only m is shared
    marks = dict(zip(out["province_name_vi"], out["tier_label"], strict=True))
    assert marks["Đà Nẵng"] == "báo cáo, chưa đối chiếu văn bản / reported, not checked against the plan text"
    assert marks["Hòa Bình"] == cv.VERIFIED_MARK
    everything = cv.side_by_side(verified, reported, shared_only=False)
    assert everything.height == 6 and everything["is_reported"].sum() == 3
    with pytest.raises(ValueError, match="reported lacks column.*source"):
        cv.side_by_side(verified, reported.drop("source"))


def test_indicator_by_province_prefers_curated_targets_and_gives_ranges():
    verified = _targets([
        ("m", "Giảm", "Cut", 2025, "Hòa Bình", "Phú Thọ", 5.0, 8.0, "range", "percent", "hb", "hb.txt:3-3"),
        ("m", "Giảm", "Cut", 2030, "Hòa Bình", "Phú Thọ", 7.0, 10.0, "range", "percent", "hb", "hb.txt:4-4"),
        ("m", "Giảm", "Cut", 2023, "Đồng Tháp", "Đồng Tháp", 20.0, 20.0, "eq", "percent", "dt", "dt.txt:1-1"),
        ("m", "Giảm", "Cut", 2023, "Đồng Tháp", "Đồng Tháp", 40.0, 40.0, "eq", "percent", "dt", "dt.txt:2-2"),
    ])
    reported = _targets([
        ("m", "Giảm", "Cut", 2030, "Phú Thọ", "Phú Thọ", 9.0, 9.0, "eq", "percent", "pt", "https://x.vn/a"),
        ("m", "Giảm", "Cut", 2024, "Đồng Tháp", "Đồng Tháp", 50.0, 50.0, "eq", "percent", "dt42", "https://x.vn/b"),
        ("m", "Giảm", "Cut", 2025, "Đà Nẵng", "Đà Nẵng", 5.0, 8.0, "range", "percent", "dn", "https://x.vn/c"),
    ])
    both = cv.side_by_side(verified, reported, shared_only=False)
    out = cv.indicator_by_province(both, "m")
    assert out.rows() == [
        ("phú-thọ", 2030, 10.0, 7.0, "7-10% (2030)", False, 1, "hb"),  # curated wins over reported in the same year
        ("đà-nẵng", 2025, 8.0, 5.0, "5-8% (2025)", True, 1, "dn"),
        ("đồng-tháp", 2024, 50.0, 50.0, "50% (2024)", True, 1, "dt42"),  # the latest year, reported
    ]  # sorted by slug
    curated_only = cv.indicator_by_province(both, "m", year=2023, include_reported=False)
    assert curated_only.rows() == [("đồng-tháp", 2023, 40.0, 20.0, "20-40% (2023)", False, 2, "dt")]
    with pytest.raises(ValueError, match="no target for indicator 'm' in 2040"):
        cv.indicator_by_province(both, "m", year=2040)


# --- the curated tables ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return load_curated(CURATED)


def test_registry_and_reported_targets_cover_what_the_issue_asks(frames):
    registry, reported = frames["plan_registry"], frames["reported_targets"]
    assert registry["province_slug"].n_unique() >= 15
    assert reported.height >= 6
    assert set(frames["plans"]["plan_id"]) <= set(registry["plan_id"].drop_nulls())
    # every row stands on a public page, or on its own text in data/raw
    assert registry.filter(pl.col("source_url").is_null() & pl.col("plan_id").is_null()).height == 0
    assert reported["source_url"].str.contains(SOURCE_URL_PATTERN).all()
    # the tiers stay apart: no reported target is a curated target
    assert not set(reported["reported_target_id"]) & set(frames["targets"]["target_id"])


def test_current_provinces_are_the_34_of_the_package_and_of_provinces_csv(frames):
    from vietnam_provinces import Province

    current = frames["current_provinces"]
    package = {p.codename.replace("_", "-"): (p.name.removeprefix("Thành phố ").removeprefix("Tỉnh "),
                                              f"{int(p.code):02d}") for p in Province.iter_all()}
    assert len(package) == current.height == 34
    assert {r["province_slug"]: (r["name_vi"], r["gso_code"]) for r in current.iter_rows(named=True)} == package
    successors = frames["provinces"].select("successor_slug", "successor_name_vi", "successor_gso_code").unique()
    assert sorted(successors.rows()) == sorted(current.select("province_slug", "name_vi", "gso_code").rows())


def _break(frames, table, key, row_id, **values):
    frame = frames[table]
    hit = pl.col(key) == row_id
    return frame.with_columns(pl.when(hit).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c)
                              for c, v in values.items())


@pytest.fixture(scope="module")
def broken(frames):
    """Coverage tables with one rule broken per row, and the (file, row id, column, message start) expected."""
    f = dict(frames)
    f["plan_registry"] = _break(f, "plan_registry", "registry_id", "lang-son_kh-235-2021",
                                source_url="thuviennhadat.vn/vbpl/235")
    f["plan_registry"] = _break(f, "plan_registry", "registry_id", "cao-bang_kh-1043-2021", source_url=None)
    f["plan_registry"] = _break(f, "plan_registry", "registry_id", "da-nang_kh-2020", source_published_on=None)
    f["plan_registry"] = _break(f, "plan_registry", "registry_id", "kien-giang_kh-135-2020",
                                period_start_year=2031)
    f["reported_targets"] = _break(f, "reported_targets", "reported_target_id", "ha-noi_kh-263-2023/r01",
                                   value_low=9.5)
    f["reported_targets"] = _break(f, "reported_targets", "reported_target_id", "vinh-long_kh-2021/r02",
                                   value_high=120.0)
    f["reported_targets"] = _break(f, "reported_targets", "reported_target_id", "ninh-binh_kh-87-2020/r01",
                                   indicator_code="no_such_indicator", source_url=" ")
    f["current_provinces"] = _break(f, "current_provinces", "province_slug", "hue", tile_row=9)  # on Đà Nẵng
    f["provinces"] = _break(f, "provinces", "province_slug", "ha-giang", successor_slug="ha-giang")
    f["plan_registry"] = f["plan_registry"].filter(pl.col("registry_id") != "thai-nguyen_kh-93-2019")
    expected = {
        ("plan_registry.csv", "lang-son_kh-235-2021", "source_url",
         "'thuviennhadat.vn/vbpl/235' does not match ^https?://"),
        ("plan_registry.csv", "cao-bang_kh-1043-2021", "source_url",
         "is empty, but it is required where plan_id is empty"),
        ("plan_registry.csv", "da-nang_kh-2020", "source_published_on",
         "is empty, but it is required where issued_on is empty"),
        ("plan_registry.csv", "kien-giang_kh-135-2020", "period_start_year", "period_start_year 2031 is above"),
        ("reported_targets.csv", "ha-noi_kh-263-2023/r01", "value_low", "value_low 9.5 is above value_high 4.5"),
        ("reported_targets.csv", "vinh-long_kh-2021/r02", "value_high", "a percent of 120 is outside 0-100"),
        ("reported_targets.csv", "ninh-binh_kh-87-2020/r01", "indicator_code",
         "'no_such_indicator' is not a known indicators.indicator_code"),
        ("reported_targets.csv", "ninh-binh_kh-87-2020/r01", "source_url", "' ' does not match ^https?://"),
        ("current_provinces.csv", "hue", "tile_row,tile_column", "duplicate key (tile_row, tile_column) = (9, 5)"),
        ("current_provinces.csv", "da-nang", "tile_row,tile_column", "duplicate key (tile_row, tile_column) = (9, 5)"),
        ("provinces.csv", "ha-giang", "successor_slug",
         "'ha-giang' is not a known current_provinces.province_slug"),
        ("plans.csv", "thai-nguyen_kh-93-2019", "plan_id",
         "plan 'thai-nguyen_kh-93-2019' has no row in plan_registry.csv; every plan needs at least one entry"),
    }
    return f, expected


@pytest.mark.parametrize("engine", [check_frames, validate_frames], ids=["polars", "great_expectations"])
def test_coverage_rules_fail_with_located_problems_in_both_engines(broken, engine):
    f, expected = broken
    report = engine(f, CURATED)
    found = {(Path(p.file).name, p.row_id, p.column, p.message) for p in report.problems}
    for file, row_id, column, start in expected:
        hits = [m for (fl, r, c, m) in found if (fl, r, c) == (file, row_id, column) and m.startswith(start)]
        assert len(hits) == 1, f"no {start!r} for {row_id} in\n" + "\n".join(map(str, sorted(found, key=str)))
    assert len(report.problems) == len(expected), "\n".join(map(str, report.problems))


def test_real_coverage_tables_pass(frames):
    report = check_frames(frames, CURATED)
    assert report.problems == []


# --- the views, on a tiny hand-built warehouse ----------------------------------------------------------


def _warehouse(rows: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES.values():
        con.execute(create_table_sql(table))
        for row in rows.get(table.name, []):
            full = {c: row.get(c) for c in table.column_names}
            con.execute(f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(full))})", list(full.values()))
    create_views(con)
    return con


def _province(slug, name, successor, successor_name):
    return {"province_slug": slug, "name_vi": name, "name_ascii": name, "division_type": "tỉnh",
            "gso_code": slug[:2], "successor_slug": successor, "successor_name_vi": successor_name,
            "successor_gso_code": successor[:2], "is_merged": slug != successor}


def _registry(registry_id, province, issued_on=None, published_on=None, plan_id=None, period=(2021, 2030)):
    return {"registry_id": registry_id, "province_slug": province, "doc_type": "ke_hoach", "issued_on": issued_on,
            "period_start_year": period[0], "period_end_year": period[1], "programme": "889/QĐ-TTg",
            "source_url": None if plan_id else "https://example.vn/x", "source_title": "t",
            "source_published_on": published_on, "source_shows": "s", "verified_on": "2026-12-03",
            "plan_id": plan_id, "doc_number": f"{registry_id}/KH-UBND"}


@pytest.fixture(scope="module")
def tiny():
    current = [{"province_slug": s, "name_vi": n, "name_ascii": n, "division_type": "tỉnh", "gso_code": c,
                "tile_row": r, "tile_column": 1} for s, n, c, r in
               (("ha-noi", "Hà Nội", "01", 1), ("phu-tho", "Phú Thọ", "25", 2), ("dien-bien", "Điện Biên", "11", 3))]
    provinces = [_province("ha-noi", "Hà Nội", "ha-noi", "Hà Nội"),
                 _province("hoa-binh", "Hòa Bình", "phu-tho", "Phú Thọ"),
                 _province("phu-tho", "Phú Thọ", "phu-tho", "Phú Thọ"),
                 _province("dien-bien", "Điện Biên", "dien-bien", "Điện Biên")]
    plans = [{"plan_id": "hoa-binh_qd-1", "province_slug": "hoa-binh", "doc_type": "quyet_dinh",
              "title_vi": "t", "issued_on": "2020-10-23", "period_start_year": 2021, "period_end_year": 2030,
              "programme": "889/QĐ-TTg", "issuing_body": "b", "raw_file": "hoa-binh_qd-1.txt"},
             {"plan_id": "ha-noi_kh-9", "province_slug": "ha-noi", "doc_type": "ke_hoach", "title_vi": "t",
              "issued_on": "2019-01-01", "period_start_year": 2019, "period_end_year": 2020,
              "programme": "76/QĐ-TTg", "issuing_body": "b", "raw_file": "ha-noi_kh-9.txt"}]
    registry = [_registry("hoa-binh_qd-1", "hoa-binh", issued_on="2020-10-23", plan_id="hoa-binh_qd-1"),
                _registry("phu-tho_kh-2", "phu-tho", published_on="2021-09-12"),
                _registry("ha-noi_kh-3", "ha-noi", issued_on="2023-11-06", period=(2024, 2024))]
    indicators = [{"indicator_code": "m", "label_vi": "Giảm", "label_en": "Cut", "unit": "percent",
                   "direction": "higher_is_stricter", "definition": "d", "is_benchmark_comparable": True}]
    reported = [{"reported_target_id": "ha-noi_kh-3/r01", "registry_id": "ha-noi_kh-3", "indicator_code": "m",
                 "scope_note": "s", "value_low": 3.5, "value_high": 4.5, "comparator": "range", "unit": "percent",
                 "value_as_reported": "3.5-4.5%", "target_year": 2024, "source_url": "https://example.vn/y",
                 "source_title": "t", "source_kind": "press", "source_language": "en", "verified_on": "2026-12-03"}]
    # ha-noi_kh-9 is curated but not registered: it still counts
    return _warehouse({"current_provinces": current, "provinces": provinces, "plans": plans,
                       "plan_registry": registry, "indicators": indicators, "reported_targets": reported})


def test_known_plans_view_dates_each_plan_and_adds_unregistered_curated_plans(tiny):
    rows = tiny.sql("SELECT registry_id, successor_slug, known_by_on, is_curated FROM known_plans").fetchall()
    assert rows == [("ha-noi_kh-9", "ha-noi", D("2019-01-01"), True),
                    ("hoa-binh_qd-1", "phu-tho", D("2020-10-23"), True),
                    ("phu-tho_kh-2", "phu-tho", D("2021-09-12"), False),
                    ("ha-noi_kh-3", "ha-noi", D("2023-11-06"), False)]


def test_national_coverage_view_one_row_per_province_of_today(tiny):
    rows = tiny.sql("""SELECT province_slug, former_names_vi, n_plans_known, n_plans_curated, n_former_with_plan,
                              coverage, registry_ids, plan_ids, first_known_on, latest_registry_id,
                              latest_issuer_name_vi, n_reported_targets
                       FROM national_coverage""").fetchall()
    assert rows == [  # Vietnamese order: Đ after D, before H
        ("dien-bien", ["Điện Biên"], 0, 0, 0, "none", [], [], None, None, None, 0),
        ("ha-noi", ["Hà Nội"], 2, 1, 1, "curated", ["ha-noi_kh-9", "ha-noi_kh-3"], ["ha-noi_kh-9"],
         D("2019-01-01"), "ha-noi_kh-3", "Hà Nội", 1),
        ("phu-tho", ["Hòa Bình", "Phú Thọ"], 2, 1, 2, "curated", ["hoa-binh_qd-1", "phu-tho_kh-2"],
         ["hoa-binh_qd-1"], D("2020-10-23"), "phu-tho_kh-2", "Phú Thọ", 0),
    ]


def test_national_indicator_and_reported_targets_from_a_database(tiny):
    ind = queries.national_indicator(tiny, on=D("2020-12-31"))
    assert (ind.n_current_with_plan, ind.n_current, ind.n_former_with_plan, ind.n_former) == (2, 3, 2, 4)
    assert ind.goal_percent is None  # no national target in this warehouse
    reported = queries.reported_targets(tiny)
    assert reported.select("reported_target_id", "province_name_vi", "successor_name_vi", "tier_label").rows() == [
        ("ha-noi_kh-3/r01", "Hà Nội", "Hà Nội", cv.REPORTED_MARK)]


# --- the real warehouse ---------------------------------------------------------------------------------


def test_real_national_coverage_has_the_34_provinces(con):
    cov = queries.national_coverage(con)
    assert cov.height == 34 and cov["n_former_provinces"].sum() == 63
    assert set(cov["coverage"]) == {"curated", "known", "none"}
    assert cov.filter(pl.col("coverage") == "curated")["province_name_vi"].to_list() == [
        "Đồng Tháp", "Hà Tĩnh", "Phú Thọ", "Thái Nguyên"]
    assert cov.filter(pl.col("coverage") != "none").height >= 15
    ind = queries.national_indicator(con, on=D("2026-12-03"))
    assert (ind.goal_percent, ind.goal_year, ind.goal_programme) == (90.0, 2030, "889/QĐ-TTg")
    assert ind.n_current == 34 and ind.n_former == 63
    assert ind.n_current_with_plan == cov.filter(pl.col("first_known_on") <= D("2026-12-03")).height


def test_reported_targets_stay_out_of_the_curated_tiers(con):
    curated_plans = {r[0] for r in con.execute("SELECT plan_id FROM plans").fetchall()}
    for view in ("target_matrix", "target_alignment"):
        ids = con.execute(f"SELECT DISTINCT unnest(plan_ids) FROM {view}" if view == "target_matrix"
                          else f"SELECT DISTINCT plan_id FROM {view}").fetchall()
        assert {r[0] for r in ids} <= curated_plans, view
    both = queries.targets_side_by_side(con)
    assert both["is_reported"].any() and (~both["is_reported"]).any()
    assert set(both.filter("is_reported")["tier_label"]) == {cv.REPORTED_MARK}
    assert both.filter("is_reported")["source"].str.contains(SOURCE_URL_PATTERN).all()


# --- the tile-grid map ----------------------------------------------------------------------------------


def _spec(chart) -> dict:
    return json.loads(chart.to_json())


def _data(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_coverage_map_draws_each_province_once_labelled_and_offline(con):
    cov = queries.national_coverage(con)
    spec = _spec(tilemap.coverage_map(cov, highlight="Hòa Bình"))  # a former province finds today's Phú Thọ
    text = json.dumps(spec)
    assert '"url"' not in text  # no data, font or image fetched
    rows = _data(spec)
    assert len(rows) == 34 and {r["province_name_vi"] for r in rows} == set(cov["province_name_vi"])
    assert [r["province_name_vi"] for r in rows if r["is_highlighted"]] == ["Phú Thọ"]
    sizes = [layer["mark"].get("fontSize") for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert sizes and min(sizes) >= 11
    assert spec["height"] > spec["width"]  # Viet Nam is tall
    assert {r["fill_label"] for r in rows} == set(tilemap.COVERAGE_LABELS.values())


def test_tile_map_refuses_bad_frames(con):
    cov = queries.national_coverage(con)
    with pytest.raises(ValueError, match="lacks column.*tile_row"):
        tilemap.coverage_map(cov.drop("tile_row"))
    with pytest.raises(ValueError, match="share a square: Hà Nội, Huế"):
        tilemap.coverage_map(cov.with_columns(pl.when(pl.col("province_slug") == "hue").then(3).otherwise(
            pl.col("tile_row")).alias("tile_row"), pl.when(pl.col("province_slug") == "hue").then(4).otherwise(
            pl.col("tile_column")).alias("tile_column")))
    with pytest.raises(ValueError, match="unknown coverage value"):
        tilemap.coverage_map(cov.with_columns(coverage=pl.lit("maybe")))
    with pytest.raises(sxtd_analysis.provinces.UnknownProvinceError):
        tilemap.coverage_map(cov, highlight="Atlantis")
    values = pl.DataFrame({"province_slug": ["ha-noi", "ha-noi"], "value": [1.0, 2.0]})
    with pytest.raises(ValueError, match="one value per province; repeated: ha-noi"):
        tilemap.value_map(values, cov)
    with pytest.raises(ValueError, match="not on the map: hoa-binh"):
        tilemap.value_map(pl.DataFrame({"province_slug": ["hoa-binh"], "value": [1.0]}), cov)
    with pytest.raises(ValueError, match="must hold numbers"):
        tilemap.value_map(pl.DataFrame({"province_slug": ["ha-noi"], "value": ["high"]}), cov)


def test_value_map_greys_missing_values_and_marks_reported_ones(con):
    cov = queries.national_coverage(con)
    values = pl.DataFrame({"province_slug": ["ha-tinh", "ha-noi"], "value": [85.0, 100.0],
                           "is_reported": [False, True]})
    spec = _spec(tilemap.value_map(values, cov, label="Siêu thị (supermarkets, %)", unit="percent"))
    rows = {r["province_name_vi"]: r for r in _data(spec)}
    assert rows["Hà Tĩnh"]["tip_value"] == "85%" and rows["Hà Nội"]["tip_tier"] == cv.REPORTED_MARK
    assert rows["Huế"]["tip_value"] == tilemap.NO_VALUE_LABEL and rows["Huế"]["value"] is None
    assert tilemap.REPORTED_NOTE in spec["title"]["subtitle"]
    # under the coloured squares, every province's square in grey (Vega-Lite drops a null colour's mark)
    backdrop = spec["layer"][0]
    assert backdrop["mark"]["color"] == tilemap.NO_VALUE_COLOUR and "transform" not in backdrop


def _conditions(channel: dict) -> list[dict]:
    """A channel's conditions in order (Vega-Lite takes one condition as a dict or several as a list)."""
    cond = channel.get("condition", [])
    return cond if isinstance(cond, list) else [cond]


def _maps(con) -> dict:
    cov = queries.national_coverage(con)
    values = pl.DataFrame({"province_slug": ["ha-tinh", "ha-noi"], "value": [85.0, 100.0],
                           "is_reported": [False, True]})
    return {"coverage": tilemap.coverage_map(cov, highlight="Hà Nội"),
            "value": tilemap.value_map(values, cov, highlight="Hà Tĩnh", subtitle=("a", "b"))}


def test_the_maps_are_valid_vega_lite_with_one_dataset_and_round_trip_through_altair(con):
    for kind, chart in _maps(con).items():
        chart.validate()
        spec = chart.to_dict()
        assert "config" not in spec, kind  # the caller may still layer or concatenate the map
        assert list(spec["datasets"]) == [spec["data"]["name"]], kind  # four layers, one dataset at the top
        assert all("data" not in layer for layer in spec["layer"]), kind
        back = chart.to_altair().to_dict()
        back.pop("config")  # Altair's default theme (continuousWidth/Height), not part of the map
        assert back == spec, kind


def test_the_squares_outline_the_highlight_and_dash_reported_values(con):
    maps = _maps(con)
    for kind, chart in maps.items():
        backdrop, squares, reported, labels, bold = chart.to_dict()["layer"]
        enc = squares["encoding"]
        assert [(c["test"], c["value"]) for c in _conditions(enc["stroke"])] == [
            ("datum.is_highlighted", "#000000")], kind
        assert enc["stroke"]["value"] == "#ffffff"
        assert [(c["test"], c["value"]) for c in _conditions(enc["strokeWidth"])] == [
            ("datum.is_highlighted", 3)] and enc["strokeWidth"]["value"] == 1
        assert "strokeDash" not in enc  # Vega-Lite drops a rect's strokeDash channel: the dashes are a layer
        assert reported["mark"]["strokeDash"] == [6, 3] and reported["mark"]["filled"] is False
        assert reported["transform"] == [{"filter": "datum.is_reported && !datum.is_highlighted"}]
        assert (enc["x2"], enc["y2"]) == ({"field": "x2"}, {"field": "y2"})
        assert labels["transform"] == [{"filter": "!datum.is_highlighted"}]
        assert bold["transform"] == [{"filter": "datum.is_highlighted"}] and bold["mark"]["fontWeight"] == "bold"
        for text in (labels, bold):
            assert [(c["test"], c["value"]) for c in _conditions(text["encoding"]["color"])] == [
                ("datum.dark", "#ffffff")]
        assert backdrop["encoding"]["tooltip"] == squares["encoding"]["tooltip"] == labels["encoding"]["tooltip"]
    coverage_colour = maps["coverage"].to_dict()["layer"][1]["encoding"]["color"]
    assert coverage_colour["field"] == "fill_label"
    assert coverage_colour["scale"]["range"] == list(tilemap.COVERAGE_COLOURS.values())
    value_spec = maps["value"].to_dict()
    [colour] = _conditions(value_spec["layer"][1]["encoding"]["color"])  # grey where the value is null
    assert (colour["test"], colour["field"], colour["type"]) == ("isValid(datum['value'])", "value", "quantitative")
    assert value_spec["layer"][1]["encoding"]["color"]["value"] == tilemap.NO_VALUE_COLOUR
    assert value_spec["title"]["subtitle"] == ["a", "b", tilemap.REPORTED_NOTE]
    rows = {r["province_name_vi"]: r for r in value_spec["datasets"][value_spec["data"]["name"]]}
    assert rows["Hà Tĩnh"]["is_highlighted"] and rows["Hà Nội"]["is_reported"] and not rows["Huế"]["is_reported"]


def test_a_reported_value_is_drawn_with_a_dashed_outline(con):
    """Drawn as a reader sees it: the reported province's square has a dashed orange outline, no other has."""
    import vl_convert

    cov = queries.national_coverage(con)
    values = pl.DataFrame({"province_slug": ["ha-tinh", "ha-noi"], "value": [85.0, 100.0],
                           "is_reported": [False, True]})
    svg = vl_convert.vegalite_to_svg(tilemap.value_map(values, cov).to_json())
    dashed = re.findall(r'<path[^>]*stroke-dasharray="6,3"[^>]*>', svg)
    assert len(dashed) == 1 and f'stroke="{tilemap.REPORTED_STROKE}"' in dashed[0]
    plain = vl_convert.vegalite_to_svg(tilemap.value_map(values.with_columns(is_reported=False), cov).to_json())
    assert "stroke-dasharray" not in plain


def test_the_tile_map_does_not_import_altair():
    import subprocess
    import sys

    code = "import sys, sxtd_analysis.tilemap; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_the_map_renders_to_png_without_network(con):
    import vl_convert as vlc

    png = vlc.vegalite_to_png(tilemap.coverage_map(queries.national_coverage(con)).to_json())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("name", "wrapped"), [("Hà Nội", "Hà Nội"), ("Thái Nguyên", "Thái\nNguyên"),
                                               ("Hồ Chí Minh", "Hồ Chí\nMinh"), ("Đắk Lắk", "Đắk Lắk")])
def test_long_names_wrap_onto_two_lines(name, wrapped):
    assert tilemap._wrap(name) == wrapped


def test_tile_grid_keeps_viet_nam_s_shape(frames):
    """The squares run north to south in the order of the provinces' centres and form one shape (touching at an
    edge or a corner, as the coast runs south-east), with the north-west mountains in the first column."""
    tiles = {r["province_slug"]: (r["tile_row"], r["tile_column"]) for r in frames["current_provinces"].iter_rows(
        named=True)}
    north_to_south = ["cao-bang", "thai-nguyen", "ha-noi", "ninh-binh", "nghe-an", "ha-tinh", "quang-tri", "hue",
                      "da-nang", "quang-ngai", "gia-lai", "dak-lak", "lam-dong", "ho-chi-minh", "can-tho"]
    rows = [tiles[s][0] for s in north_to_south]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    assert {s for s, (_, c) in tiles.items() if c == 1} == {"lai-chau", "dien-bien"}
    assert max(tiles.values())[0] == tiles["ca-mau"][0]  # Cà Mau is in the southernmost row
    seen, todo = set(), [next(iter(tiles.values()))]
    while todo:
        r, c = todo.pop()
        if (r, c) in seen:
            continue
        seen.add((r, c))
        todo += [t for t in tiles.values() if abs(t[0] - r) <= 1 and abs(t[1] - c) <= 1 and t not in seen]
    assert seen == set(tiles.values())


def test_most_shared_indicator_counts_provinces_of_today_across_both_tiers():
    import polars as pl

    from sxtd_analysis.coverage import _SIDE_BY_SIDE_COLUMNS, most_shared_indicator

    rows = [("a", "A", "Aa", "x"), ("a", "A", "Aa", "x"), ("b", "B", "Bb", "x"), ("b", "B", "Bb", "y")]
    frame = pl.DataFrame({c: [None] * len(rows) for c in _SIDE_BY_SIDE_COLUMNS}).with_columns(
        indicator_code=pl.Series([r[0] for r in rows]), label_vi=pl.Series([r[1] for r in rows]),
        label_en=pl.Series([r[2] for r in rows]), successor_slug=pl.Series([r[3] for r in rows]))
    # a: one province twice; b: two provinces
    assert most_shared_indicator(frame) == ("b", "B", "Bb")
