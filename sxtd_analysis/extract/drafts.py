"""The whole draft of one plan (`extract_plan`) and its CSV files (`write_drafts`)."""

from __future__ import annotations

import csv
import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sxtd_analysis.extract.agencies import (
    AgencyMatcher,
    Mention,
    Proposal,
    load_groups,
    load_terms,
    propose_agency,
)
from sxtd_analysis.extract.header import extract_plan_header
from sxtd_analysis.extract.indicators import KEYWORDS_FILE, load_keywords
from sxtd_analysis.extract.objectives import extract_budgets, extract_qualitative, load_themes
from sxtd_analysis.extract.reading import fold_key, read_csv_rows, read_plan_lines
from sxtd_analysis.extract.targets import extract_targets
from sxtd_analysis.extract.tasks import extract_tasks
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import has_vietnamese_letters

#: review columns of each drafted table, after the curated table's own columns; `sxtd accept` drops them
REVIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "plans": ("reason",),
    "targets": ("indicator_confidence", "reason"),
    "qualitative_objectives": ("theme_confidence", "reason"),
    "tasks": ("lead_agency_as_printed",),
    "task_agencies": ("matched_by", "reason"),
    "budgets": ("reason",),
    "agencies": ("reason",),
    "agency_aliases": ("reason",),
    "plan_registry": ("reason",),
}
TARGET_REVIEW_COLUMNS = REVIEW_COLUMNS["targets"]
TASK_REVIEW_COLUMNS = REVIEW_COLUMNS["tasks"]
PLAN_REVIEW_COLUMNS = REVIEW_COLUMNS["plans"]
#: table -> its draft file; "manifest" is the row of data/raw/manifest.csv
DRAFT_FILES = {
    "plans": "plan_draft.csv", "targets": "targets_draft.csv",
    "qualitative_objectives": "qualitative_objectives_draft.csv", "tasks": "tasks_draft.csv",
    "task_agencies": "task_agencies_draft.csv", "budgets": "budgets_draft.csv", "agencies": "agencies_draft.csv",
    "agency_aliases": "agency_aliases_draft.csv", "plan_registry": "plan_registry_draft.csv",
    "manifest": "manifest_draft.csv",
}


class DraftsExistError(ValueError):
    """The drafts folder already holds drafts (perhaps reviewed) and --force was not given."""


@dataclass
class Draft:
    """What `extract_plan` found: a plan row, rows of each table the text feeds, a manifest row, warnings."""

    plan: dict[str, str]
    targets: list[dict[str, str]]
    tasks: list[dict[str, str]]
    manifest: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    objectives: list[dict[str, str]] = field(default_factory=list)
    budgets: list[dict[str, str]] = field(default_factory=list)
    task_agencies: list[dict[str, str]] = field(default_factory=list)
    agencies: list[dict[str, str]] = field(default_factory=list)
    aliases: list[dict[str, str]] = field(default_factory=list)
    source: Path | None = None
    registry: list[dict[str, str]] = field(default_factory=list)

    def rows(self) -> dict[str, list[dict[str, str]]]:
        """Rows by table name (the keys of DRAFT_FILES)."""
        return {"plans": [self.plan], "targets": self.targets, "qualitative_objectives": self.objectives,
                "tasks": self.tasks, "task_agencies": self.task_agencies, "budgets": self.budgets,
                "agencies": self.agencies, "agency_aliases": self.aliases, "plan_registry": self.registry,
                "manifest": [self.manifest]}


def extract_plan(path: Path | str, curated_dir: Path | str, province: str | None = None,
                 plan_id: str | None = None, keywords_file: Path | str = KEYWORDS_FILE) -> Draft:
    """Draft the curated rows of one plan text.

    Args:
        path: the plan's plain text (see `read_plan_lines` for what is accepted or refused).
        curated_dir: data/curated, for provinces.csv, indicators.csv and agency_aliases.csv.
        province: name or slug of the province (any case, with or without diacritics); guessed from the
            header's "tỉnh X" when not given.
        plan_id: identifier of the plan; by default the file's stem, as in plans.csv.

    Raises:
        TextFileError: the file is not clean text (PDF, binary, legacy encoding, empty).
        UnknownProvinceError: `province` names no province of provinces.csv.
    """
    path = Path(path)
    curated_dir = Path(curated_dir)
    lines = read_plan_lines(path)
    plan_id = plan_id or path.stem
    warnings: list[str] = []
    text = "\n".join(lines)
    if not has_vietnamese_letters(text):
        warnings.append("the text holds no Vietnamese letters with diacritics: check that it is the plan, "
                        "converted to Unicode")
    provinces = read_csv_rows(curated_dir / "provinces.csv")
    plan, w = extract_plan_header(lines, plan_id, path.name, provinces, province)
    warnings += w
    default_year = None
    if plan["period_end_year"]:
        default_year = (int(plan["period_end_year"]), f"year {plan['period_end_year']} from the plan's title "
                        "(no heading or sentence names one)")
    indicators = read_csv_rows(curated_dir / "indicators.csv")
    units = {r["indicator_code"]: r["unit"] for r in indicators}
    keywords = load_keywords(keywords_file)
    unknown = sorted({k.code for k in keywords} - set(units))
    if unknown:
        warnings.append(f"indicator_keywords.csv names codes not in indicators.csv: {', '.join(unknown)}")
    targets, w = extract_targets(lines, plan_id, keywords, units, default_year)
    warnings += w
    agencies = AgencyMatcher.from_rows(read_csv_rows(curated_dir / "agency_aliases.csv"))
    start = int(plan["period_start_year"]) if plan["period_start_year"] else None
    tasks, named, w = extract_tasks(lines, plan_id, agencies, start)
    warnings += w
    known = {r["agency_code"] for r in read_csv_rows(curated_dir / "agencies.csv")}
    links, new_agencies, aliases = _task_agencies(tasks, named, known)
    objectives = extract_qualitative(lines, plan_id, load_themes(), default_year)
    single_year = default_year if plan["period_start_year"] == plan["period_end_year"] else None
    budgets = extract_budgets(lines, plan_id, single_year)
    from sxtd_analysis.provenance import MANIFEST_COLUMNS

    manifest = {c: "" for c in MANIFEST_COLUMNS}
    end = plan["period_end_year"]
    manifest.update(
        file_name=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), original_file_name=path.name,
        province_slug=plan["province_slug"], doc_type=plan["doc_type"], doc_number=plan["doc_number"],
        issued_on=plan["issued_on"], issuing_body=plan["issuing_body"], signer=plan["signer"],
        period=f"{plan['period_start_year']}-{end}" if end else "", programme=plan["programme"],
        notes="drafted by sxtd extract; review",
    )
    return Draft(plan, targets, tasks, manifest, warnings, objectives, budgets, links, new_agencies, aliases, path,
                 registry=[registry_row(plan)])


def registry_row(plan: dict[str, str]) -> dict[str, str]:
    """The plan_registry row of a plan whose text is curated: the document as its own text shows it. Every curated
    plan has one; where the registry already lists the document (from a public page), fill that row's plan_id
    instead and delete this draft."""
    from datetime import date

    row = dict.fromkeys(TABLES["plan_registry"].column_names, "")
    row.update(registry_id=plan["plan_id"], province_slug=plan["province_slug"], doc_type=plan["doc_type"],
               doc_number=plan.get("doc_number", ""), title_vi=plan.get("title_vi", ""),
               issued_on=plan.get("issued_on", ""), period_start_year=plan["period_start_year"],
               period_end_year=plan["period_end_year"], programme=plan["programme"],
               implements=plan.get("implements_plan", ""),
               source_title=f"data/raw/{plan['raw_file']} (the curated text)",
               source_shows="The plan's full text, curated into data/curated (quotes and numbers checked by the "
                            "provenance gate).",
               verified_on=date.today().isoformat(), plan_id=plan["plan_id"],
               reason="every curated plan is in the registry; if it already lists this document, fill plan_id on "
                      "that row instead and delete this one")
    return row


def _task_agencies(tasks: list[dict[str, str]], named: dict[str, list[tuple[str, Mention]]], known: set[str]
                   ) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """Rows of task_agencies (one per task, agency and role), and the agencies and aliases to add for the
    names no alias matched. A task without a lead gets the first named agency's code; its lead is linked."""
    groups, terms = load_groups(), load_terms()
    proposals: dict[str, Proposal] = {}
    agencies: dict[str, dict[str, str]] = {}
    aliases: dict[str, dict[str, str]] = {}
    links: list[dict[str, str]] = []
    for task in tasks:
        seen: set[tuple[str, str]] = set()
        rows = []
        for role, mention in named.get(task["task_id"], []):
            code, how, reason = mention.code, "alias in agency_aliases.csv", ""
            if not code:
                key = fold_key(mention.printed)
                p = proposals.get(key) or propose_agency(mention.printed, known, groups, terms)
                proposals[key] = p
                code, reason = p.code, p.reason
                how = "new agency: check" if p.is_new else "group, new alias: check"
                if p.is_new:
                    agencies.setdefault(p.code, {"agency_code": p.code, "name_vi": p.name_vi, "name_en": p.name_en,
                                                 "kind": p.kind, "reason": p.reason})
                aliases.setdefault(key, {"alias": mention.printed, "agency_code": p.code, "reason": p.reason})
            if (code, "lead") in seen or (code, role) in seen:
                continue  # named twice in the row (or as lead and again as partner): counted once
            seen.add((code, role))
            rows.append({"task_id": task["task_id"], "agency_code": code, "role": role,
                         "as_printed": mention.printed, "matched_by": how, "reason": reason})
        leads = [r for r in rows if r["role"] == "lead"]
        if not task["lead_agency_code"] and leads:
            task["lead_agency_code"] = leads[0]["agency_code"]
        if task["lead_agency_code"] and task["lead_agency_code"] not in {r["agency_code"] for r in leads}:
            rows.insert(0, {"task_id": task["task_id"], "agency_code": task["lead_agency_code"], "role": "lead",
                            "as_printed": task["lead_agency_as_printed"], "matched_by": "the task's lead",
                            "reason": "lead agency of the task row, not found again in its agency cells"})
            rows = [r for r in rows if not (r["role"] == "partner" and r["agency_code"] == task["lead_agency_code"])]
        links += rows
    return links, list(agencies.values()), list(aliases.values())


def write_drafts(draft: Draft, out_dir: Path | str, *, force: bool = False) -> dict[str, Path]:
    """Write one CSV per drafted table (DRAFT_FILES) into `out_dir`.

    Columns are those of the curated tables (schema.TABLES) followed by the review columns. A folder that
    already holds drafts is refused (they may have been reviewed) unless `force`, and then the old drafts
    are moved into `out_dir/replaced-<UTC time>/`, never deleted.

    Raises:
        DraftsExistError: `out_dir` holds drafts and `force` is false.
    """
    from sxtd_analysis.provenance import MANIFEST_COLUMNS

    out_dir = Path(out_dir)
    old = sorted(p for p in out_dir.glob("*_draft.csv")) + sorted(out_dir.glob("review.html")) \
        if out_dir.is_dir() else []
    if old and not force:
        raise DraftsExistError(f"{out_dir} already holds drafts ({', '.join(p.name for p in old[:3])}"
                               f"{', ...' if len(old) > 3 else ''}), perhaps reviewed: give --force to draft again "
                               "(the old drafts are then kept in a replaced-<time> folder beside them)")
    out_dir.mkdir(parents=True, exist_ok=True)
    if old:
        aside = out_dir / f"replaced-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
        aside.mkdir()
        for path in old:
            shutil.move(path, aside / path.name)
    rows = draft.rows()
    written = {}
    for name, file_name in DRAFT_FILES.items():
        columns = (list(MANIFEST_COLUMNS) if name == "manifest"
                   else TABLES[name].column_names + list(REVIEW_COLUMNS[name]))
        path = out_dir / file_name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows[name])
        written[name] = path
    return written
