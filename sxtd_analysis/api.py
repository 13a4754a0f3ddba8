"""Answers to the common comparison questions, from the DuckDB warehouse, as polars (or pandas) frames.

These functions are what the notebooks, the reports and the CLI call.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sxtd_analysis.config import get_paths


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


def _slug(province: str | None, con) -> str | None:
    from sxtd_analysis.provinces import find_province

    return None if province is None else find_province(province, con)


def list_provinces(con=None, *, with_plans: bool = True, as_pandas: bool = False):
    """Provinces in Vietnamese alphabetical order, with their successor since 2025.

    Only those with a plan in the database, unless `with_plans=False` (all 63 former provinces).
    """
    con = _con(con)
    frame = _frame(con, """
        SELECT * FROM (
            SELECT pr.*, (SELECT count(*) FROM plans p WHERE p.province_slug = pr.province_slug) AS n_plans
            FROM provinces pr)
        WHERE n_plans > 0 OR NOT ? ORDER BY name_vi COLLATE vi""", [with_plans])
    return frame.to_pandas() if as_pandas else frame


def target_matrix(con=None, *, indicator: str | None = None, as_pandas: bool = False):
    """The province x indicator x year matrix of targets (view `target_matrix`), Vietnamese order."""
    con = _con(con)
    where, params = ("WHERE indicator_code = ?", [indicator]) if indicator else ("", [])
    return _frame(con, f"SELECT * FROM target_matrix {where}", params, as_pandas)


def targets_for_indicator(indicator: str, con=None, *, as_pandas: bool = False):
    """Every province's targets for one indicator, beside the national benchmark and verdict."""
    con = _con(con)
    known = [r[0] for r in con.execute("SELECT indicator_code FROM indicators ORDER BY 1").fetchall()]
    if indicator not in known:
        raise KeyError(f"unknown indicator {indicator!r}; valid: {', '.join(known)}")
    # stored by province, year, indicator, id: for one indicator that is province, year, id
    return _frame(con, "SELECT * FROM target_alignment WHERE indicator_code = ?", [indicator], as_pandas)


def _of_province(con, stored_view: str, slug: str | None, as_pandas: bool = False):
    """A stored view's rows, all or one province's (by its resolved slug), in the stored order."""
    where, params = ("WHERE province_slug = ?", [slug]) if slug else ("", [])
    return _frame(con, f"SELECT * FROM {stored_view} {where}", params, as_pandas)


def alignment(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Each provincial target beside its national benchmark, with the verdict (view `target_alignment`)."""
    con = _con(con)
    return _of_province(con, "target_alignment", _slug(province, con), as_pandas)


def tasks_by_agency(con=None, *, province: str | None = None, as_pandas: bool = False):
    """Tasks per leading agency and plan (view `tasks_by_agency`), most tasks first."""
    con = _con(con)
    return _of_province(con, "tasks_by_agency", _slug(province, con), as_pandas)


@dataclass
class ProvinceProfile:
    """Everything a report says about one province, one frame per part."""

    province: Any  # one-row frame from `list_provinces`
    plans: Any
    targets: Any  # target_alignment rows: targets with benchmark and verdict
    qualitative: Any
    tasks: Any
    agencies: Any  # tasks_by_agency rows
    budgets: Any
    comparison: Any  # the matrix rows of every province for the indicators this province targets

    @property
    def slug(self) -> str:
        col = self.province["province_slug"]
        return col[0] if hasattr(col, "__getitem__") else col.iloc[0]

    def to_pandas(self) -> ProvinceProfile:
        return ProvinceProfile(**{f.name: getattr(self, f.name).to_pandas() for f in fields(self)})


def province_profile(province: str, con=None, *, as_pandas: bool = False) -> ProvinceProfile:
    """A province's plans, targets with alignment, qualitative objectives, tasks, agencies and budgets."""
    con = _con(con)
    slug = _slug(province, con)
    profile = ProvinceProfile(
        province=list_provinces(con).filter(province_slug=slug),
        plans=_frame(con, "SELECT l.*, p.title_vi, p.doc_type, p.vision_year, p.implements_plan, p.issuing_body, "
                          "p.signer, p.raw_file FROM province_lineage l JOIN plans p USING (plan_id, province_slug) "
                          "WHERE province_slug = ? ORDER BY period_start_year, plan_id", [slug]),
        targets=_of_province(con, "target_alignment", slug),  # slug resolved once, above
        qualitative=_frame(con, "SELECT q.* FROM qualitative_objectives q JOIN plans p USING (plan_id) "
                                "WHERE p.province_slug = ? ORDER BY q.plan_id, q.objective_id", [slug]),
        tasks=_frame(con, """
            WITH t AS (SELECT t.* FROM tasks t JOIN plans p USING (plan_id) WHERE p.province_slug = ?),
            partners AS (SELECT task_id, count(*) AS n_partners FROM task_agencies
                         WHERE role = 'partner' AND task_id IN (SELECT task_id FROM t) GROUP BY task_id)
            SELECT t.*, a.name_vi AS lead_agency_name_vi, a.name_en AS lead_agency_name_en,
                   coalesce(partners.n_partners, 0) AS n_partners
            FROM t JOIN agencies a ON a.agency_code = t.lead_agency_code LEFT JOIN partners USING (task_id)
            ORDER BY t.plan_id, t.task_id""", [slug]),
        agencies=_of_province(con, "tasks_by_agency", slug),
        budgets=_frame(con, "SELECT b.* FROM budgets b JOIN plans p USING (plan_id) WHERE p.province_slug = ? "
                            "ORDER BY b.budget_id", [slug]),
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
