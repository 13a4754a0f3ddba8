"""The tile-grid map of Viet Nam's 34 provinces since 1/7/2025: one square per province at its place in
current_provinces (tile_row, tile_column), coloured by plan coverage or by an indicator's value.

Vega-Lite charts built as plain dicts (`vega.Chart`; Altair is not imported) that draw with no network: no map
data, fonts or images are fetched. Frames come from `coverage.national_coverage` (or anything with the same
columns); a province report passes `highlight=`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from sxtd_analysis import vega as vl

#: Square side in pixels (labels are 11 px and wrap onto two lines, so 54 px holds every name).
TILE = 54
GAP = 3
LABEL_SIZE = 11
#: Coverage classes of the view national_coverage, in legend order, with their colours and labels.
COVERAGE_COLOURS: dict[str, str] = {"curated": "#1b7837", "known": "#a6dba0", "none": "#e7e7e7"}
COVERAGE_LABELS: dict[str, str] = {
    "curated": "Có văn bản kế hoạch đã xử lý (plan text curated)",
    "known": "Có kế hoạch, chưa xử lý văn bản (plan known only)",
    "none": "Chưa ghi nhận kế hoạch (no plan recorded)",
}
NO_VALUE_COLOUR = "#e7e7e7"
#: outline of a square whose value is a reported target (dashed)
REPORTED_STROKE = "#d95f02"
NO_VALUE_LABEL = "Không có số liệu (no value)"
REPORTED_NOTE = ("Viền đứt nét: báo cáo, chưa đối chiếu văn bản (dashed outline: reported, not checked against "
                 "the plan text)")
_TILE_COLUMNS = ("province_slug", "province_name_vi", "tile_row", "tile_column")


def coverage_map(coverage: Any, *, highlight: str | None = None, title: str | None = None,
                 subtitle: str | Sequence[str] | None = None, tile: int = TILE) -> vl.Chart:
    """Each province a square at its place, coloured by coverage (curated / known only / none).

    Args:
        coverage: rows of the view national_coverage (polars or pandas): at least province_slug,
            province_name_vi, tile_row, tile_column and coverage; former_names_vi, n_plans_known,
            n_plans_curated, latest_doc_number, latest_known_by_on and latest_issuer_name_vi go in the tooltip.
        highlight: a province (slug or name, today's or a former one's slug) to outline, for a province report.
        title, subtitle: chart title; the default says how many provinces have a plan.
        tile: square side in pixels.
    """
    frame = _tiles(coverage, "coverage")
    if "coverage" not in frame.columns:
        raise ValueError("coverage map: the frame lacks the column 'coverage' (use the view national_coverage)")
    unknown = set(frame["coverage"].drop_nulls().to_list()) - set(COVERAGE_COLOURS)
    if unknown:
        raise ValueError(f"coverage map: unknown coverage value(s) {sorted(unknown)}; "
                         f"expected {', '.join(COVERAGE_COLOURS)}")
    frame = frame.with_columns(
        fill_label=pl.col("coverage").replace_strict(COVERAGE_LABELS, default=COVERAGE_LABELS["none"]),
        dark=pl.col("coverage") == "curated",
        tip_plans=_plans_tip(frame),
    )
    n_with = frame.filter(pl.col("coverage") != "none").height
    colour = vl.channel("fill_label:N", title="Kế hoạch (plans)",
                        scale={"domain": list(COVERAGE_LABELS.values()), "range": list(COVERAGE_COLOURS.values())},
                        legend={"orient": "bottom", "direction": "vertical", "labelFontSize": LABEL_SIZE,
                                "titleFontSize": LABEL_SIZE, "labelLimit": 400})
    tooltip = [vl.tooltip("province_name_vi:N", "Tỉnh, thành phố (province)"),
               vl.tooltip("tip_formers:N", "Gồm các tỉnh cũ (former provinces)"),
               vl.tooltip("fill_label:N", "Kế hoạch (plans)"),
               vl.tooltip("tip_plans:N", "Số kế hoạch (plans known / curated)")]
    if "latest_doc_number" in frame.columns:
        frame = frame.with_columns(tip_latest=_latest_tip(frame))
        tooltip.append(vl.tooltip("tip_latest:N", "Kế hoạch mới nhất (latest plan)"))
    default_title = (f"{n_with}/{frame.height} tỉnh, thành phố có kế hoạch được ghi nhận "
                     f"({n_with} of {frame.height} provinces with a known plan)")
    return _draw(frame, colour, "fill_label", tooltip, highlight=highlight, title=title or default_title,
                 subtitle=subtitle,
                 tile=tile)


def value_map(values: Any, tiles: Any, *, value: str = "value", label: str = "Giá trị (value)",
              unit: str | None = None, highlight: str | None = None, title: str | None = None,
              subtitle: str | Sequence[str] | None = None, scheme: str = "blues", tile: int = TILE) -> vl.Chart:
    """Each province a square coloured by an indicator's value; provinces without a value stay grey.

    Args:
        values: one row per province of today: province_slug (current_provinces.province_slug) and `value`;
            an optional boolean `is_reported` draws that square with a dashed outline (a target reported,
            not checked against the plan text), an optional `value_label` is shown instead of the number.
        tiles: the squares, as the view national_coverage (or current_provinces) has them.
        value: the column to colour by (numbers).
        label: legend title, Vietnamese first; unit: "percent" adds % to the labels.
    """
    frame = _tiles(tiles, "value map")
    v = _polars(values)
    if "province_slug" not in v.columns or value not in v.columns:
        raise ValueError(f"value map: values need the columns province_slug and {value!r}; got {v.columns}")
    if v["province_slug"].is_duplicated().any():
        dup = sorted(set(v.filter(v["province_slug"].is_duplicated())["province_slug"].to_list()))
        raise ValueError(f"value map: one value per province; repeated: {', '.join(dup)}")
    stray = set(v["province_slug"].to_list()) - set(frame["province_slug"].to_list())
    if stray:
        raise ValueError(f"value map: province(s) not on the map: {', '.join(sorted(stray))} "
                         "(use today's province_slug, e.g. national_coverage.province_slug)")
    if not v.schema[value].is_numeric():
        raise ValueError(f"value map: column {value!r} must hold numbers, not {v.schema[value]}")
    keep = [c for c in ("province_slug", value, "is_reported", "value_label") if c in v.columns]
    frame = frame.drop([c for c in keep[1:] if c in frame.columns]).join(v.select(keep), on="province_slug",
                                                                           how="left")
    if "is_reported" not in frame.columns:
        frame = frame.with_columns(is_reported=pl.lit(False))
    suffix = "%" if unit == "percent" else ""
    shown = (pl.col("value_label") if "value_label" in frame.columns
             else pl.col(value).round(2).cast(pl.String).str.replace(r"\.0$", "") + suffix)
    lo, hi = frame[value].min(), frame[value].max()
    cut = None if lo is None else lo + 0.6 * ((hi or lo) - lo)
    frame = frame.with_columns(
        tip_value=pl.when(pl.col(value).is_null()).then(pl.lit(NO_VALUE_LABEL)).otherwise(shown),
        dark=(pl.col(value) >= cut).fill_null(False) if cut is not None and hi != lo else pl.lit(False),
        is_reported=pl.col("is_reported").fill_null(False),
    )
    # a field in a condition: Vega-Lite takes one such condition (a dict, not a list), as Altair wrote it
    colour = vl.when((f"isValid(datum['{value}'])",
                      vl.channel(f"{value}:Q", title=label, scale={"scheme": scheme},
                                 legend={"orient": "bottom", "titleFontSize": LABEL_SIZE,
                                         "labelFontSize": LABEL_SIZE, "titleLimit": 400})),
                     otherwise=vl.value(NO_VALUE_COLOUR))
    tooltip = [vl.tooltip("province_name_vi:N", "Tỉnh, thành phố (province)"),
               vl.tooltip("tip_formers:N", "Gồm các tỉnh cũ (former provinces)"),
               vl.tooltip("tip_value:N", label)]
    if frame["is_reported"].any():
        from sxtd_analysis.coverage import REPORTED_MARK

        frame = frame.with_columns(tip_tier=pl.when("is_reported").then(pl.lit(REPORTED_MARK)).otherwise(pl.lit("")))
        tooltip.append(vl.tooltip("tip_tier:N", "Nguồn (source)"))
        notes = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
        subtitle = [*notes, REPORTED_NOTE]
    return _draw(frame, colour, value, tooltip, highlight=highlight, title=title or label, subtitle=subtitle,
                 tile=tile)


# --- drawing ---------------------------------------------------------------------------------------------


def _draw(frame: pl.DataFrame, colour: dict[str, Any], colour_field: str, tooltip: list[dict[str, Any]], *,
          highlight: str | None, title: str, subtitle: str | Sequence[str] | None, tile: int) -> vl.Chart:
    frame = frame.with_columns(
        x=(pl.col("tile_column") - 1) * tile, x2=pl.col("tile_column") * tile - GAP,
        y=(pl.col("tile_row") - 1) * tile, y2=pl.col("tile_row") * tile - GAP,
        cx=(pl.col("tile_column") - 0.5) * tile - GAP / 2, cy=(pl.col("tile_row") - 0.5) * tile - GAP / 2,
        label=pl.col("province_name_vi").map_elements(_wrap, return_dtype=pl.String),
        is_highlighted=(pl.lit(False) if highlight is None
                        else pl.col("province_slug") == _highlighted(frame, highlight)),
    )
    if "is_reported" not in frame.columns:
        frame = frame.with_columns(is_reported=pl.lit(False))
    width = int(frame["tile_column"].max()) * tile
    height = int(frame["tile_row"].max()) * tile
    # only flat columns go into the chart's data (lists and dates of the view are not needed there)
    drawn = ["province_name_vi", "x", "x2", "y", "y2", "cx", "cy", "label", "is_highlighted", "is_reported", "dark"]
    fields = [t["field"] for t in tooltip] + [colour_field]
    # one list of rows for the four layers: one dataset, at the top of the layer
    rows = vl.records(frame.select(list(dict.fromkeys([*drawn, *fields]))))
    x, y = vl.channel("x:Q", scale=None, axis=None), vl.channel("y:Q", scale=None, axis=None)
    # every square in grey first: a value map's provinces without a value (Vega-Lite drops null colours) stay
    backdrop = vl.unit(rows, vl.mark("rect", cornerRadius=3, color=NO_VALUE_COLOUR), x=x, y=y, x2="x2", y2="y2",
                       tooltip=tooltip)
    squares = vl.unit(
        rows, vl.mark("rect", cornerRadius=3), x=x, y=y, x2="x2", y2="y2", color=colour, tooltip=tooltip,
        stroke=vl.when(("datum.is_highlighted", vl.value("#000000")), otherwise=vl.value("#ffffff")),
        strokeWidth=vl.when(("datum.is_highlighted", vl.value(3)), otherwise=vl.value(1)),
    )
    # a reported value's square outlined in dashes: a mark property (Vega-Lite drops a rect's strokeDash channel)
    reported = vl.unit(rows, vl.mark("rect", cornerRadius=3, filled=False, stroke=REPORTED_STROKE, strokeWidth=2.5,
                                     strokeDash=[6, 3]),
                       transform=[{"filter": "datum.is_reported && !datum.is_highlighted"}],
                       x=x, y=y, x2="x2", y2="y2", tooltip=tooltip)
    text = {"x": vl.channel("cx:Q", scale=None, axis=None), "y": vl.channel("cy:Q", scale=None, axis=None),
            "text": "label:N", "color": vl.when(("datum.dark", vl.value("#ffffff")), otherwise=vl.value("#1a1a1a")),
            "tooltip": tooltip}
    labels = vl.unit(rows, vl.mark("text", fontSize=LABEL_SIZE, lineBreak="\n"),
                     transform=[{"filter": "!datum.is_highlighted"}], **text)
    bold = vl.unit(rows, vl.mark("text", fontSize=LABEL_SIZE, lineBreak="\n", fontWeight="bold"),
                   transform=[{"filter": "datum.is_highlighted"}], **text)
    heading: dict[str, Any] = {"text": title, "anchor": "start", "fontSize": 13, "subtitleFontSize": LABEL_SIZE}
    if subtitle:
        heading["subtitle"] = subtitle if isinstance(subtitle, str) else list(subtitle)
    # no config: the caller may still concatenate or layer the map
    return vl.Chart(vl.layer(backdrop, squares, reported, labels, bold, width=width, height=height, title=heading,
                             view={"strokeWidth": 0}))


def _tiles(df: Any, what: str) -> pl.DataFrame:
    frame = _polars(df)
    missing = [c for c in _TILE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: the frame lacks column(s) {', '.join(missing)} (use the view national_coverage)")
    if frame.height == 0:
        raise ValueError(f"{what}: no provinces to draw")
    places = frame.select("tile_row", "tile_column")
    if places.is_duplicated().any():
        twice = frame.filter(places.is_duplicated())["province_name_vi"].to_list()
        raise ValueError(f"{what}: provinces share a square: {', '.join(twice)}")
    if frame["tile_row"].null_count() or frame["tile_column"].null_count():
        raise ValueError(f"{what}: every province needs tile_row and tile_column")
    formers = (pl.col("former_names_vi").list.join(", ") if "former_names_vi" in frame.columns
               else pl.lit(""))
    return frame.with_columns(tip_formers=formers)


def _polars(df: Any) -> pl.DataFrame:
    if isinstance(df, pl.DataFrame):
        return df
    if type(df).__module__.startswith("pandas"):
        return pl.from_pandas(df)
    raise TypeError(f"expected a polars or pandas frame, not {type(df).__name__}")


def _highlighted(frame: pl.DataFrame, name: str) -> str:
    """Today's slug of the province to outline: its slug or name, or a former province's slug or name."""
    from sxtd_analysis.provinces import _key, match_province

    slugs, names = frame["province_slug"].to_list(), frame["province_name_vi"].to_list()
    if "former_province_slugs" in frame.columns and "former_names_vi" in frame.columns:
        wanted = _key(name or "")
        for slug, former_slugs, former_names in zip(slugs, frame["former_province_slugs"].to_list(),
                                                    frame["former_names_vi"].to_list(), strict=True):
            if wanted in {*(former_slugs or []), *(_key(n) for n in former_names or [])}:
                return slug
    ascii_names = frame["province_name_ascii"].to_list() if "province_name_ascii" in frame.columns else names
    return match_province(name, [{"province_slug": s, "name_vi": n, "name_ascii": a}
                                 for s, n, a in zip(slugs, names, ascii_names, strict=True)])


def _wrap(name: str) -> str:
    """A name on two lines when it is long (at the space nearest its middle): 'Thái\\nNguyên'."""
    if len(name) <= 7 or " " not in name:
        return name
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1:]


def _plans_tip(frame: pl.DataFrame) -> pl.Expr:
    if {"n_plans_known", "n_plans_curated"} <= set(frame.columns):
        return pl.format("{} / {}", "n_plans_known", "n_plans_curated")
    return pl.lit("")


def _latest_tip(frame: pl.DataFrame) -> pl.Expr:
    parts = [pl.col("latest_doc_number").fill_null("số không rõ (number not known)")]
    if "latest_known_by_on" in frame.columns:
        parts.append(pl.col("latest_known_by_on").dt.strftime("%d/%m/%Y").fill_null(""))
    if "latest_issuer_name_vi" in frame.columns:
        parts.append(pl.col("latest_issuer_name_vi").fill_null(""))
    return pl.when(pl.col("latest_registry_id").is_null() if "latest_registry_id" in frame.columns
                   else pl.col("latest_doc_number").is_null() & (pl.col("coverage") == "none")).then(
        pl.lit("")).otherwise(pl.concat_str(parts, separator=", "))


def legend_entries() -> Mapping[str, str]:
    """Coverage class -> its legend label (for a page that lists the classes in words)."""
    return dict(COVERAGE_LABELS)
