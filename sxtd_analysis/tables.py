"""HTML tables of the library's frames for notebooks and reports: text left and numbers right, long text wrapping,
'—' for missing values, every value escaped, a wide table scrolling in its own box (styled by report.css).

Written from the polars frame directly, not with great-tables: great-tables renders cell by cell through the
frame (0.07 s for Hà Tĩnh's 53 tasks, 11.7 s for 2,120 rows, growing faster than the rows; a province's report
lists every task, 8,007 at national scale) and costs a report kernel 0.3 s to import. The markup is plain:
one class per column kind (`sxtd-num`, `sxtd-text`, `sxtd-long`, `sxtd-medium`) and the stylesheet does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import polars as pl

from sxtd_analysis.formatting import as_polars

#: a text column whose longest value is longer than LONG_TEXT (MEDIUM_TEXT) characters wraps in a column at least
#: 10em (6em) wide (report.css: .sxtd-long, .sxtd-medium): never a word a line, never a quote twelve characters wide
LONG_TEXT = 60
MEDIUM_TEXT = 15
#: a table of this many columns or more is printed as one block per row, each value under its header (on A4 its
#: columns would be a dozen characters wide): its cells carry their header in `data-label`
WIDE = 7
MISSING = "—"


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text a reader reads: lists joined by '; ', dates ISO, booleans 'có (yes)' / 'không (no)',
    decimals with at most two places, NaN as missing."""
    def text(name: str, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(name)
        if isinstance(dtype, pl.List):
            return column.list.eval(pl.element().cast(pl.String)).list.join("; ")
        if dtype == pl.Boolean:
            return pl.when(column).then(pl.lit("có (yes)")).when(column.not_()).then(pl.lit("không (no)"))
        if dtype.is_float():
            return (pl.when(column.is_nan()).then(None).otherwise(column).round(2).cast(pl.String)
                    .str.replace(r"\.0$", ""))
        return column.cast(pl.String)

    return frame.select(text(name, dtype).alias(name) for name, dtype in frame.schema.items())


def _kind(dtype: pl.DataType, longest: int) -> str:
    if dtype.is_numeric():
        return "sxtd-num"
    if longest > LONG_TEXT:
        return "sxtd-text sxtd-long"
    return "sxtd-text sxtd-medium" if longest > MEDIUM_TEXT else "sxtd-text"


def html_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, *,
               max_rows: int | None = None) -> str:
    """An HTML table of the frame that reads well in a report with the code hidden.

    `columns` picks and orders columns; a mapping also renames them (the headers a reader sees). Numbers are
    right-aligned, text left-aligned, long text wraps in a column wide enough to read; missing values show as
    '—'. Every value and header is escaped: curated text is never markup. Beyond `max_rows` the first rows are
    shown and a line says how many there are.
    """
    frame = as_polars(df)
    if columns is not None:
        names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
        frame = frame.select(list(names)).rename(names)
    shown = frame.head(max_rows) if max_rows is not None else frame
    text = _plain(shown)
    longest = {c: text[c].str.len_chars().max() or 0 for c in text.columns}
    kinds = [_kind(dtype, longest[name]) for name, dtype in shown.schema.items()]
    wide = shown.width >= WIDE
    labels = [escape(str(name)) for name in shown.columns]
    opening = [f'<td class="{kind}" data-label="{label}">' if wide else f'<td class="{kind}">'
               for kind, label in zip(kinds, labels, strict=True)]
    head = "".join(f'<th class="{kind}" scope="col">{label}</th>' for kind, label in zip(kinds, labels, strict=True))
    body = "\n".join(
        "<tr>" + "".join(f"{cell}{MISSING if value is None else escape(value.strip())}</td>"
                         for cell, value in zip(opening, row, strict=True)) + "</tr>"
        for row in text.iter_rows())
    note = ""
    if max_rows is not None and frame.height > max_rows:
        note = (f'<p class="sxtd-table-note">{max_rows} trên {frame.height} dòng được hiển thị '
                f'<span lang="en">({max_rows} of {frame.height} rows shown)</span>.</p>')
    return (f'<div class="sxtd-table{" sxtd-wide" if wide else ""}"><table>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody></table>{note}</div>")


def show_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, **kwargs: Any):
    """`html_table` wrapped for display in a notebook (an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(html_table(df, columns, **kwargs))
