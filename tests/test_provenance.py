"""The provenance gate: passes on the real curated data, fails (and says where) on tampering."""

import csv

import pytest

from sxtd_analysis.curated import load_curated
from sxtd_analysis.provenance import check_provenance, check_raw_manifest, raw_file_refusal, words_in_order
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


@pytest.mark.parametrize(("raw_file", "refused_because"), [
    ("dong-thap_kh-2023.txt", None),
    ("../../evil.txt", "must be a bare file name in data/raw"),
    ("/tmp/evil.txt", "must be a bare file name in data/raw"),
    ("sub/dong-thap_kh-2023.txt", "must be a bare file name in data/raw"),
    ("..\\evil.txt", "must be a bare file name in data/raw"),
    ("..", "must be a bare file name in data/raw"),
    ("evil.txt", "is not listed in data/raw/manifest.csv"),
    ("manifest.csv", "is not listed in data/raw/manifest.csv"),
])
def test_raw_file_must_be_a_bare_name_listed_in_the_manifest(tmp_path, raw_file, refused_because):
    (tmp_path / "dong-thap_kh-2023.txt").write_text("x", encoding="utf-8")
    refusal = raw_file_refusal(raw_file, tmp_path, {"dong-thap_kh-2023.txt", "link.txt"})
    assert refusal is None if refused_because is None else refused_because in refusal


def test_raw_file_that_links_out_of_data_raw_is_refused(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "edited.txt").write_text("99%", encoding="utf-8")
    (raw / "link.txt").symlink_to(tmp_path / "edited.txt")
    assert "is a link to a file outside data/raw" in raw_file_refusal("link.txt", raw, {"link.txt"})


@pytest.mark.parametrize("pointer", ["../../evil.txt", "ABSOLUTE"])
def test_gate_is_not_walked_around_by_a_path_to_an_edited_copy(tmp_path, pointer):
    """An edited copy of a plan outside data/raw, with a made-up number: the gate must not read it."""
    paths = copy_project_data(tmp_path / "p")
    original = paths.raw_dir / "dong-thap_kh-2023.txt"
    evil = paths.root / "evil.txt"  # ../../evil.txt from data/raw
    evil.write_text(original.read_text(encoding="utf-8").replace("80% các khu", "99% các khu"), encoding="utf-8")
    pointer = str(evil) if pointer == "ABSOLUTE" else pointer
    assert (paths.raw_dir / pointer).resolve() == evil

    def point(rows):
        next(r for r in rows if r["plan_id"] == "dong-thap_kh-2023")["raw_file"] = pointer

    def made_up(rows):
        for row in rows:
            if row["target_id"] == "dong-thap_kh-2023/t02":
                row["value_low"] = row["value_high"] = "99"
                row["value_as_printed"] = "99%"
                row["quote"] = row["quote"].replace("80%", "99%", 1)

    _rewrite(paths.curated_dir / "plans.csv", point)
    _rewrite(paths.curated_dir / "targets.csv", made_up)
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert [(p.column, p.row_id) for p in problems] == [("raw_file", "dong-thap_kh-2023")]
    assert f"raw_file {pointer!r} must be a bare file name in data/raw" in problems[0].message
    assert str(problems[0]).startswith(f"{paths.curated_dir / 'plans.csv'}:2 [dong-thap_kh-2023]")


def test_manifest_not_in_utf8_is_a_problem_not_a_crash(tmp_path):
    paths = copy_project_data(tmp_path)
    manifest = paths.raw_dir / "manifest.csv"
    manifest.write_bytes(manifest.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    problems = check_raw_manifest(paths.raw_dir)
    assert len(problems) == 1 and problems[0].file == str(manifest)
    assert "is not UTF-8" in problems[0].message and "Convert it to Unicode UTF-8" in problems[0].message
    # the gate still checks every quote (the manifest's problem refuses the build on its own)
    assert check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir) == []


def test_manifest_row_naming_a_path_is_a_problem(tmp_path):
    paths = copy_project_data(tmp_path)
    manifest = paths.raw_dir / "manifest.csv"

    def point_out(rows):
        rows.append({**rows[0], "file_name": "../curated/targets.csv"})

    _rewrite(manifest, point_out)
    problems = [p for p in check_raw_manifest(paths.raw_dir) if "bare file name" in p.message]
    assert [(p.line, p.message) for p in problems] == [
        (6, "file_name '../curated/targets.csv' must be a bare file name in data/raw")]


def test_folder_in_data_raw_is_a_problem_not_a_crash(tmp_path):
    paths = copy_project_data(tmp_path)
    (paths.raw_dir / "scans").mkdir()
    problems = check_raw_manifest(paths.raw_dir)
    assert [p.message for p in problems] == ["is not a file; data/raw holds only the plan texts and manifest.csv"]


def test_raw_text_in_a_legacy_encoding_is_one_problem_on_its_plan(tmp_path):
    paths = copy_project_data(tmp_path)
    raw = paths.raw_dir / "hoa-binh_qd-2583-2020.txt"
    raw.write_bytes(raw.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    problems = check_provenance(load_curated(paths.curated_dir), paths.raw_dir, paths.curated_dir)
    assert [(p.file.rsplit("/", 1)[-1], p.row_id, p.column) for p in problems] == [
        ("plans.csv", "hoa-binh_qd-2583-2020", "raw_file")]
    assert "the raw text cannot be read: " in problems[0].message and "is not UTF-8" in problems[0].message


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
