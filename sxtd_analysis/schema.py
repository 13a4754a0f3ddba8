"""The one definition of every curated table and field.

The DuckDB DDL, the data dictionary (data/curated/README.md), the CSV loader's checks and the
Great Expectations suites are all derived from `TABLES` below.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPARATORS = ("eq", "at_least", "at_most", "approx", "range")
UNITS = ("percent", "count", "vnd")
DIRECTIONS = ("higher_is_stricter", "lower_is_stricter")
#: Verdicts of the target_alignment view, in display order; their labels and meanings are data (verdicts.csv).
VERDICTS = ("stricter", "equal", "interim", "overlapping", "weaker", "partial_scope", "no_benchmark")
PROGRAMMES = ("889/QĐ-TTg", "76/QĐ-TTg")
AGENCY_ROLES = ("lead", "partner")
#: assignment: names a lead agency; activity: listed in a plan's content section, names no agency
TASK_KINDS = ("assignment", "activity")
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
    #: regular expression every non-empty value must match (searched, so anchor it with ^ and $)
    pattern: str | None = None

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
        Field("successor_slug", "VARCHAR", "Slug of the province it belongs to since 1/7/2025.",
              references="current_provinces.province_slug"),
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
        Field("is_analogy", "BOOLEAN", "True where the national indicator is a comparison by analogy, not the same "
              "measure (a province's share of districts against the national share of provinces); every verdict "
              "on it is marked as such.", required=False),
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
        Field("is_partial_scope", "BOOLEAN", "True where the target covers only part of its national indicator's "
              "scope (scope_note says which part): it is shown beside the national value, never judged stricter "
              "or weaker than the whole. Empty: the whole scope.", required=False),
        Field("comparator_as_printed", "VARCHAR", "A qualifier printed earlier in the quote that governs this "
              "number too ('ít nhất' in 'ít nhất 40% … và 20%'); the provenance gate checks that it stands before "
              "value_as_printed and reads the row's comparator from it. Empty: the comparator is read from "
              "value_as_printed alone.", required=False),
        Field("reading_note", "VARCHAR", "How the curator read a sentence that is not read word for word (one row "
              "per scope named in the order of the national pair; a comparator that governs several numbers), "
              "and why.", required=False),
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

NATIONAL_MILESTONES = Table(
    name="national_milestones",
    description="Which national programme and milestone a provincial target year is compared with (the one "
    "definition of that mapping, used by the views, the library and the benchmarks).",
    primary_key=("programme", "milestone_year"),
    sort_by=("milestone_year",),
    fields=(
        Field("programme", "VARCHAR", "The national programme.", allowed=PROGRAMMES),
        _year("milestone_year", "Year of the milestone."),
        _year("first_target_year", "First target year compared with this milestone; empty: every earlier year.",
              required=False),
        _year("last_target_year", "Last target year compared with this milestone."),
        Field("note", "VARCHAR", "Why these years map to this milestone.", required=False),
    ),
)

VERDICT_CODES = Table(
    name="verdicts",
    description="The codebook of verdicts of the target_alignment view: a Vietnamese and an English label, one "
    "sentence that explains each, and the colour every chart gives it.",
    primary_key=("verdict",),
    sort_by=("display_order",),
    fields=(
        Field("verdict", "VARCHAR", "The code in target_alignment.verdict.", unique=True, allowed=VERDICTS),
        Field("display_order", "INTEGER", "Order in legends and tallies.", unique=True, minimum=1),
        Field("label_vi", "VARCHAR", "Vietnamese label.", unique=True),
        Field("label_en", "VARCHAR", "English label.", unique=True),
        Field("meaning_vi", "VARCHAR", "What the verdict means, in Vietnamese."),
        Field("meaning_en", "VARCHAR", "What the verdict means, in English."),
        Field("colour", "VARCHAR", "Colour in every chart (#rrggbb).", unique=True),
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
    description="Tasks of each plan: the rows of its appendix task table; for a plan whose appendix is not in "
    "its text, the assignments of its implementation section and the activities of its content section "
    "(task_kind tells them apart).",
    primary_key=("task_id",),
    sort_by=("plan_id", "task_id"),
    has_provenance=True,
    fields=(
        Field("task_id", "VARCHAR", "Identifier: <plan_id>/<section>-<NN>.", unique=True),
        Field("plan_id", "VARCHAR", "Plan that assigns the task.", references="plans.plan_id"),
        Field("task_kind", "VARCHAR", "What the row is: assignment (a row of an appendix task table, or an "
              "agency's assignment in the implementation section: it names a lead agency) or activity (an "
              "activity listed in the plan's content section, Nội dung, which names no agency).",
              allowed=TASK_KINDS),
        Field("section", "VARCHAR", "Section of the table or text, as printed (I. NHIỆM VỤ GIAI ĐOẠN 2021-2025; "
              "a numeral printed in a cell of its own is joined to its heading with '. '); supplied by the curator "
              "where is_section_inferred."),
        Field("is_section_inferred", "BOOLEAN", "True where the text prints no heading for the row's section and "
              "the curator supplied it (curation_note says from where)."),
        Field("number_as_printed", "VARCHAR", "Row number as printed, white space folded (for a bullet under a "
              "numbered item, the item's number); empty where none is printed. A table that prints an old and a "
              "new number side by side keeps both ('5 4'); a number broken over two lines of its narrow cell "
              "reads with a space ('11 1 0').", required=False),
        Field("title", "VARCHAR", "The task as printed (white space folded). The provenance gate checks that its "
              "words stand in this order within line_start..line_end."),
        Field("details", "VARCHAR", "Further content printed for the task.", required=False),
        Field("lead_agency_code", "VARCHAR", "Agency that leads (the first, where several lead); required for an "
              "assignment, empty for an activity that names no agency.", required=False,
              references="agencies.agency_code"),
        Field("output", "VARCHAR", "The product or output cell as printed (Lớp tập huấn, 02 cuộc, Thường xuyên), "
              "or the quantity an activity names (02 doanh nghiệp).", required=False),
        _year("start_year", "First year of the task; inferred by the curator where is_start_year_inferred.",
              required=False),
        _year("end_year", "Last year of the task; inferred by the curator where is_end_year_inferred.",
              required=False),
        Field("is_start_year_inferred", "BOOLEAN", "True where the row prints no start year and start_year is the "
              "curator's reading (the plan's first year for 'Trước năm 2025'; 2023 for a one-year plan)."),
        Field("is_end_year_inferred", "BOOLEAN", "True where the row prints no end year and end_year is the "
              "curator's reading (2023 for a one-year plan)."),
        Field("frequency", "VARCHAR", "How often the task recurs, as printed in the row (Hàng năm, Thường "
              "xuyên); empty where the row prints none. A condition (Khi có yêu cầu, Theo kế hoạch của Bộ...) is "
              "not a frequency: it stays in the cell that prints it.", required=False),
        Field("timing_as_printed", "VARCHAR", "The timing cell as printed; empty where the row prints none.",
              required=False),
        Field("funding_as_printed", "VARCHAR", "Funding source as printed, if any.", required=False),
        Field("curation_note", "VARCHAR", "What the curator decided that the row does not print, and why.",
              required=False),
        *_lines("the task's row"),
    ),
)

TASK_AGENCIES = Table(
    name="task_agencies",
    description="Agencies that lead or take part in each task (many to many); an agency has one role in a task "
    "(one that a row prints as lead and again as partner is recorded once, as lead).",
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

# --- national coverage: today's provinces, the registry of known plans, targets reported second-hand ---

#: a source address: http(s), no white space
SOURCE_URL_PATTERN = r"^https?://[^\s]+$"
SOURCE_KINDS = ("legal_document_site", "official_portal", "press")


def _source_url(description: str, required: bool = True) -> Field:
    return Field("source_url", "VARCHAR", description, required=required, pattern=SOURCE_URL_PATTERN)


CURRENT_PROVINCES = Table(
    name="current_provinces",
    description="The 34 provinces and centrally-run cities since 1/7/2025 (Resolution 202/2025/QH15), each with "
    "its square on the tile-grid map of Viet Nam (row 1 is the north, column 1 the west).",
    primary_key=("province_slug",),
    sort_by=("province_slug",),
    fields=(
        Field("province_slug", "VARCHAR", "Lower-case ASCII identifier (the successor_slug of provinces.csv).",
              unique=True),
        Field("name_vi", "VARCHAR", "Vietnamese name with diacritics, without Tỉnh/Thành phố (Hà Nội).",
              unique=True),
        Field("name_ascii", "VARCHAR", "The name without diacritics (Ha Noi).", unique=True),
        Field("division_type", "VARCHAR", "tỉnh or thành phố trung ương.",
              allowed=("tỉnh", "thành phố trung ương")),
        Field("gso_code", "VARCHAR", "Two-digit statistics-office code since 1/7/2025.", unique=True),
        Field("tile_row", "INTEGER", "Row of the province's square on the tile-grid map (1 = northernmost).",
              minimum=1, maximum=30),
        Field("tile_column", "INTEGER", "Column of the province's square on the tile-grid map (1 = westernmost).",
              minimum=1, maximum=15),
    ),
)

PLAN_REGISTRY = Table(
    name="plan_registry",
    description="Every known provincial SXTD plan document, curated or not: what a public source shows of it "
    "(number, date, period, programme), where that source is, and the plan_id of its text where the text is in "
    "data/raw. Only what the cited source was seen to show is recorded.",
    primary_key=("registry_id",),
    sort_by=("registry_id",),
    fields=(
        Field("registry_id", "VARCHAR", "Identifier: <province-slug>_<document-slug> (the plan_id where the text "
              "is curated).", unique=True),
        Field("province_slug", "VARCHAR", "Province that issued the plan, as it was then (before the 2025 merger).",
              references="provinces.province_slug"),
        Field("doc_type", "VARCHAR", "Kind of document: ke_hoach (plan) or quyet_dinh (decision issuing a plan).",
              allowed=("ke_hoach", "quyet_dinh")),
        Field("doc_number", "VARCHAR", "Number as the source prints it (235/KH-UBND); empty where no source "
              "reports it.", required=False),
        Field("title_vi", "VARCHAR", "Title as the source prints it, where it does.", required=False),
        Field("issued_on", "DATE", "Date of issue, where the source shows it.", required=False),
        _year("period_start_year", "First year the plan covers."),
        _year("period_end_year", "Last year the plan covers (its horizon)."),
        Field("programme", "VARCHAR", "National programme the plan implements.", allowed=PROGRAMMES),
        Field("implements", "VARCHAR", "Earlier provincial plan this one implements, as the source names it.",
              required=False),
        _source_url("Address of the public page that shows the plan; empty only where the plan's text is in "
                    "data/raw (plan_id) and no page was found.", required=False),
        Field("source_title", "VARCHAR", "Title of that page (or of the raw text where there is no page)."),
        Field("source_kind", "VARCHAR", "What kind of source: legal_document_site (a copy of the document's "
              "opening), official_portal (a provincial or ministry page) or press.", allowed=SOURCE_KINDS,
              required=False),
        Field("source_published_on", "DATE", "Date the page was published, where it shows one; by then the plan "
              "had been issued.", required=False),
        Field("source_shows", "VARCHAR", "What the source was seen to show, in our own words (header, signer, "
              "purpose, targets...)."),
        Field("verified_on", "DATE", "Date the source was read and the row checked against it."),
        Field("plan_id", "VARCHAR", "The curated plan whose text is in data/raw, if any.", required=False,
              unique=True, references="plans.plan_id"),
    ),
)

REPORTED_TARGETS = Table(
    name="reported_targets",
    description="Targets of known plans as a source other than the plan's own curated text reports them (a "
    "legal-document site's copy of the opening, a provincial portal, the press). A separate tier: never mixed "
    "into targets, not checked against a plan text; shown as reported, not checked against the plan text.",
    primary_key=("reported_target_id",),
    sort_by=("reported_target_id",),
    fields=(
        Field("reported_target_id", "VARCHAR", "Identifier: <registry_id>/r<NN>.", unique=True),
        Field("registry_id", "VARCHAR", "Plan the target belongs to.", references="plan_registry.registry_id"),
        Field("indicator_code", "VARCHAR", "What the target measures.", references="indicators.indicator_code"),
        Field("scope_note", "VARCHAR", "What the number applies to, in our own words (never a copied sentence)."),
        Field("value_low", "DOUBLE", "Lower end of the value (equal to value_high for a single number)."),
        Field("value_high", "DOUBLE", "Upper end of the value."),
        Field("comparator", "VARCHAR", "How the value is stated.", allowed=COMPARATORS),
        Field("unit", "VARCHAR", "Unit of the values.", allowed=UNITS),
        Field("value_as_reported", "VARCHAR", "The number as the source prints it ('5 - 8%', '3.5-4.5%')."),
        _year("target_year", "Year by which the target is to be met."),
        _source_url("Address of the page that reports the target."),
        Field("source_title", "VARCHAR", "Title of that page."),
        Field("source_kind", "VARCHAR", "What kind of source (see plan_registry.source_kind).",
              allowed=SOURCE_KINDS),
        Field("source_published_on", "DATE", "Date the page was published, where it shows one (the plan's issue "
              "date for a copy of the document).", required=False),
        Field("source_language", "VARCHAR", "Language the source reports the target in.", allowed=("vi", "en")),
        Field("verified_on", "DATE", "Date the source was read and the row checked against it."),
    ),
)

#: Every curated table, in load order: referenced tables first, then the national-coverage tables (the order also
#: decides which table's field gives a shared column name its meaning in `column_meaning`: provinces' for
#: province_slug and name_vi).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        PROVINCES, PLANS, INDICATORS, NATIONAL_TARGETS, NATIONAL_MILESTONES, VERDICT_CODES, AGENCIES, AGENCY_ALIASES,
        TARGETS, QUALITATIVE_OBJECTIVES, TASKS, TASK_AGENCIES, BUDGETS,
        CURRENT_PROVINCES, PLAN_REGISTRY, REPORTED_TARGETS,
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
            if f.pattern:
                allowed.append(f"matches `{f.pattern}`")
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
    "benchmark_programme": "National programme whose milestone the target year is compared with (table "
                           "national_milestones: up to 2020 76/QĐ-TTg; 2021-2030 889/QĐ-TTg).",
    "benchmark_year": "National milestone compared with (2020, 2025 or 2030; table national_milestones).",
    "national_value_low": "Lower end of the national benchmark.",
    "national_value_high": "Upper end of the national benchmark.",
    "national_comparator": "How the national value is stated.",
    "national_quote": "Wording of the national benchmark.",
    "national_is_verified": "True where the national benchmark's Vietnamese wording was seen.",
    "verdict": "The province's target against the benchmark (codebook: table verdicts): stricter (asks more, or "
               "reaches the milestone's value before its year), equal, interim (a year before the milestone, not "
               "there yet: a step, never weaker), overlapping (ranges overlap), weaker (asks less for the "
               "milestone's year), partial_scope (covers part of the national scope: shown beside, not judged) or "
               "no_benchmark. For reductions a larger cut, for coverages a larger share is stricter.",
    "is_by_analogy": "True where the comparison is by analogy, not the same measure (a province's share of districts "
                     "against the national share of provinces); the verdict's labels say so.",
    "verdict_label_vi": "The verdict's Vietnamese label, marked '(so sánh tương tự)' for a comparison by analogy.",
    "verdict_label_en": "The verdict's English label, marked '(by analogy)' for a comparison by analogy.",
    "verdict_note_vi": "Why the verdict is what it is, in Vietnamese: the two values, the milestone, and any caveat.",
    "verdict_note_en": "Why the verdict is what it is, in English: the two values, the milestone, and any caveat.",
    "agency_name_vi": "Agency's Vietnamese name.",
    "agency_name_en": "Agency's English name.",
    "agency_kind": "Kind of body.",
    "n_tasks": "Tasks the agency leads (alone or as co-lead) in the plan.",
    "n_tasks_as_co_lead": "Of those, tasks where it is not the first lead.",
    "n_partner_links": "Partner agencies summed over those tasks.",
    "avg_partners_per_task": "Average number of partner agencies per task.",
    "first_year": "Earliest start year of those tasks (the plan's first year where a task has none).",
    "last_year": "Latest end year of those tasks (the plan's last year where a task has none).",
    "n_recurring_tasks": "Of those, tasks whose row prints a frequency (Hàng năm, Thường xuyên; tasks.frequency).",
    "key": "Build fact: curated_hash, built_at, package_version, duckdb_version, rows.<table>.",
    "value": "Its value.",
}


#: Meanings of the columns of the views known_plans and national_coverage (whose province is today's).
VIEW_COLUMNS: dict[str, dict[str, str]] = {
    "known_plans": {
        "registry_id": "The plan's registry_id (its plan_id for a curated plan not yet registered).",
        "province_name_vi": "Vietnamese name of the province that issued the plan (before the merger).",
        "known_by_on": "Date by which the plan had been issued: its issue date, else the date of the source that "
                       "reports it.",
        "source_title": "Title of the source (the raw file for a curated plan not yet registered).",
        "is_curated": "True where the plan's text is curated (plan_id).",
    },
    "national_coverage": {
        "province_slug": "Slug of the province since 1/7/2025 (current_provinces.province_slug).",
        "province_name_vi": "Vietnamese name of the province since 1/7/2025.",
        "province_name_ascii": "That name without diacritics.",
        "gso_code": "Statistics-office code of the province since 1/7/2025.",
        "former_province_slugs": "Provinces of before the merger that it includes (provinces.province_slug).",
        "former_names_vi": "Their Vietnamese names, in the same order.",
        "n_former_provinces": "How many provinces of before the merger it includes.",
        "n_plans_known": "Known plan documents (plan_registry, and curated plans) of the provinces it includes.",
        "n_plans_curated": "Of those, plans whose text is curated (in plans and data/raw).",
        "n_former_with_plan": "Former provinces with at least one known plan.",
        "former_with_plan_names_vi": "Their Vietnamese names.",
        "coverage": "curated (a plan's text is curated), known (plans known, none curated) or none.",
        "registry_ids": "The known plans, oldest first.",
        "plan_ids": "The curated plans.",
        "first_known_on": "Earliest date by which one of its provinces had issued a plan (issue date, or the "
                          "date of the source that reports the plan).",
        "latest_registry_id": "The plan known to be issued last.",
        "latest_doc_number": "Its number, where known.",
        "latest_known_by_on": "Its issue date, or the date of the source that reports it.",
        "latest_issuer_name_vi": "Province (before the merger) that issued it.",
        "latest_period_start_year": "First year it covers.",
        "latest_period_end_year": "Last year it covers.",
        "latest_plan_id": "Its plan_id where its text is curated.",
        "n_reported_targets": "Targets reported for its plans by sources other than a curated plan text.",
    },
}


def column_meaning(column: str, table: str | None = None) -> str:
    """Meaning of a column of a table or view, from the one definition of fields."""
    if column in VIEW_COLUMNS.get(table or "", {}):
        return VIEW_COLUMNS[table][column]
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
