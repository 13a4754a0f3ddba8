"""Draft rows of targets.csv: one per number of each clause of the objectives section(s)."""

from __future__ import annotations

from sxtd_analysis.extract.indicators import Keyword, suggest_indicator
from sxtd_analysis.extract.sections import (
    clause_year,
    item_quantities,
    objective_items,
    objective_sections,
    split_clauses,
)
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import fold


def extract_targets(lines: list[str], plan_id: str, keywords: list[Keyword], units: dict[str, str],
                    default_year: tuple[int, str] | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """Draft rows of targets.csv: one per number of each clause of the objectives section(s)."""
    sections = objective_sections(lines)
    if not sections:
        return [], ["no objectives section (a heading such as 'II. MỤC TIÊU' or '2. Mục tiêu cụ thể') was "
                    "found; no targets drafted"]
    rows: list[dict[str, str]] = []
    columns = TABLES["targets"].column_names
    for first, last, heading in sections:
        for item in objective_items(lines, first, last, heading):
            for a, b in split_clauses(item.text):
                qs = item_quantities(item, a, b)
                if not qs:
                    continue
                clause = item.text[a:b]
                year = clause_year(clause)
                why_year = f"year {year[0]} from the sentence ('{year[1]}')" if year else None
                if year is None and item.year:
                    year, why_year = item.year, item.year[1]
                if year is None and default_year:
                    year, why_year = default_year, default_year[1]
                for q in qs:
                    s = suggest_indicator(q, clause, item.text, keywords, units, qs)
                    row = {c: "" for c in columns}
                    row.update(
                        target_id=f"{plan_id}/t{len(rows) + 1:02d}", plan_id=plan_id, indicator_code=s.code,
                        value_low=_num(q.low), value_high=_num(q.high), comparator=q.comparator, unit=q.unit,
                        value_as_printed=q.text, target_year=str(year[0]) if year else "", quote=fold(clause),
                        line_start=str(item.line_at(a)), line_end=str(item.line_at(b - 1)),
                        indicator_confidence=f"{s.confidence:.2f}",
                        reason=f"{why_year or 'no year found: set target_year'}; {s.reason}",
                    )
                    rows.append(row)
    return rows, []


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
