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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
