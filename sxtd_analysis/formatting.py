"""Plain words for the library's numbers and names: values as a reader writes them, Vietnamese order, bounded
lists and the national-scale limits (how many rows, marks and items a page shows)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

_UNIT_SUFFIX = {"percent": "%", "count": "", "vnd": " đồng"}
_COMPARATOR_PREFIX = {"at_least": "≥", "at_most": "≤", "approx": "≈"}


def as_polars(df: Any) -> pl.DataFrame:
    """The frame as polars (a pandas frame is converted; a LazyFrame collected)."""
    if isinstance(df, pl.DataFrame):
        return df
    if isinstance(df, pl.LazyFrame):
        return df.collect()
    if type(df).__module__.startswith("pandas"):
        return pl.from_pandas(df)
    raise TypeError(f"expected a polars or pandas DataFrame, got {type(df).__name__}")


def vietnamese_sorted(names: Iterable[str | None]) -> list[str]:
    """The distinct names in Vietnamese alphabetical order (DuckDB `ORDER BY ... COLLATE vi`).

    Đ comes after D (not after Z), and tones and vowel marks sort as the Vietnamese alphabet has them.
    """
    unique = sorted({n for n in names if n is not None})
    if len(unique) < 2:
        return unique
    with _COLLATOR_LOCK:
        rows = _collator().execute("SELECT n FROM (SELECT unnest(?::VARCHAR[]) AS n) ORDER BY n COLLATE vi, n",
                                   [unique]).fetchall()
    return [r[0] for r in rows]


#: vietnamese_sorted's in-memory DuckDB connection, opened once (opening one costs ~20 ms, a report sorts
#: about ten times); a connection is not safe for use from two threads at once, hence the lock.
_COLLATOR_LOCK = threading.Lock()


@cache
def _collator():
    import duckdb

    return duckdb.connect()


def _number(x: float, unit: str | None) -> str:
    if unit == "vnd":
        return f"{int(round(x)):,}".replace(",", ".")
    return f"{x:g}"


def format_value(low: float | None, high: float | None = None, unit: str | None = None,
                 comparator: str | None = None) -> str:
    """A target's value as a reader writes it: '5–8%', '≥40%', '≈50%', '1–2', '3.235.715.000 đồng'."""
    if low is None and high is None:
        return "—"
    low = high if low is None else low
    high = low if high is None else high
    body = _number(low, unit) if low == high else f"{_number(low, unit)}–{_number(high, unit)}"
    return f"{_COMPARATOR_PREFIX.get(comparator or '', '')}{body}{_UNIT_SUFFIX.get(unit or '', '')}"


#: A national collection (every province's plans over a decade) holds tens of thousands of plans and hundreds
#: of thousands of targets and tasks. The notebooks and reports stay readable at that size: a table shows its
#: first TABLE_ROWS rows (`html_table(max_rows=)`), a chart that draws a mark per plan, target or task draws a
#: summary beyond CHART_ROWS (a chart draws in the reader's browser), a list names its first LISTED items (`listed`);
#: each says what it left out, and the database keeps every row.
TABLE_ROWS = 200
CHART_ROWS = 400
LISTED = 12


def listed(items: Iterable[str], sep: str = ", ", limit: int = LISTED, lang: str = "en") -> str:
    """The items joined by `sep`, or beyond `limit` the first ones and "and N more" ("và N mục khác" with
    `lang="vi"`)."""
    items = list(items)
    if len(items) <= limit:
        return sep.join(items)
    more = f"và {len(items) - limit} mục khác" if lang == "vi" else f"and {len(items) - limit} more"
    return f"{sep.join(items[:limit])}{sep}{more}"



def source_ref(raw_file: str | None, line_start: int | None, line_end: int | None) -> str:
    """Where a fact was read: 'ha-tinh_kh-484-2020.txt:52-54'."""
    if raw_file is None:
        return ""
    return f"{raw_file}:{line_start}-{line_end if line_end is not None else line_start}"




def value_labels(df: Any, low: str = "value_low", high: str = "value_high", unit: str = "unit",
                 comparator: str = "comparator") -> pl.Series:
    """`format_value` of every row: the columns of a target (or, with national_value_low..., a benchmark)."""
    frame = as_polars(df)
    units = frame[unit].to_list() if unit in frame.columns else [None] * frame.height
    comps = frame[comparator].to_list() if comparator in frame.columns else [None] * frame.height
    return pl.Series([format_value(lo, hi, u, c) for lo, hi, u, c in
                      zip(frame[low].to_list(), frame[high].to_list(), units, comps, strict=True)],
                     dtype=pl.String)




def require_columns(frame: pl.DataFrame, what: str, columns: Iterable[str]) -> None:
    """Raise a ValueError naming the columns `what` needs and the frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the column(s) {', '.join(missing)}; got {', '.join(frame.columns)}")


def sources(frame: pl.DataFrame) -> pl.Series:
    """raw_file:line_start-line_end per row (from `source`, `raw_file` or the plan id, the raw file's stem)."""
    if "source" in frame.columns:
        return frame["source"].cast(pl.String).fill_null("")
    require_columns(frame, "a source reference", ["line_start", "line_end"])
    files = (frame["raw_file"].to_list() if "raw_file" in frame.columns
             else [None if p is None else f"{p}.txt" for p in frame["plan_id"].to_list()])
    return pl.Series([source_ref(f, s, e) for f, s, e in
                      zip(files, frame["line_start"].to_list(), frame["line_end"].to_list(), strict=True)],
                     dtype=pl.String)




@cache
def _codebook(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"display_order": pl.Int64}).sort("display_order")


def verdict_codebook(path: Path | str | None = None) -> pl.DataFrame:
    """The verdicts codebook (data/curated/verdicts.csv, the `verdicts` table): verdict, display_order, label_vi,
    label_en, meaning_vi, meaning_en, colour, in display order."""
    if path is None:
        from sxtd_analysis.config import get_paths

        path = get_paths().curated_dir / "verdicts.csv"
    return _codebook(Path(path))


def milestone_marks(path: Path | str | None = None) -> dict[int, str]:
    """{milestone year: programme} from the national_milestones table's CSV (the one definition of the mapping),
    for the dashed milestone rules of the charts."""
    if path is None:
        from sxtd_analysis.config import get_paths

        path = get_paths().curated_dir / "national_milestones.csv"
    return dict(_codebook_rows(Path(path)))


@cache
def _codebook_rows(path: Path) -> tuple[tuple[int, str], ...]:
    frame = pl.read_csv(path, schema_overrides={"milestone_year": pl.Int64}).sort("milestone_year")
    return tuple(frame.select("milestone_year", "programme").iter_rows())
