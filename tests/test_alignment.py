"""The target_alignment view's verdicts, on small hand-built tables (the view's SQL is the one under test)."""

import duckdb
import pytest

from sxtd_analysis.schema import TABLES, create_table_sql
from sxtd_analysis.warehouse import view_definitions


@pytest.fixture
def con():
    con = duckdb.connect()
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    for view in view_definitions():  # as plain views: the rows are inserted afterwards
        con.execute(view.statement)
    con.execute("INSERT INTO provinces VALUES ('p', 'Tỉnh P', 'Tinh P', 'tỉnh', '01', 'p', 'Tỉnh P', '01', false)")
    con.execute("INSERT INTO plans VALUES ('p_plan', 'p', 'ke_hoach', NULL, 'KH', NULL, 2021, 2030, NULL, "
                "'889/QĐ-TTg', NULL, 'UBND', NULL, 'p.txt')")
    con.execute("""INSERT INTO indicators VALUES
        ('cut', 'Giảm', 'Cut', 'percent', 'higher_is_stricter', 'd', 'cut', true, NULL),
        ('cap', 'Trần', 'Cap', 'percent', 'lower_is_stricter', 'd', 'cap', true, NULL),
        ('models', 'Mô hình', 'Models', 'count', 'higher_is_stricter', 'd', 'models', false, 'national total'),
        ('local', 'Riêng', 'Local', 'percent', 'higher_is_stricter', 'd', NULL, true, NULL)""")
    return con


def _national(con, ident, programme, year, indicator, low, high):
    con.execute("INSERT INTO national_targets VALUES (?, ?, ?, ?, true, ?, ?, 'range', ?, 'x', NULL, 'q', 'vi', "
                "true, 's')", [ident, programme, year, indicator, low, high,
                               "percent" if indicator != "models" else "count"])


def _target(con, ident, indicator, low, high, year, unit="percent"):
    con.execute("INSERT INTO targets VALUES (?, 'p_plan', ?, NULL, NULL, ?, ?, 'range', ?, 'x', ?, 'q', 1, 1)",
                [ident, indicator, low, high, unit, year])


def _verdicts(con):
    return dict(con.execute("SELECT target_id, verdict FROM target_alignment ORDER BY 1").fetchall())


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (5, 8, "equal"),  # same range
        (8, 10, "stricter"),  # a larger cut, whole range at or above the benchmark's top
        (9, 9, "stricter"),
        (3, 5, "weaker"),  # whole range at or below the benchmark's bottom
        (2, 4, "weaker"),
        (6, 9, "overlapping"),  # ranges compared as ranges
        (4, 6, "overlapping"),
        (6, 7, "overlapping"),  # inside the national range
    ],
)
def test_reduction_target_against_a_national_range(con, low, high, verdict):
    _national(con, "n1", "889/QĐ-TTg", 2025, "cut", 5, 8)
    _target(con, "t", "cut", low, high, 2025)
    assert _verdicts(con) == {"t": verdict}


def test_direction_matters(con):
    _national(con, "n1", "889/QĐ-TTg", 2025, "cap", 10, 10)
    _target(con, "lower", "cap", 5, 5, 2025)
    _target(con, "higher", "cap", 15, 15, 2025)
    assert _verdicts(con) == {"higher": "weaker", "lower": "stricter"}


def test_milestone_covering_the_year_is_used(con):
    _national(con, "n2020", "76/QĐ-TTg", 2020, "cut", 50, 50)
    _national(con, "n2025", "889/QĐ-TTg", 2025, "cut", 70, 70)
    _national(con, "n2030", "889/QĐ-TTg", 2030, "cut", 100, 100)
    for year in (2019, 2020, 2021, 2023, 2025, 2026, 2030):
        _target(con, f"t{year}", "cut", 70, 70, year)
    rows = dict(con.execute("SELECT target_id, national_target_id FROM target_alignment").fetchall())
    assert rows == {"t2019": "n2020", "t2020": "n2020", "t2021": "n2025", "t2023": "n2025", "t2025": "n2025",
                    "t2026": "n2030", "t2030": "n2030"}
    assert _verdicts(con)["t2020"] == "stricter" and _verdicts(con)["t2030"] == "weaker"


def test_no_benchmark_cases_say_why(con):
    _national(con, "m", "889/QĐ-TTg", 2025, "models", 20, 30)
    _target(con, "not_comparable", "models", 1, 2, 2025, unit="count")
    _target(con, "no_national_indicator", "local", 50, 50, 2025)
    _target(con, "no_milestone_value", "cut", 50, 50, 2025)
    _target(con, "after_2030", "cut", 50, 50, 2035)
    notes = dict(con.execute("SELECT target_id, verdict || ': ' || verdict_note FROM target_alignment").fetchall())
    assert notes["not_comparable"] == "no_benchmark: Not comparable: national total"
    assert notes["no_national_indicator"].startswith("no_benchmark: No national indicator corresponds")
    assert notes["no_milestone_value"] == ("no_benchmark: No 889/QĐ-TTg benchmark for cut at the 2025 milestone.")
    assert notes["after_2030"] == "no_benchmark: No national milestone covers 2035."


def test_one_row_per_target(con):
    _national(con, "n1", "889/QĐ-TTg", 2025, "cut", 5, 8)
    for i in range(3):
        _target(con, f"t{i}", "cut", 5, 8, 2025)
    assert con.execute("SELECT count(*), count(DISTINCT target_id) FROM target_alignment").fetchall() == [(3, 3)]
