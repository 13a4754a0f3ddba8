"""Findings: what the queries' frames say, as frames and bilingual sentences (Vietnamese first), computed once here
for the notebooks and reports and tested on small hand-built frames."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


def latest_plan_ids(frame: pl.DataFrame) -> pl.Series:
    """Each province's latest plan (the latest end of period, then start, then plan id), from any frame with
    `province_name_vi`, `plan_id`, `period_start_year` and `period_end_year` (plans, or tasks of load_tasks):
    what a chart draws beyond CHART_ROWS plans or tasks."""
    return (frame.select("province_name_vi", "plan_id", "period_start_year", "period_end_year").unique()
            .sort("period_end_year", "period_start_year", "plan_id", descending=True)
            .unique("province_name_vi", keep="first")["plan_id"])


@dataclass(frozen=True)
class Finding:
    """One finding as a reader reads it: a sentence in Vietnamese and the same in English.

    `kind` says what it is about ("commitment", "stricter", "equal", "weaker", "interim", "partial_scope",
    "caveat", "coverage", ...), so that a page can group or mark findings without parsing the sentences.
    """

    kind: str
    vi: str
    en: str
