"""National coverage: which of today's 34 provinces (63 before the 2025 merger) have a known SXTD plan, and
the targets reported for them, from the views known_plans and national_coverage and the reported_targets table.

The queries that feed them are in `sxtd_analysis.queries` (national_coverage, known_plans, reported_targets,
national_indicator, targets_side_by_side); the findings here (`coverage_indicator`, `coverage_timeline`,
`coverage_findings`, `side_by_side`) are plain functions of frames, so they are tested on hand-built ones.
Targets reported second-hand stay a separate tier: they appear only where a function says so, marked
`REPORTED_MARK`, and never among the curated targets or their verdicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sxtd_analysis.findings import Finding
from sxtd_analysis.formatting import value_labels

#: how a reported target is marked wherever it is shown
REPORTED_MARK_VI = "báo cáo, chưa đối chiếu văn bản"
REPORTED_MARK_EN = "reported, not checked against the plan text"
REPORTED_MARK = f"{REPORTED_MARK_VI} / {REPORTED_MARK_EN}"
#: how a curated target is marked beside reported ones
VERIFIED_MARK = "trích từ văn bản kế hoạch / quoted from the plan text"
#: the national indicator that counts provinces with a plan (889/QĐ-TTg: 90 % by 2030)
ADOPTION_INDICATOR = "action_plan_adoption"

_SIDE_BY_SIDE_COLUMNS = ("indicator_code", "label_vi", "label_en", "target_year", "is_reported", "tier_label",
                         "province_name_vi", "successor_slug", "successor_name_vi", "value_low", "value_high",
                         "comparator", "unit", "document", "source")


# --- findings: plain functions of frames ---------------------------------------------------------------


@dataclass(frozen=True)
class CoverageIndicator:
    """The national indicator at one date: provinces with a plan issued on or before `on`."""

    on: date
    n_current_with_plan: int
    n_current: int
    n_former_with_plan: int
    n_former: int
    goal_percent: float | None = None
    goal_year: int | None = None
    goal_programme: str | None = None
    #: known plans without any date (neither an issue date nor a dated source): not counted at any date
    n_undated: int = 0

    @property
    def share_current(self) -> float:
        """Percent of today's provinces with a plan (one of the provinces each now includes issued it)."""
        return 100 * self.n_current_with_plan / self.n_current if self.n_current else 0.0

    @property
    def share_former(self) -> float:
        """Percent of the provinces of before the merger that issued a plan."""
        return 100 * self.n_former_with_plan / self.n_former if self.n_former else 0.0

    @property
    def meets_goal(self) -> bool | None:
        return None if self.goal_percent is None else self.share_current >= self.goal_percent

    @property
    def n_short_of_goal(self) -> int | None:
        """How many more of today's provinces would need a plan to reach the goal (0 if it is met)."""
        if self.goal_percent is None:
            return None
        needed = math.ceil(self.goal_percent * self.n_current / 100 - 1e-9)
        return max(0, needed - self.n_current_with_plan)


def coverage_indicator(known_plans, provinces, on: date, *, goal=None) -> CoverageIndicator:
    """Share of today's and of the former provinces with a known plan issued on or before `on`.

    Args:
        known_plans: one row per known plan, with `province_slug` (the issuing province, before the merger)
            and `known_by_on` (issued by then; null where undated), as the view known_plans has them.
        provinces: every province of before the merger, with `province_slug` and `successor_slug`.
        on: the date to count at.
        goal: optional (percent, year, programme) of the national goal, as `adoption_goal` returns it.

    Today's province counts when any province it now includes issued a plan.
    """
    import polars as pl

    _require(known_plans, ("province_slug", "known_by_on"), "known_plans")
    _require(provinces, ("province_slug", "successor_slug"), "provinces")
    unknown = set(known_plans["province_slug"].to_list()) - set(provinces["province_slug"].to_list())
    if unknown:
        raise ValueError(f"known_plans names provinces that are not in provinces: {', '.join(sorted(unknown))}")
    dated = known_plans.filter(pl.col("known_by_on") <= on)
    former = set(dated["province_slug"].to_list())
    successors = dict(zip(provinces["province_slug"].to_list(), provinces["successor_slug"].to_list(), strict=True))
    percent, year, programme = goal if goal is not None else (None, None, None)
    return CoverageIndicator(
        on=on, n_current_with_plan=len({successors[s] for s in former}),
        n_current=provinces["successor_slug"].n_unique(), n_former_with_plan=len(former),
        n_former=provinces.height, goal_percent=percent, goal_year=year, goal_programme=programme,
        n_undated=known_plans["known_by_on"].null_count(),
    )


def coverage_timeline(known_plans, provinces):
    """The indicator at each date a known plan was issued (a step function), one row per date.

    Columns: on, n_current_with_plan, share_current, n_former_with_plan, share_former (percents).
    """
    import polars as pl

    _require(known_plans, ("province_slug", "known_by_on"), "known_plans")
    dates = sorted(set(known_plans["known_by_on"].drop_nulls().to_list()))
    rows = []
    for on in dates:
        ind = coverage_indicator(known_plans, provinces, on)
        rows.append({"on": on, "n_current_with_plan": ind.n_current_with_plan,
                     "share_current": round(ind.share_current, 1), "n_former_with_plan": ind.n_former_with_plan,
                     "share_former": round(ind.share_former, 1)})
    schema = {"on": pl.Date, "n_current_with_plan": pl.Int64, "share_current": pl.Float64,
              "n_former_with_plan": pl.Int64, "share_former": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def findings_of(indicator: CoverageIndicator) -> list[Finding]:
    """`coverage_findings` as `findings.Finding`s (kind "coverage"), for the pages' findings blocks."""
    return [Finding("coverage", vi, en) for vi, en in coverage_findings(indicator)]


def coverage_findings(indicator: CoverageIndicator) -> list[tuple[str, str]]:
    """The indicator in sentences, each as (Vietnamese, English)."""
    ind = indicator
    day_vi, day_en = f"{ind.on.day:02d}/{ind.on.month:02d}/{ind.on.year}", f"{ind.on.day} {ind.on:%B %Y}"
    out = [(
        f"Đến ngày {day_vi}, {ind.n_current_with_plan}/{ind.n_current} tỉnh, thành phố "
        f"({_pct_vi(ind.share_current)}) đã ban hành kế hoạch thực hiện Chương trình sản xuất và tiêu dùng bền vững "
        f"theo các nguồn đã ghi nhận; tính theo 63 tỉnh, thành phố trước sáp nhập là {ind.n_former_with_plan}/"
        f"{ind.n_former} ({_pct_vi(ind.share_former)}).",
        f"By {day_en}, {ind.n_current_with_plan} of the {ind.n_current} provinces ({_pct_en(ind.share_current)}) "
        f"had issued a plan for the SCP programme, by the sources recorded; counted over the provinces before the "
        f"merger, {ind.n_former_with_plan} of {ind.n_former} ({_pct_en(ind.share_former)}).",
    )]
    if ind.goal_percent is not None:
        goal_vi, goal_en = _pct_vi(ind.goal_percent), _pct_en(ind.goal_percent)
        if ind.meets_goal:
            out.append((f"Mức này đạt mục tiêu {goal_vi} vào năm {ind.goal_year} của Quyết định {ind.goal_programme}.",
                        f"That meets the goal of {goal_en} by {ind.goal_year} set by {ind.goal_programme}."))
        else:
            out.append((
                f"Mục tiêu của Quyết định {ind.goal_programme} là {goal_vi} vào năm {ind.goal_year}: cần thêm "
                f"{ind.n_short_of_goal} tỉnh, thành phố có kế hoạch.",
                f"The goal of {ind.goal_programme} is {goal_en} by {ind.goal_year}: {ind.n_short_of_goal} more "
                f"provinces would need a plan."))
    out.append((
        "Một tỉnh, thành phố hiện nay được tính là có kế hoạch khi một trong các tỉnh cũ hợp thành đã ban hành; "
        "đây là các kế hoạch đã ghi nhận được, có thể còn kế hoạch khác chưa tìm thấy.",
        "A province of today counts when one of the former provinces it includes issued a plan; these are the "
        "plans recorded so far, and others may exist that have not been found."))
    if ind.n_undated:
        out.append((f"{ind.n_undated} kế hoạch không rõ ngày nên không được tính.",
                    f"{ind.n_undated} known plan(s) without any date are not counted."))
    return out


def side_by_side(verified, reported, *, shared_only: bool = True):
    """Curated (verified) and reported targets in one frame, the reported ones marked.

    Args:
        verified: curated targets with indicator_code, label_vi, label_en, target_year, province_name_vi,
            successor_slug, successor_name_vi, value_low, value_high, comparator, unit, document (plan_id),
            source.
        reported: reported targets with the same columns (document = registry_id, source = its address).
        shared_only: keep only indicators that both tiers have.

    Returns the columns of `_SIDE_BY_SIDE_COLUMNS`; `is_reported` and `tier_label` (`REPORTED_MARK` or
    `VERIFIED_MARK`) tell the tiers apart. Sorted by indicator, year, curated first, then province.
    """
    import polars as pl

    needed = [c for c in _SIDE_BY_SIDE_COLUMNS if c not in ("is_reported", "tier_label")]
    _require(verified, needed, "verified")
    _require(reported, needed, "reported")
    frames = [f.select(needed).with_columns(is_reported=pl.lit(flag),
                                            tier_label=pl.lit(REPORTED_MARK if flag else VERIFIED_MARK))
              for f, flag in ((verified, False), (reported, True))]
    both = pl.concat(frames, how="vertical_relaxed")
    if shared_only:
        shared = set(verified["indicator_code"].to_list()) & set(reported["indicator_code"].to_list())
        both = both.filter(pl.col("indicator_code").is_in(sorted(shared)))
    ordered = (both.with_columns(_order=pl.col("province_name_vi").map_elements(_vi_key, return_dtype=pl.String))
               .sort("indicator_code", "target_year", "is_reported", "_order", "document")
               .drop("_order").select(_SIDE_BY_SIDE_COLUMNS))
    return ordered.with_columns(value=value_labels(ordered))


def most_shared_indicator(targets) -> tuple[str, str, str]:
    """(code, label_vi, label_en) of the indicator that the most provinces of today target, curated and reported
    tiers together (ties: the code first in order): the one a value map of the tiers shows."""
    import polars as pl

    _require(targets, _SIDE_BY_SIDE_COLUMNS, "targets")
    ranked = (targets.group_by("indicator_code", "label_vi", "label_en")
              .agg(n=pl.col("successor_slug").n_unique()).sort(["n", "indicator_code"], descending=[True, False]))
    if ranked.is_empty():
        raise ValueError("no targets")
    return ranked.row(0)[:3]


def indicator_by_province(targets, indicator_code: str, *, year: int | None = None,
                          include_reported: bool = True):
    """One value per province of today for one indicator, the frame `tilemap.value_map` colours by.

    Args:
        targets: curated and reported targets as `side_by_side(..., shared_only=False)` returns them.
        indicator_code: the indicator.
        year: the target year; by default each province's latest target year.
        include_reported: also use reported targets where a province has no curated one for that year.

    Per province of today (successor_slug) the curated targets of the chosen year win over reported ones; several
    targets give their range. Columns: province_slug, target_year, value (the upper end), value_low, value_label
    ("5-8% (2025)"), is_reported, n_targets, documents.
    """
    import polars as pl

    _require(targets, _SIDE_BY_SIDE_COLUMNS, "targets")
    t = targets.filter(pl.col("indicator_code") == indicator_code)
    if not include_reported:
        t = t.filter(~pl.col("is_reported"))
    if year is not None:
        t = t.filter(pl.col("target_year") == year)
    if t.is_empty():
        raise ValueError(f"no target for indicator {indicator_code!r}" + (f" in {year}" if year else ""))
    chosen = (t.filter(pl.col("target_year") == pl.col("target_year").max().over("successor_slug"))
              .filter(pl.col("is_reported") == pl.col("is_reported").min().over("successor_slug")))
    suffix = {"percent": "%"}
    out = chosen.group_by("successor_slug", maintain_order=True).agg(
        pl.col("target_year").first(), pl.col("value_high").max().alias("value"),
        pl.col("value_low").min(), pl.col("is_reported").first(), pl.len().alias("n_targets"),
        pl.col("document").unique().sort().str.join(", ").alias("documents"), pl.col("unit").first(),
    )
    label = [_number(lo) + ("" if lo == hi else f"-{_number(hi)}") + suffix.get(unit, "") + f" ({year})"
             for lo, hi, unit, year in out.select("value_low", "value", "unit", "target_year").iter_rows()]
    return (out.with_columns(value_label=pl.Series(label, dtype=pl.String))
            .rename({"successor_slug": "province_slug"})
            .select("province_slug", "target_year", "value", "value_low", "value_label", "is_reported",
                    "n_targets", "documents").sort("province_slug"))


# --- helpers ---------------------------------------------------------------------------------------------


def _require(frame, columns, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


def _vi_key(name: str) -> str:
    """A sort key that puts Vietnamese names in dictionary order (Đ after every D, not after Z)."""
    from sxtd_analysis.text import strip_diacritics

    name = name or ""
    return strip_diacritics(name.replace("Đ", "Dz").replace("đ", "dz")).lower() + "\0" + name


def _number(value: float) -> str:
    return f"{value:g}"


def _pct_vi(value: float) -> str:
    return f"{value:.0f} %" if value == round(value) else f"{value:.1f} %".replace(".", ",")


def _pct_en(value: float) -> str:
    return f"{value:.0f}%" if value == round(value) else f"{value:.1f}%"
