"""The provenance gate: every curated number and quote is proved against the raw plan texts in data/raw.

- Every quote stands verbatim in its raw file within line_start..line_end (after NFC and white-space
  folding only).
- Every task title's words stand in that order within its lines (flattened tables interleave cells).
- Every value is re-read from its `value_as_printed` by the Vietnamese number parser, and that text
  stands in the quote.
- Every raw file is in the raw manifest with its sha256, and a plan's `raw_file` is only a bare file name
  listed there: the gate reads nothing outside data/raw.
"""

from __future__ import annotations

import csv
import hashlib
import io
from functools import cache
from pathlib import Path

import polars as pl

from sxtd_analysis.curated import Problem, _row_id
from sxtd_analysis.numbers import comparator_of, parse_value
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import TextFileError, decode_text, fold, read_raw_lines

MANIFEST_COLUMNS = (
    "file_name", "sha256", "original_file_name", "province_slug", "doc_type", "doc_number", "issued_on",
    "issuing_body", "signer", "period", "programme", "notes",
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(raw_dir: Path) -> list[dict[str, str]]:
    """Rows of data/raw/manifest.csv; TextFileError if it is not UTF-8 text."""
    path = Path(raw_dir) / "manifest.csv"
    text = decode_text(path.read_bytes(), path, allow_bom=True)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _listed_names(raw_dir: Path) -> set[str] | None:
    """File names the manifest lists; None if it cannot be read (`check_raw_manifest` says why)."""
    try:
        return {row.get("file_name") for row in read_manifest(raw_dir)}
    except (OSError, TextFileError, csv.Error):
        return None


def check_raw_manifest(raw_dir: Path) -> list[Problem]:
    """Every raw text is in the manifest, unchanged (sha256), and every manifest row has its file."""
    raw_dir = Path(raw_dir)
    manifest_path = raw_dir / "manifest.csv"
    if not raw_dir.is_dir():
        return [Problem(str(raw_dir), "the raw folder is missing (or is not a folder)", check="manifest")]
    if not manifest_path.is_file():
        what = "is a folder, not a file" if manifest_path.exists() else "is missing"
        return [Problem(str(manifest_path), f"the raw manifest {what}", check="manifest")]
    try:
        rows = read_manifest(raw_dir)
    except TextFileError as err:
        return [Problem(str(manifest_path), str(err).removeprefix(f"{manifest_path}: "), check="manifest")]
    except csv.Error as err:
        return [Problem(str(manifest_path), f"is not valid CSV ({err})", check="manifest")]
    problems = []
    missing_cols = [c for c in MANIFEST_COLUMNS if rows and c not in rows[0]]
    if missing_cols:
        problems.append(Problem(str(manifest_path), f"missing column(s): {', '.join(missing_cols)}", line=1,
                                check="manifest"))
        return problems
    listed = {r["file_name"]: (i, r) for i, r in enumerate(rows, start=2)}
    for path in sorted(raw_dir.iterdir()):
        if path.name == "manifest.csv" or path.name.startswith("."):
            continue
        if not path.is_file():
            problems.append(Problem(str(path), "is not a file; data/raw holds only the plan texts and "
                                    "manifest.csv", check="manifest"))
            continue
        if path.name not in listed:
            problems.append(Problem(str(path), "is not in data/raw/manifest.csv", check="manifest"))
            continue
        line, row = listed[path.name]
        actual = sha256_of(path)
        if actual != row["sha256"]:
            problems.append(Problem(str(path), f"has changed: sha256 is {actual}, the manifest (line {line}) "
                                    f"records {row['sha256']}; raw files are immutable", check="manifest"))
    for name, (line, _row) in listed.items():
        if not is_bare_name(name):
            problems.append(Problem(str(manifest_path), f"file_name {name!r} must be a bare file name in data/raw",
                                    line=line, check="manifest"))
        elif not (raw_dir / name).exists():
            problems.append(Problem(str(manifest_path), f"lists {name}, which is not in data/raw", line=line,
                                    check="manifest"))
    return problems


def is_bare_name(name: str | None) -> bool:
    """True for a file name with no folder part: not empty, no '/' or '\\', not '.' or '..'."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


def raw_file_refusal(raw_file: str | None, raw_dir: Path, listed: set[str] | None) -> str | None:
    """Why the gate refuses to read a plan's raw_file, or None.

    Only a bare file name listed in the manifest, naming a file inside data/raw, is read: a path
    ('../x.txt', '/tmp/x.txt') or a link out of the folder could point the gate at an edited copy.
    """
    if raw_file is None:
        return None  # the required-field rule says it is empty
    if not is_bare_name(raw_file):
        return (f"raw_file {raw_file!r} must be a bare file name in data/raw (no folder, no '..', not an absolute "
                "path); the gate reads only the plan texts listed in data/raw/manifest.csv")
    if listed is not None and raw_file not in listed:
        return f"raw_file {raw_file!r} is not listed in data/raw/manifest.csv; add its row (with its sha256) first"
    path = Path(raw_dir) / raw_file
    if path.exists() and not path.resolve().is_relative_to(Path(raw_dir).resolve()):
        return f"raw_file {raw_file!r} is a link to a file outside data/raw; put the text itself in data/raw"
    return None


@cache
def _raw_lines(path: Path) -> tuple[str, ...]:
    return tuple(read_raw_lines(path))


def _span(lines: tuple[str, ...], start: int, end: int) -> str:
    return fold(" ".join(lines[start - 1: end]))


def _find_lines(lines: tuple[str, ...], quote: str) -> str:
    """Where a quote does stand in the file, as a hint ('' if nowhere)."""
    needle = fold(quote)
    words = needle.split(" ")
    first = words[0] if words else ""
    for i, line in enumerate(lines, start=1):
        if first and first in line:
            for j in range(i, min(len(lines), i + 40) + 1):
                if needle in _span(lines, i, j):
                    return f"; it stands at lines {i}-{j}"
    return "; it stands nowhere in the file"


def words_in_order(needle: str, haystack: str) -> bool:
    """True if every word of `needle` appears in `haystack`, in order (other words may come between)."""
    remaining = iter(fold(haystack).split(" "))
    return all(any(word == w for w in remaining) for word in fold(needle).split(" "))


def _check_value(row: dict, quote: str, unit_col: str = "unit") -> str | None:
    printed = row.get("value_as_printed")
    if printed is None:
        return "value_as_printed is empty"
    if fold(printed) not in fold(quote):
        return f"value_as_printed {printed!r} is not in the quote"
    try:
        q = parse_value(printed)
    except ValueError as err:
        return str(err)
    if "amount_vnd" in row:
        if q.unit != "vnd" or q.low != row["amount_vnd"]:
            return f"the quote says {q.text!r} = {q.low:,.0f} {q.unit}, the row says {row['amount_vnd']:,} vnd"
        return None
    comparator = q.comparator
    governing = row.get("comparator_as_printed")
    if governing:
        comparator = comparator_of(governing)
        if comparator is None:
            return f"comparator_as_printed {governing!r} is not a qualifier the number parser knows"
        if q.comparator != "eq":
            return f"comparator_as_printed {governing!r} is set but value_as_printed {printed!r} has its own"
        at, value_at = fold(quote).find(fold(governing)), fold(quote).find(fold(printed))
        if at < 0 or at > value_at:
            return f"comparator_as_printed {governing!r} does not stand in the quote before {printed!r}"
    got = (q.low, q.high, comparator, q.unit)
    want = (row["value_low"], row["value_high"], row["comparator"], row[unit_col])
    if got != want:
        return (f"the number does not match its quote: {printed!r} reads as low={q.low:g}, high={q.high:g}, "
                f"{q.comparator}, {q.unit}; the row says low={want[0]:g}, high={want[1]:g}, {want[2]}, {want[3]}")
    return None


def _check_row(table: str, row: dict, raw_of: dict[str, str], raw_dir: Path) -> tuple[str, str, str] | None:
    """(message, column, check) for a row that fails the gate, or None."""
    raw_file = raw_of.get(row["plan_id"])
    if raw_file is None:
        return f"plan {row['plan_id']!r} has no raw file in plans.csv", "plan_id", "quote"
    path = raw_dir / raw_file
    if not path.exists():
        return f"raw file {path} is missing", "plan_id", "quote"
    lines = _raw_lines(path)
    start, end = row["line_start"], row["line_end"]
    if start is None or end is None or not (1 <= start <= end <= len(lines)):
        return f"lines {start}-{end} are outside {raw_file} (1-{len(lines)})", "line_start", "quote"
    span = _span(lines, start, end)
    if table == "tasks":
        if not words_in_order(row["title"], span):
            return f"the title's words do not stand in order in {raw_file} lines {start}-{end}", "title", "quote"
        return None
    quote = row["quote"] or ""
    if fold(quote) not in span:
        return f"the quote is not in {raw_file} lines {start}-{end}{_find_lines(lines, quote)}", "quote", "quote"
    if table in ("targets", "budgets"):
        message = _check_value(row, quote)
        if message:
            return message, "value_as_printed", "number"
    return None


def _check_plans(plans: pl.DataFrame, raw_dir: Path, file_name: str) -> tuple[dict[str, str], list[Problem]]:
    """({plan_id: raw_file} of the plans whose raw text the gate may read, problems of the others).

    A plan's raw_file is refused when it is not a bare name listed in the manifest (`raw_file_refusal`) or
    its text cannot be read as UTF-8; its rows are then not checked (the plan's problem says why).
    """
    listed = _listed_names(raw_dir)
    raw_of, problems = {}, []
    for idx, row in enumerate(plans.iter_rows(named=True)):
        refusal = raw_file_refusal(row["raw_file"], raw_dir, listed)
        if refusal is None and row["raw_file"] is not None and (raw_dir / row["raw_file"]).is_file():
            try:
                _raw_lines(raw_dir / row["raw_file"])
            except TextFileError as err:
                refusal = f"the raw text cannot be read: {err}"
        if refusal:
            problems.append(Problem(file_name, refusal, line=row["_line"], row_id=_row_id(plans, TABLES["plans"], idx),
                                    column="raw_file", check="manifest"))
        else:
            raw_of[row["plan_id"]] = row["raw_file"]
    return raw_of, problems


def check_provenance(frames: dict[str, pl.DataFrame], raw_dir: Path, curated_dir: Path | None = None
                     ) -> list[Problem]:
    """Check every quote, title and value of the curated frames against the raw texts; list all failures."""
    raw_dir = Path(raw_dir)
    curated_dir = Path(curated_dir or "data/curated")
    problems: list[Problem] = []
    plans = frames.get("plans")
    raw_of, refused = {}, set()
    if plans is not None:
        raw_of, problems = _check_plans(plans, raw_dir, str(curated_dir / TABLES["plans"].file_name))
        refused = set(plans["plan_id"]) - set(raw_of)
    for name, frame in frames.items():
        table = TABLES[name]
        if name != "national_targets" and not table.has_provenance:
            continue
        file_name = str(curated_dir / table.file_name)
        for idx, row in enumerate(frame.iter_rows(named=True)):
            if name == "national_targets":
                message = _check_value(row, row["quote"]) if row["is_quantified"] else None
                failure = (message, "value_as_printed", "number") if message else None
            elif row["plan_id"] in refused:
                continue  # its plan's raw_file is refused: that problem is listed on plans.csv
            else:
                failure = _check_row(name, row, raw_of, raw_dir)
            if failure:
                message, column, check = failure
                problems.append(Problem(file_name, message, line=row["_line"], row_id=_row_id(frame, table, idx),
                                        column=column, check=check))
    return problems
