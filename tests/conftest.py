"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from sxtd_analysis.config import get_paths
from sxtd_analysis.warehouse import build_database


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """A DuckDB warehouse built once per session from the real curated data (data/curated, data/raw) into a
    temporary folder; returns the database file's path. Open it read-only: other tests share it."""
    database = tmp_path_factory.mktemp("warehouse") / "sxtd.duckdb"
    build_database(get_paths(database=database))
    return database
