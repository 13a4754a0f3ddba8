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


@pytest.mark.parametrize(("query", "says"), [
    # a misspelt table: DuckDB's suggestion is kept
    ("FROM target", ["Catalog Error: Table with name target does not exist!", 'Did you mean "targets"?']),
    # a misspelt column: the candidates are kept
    ("SELECT plan_idd FROM targets", ['Referenced column "plan_idd" not found', 'Candidate bindings: "plan_id"']),
    # a syntax error: the line and the caret under the place are kept
    ("SELEC 1", ['Parser Error: syntax error at or near "SELEC"', "LINE 1: SELEC 1", "        ^^^^^"]),
])
def test_sql_error_shows_duckdbs_whole_message(root, query, says):
    result = run(root, "sql", query)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: SQL error: ")
    for text in says:
        assert text in result.output, result.output


@pytest.mark.parametrize("statement", [
    "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO 'leak.csv'",
    "EXPLAIN ANALYZE COPY targets TO 'leak.csv'",
    "/* hidden */ EXPLAIN /* from the check */ ANALYZE COPY targets TO 'leak.csv'",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv('https://example.com/x.csv')",
    "SELECT * FROM glob('/etc/*')",
    "LOAD httpfs",
])
def test_file_and_network_access_is_refused_and_nothing_is_written(root, statement, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sha256(root.database)
    curated = {p.name: sha256(p) for p in root.curated_dir.iterdir()}
    result = run(root, "sql", statement)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: refused"), result.output
    assert sha256(root.database) == before
    assert {p.name: sha256(p) for p in root.curated_dir.iterdir()} == curated
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("statement", [
    "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{out}'",
    "COPY targets TO '{out}'",
    "EXPORT DATABASE '{dir}'",
    "ATTACH '{dir}/other.duckdb' AS other",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "SELECT * FROM read_text('{curated}')",
    "SELECT * FROM read_csv('https://example.com/x.csv')",
])
def test_duckdb_itself_refuses_on_the_librarys_connection(root, statement, tmp_path):
    """Below the statement check: the connection `connect()` opens refuses writes, files, URLs and settings."""
    import duckdb

    import sxtd_analysis as sx

    before = sha256(root.database)
    con = sx.connect(root.database)
    try:
        with pytest.raises(duckdb.Error, match="disabled|configuration has been locked|read-only"):
            query = statement.format(out=tmp_path / "leak.csv", dir=tmp_path, curated=root.curated_dir / "targets.csv")
            con.execute(query).fetchall()
    finally:
        con.close()
    assert sha256(root.database) == before and list(tmp_path.iterdir()) == []


def test_the_librarys_connection_has_the_read_only_settings(root):
    import sxtd_analysis as sx

    con = sx.connect(root.database)
    try:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('access_mode', 'enable_external_access', "
            "'autoinstall_known_extensions', 'autoload_known_extensions', 'lock_configuration')").fetchall())
    finally:
        con.close()
    assert settings == {"access_mode": "read_only", "enable_external_access": "false",
                        "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                        "lock_configuration": "true"}


def test_pivot_unpivot_and_vietnamese_order_answer(root):
    result = run(root, "sql", "PIVOT (SELECT unit FROM targets) ON unit USING count(*)", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"count": 3, "percent": 27}]  # targets.csv: 3 counts, 27 percents
    result = run(root, "sql", "UNPIVOT (SELECT 1 AS a, 2 AS b) ON a, b INTO NAME k VALUE v", "--format", "csv")
    assert result.output.splitlines() == ["k,v", "a,1", "b,2"]
    result = run(root, "sql", "SELECT name_vi FROM provinces WHERE name_vi IN ('Đồng Tháp', 'Điện Biên', 'Yên Bái', "
                              "'Đà Nẵng', 'Hà Tĩnh') ORDER BY name_vi COLLATE vi", "--format", "csv")
    assert result.output.splitlines() == ["name_vi", "Đà Nẵng", "Điện Biên", "Đồng Tháp", "Hà Tĩnh", "Yên Bái"]


def test_own_file_joins_only_when_given(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.csv"
    mine.write_text("province_slug,population_m\nha-tinh,1.3\ndong-thap,1.6\n", encoding="utf-8")
    query = ("SELECT p.name_vi, m.population_m FROM provinces p JOIN mine m USING (province_slug) "
             "ORDER BY p.name_vi COLLATE vi")
    result = run(root, "sql", query, "--file", f"mine={mine}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["name_vi,population_m", "Đồng Tháp,1.6", "Hà Tĩnh,1.3"]
    refused = run(root, "sql", f"SELECT * FROM read_csv('{mine}')")
    assert refused.exit_code == 1 and "--file NAME=FILE" in refused.output
    assert run(root, "sql", "SELECT 1", "--file", "mine").output.startswith("Error: --file mine: give NAME=FILE")
    missing = run(root, "sql", "SELECT 1", "--file", "mine=nope.csv")
    assert missing.exit_code == 1 and "--file mine=nope.csv: no such file" in missing.output


def test_output_csv_has_a_bom_for_excel_and_xlsx_keeps_vietnamese(root, tmp_path):
    import openpyxl

    query = "SELECT province_slug, name_vi FROM provinces WHERE province_slug IN ('dong-thap', 'ha-tinh') ORDER BY 1"
    out = tmp_path / "p.csv"
    assert run(root, "sql", query, "--output", str(out)).exit_code == 0
    assert out.read_bytes() == "\ufeffprovince_slug,name_vi\ndong-thap,Đồng Tháp\nha-tinh,Hà Tĩnh\n".encode()
    assert run(root, "sql", query, "--output", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"province_slug,")
    book = tmp_path / "p.xlsx"
    result = run(root, "sql", query, "--output", str(book))
    assert result.exit_code == 0 and "wrote 2 rows" in result.output
    sheet = openpyxl.load_workbook(book, read_only=True)["result"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["province_slug", "name_vi"], ["dong-thap", "Đồng Tháp"], ["ha-tinh", "Hà Tĩnh"]]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no part file left
    bad = run(root, "sql", query, "--output", str(tmp_path / "p.txt"))
    assert bad.exit_code == 1 and "must end in .parquet, .csv or .xlsx" in bad.output


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


def test_readme_first_lines_say_how_to_reach_sxtd():
    from tests.helpers import ROOT

    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:10])
    assert ".venv/bin/sxtd" in head and "source .venv/bin/activate" in head


@pytest.mark.parametrize(("fmt", "loads"), [("table", False), ("csv", False), ("json", False), ("parquet", True)])
def test_a_printed_answer_loads_neither_polars_nor_pyarrow(root, tmp_path, fmt, loads):
    """What keeps `sxtd sql` near a bare DuckDB query (benchmarks/bench_sql.py): only a Parquet file needs them."""
    import subprocess
    import sys

    args = ["--output", str(tmp_path / "a.parquet")] if fmt == "parquet" else ["--format", fmt]
    code = ("import sys; from sxtd_analysis.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
            "print('heavy:', sorted({'polars', 'pyarrow', 'numpy', 'pandas'} & set(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(root.database), "sql", "SELECT 1 AS x", *args],
                          capture_output=True, text=True, check=True)
    heavy = done.stderr.strip().splitlines()[-1]
    assert (heavy != "heavy: []") is loads, heavy


def test_connect_beside_a_plain_connection_says_what_to_do(root):
    """DuckDB refuses a second connection to one file with other settings in one process; say so in one line."""
    import duckdb

    import sxtd_analysis as sx
    from sxtd_analysis.queries import DatabaseUnreadableError

    plain = duckdb.connect(str(root.database), read_only=True)
    try:
        with pytest.raises(DatabaseUnreadableError, match=r"is already open in this process with other settings "
                                                          r"\(a plain duckdb\.connect\?\); close that connection"):
            sx.connect(root.database)
    finally:
        plain.close()
    sx.connect(root.database).close()  # once it is closed, connect() opens the file
