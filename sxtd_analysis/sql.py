"""Ad-hoc, read-only SQL on the warehouse: the engine behind `sxtd sql`, `sxtd tables`, `sxtd describe`.

DuckDB itself keeps the database unchanged (`api.connect` opens it read-only, without file or network access);
the statement check here is the friendly first line that says why a statement is refused. Answers are plain
rows, so a printed answer loads neither polars nor pyarrow; only a Parquet file or a frame needs them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from sxtd_analysis.schema import TABLES, column_meaning

#: Statement types a read-only analyst may run.
_ALLOWED = {"SELECT", "EXPLAIN", "PRAGMA"}
_READ_ONLY_PRAGMAS = {
    "table_info", "show", "show_tables", "show_tables_expanded", "database_list", "database_size",
    "storage_info", "version", "platform", "functions", "collations", "user_agent",
}
#: A PIVOT whose column values are not listed parses as several statements (DuckDB's MULTI): allowed.
_PIVOT = re.compile(r"\b(?:UN)?PIVOT\b", re.IGNORECASE)
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?", re.IGNORECASE)
BUILD_INFO_DESCRIPTION = "How and from which data the database was built (curated hash, time, versions)."


class SqlError(ValueError):
    """A query refused or failed; the message says why (DuckDB's whole message for an error in the query)."""


class Rows(NamedTuple):
    """An answer: column names and rows of Python values."""

    columns: list[str]
    rows: list[tuple]

    @property
    def height(self) -> int:
        return len(self.rows)


def _refusal(kind: str) -> SqlError:
    return SqlError(f"refused: {kind} statements are not allowed; the database is read-only (only SELECT/WITH/"
                    "DESCRIBE/SHOW/SUMMARIZE/PIVOT/UNPIVOT/EXPLAIN and read-only PRAGMA queries run)")


def _statement_kind(statement) -> str:
    return str(statement.type).rsplit(".", 1)[-1]


def check_read_only(con, query: str) -> None:
    """Refuse anything but one read-only statement, naming what was refused."""
    import duckdb

    try:
        statements = con.extract_statements(query)
    except duckdb.Error as err:
        raise SqlError(f"SQL error: {_whole(err)}") from None
    if not statements:
        raise SqlError("the query is empty")
    if len(statements) > 1:
        raise SqlError(f"one statement at a time, please (got {len(statements)})")
    statement = statements[0]
    kind = _statement_kind(statement)
    if kind == "MULTI" and _PIVOT.search(statement.query):
        return
    if kind not in _ALLOWED:
        raise _refusal(kind)
    if kind == "EXPLAIN":  # what is explained (and, with ANALYZE, run) must be read-only too
        inner = _EXPLAIN.sub("", statement.query, count=1)
        try:
            explained = con.extract_statements(inner) if inner != statement.query else []
        except duckdb.Error:
            explained = []  # DuckDB's own read-only settings refuse whatever this is
        if explained and _statement_kind(explained[0]) not in _ALLOWED | {"MULTI"}:
            raise _refusal(f"EXPLAIN {_statement_kind(explained[0])}")
    if kind == "PRAGMA":
        words = statement.query.strip().split(None, 1)
        name = words[1].split("(")[0].split("=")[0].strip().lower() if len(words) > 1 else ""
        if name not in _READ_ONLY_PRAGMAS:
            raise SqlError(f"refused: PRAGMA {name or '?'} is not a read-only pragma")


def _whole(err: Exception) -> str:
    """DuckDB's whole message: the error, its suggestions ('Did you mean ...', candidate columns) and caret."""
    text = str(err).strip("\n").rstrip()
    return text or type(err).__name__


def _failure(err: Exception) -> SqlError:
    """A DuckDB error as a message: a refusal by the read-only settings says so, any other error in full."""
    text = _whole(err)
    if "disabled by configuration" in text or "disabled through configuration" in text:
        return SqlError("refused: `sxtd sql` reads only the database, not other files, URLs or extensions; to "
                        f"join a file of your own, give it with --file NAME=FILE (DuckDB: {text.splitlines()[0]})")
    if "configuration has been locked" in text:
        return SqlError(f"refused: settings cannot be changed here (DuckDB: {text.splitlines()[0]})")
    return SqlError(f"SQL error: {text}")


def _execute(con, query: str, fetch):
    import duckdb

    check_read_only(con, query)
    try:
        relation = con.sql(query)
        if relation is None:
            raise SqlError("the statement returns no rows")
        return fetch(relation)
    except duckdb.Error as err:
        raise _failure(err) from None


def run_query(con, query: str) -> Rows:
    """Run one read-only query and return its rows; SqlError on refusal or failure."""
    return _execute(con, query, lambda rel: Rows(list(rel.columns), rel.fetchall()))


def query_frame(con, query: str):
    """Run one read-only query and return a polars DataFrame (for Parquet files and Python callers)."""
    return _execute(con, query, lambda rel: rel.pl())


def register_file(con, name: str, path: Path) -> None:
    """Make an analyst's own CSV or Parquet file queryable as table `name` on this connection.

    The file is read here, with polars, and handed to DuckDB as a frame: the connection itself keeps every
    file access off. SqlError names the file and what is wrong.
    """
    import polars as pl

    path = Path(path)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SqlError(f"--file {name}={path}: the table name must be letters, digits and _ (mine=FILE.csv)")
    if not path.is_file():
        raise SqlError(f"--file {name}={path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pl.read_csv(path, infer_schema_length=10_000)
        elif suffix == ".parquet":
            frame = pl.read_parquet(path)
        else:
            raise SqlError(f"--file {name}={path}: give a .csv or .parquet file")
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as err:
        raise SqlError(f"--file {name}={path}: cannot be read ({str(err).splitlines()[0]}); a CSV must be UTF-8 "
                       "with a header row") from None
    con.register(name, frame.to_arrow())


def _cell(value) -> object:
    """A value as text for CSV and tables: lists joined with '; ', booleans as true/false, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return value


def _json_value(value) -> object:
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # dates, times, decimals, UUIDs: as DuckDB prints them


def write_csv(result: Rows, fh, *, bom: bool = False) -> None:
    """Write rows as CSV to a text file handle; with `bom`, a UTF-8 byte-order mark first (for Excel)."""
    import csv

    if bom:
        fh.write("\ufeff")
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_cell(v) for v in row] for row in result.rows)


def format_result(result: Rows, fmt: str, *, max_rows: int = 200) -> str:
    """The result as a text table, Markdown table, CSV or JSON (rows as objects)."""
    if fmt == "json":
        import json

        return json.dumps([{c: _json_value(v) for c, v in zip(result.columns, row, strict=True)}
                           for row in result.rows], ensure_ascii=False)
    if fmt == "csv":
        import io

        out = io.StringIO()
        write_csv(result, out)
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    shown = result.rows[:max_rows] if fmt == "table" else result.rows
    text = tabulate([[_cell(v) for v in row] for row in shown], headers=result.columns,
                    tablefmt="pipe" if fmt == "markdown" else "simple", floatfmt="g", disable_numparse=True,
                    missingval="")
    if fmt == "table":
        n = result.height
        text += f"\n({n} row{'s' if n != 1 else ''}"
        text += f", first {max_rows} shown)" if n > max_rows else ")"
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


def describe_objects(con) -> Rows:
    """Tables and views with their kind, row count and one-line description."""
    rows = []
    for name, kind in _objects(con):
        count = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        rows.append((name, kind, count, _description(name)))
    return Rows(["name", "kind", "rows", "description"], rows)


def describe_columns(con, name: str) -> tuple[str, Rows]:
    """(description, rows of column, type, meaning) of one table or view."""
    known = dict(_objects(con))
    if name not in known:
        raise SqlError(f"no table or view named {name!r}; known: {', '.join(sorted(known))}")
    cols = con.execute(f'DESCRIBE "{name}"').fetchall()
    return _description(name), Rows(["column", "type", "meaning"],
                                    [(c[0], c[1], column_meaning(c[0], name)) for c in cols])


def exported_objects(con) -> list[str]:
    """Names of every table and view, in the order `sxtd export` writes them."""
    return [name for name, _kind in _objects(con)]
