"""Promises of data/curated/: NFC UTF-8, sorted for clean diffs, consistent with the manifest and registries."""

import csv
import unicodedata

import pytest
from vietnam_provinces import Province

from sxtd_analysis.curated import load_curated
from sxtd_analysis.schema import TABLES
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


def test_every_task_has_its_lead_among_its_agencies():
    frames = load_curated(CURATED)
    leads = set(frames["task_agencies"].filter(role="lead").select("task_id", "agency_code").iter_rows())
    for task_id, code in frames["tasks"].select("task_id", "lead_agency_code").iter_rows():
        assert (task_id, code) in leads


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
