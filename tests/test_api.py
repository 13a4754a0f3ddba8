"""The library API: province lookup, Vietnamese order, polars and pandas answers."""

import pandas as pd
import polars as pl
import pytest

import sxtd_analysis as sx
from sxtd_analysis.provinces import UnknownProvinceError, match_province
from sxtd_analysis.warehouse import build_database
from tests.helpers import copy_project_data

PROVINCES = [
    {"province_slug": "ha-tinh", "name_vi": "Hà Tĩnh", "name_ascii": "Ha Tinh"},
    {"province_slug": "dong-thap", "name_vi": "Đồng Tháp", "name_ascii": "Dong Thap"},
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    paths = copy_project_data(tmp_path_factory.mktemp("api"))
    build_database(paths)
    con = sx.connect(paths.database)
    yield con
    con.close()


@pytest.mark.parametrize("name", ["Ha Tinh", "hà tĩnh", "ha-tinh", "HA TINH", "Hà  Tĩnh", "Tỉnh Hà Tĩnh", "ha_tinh"])
def test_province_found_by_any_name_form(name):
    assert match_province(name, PROVINCES) == "ha-tinh"


def test_dong_thap_typed_without_the_stroked_d():
    assert match_province("Dong Thap", PROVINCES) == "dong-thap"


def test_unknown_province_lists_valid_ones():
    with pytest.raises(UnknownProvinceError, match=r"unknown province 'Hà Nội'; valid: Hà Tĩnh \(ha-tinh\)"):
        match_province("Hà Nội", PROVINCES)


def test_connect_is_read_only(con):
    with pytest.raises(Exception, match="read-only"):
        con.execute("DELETE FROM targets")


def test_connect_without_database_says_how_to_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="sxtd build"):
        sx.connect(tmp_path / "none.duckdb")


def test_provinces_sort_in_vietnamese_order(con):
    # Đ sorts after D and before E, not after Z
    assert sx.list_provinces(con)["name_vi"].to_list() == ["Đồng Tháp", "Hà Tĩnh", "Hòa Bình", "Thái Nguyên"]


def test_answers_in_polars_or_pandas(con):
    assert isinstance(sx.target_matrix(con), pl.DataFrame)
    assert isinstance(sx.target_matrix(con, as_pandas=True), pd.DataFrame)


def test_targets_for_indicator_across_provinces(con):
    df = sx.alignment(con, indicator="supermarket_eco_packaging")
    assert df.select("province_slug", "target_year", "value_low", "verdict").rows() == [
        ("dong-thap", 2023, 80.0, "interim"),  # a 2023 step towards the 2025 milestone
        ("ha-tinh", 2025, 85.0, "equal"),
        ("hoa-binh", 2025, 85.0, "equal"),
        ("hoa-binh", 2030, 100.0, "equal"),
    ]
    with pytest.raises(KeyError, match="valid: "):
        sx.alignment(con, indicator="nope")


def test_alignment_filters_by_province_name(con):
    df = sx.alignment(con, province="Thai Nguyen")
    assert set(df["province_slug"]) == {"thai-nguyen"} and df.height == 9
    # enterprises in industrial zones, not the national energy-intensive or polluting ones: another population
    assert df.filter(pl.col("indicator_code") == "clean_technology_roadmap")["verdict"].to_list() == ["partial_scope"]


def test_province_profile(con):
    profile = sx.province_profile(con, province="hoa binh")
    assert profile.slug == "hoa-binh"
    assert profile.province["successor_name_vi"].to_list() == ["Phú Thọ"]
    assert profile.plans["doc_number"].to_list() == ["2583/QĐ-UBND"]
    assert profile.targets.height == 9 and profile.tasks.height == 18
    assert set(profile.comparison["province_slug"]) == {"dong-thap", "ha-tinh", "hoa-binh"}
    pandas_profile = sx.province_profile(con, province="hoa-binh", as_pandas=True)
    assert isinstance(pandas_profile.tasks, pd.DataFrame)


def test_tasks_by_agency_doit_leads_most(con):
    top = sx.tasks_by_agency(con).group_by("agency_code").agg(pl.col("n_tasks").sum()).sort("n_tasks",
                                                                                              descending=True)
    assert top["agency_code"][0] == "doit"


def test_province_lineage_rolls_up_to_2025_map(con):
    rows = con.execute("SELECT province_slug, successor_slug FROM province_lineage ORDER BY 1").fetchall()
    assert rows == [("dong-thap", "dong-thap"), ("ha-tinh", "ha-tinh"), ("hoa-binh", "phu-tho"),
                    ("thai-nguyen", "thai-nguyen")]


# --- the stored views come back in the documented order without sorting again -------------------------

ORDERS = {  # what each function promises, written out as SQL against the stored view
    "target_matrix": "SELECT * FROM target_matrix ORDER BY province_name_vi COLLATE vi, indicator_code, target_year",
    "alignment": "SELECT * FROM target_alignment "
                 "ORDER BY province_name_vi COLLATE vi, target_year, indicator_code, target_id",
    "tasks_by_agency": "SELECT * FROM tasks_by_agency "
                       "ORDER BY n_tasks DESC, province_name_vi COLLATE vi, agency_code, plan_id",
}


@pytest.mark.parametrize("function", list(ORDERS))
def test_answers_are_in_vietnamese_order(con, function):
    got = getattr(sx, function)(con)
    assert got.equals(con.sql(ORDERS[function]).pl())
    if function != "tasks_by_agency":  # Đ sorts after D, before E (by code point it would come last)
        assert got["province_name_vi"].unique(maintain_order=True).to_list()[0] == "Đồng Tháp"


def test_one_provinces_answers_keep_the_order(con):
    got = sx.alignment(con, province="Hà Tĩnh")
    assert got.equals(con.sql(ORDERS["alignment"]).pl().filter(province_slug="ha-tinh"))
    for indicator in got["indicator_code"].unique():
        assert sx.alignment(con, indicator=indicator).equals(con.sql(
            "SELECT * FROM target_alignment WHERE indicator_code = ? "
            "ORDER BY province_name_vi COLLATE vi, target_year, target_id", params=[indicator]).pl())
    profile = sx.province_profile(con, province="Hà Tĩnh")
    assert profile.comparison.equals(
        con.sql(ORDERS["target_matrix"]).pl().filter(pl.col("indicator_code").is_in(profile.targets["indicator_code"]
                                                                                     .implode()))
        .sort("indicator_code", maintain_order=True))


def test_duckdb_keeps_a_tables_order_in_a_parallel_filtered_scan():
    """The assumption the stored views rest on (preserve_insertion_order, DuckDB's default), across row groups."""
    import duckdb

    db = duckdb.connect()
    db.execute("SET threads = 4")
    db.execute("CREATE TABLE t AS SELECT i, i % 7 AS k FROM range(600000) r(i) ORDER BY hash(i)")
    stored = db.sql("SELECT i FROM t").pl()["i"]
    assert db.sql("SELECT i FROM t WHERE k = 3").pl()["i"].to_list() == stored.filter(stored % 7 == 3).to_list()
