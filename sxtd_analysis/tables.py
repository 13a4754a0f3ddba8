"""HTML tables of the library's frames for notebooks and reports (no index, '—' for missing values, text escaped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from sxtd_analysis.formatting import as_polars


def html_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, *,
               max_rows: int | None = None, escape: bool = True) -> str:
    """An HTML table of the frame (no index, '—' for missing values, lists joined by '; ') that reads well
    in a report with the code hidden. `columns` picks and orders columns; a mapping also renames them.

    Written from the polars frame directly (no pandas: importing it costs a report kernel ~0.5 s), with the
    markup and cell text of pandas' `to_html(index=False, na_rep="—", border=0, classes="sxtd-table",
    float_format="{:g}")`, which it replaced (tests/test_charts.py compares the two). Deliberate
    differences: an integer column with missing values keeps its digits (pandas made it float and printed
    1234567 as 1.23457e+06), and a missing value is '—' in decimal and all-null columns too (pandas: 'None').
    """
    frame = as_polars(df)
    if columns is not None:
        names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
        frame = frame.select(list(names)).rename(names)
    shown = frame.head(max_rows) if max_rows is not None else frame
    shown = shown.with_columns(
        [pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; ") for c, t in shown.schema.items()
         if isinstance(t, pl.List)]
        + [pl.col(c).cast(pl.String) for c, t in shown.schema.items()
           if t in (pl.Date, pl.Datetime, pl.Boolean) or isinstance(t, pl.Datetime)])
    lines = ['<table class="dataframe sxtd-table">', "  <thead>", '    <tr style="text-align: right;">']
    lines += [f"      <th>{_html_cell(name, escape)}</th>" for name in shown.columns]
    lines += ["    </tr>", "  </thead>", "  <tbody>"]
    for row in shown.iter_rows():
        lines.append("    <tr>")
        lines += [f"      <td>{_html_cell(value, escape)}</td>" for value in row]
        lines.append("    </tr>")
    lines += ["  </tbody>", "</table>"]
    html = "\n".join(lines)
    if max_rows is not None and frame.height > max_rows:
        html += f"<p><em>{max_rows} of {frame.height} rows shown.</em></p>"
    return html


#: pandas' to_html writes tabs and line breaks inside a value as the two characters \t, \n (kept as it was)
_CONTROL_AS_PRINTED = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _html_cell(value: Any, escape: bool) -> str:
    """A table cell's text as pandas' to_html wrote it: '—' for missing (None, NaN), floats with :g,
    &, <, > escaped (with `escape`), ends stripped, two spaces as two no-break spaces."""
    if value is None or (isinstance(value, float) and value != value):
        text = "—"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value).translate(_CONTROL_AS_PRINTED)
        if escape:
            text = text.translate(_HTML_SPECIAL)
    return text.strip().replace("  ", "&nbsp;&nbsp;")


def show_table(df: Any, columns: Mapping[str, str] | Sequence[str] | None = None, **kwargs: Any):
    """`html_table` wrapped for display in a notebook (an IPython HTML object)."""
    from IPython.display import HTML

    return HTML(html_table(df, columns, **kwargs))
