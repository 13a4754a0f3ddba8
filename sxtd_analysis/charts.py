"""Charts of the provinces' SXTD targets: the province x indicator matrix, one indicator across provinces, and
the verdicts against the national benchmark, as Vega-Lite specifications (`vega.Chart`: see `vega` for why
they are written without Altair at run time, and `Chart.to_altair()` to extend one with Altair).

Every chart takes the library's frames (polars, or pandas), keeps Vietnamese names with their diacritics
(English beside them in the tooltips), orders provinces as Vietnamese does (DuckDB's ICU collation `vi`,
passed to Vega-Lite as an explicit `sort=` list), fills the width of the page (`chart_style.finish`), and
carries provenance one hover away: the tooltips show the sentence as printed and its source line.

Charts:  target_matrix_chart, indicator_range_chart, alignment_chart (here); plan_timeline_chart,
         agency_task_chart, task_timeline_chart, agency_network_chart (in `task_charts`, also importable from here).
The queries are in `queries`, the findings in `findings`, plain words for values in `formatting`, what every
chart shares (verdict colours from the `verdicts` codebook, type sizes, axes) in `chart_style`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from sxtd_analysis import chart_style as cs
from sxtd_analysis import vega as vl
from sxtd_analysis.chart_style import (  # noqa: F401  (the names notebooks and tests use)
    MIXED,
    MIXED_COLOUR,
    MIXED_LABEL,
    TOOLTIP_CHUNK,
    TOOLTIP_LIST,
    TOOLTIP_PARTS,
    verdict_colours,
    verdict_labels,
)
from sxtd_analysis.formatting import as_polars, require_columns, sources, value_labels, vietnamese_sorted
from sxtd_analysis.task_charts import (  # noqa: F401
    PROGRAMME_COLOURS,
    YEARS_FROM_PLAN,
    YEARS_PRINTED,
    agency_network_chart,
    agency_task_chart,
    plan_timeline_chart,
    task_timeline_chart,
)


def __getattr__(name: str) -> Any:
    """VERDICT_LABELS and VERDICT_COLOURS: the `verdicts` codebook's, read when first asked for."""
    if name == "VERDICT_LABELS":
        return verdict_labels()
    if name == "VERDICT_COLOURS":
        return verdict_colours()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


CELL_VALUES = 3
#: pixels per row of `indicator_range_chart`: its height is set in pixels, not as a step, because the labels of
#: its national benchmarks sit on a y of their own (pixels above the plot), which makes y continuous there
ROW_STEP = 30


def _cell_label(values: pl.Expr) -> pl.Expr:
    """Values joined by ' / ' (in an aggregation), or beyond `CELL_VALUES` the first ones and '… (+N)'."""
    shown = CELL_VALUES - 1
    return (pl.when(values.len() <= CELL_VALUES).then(values.str.join(" / "))
            .otherwise(values.head(shown).str.join(" / ") + pl.lit(" / … (+")
                       + (values.len() - shown).cast(pl.String) + pl.lit(")")))



# ---------------------------------------------------------------------------------------------- charts


def target_matrix_chart(df: Any, *, sort: Sequence[str] | None = None, title: str | None = None
                        ) -> vl.Chart:
    """Heat map of the province x indicator matrix (frame of `queries.target_matrix`, or of `alignment`).

    A cell holds each target year's value ('5–8% (2025)'); it stays empty where the province set no target.
    With a `verdict` column (frames of `alignment`) a cell is coloured by its verdict against the national
    benchmark, the same colour on every indicator ('mixed' where its years differ); without, every cell is
    one neutral shade: levels of different measures are not on one scale. Indicators that most provinces
    share come first. `sort` fixes the province columns (e.g. every province of the database).
    """
    m = as_polars(df)
    require_columns(m, "target_matrix_chart", ["province_name_vi", "indicator_code", "label_vi", "target_year",
                                         "value_low", "value_high", "unit"])
    m = m.sort(["province_name_vi", "indicator_code", "target_year"])
    has_verdict = "verdict" in m.columns
    n_targets = pl.col("n_targets") if "n_targets" in m.columns else pl.lit(1)
    m = m.with_columns(value_text=value_labels(m), source=sources(m)).with_columns(
        year_text=pl.col("target_year").cast(pl.String),
        n_targets=n_targets,
        label_en=cs.text(m, "label_en"), scope_note=cs.text(m, "scope_note"), quote=cs.text(m, "quote"),
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
        *([pl.col("verdict").unique(maintain_order=True).alias("verdicts")] if has_verdict else []),
        pl.col("target_year").cast(pl.String).str.join(", ").alias("years"),
        pl.col("scope_note").filter(pl.col("scope_note") != "").unique(maintain_order=True)
        .str.join(" | ").alias("scope_note"),
        pl.col("quote_line").str.join(" | ").alias("quote"),
        pl.col("source").str.join("; ").alias("source"),
        pl.len().alias("n_years"),
    )
    if has_verdict:
        cells = cells.with_columns(verdict=pl.when(pl.col("verdicts").list.len() == 1)
                                   .then(pl.col("verdicts").list.first()).otherwise(pl.lit(MIXED))).drop("verdicts")
        cells = cells.with_columns(verdict_label=cs.verdict_label(pl.col("verdict")))
    cells, quote_tips = cs.with_long_text(cells, "quote", "Trích dẫn (quote)", separator=" | ",
                                          noun="trích dẫn khác / more quotes")
    cells = cs.bounded_lists(cells)
    provinces = cs.province_order(cells, sort)
    shared = dict(cells.group_by("label_vi").len().iter_rows())
    alphabet = vietnamese_sorted(cells["label_vi"].to_list())
    indicators = sorted(alphabet, key=lambda label: (-shared[label], alphabet.index(label)))
    lines = max(cells["n_years"].max() or 1, 1)
    rows = vl.records(cells)
    base = {
        "x": vl.channel("province_name_vi:N", sort=provinces, scale={"domain": provinces}, title=None,
                        axis={"orient": "top", "labelAngle": 0, "labelFontWeight": "bold", "bandPosition": 0,
                              "grid": True, "ticks": False, "domain": False}),
        "y": vl.channel("label_vi:N", sort=indicators, scale={"domain": indicators}, title=None,
                        axis={"labelLimit": cs.label_limit(340), "bandPosition": 0, "grid": True, "ticks": False,
                              "domain": False}),
        "tooltip": [vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
                    vl.tooltip("label_vi:N", "Chỉ tiêu"),
                    vl.tooltip("label_en:N", "Indicator"),
                    vl.tooltip("targets:N", "Mục tiêu (target)"),
                    *([vl.tooltip("verdict_label:N", "So với mốc quốc gia (vs national)")] if has_verdict else []),
                    vl.tooltip("scope_note:N", "Phạm vi (scope)"),
                    *quote_tips,
                    vl.tooltip("source:N", "Nguồn (source)")],
    }
    if has_verdict:
        labels, colours = cs.verdict_scale(cells["verdict"].to_list())
        fill = vl.channel("verdict_label:N", scale={"domain": labels, "range": colours},
                          legend=cs.legend("So với mốc quốc gia (vs national)", columns=2))
        dark = _dark_verdicts(cells["verdict"].to_list())
    else:
        fill, dark = vl.value("#e8eef6"), "false"
    rects = vl.unit(rows, vl.mark("rect", stroke="white", strokeWidth=2), **base, color=fill)
    text = vl.unit(rows, vl.mark("text", lineBreak="\n"), **base, text="label:N",
                   color=vl.when((dark, vl.value("white")), otherwise=vl.value("#222222")))
    return cs.finish(vl.layer(
        rects, text, width="container", height=vl.step(22 + 15 * lines),
        title=cs.title(title or "Mục tiêu của các tỉnh theo chỉ tiêu (targets by province and indicator)",
                       "Ô trống: tỉnh không đặt mục tiêu (empty: no target set). Di chuột để xem trích dẫn "
                       "và dòng nguồn (hover for the quote and its source line)."),
    ), min_width=max(cs.MIN_WIDTH, 150 + 110 * len(provinces)))


def _dark_verdicts(present: Sequence[str]) -> str:
    """A Vega test true on cells whose verdict colour is dark (white text reads best on them)."""
    colours = {**verdict_colours(), MIXED: MIXED_COLOUR}
    dark = [v for v in dict.fromkeys(present) if _is_dark(colours.get(v, "#ffffff"))]
    return " || ".join(f"datum.verdict == '{v}'" for v in dark) or "false"


def _is_dark(colour: str) -> bool:
    """Relative luminance (sRGB, as WCAG computes it) under 0.3: white text is the more legible on it."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.3


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
                          title: str | None = None) -> vl.Chart:
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
    provinces = cs.province_order(t, sort)
    t = t.with_columns(value_text=value_labels(t), source=sources(t),
                       label_vi=cs.text(t, "label_vi", codes[0]), label_en=cs.text(t, "label_en"),
                       unit=cs.text(t, "unit"), scope_note=cs.text(t, "scope_note"), quote=cs.text(t, "quote"),
                       **cs.verdict_notes(t))
    has_verdict = "verdict" in t.columns
    has_national = "national_value_low" in t.columns
    if has_national:
        t = t.with_columns(national_text=value_labels(t, "national_value_low", "national_value_high", "unit",
                                                 "national_comparator"))
    else:
        t = t.with_columns(national_text=pl.lit("—"))
    t = t.with_columns(verdict_label=cs.verdict_label(pl.col("verdict")) if has_verdict else pl.lit("—"))
    t, order = _row_labels(t, provinces)
    t, quote_tips = cs.with_long_text(t, "quote", "Trích dẫn (quote)")
    unit = t["unit"][0]
    label_vi, label_en = t["label_vi"][0], t["label_en"][0]
    x_title = f"{label_vi} ({'%' if unit == 'percent' else unit})"
    y = vl.channel("row:N", sort=order, scale={"domain": order}, title=None,
                   axis={"labelLimit": cs.label_limit(240, 130)})
    tips = [vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
            vl.tooltip("target_year:O", "Năm mục tiêu (target year)"),
            vl.tooltip("value_text:N", "Mục tiêu tỉnh (province)"),
            vl.tooltip("national_text:N", "Mốc quốc gia (national)"),
            *cs.NOTE_TIPS,
            vl.tooltip("scope_note:N", "Phạm vi (scope)"),
            *quote_tips,
            vl.tooltip("source:N", "Nguồn (source)")]
    if has_verdict:
        labels, colours = cs.verdict_scale(t["verdict"].to_list())
        colour = vl.channel("verdict_label:N", scale={"domain": labels, "range": colours},
                            legend=cs.legend("So với mốc quốc gia (vs national)", columns=2))
    else:
        colour = vl.value("#3182bd")
    numbers = [v for c in ("value_low", "value_high", "national_value_low", "national_value_high")
               if c in t.columns for v in t[c].to_list() if v is not None]
    low, high = min(numbers), max(numbers) or 1.0
    domain = [min(0.0, low), high * 1.12]
    rows = vl.records(t)
    bars = vl.unit(rows, vl.mark("rule", strokeWidth=12, strokeCap="round"),
                   x=vl.channel("value_low:Q", title=x_title, scale={"domain": domain, "nice": False}),
                   x2={"field": "value_high"}, y=y, color=colour, tooltip=tips)
    values = vl.unit(rows, vl.mark("text", align="left", dx=12),
                     x="value_high:Q", y=y, text="value_text:N", tooltip=tips)
    layers: list[dict[str, Any]] = []
    if has_national:
        bench = _benchmarks(t)
        if not bench.is_empty():
            btips = [vl.tooltip("bench_label:N", "Mốc quốc gia (national benchmark)"),
                     vl.tooltip("national_quote:N", "Văn bản quốc gia (national wording)"),
                     vl.tooltip("verified:N", "Đã đối chiếu tiếng Việt (Vietnamese seen)")]
            # a benchmark's label reads leftwards from its rule in the right part of the plot, to stay on the chart
            right = pl.col("national_value_high") > domain[0] + 0.6 * (domain[1] - domain[0])
            bench = bench.with_columns(label_align=pl.when(right).then(pl.lit("right")).otherwise(pl.lit("left")))
            bench_rows = vl.records(bench)
            band = vl.unit(bench_rows, vl.mark("rect", opacity=0.12, color="#555555"),
                           x="national_value_low:Q", x2={"field": "national_value_high"}, tooltip=btips)
            edges = bench.unpivot(index=[c for c in bench.columns if c not in ("national_value_low",
                                                                               "national_value_high")],
                                  on=["national_value_low", "national_value_high"], value_name="edge"
                                  ).unique(["bench_label", "edge"], maintain_order=True)
            dash = vl.channel("bench_label:N",
                              scale={"domain": bench["bench_label"].to_list(), "range": bench["dash"].to_list()},
                              legend=cs.legend("Mốc quốc gia (national benchmark)", direction="vertical")
                              | {"orient": "top"})  # above the plot: two legends side by side ran off paper
            rules = vl.unit(edges, vl.mark("rule", color="#333333", strokeWidth=2),
                            x="edge:Q", strokeDash=dash, tooltip=btips)
            notes = vl.unit(bench_rows, vl.mark("text", align=vl.expr("datum.label_align"), baseline="bottom",
                                                dx=vl.expr("datum.label_align == 'right' ? -3 : 3"),
                                                fontSize=cs.SMALL_FONT, color="#333333"),
                            x="national_value_high:Q", y=vl.channel("label_y:Q", scale=None), text="short_label:N",
                            tooltip=btips)
            layers = [band, rules, notes]
    return cs.finish(vl.layer(
        *layers, bars, values, width="container", height=ROW_STEP * len(order),
        title=cs.title(title or f"{label_vi} — {label_en}",
                       "Thanh: mục tiêu của tỉnh; vạch: mốc quốc gia (bar: province target; rule: national "
                       "benchmark)."),
    ))


def _benchmarks(t: pl.DataFrame) -> pl.DataFrame:
    """Distinct national benchmarks of the rows, labelled, with their dash and comparability."""
    comparable = (pl.col("verdict") != "no_benchmark") if "verdict" in t.columns else pl.lit(True)
    bench = (t.filter(pl.col("national_value_low").is_not_null())
             .with_columns(comparable=comparable,
                           programme=cs.text(t, "benchmark_programme"),
                           year=pl.col("benchmark_year").cast(pl.String) if "benchmark_year" in t.columns
                           else pl.lit(""),
                           national_quote=cs.text(t, "national_quote"),
                           verified=cs.yes_no(t, "national_is_verified"))
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
                    ) -> vl.Chart:
    """Verdict grid: provinces across, indicator x national milestone down, one fixed colour per verdict.

    `df` is a frame of `api.alignment`/`api.targets_for_indicator`/`load_targets`. A cell shows the
    province's value(s); a cell whose targets reach different verdicts is marked 'mixed'.
    """
    a = as_polars(df)
    require_columns(a, "alignment_chart", ["province_name_vi", "indicator_code", "label_vi", "target_year",
                                     "value_low", "value_high", "verdict"])
    provinces = cs.province_order(a, sort)
    milestone = (pl.col("benchmark_year") if "benchmark_year" in a.columns else pl.lit(None)).cast(pl.String)
    a = a.with_columns(value_text=value_labels(a), source=sources(a), label_en=cs.text(a, "label_en"),
                       quote=cs.text(a, "quote"), **cs.verdict_notes(a),
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
        pl.col("verdict_note_en").unique(maintain_order=True).str.join(" | ").alias("verdict_note_en"),
        pl.col("verdict_shown").unique(maintain_order=True).str.join(" | ").alias("verdict_shown"),
        pl.col("quote").str.join(" | ").alias("quote"),
        pl.col("source").str.join("; ").alias("source"),
    ).with_columns(verdict=pl.when(pl.col("verdicts").list.len() == 1).then(pl.col("verdicts").list.first())
                   .otherwise(pl.lit(MIXED))).drop("verdicts")
    cells = cells.with_columns(
        verdict_label=cs.verdict_label(pl.col("verdict")),
        label=pl.when(pl.col("_years") == pl.col("_milestone")).then(pl.col("label"))
        .otherwise(pl.col("label") + pl.lit(" (") + pl.col("_years") + pl.lit(")")),
    ).drop("_years")
    cells, quote_tips = cs.with_long_text(cells, "quote", "Trích dẫn (quote)", separator=" | ",
                                        noun="trích dẫn khác / more quotes")
    cells = cs.bounded_lists(cells)
    alphabet = vietnamese_sorted(cells["label_vi"].to_list())
    shared = dict(cells.group_by("label_vi").agg(pl.col("province_name_vi").n_unique()).iter_rows())
    rank = {label: (-shared[label], i) for i, label in enumerate(alphabet)}
    rows = [r for _, _, r in sorted((rank[label], m or "", r) for label, m, r in
                                    cells.select("label_vi", "_milestone", "row").unique().iter_rows())]
    labels, colours = cs.verdict_scale(cells["verdict"].to_list())
    data = vl.records(cells)
    base = {
        "x": vl.channel("province_name_vi:N", sort=provinces, scale={"domain": provinces}, title=None,
                        axis={"orient": "top", "labelAngle": 0, "labelFontWeight": "bold", "ticks": False,
                              "domain": False}),
        "y": vl.channel("row:N", sort=rows, scale={"domain": rows}, title=None,
                        axis={"labelLimit": cs.label_limit(380), "ticks": False, "domain": False}),
        "tooltip": [vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
                    vl.tooltip("label_vi:N", "Chỉ tiêu"),
                    vl.tooltip("label_en:N", "Indicator"),
                    vl.tooltip("targets:N", "Mục tiêu tỉnh (province)"),
                    vl.tooltip("national_text:N", "Mốc quốc gia (national)"),
                    *cs.NOTE_TIPS,
                    *quote_tips,
                    vl.tooltip("source:N", "Nguồn (source)")],
    }
    rects = vl.unit(data, vl.mark("rect", stroke="white", strokeWidth=2), **base,
                    color=vl.channel("verdict_label:N", scale={"domain": labels, "range": colours},
                                     legend=cs.legend("So với mốc quốc gia (vs national)", columns=2)))
    dark = _dark_verdicts(cells["verdict"].to_list())
    text = vl.unit(data, vl.mark("text"), **base, text="label:N",
                   color=vl.when((dark, vl.value("white")), otherwise=vl.value("#222222")))
    return cs.finish(vl.layer(
        rects, text, width="container", height=vl.step(28),
        title=cs.title(title or "Mục tiêu tỉnh so với mốc quốc gia (provincial targets vs national benchmarks)",
                       "Mỗi dòng: chỉ tiêu và mốc quốc gia dùng để so sánh (row: indicator and the national "
                       "milestone compared with)."),
    ), min_width=max(cs.MIN_WIDTH, 150 + 110 * len(provinces)))
