"""HTML tables of the library's frames for notebooks and reports, made with great-tables: text left and numbers
right, long text wrapping, '—' for missing values, every value escaped, a wide table scrolling in its own box."""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import polars as pl

from sxtd_analysis.formatting import as_polars

#: a text column whose longest value is longer than LONG_TEXT (MEDIUM_TEXT) characters wraps in a column at least
#: LONG_TEXT_WIDTH (MEDIUM_TEXT_WIDTH) wide: never a word a line, never a quote twelve characters wide
LONG_TEXT, LONG_TEXT_WIDTH = 60, "12em"
MEDIUM_TEXT, MEDIUM_TEXT_WIDTH = 15, "7em"
FONT_SIZE = "14px"
#: a table of this many columns or more is printed as one block per row, each value under its header (on A4 its
#: columns would be a dozen characters wide): its cells carry their header in `data-label`
WIDE = 7
FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Arial", "sans-serif"]


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined by '; ', dates as ISO text, booleans as words a reader says ('có' / 'không')."""
    return frame.with_columns(
        [pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; ") for c, t in frame.schema.items()
         if isinstance(t, pl.List)]
        + [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date or isinstance(t, pl.Datetime)]
        + [pl.when(pl.col(c)).then(pl.lit("có (yes)")).when(pl.col(c).not_()).then(pl.lit("không (no)"))
           .otherwise(pl.lit(None, dtype=pl.String)).alias(c) for c, t in frame.schema.items() if t == pl.Boolean])


class _LazyModule(types.ModuleType):
    """A module imported on first use of one of its names (importlib's LazyLoader is not enough in Python 3.11:
    `import faicons` looks at the module's `__spec__`, which loads it)."""

    def __getattr__(self, name: str):
        del sys.modules[self.__name__]
        module = importlib.import_module(self.__name__)
        return getattr(module, name)


def _lazy_faicons() -> None:
    """Load `faicons` only when an icon is drawn: great-tables imports it at import (0.2-0.3 s, its icon set) and
    uses it only in `fmt_icon`, which the reports never call."""
    if "faicons" in sys.modules:
        return
    spec = importlib.util.find_spec("faicons")
    if spec is None:
        return
    stub = _LazyModule("faicons")
    stub.__spec__ = spec
    sys.modules["faicons"] = stub


def html_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, *,
               max_rows: int | None = None) -> str:
    """An HTML table of the frame that reads well in a report with the code hidden.

    `columns` picks and orders columns; a mapping also renames them (the headers a reader sees). Numbers are
    right-aligned, text left-aligned, long text (over LONG_TEXT characters somewhere in the column) wraps in
    a column wide enough to read; missing values show as '—'. Every value and header is escaped by
    great-tables: curated text is never markup. Beyond `max_rows` the first rows are shown and a line says how
    many there are.
    """
    _lazy_faicons()
    from great_tables import GT, loc, style  # ~0.3 s to import: only when a table is drawn

    frame = as_polars(df)
    if columns is not None:
        names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
        frame = frame.select(list(names)).rename(names)
    shown = _plain(frame.head(max_rows) if max_rows is not None else frame)
    floats = [c for c, t in shown.schema.items() if t.is_float()]
    if floats:  # NaN is missing too; 1e-07 prints as Python does
        shown = shown.with_columns(pl.col(floats).fill_nan(None))
    longest = {c: shown[c].str.len_chars().max() or 0 for c, t in shown.schema.items() if t == pl.String}
    long_text = [c for c, n in longest.items() if n > LONG_TEXT]
    medium_text = [c for c, n in longest.items() if MEDIUM_TEXT < n <= LONG_TEXT]
    table = (GT(shown)
             .sub_missing(missing_text="—")
             .tab_options(table_width="100%", table_font_size=FONT_SIZE, table_font_names=FONTS,
                          column_labels_font_weight="bold", table_font_color="#1f1f1f",
                          data_row_padding="6px", container_padding_y="4px")
             .opt_row_striping())
    if floats:
        table = table.fmt_number(columns=floats, decimals=2, drop_trailing_zeros=True, use_seps=False)
    for wide, width in ((long_text, LONG_TEXT_WIDTH), (medium_text, MEDIUM_TEXT_WIDTH)):
        if wide:
            table = table.tab_style(style.css(f"min-width: {width}"), loc.body(columns=wide))
    markup = table.as_raw_html()
    wide = shown.width >= WIDE
    if wide:
        markup = _labelled_cells(markup, list(shown.columns))
    html = f'<div class="sxtd-table{" sxtd-wide" if wide else ""}">{markup}'
    if max_rows is not None and frame.height > max_rows:
        html += (f'<p class="sxtd-table-note">{max_rows} trên {frame.height} dòng được hiển thị '
                 f'<span lang="en">({max_rows} of {frame.height} rows shown)</span>.</p>')
    return html + "</div>"


_CELL = re.compile(r'<td ([^<>]*?)headers="([^"]*)"')


def _labelled_cells(markup: str, headers: Sequence[str]) -> str:
    """great-tables' cells with `data-label="<their column's header>"` (escaped), for the print layout of WIDE
    tables; a cell names its column by the header's id (`headers=`), the header's text with '-' for spaces."""
    ids = re.findall(r'<th class="gt_col_heading[^"]*"[^>]*id="([^"]*)"', markup)
    label = {i: escape(h, quote=True) for i, h in zip(ids, headers, strict=False)}
    return _CELL.sub(lambda m: f'<td data-label="{label.get(m[2], "")}" {m[1]}headers="{m[2]}"', markup)


def show_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, **kwargs: Any):
    """`html_table` wrapped for display in a notebook (an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(html_table(df, columns, **kwargs))
