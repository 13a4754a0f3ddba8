"""Data validation: one rule set per curated table, derived from the schema, run by two engines.

Every rule comes from `schema.TABLES` (keys, required fields, allowed values, ranges, references between
tables) plus a few cross-column rules (value_low <= value_high, percents within 0-100, start <= end,
line_start <= line_end, every plan has a target and a task). The rules are plain data (`derive_rules`):
one list, evaluated two ways that report the same problems (a test holds them equal):

- `validate_frames`: as Great Expectations suites, with Data Docs for a reviewer. GX validates pandas copies
  of the polars frames (its DuckDB/SQL datasource is unusable, see shared/notes/stack.md). This is what
  `sxtd validate` runs; importing GX alone takes ~5 s, so it is loaded only here.
- `check_frames`: the same rules as polars expressions, in milliseconds. This is what `sxtd build` runs
  before it publishes a database.

Each failing row is mapped back to its CSV line and primary key, in the same words by both engines.
"""

from __future__ import annotations

import re
import shutil
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from sxtd_analysis.curated import Problem, _row_id
from sxtd_analysis.schema import ID_PATTERN, ID_PREFIXES, TABLES, Field, Table, is_identifier

#: name of the Data Docs site we add (the ephemeral context already has `local_site`)
DOCS_SITE = "sxtd_validation"
#: (lower, upper) column pairs that must be in order wherever a table has both
ORDERED_PAIRS = (
    ("value_low", "value_high"),
    ("start_year", "end_year"),
    ("period_start_year", "period_end_year"),
    ("line_start", "line_end"),
)
#: tables in which every plan must have at least one row, with the word for one row; checked on plans.csv
EVERY_PLAN_HAS = {"targets": "target", "tasks": "task", "plan_registry": "entry"}
#: table -> [(condition column, condition value, columns required where the condition holds)]; a condition value
#: of None means "where the condition column is empty"
REQUIRED_WHEN = {
    "national_targets": [("is_quantified", True,
                          ("indicator_code", "value_low", "value_high", "comparator", "unit", "value_as_printed"))],
    "tasks": [("task_kind", "assignment", ("lead_agency_code",))],
    # a known plan without its text in data/raw stands on its public source alone
    "plan_registry": [("plan_id", None, ("source_url", "source_kind")),
                      # a plan without a known issue date is dated by its source: issued by then
                      ("issued_on", None, ("source_published_on",))],
}
#: table -> (condition column, condition value, columns that together must be unique where it holds)
UNIQUE_WHEN = {
    "national_targets": ("is_quantified", True, ("programme", "milestone_year", "indicator_code")),
}
#: table -> (columns that together must be unique, why): a narrower key than the table's primary key
UNIQUE_TOGETHER = {
    "task_agencies": (("task_id", "agency_code"), "An agency has one role in a task: it leads or it is a "
                      "partner, not both."),
    "current_provinces": (("tile_row", "tile_column"), "No two provinces on one square of the map."),
}


@dataclass(frozen=True)
class Rule:
    """One expectation of a table's suite, as plain data (no Great Expectations import needed)."""

    table: str
    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    column: str | None  # the column a failure is reported on
    kind: str  # how a failing row is worded, see `_describe`
    description: str  # one sentence, shown in Data Docs
    condition: tuple[str, Any] | None = None  # only rows where column == value
    #: (column added before validation, the frame's column, "table.column" it must exist in): a reference (or
    #: "every plan has a row in ...") is checked as boolean flags, so the suite does not carry the other
    #: table's keys (500,000 task ids at scale made GX spend minutes re-serialising the expectation)
    derived: tuple[str, str, str] | None = None

    @property
    def columns(self) -> list[str]:
        """The frame's columns the expectation reads."""
        kw = self.kwargs
        named = [kw.get("column"), kw.get("column_A"), kw.get("column_B"), *(kw.get("column_list") or [])]
        if self.derived:
            named = [self.derived[1] if c == self.derived[0] else c for c in named]
        return [c for c in named if c] + ([self.condition[0]] if self.condition else [])

    @property
    def check(self) -> str:
        """The expectation's snake_case name as GX reports it (expect_column_values_to_be_unique)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.expectation).lower()


@dataclass
class ValidationReport:
    """What one validation run found; `problems` are curated.Problem objects located by file, line and id."""

    problems: list[Problem]
    n_expectations: int
    tables: list[str]
    docs_index: Path | None = None
    seconds: float = 0.0
    #: problems of the provenance gate (None when the gate did not run); they are also in `problems`
    gate_problems: list[Problem] | None = None

    @property
    def success(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    def summary(self) -> str:
        """One line: passed, or how many problems in which tables."""
        gate = ""
        if self.gate_problems is not None:
            gate = ("; provenance gate passed" if not self.gate_problems
                    else f"; provenance gate: {len(self.gate_problems)} problem(s)")
        if self.success:
            return f"validation passed: {self.n_expectations} expectations on {len(self.tables)} tables{gate}"
        errors = [p for p in self.problems if p.level == "error"]
        files = sorted({Path(p.file).name for p in errors})
        return (f"validation failed: {len(errors)} problem(s) in {', '.join(files)} "
                f"({self.n_expectations} expectations on {len(self.tables)} tables{gate})")


# --- the rules, derived from the schema -------------------------------------------------------------


def derive_rules(frames: dict[str, pl.DataFrame]) -> dict[str, list[Rule]]:
    """The rules of every table in `frames`, derived from `schema.TABLES`.

    References are checked against the referenced frame; a reference to a table that is not in `frames`, or
    lacks the column, is skipped (there is nothing to compare with).
    """
    return {name: _table_rules(TABLES[name], frames) for name in TABLES if name in frames}


def _known_flag(f: Field) -> str:
    """Name of the column that flags whether a referencing field's value exists in the referenced table."""
    return f"{f.name}__is_known_{f.references.replace('.', '_')}"


def _prefix_column(f: str) -> str:
    """Name of the column that holds an id's part before its first '/' (its plan_id, for the prefix rule)."""
    return f"{f}__prefix"


def _every_plan_flag(table: str) -> str:
    """Name of the plans column that flags whether a plan has at least one row in `table`."""
    return f"plan_id__has_row_in_{table}"


def _present(reference: str, frames: dict[str, pl.DataFrame]) -> bool:
    """Whether "table.column" can be compared with: the table is among the frames and has the column."""
    ref_table, ref_col = reference.split(".")
    return ref_table in frames and ref_col in frames[ref_table].columns


def _table_rules(table: Table, frames: dict[str, pl.DataFrame]) -> list[Rule]:
    name = table.name
    cols = set(table.column_names)
    flags = [_known_flag(f) for f in table.fields if f.references and _present(f.references, frames)]
    every_plan = [t for t in EVERY_PLAN_HAS if _present(f"{t}.plan_id", frames)] if name == "plans" else []
    flags += [_every_plan_flag(t) for t in every_plan]
    prefixed = [(c, p) for c, p in ID_PREFIXES.items() if {c, p} <= cols]
    flags += [_prefix_column(c) for c, _p in prefixed]
    rules = [
        Rule(name, "ExpectTableRowCountToBeBetween", {"min_value": 1}, None, "non_empty",
             f"{table.file_name} has at least one row."),
        Rule(name, "ExpectTableColumnsToMatchSet", {"column_set": table.column_names + flags, "exact_match": True},
             None, "columns", f"{table.file_name} has exactly the columns of schema.py."),
    ]
    pk = table.primary_key
    if len(pk) == 1:
        rules.append(Rule(name, "ExpectColumnValuesToBeUnique", {"column": pk[0]}, pk[0], "duplicate",
                          f"Every {pk[0]} is unique (the key)."))
    else:
        rules.append(Rule(name, "ExpectCompoundColumnsToBeUnique", {"column_list": list(pk)}, ",".join(pk),
                          "duplicate_key", f"Every ({', '.join(pk)}) is unique (the key)."))
    for f in table.fields:
        if f.unique and (f.name,) != pk:
            rules.append(Rule(name, "ExpectColumnValuesToBeUnique", {"column": f.name}, f.name, "duplicate",
                              f"Every {f.name} is unique."))
        if f.required:
            rules.append(Rule(name, "ExpectColumnValuesToNotBeNull", {"column": f.name}, f.name, "required",
                              f"{f.name} is never empty."))
        if f.allowed and not f.is_list:
            rules.append(Rule(name, "ExpectColumnValuesToBeInSet", {"column": f.name, "value_set": list(f.allowed)},
                              f.name, "allowed", f"{f.name} is one of {', '.join(f.allowed)}."))
        if f.minimum is not None or f.maximum is not None:
            rules.append(Rule(name, "ExpectColumnValuesToBeBetween",
                              {"column": f.name, "min_value": f.minimum, "max_value": f.maximum}, f.name, "range",
                              f"{f.name} is within {_bounds(f.minimum, f.maximum)}."))
        if f.pattern:
            rules.append(Rule(name, "ExpectColumnValuesToMatchRegex", {"column": f.name, "regex": f.pattern},
                              f.name, "pattern", f"{f.name} matches {f.pattern}."))
        if is_identifier(f):
            rules.append(Rule(name, "ExpectColumnValuesToMatchRegex", {"column": f.name, "regex": ID_PATTERN},
                              f.name, "identifier", f"{f.name} holds only ASCII letters, digits and - _ . / (no "
                              "spaces, no invisible characters)."))
        if f.references and _present(f.references, frames):
            flag = _known_flag(f)
            rules.append(Rule(name, "ExpectColumnValuesToBeInSet", {"column": flag, "value_set": [True]},
                              f.name, "reference", f"Every {f.name} is a known {f.references}.",
                              derived=(flag, f.name, f.references)))
    for column, prefix_of in prefixed:
        rules.append(Rule(name, "ExpectColumnPairValuesToBeEqual",
                          {"column_A": _prefix_column(column), "column_B": prefix_of,
                           "ignore_row_if": "either_value_is_missing"}, column, "id_prefix",
                          f"{column} starts with its {prefix_of} and '/'.",
                          derived=(_prefix_column(column), column, prefix_of)))
    for lo, hi in ORDERED_PAIRS:
        if {lo, hi} <= cols:
            rules.append(Rule(name, "ExpectColumnPairValuesAToBeGreaterThanB",
                              {"column_A": hi, "column_B": lo, "or_equal": True,
                               "ignore_row_if": "either_value_is_missing"},
                              lo, "order", f"{lo} <= {hi}."))
    if "unit" in cols:
        for col in ("value_low", "value_high"):
            if col in cols:
                rules.append(Rule(name, "ExpectColumnValuesToBeBetween",
                                  {"column": col, "min_value": 0, "max_value": 100}, col, "percent",
                                  f"{col} is within 0-100 where unit is percent.", condition=("unit", "percent")))
    for cond_col, cond_val, required in REQUIRED_WHEN.get(name, []):
        for col in required:
            rules.append(Rule(name, "ExpectColumnValuesToNotBeNull", {"column": col}, col, "required_when",
                              f"{col} is filled where {cond_col} is {_flag(cond_val)}.",
                              condition=(cond_col, cond_val)))
    if name in UNIQUE_WHEN:
        cond_col, cond_val, key = UNIQUE_WHEN[name]
        rules.append(Rule(name, "ExpectCompoundColumnsToBeUnique", {"column_list": list(key)}, ",".join(key),
                          "duplicate_key",
                          f"At most one row per ({', '.join(key)}) where {cond_col} is {_flag(cond_val)}.",
                          condition=(cond_col, cond_val)))
    if name in UNIQUE_TOGETHER:
        key, why = UNIQUE_TOGETHER[name]
        rules.append(Rule(name, "ExpectCompoundColumnsToBeUnique", {"column_list": list(key)}, ",".join(key),
                          "duplicate_key", why))
    for other in every_plan:
        flag = _every_plan_flag(other)
        rules.append(Rule(name, "ExpectColumnValuesToBeInSet", {"column": flag, "value_set": [True]}, "plan_id",
                          "every_plan", f"Every plan has at least one {EVERY_PLAN_HAS[other]} in "
                          f"{TABLES[other].file_name}.", derived=(flag, "plan_id", f"{other}.plan_id")))
    return rules


def _flag(value: Any) -> str:
    if value is None:
        return "empty"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _bounds(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g} to {hi:g}"
    return f"at least {lo:g}" if lo is not None else f"at most {hi:g}"


def with_flags(frame: pl.DataFrame, rules: list[Rule], frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The frame with the boolean columns its derived rules check (a missing value counts as known)."""
    flags = []
    for rule in rules:
        if rule.kind == "id_prefix" and rule.derived[1] in frame.columns:
            flags.append(pl.col(rule.derived[1]).str.split("/").list.first().alias(rule.derived[0]))
        elif rule.derived and rule.derived[1] in frame.columns:
            flag, column, reference = rule.derived
            ref_table, ref_col = reference.split(".")
            flags.append((pl.col(column).is_null() | pl.col(column).is_in(frames[ref_table][ref_col].implode()))
                         .alias(flag))
    return frame.with_columns(flags) if flags else frame


# --- the rules as polars expressions: what `sxtd build` runs ------------------------------------------


def check_frames(frames: dict[str, pl.DataFrame], curated_dir: Path) -> ValidationReport:
    """Evaluate every rule of `derive_rules` with polars; the same problems `validate_frames` reports.

    No Great Expectations import: this is the check `sxtd build` runs before it publishes a database
    (milliseconds on the real data, about a second at 10,000 plans). Each rule is read as its GX
    expectation is documented to behave: column-map rules skip missing values, `row_condition` filters
    the rows first, a pair rule ignores rows where either value is missing, a compound key ignores rows
    where all its values are missing.
    """
    started = time.perf_counter()
    all_rules = derive_rules(frames)
    problems: list[Problem] = []
    for name, rules in all_rules.items():
        frame = with_flags(frames[name], rules, frames)
        file_name = str(Path(curated_dir) / TABLES[name].file_name)
        for rule in rules:
            if rule.kind == "non_empty":
                if frame.height < rule.kwargs["min_value"]:
                    problems.append(_empty_problem(rule, file_name))
                continue
            if rule.kind == "columns":
                expected = rule.kwargs["column_set"]
                have = [c for c in frame.columns if c != "_line"]
                if set(have) != set(expected):
                    missing = [c for c in expected if c not in have]
                    problems.append(_columns_problem(rule, file_name, missing, [c for c in have if c not in expected]))
                continue
            if not set(rule.columns) <= set(frame.columns):
                continue  # the `columns` rule reports the missing column
            problems += _row_problems(rule, _failing_rows(rule, frame), frames, file_name)
    return ValidationReport(problems, sum(map(len, all_rules.values())), list(all_rules),
                            seconds=time.perf_counter() - started)


def _failing_rows(rule: Rule, frame: pl.DataFrame) -> list[int]:
    """Row numbers of `frame` that fail the rule's expectation."""
    kw = rule.kwargs
    rows = frame.with_row_index("__row")
    if rule.condition is not None:
        column, value = rule.condition
        rows = rows.filter(pl.col(column).is_null() if value is None else (pl.col(column) == value).fill_null(False))
    expectation = rule.expectation
    if expectation == "ExpectColumnValuesToBeUnique":
        rows = rows.filter(pl.col(kw["column"]).is_not_null())  # missing values are not duplicates
        fails = pl.col(kw["column"]).is_duplicated()
    elif expectation == "ExpectCompoundColumnsToBeUnique":
        key = kw["column_list"]
        rows = rows.filter(~pl.all_horizontal(pl.col(c).is_null() for c in key))
        fails = pl.struct(key).is_duplicated()
    elif expectation == "ExpectColumnValuesToNotBeNull":
        fails = pl.col(kw["column"]).is_null()
    elif expectation == "ExpectColumnValuesToBeInSet":
        col = pl.col(kw["column"])
        fails = col.is_not_null() & ~col.is_in(kw["value_set"])
    elif expectation == "ExpectColumnValuesToMatchRegex":
        col = pl.col(kw["column"])
        fails = col.is_not_null() & ~col.str.contains(kw["regex"])
    elif expectation == "ExpectColumnPairValuesToBeEqual":
        fails = (pl.col(kw["column_A"]) != pl.col(kw["column_B"])).fill_null(False)
    elif expectation == "ExpectColumnValuesToBeBetween":
        col = pl.col(kw["column"])
        fails = pl.lit(False)
        if kw.get("min_value") is not None:
            fails = fails | (col < kw["min_value"])
        if kw.get("max_value") is not None:
            fails = fails | (col > kw["max_value"])
        fails = fails.fill_null(False)
    elif expectation == "ExpectColumnValuesToMatchRegex":
        col = pl.col(kw["column"])
        fails = col.is_not_null() & ~col.str.contains(kw["regex"])
    elif expectation == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = pl.col(kw["column_A"]), pl.col(kw["column_B"])
        fails = ((a < b) if kw.get("or_equal") else (a <= b)).fill_null(False)
    else:
        raise NotImplementedError(f"no polars reading of {expectation} (rule of {rule.table}: {rule.description})")
    return rows.filter(fails)["__row"].to_list()


# --- the rules as Great Expectations suites: what `sxtd validate` runs -------------------------------


def _context(data_docs_dir: Path | None):
    """An ephemeral GX context, progress bars off, with our Data Docs site if asked."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        context.add_data_docs_site(site_name=DOCS_SITE, site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(data_docs_dir).resolve())},
        })
    return gx, context


def _expectation(gx, rule: Rule, index: int):
    from great_expectations.expectations.row_conditions import Column

    kwargs = dict(rule.kwargs)
    if rule.condition is not None:
        column, value = rule.condition
        kwargs["row_condition"] = Column(column).is_null() if value is None else Column(column) == value
    cls = getattr(gx.expectations, rule.expectation)
    return cls(**kwargs, meta={"rule": index}, description=rule.description)


def build_suites(frames: dict[str, pl.DataFrame]) -> dict[str, Any]:
    """The GX ExpectationSuite of every table in `frames`, in a fresh ephemeral context."""
    suites = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gx, _context_ = _context(None)
        for name, rules in derive_rules(frames).items():
            suite = gx.ExpectationSuite(name=f"{name}_suite")
            for i, rule in enumerate(rules):
                suite.add_expectation(_expectation(gx, rule, i))
            suites[name] = suite
    return suites


def _to_pandas(frame: pl.DataFrame, rules: list[Rule], frames: dict[str, pl.DataFrame]):
    """The frame as pandas for GX: `_line` dropped, list columns joined with ';', derived flags added."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    out = with_flags(frame, rules, frames).drop("_line", strict=False)
    if lists:
        out = out.with_columns(pl.col(c).list.join(";") for c in lists)
    return out.to_pandas()


def validate_frames(frames: dict[str, pl.DataFrame], curated_dir: Path, *,
                    data_docs_dir: Path | None = None) -> ValidationReport:
    """Run the expectation suite of every table in `frames` and list every failure.

    Args:
        frames: typed frames as `curated.load_curated` returns them (with `_line`, the CSV line of each row).
        curated_dir: folder of the CSV files, for the file names in problems.
        data_docs_dir: if given, GX Data Docs are (re)built there; `report.docs_index` is its index.html.
    """
    started = time.perf_counter()
    all_rules = derive_rules(frames)
    problems: list[Problem] = []
    failed: set[str] = set()
    n_expectations = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gx, context = _context(data_docs_dir)
        from great_expectations.core.run_identifier import RunIdentifier

        run_id = RunIdentifier(run_name="sxtd-validate", run_time=datetime.now(UTC))
        source = context.data_sources.add_pandas("curated")
        for name, rules in all_rules.items():
            suite = gx.ExpectationSuite(name=f"{name}_suite")
            for i, rule in enumerate(rules):
                suite.add_expectation(_expectation(gx, rule, i))
            suite = context.suites.add(suite)
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(f"{name}_csv")
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"validate_{name}", data=batch, suite=suite))
            batch_parameters = {"dataframe": _to_pandas(frames[name], rules, frames)}
            # Without Data Docs, a BOOLEAN_ONLY pass (half the time) settles the usual case, a passing suite;
            # a failing suite runs again with COMPLETE to locate its rows. Data Docs get COMPLETE results.
            result = definition.run(batch_parameters=batch_parameters, run_id=run_id,
                                    result_format="COMPLETE" if data_docs_dir is not None else "BOOLEAN_ONLY")
            if not result.success and data_docs_dir is None:
                result = definition.run(batch_parameters=batch_parameters, result_format="COMPLETE", run_id=run_id)
            n_expectations += len(result.results)
            if not result.success:
                failed.add(name)
            file_name = str(Path(curated_dir) / TABLES[name].file_name)
            for res in result.results:
                if not res.success:
                    rule = rules[res.expectation_config.meta["rule"]]
                    problems += _problems(rule, res, frames, file_name)
        docs_index = None
        if data_docs_dir is not None:
            docs_index = _build_docs(context, Path(data_docs_dir), failed)
    return ValidationReport(problems, n_expectations, list(all_rules), docs_index,
                            time.perf_counter() - started)


def _build_docs(context, docs_dir: Path, failed: set[str]) -> Path:
    """Write Data Docs of this run's suites and results into docs_dir; returns its index.html."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    for old in ("index.html", "validations", "expectations", "static"):  # only what GX writes: no stale pages
        path = docs_dir / old
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    context.build_data_docs(site_names=[DOCS_SITE])
    index = docs_dir / "index.html"
    _add_plain_links(index, failed)
    from sxtd_analysis.data_docs import offline_pages

    offline_pages(docs_dir)
    return index


def _add_plain_links(index: Path, failed: set[str]) -> None:
    """Put plain links to every page at the top of index.html.

    GX fills the index's tables with JavaScript from CDNs, so offline the index shows no links at all.
    """
    import html
    from urllib.parse import quote

    items = []
    for folder, kind in (("validations", "result"), ("expectations", "suite")):
        for page in sorted((index.parent / folder).rglob("*.html")):
            suite = page.relative_to(index.parent / folder).parts[0].removesuffix(".html")
            status = ""
            if kind == "result":
                status = " <b>failed</b>" if suite.removesuffix("_suite") in failed else " passed"
            href = quote(page.relative_to(index.parent).as_posix())
            items.append(f'<li><a href="{href}">{html.escape(suite)}</a> ({kind}){status}</li>')
    block = ('<div id="sxtd-plain-index" style="margin:1em"><p>Every page (plain links, readable offline):</p>'
             f'<ul>{"".join(items)}</ul></div>')
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("<body>", "<body>\n" + block, 1), encoding="utf-8")


# --- mapping failures back to rows ------------------------------------------------------------------


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return f"{v:g}" if abs(v) < 1e15 else f"{v:.0f}"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _line(frame: pl.DataFrame, idx: int) -> int | None:
    return int(frame["_line"][idx]) if "_line" in frame.columns else None


def _problems(rule: Rule, res, frames: dict[str, pl.DataFrame], file_name: str) -> list[Problem]:
    """Problems of one failed GX expectation, one per offending row where GX names the rows."""
    frame = frames[rule.table]
    if not set(rule.columns) <= set(frame.columns):
        return []  # the `columns` rule reports the missing column
    raised = _raised(res.exception_info)
    if raised:
        return [Problem(file_name, f"the check could not run: {raised}", column=rule.column, check=rule.check)]
    result = res.result or {}
    if rule.kind == "non_empty":
        return [_empty_problem(rule, file_name)]
    if rule.kind == "columns":
        details = (result.get("details") or {}).get("mismatched") or {}
        return [_columns_problem(rule, file_name, details.get("missing") or [], details.get("unexpected") or [])]
    indices = [int(i) for i in result.get("unexpected_index_list") or []]
    if not indices:
        return [Problem(file_name, f"fails: {rule.description}", column=rule.column, check=rule.check)]
    return _row_problems(rule, indices, frames, file_name)


def _empty_problem(rule: Rule, file_name: str) -> Problem:
    return Problem(file_name, "has no rows; every curated table needs at least one", check=rule.check)


def _columns_problem(rule: Rule, file_name: str, missing: list[str], extra: list[str]) -> Problem:
    missing = [c for c in missing if "__" not in c]  # a flag column is missing with the column it flags
    parts = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
        [f"unknown column(s): {', '.join(extra)}"] if extra else [])
    return Problem(file_name, "; ".join(parts) or "the columns differ from schema.py", line=1, check=rule.check)


def _row_problems(rule: Rule, indices: list[int], frames: dict[str, pl.DataFrame], file_name: str
                  ) -> list[Problem]:
    """One problem per failing row (by its index in the table's frame), worded the same for both engines."""
    table = TABLES[rule.table]
    frame = frames[rule.table]

    def at(idx: int, message: str) -> Problem:
        return Problem(file_name, message, line=_line(frame, idx), row_id=_row_id(frame, table, idx),
                       column=rule.column, check=rule.check)

    if rule.kind in ("duplicate", "duplicate_key"):
        key_cols = rule.kwargs.get("column_list") or [rule.kwargs["column"]]
        groups: dict[tuple, list[int]] = {}
        for idx in indices:
            groups.setdefault(tuple(frame[c][idx] for c in key_cols), []).append(idx)
        label = key_cols[0] if len(key_cols) == 1 else f"key ({', '.join(key_cols)}) ="
        out = []
        for key, members in groups.items():
            shown = _value(key[0]) if len(key) == 1 else f"({', '.join(_value(k) for k in key)})"
            for idx in members:
                others = [_line(frame, j) for j in members if j != idx]
                also = "; also on line " + ", ".join(map(str, others)) if others and None not in others else ""
                out.append(at(idx, f"duplicate {label} {shown}{also}"))
        return out
    out = []
    for idx in indices:
        value = frame[rule.column][idx] if rule.column in frame.columns else None
        out.append(at(idx, _describe(rule, frame, idx, value)))
    return out


def _raised(info: dict | None) -> str | None:
    """The first line of an exception GX caught while checking, if any (flat or keyed by metric)."""
    infos = [info or {}] if "raised_exception" in (info or {}) else list((info or {}).values())
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            return (item.get("exception_message") or "unknown error").splitlines()[0]
    return None


def _describe(rule: Rule, frame: pl.DataFrame, idx: int, value: Any) -> str:
    """A human sentence for one offending row."""
    kw = rule.kwargs
    if rule.kind == "required":
        return "is empty but required"
    if rule.kind == "required_when":
        cond_col, cond_val = rule.condition
        return f"is empty, but it is required where {cond_col} is {_flag(cond_val)}"
    if rule.kind == "allowed":
        return f"{_value(value)} is not one of {', '.join(kw['value_set'])}"
    if rule.kind == "every_plan":
        other = rule.derived[2].split(".")[0]
        return (f"plan {_value(value)} has no row in {TABLES[other].file_name}; every plan needs at least one "
                f"{EVERY_PLAN_HAS[other]}")
    if rule.kind == "reference":
        ref = TABLES[rule.table].field(rule.column).references
        ref_table = ref.split(".")[0]
        return f"{_value(value)} is not a known {ref} (no such row in {ref_table}.csv)"
    if rule.kind == "identifier":
        return _identifier_problem(value)
    if rule.kind == "id_prefix":
        other = rule.kwargs["column_B"]
        return f"{_value(value)} does not start with its {other} {_value(frame[other][idx])} and '/'"
    if rule.kind == "range":
        return f"{_value(value)} is outside {_bounds(kw['min_value'], kw['max_value'])}"
    if rule.kind == "pattern":
        return f"{_value(value)} does not match {kw['regex']}"
    if rule.kind == "percent":
        return f"a percent of {_value(value)} is outside 0-100"
    if rule.kind == "order":
        hi = kw["column_A"]
        return f"{rule.column} {_value(value)} is above {hi} {_value(frame[hi][idx])}"
    return f"{_value(value)} fails: {rule.description}"


def _identifier_problem(value: str) -> str:
    """Which characters of an id break ID_PATTERN, named (an invisible one cannot be seen in the file)."""
    import unicodedata

    odd = dict.fromkeys(c for c in value if not (c.isascii() and (c.isalnum() or c in "_./-")))
    if not odd:
        return f"{_value(value)} must start with a letter or digit"
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in odd)
    return (f"{_value(value)} holds {names}; an identifier is ASCII letters, digits and - _ . / only (delete the "
            "character; an invisible one makes ids that look alike differ)")


# --- the whole check, as `sxtd validate` runs it ---------------------------------------------------


def validate_curated(paths=None, data_docs_dir: Path | None = None) -> ValidationReport:
    """Load the curated tables, run the provenance gate and every expectation suite; one report.

    Args:
        paths: project paths (`config.get_paths()` by default); curated_dir and raw_dir are read.
        data_docs_dir: where to build Data Docs, if at all.

    Raises:
        CuratedDataError: a file cannot be loaded at all (missing columns, encoding, not CSV...).
    """
    from sxtd_analysis.config import get_paths
    from sxtd_analysis.curated import load_curated
    from sxtd_analysis.provenance import check_provenance, check_raw_manifest

    paths = paths or get_paths()
    started = time.perf_counter()
    frames = load_curated(paths.curated_dir)
    gate = check_raw_manifest(paths.raw_dir) + check_provenance(frames, paths.raw_dir, paths.curated_dir)
    report = validate_frames(frames, paths.curated_dir, data_docs_dir=data_docs_dir)
    report.problems = gate + report.problems
    report.gate_problems = gate
    report.seconds = time.perf_counter() - started
    return report


def format_problems(problems: Iterable[Problem], per_group: int = 3) -> list[str]:
    """Problems as short lines: one heading per file, column and check, then a few offending rows."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.check), []).append(p)
    lines = []
    for (file, column, check), members in groups.items():
        rows = [p for p in members if p.line or p.row_id]
        head = _display(file) + (f"  column {column}" if column else "") + f"  [{check}]"
        if not rows:
            lines += [f"{head}: {p.message}" for p in members]
            continue
        lines.append(f"{head}  {len(members)} row(s)")
        for p in members[:per_group]:
            where = " ".join(x for x in (f"line {p.line}" if p.line else "", f"[{p.row_id}]" if p.row_id else "")
                             if x)
            lines.append(f"    {where}: {p.message}")
        if len(members) > per_group:
            lines.append(f"    ... and {len(members) - per_group} more")
    return lines


def _display(file: str) -> str:
    """A file's path relative to the working folder where it lies below it, else as given."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file
