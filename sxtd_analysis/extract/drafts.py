"""The whole draft of one plan (`extract_plan`) and its CSV files (`write_drafts`)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sxtd_analysis.extract.header import extract_plan_header
from sxtd_analysis.extract.indicators import KEYWORDS_FILE, load_keywords
from sxtd_analysis.extract.reading import read_csv_rows, read_plan_lines
from sxtd_analysis.extract.targets import extract_targets
from sxtd_analysis.extract.tasks import AgencyMatcher, extract_tasks
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import has_vietnamese_letters

TARGET_REVIEW_COLUMNS = ("indicator_confidence", "reason")
TASK_REVIEW_COLUMNS = ("lead_agency_as_printed",)
PLAN_REVIEW_COLUMNS = ("reason",)
DRAFT_FILES = {"plans": "plan_draft.csv", "targets": "targets_draft.csv", "tasks": "tasks_draft.csv"}


@dataclass
class Draft:
    """What `extract_plan` found: one plan row, target rows, task rows, a manifest row and warnings."""

    plan: dict[str, str]
    targets: list[dict[str, str]]
    tasks: list[dict[str, str]]
    manifest: dict[str, str]
    warnings: list[str] = field(default_factory=list)


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
    tasks, w = extract_tasks(lines, plan_id, agencies, start)
    warnings += w
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
    return Draft(plan, targets, tasks, manifest, warnings)


def write_drafts(draft: Draft, out_dir: Path | str) -> dict[str, Path]:
    """Write plan_draft.csv, targets_draft.csv, tasks_draft.csv and manifest_draft.csv into `out_dir`.

    Columns are those of the curated tables (schema.TABLES) followed by the review columns.
    """
    from sxtd_analysis.provenance import MANIFEST_COLUMNS

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = {
        "plans": ([draft.plan], TABLES["plans"].column_names + list(PLAN_REVIEW_COLUMNS)),
        "targets": (draft.targets, TABLES["targets"].column_names + list(TARGET_REVIEW_COLUMNS)),
        "tasks": (draft.tasks, TABLES["tasks"].column_names + list(TASK_REVIEW_COLUMNS)),
        "manifest": ([draft.manifest], list(MANIFEST_COLUMNS)),
    }
    written = {}
    for name, (rows, columns) in specs.items():
        path = out_dir / DRAFT_FILES.get(name, f"{name}_draft.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        written[name] = path
    return written
