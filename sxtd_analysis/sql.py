"""Ad-hoc, read-only SQL on the warehouse: the engine behind `sxtd sql`, `sxtd tables`, `sxtd describe`."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sxtd_analysis.schema import TABLES, column_meaning

#: Statement types a read-only analyst may run.
_ALLOWED = {"SELECT", "EXPLAIN", "PRAGMA"}
_READ_ONLY_PRAGMAS = {
    "table_info", "show", "show_tables", "show_tables_expanded", "database_list", "database_size",
    "storage_info", "version", "platform", "functions", "collations", "user_agent",
}
BUILD_INFO_DESCRIPTION = "How and from which data the database was built (curated hash, time, versions)."


class SqlError(ValueError):
    """A query refused or failed; the message is one readable line."""


def _one_line(err: Exception) -> str:
    text = str(err).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    return first


def check_read_only(con, query: str) -> None:
    """Refuse anything but one read-only statement, naming what was refused."""
    import duckdb

    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        raise SqlError(f"SQL error: {_one_line(err)}") from None
    if not statements:
        raise SqlError("the query is empty")
    if len(statements) > 1:
        raise SqlError(f"one statement at a time, please (got {len(statements)})")
    kind = str(statements[0].type).rsplit(".", 1)[-1]
    if kind not in _ALLOWED:
        raise SqlError(f"refused: {kind} statements are not allowed; the database is read-only "
                       "(only SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE/EXPLAIN and read-only PRAGMA queries run)")
    if kind == "PRAGMA":
        name = query.strip().split(None, 1)[1].split("(")[0].split("=")[0].strip().lower() if " " in query.strip() \
            else ""
        if name not in _READ_ONLY_PRAGMAS:
            raise SqlError(f"refused: PRAGMA {name or '?'} is not a read-only pragma")


def run_query(con, query: str) -> pl.DataFrame:
    """Run one read-only query and return its result; SqlError on refusal or failure."""
    import duckdb

    check_read_only(con, query)
    try:
        return con.sql(query).pl()
    except duckdb.Error as err:
        raise SqlError(f"SQL error: {_one_line(err)}") from None


def _printable(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists and structs as text, so that CSV and tables can show them."""
    nested = [c for c, t in frame.schema.items() if isinstance(t, pl.List | pl.Array | pl.Struct)]
    return frame.with_columns(pl.col(c).map_elements(lambda v: "; ".join(map(str, v)) if v is not None
                                                     else None, return_dtype=pl.Utf8)
                              for c in nested) if nested else frame


def format_result(frame: pl.DataFrame, fmt: str, *, max_rows: int = 200) -> str:
    """The result as a text table, Markdown table, CSV or JSON (rows as objects)."""
    from tabulate import tabulate

    if fmt == "json":
        return frame.write_json()
    flat = _printable(frame)
    if fmt == "csv":
        return flat.write_csv().rstrip("\n")
    shown = flat.head(max_rows) if fmt == "table" else flat
    text = tabulate(shown.rows(), headers=shown.columns, tablefmt="pipe" if fmt == "markdown" else "simple",
                    floatfmt="g", disable_numparse=True, missingval="")
    if fmt == "table":
        text += f"\n({frame.height} row{'s' if frame.height != 1 else ''}"
        text += f", first {max_rows} shown)" if frame.height > max_rows else ")"
    return text


def _objects(con) -> list[tuple[str, str]]:
    """(name, kind) of every table and view; a view the build stores as a table is "view (stored)"."""
    from sxtd_analysis.warehouse import view_definitions

    stored = {view.name for view in view_definitions() if view.stored_order}
    rows = con.execute("""
        SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
        UNION ALL
        SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'""").fetchall()
    objects = [(name, "view (stored)" if name in stored else kind) for name, kind in rows]
    return sorted(objects, key=lambda o: (o[1] != "table", o[0]))


def _description(name: str) -> str:
    from sxtd_analysis.warehouse import view_definitions

    if name in TABLES:
        return TABLES[name].description
    if name == "build_info":
        return BUILD_INFO_DESCRIPTION
    return next((view.description for view in view_definitions() if view.name == name), "")


def describe_objects(con) -> pl.DataFrame:
    """Tables and views with their kind, row count and one-line description."""
    rows = []
    for name, kind in _objects(con):
        count = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        rows.append({"name": name, "kind": kind, "rows": count, "description": _description(name)})
    return pl.DataFrame(rows, schema={"name": pl.Utf8, "kind": pl.Utf8, "rows": pl.Int64, "description": pl.Utf8})


def describe_columns(con, name: str) -> tuple[str, pl.DataFrame]:
    """(description, frame of column, type, meaning) of one table or view."""
    known = dict(_objects(con))
    if name not in known:
        raise SqlError(f"no table or view named {name!r}; known: {', '.join(sorted(known))}")
    cols = con.execute(f'DESCRIBE "{name}"').fetchall()
    frame = pl.DataFrame([{"column": c[0], "type": c[1], "meaning": column_meaning(c[0], name)} for c in cols])
    return _description(name), frame


def export_all(con, out_dir: Path, fmt: str) -> list[tuple[Path, int]]:
    """Write every table and view to out_dir/<name>.<fmt>; returns (path, rows) for each."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, _kind in _objects(con):
        frame = con.sql(f'SELECT * FROM "{name}"').pl()
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.write_parquet(path)
        else:
            _printable(frame).write_csv(path)
        written.append((path, frame.height))
    return written
