"""Draft rows of qualitative_objectives.csv (the numberless clauses of the objectives section, each with an
English theme suggested from data/objective_themes.csv) and of budgets.csv (amounts in đồng the text
states outside its task table)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sxtd_analysis.extract.indicators import Keyword, load_keywords
from sxtd_analysis.extract.sections import (
    Heading,
    Item,
    clause_year,
    item_quantities,
    objective_items,
    objective_sections,
    split_clauses,
)
from sxtd_analysis.extract.tasks import appendix_start
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import fold

THEMES_FILE = Path(__file__).resolve().parent.parent / "data" / "objective_themes.csv"
MIN_WORDS = 6  # shorter numberless clauses are fragments ("Cụ thể:", "Mục tiêu chung"), not objectives


def load_themes(path: Path | str = THEMES_FILE) -> list[Keyword]:
    return load_keywords(path, code_column="theme_en")


def suggest_theme(clause: str, themes: list[Keyword]) -> tuple[str, float, str]:
    """(English theme, confidence 0-1, reason) for a numberless objective; ('', 0, why) when none fits."""
    key = fold(clause).casefold()
    scores: Counter[str] = Counter()
    hits: dict[str, list[str]] = {}
    for kw in themes:
        if all(part.search(key) for part in kw.parts):
            scores[kw.code] += kw.weight
            hits.setdefault(kw.code, []).append(f"'{kw.phrase}'")
    if not scores:
        return "", 0.0, "theme: no keyword of objective_themes.csv matched; write a short English summary"
    (best, top), *others = scores.most_common()
    second = others[0][1] if others else 0.0
    confidence = round(min(1.0, top / 4) * top / (top + second), 2)
    reason = f"theme from {', '.join(hits[best])} ({top:g})" + (f"; next '{others[0][0]}' ({second:g})"
                                                                 if others else "")
    return best, confidence, reason


def _year(clause: str, item: Item, default_year: tuple[int, str] | None) -> tuple[str, str]:
    year = clause_year(clause)
    if year:
        return str(year[0]), f"year {year[0]} from the sentence ('{year[1]}')"
    if item.year:
        return str(item.year[0]), item.year[1]
    if default_year:
        return str(default_year[0]), default_year[1]
    return "", "no year found: set the year"


def extract_qualitative(lines: list[str], plan_id: str, themes: list[Keyword],
                        default_year: tuple[int, str] | None = None) -> list[dict[str, str]]:
    """One row per clause of the objectives section(s) that sets no number and is not a lead-in."""
    rows: list[dict[str, str]] = []
    columns = TABLES["qualitative_objectives"].column_names
    for first, last, heading in objective_sections(lines):
        for item in objective_items(lines, first, last, heading):
            for a, b in split_clauses(item.text):
                clause = item.text[a:b]
                if item_quantities(item, a, b) or clause.rstrip().endswith(":") or len(clause.split()) < MIN_WORDS:
                    continue
                theme, confidence, why_theme = suggest_theme(clause, themes)
                year, why_year = _year(clause, item, default_year)
                row = {c: "" for c in columns}
                row.update(
                    objective_id=f"{plan_id}/q{len(rows) + 1:02d}", plan_id=plan_id, theme=theme, target_year=year,
                    quote=fold(clause), line_start=str(item.line_at(a)), line_end=str(item.line_at(b - 1)),
                    theme_confidence=f"{confidence:.2f}", reason=f"{why_year}; {why_theme}",
                )
                rows.append(row)
    return rows


def extract_budgets(lines: list[str], plan_id: str, default_year: tuple[int, str] | None = None
                    ) -> list[dict[str, str]]:
    """One row per amount in đồng in the text before the task appendix (whose cells are per task)."""
    end = appendix_start(lines)
    last = (end[0] if end else len(lines)) - 1
    rows: list[dict[str, str]] = []
    columns = TABLES["budgets"].column_names
    whole = Heading(0, 0, "", "")
    for item in objective_items(lines, -1, last, whole):
        for a, b in split_clauses(item.text):
            clause = item.text[a:b]
            for q in item_quantities(item, a, b):
                if q.unit != "vnd":
                    continue
                year, why_year = _year(clause, item, default_year)
                row = {c: "" for c in columns}
                row.update(
                    budget_id=f"{plan_id}/b{len(rows) + 1:02d}", plan_id=plan_id, amount_vnd=str(int(q.low)),
                    value_as_printed=q.text, budget_year=year, quote=fold(clause),
                    line_start=str(item.line_at(a)), line_end=str(item.line_at(b - 1)),
                    reason=f"{why_year}; what the amount pays for: fill scope_note",
                )
                rows.append(row)
    return rows
