"""Altair charts for comparing provinces' SXTD plans.

Every chart takes the library's frames (polars, or pandas), keeps Vietnamese names with their diacritics
(English beside them in the tooltips), orders provinces as Vietnamese does (DuckDB's ICU collation `vi`,
passed to Vega-Lite as an explicit `sort=` list) and carries provenance one hover away: the tooltips show
the sentence as printed and its source line (raw file:line_start-line_end).

Charts:  target_matrix_chart, indicator_range_chart, alignment_chart, plan_timeline_chart,
         agency_task_chart, task_timeline_chart, agency_network_chart.
The queries are in `queries`, the findings in `findings`, plain words for values in `formatting`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sxtd_analysis.offline import skip_slow_imports

skip_slow_imports()  # before altair, which imports jsonschema: ~1.2 s less per report kernel
import altair as alt  # noqa: E402
import polars as pl  # noqa: E402

from sxtd_analysis.formatting import (  # noqa: E402
    as_polars,
    milestone_marks,
    require_columns,
    sources,
    value_labels,
    vietnamese_sorted,
)
from sxtd_analysis.schema import VERDICTS  # noqa: E402

#: One fixed colour per verdict of the `target_alignment` view, the same in every chart.
VERDICT_COLOURS: dict[str, str] = {
    "stricter": "#1a9641",
    "equal": "#2b83ba",
    "interim": "#80cdc1",
    "weaker": "#d7191c",
    "partial_scope": "#8c6bb1",
    "overlapping": "#fdae61",
    "no_benchmark": "#bababa",
}
#: Legend labels of the verdicts, Vietnamese first.
VERDICT_LABELS: dict[str, str] = {
    "stricter": "Tham vọng hơn (stricter)",
    "equal": "Bằng mức quốc gia (equal)",
    "interim": "Bước trung gian (interim step)",
    "weaker": "Thấp hơn (weaker)",
    "partial_scope": "Một phần phạm vi (part of the scope)",
    "overlapping": "Chồng lấn (overlapping)",
    "no_benchmark": "Không có mốc so sánh (no benchmark)",
}
#: A cell of the alignment chart whose targets have different verdicts.
MIXED = "mixed"
MIXED_LABEL = "Nhiều kết luận (mixed)"
MIXED_COLOUR = "#c2a5cf"
PROGRAMME_COLOURS: dict[str, str] = {"76/QĐ-TTg": "#9ecae1", "889/QĐ-TTg": "#3182bd"}
YEARS_PRINTED = "năm ghi trong nhiệm vụ (years printed)"
YEARS_FROM_PLAN = "theo giai đoạn kế hoạch (no years printed)"
#: Tooltip values are cut by vega-tooltip after about 7 lines; longer texts are split over several rows.
TOOLTIP_CHUNK = 180
#: Rows a long text is split over; text beyond them is cut (it would not show) and counted, as "… (+N more)".
TOOLTIP_PARTS = 3
#: A cell's list of sources (raw_file:lines; ...), scopes or notes longer than this is cut the same way.
TOOLTIP_LIST = 240

_DARK_VERDICTS = ("stricter", "equal", "weaker")



def _text(frame: pl.DataFrame, column: str, default: str | None = "") -> pl.Expr:
    """A string column (nulls replaced by `default`), or the default where the frame lacks the column."""
    if column in frame.columns:
        text = pl.col(column).cast(pl.String)
        return text if default is None else text.fill_null(default)
    return pl.lit(default, dtype=pl.String)



def _bounded(text: str, limit: int, separator: str | None, noun: str) -> str:
    """`text` if it fits in `limit` characters, else what fits and "… (+N noun)".

    A text joined from several parts (quotes, sources) by `separator` is cut between parts: the parts shown
    are whole, and N counts those left out. A matrix cell at national scale joins hundreds of quotes: the
    tooltip could not show them (vega-tooltip cuts long values), and the chart would carry them all.
    """
    if len(text) <= limit:
        return text
    parts = text.split(separator) if separator else [text]
    if len(parts) > 1:
        kept: list[str] = []
        size = 0
        for part in parts:
            size += len(part) + (len(separator) if kept else 0)
            if kept and size > limit:
                break
            kept.append(part)
        if len(kept) < len(parts) and len(separator.join(kept)) <= limit:
            return f"{separator.join(kept)} … (+{len(parts) - len(kept)} {noun})"
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return f"{cut} … (+{len(text) - len(cut):,} ký tự / characters)"


def _chunks(text: str | None, width: int = TOOLTIP_CHUNK, max_parts: int = TOOLTIP_PARTS,
            separator: str | None = None, noun: str = "") -> list[str]:
    """`text` in at most `max_parts` rows of about `width` characters, each continued row marked with "…"."""
    if not text:
        return [""]
    text = _bounded(text, width * max_parts, separator, noun)
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]
    if len(lines) > max_parts:
        lines = [*lines[:max_parts - 1], " ".join(lines[max_parts - 1:])]
    return [("… " if i else "") + line + (" …" if i < len(lines) - 1 else "") for i, line in enumerate(lines)]


def _with_long_text(frame: pl.DataFrame, column: str, title: str, *, separator: str | None = None,
                    noun: str = "") -> tuple[pl.DataFrame, list[alt.Tooltip]]:
    """Split a long text column over `column__1`, `column__2`... and return the tooltips that show it.

    The column itself is dropped: the chart carries only what its tooltips show (see `_bounded`).
    """
    parts = ([_chunks(t, separator=separator, noun=noun) for t in frame[column].to_list()]
             if column in frame.columns else [])
    n = max((len(p) for p in parts), default=1)
    new = [pl.Series(f"{column}__{i + 1}", [p[i] if i < len(p) else "" for p in parts] or [""] * frame.height,
                     dtype=pl.String) for i in range(n)]
    tips = [alt.Tooltip(f"{column}__1:N", title=title)]
    tips += [alt.Tooltip(f"{column}__{i + 1}:N", title="… (tiếp / cont.)") for i in range(1, n)]
    return frame.with_columns(new).drop(column, strict=False), tips


#: the lists a chart cell joins (column: separator, what the parts are), cut by `_bounded_lists`
_CELL_LISTS = {
    "targets": ("; ", "mục tiêu khác / more targets"),
    "source": ("; ", "nguồn khác / more sources"),
    "scope_note": (" | ", "phạm vi khác / more scopes"),
    "verdict_note": (" | ", "ghi chú khác / more notes"),
}


def _bounded_lists(cells: pl.DataFrame) -> pl.DataFrame:
    """A cell's joined lists (`_CELL_LISTS`) cut as `_bounded` does beyond `TOOLTIP_LIST` characters."""
    return cells.with_columns(
        pl.Series(column, [_bounded(v, TOOLTIP_LIST, sep, noun) if v else v for v in cells[column].to_list()],
                  dtype=pl.String)
        for column, (sep, noun) in _CELL_LISTS.items() if column in cells.columns)


#: a cell's text names at most this many values; beyond, the first ones and how many more
CELL_VALUES = 3


def _cell_label(values: pl.Expr) -> pl.Expr:
    """Values joined by ' / ' (in an aggregation), or beyond `CELL_VALUES` the first ones and '… (+N)'."""
    shown = CELL_VALUES - 1
    return (pl.when(values.len() <= CELL_VALUES).then(values.str.join(" / "))
            .otherwise(values.head(shown).str.join(" / ") + pl.lit(" / … (+")
                       + (values.len() - shown).cast(pl.String) + pl.lit(")")))


def _province_order(frame: pl.DataFrame, sort: Sequence[str] | None, column: str = "province_name_vi"
                    ) -> list[str]:
    present = vietnamese_sorted(frame[column].to_list()) if column in frame.columns else []
    if sort is None:
        return present
    order = list(dict.fromkeys(sort))
    return order + [p for p in present if p not in order]


def _verdict_scale(present: Iterable[str]) -> tuple[list[str], list[str]]:
    present = set(present)
    codes = list(VERDICTS) + ([MIXED] if MIXED in present else [])
    labels = [VERDICT_LABELS.get(c, MIXED_LABEL) for c in codes]
    colours = [VERDICT_COLOURS.get(c, MIXED_COLOUR) for c in codes]
    return labels, colours


def _verdict_label(verdicts: pl.Expr) -> pl.Expr:
    return verdicts.replace_strict({**VERDICT_LABELS, MIXED: MIXED_LABEL}, default=verdicts,
                                   return_dtype=pl.String)


def _legend(title: str | None, **kwargs: Any) -> alt.Legend:
    return alt.Legend(title=title, orient="bottom", titleLimit=480, labelLimit=420, **kwargs)


def _year_axis(title: str | None = None) -> alt.Axis:
    return alt.Axis(format="d", tickMinStep=1, title=title, grid=True)


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start")


# ---------------------------------------------------------------------------------------------- charts


def target_matrix_chart(df: Any, *, sort: Sequence[str] | None = None, title: str | None = None
                        ) -> alt.LayerChart:
    """Heat map of the province x indicator matrix (frame of `api.target_matrix`).

    A cell holds each target year's value ('5–8% (2025)'), shaded by the level of the last year for
    percentages (grey for counts); it stays empty where the province set no target. Indicators that most
    provinces share come first. `sort` fixes the province columns (e.g. every province of the database).
    """
    m = as_polars(df)
    require_columns(m, "target_matrix_chart", ["province_name_vi", "indicator_code", "label_vi", "target_year",
                                         "value_low", "value_high", "unit"])
    m = m.sort(["province_name_vi", "indicator_code", "target_year"])
    n_targets = pl.col("n_targets") if "n_targets" in m.columns else pl.lit(1)
    m = m.with_columns(value_text=value_labels(m), source=sources(m)).with_columns(
        year_text=pl.col("target_year").cast(pl.String),
        n_targets=n_targets,
        level=pl.when(pl.col("unit") == "percent").then((pl.col("value_low") + pl.col("value_high")) / 2),
        label_en=_text(m, "label_en"), scope_note=_text(m, "scope_note"), quote=_text(m, "quote"),
    ).with_columns(
        cell_line=pl.col("value_text") + pl.when(pl.col("n_targets") > 1)
        .then(pl.lit(" ×") + pl.col("n_targets").cast(pl.String)).otherwise(pl.lit(""))
        + pl.lit(" (") + pl.col("year_text") + pl.lit(")"),
        target_line=pl.col("value_text") + pl.lit(" (") + pl.col("year_text")
        + pl.when(pl.col("n_targets") > 1).then(pl.lit(", ") + pl.col("n_targets").cast(pl.String)
                                                 + pl.lit(" mục tiêu/targets")).otherwise(pl.lit(""))
        + pl.lit(")"),
        quote_line=pl.col("year_text") + pl.lit(": ") + pl.col("quote"),
    )
    cells = m.group_by(["province_name_vi", "indicator_code"], maintain_order=True).agg(
        pl.col("label_vi").first(), pl.col("label_en").first(), pl.col("unit").first(),
        pl.col("cell_line").str.join("\n").alias("label"),
        pl.col("target_line").str.join("; ").alias("targets"),
        pl.col("level").last(),
        pl.col("target_year").cast(pl.String).str.join(", ").alias("years"),
        pl.col("scope_note").filter(pl.col("scope_note") != "").unique(maintain_order=True)
        .str.join(" | ").alias("scope_note"),
        pl.col("quote_line").str.join(" | ").alias("quote"),
        pl.col("source").str.join("; ").alias("source"),
        pl.len().alias("n_years"),
    )
    cells, quote_tips = _with_long_text(cells, "quote", "Trích dẫn (quote)", separator=" | ",
                                        noun="trích dẫn khác / more quotes")
    cells = _bounded_lists(cells)
    provinces = _province_order(cells, sort)
    shared = dict(cells.group_by("label_vi").len().iter_rows())
    alphabet = vietnamese_sorted(cells["label_vi"].to_list())
    indicators = sorted(alphabet, key=lambda label: (-shared[label], alphabet.index(label)))
    lines = max(cells["n_years"].max() or 1, 1)
    base = alt.Chart(cells).encode(
        x=alt.X("province_name_vi:N", sort=provinces, scale=alt.Scale(domain=provinces), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", bandPosition=0, grid=True,
                              ticks=False, domain=False)),
        y=alt.Y("label_vi:N", sort=indicators, scale=alt.Scale(domain=indicators), title=None,
                axis=alt.Axis(labelLimit=400, bandPosition=0, grid=True, ticks=False, domain=False)),
        tooltip=[alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
                 alt.Tooltip("label_vi:N", title="Chỉ tiêu"),
                 alt.Tooltip("label_en:N", title="Indicator"),
                 alt.Tooltip("targets:N", title="Mục tiêu (target)"),
                 alt.Tooltip("scope_note:N", title="Phạm vi (scope)"),
                 *quote_tips,
                 alt.Tooltip("source:N", title="Nguồn (source)")],
    )
    percent = base.transform_filter("datum.unit == 'percent'").mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("level:Q", scale=alt.Scale(scheme="blues", domain=[0, 100]),
                        legend=_legend("Mức mục tiêu (% target)")))
    other = base.transform_filter("datum.unit != 'percent'").mark_rect(
        stroke="white", strokeWidth=2, color="#e3e3e3")
    text = base.mark_text(lineBreak="\n", fontSize=10).encode(
        text="label:N",
        color=alt.condition("datum.level > 60", alt.value("white"), alt.value("#222222")))
    return alt.layer(percent, other, text).properties(
        width=alt.Step(118), height=alt.Step(18 + 14 * lines),
        title=_title(title or "Mục tiêu của các tỉnh theo chỉ tiêu (targets by province and indicator)",
                     "Ô trống: tỉnh không đặt mục tiêu (empty: no target set). Di chuột để xem trích dẫn "
                     "và dòng nguồn (hover for the quote and its source line)."),
    )


def _row_labels(frame: pl.DataFrame, provinces: Sequence[str]) -> tuple[pl.DataFrame, list[str]]:
    """'Hà Tĩnh · 2025' per target (the target id's tail added where one province has two that year)."""
    rank = {p: i for i, p in enumerate(provinces)}
    frame = frame.with_columns(
        row=pl.col("province_name_vi") + pl.lit(" · ") + pl.col("target_year").cast(pl.String),
        _rank=pl.col("province_name_vi").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
    )
    dup = frame["row"].is_duplicated()
    if dup.any() and "target_id" in frame.columns:
        tail = frame["target_id"].str.split("/").list.last()
        frame = frame.with_columns(row=pl.when(dup).then(pl.col("row") + pl.lit(" · ") + tail)
                                   .otherwise(pl.col("row")))
    keys = ["_rank", "target_year"] + (["target_id"] if "target_id" in frame.columns else [])
    order = list(dict.fromkeys(frame.sort(keys)["row"].to_list()))
    return frame.drop("_rank"), order


def indicator_range_chart(df: Any, indicator: str | None = None, *, sort: Sequence[str] | None = None,
                          title: str | None = None) -> alt.LayerChart:
    """Each province's target for one indicator as a bar from value_low to value_high, beside the national
    benchmark drawn as a rule (a shaded band for a range), one per milestone.

    `df` is a frame of `api.targets_for_indicator`/`api.alignment`/`load_targets` (bars coloured by verdict)
    or of `api.target_matrix` (no verdict, no benchmark). A benchmark on another scale (the national count
    of models is for the whole country) is drawn dashed and marked as not comparable.
    """
    t = as_polars(df)
    require_columns(t, "indicator_range_chart", ["indicator_code", "province_name_vi", "target_year", "value_low",
                                           "value_high"])
    if indicator is not None:
        t = t.filter(pl.col("indicator_code") == indicator)
    codes = t["indicator_code"].unique().to_list()
    if t.is_empty():
        raise ValueError(f"no targets for indicator {indicator!r}")
    if len(codes) > 1:
        raise ValueError(f"the frame holds several indicators ({', '.join(sorted(codes))}); pass indicator=")
    provinces = _province_order(t, sort)
    t = t.with_columns(value_text=value_labels(t), source=sources(t),
                       label_vi=_text(t, "label_vi", codes[0]), label_en=_text(t, "label_en"),
                       unit=_text(t, "unit"), scope_note=_text(t, "scope_note"), quote=_text(t, "quote"),
                       verdict_note=_text(t, "verdict_note"))
    has_verdict = "verdict" in t.columns
    has_national = "national_value_low" in t.columns
    if has_national:
        t = t.with_columns(national_text=value_labels(t, "national_value_low", "national_value_high", "unit",
                                                 "national_comparator"))
    else:
        t = t.with_columns(national_text=pl.lit("—"))
    t = t.with_columns(verdict_label=_verdict_label(pl.col("verdict")) if has_verdict else pl.lit("—"))
    t, order = _row_labels(t, provinces)
    t, quote_tips = _with_long_text(t, "quote", "Trích dẫn (quote)")
    unit = t["unit"][0]
    label_vi, label_en = t["label_vi"][0], t["label_en"][0]
    x_title = f"{label_vi} ({'%' if unit == 'percent' else unit})"
    y = alt.Y("row:N", sort=order, scale=alt.Scale(domain=order), title=None, axis=alt.Axis(labelLimit=240))
    tips = [alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
            alt.Tooltip("target_year:O", title="Năm mục tiêu (target year)"),
            alt.Tooltip("value_text:N", title="Mục tiêu tỉnh (province)"),
            alt.Tooltip("national_text:N", title="Mốc quốc gia (national)"),
            alt.Tooltip("verdict_label:N", title="Kết luận (verdict)"),
            alt.Tooltip("verdict_note:N", title="Ghi chú (note)"),
            alt.Tooltip("scope_note:N", title="Phạm vi (scope)"),
            *quote_tips,
            alt.Tooltip("source:N", title="Nguồn (source)")]
    if has_verdict:
        labels, colours = _verdict_scale(t["verdict"].to_list())
        colour = alt.Color("verdict_label:N", scale=alt.Scale(domain=labels, range=colours),
                           legend=_legend("So với mốc quốc gia (vs national)", columns=3))
    else:
        colour = alt.value("#3182bd")
    numbers = [v for c in ("value_low", "value_high", "national_value_low", "national_value_high")
               if c in t.columns for v in t[c].to_list() if v is not None]
    low, high = min(numbers), max(numbers) or 1.0
    bars = alt.Chart(t).mark_rule(strokeWidth=12, strokeCap="round").encode(
        x=alt.X("value_low:Q", title=x_title, scale=alt.Scale(domain=[min(0.0, low), high * 1.12], nice=False)),
        x2="value_high:Q",
        y=y, color=colour, tooltip=tips)
    values = alt.Chart(t).mark_text(align="left", dx=12, fontSize=11).encode(
        x="value_high:Q", y=y, text="value_text:N", tooltip=tips)
    layers: list[alt.Chart] = []
    if has_national:
        bench = _benchmarks(t)
        if not bench.is_empty():
            btips = [alt.Tooltip("bench_label:N", title="Mốc quốc gia (national benchmark)"),
                     alt.Tooltip("national_quote:N", title="Văn bản quốc gia (national wording)"),
                     alt.Tooltip("verified:N", title="Đã đối chiếu tiếng Việt (Vietnamese seen)")]
            band = alt.Chart(bench).mark_rect(opacity=0.12, color="#555555").encode(
                x="national_value_low:Q", x2="national_value_high:Q", tooltip=btips)
            edges = bench.unpivot(index=[c for c in bench.columns if c not in ("national_value_low",
                                                                               "national_value_high")],
                                  on=["national_value_low", "national_value_high"], value_name="edge"
                                  ).unique(["bench_label", "edge"], maintain_order=True)
            dash = alt.StrokeDash("bench_label:N",
                                  scale=alt.Scale(domain=bench["bench_label"].to_list(),
                                                  range=bench["dash"].to_list()),
                                  legend=_legend("Mốc quốc gia (national benchmark)", direction="vertical"))
            rules = alt.Chart(edges).mark_rule(color="#333333", strokeWidth=2).encode(
                x="edge:Q", strokeDash=dash, tooltip=btips)
            notes = alt.Chart(bench).mark_text(align="left", baseline="bottom", dx=3, fontSize=10,
                                               color="#333333").encode(
                x="national_value_high:Q", y=alt.Y("label_y:Q", scale=None), text="short_label:N",
                tooltip=btips)
            layers = [band, rules, notes]
    return alt.layer(*layers, bars, values).properties(
        width=460, height=alt.Step(26),
        title=_title(title or f"{label_vi} — {label_en}",
                     "Thanh: mục tiêu của tỉnh; vạch: mốc quốc gia (bar: province target; rule: national "
                     "benchmark)."),
    )


def _benchmarks(t: pl.DataFrame) -> pl.DataFrame:
    """Distinct national benchmarks of the rows, labelled, with their dash and comparability."""
    comparable = (pl.col("verdict") != "no_benchmark") if "verdict" in t.columns else pl.lit(True)
    bench = (t.filter(pl.col("national_value_low").is_not_null())
             .with_columns(comparable=comparable,
                           programme=_text(t, "benchmark_programme"),
                           year=pl.col("benchmark_year").cast(pl.String) if "benchmark_year" in t.columns
                           else pl.lit(""),
                           national_quote=_text(t, "national_quote"),
                           verified=_text(t, "national_is_verified"))
             .group_by(["programme", "year", "national_value_low", "national_value_high"], maintain_order=True)
             .agg(pl.col("national_text").first(), pl.col("national_quote").first(),
                  pl.col("verified").first(), pl.col("comparable").any()))
    if bench.is_empty():
        return bench
    bench = bench.sort("year").with_columns(
        short_label=pl.lit("QG ") + pl.col("year") + pl.lit(": ") + pl.col("national_text"),
        bench_label=pl.lit("Quốc gia ") + pl.col("year") + pl.lit(" (") + pl.col("programme") + pl.lit("): ")
        + pl.col("national_text")
        + pl.when(pl.col("comparable")).then(pl.lit("")).otherwise(pl.lit(" — không cùng thang đo (not "
                                                                          "comparable)")),
    )
    # the first comparable benchmark solid, later ones dashed, one on another scale dotted
    dashes: list[list[int]] = []
    for comparable_here in bench["comparable"].to_list():
        solid_taken = [1, 0] in dashes
        dashes.append([2, 3] if not comparable_here else [6, 3] if solid_taken else [1, 0])
    return bench.with_columns(dash=pl.Series(dashes, dtype=pl.List(pl.Int64)),
                              label_y=pl.Series([-2 - 12 * i for i in range(bench.height)], dtype=pl.Int64))


def alignment_chart(df: Any, *, sort: Sequence[str] | None = None, title: str | None = None
                    ) -> alt.LayerChart:
    """Verdict grid: provinces across, indicator x national milestone down, one fixed colour per verdict.

    `df` is a frame of `api.alignment`/`api.targets_for_indicator`/`load_targets`. A cell shows the
    province's value(s); a cell whose targets reach different verdicts is marked 'mixed'.
    """
    a = as_polars(df)
    require_columns(a, "alignment_chart", ["province_name_vi", "indicator_code", "label_vi", "target_year",
                                     "value_low", "value_high", "verdict"])
    provinces = _province_order(a, sort)
    milestone = (pl.col("benchmark_year") if "benchmark_year" in a.columns else pl.lit(None)).cast(pl.String)
    a = a.with_columns(value_text=value_labels(a), source=sources(a), label_en=_text(a, "label_en"),
                       quote=_text(a, "quote"), verdict_note=_text(a, "verdict_note"),
                       national_text=value_labels(a, "national_value_low", "national_value_high", "unit",
                                             "national_comparator")
                       if "national_value_low" in a.columns else pl.lit("—"))
    a = a.with_columns(
        row=pl.col("label_vi") + pl.lit(" · mốc ") + pl.coalesce(milestone, pl.lit("—")),
        _milestone=pl.coalesce(milestone, pl.col("target_year").cast(pl.String)),
        target_line=pl.col("value_text") + pl.lit(" (") + pl.col("target_year").cast(pl.String) + pl.lit(")"),
    )
    cells = a.sort(["province_name_vi", "row", "target_year"]).group_by(
        ["province_name_vi", "row"], maintain_order=True).agg(
        pl.col("label_vi").first(), pl.col("label_en").first(), pl.col("_milestone").first(),
        pl.col("verdict").unique(maintain_order=True).alias("verdicts"),
        _cell_label(pl.col("value_text")).alias("label"),
        pl.col("target_year").cast(pl.String).unique(maintain_order=True).str.join(", ").alias("_years"),
        pl.col("target_line").str.join("; ").alias("targets"),
        pl.col("national_text").unique(maintain_order=True).str.join(" / ").alias("national_text"),
        pl.col("verdict_note").unique(maintain_order=True).str.join(" | ").alias("verdict_note"),
        pl.col("quote").str.join(" | ").alias("quote"),
        pl.col("source").str.join("; ").alias("source"),
    ).with_columns(verdict=pl.when(pl.col("verdicts").list.len() == 1).then(pl.col("verdicts").list.first())
                   .otherwise(pl.lit(MIXED))).drop("verdicts")
    cells = cells.with_columns(
        verdict_label=_verdict_label(pl.col("verdict")),
        label=pl.when(pl.col("_years") == pl.col("_milestone")).then(pl.col("label"))
        .otherwise(pl.col("label") + pl.lit(" (") + pl.col("_years") + pl.lit(")")),
    ).drop("_years")
    cells, quote_tips = _with_long_text(cells, "quote", "Trích dẫn (quote)", separator=" | ",
                                        noun="trích dẫn khác / more quotes")
    cells = _bounded_lists(cells)
    alphabet = vietnamese_sorted(cells["label_vi"].to_list())
    shared = dict(cells.group_by("label_vi").agg(pl.col("province_name_vi").n_unique()).iter_rows())
    rank = {label: (-shared[label], i) for i, label in enumerate(alphabet)}
    rows = [r for _, _, r in sorted((rank[label], m or "", r) for label, m, r in
                                    cells.select("label_vi", "_milestone", "row").unique().iter_rows())]
    labels, colours = _verdict_scale(cells["verdict"].to_list())
    base = alt.Chart(cells).encode(
        x=alt.X("province_name_vi:N", sort=provinces, scale=alt.Scale(domain=provinces), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", ticks=False, domain=False)),
        y=alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), title=None,
                axis=alt.Axis(labelLimit=440, ticks=False, domain=False)),
        tooltip=[alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
                 alt.Tooltip("label_vi:N", title="Chỉ tiêu"),
                 alt.Tooltip("label_en:N", title="Indicator"),
                 alt.Tooltip("targets:N", title="Mục tiêu tỉnh (province)"),
                 alt.Tooltip("national_text:N", title="Mốc quốc gia (national)"),
                 alt.Tooltip("verdict_label:N", title="Kết luận (verdict)"),
                 alt.Tooltip("verdict_note:N", title="Ghi chú (note)"),
                 *quote_tips,
                 alt.Tooltip("source:N", title="Nguồn (source)")],
    )
    rects = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("verdict_label:N", scale=alt.Scale(domain=labels, range=colours),
                        legend=_legend("So với mốc quốc gia (vs national)", columns=3)))
    dark = " || ".join(f"datum.verdict == '{v}'" for v in _DARK_VERDICTS)
    text = base.mark_text(fontSize=10).encode(
        text="label:N", color=alt.condition(dark, alt.value("white"), alt.value("#222222")))
    return alt.layer(rects, text).properties(
        width=alt.Step(118), height=alt.Step(24),
        title=_title(title or "Mục tiêu tỉnh so với mốc quốc gia (provincial targets vs national benchmarks)",
                     "Mỗi dòng: chỉ tiêu và mốc quốc gia dùng để so sánh (row: indicator and the national "
                     "milestone compared with)."),
    )


def plan_timeline_chart(plans: Any, targets: Any = None, *, sort: Sequence[str] | None = None,
                        milestones: Mapping[int, str] | None = None, title: str | None = None
                        ) -> alt.LayerChart:
    """Each province's plan period as a bar (issue date ▼, vision year dashed), its target years as
    diamonds (sized by the number of targets) and the national milestones as vertical rules.

    `plans`: a frame of `load_plans` (or `ProvinceProfile.plans`); `targets`: optional frame with
    `province_name_vi`, `target_year` (and `plan_id`, `label_vi`), e.g. of `api.alignment`.
    """
    p = as_polars(plans)
    require_columns(p, "plan_timeline_chart", ["province_name_vi", "plan_id", "period_start_year", "period_end_year"])
    if "vision_year" not in p.columns:
        p = p.with_columns(vision_year=pl.lit(None, dtype=pl.Int32))
    provinces = _province_order(p, sort)
    rank = {name: i for i, name in enumerate(provinces)}
    several = p["province_name_vi"].is_duplicated()
    p = p.with_columns(
        row=pl.when(several).then(pl.col("province_name_vi") + pl.lit(" · ")
                                  + pl.coalesce(_text(p, "doc_number", None), pl.col("plan_id")))
        .otherwise(pl.col("province_name_vi")),
        x0=pl.col("period_start_year") - 0.45, x1=pl.col("period_end_year") + 0.45,
        period=pl.when(pl.col("period_start_year") == pl.col("period_end_year"))
        .then(pl.col("period_start_year").cast(pl.String))
        .otherwise(pl.col("period_start_year").cast(pl.String) + pl.lit("–")
                   + pl.col("period_end_year").cast(pl.String)),
        doc_number=_text(p, "doc_number", "(không số / unnumbered)"), title_vi=_text(p, "title_vi"),
        programme=_text(p, "programme"), raw_file=_text(p, "raw_file"),
        successor=_text(p, "successor_name_vi"),
        vision=_text(p, "vision_year", "—"),
        _rank=pl.col("province_name_vi").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
    )
    issued = p["issued_on"].to_list() if "issued_on" in p.columns else [None] * p.height
    p = p.with_columns(
        issued=pl.Series([d.isoformat() if isinstance(d, date) else (d or "chưa ghi (not printed)")
                          for d in issued], dtype=pl.String),
        issued_x=pl.Series([_year_fraction(d) for d in issued], dtype=pl.Float64))
    rows = list(dict.fromkeys(p.sort(["_rank", "period_start_year"])["row"]))
    y = alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), title=None, axis=alt.Axis(labelLimit=220))
    tips = [alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
            alt.Tooltip("doc_number:N", title="Số văn bản (number)"),
            alt.Tooltip("title_vi:N", title="Tên kế hoạch (title)"),
            alt.Tooltip("issued:N", title="Ngày ban hành (issued)"),
            alt.Tooltip("period:N", title="Giai đoạn (period)"),
            alt.Tooltip("vision:N", title="Tầm nhìn (vision)"),
            alt.Tooltip("programme:N", title="Chương trình quốc gia (programme)"),
            alt.Tooltip("successor:N", title="Thuộc tỉnh từ 2025 (since 2025)"),
            alt.Tooltip("raw_file:N", title="Tệp gốc (raw file)")]
    vision = p.filter(pl.col("vision_year").is_not_null() & (pl.col("vision_year") > pl.col("period_end_year")))
    points = _target_years(as_polars(targets), p) if targets is not None else None
    xs = [x for x in p["x0"].to_list() + p["x1"].to_list() + p["issued_x"].to_list()
          + vision["vision_year"].to_list() + ([] if points is None else points["target_year"].to_list())
          if x is not None]
    lo, hi = (min(xs) - 0.6, max(xs) + 0.6) if xs else (2018.5, 2030.5)
    programmes = [k for k in PROGRAMME_COLOURS if k in set(p["programme"].to_list())]
    programmes += sorted(set(p["programme"].to_list()) - set(programmes))
    bars = alt.Chart(p).mark_bar(height=16, cornerRadius=3).encode(
        x=alt.X("x0:Q", axis=_year_axis("Năm (year)"), scale=alt.Scale(domain=[lo, hi], nice=False, zero=False)),
        x2="x1:Q", y=y,
        color=alt.Color("programme:N", scale=alt.Scale(domain=programmes,
                                                       range=[PROGRAMME_COLOURS.get(k, "#888888")
                                                              for k in programmes]),
                        legend=_legend("Chương trình quốc gia (national programme)")),
        tooltip=tips)
    labels = alt.Chart(p).mark_text(align="left", baseline="top", dy=10, fontSize=10, color="#222222").encode(
        x="x0:Q", y=y, text="period:N", tooltip=tips)
    layers: list[Any] = [bars, labels]
    if not vision.is_empty():
        layers.append(alt.Chart(vision).mark_rule(strokeDash=[4, 3], color="#3182bd", strokeWidth=2).encode(
            x="x1:Q", x2="vision_year:Q", y=y, tooltip=tips))
    issued_rows = p.filter(pl.col("issued_x").is_not_null())
    if not issued_rows.is_empty():
        layers.append(alt.Chart(issued_rows).mark_point(shape="triangle-down", filled=True, size=90,
                                                        color="#de2d26", yOffset=-12).encode(
            x="issued_x:Q", y=y, tooltip=tips))
    if points is not None and not points.is_empty():
        layers.append(alt.Chart(points).mark_point(shape="diamond", filled=True, color="#111111",
                                                   opacity=0.85).encode(
            x="target_year:Q", y=y,
            size=alt.Size("n_targets:Q", scale=alt.Scale(range=[60, 260], zero=False),
                          legend=_legend("Số mục tiêu (targets)",
                                         values=sorted({1, int(points["n_targets"].max())}))),
            tooltip=[alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
                     alt.Tooltip("target_year:Q", title="Năm mục tiêu (target year)", format="d"),
                     alt.Tooltip("n_targets:Q", title="Số mục tiêu (targets)"),
                     alt.Tooltip("indicators:N", title="Chỉ tiêu (indicators)")]))
    marks = dict(milestone_marks() if milestones is None else milestones)
    ms = pl.DataFrame({"year": list(marks), "programme": list(marks.values())},
                      schema={"year": pl.Int64, "programme": pl.String}).filter(
        (pl.col("year") >= lo) & (pl.col("year") <= hi)).with_columns(
        label=pl.lit("mốc ") + pl.col("year").cast(pl.String) + pl.lit(" · ") + pl.col("programme"))
    if not ms.is_empty():
        mtips = [alt.Tooltip("label:N", title="Mốc quốc gia (national milestone)")]
        layers.insert(0, alt.Chart(ms).mark_rule(strokeDash=[2, 2], color="#999999").encode(
            x="year:Q", tooltip=mtips))
        layers.append(alt.Chart(ms).mark_text(baseline="bottom", dy=-2, fontSize=9, color="#666666").encode(
            x="year:Q", y=alt.value(0), text="label:N", tooltip=mtips))
    return alt.layer(*layers).properties(
        width=520, height=alt.Step(44),
        title=_title(title or "Giai đoạn kế hoạch và năm mục tiêu (plan periods and target years)",
                     "Thanh: giai đoạn; ▼ ngày ban hành; ◆ năm mục tiêu; vạch đứt: mốc quốc gia (bar: period; "
                     "▼ issued; ◆ target years; dashed: national milestones)."),
    )


def _year_fraction(d: Any) -> float | None:
    """A date as a position on the year axis, where year Y spans Y-0.5 to Y+0.5."""
    if not isinstance(d, date):
        return None
    start = date(d.year, 1, 1)
    days = (date(d.year + 1, 1, 1) - start).days
    return d.year - 0.5 + ((d - start).days + 0.5) / days


def _target_years(t: pl.DataFrame, plans: pl.DataFrame) -> pl.DataFrame:
    require_columns(t, "the targets of plan_timeline_chart", ["province_name_vi", "target_year"])
    label = _text(t, "label_vi", "") if "label_vi" in t.columns else _text(t, "indicator_code")
    n = pl.col("n_targets") if "n_targets" in t.columns else pl.lit(1)
    t = t.with_columns(_label=label, _n=n)
    if "plan_id" in t.columns:
        keys = plans.select("plan_id", "row")
        t = t.join(keys, on="plan_id", how="left")
    else:
        keys = plans.group_by("province_name_vi").agg(pl.col("row").first())
        t = t.join(keys, on="province_name_vi", how="left")
    return (t.filter(pl.col("row").is_not_null())
            .group_by(["row", "province_name_vi", "target_year"], maintain_order=True)
            .agg(pl.col("_n").sum().alias("n_targets"),
                 pl.col("_label").unique(maintain_order=True).str.join("; ").alias("indicators")))


def _per_agency_and_province(a: pl.DataFrame) -> pl.DataFrame:
    """tasks_by_agency rows (one per agency and plan) summed to one per agency and province, where a province
    has several plans: a bar segment per plan would be thousands of marks at national scale."""
    require_columns(a, "agency_task_chart", ["agency_name_vi", "province_name_vi", "n_tasks"])
    if not a.select(pl.struct("agency_name_vi", "province_name_vi").is_duplicated().any()).item():
        return a
    present = set(a.columns)
    sums = [c for c in ("n_tasks", "n_tasks_as_co_lead", "n_partner_links", "n_recurring_tasks") if c in present]
    firsts = [c for c in ("agency_code", "agency_name_en", "agency_kind", "province_slug") if c in present]
    out = a.group_by("agency_name_vi", "province_name_vi", maintain_order=True).agg(
        pl.col(sums).sum(), pl.col(firsts).first(),
        *([pl.col("first_year").min()] if "first_year" in present else []),
        *([pl.col("last_year").max()] if "last_year" in present else []),
        *([pl.col("plan_id").unique(maintain_order=True).alias("_plans")] if "plan_id" in present else []))
    if "_plans" in out.columns:
        out = out.with_columns(plan_id=pl.when(pl.col("_plans").list.len() == 1).then(pl.col("_plans").list.first())
                               .otherwise(pl.col("_plans").list.len().cast(pl.String) + pl.lit(" kế hoạch (plans)"))
                               ).drop("_plans")
    if {"n_partner_links", "n_tasks"} <= present and "avg_partners_per_task" in present:
        out = out.with_columns(avg_partners_per_task=(pl.col("n_partner_links") / pl.col("n_tasks")).round(2))
    return out


def agency_task_chart(df: Any, *, sort: Sequence[str] | None = None, top: int | None = None,
                      title: str | None = None) -> alt.LayerChart:
    """Tasks per leading agency (frame of `api.tasks_by_agency`), stacked by province, most tasks first."""
    a = _per_agency_and_province(as_polars(df))
    provinces = _province_order(a, sort)
    a = a.with_columns(agency_name_en=_text(a, "agency_name_en"), plan_id=_text(a, "plan_id"),
                       years=_text(a, "first_year") + pl.lit("–") + _text(a, "last_year"),
                       province_rank=pl.col("province_name_vi").replace_strict(
                           {p: i for i, p in enumerate(provinces)}, default=len(provinces),
                           return_dtype=pl.Int64))
    totals = a.group_by("agency_name_vi").agg(pl.col("n_tasks").sum().alias("total"),
                                              pl.col("agency_name_en").first())
    alphabet = vietnamese_sorted(totals["agency_name_vi"].to_list())
    totals = totals.with_columns(_i=pl.col("agency_name_vi").replace_strict(
        {n: i for i, n in enumerate(alphabet)}, return_dtype=pl.Int64)).sort(["total", "_i"],
                                                                              descending=[True, False])
    if top is not None:
        totals = totals.head(top)
        a = a.filter(pl.col("agency_name_vi").is_in(totals["agency_name_vi"].to_list()))
    agencies = totals["agency_name_vi"].to_list()
    y = alt.Y("agency_name_vi:N", sort=agencies, scale=alt.Scale(domain=agencies), title=None,
              axis=alt.Axis(labelLimit=300))
    optional = [("n_tasks_as_co_lead", "Trong đó đồng chủ trì (as co-lead)"),
                ("n_partner_links", "Lượt cơ quan phối hợp (partner links)"),
                ("avg_partners_per_task", "Phối hợp bình quân (partners per task)")]
    bars = alt.Chart(a).mark_bar().encode(
        x=alt.X("sum(n_tasks):Q", title="Số nhiệm vụ chủ trì (tasks led)", axis=alt.Axis(tickMinStep=1)),
        y=y,
        color=alt.Color("province_name_vi:N", sort=provinces, scale=alt.Scale(domain=provinces,
                                                                             scheme="tableau10"),
                        legend=_legend("Tỉnh (province)")),
        order=alt.Order("province_rank:Q"),
        tooltip=[alt.Tooltip("agency_name_vi:N", title="Cơ quan"),
                 alt.Tooltip("agency_name_en:N", title="Agency"),
                 alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
                 alt.Tooltip("plan_id:N", title="Kế hoạch (plan)"),
                 alt.Tooltip("n_tasks:Q", title="Số nhiệm vụ chủ trì (tasks led)"),
                 *[alt.Tooltip(f"{c}:Q", title=t) for c, t in optional if c in a.columns],
                 alt.Tooltip("years:N", title="Năm (years)")])
    totals_text = alt.Chart(totals).mark_text(align="left", dx=4, fontSize=10).encode(
        x="total:Q", y=y, text="total:Q",
        tooltip=[alt.Tooltip("agency_name_vi:N", title="Cơ quan"), alt.Tooltip("agency_name_en:N", title="Agency"),
                 alt.Tooltip("total:Q", title="Tổng (total)")])
    return alt.layer(bars, totals_text).properties(
        width=420, height=alt.Step(20),
        title=_title(title or "Nhiệm vụ theo cơ quan chủ trì (tasks per lead agency)",
                     "Đồng chủ trì được tính cho mỗi cơ quan (co-leads count for each)."),
    )


def task_timeline_chart(df: Any, plans: Any = None, *, sort: Sequence[str] | None = None,
                        title: str | None = None, width: int = 440) -> alt.FacetChart:
    """Gantt chart of tasks, start to end year, one panel per lead agency (most tasks first).

    `df`: a frame of `load_tasks` (or `ProvinceProfile.tasks` with `plans` to give the plan periods). A task
    whose row prints no year is drawn over its plan's period, faded and starred (*), and says so in its tooltip.
    """
    t = as_polars(df)
    require_columns(t, "task_timeline_chart", ["task_id", "plan_id", "start_year", "end_year"])
    if "period_start_year" not in t.columns or "raw_file" not in t.columns or "province_name_vi" not in t.columns:
        if plans is None:
            raise ValueError("task_timeline_chart needs the plan periods: pass a frame of load_tasks, "
                             "or plans= (a frame of load_plans)")
        extra = as_polars(plans).select([c for c in ("plan_id", "period_start_year", "period_end_year",
                                                     "raw_file", "province_name_vi")
                                         if c not in t.columns or c == "plan_id"])
        t = t.join(extra, on="plan_id", how="left")
    agency_col = "lead_agency_name_vi" if "lead_agency_name_vi" in t.columns else "lead_agency_code"
    provinces = _province_order(t, sort)
    several = len(set(t["province_name_vi"].to_list())) > 1
    printed = pl.col("start_year").is_not_null() | pl.col("end_year").is_not_null()
    t = t.with_columns(
        agency=pl.col(agency_col).fill_null("Không giao cơ quan (no agency named)"),
        agency_en=_text(t, "lead_agency_name_en"),
        start=pl.coalesce("start_year", "end_year", "period_start_year"),
        end=pl.coalesce("end_year", "start_year", "period_end_year"),
        years_source=pl.when(printed).then(pl.lit(YEARS_PRINTED)).otherwise(pl.lit(YEARS_FROM_PLAN)),
        source=sources(t), title=_text(t, "title"),
        frequency=_text(t, "frequency", "—"),
        _rank=pl.col("province_name_vi").replace_strict({p: i for i, p in enumerate(provinces)},
                                                        default=len(provinces), return_dtype=pl.Int64),
        _short=pl.col("task_id").str.split("/").list.last(),
    )
    t = t.with_columns(
        x0=pl.col("start") - 0.45, x1=pl.col("end") + 0.45,
        timing=pl.when(printed).then(_text(t, "timing_as_printed", "")).otherwise(
            pl.lit("không ghi năm — theo giai đoạn kế hoạch ") + pl.col("start").cast(pl.String) + pl.lit("–")
            + pl.col("end").cast(pl.String) + pl.lit(" (no years printed: plan period)")),
        label=((pl.col("province_name_vi") + pl.lit(" · ") + pl.col("_short")) if several else pl.col("_short"))
        + pl.when(printed).then(pl.lit("")).otherwise(pl.lit(" *")),
    )
    t = t.filter(pl.col("start").is_not_null())
    t, title_tips = _with_long_text(t, "title", "Nhiệm vụ (task, as printed)")
    rows = list(dict.fromkeys(t.sort(["_rank", "start", "task_id"])["label"]))
    lo, hi = (t["x0"].min(), t["x1"].max()) if t.height else (2019.5, 2030.5)
    counts = t.group_by("agency").len()
    alphabet = vietnamese_sorted(counts["agency"].to_list())
    agencies = [r[0] for r in sorted(counts.iter_rows(), key=lambda r: (-r[1], alphabet.index(r[0])))]
    chart = alt.Chart(t.drop("_rank")).mark_rect(stroke="#444444", strokeWidth=0.6).encode(
        x=alt.X("x0:Q", axis=_year_axis(None), scale=alt.Scale(domain=[lo - 0.1, hi + 0.1], nice=False,
                                                                zero=False)), x2="x1:Q",
        y=alt.Y("label:N", sort=rows, title=None, axis=alt.Axis(labelFontSize=9, labelLimit=160)),
        color=alt.Color("province_name_vi:N", sort=provinces, scale=alt.Scale(domain=provinces,
                                                                             scheme="tableau10"),
                        legend=_legend("Tỉnh (province)")),
        opacity=alt.Opacity("years_source:N", scale=alt.Scale(domain=[YEARS_PRINTED, YEARS_FROM_PLAN],
                                                              range=[0.9, 0.3]),
                            legend=_legend("Thời gian (timing)", direction="vertical")),
        tooltip=[alt.Tooltip("task_id:N", title="Mã nhiệm vụ (task id)"),
                 *title_tips,
                 alt.Tooltip("agency:N", title="Cơ quan chủ trì"),
                 alt.Tooltip("agency_en:N", title="Lead agency"),
                 alt.Tooltip("province_name_vi:N", title="Tỉnh (province)"),
                 alt.Tooltip("timing:N", title="Thời gian (timing as printed)"),
                 alt.Tooltip("frequency:N", title="Tần suất (frequency)"),
                 alt.Tooltip("source:N", title="Nguồn (source)")],
    ).properties(width=width, height=alt.Step(11))
    return chart.facet(
        row=alt.Row("agency:N", sort=agencies, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontWeight="bold", labelLimit=600,
                                      labelFontSize=11)),
        spacing=4,
    ).resolve_scale(y="independent").properties(
        title=_title(title or "Tiến độ nhiệm vụ theo cơ quan chủ trì (task timeline by lead agency)",
                     "Nhạt, dấu *: nhiệm vụ không ghi năm, vẽ theo giai đoạn kế hoạch (faded, *: no years "
                     "printed, drawn over the plan period)."),
    )


def agency_network_chart(edges: Any, *, top: int | None = None, title: str | None = None) -> alt.LayerChart:
    """Coordination matrix: lead agency (rows) x partner agency (columns), cell = tasks they share
    (frame of `load_agency_links`)."""
    e = as_polars(edges)
    require_columns(e, "agency_network_chart", ["lead_name_vi", "partner_name_vi", "n_tasks"])
    e = e.with_columns(lead_name_en=_text(e, "lead_name_en"), partner_name_en=_text(e, "partner_name_en"),
                       provinces=_text(e, "provinces"))

    def order(column: str) -> list[str]:
        sums = e.group_by(column).agg(pl.col("n_tasks").sum())
        alphabet = vietnamese_sorted(sums[column].to_list())
        ranked = sorted(sums.iter_rows(), key=lambda r: (-r[1], alphabet.index(r[0])))
        return [r[0] for r in ranked][: top or None]

    leads, partners = order("lead_name_vi"), order("partner_name_vi")
    e = e.filter(pl.col("lead_name_vi").is_in(leads) & pl.col("partner_name_vi").is_in(partners))
    base = alt.Chart(e).encode(
        x=alt.X("partner_name_vi:N", sort=partners, title="Cơ quan phối hợp (partner)",
                axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=200)),
        y=alt.Y("lead_name_vi:N", sort=leads, title="Cơ quan chủ trì (lead)", axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("lead_name_vi:N", title="Chủ trì"), alt.Tooltip("lead_name_en:N", title="Lead"),
                 alt.Tooltip("partner_name_vi:N", title="Phối hợp"),
                 alt.Tooltip("partner_name_en:N", title="Partner"),
                 alt.Tooltip("n_tasks:Q", title="Số nhiệm vụ chung (tasks)"),
                 alt.Tooltip("provinces:N", title="Tỉnh (provinces)")])
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("n_tasks:Q", scale=alt.Scale(scheme="oranges"),
                        legend=_legend("Số nhiệm vụ (tasks)")))
    cut = max(e["n_tasks"].max() or 0, 1) * 0.6
    text = base.mark_text(fontSize=9).encode(
        text="n_tasks:Q", color=alt.condition(f"datum.n_tasks > {cut}", alt.value("white"), alt.value("#222222")))
    return alt.layer(rect, text).properties(
        width=alt.Step(22), height=alt.Step(18),
        title=_title(title or "Mạng lưới phối hợp: chủ trì → phối hợp (coordination: lead → partner)",
                     "Ô: số nhiệm vụ mà cơ quan chủ trì giao cho cơ quan phối hợp (cell: tasks shared)."),
    )
