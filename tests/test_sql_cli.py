"""`sxtd sql`, `sxtd tables`, `sxtd describe`: formats, read-only refusal, readable errors."""

import json

import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.warehouse import build_database
from tests.helpers import copy_project_data, sha256


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    paths = copy_project_data(tmp_path_factory.mktemp("sql"))
    build_database(paths)
    return paths


def run(root, *args, input=None):
    return CliRunner().invoke(main, ["--root", str(root.root), *args], input=input)


def test_query_prints_a_table(root):
    result = run(root, "sql", "SELECT province_name_vi, value_low FROM target_matrix "
                              "WHERE indicator_code = 'district_communication' ORDER BY province_name_vi COLLATE vi")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["province_name_vi", "value_low"]
    assert "Đồng Tháp" in result.output and "(4 rows)" in result.output


@pytest.mark.parametrize(("fmt", "check"), [
    ("csv", lambda out: out.splitlines()[0] == "n"),
    ("json", lambda out: json.loads(out) == [{"n": 124}]),
    ("markdown", lambda out: out.splitlines()[1].startswith("|:--")),
])
def test_formats(root, fmt, check):
    result = run(root, "sql", "SELECT count(*) AS n FROM tasks", "--format", fmt)
    assert result.exit_code == 0 and check(result.output), result.output


def test_query_from_standard_input_and_output_file(root, tmp_path):
    out = tmp_path / "t.parquet"
    result = run(root, "sql", "--output", str(out), input="SELECT * FROM targets")
    assert result.exit_code == 0 and "wrote 31 rows" in result.output
    import polars as pl

    assert pl.read_parquet(out).height == 31


@pytest.mark.parametrize("statement", [
    "INSERT INTO targets SELECT * FROM targets",
    "UPDATE targets SET value_low = 0",
    "DELETE FROM targets",
    "DROP TABLE targets",
    "CREATE TABLE x AS SELECT 1",
    "ATTACH 'other.duckdb' AS other",
    "COPY targets TO 'leak.csv'",
    "EXPORT DATABASE 'dump'",
    "INSTALL httpfs",
    "SET threads = 1",
    "CHECKPOINT",
    "PRAGMA enable_profiling",
    "SELECT 1; DROP TABLE targets",
])
def test_writes_are_refused_and_the_file_is_unchanged(root, statement, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sha256(root.database)
    result = run(root, "sql", statement)
    assert result.exit_code != 0
    assert "refused" in result.output or "one statement at a time" in result.output
    assert sha256(root.database) == before
    assert list(tmp_path.iterdir()) == []


def test_sql_error_is_one_line_without_traceback(root):
    result = run(root, "sql", "SELECT * FROM no_such_table")
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: SQL error: Catalog Error")
    assert len(result.output.strip().splitlines()) == 1


def test_tables_lists_descriptions_and_counts(root):
    result = run(root, "tables")
    line = next(ln for ln in result.output.splitlines() if ln.startswith("targets "))
    assert "31" in line.split() and "Quantified objectives" in line


def test_describe_shows_meanings(root):
    result = run(root, "describe", "target_alignment")
    assert result.exit_code == 0
    verdict = next(ln for ln in result.output.splitlines() if ln.startswith("verdict "))
    assert "stricter" in verdict
    assert run(root, "describe", "nope").exit_code == 1


def test_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "sql", "SELECT 1"])
    assert result.exit_code == 1 and "sxtd build" in result.output


def _readme_queries():
    from tests.helpers import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    import re

    return re.findall(r'^\s*sxtd sql "([^"]+)"\s*$', text, flags=re.M)


def test_readme_queries_answer(root):
    queries = _readme_queries()
    assert len(queries) >= 3
    for query in queries:
        result = run(root, "sql", query)
        assert result.exit_code == 0, result.output
        assert "(0 rows)" not in result.output, query
