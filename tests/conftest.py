"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sxtd_analysis.config import get_paths
from sxtd_analysis.schema import TABLES, create_table_sql
from sxtd_analysis.warehouse import build_database, view_definitions


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """A DuckDB warehouse built once per session from the real curated data (data/curated, data/raw) into a
    temporary folder; returns the database file's path. Open it read-only: other tests share it."""
    database = tmp_path_factory.mktemp("warehouse") / "sxtd.duckdb"
    build_database(get_paths(database=database))
    return database


@pytest.fixture(scope="module")
def con(built_db):
    """A read-only connection to `built_db`, one per test module (modules that build their own small warehouse
    define their own `con`)."""
    from sxtd_analysis.queries import connect

    con = connect(built_db)
    yield con
    con.close()


@pytest.fixture
def empty_warehouse():
    """An in-memory DuckDB with every curated table (empty) and the views of views.sql as plain views, for tests
    that insert small hand-built rows and read the views' answers."""
    con = duckdb.connect()
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    for view in view_definitions():  # as plain views: the rows are inserted afterwards
        con.execute(view.statement)
    yield con
    con.close()
