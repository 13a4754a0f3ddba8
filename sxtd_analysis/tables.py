"""HTML tables of the library's frames for notebooks and reports, made with great-tables: text left and numbers
right, long text wrapping, '—' for missing values, every value escaped, a wide table scrolling in its own box."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from sxtd_analysis.formatting import as_polars

#: a text column whose longest value is longer than this wraps in a column at least LONG_TEXT_WIDTH wide
LONG_TEXT = 60
LONG_TEXT_WIDTH = "16em"
FONT_SIZE = "14px"
FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Arial", "sans-serif"]


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined by '; ', dates as ISO text, booleans as words a reader says ('có' / 'không')."""
    return frame.with_columns(
        [pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; ") for c, t in frame.schema.items()
         if isinstance(t, pl.List)]
        + [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date or isinstance(t, pl.Datetime)]
        + [pl.when(pl.col(c)).then(pl.lit("có (yes)")).when(pl.col(c).not_()).then(pl.lit("không (no)"))
           .otherwise(pl.lit(None, dtype=pl.String)).alias(c) for c, t in frame.schema.items() if t == pl.Boolean])


def html_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, *,
               max_rows: int | None = None) -> str:
    """An HTML table of the frame that reads well in a report with the code hidden.

    `columns` picks and orders columns; a mapping also renames them (the headers a reader sees). Numbers are
    right-aligned, text left-aligned, long text (over LONG_TEXT characters somewhere in the column) wraps in
    a column wide enough to read; missing values show as '—'. Every value and header is escaped by
    great-tables: curated text is never markup. Beyond `max_rows` the first rows are shown and a line says how
    many there are.
    """
    from great_tables import GT, loc, style  # ~0.3 s to import: only when a table is drawn

    frame = as_polars(df)
    if columns is not None:
        names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
        frame = frame.select(list(names)).rename(names)
    shown = _plain(frame.head(max_rows) if max_rows is not None else frame)
    floats = [c for c, t in shown.schema.items() if t.is_float()]
    if floats:  # NaN is missing too; 1e-07 prints as Python does
        shown = shown.with_columns(pl.col(floats).fill_nan(None))
    long_text = [c for c, t in shown.schema.items()
                 if t == pl.String and (shown[c].str.len_chars().max() or 0) > LONG_TEXT]
    table = (GT(shown)
             .sub_missing(missing_text="—")
             .tab_options(table_width="100%", table_font_size=FONT_SIZE, table_font_names=FONTS,
                          column_labels_font_weight="bold", table_font_color="#1f1f1f",
                          data_row_padding="6px", container_padding_y="4px")
             .opt_row_striping())
    if floats:
        table = table.fmt_number(columns=floats, decimals=2, drop_trailing_zeros=True, use_seps=False)
    if long_text:
        table = table.tab_style(style.css(f"min-width: {LONG_TEXT_WIDTH}; white-space: normal"),
                                loc.body(columns=long_text))
    html = f'<div class="sxtd-table">{table.as_raw_html()}'
    if max_rows is not None and frame.height > max_rows:
        html += (f'<p class="sxtd-table-note">{max_rows} trên {frame.height} dòng được hiển thị '
                 f'<span lang="en">({max_rows} of {frame.height} rows shown)</span>.</p>')
    return html + "</div>"


def show_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, **kwargs: Any):
    """`html_table` wrapped for display in a notebook (an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(html_table(df, columns, **kwargs))
