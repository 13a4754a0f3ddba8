"""The `sxtd` command line: thin wrappers over the library's functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sxtd_analysis import __version__
from sxtd_analysis.config import get_paths


class UserError(click.ClickException):
    """An error the user can fix; printed as one line, exit code 1."""


def _paths(ctx: click.Context):
    return ctx.obj["paths"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sxtd")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: $SXTD_ROOT or the source checkout).")
@click.option("--db", "database", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="DuckDB file (default: $SXTD_DB or data/sxtd.duckdb).")
@click.pass_context
def main(ctx: click.Context, root: Path | None, database: Path | None) -> None:
    """Compare Vietnam's provincial plans on Sustainable Consumption and Production (SXTD).

    Typical use: `sxtd build`, then `sxtd sql "SELECT ..."` or `sxtd report --all`.
    """
    ctx.ensure_object(dict)
    ctx.obj["paths"] = get_paths(root=root, database=database)


@main.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show the version and the folders and files this command uses."""
    paths = _paths(ctx)
    click.echo(f"sxtd {__version__}")
    for name in ("root", "raw_dir", "curated_dir", "database", "reports_dir", "notebooks_dir"):
        path = getattr(paths, name)
        state = "" if path.exists() else "  (missing)"
        click.echo(f"{name:<14}{path}{state}")


def _connect(ctx: click.Context):
    from sxtd_analysis.api import DatabaseMissingError, connect

    try:
        return connect(_paths(ctx).database)
    except DatabaseMissingError as err:
        raise UserError(str(err)) from None


@main.command()
@click.option("--no-validate", is_flag=True, help="Skip the Great Expectations suites (the built-in checks and "
              "the provenance gate still run).")
@click.pass_context
def build(ctx: click.Context, no_validate: bool) -> None:
    """Check the curated data and build the DuckDB database (data/sxtd.duckdb).

    Runs the loader's format checks, the provenance gate (every quote and number against data/raw) and the
    data validation, then writes the database atomically: on any failure the previous database is left
    untouched and every problem is listed.
    """
    from sxtd_analysis.warehouse import BuildError, build_database

    try:
        result = build_database(_paths(ctx), validate=not no_validate)
    except BuildError as err:
        raise UserError(f"build refused, {err}\nThe previous database (if any) was left untouched.") from None
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    rows = sum(result.row_counts.values())
    click.echo(f"built {result.database} in {result.seconds:.2f} s: {len(result.row_counts)} tables, {rows} rows, "
               f"curated data {result.curated_hash[:12]}")


_FORMATS = ("table", "csv", "json", "markdown")


@main.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="How to print the result.")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result to FILE.parquet or FILE.csv instead of printing it.")
@click.option("--max-rows", type=int, default=200, show_default=True, help="Rows printed in table format.")
@click.pass_context
def sql(ctx: click.Context, query: str | None, fmt: str, output: Path | None, max_rows: int) -> None:
    """Run a read-only SQL query on the database and print the result.

    QUERY may be omitted to read it from standard input. Only queries are allowed (SELECT, WITH, DESCRIBE,
    SHOW, EXPLAIN, SUMMARIZE, read-only PRAGMA); statements that write (INSERT, UPDATE, DELETE, CREATE, DROP,
    ATTACH, COPY, EXPORT, INSTALL, SET ...) are refused and the database file is never changed.
    """
    from sxtd_analysis.sql import SqlError, format_result, run_query

    if query is None:
        if sys.stdin.isatty():
            raise UserError("give a query, e.g. sxtd sql \"SELECT * FROM target_matrix\", or pipe one in")
        query = sys.stdin.read()
    con = _connect(ctx)
    try:
        frame = run_query(con, query)
    except SqlError as err:
        raise UserError(str(err)) from None
    finally:
        con.close()
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in (".parquet", ".csv"):
            raise UserError(f"--output {output}: the file name must end in .parquet or .csv")
        frame.write_parquet(output) if suffix == ".parquet" else frame.write_csv(output)
        click.echo(f"wrote {frame.height} rows to {output}")
        return
    click.echo(format_result(frame, fmt, max_rows=max_rows))


@main.command()
@click.pass_context
def tables(ctx: click.Context) -> None:
    """List the tables and views of the database with one-line descriptions and row counts."""
    from sxtd_analysis.sql import describe_objects, format_result

    con = _connect(ctx)
    try:
        click.echo(format_result(describe_objects(con), "table", max_rows=1000))
    finally:
        con.close()


@main.command()
@click.argument("name")
@click.pass_context
def describe(ctx: click.Context, name: str) -> None:
    """Show the columns of a table or view: type and meaning (from the data dictionary)."""
    from sxtd_analysis.sql import SqlError, describe_columns, format_result

    con = _connect(ctx)
    try:
        description, frame = describe_columns(con, name)
    except SqlError as err:
        raise UserError(str(err)) from None
    finally:
        con.close()
    click.echo(f"{name}: {description}\n")
    click.echo(format_result(frame, "table", max_rows=1000))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True,
              help="File format of the exported tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write one file per table and view into (created if missing).")
@click.pass_context
def export(ctx: click.Context, fmt: str, out_dir: Path) -> None:
    """Write every table and view of the database to Parquet or CSV files, for use in other tools."""
    from sxtd_analysis.sql import export_all

    con = _connect(ctx)
    try:
        written = export_all(con, out_dir, fmt)
    finally:
        con.close()
    for path, rows in written:
        click.echo(f"{rows:>7} rows  {path}")


@main.command()
@click.option("--check", is_flag=True, help="Exit non-zero if data/curated/README.md is out of date "
              "instead of writing it.")
@click.pass_context
def dictionary(ctx: click.Context, check: bool) -> None:
    """Write the data dictionary (data/curated/README.md) from the one definition of every table."""
    from sxtd_analysis.schema import data_dictionary_markdown

    path = _paths(ctx).curated_dir / "README.md"
    text = data_dictionary_markdown()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise UserError(f"{path} is out of date; run `sxtd dictionary`")
        click.echo(f"{path} is up to date")
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
