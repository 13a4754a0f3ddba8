"""What every chart of `charts` and `task_charts` shares: the verdicts' labels and colours (from the `verdicts`
codebook), type sizes and widths that fit the page, year axes, legends, titles and bounded tooltip texts."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import Any

import polars as pl

from sxtd_analysis import vega as vl
from sxtd_analysis.formatting import verdict_codebook, vietnamese_sorted

#: A cell whose targets reach different verdicts.
MIXED = "mixed"
MIXED_LABEL = "Nhiều kết luận (mixed)"
MIXED_COLOUR = "#c2a5cf"
#: Tooltip texts are cut beyond about TOOLTIP_CHUNK * TOOLTIP_PARTS characters (whole parts of a list where
#: possible), and the rest counted as "… (+N more)": a national-scale cell joins hundreds of quotes.
TOOLTIP_CHUNK = 180
TOOLTIP_PARTS = 3
#: A cell's list of sources (raw_file:lines; ...), scopes or notes longer than this is cut the same way.
TOOLTIP_LIST = 240
#: The smallest type on a chart (axis labels, legends, text marks), in pixels, and the body size.
SMALL_FONT = 11
FONT = 12
#: Below this width (px) a chart keeps its width and scrolls sideways inside its own box: what a 390 px phone
#: leaves a chart once the page's padding is taken off.
MIN_WIDTH = 360
#: characters a subtitle line holds (12 px type on a phone)
SUBTITLE_LINE = 58
#: characters a title line holds (15 px bold type on a phone)
TITLE_LINE = 42

#: One look for every chart: type at least SMALL_FONT px, the page's fonts, no frame around the plot.
CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
    "axis": {"labelFontSize": FONT, "titleFontSize": FONT, "labelColor": "#333333", "titleColor": "#333333"},
    "legend": {"labelFontSize": FONT, "titleFontSize": FONT, "symbolSize": 120},
    "header": {"labelFontSize": FONT, "titleFontSize": FONT},
    "title": {"fontSize": 15, "subtitleFontSize": FONT, "subtitleColor": "#555555", "anchor": "start",
              "offset": 8},
    "text": {"fontSize": FONT},
    "view": {"stroke": None},
}


@cache
def _verdicts() -> tuple[tuple[str, str, str], ...]:
    """(code, legend label, colour) of each verdict in display order, from the `verdicts` codebook."""
    book = verdict_codebook()
    return tuple((code, f"{vi} ({en[:1].lower()}{en[1:]})", colour)
                 for code, vi, en, colour in book.select("verdict", "label_vi", "label_en", "colour").iter_rows())


def verdict_labels() -> dict[str, str]:
    """Legend label of each verdict, Vietnamese first: 'Bước trung gian (interim step)'."""
    return {code: label for code, label, _ in _verdicts()}


def verdict_colours() -> dict[str, str]:
    """One fixed colour per verdict, the same in every chart (the codebook's `colour`)."""
    return {code: colour for code, _, colour in _verdicts()}


def verdict_scale(present: Iterable[str]) -> tuple[list[str], list[str]]:
    """Legend labels and colours of the verdicts present (and 'mixed' where needed), in the codebook's order."""
    present = set(present)
    codes = [c for c, _, _ in _verdicts() if c in present] + ([MIXED] if MIXED in present else [])
    labels, colours = verdict_labels(), verdict_colours()
    return [labels.get(c, MIXED_LABEL) for c in codes], [colours.get(c, MIXED_COLOUR) for c in codes]


def verdict_label(verdicts: pl.Expr) -> pl.Expr:
    return verdicts.replace_strict({**verdict_labels(), MIXED: MIXED_LABEL}, default=verdicts,
                                   return_dtype=pl.String)


#: The tooltip rows of a verdict: its label (marked where the comparison is by analogy) and its note.
NOTE_TIPS = [vl.tooltip("verdict_shown:N", "Kết luận (verdict)"), vl.tooltip("verdict_note:N", "Ghi chú"),
             vl.tooltip("verdict_note_en:N", "Note")]


def verdict_notes(frame: pl.DataFrame) -> dict[str, pl.Expr]:
    """The columns of `NOTE_TIPS` from a frame of `alignment` (`verdict_label_vi`, `verdict_note_vi`, their
    English) or of older callers (`verdict_note`); the verdict's codebook label where the frame has none."""
    if "verdict_label_vi" in frame.columns:
        shown = (pl.col("verdict_label_vi") + pl.lit(" (") + text(frame, "verdict_label_en") + pl.lit(")"))
    elif "verdict" in frame.columns:
        shown = verdict_label(pl.col("verdict"))
    else:
        shown = pl.lit("—")
    vi = "verdict_note_vi" if "verdict_note_vi" in frame.columns else "verdict_note"
    return {"verdict_shown": shown, "verdict_note": text(frame, vi), "verdict_note_en": text(frame, "verdict_note_en")}


def yes_no(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A boolean column as a reader says it: 'có (yes)', 'chưa (not yet)', '—' where unknown."""
    if column not in frame.columns:
        return pl.lit("—")
    flag = pl.col(column)
    if frame.schema[column] == pl.String:
        flag = flag.str.to_lowercase().is_in(["true", "1", "yes"])
    return pl.when(flag.is_null()).then(pl.lit("—")).when(flag).then(pl.lit("có (yes)")).otherwise(
        pl.lit("chưa (not yet)"))


def finish(spec: dict[str, Any], *, min_width: int = MIN_WIDTH, fit: int | None = None) -> vl.Chart:
    """The chart as the page shows it: the shared look, and the smallest width (px) below which it keeps its
    width and scrolls inside its box. `fit`: for a facet (which Vega-Lite cannot size to its container), the
    room its labels take; the page's renderer sets the panels' width to the container's less `fit`."""
    meta = {"min_width": min_width} | ({"fit": fit} if fit is not None else {})
    spec = spec | {"config": CONFIG, "usermeta": {"sxtd": meta}}
    if spec.get("width") == "container":  # fit the width only: heights are steps per row
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return vl.Chart(spec)


def text(frame: pl.DataFrame, column: str, default: str | None = "") -> pl.Expr:
    """A string column (nulls replaced by `default`), or the default where the frame lacks the column."""
    if column in frame.columns:
        expr = pl.col(column).cast(pl.String)
        return expr if default is None else expr.fill_null(default)
    return pl.lit(default, dtype=pl.String)


def bounded(value: str, limit: int, separator: str | None, noun: str) -> str:
    """`value` if it fits in `limit` characters, else what fits and "… (+N noun)".

    A text joined from several parts (quotes, sources) by `separator` is cut between parts: the parts shown
    are whole, and N counts those left out. A matrix cell at national scale joins hundreds of quotes: the
    tooltip could not show them, and the chart would carry them all.
    """
    if len(value) <= limit:
        return value
    parts = value.split(separator) if separator else [value]
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
    cut = value[:limit].rsplit(" ", 1)[0] if " " in value[:limit] else value[:limit]
    return f"{cut} … (+{len(value) - len(cut):,} ký tự / characters)"


def with_long_text(frame: pl.DataFrame, column: str, title: str, *, separator: str | None = None,
                   noun: str = "") -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """A long text column cut to what a tooltip shows (`bounded`), and the one tooltip row that shows it.

    The page lets a tooltip value wrap over as many lines as it needs (see `offline.TOOLTIP_CSS`), so a long
    quote is one row: no continuation rows, which stood empty beside a short quote.
    """
    limit = TOOLTIP_CHUNK * TOOLTIP_PARTS
    values = frame[column].to_list() if column in frame.columns else [""] * frame.height
    cut = pl.Series(column, [bounded(v, limit, separator, noun) if v else "" for v in values], dtype=pl.String)
    return frame.with_columns(cut), [vl.tooltip(f"{column}:N", title)]


#: the lists a chart cell joins (column: separator, what the parts are), cut by `bounded_lists`
_CELL_LISTS = {
    "targets": ("; ", "mục tiêu khác / more targets"),
    "source": ("; ", "nguồn khác / more sources"),
    "scope_note": (" | ", "phạm vi khác / more scopes"),
    "verdict_note": (" | ", "ghi chú khác / more notes"),
}


def bounded_lists(cells: pl.DataFrame) -> pl.DataFrame:
    """A cell's joined lists (`_CELL_LISTS`) cut as `bounded` does beyond `TOOLTIP_LIST` characters."""
    return cells.with_columns(
        pl.Series(column, [bounded(v, TOOLTIP_LIST, sep, noun) if v else v for v in cells[column].to_list()],
                  dtype=pl.String)
        for column, (sep, noun) in _CELL_LISTS.items() if column in cells.columns)


def province_order(frame: pl.DataFrame, sort: Sequence[str] | None, column: str = "province_name_vi"
                   ) -> list[str]:
    present = vietnamese_sorted(frame[column].to_list()) if column in frame.columns else []
    if sort is None:
        return present
    order = list(dict.fromkeys(sort))
    return order + [p for p in present if p not in order]


def label_limit(wide: int, narrow: int = 150) -> dict[str, str]:
    """Room (px) for a row label: 38 % of the chart's container, at least `narrow` (a phone) and at most `wide`
    (a desk), so that the plot and its legend, which starts where the plot does, fit the page and paper."""
    return vl.expr(f"clamp(containerSize()[0] * 0.38, {narrow}, {wide})")


def legend(title: str | None, **kwargs: Any) -> dict[str, Any]:
    """A legend under the chart; `columns` becomes one column where the chart is a phone's width."""
    if "columns" in kwargs:
        kwargs["columns"] = vl.expr(f"containerSize()[0] < 800 ? 1 : {int(kwargs['columns'])}")
    return {"title": title, "orient": "bottom", "titleLimit": 340,
            "labelLimit": vl.expr("clamp(containerSize()[0] * 0.5, 160, 330)"), **kwargs}


def province_colour(provinces: Sequence[str], present: Iterable[str]) -> dict[str, Any]:
    """Colour by province where there are several; one colour and no one-entry legend where there is one."""
    if len(set(present)) < 2:
        return vl.value("#3b6fb6")
    return vl.channel("province_name_vi:N", sort=list(provinces),
                      scale={"domain": list(provinces), "scheme": "tableau10"}, legend=legend("Tỉnh (province)"))


def title(value: str, subtitle: str | Sequence[str] | None = None) -> dict[str, Any]:
    """A chart's title and subtitle in short lines (Vega does not wrap titles: a long one ran off a phone's screen
    and off the paper); a title that fits one line stays a string."""
    lines = textwrap.wrap(subtitle, SUBTITLE_LINE) if isinstance(subtitle, str) else list(subtitle or [])
    text = textwrap.wrap(value, TITLE_LINE) if len(value) > TITLE_LINE else value
    return {"text": text, "subtitle": lines or "", "anchor": "start"}


# ------------------------------------------------------------------------------------------------ years

def year_start(d: Any) -> float | None:
    """A date as a position on a year axis where year Y runs from Y to Y+1 (its tick, labelled Y, at 1 January)."""
    if not isinstance(d, date):
        return None
    start = date(d.year, 1, 1)
    return d.year + (d - start).days / (date(d.year + 1, 1, 1) - start).days


def year_axis(lo: float, hi: float, title_text: str | None = None) -> dict[str, Any]:
    """One tick per 1 January from `lo` to `hi`, labelled once with its year, the label inside the year it
    starts: a 2021-2025 plan reads from the tick 2021 to the tick after 2025, never a year twice."""
    first, last = int(lo) if lo == int(lo) else int(lo) + 1, int(hi)
    years = list(range(first, last + (hi != last)))  # no label at the axis' very end: it starts no year shown
    step = max(1, len(years) // 12)
    return {"values": years[::step], "format": "d", "labelAlign": "left", "labelPadding": 4, "grid": True,
            "title": title_text, "labelFlush": False, "labelOverlap": False}
