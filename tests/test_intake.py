"""Adding a plan end to end: `sxtd add` (raw copy, manifest row, drafts, review page), `sxtd accept` (merge
sorted, refuse anything that fails validation or the provenance gate, writing nothing), on private copies of the
project's data. The plan text is tests/fixtures/unseen_plan.txt (a province the project never curated; it is
filed under Quảng Ninh, which has no plan yet)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.extract import AgencyMatcher, extract_plan
from sxtd_analysis.extract.agencies import split_agencies
from sxtd_analysis.intake import _insert_rows, accept_drafts, plan_id_for
from sxtd_analysis.review import review_html
from sxtd_analysis.schema import TABLES
from tests.helpers import ROOT, copy_project_data, read_rows, sha256

UNSEEN = ROOT / "tests" / "fixtures" / "unseen_plan.txt"
PLAN = "quang-ninh_kh-215-2024"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    copy_project_data(tmp_path)
    return tmp_path


def add(root: Path, *extra: str):
    return run("--root", str(root), "add", str(UNSEEN), "--province", "Quảng Ninh", *extra)


# --- add -----------------------------------------------------------------------------------------------------

def test_add_copies_the_text_lists_it_and_drafts_every_table(project):
    result = add(project)
    assert result.exit_code == 0, result.output
    raw = project / "data" / "raw" / f"{PLAN}.txt"
    assert raw.read_bytes() == UNSEEN.read_bytes()
    (row,) = [r for r in read_rows(project / "data" / "raw" / "manifest.csv") if r["file_name"] == raw.name]
    assert (row["sha256"], row["original_file_name"], row["province_slug"], row["doc_number"]) == (
        sha256(UNSEEN), "unseen_plan.txt", "quang-ninh", "215/KH-UBND")
    names = [r["file_name"] for r in read_rows(project / "data" / "raw" / "manifest.csv")]
    assert names == sorted(names)  # inserted where it sorts
    drafts = project / "drafts" / PLAN
    assert sorted(p.name for p in drafts.iterdir()) == [
        "agencies_draft.csv", "agency_aliases_draft.csv", "budgets_draft.csv", "manifest_draft.csv", "plan_draft.csv",
        "plan_registry_draft.csv", "qualitative_objectives_draft.csv", "review.html", "targets_draft.csv",
        "task_agencies_draft.csv",
        "tasks_draft.csv"]
    assert [(r["amount_vnd"], r["value_as_printed"], r["line_start"]) for r in
            read_rows(drafts / "budgets_draft.csv")] == [("2500000000", "2.500.000.000 đồng", "52")]
    assert [(r["theme"], r["target_year"], r["line_start"]) for r in
            read_rows(drafts / "qualitative_objectives_draft.csv")] == [
        ("Inform consumers about environment-friendly products.", "2025", "27"),
        ("Raise awareness of sustainable consumption and production.", "2025", "31"),
        ("Integrate SCP into education and training.", "2030", "40")]
    assert f"sxtd accept {drafts}" in result.output
    assert "warning: the header names the province Phú Lâm, --province says Quảng Ninh: check" in result.output
    assert "province differs from the header" in (drafts / "review.html").read_text(encoding="utf-8")
    assert not (project / "data" / "curated" / "plans.csv").read_text(encoding="utf-8").count(PLAN)


def test_plan_id_from_the_header():
    plan = {"province_slug": "nam-dinh", "doc_type": "quyet_dinh", "doc_number": "112/QĐ-UBND",
            "issued_on": "2022-05-04", "period_start_year": "2021"}
    assert plan_id_for(plan) == "nam-dinh_qd-112-2022"
    assert plan_id_for({**plan, "doc_type": "ke_hoach", "doc_number": "", "issued_on": ""}) == "nam-dinh_kh-2021"


def test_add_refuses_and_writes_nothing(project, tmp_path):
    curated, raw = project / "data" / "curated", project / "data" / "raw"
    before = snapshot(raw), snapshot(curated)
    cases = {  # what makes it refuse -> words of the one-line error
        "fictional province": (["--root", str(project), "add", str(UNSEEN)], "give --province"),
        "unknown province": (["--root", str(project), "add", str(UNSEEN), "--province", "Atlantis"],
                             "unknown province 'Atlantis'"),
        "plan already curated": (["--root", str(project), "add", str(UNSEEN), "--province", "Hà Tĩnh", "--plan-id",
                                  "ha-tinh_kh-484-2020"], "already in"),
        "bad plan id": (["--root", str(project), "add", str(UNSEEN), "--province", "Hà Tĩnh", "--plan-id",
                         "../evil"], "--plan-id '../evil'"),
        "same text already in data/raw": (["--root", str(project), "add", str(raw / "ha-tinh_kh-484-2020.txt"),
                                           "--province", "Hà Tĩnh", "--plan-id", "ha-tinh_kh-999-2020"],
                                          "already in data/raw as ha-tinh_kh-484-2020.txt"),
        "missing file": (["--root", str(project), "add", str(tmp_path / "nope.txt")], "no such file"),
    }
    pdf = tmp_path / "plan.txt"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    cases["pdf"] = (["--root", str(project), "add", str(pdf), "--province", "Quảng Ninh"], "PDF")
    for case, (args, words) in cases.items():
        result = run(*args)
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert result.exit_code == 1 and len(errors) == 1 and words in errors[0], (case, result.output)
    assert (snapshot(raw), snapshot(curated)) == before
    assert not (project / "drafts").exists()


def test_add_never_overwrites_a_raw_file_or_reviewed_drafts(project):
    raw = project / "data" / "raw" / f"{PLAN}.txt"
    raw.write_bytes(b"another text\n")
    result = add(project)
    assert result.exit_code == 1 and "already exists with other content" in result.output
    assert raw.read_bytes() == b"another text\n"
    raw.unlink()
    assert add(project).exit_code == 0
    drafts = project / "drafts" / PLAN
    reviewed = (drafts / "targets_draft.csv").read_text(encoding="utf-8").replace(",,,75,75,", ",Reviewed,,75,75,")
    (drafts / "targets_draft.csv").write_text(reviewed, encoding="utf-8")
    result = add(project)  # the raw text is there already (identical): only the drafts stand in the way
    assert result.exit_code == 1 and "already holds drafts" in result.output and "--force" in result.output
    assert (drafts / "targets_draft.csv").read_text(encoding="utf-8") == reviewed
    result = add(project, "--force")
    assert result.exit_code == 0, result.output
    assert "already in" in result.output  # the raw file was not written again
    (aside,) = drafts.glob("replaced-*")
    assert (aside / "targets_draft.csv").read_text(encoding="utf-8") == reviewed
    assert (aside / "review.html").exists()
    assert "Reviewed" not in (drafts / "targets_draft.csv").read_text(encoding="utf-8")
    rows = [r for r in read_rows(project / "data" / "raw" / "manifest.csv") if r["file_name"] == raw.name]
    assert len(rows) == 1  # listed once


def test_extract_refuses_a_folder_of_drafts_unless_forced(tmp_path):
    out = tmp_path / "out"
    assert run("extract", str(UNSEEN), "--out", str(out)).exit_code == 0
    (out / "plan_draft.csv").write_text("reviewed\n", encoding="utf-8")
    result = run("extract", str(UNSEEN), "--out", str(out))
    assert result.exit_code == 1 and "already holds drafts" in result.output
    assert (out / "plan_draft.csv").read_text(encoding="utf-8") == "reviewed\n"
    assert run("extract", str(UNSEEN), "--out", str(out), "--force").exit_code == 0
    (aside,) = out.glob("replaced-*")
    assert (aside / "plan_draft.csv").read_text(encoding="utf-8") == "reviewed\n"
    assert len(list(aside.iterdir())) == 11  # the ten drafts and the review page, all kept


# --- accept --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def accepted(tmp_path_factory) -> tuple[Path, dict[str, bytes], object]:
    """A project copy with the unseen plan added and accepted as drafted; the curated files before accept."""
    root = tmp_path_factory.mktemp("accepted")
    copy_project_data(root)
    assert add(root).exit_code == 0
    curated = root / "data" / "curated"
    before = {p.name: p.read_bytes() for p in curated.glob("*.csv")}
    result = run("--root", str(root), "accept", str(root / "drafts" / PLAN))
    return root, before, result


def test_accept_merges_the_drafts_as_written(accepted):
    root, before, result = accepted
    assert result.exit_code == 0, result.output
    assert ("added 1 agencies, 2 agency_aliases, 1 plans, 14 targets, 3 qualitative_objectives, 6 tasks, "
            "15 task_agencies, 1 budgets") in result.output
    curated = root / "data" / "curated"
    drafts = root / "drafts" / PLAN
    for name, draft in (("targets", "targets_draft"), ("tasks", "tasks_draft"), ("task_agencies",
                                                                                 "task_agencies_draft")):
        rows = [r for r in read_rows(curated / f"{name}.csv") if r[list(r)[0]].startswith(PLAN)]
        drafted = read_rows(drafts / f"{draft}.csv")
        table = TABLES[name]
        keyed = sorted(({k: d[k] for k in rows[0]} for d in drafted),
                       key=lambda r, table=table: [r[c] for c in table.sort_by])
        assert rows == keyed  # review columns dropped, values kept, in the file's order
    assert "review" not in (curated / "targets.csv").read_text(encoding="utf-8").splitlines()[0]
    assert read_rows(curated / "agencies.csv")[-1] == {"agency_code": "so_du_lich", "name_vi": "Sở Du lịch",
                                                       "name_en": "Department of Tourism",
                                                       "kind": "province_department"}


def test_accept_keeps_each_file_sorted_and_its_rows_untouched(accepted):
    root, before, _ = accepted
    for table in TABLES.values():
        path = root / "data" / "curated" / table.file_name
        old = before[table.file_name].decode("utf-8").splitlines()
        new = path.read_text(encoding="utf-8").splitlines()
        it = iter(new)
        assert all(line in it for line in old), table.name  # every old line, in its order
        rows = read_rows(path)
        keys = [tuple(r[c] for c in table.sort_by or table.primary_key) for r in rows]
        assert keys == sorted(keys), table.name


def test_accepting_twice_changes_nothing(accepted):
    root, _, _ = accepted
    curated = root / "data" / "curated"
    before = snapshot(curated)
    result = run("--root", str(root), "accept", str(root / "drafts" / PLAN))
    assert result.exit_code == 0 and "nothing to do" in result.output
    assert snapshot(curated) == before
    changed = root / "drafts" / "changed"
    shutil.copytree(root / "drafts" / PLAN, changed)
    text = (changed / "targets_draft.csv").read_text(encoding="utf-8").replace(",,,75,75,", ",Changed,,75,75,")
    (changed / "targets_draft.csv").write_text(text, encoding="utf-8")
    result = run("--root", str(root), "accept", str(changed))
    assert result.exit_code == 1 and "already in" in result.output and "nothing was written" in result.output
    assert snapshot(curated) == before


def _added_project(tmp_path: Path) -> Path:
    copy_project_data(tmp_path)
    assert add(tmp_path).exit_code == 0
    return tmp_path / "drafts" / PLAN


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = {  # a draft edited wrong -> (file, line and id, check) the problem names, in the draft file
    "value not in its quote": ("targets_draft.csv", ",,,75,75,eq,percent,75%,", ",,,76,76,eq,percent,75%,",
                               "line 2 [quang-ninh_kh-215-2024/t01]", "[number]"),
    "quote not in the text": ("targets_draft.csv", '"Phấn đấu 75%', '"Phấn đấu hết sức 75%',
                              "line 2 [quang-ninh_kh-215-2024/t01]", "[quote]"),
    "low above high": ("targets_draft.csv", ",,,3,5,range,", ",,,8,5,range,", "line 3 [quang-ninh_kh-215-2024/t02]",
                       "value_low 8 is above value_high 5"),
    "unknown indicator": ("targets_draft.csv", ",material_intensity_reduction,,,3,5,", ",made_up,,,3,5,",
                          "line 3 [quang-ninh_kh-215-2024/t02]", "expect_column_values_to_be_in_set"),
    "English name missing": ("agencies_draft.csv", ",Department of Tourism,", ",,", "line 2 [so_du_lich]",
                             "is empty but required"),
    "agency code not curated": ("task_agencies_draft.csv", "T-06,dost,partner", "T-06,nobody,partner",
                                "line 16 [quang-ninh_kh-215-2024/T-06/nobody/partner]", "task_agencies"),
    "year out of range": ("qualitative_objectives_draft.csv", ",2030,Lồng ghép", ",2300,Lồng ghép",
                          "line 4 [quang-ninh_kh-215-2024/q03]", "target_year"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_draft_is_refused_and_nothing_is_written(case, tmp_path, monkeypatch):
    drafts = _added_project(tmp_path)
    file_name, old, new, where, words = BROKEN[case]
    _edit(drafts / file_name, old, new)
    curated = tmp_path / "data" / "curated"
    before = snapshot(curated)
    monkeypatch.chdir(tmp_path)
    result = run("--root", str(tmp_path), "accept", str(drafts))
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    heading = next(line for line in result.output.splitlines() if line.startswith(f"drafts/{PLAN}/{file_name}"))
    assert words in result.output and f"    {where}:" in result.output, result.output
    assert heading
    assert snapshot(curated) == before
    assert not list(curated.parent.glob(".accept-*"))  # the staging copy is gone


def test_accept_refuses_unknown_columns_with_one_line(tmp_path):
    drafts = _added_project(tmp_path)
    _edit(drafts / "budgets_draft.csv", "reason\n", "reason,my_note\n")
    curated = tmp_path / "data" / "curated"
    before = snapshot(curated)
    result = run("--root", str(tmp_path), "accept", str(drafts))
    assert result.exit_code == 1 and "unknown column(s): my_note" in result.output
    assert snapshot(curated) == before
    result = run("--root", str(tmp_path), "accept", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "no such folder of drafts" in result.output


# --- the pieces, on small hand-built inputs -------------------------------------------------------------------

def test_insert_rows_keeps_existing_bytes_and_sorts_new_ones(tmp_path):
    path = tmp_path / "t.csv"
    original = 'id,note\na,"two\nlines"\nc,"x, y"\ne,plain\n'
    path.write_text(original, encoding="utf-8")
    lines = _insert_rows(path, ["id", "note"], ("id",), [{"id": "f", "note": "last"}, {"id": "b", "note": "q\"t"},
                                                         {"id": "d", "note": ""}])
    assert path.read_text(encoding="utf-8") == (
        'id,note\na,"two\nlines"\nb,"q""t"\nc,"x, y"\nd,\ne,plain\nf,last\n')
    assert lines == [8, 4, 6]  # the CSV line of each inserted row, in the order given


def _matcher() -> AgencyMatcher:
    return AgencyMatcher.from_rows([{"alias": a, "agency_code": c} for a, c in (
        ("Sở Công Thương", "doit"), ("Sở Văn hóa, Thể thao và Du lịch", "docst"), ("Báo tỉnh", "paper"),
        ("Các Sở, ban ngành cấp tỉnh", "agencies"), ("UBND các huyện, thị xã, thành phố", "districts"))])


def test_split_agencies_keeps_names_whole_and_finds_the_next_cell():
    got = [(m.printed, m.code, m.new_cell) for m in split_agencies(
        "Sở Văn hóa, Thể thao và Du lịch; Báo tỉnh, Sở Du lịch và UBND các huyện, thị xã, thành phố", _matcher())]
    assert got == [("Sở Văn hóa, Thể thao và Du lịch", "docst", False), ("Báo tỉnh", "paper", False),
                   ("Sở Du lịch", "", False), ("UBND các huyện, thị xã, thành phố", "districts", False)]
    # a table flattened one line a cell: no separator between the lead cell and the partners' cell
    got = [(m.printed, m.code, m.new_cell) for m in split_agencies(
        "Sở Công Thương Các Sở, ban ngành cấp tỉnh; UBND các huyện, thị xã, thành phố", _matcher())]
    assert got == [("Sở Công Thương", "doit", False), ("Các Sở, ban ngành cấp tỉnh", "agencies", True),
                   ("UBND các huyện, thị xã, thành phố", "districts", False)]


def test_review_page_escapes_the_text_and_flags_guesses(tmp_path):
    text = UNSEEN.read_text(encoding="utf-8").replace(
        "Nhân rộng mô hình phân loại chất thải", "Nhân rộng <script>alert(1)</script> mô hình phân loại chất thải")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    draft = extract_plan(path, ROOT / "data" / "curated", province="Quảng Ninh")
    draft.targets[0]["indicator_confidence"] = "0.20"
    page = review_html(draft, text.split("\n"))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "unsure indicator (0.20)" in page
    assert "unmatched agency: new agency" in page and "unmatched agency: group, new alias" in page
    assert '<mark>75%</mark>' in page
    assert "http" not in page.replace('content="width=device-width', "")  # nothing fetched: offline


@pytest.mark.slow
def test_add_accept_build_report_from_a_clean_copy(tmp_path, monkeypatch):
    """The done-when: add a plan never seen, accept its drafts as written, build, render its province."""
    from sxtd_analysis.config import get_paths
    from sxtd_analysis.reports import render_provinces

    drafts = _added_project(tmp_path)
    assert run("--root", str(tmp_path), "accept", str(drafts)).exit_code == 0
    result = run("--root", str(tmp_path), "build")
    assert result.exit_code == 0, result.output
    paths = get_paths(root=tmp_path, notebooks_dir=ROOT / "notebooks")
    summary = render_provinces(["Quảng Ninh"], paths=paths, out_dir=tmp_path / "reports", jobs=1)
    assert summary.ok, [r.error for r in summary.results]
    page = (tmp_path / "reports" / "quang-ninh.html").read_text(encoding="utf-8")
    assert "215/KH-UBND" in page and "Department of Tourism" in page
    with open(tmp_path / "data" / "curated" / "plans.csv", encoding="utf-8", newline="") as fh:
        assert PLAN in [r["plan_id"] for r in csv.DictReader(fh)]
    assert accept_drafts(drafts, get_paths(root=tmp_path)).already


@pytest.mark.parametrize("engine", ["check_frames", "validate_frames"])
def test_accept_runs_both_validation_engines(engine, tmp_path, monkeypatch):
    """A problem only one engine finds (here, injected) is enough to refuse: both run before anything is written
    (Great Expectations once the polars rules and the gate pass)."""
    import sxtd_analysis.validation as validation
    from sxtd_analysis.curated import Problem

    drafts = _added_project(tmp_path)
    real = getattr(validation, engine)

    def with_one_more(frames, curated_dir, **kwargs):
        report = real(frames, curated_dir, **kwargs)
        report.problems.append(Problem(str(Path(curated_dir) / "targets.csv"), f"found by {engine}", line=2,
                                       check="expect_injected"))
        return report

    monkeypatch.setattr(validation, engine, with_one_more)
    curated = tmp_path / "data" / "curated"
    before = snapshot(curated)
    result = run("--root", str(tmp_path), "accept", str(drafts))
    assert result.exit_code == 1 and f"found by {engine}" in result.output
    assert snapshot(curated) == before


def test_agencies_of_a_table_flattened_one_line_a_cell():
    """Cells broken over lines: co-leads joined by ';', the partners' cell after a name with no separator, and
    the output cell (a capital after a finished name, 'Báo cáo' is no newspaper) ending them."""
    from sxtd_analysis.extract import extract_tasks

    lines = ["PHỤ LỤC", "TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian", "", "1",
             "Tuyên truyền nội dung Kế hoạch trên các phương", "tiện thông tin đại chúng", "Sở Công Thương;",
             "Báo tỉnh", "Các Sở, ban ngành cấp", "tỉnh; UBND các huyện,", "thị xã, thành phố", "Báo cáo kết quả",
             "2021-2025"]
    tasks, named, _ = extract_tasks(lines, "p", _matcher())
    assert [t["title"] for t in tasks] == ["Tuyên truyền nội dung Kế hoạch trên các phương tiện thông tin đại chúng"]
    assert [(role, m.code, m.printed) for role, m in named["p/T-01"]] == [
        ("lead", "doit", "Sở Công Thương"), ("lead", "paper", "Báo tỉnh"),
        ("partner", "agencies", "Các Sở, ban ngành cấp tỉnh"),
        ("partner", "districts", "UBND các huyện, thị xã, thành phố")]
