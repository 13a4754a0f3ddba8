"""The Great Expectations suites: derived from the schema, clean on the real data, every failure located."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest
from click.testing import CliRunner

from sxtd_analysis import validation
from sxtd_analysis.cli import main
from sxtd_analysis.config import ENV_VARS
from sxtd_analysis.curated import Problem, load_curated
from sxtd_analysis.schema import TABLES, Field
from sxtd_analysis.validation import (
    EVERY_PLAN_HAS,
    ORDERED_PAIRS,
    ValidationReport,
    build_suites,
    check_frames,
    derive_rules,
    format_problems,
    validate_frames,
)

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "curated"


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return load_curated(CURATED)


@pytest.fixture(scope="module")
def rules(frames):
    return derive_rules(frames)


def _find(rules, expectation, column=None, condition=None, **kwargs):
    return [r for r in rules if r.expectation == expectation and r.condition == condition
            and (column is None or r.kwargs.get("column") == column or (r.derived and r.derived[1] == column))
            and all(r.kwargs.get(k) == v for k, v in kwargs.items())]


# --- the suites are derived from the schema (meta-tests) ---------------------------------------------


def test_every_table_has_a_suite(frames, rules):
    assert list(rules) == list(TABLES)
    suites = build_suites(frames)
    assert list(suites) == list(TABLES)
    for name, suite in suites.items():
        assert len(suite.expectations) == len(rules[name]) > 0
        assert {e.meta["rule"] for e in suite.expectations} == set(range(len(rules[name])))


def test_every_required_field_has_a_not_null_expectation(rules):
    for name, table in TABLES.items():
        for f in table.fields:
            found = _find(rules[name], "ExpectColumnValuesToNotBeNull", f.name)
            assert len(found) == (1 if f.required else 0), f"{name}.{f.name}"


def test_every_reference_is_checked_against_the_referenced_frame(frames, rules):
    references = [(name, f) for name, t in TABLES.items() for f in t.fields if f.references]
    assert len(references) >= 8
    for name, f in references:
        found = [r for r in _find(rules[name], "ExpectColumnValuesToBeInSet", f.name) if r.kind == "reference"]
        assert len(found) == 1, f"{name}.{f.name}"
        flag, column, reference = found[0].derived
        assert (column, reference) == (f.name, f.references) and found[0].kwargs == {"column": flag,
                                                                                      "value_set": [True]}


def test_keys_allowed_values_and_ranges_are_expected(rules):
    for name, table in TABLES.items():
        pk = table.primary_key
        if len(pk) == 1:
            assert _find(rules[name], "ExpectColumnValuesToBeUnique", pk[0]), name
        else:
            assert _find(rules[name], "ExpectCompoundColumnsToBeUnique", column_list=list(pk)), name
        for f in table.fields:
            if f.unique:
                assert _find(rules[name], "ExpectColumnValuesToBeUnique", f.name), f"{name}.{f.name}"
            if f.allowed and not f.is_list:
                assert _find(rules[name], "ExpectColumnValuesToBeInSet", f.name, value_set=list(f.allowed))
            if f.minimum is not None or f.maximum is not None:
                assert _find(rules[name], "ExpectColumnValuesToBeBetween", f.name, min_value=f.minimum,
                             max_value=f.maximum), f"{name}.{f.name}"


def test_cross_column_and_row_count_rules(rules):
    for name, table in TABLES.items():
        assert _find(rules[name], "ExpectTableRowCountToBeBetween", min_value=1), name
        for lo, hi in ORDERED_PAIRS:
            if {lo, hi} <= set(table.column_names):
                assert _find(rules[name], "ExpectColumnPairValuesAToBeGreaterThanB", column_A=hi, column_B=lo,
                             or_equal=True), f"{name}: {lo} <= {hi}"
    assert {r.kwargs["column"] for r in rules["targets"] if r.kind == "percent"} == {"value_low", "value_high"}
    assert all(r.condition == ("unit", "percent") for r in rules["targets"] if r.kind == "percent")
    every_plan = [r for r in rules["plans"] if r.kind == "every_plan"]
    assert [r.derived for r in every_plan] == [(f"plan_id__has_row_in_{t}", "plan_id", f"{t}.plan_id")
                                              for t in EVERY_PLAN_HAS]
    assert all(r.kwargs == {"column": r.derived[0], "value_set": [True]} for r in every_plan)
    assert {"targets", "tasks"} <= set(EVERY_PLAN_HAS)


def test_a_new_field_in_the_schema_gets_its_expectations(monkeypatch, frames):
    agencies = TABLES["agencies"]
    extra = Field("sector", "VARCHAR", "Test field.", allowed=("industry", "trade"), references="agencies.kind")
    monkeypatch.setitem(validation.TABLES, "agencies", replace(agencies, fields=(*agencies.fields, extra)))
    new = derive_rules(frames)["agencies"]
    assert _find(new, "ExpectColumnValuesToNotBeNull", "sector")
    assert _find(new, "ExpectColumnValuesToBeInSet", "sector", value_set=["industry", "trade"])
    assert [r for r in _find(new, "ExpectColumnValuesToBeInSet", "sector") if r.kind == "reference"]


def test_checks_are_named_as_gx_names_them(rules):
    pair = _find(rules["targets"], "ExpectColumnPairValuesAToBeGreaterThanB")[0]
    assert pair.check == "expect_column_pair_values_a_to_be_greater_than_b"


# --- the real data passes, with Data Docs -------------------------------------------------------------


@pytest.fixture(scope="module")
def real_report(frames, tmp_path_factory) -> tuple[ValidationReport, Path]:
    docs = tmp_path_factory.mktemp("docs") / "validation"
    return validate_frames(frames, CURATED, data_docs_dir=docs), docs


def test_real_data_passes_every_suite(real_report, rules):
    report, _ = real_report
    assert report.problems == [], "\n".join(format_problems(report.problems))
    assert report.success
    assert report.n_expectations == sum(len(r) for r in rules.values())
    assert report.tables == list(TABLES)
    assert report.summary() == f"validation passed: {report.n_expectations} expectations on {len(TABLES)} tables"


def test_data_docs_load_nothing_from_the_network(real_report):
    """GX's pages pulled Bootstrap, jQuery and their logo from CDNs and showed unstyled offline."""
    from sxtd_analysis.offline import external_references

    _, docs = real_report
    pages = list(docs.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        remote = [r for r in external_references(text, links=False) if "a file beside" not in r]
        assert remote == [], (page.name, remote[:3])
        local = re.search(r'<link rel="stylesheet" href="((?:\.\./)*static/styles/data_docs_default_styles\.css)"',
                          text)
        assert local and (page.parent / local[1]).is_file(), page.name


def test_data_docs_index_is_written(real_report):
    report, docs = real_report
    assert report.docs_index == docs / "index.html"
    html = report.docs_index.read_text(encoding="utf-8")
    for name in TABLES:
        assert f"{name}_suite" in html
    pages = list((docs / "validations").rglob("*.html"))
    assert len(pages) == len(TABLES)
    # GX fills the index with JavaScript from CDNs; plain links keep it usable offline
    plain = html.split('<div id="sxtd-plain-index"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'href="([^"]+)"', plain)
    assert len(links) == 2 * len(TABLES) and plain.count(" passed</li>") == len(TABLES)
    assert all((docs / unquote(link)).is_file() for link in links)
    assert "at least one target" in (docs / "expectations" / "plans_suite.html").read_text(encoding="utf-8")


def test_validation_module_does_not_import_great_expectations():
    code = "import json, sys, sxtd_analysis.validation; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT))
    assert not [m for m in loaded if m.split(".")[0] in ("great_expectations", "pandas")]


# --- broken frames: every failure is located ----------------------------------------------------------


def _set(frame: pl.DataFrame, key: str, row_id: str, **values) -> pl.DataFrame:
    hit = pl.col(key) == row_id
    return frame.with_columns(
        pl.when(hit).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c)).alias(c) for c, v in values.items())


def _line(frames, table, key, row_id) -> int:
    return frames[table].filter(pl.col(key) == row_id)["_line"].item()


T02, T03, T04, T06, T07 = (f"dong-thap_kh-2023/t0{i}" for i in (2, 3, 4, 6, 7))
OBJECTIVE = "ha-tinh_kh-484-2020/q01"
DROPPED_PLAN = "thai-nguyen_kh-93-2019"
LEADLESS, BOTH_ROLES = "ha-tinh_kh-484-2020/I-02", "ha-tinh_kh-484-2020/I-03"


@pytest.fixture(scope="module")
def broken_frames(frames) -> tuple[dict[str, pl.DataFrame], dict]:
    """The real frames with one thing broken per row, and where each problem must be reported."""
    f = dict(frames)
    t = f["targets"]
    t = _set(t, "target_id", T02, value_low=95.0)  # above value_high 80
    t = _set(t, "target_id", T03, value_high=120.0)  # a percent of 120
    t = _set(t, "target_id", T04, indicator_code="no_such_indicator")
    t = _set(t, "target_id", T07, comparator=None)
    t = _set(t, "target_id", T06, target_id=T04)  # T04 twice
    f["targets"] = t
    task = f["tasks"].filter(pl.col("start_year").is_not_null() & pl.col("end_year").is_not_null()
                             & (pl.col("plan_id") != DROPPED_PLAN))["task_id"][0]
    f["tasks"] = _set(f["tasks"], "task_id", task, start_year=2030, end_year=2021, line_start=900)
    f["tasks"] = f["tasks"].filter(pl.col("plan_id") != DROPPED_PLAN)
    f["task_agencies"] = f["task_agencies"].filter(pl.col("task_id").is_in(f["tasks"]["task_id"].implode()))
    f["task_agencies"] = pl.concat([f["task_agencies"], f["task_agencies"].head(1).with_columns(
        _line=pl.lit(9999, dtype=pl.Int32))])
    f["tasks"] = _set(f["tasks"], "task_id", LEADLESS, lead_agency_code=None)  # an assignment names its lead
    lead_row = f["task_agencies"].filter(task_id=BOTH_ROLES, role="lead")
    f["task_agencies"] = pl.concat([f["task_agencies"], lead_row.with_columns(  # and again as partner
        role=pl.lit("partner"), _line=pl.lit(9998, dtype=pl.Int32))])
    lead_line, lead_code = lead_row["_line"].item(), lead_row["agency_code"].item()
    f["agencies"] = _set(f["agencies"], "agency_code", "doit", kind="ministry")
    f["qualitative_objectives"] = _set(f["qualitative_objectives"], "objective_id", OBJECTIVE, target_year=2099)
    quantified = f["national_targets"].filter(pl.col("is_quantified"))["national_target_id"][0]
    f["national_targets"] = _set(f["national_targets"], "national_target_id", quantified, unit=None)
    f["budgets"] = f["budgets"].clear()
    ta_first = frames["task_agencies"].row(0, named=True)
    ta_id = f"{ta_first['task_id']}/{ta_first['agency_code']}/{ta_first['role']}"
    expected = {
        "low above high": ("targets.csv", _line(frames, "targets", "target_id", T02), T02, "value_low",
                           "expect_column_pair_values_a_to_be_greater_than_b", "value_low 95 is above value_high 80"),
        "percent": ("targets.csv", _line(frames, "targets", "target_id", T03), T03, "value_high",
                    "expect_column_values_to_be_between", "a percent of 120 is outside 0-100"),
        "unknown indicator": ("targets.csv", _line(frames, "targets", "target_id", T04), T04, "indicator_code",
                              "expect_column_values_to_be_in_set",
                              "'no_such_indicator' is not a known indicators.indicator_code (no such row in "
                              "indicators.csv)"),
        "required": ("targets.csv", _line(frames, "targets", "target_id", T07), T07, "comparator",
                     "expect_column_values_to_not_be_null", "is empty but required"),
        "duplicate id": ("targets.csv", _line(frames, "targets", "target_id", T06), T04, "target_id",
                         "expect_column_values_to_be_unique",
                         f"duplicate target_id '{T04}'; also on line {_line(frames, 'targets', 'target_id', T04)}"),
        "start after end": ("tasks.csv", _line(frames, "tasks", "task_id", task), task, "start_year",
                            "expect_column_pair_values_a_to_be_greater_than_b",
                            "start_year 2030 is above end_year 2021"),
        "line_start after line_end": ("tasks.csv", _line(frames, "tasks", "task_id", task), task, "line_start",
                                      "expect_column_pair_values_a_to_be_greater_than_b", "line_start 900 is above"),
        "plan without tasks": ("plans.csv", _line(frames, "plans", "plan_id", DROPPED_PLAN), DROPPED_PLAN, "plan_id",
                               "expect_column_values_to_be_in_set",
                               f"plan '{DROPPED_PLAN}' has no row in tasks.csv; every plan needs at least one task"),
        "compound key": ("task_agencies.csv", 9999, ta_id, "task_id,agency_code,role",
                         "expect_compound_columns_to_be_unique", "duplicate key (task_id, agency_code, role) = ("),
        "required where assignment": ("tasks.csv", _line(frames, "tasks", "task_id", LEADLESS), LEADLESS,
                                      "lead_agency_code", "expect_column_values_to_not_be_null",
                                      "is empty, but it is required where task_kind is assignment"),
        "lead and partner": ("task_agencies.csv", 9998, f"{BOTH_ROLES}/{lead_code}/partner", "task_id,agency_code",
                             "expect_compound_columns_to_be_unique",
                             f"duplicate key (task_id, agency_code) = ('{BOTH_ROLES}', '{lead_code}'); also on line "
                             f"{lead_line}"),
        "lead and partner, the lead's row": ("task_agencies.csv", lead_line, f"{BOTH_ROLES}/{lead_code}/lead",
                                             "task_id,agency_code", "expect_compound_columns_to_be_unique",
                                             f"duplicate key (task_id, agency_code) = ('{BOTH_ROLES}', "
                                             f"'{lead_code}'); also on line 9998"),
        "allowed value": ("agencies.csv", _line(frames, "agencies", "agency_code", "doit"), "doit", "kind",
                          "expect_column_values_to_be_in_set", "'ministry' is not one of province_department"),
        "year range": ("qualitative_objectives.csv", _line(frames, "qualitative_objectives", "objective_id", OBJECTIVE),
                       OBJECTIVE, "target_year", "expect_column_values_to_be_between", "2099 is outside 2010 to 2050"),
        "required where quantified": ("national_targets.csv", _line(frames, "national_targets", "national_target_id",
                                                                    quantified), quantified, "unit",
                                      "expect_column_values_to_not_be_null",
                                      "is empty, but it is required where is_quantified is true"),
        "empty table": ("budgets.csv", None, None, None, "expect_table_row_count_to_be_between",
                        "has no rows; every curated table needs at least one"),
    }
    return f, expected


ENGINES = {"great_expectations": validate_frames, "polars": check_frames}


@pytest.fixture(scope="module", params=list(ENGINES))
def broken(request, broken_frames) -> tuple[ValidationReport, dict]:
    """The broken frames checked by each engine: the GX suites (`sxtd validate`) and polars (`sxtd build`)."""
    f, expected = broken_frames
    return ENGINES[request.param](f, CURATED), expected


def _key(p: Problem) -> tuple:
    return (p.file, p.line, p.row_id, p.column, p.check, p.message, p.level)


def test_both_engines_report_the_same_problems(broken_frames):
    f, _ = broken_frames
    gx, fast = validate_frames(f, CURATED), check_frames(f, CURATED)
    assert sorted(map(_key, fast.problems)) == sorted(map(_key, gx.problems))
    assert fast.n_expectations == gx.n_expectations and fast.tables == gx.tables


@pytest.mark.parametrize("engine", list(ENGINES))
def test_each_engine_on_null_and_conditional_rows(engine):
    """Missing values are skipped by value rules, counted by not-null rules; conditions filter first."""
    nat = load_curated(CURATED)["national_targets"]
    quantified = nat.filter(pl.col("is_quantified"))
    other = nat.filter(~pl.col("is_quantified")).head(1)
    twin = quantified.head(1).with_columns(national_target_id=pl.lit("twin"), _line=pl.lit(999, dtype=pl.Int32))
    unquantified_twin = twin.with_columns(national_target_id=pl.lit("twin2"), is_quantified=pl.lit(False),
                                          unit=pl.lit(None, dtype=pl.String), _line=pl.lit(1000, dtype=pl.Int32))
    frame = pl.concat([quantified, other, twin, unquantified_twin])
    report = ENGINES[engine]({"national_targets": frame}, CURATED)
    found = sorted((p.line, p.check) for p in report.problems)
    first = quantified["_line"][0]
    # the quantified twin repeats (programme, milestone, indicator); the unquantified one is outside the rule
    assert found == sorted([(first, "expect_compound_columns_to_be_unique"),
                            (999, "expect_compound_columns_to_be_unique")]), report.problems


@pytest.mark.parametrize("case", [
    "low above high", "percent", "unknown indicator", "required", "duplicate id", "start after end",
    "line_start after line_end", "plan without tasks", "compound key", "allowed value", "year range",
    "required where quantified", "empty table", "required where assignment", "lead and partner",
    "lead and partner, the lead's row",
])
def test_broken_frames_fail_with_located_problems(broken, case):
    report, expected = broken
    file, line, row_id, column, check, message = expected[case]
    assert not report.success
    matches = [p for p in report.problems if Path(p.file).name == file and p.line == line and p.check == check
               and p.column == column and p.row_id == row_id and p.message.startswith(message)]
    assert len(matches) == 1, f"{case}: no {expected[case]} in\n" + "\n".join(map(str, report.problems))
    problem = matches[0]
    assert problem.file == str(CURATED / file) and problem.level == "error"


def test_broken_frames_report_nothing_else(broken):
    report, expected = broken
    located = {(Path(p.file).name, p.line) for p in report.problems}
    wanted = {(file, line) for file, line, *_ in expected.values()}
    # the duplicated rows are reported twice (each names the other); the compound key's first row too
    assert located - wanted <= {("targets.csv", 5), ("task_agencies.csv", 2)}, located - wanted
    assert report.summary().startswith(f"validation failed: {len(report.problems)} problem(s) in agencies.csv")


@pytest.mark.parametrize("engine", list(ENGINES))
def test_small_hand_built_frames(engine):
    frame = pl.DataFrame({
        "agency_code": ["doit", "doit", "done"],
        "name_vi": ["Sở Công Thương", "Sở Công Thương", None],
        "name_en": ["Department of Industry and Trade"] * 3,
        "kind": ["province_department", "province_department", "alien"],
    })
    report = ENGINES[engine]({"agencies": frame}, Path("somewhere"))
    found = {(p.row_id, p.column, p.check, p.message) for p in report.problems}
    assert found == {
        ("doit", "agency_code", "expect_column_values_to_be_unique", "duplicate agency_code 'doit'"),
        ("done", "name_vi", "expect_column_values_to_not_be_null", "is empty but required"),
        ("done", "kind", "expect_column_values_to_be_in_set",
         "'alien' is not one of " + ", ".join(TABLES["agencies"].field("kind").allowed)),
    }
    assert all(p.line is None and p.file == str(Path("somewhere") / "agencies.csv") for p in report.problems)
    assert report.tables == ["agencies"] and not report.success


@pytest.mark.parametrize("engine", list(ENGINES))
def test_an_assignment_needs_its_lead_an_activity_names_none(engine, frames):
    activity, assignment = "dong-thap_kh-2023/III-02-a", "dong-thap_kh-2023/V-05-a"
    tasks = frames["tasks"].filter(pl.col("task_id").is_in([activity, assignment]))
    assert tasks["task_kind"].to_list() == ["activity", "assignment"] and tasks["lead_agency_code"][0] is None
    report = ENGINES[engine]({"tasks": _set(tasks, "task_id", assignment, lead_agency_code=None)}, CURATED)
    assert [(p.row_id, p.column, p.check, p.message) for p in report.problems] == [
        (assignment, "lead_agency_code", "expect_column_values_to_not_be_null",
         "is empty, but it is required where task_kind is assignment")]
    assert ENGINES[engine]({"tasks": tasks}, CURATED).success


@pytest.mark.parametrize("engine", list(ENGINES))
def test_an_agency_cannot_lead_a_task_and_be_its_partner(engine):
    frame = pl.DataFrame({
        "task_id": ["t", "t", "t", "u"],
        "agency_code": ["doit", "doit", "dof", "doit"],
        "role": ["lead", "partner", "partner", "partner"],
        "as_printed": ["Sở Công Thương", "Sở Công Thương", "Sở Tài chính", "Sở Công Thương"],
        "_line": pl.Series([2, 3, 4, 5], dtype=pl.Int32),
    })
    report = ENGINES[engine]({"task_agencies": frame}, CURATED)
    assert sorted((p.line, p.row_id, p.column, p.check, p.message) for p in report.problems) == [
        (2, "t/doit/lead", "task_id,agency_code", "expect_compound_columns_to_be_unique",
         "duplicate key (task_id, agency_code) = ('t', 'doit'); also on line 3"),
        (3, "t/doit/partner", "task_id,agency_code", "expect_compound_columns_to_be_unique",
         "duplicate key (task_id, agency_code) = ('t', 'doit'); also on line 2"),
    ]


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_column_missing_from_a_frame_is_reported_not_raised(engine):
    frame = pl.DataFrame({"agency_code": ["doit"], "name_vi": ["Sở Công Thương"], "kind": ["province_department"],
                          "_line": pl.Series([2], dtype=pl.Int32)})
    report = ENGINES[engine]({"agencies": frame}, CURATED)
    assert [(p.line, p.message) for p in report.problems] == [(1, "missing column(s): name_en")]


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_referenced_column_missing_skips_the_reference(engine):
    """task_agencies without task_id: its own columns rule reports it; tasks' other checks still run."""
    frames = load_curated(CURATED)
    subset = {"plans": frames["plans"], "tasks": frames["tasks"].drop("plan_id")}
    report = ENGINES[engine](subset, CURATED)
    assert [(Path(p.file).name, p.message) for p in report.problems] == [("tasks.csv", "missing column(s): plan_id")]
    assert "plan_id__has_row_in_tasks" not in [r.derived and r.derived[0] for r in derive_rules(subset)["plans"]]


# --- output and the command line ----------------------------------------------------------------------


def test_format_problems_groups_by_file_column_and_check():
    problems = [Problem("data/curated/targets.csv", f"bad {i}", line=i, row_id=f"t{i}", column="unit",
                        check="expect_column_values_to_be_in_set") for i in range(2, 8)]
    problems.append(Problem("data/curated/plans.csv", "the file is empty"))
    lines = format_problems(problems, per_group=3)
    assert lines[0].endswith("targets.csv  column unit  [expect_column_values_to_be_in_set]  6 row(s)")
    assert lines[1:4] == ["    line 2 [t2]: bad 2", "    line 3 [t3]: bad 3", "    line 4 [t4]: bad 4"]
    assert lines[4] == "    ... and 3 more"
    assert lines[5].endswith("plans.csv  [format]: the file is empty")


def test_cli_validate_passes_on_the_real_data(tmp_path, monkeypatch):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SXTD_REPORTS_DIR", str(tmp_path / "reports"))
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    index = tmp_path / "reports" / "validation" / "index.html"
    assert f"Data Docs: {index}" in result.output and index.exists()
    n = sum(len(r) for r in derive_rules(load_curated(CURATED)).values())
    assert f"validation passed: {n} expectations on {len(TABLES)} tables; provenance gate passed" in result.output


def test_an_exception_inside_gx_is_read_in_both_shapes():
    flat = {"raised_exception": True, "exception_message": "KeyError: 'x'\nmore", "exception_traceback": "..."}
    keyed = {"metric-id": flat}
    assert validation._raised(flat) == validation._raised(keyed) == "KeyError: 'x'"
    assert validation._raised({"raised_exception": False}) is None and validation._raised(None) is None
