"""Where the project's data lives: one place for every path, overridable by environment variable.

Layout: data/raw (plan texts, immutable) -> data/curated (reviewed tables) -> data/sxtd.duckdb ->
notebooks/ and reports/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent

#: environment variable -> field of `Paths` it overrides
ENV_VARS = {
    "SXTD_ROOT": "root",
    "SXTD_RAW_DIR": "raw_dir",
    "SXTD_CURATED_DIR": "curated_dir",
    "SXTD_DB": "database",
    "SXTD_REPORTS_DIR": "reports_dir",
    "SXTD_NOTEBOOKS_DIR": "notebooks_dir",
}


@dataclass(frozen=True)
class Paths:
    """The folders and files of one project tree."""

    root: Path
    raw_dir: Path
    curated_dir: Path
    database: Path
    reports_dir: Path
    notebooks_dir: Path

    @property
    def manifest(self) -> Path:
        return self.raw_dir / "manifest.csv"

    def with_overrides(self, **overrides: Path | str | None) -> Paths:
        """A copy with the given fields replaced (None values are ignored)."""
        given = {k: Path(v).resolve() for k, v in overrides.items() if v is not None}
        return replace(self, **given)


def get_paths(root: Path | str | None = None, **overrides: Path | str | None) -> Paths:
    """Paths of the project, from `SXTD_*` environment variables, then the arguments.

    `root` (or `SXTD_ROOT`) moves every folder at once; the other variables and keyword
    arguments (`curated_dir=...`, `database=...`) move one each.
    """
    root = Path(root or os.environ.get("SXTD_ROOT") or DEFAULT_ROOT).resolve()
    paths = Paths(
        root=root,
        raw_dir=root / "data" / "raw",
        curated_dir=root / "data" / "curated",
        database=root / "data" / "sxtd.duckdb",
        reports_dir=root / "reports",
        notebooks_dir=root / "notebooks",
    )
    from_env = {field: os.environ.get(var) for var, field in ENV_VARS.items() if var != "SXTD_ROOT"}
    return paths.with_overrides(**from_env).with_overrides(**overrides)
