"""The charts of sxtd_analysis.charts: their Vega-Lite specifications on small hand-built frames and on the
real database, that they render to SVG, and the queries and tables behind them."""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys
import textwrap
from datetime import date

import polars as pl
import pytest
import vl_convert

import sxtd_analysis
from sxtd_analysis import chart_style, charts, findings, formatting, queries, tables, vega
from sxtd_analysis.schema import VERDICTS

PROVINCES_MIXED_UP = ["Thái Nguyên", "Đồng Tháp", "Hòa Bình", "Hà Tĩnh", "Điện Biên", "Đà Nẵng", "Bắc Ninh",
                      "Bạc Liêu", "An Giang", "Yên Bái", "Quảng Nam", "Quảng Bình", "Ninh Bình"]
PROVINCES_IN_ORDER = ["An Giang", "Bạc Liêu", "Bắc Ninh", "Đà Nẵng", "Điện Biên", "Đồng Tháp", "Hà Tĩnh",
                      "Hòa Bình", "Ninh Bình", "Quảng Bình", "Quảng Nam", "Thái Nguyên", "Yên Bái"]


# ------------------------------------------------------------------------------------------ helpers


def _datasets(spec: dict) -> dict[str, list[dict]]:
    return spec.get("datasets", {})


def _rows(spec: dict, node: dict | None = None) -> list[dict]:
    """Data rows of a (layer of a) specification: its own data, else the top level's."""
    data = (node or {}).get("data") or spec.get("data")
    return _datasets(spec)[data["name"]]


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _tooltip_fields(node: dict) -> list[str]:
    return [t["field"] for t in node["encoding"]["tooltip"]]


def _range_bars(spec: dict) -> dict:
    return next(lay for lay in _layers(spec) if lay["mark"]["type"] == "rule"
                and lay["encoding"].get("x2", {}).get("field") == "value_high")


def _svg(chart) -> str:
    """The chart checked against Vega-Lite's schema, then drawn as SVG."""
    chart.validate()
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    return svg


# --------------------------------------------------------------------------------------- hand-built


@pytest.fixture
def matrix() -> pl.DataFrame:
    """Rows like the target_matrix view's: three provinces, two shared indicators, two years for one."""
    rows = [
        ("dong-thap", "Đồng Tháp", "supermarket_eco_packaging", "Siêu thị dùng bao bì", "Supermarkets", 2023,
         80.0, 80.0, "eq", "percent", 1, "Supermarkets and also convenience stores.", "80% siêu thị", "dt.txt:73-77"),
        ("ha-tinh", "Hà Tĩnh", "supermarket_eco_packaging", "Siêu thị dùng bao bì", "Supermarkets", 2025,
         85.0, 85.0, "eq", "percent", 1, "Supermarkets.", "85% siêu thị", "ht.txt:73-77"),
        ("hoa-binh", "Hòa Bình", "supermarket_eco_packaging", "Siêu thị dùng bao bì", "Supermarkets", 2025,
         85.0, 85.0, "eq", "percent", 1, None, "85% siêu thị", "hb.txt:30-30"),
        ("hoa-binh", "Hòa Bình", "supermarket_eco_packaging", "Siêu thị dùng bao bì", "Supermarkets", 2030,
         100.0, 100.0, "eq", "percent", 1, None, "100% siêu thị", "hb.txt:38-38"),
        ("ha-tinh", "Hà Tĩnh", "scp_models", "Mô hình", "Models", 2025, 1.0, 2.0, "range", "count", 1,
         None, "01-02 mô hình", "ht.txt:67-67"),
        ("dong-thap", "Đồng Tháp", "market_bags", "Giảm túi nhựa tại chợ", "Market bags", 2023, 20.0, 40.0,
         "mixed", "percent", 2, "Civilised markets | Rural markets", "ít nhất 40% | 20%", "dt.txt:79-81; dt.txt:79-81"),
    ]
    cols = ["province_slug", "province_name_vi", "indicator_code", "label_vi", "label_en", "target_year",
            "value_low", "value_high", "comparator", "unit", "n_targets", "scope_note", "quote", "source"]
    return pl.DataFrame(rows, schema=cols, orient="row")


def _alignment_row(target_id, province, indicator, year, low, high, verdict, nat_low=None, nat_high=None,
                   bench_year=2025, unit="percent", comparator="eq", quote="quote"):
    return {"target_id": target_id, "plan_id": target_id.split("/")[0], "province_slug": province.lower(),
            "province_name_vi": province, "indicator_code": indicator, "label_vi": f"Chỉ tiêu {indicator}",
            "label_en": f"Indicator {indicator}", "target_year": year, "value_low": low, "value_high": high,
            "comparator": comparator, "unit": unit, "quote": quote, "line_start": 10, "line_end": 12,
            "benchmark_programme": "889/QĐ-TTg", "benchmark_year": bench_year,
            "national_target_id": None if nat_low is None else "n1", "national_value_low": nat_low,
            "national_value_high": nat_high, "national_comparator": "range", "national_quote": "5-8%",
            "national_is_verified": True, "verdict": verdict, "verdict_note": f"note {verdict}"}


@pytest.fixture
def alignment() -> pl.DataFrame:
    return pl.DataFrame([
        _alignment_row("ht_plan/t02", "Hà Tĩnh", "cut", 2025, 5.0, 8.0, "equal", 5.0, 8.0),
        _alignment_row("hb_plan/t01", "Hòa Bình", "cut", 2025, 5.0, 8.0, "equal", 5.0, 8.0),
        _alignment_row("hb_plan/t06", "Hòa Bình", "cut", 2030, 7.0, 10.0, "equal", 7.0, 10.0, bench_year=2030),
        _alignment_row("dt_plan/t09", "Đồng Tháp", "cut", 2023, 9.0, 9.0, "stricter", 5.0, 8.0,
                       quote="Giảm " + "rất nhiều " * 40 + "9%"),
        _alignment_row("dt_plan/t05", "Đồng Tháp", "bags", 2023, 40.0, 40.0, "no_benchmark", comparator="at_least"),
        _alignment_row("dt_plan/t06", "Đồng Tháp", "bags", 2023, 20.0, 20.0, "weaker", 50.0, 50.0),
        _alignment_row("ht_plan/t04", "Hà Tĩnh", "models", 2025, 1.0, 2.0, "no_benchmark", 20.0, 30.0,
                       unit="count", comparator="range"),
    ])


def test_vietnamese_sorted_follows_the_vietnamese_alphabet():
    assert formatting.vietnamese_sorted(PROVINCES_MIXED_UP + ["Hà Tĩnh", None]) == PROVINCES_IN_ORDER
    assert formatting.vietnamese_sorted(["Đồng Tháp", "Dak"]) == ["Dak", "Đồng Tháp"]  # Đ after D, not after Z
    assert formatting.vietnamese_sorted([]) == []


@pytest.mark.parametrize(("args", "text"), [
    ((5, 8, "percent", "range"), "5–8%"),
    ((85, 85, "percent", "eq"), "85%"),
    ((40, 40, "percent", "at_least"), "≥40%"),
    ((50, 50, "percent", "approx"), "≈50%"),
    ((1, 2, "count", "range"), "1–2"),
    ((3235715000, 3235715000, "vnd", "eq"), "3.235.715.000 đồng"),
    ((None, None, None, None), "—"),
])
def test_format_value(args, text):
    assert formatting.format_value(*args) == text


def test_target_matrix_chart_spec(matrix):
    spec = charts.target_matrix_chart(matrix).to_dict()
    layers = _layers(spec)
    assert [lay["mark"]["type"] for lay in layers] == ["rect", "text"]
    x, y = layers[0]["encoding"]["x"], layers[0]["encoding"]["y"]
    assert x["field"] == "province_name_vi" and x["sort"] == ["Đồng Tháp", "Hà Tĩnh", "Hòa Bình"]
    assert y["field"] == "label_vi" and y["sort"][0] == "Siêu thị dùng bao bì"  # shared by three provinces
    assert layers[0]["encoding"]["color"] == {"value": "#e8eef6"}  # no verdicts: one shade, no 0-100 scale
    assert layers[1]["encoding"]["text"]["field"] == "label"
    assert {"source", "quote", "label_en", "scope_note", "targets"} <= set(_tooltip_fields(layers[0]))
    rows = {(r["province_name_vi"], r["indicator_code"]): r for r in _rows(spec)}
    assert len(rows) == 5  # one cell per province and indicator; none where a province set no target
    assert ("Hòa Bình", "scp_models") not in rows
    assert rows[("Hòa Bình", "supermarket_eco_packaging")]["label"] == "85% (2025)\n100% (2030)"
    assert rows[("Hà Tĩnh", "scp_models")]["label"] == "1–2 (2025)"
    assert rows[("Đồng Tháp", "market_bags")]["label"] == "20–40% ×2 (2023)"
    assert rows[("Hà Tĩnh", "supermarket_eco_packaging")]["source"] == "ht.txt:73-77"
    assert rows[("Đồng Tháp", "supermarket_eco_packaging")]["quote"] == "2023: 80% siêu thị"


def test_target_matrix_chart_colours_cells_by_verdict_the_same_on_every_indicator(alignment):
    """A percentage that equals the national value and a count that does look the same: the colour is the
    verdict's, never a level on one 0-100 scale shared by different measures."""
    spec = charts.target_matrix_chart(alignment).to_dict()
    colour = _layers(spec)[0]["encoding"]["color"]
    assert colour["field"] == "verdict_label"
    assert dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True)) == {
        label: charts.VERDICT_COLOURS.get(code, charts.MIXED_COLOUR)
        for code, label in {**charts.VERDICT_LABELS, charts.MIXED: charts.MIXED_LABEL}.items()
        if label in colour["scale"]["domain"]}
    rows = {(r["province_name_vi"], r["indicator_code"]): r for r in _rows(spec)}
    assert rows[("Đồng Tháp", "bags")]["verdict"] == charts.MIXED


def _crowded_matrix(n: int) -> pl.DataFrame:
    """One province x indicator cell holding n targets a year for 2025 and 2030, as at national scale."""
    quotes = [f"Kế hoạch {i}: giảm {i % 9 + 1}% tiêu hao nguyên liệu, nhiên liệu trong sản xuất công nghiệp "
              f"của tỉnh đến năm {2025 if i % 2 else 2030}." for i in range(2 * n)]
    return pl.DataFrame([
        {"province_slug": "ha-tinh", "province_name_vi": "Hà Tĩnh", "indicator_code": "cut", "label_vi": "Giảm",
         "label_en": "Cut", "target_year": year, "value_low": 1.0, "value_high": 9.0, "comparator": "eq",
         "unit": "percent", "n_targets": n, "scope_note": " | ".join(f"phạm vi {i}" for i in range(n)),
         "quote": " | ".join(quotes[k * n:(k + 1) * n]),
         "source": "; ".join(f"p{i}.txt:{i}-{i + 1}" for i in range(k * n, (k + 1) * n))}
        for k, year in enumerate((2025, 2030))])


def test_crowded_cells_carry_only_what_their_tooltips_show():
    """At national scale a cell joins hundreds of quotes: the chart keeps whole quotes up to what a tooltip
    shows, counts the rest, and does not carry the full text (splitting it took seconds, the page 250 MB)."""
    crowded = _crowded_matrix(200)
    spec = charts.target_matrix_chart(crowded).to_dict()
    (cell,) = _rows(spec, _layers(spec)[0])
    shown = cell["quote"]  # one tooltip row, cut to what it shows
    assert len(shown) < charts.TOOLTIP_CHUNK * (charts.TOOLTIP_PARTS + 1)
    kept = shown.count("Kế hoạch ")
    assert 1 <= kept < 400 and f"(+{400 - kept} trích dẫn khác / more quotes)" in shown
    assert shown.startswith("2025: Kế hoạch 0: giảm 1% tiêu hao")  # whole quotes, in the cell's order
    assert cell["source"].endswith(f"(+{400 - cell['source'].count('.txt:')} nguồn khác / more sources)")
    assert len(cell["source"]) < charts.TOOLTIP_LIST + 40 and len(cell["scope_note"]) < charts.TOOLTIP_LIST + 40
    # a cell that fits is shown whole, as before
    (few,) = _rows(*(lambda s: (s, _layers(s)[0]))(charts.target_matrix_chart(_crowded_matrix(1)).to_dict()))
    assert "more quotes" not in few["quote"]


def test_a_crowded_verdict_cell_names_its_first_values_and_counts_the_rest():
    rows = pl.DataFrame([_alignment_row(f"p{i}/t01", "Hà Tĩnh", "cut", 2025, float(i), float(i), "stricter", 1.0, 2.0,
                                        quote=f"Kế hoạch {i}: giảm {i}%.") for i in range(3, 63)])
    spec = charts.alignment_chart(rows).to_dict()
    (cell,) = _rows(spec, _layers(spec)[0])
    assert cell["label"] == "3% / 4% / … (+58)"
    assert cell["targets"].startswith("3% (2025); 4% (2025); ")
    assert cell["targets"].endswith("mục tiêu khác / more targets)")
    assert len(cell["targets"]) < charts.TOOLTIP_LIST + 40
    few = charts.alignment_chart(rows.head(charts.CELL_VALUES)).to_dict()
    assert _rows(few, _layers(few)[0])[0]["label"] == "3% / 4% / 5%"


def test_listed_names_the_first_items_and_counts_the_rest():
    assert formatting.listed([]) == "" and formatting.listed(["Hà Tĩnh"]) == "Hà Tĩnh"
    names = [f"p{i}" for i in range(formatting.LISTED)]
    assert formatting.listed(names) == ", ".join(names)
    assert formatting.listed([*names, "x", "y"], sep="; ") == "; ".join(names) + "; and 2 more"
    assert formatting.listed(iter("abcd"), limit=2) == "a, b, and 2 more"


def test_latest_plan_ids_picks_each_provinces_latest_plan():
    plans = pl.DataFrame({"province_name_vi": ["Hà Tĩnh", "Hà Tĩnh", "Hà Tĩnh", "Đồng Tháp", "Đồng Tháp"],
                          "plan_id": ["ht-2021", "ht-2024", "ht-2026", "dt-a", "dt-b"],
                          "period_start_year": [2021, 2024, 2026, 2023, 2023],
                          "period_end_year": [2025, 2024, 2030, 2023, 2023]})
    assert sorted(findings.latest_plan_ids(plans).to_list()) == ["dt-b", "ht-2026"]
    tasks = plans.join(pl.DataFrame({"plan_id": ["ht-2021", "ht-2021", "dt-a"], "task_id": ["1", "2", "3"]}),
                       on="plan_id")
    assert sorted(findings.latest_plan_ids(tasks).to_list()) == ["dt-a", "ht-2021"]  # among the plans given


def test_one_overlong_text_is_cut_between_words_and_counted():
    text = "từ " * 400
    shown = chart_style.bounded(text, charts.TOOLTIP_CHUNK * charts.TOOLTIP_PARTS, None, "")
    assert shown.endswith(" ký tự / characters)") and len(shown) < charts.TOOLTIP_CHUNK * charts.TOOLTIP_PARTS + 40
    cut = int(re.search(r"\(\+([\d,]+) ký tự", shown)[1].replace(",", ""))
    assert 0 < cut < len(text) and shown.startswith("từ từ")


def test_target_matrix_chart_keeps_columns_for_provinces_without_targets(matrix):
    spec = charts.target_matrix_chart(matrix, sort=["An Giang", "Đồng Tháp", "Hà Tĩnh", "Hòa Bình"]).to_dict()
    x = _layers(spec)[0]["encoding"]["x"]
    assert x["scale"]["domain"] == ["An Giang", "Đồng Tháp", "Hà Tĩnh", "Hòa Bình"]


def test_charts_accept_pandas(matrix, alignment):
    assert (_rows(charts.target_matrix_chart(matrix.to_pandas()).to_dict())
            == _rows(charts.target_matrix_chart(matrix).to_dict()))
    assert (_rows(charts.alignment_chart(alignment.to_pandas()).to_dict())
            == _rows(charts.alignment_chart(alignment).to_dict()))


def test_indicator_range_chart_spec(alignment):
    spec = charts.indicator_range_chart(alignment, "cut").to_dict()
    layers = _layers(spec)
    bars = _range_bars(spec)
    assert bars["encoding"]["x"]["field"] == "value_low"
    assert bars["encoding"]["y"]["sort"] == ["Đồng Tháp · 2023", "Hà Tĩnh · 2025", "Hòa Bình · 2025",
                                             "Hòa Bình · 2030"]
    colour = bars["encoding"]["color"]
    verdicts = set(alignment.filter(pl.col("indicator_code") == "cut")["verdict"])
    present = [v for v in charts.VERDICT_LABELS if v in verdicts]
    assert colour["scale"]["domain"] == [charts.VERDICT_LABELS[v] for v in present]  # the codebook's order
    assert colour["scale"]["range"] == [charts.VERDICT_COLOURS[v] for v in present]
    assert {"quote", "source", "verdict_note", "verdict_shown", "national_text"} <= set(_tooltip_fields(bars))
    rows = _rows(spec, bars)
    assert {r["row"] for r in rows} == set(bars["encoding"]["y"]["sort"])
    assert {r["source"] for r in rows} == {"ht_plan.txt:10-12", "hb_plan.txt:10-12", "dt_plan.txt:10-12"}
    long = next(r for r in rows if r["target_id"] == "dt_plan/t09")
    assert long["quote"] == alignment.filter(pl.col("target_id") == "dt_plan/t09")["quote"][0]  # whole, one row
    # the national benchmark: one rule per edge of each milestone's range, labelled
    rules = next(lay for lay in layers if lay["mark"]["type"] == "rule" and lay["encoding"]["x"]["field"] == "edge")
    edges = sorted((r["year"], r["edge"]) for r in _rows(spec, rules))
    assert edges == [("2025", 5.0), ("2025", 8.0), ("2030", 7.0), ("2030", 10.0)]
    assert rules["encoding"]["strokeDash"]["scale"]["domain"] == [
        "Quốc gia 2025 (889/QĐ-TTg): 5–8%", "Quốc gia 2030 (889/QĐ-TTg): 7–10%"]


def test_indicator_range_chart_marks_a_benchmark_on_another_scale(alignment):
    spec = charts.indicator_range_chart(alignment, "models").to_dict()
    rules = next(lay for lay in _layers(spec) if lay["mark"]["type"] == "rule"
                 and lay["encoding"]["x"]["field"] == "edge")
    assert rules["encoding"]["strokeDash"]["scale"]["domain"] == [
        "Quốc gia 2025 (889/QĐ-TTg): 20–30 — không cùng thang đo (not comparable)"]


def test_indicator_range_chart_separates_two_targets_of_one_year(alignment):
    spec = charts.indicator_range_chart(alignment, "bags").to_dict()
    bars = _range_bars(spec)
    assert bars["encoding"]["y"]["sort"] == ["Đồng Tháp · 2023 · t05", "Đồng Tháp · 2023 · t06"]


def test_indicator_range_chart_refuses_ambiguous_input(alignment):
    with pytest.raises(ValueError, match="several indicators"):
        charts.indicator_range_chart(alignment)
    with pytest.raises(ValueError, match="no targets"):
        charts.indicator_range_chart(alignment, "nothing")


def test_indicator_range_chart_on_matrix_rows_without_verdicts(matrix):
    spec = charts.indicator_range_chart(matrix, "supermarket_eco_packaging").to_dict()
    bars = _range_bars(spec)
    assert bars["encoding"]["color"] == {"value": "#3182bd"}
    assert len(_rows(spec, bars)) == 4


def test_alignment_chart_spec(alignment):
    spec = charts.alignment_chart(alignment).to_dict()
    rects, text = _layers(spec)
    colour = rects["encoding"]["color"]
    assert colour["field"] == "verdict_label"
    present = [v for v in charts.VERDICT_LABELS if v in {r["verdict"] for r in _rows(spec)}]
    assert colour["scale"]["domain"] == [charts.VERDICT_LABELS[v] for v in present] + [charts.MIXED_LABEL]
    assert colour["scale"]["range"] == [charts.VERDICT_COLOURS[v] for v in present] + [charts.MIXED_COLOUR]
    assert rects["encoding"]["x"]["sort"] == ["Đồng Tháp", "Hà Tĩnh", "Hòa Bình"]
    assert {"verdict_note", "source", "national_text", "quote"} <= set(_tooltip_fields(rects))
    cells = {(r["province_name_vi"], r["row"]): r for r in _rows(spec)}
    bags = cells[("Đồng Tháp", "Chỉ tiêu bags · mốc 2025")]
    assert bags["verdict"] == charts.MIXED and bags["label"] == "≥40% / 20% (2023)"
    assert cells[("Hòa Bình", "Chỉ tiêu cut · mốc 2030")]["verdict"] == "equal"
    assert cells[("Hòa Bình", "Chỉ tiêu cut · mốc 2030")]["label"] == "7–10%"
    assert cells[("Đồng Tháp", "Chỉ tiêu cut · mốc 2025")]["verdict_label"] == charts.VERDICT_LABELS["stricter"]


def test_alignment_chart_has_no_mixed_colour_when_not_needed(alignment):
    spec = charts.alignment_chart(alignment.filter(pl.col("indicator_code") != "bags")).to_dict()
    assert charts.MIXED_LABEL not in _layers(spec)[0]["encoding"]["color"]["scale"]["domain"]


@pytest.fixture
def plans() -> pl.DataFrame:
    return pl.DataFrame({
        "plan_id": ["ht_plan", "tn_plan", "dt_plan"], "province_slug": ["ha-tinh", "thai-nguyen", "dong-thap"],
        "province_name_vi": ["Hà Tĩnh", "Thái Nguyên", "Đồng Tháp"],
        "doc_number": ["484/KH-UBND", "93/KH-UBND", None],
        "issued_on": [date(2020, 12, 15), date(2019, 6, 28), None],
        "period_start_year": [2021, 2019, 2023], "period_end_year": [2025, 2020, 2023],
        "vision_year": [None, 2030, None], "programme": ["889/QĐ-TTg", "76/QĐ-TTg", "889/QĐ-TTg"],
        "raw_file": ["ht.txt", "tn.txt", "dt.txt"], "title_vi": ["Kế hoạch", "Kế hoạch", "Kế hoạch"],
        "successor_name_vi": ["Hà Tĩnh", "Thái Nguyên", "Đồng Tháp"],
    })


def test_plan_timeline_chart_spec(plans, alignment):
    spec = charts.plan_timeline_chart(plans, alignment.filter(pl.col("province_name_vi") != "Hòa Bình")).to_dict()
    layers = _layers(spec)
    marks = [(lay["mark"]["type"], lay["mark"].get("shape")) for lay in layers]
    assert ("bar", None) in marks and ("point", "diamond") in marks and ("point", "triangle-down") in marks
    bars = next(lay for lay in layers if lay["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["field"] == "x0" and bars["encoding"]["x2"]["field"] == "x1"
    assert bars["encoding"]["y"]["sort"] == ["Đồng Tháp", "Hà Tĩnh", "Thái Nguyên"]
    assert {"doc_number", "issued", "period", "raw_file", "successor"} <= set(_tooltip_fields(bars))
    rows = {r["province_name_vi"]: r for r in _rows(spec, bars)}
    assert (rows["Hà Tĩnh"]["x0"], rows["Hà Tĩnh"]["x1"]) == (2021.0, 2026.0)  # 1 Jan 2021 to the end of 2025
    assert rows["Đồng Tháp"]["period"] == "2023" and rows["Đồng Tháp"]["doc_number"].startswith("(không số")
    assert rows["Đồng Tháp"]["issued"].startswith("chưa ghi")
    assert 2020.9 < rows["Hà Tĩnh"]["issued_x"] < 2021  # 15 December 2020: late in 2020, not mid-2020
    vision = next(lay for lay in layers if lay["mark"]["type"] == "rule" and "x2" in lay["encoding"])
    assert [(r["vision_year"], r["vision_x"]) for r in _rows(spec, vision)] == [(2030, 2031.0)]
    diamonds = next(lay for lay in layers if lay["mark"].get("shape") == "diamond")
    points = {(r["province_name_vi"], r["target_year"]): r["n_targets"] for r in _rows(spec, diamonds)}
    assert points == {("Hà Tĩnh", 2025): 2, ("Đồng Tháp", 2023): 3}
    assert {(r["target_year"], r["x"]) for r in _rows(spec, diamonds)} == {(2025, 2025.5), (2023, 2023.5)}
    milestones = next(lay for lay in layers if lay["mark"]["type"] == "rule" and "x2" not in lay["encoding"])
    assert [(r["year"], r["x"]) for r in _rows(spec, milestones)] == [(2020, 2020.5), (2025, 2025.5), (2030, 2030.5)]
    # one tick per year, each labelled once, at 1 January (Đồng Tháp's axis read "2022 2023 2023 2024 2024")
    axis = bars["encoding"]["x"]["axis"]
    assert axis["values"] == sorted(set(axis["values"])) and axis["values"] == list(range(axis["values"][0],
                                                                                          axis["values"][-1] + 1))
    assert axis["format"] == "d" and axis["labelAlign"] == "left"
    # the size legend draws: whole numbers, a domain from zero (one count for all drew "MNaN", labels "1.0")
    size = diamonds["encoding"]["size"]
    assert size["scale"]["domain"][0] == 0 and size["legend"]["format"] == "d"
    assert all(isinstance(v, int) for v in size["legend"]["values"])


@pytest.fixture
def agencies() -> pl.DataFrame:
    return pl.DataFrame({
        "agency_code": ["doit", "doit", "donre", "dost"],
        "agency_name_vi": ["Sở Công Thương", "Sở Công Thương", "Sở Tài nguyên và Môi trường",
                           "Sở Khoa học và Công nghệ"],
        "agency_name_en": ["Industry and Trade", "Industry and Trade", "Natural Resources", "Science"],
        "plan_id": ["ht_plan", "dt_plan", "ht_plan", "dt_plan"],
        "province_name_vi": ["Hà Tĩnh", "Đồng Tháp", "Hà Tĩnh", "Đồng Tháp"],
        "n_tasks": [27, 2, 5, 5], "n_tasks_as_co_lead": [0, 0, 0, 1], "first_year": [2021, 2023, 2021, 2023],
        "last_year": [2025, 2023, 2025, 2023],
    })


def test_agency_task_chart_spec(agencies):
    spec = charts.agency_task_chart(agencies).to_dict()
    bars, totals = _layers(spec)
    assert bars["encoding"]["x"]["aggregate"] == "sum" and bars["encoding"]["x"]["field"] == "n_tasks"
    # most tasks first; a tie ordered the Vietnamese way (Khoa before Tài)
    assert bars["encoding"]["y"]["sort"] == ["Sở Công Thương", "Sở Khoa học và Công nghệ",
                                             "Sở Tài nguyên và Môi trường"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Đồng Tháp", "Hà Tĩnh"]
    assert bars["encoding"]["order"]["field"] == "province_rank"
    assert {r["agency_name_vi"]: r["total"] for r in _rows(spec, totals)}["Sở Công Thương"] == 29
    top = charts.agency_task_chart(agencies, top=1).to_dict()
    assert _layers(top)[0]["encoding"]["y"]["sort"] == ["Sở Công Thương"]


def test_agency_task_chart_sums_a_provinces_plans(agencies):
    """A province with many plans (yearly plans over a decade) gets one bar segment per agency, not one per plan."""
    yearly = pl.concat([agencies.with_columns(plan_id=pl.col("plan_id") + f"-{year}", first_year=pl.lit(year),
                                              last_year=pl.lit(year), n_partner_links=pl.col("n_tasks") * (year - 2019),
                                              avg_partners_per_task=pl.lit(0.0))
                        for year in range(2020, 2030)])
    spec = charts.agency_task_chart(yearly).to_dict()
    bars, totals = _layers(spec)
    rows = {(r["agency_name_vi"], r["province_name_vi"]): r for r in _rows(spec, bars)}
    assert len(rows) == agencies.height == len(_rows(spec, bars))
    doit = rows[("Sở Công Thương", "Hà Tĩnh")]
    assert doit["n_tasks"] == 270 and doit["years"] == "2020–2029" and doit["plan_id"] == "10 kế hoạch (plans)"
    assert doit["avg_partners_per_task"] == 5.5  # partner links over tasks, not the mean of the plans' means
    assert {r["agency_name_vi"]: r["total"] for r in _rows(spec, totals)}["Sở Công Thương"] == 290
    # one plan a province: the rows as given
    single = charts.agency_task_chart(agencies).to_dict()
    assert _rows(single, _layers(single)[0])[0]["plan_id"] == "ht_plan"


@pytest.fixture
def tasks() -> pl.DataFrame:
    return pl.DataFrame({
        "task_id": ["ht_plan/I-01", "ht_plan/II-07", "hb_plan/T-01"],
        "plan_id": ["ht_plan", "ht_plan", "hb_plan"],
        "title": ["Tập huấn", "Lồng ghép " * 30, "Hàng năm"],
        "lead_agency_code": ["doit", "provincial_agencies", "doit"],
        "lead_agency_name_vi": ["Sở Công Thương", "Các Sở, ban, ngành cấp tỉnh", "Sở Công Thương"],
        "start_year": [2021, None, None], "end_year": [2025, None, None],
        "timing_as_printed": ["2021-2025", None, "Hàng năm"], "frequency": [None, None, "Hàng năm"],
        "line_start": [493, 610, 104], "line_end": [511, 622, 109],
    }, schema_overrides={"start_year": pl.Int32, "end_year": pl.Int32})


@pytest.fixture
def task_plans() -> pl.DataFrame:
    return pl.DataFrame({"plan_id": ["ht_plan", "hb_plan"], "province_name_vi": ["Hà Tĩnh", "Hòa Bình"],
                         "period_start_year": [2021, 2021], "period_end_year": [2025, 2030],
                         "raw_file": ["ht.txt", "hb.txt"]})


def test_task_timeline_chart_spec(tasks, task_plans):
    spec = charts.task_timeline_chart(tasks, task_plans).to_dict()
    assert spec["facet"]["row"]["field"] == "agency"
    assert spec["facet"]["row"]["sort"] == ["Sở Công Thương", "Các Sở, ban, ngành cấp tỉnh"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    inner = spec["spec"]
    assert inner["mark"]["type"] == "rect"
    assert inner["encoding"]["x"]["field"] == "x0" and inner["encoding"]["x2"]["field"] == "x1"
    assert inner["encoding"]["opacity"]["field"] == "years_source"
    assert {"title", "timing", "source", "frequency"} <= set(_tooltip_fields(inner))
    assert "task_id" not in _tooltip_fields(inner)  # a code, not for the reader: the row as printed instead
    rows = {r["task_id"]: r for r in _rows(spec)}
    assert rows["ht_plan/I-01"]["years_source"] == charts.YEARS_PRINTED
    assert (rows["ht_plan/I-01"]["start"], rows["ht_plan/I-01"]["end"]) == (2021, 2025)
    assert (rows["ht_plan/I-01"]["x0"], rows["ht_plan/I-01"]["x1"]) == (2021.0, 2026.0)
    fallback = rows["hb_plan/T-01"]
    assert fallback["years_source"] == charts.YEARS_FROM_PLAN and (fallback["start"], fallback["end"]) == (2021, 2030)
    assert fallback["label"] == "Hòa Bình · T-01 *" and "no years printed" in fallback["timing"]
    assert fallback["source"] == "hb.txt:104-109"
    assert len(rows["ht_plan/II-07"]["title"]) > charts.TOOLTIP_CHUNK  # one row, not split over several


def test_task_timeline_chart_needs_plan_periods(tasks):
    with pytest.raises(ValueError, match="plan periods"):
        charts.task_timeline_chart(tasks)


def test_agency_network_chart_spec():
    edges = pl.DataFrame({"lead_name_vi": ["Sở Công Thương", "Sở Công Thương", "Đài Phát thanh"],
                          "partner_name_vi": ["UBND các huyện", "Báo tỉnh", "Báo tỉnh"],
                          "n_tasks": [47, 3, 2], "provinces": ["Hà Tĩnh", "Hà Tĩnh", "Hà Tĩnh"]})
    spec = charts.agency_network_chart(edges).to_dict()
    rect = _layers(spec)[0]
    assert rect["encoding"]["y"]["sort"] == ["Sở Công Thương", "Đài Phát thanh"]
    assert rect["encoding"]["x"]["sort"] == ["UBND các huyện", "Báo tỉnh"]
    assert rect["encoding"]["color"]["field"] == "n_tasks"
    assert len(_rows(spec)) == 3


def test_agency_and_timeline_charts_validate_and_round_trip_through_altair(plans, alignment, agencies, tasks,
                                                                          task_plans):
    """task_charts writes Vega-Lite as dicts (no Altair at run time): each chart is valid against the schema, and
    `to_altair()` gives a researcher the same chart as an Altair object."""
    edges = pl.DataFrame({"lead_name_vi": ["Sở Công Thương"], "partner_name_vi": ["Báo tỉnh"], "n_tasks": [3]})
    made = [charts.plan_timeline_chart(plans, alignment), charts.plan_timeline_chart(plans),
            charts.agency_task_chart(agencies), charts.task_timeline_chart(tasks, task_plans),
            charts.agency_network_chart(edges)]
    for chart in made:
        assert isinstance(chart, vega.Chart)
        chart.validate()
        spec = chart.to_dict()
        marks = [lay["mark"] for lay in _layers(spec.get("spec", spec))]
        again = chart.to_altair().to_dict()
        assert [lay["mark"] for lay in _layers(again.get("spec", again))] == marks
        assert again["title"] == spec["title"]


def _cells(html: str) -> list[tuple[str, str]]:
    """(alignment, text) of each body cell: 'left' for text, 'right' for numbers (report.css)."""
    return [("right" if "sxtd-num" in kind else "left", text)
            for kind, text in re.findall(r'<td class="([^"]*)"[^>]*>(.*?)</td>', html, re.S)]


def test_html_table_reads_well_without_code():
    frame = pl.DataFrame({"a": ["<b>Hà Tĩnh</b>", None], "b": [[1, 2], None], "c": [1.5, 2.0]})
    html = tables.html_table(frame, {"a": "Tỉnh <province>", "b": "Năm", "c": "Giá trị"})
    assert "Tỉnh &lt;province&gt;" in html and "&lt;b&gt;Hà Tĩnh&lt;/b&gt;" in html and "<b>" not in html
    assert _cells(html) == [("left", "&lt;b&gt;Hà Tĩnh&lt;/b&gt;"), ("left", "1; 2"), ("right", "1.5"),
                            ("left", "—"), ("left", "—"), ("right", "2")]
    assert "index" not in html and "rows shown" not in html
    assert "1 trên 2 dòng" in tables.html_table(frame, ["a"], max_rows=1)
    assert tables.html_table(frame.to_pandas(), ["c"]).count("<tr") == 3
    assert "https://" not in html and "<script" not in html  # offline: nothing fetched


def test_html_table_aligns_text_left_numbers_right_and_lets_long_text_wrap():
    frame = pl.DataFrame({"quote": ["x " * 100, "ngắn"], "label": ["Giảm tiêu hao nguyên liệu", "b"],
                          "year": [2025, None], "ok": [True, False], "on": [date(2020, 12, 15), None],
                          "value": [float("nan"), 1e-7]})
    html = tables.html_table(frame)
    cells = _cells(html)
    assert [c[0] for c in cells[:6]] == ["left", "left", "right", "left", "left", "right"]
    assert [c[1] for c in cells[6:]] == ["ngắn", "b", "—", "không (no)", "—", "0"]
    assert cells[3][1] == "có (yes)" and cells[4][1] == "2020-12-15" and cells[5][1] == "—"  # NaN is missing
    kinds = re.findall(r'<td class="([^"]*)"', html)[:2]
    assert kinds == ["sxtd-text sxtd-long", "sxtd-text sxtd-medium"]  # wide enough to read: never a word a line
    assert html.startswith('<div class="sxtd-table">')  # the box a wide table scrolls in (report.css)
    # a table of WIDE columns or more carries each cell's header, for its print layout
    wide = tables.html_table(pl.DataFrame({f"c{i} <x>": [i] for i in range(tables.WIDE)}))
    assert 'class="sxtd-table sxtd-wide"' in wide and 'data-label="c0 &lt;x&gt;"' in wide
    assert "data-label" not in tables.html_table(pl.DataFrame({f"c{i}": [i] for i in range(tables.WIDE - 1)}))
    assert wide.count("data-label=") == tables.WIDE


def test_html_table_escapes_every_curated_string_of_the_real_tables(con):
    for name in ("targets", "tasks", "plans", "target_matrix", "target_alignment", "tasks_by_agency"):
        frame = con.sql(f"SELECT * FROM {name}").pl()
        html = tables.html_table(frame)
        assert len(_cells(html)) == frame.height * frame.width, name
        for column, dtype in frame.schema.items():
            if dtype == pl.String:
                for value in frame[column].drop_nulls().head(20):
                    assert html_lib.escape(value.strip()) in html, (name, column)


def test_chart_validation_skips_rfc3987_syntax_and_still_validates():
    """jsonschema loads rfc3987_syntax (~1.2 s) only for formats Vega-Lite does not use: validating a chart (which
    imports Altair) keeps it out, and still refuses a wrong specification; making charts imports neither."""
    code = textwrap.dedent("""
        import json, sys
        import polars as pl
        from sxtd_analysis import charts, vega
        chart = charts.agency_task_chart(pl.DataFrame(
            {"agency_name_vi": ["Sở Công Thương"], "province_name_vi": ["Hà Tĩnh"], "n_tasks": [3]}))
        made_without = "altair" not in sys.modules and "jsonschema" not in sys.modules
        chart.validate()
        wrong = vega.Chart({"mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative", "bin": "yes"}},
                            "data": {"values": [{"a": 1}]}})
        try:
            wrong.validate()
            validated = False
        except ValueError as err:
            validated = "encoding/x" in str(err)
        print(json.dumps([made_without, sys.modules.get("rfc3987_syntax", "absent") is None, validated]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [True, True, True]


@pytest.mark.parametrize("name", ["matrix", "range", "alignment", "timeline", "agency", "tasks", "network"])
def test_hand_built_charts_render_to_svg(name, matrix, alignment, plans, agencies, tasks, task_plans):
    chart = {
        "matrix": lambda: charts.target_matrix_chart(matrix),
        "range": lambda: charts.indicator_range_chart(alignment, "cut"),
        "alignment": lambda: charts.alignment_chart(alignment),
        "timeline": lambda: charts.plan_timeline_chart(plans, alignment),
        "agency": lambda: charts.agency_task_chart(agencies),
        "tasks": lambda: charts.task_timeline_chart(tasks, task_plans),
        "network": lambda: charts.agency_network_chart(pl.DataFrame(
            {"lead_name_vi": ["Sở Công Thương"], "partner_name_vi": ["Báo tỉnh"], "n_tasks": [3]})),
    }[name]()
    svg = _svg(chart)
    assert "Hà Tĩnh" in svg or "Sở Công Thương" in svg  # Vietnamese text survives, diacritics included


# ------------------------------------------------------------------------------------- real database


def test_queries_on_the_real_database(con):
    plans = queries.load_plans(con)
    assert plans["province_name_vi"].to_list() == sxtd_analysis.list_provinces(con)["name_vi"].to_list()
    targets = queries.alignment(con)
    assert targets.height == con.execute("SELECT count(*) FROM targets").fetchall()[0][0]
    assert all(re.fullmatch(r"[\w.-]+\.txt:\d+-\d+", s) for s in targets["source"])
    assert set(queries.alignment(con, province="Ha Tinh")["province_slug"]) == {"ha-tinh"}
    assert set(queries.alignment(con, indicator="scp_models")["indicator_code"]) == {"scp_models"}
    tasks = queries.load_tasks(con)
    assert tasks.height == con.execute("SELECT count(*) FROM tasks").fetchall()[0][0]
    unprinted = tasks.filter(~pl.col("years_printed"))
    # a year the curator inferred (Đồng Tháp's 2023) is not a printed year
    assert unprinted.height == con.execute(
        "SELECT count(*) FROM tasks WHERE (start_year IS NULL OR is_start_year_inferred) "
        "AND (end_year IS NULL OR is_end_year_inferred)").fetchall()[0][0] > 8
    assert (unprinted["start_year_effective"] == unprinted["period_start_year"]).all()
    doit = queries.load_agency_tasks(con, agency="doit")
    assert set(doit["role"]) <= {"lead", "partner"} and doit["task_id"].is_unique().all()
    led = con.execute("SELECT count(*) FROM task_agencies WHERE agency_code = 'doit' AND role = 'lead'").fetchall()
    assert doit.filter(pl.col("role") == "lead").height == led[0][0]
    links = queries.load_agency_links(con, province="Hà Tĩnh")
    assert links.height > 0 and (links["n_tasks"] > 0).all() and set(links["provinces"]) == {"Hà Tĩnh"}


def _real_charts(con) -> dict:
    targets = queries.alignment(con)
    return {
        "matrix": lambda: charts.target_matrix_chart(sxtd_analysis.target_matrix(con)),
        "range": lambda: charts.indicator_range_chart(sxtd_analysis.alignment(con, indicator=
            "material_intensity_reduction")),
        "alignment": lambda: charts.alignment_chart(targets),
        "timeline": lambda: charts.plan_timeline_chart(queries.load_plans(con), targets),
        "agency": lambda: charts.agency_task_chart(sxtd_analysis.tasks_by_agency(con)),
        "tasks": lambda: charts.task_timeline_chart(queries.load_tasks(con, province="Hòa Bình")),
        "profile_tasks": lambda: charts.task_timeline_chart(
            sxtd_analysis.province_profile(con, province="Ha Tinh").tasks,
                                                            queries.load_plans(con)),
        "network": lambda: charts.agency_network_chart(queries.load_agency_links(con), top=12),
    }


@pytest.mark.parametrize("name", ["matrix", "range", "alignment", "timeline", "agency", "tasks",
                                  "profile_tasks", "network"])
def test_real_charts_render_to_svg(con, name):
    svg = _svg(_real_charts(con)[name]())
    assert re.search(r"Hà Tĩnh|Hòa Bình|Sở Công Thương|Sở Tài nguyên", svg)


def test_real_matrix_has_every_target_and_its_provenance(con):
    matrix = sxtd_analysis.target_matrix(con)
    spec = charts.target_matrix_chart(matrix).to_dict()
    rows = _rows(spec)
    assert len(rows) == matrix.select("province_slug", "indicator_code").n_unique()
    assert _layers(spec)[0]["encoding"]["x"]["sort"] == sxtd_analysis.list_provinces(con)["name_vi"].to_list()
    for row in rows:
        assert re.fullmatch(r"[\w.-]+\.txt:\d+-\d+(; [\w.-]+\.txt:\d+-\d+)*", row["source"]), row["source"]
        assert row["quote"]


def test_real_alignment_uses_every_verdict_colour_it_needs(con):
    targets = queries.alignment(con)
    spec = charts.alignment_chart(targets).to_dict()
    verdicts = {r["verdict"] for r in _rows(spec)}
    assert verdicts <= set(VERDICTS) | {charts.MIXED}
    assert verdicts & {"stricter", "equal", "weaker"}
    colour = _layers(spec)[0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True))[charts.VERDICT_LABELS["equal"]] == \
        charts.VERDICT_COLOURS["equal"]


def _axis_labels(svg: str) -> list[str]:
    """The texts of the x axis' labels in a chart's SVG (vl-convert)."""
    labels = re.findall(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg, re.S)
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", labels[0], re.S)]


@pytest.mark.parametrize("province", ["Đồng Tháp", "Hà Tĩnh", "Thái Nguyên"])
def test_plan_timeline_labels_each_year_once(plans, alignment, province):
    """Đồng Tháp's one-year plan drew the axis "2022 2023 2023 2024 2024"; every year is labelled once."""
    one = plans.filter(pl.col("province_name_vi") == province)
    spec = charts.plan_timeline_chart(one, alignment).to_dict() | {"width": 900}  # the page's container
    years = [int(t) for t in _axis_labels(vl_convert.vegalite_to_svg(spec))]
    assert years and years == sorted(set(years)) and years == list(range(years[0], years[-1] + 1))
