"""The views' rows (target_alignment, target_matrix) on small hand-built tables (the views' SQL is under test)."""

import pytest

from sxtd_analysis.schema import VERDICTS


@pytest.fixture
def con(empty_warehouse):
    con = empty_warehouse
    con.execute("INSERT INTO provinces VALUES ('p', 'Tỉnh P', 'Tinh P', 'tỉnh', '01', 'p', 'Tỉnh P', '01', false)")
    con.execute("INSERT INTO plans VALUES ('p_plan', 'p', 'ke_hoach', NULL, 'KH', NULL, 2021, 2030, NULL, "
                "'889/QĐ-TTg', NULL, 'UBND', NULL, 'p.txt')")
    con.execute("""INSERT INTO indicators VALUES
        ('cut', 'Giảm', 'Cut', 'percent', 'higher_is_stricter', 'd', 'cut', true, NULL, NULL),
        ('cap', 'Trần', 'Cap', 'percent', 'lower_is_stricter', 'd', 'cap', true, NULL, false),
        ('models', 'Mô hình', 'Models', 'count', 'higher_is_stricter', 'd', 'models', false, 'national total', NULL),
        ('local', 'Riêng', 'Local', 'percent', 'higher_is_stricter', 'd', NULL, true, NULL, NULL),
        ('districts', 'Huyện', 'Districts', 'percent', 'higher_is_stricter', 'd', 'cut', true, 'one tier down.', true)
        """)
    # the milestone mapping, as national_milestones.csv has it
    con.execute("""INSERT INTO national_milestones VALUES ('76/QĐ-TTg', 2020, NULL, 2020, NULL),
        ('889/QĐ-TTg', 2025, 2021, 2025, NULL), ('889/QĐ-TTg', 2030, 2026, 2030, NULL)""")
    for i, verdict in enumerate(VERDICTS, start=1):
        con.execute("INSERT INTO verdicts VALUES (?, ?, ?, ?, 'm', 'm', ?)",
                    [verdict, i, f"vi {verdict}", f"en {verdict}", f"#{i:06d}"])
    return con


def _national(con, ident, programme, year, indicator, low, high):
    con.execute("INSERT INTO national_targets VALUES (?, ?, ?, ?, true, ?, ?, 'range', ?, 'x', NULL, 'q', 'vi', "
                "true, 's')", [ident, programme, year, indicator, low, high,
                               "percent" if indicator != "models" else "count"])


def _target(con, ident, indicator, low, high, year, unit="percent", partial=None, *, comparator="range",
            scope=None, quote="q", line_end=1):
    con.execute("INSERT INTO targets VALUES (?, 'p_plan', ?, ?, NULL, ?, ?, ?, ?, 'x', ?, ?, 1, ?, ?, NULL, NULL)",
                [ident, indicator, scope, low, high, comparator, unit, year, quote, line_end, partial])


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
    notes = dict(con.execute("SELECT target_id, verdict || ': ' || verdict_note_en FROM target_alignment").fetchall())
    assert notes["not_comparable"] == "no_benchmark: Not on the same scale: national total"
    assert notes["no_national_indicator"].startswith("no_benchmark: No national indicator corresponds")
    assert notes["no_milestone_value"] == ("no_benchmark: No 889/QĐ-TTg benchmark for this indicator at the 2025 "
                                           "milestone.")
    assert notes["after_2030"] == "no_benchmark: No national milestone covers 2035."
    vi = dict(con.execute("SELECT target_id, verdict_note_vi FROM target_alignment").fetchall())
    assert vi["after_2030"] == "Không có mốc quốc gia cho năm 2035."
    assert vi["not_comparable"] == "Không cùng thang đo với mốc quốc gia."


def test_one_row_per_target(con):
    _national(con, "n1", "889/QĐ-TTg", 2025, "cut", 5, 8)
    for i in range(3):
        _target(con, f"t{i}", "cut", 5, 8, 2025)
    assert con.execute("SELECT count(*), count(DISTINCT target_id) FROM target_alignment").fetchall() == [(3, 3)]


@pytest.mark.parametrize(
    ("indicator", "low", "high", "verdict"),
    [
        ("cut", 70, 70, "stricter"),  # already at the 2025 value in 2023: it gets there earlier
        ("cut", 75, 80, "stricter"),
        ("cut", 50, 50, "interim"),  # below the 2025 value in 2023: a step on the way, never weaker
        ("cut", 60, 75, "interim"),  # overlapping, early
        ("cap", 10, 10, "stricter"),  # lower is stricter: already at or under the cap
        ("cap", 12, 12, "interim"),
    ],
)
def test_a_target_before_its_milestone_is_stricter_or_an_interim_step(con, indicator, low, high, verdict):
    _national(con, "n", "889/QĐ-TTg", 2025, indicator, 70 if indicator == "cut" else 10,
              70 if indicator == "cut" else 10)
    _target(con, "early", indicator, low, high, 2023)
    assert _verdicts(con) == {"early": verdict}
    note = con.execute("SELECT verdict_note_en FROM target_alignment").fetchall()[0][0]
    assert "the target is for 2023" in note


def test_the_same_values_at_the_milestone_year_keep_the_plain_verdicts(con):
    _national(con, "n", "889/QĐ-TTg", 2025, "cut", 70, 70)
    _target(con, "low", "cut", 50, 50, 2025)
    _target(con, "overlap", "cut", 60, 75, 2025)
    assert _verdicts(con) == {"low": "weaker", "overlap": "overlapping"}


def test_part_of_a_scope_is_never_judged_against_the_whole(con):
    _national(con, "n", "889/QĐ-TTg", 2025, "cut", 70, 70)
    _target(con, "part_high", "cut", 80, 80, 2025, partial=True)
    _target(con, "part_low_early", "cut", 50, 50, 2023, partial=True)
    _target(con, "whole", "cut", 80, 80, 2025, partial=False)
    assert _verdicts(con) == {"part_high": "partial_scope", "part_low_early": "partial_scope", "whole": "stricter"}


def test_a_comparison_by_analogy_says_so_in_its_label_and_note(con):
    _national(con, "n", "889/QĐ-TTg", 2025, "cut", 70, 70)
    _target(con, "analogy", "districts", 80, 80, 2025)
    _target(con, "same", "cut", 80, 80, 2025)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT target_id, verdict, is_by_analogy, verdict_label_en, verdict_label_vi, verdict_note_en "
        "FROM target_alignment").fetchall()}
    assert rows["analogy"][:4] == ("stricter", True, "en stricter (by analogy)", "vi stricter (so sánh tương tự)")
    assert rows["analogy"][4].endswith("; a comparison by analogy: one tier down.")
    assert rows["same"][:4] == ("stricter", False, "en stricter", "vi stricter")


def _target_row(con, ident, indicator, low, high, year, comparator, scope=None):
    _target(con, ident, indicator, low, high, year, comparator=comparator, scope=scope, quote=f"quote {ident}",
            line_end=2)


def test_target_matrix_one_cell_per_province_indicator_and_year(con):
    _target_row(con, "p_plan/t1", "cut", 5, 8, 2025, "range", "steel")
    _target_row(con, "p_plan/t2", "cut", 10, 10, 2025, "at_least", "cement")
    _target_row(con, "p_plan/t3", "cut", 7, 7, 2030, "eq")
    _target_row(con, "p_plan/t4", "cap", 3, 3, 2025, "eq")
    _target_row(con, "p_plan/t5", "cap", 4, 4, 2025, "eq")
    rows = con.execute("""SELECT indicator_code, target_year, value_low, value_high, comparator, n_targets, scope_note,
                                 quote, source, target_ids, plan_ids
                          FROM target_matrix ORDER BY indicator_code, target_year""").fetchall()
    assert rows == [
        ("cap", 2025, 3.0, 4.0, "eq", 2, None, "quote p_plan/t4 | quote p_plan/t5", "p.txt:1-2; p.txt:1-2",
         ["p_plan/t4", "p_plan/t5"], ["p_plan"]),
        # two comparators in one cell: 'mixed', the span of both values, both scopes and quotes in id order
        ("cut", 2025, 5.0, 10.0, "mixed", 2, "steel | cement", "quote p_plan/t1 | quote p_plan/t2",
         "p.txt:1-2; p.txt:1-2", ["p_plan/t1", "p_plan/t2"], ["p_plan"]),
        ("cut", 2030, 7.0, 7.0, "eq", 1, None, "quote p_plan/t3", "p.txt:1-2", ["p_plan/t3"], ["p_plan"]),
    ]
