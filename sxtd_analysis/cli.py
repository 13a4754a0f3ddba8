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
    from sxtd_analysis.queries import DatabaseMissingError, DatabaseUnreadableError, connect

    try:
        return connect(_paths(ctx).database)
    except (DatabaseMissingError, DatabaseUnreadableError) as err:
        raise UserError(str(err)) from None


def _writable_folder(path: Path, option: str) -> None:
    """Create an output folder if missing and prove a file can be written in it; UserError saying why not.

    `option` names what the user gave (`--out DIR`), for the message.
    """
    import tempfile

    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except FileExistsError:
        raise UserError(f"{option}: {path} is a file, not a folder; give a folder") from None
    except NotADirectoryError:
        raise UserError(f"{option}: part of {path} is a file, not a folder; give a folder") from None
    except OSError as err:
        raise UserError(f"{option}: cannot write in {path} ({err.strerror or err}); give a folder you can "
                        "write to") from None


@main.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Check the curated data and build the DuckDB database (data/sxtd.duckdb).

    Runs the loader's format checks, every validation rule (the rules of `sxtd validate`'s suites, evaluated
    in-process) and the provenance gate (every quote and number against data/raw), then writes the database
    atomically: on any failure the previous database is left untouched and every problem is listed.
    """
    import duckdb

    from sxtd_analysis.warehouse import BuildError, build_database

    paths = _paths(ctx)
    try:
        result = build_database(paths)
    except BuildError as err:
        raise UserError(f"build refused, {err}\nThe previous database (if any) was left untouched.") from None
    except (OSError, duckdb.Error) as err:
        where = getattr(err, "filename", None) or paths.database
        raise UserError(f"build failed writing {where}: {getattr(err, 'strerror', None) or err}; the previous "
                        "database (if any) was left untouched") from None
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
              help="Write the result to FILE.parquet, FILE.csv (UTF-8 with a BOM, for Excel) or FILE.xlsx instead "
                   "of printing it.")
@click.option("--file", "files", multiple=True, metavar="NAME=FILE",
              help="Make your own FILE (.csv or .parquet) a table NAME the query can join, e.g. "
                   "--file mine=my_targets.csv; repeatable. Without it the query reads only the database.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start a CSV --output with a UTF-8 byte-order mark (Excel needs it to read Vietnamese).")
@click.option("--max-rows", type=int, default=200, show_default=True, help="Rows printed in table format.")
@click.pass_context
def sql(ctx: click.Context, query: str | None, fmt: str, output: Path | None, files: tuple[str, ...], bom: bool,
        max_rows: int) -> None:
    """Run a read-only SQL query on the database and print the result.

    QUERY may be omitted to read it from standard input. Only queries are allowed (SELECT, WITH, DESCRIBE,
    SHOW, SUMMARIZE, PIVOT, UNPIVOT, EXPLAIN, read-only PRAGMA); statements that write (INSERT, UPDATE,
    DELETE, CREATE, DROP, ATTACH, COPY, EXPORT, INSTALL, SET ...) are refused. DuckDB itself opens the
    database read-only, with file and network access, extension loading and setting changes off, so the
    database and every other file stay unchanged. An error in the query is shown whole, with DuckDB's
    suggestions and the caret under the place it points at.
    """
    from sxtd_analysis.sql import SqlError, format_result, register_file, run_query

    if query is None:
        if sys.stdin.isatty():
            raise UserError("give a query, e.g. sxtd sql \"SELECT * FROM target_matrix\", or pipe one in")
        query = sys.stdin.read()
    if output is not None and output.suffix.lower() not in (".parquet", ".csv", ".xlsx"):
        raise UserError(f"--output {output}: the file name must end in .parquet, .csv or .xlsx")
    if output is not None:
        _writable_folder(output.parent, f"--output {output}")
    con = _connect(ctx)
    try:
        for spec in files:
            name, sep, file = spec.partition("=")
            if not sep:
                raise UserError(f"--file {spec}: give NAME=FILE, e.g. --file mine=my_targets.csv")
            register_file(con, name.strip(), Path(file))
        if output is None:
            click.echo(format_result(run_query(con, query), fmt, max_rows=max_rows))
            return
        rows = _write_output(con, query, output, bom)
    except SqlError as err:
        raise UserError(str(err)) from None
    finally:
        con.close()
    click.echo(f"wrote {rows} rows to {output}")


def _write_output(con, query: str, output: Path, bom: bool) -> int:
    """Run the query into FILE.csv (plain rows) or FILE.parquet/.xlsx (a polars frame); returns the rows."""
    from sxtd_analysis.export import ExportError, write_result
    from sxtd_analysis.sql import query_frame, run_query, write_csv

    try:
        if output.suffix.lower() == ".csv":
            result = run_query(con, query)
            with open(output, "w", encoding="utf-8", newline="") as fh:
                write_csv(result, fh, bom=bom)
            return result.height
        frame = query_frame(con, query)
        write_result(frame, output)
        return frame.height
    except ExportError as err:
        raise UserError(f"--output {output}: {err}") from None
    except OSError as err:
        raise UserError(f"--output {output}: cannot write ({err.strerror or err})") from None


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
    from sxtd_analysis.sql import SqlError, describe_columns, format_result, run_query

    con = _connect(ctx)
    try:
        description, frame = describe_columns(con, name)
        columns = [row[0] for row in frame.rows]
        verdicts = (run_query(con, "SELECT verdict, label_vi, label_en, meaning_en FROM verdicts ORDER BY "
                                   "display_order") if "verdict" in columns and name != "verdicts" else None)
    except SqlError as err:
        raise UserError(str(err)) from None
    finally:
        con.close()
    click.echo(f"{name}: {description}\n")
    click.echo(format_result(frame, "table", max_rows=1000))
    if verdicts is not None:
        click.echo("\nVerdicts (table verdicts):\n")
        click.echo(format_result(verdicts, "table", max_rows=100))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "xlsx"]), default="parquet",
              show_default=True, help="parquet or csv: a file per table and view; xlsx: one workbook (sxtd.xlsx), "
                                      "a sheet per table and view.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write into (created if missing).")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start CSV files with a UTF-8 byte-order mark, so that Excel reads the Vietnamese correctly.")
@click.pass_context
def export(ctx: click.Context, fmt: str, out_dir: Path, bom: bool) -> None:
    """Write every table and view of the database to Parquet, CSV or an Excel workbook, for other tools.

    CSV files are UTF-8 with a byte-order mark (Excel on Windows needs it for Vietnamese; --no-bom leaves it
    out). Each file is written aside and renamed into place: a failed export leaves no half-written file.
    """
    from sxtd_analysis.export import ExportError, export_all

    _writable_folder(out_dir, f"--out {out_dir}")
    con = _connect(ctx)
    try:
        written = export_all(con, out_dir, fmt, bom=bom)
    except ExportError as err:
        raise UserError(str(err)) from None
    except OSError as err:
        raise UserError(f"--out {out_dir}: cannot write {err.filename or ''} ({err.strerror or err})") from None
    finally:
        con.close()
    for path, name, rows in written:
        click.echo(f"{rows:>7} rows  {path}" + (f"  sheet {name}" if fmt == "xlsx" else ""))


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


@main.command()
@click.option("--province", "provinces", multiple=True, metavar="NAME",
              help="Render this province's report (slug, Vietnamese name or name without diacritics); repeatable.")
@click.option("--all", "render_everything", is_flag=True,
              help="Render every province, the comparison report and index.html.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the reports (default: reports/ or $SXTD_REPORTS_DIR).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Notebooks run at once, each in its own kernel (default: the number of cores).")
@click.option("--if-changed", is_flag=True,
              help="With --all: do nothing unless the curated data, the notebooks or the package changed "
                   "since the last successful run (for cron/systemd timers).")
@click.option("--pdf", "pdf", is_flag=True,
              help="Also print each report to <name>.pdf beside it (A4), with a headless Chromium "
                   "(apt-get install chromium).")
@click.pass_context
def report(ctx: click.Context, provinces: tuple[str, ...], render_everything: bool, out_dir: Path | None,
           jobs: int | None, if_changed: bool, pdf: bool) -> None:
    """Render HTML reports from the notebooks with papermill: one province, or all of them.

    Each report runs notebooks/province_profile.ipynb for one province (`--province "Ha Tinh"`), hides the
    code, says when and from which data version (curated hash) it was made, and works offline, alone.
    `--all` also renders the comparison (notebooks/02-compare-targets.ipynb) and index.html. A failing
    notebook does not stop the others: its executed copy is kept in <out>/failed/ and the exit code is 1.
    `--pdf` prints every report rendered (and the index) to a PDF beside it.
    """
    from sxtd_analysis.provinces import UnknownProvinceError
    from sxtd_analysis.queries import DatabaseMissingError, DatabaseUnreadableError
    from sxtd_analysis.reports import ReportError, render_all, render_provinces, summary_lines

    if render_everything == bool(provinces):
        raise click.UsageError("give --province NAME (one or more) or --all")
    if if_changed and not render_everything:
        raise click.UsageError("--if-changed goes with --all")
    if pdf:
        from sxtd_analysis.printing import INSTALL_HINT, chromium_path

        if chromium_path() is None:  # before any notebook runs
            raise UserError(INSTALL_HINT)
    paths = _paths(ctx)
    out_dir = out_dir or paths.reports_dir
    _connect(ctx).close()  # an unreadable database is one line here, not a failure in every notebook
    _writable_folder(out_dir, f"--out {out_dir}")
    bar = None

    def progress(done: int, total: int, result) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=f"Rendering {total} report(s)", show_pos=True,
                                    item_show_func=lambda r: r and f"{r.key} {'ok' if r.ok else 'FAILED'}")
            bar.__enter__()
        if result is not None:
            bar.update(1, current_item=result)

    try:
        if render_everything:
            summary = render_all(paths=paths, out_dir=out_dir, jobs=jobs, if_changed=if_changed,
                                 progress=progress)
        else:
            summary = render_provinces(provinces, paths=paths, out_dir=out_dir, jobs=jobs, progress=progress)
    except (UnknownProvinceError, DatabaseMissingError, DatabaseUnreadableError, ReportError) as err:
        raise UserError(str(err)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if summary.skipped:
        click.echo(f"reports are up to date, nothing to do: {summary.reason}")
        return
    for line in summary_lines(summary):
        click.echo(line, err=line.startswith("FAILED"))
    if pdf:
        from sxtd_analysis.printing import ChromiumMissing, print_pdfs

        pages = [r.html for r in summary.rendered if r.html is not None]
        if summary.index is not None:
            pages.append(summary.index)
        try:
            for written in print_pdfs(pages):
                click.echo(f"printed {written}")
        except ChromiumMissing as err:
            raise UserError(str(err)) from None
    if not summary.ok:
        raise UserError(f"{len(summary.failed)} of {len(summary.results)} reports failed; the others were "
                        f"rendered, earlier reports of the failed ones were kept")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the draft CSVs into (created if missing).")
@click.option("--province", default=None, metavar="NAME",
              help="Province of the plan (slug, Vietnamese name or name without diacritics), resolved against "
                   "data/curated/provinces.csv; guessed from the header's 'tỉnh X' when not given.")
@click.option("--force", is_flag=True, help="Draft again into a folder that already holds drafts; the old ones "
              "are moved into a replaced-<time> folder beside them, never deleted.")
@click.pass_context
def extract(ctx: click.Context, file: Path, out_dir: Path, province: str | None, force: bool) -> None:
    """Draft the curated rows of a new plan from its plain text, for review.

    Reads FILE (UTF-8 text; a BOM, decomposed Unicode, Windows line ends, no-break spaces and tabs are
    accepted; a PDF, a Word file, a binary or a legacy encoding such as Windows-1258 or TCVN3 is refused)
    and writes into --out: targets_draft.csv (each number of the objectives section, MỤC TIÊU, with its
    quote, line span, value, guessed target year and suggested indicator_code), tasks_draft.csv (the rows of
    an appendix task table, lead agencies matched to agency_aliases.csv), plan_draft.csv (the header's
    facts) and manifest_draft.csv (its row for data/raw/manifest.csv), drafts of the qualitative objectives,
    task agencies, new agencies and aliases, and budgets, and review.html (each row beside its lines of
    text). Columns are those of the curated tables followed by review columns. A folder that already holds
    drafts is refused unless --force. To add a plan to the project, `sxtd add` does this and more.
    """
    from sxtd_analysis.extract import DraftsExistError, extract_plan, write_drafts
    from sxtd_analysis.provinces import UnknownProvinceError
    from sxtd_analysis.review import write_review_page
    from sxtd_analysis.text import TextFileError

    if not file.is_file():
        raise UserError(f"{file}: no such file")
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: exists and is not a folder")
    try:
        draft = extract_plan(file, _paths(ctx).curated_dir, province=province)
    except (TextFileError, UnknownProvinceError) as err:
        raise UserError(" ".join(str(err).split())) from None
    try:
        written = write_drafts(draft, out_dir, force=force)
    except DraftsExistError as err:
        raise UserError(f"--out {err}") from None
    written["review"] = write_review_page(draft, out_dir)
    for warning in draft.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{file.name}: {_draft_counts(draft)}, plan {draft.plan['plan_id']} "
               f"({draft.plan['province_slug'] or '?'})")
    for path in written.values():
        click.echo(f"  wrote {path}")


def _draft_counts(draft) -> str:
    unsure = sum(not t["indicator_code"] or float(t["indicator_confidence"]) < 0.5 for t in draft.targets)
    new = sum(link["matched_by"].endswith("check") for link in draft.task_agencies)
    return (f"{len(draft.targets)} target(s) ({unsure} with no or an unsure indicator), {len(draft.objectives)} "
            f"qualitative objective(s), {len(draft.tasks)} task(s) with {len(draft.task_agencies)} agency link(s) "
            f"({new} to check), {len(draft.budgets)} budget(s), {len(draft.agencies)} new agency(ies)")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--province", default=None, metavar="NAME",
              help="Province of the plan (slug, Vietnamese name or name without diacritics) in "
                   "data/curated/provinces.csv; guessed from the header when not given.")
@click.option("--plan-id", default=None, help="Identifier of the plan (default: <province>_<kh|qd>-<number>-<year> "
              "from the header); the raw file is saved as data/raw/<plan-id>.txt.")
@click.option("--force", is_flag=True, help="Draft again into drafts/<plan-id>/ although it holds drafts; the old "
              "ones are moved into a replaced-<time> folder beside them, never deleted.")
@click.pass_context
def add(ctx: click.Context, file: Path, province: str | None, plan_id: str | None, force: bool) -> None:
    """Add a new plan: copy its text into data/raw, list it in the manifest, draft its rows for review.

    FILE is the plan's plain text (UTF-8; refused as `sxtd extract` refuses a PDF, a Word file or a legacy
    encoding). It is copied byte for byte to data/raw/<plan-id>.txt with its row in data/raw/manifest.csv
    (sha256, original name); a raw file is never overwritten. Drafts of every table the text feeds (plan,
    targets, qualitative objectives, tasks, task agencies, budgets, new agencies and aliases) and review.html
    are written into drafts/<plan-id>/. Review them, then run `sxtd accept drafts/<plan-id>`.
    """
    from sxtd_analysis.extract import DraftsExistError
    from sxtd_analysis.intake import IntakeError, add_plan
    from sxtd_analysis.provinces import UnknownProvinceError
    from sxtd_analysis.text import TextFileError

    try:
        result = add_plan(file, _paths(ctx), province, plan_id=plan_id, force=force)
    except (TextFileError, UnknownProvinceError, IntakeError, DraftsExistError) as err:
        raise UserError(" ".join(str(err).split())) from None
    for warning in result.draft.warnings:
        click.echo(f"warning: {warning}", err=True)
    from sxtd_analysis.intake import shown

    raw = "copied to" if result.raw_written else "already in"
    click.echo(f"{file.name}: {raw} {shown(result.raw_file)} (listed in the manifest), plan {result.plan_id}")
    click.echo(f"drafted {_draft_counts(result.draft)} into {shown(result.drafts_dir)}")
    click.echo(f"review: {shown(result.review_page)}")
    click.echo(f"then: sxtd accept {shown(result.drafts_dir)}")


@main.command()
@click.argument("drafts", type=click.Path(path_type=Path))
@click.pass_context
def accept(ctx: click.Context, drafts: Path) -> None:
    """Merge a plan's reviewed drafts (a folder written by `sxtd add`) into data/curated.

    Drops the review columns and inserts the rows into each curated file where they sort (new agencies and
    aliases included; those already curated identically are skipped). Before writing, the merged tables pass
    every validation rule with both engines (as `sxtd build` and `sxtd validate`), the raw manifest check and
    the provenance gate; on any problem nothing is written and each problem is listed as `sxtd validate`
    lists it, at its line in the draft file. Accepting the same drafts again changes nothing.
    """
    from sxtd_analysis.intake import IntakeError, accept_drafts
    from sxtd_analysis.validation import format_problems

    try:
        result = accept_drafts(drafts, _paths(ctx))
    except IntakeError as err:
        if err.problems:
            click.echo("\n".join(format_problems(err.problems)))
        raise UserError(" ".join(str(err).split())) from None
    if result.already:
        click.echo(f"plan {result.plan_id} was accepted before and its drafts are unchanged: nothing to do")
        return
    added = ", ".join(f"{n} {name}" for name, n in result.added.items())
    skipped = ", ".join(f"{n} {name}" for name, n in result.skipped.items())
    click.echo(f"accepted {result.plan_id} in {result.seconds:.1f} s: added {added}"
               + (f"; already curated: {skipped}" if skipped else ""))
    click.echo("validation and provenance gate passed; next: sxtd build, then sxtd report --province NAME")


@main.command()
@click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Curated folder to validate instead of data/curated (the raw texts stay the project's).")
@click.pass_context
def validate(ctx: click.Context, data_dir: Path | None) -> None:
    """Validate the curated tables: the provenance gate, then a Great Expectations suite per table.

    Prints each failure with its table, column and check and a few offending rows (id and CSV line), writes
    GX Data Docs into <reports>/validation/ and exits with code 1 if anything fails. The database is not
    touched.
    """
    from sxtd_analysis.curated import CuratedDataError
    from sxtd_analysis.text import TextFileError
    from sxtd_analysis.validation import format_problems, validate_curated

    paths = _paths(ctx)
    if data_dir is not None:
        paths = paths.with_overrides(curated_dir=data_dir)
    try:
        report = validate_curated(paths, data_docs_dir=paths.reports_dir / "validation")
    except CuratedDataError as err:
        click.echo("\n".join(format_problems(err.problems)))
        raise UserError(f"validation failed: {len(err.problems)} problem(s) reading the curated files in "
                        f"{paths.curated_dir}; fix them first (nothing else was checked)") from None
    except TextFileError as err:
        raise UserError(f"validation failed: {err}") from None
    except OSError as err:
        raise UserError(f"validation failed: cannot read or write {err.filename or ''} ({err.strerror or err})"
                        ) from None
    if report.problems:
        click.echo("\n".join(format_problems(report.problems)))
    if report.docs_index is not None:
        click.echo(f"Data Docs: {report.docs_index}")
    if not report.success:
        raise UserError(report.summary())
    click.echo(report.summary())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
