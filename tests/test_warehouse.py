"""Building the warehouse: contents, build_info, atomic replacement, refusal that keeps the old database."""

import csv
import os
import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.schema import TABLES, data_dictionary_markdown
from sxtd_analysis.warehouse import BuildError, build_database, curated_hash
from tests.helpers import ROOT, copy_project_data, crash_a_writer, sha256, writer_holding


@pytest.fixture
def project(tmp_path):
    paths = copy_project_data(tmp_path)
    build_database(paths)
    return paths


def test_database_holds_every_curated_table_and_view(project):
    con = duckdb.connect(str(project.database), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    stored = {"target_matrix", "target_alignment", "tasks_by_agency",  # views.sql: "stored in order"
              "known_plans", "national_coverage"}
    assert set(TABLES) | {"build_info"} | stored == tables
    assert {"province_lineage"} <= views and not stored & views
    for name, table in TABLES.items():
        with open(project.curated_dir / table.file_name, encoding="utf-8") as fh:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == sum(1 for _ in csv.reader(fh)) - 1


def test_build_info_records_hash_time_and_version(project):
    con = duckdb.connect(str(project.database), read_only=True)
    info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
    assert info["curated_hash"] == curated_hash(project.curated_dir, project.raw_dir)
    assert info["package_version"] == __import__("sxtd_analysis").__version__
    assert info["built_at"].startswith("20") and info["rows.targets"] == "31"


def test_failed_build_leaves_previous_database_untouched(project):
    before = sha256(project.database)
    targets = project.curated_dir / "targets.csv"
    targets.write_text(targets.read_text(encoding="utf-8").replace("5-8%", "5-9%", 1), encoding="utf-8")
    with pytest.raises(BuildError, match="value_as_printed"):
        build_database(project)
    assert sha256(project.database) == before
    assert [p.name for p in project.database.parent.iterdir() if ".tmp" in p.name] == []


def test_reader_with_old_file_open_is_not_broken(project):
    reader = duckdb.connect(str(project.database), read_only=True)
    count = reader.execute("SELECT count(*) FROM targets").fetchall()[0][0]
    build_database(project)  # renames a new file over the open one
    assert reader.execute("SELECT count(*) FROM targets").fetchall()[0][0] == count


def test_cli_build_reports_refusal_in_one_readable_message(project):
    (project.curated_dir / "plans.csv").write_text("plan_id\nx\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(project.root), "build"])
    assert result.exit_code == 1
    assert "missing column(s)" in result.output and "previous database" in result.output
    assert "Traceback" not in result.output


def test_export_writes_every_table(project, tmp_path):
    out = tmp_path / "export"
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.stem for p in out.glob("*.csv")}
    assert set(TABLES) | {"build_info", "target_alignment", "target_matrix"} <= names
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--out", str(out)])
    assert len(list(out.glob("*.parquet"))) == len(names)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no part file left


def test_export_csv_starts_with_a_bom_so_excel_reads_vietnamese(project, tmp_path):
    out = tmp_path / "export"
    CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "csv", "--out", str(out)])
    data = (out / "provinces.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfprovince_slug,name_vi,")
    assert "dong-thap,Đồng Tháp,Dong Thap,tỉnh,87," in data.decode("utf-8-sig")
    CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "csv", "--out", str(out),
                              "--no-bom"])
    assert (out / "provinces.csv").read_bytes() == data[3:]


def test_export_xlsx_is_one_workbook_a_sheet_per_table(project, tmp_path):
    import openpyxl

    out = tmp_path / "export"
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["sxtd.xlsx"]
    book = openpyxl.load_workbook(out / "sxtd.xlsx", read_only=True)
    con = duckdb.connect(str(project.database), read_only=True)
    objects = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION "
                                         "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert set(book.sheetnames) == objects
    rows = [list(r) for r in book["provinces"].iter_rows(values_only=True)]
    assert rows[0] == TABLES["provinces"].column_names
    assert rows[1:] == [list(r) for r in con.execute("SELECT * FROM provinces").fetchall()]
    dong_thap = next(r for r in rows if r[0] == "dong-thap")
    assert dong_thap[:5] == ["dong-thap", "Đồng Tháp", "Dong Thap", "tỉnh", "87"]
    plans = [list(r) for r in book["plans"].iter_rows(values_only=True)]
    assert len(plans) == 1 + 4 and "Kế hoạch Thực hiện Chương trình" in plans[1][4]


def test_export_into_a_file_is_a_clear_error(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--out", str(blocker)])
    assert result.exit_code == 2 and f"Directory '{blocker}' is a file" in result.output  # click's own check
    result = CliRunner().invoke(main, ["--root", str(project.root), "export", "--out", str(blocker / "sub")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"--out {blocker / 'sub'}: part of {blocker / 'sub'} is a file, not a folder; give" in result.output
    assert blocker.read_text() == "x"


# --- what crashed writers and killed builds leave behind ------------------------------------------------


def test_build_removes_a_stale_wal_and_the_database_reads_after(project):
    crash_a_writer(project.database)
    result = CliRunner().invoke(main, ["--root", str(project.root), "build"])
    assert result.exit_code == 0, result.output
    assert "sxtd.duckdb.wal removed: left by a DuckDB client that wrote to the old database" in result.output
    assert not (project.database.parent / "sxtd.duckdb.wal").exists()
    result = CliRunner().invoke(main, ["--root", str(project.root), "sql", "SELECT count(*) AS n FROM targets",
                                       "--format", "csv"])
    assert result.exit_code == 0 and result.output.splitlines() == ["n", "30"], result.output


def test_build_removes_the_files_of_killed_builds_only(project):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [project.database.with_name(f"sxtd.duckdb.tmp-{dead.pid}"),
            project.database.with_name(f"sxtd.duckdb.tmp-{dead.pid}.wal")]
    for path in left:
        path.write_bytes(b"\0" * 1000)
    running = project.database.with_name(f"sxtd.duckdb.tmp-{os.getppid()}")  # a build that still runs
    running.write_bytes(b"\0")
    result = build_database(project)
    assert not any(p.exists() for p in left) and running.exists()
    assert [str(w) for w in result.warnings] == [
        f"{p} removed (0.0 MB): left by a build that was killed (process {dead.pid} no longer runs)" for p in left]


def test_build_refuses_while_a_writer_holds_the_database(project):
    before = sha256(project.database)
    with writer_holding(project.database) as pid:
        result = CliRunner().invoke(main, ["--root", str(project.root), "build"])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"is open for writing by process {pid}; close that program" in result.output
    assert sha256(project.database) == before
    assert [p.name for p in project.database.parent.iterdir() if p.name.startswith("sxtd.duckdb.")] == []


def test_a_new_database_that_does_not_read_back_is_not_published(project, monkeypatch):
    """The build opens its new file as readers will before it renames it into place."""
    import sxtd_analysis.warehouse as warehouse

    before = sha256(project.database)
    real = warehouse._check_readable

    def corrupt_then_check(database, counts):
        database.write_bytes(b"not a database")
        real(database, counts)

    monkeypatch.setattr(warehouse, "_check_readable", corrupt_then_check)
    with pytest.raises(BuildError, match="the new database cannot be read back: .* is not a DuckDB database"):
        build_database(project)
    assert sha256(project.database) == before
    assert [p.name for p in project.database.parent.iterdir() if ".tmp" in p.name] == []


def test_data_dictionary_is_generated_from_the_schema():
    assert (ROOT / "data" / "curated" / "README.md").read_text(encoding="utf-8") == data_dictionary_markdown()
