"""Build the DuckDB warehouse (data/sxtd.duckdb) from the curated tables in data/curated/.

The build loads every table, checks it against every validation rule (`validation.check_frames`: the rules
of the Great Expectations suites, evaluated with polars) and runs the provenance gate, then writes a new
database file beside the old one and renames it into place: a failed build leaves the previous database
untouched, and readers that have the old file open keep reading it.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from sxtd_analysis import __version__
from sxtd_analysis.config import Paths, get_paths
from sxtd_analysis.curated import CuratedDataError, Problem, load_curated
from sxtd_analysis.schema import TABLES, create_table_sql


class BuildError(CuratedDataError):
    """The curated data failed a check; the database was not replaced."""


class PublishError(BuildError):
    """The data passed its checks but the new database could not be put in place; the old one is untouched."""

    def __init__(self, message: str):
        self.problems = []
        ValueError.__init__(self, message)


@dataclass
class BuildResult:
    database: Path
    curated_hash: str
    row_counts: dict[str, int]
    seconds: float
    warnings: list[Problem] = field(default_factory=list)


def curated_hash(curated_dir: Path, raw_dir: Path | None = None) -> str:
    """sha256 over the curated CSVs (and the raw manifest): the data version a build or report is made from."""
    digest = hashlib.sha256()
    files = [Path(curated_dir) / t.file_name for t in TABLES.values()]
    if raw_dir is not None and (Path(raw_dir) / "manifest.csv").exists():
        files.append(Path(raw_dir) / "manifest.csv")
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


class View(NamedTuple):
    """A macro or view of views.sql."""

    name: str
    description: str
    statement: str  # CREATE MACRO / CREATE VIEW
    #: "ORDER BY ..." if the build stores the view's rows as a table in that order, else None
    stored_order: str | None = None


def view_definitions() -> list[View]:
    """Every macro and view in views.sql, in order."""
    sql = resources.files("sxtd_analysis").joinpath("views.sql").read_text(encoding="utf-8")
    views = []
    for block in re.split(r"\n(?=-- (?:view|macro): )", sql):
        m = re.match(r"-- (view|macro): (\w+): (.*)\n(?:-- stored in order: (ORDER BY .*)\n)?", block)
        if m:
            views.append(View(m[2], m[3].strip(), block[m.end():].strip(), m[4] and m[4].strip()))
    return views


def create_views(con) -> None:
    """Create every macro and view of views.sql; a stored view becomes a table of its rows, in its order."""
    for view in view_definitions():
        con.execute(view.statement)
        if view.stored_order:
            con.execute(f"CREATE TABLE _stored AS SELECT * FROM {view.name} {view.stored_order}")
            con.execute(f"DROP VIEW {view.name}")
            con.execute(f"ALTER TABLE _stored RENAME TO {view.name}")


def _is_sorted(frame, columns: list[str]) -> bool:
    """True if the rows are in ascending order of `columns` (sort keys hold the primary key: no ties).

    A null in a key makes it False, so that such a frame is sorted as before.
    """
    import polars as pl

    if frame.height < 2:
        return True
    ascending = pl.lit(True)
    for column in reversed(columns):
        now, before = pl.col(column), pl.col(column).shift(1)
        ascending = (now > before) | ((now == before) & ascending)
    return bool(frame.select(ascending.slice(1).fill_null(False).all()).item())


def check_curated(paths: Paths, *, skip_provenance: bool = False):
    """Load the curated tables and run every check; returns (frames, warnings) or raises BuildError."""
    from sxtd_analysis.provenance import check_provenance, check_raw_manifest
    from sxtd_analysis.validation import check_frames

    try:
        frames = load_curated(paths.curated_dir)
    except CuratedDataError as err:
        raise BuildError(err.problems) from None
    problems = check_frames(frames, paths.curated_dir).problems
    if not skip_provenance:
        problems += check_raw_manifest(paths.raw_dir)
        problems += check_provenance(frames, paths.raw_dir, paths.curated_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise BuildError(errors)
    return frames, [p for p in problems if p.level != "error"]


def build_database(paths: Paths | None = None, *, skip_provenance: bool = False) -> BuildResult:
    """Check the curated data and (re)build the DuckDB file atomically.

    Every validation rule runs (with polars; `sxtd validate` runs the same rules as Great Expectations
    suites and writes Data Docs), and the provenance gate unless skipped.

    Args:
        paths: project paths (default: `get_paths()`).
        skip_provenance: skip the raw-text gate; only for synthetic benchmark data, never the real build.
    """
    import duckdb
    import polars as pl

    paths = paths or get_paths()
    started = time.perf_counter()
    frames, warnings = check_curated(paths, skip_provenance=skip_provenance)
    target = paths.database
    target.parent.mkdir(parents=True, exist_ok=True)
    warnings += remove_leftovers(target)
    _refuse_live_writer(target)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            counts = {}
            for name, table in TABLES.items():
                con.execute(create_table_sql(table))
                frame = frames[name].select(table.column_names)
                order = list(table.sort_by or table.primary_key)
                if not _is_sorted(frame, order):  # curated files are kept sorted: usually no copy is made
                    frame = frame.sort(order)
                # newest Arrow layout: string views are handed to DuckDB without a copy
                con.register("_incoming", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
                con.execute(f"INSERT INTO {name} SELECT * FROM _incoming")
                con.unregister("_incoming")
                counts[name] = frame.height
            create_views(con)
            digest = curated_hash(paths.curated_dir, paths.raw_dir)
            con.execute("CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
            info = {
                "curated_hash": digest,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "package_version": __version__,
                "duckdb_version": duckdb.__version__,
                "validated": "true",  # every rule of validation.derive_rules passed (check_frames)
                "provenance_checked": str(not skip_provenance).lower(),
                **{f"rows.{k}": str(v) for k, v in counts.items()},
            }
            con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _check_readable(tmp, counts)
        warnings += _remove_stale_wal(target)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        _wal(tmp).unlink(missing_ok=True)
        raise
    return BuildResult(target, digest, counts, time.perf_counter() - started, warnings)


# --- what crashed writers and killed builds leave behind ----------------------------------------------


def _wal(database: Path) -> Path:
    return database.with_name(f"{database.name}.wal")


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(database: Path) -> list[Problem]:
    """Remove the temporary files (and their WALs) of builds that were killed; one warning each.

    A build writes `<database>.tmp-<pid>` and renames it into place; a build killed before the rename
    leaves that file. Files of a build whose process still runs are left alone.
    """
    pattern = re.compile(re.escape(database.name) + r"\.tmp-(\d+)(?:\.wal)?")
    removed = []
    for path in sorted(database.parent.glob(f"{database.name}.tmp-*")):
        match = pattern.fullmatch(path.name)
        if not match or int(match[1]) == os.getpid() or _is_running(int(match[1])):
            continue
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        removed.append(Problem(str(path), f"removed ({size / 1e6:.1f} MB): left by a build that was killed "
                               f"(process {match[1]} no longer runs)", check="build", level="warning"))
    return removed


def _refuse_live_writer(database: Path) -> None:
    """BuildError if another process holds the database open for writing (its WAL would follow the new file)."""
    import duckdb

    if not database.is_file():
        return
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.Error as err:
        if "Could not set lock" not in str(err):
            return  # not a database, a stale WAL...: it is replaced all the same
        pid = re.search(r"\(PID (\d+)\)", str(err))
        holder = f"process {pid[1]}" if pid else "another process"
        raise PublishError(f"{database} is open for writing by {holder}; close that program (or wait for it to "
                           "finish) and build again") from None


def _remove_stale_wal(database: Path) -> list[Problem]:
    """Remove the WAL a crashed writer left beside the old database: beside the new one it makes every read fail."""
    wal = _wal(database)
    if not wal.exists():
        return []
    wal.unlink()
    return [Problem(str(wal), "removed: left by a DuckDB client that wrote to the old database and did not close "
                    "it; the new database replaces what it held", check="build", level="warning")]


def _check_readable(database: Path, counts: dict[str, int]) -> None:
    """Open the new file as readers will (`api.connect`) and count a table: BuildError if that fails."""
    from sxtd_analysis.queries import DatabaseUnreadableError, connect

    try:
        con = connect(database)
    except DatabaseUnreadableError as err:
        raise PublishError(f"the new database cannot be read back: {err}") from None
    try:
        n = con.execute("SELECT count(*) FROM targets").fetchall()[0][0]
    finally:
        con.close()
    if n != counts.get("targets"):
        raise PublishError(f"the new database {database} reads back {n} targets, not {counts.get('targets')}")
