"""Promises of data/curated/: NFC UTF-8, sorted for clean diffs, consistent with the manifest and registries."""

import csv
import re
import unicodedata

import polars as pl
import pytest
from vietnam_provinces import Province

from sxtd_analysis.curated import load_curated
from sxtd_analysis.provenance import words_in_order
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import fold
from tests.helpers import ROOT, read_rows

CURATED = ROOT / "data" / "curated"


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_has_a_file_that_is_nfc_and_sorted(name):
    table = TABLES[name]
    text = (CURATED / table.file_name).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == table.column_names
    keys = [tuple(r[c] for c in (table.sort_by or table.primary_key)) for r in rows]
    assert keys == sorted(keys), f"{table.file_name} is not sorted by {table.sort_by}"


def test_curated_folder_holds_only_defined_tables():
    files = {p.name for p in CURATED.iterdir() if p.is_file()}
    assert files == {t.file_name for t in TABLES.values()} | {"README.md"}


def test_successors_match_the_vietnam_provinces_registry():
    current = {f"{int(p.code):02d}": p.name.removeprefix("Thành phố ") for p in Province.iter_all()}
    assert len(current) == 34
    for row in read_rows(CURATED / "provinces.csv"):
        assert current[row["successor_gso_code"]] == row["successor_name_vi"]


def test_plans_agree_with_the_raw_manifest():
    manifest = {r["file_name"]: r for r in read_rows(ROOT / "data/raw/manifest.csv")}
    for plan in read_rows(CURATED / "plans.csv"):
        entry = manifest[plan["raw_file"]]
        for field in ("province_slug", "doc_type", "doc_number", "issued_on", "issuing_body", "signer", "programme"):
            assert entry[field] == plan[field], (plan["plan_id"], field)
        assert plan["raw_file"].removesuffix(".txt") == plan["plan_id"]


def test_every_plan_has_targets_and_tasks():
    frames = load_curated(CURATED)
    for plan_id in frames["plans"]["plan_id"]:
        assert plan_id in frames["targets"]["plan_id"].to_list()
        assert plan_id in frames["tasks"]["plan_id"].to_list()


def test_every_assignment_has_its_lead_among_its_agencies_and_an_activity_has_none():
    frames = load_curated(CURATED)
    leads = set(frames["task_agencies"].filter(role="lead").select("task_id", "agency_code").iter_rows())
    with_agencies = set(frames["task_agencies"]["task_id"])
    for task_id, kind, code in frames["tasks"].select("task_id", "task_kind", "lead_agency_code").iter_rows():
        if kind == "assignment":
            assert (task_id, code) in leads, task_id
        else:
            assert code is None and task_id not in with_agencies, task_id


def _raw_lines(frames, plan_id: str) -> list[str]:
    raw_file = frames["plans"].filter(plan_id=plan_id)["raw_file"].item()
    return (ROOT / "data" / "raw" / raw_file).read_text(encoding="utf-8").split("\n")


def test_dong_thap_content_activities():
    """Section III (NỘI DUNG) of the 2023 plan: 7 communication, 5 cleaner-production and 4 network activities."""
    frames = load_curated(CURATED)
    activities = frames["tasks"].filter(task_kind="activity")
    assert set(activities["plan_id"]) == {"dong-thap_kh-2023"}
    assert activities.group_by("number_as_printed").len().sort("number_as_printed").rows() == [
        ("1", 7), ("2", 5), ("3", 4)]
    assert set(activities["section"]) == {"III. NỘI DUNG"}
    assert activities["line_start"].min() > 93 and activities["line_end"].max() < 182  # III.1 to III.3
    assert activities.filter(pl.col("output").is_not_null()).select("task_id", "output").rows() == [
        ("dong-thap_kh-2023/III-02-a", "02 doanh nghiệp")]
    assert activities["title"].str.starts_with("Hỗ trợ thực hiện đánh giá sản xuất sạch hơn 02 doanh nghiệp").sum() == 1
    assert activities.select(pl.col("start_year").unique(), pl.col("end_year").unique()).rows() == [(2023, 2023)]
    assert activities["is_start_year_inferred"].all() and activities["is_end_year_inferred"].all()


AS_PRINTED_CELLS = ("number_as_printed", "output", "frequency", "timing_as_printed", "funding_as_printed")


def _item_number_above(lines: list[str], line: int) -> str | None:
    """The number of the nearest numbered item ('3. Sở Khoa học và Công nghệ') at or above a 1-based line."""
    for text in reversed(lines[:line]):
        m = re.match(r"\s*(\d+)\.\s", text)
        if m:
            return m[1]
    return None


def test_printed_cells_of_a_task_stand_in_its_lines():
    """Each cell that says 'as printed' is printed in the task's lines (a bullet's number: its item's, above)."""
    frames = load_curated(CURATED)
    for plan_id, tasks in frames["tasks"].group_by("plan_id"):
        lines = _raw_lines(frames, plan_id[0])
        for row in tasks.iter_rows(named=True):
            span = " ".join(lines[row["line_start"] - 1: row["line_end"]])
            for column in AS_PRINTED_CELLS:
                value = row[column]
                if value is None or fold(value) in fold(span) or words_in_order(value, span):
                    continue
                assert column == "number_as_printed" and value == _item_number_above(lines, row["line_start"]), (
                    row["task_id"], column, value)


def test_frequency_holds_only_frequencies():
    """Hà Tĩnh's Sản phẩm column is stored in output; a condition (Khi có yêu cầu) is not a frequency."""
    tasks = load_curated(CURATED)["tasks"]
    assert set(tasks["frequency"].drop_nulls()) == {"Hàng năm", "Thường xuyên"}
    ha_tinh = tasks.filter(plan_id="ha-tinh_kh-484-2020")
    assert ha_tinh.filter(pl.col("frequency").is_not_null() & ~pl.col("output").str.starts_with("Thường xuyên")
                          ).is_empty()
    assert ha_tinh.filter(pl.col("output").str.starts_with("Thường xuyên") & pl.col("frequency").is_null()
                          ).is_empty()
    assert ha_tinh.filter(task_id="ha-tinh_kh-484-2020/I-11")["number_as_printed"].item() == "11 1 0"


def test_a_year_not_marked_inferred_is_printed_in_the_timing_cell():
    tasks = load_curated(CURATED)["tasks"]
    for row in tasks.iter_rows(named=True):
        for year, inferred in (("start_year", "is_start_year_inferred"), ("end_year", "is_end_year_inferred")):
            if row[year] is not None and not row[inferred]:
                assert str(row[year]) in (row["timing_as_printed"] or ""), (row["task_id"], year)


def test_a_section_not_marked_inferred_is_printed_before_its_rows():
    frames = load_curated(CURATED)
    tasks = frames["tasks"]
    inferred = tasks.filter("is_section_inferred")
    assert set(inferred["plan_id"]) == {"hoa-binh_qd-2583-2020", "thai-nguyen_kh-93-2019"}
    assert set(inferred.filter(plan_id="thai-nguyen_kh-93-2019")["section"].str.slice(0, 4)) == {"III.", "IV. "}
    assert inferred["curation_note"].is_not_null().all()
    for row in tasks.filter(~pl.col("is_section_inferred")).iter_rows(named=True):
        before = " ".join(_raw_lines(frames, row["plan_id"])[: row["line_start"]])
        printed = re.sub(r"^([IVX]+)\. ", r"\1 ", row["section"])  # a numeral in a cell of its own
        assert words_in_order(row["section"], before) or words_in_order(printed, before), row["task_id"]


def test_an_agency_has_one_role_in_a_task():
    """Hà Tĩnh I-07, I-08, II-08, II-09 print 'Các Sở, ngành' as lead and again as partner: counted once."""
    ta = load_curated(CURATED)["task_agencies"]
    assert ta.select("task_id", "agency_code").is_duplicated().sum() == 0
    for n in ("I-07", "I-08", "II-08", "II-09"):
        rows = ta.filter(task_id=f"ha-tinh_kh-484-2020/{n}", agency_code="provincial_agencies")
        assert rows.select("role", "as_printed").rows() == [("lead", "Các Sở, ngành")]


def test_all_63_former_provinces_roll_up_to_the_34_of_2025():
    rows = read_rows(CURATED / "provinces.csv")
    assert len(rows) == 63 and len({r["gso_code"] for r in rows}) == 63
    successors = {r["successor_gso_code"] for r in rows}
    assert len(successors) == 34
    merged_into = {}
    for r in rows:
        merged_into.setdefault(r["successor_gso_code"], []).append(r)
    for row in rows:
        assert (row["is_merged"] == "true") == (len(merged_into[row["successor_gso_code"]]) > 1)
