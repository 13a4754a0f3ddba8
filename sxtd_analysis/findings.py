"""Findings: what the queries' frames say, as frames and bilingual sentences (Vietnamese first), computed once here
for the notebooks and reports and tested on small hand-built frames (tests/test_findings.py).

The functions take the frames of `sxtd_analysis.queries` (`alignment`, `load_plans`, `load_tasks`,
`tasks_by_agency`, ...) and never query the database themselves. A finding never ranks what cannot be compared:
only percentage targets on the whole scope of their indicator, for the same target year, are ranked across
provinces (a count of models or an amount of money grows with the province; a part of a scope is another measure).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from sxtd_analysis.formatting import LISTED, listed, value_labels, verdict_codebook, vietnamese_sorted
from sxtd_analysis.schema import VERDICTS

#: A cell whose targets have different verdicts (summaries at national scale).
MIXED = "mixed"
#: Verdicts that judge a target against the national value (the others show it beside the national value).
JUDGED = ("stricter", "equal", "interim", "overlapping", "weaker")


@dataclass(frozen=True)
class Finding:
    """One finding as a reader reads it: a sentence in Vietnamese and the same in English.

    `kind` says what it is about ("commitment", a verdict code, "position", "caveat", "tasks", "coverage", ...),
    so that a page can group or mark findings without parsing the sentences.
    """

    kind: str
    vi: str
    en: str


# ------------------------------------------------------------------------------------------------- helpers


def _n(n: int, en_word: str, en_plural: str | None = None) -> str:
    """'1 target', '2 targets' (Vietnamese nouns do not change: the callers write '{n} mục tiêu')."""
    return f"{n} {en_word if n == 1 else (en_plural or en_word + 's')}"


def _years(values: Iterable[int | None]) -> str:
    return ", ".join(str(y) for y in sorted({v for v in values if v is not None}))


def _in_order(frame: pl.DataFrame, column: str = "province_name_vi") -> pl.DataFrame:
    """The frame's rows in Vietnamese order of `column` (stable)."""
    order = {name: i for i, name in enumerate(vietnamese_sorted(frame[column].to_list()))}
    return frame.sort(pl.col(column).replace_strict(order, default=len(order), return_dtype=pl.Int64),
                      maintain_order=True)


def _with_values(alignment: pl.DataFrame) -> pl.DataFrame:
    """`value` and `national` as a reader writes them ('5–8%', '≥40%')."""
    return alignment.with_columns(
        value=value_labels(alignment),
        national=value_labels(alignment, "national_value_low", "national_value_high", "unit", "national_comparator"))


# ----------------------------------------------------------------------------------------------- milestones


def milestone_for(year: int, milestones: pl.DataFrame) -> tuple[str, int] | None:
    """(programme, milestone year) a target year is compared with, from the `national_milestones` table, or
    None where no milestone covers it (after 2030)."""
    for row in milestones.iter_rows(named=True):
        first = row["first_target_year"]
        if (first is None or year >= first) and year <= row["last_target_year"]:
            return row["programme"], row["milestone_year"]
    return None


# ------------------------------------------------------------------------------------------------- verdicts


def verdict_counts(alignment: pl.DataFrame, *, by: str = "province_name_vi") -> pl.DataFrame:
    """Targets per verdict: one row per `by` (Vietnamese order for names), one column per verdict in the codebook's
    order (every verdict, zeros included) and `n_targets`."""
    counts = alignment.group_by(by, "verdict").len()
    wide = (counts.pivot(on="verdict", index=by, values="len") if counts.height
            else pl.DataFrame({by: []}, schema={by: alignment.schema[by]}))
    wide = wide.with_columns(pl.lit(0, dtype=pl.UInt32).alias(v) for v in VERDICTS if v not in wide.columns)
    wide = wide.select(by, *VERDICTS).fill_null(0).with_columns(n_targets=pl.sum_horizontal(*VERDICTS))
    return _in_order(wide, by) if by.endswith("_vi") else wide.sort(by)


def summarise_by_milestone(alignment: pl.DataFrame) -> pl.DataFrame:
    """One row per province, indicator and national milestone: the span of the targets there, their verdict
    ('mixed' where they differ), how many and for which years; what a chart draws at national scale."""
    rows = alignment.filter(pl.col("benchmark_year").is_not_null())
    summary = (rows.group_by("province_name_vi", "indicator_code", "label_vi", "label_en", "unit", "benchmark_year",
                             maintain_order=True)
               .agg(pl.col("value_low").min(), pl.col("value_high").max(),
                    pl.col("national_value_low", "national_value_high", "national_comparator", "benchmark_programme",
                           "national_target_id").first(),
                    pl.when(pl.col("comparator").n_unique() == 1).then(pl.col("comparator").first())
                    .otherwise(pl.lit("range")).alias("comparator"),
                    pl.when(pl.col("verdict").n_unique() == 1).then(pl.col("verdict").first())
                    .otherwise(pl.lit(MIXED)).alias("verdict"),
                    pl.len().alias("n_targets"),
                    pl.col("source").head(LISTED).str.join("; "),
                    pl.col("target_year").unique().sort().cast(pl.String).str.join(", ").alias("years"))
               .with_columns(target_year=pl.col("benchmark_year")))
    return _with_values(summary).with_columns(
        source=pl.when(pl.col("n_targets") > LISTED)
        .then(pl.format("{}; … (+{})", "source", pl.col("n_targets") - LISTED)).otherwise(pl.col("source")),
        note_vi=pl.format("{} mục tiêu, cho năm {}", "n_targets", "years"),
        note_en=pl.format("{} target(s), for {}", "n_targets", "years"))


# ------------------------------------------------------------------------------------ comparing provinces


def _rankable(alignment: pl.DataFrame) -> pl.Expr:
    partial = pl.col("is_partial_scope").fill_null(False) if "is_partial_scope" in alignment.columns else pl.lit(False)
    return (pl.col("unit") == "percent") & ~partial


def shared_indicators(alignment: pl.DataFrame, *, minimum: int = 2) -> pl.DataFrame:
    """Indicators that at least `minimum` provinces target: code, labels, number and names of the provinces (in
    Vietnamese order), most shared first."""
    shared = (alignment.group_by("indicator_code", "label_vi", "label_en")
              .agg(n_provinces=pl.col("province_name_vi").n_unique(), provinces=pl.col("province_name_vi").unique())
              .filter(pl.col("n_provinces") >= minimum))
    return (shared.with_columns(provinces=pl.Series([vietnamese_sorted(p) for p in shared["provinces"].to_list()],
                                                    dtype=pl.List(pl.String)))
            .sort(["n_provinces", "indicator_code"], descending=[True, False]))


_POSITIONS = {
    "alone": ("không tỉnh nào khác đặt mục tiêu này cho cùng năm", "no other province sets it for the same year"),
    "same": ("bằng mọi tỉnh khác", "the same as every other province"),
    "highest": ("cao nhất", "the highest"),
    "joint_highest": ("cao nhất, cùng {ties} tỉnh khác", "joint highest, with {ties} other(s)"),
    "lowest": ("thấp nhất", "the lowest"),
    "joint_lowest": ("thấp nhất, cùng {ties} tỉnh khác", "joint lowest, with {ties} other(s)"),
    "middle": ("{higher} tỉnh cao hơn, {lower} tỉnh thấp hơn", "{higher} higher, {lower} lower"),
    "not_ranked": ("không xếp hạng: {reason_vi}", "not ranked: {reason_en}"),
}


def province_positions(alignment: pl.DataFrame, *, province_slug: str) -> pl.DataFrame:
    """Where a province's targets stand among the other provinces' targets on the same indicator and target year.

    Only percentage targets on their indicator's whole scope are ranked (the middle of a range standing for the
    range, a province's highest target for several); the others get `position` 'not_ranked' and the reason.
    One row per indicator and target year of the province: value, n_others, n_higher, n_lower, position and its
    sentence (`position_vi`, `position_en`), and the other provinces' values (`others`).
    """
    frame = _with_values(alignment).with_columns(level=(pl.col("value_low") + pl.col("value_high")) / 2,
                                                 rankable=_rankable(alignment))
    mine = frame.filter(pl.col("province_slug") == province_slug)
    rows = []
    for key, group in mine.group_by("indicator_code", "target_year", maintain_order=True):
        indicator, year = key
        first = group.row(0, named=True)
        row = {"indicator_code": indicator, "label_vi": first["label_vi"], "label_en": first["label_en"],
               "target_year": year, "value": " / ".join(group["value"].to_list()), "n_others": 0, "n_higher": 0,
               "n_lower": 0}
        others = frame.filter((pl.col("indicator_code") == indicator) & (pl.col("target_year") == year)
                              & (pl.col("province_slug") != province_slug) & pl.col("rankable"))
        row["others"] = listed([f"{p} {v}" for p, v in _in_order(others).select("province_name_vi", "value")
                                .iter_rows()], sep="; ", lang="vi")
        if not group["rankable"].all():
            reason = ("một phần phạm vi của chỉ tiêu", "part of the indicator's scope") \
                if group["unit"][0] == "percent" else ("số lượng tuyệt đối phụ thuộc quy mô của tỉnh",
                                                        "an absolute count grows with the province")
            code, fill = "not_ranked", {"reason_vi": reason[0], "reason_en": reason[1]}
        else:
            level = group["level"].max()
            levels = others.group_by("province_slug").agg(pl.col("level").max())["level"].to_list()
            higher, lower = sum(v > level for v in levels), sum(v < level for v in levels)
            ties = len(levels) - higher - lower
            row.update(n_others=len(levels), n_higher=higher, n_lower=lower)
            if not levels:
                code = "alone"
            elif higher == lower == 0:
                code = "same"
            elif higher == 0:
                code = "highest" if ties == 0 else "joint_highest"
            elif lower == 0:
                code = "lowest" if ties == 0 else "joint_lowest"
            else:
                code = "middle"
            fill = {"ties": ties, "higher": higher, "lower": lower}
        vi, en = _POSITIONS[code]
        rows.append({**row, "position": code, "position_vi": vi.format(**fill), "position_en": en.format(**fill)})
    schema = {"indicator_code": pl.String, "label_vi": pl.String, "label_en": pl.String, "target_year": pl.Int64,
              "value": pl.String, "n_others": pl.Int64, "n_higher": pl.Int64, "n_lower": pl.Int64,
              "others": pl.String, "position": pl.String, "position_vi": pl.String, "position_en": pl.String}
    return pl.DataFrame(rows, schema=schema)


def scope_differences(alignment: pl.DataFrame) -> pl.DataFrame:
    """For each indicator shared by two provinces or more whose provinces describe different scopes: one row per
    province with its scope notes and years."""
    shared = shared_indicators(alignment)["indicator_code"]
    scopes = (alignment.filter(pl.col("indicator_code").is_in(shared.implode()))
              .group_by("indicator_code", "label_vi", "label_en", "province_name_vi")
              .agg(scope=pl.col("scope_note").drop_nulls().unique(maintain_order=True).str.join(" | "),
                   years=pl.col("target_year").unique().sort().cast(pl.String).str.join(", ")))
    differing = (scopes.group_by("indicator_code").agg(n_scopes=pl.col("scope").n_unique())
                 .filter(pl.col("n_scopes") > 1)["indicator_code"])
    return _in_order(scopes.filter(pl.col("indicator_code").is_in(differing.implode()))).sort(
        "label_vi", maintain_order=True)


def horizons(alignment: pl.DataFrame) -> pl.DataFrame:
    """Targets per province (rows, Vietnamese order) and target year (columns, in order)."""
    years = sorted(set(alignment["target_year"].to_list()))
    counts = alignment.group_by("province_name_vi", "target_year").len()
    wide = (counts.with_columns(pl.col("target_year").cast(pl.String))
            .pivot(on="target_year", index="province_name_vi", values="len").fill_null(0))
    return _in_order(wide.select("province_name_vi", *[str(y) for y in years]))


def early_targets(alignment: pl.DataFrame) -> pl.DataFrame:
    """Targets set for a year before the national milestone they are compared with, with value and national."""
    return _with_values(alignment.filter(pl.col("benchmark_year").is_not_null()
                                         & (pl.col("target_year") < pl.col("benchmark_year"))))


# -------------------------------------------------------------------------------------------------- plans


def latest_plan_ids(frame: pl.DataFrame) -> pl.Series:
    """Each province's latest plan (the latest end of period, then start, then plan id), from any frame with
    `province_name_vi`, `plan_id`, `period_start_year` and `period_end_year` (plans, or tasks of load_tasks):
    what a chart draws beyond CHART_ROWS plans or tasks."""
    return (frame.select("province_name_vi", "plan_id", "period_start_year", "period_end_year").unique()
            .sort("period_end_year", "period_start_year", "plan_id", descending=True)
            .unique("province_name_vi", keep="first")["plan_id"])


def latest_plans(frame: pl.DataFrame, *, limit: int) -> pl.DataFrame:
    """The frame (plans, or tasks of load_tasks) as it is, or beyond `limit` rows only each province's latest
    plan's rows: what a chart that draws a mark per plan or task draws at national scale."""
    if frame.height <= limit:
        return frame
    return frame.filter(pl.col("plan_id").is_in(latest_plan_ids(frame).implode()))


def of_plans(frame: pl.DataFrame, plans: pl.DataFrame) -> pl.DataFrame:
    """The rows of `frame` (targets, tasks) that belong to the plans of `plans`."""
    return frame.filter(pl.col("plan_id").is_in(plans["plan_id"].implode()))


def latest_plans_tasks(tasks: pl.DataFrame, *, limit: int) -> tuple[pl.DataFrame, list[str]]:
    """The tasks of a province's latest plans, whole plans only, up to `limit` tasks (at least one plan):
    what a task timeline draws for a province with many yearly plans; and those plans' ids."""
    per_plan = (tasks.group_by("plan_id", "period_start_year", "period_end_year").len()
                .sort("period_end_year", "period_start_year", "plan_id", descending=True))
    chosen, drawn = [], 0
    for plan_id, n in per_plan.select("plan_id", "len").iter_rows():
        if chosen and drawn + n > limit:
            break
        chosen.append(plan_id)
        drawn += n
    return tasks.filter(pl.col("plan_id").is_in(chosen)).head(limit), chosen


DOC_TYPES = {"ke_hoach": ("Kế hoạch", "plan"), "quyet_dinh": ("Quyết định", "decision")}


def plan_lines(plans: pl.DataFrame) -> pl.DataFrame:
    """One line per plan for a reader: `plan_vi` ('Kế hoạch 484/KH-UBND ngày 15/12/2020, giai đoạn 2021–2025,
    thực hiện 889/QĐ-TTg') and `plan_en`; a one-year plan reads 'năm 2023', not '2023–2023'."""
    out = []
    for p in plans.iter_rows(named=True):
        kind_vi, kind_en = DOC_TYPES.get(p.get("doc_type") or "", ("Văn bản", "document"))
        number = p.get("doc_number")
        issued = p.get("issued_on")
        start, end = p["period_start_year"], p["period_end_year"]
        vi = f"{kind_vi} {number}" if number else f"{kind_vi} (không ghi số)"
        en = f"{kind_en.capitalize()} {number}" if number else f"{kind_en.capitalize()} (no number printed)"
        if issued is not None:
            vi += f" ngày {issued:%d/%m/%Y}"
            en += f" of {issued:%d %B %Y}"
        vi += f", năm {start}" if start == end else f", giai đoạn {start}–{end}"
        en += f", for {start}" if start == end else f", for {start}–{end}"
        if p.get("programme"):
            vi += f", thực hiện {p['programme']}"
            en += f", implementing {p['programme']}"
        out.append({"plan_id": p["plan_id"], "plan_vi": vi, "plan_en": en})
    return pl.DataFrame(out, schema={"plan_id": pl.String, "plan_vi": pl.String, "plan_en": pl.String})


# ----------------------------------------------------------------------------------------------- findings


def _verdict_items(rows: pl.DataFrame, lang: str) -> str:
    items = []
    for r in rows.iter_rows(named=True):
        label = r["label_vi"] if lang == "vi" else r["label_en"]
        against = "so với" if lang == "vi" else "vs"
        extra = []
        if r.get("is_by_analogy"):
            extra.append("so sánh tương tự" if lang == "vi" else "by analogy")
        if r["target_year"] != r["benchmark_year"] and r["benchmark_year"] is not None:
            extra.append(f"{r['target_year']} {against} {r['benchmark_year']}")
        else:
            extra.append(str(r["target_year"]))
        items.append(f"{label} {r['value']} {against} {r['national']} ({', '.join(extra)})")
    return listed(items, sep="; ", limit=LISTED, lang=lang)


def verdict_findings(alignment: pl.DataFrame, *, verdicts: pl.DataFrame | None = None) -> list[Finding]:
    """One finding per verdict present, in the codebook's order: its label, how many targets and which (indicator,
    value against the national value, years); targets with no benchmark are counted with the reason."""
    codebook = verdicts if verdicts is not None else verdict_codebook()
    frame = _with_values(alignment)
    out = []
    for v in codebook.sort("display_order").iter_rows(named=True):
        rows = frame.filter(pl.col("verdict") == v["verdict"])
        if rows.is_empty():
            continue
        n = rows.height
        if v["verdict"] == "no_benchmark":
            names_vi = listed(rows["label_vi"].unique(maintain_order=True).to_list(), sep="; ", lang="vi")
            names_en = listed(rows["label_en"].unique(maintain_order=True).to_list(), sep="; ")
            out.append(Finding(v["verdict"], f"{v['label_vi']} ({n} mục tiêu): {names_vi}. {v['meaning_vi']}",
                               f"{v['label_en']} ({_n(n, 'target')}): {names_en}. {v['meaning_en']}"))
            continue
        out.append(Finding(v["verdict"], f"{v['label_vi']} ({n} mục tiêu): {_verdict_items(rows, 'vi')}.",
                           f"{v['label_en']} ({_n(n, 'target')}): {_verdict_items(rows, 'en')}."))
    return out


def verdict_summary(alignment: pl.DataFrame, *, verdicts: pl.DataFrame | None = None) -> Finding:
    """One sentence counting the targets of each verdict (those present), in the codebook's order."""
    codebook = (verdicts if verdicts is not None else verdict_codebook()).sort("display_order")
    counts = dict(alignment.group_by("verdict").len().iter_rows())
    present = [v for v in codebook.iter_rows(named=True) if counts.get(v["verdict"])]
    return Finding("verdicts", "So với chương trình quốc gia: " + "; ".join(
        f"{v['label_vi'].lower()} {counts[v['verdict']]}" for v in present) + ".",
        "Against the national programme: " + "; ".join(
        f"{v['label_en'].lower()} {counts[v['verdict']]}" for v in present) + ".")


def caveats(alignment: pl.DataFrame) -> list[Finding]:
    """What a reader must keep in mind when reading the verdicts: analogies, national wording seen only in English,
    parts of scopes, targets read other than word for word."""
    out = []
    analogy = alignment.filter(pl.col("is_by_analogy") & (pl.col("verdict") != "no_benchmark"))
    if analogy.height:
        out.append(Finding("caveat",
                           f"{analogy.height} so sánh là so sánh tương tự, không cùng một thước đo: tỷ lệ huyện của "
                           "tỉnh đặt cạnh tỷ lệ tỉnh của cả nước.",
                           f"{_n(analogy.height, 'comparison')} {'is' if analogy.height == 1 else 'are'} by analogy, "
                           "not the same measure: a province's share of districts beside the national share of "
                           "provinces."))
    english = alignment.filter(~pl.col("national_is_verified").fill_null(True) & (pl.col("verdict") != "no_benchmark"))
    if english.height:
        out.append(Finding("caveat",
                           f"{english.height} so sánh dựa trên câu chữ của mốc quốc gia mới chỉ thấy bằng tiếng Anh.",
                           f"{_n(english.height, 'comparison')} rest{'s' if english.height == 1 else ''} on national "
                           "wording seen only in English."))
    read = alignment.filter(pl.col("reading_note").is_not_null()) if "reading_note" in alignment.columns \
        else alignment.clear()
    if read.height:
        out.append(Finding("caveat",
                           f"{read.height} mục tiêu được đọc theo ghi chú của người biên tập (ví dụ một câu nêu hai "
                           "phạm vi): xem cột ghi chú trong bảng chi tiết.",
                           f"{_n(read.height, 'target')} {'is' if read.height == 1 else 'are'} read as the curator's "
                           "note explains (a sentence naming two scopes, say): see the note column in the detail "
                           "table."))
    return out


def province_findings(*, name_vi: str, successor_name_vi: str | None, plans: pl.DataFrame,
                      alignment: pl.DataFrame, positions: pl.DataFrame | None = None,
                      agencies: pl.DataFrame | None = None, n_tasks: int = 0, n_activities: int = 0,
                      verdicts: pl.DataFrame | None = None) -> list[Finding]:
    """The key findings of a province's report, in reading order: what it commits to, each verdict against the
    national programme, where it stands among the provinces (ranked indicators only), who leads its tasks, and
    the caveats that matter."""
    out = []
    merged_vi = (f" (từ 1/7/2025 thuộc tỉnh {successor_name_vi})" if successor_name_vi and successor_name_vi != name_vi
                 else "")
    merged_en = (f" (part of {successor_name_vi} since 1 July 2025)" if successor_name_vi
                 and successor_name_vi != name_vi else "")
    years = _years(alignment["target_year"].to_list())
    n_ind = alignment["indicator_code"].n_unique()
    if alignment.height:
        out.append(Finding("commitment",
                           f"{name_vi}{merged_vi} có {plans.height} kế hoạch trong cơ sở dữ liệu, đặt "
                           f"{alignment.height} mục tiêu định lượng trên {n_ind} chỉ tiêu, cho năm {years}.",
                           f"{name_vi}{merged_en} has {_n(plans.height, 'plan')} in the database, setting "
                           f"{_n(alignment.height, 'quantified target')} on {_n(n_ind, 'indicator')}, for {years}."))
    else:
        out.append(Finding("commitment", f"{name_vi}{merged_vi} có {plans.height} kế hoạch nhưng không đặt mục tiêu "
                           "định lượng nào.", f"{name_vi}{merged_en} has {_n(plans.height, 'plan')} but sets no "
                           "quantified target."))
    out += verdict_findings(alignment, verdicts=verdicts)
    if positions is not None and positions.height:
        ranked = positions.filter(pl.col("position").is_in(["highest", "joint_highest", "lowest", "joint_lowest"]))
        for code, vi_word, en_word in (("highest", "cao nhất", "highest"), ("lowest", "thấp nhất", "lowest")):
            hits = ranked.filter(pl.col("position").str.ends_with(code))
            if hits.height:
                vi = listed([f"{r['label_vi']} ({r['value']}, {r['target_year']})" for r in hits.iter_rows(named=True)],
                            sep="; ", lang="vi")
                en = listed([f"{r['label_en']} ({r['value']}, {r['target_year']})" for r in hits.iter_rows(named=True)],
                            sep="; ")
                out.append(Finding("position", f"So với các tỉnh khác có mục tiêu cùng năm, {name_vi} {vi_word} về: "
                                   f"{vi}.", f"Among provinces with a target for the same year, {name_vi} is the "
                                   f"{en_word} on: {en}."))
    if agencies is not None and agencies.height and n_tasks:
        top = (agencies.group_by("agency_code", "agency_name_vi", "agency_name_en").agg(pl.col("n_tasks").sum())
               .sort(["n_tasks", "agency_code"], descending=[True, False]).row(0, named=True))
        assigned = n_tasks - n_activities
        extra_vi = f" và nêu {n_activities} hoạt động không giao cơ quan nào" if n_activities else ""
        extra_en = f" and list {_n(n_activities, 'activity', 'activities')} that name no agency" if n_activities else ""
        out.append(Finding("tasks", f"Kế hoạch giao {assigned} nhiệm vụ cho cơ quan chủ trì{extra_vi}; cơ quan chủ trì "
                           f"nhiều nhất là {top['agency_name_vi']} ({top['n_tasks']}).",
                           f"The plans assign {_n(assigned, 'task')} to a lead agency{extra_en}; the agency leading "
                           f"the most is {top['agency_name_en']} ({top['n_tasks']})."))
    out += caveats(alignment)
    return out


def comparison_findings(alignment: pl.DataFrame, *, verdicts: pl.DataFrame | None = None,
                        brief: bool = False) -> list[Finding]:
    """The key findings across provinces: how many set how many targets, which indicators they share, each
    verdict (or with `brief`, one sentence counting them), and the caveats."""
    n_prov = alignment["province_slug"].n_unique()
    shared = shared_indicators(alignment)
    shared_vi = listed([f"{r['label_vi']} ({r['n_provinces']} tỉnh)" for r in shared.iter_rows(named=True)], sep="; ",
                       lang="vi")
    shared_en = listed([f"{r['label_en']} ({r['n_provinces']} provinces)" for r in shared.iter_rows(named=True)],
                       sep="; ")
    out = [Finding("commitment",
                   f"{n_prov} tỉnh đặt {alignment.height} mục tiêu định lượng trên "
                   f"{alignment['indicator_code'].n_unique()} chỉ tiêu; {shared.height} chỉ tiêu có từ hai tỉnh trở "
                   f"lên: {shared_vi or 'không có'}.",
                   f"{_n(n_prov, 'province')} set {_n(alignment.height, 'quantified target')} on "
                   f"{_n(alignment['indicator_code'].n_unique(), 'indicator')}; {shared.height} "
                   f"{'is' if shared.height == 1 else 'are'} shared by two provinces or more: {shared_en or 'none'}.")]
    if brief:
        return [*out, verdict_summary(alignment, verdicts=verdicts)]
    out += verdict_findings(alignment, verdicts=verdicts)
    out += caveats(alignment)
    return out


def province_headlines(alignment: pl.DataFrame, plans: pl.DataFrame) -> pl.DataFrame:
    """One row per province with a plan (Vietnamese order): slug, name, number of plans and targets, the count of
    each verdict, and a one-line headline in Vietnamese and English (for the index page)."""
    counts = verdict_counts(alignment, by="province_slug") if alignment.height else None
    rows = []
    codebook = verdict_codebook().sort("display_order")
    for slug, group in plans.group_by("province_slug", maintain_order=True):
        slug = slug[0]
        name = group["province_name_vi"][0]
        n_targets = alignment.filter(pl.col("province_slug") == slug).height
        c = counts.filter(pl.col("province_slug") == slug).row(0, named=True) if counts is not None and n_targets \
            else dict.fromkeys(VERDICTS, 0)
        parts_vi = [f"{c[v['verdict']]} {v['label_vi'].lower()}" for v in codebook.iter_rows(named=True)
                    if c.get(v["verdict"])]
        parts_en = [f"{c[v['verdict']]} {v['label_en'].lower()}" for v in codebook.iter_rows(named=True)
                    if c.get(v["verdict"])]
        start, end = group["period_start_year"].min(), group["period_end_year"].max()
        period = str(start) if start == end else f"{start}–{end}"
        rows.append({
            "province_slug": slug, "province_name_vi": name, "n_plans": group.height, "n_targets": n_targets,
            **{v: int(c.get(v, 0)) for v in VERDICTS},
            "headline_vi": f"{group.height} kế hoạch ({period}), {n_targets} mục tiêu định lượng"
                           + (f": {', '.join(parts_vi)}." if parts_vi else "."),
            "headline_en": f"{_n(group.height, 'plan')} ({period}), {_n(n_targets, 'quantified target')}"
                           + (f": {', '.join(parts_en)}." if parts_en else "."),
        })
    schema = {"province_slug": pl.String, "province_name_vi": pl.String, "n_plans": pl.Int64, "n_targets": pl.Int64,
              **dict.fromkeys(VERDICTS, pl.Int64), "headline_vi": pl.String, "headline_en": pl.String}
    return _in_order(pl.DataFrame(rows, schema=schema))


def undated_in_narrower_sections(tasks: pl.DataFrame) -> pl.DataFrame:
    """Tasks that print no year but sit under a heading naming other years than their plan's period (their timing
    is probably narrower than drawn)."""
    rows = []
    for r in tasks.filter(~pl.col("years_printed")).iter_rows(named=True):
        years = sorted(int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", r["section"] or ""))
        if years and (years[0], years[-1]) != (r["period_start_year"], r["period_end_year"]):
            rows.append(r)
    return pl.DataFrame(rows, schema=tasks.schema)


def data_quality_notes(*, plans: pl.DataFrame, alignment: pl.DataFrame, comparison: pl.DataFrame,
                       tasks: pl.DataFrame, qualitative: pl.DataFrame, province_slug: str) -> list[Finding]:
    """What a reader of one province's report should keep in mind beyond the verdicts' caveats: matrix cells that
    combine several targets, tasks without years or past the plan's period, details the documents do not print,
    and the objectives that set no number."""
    out = []
    combined = comparison.filter((pl.col("province_slug") == province_slug) & (pl.col("n_targets") > 1))
    for row in combined.head(LISTED).iter_rows(named=True):
        value = value_labels(pl.DataFrame([row]))[0]
        out.append(Finding("caveat", f"Bảng so sánh gộp {row['n_targets']} mục tiêu về {row['label_vi']} "
                           f"({row['target_year']}) vào một ô ({value}); phạm vi từng mục tiêu có trong bảng chi tiết.",
                           f"The matrix combines {row['n_targets']} targets on {row['label_en']} "
                           f"({row['target_year']}) into one cell ({value}); each target's scope is in the detail "
                           "table."))
    undated = tasks.filter(~pl.col("years_printed"))
    if undated.height:
        narrower = undated_in_narrower_sections(tasks)
        out.append(Finding("caveat",
                           f"{undated.height} nhiệm vụ không ghi năm, được vẽ theo giai đoạn của kế hoạch"
                           + (f"; {narrower.height} trong số đó nằm dưới một đề mục ghi năm khác, nên thời gian thực "
                              "có lẽ hẹp hơn." if narrower.height else "."),
                           f"{_n(undated.height, 'task')} print no year and are drawn over the plan's period"
                           + (f"; {narrower.height} of them sit under a heading naming other years, so their timing "
                              "is probably narrower." if narrower.height else ".")))
    beyond = tasks.filter(pl.col("end_year_effective") > pl.col("period_end_year"))
    if beyond.height:
        out.append(Finding("caveat", f"{beyond.height} nhiệm vụ kéo dài quá giai đoạn của kế hoạch (đến năm "
                           f"{beyond['end_year_effective'].max()}).", f"{_n(beyond.height, 'task')} run past the "
                           f"plan's period (to {beyond['end_year_effective'].max()})."))
    lines = plan_lines(plans)
    for plan, line in zip(plans.iter_rows(named=True), lines.iter_rows(named=True), strict=True):
        missing = [(vi, en) for key, vi, en in (("doc_number", "số văn bản", "number"),
                                                 ("issued_on", "ngày ban hành", "date of issue"),
                                                 ("signer", "người ký", "signer")) if plan.get(key) is None]
        if missing:
            out.append(Finding("caveat", f"{line['plan_vi']}: văn bản không ghi {', '.join(m[0] for m in missing)}.",
                               f"{line['plan_en']}: the text prints no {', '.join(m[1] for m in missing)}."))
    if qualitative.height:
        out.append(Finding("caveat", f"{qualitative.height} mục tiêu không đặt con số (liệt kê bên dưới); chúng không "
                           "có trong các so sánh.", f"{_n(qualitative.height, 'objective')} set no number (listed "
                           "below); they are not in the comparisons."))
    return out


# ------------------------------------------------------------------------------------------------ reports


@dataclass
class ProvinceReport:
    """What a province's report says, computed once: its name and successor since the 2025 merger, its plans in
    one line each, its targets beside the national values, its positions among the provinces, the key findings and
    the notes on the data."""

    name_vi: str
    successor_name_vi: str | None
    plans: pl.DataFrame  # load_plans rows with plan_vi, plan_en
    targets: pl.DataFrame  # alignment rows with value, national
    positions: pl.DataFrame
    findings: list[Finding]
    notes: list[Finding]


def province_report(profile, *, everyone: pl.DataFrame, verdicts: pl.DataFrame | None = None) -> ProvinceReport:
    """The report of one province from its `queries.province_profile` and every province's `alignment` rows."""
    place = profile.province.row(0, named=True)
    positions = province_positions(everyone, province_slug=place["province_slug"])
    plans = profile.plans.join(plan_lines(profile.plans), on="plan_id", how="left")
    found = province_findings(name_vi=place["name_vi"], successor_name_vi=place["successor_name_vi"],
                              plans=profile.plans, alignment=profile.targets, positions=positions,
                              agencies=profile.agencies, n_tasks=profile.tasks.height,
                              n_activities=profile.tasks.filter(pl.col("task_kind") == "activity").height
                              if "task_kind" in profile.tasks.columns else 0, verdicts=verdicts)
    notes = data_quality_notes(plans=profile.plans, alignment=profile.targets, comparison=profile.comparison,
                               tasks=profile.tasks, qualitative=profile.qualitative,
                               province_slug=place["province_slug"])
    return ProvinceReport(name_vi=place["name_vi"], successor_name_vi=place["successor_name_vi"], plans=plans,
                          targets=_with_values(profile.targets), positions=positions, findings=found, notes=notes)


def indicator_rows(alignment: pl.DataFrame, indicator_code: str, *, limit: int) -> tuple[pl.DataFrame, bool]:
    """One indicator's targets with value and national, or beyond `limit` rows its summary by province and
    milestone (`summarise_by_milestone`); and whether it was summarised."""
    rows = alignment.filter(pl.col("indicator_code") == indicator_code)
    if rows.height > limit:
        return summarise_by_milestone(rows), True
    return _with_values(rows), False
