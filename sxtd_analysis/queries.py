"""Every question the library asks the DuckDB warehouse, answered as polars (or pandas) frames.

One convention throughout: the connection comes first and may be omitted (None opens the default database,
read-only); everything else is passed by keyword. A province may be named with or without diacritics
("Ha Tinh", "Hà Tĩnh", "ha-tinh"). The findings (`sxtd_analysis.findings`) and the charts work on these frames.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from sxtd_analysis.config import get_paths
from sxtd_analysis.provinces import match_province


class DatabaseMissingError(FileNotFoundError):
    """The DuckDB file has not been built yet."""


class DatabaseUnreadableError(OSError):
    """The DuckDB file exists but cannot be opened: not a DuckDB file, held by a writer, or a stale WAL."""


#: What DuckDB itself enforces on every connection `connect()` opens (and so `sxtd sql`): besides read-only, no
#: file or network access (COPY, EXPORT, ATTACH, read_csv/read_text/read_blob, URLs), no extension installed or
#: loaded, and no setting changed back. Verified in tests/test_sql_cli.py; see shared/notes/stack.md.
READ_ONLY_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def connect(database: Path | str | None = None):
    """Open the warehouse read-only; `sxtd build` must have run first.

    DuckDB refuses every write, every file or URL read other than the database, extension installs and
    setting changes on this connection (`READ_ONLY_CONFIG`). A database that cannot be opened raises
    `DatabaseUnreadableError` with a message that says why and what to do.
    """
    import duckdb

    path = Path(database) if database else get_paths().database
    if not path.exists():
        raise DatabaseMissingError(f"{path} does not exist; build it first with `sxtd build` (or `make build`)")
    if path.is_dir():
        raise DatabaseUnreadableError(f"{path} is a folder, not a DuckDB file; give the database file with --db "
                                      "or SXTD_DB")
    try:
        return duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG)
    except duckdb.Error as err:
        raise DatabaseUnreadableError(_why_unreadable(path, err)) from None


def _why_unreadable(path: Path, err: Exception) -> str:
    """One line: why DuckDB could not open `path`, and what to do."""
    import re

    text = str(err)
    if "not a valid DuckDB database file" in text or "extension" in text.lower():  # SQLite's header asks for one
        return (f"{path} is not a DuckDB database (it may be another kind of file, or one cut short); rebuild it "
                "with `sxtd build`, or point --db/SXTD_DB at the database")
    if "Could not set lock" in text:
        pid = re.search(r"\(PID (\d+)\)", text)
        held = f"process {pid[1]}" if pid else "another process"
        return (f"{path} is open for writing by {held}; close that program (or wait for it to finish), then try "
                "again")
    if "WAL" in text:
        return (f"{path}.wal was left by a DuckDB client that wrote to the database and did not close it; run "
                "`sxtd build` to rebuild the database (it removes the stale file)")
    if "different configuration" in text:
        return (f"{path} is already open in this process with other settings (a plain duckdb.connect?); close that "
                "connection, or open every connection with sxtd_analysis.connect()")
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return f"{path} cannot be opened: {first}"


# target_matrix, target_alignment and tasks_by_agency are stored in the order their functions return (see
# views.sql, "stored in order"); DuckDB keeps a table's order in a scan and filter without ORDER BY
# (preserve_insertion_order, on by default), so those queries do not sort again.


def _frame(con, sql: str, params: list | None = None, as_pandas: bool = False):
    frame = con.sql(sql, params=params or None).pl()
    return frame.to_pandas() if as_pandas else frame


def _con(con):
    return con if con is not None else connect()


def find_province(con=None, *, name: str, with_plans: bool = True) -> str:
    """Slug of a province of the database (see `provinces.match_province`); raises UnknownProvinceError.

    By default only provinces that have a plan in the database count (and are listed as valid).
    """
    con = _con(con)
    where = "WHERE province_slug IN (SELECT province_slug FROM plans)" if with_plans else ""
    rows = con.execute(f"SELECT province_slug, name_vi, name_ascii FROM provinces {where} "
                       "ORDER BY name_vi COLLATE vi").fetchall()
    return match_province(name, [dict(zip(("province_slug", "name_vi", "name_ascii"), r, strict=True))
                                 for r in rows])


def _slug(con, province: str | None) -> str | None:
    return None if province is None else find_province(con, name=province)


def _where(conditions: dict[str, Any]) -> tuple[str, list]:
    """`WHERE a = ? AND b = ?` for the conditions whose value is not None."""
    used = {column: value for column, value in conditions.items() if value is not None}
    if not used:
        return "", []
    return "WHERE " + " AND ".join(f"{column} = ?" for column in used), list(used.values())


def _known_indicator(con, indicator: str | None) -> str | None:
    if indicator is None:
        return None
    known = [r[0] for r in con.execute("SELECT indicator_code FROM indicators ORDER BY 1").fetchall()]
    if indicator not in known:
        raise KeyError(f"unknown indicator {indicator!r}; valid: {', '.join(known)}")
    return indicator


def list_provinces(con=None, *, with_plans: bool = True, as_pandas: bool = False):
    """Provinces in Vietnamese alphabetical order, with their successor since 2025 and their number of plans.

    Only those with a plan in the database, unless `with_plans=False` (all 63 former provinces).
    """
    con = _con(con)
    return _frame(con, """
        SELECT * FROM (
            SELECT pr.*, (SELECT count(*) FROM plans p WHERE p.province_slug = pr.province_slug) AS n_plans
            FROM provinces pr)
        WHERE n_plans > 0 OR NOT ? ORDER BY name_vi COLLATE vi""", [with_plans], as_pandas)


def load_plans(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Every plan with its province, successor since 2025 and document details, Vietnamese order."""
    con = _con(con)
    where, params = _where({"l.province_slug": _slug(con, province)})
    return _frame(con, f"""
        SELECT l.*, p.title_vi, p.doc_type, p.vision_year, p.implements_plan, p.issuing_body, p.signer,
               p.raw_file
        FROM province_lineage l JOIN plans p USING (plan_id, province_slug) {where}
        ORDER BY l.province_name_vi COLLATE vi, l.period_start_year, l.plan_id""", params, as_pandas)


def target_matrix(con=None, *, province: str | None = None, indicator: str | None = None,
                  as_pandas: bool = False):
    """The province x indicator x year matrix of targets (view `target_matrix`), Vietnamese order."""
    con = _con(con)
    where, params = _where({"province_slug": _slug(con, province),
                            "indicator_code": _known_indicator(con, indicator)})
    return _frame(con, f"SELECT * FROM target_matrix {where}", params, as_pandas)


def alignment(con=None, *, province: str | None = None, indicator: str | None = None, as_pandas: bool = False):
    """Each provincial target beside its national benchmark, with the verdict and its explanation (view
    `target_alignment`), by province (Vietnamese order), year, indicator and id."""
    con = _con(con)
    where, params = _where({"province_slug": _slug(con, province),
                            "indicator_code": _known_indicator(con, indicator)})
    return _frame(con, f"SELECT * FROM target_alignment {where}", params, as_pandas)


def tasks_by_agency(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Tasks per leading agency and plan (view `tasks_by_agency`), most tasks first."""
    con = _con(con)
    where, params = _where({"province_slug": _slug(con, province)})
    return _frame(con, f"SELECT * FROM tasks_by_agency {where}", params, as_pandas)


_TASKS_SQL = """
    SELECT t.task_id, t.plan_id, p.province_slug, pr.name_vi AS province_name_vi, t.task_kind, t.section,
           t.number_as_printed, t.title, t.details, t.lead_agency_code, a.name_vi AS lead_agency_name_vi,
           a.name_en AS lead_agency_name_en, a.kind AS lead_agency_kind, t.output, t.start_year, t.end_year,
           t.frequency, t.timing_as_printed, t.funding_as_printed, p.period_start_year, p.period_end_year,
           coalesce(t.start_year, t.end_year, p.period_start_year) AS start_year_effective,
           coalesce(t.end_year, t.start_year, p.period_end_year) AS end_year_effective,
           ((t.start_year IS NOT NULL AND NOT t.is_start_year_inferred)
            OR (t.end_year IS NOT NULL AND NOT t.is_end_year_inferred)) AS years_printed,
           t.is_section_inferred, t.is_start_year_inferred, t.is_end_year_inferred, t.curation_note,
           (SELECT count(*) FROM task_agencies ta WHERE ta.task_id = t.task_id AND ta.role = 'partner')
               AS n_partners,
           p.raw_file, t.line_start, t.line_end, p.raw_file || ':' || t.line_start || '-' || t.line_end AS source,
           _source_label(p.doc_number, p.doc_type, p.period_start_year, p.period_end_year, t.line_start, t.line_end)
               AS source_label
    FROM tasks t JOIN plans p USING (plan_id) JOIN provinces pr USING (province_slug)
    LEFT JOIN agencies a ON a.agency_code = t.lead_agency_code"""


def load_tasks(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Every task with its province, lead agency names, plan period, the years to draw it over (the plan's
    period where the row prints none: `years_printed` false, years the curator inferred count as not printed),
    partner count and `source`."""
    con = _con(con)
    where, params = _where({"p.province_slug": _slug(con, province)})
    return _frame(con, f"{_TASKS_SQL} {where} ORDER BY pr.name_vi COLLATE vi, t.plan_id, t.task_id",
                  params, as_pandas)


def load_agency_tasks(con=None, *, agency: str, province: str | None = None, as_pandas: bool = False):
    """Every task in which an agency (code, e.g. 'doit') leads or takes part, with its `role` there
    ('lead' or 'partner') and its name as printed."""
    con = _con(con)
    where, params = _where({"p.province_slug": _slug(con, province)})
    return _frame(con, f"""
        WITH mine AS (
            SELECT task_id, CASE WHEN bool_or(role = 'lead') THEN 'lead' ELSE 'partner' END AS role,
                   string_agg(DISTINCT as_printed, '; ') AS as_printed
            FROM task_agencies WHERE agency_code = ? GROUP BY task_id)
        SELECT m.role, m.as_printed, x.* FROM ({_TASKS_SQL} {where}) x JOIN mine m USING (task_id)
        ORDER BY x.province_name_vi COLLATE vi, m.role, x.task_id""", [agency, *params], as_pandas)


def load_agency_links(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Coordination edges: lead agency -> partner agency, with the number of tasks and provinces they
    share (from `task_agencies`; co-leads count as leads)."""
    con = _con(con)
    where, params = _where({"p.province_slug": _slug(con, province)})
    return _frame(con, f"""
        SELECT l.agency_code AS lead_code, la.name_vi AS lead_name_vi, la.name_en AS lead_name_en,
               la.kind AS lead_kind, r.agency_code AS partner_code, ra.name_vi AS partner_name_vi,
               ra.name_en AS partner_name_en, ra.kind AS partner_kind,
               count(DISTINCT l.task_id) AS n_tasks, count(DISTINCT p.province_slug) AS n_provinces,
               string_agg(DISTINCT pr.name_vi, ', ' ORDER BY pr.name_vi COLLATE vi) AS provinces
        FROM task_agencies l
        JOIN task_agencies r ON r.task_id = l.task_id AND r.role = 'partner' AND r.agency_code <> l.agency_code
        JOIN tasks t ON t.task_id = l.task_id JOIN plans p ON p.plan_id = t.plan_id
        JOIN provinces pr ON pr.province_slug = p.province_slug
        JOIN agencies la ON la.agency_code = l.agency_code JOIN agencies ra ON ra.agency_code = r.agency_code
        {where} {'AND' if where else 'WHERE'} l.role = 'lead'
        GROUP BY ALL ORDER BY n_tasks DESC, lead_name_vi COLLATE vi, partner_name_vi COLLATE vi""",
                  params, as_pandas)


def _plan_rows(con, table: str, order: str, province: str | None, as_pandas: bool):
    """A table of rows quoted from plans, with the province, `source` (raw_file:lines) and `source_label` (the plan's
    number and the lines, as a reader names them)."""
    con = _con(con)
    where, params = _where({"p.province_slug": _slug(con, province)})
    return _frame(con, f"""
        SELECT x.*, p.province_slug, p.raw_file || ':' || x.line_start || '-' || x.line_end AS source,
               _source_label(p.doc_number, p.doc_type, p.period_start_year, p.period_end_year, x.line_start,
                             x.line_end) AS source_label
        FROM {table} x JOIN plans p USING (plan_id) {where} ORDER BY {order}""", params, as_pandas)


def load_qualitative_objectives(con=None, *, province: str | None = None, as_pandas: bool = False):
    """The objectives that set no number, with their sources, by plan and id."""
    return _plan_rows(con, "qualitative_objectives", "x.plan_id, x.objective_id", province, as_pandas)


def load_budgets(con=None, *, province: str | None = None, as_pandas: bool = False):
    """The budgets printed in the plans (VND), with their sources, by id."""
    return _plan_rows(con, "budgets", "x.budget_id", province, as_pandas)


def load_verdicts(con=None, *, as_pandas: bool = False):
    """The verdicts codebook: each verdict's Vietnamese and English label, meaning and colour, in display order."""
    return _frame(_con(con), "SELECT * FROM verdicts ORDER BY display_order", None, as_pandas)


def load_milestones(con=None, *, as_pandas: bool = False):
    """Which national programme and milestone each range of target years is compared with."""
    return _frame(_con(con), "SELECT * FROM national_milestones ORDER BY milestone_year", None, as_pandas)


@dataclass
class ProvinceProfile:
    """Everything a report says about one province, one frame per part."""

    province: Any  # one-row frame from `list_provinces`
    plans: Any  # load_plans rows
    targets: Any  # target_alignment rows: targets with benchmark and verdict
    qualitative: Any
    tasks: Any  # load_tasks rows
    agencies: Any  # tasks_by_agency rows
    budgets: Any
    comparison: Any  # the matrix rows of every province for the indicators this province targets

    @property
    def slug(self) -> str:
        col = self.province["province_slug"]
        return col[0] if hasattr(col, "__getitem__") else col.iloc[0]

    def to_pandas(self) -> ProvinceProfile:
        return ProvinceProfile(**{f.name: getattr(self, f.name).to_pandas() for f in fields(self)})


def province_profile(con=None, *, province: str, as_pandas: bool = False) -> ProvinceProfile:
    """A province's plans, targets with alignment, qualitative objectives, tasks, agencies and budgets."""
    con = _con(con)
    slug = find_province(con, name=province)
    profile = ProvinceProfile(
        province=list_provinces(con).filter(province_slug=slug),
        plans=load_plans(con, province=slug),
        targets=alignment(con, province=slug),
        qualitative=load_qualitative_objectives(con, province=slug),
        tasks=load_tasks(con, province=slug),
        agencies=tasks_by_agency(con, province=slug),
        budgets=load_budgets(con, province=slug),
        # the matrix is stored by province, indicator, year: a stable sort on the indicator gives
        # indicator, province (Vietnamese order), year
        comparison=_frame(con, """
            SELECT m.* FROM target_matrix m
            WHERE m.indicator_code IN (SELECT t.indicator_code FROM targets t JOIN plans p USING (plan_id)
                                       WHERE p.province_slug = ?)""", [slug]).sort("indicator_code",
                                                                                 maintain_order=True),
    )
    return profile.to_pandas() if as_pandas else profile


def build_info(con=None) -> dict[str, str]:
    """The `build_info` table as a dict: curated_hash, built_at, package_version, row counts."""
    con = _con(con)
    return dict(con.execute("SELECT key, value FROM build_info").fetchall())


# ------------------------------------------------------------------------------------- national coverage


def national_coverage(con=None, *, as_pandas: bool = False):
    """The view national_coverage: one row per province since 1/7/2025, Vietnamese order."""
    return _frame(_con(con), "SELECT * FROM national_coverage", None, as_pandas)


def known_plans(con=None, *, as_pandas: bool = False):
    """The view known_plans: every known plan, curated or only known from a public source, oldest first."""
    return _frame(_con(con), "SELECT * FROM known_plans", None, as_pandas)


def reported_targets(con=None, *, as_pandas: bool = False):
    """Targets reported by sources other than a curated plan text, with province, indicator labels and the mark
    `coverage.REPORTED_MARK` in `tier_label`; Vietnamese order of the issuing province."""
    from sxtd_analysis.coverage import REPORTED_MARK

    return _frame(_con(con), """
        SELECT t.*, r.province_slug, pr.name_vi AS province_name_vi, pr.successor_slug, pr.successor_name_vi,
               r.doc_number, i.label_vi, i.label_en, true AS is_reported, ? AS tier_label
        FROM reported_targets AS t
        JOIN plan_registry AS r USING (registry_id)
        JOIN provinces AS pr ON pr.province_slug = r.province_slug
        JOIN indicators AS i USING (indicator_code)
        ORDER BY pr.name_vi COLLATE vi, t.target_year, t.reported_target_id""", [REPORTED_MARK], as_pandas)


def adoption_goal(con=None) -> tuple[float, int, str] | None:
    """(percent, year, programme) of the latest national goal for provinces with a plan (90, 2030, 889/QĐ-TTg)."""
    from sxtd_analysis.coverage import ADOPTION_INDICATOR

    rows = _con(con).execute("""
        SELECT value_low, milestone_year, programme FROM national_targets
        WHERE indicator_code = ? AND is_quantified ORDER BY milestone_year DESC LIMIT 1""",
                             [ADOPTION_INDICATOR]).fetchall()
    return (float(rows[0][0]), int(rows[0][1]), str(rows[0][2])) if rows else None


def national_indicator(con=None, *, on: date | None = None):
    """The national indicator (share of provinces with a plan) at `on` (default today), with the 889/QĐ-TTg goal:
    a `coverage.CoverageIndicator`."""
    from sxtd_analysis.coverage import coverage_indicator

    con = _con(con)
    known = _frame(con, "SELECT province_slug, known_by_on FROM known_plans")
    provinces = _frame(con, "SELECT province_slug, successor_slug FROM provinces")
    return coverage_indicator(known, provinces, on or date.today(), goal=adoption_goal(con))


def targets_side_by_side(con=None, *, shared_only: bool = True, as_pandas: bool = False):
    """Curated and reported targets side by side for the indicators both tiers share (`coverage.side_by_side`),
    the reported ones marked."""
    from sxtd_analysis.coverage import side_by_side

    con = _con(con)
    verified = _frame(con, """
        SELECT t.indicator_code, i.label_vi, i.label_en, t.target_year, pr.name_vi AS province_name_vi,
               pr.successor_slug, pr.successor_name_vi, t.value_low, t.value_high, t.comparator, t.unit,
               t.plan_id AS document, p.raw_file || ':' || t.line_start || '-' || t.line_end AS source
        FROM targets AS t JOIN plans AS p USING (plan_id)
        JOIN provinces AS pr ON pr.province_slug = p.province_slug
        JOIN indicators AS i USING (indicator_code)""")
    reported = reported_targets(con).rename({"registry_id": "document", "source_url": "source"})
    frame = side_by_side(verified, reported, shared_only=shared_only)
    return frame.to_pandas() if as_pandas else frame
