"""Building the warehouse: contents, build_info, atomic replacement, refusal that keeps the old database."""

import csv

import duckdb
import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.schema import TABLES, data_dictionary_markdown
from sxtd_analysis.warehouse import BuildError, build_database, curated_hash
from tests.helpers import ROOT, copy_project_data, sha256


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


def test_data_dictionary_is_generated_from_the_schema():
    assert (ROOT / "data" / "curated" / "README.md").read_text(encoding="utf-8") == data_dictionary_markdown()
