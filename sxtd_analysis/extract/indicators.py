"""Suggesting the codebook indicator a number measures, from the keyword lists of
data/indicator_keywords.csv."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sxtd_analysis.extract.patterns import COPULA_BEFORE
from sxtd_analysis.extract.reading import fold_key, read_csv_rows
from sxtd_analysis.numbers import Quantity
from sxtd_analysis.text import fold

KEYWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "indicator_keywords.csv"


@dataclass(frozen=True)
class Keyword:
    code: str
    phrase: str
    parts: tuple[re.Pattern[str], ...]
    weight: float


def load_keywords(path: Path | str = KEYWORDS_FILE, code_column: str = "indicator_code") -> list[Keyword]:
    """The indicator keyword lists: 'a + b' needs both phrases; matching ignores case and spacing."""
    out = []
    for row in read_csv_rows(Path(path)):
        parts = tuple(
            re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in fold_key(p).split()) + r"(?!\w)")
            for p in row["keyword"].split("+") if p.strip()
        )
        out.append(Keyword(row[code_column].strip(), fold(row["keyword"]), parts, float(row["weight"])))
    return out


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float
    reason: str


def suggest_indicator(q: Quantity, clause: str, item: str, keywords: list[Keyword], units: dict[str, str],
                      others: list[Quantity] | None = None) -> Suggestion:
    """The codebook indicator a number most likely measures, from keywords near it.

    The words between the number and its neighbours weigh most (before it when a copula such as "đạt"
    leads to it, "X đạt 85%"; after it otherwise, "85% các X"), then the rest of its clause (half), then the
    rest of its item (a quarter); the indicator with the keyword nearest the number gets one more point.
    Only indicators in the number's unit are considered.
    """
    others = sorted(others or [q], key=lambda o: o.start)
    prev_end = max([o.end for o in others if o.end <= q.start], default=0)
    next_start = min([o.start for o in others if o.start >= q.end], default=len(clause))
    before, after = clause[prev_end:q.start], clause[q.end:next_start]
    if COPULA_BEFORE.search(before) and before.strip():
        primary, p_start = before, prev_end
    else:
        primary, p_start = after, q.end
    windows = [(primary.casefold(), 1.0), (clause.casefold(), 0.5), (item.casefold(), 0.25)]
    scores: Counter[str] = Counter()
    hits: dict[str, list[str]] = {}
    nearest: tuple[int, str, str] | None = None
    for kw in keywords:
        if units.get(kw.code) != q.unit:
            continue
        factor = 1.0
        for part in kw.parts:
            f = next((w for text, w in windows if part.search(text)), 0.0)
            factor = min(factor, f)
        if not factor:
            continue
        scores[kw.code] += kw.weight * factor
        hits.setdefault(kw.code, []).append(f"'{kw.phrase}'" + ("" if factor == 1 else f" (x{factor:g})"))
        if factor == 1.0:
            for part in kw.parts:
                for m in part.finditer(primary.casefold()):
                    a, b = p_start + m.start(), p_start + m.end()
                    dist = q.start - b if b <= q.start else a - q.end
                    if nearest is None or dist < nearest[0]:
                        nearest = (dist, kw.code, kw.phrase)
    if nearest:
        scores[nearest[1]] += 1
        hits[nearest[1]].append(f"nearest the number '{nearest[2]}' (+1)")
    if not scores:
        return Suggestion("", 0.0, f"indicator: no codebook keyword for a {q.unit} value matched")
    ranked = scores.most_common()
    best_code, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(1.0, best / 4) * best / (best + second), 2)
    reason = f"indicator {best_code} ({best:g}): {', '.join(hits[best_code])}"
    if len(ranked) > 1:
        reason += f"; next {ranked[1][0]} ({second:g})"
    return Suggestion(best_code, confidence, reason)
