"""Extraction assistant: from a new plan's plain text to draft rows of the curated tables, for review.

`extract_plan` reads a plan text (UTF-8; a BOM, decomposed Unicode, Windows line ends, no-break spaces and
tabs are accepted) and drafts:

- targets: every number-bearing commitment of the objectives section ("II. MỤC TIÊU", "2. Mục tiêu cụ
  thể"), one row per number, with its verbatim quote and line span, the value read by the number parser,
  a target year taken from the sentence, a lead-in ("Phấn đấu đến hết năm 2023 ... đạt các chỉ tiêu:"), the
  sub-heading ("2.1. Giai đoạn 2021 - 2025", "Đến năm 2030") or the plan's title, and an indicator code
  suggested from the codebook by the keyword lists of `data/indicator_keywords.csv`;
- tasks: the rows of an appendix task table ("PHỤ LỤC"), with the lead agency matched to
  data/curated/agency_aliases.csv;
- plan: the header facts (province, document number, date, title, period, programme, signer).

Every rule is a general pattern of Vietnamese administrative writing; nothing is specific to one plan.
Line numbers are those of the raw file (1-based; CRLF and CR count as one line end), as the provenance
gate reads them. The drafts carry extra review columns (indicator_confidence, reason,
lead_agency_as_printed) to delete once reviewed.

One module per stage: `reading` (lines, years), `patterns` (the genre's regular expressions), `sections`
(objectives: headings, items, clauses), `indicators` (codebook suggestions), `targets`, `header` (the plan
row), `tasks` (the appendix table, agencies), `drafts` (the whole draft and its CSV files).
"""

from sxtd_analysis.extract.agencies import AgencyMatcher
from sxtd_analysis.extract.drafts import (
    DRAFT_FILES,
    PLAN_REVIEW_COLUMNS,
    REVIEW_COLUMNS,
    TARGET_REVIEW_COLUMNS,
    TASK_REVIEW_COLUMNS,
    Draft,
    DraftsExistError,
    extract_plan,
    write_drafts,
)
from sxtd_analysis.extract.header import extract_plan_header, resolve_province
from sxtd_analysis.extract.indicators import KEYWORDS_FILE, Keyword, Suggestion, load_keywords, suggest_indicator
from sxtd_analysis.extract.reading import read_plan_lines, split_lines, year_in
from sxtd_analysis.extract.sections import Heading, Item, _heading
from sxtd_analysis.extract.targets import extract_targets
from sxtd_analysis.extract.tasks import extract_tasks

__all__ = [
    "DRAFT_FILES", "KEYWORDS_FILE", "PLAN_REVIEW_COLUMNS", "REVIEW_COLUMNS", "TARGET_REVIEW_COLUMNS",
    "TASK_REVIEW_COLUMNS", "AgencyMatcher", "Draft", "DraftsExistError", "Heading", "Item", "Keyword",
    "Suggestion", "_heading", "extract_plan", "extract_plan_header", "extract_targets", "extract_tasks",
    "load_keywords", "read_plan_lines", "resolve_province", "split_lines", "suggest_indicator", "write_drafts",
    "year_in",
]
