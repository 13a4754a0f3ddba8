"""The tasks_by_agency view on small hand-built tables (the view's SQL in views.sql is the one under test)."""

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sxtd_analysis.schema import TABLES


def _insert_tasks(con, rows: list[dict]) -> None:
    """Insert task rows given by column name; columns left out are NULL."""
    columns = TABLES["tasks"].column_names
    types = {c: pl.Int32 if c in ("start_year", "end_year", "line_start", "line_end") else pl.Utf8 for c in columns}
    frame = pl.DataFrame([{c: row.get(c) for c in columns} for row in rows], schema=types)
    con.register("_rows", frame)
    con.execute("INSERT INTO tasks BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


def _task(task_id, plan_id, lead, start=None, end=None, frequency=None, kind="assignment"):
    return {"task_id": task_id, "plan_id": plan_id, "task_kind": kind, "section": "I", "title": task_id,
            "lead_agency_code": lead, "start_year": start, "end_year": end, "frequency": frequency,
            "is_section_inferred": "false", "is_start_year_inferred": "false", "is_end_year_inferred": "false",
            "line_start": 1, "line_end": 1}


@pytest.fixture
def con(empty_warehouse):
    con = empty_warehouse
    con.execute("INSERT INTO provinces VALUES ('p', 'Tỉnh P', 'Tinh P', 'tỉnh', '01', 'p', 'Tỉnh P', '01', false)")
    con.execute("""INSERT INTO plans VALUES
        ('p_a', 'p', 'ke_hoach', NULL, 'KH A', NULL, 2021, 2025, NULL, '889/QĐ-TTg', NULL, 'UBND', NULL, 'a.txt'),
        ('p_b', 'p', 'ke_hoach', NULL, 'KH B', NULL, 2019, 2030, NULL, '76/QĐ-TTg', NULL, 'UBND', NULL, 'b.txt')""")
    con.execute("""INSERT INTO agencies VALUES
        ('doit', 'Sở Công Thương', 'Department of Industry and Trade', 'province_department'),
        ('donre', 'Sở Tài nguyên và Môi trường', 'Department of Natural Resources and Environment',
         'province_department'),
        ('dof', 'Sở Tài chính', 'Department of Finance', 'province_department'),
        ('group', 'Các sở, ban, ngành', 'Provincial agencies', 'group')""")
    _insert_tasks(con, [
        _task("a1", "p_a", "doit", 2022, 2024, "Hàng năm"),  # led by doit, donre co-leads
        _task("a2", "p_a", "doit"),  # no years: the plan's period counts
        _task("a3", "p_a", "donre", 2021, 2021, "Thường xuyên"),
        _task("act", "p_a", None, 2023, 2023, "Hàng năm", kind="activity"),  # names no agency: not counted
        _task("b1", "p_b", "dof", 2019, 2030),
    ])
    con.execute("""INSERT INTO task_agencies VALUES
        ('a1', 'doit', 'lead', 'Sở Công Thương'), ('a1', 'donre', 'lead', 'Sở Tài nguyên và Môi trường'),
        ('a1', 'dof', 'partner', 'Sở Tài chính'), ('a1', 'group', 'partner', 'các sở, ban, ngành'),
        ('a2', 'doit', 'lead', 'Sở Công Thương'),
        ('a3', 'donre', 'lead', 'Sở Tài nguyên và Môi trường'), ('a3', 'doit', 'partner', 'Sở Công Thương'),
        ('b1', 'dof', 'lead', 'Sở Tài chính'), ('b1', 'doit', 'partner', 'Sở Công Thương')""")
    return con


COUNTS = ["agency_code", "plan_id", "n_tasks", "n_tasks_as_co_lead", "n_partner_links", "avg_partners_per_task",
          "first_year", "last_year", "n_recurring_tasks"]


def test_counts_per_leading_agency_and_plan(con):
    got = con.sql(f"SELECT {', '.join(COUNTS)} FROM tasks_by_agency ORDER BY agency_code, plan_id").pl()
    expected = pl.DataFrame(
        [
            # a1 as co-lead (2 partners) and a3 as first lead (1 partner); both recurring; years 2021-2024
            ("donre", "p_a", 2, 1, 3, 1.5, 2021, 2024, 2),
            # b1: 1 partner; the plan of 76/QĐ-TTg runs 2019-2030
            ("dof", "p_b", 1, 0, 1, 1.0, 2019, 2030, 0),
            # a1 as first lead (2 partners) and a2 (none; its years are the plan's 2021-2025); a1 recurs
            ("doit", "p_a", 2, 0, 2, 1.0, 2021, 2025, 1),
        ],
        schema=COUNTS, orient="row",
    ).sort("agency_code", "plan_id")
    assert_frame_equal(got, expected, check_dtypes=False)


def test_co_lead_is_counted_for_the_agency_that_is_not_first(con):
    rows = con.execute("SELECT agency_code, n_tasks_as_co_lead FROM tasks_by_agency WHERE plan_id = 'p_a' "
                       "ORDER BY agency_code").fetchall()
    assert rows == [("doit", 0), ("donre", 1)]


def test_names_and_province_are_joined(con):
    row = con.execute("SELECT agency_name_vi, agency_name_en, agency_kind, province_slug, province_name_vi "
                      "FROM tasks_by_agency WHERE agency_code = 'dof'").fetchone()
    assert row == ("Sở Tài chính", "Department of Finance", "province_department", "p", "Tỉnh P")


def test_an_activity_without_agencies_and_a_partner_only_agency_get_no_row(con):
    agencies = {r[0] for r in con.execute("SELECT agency_code FROM tasks_by_agency").fetchall()}
    assert agencies == {"doit", "donre", "dof"}  # group is only ever a partner
    # a1 counts for both its leads, a2, a3 and b1 once each; act for nobody
    assert con.execute("SELECT sum(n_tasks) FROM tasks_by_agency").fetchone() == (5,)
