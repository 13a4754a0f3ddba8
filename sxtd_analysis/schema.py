"""The one definition of every curated table and field.

The DuckDB DDL, the data dictionary (data/curated/README.md), the CSV loader's checks and the
Great Expectations suites are all derived from `TABLES` below.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPARATORS = ("eq", "at_least", "at_most", "approx", "range")
UNITS = ("percent", "count", "vnd")
DIRECTIONS = ("higher_is_stricter", "lower_is_stricter")
VERDICTS = ("stricter", "equal", "weaker", "overlapping", "no_benchmark")
PROGRAMMES = ("889/QĐ-TTg", "76/QĐ-TTg")
AGENCY_ROLES = ("lead", "partner")
AGENCY_KINDS = (
    "province_department",  # Sở ...
    "province_board",  # Ban Quản lý ..., Văn phòng điều phối ...
    "province_media",  # Đài, Báo
    "province_body",  # UBND tỉnh, Ủy ban MTTQ, associations
    "district_committee",  # UBND các huyện ...
    "group",  # "các Sở, ban, ngành", "các đơn vị có liên quan"
    "non_state",  # enterprises, organisations, individuals
    "national",  # ministries
)
YEAR_MIN, YEAR_MAX = 2010, 2050


@dataclass(frozen=True)
class Field:
    """One column: name, DuckDB type, meaning and what values it may take."""

    name: str
    type: str  # DuckDB type: VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR[]
    description: str
    required: bool = True
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # "table.column"
    unit: str | None = None

    @property
    def is_list(self) -> bool:
        return self.type.endswith("[]")


@dataclass(frozen=True)
class Table:
    """One curated table: one CSV in data/curated/ and one table in DuckDB."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    sort_by: tuple[str, ...] = ()
    #: rows whose numbers carry a quote checked by the provenance gate
    has_provenance: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _year(name: str, description: str, required: bool = True) -> Field:
    return Field(name, "INTEGER", description, required=required, minimum=YEAR_MIN, maximum=YEAR_MAX)


def _lines(span_of: str) -> tuple[Field, Field]:
    return (
        Field("line_start", "INTEGER", f"First line (1-based) of the raw file holding {span_of}.", minimum=1),
        Field("line_end", "INTEGER", f"Last line (1-based, inclusive) of the raw file holding {span_of}.",
              minimum=1),
    )


_QUOTE = Field("quote", "VARCHAR", "The sentence as printed in the raw file (Unicode NFC; runs of white space "
               "and line breaks folded to one space).")

PROVINCES = Table(
    name="provinces",
    description="Provinces as they were when the plans were issued (63 units before 1/7/2025), each with the "
    "province it belongs to since the 2025 merger (Resolution 202/2025/QH15).",
    primary_key=("province_slug",),
    sort_by=("province_slug",),
    fields=(
        Field("province_slug", "VARCHAR", "Lower-case ASCII identifier, words joined by '-' (ha-tinh).",
              unique=True),
        Field("name_vi", "VARCHAR", "Vietnamese name with diacritics (Hà Tĩnh).", unique=True),
        Field("name_ascii", "VARCHAR", "The name without diacritics (Ha Tinh).", unique=True),
        Field("division_type", "VARCHAR", "tỉnh or thành phố trung ương.",
              allowed=("tỉnh", "thành phố trung ương")),
        Field("gso_code", "VARCHAR", "Two-digit statistics-office code before the merger.", unique=True),
        Field("successor_slug", "VARCHAR", "Slug of the province it belongs to since 1/7/2025."),
        Field("successor_name_vi", "VARCHAR", "Vietnamese name of that province."),
        Field("successor_gso_code", "VARCHAR", "Statistics-office code of that province since 1/7/2025."),
        Field("is_merged", "BOOLEAN", "True where the province was merged into another or absorbed others."),
    ),
)

PLANS = Table(
    name="plans",
    description="Provincial plans implementing the national SXTD programme, one per raw document.",
    primary_key=("plan_id",),
    sort_by=("plan_id",),
    fields=(
        Field("plan_id", "VARCHAR", "Identifier: <province-slug>_<document-slug>, the raw file's stem.",
              unique=True),
        Field("province_slug", "VARCHAR", "Province that issued the plan.", references="provinces.province_slug"),
        Field("doc_type", "VARCHAR", "Kind of document: ke_hoach (plan) or quyet_dinh (decision issuing a plan).",
              allowed=("ke_hoach", "quyet_dinh")),
        Field("doc_number", "VARCHAR", "Number as printed (484/KH-UBND); empty where the text prints none.",
              required=False),
        Field("title_vi", "VARCHAR", "Title of the plan as printed."),
        Field("issued_on", "DATE", "Date of issue, where the text prints it.", required=False),
        _year("period_start_year", "First year the plan covers."),
        _year("period_end_year", "Last year the plan's targets cover."),
        _year("vision_year", "Year of the plan's vision ('tầm nhìn đến năm ...') or latest horizon, if any.",
              required=False),
        Field("programme", "VARCHAR", "National programme the plan implements.", allowed=PROGRAMMES),
        Field("implements_plan", "VARCHAR", "Earlier provincial plan this plan implements, as printed "
              "(Kế hoạch số 07/KH-UBND ngày 11/01/2021).", required=False),
        Field("issuing_body", "VARCHAR", "Body that issued the document."),
        Field("signer", "VARCHAR", "Person who signed, where the text prints it.", required=False),
        Field("raw_file", "VARCHAR", "File name in data/raw/.", unique=True),
    ),
)

INDICATORS = Table(
    name="indicators",
    description="The codebook: what each target measures, and which national indicator it is compared with.",
    primary_key=("indicator_code",),
    sort_by=("indicator_code",),
    fields=(
        Field("indicator_code", "VARCHAR", "Identifier, snake_case.", unique=True),
        Field("label_vi", "VARCHAR", "Short Vietnamese label."),
        Field("label_en", "VARCHAR", "Short English label."),
        Field("unit", "VARCHAR", "Unit of the values.", allowed=UNITS),
        Field("direction", "VARCHAR", "Which way is more ambitious: for a reduction a larger cut, for a coverage a "
              "larger share.", allowed=DIRECTIONS),
        Field("definition", "VARCHAR", "What is counted, and over what."),
        Field("national_indicator_code", "VARCHAR", "National indicator this one is compared with (a provincial "
              "'districts run communication' target corresponds to the national 'provinces run communication').",
              required=False, references="indicators.indicator_code"),
        Field("is_benchmark_comparable", "BOOLEAN", "False where the national value is not on the same scale "
              "(a national count of models is for the whole country)."),
        Field("correspondence_note", "VARCHAR", "Why the correspondence holds or does not.", required=False),
    ),
)

TARGETS = Table(
    name="targets",
    description="Quantified objectives of each plan's objectives section (Mục tiêu), one number-bearing "
    "commitment per row.",
    primary_key=("target_id",),
    sort_by=("plan_id", "target_id"),
    has_provenance=True,
    fields=(
        Field("target_id", "VARCHAR", "Identifier: <plan_id>/t<NN>.", unique=True),
        Field("plan_id", "VARCHAR", "Plan that sets the target.", references="plans.plan_id"),
        Field("indicator_code", "VARCHAR", "What the target measures.", references="indicators.indicator_code"),
        Field("scope_note", "VARCHAR", "What the number applies to, in English, where the indicator alone does not "
              "say (supermarkets and convenience stores; craft villages only).", required=False),
        Field("sectors", "VARCHAR[]", "Sectors named by the target (textiles, steel, ...); ';' in the CSV.",
              required=False),
        Field("value_low", "DOUBLE", "Lower end of the value (equal to value_high for a single number)."),
        Field("value_high", "DOUBLE", "Upper end of the value."),
        Field("comparator", "VARCHAR", "How the value is stated: eq (a number), at_least (ít nhất, tối thiểu), "
              "at_most, approx (khoảng), range (5-8%, từ 5 đến 8%).", allowed=COMPARATORS),
        Field("unit", "VARCHAR", "Unit of the values.", allowed=UNITS),
        Field("value_as_printed", "VARCHAR", "The number as printed in the quote ('5-8%', 'ít nhất 40%'); the "
              "provenance gate re-reads value_low, value_high, comparator and unit from it."),
        _year("target_year", "Year by which the target is to be met."),
        _QUOTE,
        *_lines("the quote"),
    ),
)

QUALITATIVE_OBJECTIVES = Table(
    name="qualitative_objectives",
    description="Objectives of each plan's objectives section that set no number.",
    primary_key=("objective_id",),
    sort_by=("plan_id", "objective_id"),
    has_provenance=True,
    fields=(
        Field("objective_id", "VARCHAR", "Identifier: <plan_id>/q<NN>.", unique=True),
        Field("plan_id", "VARCHAR", "Plan that sets the objective.", references="plans.plan_id"),
        Field("theme", "VARCHAR", "Short English summary of the objective."),
        _year("target_year", "Year the objective is set for (end of its period)."),
        _QUOTE,
        *_lines("the quote"),
    ),
)

NATIONAL_TARGETS = Table(
    name="national_targets",
    description="Benchmarks of the national programmes: 889/QĐ-TTg (milestones 2025, 2030) and 76/QĐ-TTg "
    "(2020), from shared/reference/national-programmes.md.",
    primary_key=("national_target_id",),
    sort_by=("national_target_id",),
    fields=(
        Field("national_target_id", "VARCHAR", "Identifier: <programme-slug>/<year>/<NN>.", unique=True),
        Field("programme", "VARCHAR", "Decision that sets the benchmark.", allowed=PROGRAMMES),
        _year("milestone_year", "Year of the milestone."),
        Field("indicator_code", "VARCHAR", "What the benchmark measures; empty for a qualitative objective.",
              required=False, references="indicators.indicator_code"),
        Field("is_quantified", "BOOLEAN", "True where the benchmark sets a number."),
        Field("value_low", "DOUBLE", "Lower end of the value.", required=False),
        Field("value_high", "DOUBLE", "Upper end of the value.", required=False),
        Field("comparator", "VARCHAR", "How the value is stated.", allowed=COMPARATORS, required=False),
        Field("unit", "VARCHAR", "Unit of the values.", allowed=UNITS, required=False),
        Field("value_as_printed", "VARCHAR", "The number as printed in the quote.", required=False),
        Field("scope_note", "VARCHAR", "What the number applies to.", required=False),
        Field("quote", "VARCHAR", "Wording seen (Vietnamese, or English where only an English rendering was seen)."),
        Field("quote_language", "VARCHAR", "Language of the quote.", allowed=("vi", "en")),
        Field("is_verified", "BOOLEAN", "True where the Vietnamese wording was seen; false where only an English "
              "rendering or a summary was."),
        Field("source", "VARCHAR", "Where the wording was read (site and page)."),
    ),
)

AGENCIES = Table(
    name="agencies",
    description="Canonical agencies that lead or take part in tasks, with Vietnamese and English names.",
    primary_key=("agency_code",),
    sort_by=("agency_code",),
    fields=(
        Field("agency_code", "VARCHAR", "Identifier (doit = Department of Industry and Trade).", unique=True),
        Field("name_vi", "VARCHAR", "Vietnamese name (Sở Công Thương)."),
        Field("name_en", "VARCHAR", "English name (Department of Industry and Trade)."),
        Field("kind", "VARCHAR", "Kind of body.", allowed=AGENCY_KINDS),
    ),
)

AGENCY_ALIASES = Table(
    name="agency_aliases",
    description="Every way a plan prints an agency's name, mapped to its code (a mapping kept as data).",
    primary_key=("alias",),
    sort_by=("agency_code", "alias"),
    fields=(
        Field("alias", "VARCHAR", "The name as printed (NFC, white space folded).", unique=True),
        Field("agency_code", "VARCHAR", "Agency it names.", references="agencies.agency_code"),
    ),
)

TASKS = Table(
    name="tasks",
    description="Rows of each plan's appendix task table; for a plan whose appendix is not in its text, the "
    "assignments of its implementation section.",
    primary_key=("task_id",),
    sort_by=("plan_id", "task_id"),
    has_provenance=True,
    fields=(
        Field("task_id", "VARCHAR", "Identifier: <plan_id>/<section>-<NN>.", unique=True),
        Field("plan_id", "VARCHAR", "Plan that assigns the task.", references="plans.plan_id"),
        Field("section", "VARCHAR", "Section of the table or text, as printed (I. NHIỆM VỤ GIAI ĐOẠN 2021-2025)."),
        Field("number_as_printed", "VARCHAR", "Row number as printed; empty where none is printed.",
              required=False),
        Field("title", "VARCHAR", "The task as printed (white space folded). The provenance gate checks that its "
              "words stand in this order within line_start..line_end."),
        Field("details", "VARCHAR", "Further content printed for the task.", required=False),
        Field("lead_agency_code", "VARCHAR", "Agency that leads (the first, where several lead).",
              references="agencies.agency_code"),
        Field("output", "VARCHAR", "Product or output as printed (Lớp tập huấn, Mô hình).", required=False),
        _year("start_year", "First year of the task.", required=False),
        _year("end_year", "Last year of the task.", required=False),
        Field("frequency", "VARCHAR", "Frequency as printed (Hàng năm, Thường xuyên), if any.", required=False),
        Field("timing_as_printed", "VARCHAR", "The timing cell as printed.", required=False),
        Field("funding_as_printed", "VARCHAR", "Funding source as printed, if any.", required=False),
        *_lines("the task's row"),
    ),
)

TASK_AGENCIES = Table(
    name="task_agencies",
    description="Agencies that lead or take part in each task (many to many).",
    primary_key=("task_id", "agency_code", "role"),
    sort_by=("task_id", "role", "agency_code"),
    fields=(
        Field("task_id", "VARCHAR", "Task.", references="tasks.task_id"),
        Field("agency_code", "VARCHAR", "Agency.", references="agencies.agency_code"),
        Field("role", "VARCHAR", "lead or partner.", allowed=AGENCY_ROLES),
        Field("as_printed", "VARCHAR", "The agency's name as printed in the task's row."),
    ),
)

BUDGETS = Table(
    name="budgets",
    description="Amounts of money a plan states, in VND, each with its quote.",
    primary_key=("budget_id",),
    sort_by=("plan_id", "budget_id"),
    has_provenance=True,
    fields=(
        Field("budget_id", "VARCHAR", "Identifier: <plan_id>/b<NN>.", unique=True),
        Field("plan_id", "VARCHAR", "Plan that states the amount.", references="plans.plan_id"),
        Field("amount_vnd", "BIGINT", "Amount in Vietnamese đồng.", minimum=0, unit="VND"),
        Field("value_as_printed", "VARCHAR", "The amount as printed (3.235.715.000 đồng)."),
        _year("budget_year", "Year the amount is for.", required=False),
        Field("scope_note", "VARCHAR", "What the amount pays for.", required=False),
        _QUOTE,
        *_lines("the quote"),
    ),
)

#: Every curated table, in load order (referenced tables first).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        PROVINCES, PLANS, INDICATORS, NATIONAL_TARGETS, AGENCIES, AGENCY_ALIASES,
        TARGETS, QUALITATIVE_OBJECTIVES, TASKS, TASK_AGENCIES, BUDGETS,
    )
}

LIST_SEPARATOR = ";"


# --- identifiers: one rule for every id column, checked by both validation engines (validation.py) -----

#: What an identifier may hold: ASCII letters, digits and - _ . / (starting with a letter or digit). No spaces
#: and no invisible characters: a zero-width space makes two ids that look alike differ.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_./-]*$"
#: id column -> the column whose value it starts with, up to its first "/" (target_id is <plan_id>/t<NN>)
ID_PREFIXES = {"target_id": "plan_id", "objective_id": "plan_id", "task_id": "plan_id", "budget_id": "plan_id"}


def is_identifier(f: Field) -> bool:
    """Whether a column holds identifiers (a text column named *_id, *_slug or *_code): ID_PATTERN applies."""
    return f.type == "VARCHAR" and f.name.endswith(("_id", "_slug", "_code"))


def create_table_sql(table: Table) -> str:
    """DuckDB DDL for one table, with its primary key and NOT NULL constraints."""
    cols = [f'    "{f.name}" {f.type}{"" if not f.required else " NOT NULL"}' for f in table.fields]
    cols.append(f"    PRIMARY KEY ({', '.join(table.primary_key)})")
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(cols) + "\n);"


def data_dictionary_markdown() -> str:
    """The data dictionary of data/curated/, in Markdown, generated from `TABLES`."""
    out = [
        "# Data dictionary of data/curated/",
        "",
        "Generated from `sxtd_analysis/schema.py` by `sxtd dictionary`; do not edit by hand (a test keeps the "
        "two equal). Every file is UTF-8 (NFC, no BOM), comma-separated, one fact per row, sorted by the columns "
        "named below. List columns hold values separated by `;`.",
        "",
    ]
    for table in TABLES.values():
        out += [f"## {table.name}", "", table.description, "",
                f"File `{table.file_name}`; key: {', '.join(table.primary_key)}; sorted by "
                f"{', '.join(table.sort_by or table.primary_key)}.", "",
                "| column | type | required | meaning | allowed values |", "| --- | --- | --- | --- | --- |"]
        for f in table.fields:
            allowed = []
            if f.allowed:
                allowed.append(", ".join(f"`{a}`" for a in f.allowed))
            if f.minimum is not None or f.maximum is not None:
                lo = "" if f.minimum is None else f"{f.minimum:g}"
                hi = "" if f.maximum is None else f"{f.maximum:g}"
                allowed.append(f"{lo} to {hi}".strip())
            if f.references:
                allowed.append(f"a `{f.references}`")
            if f.unique:
                allowed.append("unique")
            out.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {f.description} | "
                       f"{'; '.join(allowed)} |")
        out.append("")
    return "\n".join(out)


#: Meanings of the columns that views compute (other view columns carry a curated field's name and meaning).
DERIVED_COLUMNS: dict[str, str] = {
    "province_name_vi": "Vietnamese name of the plan's province.",
    "province_name_ascii": "The province's name without diacritics.",
    "label_vi": "Indicator label in Vietnamese.",
    "label_en": "Indicator label in English.",
    "n_targets": "Number of targets aggregated in the row.",
    "source": "raw_file:line_start-line_end of each quote.",
    "target_ids": "Targets aggregated in the row.",
    "plan_ids": "Plans the row's targets come from.",
    "benchmark_programme": "National programme whose milestone covers the target year (2020: 76/QĐ-TTg; "
                           "2021-2030: 889/QĐ-TTg).",
    "benchmark_year": "National milestone compared with (2020, 2025 or 2030).",
    "national_value_low": "Lower end of the national benchmark.",
    "national_value_high": "Upper end of the national benchmark.",
    "national_comparator": "How the national value is stated.",
    "national_quote": "Wording of the national benchmark.",
    "national_is_verified": "True where the national benchmark's Vietnamese wording was seen.",
    "verdict": "The province's target against the benchmark: stricter, equal, weaker, overlapping (ranges "
               "overlap) or no_benchmark; for reductions a larger cut, for coverages a larger share is stricter.",
    "verdict_note": "Why the verdict is what it is, in words.",
    "agency_name_vi": "Agency's Vietnamese name.",
    "agency_name_en": "Agency's English name.",
    "agency_kind": "Kind of body.",
    "n_tasks": "Tasks the agency leads (alone or as co-lead) in the plan.",
    "n_tasks_as_co_lead": "Of those, tasks where it is not the first lead.",
    "n_partner_links": "Partner agencies summed over those tasks.",
    "avg_partners_per_task": "Average number of partner agencies per task.",
    "first_year": "Earliest start year of those tasks (plan start where none is printed).",
    "last_year": "Latest end year of those tasks (plan end where none is printed).",
    "n_recurring_tasks": "Tasks with a printed frequency (thường xuyên, hàng năm...).",
    "key": "Build fact: curated_hash, built_at, package_version, duckdb_version, rows.<table>.",
    "value": "Its value.",
}


def column_meaning(column: str, table: str | None = None) -> str:
    """Meaning of a column of a table or view, from the one definition of fields."""
    if table in TABLES:
        try:
            return TABLES[table].field(column).description
        except KeyError:
            pass
    if column in DERIVED_COLUMNS:
        return DERIVED_COLUMNS[column]
    for t in TABLES.values():
        for f in t.fields:
            if f.name == column:
                return f.description
    return ""
