"""The provenance gate: passes on the real curated data, fails (and says where) on tampering."""

import csv

import pytest

from sxtd_analysis.curated import load_curated
from sxtd_analysis.provenance import check_provenance, check_raw_manifest, words_in_order
from tests.helpers import ROOT, copy_project_data, read_rows


def _rewrite(path, change):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_gate_passes_on_the_real_data():
    frames = load_curated(ROOT / "data" / "curated")
    assert check_provenance(frames, ROOT / "data" / "raw") == []
    assert check_raw_manifest(ROOT / "data" / "raw") == []


def test_every_raw_file_is_in_the_manifest_and_unchanged():
    listed = {r["file_name"] for r in read_rows(ROOT / "data/raw/manifest.csv")}
    on_disk = {p.name for p in (ROOT / "data/raw").glob("*.txt")}
    assert listed == on_disk and len(on_disk) == 4


def test_tampered_quote_is_reported_with_file_line_id_and_reason(tmp_path):
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        rows[0]["quote"] = rows[0]["quote"].replace("mô hình", "dự án")

    _rewrite(paths.curated_dir / "targets.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert len(problems) == 1
    text = str(problems[0])
    assert "targets.csv:2" in text and "dong-thap_kh-2023/t01" in text
    assert "the quote is not in dong-thap_kh-2023.txt lines 66-68" in text


def test_tampered_number_is_reported(tmp_path):
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        row = next(r for r in rows if r["target_id"] == "ha-tinh_kh-484-2020/t02")
        row["value_high"] = "9"

    _rewrite(paths.curated_dir / "targets.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert [p.check for p in problems] == ["number"]
    assert "does not match its quote" in problems[0].message and "high=9" in problems[0].message


def test_wrong_lines_are_reported_with_where_the_quote_really_is(tmp_path):
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        rows[0]["line_start"], rows[0]["line_end"] = "100", "101"

    _rewrite(paths.curated_dir / "targets.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert "it stands at lines 66-68" in problems[0].message


def test_all_failures_are_listed_not_just_the_first(tmp_path):
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        for row in rows[:3]:
            row["quote"] = "không có trong văn bản"

    _rewrite(paths.curated_dir / "qualitative_objectives.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert len(problems) == 3


def test_task_title_must_stand_in_its_lines(tmp_path):
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        rows[5]["title"] = rows[5]["title"] + " và các nhiệm vụ khác"

    _rewrite(paths.curated_dir / "tasks.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert len(problems) == 1 and "title's words do not stand in order" in problems[0].message


def test_the_gate_reads_every_activity_title_against_its_lines(tmp_path):
    """Đồng Tháp's section-III activities (which name no agency) are checked like every other task."""
    paths = copy_project_data(tmp_path)

    def tamper(rows):
        for row in rows:
            if row["task_kind"] == "activity":  # the lines of the next activity but one: other words
                row["line_start"], row["line_end"] = str(int(row["line_start"]) + 20), str(int(row["line_end"]) + 20)

    _rewrite(paths.curated_dir / "tasks.csv", tamper)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    activities = [r["task_id"] for r in read_rows(paths.curated_dir / "tasks.csv") if r["task_kind"] == "activity"]
    assert len(activities) == 16
    assert sorted(p.row_id for p in problems) == sorted(activities)
    assert all("title's words do not stand in order" in p.message for p in problems)


def test_changed_raw_file_fails_the_manifest(tmp_path):
    paths = copy_project_data(tmp_path)
    raw = paths.raw_dir / "hoa-binh_qd-2583-2020.txt"
    raw.write_bytes(raw.read_bytes() + b"\n")
    problems = check_raw_manifest(paths.raw_dir)
    assert len(problems) == 1 and "has changed" in problems[0].message


def test_unlisted_raw_file_fails_the_manifest(tmp_path):
    paths = copy_project_data(tmp_path)
    (paths.raw_dir / "new-plan.txt").write_text("Kế hoạch", encoding="utf-8")
    assert ["is not in data/raw/manifest.csv" in p.message for p in check_raw_manifest(paths.raw_dir)] == [True]


@pytest.mark.parametrize(
    ("needle", "haystack", "expected"),
    [
        ("Tổ chức tập huấn", "1 Tổ chức Sở Công Thương tập huấn", True),
        ("tập huấn Tổ chức", "Tổ chức tập huấn", False),
        ("Tổ chức tập huấn", "Tổ chức", False),
    ],
)
def test_words_in_order(needle, haystack, expected):
    assert words_in_order(needle, haystack) is expected
